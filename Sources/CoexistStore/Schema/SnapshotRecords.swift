import Foundation
import GRDB

/// A row of `snapshot`: one imported export set, its as-of and what kinds it held.
struct SnapshotRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "snapshot"

    var id: Int64?
    var label: String?
    /// The export set's as-of (ISO 8601), resolved at import: option, else `exportedAt`, else the import day.
    var asOf: String
    var importedAt: String
    var contentKey: String
    var inputsKey: String
    /// MPN ids, `;`-separated.
    var exportingPartners: String
    /// Subscription views present, `,`-separated raw values.
    var views: String
    var hasRelationships: Bool
    var hasLicenses: Bool
    var hasPartnerUsers: Bool
    /// Record problems and skipped ids (``SnapshotExtras``).
    var extras: Data
    var tenantCount: Int
    var subscriptionCount: Int
    /// Members over every tenant (records of every kind).
    var recordCount: Int
    /// Records this snapshot stored for the first time.
    var newRecordCount: Int

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let asOf = Column(CodingKeys.asOf)
        static let contentKey = Column(CodingKeys.contentKey)
        static let inputsKey = Column(CodingKeys.inputsKey)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `snapshotInput`: one input file of a snapshot, as the report lists it.
struct SnapshotInputRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "snapshotInput"

    var snapshotId: Int64
    var position: Int
    var file: String
    var sha256: String
    var kind: String
    var format: String
    var records: Int

    enum Columns {
        static let snapshotId = Column(CodingKeys.snapshotId)
        static let position = Column(CodingKeys.position)
    }
}

/// A row of `snapshotFile`: the file names a snapshot's provenance refers to by index.
struct SnapshotFileRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "snapshotFile"

    var snapshotId: Int64
    /// 1-based; 0 in a member entry means "no source".
    var fileIndex: Int
    var name: String

    enum Columns {
        static let snapshotId = Column(CodingKeys.snapshotId)
        static let fileIndex = Column(CodingKeys.fileIndex)
    }
}

/// A row of `tenant`: a tenant id known to the store, with the name and domain last seen.
struct TenantRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "tenant"

    var id: Int64?
    /// Lower-case GUID; "" for the partner-wide pseudo tenant that holds partner users.
    var guid: String
    var name: String?
    var domain: String?

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let guid = Column(CodingKeys.guid)
        static let name = Column(CodingKeys.name)
        static let domain = Column(CodingKeys.domain)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `record`: one normalized model item, stored once whatever the number of snapshots that hold it.
struct StoredRecord: FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "record"

    var id: Int64?
    /// The first 16 bytes of the SHA-256 of the payload.
    var hash: Data
    var kind: RecordKind
    var payload: Data

    enum Columns {
        static let id = Column("id")
        static let hash = Column("hash")
        static let kind = Column("kind")
        static let payload = Column("payload")
    }

    init(id: Int64? = nil, hash: Data, kind: RecordKind, payload: Data) {
        self.id = id
        self.hash = hash
        self.kind = kind
        self.payload = payload
    }

    init(row: Row) throws {
        id = row[Columns.id]
        hash = row[Columns.hash]
        kind = row[Columns.kind]
        payload = row[Columns.payload]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.hash] = hash
        container[Columns.kind] = kind
        container[Columns.payload] = payload
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension RecordKind: DatabaseValueConvertible {}

/// A row of `membership`: which records one tenant has in one snapshot, and on which lines.
struct MembershipRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "membership"

    var snapshotId: Int64
    var tenantId: Int64
    /// ``MembershipCoding``.
    var entries: Data

    enum Columns {
        static let snapshotId = Column(CodingKeys.snapshotId)
        static let tenantId = Column(CodingKeys.tenantId)
        static let entries = Column(CodingKeys.entries)
    }
}
