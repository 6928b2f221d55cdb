import OutcomesAnalysis
import OutcomesContractFile
import OutcomesCore
import Testing

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
