import CLibXML2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// libxml2's process-wide and per-thread settings that the XML reader depends on.
///
/// Process-wide, once: `xmlInitParser` and an external-entity loader that refuses everything. No other
/// code in the process may replace that loader (FoundationXML's `XMLParser` would: coexist does not use
/// it). Per thread, for the duration of each `xmlParseChunk` only: libxml2's structured and generic error
/// channels, so nothing is ever printed and errors raised outside a parser context still reach the session.
enum LibXML2Environment {
    /// Marks a parser context as created by ``XMLPushSession`` (stored in its `_private` field).
    // Immutable after initialization and only ever compared, never dereferenced.
    nonisolated(unsafe) static let parserMarker = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    /// libxml2's default generic error handler prints to the `FILE *` given as its context; this one
    /// discards. (Its handler type is variadic, which Swift cannot implement.) Never closed.
    // A FILE stream is safe to share between threads; the pointer never changes.
    nonisolated(unsafe) private static let discardStream: UnsafeMutablePointer<FILE>? = fopen("/dev/null", "w")

    private static let installed: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, parser in
            // Reached only if something other than a DOCTYPE (refused first) asks for an entity.
            if let parser, parser.pointee._private == LibXML2Environment.parserMarker,
                let session = XMLPushSession.from(parser.pointee.userData)
            {
                session.refuse("external entities are not allowed", at: session.currentPosition())
            }
            return nil
        }
    }()

    /// Initializes libxml2 and installs the refusing entity loader, once per process; thread-safe.
    static func prepare() {
        installed
    }

    /// Runs `body` with libxml2's error channels of this thread pointed at `session` (or, when nil, with
    /// the generic channel silenced only), then restores them.
    static func withErrorsReported(to session: XMLPushSession?, _ body: () -> Void) {
        let savedStructured = __xmlStructuredError()?.pointee
        let savedStructuredContext = __xmlStructuredErrorContext()?.pointee
        let savedGeneric = __xmlGenericError()?.pointee
        let savedGenericContext = __xmlGenericErrorContext()?.pointee
        defer {
            xmlSetStructuredErrorFunc(savedStructuredContext, savedStructured)
            xmlSetGenericErrorFunc(savedGenericContext, savedGeneric)
        }
        if let session {
            xmlSetStructuredErrorFunc(Unmanaged.passUnretained(session).toOpaque()) { context, error in
                guard let session = XMLPushSession.from(context), let error else { return }
                session.libxml2Reported(error.pointee)
            }
        }
        if let discardStream {
            xmlSetGenericErrorFunc(UnsafeMutableRawPointer(discardStream), nil)
        }
        body()
    }

    /// Asks libxml2 to load `url` as an external entity, as a parser would; true when anything loaded.
    ///
    /// Exists so tests can prove the installed loader refuses (`file:///etc/passwd` loads without it).
    static func externalEntityLoads(_ url: String) -> Bool {
        prepare()
        guard let parser = xmlNewParserCtxt() else { return false }
        defer { xmlFreeParserCtxt(parser) }
        var loaded = false
        withErrorsReported(to: nil) {
            if let input = xmlLoadExternalEntity(url, nil, parser) {
                loaded = true
                xmlFreeInputStream(input)
            }
        }
        return loaded
    }
}
