import CoexistModel
import Foundation
import Testing

@testable import CoexistReports

/// `--csv-dialect excel-de`: `;`, a UTF-8 BOM, decimal comma; text still neutralized, numbers not.
@Suite("CSV dialects")
struct CSVDialectTests {
    @Test func excelGermanSpellsNumbersAndDelimitersForExcel() {
        var writer = CSVWriter(dialect: .excelGerman)
        writer.write([.number("-1345.78"), .number("42"), .text("=SUM(A1)"), .text("-3.5"), .text("a;b"), .text("1,5"), .empty])
        #expect(writer.text == "\u{FEFF}-1345,78;42;'=SUM(A1);'-3.5;\"a;b\";1,5;\r\n")
    }

    @Test func standardIsPlainRFC4180() {
        var writer = CSVWriter()
        writer.write([.number("-1345.78"), .text("1,5")])
        #expect(writer.text == "-1345.78,\"1,5\"\r\n")
        #expect(!writer.text.hasPrefix("\u{FEFF}"))
    }

    @Test func dialectsAreChosenByName() {
        #expect(CSVDialect(name: "excel-de") == .excelGerman)
        #expect(CSVDialect(name: "STANDARD") == .standard)
        #expect(CSVDialect(name: "excel-fr") == nil)
    }

    @Test func costAmountsStayNumbersInEveryDialect() throws {
        let text = CostsCSV.render(sampleResult(), dialect: .excelGerman)
        #expect(text.hasPrefix("\u{FEFF}tenantId;tenantName;"))
        let rows = text.split(separator: "\r\n").map { $0.split(separator: ";", omittingEmptySubsequences: false) }
        let header = try #require(rows.first).map(String.init)
        let effect = try #require(header.firstIndex(of: "monthlyEffect"))
        let effects = rows.dropFirst().map { String($0[effect]) }
        #expect(effects.sorted() == ["+30000", "-37,50", "110,00"].map { $0.replacingOccurrences(of: "+", with: "") }.sorted())
    }
}
