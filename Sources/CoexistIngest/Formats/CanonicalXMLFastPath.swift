import CoexistModel
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The attributes of one `<subscription>` or `<license>` start tag, kept as decoded bytes by canonical
/// column until the record is complete (a subscription's offer name and advisors are children).
struct XMLRecordAttributes {
    /// The values end to end, `&#38;` already turned back into `&`.
    private(set) var bytes: [UInt8] = []
    /// Per canonical column (by raw value): where its value starts in `bytes`, or -1 when absent.
    private var starts = Array(repeating: -1, count: CanonicalColumn.allCases.count)
    private var counts = Array(repeating: 0, count: CanonicalColumn.allCases.count)
    /// The columns present, in attribute order.
    private(set) var present: [CanonicalColumn] = []
    /// The subscription fields of those columns.
    private(set) var fields: FieldSet = []

    /// Empties the record, keeping its storage.
    mutating func reset() {
        for column in present { starts[column.rawValue] = -1 }
        present.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        fields = []
    }

    /// Adds a value; false when the column has one already.
    mutating func add(_ column: CanonicalColumn, raw: UnsafeBufferPointer<UInt8>) -> Bool {
        guard starts[column.rawValue] < 0 else { return false }
        starts[column.rawValue] = bytes.count
        XMLStartTag.appendDecoded(raw, to: &bytes)
        counts[column.rawValue] = bytes.count - starts[column.rawValue]
        present.append(column)
        if let field = column.subscriptionField { fields.insert(field) }
        return true
    }

    /// The value of a column within `all` (this record's ``bytes``); nil when absent.
    @inline(__always)
    func value(_ column: CanonicalColumn, in all: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        let start = starts[column.rawValue]
        guard start >= 0 else { return nil }
        return UnsafeBufferPointer(rebasing: all[start..<(start + counts[column.rawValue])])
    }

    /// The record the reference path builds from the same attributes: every value at the element's column.
    func rawRecord(source: Provenance, column: Int) -> RawRecord {
        var raw = RawRecord(source: source)
        bytes.withUnsafeBufferPointer { all in
            for present in present {
                raw.set(present, String(decoding: value(present, in: all)!, as: UTF8.self), at: column)
            }
        }
        return raw
    }
}

/// `<subscription>` and `<license>` elements decoded straight from libxml2's bytes: the XML
/// counterpart of ``CanonicalFastPath``.
///
/// A canonical export is mostly these two elements, and building a `String` per attribute and a
/// dictionary per element for them, then parsing every value from those Strings, was most of the cost
/// of reading one. This path reads a plain element (every attribute one it knows, no namespace, no
/// column twice) without them: GUIDs and numbers from the bytes, every other value through a
/// ``FieldMemo`` whose misses run the same parsing as ``RecordDecoder``. Whatever it is not sure of
/// (an invalid value, a SKU to look up, a missing offer name) it refers back, and the caller decodes the
/// element the reference way: the model, problems and messages come out the same either way
/// (`CanonicalXMLFastPathTests` checks that on elements made to disagree).
struct CanonicalXMLFastPath {
    /// The columns a plain `<subscription>` may carry as attributes (SPEC §2.2).
    private static let subscriptionColumns: Set<CanonicalColumn> = [
        .subscriptionId, .channel, .offerId, .skuId, .quantity, .status, .startDate, .endDate, .billingCycle,
        .termDuration, .autoRenew, .readOnly, .resellerPartnerId, .unitPrice, .currency,
    ]
    private static let licenseColumns: Set<CanonicalColumn> = [.skuId, .productName, .totalLicenses, .assignedLicenses]

    /// Attribute name → raw value of its column, or -1 when this path does not read it; by element.
    private var subscriptionNames = AttributeColumns()
    private var licenseNames = AttributeColumns()

    /// The memos of every column's values.
    private var values = CanonicalValueMemos()
    /// `<advisor role>` → the kind as the advisor list spells it.
    private var advisorKinds = FieldMemo<String>()
    private var scratch: [UInt8] = []

    // MARK: - Start tags

    /// Keeps a `<subscription>` tag's attributes in `record`; false when the tag is not plain.
    mutating func save(subscription tag: XMLStartTag, into record: inout XMLRecordAttributes) -> Bool {
        Self.save(tag, into: &record, names: &subscriptionNames, renames: CanonicalXMLHandler.subscriptionRenames) {
            Self.subscriptionColumns.contains($0)
        }
    }

    /// Keeps a `<license>` tag's attributes in `record`; false when the tag is not plain.
    mutating func save(license tag: XMLStartTag, into record: inout XMLRecordAttributes) -> Bool {
        Self.save(tag, into: &record, names: &licenseNames, renames: CanonicalXMLHandler.licenseRenames) {
            Self.licenseColumns.contains($0)
        }
    }

