import CoexistModel

/// How one kind of file that is not canonical is read: which source column, JSON path or XML path
/// feeds which canonical field, which values mean what, and how the file is recognized.
///
/// Microsoft's formats (Partner Center, Graph, Insights) are built-in layouts shipped as data in
/// `Resources/layouts/`; a user's mapping file (`--mapping`) is a layout in the same format
/// (docs/formats.md, "Mapping files").
struct Layout: Sendable {
    enum Syntax: String, Sendable, CaseIterable {
        case csv, json, xml
    }

    /// What a source gives: its value, the first GUID inside it (`/customers/<id>/subscriptions`), or
    /// the calendar day of a date-time (Partner Center's inclusive `commitmentEndDate` at `T00:00:00Z`).
    enum Take: String, Sendable, CaseIterable {
        case value
        case firstGUID = "first-guid"
        case date
    }

    /// Where a source goes.
    enum Target: Sendable, Equatable {
        case column(CanonicalColumn, Take)
        /// Known and deliberately not read (`null` in the file).
        case ignored
        /// Not decided yet (`"?"`, as `coexist mapping init` writes it): not read, reported.
        case unknown
    }

    /// One source → target entry, in file order (the first present source of a column wins).
    struct Field: Sendable {
        /// A CSV header, a JSON path (`prepaidUnits.enabled`) or an XML path (`Customer/@id`).
        let source: String
        let target: Target

        /// The path components of a JSON (`.`) or XML (`/`) source.
        func path(for syntax: Layout.Syntax) -> [String] {
            switch syntax {
            case .csv: [source]
            case .json: source.split(separator: ".").map(String.init)
            case .xml: source.split(separator: "/").map(String.init)
            }
        }
    }

    /// Recognizes an empty JSON collection by a text in its envelope (`@odata.context`).
    struct Hint: Sendable {
        let path: [String]
        let contains: String
    }

    /// The mapping file, or `built-in:<name>`.
    let file: String
    /// The format name `validate` and the report show (`partner-center-csv`).
    let format: String
    let kind: ExportKind
    let syntax: Syntax
    let description: String?
    /// How to obtain the export (README).
    let obtain: String?
    /// XML: the element path of one record; JSON: the member that holds the list.
    let records: [String]
    /// Sources that must all be present for the layout to be recognized.
    let recognizeBy: [String]
    let hint: Hint?
    let fields: [Field]
    let translator: ValueTranslator
    let constants: [CanonicalColumn: String]
    /// The tenant comes from the file's name or folder, else `--tenant`.
    let tenantFromPath: Bool
    /// A language whose headers and values the file uses.
    let language: String?
    /// Rows that repeat a subscription once per partner attribution are merged, their advisors united.
    let mergesAdvisorRows: Bool
    let isBuiltIn: Bool

    /// The canonical columns the layout can fill (from a source, a constant or the path).
    var coveredColumns: Set<CanonicalColumn> {
        var columns = Set(constants.keys)
        for field in fields { if case .column(let column, _) = field.target { columns.insert(column) } }
        if tenantFromPath { columns.insert(.tenantId) }
        return columns
    }

    /// The columns a record of `kind` cannot be decoded without.
    static func requiredColumns(of kind: ExportKind) -> [CanonicalColumn] {
        switch kind {
        case .partnerSubscriptions, .customerSubscriptions, .tenantSubscriptions: [.tenantId, .subscriptionId, .quantity, .status]
        case .customerLicenses: [.tenantId, .skuId, .totalLicenses]
        case .relationships: [.tenantId, .relationship, .state]
        case .partnerUsers: [.userPrincipalName]
        case .customers: [.tenantId]
        }
    }

    /// The required columns with a source: a SKU may also come from the catalogue by product name.
    var requiredSources: [CanonicalColumn] {
        Layout.requiredColumns(of: kind).filter { column in
            !(column == .skuId && (coveredColumns.contains(.productName) || coveredColumns.contains(.skuPartNumber)))
                && !(column == .tenantId && tenantFromPath)
        }
    }

    /// The sources that feed `column`, in order.
    func sources(of column: CanonicalColumn) -> [Field] {
        fields.filter { field in Take.allCases.contains { field.target == .column(column, $0) } }
    }
}
