/// Strings: escapes, surrogate pairs and UTF-8 checks, copying runs of plain bytes at once.
extension JSONTokenizer {
    /// Reads the string whose opening quote is at `position`; returns its decoded text.
    func readString() throws(IngestError) -> String {
        let startLine = line
        let startColumn = column(of: position)
        position += 1
        scratch.removeAll(keepingCapacity: true)
        while true {
            if position == end {
                guard try fill() else { throw malformed(startLine, startColumn, "the string that starts here is never closed") }
            }
            var run = position
            while run < end {
                let byte = buffer[run]
                if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                run += 1
            }
            if run > position {
                scratch.append(contentsOf: UnsafeBufferPointer(start: buffer + position, count: run - position))
                position = run
                try checkLength(startLine, startColumn)
                continue
            }
            let byte = buffer[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try readEscape()
            case 0:
                throw .notText(
                    file: displayName, line: line, column: column(of: position),
                    reason: "a NUL byte (a binary file, or UTF-16 text without a byte order mark?)")
            case 0x0A, 0x0D:
                throw malformed(line, column(of: position), "a line break inside a string (is its closing quote missing?)")
            case ..<0x20:
                throw malformed(line, column(of: position), "a control character inside a string must be escaped")
            default:
                try ensure(4)
                let length = CSVText.sequenceLength(buffer + position, available: end - position)
                guard length > 0 else {
                    throw .notText(
                        file: displayName, line: line, column: column(of: position),
                        reason: "invalid UTF-8 at byte 0x\(CSVText.hex(UInt32(byte), digits: 2)); save the file as UTF-8")
                }
                scratch.append(contentsOf: UnsafeBufferPointer(start: buffer + position, count: length))
                position += length
                // One character, `length` bytes: keep columns counting characters.
                lineStart += length - 1
            }
            try checkLength(startLine, startColumn)
        }
    }

    private func checkLength(_ startLine: Int, _ startColumn: Int) throws(IngestError) {
        if scratch.count > limits.maxStringBytes {
            throw malformed(startLine, startColumn, "a string longer than \(limits.maxStringBytes) bytes (limit maxJSONStringBytes)")
        }
    }

    private func readEscape() throws(IngestError) {
        let escapeColumn = column(of: position)
        try ensure(2)
        guard end - position >= 2 else { throw malformed(line, escapeColumn, "the document ends inside an escape") }
        let code = buffer[position + 1]
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "/"): UInt8(ascii: "/"),
            UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let replacement = simple[code] {
            scratch.append(replacement)
            position += 2
            return
        }
        guard code == UInt8(ascii: "u") else {
            throw malformed(line, escapeColumn, "invalid escape \\\(CSVText.describeCharacter(at: buffer + position + 1, available: 1))")
        }
        var scalar = try hexQuad(skipping: 2, column: escapeColumn)
        position += 6
        if (0xD800...0xDBFF).contains(scalar) {
            try ensure(6)
            guard end - position >= 6, buffer[position] == UInt8(ascii: "\\"), buffer[position + 1] == UInt8(ascii: "u") else {
                throw malformed(line, escapeColumn, "a high surrogate \\u\(CSVText.hex(scalar, digits: 4)) without its low surrogate")
            }
            let low = try hexQuad(skipping: 2, column: escapeColumn)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw malformed(line, escapeColumn, "a high surrogate \\u\(CSVText.hex(scalar, digits: 4)) without its low surrogate")
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            position += 6
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw malformed(line, escapeColumn, "a lone low surrogate \\u\(CSVText.hex(scalar, digits: 4))")
        }
        if scalar == 0 {
            throw .notText(file: displayName, line: line, column: escapeColumn, reason: "a NUL character (\\u0000) in a string")
        }
        // Non-nil: surrogates were combined or refused above, so this is a valid scalar.
        scratch.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
    }

    /// The four hex digits `skip` bytes after `position` (reading more input may move `position`).
    private func hexQuad(skipping skip: Int, column: Int) throws(IngestError) -> UInt32 {
        try ensure(skip + 4)
        let offset = position + skip
        guard end - offset >= 4 else { throw malformed(line, column, "the document ends inside a \\u escape") }
        var value: UInt32 = 0
        for index in offset..<offset + 4 {
            let byte = buffer[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw malformed(line, column, "a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
