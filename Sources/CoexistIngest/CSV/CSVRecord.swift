/// One data record of a ``CSVReader``: a view into the reader's buffers, valid until its next call.
///
/// Using a record after that call, or an index outside `0..<count`, is a programming error and traps.
public struct CSVRecord {
    private let scanner: CSVScanner
    private let generation: Int
    /// 1-based physical line where the record starts.
    public let line: Int
    /// Number of fields: always the header's column count.
    public let count: Int

    init(scanner: CSVScanner, generation: Int, line: Int, count: Int) {
        self.scanner = scanner
        self.generation = generation
        self.line = line
        self.count = count
    }

    @inline(__always)
    private func span(_ index: Int) -> CSVFieldSpan {
        precondition(scanner.generation == generation, "CSVRecord used after the next call to CSVReader.next()")
        precondition(index >= 0 && index < count, "CSVRecord field index \(index) is outside 0..<\(count)")
        return scanner.fields[index]
    }

    /// The field decoded as UTF-8 (quotes removed, `""` → `"`), not trimmed.
    public func string(at index: Int) -> String {
        let span = span(index)
        let bytes = UnsafeBufferPointer(start: scanner.recordBytes + span.start, count: span.end - span.start)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the field has no characters (`a,,b` and `a,"",b` both have an empty second field).
    public func isEmpty(at index: Int) -> Bool {
        let span = span(index)
        return span.end == span.start
    }

    /// The field's bytes (valid UTF-8, quotes already removed) without copying; only valid inside `body`.
    public func withBytes<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let span = span(index)
        return try body(UnsafeBufferPointer(start: scanner.recordBytes + span.start, count: span.end - span.start))
    }

    /// Physical line where the field starts (quoted line breaks in earlier fields shift it).
    public func line(at index: Int) -> Int {
        span(index).line
    }

    /// 1-based character (not byte) column in that line where the field starts (at its opening quote
    /// when quoted).
    public func column(at index: Int) -> Int {
        span(index).column
    }
}
