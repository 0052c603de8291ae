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

    /// Matches and compares the two sides: the baseline in two halves and the current set's additions
    /// side by side.
    public init(baseline: [SubscriptionID: Subscription], current: [SubscriptionID: Subscription]) {
        self = Self.make(baseline: baseline, current: current, alongside: [@Sendable () -> Int]()).join
    }

    /// The join, and `others` as more pieces of work in the same pool of cores (the rule context sorts
    /// both sides meanwhile): one pool balances the cores where a join, then a sort, left one idle.
    public static func make<Other: Sendable>(
        baseline: [SubscriptionID: Subscription], current: [SubscriptionID: Subscription], alongside others: [@Sendable () -> Other]
    ) -> (join: SubscriptionJoin, others: [Other]) {
        // Each pair is compared where it is made, while both records are in hand: a second pass over
        // the pairs cost two reference counts per pair on records scattered over the heap (measured:
        // the comparing pass took longer than the matching one at 1M). The halves write their pairs
        // straight into one array, since joining two arrays of records would count each reference again.
        let count = baseline.count
        let middle = baseline.index(baseline.startIndex, offsetBy: count / 2)
        let halves = [(baseline.startIndex..<middle, 0), (middle..<baseline.endIndex, count / 2)]
        var pieces: [JoinPiece<Other>] = []
        let pairs = [Pair](unsafeUninitializedCapacity: count) { buffer, initialized in
            nonisolated(unsafe) let slots = buffer
            // The others first: they are the longer pieces (sorting a side by tenant), and a pool hands
            // out pieces in order, so started last they left one core idle at the end (measured: the
            // current side's sort and grouping ran alone for 1.5 s at 1M).
            pieces = concurrentMap(others.count + 3) { index -> JoinPiece<Other> in
                if index < others.count { return .other(others[index]()) }
                let piece = index - others.count
                guard piece < 2 else {
                    var added: [Subscription] = []
                    for (id, after) in current where baseline[id] == nil { added.append(after) }
                    return .added(added)
                }
                let (range, first) = halves[piece]
                var changes: [FieldSet] = []
                var removed: [Int] = []
                changes.reserveCapacity(count / 2 + 1)
                var slot = first
                for (id, before) in baseline[range] {
                    let after = current[id]
                    if after == nil { removed.append(slot) }
                    changes.append(after.map { before.differingFields(from: $0) } ?? [])
                    // Safe: the halves' slots are disjoint, 0..<count/2 and count/2..<count.
                    (slots.baseAddress! + slot).initialize(to: Pair(before: before, after: after))
                    slot += 1
                }
                return .half(changes: changes, removed: removed)
            }
            initialized = count
        }
        let own = Array(pieces.suffix(3))
        guard case .half(let firstChanges, let firstRemoved) = own[0], case .half(let secondChanges, let secondRemoved) = own[1],
            case .added(let added) = own[2]
        else { preconditionFailure("the join's pieces came back out of order") }
        let join = SubscriptionJoin(
            pairs: pairs, changes: firstChanges + secondChanges, removed: firstRemoved + secondRemoved, added: added)
        let results = pieces.prefix(others.count).map { piece -> Other in
            guard case .other(let result) = piece else { preconditionFailure("the join's pieces came back out of order") }
            return result
        }
        return (join, results)
    }

    private init(pairs: [Pair], changes: [FieldSet], removed: [Int], added: [Subscription]) {
        self.pairs = pairs
        self.changes = changes
        self.removed = removed
        self.added = added
    }
}

/// One piece of the join's pool of work.
private enum JoinPiece<Other: Sendable>: Sendable {
    case half(changes: [FieldSet], removed: [Int])
    case added([Subscription])
    case other(Other)
}
