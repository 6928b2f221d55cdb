import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Sessions and tokens live in the store: a restart or a second server instance keeps them;
/// deactivation and password changes end them at once. And HTTP under concurrent load.
@Suite("Sessions in the store; concurrent HTTP")
struct StoredSessionTests {
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    func login(_ client: any TestClientProtocol, _ user: TestUser) async throws -> (cookie: String, csrf: String) {
        let answer = try await client.send(.post, "/api/session", json: ["username": user.rawValue, "password": user.password])
        #expect(answer.status == .ok)
        let cookie = String((answer.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
        return (cookie, answer.object["csrfToken"] as? String ?? "")
    }

    @Test("a session started on one server instance works on another over the same store (and after a restart)", arguments: Backend.available)
    func sessionAcrossInstances(backend: Backend) async throws {
        try await withAPI(backend) { api, store, client in
            let (cookie, csrf) = try await login(client, .pl)
            // A second instance: its own OutcomesAPI and router over the same store, as a restart
            // or a second `serve` on one PostgreSQL would have.
            let second = OutcomesAPI(store: store, commitment: viborg, pseudonymizer: try PersonPseudonymizer(secret: testKey), clock: { fixedNow })
            try await Application(router: second.router()).test(.router) { other in
                let me = try await other.send(.get, "/api/me", headers: [.cookie: cookie])
                #expect(me.status == .ok && me.object["username"] as? String == "pl")
                // The CSRF token is the session's own, on every instance.
                let token = try await other.send(.post, "/api/tokens", json: ["name": "andet"], headers: [.cookie: cookie, Self.csrfHeader: csrf])
                #expect(token.status == .created)
                // Logging out on one instance ends the session on all.
                let logout = try await other.send(.delete, "/api/session", headers: [.cookie: cookie, Self.csrfHeader: csrf])
                #expect(logout.status == .noContent)
            }
            #expect(try await client.send(.get, "/api/me", headers: [.cookie: cookie]).status == .unauthorized)
            _ = api
        }
    }

    @Test("a user lists and revokes their own tokens; the admin's deactivation stops sessions and tokens at once", arguments: Backend.available)
    func tokensAndDeactivation(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let (cookie, _) = try await login(client, .ev)
            let list = try await client.send(.get, "/api/tokens", as: .ev)
            let items = try #require(list.object["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["name"] as? String == "test" && items[0]["token"] == nil)
            let id = try #require(items[0]["id"] as? String)
            // Another user cannot revoke it.
            #expect(try await client.send(.delete, "/api/tokens/\(id)", as: .pl).status == .notFound)

            // Deactivation: the session and the token stop at once; logging in is refused.
            let deactivate = try await client.send(.patch, "/api/users/ev", as: .adm, json: ["isActive": false])
            #expect(deactivate.status == .ok && deactivate.object["isActive"] as? Bool == false)
            #expect(try await client.send(.get, "/api/me", headers: [.cookie: cookie]).status == .unauthorized)
            #expect(try await client.send(.get, "/api/me", as: .ev).status == .unauthorized)
            let again = try await client.send(.post, "/api/session", json: ["username": "ev", "password": TestUser.ev.password])
            #expect(again.status == .unauthorized)
            // Reactivated, the user logs in again (the old token stays revoked).
            #expect(try await client.send(.patch, "/api/users/ev", as: .adm, json: ["isActive": true]).status == .ok)
            #expect(try await client.send(.post, "/api/session", json: ["username": "ev", "password": TestUser.ev.password]).status == .ok)
            #expect(try await client.send(.get, "/api/me", as: .ev).status == .unauthorized)
            // The admin cannot lock themself out.
            #expect(try await client.send(.patch, "/api/users/adm", as: .adm, json: ["isActive": false]).status == .conflict)
        }
    }

    @Test("revoking a token stops it; a password change revokes every token and session", arguments: Backend.available)
    func revokeAndPasswordChange(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let (cookie, csrf) = try await login(client, .sg)
            let created = try await client.send(.post, "/api/tokens", json: ["name": "script"], headers: [.cookie: cookie, Self.csrfHeader: csrf])
            let token = try #require(created.object["token"] as? String)
            let list = try await client.send(.get, "/api/tokens", headers: [.authorization: "Bearer \(token)"])
            let script = try #require((list.object["items"] as? [[String: Any]])?.first { $0["name"] as? String == "script" })
            let revoke = try await client.send(.delete, "/api/tokens/\(script["id"] as! String)", headers: [.authorization: "Bearer \(token)"])
            #expect(revoke.status == .noContent)
            #expect(try await client.send(.get, "/api/me", headers: [.authorization: "Bearer \(token)"]).status == .unauthorized)

            let change = try await client.send(
                .post,
                "/api/me/password",
                json: ["currentPassword": TestUser.sg.password, "newPassword": "en-helt-ny-adgangskode"],
                headers: [.cookie: cookie, Self.csrfHeader: csrf]
            )
            #expect(change.status == .noContent)
            #expect(try await client.send(.get, "/api/me", headers: [.cookie: cookie]).status == .unauthorized)
            #expect(try await client.send(.get, "/api/me", as: .sg).status == .unauthorized)
        }
    }

