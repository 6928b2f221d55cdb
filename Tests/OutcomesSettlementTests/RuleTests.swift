import OutcomesCore
import OutcomesReports
import Testing

@Suite("Who counts (P 3.2.3, P 3.2.4, B5.1 2.3)")
struct CountingTests {
    func planLines(start: String, end: String, asOf: String = "2025-01-01") -> [SettlementLine] {
        var b = DeliveryBuilder()
        b.household("H1", start: start, end: end, reason: .declined)
        b.plan("H1", [true, false])
        return b.settle(asOf: asOf).lines(goal: 5)
    }

    @Test("A course counts at exactly 3 months, not a day before")
    func exactlyThreeMonths() {
        #expect(planLines(start: "2024-01-31", end: "2024-04-30").count == 1)  // 01-31 + 3 months = 04-30
        #expect(planLines(start: "2024-01-31", end: "2024-04-29").isEmpty)
        #expect(planLines(start: "2024-02-15", end: "2024-05-15").count == 1)
        #expect(planLines(start: "2024-02-15", end: "2024-05-14").isEmpty)
    }

    @Test("A running course counts by the as-of date")
    func runningCourse() {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-03-10")
        b.person("P1", in: "H1", born: "1980-01-01")
        b.employment("P1", .start, .cashBenefitJobReady)
        b.employment("P1", .months12, .employed)
        #expect(b.settle(asOf: "2024-06-09").lines.isEmpty)
        // Counted from 2024-06-10; its 12-month point is due on 2025-03-10.
        #expect(b.settle(asOf: "2025-03-09").lines.isEmpty)
        #expect(b.settle(asOf: "2025-03-10").lines(goal: 1).map(\.amount) == [kr("8600.00")])
    }

    @Test("A replaced household is left out entirely; its replacement counts; a long replaced course warns")
    func replacement() {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-01-10", end: "2024-02-20", reason: .declined)
        b.household("H2", start: "2024-03-01", end: "2025-03-01", reason: .stable, replaces: "H1")
        b.household("H3", start: "2024-01-10", end: "2024-06-30", reason: .moved)
        b.household("H4", start: "2024-07-15", end: "2025-07-15", reason: .stable, replaces: "H3")
        for h in ["H1", "H2", "H3", "H4"] { b.plan(h, [true]) }
        let s = b.settle(asOf: "2025-12-31")
        #expect(s.lines(goal: 5).compactMap(\.household?.rawValue) == ["H2", "H4"])
        #expect(s.lines.allSatisfy { $0.household?.rawValue != "H1" && $0.household?.rawValue != "H3" })
        #expect(s.warnings.count == 1)
        #expect(s.warnings.first?.contains("husstand H3 erstattes af H4") == true)
    }

    @Test("An end date after the intervention period reads as its last day; a course starting after 2026-07-31 never counts")
    func interventionEnd() {
        var b = DeliveryBuilder()
        b.household("H1", start: "2026-01-10", end: "2027-05-01", reason: .stable)
        b.household("H2", start: "2026-08-01")
        b.plan("H1", [true])
        b.plan("H2", [true])
        let s = b.settle(asOf: "2028-12-31")
        #expect(s.lines(goal: 5).map(\.date) == [day("2026-10-31")])
        #expect(s.lines(goal: 5).map(\.household?.rawValue) == ["H1"])
    }

    @Test("Control households and households without a course are not settled")
    func controls() {
        var b = DeliveryBuilder()
        b.household("K1", start: nil, group: .control)
        b.plan("K1", [true])
        #expect(b.settle(asOf: "2027-01-01").lines.isEmpty)
    }
}

@Suite("Dates and ages (SPEC §4)")
struct DateAndAgeTests {
    @Test("Points are calendar months after start, clamped to the month's end")
    func clamping() {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-08-31")
        b.person("P1", in: "H1", born: "1980-01-01")
        for point in EmploymentPoint.allCases { b.employment("P1", point, .employed) }
        let dates = b.settle(asOf: "2026-12-31").lines(goal: 1).map(\.date.isoString)
        #expect(dates == ["2025-08-31", "2026-02-28", "2026-08-31"])
    }

    @Test("Goal 1: aged 18–66 on the measurement date, both bounds on the day")
    func employmentAges() {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-03-01")  // 12-month point 2025-03-01
        let born = ["P18": "2007-03-01", "P17": "2007-03-02", "P67": "1958-03-01", "P66": "1958-03-02"]
        for (id, date) in born.sorted(by: { $0.key < $1.key }) {
            b.person(id, in: "H1", born: date)
            b.employment(id, .start, .cashBenefitJobReady)
            b.employment(id, .months12, .employed)
        }
        let people = b.settle(asOf: "2025-03-01").lines(goal: 1).compactMap(\.person?.rawValue)
        #expect(people == ["P18", "P66"])
    }

