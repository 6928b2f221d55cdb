/// T 3.1 with B4.1: "Tilskuddet" (DSI's grant) spread over the budget years in proportion to
/// the year's intervention lines (SPEC §7) — 217.361,44 kr. in 2023 … for Viborg. Each year is
/// rounded to the øre; the last year takes what is left, so the years add up to the grant.
public enum GrantByYear {
    public static func compute(_ commitment: Commitment) -> [(year: Int, grant: Money)] {
        let budget = commitment.budget
        let lines = commitment.interventionLines
        let weights = budget.years.indices.map { index in Money.sum(lines.compactMap { $0.perYear?[index] }) }
        let whole = Money.sum(weights)
        let grant = commitment.theGrant
        guard !whole.isZero else { return budget.years.map { ($0, .zero) } }
        var result: [(year: Int, grant: Money)] = []
        var allotted = Money.zero
        for (index, year) in budget.years.enumerated() {
            let share = index == budget.years.count - 1 ? grant - allotted : Money.rounded(grant.kroner * (weights[index].kroner / whole.kroner))
            allotted += share
            result.append((year, share))
        }
        return result
    }
}

/// The relative reduction of the grant (T 4.2 (i), B4.2 no. 3): fewer households enrolled than
/// the budget expects reduce "Tilskuddet" — DSI's grant (T 3.1) — proportionally.
public struct RelativeReduction: Sendable, Equatable {
    public struct Year: Sendable, Equatable {
        public var year: Int
        /// DSI's grant for the year (``GrantByYear``).
        public var grant: Money
        public var expected: Int
        /// Households whose course started in the year.
        public var actual: Int
        /// Grant − min(actual, expected) / expected × grant, to the øre.
        public var reduction: Money
        /// The year has not ended by the as-of date: the figure is provisional.
        public var isProvisional: Bool
    }

    public var basis: Interpretation<RelativeReductionBasis>
    public var years: [Year]
    public var total: Money

    /// B4.2 no. 3: "Relativ reduktion = Tilskuddet − (Faktisk antal Deltagere / forventet antal
    /// Deltagere × Tilskuddet)", per budget year on that year's part of DSI's grant (or over the
    /// whole period, as the contract file's interpretation says), the actual number capped at
    /// the expected. A proposal until DSI records a reduction (``GrantDecision``).
    public static func compute(_ commitment: Commitment, households: [Household], asOf: LocalDate) -> RelativeReduction {
        let budget = commitment.budget
        let starts = households.filter { $0.isEnrolled(on: asOf) }.compactMap(\.start)
        func reduction(grant: Money, expected: Int, actual: Int) -> Money {
            guard expected > 0 else { return .zero }
            return grant - Money.rounded(grant.kroner * Ratio(min(actual, expected), expected))
        }
        let grants = GrantByYear.compute(commitment)
        var years: [Year] = []
        for (index, year) in budget.years.enumerated() {
            let grant = grants[index].grant
            let expected = budget.expectedHouseholds[index]
            let actual = starts.filter { $0.year == year }.count
            years.append(
                Year(
                    year: year,
                    grant: grant,
                    expected: expected,
                    actual: actual,
                    reduction: reduction(grant: grant, expected: expected, actual: actual),
                    isProvisional: asOf < LocalDate(year: year, month: 12, day: 31)!
                )
            )
        }
        let basis = commitment.interpretations.relativeReduction
        let total: Money
        switch basis.choice {
        case .perYear: total = Money.sum(years.map(\.reduction))
        case .total:
            total = reduction(
                grant: Money.sum(years.map(\.grant)),
                expected: years.map(\.expected).reduce(0, +),
                actual: years.map(\.actual).reduce(0, +)
            )
        }
        return RelativeReduction(basis: basis, years: years, total: total)
    }
}

/// The absolute reduction (T 4.2 (ii)): "færre omkostninger ved Indsatsen, end hvad der er
/// forudsat i Budgettet" — per budget year, DSI's share of the year's intervention budget less
/// its share of what was spent, when spending is below budget (SPEC §7). A proposal until DSI
/// records a reduction.
public struct AbsoluteReduction: Sendable, Equatable {
    public struct Year: Sendable, Equatable {
        public var year: Int
        /// The year's intervention lines (B4.1).
        public var budget: Money
        /// Spent on them in the year; `nil` while no accounts for the year are recorded.
        public var spent: Money?
        /// The grant's share × (budget − spent) when spent is below budget, to the øre.
        public var reduction: Money
        public var isProvisional: Bool
    }

