import CoexistModel

/// How a file writes numbers and dates: canonically (`12.50`, `2026-11-25`) or as a locale does
/// (`1.234,50`, `25.11.2026`). Localized values are rewritten to the canonical form before they are
/// decoded, so one decoder checks every source; a value that fits neither is left as it is and the
/// decoder reports it as `invalid-value`.
struct ValueFormat: Sendable {
    var decimalSeparator: Character = "."
    /// `.` in German: `1.000` is a thousand. Nil: no grouping accepted (canonical files).
    var groupingSeparator: Character?
    /// Tried after ISO 8601, in order.
    var datePatterns: [DatePattern] = []

    /// The canonical text of a localized number (`1.234,50` → `1234.50`), or nil when it is not one.
    func canonicalDecimal(_ raw: String) -> String? {
        var text = raw.trimmingWhitespace()
        if text.hasPrefix("'") { text.removeFirst() }
        guard decimalSeparator != "." || groupingSeparator != nil else { return nil }
        var integer = ""
        var fraction: String?
        var groups: [Int] = []
        var groupLength = 0
        var sign = ""
        for (offset, character) in text.enumerated() {
            if offset == 0 && (character == "-" || character == "+") {
                sign = character == "-" ? "-" : ""
            } else if character.isASCII && character.isNumber {
                if fraction != nil { fraction?.append(character) } else { integer.append(character) }
                groupLength += 1
            } else if character == decimalSeparator && fraction == nil {
                fraction = ""
                groups.append(groupLength)
                groupLength = 0
            } else if character == groupingSeparator && fraction == nil {
                groups.append(groupLength)
                groupLength = 0
            } else {
                return nil
            }
        }
        if fraction == nil { groups.append(groupLength) }
        // Groups after the first have exactly three digits; the first has one to three when grouped.
        if groups.count > 1 {
            guard (1...3).contains(groups[0]), groups.dropFirst().allSatisfy({ $0 == 3 }) else { return nil }
        }
        guard !integer.isEmpty, fraction.map({ !$0.isEmpty }) ?? true else { return nil }
        return sign + integer + (fraction.map { "." + $0 } ?? "")
    }

    /// The ISO 8601 text of a localized date (`25.11.2026` → `2026-11-25`), or nil.
    func canonicalDate(_ raw: String) -> String? {
        let text = raw.trimmingWhitespace()
        for pattern in datePatterns {
            if let date = pattern.parse(text) { return date }
        }
        return nil
    }
}

/// A date layout such as `dd.MM.yyyy` or `M/d/yyyy`, optionally followed by a time `HH:mm[:ss]`.
///
/// `d`/`dd` is the day and `M`/`MM` the month (one or two digits either way), `yyyy` the year;
/// anything else must appear as written.
struct DatePattern: Sendable, CustomStringConvertible {
    private enum Part: Sendable {
        case day, month, year
        case literal(Character)
    }

    private let parts: [Part]
    let description: String

    /// Nil when the pattern lacks a day, a month or a four-digit year.
    init?(_ pattern: String) {
        var parts: [Part] = []
        var characters = Substring(pattern)
        while let first = characters.first {
            let run = characters.prefix { $0 == first }
            characters = characters.dropFirst(run.count)
            switch (first, run.count) {
            case ("d", 1...2): parts.append(.day)
            case ("M", 1...2): parts.append(.month)
            case ("y", 4): parts.append(.year)
            default: run.forEach { parts.append(.literal($0)) }
            }
        }
        let fields = parts.compactMap { part -> Int? in
            switch part {
            case .day: 0
            case .month: 1
            case .year: 2
            case .literal: nil
            }
        }
        guard fields.sorted() == [0, 1, 2] else { return nil }
        self.parts = parts
        self.description = pattern
    }

    /// The ISO 8601 form of `text`, or nil when it does not fit.
    func parse(_ text: String) -> String? {
        var rest = Substring(text)
        var day = 0
        var month = 0
        var year = 0
        for part in parts {
            switch part {
            case .literal(let character):
                guard rest.first == character else { return nil }
                rest = rest.dropFirst()
            case .day, .month, .year:
                let maximum = { if case .year = part { 4 } else { 2 } }()
                let digits = rest.prefix { $0.isASCII && $0.isNumber }.prefix(maximum)
                guard !digits.isEmpty, let value = Int(digits) else { return nil }
                if case .year = part, digits.count != 4 { return nil }
                rest = rest.dropFirst(digits.count)
                switch part {
                case .day: day = value
                case .month: month = value
                default: year = value
                }
            }
        }
        guard ISODate(year: year, month: month, day: day) != nil else { return nil }
        let date = padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
        let time = rest.trimmingWhitespace()
        if time.isEmpty { return date }
        // `14:30` or `14:30:05` after the date; the result is read as UTC like any zone-less ISO time.
        let pieces = time.split(separator: ":")
        guard (2...3).contains(pieces.count), pieces.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isNumber) }) else { return nil }
        return date + "T" + pieces.joined(separator: ":") + (pieces.count == 2 ? ":00" : "")
    }
}

/// `value` with leading zeros to `width` digits.
private func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// Rewrites the values of one file into canonical text: value aliases (`Aktiv` → `active`) from a
/// language file or a mapping, then localized numbers and dates.
struct ValueTranslator: Sendable {
    /// Per column: ``canonicalKey(_:)`` of a source value → canonical value.
    private(set) var aliases: [CanonicalColumn: [String: String]] = [:]
    var format = ValueFormat()

    /// Adds aliases; later ones win over earlier ones (a mapping's over its language's).
    mutating func add(_ more: [CanonicalColumn: [String: String]]) {
        for (column, table) in more {
            for (source, target) in table { aliases[column, default: [:]][canonicalKey(source)] = target }
        }
    }

    /// Merges another translator into this one: its aliases win, its format replaces a canonical one.
    mutating func merge(_ other: ValueTranslator) {
        add(other.aliases)
        if other.format.decimalSeparator != "." || other.format.groupingSeparator != nil {
            format.decimalSeparator = other.format.decimalSeparator
            format.groupingSeparator = other.format.groupingSeparator
        }
        format.datePatterns += other.format.datePatterns
    }

    /// Whether anything would be rewritten at all.
    var isIdentity: Bool {
        aliases.isEmpty && format.decimalSeparator == "." && format.groupingSeparator == nil && format.datePatterns.isEmpty
    }

    /// The canonical text of `text` in `column`; `text` itself when nothing applies.
    func translate(_ text: String, _ column: CanonicalColumn) -> String {
        if let table = aliases[column], !table.isEmpty, let target = table[canonicalKey(text)] { return target }
        switch column.valueType {
        case .decimal:
            if parseCanonicalDecimal(text) != nil && format.groupingSeparator != "." { return text }
            return format.canonicalDecimal(text) ?? text
        case .date:
            if ISODate(parsing: text) != nil { return text }
            return format.canonicalDate(text) ?? text
        case .text, .enumeration:
            return text
        }
    }
}
