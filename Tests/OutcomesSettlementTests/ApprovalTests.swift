import Foundation
import OutcomesCore
import Testing

@testable import OutcomesDelivery
@testable import OutcomesReports

/// SPEC §10: approved half-years are kept; what a later delivery changes in them is corrected
/// in the first open half-year (issue #14).
@Suite("Settlements as approved records (SPEC §10)")
struct ApprovalTests {
    static let files = DemoData.generate(commitment: viborg, seed: 2023, households: 180)

    func delivery(_ files: [String: String]) throws -> Delivery {
        try DeliveryImporter.importFiles(files.mapValues { Data($0.utf8) }, commitment: viborg).delivery
    }

    /// The half-years up to `through`, approved as the delivery settled them.
    func approve(_ delivery: Delivery, through last: HalfYear) -> [ApprovedPeriod] {
        let settlement = SettlementEngine.settle(viborg, delivery: delivery, asOf: last.end)
        return settlement.periods.filter { $0.period <= last }.map { period in
            ApprovedPeriod(settlement: period, lines: settlement.lines.filter { $0.period == period.period })
        }
    }

    /// The demo delivery with every employment measurement of some persons turned to
    /// "employed": their 12-month lines change (more success).
    func corrected() throws -> [String: String] {
        var files = Self.files
        let lines = try #require(files["employment.csv"]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        files["employment.csv"] = lines.enumerated().map { index, line in
            guard index > 0, index % 3 == 0, line.contains(",12,") else { return line }
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[2] = "employed"
            return cells.joined(separator: ",")
        }.joined(separator: "\n")
        return files
    }

    @Test("an approved half-year is kept exactly, whatever a later delivery says; the difference is corrected in the first open one")
    func keptAndCorrected() throws {
        let first = try delivery(Self.files)
        let approved = approve(first, through: HalfYear(year: 2024, half: 2))
        #expect(approved.map(\.period.label) == ["2023-H2", "2024-H1", "2024-H2"])
        let later = try delivery(try corrected())
        let asOf = day("2026-11-26")
        let settlement = SettlementEngine.settle(viborg, delivery: later, asOf: asOf, approved: approved)
        let unapproved = SettlementEngine.settle(viborg, delivery: later, asOf: asOf)

        // The approved half-years: the figures and the lines as approved.
        for kept in approved {
            let period = try #require(settlement.periods.first { $0.period == kept.period })
            #expect(period == kept.settlement && period.isApproved)
            #expect(settlement.lines.filter { $0.period == kept.period } == kept.lines)
        }
        // The later delivery did change them.
        let changed = unapproved.periods.filter { $0.period <= HalfYear(year: 2024, half: 2) }
        #expect(changed.map(\.total) != approved.map(\.settlement.total))

        // The corrections: per goal, what the delivery now computes less what was approved,
        // every line with before, after and a reason, settled in 2025-H1.
        #expect(!settlement.corrections.isEmpty)
        #expect(settlement.corrections.allSatisfy { $0.settledIn == HalfYear(year: 2025, half: 1) && !$0.reason.isEmpty && $0.before != $0.after })
        for goal in viborg.paymentGoals.map(\.number) {
            let recomputed = Money.sum(changed.flatMap(\.goals).filter { $0.goal == goal }.map(\.amount))
            let kept = Money.sum(approved.flatMap(\.settlement.goals).filter { $0.goal == goal }.map(\.amount))
            let corrected = Money.sum(settlement.corrections.filter { $0.goal == goal }.map(\.difference))
            #expect(corrected == recomputed - kept, "goal \(goal)")
            let open = try #require(settlement.periods.first { $0.period == HalfYear(year: 2025, half: 1) }?.goals.first { $0.goal == goal })
            let own = Money.sum(unapproved.lines.filter { $0.period == HalfYear(year: 2025, half: 1) && $0.goal == goal }.map(\.amount))
            #expect(open.correction == corrected && open.amount == own + corrected, "goal \(goal)")
        }
        // The table says which half-years are approved, and the correction.
        let table = SettlementTable.render(settlement, commitment: viborg)
        #expect(table.contains("2. halvår 2024 (godkendt)") && table.contains("Godkendt (SPEC §10): 3 halvår"))
        #expect(table.contains("Efterregulering af godkendte halvår:") && table.contains("i 1. halvår 2025"))
        #expect(!SettlementTable.render(unapproved, commitment: viborg).contains("godkendt"))
        // The rest of the settlement still balances, and no cap is exceeded.
        #expect(settlement.totals.total == Money.sum(settlement.periods.map(\.total)))
        #expect(Money.sum(settlement.totals.recipients.map(\.amount)) == settlement.totals.total)
        for goal in viborg.paymentGoals {
            let payable = Money.sum(settlement.periods.flatMap(\.goals).filter { $0.goal == goal.number }.map(\.payable))
            if let cap = goal.cap?.value { #expect(payable <= cap) }
        }
    }

    /// Approves `period` as the settlement with the earlier approvals computes it, its
    /// corrections kept with it (as the service does).
    func approveNext(_ delivery: Delivery, _ period: HalfYear, after approved: [ApprovedPeriod]) -> ApprovedPeriod {
        let settlement = SettlementEngine.settle(viborg, delivery: delivery, asOf: period.end, approved: approved)
        let figures = settlement.periods.first { $0.period == period }!
        return ApprovedPeriod(
            settlement: figures,
            lines: settlement.lines.filter { $0.period == period },
            corrections: settlement.corrections.filter { $0.settledIn == period }
        )
    }

    @Test("a correction, once settled in an approved half-year, is never settled again")
    func settledOnce() throws {
        var approved = approve(try delivery(Self.files), through: HalfYear(year: 2024, half: 2))
        let later = try delivery(try corrected())
        let next = approveNext(later, HalfYear(year: 2025, half: 1), after: approved)
        #expect(!next.corrections.isEmpty)
        #expect(next.settlement.goals.contains { !$0.correction.isZero })
        approved.append(next)
        let settlement = SettlementEngine.settle(viborg, delivery: later, asOf: day("2026-11-26"), approved: approved)
        #expect(settlement.corrections.isEmpty)
        #expect(settlement.periods.allSatisfy { $0.goals.allSatisfy { $0.correction.isZero } || $0.isApproved })
        // And the figures through the approvals add up to what the later delivery computes
        // without any approval: nothing paid twice, nothing lost.
        let unapproved = SettlementEngine.settle(viborg, delivery: later, asOf: day("2026-11-26"))
        #expect(settlement.totals.total == unapproved.totals.total)
    }

    @Test("a negative correction gives back only what the caps let through; totals still balance")
    func negativeCorrection() throws {
        var squeezed = viborg.withCap(goal: 1, Money(kroner: 20_000))
        squeezed.returnCap.amount = Stated(Money(kroner: 60_000), "T 5.2")
        let first = try delivery(Self.files)
        let settled = SettlementEngine.settle(squeezed, delivery: first, asOf: HalfYear(year: 2025, half: 1).end)
        let approved = settled.periods.map { period in ApprovedPeriod(settlement: period, lines: settled.lines.filter { $0.period == period.period }) }
        // A later delivery in which every employment measurement at 12 months is unsuccessful.
        var files = Self.files
        files["employment.csv"] = (files["employment.csv"] ?? "").split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.contains(",12,") else { return String(line) }
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[2] = "cash_benefit_job_ready"
            return cells.joined(separator: ",")
        }.joined(separator: "\n")
        let later = try delivery(files)
        let settlement = SettlementEngine.settle(squeezed, delivery: later, asOf: day("2026-11-26"), approved: approved)
        #expect(settlement.corrections.contains { $0.difference.isNegative })
        // Per goal: what all half-years pay together is the cap rule on everything earned.
        for goal in squeezed.paymentGoals {
            let payable = Money.sum(settlement.periods.flatMap(\.goals).filter { $0.goal == goal.number }.map(\.payable))
            let earned = Money.sum(settlement.periods.flatMap(\.goals).filter { $0.goal == goal.number }.map(\.amount))
            let cap = goal.cap?.value ?? Money(minorUnits: .max)
            #expect(payable == min(cap, max(.zero, earned)), "goal \(goal.number)")
        }
        #expect(Money.sum(settlement.totals.recipients.map(\.amount)) == settlement.totals.total)
        #expect(settlement.totals.total == Money.sum(settlement.totals.payers.map(\.amount)))
    }

    @Test("the same delivery again: no correction, the same settlement as without approvals")
    func nothingChanged() throws {
        let first = try delivery(Self.files)
        let approved = approve(first, through: HalfYear(year: 2025, half: 1))
        let asOf = day("2026-11-26")
        let with = SettlementEngine.settle(viborg, delivery: first, asOf: asOf, approved: approved)
        var without = SettlementEngine.settle(viborg, delivery: first, asOf: asOf)
        #expect(with.corrections.isEmpty)
        for index in without.periods.indices where without.periods[index].period <= HalfYear(year: 2025, half: 1) {
            without.periods[index].isApproved = true
        }
        #expect(with.periods == without.periods && with.totals == without.totals)
        #expect(with.lines.map(\.amount) == without.lines.map(\.amount))
        // The JSON without approvals is as before: no new keys.
        let plain = SettlementJSON.string(SettlementEngine.settle(viborg, delivery: first, asOf: asOf))
        #expect(!plain.contains("\"approved\"") && !plain.contains("\"corrections\"") && !plain.contains("\"correction\""))
        let approvedJSON = SettlementJSON.string(with)
        #expect(approvedJSON.contains("\"approved\": true"))
    }

    @Test("the kept document reads back to the same half-year, byte for byte the same when written again")
    func documentRoundTrip() throws {
        let approved = approve(try delivery(Self.files), through: HalfYear(year: 2024, half: 2)).last!
        let text = ApprovedPeriodDocument.string(approved.settlement, lines: approved.lines, contract: viborg.id, version: 1, delivery: 1, asOf: day("2024-12-31"))
        #expect(text.contains("\"period\": \"2024-H2\"") && text.contains("\"approved\": true"))
        #expect(text.hasPrefix("{\"contract\": \"viborg-relationel-velfaerd\", \"contractVersion\": 1, \"delivery\": 1"))
    }
}
