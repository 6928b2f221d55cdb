/// The five kinds of payment goal (*betalingsmål*, B5.1 2.1) the engine knows how to settle.
public enum GoalKind: String, Sendable, CaseIterable {
    /// Goal 1, *beskæftigelse* (B5.1 2.4).
    case employment
    /// Goal 2, *sociale foranstaltninger* (B5.1 2.5).
    case socialMeasures
    /// Goal 3, *skolefravær* (B5.1 2.6).
    case schoolAbsence
    /// Goal 4, *livstilfredshed* (B5.1 2.7).
    case lifeSatisfaction
    /// Goal 5, *handleplaner* (B5.1 2.8).
    case actionPlans
}

/// When a measurement is taken, relative to a course.
public enum MeasurementPoint: Hashable, Sendable, CustomStringConvertible {
    /// At the start of the course (*punktmåling ved indsatsstart*, *baselinemåling*).
    case start
    /// A number of months after the start (*resultatmåling* at 12, 18, 24 months).
    case months(Int)
    /// When the course ends (*når indsatsen afsluttes*).
    case end

    public var description: String {
        switch self {
        case .start: "start"
        case let .months(n): String(n)
        case .end: "end"
        }
    }

    public var danishDescription: String {
        switch self {
        case .start: "ved indsatsstart"
        case let .months(n): "\(n) måneder efter start"
        case .end: "ved afslutning"
        }
    }
}

/// What a payment goal's rate is paid per.
public enum RateUnit: String, Sendable, CaseIterable {
    /// Goal 1: per person and measurement meeting the criterion.
    case perPersonPerPoint
    /// Goal 2: per step unit a person moves down the measures staircase.
    case perStepUnit
    /// Goal 3: per percentage point of reduction against the control group.
    case perPercentagePoint
    /// Goal 4: per person whose life satisfaction rises.
    case perPerson
    /// Goal 5: per percentage point of action-plan goals met, per household.
    case perPercentagePointPerHousehold

    public var danishDescription: String {
        switch self {
        case .perPersonPerPoint: "pr. borger pr. måling, som opfylder succeskriteriet"
        case .perStepUnit: "pr. trin-enhed, som en borger bevæger sig ned ad trappen"
        case .perPercentagePoint: "pr. procent reduktion i gennemsnitligt fravær sammenlignet med kontrolgruppen"
        case .perPerson: "pr. borger, hvor livstilfredsheden stiger"
        case .perPercentagePointPerHousehold: "pr. procentpoint handleplansmål, der er opfyldt, pr. husstand"
        }
    }
}

/// The subgroup (*delmålgruppe*) a goal measures.
public struct Subgroup: Sendable, Equatable {
    /// As printed: "Borgere i alderen 18-66 år".
    public var text: String
    /// Persons, households or children.
    public var unit: Unit
    public var minimumAge: Int?
    public var maximumAge: Int?
    public enum Unit: String, Sendable, CaseIterable { case person, household, child }
    public init(text: String, unit: Unit, minimumAge: Int?, maximumAge: Int?) {
        self.text = text
        self.unit = unit
        self.minimumAge = minimumAge
        self.maximumAge = maximumAge
    }
}

/// A payment goal (*betalingsmål*, B5.1 2.1): who is measured, when, and what a success pays.
public struct PaymentGoal: Sendable, Equatable {
    /// 1…5 as numbered in B5.1 2.1.
    public var number: Int
    public var kind: GoalKind
    /// The Danish name, "Beskæftigelse".
    public var name: String
    public var clause: Clause
    /// Primary (*primære mål*) or secondary.
    public var isPrimary: Bool
    public var subgroup: Stated<Subgroup>
    /// The price of one unit of success.
    public var rate: Stated<Money>
    public var unit: RateUnit
    /// The measurements that can pay (results), in order; a baseline is in ``GoalTerms``.
    public var points: Stated<[MeasurementPoint]>
    /// The months after start at which the goal is measured (B5.1 2.1): 12, 18, 24 for goal 1.
    public var resultMonths: [Int] { points.value.compactMap { if case let .months(m) = $0 { m } else { nil } } }
    /// Who pays: the municipality, or LBF for goal 4 (B5.1 2.7.2).
    public var payer: Stated<PartyKey>
    /// The most this goal can ever pay, cumulatively (B5.1 2.6.3, 2.7.2).
    public var cap: Stated<Money>?
    public var terms: GoalTerms

