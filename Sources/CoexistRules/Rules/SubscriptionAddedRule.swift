import CoexistModel

/// `subscription-added`: a subscription appeared since the baseline.
public struct SubscriptionAddedRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let direct = Scenario.subscription(1)
        let csp = Scenario.subscription(2, channel: .csp, reseller: Scenario.partner)
        return RuleDescription(
            id: "subscription-added", defaultSeverity: .info,
            summary: "A subscription appeared since the baseline in a view that the baseline also has.",
            rationale: """
                A new CSP purchase is the expected outcome of the relationship, and a new direct purchase is \
                allowed (coexistence), so this is information for finance. A subscription counts as added when \
                it is absent from every view of the baseline and present in a current view the baseline also \
                has — a view the baseline lacks proves nothing about what is new.
                """,
            triggering: [
                RuleExample(
                    "a new CSP purchase",
                    Scenario(baseline: Scenario.snapshot(partner: [direct]), current: Scenario.snapshot(partner: [direct, csp])))
            ],
            nonTriggering: [
                RuleExample(
                    "nothing new", Scenario(baseline: Scenario.snapshot(partner: [direct]), current: Scenario.snapshot(partner: [direct]))),
                RuleExample(
                    "only in a view the baseline lacks",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]),
                        current: Scenario.snapshot(partner: [direct], customer: [Scenario.subscription(3, view: .customer)]))),
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard context.comparesStates else { return .notEvaluated(reason: RuleContext.nothingAuditedReason) }
        // The subscriptions the baseline lacks, each reported at the first view (in view order) of the
        // current set that lists it, among the views the baseline has.
        let views = SubscriptionView.allCases.sorted().filter { context.baseline.hasView($0) }.map { context.current.subscriptions(in: $0) }
        var findings: [Finding] = []
        for merged in context.join.added where !context.isInvalid(merged.id) {
            guard let record = views.lazy.compactMap({ $0[merged.id] }).first else { continue }
            findings.append(
                Finding(
                    rule: description.id, severity: description.defaultSeverity, tenant: record.tenant, subscription: record.id,
                    message:
                        "new subscription \(context.label(merged)) of \(context.tenantName(record.tenant)) with quantity \(merged.text(of: .quantity) ?? "?")",
                    before: nil, after: merged.status?.canonicalName, source: record.source))
        }
        return .evaluated(findings)
    }
}
