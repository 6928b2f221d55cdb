import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

@Suite("Person data: areas, pseudonyms, CPR, audit")
struct PersonDataTests {
    @Test("a caseworker sees only their own area's households", arguments: Backend.available)
    func ownArea(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            let list = try await client.send(.get, "/api/households?pageSize=500", as: .cw)
            let areas = Set((list.object["items"] as? [[String: Any]] ?? []).compactMap { $0["area"] as? String })
            #expect(areas == ["houlkaer"])
            let houlkaer = try await store.households(in: .houlkaer).count
            #expect(list.object["total"] as? Int == houlkaer)
            let other = try #require(try await store.households(in: .ellekonebakken).first)
            let denied = try await client.send(.get, "/api/households/\(other.id)", as: .cw)
            #expect(denied.status == .forbidden)
            #expect((denied.object["detail"] as? String)?.contains("Ellekonebakken") == true)
            let askOther = try await client.send(.get, "/api/households?area=ellekonebakken", as: .cw)
            #expect(askOther.status == .forbidden)
            let write = try await client.send(
                .post,
                "/api/households",
                as: .cw,
                json: ["id": "E-NEW", "area": "ellekonebakken", "group": "control"]
            )
            #expect(write.status == .forbidden)
            let visitation = try await client.send(.get, "/api/visitation?pageSize=500", as: .cw)
            let listAreas = Set(
                ((visitation.object["list"] as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap { $0["area"] as? String }
            )
            #expect(listAreas == ["houlkaer"])
        }
    }

    @Test("the evaluator sees pseudonyms and ages, not names; the project lead sees the name", arguments: [Backend.sqlite])
    func pseudonymised(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let asEvaluator = try await client.send(.get, "/api/households/\(matrixHousehold)/persons", as: .ev)
            let person = try #require((asEvaluator.object["items"] as? [[String: Any]])?.first)
            #expect(person["name"] is NSNull)
            #expect((person["id"] as? String)?.hasPrefix("p-") == true)
            #expect(person["age"] as? Int == 36)
            let asLead = try await client.send(.get, "/api/households/\(matrixHousehold)/persons", as: .pl)
            #expect((asLead.object["items"] as? [[String: Any]])?.first?["name"] as? String == "Anna Test")
            let asFunder = try await client.send(.get, "/api/households/\(matrixHousehold)/persons", as: .dsi)
            #expect(asFunder.status == .forbidden)
            #expect(!asFunder.text.contains("Anna"))
            // Funders get the settlement's figures, never its lines.
            let summary = try await client.send(.get, "/api/settlements/summary?asOf=2026-11-26", as: .dsi)
            #expect((summary.object["lines"] as? [Any])?.isEmpty == true)
            #expect(!summary.text.contains("\"person\""))
            let full = try await client.send(.get, "/api/settlements?asOf=2026-11-26", as: .ev)
            #expect(((full.object["lines"] as? [Any])?.count ?? 0) > 100)
        }
    }

