import Foundation

/// Where a value came from: the export file and the line of its record.
public struct Provenance: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file as the user named it (relative to the export set when read from a directory).
    public let file: String
    /// 1-based line of the record (of the element, for XML).
    public let line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public static func < (lhs: Provenance, rhs: Provenance) -> Bool {
        lhs.file != rhs.file ? lhs.file < rhs.file : lhs.line < rhs.line
    }
    public var description: String { "\(file):\(line)" }
}

/// A partner attributed to a subscription: a subscription advisor.
public struct Advisor: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let partner: PartnerID
    public let kind: AdvisorKind

    public init(partner: PartnerID, kind: AdvisorKind) {
        self.partner = partner
        self.kind = kind
    }

    public static func < (lhs: Advisor, rhs: Advisor) -> Bool {
        lhs.kind != rhs.kind ? lhs.kind < rhs.kind : lhs.partner < rhs.partner
    }
    /// `POR:1234567`, the form the CSV column uses.
    public var description: String { "\(kind.canonicalName):\(partner)" }
}

/// A tenant's identity as the exports name it.
public struct TenantInfo: Hashable, Sendable {
    public let id: TenantID
    public var name: String?
    public var domain: String?
    public var source: Provenance?

    public init(id: TenantID, name: String? = nil, domain: String? = nil, source: Provenance? = nil) {
        self.id = id
        self.name = name
        self.domain = domain
        self.source = source
    }
}

/// A partner ↔ tenant relationship.
public struct Relationship: Hashable, Sendable {
    public let tenant: TenantID
    /// The partner; nil when the record names none.
    public var partner: PartnerID?
    public var type: RelationshipType
    public var state: RelationshipState
    public var establishedAt: ISODate?
    /// The partner user who sent the invitation; nil when the source does not carry it, "" when empty.
    public var invitedBy: String?
    public var acceptedBy: String?
    public var source: Provenance

    public init(
        tenant: TenantID, partner: PartnerID?, type: RelationshipType, state: RelationshipState,
        establishedAt: ISODate? = nil, invitedBy: String? = nil, acceptedBy: String? = nil, source: Provenance
    ) {
        self.tenant = tenant
        self.partner = partner
        self.type = type
        self.state = state
        self.establishedAt = establishedAt
        self.invitedBy = invitedBy
        self.acceptedBy = acceptedBy
        self.source = source
    }

    /// What makes two records the same relationship across snapshots.
    public var key: RelationshipKey { RelationshipKey(tenant: tenant, partner: partner, type: type) }
}

/// Tenant, partner and type: the identity of a relationship.
public struct RelationshipKey: Hashable, Sendable {
    public let tenant: TenantID
    public let partner: PartnerID?
    public let type: RelationshipType

    public init(tenant: TenantID, partner: PartnerID?, type: RelationshipType) {
        self.tenant = tenant
        self.partner = partner
        self.type = type
    }
}

/// One row of the customer's Billing > Licenses: a license pool of one SKU.
public struct LicensePool: Hashable, Sendable {
    public let tenant: TenantID
    public let sku: SkuID
    public var productName: String?
    public var total: Decimal
    public var assigned: Decimal?
    public var source: Provenance

    public init(tenant: TenantID, sku: SkuID, productName: String? = nil, total: Decimal, assigned: Decimal? = nil, source: Provenance) {
        self.tenant = tenant
        self.sku = sku
        self.productName = productName
        self.total = total
        self.assigned = assigned
        self.source = source
    }
}

/// A user of the CSP partner's organization and the roles it holds.
public struct PartnerUser: Hashable, Sendable {
    /// The user principal name, lower-cased (UPNs compare case-insensitively).
    public let userPrincipalName: String
    public var displayName: String?
    public var roles: Set<Role>
    public var source: Provenance

    public init(userPrincipalName: String, displayName: String? = nil, roles: Set<Role>, source: Provenance) {
        self.userPrincipalName = userPrincipalName.trimmingWhitespace().lowercased()
        self.displayName = displayName
        self.roles = roles
        self.source = source
    }
}

/// Reads numbers as canonical files write them: `25`, `25.0`, `-3`, `12.50`, Excel's `'25`.
/// Thousands separators and exponents are refused (SPEC §4.1).
public func parseCanonicalDecimal(_ raw: some StringProtocol) -> Decimal? {
    parseCanonicalDecimal(utf8: Substring(raw).trimmingWhitespace().utf8)
}

