/// Checks every byte before libxml2 sees it, in one pass that carries over from chunk to chunk.
///
/// - UTF-8 (Unicode's well-formed byte sequences: no overlongs, surrogates or code points past
///   U+10FFFF) and no NUL byte, else `notText` with the line and column of the offending character.
/// - The number of attributes in each start tag, else `refusedXML`: libxml2 2.9 compares every
///   attribute name with every earlier one in the same tag, so a single tag with a few hundred thousand
///   attributes would take it minutes, before any callback could stop it.
///
/// The markup tracking knows just enough XML to find start tags: comments, CDATA sections, processing
/// instructions and quoted attribute values. After `<!` that opens neither a comment nor CDATA (a
/// DOCTYPE, or a syntax error) it stops counting: libxml2 refuses the document at that point anyway.
struct XMLPreflightScanner {
    /// A problem at byte `offset` of the chunk just scanned.
    struct Problem {
        enum Kind {
            case notText(String)
            case tooManyAttributes(limit: Int)
        }
        var offset: Int
        var line: Int
        var column: Int
        var kind: Kind

        func error(file: String) -> IngestError {
            switch kind {
            case .notText(let reason):
                return .notText(file: file, line: line, column: column, reason: reason)
            case .tooManyAttributes(let limit):
                return .refusedXML(
                    file: file, line: line, column: column,
                    reason: "a start tag has more than \(limit) attributes (limit maxXMLAttributes)")
            }
        }
    }

    private enum Markup {
        case content
        case afterLessThan
        case afterBang
        case afterBangDash
        case comment(dashes: Int)
        case cdata(brackets: Int)
        case processingInstruction(afterQuestionMark: Bool)
        case startTag
        case quoted(UInt8)
        case endTag
        case opaque
    }

    let maxAttributesPerElement: Int
    private var line = 1
    private var column = 1
    /// Continuation bytes still expected for the current multi-byte sequence, and the range allowed
    /// for the next one (narrower than 80...BF right after E0, ED, F0 and F4).
    private var continuationsLeft = 0
    private var nextContinuation: ClosedRange<UInt8> = 0x80...0xBF
    private var sequenceStart = (line: 1, column: 1)
    private var markup = Markup.content
    private var attributes = 0
    private var tagStart = (line: 1, column: 1)

    /// Where the next byte would be: after `finish()`, the end of the document.
    var position: (line: Int, column: Int) { (line, column) }

    init(maxAttributesPerElement: Int) {
        self.maxAttributesPerElement = maxAttributesPerElement
    }

    /// Scans the next bytes; returns the first problem in them, if any.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        var offset = 0
        while offset < bytes.count {
            // Text and attribute values are long runs of bytes that change nothing but the column:
            // skipped in a tight loop (measured: the byte-by-byte state machine was a fifth of
            // reading a canonical export).
            if continuationsLeft == 0, let stops = runStops {
                let end = Self.endOfRun(bytes, from: offset, stops: stops)
                column += end - offset
                offset = end
                if offset == bytes.count { break }
            }
            defer { offset += 1 }
            let byte = bytes[offset]
            if continuationsLeft > 0 {
                guard nextContinuation.contains(byte) else {
                    return invalidSequence(at: offset)  // reported where the broken character starts
                }
                continuationsLeft -= 1
                nextContinuation = 0x80...0xBF
                continue
            }
            if byte < 0x80 {
                if byte == 0 {
                    return Problem(offset: offset, line: line, column: column, kind: .notText("a NUL byte"))
                }
                if let problem = track(byte, at: offset) { return problem }
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                continue
            }
            sequenceStart = (line, column)
            column += 1
            switch byte {
            case 0xC2...0xDF: continuationsLeft = 1
            case 0xE0: (continuationsLeft, nextContinuation) = (2, 0xA0...0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: continuationsLeft = 2
            case 0xED: (continuationsLeft, nextContinuation) = (2, 0x80...0x9F)
            case 0xF0: (continuationsLeft, nextContinuation) = (3, 0x90...0xBF)
            case 0xF1...0xF3: continuationsLeft = 3
            case 0xF4: (continuationsLeft, nextContinuation) = (3, 0x80...0x8F)
            default: return invalidSequence(at: offset)  // not a lead byte
            }
        }
        return nil
    }

    /// The bytes that end a run in the current markup state (the others leave it as it is); nil where
    /// every byte may change the state.
    private var runStops: (UInt8, UInt8, UInt8, UInt8)? {
        switch markup {
        case .content: (0x3C, 0x3C, 0x3C, 0x3C)  // <
        case .quoted(let quote): (quote, quote, quote, quote)
        case .startTag: (0x22, 0x27, 0x3E, 0x3D)  // " ' > =
        case .endTag: (0x3E, 0x3E, 0x3E, 0x3E)  // >
        default: nil
        }
    }

