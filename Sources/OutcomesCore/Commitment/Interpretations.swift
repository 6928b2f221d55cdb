/// A named reading of a point the agreement leaves open (SPEC §9), with the clause it reads.
///
/// Every report that depends on an interpretation shows it (``Interpretations/summary``).
public struct Interpretation<Choice: Sendable & Equatable>: Sendable, Equatable {
    public var choice: Choice
    public var clause: Clause
    public init(_ choice: Choice, _ clause: Clause) {
        self.choice = choice
        self.clause = clause
    }
}

/// On which day a person's age is taken.
public enum AgeBasis: String, Sendable, CaseIterable {
    /// On the measurement's date (goal 1: "Borgere i alderen 18-66 år", at each point).
    case measurementDate
    /// On the day the course starts.
    case courseStart

    public var danishDescription: String {
        switch self {
        case .measurementDate: "alder på måledagen"
        case .courseStart: "alder ved indsatsstart"
        }
    }
}

/// The age basis per goal that measures persons.
public struct AgeBases: Sendable, Equatable {
    public var employment: AgeBasis
    public var socialMeasures: AgeBasis
    public var lifeSatisfaction: AgeBasis
    public init(employment: AgeBasis, socialMeasures: AgeBasis, lifeSatisfaction: AgeBasis) {
        self.employment = employment
        self.socialMeasures = socialMeasures
        self.lifeSatisfaction = lifeSatisfaction
    }
}

/// How the benefit type that sets goal 1's criterion is found (B5.1 2.1).
public enum PreviousBenefitTypeRule: String, Sendable, CaseIterable {
    /// The type at the previous point; where it is not recorded, the latest earlier recorded
    /// type; else `unknown` (SPEC §4).
    case latestEarlierRecorded
    /// The type at the previous point only; where it is not recorded, `unknown`.
    case previousPointOnly
}

/// The step of a person with several measures at once.
public enum SeveralMeasuresRule: String, Sendable, CaseIterable {
    /// The highest measure counts (SPEC §9).
    case highest
}

/// How goal 3's percentage differences are rounded (B5.1 2.6.2).
public enum AbsenceRounding: String, Sendable, CaseIterable {
    /// One decimal, half away from zero, as the worked example computes (−21,05 → −21,1).
    case oneDecimal
    /// No rounding: the exact difference.
    case exact
}

/// Which provided lines make the average that replaces missing data (B5.1 2.3).
public enum ImputationWindow: String, Sendable, CaseIterable {
    /// Lines of the same goal and point dated up to the end of the missing line's own
    /// period (and not after the as-of date).
    case periodEnd
    /// Lines dated up to the as-of date.
    case asOf
}

/// How repayments in tranche 1 are split between the funders (B5.1 1.1).
public enum TrancheShareRule: String, Sendable, CaseIterable {
    /// The shares as printed: 74 % / 26 %.
    case printed
    /// Exact shares of the grants: 3.912.500 : 1.362.500.
    case proRata
}

/// Which payments the return cap of T 5.2 limits.
public enum ReturnCapCoverage: String, Sendable, CaseIterable {
    /// "Kommunens samlede tilbagebetaling": the municipality's payments only (goals 1, 2, 3, 5).
    case municipalityOnly
    /// Every repayment, LBF's goal-4 payments included.
    case allPayers
}

/// Whether relative reduction (T 4.2, B4.2 3) is computed per budget year or in total.
public enum RelativeReductionBasis: String, Sendable, CaseIterable {
    case perYear
    case total
}

/// The interest that T 6.2.1's "inklusive renter" adds to the grant DSI claims back on revocation.
public enum RevocationInterestRule: String, Sendable, CaseIterable {
    /// The return cap's rate (T 5.2: 5,07 % p.a., 365-day year, interest added each 31 December)
    /// from each installment's payment date to the notice (SPEC §7).
    case returnCapRate
    /// No interest: the grant paid out only.
    case none
}

/// An interpretation as a report names it (SPEC §9): its key, clause and the reading, in Danish.
public struct InterpretationNote: Sendable, Equatable {
    public var key: String
    public var clause: Clause
    public var reading: String
    public init(key: String, clause: Clause, reading: String) {
        self.key = key
        self.clause = clause
        self.reading = reading
    }
}

extension [InterpretationNote] {
    /// "Fortolkninger (SPEC §9)" and a line per note, for the text outputs.
    public var danishText: String {
        isEmpty ? "" : "\nFortolkninger (SPEC §9)\n" + map { "  \($0.reading) [\($0.clause)]\n" }.joined()
    }

    /// As JSON-ready dictionaries: `key`, `clause`, `reading`.
    public var dictionaries: [[String: String]] { map { ["key": $0.key, "clause": $0.clause.reference, "reading": $0.reading] } }
}

