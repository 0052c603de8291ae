import CoexistModel
import Foundation

/// Turns raw records into model values, checking every value as SPEC §2.1 and §4.1 say.
///
/// A value that does not parse fails the record with a ``DecodeFailure`` naming the column; the
/// caller reports it as `invalid-value` and skips the record.
struct RecordDecoder {
    /// Offer → SKU, for records that carry an offer or a product name but no SKU id.
    var catalogue = OfferCatalogue()
    /// Partner tenant GUID (Graph's `ownerTenantId`) → MPN id.
    var partnerTenants: [TenantID: PartnerID] = [:]

    /// Tenant id and identity of a record, when it names one.
    func tenant(_ raw: RawRecord) throws(DecodeFailure) -> TenantInfo {
        let id = try tenantID(raw)
        let name = raw.trimmed(.tenantName).flatMap { $0.isEmpty ? nil : $0 }
        let domain = raw.trimmed(.tenantDomain).flatMap { $0.isEmpty ? nil : $0.lowercased() }
        return TenantInfo(id: id, name: name, domain: domain, source: raw.source)
    }

    /// The tenant id of a record.
    func tenantID(_ raw: RawRecord) throws(DecodeFailure) -> TenantID {
        try required(raw, .tenantId, "a tenant id (GUID)") { TenantID(parsing: $0) }
    }

    /// A subscription of the given view.
    func subscription(_ raw: RawRecord, tenant: TenantID, view: SubscriptionView) throws(DecodeFailure) -> Subscription {
        var raw = raw
        // Graph lists a few subscriptions (trials, free ones) without a commerce id: its own id stands in.
        if raw.trimmed(.subscriptionId)?.isEmpty ?? true, let alternate = raw.trimmed(.alternateId), !alternate.isEmpty {
            raw[.subscriptionId] = alternate
        }
        let id: SubscriptionID = try required(raw, .subscriptionId, "a subscription id (GUID)") { SubscriptionID(parsing: $0) }
        var record = Subscription(id: id, tenant: tenant, view: view, source: raw.source)
        for column in CanonicalColumn.allCases {
            guard let field = column.subscriptionField, raw[column] != nil else { continue }
            record.carried.insert(field)
        }
        record.channel = try optional(raw, .channel, "Direct, CSP, EA, Open or Other") { Channel(parsing: $0) }
        if view == .partner, raw[.channel] != nil, record.channel == nil {
            throw DecodeFailure(column: .channel, message: "Channel is empty; expected Direct, CSP, EA, Open or Other")
        }
        record.offerId = try requiredText(raw, .offerId, allowEmpty: view != .partner)
        record.offerName = nonEmpty(raw.trimmed(.offerName))
        record.sku = try optional(raw, .skuId, "a SKU id (GUID)") { SkuID(parsing: $0) }
        record.quantity = try required(raw, .quantity, "a number such as 25 (no thousands separators)") { parseCanonicalDecimal($0) }
        record.status = try required(raw, .status, "one of active, pending, suspended, expired, disabled, deleted, none") {
            SubscriptionStatus(parsing: $0)
        }
        record.startDate = try optional(raw, .startDate, "an ISO 8601 date such as 2026-11-01") { ISODate(parsing: $0) }
        record.endDate = try optional(raw, .endDate, "an ISO 8601 date such as 2026-11-01") { ISODate(parsing: $0) }
        record.billingCycle = try optional(raw, .billingCycle, "monthly, annual, triennial, one_time or none") {
            BillingCycle(parsing: $0)
        }
        record.termDuration = try optional(raw, .termDuration, "an ISO 8601 duration such as P1M, P1Y or P3Y", Self.termDuration)
        record.autoRenew = try optional(raw, .autoRenew, "true, false, yes, no, 1 or 0") { parseCanonicalBool($0) }
        record.readOnly = try optional(raw, .readOnly, "true, false, yes, no, 1 or 0") { parseCanonicalBool($0) }
        record.reseller = try partner(raw, .resellerPartnerId)
        record.advisors = try advisors(raw)
        record.unitPrice = try optional(raw, .unitPrice, "a number such as 12.50") { parseCanonicalDecimal($0) }
        record.currency = try optional(raw, .currency, "an ISO 4217 code such as EUR", Self.currency)
        try decodeSources(raw, into: &record)
        return record
    }

