import Foundation
import OutcomesContractFile
import OutcomesCore
import OutcomesTestSupport
import Testing

let viborg = ContractFile.builtIn()

func day(_ text: String) -> LocalDate { LocalDate(iso: text)! }

/// `count` treatment households in Houlkær starting on `start`.
func enrolled(_ count: Int, on start: String, prefix: String = "T", end: String? = nil, reason: EndReason? = nil) -> [Household] {
    (0..<count).map { index in
        Household(
            id: HouseholdID("\(prefix)\(index)"),
            area: .houlkaer,
            group: .treatment,
            start: day(start),
            end: end.map(day),
            endReason: end == nil ? nil : (reason ?? .stable)
        )
    }
}

func findings(_ rule: String, _ input: ComplianceInput, asOf: String) -> [ComplianceFinding] {
    ComplianceMonitor.check(input, asOf: day(asOf)).filter { $0.rule == rule }
}

/// The milestone finding whose deadline is `deadline` (Danish form).
func milestone(_ input: ComplianceInput, asOf: String, deadline: String) -> ComplianceFinding? {
    findings("enrolment-milestone", input, asOf: asOf).first { $0.figures.contains(.init("senest", deadline)) }
}

@Suite("Compliance monitor: every rule at its boundary (SPEC §8)")
struct ComplianceTests {
    @Test("T 6.1.1 (iv): 14 households in the first half year is a breach, 15 is not; enrolments on the last day count")
    func firstHalfYear() {
        let fourteen = enrolled(13, on: "2024-01-10") + enrolled(1, on: "2024-04-30", prefix: "L") + enrolled(1, on: "2024-05-01", prefix: "X")
        let result = milestone(ComplianceInput(commitment: viborg, households: fourteen), asOf: "2024-05-01", deadline: "30.04.2024")
        #expect(result?.severity == .breach)
        #expect(result?.message == "Kun 14 husstande blev visiteret inden 30.04.2024; kravet er 15.")
        let fifteen = enrolled(14, on: "2024-01-10") + enrolled(1, on: "2024-04-30", prefix: "L")
        #expect(milestone(ComplianceInput(commitment: viborg, households: fifteen), asOf: "2024-05-01", deadline: "30.04.2024")?.severity == .info)
        // Before the deadline a shortfall is a warning with the days left.
        let early = milestone(
            ComplianceInput(commitment: viborg, households: enrolled(10, on: "2024-01-10")),
            asOf: "2024-04-20",
            deadline: "30.04.2024"
        )
        #expect(early?.severity == .warning)
        #expect(early?.message.contains("10 dage til 30.04.2024") == true)
    }

    @Test("T 6.1.1 (iv): 39 households in the first year is a breach, 40 is not")
    func firstYear() {
        let input39 = ComplianceInput(commitment: viborg, households: enrolled(15, on: "2024-01-10") + enrolled(24, on: "2024-10-31", prefix: "Y"))
        #expect(milestone(input39, asOf: "2024-11-01", deadline: "31.10.2024")?.severity == .breach)
        #expect(milestone(input39, asOf: "2024-11-01", deadline: "30.04.2024")?.severity == .info)
        let input40 = ComplianceInput(commitment: viborg, households: enrolled(15, on: "2024-01-10") + enrolled(25, on: "2024-10-31", prefix: "Y"))
        #expect(milestone(input40, asOf: "2024-11-01", deadline: "31.10.2024")?.severity == .info)
    }