    public init(
        number: Int,
        kind: GoalKind,
        name: String,
        clause: Clause,
        isPrimary: Bool,
        subgroup: Stated<Subgroup>,
        rate: Stated<Money>,
        unit: RateUnit,
        points: Stated<[MeasurementPoint]>,
        payer: Stated<PartyKey>,
        cap: Stated<Money>?,
        terms: GoalTerms
    ) {
        self.number = number
        self.kind = kind
        self.name = name
        self.clause = clause
        self.isPrimary = isPrimary
        self.subgroup = subgroup
        self.rate = rate
        self.unit = unit
        self.points = points
        self.payer = payer
        self.cap = cap
        self.terms = terms
    }
}

/// The goal-specific terms: the expected baselines and success rates, and the worked examples.
public enum GoalTerms: Sendable, Equatable {
    case employment(EmploymentTerms)
    case socialMeasures(SocialMeasuresTerms)
    case schoolAbsence(SchoolAbsenceTerms)
    case lifeSatisfaction(LifeSatisfactionTerms)
    case actionPlans(ActionPlanTerms)

    public var kind: GoalKind {
        switch self {
        case .employment: .employment
        case .socialMeasures: .socialMeasures
        case .schoolAbsence: .schoolAbsence
        case .lifeSatisfaction: .lifeSatisfaction
        case .actionPlans: .actionPlans
        }
    }
}

/// A benefit type (*ydelsestype*, B5.1 2.4.1), the 19 rows of the table in order.
public enum BenefitType: String, Sendable, CaseIterable {
    case employed
    case inEducation = "in_education"
    case earlyRetirement = "early_retirement"
    case flexjob
    case educationBenefitActivityReady = "education_benefit_activity_ready"
    case educationBenefitJobReady = "education_benefit_job_ready"
    case sicknessBenefit = "sickness_benefit"
    case cashBenefitActivityReady = "cash_benefit_activity_ready"
    case cashBenefitJobReady = "cash_benefit_job_ready"
    case jobClarification = "job_clarification"
    case unemploymentInsurance = "unemployment_insurance"
    case resourceProgramme = "resource_programme"
    case integrationBenefitActivityReady = "integration_benefit_activity_ready"
    case integrationBenefitJobReady = "integration_benefit_job_ready"
    case rehabilitation
    case selfSupportReturnProgramme = "self_support_return_programme"
    case selfSupportingInProgramme = "self_supporting_in_programme"
    case noBenefit = "no_benefit"
    case unknown

    /// The type's position in the table of B5.1 2.4.1 (0…18).
    public var ordinal: Int { BenefitType.table.firstIndex(of: self)! }
    private static let table = allCases

    /// B5.1 2.4.1 / SPEC §4: the success criterion that applies to a person of this type.
    public var criterion: SuccessCriterion {
        switch self {
        case .sicknessBenefit, .jobClarification: .declaredFit
        case .flexjob: .flexjob
        default: .educationOrEmployment
        }
    }
}

/// A success criterion of goal 1 (*succeskriterie*, B5.1 2.1 and 2.4.1).
public enum SuccessCriterion: String, Sendable, CaseIterable {
    /// *Uddannelse/beskæftigelse*: in SU-eligible education, recently educated, or self-supporting.
    case educationOrEmployment
    /// *Raskmelding*: declared partly or fully fit.
    case declaredFit
    /// *Fastholder/får fleksjob*.
    case flexjob

    public var danishName: String {
        switch self {
        case .educationOrEmployment: "Uddannelse/beskæftigelse"
        case .declaredFit: "Raskmelding"
        case .flexjob: "Fastholder/får fleksjob"
        }
    }
}

/// Goal 1's table B5.1 2.4.1.
public struct EmploymentTerms: Sendable, Equatable {
    public var clause: Clause
    public var rows: [BenefitTypeRow]
    public var statedTotalCount: Int
    public var statedTotalShare: Percent
    public var statedTotalSuccessRate: Percent
    public init(
        clause: Clause,
        rows: [BenefitTypeRow],
        statedTotalCount: Int,
        statedTotalShare: Percent,
        statedTotalSuccessRate: Percent
    ) {
        self.clause = clause
        self.rows = rows
        self.statedTotalCount = statedTotalCount
        self.statedTotalShare = statedTotalShare
        self.statedTotalSuccessRate = statedTotalSuccessRate
    }
}

