/// The return cap (T 5.2, B4.2 no. 4): the stated figure binds; the formula is shown beside it.
public struct ReturnCapReport: Sendable, Equatable {
    public var stated: Stated<Money>
    /// The formula on the dated installments of the grants it covers, to the horizon.
    public var formula: Money
    public var horizon: Interpretation<LocalDate>
    public var installments: [(date: LocalDate, amount: Money)]
    /// Stated less formula.
    public var distance: Money { stated.value - formula }

    public static func == (lhs: ReturnCapReport, rhs: ReturnCapReport) -> Bool {
        lhs.stated == rhs.stated && lhs.formula == rhs.formula && lhs.horizon == rhs.horizon
            && lhs.installments.map(\.date) == rhs.installments.map(\.date) && lhs.installments.map(\.amount) == rhs.installments.map(\.amount)
    }

    /// T 5.2: the grant "med tillæg af en forrentning … på 5,07 % p.a. baseret på et 365-dages år
    /// med årlige rentetilskrivninger pr. den 31. december", on the installments of the grants
    /// the cap covers (`compoundedGrants`), each from the last day of its month (B3.2).
    public static func compute(_ commitment: Commitment) -> ReturnCapReport {
        let cap = commitment.returnCap
        let installments = commitment.disbursementPlan.installments.map { installment in
            (date: installment.dueBy, amount: Money.sum(cap.compoundedGrants.compactMap { installment.amounts[$0] }))
        }
        let horizon = commitment.interpretations.returnCapHorizon
        let value = ReturnCapFormula.compoundedValue(
            installments: installments,
            annualRate: cap.annualRate.value,
            dayCountBasis: cap.dayCountBasis,
            postingMonth: cap.postingMonth,
            postingDay: cap.postingDay,
            horizon: horizon.choice
        )
        return ReturnCapReport(stated: cap.amount, formula: value, horizon: horizon, installments: installments)
    }
}

/// The disbursement plan (B3.2) against what the funders paid: each installment with its
/// recipient (B3.2's note), lowered by the reductions DSI recorded (T 4.2), held back while a
/// withholding notice runs (T 6.1) and stopped by a revocation (T 6.2.1).
public struct DisbursementStatus: Sendable, Equatable {
    /// Where an installment stands.
    public enum State: String, Sendable, Equatable {
        /// Paid in full (after reductions), or not yet due.
        case onPlan
        /// Due and not paid in full.
        case overdue
        /// T 6.1: held back by DSI under a withholding notice until its remedy deadline.
        case withheld
        /// T 6.2.1: revoked — DSI's unpaid installments are stopped.
        case stopped
    }

    public struct Row: Sendable, Equatable {
        public var installment: String
        public var dueBy: LocalDate
        public var funder: PartyKey
        /// B3.2: who receives it.
        public var recipient: PartyKey
        /// As printed in B3.2.
        public var planned: Money
        /// T 4.2: lowered by reductions DSI recorded before it fell due.
        public var reduced: Money
        /// Paid towards this installment: the funder's disbursements to its recipient, allotted
        /// to installments in order.
        public var paid: Money
        public var state: State
        /// The notice that holds it back or stops it.
        public var notice: String?
        /// What is to be paid: planned − reduced.
        public var payable: Money { planned - reduced }
        public var isOverdue: Bool { state == .overdue }
    }

    public var rows: [Row]
    /// Recorded reductions no installment was left to absorb (the grant was paid out already).
    public var unabsorbedReductions: Money
    /// A funder's disbursements to someone other than B3.2's recipient: not counted towards
    /// the installments, and shown so nobody wonders where they went.
    public var paidToOthers: [OtherRecipient] = []

    public struct OtherRecipient: Sendable, Equatable {
        public var funder: PartyKey
        public var recipient: PartyKey
        /// Whom B3.2 names.
        public var planned: PartyKey
        public var amount: Money

