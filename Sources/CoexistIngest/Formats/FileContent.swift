import CoexistModel

/// What one file yielded, held apart until the whole file has been read: a file that turns out to be
/// broken halfway contributes nothing to the model.
struct FileContent {
    let file: String
    var format: String
    /// Records per kind the file holds; a kind with 0 records is still present (an empty file of it).
    var kinds: [ExportKind: Int] = [:]
    /// Each tenant once, in order of appearance, names merged as ``Snapshot/noteTenant(_:)`` does.
    private(set) var tenants: [TenantInfo] = []
    /// Where each tenant is in `tenants`, and whether its name and domain are known: asked for every
    /// record, so the answer is in the one lookup (reading the tenant's entry as well cost a second
    /// cache miss per record; measured at 1M).
    private var tenantIndex: [TenantID: TenantSlot] = [:]
    private struct TenantSlot {
        let index: Int
        var hasName: Bool
        var hasDomain: Bool
    }
    /// The tenants noted with both a name and a domain: what ``knows(_:name:domain:)`` asks of nearly
    /// every record of a file with those columns, answered from keys alone. A dictionary keeps its
    /// values apart from its keys, so reading the slot's flags was a second cache miss per record on
    /// rows not grouped by customer (perf, 1M shuffled rows).
    private var completeTenants = TenantIDSet()
    var subscriptions: [Subscription] = []
    var relationships: [Relationship] = []
    var licenses: [LicensePool] = []
    var partnerUsers: [PartnerUser] = []
    var problems: [RecordProblem] = []
    var invalidSubscriptionIDs: Set<SubscriptionID> = []
    var exportingPartner: PartnerID?
    var exportedAt: ISODate?
    var notices: [String] = []
    /// The file's SHA-256 when the reader hashed it on the way (else the loader reads it again for it).
    var sha256: String?
    /// The language the file was read in (`de`), when not canonical English.
    var language: String?
    /// How the file's columns were read, for `coexist validate`.
    var columns: [ColumnUse] = []
    /// Every record read, decoded or rejected (what ``IngestLimits/maxRecords`` counts).
    private(set) var recordsRead = 0
    /// The records the reader counted against the export set's limit (``IngestLimits/maxRecords``):
    /// its own count, which also holds what never became a record here (a repeated header row); nil
    /// where the reader kept none, and then `recordsRead`.
    var recordsCounted: Int?
    /// The records of them ``CanonicalFastPath`` decoded.
    private(set) var recordsDecodedFast = 0
    /// Offer ids and names read so far, each kept once (interned).
    private var names: Set<String> = []
    /// Graph owner tenants without an MPN id, noticed once each.
    private var unmappedOwners: Set<TenantID> = []

    private let decoder: RecordDecoder

    init(file: String, format: String, decoder: RecordDecoder = RecordDecoder()) {
        self.file = file
        self.format = format
        self.decoder = decoder
    }

    /// Notes a tenant's identity, keeping the first name, domain and line known (one entry per tenant,
    /// not one per record: a file of two million subscriptions names few tenants).
    mutating func note(_ info: TenantInfo) {
        guard let slot = tenantIndex[info.id] else {
            keep(TenantSlot(index: tenants.count, hasName: info.name != nil, hasDomain: info.domain != nil), of: info.id)
            tenants.append(info)
            return
        }
        let index = slot.index
        if tenants[index].name == nil { tenants[index].name = info.name }
        if tenants[index].domain == nil { tenants[index].domain = info.domain }
        if tenants[index].source == nil { tenants[index].source = info.source }
        keep(TenantSlot(index: index, hasName: tenants[index].name != nil, hasDomain: tenants[index].domain != nil), of: info.id)
    }

    /// Keeps a tenant's slot, and notes it complete once it has a name and a domain.
    private mutating func keep(_ slot: TenantSlot, of tenant: TenantID) {
        tenantIndex[tenant] = slot
        if slot.hasName && slot.hasDomain { completeTenants.insert(tenant) }
    }

    /// The tenant id of a record, noting its identity unless its name and domain are known already
    /// (decoding them again for each of its thousands of subscriptions would be wasted).
    private mutating func noteTenant(of raw: RawRecord) throws(DecodeFailure) -> TenantID {
        let id = try decoder.tenantID(raw)
        if completeTenants.contains(id) { return id }
        note(try decoder.tenant(raw))
        return id
    }

    /// Whether the tenant is noted with everything a record could add: its name and domain, where the
    /// file has those columns.
    mutating func knows(_ tenant: TenantID, name: Bool, domain: Bool) -> Bool {
        // Where a reader asked for the answer early (``prefetchKnowledge(of:)``), it is in the cache by now.
        // Exports list a customer's rows together (Partner Center sorts by customer): the tenant of the
        // row before answers most rows without the lookup, a cache miss in a table of 50,000 tenants.
        // A tenant once fully known stays so.
        if tenant == lastKnownTenant { return true }
        if name && domain {
            guard completeTenants.contains(tenant) else { return false }
            lastKnownTenant = tenant
            return true
        }
        guard let slot = tenantIndex[tenant], (!name || slot.hasName) && (!domain || slot.hasDomain) else { return false }
        lastKnownTenant = tenant
        return true
    }
    /// Asks the processor for what ``knows(_:name:domain:)`` will read of `tenant`, for a reader that
    /// has more of the row to decode before it asks: on rows not grouped by customer the answer is a
    /// cache miss, which the rest of the row's decoding then hides.
    func prefetchKnowledge(of tenant: TenantID) {
        completeTenants.prefetch(tenant)
    }

    /// The last tenant ``knows(_:name:domain:)`` found fully known (the flags it asks are the file's, the
    /// same for every row).
    private var lastKnownTenant: TenantID?

