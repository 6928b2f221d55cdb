/// A grant commitment (*tilsagn om betinget tilskud*, T): the agreement that the product
/// keeps and calculates, with every figure carrying its clause.
///
/// One file describes one agreement of the family (SPEC §3); Viborg's *Relationel Velfærd*
/// is built in. The type is pure data: loading it from a file happens in
/// `OutcomesContractFile`, checking it in ``ContractValidator``.
public struct Commitment: Sendable, Equatable {
    /// A stable identifier, e.g. `viborg-relationel-velfaerd`.
    public var id: String
    /// The file's own version, raised with every change to it.
    public var version: Int
    /// The intervention's name, e.g. "Relationel Velfærd".
    public var title: String
    /// What the file encodes, e.g. "Tilsagn om betinget tilskud … underskrevet 23. oktober 2023".
    public var source: String
    /// The day the agreement was signed (T 2.1: in force on signature).
    public var signedOn: Stated<LocalDate>
    public var parties: [Party]
    /// The annexes (*bilag*) with their numbers, for cross-references.
    public var annexes: [Annex]
    /// The intervention period (*indsatsperiode*, P 1.6.1).
    public var interventionPeriod: Stated<DateRange>
    /// The housing areas the intervention runs in, each with its area network and caseworkers
    /// (Viborg: Houlkær, Ellekonebakken, Karup Kølvrå; P 1.1.1). Deliveries, the register,
    /// roles and reports know only these.
    public var areas: [AreaDefinition] = []
    /// Households to be enrolled (P 1.6.1) and persons expected in them.
    public var expectedHouseholds: Stated<Int>
    public var expectedPersons: Stated<Int>
    /// How long a course is expected to last (P 1.1.3: "ca. 12 måneder"; it ends by the
    /// intervention period's end at the latest). Used by the forecast; `nil` when the file does
    /// not state it, and then courses are taken to run to the end of the intervention period.
    public var expectedCourseMonths: Stated<Int>? = nil
    /// The project's id in the INDIGO impact-bond database (INDIGO-POJ-0314 for Viborg), for
    /// the export; `nil` when the file does not name one.
    public var indigoProjectID: String? = nil
    /// The day this version of the contract file takes effect (*gælder fra*), when the file says;
    /// a later version (an amendment, T 6.2.2) names its own.
    public var effectiveFrom: LocalDate? = nil
    /// The decision behind this version (T 11.1: an amendment is agreed in writing), e.g. the
    /// steering group's renegotiated rate after a baseline deviation (B5.1 2.4.2); `nil` for a
    /// version that does not change the agreement.
    public var decision: String? = nil
    /// The conditional grants (*tilskud*) by funder (T 3.1, T 3.3).
    public var grants: [Grant]
    /// The conditions of T 3.3 on which the grant is paid.
    public var coFunding: [CoFundingCondition]
    public var disbursementPlan: DisbursementPlan
    public var budget: Budget
    public var paymentGoals: [PaymentGoal]
    public var tranches: TranchePlan
    public var returnCap: ReturnCap
    public var compliance: ComplianceThresholds
    public var reporting: ReportingSchedule
    public var deadlines: Deadlines
    public var interpretations: Interpretations
    /// Cross-references as the text states them, checked against where things are defined.
    public var crossReferences: [CrossReference]
    /// T 3.1: the funder whose grant is "Tilskuddet" — the grant that T 4.2 reduces and T 4.3
    /// has repaid when unused (DSI). The contract file's `grant`; else the first grant's funder.
    public var grantFunder: Stated<PartyKey>? = nil

