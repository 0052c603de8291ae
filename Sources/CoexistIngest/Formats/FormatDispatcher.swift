import CoexistModel
import Foundation

/// Recognizes a file by its content and reads it with the reader that fits (SPEC §2): canonical
/// signatures first, then the user's mappings, then Microsoft's formats; each also through the
/// language files (German headers). A header that two candidates fit equally is an error asking for a
/// mapping; a data file nothing fits is an error that names what was expected and the closest
/// headers found. `nil` means "not an export" for a file whose extension does not claim it is one.
struct FormatDispatcher {
    var context: IngestContext

    // MARK: - CSV

    func readCSV(path: String, displayName: String, isData: Bool) throws(IngestError) -> FileContent? {
        let reader = try CSVReader(path: path, displayName: displayName, limits: context.limits.csv(records: context.recordsLeft))
        var content = try readCSV(reader, displayName: displayName, isData: isData)
        content?.sha256 = reader.sha256
        content?.recordsCounted = reader.recordCount
        return content
    }

    private func readCSV(_ reader: CSVReader, displayName: String, isData: Bool) throws(IngestError) -> FileContent? {
        let header = reader.header
        let canonical = CanonicalCSVReader(header: header)
        if canonical.isRecognized { return try canonical.read(reader, decoder: context.decoder) }
        let user = context.layouts.filter { !$0.isBuiltIn && $0.syntax == .csv }
        if case .ambiguous(let kinds) = canonical.outcome {
            // The error asks for a mapping: one that fits settles it.
            let fits = candidates(user, header: header, languages: false).filter(\.matches).sorted { $0.score > $1.score }
            guard let best = fits.first else { throw .ambiguous(file: displayName, kinds: kinds.map(\.rawValue)) }
            return try best.read(reader, context: context)
        }
        let localized = context.languages.map { CanonicalCSVReader(header: header, language: $0) }.filter {
            $0.translatedHeaders > 0 && $0.isRecognized
        }
        if let first = localized.first {
            guard localized.count == 1 else {
                throw .unrecognized(
                    file: displayName,
                    reason: "the header reads as canonical in \(localized.compactMap(\.language?.code).joined(separator: " and ")); "
                        + "add a mapping file that names the language")
            }
            return try first.read(reader, decoder: context.decoder)
        }
        let builtin = context.layouts.filter { $0.isBuiltIn && $0.syntax == .csv }
        let levels = [
            candidates(user, header: header, languages: false), candidates(user, header: header, languages: true),
            candidates(builtin, header: header, languages: false), candidates(builtin, header: header, languages: true),
        ]
        for level in levels {
            let fits = level.filter(\.matches).sorted { $0.score > $1.score }
            guard let best = fits.first else { continue }
            if fits.count > 1, fits[1].score == best.score, fits[1].layout.file != best.layout.file {
                throw .ambiguous(file: displayName, kinds: fits.prefix(2).map { "\($0.layout.kind) (\($0.layout.format))" })
            }
            return try best.read(reader, context: context)
        }
        guard isData else { return nil }
        throw .unrecognized(file: displayName, reason: expectation(header: header, canonical: canonical, levels.flatMap { $0 }))
    }

    private func candidates(_ layouts: [Layout], header: [String], languages: Bool) -> [MappedCSVReader] {
        layouts.flatMap { layout -> [MappedCSVReader] in
            if let code = layout.language {
                return languages ? [] : [MappedCSVReader(layout: layout, language: context.language(code), header: header)]
            }
            guard languages else { return [MappedCSVReader(layout: layout, language: nil, header: header)] }
            return context.languages.map { MappedCSVReader(layout: layout, language: $0, header: header) }
        }
    }

    /// Why nothing fits: the user's closest mapping, else the closest format, else the canonical kinds;
    /// each missing column with the closest header the file has.
    private func expectation(header: [String], canonical: CanonicalCSVReader, _ tried: [MappedCSVReader]) -> String {
        func closest(_ name: String) -> String {
            guard let match = closestHeader(to: name, in: header) else { return "" }
            return " (closest header found: \"\(match)\")"
        }
        let ranked = tried.sorted { lhs, rhs in
            let left = Double(lhs.layout.recognizeBy.count - lhs.missingRecognition.count) / Double(max(1, lhs.layout.recognizeBy.count))
            let right = Double(rhs.layout.recognizeBy.count - rhs.missingRecognition.count) / Double(max(1, rhs.layout.recognizeBy.count))
            return left > right
        }
        let userMapping = ranked.first { !$0.layout.isBuiltIn }
        if let best = userMapping ?? ranked.first(where: { $0.missingRecognition.count * 2 <= $0.layout.recognizeBy.count }) {
            let owner = best.layout.isBuiltIn ? "the \(best.layout.format) format (\(best.layout.kind))" : "the mapping \(best.layout.file)"
            let missing = best.missingRecognition.map { "\"\($0)\"" + closest($0) }
            return "the header does not fit \(owner): it lacks \(missing.joined(separator: ", "))"
        }
        guard case .none(let guess, let missing) = canonical.outcome, guess != nil, !missing.isEmpty else {
            return CanonicalSignature.expectation(bestGuess: nil, missing: [])
                + "; or a Microsoft export (README, \"Input formats\"); for another layout write a mapping (coexist mapping init <file>)"
        }
        let named = missing.map { $0.name + closest($0.name) }
        return "looks like \(guess.map(\.rawValue) ?? "an export") but lacks \(named.joined(separator: ", ")); "
            + CanonicalSignature.expectation(bestGuess: nil, missing: [])
    }

