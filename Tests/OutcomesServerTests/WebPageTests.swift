import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

@Suite("Web pages by role (in process)")
struct WebPageTests {
    /// Logs in through the login form; returns the session cookie and the page's CSRF token.
    func logIn(_ client: any TestClientProtocol, _ user: TestUser) async throws -> (cookie: String, csrf: String) {
        let login = try await client.send(
            .post,
            "/login",
            raw: "username=\(user.rawValue)&password=\(user.password)",
            headers: [.contentType: "application/x-www-form-urlencoded"]
        )
        #expect(login.status == .seeOther)
        #expect(login.headers[.location] == "/oversigt")
        let cookie = String((login.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
        let page = try await client.send(.get, "/oversigt", headers: [.cookie: cookie])
        let csrf = page.text.components(separatedBy: "name=\"_csrf\" value=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
        return (cookie, String(csrf))
    }

    /// SPEC §1 for the pages: who may open which.
    static let pages: [(path: String, allowed: Set<TestUser>)] = [
        ("/oversigt", Set(TestUser.allCases)),
        ("/visitation", [.pl, .cw, .ev]),
        ("/husstande", [.pl, .cw, .ev]),
        ("/husstande/\(matrixHousehold)", [.pl, .cw, .ev]),
        ("/leverancer", [.pl, .ev]),
        ("/opgoerelse?dato=2026-11-26", [.pl, .ev, .dsi, .sg]),
        ("/opgoerelse/linjer?dato=2026-11-26&maal=1", [.pl, .ev]),
        ("/opgoerelse.csv?dato=2026-11-26", [.pl, .ev]),
        ("/rapport", [.pl, .ev, .dsi, .sg]),
        ("/oekonomi?dato=2026-11-26", [.pl, .ev, .dsi, .sg]),
        ("/brugere", [.adm]),
        // Step 11's pages.
        ("/styring", [.pl, .ev, .dsi, .sg]),
        ("/lodtraekning", [.pl, .cw, .ev]),
        ("/aftale", Set(TestUser.allCases)),
        ("/brugere/pl", [.adm]),
        // Step 12's.
        ("/kalender", Set(TestUser.allCases)),
        // Step 13's: the user's agreements and the portfolio (figures for those who see them).
        ("/aftaler", Set(TestUser.allCases)),
        ("/portefolje?dato=2026-11-26", Set(TestUser.allCases)),
    ]

    @Test("every page for every role: allowed pages render, others answer 403; figures-only roles never see a person", arguments: Backend.available)
    func pagesByRole(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let anonymous = try await client.send(.get, "/oversigt")
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/login")
            for user in TestUser.allCases {
                let (cookie, _) = try await logIn(client, user)
                for page in Self.pages {
                    let answer = try await client.send(.get, page.path, headers: [.cookie: cookie])
                    if page.allowed.contains(user) {
                        #expect(answer.status == .ok, "\(page.path) as \(user): \(answer.status.code)")
                    } else {
                        #expect(answer.status == .forbidden, "\(page.path) as \(user): \(answer.status.code)")
                        #expect(answer.text.contains("Ingen adgang"))
                    }
                    if [.dsi, .sg, .adm].contains(user) {
                        #expect(
                            answer.text.range(of: #"\bP0\d{5}\b|\bp-[0-9a-f]{32}\b|Anna Test"#, options: .regularExpression) == nil,
                            "\(page.path) as \(user)"
                        )
                        #expect(!answer.text.contains("/husstande/"), "\(page.path) as \(user) links to a household")
                    }
                }
            }
        }
    }

    @Test("pages are Danish: dates dd.mm.åååå, amounts with decimal comma, and no resources from elsewhere", arguments: [Backend.sqlite])
    func danishFormats(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let (cookie, _) = try await logIn(client, .pl)
            let page = try await client.send(.get, "/opgoerelse?dato=2026-11-26", headers: [.cookie: cookie])
            #expect(page.text.contains("pr. 26.11.2026"))
            #expect(page.text.range(of: #"\d{1,3}(\.\d{3})*,\d{2} kr\."#, options: .regularExpression) != nil)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            for other in try await [
                client.send(.get, "/oversigt", headers: [.cookie: cookie]), client.send(.get, "/rapport", headers: [.cookie: cookie]),
            ] {
                let text = other.text.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
                #expect(!text.contains("http://") && !text.contains("https://"), "nothing is loaded from the internet")
            }
            let css = try await client.send(.get, "/static/style.css")
            #expect(css.status == .ok && css.text.contains("--accent"))
        }
    }

