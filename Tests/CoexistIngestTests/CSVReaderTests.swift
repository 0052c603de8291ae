import Foundation
import Testing

@testable import CoexistIngest

// MARK: - Helpers

/// Everything reading an input gives: the header and all records, or the one error.
private enum Outcome: Equatable {
    case parsed(delimiter: UInt8, header: [String], rows: [[String]], lines: [Int])
    case failed(IngestError)
}

enum CSVErrorKind { case notText, malformedCSV, unreadable }

private let comma = UInt8(ascii: ",")
private let semicolon = UInt8(ascii: ";")
private let tab = UInt8(ascii: "\t")

private func read(
    _ bytes: [UInt8], chunkSize: Int = CSVScanner.defaultChunkSize,
    limits: CSVReader.Limits = .default
) -> Outcome {
    do {
        let reader = try CSVReader(bytes: bytes, displayName: "test.csv", limits: limits, chunkSize: chunkSize)
        var rows: [[String]] = []
        var lines: [Int] = []
        while let record = try reader.next() {
            rows.append((0..<record.count).map(record.string(at:)))
            lines.append(record.line)
        }
        #expect(try reader.next() == nil, "stays at the end")
        return .parsed(delimiter: reader.delimiter, header: reader.header, rows: rows, lines: lines)
    } catch {
        return .failed(error)
    }
}

/// Reads `bytes` in one chunk and in tiny chunks (so every quote, CRLF and UTF-8 sequence lands on a
/// chunk boundary somewhere); the outcomes must be identical.
private func outcome(
    _ bytes: [UInt8], limits: CSVReader.Limits = .default,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Outcome {
    let reference = read(bytes, limits: limits)
    for chunkSize in [1, 2, 3, 4, 5, 7, 8, 9, 16] {
        #expect(
            read(bytes, chunkSize: chunkSize, limits: limits) == reference, "chunk size \(chunkSize)",
            sourceLocation: sourceLocation)
    }
    return reference
}

private func outcome(
    _ text: String, limits: CSVReader.Limits = .default,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Outcome {
    outcome(Array(text.utf8), limits: limits, sourceLocation: sourceLocation)
}

private func parsed(_ header: [String], _ rows: [[String]], lines: [Int], delimiter: UInt8 = comma) -> Outcome {
    .parsed(delimiter: delimiter, header: header, rows: rows, lines: lines)
}

private func expectFailure(
    _ outcome: Outcome, _ kind: CSVErrorKind, line: Int, column: Int, reason: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard case .failed(let error) = outcome else {
        Issue.record("expected \(kind) at \(line):\(column), got \(outcome)", sourceLocation: sourceLocation)
        return
    }
    let actualKind: CSVErrorKind? =
        switch error {
        case .notText: .notText
        case .malformedCSV: .malformedCSV
        case .unreadable: .unreadable
        default: nil
        }
    #expect(actualKind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(error.file == "test.csv", sourceLocation: sourceLocation)
    #expect(
        error.position?.line == line && error.position?.column == column, "\(error)", sourceLocation: sourceLocation)
    #expect(error.reason.contains(reason), "\(error.reason)", sourceLocation: sourceLocation)
}

private func temporaryFile(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("coexist-csv-\(UUID().uuidString)-\(name)")
}

// MARK: - RFC 4180 structure

@Test func readsHeaderAndRecordsWithLineNumbers() {
    #expect(
        outcome("a,b,c\n1,2,3\n4,5,6\n")
            == parsed(["a", "b", "c"], [["1", "2", "3"], ["4", "5", "6"]], lines: [2, 3]))
}

@Test func acceptsCRLFLoneCRAndMixedTerminatorsCountingCRLFAsOneLine() {
    let rows = [["1", "2"], ["3", "4"]]
    #expect(outcome("a,b\r\n1,2\r\n3,4\r\n") == parsed(["a", "b"], rows, lines: [2, 3]))
    #expect(outcome("a,b\r1,2\r3,4\r") == parsed(["a", "b"], rows, lines: [2, 3]))
    #expect(outcome("a,b\r\n1,2\n3,4\r") == parsed(["a", "b"], rows, lines: [2, 3]))
    #expect(outcome("a,b\n1,2\n3,4") == parsed(["a", "b"], rows, lines: [2, 3]), "no final line break")
    // "\n\r" is two line ends (LF, then a lone CR), so the blank line between counts.
    #expect(outcome("a,b\n\r1,2\r\r\n3,4") == parsed(["a", "b"], rows, lines: [3, 5]))
}

