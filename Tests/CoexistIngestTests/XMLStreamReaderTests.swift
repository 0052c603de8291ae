import Foundation
import Testing

@testable import CoexistIngest

// MARK: - Helpers

/// Records every event; adjacent text pieces are merged, since libxml2 may split a text node anywhere.
private final class EventRecorder: XMLEventHandler {
    enum Event: Equatable {
        case start(String, namespace: String?, attributes: [String: String], line: Int, column: Int)
        case end(String, namespace: String?)
        case text(String)
    }

    private(set) var events: [Event] = []

    func startElement(_ name: String, namespaceURI: String?, attributes: [String: String], line: Int, column: Int) {
        events.append(.start(name, namespace: namespaceURI, attributes: attributes, line: line, column: column))
    }

    func endElement(_ name: String, namespaceURI: String?) {
        events.append(.end(name, namespace: namespaceURI))
    }

    func characters(_ text: String) {
        if case .text(let previous)? = events.last {
            events[events.count - 1] = .text(previous + text)
        } else {
            events.append(.text(text))
        }
    }

    /// Start tags as `name@line:column`.
    var starts: [String] {
        events.compactMap {
            if case .start(let name, _, _, let line, let column) = $0 { return "\(name)@\(line):\(column)" }
            return nil
        }
    }

    /// Every string the handler received: names, attribute values, text.
    var everything: String {
        events.map {
            switch $0 {
            case .start(let name, _, let attributes, _, _):
                return name + " "
                    + attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            case .end(let name, _): return "/" + name
            case .text(let text): return text
            }
        }.joined(separator: "\n")
    }

    /// Text events with white-space-only ones dropped.
    var texts: [String] {
        events.compactMap {
            if case .text(let text) = $0, !text.allSatisfy(\.isWhitespace) { return text }
            return nil
        }
    }
}

private struct Outcome {
    let recorder: EventRecorder
    let error: (any Error)?
}

private enum FailureCase: String {
    case malformedXML, refusedXML, notText, unreadable
}

private func fixturePath(_ name: String) throws -> String {
    let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return fixtures.appendingPathComponent("xml").appendingPathComponent(name).path
}

private func parseFixture(_ name: String, limits: XMLStreamReader.Limits = .default, chunkSize: Int? = nil) throws
    -> Outcome
{
    let recorder = EventRecorder()
    let path = try fixturePath(name)
    do {
        if let chunkSize {
            try XMLStreamReader.parse(
                path: path, displayName: name, limits: limits, chunkSize: chunkSize, handler: recorder)
        } else {
            try XMLStreamReader.parse(path: path, displayName: name, limits: limits, handler: recorder)
        }
        return Outcome(recorder: recorder, error: nil)
    } catch {
        return Outcome(recorder: recorder, error: error)
    }
}

private func parse(
    _ bytes: [UInt8], limits: XMLStreamReader.Limits = .default, chunkSize: Int = XMLStreamReader.defaultChunkSize
) -> Outcome {
    let recorder = EventRecorder()
    do {
        try XMLStreamReader.parse(
            bytes: bytes, displayName: "test.xml", limits: limits, chunkSize: chunkSize, handler: recorder)
        return Outcome(recorder: recorder, error: nil)
    } catch {
        return Outcome(recorder: recorder, error: error)
    }
}

private func parse(
    _ xml: String, limits: XMLStreamReader.Limits = .default, chunkSize: Int = XMLStreamReader.defaultChunkSize
)
    -> Outcome
{
    parse(Array(xml.utf8), limits: limits, chunkSize: chunkSize)
}

