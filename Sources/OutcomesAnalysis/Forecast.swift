import Dispatch
public import OutcomesCore
import RealModule

/// A Monte-Carlo model of the agreement built from its own expected figures (B5.1 2.4.1,
/// 2.5.1, 2.6.1, 2.7.1, 2.8.2) for the households B4.1 expects, on the time axis of
/// ``ForecastTimeline`` (docs/decisions.md, step 6):
///
/// - Goal 1: each person of the expected baseline table meets the criterion of their benefit
///   type with its success rate, independently at each of the three points.
/// - Goal 2: each person with a measure moves one step down the staircase with its success rate
///   (s82 → none: 1 unit, s85 → s82: 2, s103_104 → s85: 2).
/// - Goal 3: in each of the three cohorts, the improvement at each point is normal around the
///   run's mean improvement with a standard deviation of half of it, never below zero, to a
///   hundredth of a percentage point.
/// - Goal 4: each of the expected population improves with the expected share.
/// - Goal 5: each household's plan has five goals, each met with the expected fulfilment.
///
/// Issue #19: the rates themselves are uncertain. Each run first draws every success rate from
/// a prior centred on the agreement's expected figure: a beta distribution of mean μ and
/// strength κ (``Interpretations/forecastPriorStrength``, observations' worth: α = μκ,
/// β = (1 − μ)κ), one per goal and expected figure; goal 3's mean improvement is scaled by a
/// normal factor of mean 1 and standard deviation 2/√κ (never below zero). The spread of the
/// result is then that of the rates, not only of chance.
///
/// The persons of each row of an expected table are spread evenly over the households in
/// enrolment order, so each payment gets a date and a half-year. Each half-year then goes
/// through the settlement's own ``RepaymentAllocator``: the goal caps and the return cap
/// cumulatively, the payers, and the tranche split between DSI and LBF (B5.1 1.1). Each
/// funder's flows — its installments of B3.2 out on their due dates, its share of each
/// half-year's repayment in on the due date, and for LBF its own goal-4 payments out — give its
/// rate of return (XIRR).
public struct ForecastModel: Sendable {
    /// One source of payments: `trials` independent chances of the rate of `source`, paying
    /// `amount` each, into one goal and half-year.
    struct Draw: Sendable {
        /// period × goals + goal.
        var slot: Int
        var trials: Int
        var amount: Money
        /// The uncertain rate it draws with (``RateSource``).
        var source: Int
    }

    /// One uncertain success rate (issue #19): one expected figure of a goal (goal 1: one per
    /// benefit type, goal 2: one per level of the staircase), drawn each run from
    /// Beta(α, β) — the prior of mean μ and strength κ (α = μκ, β = (1 − μ)κ), updated with the
    /// delivered results (α + successes, β + failures); a rate of 0 or 1 with no results stays
    /// fixed.
    struct RateSource: Sendable {
        var goal: Int
        /// The rate in the evidence's terms: the goal's number and the row.
        var key: ForecastEvidence.RateKey
        /// The row's label in the agreement's table, when the goal has more than one rate.
        var label: String?
        var prior: Ratio
        var strength: Int
        var successes: Int = 0
        var trials: Int = 0
        /// A scenario's factor on the rate (issue #19 (3)).
        var factor: Ratio = Ratio(1)

        var alpha: Double { prior.doubleValue * Double(strength) + Double(successes) }
        var beta: Double { (1 - prior.doubleValue) * Double(strength) + Double(trials - successes) }
        /// The posterior mean, (μκ + s) / (κ + n), to a billionth: exact fractions of large
        /// strengths and counts would overflow once summed (128-bit numerator and denominator).
        var posterior: Ratio { ((prior * strength + Ratio(successes)) / Ratio(strength + trials)).billionths }
        /// What a chance is expected to pay: the posterior mean times the scenario's factor, at
        /// most 1, to a billionth.
        var expected: Ratio { min(Ratio(1), (posterior * factor).billionths) }
    }

    struct DrawKey: Hashable {
        var slot: Int
        var source: Int
        var amount: Money
    }

    /// Goal 3: one cohort and point — the improvement in percentage points, paid per point.
    struct Improvement: Sendable {
        var slot: Int
        var mean: Ratio
        var meanValue: Double
        var amountPerPoint: Money
    }

    /// Goal 3's uncertainty: a factor on its expected improvements, normal of `mean` and
    /// `spread` — the prior N(1, (2/√κ)²) updated by the delivered cohort-points (normal–normal).
    public struct ImprovementFactor: Sendable, Equatable {
        public var mean: Double
        public var spread: Double
        /// The delivered cohort-points it learned from.
        public var observations: Int
        /// A scenario's factor on it.
        public var scenarioFactor: Ratio = Ratio(1)
    }

