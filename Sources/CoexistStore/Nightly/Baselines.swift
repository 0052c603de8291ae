import CoexistModel
import Foundation
import GRDB

/// A tenant's baseline: the stored snapshot its pre-existing subscriptions are protected from.
public struct TenantBaseline: Sendable, Hashable {
    public let id: Int64
    public let tenant: TenantID
    public let tenantName: String?
    public let snapshotID: Int64
    public let asOf: ISODate
    public let origin: BaselineOrigin
    public let recordedAt: String
    public let recordedBy: String?
    public let note: String?
    /// The run that recorded it (first seen) or whose state it took (reset), when one did.
    public let runID: Int64?
}

/// The baseline side of a nightly run: every tenant's recorded baseline, assembled into one snapshot
/// the rules can compare with today's export set.
public struct AssembledBaseline: Sendable {
    public let snapshot: Snapshot
    public let baselines: [TenantBaseline]
}

extension StoreSession {
    /// The current baseline of every tenant that has one, by tenant id.
    public func baselines() throws -> [TenantBaseline] {
        try fetchBaselines(
            "WHERE b.id = (SELECT MAX(id) FROM baseline WHERE tenantId = b.tenantId) ORDER BY t.guid", arguments: [])
    }

    /// The current baseline of one tenant.
    public func baseline(of tenant: TenantID) throws -> TenantBaseline? {
        try fetchBaselines("WHERE t.guid = ? ORDER BY b.id DESC LIMIT 1", arguments: [tenant.description]).first
    }

    /// Every baseline a tenant has had, oldest first: the latest is the one in force.
    public func baselineHistory(of tenant: TenantID) throws -> [TenantBaseline] {
        try fetchBaselines("WHERE t.guid = ? ORDER BY b.id", arguments: [tenant.description])
    }

    /// Every baseline ever recorded, oldest first (for `history`).
    public func allBaselineEvents() throws -> [TenantBaseline] {
        try fetchBaselines("ORDER BY b.id", arguments: [])
    }

    private func fetchBaselines(_ clause: String, arguments: StatementArguments) throws -> [TenantBaseline] {
        let sql = """
            SELECT b.id, t.guid, t.name, b.snapshotId, s.asOf, b.origin, b.recordedAt, b.recordedBy, b.note, b.runId
            FROM baseline b JOIN tenant t ON t.id = b.tenantId JOIN snapshot s ON s.id = b.snapshotId
            """
        return try Row.fetchAll(db, sql: sql + " " + clause, arguments: arguments).compactMap { row in
            guard let tenant = TenantID(parsing: row[1] as String), let origin = BaselineOrigin(rawValue: row[5]) else { return nil }
            return TenantBaseline(
                id: row[0], tenant: tenant, tenantName: row[2], snapshotID: row[3],
                asOf: ISODate(parsing: row[4] as String) ?? ISODate(day: 0),
                origin: origin, recordedAt: row[6], recordedBy: row[7], note: row[8], runID: row[9])
        }
    }

