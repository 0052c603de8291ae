import CoexistModel

/// A column of the canonical CSV formats (SPEC §2.1), also the target of XML attributes and mappings.
public enum CanonicalColumn: Int, CaseIterable, Sendable, CustomStringConvertible {
    case tenantId, tenantName, tenantDomain, view
    case subscriptionId, channel, offerId, offerName, skuId, quantity, status, startDate, endDate
    case billingCycle, termDuration, autoRenew, readOnly, resellerPartnerId, advisorPartnerIds, unitPrice, currency
    case productName, totalLicenses, assignedLicenses
    case partnerId, relationship, state, establishedAt, invitedBy, acceptedBy
    case userPrincipalName, displayName, roles
    // Beyond SPEC §2.1, for the real-world formats of §2.3 (and usable in any mapping or canonical file):
    case alternateId, ownerTenantId, advisorKind, advisorPartnerId, skuPartNumber

    /// The canonical CSV header name.
    public var name: String {
        switch self {
        case .tenantId: "TenantId"
        case .tenantName: "TenantName"
        case .tenantDomain: "TenantDomain"
        case .view: "View"
        case .subscriptionId: "SubscriptionId"
        case .channel: "Channel"
        case .offerId: "OfferId"
        case .offerName: "OfferName"
        case .skuId: "SkuId"
        case .quantity: "Quantity"
        case .status: "Status"
        case .startDate: "StartDate"
        case .endDate: "EndDate"
        case .billingCycle: "BillingCycle"
        case .termDuration: "TermDuration"
        case .autoRenew: "AutoRenew"
        case .readOnly: "ReadOnly"
        case .resellerPartnerId: "ResellerPartnerId"
        case .advisorPartnerIds: "AdvisorPartnerIds"
        case .unitPrice: "UnitPrice"
        case .currency: "Currency"
        case .productName: "ProductName"
        case .totalLicenses: "TotalLicenses"
        case .assignedLicenses: "AssignedLicenses"
        case .partnerId: "PartnerId"
        case .relationship: "Relationship"
        case .state: "State"
        case .establishedAt: "EstablishedAt"
        case .invitedBy: "InvitedBy"
        case .acceptedBy: "AcceptedBy"
        case .userPrincipalName: "UserPrincipalName"
        case .displayName: "DisplayName"
        case .roles: "Roles"
        case .alternateId: "AlternateId"
        case .ownerTenantId: "OwnerTenantId"
        case .advisorKind: "AdvisorKind"
        case .advisorPartnerId: "AdvisorPartnerId"
        case .skuPartNumber: "SkuPartNumber"
        }
    }

    public var description: String { name }

    /// The subscription field this column fills, if any.
    var subscriptionField: SubscriptionField? {
        switch self {
        case .channel: .channel
        case .offerId: .offerId
        case .offerName: .offerName
        case .skuId: .skuId
        case .quantity: .quantity
        case .status: .status
        case .startDate: .startDate
        case .endDate: .endDate
        case .billingCycle: .billingCycle
        case .termDuration: .termDuration
        case .autoRenew: .autoRenew
        case .readOnly: .readOnly
        case .resellerPartnerId: .resellerPartnerId
        case .advisorPartnerIds, .advisorPartnerId: .advisors
        case .unitPrice: .unitPrice
        case .currency: .currency
        default: nil
        }
    }

    /// How a localized or mapped value of this column is normalized before it is decoded.
    var valueType: ValueType {
        switch self {
        case .quantity, .unitPrice, .totalLicenses, .assignedLicenses: .decimal
        case .startDate, .endDate, .establishedAt: .date
        case .channel, .status, .billingCycle, .autoRenew, .readOnly, .relationship, .state, .view, .advisorKind: .enumeration
        default: .text
        }
    }

    /// See ``valueType``.
    enum ValueType {
        case text, decimal, date, enumeration
    }

    private static let byKey: [String: CanonicalColumn] = Dictionary(
        uniqueKeysWithValues: allCases.map { (canonicalKey($0.name), $0) })

    /// Matches a header name case-insensitively, ignoring spaces, `_` and `-` (SPEC §2.1).
    public init?(header: some StringProtocol) {
        guard let column = CanonicalColumn.byKey[canonicalKey(header)] else { return nil }
        self = column
    }
}

/// The columns each canonical kind requires, in the order messages list them.
enum CanonicalSignature {
    static let subscriptions: [CanonicalColumn] = [.tenantId, .subscriptionId, .offerId, .quantity, .status]
    static let partnerSubscriptions: [CanonicalColumn] = [.tenantId, .subscriptionId, .channel, .offerId, .quantity, .status]
    static let licenses: [CanonicalColumn] = [.tenantId, .skuId, .totalLicenses]
    static let relationships: [CanonicalColumn] = [.tenantId, .partnerId, .relationship, .state]
    static let partnerUsers: [CanonicalColumn] = [.userPrincipalName, .roles]

    /// The kind a set of canonical columns is, or why none fits.
    enum Outcome: Equatable {
        /// A subscriptions file; `perRowView` when a View column decides per row.
        case subscriptions(defaultView: SubscriptionView, perRowView: Bool)
        case single(ExportKind)
        case ambiguous([ExportKind])
        case none(bestGuess: ExportKind?, missing: [CanonicalColumn])
    }

    static func classify(_ columns: Set<CanonicalColumn>) -> Outcome {
        var fits: [ExportKind] = []
        if subscriptions.allSatisfy(columns.contains) {
            fits.append(columns.contains(.channel) ? .partnerSubscriptions : .customerSubscriptions)
        }
        if licenses.allSatisfy(columns.contains) { fits.append(.customerLicenses) }
        if relationships.allSatisfy(columns.contains) { fits.append(.relationships) }
        if partnerUsers.allSatisfy(columns.contains) { fits.append(.partnerUsers) }
        switch fits.count {
        case 0:
            let candidates: [(ExportKind, [CanonicalColumn])] = [
                (.partnerSubscriptions, partnerSubscriptions), (.customerSubscriptions, subscriptions),
                (.customerLicenses, licenses), (.relationships, relationships), (.partnerUsers, partnerUsers),
            ]
            let best = candidates.max { lhs, rhs in
                lhs.1.filter(columns.contains).count < rhs.1.filter(columns.contains).count
            }
            guard let best, best.1.contains(where: columns.contains) else { return .none(bestGuess: nil, missing: []) }
            return .none(bestGuess: best.0, missing: best.1.filter { !columns.contains($0) })
        case 1:
            let kind = fits[0]
            if let view = kind.view {
                return .subscriptions(defaultView: view, perRowView: columns.contains(.view))
            }
            return .single(kind)
        default:
            return .ambiguous(fits)
        }
    }

    /// The message for a data file that fits no kind.
    static func expectation(bestGuess: ExportKind?, missing: [CanonicalColumn]) -> String {
        let all = """
            expected the columns of one kind: partner-subscriptions (\(partnerSubscriptions.map(\.name).joined(separator: ", "))), \
            customer-subscriptions (\(subscriptions.map(\.name).joined(separator: ", "))), \
            customer-licenses (\(licenses.map(\.name).joined(separator: ", "))), \
            relationships (\(relationships.map(\.name).joined(separator: ", "))), \
            partner-users (\(partnerUsers.map(\.name).joined(separator: ", ")))
            """
        guard let bestGuess, !missing.isEmpty else { return all }
        return "looks like \(bestGuess) but lacks \(missing.map(\.name).joined(separator: ", ")); " + all
    }
}
