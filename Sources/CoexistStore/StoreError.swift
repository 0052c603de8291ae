/// Why the store could not do what was asked. Each case names the store and says what to do.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another process holds the store's lock (exit 75).
    case locked(store: String, holder: Int32?)
    /// The store or its lock file cannot be created, opened or written: a read-only directory, a full
    /// disk, an I/O error (exit 4).
    case storage(store: String, operation: String, reason: String)
    /// The file is not a coexist store, or is damaged (exit 4).
    case corrupt(store: String, reason: String)
    /// The store was written by a newer coexist (exit 4).
    case newerSchema(store: String, migration: String)
    /// No store at the path for a command that only reads (exit 2).
    case missing(store: String)
    /// The request names something the store does not hold: a tenant, a finding, a run (exit 2).
    case notFound(store: String, what: String)

    public var description: String {
        switch self {
        case .locked(let store, let holder):
            let who = holder.map { "process \($0)" } ?? "another process"
            return "\(store) is locked by \(who) (another coexist run); try again later"
        case .storage(let store, let operation, let reason):
            return "cannot \(operation) \(store): \(reason); the store is unchanged"
        case .corrupt(let store, let reason):
            return "\(store) is not a usable coexist store: \(reason)"
        case .newerSchema(let store, let migration):
            return "\(store) was written by a newer coexist (schema \"\(migration)\"); upgrade coexist"
        case .missing(let store):
            return "no store at \(store); `coexist import <export set>` or a nightly `coexist reconcile --current …` creates it"
        case .notFound(let store, let what):
            return "\(store): \(what)"
        }
    }
}
