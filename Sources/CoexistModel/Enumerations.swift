import Foundation

/// How enumerations are read from exports: case-insensitively, ignoring spaces, `_` and `-`.
public protocol CanonicalEnum: CaseIterable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The canonical spelling written in reports.
    var canonicalName: String { get }
    /// Extra spellings that Microsoft's portals and APIs use for this value.
    var aliases: [String] { get }
    /// Spelling → value, built once per type by ``makeLookupTable()``: parsing runs for every enum
    /// value of every record.
    static var lookupTable: [String: Self] { get }
}

extension CanonicalEnum {
    public var aliases: [String] { [] }
    public var description: String { canonicalName }

    /// The value whose canonical name or alias matches `raw`; nil when none does.
    public init?(parsing raw: some StringProtocol) {
        let table = Self.lookupTable
        // The exact spellings are in the table too: most values match without building a key.
        guard let match = table[String(raw)] ?? table[canonicalKey(raw)] else { return nil }
        self = match
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.canonicalName < rhs.canonicalName }

    /// The table behind ``lookupTable``: every name and alias by its ``canonicalKey(_:)`` and as spelled.
    public static func makeLookupTable() -> [String: Self] {
        var table: [String: Self] = [:]
        for value in allCases {
            for name in [value.canonicalName] + value.aliases {
                if table[canonicalKey(name)] == nil { table[canonicalKey(name)] = value }
            }
        }
        for value in allCases {
            // Only where the key agrees, so an exact spelling never parses differently from its key.
            for name in [value.canonicalName] + value.aliases where table[name] == nil && table[canonicalKey(name)] == value {
                table[name] = value
            }
        }
        return table
    }
}

/// Lower case, without spaces, `_`, `-` and a leading apostrophe: the key header names and enum values match on.
public func canonicalKey(_ raw: some StringProtocol) -> String {
    var bytes = Substring(raw).utf8[...]
    if bytes.first == UInt8(ascii: "'") { bytes = bytes.dropFirst() }
    // ASCII fast path: lower-case and drop separators byte by byte.
    if bytes.allSatisfy({ $0 < 0x80 }) {
        return String(unsafeUninitializedCapacity: bytes.count) { buffer in
            var count = 0
            for byte in bytes {
                switch byte {
                case 0x20, 0x09, UInt8(ascii: "_"), UInt8(ascii: "-"): continue
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): buffer[count] = byte + 32
                default: buffer[count] = byte
                }
                count += 1
            }
            return count
        }
    }
    var key = ""
    for scalar in Substring(raw).unicodeScalars where scalar != " " && scalar != "_" && scalar != "-" && scalar != "\t" {
        key.unicodeScalars.append(scalar)
    }
    if key.hasPrefix("'") { key.removeFirst() }
    return key.lowercased()
}

/// Where a subscription was bought.
public enum Channel: String, CanonicalEnum {
    public static let lookupTable = makeLookupTable()
    case direct = "Direct"
    case csp = "CSP"
    case ea = "EA"
    case open = "Open"
    case other = "Other"

    public var canonicalName: String { rawValue }
    public var aliases: [String] {
        switch self {
        case .direct: ["Web Direct", "MOSP"]
        case .csp: ["Cloud Solution Provider"]
        case .ea: ["Enterprise Agreement"]
        case .open: ["Open Value", "Open License"]
        case .other: []
        }
    }
}

/// The subscription lifecycle every source's status maps to (SPEC §3).
public enum SubscriptionStatus: String, CanonicalEnum {
    public static let lookupTable = makeLookupTable()
    case active, grace, pending, suspended, expired, disabled, deleted, none

    public var canonicalName: String { rawValue }
    public var aliases: [String] {
        switch self {
        case .active: ["Enabled"]
        case .grace: ["Warning", "InGracePeriod"]
        case .suspended: ["LockedOut"]
        default: []
        }
    }

    /// Licenses of the subscription count (active or in its grace period).
    public var isInService: Bool { self == .active || self == .grace }
    /// Fully working: only `active`.
    public var isHealthy: Bool { self == .active }
}

/// How often a subscription is billed.
public enum BillingCycle: String, CanonicalEnum {
    public static let lookupTable = makeLookupTable()
    case monthly, annual, triennial
    case oneTime = "one_time"
    case none

    public var canonicalName: String { rawValue }
    public var aliases: [String] {
        switch self {
        case .monthly: ["month", "P1M"]
        case .annual: ["yearly", "year", "P1Y"]
        case .triennial: ["P3Y"]
        case .oneTime: ["onetime"]
        case .none: ["unknown"]
        }
    }
}

