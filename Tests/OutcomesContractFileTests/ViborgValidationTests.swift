import OutcomesCore
import Testing

@testable import OutcomesContractFile

@Suite("Validation of Viborg's signed agreement (SPEC §3)")
struct ViborgValidationTests {
    let findings = ContractValidator.validate(ContractFile.builtIn())

    struct Expected: Hashable, CustomStringConvertible {
        var clause: String
        var severity: Finding.Severity
        var stated: String?
        var computed: String?
        var description: String { "\(clause) \(severity) \(stated ?? "-")/\(computed ?? "-")" }
    }

    /// Every inconsistency of the signed text, checked by hand against the PDF's figures.
    static let expected: [Expected] = [
        // B3.2: three installments of 1.304.167 are 3.912.501, the total says 3.912.500; LBF likewise.
        .init(clause: "B3.2", severity: .error, stated: "3912500.00", computed: "3912501.00"),
        .init(clause: "B3.2", severity: .error, stated: "1362500.00", computed: "1362501.00"),
        // B4.1: the 2024 and 2025 totals are 27.000 over their lines (1.758.333).
        .init(clause: "B4.1", severity: .error, stated: "1785333.00", computed: "1758333.00"),
        .init(clause: "B4.1", severity: .error, stated: "1785333.00", computed: "1758333.00"),
        // B4.1: year totals 5.329.000 + evaluation 727.500 = 6.056.500, not 6.002.500.
        .init(clause: "B4.1", severity: .error, stated: "6002500.00", computed: "6056500.00"),
        // B5.1 2.5.1: the subtotal 80 has rows 5 + 54 + 22 = 81; its share 24 % has rows 23 %;
        // all rungs sum to 342, not 341; two shares are off against 341.
        .init(clause: "B5.1 2.5.1", severity: .error, stated: "80", computed: "81"),
        .init(clause: "B5.1 2.5.1", severity: .error, stated: "24", computed: "23"),
        .init(clause: "B5.1 2.5.1", severity: .error, stated: "341", computed: "342"),
        .init(clause: "B5.1 2.5.1", severity: .warning, stated: "76", computed: "76.54"),
        .init(clause: "B5.1 2.5.1", severity: .warning, stated: "24", computed: "23.46"),
        // B5.1 2.4.1: the rounded shares sum to 99 %.
        .init(clause: "B5.1 2.4.1", severity: .info, stated: "100", computed: "99"),
        // B5.1 1.1: 74 %/26 % of 5.275.000 repay DSI 9.000 less and LBF 9.000 more than their grants.
        .init(clause: "B5.1 1.1", severity: .warning, stated: "3912500.00", computed: "3903500.00"),
        .init(clause: "B5.1 1.1", severity: .warning, stated: "1362500.00", computed: "1371500.00"),
        // T 5.2: the formula (DSI's installments at 5,07 % to 2028-12-31) is not 6.000.000.
        .init(clause: "T 5.2", severity: .warning, stated: "6000000.00", computed: "4793657.25"),
        // B4.2 4: the printed formula is the interest alone.
        .init(clause: "B4.2 4", severity: .warning, stated: "6000000.00", computed: "1097618.66"),
        // Cross-references to the wrong clause.
        .init(clause: "T 4.3", severity: .warning, stated: "T 5.1", computed: "T 5.2"),
        .init(clause: "B4.2 4", severity: .warning, stated: "T 5.1", computed: "T 5.2"),
        .init(clause: "B5.1 2.4.2", severity: .warning, stated: "B5.1 2.5.1", computed: "B5.1 2.4.1"),
        .init(clause: "B5.1 1.2", severity: .warning, stated: "Bilag 1.2", computed: "Bilag 1.4"),
        // Landsbyggefonden's CVR number is not in the agreement.
        .init(clause: "T 3.3", severity: .info, stated: nil, computed: nil),
    ]

    @Test("Reports exactly the inconsistencies of the signed text")
    func exactFindings() {
        let actual = findings.map { Expected(clause: $0.clause.reference, severity: $0.severity, stated: $0.stated, computed: $0.computed) }
        #expect(actual.sorted { $0.description < $1.description } == Self.expected.sorted { $0.description < $1.description })
    }

    @Test("Messages name both figures in Danish")
    func messages() throws {
        let installment = try #require(findings.first { $0.stated == "3912500.00" && $0.clause == "B3.2" })
        #expect(installment.message.contains("3.912.501 kr.") && installment.message.contains("3.912.500 kr."))
        let year = try #require(findings.first { $0.message.contains("2024") && $0.clause == "B4.1" })
        #expect(year.message.contains("1.785.333 kr.") && year.message.contains("1.758.333 kr."))
    }

