import Foundation
import HTTPTypes
import OutcomesApplication
import OutcomesCore
import OutcomesStore

extension OutcomesAPI {
    static var complianceRoutes: [Route] {
        struct NewNotice: Decodable {
            var kind: String
            var received: LocalDate
            var remedyBy: LocalDate?
            var subject: String
        }
        let asOf = QueryParameter(name: "asOf", schema: .date, required: true, description: "Datoen (ÅÅÅÅ-MM-DD).")
        let figure = Schema.record([("label", .text), ("value", .text)])
        let findingSchema = Schema.record([
            ("rule", .text), ("clause", .text), ("severity", .string(values: ComplianceFinding.Severity.allCases.map(\.rawValue))),
            ("message", .text), ("figures", .array(figure)), ("action", .text),
            ("households", .array(.string(description: "kun for roller, der må se husstande; ellers tom"))),
        ])
        let deadlineSchema = Schema.record([
            ("rule", .text), ("what", .text), ("clause", .text), ("due", .date), ("status", .string(values: ["met", "upcoming", "overdue"])),
            ("figures", .array(figure)), ("action", .text),
        ])
        let noticeSchema = Schema.object(
            [
                ("kind", .string(values: ["withholding", "revocation", "dispute"])), ("received", .date), ("remedyBy", .nullable(.date)),
                ("subject", .line()), ("countsFrom", .date),
            ],
            required: ["kind", "received", "subject"]
        )
        let readers: Access = .permission(.readCompliance)
        return [
            Route(
                .get,
                "/api/checks",
                "complianceChecks",
                "Kontrol af aftalens vilkår pr. en dato (SPEC §8): fund med hjemmel, alvor, tal og hvad der skal gøres",
                access: readers,
                query: [asOf, .page, .pageSize],
                response: .record([
                    ("asOf", .date), ("interpretations", .array(.record([("key", .text), ("clause", .text), ("reading", .text)]))),
                    ("findings", .array(findingSchema)), ("page", .integer()), ("pageSize", .integer()), ("total", .integer()),
                ])
            ) { call in
                let day = try call.asOfDate()
                let report = try await call.api.service.compliance(call.requester, asOf: day)
                let notes = call.api.commitment.interpretationNotes(for: .compliance).dictionaries
                let items = report.findings.map { finding -> [String: Any] in
                    [
                        "rule": finding.rule, "clause": finding.clause.reference, "severity": finding.severity.rawValue, "message": finding.message,
                        "figures": finding.figures.map { ["label": $0.label, "value": $0.value] }, "action": finding.action,
                        "households": finding.households.map(\.rawValue),
                    ]
                }
                return .raw(
                    try call.pagedObject(["asOf": day.isoString, "interpretations": notes], key: "findings", items),
                    contentType: "application/json; charset=utf-8"
                )
            },
            Route(
                .get,
                "/api/deadlines",
                "deadlines",
                "Frister på den danske kalender: styregruppens kalender (T 7.2–7.4, T 4.3) og modtagne meddelelser (T 6.1–6.2, T 10.2, T 12.2)",
                access: readers,
                query: [asOf, .page, .pageSize],
                response: .record([
                    ("asOf", .date), ("deadlines", .array(deadlineSchema)), ("page", .integer()), ("pageSize", .integer()), ("total", .integer()),
                ])
            ) { call in
                let day = try call.asOfDate()
                let deadlines = try await call.api.service.compliance(call.requester, asOf: day, namingHouseholds: false).deadlines
                let items = deadlines.map { deadline -> [String: Any] in
                    [
                        "rule": deadline.rule, "what": deadline.what, "clause": deadline.clause.reference, "due": deadline.due.isoString,
                        "status": deadline.status.rawValue, "figures": deadline.figures.map { ["label": $0.label, "value": $0.value] },
                        "action": deadline.action,
                    ]
                }
                return .raw(
                    try call.pagedObject(["asOf": day.isoString], key: "deadlines", items),
                    contentType: "application/json; charset=utf-8"
                )
            },
            Route(
                .get,
                "/api/notices",
                "listNotices",
                "Modtagne meddelelser om tilbageholdelse og tilbagekaldelse, og tvister",
                access: .permission(.readFigures),
                query: [.page, .pageSize],
                response: .page(of: noticeSchema)
            ) { call in
                let notices = try await call.api.service.notices(call.requester).map { OutcomesAPI.noticeJSON($0) }
                let page = try call.paged(notices.map { JSONValue($0) })
                return try .json(page)
            },
            Route(
                .post,
                "/api/notices",
                "recordNotice",
                "Registrér en meddelelse (med den dag den faktisk blev modtaget) eller en tvist",
                access: .permission(.recordNotice),
                body: noticeSchema,
                status: .created,
                response: noticeSchema
            ) { call in
                let body = try call.decode(NewNotice.self)
                let kind: Notice.Kind
                switch body.kind {
                case "withholding":
                    guard let remedy = body.remedyBy else {
                        throw Problem.unprocessable("En tilbageholdelse skal have en afhjælpningsfrist ('remedyBy', T 6.1.2).")
                    }
                    kind = .withholding(remedyBy: remedy)
                case "revocation": kind = .revocation
                case "dispute": kind = .dispute
                default: throw Problem.unprocessable("Feltet 'kind' skal være withholding, revocation eller dispute.")
                }
                let notice = Notice(kind: kind, received: body.received, subject: body.subject)
                try await call.api.service.recordNotice(call.requester, notice, kind: body.kind)
                return .raw(
                    try JSONSerialization.data(withJSONObject: OutcomesAPI.noticeJSON(notice), options: [.sortedKeys]),
                    contentType: "application/json; charset=utf-8",
                    status: .created
                )
            },
        ]
    }

