import CPrefetch

/// A set of tenant ids that a reader can ask about in two steps: ``prefetch(_:)`` when it has read
/// a row's tenant id, ``contains(_:)`` once it has decoded the rest of the row.
///
/// A file's reader asks of nearly every row whether its tenant is known already (its name and domain
/// noted). On a file whose rows are not grouped by customer each question was a cache miss in a table
/// of 50,000 tenants: `Set.contains` was ≈ 3.5% of a 1M run's CPU, nearly all of it waiting for memory
/// (perf). `Set` cannot tell where an element's bucket is, so nothing could ask for it early.
///
/// Open addressing with linear probing, at most half full; hashed with the GUID's table hash
/// (``GUID/_rawHashValue(seed:)``) and a seed random per set, as `Set` seeds its tables, so ids chosen
/// to collide would have to guess it.
public struct TenantIDSet: Sendable {
    /// The all-zero GUID marks an empty slot; whether the set holds that id itself is `holdsZero`.
    private static let zero = GUID(parsing: "00000000-0000-0000-0000-000000000000")!

    private var slots: [GUID]
    private var mask: Int
    private let seed = Int.random(in: .min ... .max)
    private var holdsZero = false
    public private(set) var count = 0

    public init() {
        slots = Array(repeating: Self.zero, count: 16)
        mask = 15
    }

    /// Asks the processor for the slot where `tenant` would be: a hint, no answer.
    @inline(__always)
    public func prefetch(_ tenant: TenantID) {
        let start = bucket(of: tenant.guid)
        slots.withUnsafeBufferPointer { coexist_prefetch(UnsafeRawPointer($0.baseAddress! + start)) }
    }

    public func contains(_ tenant: TenantID) -> Bool {
        let key = tenant.guid
        guard key != Self.zero else { return holdsZero }
        return slots.withUnsafeBufferPointer { slots in
            var index = bucket(of: key)
            while true {
                let slot = slots[index]
                if slot == key { return true }
                if slot == Self.zero { return false }
                index = (index + 1) & mask
            }
        }
    }

    /// Adds `tenant`; true when it was not in the set.
    @discardableResult
    public mutating func insert(_ tenant: TenantID) -> Bool {
        let key = tenant.guid
        if key == Self.zero {
            defer { holdsZero = true }
            if !holdsZero { count += 1 }
            return !holdsZero
        }
        if 2 * (count + 1) > slots.count { grow() }
        guard place(key) else { return false }
        count += 1
        return true
    }

    /// Puts `key` in its slot; false when it is there already.
    private mutating func place(_ key: GUID) -> Bool {
        var index = bucket(of: key)
        while slots[index] != Self.zero {
            if slots[index] == key { return false }
            index = (index + 1) & mask
        }
        slots[index] = key
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Self.zero, count: 2 * old.count)
        mask = slots.count - 1
        for key in old where key != Self.zero { _ = place(key) }
    }

    @inline(__always)
    private func bucket(of key: GUID) -> Int { key._rawHashValue(seed: seed) & mask }
}
