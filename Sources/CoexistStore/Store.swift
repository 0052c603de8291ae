import Foundation
import GRDB
import Logging

/// The SQLite store of nightly mode: snapshots, baselines, runs, findings and acceptances in one file.
///
/// WAL journal, `synchronous=FULL` (a commit survives power loss), a busy timeout, foreign keys on,
/// and one transaction per import or run: a process killed at any moment leaves every import whole
/// or absent. Writers hold ``StoreLock`` for their whole life.
public final class Store {
    /// How a command uses the store.
    public enum Access: Sendable {
        /// Takes the lock, creates the store when missing, migrates the schema.
        case write
        /// No lock; the store must exist. Reads see the last committed state.
        case read
    }

    /// The path the README names: `./coexist.sqlite`.
    public static let defaultPath = "coexist.sqlite"
    /// The environment variable that overrides the default path.
    public static let environmentVariable = "COEXIST_STORE"

    /// `--store`, else `$COEXIST_STORE`, else ``defaultPath``.
    public static func resolvePath(option: String?, environment: [String: String]) -> String {
        if let option, !option.isEmpty { return option }
        if let value = environment[environmentVariable], !value.isEmpty { return value }
        return defaultPath
    }

    public let path: String
    let queue: DatabaseQueue
    let logger: Logger
    private let lock: StoreLock?

    public init(path: String, access: Access, logger: Logger) throws(StoreError) {
        self.path = path
        self.logger = logger
        if access == .read && !FileManager.default.fileExists(atPath: path) { throw .missing(store: path) }
        lock = access == .write ? try StoreLock(store: path) : nil
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.label = "coexist-store"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            // After opening: GRDB's WAL set-up chooses NORMAL, which can lose the last commit on power loss.
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // The record hashes are random: with SQLite's default 2 MB page cache, a nightly import of
                // a million records misses the cache on nearly every look-up. 256 MB keeps the index in memory.
                try db.execute(sql: "PRAGMA cache_size = -262144")
            }
            try Store.migrate(queue, path: path, access: access)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Store.storageError(error, store: path, operation: "open")
        }
    }

    private static func migrate(_ queue: DatabaseQueue, path: String, access: Access) throws {
        let migrator = Schema.migrator
        let (applied, superseded, complete) = try queue.read { db in
            (try migrator.appliedMigrations(db), try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
        }
        if superseded { throw StoreError.newerSchema(store: path, migration: applied.sorted().last ?? "?") }
        if complete { return }
        guard access == .write else {
            throw StoreError.corrupt(store: path, reason: "its schema is older than this coexist; run a command that writes to upgrade it")
        }
        try migrator.migrate(queue)
    }

    /// Runs `body` in one write transaction: everything it does is committed together, or nothing.
    public func write<T>(_ body: (StoreSession) throws -> T) throws -> T {
        do {
            let result = try queue.write { db in try body(StoreSession(db: db, store: self)) }
            // A batch tool writes once per process: move the WAL into the file now rather than leave it
            // (as large as the transaction) until the next run.
            // The commit is done: a checkpoint that fails (a full disk) loses nothing and is retried next time.
            do {
                try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            } catch {
                logger.warning("could not checkpoint the store's WAL; the next run will", metadata: ["reason": "\(error)"])
            }
            return result
        } catch let error as DatabaseError {
            throw Store.storageError(error, store: path, operation: "write")
        }
    }

    /// Runs `body` on a consistent view of the last committed state.
    public func read<T>(_ body: (StoreSession) throws -> T) throws -> T {
        do {
            return try queue.read { db in try body(StoreSession(db: db, store: self)) }
        } catch let error as DatabaseError {
            throw Store.storageError(error, store: path, operation: "read")
        }
    }

    /// Gives the free pages back to the file system (after `prune`).
    public func vacuum() throws(StoreError) {
        do {
            try queue.vacuum()
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        } catch {
            throw Store.storageError(error, store: path, operation: "vacuum")
        }
    }

    /// SQLite's own check plus coexist's: every snapshot's members are all there. Empty when healthy.
    public func check() throws(StoreError) -> [String] {
        do {
            return try queue.read { db in
                var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
                problems += try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { "foreign key: \($0)" }
                problems += try StoreSession(db: db, store: self).snapshotProblems()
                return problems
            }
        } catch {
            throw Store.storageError(error, store: path, operation: "check")
        }
    }

    /// The store file's size in bytes with its WAL, for `history` and the growth measurements.
    public var sizeOnDisk: Int64 {
        [path, path + "-wal"].reduce(Int64(0)) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0
            return total + size
        }
    }

    /// Says what went wrong in words a user can act on.
    static func storageError(_ error: any Error, store: String, operation: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let database = error as? DatabaseError else {
            return .storage(store: store, operation: operation, reason: "\(error)")
        }
        let reason: String
        switch database.resultCode {
        case .SQLITE_FULL: reason = "the disk is full (SQLite: \(database.message ?? "database or disk is full"))"
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            reason = "the store or its directory is not writable (SQLite: \(database.message ?? "\(database.resultCode)"))"
        case .SQLITE_IOERR:
            reason = "an I/O error (SQLite: \(database.message ?? "disk I/O error"); a full disk or a file-size limit also gives this)"
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .corrupt(store: store, reason: database.message ?? "\(database.resultCode)")
        case .SQLITE_BUSY, .SQLITE_LOCKED: reason = "the database stayed busy (another program holds it)"
        default: reason = database.message ?? "\(database.resultCode)"
        }
        return .storage(store: store, operation: operation, reason: reason)
    }
}

/// The store inside one transaction. Obtained from ``Store/write(_:)`` or ``Store/read(_:)``.
public struct StoreSession {
    let db: Database
    let store: Store

    var path: String { store.path }
    var logger: Logger { store.logger }
}
