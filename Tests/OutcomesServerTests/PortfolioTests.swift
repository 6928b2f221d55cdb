import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesAnalysis
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesReports
import OutcomesServer
import OutcomesSpreadsheet
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #18 (1): one server holds both agreements side by side; roles are per agreement.
@Suite("Two agreements side by side in one server")
struct PortfolioTests {
    static let aarhus = SecondAgreementTests.aarhus
    static let prefix = "/api/agreements/\(SecondAgreementTests.aarhus.id)"
    static let web = "/aftaler/\(SecondAgreementTests.aarhus.id)"
    static let leadToken = "token-aarhus-projektleder-0123456789"

    /// Viborg's server (the harness's users and delivery), with Aarhus added by the admin, its
    /// demo delivery imported and a project lead of its own (`aarhus-pl`).
    func withBoth(
        _ backend: Backend,
        _ body: @Sendable (OutcomesAPI, SQLOutcomesStore, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withAPI(backend) { api, store, client in
            let added = try await Self.addSecondAgreement(client)
            #expect(added.object["web"] as? String == Self.web + "/oversigt")
            let aarhusStore = store.sqlScoped(to: Self.aarhus.id)
            let setup = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
            _ = try await aarhusStore.importDelivery(
                SecondAgreementTests.demo.mapValues { Data($0.utf8) },
                commitment: Self.aarhus,
                receivedOn: LocalDate(iso: "2026-11-01")!,
                audit: setup
            )
            try await aarhusStore.createUser(
                UserAccount(username: "aarhus-pl", displayName: "Projektleder Aarhus", role: .projectLead),
                password: "adgangskode-aarhus-2026",
                audit: setup
            )
            try await aarhusStore.saveAPIToken(Self.leadToken, username: "aarhus-pl", name: "test", audit: setup)
            try await body(api, store, client)
        }
    }

    /// The admin adds the second agreement (examples/aarhus) to the server.
    static func addSecondAgreement(_ client: any TestClientProtocol) async throws -> Answer {
        let added = try await client.send(
            .post,
            "/api/portfolio/agreements",
            as: .adm,
            raw: SecondAgreementTests.text,
            headers: [.contentType: "application/yaml"]
        )
        #expect(added.status == .created, "\(added.text.prefix(300))")
        return added
    }

    func asLead(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String) async throws -> Answer {
        try await client.send(method, uri, headers: [.authorization: "Bearer \(Self.leadToken)"])
    }

    @Test("each agreement's records through its own paths; a role in one gives nothing of the other; the funder sees both", arguments: Backend.available)
    func sideBySide(backend: Backend) async throws {
        try await withBoth(backend) { api, store, client in
            // Households: each agreement its own, with its own areas.
            let viborgHouseholds = try await client.send(.get, "/api/households?pageSize=500", as: .pl)
            #expect(viborgHouseholds.status == .ok)
            let viborgAreas = Set(((viborgHouseholds.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["area"] as? String })
            #expect(viborgAreas == ["houlkaer", "ellekonebakken", "karupKolvraa"] || viborgAreas.isSuperset(of: ["houlkaer"]))
            let aarhusHouseholds = try await asLead(client, .get, Self.prefix + "/households?pageSize=500")
            #expect(aarhusHouseholds.status == .ok, "\(aarhusHouseholds.text.prefix(200))")
            let aarhusAreas = Set(((aarhusHouseholds.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["area"] as? String })
            #expect(aarhusAreas == ["vestbyen", "skovparken"])

            // A role in Viborg gives nothing of Aarhus (404, as for an agreement that does not
            // exist), and the reverse; the old paths mean Viborg.
            for user in [TestUser.pl, .cw, .ev, .sg] {
                let answer = try await client.send(.get, Self.prefix + "/households", as: user)
                #expect(answer.status == .notFound, "\(user): \(answer.status.code)")
            }
            #expect(try await asLead(client, .get, "/api/households").status == .notFound)
            #expect(try await asLead(client, .get, "/api/agreements/no-such-agreement/households").status == .notFound)

            // The DSI funder funds both: each agreement's settlement, computed from its own delivery.
            for (path, commitment, scoped) in [
                ("", viborg, store), (Self.prefix, Self.aarhus, store.sqlScoped(to: Self.aarhus.id)),
            ] {
                let answer = try await client.send(.get, path.isEmpty ? "/api/settlements/summary?asOf=2026-11-26" : path + "/settlements/summary?asOf=2026-11-26", as: .dsi)
                #expect(answer.status == .ok, "\(path): \(answer.text.prefix(200))")
                let delivery = try #require(try await scoped.currentDelivery()).delivery
                let direct = SettlementEngine.settle(commitment, delivery: delivery, asOf: LocalDate(iso: "2026-11-26")!)
                let served = ((answer.object["periods"] as? [[String: Any]]) ?? []).compactMap { $0["total"] as? String }
                #expect(served == direct.periods.map(\.total.machineString), "\(commitment.id)")
                #expect(served.contains { $0 != "0.00" }, "\(commitment.id): some money is due")
            }
            // Only agreements the user has a role in are listed.
            let mine = try await client.send(.get, "/api/portfolio/agreements", as: .dsi)
            #expect(((mine.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [viborg.id, Self.aarhus.id])
            let caseworker = try await client.send(.get, "/api/portfolio/agreements", as: .cw)
            #expect(((caseworker.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [viborg.id])

            // Every operation on an agreement's records, as Viborg's project lead on Aarhus: 404.
            for route in api.routes where route.method == .get && route.path.hasPrefix("/api/") && !route.path.contains("{") {
                guard case .permission = route.access, !route.path.hasPrefix("/api/portfolio"), !route.path.hasPrefix("/api/agreements") else { continue }
                let path = Self.prefix + route.path.dropFirst("/api".count)
                let answer = try await client.send(.get, path, as: .pl)
                #expect(answer.status == .notFound, "\(path) as Viborg's pl: \(answer.status.code)")
                let own = try await asLead(client, .get, path)
                #expect(own.status != .notFound, "\(path) as Aarhus's pl: \(own.status.code) \(own.text.prefix(200))")
            }
            // The agreement's file, its versions and findings: its own only, to its own roles.
            for path in ["/versions", "/versions/1", "/findings"] {
                #expect(try await client.send(.get, Self.prefix + path, as: .pl).status == .notFound, "\(path)")
                #expect(try await asLead(client, .get, Self.prefix + path).status == .ok, "\(path)")
            }
            let versions = try await asLead(client, .get, Self.prefix + "/versions")
            #expect(((versions.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [Self.aarhus.id])
            #expect(try await asLead(client, .get, "/api/agreements/\(viborg.id)/versions/\(viborg.version)").status == .notFound)
            #expect(try await client.send(.get, "/api/agreements/\(Self.aarhus.id)/versions/1", as: .dsi).status == .ok)
            // The audit trail is one chain; the import into Aarhus names Aarhus.
            let entries = try await store.auditEntries()
            #expect(entries.contains { $0.event.action == "add-agreement" && $0.event.agreement == Self.aarhus.id })
            #expect(entries.contains { $0.event.agreement == Self.aarhus.id && $0.event.subject.hasPrefix("delivery ") })
            #expect(try await store.verifyAudit() == .intact(entries: entries.count))
        }
    }

    /// Issue #18 (4): the portfolio — per agreement enrolment, repayments, the forecast, the
    /// return cap, breaches and deadlines; totals per funder; kept until an agreement changes.
    @Test("the portfolio: each agreement's figures as its own pages give them, totals per funder, fresh after a payment", arguments: Backend.available)
    func portfolio(backend: Backend) async throws {
        try await withBoth(backend) { _, store, client in
            let answer = try await client.send(.get, "/api/portfolio?asOf=2026-11-26", as: .dsi)
            #expect(answer.status == .ok, "\(answer.text.prefix(300))")
            let rows = try #require(answer.object["agreements"] as? [[String: Any]])
            #expect(rows.compactMap { $0["id"] as? String } == [viborg.id, Self.aarhus.id])
            for (row, path) in Swift.zip(rows, ["/api", Self.prefix]) {
                // The repayment figures are the agreement's own finance figures.
                let finance = try await client.send(.get, path + "/finance?asOf=2026-11-26", as: .dsi)
                let repayments = try #require(finance.object["repayments"] as? [String: Any])
                for key in ["computed", "approved", "due", "paid"] {
                    #expect(row[key] as? String == repayments[key] as? String, "\(row["id"] ?? ""): \(key)")
                }
                #expect((row["target"] as? Int ?? 0) > 0 && (row["enrolled"] as? Int ?? 0) > 0)
            }
            // The forecast's mean is the agreement's own forecast on what is known (issue #19),
            // not the one of its expectations alone.
            let forecast = try await client.send(.get, Self.prefix + "/forecast?asOf=2026-11-26", as: .dsi)
            let expected = try #require((forecast.object["total"] as? [String: Any])?["mean"] as? String)
            #expect((rows[1]["expected"] as? [String: Any])?["mean"] as? String == expected)
            #expect(expected != ForecastModel(Self.aarhus).run(10_000, seed: 2023).total.mean.machineString)
            #expect(((forecast.object["base"] as? [String: Any])?["total"] as? [String: Any])?["mean"] as? String == ForecastModel(Self.aarhus).run(10_000, seed: 2023).total.mean.machineString)
            // What is already known of it: the settled half-years, as the forecast says.
            #expect(rows[1]["known"] as? String == (forecast.object["known"] as? [String: Any])?["amount"] as? String)
            #expect((rows[0]["known"] as? String).map { $0 != "0.00" } == true)
            // Totals per funder: DSI funds both, LBF only Viborg, the co-funder only Aarhus.
            let funders = try #require(answer.object["funders"] as? [[String: Any]])
            let counts = Dictionary(uniqueKeysWithValues: funders.compactMap { f in (f["funder"] as? String).map { ($0, f["agreements"] as? Int ?? 0) } })
            #expect(counts["dsi"] == 2 && counts.values.reduce(0, +) == 4, "\(counts)")

            // A repayment recorded in Aarhus shows at once (the cache follows the agreement's changes).
            let paidBefore = try #require((rows[1]["funders"] as? [[String: Any]])?.first { $0["funder"] as? String == "dsi" }?["paid"] as? String)
            let payment = try await asLead(client, .get, Self.prefix + "/transfers")
            #expect(payment.status == .ok)
            try await store.sqlScoped(to: Self.aarhus.id).recordTransfer(
                MoneyTransfer(kind: .repayment, from: PartyKey("aarhus"), to: PartyKey("dsi"), paidOn: LocalDate(iso: "2026-10-01")!, amount: Money(kroner: 1000), reference: "test"),
                audit: AuditEvent(actor: "test", action: "record-transfer", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
            )
            let again = try await client.send(.get, "/api/portfolio?asOf=2026-11-26", as: .dsi)
            let paidAfter = ((again.object["agreements"] as? [[String: Any]])?[1]["funders"] as? [[String: Any]])?.first { $0["funder"] as? String == "dsi" }?["paid"] as? String
            #expect(paidBefore != paidAfter && paidAfter != nil, "\(paidBefore) → \(paidAfter ?? "nil")")

            // Roles without figures see no agreement in it; the page and the workbook.
            let caseworker = try await client.send(.get, "/api/portfolio?asOf=2026-11-26", as: .cw)
            #expect((caseworker.object["agreements"] as? [[String: Any]])?.isEmpty == true)
            let (cookie, _) = try await WebPageTests().logIn(client, .dsi)
            let page = try await client.send(.get, "/portefolje?dato=2026-11-26", headers: [.cookie: cookie])
            #expect(page.status == .ok && page.text.contains(viborg.title) && page.text.contains(Self.aarhus.title))
            #expect(page.text.contains("href=\"\(Self.web)/oversigt\""))
            #expect(DanishPagesTests.findings(in: page.text, page: "/portefolje").isEmpty, "\(DanishPagesTests.findings(in: page.text, page: "/portefolje"))")
            let workbook = try await ExcelExportTests().workbook(client, "/portefolje.xlsx?dato=2026-11-26", cookie: cookie)
            #expect(workbook.status == .ok && workbook.sheets.map(\.name) == ["Aftaler", "Tilskudsgivere"])
            #expect(workbook.sheets.first?.rows.count == 3, "a header and two agreements")
        }
    }

    @Test("the web app: Aarhus's pages under /aftaler/{id} with their links there; the root sends Aarhus's lead to the list", arguments: [Backend.sqlite])
    func pages(backend: Backend) async throws {
        try await withBoth(backend) { _, _, client in
            let login = try await client.send(
                .post,
                "/login",
                raw: "username=aarhus-pl&password=adgangskode-aarhus-2026",
                headers: [.contentType: "application/x-www-form-urlencoded"]
            )
            let cookie = String((login.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
            let root = try await client.send(.get, "/oversigt", headers: [.cookie: cookie])
            #expect(root.status == .seeOther && root.headers[.location] == "/aftaler")
            let list = try await client.send(.get, "/aftaler", headers: [.cookie: cookie])
            #expect(list.status == .ok && list.text.contains("href=\"\(Self.web)/oversigt\""))
            #expect(!list.text.contains("Viborg"))
            for page in ["/oversigt", "/husstande", "/leverancer", "/opgoerelse?dato=2026-11-26", "/oekonomi?dato=2026-11-26", "/aftale", "/styring"] {
                let answer = try await client.send(.get, Self.web + page, headers: [.cookie: cookie])
                #expect(answer.status == .ok, "\(page): \(answer.status.code)")
                #expect(answer.text.contains(Self.aarhus.title), "\(page)")
                // Every link to one of the agreement's pages stays in it.
                #expect(!answer.text.contains("href=\"/husstande") && !answer.text.contains("href=\"/oversigt\""), "\(page)")
                #expect(answer.text.contains("href=\"\(Self.web)/oversigt\""), "\(page)")
                #expect(answer.text.contains("href=\"/static/style.css\"") && answer.text.contains("action=\"/logout\""), "\(page)")
                for word in SecondAgreementTests.viborgWords where DanishPagesTests.visibleText(answer.text).contains(word) {
                    Issue.record("\(page): shows '\(word)'")
                }
            }
            // The calendar is the user's: Aarhus's lead has one, with Aarhus's deadlines.
            let calendar = try await client.send(.get, "/kalender", headers: [.cookie: cookie])
            #expect(calendar.status == .ok && calendar.text.contains("Frist"), "\(calendar.status)")
            #expect(!DanishPagesTests.visibleText(calendar.text).contains("Viborg"))
            // A form's redirect stays in the agreement.
            let (viborgCookie, _) = try await WebPageTests().logIn(client, .cw)
            let foreign = try await client.send(.get, Self.web + "/husstande", headers: [.cookie: viborgCookie])
            #expect(foreign.status == .notFound)
            #expect(!foreign.text.contains("vestbyen") && !foreign.text.contains("Vestbyen"))
        }
    }
}