/// ``parseCanonicalDecimal(_:)`` of text already trimmed, as UTF-8 bytes.
@inlinable
public func parseCanonicalDecimal<Bytes: Collection<UInt8>>(utf8 text: Bytes) -> Decimal? {
    // Hand-rolled: Decimal(string:locale:) with a Locale per call dominated CSV ingest.
    var bytes = text[...]
    if bytes.first == UInt8(ascii: "'") { bytes = bytes.dropFirst() }
    var negative = false
    if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
        negative = sign == UInt8(ascii: "-")
        bytes = bytes.dropFirst()
    }
    var significand: UInt64 = 0
    var exponent = 0
    var digits = 0
    var sawPoint = false
    var fractionDigits = 0
    for byte in bytes {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            digits += 1
            guard digits <= 18 else { return nil }  // beyond any seat count or price; keeps UInt64 exact
            significand = significand * 10 + UInt64(byte - 48)
            if sawPoint { fractionDigits += 1 }
        case UInt8(ascii: "."):
            guard !sawPoint, digits > 0 else { return nil }
            sawPoint = true
        default:
            return nil
        }
    }
    guard digits > 0, !(sawPoint && fractionDigits == 0) else { return nil }
    exponent = -fractionDigits
    return Decimal(sign: negative && significand != 0 ? .minus : .plus, exponent: exponent, significand: Decimal(significand))
}

/// Reads true/false/yes/no/1/0 (any case); nil for anything else.
public func parseCanonicalBool(_ raw: some StringProtocol) -> Bool? {
    switch canonicalKey(raw) {
    case "true", "yes", "1", "y": true
    case "false", "no", "0", "n": false
    default: nil
    }
}

extension Decimal {
    /// The plain text form, `25` or `12.5`, without exponent or grouping.
    public var plainText: String {
        let rounded = rounded(places: 10)
        return rounded.digitText(minimumFraction: 0) ?? NSDecimalNumber(decimal: rounded).stringValue
    }

    /// Rounded half away from zero to `places` digits after the point.
    public func rounded(places: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, places, .plain)
        return result
    }

    /// The digits of a value whose significand fits 64 bits, written here rather than by Foundation
    /// (`NSDecimalNumber.stringValue` measured ≈ 2 µs a value, 3% of a reconcile's CPU at 1M in the
    /// costs and JSON reports): `-12.5` with at least `minimumFraction` digits after the point (zeros
    /// appended) and none beyond the last non-zero one otherwise. Nil for NaN and for a value it
    /// cannot write exactly; callers then use Foundation. Tests compare it with Foundation's text.
    public func digitText(minimumFraction: Int) -> String? {
        // `magnitude`: Foundation on Apple's systems keeps the sign on `significand` (swift-foundation
        // does not), and a negative Int64 would trap in UInt64's initializer.
        guard !isNaN, exponent > -40, exponent < 19, let significand = significand.magnitude.exactInt64 else { return nil }
        var units = UInt64(significand)
        var fraction = 0
        if exponent >= 0 {
            for _ in 0..<exponent {
                let (product, overflow) = units.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                units = product
            }
        } else {
            fraction = -exponent
            // Trailing zeros of the significand beyond `minimumFraction` are not written.
            while fraction > minimumFraction, units % 10 == 0, units != 0 {
                units /= 10
                fraction -= 1
            }
            if units == 0 { fraction = 0 }
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(24)
        var rest = units
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        // At least one digit before the point: `0.05`.
        while digits.count <= fraction { digits.append(UInt8(ascii: "0")) }
        var text: [UInt8] = []
        text.reserveCapacity(digits.count + minimumFraction + 2)
        if sign == .minus && units != 0 { text.append(UInt8(ascii: "-")) }
        for (position, digit) in digits.enumerated().reversed() {
            text.append(digit)
            if position == fraction && fraction > 0 { text.append(UInt8(ascii: ".")) }
        }
        if fraction < minimumFraction {
            if fraction == 0 { text.append(UInt8(ascii: ".")) }
            text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: minimumFraction - fraction))
        }
        return String(decoding: text, as: UTF8.self)
    }
}