    @Test(
        "the finance page: the plan against what was paid, cash flows with XIRR, the return cap, T 5.3, the forecast, in Danish with charts",
        arguments: [Backend.sqlite]
    )
    func financePage(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            try await store.recordTransfers([
                (.disbursement, "dsi", "kommune", "2023-11-30", 1_304_167), (.repayment, "kommune", "dsi", "2025-09-30", 250_000),
            ])
            let (cookie, _) = try await logIn(client, .dsi)
            let page = try await client.send(.get, "/oekonomi?dato=2026-11-26", headers: [.cookie: cookie])
            #expect(page.status == .ok)
            let text = page.text
            #expect(text.contains("Økonomi <span class=\"sub\">pr. 26.11.2026"))
            #expect(text.contains("1.304.167,00 kr."), "the installment paid")
            #expect(text.contains("6.000.000,00 kr.") && text.contains("4.793.657,25 kr."), "the stated cap beside the formula")
            #expect(text.contains("Foreløbig kontrol (T 5.3"), "the reconciliation before the last due date")
            #expect(text.contains("Viborg Kommune → Den Sociale Investeringsfond S/I: 250.000,00 kr."))
            #expect(
                text.contains("Prognose: forventede tilbagebetalinger pr. halvår") && text.contains("6.250.000 kr."),
                "the forecast's expected total"
            )
            #expect(text.range(of: #"\d+,\d{2} %"#, options: .regularExpression) != nil, "rates in Danish")
            #expect(text.components(separatedBy: "<svg").count - 1 == 3, "three charts drawn by the server")
            #expect(text.contains("href=\"/oekonomi\""), "in the menu")
            #expect(text.contains("Årligt afkast til dato (intern rente)") && !text.contains("XIRR"), "no abbreviation without its Danish meaning")
            #expect(!text.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"))

            // The same report for programs: GET /api/finance.
            let api = try await client.send(.get, "/api/finance?asOf=2026-11-26", as: .dsi)
            #expect(api.status == .ok)
            #expect((api.object["returnCap"] as? [String: String])?["formula"] == "4793657.25")
            let reconciliation = try #require(api.object["reconciliation"] as? [String: Any])
            #expect((reconciliation["repaid"] as? [[String: String]])?.first?["amount"] == "250000.00")
            let dsi = (api.object["parties"] as? [[String: Any]])?.first { $0["party"] as? String == "dsi" }
            #expect((dsi?["xirr"] as? String).map { $0.hasPrefix("-0.") } == true, "250.000 kr. back on 1.304.167 kr. so far")
        }
    }

    @Test("a form without the session's CSRF token is refused and changes nothing", arguments: [Backend.sqlite])
    func formsNeedCSRF(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            let (cookie, csrf) = try await logIn(client, .cw)
            #expect(!csrf.isEmpty)
            let form = "action=add&goalId=M9&text=Nyt+m%C3%A5l"
            let refused = try await client.send(
                .post,
                "/husstande/\(matrixHousehold)/handleplan",
                raw: form,
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            )
            #expect(refused.status == .forbidden)
            #expect(try await store.actionPlan(for: HouseholdID(matrixHousehold))?.goals.count == 1)
            let accepted = try await client.send(
                .post,
                "/husstande/\(matrixHousehold)/handleplan",
                raw: form + "&_csrf=\(csrf)",
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            )
            #expect(accepted.status == .seeOther)
            #expect(try await store.actionPlan(for: HouseholdID(matrixHousehold))?.goals.map(\.text) == ["Et fast dagligt måltid", "Nyt mål"])
        }
    }

    @Test("goal ids are assigned; a saved assessment stays selected; a household without a plan shows the delivery's goals", arguments: [Backend.sqlite])
    func actionPlanMatchesMeasurements(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            let (cookie, csrf) = try await logIn(client, .cw)
            func post(_ form: String) async throws -> Answer {
                try await client.send(
                    .post, "/husstande/\(matrixHousehold)/handleplan", raw: form + "&_csrf=\(csrf)",
                    headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
                )
            }
            #expect(try await post("action=add&text=Et+andet+m%C3%A5l").status == .seeOther)
            let ids = try await store.actionPlan(for: HouseholdID(matrixHousehold))?.goals.map(\.id) ?? []
            #expect(ids.count == 2 && ids.last?.hasPrefix("M") == true && ids.last != ids.first, "\(ids)")
            let second = try #require(ids.last)
            #expect(try await post("action=assess&goalId=\(second)&fulfilled=nej").status == .seeOther)
            let page = try await client.send(.get, "/husstande/\(matrixHousehold)", headers: [.cookie: cookie]).text
            #expect(page.contains("<option value=\"nej\" selected>ikke opfyldt</option>"))
            #expect(!page.contains("name=\"goalId\" required"), "no id to invent")
            // A household of the delivery without a plan in Outcomes shows the delivery's goals.
            let (pl, _) = try await logIn(client, .pl)
            let delivered = try await client.send(.get, "/husstande/H00002", headers: [.cookie: pl]).text
            #expect(delivered.contains("som den gældende dataleverance har dem") && delivered.contains("<td>M1</td>"))
            #expect(!delivered.contains("Husstanden har ingen handleplan endnu."))
        }
    }
}

