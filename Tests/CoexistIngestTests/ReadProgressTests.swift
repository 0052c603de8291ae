import Foundation
import Synchronization
import Testing

@testable import CoexistIngest

/// The bytes-read accounting behind the terminal's progress line.
@Suite("read progress", .serialized)
struct ReadProgressTests {
    private final class Collected: Sendable {
        let reports = Mutex<[[ReadProgress.File]]>([])
    }

    private func temporaryFile(_ contents: String, suffix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString)\(suffix)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a CSV file read in small chunks reports every byte and its end")
    func csvBytesAndEnd() throws {
        let rows = (0..<2_000).map { "row \($0),\"quoted, \($0)\"" }.joined(separator: "\n")
        let path = try temporaryFile("Name,Value\n" + rows + "\n", suffix: ".csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let size = Int64(try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        let collected = Collected()
        ReadProgress.install(interval: .zero) { files in collected.reports.withLock { $0.append(files) } }
        defer { ReadProgress.uninstall() }

        let reader = try CSVReader(path: path, displayName: "p.csv", limits: .default, chunkSize: 4096)
        var records = 0
        while try reader.next() != nil { records += 1 }
        #expect(records == 2_000)

        let mine = collected.reports.withLock { $0.compactMap { $0.first { $0.path == path } } }
        #expect(mine.count > 2, "a 4 KiB chunk size reports several times")
        let reads = mine.map(\.read)
        #expect(reads == reads.sorted(), "bytes read only grow")
        let last = try #require(mine.last)
        #expect(last.total == size)
        #expect(last.read == size)
        #expect(last.finished)
        #expect(mine.first?.finished == false)
    }

    @Test("an XML file reports its bytes too")
    func xmlBytes() throws {
        let path = try temporaryFile(#"<?xml version="1.0" encoding="UTF-8"?><a><b/></a>"#, suffix: ".xml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let collected = Collected()
        ReadProgress.install(interval: .zero) { files in collected.reports.withLock { $0.append(files) } }
        defer { ReadProgress.uninstall() }
        final class Ignore: XMLEventHandler {
            func startElement(_ name: String, namespaceURI: String?, attributes: [String: String], line: Int, column: Int) {}
            func endElement(_ name: String, namespaceURI: String?) {}
            func characters(_ text: String) {}
        }
        try XMLStreamReader.parse(path: path, displayName: "p.xml", limits: .default, chunkSize: 8, handler: Ignore())
        let last = try #require(collected.reports.withLock { $0.compactMap { $0.first { $0.path == path } } }.last)
        #expect(last.read == last.total && last.total > 0 && last.finished)
    }

    @Test("without an observer nothing is reported")
    func silentWithoutObserver() throws {
        let path = try temporaryFile("Name\nx\n", suffix: ".csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let collected = Collected()
        ReadProgress.install(interval: .zero) { files in collected.reports.withLock { $0.append(files) } }
        ReadProgress.uninstall()
        let reader = try CSVReader(path: path, displayName: "p.csv")
        while try reader.next() != nil {}
        #expect(collected.reports.withLock { $0.isEmpty })
    }
}
