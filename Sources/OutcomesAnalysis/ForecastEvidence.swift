public import OutcomesCore

/// What is known of an agreement on a date, for the forecast to condition on (issue #19 (2)):
/// the households actually enrolled and their courses, the settlement with its approved
/// half-years, and the delivered results line by line.
///
/// Pure: the caller reads the register, the delivery and the approvals and hands them over.
public struct ForecastEvidence: Sendable {
    /// One enrolled household's course: its start, and its end when it has one.
    public struct Course: Sendable, Equatable {
        public var start: LocalDate
        public var end: LocalDate?
        public init(start: LocalDate, end: LocalDate?) {
            self.start = start
            self.end = end
        }
    }

    /// One half-year of the settlement: closed ones are settled (their amounts fixed), open
    /// ones carry only the corrections of approved half-years settled in them (SPEC §10).
    public struct SettledPeriod: Sendable, Equatable {
        public var period: HalfYear
        public var isSettled: Bool
        /// Per goal number: the half-year's amount (settled) or its corrections (open).
        public var amounts: [Int: Money]
        public init(period: HalfYear, isSettled: Bool, amounts: [Int: Money]) {
            self.period = period
            self.isSettled = isSettled
            self.amounts = amounts
        }
    }

    /// One rate of the agreement: a goal's number and the row of its expected table (goal 1:
    /// the benefit type's row, goal 2: the level's row ordered by steps, goals 4 and 5: 0).
    public struct RateKey: Hashable, Sendable {
        public var goal: Int
        public var row: Int
        public init(goal: Int, row: Int) {
            self.goal = goal
            self.row = row
        }
    }

    /// Delivered results for one rate: trials and successes.
    public struct Count: Sendable, Equatable {
        public var successes: Int
        public var trials: Int
        public init(successes: Int, trials: Int) {
            self.successes = successes
            self.trials = trials
        }
    }

    public var asOf: LocalDate
    /// The date the results are known to: the latest delivery's receipt when earlier than
    /// `asOf` (a half-year that ended after it has no results yet, so it is not settled).
    public var resultsAsOf: LocalDate
    /// P 3.2.4, B5.1 2.3: the treatment households started by `asOf` that count or still can
    /// (not replaced, not ended before the counting months), in start order.
    public var courses: [Course]
    /// The settlement's half-years as of `asOf`.
    public var periods: [SettledPeriod]
    /// Per rate, the delivered results.
    public var counts: [RateKey: Count]
    /// Goal 3: each delivered cohort-point's improvement against the control group, as a
    /// multiple of the improvement the agreement expects at that point (B5.1 2.6.1).
    public var improvements: [Double]
    /// The settlement it was read from, when it was.
    public var settlement: Settlement?

    public init(
        asOf: LocalDate,
        resultsAsOf: LocalDate? = nil,
        courses: [Course],
        periods: [SettledPeriod],
        counts: [RateKey: Count],
        improvements: [Double]
    ) {
        self.asOf = asOf
        self.resultsAsOf = min(asOf, resultsAsOf ?? asOf)
        self.courses = courses.sorted { $0.start < $1.start }
        self.periods = periods
        self.counts = counts
        self.improvements = improvements
    }

    /// The evidence of a register (or a delivery's households), a delivery and the approved
    /// half-years on `asOf`; the results as of `resultsAsOf` when earlier (the delivery's
    /// receipt: the half-years after it are not settled yet).
    ///
    /// The money comes from the settlement with the approvals (SPEC §10: approved half-years as
    /// approved); the results from the one without them, whose lines keep their bases (an
    /// approved half-year's recorded lines are words). Imputed lines are not results.
    public init(
        _ history: AgreementHistory,
        households: [Household],
        delivery: Delivery,
        asOf: LocalDate,
        resultsAsOf: LocalDate? = nil,
        approved: [ApprovedPeriod] = []
    ) {
        let results = min(asOf, resultsAsOf ?? asOf)
        // The rows are the forecast's own: the latest version's tables.
        let commitment = history.latest
        let kept = approved.filter { $0.period.end <= results }
        let settlement = SettlementEngine.settle(history, delivery: delivery, asOf: results, approved: kept)
        let fresh = kept.isEmpty ? settlement : SettlementEngine.settle(history, delivery: delivery, asOf: results)
        let tally = ForecastEvidence.tally(fresh.lines.filter { !$0.isImputed && $0.date <= results }, commitment: commitment)
        self.init(
            asOf: asOf,
            resultsAsOf: results,
            courses: ForecastEvidence.courses(households, commitment: commitment, asOf: asOf),
            periods: settlement.periods.map { period in
                let settled = period.isClosed || period.isApproved
                return SettledPeriod(
                    period: period.period,
                    isSettled: settled,
                    amounts: Dictionary(period.goals.map { ($0.goal, settled ? $0.amount : $0.correction) }, uniquingKeysWith: +)
                )
            },
            counts: tally.counts,
            improvements: tally.improvements
        )
        self.settlement = settlement
    }

