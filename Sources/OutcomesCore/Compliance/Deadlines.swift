/// A dated obligation: what, by when, under which clause, and whether it is met.
public struct Deadline: Sendable, Equatable {
    public enum Status: String, Sendable {
        case met, upcoming, overdue

        public var danishName: String {
            switch self {
            case .met: "overholdt"
            case .upcoming: "kommende"
            case .overdue: "overskredet"
            }
        }
    }

    public var rule: String
    public var what: String
    public var clause: Clause
    public var due: LocalDate
    public var status: Status
    public var figures: [ComplianceFinding.Figure]
    public var action: String

    public init(rule: String, what: String, clause: Clause, due: LocalDate, status: Status, figures: [ComplianceFinding.Figure] = [], action: String)
    {
        self.rule = rule
        self.what = what
        self.clause = clause
        self.due = due
        self.status = status
        self.figures = figures
        self.action = action
    }

    static func status(due: LocalDate, metOn: LocalDate?, asOf: LocalDate) -> Status {
        if let metOn, metOn <= due { return .met }
        return asOf > due ? .overdue : .upcoming
    }
}

/// A written notice under the agreement (T 6.1.2, 6.2.3) or a dispute (T 12.2), as received.
public struct Notice: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// T 6.1.2: DSI withholds payment and sets a reasonable remedy deadline.
        case withholding(remedyBy: LocalDate)
        /// T 6.2.3: DSI revokes the grant: payment within 45 calendar days, objection within 30.
        case revocation
        /// T 12.2: a dispute arose; 60 calendar days to find an amicable solution.
        case dispute
    }

    public var kind: Kind
    /// The day the notice actually arrived (or the dispute arose).
    public var received: LocalDate
    public var subject: String

    public init(kind: Kind, received: LocalDate, subject: String) {
        self.kind = kind
        self.received = received
        self.subject = subject
    }

    /// T 10.2: a notice received on a day that is not a business day counts as received on
    /// the next business day (a dispute's start is not a notice and is not moved).
    public var receivedForDeadlines: LocalDate {
        if case .dispute = kind { return received }
        return DanishCalendar.receivedOn(received)
    }

    /// The deadlines the notice sets, each from the day it counts as received.
    public func deadlines(_ commitment: Commitment, asOf: LocalDate) -> [Deadline] {
        let from = receivedForDeadlines
        let moved =
            from != received
            ? [ComplianceFinding.Figure("modtaget", received.danishString), .init("regnes modtaget (T 10.2)", from.danishString)]
            : [
                ComplianceFinding.Figure("modtaget", received.danishString)
            ]
        let terms = commitment.deadlines
        switch kind {
        case let .withholding(remedyBy):
            return [
                Deadline(
                    rule: "withholding-remedy",
                    what: "Afhjælp forholdet bag tilbageholdelsen (\(subject))",
                    clause: "T 6.1.2–6.1.3",
                    due: remedyBy,
                    status: asOf > remedyBy ? .overdue : .upcoming,
                    figures: moved,
                    action: "Afhjælp forholdet inden fristen; ellers kan \(commitment.grantFunderShortName) tilbagekalde tilsagnet (T 6.1.3, 6.2.1 (i))."
                )
            ]
        case .revocation:
            let objection = from.addingDays(terms.objectionDays.value)
            let payment = from.addingDays(terms.revocationPaymentDays.value)
            return [
                Deadline(
                    rule: "revocation-objection",
                    what: "Indsigelse mod tilbagekaldelsen (\(subject))",
                    clause: terms.objectionDays.clause,
                    due: objection,
                    status: asOf > objection ? .overdue : .upcoming,
                    figures: moved + [.init("kalenderdage", String(terms.objectionDays.value))],
                    action: "Send en begrundet indsigelse med dokumentation til \(commitment.grantFunderShortName) inden fristen."
                ),
                Deadline(
                    rule: "revocation-payment",
                    what: "Tilbagebetaling efter tilbagekaldelse (\(subject))",
                    clause: terms.revocationPaymentDays.clause,
                    due: payment,
                    status: asOf > payment ? .overdue : .upcoming,
                    figures: moved + [.init("kalenderdage", String(terms.revocationPaymentDays.value))],
                    action: "Betal det krævede beløb inden fristen; for sen betaling giver morarenter."
                ),
            ]
        case .dispute:
            let amicable = from.addingDays(terms.amicableResolutionDays.value)
            return [
                Deadline(
                    rule: "dispute-amicable",
                    what: "Mindelig løsning af tvisten (\(subject))",
                    clause: terms.amicableResolutionDays.clause,
                    due: amicable,
                    status: asOf > amicable ? .overdue : .upcoming,
                    figures: moved + [.init("kalenderdage", String(terms.amicableResolutionDays.value))],
                    action: "Søg en mindelig løsning; derefter kan hver part indbringe tvisten for Københavns Byret."
                )
            ]
        }
    }
}

