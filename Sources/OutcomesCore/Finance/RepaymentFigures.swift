/// SPEC §10: "Everywhere the figures are labelled for what they are: computed (open),
/// approved, due, paid." The four repayment figures every page, report, command and API shows
/// for a date, from one computation, so they cannot disagree.
public struct RepaymentFigures: Sendable, Equatable {
    /// *Beregnet*: what the settlement computes for every half-year through the date, the
    /// open one included (SPEC §6) — not owed until approved.
    public var computed: Money
    /// *Godkendt*: the approved half-years' totals (SPEC §10).
    public var approved: Money
    /// *Forfalden*: what the payment instructions of the approved half-years make due by the
    /// date (P 4 note 1). Instructions settle net: LBF, which pays goal 4 and receives a share,
    /// pays only the difference (T 5.1, B5.1 1.1).
    public var due: Money
    /// *Betalt*: what the ledger's repayments have covered of the instructions due by the date.
    public var paid: Money

    public init(computed: Money, approved: Money, due: Money, paid: Money) {
        self.computed = computed
        self.approved = approved
        self.due = due
        self.paid = paid
    }

    /// The figures of `settlement` (made as of `asOf`, with the approved half-years kept) and
    /// its instructions (``PaymentSchedule``).
    public static func compute(settlement: Settlement, instructions: [PaymentInstruction], asOf: LocalDate) -> RepaymentFigures {
        let due = instructions.filter { $0.dueBy <= asOf }
        return RepaymentFigures(
            computed: settlement.totals.total,
            approved: Money.sum(settlement.periods.filter(\.isApproved).map(\.total)),
            due: Money.sum(due.map(\.amount)),
            paid: Money.sum(due.map(\.paid))
        )
    }

    /// Still to pay of what is due.
    public var outstanding: Money { due - paid }

    /// The Danish labels, as every page shows them.
    public static let labels = (
        computed: "Beregnet (åbne halvår medregnet)", approved: "Godkendt", due: "Forfalden", paid: "Betalt"
    )
}