    public init(
        id: String,
        version: Int,
        title: String,
        source: String,
        signedOn: Stated<LocalDate>,
        parties: [Party],
        annexes: [Annex],
        interventionPeriod: Stated<DateRange>,
        expectedHouseholds: Stated<Int>,
        expectedPersons: Stated<Int>,
        grants: [Grant],
        coFunding: [CoFundingCondition],
        disbursementPlan: DisbursementPlan,
        budget: Budget,
        paymentGoals: [PaymentGoal],
        tranches: TranchePlan,
        returnCap: ReturnCap,
        compliance: ComplianceThresholds,
        reporting: ReportingSchedule,
        deadlines: Deadlines,
        interpretations: Interpretations,
        crossReferences: [CrossReference]
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.source = source
        self.signedOn = signedOn
        self.parties = parties
        self.annexes = annexes
        self.interventionPeriod = interventionPeriod
        self.expectedHouseholds = expectedHouseholds
        self.expectedPersons = expectedPersons
        self.grants = grants
        self.coFunding = coFunding
        self.disbursementPlan = disbursementPlan
        self.budget = budget
        self.paymentGoals = paymentGoals
        self.tranches = tranches
        self.returnCap = returnCap
        self.compliance = compliance
        self.reporting = reporting
        self.deadlines = deadlines
        self.interpretations = interpretations
        self.crossReferences = crossReferences
    }

    public func party(_ key: PartyKey) -> Party? { parties.first { $0.key == key } }

    /// The agreement's area with this key, or nil when it has none such.
    public func area(_ key: String) -> Area? { areas.first { $0.area.rawValue == key }?.area }

    /// An area's name as the contract gives it (its key when the contract does not know it).
    public func areaName(_ area: Area) -> String { areas.first { $0.area == area }?.name ?? area.rawValue }

    /// The areas' keys, for error messages: "houlkaer, ellekonebakken, karup-kolvraa".
    public var areaKeys: String { areas.map(\.area.rawValue).joined(separator: ", ") }
    public func grant(of funder: PartyKey) -> Grant? { grants.first { $0.funder == funder } }
    public func goal(_ kind: GoalKind) -> PaymentGoal? { paymentGoals.first { $0.kind == kind } }
    public func goal(number: Int) -> PaymentGoal? { paymentGoals.first { $0.number == number } }
    /// The sum of all grants (T 3.1 + T 3.3 (1)).
    public var totalGrants: Money { Money.sum(grants.map(\.amount.value)) }
    /// The party that repays (the municipality).
    public var municipality: Party? { parties.first { $0.role == .municipality } }
    /// The municipality's key (`kommune` when the file names no party with that role).
    public var municipalityKey: PartyKey { municipality?.key ?? PartyKey("kommune") }

    /// T 3.1: whose grant "Tilskuddet" is (DSI): only it is reduced (T 4.2) and reclaimed when
    /// unused (T 4.3); LBF's grant is its own commitment (T 3.3 (1), SPEC §7).
    /// The grant funder as the texts call it ("DSI"): its key in capitals.
    public var grantFunderShortName: String { theGrantFunder.rawValue.uppercased() }

    public var theGrantFunder: PartyKey { grantFunder?.value ?? grants.first?.funder ?? PartyKey("dsi") }

    /// T 3.1: "Tilskuddet", DSI's 3.912.500 kr.
    public var theGrant: Money { grant(of: theGrantFunder)?.amount.value ?? .zero }

    /// The intervention lines of the budget (B4.1 "Indsats"): what the grants finance.
    public var interventionLines: [BudgetLine] { budget.lines.filter { $0.section == "intervention" } }

    /// SPEC §7: the grant's share of each intervention line — what B4.1's "Indsats i alt" says
    /// the grant finances (3.912.500 of 5.275.000), else the grant against the lines' total.
    public var grantShare: Ratio {
        let subtotal = budget.subtotals.first { $0.section == "intervention" }
        let total = subtotal?.statedTotal ?? Money.sum(interventionLines.map(\.statedTotal))
        let financed = subtotal?.financing[theGrantFunder] ?? theGrant
        guard !total.isZero else { return .zero }
        return financed.kroner / total.kroner
    }
}

