import Foundation
import OutcomesCore
import Testing

@testable import OutcomesContractFile

/// The built-in file with one line changed, and the 1-based line that was changed.
func mutated(_ target: String, _ replacement: String, sourceLocation: SourceLocation = #_sourceLocation) -> (text: String, line: Int) {
    let text = ContractFile.builtInText
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let matches = lines.indices.filter { lines[$0].contains(target) }
    #expect(matches.count == 1, "'\(target)' must occur on exactly one line", sourceLocation: sourceLocation)
    let index = matches.first ?? 0
    var changed = lines.map(String.init)
    changed[index] = changed[index].replacingOccurrences(of: target, with: replacement)
    return (changed.joined(separator: "\n"), index + 1)
}

func parseError(_ text: String) -> ContractFileError? {
    do {
        _ = try ContractFile.parse(text, file: "test.yaml")
        return nil
    } catch {
        return error
    }
}

@Suite("Contract file: Viborg's agreement as data")
struct BuiltInContractTests {
    let viborg = ContractFile.builtIn()

    @Test("Parties with CVR numbers")
    func parties() throws {
        let dsi = try #require(viborg.party(PartyKey("dsi")))
        #expect(dsi.cvr == "40056823" && dsi.role == .funder && dsi.clause == "T (A)")
        #expect(viborg.party(PartyKey("kommune"))?.cvr == "29189846")
        #expect(viborg.party(PartyKey("delendorff"))?.cvr == "41513918")
        #expect(viborg.municipality?.name == "Viborg Kommune")
    }

    @Test("Periods, grants and co-funding as signed")
    func money() throws {
        #expect(viborg.signedOn.value == LocalDate(iso: "2023-10-23"))
        #expect(viborg.interventionPeriod.value == DateRange(start: LocalDate(iso: "2023-11-01")!, end: LocalDate(iso: "2026-10-31")!))
        #expect(viborg.interventionPeriod.value.months == 36)
        #expect(viborg.grant(of: PartyKey("dsi"))?.amount == Stated(Money(kroner: 3_912_500), "T 3.1"))
        #expect(viborg.grant(of: PartyKey("lbf"))?.amount.value == Money(kroner: 1_362_500))
        #expect(viborg.coFunding.map(\.amount.value) == [Money(kroner: 1_362_500), Money(kroner: 250_000), Money(kroner: 2_550_000)])
        #expect(viborg.disbursementPlan.installments.map(\.dueBy.isoString) == ["2023-11-30", "2024-11-30", "2025-11-30"])
        #expect(viborg.disbursementPlan.installments.allSatisfy { $0.amounts[PartyKey("dsi")] == Money(kroner: 1_304_167) })
        #expect(viborg.budget.statedYearTotals == [293_056, 1_785_333, 1_785_333, 1_465_278].map { Money(kroner: $0) })
        #expect(viborg.budget.expectedHouseholds == [10, 60, 60, 50])
        #expect(viborg.budget.expectedHouseholds(in: 2025) == 60)
    }

