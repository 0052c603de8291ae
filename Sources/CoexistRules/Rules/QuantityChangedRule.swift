import CoexistModel

/// `quantity-changed`: the quantity of a pre-existing subscription changed.
public struct QuantityChangedRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let direct = Scenario.subscription(1, quantity: 25)
        return RuleDescription(
            id: "quantity-changed", defaultSeverity: .info,
            summary: "The quantity of a pre-existing subscription changed.",
            rationale: """
                Customers may add or remove seats on their own subscriptions, so this is no broken promise; \
                finance wants to see it because it changes what the tenant pays. Numbers compare by value: \
                25, 25.0 and Excel's '25 are equal.
                """,
            triggering: [
                RuleExample(
                    "seats added",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]),
                        current: Scenario.snapshot(partner: [direct.with { $0.quantity = 30 }]))),
                RuleExample(
                    "seats removed",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]),
                        current: Scenario.snapshot(partner: [direct.with { $0.quantity = 5 }]))),
            ],
            nonTriggering: [
                RuleExample(
                    "same quantity written as 25.0",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]),
                        current: Scenario.snapshot(partner: [direct.with { $0.quantity = parseCanonicalDecimal("25.0") }])))
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard context.comparesStates else { return .notEvaluated(reason: RuleContext.nothingAuditedReason) }
        let findings = context.preexistingPairs(changedIn: FieldSet([.quantity])).compactMap { pair -> Finding? in
            guard let after = pair.after, case let before = pair.before else { return nil }
            let from = before.text(of: .quantity) ?? ""
            let to = after.text(of: .quantity) ?? ""
            return Finding(
                rule: description.id, severity: description.defaultSeverity, tenant: before.tenant, subscription: before.id,
                message: "quantity of \(context.label(before)) of \(context.tenantName(before.tenant)) changed from \(from) to \(to)",
                before: from, after: to, source: after.source, baselineSource: before.source)
        }
        return .evaluated(findings)
    }
}
