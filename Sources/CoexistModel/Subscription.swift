import CPrefetch
import Foundation

/// A field of a subscription, named as reports and configuration name it.
public enum SubscriptionField: Int, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    case channel, offerId, offerName, skuId, quantity, status, startDate, endDate, billingCycle
    case termDuration, autoRenew, readOnly, resellerPartnerId, advisors, unitPrice, currency

    /// The name in reports, `changes.csv` and the configuration's `protectedFields`.
    public var name: String {
        switch self {
        case .channel: "channel"
        case .offerId: "offerId"
        case .offerName: "offerName"
        case .skuId: "skuId"
        case .quantity: "quantity"
        case .status: "status"
        case .startDate: "startDate"
        case .endDate: "endDate"
        case .billingCycle: "billingCycle"
        case .termDuration: "termDuration"
        case .autoRenew: "autoRenew"
        case .readOnly: "readOnly"
        case .resellerPartnerId: "resellerPartnerId"
        case .advisors: "advisors"
        case .unitPrice: "unitPrice"
        case .currency: "currency"
        }
    }

    /// Reads a field name, accepting the short forms of SPEC §3.1 (`offer`, `sku`, `reseller`).
    public init?(name raw: String) {
        let key = canonicalKey(raw)
        let short: [String: SubscriptionField] = [
            "offer": .offerId, "sku": .skuId, "reseller": .resellerPartnerId,
            "resellerofrecord": .resellerPartnerId, "advisorpartnerids": .advisors,
        ]
        if let field = short[key] ?? SubscriptionField.allCases.first(where: { canonicalKey($0.name) == key }) {
            self = field
        } else {
            return nil
        }
    }

    /// The fields protected by `preexisting-changed` unless configured otherwise (SPEC §3.1).
    public static let defaultProtected: [SubscriptionField] = [.channel, .offerId, .skuId, .billingCycle, .startDate, .resellerPartnerId]

    public static func < (lhs: SubscriptionField, rhs: SubscriptionField) -> Bool { lhs.name < rhs.name }
    public var description: String { name }
}

/// A set of ``SubscriptionField`` as a bit mask: which fields a record's source carries.
public struct FieldSet: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ fields: [SubscriptionField]) {
        self.rawValue = fields.reduce(0) { $0 | (1 << UInt32($1.rawValue)) }
    }
    @inlinable public func contains(_ field: SubscriptionField) -> Bool { rawValue & (1 << UInt32(field.rawValue)) != 0 }
    public mutating func insert(_ field: SubscriptionField) { self.formUnion(FieldSet([field])) }
    /// The fields in report order (by name).
    public var sortedFields: [SubscriptionField] { SubscriptionField.allCases.filter(contains).sorted() }
}

/// One subscription as one view of one export set shows it.
///
/// A field the source does not carry (a missing column) is *unknown*: `carried` lacks it and it is
/// never compared. A carried field whose value is empty is a real value, nil here.
///
/// A value type with most of its field values behind one shared, copy-on-write reference: the model, the
/// diff and the rules pass millions of these around, and copying one is a single retain rather than
/// a dozen (strings, sets, arrays) plus 300 bytes.
public struct Subscription: Hashable, Sendable {
    // The properties in this order (the reference right after the ids, the one-byte ones last) make
    // 47 bytes, a stride of 48: in the order of their meaning the padding made 56, and a million-record
    // export set holds two to three copies of each record (its dictionary, its tenant order).
    public let id: SubscriptionID
    public let tenant: TenantID
    @usableFromInline var storage: Storage
    public var carried: FieldSet = []
    public let view: SubscriptionView
    // Channel and status live beside the ids, not behind the shared reference: nearly every rule
    // filters on them, and reading them inline keeps a pass over a million records in the cache.
    public var channel: Channel?
    public var status: SubscriptionStatus?

