import CoexistModel

/// One member of a snapshot: a stored record and where the snapshot saw it.
struct MemberEntry: Equatable {
    let record: Int64
    /// 1-based index into the snapshot's file table; 0 when the item names no source.
    let file: Int
    let line: Int
}

/// The members of one tenant in one snapshot, as a compact blob.
///
/// Entries are sorted by file and line, then written as deltas to the previous entry, and runs of
/// equal deltas are written once with their length. A tenant whose records sit on consecutive lines
/// and were stored in that order (the usual case) costs a few bytes whatever its size, which keeps a
/// nightly snapshot of unchanged data nearly free.
enum MembershipCoding {
    static func encode(_ entries: [MemberEntry]) -> [UInt8] {
        let sorted = entries.sorted { ($0.file, $0.line, $0.record) < ($1.file, $1.line, $1.record) }
        var out = ByteWriter(capacity: 16)
        out.count(sorted.count)
        var previous = (record: Int64(0), file: 0, line: 0)
        var run: (delta: (Int64, Int64, Int64), length: Int)?
        func flush(_ out: inout ByteWriter, _ run: (delta: (Int64, Int64, Int64), length: Int)) {
            out.count(run.length)
            out.signed(run.delta.0)
            out.signed(run.delta.1)
            out.signed(run.delta.2)
        }
        for entry in sorted {
            let delta = (entry.record - previous.record, Int64(entry.file - previous.file), Int64(entry.line - previous.line))
            previous = (entry.record, entry.file, entry.line)
            if let current = run, current.delta == delta {
                run = (delta, current.length + 1)
            } else {
                if let current = run { flush(&out, current) }
                run = (delta, 1)
            }
        }
        if let current = run { flush(&out, current) }
        return out.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(ByteReader.Malformed) -> [MemberEntry] {
        var input = ByteReader(bytes)
        let total = try input.count()
        var entries: [MemberEntry] = []
        entries.reserveCapacity(min(total, 1 << 20))
        var record: Int64 = 0
        var file = 0
        var line = 0
        while entries.count < total {
            let length = try input.count()
            let delta = (try input.signed(), try input.signed(), try input.signed())
            guard length > 0, length <= total - entries.count else {
                throw ByteReader.Malformed(offset: input.offset, reason: "run length \(length) out of range")
            }
            for _ in 0..<length {
                record += delta.0
                file += Int(delta.1)
                line += Int(delta.2)
                entries.append(MemberEntry(record: record, file: file, line: line))
            }
        }
        guard input.isAtEnd else { throw ByteReader.Malformed(offset: input.offset, reason: "trailing bytes") }
        return entries
    }
}

/// A sorted list of integer ids as a blob: deltas, with runs of equal deltas written once.
enum IDListCoding {
    static func encode(_ ids: [Int64]) -> [UInt8] {
        MembershipCoding.encode(ids.map { MemberEntry(record: $0, file: 0, line: 0) })
    }

    static func decode(_ bytes: [UInt8]) throws(ByteReader.Malformed) -> [Int64] {
        try MembershipCoding.decode(bytes).map(\.record)
    }
}

/// The snapshot-wide parts of the model that belong to no tenant: record problems, the ids of
/// skipped records, and the exporting partners.
struct SnapshotExtras: Equatable {
    var problems: [RecordProblem] = []
    var invalidSubscriptionIDs: Set<SubscriptionID> = []

    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.byte(1)
        out.count(problems.count)
        for problem in problems {
            out.string(problem.kind.rawValue)
            write(problem.source, &out)
            out.count(problem.column)
            out.string(problem.message)
            out.optional(problem.tenant) { $0.guid($1.guid) }
            out.optional(problem.subscription) { $0.guid($1.guid) }
            out.optional(problem.keptSource) { write($1, &$0) }
        }
        let ids = invalidSubscriptionIDs.sorted()
        out.count(ids.count)
        for id in ids { out.guid(id.guid) }
        return out.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(ByteReader.Malformed) -> SnapshotExtras {
        typealias Reader = ByteReader
        var input = ByteReader(bytes)
        guard try input.byte() == 1 else { throw ByteReader.Malformed(offset: 0, reason: "unknown extras format") }
        var extras = SnapshotExtras()
        for _ in 0..<(try input.count()) {
            let kind = try input.enumeration(RecordProblem.Kind.self)
            let source = try readProvenance(&input)
            let column = try input.count()
            let message = try input.string()
            let tenant = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in TenantID(try reader.guid()) }
            let subscription = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in
                SubscriptionID(try reader.guid())
            }
            let kept = try input.optional { (reader: inout Reader) throws(Reader.Malformed) in try readProvenance(&reader) }
            extras.problems.append(
                RecordProblem(
                    kind: kind, source: source, column: column, message: message, tenant: tenant, subscription: subscription,
                    keptSource: kept))
        }
        for _ in 0..<(try input.count()) { extras.invalidSubscriptionIDs.insert(SubscriptionID(try input.guid())) }
        return extras
    }

    private func write(_ provenance: Provenance, _ out: inout ByteWriter) {
        out.string(provenance.file)
        out.count(provenance.line)
    }

    private static func readProvenance(_ input: inout ByteReader) throws(ByteReader.Malformed) -> Provenance {
        Provenance(file: try input.string(), line: try input.count())
    }
}
