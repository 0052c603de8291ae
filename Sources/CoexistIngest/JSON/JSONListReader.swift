import CoexistModel

/// Walks the shapes in which Microsoft's APIs return lists, one item at a time:
///
/// - Graph: `{"@odata.context": …, "value": [ … ]}`;
/// - Partner Center: `{"totalCount": …, "items": [ … ], "links": …, "attributes": …}`;
/// - a bare list `[ … ]` (PowerShell's `ConvertTo-Json` of a collection);
/// - a single resource `{ … }` (one Partner Center Subscription), which is then the only item.
///
/// Only one item is in memory at a time; the members around the list (the *envelope*) are kept, so
/// an empty collection can still be recognized by its `@odata.context` or `links`.
final class JSONListReader {
    /// Per-item (and envelope) memory bound, by default.
    static let itemBudget = 16 << 20

    private enum Mode {
        case notOpened
        case list(insideObject: Bool)
        case single(JSONNode)
        case finished
    }

    let tokenizer: JSONTokenizer
    private let listKeys: Set<String>
    private let itemBudget: Int
    private let maxItems: Int
    private(set) var items = 0
    private var mode = Mode.notOpened
    private var envelopeBudget: Int
    /// Members of the top-level object other than the list; complete once ``nextItem()`` returned nil.
    private(set) var envelope: [JSONNode.Member] = []
    /// Line and column of the top-level value.
    private(set) var documentLine = 1
    private(set) var documentColumn = 1
    /// Whether the document is one resource rather than a list.
    private(set) var isSingleResource = false

    /// `listKeys`: the member names that hold the list (compared by ``canonicalKey(_:)``); `itemBudget`:
    /// the bytes one item (and the envelope) may take; `maxItems`: the most items read before an error.
    init(
        tokenizer: JSONTokenizer, listKeys: Set<String> = ["items", "value"], itemBudget: Int = JSONListReader.itemBudget,
        maxItems: Int = .max
    ) {
        self.tokenizer = tokenizer
        self.listKeys = Set(listKeys.map { canonicalKey($0) })
        self.itemBudget = itemBudget
        self.maxItems = maxItems
        envelopeBudget = itemBudget
    }

    /// The next item, with the line it starts at; nil at the end of the list.
    func nextItem() throws(IngestError) -> JSONNode? {
        if case .notOpened = mode { try open() }
        switch mode {
        case .notOpened, .finished:
            return nil
        case .single(let node):
            mode = .finished
            return node
        case .list(let insideObject):
            // Non-nil: inside an open list the tokenizer always has a token or throws.
            let token = try tokenizer.next()!
            if token == .endArray {
                mode = .finished
                if insideObject { try readMembers() }
                try expectEnd()
                return nil
            }
            items += 1
            if items > maxItems {
                throw tokenizer.malformed(tokenizer.tokenLine, tokenizer.tokenColumn, IngestLimits.tooManyRecords(left: maxItems))
            }
            var budget = itemBudget
            return try JSONNode.read(token, from: tokenizer, budget: &budget)
        }
    }

    /// The envelope member at a path (`links.self.uri`), compared ignoring case.
    func envelopeValue(at path: [String]) -> JSONNode? {
        guard let first = path.first else { return nil }
        let key = canonicalKey(first)
        guard let member = envelope.first(where: { canonicalKey($0.key) == key }) else { return nil }
        return member.value.value(at: Array(path.dropFirst()))
    }

    private func open() throws(IngestError) {
        guard let first = try tokenizer.next() else { return }
        documentLine = tokenizer.tokenLine
        documentColumn = tokenizer.tokenColumn
        switch first {
        case .beginArray:
            mode = .list(insideObject: false)
        case .beginObject:
            if try readMembers(stoppingAtList: true) {
                mode = .list(insideObject: true)
            } else {
                isSingleResource = true
                mode = .single(JSONNode(value: .object(envelope), line: documentLine, column: documentColumn))
                envelope = []
                try expectEnd()
            }
        default:
            throw tokenizer.malformed(
                documentLine, documentColumn, "expected an object or a list at the top of the document, found a single value")
        }
    }

    /// Reads members of the top-level object into the envelope until its end, or (when
    /// `stoppingAtList`) until a list key whose value is a list: true when it stopped there.
    @discardableResult
    private func readMembers(stoppingAtList: Bool = false) throws(IngestError) -> Bool {
        while let token = try tokenizer.next() {
            guard case .key(let key) = token else { return false }
            // Non-nil: the tokenizer enforces that a value follows every key.
            let valueToken = try tokenizer.next()!
            if stoppingAtList && valueToken == .beginArray && listKeys.contains(canonicalKey(key)) { return true }
            envelope.append(JSONNode.Member(key: key, value: try JSONNode.read(valueToken, from: tokenizer, budget: &envelopeBudget)))
        }
        return false
    }

    private func expectEnd() throws(IngestError) {
        if try tokenizer.next() != nil {
            throw tokenizer.malformed(tokenizer.tokenLine, tokenizer.tokenColumn, "text after the end of the JSON document")
        }
    }
}
