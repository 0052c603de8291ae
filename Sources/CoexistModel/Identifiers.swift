/// A GUID normalized once at the edge: lower case, `8-4-4-4-12` hex digits, braces removed.
///
/// Held as 128 bits rather than text: a model of millions of subscriptions holds several GUIDs each.
public struct GUID: Hashable, Comparable, Sendable, CustomStringConvertible {
    @usableFromInline let high: UInt64
    @usableFromInline let low: UInt64

    /// Parses `0F1E…`, `{0f1e…}` or `0f1e…`; nil when the text is not a GUID.
    public init?(parsing raw: some StringProtocol) {
        // The plain 36-character form straight from the string's UTF-8 storage: the form of nearly
        // every id of every export, parsed millions of times a run.
        let plain = Substring(raw).utf8.withContiguousStorageIfAvailable { bytes -> GUID?? in
            bytes.count == 36 ? .some(GUID(plainUTF8: bytes)) : .none
        }
        if case .some(.some(let parsed)) = plain {
            guard let parsed else { return nil }
            self = parsed
            return
        }
        var body = Substring(raw).trimmingWhitespace()
        if body.hasPrefix("{") && body.hasSuffix("}") { body = body.dropFirst().dropLast() }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var index = 0
        for byte in body.utf8 {
            defer { index += 1 }
            guard index < 36 else { return nil }
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            // The first 16 hex digits (positions 0..<19 with three dashes) fill `high`.
            if index < 19 {
                high = high << 4 | UInt64(digit)
            } else {
                low = low << 4 | UInt64(digit)
            }
        }
        guard index == 36 else { return nil }
        self.high = high
        self.low = low
    }

    /// Parses exactly 36 bytes `8-4-4-4-12` of hex digits (either case); nil otherwise.
    public init?(plainUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 36, bytes[8] == 0x2D, bytes[13] == 0x2D, bytes[18] == 0x2D, bytes[23] == 0x2D,
            let base = bytes.baseAddress
        else { return nil }
        // The five groups eight digits at a time (``hexDigits(_:)``), a 4-digit group padded with
        // zeros to eight: 8-4-4 fill `high`, 4-12 fill `low`. Byte by byte, this was 2.7% of a 1M
        // run's CPU (four ids a row); a branch-free loop per byte had already replaced a branchy one.
        let word = { (offset: Int) in UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self).littleEndian }
        let half = { (offset: Int) in UInt64(UnsafeRawPointer(base + offset).loadUnaligned(as: UInt32.self).littleEndian) }
        // "0000" in the upper four bytes: the group's digits come first, so its value is the top half.
        let zeros: UInt64 = 0x3030_3030_0000_0000
        let first = hexDigits(word(0))
        let second = hexDigits(half(9) | zeros)
        let third = hexDigits(half(14) | zeros)
        let fourth = hexDigits(half(19) | zeros)
        let fifth = hexDigits(word(24))
        let sixth = hexDigits(half(32) | zeros)
        guard first.valid && second.valid && third.valid && fourth.valid && fifth.valid && sixth.valid else { return nil }
        let high = first.value << 32 | (second.value >> 16) << 16 | third.value >> 16
        let low = (fourth.value >> 16) << 48 | fifth.value << 16 | sixth.value >> 16
        self.high = high
        self.low = low
    }

    /// The normalized text, e.g. `0f1e2d3c-…`.
    public var text: String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var position = 35
        for (value, count) in [(low, 16), (high, 16)] {
            var rest = value
            for _ in 0..<count {
                if position == 8 || position == 13 || position == 18 || position == 23 { position -= 1 }
                out[position] = hex[Int(rest & 0xF)]
                rest >>= 4
                position -= 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hash that `Dictionary` and `Set` use: MurmurHash3's 64-bit finalizer applied twice, to the
    /// high half mixed with the table's seed and then with the low half folded in, instead of SipHash
    /// over 16 bytes.
    ///
    /// The model keys every large table by a GUID (a million subscriptions, their tenants and SKUs per
    /// side), and SipHash's setup and finalization were 5% of a reconcile's CPU at 1M. Each finalizer is
    /// a bijection with full avalanche, so ids differing in any one group spread over all buckets (a
    /// test holds it), and the seed (random per process and table) decides how two different high
    /// halves combine, so ids chosen to collide would have to guess it. `hash(into:)` still feeds
    /// `Hasher` where a GUID is one part of a larger key; the two need not agree.
    @inlinable public func _rawHashValue(seed: Int) -> Int {
        let first = GUID.mixed(high ^ UInt64(UInt(bitPattern: seed)))
        return Int(truncatingIfNeeded: GUID.mixed(first ^ low ^ 0x9E37_79B9_7F4A_7C15))
    }

    /// MurmurHash3's `fmix64`: every input bit flips about half of the output bits.
    @inlinable static func mixed(_ value: UInt64) -> UInt64 {
        var bits = value
        bits ^= bits >> 33
        bits &*= 0xFF51_AFD7_ED55_8CCD
        bits ^= bits >> 33
        bits &*= 0xC4CE_B9FE_1A85_EC53
        bits ^= bits >> 33
        return bits
    }

    /// The same order as the normalized texts.
    public static func < (lhs: GUID, rhs: GUID) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
    public var description: String { text }
}

/// Eight ASCII hex digits of either case, loaded little-endian (the first digit in the lowest byte),
/// as their 32-bit value (the first digit most significant); `valid` is false unless every byte is a
/// hex digit. Each step works on all eight bytes of the word at once, without branches: a byte below
/// 0x80 plus a constant below 0x80 never carries into the next byte.
@inline(__always)
private func hexDigits(_ word: UInt64) -> (value: UInt64, valid: Bool) {
    let top: UInt64 = 0x8080_8080_8080_8080
    let ascii = word & ~top
    // Per byte: ≥ "0" sets bit 7 of ascii + (0x80 − 0x30); ≤ "9" leaves bit 7 of ascii + (0x7F − 0x39) clear.
    let digit = (ascii &+ 0x5050_5050_5050_5050) & ~(ascii &+ 0x4646_4646_4646_4646)
    // Letters a–f, either case ("A" | 0x20 is "a"): ≥ "a" and ≤ "f" the same way.
    let lower = ascii | 0x2020_2020_2020_2020
    let letter = (lower &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(lower &+ 0x1919_1919_1919_1919)
    let valid = word & top == 0 && (digit | letter) & top == top
    // A digit's value is its low four bits; a letter's, its low four bits plus 9 (bit 6 tells letters).
    let nibbles = (ascii & 0x0F0F_0F0F_0F0F_0F0F) &+ ((ascii >> 6) & 0x0101_0101_0101_0101) &* 9
    // Nibble pairs into bytes, bytes into 16-bit halves, halves into the 32-bit value.
    let bytes = (nibbles << 4 | nibbles >> 8) & 0x00FF_00FF_00FF_00FF
    let halves = (bytes << 8 | bytes >> 16) & 0x0000_FFFF_0000_FFFF
    return ((halves << 16 | halves >> 32) & 0xFFFF_FFFF, valid)
}

/// The id of a customer tenant (an Entra ID directory), a GUID.
public struct TenantID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let guid: GUID
    public init(_ guid: GUID) { self.guid = guid }
    public init?(parsing raw: some StringProtocol) {
        guard let guid = GUID(parsing: raw) else { return nil }
        self.guid = guid
    }
    public static func < (lhs: TenantID, rhs: TenantID) -> Bool { lhs.guid < rhs.guid }
    /// The GUID's table hash (see ``GUID/_rawHashValue(seed:)``).
    @inlinable public func _rawHashValue(seed: Int) -> Int { guid._rawHashValue(seed: seed) }
    public var description: String { guid.text }
}

/// The id of a subscription as Partner Center gives it (Graph's `commerceSubscriptionId`), a GUID.
public struct SubscriptionID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let guid: GUID
    public init(_ guid: GUID) { self.guid = guid }
    public init?(parsing raw: some StringProtocol) {
        guard let guid = GUID(parsing: raw) else { return nil }
        self.guid = guid
    }
    public static func < (lhs: SubscriptionID, rhs: SubscriptionID) -> Bool { lhs.guid < rhs.guid }
    /// The GUID's table hash (see ``GUID/_rawHashValue(seed:)``).
    @inlinable public func _rawHashValue(seed: Int) -> Int { guid._rawHashValue(seed: seed) }
    public var description: String { guid.text }
}

