/// What an export file holds; one file may hold several kinds (an XML export).
public enum ExportKind: String, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    case partnerSubscriptions = "partner-subscriptions"
    case customerSubscriptions = "customer-subscriptions"
    case tenantSubscriptions = "tenant-subscriptions"
    case customerLicenses = "customer-licenses"
    case relationships = "relationships"
    case partnerUsers = "partner-users"
    case customers = "customers"

    /// The subscription view a subscriptions kind feeds, nil for the other kinds.
    public var view: SubscriptionView? {
        switch self {
        case .partnerSubscriptions: .partner
        case .customerSubscriptions: .customer
        case .tenantSubscriptions: .tenant
        default: nil
        }
    }

    public static func < (lhs: ExportKind, rhs: ExportKind) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }

    /// The case's position, for hashing.
    var ordinal: Int {
        switch self {
        case .partnerSubscriptions: 0
        case .customerSubscriptions: 1
        case .tenantSubscriptions: 2
        case .customerLicenses: 3
        case .relationships: 4
        case .partnerUsers: 5
        case .customers: 6
        }
    }

    // Hashed by case, not by name: an enum with raw values hashes its raw `String` with SipHash by
    // default, and a file counts its records per kind once a record (measured: 1% of reading).
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
    public func _rawHashValue(seed: Int) -> Int { smallTableHash(ordinal, seed: seed) }
}

/// The hash of a small enumeration's case for `Dictionary` and `Set`: its position mixed with the
/// table's seed.
func smallTableHash(_ ordinal: Int, seed: Int) -> Int {
    Int(truncatingIfNeeded: GUID.mixed(UInt64(ordinal) ^ UInt64(UInt(bitPattern: seed))))
}

/// One input file of an export set as the report lists it.
public struct InputFile: Hashable, Sendable {
    public let file: String
    public let sha256: String
    public let kind: ExportKind
    /// `canonical-csv`, `canonical-xml`, or the name of a recognized real-world format.
    public let format: String
    public let records: Int

    public init(file: String, sha256: String, kind: ExportKind, format: String, records: Int) {
        self.file = file
        self.sha256 = sha256
        self.kind = kind
        self.format = format
        self.records = records
    }
}

/// A problem in one record of a readable file: reported as a finding, the record skipped or merged.
public struct RecordProblem: Hashable, Sendable {
    public enum Kind: String, Sendable {
        /// The same subscription id twice in one view with different values; the first is kept.
        case duplicateKey = "duplicate-key"
        /// An unparseable GUID, number, date or enum; the record is skipped.
        case invalidValue = "invalid-value"
    }

    public let kind: Kind
    public let source: Provenance
    public let column: Int
    public let message: String
    public let tenant: TenantID?
    public let subscription: SubscriptionID?
    /// For a duplicate, the record that was kept.
    public let keptSource: Provenance?

    public init(
        kind: Kind, source: Provenance, column: Int, message: String, tenant: TenantID? = nil,
        subscription: SubscriptionID? = nil, keptSource: Provenance? = nil
    ) {
        self.kind = kind
        self.source = source
        self.column = column
        self.message = message
        self.tenant = tenant
        self.subscription = subscription
        self.keptSource = keptSource
    }
}

/// Everything one export set says, normalized: the raw material of the coexistence model.
///
/// Kinds the set does not hold stay absent (nil or missing from `views`), so a rule can tell
/// "no relationships" from "no relationships file".
public struct Snapshot: Sendable {
    /// The as-of of the set (`--as-of`, else the XML `exportedAt`), nil when neither says.
    public var asOf: ISODate?
    /// The exporting partner's MPN ids found in the files (XML `partnerId`).
    public var exportingPartners: Set<PartnerID> = []
    public var tenants: [TenantID: TenantInfo] = [:]
    /// Subscriptions per view, keyed by id; a view is present when a file of its kind was read.
    public private(set) var views: [SubscriptionView: [SubscriptionID: Subscription]] = [:]
    public var relationships: [Relationship]?
    public var licenses: [LicensePool]?
    public var partnerUsers: [PartnerUser]?
    public var inputs: [InputFile] = []
    public var problems: [RecordProblem] = []
    /// Ids of subscriptions whose record was skipped as invalid: never reported missing or added.
    public var invalidSubscriptionIDs: Set<SubscriptionID> = []