    /// One funder's fixed flows: its installments (B3.2), in kroner, with their times in years
    /// from the first installment.
    struct FunderFlows: Sendable {
        var party: PartyKey
        var installmentYears: [Double]
        var installmentAmounts: [Double]
        /// Its index among the payers, when it pays a goal itself (LBF, goal 4).
        var payer: Int?
        var recipient: Int
    }

    public let timeline: ForecastTimeline
    public let allocator: RepaymentAllocator
    let draws: [Draw]
    let sources: [RateSource]
    public let improvementFactor: ImprovementFactor
    let improvements: [Improvement]
    /// Issue #19 (2): the money already known per half-year and goal (the closed half-years'
    /// settled amounts, the open ones' corrections), in øre, added to every run.
    let known: [Int64]
    /// How many of the first half-years are settled (closed by the as-of date).
    public let settledPeriods: Int
    /// The date the evidence is of, when the forecast is conditioned, and the date its results
    /// are known to.
    public let asOf: LocalDate?
    public let resultsAsOf: LocalDate?
    /// The scenario, when it is one.
    public let scenario: ForecastScenario?
    let caps: [Money?]
    let funders: [FunderFlows]
    /// Each period's due date in years from the first installment.
    let dueYears: [Double]

    public var goalNumbers: [Int] { allocator.goals }
    /// How many binomial draws one run makes.
    public var drawCount: Int { draws.count }
    public var periods: [HalfYear] { timeline.periods }
    /// The funders whose repayments and rate of return the forecast reports (DSI, LBF).
    public var funderKeys: [PartyKey] { funders.map(\.party) }

