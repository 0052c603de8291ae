import CoexistModel

/// Reads an XML document through a user's mapping: `records` is the element path of one record
/// (`Export/Customer/Subscription`); a field is an element path, optionally ending in `@attribute`,
/// either under the record (`Subscription/Quantity`, or relative: `Quantity`, `@id`) or on one of its
/// ancestors (`Export/Customer/@tenantId`), whose value then holds for every record inside it.
final class MappedXMLHandler: XMLEventHandler {
    /// Thrown at the first element when the root is not the mapping's.
    struct NotThisLayout: Error {
        let root: String
    }

    private struct FieldPath {
        let elements: [String]
        let attribute: String?
        /// Depth at which an ancestor's value stops applying (its common prefix with the record path).
        let scope: Int
        let underRecord: Bool
    }

    let layout: Layout
    private(set) var content: FileContent
    private let recordPath: [String]
    private let paths: [FieldPath]
    private var builder: RecordBuilder
    private var stack: [String] = []
    private var inherited: [Int: (scope: Int, value: RecordBuilder.SourceValue)] = [:]
    private var recordValues: [Int: RecordBuilder.SourceValue] = [:]
    private var recordLine: Int?
    private var captures: [Int: String] = [:]
    private var budget: XMLRecordBudget
    /// The records counted against the export set's limit so far.
    var recordsCounted: Int { budget.counted }

    init(layout: Layout, file: String, context: IngestContext) {
        self.layout = layout
        budget = XMLRecordBudget(left: context.recordsLeft)
        content = FileContent(file: file, format: layout.format, decoder: context.decoder)
        content.declare(layout.kind)
        let recordPath = layout.records.map { $0.lowercased() }
        self.recordPath = recordPath
        paths = layout.fields.map { field in
            var components = field.path(for: .xml).map { $0.lowercased() }
            var attribute: String?
            if let last = components.last, last.hasPrefix("@") {
                attribute = String(last.dropFirst())
                components.removeLast()
            }
            if components.first != recordPath.first { components = recordPath + components }
            let common = zip(components, recordPath).prefix { $0 == $1 }.count
            return FieldPath(
                elements: components, attribute: attribute, scope: common, underRecord: common == recordPath.count)
        }
        content.columns = layout.fields.map { field in
            switch field.target {
            case .column(let column, _): ColumnUse(source: field.source, use: .field(column.name))
            case .ignored: ColumnUse(source: field.source, use: .ignored)
            case .unknown: ColumnUse(source: field.source, use: .undecided)
            }
        }
        builder = RecordBuilder(
            layout: layout, language: layout.language.flatMap(context.language), file: file, optionTenant: context.tenant)
    }

    func startElement(_ name: String, namespaceURI: String?, attributes: [String: String], line: Int, column: Int) throws {
        if stack.isEmpty && name.lowercased() != recordPath.first { throw NotThisLayout(root: name) }
        stack.append(name.lowercased())
        if stack == recordPath {
            try budget.count(file: content.file, line: line, column: column)
            recordValues = [:]
            recordLine = line
        }
        let lowered = Dictionary(attributes.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        for (index, path) in paths.enumerated() where path.elements == stack {
            guard let attribute = path.attribute else {
                captures[index] = ""
                continue
            }
            guard let value = lowered[attribute] else { continue }
            store(index, (value, column))
        }
    }

    func endElement(_ name: String, namespaceURI: String?) throws {
        for (index, text) in captures where paths[index].elements == stack {
            store(index, (text, 1))
            captures[index] = nil
        }
        if stack == recordPath, let line = recordLine {
            let values = recordValues
            let inherited = self.inherited
            let raw = try builder.build(at: Provenance(file: content.file, line: line)) { index in
                values[index] ?? inherited[index]?.value
            }
            content.add(raw, as: layout.kind)
            recordLine = nil
        }
        stack.removeLast()
        inherited = inherited.filter { $0.value.scope <= stack.count }
    }

    func characters(_ text: String) throws {
        for index in captures.keys { captures[index]? += text }
    }

    private func store(_ index: Int, _ value: RecordBuilder.SourceValue) {
        if paths[index].underRecord {
            if recordLine != nil { recordValues[index] = value }
        } else {
            inherited[index] = (paths[index].scope, value)
        }
    }
}
