#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where one field of the current record lies: content bytes relative to the record's first byte
/// (quotes removed, `""` already folded to `"`), and where the field starts in the file.
struct CSVFieldSpan {
    var start: Int
    var end: Int
    var line: Int
    var column: Int
}

/// The byte engine behind ``CSVReader``: a sliding window over the input in which each record is
/// scanned in place, its fields stored as offsets into the window.
///
/// Every position inside a record is kept relative to `recordStart`, because refilling the window
/// moves the record to the front of the buffer (and may reallocate it). Columns are counted in
/// characters: `columnBase` grows by the continuation bytes of every multi-byte character, so the
/// column of offset `i` is `i - columnBase` without re-reading the line.
final class CSVScanner {
    static let defaultChunkSize = 1 << 20

    let displayName: String
    let limits: CSVReader.Limits
    private let source: CSVByteSource
    private let chunkSize: Int

    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Valid bytes in `buffer`.
    private var end = 0
    private var atEndOfInput = false
    /// Offset in `buffer` of the current record's first byte.
    private var recordStart = 0
    /// Offset in `buffer` where the next record (or blank line) begins.
    private var nextStart = 0
    /// The physical line at `nextStart`, while between records.
    private var line = 1

    private(set) var delimiter = CSVByte.comma
    /// Per byte value: `stopsUnquoted` / `stopsQuoted` when the fast loops must look at it.
    private let classes: UnsafeMutablePointer<UInt8>

    private(set) var fields: UnsafeMutablePointer<CSVFieldSpan>
    private var fieldCapacity = 64
    private(set) var fieldCount = 0
    private(set) var recordLine = 0
    /// Bumped on every parse, so a stale ``CSVRecord`` can tell it no longer matches the buffers.
    private(set) var generation = 0
    /// Where the last record ended: its line terminator, or the end of the input.
    private var endLine = 0
    private var endColumn = 0

    init(source: CSVByteSource, displayName: String, limits: CSVReader.Limits, chunkSize: Int) {
        self.source = source
        self.displayName = displayName
        self.limits = limits
        self.chunkSize = max(1, chunkSize)
        capacity = self.chunkSize
        buffer = .allocate(capacity: capacity)
        classes = .allocate(capacity: 256)
        classes.initialize(repeating: 0, count: 256)
        fields = .allocate(capacity: fieldCapacity)
    }

    deinit {
        buffer.deallocate()
        classes.deallocate()
        fields.deallocate()
    }

    /// The input's bytes up to where the next record starts.
    var bytesConsumed: Int { source.bytesRead - (end - nextStart) }

    /// First byte of the current record; the base of every `CSVFieldSpan` offset.
    var recordBytes: UnsafePointer<UInt8> { UnsafePointer(buffer + recordStart) }

    /// The field at `index` of the current record, decoded (its bytes are valid UTF-8).
    func string(at index: Int) -> String {
        let span = fields[index]
        return String(
            decoding: UnsafeBufferPointer(start: recordBytes + span.start, count: span.end - span.start), as: UTF8.self)
    }

    // MARK: - Start of input

    /// Checks the byte order mark and detects the delimiter from the header record.
    func prepare() throws(IngestError) {
        while end < 4, try fill() {}
        switch CSVText.ByteOrderMark.detect(UnsafeBufferPointer(start: buffer, count: end)) {
        case .refused(let reason):
            throw .notText(file: displayName, line: 1, column: 1, reason: reason)
        case .utf8:
            nextStart = 3
        case .none:
            break
        }
        delimiter = try detectDelimiter()
        for byte in [delimiter, CSVByte.lineFeed, CSVByte.carriageReturn, CSVByte.quote, 0] {
            classes[Int(byte)] |= CSVByte.stopsUnquoted
        }
        for byte in [CSVByte.lineFeed, CSVByte.carriageReturn, CSVByte.quote, 0] {
            classes[Int(byte)] |= CSVByte.stopsQuoted
        }
        for byte in 0x80...0xFF {
            classes[byte] |= CSVByte.stopsUnquoted | CSVByte.stopsQuoted
        }
    }

