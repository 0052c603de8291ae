import ArgumentParser
import CoexistModel
import CoexistReports
import CoexistRules

extension Severity: ExpressibleByArgument {}

/// A date option (`--as-of 2026-11-25`), checked by ArgumentParser so a bad one is a usage error.
struct DateArgument: ExpressibleByArgument {
    let date: ISODate

    init?(argument: String) {
        guard let date = ISODate(parsing: argument) else { return nil }
        self.date = date
    }
}

/// An MPN id option (`--partner-id 4847383`).
struct PartnerArgument: ExpressibleByArgument {
    let id: PartnerID

    init?(argument: String) {
        guard case .partner(let id) = PartnerID.parse(argument) else { return nil }
        self.id = id
    }
}

/// `--csv-dialect standard|excel-de`.
extension CSVDialect: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { CSVDialect.all.map(\.name) }
}
