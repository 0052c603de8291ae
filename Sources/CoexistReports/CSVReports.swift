import CoexistDiff
import CoexistModel
import CoexistRules

/// `findings.csv`: one row per finding.
public enum FindingsCSV {
    public static let header = [
        "severity", "rule", "tenantId", "tenantName", "subscriptionId", "skuId", "message",
        "before", "after", "file", "line", "baselineFile", "baselineLine",
    ]

    public static func render(_ result: ReconcileResult, dialect: CSVDialect = .standard) -> String {
        var out = ReportOutput()
        write(result, dialect: dialect, into: &out)
        return out.text
    }

    public static func write(_ result: ReconcileResult, dialect: CSVDialect = .standard, into out: inout ReportOutput) {
        var writer = CSVWriter(dialect: dialect, output: consume out)
        writer.writeHeader(header)
        for finding in result.run.findings {
            writer.write([
                .text(finding.severity.rawValue), .text(finding.rule), .optional(finding.tenant?.description),
                .optional(finding.tenant.map { result.name(of: $0) }), .optional(finding.subscription?.description),
                .optional(finding.sku?.description), .text(finding.message), .optional(finding.before), .optional(finding.after),
                .optional(finding.source?.file), .int(finding.source?.line),
                .optional(finding.baselineSource?.file), .int(finding.baselineSource?.line),
            ])
        }
        out = writer.output
    }
}

/// `changes.csv`: one row per changed field (added and removed subscriptions list their identifying fields).
public enum ChangesCSV {
    public static let header = [
        "tenantId", "tenantName", "subscriptionId", "kind", "field", "before", "after",
        "file", "line", "baselineFile", "baselineLine",
    ]

    public static func render(_ result: ReconcileResult, dialect: CSVDialect = .standard) -> String {
        var out = ReportOutput()
        write(result, dialect: dialect, into: &out)
        return out.text
    }

    public static func write(_ result: ReconcileResult, dialect: CSVDialect = .standard, into out: inout ReportOutput) {
        var writer = CSVWriter(dialect: dialect, output: consume out)
        writer.writeHeader(header)
        for change in result.diff.changes {
            for field in change.fields {
                writer.write([
                    .text(change.tenant.description), .text(result.name(of: change.tenant)), .text(change.subscription.description),
                    .text(change.kind.rawValue), .text(field.field.name),
                    cell(field.before, field.field), cell(field.after, field.field),
                    .optional(change.source?.file), .int(change.source?.line),
                    .optional(change.baselineSource?.file), .int(change.baselineSource?.line),
                ])
            }
        }
        out = writer.output
    }

    /// Quantities and prices are numbers a spreadsheet should sum; everything else is text.
    private static func cell(_ value: String?, _ field: SubscriptionField) -> CSVCell {
        guard let value else { return .empty }
        if field == .quantity || field == .unitPrice, parseCanonicalDecimal(value) != nil, !value.hasPrefix("'") {
            return .number(value)
        }
        return .text(value)
    }
}

/// `costs.csv`: one row per change that moves money, per currency (a change whose currency changed
/// has two rows), and one row per change that moves seats but has no price (amounts empty, `note`
/// says why). Amounts are numbers rounded to the currency's minor unit; summing `monthlyEffect` per
/// currency gives the totals of `report.json` and `report.html`.
public enum CostsCSV {
    public static let header = [
        "tenantId", "tenantName", "subscriptionId", "offerName", "kind", "currency", "billingCycle", "priceSource",
        "unitPriceBefore", "unitPriceAfter", "seatsBefore", "seatsAfter", "monthlyBefore", "monthlyAfter", "monthlyEffect",
        "oneTimeEffect", "note",
    ]

    public static func render(_ result: ReconcileResult, dialect: CSVDialect = .standard) -> String {
        var out = ReportOutput()
        write(result, dialect: dialect, into: &out)
        return out.text
    }

    public static func write(_ result: ReconcileResult, dialect: CSVDialect = .standard, into out: inout ReportOutput) {
        var writer = CSVWriter(dialect: dialect, output: consume out)
        writer.writeHeader(header)
        for change in result.diff.changes {
            guard let cost = result.costs.cost(of: change.subscription) else { continue }
            let record = result.model.latest(change.subscription)
            let lead: [CSVCell] = [
                .text(change.tenant.description), .text(result.name(of: change.tenant)), .text(change.subscription.description),
                .optional(record?.offerName ?? record?.offerId), .text(change.kind.rawValue),
            ]
            if let reason = cost.unpriced {
                writer.write(lead + Array(repeating: CSVCell.empty, count: 11) + [.text(reason)])
                continue
            }
            for line in cost.lines {
                let minor = line.currency.minorUnits
                let side = line.after ?? line.before
                writer.write(
                    lead + [
                        .text(line.currency.code), .optional(side?.billingCycle.canonicalName), .optional(side?.source.rawValue),
                        .price(line.before?.unitPrice, minor), .price(line.after?.unitPrice, minor),
                        .amount(line.before?.seats ?? 0), .amount(line.after?.seats ?? 0),
                        .number((line.before?.monthly ?? 0).fixed(minor)), .number((line.after?.monthly ?? 0).fixed(minor)),
                        .number(line.monthlyEffect.fixed(minor)), .number(line.oneTimeEffect.fixed(minor)), .empty,
                    ])
            }
        }
        out = writer.output
    }
}
