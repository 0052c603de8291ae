/// 128 bits that stand for a record's values as its reader decoded them: the bytes of each field that
/// feeds them, under the file's layout (which column is which field).
///
/// The join compares a baseline record with its current one field by field, reading both records'
/// values, which lie scattered over the heap: at a million pairs that was a page walk and a cache miss
/// per record, for pairs of which 99% are unchanged. Records whose fingerprints are equal were decoded
/// from the same bytes under the same layout, so their values are the same and the comparison can be
/// skipped (``SubscriptionJoin``); any other pair is compared as before. A fingerprint is cleared by
/// every change of the values after reading (``Subscription/uniqueValues``), and a reader that makes
/// none (the reference decoder, XML, the store) leaves it ``unknown``: those pairs are compared too.
///
/// Hashed with constants random per process (as Swift seeds its tables), so values chosen to collide
/// would have to guess them; for values not chosen so, two different records share a fingerprint with
/// a probability of the order of 2⁻¹²⁸ (two independent 64-bit lanes, ``ValuesFingerprinter``).
public struct ValuesFingerprint: Hashable, Sendable {
    public let first: UInt64
    public let second: UInt64

    /// No fingerprint: the values are compared.
    public static let unknown = ValuesFingerprint(first: 0, second: 0)

    public var isKnown: Bool { first != 0 || second != 0 }

    @usableFromInline init(first: UInt64, second: UInt64) {
        self.first = first
        self.second = second
    }
}

/// Makes a ``ValuesFingerprint``: a layout first (``init(layout:)``), then each field's bytes in order.
///
/// Each field goes into two lanes of wyhash's step (a 64 × 64 → 128-bit multiply, its halves folded),
/// each lane with its own random keys: its length with its first eight bytes, then sixteen bytes a
/// step, the last word read overlapping the one before (the length tells how many bytes are new).
/// Copying the fields into one stream first, then hashing it, was ≈ 1,800 instructions a row
/// (callgrind), as much as the join saved.
public struct ValuesFingerprinter: Sendable {
    /// Random per process: both export sets of a run are read in one process.
    private static let processKeys = (
        UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max),
        UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max)
    )

    /// The process's keys, copied in: a static read in the loop was a call to its lazy initializer's check.
    private let keys = Self.processKeys
    /// Both lanes after the layout, hashed once: each row starts from them.
    private let start: (UInt64, UInt64)
    private var lanes: (UInt64, UInt64)
    private var fields: UInt64 = 0

    /// Starts from the reader's layout: each field's place (numbers the reader chooses, the same for
    /// the same layout in both sets, and different for different ones).
    public init(layout: [Int]) {
        var lanes = (Self.processKeys.0, Self.processKeys.1)
        for place in [layout.count] + layout {
            lanes = Self.mix(lanes, UInt64(bitPattern: Int64(place)), 0, keys: Self.processKeys)
        }
        start = lanes
        self.lanes = lanes
    }

    /// Starts a record over the same layout.
    public mutating func reset() {
        lanes = start
        fields = 0
    }

    /// Adds one field's bytes, their length with the first of them (so that fields cannot run into
    /// each other, and an overlapping read adds no ambiguity).
    @inline(__always)
    public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        fields &+= 1
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else {
            lanes = Self.mix(lanes, 0, 0, keys: keys)
            return
        }
        let raw = UnsafeRawPointer(base)
        func word(_ offset: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        if count < 8 {
            // Every byte of one to seven, through reads that stay inside the field.
            let short: UInt64
            if count >= 4 {
                short =
                    UInt64(raw.loadUnaligned(as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
            } else {
                short = UInt64(base[0]) | UInt64(base[count / 2]) << 8 | UInt64(base[count - 1]) << 16
            }
            lanes = Self.mix(lanes, UInt64(count), short, keys: keys)
            return
        }
        lanes = Self.mix(lanes, UInt64(count), word(0), keys: keys)
        var offset = 8
        while offset + 16 <= count {
            lanes = Self.mix(lanes, word(offset), word(offset + 8), keys: keys)
            offset += 16
        }
        if offset < count {
            // The rest (1 to 15 bytes) as the last sixteen, or the last eight twice, read overlapping.
            lanes =
                count >= 16
                ? Self.mix(lanes, word(count - 16), word(count - 8), keys: keys) : Self.mix(lanes, word(count - 8), 0, keys: keys)
        }
    }

    /// The fingerprint of the layout and the row's fields; never ``ValuesFingerprint/unknown``.
    public func finish() -> ValuesFingerprint {
        let result = ValuesFingerprint(
            first: Self.mum(lanes.0 ^ keys.4, lanes.1 ^ fields), second: Self.mum(lanes.1 ^ keys.5, lanes.0 ^ fields ^ keys.2))
        return result.isKnown ? result : ValuesFingerprint(first: 0, second: 1)
    }

    /// One block of sixteen bytes into both lanes.
    @inline(__always)
    private static func mix(
        _ lanes: (UInt64, UInt64), _ a: UInt64, _ b: UInt64, keys: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    ) -> (UInt64, UInt64) {
        (mum(a ^ keys.2, b ^ lanes.0), mum(b ^ keys.3, a ^ lanes.1))
    }

    /// wyhash's step: the 128-bit product's halves folded.
    @inline(__always)
    private static func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }
}
