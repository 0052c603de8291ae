import CoexistModel

/// `invitation-unauthorized`: a new reseller relationship was requested by a user without an allowed role.
public struct InvitationUnauthorizedRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let users = [Scenario.user("alice@partner.example", .adminAgent), Scenario.user("hank@partner.example", .helpdeskAgent)]
        func scenario(_ relationship: Relationship, users: [PartnerUser]? = users) -> Scenario {
            Scenario(
                baseline: Scenario.snapshot(partner: [Scenario.subscription(1)], relationships: [], users: users),
                current: Scenario.snapshot(partner: [Scenario.subscription(1)], relationships: [relationship], users: users))
        }
        return RuleDescription(
            id: "invitation-unauthorized", defaultSeverity: .error,
            summary:
                "A new reseller relationship was requested by a partner user without an allowed role, or by a user not in partner-users.",
            rationale: """
                Only partner users with the AdminAgent or SalesAgent role can send a reseller invitation \
                (configurable: Microsoft's pages have named other sets). Every Reseller relationship of the \
                exporting partner absent from the baseline, whatever its state, is checked against the current \
                partner users (else the baseline's). An empty InvitedBy counts as an unknown user.
                """,
            triggering: [
                RuleExample("invited by a helpdesk agent", scenario(Scenario.relationship(invitedBy: "hank@partner.example"))),
                RuleExample("invited by someone not in partner-users", scenario(Scenario.relationship(invitedBy: "eve@elsewhere.example"))),
                RuleExample("inviter left empty", scenario(Scenario.relationship(invitedBy: ""))),
            ],
            nonTriggering: [
                RuleExample(
                    "invited by an admin agent (UPN in other case)", scenario(Scenario.relationship(invitedBy: "Alice@Partner.example"))),
                RuleExample(
                    "another partner's relationship",
                    scenario(Scenario.relationship(partner: Scenario.otherPartner, invitedBy: "eve@elsewhere.example"))),
                RuleExample(
                    "a delegated-admin relationship",
                    scenario(Scenario.relationship(type: .delegatedAdmin, invitedBy: "hank@partner.example"))),
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard let current = context.current.relationships else {
            return .notEvaluated(reason: "the current export set has no relationships")
        }
        guard let baseline = context.baseline.relationships else {
            return .notEvaluated(reason: "the baseline has no relationships, so new ones cannot be told apart")
        }
        guard let users = context.current.partnerUsers ?? context.baseline.partnerUsers else {
            return .notEvaluated(reason: "neither export set has partner users")
        }
        let known = Set(baseline.map(\.key))
        let byUPN = Dictionary(users.map { ($0.userPrincipalName, $0) }, uniquingKeysWith: { first, _ in first })
        let allowed = context.configuration.allowedInviterRoles
        var seen = Set<RelationshipKey>()
        let findings = current.sorted { $0.source < $1.source }.compactMap { relationship -> Finding? in
            guard relationship.type == .reseller, !known.contains(relationship.key), seen.insert(relationship.key).inserted else {
                return nil
            }
            if !context.exportingPartners.isEmpty {
                guard let partner = relationship.partner, context.exportingPartners.contains(partner) else { return nil }
            }
            guard let inviter = relationship.invitedBy else { return nil }  // the source carries no InvitedBy
            let user = byUPN[inviter.trimmingWhitespace().lowercased()]
            if let user, !user.roles.isDisjoint(with: allowed) { return nil }
            let why: String
            if inviter.isEmpty {
                why = "no inviting user is recorded"
            } else if let user {
                why =
                    "\(inviter) has roles \(user.roles.sorted().map(\.name).joined(separator: ", ")), none of \(allowed.sorted().map(\.name).joined(separator: ", "))"
            } else {
                why = "\(inviter) is not a partner user"
            }
            return Finding(
                rule: description.id, severity: description.defaultSeverity, tenant: relationship.tenant, partner: relationship.partner,
                message:
                    "new reseller relationship of partner \(relationship.partner?.description ?? "?") with \(context.tenantName(relationship.tenant)) "
                    + "(\(relationship.state)) was requested without an allowed role: \(why)",
                before: nil, after: inviter.isEmpty ? nil : inviter, source: relationship.source)
        }
        return .evaluated(findings)
    }
}