/// The id of a licensable product (a SKU), a GUID such as `05e9a617-…` for Microsoft 365 E3.
public struct SkuID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let guid: GUID
    public init(_ guid: GUID) { self.guid = guid }
    public init?(parsing raw: some StringProtocol) {
        guard let guid = GUID(parsing: raw) else { return nil }
        self.guid = guid
    }
    public static func < (lhs: SkuID, rhs: SkuID) -> Bool { lhs.guid < rhs.guid }
    /// The GUID's table hash (see ``GUID/_rawHashValue(seed:)``).
    @inlinable public func _rawHashValue(seed: Int) -> Int { guid._rawHashValue(seed: seed) }
    public var description: String { guid.text }
}

/// A partner's MPN id: digits only. `-1`, `0` and empty mean "no partner" and never make a `PartnerID`.
public struct PartnerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The digits without leading zeros.
    public let digits: String

    /// The outcome of reading a partner id field.
    public enum Parsed: Equatable, Sendable {
        case none
        case partner(PartnerID)
        case invalid
    }

    /// Reads `4847383`, `'4847383`, ` 4847383 `; `-1`, `0`, empty → `.none`; anything else `.invalid`.
    public static func parse(_ raw: some StringProtocol) -> Parsed {
        var text = Substring(raw).trimmingWhitespace()
        if text.hasPrefix("'") { text = text.dropFirst() }
        if text.isEmpty || text == "-1" { return .none }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return .invalid }
        let trimmed = text.drop(while: { $0 == "0" })
        if trimmed.isEmpty { return .none }
        return .partner(PartnerID(digits: String(trimmed)))
    }

    public init(digits: String) { self.digits = digits }

    public static func < (lhs: PartnerID, rhs: PartnerID) -> Bool {
        lhs.digits.count != rhs.digits.count ? lhs.digits.count < rhs.digits.count : lhs.digits < rhs.digits
    }
    public var description: String { digits }
}

extension Substring {
    /// The text without outer white space and newlines.
    public func trimmingWhitespace() -> Substring {
        // Nothing to trim when both ends are visible ASCII (the common case), decided without Unicode tables.
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) { return self }
        var text = self
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}

extension String {
    /// The text without outer white space and newlines.
    public func trimmingWhitespace() -> String {
        // The common case, both ends visible ASCII, returns the string itself: no copy.
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) { return self }
        return String(Substring(self).trimmingWhitespace())
    }
}