    /// The model of the agreement's own expectations (`evidence` nil), or conditioned on what is
    /// known on a date (issue #19 (2)); with a scenario's changes applied (issue #19 (3)).
    ///
    /// Conditioned (docs/decisions.md, step 14):
    /// - the households are the ones enrolled by the date with their courses, then the expected
    ///   ones whose start is still to come, up to the agreement's expected number;
    /// - the expected tables' persons are spread over them as before, in proportion to their
    ///   number;
    /// - the half-years closed by the results' date (``ForecastEvidence/resultsAsOf``: the
    ///   delivery's receipt at the latest) are settled: their amounts per goal are the
    ///   settlement's (approved ones as approved), and nothing in them is simulated;
    /// - every rate's prior is updated with the delivered results (the settlement's lines, not
    ///   the imputed ones): Beta(α + successes, β + failures); goal 3's factor by the delivered
    ///   cohort-points' improvement against the expected.
    public init(_ commitment: Commitment, evidence: ForecastEvidence? = nil, scenario: ForecastScenario? = nil) {
        let changes = scenario?.changes ?? []
        // The courses: the enrolled ones, then the expected ones still to come.
        let expectedStarts = ForecastTimeline.expectedStarts(commitment)
        let target = expectedStarts.count
        let intervention = commitment.interventionPeriod.value
        var knownStarts: [LocalDate] = []
        var knownEnds: [LocalDate] = []
        var future = expectedStarts
        if let evidence {
            for course in evidence.courses {
                knownStarts.append(course.start)
                // A running course is expected to end after its months, and after the date (in a
                // half-year still open, so its goal-4 and goal-5 chances are simulated).
                let expectedEnd = min(max(ForecastTimeline.expectedEnd(of: course.start, commitment), evidence.asOf.addingDays(1)), intervention.end)
                knownEnds.append(course.end.map { min($0, intervention.end) } ?? expectedEnd)
            }
            future = Array(expectedStarts.filter { $0 > evidence.asOf }.prefix(max(0, target - knownStarts.count)))
        }
        for change in changes {
            switch change {
            case let .laterStart(months):
                let last = ForecastTimeline.lastCountingStart(commitment)
                future = future.map { $0.addingMonths(months) }.filter { $0 <= last }
            case let .enrolmentStops(households):
                // The households already enrolled stay: enrolment can only stop from now on.
                future = Array(future.prefix(max(0, households - knownStarts.count)))
            case .rateFactor, .renegotiatedRate: break
            }
        }
        let timeline = ForecastTimeline(
            commitment,
            starts: knownStarts + future,
            ends: knownEnds + future.map { ForecastTimeline.expectedEnd(of: $0, commitment) },
            through: evidence?.periods.last?.period.end
        )
        let allocator = RepaymentAllocator(commitment)
        let width = allocator.goals.count
        let households = timeline.starts.count
        let goals = commitment.paymentGoals.sorted { $0.number < $1.number }
        let strength = commitment.interpretations.forecastPriorStrength.choice

        // Issue #19 (2): the settled half-years and the known corrections.
        var known = [Int64](repeating: 0, count: timeline.periods.count * width)
        var settled = Set<Int>()
        for period in evidence?.periods ?? [] {
            guard let p = timeline.period(of: period.period.start) else { continue }
            if period.isSettled { settled.insert(p) }
            for (goal, amount) in period.amounts {
                guard let g = goals.firstIndex(where: { $0.number == goal }) else { continue }
                known[p * width + g] += amount.minorUnits
            }
        }
        var settledPeriods = 0
        while settled.contains(settledPeriods) { settledPeriods += 1 }

        // The rates: one per goal and expected figure, with its prior.
        var sources: [RateSource] = []
        var sourceIndex: [SourceKey: Int] = [:]
        func source(_ g: Int, _ row: Int, _ label: String?, _ prior: Ratio) {
            sourceIndex[SourceKey(goal: g, row: row)] = sources.count
            sources.append(RateSource(goal: g, key: ForecastEvidence.RateKey(goal: goals[g].number, row: row), label: label, prior: prior, strength: strength))
        }
        for (g, goal) in goals.enumerated() {
            switch goal.terms {
            case let .employment(terms):
                for (r, row) in terms.rows.enumerated() { source(g, r, row.label, row.expectedSuccessRate.fraction) }
            case let .socialMeasures(terms):
                for (r, row) in terms.rows.sorted(by: { $0.stepUnits < $1.stepUnits }).enumerated() where r > 0 {
                    guard let success = row.expectedSuccessRate else { continue }
                    source(g, r, row.label, success.fraction)
                }
            case let .lifeSatisfaction(terms): source(g, 0, nil, terms.expectedImprovedShare.value.fraction)
            case let .actionPlans(terms): source(g, 0, nil, terms.expectedFulfilment.value.fraction)
            case .schoolAbsence: break
            }
        }
        // The delivered results (``ForecastEvidence/tally(_:commitment:)``).
        for (key, count) in evidence?.counts ?? [:] {
            guard let g = goals.firstIndex(where: { $0.number == key.goal }), let s = sourceIndex[SourceKey(goal: g, row: key.row)] else { continue }
            sources[s].successes += count.successes
            sources[s].trials += count.trials
        }
        let improvementRatios = evidence?.improvements ?? []
        // Goal 3: the prior N(1, (2/√κ)²); each delivered cohort-point's improvement against the
        // expected one is N(f, ½²) (the run's spread of a point around its mean), so the
        // posterior is normal with precision 1/σ₀² + n/¼ (normal–normal).
        let priorPrecision = Double(strength) / 4
        let precision = priorPrecision + Double(improvementRatios.count) * 4
        var improvementFactor = ImprovementFactor(
            mean: (priorPrecision + 4 * improvementRatios.reduce(0, +)) / precision,
            spread: 1 / precision.squareRoot(),
            observations: improvementRatios.count
        )
        for case let .rateFactor(goal, factor) in changes {
            guard let g = goals.firstIndex(where: { $0.number == goal }) else { continue }
            for s in sources.indices where sources[s].goal == g { sources[s].factor = (sources[s].factor * factor).billionths }
            if case .schoolAbsence = goals[g].terms { improvementFactor.scenarioFactor = (improvementFactor.scenarioFactor * factor).billionths }
        }
        // The rate a payment dated `date` of goal `g` pays, per `amount` at the agreement's rate.
        // The latest renegotiation in force on the payment's date applies; an agreement rate of 0
        // has no multiple to scale, so the new rate is taken as it is.
        func amount(_ g: Int, _ base: Money, _ date: LocalDate) -> Money {
            var latest: (rate: Money, from: LocalDate)?
            for case let .renegotiatedRate(goal, rate, from) in changes where goal == goals[g].number && date >= from {
                if latest.map({ from >= $0.from }) ?? true { latest = (rate, from) }
            }
            guard let latest else { return base }
            let old = goals[g].rate.value
            return old.isZero ? latest.rate : Money.rounded(base.kroner * latest.rate.kroner / old.kroner)
        }

        // The chances: the expected tables' persons spread over the households.
        var draws: [Draw] = []
        var position: [DrawKey: Int] = [:]
        let base = expectedStarts.count
        // The expected tables count for the expected households; for more or fewer, in
        // proportion (rounded half up).
        func scaled(_ units: Int) -> Int { households == base || base == 0 ? units : (units * households * 2 + base) / (2 * base) }
        // Adds `units` chances spread over the households, each dated by `date(household)`,
        // merged per half-year, goal, rate and amount; none in a settled half-year.
        func add(goal g: Int, row: Int, units: Int, amount base: Money, date: (Int) -> LocalDate) {
            let units = scaled(units)
            guard units > 0, households > 0, let s = sourceIndex[SourceKey(goal: g, row: row)] else { return }
            for household in timeline.households(for: units) {
                let when = date(household)
                guard let period = timeline.period(of: when), !settled.contains(period) else { continue }
                let key = DrawKey(slot: period * width + g, source: s, amount: amount(g, base, when))
                if let index = position[key] {
                    draws[index].trials += 1
                } else {
                    position[key] = draws.count
                    draws.append(Draw(slot: key.slot, trials: 1, amount: key.amount, source: s))
                }
            }
        }
        var improvements: [Improvement] = []
        for (g, goal) in goals.enumerated() {
            let rate = goal.rate.value
            switch goal.terms {
            case let .employment(terms):
                for (r, row) in terms.rows.enumerated() {
                    for months in goal.resultMonths {
                        add(goal: g, row: r, units: row.expectedCount, amount: rate) { timeline.starts[$0].addingMonths(months) }
                    }
                }
            case let .socialMeasures(terms):
                let sorted = terms.rows.sorted { $0.stepUnits < $1.stepUnits }
                guard let months = goal.resultMonths.last else { continue }
                for (index, row) in sorted.enumerated() where index > 0 {
                    let steps = rate * (row.stepUnits - sorted[index - 1].stepUnits)
                    add(goal: g, row: index, units: row.expectedCount, amount: steps) { timeline.starts[$0].addingMonths(months) }
                }
            case let .schoolAbsence(terms):
                for cohort in 1...max(1, terms.cohorts.value) {
                    for row in terms.expected {
                        guard let success = row.successRate, case let .months(months) = row.point,
                            let date = timeline.cohortDate(cohort, months: months), let period = timeline.period(of: date),
                            !settled.contains(period)
                        else { continue }
                        improvements.append(
                            Improvement(
                                slot: period * width + g,
                                mean: success.value,
                                meanValue: success.value.doubleValue,
                                amountPerPoint: amount(g, rate, date)
                            )
                        )
                    }
                }
            case let .lifeSatisfaction(terms):
                add(goal: g, row: 0, units: terms.expectedPopulation.value, amount: rate) { timeline.ends[$0] }
            case let .actionPlans(terms):
                // B5.1 2.1: a full plan pays 12.500 kr.; each of its five goals a fifth.
                let perGoal = Money.rounded(terms.statedFullPlanPayment.value.kroner / 5)
                add(goal: g, row: 0, units: base * 5, amount: perGoal) { timeline.ends[$0] }
            }
        }
        let installments = commitment.disbursementPlan.installments.sorted { $0.dueBy < $1.dueBy }
        let first = installments.first?.dueBy ?? commitment.interventionPeriod.value.start
        func years(_ date: LocalDate) -> Double { Double(first.days(to: date)) / 365 }
        self.funders = allocator.recipients.enumerated().map { index, party in
            let own = installments.filter { $0.amounts[party] != nil }
            return FunderFlows(
                party: party,
                installmentYears: own.map { years($0.dueBy) },
                installmentAmounts: own.map { -(($0.amounts[party]?.minorUnits).map { Double($0) / 100 } ?? 0) },
                payer: allocator.payers.firstIndex(of: party),
                recipient: index
            )
        }
        self.timeline = timeline
        self.allocator = allocator
        self.sources = sources
        self.improvementFactor = improvementFactor
        self.draws = draws
        self.improvements = improvements
        self.known = known
        self.settledPeriods = settledPeriods
        self.asOf = evidence?.asOf
        self.resultsAsOf = evidence?.resultsAsOf
        self.scenario = scenario
        self.caps = goals.map { $0.cap?.value }
        self.dueYears = timeline.dues.map(years)
    }

