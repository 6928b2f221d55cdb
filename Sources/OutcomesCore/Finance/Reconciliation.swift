/// T 5.3: "Efter Tilsagnsperiodens ophør skal Parterne foretage en kontrol af Kommunens samlede
/// tilbagebetaling med henblik på at sikre, at Kommunen hverken har betalt mere eller mindre,
/// end hvad Kommunen er forpligtet til" — what was repaid against what the settlement says was
/// owed, per party.
///
/// Before the last payment can fall due the same comparison is an interim check (*foreløbig*):
/// it compares with the *approved* half-years whose payment has fallen due by the as-of date —
/// SPEC §10: only an approved settlement makes a payment instruction, so only it is owed. The
/// final check (as of the last due date) compares with every half-year, approved or not: T 5.3
/// "settles what remains".
public struct Reconciliation: Sendable, Equatable {
    /// One party's repayments: owed by the settlement against moved by the transfers.
    public struct Row: Sendable, Equatable {
        public var party: PartyKey
        /// What the settlement makes it pay (as payer of goals; the municipality after the
        /// return cap) in the half-years due by the as-of date.
        public var owedToPay: Money
        /// What the settlement gives it (as recipient, B5.1 1.1) in those half-years.
        public var owedToReceive: Money
        /// Its repayment transfers out and in up to the as-of date (T 5.1; not unused grant,
        /// which T 4.3 keeps outside).
        public var paid: Money
        public var received: Money
        /// Where it should stand: owed to receive − owed to pay.
        public var owedNet: Money { owedToReceive - owedToPay }
        /// Where it stands: received − paid.
        public var actualNet: Money { received - paid }
        /// Actual − owed: positive, the party has had (or kept) too much and owes it; negative, it
        /// is owed this much; zero, settled.
        public var difference: Money { actualNet - owedNet }
        /// In Danish: "afstemt", "skylder 1.670,00 kr." or "har 1.770,00 kr. til gode".
        public var danishStatus: String {
            if difference.isZero { return "afstemt" }
            return difference.isNegative ? "har \((Money.zero - difference).danishString) til gode" : "skylder \(difference.danishString)"
        }
    }

    public var asOf: LocalDate
    /// The half-years compared: approved and due by the as-of date (interim), or every
    /// half-year due (final).
    public var periods: [HalfYear]
    /// Approved but not yet due: owed later, not compared now.
    public var notYetDue: Money
    /// SPEC §10: computed for half-years not approved (*beregnet*), not compared before the
    /// final check — nothing is owed until the steering group has approved it.
    public var notApproved: Money
    public var rows: [Row]
    /// Repayments to date by payer and recipient (T 5.1), in the order first paid.
    public var repaid: [(from: PartyKey, to: PartyKey, amount: Money)]
    /// The last day a payment can fall due under the agreement: the half-year holding the last
    /// measurement of a course that starts as late as it can and still count (P 3.2.4, B5.1 2.1),
    /// due the quarter after (P 4 note 1).
    public var lastPaymentDue: LocalDate
    /// T 5.3 proper: as of the last payment's due date or later.
    public var isFinal: Bool { asOf >= lastPaymentDue }
    /// What the municipality has repaid in all, against the return cap (T 5.2).
    public var municipalityPaid: Money
    public var returnCap: Money
    /// The half-years compared, in Danish: "2. halvår 2023 – 1. halvår 2026", or "ingen".
    public var danishSpan: String {
        guard let first = periods.first, let last = periods.last else { return "ingen" }
        return "\(first.danishLabel) – \(last.danishLabel)"
    }
    /// Every party is settled: no difference anywhere.
    public var isBalanced: Bool { rows.allSatisfy { $0.difference.isZero } }

    public func row(_ party: PartyKey) -> Row? { rows.first { $0.party == party } }

    public static func == (lhs: Reconciliation, rhs: Reconciliation) -> Bool {
        lhs.asOf == rhs.asOf && lhs.periods == rhs.periods && lhs.notYetDue == rhs.notYetDue && lhs.notApproved == rhs.notApproved
            && lhs.rows == rhs.rows
            && lhs.repaid.map(\.from) == rhs.repaid.map(\.from) && lhs.repaid.map(\.to) == rhs.repaid.map(\.to)
            && lhs.repaid.map(\.amount) == rhs.repaid.map(\.amount) && lhs.lastPaymentDue == rhs.lastPaymentDue
            && lhs.municipalityPaid == rhs.municipalityPaid && lhs.returnCap == rhs.returnCap
    }

