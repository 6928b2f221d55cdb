/// Periods, caps, payers and recipients (SPEC §4): what the goals earned in one half-year
/// becomes what is payable, who pays it and who receives it, with the caps and the tranche
/// threshold running on from the periods before.
///
/// One rule for the settlement (``SettlementEngine``) and the forecast (`ForecastModel`, which
/// calls it a hundred thousand times a run): amounts are øre in integers and the caller owns
/// the output arrays, so a period costs no allocation.
public struct RepaymentAllocator: Sendable {
    /// The goals' numbers, in the order the amounts are given.
    public let goals: [Int]
    /// Who pays: the municipality first, then the other payers in goal order (LBF for goal 4).
    public let payers: [PartyKey]
    /// Who receives, in the order of the tranche table (DSI, LBF).
    public let recipients: [PartyKey]
    /// Each goal's own cap in øre, or `Int64.max` (B5.1 2.6.3: goal 3; B5.1 2.7.2: goal 4).
    let caps: [Int64]
    /// Each goal's payer, as an index into ``payers``.
    let payerOfGoal: [Int]
    /// Whether the return cap covers each payer (T 5.2; `returnCapCoverage`).
    let coveredByReturnCap: [Bool]
    let returnCap: Int64
    let threshold: Int64
    /// Each recipient's share in tranche 1 and tranche 2, as exact fractions.
    let tranche1: [Ratio]
    let tranche2: [Ratio]

    public init(_ commitment: Commitment) {
        let goals = commitment.paymentGoals.sorted { $0.number < $1.number }
        let municipality = commitment.municipalityKey
        var payers = [municipality]
        for goal in goals where !payers.contains(goal.payer.value) { payers.append(goal.payer.value) }
        self.goals = goals.map(\.number)
        self.payers = payers
        self.caps = goals.map { $0.cap?.value.minorUnits ?? .max }
        self.payerOfGoal = goals.map { goal in payers.firstIndex(of: goal.payer.value) ?? 0 }
        let allPayers = commitment.interpretations.returnCapCoverage.choice == .allPayers
        self.coveredByReturnCap = payers.map { allPayers || $0 == municipality }
        self.returnCap = commitment.returnCap.amount.value.minorUnits
        let tranches = commitment.tranches
        self.threshold = tranches.threshold.value.minorUnits
        self.recipients = tranches.shares.map(\.funder)
        let total = commitment.totalGrants
        // B5.1 1.1 (`trancheShares`): the printed 74/26, or each grant's share of the total.
        self.tranche1 = tranches.shares.map { share in
            if commitment.interpretations.trancheShares.choice == .proRata, let grant = commitment.grant(of: share.funder), !total.isZero {
                return grant.amount.value.kroner / total.kroner
            }
            return share.tranche1.fraction
        }
        self.tranche2 = tranches.shares.map(\.tranche2.fraction)
    }

    /// What the earlier periods earned and used: per goal, what it earned in all and what of
    /// its cap that used; the covered payers' payable before and after the return cap; what was
    /// repaid in all (tranche 1 until the threshold).
    ///
    /// Every period is the cumulative rule after it less the cumulative rule before it, so a
    /// negative amount (a correction, SPEC §10) gives back exactly what the caps allowed for it.
    public struct State: Sendable, Equatable {
        var earned: [Int64]
        var capUsed: [Int64]
        /// The covered payers' payable in all, before the return cap.
        var coveredGross: Int64 = 0
        /// The same after the return cap.
        var covered: Int64 = 0
        var repaid: Int64 = 0
        public init(_ allocator: RepaymentAllocator) {
            earned = Array(repeating: 0, count: allocator.goals.count)
            capUsed = Array(repeating: 0, count: allocator.goals.count)
        }
    }

    /// One period's result, in øre; the arrays keep their capacity from period to period.
    public struct Period: Sendable, Equatable {
        /// Per goal, after its own cap.
        public var payables: [Int64]
        /// Per payer (``payers``), after the return cap.
        public var payers: [Int64]
        /// Per recipient (``recipients``).
        public var recipients: [Int64]
        /// What the return cap cut.
        public var capReduction: Int64 = 0
        /// What the payers pay together = what the recipients receive together.
        public var total: Int64 = 0

        public init(_ allocator: RepaymentAllocator) {
            payables = Array(repeating: 0, count: allocator.goals.count)
            payers = Array(repeating: 0, count: allocator.payers.count)
            recipients = Array(repeating: 0, count: allocator.recipients.count)
        }
    }