/// Checks the error is the expected `IngestError` case, with a reason and a line in range; returns it.
@discardableResult
private func expectFailure(
    _ outcome: Outcome, _ expected: FailureCase, reason: String? = nil, line: ClosedRange<Int> = 1...Int.max,
    sourceLocation: SourceLocation = #_sourceLocation
) -> IngestError? {
    guard let error = outcome.error as? IngestError else {
        Issue.record("expected \(expected), got \(String(describing: outcome.error))", sourceLocation: sourceLocation)
        return nil
    }
    let actual: FailureCase? =
        switch error {
        case .malformedXML: .malformedXML
        case .refusedXML: .refusedXML
        case .notText: .notText
        case .unreadable: .unreadable
        default: nil
        }
    #expect(actual == expected, "\(error)", sourceLocation: sourceLocation)
    if let reason {
        #expect(error.reason.contains(reason), "\(error)", sourceLocation: sourceLocation)
    }
    if let position = error.position {
        #expect(line.contains(position.line), "\(error)", sourceLocation: sourceLocation)
        #expect(position.column >= 1, "\(error)", sourceLocation: sourceLocation)
    }
    return error
}

// MARK: - Hostile inputs

@Suite struct XMLStreamReaderHostileInputTests {
    @Test(arguments: [nil, 3])
    func externalEntityReadingALocalFileIsRefusedAtTheDoctype(chunkSize: Int?) throws {
        let outcome = try parseFixture("hostile/xxe-local-file.xml", chunkSize: chunkSize)
        expectFailure(outcome, .refusedXML, reason: "DOCTYPE declarations are not allowed", line: 2...2)
        #expect(outcome.recorder.events.isEmpty)
        #expect(!outcome.recorder.everything.contains("root:"))
    }

    @Test func externalDTDIsRefused() throws {
        let outcome = try parseFixture("hostile/external-dtd.xml")
        expectFailure(outcome, .refusedXML, reason: "DOCTYPE", line: 2...2)
        #expect(outcome.recorder.events.isEmpty)
    }

