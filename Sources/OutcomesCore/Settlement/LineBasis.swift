/// Why a settlement line has its amount: the criterion, the values, the rule and its
/// clause, or the imputation source (SPEC §6 `basis`).
///
/// Kept as values and put into words only when shown (``text``), so a settlement of
/// millions of lines stays cheap to compute.
public enum LineBasis: Sendable, Hashable {
    case employment(EmploymentBasis)
    case socialMeasures(SocialMeasuresBasis)
    /// Boxed: large, and one line per cohort and point only.
    indirect case schoolAbsence(SchoolAbsenceBasis)
    case lifeSatisfaction(LifeSatisfactionBasis)
    case actionPlan(ActionPlanBasis)
    /// Boxed: large, and only for missing data.
    indirect case imputed(ImputationBasis)
    /// SPEC §10: a line as an approved settlement kept it — its basis in the words it was
    /// approved with, never recomputed.
    indirect case recorded(String)

    /// The basis in words a caseworker understands (Danish).
    public var text: String {
        switch self {
        case let .employment(b): b.text
        case let .socialMeasures(b): b.text
        case let .schoolAbsence(b): b.text
        case let .lifeSatisfaction(b): b.text
        case let .actionPlan(b): b.text
        case let .imputed(b): b.text
        case let .recorded(text): text
        }
    }
}

/// Goal 1 (B5.1 2.1, 2.4.1).
public struct EmploymentBasis: Sendable, Hashable {
    public var months: Int
    public var age: Int
    /// The benefit type that sets the criterion.
    public var criterionType: BenefitType
    /// Where it was recorded; `nil` when no earlier type was recorded (then `unknown`).
    public var criterionFrom: EmploymentPoint?
    /// The point immediately before this one.
    public var previousPoint: EmploymentPoint
    public var criterion: SuccessCriterion
    public var typeAtPoint: BenefitType?
    public var completedEducation6m: Bool
    public var declaredFit: DeclaredFit?
    public var isMet: Bool
    public var rate: Money

    var text: String {
        var s = ""
        s.reserveCapacity(320)
        s += "Beskæftigelse, måling \(months) mdr., alder \(age) år. "
        switch criterionFrom {
        case nil:
            s += "Ingen ydelsestype registreret før målingen, så typen regnes som ukendt"
        case let from? where from == previousPoint:
            s += "Ydelsestype \(from == .start ? "ved start" : "ved \(from.rawValue) mdr.") (forrige måling): \(criterionType.danishName)"
        case let from?:
            s +=
                "Ydelsestype ved \(previousPoint == .start ? "start" : "\(previousPoint.rawValue) mdr.") mangler; seneste registrerede (\(from == .start ? "ved start" : "ved \(from.rawValue) mdr.")): \(criterionType.danishName)"
        }
        s += " → succeskriterie \(criterion.danishName). "
        switch criterion {
        case .educationOrEmployment:
            s += "Ved målingen: \(typeAtPoint?.danishName ?? "ydelsestype ikke oplyst")"
            if completedEducation6m { s += ", har gennemført uddannelse inden for 6 måneder" }
        case .declaredFit:
            s += "Ved målingen: raskmelding \(declaredFit?.danishName ?? "ikke oplyst")"
        case .flexjob:
            s += "Ved målingen: \(typeAtPoint?.danishName ?? "ydelsestype ikke oplyst")"
        }
        s += isMet ? " → opfyldt: \(rate.danishShortString)" : " → ikke opfyldt: 0 kr."
        return s + " (B5.1 2.1, 2.4.1)."
    }
}

/// Goal 2 (B5.1 2.1, 2.5.1).
public struct SocialMeasuresBasis: Sendable, Hashable {
    public var baseline: MeasureLevel
    public var result: MeasureLevel
    public var baselineSteps: Int
    public var resultSteps: Int
    public var rate: Money

    var text: String {
        let steps = baselineSteps - resultSteps
        let outcome =
            steps > 0
            ? "\(steps) trin ned × \(rate.danishShortString) = \((rate * steps).danishShortString)"
            : "ingen bevægelse ned ad trappen: 0 kr."
        return
            "Sociale foranstaltninger: baseline \(baseline.danishName) (\(baselineSteps) trin), efter 24 mdr. \(result.danishName) (\(resultSteps) trin) → \(outcome) (B5.1 2.1, 2.5.1)."
    }
}

/// Goal 3 (B5.1 2.1, 2.6.2).
public struct SchoolAbsenceBasis: Sendable, Hashable {
    public var cohort: Int
    public var months: Int
    public var treatmentMean: Ratio?
    public var controlMean: Ratio?
    public var treatmentChildren: Int
    public var controlChildren: Int
    public var baselineDifference: Percent?
    public var difference: Percent?
    public var rate: Money
    /// Why no payment could be computed, when so.
    public var problem: String?

