import CoexistModel

/// The check before a direct customer is onboarded: what the baseline will protect, who may send the
/// reseller invitation, and what in the exports would make later reconciliation unreliable.
public struct PreflightReport: Sendable {
    /// Whether the tenant may be onboarded with this baseline.
    public enum Verdict: String, Sendable {
        case ready
        case notReady = "not-ready"
    }

    /// A problem in the exports; a blocker makes the tenant not ready.
    public struct Problem: Sendable, Hashable {
        public enum Level: String, Sendable { case blocker, warning }
        public let level: Level
        /// A stable code, documented in the README (`no-partner-view`, `no-sku`, …).
        public let code: String
        public let message: String
        public let source: Provenance?
    }

    public let tenant: TenantInfo
    public let asOf: ISODate?
    public let exportingPartners: Set<PartnerID>
    /// The subscriptions the promises will protect, sorted by name and id.
    public let protected: [Subscription]
    /// The exporting partner's own CSP subscriptions: in the baseline but not protected.
    public let unprotected: [Subscription]
    /// Partner users with an allowed role, sorted by UPN.
    public let inviters: [PartnerUser]
    public let allowedRoles: Set<Role>
    public let problems: [Problem]
    public let lateBaseline: LateBaseline?

    public var verdict: Verdict { problems.contains { $0.level == .blocker } ? .notReady : .ready }
}

/// Builds a ``PreflightReport`` from one export set.
public enum Preflight {
    /// Checks `tenant` in `snapshot`; `exportingPartners` as for a reconcile (options, configuration, XML).
    public static func check(
        tenant id: TenantID, in snapshot: Snapshot, configuration: RuleConfiguration, exportingPartners: Set<PartnerID>
    ) -> PreflightReport {
        let info = snapshot.tenants[id] ?? TenantInfo(id: id)
        let merged = snapshot.mergedSubscriptions().values.filter { $0.tenant == id }.sorted { lhs, rhs in
            (lhs.offerName ?? lhs.offerId ?? "", lhs.id) < (rhs.offerName ?? rhs.offerId ?? "", rhs.id)
        }
        let protected = merged.filter { !$0.isResold(byAnyOf: exportingPartners) }
        let allowed = configuration.allowedInviterRoles
        // One entry per user: the same user may be listed by several files (CSV and XML), roles merged.
        var users: [String: PartnerUser] = [:]
        for user in snapshot.partnerUsers ?? [] {
            if var known = users[user.userPrincipalName] {
                known.roles.formUnion(user.roles)
                if known.displayName == nil { known.displayName = user.displayName }
                users[user.userPrincipalName] = known
            } else {
                users[user.userPrincipalName] = user
            }
        }
        let inviters = users.values.filter { !$0.roles.isDisjoint(with: allowed) }.sorted { $0.userPrincipalName < $1.userPrincipalName }
        var problems: [PreflightReport.Problem] = []
        func add(_ level: PreflightReport.Problem.Level, _ code: String, _ message: String, _ source: Provenance? = nil) {
            problems.append(PreflightReport.Problem(level: level, code: code, message: message, source: source))
        }

        let partnerView = snapshot.subscriptions(in: .partner).values.filter { $0.tenant == id }
        if !snapshot.hasView(.partner) {
            add(.blocker, "no-partner-view", "the export set has no partner subscriptions (Partner Center view): nothing can be protected")
        } else if partnerView.isEmpty {
            add(.blocker, "no-subscriptions", "the partner view holds no subscription of this tenant: nothing would be protected")
        }
        if !partnerView.isEmpty && !partnerView.contains(where: { $0.carries(.advisors) }) {
            add(
                .blocker, "no-advisor-column",
                "the partner view carries no advisors (AdvisorPartnerIds) for this tenant: advisor-changed could never fire",
                partnerView.map(\.source).min())
        }
        let withoutSKU = protected.filter { $0.sku == nil }
        if let first = withoutSKU.min(by: { $0.source < $1.source }) {
            add(
                .blocker, "no-sku",
                "\(withoutSKU.count) subscription(s) without SkuId: a SKU change would go unseen and license-mismatch is not evaluated",
                first.source)
        }
        for problem in snapshot.problems where problem.tenant == id {
            add(.blocker, problem.kind.rawValue, problem.message, problem.source)
        }
        if snapshot.relationships == nil {
            add(.blocker, "no-relationships", "the export set has no relationships: a new reseller relationship could not be told apart")
        }
        if snapshot.partnerUsers == nil {
            add(.blocker, "no-partner-users", "the export set has no partner users: nobody can be shown to be allowed to invite")
        } else if inviters.isEmpty {
            let roles = allowed.sorted().map(\.name).joined(separator: ", ")
            add(.blocker, "no-allowed-inviter", "no partner user holds an allowed role (\(roles)) to send the reseller invitation")
        }
        if !snapshot.hasView(.customer) {
            add(
                .warning, "no-customer-view",
                "the export set has no customer view (Billing > Subscriptions): csp-visible-to-customer and customer-subscription-unseen-by-partner will not be evaluated"
            )
        }
        if snapshot.licenses == nil {
            add(
                .warning, "no-licenses",
                "the export set has no customer licenses (Billing > Licenses): license-mismatch will not be evaluated")
        }
        if exportingPartners.isEmpty {
            add(
                .warning, "unknown-partner",
                "the exporting partner is unknown (--partner-id, configuration or XML partnerId): every subscription is protected, its own CSP ones too"
            )
        }
        for record in protected where record.status?.isHealthy == false {
            add(
                .warning, "not-healthy",
                "\(record.offerName ?? record.id.description) is \(record.status!) already: it is protected as it is",
                record.source)
        }
        let late = snapshot.asOf.flatMap { asOf in
            BaselineTiming.lateness(
                tenant: id, baselineAsOf: asOf, relationships: snapshot.relationships ?? [], exportingPartners: exportingPartners)
        }
        if let late { add(.warning, "late-baseline", late.message) }
        return PreflightReport(
            tenant: info, asOf: snapshot.asOf, exportingPartners: exportingPartners, protected: protected,
            unprotected: merged.filter { $0.isResold(byAnyOf: exportingPartners) }, inviters: inviters, allowedRoles: allowed,
            problems: problems, lateBaseline: late)
    }
}