    @Test func billionLaughsIsRefusedBeforeAnyExpansion() throws {
        let clock = ContinuousClock()
        var outcome: Outcome?
        let elapsed = try clock.measure { outcome = try parseFixture("hostile/billion-laughs.xml") }
        expectFailure(try #require(outcome), .refusedXML, reason: "DOCTYPE", line: 2...2)
        #expect(outcome?.recorder.events.isEmpty == true)
        #expect(elapsed < .seconds(2))
    }

    @Test func quadraticBlowupIsRefused() {
        let entity = String(repeating: "a", count: 50_000)
        let references = String(repeating: "&a;", count: 50_000)
        let outcome = parse("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a \"\(entity)\">]>\n<r>\(references)</r>")
        expectFailure(outcome, .refusedXML, reason: "DOCTYPE", line: 2...2)
        #expect(outcome.recorder.events.isEmpty)
    }

    @Test func entityReferencesWithoutADoctypeAreRefused() {
        let inText = parse("<r>\n<a>before</a>\n<b>&secret; after</b></r>")
        expectFailure(inText, .refusedXML, reason: "entity references are not allowed (secret)", line: 3...3)
        #expect(!inText.recorder.everything.contains("after"))

        let inAttribute = parse("<r>\n<a v=\"&secret;\">after</a></r>")
        expectFailure(inAttribute, .refusedXML, reason: "(secret)", line: 2...2)
        #expect(!inAttribute.recorder.everything.contains("after"))
    }

    @Test func xincludeOfALocalFileIsRefused() throws {
        let outcome = try parseFixture("hostile/xinclude-local-file.xml")
        let error = expectFailure(outcome, .refusedXML, reason: "XInclude is not supported", line: 4...4)
        #expect(error?.position?.column == 5)
        #expect(outcome.recorder.starts == ["coexistExport@2:1", "tenant@3:3"])
        #expect(!outcome.recorder.everything.contains("root:"))

        let draft = parse("<r xmlns:x=\"http://www.w3.org/2003/XInclude\"><x:fallback/></r>")
        expectFailure(draft, .refusedXML, reason: "XInclude is not supported")
    }

    @Test func theExternalEntityLoaderRefusesEverything() {
        #expect(!LibXML2Environment.externalEntityLoads("file:///etc/passwd"))
        #expect(!LibXML2Environment.externalEntityLoads("/etc/passwd"))
        #expect(!LibXML2Environment.externalEntityLoads("http://127.0.0.1:9/x.dtd"))
    }

    @Test func aUTF7DeclarationIsRefused() throws {
        let outcome = try parseFixture("hostile/utf7-declaration.xml")
        let error = expectFailure(outcome, .refusedXML, reason: "encoding \"UTF-7\" is not supported", line: 1...1)
        #expect(error?.position?.column == 31)
        #expect(outcome.recorder.events.isEmpty)
    }

    @Test(arguments: ["ISO-8859-1", "US-ASCII", "UTF-16", "utf-7"])
    func otherDeclaredEncodingsAreRefused(encoding: String) {
        let outcome = parse("<?xml version=\"1.0\"\n  encoding='\(encoding)' standalone=\"yes\"?><r/>")
        let error = expectFailure(outcome, .refusedXML, reason: "UTF-8 only", line: 2...2)
        #expect(error?.position?.column == 13)
    }

    @Test func aUTF16ByteOrderMarkIsNotText() throws {
        let outcome = try parseFixture("hostile/utf16-bom.xml")
        let error = expectFailure(outcome, .notText, reason: "UTF-16 byte order mark", line: 1...1)
        #expect(error?.position?.column == 1)
        #expect(outcome.recorder.events.isEmpty)
    }

    @Test(arguments: [[0xFE, 0xFF, 0x00, 0x3C], [0xFF, 0xFE, 0x00, 0x00], [0x00, 0x00, 0xFE, 0xFF]] as [[UInt8]])
    func otherForeignByteOrderMarksAreNotText(start: [UInt8]) {
        expectFailure(parse(start + Array("<r/>".utf8)), .notText, reason: "byte order mark", line: 1...1)
    }

    @Test func aTruncatedFileIsMalformed() throws {
        let outcome = try parseFixture("hostile/truncated.xml")
        expectFailure(outcome, .malformedXML, line: 9...11)
        #expect(outcome.recorder.starts.last == "tenant@8:3")
    }

    @Test func mismatchedTagsAreMalformed() throws {
        let outcome = try parseFixture("hostile/mismatched-tags.xml")
        expectFailure(outcome, .malformedXML, reason: "mismatch", line: 5...5)
        #expect(!outcome.recorder.events.contains(.end("tenant", namespace: nil)))
    }

    @Test(arguments: [nil, 3])
    func invalidUTF8IsNotText(chunkSize: Int?) throws {
        let outcome = try parseFixture("hostile/invalid-utf8.xml", chunkSize: chunkSize)
        let error = expectFailure(outcome, .notText, reason: "invalid UTF-8", line: 3...3)
        #expect(error?.position?.column == 18)
        #expect(!outcome.recorder.starts.contains { $0.hasPrefix("tenant") })
    }

    @Test(arguments: [[0xC0, 0xBC], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] as [[UInt8]])
    func overlongsSurrogatesAndCutSequencesAreNotText(sequence: [UInt8]) {
        let bytes = Array("<r>ok ".utf8) + sequence + Array(" after</r>".utf8)
        expectFailure(parse(bytes), .notText, reason: "invalid UTF-8", line: 1...1)
        expectFailure(parse(Array("<r>ok</r>".utf8) + sequence.prefix(1)), .notText, line: 1...1)
    }

    @Test(arguments: [1, 5, 4096])
    func badBytesAfterLongRunsAreReportedWhereTheyAre(chunkSize: Int) {
        // The scanner skips runs of text, values and names in one loop; positions must not move.
        let run = String(repeating: "x", count: 300)
        let prefixes = [
            "<r a=\"\(run)", "<r>\(run)", "<r \(run)", "<r></r   ", "<r>\n  <s v='ab\ncd\(run)", "<r>é\(run)",
        ]
        for prefix in prefixes {
            let lines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
            let expected = (line: lines.count, column: lines.last!.count + 1)
            for (bad, reason) in [([0x00], "NUL"), ([0xC0, 0xBC], "invalid UTF-8"), ([0xFF], "invalid UTF-8")] as [([UInt8], String)] {
                let outcome = parse(Array(prefix.utf8) + bad + Array(" tail\"/></r>".utf8), chunkSize: chunkSize)
                let error = expectFailure(outcome, .notText, reason: reason)
                #expect(error?.position?.line == expected.line, "\(prefix.prefix(12)) \(bad)")
                #expect(error?.position?.column == expected.column, "\(prefix.prefix(12)) \(bad)")
            }
        }
    }

    @Test func aNULByteIsNotText() throws {
        let outcome = try parseFixture("hostile/nul-byte.xml")
        let error = expectFailure(outcome, .notText, reason: "NUL", line: 3...3)
        #expect(error?.position?.column == 27)
        #expect(!outcome.recorder.everything.contains("Fabrikam"))
    }

    @Test func hundredThousandDeepNestingFailsFast() throws {
        let depth = 100_000
        let bytes = Array((String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)).utf8)
        let clock = ContinuousClock()
        var outcome: Outcome?
        let elapsed = clock.measure { outcome = parse(bytes) }
        let result = try #require(outcome)
        let error = expectFailure(result, .refusedXML, reason: "nested deeper than 64 levels", line: 1...1)
        #expect(error?.position?.column == 64 * 3 + 1)
        #expect(result.recorder.starts.count == 64)
        #expect(elapsed < .seconds(2))
    }

