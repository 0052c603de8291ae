import Testing

@testable import CoexistModel

@Suite("ValuesFingerprinter")
struct ValuesFingerprinterTests {
    private static func fingerprint(_ fields: [[UInt8]], layout: [Int] = [0, 1, 2]) -> ValuesFingerprint {
        var fingerprinter = ValuesFingerprinter(layout: layout)
        fingerprinter.reset()
        for field in fields { field.withUnsafeBufferPointer { fingerprinter.add($0) } }
        return fingerprinter.finish()
    }

    @Test("the same fields give the same fingerprint, row after row")
    func sameFieldsSameFingerprint() {
        let fields = [Array("Microsoft 365 E3".utf8), Array("25".utf8), []]
        var fingerprinter = ValuesFingerprinter(layout: [0, 1, 2])
        var seen: [ValuesFingerprint] = []
        for _ in 0..<3 {
            fingerprinter.reset()
            for field in fields { field.withUnsafeBufferPointer { fingerprinter.add($0) } }
            seen.append(fingerprinter.finish())
        }
        #expect(Set(seen).count == 1)
        #expect(seen[0] == Self.fingerprint(fields))
        #expect(seen[0].isKnown)
    }

    @Test("fields cannot run into each other; any byte, any length, the layout all count")
    func everyDifferenceCounts() {
        #expect(Self.fingerprint([Array("ab".utf8), Array("c".utf8)]) != Self.fingerprint([Array("a".utf8), Array("bc".utf8)]))
        #expect(Self.fingerprint([[], Array("a".utf8)]) != Self.fingerprint([Array("a".utf8), []]))
        #expect(Self.fingerprint([Array("a".utf8)], layout: [0, 1]) != Self.fingerprint([Array("a".utf8)], layout: [1, 0]))
        // Every length from 0 to 40, each byte position flipped: all different from each other.
        var all: Set<ValuesFingerprint> = []
        var count = 0
        for length in 0...40 {
            let base = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
            all.insert(Self.fingerprint([base]))
            count += 1
            for position in 0..<length {
                var flipped = base
                flipped[position] ^= 0x20
                all.insert(Self.fingerprint([flipped]))
                count += 1
            }
            // The same bytes with one zero more: a different length.
            all.insert(Self.fingerprint([base + [0]]))
            count += 1
        }
        #expect(all.count == count, "every one different")
    }
}
