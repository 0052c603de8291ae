/// The merged subscriptions of the two export sets matched by id and compared, once.
///
/// The diff and half of the rules walk the baseline beside the current set. Each doing its own lookups
/// and comparisons cost ten million dictionary lookups on a partner's million subscriptions, and as
/// many visits to records scattered over the heap. Here each pair is looked up and compared once, and
/// what differs is kept in ``changes``: a dense array the rules scan without touching a record, going
/// to ``pairs`` only for the few that changed.
public struct SubscriptionJoin: Sendable {
    /// A baseline subscription and its current record, if the current set has one.
    public struct Pair: Sendable {
        public let before: Subscription
        public let after: Subscription?
    }

    /// Every baseline subscription, in the baseline dictionary's order.
    public let pairs: [Pair]
    /// For each pair (same index), the fields in which the current record differs (SPEC §3.1, as
    /// ``Subscription/differs(from:in:)`` compares); empty when unchanged or absent.
    public let changes: [FieldSet]
    /// The indices of the pairs whose subscription the current set lacks, ascending.
    public let removed: [Int]
    /// The current subscriptions the baseline lacks, in the current dictionary's order.
    public let added: [Subscription]

    /// Matches and compares the two sides, both directions and both halves of the comparing side by side.
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
        let pairs = halves[0].0
        let chunks = 2
        let compared = concurrentMap(chunks) { chunk -> [FieldSet] in
            let range = pairs.count * chunk / chunks..<pairs.count * (chunk + 1) / chunks
            return pairs[range].map { pair in pair.after.map { pair.before.differingFields(from: $0) } ?? [] }
        }
        self.pairs = pairs
        self.changes = compared.flatMap { $0 }
        self.removed = pairs.indices.filter { pairs[$0].after == nil }
        self.added = halves[1].1
    }
}
