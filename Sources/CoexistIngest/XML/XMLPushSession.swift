import CLibXML2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One document being parsed: owns the libxml2 push parser and the state its SAX callbacks share.
///
/// Bytes pass three checks in order: ``XMLPrologGate`` (byte order mark, declared encoding), then
/// ``XMLPreflightScanner`` (UTF-8, NUL, attributes per tag), then libxml2. The SAX callbacks find this
/// object through libxml2's user-data pointer; it is passed unretained, and every callback runs inside
/// ``feed(_:)`` or ``finish()``, while the caller holds the session.
final class XMLPushSession {
    let displayName: String
    let limits: XMLStreamReader.Limits
    let handler: any XMLEventHandler
    /// The handler again when it reads bytes (``XMLByteEventHandler``), asked once rather than per event.
    let byteHandler: (any XMLByteEventHandler)?
    /// The first error: from libxml2, from a refusal, or thrown by the handler. Later ones are dropped.
    private(set) var failure: (any Error)?
    /// Open elements, counted by the SAX callbacks.
    var depth = 0
    /// Bytes of text since the last tag, counted by the SAX callbacks.
    var textBytes = 0

    /// True from the first start tag on.
    var sawElement = false
    /// True while libxml2 is told the input has ended.
    private var finishing = false

    private var parser: xmlParserCtxtPtr?
    /// Element and attribute names by libxml2's pointer: its parser interns names, so a document of
    /// millions of elements repeats a few dozen pointers. Each hit is checked against the bytes.
    // Read and written only by `interned`, in the parser's callbacks (one at a time, on one thread).
    @exclusivity(unchecked) private var names: [UnsafeRawPointer: String] = [:]
    private var prolog = XMLPrologGate()
    private var scanner: XMLPreflightScanner

