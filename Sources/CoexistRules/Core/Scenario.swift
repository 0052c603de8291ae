import CoexistModel
import Foundation

/// A baseline and a current export set, small enough to read: the material of rule examples.
///
/// Ids are made from small numbers so examples stay legible: ``Scenario/tenant(_:)`` 1 is
/// `00000000-0000-0000-0000-000000000001`. The exporting partner is ``Scenario/partner`` unless
/// an example says otherwise.
public struct Scenario: Sendable {
    public var baseline: Snapshot
    public var current: Snapshot
    public var exportingPartners: Set<PartnerID>

    /// The exporting CSP partner of the examples.
    public static let partner = PartnerID(digits: "4847383")
    /// Another CSP partner.
    public static let otherPartner = PartnerID(digits: "5550001")

    public init(baseline: Snapshot, current: Snapshot, exportingPartners: Set<PartnerID> = [Scenario.partner]) {
        self.baseline = baseline
        self.current = current
        self.exportingPartners = exportingPartners
    }

    /// Tenant number `n`.
    public static func tenant(_ n: Int) -> TenantID { TenantID(guid(n, prefix: "00000000")) }
    /// Subscription number `n`.
    public static func subscriptionID(_ n: Int) -> SubscriptionID { SubscriptionID(guid(n, prefix: "5b5b5b5b")) }
    /// SKU number `n`.
    public static func sku(_ n: Int) -> SkuID { SkuID(guid(n, prefix: "5c5c5c5c")) }

    private static func guid(_ n: Int, prefix: String) -> GUID {
        let digits = String(n)
        // Safe: the text is a well-formed GUID by construction.
        return GUID(parsing: "\(prefix)-0000-0000-0000-" + String(repeating: "0", count: 12 - digits.count) + digits)!
    }

    /// A subscription as a canonical partner export carries it (every optional column present).
    public static func subscription(
        _ n: Int, tenant: Int = 1, view: SubscriptionView = .partner, channel: Channel = .direct,
        status: SubscriptionStatus = .active, quantity: Decimal = 10, sku: Int? = nil, offer: String? = nil,
        reseller: PartnerID? = nil, advisors: Set<Advisor> = [], readOnly: Bool? = nil,
        start: String = "2025-01-01", end: String? = "2026-12-31", billingCycle: BillingCycle = .annual,
        line: Int? = nil
    ) -> Subscription {
        var record = Subscription(
            id: subscriptionID(n), tenant: self.tenant(tenant), view: view,
            source: Provenance(file: "\(view).csv", line: line ?? n + 1))
        record.carried = FieldSet([
            .channel, .offerId, .offerName, .skuId, .quantity, .status, .startDate, .endDate,
            .billingCycle, .resellerPartnerId, .advisors, .readOnly,
        ])
        record.channel = channel
        record.offerId = offer ?? "OFFER-\(sku ?? n)"
        record.offerName = "Product \(sku ?? n)"
        record.sku = self.sku(sku ?? n)
        record.quantity = quantity
        record.status = status
        record.startDate = ISODate(parsing: start)
        record.endDate = end.flatMap { ISODate(parsing: $0) }
        record.billingCycle = billingCycle
        record.reseller = reseller
        record.advisors = advisors
        record.readOnly = readOnly ?? (channel != .csp || (reseller != nil && reseller != partner))
        return record
    }

    /// A reseller (or other) relationship of tenant `tenant` with `partner`.
    public static func relationship(
        tenant: Int = 1, partner: PartnerID = Scenario.partner, type: RelationshipType = .reseller,
        state: RelationshipState = .active, invitedBy: String? = "alice@partner.example"
    ) -> Relationship {
        Relationship(
            tenant: self.tenant(tenant), partner: partner, type: type, state: state,
            invitedBy: invitedBy, source: Provenance(file: "relationships.csv", line: 2))
    }

    /// A partner user with roles.
    public static func user(_ upn: String, _ roles: Role...) -> PartnerUser {
        PartnerUser(userPrincipalName: upn, roles: Set(roles), source: Provenance(file: "users.csv", line: 2))
    }

    /// A license pool of SKU number `sku`.
    public static func license(tenant: Int = 1, sku: Int, total: Decimal) -> LicensePool {
        LicensePool(
            tenant: self.tenant(tenant), sku: self.sku(sku), total: total,
            source: Provenance(file: "licenses.csv", line: sku + 1))
    }

    /// An export set from its parts; `nil` leaves a kind absent, `[]` makes it present and empty.
    public static func snapshot(
        partner: [Subscription]? = [], customer: [Subscription]? = nil, licenses: [LicensePool]? = nil,
        relationships: [Relationship]? = nil, users: [PartnerUser]? = nil, asOf: String = "2026-11-25"
    ) -> Snapshot {
        var snapshot = Snapshot()
        snapshot.asOf = ISODate(parsing: asOf)
        if let partner {
            snapshot.declareView(.partner)
            partner.forEach { snapshot.insert($0) }
        }
        if let customer {
            snapshot.declareView(.customer)
            customer.forEach { snapshot.insert($0) }
        }
        snapshot.licenses = licenses
        snapshot.relationships = relationships
        snapshot.partnerUsers = users
        for record in snapshot.mergedSubscriptions().values { snapshot.noteTenant(TenantInfo(id: record.tenant)) }
        return snapshot
    }
}

extension Subscription {
    /// A copy with some fields changed, for examples: `.with { $0.quantity = 30 }`.
    public func with(_ change: (inout Subscription) -> Void) -> Subscription {
        var copy = self
        change(&copy)
        return copy
    }
}
