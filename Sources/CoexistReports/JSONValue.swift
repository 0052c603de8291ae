/// A JSON value whose objects keep their key order, so reports follow the schema's order and are
/// byte-identical on rerun (Foundation's encoder only offers alphabetical order).
public indirect enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    /// A number already in JSON syntax.
    case number(String)
    case bool(Bool)
    case null

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }

    /// A string, or null for nil.
    static func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// Pretty-printed with two-space indentation and a final newline.
    public func serialized() -> String {
        var out = ReportOutput()
        write(into: &out, indent: 0)
        out.append(byte: UInt8(ascii: "\n"))
        return out.text
    }

    /// Appends the value as it stands at nesting depth `indent` (its first line is not indented:
    /// it follows a key or its container's padding).
    func write(into out: inout ReportOutput, indent: Int) {
        switch self {
        case .object(let members):
            guard !members.isEmpty else { return out.append(staticString: "{}") }
            out.append(staticString: "{\n")
            for (index, (key, value)) in members.enumerated() {
                JSONValue.writeKey(key, indent: indent + 1, into: &out)
                value.write(into: &out, indent: indent + 1)
                out.append(staticString: index == members.count - 1 ? "\n" : ",\n")
            }
            out.append(spaces: 2 * indent)
            out.append(byte: UInt8(ascii: "}"))
        case .array(let items):
            JSONValue.writeArray(items.count, indent: indent, into: &out) { index, out in
                items[index].write(into: &out, indent: indent + 1)
            }
        case .string(let text): out.appendJSONString(text)
        case .number(let text): out.append(text)
        case .bool(let flag): out.append(staticString: flag ? "true" : "false")
        case .null: out.append(staticString: "null")
        }
    }

    /// `  "key": ` of an object member at depth `indent`; the value follows.
    static func writeKey(_ key: String, indent: Int, into out: inout ReportOutput) {
        out.append(spaces: 2 * indent)
        out.appendJSONString(key)
        out.append(staticString: ": ")
    }

    /// An array of `count` items, each written by `item` at depth `indent + 1`, laid out like
    /// ``array(_:)``: a million changes go out one by one, never as one array of values.
    static func writeArray(_ count: Int, indent: Int, into out: inout ReportOutput, item: (Int, inout ReportOutput) -> Void) {
        guard count > 0 else { return out.append(staticString: "[]") }
        out.append(staticString: "[\n")
        for index in 0..<count {
            out.append(spaces: 2 * (indent + 1))
            item(index, &out)
            out.append(staticString: index == count - 1 ? "\n" : ",\n")
        }
        out.append(spaces: 2 * indent)
        out.append(byte: UInt8(ascii: "]"))
    }

    /// RFC 8259 string escaping; non-ASCII stays as UTF-8 (see ``ReportOutput/appendJSONString(_:)``).
    static func quote(_ text: String) -> String {
        var out = ReportOutput()
        out.appendJSONString(text)
        return out.text
    }
}
