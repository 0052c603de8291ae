import Foundation
import GRDB

/// What `coexist prune` removed and kept.
public struct PruneOutcome: Sendable {
    public let removedRuns: [Int64]
    public let removedSnapshots: [Int64]
    public let removedRecords: Int
    /// Snapshots older than the kept ones that stay because a baseline or a kept run needs them.
    public let protectedSnapshots: [Int64]
    public let protectedRuns: [Int64]
}

extension StoreSession {
    /// Removes all but the `keep` most recent runs and snapshots, and the records no snapshot refers
    /// to any more. Never removed: a snapshot that is or was a tenant's baseline, a run an acceptance,
    /// a baseline or a finding's first or last appearance points to (an old one of those keeps its
    /// row, counts and findings; its snapshot goes), and the snapshots of the `keep` latest runs.
    public func prune(keep: Int) throws -> PruneOutcome {
        let keep = max(keep, 1)
        let runIDs = try Int64.fetchAll(db, sql: "SELECT id FROM run ORDER BY id DESC")
        let referencedRuns = Set(
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT runId FROM acceptance UNION SELECT firstRunId FROM findingKey UNION SELECT lastRunId FROM findingKey
                    UNION SELECT runId FROM baseline WHERE runId IS NOT NULL
                    """))
        let oldRuns = runIDs.dropFirst(keep)
        let protectedRuns = oldRuns.filter { referencedRuns.contains($0) }
        let removedRuns = oldRuns.filter { !referencedRuns.contains($0) }
        for id in removedRuns { _ = try RunRow.deleteOne(db, key: id) }

        let snapshotIDs = try Int64.fetchAll(db, sql: "SELECT id FROM snapshot ORDER BY id DESC")
        let referencedSnapshots = Set(
            try Int64.fetchAll(db, sql: "SELECT snapshotId FROM baseline")
                + runIDs.prefix(keep).compactMap { try RunRow.fetchOne(db, key: $0)?.snapshotId })
        let oldSnapshots = snapshotIDs.dropFirst(keep)
        let protectedSnapshots = oldSnapshots.filter { referencedSnapshots.contains($0) }
        let removedSnapshots = oldSnapshots.filter { !referencedSnapshots.contains($0) }
        for id in removedSnapshots { _ = try SnapshotRow.deleteOne(db, key: id) }

        // Records: keep those some remaining snapshot refers to.
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS keptRecord (id INTEGER PRIMARY KEY)")
        try db.execute(sql: "DELETE FROM keptRecord")
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO keptRecord (id) VALUES (?)")
        let memberships = try MembershipRow.fetchCursor(db)
        while let membership = try memberships.next() {
            let entries = try decode("members") { () throws(ByteReader.Malformed) in
                try MembershipCoding.decode([UInt8](membership.entries))
            }
            for entry in entries { try insert.execute(arguments: [entry.record]) }
        }
        try db.execute(sql: "DELETE FROM record WHERE id NOT IN (SELECT id FROM keptRecord)")
        let removedRecords = db.changesCount
        try db.execute(sql: "DROP TABLE keptRecord")
        return PruneOutcome(
            removedRuns: Array(removedRuns).sorted(), removedSnapshots: Array(removedSnapshots).sorted(), removedRecords: removedRecords,
            protectedSnapshots: Array(protectedSnapshots).sorted(), protectedRuns: Array(protectedRuns).sorted())
    }
}
