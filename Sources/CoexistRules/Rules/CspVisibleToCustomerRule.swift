import CoexistModel

/// `csp-visible-to-customer`: a CSP subscription appears in the customer's Billing > Subscriptions.
public struct CspVisibleToCustomerRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let csp = Scenario.subscription(1, channel: .csp, reseller: Scenario.partner)
        let direct = Scenario.subscription(2)
        func customerRow(_ record: Subscription, channel: Bool) -> Subscription {
            var row = Subscription(id: record.id, tenant: record.tenant, view: .customer, source: Provenance(file: "customer.csv", line: 2))
            row.carried = FieldSet(channel ? [.quantity, .status, .channel] : [.quantity, .status])
            row.quantity = record.quantity
            row.status = record.status
            if channel { row.channel = record.channel }
            return row
        }
        let baseline = Scenario.snapshot(partner: [direct], customer: [customerRow(direct, channel: false)])
        return RuleDescription(
            id: "csp-visible-to-customer", defaultSeverity: .warning,
            summary: "A CSP subscription appears in the customer's Billing > Subscriptions export.",
            rationale: """
                The customer does not see CSP-bought subscriptions in the Microsoft 365 admin center under \
                Billing > Subscriptions, only their licenses. A CSP subscription in that export (CSP by the \
                row's own Channel, or by the partner view's record of the same id) means the export or the \
                tenant is not what Microsoft describes. The tenant's directory list (Graph) is not that view \
                and never feeds this rule.
                """,
            triggering: [
                RuleExample(
                    "the partner's CSP subscription listed by the customer",
                    Scenario(
                        baseline: baseline,
                        current: Scenario.snapshot(
                            partner: [direct, csp], customer: [customerRow(direct, channel: false), customerRow(csp, channel: false)]))),
                RuleExample(
                    "a row that says CSP itself",
                    Scenario(
                        baseline: baseline,
                        current: Scenario.snapshot(
                            partner: [direct], customer: [customerRow(direct, channel: false), customerRow(csp, channel: true)]))),
            ],
            nonTriggering: [
                RuleExample(
                    "only the direct subscription listed",
                    Scenario(
                        baseline: baseline,
                        current: Scenario.snapshot(partner: [direct, csp], customer: [customerRow(direct, channel: false)])))
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard context.current.hasView(.customer) else { return .notEvaluated(reason: "the current export set has no customer view") }
        let partnerView = context.current.subscriptions(in: .partner)
        let findings = context.current.subscriptions(in: .customer).values.compactMap { row -> Finding? in
            let channel = row.carries(.channel) && row.channel != nil ? row.channel : partnerView[row.id]?.channel
            guard channel == .csp else { return nil }
            let evidence = partnerView[row.id] ?? row
            return Finding(
                rule: description.id, severity: description.defaultSeverity, tenant: row.tenant, subscription: row.id,
                message:
                    "CSP subscription \(context.label(evidence)) of \(context.tenantName(row.tenant)) appears in the customer's Billing > Subscriptions",
                before: nil, after: nil, source: row.source)
        }
        return .evaluated(findings)
    }
}
