import Dispatch

/// Settles an agreement's payment goals as of a date (SPEC §4 and §6).
///
/// Pure: the agreement, the delivery and the as-of date are all it reads. Every line is
/// rounded to øre, half away from zero; every total is the sum of its rounded lines.
///
/// ```swift
/// let settlement = SettlementEngine.settle(viborg, delivery: delivery, asOf: LocalDate(iso: "2026-11-26")!)
/// settlement.totals.total
/// ```
public enum SettlementEngine {
    public static func settle(_ commitment: Commitment, delivery: Delivery, asOf: LocalDate) -> Settlement {
        settle(commitment, delivery: delivery, asOf: asOf, approved: [])
    }

    /// SPEC §10: the settlement with approved half-years kept as they were approved. What the
    /// delivery now computes for an approved half-year is not paid there: the difference per
    /// line becomes a correction (``CorrectionLine``) settled in the first open half-year,
    /// under the goals' caps and the return cap as they run on from the approved figures.
    public static func settle(_ commitment: Commitment, delivery: Delivery, asOf: LocalDate, approved: [ApprovedPeriod]) -> Settlement {
        var run = SettlementRun(commitment: commitment, delivery: delivery, asOf: asOf)
        run.approved = approved
        return run.settle()
    }

    /// T 11.1, B5.1 2.2, 2.4.2, 2.5.2: the settlement of an amended agreement. Each half-year's
    /// lines are computed with the version in force for it (``AgreementHistory/inForce(for:)``,
    /// each version imputing its own lines); the caps, the return cap, the tranches and the
    /// payers are those of the version in force on `asOf`, applied across all the lines (a cap is
    /// the agreement's, not a half-year's). Every half-year names its version. Approved
    /// half-years keep what they were approved with (SPEC §10). With one version in force
    /// throughout, this is ``settle(_:delivery:asOf:approved:)`` of that version.
    public static func settle(_ history: AgreementHistory, delivery: Delivery, asOf: LocalDate, approved: [ApprovedPeriod] = []) -> Settlement {
        let standing = history.inForce(on: asOf)
        let start = standing.interventionPeriod.value.start
        let periods = asOf < start ? [] : HalfYear.span(from: start, through: asOf)
        let used = history.used(in: periods)
        // One version for every half-year, and the one in force on the date: nothing to splice.
        if used.count <= 1, (used.first ?? standing).version == standing.version {
            return settle(standing, delivery: delivery, asOf: asOf, approved: approved)
        }
        var lines: [SettlementLine] = []
        var warnings: [String] = []
        for version in used {
            var run = SettlementRun(commitment: version, delivery: delivery, asOf: asOf)
            let computed = run.computeLines()
            lines += computed.filter { history.inForce(for: $0.period).version == version.version }
            for warning in run.warnings where !warnings.contains(warning) { warnings.append(warning) }
        }
        // Each version's lines are in the engine's order; a half-year's lines all come from one
        // version, so ordering by date (stably) puts the spliced lines in that order too.
        var order = Array(lines.indices)
        order.sort { (lines[$0].date, $0) < (lines[$1].date, $1) }
        var run = SettlementRun(commitment: standing, delivery: delivery, asOf: asOf)
        run.approved = approved
        run.warnings = warnings
        var settlement = run.aggregate(order.map { lines[$0] })
        for index in settlement.periods.indices {
            settlement.periods[index].contractVersion = history.inForce(for: settlement.periods[index].period).version
        }
        return settlement
    }

    /// P 1.1.3 / SPEC §4: a course's end is its end date, or the end of the intervention
    /// period if it is still running then; an end date after the period reads as its last day.
    public static func courseEnd(of household: Household, interventionEnd: LocalDate) -> LocalDate {
        guard let end = household.end else { return interventionEnd }
        return min(end, interventionEnd)
    }

    /// P 3.2.4 / B5.1 2.3: a treatment household counts once its course has lasted the
    /// counting months (3): min(end, as-of) ≥ start + 3 months.
    public static func hasLasted(
        _ household: Household,
        months: Int,
        interventionEnd: LocalDate,
        asOf: LocalDate
    ) -> Bool {
        guard let start = household.start else { return false }
        return min(courseEnd(of: household, interventionEnd: interventionEnd), asOf) >= start.addingMonths(months)
    }
}

struct SettlementRun {
    let commitment: Commitment
    let delivery: Delivery
    let asOf: LocalDate
    let interventionEnd: LocalDate
    /// SPEC §10: the half-years approved, as kept.
    var approved: [ApprovedPeriod] = []
    var warnings: [String] = []
    var lines: [SettlementLine] = []
    /// Per line, the rank of its household and person ids (−1 for none), for sorting.
    var householdRanks: [Int32] = []
    var personRanks: [Int32] = []
    /// Per line, whether its value is missing (filled in by imputation).
    var isMissing: [Bool] = []
    /// The lines' order, once made.
    var order: [(key: SortKey, index: Int32)] = []

