import CoexistModel
import CoexistRules
import Foundation
import GRDB

/// One change of a tenant's data between two snapshots.
public struct TimelineChange: Sendable, Hashable {
    public enum Kind: String, Sendable { case added, removed, changed }

    /// `subscription <id> (<view> view)`, `relationship <partner> <type>`, `license <sku>`, `tenant`.
    public let subject: String
    public let subscription: SubscriptionID?
    public let kind: Kind
    /// Field name, before, after (for added and removed: the identifying values).
    public let fields: [TimelineField]
}

/// A field as it was and as it became.
public struct TimelineField: Sendable, Hashable {
    public let name: String
    public let before: String?
    public let after: String?
}

/// A snapshot in a tenant's timeline and what changed in it since the previous one.
public struct TimelineEntry: Sendable, Hashable {
    public let snapshot: SnapshotSummary
    /// Empty for the first snapshot (everything is new) and when nothing changed.
    public let changes: [TimelineChange]
    /// Records of the tenant in this snapshot (every kind).
    public let records: Int
}

/// A finding's life across runs.
public struct FindingTrail: Sendable, Hashable {
    public let rule: String
    public let subscription: SubscriptionID?
    public let sku: SkuID?
    public let severity: Severity
    public let message: String
    public let firstRun: RunSummary?
    public let lastRun: RunSummary?
    /// The last run reported it.
    public let current: Bool
    public let acceptances: [Acceptance]
}

/// `coexist explain`: a tenant (or one subscription) across snapshots and runs.
public struct TenantTimeline: Sendable {
    public let tenant: TenantID
    public let name: String?
    public let domain: String?
    public let baselines: [TenantBaseline]
    public let entries: [TimelineEntry]
    public let findings: [FindingTrail]
}

extension StoreSession {
    /// The timeline of a tenant, or of one of its subscriptions, across every stored snapshot.
    public func timeline(of tenant: TenantID, subscription: SubscriptionID? = nil) throws -> TenantTimeline {
        guard let row = try TenantRow.filter(TenantRow.Columns.guid == tenant.description).fetchOne(db) else {
            throw StoreError.notFound(store: path, what: "no tenant \(tenant) in the store")
        }
        let snapshotRows = try SnapshotRow.fetchAll(
            db,
            sql: """
                SELECT s.* FROM snapshot s JOIN membership m ON m.snapshotId = s.id
                WHERE m.tenantId = ? ORDER BY s.asOf, s.id
                """, arguments: [row.id!])
        var entries: [TimelineEntry] = []
        // For one subscription, its first snapshot shows it as added; for a tenant, the first is "first seen".
        var previous: [String: (item: ModelItem, record: Int64)]? = subscription == nil ? nil : [:]
        for snapshotRow in snapshotRows {
            let items = try subjects(of: row.id!, in: snapshotRow.id!, subscription: subscription)
            var changes: [TimelineChange] = []
            if let previous {
                for key in Set(previous.keys).union(items.keys).sorted() {
                    let before = previous[key]
                    let after = items[key]
                    if before?.record == after?.record { continue }
                    if let change = TimelineDiff.change(key, before: before?.item, after: after?.item) { changes.append(change) }
                }
            }
            entries.append(TimelineEntry(snapshot: SnapshotSummary(snapshotRow), changes: changes, records: items.count))
            previous = items
        }
        var request = FindingKeyRow.filter(FindingKeyRow.Columns.tenant == tenant.description)
        if let subscription { request = request.filter(FindingKeyRow.Columns.subscription == subscription.description) }
        let lastRunID = try lastRun()?.id
        var runs: [Int64: RunSummary] = [:]
        func run(_ id: Int64) throws -> RunSummary? {
            if let known = runs[id] { return known }
            let found = try RunRow.fetchOne(db, key: id).map(RunSummary.init)
            runs[id] = found
            return found
        }
        let findings = try request.order(FindingKeyRow.Columns.firstRunId, FindingKeyRow.Columns.identity).fetchAll(db).map { key in
            FindingTrail(
                rule: key.rule, subscription: key.subscription.flatMap { SubscriptionID(parsing: $0) },
                sku: key.sku.flatMap { SkuID(parsing: $0) }, severity: key.severity, message: key.message,
                firstRun: try run(key.firstRunId), lastRun: try run(key.lastRunId), current: key.lastRunId == lastRunID,
                acceptances: try acceptances(of: key.id!))
        }
        return TenantTimeline(
            tenant: tenant, name: row.name, domain: row.domain, baselines: try baselineHistory(of: tenant), entries: entries,
            findings: findings)
    }