    public init() {}

    /// Marks a view as present even when its file held no record.
    public mutating func declareView(_ view: SubscriptionView) {
        if views[view] == nil { views[view] = [:] }
    }

    /// Makes room for `count` more subscriptions of a view (a large file, merged at once).
    public mutating func reserveCapacity(_ count: Int, in view: SubscriptionView) {
        var records = views.removeValue(forKey: view) ?? [:]
        records.reserveCapacity(records.count + count)
        views[view] = records
    }

    /// Whether a file of this view was read.
    public func hasView(_ view: SubscriptionView) -> Bool { views[view] != nil }

    /// The subscriptions of one view (empty when the view is absent).
    public func subscriptions(in view: SubscriptionView) -> [SubscriptionID: Subscription] { views[view] ?? [:] }

    /// The number of subscription records over every view.
    public var subscriptionRecordCount: Int { views.values.reduce(0) { $0 + $1.count } }

    /// The outcome of inserting a record whose id is already in its view with different values.
    public struct Duplicate: Sendable {
        /// The record kept: the first by file path and line, whatever order the files were read in.
        public let kept: Subscription
        /// The record dropped, which the caller reports as `duplicate-key`.
        public let dropped: Subscription
    }

    /// Adds a subscription record. Identical repeats merge silently; a conflicting one returns a
    /// ``Duplicate`` for the caller to report.
    @discardableResult
    public mutating func insert(_ record: consuming Subscription) -> Duplicate? {
        // Mutating in place through the subscript keeps the view's dictionary uniquely referenced:
        // copying it out and back would copy every record on every insert.
        let view = record.view
        return Self.insert(record, into: &views[view, default: [:]])
    }

    /// Adds a file's records in their order, as ``insert(_:)`` would one by one, leaving `records`
    /// empty; `duplicate` hears of each conflicting repeat with the tenant of the record inserted.
    ///
    /// Each view's table is taken out of `views` once per run of records of that view rather than
    /// looked up (and checked unique) once per record: a million-record file is one run.
    public mutating func insert(
        moving records: inout [Subscription], duplicate: (_ found: Duplicate, _ tenant: TenantID) -> Void
    ) {
        // Reversed through the buffer, which swaps the records' bytes (Array's own reverse() copied
        // each record), then taken from the end: each record moves into the table, no copy.
        records.withUnsafeMutableBufferPointer { $0.reverse() }
        while let view = records.last?.view {
            var table = views.removeValue(forKey: view) ?? [:]
            while records.last?.view == view, let record = records.popLast() {
                let tenant = record.tenant
                if let found = Self.insert(record, into: &table) { duplicate(found, tenant) }
            }
            views[view] = table
        }
    }

    /// One record into its view's table. Inserting first and putting a repeat's first record back
    /// costs one lookup for the million records that are no repeat. The record moves in (taken, not
    /// borrowed: a copy was a reference count on its storage, cold since it was read); a repeat reads
    /// it back from the table.
    private static func insert(_ record: consuming Subscription, into table: inout [SubscriptionID: Subscription]) -> Duplicate? {
        let id = record.id
        guard let existing = table.updateValue(record, forKey: id) else { return nil }
        let subscription = table[id]!
        var comparable = subscription
        comparable.source = existing.source
        if comparable != existing && subscription.source < existing.source {
            return Duplicate(kept: subscription, dropped: existing)
        }
        table[id] = existing
        return comparable == existing ? nil : Duplicate(kept: existing, dropped: subscription)
    }

