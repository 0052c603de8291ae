/// The bytes the CSV grammar cares about, and the fast loops that skip everything else.
///
/// The loops test eight bytes at a time (SWAR): a word has a byte equal to `c` when
/// `(w ^ c·0x01…01) - 0x01…01) & ~(w ^ c·0x01…01) & 0x80…80` is not zero, and the lowest flagged
/// byte is exact, which is the one needed. Bytes ≥ 0x80 stop the loops so UTF-8 gets validated.
enum CSVByte {
    static let comma = UInt8(ascii: ",")
    static let semicolon = UInt8(ascii: ";")
    static let tab = UInt8(ascii: "\t")
    static let quote = UInt8(ascii: "\"")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    /// Bits of the scanner's per-byte table: the byte ends a run of plain content.
    static let stopsUnquoted: UInt8 = 1
    static let stopsQuoted: UInt8 = 2

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080
    private static let lineFeeds = broadcast(lineFeed)
    private static let carriageReturns = broadcast(carriageReturn)
    private static let quotes = broadcast(quote)

    /// `byte` in each of the eight bytes of a word.
    static func broadcast(_ byte: UInt8) -> UInt64 {
        UInt64(byte) &* ones
    }

    /// High bit set in each byte of `word` that is zero (exact for the lowest such byte).
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highs
    }

    @inline(__always)
    private static func load(_ bytes: UnsafeMutablePointer<UInt8>, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(bytes + offset).loadUnaligned(as: UInt64.self))
    }

    /// The first offset in `from..<to` holding the delimiter, CR, LF, a quote, NUL or a byte ≥ 0x80;
    /// `to` when there is none.
    @inline(__always)
    static func skipUnquotedContent(
        _ bytes: UnsafeMutablePointer<UInt8>, from: Int, to: Int, delimiter: UInt64,
        classes: UnsafeMutablePointer<UInt8>
    ) -> Int {
        var i = from
        while i + 8 <= to {
            let word = load(bytes, i)
            let stops =
                (word & highs) | zeroBytes(word) | zeroBytes(word ^ delimiter)
                | zeroBytes(word ^ lineFeeds) | zeroBytes(word ^ carriageReturns) | zeroBytes(word ^ quotes)
            if stops != 0 {
                return i + stops.trailingZeroBitCount >> 3
            }
            i += 8
        }
        while i < to && classes[Int(bytes[i])] & stopsUnquoted == 0 {
            i += 1
        }
        return i
    }

    /// The first offset in `from..<to` holding CR, LF, a quote, NUL or a byte ≥ 0x80; `to` when none.
    @inline(__always)
    static func skipQuotedContent(
        _ bytes: UnsafeMutablePointer<UInt8>, from: Int, to: Int, classes: UnsafeMutablePointer<UInt8>
    ) -> Int {
        var i = from
        while i + 8 <= to {
            let word = load(bytes, i)
            let stops =
                (word & highs) | zeroBytes(word) | zeroBytes(word ^ lineFeeds)
                | zeroBytes(word ^ carriageReturns) | zeroBytes(word ^ quotes)
            if stops != 0 {
                return i + stops.trailingZeroBitCount >> 3
            }
            i += 8
        }
        while i < to && classes[Int(bytes[i])] & stopsQuoted == 0 {
            i += 1
        }
        return i
    }

    /// Folds every `""` in `bytes[from..<to]` (a quoted field's content) to `"` in place; returns the new end.
    static func foldDoubledQuotes(_ bytes: UnsafeMutablePointer<UInt8>, from: Int, to: Int) -> Int {
        var read = from
        var write = from
        while read < to {
            let byte = bytes[read]
            bytes[write] = byte
            write += 1
            // Inside a closed quoted field quotes only come in pairs: keep one, skip its twin.
            read += byte == CSVByte.quote ? 2 : 1
        }
        return write
    }
}