    @Test("Worked examples, success rates and consistent sums raise no finding")
    func consistentParts() {
        let clauses = Set(findings.map(\.clause.reference))
        for clean in ["B5.1 2.5.3", "B5.1 2.6.1", "B5.1 2.6.2", "B5.1 2.6.3", "B5.1 2.1", "T 3.1", "P 1.6.1", "P 3.2.2"] {
            #expect(!clauses.contains(clean), "unexpected finding for \(clean)")
        }
    }
}

@Suite("Validation catches each kind of inconsistency")
struct ValidationRuleTests {
    func validate(_ target: String, _ replacement: String) throws -> [Finding] {
        let (text, _) = mutated(target, replacement)
        return ContractValidator.validate(try ContractFile.parse(text, file: "test.yaml"))
    }

    func newFindings(_ target: String, _ replacement: String) throws -> [Finding] {
        let base = ContractValidator.validate(ContractFile.builtIn())
        return try validate(target, replacement).filter { !base.contains($0) }
    }

    @Test("A budget line whose years do not sum to its total")
    func budgetLine() throws {
        let found = try newFindings("perYear: [4167, 25000, 25000, 20833], total: 75000", "perYear: [4167, 25000, 25000, 20833], total: 76000")
        #expect(
            found.contains {
                $0.clause == "B4.1" && $0.stated == "76000.00" && $0.computed == "75000.00" && $0.message.contains("Kørselsgodtgørelse")
            }
        )
    }

    @Test("A tranche threshold that is not the sum of the grants")
    func threshold() throws {
        let found = try newFindings("threshold: {amount: 5275000", "threshold: {amount: 5000000")
        #expect(found.contains { $0.clause == "B5.1 1.1" && $0.severity == .error && $0.stated == "5000000.00" && $0.computed == "5275000.00" })
    }

    @Test("Tranche shares that do not sum to 100 %")
    func shares() throws {
        let found = try newFindings("- [lbf, 1362500, 26, 26, 0]", "- [lbf, 1362500, 26, 25, 0]")
        #expect(found.contains { $0.severity == .error && $0.stated == "100" && $0.computed == "99" })
    }

    @Test("A worked example that does not follow the payment rule")
    func workedExample() throws {
        let found = try newFindings("- [12, 10.00, 7.00, -30.00, -20.00, 130000]", "- [12, 10.00, 7.00, -30.00, -20.00, 120000]")
        #expect(found.contains { $0.clause == "B5.1 2.6.2" && $0.stated == "120000.00" && $0.computed == "130000.00" })
        let social = try newFindings(
            "{label: \"Borger 1\", baseline: s85, result: s82, payment: 84000}",
            "{label: \"Borger 1\", baseline: s85, result: s82, payment: 126000}"
        )
        #expect(social.contains { $0.clause == "B5.1 2.5.3" && $0.computed == "84000.00" })
    }

    @Test("A goal-4 cap that differs from LBF's outcome commitment")
    func goalFourCap() throws {
        let found = try newFindings("cap: {amount: 250000, clause: \"B5.1 2.7.2\"}", "cap: {amount: 300000, clause: \"B5.1 2.7.2\"}")
        #expect(found.contains { $0.clause == "B5.1 2.7.2" && $0.stated == "300000.00" && $0.computed == "250000.00" })
    }

    @Test("A wrong CVR check digit and a signature after the start")
    func cvrAndDates() throws {
        let cvr = try newFindings("cvr: \"29189846\"", "cvr: \"29189847\"")
        #expect(cvr.contains { $0.clause == "T (B)" && $0.severity == .warning })
        let signed = try newFindings("signed: {date: 2023-10-23", "signed: {date: 2023-11-15")
        #expect(signed.contains { $0.clause == "T underskriftside" && $0.computed == "2023-11-01" })
    }

    @Test("Expected households per year that do not sum to their total")
    func households() throws {
        let found = try newFindings("expectedHouseholds: [10, 60, 60, 50]", "expectedHouseholds: [10, 60, 60, 40]")
        #expect(found.contains { $0.clause == "B4.1" && $0.stated == "180" && $0.computed == "170" })
    }

    @Test("The CVR modulus-11 check")
    func cvrCheck() {
        #expect(ContractValidator.isValidCVR("40056823"))
        #expect(ContractValidator.isValidCVR("29189846"))
        #expect(!ContractValidator.isValidCVR("29189847"))
        #expect(!ContractValidator.isValidCVR("2918984"))
    }
}
