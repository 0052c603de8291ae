import CoexistModel

/// Reads a canonical CSV export (SPEC §2.1) into a ``FileContent``.
struct CanonicalCSVReader {
    /// Header position → canonical column; nil for extra columns (kept out of the model).
    let mapping: [CanonicalColumn?]
    let outcome: CanonicalSignature.Outcome
    let extraColumns: [String]
    /// The language the header was translated from, if any.
    let language: Language?
    /// Headers the language translated.
    let translatedHeaders: Int

    /// Classifies a header, translated through `language` first. Duplicate canonical columns keep the first.
    init(header: [String], language: Language? = nil) {
        var seen = Set<CanonicalColumn>()
        var mapping: [CanonicalColumn?] = []
        var extras: [String] = []
        var translated = 0
        for name in header {
            let english = language?.english(name)
            if english != nil { translated += 1 }
            if let column = CanonicalColumn(header: english ?? name), seen.insert(column).inserted {
                mapping.append(column)
            } else {
                mapping.append(nil)
                if !name.trimmingWhitespace().isEmpty { extras.append(name) }
            }
        }
        self.mapping = mapping
        self.extraColumns = extras
        self.outcome = CanonicalSignature.classify(seen)
        self.language = language
        self.translatedHeaders = translated
    }

    /// Whether the header is one of the canonical kinds.
    var isRecognized: Bool {
        switch outcome {
        case .subscriptions, .single: true
        case .ambiguous, .none: false
        }
    }

    /// Reads every record. Structural errors throw; bad values become problems in the content.
    /// `fastPath` false decodes every record through ``RecordDecoder`` (the tests compare the two).
    func read(_ reader: CSVReader, decoder: RecordDecoder = RecordDecoder(), fastPath allowFast: Bool = true) throws(IngestError)
        -> FileContent
    {
        var content = FileContent(file: reader.displayName, format: "canonical-csv", decoder: decoder)
        content.language = language?.code
        content.columns = zip(reader.header, mapping).map { name, column in
            ColumnUse(source: name, use: column.map { .field($0.name) } ?? .unknown)
        }
        let translator = language?.translator
        if !extraColumns.isEmpty {
            content.notices.append("\(reader.displayName): ignoring columns coexist does not know: \(extraColumns.joined(separator: ", "))")
        }
        let headerKeys = reader.header.map { canonicalKey($0) }
        switch outcome {
        case .subscriptions(let defaultView, let perRowView):
            // With a View column the rows say which views the file holds; an empty file holds the default.
            if !perRowView { content.declare(ExportKind.subscriptions(of: defaultView)) }
        case .single(let kind):
            content.declare(kind)
        case .ambiguous, .none:
            return content
        }
        var fast = allowFast && translator == nil ? fastPath() : nil
        var raw = RawRecord(source: Provenance(file: reader.displayName, line: 0))
        while let record = try reader.next() {
            if isRepeatedHeader(record, headerKeys) { continue }
            if fast != nil {
                if reader.recordCount == Self.recordsBeforeReserving, let expected = reader.expectedRecordCount {
                    // A million-row file grew its array by doubling: each growth moved every record
                    // into fresh pages (5% of a 1M run's CPU, most of it licenses). The first rows
                    // tell how many the file holds; a little more for rows longer than these.
                    content.reserveCapacity(expected + expected / 32, for: fast!.kind)
                }
                let source = Provenance(file: reader.displayName, line: record.line)
                switch fast!.kind {
                case .subscriptions(let kind):
                    if let subscription = fast!.path.subscription(record, source: source, in: &content) {
                        content.add(decoded: subscription, as: kind)
                        continue
                    }
                case .licenses:
                    if let license = fast!.path.license(record, source: source, in: &content) {
                        content.add(decoded: license)
                        continue
                    }
                }
            }
            raw.reset(source: Provenance(file: reader.displayName, line: record.line))
            for index in 0..<min(record.count, mapping.count) {
                guard let column = mapping[index] else { continue }
                let text = record.string(at: index)
                raw.set(column, translator?.translate(text, column) ?? text, at: record.column(at: index))
            }
            for index in record.count..<mapping.count {
                guard let column = mapping[index] else { continue }
                raw.set(column, "", at: 1)
            }
            switch outcome {
            case .subscriptions(let defaultView, let perRowView):
                var view = defaultView
                if perRowView, let text = raw.trimmed(.view), !text.isEmpty {
                    switch canonicalKey(text) {
                    case "partner": view = .partner
                    case "customer": view = .customer
                    // Beyond SPEC §2.1: the tenant's own directory list (what Graph's directory/subscriptions gives).
                    case "tenant": view = .tenant
                    default:
                        content.reject(
                            raw,
                            failure: DecodeFailure(
                                column: .view, message: "invalid View \(quoted(text)); expected partner, customer or tenant"))
                        continue
                    }
                }
                content.add(raw, as: ExportKind.subscriptions(of: view))
            case .single(let kind):
                content.add(raw, as: kind)
            case .ambiguous, .none:
                break
            }
        }
        if case .subscriptions(let defaultView, true) = outcome, content.kinds.isEmpty {
            content.declare(ExportKind.subscriptions(of: defaultView))
        }
        return content
    }

    /// After how many records the array of a fast-path file is sized for the whole file.
    static let recordsBeforeReserving = 1024

    /// What ``CanonicalFastPath`` reads of this file, when it can read the file's rows.
    enum FastKind {
        case subscriptions(ExportKind)
        case licenses
    }

    private func fastPath() -> (path: CanonicalFastPath, kind: FastKind)? {
        switch outcome {
        case .subscriptions(let view, false):
            guard let path = CanonicalFastPath(mapping: mapping, view: view), path.readsSubscriptions else { return nil }
            return (path, .subscriptions(ExportKind.subscriptions(of: view)))
        case .single(.customerLicenses):
            guard let path = CanonicalFastPath(mapping: mapping, view: .partner), path.readsLicenses else { return nil }
            return (path, .licenses)
        default:
            return nil
        }
    }

    /// A header row repeated inside the data, as concatenated exports have.
    private func isRepeatedHeader(_ record: CSVRecord, _ headerKeys: [String]) -> Bool {
        guard record.count >= headerKeys.count, !headerKeys.isEmpty else { return false }
        // Checking the first cell's first letter, then the first cell, keeps this off the hot path:
        // a data row starts with an id, a header with a letter of a column name.
        let first = headerKeys[0].utf8.first
        let opening = record.withBytes(at: 0) { bytes in
            bytes.first(where: { !canonicalKeySkips($0) }).map { $0 | 0x20 }
        }
        guard first == nil || opening == nil || opening == first || opening.map({ $0 >= 0x80 }) == true else { return false }
        guard canonicalKey(record.string(at: 0)) == headerKeys[0] else { return false }
        return headerKeys.indices.allSatisfy { canonicalKey(record.string(at: $0)) == headerKeys[$0] }
    }
}

/// The bytes ``canonicalKey(_:)`` drops at the start of a name: blanks, `_`, `-` and an apostrophe.
private func canonicalKeySkips(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "'")
}
