import CoexistModel

/// `expired-at-term-end`: a healthy pre-existing subscription stopped being healthy at or after its end date.
public struct ExpiredAtTermEndRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let ending = Scenario.subscription(1, end: "2026-11-01")
        return RuleDescription(
            id: "expired-at-term-end", defaultSeverity: .info,
            summary: "A pre-existing subscription that was healthy is no longer healthy, at or after its end date.",
            rationale: """
                A subscription whose term ran out is not a broken promise, but finance wants to see it: \
                the seats are gone. The end date is the current record's, else the baseline's; the current \
                as-of decides (dates compare as UTC calendar days).
                """,
            triggering: [
                RuleExample(
                    "expired after its end date",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [ending]),
                        current: Scenario.snapshot(partner: [ending.with { $0.status = .expired }]))),
                RuleExample(
                    "deleted on its end date",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [ending]),
                        current: Scenario.snapshot(partner: [ending.with { $0.status = .deleted }], asOf: "2026-11-01"))),
            ],
            nonTriggering: [
                RuleExample(
                    "suspended before its end date",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [ending]),
                        current: Scenario.snapshot(partner: [ending.with { $0.status = .suspended }], asOf: "2026-10-31"))),
                RuleExample(
                    "renewed and active",
                    Scenario(baseline: Scenario.snapshot(partner: [ending]), current: Scenario.snapshot(partner: [ending]))),
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard context.comparesStates else { return .notEvaluated(reason: RuleContext.nothingAuditedReason) }
        let findings = context.healthLosses().filter(\.atTermEnd).map { loss in
            Finding(
                rule: description.id, severity: description.defaultSeverity, tenant: loss.before.tenant, subscription: loss.before.id,
                message: "pre-existing subscription \(context.label(loss.before)) of \(context.tenantName(loss.before.tenant)) is "
                    + "\(loss.after.status?.canonicalName ?? "?") after its term ended on \(loss.endDate.map(\.description) ?? "?")",
                before: loss.before.status?.canonicalName, after: loss.after.status?.canonicalName,
                source: loss.after.source, baselineSource: loss.before.source)
        }
        return .evaluated(findings)
    }
}
