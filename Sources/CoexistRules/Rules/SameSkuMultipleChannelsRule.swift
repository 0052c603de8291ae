import CoexistModel

/// `same-sku-multiple-channels`: one tenant holds active subscriptions of one SKU from more than one source.
public struct SameSkuMultipleChannelsRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let direct = Scenario.subscription(1, sku: 7)
        let ours = Scenario.subscription(2, channel: .csp, sku: 7, reseller: Scenario.partner)
        let theirs = Scenario.subscription(3, channel: .csp, sku: 7, reseller: Scenario.otherPartner)
        let baseline = Scenario.snapshot(partner: [direct])
        return RuleDescription(
            id: "same-sku-multiple-channels", defaultSeverity: .warning,
            summary: "One tenant holds active subscriptions of the same SKU from more than one source (double billing risk).",
            rationale: """
                Coexistence allows buying the same product through several channels, but a tenant paying for \
                one SKU directly and through CSP, or through two CSP resellers, is often paying twice for one \
                need. A source is a channel, or within CSP a reseller. Only in-service subscriptions count.
                """,
            triggering: [
                RuleExample("Direct and CSP", Scenario(baseline: baseline, current: Scenario.snapshot(partner: [direct, ours]))),
                RuleExample("two CSP resellers", Scenario(baseline: baseline, current: Scenario.snapshot(partner: [ours, theirs]))),
            ],
            nonTriggering: [
                RuleExample(
                    "two direct subscriptions of one SKU",
                    Scenario(baseline: baseline, current: Scenario.snapshot(partner: [direct, Scenario.subscription(4, sku: 7)]))),
                RuleExample(
                    "the direct one was cancelled",
                    Scenario(baseline: baseline, current: Scenario.snapshot(partner: [direct.with { $0.status = .deleted }, ours]))),
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard context.currentSubscriptions.values.contains(where: { $0.carries(.skuId) }) else {
            return .notEvaluated(reason: "no current subscription carries a SKU")
        }
        let grouped = context.inServiceSkus
        let findings = grouped.groups.flatMap { tenant, groups in
            groups.compactMap { group -> Finding? in
                guard !group.otherSources.isEmpty else { return nil }
                let first = group.first
                let list = group.sources.map(\.text).sorted().joined(separator: ", ")
                return Finding(
                    rule: description.id, severity: description.defaultSeverity, tenant: tenant, sku: group.sku,
                    message:
                        "\(context.tenantName(tenant)) holds active subscriptions of \"\(first.offerName ?? group.sku.description)\" from \(group.sources.count) sources: \(list)",
                    before: nil, after: list, source: first.source)
            }
        }
        // A tenant with an in-service subscription of unknown SKU may hold a double purchase no one can see.
        guard !grouped.unknownSku.isEmpty else { return .evaluated(findings) }
        return .partiallyEvaluated(
            findings, notEvaluated: grouped.unknownSku.mapValues { LicenseMismatchRule.unknownSkuReason($0, context) })
    }
}
