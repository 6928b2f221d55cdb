import OutcomesAnalysis
import OutcomesContractFile
import OutcomesCore
import OutcomesTestSupport
import Testing

@Suite("Money in and out: XIRR, cash flows, the return cap, the disbursement plan (T 3–5)")
struct FinanceTests {
    func money(_ kroner: Int64) -> Money { Money(kroner: kroner) }

    @Test("XIRR of Excel's documented example is 37,336 %")
    func excelExample() throws {
        let rate = try #require(
            XIRR.rate([
                (day("2008-01-01"), money(-10_000)), (day("2008-03-01"), money(2_750)), (day("2008-10-30"), money(4_250)),
                (day("2009-02-15"), money(3_250)), (day("2009-04-01"), money(2_750)),
            ])
        )
        #expect(abs(rate - 0.373362535) < 1e-8)
    }

    @Test("XIRR on hand-computed flows: 10 % over 365 days, 0 % for money back unchanged, none without a sign change")
    func knownRates() throws {
        let ten = try #require(XIRR.rate([(day("2023-01-01"), money(-1_000)), (day("2024-01-01"), money(1_100))]))
        #expect(abs(ten - 0.10) < 1e-9)
        let zero = try #require(XIRR.rate([(day("2023-01-01"), money(-1_000)), (day("2025-06-01"), money(1_000))]))
        #expect(abs(zero) < 1e-9)
        #expect(XIRR.rate([(day("2023-01-01"), money(1_000)), (day("2024-01-01"), money(1_100))]) == nil)
    }

    @Test("cash flows per party: every transfer out of its payer and into its recipient, the donation to DSI, net positions")
    func cashFlows() throws {
        let transfers = [
            MoneyTransfer(
                kind: .disbursement,
                from: PartyKey("dsi"),
                to: PartyKey("kommune"),
                paidOn: day("2023-11-30"),
                amount: money(1_304_167),
                reference: "1. rate"
            ),
            MoneyTransfer(
                kind: .disbursement,
                from: PartyKey("lbf"),
                to: PartyKey("kommune"),
                paidOn: day("2023-11-30"),
                amount: money(454_167),
                reference: "1. rate"
            ),
            MoneyTransfer(
                kind: .repayment,
                from: PartyKey("kommune"),
                to: PartyKey("dsi"),
                paidOn: day("2025-03-31"),
                amount: money(48_278),
                reference: "2024-H2"
            ),
            MoneyTransfer(
                kind: .repayment,
                from: PartyKey("kommune"),
                to: PartyKey("dsi"),
                paidOn: day("2027-01-01"),
                amount: money(1),
                reference: "after as-of"
            ),
        ]
        let statement = CashFlowStatement.compute(viborg, transfers: transfers, asOf: day("2026-11-26"))
        let dsi = try #require(statement.position(PartyKey("dsi")))
        #expect(dsi.paid == money(1_304_167))
        #expect(dsi.received == money(48_278) + money(2_550_000), "the repayment and Poul Due Jensens Fond's donation (T 3.3 (3))")
        #expect(dsi.net == money(1_294_111))
        let kommune = try #require(statement.position(PartyKey("kommune")))
        #expect(kommune.received == money(1_758_334) && kommune.paid == money(48_278))
        #expect(statement.position(PartyKey("pdjf"))?.net == money(-2_550_000))
        // Money is conserved: the net positions add up to zero.
        #expect(Money.sum(statement.positions.map(\.net)) == .zero)
        #expect(statement.positions.first?.party == PartyKey("dsi"), "in the agreement's order of parties")
        // The rate to date is the funders' measure: DSI paid and got some back; not the municipality's.
        let rate = try #require(dsi.irr)
        #expect(rate < 0, "48.278 kr. back on 1.304.167 kr. so far")
        #expect(kommune.irr == nil)
    }

    @Test("the return cap: the stated 6.000.000 kr. binds; the formula on DSI's installments to 31.12.2028 is shown beside it")
    func returnCap() {
        let report = ReturnCapReport.compute(viborg)
        #expect(report.stated.value == money(6_000_000))
        #expect(report.installments.map(\.amount) == [money(1_304_167), money(1_304_167), money(1_304_167)])
        #expect(report.horizon.choice == day("2028-12-31"))
        // The same as the formula itself, and so the distance.
        let formula = ReturnCapFormula.compoundedValue(
            installments: report.installments,
            annualRate: viborg.returnCap.annualRate.value,
            dayCountBasis: 365,
            postingMonth: 12,
            postingDay: 31,
            horizon: day("2028-12-31")
        )
        #expect(report.formula == formula)
        #expect(report.distance == money(6_000_000) - formula)
        #expect(report.formula > money(3_912_501) && report.formula < money(6_000_000))
    }

    @Test("the disbursement plan against what was paid: payments fill the installments in order; unpaid past the deadline is overdue")
    func disbursements() {
        let transfers = [
            MoneyTransfer(
                kind: .disbursement,
                from: PartyKey("dsi"),
                to: PartyKey("kommune"),
                paidOn: day("2023-11-20"),
                amount: money(1_000_000),
                reference: "a"
            ),
            MoneyTransfer(
                kind: .disbursement,
                from: PartyKey("dsi"),
                to: PartyKey("kommune"),
                paidOn: day("2023-12-10"),
                amount: money(404_167),
                reference: "b"
            ),
        ]
        let status = DisbursementStatus.compute(viborg, transfers: transfers, asOf: day("2024-12-01"))
        let dsi = status.rows.filter { $0.funder == PartyKey("dsi") }
        #expect(dsi.map(\.paid) == [money(1_304_167), money(100_000), .zero])
        #expect(dsi.map(\.isOverdue) == [false, true, false], "the second installment was due by 30.11.2024")
        #expect(status.rows.filter { $0.funder == PartyKey("lbf") }.allSatisfy { $0.paid == .zero })
        // B3.2's note: LBF's installments go to Boligselskabet BoligViborg; a payment to the
        // municipality is not one of them.
        #expect(status.rows.filter { $0.funder == PartyKey("lbf") }.allSatisfy { $0.recipient == PartyKey("boligviborg") })
        #expect(dsi.allSatisfy { $0.recipient == PartyKey("kommune") })
        let lbfPaid = transfers + [
            MoneyTransfer(kind: .disbursement, from: PartyKey("lbf"), to: PartyKey("kommune"), paidOn: day("2023-11-20"), amount: money(454_167), reference: "x"),
            MoneyTransfer(kind: .disbursement, from: PartyKey("lbf"), to: PartyKey("boligviborg"), paidOn: day("2023-11-21"), amount: money(454_167), reference: "y"),
        ]
        let lbf = DisbursementStatus.compute(viborg, transfers: lbfPaid, asOf: day("2024-01-01")).rows.filter { $0.funder == PartyKey("lbf") }
        #expect(lbf.map(\.paid) == [money(454_167), .zero, .zero])
        // The payment to the municipality is shown, not lost.
        let others = DisbursementStatus.compute(viborg, transfers: lbfPaid, asOf: day("2024-01-01")).paidToOthers
        #expect(others == [.init(funder: PartyKey("lbf"), recipient: PartyKey("kommune"), planned: PartyKey("boligviborg"), amount: money(454_167))])
    }

    @Test("a recorded reduction lowers the next installments; withholding holds them back, revocation stops them")
    func reductionsAndNotices() {
        let first = MoneyTransfer(kind: .disbursement, from: PartyKey("dsi"), to: PartyKey("kommune"), paidOn: day("2023-11-20"), amount: money(1_304_167), reference: "1")
        // DSI decides a reduction of 1.400.000 kr. on 1 June 2024: the second installment is
        // lowered to nothing and the third by the remaining 95.833 kr.
        let reduction = GrantDecision(kind: .relativeReduction, year: 2024, amount: money(1_400_000), decidedOn: day("2024-06-01"), note: "")
        let status = DisbursementStatus.compute(viborg, transfers: [first], decisions: [reduction], asOf: day("2025-12-15"))
        let dsi = status.rows.filter { $0.funder == PartyKey("dsi") }
        #expect(dsi.map(\.reduced) == [.zero, money(1_304_167), money(95_833)])
        #expect(dsi.map(\.payable) == [money(1_304_167), .zero, money(1_208_334)])
        #expect(dsi.map(\.state) == [.onPlan, .onPlan, .overdue])
        #expect(status.unabsorbedReductions == .zero)
        // A reduction larger than what is left to pay is shown as not absorbed.
        let late = GrantDecision(kind: .absoluteReduction, year: 2025, amount: money(50_000), decidedOn: day("2025-12-01"), note: "")
        #expect(DisbursementStatus.compute(viborg, transfers: [first], decisions: [late], asOf: day("2025-12-15")).unabsorbedReductions == money(50_000))
        // Withholding (T 6.1.2) holds back the installment falling due while it runs.
        let withholding = Notice(kind: .withholding(remedyBy: day("2024-12-31")), received: day("2024-10-01"), subject: "visitation")
        let held = DisbursementStatus.compute(viborg, transfers: [first], notices: [withholding], asOf: day("2024-12-15")).rows.filter { $0.funder == PartyKey("dsi") }
        #expect(held.map(\.state) == [.onPlan, .withheld, .onPlan] && held[1].notice == "visitation")
        // After the remedy deadline, unpaid is overdue again — unless DSI revoked (T 6.2.1): then stopped.
        let revocation = Notice(kind: .revocation, received: day("2025-02-01"), subject: "ikke afhjulpet")
        let stopped = DisbursementStatus.compute(viborg, transfers: [first], notices: [withholding, revocation], asOf: day("2025-12-15"))
            .rows.filter { $0.funder == PartyKey("dsi") }
        #expect(stopped.map(\.state) == [.onPlan, .overdue, .stopped])
    }
}

