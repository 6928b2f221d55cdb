import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #16: households entered, members added by CPR (only the pseudonym kept) and courses
/// ended in the browser; the list searched, filtered, sorted and paged.
@Suite("Households in the browser: the list and the forms")
struct HouseholdFormsTests {
    func post(_ client: any TestClientProtocol, _ path: String, _ body: String, cookie: String) async throws -> Answer {
        try await client.send(.post, path, raw: body, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"])
    }

    @Test("search, filter, sort and paging over the 180+ households")
    func list() async throws {
        try await withAPI(.sqlite) { _, store, client in
            let (pl, _) = try await WebPageTests().logIn(client, .pl)
            let total = try await store.households(in: nil).count
            let first = try await client.send(.get, "/husstande", headers: [.cookie: pl]).text
            #expect(first.components(separatedBy: "<tr><td><a href=\"/husstande/").count - 1 == 50, "50 a page")
            #expect(first.contains("side 1 af \((total + 49) / 50)") && first.contains("Næste →"))
            let searched = try await client.send(.get, "/husstande?soeg=H0000&omraade=&gruppe=&sorter=id", headers: [.cookie: pl]).text
            #expect(searched.contains("/husstande/H00001") && searched.contains("/husstande/H00009") && !searched.contains("/husstande/H00010\""))
            let filtered = try await client.send(.get, "/husstande?omraade=karup-kolvraa&gruppe=control&sorter=plads", headers: [.cookie: pl]).text
            #expect(!filtered.contains("<td>Houlkær</td>") && !filtered.contains("<td>indsatsgruppe</td>"))
            #expect(filtered.contains("<option value=\"karup-kolvraa\" selected>"))
        }
    }

    @Test("the visitation list and journal are searched and paged; a decision is confirmed")
    func visitation() async throws {
        try await withAPI(.sqlite) { _, _, client in
            let (pl, csrf) = try await WebPageTests().logIn(client, .pl)
            let first = try await client.send(.get, "/visitation", headers: [.cookie: pl]).text
            #expect(first.contains("side 1 af") && first.contains("Næste →"))
            let second = try await client.send(.get, "/visitation?side=2", headers: [.cookie: pl]).text
            #expect(second.contains("side 2 af") && second.contains("← Forrige"))
            let searched = try await client.send(.get, "/visitation?soeg=H00002", headers: [.cookie: pl]).text
            #expect(searched.contains("/husstande/H00002") && !searched.contains("/husstande/H00003\""))
            // A decision is confirmed by name.
            let list = try await client.send(.get, "/api/visitation?pageSize=500", as: .pl).object
            let next = try #require(list["next"] as? String)
            let decided = try await post(
                client, "/visitation", "_csrf=\(csrf)&household=\(next)&outcome=declined&reason=Takkede+nej+ved+hjembes%C3%B8g", cookie: pl
            )
            #expect(decided.status == .seeOther)
            let shown = try await client.send(.get, decided.headers[.location] ?? "", headers: [.cookie: pl]).text
            #expect(shown.contains("Beslutningen er journalført."))
        }
    }

    @Test("settlement lines are searched by household and paged; the sum is of all found")
    func lines() async throws {
        try await withAPI(.sqlite) { _, _, client in
            let (pl, _) = try await WebPageTests().logIn(client, .pl)
            let all = try await client.send(.get, "/opgoerelse/linjer?dato=2026-11-26&maal=5", headers: [.cookie: pl]).text
            #expect(all.contains("side 1 af") && all.components(separatedBy: "<tr id=\"linje-").count - 1 == 50)
            let one = try await client.send(.get, "/opgoerelse/linjer?dato=2026-11-26&maal=5&periode=&soeg=H00002", headers: [.cookie: pl]).text
            #expect(one.contains("/husstande/H00002") && !one.contains("/husstande/H00003\""))
        }
    }

    @Test("the project lead creates a household, adds a member by CPR and ends a course with its reason; errors keep the values", arguments: Backend.available)
    func forms(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            let (pl, csrf) = try await WebPageTests().logIn(client, .pl)
            let wrong = try await post(client, "/husstande", "_csrf=\(csrf)&id=H-WEB&area=houlkaer&group=treatment&start=2030-01-01", cookie: pl)
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("uden for indsatsperioden") && wrong.text.contains("value=\"H-WEB\""))
            let created = try await post(client, "/husstande", "_csrf=\(csrf)&id=H-WEB&area=houlkaer&group=treatment&start=2026-10-01&listPosition=990", cookie: pl)
            #expect(created.status == .seeOther && created.headers[.location] == "/husstande/H-WEB?besked=oprettet")
            let page = try await client.send(.get, created.headers[.location] ?? "", headers: [.cookie: pl]).text
            #expect(page.contains("Husstanden er oprettet."))
            // A member by CPR: the page confirms; the store keeps the pseudonym only.
            let added = try await post(client, "/husstande/H-WEB/person", "_csrf=\(csrf)&cpr=070761-4285&name=Anne+Testesen", cookie: pl)
            #expect(added.status == .seeOther, "\(added.text.prefix(300))")
            let withMember = try await client.send(.get, added.headers[.location] ?? "", headers: [.cookie: pl]).text
            #expect(withMember.contains("kun pseudonymet er gemt") && withMember.contains("Anne Testesen") && !withMember.contains("070761"))
            #expect(try await store.persons(in: HouseholdID("H-WEB")).allSatisfy { !$0.id.rawValue.contains("0707614285") })
            // The same person again: one answer that names no pseudonym and no area; the attempt is in the trail.
            let again = try await post(client, "/husstande/H-WEB/person", "_csrf=\(csrf)&cpr=070761-4285&name=Anne", cookie: pl)
            #expect(again.status == .unprocessableContent && again.text.contains("allerede registreret i Outcomes"))
            let pseudonym = try #require(try await store.persons(in: HouseholdID("H-WEB")).first?.id.rawValue)
            let message = again.text.components(separatedBy: "role=\"alert\">").dropFirst().first?.prefix { $0 != "<" } ?? ""
            #expect(message.contains("allerede registreret") && !message.contains(pseudonym))
            #expect(try await store.auditEntries().contains { $0.event.action == "add-person-refused" })
            let badCPR = try await post(client, "/husstande/H-WEB/person", "_csrf=\(csrf)&cpr=123&name=Bo", cookie: pl)
            #expect(badCPR.status == .unprocessableContent && badCPR.text.contains("value=\"Bo\""))
            // The course ends, with its reason.
            let ended = try await post(client, "/husstande/H-WEB/forloeb", "_csrf=\(csrf)&end=2026-11-20&reason=moved", cookie: pl)
            #expect(ended.status == .seeOther)
            let record = try await store.household(HouseholdID("H-WEB"))
            #expect(record?.end == LocalDate(iso: "2026-11-20") && record?.endReason == .moved)
            let after = try await client.send(.get, ended.headers[.location] ?? "", headers: [.cookie: pl]).text
            #expect(after.contains("Forløbet er afsluttet med sin årsag.") && after.contains("fraflyttet") && !after.contains("action=\"/husstande/H-WEB/forloeb\""))
            // The remove button asks first.
            #expect(after.contains("data-confirm") || !after.contains("Fjern</button>"))
        }
    }
}