    /// The offset of the first byte from `start` on that the per-byte path must see: one of `stops`, a
    /// line feed, NUL or a non-ASCII byte. Every byte before it is ASCII that only advances the column.
    ///
    /// Eight bytes at a time (measured: the byte loop was still a tenth of `coexist validate`): a byte
    /// of `word ^ pattern` is zero where the word has the pattern's byte, and the lowest byte that
    /// ``zeroByteMask(_:)`` flags is exact (its false positives lie only above a true zero byte).
    private static func endOfRun(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, stops: (UInt8, UInt8, UInt8, UInt8)
    ) -> Int {
        var end = start
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let patterns = (
                UInt64(stops.0) &* ones, UInt64(stops.1) &* ones, UInt64(stops.2) &* ones, UInt64(stops.3) &* ones,
                UInt64(UInt8(ascii: "\n")) &* ones
            )
            while end + 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self))
                let special =
                    (word & 0x8080_8080_8080_8080) | zeroByteMask(word) | zeroByteMask(word ^ patterns.0)
                    | zeroByteMask(word ^ patterns.1) | zeroByteMask(word ^ patterns.2) | zeroByteMask(word ^ patterns.3)
                    | zeroByteMask(word ^ patterns.4)
                if special != 0 { return end + special.trailingZeroBitCount / 8 }
                end += 8
            }
        }
        while end < bytes.count {
            let byte = bytes[end]
            if byte == stops.0 || byte == stops.1 || byte == stops.2 || byte == stops.3 || byte == UInt8(ascii: "\n")
                || byte == 0 || byte >= 0x80
            {
                break
            }
            end += 1
        }
        return end
    }

    /// At the end of the input: a multi-byte sequence cut short is a problem.
    func finish() -> Problem? {
        guard continuationsLeft > 0 else { return nil }
        return Problem(
            offset: 0, line: sequenceStart.line, column: sequenceStart.column,
            kind: .notText("the file ends inside a UTF-8 character"))
    }

    /// A problem at the character that `sequenceStart` marks.
    private func invalidSequence(at offset: Int) -> Problem {
        Problem(
            offset: offset, line: sequenceStart.line, column: sequenceStart.column,
            kind: .notText("invalid UTF-8 byte sequence"))
    }

    /// Advances the markup state by one ASCII byte (other bytes never change it).
    private mutating func track(_ byte: UInt8, at offset: Int) -> Problem? {
        switch markup {
        case .content:
            if byte == UInt8(ascii: "<") {
                markup = .afterLessThan
                tagStart = (line, column)
            }
        case .afterLessThan:
            switch byte {
            case UInt8(ascii: "!"): markup = .afterBang
            case UInt8(ascii: "?"): markup = .processingInstruction(afterQuestionMark: false)
            case UInt8(ascii: "/"): markup = .endTag
            default:
                attributes = 0
                markup = .startTag
                return track(byte, at: offset)
            }
        case .afterBang:
            switch byte {
            case UInt8(ascii: "-"): markup = .afterBangDash
            case UInt8(ascii: "["): markup = .cdata(brackets: 0)
            default: markup = .opaque
            }
        case .afterBangDash:
            markup = byte == UInt8(ascii: "-") ? .comment(dashes: 0) : .opaque
        case .comment(let dashes):
            if byte == UInt8(ascii: ">"), dashes >= 2 {
                markup = .content
            } else {
                markup = .comment(dashes: byte == UInt8(ascii: "-") ? min(dashes + 1, 2) : 0)
            }
        case .cdata(let brackets):
            if byte == UInt8(ascii: ">"), brackets >= 2 {
                markup = .content
            } else {
                markup = .cdata(brackets: byte == UInt8(ascii: "]") ? min(brackets + 1, 2) : 0)
            }
        case .processingInstruction(let afterQuestionMark):
            if byte == UInt8(ascii: ">"), afterQuestionMark {
                markup = .content
            } else {
                markup = .processingInstruction(afterQuestionMark: byte == UInt8(ascii: "?"))
            }
        case .startTag:
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"): markup = .quoted(byte)
            case UInt8(ascii: ">"): markup = .content
            case UInt8(ascii: "="):
                attributes += 1
                if attributes > maxAttributesPerElement {
                    return Problem(
                        offset: offset, line: tagStart.line, column: tagStart.column,
                        kind: .tooManyAttributes(limit: maxAttributesPerElement))
                }
            default: break
            }
        case .quoted(let quote):
            if byte == quote { markup = .startTag }
        case .endTag:
            if byte == UInt8(ascii: ">") { markup = .content }
        case .opaque:
            break
        }
        return nil
    }
}

/// The high bit of every byte of `word` that is zero, and possibly of bytes above the lowest such one
/// (a borrow runs upward): the lowest flagged byte is always a zero byte. Little-endian words, so the
/// lowest byte is the first in memory.
@inline(__always)
func zeroByteMask(_ word: UInt64) -> UInt64 {
    (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
}