/// A key that names a party within the file: `dsi`, `lbf`, `kommune`.
public struct PartyKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: PartyKey, rhs: PartyKey) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A party or other organisation named in the agreement.
public struct Party: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        /// Gives the conditional grant (DSI).
        case funder
        /// Co-funds the intervention and pays for a goal (Landsbyggefonden).
        case coFunder
        /// Runs the intervention and repays (the municipality, *Kommunen*).
        case municipality
        /// Donates to a funder for co-financing (Poul Due Jensens Fond, T 3.3 (3)).
        case donor
        /// Delivers part of the intervention (*leverandør*, P 1.9).
        case supplier
        /// Assesses the results (*evaluator*, T 5.5).
        case evaluator
        /// Provides housing (*boligselskab*).
        case housingAssociation
    }

    public var key: PartyKey
    public var name: String
    public var role: Role
    /// The Danish company number (*CVR-nr.*), eight digits, when the agreement states it.
    public var cvr: String?
    public var address: String?
    public var clause: Clause

    public init(key: PartyKey, name: String, role: Role, cvr: String?, address: String?, clause: Clause) {
        self.key = key
        self.name = name
        self.role = role
        self.cvr = cvr
        self.address = address
        self.clause = clause
    }
}

/// An annex (*bilag*) of the agreement.
public struct Annex: Sendable, Equatable {
    /// What the annex is, e.g. `projectDescription`.
    public var key: String
    /// Its number as signed, e.g. "1.4".
    public var number: String
    public var title: String
    public init(key: String, number: String, title: String) {
        self.key = key
        self.number = number
        self.title = title
    }
}

/// A conditional grant (*betinget tilskud*) from one funder.
public struct Grant: Sendable, Equatable {
    public var funder: PartyKey
    public var amount: Stated<Money>
    public init(funder: PartyKey, amount: Stated<Money>) {
        self.funder = funder
        self.amount = amount
    }
}

/// One co-funding condition of T 3.3 on which the grant is paid.
public struct CoFundingCondition: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A grant towards the intervention's costs (T 3.3 (1)).
        case grant
        /// A commitment to pay for results, up to an amount (T 3.3 (2)).
        case outcomePayments
        /// A donation to a funder for co-financing (T 3.3 (3)).
        case donation
    }
    public var party: PartyKey
    public var kind: Kind
    public var amount: Stated<Money>
    /// Who receives it, when not the municipality (the donation goes to DSI).
    public var recipient: PartyKey?
    public init(party: PartyKey, kind: Kind, amount: Stated<Money>, recipient: PartyKey?) {
        self.party = party
        self.kind = kind
        self.amount = amount
        self.recipient = recipient
    }
}

/// The disbursement plan (*udbetalingsplan*, B3.2).
public struct DisbursementPlan: Sendable, Equatable {
    public var clause: Clause
    public var installments: [Installment]
    /// The totals row of the table, by funder, as printed.
    public var statedTotals: [PartyKey: Money]
    /// B3.2 and its note: who receives each funder's installments (DSI's to the municipality's
    /// account, LBF's to Boligselskabet BoligViborg). A funder not named pays the municipality.
    public var recipients: Stated<[PartyKey: PartyKey]>?
    public init(clause: Clause, installments: [Installment], statedTotals: [PartyKey: Money], recipients: Stated<[PartyKey: PartyKey]>? = nil) {
        self.clause = clause
        self.installments = installments
        self.statedTotals = statedTotals
        self.recipients = recipients
    }
}

/// One installment (*rate*) of the disbursement plan.
public struct Installment: Sendable, Equatable {
    /// "Første rate".
    public var name: String
    /// The deadline for the disbursement: the last day of the month the table names.
    public var dueBy: LocalDate
    public var amounts: [PartyKey: Money]
    public init(name: String, dueBy: LocalDate, amounts: [PartyKey: Money]) {
        self.name = name
        self.dueBy = dueBy
        self.amounts = amounts
    }
}