    /// The fields of §2.3's formats: Graph's alternate id and owner tenant, Insights' one attribution
    /// per row, and the SKU from the offer catalogue when the record has none.
    private func decodeSources(_ raw: RawRecord, into record: inout Subscription) throws(DecodeFailure) {
        if let alternate = nonEmpty(raw.trimmed(.alternateId)), alternate.lowercased() != record.id.description {
            record.alternateIDs = [GUID(parsing: alternate)?.text ?? alternate]
        }
        if let owner = try optional(raw, .ownerTenantId, "a partner tenant id (GUID)", { TenantID(parsing: $0) }) {
            // ownerTenantId set: a partner tenant created the subscription, i.e. it is CSP (SPEC §2.3).
            record.ownerTenant = owner
            if !record.carries(.channel) {
                record.channel = .csp
                record.carried.insert(.channel)
            }
            if !record.carries(.resellerPartnerId), let partner = partnerTenants[owner] {
                record.reseller = partner
                record.carried.insert(.resellerPartnerId)
            }
        }
        if raw[.advisorPartnerId] != nil {
            let kind = try optional(raw, .advisorKind, "POR, DPOR, CPOR or TPOR") { AdvisorKind(parsing: $0) } ?? .por
            if let partner = try partner(raw, .advisorPartnerId) { record.advisors.insert(Advisor(partner: partner, kind: kind)) }
        }
        let partNumber = nonEmpty(raw.trimmed(.skuPartNumber))
        if record.sku == nil {
            let resolved =
                record.offerId.flatMap { catalogue.sku(forOffer: $0) } ?? partNumber.flatMap { catalogue.sku(forName: $0) }
                ?? record.offerName.flatMap { catalogue.sku(forName: $0) }
            if let resolved {
                record.sku = resolved
                record.carried.insert(.skuId)
            }
        }
        // A name for messages only: not carried, so never compared.
        if record.offerName == nil {
            record.offerName = record.sku.flatMap { catalogue.productName(of: $0) } ?? partNumber
        }
    }

    /// A term duration as the model keeps it (upper case); nil when the trimmed text is not one.
    static func termDuration(_ text: String) -> String? {
        isDuration(text) ? (text.utf8.contains { $0 >= UInt8(ascii: "a") } ? text.uppercased() : text) : nil
    }

    /// A currency code as the model keeps it (upper case); nil when the trimmed text is not three letters.
    static func currency(_ text: String) -> String? {
        text.count == 3 && text.allSatisfy(\.isLetter) ? text.uppercased() : nil
    }

    /// A row of Billing > Licenses.
    func license(_ raw: RawRecord, tenant: TenantID) throws(DecodeFailure) -> LicensePool {
        let names = [nonEmpty(raw.trimmed(.skuPartNumber)), nonEmpty(raw.trimmed(.productName))].compactMap { $0 }
        var raw = raw
        if raw.trimmed(.skuId)?.isEmpty ?? true, let resolved = names.lazy.compactMap({ catalogue.sku(forName: $0) }).first {
            raw[.skuId] = resolved.description
        }
        let sku: SkuID = try required(raw, .skuId, "a SKU id (GUID), or a product name the offer catalogue knows") { SkuID(parsing: $0) }
        let total: Decimal = try required(raw, .totalLicenses, "a number such as 25") { parseCanonicalDecimal($0) }
        let assigned: Decimal? = try optional(raw, .assignedLicenses, "a number such as 25") { parseCanonicalDecimal($0) }
        return LicensePool(
            tenant: tenant, sku: sku,
            productName: nonEmpty(raw.trimmed(.productName)) ?? catalogue.productName(of: sku) ?? names.first,
            total: total, assigned: assigned, source: raw.source)
    }

    /// A partner ↔ tenant relationship.
    func relationship(_ raw: RawRecord, tenant: TenantID) throws(DecodeFailure) -> Relationship {
        let type: RelationshipType = try required(raw, .relationship, "Reseller, Advisor or DelegatedAdmin") {
            RelationshipType(parsing: $0)
        }
        let state: RelationshipState = try required(raw, .state, "Active, Pending or Terminated") { RelationshipState(parsing: $0) }
        return Relationship(
            tenant: tenant, partner: try partner(raw, .partnerId), type: type, state: state,
            establishedAt: try optional(raw, .establishedAt, "an ISO 8601 date such as 2026-11-01") { ISODate(parsing: $0) },
            invitedBy: raw.trimmed(.invitedBy)?.lowercased(), acceptedBy: raw.trimmed(.acceptedBy)?.lowercased(),
            source: raw.source)
    }

