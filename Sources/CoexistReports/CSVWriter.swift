import CoexistModel
import Foundation

/// A cell of a CSV report: text is neutralized for spreadsheets, numbers are written as they are.
public enum CSVCell: Sendable, Equatable {
    case text(String)
    case number(String)
    case empty

    /// A number cell, or empty.
    static func int(_ value: Int?) -> CSVCell { value.map { .number(String($0)) } ?? .empty }
    /// A number cell in plain decimal notation (`12.5`), or empty.
    static func amount(_ value: Decimal?) -> CSVCell { value.map { .number($0.plainText) } ?? .empty }
    /// A unit price with at least the currency's minor unit (`264.00`), or empty.
    static func price(_ value: Decimal?, _ minorUnits: Int16) -> CSVCell { value.map { .number($0.price(minorUnits)) } ?? .empty }
    /// A text cell, or empty for nil.
    static func optional(_ value: String?) -> CSVCell { value.map { .text($0) } ?? .empty }
}

/// How the CSV reports are spelled for the program that opens them.
public struct CSVDialect: Hashable, Sendable, CustomStringConvertible {
    /// The option value that selects it (`--csv-dialect`).
    public let name: String
    public let delimiter: Character
    /// Starts the file with a UTF-8 byte order mark, which Excel needs to read UTF-8.
    public let byteOrderMark: Bool
    /// The decimal separator of number cells.
    public let decimalSeparator: Character

    /// RFC 4180 as tools read it: `,`, no BOM, decimal point. The default.
    public static let standard = CSVDialect(name: "standard", delimiter: ",", byteOrderMark: false, decimalSeparator: ".")
    /// Excel with German (and most continental European) regional settings: `;`, a UTF-8 BOM and
    /// a decimal comma, so a double-click opens the file with its columns, umlauts and numbers right.
    public static let excelGerman = CSVDialect(name: "excel-de", delimiter: ";", byteOrderMark: true, decimalSeparator: ",")

    /// Every dialect, by name.
    public static let all: [CSVDialect] = [.standard, .excelGerman]

    /// The dialect with this name; nil when there is none.
    public init?(name: String) {
        guard let dialect = CSVDialect.all.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = dialect
    }

    private init(name: String, delimiter: Character, byteOrderMark: Bool, decimalSeparator: Character) {
        self.name = name
        self.delimiter = delimiter
        self.byteOrderMark = byteOrderMark
        self.decimalSeparator = decimalSeparator
    }

    public var description: String { name }
}

/// The one RFC 4180 writer of coexist's CSV reports.
///
/// Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab, CR
/// or LF) get a leading `'` (OWASP's CSV-injection advice); number cells are never touched so they
/// stay numbers (only their decimal point follows the dialect). Fields are quoted when they hold
/// the delimiter, a quote or a line break.
public struct CSVWriter: Sendable {
    public let dialect: CSVDialect
    /// Where the rows go: in memory for ``text``, or streamed to a report file.
    public private(set) var output: ReportOutput
    private let delimiterByte: UInt8
    private let decimalByte: UInt8

    public init(dialect: CSVDialect = .standard, output: ReportOutput = ReportOutput()) {
        self.dialect = dialect
        self.output = output
        delimiterByte = dialect.delimiter.asciiValue ?? UInt8(ascii: ",")
        decimalByte = dialect.decimalSeparator.asciiValue ?? UInt8(ascii: ".")
        if dialect.byteOrderMark { self.output.append("\u{FEFF}") }
    }

    /// The field delimiter.
    public var delimiter: Character { dialect.delimiter }

    /// Appends one record, ended by CRLF.
    public mutating func write(_ cells: [CSVCell]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { output.append(byte: delimiterByte) }
            append(cell)
        }
        output.append(staticString: "\r\n")
    }

    /// Appends a header row of plain names.
    public mutating func writeHeader(_ names: [String]) {
        write(names.map { .text($0) })
    }

    /// The document written so far (in-memory writers).
    public var text: String { output.text }

    /// Appends a cell byte by byte: this runs for every cell of a 1M-row report.
    private mutating func append(_ cell: CSVCell) {
        switch cell {
        case .empty:
            return
        case .number(let digits):
            guard decimalByte != UInt8(ascii: ".") else { return output.append(digits) }
            var digits = digits
            digits.withUTF8 { bytes in
                for byte in bytes { output.append(byte: byte == UInt8(ascii: ".") ? decimalByte : byte) }
            }
        case .text(let raw):
            var raw = raw
            raw.withUTF8 { bytes in
                let formula =
                    bytes.first.map { first in
                        first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
                            || first == UInt8(ascii: "@") || first == 0x09 || first == 0x0D || first == 0x0A
                    } ?? false
                // Quoted when it holds the delimiter, a quote or a line break, or starts or ends with a
                // space (after the `'` a formula gets, which never needs quoting itself).
                let needsQuotes =
                    bytes.contains { $0 == delimiterByte || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
                    || (!formula && bytes.first == 0x20) || bytes.last == 0x20
                if needsQuotes { output.append(byte: UInt8(ascii: "\"")) }
                if formula { output.append(byte: UInt8(ascii: "'")) }
                if needsQuotes {
                    var runStart = 0
                    for index in bytes.indices where bytes[index] == UInt8(ascii: "\"") {
                        // The quote ends this run and starts the next one: written twice.
                        output.append(bytes: UnsafeBufferPointer(rebasing: bytes[runStart...index]))
                        runStart = index
                    }
                    output.append(bytes: UnsafeBufferPointer(rebasing: bytes[runStart...]))
                    output.append(byte: UInt8(ascii: "\""))
                } else {
                    output.append(bytes: bytes)
                }
            }
        }
    }
}
