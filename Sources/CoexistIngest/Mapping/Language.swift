import CoexistModel

/// The headers and values of exports in one language, as data (`Resources/languages/de.json`; a user
/// adds a language with `--language fr.json`). Localized headers are translated to the English names
/// (Microsoft's or canonical) before a file is recognized; values of a file recognized through the
/// language are then rewritten to canonical ones: `Aktiv` → `active`, `1.234,50` → `1234.50`,
/// `25.11.2026` → `2026-11-25`.
struct Language: Sendable {
    static let fileKeys = [
        "coexistLanguage", "language", "name", "headers", "values", "decimalSeparator", "groupingSeparator", "dateFormats",
    ]

    /// `de`.
    let code: String
    /// `Deutsch`.
    let name: String
    let file: String
    /// ``canonicalKey(_:)`` of a localized header → the English header.
    private let headers: [String: String]
    let translator: ValueTranslator

    /// The English header for a localized one; nil when the language does not know it.
    func english(_ header: String) -> String? { headers[canonicalKey(header)] }

    /// Reads a language file.
    static func load(path: String, displayName: String) throws(IngestError) -> Language {
        try parse(SmallJSON.read(path: path, displayName: displayName), file: displayName)
    }

    static func parse(_ root: JSONNode, file: String) throws(IngestError) -> Language {
        let reader = SmallJSON(file: file)
        let members = try reader.object(root, "a language file")
        try reader.checkKeys(members, known: fileKeys, in: "a language file")
        func member(_ key: String) -> JSONNode? { members.first { $0.key == key }?.value }
        guard let version = member("coexistLanguage"), try reader.scalar(version, "coexistLanguage") == "1" else {
            throw reader.error(root, "a language file needs \"coexistLanguage\": 1")
        }
        guard let codeNode = member("language") else { throw reader.error(root, "a language file needs \"language\", e.g. \"de\"") }
        let code = try reader.string(codeNode, "language")
        var headers: [String: String] = [:]
        if let node = member("headers") {
            for entry in try reader.object(node, "headers") {
                headers[canonicalKey(entry.key)] = try reader.string(entry.value, "headers.\(entry.key)")
            }
        }
        var translator = ValueTranslator()
        translator.format = try reader.valueFormat(members)
        if let node = member("values") { translator.add(try reader.valueTable(node)) }
        return Language(
            code: code, name: try member("name").map { node throws(IngestError) in try reader.string(node, "name") } ?? code,
            file: file, headers: headers, translator: translator)
    }
}
