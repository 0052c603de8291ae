import Foundation

/// A running sum of `Decimal`s that adds whole numbers as 64-bit integers.
///
/// Seat counts are summed a million times a run (per channel, per SKU, per license pool), and
/// Foundation's `Decimal` addition costs ~0.8 µs (it normalises through arrays; measured 0.77 s for
/// a million additions, against 0.08 s for the conversion below). Quantities are nearly always whole,
/// so they go to an integer and only the rest (fractions, values beyond 64 bits, an overflowing
/// integer sum) to a `Decimal`. The total is the same value the plain `Decimal` sum gives: both are
/// exact below `Decimal`'s 38 digits.
public struct DecimalSum: Hashable, Sendable {
    private var whole: Int64 = 0
    private var rest: Decimal?

    public init() {}

    public mutating func add(_ value: Decimal) {
        if let integer = value.exactInt64 {
            let (sum, overflow) = whole.addingReportingOverflow(integer)
            if !overflow {
                whole = sum
                return
            }
        }
        rest = (rest ?? 0) + value
    }

    public static func += (sum: inout DecimalSum, value: Decimal) { sum.add(value) }

    /// The sum so far.
    public var total: Decimal {
        guard let rest else { return Decimal(whole) }
        return whole == 0 ? rest : rest + Decimal(whole)
    }
}

extension Decimal {
    /// The value as an `Int64` when it is a whole number in its range; nil otherwise.
    public var exactInt64: Int64? {
        // A non-negative exponent means a whole number; the round trip rules out one beyond 64 bits.
        guard exponent >= 0 else { return nil }
        let integer = (self as NSNumber).int64Value
        return Decimal(integer) == self ? integer : nil
    }
}