@Test func unquotesFieldsAndFoldsDoubledQuotes() {
    let input = "a,b,c\n\"x,y\",\"he said \"\"hi\"\"\",\"\"\n\"\"\"\",\"\"\"\"\"\",plain\n"
    #expect(
        outcome(input)
            == parsed(["a", "b", "c"], [["x,y", "he said \"hi\"", ""], ["\"", "\"\"", "plain"]], lines: [2, 3]))
}

@Test func keepsQuotedLineBreaksAndShiftsFieldLines() throws {
    let input = "a,b\n\"1\n2\",\"3\r\n4\"\nz,\"5\r6\"\nlast,x\n"
    #expect(
        outcome(input) == parsed(["a", "b"], [["1\n2", "3\r\n4"], ["z", "5\r6"], ["last", "x"]], lines: [2, 5, 7]))

    let reader = try CSVReader(bytes: Array(input.utf8), displayName: "test.csv")
    let first = try #require(try reader.next())
    #expect((first.line(at: 0), first.column(at: 0)) == (2, 1))
    #expect((first.line(at: 1), first.column(at: 1)) == (3, 4), "the second field opens after `2\",` on line 3")
    let second = try #require(try reader.next())
    #expect((second.line(at: 1), second.column(at: 1)) == (5, 3))
}

@Test func columnsCountCharactersNotBytes() throws {
    let reader = try CSVReader(bytes: Array("name,city,x\nJosé,\"Zürich\",1\n日本語,😀,2\n".utf8), displayName: "test.csv")
    let first = try #require(try reader.next())
    #expect((0..<3).map(first.column(at:)) == [1, 6, 15])
    let second = try #require(try reader.next())
    #expect((0..<3).map(second.column(at:)) == [1, 5, 7])
    #expect(second.string(at: 0) == "日本語" && second.string(at: 1) == "😀")
}

@Test func givesZeroCopyBytesAndEmptiness() throws {
    let reader = try CSVReader(bytes: Array("a,b,c\n\"q\"\"x\",,\"\"\n".utf8), displayName: "test.csv")
    let record = try #require(try reader.next())
    #expect(record.count == 3)
    #expect(record.withBytes(at: 0) { Array($0) } == Array("q\"x".utf8))
    #expect(record.withBytes(at: 1) { $0.count } == 0)
    #expect((0..<3).map(record.isEmpty(at:)) == [false, true, true])
}

@Test func aRecordUsedAfterNextTraps() async {
    await #expect(processExitsWith: .failure) {
        let reader = try CSVReader(bytes: Array("a\n1\n2\n".utf8), displayName: "test.csv")
        let first = try reader.next()
        _ = try reader.next()
        _ = first?.string(at: 0)
    }
}

// MARK: - Header, delimiter, blank lines, empty input

