import Foundation

/// The data files shipped with coexist (`Sources/CoexistIngest/Resources`): the layouts of
/// Microsoft's formats, the language files and the offer → SKU catalogue.
///
/// SwiftPM puts them in a resource bundle beside the binary (`coexist_CoexistIngest.resources`).
/// They are looked up without `Bundle.module`, whose accessor stops the process when the bundle is
/// missing: a binary copied without its bundle gets an input error that says what to copy instead.
struct BuiltinData: Sendable {
    let layouts: [Layout]
    let languages: [Language]
    let catalogue: OfferCatalogue

    /// Read once per process.
    static let shared: Result<BuiltinData, IngestError> = {
        do throws(IngestError) {
            return .success(try load())
        } catch {
            return .failure(error)
        }
    }()

    static let bundleNames = ["coexist_CoexistIngest.resources", "coexist_CoexistIngest.bundle"]

    /// The `Resources` directory: in the bundle beside the executable, else in the source tree (a
    /// development build run from elsewhere).
    static func directory() throws(IngestError) -> URL {
        var bases: [URL] = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            bases.append(executable)
        }
        var candidates: [URL] = []
        for base in bases {
            for name in bundleNames {
                let bundle = base.appendingPathComponent(name)
                candidates.append(bundle.appendingPathComponent("Resources"))
                candidates.append(bundle.appendingPathComponent("Contents/Resources/Resources"))
            }
        }
        candidates.append(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Resources"))
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(
                atPath: candidate.appendingPathComponent("offer-catalogue.csv").path, isDirectory: &isDirectory)
            {
                return candidate
            }
        }
        throw .unreadable(
            file: bundleNames[0],
            reason: "coexist's data files (formats, languages, offer catalogue) are missing: copy the \(bundleNames[0]) "
                + "directory from the build folder next to the coexist binary")
    }

    private static func load() throws(IngestError) -> BuiltinData {
        let root = try directory()
        var catalogue = OfferCatalogue()
        let cataloguePath = root.appendingPathComponent("offer-catalogue.csv").path
        try catalogue.add(csv: CSVReader(path: cataloguePath, displayName: "built-in offer-catalogue.csv"))
        let layouts = try files(in: root.appendingPathComponent("layouts")).map { url throws(IngestError) in
            try Layout.parse(
                SmallJSON.read(path: url.path, displayName: "built-in " + url.lastPathComponent),
                file: "built-in " + url.lastPathComponent, isBuiltIn: true)
        }
        let languages = try files(in: root.appendingPathComponent("languages")).map { url throws(IngestError) in
            try Language.load(path: url.path, displayName: "built-in " + url.lastPathComponent)
        }
        return BuiltinData(layouts: layouts, languages: languages, catalogue: catalogue)
    }

    private static func files(in directory: URL) throws(IngestError) -> [URL] {
        do {
            return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw .unreadable(file: directory.path, reason: "cannot list coexist's data files")
        }
    }
}
