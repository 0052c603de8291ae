import CoexistModel
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

/// A report file: its name and how to write it.
public struct ReportFile: Sendable {
    public let name: String
    /// Appends the whole report to an output, which streams it to its file as it grows.
    public let write: @Sendable (inout ReportOutput) -> Void

    /// Files of higher priority start first. The writer runs two at a time: the longest report,
    /// started last, would run alone at the end.
    public let priority: Int

    public init(name: String, priority: Int = 0, write: @escaping @Sendable (inout ReportOutput) -> Void) {
        self.name = name
        self.priority = priority
        self.write = write
    }

    public init(name: String, priority: Int = 0, render: @escaping @Sendable () -> String) {
        self.init(name: name, priority: priority) { out in out.append(render()) }
    }

    /// The whole report as text, in memory.
    public func render() -> String {
        var out = ReportOutput()
        write(&out)
        return out.text
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
        try write(files.map { file in ReportFile(name: file.name) { file.contents } })
    }

    /// Renders and writes the files, two at a time on two cores, higher priorities first: each
    /// streams into its temporary file a megabyte at a time, so no report is ever whole in memory.
    /// Only when every file is written are they renamed into place; on any failure none is.
    public func write(_ files: [ReportFile]) throws(ReportError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: directory, reason: error.localizedDescription)
        }
        removeStaleTemporaries(of: files.map(\.name))
        let entries = files.map { file in
            (
                file: file, final: (directory as NSString).appendingPathComponent(file.name),
                temporary: (directory as NSString).appendingPathComponent(".\(file.name).\(getpid()).tmp")
            )
        }
        var renamed = false
        defer { if !renamed { for entry in entries { unlink(entry.temporary) } } }
        let byPriority = entries.indices.sorted { entries[$0].file.priority > entries[$1].file.priority }
        let outcomes = concurrentMap(byPriority.count) { position -> ReportError? in
            let index = byPriority[position]
            do throws(ReportError) {
                try Self.writeDurably(entries[index].file, to: entries[index].temporary)
                return nil
            } catch {
                return error
            }
        }
        if let failure = outcomes.compactMap({ $0 }).first { throw failure }
        for entry in entries {
            guard rename(entry.temporary, entry.final) == 0 else {
                throw .cannotWrite(path: entry.final, reason: String(cString: strerror(errno)))
            }
        }
        renamed = true
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

    private static func writeDurably(_ file: ReportFile, to path: String) throws(ReportError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var output = ReportOutput(descriptor: descriptor)
        file.write(&output)
        output.flush()
        if let failure = output.failure { throw .cannotWrite(path: path, reason: String(cString: strerror(failure))) }
        guard fsync(descriptor) == 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }
}
