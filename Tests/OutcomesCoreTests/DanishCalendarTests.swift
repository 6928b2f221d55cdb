import Testing

@testable import OutcomesCore

func day(_ text: String) -> LocalDate {
    guard let date = LocalDate(iso: text) else { fatalError("bad test date \(text)") }
    return date
}

@Suite("Danish public holidays and business days")
struct DanishCalendarTests {
    /// Written out by hand from the law on holidays (helligdage), with Store Bededag
    /// abolished from 2024 (lov nr. 159 af 28. februar 2023). Easter Sundays: 2023-04-09,
    /// 2024-03-31, 2025-04-20, 2026-04-05, 2027-03-28, 2028-04-16, 2029-04-01, 2030-04-21.
    static let table: [(year: Int, holidays: [String])] = [
        (
            2023,
            [
                "2023-01-01", "2023-04-06", "2023-04-07", "2023-04-09", "2023-04-10", "2023-05-05",
                "2023-05-18", "2023-05-28", "2023-05-29", "2023-12-25", "2023-12-26",
            ]
        ),
        (
            2024,
            [
                "2024-01-01", "2024-03-28", "2024-03-29", "2024-03-31", "2024-04-01",
                "2024-05-09", "2024-05-19", "2024-05-20", "2024-12-25", "2024-12-26",
            ]
        ),
        (
            2025,
            [
                "2025-01-01", "2025-04-17", "2025-04-18", "2025-04-20", "2025-04-21",
                "2025-05-29", "2025-06-08", "2025-06-09", "2025-12-25", "2025-12-26",
            ]
        ),
        (
            2026,
            [
                "2026-01-01", "2026-04-02", "2026-04-03", "2026-04-05", "2026-04-06",
                "2026-05-14", "2026-05-24", "2026-05-25", "2026-12-25", "2026-12-26",
            ]
        ),
        (
            2027,
            [
                "2027-01-01", "2027-03-25", "2027-03-26", "2027-03-28", "2027-03-29",
                "2027-05-06", "2027-05-16", "2027-05-17", "2027-12-25", "2027-12-26",
            ]
        ),
        (
            2028,
            [
                "2028-01-01", "2028-04-13", "2028-04-14", "2028-04-16", "2028-04-17",
                "2028-05-25", "2028-06-04", "2028-06-05", "2028-12-25", "2028-12-26",
            ]
        ),
        (
            2029,
            [
                "2029-01-01", "2029-03-29", "2029-03-30", "2029-04-01", "2029-04-02",
                "2029-05-10", "2029-05-20", "2029-05-21", "2029-12-25", "2029-12-26",
            ]
        ),
        (
            2030,
            [
                "2030-01-01", "2030-04-18", "2030-04-19", "2030-04-21", "2030-04-22",
                "2030-05-30", "2030-06-09", "2030-06-10", "2030-12-25", "2030-12-26",
            ]
        ),
    ]

    @Test("Public holidays 2023–2030 match the hand-written table", arguments: table)
    func holidays(year: Int, expected: [String]) {
        let computed = DanishCalendar.publicHolidays(in: year).map(\.date.isoString)
        #expect(computed == expected)
    }

    @Test("Store Bededag is a holiday in 2023 and not from 2024")
    func greatPrayerDay() {
        #expect(DanishCalendar.isPublicHoliday(day("2023-05-05")))
        #expect(DanishCalendar.publicHolidays(in: 2023).contains { $0.name == "Store Bededag" })
        #expect(!DanishCalendar.isPublicHoliday(day("2024-04-26")))
        #expect(DanishCalendar.isBusinessDay(day("2024-04-26")))
        #expect(!DanishCalendar.publicHolidays(in: 2025).contains { $0.name == "Store Bededag" })
    }

    @Test("Weekdays are computed from the date")
    func weekdays() {
        #expect(day("2026-11-26").isoWeekday == 4)  // Thursday
        #expect(day("2023-11-01").isoWeekday == 3)  // Wednesday
        #expect(day("2024-02-29").isoWeekday == 4)
        #expect(day("1970-01-01").isoWeekday == 4)
        #expect(day("2025-04-19").isWeekend)
    }

    @Test("Christmas Eve, New Year's Eve and Constitution Day are business days (not public holidays)")
    func notHolidays() {
        #expect(DanishCalendar.isBusinessDay(day("2024-12-24")))
        #expect(DanishCalendar.isBusinessDay(day("2024-12-31")))
        #expect(DanishCalendar.isBusinessDay(day("2025-06-05")))
    }

    /// T 10.2: a notice received on a non-business day counts from the next business day.
    @Test(
        "T 10.2: the day a notice counts as received",
        arguments: [
            ("2025-04-18", "2025-04-22"),  // Langfredag → past Easter Sunday and Monday
            ("2025-04-19", "2025-04-22"),  // Saturday before Easter
            ("2023-05-05", "2023-05-08"),  // Store Bededag 2023 (a Friday)
            ("2024-04-26", "2024-04-26"),  // the former Store Bededag is an ordinary Friday in 2024
            ("2024-12-25", "2024-12-27"),  // Juledag → past 2. juledag
            ("2024-12-24", "2024-12-24"),  // Christmas Eve, a Tuesday, is a business day
            ("2026-11-28", "2026-11-30"),  // Saturday → Monday
            ("2026-11-26", "2026-11-26"),  // a Thursday stays
            ("2028-12-30", "2029-01-02"),  // Saturday → past Sunday and Nytårsdag
        ]
    )
    func receipt(actual: String, counts: String) {
        #expect(DanishCalendar.receivedOn(day(actual)) == day(counts))
    }

