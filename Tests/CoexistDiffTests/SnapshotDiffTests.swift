import Foundation
import Testing

@testable import CoexistDiff
@testable import CoexistModel

@Suite("Snapshot diff")
struct SnapshotDiffTests {
    private let tenant = TenantID(parsing: "0f1e0000-0000-0000-0000-000000000001")!

    private func subscription(_ n: Int, quantity: Decimal = 10, status: SubscriptionStatus = .active) -> Subscription {
        var record = Subscription(
            id: SubscriptionID(parsing: String(format: "6c1a0000-0000-0000-0000-%012d", n))!, tenant: tenant,
            view: .partner, source: Provenance(file: "p.csv", line: n + 1))
        record.carried = FieldSet([.quantity, .status, .channel])
        record.quantity = quantity
        record.status = status
        record.channel = .direct
        return record
    }

    private func map(_ records: [Subscription]) -> [SubscriptionID: Subscription] {
        Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
    }

    @Test func countsAndOrder() {
        let diff = SnapshotDiff(
            baseline: map([subscription(1), subscription(2), subscription(3)]),
            current: map([subscription(1), subscription(2, quantity: 12, status: .suspended), subscription(4)]))
        #expect(diff.counts == DiffCounts(baseline: 3, current: 3, added: 1, removed: 1, changed: 1, unchanged: 1))
        #expect(diff.changes.map(\.kind) == [.changed, .removed, .added])
        let changed = diff.changes[0]
        #expect(changed.fields.map(\.field) == [.quantity, .status], "fields sorted by name")
        #expect(changed.fields[0].before == "10")
        #expect(changed.fields[0].after == "12")
        #expect(diff.changes[2].fields.contains { $0.field == .quantity && $0.before == nil && $0.after == "10" })
    }

    @Test func theJoinComparesEachPairAsDiffersDoes() {
        // Enough pairs that both halves of the comparison have work, with changes in each.
        let baseline = (1...9).map { subscription($0, quantity: Decimal($0)) }
        var current = baseline.filter { $0.id != baseline[4].id }
        current[0].quantity = 99
        current[6].status = .suspended
        current[7].quantity = 1
        current[7].channel = .csp
        current.append(subscription(0))
        let join = SubscriptionJoin(baseline: map(baseline), current: map(current))
        #expect(join.pairs.count == 9)
        #expect(join.changes.count == 9)
        #expect(join.added.map(\.id) == [subscription(0).id])
        #expect(join.removed.map { join.pairs[$0].before.id } == [baseline[4].id])
        let currentByID = map(current)
        for (index, pair) in join.pairs.enumerated() {
            #expect(pair.after == currentByID[pair.before.id])
            let expected = pair.after.map { FieldSet(pair.before.changedFields(comparedTo: $0)) } ?? []
            #expect(join.changes[index] == expected)
        }
        #expect(join.changes.filter { !$0.isEmpty }.count == 3)
        #expect(join.changes.contains(FieldSet([.quantity, .channel])))
    }

    @Test func removalsInEveryPieceOfTheJoinAreListedInPairOrder() {
        // The baseline is matched in pieces (sixteen from 4,096 records) that write into one array: a
        // removal's index must be its pair's, whichever piece found it.
        let baseline = (1...5_000).map { subscription($0) }
        let gone = Set([2, 5, 11, 1_240, 1_250, 2_500, 2_501, 3_749, 3_751, 4_999].map { baseline[$0].id })
        let join = SubscriptionJoin(baseline: map(baseline), current: map(baseline.filter { !gone.contains($0.id) }))
        #expect(join.pairs.count == 5_000)
        #expect(Set(join.pairs.map(\.before.id)) == Set(baseline.map(\.id)), "every baseline record once")
        #expect(join.removed == join.pairs.indices.filter { join.pairs[$0].after == nil })
        #expect(Set(join.removed.map { join.pairs[$0].before.id }) == gone)
        #expect(join.changes.allSatisfy { $0.isEmpty })
    }