    init(commitment: Commitment, delivery: Delivery, asOf: LocalDate) {
        self.commitment = commitment
        self.delivery = delivery
        self.asOf = asOf
        self.interventionEnd = commitment.interventionPeriod.value.end
    }

    // MARK: Who counts

    /// P 3.2.3, P 3.2.4, B5.1 2.3: the treatment households that count, in delivery order.
    mutating func countedHouseholds() -> [Int] {
        let months = commitment.compliance.countingMonths.value
        var replacedBy = [Int?](repeating: nil, count: delivery.households.count)
        let indexOf = Dictionary(delivery.households.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
        for (index, household) in delivery.households.enumerated() {
            if let replaced = household.replaces.flatMap({ indexOf[$0] }) { replacedBy[replaced] = index }
        }
        var counted: [Int] = []
        var replacedWarnings: [(HouseholdID, String)] = []
        defer { warnings += replacedWarnings.sorted { $0.0 < $1.0 }.map(\.1) }
        for (index, household) in delivery.households.enumerated() where household.group == .treatment {
            guard let start = household.start else { continue }
            let lasted = SettlementEngine.hasLasted(household, months: months, interventionEnd: interventionEnd, asOf: asOf)
            if let replacement = replacedBy[index] {
                // B5.1 2.3: a replaced household is left out entirely, without imputation.
                if lasted {
                    let end = SettlementEngine.courseEnd(of: household, interventionEnd: interventionEnd)
                    replacedWarnings.append(
                        (
                            household.id,
                            "households.csv: husstand \(household.id) erstattes af \(delivery.households[replacement].id), men forløbet (\(start.danishString)–\(min(end, asOf).danishString)) har varet mindst \(months) måneder og ville ellers tælle med; tjek 'replaces' (P 3.2.3)"
                        )
                    )
                }
                continue
            }
            if lasted { counted.append(index) }
        }
        return counted
    }

    // MARK: Settle

    mutating func settle() -> Settlement {
        // Made first: making the lines adds their warnings, which the aggregate then reads.
        let lines = computeLines()
        return aggregate(lines)
    }

    /// Every line of every goal, imputed and in order, before periods and caps.
    mutating func computeLines() -> [SettlementLine] {
        let counted = countedHouseholds()
        // The id ranks (a sort of every id) and the lookup tables are built side by side.
        let delivery = self.delivery
        let builtRanks = SharedSlots<Ranks?>(count: 1, initial: nil)
        let builtIndex = SharedSlots<DeliveryIndex?>(count: 1, initial: nil)
        defer {
            builtRanks.release()
            builtIndex.release()
        }
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 { builtRanks.buffer[0] = Ranks(delivery: delivery) } else { builtIndex.buffer[0] = DeliveryIndex(delivery: delivery) }
        }
        let ranks = builtRanks.buffer[0]!
        let index = builtIndex.buffer[0]!
        // Goal 1 (most lines) on one core, the other goals on the other. Each part makes,
        // imputes and sorts its own lines (imputation never crosses goals); the parts are
        // then merged in order. The result does not depend on which thread finishes first.
        let groups: [[PaymentGoal]] = [
            commitment.paymentGoals.filter { $0.kind == .employment },
            commitment.paymentGoals.filter { $0.kind != .employment },
        ]
        let parts = UnsafeMutableBufferPointer<SettlementRun>.allocate(capacity: groups.count)
        defer {
            _ = parts.deinitialize()
            parts.deallocate()
        }
        var empty = self
        empty.warnings = []
        parts.initialize(repeating: empty)
        let shared = SharedRuns(parts)
        DispatchQueue.concurrentPerform(iterations: groups.count) { i in
            shared.buffer[i].makeLines(groups[i], counted: counted, index: index, ranks: ranks)
        }
        var merged: [SettlementLine] = []
        merged.reserveCapacity(parts.reduce(0) { $0 + $1.lines.count })
        var cursors = [Int](repeating: 0, count: parts.count)
        while true {
            var best = -1
            for p in parts.indices where cursors[p] < parts[p].order.count {
                if best < 0 || parts[p].order[cursors[p]].key < parts[best].order[cursors[best]].key { best = p }
            }
            guard best >= 0 else { break }
            merged.append(parts[best].lines[Int(parts[best].order[cursors[best]].index)])
            cursors[best] += 1
        }
        for part in parts { warnings += part.warnings }
        return merged
    }

    /// Makes, imputes and orders the lines of some goals.
    mutating func makeLines(_ goals: [PaymentGoal], counted: [Int], index: DeliveryIndex, ranks: Ranks) {
        let capacity = goals.contains { $0.kind == .employment } ? delivery.persons.count * 3 : delivery.persons.count * 2 + counted.count
        lines.reserveCapacity(capacity)
        householdRanks.reserveCapacity(capacity)
        personRanks.reserveCapacity(capacity)
        isMissing.reserveCapacity(capacity)
        for goal in goals {
            switch goal.terms {
            case let .employment(terms): employmentLines(goal, terms, counted, index, ranks)
            case let .socialMeasures(terms): socialMeasureLines(goal, terms, counted, index, ranks)
            case .schoolAbsence: schoolAbsenceLines(goal)
            case .lifeSatisfaction: lifeSatisfactionLines(goal, counted, index, ranks)
            case .actionPlans: actionPlanLines(goal, counted, index, ranks)
            }
        }
        impute()
        order = sortKeys()
    }

