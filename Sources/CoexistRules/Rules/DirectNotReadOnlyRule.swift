import CoexistModel

/// `direct-not-read-only`: in the partner view, a subscription the partner does not resell is writable.
public struct DirectNotReadOnlyRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let direct = Scenario.subscription(1, readOnly: true)
        let ownCSP = Scenario.subscription(2, channel: .csp, reseller: Scenario.partner, readOnly: false)
        return RuleDescription(
            id: "direct-not-read-only", defaultSeverity: .error,
            summary: "In the partner view, a subscription the partner does not resell is not read-only.",
            rationale: """
                The CSP partner sees all of the tenant's subscriptions, but those it does not resell (bought \
                directly, through EA or Open, or through another CSP partner) are read-only for it. A writable \
                one means the partner could change what it must not. Reads the current partner view's ReadOnly \
                column; when the exporting partner is unknown only non-CSP subscriptions are checked.
                """,
            triggering: [
                RuleExample(
                    "a direct subscription is writable",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]),
                        current: Scenario.snapshot(partner: [direct.with { $0.readOnly = false }]))),
                RuleExample(
                    "another partner's CSP subscription is writable",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [direct]),
                        current: Scenario.snapshot(partner: [
                            direct, Scenario.subscription(3, channel: .csp, reseller: Scenario.otherPartner, readOnly: false),
                        ]))),
            ],
            nonTriggering: [
                RuleExample(
                    "direct read-only, own CSP writable",
                    Scenario(baseline: Scenario.snapshot(partner: [direct]), current: Scenario.snapshot(partner: [direct, ownCSP])))
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard context.current.hasView(.partner) else { return .notEvaluated(reason: "the current export set has no partner view") }
        let partnerView = context.current.subscriptions(in: .partner).values
        guard partnerView.contains(where: { $0.carries(.readOnly) }) else {
            return .notEvaluated(reason: "the current partner view has no ReadOnly column")
        }
        let known = !context.exportingPartners.isEmpty
        let findings = partnerView.compactMap { record -> Finding? in
            guard record.carries(.readOnly), record.readOnly == false else { return nil }
            if record.channel == .csp && (!known || record.isResold(byAnyOf: context.exportingPartners)) { return nil }
            let reseller = record.reseller.map { " resold by \($0)" } ?? ""
            return Finding(
                rule: description.id, severity: description.defaultSeverity, tenant: record.tenant, subscription: record.id,
                message:
                    "\(context.label(record))\(reseller) of \(context.tenantName(record.tenant)) is not read-only for the partner, which does not resell it",
                before: nil, after: "readOnly=false", source: record.source)
        }
        return .evaluated(findings)
    }
}
