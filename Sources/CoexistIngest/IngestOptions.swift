import CoexistModel

/// What a run adds to the built-in formats (SPEC §2.3): user mapping files, language files, offer
/// catalogue rows, the tenant of per-customer exports, and which partner tenant is which MPN id.
public struct IngestOptions: Sendable {
    /// The tenant of a per-customer export whose file name does not name one (`--tenant`).
    public var tenant: TenantID?
    /// Partner tenant GUID (Graph's `ownerTenantId`) → MPN id (configuration `partnerTenants`).
    public var partnerTenants: [TenantID: PartnerID] = [:]
    /// Caps on sizes and counts (`--limit`, configuration `limits`).
    public var limits = IngestLimits()
    var mappings: [Layout] = []
    var languages: [Language] = []
    var catalogueFiles: [String] = []

    public init() {}

    /// Only caps, with the built-in formats.
    public init(limits: IngestLimits) { self.limits = limits }

    /// Adds a mapping file (`--mapping`); it is tried before the built-in formats.
    public mutating func addMapping(path: String) throws(IngestError) {
        mappings.append(try Layout.load(path: path, displayName: path))
    }

    /// Adds a language file (`--language`); it wins over a built-in language with the same code.
    public mutating func addLanguage(path: String) throws(IngestError) {
        languages.append(try Language.load(path: path, displayName: path))
    }

    /// Adds an offer catalogue file (`--offer-catalogue`); its rows override the shipped ones.
    public mutating func addOfferCatalogue(path: String) throws(IngestError) {
        var check = OfferCatalogue()
        try check.add(csv: CSVReader(path: path, displayName: path))
        catalogueFiles.append(path)
    }
}

/// The options and the built-in data together, as the readers use them.
struct IngestContext: Sendable {
    let tenant: TenantID?
    let partnerTenants: [TenantID: PartnerID]
    /// User mappings first, then the built-in layouts.
    let layouts: [Layout]
    /// User languages first (they override built-in ones with the same code).
    let languages: [Language]
    let catalogue: OfferCatalogue
    let limits: IngestLimits
    /// Records the file being read may still hold: ``IngestLimits/maxRecords`` less the earlier files' records.
    var recordsLeft: Int

    init(_ options: IngestOptions) throws(IngestError) {
        let builtin = try BuiltinData.shared.get()
        limits = options.limits
        recordsLeft = options.limits.maxRecords
        tenant = options.tenant
        partnerTenants = options.partnerTenants
        layouts = options.mappings + builtin.layouts
        var languages = options.languages
        for language in builtin.languages where !languages.contains(where: { $0.code == language.code }) {
            languages.append(language)
        }
        self.languages = languages
        var catalogue = builtin.catalogue
        for path in options.catalogueFiles {
            try catalogue.add(csv: CSVReader(path: path, displayName: path))
        }
        self.catalogue = catalogue
    }

    /// The language with this code.
    func language(_ code: String) -> Language? { languages.first { $0.code.lowercased() == code.lowercased() } }
}