    @Test("T 6.1.1 (iii): courses ended early count — 25 regular completions and 6 early endings are no breach; 20 early are the limit, 21 a breach")
    func endedCourses() {
        // P 1.1.3: a course that ends because the household is stable is completed, not ended early.
        let regular = enrolled(25, on: "2024-01-10", prefix: "S", end: "2025-01-10", reason: .stable)
        let six = enrolled(6, on: "2024-01-10", prefix: "E", end: "2024-09-10", reason: .moved)
        let mixed = findings("ended-courses", ComplianceInput(commitment: viborg, households: regular + six), asOf: "2025-06-01")
        #expect(mixed.first?.severity == .info)
        #expect(mixed.first?.figures.first?.value == "6")
        #expect(mixed.first?.figures.last?.value == "25")
        // Ending at the intervention period's end is no early ending, whatever the reason.
        let atEnd = enrolled(21, on: "2024-01-10", end: "2026-10-31", reason: .other)
        #expect(findings("ended-courses", ComplianceInput(commitment: viborg, households: atEnd), asOf: "2026-11-30").first?.severity == .info)
        let twenty = enrolled(20, on: "2024-01-10", end: "2025-01-10", reason: .declined) + enrolled(5, on: "2024-01-10", prefix: "R")
        let atLimit = findings("ended-courses", ComplianceInput(commitment: viborg, households: twenty), asOf: "2025-06-01")
        #expect(atLimit.first?.severity == .warning)
        let twentyOne = enrolled(21, on: "2024-01-10", end: "2025-01-10", reason: .noLongerNeeded)
        let over = findings("ended-courses", ComplianceInput(commitment: viborg, households: twentyOne), asOf: "2025-06-01")
        #expect(over.first?.severity == .breach)
        #expect(over.first?.clause == "T 6.1.1 (iii)")
        // A course that ends after the as-of date has not ended yet.
        #expect(findings("ended-courses", ComplianceInput(commitment: viborg, households: twentyOne), asOf: "2025-01-09").first?.severity == .info)
    }

    @Test("T 6.2.1 (iii): a substantial part (50 % of the 15 households) realised in the first two quarters; fewer is a revocation ground")
    func substantialRealisation() {
        func finding(_ households: [Household], _ asOf: String) -> ComplianceFinding? {
            findings("substantial-realisation", ComplianceInput(commitment: viborg, households: households), asOf: asOf).first
        }
        // 8 = ⌈50 % × 15⌉ by 30.04.2024.
        #expect(finding(enrolled(8, on: "2024-04-30"), "2024-05-01")?.severity == .info)
        let seven = finding(enrolled(7, on: "2024-04-30") + enrolled(5, on: "2024-05-01", prefix: "L"), "2024-05-01")
        #expect(seven?.severity == .breach && seven?.clause == "T 6.2.1 (iii)")
        #expect(seven?.action.contains("tilbagekalde") == true)
        #expect(finding(enrolled(7, on: "2024-03-01"), "2024-04-01")?.severity == .warning)
    }

    /// Goal 2's table made round: half without measures, half with § 85.
    var roundCommitment: Commitment {
        var commitment = viborg
        let index = commitment.paymentGoals.firstIndex { $0.kind == .socialMeasures }!
        guard case var .socialMeasures(terms) = commitment.paymentGoals[index].terms else { return commitment }
        for row in terms.rows.indices {
            terms.rows[row].expectedCount = [.none: 50, .s85: 50][terms.rows[row].level] ?? 0
        }
        terms.statedTotalCount = 100
        commitment.paymentGoals[index].terms = .socialMeasures(terms)
        return commitment
    }

    func baselineDelivery(none: Int, s85: Int) -> Delivery {
        let persons = (0..<(none + s85)).map { Person(id: PersonID(String(format: "P%03d", $0)), household: 0, birthDate: day("1980-05-05")) }
        return Delivery(
            households: [Household(id: HouseholdID("H1"), area: .houlkaer, group: .treatment, start: day("2024-01-10"))],
            persons: persons,
            socialMeasures: persons.indices.map {
                SocialMeasureMeasurement(person: $0, point: .baseline, measure: $0 < none ? MeasureLevel.none : .s85)
            }
        )
    }

    @Test("B5.1 2.5.2: a realised baseline exactly 5 percentage points off is within; just over is not")
    func baselineDeviation() {
        let exactly = ComplianceInput(commitment: roundCommitment, households: [], delivery: baselineDelivery(none: 55, s85: 45))
        let within = findings("baseline-deviation", exactly, asOf: "2024-06-01")
        #expect(within.map(\.severity) == [.info])
        let over = ComplianceInput(commitment: roundCommitment, households: [], delivery: baselineDelivery(none: 1101, s85: 899))
        let flagged = findings("baseline-deviation", over, asOf: "2024-06-01")
        #expect(flagged.map(\.severity) == [.warning], "55,05 % against 50 % is more than 5 points")
        #expect(flagged.first?.clause == "B5.1 2.5.2")
        #expect(flagged.first?.figures.contains { $0.value == "forventet 50 %, realiseret 55,1 %" } == true)
    }

