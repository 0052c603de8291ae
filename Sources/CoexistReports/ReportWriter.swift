import Foundation

/// Why reports could not be written.
public enum ReportError: Error, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

/// Writes report files atomically: every file goes to a temporary file in the target directory,
/// is flushed to disk, and only when all are written are they renamed into place. A killed run
/// leaves the earlier reports, never a half-written one; the temporary files it leaves behind are
/// removed by the next write to the directory.
public struct ReportWriter: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Writes `name → contents` pairs; on any failure removes its temporary files and throws.
    public func write(_ files: [(name: String, contents: String)]) throws(ReportError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: directory, reason: error.localizedDescription)
        }
        removeStaleTemporaries(of: files.map(\.name))
        var temporaries: [(temporary: String, final: String)] = []
        defer { for entry in temporaries { unlink(entry.temporary) } }
        for file in files {
            let final = (directory as NSString).appendingPathComponent(file.name)
            let temporary = (directory as NSString).appendingPathComponent(".\(file.name).\(getpid()).tmp")
            temporaries.append((temporary, final))
            try writeDurably(Array(file.contents.utf8), to: temporary)
        }
        for entry in temporaries {
            guard rename(entry.temporary, entry.final) == 0 else {
                throw .cannotWrite(path: entry.final, reason: String(cString: strerror(errno)))
            }
        }
        temporaries.removeAll()
        // Make the renames themselves durable.
        let descriptor = open(directory, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// Removes `.NAME.PID.tmp` files of these report names whose process is gone (a run killed while it
    /// wrote, found by scripts/crash-drill); a live process's files are its own business.
    private func removeStaleTemporaries(of names: [String]) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(".") && entry.hasSuffix(".tmp") {
            let middle = entry.dropFirst().dropLast(4)
            guard let dot = middle.lastIndex(of: "."), names.contains(String(middle[..<dot])),
                let pid = pid_t(middle[middle.index(after: dot)...]), pid > 0, pid != getpid()
            else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink((directory as NSString).appendingPathComponent(entry))
            }
        }
    }

    private func writeDurably(_ bytes: [UInt8], to path: String) throws(ReportError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }
}
