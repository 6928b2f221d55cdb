/// Checks an agreement's internal consistency (SPEC §3) and reports every discrepancy.
///
/// Installments against totals, budget lines against year and grand totals, table subtotals
/// against their rows, shares against 100 % and against their counts, the tranche threshold
/// against the grants, the worked examples against the payment rules, dates in order, the
/// stated return cap against its formula, and cross-references against where their subject
/// is defined. It never repairs the agreement.
///
/// ```swift
/// let findings = ContractValidator.validate(commitment)
/// findings.filter { $0.severity == .error }
/// ```
public enum ContractValidator {
    public static func validate(_ commitment: Commitment) -> [Finding] {
        var report = Report(commitment: commitment)
        report.checkParties()
        report.checkDates()
        report.checkGrantsAndCoFunding()
        report.checkDisbursementPlan()
        report.checkBudget()
        report.checkGoals()
        report.checkTranches()
        report.checkReturnCap()
        report.checkCompliance()
        report.checkCrossReferences()
        return report.findings
    }

    /// The modulus-11 check of a Danish CVR number (weights 2, 7, 6, 5, 4, 3, 2, 1).
    public static func isValidCVR(_ cvr: String) -> Bool {
        let digits = cvr.compactMap(\.wholeNumberValue)
        guard digits.count == 8, cvr.count == 8 else { return false }
        let weights = [2, 7, 6, 5, 4, 3, 2, 1]
        return zip(digits, weights).map(*).reduce(0, +) % 11 == 0
    }
}

/// Collects findings while the checks run.
private struct Report {
    let commitment: Commitment
    var findings: [Finding] = []

    mutating func add(_ clause: Clause, _ severity: Finding.Severity, _ message: String, stated: String? = nil, computed: String? = nil) {
        findings.append(Finding(clause: clause, severity: severity, message: message, stated: stated, computed: computed))
    }

    /// Adds a finding when a stated amount differs from the computed one.
    mutating func compare(
        _ clause: Clause,
        _ severity: Finding.Severity = .error,
        stated: Money,
        computed: Money,
        _ message: (_ stated: String, _ computed: String, _ difference: String) -> String
    ) {
        guard stated != computed else { return }
        add(
            clause,
            severity,
            message(stated.danishShortString, computed.danishShortString, (stated - computed).danishShortString),
            stated: stated.machineString,
            computed: computed.machineString
        )
    }

    mutating func compare(
        _ clause: Clause,
        _ severity: Finding.Severity = .error,
        stated: Int,
        computed: Int,
        _ message: (_ stated: Int, _ computed: Int) -> String
    ) {
        guard stated != computed else { return }
        add(clause, severity, message(stated, computed), stated: String(stated), computed: String(computed))
    }

    /// Adds a finding when a printed percentage is not the computed one rounded to the
    /// printed precision (a printed `74` is right for 74,17 %).
    mutating func comparePercent(
        _ clause: Clause,
        _ severity: Finding.Severity,
        stated: Percent,
        computed: Ratio,
        _ what: String
    ) {
        let scale = Report.scale(of: stated.value)
        guard Ratio(computed.rounded(toScale: scale), Report.power(scale)) != stated.value else { return }
        add(
            clause,
            severity,
            "\(what) er angivet til \(stated.danishString), men beregnes til \(computed.danishString(scale: max(2, scale))) %",
            stated: stated.value.compactString(),
            computed: computed.decimalString(scale: max(2, scale))
        )
    }

    static func power(_ scale: Int) -> Int128 { (0..<scale).reduce(Int128(1)) { r, _ in r * 10 } }

    /// The decimals needed to write a value exactly (at most 6).
    static func scale(of value: Ratio) -> Int {
        for scale in 0...6 where Ratio(value.rounded(toScale: scale), power(scale)) == value { return scale }
        return 6
    }

    func partyName(_ key: PartyKey) -> String { commitment.party(key)?.name ?? key.rawValue }
    func shortName(_ key: PartyKey) -> String { key.rawValue.uppercased() == key.rawValue ? key.rawValue : key.rawValue.uppercased() }