    @Test("SPEC §4: a course starting 31.07.2026 can still count, one starting 01.08.2026 cannot")
    func lateEnrolment() {
        let input = ComplianceInput(
            commitment: viborg,
            households: enrolled(1, on: "2026-07-31", prefix: "A") + enrolled(1, on: "2026-08-01", prefix: "B")
        )
        let late = findings("late-enrolment", input, asOf: "2026-09-01")
        #expect(late.first?.households == [HouseholdID("B0")])
        #expect(late.first?.message.contains("31.07.2026") == true)
    }

    @Test("P 3.2.3: an early end opens a replacement obligation that the next enrolment closes; 'no longer needs it' opens none")
    func replacements() {
        var households = enrolled(1, on: "2024-01-10", prefix: "E", end: "2024-04-09", reason: .declined)
        households += enrolled(1, on: "2024-01-10", prefix: "N", end: "2024-03-01", reason: .noLongerNeeded)
        households += enrolled(1, on: "2024-01-10", prefix: "S", end: "2024-04-10", reason: .moved)  // three months: no obligation
        let open = findings("replacement", ComplianceInput(commitment: viborg, households: households), asOf: "2024-05-01")
        #expect(open.map(\.households) == [[HouseholdID("E0")]])
        let closed = households + enrolled(1, on: "2024-04-20", prefix: "NEW")
        #expect(findings("replacement", ComplianceInput(commitment: viborg, households: closed), asOf: "2024-05-01").isEmpty)
    }

    @Test("B5.1 2.1: a cohort with fewer than 30 households is flagged once it has closed")
    func cohorts() {
        let households = enrolled(29, on: "2024-01-10") + enrolled(30, on: "2025-01-10", prefix: "C")
        let result = findings("cohort-size", ComplianceInput(commitment: viborg, households: households), asOf: "2025-11-15")
        #expect(result.map(\.severity) == [.warning, .info], "cohort 1 closed with 29; cohort 3 still open with none")
        #expect(result.first?.message.hasPrefix("Kohorte 1 fik kun 29") == true)
    }

    @Test("P 3.2.2: a household skipped on the list is reported")
    func visitationOrder() {
        let households = [
            Household(id: HouseholdID("A"), area: .houlkaer, listPosition: 1, group: .treatment, start: day("2024-01-10")),
            Household(id: HouseholdID("B"), area: .houlkaer, listPosition: 2, group: .control),
            Household(id: HouseholdID("C"), area: .houlkaer, listPosition: 3, group: .treatment, start: day("2024-02-10")),
        ]
        let decisions = ["A", "C"].map {
            EnrolmentDecision(
                household: HouseholdID($0),
                listPosition: nil,
                decidedOn: day("2024-01-05"),
                decidedBy: "x",
                outcome: .enrolled(courseStart: day("2024-01-10")),
                reason: "r"
            )
        }
        let result = findings(
            "visitation-order",
            ComplianceInput(commitment: viborg, households: households, decisions: decisions),
            asOf: "2024-03-01"
        )
        #expect(result.first?.households == [HouseholdID("B")])
    }

    @Test("T 6.1.1 (vi): spending 10 % over the year's budget is within, more is a warning")
    func budgetDeviation() {
        let planned = Money.sum(viborg.budget.lines.compactMap { $0.perYear?[1] })
        let key = viborg.budget.lines[0].key
        let within = ComplianceInput(
            commitment: viborg,
            households: [],
            budgetActuals: [BudgetActual(lineKey: key, year: 2024, amount: planned + Money.rounded(planned.kroner / 10))]
        )
        #expect(findings("budget-deviation", within, asOf: "2025-03-01").map(\.severity) == [.info])
        let over = ComplianceInput(
            commitment: viborg,
            households: [],
            budgetActuals: [BudgetActual(lineKey: key, year: 2024, amount: planned + Money.rounded(planned.kroner / 10) + Money(minorUnits: 1))]
        )
        #expect(findings("budget-deviation", over, asOf: "2025-03-01").map(\.severity) == [.warning])
    }
}

