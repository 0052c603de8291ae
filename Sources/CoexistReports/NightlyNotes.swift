import CoexistModel
import CoexistRules

/// What the store adds to a nightly run's reports: the baselines used, what is new since the last
/// run, which findings finance accepted, whether the inputs are the same as before.
public struct NightlyNotes: Sendable {
    /// What the store remembers of one finding.
    public struct FindingNote: Sendable, Hashable {
        public var newSinceLastRun: Bool
        /// The first run that reported it; nil when this run is the first.
        public var firstSeenRun: Int64?
        /// Who accepted it, when the acceptance still holds (its values are unchanged).
        public var accepted: Acceptance?
        /// An acceptance exists but the values changed since: the finding counts again.
        public var acceptanceExpired: Bool

        public init(newSinceLastRun: Bool, firstSeenRun: Int64?, accepted: Acceptance?, acceptanceExpired: Bool) {
            self.newSinceLastRun = newSinceLastRun
            self.firstSeenRun = firstSeenRun
            self.accepted = accepted
            self.acceptanceExpired = acceptanceExpired
        }
    }

    /// An acceptance as reports show it.
    public struct Acceptance: Sendable, Hashable {
        public var by: String
        public var at: String
        public var reason: String

        public init(by: String, at: String, reason: String) {
            self.by = by
            self.at = at
            self.reason = reason
        }
    }

    /// The baseline a tenant was compared with.
    public struct BaselineNote: Sendable, Hashable {
        public var tenant: TenantID
        public var snapshot: Int64
        public var asOf: ISODate
        /// `import`, `first-seen`, `preflight` or `reset`.
        public var origin: String
        /// Recorded by this run: the tenant was seen for the first time.
        public var recordedThisRun: Bool
        public var late: LateBaseline?

        public init(tenant: TenantID, snapshot: Int64, asOf: ISODate, origin: String, recordedThisRun: Bool, late: LateBaseline?) {
            self.tenant = tenant
            self.snapshot = snapshot
            self.asOf = asOf
            self.origin = origin
            self.recordedThisRun = recordedThisRun
            self.late = late
        }
    }

    public var store: String
    /// The number this run has in `coexist history`.
    public var run: Int64
    public var previousRun: Int64?
    /// The current inputs have the same content as this earlier run's.
    public var inputsUnchangedSinceRun: Int64?
    public var baselines: [BaselineNote]
    /// One per finding, in the order of `run.findings`.
    public var findings: [FindingNote]

    public init(
        store: String, run: Int64, previousRun: Int64?, inputsUnchangedSinceRun: Int64?, baselines: [BaselineNote],
        findings: [FindingNote]
    ) {
        self.store = store
        self.run = run
        self.previousRun = previousRun
        self.inputsUnchangedSinceRun = inputsUnchangedSinceRun
        self.baselines = baselines
        self.findings = findings
    }

    public var newCount: Int { findings.filter(\.newSinceLastRun).count }
    public var acceptedCount: Int { findings.filter { $0.accepted != nil }.count }
    public var expiredCount: Int { findings.filter(\.acceptanceExpired).count }
}

extension ReconcileResult {
    /// Adds the store's notes; accepted findings no longer fail the run, so the status is decided again.
    public mutating func annotate(_ notes: NightlyNotes) {
        nightly = notes
        guard status != .nothingAudited else { return }
        let failing = zip(run.findings, notes.findings).contains { finding, note in finding.severity >= failOn && note.accepted == nil }
        if failing {
            status = .findings
        } else if run.evaluations.contains(where: { !$0.evaluated && $0.severity == .error }) {
            status = .incomplete
        } else {
            status = .clean
        }
    }

    /// The store's note on the finding at `index` of `run.findings`, in a nightly run.
    public func nightlyNote(at index: Int) -> NightlyNotes.FindingNote? {
        guard let nightly, index < nightly.findings.count else { return nil }
        return nightly.findings[index]
    }
}

