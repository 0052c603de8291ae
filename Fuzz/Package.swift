// swift-tools-version: 6.0
// libFuzzer targets for coexist's readers. Built only by scripts/fuzz (with -sanitize=fuzzer), never by
// the root package's `swift build`: libFuzzer supplies `main`, so these targets are libraries of code
// compiled with -parse-as-library.
// FuzzJSON reaches internal JSON types with @testable import, so scripts/fuzz also passes -enable-testing.
import PackageDescription

let fuzzFlags: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "coexist-fuzz",
    dependencies: [.package(name: "coexist", path: "..")],
    targets: [
        // libFuzzer's driver, shared by the targets.
        .target(name: "FuzzSupport"),
        .executableTarget(
            name: "FuzzCSV", dependencies: ["FuzzSupport", .product(name: "CoexistKit", package: "coexist")], swiftSettings: fuzzFlags),
        .executableTarget(
            name: "FuzzXML", dependencies: ["FuzzSupport", .product(name: "CoexistKit", package: "coexist")], swiftSettings: fuzzFlags),
        // Also drives internal JSON types through @testable (scripts/fuzz builds with -enable-testing).
        .executableTarget(
            name: "FuzzJSON",
            dependencies: ["FuzzSupport", .product(name: "CoexistKit", package: "coexist")],
            swiftSettings: fuzzFlags),
    ]
)
