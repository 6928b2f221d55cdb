/// Where the intervention stands on a date: households enrolled against the targets, courses
/// active and ended, replacement obligations still open. Computed from the register alone.
public struct EnrolmentProgress: Sendable, Equatable {
    public var asOf: LocalDate
    /// Households enrolled (treatment group, course started) by the end of each month of the
    /// intervention period up to the as-of date, cumulatively.
    public var enrolledByMonth: [(monthEnd: LocalDate, enrolled: Int)]
    /// The targets: the milestones of T 6.1.1 (iv), the pace of P 3.2.2 and the total.
    public var targets: [Target]
    public var enrolled: Int
    public var active: Int
    public var ended: Int
    /// T 6.1.1 (iii): more ended courses than this lets the funders withhold payments.
    public var endedLimit: Stated<Int>
    /// P 3.2.3: courses that ended early for a reason that obliges a replacement, with none yet.
    public var openReplacements: [HouseholdID]

    /// A number of households to reach by a date.
    public struct Target: Sendable, Equatable {
        public var by: LocalDate
        public var households: Int
        public var clause: Clause
        public var reached: Bool
    }

    public static func == (lhs: EnrolmentProgress, rhs: EnrolmentProgress) -> Bool {
        lhs.asOf == rhs.asOf && lhs.enrolledByMonth.map(\.monthEnd) == rhs.enrolledByMonth.map(\.monthEnd)
            && lhs.enrolledByMonth.map(\.enrolled) == rhs.enrolledByMonth.map(\.enrolled) && lhs.targets == rhs.targets
            && lhs.enrolled == rhs.enrolled && lhs.active == rhs.active && lhs.ended == rhs.ended && lhs.endedLimit == rhs.endedLimit
            && lhs.openReplacements == rhs.openReplacements
    }

    /// The progress of `households` under `commitment` on `asOf`.
    ///
    /// - T 6.1.1 (iv): at least 15 households within 6 months and 40 within 12 (the milestones
    ///   of the contract file), counted to the day before the month anniversary.
    /// - P 3.2.2: 60 households a year, 180 in all (`expectedHouseholds`).
    /// - P 3.2.3: replacement obligations still open (``Replacements/open(_:commitment:asOf:)``).
    public static func compute(_ households: [Household], commitment: Commitment, asOf: LocalDate) -> EnrolmentProgress {
        let period = commitment.interventionPeriod.value
        // Sorted starts of the courses enrolled by `asOf` (``Course/isEnrolled(on:)``), so a
        // count by an earlier day is a prefix.
        let starts = households.filter { $0.isEnrolled(on: asOf) }.compactMap(\.start).sorted()
        func enrolled(by day: LocalDate) -> Int { starts.prefix { $0 <= day }.count }

        var months: [(LocalDate, Int)] = []
        var month = LocalDate(year: period.start.year, month: period.start.month, day: 1)!
        while month <= asOf && month <= period.end {
            let end = month.addingMonths(1).addingDays(-1)
            months.append((min(end, asOf), enrolled(by: min(end, asOf))))
            month = month.addingMonths(1)
        }

        var targets = commitment.compliance.enrolmentMilestones.map { milestone in
            let by = period.start.addingMonths(milestone.withinMonths).addingDays(-1)
            return Target(by: by, households: milestone.households, clause: milestone.clause, reached: enrolled(by: by) >= milestone.households)
        }
        let pace = commitment.compliance.annualEnrolmentPace
        let total = commitment.expectedHouseholds
        var year = 1
        while pace.value * year < total.value {
            let by = period.start.addingMonths(12 * year).addingDays(-1)
            if !targets.contains(where: { $0.by == by }) {
                targets.append(Target(by: by, households: pace.value * year, clause: pace.clause, reached: enrolled(by: by) >= pace.value * year))
            }
            year += 1
        }
        targets.append(Target(by: period.end, households: total.value, clause: total.clause, reached: enrolled(by: period.end) >= total.value))
        targets.sort { $0.by < $1.by }

        let treated = households.filter { $0.isEnrolled(on: asOf) }
        let endedCourses = treated.filter { $0.course.hasEnded(by: asOf) }
        let open = Replacements.open(households, commitment: commitment, asOf: asOf).map(\.household)

        return EnrolmentProgress(
            asOf: asOf,
            enrolledByMonth: months,
            targets: targets,
            enrolled: starts.count,
            active: treated.count - endedCourses.count,
            ended: endedCourses.count,
            endedLimit: commitment.compliance.endedCoursesLimit,
            openReplacements: open
        )
    }
}
