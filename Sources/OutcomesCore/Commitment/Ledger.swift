/// Money that moved between the parties (*udbetaling*, *tilbagebetaling*, T 3, 4.3, 5).
public struct MoneyTransfer: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A funder pays an installment of the grant (B3.2).
        case disbursement
        /// The municipality or LBF repays on the payment goals (T 5.1, B5.1).
        case repayment
        /// Unused grant repaid krone for krone after the annual meeting (T 4.3).
        case unusedGrantRepayment
        /// The grant paid back after DSI revoked the commitment (T 6.2.1, 6.2.3).
        case revocationRepayment
    }

    public var kind: Kind
    public var from: PartyKey
    public var to: PartyKey
    public var paidOn: LocalDate
    /// Positive, in kroner and øre.
    public var amount: Money
    /// The payment's reference, e.g. "Første rate" or "2025-H1".
    public var reference: String

    public init(kind: Kind, from: PartyKey, to: PartyKey, paidOn: LocalDate, amount: Money, reference: String) {
        self.kind = kind
        self.from = from
        self.to = to
        self.paidOn = paidOn
        self.amount = amount
        self.reference = reference
    }
}

/// What was actually spent on a budget line in a year (B4.1), against which T 6.1.1 (vi) and
/// T 4.3 are checked.
public struct BudgetActual: Sendable, Equatable {
    public var lineKey: String
    public var year: Int
    public var amount: Money
    public init(lineKey: String, year: Int, amount: Money) {
        self.lineKey = lineKey
        self.year = year
        self.amount = amount
    }
}

/// A steering-group meeting (*styregruppemøde*, T 7.3) or the annual meeting (*årsmøde*, T 7.4).
public struct Meeting: Sendable, Equatable {
    public var heldOn: LocalDate
    public var isAnnualMeeting: Bool
    /// T 7.4: the accounts reach DSI at least ten calendar days before the annual meeting.
    public var accountsReceivedOn: LocalDate?
    public var minutes: String
    public init(heldOn: LocalDate, isAnnualMeeting: Bool, accountsReceivedOn: LocalDate?, minutes: String) {
        self.heldOn = heldOn
        self.isAnnualMeeting = isAnnualMeeting
        self.accountsReceivedOn = accountsReceivedOn
        self.minutes = minutes
    }
}

/// A half-yearly report to the steering group (T 7.2).
public struct SteeringReport: Sendable, Equatable {
    public var period: HalfYear
    public var submittedOn: LocalDate
    public init(period: HalfYear, submittedOn: LocalDate) {
        self.period = period
        self.submittedOn = submittedOn
    }
}

/// A decision about the grant that the system computes only as a proposal until someone records
/// it (SPEC §7): DSI's reduction of the grant (T 4.2), or the steering group's accrual of unused
/// grant (T 4.3, *periodisering*).
public struct GrantDecision: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// T 4.2 (i): fewer households enrolled than the budget expects.
        case relativeReduction
        /// T 4.2 (ii): fewer costs than the budget expects.
        case absoluteReduction
        /// T 4.3: unused grant of the year kept for costs that fall in the next year.
        case accrual

        /// The clause the decision is taken under.
        public var clause: Clause {
            switch self {
            case .relativeReduction: "T 4.2 (i)"
            case .absoluteReduction: "T 4.2 (ii)"
            case .accrual: "T 4.3"
            }
        }

        public var danishName: String {
            switch self {
            case .relativeReduction: "relativ reduktion"
            case .absoluteReduction: "absolut reduktion"
            case .accrual: "periodisering af ubrugt tilskud"
            }
        }

        /// A reduction lowers the grant's next installments.
        public var isReduction: Bool { self != .accrual }
    }

    public var kind: Kind
    /// The budget year it concerns.
    public var year: Int
    /// Positive, in kroner and øre.
    public var amount: Money
    /// The day DSI (a reduction) or the steering group (an accrual) decided it.
    public var decidedOn: LocalDate
    public var note: String

    public init(kind: Kind, year: Int, amount: Money, decidedOn: LocalDate, note: String) {
        self.kind = kind
        self.year = year
        self.amount = amount
        self.decidedOn = decidedOn
        self.note = note
    }
}
