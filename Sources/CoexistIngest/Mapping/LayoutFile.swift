import CoexistModel

extension Layout {
    /// The keys a mapping file may have (docs/formats.md, "Mapping files").
    static let fileKeys = [
        "coexistMapping", "format", "kind", "source", "description", "obtain", "records", "recognizeBy", "hint", "fields",
        "values", "constants", "tenant", "language", "mergeAdvisorRows", "decimalSeparator", "groupingSeparator", "dateFormats",
    ]

    /// Reads a mapping file.
    static func load(path: String, displayName: String) throws(IngestError) -> Layout {
        try parse(SmallJSON.read(path: path, displayName: displayName), file: displayName, isBuiltIn: false)
    }

    /// Parses a mapping document; every mistake names the file, line and column.
    static func parse(_ root: JSONNode, file: String, isBuiltIn: Bool) throws(IngestError) -> Layout {
        let reader = SmallJSON(file: file)
        let members = try reader.object(root, "a mapping file")
        try reader.checkKeys(members, known: fileKeys, in: "a mapping file")
        func member(_ key: String) -> JSONNode? { members.first { $0.key == key }?.value }
        func required(_ key: String, _ hint: String) throws(IngestError) -> JSONNode {
            guard let node = member(key) else { throw reader.error(root, "a mapping file needs \"\(key)\": \(hint)") }
            return node
        }

        let version = try reader.scalar(try required("coexistMapping", "1 (the version of this format)"), "coexistMapping")
        guard version == "1" else { throw reader.error(member("coexistMapping") ?? root, "coexistMapping must be 1") }
        let format = try reader.string(try required("format", "the name validate shows, e.g. \"acme-billing-csv\""), "format")
        let kindNode = try required("kind", "one of \(ExportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        let kindText = try reader.string(kindNode, "kind")
        guard let kind = ExportKind.allCases.first(where: { canonicalKey($0.rawValue) == canonicalKey(kindText) }) else {
            throw reader.error(
                kindNode, "kind \"\(kindText)\" is not one of \(ExportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let syntaxNode = try required("source", "csv, json or xml")
        let syntaxText = try reader.string(syntaxNode, "source")
        guard let syntax = Syntax(rawValue: syntaxText.lowercased()) else {
            throw reader.error(syntaxNode, "source \"\(syntaxText)\" must be csv, json or xml")
        }

        let fields = try parseFields(try required("fields", "source → canonical field"), reader)
        var translator = ValueTranslator()
        translator.format = try reader.valueFormat(members)
        if let values = member("values") { translator.add(try reader.valueTable(values)) }
        var constants: [CanonicalColumn: String] = [:]
        if let node = member("constants") {
            for entry in try reader.object(node, "constants") {
                constants[try reader.column(entry.value, entry.key, "constants")] = try reader.scalar(entry.value, "constants.\(entry.key)")
            }
        }
        var tenantFromPath = false
        if let node = member("tenant") {
            guard try reader.string(node, "tenant") == "path" else {
                throw reader.error(node, "tenant must be \"path\" (the tenant id is a GUID in the file or folder name, else --tenant)")
            }
            tenantFromPath = true
        }
        var hint: Hint?
        if let node = member("hint") {
            let parts = try reader.object(node, "hint")
            try reader.checkKeys(parts, known: ["path", "contains"], in: "hint")
            guard let path = parts.first(where: { $0.key == "path" }), let contains = parts.first(where: { $0.key == "contains" }) else {
                throw reader.error(node, "hint needs \"path\" and \"contains\"")
            }
            hint = Hint(
                path: try reader.string(path.value, "hint.path").split(separator: ".").map(String.init),
                contains: try reader.string(contains.value, "hint.contains"))
        }
        let records = try member("records").map { node throws(IngestError) in try reader.string(node, "records") }
        if syntax == .xml && records == nil {
            throw reader.error(
                root, "an XML mapping needs \"records\": the element path of one record, e.g. \"Export/Customer/Subscription\"")
        }
        let layout = Layout(
            file: file, format: format, kind: kind, syntax: syntax,
            description: try member("description").map { node throws(IngestError) in try reader.string(node, "description") },
            obtain: try member("obtain").map { node throws(IngestError) in try reader.string(node, "obtain") },
            records: records.map { $0.split(separator: syntax == .xml ? "/" : ".").map(String.init) } ?? [],
            recognizeBy: try member("recognizeBy").map { node throws(IngestError) in try reader.strings(node, "recognizeBy") } ?? [],
            hint: hint, fields: fields, translator: translator, constants: constants, tenantFromPath: tenantFromPath,
            language: try member("language").map { node throws(IngestError) in try reader.string(node, "language") },
            mergesAdvisorRows: try member("mergeAdvisorRows").map { node throws(IngestError) in
                try reader.scalar(node, "mergeAdvisorRows") == "true"
            } ?? false,
            isBuiltIn: isBuiltIn)
        let missing = layout.requiredSources.filter { !layout.coveredColumns.contains($0) }
        if !missing.isEmpty {
            throw reader.error(
                try required("fields", ""),
                "a \(kind) mapping must give \(missing.map(\.name).joined(separator: ", ")) (from a source, \"constants\" or \"tenant\": \"path\")"
            )
        }
        return layout.withDefaultRecognition()
    }

    private static func parseFields(_ node: JSONNode, _ reader: SmallJSON) throws(IngestError) -> [Field] {
        var fields: [Field] = []
        for entry in try reader.object(node, "fields") {
            switch entry.value.value {
            case .null:
                fields.append(Field(source: entry.key, target: .ignored))
            case .string("?"):
                fields.append(Field(source: entry.key, target: .unknown))
            case .string(let name):
                fields.append(
                    Field(source: entry.key, target: .column(try reader.column(entry.value, name, "fields.\(entry.key)"), .value)))
            case .object(let parts):
                try reader.checkKeys(parts, known: ["field", "take"], in: "fields.\(entry.key)")
                guard let name = parts.first(where: { $0.key == "field" }) else {
                    throw reader.error(entry.value, "fields.\(entry.key) needs \"field\": the canonical field")
                }
                var take = Take.value
                if let takeNode = parts.first(where: { $0.key == "take" }) {
                    let text = try reader.string(takeNode.value, "take")
                    guard let parsed = Take(rawValue: text) else {
                        throw reader.error(takeNode.value, "take \"\(text)\" must be \"value\", \"first-guid\" or \"date\"")
                    }
                    take = parsed
                }
                let column = try reader.column(name.value, try reader.string(name.value, "field"), "fields.\(entry.key)")
                fields.append(Field(source: entry.key, target: .column(column, take)))
            default:
                throw reader.error(
                    entry.value, "fields.\(entry.key) must be a canonical field name, null (ignore) or \"?\" (not decided)")
            }
        }
        return fields
    }

    /// Without `recognizeBy`, a layout is recognized by the sources of its required fields.
    private func withDefaultRecognition() -> Layout {
        guard recognizeBy.isEmpty else { return self }
        let recognized = requiredSources.compactMap { column in self.sources(of: column).first?.source }
        return Layout(
            file: file, format: format, kind: kind, syntax: syntax, description: description, obtain: obtain, records: records,
            recognizeBy: recognized, hint: hint, fields: fields, translator: translator, constants: constants,
            tenantFromPath: tenantFromPath, language: language, mergesAdvisorRows: mergesAdvisorRows, isBuiltIn: isBuiltIn)
    }
}
