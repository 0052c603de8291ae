/// The escapes of the report formats, byte by byte over UTF-8: runs of bytes that need nothing are
/// copied whole. Swift strings are valid UTF-8, so a byte below 0x80 is always a whole character and
/// multi-byte characters pass through untouched (apart from U+2028 and U+2029 in JSON).
extension ReportOutput {
    /// `text` as a JSON string literal (RFC 8259): `"` and `\` escaped, `\n` `\r` `\t` by name, other
    /// control characters and DEL as `\u00XX` (lower-case hex), U+2028 and U+2029 as `\u2028` and
    /// `\u2029` (JavaScript line terminators); everything else as UTF-8.
    public mutating func appendJSONString(_ text: String) {
        append(byte: UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { source in
            var runStart = 0
            var index = 0
            while index < source.count {
                let byte = source[index]
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte != 0x7F && byte != 0xE2 {
                    index += 1
                    continue
                }
                var consumed = 1
                let escape: StaticString
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case 0xE2:
                    // U+2028 is E2 80 A8, U+2029 is E2 80 A9; any other E2 sequence passes.
                    guard index + 2 < source.count, source[index + 1] == 0x80,
                        source[index + 2] == 0xA8 || source[index + 2] == 0xA9
                    else {
                        index += 1
                        continue
                    }
                    escape = source[index + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                    consumed = 3
                default:
                    append(bytes: UnsafeBufferPointer(rebasing: source[runStart..<index]))
                    let hex: StaticString = "0123456789abcdef"
                    append(staticString: "\\u00")
                    append(byte: hex.utf8Start[Int(byte >> 4)])
                    append(byte: hex.utf8Start[Int(byte & 0x0F)])
                    index += 1
                    runStart = index
                    continue
                }
                append(bytes: UnsafeBufferPointer(rebasing: source[runStart..<index]))
                append(staticString: escape)
                index += consumed
                runStart = index
            }
            append(bytes: UnsafeBufferPointer(rebasing: source[runStart..<source.count]))
        }
        append(byte: UInt8(ascii: "\""))
    }

    /// `text` escaped for HTML element content and quoted attribute values: `& < > " '` as
    /// entities, NUL as U+FFFD (the replacement character); everything else as UTF-8. With
    /// `wrappingAfterSlashes`, each `/` is followed by `<wbr>`, so a path may wrap at its directories.
    public mutating func appendHTMLEscaped(_ text: String, wrappingAfterSlashes: Bool = false) {
        var text = text
        text.withUTF8 { source in
            var runStart = 0
            for index in source.indices {
                let escape: StaticString
                switch source[index] {
                case UInt8(ascii: "&"): escape = "&amp;"
                case UInt8(ascii: "<"): escape = "&lt;"
                case UInt8(ascii: ">"): escape = "&gt;"
                case UInt8(ascii: "\""): escape = "&quot;"
                case UInt8(ascii: "'"): escape = "&#39;"
                case 0: escape = "\u{FFFD}"
                case UInt8(ascii: "/") where wrappingAfterSlashes: escape = "/<wbr>"
                default: continue
                }
                append(bytes: UnsafeBufferPointer(rebasing: source[runStart..<index]))
                append(staticString: escape)
                runStart = index + 1
            }
            append(bytes: UnsafeBufferPointer(rebasing: source[runStart..<source.count]))
        }
    }

    /// Appends a literal's UTF-8 bytes.
    public mutating func append(staticString text: StaticString) {
        append(bytes: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
