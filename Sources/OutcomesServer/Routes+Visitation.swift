import Foundation
import HTTPTypes
import OutcomesApplication
import OutcomesCore
import OutcomesStore

struct DecisionView: Encodable, Sendable {
    var household: String
    var listPosition: Int?
    var decidedOn: LocalDate
    var decidedBy: String
    /// `enrolled`, or why not (`noConsent`, `outsideArea`, …).
    var outcome: String
    var courseStart: LocalDate?
    var clause: String
    var reason: String

    init(_ decision: EnrolmentDecision) {
        household = decision.household.rawValue
        listPosition = decision.listPosition
        decidedOn = decision.decidedOn
        decidedBy = decision.decidedBy
        reason = decision.reason
        switch decision.outcome {
        case let .enrolled(start):
            outcome = "enrolled"
            courseStart = start
            clause = "P 3.1.1"
        case let .notEnrolled(why):
            outcome = why.rawValue
            courseStart = nil
            clause = why.clause.reference
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(household, forKey: .household)
        try c.encode(listPosition, forKey: .listPosition)
        try c.encode(decidedOn, forKey: .decidedOn)
        try c.encode(decidedBy, forKey: .decidedBy)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(courseStart, forKey: .courseStart)
        try c.encode(clause, forKey: .clause)
        try c.encode(reason, forKey: .reason)
    }
    enum CodingKeys: String, CodingKey { case household, listPosition, decidedOn, decidedBy, outcome, courseStart, clause, reason }

    static let outcomes = NewDecision.outcomes
    static let schema = Schema.record([
        ("household", .text), ("listPosition", .nullable(.integer())), ("decidedOn", .date), ("decidedBy", .text),
        ("outcome", .string(values: outcomes)), ("courseStart", .nullable(.date)), ("clause", .text), ("reason", .text),
    ])
}

extension OutcomesAPI {
    static var visitationRoutes: [Route] {
        struct Entry: Encodable {
            var listPosition: Int
            var household: String
            var area: String
            var decision: DecisionView?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(listPosition, forKey: .listPosition)
                try c.encode(household, forKey: .household)
                try c.encode(area, forKey: .area)
                try c.encode(decision, forKey: .decision)
            }
            enum CodingKeys: String, CodingKey { case listPosition, household, area, decision }
        }
        struct VisitationList: Encodable {
            var next: String?
            var list: Page<Entry>
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(next, forKey: .next)
                try c.encode(list, forKey: .list)
            }
            enum CodingKeys: String, CodingKey { case next, list }
        }
        struct DecisionBody: Decodable {
            var household: String
            var outcome: String
            var courseStart: LocalDate?
            var consentGiven: Bool
            var reason: String
            var decidedOn: LocalDate?
        }
        return [
            Route(
                .get,
                "/api/visitation",
                "visitationList",
                "Visitationslisten i lodtrækningens rækkefølge, med beslutninger og den næste husstand (P 3.2.2)",
                access: personRoles,
                query: [.page, .pageSize],
                response: .record([
                    ("next", .nullable(.text)),
                    (
                        "list",
                        .page(
                            of: .record([
                                ("listPosition", .integer()), ("household", .text), ("area", .text), ("decision", .nullable(.ref("Decision"))),
                            ])
                        )
                    ),
                ]),
                readsPersonData: true,
                defaultPurpose: "visitation"
            ) { call in
                let list = try await call.api.service.visitationList(call.requester)
                let entries = list.entries.map {
                    Entry(
                        listPosition: $0.household.listPosition!,
                        household: $0.household.id.rawValue,
                        area: $0.household.area.rawValue,
                        decision: $0.decision.map(DecisionView.init)
                    )
                }
                return try .json(VisitationList(next: list.next?.id.rawValue, list: try call.paged(entries)))
            },
            Route(
                .get,
                "/api/visitation/decisions",
                "listDecisions",
                "Journalen over visitationsbeslutninger med begrundelser (P 3.2.1)",
                access: personRoles,
                query: [.page, .pageSize],
                response: .page(of: .ref("Decision")),
                readsPersonData: true,
                defaultPurpose: "visitation"
            ) { call in
                try .json(try call.paged(try await call.api.service.decisions(call.requester).map(DecisionView.init)))
            },
            Route(
                .post,
                "/api/visitation/decisions",
                "recordDecision",
                "Journalfør en beslutning om en husstand med skriftlig faglig begrundelse (P 3.2.1)",
                access: caseRoles,
                body: .object(
                    [
                        ("household", .identifier), ("outcome", .string(values: DecisionView.outcomes)), ("courseStart", .nullable(.date)),
                        ("consentGiven", .boolean), ("reason", .freeText(maxLength: 2000)), ("decidedOn", .nullable(.date)),
                    ],
                    required: ["household", "outcome", "consentGiven", "reason"]
                ),
                status: .created,
                response: .ref("Decision")
            ) { call in
                let new = try call.decode(DecisionBody.self)
                let decision = try await call.api.service.recordDecision(
                    call.requester,
                    NewDecision(
                        household: HouseholdID(new.household),
                        outcome: new.outcome,
                        courseStart: new.courseStart,
                        consentGiven: new.consentGiven,
                        reason: new.reason,
                        decidedOn: new.decidedOn
                    )
                )
                return try .json(DecisionView(decision), status: .created)
            },
        ]
    }
}