    /// How far into the header record delimiters are counted; enough for any real header.
    private static let delimiterScanLimit = 1 << 20

    /// The delimiter occurring most often outside quotes in the first record (after blank lines, which
    /// it skips and counts); a tie, or none at all, gives a comma. Consumes nothing else.
    private func detectDelimiter() throws(IngestError) -> UInt8 {
        recordStart = nextStart
        defer { nextStart = recordStart }
        guard try skipBlankLines() else { return CSVByte.comma }
        var counts = (comma: 0, semicolon: 0, tab: 0)
        var inQuotes = false
        var offset = 0
        while offset < Self.delimiterScanLimit {
            if recordStart + offset == end {
                guard try fill() else { break }
            }
            let byte = buffer[recordStart + offset]
            offset += 1
            if byte == CSVByte.quote {
                inQuotes.toggle()
            } else if inQuotes {
                continue
            } else if byte == CSVByte.lineFeed || byte == CSVByte.carriageReturn {
                break
            } else if byte == CSVByte.comma {
                counts.comma += 1
            } else if byte == CSVByte.semicolon {
                counts.semicolon += 1
            } else if byte == CSVByte.tab {
                counts.tab += 1
            }
        }
        if counts.semicolon > counts.comma && counts.semicolon > counts.tab { return CSVByte.semicolon }
        if counts.tab > counts.comma && counts.tab > counts.semicolon { return CSVByte.tab }
        return CSVByte.comma
    }

    // MARK: - Records

