import CoexistDiff
import CoexistModel
import CoexistRules

/// `findings.csv`: one row per finding.
public enum FindingsCSV {
    public static let header = [
        "severity", "rule", "tenantId", "tenantName", "subscriptionId", "skuId", "message",
        "before", "after", "file", "line", "baselineFile", "baselineLine",
    ]

    public static func render(_ result: ReconcileResult) -> String {
        var writer = CSVWriter()
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
        return writer.text
    }
}

/// `changes.csv`: one row per changed field (added and removed subscriptions list their identifying fields).
public enum ChangesCSV {
    public static let header = [
        "tenantId", "tenantName", "subscriptionId", "kind", "field", "before", "after",
        "file", "line", "baselineFile", "baselineLine",
    ]

    public static func render(_ result: ReconcileResult) -> String {
        var writer = CSVWriter()
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
        return writer.text
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
