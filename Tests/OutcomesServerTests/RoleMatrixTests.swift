import Foundation
import HTTPTypes
import OutcomesContractFile
import OutcomesApplication
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// SPEC §1, written out independently of the routes' own declarations: who may call what.
/// `anyone` routes are called anonymously; every other route is called by every role and
/// anonymously.
let expectedAccess: [String: Set<String>] = {
    let all: Set<String> = ["pl", "cw", "ev", "dsi", "sg", "adm"]
    let personReaders: Set<String> = ["pl", "cw", "ev"]
    let caseWriters: Set<String> = ["pl", "cw"]
    let ledgerReaders: Set<String> = ["pl", "ev", "dsi", "sg"]
    return [
        "health": ["anyone"], "openapi": ["anyone"], "login": ["anyone"],
        "logout": all, "me": all, "changePassword": all, "createToken": all, "listTokens": all, "revokeToken": all,
        "listUsers": ["adm"], "createUser": ["adm"], "setUserActive": ["adm"], "revokeRole": ["adm"],
        "listAgreements": all, "getAgreement": all, "agreementDiff": all, "agreementFindings": all, "saveAgreement": ["pl"],
        "listMyAgreements": all, "addAgreement": ["adm"], "portfolio": all,
        "listHouseholds": personReaders, "getHousehold": personReaders, "listPersons": personReaders,
        "householdMeasurements": personReaders, "getActionPlan": personReaders, "visitationList": personReaders,
        "listDecisions": personReaders,
        "createHousehold": caseWriters, "updateHousehold": caseWriters, "addPerson": caseWriters, "lookUpPerson": caseWriters,
        "createActionPlan": caseWriters, "changeActionPlan": caseWriters, "assessActionPlanGoal": caseWriters,
        "recordDecision": caseWriters,
        "listDeliveries": ledgerReaders, "importDelivery": ["pl", "ev"],
        "settlement": ["pl", "ev"], "settlementSummary": ledgerReaders,
        "listTransfers": ledgerReaders, "recordTransfer": ["pl", "dsi"],
        "listBudgetActuals": ledgerReaders, "setBudgetActual": ["pl"],
        "listMeetings": ledgerReaders, "recordMeeting": ["pl", "sg"],
        "listReports": ledgerReaders, "recordReport": ["pl"],
        "listAudit": ["adm", "pl"], "verifyAudit": ["adm", "pl"],
        "complianceChecks": ["pl", "cw", "ev", "dsi", "sg"], "deadlines": ["pl", "cw", "ev", "dsi", "sg"],
        "finance": ["pl", "ev", "dsi", "sg"],
        "forecast": ["pl", "ev", "dsi", "sg"],
        "listNotices": ledgerReaders, "recordNotice": ["pl", "dsi"],
        "listSettlementRecords": ledgerReaders, "getSettlementRecord": ledgerReaders, "proposeSettlement": ["ev"],
        "approveSettlement": ["pl", "dsi"], "paymentInstructions": ledgerReaders, "previewDelivery": ["pl", "ev"],
        "listGrantDecisions": ledgerReaders, "recordGrantDecision": ["pl", "dsi", "sg"],
        "listReferenceRates": ledgerReaders, "setReferenceRate": ["pl", "dsi"],
    ]
}()

/// A request that succeeds for a role that may make it: path, query and body per operation.
struct Sample {
    var path: [String: String] = [:]
    var query: String = ""
    var json: Any?
    var raw: String?
}

