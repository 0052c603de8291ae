import CoexistModel
import Foundation

/// The money parts of `report.json` (extra keys SPEC §5 allows): `summary.costEffect` and each
/// change's `cost`. Field names are the columns of `costs.csv`; amounts are JSON numbers written
/// with the currency's minor unit (`44.00`), so JSON, CSV and HTML carry the same figures.
extension JSONReport {
    static func costSummary(_ costs: CostReport) -> JSONValue {
        .object([
            (
                "perCurrency",
                .array(
                    costs.totals.map { total in
                        let minor = total.currency.minorUnits
                        return .object([
                            ("currency", .string(total.currency.code)),
                            ("monthlyIncrease", .number(total.monthlyIncrease.fixed(minor))),
                            ("monthlyDecrease", .number(total.monthlyDecrease.fixed(minor))),
                            ("monthlyNet", .number(total.monthlyNet.fixed(minor))),
                            ("oneTime", .number(total.oneTime.fixed(minor))),
                            ("changes", .int(total.changes)),
                        ])
                    })
            ),
            ("unpricedChanges", .int(costs.unpricedChanges)),
        ])
    }

    static func cost(_ cost: ChangeCost?) -> JSONValue {
        guard let cost else { return .null }
        return .object([
            ("unpriced", .text(cost.unpriced)),
            (
                "lines",
                .array(
                    cost.lines.map { line in
                        let minor = line.currency.minorUnits
                        let side = line.after ?? line.before
                        return .object([
                            ("currency", .string(line.currency.code)),
                            ("billingCycle", .text(side?.billingCycle.canonicalName)),
                            ("priceSource", .text(side?.source.rawValue)),
                            ("unitPriceBefore", line.before.map { .number($0.unitPrice.price(minor)) } ?? .null),
                            ("unitPriceAfter", line.after.map { .number($0.unitPrice.price(minor)) } ?? .null),
                            ("seatsBefore", amount(line.before?.seats ?? 0)), ("seatsAfter", amount(line.after?.seats ?? 0)),
                            ("monthlyBefore", .number((line.before?.monthly ?? 0).fixed(minor))),
                            ("monthlyAfter", .number((line.after?.monthly ?? 0).fixed(minor))),
                            ("monthlyEffect", .number(line.monthlyEffect.fixed(minor))),
                            ("oneTimeEffect", .number(line.oneTimeEffect.fixed(minor))),
                        ])
                    })
            ),
        ])
    }

    private static func amount(_ value: Decimal?) -> JSONValue { value.map { .number($0.plainText) } ?? .null }
}