    @Test("Goals 2 and 4: aged 18 at the course's start")
    func adultsAtStart() {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-03-01", end: "2026-03-01", reason: .stable)
        b.person("A18", in: "H1", born: "2006-03-01")
        b.person("A17", in: "H1", born: "2006-03-02")  // 18 long before the 24-month point, but not at start
        for id in ["A18", "A17"] {
            b.social(id, baseline: .s85, result: MeasureLevel.none)
            b.life(id, baseline: 3, end: 7)
        }
        let s = b.settle(asOf: "2026-06-30")
        #expect(s.lines(goal: 2).compactMap(\.person?.rawValue) == ["A18"])
        #expect(s.lines(goal: 4).compactMap(\.person?.rawValue) == ["A18"])
        #expect(s.lines(goal: 2).first?.amount == kr("126000.00"))
        #expect(s.lines(goal: 4).first?.amount == kr("2000.00"))
    }

    @Test("A person born on 29 February is 18 on 28 February in a common year")
    func leapling() {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-02-28")  // 12-month point 2025-02-28
        b.person("P1", in: "H1", born: "2007-02-28")
        b.person("P2", in: "H1", born: "2006-02-28")
        b.person("L", in: "H1", born: "2004-02-29")  // 21: in
        for id in ["P1", "P2", "L"] {
            b.employment(id, .start, .cashBenefitJobReady)
            b.employment(id, .months12, .employed)
        }
        let people = b.settle(asOf: "2025-03-01").lines(goal: 1).compactMap(\.person?.rawValue)
        #expect(people == ["L", "P1", "P2"])
    }
}

@Suite("Goal 1: the benefit-type chain and the criteria (B5.1 2.1, 2.4.1)")
struct EmploymentRuleTests {
    func settle(_ rows: [(EmploymentPoint, BenefitType?, Bool?, DeclaredFit?)], asOf: String = "2026-12-31") -> Settlement {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-01-10")
        b.person("P1", in: "H1", born: "1980-01-01")
        for (point, type, completed, fit) in rows { b.employment("P1", point, type, completed: completed, fit: fit) }
        return b.settle(asOf: asOf)
    }

    @Test("12 follows start, 18 follows 12, 24 follows 18; a missing type falls back to the latest earlier one")
    func chain() throws {
        let s = settle([
            (.start, .cashBenefitJobReady, nil, nil), (.months12, nil, nil, nil), (.months18, .sicknessBenefit, nil, nil),
            (.months24, .employed, nil, .partial),
        ])
        let at12 = try #require(s.line(goal: 1, person: "P1", point: "12"))
        #expect(at12.isImputed)  // type at 12 not provided
        let at18 = try #require(s.line(goal: 1, person: "P1", point: "18"))
        #expect(!at18.isImputed && at18.amount == .zero)
        #expect(at18.basis.text.contains("mangler; seneste registrerede (ved start): kontanthjælp (jobparat)"))
        let at24 = try #require(s.line(goal: 1, person: "P1", point: "24"))
        #expect(at24.amount == kr("8600.00"))
        #expect(at24.basis.text.contains("succeskriterie Raskmelding"))
    }

    @Test("With no earlier type recorded the type is unknown (education/employment)")
    func noEarlierType() throws {
        let s = settle([(.months12, .employed, nil, nil)])
        let line = try #require(s.line(goal: 1, person: "P1", point: "12"))
        #expect(line.amount == kr("8600.00"))
        #expect(line.basis.text.contains("Ingen ydelsestype registreret før målingen"))
    }

    @Test("A recorded `unknown` is a recorded type: no fallback past it")
    func recordedUnknown() throws {
        let s = settle([(.start, .flexjob, nil, nil), (.months12, .unknown, nil, nil), (.months18, .flexjob, nil, nil)])
        // At 18 the criterion follows the recorded `unknown` at 12 (education/employment), not flexjob at start.
        #expect(s.line(goal: 1, person: "P1", point: "18")?.amount == .zero)
        // With the type at 12 blank it falls back to flexjob at start, and flexjob at 18 meets it.
        let fallback = settle([(.start, .flexjob, nil, nil), (.months12, nil, nil, nil), (.months18, .flexjob, nil, nil)])
        #expect(fallback.line(goal: 1, person: "P1", point: "18")?.amount == kr("8600.00"))
    }