    /// The comparison as of `asOf`, from a settlement made as of the same date and the store's
    /// transfers.
    public static func compute(_ commitment: Commitment, settlement: Settlement, transfers: [MoneyTransfer], asOf: LocalDate) -> Reconciliation {
        let lastPaymentDue = commitment.lastPaymentDue
        let isFinal = asOf >= lastPaymentDue
        // T 5.3 (interim) with SPEC §10: owed is what is approved and due; the final check
        // compares every half-year due.
        let due = settlement.periods.filter { $0.due <= asOf && (isFinal || $0.isApproved) }
        let later = settlement.periods.filter { $0.due > asOf && $0.isApproved }
        let unapproved = settlement.periods.filter { !$0.isApproved && !($0.due <= asOf && isFinal) }
        var parties: [PartyKey] = []
        func note(_ party: PartyKey) { if !parties.contains(party) { parties.append(party) } }
        for period in settlement.periods {
            period.payers.forEach { note($0.party) }
            period.recipients.forEach { note($0.party) }
        }
        let repayments = transfers.filter { $0.kind == .repayment && $0.paidOn <= asOf }
        repayments.forEach {
            note($0.from)
            note($0.to)
        }
        func sum(_ select: (PeriodSettlement) -> [PartyAmount], _ party: PartyKey) -> Money {
            Money.sum(due.flatMap { select($0).filter { $0.party == party }.map(\.amount) })
        }
        let rows = parties.map { party in
            Row(
                party: party,
                owedToPay: sum(\.payers, party),
                owedToReceive: sum(\.recipients, party),
                paid: Money.sum(repayments.filter { $0.from == party }.map(\.amount)),
                received: Money.sum(repayments.filter { $0.to == party }.map(\.amount))
            )
        }
        var repaid: [(from: PartyKey, to: PartyKey, amount: Money)] = []
        for transfer in repayments.sorted(by: { $0.paidOn < $1.paidOn }) {
            if let i = repaid.firstIndex(where: { $0.from == transfer.from && $0.to == transfer.to }) {
                repaid[i].amount += transfer.amount
            } else {
                repaid.append((transfer.from, transfer.to, transfer.amount))
            }
        }
        let municipality = commitment.municipalityKey
        return Reconciliation(
            asOf: asOf,
            periods: due.map(\.period),
            notYetDue: Money.sum(later.map(\.total)),
            notApproved: Money.sum(unapproved.map(\.total)),
            rows: rows,
            repaid: repaid,
            lastPaymentDue: lastPaymentDue,
            municipalityPaid: Money.sum(repayments.filter { $0.from == municipality }.map(\.amount)),
            returnCap: commitment.returnCap.amount.value
        )
    }
}

extension Commitment {
    /// P 3.2.4, B5.1 2.1, P 4 note 1: the last day a payment can fall due — the half-year of the
    /// last measurement of a course that starts as late as it can and still counts, due the
    /// quarter after (31.03.2029 for Viborg).
    public var lastPaymentDue: LocalDate {
        let intervention = interventionPeriod.value
        let longest = paymentGoals.flatMap(\.resultMonths).max() ?? 0
        let lastPoint = max(intervention.end, intervention.end.addingMonths(-compliance.countingMonths.value).addingMonths(longest))
        return HalfYear(containing: lastPoint).paymentDue(quartersAfter: reporting.paymentDueQuartersAfterPeriod.value)
    }

    /// T 2.1: the commitment period runs "indtil forpligtelserne under Tilsagnet er afviklet" —
    /// read as until the last repayment falls due (SPEC §8). The governance duties (T 7.2–7.4,
    /// T 4.3) run to this day, not only through the intervention period.
    public var commitmentPeriod: DateRange {
        DateRange(start: interventionPeriod.value.start, end: lastPaymentDue)
    }
}

/// T 5.1, B5.1 1.1: who pays whom for one settled half-year. Each payer owes its amount and each
/// recipient is owed its share; a party that is both (LBF, which pays goal 4 and receives a
/// share in tranche 1) settles only the difference. Debtors pay in payer order (the
/// municipality first), creditors are paid in the tranche table's order (DSI first).
public enum PaymentInstructions {
    public static func compute(_ period: PeriodSettlement) -> [(from: PartyKey, to: PartyKey, amount: Money)] {
        var order: [PartyKey] = []
        var net: [PartyKey: Money] = [:]
        for payer in period.payers {
            if !order.contains(payer.party) { order.append(payer.party) }
            net[payer.party, default: .zero] -= payer.amount
        }
        for recipient in period.recipients {
            if !order.contains(recipient.party) { order.append(recipient.party) }
            net[recipient.party, default: .zero] += recipient.amount
        }
        var debtors = order.filter { (net[$0] ?? .zero).isNegative }.map { ($0, Money.zero - net[$0]!) }
        // Creditors are the recipients (tranche order); a payer is one too when a half-year
        // gives back (a negative correction, SPEC §10): the funders refund it.
        let creditorOrder = period.recipients.map(\.party) + order.filter { party in !period.recipients.contains { $0.party == party } }
        var creditors = creditorOrder.filter { !(net[$0] ?? .zero).isNegative && !(net[$0] ?? .zero).isZero }.map { ($0, net[$0]!) }
        var instructions: [(from: PartyKey, to: PartyKey, amount: Money)] = []
        var d = 0
        var c = 0
        while d < debtors.count && c < creditors.count {
            let amount = min(debtors[d].1, creditors[c].1)
            if !amount.isZero { instructions.append((debtors[d].0, creditors[c].0, amount)) }
            debtors[d].1 -= amount
            creditors[c].1 -= amount
            if debtors[d].1.isZero { d += 1 }
            if creditors[c].1.isZero { c += 1 }
        }
        return instructions
    }
}
