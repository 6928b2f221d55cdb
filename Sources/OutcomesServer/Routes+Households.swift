import Foundation
import HTTPTypes
import OutcomesApplication
import OutcomesCore
import OutcomesDelivery
import OutcomesStore

struct HouseholdView: Codable, Sendable {
    var id: String
    var area: String
    var listPosition: Int?
    var group: String
    var courseStart: LocalDate?
    var courseEnd: LocalDate?
    var endReason: String?
    var replaces: String?
    var cohort: Int?

    init(_ record: Household) {
        id = record.id.rawValue
        area = record.area.rawValue
        listPosition = record.listPosition
        group = record.group.rawValue
        courseStart = record.start
        courseEnd = record.end
        endReason = record.endReason?.rawValue
        replaces = record.replaces?.rawValue
        cohort = record.cohort
    }

    /// Encodes every key, `null` where there is no value.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(area, forKey: .area)
        try container.encode(listPosition, forKey: .listPosition)
        try container.encode(group, forKey: .group)
        try container.encode(courseStart, forKey: .courseStart)
        try container.encode(courseEnd, forKey: .courseEnd)
        try container.encode(endReason, forKey: .endReason)
        try container.encode(replaces, forKey: .replaces)
        try container.encode(cohort, forKey: .cohort)
    }

    /// The record it describes, or 422 naming the field that is wrong.
    func record(_ commitment: Commitment) throws -> Household {
        guard let area = commitment.area(area) else {
            throw Problem.unprocessable("Feltet 'area' skal være \(commitment.areaKeys), ikke '\(InputRules.visible(area))'.")
        }
        guard let group = Group(rawValue: group) else {
            throw Problem.unprocessable("Feltet 'group' skal være treatment eller control, ikke '\(group)'.")
        }
        let reason = try endReason.map { text in
            guard let reason = EndReason(rawValue: text) else {
                throw Problem.unprocessable(
                    "Feltet 'endReason' skal være \(EndReason.allCases.map(\.rawValue).joined(separator: ", ")), ikke '\(text)'."
                )
            }
            return reason
        }
        return Household(
            id: HouseholdID(id),
            area: area,
            listPosition: listPosition,
            group: group,
            start: courseStart,
            end: courseEnd,
            endReason: reason,
            replaces: replaces.map { HouseholdID($0) },
            cohort: cohort
        )
    }

    /// An area's key: which ones there are is the agreement's (`GET /api/agreements/current`).
    static let areaSchema = Schema.string(description: "et af aftalens områder", limits: .init(pattern: "^[a-z0-9-]{1,40}$"))

    static let schema = Schema.object(
        [
            ("id", .identifier), ("area", Self.areaSchema),
            ("listPosition", .nullable(.integer(minimum: 1, maximum: InputRules.maximumListPosition))),
            ("group", .string(values: Group.allCases.map(\.rawValue))), ("courseStart", .nullable(.date)), ("courseEnd", .nullable(.date)),
            ("endReason", .nullable(.string(values: EndReason.allCases.map(\.rawValue)))), ("replaces", .nullable(.identifier)),
            ("cohort", .nullable(.integer(minimum: 1, maximum: InputRules.maximumCohort))),
        ],
        required: ["id", "area", "listPosition", "group", "courseStart", "courseEnd", "endReason", "replaces", "cohort"]
    )
    /// As a request body: only id, area and group are required.
    static let input = Schema.object(
        [
            ("id", .identifier), ("area", Self.areaSchema),
            ("listPosition", .nullable(.integer(minimum: 1, maximum: InputRules.maximumListPosition))),
            ("group", .string(values: Group.allCases.map(\.rawValue))), ("courseStart", .nullable(.date)), ("courseEnd", .nullable(.date)),
            ("endReason", .nullable(.string(values: EndReason.allCases.map(\.rawValue)))), ("replaces", .nullable(.identifier)),
            ("cohort", .nullable(.integer(minimum: 1, maximum: InputRules.maximumCohort))),
        ],
        required: ["id", "area", "group"]
    )
}

struct PersonView: Encodable, Sendable {
    var id: String
    var birthDate: LocalDate
    var age: Int
    /// `null` for pseudonymised access (and when none is kept).
    var name: String?

    init(_ person: PersonRecord, access: Role.PersonDataAccess, on day: LocalDate) {
        id = person.id.rawValue
        birthDate = person.birthDate
        age = person.birthDate.completedYears(on: day)
        name = access == .full ? person.name : nil
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(birthDate, forKey: .birthDate)
        try container.encode(age, forKey: .age)
        try container.encode(name, forKey: .name)
    }

    enum CodingKeys: String, CodingKey { case id, birthDate, age, name }

    static let schema = Schema.record([("id", .text), ("birthDate", .date), ("age", .integer()), ("name", .nullable(.text))])
}