    /// Parses the next record into `fields`, skipping blank lines before it; false at the end of input.
    func parseRecord() throws(IngestError) -> Bool {
        generation &+= 1
        fieldCount = 0
        recordStart = nextStart
        guard try skipBlankLines() else { return false }
        recordLine = line

        var bytes = buffer + recordStart
        var available = end - recordStart
        var i = 0
        var columnBase = -1
        let classes = self.classes
        let delimiter = self.delimiter
        let delimiterWord = CSVByte.broadcast(delimiter)
        let maxFieldBytes = limits.maxFieldBytes

        fieldLoop: while true {
            let fieldStart = i
            let fieldLine = line
            let fieldColumn = i - columnBase
            if i == available {
                if try !refill(&bytes, &available) {
                    // The input ends right after a delimiter: one more, empty, field.
                    try append(CSVFieldSpan(start: i, end: i, line: fieldLine, column: fieldColumn))
                    (endLine, endColumn) = (line, i - columnBase)
                    break fieldLoop
                }
            }
            let terminator: UInt8
            if bytes[i] == CSVByte.quote {
                i += 1
                let contentStart = i
                var hasDoubledQuote = false
                quoted: while true {
                    i = CSVByte.skipQuotedContent(bytes, from: i, to: available, classes: classes)
                    if i == available {
                        // A doubled quote takes two bytes for one: only half the raw length is sure content.
                        if (hasDoubledQuote ? (i - contentStart) / 2 : i - contentStart) > maxFieldBytes {
                            throw fieldTooLong(line: fieldLine, column: fieldColumn, quoted: true)
                        }
                        guard try refill(&bytes, &available) else {
                            throw malformed(fieldLine, fieldColumn, "the quoted field that starts here is never closed")
                        }
                        continue quoted
                    }
                    let byte = bytes[i]
                    if byte == CSVByte.quote {
                        if i + 1 == available { _ = try refill(&bytes, &available) }
                        if i + 1 < available && bytes[i + 1] == CSVByte.quote {
                            hasDoubledQuote = true
                            i += 2
                            continue quoted
                        }
                        let contentEnd =
                            hasDoubledQuote ? CSVByte.foldDoubledQuotes(bytes, from: contentStart, to: i) : i
                        if contentEnd - contentStart > maxFieldBytes {
                            throw fieldTooLong(line: fieldLine, column: fieldColumn, quoted: true)
                        }
                        try append(
                            CSVFieldSpan(start: contentStart, end: contentEnd, line: fieldLine, column: fieldColumn))
                        i += 1
                        if i == available { _ = try refill(&bytes, &available) }
                        if i == available {
                            (endLine, endColumn) = (line, i - columnBase)
                            break fieldLoop
                        }
                        let next = bytes[i]
                        if next == delimiter {
                            i += 1
                            continue fieldLoop
                        }
                        guard next == CSVByte.lineFeed || next == CSVByte.carriageReturn else {
                            // Bad text outranks bad structure, so each byte problem has one answer.
                            if next == 0 { throw nulByte(line, i - columnBase) }
                            if next >= 0x80 {
                                while available - i < 4, try refill(&bytes, &available) {}
                                if CSVText.sequenceLength(bytes + i, available: available - i) == 0 {
                                    throw invalidUTF8(next, line, i - columnBase)
                                }
                            }
                            let what = CSVText.describeCharacter(at: bytes + i, available: available - i)
                            throw malformed(
                                line, i - columnBase,
                                "\(what) after a closing quote; expected the delimiter or the end of the line")
                        }
                        terminator = next
                        break quoted
                    } else if byte == CSVByte.lineFeed || byte == CSVByte.carriageReturn {
                        line += 1
                        i += 1
                        if byte == CSVByte.carriageReturn {
                            if i == available { _ = try refill(&bytes, &available) }
                            if i < available && bytes[i] == CSVByte.lineFeed { i += 1 }
                        }
                        columnBase = i - 1
                    } else if byte == 0 {
                        throw nulByte(line, i - columnBase)
                    } else {
                        while available - i < 4, try refill(&bytes, &available) {}
                        let length = CSVText.sequenceLength(bytes + i, available: available - i)
                        guard length > 0 else { throw invalidUTF8(bytes[i], line, i - columnBase) }
                        columnBase += length - 1
                        i += length
                    }
                }
            } else {
                unquoted: while true {
                    i = CSVByte.skipUnquotedContent(
                        bytes, from: i, to: available, delimiter: delimiterWord, classes: classes)
                    if i - fieldStart > maxFieldBytes {
                        throw fieldTooLong(line: fieldLine, column: fieldColumn, quoted: false)
                    }
                    if i == available {
                        if try refill(&bytes, &available) {
                            continue unquoted
                        }
                        try append(CSVFieldSpan(start: fieldStart, end: i, line: fieldLine, column: fieldColumn))
                        (endLine, endColumn) = (line, i - columnBase)
                        break fieldLoop
                    }
                    let byte = bytes[i]
                    if byte == delimiter {
                        try append(CSVFieldSpan(start: fieldStart, end: i, line: fieldLine, column: fieldColumn))
                        i += 1
                        continue fieldLoop
                    } else if byte == CSVByte.lineFeed || byte == CSVByte.carriageReturn {
                        try append(CSVFieldSpan(start: fieldStart, end: i, line: fieldLine, column: fieldColumn))
                        terminator = byte
                        break unquoted
                    } else if byte == CSVByte.quote {
                        throw malformed(
                            line, i - columnBase,
                            "a quote inside an unquoted field; quote the whole field and double the quote (\"\")")
                    } else if byte == 0 {
                        throw nulByte(line, i - columnBase)
                    } else {
                        while available - i < 4, try refill(&bytes, &available) {}
                        let length = CSVText.sequenceLength(bytes + i, available: available - i)
                        guard length > 0 else { throw invalidUTF8(bytes[i], line, i - columnBase) }
                        columnBase += length - 1
                        i += length
                    }
                }
            }
            // The record ends at a line terminator (CRLF counts as one).
            (endLine, endColumn) = (line, i - columnBase)
            line += 1
            i += 1
            if terminator == CSVByte.carriageReturn {
                if i == available { _ = try refill(&bytes, &available) }
                if i < available && bytes[i] == CSVByte.lineFeed { i += 1 }
            }
            break fieldLoop
        }
        nextStart = recordStart + i
        return true
    }