    /// Plain: every attribute names a column this path reads, no two the same column, none namespaced.
    /// Then ``CanonicalXMLHandler``'s reference path would set each column from one attribute and note
    /// nothing, which is what ``XMLRecordAttributes/rawRecord(source:column:)`` rebuilds.
    private static func save(
        _ tag: XMLStartTag, into record: inout XMLRecordAttributes, names: inout AttributeColumns,
        renames: [String: CanonicalColumn], reads: (CanonicalColumn) -> Bool
    ) -> Bool {
        record.reset()
        for index in 0..<tag.count {
            guard let name = tag.localName(at: index), !tag.isNamespaced(at: index), let raw = tag.rawValue(at: index) else {
                return false
            }
            let known =
                names.column(at: index, named: name)
                ?? names.note(index, name) { text in
                    guard let column = renames[text] ?? CanonicalColumn(header: text), reads(column) else { return -1 }
                    return column.rawValue
                }
            guard known >= 0, let column = CanonicalColumn(rawValue: known), record.add(column, raw: raw) else { return false }
        }
        return true
    }

    /// Appends one `<advisor>`'s entry to a subscription's advisor list (`KIND:ID`, `;` between
    /// entries), as the reference path writes its `AdvisorPartnerIds`.
    mutating func appendAdvisor(_ tag: XMLStartTag, to list: inout [UInt8]) {
        if !list.isEmpty { list.append(UInt8(ascii: ";")) }
        if let role = tag.rawValue(named: "role") {
            scratch.removeAll(keepingCapacity: true)
            XMLStartTag.appendDecoded(role, to: &scratch)
            let kind = scratch.withUnsafeBufferPointer { bytes in
                advisorKinds.value(of: bytes) { AdvisorKind(parsing: $0)?.canonicalName ?? $0 }
            }
            list.append(contentsOf: kind.utf8)
        } else {
            list.append(contentsOf: "POR".utf8)
        }
        list.append(UInt8(ascii: ":"))
        if let partner = tag.rawValue(named: "partnerId") { XMLStartTag.appendDecoded(partner, to: &list) }
    }

    // MARK: - Records

    /// The subscription, or nil to decode it the reference way. `offerName` is the text of its
    /// `<offerName>` (nil when it has none), `advisors` its advisor list.
    mutating func subscription(
        _ record: XMLRecordAttributes, offerName: [UInt8]?, advisors: [UInt8], view: SubscriptionView, tenant: TenantID,
        source: Provenance
    ) -> Subscription? {
        record.bytes.withUnsafeBufferPointer { all in
            guard let offerName else { return nil }
            return offerName.withUnsafeBufferPointer { offerName in
                advisors.withUnsafeBufferPointer { advisors in
                    subscription(record, all, offerName: offerName, advisors: advisors, view: view, tenant: tenant, source: source)
                }
            }
        }
    }

    private mutating func subscription(
        _ record: XMLRecordAttributes, _ all: UnsafeBufferPointer<UInt8>, offerName: UnsafeBufferPointer<UInt8>,
        advisors: UnsafeBufferPointer<UInt8>, view: SubscriptionView, tenant: TenantID, source: Provenance
    ) -> Subscription? {
        func value(_ column: CanonicalColumn) -> UnsafeBufferPointer<UInt8>? { record.value(column, in: all) }
        guard let id = value(.subscriptionId).flatMap({ GUID(plainUTF8: $0) }).map(SubscriptionID.init) else { return nil }
        var subscription = Subscription(id: id, tenant: tenant, view: view, source: source)
        // What the reference path's record holds: the attributes, the offer name and the advisor list.
        var carried = record.fields
        carried.insert(.offerName)
        carried.insert(.advisors)
        subscription.carried = carried
        // Each value as RecordDecoder.subscription reads it: `optional` (empty → nil), `required`
        // (empty refused), and what decodeSources would complete (a SKU, a name) referred.
        let partnerView = view == .partner
        if let bytes = value(.channel) {
            guard case .value(let channel) = values.channels.memo(bytes, CanonicalFastPath.channel),
                channel != nil || !partnerView
            else { return nil }
            subscription.channel = channel
        }
        if let bytes = value(.offerId) {
            guard
                case .value(let offer) = values.offerIds.memo(bytes, CanonicalFastPath.offerId(partnerView: partnerView))
            else { return nil }
            subscription.offerId = offer
        }
        guard case .value(let name?) = values.names.memo(offerName, CanonicalFastPath.name),
            let skuBytes = value(.skuId),
            case .value(let sku?) = values.skus.memo(skuBytes, CanonicalFastPath.sku),
            let quantity = value(.quantity).flatMap(Self.decimal),
            let statusBytes = value(.status),
            case .value(let status) = values.statuses.memo(statusBytes, CanonicalFastPath.status)
        else { return nil }
        subscription.offerName = name
        subscription.sku = sku
        subscription.quantity = quantity
        subscription.status = status
        if let bytes = value(.startDate) {
            guard case .value(let date) = values.dates.memo(bytes, CanonicalFastPath.date) else { return nil }
            subscription.startDate = date
        }
        if let bytes = value(.endDate) {
            guard case .value(let date) = values.dates.memo(bytes, CanonicalFastPath.date) else { return nil }
            subscription.endDate = date
        }
        if let bytes = value(.billingCycle) {
            guard case .value(let cycle) = values.cycles.memo(bytes, CanonicalFastPath.cycle)
            else { return nil }
            subscription.billingCycle = cycle
        }
        if let bytes = value(.termDuration) {
            guard case .value(let term) = values.terms.memo(bytes, CanonicalFastPath.term)
            else { return nil }
            subscription.termDuration = term
        }
        if let bytes = value(.autoRenew) {
            guard case .value(let flag) = values.bools.memo(bytes, CanonicalFastPath.bool) else { return nil }
            subscription.autoRenew = flag
        }
        if let bytes = value(.readOnly) {
            guard case .value(let flag) = values.bools.memo(bytes, CanonicalFastPath.bool) else { return nil }
            subscription.readOnly = flag
        }
        if let bytes = value(.resellerPartnerId) {
            guard case .value(let partner) = values.partners.memo(bytes, trimmed: false, CanonicalFastPath.partner) else { return nil }
            subscription.reseller = partner
        }
        guard case .value(let advisorSet) = values.advisorLists.memo(advisors, trimmed: false, CanonicalFastPath.advisors) else {
            return nil
        }
        subscription.advisors = advisorSet
        if let bytes = value(.unitPrice), !bytes.isEmpty {
            guard let price = Self.decimal(bytes) else { return nil }
            subscription.unitPrice = price
        }
        if let bytes = value(.currency) {
            guard case .value(let currency) = values.currencies.memo(bytes, CanonicalFastPath.currency)
            else { return nil }
            subscription.currency = currency
        }
        return subscription
    }

