import CoexistModel

/// `preexisting-changed`: a protected field of a pre-existing subscription changed.
public struct PreexistingChangedRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let direct = Scenario.subscription(1)
        return RuleDescription(
            id: "preexisting-changed", defaultSeverity: .error,
            summary:
                "A protected field of a pre-existing subscription changed: channel, offer, SKU, billing cycle, start date, reseller of record.",
            rationale: """
                Previously acquired subscriptions stay unchanged. A change of a protected field (configurable, by \
                default channel, offer, SKU, billing cycle, start date and reseller of record) means the \
                subscription was moved, converted or re-bought. One finding per subscription lists every changed \
                field. A field that either side's source does not carry is unknown and never a change; quantity \
                and advisors have rules of their own.
                """,
            triggering: [
                RuleExample(
                    "moved from Direct to CSP",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]),
                        current: Scenario.snapshot(partner: [
                            direct.with {
                                $0.channel = .csp; $0.reseller = Scenario.partner
                            }
                        ]))),
                RuleExample(
                    "billing cycle changed",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]),
                        current: Scenario.snapshot(partner: [direct.with { $0.billingCycle = .monthly }]))),
            ],
            nonTriggering: [
                RuleExample(
                    "only the quantity changed",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]),
                        current: Scenario.snapshot(partner: [direct.with { $0.quantity = 30 }]))),
                RuleExample(
                    "the current export has no SKU column",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]),
                        current: Scenario.snapshot(partner: [
                            direct.with {
                                $0.carried = $0.carried.subtracting(FieldSet([.skuId])); $0.sku = nil
                            }
                        ]))),
                RuleExample(
                    "start date written with a time on the same day",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]),
                        current: Scenario.snapshot(partner: [direct.with { $0.startDate = ISODate(parsing: "2025-01-01T09:30:00Z") }]))),
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard context.comparesStates else { return .notEvaluated(reason: RuleContext.nothingAuditedReason) }
        let protected = context.configuration.protectedFields
        let findings = context.preexistingPairs(changedIn: FieldSet(protected)).compactMap { pair -> Finding? in
            guard let after = pair.after, case let before = pair.before else { return nil }
            let changed = protected.filter { before.differs(from: after, in: $0) }.sorted()
            guard !changed.isEmpty else { return nil }
            func describe(_ record: Subscription) -> String {
                changed.map { "\($0.name)=\(record.text(of: $0) ?? "")" }.joined(separator: "; ")
            }
            return Finding(
                rule: description.id, severity: description.defaultSeverity, tenant: before.tenant, subscription: before.id,
                message: "pre-existing subscription \(context.label(before)) of \(context.tenantName(before.tenant)) changed "
                    + changed.map(\.name).joined(separator: ", "),
                before: describe(before), after: describe(after), source: after.source, baselineSource: before.source)
        }
        return .evaluated(findings)
    }
}
