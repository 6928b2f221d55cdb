/// A calendar day with no time of day and no time zone, in the proleptic Gregorian calendar.
///
/// Every date in an agreement is a day: a course starts on a day, a notice is received on a
/// day. Outcomes does its own month arithmetic rather than Foundation's `Calendar`, whose
/// month differences are wrong at month ends on Linux (PLATFORM.md).
public struct LocalDate: Hashable, Comparable, Sendable {
    /// `year × 512 + month × 32 + day`: four bytes that order like the date itself, so a
    /// settlement of millions of lines stays small and sorts fast.
    @usableFromInline
    let packed: Int32

    public var year: Int { Int(packed >> 9) }
    public var month: Int { Int((packed >> 5) & 15) }
    public var day: Int { Int(packed & 31) }

    /// Creates a date, or `nil` when the day does not exist (`2023-02-29`).
    @inlinable
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...LocalDate.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        self.init(unchecked: year, month, day)
    }

    /// Creates a date known to be valid.
    @usableFromInline
    init(unchecked year: Int, _ month: Int, _ day: Int) {
        packed = Int32(year << 9 | month << 5 | day)
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.packed < rhs.packed }

    /// A number that orders like the date (not a day count): for compact sort keys.
    public var orderKey: Int32 { packed }

    @inlinable
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // MARK: Day numbers

    /// Days since 1970-01-01 (negative before), after H. Hinnant's `days_from_civil`.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day number (inverse of ``dayNumber``).
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(unchecked: m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }

    /// ISO weekday: 1 Monday … 7 Sunday.
    public var isoWeekday: Int {
        let w = (dayNumber + 3) % 7  // 1970-01-01 was a Thursday (ISO 4)
        return (w < 0 ? w + 7 : w) + 1
    }

    public var isWeekend: Bool { isoWeekday >= 6 }

    public func addingDays(_ days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// Calendar days from `self` to `other` (positive when `other` is later).
    public func days(to other: LocalDate) -> Int { other.dayNumber - dayNumber }

    // MARK: Months

    /// Adds calendar months and clamps to the last day of the month reached.
    ///
    /// SPEC §4: "2024-08-31 + 18 months = 2026-02-28"; `2024-01-31 + 1 = 2024-02-29`.
    public func addingMonths(_ months: Int) -> LocalDate {
        let index = year * 12 + (month - 1) + months
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        let m = index - y * 12 + 1
        return LocalDate(unchecked: y, m, Swift.min(day, LocalDate.daysInMonth(year: y, month: m)))
    }

    public func addingYears(_ years: Int) -> LocalDate { addingMonths(years * 12) }

    /// Whole calendar months from `self` to `later`: the largest `n` with
    /// `self.addingMonths(n) ≤ later` (negative, symmetrically, when `later` is earlier).
    ///
    /// Consistent with the 3-month counting rule of P 3.2.4 under clamped addition:
    /// 2023-11-30 → 2024-02-29 is 3 months; 2024-01-31 → 2024-02-28 is 0.
    public func wholeMonths(until later: LocalDate) -> Int {
        if later < self { return -later.wholeMonths(until: self) }
        var n = (later.year - year) * 12 + (later.month - month)
        while n > 0, addingMonths(n) > later { n -= 1 }
        return n
    }

    /// Completed years of a person born on `self`, on `date`.
    ///
    /// SPEC §4: ages are in completed years; a person born on 29 February turns a year
    /// older on 28 February in common years (the clamped anniversary).
    public func completedYears(on date: LocalDate) -> Int {
        wholeMonths(until: date) / 12
    }

    /// The first day of this date's month.
    public var firstOfMonth: LocalDate { LocalDate(unchecked: year, month, 1) }
    /// The last day of this date's month.
    public var lastOfMonth: LocalDate { LocalDate(unchecked: year, month, LocalDate.daysInMonth(year: year, month: month)) }

    // MARK: Text

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        guard let date = LocalDate(isoBytes: Array(text.utf8)) else { return nil }
        self = date
    }

    /// Parses `DD-MM-YYYY` (Danish order, also `DD.MM.YYYY`), as a data delivery may write dates.
    public init?(danish text: some StringProtocol) {
        guard let date = LocalDate(danishBytes: Array(text.utf8)) else { return nil }
        self = date
    }

    /// Parses `YYYY-MM-DD` from UTF-8 bytes (no String needed).
    @inlinable
    public init?<Bytes: RandomAccessCollection<UInt8>>(isoBytes b: Bytes) where Bytes.Index == Int {
        let o = b.startIndex
        guard b.count == 10, b[o + 4] == UInt8(ascii: "-"), b[o + 7] == UInt8(ascii: "-"),
            let y = LocalDate.digits(b, o, 4), let m = LocalDate.digits(b, o + 5, 2), let d = LocalDate.digits(b, o + 8, 2)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Parses `DD-MM-YYYY` or `DD.MM.YYYY` from UTF-8 bytes.
    @inlinable
    public init?<Bytes: RandomAccessCollection<UInt8>>(danishBytes b: Bytes) where Bytes.Index == Int {
        let o = b.startIndex
        guard b.count == 10, b[o + 2] == UInt8(ascii: "-") || b[o + 2] == UInt8(ascii: "."), b[o + 5] == b[o + 2],
            let d = LocalDate.digits(b, o, 2), let m = LocalDate.digits(b, o + 3, 2), let y = LocalDate.digits(b, o + 6, 4)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    @inlinable
    static func digits<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ from: Int, _ count: Int) -> Int?
    where Bytes.Index == Int {
        var value = 0
        for i in from..<(from + count) {
            let byte = bytes[i]
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// `2024-08-31`.
    public var isoString: String {
        let (y, m, d) = (year, month, day)
        return String(unsafeUninitializedCapacity: 10) { b in
            b[0] = UInt8(48 + y / 1000 % 10)
            b[1] = UInt8(48 + y / 100 % 10)
            b[2] = UInt8(48 + y / 10 % 10)
            b[3] = UInt8(48 + y % 10)
            b[4] = UInt8(ascii: "-")
            b[5] = UInt8(48 + m / 10)
            b[6] = UInt8(48 + m % 10)
            b[7] = UInt8(ascii: "-")
            b[8] = UInt8(48 + d / 10)
            b[9] = UInt8(48 + d % 10)
            return 10
        }
    }

    /// Danish numeric form: `31.08.2024`.
    public var danishString: String {
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(pad(day)).\(pad(month)).\(year)"
    }

    /// Danish long form: `31. august 2024`.
    public var danishLongString: String { "\(day). \(LocalDate.danishMonthNames[month - 1]) \(year)" }

    public static let danishMonthNames = [
        "januar", "februar", "marts", "april", "maj", "juni",
        "juli", "august", "september", "oktober", "november", "december",
    ]
}

extension LocalDate: CustomStringConvertible {
    public var description: String { isoString }
}

extension LocalDate: Codable {
    /// Dates travel as ISO strings (`"2024-08-31"`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a date YYYY-MM-DD")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(isoString)
    }
}

/// A closed range of days, `start...end`.
public struct DateRange: Hashable, Sendable {
    public var start: LocalDate
    public var end: LocalDate

    public init(start: LocalDate, end: LocalDate) {
        self.start = start
        self.end = end
    }

    public func contains(_ date: LocalDate) -> Bool { start <= date && date <= end }
    /// Whole months covered, counting a range that ends the day before a month anniversary
    /// as complete (2023-11-01...2026-10-31 is 36 months).
    public var months: Int { start.wholeMonths(until: end.addingDays(1)) }
}