@Test func detectsTheDelimiterFromTheHeaderOutsideQuotes() {
    #expect(
        outcome("a;b;c\n1;\"2;3\";4\n")
            == parsed(["a", "b", "c"], [["1", "2;3", "4"]], lines: [2], delimiter: semicolon))
    #expect(outcome("a\tb\n1\t2\n") == parsed(["a", "b"], [["1", "2"]], lines: [2], delimiter: tab))
    #expect(
        outcome("\"a;b;c\",d\n1,2\n") == parsed(["a;b;c", "d"], [["1", "2"]], lines: [2]), "quoted ; do not count")
    #expect(
        outcome("a;b,c;d\n1;2,3;4\n")
            == parsed(["a", "b,c", "d"], [["1", "2,3", "4"]], lines: [2], delimiter: semicolon))
    #expect(outcome("a,b;c\n1,2;3\n") == parsed(["a", "b;c"], [["1", "2;3"]], lines: [2]), "tie → comma")
    #expect(outcome("a;b\tc\n1;2\tc\n") == parsed(["a;b\tc"], [["1;2\tc"]], lines: [2]), "tie of ; and tab → comma")
    #expect(outcome("single\nvalue\n") == parsed(["single"], [["value"]], lines: [2]))
    #expect(
        outcome("\n\n\"x\ny\";z\n1;2\n") == parsed(["x\ny", "z"], [["1", "2"]], lines: [5], delimiter: semicolon),
        "blank lines before the header, a line break inside a quoted header name")
    let manyBlankLines = String(repeating: "\n", count: 1_100_000)
    #expect(
        read(Array((manyBlankLines + "a;b\n1;2\n").utf8))
            == parsed(["a", "b"], [["1", "2"]], lines: [1_100_002], delimiter: semicolon),
        "blank lines do not count towards how far the delimiter is looked for")
}

@Test func trimsHeaderNamesButNotData() {
    #expect(
        outcome("\u{FEFF} a ,\tb\t,\"  c \"\nx , y ,\" z \"\n")
            == parsed(["a", "b", "c"], [["x ", " y ", " z "]], lines: [2]))
}

@Test func dropsTrailingEmptyHeaderNamesAndAcceptsOnlyEmptyExtraFields() {
    #expect(
        outcome("a,b,,\n1,2,,\n3,4\n5,6,\"\",,,\n")
            == parsed(["a", "b"], [["1", "2"], ["3", "4"], ["5", "6"]], lines: [2, 3, 4]))
    expectFailure(
        outcome("a,b, ,\n1,2,3,\n"), .malformedCSV, line: 2, column: 5,
        reason: "row has 4 fields, the header has 2; extra field 3 is not empty")
    expectFailure(
        outcome("a,b\n1,2,,x\n"), .malformedCSV, line: 2, column: 6,
        reason: "row has 4 fields, the header has 2; extra field 4 is not empty")
    expectFailure(outcome("a,b\n1,2, \n"), .malformedCSV, line: 2, column: 5, reason: "extra field 3 is not empty")
    #expect(
        outcome(",a,,b,\n1,2,3,4\n") == parsed(["", "a", "", "b"], [["1", "2", "3", "4"]], lines: [2]),
        "empty names inside the header are kept")
}

@Test func rejectsShortRowsAtTheEndOfTheRecord() {
    expectFailure(
        outcome("a,b,c,d,e,f\n1,2,3\n"), .malformedCSV, line: 2, column: 6, reason: "row has 3 fields, the header has 6"
    )
    expectFailure(
        outcome("a,b,c\n1,\"x\ny\"\r\n"), .malformedCSV, line: 3, column: 3,
        reason: "row has 2 fields, the header has 3")
    expectFailure(
        outcome("a,b\n1,2\n3"), .malformedCSV, line: 3, column: 2, reason: "row has 1 field, the header has 2")
    // White space is not a blank line.
    expectFailure(outcome("a,b\n1,2\n   \n"), .malformedCSV, line: 3, column: 4, reason: "row has 1 field")
}

@Test func skipsBlankLinesEverywhere() {
    #expect(
        outcome("\n\r\n\ra,b\n\n1,2\r\n\r\n3,4\n\n\r")
            == parsed(["a", "b"], [["1", "2"], ["3", "4"]], lines: [6, 8]))
}

@Test func emptyInputsHaveNoHeaderAndNoRecords() {
    let none = parsed([], [], lines: [])
    #expect(outcome("") == none)
    #expect(outcome("\u{FEFF}") == none)
    #expect(outcome("\n\r\n\r\n") == none)
    #expect(outcome("\u{FEFF}\r\n") == none)
    #expect(outcome("a,b") == parsed(["a", "b"], [], lines: []))
    #expect(outcome("a,b\r\n\r\n") == parsed(["a", "b"], [], lines: []))
}

// MARK: - Text