    /// SPEC §6: lines sort by date, goal, household, person, cohort — here as two packed
    /// integers per line, so the large line values move only once, when merged.
    func sortKeys() -> [(key: SortKey, index: Int32)] {
        var keys: [(key: SortKey, index: Int32)] = []
        keys.reserveCapacity(lines.count)
        lines.withUnsafeBufferPointer { lines in
            for i in lines.indices {
                let first = UInt64(UInt32(bitPattern: lines[i].date.orderKey)) << 8 | UInt64(lines[i].goal & 0xFF)
                let second =
                    UInt64(UInt32(bitPattern: householdRanks[i] &+ 1)) << 36
                    | UInt64(UInt32(bitPattern: personRanks[i] &+ 1)) << 8 | UInt64((lines[i].cohort ?? 0) & 0xFF)
                keys.append((SortKey(first: first, second: second), Int32(i)))
            }
        }
        keys.sort { $0.key < $1.key }
        return keys
    }

    /// The age basis of a goal (SPEC §9).
    func ageBasis(_ kind: GoalKind) -> AgeBasis {
        let bases = commitment.interpretations.ageBasis.choice
        switch kind {
        case .employment: return bases.employment
        case .socialMeasures: return bases.socialMeasures
        case .lifeSatisfaction: return bases.lifeSatisfaction
        case .schoolAbsence, .actionPlans: return .courseStart
        }
    }

    /// The subgroup's age bounds (B5.1 2.1: "18-66 år", "over 17 år"), inclusive.
    func ageRange(_ goal: PaymentGoal) -> ClosedRange<Int> {
        (goal.subgroup.value.minimumAge ?? 0)...(goal.subgroup.value.maximumAge ?? Int.max)
    }

    mutating func add(
        _ goal: PaymentGoal,
        point: LinePoint,
        date: LocalDate,
        household: Int?,
        person: Int?,
        cohort: Int? = nil,
        amount: Money,
        basis: LineBasis?,
        missing: String?,
        ranks: Ranks?
    ) {
        let line = SettlementLine(
            goal: goal.number,
            point: point,
            date: date,
            household: household.map { delivery.households[$0].id },
            person: person.map { delivery.persons[$0].id },
            cohort: cohort,
            amount: amount,
            isImputed: missing != nil,
            basis: basis
                ?? .imputed(
                    ImputationBasis(goalName: goal.name, point: point, missing: missing ?? "", providedLines: 0, cutoff: date, average: .zero)
                )
        )
        lines.append(line)
        householdRanks.append(household.map { ranks?.household[$0] ?? 0 } ?? -1)
        personRanks.append(person.map { ranks?.person[$0] ?? 0 } ?? -1)
        isMissing.append(missing != nil)
    }

    // MARK: Goal 1 — employment (B5.1 2.1, 2.4.1)

