/// An ISO 8601 date (`2026-11-01`) or date-time (`2026-11-01T02:00:00Z`), kept in UTC.
///
/// Two values compare as UTC calendar days when either has no time (SPEC §3).
public struct ISODate: Hashable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (UTC).
    public let day: Int
    /// Seconds since midnight UTC, or nil for a plain date.
    public let secondOfDay: Int?

    public init(day: Int, secondOfDay: Int? = nil) {
        self.day = day
        self.secondOfDay = secondOfDay
    }

    /// The calendar day with the given year, month and day.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...ISODate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.day = ISODate.daysFromCivil(year: year, month: month, day: day)
        self.secondOfDay = nil
    }

    /// Parses `YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fff]]` and `Z` or `±HH:MM`.
    /// A time without a zone is taken as UTC. Returns nil for anything else.
    public init?(parsing raw: some StringProtocol) {
        let bytes = Array(Substring(raw).trimmingWhitespace().utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let dayOfMonth = number(8..<10),
            let date = ISODate(year: year, month: month, day: dayOfMonth)
        else { return nil }
        if bytes.count == 10 {
            self = date
            return
        }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
            bytes.count >= 16, bytes[13] == UInt8(ascii: ":"),
            let hour = number(11..<13), let minute = number(14..<16), hour < 24, minute < 60
        else { return nil }
        var index = 16
        var second = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard let value = number(17..<19), value < 61 else { return nil }
            second = min(value, 59)
            index = 19
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let start = index
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
                guard index > start else { return nil }
            }
        }
        var offsetSeconds = 0
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = bytes[index] == UInt8(ascii: "+") ? 1 : -1
                guard let offsetHour = number(index + 1..<index + 3) else { return nil }
                var next = index + 3
                if next < bytes.count, bytes[next] == UInt8(ascii: ":") { next += 1 }
                guard let offsetMinute = number(next..<next + 2), offsetHour < 24, offsetMinute < 60 else { return nil }
                offsetSeconds = sign * (offsetHour * 3600 + offsetMinute * 60)
                index = next + 2
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let total = date.day * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        self.day = Int((Double(total) / 86_400).rounded(.down))
        self.secondOfDay = total - self.day * 86_400
    }

    /// Compares as calendar days when either side has no time, else as instants.
    public static func compare(_ lhs: ISODate, _ rhs: ISODate) -> Int {
        if lhs.day != rhs.day { return lhs.day < rhs.day ? -1 : 1 }
        guard let left = lhs.secondOfDay, let right = rhs.secondOfDay, left != right else { return 0 }
        return left < right ? -1 : 1
    }

    /// Equal under ``compare(_:_:)``.
    public func sameMoment(as other: ISODate) -> Bool { ISODate.compare(self, other) == 0 }

    /// The plain calendar day of this value.
    public var calendarDay: ISODate { ISODate(day: day) }

    /// `2026-11-01` or `2026-11-01T02:00:00Z`.
    public var description: String {
        let (year, month, dayOfMonth) = ISODate.civil(fromDays: day)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(dayOfMonth, 2)
        if let seconds = secondOfDay {
            text += "T" + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2) + "Z"
        }
        return text
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact proleptic Gregorian arithmetic.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
