import CoexistModel
import Foundation
import Logging

/// What a file turned out to be when read on its own (for `coexist validate`).
public struct FileReport: Sendable {
    public let file: String
    public let format: String
    /// Records per kind; one file may hold several kinds.
    public let kinds: [ExportKind: Int]
    public let problems: [RecordProblem]
    /// The language the file was read in (`de`), nil for English.
    public let language: String?
    /// How each column (JSON/XML: each mapped path) was read.
    public let columns: [ColumnUse]
}

/// Reads an export set — a directory or a list of files — into a ``Snapshot``.
///
/// Files are recognized by content, never by name alone (SPEC §2). A file that cannot be read at all
/// throws ``IngestError``; a record with a bad value becomes a ``RecordProblem`` and the rest is read.
public struct ExportSetLoader: Sendable {
    private let logger: Logger
    private let options: IngestOptions

    public init(logger: Logger, options: IngestOptions = IngestOptions()) {
        self.logger = logger
        self.options = options
    }

    /// Extensions of files that must be recognized: anything else unrecognized is skipped with a notice.
    static let dataExtensions: Set<String> = ["csv", "tsv", "xml", "json"]

    /// Loads every file of the set and merges them. `asOf` overrides the files' own `exportedAt`.
    public func load(_ paths: [String], asOf: ISODate? = nil) throws(IngestError) -> Snapshot {
        try loadSets([(paths, asOf)])[0]
    }

