/// A GUID normalized once at the edge: lower case, `8-4-4-4-12` hex digits, braces removed.
public struct GUID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The normalized text, e.g. `0f1e2d3c-…`.
    public let text: String

    /// Parses `0F1E…`, `{0f1e…}` or `0f1e…`; nil when the text is not a GUID.
    public init?(parsing raw: some StringProtocol) {
        // Byte-level: this runs for every id of every record, so no trimming or arrays of Characters.
        var utf8 = Substring(raw).utf8[...]
        while let first = utf8.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D { utf8 = utf8.dropFirst() }
        while let last = utf8.last, last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D { utf8 = utf8.dropLast() }
        if utf8.first == UInt8(ascii: "{") && utf8.last == UInt8(ascii: "}") { utf8 = utf8.dropFirst().dropLast() }
        guard utf8.count == 36 else { return nil }
        var valid = true
        let text = String(unsafeUninitializedCapacity: 36) { buffer in
            for (index, byte) in utf8.enumerated() {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    valid = valid && byte == UInt8(ascii: "-")
                    buffer[index] = byte
                    continue
                }
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): buffer[index] = byte
                case UInt8(ascii: "A")...UInt8(ascii: "F"): buffer[index] = byte + 32
                default:
                    valid = false
                    buffer[index] = UInt8(ascii: "0")
                }
            }
            return 36
        }
        guard valid else { return nil }
        self.text = text
    }

    public static func < (lhs: GUID, rhs: GUID) -> Bool { lhs.text < rhs.text }
    public var description: String { text }
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
        // Fast path: most values have no outer white space at all, or only ASCII white space.
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last else { return self }
        if first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80 { return self }
        var text = self
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}

extension String {
    /// The text without outer white space and newlines.
    public func trimmingWhitespace() -> String {
        let trimmed = Substring(self).trimmingWhitespace()
        return trimmed.utf8.count == utf8.count ? self : String(trimmed)
    }
}
