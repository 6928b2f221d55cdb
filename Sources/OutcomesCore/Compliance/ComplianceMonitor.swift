/// What the compliance monitor looks at: the agreement, the register and what the store keeps.
public struct ComplianceInput: Sendable {
    public var commitment: Commitment
    public var households: [Household]
    /// The current data delivery, for the realised baselines (B5.1 2.4.2, 2.5.2).
    public var delivery: Delivery?
    public var decisions: [EnrolmentDecision]
    public var meetings: [Meeting]
    public var reports: [SteeringReport]
    public var budgetActuals: [BudgetActual]
    public var transfers: [MoneyTransfer]
    /// SPEC §10: the payment instructions of the approved half-years, matched against the
    /// ledger (``PaymentSchedule``); empty when none is approved.
    public var paymentInstructions: [PaymentInstruction] = []
    /// SPEC §7: the reductions DSI recorded (T 4.2) and the accruals of unused grant (T 4.3).
    public var grantDecisions: [GrantDecision] = []
    /// The notices received (T 6.1.2, 6.2.3, 12.2): withholding and revocation act on the
    /// installments.
    public var notices: [Notice] = []
    /// Renteloven § 5: the reference rates entered, for default interest.
    public var referenceRates: [ReferenceRate] = []
    /// False when only a data delivery is known (no meetings, reports, budget actuals or
    /// payments): the governance checks (T 7.2–7.4, T 4.3, T 6.1.1 (vi)) are then left out.
    public var hasGovernanceRecords: Bool

    public init(
        commitment: Commitment,
        households: [Household],
        delivery: Delivery? = nil,
        decisions: [EnrolmentDecision] = [],
        meetings: [Meeting] = [],
        reports: [SteeringReport] = [],
        budgetActuals: [BudgetActual] = [],
        transfers: [MoneyTransfer] = [],
        hasGovernanceRecords: Bool = true
    ) {
        self.hasGovernanceRecords = hasGovernanceRecords
        self.commitment = commitment
        self.households = households
        self.delivery = delivery
        self.decisions = decisions
        self.meetings = meetings
        self.reports = reports
        self.budgetActuals = budgetActuals
        self.transfers = transfers
    }
}

