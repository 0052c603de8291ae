import CoexistModel
import Foundation
import Logging
import Testing

@testable import CoexistIngest

/// Every cap of ``IngestLimits``: one clear error naming file, line, column and the limit's name.
@Suite("Ingest limits")
struct IngestLimitsTests {
    private let tenant = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0"
    private let header = "TenantId,SubscriptionId,Channel,OfferId,SkuId,Quantity,Status\n"

    private func row(_ index: Int) -> String {
        "\(tenant),\(String(format: "6c1a0000-0000-4000-8000-%012x", index)),Direct,OFFER,05e9a617-0261-4cee-bb44-138d3ef5d965,1,Active\n"
    }

    /// `row(index)` with a 300-byte offer id: a file of these is larger, so it is read first.
    private func paddedRow(_ index: Int) -> String {
        row(index).replacingOccurrences(of: ",OFFER,", with: ",\(String(repeating: "X", count: 300)),")
    }

    /// The error reading every record of `bytes` raises, or nil.
    private func csvFailure(_ text: String, _ limits: CSVReader.Limits, chunkSize: Int = 1 << 16) -> IngestError? {
        do throws(IngestError) {
            let reader = try CSVReader(bytes: Array(text.utf8), displayName: "t.csv", limits: limits, chunkSize: chunkSize)
            while try reader.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    /// Loads files written into a fresh directory with the given limits; the error, or nil when it loads.
    private func loadFailure(_ files: [String: String], _ change: (inout IngestLimits) -> Void) throws -> IngestError? {
        try loadFailure(files.mapValues { Data($0.utf8) }, change)
    }

    /// The same for files given as bytes (not all of them text).
    private func loadFailure(_ files: [String: Data], _ change: (inout IngestLimits) -> Void) throws -> IngestError? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coexist-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, bytes) in files { try bytes.write(to: directory.appendingPathComponent(name)) }
        var options = IngestOptions()
        change(&options.limits)
        do throws(IngestError) {
            _ = try ExportSetLoader(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, options: options)
                .load([directory.path])
            return nil
        } catch {
            return error
        }
    }