    private func acceptances(of findingKey: Int64) throws -> [Acceptance] {
        try AcceptanceRow.filter(AcceptanceRow.Columns.findingKeyId == findingKey).order(AcceptanceRow.Columns.id).fetchAll(db).map {
            Acceptance($0, try FindingKeyRow.fetchOne(db, key: findingKey)!)
        }
    }

    /// The tenant's items in one snapshot by subject key, with their record ids.
    private func subjects(of tenantKey: Int64, in snapshot: Int64, subscription: SubscriptionID?) throws -> [String: (
        item: ModelItem, record: Int64
    )] {
        guard let membership = try MembershipRow.fetchOne(db, key: ["snapshotId": snapshot, "tenantId": tenantKey]) else { return [:] }
        let entries = try decode("snapshot #\(snapshot) members") { () throws(ByteReader.Malformed) in
            try MembershipCoding.decode([UInt8](membership.entries))
        }
        var items: [String: (item: ModelItem, record: Int64)] = [:]
        try forEachRecord(of: entries) { entry, kind, payload in
            let item = try decode("record #\(entry.record)") { () throws(ByteReader.Malformed) in
                try ModelItem.decode(kind, payload, source: nil)
            }
            guard let key = TimelineDiff.subjectKey(item) else { return }
            if let subscription, TimelineDiff.subscription(of: item) != subscription { return }
            items[key] = (item, entry.record)
        }
        return items
    }
}

/// How two versions of one subject differ, for the timeline.
enum TimelineDiff {
    static func subjectKey(_ item: ModelItem) -> String? {
        switch item {
        case .subscription(let value): "subscription \(value.id) (\(value.view) view)"
        case .relationship(let value): "relationship \(value.type) with \(value.partner?.description ?? "no partner")"
        case .license(let value): "license \(value.sku)"
        case .tenant: "tenant"
        case .partnerUser: nil
        }
    }

    static func subscription(of item: ModelItem) -> SubscriptionID? {
        if case .subscription(let value) = item { return value.id }
        return nil
    }

    static func change(_ subject: String, before: ModelItem?, after: ModelItem?) -> TimelineChange? {
        let fields: [TimelineField]
        let kind: TimelineChange.Kind
        switch (before, after) {
        case (nil, let item?):
            kind = .added
            fields = values(item).compactMap { name, value in value.map { TimelineField(name: name, before: nil, after: $0) } }
        case (let item?, nil):
            kind = .removed
            fields = values(item).compactMap { name, value in value.map { TimelineField(name: name, before: $0, after: nil) } }
        case (let old?, let new?):
            kind = .changed
            if case .subscription(let oldRecord) = old, case .subscription(let newRecord) = new {
                fields = oldRecord.changedFields(comparedTo: newRecord).map {
                    TimelineField(name: $0.name, before: oldRecord.text(of: $0), after: newRecord.text(of: $0))
                }
            } else {
                let oldValues = Dictionary(uniqueKeysWithValues: values(old))
                fields = values(new).compactMap { name, value in
                    oldValues[name] == value ? nil : TimelineField(name: name, before: oldValues[name] ?? nil, after: value)
                }
            }
        case (nil, nil):
            return nil
        }
        guard !fields.isEmpty || kind != .changed else { return nil }
        return TimelineChange(subject: subject, subscription: subscription(of: after ?? before!), kind: kind, fields: fields)
    }

    /// The values shown for an item, by field name.
    private static func values(_ item: ModelItem) -> [(String, String?)] {
        switch item {
        case .subscription(let value):
            return [SubscriptionField.channel, .offerName, .skuId, .quantity, .status, .endDate].map { ($0.name, value.text(of: $0)) }
        case .relationship(let value):
            return [
                ("state", value.state.canonicalName), ("establishedAt", value.establishedAt?.description),
                ("invitedBy", value.invitedBy),
            ]
        case .license(let value):
            return [("productName", value.productName), ("total", value.total.plainText), ("assigned", value.assigned?.plainText)]
        case .tenant(let value):
            return [("name", value.name), ("domain", value.domain)]
        case .partnerUser:
            return []
        }
    }
}
