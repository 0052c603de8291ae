import CoexistModel
import CoexistRules
import Foundation

/// A relationship as both export sets show it (either side may be absent).
public struct RelationshipPair: Sendable {
    public let key: RelationshipKey
    public let baseline: Relationship?
    public let current: Relationship?
}

/// Subscriptions and seats of one channel on both sides (seats: quantities of in-service subscriptions).
public struct ChannelCount: Hashable, Sendable {
    /// Nil for subscriptions whose channel is unknown.
    public let channel: Channel?
    public var baselineSubscriptions = 0
    public var currentSubscriptions = 0
    public var baselineSeats: Decimal = 0
    public var currentSeats: Decimal = 0

    /// The channel's name in reports.
    public var name: String { channel?.canonicalName ?? "unknown" }
}

/// The coexistence model behind the per-tenant parts of the reports: both sides' merged
/// subscriptions (one record per subscription over every view, the same dictionaries the rules
/// read, so keeping them costs no copy) and relationships, indexed by tenant.
public struct ReconciledModel: Sendable {
    public let baseline: [SubscriptionID: Subscription]
    public let current: [SubscriptionID: Subscription]
    /// Per tenant, the ids of every subscription on either side, sorted.
    public let subscriptionsByTenant: [TenantID: [SubscriptionID]]
    /// Per tenant, its relationships on either side, sorted by partner and type; empty when neither
    /// export set has a relationships file.
    public let relationshipsByTenant: [TenantID: [RelationshipPair]]
    /// Whether either export set carries relationships at all.
    public let hasRelationships: Bool
    /// Per channel (known channels first in `Channel` order, then unknown).
    public let channels: [ChannelCount]

    public init() {
        self.init(baseline: [:], current: [:], baselineRelationships: nil, currentRelationships: nil)
    }

    public init(
        baseline: [SubscriptionID: Subscription], current: [SubscriptionID: Subscription],
        baselineRelationships: [Relationship]?, currentRelationships: [Relationship]?
    ) {
        self.init(
            baseline: baseline, current: current, baselineOrder: TenantOrder(baseline), currentOrder: TenantOrder(current),
            baselineRelationships: baselineRelationships, currentRelationships: currentRelationships)
    }

    /// The same from both sides already in tenant order (as the rule context has them).
    public init(
        baseline: [SubscriptionID: Subscription], current: [SubscriptionID: Subscription], baselineOrder: TenantOrder,
        currentOrder: TenantOrder, baselineRelationships: [Relationship]?, currentRelationships: [Relationship]?
    ) {
        self.baseline = baseline
        self.current = current
        // Each tenant's ids: its two sorted runs merged, an id on both sides once.
        var byTenant: [TenantID: [SubscriptionID]] = [:]
        byTenant.reserveCapacity(max(baselineOrder.ranges.count, currentOrder.ranges.count))
        for (tenant, range) in baselineOrder.ranges {
            byTenant[tenant] = mergedIDs(baselineOrder.records[range], currentOrder[tenant])
        }
        for (tenant, range) in currentOrder.ranges where baselineOrder.ranges[tenant] == nil {
            byTenant[tenant] = currentOrder.records[range].map(\.id)
        }
        subscriptionsByTenant = byTenant
        // Per channel in the tallies' slots, as both orders counted them.
        var counts = ChannelTally.channels.map { ChannelCount(channel: $0) }
        for slot in counts.indices {
            counts[slot].baselineSubscriptions = baselineOrder.channelTallies[slot].subscriptions
            counts[slot].baselineSeats = baselineOrder.channelTallies[slot].seats.total
            counts[slot].currentSubscriptions = currentOrder.channelTallies[slot].subscriptions
            counts[slot].currentSeats = currentOrder.channelTallies[slot].seats.total
        }
        channels = counts.filter { $0.baselineSubscriptions + $0.currentSubscriptions > 0 }

        var pairs: [RelationshipKey: (baseline: Relationship?, current: Relationship?)] = [:]
        for relationship in baselineRelationships ?? [] where pairs[relationship.key]?.baseline == nil {
            pairs[relationship.key, default: (nil, nil)].baseline = relationship
        }
        for relationship in currentRelationships ?? [] where pairs[relationship.key]?.current == nil {
            pairs[relationship.key, default: (nil, nil)].current = relationship
        }
        var relationships: [TenantID: [RelationshipPair]] = [:]
        for (key, pair) in pairs {
            relationships[key.tenant, default: []].append(RelationshipPair(key: key, baseline: pair.baseline, current: pair.current))
        }
        relationshipsByTenant = relationships.mapValues { list in
            list.sorted { lhs, rhs in
                (lhs.key.partner?.description ?? "", lhs.key.type.canonicalName)
                    < (rhs.key.partner?.description ?? "", rhs.key.type.canonicalName)
            }
        }
        hasRelationships = baselineRelationships != nil || currentRelationships != nil
    }

    /// The current record, else the baseline one.
    public func latest(_ id: SubscriptionID) -> Subscription? { current[id] ?? baseline[id] }
}

/// Two runs of subscriptions sorted by id, merged into their ids sorted, each id once.
///
/// Read through the buffers, in place: the slices' subscripts copied each record to read its id.
private func mergedIDs(_ left: ArraySlice<Subscription>, _ right: ArraySlice<Subscription>) -> [SubscriptionID] {
    var ids: [SubscriptionID] = []
    ids.reserveCapacity(left.count + right.count)
    left.withUnsafeBufferPointer { left in
        right.withUnsafeBufferPointer { right in
            var i = 0
            var j = 0
            while i < left.count || j < right.count {
                let next: SubscriptionID
                if j == right.count || (i < left.count && left[i].id <= right[j].id) {
                    next = left[i].id
                    i += 1
                } else {
                    next = right[j].id
                    j += 1
                }
                if ids.last != next { ids.append(next) }
            }
        }
    }
    return ids
}