    @Test func depthUpToTheLimitIsAccepted() {
        var limits = XMLStreamReader.Limits()
        limits.maxDepth = 5
        let nested = { (depth: Int) in String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        }
        #expect(parse(nested(5), limits: limits).error == nil)
        expectFailure(parse(nested(6), limits: limits), .refusedXML, reason: "deeper than 5")
    }

    @Test func anOversizedAttributeIsRefused() {
        let limit = XMLStreamReader.Limits.default.maxAttributeBytes
        let outcome = parse("<r>\n<t name=\"\(String(repeating: "x", count: limit + 1))\"/></r>")
        expectFailure(outcome, .refusedXML, reason: "attribute name of <t> is longer than 65536 bytes", line: 2...2)
        #expect(outcome.recorder.starts == ["r@1:1"])

        #expect(parse("<t name=\"\(String(repeating: "x", count: limit))\"/>").error == nil)
        // The limit applies to the decoded value: 40,000 `&amp;` are 200,000 bytes raw but 40,000 decoded.
        #expect(parse("<t name=\"\(String(repeating: "&amp;", count: 40_000))\"/>").error == nil)
    }

    @Test func anOversizedTextNodeIsRefused() {
        var limits = XMLStreamReader.Limits()
        limits.maxTextBytes = 1_000
        let outcome = parse("<r><a>\(String(repeating: "x", count: 1_001))</a></r>", limits: limits, chunkSize: 100)
        expectFailure(outcome, .refusedXML, reason: "text node is longer than 1000 bytes")
        #expect(
            parse(
                "<r><a>\(String(repeating: "x", count: 1_000))</a><b>\(String(repeating: "y", count: 1_000))</b></r>",
                limits: limits
            ).error == nil)