    mutating func employmentLines(_ goal: PaymentGoal, _ terms: EmploymentTerms, _ counted: [Int], _ index: DeliveryIndex, _ ranks: Ranks) {
        // The agreement's criterion per benefit type (B5.1 2.4.1), by the type's position.
        var criterionOf = BenefitType.allCases.map(\.criterion)
        for row in terms.rows { criterionOf[BenefitType.allCases.firstIndex(of: row.type)!] = row.criterion }
        let rule = commitment.interpretations.previousBenefitType.choice
        let basis = ageBasis(.employment)
        let points = goal.resultMonths.compactMap(EmploymentPoint.init(rawValue:))
        let ages = ageRange(goal)
        // The points before each point, latest first (start for 12; 12, start for 18; …).
        let earlierPoints = points.map { point in Array(EmploymentPoint.allCases.filter { $0 < point }.reversed()) }
        for h in counted {
            let start = delivery.households[h].start!
            for p in index.persons(of: h) {
                let person = delivery.persons[p]
                for (pointIndex, point) in points.enumerated() {
                    let date = start.addingMonths(point.rawValue)
                    guard date <= asOf else { continue }
                    let age = person.birthDate.completedYears(on: basis == .measurementDate ? date : start)
                    guard ages.contains(age) else { continue }
                    // B5.1 2.1: at 12 the type at start sets the criterion, at 18 the type at 12,
                    // at 24 the type at 18; where not recorded, the latest earlier recorded type
                    // (SPEC §4); else unknown. A recorded `unknown` is a recorded type.
                    let earlier = earlierPoints[pointIndex]
                    let previous = earlier[0]
                    var from: EmploymentPoint?
                    var type = BenefitType.unknown
                    for candidate in earlier.prefix(rule == .latestEarlierRecorded ? earlier.count : 1) {
                        if let recorded = index.employment(of: p, at: candidate)?.benefitType {
                            from = candidate
                            type = recorded
                            break
                        }
                    }
                    let criterion = criterionOf[type.ordinal]
                    let row = index.employment(of: p, at: point)
                    let atPoint = row?.benefitType
                    let completed = row?.completedEducation6m == true
                    let fit = row?.declaredFit
                    let provided: Bool
                    let met: Bool
                    switch criterion {
                    case .educationOrEmployment:
                        provided = atPoint != nil || completed
                        met = completed || atPoint == .employed || atPoint == .inEducation || atPoint == .noBenefit
                    case .declaredFit:
                        provided = fit != nil
                        met = fit == .partial || fit == .full
                    case .flexjob:
                        provided = atPoint != nil
                        met = atPoint == .flexjob
                    }
                    if provided {
                        let b = EmploymentBasis(
                            months: point.rawValue,
                            age: age,
                            criterionType: type,
                            criterionFrom: from,
                            previousPoint: previous,
                            criterion: criterion,
                            typeAtPoint: atPoint,
                            completedEducation6m: completed,
                            declaredFit: fit,
                            isMet: met,
                            rate: goal.rate.value
                        )
                        add(
                            goal,
                            point: .months(point.rawValue),
                            date: date,
                            household: h,
                            person: p,
                            amount: met ? goal.rate.value : .zero,
                            basis: .employment(b),
                            missing: nil,
                            ranks: ranks
                        )
                    } else {
                        let what =
                            criterion == .declaredFit
                            ? "raskmelding ikke oplyst ved målingen (succeskriterie \(criterion.danishName) efter ydelsestypen \(type.danishName))"
                            : "ydelsestype ikke oplyst ved målingen (succeskriterie \(criterion.danishName))"
                        add(
                            goal,
                            point: .months(point.rawValue),
                            date: date,
                            household: h,
                            person: p,
                            amount: .zero,
                            basis: nil,
                            missing: what,
                            ranks: ranks
                        )
                    }
                }
            }
        }
    }

    // MARK: Goal 2 — social measures (B5.1 2.1, 2.5.1)

    mutating func socialMeasureLines(_ goal: PaymentGoal, _ terms: SocialMeasuresTerms, _ counted: [Int], _ index: DeliveryIndex, _ ranks: Ranks) {
        guard let months = goal.resultMonths.last else { return }
        let basis = ageBasis(.socialMeasures)
        let ages = ageRange(goal)
        for h in counted {
            let start = delivery.households[h].start!
            let date = start.addingMonths(months)
            guard date <= asOf else { continue }
            for p in index.persons(of: h) {
                let person = delivery.persons[p]
                let age = person.birthDate.completedYears(on: basis == .measurementDate ? date : start)
                guard ages.contains(age) else { continue }
                let records = index.socialMeasures(of: p)
                if let baseline = records.baseline, let result = records.result,
                    let b = terms.stepUnits(of: baseline), let r = terms.stepUnits(of: result)
                {
                    let amount = goal.rate.value * max(0, b - r)
                    let basis = SocialMeasuresBasis(baseline: baseline, result: result, baselineSteps: b, resultSteps: r, rate: goal.rate.value)
                    add(
                        goal,
                        point: .months(months),
                        date: date,
                        household: h,
                        person: p,
                        amount: amount,
                        basis: .socialMeasures(basis),
                        missing: nil,
                        ranks: ranks
                    )
                } else {
                    let what =
                        records.baseline == nil && records.result == nil
                        ? "foranstaltning ikke oplyst ved baseline og efter \(months) mdr."
                        : records.baseline == nil ? "foranstaltning ikke oplyst ved baseline" : "foranstaltning ikke oplyst efter \(months) mdr."
                    add(goal, point: .months(months), date: date, household: h, person: p, amount: .zero, basis: nil, missing: what, ranks: ranks)
                }
            }
        }
    }

    // MARK: Goal 4 — life satisfaction (B5.1 2.1, 2.7)