    // MARK: Parties

    mutating func checkParties() {
        for party in commitment.parties {
            if let cvr = party.cvr, !ContractValidator.isValidCVR(cvr) {
                add(party.clause, .warning, "CVR-nr. \(cvr) for \(party.name) består ikke modulus 11-kontrollen")
            }
            if party.cvr == nil, [.funder, .coFunder, .municipality].contains(party.role) {
                add(party.clause, .info, "Aftalen angiver ikke CVR-nr. for \(party.name)")
            }
        }
        let municipalities = commitment.parties.filter { $0.role == .municipality }
        if municipalities.count != 1 {
            add(
                "T",
                .error,
                "Aftalen skal have præcis én kommune som part, men har \(municipalities.count)",
                stated: String(municipalities.count),
                computed: "1"
            )
        }
    }

    // MARK: Dates

    mutating func checkDates() {
        let period = commitment.interventionPeriod
        if commitment.signedOn.value > period.value.start {
            add(
                commitment.signedOn.clause,
                .warning,
                "Tilsagnet er underskrevet \(commitment.signedOn.value.danishString), efter indsatsperiodens start \(period.value.start.danishString)",
                stated: commitment.signedOn.value.isoString,
                computed: period.value.start.isoString
            )
        }
        let pace = commitment.compliance.annualEnrolmentPace
        let months = period.value.months
        let paced = Ratio(pace.value * months, 12)
        if paced.isInteger, Int(paced.numerator) != commitment.expectedHouseholds.value {
            add(
                pace.clause,
                .warning,
                "\(pace.value) husstande årligt i \(months) måneder giver \(paced.numerator) husstande, men der forventes \(commitment.expectedHouseholds.value) (\(commitment.expectedHouseholds.clause))",
                stated: String(commitment.expectedHouseholds.value),
                computed: String(paced.numerator)
            )
        }
    }

    // MARK: Grants and co-funding (T 3.1, T 3.3)

    mutating func checkGrantsAndCoFunding() {
        for grant in commitment.grants {
            guard let party = commitment.party(grant.funder) else { continue }
            if ![.funder, .coFunder].contains(party.role) {
                add(grant.amount.clause, .error, "\(party.name) yder et tilskud, men er ikke tilskudsgiver i aftalen")
            }
        }
        for condition in commitment.coFunding {
            let name = partyName(condition.party)
            switch condition.kind {
            case .grant:
                let granted = commitment.grant(of: condition.party)?.amount.value ?? .zero
                compare(condition.amount.clause, stated: condition.amount.value, computed: granted) { s, c, _ in
                    "Betingelsen om tilskud fra \(name) (\(s)) svarer ikke til tilskuddet i aftalen (\(c))"
                }
            case .outcomePayments:
                let caps = commitment.paymentGoals.filter { $0.payer.value == condition.party }
                if caps.isEmpty {
                    add(
                        condition.amount.clause,
                        .error,
                        "\(name) forpligter sig til resultatbetaling, men betaler intet betalingsmål"
                    )
                }
                for goal in caps {
                    guard let cap = goal.cap else {
                        add(
                            goal.payer.clause,
                            .warning,
                            "Mål \(goal.number) betales af \(name) uden loft, men \(condition.amount.clause) begrænser betalingen til \(condition.amount.value.danishShortString)",
                            stated: condition.amount.value.machineString
                        )
                        continue
                    }
                    compare(cap.clause, stated: cap.value, computed: condition.amount.value) { s, c, _ in
                        "Loftet for mål \(goal.number) (\(s)) svarer ikke til \(name)s resultatbetaling på op til \(c) (\(condition.amount.clause))"
                    }
                }
            case .donation:
                break
            }
        }
        for goal in commitment.paymentGoals where goal.payer.value != commitment.municipality?.key {
            let payer = goal.payer.value
            let committed = commitment.coFunding.contains { $0.party == payer && $0.kind == .outcomePayments }
            if !committed {
                add(
                    goal.payer.clause,
                    .error,
                    "Mål \(goal.number) betales af \(partyName(payer)), som ikke har forpligtet sig til resultatbetaling (T 3.3)"
                )
            }
        }
    }

