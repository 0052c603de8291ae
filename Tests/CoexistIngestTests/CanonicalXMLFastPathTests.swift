import CoexistModel
import Testing

@testable import CoexistIngest

/// Attribute values of `<subscription>` and `<license>`: the plain first, then ones only the reference
/// path handles (blanks to trim, braces, invalid values, empties, `&`, non-ASCII, over-long).
private let attributeVariants: [String: [String]] = [
    "channel": ["CSP", "Direct", "csp", " Direct ", "", "Bogus", "\u{00A0}CSP", "R&D", "Open"],
    "offerId": ["CFQ7TTC0LH18:0001", "", " CFQ7TTC0LF8Q:0001 ", "Ödön:1", "A&B:1", String(repeating: "Q", count: 300)],
    "skuId": [
        "05e9a617-0261-4cee-bb44-138d3ef5d965", "05E9A617-0261-4CEE-BB44-138D3EF5D965", "",
        " 05e9a617-0261-4cee-bb44-138d3ef5d965", "{05e9a617-0261-4cee-bb44-138d3ef5d965}", "not-a-guid",
        "05e9a617-0261-4cee-bb44-138d3ef5d96&",
    ],
    "quantity": ["25", " 25", "25.0", "'25", "1,000", "", "-3", "abc", "12.50", "1.", "0", "2&5", "٣"],
    "status": ["active", "Active", " suspended", "", "bogus", "deleted", "Pending"],
    "startDate": ["2026-11-01", "", "2026-13-01", "2026-11-01T10:00:00Z", " 2026-11-01", "01.11.2026"],
    "endDate": ["2027-10-31", "", "2027-02-30", "2027-10-31 "],
    "billingCycle": ["monthly", "Annual", "", "weekly", "one_time"],
    "termDuration": ["P1M", "p1y", "", "1 month", "P3Y"],
    "autoRenew": ["true", "FALSE", "yes", "", "maybe", "1"],
    "readOnly": ["false", "true", "", "nope", " no "],
    "resellerPartnerId": ["4847383", "'0004847383", "-1", "0", "", "abc", " 123 ", "1&2"],
    "unitPrice": ["45.72", "", " 1.5", "1e3", "12.50", "'3", "4&5"],
    "currency": ["EUR", "eur", "", "EURO", "€", " CHF ", "E&R"],
    "productName": ["Microsoft 365 E3", "", "Visio Plan 2", "  Defender ", "Project \"Plan\" 3", "R&D <Suite>"],
    "total": ["100", "", "1e2", " 7", "-1", "3.5"],
    "assigned": ["90", "", "x", " 4"],
]

private let offerNames = [
    "Microsoft 365 E3", "", "  ", "Zürich Büro\u{00A0}", "Teams \"Essentials\", monthly", "R&D <Suite>",
    String(repeating: "Long offer ", count: 30),
]
private let advisorRoles: [String?] = ["ClaimingPartnerOfRecord", "DPOR", "cpor", nil, "Bogus", "A&B", "TPOR:1"]
private let advisorPartners: [String?] = ["4120087", "1234567", "", " 77 ", "abc", nil, "1;2", "CPOR:5", "9&9"]

private func guidText(_ random: inout SeededGenerator, pool: Int, prefix: UInt64) -> String {
    let value = prefix << 32 | UInt64.random(in: 0..<UInt64(pool), using: &random)
    let hex = String(value, radix: 16)
    let padded = Array(String(repeating: "0", count: 32 - hex.count) + hex)
    return "\(String(padded[0..<8]))-\(String(padded[8..<12]))-\(String(padded[12..<16]))-\(String(padded[16..<20]))-"
        + String(padded[20..<32])
}

/// Generated canonical documents; `mutated` is the share of values and shapes taken from all variants
/// rather than the plain first one.
private struct DocumentMaker {
    var random: SeededGenerator
    let mutated: Double

    private mutating func plain() -> Bool { Double.random(in: 0..<1, using: &random) >= mutated }

    private mutating func pick<T>(_ values: [T]) -> T { plain() ? values[0] : values.randomElement(using: &random)! }