@Test func stripsTheUTF8ByteOrderMarkAndCountsColumnsAfterIt() {
    #expect(outcome("\u{FEFF}id,name\n1,x\n") == parsed(["id", "name"], [["1", "x"]], lines: [2]))
    expectFailure(
        outcome("\u{FEFF}a\"b\n"), .malformedCSV, line: 1, column: 2, reason: "a quote inside an unquoted field")
}

@Test func refusesUTF16AndUTF32() {
    let marks: [([UInt8], String)] = [
        ([0xFF, 0xFE, 0x61, 0x00, 0x0A, 0x00], "UTF-16 text: save the file as UTF-8"),
        ([0xFE, 0xFF, 0x00, 0x61, 0x00, 0x0A], "UTF-16 text: save the file as UTF-8"),
        ([0xFF, 0xFE], "UTF-16 text"),
        ([0xFF, 0xFE, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00], "UTF-32 text: save the file as UTF-8"),
        ([0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x00, 0x61], "UTF-32 text: save the file as UTF-8"),
    ]
    for (bytes, reason) in marks {
        expectFailure(outcome(bytes), .notText, line: 1, column: 1, reason: reason)
    }
}

@Test func refusesInvalidUTF8AtTheFirstBadByte() {
    let prefix = Array("a,b\n1,caf".utf8)
    let cases: [([UInt8], Int, String)] = [
        (prefix + [0xE9, 0x0A], 6, "0xE9"),  // Latin-1 é
        (prefix + [0xC3, 0xA9, 0x80, 0x0A], 7, "0x80"),  // é, then a lone continuation byte
        (prefix + [0xC0, 0x80], 6, "0xC0"),  // overlong NUL
        (prefix + [0xE0, 0x80, 0xAF], 6, "0xE0"),  // overlong
        (prefix + [0xED, 0xA0, 0x80], 6, "0xED"),  // UTF-16 surrogate
        (prefix + [0xF4, 0x90, 0x80, 0x80], 6, "0xF4"),  // above U+10FFFF
        (prefix + [0xF8, 0x88, 0x80, 0x80, 0x80], 6, "0xF8"),  // 5-byte form
        (prefix + [0xE2, 0x82], 6, "0xE2"),  // cut off by the end of input
        (prefix + [0xE2, 0x82, 0x0A], 6, "0xE2"),  // cut off by a line end
    ]
    for (bytes, column, reason) in cases {
        expectFailure(outcome(bytes), .notText, line: 2, column: column, reason: reason)
    }
    expectFailure(
        outcome(Array("a,\"x\n".utf8) + [0x93] + Array("q\"\n".utf8)), .notText, line: 2, column: 1, reason: "0x93")
    expectFailure(outcome([0x61, 0x2C, 0xFF, 0x0A]), .notText, line: 1, column: 3, reason: "Latin-1")
    expectFailure(outcome(Array("a,b\n\"x\"".utf8) + [0xE9]), .notText, line: 2, column: 4, reason: "0xE9")
}

@Test func refusesNULBytes() {
    expectFailure(outcome(Array("a,b\n1,".utf8) + [0, 0x0A]), .notText, line: 2, column: 3, reason: "a NUL byte")
    expectFailure(
        outcome(Array("a,b\n1,\"x\ny".utf8) + [0] + Array("\"\n".utf8)), .notText, line: 3, column: 2, reason: "NUL")
    expectFailure(outcome([0x61, 0x00, 0x62, 0x00]), .notText, line: 1, column: 2, reason: "NUL")
}

// MARK: - Malformed structure

@Test func pointsAnUnterminatedQuoteAtItsOpeningQuote() {
    expectFailure(outcome("a,b\n1,\"abc\n\nmore,stuff\n"), .malformedCSV, line: 2, column: 3, reason: "never closed")
    expectFailure(outcome("\"a"), .malformedCSV, line: 1, column: 1, reason: "never closed")
    expectFailure(outcome("a,b\né,\"x\"\"\n"), .malformedCSV, line: 2, column: 3, reason: "never closed")
}

