import CoexistModel

/// What users may change about the rules: severities, rules switched off, the allowed inviter roles
/// and the protected fields. Read from the configuration file by the command layer.
public struct RuleConfiguration: Sendable, Equatable {
    /// Severity per rule id, replacing the default.
    public var severities: [String: Severity] = [:]
    /// Rule ids switched off: neither evaluated nor listed as failing to be.
    public var disabled: Set<String> = []
    /// Roles that may send a reseller invitation (SPEC §1.4: AdminAgent and SalesAgent by default).
    public var allowedInviterRoles: Set<Role> = [.adminAgent, .salesAgent]
    /// Fields `preexisting-changed` protects.
    public var protectedFields: [SubscriptionField] = SubscriptionField.defaultProtected

    public init() {}

    /// The severity a rule's findings get.
    public func severity(of rule: RuleDescription) -> Severity {
        severities[rule.id] ?? rule.defaultSeverity
    }
}
