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
    /// One source of payments: `trials` independent chances of `probability`, paying `amount`
    /// each, into one goal and half-year.
    struct Draw: Sendable {
        /// period × goals + goal.
        var slot: Int
        var trials: Int
        var probability: Ratio
        var chance: Double
        var amount: Money
        /// The uncertain rate it draws with (``RateSource``).
        var source: Int = 0
    }

    /// One uncertain success rate (issue #19): a goal's expected figure, drawn each run from
    /// Beta(α, β); a rate of 0 or 1 stays fixed.
    struct RateSource: Sendable {
        var goal: Int
        var probability: Ratio
        var alpha: Double
        var beta: Double
    }

    struct DrawKey: Hashable {
        var slot: Int
        var probability: Ratio
        var amount: Money
    }

    /// Goal 3: one cohort and point — the improvement in percentage points, paid per point.
    struct Improvement: Sendable {
        var slot: Int
        var mean: Ratio
        var meanValue: Double
        var amountPerPoint: Money
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
    /// Goal 3's uncertainty: the standard deviation of the factor on its mean improvement.
    let improvementSpread: Double
    let improvements: [Improvement]
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

    public init(_ commitment: Commitment) {
        let timeline = ForecastTimeline(commitment)
        let allocator = RepaymentAllocator(commitment)
        let width = allocator.goals.count
        var draws: [Draw] = []
        var improvements: [Improvement] = []
        let households = timeline.starts.count
        // Adds `units` chances spread over the households, each dated by `date(household)`,
        // merged per half-year.
        func add(goal g: Int, units: Int, probability: Ratio, amount: Money, date: (Int) -> LocalDate) {
            guard units > 0, households > 0 else { return }
            var perPeriod: [Int: Int] = [:]
            for household in timeline.households(for: units) {
                guard let period = timeline.period(of: date(household)) else { continue }
                perPeriod[period, default: 0] += 1
            }
            for (period, trials) in perPeriod.sorted(by: { $0.key < $1.key }) {
                let chance = probability.doubleValue
                draws.append(
                    Draw(
                        slot: period * width + g,
                        trials: trials,
                        probability: probability,
                        chance: chance,
                        amount: amount
                    )
                )
            }
        }
        let goals = commitment.paymentGoals.sorted { $0.number < $1.number }
        for (g, goal) in goals.enumerated() {
            let rate = goal.rate.value
            switch goal.terms {
            case let .employment(terms):
                for row in terms.rows {
                    for months in goal.resultMonths {
                        add(goal: g, units: row.expectedCount, probability: row.expectedSuccessRate.fraction, amount: rate) {
                            timeline.starts[$0].addingMonths(months)
                        }
                    }
                }
            case let .socialMeasures(terms):
                let sorted = terms.rows.sorted { $0.stepUnits < $1.stepUnits }
                guard let months = goal.resultMonths.last else { continue }
                for (index, row) in sorted.enumerated() where index > 0 {
                    guard let success = row.expectedSuccessRate else { continue }
                    let amount = rate * (row.stepUnits - sorted[index - 1].stepUnits)
                    add(goal: g, units: row.expectedCount, probability: success.fraction, amount: amount) {
                        timeline.starts[$0].addingMonths(months)
                    }
                }
            case let .schoolAbsence(terms):
                for cohort in 1...max(1, terms.cohorts.value) {
                    for row in terms.expected {
                        guard let success = row.successRate, case let .months(months) = row.point,
                            let date = timeline.cohortDate(cohort, months: months), let period = timeline.period(of: date)
                        else { continue }
                        improvements.append(
                            Improvement(slot: period * width + g, mean: success.value, meanValue: success.value.doubleValue, amountPerPoint: rate)
                        )
                    }
                }
            case let .lifeSatisfaction(terms):
                add(goal: g, units: terms.expectedPopulation.value, probability: terms.expectedImprovedShare.value.fraction, amount: rate) {
                    timeline.ends[$0]
                }
            case let .actionPlans(terms):
                // B5.1 2.1: a full plan pays 12.500 kr.; each of its five goals a fifth.
                let perGoal = Money.rounded(terms.statedFullPlanPayment.value.kroner / 5)
                add(goal: g, units: households * 5, probability: terms.expectedFulfilment.value.fraction, amount: perGoal) {
                    timeline.ends[$0]
                }
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
        // Chances of the same probability and amount in the same goal and half-year are one
        // binomial draw: a sum of binomials with one p is binomial.
        var merged: [Draw] = []
        var position: [DrawKey: Int] = [:]
        for draw in draws {
            let key = DrawKey(slot: draw.slot, probability: draw.probability, amount: draw.amount)
            if let index = position[key] {
                merged[index].trials += draw.trials
            } else {
                position[key] = merged.count
                merged.append(draw)
            }
        }
        // Issue #19: one uncertain rate per goal and expected figure.
        let strength = Double(commitment.interpretations.forecastPriorStrength.choice)
        var sources: [RateSource] = []
        var sourceOf: [DrawKey: Int] = [:]
        for index in merged.indices {
            let key = DrawKey(slot: merged[index].slot % width, probability: merged[index].probability, amount: .zero)
            if let known = sourceOf[key] {
                merged[index].source = known
                continue
            }
            let mean = merged[index].chance
            sourceOf[key] = sources.count
            merged[index].source = sources.count
            sources.append(RateSource(goal: key.slot, probability: key.probability, alpha: mean * strength, beta: (1 - mean) * strength))
        }
        self.sources = sources
        self.improvementSpread = 2 / strength.squareRoot()
        self.draws = merged
        self.improvements = improvements
        self.caps = goals.map { $0.cap?.value }
        self.dueYears = timeline.dues.map(years)
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
        var slots = [Ratio](repeating: .zero, count: timeline.periods.count * goalNumbers.count)
        for draw in draws { slots[draw.slot] += draw.amount.kroner * draw.probability * draw.trials }
        for improvement in improvements { slots[improvement.slot] += improvement.amountPerPoint.kroner * improvement.mean }
        return settle(slots.map(Money.rounded))
    }

    /// One simulated run's amounts per half-year and goal, in øre, into `slots`.
    func simulate(into slots: inout [Int64], _ random: inout SeededGenerator) {
        var rates = [Double](repeating: 0, count: sources.count)
        simulate(into: &slots, rates: &rates, &random)
    }

    /// One run: the rates drawn from their priors (issue #19), then the chances at those rates.
    func simulate(into slots: inout [Int64], rates: inout [Double], _ random: inout SeededGenerator) {
        for i in slots.indices { slots[i] = 0 }
        for (index, source) in sources.enumerated() {
            rates[index] = ForecastModel.beta(source.alpha, source.beta, &random)
        }
        for draw in draws {
            let p = rates[draw.source]
            slots[draw.slot] += Int64(ForecastModel.binomial(draw.trials, p, none: ForecastModel.chanceOfNone(p, draw.trials), &random)) * draw.amount.minorUnits
        }
        let factor = improvements.isEmpty ? 1 : max(0, 1 + improvementSpread * ForecastModel.normal(&random))
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
            var state = RepaymentAllocator.State(allocator)
            var allocated = RepaymentAllocator.Period(allocator)
            var flows = funders.map { $0.installmentAmounts + [Double](repeating: 0, count: periodCount) }
            let years = funders.map { $0.installmentYears + dueYears }
            for run in (index * chunk)..<min(runs, (index + 1) * chunk) {
                simulate(into: &amounts, rates: &rates, &random)
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
}