@Test func rejectsStrayQuotesAndTextAfterAClosingQuote() {
    expectFailure(
        outcome("a,b\n1,ab\"c\n"), .malformedCSV, line: 2, column: 5, reason: "a quote inside an unquoted field")
    expectFailure(
        outcome("a,b\n1, \"c\"\n"), .malformedCSV, line: 2, column: 4, reason: "a quote inside an unquoted field")
    expectFailure(outcome("a,b\n\"x\"y,2\n"), .malformedCSV, line: 2, column: 4, reason: "'y' after a closing quote")
    expectFailure(
        outcome("a,b\n\"x\" ,2\n"), .malformedCSV, line: 2, column: 4, reason: "a space after a closing quote")
    expectFailure(
        outcome("a,b\n\"x\ny\"é,2\n"), .malformedCSV, line: 3, column: 3, reason: "U+00E9 after a closing quote")
    expectFailure(outcome("a;b\n1;\"x\",2\n"), .malformedCSV, line: 2, column: 6, reason: "',' after a closing quote")
}

@Test func keepsThrowingTheFirstError() throws {
    let reader = try CSVReader(bytes: Array("a,b\n1\n2,3\n".utf8), displayName: "test.csv")
    #expect(
        throws: IngestError.malformedCSV(
            file: "test.csv", line: 2, column: 2, reason: "row has 1 field, the header has 2")
    ) {
        try reader.next()
    }
    #expect(
        throws: IngestError.malformedCSV(
            file: "test.csv", line: 2, column: 2, reason: "row has 1 field, the header has 2")
    ) {
        try reader.next()
    }
}

// MARK: - Limits

@Test func enforcesTheFieldByteLimit() {
    let limits = CSVReader.Limits(maxFieldBytes: 8, maxFields: 100)
    #expect(
        outcome("a,b\n12345678,\"1234\"\"678\"\n", limits: limits)
            == parsed(["a", "b"], [["12345678", "1234\"678"]], lines: [2]))
    let eightQuotes = String(repeating: "\"", count: 8)
    let sixteenQuotes = eightQuotes + eightQuotes
    #expect(
        outcome("a,b\n1,\"\(sixteenQuotes)\"\n", limits: limits)
            == parsed(["a", "b"], [["1", eightQuotes]], lines: [2]),
        "16 raw quotes fold to 8 bytes")
    expectFailure(
        outcome("a,b\n1,\"\(sixteenQuotes)\"\"\"\n", limits: limits), .malformedCSV, line: 2, column: 3,
        reason: "maxFieldBytes")
    expectFailure(
        outcome("a,b\n1,123456789\n", limits: limits), .malformedCSV, line: 2, column: 3,
        reason: "field is longer than 8 bytes (limit maxFieldBytes)")
    expectFailure(
        outcome("a,b\n1,\"12\"\"45678\"\"\"\n", limits: limits), .malformedCSV, line: 2, column: 3,
        reason: "maxFieldBytes")
    expectFailure(
        outcome("a,b\n1,\"unclosed and long", limits: limits), .malformedCSV, line: 2, column: 3,
        reason: "is its closing quote missing?")
    expectFailure(outcome("abcdefghi\n", limits: limits), .malformedCSV, line: 1, column: 1, reason: "maxFieldBytes")
}

@Test func enforcesTheFieldCountLimit() {
    let limits = CSVReader.Limits(maxFieldBytes: 100, maxFields: 4)
    #expect(
        outcome("a,b,c,d\n1,2,3,4\n", limits: limits)
            == parsed(["a", "b", "c", "d"], [["1", "2", "3", "4"]], lines: [2]))
    expectFailure(
        outcome("a,b,c,d\n1,2,3,4,\n", limits: limits), .malformedCSV, line: 2, column: 9,
        reason: "record has more than 4 fields (limit maxFields)")
}

