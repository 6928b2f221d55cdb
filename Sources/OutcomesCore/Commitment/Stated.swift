/// A reference to a clause of the signed agreement, e.g. `T 5.2`, `B5.1 2.4.1`, `P 3.2.3`.
///
/// "T" is the Tilsagn itself, "P" Bilag 1.4 Projektbeskrivelse, "B3.2", "B4.1", "B4.2" and
/// "B5.1" the other annexes (SPEC, introduction).
public struct Clause: Hashable, Sendable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var reference: String
    public init(_ reference: String) { self.reference = reference }
    public init(stringLiteral value: String) { self.reference = value }
    public var description: String { reference }
    public static func < (lhs: Clause, rhs: Clause) -> Bool { lhs.reference < rhs.reference }
}

/// A figure as the agreement states it, with the clause it comes from.
///
/// Validation never repairs a stated figure: where the signed document disagrees with itself,
/// the stated figure binds and the discrepancy is reported (SPEC §3).
public struct Stated<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var clause: Clause
    public init(_ value: Value, _ clause: Clause) {
        self.value = value
        self.clause = clause
    }
}

/// A percentage as the agreement prints it: `74` means 74 %, `23.45` means 23,45 %.
public struct Percent: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number of percent, exact (`74`, `23.45`).
    public var value: Ratio
    public init(_ value: Ratio) { self.value = value }
    public init(_ whole: Int) { self.value = Ratio(whole) }
    /// The share as a fraction of one (`74 %` → `0.74`).
    public var fraction: Ratio { value / 100 }
    public static func < (lhs: Percent, rhs: Percent) -> Bool { lhs.value < rhs.value }
    public var description: String { value.compactString(maxScale: 4) + " %" }
    /// Danish form, `23,45 %`.
    public var danishString: String { value.compactString(maxScale: 4, danish: true) + " %" }
    /// A share (a fraction of one) as a percentage to one decimal, rounded half away from zero
    /// (`0.5864` → `58,6 %`).
    public init(roundedShare share: Ratio) { self.init(Ratio(share.rounded(toScale: 3), 10)) }
    /// The percentage that `part` is of `whole`.
    public static func share(_ part: Ratio, of whole: Ratio) -> Percent { Percent(part / whole * 100) }
}
