import Foundation
import Testing

@testable import CoexistModel

@Suite("Values compare as SPEC §3.1 says")
struct ValueTests {
    @Test func guidsAreNormalizedToLowerCase() throws {
        let upper = try #require(GUID(parsing: " {0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0} "))
        #expect(upper.text == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
        #expect(TenantID(parsing: "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0") == TenantID(parsing: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"))
        #expect(GUID(parsing: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f") == nil)
        #expect(GUID(parsing: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1fg") == nil)
        #expect(GUID(parsing: "0f1e2d3c04b5a-6978-8796-a5b4c3d2e1f0") == nil)
    }

    @Test func guidsRoundTripAndSortAsTheirText() throws {
        let texts = [
            "ffffffff-ffff-ffff-ffff-ffffffffffff", "00000000-0000-0000-0000-000000000000", "7dd96d48-f4fe-4dbe-ba48-0abe1a13aab3",
            "7dd96d48-f4fe-4dbe-ba48-0abe1a13aab4", "7dd96d48-f4fe-4dbf-0000-000000000000", "0c6e1955-32ed-4b15-b1d1-45da747cb6bd",
        ]
        let guids = try texts.map { try #require(GUID(parsing: $0)) }
        #expect(guids.map(\.text) == texts)
        #expect(guids.sorted().map(\.text) == texts.sorted())
        #expect(GUID(parsing: "7dd96d48-f4fe-4dbe-ba48-0abe1a13aab3-") == nil)
        #expect(GUID(parsing: "") == nil)
    }

    @Test("the 36-character fast path agrees with the general parser on every mutation")
    func guidFastPathAgreesWithGeneralPath() {
        let valid = "7DD96D48-f4fe-4dbe-ba48-0abe1a13aab3"
        var candidates = [valid, valid.lowercased(), valid.uppercased()]
        let replacements: [Character] = ["g", "G", "-", " ", "ü", "0", "F", "{", "\u{0}"]
        for offset in 0..<36 {
            for replacement in replacements {
                var characters = Array(valid)
                characters[offset] = replacement
                candidates.append(String(characters))
            }
        }
        for candidate in candidates {
            // A leading space sends the same text through the general (trimming) parser.
            let fast = GUID(parsing: candidate)
            let general = GUID(parsing: " " + candidate)
            #expect(fast == general, "\(candidate)")
            if let fast { #expect(fast.text == candidate.lowercased()) }
        }
        #expect(GUID(parsing: valid) != nil)
        #expect(GUID(parsing: "{" + valid + "}") == GUID(parsing: valid))
        // Every byte value at a digit position of each group: accepted exactly when it is a hex digit,
        // and then read as that digit.
        let hexDigits = Array("0123456789abcdefABCDEF".utf8)
        for offset in (0..<36).filter({ ![8, 13, 18, 23].contains($0) }) {
            for byte in UInt8.min...UInt8.max {
                var bytes = Array(valid.utf8)
                bytes[offset] = byte
                let parsed = bytes.withUnsafeBufferPointer { GUID(plainUTF8: $0) }
                #expect((parsed != nil) == hexDigits.contains(byte), "byte \(byte) at \(offset)")
                if let parsed {
                    #expect(parsed == GUID(parsing: String(decoding: bytes, as: UTF8.self).lowercased()), "byte \(byte) at \(offset)")
                    #expect(parsed.text.utf8[parsed.text.utf8.index(parsed.text.utf8.startIndex, offsetBy: offset)] == (byte | 0x20))
                }
            }
        }
        // Every digit position of random ids lands in the right bits, in order.
        for _ in 0..<2000 {
            let text = UUID().uuidString
            #expect(GUID(parsing: text)?.text == text.lowercased())
            #expect(GUID(parsing: text) == GUID(parsing: " \(text) "))
        }
    }

    @Test("GUID keys spread over a table's buckets even when only a few digits differ")
    func guidTableHashSpreads() throws {
        // A table masks the hash's low bits. 65,536 ids that differ in one 16-bit group (at either
        // end, in either half) must fill about as many of 65,536 buckets as random hashes would
        // (1 − 1/e ≈ 63%), with every seed; a hash that dropped a half or did not mix would fill 1.
        let templates = [
            "00000000-0000-0000-0000-00000000%04x", "%04x0000-0000-0000-0000-000000000000",
            "00000000-0000-0000-%04x-000000000000", "00000000-0000-%04x-0000-000000000000",
        ]
        for template in templates {
            let guids = try (0..<65_536).map { try #require(GUID(parsing: String(format: template, $0))) }
            for seed in [0, 1, -1, 0x5DEE_CE66_D1CE_0000] {
                let buckets = Set(guids.map { $0._rawHashValue(seed: seed) & 0xFFFF })
                #expect(buckets.count > 39_000, "seed \(seed), \(template): \(buckets.count) buckets")
            }
        }
        let id = try #require(GUID(parsing: "7dd96d48-f4fe-4dbe-ba48-0abe1a13aab3"))
        #expect(id._rawHashValue(seed: 1) != id._rawHashValue(seed: 2), "the seed enters the hash")
        #expect(TenantID(id)._rawHashValue(seed: 7) == id._rawHashValue(seed: 7))
        // Equal ids hash equally: a dictionary finds an id parsed from either case.
        let table = [SubscriptionID(id): 1]
        #expect(table[try #require(SubscriptionID(parsing: "7DD96D48-F4FE-4DBE-BA48-0ABE1A13AAB3"))] == 1)
    }

    @Test func partnerIDsTreatMinusOneZeroAndEmptyAsNone() {
        #expect(PartnerID.parse("-1") == .none)
        #expect(PartnerID.parse("0") == .none)
        #expect(PartnerID.parse("") == .none)
        #expect(PartnerID.parse("  ") == .none)
        #expect(PartnerID.parse("4847383") == .partner(PartnerID(digits: "4847383")))
        #expect(PartnerID.parse("'4847383") == .partner(PartnerID(digits: "4847383")))
        #expect(PartnerID.parse("004847383") == .partner(PartnerID(digits: "4847383")))
        #expect(PartnerID.parse("48x7383") == .invalid)
    }

    @Test("export kinds and views hash by case: each case its own hash, tables find every case")
    func smallEnumerationsHashByCase() {
        for seed in [0, 1, -7, Int.max] {
            #expect(Set(ExportKind.allCases.map { $0._rawHashValue(seed: seed) }).count == ExportKind.allCases.count)
            #expect(Set(SubscriptionView.allCases.map { $0._rawHashValue(seed: seed) }).count == SubscriptionView.allCases.count)
        }
        let kinds = Dictionary(uniqueKeysWithValues: ExportKind.allCases.map { ($0, $0.rawValue) })
        #expect(ExportKind.allCases.allSatisfy { kinds[$0] == $0.rawValue })
        let views = Dictionary(uniqueKeysWithValues: SubscriptionView.allCases.map { ($0, $0.rawValue) })
        #expect(SubscriptionView.allCases.allSatisfy { views[$0] == $0.rawValue })
    }

    @Test("numbers are written as Foundation writes them: random values, edges, and ones it must hand back")
    func decimalTextMatchesFoundation() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var values: [Decimal] = try [
            "0", "-0.001", "0.005", "-0.005", "12.50", "1.0000000000", "0.00000000004", "0.00000000005",
            "999999999999999999", "1000000000000000000", "-123456789012345678.9", "1e30", "-2.5e-12", "7e18", "0.1",
        ]
        .map { try #require(Decimal(string: $0)) }
        for _ in 0..<20_000 {
            let digits = Int(next() % 20) + 1
            var text = (next() % 2 == 0 ? "-" : "") + String(next() % 9 + 1)
            for _ in 1..<digits { text += String(next() % 10) }
            let exponent = Int(next() % 24) - 14
            values.append(try #require(Decimal(string: text + "e\(exponent)")))
        }
        var written = 0
        for value in values {
            var copy = value
            var rounded = Decimal()
            NSDecimalRound(&rounded, &copy, 10, .plain)
            #expect(value.plainText == NSDecimalNumber(decimal: rounded).stringValue, "\(value)")
            if rounded.digitText(minimumFraction: 0) != nil { written += 1 }
        }
        // Most values take the fast path; the rest (20-digit significands, huge exponents) Foundation's.
        #expect(written > values.count / 2)
        #expect(try #require(Decimal(string: "1e30")).digitText(minimumFraction: 0) == nil)
    }

    @Test func numbersCompareByValue() throws {
        #expect(parseCanonicalDecimal("25") == parseCanonicalDecimal("25.0"))
        #expect(parseCanonicalDecimal("'25") == Decimal(25))
        #expect(parseCanonicalDecimal("12.50") == Decimal(string: "12.5"))
        #expect(parseCanonicalDecimal("1,000") == nil)
        #expect(parseCanonicalDecimal("1 000") == nil)
        #expect(parseCanonicalDecimal("1e3") == nil)
        #expect(parseCanonicalDecimal("abc") == nil)
        #expect(parseCanonicalDecimal("") == nil)
        #expect(parseCanonicalDecimal("5.") == nil)
        #expect(try #require(parseCanonicalDecimal("25.0")).plainText == "25")
    }

    @Test("a DecimalSum equals the plain Decimal sum: whole, fractional, huge and overflowing values")
    func decimalSumsEqualPlainSums() throws {
        var generator = SystemRandomNumberGenerator()
        let fixed = try [
            "0", "0.000", "-7", "2.50", "1e3", "123456789012345678901234567890", "9223372036854775807", "9223372036854775807",
            "-9223372036854775808", "0.1",
        ]
        .map { try #require(Decimal(string: $0)) }
        for round in 0..<50 {
            var values = fixed.shuffled(using: &generator)
            for _ in 0..<200 {
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: values.append(Decimal(Int.random(in: -1000...100_000, using: &generator)))
                case 1: values.append(Decimal(Int.random(in: 0...99_999, using: &generator)) / 100)
                case 2: values.append(Decimal(Int64.random(in: Int64.max / 4...Int64.max, using: &generator)))
                default: values.append(Decimal(Int.random(in: 1...50, using: &generator)))
                }
            }
            if round % 2 == 0 { values = values.filter { $0.exactInt64 != nil && abs($0) < 1_000_000 } }
            var sum = DecimalSum()
            var plain = Decimal()
            for value in values {
                sum += value
                plain += value
            }
            #expect(sum.total == plain, "round \(round)")
            #expect(sum.total.plainText == plain.plainText)
        }
        let exact = ["2.5": nil, "1e19": nil, "-9223372036854775808": Int64.min, "2.0000000000000000001": nil, "1e3": 1000]
        for (text, expected) in exact {
            let value = try #require(Decimal(string: text))
            #expect(value.exactInt64 == expected, "\(text): beyond 64 bits or not whole is nil")
        }
        #expect(DecimalSum().total == 0)
    }

    @Test func booleans() {
        for text in ["true", "TRUE", "yes", "1"] { #expect(parseCanonicalBool(text) == true) }
        for text in ["false", "No", "0"] { #expect(parseCanonicalBool(text) == false) }
        #expect(parseCanonicalBool("maybe") == nil)
    }

    @Test func enumerationsMapAliasesCaseInsensitively() {
        #expect(Channel(parsing: "web direct") == .direct)
        #expect(Channel(parsing: "MOSP") == .direct)
        #expect(Channel(parsing: "Cloud Solution Provider") == .csp)
        #expect(Channel(parsing: "csp") == .csp)
        #expect(Channel(parsing: "reseller") == nil)
        #expect(SubscriptionStatus(parsing: "Enabled") == .active)
        #expect(SubscriptionStatus(parsing: "Warning") == .grace)
        #expect(SubscriptionStatus(parsing: "LockedOut") == .suspended)
        #expect(SubscriptionStatus(parsing: "grace")?.isInService == true)
        #expect(SubscriptionStatus(parsing: "grace")?.isHealthy == false)
        #expect(BillingCycle(parsing: "one_time") == .oneTime)
        #expect(BillingCycle(parsing: "OneTime") == .oneTime)
        #expect(AdvisorKind(parsing: "DigitalPartnerOfRecord") == .dpor)
        #expect(Role(parsing: "admin_agent") == .adminAgent)
        #expect(Role(parsing: "CustomRole")?.name == "CustomRole")
    }

    @Test func datesCompareAsDaysWhenEitherHasNoTime() throws {
        let day = try #require(ISODate(parsing: "2026-11-01"))
        let morning = try #require(ISODate(parsing: "2026-11-01T02:00:00Z"))
        let evening = try #require(ISODate(parsing: "2026-11-01T20:00:00Z"))
        #expect(day.sameMoment(as: morning))
        #expect(!morning.sameMoment(as: evening))
        #expect(ISODate.compare(morning, evening) < 0)
        #expect(ISODate(parsing: "2026-11-01T23:30:00-02:00")?.description == "2026-11-02T01:30:00Z")
        #expect(ISODate(parsing: "2026-02-30") == nil)
        #expect(ISODate(parsing: "2024-02-29") != nil)
        #expect(ISODate(parsing: "01.11.2026") == nil)
        #expect(day.description == "2026-11-01")
    }
}

@Suite("Subscriptions and snapshots")
struct SubscriptionTests {
    private func record(_ file: String = "a.csv", line: Int = 2, quantity: Decimal = 10) -> Subscription {
        var record = Subscription(
            id: SubscriptionID(parsing: "6c1a0000-0000-0000-0000-000000000001")!,
            tenant: TenantID(parsing: "0f1e0000-0000-0000-0000-000000000001")!,
            view: .partner, source: Provenance(file: file, line: line))
        record.carried = FieldSet([.quantity, .offerName, .advisors])
        record.quantity = quantity
        record.offerName = "Microsoft 365 E3"
        return record
    }

    @Test func aRecordCopyIsFortyEightBytes() {
        // The dictionaries and tenant orders of a million-record set hold millions of copies: a field
        // added or moved where it pads the struct costs megabytes (the one-byte fields come last).
        #expect(MemoryLayout<Subscription>.stride == 48)
    }

    @Test func anUncarriedFieldIsNeverAChange() {
        var before = record()
        before.carried.insert(.skuId)
        before.sku = SkuID(parsing: "05e9a617-0261-4cee-bb44-138d3ef5d965")
        let after = record()
        #expect(!before.differs(from: after, in: .skuId))
        #expect(before.changedFields(comparedTo: after).isEmpty)
    }

    @Test func anEmptyValueInACarriedColumnIsAChange() {
        var before = record()
        before.advisors = [Advisor(partner: PartnerID(digits: "1234567"), kind: .por)]
        let after = record()
        #expect(before.differs(from: after, in: .advisors))
    }

    @Test func textComparesAfterNFCAndTrimming() {
        var before = record()
        before.offerName = "Zu\u{0308}rich "
        var after = record()
        after.offerName = "Zürich"
        #expect(!before.differs(from: after, in: .offerName))
    }

    @Test func duplicatesKeepTheFirstByFileAndLine() {
        var snapshot = Snapshot()
        #expect(snapshot.insert(record("b.csv", line: 5, quantity: 10)) == nil)
        #expect(snapshot.insert(record("b.csv", line: 9, quantity: 10)) == nil, "identical repeats merge silently")
        let duplicate = snapshot.insert(record("a.csv", line: 7, quantity: 12))
        #expect(duplicate?.kept.source == Provenance(file: "a.csv", line: 7))
        #expect(duplicate?.dropped.source == Provenance(file: "b.csv", line: 5))
        #expect(snapshot.subscriptions(in: .partner).first?.value.quantity == 12)
    }

    @Test func mergingFillsFieldsFromTheCustomerView() {
        var snapshot = Snapshot()
        var partner = record()
        partner.carried = FieldSet([.quantity, .channel])
        partner.channel = .csp
        var customer = Subscription(id: partner.id, tenant: partner.tenant, view: .customer, source: Provenance(file: "c.csv", line: 3))
        customer.carried = FieldSet([.quantity, .skuId])
        customer.quantity = 99
        customer.sku = SkuID(parsing: "05e9a617-0261-4cee-bb44-138d3ef5d965")
        snapshot.insert(partner)
        snapshot.insert(customer)
        let merged = snapshot.mergedSubscriptions()[partner.id]
        #expect(merged?.quantity == 10, "the partner view wins")
        #expect(merged?.sku != nil, "fields it lacks come from the customer view")
        #expect(merged?.channel == .csp)
    }

    @Test func aCustomerOnlySubscriptionIsDirect() {
        var snapshot = Snapshot()
        var customer = Subscription(id: record().id, tenant: record().tenant, view: .customer, source: Provenance(file: "c.csv", line: 3))
        customer.carried = FieldSet([.quantity])
        snapshot.insert(customer)
        #expect(snapshot.mergedSubscriptions()[customer.id]?.channel == .direct)
    }
}

@Suite("Subscription storage layout")
struct SubscriptionStorageLayoutTests {
    @Test("the values start where the prefetch offsets say")
    func valuesOffsetIsTheRealOne() {
        var record = Subscription(
            id: SubscriptionID(parsing: "6c1a0000-0000-0000-0000-000000000001")!,
            tenant: TenantID(parsing: "0f1e0000-0000-0000-0000-000000000001")!,
            view: .partner, source: Provenance(file: "a.csv", line: 2))
        let object = UnsafeRawPointer(Unmanaged.passUnretained(record.storage).toOpaque())
        let values = withUnsafeMutablePointer(to: &record.storage.values) { UnsafeRawPointer($0) }
        #expect(values - object == Subscription.valuesOffset)
        #expect(record.valuesAddress == object)
    }
}