    mutating func lifeSatisfactionLines(_ goal: PaymentGoal, _ counted: [Int], _ index: DeliveryIndex, _ ranks: Ranks) {
        let basis = ageBasis(.lifeSatisfaction)
        let ages = ageRange(goal)
        for h in counted {
            let household = delivery.households[h]
            let start = household.start!
            let end = SettlementEngine.courseEnd(of: household, interventionEnd: interventionEnd)
            // An end measurement is due when the course has ended by the as-of date.
            guard end <= asOf else { continue }
            for p in index.persons(of: h) {
                let age = delivery.persons[p].birthDate.completedYears(on: basis == .measurementDate ? end : start)
                guard ages.contains(age) else { continue }
                let records = index.lifeSatisfaction(of: p)
                if let baseline = records.baseline, let last = records.result {
                    let b = LifeSatisfactionBasis(baseline: baseline, end: last, rate: goal.rate.value)
                    add(
                        goal,
                        point: .end,
                        date: end,
                        household: h,
                        person: p,
                        amount: last > baseline ? goal.rate.value : .zero,
                        basis: .lifeSatisfaction(b),
                        missing: nil,
                        ranks: ranks
                    )
                } else {
                    let what = records.baseline == nil ? "livstilfredshed ikke oplyst ved baseline" : "livstilfredshed ikke oplyst ved afslutning"
                    add(goal, point: .end, date: end, household: h, person: p, amount: .zero, basis: nil, missing: what, ranks: ranks)
                }
            }
        }
    }

    // MARK: Goal 5 — action plans (B5.1 2.1, 2.8)

    mutating func actionPlanLines(_ goal: PaymentGoal, _ counted: [Int], _ index: DeliveryIndex, _ ranks: Ranks) {
        for h in counted {
            let end = SettlementEngine.courseEnd(of: delivery.households[h], interventionEnd: interventionEnd)
            guard end <= asOf else { continue }
            let goals = index.actionPlanGoals(of: h)
            let unassessed = goals.filter { $0.fulfilled == nil }.count
            if goals.isEmpty || unassessed > 0 {
                let what = goals.isEmpty ? "handleplanen har ingen mål" : "\(unassessed) af \(goals.count) handleplansmål er ikke vurderet"
                add(goal, point: .end, date: end, household: h, person: nil, amount: .zero, basis: nil, missing: what, ranks: ranks)
                continue
            }
            let fulfilled = goals.filter { $0.fulfilled == true }.count
            // B5.1 2.1: DKK 125 per percentage point met; p = fulfilled / goals × 100.
            let amount = Money.rounded(goal.rate.value.kroner * Ratio(fulfilled * 100, goals.count))
            let basis = ActionPlanBasis(fulfilled: fulfilled, goals: goals.count, rate: goal.rate.value, amount: amount)
            add(goal, point: .end, date: end, household: h, person: nil, amount: amount, basis: .actionPlan(basis), missing: nil, ranks: ranks)
        }
    }

    // MARK: Goal 3 — school absence (B5.1 2.1, 2.6.2)

    mutating func schoolAbsenceLines(_ goal: PaymentGoal) {
        struct Cell { var treatmentSum = Ratio.zero, treatmentCount = 0, controlSum = Ratio.zero, controlCount = 0, measuredOn: LocalDate? }
        var cells: [Int: [AbsencePoint: Cell]] = [:]
        for row in delivery.schoolAbsence {
            var cell = cells[row.cohort, default: [:]][row.point, default: Cell()]
            cell.measuredOn = row.measuredOn
            if let value = row.absencePercent {
                switch row.group {
                case .treatment:
                    cell.treatmentSum += value
                    cell.treatmentCount += 1
                case .control:
                    cell.controlSum += value
                    cell.controlCount += 1
                }
            }
            cells[row.cohort, default: [:]][row.point] = cell
        }
        let rounding = commitment.interpretations.absenceRounding.choice
        func difference(_ cell: Cell) -> Percent? {
            guard cell.treatmentCount > 0, cell.controlCount > 0, !cell.controlSum.isZero else { return nil }
            return SchoolAbsenceRule.difference(
                treatment: Percent(cell.treatmentSum / cell.treatmentCount),
                control: Percent(cell.controlSum / cell.controlCount),
                rounding: rounding
            )
        }
        func problem(_ cell: Cell, _ what: String) -> String? {
            if cell.treatmentCount == 0 { return "ingen værdier for indsatsgruppen \(what)" }
            if cell.controlCount == 0 { return "ingen værdier for kontrolgruppen \(what)" }
            if cell.controlSum.isZero { return "kontrolgruppens fravær er 0 % \(what), så den procentvise forskel kan ikke beregnes" }
            return nil
        }
        for cohort in cells.keys.sorted() {
            let points = cells[cohort]!
            let baseline = points[.baseline]
            for point in AbsencePoint.allCases where point != .baseline {
                guard let cell = points[point], let date = cell.measuredOn, date <= asOf else { continue }
                var basis = SchoolAbsenceBasis(
                    cohort: cohort,
                    months: point.rawValue,
                    treatmentMean: cell.treatmentCount > 0 ? cell.treatmentSum / cell.treatmentCount : nil,
                    controlMean: cell.controlCount > 0 ? cell.controlSum / cell.controlCount : nil,
                    treatmentChildren: cell.treatmentCount,
                    controlChildren: cell.controlCount,
                    baselineDifference: baseline.flatMap(difference),
                    difference: difference(cell),
                    rate: goal.rate.value,
                    problem: nil
                )
                basis.problem =
                    problem(cell, "ved målingen") ?? (baseline == nil ? "ingen baselinemåling for kohorten" : problem(baseline!, "ved baseline"))
                var amount = Money.zero
                if let problem = basis.problem {
                    warnings.append(
                        "school_absence.csv: skolefravær kohorte \(cohort), måling \(point.rawValue) mdr.: \(problem); linjen er sat til 0 kr. Lever de manglende fraværsværdier (B5.1 2.6.2)"
                    )
                } else if let b = basis.baselineDifference, let d = basis.difference {
                    amount = SchoolAbsenceRule.payment(rate: goal.rate.value, baseline: b, point: d)
                }
                add(
                    goal,
                    point: .months(point.rawValue),
                    date: date,
                    household: nil,
                    person: nil,
                    cohort: cohort,
                    amount: amount,
                    basis: .schoolAbsence(basis),
                    missing: nil,
                    ranks: nil
                )
            }
        }
    }

