import CoexistDiff
import CoexistModel
import CoexistRules
import Foundation
import Testing

@testable import CoexistReports

/// The byte-level escapes and the streaming output against the String-based code they replaced:
/// the reports must stay byte-identical.
@Suite("Report output")
struct ReportOutputTests {
    /// Inputs that exercise every branch: quotes, backslashes, every control character, DEL,
    /// non-ASCII of every UTF-8 length, emoji (with joiners and modifiers), U+2028/U+2029 and their
    /// E2-led neighbours, NUL, HTML's specials, CSV's delimiters, leading and trailing spaces.
    static let tricky: [String] =
        [
            "", "plain", "a\"b", "back\\slash", "\\\"", "line\nbreak", "cr\r\nlf", "tab\there", "\u{0}", "nul\u{0}inside",
            "\u{1}\u{1F}\u{7F}", "Zürich Ærø", "日本語", "emoji 😀👍🏽👨‍👩‍👧", "\u{2028}", "a\u{2029}b", "\u{2027}\u{202A}€‰",
            "<script>&amp;'x'</script>", "=SUM(A1)", "+1", "-x", "@cmd", "\tx", "\rx", "\nx", " lead", "trail ", " ", "a,b;c",
            "\"quoted\"", "'", "é\u{301}", "\u{FEFF}bom", "…\u{2028}…",
        ] + (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }

    @Test func jsonStringsMatchTheScalarEscaper() {
        for text in Self.tricky {
            var out = ReportOutput()
            out.appendJSONString(text)
            #expect(out.text == Self.scalarJSONQuote(text), "\(Array(text.unicodeScalars))")
        }
        #expect(JSONValue.quote("a\u{2028}\"\u{7F}\u{1}") == "\"a\\u2028\\\"\\u007f\\u0001\"")
    }

    @Test func htmlEscapesMatchTheScalarEscaper() {
        for text in Self.tricky {
            var out = ReportOutput()
            out.appendHTMLEscaped(text)
            #expect(out.text == Self.scalarHTMLEscape(text), "\(Array(text.unicodeScalars))")
            #expect(HTMLReport.escape(text) == Self.scalarHTMLEscape(text))
        }
    }

    @Test func pathsWrapAfterTheirSlashesLikeTheFoundationReplacement() {
        for text in Self.tricky + ["a/b", "/", "//x//", "dir/sub/<file>.csv:12", "ä/ö"] {
            var out = ReportOutput()
            out.appendHTMLEscaped(text, wrappingAfterSlashes: true)
            #expect(out.text == Self.scalarHTMLEscape(text).replacingOccurrences(of: "/", with: "/<wbr>"))
        }
    }