@Suite("Deadlines on the Danish calendar (T 6, T 7, T 10.2, T 12.2)")
struct DeadlineTests {
    func due(_ notice: Notice, _ rule: String) -> LocalDate? {
        notice.deadlines(viborg, asOf: day("2020-01-01")).first { $0.rule == rule }?.due
    }

    @Test("a revocation received on Easter Monday counts from the Tuesday: 30 days to object, 45 to pay")
    func easterMonday() {
        let notice = Notice(kind: .revocation, received: day("2025-04-21"), subject: "t")
        #expect(notice.receivedForDeadlines == day("2025-04-22"))
        #expect(due(notice, "revocation-objection") == day("2025-05-22"))
        #expect(due(notice, "revocation-payment") == day("2025-06-06"))
    }

    @Test("a notice received on Christmas Day counts from the first business day after Boxing Day")
    func christmasDay() {
        let notice = Notice(kind: .revocation, received: day("2025-12-25"), subject: "t")
        #expect(notice.receivedForDeadlines == day("2025-12-29"))
        #expect(due(notice, "revocation-objection") == day("2026-01-28"))
    }

    @Test("2024-04-26, Store Bededag until 2023, is a business day: a notice counts from that day")
    func formerGreatPrayerDay() {
        let notice = Notice(kind: .revocation, received: day("2024-04-26"), subject: "t")
        #expect(notice.receivedForDeadlines == day("2024-04-26"))
        #expect(due(notice, "revocation-objection") == day("2024-05-26"))
        // In 2023 it was a holiday: the same notice on Store Bededag 2023 counts from Monday.
        #expect(Notice(kind: .revocation, received: day("2023-05-05"), subject: "t").receivedForDeadlines == day("2023-05-08"))
    }

    @Test("T 12.2: 60 calendar days for an amicable solution; T 6.1.2: the remedy deadline the notice sets")
    func disputeAndWithholding() {
        #expect(due(Notice(kind: .dispute, received: day("2025-03-01"), subject: "t"), "dispute-amicable") == day("2025-04-30"))
        let withholding = Notice(kind: .withholding(remedyBy: day("2025-06-30")), received: day("2025-05-31"), subject: "t")
        let deadline = withholding.deadlines(viborg, asOf: day("2025-07-01")).first
        #expect(deadline?.due == day("2025-06-30") && deadline?.status == .overdue)
        #expect(withholding.receivedForDeadlines == day("2025-06-02"), "a Saturday: counts from Monday")
    }

