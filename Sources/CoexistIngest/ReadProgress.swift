import Foundation

/// How far the reading of each input file has come: bytes read of the file's size.
///
/// Process-wide, because progress is a concern of the terminal and not of the model: the command layer
/// installs an observer (only when stderr is a terminal) and the byte sources report what they read.
/// Without an observer a source holds no token and reports nothing.
public final class ReadProgress: @unchecked Sendable {
    /// One file being read, or read.
    public struct File: Sendable, Equatable {
        /// The path as given, for people.
        public let path: String
        /// The file's size in bytes when it was opened.
        public let total: Int64
        public var read: Int64
        public var finished: Bool

        public init(path: String, total: Int64, read: Int64 = 0, finished: Bool = false) {
            self.path = path
            self.total = total
            self.read = read
            self.finished = finished
        }
    }

    /// Called with every file opened since installation, at most every `interval` and once at each file's end.
    public typealias Observer = @Sendable ([File]) -> Void

    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed: ReadProgress?

    private let observer: Observer
    private let interval: Duration
    private let clock = ContinuousClock()
    private var files: [File] = []
    private var lastReport: ContinuousClock.Instant?

    private init(observer: @escaping Observer, interval: Duration) {
        self.observer = observer
        self.interval = interval
    }

    /// Reports every file read from now on to `observer`, until ``uninstall()``.
    public static func install(interval: Duration = .milliseconds(200), _ observer: @escaping Observer) {
        lock.withLock { installed = ReadProgress(observer: observer, interval: interval) }
    }

    /// Stops reporting.
    public static func uninstall() {
        lock.withLock { installed = nil }
    }

    /// A token for a file being opened, nil when nobody observes.
    static func opened(path: String, descriptor: Int32) -> Token? {
        lock.withLock {
            guard let progress = installed else { return nil }
            var info = stat()
            let total = fstat(descriptor, &info) == 0 ? Int64(info.st_size) : 0
            progress.files.append(File(path: path, total: total))
            return Token(progress: progress, index: progress.files.count - 1)
        }
    }

    /// One file's reporting handle, held by its byte source.
    struct Token {
        fileprivate let progress: ReadProgress
        fileprivate let index: Int

        /// Notes `count` more bytes read.
        func advance(_ count: Int) { progress.update(index) { $0.read += Int64(count) } }

        /// Notes the end of the file (or that reading stopped).
        func finish() { progress.update(index, force: true) { $0.finished = true } }
    }

    private func update(_ index: Int, force: Bool = false, _ change: (inout File) -> Void) {
        let snapshot: [File]? = ReadProgress.lock.withLock {
            change(&files[index])
            let now = clock.now
            guard force || lastReport.map({ now - $0 >= interval }) ?? true else { return nil }
            lastReport = now
            return files
        }
        if let snapshot { observer(snapshot) }
    }
}