@Suite("Grant adjustments: the relative reduction (T 4.2) and unused grant (T 4.3)")
struct GrantAdjustmentTests {
    func money(_ kroner: Int64) -> Money { Money(kroner: kroner) }

    func kroner(_ text: String) -> Money { try! Money.parse(text, form: .machine) }

    @Test("DSI's grant by year: 3.912.500 in proportion to B4.1's intervention lines, the last year taking the øre left")
    func grantByYear() {
        // 3.912.500 × 293.056 / 5.275.000 = 217.361,4386… and × 1.758.333 / 5.275.000 = 1.304.166,4197…
        let years = GrantByYear.compute(viborg)
        #expect(years.map(\.grant) == [kroner("217361.44"), kroner("1304166.42"), kroner("1304166.42"), kroner("1086805.72")])
        #expect(Money.sum(years.map(\.grant)) == money(3_912_500))
        #expect(viborg.theGrantFunder == PartyKey("dsi") && viborg.grantShare == Ratio(3_912_500, 5_275_000))
    }

    @Test("relative reduction per budget year on DSI's grant (T 3.1), hand-computed: 5 of 10 in 2023 and 25 of 50 in 2026 halve those years; more than expected is capped")
    func relativeReduction() {
        let households =
            enrolled(5, on: "2023-11-15", prefix: "A") + enrolled(60, on: "2024-03-01", prefix: "B") + enrolled(70, on: "2025-03-01", prefix: "C")
            + enrolled(25, on: "2026-03-01", prefix: "D")
        let result = RelativeReduction.compute(viborg, households: households, asOf: day("2027-01-01"))
        #expect(result.years.map(\.grant) == [kroner("217361.44"), kroner("1304166.42"), kroner("1304166.42"), kroner("1086805.72")])
        #expect(result.years.map(\.actual) == [5, 60, 70, 25])
        // 217.361,44 − 5/10 × 217.361,44 = 108.680,72; 1.086.805,72 − 25/50 × 1.086.805,72 = 543.402,86.
        #expect(result.years.map(\.reduction) == [kroner("108680.72"), .zero, .zero, kroner("543402.86")])
        #expect(result.total == kroner("652083.58"), "not 879.167 kr. on both funders' 5.275.000")
        #expect(result.years.allSatisfy { !$0.isProvisional })
        // A year still running is provisional.
        #expect(RelativeReduction.compute(viborg, households: households, asOf: day("2026-06-01")).years.last?.isProvisional == true)
    }