    /// The delivered results per rate (B5.1 2.1's criteria as the settlement applied them):
    /// - goal 1: a line counts for the row of the benefit type that set its criterion, met or
    ///   not;
    /// - goal 2: for the row of its baseline level, a success when it moved down a step;
    /// - goal 4: a success when the score rose;
    /// - goal 5: each of the plan's goals, a success when fulfilled;
    /// - goal 3: each cohort-point's fall in the difference to the control group over the
    ///   expected fall.
    public static func tally(_ lines: [SettlementLine], commitment: Commitment) -> (counts: [RateKey: Count], improvements: [Double]) {
        var counts: [RateKey: Count] = [:]
        var improvements: [Double] = []
        let goals = Dictionary(commitment.paymentGoals.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        func count(_ goal: Int, _ row: Int, successes: Int, trials: Int) {
            counts[RateKey(goal: goal, row: row), default: Count(successes: 0, trials: 0)].successes += successes
            counts[RateKey(goal: goal, row: row), default: Count(successes: 0, trials: 0)].trials += trials
        }
        for line in lines {
            guard let goal = goals[line.goal] else { continue }
            switch (goal.terms, line.basis) {
            case let (.employment(terms), .employment(basis)):
                guard let row = terms.rows.firstIndex(where: { $0.type == basis.criterionType }) else { continue }
                count(line.goal, row, successes: basis.isMet ? 1 : 0, trials: 1)
            case let (.socialMeasures(terms), .socialMeasures(basis)):
                guard let row = terms.rows.sorted(by: { $0.stepUnits < $1.stepUnits }).firstIndex(where: { $0.level == basis.baseline }) else { continue }
                count(line.goal, row, successes: basis.resultSteps < basis.baselineSteps ? 1 : 0, trials: 1)
            case let (.lifeSatisfaction, .lifeSatisfaction(basis)):
                count(line.goal, 0, successes: basis.end > basis.baseline ? 1 : 0, trials: 1)
            case let (.actionPlans, .actionPlan(basis)):
                count(line.goal, 0, successes: min(max(0, basis.fulfilled), basis.goals), trials: max(0, basis.goals))
            case let (.schoolAbsence(terms), .schoolAbsence(basis)):
                guard basis.problem == nil, let b = basis.baselineDifference, let d = basis.difference,
                    let expected = terms.expected.first(where: { $0.point == .months(basis.months) })?.successRate?.value,
                    !expected.isZero
                else { continue }
                improvements.append(((b.value - d.value) / expected).doubleValue)
            default: continue
            }
        }
        return (counts, improvements)
    }

    /// P 3.2.4, B5.1 2.3: the treatment households started by `asOf` that count or still can: a
    /// replaced household never counts, nor one whose course ended before it lasted the
    /// counting months.
    public static func courses(_ households: [Household], commitment: Commitment, asOf: LocalDate) -> [Course] {
        let months = commitment.compliance.countingMonths.value
        let replaced = Set(households.compactMap(\.replaces))
        return households.compactMap { household in
            guard household.group == .treatment, let start = household.start, start <= asOf, !replaced.contains(household.id) else { return nil }
            if let end = household.end, end <= asOf, end < start.addingMonths(months) { return nil }
            return Course(start: start, end: household.end.flatMap { $0 <= asOf ? $0 : nil })
        }
    }
}

/// A what-if for the forecast (issue #19 (3)): one or more changes to its inputs, run against
/// the base forecast.
public struct ForecastScenario: Sendable, Hashable {
    public enum Change: Sendable, Hashable {
        /// Enrolment stops once `households` have been enrolled in all.
        case enrolmentStops(households: Int)
        /// A goal's success rates (goal 3: its improvement, goal 5: its fulfilment) times a
        /// factor, a rate at most 100 %.
        case rateFactor(goal: Int, factor: Ratio)
        /// The households still to come start `months` later; those then past the last
        /// counting start (P 3.2.4) never start.
        case laterStart(months: Int)
        /// A goal's rate (B5.1 2.1) renegotiated to `rate` for results dated from `from`.
        case renegotiatedRate(goal: Int, rate: Money, from: LocalDate)
    }

    /// What the user typed, the scenario's name on every output.
    public var name: String
    public var changes: [Change]

    public init(name: String, changes: [Change]) {
        self.name = name
        self.changes = changes
    }

