import CoexistModel

/// `customer-subscription-unseen-by-partner`: a subscription in the customer view is absent from the partner view.
public struct CustomerSubscriptionUnseenByPartnerRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let direct = Scenario.subscription(1)
        let customerOnly = Scenario.subscription(2, view: .customer)
        let baseline = Scenario.snapshot(partner: [direct], customer: [Scenario.subscription(1, view: .customer)])
        return RuleDescription(
            id: "customer-subscription-unseen-by-partner", defaultSeverity: .warning,
            summary: "A subscription in the customer view is absent from the partner view.",
            rationale: """
                The CSP partner sees all of the tenant's subscriptions. One that the customer's Billing > \
                Subscriptions (or the tenant's own directory list) shows but the partner's export lacks is \
                hidden from the partner, or the partner's export is incomplete. Needs both views of the \
                current export set.
                """,
            triggering: [
                RuleExample(
                    "the customer has a subscription the partner does not see",
                    Scenario(
                        baseline: baseline,
                        current: Scenario.snapshot(partner: [direct], customer: [Scenario.subscription(1, view: .customer), customerOnly])))
            ],
            nonTriggering: [
                RuleExample(
                    "both views agree",
                    Scenario(
                        baseline: baseline,
                        current: Scenario.snapshot(partner: [direct], customer: [Scenario.subscription(1, view: .customer)])))
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard context.current.hasView(.partner) else { return .notEvaluated(reason: "the current export set has no partner view") }
        guard context.current.hasView(.customer) || context.current.hasView(.tenant) else {
            return .notEvaluated(reason: "the current export set has no customer view")
        }
        let partnerView = context.current.subscriptions(in: .partner)
        var reported = Set<SubscriptionID>()
        var findings: [Finding] = []
        for view in [SubscriptionView.customer, .tenant] {
            for row in context.current.subscriptions(in: view).values.sorted(by: { $0.source < $1.source }) {
                guard partnerView[row.id] == nil, !context.isInvalid(row.id), reported.insert(row.id).inserted else { continue }
                let where_ = view == .customer ? "the customer's Billing > Subscriptions" : "the tenant's directory subscriptions"
                findings.append(
                    Finding(
                        rule: description.id, severity: description.defaultSeverity, tenant: row.tenant, subscription: row.id,
                        message:
                            "subscription \(context.label(row)) of \(context.tenantName(row.tenant)) is in \(where_) but not in the partner view",
                        before: nil, after: nil, source: row.source))
            }
        }
        return .evaluated(findings)
    }
}
