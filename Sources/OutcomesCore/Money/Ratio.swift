/// An exact rational number: the arithmetic behind every amount, rate and share.
///
/// Outcomes never computes money in binary floating point. Rates, shares and means are
/// held as a fraction of two 128-bit integers, kept in lowest terms with a positive
/// denominator, so `0.74 × 1.00 kr.` or the mean of three absence percentages is exact
/// until the one place where it is rounded (``Ratio/rounded(toScale:)``).
public struct Ratio: Hashable, Sendable {
    /// The numerator, carrying the sign.
    public let numerator: Int128
    /// The denominator, always positive.
    public let denominator: Int128

    /// Creates `numerator / denominator` in lowest terms.
    ///
    /// - Precondition: `denominator` is not zero.
    public init(_ numerator: Int128, _ denominator: Int128 = 1) {
        precondition(denominator != 0, "Ratio with a zero denominator")
        var n = numerator
        var d = denominator
        if d < 0 {
            n = -n
            d = -d
        }
        if let small = Int64(exactly: n), let smallDenominator = Int64(exactly: d) {
            // Hardware division when both fit in 64 bits.
            let g = Int64(Ratio.gcd64(small.magnitude, smallDenominator.magnitude))
            if g > 1 {
                n = Int128(small / g)
                d = Int128(smallDenominator / g)
            }
        } else {
            let g = Ratio.gcd(n.magnitude, d.magnitude)
            if g > 1 {
                n /= Int128(g)
                d /= Int128(g)
            }
        }
        self.numerator = n
        self.denominator = d
    }

    /// Creates a whole number.
    public init(_ value: Int) { self.init(Int128(value), 1) }

    /// Creates `numerator / denominator` from machine integers.
    public init(_ numerator: Int, _ denominator: Int) { self.init(Int128(numerator), Int128(denominator)) }

    public static let zero = Ratio(0, 1)
    public static let one = Ratio(1, 1)

    /// Greatest common divisor (Euclid).
    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (a, b) = (a, b)
        // 128-bit division is done in software: finish in 64 bits as soon as both fit.
        while b != 0 {
            if a <= UInt128(UInt64.max), b <= UInt128(UInt64.max) { return UInt128(gcd64(UInt64(a), UInt64(b))) }
            (a, b) = (b, a % b)
        }
        return a
    }

    static func gcd64(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    public var isZero: Bool { numerator == 0 }
    public var isNegative: Bool { numerator < 0 }
    public var isInteger: Bool { denominator == 1 }

    /// The smallest whole number not below the value (`Ratio(15, 2).ceiling` is 8): for counts
    /// that must reach a share ("at least half of 15 households").
    public var ceiling: Int128 {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        return remainder != 0 && (numerator < 0) == (denominator < 0) ? quotient + 1 : quotient
    }

    /// Rounds to `scale` decimal places, half away from zero, and returns the result as an
    /// integer count of units of 10^-scale.
    ///
    /// This is the only rounding rule in Outcomes (SPEC §4: "rounded to øre, half away from
    /// zero"); ``Money/rounded(_:)`` and every displayed share go through it.
    ///
    /// ```swift
    /// Ratio(5, 2).rounded(toScale: 0)      // 3
    /// Ratio(-5, 2).rounded(toScale: 0)     // -3
    /// Ratio(1, 3).rounded(toScale: 2)      // 33  (0.33)
    /// ```
    public func rounded(toScale scale: Int) -> Int128 {
        var factor: Int128 = 1
        for _ in 0..<max(0, scale) { factor *= 10 }
        let scaled = numerator * factor
        let quotient = scaled / denominator
        let remainder = scaled % denominator
        // Half away from zero: compare twice the remainder's magnitude with the denominator.
        if remainder.magnitude * 2 >= denominator.magnitude {
            return scaled < 0 ? quotient - 1 : quotient + 1
        }
        return quotient
    }

    /// The value as a decimal string in machine form with exactly `scale` decimals
    /// (rounded half away from zero), for example `"74.17"`.
    public func decimalString(scale: Int) -> String {
        Ratio.format(units: rounded(toScale: scale), scale: scale, decimalMark: ".", groupSeparator: nil)
    }

    /// The value in Danish form with exactly `scale` decimals, for example `"74,17"`.
    public func danishString(scale: Int) -> String {
        Ratio.format(units: rounded(toScale: scale), scale: scale, decimalMark: ",", groupSeparator: ".")
    }

    /// The shortest exact decimal form when the value has at most `maxScale` decimals,
    /// otherwise rounded to `maxScale`; trailing zeros are dropped (`9.85`, `74`, `23.45`).
    public func compactString(maxScale: Int = 4, danish: Bool = false) -> String {
        var units = rounded(toScale: maxScale)
        var scale = maxScale
        while scale > 0, units % 10 == 0 {
            units /= 10
            scale -= 1
        }
        return Ratio.format(
            units: units,
            scale: scale,
            decimalMark: danish ? "," : ".",
            groupSeparator: danish ? "." : nil
        )
    }

    /// Lays out `units × 10^-scale` with the given marks.
    static func format(units: Int128, scale: Int, decimalMark: String, groupSeparator: String?) -> String {
        let magnitude = units.magnitude
        guard magnitude <= UInt128(UInt64.max), decimalMark.utf8.count == 1, (groupSeparator?.utf8.count ?? 1) == 1 else {
            return slowFormat(units: units, scale: scale, decimalMark: decimalMark, groupSeparator: groupSeparator)
        }
        return format(
            magnitude: UInt64(magnitude),
            negative: units < 0,
            scale: scale,
            decimalMark: decimalMark.utf8.first!,
            groupSeparator: groupSeparator?.utf8.first
        )
    }

    /// The fast path: digits written right to left into one buffer, no intermediate strings.
    static func format(magnitude: UInt64, negative: Bool, scale: Int, decimalMark: UInt8, groupSeparator: UInt8?) -> String {
        String(unsafeUninitializedCapacity: 48) { buffer in
            var end = 48
            var value = magnitude
            var written = 0
            func put(_ byte: UInt8) {
                end -= 1
                buffer[end] = byte
            }
            for _ in 0..<scale {
                put(UInt8(ascii: "0") + UInt8(value % 10))
                value /= 10
            }
            if scale > 0 { put(decimalMark) }
            repeat {
                if written > 0, written % 3 == 0, let groupSeparator { put(groupSeparator) }
                put(UInt8(ascii: "0") + UInt8(value % 10))
                value /= 10
                written += 1
            } while value > 0
            if negative { put(UInt8(ascii: "-")) }
            let count = 48 - end
            for i in 0..<count { buffer[i] = buffer[end + i] }
            return count
        }
    }

    static func slowFormat(units: Int128, scale: Int, decimalMark: String, groupSeparator: String?) -> String {
        let negative = units < 0
        var digits = String(units.magnitude)
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let integerPart = String(digits.dropLast(scale))
        let fraction = String(digits.suffix(scale))
        var grouped = integerPart
        if let separator = groupSeparator, integerPart.count > 3 {
            var parts: [Substring] = []
            var end = integerPart.endIndex
            while end > integerPart.startIndex {
                let start = integerPart.index(end, offsetBy: -3, limitedBy: integerPart.startIndex) ?? integerPart.startIndex
                parts.insert(integerPart[start..<end], at: 0)
                end = start
            }
            grouped = parts.joined(separator: separator)
        }
        let body = scale > 0 ? grouped + decimalMark + fraction : grouped
        return negative ? "-" + body : body
    }
}