    @Test(
        "a CSV record longer than maxRecordBytes is refused at the field that crosses it, at every chunk size", arguments: [4, 7, 1 << 16])
    func recordBytes(chunkSize: Int) {
        var limits = CSVReader.Limits(maxFieldBytes: 100, maxFields: 100)
        limits.maxRecordBytes = 10
        #expect(csvFailure("a,b\n1234,5678\n", limits, chunkSize: chunkSize) == nil, "9 bytes fit")
        #expect(
            csvFailure("a,b\n1234,5678\n12345,678901\n", limits, chunkSize: chunkSize)
                == .malformedCSV(file: "t.csv", line: 3, column: 7, reason: "record is longer than 10 bytes (limit maxRecordBytes)"))
    }

    @Test("a CSV file with more records than maxRecords allows is refused at the first one over")
    func csvRecords() {
        var limits = CSVReader.Limits.default
        limits.maxRecords = 2
        #expect(csvFailure("a\n1\n2\n", limits) == nil)
        let error = csvFailure("a\n1\n\n2\n3\n", limits)
        #expect(error?.position?.line == 5 && error?.position?.column == 1, "\(String(describing: error))")
        #expect(error?.reason.contains("limit maxRecords") == true)
    }

    @Test("a JSON list with more items than allowed, or an item over maxJSONItemBytes, is refused where it starts")
    func jsonItems() throws {
        let text = "[{\"a\": 1},\n {\"a\": \"\(String(repeating: "x", count: 100))\"}]"
        let counted = JSONListReader(tokenizer: JSONTokenizer(bytes: Array(text.utf8), displayName: "t.json"), maxItems: 1)
        #expect(try counted.nextItem() != nil)
        #expect(throws: IngestError.malformedJSON(file: "t.json", line: 2, column: 2, reason: IngestLimits.tooManyRecords(left: 1))) {
            try counted.nextItem()
        }
        let small = JSONListReader(tokenizer: JSONTokenizer(bytes: Array(text.utf8), displayName: "t.json"), itemBudget: 64)
        #expect(try small.nextItem() != nil)
        #expect(
            throws: IngestError.malformedJSON(
                file: "t.json", line: 2, column: 8,
                reason: "the value that starts here is too large to hold in memory (limit maxJSONItemBytes)")
        ) { try small.nextItem() }
    }

    @Test("maxRecords counts the whole export set: the file that crosses it is refused at the record over")
    func exportSetRecords() throws {
        let files = ["a.csv": header + row(1) + row(2), "b.csv": header + row(3) + row(4)]
        #expect(try loadFailure(files) { $0.maxRecords = 4 } == nil)
        let error = try #require(try loadFailure(files) { $0.maxRecords = 3 })
        #expect(error.file.hasSuffix("b.csv"))
        #expect(error.position?.line == 3 && error.position?.column == 1, "\(error)")
        #expect(error.reason.contains("limit maxRecords; 1 were left for this file"), "\(error)")
    }

    @Test("maxRecords counts what the reader counts: a repeated header row in a later file uses the budget as in order")
    func repeatedHeaderCountsAsInOrder() throws {
        // b.csv is larger (read first, with the whole budget): one record and a repeated header, two
        // counted. After a.csv's two records one is left, so in order b.csv is refused at its header.
        let files = ["a.csv": header + row(1) + row(2), "b.csv": header + paddedRow(11) + header]
        #expect(try loadFailure(files) { $0.maxRecords = 4 } == nil)
        let error = try #require(try loadFailure(files) { $0.maxRecords = 3 })
        #expect(error.file.hasSuffix("b.csv"), "\(error)")
        #expect(error.position?.line == 3, "\(error)")
        #expect(error.reason.contains("1 were left for this file"), "\(error)")
    }

    @Test("files read out of order with what the others left are settled in order: the first file is never refused early")
    func budgetsSettleInOrder() throws {
        // x and y are the largest, read first; a (first in order) may then be read with what they left
        // and be refused there, but in order it comes first with the whole budget and is read whole;
        // x uses the rest, and y, the third in order, is the one refused, at its first record.
        let files = [
            "a.csv": header + row(1) + row(2) + row(3), "x.csv": header + paddedRow(4) + paddedRow(5) + paddedRow(6),
            "y.csv": header + paddedRow(7) + paddedRow(8) + paddedRow(9) + paddedRow(10),
        ]
        #expect(try loadFailure(files) { $0.maxRecords = 10 } == nil)
        for _ in 0..<5 {
            let error = try #require(try loadFailure(files) { $0.maxRecords = 6 })
            #expect(error.file.hasSuffix("y.csv"), "\(error)")
            #expect(error.position?.line == 2, "\(error)")
            #expect(error.reason.contains("0 were left for this file"), "\(error)")
        }
    }

    @Test("a file not named as data that turns out not to be text is settled in order too: refused at the record over, not skipped")
    func aSkippedFileIsSettledInOrder() throws {
        // b.txt is larger (read first, with the whole budget): three records, then a byte that is not
        // UTF-8, so it is skipped as not an export. In order one record is left for it after a.csv's
        // two, and its second record is refused before that byte is reached.
        let files = [
            "a.csv": Data((header + row(1) + row(2)).utf8),
            "b.txt": Data((header + (3...5).map(paddedRow).joined()).utf8) + Data([0xFF, 0x0A]),
        ]
        #expect(try loadFailure(files) { $0.maxRecords = 10 } == nil, "b.txt is skipped when the budget is not reached")
        let error = try #require(try loadFailure(files) { $0.maxRecords = 3 })
        #expect(error.file.hasSuffix("b.txt"), "\(error)")
        #expect(error.position?.line == 3, "\(error)")
        #expect(error.reason.contains("1 were left for this file"), "\(error)")
    }

    @Test("maxRecords also counts canonical XML records (users, relationships, subscriptions, licenses)")
    func xmlRecords() throws {
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let xml = try String(contentsOf: fixtures.appendingPathComponent("xml/coexist-export.xml"), encoding: .utf8)
        #expect(try loadFailure(["export.xml": xml]) { $0.maxRecords = 6 } == nil)
        let error = try #require(try loadFailure(["export.xml": xml]) { $0.maxRecords = 3 })
        guard case .refusedXML(_, let line, _, let reason) = error else {
            Issue.record("expected refusedXML, got \(error)")
            return
        }
        #expect(line == 11, "the first <subscription>, the fourth record")
        #expect(reason.contains("limit maxRecords"))
    }

    @Test(
        "every format cap set in the options reaches its reader, and its error names the limit",
        arguments: [
            // The canonical header, which the dispatcher reads before it knows the file is canonical.
            ("maxFieldBytes", 8, "t.csv", "TenantId,SubscriptionId,Channel,OfferId,Quantity,Status\n", "limit maxFieldBytes"),
            ("maxFields", 2, "t.csv", "TenantId,SubscriptionId,Channel,OfferId,Quantity,Status\n", "limit maxFields"),
            ("maxRecordBytes", 20, "t.csv", "TenantId,SubscriptionId,Channel,OfferId,Quantity,Status\n", "limit maxRecordBytes"),
            ("maxXMLDepth", 2, "t.xml", "<coexistExport version=\"1\"><a><b/></a></coexistExport>", "limit maxXMLDepth"),
            ("maxXMLAttributeBytes", 4, "t.xml", "<coexistExport version=\"12345\"/>", "limit maxXMLAttributeBytes"),
            ("maxXMLTextBytes", 4, "t.xml", "<coexistExport>12345</coexistExport>", "limit maxXMLTextBytes"),
            ("maxXMLAttributes", 2, "t.xml", "<coexistExport a=\"1\" b=\"2\" c=\"3\"/>", "limit maxXMLAttributes"),
            ("maxJSONDepth", 2, "t.json", "[{\"a\": [1]}]", "limit maxJSONDepth"),
            ("maxJSONStringBytes", 4, "t.json", "[{\"a\": \"12345\"}]", "limit maxJSONStringBytes"),
            ("maxJSONItemBytes", 32, "t.json", "[{\"a\": \"\(String(repeating: "x", count: 40))\"}]", "limit maxJSONItemBytes"),
        ])
    func formatCaps(name: String, value: Int, file: String, text: String, message: String) throws {
        let error = try #require(try loadFailure([file: text]) { #expect($0.set(name, to: value) == nil) })
        #expect(error.position != nil, "\(error)")
        #expect(error.reason.contains(message), "\(error)")
        #expect(try loadFailure([file: text]) { _ in }.map { $0.reason.contains(message) } != true, "the default allows it")
    }

    @Test("names, ranges, and the XML caps stay below libxml2's own")
    func settings() {
        var limits = IngestLimits()
        #expect(limits.set("maxRecords", to: 5) == nil && limits.maxRecords == 5)
        #expect(limits.set("maxRecordz", to: 5)?.contains("unknown limit \"maxRecordz\"") == true)
        #expect(limits.set("maxFields", to: 0)?.contains("positive") == true)
        #expect(limits.set("maxXMLDepth", to: 256)?.contains("libxml2") == true)
        #expect(limits.set("maxXMLDepth", to: 255) == nil)
        #expect(limits.set("maxXMLAttributeBytes", to: 10_000_000)?.contains("libxml2") == true)
        let defaults = IngestLimits()
        #expect(defaults.maxXMLDepth < 256 && defaults.maxXMLAttributeBytes < 10_000_000 && defaults.maxXMLTextBytes < 10_000_000)
        #expect(IngestLimits.names.count == 11 && IngestLimits.names.allSatisfy { defaults.value(of: $0) != nil })
    }
}