    static let criteria: [(start: BenefitType, at12: BenefitType?, completed: Bool?, fit: DeclaredFit?, expected: String?)] = [
        (.cashBenefitJobReady, .employed, nil, nil, "8600.00"),
        (.cashBenefitJobReady, .inEducation, nil, nil, "8600.00"),
        (.cashBenefitJobReady, .noBenefit, nil, nil, "8600.00"),
        (.cashBenefitJobReady, .cashBenefitJobReady, true, nil, "8600.00"),  // completed education within 6 months
        (.cashBenefitJobReady, nil, true, nil, "8600.00"),  // provided by completed education alone
        (.cashBenefitJobReady, .cashBenefitJobReady, false, nil, "0.00"),
        (.earlyRetirement, .earlyRetirement, nil, nil, "0.00"),
        (.sicknessBenefit, .sicknessBenefit, nil, .partial, "8600.00"),
        (.jobClarification, .unemploymentInsurance, nil, .full, "8600.00"),
        (.sicknessBenefit, .employed, nil, DeclaredFit.none, "0.00"),
        (.sicknessBenefit, .employed, nil, nil, nil),  // declared fit not provided: imputed
        (.flexjob, .flexjob, nil, nil, "8600.00"),
        (.flexjob, .resourceProgramme, nil, nil, "0.00"),
        (.flexjob, nil, true, nil, nil),  // flexjob needs the type at the point
    ]

    @Test("Each criterion: education/employment, declared fit, flexjob", arguments: criteria)
    func criterion(start: BenefitType, at12: BenefitType?, completed: Bool?, fit: DeclaredFit?, expected: String?) throws {
        let s = settle([(.start, start, nil, nil), (.months12, at12, completed, fit)], asOf: "2025-01-10")
        let line = try #require(s.line(goal: 1, person: "P1", point: "12"))
        if let expected {
            #expect(!line.isImputed && line.amount == kr(expected))
        } else {
            #expect(line.isImputed)
        }
    }
}

@Suite("Missing data (B5.1 2.3)")
struct ImputationTests {
    /// Persons whose 12-month points fall in 2025-H1 (A provided 8.600, C missing) and
    /// 2025-H2 (B provided 0, D missing).
    func builder() -> DeliveryBuilder {
        var b = DeliveryBuilder()
        for (h, start) in [("HA", "2024-02-01"), ("HB", "2024-08-01"), ("HC", "2024-03-01"), ("HD", "2024-09-01")] {
            b.household(h, start: start)
        }
        for (p, h) in [("A", "HA"), ("B", "HB"), ("C", "HC"), ("D", "HD")] {
            b.person(p, in: h, born: "1980-01-01")
            b.employment(p, .start, .cashBenefitJobReady)
        }
        b.employment("A", .months12, .employed)
        b.employment("B", .months12, .cashBenefitJobReady)
        return b
    }

    @Test("The average of provided lines of the same goal and point dated up to the end of the line's own period")
    func periodWindow() throws {
        let s = builder().settle(asOf: "2025-12-31")
        let c = try #require(s.line(goal: 1, person: "C", point: "12"))
        #expect(c.isImputed && c.amount == kr("8600.00"))  // only A (2025-02-01) is dated ≤ 2025-06-30
        #expect(c.basis.text.contains("gennemsnittet af 1 leverede linjer"))
        let d = try #require(s.line(goal: 1, person: "D", point: "12"))
        #expect(d.isImputed && d.amount == kr("4300.00"))  // A and B
        #expect(s.goals[0].imputed == kr("12900.00"))
    }

    @Test("The as-of reading averages everything provided by the as-of date")
    func asOfWindow() throws {
        var commitment = viborg
        commitment.interpretations.imputationWindow = Interpretation(.asOf, "B5.1 2.3")
        let s = builder().settle(asOf: "2025-12-31", commitment)
        #expect(s.line(goal: 1, person: "C", point: "12")?.amount == kr("4300.00"))
    }

    @Test("The window never reaches past the as-of date")
    func neverPastAsOf() throws {
        var b = builder()
        b.employment("D", .months12, .employed)  // now D is provided on 2025-09-01
        let s = b.settle(asOf: "2025-08-31")  // D's and B's points are not due yet
        #expect(s.line(goal: 1, person: "C", point: "12")?.amount == kr("8600.00"))
        #expect(s.line(goal: 1, person: "D", point: "12") == nil)
    }

