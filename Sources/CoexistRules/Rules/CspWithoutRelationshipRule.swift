import CoexistModel

/// `csp-without-relationship`: an active CSP subscription whose reseller has no active reseller relationship.
public struct CspWithoutRelationshipRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let csp = Scenario.subscription(1, channel: .csp, reseller: Scenario.partner)
        func scenario(_ relationships: [Relationship], subscription: Subscription = csp) -> Scenario {
            Scenario(
                baseline: Scenario.snapshot(partner: [Scenario.subscription(2)], relationships: []),
                current: Scenario.snapshot(partner: [Scenario.subscription(2), subscription], relationships: relationships))
        }
        return RuleDescription(
            id: "csp-without-relationship", defaultSeverity: .error,
            summary: "A tenant holds an active CSP subscription whose reseller has no active reseller relationship to it.",
            rationale: """
                A CSP partner can only sell to a tenant that accepted its reseller relationship. An active CSP \
                subscription (the exporting partner's, when known; its reseller is ResellerPartnerId, else the \
                exporting partner) without an Active Reseller relationship of that partner in the current \
                relationships means the relationship was terminated, is still pending, or was never there.
                """,
            triggering: [
                RuleExample("no relationship at all", scenario([])),
                RuleExample("relationship still pending", scenario([Scenario.relationship(state: .pending)])),
                RuleExample(
                    "reseller left empty, exporting partner's relationship terminated",
                    scenario([Scenario.relationship(state: .terminated)], subscription: csp.with { $0.reseller = nil })),
            ],
            nonTriggering: [
                RuleExample("active reseller relationship", scenario([Scenario.relationship()])),
                RuleExample("the CSP subscription is suspended", scenario([], subscription: csp.with { $0.status = .suspended })),
                RuleExample(
                    "another partner's CSP subscription", scenario([], subscription: csp.with { $0.reseller = Scenario.otherPartner })),
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard let relationships = context.current.relationships else {
            return .notEvaluated(reason: "the current export set has no relationships")
        }
        let active = Set(
            relationships.filter { $0.type == .reseller && $0.state == .active }.map {
                RelationshipKey(tenant: $0.tenant, partner: $0.partner, type: .reseller)
            })
        let activeTenants = Set(active.map(\.tenant))
        let partners = context.exportingPartners
        // Read in place in tenant order, the inline channel and status first, the reseller from the
        // order's column: reading it from each record's values was a page walk and a cache miss per
        // active CSP subscription (perf at 1M: most of this rule, even with a look-ahead).
        let records = context.currentOrder.records
        let resellers = context.currentOrder.resellers
        let sortedPartners = partners.sorted()
        var findings: [Finding] = []
        for position in records.indices {
            guard records[position].channel == .csp && records[position].status?.isInService == true else { continue }
            if !partners.isEmpty && !Subscription.isResold(channel: .csp, reseller: resellers[position], byAnyOf: partners) { continue }
            let tenant = records[position].tenant
            let reseller = Subscription.effectiveReseller(channel: .csp, reseller: resellers[position], exportingPartners: partners)
            let related: Bool
            if let reseller {
                related = active.contains(RelationshipKey(tenant: tenant, partner: reseller, type: .reseller))
            } else if sortedPartners.isEmpty {
                related = activeTenants.contains(tenant)
            } else {
                related = sortedPartners.contains { active.contains(RelationshipKey(tenant: tenant, partner: $0, type: .reseller)) }
            }
            guard !related else { continue }
            // Only for a finding: a list per record checked was an allocation per active CSP subscription.
            let named = reseller.map { [$0] } ?? sortedPartners
            let record = records[position]
            let who = named.isEmpty ? "any reseller" : "reseller " + named.map(\.description).joined(separator: "/")
            findings.append(
                Finding(
                    rule: description.id, severity: description.defaultSeverity, tenant: record.tenant, subscription: record.id,
                    message:
                        "active CSP subscription \(context.label(record)) of \(context.tenantName(record.tenant)) has no active reseller relationship with \(who)",
                    before: nil, after: record.status?.canonicalName, source: record.source))
        }
        return .evaluated(findings)
    }
}
