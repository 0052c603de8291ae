/// A GUID normalized once at the edge: lower case, `8-4-4-4-12` hex digits, braces removed.
public struct GUID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The normalized text, e.g. `0f1e2d3c-…`.
    public let text: String

    /// Parses `0F1E…`, `{0f1e…}` or `0f1e…`; nil when the text is not a GUID.
    public init?(parsing raw: some StringProtocol) {
        var body = Substring(raw).trimmingWhitespace()
        if body.hasPrefix("{") && body.hasSuffix("}") { body = body.dropFirst().dropLast() }
        let utf8 = Array(body.utf8)
        guard utf8.count == 36 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (index, byte) in utf8.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                out.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): out.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): out.append(byte + 32)
            default: return nil
            }
        }
        text = String(decoding: out, as: UTF8.self)
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
        var text = self
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}

extension String {
    /// The text without outer white space and newlines.
    public func trimmingWhitespace() -> String { String(Substring(self).trimmingWhitespace()) }
}
