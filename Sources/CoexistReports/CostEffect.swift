import CoexistDiff
import CoexistModel
import Foundation

/// Where a unit price came from.
public enum PriceSource: String, Sendable {
    /// The subscription's own UnitPrice and Currency columns (either export set).
    case export
    /// The price list given with `--prices`.
    case priceList = "price-list"
}

/// What one side (baseline or current) of a subscription costs, in one currency.
public struct SideCost: Hashable, Sendable {
    /// Seats billed: the quantity while the subscription is in service (active or grace), else 0.
    /// For a one-time purchase, the quantity whatever the status.
    public let seats: Decimal
    /// The price of one seat for one billing period of ``billingCycle``.
    public let unitPrice: Decimal
    /// The period the unit price covers.
    public let billingCycle: BillingCycle
    public let source: PriceSource
    /// seats × unit price ÷ months of the billing period, rounded to the currency's minor unit;
    /// 0 for a one-time price.
    public let monthly: Decimal
    /// seats × unit price for a one-time price, rounded to the minor unit; else 0.
    public let oneTime: Decimal
}

/// The money effect of one change in one currency: what changes per month (and once).
public struct CostLine: Hashable, Sendable {
    public let currency: CurrencyCode
    /// Nil when the subscription is absent on that side or billed in another currency there.
    public let before: SideCost?
    public let after: SideCost?

    /// Monthly cost after minus before (each side rounded first, so rows add up to the totals).
    public var monthlyEffect: Decimal { (after?.monthly ?? 0) - (before?.monthly ?? 0) }
    /// One-time cost after minus before.
    public var oneTimeEffect: Decimal { (after?.oneTime ?? 0) - (before?.oneTime ?? 0) }
}

/// The money side of one subscription change: usually one line; two when its currency changed;
/// none when the change moves no money.
public struct ChangeCost: Hashable, Sendable {
    public let lines: [CostLine]
    /// Why the change, which moves seats or prices, has no figure (no price known, quantity unknown).
    public let unpriced: String?
}

/// The cost effects of a run per currency, never mixing currencies.
public struct CurrencyTotals: Hashable, Sendable {
    public let currency: CurrencyCode
    /// Sum of the positive monthly effects.
    public var monthlyIncrease: Decimal = 0
    /// Sum of the negative monthly effects (a negative number).
    public var monthlyDecrease: Decimal = 0
    /// Sum of the one-time effects.
    public var oneTime: Decimal = 0
    /// Changes with a line in this currency.
    public var changes = 0

    /// Increase plus decrease.
    public var monthlyNet: Decimal { monthlyIncrease + monthlyDecrease }
}

/// Every change's cost effect and the totals per currency.
///
/// The monthly cost of a subscription is its billed seats × unit price ÷ the months of the billing
/// period the price covers (monthly 1, annual 12, triennial 36); a one-time price is never monthly
/// and is totalled apart. A change's effect is the monthly cost after minus before, so a quantity
/// change is quantity delta × unit price ÷ months, an added subscription is its whole cost, and a
/// suspended or removed one costs nothing from then on. Decimal arithmetic throughout.
public struct CostReport: Sendable {
    public let byChange: [SubscriptionID: ChangeCost]
    /// Sorted by currency code.
    public let totals: [CurrencyTotals]
    /// Changes that move seats or prices but have no price.
    public let unpricedChanges: Int

    public init() {
        byChange = [:]
        totals = []
        unpricedChanges = 0
    }

    public init(
        changes: [SubscriptionChange], baseline: [SubscriptionID: Subscription], current: [SubscriptionID: Subscription],
        prices: PriceList
    ) {
        var byChange: [SubscriptionID: ChangeCost] = [:]
        var totals: [CurrencyCode: CurrencyTotals] = [:]
        var unpriced = 0
        let calculator = CostCalculator(prices: prices)
        for change in changes {
            guard let cost = calculator.cost(before: baseline[change.subscription], after: current[change.subscription]) else { continue }
            byChange[change.subscription] = cost
            if cost.unpriced != nil { unpriced += 1 }
            for line in cost.lines {
                var total = totals[line.currency] ?? CurrencyTotals(currency: line.currency)
                let effect = line.monthlyEffect
                if effect > 0 { total.monthlyIncrease += effect } else { total.monthlyDecrease += effect }
                total.oneTime += line.oneTimeEffect
                total.changes += 1
                totals[line.currency] = total
            }
        }
        self.byChange = byChange
        self.totals = totals.values.sorted { $0.currency < $1.currency }
        self.unpricedChanges = unpriced
    }

    /// The cost of one change, if it moves money or lacks a price.
    public func cost(of subscription: SubscriptionID) -> ChangeCost? { byChange[subscription] }
}

/// Prices both sides of a change.
struct CostCalculator {
    let prices: PriceList

    private struct Price {
        let unitPrice: Decimal
        let currency: CurrencyCode
        let cycle: BillingCycle
        let source: PriceSource
    }