    static func noticeJSON(_ notice: Notice) -> [String: Any] {
        var object: [String: Any] = [
            "received": notice.received.isoString, "subject": notice.subject, "countsFrom": notice.receivedForDeadlines.isoString,
            "remedyBy": NSNull(),
        ]
        switch notice.kind {
        case let .withholding(remedyBy):
            object["kind"] = "withholding"
            object["remedyBy"] = remedyBy.isoString
        case .revocation: object["kind"] = "revocation"
        case .dispute: object["kind"] = "dispute"
        }
        return object
    }
}

/// A JSON value made by JSONSerialization, to put in a ``Page``.
struct JSONValue: Encodable, @unchecked Sendable {
    let value: Any
    init(_ value: Any) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case let text as String: try container.encode(text)
        case is NSNull: try container.encodeNil()
        case let number as Int: try container.encode(number)
        case let flag as Bool: try container.encode(flag)
        case let array as [Any]: try container.encode(array.map(JSONValue.init))
        case let object as [String: Any]: try container.encode(object.mapValues(JSONValue.init))
        default: try container.encode(String(describing: value))
        }
    }
}

extension Call {
    /// `base` with one page of `items` under `key`, and where the page sits.
    func pagedObject(_ base: [String: Any], key: String, _ items: [[String: Any]]) throws -> Data {
        let (page, size) = try page()
        let start = min((page - 1) * size, items.count)
        var object = base
        object[key] = Array(items[start..<min(start + size, items.count)])
        object["page"] = page
        object["pageSize"] = size
        object["total"] = items.count
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The `asOf` query parameter: a date in ``InputRules/years``, else 400.
    func asOfDate() throws -> LocalDate {
        guard let text = query["asOf"] else { throw Problem.badRequest("Angiv datoen som ?asOf=ÅÅÅÅ-MM-DD.") }
        guard let day = LocalDate(iso: text), InputRules.years.contains(day.year) else {
            throw Problem.badRequest(
                "'asOf' skal være en dato (ÅÅÅÅ-MM-DD) i årene \(InputRules.years.lowerBound)–\(InputRules.years.upperBound), ikke '\(InputRules.visible(text))'."
            )
        }
        return day
    }
}
