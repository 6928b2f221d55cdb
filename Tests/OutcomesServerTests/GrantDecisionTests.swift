import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #15, SPEC §7: DSI records a reduction (T 4.2) that lowers the next installment; the
/// steering group's accrual (T 4.3) keeps unused grant from repayment — through the API and
/// the finance page, and the CLI text names both.
@Suite("Grant decisions: reductions and accruals (SPEC §7)")
struct GrantDecisionTests {
    @Test("DSI's reduction lowers the next installment; an accrual is kept from repayment; only the deciding party records each", arguments: Backend.available)
    func decisions(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let reduction: [String: Any] = ["kind": "relativeReduction", "year": 2024, "amount": "100000.00", "decidedOn": "2025-05-20", "note": "B4.2 nr. 3"]
            // The project lead may not record DSI's reduction, nor DSI the steering group's accrual.
            let byLead = try await client.send(.post, "/api/grant-decisions", as: .pl, json: reduction)
            #expect(byLead.status == .forbidden && byLead.text.contains("Den Sociale Investeringsfond"))
            let accrualByDSI = try await client.send(
                .post, "/api/grant-decisions", as: .dsi,
                json: ["kind": "accrual", "year": 2025, "amount": "50000.00", "decidedOn": "2026-05-20", "note": ""]
            )
            #expect(accrualByDSI.status == .forbidden)
            let badYear = try await client.send(
                .post, "/api/grant-decisions", as: .dsi,
                json: ["kind": "relativeReduction", "year": 2030, "amount": "1.00", "decidedOn": "2025-05-20", "note": ""]
            )
            #expect(badYear.status == .unprocessableContent && badYear.text.contains("budgetår"))
            #expect(try await client.send(.post, "/api/grant-decisions", as: .dsi, json: reduction).status == .created)
            let accrual = try await client.send(
                .post, "/api/grant-decisions", as: .sg,
                json: ["kind": "accrual", "year": 2025, "amount": "50000.00", "decidedOn": "2026-05-20", "note": "Personale i 2026"]
            )
            #expect(accrual.status == .created, "\(accrual.text.prefix(300))")

            let finance = try await client.send(.get, "/api/finance?asOf=2026-11-26", as: .dsi).object
            let plan = try #require(finance["disbursementPlan"] as? [[String: Any]])
            let third = try #require(plan.first { $0["funder"] as? String == "dsi" && $0["installment"] as? String == "Tredje rate" })
            #expect(third["reduced"] as? String == "100000.00" && third["recipient"] as? String == "kommune")
            #expect(plan.filter { $0["funder"] as? String == "lbf" }.allSatisfy { $0["recipient"] as? String == "boligviborg" })
            let decisions = try #require(finance["grantDecisions"] as? [[String: Any]])
            #expect(decisions.compactMap { $0["kind"] as? String } == ["relativeReduction", "accrual"])
            let unused = try #require(finance["unusedGrant"] as? [[String: Any]])
            #expect(unused.first { $0["year"] as? Int == 2025 }?["accrued"] as? String == "50000.00")
            #expect(unused.allSatisfy { $0["funder"] as? String == "dsi" })

            // The finance page shows both, and offers DSI the reductions only.
            let (cookie, _) = try await WebPageTests().logIn(client, .dsi)
            let page = try await client.send(.get, "/oekonomi?dato=2026-11-26", headers: [.cookie: cookie]).text
            #expect(page.contains("Reduceret (T 4.2)") && page.contains("100.000,00 kr."))
            #expect(page.contains("periodisering af ubrugt tilskud (T 4.3)"))
            #expect(page.contains("value=\"relativeReduction\"") && !page.contains("<option value=\"accrual\""))
            #expect(page.contains("BoligViborg"))
        }
    }

    @Test("a revocation notice states the claim with interest and, after 45 days, default interest from the entered reference rates", arguments: Backend.available)
    func revocation(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            for (date, amount) in [("2023-11-30", "1304167.00"), ("2024-11-30", "1304167.00")] {
                let paid = try await client.send(
                    .post, "/api/transfers", as: .dsi,
                    json: ["kind": "disbursement", "from": "dsi", "to": "kommune", "paidOn": date, "amount": amount, "reference": "rate"]
                )
                #expect(paid.status == .created)
            }
            for (from, rate) in [("2024-12-13", "2.60"), ("2025-06-06", "1.60")] {
                let set = try await client.send(.put, "/api/reference-rates", as: .pl, json: ["effectiveFrom": from, "rate": rate])
                #expect(set.status == .ok, "\(set.text.prefix(200))")
            }
            #expect(try await client.send(.put, "/api/reference-rates", as: .pl, json: ["effectiveFrom": "2025-01-01", "rate": "99"]).status == .unprocessableContent)
            let notice = try await client.send(
                .post, "/api/notices", as: .dsi, json: ["kind": "revocation", "received": "2025-02-03", "subject": "Visitationen ikke afhjulpet"]
            )
            #expect(notice.status == .created, "\(notice.text.prefix(200))")
            let finance = try await client.send(.get, "/api/finance?asOf=2025-04-19", as: .dsi).object
            let claim = try #require(finance["revocation"] as? [String: Any])
            // As computed by hand in RevocationTests: 2.608.334 + 90.505,48 interest; 30 days late at 10,60 %.
            #expect(claim["claim"] as? String == "2698839.48" && claim["paymentDue"] as? String == "2025-03-20")
            #expect(claim["defaultInterest"] as? String == "23513.18" && claim["interestReading"] as? String == "returnCapRate")
            let plan = try #require(finance["disbursementPlan"] as? [[String: Any]])
            #expect(plan.first { $0["funder"] as? String == "dsi" && $0["installment"] as? String == "Tredje rate" }?["state"] as? String == "stopped")
            let (cookie, _) = try await WebPageTests().logIn(client, .dsi)
            let page = try await client.send(.get, "/oekonomi?dato=2025-04-19", headers: [.cookie: cookie]).text
            #expect(page.contains("Tilbagekaldelse: kravet") && page.contains("2.698.839,48 kr.") && page.contains("23.513,18 kr."))
            #expect(page.contains("indstillet ved tilbagekaldelse"))
        }
    }

    @Test("every page with figures names the interpretations it depends on (SPEC §9), the report and its PDF all of them")
    func interpretations() async throws {
        try await withAPI(.sqlite) { _, _, client in
            let (cookie, _) = try await WebPageTests().logIn(client, .pl)
            func page(_ path: String) async throws -> String { try await client.send(.get, path, headers: [.cookie: cookie]).text }
            let notes = viborg.interpretationSummary
            func reading(_ key: String) -> String { notes.first { $0.key == key }!.reading }
            let settlement = try await page("/opgoerelse?dato=2026-11-26")
            #expect(settlement.contains("Fortolkninger, tallene bygger på") && settlement.contains(reading("imputationWindow")))
            #expect(!settlement.contains(reading("revocationInterest")))
            let finance = try await page("/oekonomi?dato=2026-11-26")
            #expect(finance.contains(reading("revocationInterest")) && finance.contains(reading("relativeReduction")) && finance.contains(reading("trancheShares")))
            let overview = try await page("/oversigt")
            #expect(overview.contains(reading("substantialRealisation")) && overview.contains(reading("absenceRounding")))
            let report = try await page("/rapport?halvaar=2026-H2")
            for note in notes { #expect(report.contains(note.reading), "\(note.key)") }
            let checks = try await client.send(.get, "/api/checks?asOf=2026-11-26", as: .pl).object
            #expect((checks["interpretations"] as? [[String: String]])?.compactMap { $0["key"] } == ["budgetDeviationThreshold", "substantialRealisation"])
            let json = try await client.send(.get, "/api/settlements?asOf=2026-11-26", as: .pl).object
            #expect((json["interpretations"] as? [[String: String]])?.count == 7)
        }
    }

    @Test("the web form records a steering group's accrual in Danish figures")
    func webForm() async throws {
        try await withAPI(.sqlite) { _, store, client in
            let (cookie, csrf) = try await WebPageTests().logIn(client, .sg)
            let saved = try await client.send(
                .post,
                "/oekonomi/beslutning",
                raw: "_csrf=\(csrf)&kind=accrual&year=2025&amount=12.345%2C67&decidedOn=2026-05-20&note=Personale",
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            )
            #expect(saved.status == .seeOther || saved.status == .found, "\(saved.status) \(saved.text.prefix(300))")
            #expect(try await store.grantDecisions() == [
                GrantDecision(kind: .accrual, year: 2025, amount: try Money.parse("12345.67", form: .machine), decidedOn: LocalDate(iso: "2026-05-20")!, note: "Personale")
            ])
            let refused = try await client.send(
                .post,
                "/oekonomi/beslutning",
                raw: "_csrf=\(csrf)&kind=relativeReduction&year=2025&amount=1%2C00&decidedOn=2026-05-20&note=",
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            )
            #expect(refused.status == .forbidden && refused.text.contains("Den Sociale Investeringsfond"))
        }
    }
}