/// The budget (*budget for indsatsen*, B4.1).
public struct Budget: Sendable, Equatable {
    public var clause: Clause
    /// The budget years, in order (2023…2026).
    public var years: [Int]
    public var lines: [BudgetLine]
    /// Subtotal rows ("Indsats i alt") over lines of one section.
    public var subtotals: [BudgetSubtotal]
    /// "Budget i alt": per year and in total, as printed.
    public var statedYearTotals: [Money]
    public var statedGrandTotal: Money
    /// "Forventet antal Husstande" per year and in total, as printed.
    public var expectedHouseholds: [Int]
    public var statedHouseholdTotal: Int

    public init(
        clause: Clause,
        years: [Int],
        lines: [BudgetLine],
        subtotals: [BudgetSubtotal],
        statedYearTotals: [Money],
        statedGrandTotal: Money,
        expectedHouseholds: [Int],
        statedHouseholdTotal: Int
    ) {
        self.clause = clause
        self.years = years
        self.lines = lines
        self.subtotals = subtotals
        self.statedYearTotals = statedYearTotals
        self.statedGrandTotal = statedGrandTotal
        self.expectedHouseholds = expectedHouseholds
        self.statedHouseholdTotal = statedHouseholdTotal
    }

    /// Expected households in a budget year (B4.1), or `nil` outside the budget.
    public func expectedHouseholds(in year: Int) -> Int? {
        years.firstIndex(of: year).map { expectedHouseholds[$0] }
    }
}

/// A budget line (*budgetpost*).
public struct BudgetLine: Sendable, Equatable {
    public var key: String
    public var name: String
    /// The section it belongs to, e.g. `intervention`, `evaluation`.
    public var section: String
    /// Amounts per budget year, or `nil` where the budget states only a total.
    public var perYear: [Money]?
    public var statedTotal: Money
    /// Who finances it, when the budget says.
    public var financedBy: [PartyKey]
    public init(key: String, name: String, section: String, perYear: [Money]?, statedTotal: Money, financedBy: [PartyKey]) {
        self.key = key
        self.name = name
        self.section = section
        self.perYear = perYear
        self.statedTotal = statedTotal
        self.financedBy = financedBy
    }
}

/// A subtotal row of the budget with its stated financing.
public struct BudgetSubtotal: Sendable, Equatable {
    public var name: String
    public var section: String
    public var statedTotal: Money
    /// "Finansieres af Landsbyggefonden med 1.362.500 og Tilskuddet med 3.912.500".
    public var financing: [PartyKey: Money]
    public init(name: String, section: String, statedTotal: Money, financing: [PartyKey: Money]) {
        self.name = name
        self.section = section
        self.statedTotal = statedTotal
        self.financing = financing
    }
}

/// The tranches (*trancher*) that split repayments between the funders (B5.1 1.1).
public struct TranchePlan: Sendable, Equatable {
    public var clause: Clause
    /// Tranche 1 ends when the municipality and LBF together have repaid this much.
    public var threshold: Stated<Money>
    public var shares: [TrancheShare]
    public init(clause: Clause, threshold: Stated<Money>, shares: [TrancheShare]) {
        self.clause = clause
        self.threshold = threshold
        self.shares = shares
    }
}

/// One funder's row of the tranche table.
public struct TrancheShare: Sendable, Equatable {
    public var funder: PartyKey
    /// The printed grant in the table ("Tilskud (DKK)").
    public var statedGrant: Money
    /// "Andel af samlet tilskud".
    public var shareOfGrants: Percent
    public var tranche1: Percent
    public var tranche2: Percent
    public init(funder: PartyKey, statedGrant: Money, shareOfGrants: Percent, tranche1: Percent, tranche2: Percent) {
        self.funder = funder
        self.statedGrant = statedGrant
        self.shareOfGrants = shareOfGrants
        self.tranche1 = tranche1
        self.tranche2 = tranche2
    }
}

