/// Streaming RFC 4180 reader that works on bytes.
///
/// The file is read in chunks into one reused window; a record's fields are offsets into it, and a
/// `String` is built only when ``CSVRecord/string(at:)`` asks for one. The first record is the header.
///
/// What it accepts: quoted fields with doubled quotes and line breaks inside; records ended by CRLF,
/// LF or a lone CR (CRLF is one line); UTF-8 with or without a byte order mark; `,`, `;` or tab as the
/// delimiter. Lines with no characters at all are skipped. A data record may have more fields than
/// the header only when every extra field is empty (spreadsheets add such trailing columns).
///
/// Everything else stops the reader with one ``IngestError`` naming the file, line and column:
/// `.notText` for UTF-16/UTF-32, invalid UTF-8 or a NUL byte; `.malformedCSV` for an unclosed quote,
/// a stray quote, a character after a closing quote, a short row, a non-empty extra field, or a field
/// or record over ``Limits`` (or more records than it allows). After an error, ``next()`` throws the same error again.
public final class CSVReader {
    /// Upper bounds that keep a hostile file from exhausting memory.
    public struct Limits: Sendable {
        /// Longest field, in bytes of content.
        public var maxFieldBytes: Int = 1 << 20
        /// Most fields in one record, the header included.
        public var maxFields: Int = 10_000
        /// Longest record, in bytes from its start to the end of its last field.
        public var maxRecordBytes: Int = 8 << 20
        /// Most data records (the header not counted).
        public var maxRecords: Int = .max

        /// The limits used when none are given.
        public static let `default` = Limits()

        /// Limits with the given bounds.
        public init(maxFieldBytes: Int = 1 << 20, maxFields: Int = 10_000) {
            self.maxFieldBytes = maxFieldBytes
            self.maxFields = maxFields
        }
    }

    /// The name errors give for the file (usually its path relative to the export set).
    public let displayName: String
    /// Detected from the header record: ',', ';' or '\t' (the one occurring most outside quotes; ties → ',').
    public let delimiter: UInt8
    /// Header fields as strings, UTF-8 BOM stripped, outer white space trimmed, trailing empty names
    /// dropped. Empty for an empty file.
    public let header: [String]

    private let scanner: CSVScanner
    private let source: CSVByteSource

    /// The SHA-256 of the file once it has been read to its end; nil before (and for bytes in memory).
    var sha256: String? { source.sha256 }
    private let maxRecords: Int
    private var records = 0
    /// The records read so far, as the record limit counts them (repeated headers and all).
    public var recordCount: Int { records }

    /// How many records the whole input holds, extrapolated from the bytes the records so far took;
    /// nil where the input's size is not known (a pipe) or nothing was read yet. A capacity hint only.
    public var expectedRecordCount: Int? {
        guard let size = source.size, records > 0 else { return nil }
        let consumed = scanner.bytesConsumed
        guard consumed > 0 else { return nil }
        // No more than the limit lets the file hold: beyond it, it is refused.
        return Int(min(Double(maxRecords), (Double(size) * Double(records) / Double(consumed)).rounded(.up)))
    }
    private var failure: IngestError?
    private var finished = false

    /// Opens a file; reads it in chunks — never the whole file into one String.
    public convenience init(path: String, displayName: String, limits: Limits = .default) throws(IngestError) {
        try self.init(path: path, displayName: displayName, limits: limits, chunkSize: CSVScanner.defaultChunkSize)
    }

    /// Same over bytes in memory (tests, format sniffing).
    public convenience init(bytes: [UInt8], displayName: String, limits: Limits = .default) throws(IngestError) {
        try self.init(bytes: bytes, displayName: displayName, limits: limits, chunkSize: CSVScanner.defaultChunkSize)
    }

    /// A file read `chunkSize` bytes at a time (tests use tiny chunks to exercise every boundary).
    convenience init(path: String, displayName: String, limits: Limits, chunkSize: Int) throws(IngestError) {
        let source = try CSVByteSource(path: path, displayName: displayName)
        try self.init(source: source, displayName: displayName, limits: limits, chunkSize: chunkSize)
    }

    /// Bytes in memory served `chunkSize` bytes at a time.
    convenience init(bytes: [UInt8], displayName: String, limits: Limits, chunkSize: Int) throws(IngestError) {
        let source = CSVByteSource(bytes: bytes, displayName: displayName)
        try self.init(source: source, displayName: displayName, limits: limits, chunkSize: chunkSize)
    }

    private init(source: CSVByteSource, displayName: String, limits: Limits, chunkSize: Int) throws(IngestError) {
        self.source = source
        let scanner = CSVScanner(source: source, displayName: displayName, limits: limits, chunkSize: chunkSize)
        try scanner.prepare()
        var header: [String] = []
        if try scanner.parseRecord() {
            header = (0..<scanner.fieldCount).map { CSVText.trimmed(scanner.string(at: $0)) }
            // Spreadsheets leave empty columns at the right; their data cells must be empty too.
            while header.last?.isEmpty == true {
                header.removeLast()
            }
        }
        self.displayName = displayName
        self.delimiter = scanner.delimiter
        self.header = header
        self.scanner = scanner
        self.maxRecords = limits.maxRecords
    }

    /// The next data record, or nil at the end. Blank lines (no characters at all) are skipped.
    /// The returned record is a view into reused buffers, valid until the next call; it has exactly
    /// `header.count` fields.
    public func next() throws(IngestError) -> CSVRecord? {
        if let failure { throw failure }
        if finished { return nil }
        do throws(IngestError) {
            guard try scanner.parseRecord() else {
                finished = true
                return nil
            }
            try scanner.conform(toColumns: header.count)
            records += 1
            if records > maxRecords {
                throw IngestError.malformedCSV(
                    file: displayName, line: scanner.recordLine, column: 1, reason: IngestLimits.tooManyRecords(left: maxRecords))
            }
        } catch {
            failure = error
            throw error
        }
        return CSVRecord(
            scanner: scanner, generation: scanner.generation, line: scanner.recordLine,
            count: scanner.fieldCount)
    }
}