    public var years: [Year]
    public var total: Money { Money.sum(years.map(\.reduction)) }

    public static func compute(_ commitment: Commitment, actuals: [BudgetActual], asOf: LocalDate) -> AbsoluteReduction {
        let lines = commitment.interventionLines
        let keys = Set(lines.map(\.key))
        let share = commitment.grantShare
        let years = commitment.budget.years.enumerated().map { index, year in
            let budget = Money.sum(lines.compactMap { $0.perYear?[index] })
            let recorded = actuals.filter { keys.contains($0.lineKey) && $0.year == year }
            let spent = recorded.isEmpty ? nil : Money.sum(recorded.map(\.amount))
            let under = spent.map { budget - $0 } ?? .zero
            return Year(
                year: year,
                budget: budget,
                spent: spent,
                reduction: under > .zero ? Money.rounded(under.kroner * share) : .zero,
                isProvisional: asOf < LocalDate(year: year, month: 12, day: 31)!
            )
        }
        return AbsoluteReduction(years: years)
    }
}

/// Unused grant (T 4.3): per year, DSI's disbursed grant less its share of the spending, stated
/// at the annual meeting and repaid krone for krone to DSI one month after it, unless the
/// steering group records it as accrued (*periodisering*) for costs that fall in the next year.
/// It never counts against the return cap. LBF's grant is not reclaimed under this agreement.
public struct UnusedGrant: Sendable, Equatable {
    public struct Year: Sendable, Equatable {
        public var year: Int
        /// DSI's disbursements up to the end of the year, less unused grant already repaid.
        public var disbursed: Money
        /// The grant's share of the spending on the intervention lines up to the end of the
        /// year; `nil` while no accounts for the year are recorded.
        public var spent: Money?
        /// Disbursed − spent, never below zero; `nil` without the year's accounts.
        public var unused: Money?
        /// What the steering group recorded as accrued for the next year's costs.
        public var accrued: Money
        /// Unused − accrued, never below zero: repaid to DSI by ``due``.
        public var toRepay: Money?
        /// One month after the year after's annual meeting, or after 30 June when none is recorded.
        public var due: LocalDate
        public var dueIsEstimated: Bool
    }

    public var funder: PartyKey
    public var years: [Year]

    public static func compute(
        _ commitment: Commitment,
        transfers: [MoneyTransfer],
        actuals: [BudgetActual],
        meetings: [Meeting],
        decisions: [GrantDecision] = [],
        asOf: LocalDate
    ) -> UnusedGrant {
        let budget = commitment.budget
        let funder = commitment.theGrantFunder
        let keys = Set(commitment.interventionLines.map(\.key))
        let share = commitment.grantShare
        let months = commitment.reporting.unusedGrantRepaymentMonths.value
        var years: [Year] = []
        for year in budget.years where LocalDate(year: year, month: 12, day: 31)! <= asOf {
            let end = LocalDate(year: year, month: 12, day: 31)!
            let disbursed = Money.sum(transfers.filter { $0.kind == .disbursement && $0.from == funder && $0.paidOn <= end }.map(\.amount))
            let repaid = Money.sum(transfers.filter { $0.kind == .unusedGrantRepayment && $0.to == funder && $0.paidOn <= end }.map(\.amount))
            let hasAccounts = actuals.contains { keys.contains($0.lineKey) && $0.year == year }
            let spending = Money.sum(actuals.filter { keys.contains($0.lineKey) && $0.year <= year }.map(\.amount))
            let spent = hasAccounts ? Money.rounded(spending.kroner * share) : nil
            let unused = spent.map { spent in max(.zero, disbursed - repaid - spent) }
            let accrued = Money.sum(decisions.filter { $0.kind == .accrual && $0.year == year }.map(\.amount))
            let meeting = meetings.first { $0.isAnnualMeeting && $0.heldOn.year == year + 1 }
            let base = meeting?.heldOn ?? LocalDate(year: year + 1, month: 6, day: 30)!
            years.append(
                Year(
                    year: year,
                    disbursed: disbursed - repaid,
                    spent: spent,
                    unused: unused,
                    accrued: accrued,
                    toRepay: unused.map { max(.zero, $0 - accrued) },
                    due: base.addingMonths(months),
                    dueIsEstimated: meeting == nil
                )
            )
        }
        return UnusedGrant(funder: funder, years: years)
    }
}
