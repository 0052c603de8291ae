import Testing

@testable import CoexistModel

@Suite("TenantIDSet answers as Set<TenantID> does")
struct TenantIDSetTests {
    /// A tenant id from two halves (the generator's ids are random; these cover the zero id, ids that
    /// differ in one half only, and enough of them to grow the table many times).
    static func tenant(_ high: UInt64, _ low: UInt64) -> TenantID {
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        let (high, low) = (hex(high), hex(low))
        return TenantID(parsing: "\(high.prefix(8))-\(high.dropFirst(8).prefix(4))-\(high.suffix(4))-\(low.prefix(4))-\(low.suffix(12))")!
    }

    @Test func agreesWithSetThroughGrowthAndRepeats() {
        var set = TenantIDSet()
        var reference = Set<TenantID>()
        var generator = SystemRandomNumberGenerator()
        var inserted: [TenantID] = []
        for step in 0..<20_000 {
            // Every third insert repeats an earlier id; some ids share a half with earlier ones.
            let tenant: TenantID
            if step % 3 == 2, let earlier = inserted.randomElement() {
                tenant = earlier
            } else if step % 5 == 0 {
                tenant = Self.tenant(UInt64(step % 7), generator.next())
            } else {
                tenant = Self.tenant(generator.next(), generator.next())
            }
            let added = set.insert(tenant)
            #expect(added == reference.insert(tenant).inserted)
            inserted.append(tenant)
        }
        #expect(set.count == reference.count)
        for tenant in inserted { #expect(set.contains(tenant)) }
        for _ in 0..<20_000 {
            let absent = Self.tenant(generator.next(), generator.next())
            #expect(set.contains(absent) == reference.contains(absent))
        }
    }

    @Test func theZeroIdIsAnElementLikeAnyOther() {
        // The all-zero id marks an empty slot inside the table: it must still be a member of its own.
        var set = TenantIDSet()
        let zero = Self.tenant(0, 0)
        #expect(!set.contains(zero))
        for low in UInt64(1)...40 { set.insert(Self.tenant(0, low)) }
        #expect(!set.contains(zero))
        let first = set.insert(zero)
        let second = set.insert(zero)
        #expect(first && !second)
        #expect(set.contains(zero))
        #expect(set.count == 41)
        for low in UInt64(1)...40 { #expect(set.contains(Self.tenant(0, low))) }
        #expect(!set.contains(Self.tenant(1, 0)))
    }
}
