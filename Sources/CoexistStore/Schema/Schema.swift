import GRDB

/// The versioned schema. A migration, once released, is never edited: a change is a new migration.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: snapshots, baselines, runs, acceptances") { db in
            try createSnapshotTables(db)
            try createNightlyTables(db)
        }
        return migrator
    }

    /// Snapshots and their content-addressed records (see docs/store.md for the design).
    private static func createSnapshotTables(_ db: Database) throws {
        try db.create(table: SnapshotRow.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("label", .text)
            table.column("asOf", .text).notNull()
            table.column("importedAt", .text).notNull()
            // Hash of the input files' contents and the as-of: the same files again are the same snapshot.
            table.column("contentKey", .text).notNull().unique()
            // Hash of the input files' contents alone: "inputs unchanged since run N".
            table.column("inputsKey", .text).notNull().indexed()
            table.column("exportingPartners", .text).notNull()
            table.column("views", .text).notNull()
            table.column("hasRelationships", .boolean).notNull()
            table.column("hasLicenses", .boolean).notNull()
            table.column("hasPartnerUsers", .boolean).notNull()
            table.column("extras", .blob).notNull()
            table.column("tenantCount", .integer).notNull()
            table.column("subscriptionCount", .integer).notNull()
            table.column("recordCount", .integer).notNull()
            table.column("newRecordCount", .integer).notNull()
        }
        // Foreign keys whose column leads the primary key or another index get no index of their own.
        try db.create(table: SnapshotInputRow.databaseTableName) { table in
            table.belongsTo(SnapshotRow.databaseTableName, onDelete: .cascade, indexed: false).notNull()
            table.column("position", .integer).notNull()
            table.column("file", .text).notNull()
            table.column("sha256", .text).notNull()
            table.column("kind", .text).notNull()
            table.column("format", .text).notNull()
            table.column("records", .integer).notNull()
            table.primaryKey(["snapshotId", "position"])
        }
        try db.create(table: SnapshotFileRow.databaseTableName) { table in
            table.belongsTo(SnapshotRow.databaseTableName, onDelete: .cascade, indexed: false).notNull()
            table.column("fileIndex", .integer).notNull()
            table.column("name", .text).notNull()
            table.primaryKey(["snapshotId", "fileIndex"])
        }
        try db.create(table: TenantRow.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("id")
            // Lower-case GUID; the empty text stands for partner-wide items (partner users).
            table.column("guid", .text).notNull().unique()
            table.column("name", .text)
            table.column("domain", .text).indexed()
        }
        try db.create(table: StoredRecord.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("hash", .blob).notNull().unique()
            table.column("kind", .integer).notNull()
            table.column("payload", .blob).notNull()
        }
        try db.create(table: MembershipRow.databaseTableName, options: [.withoutRowID]) { table in
            table.belongsTo(SnapshotRow.databaseTableName, onDelete: .cascade, indexed: false).notNull()
            table.belongsTo(TenantRow.databaseTableName, indexed: false).notNull()
            table.column("entries", .blob).notNull()
            table.primaryKey(["snapshotId", "tenantId"])
        }
        try db.create(index: "membership_on_tenant", on: MembershipRow.databaseTableName, columns: ["tenantId", "snapshotId"])
    }

    /// Baselines, runs, findings and acceptances: the memory of the nightly job.
    private static func createNightlyTables(_ db: Database) throws {
        try db.create(table: RunRow.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("token", .text).notNull()
            table.column("startedAt", .text).notNull()
            table.column("finishedAt", .text).notNull()
            // Pruning may drop the snapshot of an old run; the run, its counts and its findings stay.
            table.belongsTo(SnapshotRow.databaseTableName, onDelete: .setNull)
            table.column("inputsKey", .text).notNull()
            table.column("inputs", .text).notNull()
            table.column("currentAsOf", .text).notNull()
            table.column("status", .text).notNull()
            table.column("failOn", .text).notNull()
            table.column("tenants", .integer).notNull()
            table.column("subscriptions", .integer).notNull()
            table.column("errors", .integer).notNull()
            table.column("warnings", .integer).notNull()
            table.column("infos", .integer).notNull()
            table.column("accepted", .integer).notNull()
            table.column("newFindings", .integer).notNull()
            table.column("newBaselines", .integer).notNull()
            table.column("inputsUnchangedSince", .integer)
            table.column("findings", .blob).notNull()
        }
        try db.create(table: BaselineRow.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("id")
            table.belongsTo(TenantRow.databaseTableName, indexed: false).notNull()
            table.belongsTo(SnapshotRow.databaseTableName, onDelete: .restrict).notNull()
            table.column("recordedAt", .text).notNull()
            table.column("origin", .text).notNull()
            table.belongsTo(RunRow.databaseTableName, onDelete: .restrict)
            table.column("recordedBy", .text)
            table.column("note", .text)
        }
        try db.create(index: "baseline_on_tenant", on: BaselineRow.databaseTableName, columns: ["tenantId", "id"])
        try db.create(table: FindingKeyRow.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("identity", .text).notNull().unique()
            table.column("rule", .text).notNull()
            table.column("tenant", .text)
            table.column("subscription", .text)
            table.column("sku", .text)
            table.column("partner", .text)
            table.belongsTo("firstRun", inTable: RunRow.databaseTableName, onDelete: .restrict).notNull()
            table.belongsTo("lastRun", inTable: RunRow.databaseTableName, onDelete: .restrict).notNull()
            table.column("severity", .text).notNull()
            table.column("message", .text).notNull()
            table.column("before", .text)
            table.column("after", .text)
            table.column("fingerprint", .text).notNull()
        }
        try db.create(index: "findingKey_on_tenant", on: FindingKeyRow.databaseTableName, columns: ["tenant", "subscription"])
        try db.create(table: AcceptanceRow.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("id")
            table.belongsTo("findingKey", inTable: FindingKeyRow.databaseTableName, onDelete: .restrict).notNull()
            table.column("fingerprint", .text).notNull()
            table.column("acceptedAt", .text).notNull()
            table.column("acceptedBy", .text).notNull()
            table.column("reason", .text).notNull()
            table.belongsTo(RunRow.databaseTableName, onDelete: .restrict).notNull()
        }
    }
}