    // MARK: Disbursement plan (B3.2)

    mutating func checkDisbursementPlan() {
        let plan = commitment.disbursementPlan
        let funders = Set(plan.installments.flatMap(\.amounts.keys)).union(plan.statedTotals.keys).sorted()
        for funder in funders {
            let sum = Money.sum(plan.installments.map { $0.amounts[funder] ?? .zero })
            let name = partyName(funder)
            let detail = plan.installments.map { ($0.amounts[funder] ?? .zero).danishShortString }.joined(separator: " + ")
            if let stated = plan.statedTotals[funder] {
                compare(plan.clause, stated: stated, computed: sum) { s, c, d in
                    "Udbetalingsplanens rater fra \(name) summerer til \(c) (\(detail)), men totalen er angivet til \(s) (forskel \(d))"
                }
            } else {
                add(plan.clause, .error, "Udbetalingsplanen har rater fra \(name), men ingen total", computed: sum.machineString)
            }
            if let grant = commitment.grant(of: funder), let stated = plan.statedTotals[funder] {
                compare(grant.amount.clause, stated: grant.amount.value, computed: stated) { s, c, _ in
                    "Tilskuddet fra \(name) er \(s), men udbetalingsplanens total (\(plan.clause)) er \(c)"
                }
            }
        }
        for grant in commitment.grants where plan.statedTotals[grant.funder] == nil && !plan.installments.isEmpty {
            add(
                plan.clause,
                .error,
                "Udbetalingsplanen har ingen rater fra \(partyName(grant.funder))",
                stated: nil,
                computed: grant.amount.value.machineString
            )
        }
        let period = commitment.interventionPeriod.value
        for installment in plan.installments {
            if installment.dueBy < commitment.signedOn.value || installment.dueBy > period.end {
                add(
                    plan.clause,
                    .warning,
                    "\(installment.name) har frist \(installment.dueBy.danishString), uden for perioden fra underskrift til indsatsperiodens slut",
                    stated: installment.dueBy.isoString
                )
            }
        }
    }

    // MARK: Budget (B4.1)

