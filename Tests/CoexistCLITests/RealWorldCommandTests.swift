import Foundation
import Testing

/// Microsoft's own formats, German exports and user mappings, end to end (SPEC §2.3).
@Suite("real-world formats", .serialized)
struct RealWorldCommandTests {
    private static let fixtures = "Tests/CoexistIngestTests/Fixtures/real-world"

    private func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    private func reconcile(baseline: [String], current: [String], extra: [String] = []) throws -> (Int32, [String: Any]) {
        let arguments =
            ["reconcile"] + baseline.flatMap { ["--baseline", "\(Self.fixtures)/\($0)"] }
            + current.flatMap { ["--current", "\(Self.fixtures)/\($0)"] }
            + [
                "--config", "\(Self.fixtures)/coexist.json", "--baseline-as-of", "2026-10-01", "--current-as-of", "2026-11-25", "--out",
                "-",
            ]
            + extra
        let result = try CLIRunner.run(arguments)
        return (result.status, try object(result.stdout))
    }

    @Test("Partner Center JSON against Partner Center CSV + Graph gives the findings of the canonical equivalent")
    func sameFindingsAsCanonical() throws {
        let (realStatus, real) = try reconcile(baseline: ["pc-json/baseline"], current: ["pc-csv/current", "graph/current"])
        let (canonicalStatus, canonical) = try reconcile(baseline: ["canonical/baseline"], current: ["canonical/current"])
        #expect(realStatus == 1 && canonicalStatus == 1, "an error-severity finding: preexisting-deactivated")
        func findings(_ report: [String: Any]) -> [String] {
            ((report["findings"] as? [[String: Any]]) ?? []).map { finding in
                ["rule", "severity", "tenantId", "subscriptionId", "skuId", "message", "before", "after"]
                    .map { (finding[$0] as? String) ?? "-" }.joined(separator: "|")
            }
        }
        #expect(findings(real) == findings(canonical))
        #expect((real["rules"] as? NSArray) == (canonical["rules"] as? NSArray), "the same rules evaluated, for the same tenants")
        let rules = findings(real).map { $0.split(separator: "|")[0] }
        #expect(
            rules.sorted() == [
                "customer-subscription-unseen-by-partner", "customer-subscription-unseen-by-partner", "license-mismatch",
                "preexisting-deactivated", "same-sku-multiple-channels", "subscription-added", "subscription-added",
            ])
        let license = try #require((real["rules"] as? [[String: Any]])?.first { $0["id"] as? String == "license-mismatch" })
        let skipped = try #require(license["notEvaluatedFor"] as? [[String: Any]])
        #expect(skipped.map { $0["tenantId"] as? String } == ["385ceb5b-d0b5-4161-8e17-a42619a0fb79"])
        let formats = Set(((real["inputs"] as? [[String: Any]]) ?? []).compactMap { $0["format"] as? String })
        #expect(
            formats == ["partner-center-api-json", "partner-center-csv", "graph-directory-subscriptions-json", "graph-subscribedskus-json"])
    }

    @Test("the nightly form and import read a user mapping's layout too; without --mapping the file is refused")
    func nightlyWithMapping() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("coexist.sqlite").path
        let export = "\(Self.fixtures)/mapping/acme-abrechnung.csv"
        let mapping = ["--mapping", "\(Self.fixtures)/mapping/acme-abrechnung.mapping.json"]

        let refused = try CLIRunner.run(["import", "--store", store, "--as-of", "2026-11-01", export])
        #expect(refused.status == 2, "a layout coexist does not know: \(refused.stderr)")

        let imported = try CLIRunner.run(["import", "--store", store, "--as-of", "2026-11-01", export] + mapping)
        #expect(imported.status == 0, "\(imported.stderr)")

        let night = try CLIRunner.run(
            ["reconcile", "--current", export, "--store", store, "--current-as-of", "2026-11-25", "--out", "-"] + mapping)
        // 5: the file has no relationships, so the rules that need them are not evaluated (exit 5, not 2).
        #expect(night.status == 5, "\(night.stderr)")
        let report = try object(night.stdout)
        let inputs = try #require(report["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["format"] as? String } == ["acme-abrechnung-csv", "acme-abrechnung-csv"], "\(inputs)")
        #expect(inputs.map { $0["records"] as? Int } == [3, 3])
        let counts = try #require((report["summary"] as? [String: Any])?["subscriptions"] as? [String: Any])
        #expect((counts["current"] as? Int ?? 0) > 0)
        #expect(counts["added"] as? Int == 0 && counts["removed"] as? Int == 0, "the same file against its own baseline: \(counts)")
    }

    @Test("validate --json names every real-world format, its kind and records")
    func validateFormats() throws {
        let result = try CLIRunner.run([
            "validate", "--json", "\(Self.fixtures)/pc-json", "\(Self.fixtures)/pc-csv", "\(Self.fixtures)/graph",
            "\(Self.fixtures)/insights",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try #require(try object(result.stdout)["files"] as? [[String: Any]])
        func entry(_ suffix: String) -> [String: Any]? { files.first { ($0["file"] as? String)?.hasSuffix(suffix) == true } }
        let expected: [(String, String, String, Int)] = [
            ("baseline/customers.json", "customers", "partner-center-api-json", 3),
            ("subscription-exchange-plan2.json", "partner-subscriptions", "partner-center-api-json", 1),
            ("current/customers.csv", "customers", "partner-center-csv", 3),
            ("Abonnements-f97b9ec7-b0bd-46a3-9b34-b27f1ee98fff.csv", "partner-subscriptions", "partner-center-csv", 2),
            ("directory-subscriptions.json", "tenant-subscriptions", "graph-directory-subscriptions-json", 3),
            ("Get-MgDirectorySubscription.json", "tenant-subscriptions", "graph-directory-subscriptions-json", 3),
            ("ecd4de63-9d00-4d0c-af04-90b7668c9128/subscribedSkus.json", "customer-licenses", "graph-subscribedskus-json", 3),
            ("subscription-report.tsv", "partner-subscriptions", "partner-center-insights", 3),
        ]
        for (suffix, kind, format, records) in expected {
            let file = try #require(entry(suffix), "\(suffix)")
            #expect(file["kind"] as? String == kind, "\(suffix)")
            #expect(file["format"] as? String == format, "\(suffix)")
            #expect(file["records"] as? Int == records, "\(suffix)")
            #expect((file["problems"] as? [Any])?.isEmpty == true, "\(suffix)")
        }
        #expect(entry("Abonnements-f97b9ec7-b0bd-46a3-9b34-b27f1ee98fff.csv")?["language"] as? String == "de")
    }

    @Test("mapping init drafts a mapping; completed, validate and reconcile read the file with it")
    func mappingInitThenUse() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let draftPath = directory.appendingPathComponent("acme.json").path
        let sample = "\(Self.fixtures)/mapping/acme-abrechnung.csv"
        let initResult = try CLIRunner.run(["mapping", "init", sample, "--out", draftPath])
        #expect(initResult.status == 0, "\(initResult.stderr)")
        #expect(initResult.stderr.contains("Kunden-GUID"), "the unknown column is named")
        var draft = try object(String(contentsOfFile: draftPath, encoding: .utf8))
        var fields = try #require(draft["fields"] as? [String: Any])
        #expect(fields["Kunden-GUID"] as? String == "?" && fields["Lizenzen"] as? String == "Quantity")
        // What the user decides: the tenant column, and the values coexist did not know.
        fields["Kunden-GUID"] = "TenantId"
        fields["Notiz"] = NSNull()
        draft["fields"] = fields
        draft["tenant"] = nil
        draft["values"] = ["Status": ["läuft": "active", "pausiert": "suspended"], "Channel": ["Händler": "CSP"]]
        try JSONSerialization.data(withJSONObject: draft).write(to: URL(fileURLWithPath: draftPath))

        let validate = try CLIRunner.run(["validate", "--mapping", draftPath, sample])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("partner-subscriptions (acme-abrechnung-csv, language de), 3 records"))
        #expect(validate.stdout.contains("Kunden-GUID → TenantId"))
        let (status, report) = try reconcile(
            baseline: ["pc-json/baseline"], current: ["mapping/acme-abrechnung.csv"], extra: ["--mapping", draftPath])
        #expect(status == 1, "Vistula's Exchange Online (Plan 2) is suspended")
        let rules = ((report["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }
        #expect(rules.contains("preexisting-deactivated"))
    }

    @Test(
        "every real-world fixture reconciles against the Partner Center JSON baseline",
        arguments: ["pc-csv/current", "graph/current", "insights", "mapping", "canonical/current"])
    func everyFormatReconciles(_ current: String) throws {
        let mappings = ["mapping/acme-abrechnung.mapping.json", "mapping/distributor.mapping.json"].flatMap {
            ["--mapping", "\(Self.fixtures)/\($0)"]
        }
        let (status, report) = try reconcile(baseline: ["pc-json/baseline"], current: [current], extra: mappings)
        #expect([0, 1, 5].contains(status), "\(current): exit \(status)")
        #expect(report["schemaVersion"] as? Int == 1)
        #expect(((report["inputs"] as? [[String: Any]]) ?? []).allSatisfy { ($0["records"] as? Int ?? 0) > 0 }, "\(current)")
    }

    @Test("a file that fits no format and no mapping is exit 2, naming what was expected")
    func unmappedIsAnInputError() throws {
        let result = try CLIRunner.run(["validate", "\(Self.fixtures)/mapping/distributor-export.xml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("<Export> is not <coexistExport>"))
        let mapped = try CLIRunner.run([
            "validate", "--json", "--mapping", "\(Self.fixtures)/mapping/distributor.mapping.json",
            "\(Self.fixtures)/mapping/distributor-export.xml",
        ])
        #expect(mapped.status == 0, "\(mapped.stderr)")
        #expect(try object(mapped.stdout)["files"].map { "\($0)" }?.contains("distributor-xml") == true)
    }
}