    /// Notes tenants' identities in order, as ``noteTenant(_:)`` would one by one.
    public mutating func noteTenants(_ infos: [TenantInfo]) {
        guard tenants.isEmpty else {
            for index in infos.indices { noteTenant(infos[index]) }
            return
        }
        // Nothing known yet (a set's first file): the file's list is the table, a repeat merged as
        // `noteTenant` merges it. Noting 50,000 tenants one by one copied each twice.
        tenants = Dictionary(
            infos.lazy.map { ($0.id, $0) },
            uniquingKeysWith: { known, info in
                var merged = known
                if merged.name == nil { merged.name = info.name }
                if merged.domain == nil { merged.domain = info.domain }
                if merged.source == nil { merged.source = info.source }
                return merged
            })
    }

    /// Notes a tenant's identity, keeping names already known.
    public mutating func noteTenant(_ info: TenantInfo) {
        var known = tenants[info.id] ?? TenantInfo(id: info.id)
        if known.name == nil { known.name = info.name }
        if known.domain == nil { known.domain = info.domain }
        if known.source == nil { known.source = info.source }
        tenants[info.id] = known
    }

    /// Every subscription id of every view.
    public var allSubscriptionIDs: Set<SubscriptionID> {
        views.values.reduce(into: Set<SubscriptionID>()) { $0.formUnion($1.keys) }
    }

    /// One record per subscription over every view: the partner view's values first, fields it does
    /// not carry filled from the customer view, then the tenant's own list. A subscription known only
    /// from the customer view is Direct unless its row names a channel (SPEC §4.1).
    public func mergedSubscriptions() -> [SubscriptionID: Subscription] {
        let present = SubscriptionView.allCases.sorted().filter { views[$0] != nil }
        guard let first = present.first else { return [:] }
        // Start from the highest-priority view's dictionary as it is (copy-on-write shares it) and
        // touch only the records other views add to: the common one-view case copies nothing.
        var merged = views[first] ?? [:]
        if first == .customer { merged = merged.mapValues(\.assumingDirectWhenUnnamed) }
        for view in present.dropFirst() {
            for (id, record) in views[view] ?? [:] {
                if var existing = merged[id] {
                    existing.fill(from: record)
                    merged[id] = existing
                } else {
                    merged[id] = view == .customer ? record.assumingDirectWhenUnnamed : record
                }
            }
        }
        return merged
    }
}

extension Subscription {
    /// A customer-view record that names no channel is Direct (SPEC §4.1).
    var assumingDirectWhenUnnamed: Subscription {
        guard !carries(.channel) else { return self }
        var record = self
        record.channel = .direct
        record.carried.insert(.channel)
        return record
    }
}

extension Subscription {
    /// Copies the fields this record does not carry from `other`.
    mutating func fill(from other: Subscription) {
        for field in SubscriptionField.allCases where !carries(field) && other.carries(field) {
            switch field {
            case .channel: channel = other.channel
            case .offerId: offerId = other.offerId
            case .offerName: offerName = other.offerName
            case .skuId: sku = other.sku
            case .quantity: quantity = other.quantity
            case .status: status = other.status
            case .startDate: startDate = other.startDate
            case .endDate: endDate = other.endDate
            case .billingCycle: billingCycle = other.billingCycle
            case .termDuration: termDuration = other.termDuration
            case .autoRenew: autoRenew = other.autoRenew
            case .readOnly: readOnly = other.readOnly
            case .resellerPartnerId: reseller = other.reseller
            case .advisors: advisors = other.advisors
            case .unitPrice: unitPrice = other.unitPrice
            case .currency: currency = other.currency
            }
            carried.insert(field)
        }
        if ownerTenant == nil { ownerTenant = other.ownerTenant }
        alternateIDs.append(contentsOf: other.alternateIDs.filter { !alternateIDs.contains($0) })
    }
}