    mutating func checkBudget() {
        let budget = commitment.budget
        let clause = budget.clause
        for line in budget.lines {
            guard let perYear = line.perYear else { continue }
            let detail = perYear.map(\.danishShortString).joined(separator: " + ")
            compare(clause, stated: line.statedTotal, computed: Money.sum(perYear)) { s, c, d in
                "Budgetlinjen \"\(line.name)\": årene summerer til \(c) (\(detail)), men totalen er angivet til \(s) (forskel \(d))"
            }
        }
        for (index, year) in budget.years.enumerated() {
            let lines = budget.lines.compactMap { $0.perYear?[index] }
            compare(clause, stated: budget.statedYearTotals[index], computed: Money.sum(lines)) { s, c, d in
                "\"Budget i alt\" for \(year) er angivet til \(s), men årets budgetlinjer summerer til \(c) (forskel \(d))"
            }
        }
        let totalOnly = budget.lines.filter { $0.perYear == nil }
        let yearTotals = Money.sum(budget.statedYearTotals)
        let totalOnlySum = Money.sum(totalOnly.map(\.statedTotal))
        let withTotalOnly =
            totalOnly.isEmpty
            ? "" : " plus poster uden fordeling på år (\(totalOnly.map { "\($0.name) \($0.statedTotal.danishShortString)" }.joined(separator: ", ")))"
        compare(clause, stated: budget.statedGrandTotal, computed: yearTotals + totalOnlySum) { s, c, d in
            "\"Budget i alt\": årstotalerne (\(budget.statedYearTotals.map(\.danishShortString).joined(separator: " + ")))\(withTotalOnly) giver \(c), men totalen er angivet til \(s) (forskel \(d))"
        }
        compare(clause, stated: budget.statedGrandTotal, computed: Money.sum(budget.lines.map(\.statedTotal))) { s, c, d in
            "\"Budget i alt\" er angivet til \(s), men budgetlinjernes totaler summerer til \(c) (forskel \(d))"
        }
        for subtotal in budget.subtotals {
            let section = budget.lines.filter { $0.section == subtotal.section }
            compare(clause, stated: subtotal.statedTotal, computed: Money.sum(section.map(\.statedTotal))) { s, c, d in
                "\"\(subtotal.name)\" er angivet til \(s), men linjerne summerer til \(c) (forskel \(d))"
            }
            if !subtotal.financing.isEmpty {
                compare(clause, stated: subtotal.statedTotal, computed: Money.sum(subtotal.financing.values)) { s, c, d in
                    "\"\(subtotal.name)\" (\(s)) svarer ikke til den angivne finansiering, som summerer til \(c) (forskel \(d))"
                }
            }
            for (funder, amount) in subtotal.financing.sorted(by: { $0.key < $1.key }) {
                guard let grant = commitment.grant(of: funder) else { continue }
                let name = partyName(funder)
                compare(clause, stated: amount, computed: grant.amount.value) { s, c, _ in
                    "Budgettet lader \(name) finansiere \(s) af \"\(subtotal.name)\", men tilskuddet (\(grant.amount.clause)) er \(c)"
                }
            }
        }
        compare(clause, stated: budget.statedHouseholdTotal, computed: budget.expectedHouseholds.reduce(0, +)) { s, c in
            "Forventet antal husstande pr. år summerer til \(c), men totalen er angivet til \(s)"
        }
        compare(commitment.expectedHouseholds.clause, stated: commitment.expectedHouseholds.value, computed: budget.statedHouseholdTotal) { s, c in
            "Indsatsgruppen er \(s) husstande, men budgettet (\(clause)) forventer \(c)"
        }
        let period = commitment.interventionPeriod.value
        let spanned = Array(period.start.year...period.end.year)
        if budget.years != spanned {
            add(
                clause,
                .warning,
                "Budgetårene \(budget.years.map(String.init).joined(separator: ", ")) dækker ikke indsatsperiodens år \(spanned.map(String.init).joined(separator: ", "))"
            )
        }
    }

    // MARK: Payment goals (B5.1 2)

    mutating func checkGoals() {
        let numbers = commitment.paymentGoals.map(\.number).sorted()
        if numbers != Array(1...max(1, numbers.count)) {
            add("B5.1 2.1", .warning, "Betalingsmålene er nummereret \(numbers.map(String.init).joined(separator: ", ")), ikke fortløbende fra 1")
        }
        for goal in commitment.paymentGoals {
            switch goal.terms {
            case let .employment(terms): checkEmployment(goal, terms)
            case let .socialMeasures(terms): checkSocialMeasures(goal, terms)
            case let .schoolAbsence(terms): checkSchoolAbsence(goal, terms)
            case .lifeSatisfaction: break
            case let .actionPlans(terms):
                let full = Money.rounded(goal.rate.value.kroner * 100)
                compare(terms.statedFullPlanPayment.clause, stated: terms.statedFullPlanPayment.value, computed: full) { s, c, _ in
                    "En helt opfyldt handleplan er angivet til \(s), men \(goal.rate.value.danishShortString) × 100 procentpoint giver \(c)"
                }
            }
        }
    }

