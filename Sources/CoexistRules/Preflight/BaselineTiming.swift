import CoexistModel

/// A baseline taken after the tenant's reseller relationship was established: what changed between
/// the two dates is not protected, so protection starts late.
public struct LateBaseline: Sendable, Hashable {
    public let tenant: TenantID
    public let baselineAsOf: ISODate
    /// When the earliest reseller relationship (of the exporting partner, when known) was established.
    public let establishedAt: ISODate
    public let partner: PartnerID?

    /// One sentence for reports.
    public var message: String {
        "late baseline: taken \(baselineAsOf.calendarDay), after the reseller relationship"
            + (partner.map { " of \($0)" } ?? "") + " was established \(establishedAt.calendarDay); "
            + "changes between those dates are not protected"
    }
}

/// When a baseline was taken compared with the relationship it should precede.
public enum BaselineTiming {
    /// The lateness of a tenant's baseline, or nil when it was taken before (or no relationship says when).
    ///
    /// Looks at the tenant's Reseller relationships that carry an EstablishedAt, of the exporting
    /// partner when it is known, in every given list (baseline and current exports).
    public static func lateness(
        tenant: TenantID, baselineAsOf: ISODate, relationships: [Relationship], exportingPartners: Set<PartnerID>
    ) -> LateBaseline? {
        let candidates = relationships.filter { relationship in
            guard relationship.tenant == tenant, relationship.type == .reseller, relationship.establishedAt != nil else { return false }
            guard !exportingPartners.isEmpty else { return true }
            return relationship.partner.map { exportingPartners.contains($0) } ?? false
        }
        guard
            let earliest = candidates.min(by: { ISODate.compare($0.establishedAt!, $1.establishedAt!) < 0 }),
            let established = earliest.establishedAt, ISODate.compare(baselineAsOf, established) > 0
        else { return nil }
        return LateBaseline(tenant: tenant, baselineAsOf: baselineAsOf, establishedAt: established, partner: earliest.partner)
    }
}