@Test func parsesAOneMebibyteFieldAndRejectsOneByteMore() throws {
    let limit = CSVReader.Limits.default.maxFieldBytes
    let big = String(repeating: "x", count: limit)
    guard case .parsed(_, _, let rows, _) = read(Array("a,b\n1,\(big)\n2,\"\(big)\"\n".utf8)) else {
        Issue.record("a field of exactly maxFieldBytes must parse")
        return
    }
    #expect(rows.map { $0[1].utf8.count } == [limit, limit])
    expectFailure(
        read(Array("a,b\n1,\(big)x\n".utf8)), .malformedCSV, line: 2, column: 3, reason: "longer than 1048576 bytes")
    expectFailure(
        read(Array("a,b\n1,\"\(big)x\"\n".utf8)), .malformedCSV, line: 2, column: 3, reason: "longer than 1048576 bytes"
    )
}

@Test func rejectsAHeaderOfOneHundredThousandColumns() {
    let names = (0..<100_000).map { "c\($0)" }
    let column = names.prefix(10_000).map { $0.count + 1 }.reduce(1, +)  // where c10000 starts
    expectFailure(
        read(Array((names.joined(separator: ",") + "\n").utf8)), .malformedCSV, line: 1, column: column,
        reason: "record has more than 10000 fields (limit maxFields)")
}

@Test func streamsFiftyThousandRowsFromAFile() throws {
    let url = temporaryFile("rows.csv")
    defer { try? FileManager.default.removeItem(at: url) }
    var text = "TenantId,SubscriptionId,OfferName,Quantity\r\n"
    for row in 1...50_000 {
        text += "t\(row % 97),sub-\(row),\"Offer \"\"\(row)\"\", plan\",\(row)\r\n"
    }
    try Data(text.utf8).write(to: url)
    for chunkSize in [CSVScanner.defaultChunkSize, 4093] {
        let reader = try CSVReader(path: url.path, displayName: "rows.csv", limits: .default, chunkSize: chunkSize)
        var count = 0
        var sum = 0
        var last: [String] = []
        while let record = try reader.next() {
            count += 1
            sum += Int(record.string(at: 3)) ?? -1_000_000
            if count == 50_000 { last = (0..<record.count).map(record.string(at:)) }
            #expect(record.line == count + 1)
        }
        #expect(count == 50_000)
        #expect(sum == 50_000 * 50_001 / 2)
        #expect(last == ["t45", "sub-50000", "Offer \"50000\", plan", "50000"])
    }
}

// MARK: - Files

@Test func reportsMissingFilesAndDirectoriesAsUnreadable() {
    #expect(throws: IngestError.unreadable(file: "nope.csv", reason: "No such file or directory")) {
        try CSVReader(path: "/nonexistent/nope.csv", displayName: "nope.csv")
    }
    #expect(throws: IngestError.unreadable(file: "tmp", reason: "it is a directory")) {
        try CSVReader(path: FileManager.default.temporaryDirectory.path, displayName: "tmp")
    }
}

@Test func chunkBoundariesInsideQuotesCRLFAndUTF8() throws {
    // Seven-byte chunks split `"a""b"`, the CRLFs and the multi-byte characters in many places;
    // every chunk size from 1 to 64 must give the single-chunk result.
    let input = "id,note,ü\r\n1,\"a\"\"b\r\nc\",é€😀\r\n2,\"\",\"x,y\"\r\n\r\n3,\"\"\"\",z\r"
    let expected = parsed(
        ["id", "note", "ü"], [["1", "a\"b\r\nc", "é€😀"], ["2", "", "x,y"], ["3", "\"", "z"]], lines: [2, 4, 6])
    for chunkSize in 1...64 {
        #expect(read(Array(input.utf8), chunkSize: chunkSize) == expected, "chunk size \(chunkSize)")
    }
    let url = temporaryFile("chunks.csv")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(input.utf8).write(to: url)
    let reader = try CSVReader(path: url.path, displayName: "chunks.csv", limits: .default, chunkSize: 7)
    var notes: [String] = []
    while let record = try reader.next() { notes.append(record.string(at: 1)) }
    #expect(notes == ["a\"b\r\nc", "", "\""])
}

// MARK: - Generated inputs

