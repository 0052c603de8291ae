import CoexistModel
import Foundation
import GRDB

/// A stored snapshot as listings show it.
public struct SnapshotSummary: Sendable, Hashable {
    public let id: Int64
    public let label: String?
    public let asOf: ISODate
    public let importedAt: String
    public let tenants: Int
    public let subscriptions: Int
    public let records: Int
    public let newRecords: Int
}

extension StoreSession {
    /// Loads a stored snapshot back into the model, whole or for some tenants only (partner users are
    /// always loaded). Record problems of other tenants are left out; those of no tenant are kept.
    public func loadSnapshot(_ id: Int64, tenants: Set<TenantID>? = nil) throws -> Snapshot {
        guard let row = try SnapshotRow.fetchOne(db, key: id) else {
            throw StoreError.notFound(store: path, what: "no snapshot #\(id)")
        }
        var snapshot = Snapshot()
        snapshot.asOf = ISODate(parsing: row.asOf)
        snapshot.exportingPartners = Set(
            row.exportingPartners.split(separator: ";").compactMap {
                if case .partner(let id) = PartnerID.parse($0) { return id } else { return nil }
            })
        for view in row.views.split(separator: ",").compactMap({ SubscriptionView(rawValue: String($0)) }) { snapshot.declareView(view) }
        if row.hasRelationships { snapshot.relationships = [] }
        if row.hasLicenses { snapshot.licenses = [] }
        if row.hasPartnerUsers { snapshot.partnerUsers = [] }
        snapshot.inputs = try SnapshotInputRow.filter(SnapshotInputRow.Columns.snapshotId == id)
            .order(SnapshotInputRow.Columns.position).fetchAll(db)
            .compactMap { input in
                ExportKind(rawValue: input.kind).map {
                    InputFile(file: input.file, sha256: input.sha256, kind: $0, format: input.format, records: input.records)
                }
            }
        let extras = try decode("snapshot #\(id) extras") { () throws(ByteReader.Malformed) in
            try SnapshotExtras.decode([UInt8](row.extras))
        }
        snapshot.problems = extras.problems.filter { problem in
            guard let tenants, let tenant = problem.tenant else { return true }
            return tenants.contains(tenant)
        }
        snapshot.invalidSubscriptionIDs = extras.invalidSubscriptionIDs

        let files = try SnapshotFileRow.filter(SnapshotFileRow.Columns.snapshotId == id).fetchAll(db)
        let names = Dictionary(uniqueKeysWithValues: files.map { ($0.fileIndex, $0.name) })
        var entries: [MemberEntry] = []
        for membership in try memberships(of: id, tenants: tenants) {
            entries += try decode("snapshot #\(id) members") { () throws(ByteReader.Malformed) in
                try MembershipCoding.decode([UInt8](membership.entries))
            }
        }
        try forEachRecord(of: entries) { entry, kind, payload in
            let source = entry.file == 0 ? nil : Provenance(file: names[entry.file] ?? "?", line: entry.line)
            let item = try decode("record #\(entry.record)") { () throws(ByteReader.Malformed) in
                try ModelItem.decode(kind, payload, source: source)
            }
            switch item {
            case .subscription(let record): snapshot.insert(record)
            case .tenant(let info): snapshot.noteTenant(info)
            case .relationship(let relationship): snapshot.relationships?.append(relationship)
            case .license(let license): snapshot.licenses?.append(license)
            case .partnerUser(let user): snapshot.partnerUsers?.append(user)
            }
        }
        // The order the files were read in: by file, then line.
        snapshot.relationships?.sort { $0.source < $1.source }
        snapshot.licenses?.sort { $0.source < $1.source }
        snapshot.partnerUsers?.sort { $0.source < $1.source }
        return snapshot
    }

