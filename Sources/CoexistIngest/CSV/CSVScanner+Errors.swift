/// The errors the scanner raises, each naming the file, line and character column.
extension CSVScanner {
    static func countedFields(_ count: Int) -> String {
        count == 1 ? "1 field" : "\(count) fields"
    }

    func malformed(_ line: Int, _ column: Int, _ reason: String) -> IngestError {
        .malformedCSV(file: displayName, line: line, column: column, reason: reason)
    }

    func fieldTooLong(line: Int, column: Int, quoted: Bool) -> IngestError {
        let hint = quoted ? "; is its closing quote missing?" : ""
        return malformed(
            line, column, "field is longer than \(limits.maxFieldBytes) bytes (limit maxFieldBytes)\(hint)")
    }

    func nulByte(_ line: Int, _ column: Int) -> IngestError {
        .notText(
            file: displayName, line: line, column: column,
            reason: "a NUL byte (a binary file, or UTF-16 text without a byte order mark?)")
    }

    func invalidUTF8(_ byte: UInt8, _ line: Int, _ column: Int) -> IngestError {
        .notText(
            file: displayName, line: line, column: column,
            reason: "invalid UTF-8 at byte 0x\(CSVText.hex(UInt32(byte), digits: 2)); "
                + "if the file is Latin-1 or Windows-1252, save it as UTF-8")
    }
}
