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
        let baselineIDs = context.baseline.allSubscriptionIDs
        var reported = Set<SubscriptionID>()
        var findings: [Finding] = []
        for view in SubscriptionView.allCases.sorted() where context.baseline.hasView(view) {
            for record in context.current.subscriptions(in: view).values {
                guard !baselineIDs.contains(record.id), !context.isInvalid(record.id), reported.insert(record.id).inserted else { continue }
                let merged = context.currentSubscriptions[record.id] ?? record
                findings.append(
                    Finding(
                        rule: description.id, severity: description.defaultSeverity, tenant: record.tenant, subscription: record.id,
                        message:
                            "new subscription \(context.label(merged)) of \(context.tenantName(record.tenant)) with quantity \(merged.text(of: .quantity) ?? "?")",
                        before: nil, after: merged.status?.canonicalName, source: record.source))
            }
        }
        return .evaluated(findings)
    }
}
