import CoexistModel
import Foundation

/// A decoded value of one field, or the word that the record needs ``RecordDecoder`` (a value it
/// refuses, or one it completes from elsewhere).
enum FastField<Value> {
    case value(Value)
    case refer
}

/// Canonical subscription and license rows decoded straight from the CSV scanner's bytes.
///
/// The plain row — every id a 36-character GUID, every value one the file has spelled the same way
/// before — is what a million-row export is made of, and building a `String` per field for it was most
/// of the cost of reading. This path decodes such a row without them: GUIDs and numbers from the bytes,
/// every other column through a ``FieldMemo`` whose misses run the same parsing as ``RecordDecoder``.
/// Whatever it is not sure of (an invalid value, a SKU to look up, a tenant id in braces) it
/// refers back, and the caller decodes that row the reference way: errors, messages and the model come
/// out the same either way (`CanonicalFastPathTests` checks that on rows made to disagree).
struct CanonicalFastPath {
    /// Header position of each canonical column (by raw value), -1 for a column the file lacks.
    private let positions: [Int]
    private let view: SubscriptionView
    /// The fields the file's columns carry: the same for every row.
    let carried: FieldSet
    private let hasTenantName: Bool
    private let hasTenantDomain: Bool
    /// The positions of the columns that feed a subscription's values.
    private let valuePositions: [Int]
    /// The fingerprinter with the file's layout (each value position's field, and the view) hashed
    /// in once; reset for each row.
    private var fingerprinter: ValuesFingerprinter

    /// The memos of every column's values.
    private var values = CanonicalValueMemos()

    /// The columns only ``RecordDecoder`` reads (Graph's and Insights' extras, a per-row view).
    private static let referredColumns: [CanonicalColumn] = [
        .view, .alternateId, .ownerTenantId, .advisorKind, .advisorPartnerId, .skuPartNumber,
    ]

    /// A fast path for a file of the given columns; nil when its rows need more than this path does.
    init?(mapping: [CanonicalColumn?], view: SubscriptionView) {
        var positions = Array(repeating: -1, count: CanonicalColumn.allCases.count)
        for (index, column) in mapping.enumerated() {
            if let column { positions[column.rawValue] = index }
        }
        self.positions = positions
        guard Self.referredColumns.allSatisfy({ positions[$0.rawValue] < 0 }) else { return nil }
        self.view = view
        self.carried = FieldSet(mapping.compactMap { $0?.subscriptionField })
        self.hasTenantName = positions[CanonicalColumn.tenantName.rawValue] >= 0
        self.hasTenantDomain = positions[CanonicalColumn.tenantDomain.rawValue] >= 0
        let valueColumns = mapping.enumerated().compactMap { index, column in column?.subscriptionField.map { (index, $0) } }
        self.valuePositions = valueColumns.map(\.0)
        self.fingerprinter = ValuesFingerprinter(layout: [view.priority] + valueColumns.map(\.1.rawValue))
    }

    /// The row's values as bytes (``ValuesFingerprint``): the same bytes under the same layout decode,
    /// on this path, to the same values.
    private mutating func fingerprint(of record: CSVRecord) -> ValuesFingerprint {
        fingerprinter.reset()
        for position in valuePositions {
            record.withBytes(at: position) { fingerprinter.add($0) }
        }
        return fingerprinter.finish()
    }

    /// The header position of a column the file has.
    @inline(__always)
    private func position(_ column: CanonicalColumn) -> Int? {
        let position = positions[column.rawValue]
        return position >= 0 ? position : nil
    }

    /// Whether a row of this file can be a subscription on this path at all.
    var readsSubscriptions: Bool {
        [.tenantId, .subscriptionId, .quantity, .status, .skuId, .offerName].allSatisfy { position($0) != nil }
    }

    /// Whether a row of this file can be a license pool on this path at all.
    var readsLicenses: Bool {
        [.tenantId, .skuId, .totalLicenses, .productName].allSatisfy { position($0) != nil }
    }

    /// The row's tenant id, when it is a plain GUID. Its identity is noted by ``note(_:of:source:in:)``
    /// once the rest of the row has decoded: the question whether it is known already is a cache miss
    /// on rows not grouped by customer, asked for here and answered there. A row that leaves this path
    /// is noted by the reference decoder, as before.
    private func tenant(of record: CSVRecord, asking content: FileContent) -> TenantID? {
        guard let tenant = guid(record, .tenantId).map(TenantID.init) else { return nil }
        content.prefetchKnowledge(of: tenant)
        return tenant
    }

