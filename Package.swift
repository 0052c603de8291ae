// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "coexist",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "coexist", targets: ["coexist"]),
        .library(
            name: "CoexistKit", targets: ["CoexistModel", "CoexistIngest", "CoexistRules", "CoexistDiff", "CoexistStore", "CoexistReports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // The only C library: libxml2 through pkg-config, imported by CoexistIngest alone.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // A cache-line prefetch hint, for the model's passes over records scattered over the heap.
        .target(name: "CPrefetch"),
        // glibc's allocator thresholds, for the command-line tool (see LargeBlocks.swift).
        .target(name: "CAllocator"),
        // Value types of the coexistence model: ids, enums, subscriptions, snapshots. No I/O.
        .target(name: "CoexistModel", dependencies: ["CPrefetch"]),
        // Reading export sets: CSV and XML readers, format detection, canonical mapping to the model.
        .target(
            name: "CoexistIngest",
            dependencies: [
                "CoexistModel", "CLibXML2",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // Microsoft's formats as layouts, the language files and the offer → SKU catalogue (data, not code).
            resources: [.copy("Resources")]
        ),
        // The rules of SPEC §4, one file each, and the engine that runs them in order.
        .target(name: "CoexistRules", dependencies: ["CoexistModel"]),
        // Snapshot diff: added / removed / changed subscriptions, field by field.
        .target(name: "CoexistDiff", dependencies: ["CoexistModel"]),
        // The SQLite store of nightly mode (snapshots, baselines, runs, acceptances): the only GRDB importer.
        .target(
            name: "CoexistStore",
            dependencies: [
                "CoexistModel", "CoexistRules",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The report model and one renderer per output format, written atomically.
        // (Crypto: the SHA-256 of report.html's inline style and script, for its Content-Security-Policy.)
        .target(
            name: "CoexistReports",
            dependencies: ["CoexistModel", "CoexistRules", "CoexistDiff", .product(name: "Crypto", package: "swift-crypto")]),
        // The thin command-line layer: parses options, prints, decides exit codes.
        .executableTarget(
            name: "coexist",
            dependencies: [
                "CoexistModel", "CoexistIngest", "CoexistRules", "CoexistDiff", "CoexistStore", "CoexistReports", "CAllocator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "CoexistModelTests", dependencies: ["CoexistModel"]),
        .testTarget(
            name: "CoexistIngestTests", dependencies: ["CoexistIngest", "CoexistModel"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "CoexistRulesTests", dependencies: ["CoexistRules", "CoexistModel"]),
        .testTarget(name: "CoexistDiffTests", dependencies: ["CoexistDiff", "CoexistModel"]),
        .testTarget(name: "CoexistStoreTests", dependencies: ["CoexistStore", "CoexistRules", "CoexistModel"]),
        .testTarget(
            name: "CoexistReportsTests",
            dependencies: [
                "CoexistReports", "CoexistRules", "CoexistDiff", "CoexistModel", .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Snapshots", "Fixtures"]),
        // Runs the built `coexist` binary end to end, as a user or cron would.
        .testTarget(name: "CoexistCLITests", dependencies: ["coexist", "CoexistStore"]),
    ]
)
