import CoexistModel
import CoexistRules
import Foundation
import Testing

@testable import CoexistStore

@Suite("the store: baselines, runs, acceptances, prune, timeline")
struct NightlyStoreTests {
    @Test("each tenant keeps the baseline of the snapshot it was first seen in; the assembly takes each from its own")
    func baselinePerTenant() throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = try temporary.open()
        let (first, second) = try store.write { session in
            let first = try session.importSnapshot(Sets.baseline(), asOf: Sets.day, label: nil, importedAt: Date())
            #expect(try session.recordFirstBaselines(snapshotID: first.snapshotID, origin: .imported, runID: nil, at: Date()).count == 2)
            let second = try session.importSnapshot(Sets.changed(), asOf: Sets.later, label: nil, importedAt: Date())
            #expect(
                try session.recordFirstBaselines(snapshotID: second.snapshotID, origin: .firstSeen, runID: nil, at: Date())
                    == [Scenario.tenant(3)])
            return (first.snapshotID, second.snapshotID)
        }
        let baselines = try store.read { try $0.baselines() }
        #expect(
            Dictionary(uniqueKeysWithValues: baselines.map { ($0.tenant, $0.snapshotID) }) == [
                Scenario.tenant(1): first, Scenario.tenant(2): first, Scenario.tenant(3): second,
            ])
        let assembled = try store.read { try $0.assembleBaseline() }
        // Tenant 1 from the first snapshot (quantity 25.5), tenant 3 from the second.
        #expect(assembled.snapshot.subscriptions(in: .partner)[Scenario.subscriptionID(2)]?.quantity == 25.5)
        #expect(assembled.snapshot.subscriptions(in: .partner)[Scenario.subscriptionID(5)] != nil)
        #expect(assembled.snapshot.asOf == Sets.day, "the earliest baseline's as-of")

        // A reset takes the latest snapshot holding the tenant; the old baseline stays in its history.
        try store.write { session in
            let latest = try #require(try session.latestSnapshot(containing: Scenario.tenant(1)))
            try session.setBaseline(tenant: Scenario.tenant(1), snapshotID: latest, origin: .reset, by: "ops", note: "migrated", at: Date())
        }
        let history = try store.read { try $0.baselineHistory(of: Scenario.tenant(1)) }
        #expect(history.map(\.origin) == [.imported, .reset])
        #expect(history.last?.snapshotID == second)
        #expect(try store.read { try $0.resolveTenant("MUELLER.example") } == Scenario.tenant(1))
        #expect(try store.read { try $0.resolveTenant("müller & söhne") } == Scenario.tenant(1))
    }

    @Test("what is new since the last run, and the run each finding first appeared in")
    func deltaSinceLastRun() throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = try temporary.open()
        let snapshot = try store.write { try $0.importSnapshot(Sets.baseline(), asOf: Sets.day, label: nil, importedAt: Date()).snapshotID }
        let one = [Sets.finding("preexisting-missing", subscription: 1), Sets.finding("advisor-changed", subscription: 2)]
        let firstRun = try store.write { session in
            let memory = try session.remember(one)
            #expect(memory.allSatisfy { !$0.inLastRun && $0.firstRunID == nil })
            return try session.recordRun(Sets.draft(snapshot: snapshot), findings: one, memory: memory)
        }
        let two = [Sets.finding("preexisting-missing", subscription: 1), Sets.finding("preexisting-changed", subscription: 3)]
        let memory = try store.write { session in
            let memory = try session.remember(two)
            _ = try session.recordRun(Sets.draft(snapshot: snapshot), findings: two, memory: memory)
            return memory
        }
        #expect(memory.map(\.inLastRun) == [true, false])
        #expect(memory[0].firstRunID == firstRun)
        let runs = try store.read { try $0.runs() }
        #expect(runs.map(\.newFindings) == [2, 1])
        // The drafts did not chain "unchanged since", so the series starts at the last run.
        #expect(try store.read { try $0.runWithSameInputs("k") } == runs.last?.id)
        #expect(try store.read { try $0.runWithSameInputs("other") } == nil)
    }

    @Test("an acceptance holds while the values are the same, and expires when they change; nothing is deleted")
    func acceptanceAndExpiry() throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = try temporary.open()
        let snapshot = try store.write { try $0.importSnapshot(Sets.baseline(), asOf: Sets.day, label: nil, importedAt: Date()).snapshotID }
        let finding = Sets.finding("license-mismatch", subscription: 1, after: "30")
        try store.write { session in
            _ = try session.recordRun(Sets.draft(snapshot: snapshot), findings: [finding], memory: try session.remember([finding]))
        }
        #expect(throws: StoreError.self) {
            try store.write {
                try $0.accept(rule: "advisor-changed", tenant: Scenario.tenant(1), subscription: nil, reason: "r", by: "me", at: Date())
            }
        }
        let outcome = try store.write {
            try $0.accept(
                rule: "license-mismatch", tenant: Scenario.tenant(1), subscription: nil, reason: "ticket 7", by: "Petra", at: Date())
        }
        #expect(outcome.accepted.count == 1)
        let again = try store.write {
            try $0.accept(
                rule: "license-mismatch", tenant: Scenario.tenant(1), subscription: nil, reason: "ticket 7", by: "Petra", at: Date())
        }
        #expect(again.accepted.isEmpty && again.alreadyAccepted.count == 1)

        let same = try store.read { try $0.remember([finding]) }
        #expect(same[0].accepted)
        #expect(same[0].acceptance?.acceptedBy == "Petra")
        let changed = try store.read { try $0.remember([Sets.finding("license-mismatch", subscription: 1, after: "31")]) }
        #expect(!changed[0].accepted, "the values changed: the acceptance no longer holds")
        #expect(changed[0].acceptance != nil)
        #expect(try store.read { try $0.acceptances() }.count == 1)
    }

    @Test("prune keeps baselines and what findings point to, removes the rest and its records")
    func prune() throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = try temporary.open()
        var unusual = Sets.changed()
        unusual.insertReplacing(Scenario.subscription(6, tenant: 3, quantity: 99))
        let ids = try store.write { session in
            let base = try session.importSnapshot(Sets.baseline(), asOf: Sets.day, label: nil, importedAt: Date()).snapshotID
            try session.recordFirstBaselines(snapshotID: base, origin: .imported, runID: nil, at: Date())
            let middle = try session.importSnapshot(unusual, asOf: Sets.later, label: nil, importedAt: Date()).snapshotID
            let last = try session.importSnapshot(Sets.changed(), asOf: Sets.later, label: nil, importedAt: Date()).snapshotID
            // A run on the middle snapshot whose finding points to it, then a run on the last one.
            let old = [Sets.finding("preexisting-missing", subscription: 1)]
            _ = try session.recordRun(Sets.draft(snapshot: middle), findings: old, memory: try session.remember(old))
            _ = try session.recordRun(Sets.draft(snapshot: last), findings: [], memory: [])
            return (base, middle, last)
        }
        let outcome = try store.write { try $0.prune(keep: 1) }
        #expect(outcome.removedSnapshots == [ids.1])
        #expect(outcome.protectedSnapshots == [ids.0])
        #expect(outcome.removedRecords == 1, "subscription 6 was only in the pruned snapshot")
        try store.vacuum()
        #expect(try store.check().isEmpty)
        #expect(try store.read { try $0.snapshots() }.map(\.id) == [ids.0, ids.2])
        // The old run stays (a finding points to it) without its snapshot.
        #expect(outcome.protectedRuns.count == 1)
        #expect(try store.read { try $0.runs() }.map(\.snapshotID) == [nil, ids.2])
    }

    @Test("the timeline lists each change with the snapshot it appeared in")
    func timeline() throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = try temporary.open()
        try store.write { session in
            let base = try session.importSnapshot(Sets.baseline(), asOf: Sets.day, label: "before", importedAt: Date()).snapshotID
            try session.recordFirstBaselines(snapshotID: base, origin: .imported, runID: nil, at: Date())
            _ = try session.importSnapshot(Sets.changed(), asOf: Sets.later, label: "after", importedAt: Date())
        }
        let timeline = try store.read { try $0.timeline(of: Scenario.tenant(1)) }
        #expect(timeline.name == "Müller & Söhne")
        #expect(timeline.entries.map(\.snapshot.label) == ["before", "after"])
        let change = try #require(timeline.entries.last?.changes.first)
        #expect(change.subscription == Scenario.subscriptionID(2))
        #expect(change.fields == [TimelineField(name: "quantity", before: "25.5", after: "30")])
        let one = try store.read { try $0.timeline(of: Scenario.tenant(1), subscription: Scenario.subscriptionID(1)) }
        #expect(one.entries.first?.changes.map(\.kind) == [.added, .added], "partner and customer view")
        #expect(one.entries.last?.changes.isEmpty == true)
        #expect(one.baselines.count == 1)
    }
}