    mutating func checkEmployment(_ goal: PaymentGoal, _ terms: EmploymentTerms) {
        let clause = terms.clause
        let total = terms.rows.map(\.expectedCount).reduce(0, +)
        compare(clause, stated: terms.statedTotalCount, computed: total) { s, c in
            "Forventet baseline (antal personer) summerer til \(c), men totalen er angivet til \(s)"
        }
        let shares = terms.rows.reduce(Ratio.zero) { $0 + $1.expectedShare.value }
        if shares != terms.statedTotalShare.value {
            add(
                clause,
                .info,
                "Andelene i kolonnen \"Forventet baseline (andel)\" summerer til \(Percent(shares).danishString), men totalen er angivet til \(terms.statedTotalShare.danishString) (afrundede andele)",
                stated: terms.statedTotalShare.value.compactString(),
                computed: shares.compactString()
            )
        }
        guard terms.statedTotalCount > 0 else { return }
        for row in terms.rows {
            comparePercent(
                clause,
                .error,
                stated: row.expectedShare,
                computed: Ratio(row.expectedCount * 100, terms.statedTotalCount),
                "Andelen for \"\(row.label)\" (\(row.expectedCount) af \(terms.statedTotalCount))"
            )
        }
        let weighted = terms.rows.reduce(Ratio.zero) { $0 + $1.expectedSuccessRate.value * $1.expectedCount } / max(1, total)
        comparePercent(
            clause,
            .error,
            stated: terms.statedTotalSuccessRate,
            computed: weighted,
            "Den samlede forventede succesrate (vægtet med antal personer)"
        )
        let missing = BenefitType.allCases.filter { type in !terms.rows.contains { $0.type == type } }
        if !missing.isEmpty {
            add(clause, .warning, "Tabellen mangler ydelsestyperne \(missing.map(\.rawValue).joined(separator: ", "))")
        }
        for row in terms.rows where row.criterion != row.type.criterion {
            add(
                clause,
                .warning,
                "\"\(row.label)\" har succeskriteriet \(row.criterion.danishName), men SPEC §4 giver \(row.type.criterion.danishName)"
            )
        }
    }

    mutating func checkSocialMeasures(_ goal: PaymentGoal, _ terms: SocialMeasuresTerms) {
        let clause = terms.clause
        let members = terms.rows.filter { terms.subtotal.levels.contains($0.level) }
        let memberCount = members.map(\.expectedCount).reduce(0, +)
        compare(clause, stated: terms.subtotal.statedCount, computed: memberCount) { s, c in
            "\"\(terms.subtotal.label)\" er angivet til \(s) personer, men rækkerne under den (\(members.map { String($0.expectedCount) }.joined(separator: " + "))) summerer til \(c)"
        }
        let memberShares = members.reduce(Ratio.zero) { $0 + $1.expectedShare.value }
        if memberShares != terms.subtotal.statedShare.value {
            add(
                clause,
                .error,
                "\"\(terms.subtotal.label)\" har andelen \(terms.subtotal.statedShare.danishString), men rækkerne under den summerer til \(Percent(memberShares).danishString)",
                stated: terms.subtotal.statedShare.value.compactString(),
                computed: memberShares.compactString()
            )
        }
        let others = terms.rows.filter { !terms.subtotal.levels.contains($0.level) }
        let allRows = terms.rows.map(\.expectedCount).reduce(0, +)
        compare(clause, stated: terms.statedTotalCount, computed: allRows) { s, c in
            "Totalen er angivet til \(s) personer, men alle trin (\(terms.rows.map { String($0.expectedCount) }.joined(separator: " + "))) summerer til \(c)"
        }
        let topLevel = others.map(\.expectedCount).reduce(0, +) + terms.subtotal.statedCount
        compare(clause, stated: terms.statedTotalCount, computed: topLevel) { s, c in
            "Totalen er angivet til \(s) personer, men rækkerne på øverste niveau (med deltotalen) summerer til \(c)"
        }
        let topShares = others.reduce(Ratio.zero) { $0 + $1.expectedShare.value } + terms.subtotal.statedShare.value
        if topShares != terms.statedTotalShare.value {
            add(
                clause,
                .error,
                "Andelene summerer til \(Percent(topShares).danishString), men totalen er angivet til \(terms.statedTotalShare.danishString)",
                stated: terms.statedTotalShare.value.compactString(),
                computed: topShares.compactString()
            )
        }
        if terms.statedTotalCount > 0 {
            let printed =
                others.map { ($0.label, $0.expectedCount, $0.expectedShare) }
                + [(terms.subtotal.label, terms.subtotal.statedCount, terms.subtotal.statedShare)]
                + members.map { ($0.label, $0.expectedCount, $0.expectedShare) }
            for (label, count, share) in printed {
                comparePercent(
                    clause,
                    .warning,
                    stated: share,
                    computed: Ratio(count * 100, terms.statedTotalCount),
                    "Andelen for \"\(label)\" (\(count) af \(terms.statedTotalCount))"
                )
            }
        }
        for citizen in terms.example {
            guard let baseline = terms.stepUnits(of: citizen.baseline), let result = terms.stepUnits(of: citizen.result) else {
                add(terms.exampleClause, .error, "\(citizen.label): foranstaltningen findes ikke på trappen i \(clause)")
                continue
            }
            let payment = goal.rate.value * max(0, baseline - result)
            compare(terms.exampleClause, stated: citizen.statedPayment, computed: payment) { s, c, _ in
                "\(citizen.label): (\(baseline) − \(result)) trin × \(goal.rate.value.danishShortString) giver \(c), men eksemplet angiver \(s)"
            }
        }
    }