    @Test("absolute reduction (T 4.2 (ii)): DSI's share of the year's underspend; none without accounts or at budget")
    func absoluteReduction() {
        let actuals = [
            BudgetActual(lineKey: "staff", year: 2023, amount: money(250_000)), BudgetActual(lineKey: "flatRent", year: 2023, amount: money(43_056)),
            BudgetActual(lineKey: "staff", year: 2024, amount: money(1_600_000)),
            // The evaluation line is not an intervention line.
            BudgetActual(lineKey: "evaluation", year: 2024, amount: money(700_000)),
        ]
        let result = AbsoluteReduction.compute(viborg, actuals: actuals, asOf: day("2025-03-01"))
        #expect(result.years.map(\.spent) == [money(293_056), money(1_600_000), nil, nil])
        // 2024: budget 1.758.333 − spent 1.600.000 = 158.333 × 3.912.500 / 5.275.000 = 117.436,5583… → 117.436,56.
        #expect(result.years.map(\.reduction) == [.zero, kroner("117436.56"), .zero, .zero])
        #expect(result.total == kroner("117436.56"))
        #expect(result.years.map(\.isProvisional) == [false, false, true, true])
    }

    @Test("unused grant (T 4.3) is DSI's: its disbursements less its share of the spending; accrued, it is not repaid; without accounts it is not stated")
    func unusedGrant() {
        let transfers = [
            MoneyTransfer(kind: .disbursement, from: PartyKey("dsi"), to: PartyKey("kommune"), paidOn: day("2023-11-30"), amount: money(1_304_167), reference: "1"),
            // LBF's installment is its own commitment (T 3.3 (1)): not reclaimed here.
            MoneyTransfer(kind: .disbursement, from: PartyKey("lbf"), to: PartyKey("boligviborg"), paidOn: day("2023-11-30"), amount: money(454_167), reference: "1"),
        ]
        let spent = [
            BudgetActual(lineKey: "staff", year: 2023, amount: money(250_000)), BudgetActual(lineKey: "flatRent", year: 2023, amount: money(43_056)),
        ]
        // 1.304.167 − 293.056 × 3.912.500 / 5.275.000 (= 217.361,44) = 1.086.805,56.
        let estimated = UnusedGrant.compute(viborg, transfers: transfers, actuals: spent, meetings: [], asOf: day("2024-03-01"))
        #expect(estimated.funder == PartyKey("dsi"))
        #expect(estimated.years.map(\.unused) == [kroner("1086805.56")])
        #expect(estimated.years.first?.toRepay == kroner("1086805.56"))
        #expect(estimated.years.first?.due == day("2024-07-30") && estimated.years.first?.dueIsEstimated == true)
        // The steering group accrues 300.000 kr. for costs in 2024: 786.805,56 is repaid.
        let accrual = GrantDecision(kind: .accrual, year: 2023, amount: money(300_000), decidedOn: day("2024-05-15"), note: "Periodiseret til personale i 2024")
        let accrued = UnusedGrant.compute(viborg, transfers: transfers, actuals: spent, meetings: [], decisions: [accrual], asOf: day("2024-06-01"))
        #expect(accrued.years.first?.accrued == money(300_000) && accrued.years.first?.toRepay == kroner("786805.56"))
        // A year without accounts states nothing (not the whole grant as unused).
        let none = UnusedGrant.compute(viborg, transfers: transfers, actuals: [], meetings: [], asOf: day("2024-03-01"))
        #expect(none.years.first?.unused == nil && none.years.first?.spent == nil && none.years.first?.disbursed == money(1_304_167))

        let meeting = Meeting(heldOn: day("2024-05-15"), isAnnualMeeting: true, accountsReceivedOn: day("2024-05-01"), minutes: "")
        let repaid =
            transfers + [
                MoneyTransfer(kind: .disbursement, from: PartyKey("dsi"), to: PartyKey("kommune"), paidOn: day("2024-11-30"), amount: money(1_304_167), reference: "2"),
                MoneyTransfer(
                    kind: .unusedGrantRepayment, from: PartyKey("kommune"), to: PartyKey("dsi"), paidOn: day("2024-06-10"), amount: kroner("1086805.56"),
                    reference: "T 4.3"
                ),
            ]
        let spent2024 = spent + [BudgetActual(lineKey: "staff", year: 2024, amount: money(1_758_333))]
        let withMeeting = UnusedGrant.compute(viborg, transfers: repaid, actuals: spent2024, meetings: [meeting], asOf: day("2025-01-01"))
        #expect(withMeeting.years.first?.due == day("2024-06-15") && withMeeting.years.first?.dueIsEstimated == false)
        #expect(withMeeting.years.last?.year == 2024)
        // 2.608.334 − 1.086.805,56 repaid − 2.051.389 × 3.912.500 / 5.275.000 (= 1.521.527,86) = 0,58.
        #expect(withMeeting.years.last?.unused == kroner("0.58"))
    }
}