    @Test("No provided data: 0, imputed, and a warning that says what to deliver")
    func nothingProvided() throws {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-01-10", end: "2025-01-10", reason: .stable)
        b.person("P1", in: "H1", born: "1980-01-01")
        b.life("P1", baseline: 5, end: nil)
        let s = b.settle(asOf: "2025-12-31")
        let line = try #require(s.lines(goal: 4).first)
        #expect(line.isImputed && line.amount == .zero)
        #expect(s.warnings.contains { $0.contains("Livstilfredshed, måling ved afslutning") && $0.contains("Lever målingerne") })
    }

    @Test("An action plan with a goal not assessed, or with no goals, is missing")
    func actionPlanMissing() {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-01-10", end: "2025-01-10", reason: .stable)
        b.household("H2", start: "2024-01-11", end: "2025-01-11", reason: .stable)
        b.household("H3", start: "2024-01-12", end: "2025-01-12", reason: .stable)
        b.plan("H1", [true, true, false, true])  // 75 % → 9.375
        b.plan("H2", [true, nil])
        let lines = b.settle(asOf: "2025-06-30").lines(goal: 5)
        #expect(lines.map(\.amount) == [kr("9375.00"), kr("9375.00"), kr("9375.00")])
        #expect(lines.map(\.isImputed) == [false, true, true])
    }
}

@Suite("Caps, the return cap and tranches, crossed inside a period")
struct CapTests {
    /// Goal 4 lines of 2.000 kr. at the given course ends (one improved person each).
    func lifeLines(_ ends: [String]) -> DeliveryBuilder {
        var b = DeliveryBuilder()
        for (i, end) in ends.enumerated() {
            let start = day(end).addingMonths(-12).isoString
            b.household("H\(i)", start: start, end: end, reason: .stable)
            b.person("P\(i)", in: "H\(i)", born: "1980-01-01")
            b.life("P\(i)", baseline: 4, end: 6)
        }
        return b
    }

    @Test("Goal 4's cap (B5.1 2.7.2) is cut in the period that crosses it; later periods pay 0")
    func goalCap() throws {
        let b = lifeLines(["2025-02-01", "2025-03-01", "2025-08-01", "2025-09-01", "2026-02-01"])
        let s = b.settle(asOf: "2026-06-30", viborg.withCap(goal: 4, kr("5000.00")))
        let payable = ["2025-H1", "2025-H2", "2026-H1"].map { s.period($0)!.goals.first { $0.goal == 4 }!.payable }
        #expect(payable == [kr("4000.00"), kr("1000.00"), .zero])
        #expect(s.goals[3].amount == kr("10000.00") && s.goals[3].payable == kr("5000.00"))
        #expect(s.totals.payers.first { $0.party.rawValue == "lbf" }?.amount == kr("5000.00"))
    }

    @Test("Goal 3's cap (B5.1 2.6.3) is cut inside a period")
    func absenceCap() throws {
        var b = DeliveryBuilder()
        b.absenceExample()
        let s = b.settle(asOf: "2026-06-30", viborg.withCap(goal: 3, kr("150000.00")))
        #expect(s.period("2025-H1")!.goals[2].payable == kr("130000.00"))
        #expect(s.period("2025-H2")!.goals[2].payable == kr("20000.00"))
        #expect(s.period("2025-H2")!.goals[2].amount == kr("72150.00"))
        #expect(s.goals[2].payable == kr("150000.00"))
    }

    func employmentEach(_ points: [String]) -> DeliveryBuilder {
        var b = DeliveryBuilder()
        for (i, point) in points.enumerated() {
            b.household("H\(i)", start: day(point).addingMonths(-12).isoString)
            b.person("P\(i)", in: "H\(i)", born: "1980-01-01")
            b.employment("P\(i)", .start, .cashBenefitJobReady)
            b.employment("P\(i)", .months12, .employed)
        }
        return b
    }

    @Test("The return cap (T 5.2) cuts the municipality's period total that crosses it")
    func returnCap() throws {
        var commitment = viborg
        commitment.returnCap.amount = Stated(kr("10000.00"), "T 5.2")
        let s = employmentEach(["2025-02-01", "2025-08-01", "2026-02-01"]).settle(asOf: "2026-06-30", commitment)
        #expect(s.payer("kommune", in: "2025-H1") == kr("8600.00"))
        #expect(s.payer("kommune", in: "2025-H2") == kr("1400.00"))
        #expect(s.period("2025-H2")?.capReduction == kr("7200.00"))
        #expect(s.payer("kommune", in: "2026-H1") == .zero)
        #expect(s.period("2026-H1")?.capReduction == kr("8600.00"))
        #expect(s.totals.capReduction == kr("15800.00") && s.totals.total == kr("10000.00"))
    }