    /// Moves `recordStart` past empty lines; false when only blank lines were left.
    private func skipBlankLines() throws(IngestError) -> Bool {
        while true {
            if recordStart == end {
                guard try fill() else {
                    nextStart = recordStart
                    return false
                }
            }
            let byte = buffer[recordStart]
            guard byte == CSVByte.lineFeed || byte == CSVByte.carriageReturn else { return true }
            line += 1
            recordStart += 1
            if byte == CSVByte.carriageReturn {
                if recordStart == end { _ = try fill() }
                if recordStart < end && buffer[recordStart] == CSVByte.lineFeed { recordStart += 1 }
            }
        }
    }

    /// Checks the current record against a header of `columns` names: fewer fields is an error, more
    /// is accepted only when every extra field is empty. Afterwards the record has `columns` fields.
    func conform(toColumns columns: Int) throws(IngestError) {
        if fieldCount < columns {
            throw malformed(endLine, endColumn, "row has \(Self.countedFields(fieldCount)), the header has \(columns)")
        }
        for index in columns..<fieldCount where fields[index].end > fields[index].start {
            let span = fields[index]
            throw malformed(
                span.line, span.column,
                "row has \(Self.countedFields(fieldCount)), the header has \(columns); extra field \(index + 1) is not empty"
            )
        }
        fieldCount = columns
    }

    // MARK: - Buffers

    @inline(__always)
    private func append(_ span: CSVFieldSpan) throws(IngestError) {
        if fieldCount == fieldCapacity || fieldCount >= limits.maxFields || span.end > limits.maxRecordBytes {
            try growFields(for: span)
        }
        (fields + fieldCount).initialize(to: span)
        fieldCount += 1
    }

    private func growFields(for span: CSVFieldSpan) throws(IngestError) {
        // Checked here, off the common path: a record's fields are offsets from its start, so the
        // record grows past the limit with the field that ends beyond it.
        guard span.end <= limits.maxRecordBytes else {
            throw malformed(span.line, span.column, "record is longer than \(limits.maxRecordBytes) bytes (limit maxRecordBytes)")
        }
        guard fieldCount < limits.maxFields else {
            throw malformed(span.line, span.column, "record has more than \(limits.maxFields) fields (limit maxFields)")
        }
        guard fieldCount == fieldCapacity else { return }
        let grown = UnsafeMutablePointer<CSVFieldSpan>.allocate(capacity: fieldCapacity * 2)
        grown.moveInitialize(from: fields, count: fieldCount)
        fields.deallocate()
        fields = grown
        fieldCapacity *= 2
    }

    /// `fill()`, then re-derives the record's base pointer and byte count, which any call may change
    /// (even one that finds the end of the input, as it may already have moved or grown the buffer).
    @inline(__always)
    private func refill(_ bytes: inout UnsafeMutablePointer<UInt8>, _ available: inout Int) throws(IngestError) -> Bool {
        let more = try fill()
        bytes = buffer + recordStart
        available = end - recordStart
        return more
    }

    /// Reads more input after `end`, first moving the current record to the front of the buffer
    /// (growing it when the record fills it). Offsets relative to `recordStart` stay valid, pointers
    /// do not. False at the end of the input.
    private func fill() throws(IngestError) -> Bool {
        if atEndOfInput { return false }
        if recordStart > 0 {
            let kept = end - recordStart
            if kept > 0 { memmove(buffer, buffer + recordStart, kept) }
            end = kept
            recordStart = 0
        }
        if end == capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
        let count = try source.read(into: buffer + end, max: min(capacity - end, chunkSize))
        if count == 0 {
            atEndOfInput = true
            return false
        }
        end += count
        return true
    }
}
