import Foundation
import HTTPTypes
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

    static let outcomes = ["enrolled"] + EnrolmentDecision.NotEnrolledReason.allCases.map(\.rawValue)
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
        struct NewDecision: Decodable {
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
                let decisions = Dictionary(
                    try await call.api.store.enrolmentDecisions().map { ($0.household, $0) },
                    uniquingKeysWith: { _, last in last }
                )
                let listed = try await call.api.store.households(in: call.ownArea).filter { $0.listPosition != nil }
                    .sorted { $0.listPosition! < $1.listPosition! }
                let entries = listed.map {
                    Entry(
                        listPosition: $0.listPosition!,
                        household: $0.id.rawValue,
                        area: $0.area.rawValue,
                        decision: decisions[$0.id].map(DecisionView.init)
                    )
                }
                let result = VisitationList(next: entries.first { $0.decision == nil }?.household, list: try call.paged(entries))
                try await call.auditRead("visitation list page \(result.list.page)")
                return try .json(result)
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
                var decisions = try await call.api.store.enrolmentDecisions()
                if let own = call.ownArea {
                    let ids = Set(try await call.api.store.households(in: own).map(\.id))
                    decisions = decisions.filter { ids.contains($0.household) }
                }
                let page = try call.paged(decisions.map(DecisionView.init))
                try await call.auditRead("decisions " + page.items.map(\.household).joined(separator: ","))
                return try .json(page)
            },
            Route(
                .post,
                "/api/visitation/decisions",
                "recordDecision",
                "Journalfør en beslutning om en husstand med skriftlig faglig begrundelse (P 3.2.1)",
                access: caseRoles,
                body: .object(
                    [
                        ("household", .text), ("outcome", .string(values: DecisionView.outcomes)), ("courseStart", .nullable(.date)),
                        ("consentGiven", .boolean), ("reason", .text), ("decidedOn", .nullable(.date)),
                    ],
                    required: ["household", "outcome", "consentGiven", "reason"]
                ),
                status: .created,
                response: .ref("Decision")
            ) { call in
                let new = try call.decode(NewDecision.self)
                guard let record = try await call.api.store.household(HouseholdID(new.household)) else {
                    throw Problem.notFound("Husstanden \(new.household) findes ikke.")
                }
                try call.requireFullAccess(area: record.area)
                let outcome: EnrolmentDecision.Outcome
                if new.outcome == "enrolled" {
                    guard let start = new.courseStart else { throw Problem.unprocessable("En visiteret husstand skal have 'courseStart'.") }
                    outcome = .enrolled(courseStart: start)
                } else if let reason = EnrolmentDecision.NotEnrolledReason(rawValue: new.outcome) {
                    outcome = .notEnrolled(reason)
                } else {
                    throw Problem.unprocessable("Feltet 'outcome' skal være et af \(DecisionView.outcomes.joined(separator: ", ")).")
                }
                let decision = EnrolmentDecision(
                    household: record.id,
                    listPosition: record.listPosition,
                    decidedOn: new.decidedOn ?? call.today,
                    decidedBy: try call.user.username,
                    outcome: outcome,
                    reason: new.reason
                )
                try await call.api.store.recordEnrolmentDecision(
                    decision,
                    consentGiven: new.consentGiven,
                    interventionPeriod: call.api.commitment.interventionPeriod.value,
                    audit: call.audit("record-decision:\(new.outcome)", subject: "household:\(record.id)")
                )
                return try .json(DecisionView(decision), status: .created)
            },
        ]
    }
}
