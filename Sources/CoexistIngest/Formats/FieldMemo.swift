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
        return keys.withUnsafeBufferPointer { keys in
            Self.sameBytes(UnsafeRawPointer(keys.baseAddress! + entry.start), UnsafeRawPointer(base), count: entry.count)
        }
    }

    /// `memcmp(…) == 0` for `count` > 0, inline: word by word, the last word (or half word) overlapping. A call to
    /// memcmp for a few bytes was 1.5% of a 1M run's CPU.
    @inline(__always)
    static func sameBytes(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, count: Int) -> Bool {
        func word(_ pointer: UnsafeRawPointer, _ offset: Int) -> UInt64 { pointer.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        func half(_ pointer: UnsafeRawPointer, _ offset: Int) -> UInt32 { pointer.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
        if count < 4 {
            // The first, middle and last byte: every byte of one to three.
            func byte(_ pointer: UnsafeRawPointer, _ offset: Int) -> UInt8 { pointer.load(fromByteOffset: offset, as: UInt8.self) }
            return byte(left, 0) == byte(right, 0) && byte(left, count / 2) == byte(right, count / 2)
                && byte(left, count - 1) == byte(right, count - 1)
        }
        if count < 8 { return half(left, 0) == half(right, 0) && half(left, count - 4) == half(right, count - 4) }
        var offset = 0
        while offset + 8 < count {
            guard word(left, offset) == word(right, offset) else { return false }
            offset += 8
        }
        return word(left, count - 8) == word(right, count - 8)
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

    /// Eight bytes at a time, the last word (or, for a short key, its first and last bytes) read
    /// overlapping rather than byte by byte, then a multiply-xorshift so that the low bits the table
    /// masks depend on every byte. FNV-1a, a multiply per byte in one dependent chain, was most of a
    /// lookup for a 30-byte offer name (measured: the memo was 6.6% of a 1M run's CPU). Crafted
    /// collisions cost at most ``maxProbes`` comparisons a field.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else { return 0 }
        let raw = UnsafeRawPointer(base)
        let multiplier: UInt64 = 0x9e37_79b9_7f4a_7c15
        var hash = 0xcbf2_9ce4_8422_2325 ^ UInt64(count)
        var last: UInt64
        if count >= 8 {
            var offset = 0
            while offset + 8 < count {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
                hash ^= hash >> 32
                offset += 8
            }
            last = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            last = UInt64(raw.loadUnaligned(as: UInt32.self)) | UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
        } else {
            last = UInt64(bytes[0]) | UInt64(bytes[count / 2]) << 8 | UInt64(bytes[count - 1]) << 16
        }
        hash = (hash ^ last) &* multiplier
        hash ^= hash >> 29
        hash &*= 0xbf58_476d_1ce4_e5b9
        return hash ^ (hash >> 32)
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
