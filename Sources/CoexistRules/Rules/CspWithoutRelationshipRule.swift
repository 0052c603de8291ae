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
        // Read in place in tenant order, the inline channel and status first: copying each of a million
        // records to look at them cost a reference count on a record scattered over the heap.
        let records = context.currentOrder.records
        let sortedPartners = partners.sorted()
        var findings: [Finding] = []
        func isActiveCSP(_ position: Int) -> Bool {
            records[position].channel == .csp && records[position].status?.isInService == true
        }
        for position in records.indices {
            // The reseller is read from the values: asked for a few records ahead, for the records that will need it.
            let ahead = position + Subscription.prefetchDistance
            if ahead < records.count && isActiveCSP(ahead) {
                Subscription.prefetch(records[ahead].valuesAddress, from: Subscription.resellerStart, through: Subscription.resellerEnd)
            }
            guard isActiveCSP(position) else { continue }
            if !partners.isEmpty && !records[position].isResold(byAnyOf: partners) { continue }
            let tenant = records[position].tenant
            let reseller = records[position].effectiveReseller(exportingPartners: partners)
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
            let resellers = reseller.map { [$0] } ?? sortedPartners
            let record = records[position]
            let who = resellers.isEmpty ? "any reseller" : "reseller " + resellers.map(\.description).joined(separator: "/")
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