    /// `&` written as `&amp;` or `&#38;` (libxml2 hands both over as `&#38;`), markup escaped.
    private mutating func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += Bool.random(using: &random) ? "&amp;" : "&#38;"
            case "<": out += "&lt;"
            case "\"": out += "&quot;"
            case "ü": out += Bool.random(using: &random) ? "ü" : "&#252;"
            default: out.append(character)
            }
        }
        return out
    }

    private mutating func attributes(_ pairs: [(String, String)]) -> String {
        var parts: [String] = []
        for (name, value) in pairs {
            parts.append("\(name)=\"\(escaped(value))\"")
        }
        return parts.joined(separator: Bool.random(using: &random) ? " " : "\n      ")
    }

    /// Subscription attributes, sometimes one dropped, an unknown or namespaced one added, or a column
    /// named twice.
    private mutating func subscriptionAttributes() -> [(String, String)] {
        var id = guidText(&random, pool: 100_000, prefix: 0xB)
        if !plain() { id = [id.uppercased(), " \(id)", "{\(id)}", "not-a-guid", "", id].randomElement(using: &random)! }
        var pairs: [(String, String)] = [("id", id)]
        for name in [
            "channel", "offerId", "skuId", "quantity", "status", "startDate", "endDate", "billingCycle", "termDuration",
            "autoRenew", "readOnly", "resellerPartnerId", "unitPrice", "currency",
        ] {
            pairs.append((name, pick(attributeVariants[name]!)))
        }
        if !plain() { pairs.remove(at: Int.random(in: 0..<pairs.count, using: &random)) }
        if !plain() {
            let extra: [(String, String)] = [
                ("x:id", guidText(&random, pool: 10, prefix: 0xC)), ("x:quantity", "7"), ("subscriptionId", id),
                ("Quantity", "9"), ("foo", "bar"), ("tenantName", "Other GmbH"), ("advisorPartnerIds", "4120087"),
                ("offerName", "Attribute name"), ("skuPartNumber", "SPE_E3"),
            ]
            let added = extra.randomElement(using: &random)!
            pairs.insert(added, at: Int.random(in: 0...pairs.count, using: &random))
        }
        return pairs
    }

    private mutating func subscription() -> String {
        var children = ""
        let offerNameCount = plain() ? 1 : Int.random(in: 0...2, using: &random)
        for _ in 0..<offerNameCount {
            let name = pick(offerNames)
            if !plain(), !name.contains("]]>") {
                children += "<offerName><![CDATA[\(name)]]></offerName>"
            } else {
                children += "<offerName>\(escaped(name))</offerName>"
            }
        }
        let advisorCount = plain() ? Int.random(in: 0...1, using: &random) : Int.random(in: 0...3, using: &random)
        for _ in 0..<advisorCount {
            var pairs: [(String, String)] = []
            if let partner = pick(advisorPartners) { pairs.append(("partnerId", partner)) }
            if let role = pick(advisorRoles) { pairs.append(("role", role)) }
            if !plain() { pairs.append(("x:role", "DPOR")) }
            if !plain() { pairs.shuffle(using: &random) }
            children += "<advisor \(attributes(pairs))/>"
        }
        if !plain() { children += ["<extra/>", "<role>r</role>", "<advisor/>"].randomElement(using: &random)! }
        return "<subscription \(attributes(subscriptionAttributes()))>\(children)</subscription>"
    }

    private mutating func license() -> String {
        var pairs: [(String, String)] = [("skuId", pick(attributeVariants["skuId"]!))]
        for name in ["productName", "total", "assigned"] { pairs.append((name, pick(attributeVariants[name]!))) }
        if !plain() { pairs.remove(at: Int.random(in: 0..<pairs.count, using: &random)) }
        if !plain() {
            let extra: [(String, String)] = [("x:total", "3"), ("totalLicenses", "4"), ("foo", "bar"), ("skuPartNumber", "SPE_E3")]
            pairs.append(extra.randomElement(using: &random)!)
        }
        return "<license \(attributes(pairs))/>"
    }

    /// A document of `tenants` tenants with subscriptions, licenses, relationships and users.
    mutating func document(view: String, tenants: Int) -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<coexistExport xmlns:x=\"urn:x\" version=\"1\" view=\"\(view)\" partnerId=\"4847383\" exportedAt=\"2026-11-01\">\n"
        xml += "<partnerUsers><user upn=\"a@b.example\" displayName=\"A &amp; B\"><role>AdminAgent</role></user></partnerUsers>\n"
        for _ in 0..<tenants {
            var id = guidText(&random, pool: 40, prefix: 0xA)
            if !plain() { id = [id.uppercased(), "{\(id)}", "not-a-guid", ""].randomElement(using: &random)! }
            var pairs = [("id", id)]
            if plain() || Bool.random(using: &random) { pairs.append(("name", pick(["Contoso GmbH", "Zürcher AG", "", " R&D "]))) }
            if plain() || Bool.random(using: &random) { pairs.append(("domain", pick(["contoso.example", "", "X.example"]))) }
            xml += "<tenant \(attributes(pairs))>\n"
            xml += "  <relationship partnerId=\"4847383\" type=\"Reseller\" state=\"Active\"/>\n"
            for _ in 0..<Int.random(in: 1...30, using: &random) {
                xml += "  " + (Int.random(in: 0..<5, using: &random) == 0 ? license() : subscription()) + "\n"
            }
            xml += "</tenant>\n"
        }
        // A record outside any tenant is dropped either way; its id is remembered as invalid.
        xml += subscription() + license() + "\n</coexistExport>\n"
        return Array(xml.utf8)
    }
}