    mutating func checkSchoolAbsence(_ goal: PaymentGoal, _ terms: SchoolAbsenceTerms) {
        let rounding = commitment.interpretations.absenceRounding.choice
        for row in terms.expected {
            guard let stated = row.successRate, !row.control.value.isZero else { continue }
            let computed = (row.control.value - row.treatment.value) / row.control.value * 100
            comparePercent(
                terms.expectedClause,
                .error,
                stated: stated,
                computed: computed,
                "Succesraten ved \(row.point.danishDescription) ((\(row.control.danishString) − \(row.treatment.danishString)) / \(row.control.danishString))"
            )
        }
        let baselineRow = terms.example.first { $0.point == .start }
        let baselineDifference = baselineRow.map { SchoolAbsenceRule.difference(treatment: $0.treatment, control: $0.control, rounding: rounding) }
        for row in terms.example {
            let difference = SchoolAbsenceRule.difference(treatment: row.treatment, control: row.control, rounding: rounding)
            comparePercent(
                terms.exampleClause,
                .error,
                stated: row.statedDifference,
                computed: difference.value,
                "Procentvis forskel ved \(row.point.danishDescription)"
            )
            guard row.point != .start, let baselineDifference else { continue }
            if let corrected = row.statedCorrected {
                comparePercent(
                    terms.exampleClause,
                    .error,
                    stated: corrected,
                    computed: (difference.value - baselineDifference.value),
                    "Forskel korrigeret for baseline ved \(row.point.danishDescription)"
                )
            }
            if let payment = row.statedPayment {
                let computed = SchoolAbsenceRule.payment(rate: goal.rate.value, baseline: baselineDifference, point: difference)
                compare(terms.exampleClause, stated: payment, computed: computed) { s, c, _ in
                    "Resultatbetalingen ved \(row.point.danishDescription) er angivet til \(s), men beregnes til \(c)"
                }
            }
        }
        if let cap = goal.cap {
            let expectedPoints = terms.expected.compactMap(\.successRate).reduce(Ratio.zero) { $0 + $1.value }
            let expectedPayment = goal.rate.value.kroner * expectedPoints * terms.cohorts.value
            if !expectedPayment.isZero {
                let overperformance = (cap.value.kroner / expectedPayment - 1) * 100
                comparePercent(
                    terms.capOverperformance.clause,
                    .warning,
                    stated: terms.capOverperformance.value,
                    computed: overperformance,
                    "Loftet på \(cap.value.danishShortString) mod den forventede betaling \(Money.rounded(expectedPayment).danishShortString) (\(terms.cohorts.value) kohorter × \(expectedPoints.danishString(scale: 2)) procentpoint × \(goal.rate.value.danishShortString)) svarer til en overperformance, som"
                )
            }
        }
        let minimum = terms.cohorts.value * terms.minimumHouseholdsPerCohort.value
        if minimum > commitment.expectedHouseholds.value {
            add(
                terms.minimumHouseholdsPerCohort.clause,
                .error,
                "\(terms.cohorts.value) kohorter à mindst \(terms.minimumHouseholdsPerCohort.value) husstande kræver \(minimum), men indsatsgruppen er \(commitment.expectedHouseholds.value)",
                stated: String(commitment.expectedHouseholds.value),
                computed: String(minimum)
            )
        }
    }

