import CoexistModel

/// Builds a ``FileContent`` from the events of a canonical `coexistExport` document (SPEC §2.2).
final class CanonicalXMLHandler: XMLEventHandler {
    /// Thrown at the first element when the root is not `coexistExport`.
    struct NotCanonical: Error {
        let root: String
    }

    private(set) var content: FileContent
    private var view: SubscriptionView = .partner
    private var depth = 0
    private var rootSeen = false
    private var tenant: (raw: RawRecord, id: TenantID?)?
    private var subscription: RawRecord?
    private var advisorEntries: [String] = []
    private var user: RawRecord?
    private var roles: [String] = []
    private var text = ""
    private var capturingText = false
    private var unknownElements = Set<String>()
    private var columnsByName: [String: CanonicalColumn?] = [:]

    private let decoder: RecordDecoder
    private var budget: XMLRecordBudget

    init(file: String, decoder: RecordDecoder = RecordDecoder(), recordsLeft: Int = .max) {
        self.decoder = decoder
        self.budget = XMLRecordBudget(left: recordsLeft)
        content = FileContent(file: file, format: "canonical-xml", decoder: decoder)
    }

    func startElement(_ name: String, namespaceURI: String?, attributes: [String: String], line: Int, column: Int) throws {
        depth += 1
        let source = Provenance(file: content.file, line: line)
        guard rootSeen else {
            guard name == "coexistExport" else { throw NotCanonical(root: name) }
            rootSeen = true
            try readRoot(attributes, line: line, column: column)
            return
        }
        switch name {
        case "partnerUsers":
            content.declare(.partnerUsers)
        case "user":
            try countRecord(line: line, column: column)
            user = record(attributes, source: source, column: column, renames: ["upn": .userPrincipalName])
            roles = []
        case "role", "offerName":
            text = ""
            capturingText = true
        case "tenant":
            let raw = record(
                attributes, source: source, column: column,
                renames: ["id": .tenantId, "name": .tenantName, "domain": .tenantDomain])
            content.declare(.relationships)
            content.declare(view == .partner ? .partnerSubscriptions : .customerSubscriptions)
            do throws(DecodeFailure) {
                let info = try decoder.tenant(raw)
                content.note(info)
                tenant = (raw, info.id)
            } catch {
                content.reject(raw, failure: error)
                tenant = (raw, nil)
            }
        case "relationship":
            try countRecord(line: line, column: column)
            var raw = record(attributes, source: source, column: column, renames: ["type": .relationship])
            guard inheritTenant(into: &raw) else { return }
            content.add(raw, as: .relationships)
        case "subscription":
            try countRecord(line: line, column: column)
            subscription = record(attributes, source: source, column: column, renames: ["id": .subscriptionId])
            // In the XML format advisors are child elements: no element means no advisor, a known value.
            subscription?.set(.advisorPartnerIds, "", at: column)
            advisorEntries = []
        case "advisor":
            let partner = attributes["partnerId"] ?? ""
            let kind = attributes["role"].map { AdvisorKind(parsing: $0)?.canonicalName ?? $0 } ?? "POR"
            advisorEntries.append("\(kind):\(partner)")
        case "license":
            try countRecord(line: line, column: column)
            var raw = record(
                attributes, source: source, column: column,
                renames: ["total": .totalLicenses, "assigned": .assignedLicenses])
            guard inheritTenant(into: &raw) else { return }
            content.add(raw, as: .customerLicenses)
        default:
            if unknownElements.insert(name).inserted {
                content.notices.append("\(content.file):\(line): ignoring element <\(name)> that coexist does not know")
            }
        }
    }

    /// Counts one record element (tenants are not records: they group them) against the export set's limit.
    private func countRecord(line: Int, column: Int) throws(IngestError) {
        try budget.count(file: content.file, line: line, column: column)
    }

    func endElement(_ name: String, namespaceURI: String?) throws {
        depth -= 1
        switch name {
        case "role":
            roles.append(text)
            capturingText = false
        case "offerName":
            subscription?[.offerName] = text
            capturingText = false
        case "user":
            if var raw = user {
                raw[.roles] = roles.joined(separator: ";")
                content.add(raw, as: .partnerUsers)
            }
            user = nil
        case "subscription":
            if var raw = subscription {
                raw[.advisorPartnerIds] = advisorEntries.joined(separator: ";")
                if inheritTenant(into: &raw) {
                    content.add(raw, as: view == .partner ? .partnerSubscriptions : .customerSubscriptions)
                } else if let id = raw.trimmed(.subscriptionId).flatMap({ SubscriptionID(parsing: $0) }) {
                    content.invalidSubscriptionIDs.insert(id)
                }
            }
            subscription = nil
        case "tenant":
            tenant = nil
        default:
            break
        }
    }

    func characters(_ chunk: String) throws {
        if capturingText { text += chunk }
    }

    private func readRoot(_ attributes: [String: String], line: Int, column: Int) throws {
        if let partner = attributes["partnerId"] {
            if case .partner(let id) = PartnerID.parse(partner) { content.exportingPartner = id }
        }
        if let exportedAt = attributes["exportedAt"], !exportedAt.isEmpty {
            guard let date = ISODate(parsing: exportedAt) else {
                throw IngestError.unrecognized(
                    file: content.file, reason: "line \(line): exportedAt \(quoted(exportedAt)) is not an ISO 8601 date")
            }
            content.exportedAt = date
        }
        switch attributes["view"].map({ canonicalKey($0) }) {
        case nil, "partner": view = .partner
        case "customer": view = .customer
        case let other?:
            throw IngestError.unrecognized(file: content.file, reason: "line \(line): view \(quoted(other)) must be partner or customer")
        }
    }

    /// A raw record from attributes: element-specific names first, then canonical names in lowerCamelCase.
    private func record(
        _ attributes: [String: String], source: Provenance, column: Int,
        renames: [String: CanonicalColumn]
    ) -> RawRecord {
        var raw = RawRecord(source: source)
        // The common element: every attribute known, no two naming one column. Read in any order,
        // with each name's column looked up once per file rather than keyed anew per element.
        var usual = true
        for (name, value) in attributes {
            guard let target = renames[name] ?? canonicalColumn(named: name), raw[target] == nil else {
                usual = false
                break
            }
            raw.set(target, value, at: column)
        }
        if usual { return raw }
        // Otherwise in name order, so which of two spellings wins and the order of notices never
        // depend on the order of the attributes.
        raw = RawRecord(source: source)
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            if let target = renames[name] ?? canonicalColumn(named: name) {
                raw.set(target, value, at: column)
            } else if unknownElements.insert("@" + name).inserted {
                content.notices.append("\(content.file):\(source.line): ignoring attribute \(name) that coexist does not know")
            }
        }
        return raw
    }

    /// The canonical column of an attribute name, cached: a file repeats a few dozen names millions of times.
    private func canonicalColumn(named name: String) -> CanonicalColumn? {
        if let known = columnsByName[name] { return known }
        let found = CanonicalColumn(header: name)
        columnsByName[name] = found
        return found
    }

    /// Gives a child record its tenant; false when the tenant is missing or invalid (already reported).
    private func inheritTenant(into raw: inout RawRecord) -> Bool {
        guard let tenant, let id = tenant.id else { return false }
        raw[.tenantId] = id.description
        if raw[.tenantName] == nil, let name = tenant.raw[.tenantName] { raw[.tenantName] = name }
        return true
    }
}