/// Reads a document through the fast path or only the reference path.
private func read(_ bytes: [UInt8], fast: Bool, chunkSize: Int = 4096, recordsLeft: Int = .max) throws -> FileContent {
    let handler = CanonicalXMLHandler(file: "export.xml", recordsLeft: recordsLeft, fastPath: fast)
    try XMLStreamReader.parse(bytes: bytes, displayName: "export.xml", limits: .default, chunkSize: chunkSize, handler: handler)
    return handler.content
}

@Suite("Canonical XML fast path")
struct CanonicalXMLFastPathTests {
    @Test(arguments: [0.0, 0.02, 0.3, 1.0])
    func elementsDecodeAsTheReferencePathDoes(mutated: Double) throws {
        for view in ["partner", "customer"] {
            var maker = DocumentMaker(random: SeededGenerator(state: 17 &+ UInt64(mutated * 100)), mutated: mutated)
            let bytes = maker.document(view: view, tenants: 120)
            let fast = try read(bytes, fast: true)
            let reference = try read(bytes, fast: false)
            expectSame(fast, reference)
            #expect(reference.recordsDecodedFast == 0)
            if mutated == 0 {
                // Every subscription and license takes the fast path.
                #expect(fast.recordsDecodedFast == fast.subscriptions.count + fast.licenses.count)
                #expect(fast.recordsDecodedFast > 1000)
                #expect(fast.problems.isEmpty)
            } else if mutated < 0.1 {
                #expect(fast.recordsDecodedFast > fast.recordsRead / 2)
                #expect(!fast.problems.isEmpty)
            } else {
                #expect(!fast.problems.isEmpty)
                #expect(!fast.notices.isEmpty)
            }
        }
    }

    @Test("an attribute position's column is known again by the name's pointer and bytes, never the pointer alone")
    func attributeColumnsCheckTheNameBytes() {
        var columns = AttributeColumns()
        var decoded: [String] = []
        let decode = { (text: String) -> Int in
            decoded.append(text)
            return text == "quantity" ? 7 : -1
        }
        var name = Array("quantity".utf8) + [0]
        name.withUnsafeMutableBufferPointer { buffer in
            let pointer = UnsafePointer(buffer.baseAddress!)
            #expect(columns.column(at: 3, named: pointer) == nil)
            #expect(columns.note(3, pointer, decode: decode) == 7)
            #expect(columns.column(at: 3, named: pointer) == 7)
            #expect(columns.column(at: 2, named: pointer) == nil, "another position")
            // The same address holding a shorter name, then a longer one: neither is taken for the old one.
            buffer[1] = 0
            #expect(columns.column(at: 3, named: pointer) == nil)
            #expect(columns.note(3, pointer, decode: decode) == -1)
            buffer[1] = UInt8(ascii: "u")
            #expect(columns.column(at: 3, named: pointer) == nil)
            #expect(columns.note(3, pointer, decode: decode) == 7)
            #expect(columns.column(at: 3, named: pointer) == 7)
        }
        var other = Array("quantity".utf8) + [0]
        other.withUnsafeBufferPointer { buffer in
            #expect(columns.column(at: 3, named: buffer.baseAddress!) == nil, "the same name at another address is looked up")
            #expect(columns.note(99, buffer.baseAddress!, decode: decode) == 7)
            #expect(columns.column(at: 99, named: buffer.baseAddress!) == nil, "positions past 64 are not noted")
        }
        #expect(decoded == ["quantity", "q"], "the memo decodes each spelling once")
    }

    @Test(arguments: [1, 2, 7, 61])
    func smallChunksGiveTheSameContent(chunkSize: Int) throws {
        var maker = DocumentMaker(random: SeededGenerator(state: 5), mutated: 0.3)
        let bytes = maker.document(view: "partner", tenants: 6)
        let whole = try read(bytes, fast: false)
        expectSame(try read(bytes, fast: true, chunkSize: chunkSize), whole)
        expectSame(try read(bytes, fast: false, chunkSize: chunkSize), whole)
    }