    struct SourceKey: Hashable {
        var goal: Int
        var row: Int
    }

    /// What one rate learned (issue #19 (2)): the agreement's expected figure, the delivered
    /// results and the posterior mean the rest is simulated around.
    public struct LearnedRate: Sendable, Equatable {
        public var goal: Int
        public var label: String?
        public var prior: Ratio
        public var successes: Int
        public var trials: Int
        public var posterior: Ratio
    }

    /// Every rate's prior, results and posterior, in the goals' order.
    public var learnedRates: [LearnedRate] {
        sources.map {
            LearnedRate(goal: goalNumbers[$0.goal], label: $0.label, prior: $0.prior, successes: $0.successes, trials: $0.trials, posterior: $0.posterior)
        }
    }

    /// One half-year of an outcome.
    public struct PeriodOutcome: Sendable, Equatable {
        public var period: HalfYear
        public var due: LocalDate
        /// Per goal (in ``ForecastModel/goalNumbers`` order), before and after its cap.
        public var amounts: [Money]
        public var payables: [Money]
        public var capReduction: Money
        /// Per payer (``RepaymentAllocator/payers``) and per funder (``funderKeys``).
        public var payers: [Money]
        public var total: Money
        public var recipients: [Money]
    }

    /// One outcome: per goal (in order) the amount and the payable, the totals, the half-years,
    /// and per funder what it receives and its rate of return.
    public struct Outcome: Sendable, Equatable {
        public var amounts: [Money]
        public var payables: [Money]
        public var capReduction: Money
        public var total: Money
        public var periods: [PeriodOutcome]
        /// Per funder: its share of the repayments (B5.1 1.1).
        public var received: [Money]
        /// Per funder: XIRR of its installments against what it receives (and, for LBF, pays for
        /// goal 4); −100 % when it receives nothing.
        public var irr: [Double?]
    }

