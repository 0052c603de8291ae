/// Caps that keep a hostile or broken export from exhausting memory or time (docs/reliability.md).
///
/// Each has a name, used alike by `--limit NAME=VALUE`, the configuration's `limits` object and the
/// message of the error that a file over it raises (which names file, line and column). The XML caps
/// stay below libxml2's own (nesting 256, which its 2.9 push parser does not even enforce; text and
/// attribute values 10,000,000 bytes), so coexist's cap is the one that applies, with its message.
public struct IngestLimits: Sendable, Equatable {
    /// CSV: the longest field, in bytes of content.
    public var maxFieldBytes = 1 << 20
    /// CSV: the most fields in one record (the header included).
    public var maxFields = 10_000
    /// CSV: the longest record, in bytes from its first to its last field.
    public var maxRecordBytes = 8 << 20
    /// Every format: the most records in one export set (all files and kinds together, rejected ones too).
    /// About 2.3 times the largest set measured (docs/performance.md: 1M subscriptions, 2.15M records
    /// with their licenses and relationships, took 4.8 GB for both sides); a gigabyte of record-shaped
    /// garbage stops here instead of filling memory with rejected records.
    public var maxRecords = 5_000_000
    /// XML: the deepest element nesting (the root element is depth 1).
    public var maxXMLDepth = 64
    /// XML: the longest attribute value, in UTF-8 bytes after decoding.
    public var maxXMLAttributeBytes = 64 << 10
    /// XML: the longest text between two tags, in UTF-8 bytes after decoding.
    public var maxXMLTextBytes = 1 << 20
    /// XML: the most attributes on one start tag.
    public var maxXMLAttributes = 256
    /// JSON: the deepest nesting of objects and arrays.
    public var maxJSONDepth = 64
    /// JSON: the longest string or number, in bytes.
    public var maxJSONStringBytes = 1 << 20
    /// JSON: the most memory one list item (or the envelope around the list) may take, in bytes.
    public var maxJSONItemBytes = 16 << 20

    /// The defaults.
    public init() {}

    /// What a name may be set to, and why not more.
    private static let ceilings: [String: (Int, String)] = [
        "maxXMLDepth": (255, "it stays below libxml2's own nesting limit of 256"),
        "maxXMLAttributeBytes": (9_999_999, "it stays below libxml2's own limit of 10,000,000 bytes"),
        "maxXMLTextBytes": (9_999_999, "it stays below libxml2's own limit of 10,000,000 bytes"),
    ]

    // Computed, not stored: key paths are not Sendable.
    private static var keyPaths: [(String, WritableKeyPath<IngestLimits, Int>)] {
        [
            ("maxFieldBytes", \.maxFieldBytes), ("maxFields", \.maxFields), ("maxRecordBytes", \.maxRecordBytes),
            ("maxRecords", \.maxRecords), ("maxXMLDepth", \.maxXMLDepth), ("maxXMLAttributeBytes", \.maxXMLAttributeBytes),
            ("maxXMLTextBytes", \.maxXMLTextBytes), ("maxXMLAttributes", \.maxXMLAttributes), ("maxJSONDepth", \.maxJSONDepth),
            ("maxJSONStringBytes", \.maxJSONStringBytes), ("maxJSONItemBytes", \.maxJSONItemBytes),
        ]
    }

    /// Every limit's name, in documentation order.
    public static var names: [String] { keyPaths.map(\.0) }

    /// The value of the limit with this name (nil for an unknown name).
    public func value(of name: String) -> Int? {
        Self.keyPaths.first { $0.0 == name }.map { self[keyPath: $0.1] }
    }

    /// Sets one limit; the error says what is wrong in words (an unknown name, a value out of range).
    public mutating func set(_ name: String, to value: Int) -> String? {
        guard let path = Self.keyPaths.first(where: { $0.0 == name })?.1 else {
            return "unknown limit \"\(name)\"; known: \(Self.names.joined(separator: ", "))"
        }
        guard value >= 1 else { return "\(name) must be a positive whole number" }
        if let (ceiling, why) = Self.ceilings[name], value > ceiling {
            return "\(name) may be at most \(ceiling): \(why)"
        }
        self[keyPath: path] = value
        return nil
    }

    /// The CSV reader's share, `records` being what is left of ``maxRecords`` for this file.
    func csv(records: Int) -> CSVReader.Limits {
        var limits = CSVReader.Limits(maxFieldBytes: maxFieldBytes, maxFields: maxFields)
        limits.maxRecordBytes = maxRecordBytes
        limits.maxRecords = records
        return limits
    }

    /// The XML reader's share.
    var xml: XMLStreamReader.Limits {
        var limits = XMLStreamReader.Limits()
        limits.maxDepth = maxXMLDepth
        limits.maxAttributeBytes = maxXMLAttributeBytes
        limits.maxTextBytes = maxXMLTextBytes
        limits.maxAttributesPerElement = maxXMLAttributes
        return limits
    }

    /// The JSON tokenizer's share.
    var json: JSONTokenizer.Limits {
        JSONTokenizer.Limits(maxStringBytes: maxJSONStringBytes, maxDepth: maxJSONDepth)
    }

    /// The message of a file that holds more records than the export set may: `left` were left for it.
    static func tooManyRecords(left: Int) -> String {
        "more records than the export set may hold (limit maxRecords; \(left) were left for this file after the earlier ones; "
            + "a larger export raises it with --limit maxRecords=N or the configuration's \"limits\")"
    }
}

/// What is left of ``IngestLimits/maxRecords`` for one XML file, counted as its records start.
struct XMLRecordBudget {
    let left: Int
    private(set) var counted = 0

    init(left: Int) { self.left = left }

    /// Counts a record starting at `line`:`column`; one more than is left refuses the file there.
    mutating func count(file: String, line: Int, column: Int) throws(IngestError) {
        counted += 1
        if counted > left {
            throw .refusedXML(file: file, line: line, column: column, reason: IngestLimits.tooManyRecords(left: left))
        }
    }
}
