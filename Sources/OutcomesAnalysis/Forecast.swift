import Dispatch
public import OutcomesCore
import RealModule

/// A Monte-Carlo model of the agreement built from its own expected figures (B5.1 2.4.1,
/// 2.5.1, 2.6.1, 2.7.1, 2.8.2) for the households B4.1 expects (docs/decisions.md, step 6):
///
/// - Goal 1: each person of the expected baseline table meets the criterion of their benefit
///   type with its success rate, independently at each of the three points.
/// - Goal 2: each person with a measure moves one step down the staircase with its success rate
///   (s82 → none: 1 unit, s85 → s82: 2, s103_104 → s85: 2).
/// - Goal 3: in each of the three cohorts, the improvement at each point is normal around the
///   expected success rate with a standard deviation of half of it, never below zero, to a
///   hundredth of a percentage point.
/// - Goal 4: each of the expected population improves with the expected share.
/// - Goal 5: each household's plan has five goals, each met with the expected fulfilment.
///
/// Caps: goal 3's and goal 4's own caps, then the return cap on the municipality's goals.
public struct ForecastModel: Sendable {
    /// One source of payments: `trials` independent chances of `probability`, paying `amount` each.
    struct Trials: Sendable {
        var trials: Int
        var probability: Double
        var amount: Money
        /// The exact expectation: trials × probability × amount, from the stated figures.
        var expected: Ratio
        /// (1 − p)^n, the chance of none, for the inversion sampler.
        var none: Double

        init(trials: Int, probability: Double, amount: Money, expected: Ratio) {
            self.trials = trials
            self.probability = probability
            self.amount = amount
            self.expected = expected
            self.none = Double.pow(1 - probability, Double(trials))
        }
    }

    struct Goal: Sendable {
        var number: Int
        var trials: [Trials]
        /// Goal 3: (mean improvement in percentage points, amount per point), per cohort and point.
        var improvements: [(mean: Ratio, meanValue: Double, amountPerPoint: Money)]
        var cap: Money?
        var isMunicipal: Bool
    }

    let goals: [Goal]
    let returnCap: Money

    public init(_ commitment: Commitment) {
        var goals: [Goal] = []
        for goal in commitment.paymentGoals {
            var trials: [Trials] = []
            var improvements: [(Ratio, Double, Money)] = []
            let rate = goal.rate.value
            switch goal.terms {
            case let .employment(terms):
                let points = max(1, goal.points.value.count - 1)
                for row in terms.rows {
                    let p = row.expectedSuccessRate.fraction
                    trials.append(
                        Trials(
                            trials: row.expectedCount * points,
                            probability: p.doubleValue,
                            amount: rate,
                            expected: rate.kroner * p * (row.expectedCount * points)
                        )
                    )
                }
            case let .socialMeasures(terms):
                let sorted = terms.rows.sorted { $0.stepUnits < $1.stepUnits }
                for (index, row) in sorted.enumerated() where index > 0 {
                    guard let success = row.expectedSuccessRate else { continue }
                    let drop = row.stepUnits - sorted[index - 1].stepUnits
                    let amount = rate * drop
                    trials.append(
                        Trials(
                            trials: row.expectedCount,
                            probability: success.fraction.doubleValue,
                            amount: amount,
                            expected: amount.kroner * success.fraction * row.expectedCount
                        )
                    )
                }
            case let .schoolAbsence(terms):
                for _ in 0..<terms.cohorts.value {
                    for row in terms.expected {
                        if let success = row.successRate { improvements.append((success.value, success.value.doubleValue, rate)) }
                    }
                }
            case let .lifeSatisfaction(terms):
                let p = terms.expectedImprovedShare.value.fraction
                trials.append(
                    Trials(
                        trials: terms.expectedPopulation.value,
                        probability: p.doubleValue,
                        amount: rate,
                        expected: rate.kroner * p * terms.expectedPopulation.value
                    )
                )
            case let .actionPlans(terms):
                let p = terms.expectedFulfilment.value.fraction
                let perGoal = Money.rounded(terms.statedFullPlanPayment.value.kroner / 5)
                let count = commitment.expectedHouseholds.value * 5
                trials.append(Trials(trials: count, probability: p.doubleValue, amount: perGoal, expected: perGoal.kroner * p * count))
            }
            goals.append(
                Goal(
                    number: goal.number,
                    trials: trials,
                    improvements: improvements,
                    cap: goal.cap?.value,
                    isMunicipal: goal.payer.value != PartyKey("lbf")
                )
            )
        }
        self.goals = goals
        self.returnCap = commitment.returnCap.amount.value
    }

