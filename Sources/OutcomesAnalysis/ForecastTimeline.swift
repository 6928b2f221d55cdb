public import OutcomesCore

/// When things happen in the forecast (docs/decisions.md, step 6): the expected households'
/// courses and the half-years their measurements fall in.
///
/// - B4.1: each budget year's expected households (10, 60, 60, 50) start evenly over the months
///   of that year that lie in the intervention period and still let a course last the 3 months
///   that make it count (P 3.2.4), each on the first of its month.
/// - P 1.1.3: a course lasts the file's `courseMonths` (ca. 12 months) and ends by the end of
///   the intervention period at the latest.
/// - B5.1 2.1: goals 1 and 2 are measured the stated months after the start; goals 4 and 5 at
///   the course's end; goal 3 per cohort (the intervention year of the start) once all of the
///   cohort's households have reached the point, that is its last start plus the point's months.
/// - SPEC §4: a payment belongs to the half-year of its date and falls due on the last day of
///   the quarter after it.
public struct ForecastTimeline: Sendable, Equatable {
    /// Each expected household's course start, in enrolment order.
    public var starts: [LocalDate]
    /// Each course's end.
    public var ends: [LocalDate]
    /// Each household's goal-3 cohort, 1…n.
    public var cohorts: [Int]
    /// The settlement periods from the intervention's start to the last measurement.
    public var periods: [HalfYear]
    /// When each period's payment falls due.
    public var dues: [LocalDate]

    public init(_ commitment: Commitment) {
        let starts = ForecastTimeline.expectedStarts(commitment)
        self.init(commitment, starts: starts, ends: starts.map { ForecastTimeline.expectedEnd(of: $0, commitment) })
    }

    /// B4.1 / P 3.2.4: the expected households' course starts, in enrolment order.
    public static func expectedStarts(_ commitment: Commitment) -> [LocalDate] {
        let intervention = commitment.interventionPeriod.value
        var starts: [LocalDate] = []
        let budget = commitment.budget
        let lastCountingStart = lastCountingStart(commitment)
        for (year, count) in zip(budget.years, budget.expectedHouseholds) where count > 0 {
            // The first of each month, or the intervention's own first day in its first month.
            let months = (1...12).compactMap { LocalDate(year: year, month: $0, day: 1) }
                .filter { $0 >= intervention.start.firstOfMonth }.map { max($0, intervention.start) }
                .filter { $0 <= lastCountingStart }
            guard !months.isEmpty else { continue }
            for j in 0..<count { starts.append(months[j * months.count / count]) }
        }
        return starts
    }

    /// P 3.2.4 / SPEC §4: a course that starts later than this can never count.
    public static func lastCountingStart(_ commitment: Commitment) -> LocalDate {
        commitment.interventionPeriod.value.end.addingMonths(-commitment.compliance.countingMonths.value)
    }

    /// P 1.1.3: a course started on `start` is expected to end after the file's `courseMonths`,
    /// by the end of the intervention period at the latest.
    public static func expectedEnd(of start: LocalDate, _ commitment: Commitment) -> LocalDate {
        let end = commitment.interventionPeriod.value.end
        return commitment.expectedCourseMonths.map { min(start.addingMonths($0.value), end) } ?? end
    }

    /// A timeline of given courses (issue #19: the households actually enrolled, then the
    /// expected ones still to come), in enrolment order; the periods reach `through` at least.
    public init(_ commitment: Commitment, starts: [LocalDate], ends: [LocalDate], through: LocalDate? = nil) {
        let intervention = commitment.interventionPeriod.value
        let cohortCount =
            commitment.paymentGoals.compactMap { goal -> Int? in
                if case let .schoolAbsence(terms) = goal.terms { terms.cohorts.value } else { nil }
            }.first ?? 1
        let cohorts = starts.map { Cohorts.cohort(of: $0, in: intervention, cohorts: cohortCount) }

        // The periods reach the latest date any goal can be measured on.
        let longest = commitment.paymentGoals.flatMap { $0.resultMonths }.max() ?? 0
        let last = max(
            starts.map { $0.addingMonths(longest) }.max() ?? intervention.end,
            ends.max() ?? intervention.end,
            intervention.end,
            through ?? intervention.end
        )
        let periods = HalfYear.span(from: intervention.start, through: last)
        let quarters = commitment.reporting.paymentDueQuartersAfterPeriod.value
        self.starts = starts
        self.ends = ends
        self.cohorts = cohorts
        self.periods = periods
        self.dues = periods.map { $0.paymentDue(quartersAfter: quarters) }
    }

    /// The index of the period holding `date`, or `nil` after the last.
    public func period(of date: LocalDate) -> Int? {
        guard let first = periods.first else { return nil }
        let period = HalfYear(containing: date)
        let index = (period.year - first.year) * 2 + period.half - first.half
        return index >= 0 && index < periods.count ? index : nil
    }

    /// Spreads `units` (the persons of one row of an expected table) evenly over the households
    /// in enrolment order: unit j goes to household ⌊j × households / units⌋.
    public func households(for units: Int) -> [Int] {
        (0..<max(0, units)).map { $0 * starts.count / units }
    }

    /// The date a cohort is measured at `months` after start: its last start plus the months.
    public func cohortDate(_ cohort: Int, months: Int) -> LocalDate? {
        zip(starts, cohorts).filter { $0.1 == cohort }.map(\.0).max()?.addingMonths(months)
    }
}
