import Foundation

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
    /// The records and their seats in service per channel, at ``ChannelTally/slot(_:)``.
    public let channelTallies: [ChannelTally]
    /// Each record's reseller (``Subscription/reseller``), at the record's position in ``records``.
    ///
    /// Read while the order is made, when each record's values are in the cache for its copy: the
    /// passes that ask a record only for its reseller (csp-without-relationship over the current
    /// set, the pre-existing filter over the baseline) read this array in sequence instead of each
    /// record's values, scattered over the heap: a page walk and a cache miss per record, which their
    /// look-ahead could not hide (perf at 1M: the CSP rule's samples sat on its prefetch).
    public let resellers: [PartnerID?]
    /// Each record's ``Subscription/valuesFingerprint``, at the record's position in ``records``: read
    /// with the record's header, for the join to tell unchanged pairs without reading their values.
    public let fingerprints: [ValuesFingerprint]

    public init(_ subscriptions: [SubscriptionID: Subscription]) {
        // Each record is counted as it is copied out: the copy has just brought its values into the
        // cache, where a pass of its own paid a cache miss per record for the quantity (measured: most
        // of the per-tenant model's 1.5 s at 1M).
        let count = subscriptions.count
        precondition(count < Int(UInt32.max), "more subscriptions than a position holds")
        var tallies = [ChannelTally](repeating: ChannelTally(), count: ChannelTally.slots)
        let unsorted = UnsafeMutableBufferPointer<Subscription>.allocate(capacity: count)
        defer { unsorted.deallocate() }
        var unsortedResellers: [PartnerID?] = []
        unsortedResellers.reserveCapacity(count)
        var unsortedFingerprints: [ValuesFingerprint] = []
        unsortedFingerprints.reserveCapacity(count)
        var keys: [SortKey] = []
        keys.reserveCapacity(count)
        let values = subscriptions.values
        var ahead = values.index(values.startIndex, offsetBy: Subscription.prefetchDistance, limitedBy: values.endIndex) ?? values.endIndex
        for record in values {
            if ahead != values.endIndex {
                Subscription.prefetch(values[ahead].valuesAddress, through: Subscription.orderReadEnd)
                values.formIndex(after: &ahead)
            }
            let slot = ChannelTally.slot(record.channel)
            tallies[slot].subscriptions += 1
            if let seats = record.seatsInServiceIfAny { tallies[slot].seats += seats }
            unsortedResellers.append(record.reseller)
            unsortedFingerprints.append(record.valuesFingerprint)
            keys.append(SortKey(tenant: record.tenant.guid, id: record.id.guid, position: UInt32(keys.count)))
            (unsorted.baseAddress! + keys.count - 1).initialize(to: record)
        }
        Self.sort(&keys)
        // The records moved (not copied: no reference count) into their sorted places.
        let records = [Subscription](unsafeUninitializedCapacity: count) { buffer, initialized in
            for (index, key) in keys.enumerated() {
                (buffer.baseAddress! + index).moveInitialize(from: unsorted.baseAddress! + Int(key.position), count: 1)
            }
            initialized = count
        }
        let resellers = keys.map { unsortedResellers[Int($0.position)] }
        let fingerprints = keys.map { unsortedFingerprints[Int($0.position)] }
        var ranges: [TenantID: Range<Int>] = [:]
        var start = 0
        for index in records.indices where index + 1 == records.count || records[index + 1].tenant != records[index].tenant {
            ranges[records[index].tenant] = start..<index + 1
            start = index + 1
        }
        self.records = records
        self.ranges = ranges
        self.channelTallies = tallies
        self.resellers = resellers
        self.fingerprints = fingerprints
    }

    /// A record's place in the order: its tenant and id, and where it is among the unsorted records.
    struct SortKey {
        let tenant: GUID
        let id: GUID
        let position: UInt32

        static func < (lhs: SortKey, rhs: SortKey) -> Bool { (lhs.tenant, lhs.id) < (rhs.tenant, rhs.id) }
    }

    /// Sorts by tenant, then id: into buckets by the tenant's first 16 bits (one pass to count, one to
    /// place), then each bucket by comparison. Tenant ids are random GUIDs, so a bucket holds one
    /// tenant's few dozen records or so, sorted in the cache; a comparison sort of the whole million
    /// moved every 48-byte record twenty times (measured: 4.3% of a 1M run's CPU). Ids that are not
    /// random (a test's sequence) share a bucket and are sorted there, by comparison.
    static func sort(_ keys: inout [SortKey]) {
        // A small set sorts directly: the buckets are 512 KB of counts to clear and walk.
        guard keys.count > 4_096 else {
            keys.sort(by: <)
            return
        }
        let bucketCount = 1 << 16
        func bucket(_ key: SortKey) -> Int { Int(truncatingIfNeeded: key.tenant.high >> 48) }
        var starts = [Int](repeating: 0, count: bucketCount + 1)
        for key in keys { starts[bucket(key) + 1] += 1 }
        for index in 1...bucketCount { starts[index] += starts[index - 1] }
        var next = starts
        let sorted = [SortKey](unsafeUninitializedCapacity: keys.count) { buffer, initialized in
            for key in keys {
                let at = bucket(key)
                (buffer.baseAddress! + next[at]).initialize(to: key)
                next[at] += 1
            }
            initialized = keys.count
        }
        keys = sorted
        keys.withUnsafeMutableBufferPointer { keys in
            for index in 0..<bucketCount where starts[index + 1] - starts[index] > 1 {
                keys[starts[index]..<starts[index + 1]].sort(by: <)
            }
        }
    }

    /// The tenant's subscriptions, sorted by id; empty for a tenant without any.
    public subscript(tenant: TenantID) -> ArraySlice<Subscription> {
        ranges[tenant].map { records[$0] } ?? []
    }
}

/// One channel's subscriptions in a set and their seats in service.
public struct ChannelTally: Sendable {
    public var subscriptions = 0
    public var seats = DecimalSum()

    /// The channel of each slot: every channel in `Channel.allCases` order, then nil for an unknown one.
    public static let channels: [Channel?] = Channel.allCases.map { Optional($0) } + [nil]
    public static var slots: Int { channels.count }

    public static func slot(_ channel: Channel?) -> Int {
        channel.flatMap { Channel.allCases.firstIndex(of: $0) } ?? Channel.allCases.count
    }
}

extension Subscription {
    /// The seats in service: the quantity while active or in grace (or when the status is unknown), else 0.
    public var seatsInService: Decimal { seatsInServiceIfAny ?? 0 }

    /// ``seatsInService`` when there are any: nil for none, so sums skip an addition of zero.
    public var seatsInServiceIfAny: Decimal? {
        if carries(.status), let status, !status.isInService { return nil }
        return quantity
    }
}
