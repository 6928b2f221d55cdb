/// The Nationalbank's reference rate (*referencesatsen*, renteloven § 5 stk. 2) from a date: the
/// data the user enters, with the date each rate took effect.
public struct ReferenceRate: Sendable, Equatable {
    public var effectiveFrom: LocalDate
    /// The rate per year, e.g. 1,60 %.
    public var rate: Percent

    public init(effectiveFrom: LocalDate, rate: Percent) {
        self.effectiveFrom = effectiveFrom
        self.rate = rate
    }
}

/// Default interest (*morarenter*) on a late payment under the Danish Interest Act, which T 6.2.3
/// names ("Ved for sen betaling tillægges morarenter i overensstemmelse med rentelovens
/// bestemmelser herom").
///
/// Renteloven § 5: the reference rate in force on 1 January applies for the first half of the
/// year, the one in force on 1 July for the second, plus 8 percentage points; simple interest
/// per day (actual days over 365) on what is outstanding, from the day after the due date.
public enum DefaultInterest {
    /// A stretch of days at one rate on one outstanding amount.
    public struct Segment: Sendable, Equatable {
        public var from: LocalDate
        /// The last day of the stretch, included.
        public var through: LocalDate
        public var outstanding: Money
        /// Reference rate + 8 percentage points.
        public var rate: Percent
        public var days: Int { from.days(to: through) + 1 }
        /// Unrounded interest of the stretch.
        public var interest: Ratio { outstanding.kroner * rate.fraction * days / 365 }
    }

    public struct Result: Sendable, Equatable {
        public var segments: [Segment]
        /// The sum of the segments, rounded to the øre once.
        public var total: Money
        /// Half-years for which no reference rate was entered: their days bear no interest here.
        public var missingRates: [HalfYear]
    }

    /// Renteloven § 5 stk. 1: 8 percentage points over the reference rate.
    public static let surcharge = Percent(8)

    /// Interest on `amount` due on `due`, reduced by `payments` as they are made, up to and
    /// including `asOf`.
    public static func compute(
        amount: Money,
        due: LocalDate,
        payments: [(date: LocalDate, amount: Money)],
        rates: [ReferenceRate],
        asOf: LocalDate
    ) -> Result {
        var outstanding = amount - Money.sum(payments.filter { $0.date <= due }.map(\.amount))
        var day = due.addingDays(1)
        var segments: [Segment] = []
        var missing: [HalfYear] = []
        let later = payments.filter { $0.date > due }.sorted { $0.date < $1.date }
        var next = later[...]
        while day <= asOf, outstanding > .zero {
            let half = HalfYear(containing: day)
            // The stretch ends at the half-year's end, the day before a payment, or the as-of date.
            var end = min(half.end, asOf)
            if let payment = next.first, payment.date <= end { end = payment.date.addingDays(-1) }
            if end >= day {
                if let reference = rates.filter({ $0.effectiveFrom <= half.start }).max(by: { $0.effectiveFrom < $1.effectiveFrom }) {
                    segments.append(Segment(from: day, through: end, outstanding: outstanding, rate: Percent(reference.rate.value + surcharge.value)))
                } else if !missing.contains(half) {
                    missing.append(half)
                }
            }
            day = end.addingDays(1)
            while let payment = next.first, payment.date <= day.addingDays(-1) || payment.date == day {
                outstanding -= payment.amount
                next = next.dropFirst()
            }
        }
        return Result(segments: segments, total: Money.rounded(segments.reduce(Ratio.zero) { $0 + $1.interest }), missingRates: missing)
    }
}

/// T 6.2.1, 6.2.3: on revocation DSI stops the unpaid installments and claims "allerede udbetalte
/// Tilskud, inklusive renter" — the notice states the claim and a 45-calendar-day deadline;
/// late payment bears default interest (``DefaultInterest``).
public struct RevocationClaim: Sendable, Equatable {
    /// One installment of the grant paid out, with its interest to the notice.
    public struct Installment: Sendable, Equatable {
        public var paidOn: LocalDate
        public var amount: Money
        /// Interest to the notice by the contract file's reading (``Interpretations/revocationInterest``).
        public var interest: Money
    }