    /// Settles amounts per half-year and goal (`slots[period × goals + goal]`) as the settlement
    /// would (SPEC §4).
    func settle(_ slots: [Money]) -> Outcome {
        let width = goalNumbers.count
        var state = RepaymentAllocator.State(allocator)
        var allocated = RepaymentAllocator.Period(allocator)
        var periods: [PeriodOutcome] = []
        for (p, period) in timeline.periods.enumerated() {
            allocator.allocate({ slots[p * width + $0].minorUnits }, state: &state, into: &allocated)
            periods.append(
                PeriodOutcome(
                    period: period,
                    due: timeline.dues[p],
                    amounts: Array(slots[(p * width)..<((p + 1) * width)]),
                    payables: allocated.payables.map(Money.init(minorUnits:)),
                    capReduction: Money(minorUnits: allocated.capReduction),
                    payers: allocated.payers.map(Money.init(minorUnits:)),
                    total: Money(minorUnits: allocated.total),
                    recipients: allocated.recipients.map(Money.init(minorUnits:))
                )
            )
        }
        let amounts = (0..<width).map { g in Money.sum(periods.map { $0.amounts[g] }) }
        let payables = (0..<width).map { g in Money.sum(periods.map { $0.payables[g] }) }
        let received = funders.map { f in Money.sum(periods.map { $0.recipients[f.recipient] }) }
        let irr = funders.enumerated().map { index, f in
            let flows = periods.map { period in
                Double(period.recipients[f.recipient].minorUnits - (f.payer.map { period.payers[$0].minorUnits } ?? 0)) / 100
            }
            return ForecastModel.rate(
                f,
                receivesAnything: !received[index].isZero,
                years: f.installmentYears + dueYears,
                amounts: f.installmentAmounts + flows,
                guess: 0.1
            )
        }
        return Outcome(
            amounts: amounts,
            payables: payables,
            capReduction: Money.sum(periods.map(\.capReduction)),
            total: Money.sum(periods.map(\.total)),
            periods: periods,
            received: received,
            irr: irr
        )
    }

    /// A funder's rate: −100 % when it receives nothing, else XIRR of `amounts` (its installments
    /// out, then its net flow per half-year) at `years`, `nil` where no rate exists. One rule for
    /// the expected case and the runs.
    static func rate(_ funder: FunderFlows, receivesAnything: Bool, years: [Double], amounts: [Double], guess: Double) -> Double? {
        guard receivesAnything else { return funder.installmentAmounts.contains { $0 < 0 } ? -1 : nil }
        return XIRR.solve(years: years, amounts: amounts, guess: guess)
    }

    /// The expected case: every chance at its expected value, exactly, rounded to øre per goal
    /// and half-year.
    public func expected() -> Outcome {
        var slots = known.map { Ratio(Int128($0), 100) }
        for draw in draws { slots[draw.slot] += draw.amount.kroner * sources[draw.source].expected * draw.trials }
        // Goal 3's factor at its mean (to a millionth once it has learned), never below zero.
        let f = improvementFactor
        let mean = f.observations == 0 ? Ratio(1) : max(.zero, Ratio(Int128((f.mean * 1_000_000).rounded()), 1_000_000))
        for improvement in improvements { slots[improvement.slot] += improvement.amountPerPoint.kroner * improvement.mean * mean * f.scenarioFactor }
        return settle(slots.map(Money.rounded))
    }

    /// Each rate's α, β and scenario factor as doubles, for the runs.
    var sourceParameters: [(alpha: Double, beta: Double, factor: Double)] {
        sources.map { ($0.alpha, $0.beta, $0.factor.doubleValue) }
    }

    /// One run: the rates drawn from their posteriors (issue #19), then the chances at those
    /// rates, added to the money already known.
    func simulate(
        into slots: inout [Int64],
        rates: inout [Double],
        parameters: [(alpha: Double, beta: Double, factor: Double)],
        _ random: inout SeededGenerator
    ) {
        for i in slots.indices { slots[i] = known[i] }
        for (index, source) in parameters.enumerated() {
            rates[index] = min(1, ForecastModel.beta(source.alpha, source.beta, &random) * source.factor)
        }
        for draw in draws {
            let p = rates[draw.source]
            slots[draw.slot] += Int64(ForecastModel.binomial(draw.trials, p, none: ForecastModel.chanceOfNone(p, draw.trials), &random)) * draw.amount.minorUnits
        }
        let f = improvementFactor
        let factor = improvements.isEmpty ? 1 : max(0, f.mean + f.spread * ForecastModel.normal(&random)) * f.scenarioFactor.doubleValue
        for improvement in improvements {
            let mean = improvement.meanValue * factor
            let points = max(0, (mean + mean / 2 * ForecastModel.normal(&random)) * 100).rounded()
            slots[improvement.slot] += Int64(points) * improvement.amountPerPoint.minorUnits / 100
        }
    }

