import CoexistModel
import CoexistReports
import CoexistRules
import CoexistStore

/// `coexist preflight`'s two outputs: lines for people, one JSON document for machines.
enum PreflightOutput {
    static func text(_ report: PreflightReport, recording: BaselineRecording) -> [String] {
        let tenant = report.tenant
        let identity = [tenant.id.description, tenant.domain].compactMap { $0 }.joined(separator: ", ")
        var lines = [
            "coexist preflight: \(tenant.name ?? tenant.id.description) (\(identity)): "
                + (report.verdict == .ready ? "READY" : "NOT READY"),
            "  as of \(report.asOf?.calendarDay.description ?? "?"), exporting partner "
                + (report.exportingPartners.isEmpty
                    ? "unknown" : report.exportingPartners.sorted().map(\.description).joined(separator: ", ")),
            "",
            "  will be protected (\(report.protected.count)):",
        ]
        for record in report.protected { lines.append("    " + describe(record)) }
        if report.protected.isEmpty { lines.append("    nothing") }
        if !report.unprotected.isEmpty {
            lines.append("  not protected: the exporting partner's own CSP subscriptions (\(report.unprotected.count)):")
            for record in report.unprotected { lines.append("    " + describe(record)) }
        }
        let roles = report.allowedRoles.sorted().map(\.name).joined(separator: ", ")
        lines.append("  may send the reseller invitation (roles \(roles)):" + (report.inviters.isEmpty ? " nobody" : ""))
        for user in report.inviters {
            let name = user.displayName.map { " (\($0))" } ?? ""
            lines.append("    \(user.userPrincipalName)\(name): \(user.roles.sorted().map(\.name).joined(separator: ", "))")
        }
        lines.append("  problems:" + (report.problems.isEmpty ? " none" : ""))
        for problem in report.problems {
            let mark = problem.level == .blocker ? "✗ blocker" : "! warning"
            let source = problem.source.map { " (\($0.file):\($0.line))" } ?? ""
            lines.append("    \(mark) \(problem.code): \(problem.message)\(source)")
        }
        lines.append("")
        lines.append("  baseline   " + recordingText(recording))
        return lines
    }

    static func json(_ report: PreflightReport, recording: BaselineRecording) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        func subscriptions(_ records: [Subscription]) -> JSONValue {
            .array(
                records.map { record in
                    .object([
                        ("subscriptionId", .string(record.id.description)), ("offerName", text(record.offerName)),
                        ("channel", text(record.channel?.canonicalName)), ("quantity", text(record.quantity?.plainText)),
                        ("status", text(record.status?.canonicalName)),
                        ("advisors", record.carries(.advisors) ? .array(record.advisors.sorted().map { .string($0.description) }) : .null),
                        ("source", .object([("file", .string(record.source.file)), ("line", .number(String(record.source.line)))])),
                    ])
                })
        }
        var baseline: [(String, JSONValue)] = [("recorded", .bool(false))]
        switch recording {
        case .recorded(let value), .unchanged(let value):
            baseline = [
                ("recorded", .bool(true)), ("snapshot", .number(String(value.snapshotID))), ("asOf", .string(value.asOf.description)),
            ]
        case .kept(let value):
            baseline += [
                ("kept", .object([("snapshot", .number(String(value.snapshotID))), ("origin", .string(value.origin.rawValue))]))
            ]
        case .notRecorded: break
        }
        baseline.append(("message", .string(recordingText(recording))))
        return .object([
            (
                "tenant",
                .object([
                    ("id", .string(report.tenant.id.description)), ("name", text(report.tenant.name)),
                    ("domain", text(report.tenant.domain)),
                ])
            ),
            ("verdict", .string(report.verdict.rawValue)),
            ("asOf", text(report.asOf?.description)),
            ("exportingPartners", .array(report.exportingPartners.sorted().map { .string($0.description) })),
            ("protected", subscriptions(report.protected)),
            ("unprotected", subscriptions(report.unprotected)),
            ("allowedRoles", .array(report.allowedRoles.sorted().map { .string($0.name) })),
            (
                "inviters",
                .array(
                    report.inviters.map { user in
                        .object([
                            ("userPrincipalName", .string(user.userPrincipalName)), ("displayName", text(user.displayName)),
                            ("roles", .array(user.roles.sorted().map { .string($0.name) })),
                        ])
                    })
            ),
            (
                "problems",
                .array(
                    report.problems.map { problem in
                        .object([
                            ("level", .string(problem.level.rawValue)), ("code", .string(problem.code)),
                            ("message", .string(problem.message)),
                            (
                                "source",
                                problem.source.map { .object([("file", .string($0.file)), ("line", .number(String($0.line)))]) } ?? .null
                            ),
                        ])
                    })
            ),
            ("lateBaseline", text(report.lateBaseline?.message)),
            ("baseline", .object(baseline)),
        ])
    }

    private static func describe(_ record: Subscription) -> String {
        let name = record.offerName ?? record.offerId ?? "?"
        let advisors =
            record.carries(.advisors)
            ? (record.advisors.isEmpty ? "no advisor" : "advisors " + record.advisors.sorted().map(\.description).joined(separator: ";"))
            : "advisors unknown"
        return "\(name) [\(record.channel?.canonicalName ?? "?")] \(record.quantity?.plainText ?? "?") seats, "
            + "\(record.status?.canonicalName ?? "?"), \(advisors)  \(record.id)"
    }

    private static func recordingText(_ recording: BaselineRecording) -> String {
        switch recording {
        case .recorded(let value):
            "recorded: snapshot \(value.snapshotID) as of \(value.asOf.calendarDay) is this tenant's baseline from now on"
        case .unchanged(let value):
            "unchanged: snapshot \(value.snapshotID) as of \(value.asOf.calendarDay) already is this tenant's baseline"
        case .kept(let value):
            "kept: snapshot \(value.snapshotID) as of \(value.asOf.calendarDay) (\(value.origin.phrase)) stays the baseline; "
                + "`coexist baseline reset` replaces it"
        case .notRecorded:
            "not recorded: fix the blockers and run preflight again (or --force)"
        }
    }
}
