/// The merged subscriptions of the two export sets matched by id, once.
///
/// The diff and half of the rules walk the baseline and look each record up in the current set; done
/// by each of them, that was ten million dictionary lookups (and as many cache misses) on a partner's
/// million subscriptions. They walk these pairs instead.
public struct SubscriptionJoin: Sendable {
    /// A baseline subscription and its current record, if the current set has one.
    public struct Pair: Sendable {
        public let before: Subscription
        public let after: Subscription?
    }

    /// Every baseline subscription, in the baseline dictionary's order.
    public let pairs: [Pair]
    /// The current subscriptions the baseline lacks, in the current dictionary's order.
    public let added: [Subscription]

    /// Matches the two sides; the two directions run side by side.
    public init(baseline: [SubscriptionID: Subscription], current: [SubscriptionID: Subscription]) {
        let halves = concurrentMap(2) { side -> ([Pair], [Subscription]) in
            if side == 0 {
                var pairs: [Pair] = []
                pairs.reserveCapacity(baseline.count)
                for (id, before) in baseline { pairs.append(Pair(before: before, after: current[id])) }
                return (pairs, [])
            }
            var added: [Subscription] = []
            for (id, after) in current where baseline[id] == nil { added.append(after) }
            return ([], added)
        }
        pairs = halves[0].0
        added = halves[1].1
    }
}