    @Test("an ASCII tenant name sorts by its lower case, exactly as Foundation folds it")
    func asciiNamesFoldToLowerCase() {
        let names = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) } + ["Contoso GmbH & Co. KG", "ZURICH ag", "Ærø", "Zürich"]
        for name in names {
            #expect(HTMLPage.sortKey(name) == name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil))
        }
    }

    @Test func csvCellsMatchTheStringWriter() {
        for dialect in CSVDialect.all {
            for text in Self.tricky {
                var writer = CSVWriter(dialect: dialect)
                writer.write([.text(text), .number("-12.50"), .empty, .text(text)])
                let cell = Self.stringCSVCell(text, dialect: dialect)
                let number = dialect.decimalSeparator == "," ? "-12,50" : "-12.50"
                let delimiter = String(dialect.delimiter)
                let expected =
                    (dialect.byteOrderMark ? "\u{FEFF}" : "") + [cell, number, "", cell].joined(separator: delimiter) + "\r\n"
                #expect(writer.text == expected, "\(dialect) \(Array(text.unicodeScalars))")
            }
        }
    }

    @Test("report.json streamed element by element is the document as one JSONValue, nightly keys too")
    func streamedJSONIsTheWholeDocument() throws {
        var nightly = sampleResult()
        let notes = nightly.run.findings.indices.map { index in
            NightlyNotes.FindingNote(
                newSinceLastRun: index == 0, firstSeenRun: index == 1 ? nil : 1,
                accepted: index == 2 ? NightlyNotes.Acceptance(by: "Petra", at: "2026-11-02", reason: "ticket \"42\"") : nil,
                acceptanceExpired: index == 3)
        }
        nightly.annotate(NightlyNotes(store: "s", run: 2, previousRun: 1, inputsUnchangedSinceRun: nil, baselines: [], findings: notes))
        for result in [sampleResult(), nightly] {
            let findings = result.run.findings.indices.map { index -> JSONValue in
                guard let note = result.nightlyNote(at: index), case .object(let keys) = Self.finding(result.run.findings[index])
                else { return Self.finding(result.run.findings[index]) }
                return .object(keys + JSONReport.nightlyKeys(note))
            }
            var members = JSONReport.head(result)
            members.append(("findings", .array(findings)))
            members.append(
                ("changes", .array(result.diff.changes.map { Self.change($0, cost: result.costs.cost(of: $0.subscription)) })))
            members.append(("generatedAt", .string(result.generatedAt)))
            members.append(("failOn", .string(result.failOn.rawValue)))
            members.append(("exportingPartners", .array(result.exportingPartners.sorted().map { .string($0.description) })))
            if let notes = result.nightly { members.append(("nightly", JSONReport.nightlyObject(notes))) }
            #expect(JSONReport.render(result) == JSONValue.object(members).serialized())
        }
        #expect(JSONReport.render(nightly).contains("\"newSinceLastRun\": true"))
    }

    // The members of a finding, a change and its cost as SPEC §5 and the report's extra keys order
    // them, made as one value each: what the streamed writers must lay out byte for byte.
    static func finding(_ finding: Finding) -> JSONValue {
        .object([
            ("rule", .string(finding.rule)), ("severity", .string(finding.severity.rawValue)),
            ("tenantId", .text(finding.tenant?.description)), ("subscriptionId", .text(finding.subscription?.description)),
            ("message", .string(finding.message)), ("before", .text(finding.before)), ("after", .text(finding.after)),
            ("source", source(finding.source)), ("baselineSource", source(finding.baselineSource)),
            ("skuId", .text(finding.sku?.description)), ("partnerId", .text(finding.partner?.description)),
        ])
    }

    static func change(_ change: SubscriptionChange, cost: ChangeCost?) -> JSONValue {
        .object([
            ("tenantId", .string(change.tenant.description)), ("subscriptionId", .string(change.subscription.description)),
            ("kind", .string(change.kind.rawValue)),
            (
                "fields",
                .array(
                    change.fields.map { field in
                        .object([("field", .string(field.field.name)), ("before", .text(field.before)), ("after", .text(field.after))])
                    })
            ),
            ("source", source(change.source)), ("baselineSource", source(change.baselineSource)),
            ("cost", self.cost(cost)),
        ])
    }

    static func cost(_ cost: ChangeCost?) -> JSONValue {
        guard let cost else { return .null }
        return .object([
            ("unpriced", .text(cost.unpriced)),
            (
                "lines",
                .array(
                    cost.lines.map { line in
                        let minor = line.currency.minorUnits
                        let side = line.after ?? line.before
                        return .object([
                            ("currency", .string(line.currency.code)),
                            ("billingCycle", .text(side?.billingCycle.canonicalName)),
                            ("priceSource", .text(side?.source.rawValue)),
                            ("unitPriceBefore", line.before.map { .number($0.unitPrice.price(minor)) } ?? .null),
                            ("unitPriceAfter", line.after.map { .number($0.unitPrice.price(minor)) } ?? .null),
                            ("seatsBefore", .number((line.before?.seats ?? 0).plainText)),
                            ("seatsAfter", .number((line.after?.seats ?? 0).plainText)),
                            ("monthlyBefore", .number((line.before?.monthly ?? 0).fixed(minor))),
                            ("monthlyAfter", .number((line.after?.monthly ?? 0).fixed(minor))),
                            ("monthlyEffect", .number(line.monthlyEffect.fixed(minor))),
                            ("oneTimeEffect", .number(line.oneTimeEffect.fixed(minor))),
                        ])
                    })
            ),
        ])
    }

    static func source(_ provenance: Provenance?) -> JSONValue {
        guard let provenance else { return .null }
        return .object([("file", .string(provenance.file)), ("line", .number(String(provenance.line)))])
    }

    @Test func integersAreWrittenInDecimal() {
        var out = ReportOutput()
        for value in [0, 7, -7, 10, 1_234_567, Int.max, Int.min] {
            out.append(decimal: value)
            out.append(byte: UInt8(ascii: " "))
        }
        #expect(out.text == "0 7 -7 10 1234567 \(Int.max) \(Int.min) ")
    }

    @Test("a file output writes in chunks what an in-memory output holds whole")
    func fileOutputStreamsTheSameBytes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("coexist-output-\(UUID().uuidString)").path
        defer { unlink(path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(descriptor >= 0)
        var file = ReportOutput(descriptor: descriptor)
        var memory = ReportOutput()
        // Well over two chunks, in pieces that straddle the chunk boundaries.
        for index in 0..<120_000 {
            let piece = "row \(index): \(Self.tricky[index % Self.tricky.count])\n"
            file.appendJSONString(piece)
            memory.appendJSONString(piece)
            file += "<\(index)>"
            memory += "<\(index)>"
        }
        file.flush()
        close(descriptor)
        #expect(file.failure == nil)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written.count > 2 * ReportOutput.chunkSize)
        #expect(String(decoding: written, as: UTF8.self) == memory.text)
    }

    @Test("a write error is kept, not lost")
    func writeErrorsAreReported() {
        var out = ReportOutput(descriptor: -1)
        out += String(repeating: "x", count: ReportOutput.chunkSize + 1)
        out.flush()
        #expect(out.failure == EBADF)
    }

    // MARK: - The String-based escapers the byte-level ones replaced, kept here as the reference.

    static func scalarJSONQuote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func scalarHTMLEscape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func stringCSVCell(_ raw: String, dialect: CSVDialect) -> String {
        var value = raw
        if let first = value.utf8.first,
            [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D, 0x0A].contains(first)
        {
            value = "'" + value
        }
        let delimiterByte = dialect.delimiter.asciiValue ?? UInt8(ascii: ",")
        let utf8 = value.utf8
        let needsQuotes =
            utf8.contains { $0 == delimiterByte || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            || utf8.first == 0x20 || utf8.last == 0x20
        guard needsQuotes else { return value }
        var quoted = [UInt8]()
        quoted.append(UInt8(ascii: "\""))
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { quoted.append(byte) }
            quoted.append(byte)
        }
        quoted.append(UInt8(ascii: "\""))
        return String(decoding: quoted, as: UTF8.self)
    }
}