    func cost(before: Subscription?, after: Subscription?) -> ChangeCost? {
        let sides = [before.map { (record: $0, other: after) }, after.map { (record: $0, other: before) }]
        let seats = sides.map { side in side.map { billedSeats($0.record, other: $0.other) } ?? .some(0) }
        let pricing = sides.map { side in side.map { price(of: $0.record, other: $0.other) } }
        let termsChanged =
            before.flatMap { old in after.map { new in [.unitPrice, .currency, .billingCycle].contains { old.differs(from: new, in: $0) } }
            }
            ?? false
        guard seats[0] != seats[1] || termsChanged else { return nil }

        var costs: [SideCost?] = [nil, nil]
        var currencies: [CurrencyCode?] = [nil, nil]
        for index in 0..<2 {
            guard sides[index] != nil else { continue }
            guard let billed = seats[index] else { return ChangeCost(lines: [], unpriced: "its quantity is unknown") }
            switch pricing[index] {
            case .success(let price):
                costs[index] = sideCost(seats: billed, price: price)
                currencies[index] = price.currency
            case .failure(let reason) where billed != 0:
                return ChangeCost(lines: [], unpriced: reason.text)
            default:
                continue
            }
        }
        var lines: [CostLine] = []
        if let currency = currencies[0], currency == currencies[1] {
            lines.append(CostLine(currency: currency, before: costs[0], after: costs[1]))
        } else {
            if let currency = currencies[0] { lines.append(CostLine(currency: currency, before: costs[0], after: nil)) }
            if let currency = currencies[1] { lines.append(CostLine(currency: currency, before: nil, after: costs[1])) }
        }
        lines.removeAll { $0.monthlyEffect == 0 && $0.oneTimeEffect == 0 }
        return lines.isEmpty ? nil : ChangeCost(lines: lines.sorted { $0.currency < $1.currency }, unpriced: nil)
    }

    /// The seats billed: nil when the quantity is unknown, 0 when not in service.
    private func billedSeats(_ record: Subscription, other: Subscription?) -> Decimal? {
        guard record.carries(.quantity) else { return nil }
        let quantity = record.quantity ?? 0
        if (record.billingCycle ?? other?.billingCycle) == .oneTime { return quantity }
        if record.carries(.status), let status = record.status, !status.isInService { return 0 }
        return quantity
    }

    /// Why a side has no price, in words for the reports.
    private struct Miss: Error {
        let text: String
    }

    /// The record's own price, else the other side's, else the price list's.
    private func price(of record: Subscription, other: Subscription?) -> Result<Price, Miss> {
        let cycle = record.billingCycle ?? other?.billingCycle
        for candidate in [record, other].compactMap({ $0 }) {
            guard candidate.carries(.unitPrice), let amount = candidate.unitPrice, candidate.carries(.currency),
                let currency = candidate.currency.flatMap({ CurrencyCode(parsing: $0) })
            else { continue }
            guard let cycle, cycle != .none else {
                return .failure(Miss(text: "its billing cycle is unknown, so its UnitPrice cannot be made monthly"))
            }
            return .success(Price(unitPrice: amount, currency: currency, cycle: cycle, source: .export))
        }
        let hadPrice = [record, other].contains { $0?.unitPrice != nil }
        switch prices.price(offerId: record.offerId ?? other?.offerId, sku: record.sku ?? other?.sku, billingCycle: cycle) {
        case .success(let entry):
            return .success(Price(unitPrice: entry.unitPrice, currency: entry.currency, cycle: entry.billingCycle, source: .priceList))
        case .failure(.ambiguous(let cycles)):
            return .failure(
                Miss(
                    text:
                        "the price list prices it for \(cycles.map(\.canonicalName).joined(separator: ", ")) but not for its billing cycle")
            )
        case .failure(.notListed):
            if hadPrice { return .failure(Miss(text: "its UnitPrice has no valid Currency")) }
            return .failure(Miss(text: prices.isEmpty ? "no UnitPrice in the export and no price list" : "not in the price list"))
        }
    }

    private func sideCost(seats: Decimal, price: Price) -> SideCost {
        let minor = price.currency.minorUnits
        guard let months = price.cycle.months else {
            return SideCost(
                seats: seats, unitPrice: price.unitPrice, billingCycle: price.cycle, source: price.source, monthly: 0,
                oneTime: (seats * price.unitPrice).rounded(to: minor))
        }
        return SideCost(
            seats: seats, unitPrice: price.unitPrice, billingCycle: price.cycle, source: price.source,
            monthly: (seats * price.unitPrice / Decimal(months)).rounded(to: minor), oneTime: 0)
    }
}

extension Decimal {
    /// Rounded half away from zero to `scale` digits after the point.
    public func rounded(to scale: Int16) -> Decimal { rounded(places: Int(scale)) }

    /// `+44.00 EUR`, `−6.00 EUR` (a true minus sign), `0.00 EUR`: an effect for people.
    public func signed(_ currency: CurrencyCode) -> String {
        let text = fixed(currency.minorUnits)
        if text.hasPrefix("-") { return "\u{2212}" + text.dropFirst() + " " + currency.code }
        return (self > 0 ? "+" : "") + text + " " + currency.code
    }

    /// A price as written, with at least `scale` digits after the point: `264.00`, `12.50`, `3.845`.
    public func price(_ scale: Int16) -> String {
        let text = plainText
        let fraction = text.split(separator: ".", maxSplits: 1).dropFirst().first?.count ?? 0
        guard fraction < Int(scale) else { return text }
        return text + (fraction == 0 ? "." : "") + String(repeating: "0", count: Int(scale) - fraction)
    }

    /// `1234.50`, `-3.67`, `0`: exactly `scale` digits after the point, no grouping, no exponent.
    public func fixed(_ scale: Int16) -> String {
        let rounded = rounded(to: scale)
        if let text = rounded.digitText(minimumFraction: Int(scale)) { return text }
        let text = NSDecimalNumber(decimal: rounded).stringValue
        guard scale > 0 else { return text }
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, Int(scale) - fraction.count))
    }
}