/// The interpretations of SPEC §9, as named settings of the contract file.
public struct Interpretations: Sendable, Equatable {
    public var ageBasis: Interpretation<AgeBases>
    public var previousBenefitType: Interpretation<PreviousBenefitTypeRule>
    public var severalMeasures: Interpretation<SeveralMeasuresRule>
    public var absenceRounding: Interpretation<AbsenceRounding>
    public var imputationWindow: Interpretation<ImputationWindow>
    public var trancheShares: Interpretation<TrancheShareRule>
    public var returnCapCoverage: Interpretation<ReturnCapCoverage>
    public var relativeReduction: Interpretation<RelativeReductionBasis>
    /// The date to which the return-cap formula compounds the installments: the agreement
    /// gives no end of the commitment period (T 2.1), so the file names one.
    public var returnCapHorizon: Interpretation<LocalDate>
    /// T 6.1.1 (vi) "væsentligt afviger": the budget deviation that counts as substantial.
    public var budgetDeviationThreshold: Interpretation<Percent>
    /// T 6.2.1 (iii) "en væsentlig del af Indsatsen ikke realiseres i de første to (2) kvartaler":
    /// the share of T 6.1.1 (iv)'s first-half-year enrolment that counts as a substantial part.
    public var substantialRealisation: Interpretation<Percent>
    /// T 6.2.1 "inklusive renter": the interest on the grant claimed back on revocation.
    public var revocationInterest: Interpretation<RevocationInterestRule>
    /// Issue #19: how sure the forecast is of the agreement's expected success rates (B5.1
    /// 2.4.1, 2.5.1, 2.6.1, 2.7.1, 2.8.2), in observations' worth: each run draws each rate from
    /// a beta distribution around the expected figure with this strength (goal 3's improvement
    /// from a normal distribution, ``ForecastModel``). The agreement states no uncertainty; the
    /// file may name one; 40 when it does not.
    public var forecastPriorStrength: Interpretation<Int>

    public init(
        ageBasis: Interpretation<AgeBases>,
        previousBenefitType: Interpretation<PreviousBenefitTypeRule>,
        severalMeasures: Interpretation<SeveralMeasuresRule>,
        absenceRounding: Interpretation<AbsenceRounding>,
        imputationWindow: Interpretation<ImputationWindow>,
        trancheShares: Interpretation<TrancheShareRule>,
        returnCapCoverage: Interpretation<ReturnCapCoverage>,
        relativeReduction: Interpretation<RelativeReductionBasis>,
        returnCapHorizon: Interpretation<LocalDate>,
        budgetDeviationThreshold: Interpretation<Percent>,
        substantialRealisation: Interpretation<Percent> = Interpretation(Percent(50), "T 6.2.1 (iii)"),
        revocationInterest: Interpretation<RevocationInterestRule> = Interpretation(.returnCapRate, "T 6.2.1"),
        forecastPriorStrength: Interpretation<Int> = Interpretation(40, "B5.1 2.4.1")
    ) {
        self.forecastPriorStrength = forecastPriorStrength
        self.substantialRealisation = substantialRealisation
        self.revocationInterest = revocationInterest
        self.ageBasis = ageBasis
        self.previousBenefitType = previousBenefitType
        self.severalMeasures = severalMeasures
        self.absenceRounding = absenceRounding
        self.imputationWindow = imputationWindow
        self.trancheShares = trancheShares
        self.returnCapCoverage = returnCapCoverage
        self.relativeReduction = relativeReduction
        self.returnCapHorizon = returnCapHorizon
        self.budgetDeviationThreshold = budgetDeviationThreshold
    }

    /// SPEC §9: what each kind of output depends on, so that it names exactly those readings.
    public enum Use: Sendable, CaseIterable {
        /// The settlement (SPEC §6) and everything shown from it.
        case settlement
        /// Money in and out (SPEC §7): the settlement's readings and the finance ones.
        case finance
        /// The expected repayments: how they split and what the return cap covers.
        case forecast
        /// The compliance checks (SPEC §8).
        case compliance
        /// The half-year report: all of them.
        case report

        /// The interpretation keys, in the order of ``Interpretations/summary``.
        public var keys: Set<String> {
            let settlement: Set<String> = [
                "ageBasis", "previousBenefitType", "severalMeasures", "absenceRounding", "imputationWindow", "trancheShares", "returnCapCoverage",
            ]
            switch self {
            case .settlement: return settlement
            case .finance: return settlement.union(["relativeReduction", "returnCapHorizon", "revocationInterest"])
            case .forecast: return ["trancheShares", "returnCapCoverage", "forecastPriorStrength"]
            case .compliance: return ["budgetDeviationThreshold", "substantialRealisation"]
            case .report: return Set(Use.allCases.filter { $0 != .report }.flatMap(\.keys))
            }
        }
    }

    /// The interpretations `use` depends on, as ``InterpretationNote``s, worded for `c`.
    public func notes(for use: Use, in c: Commitment) -> [InterpretationNote] {
        summary(in: c).filter { use.keys.contains($0.key) }.map { InterpretationNote(key: $0.key, clause: $0.clause, reading: $0.reading) }
    }