extension JSONReport {
    /// The nightly keys of report.json (extra keys, as SPEC §5 allows): on each finding
    /// `newSinceLastRun`, `firstSeenRun`, `accepted` and `acceptanceExpired`, after its own keys.
    static func nightlyKeys(_ note: NightlyNotes.FindingNote) -> [(String, JSONValue)] {
        [
            ("newSinceLastRun", .bool(note.newSinceLastRun)),
            ("firstSeenRun", note.firstSeenRun.map { .int(Int($0)) } ?? .null),
            (
                "accepted",
                note.accepted.map { .object([("by", .string($0.by)), ("at", .string($0.at)), ("reason", .string($0.reason))]) }
                    ?? .null
            ),
            ("acceptanceExpired", .bool(note.acceptanceExpired)),
        ]
    }

    /// The top-level `nightly` object of report.json, its last key.
    static func nightlyObject(_ nightly: NightlyNotes) -> JSONValue {
        let baselines = nightly.baselines.map { note -> JSONValue in
            .object([
                ("tenantId", .string(note.tenant.description)), ("snapshot", .int(Int(note.snapshot))),
                ("asOf", .string(note.asOf.calendarDay.description)), ("origin", .string(note.origin)),
                ("recordedThisRun", .bool(note.recordedThisRun)),
                ("lateBaseline", note.late.map { .string($0.message) } ?? .null),
            ])
        }
        return .object([
            ("store", .string(nightly.store)), ("run", .int(Int(nightly.run))),
            ("previousRun", nightly.previousRun.map { .int(Int($0)) } ?? .null),
            ("inputsUnchangedSinceRun", nightly.inputsUnchangedSinceRun.map { .int(Int($0)) } ?? .null),
            ("newSinceLastRun", .int(nightly.newCount)), ("accepted", .int(nightly.acceptedCount)),
            ("acceptanceExpired", .int(nightly.expiredCount)), ("baselines", .array(baselines)),
        ])
    }
}

extension MarkdownSummary {
    /// The nightly section of summary.md: baselines recorded or late, inputs unchanged, new and accepted findings.
    static func nightlySection(_ result: ReconcileResult) -> String {
        guard let nightly = result.nightly else { return "" }
        var out = "\n## Nightly run \(nightly.run)\n\n"
        if let since = nightly.inputsUnchangedSinceRun {
            out += "- **Inputs unchanged since run \(since)**: the exports have the same content as then.\n"
        }
        out +=
            "- Compared with: " + (nightly.previousRun.map { "run \($0) for what is new" } ?? "no earlier run (everything is new)") + "\n"
        out += "- New since last run: \(nightly.newCount); accepted: \(nightly.acceptedCount)"
        out += nightly.expiredCount > 0 ? "; acceptances expired (values changed): \(nightly.expiredCount)\n" : "\n"
        let recorded = nightly.baselines.filter(\.recordedThisRun)
        if !recorded.isEmpty {
            out += "- Baseline recorded this run (tenant seen for the first time, nothing to compare yet): "
            out += recorded.map { cell(result.name(of: $0.tenant)) }.joined(separator: ", ") + "\n"
        }
        for note in nightly.baselines {
            if let late = note.late { out += "- \(cell(result.name(of: note.tenant))): \(cell(late.message))\n" }
        }
        let rows = result.run.findings.enumerated().compactMap { index, finding -> String? in
            guard let note = result.nightlyNote(at: index), note.newSinceLastRun || note.accepted != nil || note.acceptanceExpired
            else { return nil }
            let mark =
                note.accepted.map { "accepted by \(cell($0.by)) (\(cell($0.reason)))" }
                ?? (note.acceptanceExpired ? "acceptance expired: values changed" : "new since last run")
            return
                "| \(mark) | \(finding.severity) | `\(finding.rule)` | \(cell(result.name(of: finding.tenant))) | \(cell(finding.message)) |"
        }
        if !rows.isEmpty {
            out += "\n| since last run | severity | rule | tenant | finding |\n|---|---|---|---|---|\n"
            out += rows.joined(separator: "\n") + "\n"
        }
        return out
    }
}