    // MARK: Tranches (B5.1 1.1)

    mutating func checkTranches() {
        let plan = commitment.tranches
        compare(plan.threshold.clause, stated: plan.threshold.value, computed: commitment.totalGrants) { s, c, d in
            "Overgangen fra tranche 1 til 2 er angivet ved \(s), men tilskuddene summerer til \(c) (forskel \(d))"
        }
        let columns: [(String, KeyPath<TrancheShare, Percent>)] = [
            ("Andel af samlet tilskud", \.shareOfGrants), ("Andel af tilbagebetaling, tranche 1", \.tranche1),
            ("Andel af tilbagebetaling, tranche 2", \.tranche2),
        ]
        for (name, column) in columns {
            let sum = plan.shares.reduce(Ratio.zero) { $0 + $1[keyPath: column].value }
            if sum != Ratio(100) {
                add(
                    plan.clause,
                    .error,
                    "Kolonnen \"\(name)\" summerer til \(Percent(sum).danishString), ikke 100 %",
                    stated: "100",
                    computed: sum.compactString()
                )
            }
        }
        let total = commitment.totalGrants
        for share in plan.shares {
            let name = partyName(share.funder)
            if let grant = commitment.grant(of: share.funder) {
                compare(plan.clause, stated: share.statedGrant, computed: grant.amount.value) { s, c, _ in
                    "Trancheplanen angiver tilskuddet fra \(name) til \(s), men tilskuddet (\(grant.amount.clause)) er \(c)"
                }
                if !total.isZero {
                    comparePercent(
                        plan.clause,
                        .info,
                        stated: share.shareOfGrants,
                        computed: grant.amount.value.kroner / total.kroner * 100,
                        "Andelen af samlet tilskud for \(name)"
                    )
                    let repaid = Money.rounded(plan.threshold.value.kroner * share.tranche1.fraction)
                    if repaid != grant.amount.value {
                        let difference = repaid - grant.amount.value
                        let direction = difference.isNegative ? "mindre" : "mere"
                        add(
                            plan.clause,
                            .warning,
                            "Med \(share.tranche1.danishString) af tranche 1 (\(plan.threshold.value.danishShortString)) får \(name) \(repaid.danishShortString) tilbage, \((difference.isNegative ? -difference : difference).danishShortString) \(direction) end tilskuddet på \(grant.amount.value.danishShortString) (fortolkningen: \(commitment.interpretationSummary.first { $0.key == "trancheShares" }?.reading ?? ""))",
                            stated: grant.amount.value.machineString,
                            computed: repaid.machineString
                        )
                    }
                }
            }
        }
    }

    // MARK: Return cap (T 5.2, B4.2)

