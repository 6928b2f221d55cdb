/// A calendar quarter (*kvartal*), e.g. 2025-Q3.
public struct Quarter: Hashable, Comparable, Sendable {
    public let year: Int
    /// 1…4.
    public let number: Int

    public init(year: Int, number: Int) {
        precondition((1...4).contains(number), "quarter number out of range")
        self.year = year
        self.number = number
    }

    public init(containing date: LocalDate) { self.init(year: date.year, number: (date.month - 1) / 3 + 1) }

    public var start: LocalDate { LocalDate(unchecked: year, (number - 1) * 3 + 1, 1) }
    public var end: LocalDate { start.addingMonths(2).lastOfMonth }
    public var next: Quarter { number == 4 ? Quarter(year: year + 1, number: 1) : Quarter(year: year, number: number + 1) }
    public var label: String { "\(year)-Q\(number)" }
    public var danishLabel: String { "\(number). kvartal \(year)" }

    public static func < (lhs: Quarter, rhs: Quarter) -> Bool { (lhs.year, lhs.number) < (rhs.year, rhs.number) }
}

/// A half-year (*halvår*), the settlement period of B5.1 1.2: H1 January–June, H2 July–December.
public struct HalfYear: Hashable, Comparable, Sendable {
    private let storedYear: Int16
    private let storedHalf: UInt8
    public var year: Int { Int(storedYear) }
    /// 1 or 2.
    public var half: Int { Int(storedHalf) }

    public init(year: Int, half: Int) {
        precondition(half == 1 || half == 2, "half out of range")
        storedYear = Int16(year)
        storedHalf = UInt8(half)
    }

    public init(containing date: LocalDate) { self.init(year: date.year, half: date.month <= 6 ? 1 : 2) }

    public var start: LocalDate { LocalDate(unchecked: year, half == 1 ? 1 : 7, 1) }
    public var end: LocalDate { half == 1 ? LocalDate(unchecked: year, 6, 30) : LocalDate(unchecked: year, 12, 31) }
    public var next: HalfYear { half == 2 ? HalfYear(year: year + 1, half: 1) : HalfYear(year: year, half: 2) }
    /// `2025-H1`.
    public var label: String { "\(year)-H\(half)" }

    /// Reads `2025-H1` back; `nil` for anything else (a year outside 1900–2100 included).
    public init?(label: String) {
        let parts = label.split(separator: "-H")
        guard parts.count == 2, let year = Int(parts[0]), (1900...2100).contains(year), let half = Int(parts[1]), half == 1 || half == 2 else {
            return nil
        }
        self.init(year: year, half: half)
    }
    /// `1. halvår 2025`.
    public var danishLabel: String { "\(half). halvår \(year)" }

    /// P 4 note 1 / SPEC §4: payment falls due on the last day of the quarter after the period
    /// (2025-H1 → 2025-09-30; 2025-H2 → 2026-03-31).
    public var paymentDue: LocalDate { paymentDue(quartersAfter: 1) }

    /// The last day of the `quarters`-th quarter after the period (`paymentDueQuartersAfterPeriod`).
    public func paymentDue(quartersAfter quarters: Int) -> LocalDate {
        var due = Quarter(containing: end)
        for _ in 0..<max(0, quarters) { due = due.next }
        return due.end
    }

    /// Every half-year from the one holding `first` to the one holding `last`.
    public static func span(from first: LocalDate, through last: LocalDate) -> [HalfYear] {
        var result: [HalfYear] = []
        var period = HalfYear(containing: first)
        let final = HalfYear(containing: last)
        while period <= final {
            result.append(period)
            period = period.next
        }
        return result
    }

    public static func < (lhs: HalfYear, rhs: HalfYear) -> Bool { (lhs.year, lhs.half) < (rhs.year, rhs.half) }
}
