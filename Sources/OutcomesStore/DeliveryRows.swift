import OutcomesCore
import SQLKit

/// A delivery as table rows, and back: the tables of migration 1, one row per CSV row, in
/// file order (`position`), so a delivery read back is the delivery written.
struct DeliveryRows {
    typealias Value = any Encodable & Sendable
    let delivery: Delivery

    init(_ delivery: Delivery) { self.delivery = delivery }

    var count: Int {
        delivery.households.count + delivery.persons.count + delivery.employment.count + delivery.socialMeasures.count
            + delivery.lifeSatisfaction.count + delivery.actionPlanGoals.count + delivery.schoolAbsence.count
    }

    func write(delivery number: Int, to database: any SQLDatabase) async throws {
        let d = delivery
        let householdID = { (index: Int) in d.households[index].id.rawValue }
        let personID = { (index: Int) in d.persons[index].id.rawValue }
        try await insert(
            database,
            "household",
            ["delivery", "position", "householdId", "area", "listPosition", "groupName", "startDate", "endDate", "endReason", "replaces", "cohort"],
            d.households.enumerated().map { i, h in
                [
                    number, i, h.id.rawValue, h.area.rawValue, h.listPosition, h.group.rawValue, h.start?.isoString, h.end?.isoString,
                    h.endReason?.rawValue, h.replaces?.rawValue, h.cohort,
                ] as [Value]
            }
        )
        try await insert(
            database,
            "person",
            ["delivery", "position", "personId", "householdId", "birthDate"],
            d.persons.enumerated().map { i, p in [number, i, p.id.rawValue, householdID(p.household), p.birthDate.isoString] as [Value] }
        )
        try await insert(
            database,
            "employmentMeasurement",
            ["delivery", "position", "personId", "point", "benefitType", "completedEducation6m", "declaredFit"],
            d.employment.enumerated().map { i, m in
                [
                    number, i, personID(m.person), m.point.label, m.benefitType?.rawValue, m.completedEducation6m.map { $0 ? 1 : 0 },
                    m.declaredFit?.rawValue,
                ] as [Value]
            }
        )
        try await insert(
            database,
            "socialMeasureMeasurement",
            ["delivery", "position", "personId", "point", "measure"],
            d.socialMeasures.enumerated().map { i, m in
                [number, i, personID(m.person), m.point == .baseline ? "baseline" : "24", m.measure?.rawValue] as [Value]
            }
        )
        try await insert(
            database,
            "lifeSatisfactionMeasurement",
            ["delivery", "position", "personId", "point", "score"],
            d.lifeSatisfaction.enumerated().map { i, m in
                [number, i, personID(m.person), m.point == .baseline ? "baseline" : "end", m.score] as [Value]
            }
        )
        try await insert(
            database,
            "actionPlanGoal",
            ["delivery", "position", "householdId", "goalId", "fulfilled"],
            d.actionPlanGoals.enumerated().map { i, g in
                [number, i, householdID(g.household), g.goalID, g.fulfilled.map { $0 ? 1 : 0 }] as [Value]
            }
        )
        try await insert(
            database,
            "schoolAbsenceMeasurement",
            ["delivery", "position", "cohort", "point", "groupName", "childId", "absencePercent", "measuredOn"],
            d.schoolAbsence.enumerated().map { i, m in
                [
                    number, i, m.cohort, m.point.label, m.group.rawValue, m.childID,
                    m.absencePercent.map { "\($0.numerator)/\($0.denominator)" }, m.measuredOn.isoString,
                ] as [Value]
            }
        )
    }