    /// Notes the row's tenant when the row could add to what the content knows of it (its name and
    /// domain, read as ``RecordDecoder/tenant(_:)`` reads them: a tenant's first row); false when they
    /// do not decode (the reference path reports the row).
    private func note(_ tenant: TenantID, of record: CSVRecord, source: Provenance, in content: inout FileContent) -> Bool {
        guard !content.knows(tenant, name: hasTenantName, domain: hasTenantDomain) else { return true }
        var raw = RawRecord(source: source)
        for column in [CanonicalColumn.tenantId, .tenantName, .tenantDomain] {
            guard let position = position(column) else { continue }
            raw.set(column, record.string(at: position), at: record.column(at: position))
        }
        guard let info = try? RecordDecoder().tenant(raw) else { return false }
        content.note(info)
        return true
    }

    // MARK: - Rows

    /// The row as a subscription, or nil to decode it the reference way.
    mutating func subscription(_ record: CSVRecord, source: Provenance, in content: inout FileContent) -> Subscription? {
        guard let tenant = tenant(of: record, asking: content),
            let id = guid(record, .subscriptionId).map(SubscriptionID.init)
        else { return nil }
        var subscription = Subscription(id: id, tenant: tenant, view: view, source: source)
        subscription.carried = carried
        // Each column as RecordDecoder.subscription reads it: `optional` (empty → nil), `required`
        // (empty refused), and what decodeSources would complete (a SKU, a name) referred.
        let partnerView = view == .partner
        if let position = position(.channel) {
            guard
                case .value(let channel) = values.channels.memo(record, position, Self.channel), channel != nil || !partnerView
            else { return nil }
            subscription.channel = channel
        }
        if let position = position(.offerId) {
            guard
                case .value(let offer) = values.offerIds.memo(record, position, Self.offerId(partnerView: partnerView))
            else { return nil }
            subscription.offerId = offer
        }
        guard case .value(let name?) = values.names.memo(record, position(.offerName)!, Self.name),
            case .value(let sku?) = values.skus.memo(record, position(.skuId)!, Self.sku),
            let quantity = decimal(record, position(.quantity)!),
            case .value(let status) = values.statuses.memo(record, position(.status)!, Self.status)
        else { return nil }
        subscription.offerName = name
        subscription.sku = sku
        subscription.quantity = quantity
        subscription.status = status
        if let position = position(.startDate) {
            guard case .value(let date) = values.dates.memo(record, position, Self.date) else { return nil }
            subscription.startDate = date
        }
        if let position = position(.endDate) {
            guard case .value(let date) = values.dates.memo(record, position, Self.date) else { return nil }
            subscription.endDate = date
        }
        if let position = position(.billingCycle) {
            guard
                case .value(let cycle) = values.cycles.memo(record, position, Self.cycle)
            else { return nil }
            subscription.billingCycle = cycle
        }
        if let position = position(.termDuration) {
            guard
                case .value(let term) = values.terms.memo(record, position, Self.term)
            else { return nil }
            subscription.termDuration = term
        }
        if let position = position(.autoRenew) {
            guard case .value(let flag) = values.bools.memo(record, position, Self.bool) else { return nil }
            subscription.autoRenew = flag
        }
        if let position = position(.readOnly) {
            guard case .value(let flag) = values.bools.memo(record, position, Self.bool) else { return nil }
            subscription.readOnly = flag
        }
        if let position = position(.resellerPartnerId) {
            guard case .value(let partner) = values.partners.memo(record, position, trimmed: false, Self.partner) else { return nil }
            subscription.reseller = partner
        }
        if let position = position(.advisorPartnerIds) {
            guard case .value(let advisors) = values.advisorLists.memo(record, position, trimmed: false, Self.advisors) else {
                return nil
            }
            subscription.advisors = advisors
        }
        if let position = position(.unitPrice) {
            if !record.isEmpty(at: position) {
                guard let price = decimal(record, position) else { return nil }
                subscription.unitPrice = price
            }
        }
        if let position = position(.currency) {
            guard
                case .value(let currency) = values.currencies.memo(record, position, Self.currency)
            else { return nil }
            subscription.currency = currency
        }
        guard note(tenant, of: record, source: source, in: &content) else { return nil }
        // Last: setting any value clears it.
        subscription.noteValuesFingerprint(fingerprint(of: record))
        return subscription
    }

