import CoexistModel
import CoexistRules
import Crypto
import Foundation
import GRDB

/// One input file of a run, as `history` lists it.
public struct RunInput: Codable, Sendable, Hashable {
    public let file: String
    public let sha256: String
    public let kind: String
    public let records: Int

    public init(file: String, sha256: String, kind: String, records: Int) {
        self.file = file
        self.sha256 = sha256
        self.kind = kind
        self.records = records
    }
}

/// A recorded nightly run.
public struct RunSummary: Sendable, Hashable {
    public let id: Int64
    public let token: String
    public let startedAt: String
    public let finishedAt: String
    /// The stored snapshot of its inputs; nil once `prune` removed it.
    public let snapshotID: Int64?
    public let inputsKey: String
    public let inputs: [RunInput]
    public let currentAsOf: ISODate
    public let status: RunVerdict
    public let failOn: Severity
    public let tenants: Int
    public let subscriptions: Int
    public let errors: Int
    public let warnings: Int
    public let infos: Int
    public let accepted: Int
    public let newFindings: Int
    public let newBaselines: Int
    public let inputsUnchangedSince: Int64?
}

/// What a run is about to record, besides its findings.
public struct RunDraft: Sendable {
    public var token: String
    public var startedAt: Date
    public var finishedAt: Date
    public var snapshotID: Int64
    public var inputsKey: String
    public var inputs: [RunInput]
    public var currentAsOf: ISODate
    public var status: RunVerdict
    public var failOn: Severity
    public var tenants: Int
    public var subscriptions: Int
    public var newBaselines: Int
    public var inputsUnchangedSince: Int64?

    public init(
        token: String, startedAt: Date, finishedAt: Date, snapshotID: Int64, inputsKey: String, inputs: [RunInput],
        currentAsOf: ISODate, status: RunVerdict, failOn: Severity, tenants: Int, subscriptions: Int, newBaselines: Int,
        inputsUnchangedSince: Int64?
    ) {
        self.token = token
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.snapshotID = snapshotID
        self.inputsKey = inputsKey
        self.inputs = inputs
        self.currentAsOf = currentAsOf
        self.status = status
        self.failOn = failOn
        self.tenants = tenants
        self.subscriptions = subscriptions
        self.newBaselines = newBaselines
        self.inputsUnchangedSince = inputsUnchangedSince
    }
}

/// What the store remembers of one finding of today's run.
public struct FindingMemory: Sendable, Hashable {
    /// ``Finding/identities(of:)``.
    public let identity: String
    /// The previous run reported the same rule and subject.
    public let inLastRun: Bool
    /// The first run that reported it; nil when no run has.
    public let firstRunID: Int64?
    /// The latest acceptance of this rule and subject, if any.
    public let acceptance: Acceptance?
    /// The acceptance holds: the finding's values are the ones that were accepted.
    public let accepted: Bool
}

extension StoreSession {
    /// The most recent run, if any.
    public func lastRun() throws -> RunSummary? {
        try RunRow.order(RunRow.Columns.id.desc).fetchOne(db).map(RunSummary.init)
    }

    /// Every run, oldest first.
    public func runs() throws -> [RunSummary] {
        try RunRow.order(RunRow.Columns.id).fetchAll(db).map(RunSummary.init)
    }

    /// What the store knows of each finding: seen in the last run, first run, acceptance.
    public func remember(_ findings: [Finding]) throws -> [FindingMemory] {
        let previous = try lastRun()
        let previousKeys: Set<Int64>
        if let previous, let row = try RunRow.fetchOne(db, key: previous.id) {
            previousKeys = Set(
                try decode("run #\(previous.id) findings") { () throws(ByteReader.Malformed) in
                    try IDListCoding.decode([UInt8](row.findings))
                })
        } else {
            previousKeys = []
        }
        let identities = Finding.identities(of: findings)
        return try zip(findings, identities).map { finding, identity in
            guard let key = try FindingKeyRow.filter(FindingKeyRow.Columns.identity == FindingKeyRow.key(identity)).fetchOne(db) else {
                return FindingMemory(identity: identity, inLastRun: false, firstRunID: nil, acceptance: nil, accepted: false)
            }
            let acceptance = try latestAcceptance(of: key.id!)
            return FindingMemory(
                identity: identity, inLastRun: previousKeys.contains(key.id!), firstRunID: key.firstRunId, acceptance: acceptance,
                accepted: acceptance?.fingerprint == finding.valueFingerprint)
        }
    }