    @Test("The five payment goals with rates, points, payers and caps")
    func goals() throws {
        #expect(viborg.paymentGoals.map(\.kind) == GoalKind.allCases)
        #expect(viborg.paymentGoals.map(\.rate.value) == [8600, 42000, 6500, 2000, 125].map { Money(kroner: $0) })
        #expect(viborg.goal(.employment)?.points.value == [.start, .months(12), .months(18), .months(24)])
        #expect(viborg.goal(.employment)?.subgroup.value.minimumAge == 18)
        #expect(viborg.goal(.employment)?.subgroup.value.maximumAge == 66)
        #expect(viborg.goal(.lifeSatisfaction)?.payer.value == PartyKey("lbf"))
        #expect(viborg.goal(.lifeSatisfaction)?.cap?.value == Money(kroner: 250_000))
        #expect(viborg.goal(.schoolAbsence)?.cap == Stated(Money(kroner: 1_400_000), "B5.1 2.6.3"))
        guard case let .employment(terms) = viborg.goal(.employment)?.terms else {
            Issue.record("no employment terms")
            return
        }
        #expect(terms.rows.map(\.type) == BenefitType.allCases)
        #expect(terms.rows.map(\.expectedCount).reduce(0, +) == 333)
        #expect(terms.statedTotalSuccessRate == Percent(Ratio(262, 10)))
        guard case let .socialMeasures(social) = viborg.goal(.socialMeasures)?.terms else {
            Issue.record("no measures")
            return
        }
        #expect(social.rows.map(\.stepUnits) == [0, 1, 3, 5])
        #expect(social.stepUnits(of: .s85) == 3)
        guard case let .schoolAbsence(absence) = viborg.goal(.schoolAbsence)?.terms else {
            Issue.record("no absence")
            return
        }
        #expect(absence.expected.map(\.treatment.value) == [Ratio(985, 100), Ratio(754, 100), Ratio(8), Ratio(850, 100)])
        #expect(absence.example.compactMap(\.statedPayment) == [130_000, 72_150, 0].map { Money(kroner: $0) })
    }

    @Test("Tranches, return cap, compliance and interpretations")
    func repayment() {
        #expect(viborg.tranches.threshold.value == Money(kroner: 5_275_000))
        #expect(viborg.tranches.shares.map(\.tranche1) == [Percent(74), Percent(26)])
        #expect(viborg.returnCap.amount.value == Money(kroner: 6_000_000))
        #expect(viborg.returnCap.annualRate.value == Percent(Ratio(507, 100)))
        #expect(viborg.compliance.enrolmentMilestones.map(\.households) == [15, 40])
        #expect(viborg.compliance.endedCoursesLimit.value == 20)
        #expect(viborg.deadlines.revocationPaymentDays.value == 45)
        #expect(viborg.interpretations.trancheShares.choice == .printed)
        #expect(viborg.interpretations.imputationWindow.choice == .periodEnd)
        #expect(viborg.interpretations.ageBasis.choice.employment == .measurementDate)
        #expect(viborg.interpretationSummary.count == 13)  // issue #19: the forecast's prior strength
        // Issue #15: the readings of T 6.1.1 (iii), T 6.2.1 (iii) and T 6.2.1's interest, as data.
        #expect(viborg.compliance.regularCompletion.value == [.stable] && viborg.compliance.regularCompletion.clause == "P 1.1.3")
        #expect(viborg.interpretations.substantialRealisation.choice == Percent(50))
        #expect(viborg.interpretations.revocationInterest.choice == .returnCapRate)
    }
}

@Suite("Contract file: unusable files are rejected with file, line and field")
struct ContractFileRejectionTests {
    @Test("Syntax error names the line")
    func syntax() throws {
        let (text, line) = mutated("  grandTotal: 6002500", "  grandTotal: [6002500")
        let error = try #require(parseError(text))
        #expect(error.file == "test.yaml")
        #expect(error.message.hasPrefix("YAML-syntaksfejl"))
        #expect(error.line != nil && error.line! >= line)
    }

