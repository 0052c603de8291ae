import CoexistDiff
import CoexistModel
import CoexistRules
import Foundation
import Testing

@testable import CoexistReports

/// The money figures: quantity delta × unit price ÷ months of the billing period, per currency.
@Suite("Cost effects")
struct CostEffectTests {
    private func decimal(_ text: String) -> Decimal { parseCanonicalDecimal(text)! }  // test literals are well-formed

    /// The cost report of one baseline → current pair of records.
    private func costs(
        before: [Subscription], after: [Subscription], prices: PriceList = PriceList()
    ) -> CostReport {
        let baseline = Dictionary(uniqueKeysWithValues: before.map { ($0.id, $0) })
        let current = Dictionary(uniqueKeysWithValues: after.map { ($0.id, $0) })
        let diff = SnapshotDiff(baseline: baseline, current: current)
        return CostReport(changes: diff.changes, baseline: baseline, current: current, prices: prices)
    }

    private func effect(_ report: CostReport, _ n: Int = 1) -> [String] {
        (report.cost(of: Scenario.subscriptionID(n))?.lines ?? []).map { "\($0.monthlyEffect.signed($0.currency))" }
    }

    @Test("fixed-point amounts are Foundation's digits padded to the scale, for random values and edges")
    func fixedMatchesFoundation() throws {
        func reference(_ value: Decimal, _ scale: Int16) -> String {
            var copy = value
            var rounded = Decimal()
            NSDecimalRound(&rounded, &copy, Int(scale), .plain)
            let text = NSDecimalNumber(decimal: rounded).stringValue
            guard scale > 0 else { return text }
            let parts = text.split(separator: ".", maxSplits: 1)
            let fraction = parts.count > 1 ? String(parts[1]) : ""
            return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, Int(scale) - fraction.count))
        }
        var state: UInt64 = 42
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var values = try ["0", "-0.004", "-0.005", "0.005", "264", "-6", "1234.5", "3.845", "1e25", "-99999999999999999.995"]
            .map { try #require(Decimal(string: $0)) }
        for _ in 0..<10_000 {
            let units = Decimal(Int64(bitPattern: next()) % 1_000_000_000_000)
            values.append(units / Decimal(Int(next() % 36) + 1) * (next() % 2 == 0 ? 1 : -1))
        }
        for value in values {
            for scale: Int16 in [0, 2, 3] {
                #expect(value.fixed(scale) == reference(value, scale), "\(value) at \(scale)")
            }
        }
        #expect(decimal("-6").signed(CurrencyCode(parsing: "EUR")!) == "\u{2212}6.00 EUR")
    }

    @Test func annualIncreaseIsDeltaTimesPriceOverTwelve() {
        let record = priced(Scenario.subscription(1, quantity: 40), "264.00", "EUR")
        let report = costs(before: [record], after: [record.with { $0.quantity = 42 }])
        #expect(effect(report) == ["+44.00 EUR"])
        let line = report.cost(of: Scenario.subscriptionID(1))?.lines.first
        #expect(line?.before?.monthly == decimal("880"))
        #expect(line?.after?.monthly == decimal("924"))
        #expect(report.totals.map(\.monthlyIncrease) == [decimal("44")])
    }

    @Test func monthlyDecreaseIsNegative() {
        let record = priced(Scenario.subscription(1, quantity: 5, billingCycle: .monthly), "4.00", "EUR")
        let report = costs(before: [record], after: [record.with { $0.quantity = 3 }])
        #expect(effect(report) == ["\u{2212}8.00 EUR"])
        #expect(report.totals.first?.monthlyDecrease == decimal("-8"))
        #expect(report.totals.first?.monthlyIncrease == 0)
    }

    @Test func triennialDividesByThirtySixAndRoundsPerSubscription() {
        let record = priced(Scenario.subscription(1, quantity: 1, billingCycle: .triennial), "100.00", "EUR")
        let report = costs(before: [record], after: [record.with { $0.quantity = 2 }])
        // 100 / 36 = 2.777… → each side rounded first: 5.56 − 2.78 = 2.78, so rows add up to the totals.
        #expect(effect(report) == ["+2.78 EUR"])
    }

    @Test func addedRemovedAndSuspendedMoveTheWholeCost() {
        let kept = priced(Scenario.subscription(1, quantity: 10, billingCycle: .monthly), "10.00", "EUR")
        let gone = priced(Scenario.subscription(2, quantity: 3, billingCycle: .monthly), "5.00", "EUR")
        let new = priced(Scenario.subscription(3, quantity: 7, billingCycle: .monthly), "22.00", "USD")
        let report = costs(before: [kept, gone], after: [kept.with { $0.status = .suspended }, new])
        #expect(effect(report, 1) == ["\u{2212}100.00 EUR"])
        #expect(effect(report, 2) == ["\u{2212}15.00 EUR"])
        #expect(effect(report, 3) == ["+154.00 USD"])
        #expect(report.totals.map(\.currency.code) == ["EUR", "USD"], "never mixed, sorted by code")
        #expect(report.totals.map(\.monthlyNet) == [decimal("-115"), decimal("154")])
    }

    @Test func currencyWithoutMinorUnitAndCurrencyChange() {
        let yen = priced(Scenario.subscription(1, quantity: 1, billingCycle: .annual), "1000", "JPY")
        #expect(effect(costs(before: [], after: [yen])) == ["+83 JPY"])
        let euro = priced(Scenario.subscription(1, quantity: 2, billingCycle: .monthly), "10", "EUR")
        let report = costs(before: [euro], after: [priced(euro, "11", "USD")])
        #expect(effect(report) == ["\u{2212}20.00 EUR", "+22.00 USD"], "a change of currency is two lines, one per currency")
    }

    @Test func oneTimeIsTotalledApart() {
        let record = priced(Scenario.subscription(1, quantity: 1, billingCycle: .oneTime), "99.00", "EUR")
        let report = costs(before: [record], after: [record.with { $0.quantity = 3 }])
        let line = report.cost(of: Scenario.subscriptionID(1))?.lines.first
        #expect(line?.monthlyEffect == 0)
        #expect(line?.oneTimeEffect == decimal("198"))
        #expect(report.totals.first?.oneTime == decimal("198"))
        #expect(report.totals.first?.monthlyNet == 0)
    }

    @Test func changesThatMoveNoMoneyHaveNoCost() {
        let record = priced(Scenario.subscription(1, quantity: 5), "120", "EUR")
        let report = costs(before: [record], after: [record.with { $0.endDate = ISODate(parsing: "2027-12-31") }])
        #expect(report.cost(of: Scenario.subscriptionID(1)) == nil)
        #expect(report.totals.isEmpty)
    }

    @Test func withoutAPriceTheChangeSaysWhy() {
        let record = Scenario.subscription(1, quantity: 5)
        let report = costs(before: [record], after: [record.with { $0.quantity = 6 }])
        #expect(report.cost(of: Scenario.subscriptionID(1))?.unpriced == "no UnitPrice in the export and no price list")
        #expect(report.unpricedChanges == 1)
        #expect(report.totals.isEmpty)
    }

    @Test func priceListPricesByOfferThenSkuPreferringTheBillingCycle() throws {
        let source = Provenance(file: "prices.csv", line: 2)
        let eur = try #require(CurrencyCode(parsing: "eur"))
        let list = PriceList([
            .init(offerId: "OFFER-1", sku: nil, billingCycle: .monthly, unitPrice: 12, currency: eur, source: source),
            .init(offerId: "offer-1", sku: nil, billingCycle: .annual, unitPrice: 120, currency: eur, source: source),
            .init(offerId: nil, sku: Scenario.sku(2), billingCycle: .monthly, unitPrice: 5, currency: eur, source: source),
            .init(offerId: "OFFER-3", sku: nil, billingCycle: .monthly, unitPrice: 1, currency: eur, source: source),
            .init(offerId: "OFFER-3", sku: nil, billingCycle: .triennial, unitPrice: 30, currency: eur, source: source),
        ])
        let annual = Scenario.subscription(1, quantity: 1)
        let bySku = Scenario.subscription(2, quantity: 1, offer: "UNLISTED")
        let ambiguous = Scenario.subscription(3, quantity: 1, billingCycle: .annual)
        let report = costs(
            before: [annual, bySku, ambiguous], after: [annual, bySku, ambiguous].map { $0.with { $0.quantity = 2 } }, prices: list)
        #expect(effect(report, 1) == ["+10.00 EUR"], "the annual row of OFFER-1 (case-insensitive), 120 / 12")
        #expect(report.cost(of: Scenario.subscriptionID(1))?.lines.first?.after?.source == .priceList)
        #expect(effect(report, 2) == ["+5.00 EUR"], "by SKU when the offer is not listed")
        #expect(report.cost(of: Scenario.subscriptionID(3))?.unpriced?.contains("monthly, triennial") == true)
    }

    @Test func exportPriceWinsOverThePriceList() throws {
        let eur = try #require(CurrencyCode(parsing: "EUR"))
        let list = PriceList([
            .init(
                offerId: "OFFER-1", sku: nil, billingCycle: .annual, unitPrice: 999, currency: eur,
                source: Provenance(file: "prices.csv", line: 2))
        ])
        let record = priced(Scenario.subscription(1, quantity: 1), "12.00", "EUR")
        #expect(effect(costs(before: [record], after: [record.with { $0.quantity = 2 }], prices: list)) == ["+1.00 EUR"])
    }

    @Test func amountsAreWrittenWithTheirMinorUnit() {
        #expect(decimal("3.5").fixed(2) == "3.50")
        #expect(decimal("-1345.785").fixed(2) == "-1345.79")
        #expect(decimal("83.3").fixed(0) == "83")
        #expect(decimal("0").signed(CurrencyCode(parsing: "EUR")!) == "0.00 EUR")  // a literal code
        #expect(CurrencyCode(parsing: "EURO") == nil)
        #expect(CurrencyCode(parsing: "kwd")?.minorUnits == 3)
    }
}