    /// The membership rows of a snapshot: of the given tenants and the partner-wide one, or all.
    /// Filtered here rather than in SQL: a nightly run asks for tens of thousands of tenants, more
    /// than an SQL statement may bind.
    func memberships(of snapshot: Int64, tenants: Set<TenantID>?) throws -> [MembershipRow] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT m.snapshotId, m.tenantId, m.entries, t.guid FROM membership m JOIN tenant t ON t.id = m.tenantId
                WHERE m.snapshotId = ? ORDER BY m.tenantId
                """, arguments: [snapshot])
        let wanted = tenants.map { Set($0.map(\.description)) }
        return rows.compactMap { row in
            let guid: String = row[3]
            if let wanted, !guid.isEmpty, !wanted.contains(guid) { return nil }
            return MembershipRow(snapshotId: row[0], tenantId: row[1], entries: row[2])
        }
    }

    /// Fetches the records the entries refer to, in batches, and hands each entry its record.
    func forEachRecord(of entries: [MemberEntry], _ body: (MemberEntry, RecordKind, [UInt8]) throws -> Void) throws {
        let sorted = entries.sorted { $0.record < $1.record }
        var index = 0
        while index < sorted.count {
            var ids: [Int64] = []
            var end = index
            while end < sorted.count && ids.count < 500 {
                if ids.last != sorted[end].record { ids.append(sorted[end].record) }
                end += 1
            }
            // Take every entry of the last id too, so that no id is split over two batches.
            while end < sorted.count && sorted[end].record == ids.last { end += 1 }
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            var found: [Int64: (RecordKind, [UInt8])] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT id, kind, payload FROM record WHERE id IN (\(placeholders))", arguments: StatementArguments(ids))
            while let row = try rows.next() {
                let kindValue: Int = row[1]
                guard let kind = RecordKind(rawValue: kindValue) else {
                    throw StoreError.corrupt(store: path, reason: "record #\(row[0] as Int64) has unknown kind \(kindValue)")
                }
                found[row[0]] = (kind, [UInt8](row[2] as Data))
            }
            for entry in sorted[index..<end] {
                guard let (kind, payload) = found[entry.record] else {
                    throw StoreError.corrupt(store: path, reason: "record #\(entry.record) is referenced but missing")
                }
                try body(entry, kind, payload)
            }
            index = end
        }
    }

    /// Runs a decoder; a failure means the store holds bytes coexist did not write.
    func decode<T>(_ what: String, _ body: () throws(ByteReader.Malformed) -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw StoreError.corrupt(store: path, reason: "\(what): \(error)")
        }
    }

    /// Every stored snapshot, oldest first.
    public func snapshots() throws -> [SnapshotSummary] {
        try SnapshotRow.order(SnapshotRow.Columns.id).fetchAll(db).map(SnapshotSummary.init)
    }

    /// Consistency problems of the snapshots: members that do not decode or point at no record.
    func snapshotProblems() throws -> [String] {
        var problems: [String] = []
        for row in try SnapshotRow.fetchAll(db) {
            var count = 0
            do {
                for membership in try memberships(of: row.id!, tenants: nil) {
                    let entries = try decode("snapshot #\(row.id!) members") { () throws(ByteReader.Malformed) in
                        try MembershipCoding.decode([UInt8](membership.entries))
                    }
                    count += entries.count
                    try forEachRecord(of: entries) { _, _, _ in }
                }
            } catch {
                problems.append("snapshot #\(row.id!): \(error)")
                continue
            }
            if count != row.recordCount { problems.append("snapshot #\(row.id!): \(count) members, \(row.recordCount) recorded") }
        }
        return problems
    }
}

extension SnapshotSummary {
    init(_ row: SnapshotRow) {
        self.init(
            id: row.id!, label: row.label, asOf: ISODate(parsing: row.asOf) ?? ISODate(day: 0), importedAt: row.importedAt,
            tenants: row.tenantCount, subscriptions: row.subscriptionCount, records: row.recordCount, newRecords: row.newRecordCount)
    }
}