    // MARK: - JSON

    func readJSON(path: String, displayName: String, isData: Bool) throws(IngestError) -> FileContent? {
        let list = JSONListReader(
            tokenizer: try JSONTokenizer(path: path, displayName: displayName, limits: context.limits.json),
            listKeys: MappedJSONReader.listKeys(context.layouts), itemBudget: context.limits.maxJSONItemBytes,
            maxItems: context.recordsLeft)
        let first = try list.nextItem()
        // coexist's own mapping and language files may sit beside the exports: not exports, skipped.
        if list.isSingleResource, first?.member("coexistMapping") != nil || first?.member("coexistLanguage") != nil {
            return nil
        }
        let layouts = context.layouts.filter { $0.syntax == .json }
        let chosen: [Layout]
        if let first {
            let user = layouts.filter { !$0.isBuiltIn && MappedJSONReader.fits($0, item: first) }
            chosen = user.isEmpty ? layouts.filter { $0.isBuiltIn && MappedJSONReader.fits($0, item: first) } : user
        } else {
            chosen = layouts.filter { MappedJSONReader.fits($0, envelope: list) }
        }
        let ranked = chosen.sorted { $0.recognizeBy.count > $1.recognizeBy.count }
        guard let layout = ranked.first else {
            guard isData else { return nil }
            let expected = layouts.map { "\($0.format) \($0.kind) (\($0.recognizeBy.joined(separator: ", ")))" }
            let found =
                first.map { "; its first item has \($0.members.prefix(12).map(\.key).joined(separator: ", "))" } ?? "; the list is empty"
            throw .unrecognized(
                file: displayName,
                reason: "a JSON document of a shape coexist does not know: expected one of \(expected.joined(separator: "; "))\(found)")
        }
        if ranked.count > 1, ranked[1].recognizeBy.count == layout.recognizeBy.count {
            throw .ambiguous(file: displayName, kinds: ranked.prefix(2).map { "\($0.kind) (\($0.format))" })
        }
        var content = try MappedJSONReader(layout: layout).read(first: first, list: list, context: context)
        content.recordsCounted = list.items
        return content
    }

    // MARK: - XML

    func readXML(path: String, displayName: String, isData: Bool) throws(IngestError) -> FileContent? {
        let handler = CanonicalXMLHandler(file: displayName, decoder: context.decoder, recordsLeft: context.recordsLeft)
        let root: String
        do {
            // Hashed on the way: the loader would otherwise read the file again for the report's digest.
            let sha256 = try XMLStreamReader.parseAndHash(
                path: path, displayName: displayName, limits: context.limits.xml, handler: handler)
            var content = handler.content
            content.sha256 = sha256
            content.recordsCounted = handler.recordsCounted
            return content
        } catch let error as IngestError {
            throw error
        } catch let error as CanonicalXMLHandler.NotCanonical {
            root = error.root
        } catch {
            throw .unreadable(file: displayName, reason: "\(error)")
        }
        let mappings = context.layouts.filter { $0.syntax == .xml && $0.records.first?.lowercased() == root.lowercased() }
        guard let layout = mappings.first else {
            guard isData else { return nil }
            throw .unrecognized(
                file: displayName, reason: "XML root element <\(root)> is not <coexistExport>, and no --mapping names it in \"records\"")
        }
        let mapped = MappedXMLHandler(layout: layout, file: displayName, context: context)
        let sha256: String
        do {
            sha256 = try XMLStreamReader.parseAndHash(path: path, displayName: displayName, limits: context.limits.xml, handler: mapped)
        } catch let error as IngestError {
            throw error
        } catch {
            throw .unreadable(file: displayName, reason: "\(error)")
        }
        var content = mapped.content
        content.sha256 = sha256
        content.recordsCounted = mapped.recordsCounted
        return content
    }
}

/// The header closest to `name` (the message for a missing column names it), or nil for an empty header.
func closestHeader(to name: String, in header: [String]) -> String? {
    let key = Array(canonicalKey(name))
    return header.filter { !$0.isEmpty }.min { lhs, rhs in
        editDistance(key, Array(canonicalKey(lhs))) < editDistance(key, Array(canonicalKey(rhs)))
    }
}