        let big = parse("<r>" + String(repeating: "x", count: (1 << 20) + 1) + "</r>")
        expectFailure(big, .refusedXML, reason: "text node is longer than 1048576 bytes")
    }

    @Test func aTagWithTooManyAttributesIsRefusedBeforeLibxml2ParsesIt() throws {
        let attributes = (0..<100_000).map { "a\($0)=\"\"" }.joined(separator: " ")
        let clock = ContinuousClock()
        var outcome: Outcome?
        let elapsed = clock.measure { outcome = parse("<r>\n  <t \(attributes)/></r>") }
        expectFailure(try #require(outcome), .refusedXML, reason: "more than 256 attributes", line: 2...2)
        #expect(elapsed < .seconds(2))

        let allowed = (0..<256).map { "a\($0)=\"\"" }.joined(separator: " ")
        #expect(parse("<t \(allowed)/>").error == nil)
    }

    @Test func anEmptyOrUnfinishedDocumentIsMalformedAtItsEnd() {
        expectFailure(parse([UInt8]()), .malformedXML, reason: "no root element", line: 1...1)
        let error = expectFailure(
            parse("<r>\n  <a>text"), .malformedXML,
            reason: "premature end of data: the file ends with 2 element(s) still open",
            line: 2...2)
        #expect(error?.position?.column == 10)
    }

    @Test func utf16WithoutAByteOrderMarkIsNotText() {
        let bytes = Array("<r>text</r>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        expectFailure(parse(bytes), .notText, reason: "NUL", line: 1...1)
    }

    @Test func aMissingFileOrADirectoryIsUnreadable() throws {
        let recorder = EventRecorder()
        #expect(throws: IngestError.unreadable(file: "gone.xml", reason: "No such file or directory")) {
            try XMLStreamReader.parse(path: "/nonexistent/gone.xml", displayName: "gone.xml", handler: recorder)
        }
        let directory = try fixturePath("hostile")
        #expect(throws: IngestError.unreadable(file: "hostile", reason: "Is a directory")) {
            try XMLStreamReader.parse(path: directory, displayName: "hostile", handler: recorder)
        }
    }

    @Test func anErrorThrownByTheHandlerStopsParsingAndIsRethrownUnchanged() {
        struct Stop: Error, Equatable { let tenant: String }
        final class StopAtSecondTenant: XMLEventHandler {
            var tenants: [String] = []
            func startElement(
                _ name: String, namespaceURI: String?, attributes: [String: String], line: Int, column: Int
            ) throws {
                guard name == "tenant" else { return }
                tenants.append(attributes["name"] ?? "")
                if tenants.count == 2 { throw Stop(tenant: attributes["name"] ?? "") }
            }
            func endElement(_ name: String, namespaceURI: String?) throws {}
            func characters(_ text: String) throws {}
        }
        let handler = StopAtSecondTenant()
        let xml = "<r><tenant name=\"a\"/><tenant name=\"b\"/><tenant name=\"c\"/></r>"
        #expect(throws: Stop(tenant: "b")) {
            try XMLStreamReader.parse(bytes: Array(xml.utf8), displayName: "t.xml", handler: handler)
        }
        #expect(handler.tenants == ["a", "b"])
    }
}

// MARK: - Legitimate inputs

