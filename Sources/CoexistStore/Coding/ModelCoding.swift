import CoexistModel
import Foundation

/// What a stored record holds: one item of the normalized model. Stored as an integer.
public enum RecordKind: Int, CaseIterable, Sendable {
    case subscription = 1
    case tenant = 2
    case relationship = 3
    case license = 4
    case partnerUser = 5
}

/// One item of a snapshot's model, without its provenance (file and line), which the snapshot keeps
/// apart: the same record seen on another line of tomorrow's export is the same stored record.
enum ModelItem: Equatable {
    case subscription(Subscription)
    case tenant(TenantInfo)
    case relationship(Relationship)
    case license(LicensePool)
    case partnerUser(PartnerUser)

    var kind: RecordKind {
        switch self {
        case .subscription: .subscription
        case .tenant: .tenant
        case .relationship: .relationship
        case .license: .license
        case .partnerUser: .partnerUser
        }
    }

    /// The tenant the item belongs to; nil for partner-wide items (partner users).
    var tenant: TenantID? {
        switch self {
        case .subscription(let value): value.tenant
        case .tenant(let value): value.id
        case .relationship(let value): value.tenant
        case .license(let value): value.tenant
        case .partnerUser: nil
        }
    }

    /// Where the item came from; nil when its source does not say (a tenant named nowhere).
    var source: Provenance? {
        switch self {
        case .subscription(let value): value.source
        case .tenant(let value): value.source
        case .relationship(let value): value.source
        case .license(let value): value.source
        case .partnerUser(let value): value.source
        }
    }

    /// The payload bytes: a format version, then the fields in a fixed order. Provenance is left out.
    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.byte(ModelItem.formatVersion)
        switch self {
        case .subscription(let value): value.write(to: &out)
        case .tenant(let value):
            out.guid(value.id.guid)
            out.optional(value.name) { $0.string($1) }
            out.optional(value.domain) { $0.string($1) }
        case .relationship(let value):
            out.guid(value.tenant.guid)
            out.optional(value.partner) { $0.string($1.digits) }
            out.string(value.type.rawValue)
            out.string(value.state.rawValue)
            out.optional(value.establishedAt) { $0.date($1) }
            out.optional(value.invitedBy) { $0.string($1) }
            out.optional(value.acceptedBy) { $0.string($1) }
        case .license(let value):
            out.guid(value.tenant.guid)
            out.guid(value.sku.guid)
            out.optional(value.productName) { $0.string($1) }
            out.decimal(value.total)
            out.optional(value.assigned) { $0.decimal($1) }
        case .partnerUser(let value):
            out.string(value.userPrincipalName)
            out.optional(value.displayName) { $0.string($1) }
            let roles = value.roles.map(\.name).sorted()
            out.count(roles.count)
            for role in roles { out.string(role) }
        }
        return out.bytes
    }

    /// Reads a payload of the given kind back, with the provenance the snapshot kept for it.
    static func decode(_ kind: RecordKind, _ bytes: [UInt8], source: Provenance?) throws(ByteReader.Malformed) -> ModelItem {
        var input = ByteReader(bytes)
        let version = try input.byte()
        guard version == formatVersion else { throw ByteReader.Malformed(offset: 0, reason: "unknown record format \(version)") }
        let noSource = Provenance(file: "", line: 0)
        switch kind {
        case .subscription:
            return .subscription(try Subscription.read(from: &input, source: source ?? noSource))
        case .tenant:
            let id = TenantID(try input.guid())
            let name = try input.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in try reader.string() }
            let domain = try input.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in try reader.string() }
            return .tenant(TenantInfo(id: id, name: name, domain: domain, source: source))
        case .relationship:
            let tenant = TenantID(try input.guid())
            let partner = try input.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in
                PartnerID(digits: try reader.string())
            }
            let type = try input.enumeration(RelationshipType.self)
            let state = try input.enumeration(RelationshipState.self)
            let established = try input.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in try reader.date() }
            let invitedBy = try input.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in try reader.string() }
            let acceptedBy = try input.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in try reader.string() }
            return .relationship(
                Relationship(
                    tenant: tenant, partner: partner, type: type, state: state, establishedAt: established, invitedBy: invitedBy,
                    acceptedBy: acceptedBy, source: source ?? noSource))
        case .license:
            let tenant = TenantID(try input.guid())
            let sku = SkuID(try input.guid())
            let name = try input.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in try reader.string() }
            let total = try input.decimal()
            let assigned = try input.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in try reader.decimal() }
            return .license(
                LicensePool(tenant: tenant, sku: sku, productName: name, total: total, assigned: assigned, source: source ?? noSource))
        case .partnerUser:
            let upn = try input.string()
            let name = try input.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in try reader.string() }
            var roles = Set<Role>()
            for _ in 0..<(try input.count()) {
                if let role = Role(parsing: try input.string()) { roles.insert(role) }
            }
            return .partnerUser(PartnerUser(userPrincipalName: upn, displayName: name, roles: roles, source: source ?? noSource))
        }
    }

    static let formatVersion: UInt8 = 1
}