    /// The day the notice counts as received (T 10.2).
    public var noticeOn: LocalDate
    public var subject: String
    public var installments: [Installment]
    /// Unused grant already repaid to DSI (T 4.3): grant given back, deducted from the claim.
    public var unusedGrantRepaid: Money
    public var interpretation: Interpretation<RevocationInterestRule>
    /// T 6.2.3 (iii): 45 calendar days from the notice.
    public var paymentDue: LocalDate
    /// What the municipality has paid on the claim by the as-of date.
    public var paid: Money
    /// Default interest on the unpaid claim after the deadline, to the as-of date.
    public var defaultInterest: DefaultInterest.Result

    public var principal: Money { Money.sum(installments.map(\.amount)) - unusedGrantRepaid }
    public var interest: Money { Money.sum(installments.map(\.interest)) }
    /// The claim as the notice states it (T 6.2.3 (ii)).
    public var claim: Money { principal + interest }
    /// Still owed: the claim less what was paid, plus default interest.
    public var outstanding: Money { max(.zero, claim - paid) + defaultInterest.total }

    /// The claim of the first revocation notice received by `asOf`, or `nil` when there is none.
    public static func compute(
        _ commitment: Commitment,
        transfers: [MoneyTransfer],
        notices: [Notice],
        rates: [ReferenceRate],
        asOf: LocalDate
    ) -> RevocationClaim? {
        guard
            let notice = notices.filter({ notice in
                if case .revocation = notice.kind { return notice.received <= asOf }
                return false
            }).min(by: { $0.received < $1.received })
        else { return nil }
        let funder = commitment.theGrantFunder
        let noticeOn = notice.receivedForDeadlines
        let rule = commitment.interpretations.revocationInterest
        let cap = commitment.returnCap
        let paidOut = transfers.filter { $0.kind == .disbursement && $0.from == funder && $0.paidOn <= noticeOn }.sorted { $0.paidOn < $1.paidOn }
        let installments = paidOut.map { transfer in
            let interest: Money
            switch rule.choice {
            case .none: interest = .zero
            case .returnCapRate:
                // The return cap's convention (T 5.2) from the payment to the notice.
                interest =
                    ReturnCapFormula.compoundedValue(
                        installments: [(transfer.paidOn, transfer.amount)],
                        annualRate: cap.annualRate.value,
                        dayCountBasis: cap.dayCountBasis,
                        postingMonth: cap.postingMonth,
                        postingDay: cap.postingDay,
                        horizon: noticeOn
                    ) - transfer.amount
            }
            return Installment(paidOn: transfer.paidOn, amount: transfer.amount, interest: interest)
        }
        let unusedRepaid = Money.sum(
            transfers.filter { $0.kind == .unusedGrantRepayment && $0.to == funder && $0.paidOn <= noticeOn }.map(\.amount)
        )
        let paymentDue = noticeOn.addingDays(commitment.deadlines.revocationPaymentDays.value)
        let payments = transfers.filter { $0.kind == .revocationRepayment && $0.to == funder && $0.paidOn <= asOf }
            .map { (date: $0.paidOn, amount: $0.amount) }
        var claim = RevocationClaim(
            noticeOn: noticeOn,
            subject: notice.subject,
            installments: installments,
            unusedGrantRepaid: unusedRepaid,
            interpretation: rule,
            paymentDue: paymentDue,
            paid: Money.sum(payments.map(\.amount)),
            defaultInterest: DefaultInterest.Result(segments: [], total: .zero, missingRates: [])
        )
        claim.defaultInterest = DefaultInterest.compute(amount: claim.claim, due: paymentDue, payments: payments, rates: rates, asOf: asOf)
        return claim
    }
}
