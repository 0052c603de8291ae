import CoexistModel
import Foundation
import Testing

@testable import CoexistIngest

/// The join's shortcut for pairs read from the same bytes (`ValuesFingerprint`) against comparing
/// every pair field by field.
@Suite("Values fingerprints")
struct ValuesFingerprintTests {
    private static let header = [
        "TenantId", "TenantName", "SubscriptionId", "Channel", "OfferId", "OfferName", "SkuId", "Quantity", "Status", "StartDate",
        "EndDate", "BillingCycle", "TermDuration", "AutoRenew", "ReadOnly", "ResellerPartnerId", "AdvisorPartnerIds", "UnitPrice",
        "Currency",
    ]

    private static func row(_ n: Int, _ values: [String: String] = [:]) -> [String: String] {
        var row = [
            "TenantId": String(format: "0f1e0000-0000-0000-0000-%012x", n % 7), "TenantName": "Contoso \(n % 7)",
            "SubscriptionId": String(format: "6c1a0000-0000-0000-0000-%012x", n), "Channel": n % 3 == 0 ? "CSP" : "Direct",
            "OfferId": "CFQ7TTC0LH18:0001", "OfferName": "Microsoft 365 E3", "SkuId": "05e9a617-0261-4cee-bb44-138d3ef5d965",
            "Quantity": "\(n % 40 + 1)", "Status": "active", "StartDate": "2026-01-01", "EndDate": "2027-01-01",
            "BillingCycle": "annual", "TermDuration": "P1Y", "AutoRenew": "true", "ReadOnly": "false",
            "ResellerPartnerId": n % 3 == 0 ? "4847383" : "", "AdvisorPartnerIds": "", "UnitPrice": "36.00", "Currency": "EUR",
        ]
        row.merge(values) { _, new in new }
        return row
    }

    private static func file(_ rows: [[String: String]], header: [String] = header) -> [UInt8] {
        let lines = [header.joined(separator: ",")] + rows.map { row in header.map { row[$0] ?? "" }.joined(separator: ",") }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    private static func records(_ bytes: [UInt8]) throws -> [SubscriptionID: Subscription] {
        let reader = try CSVReader(bytes: bytes, displayName: "export.csv")
        let content = try CanonicalCSVReader(header: reader.header).read(reader, fastPath: true)
        return Dictionary(content.subscriptions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every matched pair's changes as the field-by-field comparison finds them.
    private static func expectEveryPairCompared(_ join: SubscriptionJoin) {
        for (position, match) in join.matches.enumerated() where match >= 0 {
            let before = join.baselineRecords[position]
            let after = join.currentRecords[Int(match)]
            #expect(join.changes[position] == before.differingFields(from: after), "\(before.id)")
        }
    }

    @Test("pairs read from the same bytes skip the comparison; every pair's changes are the comparison's")
    func theShortcutAgreesWithTheComparison() throws {
        let edits: [[String: String]] = [
            ["Quantity": "99"], ["Status": "suspended"], ["Status": "Active"], ["OfferName": "Microsoft 365 E5"],
            ["EndDate": "2027-01-01T00:00:00Z"], ["ResellerPartnerId": "'4847383"], ["AutoRenew": "TRUE"], ["Channel": "csp"],
            ["AdvisorPartnerIds": "4120087"], ["Currency": "eur"], ["TermDuration": "p1y"], ["UnitPrice": "36.0"],
        ]
        let baseline = (0..<600).map { Self.row($0) }
        // Every tenth row edited, in turn each way above: some change a value, some only its spelling.
        let current = (0..<600).map { n in n % 10 == 0 ? Self.row(n, edits[(n / 10) % edits.count]) : Self.row(n) }
        let before = try Self.records(Self.file(baseline))
        let after = try Self.records(Self.file(current))
        let everyRowFingerprinted = before.values.allSatisfy { $0.valuesFingerprint.isKnown }
        #expect(everyRowFingerprinted, "the fast path fingerprints every row it decodes")
        let join = SubscriptionJoin(baseline: before, current: after)
        Self.expectEveryPairCompared(join)
        let shortcut = join.matches.indices.filter { position in
            let match = join.matches[position]
            return match >= 0 && join.baselineRecords[position].valuesFingerprint == join.currentRecords[Int(match)].valuesFingerprint
        }
        #expect(shortcut.count == 540, "the unedited pairs share their fingerprint")
        #expect(join.changes.filter { !$0.isEmpty }.count >= 30)
    }

    @Test("the same bytes under another column order are other values: the pair is compared")
    func theLayoutIsPartOfTheFingerprint() throws {
        var swapped = Self.header
        swapped.swapAt(swapped.firstIndex(of: "AutoRenew")!, swapped.firstIndex(of: "ReadOnly")!)
        let rows = (0..<20).map { Self.row($0) }
        // Under the swapped header the same cells read AutoRenew = false and ReadOnly = true.
        let before = try Self.records(Self.file(rows))
        let after = try Self.records(
            Self.file(
                rows.map { row in row.merging(["AutoRenew": row["ReadOnly"]!, "ReadOnly": row["AutoRenew"]!]) { $1 } }, header: swapped))
        let join = SubscriptionJoin(baseline: before, current: after)
        Self.expectEveryPairCompared(join)
        #expect(join.changes.allSatisfy { $0 == FieldSet([.autoRenew, .readOnly]) })
    }

    @Test("any change of a value clears the fingerprint, of that copy only")
    func changingAValueClearsIt() throws {
        let records = try Self.records(Self.file([Self.row(1)]))
        let record = try #require(records.values.first)
        #expect(record.valuesFingerprint.isKnown)
        var changed = record
        changed.offerName = "Microsoft 365 E5"
        #expect(!changed.valuesFingerprint.isKnown)
        #expect(record.valuesFingerprint.isKnown, "the record it was copied from keeps its own")
        var filled = record
        filled.source = Provenance(file: "other.csv", line: 9)
        #expect(!filled.valuesFingerprint.isKnown)
        // Inline values are not in the fingerprint: the join compares them itself.
        var recoloured = record
        recoloured.channel = .csp
        #expect(recoloured.valuesFingerprint == record.valuesFingerprint)
        let join = SubscriptionJoin(baseline: [record.id: record], current: [record.id: recoloured])
        #expect(join.changes == [FieldSet([.channel])])
    }
}