    /// The license pool, or nil to decode it the reference way.
    mutating func license(_ record: XMLRecordAttributes, tenant: TenantID, source: Provenance) -> LicensePool? {
        record.bytes.withUnsafeBufferPointer { all -> LicensePool? in
            guard let sku = record.value(.skuId, in: all).flatMap({ GUID(plainUTF8: $0) }).map(SkuID.init),
                let nameBytes = record.value(.productName, in: all),
                case .value(let name?) = values.names.memo(nameBytes, CanonicalFastPath.name),
                let total = record.value(.totalLicenses, in: all).flatMap(Self.decimal)
            else { return nil }
            var assigned: Decimal?
            if let bytes = record.value(.assignedLicenses, in: all), !bytes.isEmpty {
                guard let value = Self.decimal(bytes) else { return nil }
                assigned = value
            }
            return LicensePool(tenant: tenant, sku: sku, productName: name, total: total, assigned: assigned, source: source)
        }
    }

    /// A number whose text needs no trimming; nil for anything else (empty, blanks, invalid).
    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Decimal? {
        guard let first = bytes.first, let last = bytes.last, first >= 0x21, first <= 0x7E, last >= 0x21, last <= 0x7E else {
            return nil
        }
        return parseCanonicalDecimal(utf8: bytes)
    }
}

extension FieldMemo {
    /// The memoized value of a field; `decode` gets the text trimmed as ``RawRecord/trimmed(_:)`` gives it.
    fileprivate mutating func memo<Wrapped>(
        _ bytes: UnsafeBufferPointer<UInt8>, trimmed: Bool = true, _ decode: (String) -> FastField<Wrapped>
    ) -> FastField<Wrapped> where Value == FastField<Wrapped> {
        value(of: bytes) { text in decode(trimmed ? text.trimmingWhitespace() : text) }
    }
}

/// The column of each attribute position of an element, as the element's last tag named them.
///
/// An export's tags repeat the same attributes in the same order, and libxml2 hands each name over as
/// a pointer into its dictionary of names: a position whose pointer and bytes are the ones noted last
/// time has the same column, found without measuring, hashing and looking the name up (measured: the
/// look-up ≈ 4% of reading a canonical XML export). Any other name is looked up in the memo and noted.
struct AttributeColumns {
    private struct Slot {
        var pointer: UnsafePointer<UInt8>
        /// The name's bytes and its terminating NUL, compared on every hit: the pointer alone would
        /// trust libxml2 never to reuse an address for another name.
        var name: [UInt8]
        var column: Int
    }

    private var slots: [Slot?] = []
    private var memo = FieldMemo<Int>(limit: 256)

    /// The column noted for position `index` when `name` is the name noted there; nil otherwise.
    func column(at index: Int, named name: UnsafePointer<UInt8>) -> Int? {
        guard index < slots.count, let slot = slots[index], slot.pointer == name else { return nil }
        // Byte by byte, up to the first difference: never past the end of a shorter name (its NUL differs).
        for offset in slot.name.indices where name[offset] != slot.name[offset] { return nil }
        return slot.column
    }

    /// The column of `name` (NUL-terminated) from the memo, decoding it with `decode` the first time,
    /// noted for position `index`; at most 64 positions are noted.
    mutating func note(_ index: Int, _ name: UnsafePointer<UInt8>, decode: (String) -> Int) -> Int {
        let count = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
        let column = memo.value(of: UnsafeBufferPointer(start: name, count: count), decode: decode)
        guard index < 64 else { return column }
        if slots.count <= index { slots.append(contentsOf: repeatElement(nil, count: index + 1 - slots.count)) }
        slots[index] = Slot(pointer: name, name: Array(UnsafeBufferPointer(start: name, count: count + 1)), column: column)
        return column
    }
}
