import CoexistModel
import Foundation

/// A starting mapping for a sample file (`coexist mapping init`): every column (JSON path, XML path)
/// with the canonical field it most likely is, `nil` where nothing fits (written `"?"`), and the
/// values of enumerated fields that coexist cannot read yet.
public struct MappingDraft: Sendable {
    /// One source and its guess.
    public struct Field: Sendable {
        public let source: String
        /// The canonical field, nil when unknown.
        public let field: String?
        /// How it was guessed: `canonical name`, `de`, `partner-center-csv`, `similar name`.
        public let reason: String?
    }

    public var format: String
    public var kind: ExportKind
    /// `csv`, `json` or `xml`.
    public var source: String
    public var records: String?
    public var language: String?
    public var tenantFromPath = false
    public var fields: [Field] = []
    /// Canonical field → values found in the sample that need a canonical value.
    public var values: [(field: String, sources: [String])] = []
    /// What the user still has to decide (a required field without a source, a kind that is a guess).
    public var notes: [String] = []

    /// Drafts a mapping from a sample file. `kind` overrides the guess.
    public static func make(path: String, kind: ExportKind? = nil, options: IngestOptions = IngestOptions()) throws(IngestError)
        -> MappingDraft
    {
        let context = try IngestContext(options)
        let sample = try MappingSample.read(path: path, context: context)
        let guesser = FieldGuesser(context: context, language: sample.language)
        var guesses = sample.sources.map { source in
            let (column, reason) = guesser.guess(source.lastComponent, parent: source.parent)
            return (source, column, reason)
        }
        // A subscription's "State" is its status; State proper belongs to relationships.
        let guessed = Set(guesses.compactMap(\.1))
        if guessed.contains(.state) && !guessed.contains(.status) && !guessed.contains(.relationship) {
            guesses = guesses.map { $0.1 == .state ? ($0.0, .status, $0.2) : $0 }
        }
        let columns = Set(guesses.compactMap(\.1))
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let known = try? recognized(path, context)
        var draft = MappingDraft(
            format: formatName(name, sample.syntax), kind: kind ?? known?.kind ?? guessKind(columns), source: sample.syntax.rawValue,
            records: sample.records, language: sample.language?.code)
        var used = Set<CanonicalColumn>()
        for (source, column, reason) in guesses {
            // A second source for one field is most likely something else: leave it to the user.
            let keep = column.flatMap { used.insert($0).inserted ? $0 : nil }
            draft.fields.append(Field(source: source.name, field: keep?.name, reason: keep == nil ? nil : reason))
        }
        if let known {
            draft.notes.append(
                "coexist already reads this file as \(known.format) (\(known.kind)): a mapping is only needed to read it differently")
        } else if kind == nil {
            draft.notes.append("kind \(draft.kind) is a guess from the columns; change \"kind\" if it is wrong")
        }
        let required = Layout.requiredColumns(of: draft.kind)
        if required.contains(.tenantId) && !used.contains(.tenantId) {
            draft.tenantFromPath = true
            draft.notes.append("no tenant id column: the tenant comes from the file name (a GUID) or --tenant (\"tenant\": \"path\")")
        }
        for column in required where column != .tenantId && !used.contains(column) {
            let closest = closestHeader(to: column.name, in: sample.sources.map(\.name)).map { "; closest: \"\($0)\"" } ?? ""
            draft.notes.append("no source found for the required field \(column.name)\(closest)")
        }
        let translator = sample.language?.translator ?? ValueTranslator()
        for column in CanonicalColumn.allCases where column.valueType == .enumeration {
            guard let index = draft.fields.firstIndex(where: { $0.field == column.name }) else { continue }
            let unknown = sample.values[index].filter { value in
                let translated = translator.translate(value, column)
                return RecordDecoder.parsesEnumeration(translated, column) == false
            }
            if !unknown.isEmpty { draft.values.append((column.name, unknown.sorted())) }
        }
        return draft
    }

