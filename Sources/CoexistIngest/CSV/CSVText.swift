/// Byte-level text checks the CSV scanner needs: byte order marks, UTF-8 sequences, and how to name
/// a character in an error message.
enum CSVText {
    /// What the first bytes of a file say about its encoding.
    enum ByteOrderMark: Equatable {
        case none
        /// EF BB BF: UTF-8, skipped.
        case utf8
        /// A UTF-16 or UTF-32 mark: refused, the file has to be saved as UTF-8.
        case refused(reason: String)

        /// The mark at the start of `bytes` (pass at least 4 bytes when the file has them).
        static func detect(_ bytes: UnsafeBufferPointer<UInt8>) -> ByteOrderMark {
            func starts(with prefix: [UInt8]) -> Bool {
                bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { $0 == $1 }
            }
            // UTF-32 LE first: its mark begins with the UTF-16 LE mark.
            if starts(with: [0xFF, 0xFE, 0x00, 0x00]) || starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
                return .refused(reason: "UTF-32 text: save the file as UTF-8")
            }
            if starts(with: [0xFF, 0xFE]) || starts(with: [0xFE, 0xFF]) {
                return .refused(reason: "UTF-16 text: save the file as UTF-8")
            }
            if starts(with: [0xEF, 0xBB, 0xBF]) {
                return .utf8
            }
            return .none
        }
    }

    /// Length (2...4) of the well-formed UTF-8 sequence at `p` whose lead byte is ≥ 0x80, or 0 when
    /// it is ill-formed (Unicode Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
    /// `available` is how many bytes can be read from `p`; a sequence cut short by it is ill-formed.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, available: Int) -> Int {
        let lead = p[0]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: return 0
        }
        guard available >= length else { return 0 }
        let second = p[1]
        guard second >= low && second <= high else { return 0 }
        for index in 2..<length where p[index] & 0xC0 != 0x80 {
            return 0
        }
        return length
    }

    /// How an error message names the character at `p`: `'x'`, `a space`, `U+00A0`, or `byte 0x93`.
    static func describeCharacter(at p: UnsafePointer<UInt8>, available: Int) -> String {
        let byte = p[0]
        switch byte {
        case 0x20: return "a space"
        case 0x09: return "a tab"
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        case 0x00...0x7F: return "U+" + hex(UInt32(byte), digits: 4)
        default:
            let length = sequenceLength(p, available: available)
            guard length > 0 else { return "byte 0x" + hex(UInt32(byte), digits: 2) }
            let text = String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self)
            let scalar = text.unicodeScalars.first?.value ?? 0xFFFD
            return "U+" + hex(scalar, digits: 4)
        }
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// `text` without white space (Unicode `White_Space`) at either end.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