    // MARK: Missing data (B5.1 2.3)

    /// A counted person or household at a due point with no usable value gets the average
    /// amount of the provided lines of the same goal and point (zero amounts included) dated
    /// up to the end of the missing line's own period (and not after as-of); no provided
    /// data gives 0 and a warning.
    mutating func impute() {
        struct Key: Hashable {
            var goal: Int
            var point: LinePoint
        }
        var provided: [Key: [(date: Int, ore: Int64)]] = [:]
        for (i, line) in lines.enumerated() where !isMissing[i] && line.cohort == nil {
            provided[Key(goal: line.goal, point: line.point), default: []].append((line.date.dayNumber, line.amount.minorUnits))
        }
        // Prefix sums by date, for a binary search per missing line.
        var prefix: [Key: (dates: [Int], sums: [Int64])] = [:]
        for (key, values) in provided {
            let sorted = values.sorted { $0.date < $1.date }
            var sums: [Int64] = [0]
            sums.reserveCapacity(sorted.count + 1)
            for value in sorted { sums.append(sums.last! + value.ore) }
            prefix[key] = (sorted.map(\.date), sums)
        }
        let window = commitment.interpretations.imputationWindow.choice
        var unfilled: [String: Int] = [:]
        for i in lines.indices where isMissing[i] {
            let line = lines[i]
            guard case let .imputed(placeholder) = line.basis else { continue }
            let missing = placeholder.missing
            let cutoff = window == .periodEnd ? min(line.period.end, asOf) : asOf
            let key = Key(goal: line.goal, point: line.point)
            var count = 0
            var sum: Int64 = 0
            if let table = prefix[key] {
                count = table.dates.partitioningIndex { $0 > cutoff.dayNumber }
                sum = table.sums[count]
            }
            let average = count == 0 ? Money.zero : Money.rounded(Ratio(Int128(sum), Int128(count) * 100))
            lines[i].amount = average
            let name = commitment.goal(number: line.goal)?.name ?? "Mål \(line.goal)"
            lines[i].basis = .imputed(
                ImputationBasis(goalName: name, point: line.point, missing: missing, providedLines: count, cutoff: cutoff, average: average)
            )
            if count == 0 {
                unfilled["\(name), måling \(line.point.danishDescription), dateret til og med \(cutoff.danishString)", default: 0] += 1
            }
        }
        for (what, count) in unfilled.sorted(by: { $0.key < $1.key }) {
            warnings.append(
                "\(count) manglende \(count == 1 ? "værdi" : "værdier") for \(what) kunne ikke erstattes med et gennemsnit, fordi ingen data er leveret; de er sat til 0 kr. Lever målingerne (B5.1 2.3)"
            )
        }
    }

    // MARK: Periods, caps, payers, recipients

