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
    ///
    /// The order of the texts the reports show (a missing value first, ids as their normalized text,
    /// lines as numbers), compared field by field without building those texts: a large run sorts
    /// hundreds of thousands of findings.
    public static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if lhs.tenant != rhs.tenant { return precedes(lhs.tenant, rhs.tenant) }
        if lhs.subscription != rhs.subscription { return precedes(lhs.subscription, rhs.subscription) }
        if lhs.rule != rhs.rule { return lhs.rule < rhs.rule }
        if lhs.sku != rhs.sku { return precedes(lhs.sku, rhs.sku) }
        let leftPartner = lhs.partner?.digits ?? ""
        let rightPartner = rhs.partner?.digits ?? ""
        if leftPartner != rightPartner { return leftPartner < rightPartner }
        let leftFile = lhs.source?.file ?? ""
        let rightFile = rhs.source?.file ?? ""
        if leftFile != rightFile { return leftFile < rightFile }
        let leftLine = lhs.source?.line ?? 0
        let rightLine = rhs.source?.line ?? 0
        if leftLine != rightLine { return leftLine < rightLine }
        return lhs.message < rhs.message
    }

    /// Missing first, then in the values' order (for ids: the order of their normalized texts).
    private static func precedes<Value: Comparable>(_ lhs: Value?, _ rhs: Value?) -> Bool {
        switch (lhs, rhs) {
        case (nil, .some): true
        case let (left?, right?): left < right
        default: false
        }
    }
}