    @Test func theMergeJoinMatchesWhatALookupByIDMatches() {
        // Enough records for the join's sixteen pieces, with removals, additions, changes and
        // subscriptions that moved to another tenant (across pieces too): matched by id, whatever the
        // tenant, as a lookup in the other side's dictionary matches them.
        let tenants = (0..<300).map { TenantID(parsing: String(format: "0f1e0000-0000-0000-0000-%012d", $0))! }
        let baseline = (0..<12_000).map { n -> Subscription in
            var record = subscription(n)
            record = Subscription(id: record.id, tenant: tenants[n % tenants.count], view: .partner, source: record.source)
            record.carried = FieldSet([.quantity, .status, .channel])
            record.quantity = Decimal(n % 7)
            record.status = .active
            record.channel = .direct
            return record
        }
        var current: [Subscription] = []
        for (n, record) in baseline.enumerated() {
            // A fixed scatter of outcomes over the records (every piece gets some of each).
            switch n * 7_919 % 100 {
            case 0..<3: continue  // removed
            case 3..<6:  // moved to another tenant, maybe changed
                let tenant = tenants[(n + 1 + n * 13 % 200) % tenants.count]
                var moved = Subscription(id: record.id, tenant: tenant, view: .partner, source: record.source)
                moved.carried = record.carried
                moved.quantity = record.quantity.map { $0 + Decimal(n % 2) }
                moved.status = record.status
                moved.channel = record.channel
                current.append(moved)
            case 6..<10:
                var changed = record
                changed.quantity = 99
                current.append(changed)
            default: current.append(record)
            }
        }
        for n in 20_000..<20_400 {
            let added = subscription(n)
            current.append(Subscription(id: added.id, tenant: tenants[n % 97], view: .partner, source: added.source))
        }
        let join = SubscriptionJoin(baseline: map(baseline), current: map(current))
        let currentByID = map(current)
        let baselineByID = map(baseline)
        #expect(join.pairs.count == baseline.count)
        #expect(Set(join.pairs.map(\.before.id)) == Set(baseline.map(\.id)), "every baseline record once")
        var removed: [Int] = []
        for (index, pair) in join.pairs.enumerated() {
            let expected = currentByID[pair.before.id]
            #expect(pair.after == expected)
            #expect(join.changes[index] == (expected.map { pair.before.differingFields(from: $0) } ?? []))
            if expected == nil { removed.append(index) }
        }
        #expect(join.removed == removed)
        #expect(Set(join.added.map(\.id)) == Set(current.map(\.id).filter { baselineByID[$0] == nil }))
        #expect(join.added.count == 400)
        // The merge itself matched every record that kept its tenant: only the removed and the moved
        // ones were left to the match by id (which would hide a merge that matched nothing).
        let moved = baseline.indices.filter { (3..<6).contains($0 * 7_919 % 100) }.count
        #expect(join.leftByMerge == join.removed.count + moved)
        #expect(join.pairs.contains { $0.after != nil && $0.after?.tenant != $0.before.tenant }, "a moved subscription is matched")
    }

    @Test func anEmptySideJoinsToAllAddedOrAllRemoved() {
        let records = (1...5).map { subscription($0) }
        let allAdded = SubscriptionJoin(baseline: [:], current: map(records))
        #expect(allAdded.pairs.isEmpty)
        #expect(Set(allAdded.added.map(\.id)) == Set(records.map(\.id)))
        let allRemoved = SubscriptionJoin(baseline: map(records), current: [:])
        #expect(allRemoved.added.isEmpty)
        #expect(allRemoved.removed == Array(0..<5))
    }

    @Test func invalidIDsAreNeitherAddedNorRemoved() {
        let diff = SnapshotDiff(
            baseline: map([subscription(1), subscription(2)]), current: map([subscription(1), subscription(3)]),
            invalid: [subscription(2).id, subscription(3).id])
        #expect(diff.changes.isEmpty)
        #expect(diff.counts.added == 0)
        #expect(diff.counts.removed == 0)
    }

    @Test func unknownFieldsAreNoChange() {
        var current = subscription(1, quantity: 99)
        current.carried = FieldSet([.status, .channel])
        let diff = SnapshotDiff(baseline: map([subscription(1)]), current: map([current]))
        #expect(diff.counts.unchanged == 1)
    }
}