    func aggregate(_ computed: [SettlementLine]) -> Settlement {
        let start = commitment.interventionPeriod.value.start
        let periods = asOf < start ? [] : HalfYear.span(from: start, through: asOf)
        let goals = commitment.paymentGoals.sorted { $0.number < $1.number }
        let kept = Dictionary(approved.map { ($0.period, $0) }, uniquingKeysWith: { first, _ in first })
        let (lines, corrections) = kept.isEmpty ? (computed, []) : SettlementRun.keepApproved(computed, kept: kept, periods: periods)
        let firstOpen = periods.firstIndex { kept[$0] == nil }
        // Amounts per period and goal, in arrays indexed by period and goal position.
        let firstPeriod = periods.first ?? HalfYear(containing: start)
        func periodIndex(_ period: HalfYear) -> Int { (period.year - firstPeriod.year) * 2 + period.half - firstPeriod.half }
        let goalPosition = Dictionary(uniqueKeysWithValues: goals.enumerated().map { ($1.number, $0) })
        var amounts = [[Money]](repeating: [Money](repeating: .zero, count: goals.count), count: periods.count)
        var goalAmount = [Money](repeating: .zero, count: goals.count)
        var goalImputed = [Money](repeating: .zero, count: goals.count)
        var goalLines = [Int](repeating: 0, count: goals.count)
        lines.withUnsafeBufferPointer { lines in
            for line in lines {
                guard let g = goalPosition[line.goal] else { continue }
                let p = periodIndex(line.period)
                if p >= 0, p < periods.count { amounts[p][g] += line.amount }
                goalAmount[g] += line.amount
                if line.isImputed { goalImputed[g] += line.amount }
                goalLines[g] += 1
            }
        }
        // SPEC §10: the corrections are settled in the first open half-year (if it has begun).
        var corrected = [Money](repeating: .zero, count: goals.count)
        if let firstOpen {
            for correction in corrections {
                guard let g = goalPosition[correction.goal] else { continue }
                corrected[g] += correction.difference
                goalAmount[g] += correction.difference
            }
            for g in goals.indices { amounts[firstOpen][g] += corrected[g] }
        }

        let allocator = RepaymentAllocator(commitment)
        var state = RepaymentAllocator.State(allocator)
        var allocated = RepaymentAllocator.Period(allocator)
        var goalPayable = [Money](repeating: .zero, count: goals.count)
        var result: [PeriodSettlement] = []
        for (p, period) in periods.enumerated() {
            if let approvedPeriod = kept[period] {
                state.record(approvedPeriod.settlement, allocator: allocator)
                for (g, goal) in goals.enumerated() {
                    goalPayable[g] += approvedPeriod.settlement.goals.first { $0.goal == goal.number }?.payable ?? .zero
                }
                result.append(approvedPeriod.settlement)
                continue
            }
            allocator.allocate({ amounts[p][$0].minorUnits }, state: &state, into: &allocated)
            for g in goals.indices { goalPayable[g] += Money(minorUnits: allocated.payables[g]) }
            result.append(
                PeriodSettlement(
                    period: period,
                    due: period.paymentDue(quartersAfter: commitment.reporting.paymentDueQuartersAfterPeriod.value),
                    isClosed: period.end <= asOf,
                    goals: goals.indices.map {
                        GoalPeriodAmount(
                            goal: goals[$0].number,
                            amount: amounts[p][$0],
                            payable: Money(minorUnits: allocated.payables[$0]),
                            correction: p == firstOpen ? corrected[$0] : .zero
                        )
                    },
                    capReduction: Money(minorUnits: allocated.capReduction),
                    payers: zip(allocator.payers, allocated.payers).map { PartyAmount(party: $0, amount: Money(minorUnits: $1)) },
                    total: Money(minorUnits: allocated.total),
                    recipients: zip(allocator.recipients, allocated.recipients).map { PartyAmount(party: $0, amount: Money(minorUnits: $1)) }
                )
            )
        }

        let goalSummaries = goals.enumerated().map { g, goal in
            GoalSettlement(
                goal: goal.number,
                amount: goalAmount[g],
                imputed: goalImputed[g],
                payable: goalPayable[g],
                lines: goalLines[g]
            )
        }
        func sum(_ select: (PeriodSettlement) -> [PartyAmount], _ keys: [PartyKey]) -> [PartyAmount] {
            keys.map { key in PartyAmount(party: key, amount: Money.sum(result.map { select($0).first { $0.party == key }?.amount ?? .zero })) }
        }
        let totals = SettlementTotals(
            amount: Money.sum(goalSummaries.map(\.amount)),
            capReduction: Money.sum(result.map(\.capReduction)),
            payers: sum(\.payers, allocator.payers),
            total: Money.sum(result.map(\.total)),
            recipients: sum(\.recipients, allocator.recipients)
        )
        return Settlement(
            contractID: commitment.id,
            asOf: asOf,
            periods: result,
            goals: goalSummaries,
            totals: totals,
            lines: lines,
            warnings: warnings,
            corrections: corrections,
            interpretations: commitment.interpretationNotes(for: .settlement)
        )
    }

    /// SPEC §10: the lines with each approved half-year's computed lines replaced by the ones
    /// it was approved with, and the differences between the two as correction lines, settled
    /// in the first open half-year.
    static func keepApproved(
        _ computed: [SettlementLine],
        kept: [HalfYear: ApprovedPeriod],
        periods: [HalfYear]
    ) -> (lines: [SettlementLine], corrections: [CorrectionLine]) {
        let settledIn = periods.first { kept[$0] == nil } ?? (periods.last.map { $0.next } ?? kept.keys.max()!.next)
        var lines: [SettlementLine] = []
        lines.reserveCapacity(computed.count)
        var recomputed: [HalfYear: [SettlementLine]] = [:]
        var emitted = Set<HalfYear>()
        // The computed lines are in date order, so each half-year's are together.
        for line in computed {
            if let approvedPeriod = kept[line.period] {
                recomputed[line.period, default: []].append(line)
                if emitted.insert(line.period).inserted { lines += approvedPeriod.lines }
            } else {
                lines.append(line)
            }
        }
        // An approved half-year for which nothing is computed any more keeps its lines too.
        let missing = kept.keys.filter { !emitted.contains($0) }.sorted()
        if !missing.isEmpty {
            for period in missing { lines += kept[period]!.lines }
            lines.sort {
                ($0.date, $0.goal, $0.household?.rawValue ?? "", $0.person?.rawValue ?? "", $0.cohort ?? 0)
                    < ($1.date, $1.goal, $1.household?.rawValue ?? "", $1.person?.rawValue ?? "", $1.cohort ?? 0)
            }
        }
        // The corrections already settled in approved half-years, oldest first: what they
        // settled is what the approved half-year now stands at, so it is not settled again.
        let settled = kept.values.flatMap(\.corrections).sorted { $0.settledIn < $1.settledIn }
        var corrections: [CorrectionLine] = []
        for period in kept.keys.sorted() {
            corrections += differences(
                approved: kept[period]!.lines,
                settled: settled.filter { $0.period == period },
                now: recomputed[period] ?? [],
                period: period,
                settledIn: settledIn
            )
        }
        return (lines, corrections)
    }

