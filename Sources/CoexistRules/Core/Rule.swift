import CoexistModel

/// A rule of SPEC §4: it describes itself, and its examples are its tests and its documentation.
public protocol Rule: Sendable {
    /// Id, default severity, description and examples.
    var description: RuleDescription { get }
    /// Runs the rule over both export sets. Findings carry the rule's default severity; the engine
    /// applies the configuration afterwards.
    func evaluate(_ context: RuleContext) -> RuleOutcome
}

/// What a rule is, in words and examples.
public struct RuleDescription: Sendable {
    /// The stable id used in reports and configuration.
    public let id: String
    public let defaultSeverity: Severity
    /// One line, for `coexist rules` and tables.
    public let summary: String
    /// One paragraph: what the rule checks and why Microsoft's promise implies it.
    public let rationale: String
    /// Scenarios in which the rule must report a finding.
    public let triggering: [RuleExample]
    /// Scenarios in which it must not.
    public let nonTriggering: [RuleExample]
}

/// A small baseline/current pair that shows a rule at work.
public struct RuleExample: Sendable {
    public let title: String
    public let scenario: Scenario

    public init(_ title: String, _ scenario: Scenario) {
        self.title = title
        self.scenario = scenario
    }
}

/// The result of one rule over one run.
public enum RuleOutcome: Sendable {
    case evaluated([Finding])
    /// The inputs the rule reads are absent; never reported as passed.
    case notEvaluated(reason: String)
    /// Evaluated, except for the tenants listed (tenant → why): their inputs are incomplete, e.g. an
    /// active subscription whose SKU no source or catalogue resolves (SPEC §2.3).
    case partiallyEvaluated([Finding], notEvaluated: [TenantID: String])
}
