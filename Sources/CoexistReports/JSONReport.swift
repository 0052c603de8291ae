import CoexistDiff
import CoexistModel
import CoexistRules

/// `report.json`, schemaVersion 1 (SPEC §5). Keys in the schema's order; extra keys after them.
public enum JSONReport {
    public static func render(_ result: ReconcileResult) -> String {
        withNightlyKeys(document(result), result).serialized()
    }

    static func document(_ result: ReconcileResult) -> JSONValue {
        let counts = result.diff.counts
        return .object([
            ("schemaVersion", .int(1)),
            ("status", .string(result.status.rawValue)),
            ("toolVersion", .string(result.toolVersion)),
            (
                "asOf",
                .object([
                    ("baseline", .string(result.baselineAsOf.calendarDay.description)),
                    ("current", .string(result.currentAsOf.calendarDay.description)),
                ])
            ),
            (
                "inputs",
                .array(
                    result.inputs.map { input in
                        .object([
                            ("side", .string(input.side.rawValue)), ("file", .string(input.file.file)),
                            ("sha256", .string(input.file.sha256)), ("kind", .string(input.file.kind.rawValue)),
                            ("format", .string(input.file.format)), ("records", .int(input.file.records)),
                        ])
                    })
            ),
            (
                "summary",
                .object([
                    ("tenants", .int(result.tenants.count)),
                    (
                        "subscriptions",
                        .object([
                            ("baseline", .int(counts.baseline)), ("current", .int(counts.current)), ("added", .int(counts.added)),
                            ("removed", .int(counts.removed)), ("changed", .int(counts.changed)), ("unchanged", .int(counts.unchanged)),
                        ])
                    ),
                    (
                        "findings",
                        .object([
                            ("error", .int(result.count(.error))), ("warning", .int(result.count(.warning))),
                            ("info", .int(result.count(.info))),
                        ])
                    ),
                    ("costEffect", costSummary(result.costs)),
                ])
            ),
            (
                "rules",
                .array(
                    result.run.evaluations.map { evaluation in
                        var members: [(String, JSONValue)] = [
                            ("id", .string(evaluation.id)), ("severity", .string(evaluation.severity.rawValue)),
                            ("evaluated", .bool(evaluation.evaluated)),
                        ]
                        if let reason = evaluation.reason { members.append(("reason", .string(reason))) }
                        if !evaluation.notEvaluatedTenants.isEmpty {
                            let tenants = evaluation.notEvaluatedTenants.sorted { $0.key < $1.key }.map { tenant, reason in
                                JSONValue.object([("tenantId", .string(tenant.description)), ("reason", .string(reason))])
                            }
                            members.append(("notEvaluatedFor", .array(tenants)))
                        }
                        return .object(members)
                    })
            ),
            ("findings", .array(result.run.findings.map(finding))),
            ("changes", .array(result.diff.changes.map { change($0, cost: result.costs.cost(of: $0.subscription)) })),
            ("generatedAt", .string(result.generatedAt)),
            ("failOn", .string(result.failOn.rawValue)),
            ("exportingPartners", .array(result.exportingPartners.sorted().map { .string($0.description) })),
        ])
    }

    static func finding(_ finding: Finding) -> JSONValue {
        .object([
            ("rule", .string(finding.rule)), ("severity", .string(finding.severity.rawValue)),
            ("tenantId", .text(finding.tenant?.description)), ("subscriptionId", .text(finding.subscription?.description)),
            ("message", .string(finding.message)), ("before", .text(finding.before)), ("after", .text(finding.after)),
            ("source", source(finding.source)), ("baselineSource", source(finding.baselineSource)),
            ("skuId", .text(finding.sku?.description)), ("partnerId", .text(finding.partner?.description)),
        ])
    }

    static func change(_ change: SubscriptionChange, cost: ChangeCost?) -> JSONValue {
        .object([
            ("tenantId", .string(change.tenant.description)), ("subscriptionId", .string(change.subscription.description)),
            ("kind", .string(change.kind.rawValue)),
            (
                "fields",
                .array(
                    change.fields.map { field in
                        .object([("field", .string(field.field.name)), ("before", .text(field.before)), ("after", .text(field.after))])
                    })
            ),
            ("source", source(change.source)), ("baselineSource", source(change.baselineSource)),
            ("cost", self.cost(cost)),
        ])
    }

    static func source(_ provenance: Provenance?) -> JSONValue {
        guard let provenance else { return .null }
        return .object([("file", .string(provenance.file)), ("line", .int(provenance.line))])
    }
}