    @Test("The return cap leaves LBF's goal 4 alone under the municipality-only reading")
    func returnCapCoverage() throws {
        var commitment = viborg
        commitment.returnCap.amount = Stated(kr("1000.00"), "T 5.2")
        var b = lifeLines(["2025-02-01"])
        b.employment("P0", .start, .cashBenefitJobReady)
        b.employment("P0", .months12, .employed)
        let s = b.settle(asOf: "2026-06-30", commitment)
        #expect(s.totals.payers.map(\.amount) == [kr("1000.00"), kr("2000.00")])
        commitment.interpretations.returnCapCoverage = Interpretation(.allPayers, "T 5.2")
        let all = b.settle(asOf: "2026-06-30", commitment)
        #expect(all.totals.total == kr("1000.00"))
    }

    @Test("The INDIGO export shows the return cap's cut on the payer it fell on, under either reading")
    func indigoCapCuts() throws {
        var commitment = viborg
        commitment.returnCap.amount = Stated(kr("1000.00"), "T 5.2")
        var b = lifeLines(["2025-02-01"])
        b.employment("P0", .start, .cashBenefitJobReady)
        b.employment("P0", .months12, .employed)
        // Municipality only: goal 1's 8.600 kr. is cut to 1.000; LBF's goal 4 (2.000 kr.) stands.
        let only = IndigoExport.Period.actual(b.settle(asOf: "2026-06-30", commitment), commitment).flatMap(\.capReductions)
        #expect(only.map(\.payer.rawValue) == ["kommune"] && only.map(\.amount) == [kr("7600.00")])
        // All payers: 10.600 kr. cut to 1.000, the municipality's 8.600 first, then 1.000 of LBF's.
        commitment.interpretations.returnCapCoverage = Interpretation(.allPayers, "T 5.2")
        let all = IndigoExport.Period.actual(b.settle(asOf: "2026-06-30", commitment), commitment).flatMap(\.capReductions)
        #expect(all.map(\.payer.rawValue) == ["kommune", "lbf"] && all.map(\.amount) == [kr("8600.00"), kr("1000.00")])
        // The most the payers can pay together is then the return cap itself.
        let input = IndigoExport.Input(
            commitment: commitment,
            projectID: "INDIGO-POJ-0314",
            asOf: day("2026-06-30"),
            planned: [],
            actual: [],
            transfers: [],
            enrolledHouseholds: 1,
            lastPaymentDue: day("2029-03-31")
        )
        let finance = IndigoExport.document(input).document["project"]?["data"]?["overall_project_finance"]
        #expect(finance?["maximum_potential_outcome_payment_v2"]?["amount"]?["value"] == .number("1000.00"))
    }

    @Test("The tranche threshold (B5.1 1.1) crossed inside a period: 74/26 up to it, 100/0 after")
    func trancheThreshold() throws {
        var commitment = viborg
        commitment.tranches.threshold = Stated(kr("10000.00"), "B5.1 1.1")
        let s = employmentEach(["2025-02-01", "2025-08-01"]).settle(asOf: "2025-12-31", commitment)
        #expect(s.recipient("dsi", in: "2025-H1") == kr("6364.00"))  // 8.600 × 0,74
        #expect(s.recipient("lbf", in: "2025-H1") == kr("2236.00"))
        // 1.400 in tranche 1 (1.036 / 364), 7.200 in tranche 2 (all to DSI).
        #expect(s.recipient("dsi", in: "2025-H2") == kr("8236.00"))
        #expect(s.recipient("lbf", in: "2025-H2") == kr("364.00"))
    }

    @Test("Pro-rata tranche shares are the grants' exact proportions")
    func proRata() throws {
        var commitment = viborg
        commitment.interpretations.trancheShares = Interpretation(.proRata, "B5.1 1.1")
        let s = employmentEach(["2025-02-01"]).settle(asOf: "2025-06-30", commitment)
        // 8.600 × 3.912.500 / 5.275.000 = 6.378,67…
        #expect(s.recipient("dsi", in: "2025-H1") == kr("6378.67"))
        #expect(s.recipient("lbf", in: "2025-H1") == kr("2221.33"))
    }
}