    /// A draw from Beta(α, β) as X / (X + Y) of two gamma draws; a degenerate prior (a rate of
    /// 0 or 1) gives its rate.
    static func beta(_ alpha: Double, _ beta: Double, _ random: inout SeededGenerator) -> Double {
        guard alpha > 0 else { return 0 }
        guard beta > 0 else { return 1 }
        let x = gamma(alpha, &random)
        let y = gamma(beta, &random)
        return x + y > 0 ? x / (x + y) : alpha / (alpha + beta)
    }

    /// A draw from Gamma(shape, 1) by Marsaglia and Tsang's method (2000); for a shape below 1,
    /// Gamma(shape + 1) · U^(1/shape).
    static func gamma(_ shape: Double, _ random: inout SeededGenerator) -> Double {
        if shape < 1 {
            let u = max(uniform(&random), 0x1.0p-53)
            return gamma(shape + 1, &random) * Double.pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal(&random)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform(&random)
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if Double.log(max(u, 0x1.0p-53)) < 0.5 * x * x + d * (1 - v + Double.log(v)) { return d * v }
        }
    }

    static func uniform(_ random: inout SeededGenerator) -> Double { Double(random.next() >> 11) * 0x1.0p-53 }

    static func normal(_ random: inout SeededGenerator) -> Double {
        let u = max(uniform(&random), 0x1.0p-53)
        return Double.sqrt(-2 * Double.log(u)) * Double.cos(2 * Double.pi * uniform(&random))
    }

    /// (1 − q)^n for q = min(p, 1 − p): the chance that none of n chances of the rarer outcome
    /// comes up, where the inversion sampler starts.
    static func chanceOfNone(_ p: Double, _ n: Int) -> Double { Double.pow(1 - min(p, 1 - p), Double(n)) }

    /// A binomial draw: by inversion for small expectations, by the normal approximation with
    /// continuity where n·p·(1−p) ≥ 25. The inversion walks from the rarer outcome (for p > ½ it
    /// draws the failures and returns n less them), so its start `none` (``chanceOfNone(_:_:)``)
    /// stays far from underflow.
    static func binomial(_ n: Int, _ p: Double, none: Double, _ random: inout SeededGenerator) -> Int {
        guard n > 0, p > 0 else { return 0 }
        if p >= 1 { return n }
        let variance = Double(n) * p * (1 - p)
        if variance >= 25 {
            let draw = (Double(n) * p + Double.sqrt(variance) * normal(&random)).rounded()
            return Int(min(Double(n), max(0, draw)))
        }
        // Inversion: walk the distribution of the rarer outcome from 0.
        let rare = min(p, 1 - p)
        let odds = rare / (1 - rare)
        var probability = none
        var cumulative = probability
        let u = uniform(&random)
        var k = 0
        while u > cumulative && k < n {
            probability *= Double(n - k) * odds / Double(k + 1)
            cumulative += probability
            k += 1
        }
        return p > 0.5 ? n - k : k
    }

    /// The distribution of an amount over the runs.
    public struct Distribution: Sendable, Equatable {
        public var mean: Money
        public var p5: Money
        public var p50: Money
        public var p95: Money

