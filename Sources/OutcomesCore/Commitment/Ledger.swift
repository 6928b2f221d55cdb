/// Money that moved between the parties (*udbetaling*, *tilbagebetaling*, T 3, 4.3, 5).
public struct MoneyTransfer: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A funder pays an installment of the grant (B3.2).
        case disbursement
        /// The municipality or LBF repays on the payment goals (T 5.1, B5.1).
        case repayment
        /// Unused grant repaid krone for krone after the annual meeting (T 4.3).
        case unusedGrantRepayment
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