extension Subscription {
    fileprivate func write(to out: inout ByteWriter) {
        out.guid(id.guid)
        out.guid(tenant.guid)
        out.string(view.rawValue)
        out.count(alternateIDs.count)
        for alternate in alternateIDs { out.string(alternate) }
        out.unsigned(UInt64(carried.rawValue))
        out.optional(channel) { $0.string($1.rawValue) }
        out.optional(offerId) { $0.string($1) }
        out.optional(offerName) { $0.string($1) }
        out.optional(sku) { $0.guid($1.guid) }
        out.optional(quantity) { $0.decimal($1) }
        out.optional(status) { $0.string($1.rawValue) }
        out.optional(startDate) { $0.date($1) }
        out.optional(endDate) { $0.date($1) }
        out.optional(billingCycle) { $0.string($1.rawValue) }
        out.optional(termDuration) { $0.string($1) }
        out.optional(autoRenew) { $0.bool($1) }
        out.optional(readOnly) { $0.bool($1) }
        out.optional(reseller) { $0.string($1.digits) }
        let sortedAdvisors = advisors.sorted()
        out.count(sortedAdvisors.count)
        for advisor in sortedAdvisors {
            out.string(advisor.kind.rawValue)
            out.string(advisor.partner.digits)
        }
        out.optional(unitPrice) { $0.decimal($1) }
        out.optional(currency) { $0.string($1) }
        out.optional(ownerTenant) { $0.guid($1.guid) }
    }

    fileprivate static func read(from input: inout ByteReader, source: Provenance) throws(ByteReader.Malformed) -> Subscription {
        typealias Reader = ByteReader
        func text(_ reader: inout Reader) throws(Reader.Malformed) -> String { try reader.string() }
        let id = SubscriptionID(try input.guid())
        let tenant = TenantID(try input.guid())
        var record = Subscription(id: id, tenant: tenant, view: try input.enumeration(SubscriptionView.self), source: source)
        for _ in 0..<(try input.count()) { record.alternateIDs.append(try input.string()) }
        record.carried = FieldSet(rawValue: UInt32(truncatingIfNeeded: try input.unsigned()))
        record.channel = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in try reader.enumeration(Channel.self) }
        record.offerId = try input.optional(text)
        record.offerName = try input.optional(text)
        record.sku = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in SkuID(try reader.guid()) }
        record.quantity = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in try reader.decimal() }
        record.status = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in
            try reader.enumeration(SubscriptionStatus.self)
        }
        record.startDate = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in try reader.date() }
        record.endDate = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in try reader.date() }
        record.billingCycle = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in
            try reader.enumeration(BillingCycle.self)
        }
        record.termDuration = try input.optional(text)
        record.autoRenew = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in try reader.bool() }
        record.readOnly = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in try reader.bool() }
        record.reseller = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in PartnerID(digits: try reader.string()) }
        for _ in 0..<(try input.count()) {
            let kind = try input.enumeration(AdvisorKind.self)
            record.advisors.insert(Advisor(partner: PartnerID(digits: try input.string()), kind: kind))
        }
        record.unitPrice = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in try reader.decimal() }
        record.currency = try input.optional(text)
        record.ownerTenant = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in TenantID(try reader.guid()) }
        return record
    }
}
