public import Foundation
public import OutcomesCore

/// One problem with a delivery: `file:line: column: message` (line 1 is the header).
public struct ImportIssue: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: String
    public var message: String

    public init(file: String, line: Int, column: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line): \(column): \(message)" }
}

/// A delivery rejected as a whole, with every problem found.
public struct DeliveryRejected: Error, Equatable, Sendable, CustomStringConvertible {
    public var issues: [ImportIssue]
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// A delivery read without errors, and what the importer warns about.
public struct ImportedDelivery: Sendable {
    public var delivery: Delivery
    /// Absent files, unknown columns: each names what to fix.
    public var warnings: [String]

    public init(delivery: Delivery, warnings: [String]) {
        self.delivery = delivery
        self.warnings = warnings
    }
}

/// Reads a data delivery (SPEC §5): a folder of CSV files, all-or-nothing.
///
/// Every bad value — wrong type, out of range, unknown reference, duplicate id or
/// duplicate (id, point) row, differing `measured_on` within a cohort and point — is
/// reported as `file:line: column: message`, and the delivery is rejected whole.
///
/// ```swift
/// let imported = try DeliveryImporter.importFolder("examples/delivery", commitment: viborg)
/// ```
public enum DeliveryImporter {
    /// The files of a delivery, in the order they are read (references point backwards).
    public static let fileNames = [
        "households.csv", "persons.csv", "employment.csv", "social_measures.csv", "life_satisfaction.csv",
        "action_plan_goals.csv", "school_absence.csv",
    ]

    /// The goal a file's rows measure; nil for the households and persons.
    static func goal(of file: String) -> GoalKind? {
        switch file {
        case "employment.csv": .employment
        case "social_measures.csv": .socialMeasures
        case "life_satisfaction.csv": .lifeSatisfaction
        case "action_plan_goals.csv": .actionPlans
        case "school_absence.csv": .schoolAbsence
        default: nil
        }
    }

    /// Reads the delivery in a folder.
    public static func importFolder(_ path: String, commitment: Commitment) throws(DeliveryRejected) -> ImportedDelivery {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DeliveryRejected(issues: [ImportIssue(file: path, line: 0, column: "-", message: "mappen findes ikke")])
        }
        var files: [String: Data] = [:]
        for name in fileNames {
            let file = (path as NSString).appendingPathComponent(name)
            if let data = FileManager.default.contents(atPath: file) { files[name] = data }
        }
        return try importFiles(files, commitment: commitment)
    }

    /// Reads a delivery from the contents of its files, by file name.
    public static func importFiles(_ files: [String: Data], commitment: Commitment) throws(DeliveryRejected) -> ImportedDelivery {
        var importer = Importer(commitment: commitment)
        importer.run(files)
        if !importer.issues.isEmpty { throw DeliveryRejected(issues: importer.issues) }
        return ImportedDelivery(delivery: importer.delivery, warnings: importer.warnings)
    }
}

/// The words of each enumerated column (SPEC §5).
enum Words {
    static let group = WordTable(Group.self) { $0.danishName }
    static let endReason = WordTable(EndReason.self) { $0.danishName }
    static let benefitType = WordTable(BenefitType.self) { $0.danishName }
    static let declaredFit = WordTable(DeclaredFit.self) { $0.danishName }
    static let measure = WordTable(MeasureLevel.self) { $0.danishName }
    static let employmentPoint = WordTable(["start": EmploymentPoint.start, "12": .months12, "18": .months18, "24": .months24])
    static let socialPoint = WordTable(["baseline": BaselineOrResult.baseline, "24": .result])
    static let lifePoint = WordTable(["baseline": BaselineOrResult.baseline, "end": .result])
    static let absencePoint = WordTable(["baseline": AbsencePoint.baseline, "12": .months12, "18": .months18, "24": .months24])
}

/// Hands a buffer to the threads of `concurrentPerform`, each of which writes only its own element.
struct SendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}

/// Reads the files in order and collects every issue.
struct Importer {
    let commitment: Commitment
    var delivery = Delivery()
    var issues: [ImportIssue] = []
    var warnings: [String] = []
    var householdIndex = ByteKeyTable()
    var personIndex = ByteKeyTable()
    /// Persons whose household reference waits for households.csv: (person, household id, line).
    var pendingHouseholds: [(Int, String, Int)] = []

    /// Stands in for an area that could not be read: the row has failed, and the delivery with it.
    static let unreadArea = Area(rawValue: "ulaest")!

    /// The agreement's areas, by their keys (`areas:` in the contract file).
    let areaWords: WordTable<Area>

