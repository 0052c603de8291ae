import CoexistModel
import Crypto
import Foundation
import GRDB

/// What an import stored.
public struct ImportOutcome: Sendable {
    public let snapshotID: Int64
    /// The snapshot already existed with the same content: nothing new was stored.
    public let reused: Bool
    /// When reused: the label and import time of the snapshot that already held this content.
    public let existingLabel: String?
    public let existingImportedAt: String?
    public let asOf: ISODate
    public let tenants: Int
    public let subscriptions: Int
    /// Members of the snapshot, every kind of record.
    public let records: Int
    /// Records stored for the first time by this import (the rest were already in the store).
    public let newRecords: Int
}

extension StoreSession {
    /// Stores a snapshot: records content-addressed (each distinct record once in the whole store),
    /// the snapshot as per-tenant lists of references with their file and line.
    ///
    /// A snapshot whose normalized content (every record, every provenance, the as-of) equals a
    /// stored one is not stored again: the outcome names the existing one.
    public func importSnapshot(
        _ snapshot: Snapshot, asOf: ISODate, label: String?, importedAt: Date,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> ImportOutcome {
        let groups = SnapshotLayout(snapshot)
        let extras = SnapshotExtras(problems: snapshot.problems, invalidSubscriptionIDs: snapshot.invalidSubscriptionIDs).encoded()
        let header = SnapshotHeader(snapshot: snapshot, asOf: asOf)
        let hashes = groups.tenants.map { group in group.items.map { Data(SHA256.hash(data: $0.encoded()).prefix(16)) } }
        let contentKey = groups.contentKey(header: header, extras: extras, hashes: hashes)
        let subscriptions = snapshot.subscriptionRecordCount
        if let existing = try SnapshotRow.filter(SnapshotRow.Columns.contentKey == contentKey).fetchOne(db) {
            return ImportOutcome(
                snapshotID: existing.id!, reused: true, existingLabel: existing.label, existingImportedAt: existing.importedAt,
                asOf: asOf, tenants: existing.tenantCount, subscriptions: existing.subscriptionCount, records: existing.recordCount,
                newRecords: 0)
        }
        var row = SnapshotRow(
            id: nil, label: label, asOf: asOf.description, importedAt: Timestamp.text(importedAt), contentKey: contentKey,
            inputsKey: StoreSession.inputsKey(snapshot.inputs), exportingPartners: header.partners, views: header.views,
            hasRelationships: snapshot.relationships != nil, hasLicenses: snapshot.licenses != nil,
            hasPartnerUsers: snapshot.partnerUsers != nil, extras: Data(extras), tenantCount: groups.tenantCount,
            subscriptionCount: subscriptions, recordCount: 0, newRecordCount: 0)
        try row.insert(db)
        let snapshotID = row.id!
        for (position, input) in snapshot.inputs.enumerated() {
            try SnapshotInputRow(
                snapshotId: snapshotID, position: position, file: input.file, sha256: input.sha256, kind: input.kind.rawValue,
                format: input.format, records: input.records
            ).insert(db)
        }
        for (index, name) in groups.files.enumerated() {
            try SnapshotFileRow(snapshotId: snapshotID, fileIndex: index + 1, name: name).insert(db)
        }
        let lookup = try db.cachedStatement(sql: "SELECT id FROM record WHERE hash = ?")
        let insert = try db.cachedStatement(sql: "INSERT INTO record (hash, kind, payload) VALUES (?, ?, ?)")
        let fileIndex = Dictionary(uniqueKeysWithValues: groups.files.enumerated().map { ($1, $0 + 1) })
        var stored = 0
        var fresh = 0
        for (group, digests) in zip(groups.tenants, hashes) {
            let tenantKey = try tenantKey(for: group.tenant, info: snapshot.tenants[group.tenant ?? TenantLayoutKey.none])
            var entries: [MemberEntry] = []
            entries.reserveCapacity(group.items.count)
            for (item, hash) in zip(group.items, digests) {
                var recordID = try Int64.fetchOne(lookup, arguments: [hash])
                if recordID == nil {
                    try insert.execute(arguments: [hash, item.kind.rawValue, Data(item.encoded())])
                    recordID = db.lastInsertedRowID
                    fresh += 1
                }
                let source = item.source
                entries.append(MemberEntry(record: recordID!, file: source.map { fileIndex[$0.file] ?? 0 } ?? 0, line: source?.line ?? 0))
                stored += 1
                if stored % 10_000 == 0 { progress?(stored, groups.itemCount) }
            }
            try MembershipRow(snapshotId: snapshotID, tenantId: tenantKey, entries: Data(MembershipCoding.encode(entries))).insert(db)
        }
        progress?(stored, groups.itemCount)
        row.recordCount = stored
        row.newRecordCount = fresh
        try row.update(db)
        logger.debug("snapshot stored", metadata: ["snapshot": "\(snapshotID)", "records": "\(stored)", "new": "\(fresh)"])
        return ImportOutcome(
            snapshotID: snapshotID, reused: false, existingLabel: nil, existingImportedAt: nil, asOf: asOf, tenants: groups.tenantCount,
            subscriptions: subscriptions, records: stored, newRecords: fresh)
    }

    /// The content of the input files alone (their sha256 and kinds), whatever their names.
    public static func inputsKey(_ inputs: [InputFile]) -> String {
        let lines = Set(inputs.map { "\($0.sha256) \($0.kind.rawValue)" }).sorted().joined(separator: "\n")
        return SHA256.hash(data: Data(lines.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The store's key of a tenant (its row in `tenant`), created when new; name and domain kept current.
    func tenantKey(for tenant: TenantID?, info: TenantInfo?) throws -> Int64 {
        let guid = tenant?.description ?? ""
        if var row = try TenantRow.filter(TenantRow.Columns.guid == guid).fetchOne(db) {
            if let info, info.name != nil && info.name != row.name || info.domain != nil && info.domain != row.domain {
                row.name = info.name ?? row.name
                row.domain = info.domain?.lowercased() ?? row.domain
                try row.update(db)
            }
            return row.id!
        }
        var row = TenantRow(id: nil, guid: guid, name: info?.name, domain: info?.domain?.lowercased())
        try row.insert(db)
        return row.id!
    }
}

/// The snapshot-wide values that are part of its content.
struct SnapshotHeader {
    let asOf: ISODate
    let partners: String
    let views: String
    let kinds: String

    init(snapshot: Snapshot, asOf: ISODate) {
        self.asOf = asOf
        partners = snapshot.exportingPartners.sorted().map(\.digits).joined(separator: ";")
        views = SubscriptionView.allCases.filter { snapshot.hasView($0) }.map(\.rawValue).joined(separator: ",")
        kinds = [snapshot.relationships != nil, snapshot.licenses != nil, snapshot.partnerUsers != nil].map { $0 ? "1" : "0" }.joined()
    }
}

/// Where the tenant-less items (partner users) are filed.
enum TenantLayoutKey {
    /// A key that no tenant has, for dictionary look-ups of the partner-wide group.
    static let none = TenantID(GUID(parsing: "00000000-0000-0000-0000-000000000000")!)
}

/// A snapshot's items grouped by tenant in a fixed order, with the provenance file table.
struct SnapshotLayout {
    struct Group {
        /// nil for the partner-wide group.
        let tenant: TenantID?
        let items: [ModelItem]
    }

    let tenants: [Group]
    let files: [String]
    let itemCount: Int
    let tenantCount: Int

    init(_ snapshot: Snapshot) {
        var byTenant: [TenantID: [ModelItem]] = [:]
        var partnerWide: [ModelItem] = []
        func add(_ item: ModelItem) {
            if let tenant = item.tenant { byTenant[tenant, default: []].append(item) } else { partnerWide.append(item) }
        }
        for info in snapshot.tenants.values { add(.tenant(info)) }
        for view in SubscriptionView.allCases {
            for record in snapshot.subscriptions(in: view).values { add(.subscription(record)) }
        }
        for relationship in snapshot.relationships ?? [] { add(.relationship(relationship)) }
        for license in snapshot.licenses ?? [] { add(.license(license)) }
        for user in snapshot.partnerUsers ?? [] { add(.partnerUser(user)) }
        // In file and line order, so that new records get ids in that order and the members' deltas repeat.
        func ordered(_ items: [ModelItem]) -> [ModelItem] {
            items.sorted { ($0.source?.file ?? "", $0.source?.line ?? 0) < ($1.source?.file ?? "", $1.source?.line ?? 0) }
        }
        var groups = byTenant.keys.sorted().map { Group(tenant: $0, items: ordered(byTenant[$0]!)) }
        if !partnerWide.isEmpty { groups.insert(Group(tenant: nil, items: ordered(partnerWide)), at: 0) }
        tenants = groups
        tenantCount = byTenant.count
        itemCount = groups.reduce(0) { $0 + $1.items.count }
        files = Set(groups.flatMap { $0.items.compactMap { $0.source?.file } }).sorted()
    }

    /// The hash of the snapshot's normalized content: every record and where it was seen, the as-of,
    /// the views and kinds present, the problems. Equal keys mean equal snapshots.
    func contentKey(header: SnapshotHeader, extras: [UInt8], hashes: [[Data]]) -> String {
        var hasher = SHA256()
        func feed(_ text: String) { hasher.update(data: Data((text + "\n").utf8)) }
        feed("coexist-snapshot \(ModelItem.formatVersion)")
        feed(header.asOf.description)
        feed(header.partners)
        feed(header.views)
        feed(header.kinds)
        hasher.update(data: Data(extras))
        for (group, digests) in zip(tenants, hashes) {
            feed("tenant \(group.tenant?.description ?? "-") \(group.items.count)")
            let members = zip(group.items, digests).map { item, digest -> (String, Int, Data) in
                (item.source?.file ?? "", item.source?.line ?? 0, digest)
            }
            let sorted = members.sorted { lhs, rhs in
                if lhs.0 != rhs.0 { return lhs.0 < rhs.0 }
                if lhs.1 != rhs.1 { return lhs.1 < rhs.1 }
                return lhs.2.lexicographicallyPrecedes(rhs.2)
            }
            for member in sorted {
                feed("\(member.0):\(member.1)")
                hasher.update(data: member.2)
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// Timestamps as the store writes them: ISO 8601 in UTC, to the second.
enum Timestamp {
    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