@Suite struct XMLStreamReaderLegitimateInputTests {
    @Test func predefinedEntitiesAndCharacterReferencesAreDecoded() throws {
        let outcome = try parseFixture("entities-decoded.xml")
        #expect(outcome.error == nil)
        let expected: [String: String] = [
            "name": "Smith & Söhne <GmbH>", "city": "München", "street": "Düsseldorfer Straße", "quote": "\"q\" 'a'",
        ]
        #expect(
            outcome.recorder.events == [
                .start("tenant", namespace: nil, attributes: expected, line: 2, column: 1),
                .text("Smith & Söhne <GmbH> in München & Düsseldorf"),
                .end("tenant", namespace: nil),
            ])
    }

    @Test(arguments: [
        ("&amp;#38;", "&#38;"), ("&#38;&#38;", "&&"), ("a&amp;amp;b", "a&amp;b"), ("&#x26;lt;", "&lt;"),
        ("x&#10;y", "x\ny"),
    ])
    func ampersandsInAttributesSurviveLibxml2sReEscaping(raw: String, decoded: String) {
        let outcome = parse("<t v=\"\(raw)\">\(raw)</t>")
        #expect(outcome.error == nil)
        #expect(
            outcome.recorder.events == [
                .start("t", namespace: nil, attributes: ["v": decoded], line: 1, column: 1), .text(decoded),
                .end("t", namespace: nil),
            ])
    }

    @Test func namespacesOnTheRootAreFine() {
        let xml = """
            <c:coexistExport xmlns:c="urn:coexist" xmlns="urn:default" xmlns:x="urn:x"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:coexist coexist.xsd"
                x:view="customer" view="partner"><tenant x:id="namespaced" id="plain"/></c:coexistExport>
            """
        let outcome = parse(xml)
        #expect(outcome.error == nil)
        #expect(
            outcome.recorder.events == [
                .start(
                    "coexistExport", namespace: "urn:coexist",
                    attributes: ["schemaLocation": "urn:coexist coexist.xsd", "view": "partner"], line: 1, column: 1),
                .start("tenant", namespace: "urn:default", attributes: ["id": "plain"], line: 3, column: 38),
                .end("tenant", namespace: "urn:default"),
                .end("coexistExport", namespace: "urn:coexist"),
            ])
    }

    @Test(arguments: [1, 3, 4096])
    func longTagsWithNonASCIIValuesStartWhereTheirLessThanIs(chunkSize: Int) {
        // The walk back to a tag's `<` goes eight bytes at a time; columns count characters, not bytes.
        let value = String(repeating: "Zürich Büro ", count: 20)
        let xml = "<r>\n  <a v=\"\(value)\"/>ü <b v=\"\(value)\"\n     w=\"\(value)\"/>\n<c x=\"é\"/><d/></r>"
        let outcome = parse(xml, chunkSize: chunkSize)
        #expect(outcome.error == nil)
        let afterA = 3 + "<a v=\"\(value)\"/>ü ".count
        #expect(outcome.recorder.starts == ["r@1:1", "a@2:3", "b@2:\(afterA)", "c@4:1", "d@4:11"])
    }

    @Test func aRealisticExportDeliversItsElementsWithAttributesAndLines() throws {
        let outcome = try parseFixture("coexist-export.xml")
        #expect(outcome.error == nil)
        let recorder = outcome.recorder
        #expect(
            recorder.starts == [
                "coexistExport@3:1", "partnerUsers@4:3", "user@5:5", "role@5:67", "role@5:90", "user@6:5", "role@6:65",
                "tenant@8:3", "relationship@9:5", "subscription@11:5", "offerName@14:7", "advisor@15:7", "advisor@16:7",
                "subscription@18:5", "offerName@21:7", "license@23:5",
            ])
        let ends = recorder.events.compactMap { if case .end(let name, _) = $0 { name } else { nil } }
        #expect(
            ends == [
                "role", "role", "user", "role", "user", "partnerUsers", "relationship", "offerName", "advisor",
                "advisor",
                "subscription", "offerName", "subscription", "license", "tenant", "coexistExport",
            ])
        #expect(
            recorder.texts == [
                "AdminAgent", "SalesAgent", "HelpdeskAgent", "Microsoft 365 E3",
                "Microsoft Teams Essentials <AAD identity>",
            ])
        let attributes = recorder.events.compactMap { if case .start(_, _, let a, _, _) = $0 { a } else { nil } }
        #expect(
            attributes[0] == [
                "version": "1", "view": "partner", "partnerId": "4847383", "exportedAt": "2026-11-01T02:00:00Z",
            ])
        #expect(attributes[2] == ["upn": "alice@fabrikam.example", "displayName": "Alice Müller"])
        #expect(attributes[5]["displayName"] == "Bob & Co")
        #expect(
            attributes[8] == [
                "partnerId": "4847383", "type": "Reseller", "state": "Active", "establishedAt": "2026-10-15",
                "invitedBy": "alice@fabrikam.example",
            ])
        #expect(attributes[9]["resellerPartnerId"] == "")
        #expect(attributes[9]["readOnly"] == "true")
        #expect(attributes[9].count == 12)
        #expect(attributes[13]["unitPrice"] == "12.50")
    }

    @Test(arguments: [1, 2, 3, 5, 7, 64, 4096])
    func chunkBoundariesInsideCharactersAndTagsGiveTheSameEvents(chunkSize: Int) throws {
        for name in ["coexist-export.xml", "entities-decoded.xml"] {
            let whole = try parseFixture(name)
            let chunked = try parseFixture(name, chunkSize: chunkSize)
            #expect(whole.error == nil && chunked.error == nil)
            #expect(chunked.recorder.events == whole.recorder.events, "\(name) in chunks of \(chunkSize)")
        }
        // Two-, three- and four-byte characters in names, attributes and text, behind a UTF-8 byte order mark.
        let xml =
            [0xEF, 0xBB, 0xBF]
            + Array("<?xml version='1.0' encoding='UTF8'?>\n<größe wert=\"€ 𝄞 ü\">ÄÖÜ € 😀 &#x1F600;</größe>".utf8)
        let whole = parse(xml)
        #expect(whole.error == nil)
        #expect(
            whole.recorder.events == [
                .start("größe", namespace: nil, attributes: ["wert": "€ 𝄞 ü"], line: 2, column: 1),
                .text("ÄÖÜ € 😀 😀"), .end("größe", namespace: nil),
            ])
        #expect(parse(xml, chunkSize: chunkSize).recorder.events == whole.recorder.events)
    }

    @Test(arguments: [
        ("<r/>", "r@1:1"), ("<?xml version=\"1.0\"?><r/>", "r@1:22"),
        ("<?xml version='1.0' encoding='utf-8'?><r/>", "r@1:39"),
        ("<?xml version=\"1.0\" encoding=\"UTF8\" standalone=\"yes\" ?>\n<r/>", "r@2:1"),
        ("<?xml-stylesheet href='a.xsl'?><r/>", "r@1:32"),
        ("<!-- a comment with <t a='1'> inside --><r><![CDATA[<x y=\"1\">]]><?pi a=\"1\"?></r>", "r@1:41"),
    ])
    func documentsWithOrWithoutAUTF8DeclarationAreAccepted(xml: String, start: String) {
        let outcome = parse(xml, chunkSize: 3)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.recorder.starts == [start])
    }

    @Test(arguments: [1, 2, 3, 4096])
    func windowsLineEndingsGiveTheSameEventsAndLines(chunkSize: Int) throws {
        let unix = try String(contentsOfFile: fixturePath("coexist-export.xml"), encoding: .utf8)
        let windows = unix.replacingOccurrences(of: "\n", with: "\r\n")
        let expected = parse(unix).recorder.events
        let outcome = parse(windows, chunkSize: chunkSize)
        #expect(outcome.error == nil)
        #expect(outcome.recorder.events == expected)
    }

    @Test(arguments: [1, 3, 4096])
    func aUTF8ByteOrderMarkIsSkippedAndNotCounted(chunkSize: Int) {
        let outcome = parse([0xEF, 0xBB, 0xBF] + Array("<a>  <r\n a='1'/></a>".utf8), chunkSize: chunkSize)
        #expect(outcome.error == nil)
        #expect(outcome.recorder.starts == ["a@1:1", "r@1:6"])
    }

    @Test func documentsCanBeParsedOnSeveralThreadsAtOnce() async throws {
        let path = try fixturePath("coexist-export.xml")
        let expected = try parseFixture("coexist-export.xml").recorder.events
        let results = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
            for index in 0..<16 {
                group.addTask {
                    let recorder = EventRecorder()
                    // Every other task parses a hostile document, so errors and successes interleave.
                    do {
                        if index % 2 == 1 {
                            let xml = Array("<r>\n<!DOCTYPE x [<!ENTITY e 'e'>]><r>".utf8)
                            try XMLStreamReader.parse(bytes: xml, displayName: "x", handler: recorder)
                            return false
                        }
                        try XMLStreamReader.parse(
                            path: path, displayName: "c", limits: .default, chunkSize: 7, handler: recorder)
                        return recorder.events == expected
                    } catch {
                        return index % 2 == 1 && error is IngestError
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 16))
    }

    @Test func anOverlongXMLDeclarationIsRefusedNotBuffered() {
        let xml = "<?xml version=\"1.0\"" + String(repeating: " ", count: 5_000) + "encoding=\"UTF-7\"?><r/>"
        expectFailure(parse(xml), .refusedXML, reason: "XML declaration is longer than 4096 bytes")
        expectFailure(parse(xml, chunkSize: 100), .refusedXML, reason: "XML declaration is longer than 4096 bytes")
        expectFailure(
            parse("<?xml version=\"1.0\"" + String(repeating: " ", count: 5_000)), .refusedXML, reason: "4096")
        expectFailure(parse("<?xml version=\"1.0\" encoding\"UTF-8\"?><r/>"), .malformedXML, reason: "XML declaration")
    }
}