    /// Loads several export sets: their files read side by side on every core, largest first, and each
    /// set merged in its files' order as soon as its last file is read (on the core that read it, while
    /// the others still read).
    ///
    /// Reading set by set, one core a set, left a core idle whenever one set's files took longer
    /// (measured at 1M: one side's subscriptions file 2.8–4.0 s, the other's the same size 30% faster,
    /// at random). The outcome is the one reading in order gives: files merge in order, their notices
    /// are logged in order (all of the first set's, then the next's), the first set's first failing
    /// file is the error (a set whose paths do not exist fails there, after the sets before it), and
    /// the set's record budget (``IngestLimits/maxRecords``) is settled in order: a file read with
    /// another budget than the earlier files left (``LoadWork`` hands each file what the set's files
    /// read so far left, in whatever order they finished) that may have crossed it is read again with
    /// that, so it is refused at the same record with the same message. What a set holds in memory
    /// stays within a few budgets however many files it has.
    public func loadSets(_ sets: [(paths: [String], asOf: ISODate?)]) throws(IngestError) -> [Snapshot] {
        var contexts: [IngestContext] = []
        var expanded: [Result<[ExportFile], IngestError>] = []
        var listingNotices: [[Notice]] = []
        for set in sets {
            contexts.append(try IngestContext(options))
            var notices: [Notice] = []
            expanded.append(Result { () throws(IngestError) in try expand(set.paths, notices: &notices) })
            listingNotices.append(notices)
            // The sets after one that cannot be listed would not be reached: not read at all.
            if case .failure = expanded.last { break }
        }
        let files = expanded.map { (try? $0.get()) ?? [] }
        let work = LoadWork(files: files, budgets: contexts.map(\.recordsLeft))
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, work.taskCount))
        _ = concurrentMap(workers) { [contexts] _ in
            while let task = work.nextTask() {
                var dispatcher = FormatDispatcher(context: contexts[task.set])
                dispatcher.context.recordsLeft = task.budget
                let read = BudgetedRead(
                    result: Result { () throws(IngestError) in try readFile(files[task.set][task.file], dispatcher) }, budget: task.budget)
                guard work.finish(set: task.set, file: task.file, read) else { continue }
                let merged = mergeSet(files[task.set], work.takeReads(of: task.set), context: contexts[task.set], asOf: sets[task.set].asOf)
                work.settle(set: task.set, merged)
            }
        }
        let settled = work.outcomes()
        var outcomes: [LoadWork.Outcome] = []
        for (set, listing) in expanded.enumerated() {
            switch listing {
            case .failure(let error):
                outcomes.append(LoadWork.Outcome(snapshot: .failure(error), notices: listingNotices[set]))
            case .success:
                // A set without files has nothing to read: merged (empty, with its as-of) here.
                var outcome = settled[set] ?? mergeSet([], [], context: contexts[set], asOf: sets[set].asOf)
                outcome.notices.insert(contentsOf: listingNotices[set], at: 0)
                outcomes.append(outcome)
            }
        }
        for outcome in outcomes { log(outcome.notices) }
        return try outcomes.map { outcome throws(IngestError) in try outcome.snapshot.get() }
    }

    /// One set's files merged in order, as reading them in order would have.
    private func mergeSet(_ files: [ExportFile], _ reads: consuming [BudgetedRead?], context: IngestContext, asOf: ISODate?)
        -> LoadWork.Outcome
    {
        var snapshot = Snapshot()
        var notices: [Notice] = []
        var left = context.recordsLeft
        for (index, file) in files.enumerated() {
            // Moved out of the list, and the list's copy dropped: merging moves the file's records into
            // the snapshot, and a second owner of the file's content turned that into a copy of its
            // million records, a reference count each (measured: 1.8% of a 1M run's CPU).
            guard let taken = reads[index].take() else { preconditionFailure("a file of the set was not read") }
            let budget = taken.budget
            var read = taken.result
            _ = consume taken
            // Read with another budget than the earlier files left: again with that when the read
            // failed (the limit may come first, or later) or counted more records than are left.
            if budget != left, read.mayCross(left) {
                var dispatcher = FormatDispatcher(context: context)
                dispatcher.context.recordsLeft = left
                read = Result { () throws(IngestError) in try readFile(file, dispatcher) }
            }
            switch consume read {
            case .failure(let error):
                return LoadWork.Outcome(snapshot: .failure(error), notices: notices)
            case .success(.skipped(let notice)):
                notices.append(notice)
            case .success(.content(var content)):
                notices.append(contentsOf: content.notices.map { Notice(message: $0) })
                content.notices = []
                // The next file may hold what is left of the export set's records (IngestLimits.maxRecords).
                left = max(0, left - content.recordsRead)
                merge(&content, into: &snapshot, notices: &notices)
            }
        }
        if let asOf { snapshot.asOf = asOf }
        return LoadWork.Outcome(snapshot: .success(snapshot), notices: notices)
    }

    private func log(_ notices: [Notice]) {
        for notice in notices { logger.notice("\(notice.message)", metadata: notice.metadata.isEmpty ? nil : notice.metadata) }
    }

    /// Reads each file alone, for `coexist validate`; a file that cannot be read is returned as its error.
    public func inspect(_ paths: [String]) throws(IngestError) -> [Result<FileReport, IngestError>] {
        let dispatcher = FormatDispatcher(context: try IngestContext(options))
        var notices: [Notice] = []
        let files: [ExportFile]
        do throws(IngestError) {
            files = try expand(paths, notices: &notices)
        } catch {
            // The paths before the one that does not exist still say what they skipped.
            log(notices)
            throw error
        }
        log(notices)
        return files.compactMap { file -> Result<FileReport, IngestError>? in
            do throws(IngestError) {
                let read = try readFile(file, dispatcher)
                guard case .content(var content) = read else {
                    if case .skipped(let notice) = read { log([notice]) }
                    return nil
                }
                log(content.notices.map { Notice(message: $0) })
                content.notices = []
                // Merging the file alone also finds the ids it repeats with different values.
                var alone = Snapshot()
                var notices: [Notice] = []
                merge(&content, into: &alone, notices: &notices)
                log(notices)
                let problems = alone.problems.sorted { ($0.source, $0.column) < ($1.source, $1.column) }
                return .success(
                    FileReport(
                        file: content.file, format: content.format, kinds: content.kinds, problems: problems,
                        language: content.language, columns: content.columns))
            } catch {
                return .failure(error)
            }
        }
    }

    // MARK: - Files

    struct ExportFile {
        let path: String
        let displayName: String
    }

    /// Every file named or under a named directory, sorted so that runs are deterministic; hidden files
    /// are skipped with a notice for the caller to log in order.
    func expand(_ paths: [String], notices: inout [Notice]) throws(IngestError) -> [ExportFile] {
        var files: [ExportFile] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .unreadable(file: path, reason: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(ExportFile(path: path, displayName: path))
                continue
            }
            guard let enumerator = manager.enumerator(atPath: path) else {
                throw .unreadable(file: path, reason: "cannot list the directory")
            }
            var found: [String] = []
            while let relative = enumerator.nextObject() as? String {
                let full = (path as NSString).appendingPathComponent(relative)
                var isSubdirectory: ObjCBool = false
                guard manager.fileExists(atPath: full, isDirectory: &isSubdirectory), !isSubdirectory.boolValue else { continue }
                found.append(relative)
            }
            for relative in found.sorted() {
                let full = (path as NSString).appendingPathComponent(relative)
                if (relative as NSString).lastPathComponent.hasPrefix(".") {
                    notices.append(Notice(message: "skipping hidden file", metadata: ["file": "\(full)"]))
                    continue
                }
                files.append(ExportFile(path: full, displayName: full))
            }
        }
        return files
    }

    /// What reading one file gave: its content, or a notice that it is not an export and was skipped
    /// (a README, a picture). Notices are logged by the caller, in file order.
    enum FileRead {
        case content(FileContent)
        case skipped(Notice)
    }

    /// A file's read and the record budget it was read with.
    struct BudgetedRead {
        var result: Result<FileRead, IngestError>
        var budget: Int
    }

    /// A notice for the log, kept until the files before it have been logged.
    struct Notice: Sendable {
        var message: String
        var metadata: Logger.Metadata = [:]
    }

    /// Reads one file.
    func readFile(_ file: ExportFile, _ dispatcher: FormatDispatcher) throws(IngestError) -> FileRead {
        let isData = ExportSetLoader.dataExtensions.contains((file.path as NSString).pathExtension.lowercased())
        let head = try readHead(file)
        let content: FileContent?
        do throws(IngestError) {
            content = try readRecognized(file, head: head, isData: isData, dispatcher)
        } catch {
            // A file that is not text and does not claim to be data is someone's picture or notes.
            if !isData, case .notText = error {
                return .skipped(
                    Notice(
                        message: "skipping a file that is not an export",
                        metadata: ["file": "\(file.displayName)", "reason": "\(error.reason)"]))
            }
            throw error
        }
        guard let content else {
            return .skipped(Notice(message: "skipping a file that is not an export", metadata: ["file": "\(file.displayName)"]))
        }
        return .content(content)
    }

    private func readRecognized(_ file: ExportFile, head: [UInt8], isData: Bool, _ dispatcher: FormatDispatcher) throws(IngestError)
        -> FileContent?
    {
        switch Sniffer.guess(head) {
        case .empty:
            if isData { throw .unrecognized(file: file.displayName, reason: "the file is empty") }
            return nil
        case .xml:
            return try dispatcher.readXML(path: file.path, displayName: file.displayName, isData: isData)
        case .json:
            return try dispatcher.readJSON(path: file.path, displayName: file.displayName, isData: isData)
        case .text:
            return try dispatcher.readCSV(path: file.path, displayName: file.displayName, isData: isData)
        }
    }

    private func readHead(_ file: ExportFile) throws(IngestError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw .unreadable(file: file.displayName, reason: "permission denied or not a regular file")
        }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.read(upToCount: 4096) ?? Data())
        } catch {
            throw .unreadable(file: file.displayName, reason: error.localizedDescription)
        }
    }

    // MARK: - Merging

    /// Adds one file's content to the snapshot; must be called in file order.
    /// The file's subscriptions are moved out of `content` as they are inserted.
    private func merge(_ content: inout FileContent, into snapshot: inout Snapshot, notices: inout [Notice]) {
        snapshot.noteTenants(content.tenants)
        for (kind, _) in content.kinds {
            switch kind {
            case .partnerSubscriptions, .customerSubscriptions, .tenantSubscriptions:
                if let view = kind.view { snapshot.declareView(view) }
            case .customerLicenses: if snapshot.licenses == nil { snapshot.licenses = [] }
            case .relationships: if snapshot.relationships == nil { snapshot.relationships = [] }
            case .partnerUsers: if snapshot.partnerUsers == nil { snapshot.partnerUsers = [] }
            case .customers: break
            }
        }
        // The file's own count per kind (a pass over the records would touch each one's storage).
        for (kind, count) in content.kinds {
            if let view = kind.view, count > 0 { snapshot.reserveCapacity(count, in: view) }
        }
        var duplicates: [RecordProblem] = []
        snapshot.insert(moving: &content.subscriptions) { duplicate, tenant in
            let (id, view) = (duplicate.dropped.id, duplicate.dropped.view)
            duplicates.append(
                RecordProblem(
                    kind: .duplicateKey, source: duplicate.dropped.source, column: 1,
                    message: "subscription \(id) appears twice in the \(view) view with different values; "
                        + "kept the record at \(duplicate.kept.source)",
                    tenant: tenant, subscription: id, keptSource: duplicate.kept.source))
        }
        snapshot.problems.append(contentsOf: duplicates)
        // The first file of a kind hands its array over as it is: appending copied each record.
        func take<Record>(_ records: inout [Record], into target: inout [Record]?) {
            guard target != nil else { return }
            if target?.isEmpty == true { swap(&records, &target!) } else { target?.append(contentsOf: records) }
        }
        take(&content.relationships, into: &snapshot.relationships)
        take(&content.licenses, into: &snapshot.licenses)
        take(&content.partnerUsers, into: &snapshot.partnerUsers)
        snapshot.problems.append(contentsOf: content.problems)
        snapshot.invalidSubscriptionIDs.formUnion(content.invalidSubscriptionIDs)
        if let partner = content.exportingPartner { snapshot.exportingPartners.insert(partner) }
        if let exportedAt = content.exportedAt {
            if let known = snapshot.asOf, !known.sameMoment(as: exportedAt) {
                notices.append(
                    Notice(
                        message: "export files disagree on exportedAt; using the later",
                        metadata: ["file": "\(content.file)", "exportedAt": "\(exportedAt)", "earlier": "\(known)"]))
            }
            if snapshot.asOf.map({ ISODate.compare($0, exportedAt) < 0 }) ?? true { snapshot.asOf = exportedAt }
        }
        let sha = content.sha256 ?? (try? sha256Hex(ofFile: content.file, displayName: content.file)) ?? ""
        for (kind, records) in content.kinds.sorted(by: { $0.key < $1.key }) {
            snapshot.inputs.append(InputFile(file: content.file, sha256: sha, kind: kind, format: content.format, records: records))
        }
    }
}