    var text: String {
        var s = "Skolefravær, kohorte \(cohort), måling \(months) mdr.: "
        if let problem { return s + problem + " → 0 kr. (B5.1 2.6.2)." }
        guard let t = treatmentMean, let c = controlMean, let b = baselineDifference, let d = difference else { return s }
        s +=
            "gennemsnitligt fravær indsatsgruppe \(t.danishString(scale: 2)) % (\(treatmentChildren) børn), kontrolgruppe \(c.danishString(scale: 2)) % (\(controlChildren) børn); "
        s += "procentvis forskel \(d.value.danishString(scale: 1)) % mod \(b.value.danishString(scale: 1)) % ved baseline"
        let fall = (b.value - d.value)
        s +=
            fall.isNegative || fall.isZero
            ? " → ingen reduktion: 0 kr."
            : " → reduktion \(fall.danishString(scale: 1)) procentpoint × \(rate.danishShortString) = \(SchoolAbsenceRule.payment(rate: rate, baseline: b, point: d).danishShortString)"
        return s + " (B5.1 2.1, 2.6.2)."
    }
}

/// Goal 4 (B5.1 2.1, 2.7).
public struct LifeSatisfactionBasis: Sendable, Hashable {
    public var baseline: Int
    public var end: Int
    public var rate: Money

    var text: String {
        "Livstilfredshed: baseline \(baseline), ved afslutning \(end) → "
            + (end > baseline ? "stigning: \(rate.danishShortString)" : "ingen stigning: 0 kr.") + " (B5.1 2.1, 2.7)."
    }
}

/// Goal 5 (B5.1 2.1, 2.8).
public struct ActionPlanBasis: Sendable, Hashable {
    public var fulfilled: Int
    public var goals: Int
    public var rate: Money
    public var amount: Money

    var text: String {
        let percent = Ratio(fulfilled * 100, goals)
        return
            "Handleplan: \(fulfilled) af \(goals) mål opfyldt = \(percent.danishString(scale: 2)) procentpoint × \(rate.danishShortString) = \(amount.danishShortString) (B5.1 2.1, 2.8)."
    }
}

/// Missing data replaced by the average of provided lines (B5.1 2.3).
public struct ImputationBasis: Sendable, Hashable {
    public var goalName: String
    public var point: LinePoint
    /// What was missing, in words.
    public var missing: String
    public var providedLines: Int
    /// Provided lines dated up to this day count.
    public var cutoff: LocalDate
    public var average: Money

    var text: String {
        let where_ = "\(goalName), måling \(point.danishDescription)"
        if providedLines == 0 {
            return "\(where_): \(missing). Ingen leverede data for samme mål og måling dateret til og med \(cutoff.danishString) → 0 kr. (B5.1 2.3)."
        }
        return
            "\(where_): \(missing) → erstattet med gennemsnittet af \(providedLines) leverede linjer for samme mål og måling dateret til og med \(cutoff.danishString): \(average.danishString) (B5.1 2.3)."
    }
}

extension BenefitType {
    /// A short Danish name, e.g. "kontanthjælp (jobparat)".
    public var danishName: String {
        switch self {
        case .employed: "i beskæftigelse"
        case .inEducation: "i uddannelse"
        case .earlyRetirement: "førtidspension"
        case .flexjob: "fleksjob"
        case .educationBenefitActivityReady: "uddannelseshjælp (aktivitetsparat)"
        case .educationBenefitJobReady: "uddannelseshjælp (jobparat)"
        case .sicknessBenefit: "sygedagpenge"
        case .cashBenefitActivityReady: "kontanthjælp (aktivitetsparat)"
        case .cashBenefitJobReady: "kontanthjælp (jobparat)"
        case .jobClarification: "jobafklaring"
        case .unemploymentInsurance: "A-dagpenge"
        case .resourceProgramme: "ressourceforløb"
        case .integrationBenefitActivityReady: "integrationsydelse (aktivitetsparat)"
        case .integrationBenefitJobReady: "integrationsydelse (jobparat)"
        case .rehabilitation: "revalidering"
        case .selfSupportReturnProgramme: "selvforsørgelses- og hjemrejseydelse i program"
        case .selfSupportingInProgramme: "selvforsørgende i program"
        case .noBenefit: "ingen ydelse"
        case .unknown: "ukendt"
        }
    }
}

extension MeasureLevel {
    public var danishName: String {
        switch self {
        case .none: "ingen foranstaltning"
        case .s82: "forebyggende § 82 a/b"
        case .s85: "bostøtte § 85"
        case .s103s104: "§ 103/104"
        }
    }
}

extension DeclaredFit {
    public var danishName: String {
        switch self {
        case .none: "ingen"
        case .partial: "delvis raskmeldt"
        case .full: "helt raskmeldt"
        }
    }
}