extension Call {
    /// The household with the path's `id` and the caller's access to it (an audited read); 404
    /// or 403 otherwise.
    func household() async throws -> (Household, Role.PersonDataAccess) {
        try await api.service.household(requester, HouseholdID(parameter("id")))
    }
}

extension OutcomesAPI {
    static let personRoles: Access = .permission(.readPersonData)
    static let caseRoles: Access = .permission(.editCases)

    static var householdRoutes: [Route] {
        struct NewPerson: Decodable {
            var cpr: String
            var name: String?
        }
        struct Lookup: Decodable { var cpr: String }
        struct LookupView: Encodable {
            var household: String
            var person: PersonView
        }
        struct Measurements: Encodable {
            var delivery: Int?
            var employment: [Employment] = []
            var socialMeasures: [Level] = []
            var lifeSatisfaction: [Score] = []
            var actionPlanGoals: [Goal] = []
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(delivery, forKey: .delivery)
                try c.encode(employment, forKey: .employment)
                try c.encode(socialMeasures, forKey: .socialMeasures)
                try c.encode(lifeSatisfaction, forKey: .lifeSatisfaction)
                try c.encode(actionPlanGoals, forKey: .actionPlanGoals)
            }
            enum CodingKeys: String, CodingKey { case delivery, employment, socialMeasures, lifeSatisfaction, actionPlanGoals }
        }
        struct Employment: Encodable {
            var person: String
            var point: String
            var benefitType: String?
            var completedEducation6m: Bool?
            var declaredFit: String?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(person, forKey: .person)
                try c.encode(point, forKey: .point)
                try c.encode(benefitType, forKey: .benefitType)
                try c.encode(completedEducation6m, forKey: .completedEducation6m)
                try c.encode(declaredFit, forKey: .declaredFit)
            }
            enum CodingKeys: String, CodingKey { case person, point, benefitType, completedEducation6m, declaredFit }
        }
        struct Level: Encodable {
            var person: String
            var point: String
            var measure: String?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(person, forKey: .person)
                try c.encode(point, forKey: .point)
                try c.encode(measure, forKey: .measure)
            }
            enum CodingKeys: String, CodingKey { case person, point, measure }
        }
        struct Score: Encodable {
            var person: String
            var point: String
            var score: Int?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(person, forKey: .person)
                try c.encode(point, forKey: .point)
                try c.encode(score, forKey: .score)
            }
            enum CodingKeys: String, CodingKey { case person, point, score }
        }
        struct Goal: Encodable {
            var goalId: String
            var fulfilled: Bool?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(goalId, forKey: .goalId)
                try c.encode(fulfilled, forKey: .fulfilled)
            }
            enum CodingKeys: String, CodingKey { case goalId, fulfilled }
        }
        let purpose = "opfølgning på husstand"
        return [
            Route(
                .get,
                "/api/households",
                "listHouseholds",
                "Husstandene (en sagsbehandler ser kun sit eget område)",
                access: personRoles,
                query: [
                    .page, .pageSize,
                    QueryParameter(
                        name: "area",
                        schema: HouseholdView.areaSchema,
                        required: false,
                        description: "Kun ét område."
                    ),
                ],
                response: .page(of: .ref("Household")),
                readsPersonData: true,
                defaultPurpose: "oversigt over husstande"
            ) { call in
                let area = try call.query["area"].map { text in
                    guard let area = call.api.commitment.area(text) else {
                        throw Problem.badRequest("'area' skal være et af aftalens områder: \(call.api.commitment.areaKeys).")
                    }
                    return area
                }
                return try .json(try call.paged(try await call.api.service.households(call.requester, area: area).map(HouseholdView.init)))
            },
            Route(
                .post,
                "/api/households",
                "createHousehold",
                "Registrér en husstand",
                access: caseRoles,
                body: HouseholdView.input,
                status: .created,
                response: .ref("Household")
            ) { call in
                let record = try call.decode(HouseholdView.self).record(call.api.commitment)
                try await call.api.service.createHousehold(call.requester, record)
                return try .json(HouseholdView(record), status: .created)
            },
            Route(
                .get,
                "/api/households/{id}",
                "getHousehold",
                "En husstand med forløb",
                access: personRoles,
                response: .ref("Household"),
                readsPersonData: true,
                defaultPurpose: purpose
            ) { call in
                let (record, _) = try await call.household()
                return try .json(HouseholdView(record))
            },
            Route(
                .put,
                "/api/households/{id}",
                "updateHousehold",
                "Ret en husstand og dens forløb (start, slut, årsag, erstatning)",
                access: caseRoles,
                body: HouseholdView.input,
                response: .ref("Household")
            ) { call in
                let record = try call.decode(HouseholdView.self).record(call.api.commitment)
                let id = call.parameter("id")
                guard record.id.rawValue == id else { throw Problem.unprocessable("Feltet 'id' skal være husstandens id, \(id).") }
                try await call.api.service.updateHousehold(call.requester, record)
                return try .json(HouseholdView(record))
            },
            Route(
                .get,
                "/api/households/{id}/persons",
                "listPersons",
                "Husstandens medlemmer (pseudonym, alder; navn kun med fuld adgang)",
                access: personRoles,
                query: [.page, .pageSize],
                response: .page(of: .ref("Person")),
                readsPersonData: true,
                defaultPurpose: purpose
            ) { call in
                let detail = try await call.api.service.householdDetail(call.requester, HouseholdID(call.parameter("id")))
                let page = try call.paged(detail.members.map { PersonView($0, access: detail.access, on: call.today) })
                return try .json(page)
            },
            Route(
                .post,
                "/api/households/{id}/persons",
                "addPerson",
                "Registrér et medlem ud fra CPR-nummeret; kun pseudonymet gemmes",
                access: caseRoles,
                body: .object([("cpr", OutcomesAPI.cprSchema), ("name", .nullable(.optionalLine(maxLength: 200)))], required: ["cpr"]),
                status: .created,
                response: .ref("Person")
            ) { call in
                let new = try call.decode(NewPerson.self)
                let person = try await call.api.service.addPerson(call.requester, household: HouseholdID(call.parameter("id")), cpr: new.cpr, name: new.name)
                return try .json(PersonView(person, access: .full, on: call.today), status: .created)
            },
            Route(
                .post,
                "/api/persons/lookup",
                "lookUpPerson",
                "Find en person ud fra CPR-nummeret (matcher på pseudonymet)",
                access: caseRoles,
                body: .record([("cpr", OutcomesAPI.cprSchema)]),
                response: .record([("household", .text), ("person", .ref("Person"))]),
                readsPersonData: true,
                defaultPurpose: "opslag på CPR-nummer"
            ) { call in
                let (record, person) = try await call.api.service.lookUpPerson(call.requester, cpr: try call.decode(Lookup.self).cpr)
                return try .json(LookupView(household: record.id.rawValue, person: PersonView(person, access: .full, on: call.today)))
            },
            Route(
                .get,
                "/api/households/{id}/measurements",
                "householdMeasurements",
                "Husstandens målinger i den gældende dataleverance",
                access: personRoles,
                response: .ref("Measurements"),
                readsPersonData: true,
                defaultPurpose: purpose
            ) { call in
                let detail = try await call.api.service.householdDetail(call.requester, HouseholdID(call.parameter("id")))
                var result = Measurements(delivery: detail.deliveryNumber)
                if let delivery = detail.delivery, let index = detail.deliveryIndex {
                    let members = Set(delivery.persons.indices.filter { delivery.persons[$0].household == index })
                    let name = { (person: Int) in delivery.persons[person].id.rawValue }
                    let resultLabel = { (point: BaselineOrResult, result: String) in point == .baseline ? "baseline" : result }
                    result.employment = delivery.employment.filter { members.contains($0.person) }.map {
                        Employment(
                            person: name($0.person),
                            point: $0.point.label,
                            benefitType: $0.benefitType?.rawValue,
                            completedEducation6m: $0.completedEducation6m,
                            declaredFit: $0.declaredFit?.rawValue
                        )
                    }
                    result.socialMeasures = delivery.socialMeasures.filter { members.contains($0.person) }.map {
                        Level(person: name($0.person), point: resultLabel($0.point, "24"), measure: $0.measure?.rawValue)
                    }
                    result.lifeSatisfaction = delivery.lifeSatisfaction.filter { members.contains($0.person) }.map {
                        Score(person: name($0.person), point: resultLabel($0.point, "end"), score: $0.score)
                    }
                    result.actionPlanGoals = delivery.actionPlanGoals.filter { $0.household == index }.map {
                        Goal(goalId: $0.goalID, fulfilled: $0.fulfilled)
                    }
                }
                return try .json(result)
            },
        ]
    }

    static let measurementsSchema = Schema.record([
        ("delivery", .nullable(.integer())),
        (
            "employment",
            .array(
                .record([
                    ("person", .text), ("point", .string(values: ["start", "12", "18", "24"])), ("benefitType", .nullable(.text)),
                    ("completedEducation6m", .nullable(.boolean)), ("declaredFit", .nullable(.text)),
                ])
            )
        ),
        ("socialMeasures", .array(.record([("person", .text), ("point", .string(values: ["baseline", "24"])), ("measure", .nullable(.text))]))),
        (
            "lifeSatisfaction",
            .array(.record([("person", .text), ("point", .string(values: ["baseline", "end"])), ("score", .nullable(.integer()))]))
        ),
        ("actionPlanGoals", .array(.record([("goalId", .text), ("fulfilled", .nullable(.boolean))]))),
    ])
}
