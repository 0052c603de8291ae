import CoexistModel

/// How much a finding matters; `--fail-on` picks the lowest that fails a run.
public enum Severity: String, CaseIterable, Comparable, Sendable, Codable, CustomStringConvertible {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    public var description: String { rawValue }
}

/// One broken promise (or noteworthy fact) about one subject: a subscription, a relationship, or a
/// tenant and SKU. Findings are data, never errors.
public struct Finding: Hashable, Sendable {
    public var rule: String
    public var severity: Severity
    public var tenant: TenantID?
    public var subscription: SubscriptionID?
    public var sku: SkuID?
    /// For relationship findings: the partner of the relationship.
    public var partner: PartnerID?
    public var message: String
    public var before: String?
    public var after: String?
    /// The current side's evidence.
    public var source: Provenance?
    /// The baseline side's evidence.
    public var baselineSource: Provenance?

    public init(
        rule: String, severity: Severity, tenant: TenantID?, subscription: SubscriptionID? = nil, sku: SkuID? = nil,
        partner: PartnerID? = nil, message: String, before: String? = nil, after: String? = nil,
        source: Provenance? = nil, baselineSource: Provenance? = nil
    ) {
        self.rule = rule
        self.severity = severity
        self.tenant = tenant
        self.subscription = subscription
        self.sku = sku
        self.partner = partner
        self.message = message
        self.before = before
        self.after = after
        self.source = source
        self.baselineSource = baselineSource
    }

    /// The report order: tenant, subscription, rule, then SKU, partner and evidence so ties never depend on input order.
    public static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        func key(_ finding: Finding) -> [String] {
            [
                finding.tenant?.description ?? "", finding.subscription?.description ?? "", finding.rule,
                finding.sku?.description ?? "", finding.partner?.description ?? "",
                finding.source?.file ?? "",
                String(repeating: "0", count: max(0, 12 - String(finding.source?.line ?? 0).count))
                    + String(finding.source?.line ?? 0), finding.message,
            ]
        }
        return key(lhs).lexicographicallyPrecedes(key(rhs))
    }
}