    mutating func checkReturnCap() {
        let cap = commitment.returnCap
        let horizon = commitment.interpretations.returnCapHorizon.choice
        let installments = commitment.disbursementPlan.installments.flatMap { installment in
            cap.compoundedGrants.compactMap { funder in installment.amounts[funder].map { (installment.dueBy, $0) } }
        }
        guard !installments.isEmpty else {
            add(
                cap.amount.clause,
                .warning,
                "Afkastloftets formel kan ikke beregnes: ingen rater for \(cap.compoundedGrants.map(\.rawValue).joined(separator: ", "))"
            )
            return
        }
        let value = ReturnCapReport.compute(commitment).formula
        let funders = cap.compoundedGrants.map { partyName($0) }.joined(separator: ", ")
        compare(cap.amount.clause, .warning, stated: cap.amount.value, computed: value) { s, c, d in
            "Afkastloftet er angivet til \(s); formlen (ratene fra \(funders) forrentet med \(cap.annualRate.value.danishString) p.a., \(cap.dayCountBasis)-dages år, rentetilskrivning \(cap.postingDay).\(cap.postingMonth). frem til \(horizon.danishString)) giver \(c) (forskel \(d)). Det angivne loft er bindende"
        }
        if cap.printedFormulaIsInterestOnly {
            let grant = Money.sum(cap.compoundedGrants.compactMap { commitment.grant(of: $0)?.amount.value })
            let firstYear = installments.map(\.0).min()!.year
            let years = max(0, horizon.year - firstYear)
            var factor = Ratio.one
            for _ in 0..<years { factor = factor * (Ratio.one + cap.annualRate.value.fraction) }
            let interestOnly = Money.rounded(grant.kroner * factor - grant.kroner)
            add(
                cap.printedFormulaClause,
                .warning,
                "Formlen i \(cap.printedFormulaClause) trækker Tilskuddet fra igen og giver kun renterne (med \(years) år: \(interestOnly.danishShortString)), mens \(cap.amount.clause) definerer loftet som Tilskuddet med tillæg af forrentning",
                stated: cap.amount.value.machineString,
                computed: interestOnly.machineString
            )
        }
    }

    // MARK: Compliance (T 6)

    mutating func checkCompliance() {
        let milestones = commitment.compliance.enrolmentMilestones
        for (a, b) in zip(milestones, milestones.dropFirst()) where b.withinMonths <= a.withinMonths || b.households < a.households {
            add(
                b.clause,
                .error,
                "Visitationsmilepælene er ikke stigende (\(a.households) inden \(a.withinMonths) mdr., \(b.households) inden \(b.withinMonths) mdr.)"
            )
        }
        for milestone in milestones where milestone.households > commitment.expectedHouseholds.value {
            add(
                milestone.clause,
                .error,
                "Milepælen \(milestone.households) husstande overstiger indsatsgruppen på \(commitment.expectedHouseholds.value)",
                stated: String(milestone.households),
                computed: String(commitment.expectedHouseholds.value)
            )
        }
    }

    // MARK: Cross-references

    /// Where each subject a cross-reference may name is defined in the file.
    func definition(of subject: String) -> Clause? {
        switch subject {
        case "returnCap": commitment.returnCap.amount.clause
        case "returnCapFormula": commitment.returnCap.printedFormulaClause
        case "relativeReduction": commitment.interpretations.relativeReduction.clause
        case "employmentBaseline":
            commitment.paymentGoals.lazy.compactMap { if case let .employment(t) = $0.terms { t.clause } else { nil } }.first
        case "socialMeasuresBaseline":
            commitment.paymentGoals.lazy.compactMap { if case let .socialMeasures(t) = $0.terms { t.clause } else { nil } }.first
        case "repaymentSchedule": commitment.reporting.settlementsPerYear.clause
        default:
            commitment.annexes.first { $0.key == subject }.map { Clause("Bilag \($0.number)") }
        }
    }

    mutating func checkCrossReferences() {
        for reference in commitment.crossReferences {
            guard let target = definition(of: reference.subject) else {
                add(reference.at, .warning, "Henvisningen \"\(reference.text)\" har et emne, som filen ikke kender: \(reference.subject)")
                continue
            }
            let says = reference.refersTo.reference
            let matches = target.reference == says || target.reference.hasPrefix(says + " ")
            if !matches {
                add(
                    reference.at,
                    .warning,
                    "Henvisningen \"\(reference.text)\" peger på \(says), men det, der henvises til, står i \(target.reference)",
                    stated: says,
                    computed: target.reference
                )
            }
        }
    }
}
