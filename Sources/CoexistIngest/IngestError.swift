/// Why a file of an export set could not be read at all.
///
/// A file that raises one of these contributes nothing to the model: the run stops with exit code 2 and
/// no report is written. Problems inside one well-formed record are not errors but `invalid-value`
/// findings (see ``RecordProblem``).
public enum IngestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file cannot be opened or read (missing, a directory, permissions).
    case unreadable(file: String, reason: String)
    /// The bytes are not UTF-8 text (a NUL byte, invalid UTF-8, a UTF-16 or UTF-32 byte order mark).
    case notText(file: String, line: Int, column: Int, reason: String)
    /// A CSV file breaks RFC 4180 structure: an unterminated quote, a stray quote, a ragged row.
    case malformedCSV(file: String, line: Int, column: Int, reason: String)
    /// A JSON file is not well formed, or is not of a shape coexist knows.
    case malformedJSON(file: String, line: Int, column: Int, reason: String)
    /// libxml2 reported the document is not well-formed XML (mismatched tags, truncated, bad characters).
    case malformedXML(file: String, line: Int, column: Int, reason: String)
    /// The document uses an XML feature coexist refuses on untrusted input: a DOCTYPE, an entity
    /// reference, XInclude, an encoding other than UTF-8, or nesting deeper than the limit.
    case refusedXML(file: String, line: Int, column: Int, reason: String)
    /// A data file (`.csv`, `.tsv`, `.xml`, `.json`) whose content matches no known kind.
    case unrecognized(file: String, reason: String)
    /// A header that fits two kinds equally well; the user has to say which with a mapping.
    case ambiguous(file: String, kinds: [String])
    /// A mapping, language or offer catalogue file that cannot be used (a typo, an unknown field).
    case invalidMapping(file: String, line: Int, column: Int, reason: String)
    /// A per-customer export that does not say which tenant it is about (SPEC §2.3).
    case tenantUnknown(file: String, format: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case .unreadable(let file, _), .notText(let file, _, _, _), .malformedCSV(let file, _, _, _),
            .malformedJSON(let file, _, _, _), .malformedXML(let file, _, _, _),
            .refusedXML(let file, _, _, _), .unrecognized(let file, _), .ambiguous(let file, _),
            .invalidMapping(let file, _, _, _), .tenantUnknown(let file, _):
            return file
        }
    }

    /// Line and column when the error has a position (1-based), else nil.
    public var position: (line: Int, column: Int)? {
        switch self {
        case .notText(_, let line, let column, _), .malformedCSV(_, let line, let column, _),
            .malformedJSON(_, let line, let column, _), .malformedXML(_, let line, let column, _),
            .refusedXML(_, let line, let column, _), .invalidMapping(_, let line, let column, _):
            return (line, column)
        case .unreadable, .unrecognized, .ambiguous, .tenantUnknown:
            return nil
        }
    }

    /// The message alone, without the file and position prefix.
    public var reason: String {
        switch self {
        case .unreadable(_, let reason): return "cannot read file: \(reason)"
        case .notText(_, _, _, let reason): return "not UTF-8 text: \(reason)"
        case .malformedCSV(_, _, _, let reason): return "malformed CSV: \(reason)"
        case .malformedJSON(_, _, _, let reason): return "malformed JSON: \(reason)"
        case .malformedXML(_, _, _, let reason): return "malformed XML: \(reason)"
        case .refusedXML(_, _, _, let reason): return "refused XML: \(reason)"
        case .unrecognized(_, let reason): return "unrecognized export: \(reason)"
        case .ambiguous(_, let kinds):
            return "the header fits \(kinds.joined(separator: " and ")) equally well; "
                + "add a mapping file that says which kind this is"
        case .invalidMapping(_, _, _, let reason): return "invalid mapping: \(reason)"
        case .tenantUnknown(_, let format):
            return "a \(format) export does not say which tenant it is about: put the tenant id (GUID) in the file's "
                + "name (e.g. subscriptions-<tenant id>.csv) or its folder's name, or pass --tenant <tenant id>"
        }
    }

    /// `file:line:column: message`, the form compilers use and editors jump to.
    public var description: String {
        if let (line, column) = position {
            return "\(file):\(line):\(column): \(reason)"
        }
        return "\(file): \(reason)"
    }
}
