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
        // One pass, one small group per tenant and SKU: its sources and its first record by evidence.
        var groups: [TenantSku: Group] = [:]
        for subscription in context.currentSubscriptions.values {
            guard subscription.status?.isInService == true, let sku = subscription.sku else { continue }
            let source = Source(of: subscription, context)
            groups[TenantSku(tenant: subscription.tenant, sku: sku), default: Group(first: subscription, source: source)].add(
                subscription, source)
        }
        let findings = groups.values.compactMap { group -> Finding? in
            guard !group.otherSources.isEmpty else { return nil }
            let first = group.first
            let list = group.sources.map(\.text).sorted().joined(separator: ", ")
            return Finding(
                rule: description.id, severity: description.defaultSeverity, tenant: first.tenant, sku: first.sku,
                message:
                    "\(context.tenantName(first.tenant)) holds active subscriptions of \"\(first.offerName ?? first.sku!.description)\" from \(group.sources.count) sources: \(list)",
                before: nil, after: list, source: first.source)
        }
        // A tenant with an in-service subscription of unknown SKU may hold a double purchase no one can see.
        let unknown = Dictionary(
            grouping: context.currentSubscriptions.values.filter { $0.status?.isInService == true && $0.sku == nil }, by: \.tenant)
        guard !unknown.isEmpty else { return .evaluated(findings) }
        return .partiallyEvaluated(
            findings, notEvaluated: unknown.mapValues { LicenseMismatchRule.unknownSkuReason($0, context) })
    }
}

/// A tenant's SKU: the group of subscriptions one double purchase is about.
private struct TenantSku: Hashable {
    let tenant: TenantID
    let sku: SkuID
}

/// Where a subscription comes from: a channel, or within CSP a reseller.
private struct Source: Hashable {
    let channel: Channel?
    /// For CSP only; nil when the reseller is unknown.
    let reseller: PartnerID?

    init(of subscription: Subscription, _ context: RuleContext) {
        channel = subscription.channel
        reseller = channel == .csp ? subscription.effectiveReseller(exportingPartners: context.exportingPartners) : nil
    }

    var text: String {
        guard let channel else { return "unknown channel" }
        guard channel == .csp else { return channel.canonicalName }
        return "CSP via " + (reseller?.description ?? "an unknown reseller")
    }
}

/// The in-service subscriptions of one tenant and SKU, as far as the rule needs them.
private struct Group {
    /// The record with the first evidence (file, line): the finding points at it.
    var first: Subscription
    /// The source seen first, and any other distinct ones in order of appearance: nearly every group
    /// has one source, which needs no list.
    var firstSource: Source
    var otherSources: [Source] = []

    init(first: Subscription, source: Source) {
        self.first = first
        self.firstSource = source
    }

    var sources: [Source] { [firstSource] + otherSources }

    mutating func add(_ subscription: Subscription, _ source: Source) {
        if subscription.source < first.source { first = subscription }
        if source != firstSource && !otherSources.contains(source) { otherSources.append(source) }
    }
}
