import CoexistModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Field bytes → what decoding them gave, for the columns whose values an export repeats (channels,
/// statuses, offers, dates, partner ids): each distinct spelling is decoded once, by the same code as
/// every other record, and later records only hash and compare their bytes.
///
/// Written by hand rather than a `[String: Value]`: looking up a `String` would first build one from
/// the bytes and hash it with SipHash, which is what this saves on millions of fields. The table stops
/// growing at ``limit`` entries and keeps no value longer than ``maxKeyBytes``; a column with more
/// distinct or longer values than that still decodes correctly, just without the memo's help.
struct FieldMemo<Value> {
    private struct Entry {
        var start: Int
        var count: Int
        var hash: UInt64
        var value: Value
    }

    /// Most distinct spellings kept.
    let limit: Int
    /// Open addressing, linear probing: an index into `entries`, or -1.
    private var slots: [Int32] = Array(repeating: -1, count: 64)
    private var entries: [Entry] = []
    /// The bytes of every key, end to end.
    private var keys: [UInt8] = []

    /// Longest value kept; real offer names, dates and enum spellings are far shorter.
    static var maxKeyBytes: Int { 256 }

    /// Slots looked at before giving up on the memo for one lookup.
    private static var maxProbes: Int { 32 }

    init(limit: Int = 1 << 14) { self.limit = limit }

    /// The memoized value of `bytes`, decoding the text with `decode` the first time it is seen.
    mutating func value(of bytes: UnsafeBufferPointer<UInt8>, decode: (String) -> Value) -> Value {
        // A long value (a hostile file's megabyte-long names) is decoded but never kept: the memo holds
        // at most `limit` × `maxKeyBytes` of keys.
        guard bytes.count <= Self.maxKeyBytes else { return decode(String(decoding: bytes, as: UTF8.self)) }
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        var probes = 0
        while true {
            let index = Int(slots[slot])
            if index < 0 { break }
            if entries[index].hash == hash && matches(entries[index], bytes) { return entries[index].value }
            slot = (slot + 1) & mask
            probes += 1
            // A long run of colliding keys (a crafted file) decodes directly rather than probe further.
            if probes == Self.maxProbes { return decode(String(decoding: bytes, as: UTF8.self)) }
        }
        let value = decode(String(decoding: bytes, as: UTF8.self))
        guard entries.count < limit else { return value }
        slots[slot] = Int32(entries.count)
        entries.append(Entry(start: keys.count, count: bytes.count, hash: hash, value: value))
        keys.append(contentsOf: bytes)
        if entries.count * 2 > slots.count { grow() }
        return value
    }

    private func matches(_ entry: Entry, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard entry.count == bytes.count else { return false }
        guard let base = bytes.baseAddress, entry.count > 0 else { return true }
        return keys.withUnsafeBufferPointer { memcmp($0.baseAddress! + entry.start, base, entry.count) == 0 }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    /// FNV-1a: fields are short. Crafted collisions cost at most ``maxProbes`` comparisons a field.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash
    }
}

/// The memos of a canonical record's values, one per kind of column, shared in shape by the CSV and
/// XML fast paths (each file gets its own: a spelling means the same in every row of one file).
struct CanonicalValueMemos {
    var channels = FieldMemo<FastField<Channel?>>()
    var offerIds = FieldMemo<FastField<String?>>()
    var names = FieldMemo<FastField<String?>>()
    var skus = FieldMemo<FastField<SkuID?>>()
    var statuses = FieldMemo<FastField<SubscriptionStatus>>()
    var dates = FieldMemo<FastField<ISODate?>>()
    var cycles = FieldMemo<FastField<BillingCycle?>>()
    var terms = FieldMemo<FastField<String?>>()
    var bools = FieldMemo<FastField<Bool?>>()
    var partners = FieldMemo<FastField<PartnerID?>>()
    var advisorLists = FieldMemo<FastField<Set<Advisor>>>()
    var currencies = FieldMemo<FastField<String?>>()
}