func sample(_ operation: String, for user: String, index: Int) -> Sample? {
    let own = "N-\(user)"
    switch operation {
    case "health", "openapi", "logout", "me", "listUsers", "listAgreements", "listMyAgreements", "agreementFindings", "listHouseholds", "listDeliveries",
        "listTransfers", "listBudgetActuals", "listMeetings", "listReports", "listAudit", "verifyAudit", "visitationList", "listDecisions":
        return Sample()
    case "login": return Sample(json: ["username": "pl", "password": TestUser.pl.password])
    case "changePassword":
        let password = TestUser(rawValue: user)?.password ?? "x"
        return Sample(json: ["currentPassword": password, "newPassword": password + "-ny"])
    case "createToken": return Sample(json: ["name": "matrix"])
    case "listTokens": return Sample()
    // The token every test user has (Harness), revoked by its owner.
    case "revokeToken": return Sample(path: ["id": String(OutcomesService.digest(TestUser(rawValue: user)?.token ?? "").prefix(16))])
    case "setUserActive": return Sample(path: ["username": "sg"], json: ["isActive": true])
    // The evaluator the same user made with createUser just before (routes run in order).
    case "revokeRole": return Sample(path: ["username": "ny-\(user)"])
    case "createUser": return Sample(json: ["username": "ny-\(user)", "displayName": "Ny", "role": "evaluator", "password": "en-lang-adgangskode"])
    case "getAgreement": return Sample(path: ["agreement": viborg.id, "version": String(viborg.version)])
    case "agreementDiff": return Sample(path: ["agreement": viborg.id, "version": String(viborg.version)], query: "?from=\(viborg.version)")
    case "saveAgreement": return Sample(raw: ContractFile.builtInText)
    case "addAgreement": return Sample(raw: SecondAgreementTests.text)
    case "createHousehold": return Sample(json: ["id": own, "area": "houlkaer", "group": "treatment", "courseStart": "2026-10-01"])
    case "getHousehold", "listPersons", "householdMeasurements", "getActionPlan": return Sample(path: ["id": matrixHousehold])
    case "updateHousehold":
        return Sample(
            path: ["id": matrixHousehold],
            json: ["id": matrixHousehold, "area": "houlkaer", "group": "treatment", "courseStart": "2026-10-01", "cohort": 3]
        )
    case "addPerson": return Sample(path: ["id": matrixHousehold], json: ["cpr": String(format: "02029040%02d", index), "name": "Ny person"])
    case "lookUpPerson": return Sample(json: ["cpr": registeredCPR])
    case "createActionPlan": return Sample(path: ["id": own], json: ["goals": [["id": "M1", "text": "Et mål"]]])
    case "changeActionPlan": return Sample(path: ["id": matrixHousehold], json: ["action": "add", "goalId": "G-\(user)", "text": "Nyt mål"])
    case "assessActionPlanGoal": return Sample(path: ["id": matrixHousehold], json: ["goalId": "M1", "fulfilled": true])
    case "recordDecision":
        return Sample(json: ["household": own, "outcome": "declined", "consentGiven": false, "reason": "Familien takkede nej til forløbet."])
    case "importDelivery", "previewDelivery": return Sample(json: ["files": demoFiles])
    case "settlement", "settlementSummary", "complianceChecks", "deadlines", "finance", "paymentInstructions", "portfolio": return Sample(query: "?asOf=2026-11-26")
    case "forecast": return Sample(query: "?asOf=2026-11-26&scenario=enrolment-stop=150+rate-factor=1:0.8;later-start=3")
    case "listNotices": return Sample()
    case "recordNotice": return Sample(json: ["kind": "revocation", "received": "2026-04-06", "subject": "Tilbagekaldelse \(user)"])
    case "listGrantDecisions", "listReferenceRates": return Sample()
    case "setReferenceRate": return Sample(json: ["effectiveFrom": "2025-07-01", "rate": "1.60"])
    case "recordGrantDecision":
        // DSI records reductions (T 4.2); the project lead and the steering group accruals (T 4.3).
        return Sample(json: [
            "kind": user == "dsi" ? "relativeReduction" : "accrual", "year": 2024, "amount": "1000.00", "decidedOn": "2025-05-20",
            "note": "beslutning",
        ])
    case "recordTransfer":
        return Sample(json: [
            "kind": "disbursement", "from": "dsi", "to": "kommune", "paidOn": "2024-01-15", "amount": "1000.00", "reference": "rate",
        ])
    case "setBudgetActual": return Sample(json: ["lineKey": viborg.budget.lines[0].key, "year": 2024, "amount": "1000.00"])
    case "recordMeeting":
        return Sample(json: ["heldOn": "2024-03-01", "isAnnualMeeting": false, "accountsReceivedOn": NSNull(), "minutes": "Referat"])
    case "recordReport": return Sample(json: ["period": "2024-H1", "submittedOn": "2024-08-15"])
    case "listSettlementRecords": return Sample()
    case "getSettlementRecord": return Sample(path: ["period": "2023-H2"])
    case "proposeSettlement": return Sample(json: ["period": "2023-H2"])
    // The hash of the proposal the matrix test makes before it starts.
    case "approveSettlement": return Sample(path: ["period": "2023-H2"], json: ["hash": "$HASH", "meetingOn": "2026-11-26"])
    default: return nil
    }
}