    init(commitment: Commitment) {
        self.commitment = commitment
        areaWords = WordTable(Dictionary(commitment.areas.map { ($0.area.rawValue, $0.area) }, uniquingKeysWith: { a, _ in a }), danish: commitment.areaName)
    }

    mutating func run(_ files: [String: Data]) {
        guard files["households.csv"] != nil else {
            issues.append(ImportIssue(file: "households.csv", line: 0, column: "-", message: "filen mangler; den er påkrævet"))
            return
        }
        // households.csv and persons.csv are read side by side, then joined.
        let first = readSideBySide([["households.csv"], ["persons.csv"]], files)
        delivery.households = first[0].delivery.households
        householdIndex = first[0].householdIndex
        delivery.persons = first[1].delivery.persons
        personIndex = first[1].personIndex
        pendingHouseholds = first[1].pendingHouseholds
        resolvePersonHouseholds()
        // The measurement files only read the households and persons, so they too are read on
        // two threads, split by measured cost (docs/benchmarks.md).
        let second = readSideBySide(
            [["employment.csv", "social_measures.csv", "action_plan_goals.csv"], ["life_satisfaction.csv", "school_absence.csv"]],
            files
        )
        delivery.employment = second[0].delivery.employment
        delivery.socialMeasures = second[0].delivery.socialMeasures
        delivery.actionPlanGoals = second[0].delivery.actionPlanGoals
        delivery.lifeSatisfaction = second[1].delivery.lifeSatisfaction
        delivery.schoolAbsence = second[1].delivery.schoolAbsence
        // Report in file order, and by line within a file, whichever thread read it.
        func fileOrder(_ text: String) -> Int {
            DeliveryImporter.fileNames.firstIndex { text.hasPrefix($0) } ?? DeliveryImporter.fileNames.count
        }
        issues = issues.enumerated().sorted { a, b in
            (fileOrder(a.element.file), a.element.line, a.offset) < (fileOrder(b.element.file), b.element.line, b.offset)
        }.map(\.element)
        warnings = warnings.enumerated().sorted { a, b in
            (fileOrder(a.element), a.offset) < (fileOrder(b.element), b.offset)
        }.map(\.element)
    }

    /// Reads groups of files on separate threads, each group into its own copy of the
    /// importer, and gathers their issues and warnings here.
    mutating func readSideBySide(_ groups: [[String]], _ files: [String: Data]) -> [Importer] {
        let parts = UnsafeMutableBufferPointer<Importer>.allocate(capacity: groups.count)
        defer {
            _ = parts.deinitialize()
            parts.deallocate()
        }
        parts.initialize(repeating: self)
        let shared = SendableBuffer(parts)
        DispatchQueue.concurrentPerform(iterations: groups.count) { index in
            for name in groups[index] { shared.buffer[index].readFileIfPresent(name, files) }
        }
        let (issuesBefore, warningsBefore) = (issues.count, warnings.count)
        for part in parts {
            issues += part.issues.dropFirst(issuesBefore)
            warnings += part.warnings.dropFirst(warningsBefore)
        }
        return Array(parts)
    }

    mutating func readFileIfPresent(_ name: String, _ files: [String: Data]) {
        guard let data = files[name] else {
            // Only a file the agreement's goals need is missed (issue #18: no goal 4, no file).
            if DeliveryImporter.goal(of: name).map({ commitment.goal($0) != nil }) ?? true {
                warnings.append("\(name) mangler i leverancen; den læses som tom")
            }
            return
        }
        readFile(name, data)
    }