/// A first look at a file's bytes to choose a reader.
enum Sniffer {
    enum Guess { case empty, xml, json, text }

    static func guess(_ head: [UInt8]) -> Guess {
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            return head.isEmpty || bytes.isEmpty ? .empty : .text
        }
        switch first {
        case UInt8(ascii: "<"): return .xml
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
        default: return .text
        }
    }
}

/// The files of several export sets to read, handed out largest first to the cores, their reads kept
/// until their set is complete, and each set's outcome.
private final class LoadWork: @unchecked Sendable {
    struct Outcome {
        var snapshot: Result<Snapshot, IngestError>
        var notices: [ExportSetLoader.Notice]
    }

    // Everything below is read and written under `lock`.
    private let lock = NSLock()
    private var tasks: [(set: Int, file: Int)]
    private var next = 0
    private var reads: [[ExportSetLoader.BudgetedRead?]]
    private var pending: [Int]
    private var settled: [Outcome?]
    /// Each set's record budget, and the records its files read so far (in any order) used of it.
    private let budgets: [Int]
    private var used: [Int]

    init(files: [[ExportSetLoader.ExportFile]], budgets: [Int]) {
        self.budgets = budgets
        used = Array(repeating: 0, count: files.count)
        var sized: [(set: Int, file: Int, size: Int64)] = []
        for (set, list) in files.enumerated() {
            for (file, path) in list.enumerated() {
                let size = (try? FileManager.default.attributesOfItem(atPath: path.path)[.size] as? NSNumber)?.int64Value ?? 0
                sized.append((set, file, size))
            }
        }
        // Largest first: the long reads start at once and the short ones fill in at the end. Ties in
        // set and file order.
        tasks = sized.sorted { ($0.size, -$0.set, -$0.file) > ($1.size, -$1.set, -$1.file) }.map { ($0.set, $0.file) }
        reads = files.map { Array(repeating: nil, count: $0.count) }
        pending = files.map(\.count)
        settled = Array(repeating: nil, count: files.count)
    }