/// The return cap (*afkastloft*, T 5.2, B4.2 4).
public struct ReturnCap: Sendable, Equatable {
    /// The stated cap; it binds (SPEC §7).
    public var amount: Stated<Money>
    /// 5,07 % p.a.
    public var annualRate: Stated<Percent>
    /// A 365-day year.
    public var dayCountBasis: Int
    /// Interest is added each year on this month and day (31 December).
    public var postingMonth: Int
    public var postingDay: Int
    /// Whose installments the formula compounds ("Tilskuddet" of T 3.1: DSI's).
    public var compoundedGrants: [PartyKey]
    /// B4.2 4 as printed: `(1 + rente)^år × Tilskud − Tilskud`, which is the interest alone,
    /// while T 5.2 speaks of the grant *with* the interest added.
    public var printedFormulaClause: Clause
    public var printedFormulaIsInterestOnly: Bool
    public init(
        amount: Stated<Money>,
        annualRate: Stated<Percent>,
        dayCountBasis: Int,
        postingMonth: Int,
        postingDay: Int,
        compoundedGrants: [PartyKey],
        printedFormulaClause: Clause,
        printedFormulaIsInterestOnly: Bool
    ) {
        self.amount = amount
        self.annualRate = annualRate
        self.dayCountBasis = dayCountBasis
        self.postingMonth = postingMonth
        self.postingDay = postingDay
        self.compoundedGrants = compoundedGrants
        self.printedFormulaClause = printedFormulaClause
        self.printedFormulaIsInterestOnly = printedFormulaIsInterestOnly
    }
}

/// The thresholds that entitle DSI to withhold or revoke (T 6), and the enrolment rules they watch.
public struct ComplianceThresholds: Sendable, Equatable {
    /// T 6.1.1 (iii): more than this many ended courses entitles withholding.
    public var endedCoursesLimit: Stated<Int>
    /// T 6.1.1 (iv): households enrolled within months of the intervention's start.
    public var enrolmentMilestones: [EnrolmentMilestone]
    /// B5.1 2.4.2, 2.5.2: a realised baseline more than this far from the expected.
    public var baselineDeviation: Stated<Percent>
    /// P 3.2.2: enrolment aims at this many households a year.
    public var annualEnrolmentPace: Stated<Int>
    /// P 3.2.4: a household counts in the results after this many months.
    public var countingMonths: Stated<Int>
    /// P 3.2.3: a course ended within this many months obliges a replacement.
    public var replacementWindowMonths: Stated<Int>
    /// T 6.2.1 (iii): a substantial part must be realised in the first quarters.
    public var realisationQuarters: Stated<Int>
    /// P 1.1.3: the end reasons that are a course's regular completion (the household's
    /// situation is stable), not an early ending under T 6.1.1 (iii). Viborg: `stable`.
    public var regularCompletion: Stated<[EndReason]>
    public init(
        endedCoursesLimit: Stated<Int>,
        enrolmentMilestones: [EnrolmentMilestone],
        baselineDeviation: Stated<Percent>,
        annualEnrolmentPace: Stated<Int>,
        countingMonths: Stated<Int>,
        replacementWindowMonths: Stated<Int>,
        realisationQuarters: Stated<Int>,
        regularCompletion: Stated<[EndReason]> = Stated([.stable], "P 1.1.3")
    ) {
        self.regularCompletion = regularCompletion
        self.endedCoursesLimit = endedCoursesLimit
        self.enrolmentMilestones = enrolmentMilestones
        self.baselineDeviation = baselineDeviation
        self.annualEnrolmentPace = annualEnrolmentPace
        self.countingMonths = countingMonths
        self.replacementWindowMonths = replacementWindowMonths
        self.realisationQuarters = realisationQuarters
    }
}

/// "15 households in the first half year" (T 6.1.1 (iv)).
public struct EnrolmentMilestone: Sendable, Equatable {
    public var withinMonths: Int
    public var households: Int
    public var clause: Clause
    public init(withinMonths: Int, households: Int, clause: Clause) {
        self.withinMonths = withinMonths
        self.households = households
        self.clause = clause
    }
}

