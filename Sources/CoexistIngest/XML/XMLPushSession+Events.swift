import CLibXML2

/// What the SAX callbacks do: check limits and refused features, then hand decoded events to the handler.
///
/// Once the session has failed, libxml2 is stopped and sends nothing more; the guards are belt and braces.
extension XMLPushSession {
    /// The namespaces of XInclude 1.0 and of its 2003 draft, which libxml2 also honours.
    static let xincludeNamespaces: Set<String> = [
        "http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude",
    ]

    /// `attributes` is libxml2's array of (localname, prefix, URI, value start, value end) per attribute.
    func startElement(
        localName: UnsafePointer<xmlChar>, namespaceURI: UnsafePointer<xmlChar>?,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int
    ) {
        guard failure == nil else { return }
        let position = elementStartPosition()
        depth += 1
        textBytes = 0
        sawElement = true
        guard depth <= limits.maxDepth else {
            return refuse("elements are nested deeper than \(limits.maxDepth) levels (limit maxXMLDepth)", at: position)
        }
        let name = interned(localName)
        let namespace = namespaceURI.map { String(cString: $0) }
        if let namespace, Self.xincludeNamespaces.contains(namespace) {
            return refuse("XInclude is not supported (element <\(name)> in \(namespace))", at: position)
        }

        var values: [String: String] = [:]
        values.reserveCapacity(attributeCount)
        var namespacedKeys: Set<String> = []
        for index in 0..<(attributes == nil ? 0 : attributeCount) {
            // Safe: libxml2 passes 5 pointers per attribute; the loop is empty when the array is nil.
            let fields = attributes!.advanced(by: 5 * index)
            guard let key = fields[0], let start = fields[3], let end = fields[4] else { continue }
            let raw = UnsafeBufferPointer(start: start, count: max(0, end - start))
            guard let value = decodeAttributeValue(raw) else {
                let reason =
                    "attribute \(String(cString: key)) of <\(name)> is longer than \(limits.maxAttributeBytes) bytes (limit maxXMLAttributeBytes)"
                return refuse(reason, at: position)
            }
            let keyString = interned(key)
            let isNamespaced = fields[2] != nil
            if values[keyString] == nil {
                values[keyString] = value
                if isNamespaced { namespacedKeys.insert(keyString) }
            } else if !isNamespaced, namespacedKeys.contains(keyString) {
                values[keyString] = value
                namespacedKeys.remove(keyString)
            }
        }

        do {
            try handler.startElement(
                name, namespaceURI: namespace, attributes: values, line: position.line, column: position.column)
        } catch {
            fail(error)
        }
    }

    func endElement(localName: UnsafePointer<xmlChar>, namespaceURI: UnsafePointer<xmlChar>?) {
        guard failure == nil else { return }
        depth -= 1
        textBytes = 0
        do {
            try handler.endElement(String(cString: localName), namespaceURI: namespaceURI.map { String(cString: $0) })
        } catch {
            fail(error)
        }
    }

    /// Text and CDATA. libxml2 has already decoded predefined entities and character references here.
    func characters(_ text: UnsafeBufferPointer<UInt8>) {
        guard failure == nil else { return }
        textBytes += text.count
        guard textBytes <= limits.maxTextBytes else {
            return refuse("a text node is longer than \(limits.maxTextBytes) bytes (limit maxXMLTextBytes)", at: currentPosition())
        }
        do {
            try handler.characters(String(decoding: text, as: UTF8.self))
        } catch {
            fail(error)
        }
    }

    func refuseDoctype() {
        refuse("DOCTYPE declarations are not allowed", at: currentPosition())
    }

    /// `name` is an entity name or, for external entities, a system identifier; nil when libxml2 has none.
    func refuseEntity(_ name: UnsafePointer<xmlChar>?, what: String) {
        let subject = name.map { " (\(String(cString: $0)))" } ?? ""
        refuse("\(what) are not allowed\(subject)", at: currentPosition())
    }

    /// Decodes what libxml2 hands over as an attribute value; nil when longer than the limit.
    ///
    /// Without XML_PARSE_NOENT, libxml2 decodes predefined entities and character references in
    /// attribute values except one: an `&` (from `&amp;` or `&#38;`) comes as the five bytes `&#38;`, to
    /// be re-parsed by its tree builder. Every other entity reference is refused, so every `&` in the
    /// value starts such an escape, and replacing them left to right restores the text exactly.
    func decodeAttributeValue(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        let ampersand = UInt8(ascii: "&")
        guard raw.contains(ampersand) else {
            return raw.count <= limits.maxAttributeBytes ? String(decoding: raw, as: UTF8.self) : nil
        }
        let escape: [UInt8] = Array("&#38;".utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            if raw[index] == ampersand, raw.count - index >= escape.count,
                raw[index..<(index + escape.count)].elementsEqual(escape)
            {
                decoded.append(ampersand)
                index += escape.count
            } else {
                decoded.append(raw[index])
                index += 1
            }
        }
        return decoded.count <= limits.maxAttributeBytes ? String(decoding: decoded, as: UTF8.self) : nil
    }
}
