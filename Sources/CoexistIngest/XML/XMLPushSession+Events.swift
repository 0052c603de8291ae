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

        let tag = XMLStartTag(fields: attributes, count: attributeCount, session: self)
        for index in 0..<tag.count {
            guard let key = tag.localName(at: index), let raw = tag.rawValue(at: index) else { continue }
            // The decoded value is never longer than libxml2's bytes: count it only when those are.
            guard raw.count <= limits.maxAttributeBytes || XMLStartTag.decodedCount(raw) <= limits.maxAttributeBytes else {
                let reason =
                    "attribute \(String(cString: key)) of <\(name)> is longer than \(limits.maxAttributeBytes) bytes (limit maxXMLAttributeBytes)"
                return refuse(reason, at: position)
            }
        }

        do {
            if let byteHandler {
                try byteHandler.startElement(name, namespaceURI: namespace, tag: tag, line: position.line, column: position.column)
            } else {
                try handler.startElement(
                    name, namespaceURI: namespace, attributes: tag.attributes(), line: position.line, column: position.column)
            }
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
            if let byteHandler {
                try byteHandler.characters(bytes: text)
            } else {
                try handler.characters(String(decoding: text, as: UTF8.self))
            }
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
}
