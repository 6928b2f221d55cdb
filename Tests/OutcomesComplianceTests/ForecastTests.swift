import Foundation
import OutcomesContractFile
import OutcomesCore
import Testing

@testable import OutcomesAnalysis

@Suite("The forecast (Monte Carlo from the agreement's own expected figures)")
struct ForecastTests {
    let model = ForecastModel(viborg)

    @Test("the expected case, hand-computed from B5.1 2.4.1, 2.5.1, 2.6.1, 2.7.1 and 2.8.2")
    func expectedCase() {
        let expected = model.expected()
        // Goal 3: 3 cohorts × 6.500 kr. × (23,45 + 18,78 + 13,71) points = 1.090.830 kr.
        #expect(expected.amounts[2] == Money(kroner: 1_090_830))
        // Goal 4: 340 persons × 40 % × 2.000 kr. = 272.000 kr., capped at 250.000 kr.
        #expect(expected.amounts[3] == Money(kroner: 272_000) && expected.payables[3] == Money(kroner: 250_000))
        // Goal 5: 180 households × 60 % × 12.500 kr. = 1.350.000 kr.
        #expect(expected.amounts[4] == Money(kroner: 1_350_000))
        // Goal 2: 5 × 75 % × 42.000 + 54 × 25 % × 84.000 + 22 × 5 % × 84.000 = 1.383.900 kr.
        #expect(expected.amounts[1] == Money(kroner: 1_383_900))
        #expect(expected.total == Money.sum(expected.payables) - expected.capReduction)
    }

    @Test("the binomial sampler is unbiased at high success rates too (p = 95 %, n = 400: inversion from the failures)")
    func binomialHighP() {
        var random = SeededGenerator(seed: 42)
        let none = ForecastModel.chanceOfNone(0.95, 400)
        #expect(none > 1e-12, "the walk starts from the rarer outcome, far from underflow")
        let draws = (0..<20_000).map { _ in Double(ForecastModel.binomial(400, 0.95, none: none, &random)) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count - 1)
        #expect(abs(mean - 380) < 0.2, "mean \(mean), expected 380")
        #expect(abs(variance - 19) < 1.5, "variance \(variance), expected 19")
        #expect(draws.allSatisfy { $0 <= 400 })
    }

    @Test("the agreement's own anchor: the goal-3 cap of 1.400.000 kr. is about 28 % above the expected goal-3 payment (B5.1 2.6.3)")
    func goal3Anchor() {
        let expected = model.expected().amounts[2]
        let above = Ratio(Int128(1_400_000_00 - expected.minorUnits), Int128(expected.minorUnits)) * 100
        #expect(above > Ratio(27) && above < Ratio(29))
    }

    @Test("the runs: means near the expected case, the same seed gives the same result, percentiles in order")
    func runs() {
        let result = model.run(20_000, seed: 7)
        let again = model.run(20_000, seed: 7)
        #expect(result.total == again.total && result.amounts == again.amounts)
        let expected = model.expected()
        for (index, distribution) in result.amounts.enumerated() {
            let difference = abs(distribution.mean.minorUnits - expected.amounts[index].minorUnits)
            #expect(difference * 100 < expected.amounts[index].minorUnits * 2, "goal \(index + 1): mean within 2 % of the expected case")
            #expect(distribution.p5 <= distribution.p50 && distribution.p50 <= distribution.p95)
        }
        // Goal 4's expected 272.000 kr. is above its cap: the cap binds in most runs.
        #expect((result.capBinds[3] ?? .zero) > Ratio(1, 2))
        #expect(result.capBinds[0] == nil)
    }
}