    /// A scenario problem, in words for the one who typed it.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The scenario syntax: changes joined by `+` (or a space), each one of
    /// `enrolment-stop=N`, `rate-factor=GOAL:FACTOR`, `later-start=MONTHS` and
    /// `new-rate=GOAL:KRONER@YYYY-MM-DD`; a factor or amount with a decimal point or comma.
    public static func parse(_ text: String, goals: [Int]) throws(ParseError) -> ForecastScenario {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.utf8.count <= 200 else {
            throw ParseError(description: "Et scenarie skal være 1–200 tegn, fx enrolment-stop=120 eller rate-factor=1:0,8.")
        }
        var changes: [Change] = []
        // `+` joins changes; a space too, as a `+` in a URL's query reads as one.
        for part in trimmed.split(whereSeparator: { $0 == "+" || $0 == " " }) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            guard pieces.count == 2 else { throw ParseError(description: "'\(InputRules.visible(String(part)))' mangler '=': brug fx later-start=6.") }
            let (key, value) = (pieces[0], pieces[1])
            func goal(_ text: Substring) throws(ParseError) -> Int {
                guard let number = Int(text), goals.contains(number) else {
                    throw ParseError(description: "'\(InputRules.visible(String(text)))' er ikke et af aftalens mål (\(goals.map(String.init).joined(separator: ", "))).")
                }
                return number
            }
            // A decimal with at most `scale` decimals (a factor to 0,0001, an amount to the øre).
            func decimal(_ text: Substring, _ what: String, scale: Int) throws(ParseError) -> Ratio {
                guard let number = try? DecimalNumber.parseEitherMark(String(text)), number.scale <= scale, number.units.magnitude < 1_000_000_000_000
                else {
                    throw ParseError(description: "'\(InputRules.visible(String(text)))' er ikke \(what) med højst \(scale) decimaler.")
                }
                return number.ratio
            }
            switch key {
            case "enrolment-stop":
                guard let n = Int(value), (0...100_000).contains(n) else {
                    throw ParseError(description: "enrolment-stop skal være et antal husstande (0–100.000), ikke '\(InputRules.visible(value))'.")
                }
                changes.append(.enrolmentStops(households: n))
            case "rate-factor":
                let sides = value.split(separator: ":", maxSplits: 1)
                guard sides.count == 2 else {
                    throw ParseError(description: "'\(InputRules.visible(value))': rate-factor skrives MÅL:FAKTOR, fx rate-factor=1:0,8.")
                }
                let factor = try decimal(sides[1], "en faktor", scale: 4)
                guard !factor.isNegative, factor <= Ratio(10) else {
                    throw ParseError(description: "Faktoren '\(InputRules.visible(String(sides[1])))' skal være mellem 0 og 10.")
                }
                changes.append(.rateFactor(goal: try goal(sides[0]), factor: factor))
            case "later-start":
                guard let months = Int(value), (0...120).contains(months) else {
                    throw ParseError(description: "later-start skal være et antal måneder (0–120), ikke '\(InputRules.visible(value))'.")
                }
                changes.append(.laterStart(months: months))
            case "new-rate":
                let sides = value.split(separator: ":", maxSplits: 1)
                let tail = sides.count == 2 ? sides[1].split(separator: "@", maxSplits: 1) : []
                guard tail.count == 2 else {
                    throw ParseError(description: "'\(InputRules.visible(value))': new-rate skrives MÅL:KRONER@DATO, fx new-rate=1:30000@2025-07-01.")
                }
                let kroner = try decimal(tail[0], "et beløb i kroner", scale: 2)
                guard !kroner.isNegative, kroner <= Ratio(100_000_000) else {
                    throw ParseError(description: "Taksten '\(InputRules.visible(String(tail[0])))' skal være mellem 0 og 100.000.000 kr.")
                }
                guard let from = LocalDate(iso: String(tail[1])), InputRules.years.contains(from.year) else {
                    throw ParseError(description: "'\(InputRules.visible(String(tail[1])))' er ikke en dato (ÅÅÅÅ-MM-DD).")
                }
                changes.append(.renegotiatedRate(goal: try goal(sides[0]), rate: Money.rounded(kroner), from: from))
            default:
                throw ParseError(
                    description: "'\(InputRules.visible(key))' er ikke et scenarie; brug enrolment-stop, rate-factor, later-start eller new-rate."
                )
            }
        }
        return ForecastScenario(name: trimmed, changes: changes)
    }

    /// The scenario in Danish words, for the finance page and the CLI.
    public func danishDescription(_ commitment: Commitment) -> String {
        changes.map { change in
            switch change {
            case let .enrolmentStops(households): "tilmeldingen stopper ved \(households.danishString) husstande"
            case let .rateFactor(goal, factor): "succesraten for mål \(goal) × \(factor.danishString(scale: 2))"
            case let .laterStart(months): "de kommende husstande starter \(months) måneder senere"
            case let .renegotiatedRate(goal, rate, from):
                "taksten for mål \(goal) bliver \(rate.danishShortString) \(commitment.goal(number: goal)?.unit.danishDescription ?? "") for resultater fra \(from.danishString)"
            }
        }.joined(separator: " og ")
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