/// The compliance monitor: every rule under "Checks" in SPEC §8, as of a date.
public enum ComplianceMonitor {
    /// Every finding, the most serious first (then by clause).
    public static func check(_ input: ComplianceInput, asOf: LocalDate) -> [ComplianceFinding] {
        var findings: [ComplianceFinding] = []
        findings += enrolmentMilestones(input, asOf: asOf)
        findings += endedCourses(input, asOf: asOf)
        findings += realisation(input, asOf: asOf)
        findings += pace(input, asOf: asOf)
        findings += lateEnrolments(input, asOf: asOf)
        findings += cohorts(input, asOf: asOf)
        findings += replacements(input, asOf: asOf)
        findings += visitationOrder(input)
        findings += baselines(input)
        if input.hasGovernanceRecords {
            findings += budgetDeviation(input, asOf: asOf)
            findings += reporting(input, asOf: asOf)
        }
        findings += unpaidInstructions(input, asOf: asOf)
        return findings.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity > b.element.severity : a.offset < b.offset
        }.map(\.element)
    }

    static func enrolled(_ households: [Household], by day: LocalDate) -> Int {
        households.filter { $0.isEnrolled(on: day) }.count
    }

    /// T 6.1.1 (iv): at least 15 households within the first half year and 40 within the
    /// first year. The last day of "the first half year" is the day before the six-month
    /// anniversary of the intervention's start (2024-04-30 for Viborg).
    static func enrolmentMilestones(_ input: ComplianceInput, asOf: LocalDate) -> [ComplianceFinding] {
        let start = input.commitment.interventionPeriod.value.start
        return input.commitment.compliance.enrolmentMilestones.map { milestone in
            let deadline = start.addingMonths(milestone.withinMonths).addingDays(-1)
            let count = enrolled(input.households, by: min(deadline, asOf))
            let figures = [
                ComplianceFinding.Figure("visiteret", String(count)), .init("krav", "mindst \(milestone.households)"),
                .init("senest", deadline.danishString),
            ]
            if count >= milestone.households {
                return ComplianceFinding(
                    rule: "enrolment-milestone",
                    clause: milestone.clause,
                    severity: .info,
                    message: "\(count) husstande visiteret inden \(deadline.danishString); kravet på \(milestone.households) er opfyldt.",
                    figures: figures,
                    action: "Intet."
                )
            }
            if asOf > deadline {
                return ComplianceFinding(
                    rule: "enrolment-milestone",
                    clause: milestone.clause,
                    severity: .breach,
                    message: "Kun \(count) husstande blev visiteret inden \(deadline.danishString); kravet er \(milestone.households).",
                    figures: figures,
                    action: "\(input.commitment.grantFunderShortName) kan tilbageholde tilskud (T 6.1.1 (iv)); orientér styregruppen og aftal en plan for visitationen."
                )
            }
            return ComplianceFinding(
                rule: "enrolment-milestone",
                clause: milestone.clause,
                severity: .warning,
                message:
                    "\(count) af \(milestone.households) husstande visiteret; der er \(asOf.days(to: deadline)) dage til \(deadline.danishString).",
                figures: figures,
                action: "Visitér de næste husstande på listen, så kravet nås inden fristen."
            )
        }
    }

    /// T 6.1.1 (iii): more than 20 households ending their course "uanset årsag" let DSI
    /// withhold payments, and the parties renegotiate. SPEC §8 reads it as courses ended early:
    /// before the intervention period's end, for any reason but the regular completion when
    /// the household is stable (P 1.1.3, ``ComplianceThresholds/regularCompletion``).
    static func endedCourses(_ input: ComplianceInput, asOf: LocalDate) -> [ComplianceFinding] {
        let compliance = input.commitment.compliance
        let limit = compliance.endedCoursesLimit
        let interventionEnd = input.commitment.interventionPeriod.value.end
        let courses = input.households.map(\.course)
        let ended = courses.filter { $0.endedEarly(by: asOf, interventionEnd: interventionEnd, regular: compliance.regularCompletion.value) }.count
        let completed = courses.filter { $0.hasEnded(by: asOf) }.count - ended
        let figures = [
            ComplianceFinding.Figure("forløb ophørt før tid", String(ended)), .init("grænse", "højst \(limit.value)"),
            .init("afsluttet som planlagt (\(compliance.regularCompletion.clause))", String(completed)),
        ]
        if ended > limit.value {
            return [
                ComplianceFinding(
                    rule: "ended-courses",
                    clause: limit.clause,
                    severity: .breach,
                    message: "\(ended) husstande har bragt deres forløb til ophør før tid; aftalen tåler højst \(limit.value).",
                    figures: figures,
                    action: "Parterne skal genforhandle tilsagnet (T 6.1.1 (iii)); \(input.commitment.grantFunderShortName) kan tilbageholde tilskud."
                )
            ]
        }
        return [
            ComplianceFinding(
                rule: "ended-courses",
                clause: limit.clause,
                severity: ended == limit.value ? .warning : .info,
                message: "\(ended) forløb ophørt før tid af højst \(limit.value); \(completed) afsluttet som planlagt tæller ikke med.",
                figures: figures,
                action: ended == limit.value ? "Ét forløb mere, og tilsagnet skal genforhandles." : "Intet."
            )
        ]
    }

    /// T 6.2.1 (iii): DSI may revoke when "en væsentlig del af Indsatsen ikke realiseres i de
    /// første to (2) kvartaler". Read (``Interpretations/substantialRealisation``) as fewer
    /// households enrolled by the end of those quarters than the named share of T 6.1.1 (iv)'s
    /// requirement for the same months (Viborg: 50 % of 15, so 8 households by 30.04.2024).
    static func realisation(_ input: ComplianceInput, asOf: LocalDate) -> [ComplianceFinding] {
        let commitment = input.commitment
        let quarters = commitment.compliance.realisationQuarters
        let months = quarters.value * 3
        let share = commitment.interpretations.substantialRealisation
        guard let milestone = commitment.compliance.enrolmentMilestones.first(where: { $0.withinMonths == months }) else { return [] }
        let deadline = commitment.interventionPeriod.value.start.addingMonths(months).addingDays(-1)
        let required = Int((Ratio(milestone.households) * share.choice.fraction).ceiling)
        let count = enrolled(input.households, by: min(deadline, asOf))
        let figures = [
            ComplianceFinding.Figure("visiteret", String(count)), .init("væsentlig del", "mindst \(required) (\(share.choice.danishString) af \(milestone.households), \(share.clause))"),
            .init("senest", deadline.danishString),
        ]
        let severity: ComplianceFinding.Severity = count >= required ? .info : asOf > deadline ? .breach : .warning
        let message =
            switch severity {
            case .info: "\(count) husstande visiteret inden \(deadline.danishString): en væsentlig del af indsatsen er realiseret."
            case .breach: "Kun \(count) husstande visiteret i de første \(quarters.value) kvartaler; en væsentlig del er mindst \(required)."
            case .warning: "\(count) af mindst \(required) husstande visiteret; der er \(asOf.days(to: deadline)) dage til \(deadline.danishString)."
            }
        return [
            ComplianceFinding(
                rule: "substantial-realisation",
                clause: quarters.clause,
                severity: severity,
                message: message,
                figures: figures,
                action: severity == .breach
                    ? "\(input.commitment.grantFunderShortName) kan tilbagekalde tilsagnet (T 6.2.1 (iii)) med en orientering efter T 6.2.3; orientér styregruppen."
                    : severity == .warning ? "Visitér de næste husstande på listen inden fristen." : "Intet."
            )
        ]
    }

    /// P 3.2.2: 60 households a year, 180 in all, from the intervention's start.
    static func pace(_ input: ComplianceInput, asOf: LocalDate) -> [ComplianceFinding] {
        let period = input.commitment.interventionPeriod.value
        guard asOf >= period.start else { return [] }
        let pace = input.commitment.compliance.annualEnrolmentPace
        let total = input.commitment.expectedHouseholds.value
        let months = min(period.start.wholeMonths(until: min(asOf, period.end).addingDays(1)), 36)
        let expected = min(total, pace.value * months / 12)
        let count = enrolled(input.households, by: asOf)
        let behind = expected - count
        return [
            ComplianceFinding(
                rule: "enrolment-pace",
                clause: pace.clause,
                severity: behind > 0 ? .warning : .info,
                message: behind > 0
                    ? "Visitationen er \(behind) husstande bagud: \(count) mod \(expected) efter \(months) måneder med \(pace.value) om året."
                    : "\(count) husstande visiteret; tempoet (\(pace.value) om året) giver \(expected) efter \(months) måneder.",
                figures: [.init("visiteret", String(count)), .init("forventet efter tempoet", String(expected)), .init("måneder", String(months))],
                action: behind > 0 ? "Øg visitationen, eller drøft tempoet med styregruppen." : "Intet."
            )
        ]
    }

    /// SPEC §4 (P 3.2.4, P 1.1.3): a course counts once it has lasted three months within the
    /// intervention period, so one that starts in its last three months can never count.
    static func lateEnrolments(_ input: ComplianceInput, asOf: LocalDate) -> [ComplianceFinding] {
        let period = input.commitment.interventionPeriod.value
        let months = input.commitment.compliance.countingMonths
        let late = input.households.filter { household in
            guard household.isEnrolled(on: asOf), let start = household.start else { return false }
            return start.addingMonths(months.value) > period.end
        }
        guard !late.isEmpty else { return [] }
        let lastCounting = period.end.addingMonths(-months.value)
        return [
            ComplianceFinding(
                rule: "late-enrolment",
                clause: months.clause,
                severity: .warning,
                message:
                    "\(late.count) husstand(e) startede efter \(lastCounting.danishString) og kan ikke nå at tælle med (et forløb tæller efter \(months.value) måneder inden for indsatsperioden).",
                figures: [.init("antal", String(late.count)), .init("sidste tællende start", lastCounting.danishString)],
                action: "Forløbet kan fortsætte, men giver ingen betaling; overvej om pladsen bør bruges anderledes.",
                households: late.map(\.id).sorted()
            )
        ]
    }

    /// B5.1 2.1 (goal 3): three cohorts of at least 30 households each, by intervention year.
    static func cohorts(_ input: ComplianceInput, asOf: LocalDate) -> [ComplianceFinding] {
        guard case let .schoolAbsence(terms)? = input.commitment.goal(.schoolAbsence)?.terms else { return [] }
        let period = input.commitment.interventionPeriod.value
        let minimum = terms.minimumHouseholdsPerCohort
        var findings: [ComplianceFinding] = []
        for cohort in 1...terms.cohorts.value {
            let closes = period.start.addingMonths(12 * cohort).addingDays(-1)
            let count = input.households.filter { household in
                guard household.isEnrolled(on: asOf), let start = household.start else { return false }
                return (household.cohort ?? Cohorts.cohort(of: start, in: period)) == cohort
            }.count
            guard count < minimum.value else { continue }
            let closed = asOf > closes
            findings.append(
                ComplianceFinding(
                    rule: "cohort-size",
                    clause: minimum.clause,
                    severity: closed ? .warning : .info,
                    message: closed
                        ? "Kohorte \(cohort) fik kun \(count) husstande; mål \(input.commitment.goal(.schoolAbsence)?.number ?? 3) forudsætter mindst \(minimum.value)."
                        : "Kohorte \(cohort) har \(count) husstande indtil videre; den lukker \(closes.danishString) og skal have mindst \(minimum.value).",
                    figures: [
                        .init("husstande", String(count)), .init("mindst", String(minimum.value)), .init("kohorten lukker", closes.danishString),
                    ],
                    action: closed
                        ? "Drøft med evaluator og \(input.commitment.grantFunderShortName), hvordan mål \(input.commitment.goal(.schoolAbsence)?.number ?? 3) opgøres for kohorten."
                        : "Visitér nok husstande i kohorten."
                )
            )
        }
        return findings
    }

    /// P 3.2.3: open replacement obligations.
    static func replacements(_ input: ComplianceInput, asOf: LocalDate) -> [ComplianceFinding] {
        let open = Replacements.open(input.households, commitment: input.commitment, asOf: asOf)
        return open.map { obligation in
            ComplianceFinding(
                rule: "replacement",
                clause: input.commitment.compliance.replacementWindowMonths.clause,
                severity: .warning,
                message:
                    "Et forløb sluttede \(obligation.endedOn.danishString), inden for \(input.commitment.compliance.replacementWindowMonths.value) måneder efter start; der skal visiteres en ny husstand hurtigst muligt.",
                figures: [.init("afsluttet", obligation.endedOn.danishString)],
                action: "Visitér den næste husstand på listen; den lukker forpligtelsen.",
                households: [obligation.household]
            )
        }
    }

    /// P 3.2.2: the list is taken in order. A listed household without a decision, while one
    /// further down in the same area has one, was skipped.
    static func visitationOrder(_ input: ComplianceInput) -> [ComplianceFinding] {
        let decided = Set(input.decisions.map(\.household))
        var findings: [ComplianceFinding] = []
        // The contract's areas in its order, then any other a household names.
        let known = input.commitment.areas.map(\.area)
        for area in known + Set(input.households.map(\.area)).subtracting(known).sorted() {
            let listed = input.households.filter { $0.area == area && $0.listPosition != nil }.sorted { $0.listPosition! < $1.listPosition! }
            guard let lastDecided = listed.lastIndex(where: { decided.contains($0.id) }) else { continue }
            let skipped = listed[..<lastDecided].filter { !decided.contains($0.id) }
            guard !skipped.isEmpty else { continue }
            findings.append(
                ComplianceFinding(
                    rule: "visitation-order",
                    clause: "P 3.2.2",
                    severity: .warning,
                    message:
                        "\(skipped.count) husstand(e) i \(input.commitment.areaName(area)) er sprunget over på visitationslisten uden en journalført beslutning.",
                    figures: [.init("sprunget over", String(skipped.count))],
                    action: "Journalfør en beslutning med begrundelse for hver af dem (P 3.2.1).",
                    households: skipped.map(\.id)
                )
            )
        }
        return findings
    }
}
