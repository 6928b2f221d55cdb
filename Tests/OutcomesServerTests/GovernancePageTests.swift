import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #16: the money and governance records are entered in the browser ("Styring") by the
/// roles that may, each with a confirmation, its values kept after an error, and on the list.
@Suite("Styring: payments, accounts, reports, meetings, notices and rates in the browser")
struct GovernancePageTests {
    func post(_ client: any TestClientProtocol, _ path: String, _ body: String, cookie: String) async throws -> Answer {
        try await client.send(.post, path, raw: body, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"])
    }

    @Test("each role sees the forms it may use; every form saves, confirms and lists; an error keeps the values", arguments: [Backend.sqlite])
    func forms(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            let (pl, plCSRF) = try await WebPageTests().logIn(client, .pl)
            let page = try await client.send(.get, "/styring", headers: [.cookie: pl]).text
            for action in ["/styring/betaling", "/styring/regnskab", "/styring/rapport", "/styring/moede", "/styring/meddelelse", "/styring/referencesats"] {
                #expect(page.contains("action=\"\(action)\""), "\(action)")
            }
            #expect(page.contains("udbetaling af tilskud (B3.2)") && page.contains("2. halvår 2026") && page.contains("Kommunalt personale"))
            let forms: [(String, String, String)] = [
                ("betaling", "kind=disbursement&from=dsi&to=kommune&paidOn=2024-11-29&amount=1.304.167%2C00&reference=Anden+rate", "Betalingen er registreret."),
                ("regnskab", "lineKey=staff&year=2024&amount=1.480.000", "Forbruget på budgetlinjen er registreret."),
                ("rapport", "period=2024-H2&submittedOn=2025-02-15", "Halvårsrapporten er registreret som afleveret."),
                ("moede", "heldOn=2025-06-10&annual=ja&accountsReceivedOn=2025-05-28&minutes=%C3%85rsm%C3%B8de", "Mødet er registreret."),
                ("meddelelse", "kind=withholding&received=2025-03-01&remedyBy=2025-04-30&subject=Visitationen", "Meddelelsen er registreret"),
                ("referencesats", "effectiveFrom=2025-07-01&rate=1%2C60", "Referencesatsen er registreret."),
            ]
            for (form, body, confirmation) in forms {
                let saved = try await post(client, "/styring/\(form)", "_csrf=\(plCSRF)&\(body)", cookie: pl)
                #expect(saved.status == .seeOther, "\(form): \(saved.status) \(saved.text.prefix(300))")
                let location = saved.headers[.location] ?? ""
                let shown = try await client.send(.get, location, headers: [.cookie: pl]).text
                #expect(shown.contains(confirmation), "\(form)")
            }
            let listed = try await client.send(.get, "/styring", headers: [.cookie: pl]).text
            #expect(listed.contains("1.304.167,00 kr.") && listed.contains("1.480.000,00 kr.") && listed.contains("årsmøde (T 7.4)"))
            #expect(listed.contains("tilbageholdelse (T 6.1.2), afhjælpes senest 30.04.2025") && listed.contains("1,6 %"))
            #expect(try await store.transfers().count == 1)
            #expect(try await store.referenceRates().count == 1)
            // An error says what is wrong and keeps what was entered, the chosen options included.
            let wrong = try await post(
                client, "/styring/betaling", "_csrf=\(plCSRF)&kind=repayment&from=kommune&to=dsi&paidOn=2025-03-31&amount=12%2C345&reference=H2", cookie: pl
            )
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("Angiv beløbet i kroner") && wrong.text.contains("value=\"12,345\"") && wrong.text.contains("value=\"H2\""))
            #expect(wrong.text.contains("<option value=\"repayment\" selected>") && wrong.text.contains("<option value=\"kommune\" selected>"))

            // DSI: payments and notices, not the accounts; the steering group: meetings only.
            let (dsi, _) = try await WebPageTests().logIn(client, .dsi)
            let dsiPage = try await client.send(.get, "/styring", headers: [.cookie: dsi]).text
            #expect(dsiPage.contains("action=\"/styring/meddelelse\"") && dsiPage.contains("action=\"/styring/betaling\""))
            #expect(!dsiPage.contains("action=\"/styring/regnskab\"") && !dsiPage.contains("action=\"/styring/moede\""))
            let (sg, sgCSRF) = try await WebPageTests().logIn(client, .sg)
            let sgPage = try await client.send(.get, "/styring", headers: [.cookie: sg]).text
            #expect(sgPage.contains("action=\"/styring/moede\"") && !sgPage.contains("action=\"/styring/betaling\""))
            #expect(try await post(client, "/styring/betaling", "_csrf=\(sgCSRF)&kind=repayment", cookie: sg).status == .forbidden)
            // The overview's findings link to where the role does what they ask.
            let overview = try await client.send(.get, "/oversigt", headers: [.cookie: pl]).text
            #expect(overview.contains("href=\"/styring#rapport\"") || overview.contains("href=\"/styring#moede\""))
            #expect(!overview.contains("outcomes check"))
            let dsiOverview = try await client.send(.get, "/oversigt", headers: [.cookie: dsi]).text
            #expect(!dsiOverview.contains("href=\"/styring#rapport\""), "DSI does not register the municipality's reports")
            // A browser gets a Danish page for an address that does not exist; the API problem+json.
            let missing = try await client.send(.get, "/findes-ikke<x>", headers: [.cookie: pl, .accept: "text/html,application/xhtml+xml"])
            #expect(missing.status == .notFound && missing.text.contains("Siden findes ikke") && missing.text.contains("/findes-ikke&lt;x&gt;"))
            #expect(missing.headers[.contentType]?.hasPrefix("text/html") == true)
            let api = try await client.send(.get, "/api/findes-ikke", headers: [.accept: "text/html"])
            #expect(api.status == .notFound && api.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(page.contains("href=\"/adgangskode\""), "every user changes their own password from the menu")
            // A caseworker does not see the page.
            let (cw, _) = try await WebPageTests().logIn(client, .cw)
            #expect(try await client.send(.get, "/styring", headers: [.cookie: cw]).status == .forbidden)
        }
    }
}
