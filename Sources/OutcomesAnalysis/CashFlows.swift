public import OutcomesCore

/// One party's dated money in and out: positive is money the party receives.
public struct CashFlow: Sendable, Equatable {
    public var date: LocalDate
    public var amount: Money
    /// Where it comes from, in Danish ("1. rate fra DSI", "Tilbagebetaling fra Viborg Kommune").
    public var text: String
    public var clause: Clause
    /// False for a donation: it counts in the net position, not in the rate of return.
    public var isInvestment: Bool

    public init(date: LocalDate, amount: Money, text: String, clause: Clause, isInvestment: Bool = true) {
        self.date = date
        self.amount = amount
        self.text = text
        self.clause = clause
        self.isInvestment = isInvestment
    }
}

/// The money between the parties (T 3, 4.3, 5): every party's flows, its net position and,
/// for the funders, the internal rate of return.
public struct CashFlowStatement: Sendable, Equatable {
    public struct Position: Sendable, Equatable {
        public var party: PartyKey
        public var flows: [CashFlow]
        public var received: Money
        public var paid: Money
        public var net: Money { received - paid }
        /// XIRR of a funder's flows to date (disbursements out, repayments in; not the donation):
        /// without the repayments still to come, so early on it is far below what the forecast
        /// expects.
        public var irr: Double?
    }

    public var asOf: LocalDate
    public var positions: [Position]

    public func position(_ party: PartyKey) -> Position? { positions.first { $0.party == party } }

    /// The statement from what was paid (the store's transfers) and the donation T 3.3 (3)
    /// names (Poul Due Jensens Fond to DSI, dated at the first installment, as the agreement
    /// gives no date). Every transfer is one flow out of its payer and one into its recipient.
    public static func compute(_ commitment: Commitment, transfers: [MoneyTransfer], asOf: LocalDate) -> CashFlowStatement {
        var flows: [PartyKey: [CashFlow]] = [:]
        func name(_ key: PartyKey) -> String { commitment.party(key)?.name ?? key.rawValue }
        let firstInstallment = commitment.disbursementPlan.installments.map(\.dueBy).min() ?? commitment.interventionPeriod.value.start
        for donation in commitment.coFunding where donation.kind == .donation {
            guard let recipient = donation.recipient, firstInstallment <= asOf else { continue }
            flows[donation.party, default: []].append(
                CashFlow(
                    date: firstInstallment,
                    amount: Money.zero - donation.amount.value,
                    text: "Donation til \(name(recipient))",
                    clause: donation.amount.clause,
                    isInvestment: false
                )
            )
            flows[recipient, default: []].append(
                CashFlow(
                    date: firstInstallment,
                    amount: donation.amount.value,
                    text: "Donation fra \(name(donation.party))",
                    clause: donation.amount.clause,
                    isInvestment: false
                )
            )
        }
        for transfer in transfers where transfer.paidOn <= asOf {
            let (what, clause): (String, Clause) =
                switch transfer.kind {
                case .disbursement: ("Udbetaling af tilskud", "B3.2")
                case .repayment: ("Tilbagebetaling efter resultater", "T 5.1")
                case .unusedGrantRepayment: ("Tilbagebetaling af ubrugt tilskud", "T 4.3")
                case .revocationRepayment: ("Tilbagebetaling efter tilbagekaldelse", "T 6.2.1")
                }
            flows[transfer.from, default: []].append(
                CashFlow(date: transfer.paidOn, amount: Money.zero - transfer.amount, text: "\(what) til \(name(transfer.to))", clause: clause)
            )
            flows[transfer.to, default: []].append(
                CashFlow(date: transfer.paidOn, amount: transfer.amount, text: "\(what) fra \(name(transfer.from))", clause: clause)
            )
        }
        let order = commitment.parties.map(\.key)
        // T 3.1, 3.3: the rate of return is the funders' measure (DSI, LBF); for the
        // municipality or a donor it has no meaning.
        func isFunder(_ party: PartyKey) -> Bool { [.funder, .coFunder].contains(commitment.party(party)?.role) }
        let positions = flows.keys.sorted { (order.firstIndex(of: $0) ?? .max, $0.rawValue) < (order.firstIndex(of: $1) ?? .max, $1.rawValue) }
            .map { party in
                let list = flows[party]!.sorted { $0.date < $1.date }
                let received = Money.sum(list.filter { !$0.amount.isNegative }.map(\.amount))
                let paid = Money.zero - Money.sum(list.filter { $0.amount.isNegative }.map(\.amount))
                return Position(
                    party: party,
                    flows: list,
                    received: received,
                    paid: paid,
                    irr: isFunder(party) ? XIRR.rate(list.filter(\.isInvestment).map { ($0.date, $0.amount) }) : nil
                )
            }
        return CashFlowStatement(asOf: asOf, positions: positions)
    }
}
