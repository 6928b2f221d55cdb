import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

@Suite("Login, sessions, CSRF, tokens")
struct SessionTests {
    /// Logs in; returns the cookie header value and the CSRF token.
    func login(_ client: any TestClientProtocol, _ user: String, _ password: String) async throws -> (cookie: String, csrf: String, answer: Answer) {
        let answer = try await client.send(.post, "/api/session", json: ["username": user, "password": password])
        let setCookie = answer.headers[.setCookie] ?? ""
        let cookie = String(setCookie.split(separator: ";").first ?? "")
        return (cookie, answer.object["csrfToken"] as? String ?? "", answer)
    }

    @Test("the session cookie is Secure, HttpOnly and SameSite=Strict; writes need the CSRF token", arguments: Backend.available)
    func cookieAndCSRF(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let (cookie, csrf, answer) = try await login(client, "pl", TestUser.pl.password)
            #expect(answer.status == .ok)
            let setCookie = try #require(answer.headers[.setCookie])
            #expect(setCookie.contains("Secure") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
            #expect(!csrf.isEmpty)

            let me = try await client.send(.get, "/api/me", headers: [.cookie: cookie])
            #expect(me.object["username"] as? String == "pl")

            let body: [String: Any] = ["name": "browser"]
            let withoutToken = try await client.send(.post, "/api/tokens", json: body, headers: [.cookie: cookie])
            #expect(withoutToken.status == .forbidden)
            #expect((withoutToken.object["detail"] as? String)?.contains("CSRF") == true)
            let wrongToken = try await client.send(
                .post,
                "/api/tokens",
                json: body,
                headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: "x" + csrf]
            )
            #expect(wrongToken.status == .forbidden)
            let withToken = try await client.send(
                .post,
                "/api/tokens",
                json: body,
                headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf]
            )
            #expect(withToken.status == .created)

            // The new bearer token works without a cookie or CSRF token.
            let token = try #require(withToken.object["token"] as? String)
            let viaToken = try await client.send(.get, "/api/me", headers: [.authorization: "Bearer \(token)"])
            #expect(viaToken.object["username"] as? String == "pl")
            let badToken = try await client.send(.get, "/api/me", headers: [.authorization: "Bearer nope"])
            #expect(badToken.status == .unauthorized)

            let logout = try await client.send(.delete, "/api/session", headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf])
            #expect(logout.status == .noContent)
            #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            let afterLogout = try await client.send(.get, "/api/me", headers: [.cookie: cookie])
            #expect(afterLogout.status == .unauthorized)
        }
    }

    @Test("after five wrong passwords from one address the name waits there (429 with Retry-After, doubling up to 15 minutes), even with the right one", arguments: [Backend.sqlite])
    func throttledLogins(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            for attempt in 1...5 {
                let answer = try await client.send(.post, "/api/session", json: ["username": "cw", "password": "forkert-\(attempt)"])
                #expect(answer.status == .unauthorized)
                #expect(answer.object["detail"] as? String == "Brugernavn eller adgangskode er forkert.")
            }
            let blocked = try await client.send(.post, "/api/session", json: ["username": "cw", "password": TestUser.cw.password])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] == "1")
            // Another name is not blocked.
            let other = try await client.send(.post, "/api/session", json: ["username": "ev", "password": TestUser.ev.password])
            #expect(other.status == .ok)
            let failures = try await store.auditEntries().filter { $0.event.action == "login-failed" }
            #expect(failures.count == 5)
        }
    }

    @Test("a user with a password someone else chose must choose their own first", arguments: [Backend.sqlite])
    func mustChangePassword(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let created = try await client.send(
                .post,
                "/api/users",
                as: .adm,
                json: ["username": "birthe", "displayName": "Birthe", "role": "areaCaseworker:houlkaer", "password": "midlertidig-kode-1"]
            )
            #expect(created.status == .created)
            #expect(created.object["mustChangePassword"] as? Bool == true)
            #expect(created.object["roleName"] as? String == "sagsbehandler, Houlkær", "the area by the agreement's name for it")
            // Issue #18: a caseworker only of an area the agreement has.
            let elsewhere = try await client.send(
                .post, "/api/users", as: .adm,
                json: ["username": "vera", "displayName": "Vera", "role": "areaCaseworker:vestbyen", "password": "midlertidig-kode-1"]
            )
            #expect(elsewhere.status == .unprocessableContent)
            #expect(elsewhere.text.contains("Området 'vestbyen' findes ikke i aftalen (områderne er houlkaer, ellekonebakken, karup-kolvraa)"))
            let (cookie, csrf, _) = try await login(client, "birthe", "midlertidig-kode-1")
            let blocked = try await client.send(.get, "/api/households", headers: [.cookie: cookie])
            #expect(blocked.status == .forbidden)
            let short = try await client.send(
                .post,
                "/api/me/password",
                json: ["currentPassword": "midlertidig-kode-1", "newPassword": "kort"],
                headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf]
            )
            #expect(short.status == .unprocessableContent)
            let changed = try await client.send(
                .post,
                "/api/me/password",
                json: ["currentPassword": "midlertidig-kode-1", "newPassword": "birthes-egen-kode"],
                headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf]
            )
            #expect(changed.status == .noContent)
            // The change ends the session; a new login with the new password works.
            #expect(try await client.send(.get, "/api/me", headers: [.cookie: cookie]).status == .unauthorized)
            let (fresh, _, _) = try await login(client, "birthe", "birthes-egen-kode")
            let households = try await client.send(.get, "/api/households", headers: [.cookie: fresh])
            #expect(households.status == .ok)
        }
    }

    @Test("bad input answers problem+json naming the field, never internals", arguments: [Backend.sqlite])
    func badInput(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let missing = try await client.send(.post, "/api/households", as: .pl, json: ["id": "X1", "group": "treatment"])
            #expect(missing.status == .badRequest)
            #expect(missing.object["detail"] as? String == "Feltet 'area' mangler.")
            #expect(missing.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            let notJSON = try await client.send(.post, "/api/households", as: .pl, raw: "{nope", headers: [.contentType: "application/json"])
            #expect(notJSON.object["detail"] as? String == "Kroppen er ikke gyldig JSON.")
            let badDate = try await client.send(.get, "/api/settlements?asOf=26-11-2026", as: .pl)
            #expect(badDate.status == .badRequest)
            let page = try await client.send(.get, "/api/households?pageSize=501", as: .pl)
            #expect(page.status == .badRequest)
            let rejected = try await client.send(
                .post,
                "/api/deliveries",
                as: .ev,
                json: ["files": ["households.csv": "household_id,area,group\nH1,nowhere,treatment\n"]]
            )
            #expect(rejected.status == .unprocessableContent)
            let errors = rejected.object["errors"] as? [String] ?? []
            #expect(errors.contains { $0.hasPrefix("households.csv:2: area:") })
        }
    }

    @Test("lists paginate", arguments: [Backend.sqlite])
    func pagination(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let first = try await client.send(.get, "/api/households?page=1&pageSize=10", as: .pl)
            let second = try await client.send(.get, "/api/households?page=2&pageSize=10", as: .pl)
            let total = try #require(first.object["total"] as? Int)
            #expect(total > 180)
            let a = (first.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            let b = (second.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(a.count == 10 && b.count == 10 && Set(a).isDisjoint(with: b))
            let beyond = try await client.send(.get, "/api/households?page=999&pageSize=10", as: .pl)
            #expect((beyond.object["items"] as? [Any])?.isEmpty == true)
        }
    }
}
