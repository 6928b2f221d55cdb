/// One settlement line (SPEC §6): what one person or household earned at one point, or
/// what one cohort earned at one point for goal 3, and why.
public struct SettlementLine: Sendable, Equatable {
    /// The goal's number (1…5).
    public var goal: Int
    /// 12, 18 or 24 months after start, or the course's end.
    public var point: LinePoint
    public var date: LocalDate
    public var period: HalfYear
    public var household: HouseholdID?
    public var person: PersonID?
    public var cohort: Int?
    public var amount: Money
    /// Missing data replaced by the average of provided lines (B5.1 2.3).
    public var isImputed: Bool
    /// Why: the criterion, the values, the rule and its clause.
    public var basis: LineBasis

    public init(
        goal: Int,
        point: LinePoint,
        date: LocalDate,
        household: HouseholdID?,
        person: PersonID?,
        cohort: Int?,
        amount: Money,
        isImputed: Bool,
        basis: LineBasis
    ) {
        self.goal = goal
        self.point = point
        self.date = date
        self.period = HalfYear(containing: date)
        self.household = household
        self.person = person
        self.cohort = cohort
        self.amount = amount
        self.isImputed = isImputed
        self.basis = basis
    }
}

/// The point a line is for: months after the course's start, or its end.
public enum LinePoint: Hashable, Sendable, CustomStringConvertible {
    case months(Int)
    case end

    /// `"12"`, `"18"`, `"24"` or `"end"` (SPEC §6).
    public var label: String {
        switch self {
        case let .months(months): String(months)
        case .end: "end"
        }
    }

    public var description: String { label }

    /// "12 mdr." or "ved afslutning".
    public var danishDescription: String {
        switch self {
        case let .months(months): "\(months) mdr."
        case .end: "ved afslutning"
        }
    }
}

/// A goal's amount and payable (after its cap) in one period.
public struct GoalPeriodAmount: Sendable, Equatable {
    public var goal: Int
    /// The period's lines, and any correction of approved half-years (``correction``).
    public var amount: Money
    public var payable: Money
    /// SPEC §10: the part of ``amount`` that corrects approved half-years (efterregulering).
    public var correction: Money = .zero

    public init(goal: Int, amount: Money, payable: Money, correction: Money = .zero) {
        self.goal = goal
        self.amount = amount
        self.payable = payable
        self.correction = correction
    }
}

/// SPEC §10: one line of a correction (efterregulering) — what a later delivery changed in an
/// approved half-year, for one goal and one person, household or cohort at one point, and the
/// open half-year it is settled in.
public struct CorrectionLine: Sendable, Equatable {
    /// The approved half-year that changed.
    public var period: HalfYear
    /// The first open half-year, where the difference is settled.
    public var settledIn: HalfYear
    public var goal: Int
    public var point: LinePoint
    public var household: HouseholdID?
    public var person: PersonID?
    public var cohort: Int?
    /// As approved; zero for a line the approval did not have.
    public var before: Money
    /// As the current delivery computes it; zero for a line it no longer has.
    public var after: Money
    /// In words: what changed.
    public var reason: String

    /// `after − before`: what the open half-year settles.
    public var difference: Money { after - before }

    public init(
        period: HalfYear,
        settledIn: HalfYear,
        goal: Int,
        point: LinePoint,
        household: HouseholdID?,
        person: PersonID?,
        cohort: Int?,
        before: Money,
        after: Money,
        reason: String
    ) {
        self.period = period
        self.settledIn = settledIn
        self.goal = goal
        self.point = point
        self.household = household
        self.person = person
        self.cohort = cohort
        self.before = before
        self.after = after
        self.reason = reason
    }
}

/// An amount per party, in a fixed order (payers: the municipality first; recipients: the
/// tranche table's order).
public struct PartyAmount: Sendable, Equatable {
    public var party: PartyKey
    public var amount: Money

    public init(party: PartyKey, amount: Money) {
        self.party = party
        self.amount = amount
    }
}

