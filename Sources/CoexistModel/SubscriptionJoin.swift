/// The merged subscriptions of the two export sets matched by id and compared, once.
///
/// The diff and half of the rules walk the baseline beside the current set. Each doing its own lookups
/// and comparisons cost ten million dictionary lookups on a partner's million subscriptions, and as
/// many visits to records scattered over the heap. Here each pair is looked up and compared once, and
/// what differs is kept in ``changes``: a dense array the rules scan without touching a record, going
/// to ``pairs`` only for the few that changed.
///
/// Both sides are matched in their tenant orders (sorted by tenant, then id) by merging the two sorted
/// runs, and a pair is two positions in them, not two copies of records: at 1M, copying a million
/// pairs of records was a reference count each on storage scattered over the heap (≈ 4% of the run's
/// CPU, measured) and 100 MB, and looking each id up in the other side's dictionary a cache miss more.
/// A subscription that moved to another tenant is matched by id among the few the merge left over.
public struct SubscriptionJoin: Sendable {
    /// A baseline subscription and its current record, if the current set has one.
    public struct Pair: Sendable {
        public let before: Subscription
        public let after: Subscription?
    }

    /// The pairs, one per baseline record, in baseline tenant order; each made when read.
    public struct Pairs: RandomAccessCollection, Sendable {
        let baseline: [Subscription]
        let current: [Subscription]
        let matches: [Int32]

        public var startIndex: Int { 0 }
        public var endIndex: Int { baseline.count }
        public subscript(position: Int) -> Pair {
            let match = matches[position]
            return Pair(before: baseline[position], after: match < 0 ? nil : current[Int(match)])
        }
    }

    /// Every baseline subscription, sorted by tenant then id (the baseline tenant order's records).
    public let baselineRecords: [Subscription]
    /// Every current subscription, sorted by tenant then id (the current tenant order's records).
    public let currentRecords: [Subscription]
    /// For each baseline record (same index), the position of its current record in
    /// ``currentRecords``; -1 when the current set lacks it.
    public let matches: [Int32]
    /// For each pair (same index), the fields in which the current record differs (SPEC §3.1, as
    /// ``Subscription/differs(from:in:)`` compares); empty when unchanged or absent.
    public let changes: [FieldSet]
    /// The indices of the pairs whose subscription the current set lacks, ascending.
    public let removed: [Int]
    /// The current subscriptions the baseline lacks, in current tenant order.
    public let added: [Subscription]
    /// How many baseline records the merge left to be matched by id (removed, or moved to another tenant).
    let leftByMerge: Int

    /// Every baseline subscription with its current record, in baseline tenant order.
    public var pairs: Pairs { Pairs(baseline: baselineRecords, current: currentRecords, matches: matches) }

    /// Matches and compares the two sides (sorting both by tenant first).
    public init(baseline: [SubscriptionID: Subscription], current: [SubscriptionID: Subscription]) {
        let orders = concurrentMap(2) { TenantOrder($0 == 0 ? baseline : current) }
        self = Self.make(baseline: orders[0], current: orders[1], alongside: [@Sendable () -> Int]()).join
    }

    /// The join of two tenant orders, and `others` as more pieces of work in the same pool of cores
    /// (the rule context groups the current side by SKU meanwhile).
    public static func make<Other: Sendable>(
        baseline: TenantOrder, current: TenantOrder, alongside others: [@Sendable () -> Other]
    ) -> (join: SubscriptionJoin, others: [Other]) {
        let before = baseline.records
        let after = current.records
        precondition(after.count < Int(Int32.max), "more current subscriptions than a position holds")
        // Pieces of the baseline's sorted run, each with the current run's part of the same keys: a
        // piece ends before a key, and the current side's piece before the first of its records at or
        // after that key. Each pair is compared where it is made, while both records are in hand.
        // Sixteen pieces of a large run, so that the pool's last piece is short: with four, one piece
        // ran alone on one core for ≈ 0.2 s at 1M after the longer work beside them.
        let pieceCount = before.count < 4_096 ? 1 : 16
        let bounds = (0...pieceCount).map { before.count * $0 / pieceCount }
        let currentBounds = bounds.indices.map { index -> Int in
            switch index {
            case 0: 0
            case pieceCount: after.count
            default: Self.firstPosition(in: after, notBefore: before[bounds[index]])
            }
        }
        var pieces: [JoinPiece<Other>] = []
        var changes: [FieldSet] = []
        var matches = [Int32](unsafeUninitializedCapacity: before.count) { matchSlots, matchCount in
            changes = [FieldSet](unsafeUninitializedCapacity: before.count) { changeSlots, changeCount in
                nonisolated(unsafe) let (matchBuffer, changeBuffer) = (matchSlots, changeSlots)
                // The others first: a pool hands out pieces in order, so started last they left one
                // core idle at the end.
                pieces = concurrentMap(others.count + pieceCount) { index -> JoinPiece<Other> in
                    if index < others.count { return .other(others[index]()) }
                    let piece = index - others.count
                    // Safe: the pieces' baseline positions are disjoint ranges.
                    return Self.merge(
                        (before, baseline.fingerprints), bounds[piece]..<bounds[piece + 1], (after, current.fingerprints),
                        currentBounds[piece]..<currentBounds[piece + 1], matches: matchBuffer, changes: changeBuffer)
                }
                changeCount = before.count
            }
            matchCount = before.count
        }
        var leftBefore: [Int] = []
        var leftAfter: [Int] = []
        for piece in pieces {
            if case .merged(let unmatchedBefore, let unmatchedAfter) = piece {
                leftBefore += unmatchedBefore
                leftAfter += unmatchedAfter
            }
        }
        // What the merge left: subscriptions removed, added, or moved to another tenant (matched by id).
        var byID: [SubscriptionID: Int] = [:]
        byID.reserveCapacity(leftAfter.count)
        for position in leftAfter { byID[after[position].id] = position }
        var removed: [Int] = []
        for position in leftBefore {
            guard let match = byID.removeValue(forKey: before[position].id) else {
                removed.append(position)
                continue
            }
            matches[position] = Int32(match)
            changes[position] = before[position].differingFields(from: after[match])
        }
        let added = leftAfter.filter { byID[after[$0].id] != nil }.map { after[$0] }
        let join = SubscriptionJoin(
            baselineRecords: before, currentRecords: after, matches: matches, changes: changes, removed: removed, added: added,
            leftByMerge: leftBefore.count)
        let results = pieces.prefix(others.count).map { piece -> Other in
            guard case .other(let result) = piece else { preconditionFailure("the join's pieces came back out of order") }
            return result
        }
        return (join, results)
    }

