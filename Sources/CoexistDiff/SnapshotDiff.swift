import CoexistModel

/// One field that differs between the baseline and the current record.
public struct FieldChange: Hashable, Sendable {
    public let field: SubscriptionField
    public let before: String?
    public let after: String?
}

/// How a subscription differs between the two export sets.
public struct SubscriptionChange: Hashable, Sendable {
    public enum Kind: String, Sendable {
        case added, removed, changed
    }

    public let tenant: TenantID
    public let subscription: SubscriptionID
    public let kind: Kind
    /// Sorted by field name. For added and removed subscriptions: the identifying fields they have.
    public let fields: [FieldChange]
    public let source: Provenance?
    public let baselineSource: Provenance?
}

/// Subscription counts of a diff, as `summary.subscriptions` of the report.
public struct DiffCounts: Hashable, Sendable {
    public var baseline = 0
    public var current = 0
    public var added = 0
    public var removed = 0
    public var changed = 0
    public var unchanged = 0
}

/// The field-by-field difference of two export sets, in report order (tenant, subscription).
public struct SnapshotDiff: Sendable {
    public let changes: [SubscriptionChange]
    public let counts: DiffCounts

    /// The fields listed for an added or removed subscription, so a reader sees what came or went.
    static let identifyingFields: [SubscriptionField] = [.channel, .offerId, .offerName, .skuId, .quantity, .status]

    /// Compares the merged subscriptions of both sets. Ids skipped as invalid on either side are
    /// neither added nor removed (their absence is an input problem, not a change).
    public init(
        baseline: [SubscriptionID: Subscription], current: [SubscriptionID: Subscription],
        invalid: Set<SubscriptionID> = []
    ) {
        self.init(join: SubscriptionJoin(baseline: baseline, current: current), currentCount: current.count, invalid: invalid)
    }

    /// The same from the two sides already matched.
    public init(join: SubscriptionJoin, currentCount: Int, invalid: Set<SubscriptionID> = []) {
        var counts = DiffCounts()
        counts.baseline = join.pairs.count
        counts.current = currentCount
        var changes: [SubscriptionChange] = []
        // The dense `changes` first: only the changed and removed pairs are read.
        for index in join.removed {
            let before = join.pairs[index].before
            guard !invalid.contains(before.id) else { continue }
            counts.removed += 1
            changes.append(
                SubscriptionChange(
                    tenant: before.tenant, subscription: before.id, kind: .removed,
                    fields: SnapshotDiff.identifying(before).map { FieldChange(field: $0.0, before: $0.1, after: nil) },
                    source: nil, baselineSource: before.source))
        }
        for (index, fields) in join.changes.enumerated() where !fields.isEmpty {
            let pair = join.pairs[index]
            guard let after = pair.after else { continue }
            counts.changed += 1
            changes.append(
                SubscriptionChange(
                    tenant: after.tenant, subscription: after.id, kind: .changed,
                    fields: fields.sortedFields.map { FieldChange(field: $0, before: pair.before.text(of: $0), after: after.text(of: $0)) },
                    source: after.source, baselineSource: pair.before.source))
        }
        counts.unchanged = join.pairs.count - join.removed.count - counts.changed
        for after in join.added where !invalid.contains(after.id) {
            let id = after.id
            counts.added += 1
            changes.append(
                SubscriptionChange(
                    tenant: after.tenant, subscription: id, kind: .added,
                    fields: SnapshotDiff.identifying(after).map { FieldChange(field: $0.0, before: nil, after: $0.1) },
                    source: after.source, baselineSource: nil))
        }
        self.changes = changes.sorted { lhs, rhs in
            (lhs.tenant, lhs.subscription) < (rhs.tenant, rhs.subscription)
        }
        self.counts = counts
    }

    private static func identifying(_ record: Subscription) -> [(SubscriptionField, String)] {
        identifyingFields.sorted().compactMap { field in record.text(of: field).map { (field, $0) } }
    }
}
