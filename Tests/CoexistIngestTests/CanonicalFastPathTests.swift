import CoexistModel
import Testing

@testable import CoexistIngest

/// Values of each column: mostly plain, some that only the reference decoder handles (blanks to trim,
/// braces, invalid values, empties where a value is required, non-ASCII white space).
private let variants: [String: [String]] = [
    "TenantName": ["Contoso GmbH", "Zürcher Bäckerei AG", "", " Fabrikam, Inc. ", "Ελληνική Α.Ε.\u{00A0}", "\"Quoted\" Ltd"],
    "TenantDomain": ["contoso.onmicrosoft.com", "", "FABRIKAM.onmicrosoft.com", " x.example "],
    "Channel": ["CSP", "Direct", "csp", " Direct ", "", "Bogus", "\u{00A0}CSP", "E A", "Open"],
    "OfferId": ["CFQ7TTC0LH18:0001", "CFQ7TTC0LH18:0001", "", " CFQ7TTC0LF8Q:0001 ", "Ödön:1"],
    "OfferName": ["Microsoft 365 E3", "Microsoft 365 E3", "", "  ", "Zürich Büro\u{00A0}", "Teams \"Essentials\", monthly"],
    "SkuId": [
        "05e9a617-0261-4cee-bb44-138d3ef5d965", "05E9A617-0261-4CEE-BB44-138D3EF5D965", "",
        " 05e9a617-0261-4cee-bb44-138d3ef5d965", "{05e9a617-0261-4cee-bb44-138d3ef5d965}", "not-a-guid",
    ],
    "Quantity": ["25", "25", " 25", "25.0", "'25", "1,000", "", "-3", "abc", "12.50", "1.", "0"],
    "Status": ["active", "active", "Active", " suspended", "", "bogus", "deleted", "Pending"],
    "StartDate": ["2026-11-01", "2026-11-01", "", "2026-13-01", "2026-11-01T10:00:00Z", " 2026-11-01", "01.11.2026"],
    "EndDate": ["2027-10-31", "", "2027-02-30", "2027-10-31 "],
    "BillingCycle": ["monthly", "Annual", "", "weekly", "one_time"],
    "TermDuration": ["P1M", "p1y", "", "1 month", "P3Y"],
    "AutoRenew": ["true", "FALSE", "yes", "", "maybe", "1"],
    "ReadOnly": ["false", "true", "", "nope", " no "],
    "ResellerPartnerId": ["4847383", "4847383", "'0004847383", "-1", "0", "", "abc", " 123 "],
    "AdvisorPartnerIds": ["", "", "4120087", "CPOR:9990001;DPOR:123", "XYZ:1", "CPOR:abc", " 4120087 , 77"],
    "UnitPrice": ["45.72", "45.72", "", " 1.5", "1e3", "12.50", "'3"],
    "Currency": ["EUR", "eur", "", "EURO", "€", " CHF "],
    "ProductName": ["Microsoft 365 E3", "", "Visio Plan 2", "  Defender ", "Project \"Plan\" 3"],
    "TotalLicenses": ["100", "100", "", "1e2", " 7", "-1", "3.5"],
    "AssignedLicenses": ["90", "", "x", " 4"],
]

private func guidText(_ random: inout SeededGenerator, pool: Int, prefix: UInt64) -> String {
    let value = prefix << 32 | UInt64.random(in: 0..<UInt64(pool), using: &random)
    let hex = String(value, radix: 16)
    let padded = String(repeating: "0", count: 32 - hex.count) + hex
    let b = Array(padded)
    return "\(String(b[0..<8]))-\(String(b[8..<12]))-\(String(b[12..<16]))-\(String(b[16..<20]))-\(String(b[20..<32]))"
}