        public init(funder: PartyKey, recipient: PartyKey, planned: PartyKey, amount: Money) {
            self.funder = funder
            self.recipient = recipient
            self.planned = planned
            self.amount = amount
        }
    }

    /// Allots each funder's disbursements (in date order) to its installments in order, so a
    /// late or split payment still fills the installment it belongs to. Recorded reductions
    /// (T 4.2) lower the grant funder's installments due after the decision, the next first.
    public static func compute(
        _ commitment: Commitment,
        transfers: [MoneyTransfer],
        decisions: [GrantDecision] = [],
        notices: [Notice] = [],
        asOf: LocalDate
    ) -> DisbursementStatus {
        var rows: [Row] = []
        let plan = commitment.disbursementPlan
        let grantFunder = commitment.theGrantFunder
        let funders = plan.statedTotals.keys.sorted { $0.rawValue < $1.rawValue }
        // T 4.2: each recorded reduction, in date order, lowers the next installments.
        var reductions: [String: Money] = [:]
        var unabsorbed = Money.zero
        for decision in decisions.filter({ $0.kind.isReduction && $0.decidedOn <= asOf }).sorted(by: { $0.decidedOn < $1.decidedOn }) {
            var left = decision.amount
            for installment in plan.installments where installment.dueBy > decision.decidedOn && !left.isZero {
                let room = (installment.amounts[grantFunder] ?? .zero) - (reductions[installment.name] ?? .zero)
                let taken = min(room, left)
                reductions[installment.name, default: .zero] += taken
                left -= taken
            }
            unabsorbed += left
        }
        let known = notices.filter { $0.received <= asOf }
        var others: [OtherRecipient] = []
        let revocation = known.filter { if case .revocation = $0.kind { true } else { false } }.min { $0.received < $1.received }
        for funder in funders {
            let recipient = plan.recipients?.value[funder] ?? commitment.municipalityKey
            var available = Money.sum(
                transfers.filter { $0.kind == .disbursement && $0.from == funder && $0.to == recipient && $0.paidOn <= asOf }.map(\.amount)
            )
            for transfer in transfers where transfer.kind == .disbursement && transfer.from == funder && transfer.to != recipient && transfer.paidOn <= asOf {
                if let index = others.firstIndex(where: { $0.funder == funder && $0.recipient == transfer.to }) {
                    others[index].amount += transfer.amount
                } else {
                    others.append(OtherRecipient(funder: funder, recipient: transfer.to, planned: recipient, amount: transfer.amount))
                }
            }
            for installment in plan.installments {
                let planned = installment.amounts[funder] ?? .zero
                let reduced = funder == grantFunder ? reductions[installment.name] ?? .zero : .zero
                let paid = min(planned - reduced, available)
                available -= paid
                var state: State = paid < planned - reduced && asOf > installment.dueBy ? .overdue : .onPlan
                var notice: String?
                if funder == grantFunder, paid < planned - reduced {
                    // T 6.2.1: a revocation stops the unpaid installments; T 6.1: a withholding
                    // notice holds back those falling due while it runs.
                    // The notice counts from the day T 10.2 says, as its claim does.
                    if let revocation, installment.dueBy >= revocation.receivedForDeadlines {
                        state = .stopped
                        notice = revocation.subject
                    } else if let withholding = known.first(where: { notice in
                        if case let .withholding(remedyBy) = notice.kind {
                            return notice.received <= installment.dueBy && installment.dueBy <= remedyBy && asOf <= remedyBy
                        }
                        return false
                    }) {
                        state = .withheld
                        notice = withholding.subject
                    }
                }
                rows.append(
                    Row(
                        installment: installment.name,
                        dueBy: installment.dueBy,
                        funder: funder,
                        recipient: recipient,
                        planned: planned,
                        reduced: reduced,
                        paid: paid,
                        state: state,
                        notice: notice
                    )
                )
            }
        }
        return DisbursementStatus(rows: rows, unabsorbedReductions: unabsorbed, paidToOthers: others)
    }
}