/// An RFC 4180 writer: quotes a field that holds a delimiter, quote or line break (or is empty when
/// it is alone on its line, so the line is not blank).
private func serialize(_ rows: [[String]], delimiter: Character, terminators: [String]) -> String {
    var text = ""
    for (index, row) in rows.enumerated() {
        text += row.map { field in
            // Scalars, not Characters: "\r\n" is one Character, which would hide a lone "\r" or "\n".
            let special =
                field.unicodeScalars.contains { ",;\t\"\r\n".unicodeScalars.contains($0) }
                || (row.count == 1 && field.isEmpty)
            return special ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: String(delimiter))
        text += terminators[index % terminators.count]
    }
    return text
}

@Test func readsBackWhatAnRFC4180WriterWrote() {
    var random = SeededGenerator(state: 4180)
    let pieces = ["a", "Z", "1", " ", ",", ";", "\t", "\"", "\"\"", "\n", "\r", "\r\n", "é", "€", "😀", "x y", ""]
    for round in 0..<300 {
        let columns = Int.random(in: 1...5, using: &random)
        let delimiter: Character = columns == 1 ? "," : [",", ";", "\t"].randomElement(using: &random)!
        let header = (0..<columns).map { "h\($0)" }
        let rows = (0..<Int.random(in: 0...6, using: &random)).map { _ in
            (0..<columns).map { _ in
                (0..<Int.random(in: 0...3, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            }
        }
        let terminators = (0..<3).map { _ in ["\n", "\r\n", "\r"].randomElement(using: &random)! }
        let text = serialize([header] + rows, delimiter: delimiter, terminators: terminators)
        for chunkSize in [CSVScanner.defaultChunkSize, 3] {
            guard
                case .parsed(let detected, let readHeader, let readRows, _) = read(
                    Array(text.utf8), chunkSize: chunkSize)
            else {
                Issue.record("round \(round): \(read(Array(text.utf8))) for \(text.debugDescription)")
                continue
            }
            #expect(
                detected == delimiter.asciiValue && readHeader == header && readRows == rows,
                "round \(round): \(text.debugDescription)")
        }
    }
}

@Test func anyBytesGiveTheSameAnswerInAnyChunksAndNeverCrash() {
    var random = SeededGenerator(state: 7)
    let alphabet: [UInt8] =
        Array("a,;\t\" \n\r".utf8) + [0x00, 0x80, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xEF, 0xBB, 0xBF, 0xFF, 0xFE]
    for _ in 0..<3000 {
        let bytes = (0..<Int.random(in: 0...24, using: &random)).map { _ in
            Int.random(in: 0..<4, using: &random) == 0 ? alphabet.randomElement(using: &random)! : UInt8(ascii: "a")
        }
        let reference = read(bytes)
        for chunkSize in [1, 2, 5] {
            #expect(read(bytes, chunkSize: chunkSize) == reference, "\(bytes)")
        }
        if case .failed(let error) = reference {
            #expect(error.position.map { $0.line >= 1 && $0.column >= 1 } == true, "\(error) for \(bytes)")
        }
    }
}

@Test(
    "the record count a file holds is extrapolated from its first rows, capped by maxRecords, at every chunk size",
    arguments: [7, 4096, 1 << 20])
func expectedRecordCountExtrapolatesFromTheFirstRows(chunkSize: Int) throws {
    // 10,000 rows of 20 to 29 bytes: after the first 1,000 the estimate is within a tenth of the truth.
    var text = "Id,Name\n"
    for index in 0..<10_000 { text += "\(index),\(String(repeating: "n", count: 12 + index % 10))\n" }
    let reader = try CSVReader(bytes: Array(text.utf8), displayName: "t.csv", limits: .default, chunkSize: chunkSize)
    #expect(reader.expectedRecordCount == nil, "nothing read yet")
    for _ in 0..<1_000 { _ = try reader.next() }
    let expected = try #require(reader.expectedRecordCount)
    #expect(abs(expected - 10_000) < 1_000, "\(expected)")
    var capped = CSVReader.Limits.default
    capped.maxRecords = 5_000
    let limited = try CSVReader(bytes: Array(text.utf8), displayName: "t.csv", limits: capped, chunkSize: chunkSize)
    for _ in 0..<1_000 { _ = try limited.next() }
    #expect(limited.expectedRecordCount == 5_000)
}
