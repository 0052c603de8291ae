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

    /// A change's cost at depth `indent`, or null (written member by member: see ``writeChange``).
    static func writeCost(_ cost: ChangeCost?, indent: Int, into out: inout ReportOutput) {
        guard let cost else { return out.append(staticString: "null") }
        var object = JSONObjectWriter(indent: indent)
        object.member("unpriced", into: &out)
        out.appendJSONText(cost.unpriced)
        object.member("lines", into: &out)
        let lines = cost.lines
        JSONValue.writeArray(lines.count, indent: indent + 1, into: &out) { index, out in
            let line = lines[index]
            let minor = line.currency.minorUnits
            let side = line.after ?? line.before
            var members = JSONObjectWriter(indent: indent + 2)
            members.member("currency", into: &out)
            out.appendJSONString(line.currency.code)
            members.member("billingCycle", into: &out)
            out.appendJSONText(side?.billingCycle.canonicalName)
            members.member("priceSource", into: &out)
            out.appendJSONText(side?.source.rawValue)
            members.member("unitPriceBefore", into: &out)
            out.append(line.before.map { $0.unitPrice.price(minor) } ?? "null")
            members.member("unitPriceAfter", into: &out)
            out.append(line.after.map { $0.unitPrice.price(minor) } ?? "null")
            members.member("seatsBefore", into: &out)
            out.append((line.before?.seats ?? 0).plainText)
            members.member("seatsAfter", into: &out)
            out.append((line.after?.seats ?? 0).plainText)
            members.member("monthlyBefore", into: &out)
            out.append((line.before?.monthly ?? 0).fixed(minor))
            members.member("monthlyAfter", into: &out)
            out.append((line.after?.monthly ?? 0).fixed(minor))
            members.member("monthlyEffect", into: &out)
            out.append(line.monthlyEffect.fixed(minor))
            members.member("oneTimeEffect", into: &out)
            out.append(line.oneTimeEffect.fixed(minor))
            members.end(into: &out)
        }
        object.end(into: &out)
    }
}
