import Foundation
import Testing

@testable import CoexistModel

/// The loader's batch forms of `Snapshot.insert` and `noteTenant` against the one-by-one forms.
@Suite("Snapshot batches")
struct SnapshotBatchTests {
    private static func id(_ n: Int) -> SubscriptionID { SubscriptionID(parsing: String(format: "6c1a0000-0000-0000-0000-%012x", n))! }
    private static func tenant(_ n: Int) -> TenantID { TenantID(parsing: String(format: "0f1e0000-0000-0000-0000-%012x", n))! }

    /// Records of a few ids in three views, in runs and interleaved: identical repeats, conflicting
    /// ones whose first record comes later by file and line, and ones on the same line.
    private static func records(count: Int, using generator: inout some RandomNumberGenerator) -> [Subscription] {
        (0..<count).map { _ in
            let view = [SubscriptionView.partner, .partner, .partner, .customer, .tenant].randomElement(using: &generator)!
            var record = Subscription(
                id: id(Int.random(in: 0..<20, using: &generator)), tenant: tenant(Int.random(in: 0..<3, using: &generator)), view: view,
                source: Provenance(
                    file: ["a.csv", "b.csv"].randomElement(using: &generator)!, line: Int.random(in: 1..<30, using: &generator)))
            record.carried = FieldSet([.quantity])
            record.quantity = Decimal(Int.random(in: 0..<2, using: &generator))
            return record
        }
    }

    @Test("insert(moving:) leaves the views and reports the duplicates that inserting one by one does")
    func batchInsertIsInsertInOrder() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            let records = Self.records(count: round % 60, using: &generator)
            var expected = Snapshot()
            var expectedDuplicates: [String] = []
            for record in records {
                let tenant = record.tenant
                if let found = expected.insert(record) {
                    expectedDuplicates.append("\(found.kept.source) \(found.dropped.source) \(tenant)")
                }
            }
            var batch = Snapshot()
            var moving = records
            var duplicates: [String] = []
            batch.insert(moving: &moving) { found, tenant in duplicates.append("\(found.kept.source) \(found.dropped.source) \(tenant)") }
            #expect(moving.isEmpty)
            #expect(duplicates == expectedDuplicates)
            for view in SubscriptionView.allCases {
                #expect(batch.hasView(view) == expected.hasView(view))
                #expect(batch.subscriptions(in: view) == expected.subscriptions(in: view))
                #expect(
                    batch.subscriptions(in: view).mapValues(\.source) == expected.subscriptions(in: view).mapValues(\.source),
                    "the kept record's own line")
            }
        }
    }

    @Test("noteTenants keeps the first name, domain and line of each tenant, as noteTenant does")
    func noteTenantsIsNoteTenantInOrder() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<100 {
            let infos = (0..<(round % 30)).map { _ in
                TenantInfo(
                    id: Self.tenant(Int.random(in: 0..<6, using: &generator)),
                    name: ["Contoso", "Fabrikam", nil].randomElement(using: &generator)!,
                    domain: ["contoso.com", nil].randomElement(using: &generator)!,
                    source: [Provenance(file: "a.csv", line: Int.random(in: 1..<9, using: &generator)), nil].randomElement(
                        using: &generator)!)
            }
            // From nothing (a set's first file) and on top of what an earlier file noted.
            for earlier in [[], [TenantInfo(id: Self.tenant(1), name: nil, domain: "earlier.example")]] {
                var expected = Snapshot()
                var batch = Snapshot()
                for info in earlier {
                    expected.noteTenant(info)
                    batch.noteTenant(info)
                }
                for info in infos { expected.noteTenant(info) }
                batch.noteTenants(infos)
                #expect(batch.tenants == expected.tenants)
            }
        }
    }
}
