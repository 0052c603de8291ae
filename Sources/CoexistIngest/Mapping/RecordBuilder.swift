import CoexistModel

/// Builds canonical ``RawRecord``s from the values a layout's sources give, the one funnel every
/// mapped reader (CSV, JSON, XML) goes through: first non-empty source per field, `first-guid`,
/// value aliases and locale, constants, and the tenant of a per-customer export.
struct RecordBuilder {
    /// A source's value and the 1-based column it was read at.
    typealias SourceValue = (text: String, column: Int)

    let layout: Layout
    let translator: ValueTranslator
    /// Canonical column → indices into `layout.fields`, in order.
    private let sources: [(column: CanonicalColumn, fields: [(index: Int, take: Layout.Take)])]
    /// The tenant of a per-customer export, found once per file.
    private var pathTenant: Result<TenantID, IngestError>?
    private let file: String
    private let optionTenant: TenantID?

    init(layout: Layout, language: Language?, file: String, optionTenant: TenantID?) {
        self.layout = layout
        var translator = language?.translator ?? ValueTranslator()
        translator.merge(layout.translator)
        self.translator = translator
        self.file = file
        self.optionTenant = optionTenant
        var sources: [CanonicalColumn: [(index: Int, take: Layout.Take)]] = [:]
        for (index, field) in layout.fields.enumerated() {
            if case .column(let column, let take) = field.target { sources[column, default: []].append((index, take)) }
        }
        self.sources = sources.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) }
    }

    /// One record; `value(i)` is the value of `layout.fields[i]` in this record, nil when absent.
    mutating func build(at source: Provenance, value: (Int) -> SourceValue?) throws(IngestError) -> RawRecord {
        var raw = RawRecord(source: source)
        for (column, fields) in sources {
            var chosen: (SourceValue, Layout.Take)?
            for (index, take) in fields {
                guard let found = value(index) else { continue }
                if chosen == nil { chosen = (found, take) }
                if !found.text.trimmingWhitespace().isEmpty {
                    chosen = (found, take)
                    break
                }
            }
            guard let (found, take) = chosen else { continue }
            var text = found.text
            switch take {
            case .value: break
            case .firstGUID: text = firstGUID(in: text)?.text ?? ""
            case .date: if let date = ISODate(parsing: text) { text = date.calendarDay.description }
            }
            raw.set(column, translator.translate(text, column), at: found.column)
        }
        for (column, text) in layout.constants where raw[column] == nil {
            raw.set(column, translator.translate(text, column), at: 1)
        }
        if layout.tenantFromPath && (raw.trimmed(.tenantId)?.isEmpty ?? true) {
            raw.set(.tenantId, try tenantFromPath().description, at: 1)
        }
        return raw
    }

    /// The tenant named by the file (SPEC §2.3's per-customer exports): a GUID in the file name, else
    /// `--tenant`, else a GUID in the name of the folder that holds the file.
    private mutating func tenantFromPath() throws(IngestError) -> TenantID {
        if pathTenant == nil {
            let components = file.split(separator: "/")
            let name = components.last.map(String.init) ?? file
            let folder = components.dropLast().last.map(String.init)
            if let tenant = firstGUID(in: name).map(TenantID.init) ?? optionTenant ?? folder.flatMap(firstGUID(in:)).map(TenantID.init) {
                pathTenant = .success(tenant)
            } else {
                pathTenant = .failure(.tenantUnknown(file: file, format: layout.format))
            }
        }
        // Non-nil: set just above.
        return try pathTenant!.get()
    }
}

/// The first GUID inside a text: `/customers/<guid>/subscriptions`, `<tenant>_<sku>`, a file name.
func firstGUID(in text: String) -> GUID? {
    let pieces = text.split { character in
        !(character.isHexDigit || character == "-" || character == "{" || character == "}")
    }
    for piece in pieces where piece.count >= 36 {
        if let guid = GUID(parsing: piece) { return guid }
        // A GUID run together with more hex and dashes: try each 36-character window.
        let characters = Array(piece)
        for start in 0...(characters.count - 36) {
            if let guid = GUID(parsing: String(characters[start..<start + 36])) { return guid }
        }
    }
    return nil
}
