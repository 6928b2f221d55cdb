/// An exact amount of Danish kroner, held as a whole number of øre.
///
/// Amounts are never binary floating point (SPEC §4). Arithmetic on `Money` is exact; a
/// computed value (a rate times a share, a mean) is a ``Ratio`` of kroner, and becomes
/// `Money` only through ``Money/rounded(_:)``: to the øre, half away from zero.
///
/// ```swift
/// let rate = Money(kroner: 125)
/// let line = Money.rounded(rate.kroner * Ratio(200, 3))   // 125 × 66.67 % → 8.333,33 kr.
/// line.machineString                                      // "8333.33"
/// line.danishString                                       // "8.333,33 kr."
/// ```
public struct Money: Hashable, Comparable, Sendable {
    /// The amount in øre (1 krone = 100 øre).
    public let minorUnits: Int64

    public init(minorUnits: Int64) { self.minorUnits = minorUnits }

    /// Whole kroner.
    public init(kroner: Int64) { self.minorUnits = kroner * 100 }

    public static let zero = Money(minorUnits: 0)

    /// The amount in kroner, exact.
    public var kroner: Ratio { Ratio(Int128(minorUnits), 100) }

    /// SPEC §4: "Each line is rounded to øre, half away from zero". The one place where a
    /// computed amount becomes money.
    ///
    /// - Parameter kroner: the exact amount in kroner.
    /// - Returns: the amount rounded to whole øre, half away from zero
    ///   (`0.005 kr.` → `0.01 kr.`, `-0.005 kr.` → `-0.01 kr.`).
    public static func rounded(_ kroner: Ratio) -> Money {
        Money(minorUnits: Int64(kroner.rounded(toScale: 2)))
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minorUnits < rhs.minorUnits }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(minorUnits: lhs.minorUnits + rhs.minorUnits) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(minorUnits: lhs.minorUnits - rhs.minorUnits) }
    public static prefix func - (value: Money) -> Money { Money(minorUnits: -value.minorUnits) }
    public static func += (lhs: inout Money, rhs: Money) { lhs = lhs + rhs }
    public static func -= (lhs: inout Money, rhs: Money) { lhs = lhs - rhs }
    /// An amount times a whole count (rate × persons): exact, no rounding.
    public static func * (lhs: Money, rhs: Int) -> Money { Money(minorUnits: lhs.minorUnits * Int64(rhs)) }

    public var isNegative: Bool { minorUnits < 0 }
    public var isZero: Bool { minorUnits == 0 }

    /// Machine form: no grouping, a full stop and two decimals, e.g. `1234.50` or `-0.05`.
    public var machineString: String {
        Ratio.format(units: Int128(minorUnits), scale: 2, decimalMark: ".", groupSeparator: nil)
    }

    /// Danish form: full stops between thousands, a decimal comma and `kr.`, e.g. `1.234,50 kr.`.
    public var danishString: String { danishNumber + " kr." }

    /// Danish form without the currency, e.g. `1.234,50`.
    public var danishNumber: String {
        Ratio.format(units: Int128(minorUnits), scale: 2, decimalMark: ",", groupSeparator: ".")
    }

    /// Danish form without øre when they are zero, e.g. `3.912.500 kr.`; for prose.
    public var danishShortString: String {
        minorUnits % 100 == 0
            ? Ratio.format(units: Int128(minorUnits / 100), scale: 0, decimalMark: ",", groupSeparator: ".") + " kr."
            : danishString
    }

    /// Sums amounts exactly.
    public static func sum<S: Sequence>(_ amounts: S) -> Money where S.Element == Money {
        amounts.reduce(.zero, +)
    }
}

extension Money: CustomStringConvertible {
    public var description: String { machineString }
}

extension Money: Codable {
    /// Money travels as a machine-form string with two decimals (`"1234.50"`), never a number.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Money.parse(text, form: .machine)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(machineString)
    }
}

extension Int {
    /// A count in Danish form, thousands grouped with a point: `100.000`.
    public var danishString: String { Ratio.format(units: Int128(self), scale: 0, decimalMark: ",", groupSeparator: ".") }
}
