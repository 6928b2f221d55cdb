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

/// The disbursement plan (B3.2) against what the funders paid.
public struct DisbursementStatus: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var installment: String
        public var dueBy: LocalDate
        public var funder: PartyKey
        public var planned: Money
        /// Paid towards this installment: the funder's disbursements, allotted to installments in order.
        public var paid: Money
        public var isOverdue: Bool
    }

    public var rows: [Row]

    /// Allots each funder's disbursements (in date order) to its installments in order, so a
    /// late or split payment still fills the installment it belongs to.
    public static func compute(_ commitment: Commitment, transfers: [MoneyTransfer], asOf: LocalDate) -> DisbursementStatus {
        var rows: [Row] = []
        let funders = commitment.disbursementPlan.statedTotals.keys.sorted { $0.rawValue < $1.rawValue }
        for funder in funders {
            var available = Money.sum(transfers.filter { $0.kind == .disbursement && $0.from == funder && $0.paidOn <= asOf }.map(\.amount))
            for installment in commitment.disbursementPlan.installments {
                let planned = installment.amounts[funder] ?? .zero
                let paid = min(planned, available)
                available -= paid
                rows.append(
                    Row(
                        installment: installment.name,
                        dueBy: installment.dueBy,
                        funder: funder,
                        planned: planned,
                        paid: paid,
                        isOverdue: paid < planned && asOf > installment.dueBy
                    )
                )
            }
        }
        return DisbursementStatus(rows: rows)
    }
}