/// Every deadline of the agreement on one list: the steering group's calendar (when there are
/// governance records to measure it against) and those the notices received set running.
///
/// The one place the two are merged: the API, the web pages, the report and the command line
/// all take their deadlines from here.
public enum AgreementDeadlines {
    /// T 7.2–7.4, T 4.3 from ``SteeringCalendar``; T 6.1–6.2, T 10.2, T 12.2 from each
    /// ``Notice``; by due date.
    public static func all(_ input: ComplianceInput, notices: [Notice], asOf: LocalDate) -> [Deadline] {
        let calendar = input.hasGovernanceRecords ? SteeringCalendar.deadlines(input, asOf: asOf) : []
        return (calendar + notices.flatMap { $0.deadlines(input.commitment, asOf: asOf) }).sorted { $0.due < $1.due }
    }
}

/// The steering group's calendar (T 7.2–7.4) and the repayment of unused grant (T 4.3).
public enum SteeringCalendar {
    /// Every deadline of the calendar over the whole commitment period (T 2.1: until the last
    /// repayment falls due, ``Commitment/commitmentPeriod``), with its status.
    ///
    /// - T 7.2: a report every half-year that starts in the commitment period; read as due by
    ///   the end of the following half-year.
    /// - T 7.3: quarterly meetings in the first intervention year (quarters counted from the
    ///   start), at least two a year after (years counted from the start, November–October);
    ///   the last year, cut at the period's end, needs its share of two, rounded up.
    /// - T 7.4: an annual meeting by the end of the second calendar quarter of each year after
    ///   the start's that falls due in the period, the accounts at least 10 calendar days before.
    /// - T 4.3: unused grant repaid one month after the annual meeting; met by the repayment,
    ///   or by the year's accounts when they leave nothing to repay.
    public static func deadlines(_ input: ComplianceInput, asOf: LocalDate) -> [Deadline] {
        let commitment = input.commitment
        let unusedGrant = UnusedGrant.compute(
            commitment, transfers: input.transfers, actuals: input.budgetActuals, meetings: input.meetings, decisions: input.grantDecisions, asOf: asOf
        )
        let period = commitment.commitmentPeriod
        let schedule = commitment.reporting
        var result: [Deadline] = []

        var half = HalfYear(containing: period.start)
        while half.start <= period.end {
            let next = HalfYear(containing: half.end.addingDays(1))
            let report = input.reports.first { $0.period == half }
            result.append(
                Deadline(
                    rule: "half-year-report",
                    what: "Halvårsrapport for \(half.half). halvår \(half.year)",
                    clause: schedule.reportsPerYear.clause,
                    due: next.end,
                    status: Deadline.status(due: next.end, metOn: report?.submittedOn, asOf: asOf),
                    figures: report.map { [.init("afleveret", $0.submittedOn.danishString)] } ?? [],
                    action: "Aflevér halvårsrapporten til styregruppen, og registrér den."
                )
            )
            half = next
        }

        var quarterStart = period.start
        for quarter in 1...4 {
            let end = quarterStart.addingMonths(3).addingDays(-1)
            let held = input.meetings.filter { quarterStart <= $0.heldOn && $0.heldOn <= end }
            result.append(
                Deadline(
                    rule: "meetings-first-year",
                    what: "Styregruppemøde i \(quarter). kvartal af første indsatsår",
                    clause: schedule.firstYearMeetingsPerQuarter.clause,
                    due: end,
                    status: held.count >= schedule.firstYearMeetingsPerQuarter.value ? .met : (asOf > end ? .overdue : .upcoming),
                    figures: [.init("afholdt", String(held.count))],
                    action: "Indkald styregruppen (Kommunen indkalder, T 7.3)."
                )
            )
            quarterStart = end.addingDays(1)
        }
        var yearStart = period.start.addingMonths(12)
        while yearStart <= period.end {
            let fullEnd = yearStart.addingMonths(12).addingDays(-1)
            let end = min(fullEnd, period.end)
            // A year cut short by the period's end needs its share of the meetings, rounded up.
            let months = fullEnd == end ? 12 : yearStart.wholeMonths(until: end.addingDays(1))
            let required = Int((Ratio(schedule.meetingsPerYear.value) * Ratio(months, 12)).ceiling)
            let held = input.meetings.filter { yearStart <= $0.heldOn && $0.heldOn <= end }
            result.append(
                Deadline(
                    rule: "meetings-per-year",
                    what: "Mindst \(required) styregruppemøder \(yearStart.danishString)–\(end.danishString)",
                    clause: schedule.meetingsPerYear.clause,
                    due: end,
                    status: held.count >= required ? .met : (asOf > end ? .overdue : .upcoming),
                    figures: [.init("afholdt", String(held.count))],
                    action: "Planlæg de resterende møder."
                )
            )
            yearStart = end.addingDays(1)
        }

        for year in stride(from: period.start.year + 1, through: period.end.year, by: 1) {
            let due = LocalDate(year: year, month: schedule.annualMeetingByQuarter.value * 3, day: 1)!.lastOfMonth
            guard due <= period.end else { break }
            let annual = input.meetings.first { $0.isAnnualMeeting && $0.heldOn.year == year && $0.heldOn <= due }
            result.append(
                Deadline(
                    rule: "annual-meeting",
                    what: "Årsmøde \(year) om økonomien i \(year - 1)",
                    clause: schedule.annualMeetingByQuarter.clause,
                    due: due,
                    status: Deadline.status(due: due, metOn: annual?.heldOn, asOf: asOf),
                    figures: annual.map { [.init("afholdt", $0.heldOn.danishString)] } ?? [],
                    action: "Hold årsmødet senest ved udgangen af \(schedule.annualMeetingByQuarter.value). kvartal."
                )
            )
            if let annual {
                let accountsDue = annual.heldOn.addingDays(-schedule.accountsDaysBeforeAnnualMeeting.value)
                result.append(
                    Deadline(
                        rule: "annual-accounts",
                        what: "Regnskab til \(commitment.grantFunderShortName) før årsmødet \(annual.heldOn.danishString)",
                        clause: schedule.accountsDaysBeforeAnnualMeeting.clause,
                        due: accountsDue,
                        status: Deadline.status(due: accountsDue, metOn: annual.accountsReceivedOn, asOf: asOf),
                        figures: annual.accountsReceivedOn.map { [.init("modtaget", $0.danishString)] } ?? [.init("modtaget", "ikke registreret")],
                        action: "Lever regnskabet mindst \(schedule.accountsDaysBeforeAnnualMeeting.value) kalenderdage før årsmødet."
                    )
                )
                // T 4.3 concerns the grant of a budget year (B4.1): a meeting about a later year
                // (2028's, about 2027) has no grant to repay.
                guard commitment.budget.years.contains(year - 1) else { continue }
                let repaymentDue = annual.heldOn.addingMonths(schedule.unusedGrantRepaymentMonths.value)
                let repaid = input.transfers.first { $0.kind == .unusedGrantRepayment && $0.paidOn >= annual.heldOn }
                // Nothing to repay for the year before, by its recorded accounts: met at the meeting.
                let nothingUnused = unusedGrant.years.first { $0.year == year - 1 }?.toRepay == .zero
                var figures: [ComplianceFinding.Figure] = repaid.map { [.init("betalt", "\($0.amount.danishShortString) \($0.paidOn.danishString)")] } ?? []
                if repaid == nil, nothingUnused { figures = [.init("ubrugt", "intet efter regnskabet for \(year - 1)")] }
                result.append(
                    Deadline(
                        rule: "unused-grant",
                        what: "Tilbagebetaling af ubrugt tilskud efter årsmødet \(annual.heldOn.danishString)",
                        clause: schedule.unusedGrantRepaymentMonths.clause,
                        due: repaymentDue,
                        status: Deadline.status(due: repaymentDue, metOn: repaid?.paidOn ?? (nothingUnused ? annual.heldOn : nil), asOf: asOf),
                        figures: figures,
                        action: "Tilbagebetal ubrugt tilskud krone for krone og registrér betalingen; er intet ubrugt, registrér årets regnskab, så viser det det."
                    )
                )
            }
        }
        return result
    }
}