    var taskCount: Int { lock.withLock { tasks.count } }

    /// The next file to read, with the budget its set's files read so far left: the most records it
    /// may hold. Files that finished after it in order may have used some, so a file can be refused
    /// here that in order would not be (the set's merge reads it again); the point is the bound: a set
    /// of many files never holds more than its budget in finished reads, plus the files in flight.
    func nextTask() -> (set: Int, file: Int, budget: Int)? {
        lock.withLock {
            guard next < tasks.count else { return nil }
            defer { next += 1 }
            let (set, file) = tasks[next]
            return (set, file, max(0, budgets[set] - used[set]))
        }
    }

    /// Keeps a file's read; true when it was its set's last.
    func finish(set: Int, file: Int, _ read: ExportSetLoader.BudgetedRead) -> Bool {
        lock.withLock {
            if case .success(.content(let content)) = read.result { used[set] += content.recordsRead }
            reads[set][file] = read
            pending[set] -= 1
            return pending[set] == 0
        }
    }

    /// A complete set's reads (every one present), handed over (not copied: merging moves their records out).
    func takeReads(of set: Int) -> [ExportSetLoader.BudgetedRead?] {
        lock.withLock {
            var taken: [ExportSetLoader.BudgetedRead?] = []
            swap(&taken, &reads[set])
            return taken
        }
    }

    func settle(set: Int, _ outcome: Outcome) {
        lock.withLock { settled[set] = outcome }
    }

    /// Every set's outcome, in set order (nil for a set without files); call after every task is done.
    func outcomes() -> [Outcome?] {
        lock.withLock { settled }
    }
}

extension Result where Success == ExportSetLoader.FileRead, Failure == IngestError {
    /// Whether reading the file with `left` records of budget could end otherwise: it failed (a limit
    /// may come first, or later), it was skipped (a file that does not claim to be data is skipped
    /// for bytes that are not text, which a smaller budget may refuse it before; reading a skipped
    /// file again stops where it did), or its reader counted more records than that (its own count,
    /// which the limit is checked against: a repeated header row counts there and is no record).
    func mayCross(_ left: Int) -> Bool {
        switch self {
        case .failure, .success(.skipped): true
        case .success(.content(let content)): (content.recordsCounted ?? content.recordsRead) > left
        }
    }
}