    /// Records a run and its findings; returns the run's id.
    public func recordRun(_ draft: RunDraft, findings: [Finding], memory: [FindingMemory]) throws -> Int64 {
        let inputs = String(decoding: try JSONEncoder().encode(draft.inputs), as: UTF8.self)
        var row = RunRow(
            id: nil, token: draft.token, startedAt: Timestamp.text(draft.startedAt), finishedAt: Timestamp.text(draft.finishedAt),
            snapshotId: draft.snapshotID, inputsKey: draft.inputsKey, inputs: inputs, currentAsOf: draft.currentAsOf.description,
            status: draft.status, failOn: draft.failOn, tenants: draft.tenants, subscriptions: draft.subscriptions,
            errors: findings.filter { $0.severity == .error }.count, warnings: findings.filter { $0.severity == .warning }.count,
            infos: findings.filter { $0.severity == .info }.count, accepted: memory.filter(\.accepted).count,
            newFindings: memory.filter { !$0.inLastRun }.count, newBaselines: draft.newBaselines,
            inputsUnchangedSince: draft.inputsUnchangedSince, findings: Data())
        try row.insert(db)
        let runID = row.id!
        var keys: [Int64] = []
        keys.reserveCapacity(findings.count)
        for (finding, remembered) in zip(findings, memory) {
            var key =
                try FindingKeyRow.filter(FindingKeyRow.Columns.identity == FindingKeyRow.key(remembered.identity)).fetchOne(db)
                ?? FindingKeyRow(
                    id: nil, identity: FindingKeyRow.key(remembered.identity), rule: finding.rule, tenant: finding.tenant?.description,
                    subscription: finding.subscription?.description, sku: finding.sku?.description,
                    partner: finding.partner?.description, firstRunId: runID, lastRunId: runID, severity: finding.severity,
                    message: finding.message, before: finding.before, after: finding.after, fingerprint: finding.valueFingerprint)
            key.lastRunId = runID
            key.severity = finding.severity
            key.message = finding.message
            key.before = finding.before
            key.after = finding.after
            key.fingerprint = finding.valueFingerprint
            try key.save(db)
            keys.append(key.id!)
        }
        row.findings = Data(IDListCoding.encode(keys.sorted()))
        try row.update(db)
        return runID
    }

    /// The earliest run of the unbroken series of runs, ending with the last one, whose inputs had
    /// this content; nil when the last run's inputs differ.
    public func runWithSameInputs(_ inputsKey: String) throws -> Int64? {
        guard let last = try lastRun(), last.inputsKey == inputsKey else { return nil }
        return last.inputsUnchangedSince ?? last.id
    }
}

extension RunSummary {
    init(_ row: RunRow) {
        let inputs = (try? JSONDecoder().decode([RunInput].self, from: Data(row.inputs.utf8))) ?? []
        self.init(
            id: row.id!, token: row.token, startedAt: row.startedAt, finishedAt: row.finishedAt, snapshotID: row.snapshotId,
            inputsKey: row.inputsKey, inputs: inputs, currentAsOf: ISODate(parsing: row.currentAsOf) ?? ISODate(day: 0),
            status: row.status, failOn: row.failOn, tenants: row.tenants, subscriptions: row.subscriptions, errors: row.errors,
            warnings: row.warnings, infos: row.infos, accepted: row.accepted, newFindings: row.newFindings,
            newBaselines: row.newBaselines, inputsUnchangedSince: row.inputsUnchangedSince)
    }
}

extension FindingKeyRow {
    /// The stored form of a finding identity: 32 hex digits of its SHA-256, a fixed size whatever the
    /// subject (rule, tenant, subscription, SKU and partner are in their own columns).
    static func key(_ identity: String) -> String {
        SHA256.hash(data: Data(identity.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