    /// libxml2 options: no network, and the declared encoding ignored (checked by ``XMLPrologGate``
    /// instead). Never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE or RECOVER.
    static let parserOptions = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue)

    init(displayName: String, limits: XMLStreamReader.Limits, handler: any XMLEventHandler) throws {
        self.displayName = displayName
        self.limits = limits
        self.handler = handler
        self.byteHandler = handler as? any XMLByteEventHandler
        self.scanner = XMLPreflightScanner(maxAttributesPerElement: limits.maxAttributesPerElement)
        LibXML2Environment.prepare()

        var sax = XMLSAXTable.make()
        // No initial bytes: libxml2 would sniff an encoding from them before the options below apply.
        guard let parser = xmlCreatePushParserCtxt(&sax, Unmanaged.passUnretained(self).toOpaque(), nil, 0, nil)
        else {
            throw IngestError.unreadable(file: displayName, reason: "libxml2 could not allocate a parser")
        }
        self.parser = parser
        parser.pointee._private = LibXML2Environment.parserMarker
        let unsupported = xmlCtxtUseOptions(parser, Self.parserOptions)
        guard unsupported == 0 else {
            throw IngestError.unreadable(file: displayName, reason: "libxml2 rejected parser options \(unsupported)")
        }
        // Settles the encoding before any byte arrives, so libxml2 never sniffs one (UTF-16, UCS-4,
        // EBCDIC) from the first bytes; the prolog gate has already taken off a UTF-8 byte order mark.
        xmlSwitchEncoding(parser, XML_CHAR_ENCODING_UTF8)
    }

    deinit {
        guard let parser else { return }
        // Only the tree-building SAX2 callbacks create a document, and they are not used; free one anyway.
        if let document = parser.pointee.myDoc { xmlFreeDoc(document) }
        xmlFreeParserCtxt(parser)
    }

    /// Checks the next bytes of the document and parses them; throws the first error found.
    func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        if prolog.isOpen {
            try screenAndParse(bytes)
        } else if let released = try prolog.take(bytes, displayName: displayName) {
            try released.withUnsafeBufferPointer { try screenAndParse($0) }
        }
    }

    /// Ends the document: parses what is left and throws if it is incomplete or not well-formed.
    func finish() throws {
        if !prolog.isOpen {
            let released = try prolog.finish(displayName: displayName)
            try released.withUnsafeBufferPointer { try screenAndParse($0) }
        }
        if let problem = scanner.finish() {
            throw problem.error(file: displayName)
        }
        finishing = true
        try push(UnsafeBufferPointer(start: nil, count: 0), terminate: true)
        if let parser, parser.pointee.wellFormed == 0 {
            // libxml2 always reports why; this is for the day it does not.
            let (line, column) = currentPosition()
            throw IngestError.malformedXML(
                file: displayName, line: line, column: column, reason: "the document is not well-formed")
        }
    }

    /// Bytes up to the scanner's first problem go to libxml2 first, so an earlier error there wins.
    private func screenAndParse(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        let problem = scanner.scan(bytes)
        let clean = problem.map { UnsafeBufferPointer(rebasing: bytes[..<$0.offset]) } ?? bytes
        try push(clean, terminate: false)
        if let problem {
            throw problem.error(file: displayName)
        }
    }

    private func push(_ bytes: UnsafeBufferPointer<UInt8>, terminate: Bool) throws {
        if let failure { throw failure }
        guard let parser else { return }
        LibXML2Environment.withErrorsReported(to: self) {
            let start = UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self)
            // The return value repeats what the error callbacks already recorded.
            _ = xmlParseChunk(parser, start, Int32(bytes.count), terminate ? 1 : 0)
        }
        if let failure { throw failure }
    }

    // MARK: - Failing

    /// Records the first error and stops libxml2 at once (`xmlStopParser` is safe inside callbacks).
    func fail(_ error: any Error) {
        guard failure == nil else { return }
        failure = error
        if let parser { xmlStopParser(parser) }
    }

    /// Fails with ``IngestError/refusedXML(file:line:column:reason:)``.
    func refuse(_ reason: String, at position: (line: Int, column: Int)) {
        fail(IngestError.refusedXML(file: displayName, line: position.line, column: position.column, reason: reason))
    }

    /// Turns an error or fatal error of libxml2 into ``IngestError/malformedXML(file:line:column:reason:)``.
    func libxml2Reported(_ error: xmlError) {
        guard error.level != XML_ERR_WARNING, error.level != XML_ERR_NONE else { return }
        var message = error.message.map { String(cString: $0) } ?? "libxml2 error \(error.code)"
        while let last = message.last, last.isWhitespace { message.removeLast() }
        var (line, column) = (Int(error.line), Int(error.int2))
        if line < 1 { (line, column) = currentPosition() }
        // At the end of input, libxml2 2.9's push parser says "Extra content at the end of the document"
        // for a document that is empty or cut short; say what happened, at the end of the file.
        if finishing, error.code == Int32(XML_ERR_DOCUMENT_END.rawValue), depth > 0 || !sawElement {
            message =
                sawElement
                ? "premature end of data: the file ends with \(depth) element(s) still open"
                : "the document has no root element"
            (line, column) = scanner.position
        }
        fail(IngestError.malformedXML(file: displayName, line: line, column: max(1, column), reason: message))
    }

    // MARK: - Positions

    /// Where libxml2 is reading now (1-based).
    func currentPosition() -> (line: Int, column: Int) {
        guard let input = parser?.pointee.input?.pointee else { return (1, 1) }
        return (max(1, Int(input.line)), max(1, Int(input.col)))
    }

    /// Where the `<` of the start tag being reported is, called from the start-element callback.
    ///
    /// libxml2 reports a start tag after its last attribute, so its own line is that of the tag's end.
    /// The tag itself is still in libxml2's buffer (a `<` cannot occur inside it), and libxml2 keeps at
    /// least 80 bytes before it; when the start of a multi-line tag's first line is no longer buffered,
    /// the column counts from the oldest buffered byte.
    func elementStartPosition() -> (line: Int, column: Int) {
        guard let input = parser?.pointee.input?.pointee, let base = input.base, var cursor = input.cur,
            cursor >= base
        else { return currentPosition() }
        var newlines = 0
        var charactersSinceNewline = 0
        let lessThans = UInt64(UInt8(ascii: "<")) &* 0x0101_0101_0101_0101
        let lineFeeds = UInt64(UInt8(ascii: "\n")) &* 0x0101_0101_0101_0101
        while cursor > base {
            // Eight bytes at a time while they hold neither `<` nor a line feed, counting the bytes that
            // start a character (measured: byte by byte, this walk over every start tag was 4% of reading).
            while cursor - base >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(cursor - 8).loadUnaligned(as: UInt64.self))
                if zeroByteMask(word ^ lessThans) | zeroByteMask(word ^ lineFeeds) != 0 { break }
                let continuations = word & ~(word << 1) & 0x8080_8080_8080_8080
                charactersSinceNewline += 8 - continuations.nonzeroBitCount
                cursor -= 8
            }
            guard cursor > base else { break }
            cursor -= 1
            let byte = cursor.pointee
            if byte == UInt8(ascii: "<") { break }
            if byte == UInt8(ascii: "\n") {
                newlines += 1
                charactersSinceNewline = 0
            } else if byte & 0xC0 != 0x80 {
                charactersSinceNewline += 1
            }
        }
        guard cursor.pointee == UInt8(ascii: "<") else { return currentPosition() }
        let line = max(1, Int(input.line) - newlines)
        if newlines == 0 {
            return (line, max(1, Int(input.col) - charactersSinceNewline - 1))
        }
        var lineStart = cursor
        var column = 1
        while lineStart > base, lineStart[-1] != UInt8(ascii: "\n") {
            lineStart -= 1
            if lineStart.pointee & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }

    /// The name at `pointer` as a String, made once per distinct name.
    func interned(_ pointer: UnsafePointer<xmlChar>) -> String {
        let key = UnsafeRawPointer(pointer)
        if let known = names[key],
            known.utf8.withContiguousStorageIfAvailable({ bytes in
                strlen(key.assumingMemoryBound(to: CChar.self)) == bytes.count
                    && (bytes.isEmpty || memcmp(key, bytes.baseAddress!, bytes.count) == 0)
            }) == true
        {
            return known
        }
        let made = String(cString: pointer)
        names[key] = made
        return made
    }
}