    /// One line per interpretation: its key, clause and the reading chosen, in Danish, with
    /// the agreement's own goals, shares and rate (`c` is the agreement these belong to).
    public func summary(in c: Commitment) -> [(key: String, clause: Clause, reading: String)] {
        // Only the goals the agreement has.
        let ages = [
            (GoalKind.employment, "beskæftigelse", ageBasis.choice.employment), (.socialMeasures, "sociale foranstaltninger", ageBasis.choice.socialMeasures),
            (.lifeSatisfaction, "livstilfredshed", ageBasis.choice.lifeSatisfaction),
        ].filter { c.goal($0.0) != nil }.map { "\($0.1) \($0.2.danishDescription)" }
        let absenceExample: String = {
            guard case let .schoolAbsence(terms)? = c.goal(.schoolAbsence)?.terms else { return "" }
            return " (som \(terms.exampleClause))"
        }()
        let printedShares = c.tranches.shares.map(\.tranche1.danishString).joined(separator: " / ")
        let municipality = c.municipalityKey
        let municipalityGoals = c.paymentGoals.filter { $0.payer.value == municipality }.map(\.number).sorted()
        let otherGoals = c.paymentGoals.filter { $0.payer.value != municipality }.sorted { $0.number < $1.number }
            .map { "\(c.party($0.payer.value)?.name ?? $0.payer.value.rawValue)s mål \($0.number)" }
        let rate = c.returnCap
        return [
            ("ageBasis", ageBasis.clause, "Alder: " + ages.joined(separator: ", ")),
            (
                "previousBenefitType", previousBenefitType.clause,
                previousBenefitType.choice == .latestEarlierRecorded
                    ? "Forrige ydelsestype: typen ved forrige måling; mangler den, den seneste tidligere registrerede; ellers ukendt"
                    : "Forrige ydelsestype: kun typen ved forrige måling; mangler den, ukendt"
            ),
            ("severalMeasures", severalMeasures.clause, "Flere foranstaltninger: den højeste tæller"),
            (
                "absenceRounding", absenceRounding.clause,
                absenceRounding.choice == .oneDecimal
                    ? "Skolefravær: procentvis forskel afrundes til én decimal, halvt væk fra nul\(absenceExample)"
                    : "Skolefravær: procentvis forskel uden afrunding"
            ),
            (
                "imputationWindow", imputationWindow.clause,
                imputationWindow.choice == .periodEnd
                    ? "Manglende data: gennemsnit af leverede linjer dateret senest ved udgangen af linjens egen periode"
                    : "Manglende data: gennemsnit af leverede linjer dateret senest på opgørelsesdagen"
            ),
            (
                "trancheShares", trancheShares.clause,
                trancheShares.choice == .printed
                    ? "Tranche 1: andele som trykt (\(printedShares))"
                    : "Tranche 1: eksakte andele af tilskuddene"
            ),
            (
                "returnCapCoverage", returnCapCoverage.clause,
                returnCapCoverage.choice == .municipalityOnly
                    ? "Afkastloft: gælder Kommunens betalinger (mål \(danishList(municipalityGoals.map(String.init))))"
                    : "Afkastloft: gælder alle betalinger" + (otherGoals.isEmpty ? "" : ", \(danishList(otherGoals)) medregnet")
            ),
            (
                "relativeReduction", relativeReduction.clause,
                relativeReduction.choice == .perYear
                    ? "Relativ reduktion: opgøres pr. budgetår" : "Relativ reduktion: opgøres samlet"
            ),
            (
                "returnCapHorizon", returnCapHorizon.clause,
                "Afkastloftets formel: renters rente beregnes til \(returnCapHorizon.choice.danishLongString)"
            ),
            (
                "budgetDeviationThreshold", budgetDeviationThreshold.clause,
                "Væsentlig budgetafvigelse: mere end \(budgetDeviationThreshold.choice.danishString)"
            ),
            (
                "substantialRealisation", substantialRealisation.clause,
                "Væsentlig del realiseret i de første kvartaler: mindst \(substantialRealisation.choice.danishString) af kravet for det første halve år (T 6.1.1 (iv))"
            ),
            (
                "revocationInterest", revocationInterest.clause,
                revocationInterest.choice == .returnCapRate
                    ? "Renter ved tilbagekaldelse: afkastloftets \(rate.annualRate.value.danishString) p.a. (\(rate.dayCountBasis)-dages år, tilskrivning \(rate.postingDay).\(rate.postingMonth)) fra hver rates udbetaling til orienteringen"
                    : "Renter ved tilbagekaldelse: ingen; kun det udbetalte tilskud kræves"
            ),
            (
                "forecastPriorStrength", forecastPriorStrength.clause,
                "Prognosens usikkerhed: hver kørsel trækker hvert måls succesrate omkring den forventede, så sikkert som \(forecastPriorStrength.choice.danishString) observationer"
            ),
        ]
    }
}

extension Commitment {
    /// The interpretations in words, with this agreement's goals, shares and rate.
    public var interpretationSummary: [(key: String, clause: Clause, reading: String)] { interpretations.summary(in: self) }

    /// The interpretations `use` depends on.
    public func interpretationNotes(for use: Interpretations.Use) -> [InterpretationNote] { interpretations.notes(for: use, in: self) }
}
