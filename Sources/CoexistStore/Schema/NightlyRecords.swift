import CoexistRules
import Foundation
import GRDB

/// How a tenant's baseline came to be recorded.
public enum BaselineOrigin: String, Codable, Sendable, DatabaseValueConvertible {
    /// The first snapshot the tenant appeared in was an import.
    case imported = "import"
    /// The tenant appeared for the first time in a nightly run: its state that night.
    case firstSeen = "first-seen"
    /// `coexist preflight` recorded it before onboarding.
    case preflight
    /// `coexist baseline reset` replaced it after a legitimate change.
    case reset

    /// Words for people.
    public var phrase: String {
        switch self {
        case .imported: "recorded at import"
        case .firstSeen: "recorded when first seen by a nightly run"
        case .preflight: "recorded by preflight"
        case .reset: "reset"
        }
    }
}

/// The verdict of a recorded run, as report.json's `status`.
public enum RunVerdict: String, Codable, Sendable, DatabaseValueConvertible {
    case clean
    case findings
    case incomplete
    case nothingAudited = "nothing-audited"
}

/// A row of `run`: one nightly reconcile.
struct RunRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "run"

    var id: Int64?
    /// The id in the run's log lines.
    var token: String
    var startedAt: String
    var finishedAt: String
    /// The current export set, as stored; nil once pruned.
    var snapshotId: Int64?
    var inputsKey: String
    /// The inputs as the run read them (JSON list of file, sha256, kind, records).
    var inputs: String
    var currentAsOf: String
    var status: RunVerdict
    var failOn: Severity
    var tenants: Int
    var subscriptions: Int
    var errors: Int
    var warnings: Int
    var infos: Int
    var accepted: Int
    var newFindings: Int
    var newBaselines: Int
    /// The earlier run whose inputs had the same content, when there was one.
    var inputsUnchangedSince: Int64?
    /// The finding keys of the run (``IDListCoding``).
    var findings: Data

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let snapshotId = Column(CodingKeys.snapshotId)
        static let inputsKey = Column(CodingKeys.inputsKey)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Severity: DatabaseValueConvertible {}

/// A row of `baseline`: a tenant's baseline from a snapshot. Never updated or deleted: the latest row
/// per tenant is its baseline, the earlier ones its history.
struct BaselineRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "baseline"

    var id: Int64?
    var tenantId: Int64
    var snapshotId: Int64
    var recordedAt: String
    var origin: BaselineOrigin
    var runId: Int64?
    var recordedBy: String?
    var note: String?

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let tenantId = Column(CodingKeys.tenantId)
        static let snapshotId = Column(CodingKeys.snapshotId)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `findingKey`: one finding identity (rule and subject) across runs, with the values of the
/// last run that reported it.
struct FindingKeyRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "findingKey"

    var id: Int64?
    /// ``FindingKeyRow/key(_:)`` of ``Finding/identities(of:)``.
    var identity: String
    var rule: String
    var tenant: String?
    var subscription: String?
    var sku: String?
    var partner: String?
    var firstRunId: Int64
    var lastRunId: Int64
    var severity: Severity
    var message: String
    var before: String?
    var after: String?
    /// The finding's values (``Finding/valueFingerprint``) in its last run.
    var fingerprint: String

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let identity = Column(CodingKeys.identity)
        static let rule = Column(CodingKeys.rule)
        static let tenant = Column(CodingKeys.tenant)
        static let subscription = Column(CodingKeys.subscription)
        static let lastRunId = Column(CodingKeys.lastRunId)
        static let firstRunId = Column(CodingKeys.firstRunId)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `acceptance`: finance acknowledged a finding with these values. Never deleted.
struct AcceptanceRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "acceptance"

    var id: Int64?
    var findingKeyId: Int64
    var fingerprint: String
    var acceptedAt: String
    var acceptedBy: String
    var reason: String
    /// The run whose finding was accepted.
    var runId: Int64

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let findingKeyId = Column(CodingKeys.findingKeyId)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
