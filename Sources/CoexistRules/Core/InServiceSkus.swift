import CoexistModel
import Foundation

/// The current in-service subscriptions of each tenant grouped by SKU: what `license-mismatch` (seats
/// per SKU) and `same-sku-multiple-channels` (sources per SKU) both count, gathered once per tenant
/// from its run in the tenant order rather than into a dictionary keyed by tenant and SKU.
struct InServiceSkus {
    /// One tenant's in-service subscriptions of one SKU.
    struct Group {
        let sku: SkuID
        /// Their quantities summed (unknown counts as 0).
        var seats: Decimal { seatSum.total }
        var seatSum = DecimalSum()
        /// The one with the first evidence (file, line): findings point at it.
        var first: Subscription
        /// Distinct sources (channel, and reseller for CSP), in order of appearance.
        var sources: [SkuSource] { [firstSource] + otherSources }
        // The first source inline and the rest in an array that stays empty (unallocated) for the
        // usual group of one source: an array per group was a heap allocation and a free for each of
        // half a million groups at 1M (measured: freeing them alone ≈ 2% of the run).
        let firstSource: SkuSource
        var otherSources: [SkuSource] = []

        mutating func note(_ source: SkuSource) {
            if source != firstSource && !otherSources.contains(source) { otherSources.append(source) }
        }
    }

    /// Per tenant with in-service subscriptions of known SKU, its groups, sorted by SKU.
    let groups: [TenantID: [Group]]
    /// Per tenant, its in-service subscriptions whose SKU is unknown.
    let unknownSku: [TenantID: [Subscription]]

    init(_ order: TenantOrder, exportingPartners: Set<PartnerID>) {
        self.init(order, positions: order.records.indices, exportingPartners: exportingPartners)
    }

    /// The groups of the pieces' tenants together (pieces of one order, as ``pieces(of:count:)`` cuts it).
    init(merging pieces: [InServiceSkus]) {
        var groups: [TenantID: [Group]] = [:]
        var unknown: [TenantID: [Subscription]] = [:]
        groups.reserveCapacity(pieces.reduce(0) { $0 + $1.groups.count })
        for piece in pieces {
            groups.merge(piece.groups) { first, _ in first }
            unknown.merge(piece.unknownSku) { first, _ in first }
        }
        self.groups = groups
        self.unknownSku = unknown
    }

    /// The order's records cut into `count` pieces of about the same size, each of whole tenants: to
    /// group on every core. Grouped in one piece, beside the join's sixteen, the grouping ran alone on
    /// one core for ≈ 0.4 s at 1M once the join no longer read the records (perf timeline).
    static func pieces(of order: TenantOrder, count: Int) -> [Range<Int>] {
        let records = order.records
        var bounds = [0]
        for piece in 1..<max(count, 1) {
            let target = records.count * piece / count
            guard target > bounds.last!, target < records.count else { continue }
            // To the end of the tenant the cut falls in.
            let end = order.ranges[records[target].tenant]?.upperBound ?? target
            if end > bounds.last! && end < records.count { bounds.append(end) }
        }
        bounds.append(records.count)
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }.filter { !$0.isEmpty }
    }

    /// The groups of the tenants whose runs lie in `positions`, which start and end at tenant boundaries.
    init(_ order: TenantOrder, positions: Range<Int>, exportingPartners: Set<PartnerID>) {
        var groups: [TenantID: [Group]] = [:]
        var unknown: [TenantID: [Subscription]] = [:]
        // Records are read in place (`records[position]`) and copied only into a group: copying each
        // to look at its status cost a reference count on a record scattered over the heap (measured:
        // most of this pass at 1M).
        let records = order.records
        groups.reserveCapacity(order.ranges.count * positions.count / max(records.count, 1))
        // One list of groups reused for every tenant, each tenant's copied out once, sorted: a list of
        // its own grew by reallocation, several allocations per tenant (measured at 1M: 2% of the run's
        // CPU in growing them, most of it the kernel zeroing fresh pages).
        var tenantGroups: [Group] = []
        // Tenant by tenant in the order's sequence (not its dictionary's), so that the values a few
        // records ahead can be asked for across tenants of a few dozen records each.
        var start = positions.lowerBound
        while start < positions.upperBound {
            let tenant = records[start].tenant
            // Non-nil: the order has a run for the tenant of each of its records.
            let range = order.ranges[tenant]!
            start = range.upperBound
            tenantGroups.removeAll(keepingCapacity: true)
            // A few dozen SKUs per tenant: a list searched linearly, with a dictionary beside it for a
            // tenant of thousands (so one huge tenant stays linear in its size).
            var index: [SkuID: Int]? = range.count > 64 ? [:] : nil
            for position in range {
                let ahead = position + Subscription.prefetchDistance
                if ahead < records.count && records[ahead].status?.isInService == true {
                    Subscription.prefetch(records[ahead].valuesAddress, through: Subscription.valuesEnd)
                }
                guard records[position].status?.isInService == true else { continue }
                guard let sku = records[position].sku else {
                    unknown[tenant, default: []].append(records[position])
                    continue
                }
                let source = SkuSource(of: records[position], exportingPartners: exportingPartners)
                let quantity = records[position].quantity ?? 0
                let at = index.map { $0[sku] } ?? tenantGroups.firstIndex { $0.sku == sku }
                guard let at else {
                    index?[sku] = tenantGroups.count
                    var group = Group(sku: sku, first: records[position], firstSource: source)
                    group.seatSum += quantity
                    tenantGroups.append(group)
                    continue
                }
                tenantGroups[at].seatSum += quantity
                if records[position].source < tenantGroups[at].first.source { tenantGroups[at].first = records[position] }
                tenantGroups[at].note(source)
            }
            if !tenantGroups.isEmpty { groups[tenant] = tenantGroups.sorted { $0.sku < $1.sku } }
        }
        self.groups = groups
        self.unknownSku = unknown
    }

    /// The tenant's group of one SKU, found by binary search in its sorted groups.
    func group(_ tenant: TenantID, _ sku: SkuID) -> Group? {
        guard let list = groups[tenant], let at = Self.position(of: sku, in: list) else { return nil }
        return list[at]
    }

    /// The position of the SKU's group in one tenant's sorted groups, for reading it in place.
    static func position(of sku: SkuID, in list: [Group]) -> Int? {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].sku < sku { low = middle + 1 } else { high = middle }
        }
        return low < list.count && list[low].sku == sku ? low : nil
    }
}

/// Where a subscription comes from, as `same-sku-multiple-channels` tells sources apart.
struct SkuSource: Hashable {
    let channel: Channel?
    /// For CSP only; nil when the reseller is unknown.
    let reseller: PartnerID?

    init(of subscription: Subscription, exportingPartners: Set<PartnerID>) {
        channel = subscription.channel
        reseller = channel == .csp ? subscription.effectiveReseller(exportingPartners: exportingPartners) : nil
    }

    var text: String {
        guard let channel else { return "unknown channel" }
        guard channel == .csp else { return channel.canonicalName }
        return "CSP via " + (reseller?.description ?? "an unknown reseller")
    }
}
