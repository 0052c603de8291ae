import CoexistDiff
import CoexistModel
import CoexistRules

/// The verdict of a run (SPEC §5 `status`).
public enum ReportStatus: String, Sendable {
    case clean
    case findings
    case incomplete
    case nothingAudited = "nothing-audited"
}

/// Which export set an input belongs to.
public enum Side: String, Sendable, Comparable {
    case baseline, current
    public static func < (lhs: Side, rhs: Side) -> Bool { lhs == .baseline && rhs == .current }
}

/// Everything one reconcile produced: the single source every renderer reads.
public struct ReconcileResult: Sendable {
    public let toolVersion: String
    /// When the run happened (ISO 8601, UTC): the one volatile value of the reports.
    public let generatedAt: String
    public let baselineAsOf: ISODate
    public let currentAsOf: ISODate
    public let inputs: [(side: Side, file: InputFile)]
    public let tenants: [TenantID: TenantInfo]
    public let exportingPartners: Set<PartnerID>
    public let run: RuleRun
    public let diff: SnapshotDiff
    /// Both sides' subscriptions and relationships per tenant, for the per-tenant parts of the reports.
    public let model: ReconciledModel
    /// The monthly cost effect of every change and the totals per currency.
    public let costs: CostReport
    public let failOn: Severity
    /// Decided at init; a nightly run decides it again once accepted findings are known (``annotate(_:)``).
    public internal(set) var status: ReportStatus
    /// The store's notes, in a nightly run.
    public internal(set) var nightly: NightlyNotes?
    /// Counted once: every report asks, some several times, and a pass over the findings by element
    /// (`reduce`, `filter`) copies each one, a dozen references, where an index reads its severity in place.
    private let findingsPerSeverity: [Severity: Int]
    /// How many findings each rule has (by rule id), counted in the same pass: the page and the
    /// summary both list it.
    public let findingsPerRule: [String: Int]

    public init(
        toolVersion: String, generatedAt: String, baselineAsOf: ISODate, currentAsOf: ISODate,
        inputs: [(side: Side, file: InputFile)], tenants: [TenantID: TenantInfo], exportingPartners: Set<PartnerID>,
        run: RuleRun, diff: SnapshotDiff, model: ReconciledModel = ReconciledModel(), costs: CostReport = CostReport(),
        failOn: Severity, nothingAudited: Bool
    ) {
        self.toolVersion = toolVersion
        self.generatedAt = generatedAt
        self.baselineAsOf = baselineAsOf
        self.currentAsOf = currentAsOf
        self.inputs = inputs.sorted { lhs, rhs in
            (lhs.side, lhs.file.file, lhs.file.kind.rawValue) < (rhs.side, rhs.file.file, rhs.file.kind.rawValue)
        }
        self.tenants = tenants
        self.exportingPartners = exportingPartners
        self.run = run
        self.diff = diff
        self.model = model
        self.costs = costs
        self.failOn = failOn
        var perSeverity: [Severity: Int] = [:]
        var perRule: [String: Int] = [:]
        for index in run.findings.indices {
            perSeverity[run.findings[index].severity, default: 0] += 1
            perRule[run.findings[index].rule, default: 0] += 1
        }
        findingsPerSeverity = perSeverity
        findingsPerRule = perRule
        if nothingAudited {
            status = .nothingAudited
        } else if run.findings.contains(where: { $0.severity >= failOn }) {
            status = .findings
        } else if run.evaluations.contains(where: { !$0.evaluated && $0.severity == .error }) {
            status = .incomplete
        } else {
            status = .clean
        }
    }

    /// Finding counts by severity.
    public func count(_ severity: Severity) -> Int { findingsPerSeverity[severity, default: 0] }

    /// Every tenant the run saw, sorted by id.
    public var tenantIDs: [TenantID] { Set(tenants.keys).union(model.subscriptionsByTenant.keys).sorted() }

    /// The tenant's name for people, else its id.
    public func name(of tenant: TenantID?) -> String {
        guard let tenant else { return "" }
        return tenants[tenant]?.name ?? tenant.description
    }

    /// The rules that could not be evaluated.
    public var notEvaluated: [RuleEvaluation] { run.evaluations.filter { !$0.evaluated } }
}