    /// Allocates one half-year. `amount(g)` is what goal `goals[g]` earned in it, in øre.
    @inline(__always)
    public func allocate(_ amount: (Int) -> Int64, state: inout State, into period: inout Period) {
        for p in period.payers.indices { period.payers[p] = 0 }
        for g in goals.indices {
            // B5.1 2.6.3, 2.7.2: caps are cumulative; the period that would cross is cut to the
            // room left, later periods pay nothing for the goal (and a negative amount gives back
            // only what the cap had let through).
            state.earned[g] += amount(g)
            let used = min(caps[g], max(0, state.earned[g]))
            let payable = used - state.capUsed[g]
            state.capUsed[g] = used
            period.payables[g] = payable
            period.payers[payerOfGoal[g]] += payable
        }
        // T 5.2: the return cap on the cumulative payable it covers, cut at period-total level,
        // from the covered payers in order.
        var covered: Int64 = 0
        for p in period.payers.indices where coveredByReturnCap[p] { covered += period.payers[p] }
        state.coveredGross += covered
        let coveredAfter = min(returnCap, max(0, state.coveredGross))
        let allowed = coveredAfter - state.covered
        state.covered = coveredAfter
        period.capReduction = covered - allowed
        var left = period.capReduction
        for p in period.payers.indices where left > 0 && coveredByReturnCap[p] {
            let cut = min(left, period.payers[p])
            period.payers[p] -= cut
            left -= cut
        }
        // A negative reduction (a correction below the cap gives back room): the first covered
        // payer (the municipality) pays that much more of its negative amount back.
        if left < 0, let first = period.payers.indices.first(where: { coveredByReturnCap[$0] }) {
            period.payers[first] -= left
        }
        var total: Int64 = 0
        for amount in period.payers { total += amount }
        period.total = total
        // B5.1 1.1: tranche 1 until the cumulative repayments of both payers reach the
        // threshold; a period that crosses it splits the part up to it by tranche 1's shares and
        // the rest by tranche 2's. Each share but the last is rounded to øre (half away from
        // zero); the last takes the rest, so the recipients' amounts add up to the total.
        let inFirst = min(threshold, state.repaid + total) - min(threshold, state.repaid)
        let inSecond = total - inFirst
        state.repaid += total
        var given: Int64 = 0
        let last = period.recipients.count - 1
        for r in period.recipients.indices {
            if r == last {
                period.recipients[r] = total - given
            } else {
                let share = RepaymentAllocator.share(inFirst, tranche1[r]) + RepaymentAllocator.share(inSecond, tranche2[r])
                period.recipients[r] = share
                given += share
            }
        }
    }

    /// `amount × fraction` in øre, rounded half away from zero (as ``Money/rounded(_:)``).
    @inline(__always)
    static func share(_ amount: Int64, _ fraction: Ratio) -> Int64 {
        if amount == 0 || fraction.isZero { return 0 }
        let scaled = Int128(amount) * fraction.numerator
        let quotient = scaled / fraction.denominator
        let remainder = scaled % fraction.denominator
        if remainder.magnitude * 2 >= fraction.denominator.magnitude { return Int64(scaled < 0 ? quotient - 1 : quotient + 1) }
        return Int64(quotient)
    }
}

extension RepaymentAllocator.State {
    /// Back to the start of the agreement, keeping the arrays.
    public mutating func reset() {
        for g in capUsed.indices {
            capUsed[g] = 0
            earned[g] = 0
        }
        coveredGross = 0
        covered = 0
        repaid = 0
    }
}

extension RepaymentAllocator.State {
    /// SPEC §10: an approved half-year uses the caps, the return cap and tranche 1 as it was
    /// approved — from its kept figures, not recomputed.
    public mutating func record(_ period: PeriodSettlement, allocator: RepaymentAllocator) {
        for (g, goal) in allocator.goals.enumerated() {
            let figures = period.goals.first { $0.goal == goal }
            earned[g] += figures?.amount.minorUnits ?? 0
            capUsed[g] += figures?.payable.minorUnits ?? 0
        }
        var covered: Int64 = 0
        for (p, payer) in allocator.payers.enumerated() where allocator.coveredByReturnCap[p] {
            covered += period.payers.first { $0.party == payer }?.amount.minorUnits ?? 0
        }
        self.covered += covered
        coveredGross += covered + period.capReduction.minorUnits
        repaid += period.total.minorUnits
    }
}
