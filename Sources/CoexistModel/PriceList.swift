import Foundation

/// An ISO 4217 currency code, upper case (`EUR`, `USD`, `JPY`). Amounts in different currencies are
/// never added together.
public struct CurrencyCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The three upper-case letters.
    public let code: String

    /// Reads `eur`, ` EUR `; nil for anything that is not three ASCII letters.
    public init?(parsing raw: some StringProtocol) {
        let text = Substring(raw).trimmingWhitespace()
        guard text.unicodeScalars.count == 3, text.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0) })
        else { return nil }
        code = text.uppercased()
    }

    /// Digits after the decimal point of the currency's minor unit (ISO 4217): 2 for most, 0 for
    /// `JPY`, `KRW` and a few others, 3 for the dinars of Bahrain, Iraq, Jordan, Kuwait, Libya,
    /// Oman and Tunisia. Amounts are rounded to it.
    public var minorUnits: Int16 {
        switch code {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
            "XPF":
            0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND": 3
        default: 2
        }
    }

    public static func < (lhs: CurrencyCode, rhs: CurrencyCode) -> Bool { lhs.code < rhs.code }
    public var description: String { code }
}

extension BillingCycle {
    /// How many months one billing period covers: what a price per period is divided by to give a
    /// monthly figure. Nil for `one_time` (paid once, never monthly) and `none`.
    public var months: Int? {
        switch self {
        case .monthly: 1
        case .annual: 12
        case .triennial: 36
        case .oneTime, .none: nil
        }
    }
}

/// Prices from a price list file (`--prices`): the price of one seat for one billing period, by
/// offer id or SKU, per billing cycle. A subscription whose export carries no UnitPrice is priced
/// from here.
public struct PriceList: Sendable {
    /// One row of the price list.
    public struct Entry: Hashable, Sendable {
        /// The offer id, compared case-insensitively; nil when the row names only a SKU.
        public let offerId: String?
        public let sku: SkuID?
        /// The billing period the price covers (a price per month, per year, per three years, once).
        public let billingCycle: BillingCycle
        public let unitPrice: Decimal
        public let currency: CurrencyCode
        public let source: Provenance

        public init(
            offerId: String?, sku: SkuID?, billingCycle: BillingCycle, unitPrice: Decimal, currency: CurrencyCode, source: Provenance
        ) {
            self.offerId = offerId
            self.sku = sku
            self.billingCycle = billingCycle
            self.unitPrice = unitPrice
            self.currency = currency
            self.source = source
        }
    }

    /// Why a lookup found no single price.
    public enum Miss: Error, Hashable, Sendable {
        /// No row names the offer or the SKU.
        case notListed
        /// Rows name it for several billing cycles, none of them the subscription's.
        case ambiguous(cycles: [BillingCycle])
    }

    public private(set) var entries: [Entry] = []
    private var byOffer: [String: [Entry]] = [:]
    private var bySku: [SkuID: [Entry]] = [:]

    public init(_ entries: [Entry] = []) {
        for entry in entries { add(entry) }
    }

    /// Whether the list has no price at all (no `--prices` given).
    public var isEmpty: Bool { entries.isEmpty }

    /// The row that already prices the same offer (or, for a row without offer id, the same SKU)
    /// for the same billing cycle, if any.
    public func conflict(with entry: Entry) -> Entry? {
        let rows: [Entry]
        if let offer = entry.offerId {
            rows = byOffer[Self.offerKey(offer)] ?? []
        } else if let sku = entry.sku {
            rows = bySku[sku] ?? []
        } else {
            rows = []
        }
        return rows.first { $0.billingCycle == entry.billingCycle }
    }

    /// Adds a row. A row with an offer id is found by that offer; a row with only a SKU by the SKU
    /// (so two offers of one SKU can have their own prices).
    public mutating func add(_ entry: Entry) {
        entries.append(entry)
        if let offer = entry.offerId {
            byOffer[Self.offerKey(offer), default: []].append(entry)
        } else if let sku = entry.sku {
            bySku[sku, default: []].append(entry)
        }
    }

    /// The price of a subscription: by offer id first, then by SKU. Among the rows found, the one
    /// for the subscription's billing cycle wins; a single row for another cycle is used as it is
    /// (its own cycle turns it into a monthly figure); several rows, none for the subscription's
    /// cycle, are ambiguous.
    public func price(offerId: String?, sku: SkuID?, billingCycle: BillingCycle?) -> Result<Entry, Miss> {
        var miss = Miss.notListed
        let candidates = [offerId.map { byOffer[Self.offerKey($0)] ?? [] } ?? [], sku.map { bySku[$0] ?? [] } ?? []]
        for rows in candidates where !rows.isEmpty {
            if let billingCycle, let exact = rows.first(where: { $0.billingCycle == billingCycle }) { return .success(exact) }
            if rows.count == 1 { return .success(rows[0]) }
            miss = .ambiguous(cycles: rows.map(\.billingCycle).sorted())
        }
        return .failure(miss)
    }

    private static func offerKey(_ offer: String) -> String { offer.trimmingWhitespace().lowercased() }
}
