import OutcomesCore
import Testing

/// Issue #15, SPEC §7: the revocation claim (T 6.2.1, 6.2.3) and default interest under
/// renteloven § 5, computed by hand.
@Suite("Revocation: the claim and default interest (T 6.2)")
struct RevocationTests {
    func kroner(_ text: String) -> Money { try! Money.parse(text, form: .machine) }
    /// The reference rate changes on 6 June 2025, but § 5 applies the rate in force on 1 July
    /// from then: 2,60 % + 8 for 1. halvår 2025, 1,60 % + 8 for 2. halvår.
    let rates = [
        ReferenceRate(effectiveFrom: day("2024-12-13"), rate: Percent(Ratio(260, 100))),
        ReferenceRate(effectiveFrom: day("2025-06-06"), rate: Percent(Ratio(160, 100))),
    ]

    @Test("default interest across a reference-rate change: the rate in force on 1 January / 1 July plus 8 points, simple per day")
    func defaultInterest() {
        // 100.000 kr. due 15.06.2025, unpaid to 14.08.2025:
        // 16.–30.06: 100.000 × 10,60 % × 15/365 = 435,6164…; 01.07.–14.08.: 100.000 × 9,60 % × 45/365 = 1.183,5616…
        let late = DefaultInterest.compute(amount: money(100_000), due: day("2025-06-15"), payments: [], rates: rates, asOf: day("2025-08-14"))
        #expect(late.segments.map(\.days) == [15, 45])
        #expect(late.segments.map(\.rate) == [Percent(Ratio(1060, 100)), Percent(Ratio(960, 100))])
        #expect(late.total == kroner("1619.18") && late.missingRates.isEmpty)
        // Half of it paid on 01.08.2025: July on 100.000 (815,3425…), 1.–14. August on 50.000 (184,1096…).
        let part = DefaultInterest.compute(
            amount: money(100_000), due: day("2025-06-15"), payments: [(day("2025-08-01"), money(50_000))], rates: rates, asOf: day("2025-08-14")
        )
        #expect(part.segments.map(\.outstanding) == [money(100_000), money(100_000), money(50_000)])
        #expect(part.total == kroner("1435.07"))
        // Paid on time: no interest. A half-year without an entered rate is named, not guessed.
        #expect(DefaultInterest.compute(amount: money(100_000), due: day("2025-06-15"), payments: [(day("2025-06-15"), money(100_000))], rates: rates, asOf: day("2025-08-14")).total == .zero)
        #expect(DefaultInterest.compute(amount: money(100_000), due: day("2024-06-15"), payments: [], rates: rates, asOf: day("2024-08-14")).missingRates.map(\.label) == ["2024-H1", "2024-H2"])
    }

    @Test("the claim: DSI's grant paid out with the return cap's interest to the notice, 45 days to pay, default interest after")
    func claim() throws {
        let transfers = [
            MoneyTransfer(kind: .disbursement, from: PartyKey("dsi"), to: PartyKey("kommune"), paidOn: day("2023-11-30"), amount: money(1_304_167), reference: "1"),
            MoneyTransfer(kind: .disbursement, from: PartyKey("dsi"), to: PartyKey("kommune"), paidOn: day("2024-11-30"), amount: money(1_304_167), reference: "2"),
            MoneyTransfer(kind: .disbursement, from: PartyKey("lbf"), to: PartyKey("boligviborg"), paidOn: day("2023-11-30"), amount: money(454_167), reference: "1"),
        ]
        let notice = Notice(kind: .revocation, received: day("2025-02-03"), subject: "Visitationen ikke afhjulpet")
        #expect(RevocationClaim.compute(viborg, transfers: transfers, notices: [], rates: rates, asOf: day("2025-04-19")) == nil)
        let claim = try #require(RevocationClaim.compute(viborg, transfers: transfers, notices: [notice], rates: rates, asOf: day("2025-04-19")))
        // 5,07 % p.a., 365-day year, posted 31.12 (T 5.2): the first installment 31 days in 2023,
        // 366 in 2024 and 34 in 2025 → 78.703,94 kr.; the second 31 + 34 days → 11.801,54 kr.
        #expect(claim.installments.map(\.interest) == [kroner("78703.94"), kroner("11801.54")])
        #expect(claim.principal == money(2_608_334), "DSI's grant only; LBF's installment is not claimed")
        #expect(claim.claim == kroner("2698839.48"))
        #expect(claim.paymentDue == day("2025-03-20"), "45 calendar days (T 6.2.3)")
        // Unpaid 21.03.–19.04.2025: 2.698.839,48 × 10,60 % × 30/365 = 23.513,18.
        #expect(claim.defaultInterest.total == kroner("23513.18"))
        #expect(claim.outstanding == kroner("2722352.66"))
        // 1.000.000 paid on the deadline: interest on the rest only.
        let paid = transfers + [
            MoneyTransfer(kind: .revocationRepayment, from: PartyKey("kommune"), to: PartyKey("dsi"), paidOn: day("2025-03-20"), amount: money(1_000_000), reference: "T 6.2")
        ]
        let partly = try #require(RevocationClaim.compute(viborg, transfers: paid, notices: [notice], rates: rates, asOf: day("2025-04-19")))
        #expect(partly.paid == money(1_000_000) && partly.defaultInterest.total == kroner("14800.85"))
        // "inklusive renter" read as no interest: the grant only.
        var none = viborg
        none.interpretations.revocationInterest = Interpretation(.none, "T 6.2.1")
        #expect(RevocationClaim.compute(none, transfers: transfers, notices: [notice], rates: rates, asOf: day("2025-02-03"))?.claim == money(2_608_334))
    }

    func money(_ kroner: Int64) -> Money { Money(kroner: kroner) }
}
