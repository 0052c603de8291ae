import CLibXML2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The attributes of one start tag as libxml2 handed them over: bytes, valid only during the
/// ``XMLByteEventHandler/startElement(_:namespaceURI:tag:line:column:)`` call that receives the tag.
///
/// A handler reads the attributes it knows straight from these bytes, and asks ``attributes()`` for the
/// same dictionary ``XMLEventHandler/startElement(_:namespaceURI:attributes:line:column:)`` receives
/// whenever it is unsure. The session has already refused a tag with an over-long value.
struct XMLStartTag {
    /// libxml2's array of (localname, prefix, URI, value start, value end) per attribute.
    private let fields: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    /// How many attributes the tag has.
    let count: Int
    /// Unowned and unchecked: a tag lives only during the session's own callback, and a reference
    /// count per start tag showed in profiles.
    private unowned(unsafe) let session: XMLPushSession

    init(fields: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, count: Int, session: XMLPushSession) {
        self.fields = fields
        self.count = fields == nil ? 0 : count
        self.session = session
    }

    /// The NUL-terminated local name of attribute `index`; nil when libxml2 gave none.
    func localName(at index: Int) -> UnsafePointer<UInt8>? { fields![5 * index] }

    /// Whether attribute `index` is in a namespace (`x:id`).
    func isNamespaced(at index: Int) -> Bool { fields![5 * index + 2] != nil }

    /// The value of attribute `index` as libxml2 gives it: decoded, except that every `&` is still the
    /// five bytes `&#38;` (see ``appendDecoded(_:to:)``). nil when libxml2 gave none.
    func rawValue(at index: Int) -> UnsafeBufferPointer<UInt8>? {
        guard let start = fields![5 * index + 3], let end = fields![5 * index + 4] else { return nil }
        return UnsafeBufferPointer(start: start, count: max(0, end - start))
    }

    /// The attributes keyed by local name, values fully decoded: when two share a local name (`id` and
    /// `x:id`), the one without a namespace wins, else the first one.
    func attributes() -> [String: String] {
        var values: [String: String] = [:]
        values.reserveCapacity(count)
        var namespacedKeys: Set<String> = []
        for index in 0..<count {
            guard let key = localName(at: index), let raw = rawValue(at: index) else { continue }
            let value = XMLStartTag.decoded(raw)
            let keyString = session.interned(key)
            let isNamespaced = isNamespaced(at: index)
            if values[keyString] == nil {
                values[keyString] = value
                if isNamespaced { namespacedKeys.insert(keyString) }
            } else if !isNamespaced, namespacedKeys.contains(keyString) {
                values[keyString] = value
                namespacedKeys.remove(keyString)
            }
        }
        return values
    }

    /// The first attribute (by the rule of ``attributes()``) of that local name, as its raw value.
    func rawValue(named name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        var found: UnsafeBufferPointer<UInt8>?
        var foundNamespaced = false
        for index in 0..<count {
            guard let key = localName(at: index), let raw = rawValue(at: index),
                strlen(UnsafeRawPointer(key).assumingMemoryBound(to: CChar.self)) == name.utf8CodeUnitCount,
                memcmp(key, name.utf8Start, name.utf8CodeUnitCount) == 0
            else { continue }
            let namespaced = isNamespaced(at: index)
            if found == nil {
                (found, foundNamespaced) = (raw, namespaced)
            } else if !namespaced, foundNamespaced {
                (found, foundNamespaced) = (raw, false)
            }
        }
        return found
    }

    // MARK: - Values

    /// The value as text: every `&#38;` turned back into `&`.
    static func decoded(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        guard hasAmpersand(raw) else { return String(decoding: raw, as: UTF8.self) }
        var bytes: [UInt8] = []
        appendDecoded(raw, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the value's bytes with every `&#38;` turned back into `&`.
    ///
    /// libxml2 decodes everything else; every `&` it leaves starts such an escape (the session refuses
    /// every other entity reference), so replacing them left to right restores the text exactly.
    static func appendDecoded(_ raw: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        guard hasAmpersand(raw) else {
            bytes.append(contentsOf: raw)
            return
        }
        var index = 0
        while index < raw.count {
            if startsEscape(raw, at: index) {
                bytes.append(UInt8(ascii: "&"))
                index += escapeLength
            } else {
                bytes.append(raw[index])
                index += 1
            }
        }
    }

    /// The bytes the value has once decoded (what the attribute limit counts).
    static func decodedCount(_ raw: UnsafeBufferPointer<UInt8>) -> Int {
        var count = raw.count
        var index = 0
        while index < raw.count {
            if startsEscape(raw, at: index) {
                count -= escapeLength - 1
                index += escapeLength
            } else {
                index += 1
            }
        }
        return count
    }

    private static let escapeLength = 5

    /// Whether the value holds an `&`: `memchr` rather than `contains`, which goes byte by byte
    /// (measured: 2% of reading a canonical export, where almost no value has one).
    @inline(__always)
    private static func hasAmpersand(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = raw.baseAddress, !raw.isEmpty else { return false }
        return memchr(base, Int32(UInt8(ascii: "&")), raw.count) != nil
    }

    /// Whether `&#38;` starts at `index`.
    @inline(__always)
    private static func startsEscape(_ raw: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        raw[index] == UInt8(ascii: "&") && raw.count - index >= escapeLength && raw[index + 1] == UInt8(ascii: "#")
            && raw[index + 2] == UInt8(ascii: "3") && raw[index + 3] == UInt8(ascii: "8") && raw[index + 4] == UInt8(ascii: ";")
    }
}