    /// A partner user and its roles.
    func partnerUser(_ raw: RawRecord) throws(DecodeFailure) -> PartnerUser {
        guard let upn = raw.trimmed(.userPrincipalName), !upn.isEmpty else {
            throw DecodeFailure(column: .userPrincipalName, message: "UserPrincipalName is empty")
        }
        let roles = splitList(raw[.roles] ?? "").compactMap { Role(parsing: $0) }
        return PartnerUser(
            userPrincipalName: upn, displayName: nonEmpty(raw.trimmed(.displayName)),
            roles: Set(roles), source: raw.source)
    }

    // MARK: - Values

    private func required<T>(
        _ raw: RawRecord, _ column: CanonicalColumn, _ expected: String, _ parse: (String) -> T?
    ) throws(DecodeFailure) -> T {
        let text = raw.trimmed(column) ?? ""
        guard !text.isEmpty else { throw DecodeFailure(column: column, message: "\(column.name) is empty; expected \(expected)") }
        guard let value = parse(text) else {
            throw DecodeFailure(column: column, message: "invalid \(column.name) \(quoted(text)); expected \(expected)")
        }
        return value
    }

    private func optional<T>(
        _ raw: RawRecord, _ column: CanonicalColumn, _ expected: String, _ parse: (String) -> T?
    ) throws(DecodeFailure) -> T? {
        guard let text = raw.trimmed(column), !text.isEmpty else { return nil }
        guard let value = parse(text) else {
            throw DecodeFailure(column: column, message: "invalid \(column.name) \(quoted(text)); expected \(expected)")
        }
        return value
    }

    private func requiredText(_ raw: RawRecord, _ column: CanonicalColumn, allowEmpty: Bool) throws(DecodeFailure) -> String? {
        guard let text = raw.trimmed(column) else { return nil }
        if text.isEmpty && !allowEmpty { throw DecodeFailure(column: column, message: "\(column.name) is empty") }
        return text.isEmpty ? nil : text
    }

    func partner(_ raw: RawRecord, _ column: CanonicalColumn) throws(DecodeFailure) -> PartnerID? {
        guard let text = raw[column] else { return nil }
        switch PartnerID.parse(text) {
        case .none: return nil
        case .partner(let id): return id
        case .invalid:
            throw DecodeFailure(column: column, message: "invalid \(column.name) \(quoted(text)); expected an MPN id (digits)")
        }
    }

    func advisors(_ raw: RawRecord) throws(DecodeFailure) -> Set<Advisor> {
        var result = Set<Advisor>()
        for entry in splitList(raw[.advisorPartnerIds] ?? "") {
            var kind = AdvisorKind.por
            var idText = Substring(entry)
            if let colon = entry.firstIndex(of: ":") {
                guard let parsed = AdvisorKind(parsing: entry[..<colon]) else {
                    throw DecodeFailure(
                        column: .advisorPartnerIds,
                        message: "invalid advisor kind in \(quoted(entry)); expected POR, DPOR, CPOR or TPOR")
                }
                kind = parsed
                idText = entry[entry.index(after: colon)...]
            }
            switch PartnerID.parse(idText) {
            case .none: continue
            case .partner(let id): result.insert(Advisor(partner: id, kind: kind))
            case .invalid:
                throw DecodeFailure(column: .advisorPartnerIds, message: "invalid advisor \(quoted(entry)); expected ID or KIND:ID")
            }
        }
        return result
    }
}

/// Splits a `;`-separated list field (also accepting `,` and line breaks), dropping empty entries.
func splitList(_ text: String) -> [String] {
    if text.isEmpty { return [] }
    return text.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == "\n" || $0 == "\r" })
        .map { $0.trimmingWhitespace() }
        .filter { !$0.isEmpty }
        .map(String.init)
}

func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.isEmpty else { return nil }
    return text
}

/// The value as messages show it: quoted, control characters escaped, cut at 60 characters.
func quoted(_ text: String) -> String {
    var shown = text.unicodeScalars.map { scalar -> String in
        scalar.value < 0x20 || scalar.value == 0x7F ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
    }.joined()
    if shown.count > 60 { shown = String(shown.prefix(60)) + "…" }
    return "\"\(shown)\""
}

/// An ISO 8601 duration of whole units: P1M, P1Y, P3Y, P30D (either case).
private func isDuration(_ text: String) -> Bool {
    let bytes = text.utf8
    guard bytes.count >= 3, let first = bytes.first, first | 0x20 == UInt8(ascii: "p"), let unit = bytes.last else { return false }
    guard [UInt8(ascii: "y"), UInt8(ascii: "m"), UInt8(ascii: "w"), UInt8(ascii: "d")].contains(unit | 0x20) else { return false }
    return bytes.dropFirst().dropLast().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
}
