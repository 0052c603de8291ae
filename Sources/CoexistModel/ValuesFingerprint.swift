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
/// The fields are framed (each one's length, then its bytes) into one stream, which is hashed sixteen
/// bytes at a time in two lanes of wyhash's step (a 64 × 64 → 128-bit multiply, its halves folded),
/// each lane with its own random constants. Hashing field by field, eight bytes a step of three
/// multiplies, was 3.3% of a 1M run's CPU.
public struct ValuesFingerprinter: Sendable {
    /// Random per process: both export sets of a run are read in one process.
    private static let keys = (0..<6).map { _ in UInt64.random(in: .min ... .max) | 1 }

    /// The framed fields so far; the layout's at the start.
    private var stream: [UInt8]
    private let layoutEnd: Int

    /// Starts from the reader's layout: each field's place (numbers the reader chooses, the same for
    /// the same layout in both sets, and different for different ones).
    public init(layout: [Int]) {
        var stream: [UInt8] = []
        stream.reserveCapacity(512)
        for place in [layout.count] + layout {
            withUnsafeBytes(of: UInt64(bitPattern: Int64(place)).littleEndian) { stream.append(contentsOf: $0) }
        }
        self.stream = stream
        layoutEnd = stream.count
    }

    /// Starts a record over the same layout.
    public mutating func reset() {
        stream.removeSubrange(layoutEnd...)
    }

    /// Adds one field's bytes, their length first (so that fields cannot run into each other).
    public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        // The length in 7-bit groups, the last one marked: a prefix no other length shares.
        var length = bytes.count
        while length >= 0x80 {
            stream.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        stream.append(UInt8(length))
        stream.append(contentsOf: bytes)
    }

    /// The fingerprint of the stream; never ``ValuesFingerprint/unknown``.
    public func finish() -> ValuesFingerprint {
        let keys = Self.keys
        @inline(__always) func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let (high, low) = a.multipliedFullWidth(by: b)
            return high ^ low
        }
        var first = keys[0] ^ UInt64(stream.count)
        var second = keys[1] ^ UInt64(stream.count)
        stream.withUnsafeBytes { bytes in
            var offset = 0
            var a: UInt64 = 0
            var b: UInt64 = 0
            while offset < bytes.count {
                if offset + 16 <= bytes.count {
                    a = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    b = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
                } else {
                    // The last block, zero-filled: the stream's length is in both lanes already.
                    var block: (UInt64, UInt64) = (0, 0)
                    withUnsafeMutableBytes(of: &block) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset...])) }
                    (a, b) = block
                }
                first = mum(a ^ keys[2], b ^ first)
                second = mum(b ^ keys[3], a ^ second)
                offset += 16
            }
        }
        let result = ValuesFingerprint(first: mum(first ^ keys[4], second ^ keys[5]), second: mum(second ^ keys[4], first ^ keys[2]))
        return result.isKnown ? result : ValuesFingerprint(first: 0, second: 1)
    }
}