    /// The values a record carries, held once and shared by copies until one of them changes.
    ///
    /// Visible to the inlinable accessors: inlined, a read of one value is two loads where a call
    /// made callers copy the record around it (a reference count on storage scattered over the heap;
    /// measured at 1M).
    @usableFromInline struct Values: Hashable {
        // In this order (the 8-byte-aligned ones of 8 to 24 bytes first, then each 17- or 18-byte
        // optional followed by what fits in its padding) the values take 242 bytes, not 264: with the
        // fingerprint before them the object still fits the allocation of 288 bytes it had without.
        @usableFromInline var offerId: String? = nil
        @usableFromInline var offerName: String? = nil
        @usableFromInline var termDuration: String? = nil
        @usableFromInline var reseller: PartnerID? = nil
        @usableFromInline var currency: String? = nil
        @usableFromInline var source: Provenance
        @usableFromInline var alternateIDs: [String] = []
        @usableFromInline var advisors: Set<Advisor> = []
        @usableFromInline var sku: SkuID? = nil
        @usableFromInline var quantity: Decimal? = nil
        @usableFromInline var ownerTenant: TenantID? = nil
        @usableFromInline var unitPrice: Decimal? = nil
        @usableFromInline var startDate: ISODate? = nil
        @usableFromInline var billingCycle: BillingCycle? = nil
        @usableFromInline var autoRenew: Bool? = nil
        @usableFromInline var readOnly: Bool? = nil
        @usableFromInline var endDate: ISODate? = nil
    }

    @usableFromInline final class Storage: @unchecked Sendable {
        /// The fingerprint of the values as read (``ValuesFingerprint``), first: in the cache line of
        /// the object's header, which every copy of the record touches anyway. Cleared by every change
        /// of the values (``uniqueValues``); kept apart from them, so values compare without it.
        @exclusivity(unchecked) @usableFromInline var fingerprint = ValuesFingerprint.unknown
        // Mutated only through `uniqueValues`, i.e. when this reference is the only one: no other
        // access can overlap a mutation, so the runtime's exclusivity check on every read of a value
        // (`swift_beginAccess`, ≈ 3% of a 1M run's CPU, most of it comparing pairs field by field) is
        // left out.
        @exclusivity(unchecked) @usableFromInline var values: Values
        @usableFromInline init(_ values: Values) { self.values = values }
    }

    public init(id: SubscriptionID, tenant: TenantID, view: SubscriptionView, source: Provenance) {
        self.id = id
        self.tenant = tenant
        self.view = view
        self.storage = Storage(Values(source: source))
    }

    /// Where the values are, read without touching them: for ``prefetch(_:through:)``.
    @inlinable public var valuesAddress: UnsafeRawPointer { UnsafeRawPointer(Unmanaged.passUnretained(storage).toOpaque()) }

    /// Asks the processor for the cache lines of the values at `address`, bytes `first` to `last`, for a pass
    /// over records scattered over the heap, a few records ahead: a copy's reference count is an atomic
    /// operation that waits for its line, so without the hint such a pass pays one full cache miss per
    /// record, one after the other (measured: the tenant order's pass at 1M, −28% of its CPU).
    @inlinable public static func prefetch(_ address: UnsafeRawPointer, from first: Int = 0, through last: Int) {
        var offset = first
        while offset < last {
            coexist_prefetch(address + offset)
            offset += 64
        }
        coexist_prefetch(address + last)
    }

    /// How many records ahead a pass asks for the values it will read.
    public static let prefetchDistance = 8
    /// The last byte a pass reads that copies a record and notes its fingerprint, seats and reseller
    /// (``TenantOrder``): from the object's header (its reference count) to the later of the two values.
    public static let orderReadEnd =
        valuesOffset
        + max(
            MemoryLayout<Values>.offset(of: \.quantity)! + MemoryLayout<Decimal?>.size,
            MemoryLayout<Values>.offset(of: \.reseller)! + MemoryLayout<PartnerID?>.size) - 1
    /// The last byte of the values: for passes that compare or read most of them.
    public static let valuesEnd = valuesOffset + MemoryLayout<Values>.size - 1
    /// Where the values start in the storage object: after a Swift object's header (type and reference
    /// count, 16 bytes on 64-bit platforms) and the fingerprint. A test holds it to the real address.
    @usableFromInline static let valuesOffset = 16 + MemoryLayout<ValuesFingerprint>.stride

