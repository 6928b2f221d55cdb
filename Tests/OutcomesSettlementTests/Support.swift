import OutcomesContractFile
import OutcomesCore

func day(_ text: String) -> LocalDate {
    guard let date = LocalDate(iso: text) else { fatalError("bad test date \(text)") }
    return date
}

func kr(_ text: String) -> Money {
    do { return try Money.parse(text, form: .machine) } catch { fatalError("bad amount \(text)") }
}

let viborg = ContractFile.builtIn()

/// Builds a delivery by id, for tests.
struct DeliveryBuilder {
    var delivery = Delivery()
    var households: [String: Int] = [:]
    var persons: [String: Int] = [:]

    mutating func household(
        _ id: String,
        start: String?,
        end: String? = nil,
        reason: EndReason? = nil,
        group: Group = .treatment,
        replaces: String? = nil,
        cohort: Int? = nil,
        area: Area = .houlkaer
    ) {
        households[id] = delivery.households.count
        delivery.households.append(
            Household(
                id: HouseholdID(id),
                area: area,
                group: group,
                start: start.map(day),
                end: end.map(day),
                endReason: reason,
                replaces: replaces.map(HouseholdID.init),
                cohort: cohort
            )
        )
    }

    mutating func person(_ id: String, in household: String, born: String) {
        persons[id] = delivery.persons.count
        delivery.persons.append(Person(id: PersonID(id), household: households[household]!, birthDate: day(born)))
    }

    mutating func employment(_ person: String, _ point: EmploymentPoint, _ type: BenefitType?, completed: Bool? = nil, fit: DeclaredFit? = nil) {
        delivery.employment.append(
            EmploymentMeasurement(person: persons[person]!, point: point, benefitType: type, completedEducation6m: completed, declaredFit: fit)
        )
    }

    mutating func social(_ person: String, baseline: MeasureLevel?, result: MeasureLevel?) {
        delivery.socialMeasures.append(SocialMeasureMeasurement(person: persons[person]!, point: .baseline, measure: baseline))
        delivery.socialMeasures.append(SocialMeasureMeasurement(person: persons[person]!, point: .result, measure: result))
    }

    mutating func life(_ person: String, baseline: Int?, end: Int?) {
        delivery.lifeSatisfaction.append(LifeSatisfactionMeasurement(person: persons[person]!, point: .baseline, score: baseline))
        delivery.lifeSatisfaction.append(LifeSatisfactionMeasurement(person: persons[person]!, point: .result, score: end))
    }

    mutating func plan(_ household: String, _ fulfilled: [Bool?]) {
        for (i, value) in fulfilled.enumerated() {
            delivery.actionPlanGoals.append(ActionPlanGoalAssessment(household: households[household]!, goalID: "M\(i + 1)", fulfilled: value))
        }
    }

    mutating func absence(cohort: Int = 1, _ point: AbsencePoint, _ group: Group, child: String, _ percent: Ratio?, on date: String) {
        delivery.schoolAbsence.append(
            SchoolAbsenceMeasurement(cohort: cohort, point: point, group: group, childID: child, absencePercent: percent, measuredOn: day(date))
        )
    }

    /// The school-absence rows of the worked example B5.1 2.6.2 (cohort 1).
    mutating func absenceExample() {
        for row in WorkedExampleTests.absenceExample {
            for (i, value) in row.control.enumerated() { absence(row.point, .control, child: "C\(i)", value, on: row.date) }
            for (i, value) in row.treatment.enumerated() { absence(row.point, .treatment, child: "T\(i)", value, on: row.date) }
        }
    }

    func settle(asOf: String, _ commitment: Commitment = viborg) -> Settlement {
        SettlementEngine.settle(commitment, delivery: delivery, asOf: day(asOf))
    }
}

extension Settlement {
    func lines(goal: Int) -> [SettlementLine] { lines.filter { $0.goal == goal } }
    func line(goal: Int, person: String, point: String) -> SettlementLine? {
        lines.first { $0.goal == goal && $0.person?.rawValue == person && $0.point.label == point }
    }
    func period(_ label: String) -> PeriodSettlement? { periods.first { $0.period.label == label } }
    func payer(_ key: String, in period: String) -> Money? {
        self.period(period)?.payers.first { $0.party.rawValue == key }?.amount
    }
    func recipient(_ key: String, in period: String) -> Money? {
        self.period(period)?.recipients.first { $0.party.rawValue == key }?.amount
    }
}

extension Commitment {
    /// The agreement with one goal's cap changed, for cap tests.
    func withCap(goal number: Int, _ amount: Money?) -> Commitment {
        var copy = self
        let index = copy.paymentGoals.firstIndex { $0.number == number }!
        copy.paymentGoals[index].cap = amount.map { Stated($0, "test") }
        return copy
    }
}

/// Viborg's three areas, as the built-in contract file names them (`areas:`).
extension Area {
    static let houlkaer = Area(rawValue: "houlkaer")!
    static let ellekonebakken = Area(rawValue: "ellekonebakken")!
    static let karupKolvraa = Area(rawValue: "karup-kolvraa")!
}
