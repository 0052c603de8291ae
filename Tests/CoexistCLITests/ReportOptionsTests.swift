import Foundation
import Testing

/// `reconcile --prices` and `--csv-dialect`, end to end (docs/reports.md).
@Suite("coexist reconcile report options", .serialized)
struct ReportOptionsTests {
    private func sample(_ extra: [String], out: URL) throws -> CLIRunner.Outcome {
        try CLIRunner.run(
            ["reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--out", out.path, "-q"] + extra)
    }

    @Test("the sample run writes costs.csv and totals per currency in report.json")
    func costs() throws {
        let out = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(try sample([], out: out).status == 1)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        let summary = try #require(report["summary"] as? [String: Any])
        let costs = try #require(summary["costEffect"] as? [String: Any])
        let currencies = try #require(costs["perCurrency"] as? [[String: Any]]).compactMap { $0["currency"] as? String }
        #expect(currencies == ["CHF", "EUR", "USD"])
        #expect(costs["unpricedChanges"] as? Int == 1, "the direct Teams Essentials of Brauerei Fünf Könige has no UnitPrice")
        let csv = try String(contentsOf: out.appendingPathComponent("costs.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("tenantId,tenantName,subscriptionId,offerName,kind,currency,"))
    }

    @Test("--prices prices what the exports do not")
    func priceList() throws {
        let out = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(try sample(["--prices", "docs/examples/prices.csv"], out: out).status == 1)
        let csv = try String(contentsOf: out.appendingPathComponent("costs.csv"), encoding: .utf8)
        let teams = try #require(csv.split(separator: "\r\n").first { $0.contains("9ca3b611-6831-41dd-8b31-a3b09e1c5ece") })
        #expect(teams.contains(",added,EUR,monthly,price-list,,4.00,0,5,0.00,20.00,20.00,0.00,"), "\(teams)")
    }

    @Test("a bad price list stops the run with file, line and column, and writes nothing")
    func badPriceList() throws {
        let work = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let prices = work.appendingPathComponent("prices.csv")
        try "OfferId,UnitPrice,Currency,BillingCycle\nX,12;50,EUR,monthly\n".write(to: prices, atomically: true, encoding: .utf8)
        let out = work.appendingPathComponent("out")
        let result = try sample(["--prices", prices.path], out: out)
        #expect(result.status == 2)
        #expect(result.stderr.contains("prices.csv:2:3: UnitPrice \"12;50\" is not a number"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("--csv-dialect excel-de: BOM, ';' and decimal comma; a bad name is a usage error")
    func excelGerman() throws {
        let out = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(try sample(["--csv-dialect", "excel-de"], out: out).status == 1)
        let findings = try Data(contentsOf: out.appendingPathComponent("findings.csv"))
        #expect(findings.starts(with: [0xEF, 0xBB, 0xBF] + Array("severity;rule;".utf8)))
        let costs = String(decoding: try Data(contentsOf: out.appendingPathComponent("costs.csv")), as: UTF8.self)
        #expect(costs.contains(";changed;EUR;annual;export;264,00;264,00;40;42;880,00;924,00;44,00;0,00;"), "Müller & Söhne: +2 seats")
        #expect(costs.contains(";'=Rechnung GmbH;"), "text is still neutralized")
        let bad = try sample(["--csv-dialect", "excel-xx"], out: out)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("excel-de"), "names the dialects: \(bad.stderr)")
    }
}