/// Issue #19 (1): the success rates are uncertain, drawn each run from priors around the
/// agreement's expected figures with the contract file's strength.
@Suite("The forecast's uncertain rates")
struct ForecastPriorTests {
    @Test("the beta and gamma samplers have the right mean and variance, small shapes included")
    func samplers() {
        var random = SeededGenerator(seed: 11)
        for (alpha, beta) in [(2.0, 3.0), (0.4, 19.6), (38.0, 2.0)] {
            let values = (0..<200_000).map { _ in ForecastModel.beta(alpha, beta, &random) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            let expectedMean = alpha / (alpha + beta)
            let expectedVariance = alpha * beta / ((alpha + beta) * (alpha + beta) * (alpha + beta + 1))
            #expect(abs(mean - expectedMean) < 0.005, "Beta(\(alpha), \(beta)) mean \(mean)")
            #expect(abs(variance - expectedVariance) < expectedVariance * 0.05, "Beta(\(alpha), \(beta)) variance \(variance)")
        }
        #expect(ForecastModel.beta(0, 5, &random) == 0 && ForecastModel.beta(5, 0, &random) == 1)
    }

    @Test("uncertain rates widen the forecast around the same centre; a very strong prior gives the fixed-rate spread back")
    func spread() {
        var sure = viborg
        sure.interpretations.forecastPriorStrength = Interpretation(1_000_000, "test")
        let fixed = ForecastModel(sure).run(20_000, seed: 3)
        let uncertain = ForecastModel(viborg).run(20_000, seed: 3)
        #expect(viborg.interpretations.forecastPriorStrength.choice == 40)
        func width(_ d: ForecastModel.Distribution) -> Int64 { d.p95.minorUnits - d.p5.minorUnits }
        // Goal 1 (employment): the 90 % interval is half as wide again once its rates are
        // uncertain (2,12–2,40 mio. kr. with fixed rates; each benefit type's rate on its own).
        #expect(2 * width(uncertain.amounts[0]) > 3 * width(fixed.amounts[0]), "\(uncertain.amounts[0]) vs \(fixed.amounts[0])")
        #expect(width(uncertain.total) > width(fixed.total))
        // The centre stays: the means agree within 2 %.
        for index in uncertain.amounts.indices {
            let a = uncertain.amounts[index].mean.minorUnits
            let b = fixed.amounts[index].mean.minorUnits
            #expect(abs(a - b) * 50 < max(b, 1), "goal \(index + 1): \(a) vs \(b)")
        }
    }

    @Test("each half-year's spread over the runs (the fan chart): its mean is the half-year's mean, its percentiles in order")
    func halfYearSpread() {
        let result = ForecastModel(viborg).run(10_000, seed: 5)
        #expect(result.periodDistributions.count == result.periods.count)
        var spread = false
        for (index, d) in result.periodDistributions.enumerated() {
            #expect(d.mean == result.periodTotals[index], "\(result.periods[index])")
            #expect(d.p5 <= d.p50 && d.p50 <= d.p95)
            if d.p95 > d.p5 { spread = true }
        }
        #expect(spread)
    }

    @Test("the contract file names the strength; 40 without it; a strength of 0 is refused")
    func inFile() throws {
        let text = ContractFile.builtInText.replacingOccurrences(
            of: "  revocationInterest: {value: returnCapRate, clause: \"T 6.2.1\"}\n",
            with: "  revocationInterest: {value: returnCapRate, clause: \"T 6.2.1\"}\n  forecastPriorStrength: {value: 100, clause: \"B5.1 2.4.1\"}\n"
        )
        #expect(try ContractFile.parse(text, file: "a.yaml").interpretations.forecastPriorStrength.choice == 100)
        let zero = text.replacingOccurrences(of: "forecastPriorStrength: {value: 100", with: "forecastPriorStrength: {value: 0")
        #expect(throws: ContractFileError.self) { try ContractFile.parse(zero, file: "a.yaml") }
        #expect(viborg.interpretationSummary.contains { $0.key == "forecastPriorStrength" && $0.reading.contains("40 observationer") })
    }
}

@Suite("The forecast's time axis: courses, points, half-years, tranches and the funders' returns")
struct ForecastTimelineTests {
    let model = ForecastModel(viborg)
    var timeline: ForecastTimeline { model.timeline }

    @Test("B4.1's households per budget year start on the first of each month they can still count in (P 3.2.4), 12-month courses (P 1.1.3)")
    func courses() {
        #expect(timeline.starts.count == 180)
        let perYear = [2023, 2024, 2025, 2026].map { year in timeline.starts.filter { $0.year == year }.count }
        #expect(perYear == [10, 60, 60, 50])
        #expect(timeline.starts.first == day("2023-11-01"))
        // 2023: November and December, 5 each; 2026: January to July (a later start never counts).
        #expect(timeline.starts.filter { $0 == day("2023-12-01") }.count == 5)
        #expect(timeline.starts.last == day("2026-07-01"))
        #expect(timeline.starts == timeline.starts.sorted())
        // A course lasts 12 months and ends with the intervention period at the latest.
        #expect(timeline.ends[0] == day("2024-11-01"))
        #expect(timeline.ends.last == day("2026-10-31"))
        #expect(zip(timeline.starts, timeline.ends).allSatisfy { $0.addingMonths(3) <= $1 })
        // Cohorts by intervention year (November–October): 60 each.
        #expect([1, 2, 3].map { c in timeline.cohorts.filter { $0 == c }.count } == [60, 60, 60])
        #expect(timeline.cohortDate(1, months: 12) == day("2025-10-01"))
        // Half-years from 2023-H2 to the last 24-month point (2026-07-01 + 24 months = 2028-H2),
        // each due on the last day of the quarter after it.
        #expect(timeline.periods.first?.label == "2023-H2" && timeline.periods.last?.label == "2028-H2")
        #expect(timeline.dues[2] == day("2025-03-31") && timeline.dues[3] == day("2025-09-30"))
    }

