/// Holds back the first bytes of a document until its byte order mark and XML declaration are checked.
///
/// With XML_PARSE_IGNORE_ENC libxml2 ignores the declared encoding, which keeps it from converting
/// anything, but it then parses a document declared as, say, UTF-7 as if it were UTF-8 without a word
/// (Debian's 2.9.14). So the declaration is read here: `encoding` must be UTF-8 (`UTF-8` or `UTF8`, any
/// case), else `refusedXML`. A UTF-16 or UTF-32 byte order mark is `notText`, which libxml2 would
/// otherwise honour even with IGNORE_ENC. A UTF-8 byte order mark is fine, and is not passed on.
struct XMLPrologGate {
    /// An XML declaration longer than this is refused rather than buffered.
    static let maxDeclarationBytes = 4096

    /// True once the prolog is checked and bytes flow straight through.
    private(set) var isOpen = false
    private var pending: [UInt8] = []

    /// Takes the next bytes; returns everything held back once the check passed, nil while undecided.
    mutating func take(_ bytes: UnsafeBufferPointer<UInt8>, displayName: String) throws -> [UInt8]? {
        pending.append(contentsOf: bytes)
        return try decide(atEnd: false, displayName: displayName)
    }

    /// At the end of the input: checks what was held back (a short document) and returns it.
    mutating func finish(displayName: String) throws -> [UInt8] {
        try decide(atEnd: true, displayName: displayName) ?? []
    }

    private mutating func decide(atEnd: Bool, displayName: String) throws -> [UInt8]? {
        guard pending.count >= 4 || atEnd else { return nil }
        if let bom = Self.foreignByteOrderMark(pending) {
            throw IngestError.notText(
                file: displayName, line: 1, column: 1,
                reason: "the file starts with a \(bom) byte order mark; coexist reads UTF-8 only")
        }
        let start = pending.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let opening = Array("<?xml".utf8)
        let rest = pending[start...]
        if rest.count <= opening.count, !atEnd, opening.starts(with: rest) {
            return nil  // could still become `<?xml `
        }
        if rest.count > opening.count, rest.starts(with: opening), Self.isSpace(rest[rest.startIndex + opening.count]) {
            let close = Self.firstIndex(of: Array("?>".utf8), in: rest)
            if (close ?? pending.endIndex) - start > Self.maxDeclarationBytes {
                throw IngestError.refusedXML(
                    file: displayName, line: 1, column: 1,
                    reason: "the XML declaration is longer than \(Self.maxDeclarationBytes) bytes")
            }
            guard let close else {
                // Incomplete: wait for more, or let libxml2 report the truncated declaration.
                return atEnd ? release(from: start) : nil
            }
            try Self.checkDeclaration(rest[(rest.startIndex + opening.count)..<close], displayName: displayName)
        }
        return release(from: start)
    }

    /// Opens the gate; what it returns leaves out the UTF-8 byte order mark (`start` is 3 then).
    private mutating func release(from start: Int) -> [UInt8] {
        isOpen = true
        defer { pending = [] }
        return Array(pending[start...])
    }

    /// Reads the pseudo-attributes of `<?xml … ?>` (`body` is what lies between) and checks `encoding`.
    private static func checkDeclaration(_ body: ArraySlice<UInt8>, displayName: String) throws {
        func position(_ index: Int) -> (line: Int, column: Int) {
            var line = 1
            var column = 1 + "<?xml".utf8.count
            for byte in body[..<index] {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            return (line, column)
        }
        func malformed(_ index: Int, _ reason: String) -> IngestError {
            let (line, column) = position(index)
            return .malformedXML(file: displayName, line: line, column: column, reason: "XML declaration: \(reason)")
        }

        var index = body.startIndex
        func skipSpaces() { while index < body.endIndex, isSpace(body[index]) { index += 1 } }
        while true {
            skipSpaces()
            if index == body.endIndex { return }
            let nameStart = index
            while index < body.endIndex, !isSpace(body[index]), body[index] != UInt8(ascii: "=") { index += 1 }
            let name = String(decoding: body[nameStart..<index], as: UTF8.self)
            skipSpaces()
            guard index < body.endIndex, body[index] == UInt8(ascii: "=") else {
                throw malformed(nameStart, "expected '=' after '\(name)'")
            }
            index += 1
            skipSpaces()
            guard index < body.endIndex, body[index] == UInt8(ascii: "\"") || body[index] == UInt8(ascii: "'") else {
                throw malformed(index, "expected a quoted value for '\(name)'")
            }
            let quote = body[index]
            let valueStart = index + 1
            guard let valueEnd = body[valueStart...].firstIndex(of: quote) else {
                throw malformed(index, "unterminated value for '\(name)'")
            }
            index = valueEnd + 1
            if name == "encoding" {
                let value = String(decoding: body[valueStart..<valueEnd], as: UTF8.self)
                guard ["UTF-8", "UTF8"].contains(value.uppercased()) else {
                    let (line, column) = position(valueStart)
                    throw IngestError.refusedXML(
                        file: displayName, line: line, column: column,
                        reason:
                            "encoding \"\(value)\" is not supported; coexist reads UTF-8 only (save the file as UTF-8)")
                }
            }
        }
    }

    /// The name of a UTF-16 or UTF-32 byte order mark at the start of `bytes`, if there is one.
    private static func foreignByteOrderMark(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
            return "UTF-32"
        }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            return "UTF-16"
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        while index <= haystack.endIndex - needle.count {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
