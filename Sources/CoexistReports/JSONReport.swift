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
            // The nightly form adds the store's note to each finding (NightlyNotes).
            writeFinding(findings[index], note: result.nightlyNote(at: index), indent: 2, into: &out)
        }
        out.append(staticString: ",\n")
        let changes = result.diff.changes
        JSONValue.writeKey("changes", indent: 1, into: &out)
        JSONValue.writeArray(changes.count, indent: 1, into: &out) { index, out in
            writeChange(changes[index], cost: result.costs.cost(of: changes[index].subscription), indent: 2, into: &out)
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

    // Findings and changes are written member by member, not made as `JSONValue`s first: a big run has
    // hundreds of thousands of them, and as values each cost a dozen allocations (member arrays,
    // boxed values, number texts) made and freed again (≈ 1.5% of a 1M run's CPU). The layout is
    // `JSONValue`'s; the tests compare the streamed document with one value of the whole.

    /// One finding at depth `indent`, with the nightly keys after its own when it has a note.
    static func writeFinding(_ finding: Finding, note: NightlyNotes.FindingNote?, indent: Int, into out: inout ReportOutput) {
        var object = JSONObjectWriter(indent: indent)
        object.member("rule", into: &out)
        out.appendJSONString(finding.rule)
        object.member("severity", into: &out)
        out.appendJSONString(finding.severity.rawValue)
        object.member("tenantId", into: &out)
        out.appendJSONText(finding.tenant?.description)
        object.member("subscriptionId", into: &out)
        out.appendJSONText(finding.subscription?.description)
        object.member("message", into: &out)
        out.appendJSONString(finding.message)
        object.member("before", into: &out)
        out.appendJSONText(finding.before)
        object.member("after", into: &out)
        out.appendJSONText(finding.after)
        object.member("source", into: &out)
        writeSource(finding.source, indent: indent + 1, into: &out)
        object.member("baselineSource", into: &out)
        writeSource(finding.baselineSource, indent: indent + 1, into: &out)
        object.member("skuId", into: &out)
        out.appendJSONText(finding.sku?.description)
        object.member("partnerId", into: &out)
        out.appendJSONText(finding.partner?.description)
        if let note {
            for (key, value) in nightlyKeys(note) {
                object.member(key, into: &out)
                value.write(into: &out, indent: indent + 1)
            }
        }
        object.end(into: &out)
    }

    /// One change at depth `indent`, with its cost.
    static func writeChange(_ change: SubscriptionChange, cost: ChangeCost?, indent: Int, into out: inout ReportOutput) {
        var object = JSONObjectWriter(indent: indent)
        object.member("tenantId", into: &out)
        out.appendJSONString(change.tenant.description)
        object.member("subscriptionId", into: &out)
        out.appendJSONString(change.subscription.description)
        object.member("kind", into: &out)
        out.appendJSONString(change.kind.rawValue)
        object.member("fields", into: &out)
        let fields = change.fields
        JSONValue.writeArray(fields.count, indent: indent + 1, into: &out) { index, out in
            var field = JSONObjectWriter(indent: indent + 2)
            field.member("field", into: &out)
            out.appendJSONString(fields[index].field.name)
            field.member("before", into: &out)
            out.appendJSONText(fields[index].before)
            field.member("after", into: &out)
            out.appendJSONText(fields[index].after)
            field.end(into: &out)
        }
        object.member("source", into: &out)
        writeSource(change.source, indent: indent + 1, into: &out)
        object.member("baselineSource", into: &out)
        writeSource(change.baselineSource, indent: indent + 1, into: &out)
        object.member("cost", into: &out)
        writeCost(cost, indent: indent + 1, into: &out)
        object.end(into: &out)
    }

    /// `{"file", "line"}` at depth `indent`, or null.
    static func writeSource(_ provenance: Provenance?, indent: Int, into out: inout ReportOutput) {
        guard let provenance else { return out.append(staticString: "null") }
        var object = JSONObjectWriter(indent: indent)
        object.member("file", into: &out)
        out.appendJSONString(provenance.file)
        object.member("line", into: &out)
        out.append(decimal: provenance.line)
        object.end(into: &out)
    }
}

/// An object written member by member, laid out as ``JSONValue/write(into:indent:)`` lays out an
/// `.object` at depth `indent`: each member's value follows ``member(_:into:)``, at depth `indent + 1`.
struct JSONObjectWriter {
    private let indent: Int
    private var isEmpty = true

    init(indent: Int) { self.indent = indent }

    /// Opens the object or ends the member before, then writes `"key": `.
    mutating func member(_ key: String, into out: inout ReportOutput) {
        out.append(staticString: isEmpty ? "{\n" : ",\n")
        isEmpty = false
        JSONValue.writeKey(key, indent: indent + 1, into: &out)
    }

    /// Closes the object (`{}` when it has no member).
    func end(into out: inout ReportOutput) {
        guard !isEmpty else { return out.append(staticString: "{}") }
        out.append(byte: UInt8(ascii: "\n"))
        out.append(spaces: 2 * indent)
        out.append(byte: UInt8(ascii: "}"))
    }
}

extension ReportOutput {
    /// A JSON string, or `null` for nil.
    mutating func appendJSONText(_ value: String?) {
        guard let value else { return append(staticString: "null") }
        appendJSONString(value)
    }
}
