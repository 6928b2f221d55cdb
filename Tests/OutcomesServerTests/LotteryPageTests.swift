import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesCore
import OutcomesLottery
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #16: the evaluator draws the visitation list in the browser (population file and seed),
/// the hashes are published, and anyone who sees the list verifies it.
@Suite("The lottery in the browser")
struct LotteryPageTests {
    func multipart(_ client: any TestClientProtocol, _ path: String, cookie: String, fields: [String: String], files: [(field: String, name: String, text: String)])
        async throws -> Answer
    {
        let boundary = "outcomes-lottery-boundary"
        var body = ""
        for (name, value) in fields { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n" }
        for file in files {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: text/csv\r\n\r\n\(file.text)\r\n"
        }
        body += "--\(boundary)--\r\n"
        return try await client.send(.post, path, raw: body, headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"])
    }

    @Test("draw, publish the hashes, verify a list (and a wrong one); only the evaluator draws", arguments: [Backend.sqlite])
    func lottery(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            let population = "household_id,area\nL1,houlkaer\nL2,houlkaer\nL3,ellekonebakken\nL4,karup-kolvraa\nL5,houlkaer\n"
            let expected = try Lottery.draw(population: (1...5).map { HouseholdID("L\($0)") }, seed: "styregruppen-2023-10-30")
            let (ev, evCSRF) = try await WebPageTests().logIn(client, .ev)
            let bad = try await multipart(
                client, "/lodtraekning", cookie: ev, fields: ["_csrf": evCSRF, "seed": "frø"],
                files: [("population", "population.csv", "household_id,area\nL1,vestbyen\n")]
            )
            #expect(bad.status == .unprocessableContent && bad.text.contains("population.csv:2: area") && bad.text.contains("value=\"frø\""))
            let drawn = try await multipart(
                client, "/lodtraekning", cookie: ev, fields: ["_csrf": evCSRF, "seed": "styregruppen-2023-10-30"],
                files: [("population", "population.csv", population)]
            )
            #expect(drawn.status == .ok, "\(drawn.text.prefix(300))")
            #expect(drawn.text.contains("Lodtrækningen er gemt: 5 husstande") && drawn.text.contains(expected.listHash) && drawn.text.contains(expected.populationHash))
            #expect(try await store.household(expected.entries[0].household)?.listPosition == 1)
            // One list per agreement: a second draw would move places already given.
            let again = try await multipart(
                client, "/lodtraekning", cookie: ev, fields: ["_csrf": evCSRF, "seed": "et-andet-frø"],
                files: [("population", "population.csv", population)]
            )
            #expect(again.status == .unprocessableContent && again.text.contains("Listen er allerede trukket"))
            #expect(try await store.lotteries().count == 1)
            // Published for everyone who sees the list; verified by anyone with the files and the seed.
            let (pl, plCSRF) = try await WebPageTests().logIn(client, .pl)
            let published = try await client.send(.get, "/lodtraekning", headers: [.cookie: pl]).text
            #expect(published.contains(expected.listHash) && !published.contains("action=\"/lodtraekning\" enctype"))
            let list = "list_position,household_id\n" + expected.entries.map { "\($0.position),\($0.household.rawValue)\n" }.joined()
            // The list as drawn is downloaded from the page (its lines are what the hash is of), and the read is audited.
            #expect(published.contains("href=\"/lodtraekning/liste.csv\""))
            let download = try await client.send(.get, "/lodtraekning/liste.csv", headers: [.cookie: pl])
            #expect(download.status == .ok && download.text == list)
            #expect(Lottery.sha256(String(list.drop { $0 != "\n" }.dropFirst())) == expected.listHash)
            #expect(try await store.auditEntries().contains { $0.event.action == "read:web:lottery" && $0.event.subject.hasPrefix("lottery list") && $0.event.actor == "user:pl" })
            let (dsi, _) = try await WebPageTests().logIn(client, .dsi)
            #expect(try await client.send(.get, "/lodtraekning/liste.csv", headers: [.cookie: dsi]).status == .forbidden)
            let verified = try await multipart(
                client, "/lodtraekning/kontrol", cookie: pl, fields: ["_csrf": plCSRF, "seed": "styregruppen-2023-10-30"],
                files: [("population", "population.csv", population), ("list", "liste.csv", list)]
            )
            #expect(verified.text.contains("Listen passer"))
            let swapped = "list_position,household_id\n1,\(expected.entries[1].household.rawValue)\n2,\(expected.entries[0].household.rawValue)\n"
            let wrong = try await multipart(
                client, "/lodtraekning/kontrol", cookie: pl, fields: ["_csrf": plCSRF, "seed": "styregruppen-2023-10-30"],
                files: [("population", "population.csv", population), ("list", "liste.csv", swapped)]
            )
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("Listen passer ikke: plads 1"))
            // Only the evaluator draws.
            let refused = try await multipart(
                client, "/lodtraekning", cookie: pl, fields: ["_csrf": plCSRF, "seed": "x"], files: [("population", "p.csv", population)]
            )
            #expect(refused.status == .forbidden)
        }
    }
}
