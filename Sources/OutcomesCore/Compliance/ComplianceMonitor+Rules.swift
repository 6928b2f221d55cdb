/// The school-absence cohorts (B5.1 2.1, goal 3).
public enum Cohorts {
    /// The cohort of a course starting on `start`: the intervention year it starts in
    /// (November–October for Viborg), 1…3; later starts belong to the last cohort.
    public static func cohort(of start: LocalDate, in period: DateRange, cohorts: Int = 3) -> Int {
        min(cohorts, max(1, period.start.wholeMonths(until: start.addingDays(1)) / 12 + 1))
    }
}

/// P 3.2.3: replacement obligations.
public enum Replacements {
    public struct Obligation: Sendable, Equatable {
        public var household: HouseholdID
        public var endedOn: LocalDate
    }

    /// Courses that ended within the replacement window (3 months) of their start, for any
    /// reason but "no longer needs it", whose obligation no later enrolment has closed. Each
    /// enrolment after an obligation arose closes the oldest open one ("closed by the next
    /// enrolment"); a household that names another in `replaces` closes that one.
    public static func open(_ households: [Household], commitment: Commitment, asOf: LocalDate) -> [Obligation] {
        let window = commitment.compliance.replacementWindowMonths.value
        var obligations = households.compactMap { household -> Obligation? in
            guard household.group == .treatment, let start = household.start, let end = household.end, end <= asOf,
                household.endReason != .noLongerNeeded, end < start.addingMonths(window)
            else { return nil }
            return Obligation(household: household.id, endedOn: end)
        }.sorted { ($0.endedOn, $0.household) < ($1.endedOn, $1.household) }
        let named = Set(households.compactMap(\.replaces))
        obligations.removeAll { named.contains($0.household) }
        let enrolments = households.filter { $0.replaces == nil && $0.isEnrolled(on: asOf) }.compactMap(\.start).sorted()
        var open: [Obligation] = []
        var used = Set<Int>()
        for obligation in obligations {
            if let index = enrolments.indices.first(where: { !used.contains($0) && enrolments[$0] > obligation.endedOn }) {
                used.insert(index)
            } else {
                open.append(obligation)
            }
        }
        return open
    }
}

extension ComplianceMonitor {
    /// B5.1 2.4.2 and 2.5.2: when the realised baseline deviates "more than 5 pct." from the
    /// expected one, the parties renegotiate the rate. Reading (docs/decisions.md): per row of
    /// the table, the realised share of persons differs from the expected share (expected
    /// count over the table's total) by more than 5 percentage points.
    static func baselines(_ input: ComplianceInput) -> [ComplianceFinding] {
        guard let delivery = input.delivery else { return [] }
        let threshold = input.commitment.compliance.baselineDeviation
        var findings: [ComplianceFinding] = []
        let startOf = Dictionary(delivery.households.indices.map { ($0, delivery.households[$0].start) }, uniquingKeysWith: { a, _ in a })

        if let goal = input.commitment.goal(.employment), case let .employment(terms) = goal.terms {
            let minimum = goal.subgroup.value.minimumAge ?? 0
            let maximum = goal.subgroup.value.maximumAge ?? 200
            let types = delivery.employment.filter { row in
                guard row.point == .start, let start = startOf[delivery.persons[row.person].household] ?? nil else { return false }
                let age = delivery.persons[row.person].birthDate.completedYears(on: start)
                return age >= minimum && age <= maximum
            }.map { $0.benefitType ?? .unknown }
            let expected = terms.rows.map {
                (label: $0.label, count: $0.expectedCount, realised: types.filter { [type = $0.type] in $0 == type }.count)
            }
            findings += deviation(
                expected,
                total: terms.statedTotalCount,
                realisedTotal: types.count,
                threshold: threshold,
                clause: "B5.1 2.4.2",
                goal: goal.name
            )
        }
        if let goal = input.commitment.goal(.socialMeasures), case let .socialMeasures(terms) = goal.terms {
            let minimum = goal.subgroup.value.minimumAge ?? 0
            let levels = delivery.socialMeasures.filter { row in
                guard row.point == .baseline, row.measure != nil, let start = startOf[delivery.persons[row.person].household] ?? nil else {
                    return false
                }
                return delivery.persons[row.person].birthDate.completedYears(on: start) >= minimum
            }.compactMap(\.measure)
            let expected = terms.rows.map {
                (label: $0.label, count: $0.expectedCount, realised: levels.filter { [level = $0.level] in $0 == level }.count)
            }
            findings += deviation(
                expected,
                total: terms.statedTotalCount,
                realisedTotal: levels.count,
                threshold: threshold,
                clause: "B5.1 2.5.2",
                goal: goal.name
            )
        }
        return findings
    }