    @Test("A missing field is named with its path")
    func missing() throws {
        let (text, _) = mutated("  grandTotal: 6002500", "  # grandTotal removed")
        let error = try #require(parseError(text))
        #expect(error.field == "budget.grandTotal")
        #expect(error.message == "feltet mangler")
        #expect(
            error.line
                == ContractFile.builtInText.split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.hasPrefix("  clause: \"B4.1\"") }.map { $0 + 1 }
        )
    }

    @Test("A negative amount is rejected at its line")
    func negative() throws {
        let (text, line) = mutated("rate: {amount: 8600,", "rate: {amount: -8600,")
        let error = try #require(parseError(text))
        #expect(error == ContractFileError(file: "test.yaml", line: line, field: "paymentGoals[0].rate.amount", message: "negativt beløb '-8600'"))
        #expect(error.description == "test.yaml:\(line): paymentGoals[0].rate.amount: negativt beløb '-8600'")
    }

    @Test("Absurd amounts, counts and percentages are rejected at their line (no later sum can overflow)")
    func absurd() throws {
        let (amount, amountLine) = mutated("rate: {amount: 8600,", "rate: {amount: 92233720368547758.07,")
        let amountError = try #require(parseError(amount))
        #expect(amountError.line == amountLine && amountError.field == "paymentGoals[0].rate.amount")
        #expect(amountError.message.contains("over det højeste tilladte beløb"))
        let (count, countLine) = mutated("courseMonths: {value: 12,", "courseMonths: {value: 9223372036854775807,")
        let countError = try #require(parseError(count))
        #expect(countError.line == countLine && countError.message.contains("for stort"))
    }

    @Test("The forecast's course length and the INDIGO id: read with their clause; optional; a zero length is rejected at its line")
    func courseMonthsAndIndigo() throws {
        #expect(ContractFile.builtIn().expectedCourseMonths == Stated(12, "P 1.1.3"))
        #expect(ContractFile.builtIn().indigoProjectID == "INDIGO-POJ-0314")
        let (text, line) = mutated("courseMonths: {value: 12,", "courseMonths: {value: 0,")
        let error = try #require(parseError(text))
        #expect(error.line == line && error.field == "intervention.courseMonths.value", "\(error)")
        let without = ContractFile.builtInText.replacingOccurrences(of: "  courseMonths: {value: 12, clause: \"P 1.1.3\"}\n", with: "")
            .replacingOccurrences(of: "indigoProject: INDIGO-POJ-0314\n", with: "")
        let parsed = try ContractFile.parse(without, file: "test.yaml")
        #expect(parsed.expectedCourseMonths == nil && parsed.indigoProjectID == nil)
    }

    @Test("Issue #18: the housing areas are the file's: named, each once, at least one; a bad key is rejected at its line")
    func areas() throws {
        let areas = ContractFile.builtIn().areas
        #expect(areas.map(\.area.rawValue) == ["houlkaer", "ellekonebakken", "karup-kolvraa"])
        #expect(areas.map(\.name) == ["Houlkær", "Ellekonebakken", "Karup Kølvrå"] && areas.allSatisfy { $0.clause == "P 1.1.1" })
        #expect(ContractFile.builtIn().areaName(areas[2].area) == "Karup Kølvrå" && ContractFile.builtIn().area("vestbyen") == nil)
        let (twice, line) = mutated("{key: ellekonebakken,", "{key: houlkaer,")
        let error = try #require(parseError(twice))
        #expect(error.field == "areas[1].key" && error.line == line && error.message == "området 'houlkaer' står to gange", "\(error)")
        let (bad, badLine) = mutated("{key: ellekonebakken,", "{key: Elle Kone,")
        let badError = try #require(parseError(bad))
        #expect(badError.field == "areas[1].key" && badError.line == badLine && badError.message.contains("kan ikke være et områdes nøgle"), "\(badError)")
        let none = ContractFile.builtInText.replacingOccurrences(
            of: #"""
              - {key: houlkaer, name: "Houlkær", clause: "P 1.1.1"}
              - {key: ellekonebakken, name: "Ellekonebakken", clause: "P 1.1.1"}
              - {key: karup-kolvraa, name: "Karup Kølvrå", clause: "P 1.1.1"}

            """#, with: "  []\n")
        #expect(none != ContractFile.builtInText)
        #expect(parseError(none)?.message == "aftalen skal have mindst ét område")
        let missing = ContractFile.builtInText.replacingOccurrences(of: "\nareas:\n", with: "\nareasx:\n")
        #expect(parseError(missing)?.field == "areas")
    }

    @Test("Dates out of order are rejected")
    func datesOutOfOrder() throws {
        let (text, line) = mutated("period: {start: 2023-11-01, end: 2026-10-31", "period: {start: 2023-11-01, end: 2022-10-31")
        let error = try #require(parseError(text))
        #expect(error.field == "intervention.period.end")
        #expect(error.line == line)
        #expect(error.message.contains("slutter (2022-10-31), før den begynder (2023-11-01)"))
    }

    @Test("Installments out of date order are rejected")
    func installmentsOutOfOrder() throws {
        let (text, line) = mutated("dueMonth: 2024-11", "dueMonth: 2023-10")
        let error = try #require(parseError(text))
        #expect(error.field == "disbursementPlan.installments[1].dueMonth" && error.line == line)
    }

    @Test("An unknown goal is rejected")
    func unknownGoal() throws {
        let (text, line) = mutated("kind: lifeSatisfaction", "kind: happiness")
        let error = try #require(parseError(text))
        #expect(error.field == "paymentGoals[3].kind" && error.line == line)
        #expect(error.message.hasPrefix("ukendt mål 'happiness' (mulige værdier: employment, socialMeasures"))
    }

    @Test("A goal that appears twice is rejected")
    func duplicateGoal() throws {
        let (text, line) = mutated("kind: lifeSatisfaction", "kind: employment")
        let error = try #require(parseError(text))
        #expect(error.field == "paymentGoals[3].kind" && error.line == line)
        #expect(error.message == "målet 'employment' står to gange")
    }

    @Test("An unknown party is rejected")
    func unknownParty() throws {
        let (text, line) = mutated("payer: {party: lbf,", "payer: {party: lfb,")
        let error = try #require(parseError(text))
        #expect(error.field == "paymentGoals[3].payer.party" && error.line == line)
        #expect(error.message.hasPrefix("ukendt part 'lfb'"))
    }

    @Test("An unknown (misspelt) field is rejected, not ignored")
    func unknownField() throws {
        let (text, line) = mutated("  interestPosting: \"12-31\"", "  interestPostng: \"12-31\"")
        let error = try #require(parseError(text))
        #expect(error.field == "returnCap.interestPosting")
        #expect(error.message == "feltet mangler")
        let (typo, typoLine) = mutated("  dayCount: 365", "  dayCount: 365\n  dayCounts: 360")
        let unknown = try #require(parseError(typo))
        #expect(unknown.field == "returnCap.dayCounts" && unknown.line == typoLine + 1)
        #expect(unknown.message.hasPrefix("ukendt felt"))
        _ = line
    }

    @Test("Amounts must be machine form: Danish grouping is refused")
    func danishAmount() throws {
        let (text, line) = mutated("  grandTotal: 6002500", "  grandTotal: \"6.002.500\"")
        let error = try #require(parseError(text))
        #expect(error.field == "budget.grandTotal" && error.line == line)
        #expect(error.message.hasPrefix("ikke et beløb i kroner"))
    }

    @Test("A table row with a missing cell is rejected")
    func shortRow() throws {
        let (text, line) = mutated("- [flexjob, \"Voksne i fleksjob\", 38, 11, flexjob, 95]", "- [flexjob, \"Voksne i fleksjob\", 38, 11, flexjob]")
        let error = try #require(parseError(text))
        #expect(error.field == "paymentGoals[0].expected.rows[3]" && error.line == line)
        #expect(error.message == "rækken skal have 6 værdier, men har 5")
    }

    @Test("An empty file and an unreadable file are rejected")
    func emptyAndMissing() throws {
        #expect(parseError("")?.message == "filen er tom")
        #expect(throws: ContractFileError.self) { try ContractFile.load(path: "/nonexistent/contract.yaml") }
    }

    @Test("A file of another format version is rejected")
    func format() throws {
        let (text, line) = mutated("format: outcomes-contract/1", "format: outcomes-contract/9")
        let error = try #require(parseError(text))
        #expect(error.field == "format" && error.line == line)
    }

    @Test("A file round-trips: the built-in text loads from disk the same")
    func loadFromDisk() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("viborg-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        try ContractFile.builtInText.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ContractFile.load(path: path) == ContractFile.builtIn())
    }
}
