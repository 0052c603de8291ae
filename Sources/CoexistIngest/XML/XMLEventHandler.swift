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
