import Testing

@testable import CoexistIngest

/// Every token of a document, read with the given chunk size.
private func tokens(_ text: String, chunkSize: Int = 1 << 20) throws(IngestError) -> [JSONTokenizer.Token] {
    let tokenizer = JSONTokenizer(bytes: Array(text.utf8), displayName: "t.json", chunkSize: chunkSize)
    var result: [JSONTokenizer.Token] = []
    while let token = try tokenizer.next() { result.append(token) }
    return result
}

/// The error a document raises, or nil.
private func failure(_ text: String, bytes: [UInt8]? = nil, chunkSize: Int = 1 << 20) -> IngestError? {
    let tokenizer = JSONTokenizer(bytes: bytes ?? Array(text.utf8), displayName: "t.json", chunkSize: chunkSize)
    do throws(IngestError) {
        while try tokenizer.next() != nil {}
        return nil
    } catch {
        return error
    }
}

@Suite("JSON tokenizer")
struct JSONTokenizerTests {
    @Test("reads every kind of token, at every chunk size", arguments: [1, 2, 3, 7, 1 << 20])
    func tokensAtEveryChunkSize(chunkSize: Int) throws {
        let text = """
            \u{FEFF}{"a": [1, -2.5e3, 0, true, false, null], "s": "x\\"\\\\\\/\\b\\f\\n\\r\\t\\u00fc\\ud83d\\ude00 Grüße 東京",
             "o": {}, "l": []}
            """
        let expected: [JSONTokenizer.Token] = [
            .beginObject, .key("a"), .beginArray, .number("1"), .number("-2.5e3"), .number("0"), .bool(true), .bool(false), .null,
            .endArray, .key("s"), .string("x\"\\/\u{8}\u{C}\n\r\tü😀 Grüße 東京"), .key("o"), .beginObject, .endObject,
            .key("l"), .beginArray, .endArray, .endObject,
        ]
        #expect(try tokens(text, chunkSize: chunkSize) == expected)
    }

    @Test("positions count lines and characters, not bytes")
    func positions() throws {
        let tokenizer = JSONTokenizer(bytes: Array("{\"ä\":\n  \"ü\", \"b\": 1}".utf8), displayName: "t.json", chunkSize: 2)
        var seen: [(JSONTokenizer.Token, Int, Int)] = []
        while let token = try tokenizer.next() { seen.append((token, tokenizer.tokenLine, tokenizer.tokenColumn)) }
        #expect(seen.map { "\($0.1):\($0.2)" } == ["1:1", "1:2", "2:3", "2:8", "2:13", "2:14"])
    }

    @Test(
        "refuses what is not JSON, naming line and column",
        arguments: [
            ("{\"a\": 1,}", 1, 9, "expected a key"),
            ("[1 2]", 1, 4, "expected ',' or ']'"),
            ("{\"a\" 1}", 1, 6, "expected ':'"),
            ("[01]", 1, 2, "invalid number"),
            ("[1.]", 1, 2, "invalid number"),
            ("[tru]", 1, 2, "expected a value"),
            ("{\"a\": \"x\n\"}", 1, 9, "line break inside a string"),
            ("[\"\\x\"]", 1, 3, "invalid escape"),
            ("[\"\\ud83d\"]", 1, 3, "without its low surrogate"),
            ("[1]\n[2]", 2, 1, "text after the end"),
            ("{\"a\": [1, 2", 1, 12, "ends before its value is complete"),
            ("[\"abc", 1, 2, "never closed"),
            ("", 1, 1, "ends before its value is complete"),
        ])
    func refuses(_ text: String, _ line: Int, _ column: Int, _ message: String) throws {
        let error = try #require(failure(text))
        guard case .malformedJSON(_, let errorLine, let errorColumn, let reason) = error else {
            Issue.record("expected malformedJSON, got \(error)")
            return
        }
        #expect((errorLine, errorColumn) == (line, column), "\(reason)")
        #expect(reason.contains(message), "\(reason)")
    }

