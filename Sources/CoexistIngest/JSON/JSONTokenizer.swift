/// A streaming, byte-level JSON tokenizer (RFC 8259): the file is read in chunks into one buffer and
/// tokens are handed out one at a time, so memory stays bounded however large the document is.
///
/// The grammar is enforced as tokens are read (commas, colons, nesting), so ``next()`` never returns a
/// token sequence that is not JSON. Everything that is not JSON stops the tokenizer with
/// ``IngestError/malformedJSON(file:line:column:reason:)`` (or `.notText` for UTF-16/UTF-32, invalid
/// UTF-8 and NUL bytes) naming the line and character column.
final class JSONTokenizer {
    /// One token. Object keys come as ``key(_:)``, never as ``string(_:)``.
    enum Token: Equatable {
        case beginObject, endObject, beginArray, endArray
        case key(String)
        case string(String)
        /// The number's text exactly as written (`25`, `12.50`, `-1`, `1e3`).
        case number(String)
        case bool(Bool)
        case null
    }

    /// Bounds that keep a hostile document from exhausting memory.
    struct Limits {
        /// Longest string (or number), in bytes of content.
        var maxStringBytes = 1 << 20
        /// Deepest nesting of objects and arrays.
        var maxDepth = 64
    }

    let displayName: String
    let limits: Limits
    /// Line and column (1-based, in characters) where the last token returned starts.
    private(set) var tokenLine = 1
    private(set) var tokenColumn = 1
    /// Nesting depth after the last token (0 at the top level).
    var depth: Int { stack.count }

    private let source: CSVByteSource
    private let chunkSize: Int
    // The window and cursor are internal (not private) for the string scanner in JSONTokenizer+String.swift.
    var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    var position = 0
    var end = 0
    private var atEndOfInput = false
    var line = 1
    /// Offset in `buffer` that would be column 1 of the current line (adjusted for multi-byte characters
    /// and for bytes dropped by compaction), so the column of offset `i` is `i - lineStart + 1`.
    var lineStart = 0
    private var started = false
    private var stack: [Bool] = []  // true: object, false: array
    private var state = State.value
    var scratch: [UInt8] = []

    private enum State {
        case value, valueOrEndArray, keyOrEndObject, key, colon, commaOrEnd, done
    }

    init(source: CSVByteSource, displayName: String, limits: Limits = Limits(), chunkSize: Int = 1 << 20) {
        self.source = source
        self.displayName = displayName
        self.limits = limits
        self.chunkSize = max(4, chunkSize)
        capacity = self.chunkSize
        buffer = .allocate(capacity: capacity)
    }

    /// Opens a file.
    convenience init(path: String, displayName: String, limits: Limits = Limits(), chunkSize: Int = 1 << 20) throws(IngestError) {
        self.init(
            source: try CSVByteSource(path: path, displayName: displayName), displayName: displayName, limits: limits, chunkSize: chunkSize)
    }

    /// Bytes in memory (tests).
    convenience init(bytes: [UInt8], displayName: String, limits: Limits = Limits(), chunkSize: Int = 1 << 20) {
        self.init(
            source: CSVByteSource(bytes: bytes, displayName: displayName), displayName: displayName, limits: limits, chunkSize: chunkSize)
    }

    deinit { buffer.deallocate() }

    /// The next token; nil after the one top-level value has ended (and only white space follows).
    func next() throws(IngestError) -> Token? {
        if !started { try start() }
        while true {
            guard try skipWhitespace() else {
                if state == .done { return nil }
                throw malformed(line, column(of: position), "the document ends before its value is complete")
            }
            tokenLine = line
            tokenColumn = column(of: position)
            let byte = buffer[position]
            switch state {
            case .done:
                throw malformed(tokenLine, tokenColumn, "text after the end of the JSON document: \(describeCurrent())")
            case .colon:
                guard byte == UInt8(ascii: ":") else { throw expected("':' after the key") }
                position += 1
                state = .value
            case .commaOrEnd:
                let inObject = stack.last ?? false
                if byte == UInt8(ascii: ",") {
                    position += 1
                    state = inObject ? .key : .value
                } else if byte == UInt8(ascii: "}") && inObject {
                    return close(.endObject)
                } else if byte == UInt8(ascii: "]") && !inObject {
                    return close(.endArray)
                } else {
                    throw expected(inObject ? "',' or '}'" : "',' or ']'")
                }
            case .keyOrEndObject, .key:
                if byte == UInt8(ascii: "}") && state == .keyOrEndObject { return close(.endObject) }
                guard byte == UInt8(ascii: "\"") else { throw expected("a key in double quotes") }
                let key = try readString()
                state = .colon
                return .key(key)
            case .value, .valueOrEndArray:
                if byte == UInt8(ascii: "]") && state == .valueOrEndArray { return close(.endArray) }
                return try readValueStart(byte)
            }
        }
    }

    // MARK: - Values

