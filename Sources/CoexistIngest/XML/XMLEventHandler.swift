/// Receives the events of one document. Called on the parsing thread, in document order.
///
/// Throwing from any method stops the parser at once; ``XMLStreamReader`` rethrows the error unchanged.
public protocol XMLEventHandler: AnyObject {
    /// `name` is the local name; `namespaceURI` nil when none; attribute keys are local names, values fully decoded (`&amp;` → `&`, `&#252;` → `ü`).
    ///
    /// `line` and `column` (1-based) are where the start tag's `<` is. When two attributes share a local
    /// name (`id` and `x:id`), the one without a namespace wins, else the first one.
    func startElement(_ name: String, namespaceURI: String?, attributes: [String: String], line: Int, column: Int)
        throws
    /// The end of the element most recently started and not yet ended (also sent for `<empty/>`).
    func endElement(_ name: String, namespaceURI: String?) throws
    /// Text content, decoded; may arrive in several pieces for one text node.
    ///
    /// White space between elements arrives too; CDATA sections arrive as plain text.
    func characters(_ text: String) throws
}

/// A handler that reads start tags and text as libxml2's bytes: the session calls these two methods
/// instead of ``XMLEventHandler``'s `startElement` and `characters`, and builds no `String` for an
/// attribute value or a piece of text unless the handler asks (``XMLStartTag/attributes()``).
///
/// Limits, refusals and positions are checked before these are called, exactly as for the others.
protocol XMLByteEventHandler: XMLEventHandler {
    /// A start tag; `tag` is valid only during the call.
    func startElement(_ name: String, namespaceURI: String?, tag: XMLStartTag, line: Int, column: Int) throws
    /// Text content as ``XMLEventHandler/characters(_:)`` would receive it, as UTF-8 bytes valid only
    /// during the call. A piece may end inside a character where libxml2 splits a text node.
    func characters(bytes: UnsafeBufferPointer<UInt8>) throws
}
