import CoexistModel

/// Builds a ``FileContent`` from the events of a canonical `coexistExport` document (SPEC §2.2).
///
/// `<subscription>` and `<license>` elements go through ``CanonicalXMLFastPath`` first; an element it
/// refers (or every element, with `fastPath` false) is read the reference way: its attributes as a
/// dictionary of Strings, a ``RawRecord``, ``RecordDecoder``.
///
/// The state a record is read into is marked `@exclusivity(unchecked)`: libxml2 calls the handler on
/// one thread, one callback at a time, and no callback re-enters it, so no two accesses can overlap;
/// the runtime's check on each of them was ≈ 3% of reading an XML export (`swift_beginAccess`).
final class CanonicalXMLHandler: XMLByteEventHandler {
    /// Thrown at the first element when the root is not `coexistExport`.
    struct NotCanonical: Error {
        let root: String
    }

    /// The attributes of a start tag, as the session delivered them.
    private enum Attributes {
        case bytes(XMLStartTag)
        case dictionary([String: String])

        var dictionary: [String: String] {
            switch self {
            case .bytes(let tag): tag.attributes()
            case .dictionary(let attributes): attributes
            }
        }
    }

    /// Attribute names that differ from their canonical column's, by element.
    static let subscriptionRenames: [String: CanonicalColumn] = ["id": .subscriptionId]
    static let licenseRenames: [String: CanonicalColumn] = ["total": .totalLicenses, "assigned": .assignedLicenses]

    @exclusivity(unchecked) private(set) var content: FileContent
    private var view: SubscriptionView = .partner
    @exclusivity(unchecked) private var depth = 0
    private var rootSeen = false
    private var tenant: (raw: RawRecord, id: TenantID?)?
    /// The open tenant's id when valid: what the fast path reads, without copying `tenant`'s record.
    @exclusivity(unchecked) private var tenantID: TenantID?
    /// The open subscription read the reference way…
    @exclusivity(unchecked) private var subscription: RawRecord?
    /// …or on the fast path: its line and column, its attributes in `subscriptionAttributes`.
    @exclusivity(unchecked) private var fastSubscription: (source: Provenance, column: Int)?
    @exclusivity(unchecked) private var subscriptionAttributes = XMLRecordAttributes()
    /// The text of the fast subscription's `<offerName>`, once read.
    @exclusivity(unchecked) private var offerName: [UInt8]?
    /// The `<advisor>`s since the last `<subscription>` began, as its `AdvisorPartnerIds` (`KIND:ID;…`).
    @exclusivity(unchecked) private var advisorList: [UInt8] = []
    @exclusivity(unchecked) private var licenseAttributes = XMLRecordAttributes()
    private var user: RawRecord?
    private var roles: [String] = []
    /// The text of the open `<role>` or `<offerName>`, as UTF-8.
    @exclusivity(unchecked) private var text: [UInt8] = []
    @exclusivity(unchecked) private var capturingText = false
    private var unknownElements = Set<String>()
    private var columnsByName: [String: CanonicalColumn?] = [:]

    private let decoder: RecordDecoder
    @exclusivity(unchecked) private var budget: XMLRecordBudget
    /// The records counted against the export set's limit so far.
    var recordsCounted: Int { budget.counted }
    /// nil when every element is read the reference way.
    @exclusivity(unchecked) private var fast: CanonicalXMLFastPath?

    /// `fastPath` false reads every element the reference way (the tests compare the two).
    init(file: String, decoder: RecordDecoder = RecordDecoder(), recordsLeft: Int = .max, fastPath: Bool = true) {
        self.decoder = decoder
        self.budget = XMLRecordBudget(left: recordsLeft)
        self.fast = fastPath ? CanonicalXMLFastPath() : nil
        content = FileContent(file: file, format: "canonical-xml", decoder: decoder)
    }

    func startElement(_ name: String, namespaceURI: String?, attributes: [String: String], line: Int, column: Int) throws {
        try start(name, .dictionary(attributes), line: line, column: column)
    }

    func startElement(_ name: String, namespaceURI: String?, tag: XMLStartTag, line: Int, column: Int) throws {
        try start(name, .bytes(tag), line: line, column: column)
    }