@Suite("Roles × endpoints (SPEC §1)")
struct RoleMatrixTests {
    @Test(
        "every route, every role: allowed answers 2xx and matches the OpenAPI document, denied answers 403, anonymous 401",
        arguments: Backend.available
    )
    func matrix(backend: Backend) async throws {
        try await withAPI(backend) { api, store, client in
            let documentAnswer = try await client.send(.get, "/openapi.json")
            let document = try #require(documentAnswer.object["paths"] as? [String: [String: Any]])
            let validator = SchemaValidator(document: documentAnswer.object)
            #expect(Set(api.routes.map(\.operationID)) == Set(expectedAccess.keys), "the matrix names every operation, and only those")
            // A steering-group meeting and a proposal of 2023-H2 to approve.
            let setup = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
            try await store.recordMeeting(Meeting(heldOn: LocalDate(iso: "2026-11-26")!, isAnnualMeeting: false, accountsReceivedOn: nil, minutes: "Opgørelsen forelagt"), audit: setup)
            let evaluator = try #require(try await store.user(named: "ev"))
            let proposal = try await api.service.proposeSettlement(Requester(user: evaluator, now: fixedNow, channel: "test"), period: HalfYear(year: 2023, half: 2))
            var checked = 0
            for (index, user) in ([nil] + TestUser.allCases.map(Optional.some)).enumerated() {
                let name = user?.rawValue ?? "anyone"
                for route in api.routes {
                    let expected = try #require(expectedAccess[route.operationID])
                    let isPublic = expected == ["anyone"]
                    if isPublic && user != nil { continue }
                    var request = try #require(sample(route.operationID, for: name, index: index), "no sample for \(route.operationID)")
                    if var body = request.json as? [String: Any], body["hash"] as? String == "$HASH" {
                        body["hash"] = proposal.hash
                        request.json = body
                    }
                    var uri = route.path
                    for (key, value) in request.path { uri = uri.replacingOccurrences(of: "{\(key)}", with: value) }
                    let answer = try await client.send(
                        route.method,
                        uri + request.query,
                        as: user,
                        json: request.json,
                        raw: request.raw,
                        headers: request.raw == nil ? [:] : [.contentType: route.requestMediaType]
                    )
                    checked += 1
                    // A password change and a revocation end the user's token: give it back for the next routes.
                    if let user, ["changePassword", "revokeToken"].contains(route.operationID), (200..<300).contains(answer.status.code) {
                        let event = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
                        try await store.saveAPIToken(user.token, username: user.rawValue, name: "test", audit: event)
                    }
                    let label = "\(route.method) \(route.path) as \(name)"
                    if isPublic || expected.contains(name) {
                        #expect((200..<300).contains(answer.status.code), "\(label): \(answer.status.code) \(answer.text.prefix(300))")
                        let operation = document[route.path]?[route.method.rawValue.lowercased()] as? [String: Any]
                        let responses = operation?["responses"] as? [String: Any]
                        let documented = responses?[String(answer.status.code)] as? [String: Any]
                        #expect(documented != nil, "\(label): status \(answer.status.code) is not in the document")
                        if let content = documented?["content"] as? [String: Any], let json = content["application/json"] as? [String: Any],
                            let schema = json["schema"] as? [String: Any]
                        {
                            let problems = validator.violations(of: answer.json ?? NSNull(), against: schema)
                            #expect(problems.isEmpty, "\(label): \(problems.prefix(5))")
                        }
                    } else if user == nil {
                        #expect(answer.status == .unauthorized, "\(label): \(answer.status.code)")
                    } else {
                        #expect(answer.status == .forbidden, "\(label): \(answer.status.code) \(answer.text.prefix(200))")
                        #expect(answer.headers[.contentType]?.hasPrefix("application/problem+json") == true, "\(label)")
                    }
                }
            }
            #expect(checked > 250)
        }
    }

