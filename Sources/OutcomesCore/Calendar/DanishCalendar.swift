/// A Danish public holiday (*helligdag*).
public struct PublicHoliday: Hashable, Sendable {
    public var date: LocalDate
    /// The Danish name, e.g. "2. påskedag".
    public var name: String
}

/// The Danish calendar of public holidays and business days (*hverdage*).
///
/// The public holidays are those of the Danish church calendar as the law on holidays
/// lists them: New Year's Day, Maundy Thursday, Good Friday, Easter Sunday and Monday,
/// Great Prayer Day (*Store Bededag*, abolished as a holiday from 2024 by lov nr. 159 of
/// 28 February 2023), Ascension Day, Whit Sunday and Monday, Christmas Day and Boxing Day.
///
/// Decision (docs/decisions.md): a business day is Monday–Friday and not a public holiday.
/// Constitution Day (5 June), Christmas Eve and New Year's Eve are not public holidays by
/// law and so count as business days for T 10.2.
public enum DanishCalendar {
    /// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
    public static func easterSunday(_ year: Int) -> LocalDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(unchecked: year, month, day)
    }

    /// The last year in which Store Bededag was a public holiday.
    public static let lastGreatPrayerDayYear = 2023

    /// The public holidays of a year, in date order.
    public static func publicHolidays(in year: Int) -> [PublicHoliday] {
        let easter = easterSunday(year)
        var holidays = [
            PublicHoliday(date: LocalDate(unchecked: year, 1, 1), name: "Nytårsdag"),
            PublicHoliday(date: easter.addingDays(-3), name: "Skærtorsdag"),
            PublicHoliday(date: easter.addingDays(-2), name: "Langfredag"),
            PublicHoliday(date: easter, name: "Påskedag"),
            PublicHoliday(date: easter.addingDays(1), name: "2. påskedag"),
        ]
        if year <= lastGreatPrayerDayYear {
            holidays.append(PublicHoliday(date: easter.addingDays(26), name: "Store Bededag"))
        }
        holidays += [
            PublicHoliday(date: easter.addingDays(39), name: "Kristi Himmelfartsdag"),
            PublicHoliday(date: easter.addingDays(49), name: "Pinsedag"),
            PublicHoliday(date: easter.addingDays(50), name: "2. pinsedag"),
            PublicHoliday(date: LocalDate(unchecked: year, 12, 25), name: "Juledag"),
            PublicHoliday(date: LocalDate(unchecked: year, 12, 26), name: "2. juledag"),
        ]
        return holidays
    }

    public static func isPublicHoliday(_ date: LocalDate) -> Bool {
        publicHolidays(in: date.year).contains { $0.date == date }
    }

    /// A business day (*hverdag*): Monday to Friday and not a public holiday.
    public static func isBusinessDay(_ date: LocalDate) -> Bool {
        !date.isWeekend && !isPublicHoliday(date)
    }

    /// The first business day on or after `date`.
    public static func businessDay(onOrAfter date: LocalDate) -> LocalDate {
        var day = date
        while !isBusinessDay(day) { day = day.addingDays(1) }
        return day
    }

    /// T 10.2: a notice received on a day that is not a business day counts as received on
    /// the first business day after it.
    ///
    /// ```swift
    /// DanishCalendar.receivedOn(LocalDate(iso: "2025-04-18")!)  // Langfredag → 2025-04-22
    /// ```
    public static func receivedOn(_ actualReceipt: LocalDate) -> LocalDate {
        businessDay(onOrAfter: actualReceipt)
    }

    /// A deadline of `calendarDays` calendar days from a notice received on `actualReceipt`,
    /// counted from the day it counts as received (T 10.2), e.g. 45 days for payment after a
    /// revocation (T 6.2.3), 30 for an objection (T 6.2.4), 60 for amicable resolution (T 12.2).
    public static func deadline(calendarDays: Int, fromNoticeReceived actualReceipt: LocalDate) -> LocalDate {
        receivedOn(actualReceipt).addingDays(calendarDays)
    }

    /// Business days strictly after `from` up to and including `to`.
    public static func businessDays(after from: LocalDate, through to: LocalDate) -> Int {
        guard from < to else { return 0 }
        var count = 0
        var day = from.addingDays(1)
        while day <= to {
            if isBusinessDay(day) { count += 1 }
            day = day.addingDays(1)
        }
        return count
    }

    /// The date `count` business days after `date`.
    public static func addingBusinessDays(_ count: Int, to date: LocalDate) -> LocalDate {
        var day = date
        var left = count
        while left > 0 {
            day = day.addingDays(1)
            if isBusinessDay(day) { left -= 1 }
        }
        return day
    }
}