/// Reporting and meeting cadence (T 7, T 4.3, B5.1 1.2).
public struct ReportingSchedule: Sendable, Equatable {
    /// T 7.2: reports to the steering group per year (half-yearly).
    public var reportsPerYear: Stated<Int>
    /// T 7.3: meetings per quarter in the first year of the intervention.
    public var firstYearMeetingsPerQuarter: Stated<Int>
    /// T 7.3: meetings per year after the first.
    public var meetingsPerYear: Stated<Int>
    /// T 7.4: the annual meeting (*årsmøde*) is held by the end of this quarter.
    public var annualMeetingByQuarter: Stated<Int>
    /// T 7.4: accounts reach DSI at least this many calendar days before the annual meeting.
    public var accountsDaysBeforeAnnualMeeting: Stated<Int>
    /// T 4.3: unused grant is repaid within this many months after the annual meeting.
    public var unusedGrantRepaymentMonths: Stated<Int>
    /// B5.1 1.2: settlement periods per year (half-yearly).
    public var settlementsPerYear: Stated<Int>
    /// P 4 note 1: payment falls due by the end of the quarter this many quarters after the period.
    public var paymentDueQuartersAfterPeriod: Stated<Int>
    public init(
        reportsPerYear: Stated<Int>,
        firstYearMeetingsPerQuarter: Stated<Int>,
        meetingsPerYear: Stated<Int>,
        annualMeetingByQuarter: Stated<Int>,
        accountsDaysBeforeAnnualMeeting: Stated<Int>,
        unusedGrantRepaymentMonths: Stated<Int>,
        settlementsPerYear: Stated<Int>,
        paymentDueQuartersAfterPeriod: Stated<Int>
    ) {
        self.reportsPerYear = reportsPerYear
        self.firstYearMeetingsPerQuarter = firstYearMeetingsPerQuarter
        self.meetingsPerYear = meetingsPerYear
        self.annualMeetingByQuarter = annualMeetingByQuarter
        self.accountsDaysBeforeAnnualMeeting = accountsDaysBeforeAnnualMeeting
        self.unusedGrantRepaymentMonths = unusedGrantRepaymentMonths
        self.settlementsPerYear = settlementsPerYear
        self.paymentDueQuartersAfterPeriod = paymentDueQuartersAfterPeriod
    }
}

/// Deadlines in calendar days (T 6.2.3, T 6.2.4, T 12.2) and the receipt rule of T 10.2.
public struct Deadlines: Sendable, Equatable {
    public var revocationPaymentDays: Stated<Int>
    public var objectionDays: Stated<Int>
    public var amicableResolutionDays: Stated<Int>
    /// T 10.2: a notice received on a non-business day counts from the next business day.
    public var nonBusinessDayReceiptMovesForward: Stated<Bool>
    public init(
        revocationPaymentDays: Stated<Int>,
        objectionDays: Stated<Int>,
        amicableResolutionDays: Stated<Int>,
        nonBusinessDayReceiptMovesForward: Stated<Bool>
    ) {
        self.revocationPaymentDays = revocationPaymentDays
        self.objectionDays = objectionDays
        self.amicableResolutionDays = amicableResolutionDays
        self.nonBusinessDayReceiptMovesForward = nonBusinessDayReceiptMovesForward
    }
}

/// A cross-reference as printed ("jf. afsnit 2.5.1"), checked against where its subject is
/// defined in the file.
public struct CrossReference: Sendable, Equatable {
    /// Where the reference is printed.
    public var at: Clause
    /// What it refers to, as printed.
    public var refersTo: Clause
    /// The subject, as a key the validator resolves: `returnCap`, `employmentBaseline`,
    /// `socialMeasuresBaseline`, `projectDescription`, `relativeReduction`.
    public var subject: String
    /// The words of the text around it.
    public var text: String
    public init(at: Clause, refersTo: Clause, subject: String, text: String) {
        self.at = at
        self.refersTo = refersTo
        self.subject = subject
        self.text = text
    }
}