    @Test("every read of person data is audited with who, what and the stated purpose", arguments: Backend.available)
    func readsAudited(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            let before = try await store.auditEntries().count
            _ = try await client.send(
                .get,
                "/api/households/\(matrixHousehold)",
                as: .cw,
                headers: [HTTPField.Name("X-Outcomes-Purpose")!: "hjemmebesøg 26/11"]
            )
            _ = try await client.send(.get, "/api/households/\(matrixHousehold)/persons?purpose=opfølgning", as: .ev)
            _ = try await client.send(.get, "/api/households/\(matrixHousehold)/action-plan", as: .pl)
            _ = try await client.send(.get, "/api/households/\(matrixHousehold)/persons", as: .dsi)  // denied: nothing read
            let entries = try await store.auditEntries().dropFirst(before).map(\.event)
            #expect(entries.count == 3)
            #expect(entries[0].actor == "user:cw" && entries[0].action == "read:getHousehold" && entries[0].subject == "household:H-MATRIX")
            #expect(entries[0].purpose == "hjemmebesøg 26/11")
            #expect(entries[1].actor == "user:ev" && entries[1].purpose == "opfølgning")
            #expect(entries[2].purpose == "opfølgning på handleplan")
            #expect(try await store.verifyAudit() == .intact(entries: before + 3))
        }
    }

    @Test("a CPR number is checked, turned into a keyed pseudonym and never kept or echoed", arguments: Backend.available)
    func cprNumbers(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            let invalid = try await client.send(.post, "/api/households/\(matrixHousehold)/persons", as: .cw, json: ["cpr": "3102901234"])
            #expect(invalid.status == .unprocessableContent)
            let added = try await client.send(.post, "/api/households/\(matrixHousehold)/persons", as: .cw, json: ["cpr": "150385-4321"])
            #expect(added.status == .created)
            #expect(!added.text.contains("150385") && !added.text.contains("4321"))
            let id = try #require(added.object["id"] as? String)
            #expect(id.hasPrefix("p-") && id.count == 34)
            #expect(added.object["birthDate"] as? String == "1985-03-15")
            let again = try await client.send(.post, "/api/households/\(matrixHousehold)/persons", as: .pl, json: ["cpr": "1503854321"])
            #expect(again.status == .conflict)
            let lookup = try await client.send(.post, "/api/persons/lookup", as: .cw, json: ["cpr": "150385-4321"])
            #expect((lookup.object["person"] as? [String: Any])?["id"] as? String == id)
            #expect(lookup.object["household"] as? String == matrixHousehold)
            let stored = try await store.persons(in: HouseholdID(matrixHousehold)).map(\.id.rawValue)
            #expect(stored.contains(id) && !stored.contains { $0.contains("150385") })
            let trail = try await store.auditEntries().map { "\($0.event.subject) \($0.event.purpose)" }.joined()
            #expect(!trail.contains("150385"))
        }
    }

    @Test("action-plan goals are refused from six months after the course's start, with the reason (B5.1 2.8.1)", arguments: Backend.available)
    func actionPlanLock(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let created = try await client.send(
                .post,
                "/api/households",
                as: .cw,
                json: ["id": "H-OLD", "area": "houlkaer", "group": "treatment", "courseStart": "2026-05-26"]
            )
            #expect(created.status == .created)
            let plan = try await client.send(.post, "/api/households/H-OLD/action-plan", as: .cw, json: ["goals": [] as [Any]])
            #expect(plan.status == .conflict)
            #expect((plan.object["detail"] as? String)?.contains("låst fra 26.11.2026") == true)
            let updated = try await client.send(
                .put,
                "/api/households/H-OLD",
                as: .cw,
                json: ["id": "H-OLD", "area": "houlkaer", "group": "treatment", "courseStart": "2026-05-27"]
            )
            #expect(updated.status == .ok)
            let open = try await client.send(.post, "/api/households/H-OLD/action-plan", as: .cw, json: ["goals": [["id": "M1", "text": "Mål"]]])
            #expect(open.status == .created)
            #expect(open.object["locked"] as? Bool == false)
            #expect(open.object["lockedFrom"] as? String == "2026-11-27")
        }
    }

    @Test("an enrolment decision moves the household into the treatment group and the list on to the next", arguments: [Backend.sqlite])
    func visitation(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            for (id, position) in [("V-1", 900), ("V-2", 901)] {
                _ = try await client.send(
                    .post,
                    "/api/households",
                    as: .pl,
                    json: ["id": id, "area": "houlkaer", "group": "control", "listPosition": position]
                )
            }
            let list = try await client.send(.get, "/api/visitation?pageSize=500", as: .cw)
            let next = try #require(list.object["next"] as? String)
            // Issue #15: after the intervention period (31.10.2026) a course cannot start; the
            // answer says so and what can still be journaled.
            let late = try await client.send(
                .post,
                "/api/visitation/decisions",
                as: .cw,
                json: ["household": next, "outcome": "enrolled", "courseStart": "2026-11-20", "consentGiven": true, "reason": "Motiveret."]
            )
            #expect(late.status == .unprocessableContent)
            #expect(late.text.contains("Indsatsperioden sluttede 31.10.2026") && late.text.contains("ikke at visitere"))
            let (cookie, _) = try await WebPageTests().logIn(client, .cw)
            let page = try await client.send(.get, "/visitation", headers: [.cookie: cookie])
            #expect(page.text.contains("Indsatsperioden sluttede 31.10.2026"))
            #expect(page.text.contains("name=\"courseStart\" type=\"date\" value=\"\""), "no start date is proposed after the period")
            let noReason = try await client.send(
                .post,
                "/api/visitation/decisions",
                as: .cw,
                json: ["household": next, "outcome": "enrolled", "courseStart": "2026-10-01", "consentGiven": true, "reason": "  "]
            )
            #expect(noReason.status == .unprocessableContent)
            let decided = try await client.send(
                .post,
                "/api/visitation/decisions",
                as: .cw,
                json: [
                    "household": next, "outcome": "enrolled", "courseStart": "2026-10-01", "consentGiven": true,
                    "reason": "Motiveret; samtykke givet.",
                    "decidedOn": "2026-09-30",
                ]
            )
            #expect(decided.status == .created)
            #expect(decided.object["decidedBy"] as? String == "cw")
            let record = try #require(try await store.household(HouseholdID(next)))
            #expect(record.group == .treatment && record.start == LocalDate(iso: "2026-10-01"))
            let after = try await client.send(.get, "/api/visitation?pageSize=500", as: .cw)
            #expect(after.object["next"] as? String != next)
        }
    }
}
