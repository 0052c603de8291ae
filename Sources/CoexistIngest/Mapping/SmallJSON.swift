import CoexistModel

/// Reading the small JSON files that configure ingest (mappings, languages): the whole document at
/// once (they are a few kilobytes), with every mistake an ``IngestError/invalidMapping(file:line:column:reason:)``
/// that points at the offending value.
struct SmallJSON {
    /// The largest configuration document read.
    static let budget = 4 << 20

    let file: String

    /// Reads a whole document.
    static func read(path: String, displayName: String) throws(IngestError) -> JSONNode {
        try read(JSONTokenizer(path: path, displayName: displayName), file: displayName)
    }

    /// Reads a whole document from bytes (built-in data, tests).
    static func read(bytes: [UInt8], displayName: String) throws(IngestError) -> JSONNode {
        try read(JSONTokenizer(bytes: bytes, displayName: displayName), file: displayName)
    }

    private static func read(_ tokenizer: JSONTokenizer, file: String) throws(IngestError) -> JSONNode {
        guard let first = try tokenizer.next() else {
            throw IngestError.invalidMapping(file: file, line: 1, column: 1, reason: "the file is empty")
        }
        var budget = SmallJSON.budget
        let node = try JSONNode.read(first, from: tokenizer, budget: &budget)
        if try tokenizer.next() != nil {
            throw tokenizer.malformed(tokenizer.tokenLine, tokenizer.tokenColumn, "text after the end of the JSON document")
        }
        return node
    }

    func error(_ node: JSONNode, _ reason: String) -> IngestError {
        .invalidMapping(file: file, line: node.line, column: node.column, reason: reason)
    }

    /// The node as an object, or an error naming `what`.
    func object(_ node: JSONNode, _ what: String) throws(IngestError) -> [JSONNode.Member] {
        guard case .object(let members) = node.value else { throw error(node, "\(what) must be an object, not \(node.typeName)") }
        return members
    }

    /// The node as a string.
    func string(_ node: JSONNode, _ what: String) throws(IngestError) -> String {
        guard case .string(let text) = node.value else { throw error(node, "\(what) must be a string, not \(node.typeName)") }
        return text
    }

    /// The node as a string, a number or a boolean, as text.
    func scalar(_ node: JSONNode, _ what: String) throws(IngestError) -> String {
        guard node.isScalar, case let text? = node.text, node.value.isNotNull else {
            throw error(node, "\(what) must be a string, not \(node.typeName)")
        }
        return text
    }

    /// The node as a list of strings.
    func strings(_ node: JSONNode, _ what: String) throws(IngestError) -> [String] {
        guard case .array(let elements) = node.value else { throw error(node, "\(what) must be a list of strings, not \(node.typeName)") }
        return try elements.map { element throws(IngestError) in try string(element, "each entry of \(what)") }
    }

    /// Refuses keys the document does not know, naming the closest known one (a typo must not be ignored).
    func checkKeys(_ members: [JSONNode.Member], known: [String], in what: String) throws(IngestError) {
        for member in members where !known.contains(member.key) {
            let hint = closestMatch(to: member.key, among: known).map { "; did you mean \"\($0)\"?" } ?? ""
            throw error(member.value, "unknown key \"\(member.key)\" in \(what)\(hint)")
        }
    }

    /// A canonical column by name (case, spaces, `_` and `-` ignored).
    func column(_ node: JSONNode, _ name: String, _ what: String) throws(IngestError) -> CanonicalColumn {
        guard let column = CanonicalColumn(header: name) else {
            let hint = closestMatch(to: name, among: CanonicalColumn.allCases.map(\.name)).map { "; did you mean \($0)?" } ?? ""
            throw error(node, "\(what): \"\(name)\" is not a canonical field\(hint)")
        }
        return column
    }

    /// `values`: per canonical field, source value → canonical value.
    func valueTable(_ node: JSONNode) throws(IngestError) -> [CanonicalColumn: [String: String]] {
        var table: [CanonicalColumn: [String: String]] = [:]
        for member in try object(node, "values") {
            let column = try column(member.value, member.key, "values")
            for entry in try object(member.value, "values.\(member.key)") {
                let target = try scalar(entry.value, "values.\(member.key).\(entry.key)")
                // "?" (as `mapping init` writes it): not decided yet, so the value stays invalid until it is.
                if target != "?" { table[column, default: [:]][entry.key] = target }
            }
        }
        return table
    }

    /// `decimalSeparator`, `groupingSeparator` and `dateFormats` of a mapping or language file.
    func valueFormat(_ members: [JSONNode.Member]) throws(IngestError) -> ValueFormat {
        var format = ValueFormat()
        for member in members {
            switch member.key {
            case "decimalSeparator", "groupingSeparator":
                let text = try string(member.value, member.key)
                guard text.count == 1, let character = text.first, ",. '’".contains(character) else {
                    throw error(member.value, "\(member.key) must be one of \",\", \".\", \" \" or \"'\"")
                }
                if member.key == "decimalSeparator" { format.decimalSeparator = character } else { format.groupingSeparator = character }
            case "dateFormats":
                for (index, pattern) in try strings(member.value, "dateFormats").enumerated() {
                    guard let parsed = DatePattern(pattern) else {
                        throw error(member.value, "dateFormats[\(index)] \"\(pattern)\" needs d or dd, M or MM and yyyy (e.g. dd.MM.yyyy)")
                    }
                    format.datePatterns.append(parsed)
                }
            default:
                break
            }
        }
        if format.groupingSeparator == format.decimalSeparator {
            throw IngestError.invalidMapping(file: file, line: 1, column: 1, reason: "decimalSeparator and groupingSeparator are the same")
        }
        return format
    }
}

extension JSONNode.Value {
    var isNotNull: Bool {
        if case .null = self { return false }
        return true
    }
}

/// The candidate closest to `text` by edit distance over ``canonicalKey(_:)``, when it is close
/// enough to be a plausible typo or variant (at most a third of its length away), else nil.
func closestMatch(to text: String, among candidates: [String]) -> String? {
    let key = Array(canonicalKey(text))
    guard !key.isEmpty else { return nil }
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let other = Array(canonicalKey(candidate))
        let distance = editDistance(key, other)
        if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    guard let best, best.distance <= max(2, max(key.count, canonicalKey(best.candidate).count) / 3) else { return nil }
    return best.candidate
}

/// Levenshtein distance.
func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
    if lhs.isEmpty { return rhs.count }
    if rhs.isEmpty { return lhs.count }
    var previous = Array(0...rhs.count)
    var current = previous
    for (i, left) in lhs.enumerated() {
        current[0] = i + 1
        for (j, right) in rhs.enumerated() {
            current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[rhs.count]
}