private func cell(_ text: String) -> String {
    text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

/// A file of `rows` rows under `header`; `mutated` is the share of cells taken from all variants rather
/// than the plain first one.
private func makeFile(header: [String], rows: Int, mutated: Double, seed: UInt64) -> [UInt8] {
    var random = SeededGenerator(state: seed)
    var lines = [header.joined(separator: ",")]
    for _ in 0..<rows {
        let fields = header.map { name -> String in
            let plain = Double.random(in: 0..<1, using: &random) >= mutated
            switch name {
            case "TenantId", "SubscriptionId":
                let pool = name == "TenantId" ? 40 : 100_000
                let id = guidText(&random, pool: pool, prefix: name == "TenantId" ? 0xA : 0xB)
                if plain { return id }
                return [id.uppercased(), " \(id)", "{\(id)}", "not-a-guid", "", id].randomElement(using: &random)!
            case "TenantName", "TenantDomain":
                // Always any variant: a tenant's name or domain may first appear on a later row.
                return variants[name]!.randomElement(using: &random)!
            case "View":
                return plain ? "partner" : ["customer", "Partner", "", "tenant", "elsewhere"].randomElement(using: &random)!
            default:
                let values = variants[name] ?? [""]
                return plain ? values[0] : values.randomElement(using: &random)!
            }
        }
        lines.append(fields.map(cell).joined(separator: ","))
    }
    return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
}

/// Reads `bytes` as a canonical file, on the fast path or only through RecordDecoder.
private func read(_ bytes: [UInt8], fast: Bool) throws -> FileContent {
    let reader = try CSVReader(bytes: bytes, displayName: "export.csv")
    return try CanonicalCSVReader(header: reader.header).read(reader, fastPath: fast)
}

private let subscriptionHeader = [
    "TenantId", "TenantName", "TenantDomain", "SubscriptionId", "Channel", "OfferId", "OfferName", "SkuId", "Quantity",
    "Status", "StartDate", "EndDate", "BillingCycle", "TermDuration", "AutoRenew", "ResellerPartnerId", "AdvisorPartnerIds",
    "ReadOnly", "UnitPrice", "Currency",
]

@Suite("Canonical fast path")
struct CanonicalFastPathTests {
    @Test(arguments: [0.0, 0.02, 0.3, 1.0])
    func subscriptionsDecodeAsTheReferenceDecoderDoes(mutated: Double) throws {
        let bytes = makeFile(header: subscriptionHeader, rows: 3000, mutated: mutated, seed: 42 &+ UInt64(mutated * 100))
        let fast = try read(bytes, fast: true)
        let reference = try read(bytes, fast: false)
        expectSame(fast, reference)
        #expect(reference.recordsDecodedFast == 0)
        if mutated == 0 {
            // Every row takes the fast path, a tenant's first rows noting its name and domain.
            #expect(fast.recordsDecodedFast == fast.recordsRead)
            #expect(fast.problems.isEmpty)
        } else if mutated < 0.1 {
            #expect(fast.recordsDecodedFast > fast.recordsRead / 2)
            #expect(!fast.problems.isEmpty)
        }
    }

    @Test func aPartialHeaderAndTheCustomerViewDecodeAsTheReferenceDecoderDoes() throws {
        // Partner view without domain, dates or prices; the customer view (no Channel), where an empty
        // OfferId is allowed.
        let partner = ["TenantId", "TenantName", "SubscriptionId", "Channel", "OfferId", "OfferName", "SkuId", "Quantity", "Status"]
        let customer = ["TenantId", "SubscriptionId", "OfferId", "OfferName", "SkuId", "Quantity", "Status", "EndDate"]
        for header in [partner, customer] {
            let bytes = makeFile(header: header, rows: 2000, mutated: 0.2, seed: 7)
            let fast = try read(bytes, fast: true)
            expectSame(fast, try read(bytes, fast: false))
            #expect(fast.recordsDecodedFast > 0)
        }
    }

    @Test func aViewColumnOrGraphColumnsKeepTheReferencePath() throws {
        for extra in ["View", "OwnerTenantId"] {
            let bytes = makeFile(header: subscriptionHeader + [extra], rows: 300, mutated: 0.1, seed: 9)
            let fast = try read(bytes, fast: true)
            expectSame(fast, try read(bytes, fast: false))
            #expect(fast.recordsDecodedFast == 0)
        }
    }

    @Test(arguments: [0.0, 0.3])
    func licensesDecodeAsTheReferenceDecoderDoes(mutated: Double) throws {
        let header = ["TenantId", "TenantName", "SkuId", "ProductName", "TotalLicenses", "AssignedLicenses"]
        let bytes = makeFile(header: header, rows: 2000, mutated: mutated, seed: 11)
        let fast = try read(bytes, fast: true)
        expectSame(fast, try read(bytes, fast: false))
        #expect(fast.recordsDecodedFast > (mutated == 0 ? fast.recordsRead - 1 : 0))
    }

    @Test func theMemoAnswersEachSpellingAsItsFirstDecodingDid() {
        var memo = FieldMemo<String>(limit: 3)
        var decoded: [String] = []
        let words = ["a", "b", "a", "", "c", "d", "a", "d", "é", "e\u{301}"]
        var answers: [String] = []
        for word in words {
            let bytes = Array(word.utf8)
            answers.append(
                bytes.withUnsafeBufferPointer { buffer in
                    memo.value(of: buffer) { text in
                        decoded.append(text)
                        return text.uppercased()
                    }
                })
        }
        #expect(answers == words.map { $0.uppercased() })
        // "a", "b", "" fill the memo (limit 3); "c", "d" and the later "d" are decoded each time.
        #expect(decoded == ["a", "b", "", "c", "d", "d", "é", "e\u{301}"])
    }

    @Test func theMemoKeepsKeysThatDifferInOneByteApart() {
        // Keys of every length up to 40 bytes (whole words and tails), many differing from another in
        // one byte only, in the first word, a middle one or the tail: each decoded once, answered as
        // decoded (the comparison itself is tested on its own below).
        var keys: [[UInt8]] = []
        for length in 0...40 {
            let base = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            keys.append(base)
            for position in Set([0, length / 2, length - 1]) where position >= 0 && position < length {
                var variant = base
                variant[position] = UInt8(ascii: "Z")
                keys.append(variant)
            }
        }
        keys = Array(Set(keys))
        var memo = FieldMemo<[UInt8]>()
        var decodings = 0
        for round in 0..<3 {
            for key in keys {
                let answer = key.withUnsafeBufferPointer { buffer in
                    memo.value(of: buffer) { text in
                        decodings += 1
                        return Array(text.utf8)
                    }
                }
                #expect(answer == key, "round \(round)")
            }
        }
        #expect(decodings == keys.count)
    }

    @Test func keysCompareUnequalWhereverTheyDiffer() {
        // The memo's comparison on its own (behind an equal hash it is rarely asked): every length to
        // 40 bytes, a difference at every position, and equal keys.
        for count in 1...40 {
            let key = (0..<count).map { UInt8(truncatingIfNeeded: 97 + $0 % 26) }
            key.withUnsafeBytes { left in
                #expect(FieldMemo<Int>.sameBytes(left.baseAddress!, left.baseAddress!, count: count))
                let copy = key
                copy.withUnsafeBytes { right in #expect(FieldMemo<Int>.sameBytes(left.baseAddress!, right.baseAddress!, count: count)) }
                for position in 0..<count {
                    var other = key
                    other[position] = UInt8(ascii: "Z")
                    other.withUnsafeBytes { right in
                        #expect(
                            !FieldMemo<Int>.sameBytes(left.baseAddress!, right.baseAddress!, count: count),
                            "length \(count), byte \(position)")
                    }
                }
            }
        }
    }

    @Test func aTenantIsKnownOnceItsNameAndDomainAreNoted() {
        // What the fast path asks before decoding a row's tenant name and domain again; a file asks
        // with the same flags on every row (its columns).
        let tenant = TenantID(parsing: "0f1e0000-0000-0000-0000-000000000001")!
        let other = TenantID(parsing: "0f1e0000-0000-0000-0000-000000000002")!
        var content = FileContent(file: "p.csv", format: "canonical-csv")
        var answers: [Bool] = []
        answers.append(content.knows(tenant, name: true, domain: true))
        content.note(TenantInfo(id: tenant, name: "Contoso"))
        answers.append(content.knows(tenant, name: true, domain: true))
        content.note(TenantInfo(id: tenant, domain: "contoso.onmicrosoft.com"))
        answers.append(content.knows(tenant, name: true, domain: true))
        content.note(TenantInfo(id: other, name: "Fabrikam", domain: "fabrikam.onmicrosoft.com"))
        answers.append(content.knows(other, name: true, domain: true))
        answers.append(content.knows(tenant, name: true, domain: true))
        // Unknown; no domain yet; completed by a later row; a new complete one; the first again.
        #expect(answers == [false, false, true, true, true])
        #expect(content.tenants.map(\.name) == ["Contoso", "Fabrikam"])
        // A file without name and domain columns only needs the tenant noted.
        var licenses = FileContent(file: "l.csv", format: "canonical-csv")
        let before = licenses.knows(tenant, name: false, domain: false)
        licenses.note(TenantInfo(id: tenant))
        #expect(!before && licenses.knows(tenant, name: false, domain: false))
    }

    @Test func theMemoKeepsNoLongValue() {
        var memo = FieldMemo<Int>()
        var decodings = 0
        let long = Array(repeating: UInt8(ascii: "x"), count: FieldMemo<Int>.maxKeyBytes + 1)
        let short = Array(repeating: UInt8(ascii: "x"), count: FieldMemo<Int>.maxKeyBytes)
        for bytes in [long, long, short, short] {
            let answer = bytes.withUnsafeBufferPointer { buffer in
                memo.value(of: buffer) { text in
                    decodings += 1
                    return text.utf8.count
                }
            }
            #expect(answer == bytes.count)
        }
        // The long value is decoded both times (never kept), the short one once.
        #expect(decodings == 3)
    }
}