    @Test(
        "T 7.3–7.4 and T 4.3: quarterly meetings in year one, the annual meeting by 30 June with the accounts 10 days before, unused grant a month after"
    )
    func steeringCalendar() {
        let meetings = [
            Meeting(heldOn: day("2023-12-15"), isAnnualMeeting: false, accountsReceivedOn: nil, minutes: ""),
            Meeting(heldOn: day("2024-03-15"), isAnnualMeeting: false, accountsReceivedOn: nil, minutes: ""),
            Meeting(heldOn: day("2024-06-20"), isAnnualMeeting: true, accountsReceivedOn: day("2024-06-10"), minutes: ""),
        ]
        let input = ComplianceInput(commitment: viborg, households: [], meetings: meetings)
        let calendar = SteeringCalendar.deadlines(input, asOf: day("2024-11-15"))
        let quarters = calendar.filter { $0.rule == "meetings-first-year" }
        #expect(quarters.map(\.status) == [.met, .met, .met, .overdue], "Aug–Oct 2024 had no meeting")
        #expect(quarters.map(\.due) == [day("2024-01-31"), day("2024-04-30"), day("2024-07-31"), day("2024-10-31")])
        let annual = calendar.first { $0.rule == "annual-meeting" && $0.due == day("2024-06-30") }
        #expect(annual?.status == .met)
        #expect(calendar.first { $0.rule == "annual-accounts" }?.status == .met, "10 calendar days before is in time")
        let unused = calendar.first { $0.rule == "unused-grant" }
        #expect(unused?.due == day("2024-07-20") && unused?.status == .overdue)
        let late = ComplianceInput(
            commitment: viborg,
            households: [],
            meetings: [Meeting(heldOn: day("2024-06-20"), isAnnualMeeting: true, accountsReceivedOn: day("2024-06-11"), minutes: "")]
        )
        #expect(SteeringCalendar.deadlines(late, asOf: day("2024-07-01")).first { $0.rule == "annual-accounts" }?.status == .overdue)
        // T 4.3: accounts that use all of 2023's installment leave nothing to repay: the deadline is met without a payment.
        var spentAll = input
        spentAll.transfers = [MoneyTransfer(kind: .disbursement, from: PartyKey("dsi"), to: PartyKey("kommune"), paidOn: day("2023-11-30"), amount: Money(kroner: 100_000), reference: "1. rate")]
        spentAll.budgetActuals = [BudgetActual(lineKey: "staff", year: 2023, amount: Money(kroner: 900_000))]
        let met = SteeringCalendar.deadlines(spentAll, asOf: day("2024-11-15")).first { $0.rule == "unused-grant" }
        #expect(met?.status == .met && met?.figures.first?.value == "intet efter regnskabet for 2023")
        // Accounts that leave some of it unused keep the deadline open until it is repaid.
        spentAll.budgetActuals = [BudgetActual(lineKey: "staff", year: 2023, amount: Money(kroner: 10_000))]
        #expect(SteeringCalendar.deadlines(spentAll, asOf: day("2024-11-15")).first { $0.rule == "unused-grant" }?.status == .overdue)
        // 2028's annual meeting is about 2027, no budget year (B4.1): no grant to repay, no deadline.
        let late2028 = ComplianceInput(
            commitment: viborg, households: [], meetings: [Meeting(heldOn: day("2028-05-10"), isAnnualMeeting: true, accountsReceivedOn: nil, minutes: "")]
        )
        let calendar2028 = SteeringCalendar.deadlines(late2028, asOf: day("2028-12-01"))
        #expect(calendar2028.contains { $0.rule == "annual-accounts" && $0.due == day("2028-04-30") })
        #expect(!calendar2028.contains { $0.rule == "unused-grant" })
    }

    @Test("T 2.1: the governance duties run for the whole commitment period, to the last repayment's due date 31.03.2029")
    func commitmentPeriod() {
        #expect(viborg.commitmentPeriod == DateRange(start: day("2023-11-01"), end: day("2029-03-31")))
        let meetings = [
            Meeting(heldOn: day("2027-03-10"), isAnnualMeeting: false, accountsReceivedOn: nil, minutes: ""),
            Meeting(heldOn: day("2027-06-15"), isAnnualMeeting: true, accountsReceivedOn: day("2027-06-01"), minutes: ""),
        ]
        let input = ComplianceInput(commitment: viborg, households: [], meetings: meetings)
        let calendar = SteeringCalendar.deadlines(input, asOf: day("2028-12-01"))
        // Meetings: at least two a year in 2026-11…2027-10 (met) and 2027-11…2028-10 (none held: overdue);
        // the last year, cut at 31.03.2029 (five months), needs one.
        let years = calendar.filter { $0.rule == "meetings-per-year" }
        #expect(years.map(\.due).suffix(3) == [day("2027-10-31"), day("2028-10-31"), day("2029-03-31")])
        #expect(years.suffix(3).map(\.status) == [.met, .overdue, .upcoming])
        #expect(years.last?.what.hasPrefix("Mindst 1 styregruppemøder") == true)
        // Annual meetings in 2027 and 2028 (not 2029: due 30.06.2029, after the period).
        let annual = calendar.filter { $0.rule == "annual-meeting" }
        #expect(annual.map(\.due).suffix(2) == [day("2027-06-30"), day("2028-06-30")])
        #expect(annual.suffix(2).map(\.status) == [.met, .overdue])
        // The 2027 annual meeting's accounts and its unused-grant deadline are on the calendar.
        #expect(calendar.contains { $0.rule == "annual-accounts" && $0.due == day("2027-06-05") })
        #expect(calendar.contains { $0.rule == "unused-grant" && $0.due == day("2027-07-15") })
        // Half-year reports run to the half-year holding the last repayment.
        #expect(calendar.filter { $0.rule == "half-year-report" }.last?.what == "Halvårsrapport for 1. halvår 2029")
    }
}