        init(_ values: [Int64]) {
            let sorted = values.sorted()
            func at(_ q: Int) -> Money { Money(minorUnits: sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, (sorted.count - 1) * q / 100)]) }
            mean = Money.rounded(Ratio(Int128(values.reduce(Int64(0), +)), Int128(max(1, values.count) * 100)))
            p5 = at(5)
            p50 = at(50)
            p95 = at(95)
        }
    }

    /// The distribution of a rate over the runs (runs without a rate left out).
    public struct RateDistribution: Sendable, Equatable {
        public var mean: Double
        public var p5: Double
        public var p50: Double
        public var p95: Double
        /// Runs in which no rate exists.
        public var missing: Int

        init(_ values: [Double]) {
            let rates = values.filter { !$0.isNaN }.sorted()
            func at(_ q: Int) -> Double { rates.isEmpty ? .nan : rates[min(rates.count - 1, (rates.count - 1) * q / 100)] }
            mean = rates.isEmpty ? .nan : rates.reduce(0, +) / Double(rates.count)
            p5 = at(5)
            p50 = at(50)
            p95 = at(95)
            missing = values.count - rates.count
        }
    }

    public struct Result: Sendable {
        public var runs: Int
        public var seed: UInt64
        public var expected: Outcome
        public var amounts: [Distribution]
        public var payables: [Distribution]
        public var total: Distribution
        /// The share of runs in which each goal's own cap binds (`nil` for goals without a cap).
        public var capBinds: [Ratio?]
        public var returnCapBinds: Ratio
        public var goalNumbers: [Int]
        public var funders: [PartyKey]
        /// Per funder: what it receives over the agreement, and its rate of return.
        public var received: [Distribution]
        public var irr: [RateDistribution]
        /// Per half-year: the mean total repayment and the mean per funder over the runs.
        public var periods: [HalfYear]
        public var dues: [LocalDate]
        public var periodTotals: [Money]
        public var periodRecipients: [[Money]]
        /// Issue #19 (4): each half-year's repayments over the runs — 5 %, 50 % and 95 % — for
        /// the fan chart.
        public var periodDistributions: [Distribution] = []
        /// Issue #19 (2): the date the forecast knows the results of (`nil`: the agreement's
        /// expectations alone), how many of the first half-years are settled, and what they
        /// repay — the same in every run.
        public var asOf: LocalDate? = nil
        /// The date the results are known to (the latest delivery's receipt, at most `asOf`).
        public var resultsAsOf: LocalDate? = nil
        public var settledPeriods: Int = 0
        public var known: Money = .zero
        /// What each rate learned from the delivered results, and goal 3's factor.
        public var learned: [LearnedRate] = []
        public var improvementFactor: ImprovementFactor? = nil
        /// The scenario's name and its words, when it is one (issue #19 (3)).
        public var scenario: ForecastScenario? = nil

        /// The share of the mean total already known (settled), 0 without evidence.
        public var knownShare: Ratio {
            total.mean.isZero ? .zero : Ratio(Int128(known.minorUnits), Int128(total.mean.minorUnits))
        }
    }

    /// Runs the model `runs` times from `seed`, in chunks of 1.000 runs each seeded from the
    /// seed and the chunk's number, so the result does not depend on how many cores share it.
    public func run(_ runs: Int, seed: UInt64) -> Result {
        let chunk = 1_000
        let chunks = (runs + chunk - 1) / chunk
        let width = goalNumbers.count
        let periodCount = timeline.periods.count
        let recipientCount = allocator.recipients.count
        let slots = ForecastSlots(
            count: runs,
            goals: width,
            funders: funders.count,
            chunks: chunks,
            periods: periodCount * (1 + recipientCount),
            halfYears: periodCount
        )
        let expected = expected()
        let guesses = expected.irr.map { $0 ?? 0.1 }
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            var random = SeededGenerator(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
            var amounts = [Int64](repeating: 0, count: periodCount * width)
            var rates = [Double](repeating: 0, count: sources.count)
            let parameters = sourceParameters
            var state = RepaymentAllocator.State(allocator)
            var allocated = RepaymentAllocator.Period(allocator)
            var flows = funders.map { $0.installmentAmounts + [Double](repeating: 0, count: periodCount) }
            let years = funders.map { $0.installmentYears + dueYears }
            for run in (index * chunk)..<min(runs, (index + 1) * chunk) {
                simulate(into: &amounts, rates: &rates, parameters: parameters, &random)
                state.reset()
                var goalAmounts = [Int64](repeating: 0, count: width)
                var goalPayables = [Int64](repeating: 0, count: width)
                var total: Int64 = 0
                var reduction: Int64 = 0
                var received = [Int64](repeating: 0, count: funders.count)
                for p in 0..<periodCount {
                    allocator.allocate({ amounts[p * width + $0] }, state: &state, into: &allocated)
                    for g in 0..<width {
                        goalAmounts[g] += amounts[p * width + g]
                        goalPayables[g] += allocated.payables[g]
                    }
                    total += allocated.total
                    reduction += allocated.capReduction
                    slots.periodTotals[run * periodCount + p] = allocated.total
                    let base = (index * periodCount + p) * (1 + recipientCount)
                    slots.periodSums[base] += allocated.total
                    for r in 0..<recipientCount { slots.periodSums[base + 1 + r] += allocated.recipients[r] }
                    for (f, funder) in funders.enumerated() {
                        let inflow = allocated.recipients[funder.recipient]
                        received[f] += inflow
                        let paid = funder.payer.map { allocated.payers[$0] } ?? 0
                        flows[f][funder.installmentAmounts.count + p] = Double(inflow - paid) / 100
                    }
                }
                for g in 0..<width {
                    slots.amounts[run * width + g] = goalAmounts[g]
                    slots.payables[run * width + g] = goalPayables[g]
                }
                slots.totals[run] = total
                slots.reductions[run] = reduction
                for (f, funder) in funders.enumerated() {
                    slots.received[run * funders.count + f] = received[f]
                    let rate = ForecastModel.rate(funder, receivesAnything: received[f] != 0, years: years[f], amounts: flows[f], guess: guesses[f])
                    slots.rates[run * funders.count + f] = rate ?? .nan
                }
            }
        }
        let capBinds: [Ratio?] = caps.enumerated().map { index, cap in
            guard let cap else { return nil }
            return Ratio(slots.column(slots.amounts, index, width).filter { $0 > cap.minorUnits }.count, max(1, runs))
        }
        // Means per half-year: the chunks' sums added up, divided by the runs.
        var periodTotals: [Money] = []
        var periodRecipients: [[Money]] = []
        for p in 0..<periodCount {
            var sums = [Int64](repeating: 0, count: 1 + recipientCount)
            for c in 0..<chunks {
                for k in sums.indices { sums[k] += slots.periodSums[(c * periodCount + p) * (1 + recipientCount) + k] }
            }
            let means = sums.map { Money.rounded(Ratio(Int128($0), Int128(max(1, runs) * 100))) }
            periodTotals.append(means[0])
            periodRecipients.append(Array(means.dropFirst()))
        }
        var result = Result(
            runs: runs,
            seed: seed,
            expected: expected,
            amounts: (0..<width).map { Distribution(slots.column(slots.amounts, $0, width)) },
            payables: (0..<width).map { Distribution(slots.column(slots.payables, $0, width)) },
            total: Distribution(slots.totals.values),
            capBinds: capBinds,
            returnCapBinds: Ratio(slots.reductions.values.filter { $0 > 0 }.count, max(1, runs)),
            goalNumbers: goalNumbers,
            funders: funderKeys,
            received: funders.indices.map { Distribution(slots.column(slots.received, $0, funders.count)) },
            irr: funders.indices.map { f in RateDistribution(stride(from: f, to: runs * funders.count, by: funders.count).map { slots.rates[$0] }) },
            periods: timeline.periods,
            dues: timeline.dues,
            periodTotals: periodTotals,
            periodRecipients: periodRecipients
        )
        result.periodDistributions = (0..<periodCount).map { Distribution(slots.column(slots.periodTotals, $0, periodCount)) }
        result.asOf = asOf
        result.resultsAsOf = resultsAsOf
        result.settledPeriods = settledPeriods
        result.known = Money.sum(expected.periods.prefix(settledPeriods).map(\.total))
        result.learned = learnedRates
        result.improvementFactor = improvements.isEmpty && improvementFactor.observations == 0 ? nil : improvementFactor
        result.scenario = scenario
        return result
    }
}