    /// Merges one piece of both sorted runs: writes each baseline position's match and changed fields,
    /// returns the positions left without a partner of the same tenant and id on either side.
    ///
    /// A pair whose records carry the same known fingerprint (``ValuesFingerprint``) and the same inline
    /// values (channel, status, carried fields) is unchanged without reading either record's values:
    /// the same bytes under the same layout decoded to the same values. Only the other pairs (the few
    /// that changed, and those a reader made no fingerprint for) are compared field by field, and only
    /// their records are asked for ahead.
    private static func merge<Other>(
        _ before: (records: [Subscription], fingerprints: [ValuesFingerprint]), _ beforeRange: Range<Int>,
        _ after: (records: [Subscription], fingerprints: [ValuesFingerprint]), _ afterRange: Range<Int>,
        matches: UnsafeMutableBufferPointer<Int32>, changes: UnsafeMutableBufferPointer<FieldSet>
    ) -> JoinPiece<Other> {
        var unmatchedBefore: [Int] = []
        var unmatchedAfter: [Int] = []
        var next = afterRange.lowerBound
        let distance = Subscription.prefetchDistance
        let (records, fingerprints) = before
        let (others, otherFingerprints) = after
        for position in beforeRange {
            // The values a few records ahead, where the comparison will read them: records without a
            // fingerprint (with one, their pair is told without them unless it changed).
            if position + distance < beforeRange.upperBound && !fingerprints[position + distance].isKnown {
                Subscription.prefetch(records[position + distance].valuesAddress, through: Subscription.valuesEnd)
            }
            if next + distance < afterRange.upperBound && !otherFingerprints[next + distance].isKnown {
                Subscription.prefetch(others[next + distance].valuesAddress, through: Subscription.valuesEnd)
            }
            let key = (records[position].tenant, records[position].id)
            while next < afterRange.upperBound && (others[next].tenant, others[next].id) < key {
                unmatchedAfter.append(next)
                next += 1
            }
            if next < afterRange.upperBound && others[next].tenant == key.0 && others[next].id == key.1 {
                (matches.baseAddress! + position).initialize(to: Int32(next))
                // The values kept inline, which the fingerprint leaves out (carried fields, channel,
                // status), compared field by field: a record passed to a method was copied, a
                // reference count on its storage, the very miss the fingerprint saves (perf: 5% of the run).
                let unchanged =
                    fingerprints[position].isKnown && fingerprints[position] == otherFingerprints[next]
                    && records[position].carried == others[next].carried && records[position].channel == others[next].channel
                    && records[position].status == others[next].status
                let fields = unchanged ? [] : records[position].differingFields(from: others[next])
                (changes.baseAddress! + position).initialize(to: fields)
                next += 1
            } else {
                (matches.baseAddress! + position).initialize(to: -1)
                (changes.baseAddress! + position).initialize(to: [])
                unmatchedBefore.append(position)
            }
        }
        unmatchedAfter.append(contentsOf: next..<afterRange.upperBound)
        return .merged(unmatchedBefore: unmatchedBefore, unmatchedAfter: unmatchedAfter)
    }

    /// The position of the first record in `records` (sorted by tenant, then id) not ordered before `record`.
    private static func firstPosition(in records: [Subscription], notBefore record: Subscription) -> Int {
        let key = (record.tenant, record.id)
        var low = 0
        var high = records.count
        while low < high {
            let middle = (low + high) / 2
            if (records[middle].tenant, records[middle].id) < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private init(
        baselineRecords: [Subscription], currentRecords: [Subscription], matches: [Int32], changes: [FieldSet], removed: [Int],
        added: [Subscription], leftByMerge: Int
    ) {
        self.baselineRecords = baselineRecords
        self.currentRecords = currentRecords
        self.matches = matches
        self.changes = changes
        self.removed = removed
        self.added = added
        self.leftByMerge = leftByMerge
    }
}

/// One piece of the join's pool of work.
private enum JoinPiece<Other: Sendable>: Sendable {
    case merged(unmatchedBefore: [Int], unmatchedAfter: [Int])
    case other(Other)
}
