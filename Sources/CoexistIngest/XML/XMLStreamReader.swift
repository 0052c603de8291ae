import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads untrusted XML as a stream of events, through libxml2's SAX2 push parser.
///
/// What it refuses (SPEC §2.2), each as ``IngestError/refusedXML(file:line:column:reason:)``: any DOCTYPE
/// (so no DTD, internal or external, and no entity declarations), any entity reference other than the
/// five predefined ones and character references, XInclude elements, an encoding declaration other than
/// UTF-8 (`UTF-8` or `UTF8`, any case), nesting deeper than ``Limits/maxDepth``, and values beyond the
/// other ``Limits``. Bytes that are not UTF-8 (invalid sequences, NUL, a UTF-16 or UTF-32 byte order
/// mark) are ``IngestError/notText(file:line:column:reason:)``; anything libxml2 reports as an error is
/// ``IngestError/malformedXML(file:line:column:reason:)``. Any of these refuses the whole file. Network
/// access and external entities are off in libxml2 as well, and a process-wide entity loader refuses
/// every external resource.
public enum XMLStreamReader {
    /// Resource limits for one document; exceeding any of them is a `refusedXML` error.
    public struct Limits: Sendable {
        /// The deepest element nesting accepted (the root element is depth 1).
        public var maxDepth = 64
        /// The longest attribute value accepted, in UTF-8 bytes after decoding.
        public var maxAttributeBytes = 64 * 1024
        /// The longest run of text between two tags accepted, in UTF-8 bytes after decoding.
        public var maxTextBytes = 1 << 20
        /// The most attributes (namespace declarations included) one start tag may carry.
        ///
        /// libxml2 2.9 checks attribute names for duplicates pairwise, so a single tag with 300,000
        /// attributes costs it half a minute of CPU; this limit is checked before libxml2 sees the tag.
        public var maxAttributesPerElement = 256
        /// The limits coexist uses unless told otherwise.
        public static let `default` = Limits()

        /// Limits with the default values; change the properties you need.
        public init() {}
    }

    /// How many bytes are read from a file and handed to libxml2 at a time.
    static let defaultChunkSize = 256 * 1024

    /// Streams the file through libxml2's SAX2 push parser in chunks (e.g. 256 KiB); the whole file is never in memory.
    public static func parse(
        path: String, displayName: String, limits: Limits = .default, handler: some XMLEventHandler
    ) throws {
        try parse(path: path, displayName: displayName, limits: limits, chunkSize: defaultChunkSize, handler: handler)
    }

    /// Same over bytes (tests, sniffing).
    public static func parse(
        bytes: [UInt8], displayName: String, limits: Limits = .default, handler: some XMLEventHandler
    ) throws {
        try parse(bytes: bytes, displayName: displayName, limits: limits, chunkSize: defaultChunkSize, handler: handler)
    }

    /// ``parse(path:displayName:limits:handler:)`` with the chunk size chosen by the caller (tests use tiny ones).
    static func parse(
        path: String, displayName: String, limits: Limits, chunkSize: Int, handler: some XMLEventHandler
    ) throws {
        _ = try parseAndHash(path: path, displayName: displayName, limits: limits, chunkSize: chunkSize, handler: handler)
    }

    /// ``parse(path:displayName:limits:handler:)`` that also returns the file's SHA-256 (lower-case hex):
    /// the chunks are hashed as they pass, which spares the loader reading the file a second time.
    static func parseAndHash(
        path: String, displayName: String, limits: Limits, chunkSize: Int = defaultChunkSize, handler: some XMLEventHandler
    ) throws -> String {
        precondition(chunkSize > 0, "chunk size must be positive")
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw IngestError.unreadable(file: displayName, reason: systemErrorMessage(errno))
        }
        let progress = ReadProgress.opened(path: path, descriptor: descriptor)
        defer {
            close(descriptor)
            progress?.finish()
        }

        let session = try XMLPushSession(displayName: displayName, limits: limits, handler: handler)
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw IngestError.unreadable(file: displayName, reason: systemErrorMessage(errno))
            }
            if count == 0 { break }
            progress?.advance(count)
            try buffer.withUnsafeBufferPointer { all in
                let chunk = UnsafeBufferPointer(rebasing: all[..<count])
                hasher.update(bufferPointer: UnsafeRawBufferPointer(chunk))
                try session.feed(chunk)
            }
        }
        try session.finish()
        return hexDigest(hasher.finalize())
    }

    /// ``parse(bytes:displayName:limits:handler:)`` with the chunk size chosen by the caller (tests use tiny ones).
    static func parse(
        bytes: [UInt8], displayName: String, limits: Limits, chunkSize: Int, handler: some XMLEventHandler
    ) throws {
        precondition(chunkSize > 0, "chunk size must be positive")
        let session = try XMLPushSession(displayName: displayName, limits: limits, handler: handler)
        try bytes.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(start + chunkSize, all.count)
                try session.feed(UnsafeBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
        try session.finish()
    }

    private static func systemErrorMessage(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "error \(code)" }
        return String(cString: message)
    }
}