    /// The row as a license pool, or nil to decode it the reference way.
    mutating func license(_ record: CSVRecord, source: Provenance, in content: inout FileContent) -> LicensePool? {
        guard let tenant = tenant(of: record, asking: content),
            let sku = guid(record, .skuId).map(SkuID.init),
            case .value(let name?) = values.names.memo(record, position(.productName)!, Self.name),
            let total = decimal(record, position(.totalLicenses)!)
        else { return nil }
        var assigned: Decimal?
        if let position = position(.assignedLicenses), !record.isEmpty(at: position) {
            guard let value = decimal(record, position) else { return nil }
            assigned = value
        }
        guard note(tenant, of: record, source: source, in: &content) else { return nil }
        return LicensePool(tenant: tenant, sku: sku, productName: name, total: total, assigned: assigned, source: source)
    }

    // MARK: - Values

    /// A plain 36-character GUID; nil for anything else (braces, blanks, an invalid one).
    private func guid(_ record: CSVRecord, _ column: CanonicalColumn) -> GUID? {
        guard let position = position(column) else { return nil }
        return record.withBytes(at: position) { GUID(plainUTF8: $0) }
    }

    /// A number whose text needs no trimming; nil for anything else (empty, blanks, invalid).
    private func decimal(_ record: CSVRecord, _ position: Int) -> Decimal? {
        record.withBytes(at: position) { bytes in
            guard let first = bytes.first, let last = bytes.last, isVisibleASCII(first), isVisibleASCII(last) else { return nil }
            return parseCanonicalDecimal(utf8: bytes)
        }
    }

    /// An optional column as ``RecordDecoder`` reads one: empty is nil, a value that does not parse is
    /// referred (for the reference decoder's message). Runs only when the memo misses.
    static func optional<T>(_ text: String, _ parse: (String) -> T?) -> FastField<T?> {
        text.isEmpty ? .value(nil) : parse(text).map { .value($0) } ?? .refer
    }

    // Each column's text as RecordDecoder reads it, for the CSV and XML fast paths' memos.
    static func channel(_ text: String) -> FastField<Channel?> { optional(text) { Channel(parsing: $0) } }
    static func sku(_ text: String) -> FastField<SkuID?> { optional(text) { SkuID(parsing: $0) } }
    static func cycle(_ text: String) -> FastField<BillingCycle?> { optional(text) { BillingCycle(parsing: $0) } }
    static func term(_ text: String) -> FastField<String?> { optional(text, RecordDecoder.termDuration) }
    static func currency(_ text: String) -> FastField<String?> { optional(text, RecordDecoder.currency) }
    static func name(_ text: String) -> FastField<String?> { .value(nonEmpty(text)) }
    /// Required: an empty status is the reference path's to report.
    static func status(_ text: String) -> FastField<SubscriptionStatus> {
        text.isEmpty ? .refer : SubscriptionStatus(parsing: text).map { .value($0) } ?? .refer
    }
    /// Required in the partner view (where an empty one is the reference path's to report or complete).
    static func offerId(partnerView: Bool) -> (String) -> FastField<String?> {
        { text in text.isEmpty && partnerView ? .refer : .value(text.isEmpty ? nil : text) }
    }
    static func date(_ text: String) -> FastField<ISODate?> { optional(text) { ISODate(parsing: $0) } }
    static func bool(_ text: String) -> FastField<Bool?> { optional(text) { parseCanonicalBool($0) } }

    /// A reseller's MPN id; `PartnerID.parse` trims for itself, so its memo is keyed by the untrimmed text.
    static func partner(_ text: String) -> FastField<PartnerID?> {
        switch PartnerID.parse(text) {
        case .none: .value(nil)
        case .partner(let id): .value(id)
        case .invalid: .refer
        }
    }

    /// An advisor list as `RecordDecoder` reads it (untrimmed, as it is).
    static func advisors(_ text: String) -> FastField<Set<Advisor>> {
        var raw = RawRecord(source: Provenance(file: "", line: 0))
        raw[.advisorPartnerIds] = text
        return (try? RecordDecoder().advisors(raw)).map { .value($0) } ?? .refer
    }
}

extension FieldMemo {
    /// The memoized value of a field; `decode` gets the text trimmed as ``RawRecord/trimmed(_:)`` gives it.
    fileprivate mutating func memo<Wrapped>(
        _ record: CSVRecord, _ position: Int, trimmed: Bool = true, _ decode: (String) -> FastField<Wrapped>
    ) -> FastField<Wrapped> where Value == FastField<Wrapped> {
        record.withBytes(at: position) { bytes in
            value(of: bytes) { text in decode(trimmed ? text.trimmingWhitespace() : text) }
        }
    }
}

@inline(__always)
private func isVisibleASCII(_ byte: UInt8) -> Bool { byte >= 0x21 && byte <= 0x7E }
