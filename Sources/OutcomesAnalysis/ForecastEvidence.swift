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

    public var asOf: LocalDate
    /// P 3.2.4, B5.1 2.3: the treatment households started by `asOf` that count or still can
    /// (not replaced, not ended before the counting months), in start order.
    public var courses: [Course]
    /// The settlement as of `asOf`, approved half-years as approved (SPEC §10): its closed
    /// half-years' money is fixed; its open half-years' corrections are known.
    public var settlement: Settlement
    /// The delivered results the rates learn from: the settlement's lines as the delivery
    /// computes them (approved half-years' lines included, with their bases), imputed ones
    /// left out (B5.1 2.3's averages are not observations).
    public var observed: [SettlementLine]

    public init(asOf: LocalDate, courses: [Course], settlement: Settlement, observed: [SettlementLine]) {
        self.asOf = asOf
        self.courses = courses.sorted { $0.start < $1.start }
        self.settlement = settlement
        self.observed = observed.filter { !$0.isImputed && $0.date <= asOf }
    }

    /// The evidence of a register (or a delivery's households), a delivery and the approved
    /// half-years on `asOf`: the settlement with and without the approvals (the latter's lines
    /// keep their bases, which an approved half-year's recorded lines do not).
    public init(_ history: AgreementHistory, households: [Household], delivery: Delivery, asOf: LocalDate, approved: [ApprovedPeriod] = []) {
        let commitment = history.inForce(on: asOf)
        let kept = approved.filter { $0.period.end <= asOf }
        let settlement = SettlementEngine.settle(history, delivery: delivery, asOf: asOf, approved: kept)
        let fresh = kept.isEmpty ? settlement : SettlementEngine.settle(history, delivery: delivery, asOf: asOf)
        self.init(
            asOf: asOf,
            courses: ForecastEvidence.courses(households, commitment: commitment, asOf: asOf),
            settlement: settlement,
            observed: fresh.lines
        )
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

    /// The scenario syntax: changes joined by `+`, each one of
    /// `enrolment-stop=N`, `rate-factor=GOAL:FACTOR`, `later-start=MONTHS` and
    /// `new-rate=GOAL:KRONER@YYYY-MM-DD`; a factor or amount with a decimal point or comma.
    public static func parse(_ text: String, goals: [Int]) throws(ParseError) -> ForecastScenario {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.utf8.count <= 200 else {
            throw ParseError(description: "Et scenarie skal være 1–200 tegn, fx enrolment-stop=120 eller rate-factor=1:0,8.")
        }
        var changes: [Change] = []
        for part in trimmed.split(separator: "+") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            guard pieces.count == 2 else { throw ParseError(description: "'\(InputRules.visible(String(part)))' mangler '=': brug fx later-start=6.") }
            let (key, value) = (pieces[0], pieces[1])
            func goal(_ text: Substring) throws(ParseError) -> Int {
                guard let number = Int(text), goals.contains(number) else {
                    throw ParseError(description: "'\(InputRules.visible(String(text)))' er ikke et af aftalens mål (\(goals.map(String.init).joined(separator: ", "))).")
                }
                return number
            }
            func decimal(_ text: Substring, _ what: String) throws(ParseError) -> Ratio {
                guard let number = try? DecimalNumber.parseEitherMark(String(text)) else {
                    throw ParseError(description: "'\(InputRules.visible(String(text)))' er ikke \(what).")
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
                guard sides.count == 2 else { throw ParseError(description: "rate-factor skrives MÅL:FAKTOR, fx rate-factor=1:0,8.") }
                let factor = try decimal(sides[1], "en faktor")
                guard !factor.isNegative, factor <= Ratio(10) else { throw ParseError(description: "En faktor skal være mellem 0 og 10.") }
                changes.append(.rateFactor(goal: try goal(sides[0]), factor: factor))
            case "later-start":
                guard let months = Int(value), (0...120).contains(months) else {
                    throw ParseError(description: "later-start skal være et antal måneder (0–120), ikke '\(InputRules.visible(value))'.")
                }
                changes.append(.laterStart(months: months))
            case "new-rate":
                let sides = value.split(separator: ":", maxSplits: 1)
                let tail = sides.count == 2 ? sides[1].split(separator: "@", maxSplits: 1) : []
                guard tail.count == 2 else { throw ParseError(description: "new-rate skrives MÅL:KRONER@DATO, fx new-rate=1:30000@2025-07-01.") }
                let kroner = try decimal(tail[0], "et beløb i kroner")
                guard !kroner.isNegative, kroner <= Ratio(100_000_000) else { throw ParseError(description: "En takst skal være mellem 0 og 100.000.000 kr.") }
                guard let from = LocalDate(iso: String(tail[1])) else {
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
            case let .rateFactor(goal, factor): "mål \(goal)s succesrate × \(factor.danishString(scale: 2))"
            case let .laterStart(months): "de kommende husstande starter \(months) måneder senere"
            case let .renegotiatedRate(goal, rate, from): "mål \(goal) betaler \(rate.danishShortString) fra \(from.danishString)"
            }
        }.joined(separator: " og ")
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