    /// Adds a record ``CanonicalFastPath`` decoded: what ``add(_:as:)`` does for a record of a known
    /// tenant whose values all parse.
    mutating func add(decoded subscription: Subscription, as kind: ExportKind) {
        recordsRead += 1
        recordsDecodedFast += 1
        subscriptions.append(subscription)
        // Declares the kind too. One lookup rather than two: hashing the kind hashes its name.
        kinds[kind, default: 0] += 1
    }

    /// Makes room for `count` records in all of the kind a fast-path file holds.
    mutating func reserveCapacity(_ count: Int, for kind: CanonicalCSVReader.FastKind) {
        switch kind {
        case .subscriptions: subscriptions.reserveCapacity(count)
        case .licenses: licenses.reserveCapacity(count)
        }
    }

    /// Adds a license pool ``CanonicalFastPath`` decoded.
    mutating func add(decoded license: LicensePool) {
        recordsRead += 1
        recordsDecodedFast += 1
        licenses.append(license)
        kinds[.customerLicenses, default: 0] += 1
    }

    /// Declares that the file holds a kind, even with no record of it.
    mutating func declare(_ kind: ExportKind) {
        if kinds[kind] == nil { kinds[kind] = 0 }
    }

    /// Decodes one record of the given kind; an undecodable record becomes an `invalid-value` problem.
    mutating func add(_ raw: RawRecord, as kind: ExportKind) {
        declare(kind)
        recordsRead += 1
        do throws(DecodeFailure) {
            switch kind {
            case .partnerSubscriptions, .customerSubscriptions, .tenantSubscriptions:
                let tenant = try noteTenant(of: raw)
                let subscription = try decodeSubscription(raw, tenant: tenant, view: kind.view ?? .partner)
                if let owner = subscription.ownerTenant, !subscription.carries(.resellerPartnerId),
                    unmappedOwners.insert(owner).inserted
                {
                    notices.append(
                        "\(file): partner tenant \(owner) created subscriptions here but is not in the configuration's "
                            + "partnerTenants: their reseller is unknown")
                }
                var shared = subscription
                // A file names a few dozen offers for millions of subscriptions: one copy of each name.
                if let offerId = shared.offerId { shared.offerId = names.insert(offerId).memberAfterInsert }
                if let offerName = shared.offerName { shared.offerName = names.insert(offerName).memberAfterInsert }
                subscriptions.append(shared)
            case .customerLicenses:
                let tenant = try decoder.tenant(raw)
                note(tenant)
                licenses.append(try decoder.license(raw, tenant: tenant.id))
            case .relationships:
                let tenant = try decoder.tenant(raw)
                note(tenant)
                relationships.append(try decoder.relationship(raw, tenant: tenant.id))
            case .customers:
                note(try decoder.tenant(raw))
            case .partnerUsers:
                partnerUsers.append(try decoder.partnerUser(raw))
            }
            kinds[kind, default: 0] += 1
        } catch {
            reject(raw, failure: error)
        }
    }

    private mutating func decodeSubscription(_ raw: RawRecord, tenant: TenantID, view: SubscriptionView) throws(DecodeFailure)
        -> Subscription
    {
        do {
            return try decoder.subscription(raw, tenant: tenant, view: view)
        } catch {
            // Remember the id of a skipped record so it is never also reported missing or added.
            if let id = raw.trimmed(.subscriptionId).flatMap({ SubscriptionID(parsing: $0) }) {
                invalidSubscriptionIDs.insert(id)
            }
            throw error
        }
    }

    /// Merges the subscription records of one id that differ only in their advisors (Insights writes one
    /// row per partner attribution), uniting the advisors; the first record's line is kept.
    mutating func mergeAdvisorRows() {
        var merged: [Subscription] = []
        var index: [SubscriptionID: Int] = [:]
        for record in subscriptions {
            guard let at = index[record.id] else {
                index[record.id] = merged.count
                merged.append(record)
                continue
            }
            var comparable = record
            comparable.advisors = merged[at].advisors
            comparable.source = merged[at].source
            if comparable == merged[at] {
                merged[at].advisors.formUnion(record.advisors)
                kinds[ExportKind.subscriptions(of: record.view), default: 1] -= 1
            } else {
                merged.append(record)
            }
        }
        subscriptions = merged
    }

    /// Records a problem for a record that cannot be decoded.
    mutating func reject(_ raw: RawRecord, failure: DecodeFailure) {
        problems.append(
            RecordProblem(
                kind: .invalidValue, source: raw.source, column: raw.position(of: failure.column), message: failure.message,
                tenant: raw.trimmed(.tenantId).flatMap { TenantID(parsing: $0) },
                subscription: raw.trimmed(.subscriptionId).flatMap { SubscriptionID(parsing: $0) }))
    }
}

/// How one source column (or JSON/XML path) of a file was read: into which canonical field, or why not.
public struct ColumnUse: Hashable, Sendable {
    public enum Use: Hashable, Sendable {
        /// Read into this canonical field.
        case field(String)
        /// Known and deliberately not read.
        case ignored
        /// Marked `?` in the mapping: not read until it is decided.
        case undecided
        /// Not known to coexist or the mapping: not read.
        case unknown
    }

    public let source: String
    public let use: Use

    public init(source: String, use: Use) {
        self.source = source
        self.use = use
    }
}

extension ExportKind {
    /// The subscriptions kind that feeds a view.
    static func subscriptions(of view: SubscriptionView) -> ExportKind {
        switch view {
        case .partner: .partnerSubscriptions
        case .customer: .customerSubscriptions
        case .tenant: .tenantSubscriptions
        }
    }
}
