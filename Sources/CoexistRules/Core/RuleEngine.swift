import CoexistModel

/// Whether a rule ran in this run, and with which severity.
public struct RuleEvaluation: Hashable, Sendable {
    public let id: String
    public let severity: Severity
    public let evaluated: Bool
    /// Why it was not evaluated, when it was not.
    public let reason: String?
    /// Tenants the rule could not be evaluated for (tenant → why), when it ran for the others.
    public var notEvaluatedTenants: [TenantID: String] = [:]
}

/// The findings and rule evaluations of one run.
public struct RuleRun: Sendable {
    /// Sorted in report order (SPEC §5).
    public let findings: [Finding]
    /// One per enabled rule, in the engine's order.
    public let evaluations: [RuleEvaluation]
    /// The wall time each rule took (rule id → duration), for `--verbose`; the work beside the rules as "diff".
    public var durations: [(id: String, duration: Duration)] = []

    public init(findings: [Finding], evaluations: [RuleEvaluation]) {
        self.findings = findings
        self.evaluations = evaluations
    }
}

/// Runs the rules in order and applies the configuration.
public struct RuleEngine: Sendable {
    /// Every rule, in the order reports list them: input problems first (they qualify everything
    /// after), then the protection promises of §1.2–1.3, then the visibility promises of §1.5–1.6,
    /// then the bookkeeping checks, and the informational ones last.
    public static let allRules: [any Rule] = [
        DuplicateKeyRule(), InvalidValueRule(),
        PreexistingMissingRule(), PreexistingDeactivatedRule(), PreexistingChangedRule(), AdvisorChangedRule(),
        DirectNotReadOnlyRule(), InvitationUnauthorizedRule(), CspWithoutRelationshipRule(),
        CspVisibleToCustomerRule(), CustomerSubscriptionUnseenByPartnerRule(),
        LicenseMismatchRule(), SameSkuMultipleChannelsRule(),
        QuantityChangedRule(), ExpiredAtTermEndRule(), SubscriptionAddedRule(),
    ]

    /// The rule with this id.
    public static func rule(id: String) -> (any Rule)? { allRules.first { $0.description.id == id } }

    public let configuration: RuleConfiguration

    public init(configuration: RuleConfiguration = RuleConfiguration()) {
        self.configuration = configuration
    }

    /// Runs every enabled rule over the context.
    public func run(_ context: RuleContext) -> RuleRun {
        run(context, alongside: [(name: String, work: @Sendable () -> Int)]()).run
    }

    /// Runs every enabled rule over the context, and `others` as more pieces of work on the same cores
    /// at the same time (the diff and the model of a reconcile): one pool of work keeps both cores busy
    /// to the end. Their results come back in their order; their durations are listed under their names.
    public func run<Other: Sendable>(_ context: RuleContext, alongside others: [(name: String, work: @Sendable () -> Other)])
        -> (run: RuleRun, others: [Other])
    {
        let rules = RuleEngine.allRules.filter { !configuration.disabled.contains($0.description.id) }
        // The rules only read the context: they run side by side, their outcomes taken in rule order.
        // The other work goes first, as the longest pieces.
        let clock = ContinuousClock()
        let done = concurrentMap(others.count + rules.count) { index in
            let started = clock.now
            let work =
                index < others.count
                ? EngineWork<Other>.other(others[index].work()) : EngineWork<Other>.rule(rules[index - others.count].evaluate(context))
            return (work, clock.now - started)
        }
        var outcomes: [RuleOutcome] = []
        var results: [Other] = []
        var durations: [(id: String, duration: Duration)] = []
        for (index, (work, duration)) in done.enumerated() {
            switch work {
            case .rule(let outcome):
                outcomes.append(outcome)
                durations.append((rules[index - others.count].description.id, duration))
            case .other(let value):
                results.append(value)
                durations.append((others[index].name, duration))
            }
        }
        var run = evaluate(rules, outcomes)
        run.durations = durations
        return (run, results)
    }

    private func evaluate(_ rules: [any Rule], _ outcomes: [RuleOutcome]) -> RuleRun {
        // Each finding copied once (a dozen references), its severity set in place and the whole sorted in
        // place: a copy per step (map, append, sorted) was three, on a run with tens of thousands of findings.
        var findings: [Finding] = []
        var evaluations: [RuleEvaluation] = []
        func take(_ found: [Finding], severity: Severity) {
            let start = findings.count
            findings.append(contentsOf: found)
            for index in start..<findings.count where findings[index].severity != severity { findings[index].severity = severity }
        }
        for (rule, outcome) in zip(rules, outcomes) {
            let severity = configuration.severity(of: rule.description)
            switch outcome {
            case .evaluated(let found):
                evaluations.append(RuleEvaluation(id: rule.description.id, severity: severity, evaluated: true, reason: nil))
                take(found, severity: severity)
            case .notEvaluated(let reason):
                evaluations.append(RuleEvaluation(id: rule.description.id, severity: severity, evaluated: false, reason: reason))
            case .partiallyEvaluated(let found, let tenants):
                var evaluation = RuleEvaluation(id: rule.description.id, severity: severity, evaluated: true, reason: nil)
                evaluation.notEvaluatedTenants = tenants
                evaluations.append(evaluation)
                take(found, severity: severity)
            }
        }
        Self.sortInReportOrder(&findings)
        return RuleRun(findings: findings, evaluations: evaluations)
    }

    /// Sorts findings as `sort(by: Finding.reportOrder)` does, by sorting their positions and then
    /// moving each finding once to its place. Sorting the findings themselves copied each one at every
    /// merge step of the sort (a dozen references each, on a hundred thousand findings), on one core
    /// while the other waited for the rules phase to end. The same sort over the same comparisons
    /// gives the same order, ties included.
    static func sortInReportOrder(_ findings: inout [Finding]) {
        var order = Array(findings.indices)
        findings.withUnsafeBufferPointer { sorted in
            order.sort { Finding.reportOrder(sorted[$0], sorted[$1]) }
        }
        // Position k takes the finding at order[k]: each cycle of the permutation is followed from
        // its first position, whose finding waits aside until the cycle closes. Moves, not copies.
        var placed = [Bool](repeating: false, count: order.count)
        findings.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for start in order.indices where !placed[start] {
                let waiting = (base + start).move()
                var position = start
                while true {
                    placed[position] = true
                    let source = order[position]
                    if source == start {
                        (base + position).initialize(to: waiting)
                        break
                    }
                    (base + position).moveInitialize(from: base + source, count: 1)
                    position = source
                }
            }
        }
    }

    /// Runs one rule over an example scenario (tests and `coexist rules --examples`).
    public static func findings(of rule: any Rule, in scenario: Scenario, configuration: RuleConfiguration = RuleConfiguration())
        -> RuleOutcome
    {
        let context = RuleContext(
            baseline: scenario.baseline, current: scenario.current, configuration: configuration,
            exportingPartners: scenario.exportingPartners, runDay: ISODate(day: 20_000))
        return rule.evaluate(context)
    }
}

/// One piece of the engine's pool of work: a rule's outcome, or the work run beside the rules.
private enum EngineWork<Other: Sendable>: Sendable {
    case rule(RuleOutcome)
    case other(Other)
}