@Suite("The final reconciliation (T 5.3): what was repaid against what the settlements say was owed")
struct ReconciliationTests {
    /// One household, 2023-11-01 to 2024-11-01: a full action plan (goal 5: 12.500 kr.) and one
    /// adult whose life satisfaction rises (goal 4: 2.000 kr., paid by LBF). Both fall in
    /// 2024-H2, due 2025-03-31. Total 14.500 kr. in tranche 1: DSI 74 % = 10.730 kr., LBF 3.770 kr.
    let settlement: Settlement = {
        let delivery = Delivery(
            households: [Household(id: HouseholdID("H1"), area: .houlkaer, group: .treatment, start: day("2023-11-01"), end: day("2024-11-01"))],
            persons: [Person(id: PersonID("P1"), household: 0, birthDate: day("1990-05-05"))],
            lifeSatisfaction: [
                LifeSatisfactionMeasurement(person: 0, point: .baseline, score: 5), LifeSatisfactionMeasurement(person: 0, point: .result, score: 7),
            ],
            actionPlanGoals: (1...5).map { ActionPlanGoalAssessment(household: 0, goalID: "M\($0)", fulfilled: true) }
        )
        return SettlementEngine.settle(viborg, delivery: delivery, asOf: day("2029-06-30"))
    }()