    /// Opens a file's header and reads its rows.
    mutating func readFile(_ name: String, _ data: Data) {
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let reader = CSVReader(bytes: bytes) else {
                // No header at all: the required households.csv cannot be read; another file
                // is read as having no rows.
                if name == "households.csv" {
                    issues.append(ImportIssue(file: name, line: 1, column: "-", message: "filen er tom: overskriften med kolonnerne mangler"))
                } else {
                    warnings.append("\(name) er tom; den læses som tom")
                }
                return
            }
            var sheet = Sheet(file: name, reader: reader)
            switch name {
            case "households.csv": readHouseholds(&sheet)
            case "persons.csv": readPersons(&sheet)
            case "employment.csv": readEmployment(&sheet)
            case "social_measures.csv": readSocialMeasures(&sheet)
            case "life_satisfaction.csv": readLifeSatisfaction(&sheet)
            case "action_plan_goals.csv": readActionPlanGoals(&sheet)
            default: readSchoolAbsence(&sheet)
            }
            issues += sheet.issues
            for column in sheet.unknownColumns {
                warnings.append("\(name): ukendt kolonne '\(column)' ignoreres")
            }
        }
    }

    // MARK: households.csv

    mutating func readHouseholds(_ sheet: inout Sheet) {
        let id = sheet.column("household_id")
        let area = sheet.column("area")
        let listPosition = sheet.column("list_position", required: false)
        let group = sheet.column("group")
        let start = sheet.column("start_date", required: false)
        let end = sheet.column("end_date", required: false)
        let endReason = sheet.column("end_reason", required: false)
        let replaces = sheet.column("replaces", required: false)
        let cohort = sheet.column("cohort", required: false)
        sheet.finishHeader()
        guard sheet.issues.isEmpty else { return }
        let period = commitment.interventionPeriod.value
        let cohorts = commitment.schoolAbsenceCohorts
        var pendingReplaces: [(household: Int, id: String, line: Int)] = []
        householdIndex = ByteKeyTable(capacity: sheet.estimatedRows)
        delivery.households.reserveCapacity(sheet.estimatedRows)
        sheet.rows { row in
            guard let key = row.identifier(id) else { return }
            let isDuplicate = householdIndex.find(key) != nil
            if isDuplicate { row.fail(id, "husstanden '\(key)' findes allerede i filen (dubleret id)") }
            let areaValue = row.choice(area, required: true, areaWords)
            let groupValue = row.choice(group, required: true, Words.group)
            let startDate = row.date(start)
            let endDate = row.date(end)
            if groupValue == .treatment, row.isBlank(start) {
                row.fail(start ?? Column(index: -1, name: "start_date"), "mangler: en husstand i indsatsgruppen skal have en startdato")
            }
            if let startDate, !period.contains(startDate) {
                row.fail(start, "\(startDate.isoString) ligger uden for indsatsperioden \(period.start.isoString)–\(period.end.isoString)")
            }
            if let startDate, let endDate, endDate < startDate {
                row.fail(end, "\(endDate.isoString) ligger før startdatoen \(startDate.isoString)")
            }
            let position = row.int(listPosition, in: 1...Int.max)
            let cohortValue = row.int(cohort, in: 1...cohorts)
            let reason = row.choice(endReason, required: false, Words.endReason)
            let household = Household(
                id: HouseholdID(key),
                area: areaValue ?? Self.unreadArea,
                listPosition: position,
                group: groupValue ?? .control,
                start: startDate,
                end: endDate,
                endReason: reason,
                cohort: cohortValue
            )
            // One validator for the importer and the register (issue #14): a row the checks
            // above let through must also be a course the register would take.
            if !row.hasFailed, groupValue != nil, areaValue != nil {
                do throws(RegisterError) {
                    try household.validate(interventionPeriod: period, cohorts: cohorts)
                } catch {
                    let column: Column? =
                        switch error {
                        case .courseInControlGroup, .treatmentWithoutStart, .startOutsidePeriod: start ?? group
                        case .endBeforeStart: end
                        case .endWithoutReason: endReason ?? end
                        case .invalidCohort: cohort
                        case .invalidListPosition: listPosition
                        default: id
                        }
                    row.fail(column, error.description)
                }
            }
            guard !isDuplicate else { return }
            // The id is registered even when the row has errors, so later files do not report
            // it as unknown; a delivery with any error is rejected whole, so nothing of it is kept.
            let index = self.delivery.households.count
            self.householdIndex.insert(key, value: index)
            self.delivery.households.append(household)
            if let replaced = row.text(replaces) { pendingReplaces.append((index, replaced, row.line)) }
        }
        for pending in pendingReplaces {
            guard let target = householdIndex.find(pending.id) else {
                sheet.issues.append(
                    ImportIssue(
                        file: sheet.file,
                        line: pending.line,
                        column: "replaces",
                        message: "husstanden '\(pending.id)' findes ikke i households.csv"
                    )
                )
                continue
            }
            if target == pending.household {
                sheet.issues.append(
                    ImportIssue(file: sheet.file, line: pending.line, column: "replaces", message: "en husstand kan ikke erstatte sig selv")
                )
                continue
            }
            delivery.households[pending.household].replaces = delivery.households[target].id
        }
    }

    // MARK: persons.csv

    mutating func readPersons(_ sheet: inout Sheet) {
        let id = sheet.column("person_id")
        let household = sheet.column("household_id")
        let birth = sheet.column("birth_date")
        sheet.finishHeader()
        guard sheet.issues.isEmpty else { return }
        personIndex = ByteKeyTable(capacity: sheet.estimatedRows)
        delivery.persons.reserveCapacity(sheet.estimatedRows)
        sheet.rows { row in
            guard let key = row.identifier(id) else { return }
            let isDuplicate = personIndex.find(key) != nil
            if isDuplicate { row.fail(id, "personen '\(key)' findes allerede i filen (dubleret id)") }
            // Households are read at the same time on another thread: the reference is
            // resolved afterwards (``resolvePersonHouseholds()``).
            let householdKey = row.required(household)
            let birthDate = row.date(birth, required: true)
            guard !isDuplicate else { return }
            if let householdKey { self.pendingHouseholds.append((self.delivery.persons.count, householdKey, row.line)) }
            self.personIndex.insert(key, value: self.delivery.persons.count)
            self.delivery.persons.append(Person(id: PersonID(key), household: 0, birthDate: birthDate ?? LocalDate(dayNumber: 0)))
        }
    }

    /// Points each person at its household, now that both files are read.
    mutating func resolvePersonHouseholds() {
        for (person, key, line) in pendingHouseholds {
            if let household = householdIndex.find(key) {
                delivery.persons[person].household = household
            } else {
                issues.append(
                    ImportIssue(file: "persons.csv", line: line, column: "household_id", message: "husstanden '\(key)' findes ikke i households.csv")
                )
            }
        }
        pendingHouseholds = []
    }

    // MARK: Measurements

    mutating func readEmployment(_ sheet: inout Sheet) {
        let person = sheet.column("person_id")
        let point = sheet.column("point")
        let type = sheet.column("benefit_type")
        let completed = sheet.column("completed_education_6m", required: false)
        let fit = sheet.column("declared_fit", required: false)
        sheet.finishHeader()
        guard sheet.issues.isEmpty else { return }
        var seen = [UInt8](repeating: 0, count: delivery.persons.count)  // a bit per point and person
        delivery.employment.reserveCapacity(sheet.estimatedRows)
        sheet.rows { row in
            let personNumber = row.reference(person, in: personIndex, what: "personen", file: "persons.csv")
            let pointValue = row.choice(point, required: true, Words.employmentPoint)
            let typeValue = row.choice(type, required: false, Words.benefitType)
            let completedValue = row.bool(completed)
            let fitValue = row.choice(fit, required: false, Words.declaredFit)
            guard let personNumber, let pointValue, !row.hasFailed else { return }
            let bit = UInt8(1) << pointValue.index
            guard seen[personNumber] & bit == 0 else {
                row.fail(point, "personen '\(self.delivery.persons[personNumber].id)' har allerede en række for måling '\(pointValue.label)'")
                return
            }
            seen[personNumber] |= bit
            self.delivery.employment.append(
                EmploymentMeasurement(
                    person: personNumber,
                    point: pointValue,
                    benefitType: typeValue,
                    completedEducation6m: completedValue,
                    declaredFit: fitValue
                )
            )
        }
    }

    mutating func readSocialMeasures(_ sheet: inout Sheet) {
        let rows = readBaselineAndResult(&sheet, value: "measure", points: Words.socialPoint, result: "24") { row, column in
            row.choice(column, required: false, Words.measure)
        }
        delivery.socialMeasures = rows.map { SocialMeasureMeasurement(person: $0.person, point: $0.point, measure: $0.value) }
    }

    mutating func readLifeSatisfaction(_ sheet: inout Sheet) {
        var scale = 0...10
        if case let .lifeSatisfaction(terms)? = commitment.goal(.lifeSatisfaction)?.terms { scale = terms.scaleMinimum...terms.scaleMaximum }
        let rows = readBaselineAndResult(&sheet, value: "score", points: Words.lifePoint, result: "end") { row, column in
            row.int(column, in: scale)
        }
        delivery.lifeSatisfaction = rows.map { LifeSatisfactionMeasurement(person: $0.person, point: $0.point, score: $0.value) }
    }

    /// Reads a file of `person_id`, `point` (baseline or result) and one value per row, each
    /// person and point at most once (goals 2 and 4).
    func readBaselineAndResult<Value>(
        _ sheet: inout Sheet,
        value valueName: String,
        points: WordTable<BaselineOrResult>,
        result: String,
        parse: (Row, Column?) -> Value?
    ) -> [(person: Int, point: BaselineOrResult, value: Value?)] {
        let person = sheet.column("person_id")
        let point = sheet.column("point")
        let valueColumn = sheet.column(valueName)
        sheet.finishHeader()
        guard sheet.issues.isEmpty else { return [] }
        var seen = [UInt8](repeating: 0, count: delivery.persons.count)  // a bit per point and person
        var rows: [(person: Int, point: BaselineOrResult, value: Value?)] = []
        rows.reserveCapacity(sheet.estimatedRows)
        sheet.rows { row in
            let personNumber = row.reference(person, in: personIndex, what: "personen", file: "persons.csv")
            let pointValue = row.choice(point, required: true, points)
            let value = parse(row, valueColumn)
            guard let personNumber, let pointValue, !row.hasFailed else { return }
            let bit: UInt8 = pointValue == .baseline ? 1 : 2
            guard seen[personNumber] & bit == 0 else {
                row.fail(
                    point,
                    "personen '\(delivery.persons[personNumber].id)' har allerede en række for måling '\(pointValue == .baseline ? "baseline" : result)'"
                )
                return
            }
            seen[personNumber] |= bit
            rows.append((personNumber, pointValue, value))
        }
        return rows
    }

    mutating func readActionPlanGoals(_ sheet: inout Sheet) {
        let household = sheet.column("household_id")
        let goal = sheet.column("goal_id")
        let fulfilled = sheet.column("fulfilled")
        sheet.finishHeader()
        guard sheet.issues.isEmpty else { return }
        // Goal ids per household, to find duplicates without hashing every row.
        var goalsOf = [[String]](repeating: [], count: delivery.households.count)
        delivery.actionPlanGoals.reserveCapacity(sheet.estimatedRows)
        sheet.rows { row in
            let householdNumber = row.reference(household, in: householdIndex, what: "husstanden", file: "households.csv")
            let goalID = row.label(goal)
            let value = row.bool(fulfilled)
            guard let householdNumber, let goalID, !row.hasFailed else { return }
            guard !goalsOf[householdNumber].contains(goalID) else {
                row.fail(goal, "husstanden '\(self.delivery.households[householdNumber].id)' har allerede handleplansmålet '\(goalID)'")
                return
            }
            goalsOf[householdNumber].append(goalID)
            self.delivery.actionPlanGoals.append(ActionPlanGoalAssessment(household: householdNumber, goalID: goalID, fulfilled: value))
        }
    }

    mutating func readSchoolAbsence(_ sheet: inout Sheet) {
        let cohort = sheet.column("cohort")
        let point = sheet.column("point")
        let group = sheet.column("group")
        let child = sheet.column("child_id")
        let absence = sheet.column("absence_pct")
        let measured = sheet.column("measured_on")
        sheet.finishHeader()
        guard sheet.issues.isEmpty else { return }
        let cohorts = commitment.schoolAbsenceCohorts
        let start = commitment.interventionPeriod.value.start
        // Per child, a bit per cohort and point already seen; per cohort and point, its date.
        var children = ByteKeyTable(capacity: sheet.estimatedRows / 4)
        var seen: [UInt64] = []
        delivery.schoolAbsence.reserveCapacity(sheet.estimatedRows)
        var dates = [(date: LocalDate, line: Int)?](repeating: nil, count: cohorts * 4)
        sheet.rows { row in
            let cohortValue = row.int(cohort, in: 1...cohorts, required: true)
            let pointValue = row.choice(point, required: true, Words.absencePoint)
            let groupValue = row.choice(group, required: true, Words.group)
            let childID = row.identifier(child)
            let percent = row.decimal(absence, in: Ratio(0)...Ratio(100))
            let date = row.date(measured, required: true)
            guard let cohortValue, let pointValue, let groupValue, let childID, let date, !row.hasFailed else { return }
            if pointValue != .baseline, date < start {
                row.fail(measured, "\(date.isoString) ligger før indsatsperiodens start \(start.isoString)")
                return
            }
            let cell = (cohortValue - 1) * 4 + pointValue.index
            if let first = dates[cell], first.date != date {
                row.fail(
                    measured,
                    "\(date.isoString) afviger fra \(first.date.isoString) (linje \(first.line)); kohorte \(cohortValue), måling \(pointValue.label) har én måledato"
                )
                return
            }
            if dates[cell] == nil { dates[cell] = (date, row.line) }
            let bit = UInt64(1) << UInt64(cell % 64)
            let number: Int
            if let known = children.find(childID) {
                number = known
            } else {
                number = seen.count
                children.insert(childID, value: number)
                seen.append(0)
            }
            guard seen[number] & bit == 0 else {
                row.fail(child, "barnet '\(childID)' har allerede en række for kohorte \(cohortValue), måling \(pointValue.label)")
                return
            }
            seen[number] |= bit
            self.delivery.schoolAbsence.append(
                SchoolAbsenceMeasurement(
                    cohort: cohortValue,
                    point: pointValue,
                    group: groupValue,
                    childID: childID,
                    absencePercent: percent,
                    measuredOn: date
                )
            )
        }
    }
}
