import CoexistModel
import Foundation
import Testing

@testable import CoexistDiff

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

    @Test func removalsInBothHalvesOfTheJoinAreListedInPairOrder() {
        // The baseline is matched in two halves that write into one array: a removal's index must be
        // its pair's, whichever half found it.
        let baseline = (1...40).map { subscription($0) }
        let gone = Set([2, 5, 11, 14, 17, 23, 29, 31, 38].map { baseline[$0].id })
        let join = SubscriptionJoin(baseline: map(baseline), current: map(baseline.filter { !gone.contains($0.id) }))
        #expect(join.pairs.count == 40)
        #expect(Set(join.pairs.map(\.before.id)) == Set(baseline.map(\.id)), "every baseline record once")
        #expect(join.removed == join.pairs.indices.filter { join.pairs[$0].after == nil })
        #expect(Set(join.removed.map { join.pairs[$0].before.id }) == gone)
        #expect(join.changes.allSatisfy { $0.isEmpty })
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
