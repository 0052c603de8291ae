import ArgumentParser
import CoexistModel
import CoexistStore
import Foundation

/// `coexist explain`: a tenant or one subscription across snapshots and runs.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "The timeline of a tenant (or one subscription): each change with the snapshot it appeared in, and each finding's first run.",
        discussion: """
            Example:
              coexist explain --tenant muellersoehne.onmicrosoft.com
              coexist explain --tenant muellersoehne.onmicrosoft.com --subscription f6dfcac4-9b51-4ed9-8bcb-da262aadc98b
            """)

    @Option(name: .long, help: ArgumentHelp("The tenant: its id, domain or name.", valueName: "tenant"))
    var tenant: String

    @Option(name: .long, help: ArgumentHelp("One subscription of the tenant.", valueName: "id"))
    var subscription: String?

    @OptionGroup var store: StoreOption

    func validate() throws {
        if let subscription, SubscriptionID(parsing: subscription) == nil {
            throw ValidationError("--subscription \"\(subscription)\" is not a subscription id (a GUID)")
        }
    }

    func run() throws {
        let opened = try store.open(.read, logger: StderrLogHandler.logger(verbose: false, quiet: false))
        let timeline = try withStore {
            try opened.read { session in
                try session.timeline(
                    of: try session.resolveTenant(tenant), subscription: subscription.flatMap { SubscriptionID(parsing: $0) })
            }
        }
        for line in Explain.lines(timeline, subscription: subscription) { Terminal.out(line) }
    }

    static func lines(_ timeline: TenantTimeline, subscription: String?) -> [String] {
        let identity = [timeline.tenant.description, timeline.domain].compactMap { $0 }.joined(separator: ", ")
        var lines = ["\(timeline.name ?? timeline.tenant.description) (\(identity))" + (subscription.map { ", subscription \($0)" } ?? "")]
        lines.append("")
        lines.append("baseline")
        if timeline.baselines.isEmpty { lines.append("  none recorded") }
        for (index, baseline) in timeline.baselines.enumerated() {
            let current = index == timeline.baselines.count - 1 ? "in force: " : "earlier:  "
            let who = baseline.recordedBy.map { " by \($0)" } ?? ""
            lines.append(
                "  \(current)snapshot \(baseline.snapshotID) as of \(baseline.asOf.calendarDay), \(baseline.origin.phrase)\(who) "
                    + "on \(baseline.recordedAt)" + (baseline.note.map { " (\($0))" } ?? ""))
        }
        lines.append("")
        lines.append("timeline")
        for (index, entry) in timeline.entries.enumerated() {
            let label = entry.snapshot.label.map { " \"\($0)\"" } ?? ""
            let head = "  snapshot \(entry.snapshot.id) as of \(entry.snapshot.asOf.calendarDay)\(label)"
            if entry.changes.isEmpty {
                let state = entry.records == 0 ? "not present" : (index == 0 ? "first seen, \(entry.records) record(s)" : "no change")
                lines.append("\(head): \(state)")
            } else {
                lines.append("\(head):")
                for change in entry.changes {
                    let fields = change.fields.map { field in
                        switch change.kind {
                        case .added: "\(field.name) \(field.after ?? "∅")"
                        case .removed: "\(field.name) \(field.before ?? "∅")"
                        case .changed: "\(field.name) \(field.before ?? "∅") → \(field.after ?? "∅")"
                        }
                    }
                    lines.append("    \(change.kind.rawValue) \(change.subject): \(fields.joined(separator: ", "))")
                }
            }
        }
        if timeline.entries.isEmpty { lines.append("  no snapshot holds it") }
        lines.append("")
        lines.append("findings")
        if timeline.findings.isEmpty { lines.append("  none recorded by a nightly run") }
        for finding in timeline.findings {
            let mark = finding.severity == .error ? "✗" : (finding.severity == .warning ? "!" : "·")
            lines.append("  \(mark) \(finding.rule): \(finding.message)")
            let first = finding.firstRun.map { "first in run \($0.id) (\($0.finishedAt), as of \($0.currentAsOf.calendarDay))" } ?? ""
            let last = finding.current ? "still reported by the last run" : finding.lastRun.map { "last in run \($0.id)" } ?? ""
            lines.append("      \(first); \(last)")
            for acceptance in finding.acceptances {
                lines.append(
                    "      accepted by \(acceptance.acceptedBy) on \(acceptance.acceptedAt) (run \(acceptance.runID)): \"\(acceptance.reason)\""
                )
            }
        }
        return lines
    }
}
