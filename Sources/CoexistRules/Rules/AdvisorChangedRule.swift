import CoexistModel

/// `advisor-changed`: the advisors (partner id + kind) of a pre-existing subscription changed.
public struct AdvisorChangedRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let por = Advisor(partner: PartnerID(digits: "1234567"), kind: .por)
        let dpor = Advisor(partner: PartnerID(digits: "7654321"), kind: .dpor)
        let advised = Scenario.subscription(1, channel: .ea, advisors: [por, dpor])
        return RuleDescription(
            id: "advisor-changed", defaultSeverity: .error,
            summary: "The set of advisors (partner id + kind) of a pre-existing subscription changed.",
            rationale: """
                Microsoft promises that all subscription advisors — partners of record (POR) and the related \
                DPOR, CPOR and TPOR attributions — stay unchanged when a reseller relationship is accepted. An \
                advisor added, removed, or recorded under another kind breaks that. An empty advisor column is \
                a real value (the advisor was removed); a missing column is unknown.
                """,
            triggering: [
                RuleExample(
                    "partner of record removed",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [advised]),
                        current: Scenario.snapshot(partner: [advised.with { $0.advisors = [dpor] }]))),
                RuleExample(
                    "the exporting partner became partner of record",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [advised]),
                        current: Scenario.snapshot(partner: [
                            advised.with { $0.advisors = [dpor, Advisor(partner: Scenario.partner, kind: .por)] }
                        ]))),
            ],
            nonTriggering: [
                RuleExample(
                    "same advisors",
                    Scenario(baseline: Scenario.snapshot(partner: [advised]), current: Scenario.snapshot(partner: [advised]))),
                RuleExample(
                    "this record's file has no advisor column",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [advised, Scenario.subscription(2, advisors: [por])]),
                        current: Scenario.snapshot(partner: [
                            advised.with {
                                $0.carried = $0.carried.subtracting(FieldSet([.advisors])); $0.advisors = []
                            },
                            Scenario.subscription(2, advisors: [por]),
                        ]))),
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard context.comparesStates else { return .notEvaluated(reason: RuleContext.nothingAuditedReason) }
        let anyCarried =
            context.preexisting.contains { context.join.pairs[$0].before.carries(.advisors) }
            && context.currentSubscriptions.values.contains { $0.carries(.advisors) }
        guard anyCarried else { return .notEvaluated(reason: "no export set of both sides carries subscription advisors") }
        let findings = context.preexistingPairs(changedIn: FieldSet([.advisors])).compactMap { pair -> Finding? in
            guard let after = pair.after, case let before = pair.before else { return nil }
            let removed = before.advisors.subtracting(after.advisors).sorted().map(\.description)
            let added = after.advisors.subtracting(before.advisors).sorted().map(\.description)
            var parts: [String] = []
            if !removed.isEmpty { parts.append("removed \(removed.joined(separator: ", "))") }
            if !added.isEmpty { parts.append("added \(added.joined(separator: ", "))") }
            return Finding(
                rule: description.id, severity: description.defaultSeverity, tenant: before.tenant, subscription: before.id,
                message: "advisors of pre-existing subscription \(context.label(before)) of \(context.tenantName(before.tenant)) changed: "
                    + parts.joined(separator: "; "),
                before: before.text(of: .advisors) ?? "", after: after.text(of: .advisors) ?? "",
                source: after.source, baselineSource: before.source)
        }
        return .evaluated(findings)
    }
}