    /// Records `snapshotID` as the baseline of each tenant it holds that has none yet; returns those tenants.
    @discardableResult
    public func recordFirstBaselines(snapshotID: Int64, origin: BaselineOrigin, runID: Int64?, at date: Date) throws -> [TenantID] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT t.id, t.guid FROM membership m JOIN tenant t ON t.id = m.tenantId
                WHERE m.snapshotId = ? AND t.guid != '' AND NOT EXISTS (SELECT 1 FROM baseline b WHERE b.tenantId = t.id)
                ORDER BY t.guid
                """, arguments: [snapshotID])
        var recorded: [TenantID] = []
        let stamp = Timestamp.text(date)  // once: a date formatter per tenant costs more than the insert
        for row in rows {
            guard let tenant = TenantID(parsing: row[1] as String) else { continue }
            var baseline = BaselineRow(
                id: nil, tenantId: row[0], snapshotId: snapshotID, recordedAt: stamp, origin: origin, runId: runID,
                recordedBy: nil, note: nil)
            try baseline.insert(db)
            recorded.append(tenant)
        }
        return recorded
    }

    /// Makes `snapshotID` the tenant's baseline from now on; the earlier ones stay in its history.
    @discardableResult
    public func setBaseline(
        tenant: TenantID, snapshotID: Int64, origin: BaselineOrigin, runID: Int64? = nil, by: String?, note: String?, at date: Date
    ) throws -> TenantBaseline {
        let tenantKey = try tenantKey(for: tenant, info: nil)
        guard
            try MembershipRow.filter(MembershipRow.Columns.snapshotId == snapshotID && MembershipRow.Columns.tenantId == tenantKey)
                .fetchCount(db) > 0
        else {
            throw StoreError.notFound(store: path, what: "snapshot #\(snapshotID) holds nothing of tenant \(tenant)")
        }
        var row = BaselineRow(
            id: nil, tenantId: tenantKey, snapshotId: snapshotID, recordedAt: Timestamp.text(date), origin: origin, runId: runID,
            recordedBy: by, note: note)
        try row.insert(db)
        return try baseline(of: tenant)!
    }

    /// The most recent snapshot (by as-of, then import order) that holds the tenant.
    public func latestSnapshot(containing tenant: TenantID) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT s.id FROM snapshot s JOIN membership m ON m.snapshotId = s.id JOIN tenant t ON t.id = m.tenantId
                WHERE t.guid = ? ORDER BY s.asOf DESC, s.id DESC LIMIT 1
                """, arguments: [tenant.description])
    }

    /// Every tenant's baseline in one snapshot. Kinds and views are present when any baseline
    /// snapshot has them; partner users come from the latest baseline snapshot that has them; the
    /// as-of is the earliest baseline's (each tenant's own is in ``AssembledBaseline/baselines``).
    public func assembleBaseline() throws -> AssembledBaseline {
        let baselines = try baselines()
        let bySnapshot = Dictionary(grouping: baselines, by: \.snapshotID)
        // The snapshot most tenants share is loaded as the start (usually the only one); the others are added.
        let order = bySnapshot.keys.sorted { (bySnapshot[$0]!.count, $1) > (bySnapshot[$1]!.count, $0) }
        var assembled: Snapshot?
        var partnerUsers: (asOf: ISODate, users: [PartnerUser])?
        var seenInputs = Set<InputFile>()
        var seenProblems = Set<RecordProblem>()
        for snapshotID in order {
            // Holds only these tenants' records, the partner users, and problems of these tenants or none.
            let part = try loadSnapshot(snapshotID, tenants: Set(bySnapshot[snapshotID]!.map(\.tenant)))
            if let users = part.partnerUsers, let asOf = part.asOf, partnerUsers.map({ ISODate.compare($0.asOf, asOf) <= 0 }) ?? true {
                partnerUsers = (asOf, users)
            }
            guard var merged = assembled else {
                assembled = part
                seenInputs = Set(part.inputs)
                seenProblems = Set(part.problems)
                continue
            }
            assembled = nil  // so that `merged` is the only reference and grows in place
            for info in part.tenants.values { merged.noteTenant(info) }
            for view in SubscriptionView.allCases where part.hasView(view) {
                merged.declareView(view)
                for record in part.subscriptions(in: view).values { merged.insert(record) }
            }
            if let relationships = part.relationships { merged.relationships = (merged.relationships ?? []) + relationships }
            if let licenses = part.licenses { merged.licenses = (merged.licenses ?? []) + licenses }
            merged.exportingPartners.formUnion(part.exportingPartners)
            for input in part.inputs where seenInputs.insert(input).inserted { merged.inputs.append(input) }
            for problem in part.problems where seenProblems.insert(problem).inserted { merged.problems.append(problem) }
            merged.invalidSubscriptionIDs.formUnion(part.invalidSubscriptionIDs)
            if let asOf = part.asOf, merged.asOf.map({ ISODate.compare(asOf, $0) < 0 }) ?? true { merged.asOf = asOf }
            assembled = merged
        }
        var result = assembled ?? Snapshot()
        result.partnerUsers = partnerUsers?.users ?? result.partnerUsers
        result.relationships?.sort { $0.source < $1.source }
        result.licenses?.sort { $0.source < $1.source }
        return AssembledBaseline(snapshot: result, baselines: baselines)
    }

    /// Finds a tenant by id, domain or name (case-insensitive), among the tenants the store knows.
    public func resolveTenant(_ text: String) throws -> TenantID {
        let trimmed = text.trimmingWhitespace()
        if let id = TenantID(parsing: trimmed), try TenantRow.filter(TenantRow.Columns.guid == id.description).fetchCount(db) > 0 {
            return id
        }
        let matches = try TenantRow.filter(
            TenantRow.Columns.domain == trimmed.lowercased() || TenantRow.Columns.name.collating(.nocase) == trimmed
        ).fetchAll(db)
        guard matches.count == 1, let id = TenantID(parsing: matches[0].guid) else {
            let why =
                matches.isEmpty
                ? "no tenant with id, domain or name \"\(trimmed)\"" : "\"\(trimmed)\" names \(matches.count) tenants; use the id"
            throw StoreError.notFound(store: path, what: why)
        }
        return id
    }
}