    @Test("refuses binary and non-UTF-8 text as not text")
    func notText() throws {
        for bytes: [UInt8] in [[0xFF, 0xFE, 0x5B, 0x00], [0x5B, 0x22, 0xE9, 0x22, 0x5D], [0x5B, 0x00, 0x5D]] {
            let error = try #require(failure("", bytes: bytes))
            guard case .notText = error else {
                Issue.record("expected notText, got \(error)")
                continue
            }
        }
    }

    /// FuzzJSON regression: a window ending inside the unexpected character made the message name its
    /// first byte ("byte 0xDE") instead of the character (U+07AC), so the error depended on the chunk size.
    @Test("an unexpected character is named the same at every chunk size", arguments: [1, 2, 3, 4, 5, 14, 1 << 20])
    func unexpectedCharacterAcrossChunks(chunkSize: Int) throws {
        let bytes = Array("{\"Abo-Nr\": ".utf8) + [0xDE, 0xAC] + Array("\"}".utf8)
        let error = try #require(failure("", bytes: bytes, chunkSize: chunkSize))
        #expect(error == .malformedJSON(file: "t.json", line: 1, column: 12, reason: "expected a value, found U+07AC"))
    }

    @Test("nesting and string lengths are bounded")
    func limits() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(failure(deep)?.reason.contains("deeper than 64") == true)
        var limits = JSONTokenizer.Limits()
        limits.maxStringBytes = 8
        let tokenizer = JSONTokenizer(bytes: Array("[\"0123456789\"]".utf8), displayName: "t.json", limits: limits)
        #expect(throws: IngestError.self) { while try tokenizer.next() != nil {} }
    }
}

@Suite("JSON lists")
struct JSONListReaderTests {
    private func items(_ text: String) throws -> (items: [JSONNode], reader: JSONListReader) {
        let reader = JSONListReader(tokenizer: JSONTokenizer(bytes: Array(text.utf8), displayName: "t.json", chunkSize: 3))
        var items: [JSONNode] = []
        while let item = try reader.nextItem() { items.append(item) }
        return (items, reader)
    }

    @Test("Graph's value wrapper, Partner Center's collection, a bare list and a single resource")
    func shapes() throws {
        let graph = try items(
            #"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscribedSkus", "value": [{"a": 1}, {"a": 2}]}"#)
        #expect(graph.items.count == 2)
        #expect(graph.reader.envelopeValue(at: ["@odata.context"])?.text?.hasSuffix("subscribedSkus") == true)
        let partnerCenter = try items(
            #"{"totalCount": 0, "items": [], "links": {"self": {"uri": "/customers/x/subscriptions"}}, "attributes": {}}"#)
        #expect(partnerCenter.items.isEmpty)
        #expect(partnerCenter.reader.envelopeValue(at: ["links", "self", "uri"])?.text == "/customers/x/subscriptions")
        #expect(try items("[{\"a\": 1}]").items.count == 1)
        let single = try items("{\"id\": \"x\", \"quantity\": 25, \"links\": {\"self\": {\"uri\": \"u\"}}}")
        #expect(single.reader.isSingleResource)
        #expect(single.items.first?.value(at: ["LINKS", "self", "uri"])?.text == "u")
        #expect(single.items.first?.member("Quantity")?.text == "25")
    }

    @Test("an item's line is where it starts")
    func itemLines() throws {
        let list = try items("{\"value\": [\n  {\"a\": 1},\n  {\"a\": [\"x\", \"y\"]}\n]}")
        #expect(list.items.map(\.line) == [2, 3])
        #expect(list.items.last?.member("a")?.text == "x;y")
    }

    @Test("a single value at the top is not a list")
    func scalarDocument() {
        #expect(throws: IngestError.self) { try items("\"just text\"") }
    }
}