    private func readValueStart(_ byte: UInt8) throws(IngestError) -> Token {
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard stack.count < limits.maxDepth else {
                throw malformed(tokenLine, tokenColumn, "nesting deeper than \(limits.maxDepth) levels (limit maxJSONDepth)")
            }
            position += 1
            let isObject = byte == UInt8(ascii: "{")
            stack.append(isObject)
            state = isObject ? .keyOrEndObject : .valueOrEndArray
            return isObject ? .beginObject : .beginArray
        case UInt8(ascii: "\""):
            let text = try readString()
            afterValue()
            return .string(text)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let text = try readNumber()
            afterValue()
            return .number(text)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            throw expected("a value")
        }
    }

    private func close(_ token: Token) -> Token {
        position += 1
        stack.removeLast()
        afterValue()
        return token
    }

    private func afterValue() {
        state = stack.isEmpty ? .done : .commaOrEnd
    }

    private func literal(_ word: String) throws(IngestError) {
        let utf8 = Array(word.utf8)
        let count = utf8.count
        try ensure(count)
        let matches = end - position >= count && (0..<count).allSatisfy { buffer[position + $0] == utf8[$0] }
        guard matches else { throw expected("a value") }
        position += count
        afterValue()
    }

    /// Reads the longest run of number characters, then checks it against RFC 8259's grammar.
    private func readNumber() throws(IngestError) -> String {
        scratch.removeAll(keepingCapacity: true)
        while true {
            if position == end { guard try fill() else { break } }
            let byte = buffer[position]
            let isNumberByte =
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E")
            guard isNumberByte else { break }
            guard scratch.count < limits.maxStringBytes else {
                throw malformed(tokenLine, tokenColumn, "a number longer than \(limits.maxStringBytes) bytes (limit maxJSONStringBytes)")
            }
            scratch.append(byte)
            position += 1
        }
        let text = String(decoding: scratch, as: UTF8.self)
        guard JSONTokenizer.isNumber(scratch) else {
            throw malformed(tokenLine, tokenColumn, "invalid number \(quoted(text))")
        }
        return text
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    static func isNumber(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }

    // MARK: - Errors

    func malformed(_ line: Int, _ column: Int, _ reason: String) -> IngestError {
        .malformedJSON(file: displayName, line: line, column: column, reason: reason)
    }

    private func expected(_ what: String) -> IngestError {
        let found = describeCurrent()
        return malformed(line, column(of: position), "expected \(what), found \(found)")
    }

    /// The character at `position`, whole even when the window ends inside it (found by FuzzJSON: the
    /// message named "byte 0xDE" or "U+07AC" depending on where the chunk ended). Filling may move the
    /// window, so `position` and the column are read only afterwards.
    private func describeCurrent() -> String {
        _ = try? ensure(4)
        return CSVText.describeCharacter(at: buffer + position, available: end - position)
    }

    // MARK: - Buffer

    /// The character column of buffer offset `offset` on the current line.
    @inline(__always)
    func column(of offset: Int) -> Int { offset - lineStart + 1 }

    /// Checks the byte order mark.
    private func start() throws(IngestError) {
        started = true
        _ = try ensure(4)
        switch CSVText.ByteOrderMark.detect(UnsafeBufferPointer(start: buffer + position, count: end - position)) {
        case .refused(let reason):
            throw .notText(file: displayName, line: 1, column: 1, reason: reason)
        case .utf8:
            position += 3
            lineStart = 3
        case .none:
            break
        }
    }

    /// Skips white space; false at the end of the input.
    private func skipWhitespace() throws(IngestError) -> Bool {
        while true {
            if position == end { guard try fill() else { return false } }
            switch buffer[position] {
            case 0x20, 0x09:
                position += 1
            case 0x0A:
                position += 1
                line += 1
                lineStart = position
            case 0x0D:
                position += 1
                if position == end { _ = try fill() }
                if position < end && buffer[position] == 0x0A { position += 1 }
                line += 1
                lineStart = position
            case 0:
                throw .notText(
                    file: displayName, line: line, column: column(of: position),
                    reason: "a NUL byte (a binary file, or UTF-16 text without a byte order mark?)")
            default:
                return true
            }
        }
    }

    /// Makes at least `count` bytes available from `position` unless the input ends first.
    @discardableResult
    func ensure(_ count: Int) throws(IngestError) -> Bool {
        while end - position < count {
            guard try fill() else { return false }
        }
        return true
    }

    /// Reads more input, moving the unread bytes to the front; false at the end of the input.
    func fill() throws(IngestError) -> Bool {
        if atEndOfInput { return false }
        if position > 0 {
            let unread = end - position
            if unread > 0 { UnsafeMutableRawPointer(buffer).copyMemory(from: buffer + position, byteCount: unread) }
            lineStart -= position
            end = unread
            position = 0
        }
        if capacity - end < chunkSize / 2 {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
        let count = try source.read(into: buffer + end, max: capacity - end)
        if count == 0 {
            atEndOfInput = true
            return false
        }
        end += count
        return true
    }
}