    /// Inserts rows in statements of at most ~30.000 bound values (SQLite allows 32.766).
    func insert(_ database: any SQLDatabase, _ table: String, _ columns: [String], _ rows: [[Value]]) async throws {
        let perStatement = max(1, 30_000 / columns.count)
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perStatement)
            var builder = database.insert(into: table).columns(columns)
            for row in rows[start..<end] { builder = builder.values(row) }
            try await builder.run()
            start = end
        }
    }

    // MARK: Reading back

    /// Reads column values of a stored delivery's rows, naming the table on a bad value.
    struct Cells {
        static func text(_ row: any SQLRow, _ column: String) throws -> String { try row.decode(column: column, as: String.self) }
        static func optionalText(_ row: any SQLRow, _ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
        static func int(_ row: any SQLRow, _ column: String) throws -> Int? { try row.decode(column: column, as: Int?.self) }
        static func parse<T>(_ table: String, _ value: String?, _ make: (String) -> T?) throws -> T? {
            guard let value else { return nil }
            guard let parsed = make(value) else { throw StoreError.corruptRow(table: table, detail: "'\(value)'") }
            return parsed
        }
        static func date(_ table: String, _ value: String?) throws -> LocalDate? { try parse(table, value) { LocalDate(iso: $0) } }
    }

    /// A stored delivery's households, in delivery order.
    static func households(ofDelivery number: Int, in database: any SQLDatabase) async throws -> [Household] {
        typealias C = Cells
        return try await database.select().column("*").from("household").where("delivery", .equal, number).orderBy("position").all().map { row in
            Household(
                id: HouseholdID(try C.text(row, "householdId")),
                area: try C.parse("household", try C.text(row, "area"), Area.init(rawValue:))!,
                listPosition: try C.int(row, "listPosition"),
                group: try C.parse("household", try C.text(row, "groupName"), Group.init(rawValue:))!,
                start: try C.date("household", try C.optionalText(row, "startDate")),
                end: try C.date("household", try C.optionalText(row, "endDate")),
                endReason: try C.parse("household", try C.optionalText(row, "endReason"), EndReason.init(rawValue:)),
                replaces: try C.optionalText(row, "replaces").map(HouseholdID.init),
                cohort: try C.int(row, "cohort")
            )
        }
    }

    static func read(delivery number: Int, from database: any SQLDatabase) async throws -> Delivery {
        func rows(_ table: String) async throws -> [any SQLRow] {
            try await database.select().column("*").from(table).where("delivery", .equal, number).orderBy("position").all()
        }
        func text(_ row: any SQLRow, _ column: String) throws -> String { try Cells.text(row, column) }
        func optionalText(_ row: any SQLRow, _ column: String) throws -> String? { try Cells.optionalText(row, column) }
        func int(_ row: any SQLRow, _ column: String) throws -> Int? { try Cells.int(row, column) }
        func date(_ table: String, _ value: String?) throws -> LocalDate? { try Cells.date(table, value) }
        func parse<T>(_ table: String, _ value: String?, _ make: (String) -> T?) throws -> T? { try Cells.parse(table, value, make) }

        var d = Delivery()
        d.households = try await households(ofDelivery: number, in: database)
        var householdIndex: [String: Int] = [:]
        for (index, household) in d.households.enumerated() { householdIndex[household.id.rawValue] = index }
        var personIndex: [String: Int] = [:]
        for row in try await rows("person") {
            let id = try text(row, "personId")
            personIndex[id] = d.persons.count
            guard let household = householdIndex[try text(row, "householdId")], let birth = try date("person", try text(row, "birthDate")) else {
                throw StoreError.corruptRow(table: "person", detail: id)
            }
            d.persons.append(Person(id: PersonID(id), household: household, birthDate: birth))
        }
        func person(_ table: String, _ row: any SQLRow) throws -> Int {
            let id = try text(row, "personId")
            guard let index = personIndex[id] else { throw StoreError.corruptRow(table: table, detail: "person '\(id)'") }
            return index
        }
        let employmentPoints = Dictionary(uniqueKeysWithValues: EmploymentPoint.allCases.map { ($0.label, $0) })
        for row in try await rows("employmentMeasurement") {
            d.employment.append(
                EmploymentMeasurement(
                    person: try person("employmentMeasurement", row),
                    point: try parse("employmentMeasurement", try text(row, "point")) { employmentPoints[$0] }!,
                    benefitType: try parse("employmentMeasurement", try optionalText(row, "benefitType"), BenefitType.init(rawValue:)),
                    completedEducation6m: try int(row, "completedEducation6m").map { $0 != 0 },
                    declaredFit: try parse("employmentMeasurement", try optionalText(row, "declaredFit"), DeclaredFit.init(rawValue:))
                )
            )
        }
        for row in try await rows("socialMeasureMeasurement") {
            d.socialMeasures.append(
                SocialMeasureMeasurement(
                    person: try person("socialMeasureMeasurement", row),
                    point: try text(row, "point") == "baseline" ? .baseline : .result,
                    measure: try parse("socialMeasureMeasurement", try optionalText(row, "measure"), MeasureLevel.init(rawValue:))
                )
            )
        }
        for row in try await rows("lifeSatisfactionMeasurement") {
            d.lifeSatisfaction.append(
                LifeSatisfactionMeasurement(
                    person: try person("lifeSatisfactionMeasurement", row),
                    point: try text(row, "point") == "baseline" ? .baseline : .result,
                    score: try int(row, "score")
                )
            )
        }
        for row in try await rows("actionPlanGoal") {
            guard let household = householdIndex[try text(row, "householdId")] else {
                throw StoreError.corruptRow(table: "actionPlanGoal", detail: try text(row, "householdId"))
            }
            d.actionPlanGoals.append(
                ActionPlanGoalAssessment(
                    household: household,
                    goalID: try text(row, "goalId"),
                    fulfilled: try int(row, "fulfilled").map { $0 != 0 }
                )
            )
        }
        let absencePoints = Dictionary(uniqueKeysWithValues: AbsencePoint.allCases.map { ($0.label, $0) })
        for row in try await rows("schoolAbsenceMeasurement") {
            let percent = try parse("schoolAbsenceMeasurement", try optionalText(row, "absencePercent")) { text -> Ratio? in
                let parts = text.split(separator: "/")
                guard parts.count == 2, let n = Int128(parts[0]), let q = Int128(parts[1]), q > 0 else { return nil }
                return Ratio(n, q)
            }
            d.schoolAbsence.append(
                SchoolAbsenceMeasurement(
                    cohort: try int(row, "cohort") ?? 0,
                    point: try parse("schoolAbsenceMeasurement", try text(row, "point")) { absencePoints[$0] }!,
                    group: try parse("schoolAbsenceMeasurement", try text(row, "groupName"), Group.init(rawValue:))!,
                    childID: try text(row, "childId"),
                    absencePercent: percent,
                    measuredOn: try date("schoolAbsenceMeasurement", try text(row, "measuredOn"))!
                )
            )
        }
        return d
    }
}