/// Results shared with `concurrentPerform`; each run writes only its own slots and each chunk
/// only its own sums, through pointers fixed at creation (no array is mutated from two threads).
final class ForecastSlots: @unchecked Sendable {
    final class Buffer<Element: BitwiseCopyable>: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Element>
        let count: Int
        init(_ count: Int, _ zero: Element) {
            self.count = count
            pointer = .allocate(capacity: max(1, count))
            pointer.initialize(repeating: zero, count: max(1, count))
        }
        deinit { pointer.deallocate() }
        subscript(index: Int) -> Element {
            get { pointer[index] }
            set { pointer[index] = newValue }
        }
        var values: [Element] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    }
    let amounts: Buffer<Int64>
    let payables: Buffer<Int64>
    let totals: Buffer<Int64>
    let reductions: Buffer<Int64>
    let received: Buffer<Int64>
    let rates: Buffer<Double>
    /// Per chunk and period: the total and each recipient's sum over the chunk's runs.
    let periodSums: Buffer<Int64>
    /// Per run and period: the half-year's total.
    let periodTotals: Buffer<Int64>

    init(count: Int, goals: Int, funders: Int, chunks: Int, periods: Int, halfYears: Int) {
        periodTotals = Buffer(count * halfYears, 0)
        amounts = Buffer(count * goals, 0)
        payables = Buffer(count * goals, 0)
        totals = Buffer(count, 0)
        reductions = Buffer(count, 0)
        received = Buffer(count * funders, 0)
        rates = Buffer(count * funders, 0)
        periodSums = Buffer(chunks * periods, 0)
    }

    func column(_ buffer: Buffer<Int64>, _ column: Int, _ width: Int) -> [Int64] {
        stride(from: column, to: buffer.count, by: width).map { buffer[$0] }
    }
}

extension Ratio {
    /// The nearest double: for probabilities in a simulation, never for money.
    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    /// Rounded to a billionth (half away from zero): a rate's precision, with a denominator
    /// that keeps sums of many products within 128 bits.
    var billionths: Ratio { Ratio(rounded(toScale: 9), 1_000_000_000) }
}
