import ArgumentParser
import CoexistIngest
import CoexistModel
import Foundation

/// How to read exports that are not canonical, shared by `reconcile` and `validate`: user mappings,
/// languages, offer catalogue rows, and the tenant of per-customer exports (SPEC §2.3).
struct IngestArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A mapping file for a layout coexist does not know (repeatable).", valueName: "file"))
    var mapping: [String] = []

    @Option(name: .long, help: ArgumentHelp("A language file: headers and values in another language (repeatable).", valueName: "file"))
    var language: [String] = []

    @Option(
        name: .customLong("offer-catalogue"),
        help: ArgumentHelp("More offer → SKU rows (CSV: OfferId, SkuId, SkuPartNumber, ProductName; repeatable).", valueName: "file"))
    var offerCatalogue: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The tenant of per-customer exports (Partner Center subscriptions CSV, Graph JSON) whose file name holds no tenant id.",
            valueName: "tenant-id"))
    var tenant: TenantArgument?

    @OptionGroup var limits: LimitArguments

    /// The options, configuration first, then these (a mapping given here is tried before the configuration's).
    func options(_ settings: IngestSettings) throws(CommandFailure) -> IngestOptions {
        var options = IngestOptions()
        options.tenant = tenant?.id
        options.partnerTenants = settings.partnerTenants
        options.limits = limits.applied(to: settings.limits)
        do throws(IngestError) {
            for path in mapping + settings.mappings { try options.addMapping(path: path) }
            for path in settings.languages + language { try options.addLanguage(path: path) }
            for path in settings.offerCatalogues + offerCatalogue { try options.addOfferCatalogue(path: path) }
        } catch {
            throw CommandFailure(status: .invalidInput, message: error.description)
        }
        return options
    }
}

/// `--limit NAME=VALUE`: caps on what one export may hold (docs/reliability.md), over the configuration's `limits`.
struct LimitArguments: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Raise or lower a cap on input sizes, e.g. maxRecords=20000000 (repeatable; names in docs/reliability.md).",
            valueName: "name=value"))
    var limit: [LimitArgument] = []

    /// `base` (the configuration's) with these options set over it.
    func applied(to base: IngestLimits) -> IngestLimits {
        var limits = base
        for item in limit { _ = limits.set(item.name, to: item.value) }  // each was checked when parsed
        return limits
    }
}

/// One `--limit NAME=VALUE`, checked against ``IngestLimits`` when parsed, so a typo is a usage error.
struct LimitArgument: ExpressibleByArgument {
    let name: String
    let value: Int

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        var check = IngestLimits()
        guard parts.count == 2, let number = Int(parts[1]), check.set(parts[0], to: number) == nil else { return nil }
        (name, value) = (parts[0], number)
    }

    static var defaultCompletionKind: CompletionKind { .list(IngestLimits.names.map { "\($0)=" }) }
}

/// A tenant id option (`--tenant 0f1e…`).
struct TenantArgument: ExpressibleByArgument {
    let id: TenantID

    init?(argument: String) {
        guard let id = TenantID(parsing: argument) else { return nil }
        self.id = id
    }
}

/// The configuration keys about reading exports (docs/configuration.md).
struct IngestSettings {
    var partnerTenants: [TenantID: PartnerID] = [:]
    var mappings: [String] = []
    var languages: [String] = []
    var offerCatalogues: [String] = []
    var limits = IngestLimits()

    mutating func read(_ root: [String: Any], relativeTo directory: String, fail: (String) -> CommandFailure) throws(CommandFailure) {
        if let value = root["partnerTenants"] {
            guard let map = value as? [String: Any] else { throw fail("partnerTenants must map partner tenant ids to MPN ids") }
            for (key, item) in map.sorted(by: { $0.key < $1.key }) {
                guard let tenant = TenantID(parsing: key) else { throw fail("partnerTenants: \"\(key)\" is not a tenant id (GUID)") }
                let text = (item as? String) ?? (item as? NSNumber)?.stringValue ?? ""
                guard case .partner(let id) = PartnerID.parse(text) else {
                    throw fail("partnerTenants.\(key): \"\(text)\" is not an MPN id")
                }
                partnerTenants[tenant] = id
            }
        }
        func paths(_ key: String) throws(CommandFailure) -> [String] {
            guard let value = root[key] else { return [] }
            guard let list = value as? [String] else { throw fail("\(key) must be a list of file paths") }
            return list.map { $0.hasPrefix("/") || directory.isEmpty ? $0 : (directory as NSString).appendingPathComponent($0) }
        }
        mappings = try paths("mappings")
        languages = try paths("languages")
        offerCatalogues = try paths("offerCatalogues")
        if let value = root["limits"] {
            guard let map = value as? [String: Any] else { throw fail("limits must map limit names to whole numbers") }
            for (name, item) in map.sorted(by: { $0.key < $1.key }) {
                guard let number = item as? NSNumber, let value = Int(exactly: number.doubleValue) else {
                    throw fail("limits.\(name) must be a whole number")
                }
                if let problem = limits.set(name, to: value) { throw fail("limits: \(problem)") }
            }
        }
    }
}
