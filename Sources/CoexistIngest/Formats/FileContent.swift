import CoexistModel

/// What one file yielded, held apart until the whole file has been read: a file that turns out to be
/// broken halfway contributes nothing to the model.
struct FileContent {
    let file: String
    var format: String
    /// Records per kind the file holds; a kind with 0 records is still present (an empty file of it).
    var kinds: [ExportKind: Int] = [:]
    var tenants: [TenantInfo] = []
    var subscriptions: [Subscription] = []
    var relationships: [Relationship] = []
    var licenses: [LicensePool] = []
    var partnerUsers: [PartnerUser] = []
    var problems: [RecordProblem] = []
    var invalidSubscriptionIDs: Set<SubscriptionID> = []
    var exportingPartner: PartnerID?
    var exportedAt: ISODate?
    var notices: [String] = []

    private let decoder = RecordDecoder()

    init(file: String, format: String) {
        self.file = file
        self.format = format
    }

    /// Declares that the file holds a kind, even with no record of it.
    mutating func declare(_ kind: ExportKind) {
        if kinds[kind] == nil { kinds[kind] = 0 }
    }

    /// Decodes one record of the given kind; an undecodable record becomes an `invalid-value` problem.
    mutating func add(_ raw: RawRecord, as kind: ExportKind) {
        declare(kind)
        do throws(DecodeFailure) {
            switch kind {
            case .partnerSubscriptions, .customerSubscriptions, .tenantSubscriptions:
                let tenant = try decoder.tenant(raw)
                tenants.append(tenant)
                subscriptions.append(try decodeSubscription(raw, tenant: tenant.id, view: kind.view ?? .partner))
            case .customerLicenses:
                let tenant = try decoder.tenant(raw)
                tenants.append(tenant)
                licenses.append(try decoder.license(raw, tenant: tenant.id))
            case .relationships:
                let tenant = try decoder.tenant(raw)
                tenants.append(tenant)
                relationships.append(try decoder.relationship(raw, tenant: tenant.id))
            case .customers:
                tenants.append(try decoder.tenant(raw))
            case .partnerUsers:
                partnerUsers.append(try decoder.partnerUser(raw))
            }
            kinds[kind, default: 0] += 1
        } catch {
            reject(raw, failure: error)
        }
    }

    private mutating func decodeSubscription(_ raw: RawRecord, tenant: TenantID, view: SubscriptionView) throws(DecodeFailure)
        -> Subscription
    {
        do {
            return try decoder.subscription(raw, tenant: tenant, view: view)
        } catch {
            // Remember the id of a skipped record so it is never also reported missing or added.
            if let id = raw.trimmed(.subscriptionId).flatMap({ SubscriptionID(parsing: $0) }) {
                invalidSubscriptionIDs.insert(id)
            }
            throw error
        }
    }

    /// Records a problem for a record that cannot be decoded.
    mutating func reject(_ raw: RawRecord, failure: DecodeFailure) {
        problems.append(
            RecordProblem(
                kind: .invalidValue, source: raw.source, column: raw.position(of: failure.column), message: failure.message,
                tenant: raw.trimmed(.tenantId).flatMap { TenantID(parsing: $0) },
                subscription: raw.trimmed(.subscriptionId).flatMap { SubscriptionID(parsing: $0) }))
    }
}