@Suite("Rounding: each line to the øre, half away from zero; totals are sums of lines")
struct RoundingTests {
    @Test("A tie in a line, in an average and in DSI's share rounds away from zero")
    func ties() throws {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-01-10", end: "2025-01-10", reason: .stable)
        b.household("H2", start: "2024-01-11", end: "2025-01-11", reason: .stable)
        b.household("H3", start: "2024-01-12", end: "2025-01-12", reason: .stable)
        b.plan("H1", [true] + Array(repeating: false, count: 15))  // 1 of 16: 12.500 / 16 = 781,25
        b.plan("H2", Array(repeating: false, count: 16))  // 0
        b.plan("H3", [nil])  // missing: (781,25 + 0) / 2 = 390,625 → 390,63
        var commitment = viborg
        commitment.paymentGoals = commitment.paymentGoals.filter { $0.kind == .actionPlans }
        let s = b.settle(asOf: "2025-06-30", commitment)
        #expect(s.lines(goal: 5).map(\.amount) == [kr("781.25"), kr("0.00"), kr("390.63")])
        let total = try #require(s.period("2025-H1")).total
        #expect(total == kr("1171.88"))
        // 1.171,88 × 0,74 = 867,1912 → 867,19; LBF the rest.
        #expect(s.recipient("dsi", in: "2025-H1") == kr("867.19"))
        #expect(s.recipient("lbf", in: "2025-H1") == kr("304.69"))
    }

    @Test("DSI's share of a tie: 781,25 × 0,74 = 578,125 → 578,13")
    func shareTie() throws {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-01-10", end: "2025-01-10", reason: .stable)
        b.plan("H1", [true] + Array(repeating: false, count: 15))
        let s = b.settle(asOf: "2025-06-30")
        #expect(s.recipient("dsi", in: "2025-H1") == kr("578.13"))
        #expect(s.recipient("lbf", in: "2025-H1") == kr("203.12"))
    }

    @Test("Goal 3 differences round to one decimal half away from zero, or not at all")
    func absenceRounding() {
        #expect(
            SchoolAbsenceRule.difference(treatment: Percent(Ratio(75, 10)), control: Percent(Ratio(95, 10)), rounding: .oneDecimal).value
                == Ratio(-211, 10)
        )
        let exact = SchoolAbsenceRule.difference(treatment: Percent(Ratio(75, 10)), control: Percent(Ratio(95, 10)), rounding: .exact)
        #expect(exact.value == Ratio(-400, 19))
        #expect(SchoolAbsenceRule.payment(rate: kr("6500.00"), baseline: Percent(Ratio(-10)), point: exact) == kr("71842.11"))  // 11,0526… × 6.500
    }
}

@Suite("Goal 3: cohorts and points")
struct SchoolAbsenceRuleTests {
    @Test("A point with rows but no control values pays 0 and warns; a point with no rows has no line; a point after as-of is not due")
    func missingGroups() {
        var b = DeliveryBuilder()
        b.absence(.baseline, .control, child: "C1", Ratio(10), on: "2024-01-31")
        b.absence(.baseline, .treatment, child: "T1", Ratio(9), on: "2024-01-31")
        b.absence(.months12, .treatment, child: "T1", Ratio(7), on: "2025-01-31")
        b.absence(.months12, .control, child: "C1", nil, on: "2025-01-31")
        b.absence(.months24, .treatment, child: "T1", Ratio(7), on: "2026-01-31")
        b.absence(.months24, .control, child: "C1", Ratio(8), on: "2026-01-31")
        let s = b.settle(asOf: "2025-12-31")
        #expect(s.lines(goal: 3).map(\.point.label) == ["12"])
        #expect(s.lines(goal: 3).first?.amount == .zero)
        #expect(s.warnings.contains { $0.contains("kohorte 1, måling 12 mdr.: ingen værdier for kontrolgruppen") })
    }
}

@Suite("Periods (B5.1 1.2, P 4 note 1)")
struct PeriodTests {
    @Test("Every half-year from the intervention's start to as-of, with due dates and closed flags")
    func periods() {
        let s = DeliveryBuilder().settle(asOf: "2025-03-15")
        #expect(s.periods.map(\.period.label) == ["2023-H2", "2024-H1", "2024-H2", "2025-H1"])
        #expect(s.periods.map(\.due.isoString) == ["2024-03-31", "2024-09-30", "2025-03-31", "2025-09-30"])
        #expect(s.periods.map(\.isClosed) == [true, true, true, false])
        #expect(s.totals.total == .zero)
    }
}