    private func start(_ name: String, _ attributes: Attributes, line: Int, column: Int) throws {
        depth += 1
        let source = Provenance(file: content.file, line: line)
        guard rootSeen else {
            guard name == "coexistExport" else { throw NotCanonical(root: name) }
            rootSeen = true
            try readRoot(attributes.dictionary, line: line, column: column)
            return
        }
        // The big record kinds first: a switch over Strings compares them in order.
        switch name {
        case "subscription":
            try countRecord(line: line, column: column)
            advisorList.removeAll(keepingCapacity: true)
            if case .bytes(let tag) = attributes, fast?.save(subscription: tag, into: &subscriptionAttributes) == true {
                subscription = nil
                fastSubscription = (source, column)
                offerName = nil
                return
            }
            fastSubscription = nil
            subscription = record(attributes.dictionary, source: source, column: column, renames: Self.subscriptionRenames)
            // In the XML format advisors are child elements: no element means no advisor, a known value.
            subscription?.set(.advisorPartnerIds, "", at: column)
        case "advisor":
            appendAdvisor(attributes)
        case "partnerUsers":
            content.declare(.partnerUsers)
        case "user":
            try countRecord(line: line, column: column)
            user = record(attributes.dictionary, source: source, column: column, renames: ["upn": .userPrincipalName])
            roles = []
        case "role", "offerName":
            text.removeAll(keepingCapacity: true)
            capturingText = true
        case "tenant":
            let raw = record(
                attributes.dictionary, source: source, column: column,
                renames: ["id": .tenantId, "name": .tenantName, "domain": .tenantDomain])
            content.declare(.relationships)
            content.declare(subscriptionKind)
            do throws(DecodeFailure) {
                let info = try decoder.tenant(raw)
                content.note(info)
                tenant = (raw, info.id)
                tenantID = info.id
            } catch {
                content.reject(raw, failure: error)
                tenant = (raw, nil)
                tenantID = nil
            }
        case "relationship":
            try countRecord(line: line, column: column)
            var raw = record(attributes.dictionary, source: source, column: column, renames: ["type": .relationship])
            guard inheritTenant(into: &raw) else { return }
            content.add(raw, as: .relationships)
        case "license":
            try countRecord(line: line, column: column)
            if case .bytes(let tag) = attributes, let id = tenantID,
                fast?.save(license: tag, into: &licenseAttributes) == true,
                let license = fast?.license(licenseAttributes, tenant: id, source: source)
            {
                noteTenant(id, source: source)
                content.add(decoded: license)
                return
            }
            var raw = record(attributes.dictionary, source: source, column: column, renames: Self.licenseRenames)
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

    /// Adds an `<advisor>` to the advisor list: `KIND:ID`, the kind canonical when it parses, POR when absent.
    private func appendAdvisor(_ attributes: Attributes) {
        if case .bytes(let tag) = attributes, fast != nil {
            fast!.appendAdvisor(tag, to: &advisorList)
            return
        }
        let attributes = attributes.dictionary
        let partner = attributes["partnerId"] ?? ""
        let kind = attributes["role"].map { AdvisorKind(parsing: $0)?.canonicalName ?? $0 } ?? "POR"
        if !advisorList.isEmpty { advisorList.append(UInt8(ascii: ";")) }
        advisorList.append(contentsOf: "\(kind):\(partner)".utf8)
    }

    func endElement(_ name: String, namespaceURI: String?) throws {
        depth -= 1
        switch name {
        case "role":
            roles.append(String(decoding: text, as: UTF8.self))
            capturingText = false
        case "offerName":
            if subscription != nil {
                subscription?[.offerName] = String(decoding: text, as: UTF8.self)
            } else if fastSubscription != nil {
                offerName = text
            }
            capturingText = false
        case "user":
            if var raw = user {
                raw[.roles] = roles.joined(separator: ";")
                content.add(raw, as: .partnerUsers)
            }
            user = nil
        case "subscription":
            if let raw = subscription {
                finishSubscription(raw)
            } else if let (source, column) = fastSubscription {
                finishFastSubscription(source: source, column: column)
            }
            subscription = nil
            fastSubscription = nil
        case "tenant":
            tenant = nil
            tenantID = nil
        default:
            break
        }
    }

    /// Adds the subscription the fast path reads, or else the reference path's record of the same element.
    private func finishFastSubscription(source: Provenance, column: Int) {
        if let id = tenantID,
            let decoded = fast?.subscription(
                subscriptionAttributes, offerName: offerName, advisors: advisorList, view: view, tenant: id, source: source)
        {
            noteTenant(id, source: source)
            content.add(decoded: decoded, as: subscriptionKind)
            return
        }
        var raw = subscriptionAttributes.rawRecord(source: source, column: column)
        raw.set(.advisorPartnerIds, "", at: column)
        if let offerName { raw[.offerName] = String(decoding: offerName, as: UTF8.self) }
        finishSubscription(raw)
    }

    /// What the open view's subscriptions are.
    private var subscriptionKind: ExportKind { view == .partner ? .partnerSubscriptions : .customerSubscriptions }

    /// Adds a subscription read the reference way, its advisor list complete.
    private func finishSubscription(_ raw: RawRecord) {
        var raw = raw
        raw[.advisorPartnerIds] = String(decoding: advisorList, as: UTF8.self)
        if inheritTenant(into: &raw) {
            content.add(raw, as: subscriptionKind)
        } else if let id = raw.trimmed(.subscriptionId).flatMap({ SubscriptionID(parsing: $0) }) {
            content.invalidSubscriptionIDs.insert(id)
        }
    }

    /// Notes the tenant of a record the fast path decoded as ``FileContent/add(_:as:)`` notes the
    /// reference path's record of it (its id and the tenant's name), unless that could add nothing.
    private func noteTenant(_ id: TenantID, source: Provenance) {
        // The content remembers the last tenant it found fully known: rows of one tenant ask once.
        if content.knows(id, name: true, domain: true) { return }
        guard let tenant else { return }
        var raw = RawRecord(source: source)
        raw[.tenantId] = id.description
        if let name = tenant.raw[.tenantName] { raw[.tenantName] = name }
        if let info = try? decoder.tenant(raw) { content.note(info) }
    }

    func characters(_ chunk: String) throws {
        if capturingText { text.append(contentsOf: chunk.utf8) }
    }

    func characters(bytes: UnsafeBufferPointer<UInt8>) throws {
        guard capturingText else { return }
        // What characters(_:) would append: each piece decoded on its own (a piece that ends inside a
        // character gets a replacement character), which for ASCII is the bytes themselves.
        if bytes.allSatisfy({ $0 < 0x80 }) {
            text.append(contentsOf: bytes)
        } else {
            text.append(contentsOf: String(decoding: bytes, as: UTF8.self).utf8)
        }
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
