import Foundation
public import OutcomesCore

/// Writes a deterministic, realistic data delivery for an agreement (SPEC §5): Viborg's by
/// default, any other's from its contract file (only the files of its goals).
///
/// Households in the agreement's areas enrol at the budget's pace (B4.1) into three cohorts by
/// intervention year; benefit types and measures are drawn from the expected baselines of
/// B5.1 2.4.1 and 2.5.1 and move with their expected success rates; school absence starts
/// near 9,85 % (B5.1 2.6.1); about one course in ten ends within three months and is
/// replaced (P 3.2.3); a few values are missing.
public enum DemoData {
    /// The files of a delivery by name, as CSV text (`,`-separated, UTF-8, ISO dates).
    public static func generate(commitment: Commitment, seed: UInt64, households count: Int) -> [String: String] {
        var g = Generator(commitment: commitment, random: SeededGenerator(seed: seed))
        g.run(treatmentHouseholds: count)
        return g.files()
    }

    /// Writes the delivery into a folder, creating it.
    public static func write(commitment: Commitment, seed: UInt64, households: Int, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, text) in generate(commitment: commitment, seed: seed, households: households) {
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
        }
    }
}

private struct Generator {
    let commitment: Commitment
    var random: SeededGenerator
    var households = "household_id,area,list_position,group,start_date,end_date,end_reason,replaces,cohort\n"
    var persons = "person_id,household_id,birth_date\n"
    var employment = "person_id,point,benefit_type,completed_education_6m,declared_fit\n"
    var social = "person_id,point,measure\n"
    var life = "person_id,point,score\n"
    var plans = "household_id,goal_id,fulfilled\n"
    var absence = "cohort,point,group,child_id,absence_pct,measured_on\n"
    var householdNumber = 0
    var personNumber = 0
    var controlChildNumber = 0
    /// Children in grades 0–9 per cohort: (id, group, baseline absence in hundredths of a percent).
    var children: [Int: [(id: String, group: Group, base: Int)]] = [:]

    init(commitment: Commitment, random: SeededGenerator) {
        self.commitment = commitment
        self.random = random
    }

