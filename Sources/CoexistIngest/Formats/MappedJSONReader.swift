import CoexistModel

/// Reads the items of a JSON list (or one resource) through a ``Layout``: Partner Center API
/// resources, Graph's `directory/subscriptions` and `subscribedSkus`, or a user's JSON mapping.
struct MappedJSONReader {
    let layout: Layout

    /// The member names that may hold the list, over every JSON layout.
    static func listKeys(_ layouts: [Layout]) -> Set<String> {
        var keys: Set<String> = ["items", "value"]
        for layout in layouts where layout.syntax == .json {
            if let key = layout.records.first { keys.insert(key) }
        }
        return keys
    }

    /// Whether an item has every `recognizeBy` path.
    static func fits(_ layout: Layout, item: JSONNode) -> Bool {
        !layout.recognizeBy.isEmpty
            && layout.recognizeBy.allSatisfy { item.value(at: $0.split(separator: ".").map(String.init)) != nil }
    }

    /// Whether an empty list's envelope carries the layout's hint.
    static func fits(_ layout: Layout, envelope list: JSONListReader) -> Bool {
        guard let hint = layout.hint, let text = list.envelopeValue(at: hint.path)?.text else { return false }
        return text.lowercased().contains(hint.contains.lowercased())
    }

    /// Reads `first` and every further item of `list`.
    func read(first: JSONNode?, list: JSONListReader, context: IngestContext) throws(IngestError) -> FileContent {
        let file = list.tokenizer.displayName
        var content = FileContent(file: file, format: layout.format, decoder: context.decoder)
        content.declare(layout.kind)
        content.columns = layout.fields.map { field in
            switch field.target {
            case .column(let column, _): ColumnUse(source: field.source, use: .field(column.name))
            case .ignored: ColumnUse(source: field.source, use: .ignored)
            case .unknown: ColumnUse(source: field.source, use: .undecided)
            }
        }
        let paths = layout.fields.map { $0.path(for: .json) }
        var builder = RecordBuilder(
            layout: layout, language: layout.language.flatMap(context.language), file: file, optionTenant: context.tenant)
        var next = first
        var refused = Set<String>()
        while let item = next {
            guard case .object = item.value else {
                throw IngestError.unrecognized(
                    file: file, reason: "line \(item.line): expected an object in the list, found \(item.typeName)")
            }
            let raw = try builder.build(at: Provenance(file: file, line: item.line)) { index in
                var node = item.value(at: paths[index])
                // A Partner Center item without its own links: the collection's link names the customer.
                if node == nil, case .column(_, .firstGUID) = layout.fields[index].target {
                    node = list.envelopeValue(at: paths[index])
                }
                guard let node else { return nil }
                guard let text = node.text else {
                    refused.insert(layout.fields[index].source)
                    return nil
                }
                return (text, node.column)
            }
            content.add(raw, as: layout.kind)
            next = try list.nextItem()
        }
        if !refused.isEmpty {
            content.notices.append("\(file): not reading \(refused.sorted().joined(separator: ", ")): an object where a value was expected")
        }
        if layout.mergesAdvisorRows { content.mergeAdvisorRows() }
        return content
    }
}
