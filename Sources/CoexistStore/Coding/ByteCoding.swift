import CoexistModel
import Foundation

/// Appends values to a compact, deterministic byte form: LEB128 varints, length-prefixed UTF-8,
/// 16-byte GUIDs. The same value always gives the same bytes, which is what content addressing needs.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 128) {
        bytes.reserveCapacity(capacity)
    }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func unsigned(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func count(_ value: Int) { unsigned(UInt64(max(0, value))) }

    /// Zig-zag encoded, so small negative numbers stay small.
    mutating func signed(_ value: Int64) { unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        count(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func guid(_ value: GUID) { bytes.append(contentsOf: value.rawBytes) }

    mutating func date(_ value: ISODate) {
        signed(Int64(value.day))
        if let second = value.secondOfDay {
            byte(1)
            count(second)
        } else {
            byte(0)
        }
    }

    /// A decimal in its exact text form (`25`, `12.5`): lossless and locale-free.
    mutating func decimal(_ value: Decimal) { string(value.exactText) }

    /// A presence byte, then the value when present.
    mutating func optional<T>(_ value: T?, _ write: (inout ByteWriter, T) -> Void) {
        guard let value else {
            byte(0)
            return
        }
        byte(1)
        write(&self, value)
    }
}

/// Reads what ``ByteWriter`` wrote; every read checks bounds and throws on bytes it did not write.
struct ByteReader {
    struct Malformed: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "\(reason) at byte \(offset)" }
    }

    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func byte() throws(Malformed) -> UInt8 {
        guard offset < bytes.count else { throw Malformed(offset: offset, reason: "unexpected end") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func unsigned() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Malformed(offset: offset, reason: "varint too long") }
            value |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { return value }
            shift += 7
        }
    }

    mutating func count() throws(Malformed) -> Int {
        let value = try unsigned()
        guard value <= UInt64(Int.max) else { throw Malformed(offset: offset, reason: "count out of range") }
        return Int(value)
    }

    mutating func signed() throws(Malformed) -> Int64 {
        let raw = try unsigned()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func string() throws(Malformed) -> String {
        let length = try count()
        guard length <= bytes.count - offset else { throw Malformed(offset: offset, reason: "string past the end") }
        defer { offset += length }
        return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
    }

    mutating func bool() throws(Malformed) -> Bool { try byte() != 0 }

    mutating func guid() throws(Malformed) -> GUID {
        guard bytes.count - offset >= 16 else { throw Malformed(offset: offset, reason: "GUID past the end") }
        defer { offset += 16 }
        return GUID(rawBytes: bytes[offset..<offset + 16])
    }

    mutating func date() throws(Malformed) -> ISODate {
        let day = Int(try signed())
        return ISODate(day: day, secondOfDay: try byte() == 1 ? try count() : nil)
    }

    mutating func decimal() throws(Malformed) -> Decimal {
        let text = try string()
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw Malformed(offset: offset, reason: "not a decimal: \(text)")
        }
        return value
    }

    mutating func optional<T>(_ read: (inout ByteReader) throws(Malformed) -> T) throws(Malformed) -> T? {
        try byte() == 0 ? nil : try read(&self)
    }

    /// A value of a string-backed enumeration, by its raw value.
    mutating func enumeration<T: RawRepresentable>(_ type: T.Type) throws(Malformed) -> T where T.RawValue == String {
        let raw = try string()
        guard let value = T(rawValue: raw) else { throw Malformed(offset: offset, reason: "unknown \(T.self) \"\(raw)\"") }
        return value
    }
}

extension GUID {
    /// The 16 bytes of the GUID in text order.
    var rawBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        var high: UInt8?
        for byte in text.utf8 where byte != UInt8(ascii: "-") {
            let nibble = byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : byte - UInt8(ascii: "a") + 10
            if let first = high {
                out.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }

    /// The GUID of 16 bytes written by ``rawBytes``.
    init(rawBytes: ArraySlice<UInt8>) {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (index, byte) in rawBytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        // The text is well formed by construction, so parsing cannot fail.
        self = GUID(parsing: String(decoding: out, as: UTF8.self))!
    }
}

extension Decimal {
    /// The exact text of the value, without rounding, exponent or grouping.
    var exactText: String { description }
}