/// One half-year settlement period (B5.1 1.2) and what it pays.
public struct PeriodSettlement: Sendable, Equatable {
    public var period: HalfYear
    /// Last day of the quarter after the period (P 4 note 1).
    public var due: LocalDate
    /// The period has ended by the as-of date.
    public var isClosed: Bool
    public var goals: [GoalPeriodAmount]
    /// What the return cap (T 5.2) cut in this period.
    public var capReduction: Money
    /// What each payer pays: the municipality (goals 1, 2, 3, 5 less the cap reduction),
    /// LBF (goal 4).
    public var payers: [PartyAmount]
    /// The sum of the payers' amounts.
    public var total: Money
    /// How the total is split between the funders (B5.1 1.1).
    public var recipients: [PartyAmount]
    /// SPEC §10: the half-year as approved — these figures are kept, never recomputed.
    /// The contract version whose rates made the half-year's lines, when the settlement spans
    /// more than one version (an amended agreement, T 11.1); `nil` when one version holds
    /// throughout.
    public var contractVersion: Int? = nil
    public var isApproved: Bool = false

    public init(
        period: HalfYear,
        due: LocalDate,
        isClosed: Bool,
        goals: [GoalPeriodAmount],
        capReduction: Money,
        payers: [PartyAmount],
        total: Money,
        recipients: [PartyAmount],
        isApproved: Bool = false
    ) {
        self.period = period
        self.due = due
        self.isClosed = isClosed
        self.goals = goals
        self.capReduction = capReduction
        self.payers = payers
        self.total = total
        self.recipients = recipients
        self.isApproved = isApproved
    }
}

/// A goal over all periods.
public struct GoalSettlement: Sendable, Equatable {
    public var goal: Int
    /// The sum of its lines.
    public var amount: Money
    /// The sum of its imputed lines.
    public var imputed: Money
    /// After the goal's own cap.
    public var payable: Money
    public var lines: Int
}

/// Totals over all periods.
public struct SettlementTotals: Sendable, Equatable {
    public var amount: Money
    public var capReduction: Money
    public var payers: [PartyAmount]
    public var total: Money
    public var recipients: [PartyAmount]
}

/// A settlement of an agreement as of a date (SPEC §6).
public struct Settlement: Sendable, Equatable {
    public var contractID: String
    public var asOf: LocalDate
    public var periods: [PeriodSettlement]
    public var goals: [GoalSettlement]
    public var totals: SettlementTotals
    /// Sorted by date, goal, household, person, cohort. An approved half-year's lines are the
    /// ones it was approved with.
    public var lines: [SettlementLine]
    public var warnings: [String]
    /// SPEC §10: what later deliveries changed in approved half-years, settled in the first
    /// open one; sorted by half-year, goal, household, person, cohort, point.
    public var corrections: [CorrectionLine] = []
    /// SPEC §9: the interpretations the settlement was computed with.
    public var interpretations: [InterpretationNote] = []
}

extension Settlement {
    /// The figures only, for roles that see aggregates (SPEC §1): no lines, and the corrections
    /// summed per approved half-year and goal, naming no household or person.
    public func figuresOnly() -> Settlement {
        var figures = self
        figures.lines = []
        var sums: [(period: HalfYear, settledIn: HalfYear, goal: Int, before: Money, after: Money)] = []
        for correction in corrections {
            if let index = sums.firstIndex(where: { $0.period == correction.period && $0.goal == correction.goal }) {
                sums[index].before += correction.before
                sums[index].after += correction.after
            } else {
                sums.append((correction.period, correction.settledIn, correction.goal, correction.before, correction.after))
            }
        }
        figures.corrections = sums.map {
            CorrectionLine(
                period: $0.period,
                settledIn: $0.settledIn,
                goal: $0.goal,
                point: .end,
                household: nil,
                person: nil,
                cohort: nil,
                before: $0.before,
                after: $0.after,
                reason: "Samlet for målet (linjerne vises kun for roller med adgang til persondata)."
            )
        }
        return figures
    }
}

/// SPEC §10: a half-year as it was approved: its figures and its lines, kept as they were.
public struct ApprovedPeriod: Sendable, Equatable {
    public var settlement: PeriodSettlement
    public var lines: [SettlementLine]
    /// The corrections of earlier approved half-years this one settled (its goals' `correction`
    /// amounts, line by line): kept with it, so they are never settled twice.
    public var corrections: [CorrectionLine]

    public init(settlement: PeriodSettlement, lines: [SettlementLine], corrections: [CorrectionLine] = []) {
        var settlement = settlement
        settlement.isApproved = true
        self.settlement = settlement
        self.lines = lines
        self.corrections = corrections
    }

    public var period: HalfYear { settlement.period }
}