    func transfer(_ from: String, _ to: String, _ kroner: Int64, _ date: String = "2025-03-20") -> MoneyTransfer {
        MoneyTransfer(
            kind: .repayment,
            from: PartyKey(from),
            to: PartyKey(to),
            paidOn: day(date),
            amount: Money(kroner: kroner),
            reference: "2024-H2"
        )
    }

    @Test("paid as owed: the municipality pays DSI 10.730 kr. and LBF 1.770 kr.; LBF keeps its own 2.000 kr. — every party settled")
    func balanced() throws {
        #expect(settlement.totals.total == Money(kroner: 14_500))
        let r = Reconciliation.compute(
            viborg,
            settlement: settlement,
            transfers: [transfer("kommune", "dsi", 10_730), transfer("kommune", "lbf", 1_770)],
            asOf: day("2029-06-30")
        )
        #expect(r.isFinal && r.lastPaymentDue == day("2029-03-31"))
        let kommune = try #require(r.row(PartyKey("kommune")))
        #expect(kommune.owedToPay == Money(kroner: 12_500) && kommune.paid == Money(kroner: 12_500) && kommune.difference.isZero)
        let lbf = try #require(r.row(PartyKey("lbf")))
        #expect(lbf.owedToPay == Money(kroner: 2_000) && lbf.owedToReceive == Money(kroner: 3_770) && lbf.received == Money(kroner: 1_770))
        #expect(r.row(PartyKey("dsi"))?.owedToReceive == Money(kroner: 10_730))
        #expect(r.isBalanced)
        #expect(r.repaid.map(\.amount) == [Money(kroner: 10_730), Money(kroner: 1_770)])
        #expect(r.municipalityPaid == Money(kroner: 12_500) && r.returnCap == Money(kroner: 6_000_000))
    }

    @Test("paid too little and too much: the differences name who owes whom, and they add up to zero")
    func differences() throws {
        // The municipality paid LBF nothing and DSI 100 kr. too much.
        let r = Reconciliation.compute(viborg, settlement: settlement, transfers: [transfer("kommune", "dsi", 10_830)], asOf: day("2029-06-30"))
        #expect(r.row(PartyKey("kommune"))?.difference == Money(kroner: 1_670))  // still owes 1.670 kr.
        #expect(r.row(PartyKey("dsi"))?.difference == Money(kroner: 100))  // had 100 kr. too much
        #expect(r.row(PartyKey("lbf"))?.difference == Money(kroner: -1_770))  // is owed 1.770 kr.
        #expect(Money.sum(r.rows.map(\.difference)).isZero)
        #expect(!r.isBalanced)
    }

    @Test("before the last due date it is an interim check over the approved half-years due; later and unapproved half-years are not yet owed")
    func interim() {
        var early = SettlementEngine.settle(viborg, delivery: Delivery(), asOf: day("2025-03-30"))
        // SPEC §10: nothing is owed before it is approved.
        let unapproved = Reconciliation.compute(viborg, settlement: early, transfers: [], asOf: day("2025-03-30"))
        #expect(unapproved.periods.isEmpty && unapproved.notApproved == early.totals.total)
        for index in early.periods.indices { early.periods[index].isApproved = true }
        let r = Reconciliation.compute(viborg, settlement: early, transfers: [], asOf: day("2025-03-30"))
        #expect(!r.isFinal && r.notApproved.isZero)
        #expect(r.periods.last?.label == "2024-H1")  // 2024-H2 falls due on 31.03.2025
        let onTime = Reconciliation.compute(
            viborg,
            settlement: settlement,
            transfers: [transfer("kommune", "dsi", 10_730, "2025-03-31")],
            asOf: day("2025-03-30")
        )
        // The payment made after the as-of date does not count yet; 2024-H2 is not yet due either.
        #expect(onTime.rows.allSatisfy { $0.paid.isZero && $0.owedToPay.isZero })
        // The final check (T 5.3) compares every half-year due, approved or not: it settles what remains.
        let final = Reconciliation.compute(viborg, settlement: settlement, transfers: [], asOf: day("2029-06-30"))
        #expect(final.isFinal && final.notApproved.isZero && final.row(PartyKey("kommune"))?.owedToPay == Money(kroner: 12_500))
    }
}