    /// Line by line (goal, point, household, person, cohort): what changed since the approval
    /// and the corrections already settled for the half-year.
    static func differences(
        approved: [SettlementLine],
        settled: [CorrectionLine],
        now: [SettlementLine],
        period: HalfYear,
        settledIn: HalfYear
    ) -> [CorrectionLine] {
        struct Key: Hashable, Comparable {
            var goal: Int
            var household: String
            var person: String
            var cohort: Int
            var point: String
            static func < (a: Key, b: Key) -> Bool {
                (a.goal, a.household, a.person, a.cohort, a.point) < (b.goal, b.household, b.person, b.cohort, b.point)
            }
        }
        func key(_ line: SettlementLine) -> Key {
            Key(goal: line.goal, household: line.household?.rawValue ?? "", person: line.person?.rawValue ?? "", cohort: line.cohort ?? 0, point: line.point.label)
        }
        var before: [Key: (SettlementLine, Money)] = [:]
        for line in approved { before[key(line), default: (line, .zero)].1 += line.amount }
        for correction in settled {
            let k = Key(
                goal: correction.goal,
                household: correction.household?.rawValue ?? "",
                person: correction.person?.rawValue ?? "",
                cohort: correction.cohort ?? 0,
                point: correction.point.label
            )
            let template =
                before[k]?.0
                ?? SettlementLine(
                    goal: correction.goal,
                    point: correction.point,
                    date: period.end,
                    household: correction.household,
                    person: correction.person,
                    cohort: correction.cohort,
                    amount: .zero,
                    isImputed: false,
                    basis: .recorded(correction.reason)
                )
            before[k] = (template, correction.after)
        }
        var after: [Key: (SettlementLine, Money)] = [:]
        for line in now { after[key(line), default: (line, .zero)].1 += line.amount }
        var result: [CorrectionLine] = []
        for k in Set(before.keys).union(after.keys).sorted() {
            let old = before[k]?.1 ?? .zero
            let new = after[k]?.1 ?? .zero
            guard old != new else { continue }
            let line = (after[k] ?? before[k])!.0
            let reason: String
            if before[k] == nil {
                reason = "Ny linje i den senere leverance: \(line.basis.text)"
            } else if after[k] == nil {
                reason = "Linjen er ikke længere med i leverancen (godkendt \(old.danishString))."
            } else {
                reason = "Ændret i den senere leverance: \(line.basis.text)"
            }
            result.append(
                CorrectionLine(
                    period: period,
                    settledIn: settledIn,
                    goal: k.goal,
                    point: line.point,
                    household: line.household,
                    person: line.person,
                    cohort: line.cohort,
                    before: old,
                    after: new,
                    reason: reason
                )
            )
        }
        return result
    }
}

/// A line's place in the order of SPEC §6, packed into two integers.
struct SortKey: Comparable {
    var first: UInt64
    var second: UInt64
    static func < (lhs: SortKey, rhs: SortKey) -> Bool { (lhs.first, lhs.second) < (rhs.first, rhs.second) }
}

/// Slots shared with `concurrentPerform`; each thread writes only its own slot or field.
final class SharedSlots<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(count: Int, initial: Element) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: initial)
    }
    func release() {
        _ = buffer.deinitialize()
        buffer.deallocate()
    }
}

/// The parts of a settlement, shared with `concurrentPerform`; each thread writes only its own.
struct SharedRuns: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<SettlementRun>
    init(_ buffer: UnsafeMutableBufferPointer<SettlementRun>) { self.buffer = buffer }
}

extension EmploymentPoint {
    /// 0…3, for per-person tables.
    public var index: Int {
        switch self {
        case .start: 0
        case .months12: 1
        case .months18: 2
        case .months24: 3
        }
    }
}

extension Array {
    /// The first index whose element satisfies `belongsInSecondPartition`, for an array
    /// partitioned by it (binary search).
    func partitioningIndex(where belongsInSecondPartition: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongsInSecondPartition(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
