import CoexistModel

/// Turns the record problems of both export sets into findings of one kind.
private func problemFindings(_ kind: RecordProblem.Kind, _ context: RuleContext, severity: Severity) -> [Finding] {
    func findings(_ snapshot: Snapshot, baselineSide: Bool) -> [Finding] {
        snapshot.problems.filter { $0.kind == kind }.map { problem in
            Finding(
                rule: kind.rawValue, severity: severity, tenant: problem.tenant, subscription: problem.subscription,
                message:
                    "\(baselineSide ? "baseline" : "current") \(problem.source.file):\(problem.source.line):\(problem.column): \(problem.message)",
                source: baselineSide ? nil : problem.source,
                baselineSource: baselineSide ? problem.source : nil)
        }
    }
    return findings(context.baseline, baselineSide: true) + findings(context.current, baselineSide: false)
}

private func withProblem(_ snapshot: Snapshot, _ problem: RecordProblem) -> Snapshot {
    var snapshot = snapshot
    snapshot.problems.append(problem)
    return snapshot
}

/// `duplicate-key`: the same subscription id twice in one view with different values.
public struct DuplicateKeyRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let clean = Scenario.snapshot(partner: [Scenario.subscription(1)])
        let duplicate = RecordProblem(
            kind: .duplicateKey, source: Provenance(file: "partner.csv", line: 9), column: 1,
            message: "subscription appears twice with different values", tenant: Scenario.tenant(1),
            subscription: Scenario.subscriptionID(1), keptSource: Provenance(file: "partner.csv", line: 2))
        return RuleDescription(
            id: RecordProblem.Kind.duplicateKey.rawValue, defaultSeverity: .error,
            summary: "The same subscription id appears twice in one view with different values.",
            rationale: """
                An export that lists one subscription twice with different values cannot prove anything about it. \
                The first record by file path and line is kept and compared; the other is reported here so \
                that the export can be fixed. Identical repeats (a file exported twice) are merged silently.
                """,
            triggering: [RuleExample("two records of one id disagree", Scenario(baseline: clean, current: withProblem(clean, duplicate)))],
            nonTriggering: [RuleExample("every id once", Scenario(baseline: clean, current: clean))])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        .evaluated(problemFindings(.duplicateKey, context, severity: description.defaultSeverity))
    }
}

/// `invalid-value`: a value in one record that does not parse; the record is skipped.
public struct InvalidValueRule: Rule {
    public init() {}

    // Built once per rule instance: evaluate() reads the id and severity in its hot loop.
    public let description: RuleDescription = {
        let clean = Scenario.snapshot(partner: [Scenario.subscription(1)])
        let invalid = RecordProblem(
            kind: .invalidValue, source: Provenance(file: "partner.csv", line: 4), column: 37,
            message: "invalid Quantity \"abc\"; expected a number such as 25", tenant: Scenario.tenant(1),
            subscription: Scenario.subscriptionID(2))
        return RuleDescription(
            id: RecordProblem.Kind.invalidValue.rawValue, defaultSeverity: .error,
            summary: "A record holds an unparseable GUID, number, date or enum; that record alone is skipped.",
            rationale: """
                A value coexist cannot read means the record cannot be compared. The record is skipped and \
                reported with its file, line and column; its subscription id is remembered so it is never \
                also reported missing or added, and every other record is still reconciled.
                """,
            triggering: [RuleExample("a quantity that is not a number", Scenario(baseline: clean, current: withProblem(clean, invalid)))],
            nonTriggering: [RuleExample("every value well-formed", Scenario(baseline: clean, current: clean))])
    }()

    public func evaluate(_ context: RuleContext) -> RuleOutcome {
        .evaluated(problemFindings(.invalidValue, context, severity: description.defaultSeverity))
    }
}
