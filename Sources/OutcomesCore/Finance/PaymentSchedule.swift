/// SPEC §10, T 5.1, P 4 note 1: the payment instructions — who pays whom how much by which
/// date — from approved half-years only, matched against the ledger's repayments.
public struct PaymentInstruction: Sendable, Equatable {
    /// Where an instruction stands on a date.
    public enum Status: String, Sendable, Equatable {
        /// Paid in full.
        case paid
        /// Not (fully) paid, not yet due.
        case open
        /// Not (fully) paid by its due date: a breach (T 6.1.1 (v)).
        case overdue

        public var danishName: String {
            switch self {
            case .paid: "betalt"
            case .open: "forfalder"
            case .overdue: "forfalden, ikke betalt"
            }
        }
    }

    /// The approved half-year it comes from.
    public var period: HalfYear
    public var from: PartyKey
    public var to: PartyKey
    public var amount: Money
    /// The last day of the quarter after the half-year (P 4 note 1).
    public var dueBy: LocalDate
    /// What the ledger's repayments from `from` to `to` have covered of it (oldest instruction
    /// first).
    public var paid: Money
    public var status: Status

    /// What is still to pay.
    public var outstanding: Money { amount - paid }
}

public enum PaymentSchedule {
    /// The instructions of the approved half-years in `settlement`, in due order, each matched
    /// against the repayments (T 5.1) paid by `asOf`: a payer's repayments to a recipient cover
    /// that pair's instructions oldest first.
    ///
    /// A half-year that is computed but not approved gives no instruction: nothing is owed on
    /// a figure nobody has approved (SPEC §10).
    public static func compute(settlement: Settlement, transfers: [MoneyTransfer], asOf: LocalDate) -> [PaymentInstruction] {
        var instructions: [PaymentInstruction] = []
        for period in settlement.periods where period.isApproved {
            for instruction in PaymentInstructions.compute(period) {
                instructions.append(
                    PaymentInstruction(
                        period: period.period,
                        from: instruction.from,
                        to: instruction.to,
                        amount: instruction.amount,
                        dueBy: period.due,
                        paid: .zero,
                        status: .open
                    )
                )
            }
        }
        var available: [String: Money] = [:]
        for transfer in transfers where transfer.kind == .repayment && transfer.paidOn <= asOf {
            available["\(transfer.from.rawValue)→\(transfer.to.rawValue)", default: .zero] += transfer.amount
        }
        for index in instructions.indices {
            let key = "\(instructions[index].from.rawValue)→\(instructions[index].to.rawValue)"
            let covered = min(available[key] ?? .zero, instructions[index].amount)
            available[key] = (available[key] ?? .zero) - covered
            instructions[index].paid = covered
            instructions[index].status =
                covered == instructions[index].amount ? .paid : (instructions[index].dueBy < asOf ? .overdue : .open)
        }
        return instructions
    }
}
