/// A cell of a CSV report: text is neutralized for spreadsheets, numbers are written as they are.
public enum CSVCell: Sendable, Equatable {
    case text(String)
    case number(String)
    case empty

    /// A number cell, or empty.
    static func int(_ value: Int?) -> CSVCell { value.map { .number(String($0)) } ?? .empty }
    /// A text cell, or empty for nil.
    static func optional(_ value: String?) -> CSVCell { value.map { .text($0) } ?? .empty }
}

/// The one RFC 4180 writer of coexist's CSV reports.
///
/// Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab, CR
/// or LF) get a leading `'` (OWASP's CSV-injection advice); number cells are never touched so they
/// stay numbers. Fields are quoted when they hold the delimiter, a quote or a line break.
public struct CSVWriter: Sendable {
    public let delimiter: Character
    private(set) var output = ""

    public init(delimiter: Character = ",") {
        self.delimiter = delimiter
    }

    /// Appends one record, ended by CRLF.
    public mutating func write(_ cells: [CSVCell]) {
        output += cells.map(encode).joined(separator: String(delimiter))
        output += "\r\n"
    }

    /// Appends a header row of plain names.
    public mutating func writeHeader(_ names: [String]) {
        write(names.map { .text($0) })
    }

    /// The document written so far.
    public var text: String { output }

    func encode(_ cell: CSVCell) -> String {
        switch cell {
        case .empty:
            return ""
        case .number(let digits):
            return digits
        case .text(let raw):
            var value = raw
            if let first = value.utf8.first,
                [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D, 0x0A].contains(first)
            {
                value = "'" + value
            }
            // Byte scan instead of Foundation's range(of:): this runs for every cell of a 1M-row report.
            let delimiterByte = delimiter.asciiValue ?? UInt8(ascii: ",")
            let utf8 = value.utf8
            let needsQuotes =
                utf8.contains { $0 == delimiterByte || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
                || utf8.first == 0x20 || utf8.last == 0x20
            guard needsQuotes else { return value }
            var quoted = [UInt8]()
            quoted.reserveCapacity(utf8.count + 2)
            quoted.append(UInt8(ascii: "\""))
            for byte in utf8 {
                if byte == UInt8(ascii: "\"") { quoted.append(byte) }
                quoted.append(byte)
            }
            quoted.append(UInt8(ascii: "\""))
            return String(decoding: quoted, as: UTF8.self)
        }
    }
}