    @Test("the document lists every route with its roles, and nothing else", arguments: [Backend.sqlite])
    func documentMatchesRoutes(backend: Backend) async throws {
        try await withAPI(backend) { api, _, client in
            let answer = try await client.send(.get, "/openapi.json")
            #expect(answer.object["openapi"] as? String == "3.1.0")
            let paths = try #require(answer.object["paths"] as? [String: [String: [String: Any]]])
            var documented: Set<String> = []
            for (path, operations) in paths {
                for (method, operation) in operations {
                    documented.insert("\(method.uppercased()) \(path)")
                    let id = try #require(operation["operationId"] as? String)
                    let route = try #require(api.routes.first { $0.operationID == id })
                    let short = [
                        "anyone": "anyone", "projectLead": "pl", "areaCaseworker": "cw", "evaluator": "ev", "funder": "dsi", "steeringGroup": "sg",
                        "admin": "adm",
                    ]
                    let roles = Set((operation["x-roles"] as? [String] ?? []).compactMap { short[$0] })
                    #expect(roles == expectedAccess[id], "\(id): document says \(roles)")
                    #expect(route.path == path && route.method.rawValue == method.uppercased())
                }
            }
            #expect(documented == Set(api.routes.map { "\($0.method.rawValue) \($0.path)" }))
        }
    }

    /// Issue #18: roles are per agreement. With a second agreement on the server, every
    /// operation on its records answers every Viborg role but the admin and DSI's funder (whose
    /// roles hold in every agreement DSI funds) as if it did not exist; under Viborg's own
    /// `/api/agreements/{id}` prefix every role gets what it gets on the default paths.
    @Test("roles per agreement: every operation under another agreement's prefix, as every role", arguments: Backend.available)
    func scopedMatrix(backend: Backend) async throws {
        try await withAPI(backend) { api, _, client in
            _ = try await PortfolioTests.addSecondAgreement(client)
            let aarhus = "/api/agreements/\(SecondAgreementTests.aarhus.id)"
            let own = "/api/agreements/\(viborg.id)"
            var checked = 0
            for (index, user) in TestUser.allCases.enumerated() {
                for route in api.routes {
                    guard case .permission = route.access, route.path.hasPrefix("/api/"), !route.path.hasPrefix("/api/portfolio") else { continue }
                    guard !route.path.hasPrefix("/api/agreements") || route.path == "/api/agreements" else { continue }
                    let request = try #require(sample(route.operationID, for: user.rawValue, index: index + 10))
                    var tail = route.path == "/api/agreements" ? "/versions" : String(route.path.dropFirst("/api".count))
                    for (key, value) in request.path { tail = tail.replacingOccurrences(of: "{\(key)}", with: value) }
                    let headers: HTTPFields = request.raw == nil ? [:] : [.contentType: route.requestMediaType]
                    let foreign = try await client.send(route.method, aarhus + tail + request.query, as: user, json: request.json, raw: request.raw, headers: headers)
                    let label = "\(route.method) \(aarhus + tail) as \(user)"
                    let noRole = foreign.status == .notFound && foreign.text.contains("ingen rolle i den")
                    if [.adm, .dsi].contains(user) {
                        #expect(!noRole, "\(label): \(foreign.text.prefix(200))")
                    } else {
                        #expect(noRole, "\(label): \(foreign.status.code) \(foreign.text.prefix(200))")
                    }
                    // Under Viborg's own prefix: allowed or refused as on the default path.
                    guard route.method == .get else { continue }
                    let mine = try await client.send(.get, own + tail + request.query, as: user)
                    let allowed = expectedAccess[route.operationID]?.contains(user.rawValue) == true
                    // (A half-year with no proposal in this test answers 404 of its own.)
                    let reached = (200..<300).contains(mine.status.code) || (mine.status == .notFound && !mine.text.contains("ingen rolle i den"))
                    #expect(allowed ? reached : mine.status == .forbidden, "GET \(own + tail) as \(user): \(mine.status.code)")
                    checked += 1
                }
            }
            #expect(checked > 100)
        }
    }

    @Test("a method a path does not serve answers 405 with Allow", arguments: [Backend.sqlite])
    func methodNotAllowed(backend: Backend) async throws {
        try await withAPI(backend) { api, _, client in
            for route in api.routes {
                var uri = route.path
                for name in route.pathParameters { uri = uri.replacingOccurrences(of: "{\(name)}", with: "x") }
                let served = Set(api.routes.filter { $0.path == route.path }.map(\.method))
                for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where !served.contains(method) {
                    let answer = try await client.send(method, uri, as: .pl)
                    #expect(answer.status == .methodNotAllowed, "\(method) \(route.path)")
                    #expect(answer.headers[.allow] != nil)
                }
            }
            let unknown = try await client.send(.get, "/api/nothing-here", as: .pl)
            #expect(unknown.status == .notFound)
            #expect(unknown.object["title"] as? String == "Findes ikke")
        }
    }
}
