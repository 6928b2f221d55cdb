import OutcomesCore
import Testing

@Suite("The agreement's worked examples, settled by the engine")
struct WorkedExampleTests {
    @Test("B5.1 2.5.3: § 85 → § 82a pays 84.000; § 85 → § 85 pays nothing")
    func socialMeasures() throws {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-01-15")
        b.person("P1", in: "H1", born: "1990-05-01")
        b.person("P2", in: "H1", born: "1992-05-01")
        b.social("P1", baseline: .s85, result: .s82)
        b.social("P2", baseline: .s85, result: .s85)
        let s = b.settle(asOf: "2026-06-30")
        let one = try #require(s.line(goal: 2, person: "P1", point: "24"))
        #expect(one.amount == kr("84000.00") && one.date == day("2026-01-15") && !one.isImputed)
        #expect(one.basis.text.contains("2 trin ned × 42.000 kr. = 84.000 kr."))
        #expect(s.line(goal: 2, person: "P2", point: "24")?.amount == .zero)
    }

    /// B5.1 2.6.2, cohort 1: control 10 %, 10 %, 9,5 %, 9,5 %; treatment 9 %, 7 %, 7,5 %, 8,7 %.
    static let absenceExample: [(point: AbsencePoint, date: String, control: [Ratio], treatment: [Ratio], expected: String)] = [
        (.baseline, "2024-01-31", [Ratio(9), Ratio(11)], [Ratio(9)], ""),
        (.months12, "2025-01-31", [Ratio(10)], [Ratio(6), Ratio(8)], "130000.00"),
        (.months18, "2025-07-31", [Ratio(95, 10)], [Ratio(75, 10)], "72150.00"),
        (.months24, "2026-01-31", [Ratio(95, 10)], [Ratio(87, 10)], "0.00"),
    ]

    @Test("B5.1 2.6.2: 130.000, 72.150 and 0 (−21,05 rounds to −21,1)")
    func schoolAbsence() throws {
        var b = DeliveryBuilder()
        b.absenceExample()
        let s = b.settle(asOf: "2026-06-30")
        let lines = s.lines(goal: 3)
        #expect(lines.map(\.amount.machineString) == ["130000.00", "72150.00", "0.00"])
        #expect(lines.map(\.point.label) == ["12", "18", "24"])
        #expect(lines.allSatisfy { $0.cohort == 1 && $0.household == nil && $0.person == nil && !$0.isImputed })
        #expect(lines[1].basis.text.contains("procentvis forskel -21,1 % mod -10,0 % ved baseline"))
        #expect(lines[1].basis.text.contains("reduktion 11,1 procentpoint × 6.500 kr. = 72.150 kr."))
    }

    @Test("B5.1 2.1/2.8: a fully met action plan pays 12.500")
    func fullActionPlan() throws {
        var b = DeliveryBuilder()
        b.household("H1", start: "2024-01-15", end: "2025-01-15", reason: .stable)
        b.plan("H1", [true, true, true, true, true])
        let line = try #require(b.settle(asOf: "2025-06-30").lines(goal: 5).first)
        #expect(line.amount == kr("12500.00") && line.date == day("2025-01-15") && line.point == .end)
        #expect(line.basis.text.contains("5 af 5 mål opfyldt"))
    }
}
