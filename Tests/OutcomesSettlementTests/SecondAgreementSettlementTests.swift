import Foundation
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import Testing

/// Issue #18: the second agreement (examples/aarhus, fictional) settled to the øre against
/// figures computed by hand from its contract file — other rates, goals in another order, no
/// goal 4, two funders at 60/40.
@Suite("The second agreement's settlement, by hand")
struct SecondAgreementSettlementTests {
    static let aarhus: Commitment = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/aarhus/aftale.yaml")
        do { return try ContractFile.parse(try String(contentsOf: file, encoding: .utf8), file: "aftale.yaml") } catch { fatalError("\(error)") }
    }()

    /// Two households. H1 (Vestbyen) from 1.4.2025, ended stable 1.4.2027; P1, born 1985, on
    /// job-ready cash benefit at the start and employed at 12, 18 and 24 months; § 85 at the
    /// start, § 82 after 24 months; a family plan of four goals, three met. H2 (Skovparken)
    /// from 1.5.2025, still running; P2, born 1960, on early retirement throughout; § 103/104
    /// at the start, no measure after 24 months; no plan delivered.
    static let files: [String: String] = [
        "households.csv": """
            household_id,area,list_position,group,start_date,end_date,end_reason,replaces,cohort
            H1,vestbyen,1,treatment,2025-04-01,2027-04-01,stable,,
            H2,skovparken,2,treatment,2025-05-01,,,,

            """,
        "persons.csv": "person_id,household_id,birth_date\nP1,H1,1985-06-15\nP2,H2,1960-01-10\n",
        "employment.csv": """
            person_id,point,benefit_type,completed_education_6m,declared_fit
            P1,start,cash_benefit_job_ready,,
            P1,12,employed,,
            P1,18,employed,,
            P1,24,employed,,
            P2,start,early_retirement,,
            P2,12,early_retirement,,
            P2,18,early_retirement,,
            P2,24,early_retirement,,

            """,
        "social_measures.csv": "person_id,point,measure\nP1,baseline,s85\nP1,24,s82\nP2,baseline,s103_104\nP2,24,none\n",
        "action_plan_goals.csv": "household_id,goal_id,fulfilled\nH1,M1,ja\nH1,M2,ja\nH1,M3,ja\nH1,M4,nej\n",
        "school_absence.csv": "cohort,point,group,child_id,absence_pct,measured_on\n",
    ]

    @Test("every goal, half-year and funder's share as computed by hand")
    func byHand() throws {
        let imported = try DeliveryImporter.importFiles(Self.files.mapValues { Data($0.utf8) }, commitment: Self.aarhus)
        #expect(imported.warnings.isEmpty, "no goal 4, so no life_satisfaction.csv is missed: \(imported.warnings)")
        let s = SettlementEngine.settle(Self.aarhus, delivery: imported.delivery, asOf: LocalDate(iso: "2028-12-31")!)
        func kr(_ text: String) -> Money { try! Money.parse(text, form: .machine) }
        func period(_ label: String) -> PeriodSettlement? { s.periods.first { $0.period.label == label } }

        // Goal 1 (9.500 kr. per person and point, B5.1 2.1): P1 moves from job-ready cash benefit
        // into employment — the criterion is met at 12 (1.4.2026), 18 (1.10.2026) and 24 months
        // (1.4.2027); P2 stays on early retirement: nothing.
        #expect(s.goals.first { $0.goal == 1 }?.payable == kr("28500"))
        // Goal 2 (school absence): no children measured, nothing.
        #expect(s.goals.first { $0.goal == 2 }?.payable == kr("0"))
        // Goal 3 (36.000 kr. per step): P1 § 85 (3 steps) → § 82 (1 step) = 2 × 36.000 = 72.000;
        // P2 § 103/104 (5 steps) → none (0) = 5 × 36.000 = 180.000; both after 24 months.
        #expect(s.goals.first { $0.goal == 3 }?.payable == kr("252000"))
        // Goal 4 (family plans, 100 kr. per percentage point): H1 met 3 of 4 = 75 × 100 = 7.500 at
        // its end (1.4.2027); H2 delivered no plan: the average of the delivered, 7.500, imputed at
        // the intervention's end (29.2.2028; B5.1 2.3).
        #expect(s.goals.first { $0.goal == 4 }?.payable == kr("15000"))
        #expect(s.goals.first { $0.goal == 4 }?.imputed == kr("7500"))

        // By half-year: 9.500 in 1st 2026, 9.500 in 2nd 2026, 9.500 + 252.000 + 7.500 = 269.000 in
        // 1st 2027, 7.500 in 1st 2028; all paid by the municipality, split 60/40 (tranche 1).
        let expected: [(String, String, String, String)] = [
            ("2026-H1", "9500", "5700", "3800"), ("2026-H2", "9500", "5700", "3800"),
            ("2027-H1", "269000", "161400", "107600"), ("2028-H1", "7500", "4500", "3000"),
        ]
        for (label, total, dsi, nsf) in expected {
            let p = try #require(period(label), "\(label)")
            #expect(p.total == kr(total), "\(label)")
            #expect(p.recipients.first { $0.party == PartyKey("dsi") }?.amount == kr(dsi), "\(label)")
            #expect(p.recipients.first { $0.party == PartyKey("nsf") }?.amount == kr(nsf), "\(label)")
            #expect(p.payers.map(\.party) == [PartyKey("kommune")], "\(label)")
        }
        #expect(s.periods.filter { !expected.map(\.0).contains($0.period.label) }.allSatisfy { $0.total.isZero })
        #expect(s.totals.total == kr("295500"))
        #expect(s.totals.recipients.map(\.amount) == [kr("177300"), kr("118200")])
        #expect(s.totals.capReduction.isZero)
    }
}
