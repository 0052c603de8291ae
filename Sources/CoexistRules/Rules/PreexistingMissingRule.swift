import CoexistModel

/// `preexisting-missing`: a pre-existing subscription is absent from the current partner view.
public struct PreexistingMissingRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let direct = Scenario.subscription(1)
        let ownCSP = Scenario.subscription(2, channel: .csp, reseller: Scenario.partner)
        return RuleDescription(
            id: "preexisting-missing", defaultSeverity: .error,
            summary: "A pre-existing subscription is absent from the current partner view.",
            rationale: """
                Accepting a reseller relationship changes none of the previously acquired subscriptions, and the \
                CSP partner sees all of the tenant's subscriptions. A subscription of the baseline (any channel, \
                another partner's CSP ones included) that the partner can no longer see has either been removed \
                or is hidden: both break the promise. The exporting partner's own CSP subscriptions are not \
                protected. Needs the current partner view.
                """,
            triggering: [
                RuleExample(
                    "a direct subscription disappears",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]), current: Scenario.snapshot(partner: [Scenario.subscription(3)]))),
                RuleExample(
                    "another partner's CSP subscription disappears",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [Scenario.subscription(4, channel: .csp, reseller: Scenario.otherPartner)]),
                        current: Scenario.snapshot(partner: [direct]))),
            ],
            nonTriggering: [
                RuleExample(
                    "the subscription is still there",
                    Scenario(baseline: Scenario.snapshot(partner: [direct]), current: Scenario.snapshot(partner: [direct]))),
                RuleExample(
                    "the partner's own CSP subscription ends",
                    Scenario(baseline: Scenario.snapshot(partner: [direct, ownCSP]), current: Scenario.snapshot(partner: [direct]))),
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard context.comparesStates else { return .notEvaluated(reason: RuleContext.nothingAuditedReason) }
        guard context.current.hasView(.partner) else { return .notEvaluated(reason: "the current export set has no partner view") }
        let partnerView = context.current.subscriptions(in: .partner)
        // With the partner view the only current view, the pairs without a current record are exactly
        // the absent ones: no lookup per pre-existing subscription.
        let pairs = context.join.pairs
        let candidates =
            context.current.views.count == 1
            ? context.join.removed.filter { RuleContext.protects(pairs[$0].before, exportingPartners: context.exportingPartners) }
            : context.preexisting
        let findings = candidates.compactMap { index -> Finding? in
            let before = pairs[index].before
            guard partnerView[before.id] == nil, !context.isInvalid(before.id) else { return nil }
            return Finding(
                rule: description.id, severity: description.defaultSeverity, tenant: before.tenant, subscription: before.id,
                message:
                    "pre-existing subscription \(context.label(before)) of \(context.tenantName(before.tenant)) is absent from the current partner view",
                before: before.status?.canonicalName, after: nil, baselineSource: before.source)
        }
        return .evaluated(findings)
    }
}
