/// The relative reduction of the grant (T 4.2, B4.2 no. 3): fewer households enrolled than the
/// budget expects reduce the grant proportionally.
public struct RelativeReduction: Sendable, Equatable {
    public struct Year: Sendable, Equatable {
        public var year: Int
        /// The grant-financed budget of the year (the intervention lines of B4.1).
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
    /// Deltagere × Tilskuddet)", per budget year (or over the whole period, as the contract file's
    /// interpretation says), the actual number capped at the expected.
    public static func compute(_ commitment: Commitment, households: [Household], asOf: LocalDate) -> RelativeReduction {
        let budget = commitment.budget
        let grantLines = budget.lines.filter { $0.section == "intervention" }
        let starts = households.filter { $0.isEnrolled(on: asOf) }.compactMap(\.start)
        func reduction(grant: Money, expected: Int, actual: Int) -> Money {
            guard expected > 0 else { return .zero }
            return grant - Money.rounded(grant.kroner * Ratio(min(actual, expected), expected))
        }
        var years: [Year] = []
        for (index, year) in budget.years.enumerated() {
            let grant = Money.sum(grantLines.compactMap { $0.perYear?[index] })
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

/// Unused grant (T 4.3): per year, what was disbursed and not spent, repaid krone for krone to
/// DSI within one month after the annual meeting; it never counts against the return cap.
public struct UnusedGrant: Sendable, Equatable {
    public struct Year: Sendable, Equatable {
        public var year: Int
        /// Disbursed by the funders up to the end of the year, less unused grant already repaid.
        public var disbursed: Money
        /// Spent on the grant-financed budget lines up to the end of the year.
        public var spent: Money
        /// Disbursed − spent, never below zero.
        public var unused: Money
        /// One month after the year after's annual meeting, or after 30 June when none is recorded.
        public var due: LocalDate
        public var dueIsEstimated: Bool
    }

    public var years: [Year]

    public static func compute(
        _ commitment: Commitment,
        transfers: [MoneyTransfer],
        actuals: [BudgetActual],
        meetings: [Meeting],
        asOf: LocalDate
    ) -> UnusedGrant {
        let budget = commitment.budget
        let grantLines = Set(budget.lines.filter { $0.section == "intervention" }.map(\.key))
        let months = commitment.reporting.unusedGrantRepaymentMonths.value
        var years: [Year] = []
        for year in budget.years where LocalDate(year: year, month: 12, day: 31)! <= asOf {
            let end = LocalDate(year: year, month: 12, day: 31)!
            let disbursed = Money.sum(transfers.filter { $0.kind == .disbursement && $0.paidOn <= end }.map(\.amount))
            let repaid = Money.sum(transfers.filter { $0.kind == .unusedGrantRepayment && $0.paidOn <= end }.map(\.amount))
            let spent = Money.sum(actuals.filter { grantLines.contains($0.lineKey) && $0.year <= year }.map(\.amount))
            let available = disbursed - repaid - spent
            let meeting = meetings.first { $0.isAnnualMeeting && $0.heldOn.year == year + 1 }
            let base = meeting?.heldOn ?? LocalDate(year: year + 1, month: 6, day: 30)!
            years.append(
                Year(
                    year: year,
                    disbursed: disbursed - repaid,
                    spent: spent,
                    unused: available.isNegative ? .zero : available,
                    due: base.addingMonths(months),
                    dueIsEstimated: meeting == nil
                )
            )
        }
        return UnusedGrant(years: years)
    }
}
