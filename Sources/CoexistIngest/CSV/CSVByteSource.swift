import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the CSV scanner gets its bytes: an open file read with `read(2)`, or an array in memory.
///
/// Both hand out at most `max` bytes per call, so the scanner sees the same chunk boundaries for a
/// file and for bytes in memory; tests use a tiny chunk size to put every boundary everywhere.
final class CSVByteSource {
    private enum Origin {
        case file(descriptor: Int32)
        case memory(bytes: [UInt8], offset: Int)
        case exhausted
    }

    private var origin: Origin
    private let displayName: String
    /// Where bytes read from a file are reported, when a terminal shows progress.
    private var progress: ReadProgress.Token?
    /// The SHA-256 of a file's bytes so far: the report lists each input's digest, and hashing the
    /// chunks as they pass spares reading the file a second time.
    private var hasher: SHA256?
    /// The file's SHA-256 (lower-case hex) once its last byte was read; nil before, and for memory.
    private(set) var sha256: String?
    /// The input's size in bytes when known up front (a regular file, bytes in memory).
    let size: Int?
    /// The bytes handed out so far.
    private(set) var bytesRead = 0

    /// Opens `path` for reading; a missing file, a directory or a permission problem is `.unreadable`.
    init(path: String, displayName: String) throws(IngestError) {
        self.displayName = displayName
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .unreadable(file: displayName, reason: Self.describeErrno(errno))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw .unreadable(file: displayName, reason: Self.describeErrno(code))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw .unreadable(file: displayName, reason: "it is a directory")
        }
        origin = .file(descriptor: descriptor)
        size = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
        progress = ReadProgress.opened(path: path, descriptor: descriptor)
        hasher = SHA256()
    }

    /// Serves `bytes` from memory.
    init(bytes: [UInt8], displayName: String) {
        self.displayName = displayName
        origin = .memory(bytes: bytes, offset: 0)
        size = bytes.count
    }

    deinit {
        if case .file(let descriptor) = origin {
            close(descriptor)
        }
        progress?.finish()
    }

    /// Copies up to `max` (> 0) bytes to `destination`; returns 0 only at the end of the input.
    func read(into destination: UnsafeMutablePointer<UInt8>, max: Int) throws(IngestError) -> Int {
        switch origin {
        case .exhausted:
            return 0
        case .memory(let bytes, let offset):
            let count = Swift.min(max, bytes.count - offset)
            if count <= 0 {
                origin = .exhausted
                return 0
            }
            bytes.withUnsafeBufferPointer { source in
                // Non-nil: count > 0 means the array is not empty.
                destination.update(from: source.baseAddress! + offset, count: count)
            }
            origin = .memory(bytes: bytes, offset: offset + count)
            bytesRead += count
            return count
        case .file(let descriptor):
            while true {
                let count = systemRead(descriptor, destination, max)
                if count > 0 {
                    bytesRead += count
                    progress?.advance(count)
                    hasher?.update(bufferPointer: UnsafeRawBufferPointer(start: destination, count: count))
                    return count
                }
                if count == 0 {
                    close(descriptor)
                    origin = .exhausted
                    sha256 = hasher.map { hexDigest($0.finalize()) }
                    progress?.finish()
                    progress = nil
                    return 0
                }
                let code = errno
                if code == EINTR {
                    continue
                }
                close(descriptor)
                origin = .exhausted
                throw .unreadable(file: displayName, reason: Self.describeErrno(code))
            }
        }
    }

    private static func describeErrno(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// `read(2)`, named apart from `CSVByteSource.read(into:max:)` so the call inside it is unambiguous.
@inline(__always)
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