    @Test("Deadlines in calendar days run from the day the notice counts as received")
    func deadlines() {
        // T 6.2.3: 45 days; received Saturday 2025-06-07 counts from Tuesday 2025-06-10 (Pinse).
        #expect(DanishCalendar.deadline(calendarDays: 45, fromNoticeReceived: day("2025-06-07")) == day("2025-07-25"))
        // T 6.2.4: 30 days from a Wednesday.
        #expect(DanishCalendar.deadline(calendarDays: 30, fromNoticeReceived: day("2025-01-15")) == day("2025-02-14"))
    }

    @Test("Business days are counted and added across holidays")
    func businessDayArithmetic() {
        // Thursday 2025-04-16 to Wednesday 2025-04-23: 17th, 18th, 21st holidays; 22nd, 23rd business days.
        #expect(DanishCalendar.businessDays(after: day("2025-04-16"), through: day("2025-04-23")) == 2)
        #expect(DanishCalendar.addingBusinessDays(1, to: day("2025-04-16")) == day("2025-04-22"))
        #expect(DanishCalendar.addingBusinessDays(3, to: day("2026-12-23")) == day("2026-12-29"))
    }
}

@Suite("Calendar months, ages, quarters and half-years")
struct CalendarMonthTests {
    @Test(
        "Adding months clamps to the month's last day",
        arguments: [
            ("2024-08-31", 18, "2026-02-28"),
            ("2024-01-31", 1, "2024-02-29"),
            ("2023-01-31", 1, "2023-02-28"),
            ("2024-02-29", 12, "2025-02-28"),
            ("2023-11-30", 3, "2024-02-29"),
            ("2024-12-31", 2, "2025-02-28"),
            ("2024-03-31", -1, "2024-02-29"),
            ("2024-05-15", 0, "2024-05-15"),
            ("2023-11-01", 36, "2026-11-01"),
        ]
    )
    func addMonths(start: String, months: Int, expected: String) {
        #expect(day(start).addingMonths(months) == day(expected))
    }

    @Test(
        "Whole months between two dates, at month ends",
        arguments: [
            ("2023-11-30", "2024-02-29", 3),
            ("2023-11-30", "2024-02-28", 2),
            ("2024-01-31", "2024-02-28", 0),
            ("2024-01-31", "2024-02-29", 1),
            ("2024-01-15", "2024-02-14", 0),
            ("2024-01-15", "2024-02-15", 1),
            ("2023-11-01", "2026-11-01", 36),
            ("2024-05-31", "2024-06-30", 1),
            ("2024-02-29", "2025-02-28", 12),
            ("2024-02-15", "2024-01-15", -1),
        ]
    )
    func monthDifference(from: String, to: String, months: Int) {
        #expect(day(from).wholeMonths(until: day(to)) == months)
    }

    @Test("Ages are completed years; a 29 February birthday turns on 28 February in common years")
    func ages() {
        #expect(day("2004-02-29").completedYears(on: day("2022-02-27")) == 17)
        #expect(day("2004-02-29").completedYears(on: day("2022-02-28")) == 18)
        #expect(day("2000-02-29").completedYears(on: day("2024-02-28")) == 23)
        #expect(day("2000-02-29").completedYears(on: day("2024-02-29")) == 24)
        #expect(day("1958-06-10").completedYears(on: day("2025-06-09")) == 66)
        #expect(day("1958-06-10").completedYears(on: day("2025-06-10")) == 67)
    }

    @Test("Quarters and half-years with their payment due dates")
    func periods() {
        let q = Quarter(containing: day("2024-11-15"))
        #expect(q.label == "2024-Q4")
        #expect(q.start == day("2024-10-01") && q.end == day("2024-12-31"))
        #expect(q.next == Quarter(year: 2025, number: 1))
        #expect(Quarter(containing: day("2024-02-29")).end == day("2024-03-31"))
        let h1 = HalfYear(containing: day("2025-06-30"))
        #expect(h1.label == "2025-H1" && h1.start == day("2025-01-01") && h1.end == day("2025-06-30"))
        #expect(h1.paymentDue == day("2025-09-30"))
        #expect(h1.next.paymentDue == day("2026-03-31"))
        #expect(
            HalfYear.span(from: day("2023-11-01"), through: day("2025-01-01")).map(\.label)
                == ["2023-H2", "2024-H1", "2024-H2", "2025-H1"]
        )
    }

    @Test("Dates parse in ISO and Danish order and reject impossible days")
    func parsing() {
        #expect(LocalDate(iso: "2024-02-29") == day("2024-02-29"))
        #expect(LocalDate(iso: "2023-02-29") == nil)
        #expect(LocalDate(iso: "2023-13-01") == nil)
        #expect(LocalDate(iso: "2023-1-01") == nil)
        #expect(LocalDate(danish: "31-08-2024") == day("2024-08-31"))
        #expect(LocalDate(danish: "31.08.2024") == day("2024-08-31"))
        #expect(LocalDate(danish: "31-08.2024") == nil)
        #expect(day("2024-08-31").danishString == "31.08.2024")
        #expect(day("2024-08-31").danishLongString == "31. august 2024")
        for n in [-800_000, -1, 0, 1, 19_000, 20_000, 2_000_000] {
            #expect(LocalDate(dayNumber: n).dayNumber == n)
        }
    }
}