    /// One outcome: per goal (in order) the amount and the payable, and the totals.
    public struct Outcome: Sendable, Equatable {
        public var amounts: [Money]
        public var payables: [Money]
        public var capReduction: Money
        public var total: Money
    }

    func apply(amounts: [Money]) -> Outcome {
        var payables: [Money] = []
        for (goal, amount) in zip(goals, amounts) { payables.append(goal.cap.map { min($0, amount) } ?? amount) }
        let municipal = Money.sum(zip(goals, payables).filter { $0.0.isMunicipal }.map(\.1))
        let reduction = municipal > returnCap ? municipal - returnCap : .zero
        return Outcome(amounts: amounts, payables: payables, capReduction: reduction, total: Money.sum(payables) - reduction)
    }

    /// The expected case: every chance at its expected value, exactly.
    public func expected() -> Outcome {
        apply(
            amounts: goals.map { goal in
                Money.rounded(
                    goal.trials.reduce(Ratio.zero) { $0 + $1.expected }
                        + goal.improvements.reduce(Ratio.zero) { $0 + $1.amountPerPoint.kroner * $1.mean }
                )
            }
        )
    }

    /// One simulated outcome written straight into the run's slots (no allocation per run:
    /// 100.000 runs in about a quarter of a second, docs/benchmarks.md); the caps as in
    /// ``apply(amounts:)``.
    func simulate(into slots: ForecastSlots, run: Int, _ random: inout SeededGenerator) {
        let width = goals.count
        var municipal: Int64 = 0
        var total: Int64 = 0
        for (index, goal) in goals.enumerated() {
            var minor: Int64 = 0
            for trial in goal.trials {
                minor += Int64(ForecastModel.binomial(trial.trials, trial.probability, none: trial.none, &random)) * trial.amount.minorUnits
            }
            for improvement in goal.improvements {
                let mean = improvement.meanValue
                let points = max(0, (mean + mean / 2 * ForecastModel.normal(&random)) * 100).rounded()
                minor += Int64(points) * improvement.amountPerPoint.minorUnits / 100
            }
            let payable = goal.cap.map { min($0.minorUnits, minor) } ?? minor
            slots.amounts[run * width + index] = minor
            slots.payables[run * width + index] = payable
            if goal.isMunicipal { municipal += payable }
            total += payable
        }
        let reduction = max(0, municipal - returnCap.minorUnits)
        slots.totals[run] = total - reduction
        slots.reductions[run] = reduction
    }

    static func uniform(_ random: inout SeededGenerator) -> Double { Double(random.next() >> 11) * 0x1.0p-53 }

    static func normal(_ random: inout SeededGenerator) -> Double {
        let u = max(uniform(&random), 0x1.0p-53)
        return Double.sqrt(-2 * Double.log(u)) * Double.cos(2 * Double.pi * uniform(&random))
    }

