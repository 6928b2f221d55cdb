import Foundation
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesReports
import Testing

/// Issue #18 (2): amendments (T 11.1, B5.1 2.2, 2.4.2, 2.5.2). A later contract version with a
/// renegotiated rate is in force from its effective half-year only.
@Suite("Amendments: each half-year settled with the version in force for it")
struct AmendmentTests {
    static let delivery: Delivery = {
        let files = DemoData.generate(commitment: viborg, seed: 2023, households: 180).mapValues { Data($0.utf8) }
        do { return try DeliveryImporter.importFiles(files, commitment: viborg).delivery } catch { fatalError("\(error)") }
    }()

    /// Version 3: goal 1's rate up from 8.600 to 10.000 kr. from 1.1.2025, by a decision.
    static let amended: Commitment = {
        var copy = viborg
        copy.version = viborg.version + 1
        copy.effectiveFrom = day("2025-01-01")
        copy.decision = "Styregruppen 10.12.2024: ny sats for mål 1 efter baselineafvigelse (B5.1 2.4.2)"
        let index = copy.paymentGoals.firstIndex { $0.number == 1 }!
        copy.paymentGoals[index].rate = Stated(kr("10000"), "B5.1 2.4.2")
        return copy
    }()

    @Test("before the effective half-year nothing changes; from it, goal 1's lines are at the new rate; each half-year names its version")
    func fromEffectiveHalfYear() throws {
        let asOf = day("2026-11-26")
        let history = try AgreementHistory([viborg, Self.amended])
        let before = SettlementEngine.settle(viborg, delivery: Self.delivery, asOf: asOf)
        let onlyAmended = SettlementEngine.settle(Self.amended, delivery: Self.delivery, asOf: asOf)
        let spliced = SettlementEngine.settle(history, delivery: Self.delivery, asOf: asOf)
        #expect(spliced.periods.map(\.period) == before.periods.map(\.period))
        var changed = 0
        for (index, period) in spliced.periods.enumerated() {
            let old = before.periods[index]
            if period.period.start < day("2025-01-01") {
                #expect(period.contractVersion == viborg.version, "\(period.period)")
                #expect(period.goals.map(\.amount) == old.goals.map(\.amount), "\(period.period)")
                #expect(period.goals.map(\.payable) == old.goals.map(\.payable), "\(period.period)")
            } else {
                #expect(period.contractVersion == Self.amended.version, "\(period.period)")
                // The half-year's amounts (before caps) are the amended version's.
                #expect(period.goals.map(\.amount) == onlyAmended.periods[index].goals.map(\.amount), "\(period.period)")
                if period.goals[0].amount != old.goals[0].amount { changed += 1 }
                // Goals whose rate did not change keep their amounts.
                #expect(period.goals.dropFirst().map(\.amount) == old.goals.dropFirst().map(\.amount), "\(period.period)")
            }
        }
        #expect(changed > 0, "the new rate shows in some half-year")
        // Goal 1's lines: 8.600 kr. per success before 2025, 10.000 kr. from it.
        let goal1 = spliced.lines.filter { $0.goal == 1 && !$0.isImputed && $0.amount > .zero }
        #expect(goal1.contains { $0.period.start < day("2025-01-01") })
        for line in goal1 {
            #expect(line.amount == (line.period.start < day("2025-01-01") ? kr("8600") : kr("10000")), "\(line.period) \(line.amount)")
        }
        // The caps apply across the spliced lines: no goal pays more than its cap, nor the
        // agreement more than the return cap.
        for goal in viborg.paymentGoals {
            guard let cap = goal.cap?.value else { continue }
            #expect(spliced.goals.first { $0.goal == goal.number }!.payable <= cap)
        }
        #expect(spliced.totals.total == Money.sum(spliced.periods.map(\.total)))
        // The JSON names each half-year's version.
        let json = SettlementJSON.string(spliced)
        #expect(json.contains("\"closed\": true, \"version\": 2, \"goals\""))
        #expect(json.contains("\"version\": 3, \"goals\""))
    }

    @Test("an amendment not yet in force changes nothing; nor does a version that only completes the file")
    func notInForce() throws {
        var later = Self.amended
        later.effectiveFrom = day("2027-01-01")
        let asOf = day("2026-11-26")
        let plain = SettlementEngine.settle(viborg, delivery: Self.delivery, asOf: asOf)
        let history = try AgreementHistory([viborg, later])
        #expect(SettlementJSON.string(SettlementEngine.settle(history, delivery: Self.delivery, asOf: asOf)) == SettlementJSON.string(plain))
        #expect(history.inForce(on: asOf).version == viborg.version)
        #expect(history.inForce(for: HalfYear(year: 2027, half: 1)).version == later.version)
        #expect(history.latest.version == later.version)
        // Versions of one agreement only, each once.
        var other = viborg
        other.id = "en-anden-aftale"
        #expect(throws: AgreementHistory.Problem.mixedAgreements(["en-anden-aftale", viborg.id])) { try AgreementHistory([viborg, other]) }
        #expect(throws: AgreementHistory.Problem.duplicateVersion(viborg.version)) { try AgreementHistory([viborg, viborg]) }
    }

    @Test("the contract file carries the decision behind a version")
    func decisionInFile() throws {
        let text = ContractFile.builtInText.replacingOccurrences(of: "\nversion: 2\n", with: "\nversion: 3\neffectiveFrom: 2025-01-01\ndecision: \"Styregruppen 10.12.2024: ny sats for mål 1\"\n")
        let parsed = try ContractFile.parse(text, file: "aftale.yaml")
        #expect(parsed.version == 3 && parsed.effectiveFrom == day("2025-01-01"))
        #expect(parsed.decision == "Styregruppen 10.12.2024: ny sats for mål 1")
    }
}