    static func deviation(
        _ rows: [(label: String, count: Int, realised: Int)],
        total: Int,
        realisedTotal: Int,
        threshold: Stated<Percent>,
        clause: Clause,
        goal: String
    ) -> [ComplianceFinding] {
        guard realisedTotal > 0, total > 0 else { return [] }
        let points = threshold.value.value.compactString(maxScale: 2, danish: true) + " procentpoint"
        var off: [(String, Percent, Percent)] = []
        for row in rows {
            let expectedShare = Percent.share(Ratio(row.count), of: Ratio(total))
            let realisedShare = Percent.share(Ratio(row.realised), of: Ratio(realisedTotal))
            let difference = realisedShare.value - expectedShare.value
            if difference > threshold.value.value || -difference > threshold.value.value { off.append((row.label, expectedShare, realisedShare)) }
        }
        let figures =
            [ComplianceFinding.Figure("personer i baseline", String(realisedTotal))]
            + off.map { ComplianceFinding.Figure($0.0, "forventet \(rounded($0.1)), realiseret \(rounded($0.2))") }
        return [
            ComplianceFinding(
                rule: "baseline-deviation",
                clause: clause,
                severity: off.isEmpty ? .info : .warning,
                message: off.isEmpty
                    ? "\(goal): den realiserede baseline ligger inden for \(points) af den forventede fordeling i alle rækker."
                    : "\(goal): den realiserede baseline afviger mere end \(points) fra den forventede fordeling i \(off.count) række(r).",
                figures: figures,
                action: off.isEmpty ? "Intet." : "Parterne genforhandler betalingssatsen (\(clause.reference)); tag det op i styregruppen."
            )
        ]
    }

    static func rounded(_ percent: Percent) -> String { Percent(Ratio(percent.value.rounded(toScale: 1), 10)).danishString }

    /// T 6.1.1 (vi): the economy deviates substantially from the budget (B4.1). "Væsentligt"
    /// is the contract file's interpretation `budgetDeviationThreshold` (10 %), per budget year
    /// with actuals recorded.
    static func budgetDeviation(_ input: ComplianceInput, asOf: LocalDate) -> [ComplianceFinding] {
        let budget = input.commitment.budget
        let threshold = input.commitment.interpretations.budgetDeviationThreshold
        var findings: [ComplianceFinding] = []
        for (index, year) in budget.years.enumerated() {
            let actual = input.budgetActuals.filter { $0.year == year }
            guard !actual.isEmpty else { continue }
            let planned = Money.sum(budget.lines.compactMap { $0.perYear?[index] })
            guard planned > .zero else { continue }
            let spent = Money.sum(actual.map(\.amount))
            let share = Percent.share((spent - planned).kroner, of: planned.kroner)
            let over = share.value > threshold.choice.value || -share.value > threshold.choice.value
            findings.append(
                ComplianceFinding(
                    rule: "budget-deviation",
                    clause: "T 6.1.1 (vi)",
                    severity: over ? .warning : .info,
                    message: over
                        ? "Forbruget i \(year) afviger \(rounded(share)) fra budgettet; det er mere end \(threshold.choice.danishString)."
                        : "Forbruget i \(year) afviger \(rounded(share)) fra budgettet (grænse \(threshold.choice.danishString)).",
                    figures: [.init("budget", planned.danishShortString), .init("forbrug", spent.danishShortString)],
                    action: over ? "Forklar afvigelsen for styregruppen; \(input.commitment.grantFunderShortName) kan tilbageholde tilskud ved væsentlig afvigelse." : "Intet."
                )
            )
        }
        return findings
    }

    /// T 7.2–7.4 and T 4.3: half-yearly reports, meetings, the annual meeting with its accounts,
    /// and the repayment of unused grant after it.
    static func reporting(_ input: ComplianceInput, asOf: LocalDate) -> [ComplianceFinding] {
        SteeringCalendar.deadlines(input, asOf: asOf).compactMap { deadline in
            switch deadline.status {
            case .met: nil
            case .overdue:
                ComplianceFinding(
                    rule: deadline.rule,
                    clause: deadline.clause,
                    severity: .warning,
                    message: "\(deadline.what): fristen \(deadline.due.danishString) er overskredet.",
                    figures: [.init("frist", deadline.due.danishString)] + deadline.figures,
                    action: deadline.action
                )
            case .upcoming:
                deadline.due.days(to: asOf) > -45
                    ? ComplianceFinding(
                        rule: deadline.rule,
                        clause: deadline.clause,
                        severity: .info,
                        message: "\(deadline.what): frist \(deadline.due.danishString).",
                        figures: [.init("frist", deadline.due.danishString)] + deadline.figures,
                        action: deadline.action
                    ) : nil
            }
        }
    }

    /// T 6.1.1 (v), SPEC §10: a repayment an approved settlement instructs that is not paid by
    /// its due date (P 4 note 1) is a breach.
    static func unpaidInstructions(_ input: ComplianceInput, asOf: LocalDate) -> [ComplianceFinding] {
        input.paymentInstructions.filter { $0.status == .overdue }.map { instruction in
            ComplianceFinding(
                rule: "repayment-overdue",
                clause: "T 6.1.1 (v)",
                severity: .breach,
                message:
                    "\(instruction.from.rawValue.uppercased()) har ikke betalt \(instruction.outstanding.danishString) til \(instruction.to.rawValue.uppercased()) for \(instruction.period.danishLabel) (godkendt), som forfaldt \(instruction.dueBy.danishString).",
                figures: [
                    .init("godkendt beløb", instruction.amount.danishString), .init("betalt", instruction.paid.danishString),
                    .init("forfaldt", instruction.dueBy.danishString),
                ],
                action: "Betal restbeløbet, eller registrér betalingen, hvis den er sket (Styring → Betalinger)."
            )
        }
    }
}