@Suite("Settlement approval in the web app (SPEC §10)")
struct WebApprovalTests {
    @Test("the evaluator proposes with a button, the project lead and DSI approve with a button naming the meeting; the page says godkendt")
    func approveInTheBrowserForms() async throws {
        try await withAPI(.sqlite) { _, store, client in
            let event = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
            try await store.recordMeeting(Meeting(heldOn: LocalDate(iso: "2026-11-26")!, isAnnualMeeting: false, accountsReceivedOn: nil, minutes: "Forelagt"), audit: event)
            let pages = WebPageTests()
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let (evCookie, evCSRF) = try await pages.logIn(client, .ev)
            let before = try await client.send(.get, "/opgoerelse?dato=2026-11-26", headers: [.cookie: evCookie])
            #expect(before.text.contains("Indstil 2. halvår 2023 til godkendelse"))
            var headers = form
            headers[.cookie] = evCookie
            let proposed = try await client.send(.post, "/opgoerelse/indstil", raw: "_csrf=\(evCSRF)&halvaar=2023-H2", headers: headers)
            #expect(proposed.status == .seeOther)
            let hash = try #require(try await store.settlementRecords().first?.hash)
            for user in [TestUser.pl, .dsi] {
                let (cookie, csrf) = try await pages.logIn(client, user)
                let page = try await client.send(.get, "/opgoerelse?dato=2026-11-26", headers: [.cookie: cookie])
                #expect(page.text.contains("Godkend 2. halvår 2023"), "\(user)")
                #expect(page.text.contains("<option value=\"2026-11-26\">"))
                headers[.cookie] = cookie
                let signed = try await client.send(.post, "/opgoerelse/godkend", raw: "_csrf=\(csrf)&halvaar=2023-H2&hash=\(hash)&moede=2026-11-26", headers: headers)
                #expect(signed.status == .seeOther, "\(user): \(signed.text.prefix(200))")
            }
            let after = try await client.send(.get, "/opgoerelse?dato=2026-11-26&besked=godkendt", headers: [.cookie: evCookie])
            #expect(after.text.contains("<span class=\"badge ok\">godkendt</span>"))
            #expect(after.text.contains("Opgørelsen er godkendt."))
            #expect(after.text.contains("Indstil 1. halvår 2024 til godkendelse"))
            #expect(try await store.settlementRecords().first?.isApproved == true)
            // A caseworker cannot propose.
            let (cwCookie, cwCSRF) = try await pages.logIn(client, .cw)
            headers[.cookie] = cwCookie
            #expect(try await client.send(.post, "/opgoerelse/indstil", raw: "_csrf=\(cwCSRF)&halvaar=2024-H1", headers: headers).status == .forbidden)
        }
    }
}
