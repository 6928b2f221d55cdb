import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #14: a delivery's preview shows its consequences — households added, removed and
/// changed, the register edits it would override, the money per half-year and goal — and saves
/// nothing until confirmed; the register edits the user keeps stay.
@Suite("Delivery preview with consequences")
struct DeliveryPreviewTests {
    /// A caseworker's edit of a treatment household in the register (the project lead's PUT).
    static func editRegister(
        _ client: any TestClientProtocol,
        _ id: String,
        area: String,
        start: String,
        listPosition: Int,
        cohort: Int
    ) async throws {
        let edited = try await client.send(
            .put,
            "/api/households/\(id)",
            as: .pl,
            json: ["id": id, "area": area, "group": "treatment", "courseStart": start, "listPosition": listPosition, "cohort": cohort]
        )
        #expect(edited.status == .ok, "\(edited.text.prefix(200))")
    }

    /// The demo delivery with H00002's course ended on 2025-05-01 and a new control household.
    static func changedFiles() -> [String: String] {
        var files = demoFiles
        var households = (files["households.csv"] ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = households.firstIndex(where: { $0.hasPrefix("H00002,") }) {
            var cells = households[index].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[5] = "2025-05-01"
            cells[6] = "no_longer_needed"
            households[index] = cells.joined(separator: ",")
        }
        households.insert("K09999,houlkaer,999,control,,,,,", at: households.count - 1)
        files["households.csv"] = households.joined(separator: "\n")
        return files
    }

    @Test("the preview lists households, register overrides and money; nothing is saved until the import; kept register values stay", arguments: Backend.available)
    func preview(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            // A caseworker's edit in the register that the next delivery would override.
            try await DeliveryPreviewTests.editRegister(client, "H00003", area: "ellekonebakken", start: "2023-12-31", listPosition: 10, cohort: 2)
            let deliveries = try await store.deliveries().count
            let answer = try await client.send(.post, "/api/deliveries/preview", as: .ev, json: ["files": Self.changedFiles()])
            #expect(answer.status == .ok, "\(answer.text.prefix(300))")
            let preview = answer.object
            #expect(preview["added"] as? [String] == ["K09999"])
            #expect((preview["removed"] as? [String])?.isEmpty == true)
            let changed = try #require(preview["changed"] as? [[String: Any]])
            #expect(changed.map { $0["household"] as? String } == ["H00002"])
            let fields = (changed.first?["changes"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields.contains("afslutning") && fields.contains("afslutningsårsag"))
            let overrides = try #require(preview["registerOverrides"] as? [[String: Any]])
            #expect(overrides.map { $0["household"] as? String } == ["H00003"])
            #expect((overrides.first?["changes"] as? [[String: Any]])?.first?["before"] as? String == "2")
            let money = try #require(preview["money"] as? [[String: Any]])
            #expect(!money.isEmpty)
            #expect(preview["totalBefore"] as? String != preview["totalAfter"] as? String)
            // Nothing saved.
            #expect(try await store.deliveries().count == deliveries)
            // Confirmed, keeping the register's value for H00003.
            let imported = try await client.send(.post, "/api/deliveries", as: .ev, json: ["files": Self.changedFiles(), "keepRegister": ["H00003"]])
            #expect(imported.status == .created)
            #expect((imported.object["overriddenRegister"] as? [String])?.isEmpty == true)
            #expect(try await store.household(HouseholdID("H00003"))?.cohort == 2)
            #expect(try await store.household(HouseholdID("H00002"))?.end == LocalDate(iso: "2025-05-01"))
        }
    }
}

@Suite("An import never overwrites a register edit silently")
struct RegisterOverrideTests {
    @Test("an API import without keepRegister names the households whose edits it replaced, in the answer and the trail", arguments: Backend.available)
    func named(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            try await DeliveryPreviewTests.editRegister(client, "H00003", area: "ellekonebakken", start: "2023-12-31", listPosition: 10, cohort: 2)
            let imported = try await client.send(.post, "/api/deliveries", as: .ev, json: ["files": DeliveryPreviewTests.changedFiles()])
            #expect(imported.status == .created)
            #expect(imported.object["overriddenRegister"] as? [String] == ["H00003"])
            let audit = try await store.auditEntries().last { $0.event.action == "import-delivery" }
            #expect(audit?.event.subject.contains("registret overskrevet for H00003") == true)
        }
    }

