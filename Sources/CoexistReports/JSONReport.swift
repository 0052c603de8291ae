import CoexistDiff
import CoexistModel
import CoexistRules

/// `report.json`, schemaVersion 1 (SPEC §5). Keys in the schema's order; extra keys after them.
public enum JSONReport {
    public static func render(_ result: ReconcileResult) -> String {
        var out = ReportOutput()
        write(result, into: &out)
        return out.text
    }

    /// Streams the document: the findings and the changes (a million on a big run) are made and
    /// written one at a time, laid out exactly as one ``JSONValue`` of the whole document would be.
    public static func write(_ result: ReconcileResult, into out: inout ReportOutput) {
        out.append(staticString: "{\n")
        for (key, value) in head(result) {
            JSONValue.writeKey(key, indent: 1, into: &out)
            value.write(into: &out, indent: 1)
            out.append(staticString: ",\n")
        }
        let findings = result.run.findings
        JSONValue.writeKey("findings", indent: 1, into: &out)
        JSONValue.writeArray(findings.count, indent: 1, into: &out) { index, out in
            var value = finding(findings[index])
            // The nightly form adds the store's note to each finding (NightlyNotes).
            if let note = result.nightlyNote(at: index), case .object(let keys) = value {
                value = .object(keys + nightlyKeys(note))
            }
            value.write(into: &out, indent: 2)
        }
        out.append(staticString: ",\n")
        let changes = result.diff.changes
        JSONValue.writeKey("changes", indent: 1, into: &out)
        JSONValue.writeArray(changes.count, indent: 1, into: &out) { index, out in
            change(changes[index], cost: result.costs.cost(of: changes[index].subscription)).write(into: &out, indent: 2)
        }
        out.append(staticString: ",\n")
        var tail: [(String, JSONValue)] = [
            ("generatedAt", .string(result.generatedAt)),
            ("failOn", .string(result.failOn.rawValue)),
            ("exportingPartners", .array(result.exportingPartners.sorted().map { .string($0.description) })),
        ]
        if let nightly = result.nightly { tail.append(("nightly", nightlyObject(nightly))) }
        for (index, (key, value)) in tail.enumerated() {
            JSONValue.writeKey(key, indent: 1, into: &out)
            value.write(into: &out, indent: 1)
            out.append(staticString: index == tail.count - 1 ? "\n" : ",\n")
        }
        out.append(staticString: "}\n")
    }

    /// The members before `findings`, in the schema's order.
    static func head(_ result: ReconcileResult) -> [(String, JSONValue)] {
        let counts = result.diff.counts
        return [
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
        ]
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
