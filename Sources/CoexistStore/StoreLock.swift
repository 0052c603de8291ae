import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One run at a time: an advisory `flock` on `<store>.lock` beside the store, holding the holder's pid.
///
/// The kernel releases the lock when its holder exits, however it exits (kill -9 included), so a stale
/// lock file never blocks the next run; the pid in it is only there to name the holder.
public final class StoreLock {
    public let path: String
    private var descriptor: Int32

    /// Takes the lock at once or throws ``StoreError/locked(store:holder:)``; never waits.
    public init(store: String) throws(StoreError) {
        path = store + ".lock"
        // Taken before `self` is whole: a refusal closes the descriptor here and nowhere else. (When an
        // initializer throws after every property is set, `deinit` runs: it closed the number a second
        // time, by then perhaps another thread's file, SQLite's in the parallel tests.)
        descriptor = try StoreLock.take(path, store: store)
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Opens the lock file and locks it, or closes it and says why not.
    private static func take(_ path: String, store: String) throws(StoreError) -> Int32 {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .storage(store: store, operation: "create the lock file for", reason: "\(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let holder = readPID(descriptor)
            close(descriptor)
            if reason == EWOULDBLOCK { throw .locked(store: store, holder: holder) }
            throw .storage(store: store, operation: "lock", reason: "\(path): \(String(cString: strerror(reason)))")
        }
        return descriptor
    }

    /// Releases the lock (also released when the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    private static func readPID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