    /// The values for mutation, copied first when another `Subscription` shares them. Any change
    /// clears the fingerprint: it no longer tells what the values are.
    @usableFromInline var uniqueValues: Values {
        get { storage.values }
        _modify {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.values) }
            storage.fingerprint = .unknown
            yield &storage.values
        }
    }

    /// The fingerprint of the values as a reader made them; ``ValuesFingerprint/unknown`` once any
    /// of them changed, or where the reader made none.
    @inlinable public var valuesFingerprint: ValuesFingerprint { storage.fingerprint }

    /// Notes the values' fingerprint: for a reader, after it has set every value.
    public mutating func noteValuesFingerprint(_ fingerprint: ValuesFingerprint) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.values) }
        storage.fingerprint = fingerprint
    }

    /// Other ids of the same subscription (Graph's `id` beside its `commerceSubscriptionId`).
    @inlinable public var alternateIDs: [String] {
        get { storage.values.alternateIDs }
        set { uniqueValues.alternateIDs = newValue }
        _modify { yield &uniqueValues.alternateIDs }
    }
    @inlinable public var offerId: String? {
        get { storage.values.offerId }
        set { uniqueValues.offerId = newValue }
        _modify { yield &uniqueValues.offerId }
    }
    @inlinable public var offerName: String? {
        get { storage.values.offerName }
        set { uniqueValues.offerName = newValue }
        _modify { yield &uniqueValues.offerName }
    }
    @inlinable public var sku: SkuID? {
        get { storage.values.sku }
        set { uniqueValues.sku = newValue }
        _modify { yield &uniqueValues.sku }
    }
    @inlinable public var quantity: Decimal? {
        get { storage.values.quantity }
        set { uniqueValues.quantity = newValue }
        _modify { yield &uniqueValues.quantity }
    }
    @inlinable public var startDate: ISODate? {
        get { storage.values.startDate }
        set { uniqueValues.startDate = newValue }
        _modify { yield &uniqueValues.startDate }
    }
    @inlinable public var endDate: ISODate? {
        get { storage.values.endDate }
        set { uniqueValues.endDate = newValue }
        _modify { yield &uniqueValues.endDate }
    }
    @inlinable public var billingCycle: BillingCycle? {
        get { storage.values.billingCycle }
        set { uniqueValues.billingCycle = newValue }
        _modify { yield &uniqueValues.billingCycle }
    }
    @inlinable public var termDuration: String? {
        get { storage.values.termDuration }
        set { uniqueValues.termDuration = newValue }
        _modify { yield &uniqueValues.termDuration }
    }
    @inlinable public var autoRenew: Bool? {
        get { storage.values.autoRenew }
        set { uniqueValues.autoRenew = newValue }
        _modify { yield &uniqueValues.autoRenew }
    }
    @inlinable public var readOnly: Bool? {
        get { storage.values.readOnly }
        set { uniqueValues.readOnly = newValue }
        _modify { yield &uniqueValues.readOnly }
    }
    @inlinable public var reseller: PartnerID? {
        get { storage.values.reseller }
        set { uniqueValues.reseller = newValue }
        _modify { yield &uniqueValues.reseller }
    }
    @inlinable public var advisors: Set<Advisor> {
        get { storage.values.advisors }
        set { uniqueValues.advisors = newValue }
        _modify { yield &uniqueValues.advisors }
    }
    @inlinable public var unitPrice: Decimal? {
        get { storage.values.unitPrice }
        set { uniqueValues.unitPrice = newValue }
        _modify { yield &uniqueValues.unitPrice }
    }
    @inlinable public var currency: String? {
        get { storage.values.currency }
        set { uniqueValues.currency = newValue }
        _modify { yield &uniqueValues.currency }
    }
    /// The partner tenant that created it (Graph's `ownerTenantId`), when the source says.
    @inlinable public var ownerTenant: TenantID? {
        get { storage.values.ownerTenant }
        set { uniqueValues.ownerTenant = newValue }
        _modify { yield &uniqueValues.ownerTenant }
    }
    @inlinable public var source: Provenance {
        get { storage.values.source }
        set { uniqueValues.source = newValue }
        _modify { yield &uniqueValues.source }
    }

    public static func == (lhs: Subscription, rhs: Subscription) -> Bool {
        guard lhs.id == rhs.id, lhs.tenant == rhs.tenant, lhs.view == rhs.view, lhs.carried == rhs.carried,
            lhs.channel == rhs.channel, lhs.status == rhs.status
        else { return false }
        return lhs.storage === rhs.storage || lhs.storage.values == rhs.storage.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(tenant)
        hasher.combine(view)
        hasher.combine(carried)
        hasher.combine(channel)
        hasher.combine(status)
        hasher.combine(storage.values)
    }

    /// The source carries the field (its column or attribute is present).
    @inlinable
    public func carries(_ field: SubscriptionField) -> Bool { carried.contains(field) }

    /// The field's value as reports write it; nil when empty or not carried.
    public func text(of field: SubscriptionField) -> String? {
        guard carries(field) else { return nil }
        switch field {
        case .channel: return channel?.canonicalName
        case .offerId: return offerId
        case .offerName: return offerName
        case .skuId: return sku?.description
        case .quantity: return quantity?.plainText
        case .status: return status?.canonicalName
        case .startDate: return startDate?.description
        case .endDate: return endDate?.description
        case .billingCycle: return billingCycle?.canonicalName
        case .termDuration: return termDuration
        case .autoRenew: return autoRenew.map { $0 ? "true" : "false" }
        case .readOnly: return readOnly.map { $0 ? "true" : "false" }
        case .resellerPartnerId: return reseller?.description
        case .advisors: return advisors.isEmpty ? nil : advisors.sorted().map(\.description).joined(separator: ";")
        case .unitPrice: return unitPrice?.plainText
        case .currency: return currency
        }
    }

    /// Whether the field differs from `other`'s, comparing as SPEC §3.1 says.
    /// A field either side does not carry never differs.
    public func differs(from other: Subscription, in field: SubscriptionField) -> Bool {
        guard carries(field), other.carries(field) else { return false }
        switch field {
        case .channel: return channel != other.channel
        case .offerId: return !sameText(offerId, other.offerId, caseInsensitive: true)
        case .offerName: return !sameText(offerName, other.offerName, caseInsensitive: false)
        case .skuId: return sku != other.sku
        case .quantity: return quantity != other.quantity
        case .status: return status != other.status
        case .startDate: return !sameDate(startDate, other.startDate)
        case .endDate: return !sameDate(endDate, other.endDate)
        case .billingCycle: return billingCycle != other.billingCycle
        case .termDuration: return !sameText(termDuration, other.termDuration, caseInsensitive: true)
        case .autoRenew: return autoRenew != other.autoRenew
        case .readOnly: return readOnly != other.readOnly
        case .resellerPartnerId: return reseller != other.reseller
        case .advisors: return advisors != other.advisors
        case .unitPrice: return unitPrice != other.unitPrice
        case .currency: return !sameText(currency, other.currency, caseInsensitive: true)
        }
    }

    /// Every field in which `other` differs, as ``differs(from:in:)`` decides each.
    public func differingFields(from other: Subscription) -> FieldSet {
        var fields: FieldSet = []
        for field in SubscriptionField.allCases where differs(from: other, in: field) { fields.insert(field) }
        return fields
    }

    /// The fields in which `other` differs, in report order.
    public func changedFields(comparedTo other: Subscription) -> [SubscriptionField] {
        differingFields(from: other).sortedFields
    }

    /// The partner that resells it: its reseller of record, else (for a CSP subscription whose record
    /// names none) the exporting partner when there is exactly one to assume.
    @inlinable
    public func effectiveReseller(exportingPartners: Set<PartnerID>) -> PartnerID? {
        Self.effectiveReseller(channel: channel, reseller: reseller, exportingPartners: exportingPartners)
    }

    /// A CSP subscription resold by the exporting partner (one of its MPN ids); false when that partner is unknown.
    @inlinable
    public func isResold(byAnyOf exportingPartners: Set<PartnerID>) -> Bool {
        Self.isResold(channel: channel, reseller: reseller, byAnyOf: exportingPartners)
    }

    /// ``effectiveReseller(exportingPartners:)`` of a record with this channel and reseller, for a
    /// pass that has them without the record (``TenantOrder/resellers``).
    @inlinable
    public static func effectiveReseller(channel: Channel?, reseller: PartnerID?, exportingPartners: Set<PartnerID>) -> PartnerID? {
        if let reseller { return reseller }
        guard channel == .csp, exportingPartners.count == 1 else { return nil }
        return exportingPartners.first
    }

    /// ``isResold(byAnyOf:)`` of a record with this channel and reseller.
    @inlinable
    public static func isResold(channel: Channel?, reseller: PartnerID?, byAnyOf exportingPartners: Set<PartnerID>) -> Bool {
        guard channel == .csp, !exportingPartners.isEmpty else { return false }
        guard let reseller else { return true }
        return exportingPartners.contains(reseller)
    }
}

private func sameText(_ lhs: String?, _ rhs: String?, caseInsensitive: Bool) -> Bool {
    // Equal as they are: the common case, decided without trimming or lower-casing copies.
    if lhs == rhs { return true }
    let left = (lhs ?? "").trimmingWhitespace()
    let right = (rhs ?? "").trimmingWhitespace()
    // Swift's String equality is canonical equivalence, so NFC and NFD spellings compare equal.
    return caseInsensitive ? left.lowercased() == right.lowercased() : left == right
}

private func sameDate(_ lhs: ISODate?, _ rhs: ISODate?) -> Bool {
    switch (lhs, rhs) {
    case (nil, nil): true
    case let (left?, right?): left.sameMoment(as: right)
    default: false
    }
}
