import Foundation
import OutcomesContractFile
import OutcomesCore
import PropertyBased
import Testing

@testable import OutcomesDelivery
@testable import OutcomesReports

/// Properties that hold for any generated delivery, any as-of date and any caps.
@Suite("Settlement properties")
struct PropertyTests {
    static let asOfs = (0...60).map { day("2024-01-31").addingMonths($0) }

    func settle(seed: UInt64, households: Int, asOf: LocalDate, _ commitment: Commitment = viborg) throws -> Settlement {
        let generated = DemoData.generate(commitment: commitment, seed: seed, households: households)
        let imported = try DeliveryImporter.importFiles(generated.mapValues { Data($0.utf8) }, commitment: commitment)
        return SettlementEngine.settle(commitment, delivery: imported.delivery, asOf: asOf)
    }

    /// Viborg with caps, return cap and threshold drawn small enough to be crossed.
    func squeezed(_ goal3: Int, _ goal4: Int, _ returnCap: Int, _ threshold: Int) -> Commitment {
        var c = viborg.withCap(goal: 3, Money(kroner: Int64(goal3))).withCap(goal: 4, Money(kroner: Int64(goal4)))
        c.returnCap.amount = Stated(Money(kroner: Int64(returnCap)), "T 5.2")
        c.tranches.threshold = Stated(Money(kroner: Int64(threshold)), "B5.1 1.1")
        return c
    }

    @Test("Totals balance, no cap is exceeded, lines sum to their goals")
    func invariants() async {
        await propertyCheck(
            count: 25,
            input: Gen.uint64(in: 0...UInt64.max),
            Gen.int(in: 1...60),
            Gen.int(in: 0...60),
            Gen.int(in: 0...4).array(of: 4)
        ) { seed, households, month, caps in
            let commitment = squeezed(
                [1_400_000, 200_000, 50_000, 0, 10_000][caps[0]],
                [250_000, 20_000, 4_000, 0, 1][caps[1]],
                [6_000_000, 300_000, 100_000, 0, 25_000][caps[2]],
                [5_275_000, 200_000, 50_000, 0, 1][caps[3]]
            )
            let s = try settle(seed: seed, households: households, asOf: Self.asOfs[month], commitment)
            for p in s.periods {
                #expect(Money.sum(p.recipients.map(\.amount)) == p.total)
                #expect(Money.sum(p.payers.map(\.amount)) == p.total)
                #expect(p.recipients.allSatisfy { !$0.amount.isNegative })
                #expect(p.goals.allSatisfy { $0.payable <= $0.amount && !$0.payable.isNegative })
            }
            #expect(s.totals.recipients.map(\.amount).reduce(.zero, +) == s.totals.total)
            #expect(s.totals.payers.map(\.amount).reduce(.zero, +) == s.totals.total)
            #expect(s.totals.total == Money.sum(s.periods.map(\.total)))
            for (goal, summary) in zip(commitment.paymentGoals, s.goals) {
                let lines = s.lines.filter { $0.goal == goal.number }
                #expect(Money.sum(lines.map(\.amount)) == summary.amount)
                #expect(Money.sum(lines.filter(\.isImputed).map(\.amount)) == summary.imputed)
                #expect(lines.count == summary.lines)
                if let cap = goal.cap { #expect(summary.payable <= cap.value) }
            }
            let municipal = s.totals.payers.first { $0.party.rawValue == "kommune" }!.amount
            #expect(municipal <= commitment.returnCap.amount.value)
            #expect(Money.sum(s.goals.map(\.amount)) == s.totals.amount)
            #expect(s.lines.allSatisfy { $0.date <= s.asOf && !$0.amount.isNegative })
            let keys = s.lines.map { ($0.date.dayNumber, $0.goal, $0.household?.rawValue ?? "", $0.person?.rawValue ?? "", $0.cohort ?? 0) }
            #expect(
                zip(keys, keys.dropFirst()).allSatisfy { a, b in
                    (a.0, a.1) < (b.0, b.1) || ((a.0, a.1) == (b.0, b.1) && (a.2, a.3, a.4) <= (b.2, b.3, b.4))
                }
            )
        }
    }