extension Ratio: Comparable {
    public static func < (lhs: Ratio, rhs: Ratio) -> Bool {
        lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }
}

extension Ratio: AdditiveArithmetic {
    public static func + (lhs: Ratio, rhs: Ratio) -> Ratio {
        if lhs.denominator == rhs.denominator { return Ratio(lhs.numerator + rhs.numerator, lhs.denominator) }
        return Ratio(lhs.numerator * rhs.denominator + rhs.numerator * lhs.denominator, lhs.denominator * rhs.denominator)
    }
    public static func - (lhs: Ratio, rhs: Ratio) -> Ratio {
        lhs + (-rhs)
    }
}

extension Ratio {
    public static prefix func - (value: Ratio) -> Ratio { Ratio(-value.numerator, value.denominator) }
    public static func * (lhs: Ratio, rhs: Ratio) -> Ratio {
        Ratio(lhs.numerator * rhs.numerator, lhs.denominator * rhs.denominator)
    }
    /// - Precondition: `rhs` is not zero.
    public static func / (lhs: Ratio, rhs: Ratio) -> Ratio {
        Ratio(lhs.numerator * rhs.denominator, lhs.denominator * rhs.numerator)
    }
    public static func * (lhs: Ratio, rhs: Int) -> Ratio { lhs * Ratio(rhs) }
    public static func + (lhs: Ratio, rhs: Int) -> Ratio { lhs + Ratio(rhs) }
    public static func - (lhs: Ratio, rhs: Int) -> Ratio { lhs - Ratio(rhs) }
    public static func / (lhs: Ratio, rhs: Int) -> Ratio { lhs / Ratio(rhs) }
    public static func += (lhs: inout Ratio, rhs: Ratio) { lhs = lhs + rhs }

    /// The larger of zero and the value (`max(0, x)` in the payment formulas).
    public var clampedAtZero: Ratio { isNegative ? .zero : self }
    /// The absolute value.
    public var magnitude: Ratio { isNegative ? -self : self }
}

extension Ratio: CustomStringConvertible {
    public var description: String {
        denominator == 1 ? String(numerator) : "\(numerator)/\(denominator)"
    }
}
