import CoexistModel

/// The work the rule context runs beside the join.
private enum BesideJoin: Sendable {
    case grouped(InServiceSkus)
    case preexisting([Int])
}

/// Everything a rule reads: both export sets, the derived coexistence model, and the configuration.
public struct RuleContext: Sendable {
    public let baseline: Snapshot
    public let current: Snapshot
    public let configuration: RuleConfiguration
    /// The exporting partner's MPN ids (SPEC §4.1: one partner per run); empty when unknown.
    public let exportingPartners: Set<PartnerID>
    /// The as-of of the current export set (SPEC §3: option, else `exportedAt`, else the run day).
    public let currentAsOf: ISODate
    public let baselineAsOf: ISODate

    /// One record per subscription over every baseline view.
    public let baselineSubscriptions: [SubscriptionID: Subscription]
    /// One record per subscription over every current view.
    public let currentSubscriptions: [SubscriptionID: Subscription]
    /// Both sides matched by id and compared.
    public let join: SubscriptionJoin
    /// Both sides' subscriptions by tenant.
    public let baselineOrder: TenantOrder
    public let currentOrder: TenantOrder
    /// The current in-service subscriptions per tenant and SKU.
    let inServiceSkus: InServiceSkus
    /// The baseline subscriptions the promises protect (all but the exporting partner's own CSP ones):
    /// their indices in `join.pairs`, ascending.
    public let preexisting: [Int]

    public init(
        baseline: Snapshot, current: Snapshot, configuration: RuleConfiguration,
        exportingPartners: Set<PartnerID>, runDay: ISODate
    ) {
        self.baseline = baseline
        self.current = current
        self.configuration = configuration
        self.exportingPartners = exportingPartners
        self.currentAsOf = current.asOf ?? runDay
        self.baselineAsOf = baseline.asOf ?? runDay
        baselineSubscriptions = baseline.mergedSubscriptions()
        currentSubscriptions = current.mergedSubscriptions()
        // Both sides sorted by tenant on both cores, then matched by merging the two sorted runs in
        // pieces, the current side grouped by SKU beside them in the same pool.
        let orders = concurrentMap(2) { [currentSubscriptions, baselineSubscriptions] in
            TenantOrder($0 == 0 ? currentSubscriptions : baselineSubscriptions)
        }
        currentOrder = orders[0]
        baselineOrder = orders[1]
        // Beside the join's pieces: the SKU grouping, and the pre-existing subscriptions (they read
        // only the baseline's order, whose records are the join's pairs' in the same order). Left for
        // after the pool, the latter ran alone on one core (≈ 0.1 s at 1M).
        // The SKU grouping in four pieces of whole tenants, merged after the pool.
        let (grouping, partners) = (currentOrder, exportingPartners)
        let beside: [@Sendable () -> BesideJoin] =
            InServiceSkus.pieces(of: grouping, count: 4).map { piece -> @Sendable () -> BesideJoin in
                { .grouped(InServiceSkus(grouping, positions: piece, exportingPartners: partners)) }
            } + [{ [baselineOrder] in .preexisting(Self.preexisting(in: baselineOrder, exportingPartners: exportingPartners)) }]
        let (join, others) = SubscriptionJoin.make(baseline: baselineOrder, current: currentOrder, alongside: beside)
        self.join = join
        let grouped = others.dropLast().map { other -> InServiceSkus in
            guard case .grouped(let piece) = other else { preconditionFailure("the work beside the join came back out of order") }
            return piece
        }
        guard case .preexisting(let protected) = others.last else {
            preconditionFailure("the work beside the join came back out of order")
        }
        inServiceSkus = grouped.count == 1 ? grouped[0] : InServiceSkus(merging: grouped)
        preexisting = protected
    }

    /// The positions of the records the promises protect. Only a CSP subscription can be the exporting
    /// partner's own: the inline channel settles the rest, and a CSP record's reseller comes from the
    /// order's column (copying a record, or reading its values, cost a cache miss per record on
    /// records scattered over the heap).
    private static func preexisting(in order: TenantOrder, exportingPartners: Set<PartnerID>) -> [Int] {
        // Deciding as `protects` (`Subscription.isResold`) does: protected unless the exporting partner resells it.
        let records = order.records
        guard !exportingPartners.isEmpty else { return Array(records.indices) }
        return records.indices.filter { position in
            !Subscription.isResold(channel: records[position].channel, reseller: order.resellers[position], byAnyOf: exportingPartners)
        }
    }

    /// Whether the promises protect a baseline subscription: every one but the exporting partner's own CSP ones.
    static func protects(_ subscription: Subscription, exportingPartners: Set<PartnerID>) -> Bool {
        !subscription.isResold(byAnyOf: exportingPartners)
    }

    /// Both sets hold at least one subscription; otherwise the rules that compare states are not
    /// evaluated (an export that failed upstream must not read as "everything was removed").
    public var comparesStates: Bool {
        baseline.subscriptionRecordCount > 0 && current.subscriptionRecordCount > 0
    }

    /// The reason given by comparing rules when ``comparesStates`` is false.
    public static let nothingAuditedReason = "an export set holds no subscription (nothing audited)"

    /// A subscription id whose record was skipped as invalid on either side.
    public func isInvalid(_ id: SubscriptionID) -> Bool {
        baseline.invalidSubscriptionIDs.contains(id) || current.invalidSubscriptionIDs.contains(id)
    }

    /// The tenant's display name for messages, else its id.
    public func tenantName(_ id: TenantID) -> String {
        current.tenants[id]?.name ?? baseline.tenants[id]?.name ?? id.description
    }

    /// The pre-existing pairs whose records differ in any of `fields`, read from the dense comparison
    /// rather than from the records.
    public func preexistingPairs(changedIn fields: FieldSet) -> [SubscriptionJoin.Pair] {
        preexisting.compactMap { join.changes[$0].isDisjoint(with: fields) ? nil : join.pairs[$0] }
    }

    /// A short label of a subscription for messages: `Microsoft 365 E3 (Direct)`.
    public func label(_ subscription: Subscription) -> String {
        let name = subscription.offerName ?? subscription.offerId ?? subscription.id.description
        guard let channel = subscription.channel else { return "\"\(name)\"" }
        return "\"\(name)\" (\(channel))"
    }
}
