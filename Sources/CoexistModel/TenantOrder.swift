/// One export set's merged subscriptions sorted by tenant and id, each tenant a contiguous run.
///
/// The rules that reason per tenant (seats per SKU, sources per SKU) and the per-tenant model walk a
/// million subscriptions; grouping them through a dictionary keyed by tenant and SKU cost a hash and a
/// scattered insert per record. Sorted once, each tenant is a short slice to group locally.
public struct TenantOrder: Sendable {
    /// Sorted by tenant, then subscription id.
    public let records: [Subscription]
    /// Each tenant's run in ``records``.
    public let ranges: [TenantID: Range<Int>]

    public init(_ subscriptions: [SubscriptionID: Subscription]) {
        // Sorting moves the records and compares inline ids: no record's shared values are touched.
        let records = subscriptions.values.sorted { ($0.tenant, $0.id) < ($1.tenant, $1.id) }
        var ranges: [TenantID: Range<Int>] = [:]
        var start = 0
        for index in records.indices where index + 1 == records.count || records[index + 1].tenant != records[index].tenant {
            ranges[records[index].tenant] = start..<index + 1
            start = index + 1
        }
        self.records = records
        self.ranges = ranges
    }

    /// The tenant's subscriptions, sorted by id; empty for a tenant without any.
    public subscript(tenant: TenantID) -> ArraySlice<Subscription> {
        ranges[tenant].map { records[$0] } ?? []
    }
}