    @Test("the expected case per half-year, hand-computed where one cohort or course group falls in it")
    func halfYears() throws {
        let expected = model.expected()
        let h2024 = try #require(expected.periods.first { $0.period.label == "2024-H2" })
        // The 10 households that started in 2023 end their courses in November/December 2024.
        // Goal 5: 10 households × 5 goals × 60 % × 2.500 kr. = 75.000 kr.
        #expect(h2024.amounts[4] == Money(kroner: 75_000))
        // Goal 4: units j of 340 with ⌊j × 180 / 340⌋ < 10 are j = 0…18: 19 × 40 % × 2.000 kr. = 15.200 kr.
        #expect(h2024.amounts[3] == Money(kroner: 15_200))
        // Goal 3: only cohort 1's 12-month point (last start 2024-10-01) falls in 2025-H2:
        // 23,45 points × 6.500 kr. = 152.425 kr.
        let h2025 = try #require(expected.periods.first { $0.period.label == "2025-H2" })
        #expect(h2025.amounts[2] == Money(kroner: 152_425))
        // Nothing is earned before the first 12-month points.
        #expect(expected.periods[0].total.isZero && expected.periods[1].total.isZero)
        // The goals' half-years add up to the goal totals of the whole agreement.
        for g in 0..<5 { #expect(Money.sum(expected.periods.map { $0.amounts[g] }) == expected.amounts[g]) }
        #expect(Money.sum(expected.periods.map(\.total)) == expected.total)
    }

    @Test("the tranche split (B5.1 1.1) and the caps on the expected case: 74/26 up to 5.275.000 kr., then all to DSI")
    func tranches() {
        let expected = model.expected()
        // Goal 4's 272.000 kr. is cut to 250.000 kr.; the municipality's goals reach the return cap.
        #expect(expected.payables[3] == Money(kroner: 250_000))
        #expect(expected.total == Money(kroner: 6_250_000))
        // DSI: 74 % of 5.275.000 + the remaining 975.000 = 4.878.500 kr.; LBF: 26 % of 5.275.000.
        #expect(expected.received == [Money(kroner: 4_878_500), Money(kroner: 1_371_500)])
        for period in expected.periods { #expect(Money.sum(period.recipients) == period.total) }
        // After the threshold LBF receives nothing.
        var repaid = Money.zero
        for period in expected.periods {
            if repaid >= Money(kroner: 5_275_000) { #expect(period.recipients[1].isZero) }
            repaid += period.total
        }
    }

    @Test("the funders' rates of return equal XIRR on their dated flows: installments out, repayments in, LBF's goal-4 payments out")
    func returns() throws {
        let expected = model.expected()
        let plan = viborg.disbursementPlan.installments
        for (f, party) in model.funderKeys.enumerated() {
            var flows: [(date: LocalDate, amount: Money)] = plan.compactMap { installment in
                installment.amounts[party].map { (installment.dueBy, Money.zero - $0) }
            }
            for period in expected.periods {
                let paid = party == PartyKey("lbf") ? period.payers[1] : .zero
                flows.append((period.due, period.recipients[f] - paid))
            }
            let rate = try #require(XIRR.rate(flows))
            let model = try #require(expected.irr[f])
            #expect(abs(rate - model) < 1e-9, "\(party): \(rate) vs \(model)")
        }
        // DSI gets back more than its 3.912.500 kr. (the return cap allows it); LBF, which also
        // pays goal 4, gets back less than it put in: a negative rate.
        #expect((expected.irr[0] ?? 0) > 0.05 && (expected.irr[1] ?? 0) < 0)
    }

    @Test("the runs: per funder and per half-year, consistent with the totals")
    func runs() {
        let result = model.run(5_000, seed: 11)
        // What the funders receive adds up to the total in every run, so the means do too.
        #expect(abs((Money.sum(result.received.map(\.mean)) - result.total.mean).minorUnits) <= 2)
        // The half-years' means add up to the total's mean (each rounded to øre).
        #expect(abs((Money.sum(result.periodTotals) - result.total.mean).minorUnits) <= Int64(result.periods.count))
        for (f, irr) in result.irr.enumerated() {
            #expect(irr.p5 <= irr.p50 && irr.p50 <= irr.p95)
            #expect(abs(irr.p50 - (result.expected.irr[f] ?? 0)) < 0.02)
            #expect(irr.missing == 0)
        }
        #expect(result.periodTotals[0].isZero)
    }
}