    @Test("many requests at once over HTTP: no server error, every 201 stored, one winner per id, the audit chain intact", arguments: Backend.available)
    func concurrentHTTP(backend: Backend) async throws {
        // Each login comes from its own address: parallel tries of one name at one address are
        // throttled before their outcome is known (HardeningTests.parallelGuesses).
        try await withAPI(backend, trustForwardedFor: true) { _, store, client in
            let before = try await store.auditEntries().count
            let answers = try await withThrowingTaskGroup(of: (Int, String, HTTPResponse.Status).self) { group in
                for index in 0..<160 {
                    group.addTask {
                        switch index % 8 {
                        case 0:
                            let body: [String: Any] = [
                                "kind": "disbursement", "from": "dsi", "to": "kommune", "paidOn": "2026-11-01", "amount": "\(index + 1).00",
                                "reference": "H-\(index)",
                            ]
                            return (index, "transfer", try await client.send(.post, "/api/transfers", as: .pl, json: body).status)
                        case 1, 2:
                            let body: [String: Any] = ["id": "HTTP-\(index / 8)", "area": "houlkaer", "group": "control"]
                            return (index, "household", try await client.send(.post, "/api/households", as: .pl, json: body).status)
                        case 3:
                            let body: [String: Any] = ["heldOn": "2026-11-20", "isAnnualMeeting": false, "accountsReceivedOn": NSNull(), "minutes": "HM-\(index)"]
                            return (index, "meeting", try await client.send(.post, "/api/meetings", as: .sg, json: body).status)
                        case 4:
                            return (index, "read", try await client.send(.get, "/api/households/\(matrixHousehold)", as: .pl).status)
                        case 5:
                            return (index, "read", try await client.send(.get, "/api/settlements/summary?asOf=2026-11-26", as: .dsi).status)
                        case 6:
                            let user = [TestUser.ev, .pl, .dsi, .sg][index / 8 % 4]
                            let login = try await client.send(
                                .post,
                                "/api/session",
                                json: ["username": user.rawValue, "password": user.password],
                                headers: [HTTPField.Name("X-Forwarded-For")!: "10.9.0.\(index)"]
                            )
                            return (index, "login", login.status)
                        default:
                            return (index, "read", try await client.send(.get, "/api/finance?asOf=2026-11-26", as: .sg).status)
                        }
                    }
                }
                var all: [(Int, String, HTTPResponse.Status)] = []
                for try await answer in group { all.append(answer) }
                return all
            }
            #expect(answers.allSatisfy { $0.2.code < 500 }, "server errors: \(answers.filter { $0.2.code >= 500 }.prefix(5))")
            let transfers = try await store.transfers().filter { $0.reference.hasPrefix("H-") }
            #expect(transfers.count == answers.count { $0.1 == "transfer" && $0.2 == .created })
            let meetings = try await store.meetings().filter { $0.minutes.hasPrefix("HM-") }
            #expect(meetings.count == answers.count { $0.1 == "meeting" && $0.2 == .created })
            let households = answers.filter { $0.1 == "household" }
            #expect(households.count { $0.2 == .created } == 20 && households.count { $0.2 == .conflict } == 20)
            #expect(try await store.households(in: nil).count { $0.id.rawValue.hasPrefix("HTTP-") } == 20)
            #expect(answers.filter { $0.1 == "login" || $0.1 == "read" }.allSatisfy { $0.2 == .ok })
            let entries = try await store.auditEntries()
            #expect(entries.count > before)
            #expect(try await store.verifyAudit() == .intact(entries: entries.count))
        }
    }

    @Test("a refused action-plan change creates no plan; the deadlines read names no household and audits nothing", arguments: [Backend.sqlite])
    func refusedChangesLeaveNothing(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            let event = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
            try await store.createHousehold(
                Household(id: HouseholdID("H-OLD"), area: .houlkaer, group: .treatment, start: LocalDate(iso: "2024-01-01")!),
                interventionPeriod: viborg.interventionPeriod.value,
                audit: event
            )
            let change = try await client.send(
                .patch,
                "/api/households/H-OLD/action-plan",
                as: .pl,
                json: ["action": "add", "goalId": "M1", "text": "For sent"]
            )
            #expect(change.status == .conflict)
            #expect(try await store.actionPlan(for: HouseholdID("H-OLD")) == nil)

            let before = try await store.auditEntries().count
            #expect(try await client.send(.get, "/api/deadlines?asOf=2026-11-26", as: .cw).status == .ok)
            #expect(try await store.auditEntries().count == before)
        }
    }

    @Test("guessing the current password at a password change is throttled like a login", arguments: [Backend.sqlite])
    func passwordGuessesThrottled(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            var statuses: [HTTPResponse.Status] = []
            for attempt in 1...6 {
                let answer = try await client.send(
                    .post,
                    "/api/me/password",
                    as: .ev,
                    json: ["currentPassword": "gæt-nummer-\(attempt)", "newPassword": "en-helt-ny-adgangskode"]
                )
                statuses.append(answer.status)
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .forbidden })
            #expect(statuses.last == .tooManyRequests)
        }
    }
}