/// A row of B5.1 2.4.1: expected baseline count and share, criterion, expected success rate.
public struct BenefitTypeRow: Sendable, Equatable {
    public var type: BenefitType
    /// As printed: "Voksne på sygedagpenge".
    public var label: String
    public var expectedCount: Int
    public var expectedShare: Percent
    public var criterion: SuccessCriterion
    public var expectedSuccessRate: Percent
    public init(
        type: BenefitType,
        label: String,
        expectedCount: Int,
        expectedShare: Percent,
        criterion: SuccessCriterion,
        expectedSuccessRate: Percent
    ) {
        self.type = type
        self.label = label
        self.expectedCount = expectedCount
        self.expectedShare = expectedShare
        self.criterion = criterion
        self.expectedSuccessRate = expectedSuccessRate
    }
}

/// A rung of the measures staircase (*foranstaltningstrappe*, B5.1 2.5.1).
public enum MeasureLevel: String, Sendable, CaseIterable, Comparable {
    case none
    /// Forebyggende § 82 a og b.
    case s82
    /// Bostøtte § 85.
    case s85
    /// Beskyttet beskæftigelse og aktivitetstilbud § 103 og 104.
    case s103s104 = "s103_104"

    public static func < (lhs: MeasureLevel, rhs: MeasureLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Goal 2's table B5.1 2.5.1 and the worked example B5.1 2.5.3.
public struct SocialMeasuresTerms: Sendable, Equatable {
    public var clause: Clause
    public var rows: [MeasureRow]
    /// "Med en af nedenstående foranstaltninger under serviceloven": a subtotal of rows.
    public var subtotal: MeasureSubtotal
    public var statedTotalCount: Int
    public var statedTotalShare: Percent
    public var example: [MeasureExample]
    public var exampleClause: Clause
    public init(
        clause: Clause,
        rows: [MeasureRow],
        subtotal: MeasureSubtotal,
        statedTotalCount: Int,
        statedTotalShare: Percent,
        example: [MeasureExample],
        exampleClause: Clause
    ) {
        self.clause = clause
        self.rows = rows
        self.subtotal = subtotal
        self.statedTotalCount = statedTotalCount
        self.statedTotalShare = statedTotalShare
        self.example = example
        self.exampleClause = exampleClause
    }

    /// The step units of a level (B5.1 2.5.1: none 0, § 82 1, § 85 3, § 103/104 5).
    public func stepUnits(of level: MeasureLevel) -> Int? {
        rows.first { $0.level == level }?.stepUnits
    }
}

public struct MeasureRow: Sendable, Equatable {
    public var level: MeasureLevel
    public var label: String
    public var expectedCount: Int
    public var expectedShare: Percent
    /// Step units (*trin-enheder*).
    public var stepUnits: Int
    /// Expected probability of moving one step down; none for the bottom rung.
    public var expectedSuccessRate: Percent?
    public init(
        level: MeasureLevel,
        label: String,
        expectedCount: Int,
        expectedShare: Percent,
        stepUnits: Int,
        expectedSuccessRate: Percent?
    ) {
        self.level = level
        self.label = label
        self.expectedCount = expectedCount
        self.expectedShare = expectedShare
        self.stepUnits = stepUnits
        self.expectedSuccessRate = expectedSuccessRate
    }
}

public struct MeasureSubtotal: Sendable, Equatable {
    public var label: String
    public var levels: [MeasureLevel]
    public var statedCount: Int
    public var statedShare: Percent
    public init(label: String, levels: [MeasureLevel], statedCount: Int, statedShare: Percent) {
        self.label = label
        self.levels = levels
        self.statedCount = statedCount
        self.statedShare = statedShare
    }
}

/// A citizen of the worked example B5.1 2.5.3.
public struct MeasureExample: Sendable, Equatable {
    public var label: String
    public var baseline: MeasureLevel
    public var result: MeasureLevel
    public var statedPayment: Money
    public init(label: String, baseline: MeasureLevel, result: MeasureLevel, statedPayment: Money) {
        self.label = label
        self.baseline = baseline
        self.result = result
        self.statedPayment = statedPayment
    }
}

/// Goal 3's terms: cohorts, the expected absence table (B5.1 2.6.1), the worked example
/// (B5.1 2.6.2) and the cap's stated overperformance (B5.1 2.6.3).
public struct SchoolAbsenceTerms: Sendable, Equatable {
    /// Three cohorts in order of enrolment.
    public var cohorts: Stated<Int>
    /// At least 30 households in each cohort.
    public var minimumHouseholdsPerCohort: Stated<Int>
    /// Months over which absence is averaged ("de seneste seks måneder").
    public var averagingMonths: Stated<Int>
    public var expectedClause: Clause
    /// Baseline, 1st, 2nd and 3rd measurement.
    public var expected: [ExpectedAbsence]
    public var exampleClause: Clause
    public var example: [AbsenceExampleRow]
    /// "svarende til en overperformance på ca. 28%".
    public var capOverperformance: Stated<Percent>
    public init(
        cohorts: Stated<Int>,
        minimumHouseholdsPerCohort: Stated<Int>,
        averagingMonths: Stated<Int>,
        expectedClause: Clause,
        expected: [ExpectedAbsence],
        exampleClause: Clause,
        example: [AbsenceExampleRow],
        capOverperformance: Stated<Percent>
    ) {
        self.cohorts = cohorts
        self.minimumHouseholdsPerCohort = minimumHouseholdsPerCohort
        self.averagingMonths = averagingMonths
        self.expectedClause = expectedClause
        self.expected = expected
        self.exampleClause = exampleClause
        self.example = example
        self.capOverperformance = capOverperformance
    }
}

/// A column of B5.1 2.6.1.
public struct ExpectedAbsence: Sendable, Equatable {
    public var point: MeasurementPoint
    public var treatment: Percent
    public var control: Percent
    /// The printed success rate; none at baseline.
    public var successRate: Percent?
    public init(point: MeasurementPoint, treatment: Percent, control: Percent, successRate: Percent?) {
        self.point = point
        self.treatment = treatment
        self.control = control
        self.successRate = successRate
    }
}

/// A row of the worked example B5.1 2.6.2, with the figures as printed.
public struct AbsenceExampleRow: Sendable, Equatable {
    public var point: MeasurementPoint
    public var control: Percent
    public var treatment: Percent
    /// "Procentvis forskel".
    public var statedDifference: Percent
    /// "Procentvis forskel korrigeret for baseline forskel"; none at baseline.
    public var statedCorrected: Percent?
    /// "Resultatbetaling"; none at baseline.
    public var statedPayment: Money?
    public init(
        point: MeasurementPoint,
        control: Percent,
        treatment: Percent,
        statedDifference: Percent,
        statedCorrected: Percent?,
        statedPayment: Money?
    ) {
        self.point = point
        self.control = control
        self.treatment = treatment
        self.statedDifference = statedDifference
        self.statedCorrected = statedCorrected
        self.statedPayment = statedPayment
    }
}

/// Goal 4's terms (B5.1 2.7).
public struct LifeSatisfactionTerms: Sendable, Equatable {
    /// "Det forventes, at 40 pct. af målgruppen oplever en højere livskvalitet" (B5.1 2.7.1).
    public var expectedImprovedShare: Stated<Percent>
    /// "omkring 340 personer" (B5.1 2.1).
    public var expectedPopulation: Stated<Int>
    /// The answer scale, 0–10.
    public var scaleMinimum: Int
    public var scaleMaximum: Int
    public init(expectedImprovedShare: Stated<Percent>, expectedPopulation: Stated<Int>, scaleMinimum: Int, scaleMaximum: Int) {
        self.expectedImprovedShare = expectedImprovedShare
        self.expectedPopulation = expectedPopulation
        self.scaleMinimum = scaleMinimum
        self.scaleMaximum = scaleMaximum
    }
}

/// Goal 5's terms (B5.1 2.1, 2.8).
public struct ActionPlanTerms: Sendable, Equatable {
    /// "En helt opfyldt handleplan udløser dermed en betaling på DKK 12.500".
    public var statedFullPlanPayment: Stated<Money>
    /// B5.1 2.8.2: 60 % of the goals are expected to be met.
    public var expectedFulfilment: Stated<Percent>
    /// B5.1 2.8.1: goals may be adjusted within the first six months.
    public var adjustmentMonths: Stated<Int>
    public init(statedFullPlanPayment: Stated<Money>, expectedFulfilment: Stated<Percent>, adjustmentMonths: Stated<Int>) {
        self.statedFullPlanPayment = statedFullPlanPayment
        self.expectedFulfilment = expectedFulfilment
        self.adjustmentMonths = adjustmentMonths
    }
}