    @Test("keeping the register keeps the edited fields only: the delivery's other changes to the household land", arguments: Backend.available)
    func perField(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            // A caseworker moves H00002 to cohort 2; the next delivery ends its course.
            try await DeliveryPreviewTests.editRegister(client, "H00002", area: "houlkaer", start: "2023-11-19", listPosition: 3, cohort: 2)
            let preview = try await client.send(.post, "/api/deliveries/preview", as: .ev, json: ["files": DeliveryPreviewTests.changedFiles()]).object
            let overrides = try #require(preview["registerOverrides"] as? [[String: Any]])
            let h2 = try #require(overrides.first { $0["household"] as? String == "H00002" })
            #expect((h2["changes"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["kohorte"])
            let imported = try await client.send(.post, "/api/deliveries", as: .ev, json: ["files": DeliveryPreviewTests.changedFiles(), "keepRegister": ["H00002"]])
            #expect(imported.status == .created, "\(imported.text.prefix(300))")
            let h = try #require(try await store.household(HouseholdID("H00002")))
            #expect(h.cohort == 2 && h.end == LocalDate(iso: "2025-05-01") && h.endReason == .noLongerNeeded)
            let audit = try await store.auditEntries().last { $0.event.action == "import-delivery" }
            #expect(audit?.event.subject.contains("registret beholdt for H00002") == true)
        }
    }

    @Test("a kept edit that breaks the delivery's course is refused with 409, and nothing is saved", arguments: Backend.available)
    func conflict(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            // The course starts later in the register than the delivery ends it.
            try await DeliveryPreviewTests.editRegister(client, "H00002", area: "houlkaer", start: "2025-06-01", listPosition: 3, cohort: 1)
            let deliveries = try await store.deliveries().count
            let entries = try await store.auditEntries().count
            let refused = try await client.send(.post, "/api/deliveries", as: .ev, json: ["files": DeliveryPreviewTests.changedFiles(), "keepRegister": ["H00002"]])
            #expect(refused.status == .conflict, "\(refused.text.prefix(300))")
            #expect(refused.text.contains("H00002") && refused.text.contains("slutter"))
            #expect(try await store.deliveries().count == deliveries)
            #expect(try await store.auditEntries().count == entries)
            #expect(try await store.household(HouseholdID("H00002"))?.start == LocalDate(iso: "2025-06-01"))
        }
    }
}

@Suite("Delivery preview in the web app")
struct WebDeliveryPreviewTests {
    @Test("the upload page lists new and changed households and the money, and keeps a register value when ticked")
    func webPreview() async throws {
        try await withAPI(.sqlite) { _, store, client in
            try await DeliveryPreviewTests.editRegister(client, "H00003", area: "ellekonebakken", start: "2023-12-31", listPosition: 10, cohort: 2)
            let (cookie, csrf) = try await WebPageTests().logIn(client, .ev)
            let boundary = "outcomes-test-boundary"
            var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n"
            for (name, text) in DeliveryPreviewTests.changedFiles() {
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(name)\"\r\nContent-Type: text/csv\r\n\r\n\(text)\r\n"
            }
            body += "--\(boundary)--\r\n"
            let page = try await client.send(
                .post,
                "/leverancer",
                raw: body,
                headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"]
            )
            #expect(page.status == .ok, "\(page.text.prefix(300))")
            #expect(page.text.contains("<strong>Nye husstande:</strong> K09999"))
            #expect(page.text.contains("<td>H00002</td><td>afslutning</td>"))
            #expect(page.text.contains("Behold registrets værdier for H00003"))
            #expect(page.text.contains("Opgørelsen i alt:"))
            let token = try #require(page.text.components(separatedBy: "name=\"token\" value=\"").dropFirst().first?.prefix { $0 != "\"" })
            #expect(try await store.deliveries().count == 1)
            let saved = try await client.send(
                .post,
                "/leverancer/gem",
                raw: "_csrf=\(csrf)&token=\(token)&behold-H00003=1",
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            )
            #expect(saved.status == .ok && saved.text.contains("er gemt"))
            #expect(try await store.deliveries().count == 2)
            #expect(try await store.household(HouseholdID("H00003"))?.cohort == 2)
        }
    }
}