    @Test("Payment instructions (T 5.1, B5.1 1.1) move exactly what each party owes and is owed, in positive amounts")
    func instructions() async {
        var sawLBFPayingDSI = false
        var sawMunicipalityPayingLBF = false
        await propertyCheck(count: 20, input: Gen.uint64(in: 0...UInt64.max), Gen.int(in: 20...80), Gen.int(in: 0...4)) {
            seed,
            households,
            threshold in
            let commitment = squeezed(1_400_000, 250_000, 6_000_000, [5_275_000, 200_000, 50_000, 0, 1][threshold])
            let s = try settle(seed: seed, households: households, asOf: day("2029-06-30"), commitment)
            for period in s.periods {
                let moves = PaymentInstructions.compute(period)
                #expect(moves.allSatisfy { !$0.amount.isNegative && !$0.amount.isZero && $0.from != $0.to })
                for party in Set(period.payers.map(\.party) + period.recipients.map(\.party)) {
                    let owedNet =
                        Money.sum(period.recipients.filter { $0.party == party }.map(\.amount))
                        - Money.sum(period.payers.filter { $0.party == party }.map(\.amount))
                    let moved = Money.sum(moves.filter { $0.to == party }.map(\.amount)) - Money.sum(moves.filter { $0.from == party }.map(\.amount))
                    #expect(moved == owedNet, "\(party) in \(period.period.label)")
                }
                sawLBFPayingDSI = sawLBFPayingDSI || moves.contains { $0.from.rawValue == "lbf" && $0.to.rawValue == "dsi" }
                sawMunicipalityPayingLBF = sawMunicipalityPayingLBF || moves.contains { $0.from.rawValue == "kommune" && $0.to.rawValue == "lbf" }
            }
        }
        // Both routes occur: in tranche 1 the municipality pays LBF its share less LBF's own goal-4
        // payment; in tranche 2 LBF pays its goal-4 payment to DSI.
        #expect(sawLBFPayingDSI && sawMunicipalityPayingLBF)
    }

    /// Rewrites a CSV: rows shuffled, columns permuted, `;` for `,` and a decimal comma.
    static func scramble(_ csv: String, _ random: inout SeededGenerator) -> String {
        var rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = rows.removeFirst()
        let order = Array(header.indices).shuffled(using: &random)
        rows.shuffle(using: &random)
        func render(_ row: [String]) -> String {
            order.map { row[$0].replacingOccurrences(of: ".", with: ",") }.joined(separator: ";")
        }
        return ([render(header)] + rows.map(render)).joined(separator: "\r\n") + "\r\n"
    }

    @Test("The result does not depend on row or column order, or on , versus ;")
    func orderIndependence() async {
        await propertyCheck(count: 15, input: Gen.uint64(in: 0...UInt64.max), Gen.int(in: 1...40), Gen.int(in: 0...60)) { seed, households, month in
            let generated = DemoData.generate(commitment: viborg, seed: seed, households: households)
            var random = SeededGenerator(seed: seed ^ 0x5EED)
            let scrambled = generated.mapValues { Self.scramble($0, &random) }
            let a = try DeliveryImporter.importFiles(generated.mapValues { Data($0.utf8) }, commitment: viborg)
            let b = try DeliveryImporter.importFiles(scrambled.mapValues { Data($0.utf8) }, commitment: viborg)
            let asOf = Self.asOfs[month]
            let left = SettlementJSON.string(SettlementEngine.settle(viborg, delivery: a.delivery, asOf: asOf))
            let right = SettlementJSON.string(SettlementEngine.settle(viborg, delivery: b.delivery, asOf: asOf))
            #expect(left == right)
        }
    }

    @Test("The demo data is deterministic and imports cleanly")
    func demoData() throws {
        let one = DemoData.generate(commitment: viborg, seed: 7, households: 180)
        #expect(one == DemoData.generate(commitment: viborg, seed: 7, households: 180))
        #expect(one != DemoData.generate(commitment: viborg, seed: 8, households: 180))
        let imported = try DeliveryImporter.importFiles(one.mapValues { Data($0.utf8) }, commitment: viborg)
        let d = imported.delivery
        #expect(imported.warnings.isEmpty)
        #expect(d.households.filter { $0.group == .treatment && $0.replaces == nil }.count == 180)
        #expect(d.households.contains { $0.group == .control })
        #expect(d.households.contains { $0.replaces != nil })
        #expect(Set(d.households.map(\.area)) == Set(ContractFile.builtIn().areas.map(\.area)))
        #expect((400...560).contains(d.persons.count))
        #expect(d.employment.contains { $0.benefitType == nil })
        #expect(Set(d.schoolAbsence.map(\.cohort)) == [1, 2, 3])
    }
}