    mutating func chance(_ percent: Ratio) -> Bool {
        Ratio(Int(random.next() % 1_000_000), 1_000_000) < percent / 100
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    /// Draws an index with the given weights.
    mutating func weighted(_ weights: [Int]) -> Int {
        let total = weights.reduce(0, +)
        var pick = int(0...max(0, total - 1))
        for (index, weight) in weights.enumerated() {
            if pick < weight { return index }
            pick -= weight
        }
        return weights.count - 1
    }

    /// The files, each only when the agreement has its goal (households and persons always).
    func files() -> [String: String] {
        var files = ["households.csv": listedInOrder(households), "persons.csv": persons]
        for (kind, name, text) in [
            (GoalKind.employment, "employment.csv", employment), (.socialMeasures, "social_measures.csv", social),
            (.lifeSatisfaction, "life_satisfaction.csv", life), (.actionPlans, "action_plan_goals.csv", plans),
            (.schoolAbsence, "school_absence.csv", absence),
        ] where commitment.goal(kind) != nil {
            files[name] = text
        }
        return files
    }

    /// The visitation list as P 3.2.2 has it taken: the treatment households in the order
    /// their courses started (the list was taken from the top), then the control households,
    /// who were never offered the intervention.
    func listedInOrder(_ csv: String) -> String {
        var lines = csv.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let header = lines.removeFirst()
        let order = lines.indices.sorted { a, b in
            let (x, y) = (lines[a], lines[b])
            if x[3] != y[3] { return x[3] == "treatment" }
            return (x[4], x[0]) < (y[4], y[0])
        }
        for (position, index) in order.enumerated() { lines[index][2] = String(position + 1) }
        return ([header] + lines).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    mutating func run(treatmentHouseholds total: Int) {
        let period = commitment.interventionPeriod.value
        let budget = commitment.budget
        let weights = budget.expectedHouseholds
        let expected = max(1, weights.reduce(0, +))
        // Households per budget year, scaled to the requested total.
        var perYear = weights.map { $0 * total / expected }
        perYear[perYear.count - 1] += total - perYear.reduce(0, +)
        let controls = max(1, total / 2)
        // Positions drawn here are replaced by the list order in `listedInOrder` (the draw
        // stays, so the rest of the generated data does not change).
        var positions = Array(1...(total + controls + total / 5 + 10))
        positions.shuffle(using: &random)
        var positionIndex = 0
        func nextPosition() -> Int {
            defer { positionIndex += 1 }
            return positions[positionIndex % positions.count]
        }

        for (yearIndex, year) in budget.years.enumerated() {
            let from = max(period.start, LocalDate(year: year, month: 1, day: 1)!)
            let to = min(period.end, LocalDate(year: year, month: 12, day: 31)!)
            let span = max(0, from.days(to: to))
            for _ in 0..<perYear[yearIndex] {
                let start = from.addingDays(int(0...span))
                let id = nextHousehold()
                // About one in ten ends within three months and is replaced (P 3.2.3).
                if chance(Ratio(10)), start.addingMonths(4) < period.end {
                    let end = start.addingDays(int(14...85))
                    let reason = [EndReason.declined, .moved, .otherOffer, .other][int(0...3)]
                    writeHousehold(id, start: start, end: end, reason: reason, replaces: nil, position: nextPosition())
                    let replacement = nextHousehold()
                    let replacementStart = min(period.end, end.addingDays(int(7...45)))
                    writeHousehold(replacement, start: replacementStart, end: nil, reason: nil, replaces: id, position: nextPosition())
                } else {
                    writeHousehold(id, start: start, end: nil, reason: nil, replaces: nil, position: nextPosition())
                }
            }
        }
        for _ in 0..<controls {
            householdNumber += 1
            let id = "K\(pad(householdNumber, 5))"
            households += "\(id),\(area()),\(nextPosition()),control,,,,,\n"
            // Control children for goal 3, spread over the cohorts.
            for _ in 0..<weighted([50, 35, 15]) {
                controlChildNumber += 1
                let cohort = int(1...3)
                children[cohort, default: []].append(("KB\(pad(controlChildNumber, 6))", .control, 985 + int(-400...400)))
            }
        }
        writeAbsence()
    }

    mutating func nextHousehold() -> String {
        householdNumber += 1
        return "H\(pad(householdNumber, 5))"
    }

    func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// The demo's households by area: the first area the contract lists has 40 % (Viborg's
    /// Houlkær), the others share the rest evenly (a demo's assumption, not the agreement's).
    mutating func area() -> String {
        let areas = commitment.areas.map(\.area.rawValue)
        guard areas.count > 1 else { return areas.first ?? "" }
        let others = areas.count - 1
        let weights = [40] + (0..<others).map { 60 / others + ($0 < 60 % others ? 1 : 0) }
        return areas[weighted(weights)]
    }

    /// The cohort of a course starting on `start`: intervention years, November–October.
    func cohort(of start: LocalDate) -> Int {
        let months = commitment.interventionPeriod.value.start.wholeMonths(until: start)
        return min(3, months / 12 + 1)
    }

    mutating func writeHousehold(_ id: String, start: LocalDate, end: LocalDate?, reason: EndReason?, replaces: String?, position: Int) {
        let interventionEnd = commitment.interventionPeriod.value.end
        var end = end
        var reason = reason
        // Some courses end after about a year when the household is stable — the regular
        // completion (P 1.1.3), no early ending under T 6.1.1 (iii); the rest run to the
        // period's end.
        if end == nil, chance(Ratio(35)) {
            let stable = start.addingMonths(int(10...20))
            if stable < interventionEnd {
                end = stable
                // The draw that once picked another reason stays, so the seed's other values
                // (examples/viborg-demo) are as they were.
                _ = chance(Ratio(20))
                reason = .stable
            }
        }
        let cohort = cohort(of: start)
        households +=
            "\(id),\(area()),\(position),treatment,\(start.isoString),\(end?.isoString ?? ""),\(reason?.rawValue ?? ""),\(replaces ?? ""),\(cohort)\n"
        let courseEnd = min(end ?? interventionEnd, interventionEnd)

        // Members: one or two adults, and children (~2,55 persons per household, P 1.6.1).
        let adults = weighted([55, 45]) + 1
        let kids = weighted([40, 27, 20, 9, 4])
        for adult in 0..<adults {
            personNumber += 1
            let personID = "P\(pad(personNumber, 6))"
            let age = adult == 0 ? int(19...64) : int(18...70)
            let birth = start.addingMonths(-(age * 12 + int(0...11))).addingDays(-int(0...27))
            persons += "\(personID),\(id),\(birth.isoString)\n"
            writeEmployment(personID, start: start, birth: birth)
            writeSocial(personID)
            writeLife(personID, ended: courseEnd)
        }
        for _ in 0..<kids {
            personNumber += 1
            let personID = "P\(pad(personNumber, 6))"
            let age = int(1...17)
            let birth = start.addingMonths(-(age * 12 + int(0...11)))
            persons += "\(personID),\(id),\(birth.isoString)\n"
            if (6...15).contains(age) {
                children[cohort, default: []].append((personID, .treatment, 985 + int(-450...450)))
            }
        }
        // Action plan: 3–7 goals, about 60 % met (B5.1 2.8.2); a few not assessed.
        var expectedFulfilment = Ratio(60)
        if case let .actionPlans(terms)? = commitment.goal(.actionPlans)?.terms { expectedFulfilment = terms.expectedFulfilment.value.value }
        for goal in 1...int(3...7) {
            let fulfilled = chance(Ratio(2)) ? "" : (chance(expectedFulfilment) ? "ja" : "nej")
            plans += "\(id),M\(goal),\(fulfilled)\n"
        }
    }

    mutating func writeEmployment(_ person: String, start: LocalDate, birth: LocalDate) {
        guard case let .employment(terms)? = commitment.goal(.employment)?.terms else { return }
        let row = terms.rows[weighted(terms.rows.map(\.expectedCount))]
        var type = row.type
        employment += "\(person),start,\(type.rawValue),,\n"
        for point in ["12", "18", "24"] {
            let rate = terms.rows.first { $0.type == type }?.expectedSuccessRate.value ?? Ratio(20)
            let success = chance(rate)
            var completed = ""
            var fit = ""
            switch type.criterion {
            case .educationOrEmployment:
                if success {
                    type = [BenefitType.employed, .inEducation, .noBenefit][weighted([60, 30, 10])]
                    if chance(Ratio(10)) { completed = "ja" }
                }
            case .declaredFit:
                fit = success ? (chance(Ratio(50)) ? "partial" : "full") : "none"
                if success { type = chance(Ratio(50)) ? .employed : .unemploymentInsurance }
            case .flexjob:
                if !success { type = .resourceProgramme }
            }
            // About 3 % of measurements are missing.
            let typeText = chance(Ratio(3)) ? "" : type.rawValue
            employment += "\(person),\(point),\(typeText),\(completed),\(fit)\n"
        }
    }

    mutating func writeSocial(_ person: String) {
        guard case let .socialMeasures(terms)? = commitment.goal(.socialMeasures)?.terms else { return }
        let row = terms.rows[weighted(terms.rows.map(\.expectedCount))]
        var level = row.level
        social += "\(person),baseline,\(level.rawValue)\n"
        if let rate = row.expectedSuccessRate?.value, chance(rate), let index = MeasureLevel.allCases.firstIndex(of: level), index > 0 {
            level = MeasureLevel.allCases[index - 1]
        }
        social += "\(person),24,\(chance(Ratio(3)) ? "" : level.rawValue)\n"
    }

    mutating func writeLife(_ person: String, ended: LocalDate) {
        guard commitment.goal(.lifeSatisfaction) != nil else { return }
        let baseline = int(2...8)
        var improvedShare = Ratio(40)
        if case let .lifeSatisfaction(terms)? = commitment.goal(.lifeSatisfaction)?.terms { improvedShare = terms.expectedImprovedShare.value.value }
        let end = chance(improvedShare) ? min(10, baseline + int(1...3)) : max(0, baseline - int(0...2))
        life += "\(person),baseline,\(baseline)\n"
        life += "\(person),end,\(chance(Ratio(4)) ? "" : String(end))\n"
    }

    mutating func writeAbsence() {
        let start = commitment.interventionPeriod.value.start
        for cohort in children.keys.sorted() {
            // Measured mid-cohort-year: baseline six months into the cohort's year, then +12, +18, +24.
            let base = start.addingMonths((cohort - 1) * 12 + 6).lastOfMonth
            for (point, months, fall) in [("baseline", 0, 0), ("12", 12, 230), ("18", 18, 185), ("24", 24, 135)] {
                let date = base.addingMonths(months).lastOfMonth.isoString
                for child in children[cohort]! {
                    let drop = child.group == .treatment ? fall + int(-60...60) : int(-40...40)
                    let value = max(0, child.base - drop + int(-80...80))
                    let text = chance(Ratio(2)) ? "" : "\(value / 100).\(pad(value % 100, 2))"
                    absence += "\(cohort),\(point),\(child.group.rawValue),\(child.id),\(text),\(date)\n"
                }
            }
        }
    }
}
