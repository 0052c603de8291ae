import CoexistModel
import CoexistRules
import Foundation
import GRDB

/// Finance's acknowledgement of one finding with the values it had then.
public struct Acceptance: Sendable, Hashable {
    public let id: Int64
    public let rule: String
    public let tenant: TenantID?
    public let subscription: SubscriptionID?
    public let sku: SkuID?
    /// The finding's message in the last run that reported it.
    public let message: String
    /// ``Finding/valueFingerprint`` of the accepted finding.
    public let fingerprint: String
    public let acceptedAt: String
    public let acceptedBy: String
    public let reason: String
    public let runID: Int64
}

/// What `coexist accept` did.
public struct AcceptOutcome: Sendable {
    /// The run whose findings were matched.
    public let runID: Int64
    public let accepted: [Acceptance]
    /// Matching findings that were already accepted with the same values.
    public let alreadyAccepted: [Acceptance]
}

extension StoreSession {
    /// Accepts every finding of the last run with this rule and tenant (and subscription, when given).
    /// Each acceptance keeps the finding's values: when they change, the acceptance no longer holds.
    public func accept(
        rule: String, tenant: TenantID, subscription: SubscriptionID?, reason: String, by: String, at date: Date
    ) throws -> AcceptOutcome {
        guard let run = try lastRun() else {
            throw StoreError.notFound(store: path, what: "no nightly run is recorded yet; findings are accepted from the last run")
        }
        var request = FindingKeyRow.filter(
            FindingKeyRow.Columns.lastRunId == run.id && FindingKeyRow.Columns.rule == rule
                && FindingKeyRow.Columns.tenant == tenant.description)
        if let subscription { request = request.filter(FindingKeyRow.Columns.subscription == subscription.description) }
        let keys = try request.order(FindingKeyRow.Columns.identity).fetchAll(db)
        guard !keys.isEmpty else {
            let subject = subscription.map { " and subscription \($0)" } ?? ""
            throw StoreError.notFound(
                store: path,
                what:
                    "run #\(run.id) has no \(rule) finding for tenant \(tenant)\(subject); `coexist explain --tenant \(tenant)` lists its findings"
            )
        }
        var accepted: [Acceptance] = []
        var already: [Acceptance] = []
        for key in keys {
            if let existing = try latestAcceptance(of: key.id!), existing.fingerprint == key.fingerprint {
                already.append(existing)
                continue
            }
            var row = AcceptanceRow(
                id: nil, findingKeyId: key.id!, fingerprint: key.fingerprint, acceptedAt: Timestamp.text(date), acceptedBy: by,
                reason: reason, runId: run.id)
            try row.insert(db)
            accepted.append(Acceptance(row, key))
        }
        return AcceptOutcome(runID: run.id, accepted: accepted, alreadyAccepted: already)
    }

    /// Every acceptance ever recorded, oldest first.
    public func acceptances(tenant: TenantID? = nil) throws -> [Acceptance] {
        var sql = "SELECT a.*, k.* FROM acceptance a JOIN findingKey k ON k.id = a.findingKeyId"
        var arguments: StatementArguments = []
        if let tenant {
            sql += " WHERE k.tenant = ?"
            arguments = [tenant.description]
        }
        return try fetchAcceptances(sql + " ORDER BY a.id", arguments: arguments)
    }

    func latestAcceptance(of findingKey: Int64) throws -> Acceptance? {
        try fetchAcceptances(
            "SELECT a.*, k.* FROM acceptance a JOIN findingKey k ON k.id = a.findingKeyId WHERE a.findingKeyId = ? ORDER BY a.id DESC LIMIT 1",
            arguments: [findingKey]
        ).first
    }

    private func fetchAcceptances(_ sql: String, arguments: StatementArguments) throws -> [Acceptance] {
        let adapter = ScopeAdapter([
            "acceptance": RangeRowAdapter(0..<7),
            "key": SuffixRowAdapter(fromIndex: 7),
        ])
        return try Row.fetchAll(db, sql: sql, arguments: arguments, adapter: adapter).map { row in
            Acceptance(try AcceptanceRow(row: row.scopes["acceptance"]!), try FindingKeyRow(row: row.scopes["key"]!))
        }
    }
}

extension Acceptance {
    init(_ row: AcceptanceRow, _ key: FindingKeyRow) {
        self.init(
            id: row.id!, rule: key.rule, tenant: key.tenant.flatMap { TenantID(parsing: $0) },
            subscription: key.subscription.flatMap { SubscriptionID(parsing: $0) }, sku: key.sku.flatMap { SkuID(parsing: $0) },
            message: key.message, fingerprint: row.fingerprint, acceptedAt: row.acceptedAt, acceptedBy: row.acceptedBy,
            reason: row.reason, runID: row.runId)
    }
}
