import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #16: the admin edits users, deactivates and reactivates them, resets a password and
/// revokes API tokens in the browser.
@Suite("Users in the browser (admin)")
struct UserAdminPageTests {
    func post(_ client: any TestClientProtocol, _ path: String, _ body: String, cookie: String) async throws -> Answer {
        try await client.send(.post, path, raw: body, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"])
    }

    @Test("edit, deactivate, reactivate, reset a password, revoke a token; the last admin and oneself are protected", arguments: Backend.available)
    func admin(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            let (adm, csrf) = try await WebPageTests().logIn(client, .adm)
            let list = try await client.send(.get, "/brugere", headers: [.cookie: adm]).text
            #expect(list.contains("href=\"/brugere/sg\""))
            // A token of the steering-group user, to see and revoke.
            let created = try await client.send(.post, "/api/tokens", as: .sg, json: ["name": "regneark"])
            #expect(created.status == .created)
            let page = try await client.send(.get, "/brugere/sg", headers: [.cookie: adm]).text
            #expect(page.contains("regneark") && page.contains("Deaktivér brugeren"))
            let tokenID = try #require(try await store.apiTokens(of: "sg").first { $0.name == "regneark" }?.id)

            let edited = try await post(client, "/brugere/sg/rediger", "_csrf=\(csrf)&displayName=Sofie+Styregruppe&role=steeringGroup", cookie: adm)
            #expect(edited.status == .seeOther)
            #expect(try await client.send(.get, edited.headers[.location] ?? "", headers: [.cookie: adm]).text.contains("Navn og rolle er gemt."))
            #expect(try await store.user(named: "sg")?.displayName == "Sofie Styregruppe")

            #expect(try await post(client, "/brugere/sg/token", "_csrf=\(csrf)&token=\(tokenID)", cookie: adm).status == .seeOther)
            #expect(try await !store.apiTokens(of: "sg").contains { $0.name == "regneark" })

            #expect(try await post(client, "/brugere/sg/deaktiver", "_csrf=\(csrf)", cookie: adm).status == .seeOther)
            #expect(try await store.user(named: "sg")?.isActive == false)
            #expect(try await post(client, "/brugere/sg/genaktiver", "_csrf=\(csrf)", cookie: adm).status == .seeOther)
            #expect(try await store.user(named: "sg")?.isActive == true)

            let short = try await post(client, "/brugere/sg/adgangskode", "_csrf=\(csrf)&password=kort", cookie: adm)
            #expect(short.status == .unprocessableContent && short.text.contains("12 tegn"))
            #expect(try await post(client, "/brugere/sg/adgangskode", "_csrf=\(csrf)&password=midlertidig-kode-1", cookie: adm).status == .seeOther)
            #expect(try await store.user(named: "sg")?.mustChangePassword == true)

            // The last admin keeps the role; the admin does not deactivate themself here.
            let demote = try await post(client, "/brugere/adm/rediger", "_csrf=\(csrf)&displayName=Admin&role=projectLead", cookie: adm)
            #expect(demote.status == .unprocessableContent)
            #expect(try await store.user(named: "adm")?.role == .admin)
            #expect(!(try await client.send(.get, "/brugere/adm", headers: [.cookie: adm]).text.contains("Deaktivér brugeren")))
            // Only the admin.
            let (pl, _) = try await WebPageTests().logIn(client, .pl)
            #expect(try await client.send(.get, "/brugere/sg", headers: [.cookie: pl]).status == .forbidden)
        }
    }

    /// Issue #18: a role given in one agreement is taken away there, in the browser and through
    /// the API; a role for every agreement is changed instead.
    @Test("take a user's role in this agreement away: page and API; a funder's or the admin's own role is refused with the reason", arguments: Backend.available)
    func revokeRole(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            let (adm, csrf) = try await WebPageTests().logIn(client, .adm)
            #expect(try await client.send(.get, "/brugere/ev", headers: [.cookie: adm]).text.contains("Fjern rollen i denne aftale"))
            #expect(!(try await client.send(.get, "/brugere/dsi", headers: [.cookie: adm]).text.contains("Fjern rollen i denne aftale")), "a funder's role holds in every agreement")
            // The web: the evaluator's role goes; their token with it.
            #expect(try await client.send(.get, "/api/me", as: .ev).status == .ok)
            let revoked = try await post(client, "/brugere/ev/fjern-rolle", "_csrf=\(csrf)", cookie: adm)
            #expect(revoked.status == .ok && revoked.text.contains("ev har ikke længere en rolle i denne aftale"))
            #expect(!revoked.text.contains("href=\"/brugere/ev\""))
            #expect(try await client.send(.get, "/api/me", as: .ev).status == .unauthorized)
            #expect(try await store.user(named: "ev")?.grants?.isEmpty == true)
            #expect(try await store.auditEntries().contains { $0.event.action == "revoke-role" && $0.event.subject.hasPrefix("user:ev") })
            // The API: the steering group's role; again: 404; a funder's, one's own: 409 with why.
            #expect(try await client.send(.delete, "/api/users/sg/role", as: .pl).status == .forbidden)
            #expect(try await client.send(.delete, "/api/users/sg/role", as: .adm).status == .noContent)
            let again = try await client.send(.delete, "/api/users/sg/role", as: .adm)
            #expect(again.status == .notFound && again.text.contains("findes ikke blandt denne aftales brugere"))
            let funder = try await client.send(.delete, "/api/users/dsi/role", as: .adm)
            #expect(funder.status == .conflict && funder.text.contains("i alle aftaler"))
            let own = try await client.send(.delete, "/api/users/adm/role", as: .adm)
            #expect(own.status == .conflict && own.text.contains("din egen rolle"))
            #expect(try await store.user(named: "dsi")?.grants?.isEmpty == false)
        }
    }
}
