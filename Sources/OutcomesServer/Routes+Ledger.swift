import Foundation
import HTTPTypes
import OutcomesApplication
import OutcomesCore
import OutcomesStore

extension OutcomesAPI {
    static let ledgerReaders: Access = .permission(.readFigures)

    static var ledgerRoutes: [Route] {
        struct Transfer: Codable {
            var kind: String
            var from: String
            var to: String
            var paidOn: LocalDate
            var amount: Money
            var reference: String
        }
        struct Actual: Codable {
            var lineKey: String
            var year: Int
            var amount: Money
        }
        struct MeetingBody: Codable {
            var heldOn: LocalDate
            var isAnnualMeeting: Bool
            var accountsReceivedOn: LocalDate?
            var minutes: String
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(heldOn, forKey: .heldOn)
                try c.encode(isAnnualMeeting, forKey: .isAnnualMeeting)
                try c.encode(accountsReceivedOn, forKey: .accountsReceivedOn)
                try c.encode(minutes, forKey: .minutes)
            }
        }
        struct Report: Codable {
            var period: String
            var submittedOn: LocalDate
        }
        struct Rate: Codable {
            var effectiveFrom: LocalDate
            /// Percent per year as a decimal string, e.g. "1.60".
            var rate: String
        }
        let rateSchema = Schema.record([
            ("effectiveFrom", .date),
            ("rate", .string(description: "årlig sats i procent, fx \"1.60\"", limits: .init(pattern: "^-?[0-9]{1,2}(\\.[0-9]{1,4})?$"))),
        ])
        struct Decision: Codable {
            var kind: String
            var year: Int
            var amount: Money
            var decidedOn: LocalDate
            var note: String
        }
        let decisionSchema = Schema.record([
            ("kind", .string(values: GrantDecision.Kind.allCases.map(\.rawValue))), ("year", .year), ("amount", .amount()), ("decidedOn", .date),
            ("note", .optionalLine()),
        ])
        let transferSchema = Schema.record([
            ("kind", .string(values: MoneyTransfer.Kind.allCases.map(\.rawValue))), ("from", .identifier), ("to", .identifier), ("paidOn", .date),
            ("amount", .amount()), ("reference", .optionalLine()),
        ])
        let actualSchema = Schema.record([("lineKey", .identifier), ("year", .year), ("amount", .amount(allowZero: true))])
        let meetingSchema = Schema.object(
            [("heldOn", .date), ("isAnnualMeeting", .boolean), ("accountsReceivedOn", .nullable(.date)), ("minutes", .freeText())],
            required: ["heldOn", "isAnnualMeeting", "accountsReceivedOn", "minutes"]
        )
        let reportSchema = Schema.record([
            ("period", .string(description: "halvåret, fx 2025-H1", limits: .init(pattern: "^(19[0-9]{2}|20[0-9]{2}|2100)-H[12]$"))), ("submittedOn", .date),
        ])
        return [
            Route(
                .get,
                "/api/transfers",
                "listTransfers",
                "Udbetalinger og tilbagebetalinger mellem parterne",
                access: ledgerReaders,
                query: [.page, .pageSize],
                response: .page(of: transferSchema)
            ) { call in
                let transfers = try await call.api.service.transfers(call.requester).map {
                    Transfer(
                        kind: $0.kind.rawValue,
                        from: $0.from.rawValue,
                        to: $0.to.rawValue,
                        paidOn: $0.paidOn,
                        amount: $0.amount,
                        reference: $0.reference
                    )
                }
                return try .json(try call.paged(transfers))
            },
            Route(
                .post,
                "/api/transfers",
                "recordTransfer",
                "Registrér en betaling (en tilskudsgiver kun betalinger, den selv er part i)",
                access: .permission(.recordTransfer),
                body: transferSchema,
                status: .created,
                response: transferSchema
            ) { call in
                let body = try call.decode(Transfer.self)
                guard let kind = MoneyTransfer.Kind(rawValue: body.kind) else {
                    throw Problem.unprocessable("Feltet 'kind' skal være \(MoneyTransfer.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                let transfer = MoneyTransfer(
                    kind: kind,
                    from: PartyKey(body.from),
                    to: PartyKey(body.to),
                    paidOn: body.paidOn,
                    amount: body.amount,
                    reference: body.reference
                )
                try await call.api.service.recordTransfer(call.requester, transfer)
                return try .json(body, status: .created)
            },
            Route(
                .get,
                "/api/budget-actuals",
                "listBudgetActuals",
                "Forbrug pr. budgetlinje og år",
                access: ledgerReaders,
                query: [.page, .pageSize],
                response: .page(of: actualSchema)
            ) { call in
                try .json(
                    try call.paged(try await call.api.service.budgetActuals(call.requester).map { Actual(lineKey: $0.lineKey, year: $0.year, amount: $0.amount) })
                )
            },
            Route(
                .put,
                "/api/budget-actuals",
                "setBudgetActual",
                "Sæt forbruget på en budgetlinje i et år (det seneste tal gælder)",
                access: .permission(.recordProjectAccounts),
                body: actualSchema,
                response: actualSchema
            ) { call in
                let body = try call.decode(Actual.self)
                try await call.api.service.setBudgetActual(call.requester, BudgetActual(lineKey: body.lineKey, year: body.year, amount: body.amount))
                return try .json(body)
            },
            Route(
                .get,
                "/api/reference-rates",
                "listReferenceRates",
                "Nationalbankens referencesats fra hver dato (renteloven § 5), til morarenter ved for sen betaling (T 6.2.3)",
                access: ledgerReaders,
                query: [.page, .pageSize],
                response: .page(of: rateSchema)
            ) { call in
                let rates = try await call.api.service.referenceRates(call.requester).map {
                    Rate(effectiveFrom: $0.effectiveFrom, rate: $0.rate.value.compactString(maxScale: 4))
                }
                return try .json(try call.paged(rates))
            },
            Route(
                .put,
                "/api/reference-rates",
                "setReferenceRate",
                "Sæt referencesatsen fra en dato (renteloven § 5: satsen, der gælder 1. januar og 1. juli, bruges det følgende halvår)",
                access: .permission(.recordReferenceRate),
                body: rateSchema,
                response: rateSchema
            ) { call in
                let body = try call.decode(Rate.self)
                guard let rate = try? DecimalNumber.parseMachine(body.rate) else {
                    throw Problem.unprocessable("Feltet 'rate' skal være en sats i procent med punktum, fx \"1.60\".")
                }
                try await call.api.service.setReferenceRate(call.requester, ReferenceRate(effectiveFrom: body.effectiveFrom, rate: Percent(rate.ratio)))
                return try .json(body)
            },
            Route(
                .get,
                "/api/grant-decisions",
                "listGrantDecisions",
                "Registrerede beslutninger om tilskuddet: reduktioner (T 4.2) og periodisering af ubrugt tilskud (T 4.3)",
                access: ledgerReaders,
                query: [.page, .pageSize],
                response: .page(of: decisionSchema)
            ) { call in
                let decisions = try await call.api.service.grantDecisions(call.requester).map {
                    Decision(kind: $0.kind.rawValue, year: $0.year, amount: $0.amount, decidedOn: $0.decidedOn, note: $0.note)
                }
                return try .json(try call.paged(decisions))
            },
            Route(
                .post,
                "/api/grant-decisions",
                "recordGrantDecision",
                "Registrér en beslutning om tilskuddet: DSI's reduktion (relativeReduction, absoluteReduction; T 4.2) nedsætter de næste rater; styregruppens periodisering (accrual; T 4.3) holder ubrugt tilskud tilbage fra tilbagebetaling",
                access: .permission(.recordGrantDecision),
                body: decisionSchema,
                status: .created,
                response: decisionSchema
            ) { call in
                let body = try call.decode(Decision.self)
                guard let kind = GrantDecision.Kind(rawValue: body.kind) else {
                    throw Problem.unprocessable("Feltet 'kind' skal være \(GrantDecision.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                try await call.api.service.recordGrantDecision(
                    call.requester,
                    GrantDecision(kind: kind, year: body.year, amount: body.amount, decidedOn: body.decidedOn, note: body.note)
                )
                return try .json(body, status: .created)
            },
            Route(
                .get,
                "/api/meetings",
                "listMeetings",
                "Styregruppens møder (T 7.3–7.4)",
                access: ledgerReaders,
                query: [.page, .pageSize],
                response: .page(of: meetingSchema)
            ) { call in
                let meetings = try await call.api.service.meetings(call.requester).map {
                    MeetingBody(
                        heldOn: $0.heldOn,
                        isAnnualMeeting: $0.isAnnualMeeting,
                        accountsReceivedOn: $0.accountsReceivedOn,
                        minutes: $0.minutes
                    )
                }
                return try .json(try call.paged(meetings))
            },
            Route(
                .post,
                "/api/meetings",
                "recordMeeting",
                "Registrér et møde i styregruppen",
                access: .permission(.recordMeeting),
                body: meetingSchema,
                status: .created,
                response: meetingSchema
            ) { call in
                let body = try call.decode(MeetingBody.self)
                try await call.api.service.recordMeeting(
                    call.requester,
                    Meeting(heldOn: body.heldOn, isAnnualMeeting: body.isAnnualMeeting, accountsReceivedOn: body.accountsReceivedOn, minutes: body.minutes)
                )
                return try .json(body, status: .created)
            },
            Route(
                .get,
                "/api/reports",
                "listReports",
                "Halvårsrapporterne til styregruppen (T 7.2)",
                access: ledgerReaders,
                query: [.page, .pageSize],
                response: .page(of: reportSchema)
            ) { call in
                try .json(try call.paged(try await call.api.service.reports(call.requester).map { Report(period: $0.period.label, submittedOn: $0.submittedOn) }))
            },
            Route(
                .post,
                "/api/reports",
                "recordReport",
                "Registrér at halvårsrapporten er afleveret (T 7.2)",
                access: .permission(.recordProjectAccounts),
                body: reportSchema,
                status: .created,
                response: reportSchema
            ) { call in
                let body = try call.decode(Report.self)
                let parts = body.period.split(separator: "-H")
                guard parts.count == 2, let year = Int(parts[0]), InputRules.years.contains(year), let half = Int(parts[1]), half == 1 || half == 2 else {
                    throw Problem.unprocessable("Feltet 'period' skal være et halvår som 2025-H1, ikke '\(body.period)'.")
                }
                try await call.api.service.recordReport(
                    call.requester,
                    SteeringReport(period: HalfYear(year: year, half: half), submittedOn: body.submittedOn)
                )
                return try .json(body, status: .created)
            },
        ]
    }

    static var auditRoutes: [Route] {
        struct EntryView: Encodable {
            var sequence: Int
            var at: String
            var actor: String
            var action: String
            var subject: String
            var purpose: String
            var hash: String
        }
        struct Verification: Encodable {
            var intact: Bool
            var entries: Int
            var firstBadEntry: Int?
            var reason: String?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(intact, forKey: .intact)
                try c.encode(entries, forKey: .entries)
                try c.encode(firstBadEntry, forKey: .firstBadEntry)
                try c.encode(reason, forKey: .reason)
            }
            enum CodingKeys: String, CodingKey { case intact, entries, firstBadEntry, reason }
        }
        let auditors: Access = .permission(.readAudit)
        return [
            Route(
                .get,
                "/api/audit",
                "listAudit",
                "Revisionssporet: hvem, hvornår, hvad og med hvilket formål",
                access: auditors,
                query: [.page, .pageSize],
                response: .page(
                    of: .record([
                        ("sequence", .integer()), ("at", .string(format: "date-time")), ("actor", .text), ("action", .text), ("subject", .text),
                        ("purpose", .text), ("hash", .text),
                    ])
                )
            ) { call in
                let entries = try await call.api.service.auditTrail(call.requester).map {
                    EntryView(
                        sequence: $0.sequence,
                        at: $0.event.at,
                        actor: $0.event.actor,
                        action: $0.event.action,
                        subject: $0.event.subject,
                        purpose: $0.event.purpose,
                        hash: $0.hash
                    )
                }
                return try .json(try call.paged(entries))
            },
            Route(
                .get,
                "/api/audit/verification",
                "verifyAudit",
                "Kontrollér revisionssporets kæde og navngiv den første ændrede, indsatte eller slettede post",
                access: auditors,
                response: .record([
                    ("intact", .boolean), ("entries", .integer()), ("firstBadEntry", .nullable(.integer())), ("reason", .nullable(.text)),
                ])
            ) { call in
                let (verification, count) = try await call.api.service.verifyAudit(call.requester)
                switch verification {
                case .intact: return try .json(Verification(intact: true, entries: count))
                case let .broken(first, reason): return try .json(Verification(intact: false, entries: count, firstBadEntry: first, reason: reason))
                }
            },
        ]
    }
}
