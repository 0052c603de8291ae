import CoexistModel
import Foundation

/// What `mapping init` learns from a sample file: its sources (CSV headers, JSON paths of the items,
/// XML paths around the repeated element), a few distinct values of each, and the language the
/// headers are in.
struct MappingSample {
    struct Source {
        /// As the mapping writes it.
        let name: String
        /// The last path component (the header itself for CSV), for guessing.
        let lastComponent: String
        /// The element or object it belongs to (`Subscription` for `@id`), for guessing.
        var parent: String? = nil
    }

    /// Distinct values kept per source, and records looked at.
    static let maxValues = 50
    static let maxRecords = 10_000

    var syntax: Layout.Syntax
    var sources: [Source] = []
    /// Per source, distinct non-empty values in order of appearance.
    var values: [[String]] = []
    var records: String?
    var language: Language?

    /// What the first bytes of the file say it is.
    static func sniff(_ path: String) throws(IngestError) -> Sniffer.Guess {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(file: path, reason: "cannot open the file") }
        let head = [UInt8]((try? handle.read(upToCount: 4096)) ?? Data())
        try? handle.close()
        return Sniffer.guess(head)
    }

    static func read(path: String, context: IngestContext) throws(IngestError) -> MappingSample {
        switch try sniff(path) {
        case .empty: throw .unrecognized(file: path, reason: "the file is empty")
        case .text: return try csv(path: path, context: context)
        case .json: return try json(path: path)
        case .xml: return try xml(path: path)
        }
    }

    private mutating func note(_ index: Int, _ value: String) {
        let text = value.trimmingWhitespace()
        guard !text.isEmpty, values[index].count < MappingSample.maxValues, !values[index].contains(text) else { return }
        values[index].append(text)
    }

    private static func csv(path: String, context: IngestContext) throws(IngestError) -> MappingSample {
        let reader = try CSVReader(path: path, displayName: path)
        var sample = MappingSample(syntax: .csv)
        sample.sources = reader.header.filter { !$0.isEmpty }.map { Source(name: $0, lastComponent: $0) }
        sample.values = Array(repeating: [], count: sample.sources.count)
        let counts = context.languages.map { language in reader.header.filter { language.english($0) != nil }.count }
        if let best = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[best] > 0 { sample.language = context.languages[best] }
        var seen = 0
        while seen < maxRecords, let record = try reader.next() {
            seen += 1
            for index in 0..<min(record.count, sample.sources.count) { sample.note(index, record.string(at: index)) }
        }
        return sample
    }

    private static func json(path: String) throws(IngestError) -> MappingSample {
        let list = JSONListReader(tokenizer: try JSONTokenizer(path: path, displayName: path))
        var sample = MappingSample(syntax: .json)
        var index: [String: Int] = [:]
        var seen = 0
        while seen < maxRecords, let item = try list.nextItem() {
            seen += 1
            for (name, value) in flatten(item, prefix: "") {
                let position = index[name] ?? sample.sources.count
                if index[name] == nil {
                    index[name] = position
                    let parts = name.split(separator: ".").map(String.init)
                    sample.sources.append(
                        Source(name: name, lastComponent: parts.last ?? name, parent: parts.count > 1 ? parts[parts.count - 2] : nil))
                    sample.values.append([])
                }
                sample.note(position, value)
            }
        }
        return sample
    }

    /// Scalar members of an item as `a.b` paths (two levels deep; lists of scalars as one value).
    private static func flatten(_ node: JSONNode, prefix: String, depth: Int = 0) -> [(String, String)] {
        node.members.flatMap { member -> [(String, String)] in
            let name = prefix.isEmpty ? member.key : prefix + "." + member.key
            if case .object = member.value.value {
                return depth < 2 ? flatten(member.value, prefix: name, depth: depth + 1) : []
            }
            return member.value.text.map { [(name, $0)] } ?? []
        }
    }

    private static func xml(path: String) throws(IngestError) -> MappingSample {
        let collector = XMLShapeCollector()
        do {
            try XMLStreamReader.parse(path: path, displayName: path, handler: collector)
        } catch let error as IngestError {
            throw error
        } catch {
            if !(error is XMLShapeCollector.Enough) { throw .unreadable(file: path, reason: "\(error)") }
        }
        return collector.sample()
    }
}

/// Collects element paths, their attributes and text over the first elements of a document.
private final class XMLShapeCollector: XMLEventHandler {
    struct Enough: Error {}

    private var stack: [String] = []
    private var counts: [String: Int] = [:]
    private var order: [String] = []
    private var attributes: [String: [String]] = [:]
    private var hasChildren: Set<String> = []
    private var values: [String: [String]] = [:]
    private var text = ""
    private var elements = 0

    func startElement(_ name: String, namespaceURI: String?, attributes: [String: String], line: Int, column: Int) throws {
        if let parent = stack.last { hasChildren.insert(parent) }
        stack.append(stack.isEmpty ? name : (stack.last ?? "") + "/" + name)
        let path = stack[stack.count - 1]
        if counts[path] == nil { order.append(path) }
        counts[path, default: 0] += 1
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            if !(self.attributes[path] ?? []).contains(key) { self.attributes[path, default: []].append(key) }
            record(path + "/@" + key, value)
        }
        text = ""
        elements += 1
        if elements > MappingSample.maxRecords * 10 { throw Enough() }
    }

    func endElement(_ name: String, namespaceURI: String?) throws {
        let path = stack.removeLast()
        if !hasChildren.contains(path) { record(path, text) }
        text = ""
    }

    func characters(_ chunk: String) throws { text += chunk }

    private func record(_ key: String, _ value: String) {
        let trimmed = value.trimmingWhitespace()
        var list = values[key] ?? []
        if !trimmed.isEmpty, list.count < MappingSample.maxValues, !list.contains(trimmed) { list.append(trimmed) }
        values[key] = list
    }

    /// The repeated element with most occurrences is the record; its ancestors' attributes and its
    /// own attributes and leaf children are the sources.
    func sample() -> MappingSample {
        var sample = MappingSample(syntax: .xml)
        let repeated = order.filter { (counts[$0] ?? 0) > 1 && (attributes[$0] != nil || hasChildren.contains($0)) }
        guard let record = repeated.max(by: { (counts[$0] ?? 0) < (counts[$1] ?? 0) }) ?? order.dropFirst().first ?? order.first else {
            return sample
        }
        sample.records = record
        let components = record.split(separator: "/").map(String.init)
        func add(_ name: String, _ key: String, _ last: String) {
            // The element a value sits on: the attribute's element, or a leaf's parent.
            let elements = key.split(separator: "/").filter { !$0.hasPrefix("@") }.map(String.init)
            let parent = key.contains("/@") ? elements.last : elements.dropLast().last
            sample.sources.append(MappingSample.Source(name: name, lastComponent: last, parent: parent))
            sample.values.append(values[key] ?? [])
        }
        for depth in 1..<components.count {
            let ancestor = components.prefix(depth).joined(separator: "/")
            for attribute in attributes[ancestor] ?? [] { add(ancestor + "/@" + attribute, ancestor + "/@" + attribute, attribute) }
        }
        for attribute in attributes[record] ?? [] { add("@" + attribute, record + "/@" + attribute, attribute) }
        for path in order where path.hasPrefix(record + "/") {
            let relative = String(path.dropFirst(record.count + 1))
            for attribute in attributes[path] ?? [] { add(relative + "/@" + attribute, path + "/@" + attribute, attribute) }
            if !hasChildren.contains(path) { add(relative, path, String(relative.split(separator: "/").last ?? "")) }
        }
        return sample
    }
}
