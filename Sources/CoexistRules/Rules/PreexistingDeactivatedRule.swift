import CoexistModel

/// `preexisting-deactivated`: a healthy pre-existing subscription stopped being healthy before its end date.
public struct PreexistingDeactivatedRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let active = Scenario.subscription(1, end: "2027-06-30")
        return RuleDescription(
            id: "preexisting-deactivated", defaultSeverity: .error,
            summary: "A pre-existing subscription that was healthy is no longer healthy, before its end date.",
            rationale: """
                Microsoft promises that previously acquired subscriptions stay active. A subscription that was \
                active in the baseline and is now suspended, disabled, deleted, expired or in its grace period \
                while the current as-of is still before its end date (or it has none) was stopped early. At or \
                after the end date the same change is `expired-at-term-end` instead.
                """,
            triggering: [
                RuleExample(
                    "suspended mid-term",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [active]),
                        current: Scenario.snapshot(partner: [active.with { $0.status = .suspended }]))),
                RuleExample(
                    "disabled, no end date",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [active.with { $0.endDate = nil }]),
                        current: Scenario.snapshot(partner: [
                            active.with {
                                $0.endDate = nil; $0.status = .disabled
                            }
                        ]))),
            ],
            nonTriggering: [
                RuleExample(
                    "still active", Scenario(baseline: Scenario.snapshot(partner: [active]), current: Scenario.snapshot(partner: [active]))),
                RuleExample(
                    "expired at its end date",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [active.with { $0.endDate = ISODate(parsing: "2026-11-01") }]),
                        current: Scenario.snapshot(partner: [
                            active.with {
                                $0.endDate = ISODate(parsing: "2026-11-01"); $0.status = .expired
                            }
                        ]))),
                RuleExample(
                    "was already suspended in the baseline",
                    Scenario(
                        baseline: Scenario.snapshot(partner: [active.with { $0.status = .suspended }]),
                        current: Scenario.snapshot(partner: [active.with { $0.status = .suspended }]))),
            ])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        guard context.comparesStates else { return .notEvaluated(reason: RuleContext.nothingAuditedReason) }
        let findings = context.healthLosses().filter { !$0.atTermEnd }.map { loss in
            Finding(
                rule: description.id, severity: description.defaultSeverity, tenant: loss.before.tenant, subscription: loss.before.id,
                message: "pre-existing subscription \(context.label(loss.before)) of \(context.tenantName(loss.before.tenant)) went from "
                    + "\(loss.before.status?.canonicalName ?? "?") to \(loss.after.status?.canonicalName ?? "?") as of \(context.currentAsOf)"
                    + (loss.endDate.map { ", before its end date \($0)" } ?? ", and it has no end date"),
                before: loss.before.status?.canonicalName, after: loss.after.status?.canonicalName,
                source: loss.after.source, baselineSource: loss.before.source)
        }
        return .evaluated(findings)
    }
}