/// The kind of a subscription advisor (partner attribution).
public enum AdvisorKind: String, CanonicalEnum {
    public static let lookupTable = makeLookupTable()
    /// Partner of record.
    case por = "POR"
    /// Digital partner of record (EA).
    case dpor = "DPOR"
    /// Claiming partner of record.
    case cpor = "CPOR"
    /// Transacting partner (reseller) of record.
    case tpor = "TPOR"

    public var canonicalName: String { rawValue }
    public var aliases: [String] {
        switch self {
        case .por: ["PartnerOfRecord"]
        case .dpor: ["DigitalPartnerOfRecord"]
        case .cpor: ["ClaimingPartnerOfRecord"]
        case .tpor: ["TransactingPartnerOfRecord", "ResellerOfRecord"]
        }
    }
}

/// The type of a partner ↔ tenant relationship.
public enum RelationshipType: String, CanonicalEnum {
    public static let lookupTable = makeLookupTable()
    case reseller = "Reseller"
    case advisor = "Advisor"
    case delegatedAdmin = "DelegatedAdmin"

    public var canonicalName: String { rawValue }
    public var aliases: [String] {
        switch self {
        case .reseller: ["Cloud Reseller", "ResellerRelationship"]
        case .advisor: ["Cloud Advisor"]
        case .delegatedAdmin: ["GDAP", "DAP", "Delegated Admin Privileges"]
        }
    }
}

/// The state of a relationship.
public enum RelationshipState: String, CanonicalEnum {
    public static let lookupTable = makeLookupTable()
    case active = "Active"
    case pending = "Pending"
    case terminated = "Terminated"

    public var canonicalName: String { rawValue }
    public var aliases: [String] {
        switch self {
        case .active: ["Approved", "Accepted"]
        case .pending: ["Invited", "ApprovalPending"]
        case .terminated: ["Expired", "Removed", "Inactive"]
        }
    }
}

/// Which view of the subscriptions a record comes from.
public enum SubscriptionView: String, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    /// The CSP partner's view (Partner Center): every subscription of the tenant.
    case partner
    /// The customer's Billing > Subscriptions.
    case customer
    /// The tenant's own directory list (Graph `directory/subscriptions`), CSP subscriptions included.
    case tenant

    /// The order views are consulted when a field is carried by several: partner first.
    public var priority: Int {
        switch self {
        case .partner: 0
        case .customer: 1
        case .tenant: 2
        }
    }
    public static func < (lhs: SubscriptionView, rhs: SubscriptionView) -> Bool { lhs.priority < rhs.priority }
    public var description: String { rawValue }

    // Hashed by case, not by name (see `ExportKind`): a snapshot finds a record's view once a record.
    public func hash(into hasher: inout Hasher) { hasher.combine(priority) }
    public func _rawHashValue(seed: Int) -> Int { smallTableHash(priority, seed: seed) }
}

/// A partner user role; the known ones keep their canonical spelling, others are kept as given.
public struct Role: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Canonical spelling (`AdminAgent`) or the text as given for an unknown role.
    public let name: String

    public static let adminAgent = Role(name: "AdminAgent")
    public static let salesAgent = Role(name: "SalesAgent")
    public static let helpdeskAgent = Role(name: "HelpdeskAgent")
    public static let globalAdmin = Role(name: "GlobalAdmin")
    public static let billingAdmin = Role(name: "BillingAdmin")
    static let known: [Role] = [.adminAgent, .salesAgent, .helpdeskAgent, .globalAdmin, .billingAdmin]

    private init(name: String) { self.name = name }

    /// Maps `adminagent`, `Admin Agent`, `admin_agent` to `AdminAgent`; keeps unknown roles as given.
    public init?(parsing raw: some StringProtocol) {
        let trimmed = Substring(raw).trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        let key = canonicalKey(trimmed)
        let aliases = [
            "globaladministrator": Role.globalAdmin, "companyadministrator": .globalAdmin,
            "billingadministrator": .billingAdmin,
        ]
        if let known = Role.known.first(where: { canonicalKey($0.name) == key }) ?? aliases[key] {
            self = known
        } else {
            name = String(trimmed)
        }
    }

    /// Two roles are the same when their canonical keys are.
    public static func == (lhs: Role, rhs: Role) -> Bool { canonicalKey(lhs.name) == canonicalKey(rhs.name) }
    public func hash(into hasher: inout Hasher) { hasher.combine(canonicalKey(name)) }
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.name < rhs.name }
    public var description: String { name }
}