    /// A binomial draw: by inversion for small expectations, by the normal approximation with
    /// continuity where n·p·(1−p) ≥ 25.
    static func binomial(_ n: Int, _ p: Double, none: Double, _ random: inout SeededGenerator) -> Int {
        guard n > 0, p > 0 else { return 0 }
        if p >= 1 { return n }
        let variance = Double(n) * p * (1 - p)
        if variance >= 25 {
            let draw = (Double(n) * p + Double.sqrt(variance) * normal(&random)).rounded()
            return Int(min(Double(n), max(0, draw)))
        }
        // Inversion: walk the distribution from 0.
        let q = 1 - p
        var probability = none
        var cumulative = probability
        let u = uniform(&random)
        var k = 0
        while u > cumulative && k < n {
            probability *= Double(n - k) / Double(k + 1) * p / q
            cumulative += probability
            k += 1
        }
        return k
    }

    /// The distribution of a quantity over the runs.
    public struct Distribution: Sendable, Equatable {
        public var mean: Money
        public var p5: Money
        public var p50: Money
        public var p95: Money

        init(_ values: [Int64]) {
            let sorted = values.sorted()
            func at(_ q: Int) -> Money { Money(minorUnits: sorted[min(sorted.count - 1, (sorted.count - 1) * q / 100)]) }
            mean = Money.rounded(Ratio(Int128(values.reduce(Int64(0), +)), Int128(max(1, values.count) * 100)))
            p5 = at(5)
            p50 = at(50)
            p95 = at(95)
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
    }

    /// Runs the model `runs` times from `seed`, in chunks of 1.000 runs each seeded from the
    /// seed and the chunk's number, so the result does not depend on how many cores share it.
    public func run(_ runs: Int, seed: UInt64) -> Result {
        let chunk = 1_000
        let chunks = (runs + chunk - 1) / chunk
        let width = goals.count
        let slots = ForecastSlots(count: runs, goals: width)
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            var random = SeededGenerator(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
            for run in (index * chunk)..<min(runs, (index + 1) * chunk) {
                simulate(into: slots, run: run, &random)
            }
        }
        let amounts = (0..<width).map { goal in Distribution(slots.column(slots.amounts, goal)) }
        let payables = (0..<width).map { goal in Distribution(slots.column(slots.payables, goal)) }
        let capBinds: [Ratio?] = goals.enumerated().map { index, goal in
            guard let cap = goal.cap else { return nil }
            return Ratio(slots.column(slots.amounts, index).filter { $0 > cap.minorUnits }.count, max(1, runs))
        }
        return Result(
            runs: runs,
            seed: seed,
            expected: expected(),
            amounts: amounts,
            payables: payables,
            total: Distribution(slots.totals.values),
            capBinds: capBinds,
            returnCapBinds: Ratio(slots.reductions.values.filter { $0 > 0 }.count, max(1, runs)),
            goalNumbers: goals.map(\.number)
        )
    }
}

/// Results shared with `concurrentPerform`; each run writes only its own slots, through
/// pointers fixed at creation (no array is mutated from two threads).
final class ForecastSlots: @unchecked Sendable {
    final class Buffer: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Int64>
        let count: Int
        init(_ count: Int) {
            self.count = count
            pointer = .allocate(capacity: max(1, count))
            pointer.initialize(repeating: 0, count: max(1, count))
        }
        deinit { pointer.deallocate() }
        subscript(index: Int) -> Int64 {
            get { pointer[index] }
            set { pointer[index] = newValue }
        }
        var values: [Int64] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    }
    let goals: Int
    let amounts: Buffer
    let payables: Buffer
    let totals: Buffer
    let reductions: Buffer

    init(count: Int, goals: Int) {
        self.goals = goals
        amounts = Buffer(count * goals)
        payables = Buffer(count * goals)
        totals = Buffer(count)
        reductions = Buffer(count)
    }

    func column(_ buffer: Buffer, _ goal: Int) -> [Int64] {
        stride(from: goal, to: buffer.count, by: goals).map { buffer[$0] }
    }
}

extension Ratio {
    /// The nearest double: for probabilities in a simulation, never for money.
    public var doubleValue: Double { Double(numerator) / Double(denominator) }
}