    @Test func theRecordBudgetStopsBothPathsAtTheSameElement() throws {
        var maker = DocumentMaker(random: SeededGenerator(state: 3), mutated: 0.05)
        let bytes = maker.document(view: "partner", tenants: 10)
        var errors: [String] = []
        for fast in [true, false] {
            do {
                _ = try read(bytes, fast: fast, recordsLeft: 25)
                Issue.record("the budget of 25 records was not enforced")
            } catch {
                errors.append("\(error)")
            }
        }
        #expect(errors.count == 2 && errors[0] == errors[1])
    }

    @Test func escapedAmpersandsCountOnceAgainstTheAttributeLimit() throws {
        // libxml2 hands `&amp;` over as the five bytes `&#38;`; the limit counts the decoded byte.
        var limits = XMLStreamReader.Limits()
        limits.maxAttributeBytes = 10
        func document(_ value: String) -> [UInt8] {
            Array("<coexistExport><tenant id=\"\(value)\"/></coexistExport>".utf8)
        }
        let handler = CanonicalXMLHandler(file: "export.xml")
        try XMLStreamReader.parse(
            bytes: document(String(repeating: "&amp;", count: 10)), displayName: "export.xml", limits: limits, chunkSize: 4096,
            handler: handler)
        #expect(handler.content.problems.count == 1)
        #expect(handler.content.problems.first?.message.contains("&&&&&&&&&&") == true)
        #expect(throws: IngestError.self) {
            try XMLStreamReader.parse(
                bytes: document(String(repeating: "&#38;", count: 11)), displayName: "export.xml", limits: limits,
                chunkSize: 4096, handler: CanonicalXMLHandler(file: "export.xml"))
        }
    }

    @Test func aNamespacedDuplicateLosesToThePlainAttributeOnBothPaths() throws {
        let xml = """
            <coexistExport xmlns:x="urn:x" view="partner">
            <tenant id="0000000a-0000-0000-0000-000000000001" name="T">
            <subscription x:id="0000000b-0000-0000-0000-000000000009" id="0000000b-0000-0000-0000-000000000001" \
            x:quantity="9" channel="CSP" offerId="O" skuId="05e9a617-0261-4cee-bb44-138d3ef5d965" quantity="3" status="active">\
            <offerName>Office</offerName><advisor x:role="DPOR" role="CPOR" partnerId="1"/><advisor role="TPOR" x:role="x" \
            partnerId="2"/></subscription>
            </tenant></coexistExport>
            """
        let fast = try read(Array(xml.utf8), fast: true)
        expectSame(fast, try read(Array(xml.utf8), fast: false))
        let subscription = try #require(fast.subscriptions.first)
        #expect(subscription.id.description == "0000000b-0000-0000-0000-000000000001")
        #expect(subscription.quantity == 3)
        // The role without a namespace wins: CPOR for partner 1, TPOR for partner 2.
        #expect(subscription.advisors.map(\.kind).sorted { $0.canonicalName < $1.canonicalName } == [.cpor, .tpor])
    }

    @Test func aNamedAttributeIsTheOneTheDictionaryKeeps() throws {
        final class Checker: XMLByteEventHandler {
            var compared = 0
            func startElement(_ name: String, namespaceURI: String?, tag: XMLStartTag, line: Int, column: Int) throws {
                let dictionary = tag.attributes()
                #expect(dictionary["role"] == tag.rawValue(named: "role").map(XMLStartTag.decoded), "line \(line)")
                #expect(dictionary["partnerId"] == tag.rawValue(named: "partnerId").map(XMLStartTag.decoded), "line \(line)")
                compared += 1
            }
            func characters(bytes: UnsafeBufferPointer<UInt8>) throws {}
            func startElement(_ name: String, namespaceURI: String?, attributes: [String: String], line: Int, column: Int) {
                Issue.record("the session passed a dictionary to a byte handler")
            }
            func endElement(_ name: String, namespaceURI: String?) {}
            func characters(_ text: String) {}
        }
        let xml = """
            <r xmlns:x="urn:x" xmlns:y="urn:y">
            <a x:role="1" y:role="2" role="3"/>
            <a x:role="1" y:role="2"/>
            <a role="3" x:role="1"/>
            <a y:role="2" role="3" x:role="1" partnerId="7"/>
            <a partnerId="a&amp;b&#38;c" role="p&#38;q&lt;"/>
            <a x:partnerId="9"/>
            <a/>
            </r>
            """
        let checker = Checker()
        try XMLStreamReader.parse(bytes: Array(xml.utf8), displayName: "t.xml", handler: checker)
        #expect(checker.compared == 8)
    }
}