    /// The format and kind coexist reads the file as without a mapping, if any.
    private static func recognized(_ path: String, _ context: IngestContext) throws(IngestError) -> (format: String, kind: ExportKind)? {
        let dispatcher = FormatDispatcher(context: context)
        let content: FileContent?
        switch try MappingSample.sniff(path) {
        case .empty: content = nil
        case .text: content = try dispatcher.readCSV(path: path, displayName: path, isData: false)
        case .json: content = try dispatcher.readJSON(path: path, displayName: path, isData: false)
        case .xml: content = try dispatcher.readXML(path: path, displayName: path, isData: false)
        }
        guard let content, let kind = content.kinds.keys.sorted().first else { return nil }
        return (content.format, kind)
    }

    private static func formatName(_ name: String, _ syntax: Layout.Syntax) -> String {
        let slug = name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            .split(separator: "-").joined(separator: "-")
        return (slug.isEmpty ? "custom" : slug) + "-" + syntax.rawValue
    }

    private static func guessKind(_ columns: Set<CanonicalColumn>) -> ExportKind {
        if columns.contains(.userPrincipalName) { return .partnerUsers }
        if columns.contains(.subscriptionId) { return columns.contains(.channel) ? .partnerSubscriptions : .customerSubscriptions }
        if columns.contains(.totalLicenses) { return .customerLicenses }
        if columns.contains(.relationship) && columns.contains(.state) { return .relationships }
        if columns.contains(.tenantId) { return .customers }
        return .partnerSubscriptions
    }
}

/// Guesses the canonical field of a source name: the canonical name itself, its translation by a
/// language file, the name a built-in format gives it, or a canonical name a typo away.
struct FieldGuesser {
    let context: IngestContext
    let language: Language?

    /// Everyday names of canonical fields that no format or language file spells that way.
    static let synonyms: [String: CanonicalColumn] = [
        "seats": .quantity, "licenses": .quantity, "licences": .quantity, "qty": .quantity, "units": .quantity,
        "customerid": .tenantId, "customertenantid": .tenantId, "tenantguid": .tenantId,
    ]

    func guess(_ name: String, parent: String?) -> (CanonicalColumn?, String?) {
        if let column = CanonicalColumn(header: name) { return (column, "canonical name") }
        // An XML `Subscription/@id` is a SubscriptionId; `Customer/@name` a CustomerName.
        if let parent {
            let qualified = parent + name
            if let column = CanonicalColumn(header: qualified) { return (column, "canonical name") }
            if let (column, format) = builtinTarget(qualified) { return (column, format) }
        }
        if let column = FieldGuesser.synonyms[canonicalKey(name)] { return (column, "common name") }
        for language in [language].compactMap({ $0 }) + context.languages {
            if let english = language.english(name) {
                if let column = CanonicalColumn(header: english) ?? builtinTarget(english).map(\.0) { return (column, language.code) }
            }
        }
        if let (column, format) = builtinTarget(name) { return (column, format) }
        if canonicalKey(name).count >= 5, let match = closestMatch(to: name, among: CanonicalColumn.allCases.map(\.name)),
            editDistance(Array(canonicalKey(name)), Array(canonicalKey(match))) <= 1, let column = CanonicalColumn(header: match)
        {
            return (column, "similar name")
        }
        return (nil, nil)
    }

    private func builtinTarget(_ source: String) -> (CanonicalColumn, String)? {
        let key = canonicalKey(source)
        for layout in context.layouts where layout.isBuiltIn {
            for field in layout.fields where canonicalKey(field.source) == key {
                if case .column(let column, _) = field.target { return (column, layout.format) }
            }
        }
        return nil
    }
}

extension RecordDecoder {
    /// Whether a value reads as the enumeration of `column` (for `mapping init`'s value list).
    static func parsesEnumeration(_ text: String, _ column: CanonicalColumn) -> Bool {
        let value = text.trimmingWhitespace()
        if value.isEmpty { return true }
        switch column {
        case .channel: return Channel(parsing: value) != nil
        case .status: return SubscriptionStatus(parsing: value) != nil
        case .billingCycle: return BillingCycle(parsing: value) != nil
        case .autoRenew, .readOnly: return parseCanonicalBool(value) != nil
        case .relationship: return RelationshipType(parsing: value) != nil
        case .state: return RelationshipState(parsing: value) != nil
        case .advisorKind: return AdvisorKind(parsing: value) != nil
        case .view: return ["partner", "customer", "tenant"].contains(canonicalKey(value))
        default: return true
        }
    }
}
