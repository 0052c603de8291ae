import CoexistModel

/// One record as read from a file, before its values are parsed: canonical column → text.
///
/// The readers (CSV, XML, real-world layouts) produce these; ``RecordDecoder`` turns them into the
/// model. A column that is absent from the record's source is nil, which the model keeps as *unknown*.
struct RawRecord {
    private var texts: [String?] = Array(repeating: nil, count: CanonicalColumn.allCases.count)
    private var columns: [Int] = Array(repeating: 0, count: CanonicalColumn.allCases.count)
    /// File and line of the record.
    var source: Provenance

    init(source: Provenance) { self.source = source }

    /// Empties the record for the next one of a file, keeping its storage: readers reuse one record
    /// rather than allocate two arrays per row.
    mutating func reset(source: Provenance) {
        self.source = source
        for index in texts.indices {
            texts[index] = nil
            columns[index] = 0
        }
    }

    subscript(column: CanonicalColumn) -> String? {
        get { texts[column.rawValue] }
        set { texts[column.rawValue] = newValue }
    }

    /// Sets a value and the 1-based column it was read at (for messages).
    mutating func set(_ column: CanonicalColumn, _ text: String, at position: Int) {
        texts[column.rawValue] = text
        columns[column.rawValue] = position
    }

    /// The 1-based column the value was read at; 1 when unknown.
    func position(of column: CanonicalColumn) -> Int { max(1, columns[column.rawValue]) }

    /// The value trimmed; nil when the column is absent, "" when present but empty.
    func trimmed(_ column: CanonicalColumn) -> String? { self[column]?.trimmingWhitespace() }
}

/// A record that could not be decoded: the column and why.
struct DecodeFailure: Error {
    let column: CanonicalColumn
    let message: String
}
