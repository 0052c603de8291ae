import CoexistModel

/// A JSON value in memory, with where it starts: one item of a list, or a small document such as a
/// mapping file. Built from a ``JSONTokenizer`` within a byte budget, so one item can never take more
/// than its share of memory.
struct JSONNode {
    /// A member of an object, in document order.
    struct Member {
        let key: String
        let value: JSONNode
    }

    enum Value {
        case object([Member])
        case array([JSONNode])
        case string(String)
        /// The number's text as written.
        case number(String)
        case bool(Bool)
        case null
    }

    let value: Value
    let line: Int
    let column: Int

    /// Reads the value whose first token is `first` (already taken from `tokenizer`).
    /// `budget` is decreased by the bytes the value holds; going below zero is an error.
    static func read(_ first: JSONTokenizer.Token, from tokenizer: JSONTokenizer, budget: inout Int) throws(IngestError) -> JSONNode {
        let line = tokenizer.tokenLine
        let column = tokenizer.tokenColumn
        budget -= 16
        switch first {
        case .beginObject:
            var members: [Member] = []
            while let token = try tokenizer.next() {
                if token == .endObject { break }
                guard case .key(let key) = token else { break }
                budget -= key.utf8.count + 16
                // Non-nil: the tokenizer enforces that a value follows every key.
                let valueToken = try tokenizer.next()!
                members.append(Member(key: key, value: try read(valueToken, from: tokenizer, budget: &budget)))
                try check(budget, tokenizer, line, column)
            }
            return JSONNode(value: .object(members), line: line, column: column)
        case .beginArray:
            var elements: [JSONNode] = []
            while let token = try tokenizer.next(), token != .endArray {
                elements.append(try read(token, from: tokenizer, budget: &budget))
                try check(budget, tokenizer, line, column)
            }
            return JSONNode(value: .array(elements), line: line, column: column)
        case .string(let text):
            budget -= text.utf8.count
            try check(budget, tokenizer, line, column)
            return JSONNode(value: .string(text), line: line, column: column)
        case .number(let text):
            budget -= text.utf8.count
            return JSONNode(value: .number(text), line: line, column: column)
        case .bool(let flag):
            return JSONNode(value: .bool(flag), line: line, column: column)
        case .null:
            return JSONNode(value: .null, line: line, column: column)
        case .endObject, .endArray, .key:
            // The tokenizer never starts a value with these.
            throw tokenizer.malformed(line, column, "expected a value")
        }
    }

    private static func check(_ budget: Int, _ tokenizer: JSONTokenizer, _ line: Int, _ column: Int) throws(IngestError) {
        if budget < 0 {
            throw tokenizer.malformed(line, column, "the value that starts here is too large to hold in memory (limit maxJSONItemBytes)")
        }
    }

    // MARK: - Reading values

    /// The members of an object; empty for anything else.
    var members: [Member] {
        if case .object(let members) = value { return members }
        return []
    }

    /// The member whose key matches `key` ignoring case, spaces, `_` and `-` (PowerShell writes
    /// `SkuId` where Graph writes `skuId`).
    func member(_ key: String) -> JSONNode? {
        let members = self.members
        if let exact = members.first(where: { $0.key == key }) { return exact.value }
        let wanted = canonicalKey(key)
        return members.first { canonicalKey($0.key) == wanted }?.value
    }

    /// The value at a path of keys (`prepaidUnits.enabled` is `["prepaidUnits", "enabled"]`).
    func value(at path: [String]) -> JSONNode? {
        var node = self
        for key in path {
            guard let next = node.member(key) else { return nil }
            node = next
        }
        return node
    }

    /// The value as text for a record: strings as they are, numbers as written, booleans as
    /// `true`/`false`, null as empty, a list of scalars joined with `;`. Nil for objects.
    var text: String? {
        switch value {
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return ""
        case .array(let elements):
            let texts = elements.compactMap { $0.isScalar ? $0.text : nil }
            return texts.count == elements.count ? texts.joined(separator: ";") : nil
        case .object: return nil
        }
    }

    var isScalar: Bool {
        switch value {
        case .object, .array: false
        default: true
        }
    }

    /// How messages name the value's type.
    var typeName: String {
        switch value {
        case .object: "an object"
        case .array: "a list"
        case .string: "a string"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        }
    }
}
