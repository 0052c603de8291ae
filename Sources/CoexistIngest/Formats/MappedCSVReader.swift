import CoexistModel

/// Reads a CSV (or TSV) file through a ``Layout``: Partner Center's exports, the Insights report, or
/// a user's mapping; optionally in a language (German headers and values).
struct MappedCSVReader {
    let layout: Layout
    let language: Language?
    let header: [String]
    /// Per layout field: the header index it reads, nil when the file lacks it.
    let positions: [Int?]
    /// Headers that the language translated (a language counts only when it translates something).
    let translatedHeaders: Int

    init(layout: Layout, language: Language?, header: [String]) {
        self.layout = layout
        self.language = language
        self.header = header
        let keys = header.map { canonicalKey($0) }
        let translated = header.map { name in language?.english(name).map { canonicalKey($0) } }
        translatedHeaders = translated.compactMap { $0 }.count
        // A source names the header as written; failing that, as the language translates it.
        positions = layout.fields.map { field in
            let key = canonicalKey(field.source)
            return keys.firstIndex(of: key) ?? translated.firstIndex(of: key)
        }
    }

    /// The `recognizeBy` sources the header lacks.
    var missingRecognition: [String] {
        let present = Set(layout.fields.indices.filter { positions[$0] != nil }.map { canonicalKey(layout.fields[$0].source) })
        return layout.recognizeBy.filter { !present.contains(canonicalKey($0)) }
    }

    /// The layout fits the header (and, with a language, the language translated at least one header).
    var matches: Bool { missingRecognition.isEmpty && (language == nil || translatedHeaders > 0) }

    /// How many of the layout's sources the header has (the better fit wins a tie).
    var score: Int { positions.compactMap { $0 }.count }

    /// Reads every record. Structural errors throw; bad values become problems in the content.
    func read(_ reader: CSVReader, context: IngestContext) throws(IngestError) -> FileContent {
        var content = FileContent(file: reader.displayName, format: layout.format, decoder: context.decoder)
        content.language = language?.code
        content.columns = columnUses()
        content.declare(layout.kind)
        let unknown = content.columns.filter { $0.use == .unknown }.map(\.source)
        if !unknown.isEmpty {
            let owner = layout.isBuiltIn ? "the \(layout.format) format" : "the mapping \(layout.file)"
            content.notices.append("\(reader.displayName): ignoring columns not in \(owner): \(unknown.joined(separator: ", "))")
        }
        let undecided = content.columns.filter { $0.use == .undecided }.map(\.source)
        if !undecided.isEmpty {
            content.notices.append(
                "\(reader.displayName): not reading columns marked \"?\" in \(layout.file): \(undecided.joined(separator: ", "))")
        }
        var builder = RecordBuilder(layout: layout, language: language, file: reader.displayName, optionTenant: context.tenant)
        let headerKeys = reader.header.map { canonicalKey($0) }
        while let record = try reader.next() {
            if isRepeatedHeader(record, headerKeys) { continue }
            let raw = try builder.build(at: Provenance(file: reader.displayName, line: record.line)) { index in
                guard let position = positions[index] else { return nil }
                guard position < record.count else { return ("", 1) }
                return (record.string(at: position), record.column(at: position))
            }
            content.add(raw, as: layout.kind)
        }
        if layout.mergesAdvisorRows { content.mergeAdvisorRows() }
        return content
    }

    /// Each header and what becomes of it.
    func columnUses() -> [ColumnUse] {
        header.enumerated().compactMap { index, name -> ColumnUse? in
            guard !name.isEmpty else { return nil }
            guard let field = layout.fields.indices.first(where: { positions[$0] == index }).map({ layout.fields[$0] }) else {
                return ColumnUse(source: name, use: .unknown)
            }
            switch field.target {
            case .column(let column, _): return ColumnUse(source: name, use: .field(column.name))
            case .ignored: return ColumnUse(source: name, use: .ignored)
            case .unknown: return ColumnUse(source: name, use: .undecided)
            }
        }
    }

    /// A header row repeated inside the data, as concatenated exports have.
    private func isRepeatedHeader(_ record: CSVRecord, _ headerKeys: [String]) -> Bool {
        guard record.count >= headerKeys.count, !headerKeys.isEmpty else { return false }
        guard canonicalKey(record.string(at: 0)) == headerKeys[0] else { return false }
        return headerKeys.indices.allSatisfy { canonicalKey(record.string(at: $0)) == headerKeys[$0] }
    }
}

extension IngestContext {
    /// A record decoder that knows the offer catalogue and the partner tenants.
    var decoder: RecordDecoder {
        RecordDecoder(catalogue: catalogue, partnerTenants: partnerTenants)
    }
}
