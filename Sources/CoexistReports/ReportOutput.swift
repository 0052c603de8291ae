import Foundation

/// The bytes of one report on their way out: appended as UTF-8 and, when the output is a file,
/// handed to it a megabyte at a time, so a report of a hundred megabytes never sits in memory whole.
/// In memory (no file) it keeps everything, for ``text``.
///
/// The renderers append bytes, not `String` pieces: on a 1M-subscription run this is the difference
/// between seconds of string growing and copying and a plain byte loop.
public struct ReportOutput: Sendable {
    /// How much is buffered before it goes to the file.
    static let chunkSize = 1 << 20

    private var bytes: [UInt8] = []
    /// The file the bytes go to; nil keeps them in memory.
    private let descriptor: Int32?
    /// The first write error (`errno`); after it, bytes are dropped and the writer reports it.
    public private(set) var failure: Int32?

    /// An output that keeps everything in memory.
    public init() {
        descriptor = nil
    }

    /// An output that writes to an open file descriptor (which the caller closes).
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        bytes.reserveCapacity(Self.chunkSize + Self.chunkSize / 4)
    }

    /// Everything appended, as text (in-memory outputs).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends the UTF-8 bytes of `text`.
    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        flushIfFull()
    }

    /// Appends the UTF-8 bytes of `text`.
    public mutating func append(_ text: Substring) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        flushIfFull()
    }

    /// `out += text`: how the HTML page writes its literal and interpolated pieces.
    public static func += (out: inout ReportOutput, text: String) {
        out.append(text)
    }

    /// Appends what another (in-memory) output holds.
    public mutating func append(_ other: ReportOutput) {
        bytes.append(contentsOf: other.bytes)
        flushIfFull()
    }

    /// Whether nothing is buffered (in memory: nothing was appended).
    public var isEmpty: Bool { bytes.isEmpty }

    /// Appends one byte (ASCII punctuation of the formats).
    public mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// Appends raw bytes.
    public mutating func append(bytes more: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: more)
        flushIfFull()
    }

    /// Appends a non-negative or negative integer in decimal, without making a String of it.
    public mutating func append(decimal value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            append(magnitude: value.magnitude)
        } else {
            append(magnitude: UInt(value))
        }
    }

    private mutating func append(magnitude value: UInt) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits; UInt.max has 20
        withUnsafeMutableBytes(of: &digits) { buffer in
            var value = value
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            } while value > 0
            bytes.append(contentsOf: buffer[start...])
        }
    }

    /// Appends `count` spaces (JSON indentation).
    public mutating func append(spaces count: Int) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    /// Hands the buffered bytes to the file when a chunk has gathered.
    @inline(__always)
    mutating func flushIfFull() {
        if bytes.count >= Self.chunkSize, descriptor != nil { flush() }
    }

    /// Hands every buffered byte to the file; a no-op in memory.
    public mutating func flush() {
        guard let descriptor else { return }
        defer { bytes.removeAll(keepingCapacity: true) }
        guard failure == nil else { return }
        failure = bytes.withUnsafeBufferPointer { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }
}
