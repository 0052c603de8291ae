import CLibXML2

/// The SAX2 callback table handed to libxml2: every callback is a C function that captures nothing and
/// finds its ``XMLPushSession`` through the user-data pointer.
///
/// Left empty on purpose: the tree-building defaults (`xmlSAX2*`), which would build a DOM and resolve
/// entities, and the variadic `warning`/`error`/`fatalError` printers (errors arrive through `serror`).
/// Comments and processing instructions are ignored.
enum XMLSAXTable {
    static func make() -> xmlSAXHandler {
        var sax = xmlSAXHandler()
        sax.initialized = XML_SAX2_MAGIC

        sax.startElementNs = { context, localName, _, namespaceURI, _, _, attributeCount, _, attributes in
            guard let session = XMLPushSession.from(context), let localName else { return }
            session.startElement(
                localName: localName, namespaceURI: namespaceURI,
                attributes: attributes, attributeCount: Int(attributeCount))
        }
        sax.endElementNs = { context, localName, _, namespaceURI in
            guard let session = XMLPushSession.from(context), let localName else { return }
            session.endElement(localName: localName, namespaceURI: namespaceURI)
        }
        sax.characters = { context, text, length in
            guard let session = XMLPushSession.from(context), let text, length > 0 else { return }
            session.characters(UnsafeBufferPointer(start: text, count: Int(length)))
        }
        // Only called for blanks libxml2 deems ignorable (with a DTD, or NOBLANKS): still text to us.
        sax.ignorableWhitespace = sax.characters
        sax.cdataBlock = { context, text, length in
            guard let session = XMLPushSession.from(context), let text, length > 0 else { return }
            session.characters(UnsafeBufferPointer(start: text, count: Int(length)))
        }

        // A DOCTYPE is refused the moment libxml2 has read `<!DOCTYPE name ExternalID`, before any of
        // its internal subset (entity declarations) is parsed.
        sax.internalSubset = { context, _, _, _ in
            XMLPushSession.from(context)?.refuseDoctype()
        }
        sax.externalSubset = { context, _, _, _ in
            XMLPushSession.from(context)?.refuseDoctype()
        }
        // Unreachable once DOCTYPEs are refused; each refuses again should that ever change.
        sax.entityDecl = { context, name, _, _, _, _ in
            XMLPushSession.from(context)?.refuseEntity(name, what: "entity declarations")
        }
        sax.unparsedEntityDecl = { context, name, _, _, _ in
            XMLPushSession.from(context)?.refuseEntity(name, what: "entity declarations")
        }
        sax.getParameterEntity = { context, name in
            XMLPushSession.from(context)?.refuseEntity(name, what: "parameter entity references")
            return nil
        }
        sax.resolveEntity = { context, _, systemID in
            XMLPushSession.from(context)?.refuseEntity(systemID, what: "external entities")
            return nil
        }
        // libxml2 answers the five predefined entities itself and asks here for any other name.
        sax.getEntity = { context, name in
            XMLPushSession.from(context)?.refuseEntity(name, what: "entity references")
            return nil
        }
        sax.reference = { context, name in
            XMLPushSession.from(context)?.refuseEntity(name, what: "entity references")
        }

        sax.serror = { context, error in
            guard let session = XMLPushSession.from(context), let error else { return }
            session.libxml2Reported(error.pointee)
        }
        return sax
    }
}

extension XMLPushSession {
    /// The session behind libxml2's user-data pointer (see ``XMLPushSession`` on why unretained is safe).
    static func from(_ pointer: UnsafeMutableRawPointer?) -> XMLPushSession? {
        guard let pointer else { return nil }
        return Unmanaged<XMLPushSession>.fromOpaque(pointer).takeUnretainedValue()
    }
}
