import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesApplication
import OutcomesContractFile
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// SPEC §10 through the API: the evaluator proposes, the project lead and DSI approve at a
/// steering-group meeting; an approved half-year never moves, a later delivery's difference is
/// a correction in the first open half-year (issue #14).
@Suite("Settlement approval through the API (SPEC §10)")
struct SettlementApprovalTests {
    /// On the day of the proposals (the harness's clock): a meeting cannot precede them.
    static let meeting = "2026-11-26"

    func recordMeeting(_ client: any TestClientProtocol) async throws {
        let answer = try await client.send(
            .post,
            "/api/meetings",
            as: .sg,
            json: ["heldOn": Self.meeting, "isAnnualMeeting": false, "accountsReceivedOn": NSNull(), "minutes": "Halvårsopgørelserne forelagt"]
        )
        #expect(answer.status == .created)
    }

    /// Proposes and approves one half-year; answers its record.
    func approve(_ period: String, _ client: any TestClientProtocol) async throws -> [String: Any] {
        let proposed = try await client.send(.post, "/api/settlements/records", as: .ev, json: ["period": period])
        #expect(proposed.status == .created, "\(period): \(proposed.text.prefix(300))")
        let hash = try #require(proposed.object["hash"] as? String)
        for user in [TestUser.dsi, .pl] {
            let answer = try await client.send(
                .post,
                "/api/settlements/records/\(period)/approvals",
                as: user,
                json: ["hash": hash, "meetingOn": Self.meeting]
            )
            #expect(answer.status == .ok, "\(period) \(user): \(answer.text.prefix(300))")
        }
        return try await client.send(.get, "/api/settlements/records/\(period)", as: .dsi).object
    }

    /// The demo delivery with some 12-month employment measurements turned to "employed".
    static func correctedFiles() -> [String: String] {
        var files = demoFiles
        let lines = (files["employment.csv"] ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        files["employment.csv"] = lines.enumerated().map { index, line in
            guard index > 0, index % 3 == 0, line.contains(",12,") else { return line }
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[2] = "employed"
            return cells.joined(separator: ",")
        }.joined(separator: "\n")
        return files
    }

    @Test("propose, sign, approve; in order; only the proposal one saw; only the named approvers", arguments: Backend.available)
    func workflow(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            try await recordMeeting(client)
            let proposed = try await client.send(.post, "/api/settlements/records", as: .ev, json: ["period": "2023-H2"])
            #expect(proposed.status == .created)
            #expect(proposed.object["status"] as? String == "indstillet")
            #expect(proposed.object["missingApprovals"] as? [String] == ["projectLead", "funder:dsi"])
            let hash = try #require(proposed.object["hash"] as? String)
            #expect((proposed.object["document"] as? String)?.contains("\"period\": \"2023-H2\"") == true)
            // Out of order, or not yet ended.
            #expect(try await client.send(.post, "/api/settlements/records", as: .ev, json: ["period": "2024-H2"]).status == .conflict)
            #expect(try await client.send(.post, "/api/settlements/records", as: .ev, json: ["period": "2026-H2"]).status == .conflict)
            // Only the project lead and DSI sign; only the proposal they saw; only at a recorded meeting.
            #expect(try await client.send(.post, "/api/settlements/records", as: .pl, json: ["period": "2023-H2"]).status == .forbidden)
            let path = "/api/settlements/records/2023-H2/approvals"
            #expect(try await client.send(.post, path, as: .sg, json: ["hash": hash, "meetingOn": Self.meeting]).status == .forbidden)
            #expect(try await client.send(.post, path, as: .pl, json: ["hash": String(repeating: "0", count: 64), "meetingOn": Self.meeting]).status == .conflict)
            #expect(try await client.send(.post, path, as: .pl, json: ["hash": hash, "meetingOn": "2025-03-11"]).status == .unprocessableContent)
            let first = try await client.send(.post, path, as: .pl, json: ["hash": hash, "meetingOn": Self.meeting])
            #expect(first.status == .ok && first.object["status"] as? String == "indstillet")
            #expect(first.object["missingApprovals"] as? [String] == ["funder:dsi"])
            let second = try await client.send(.post, path, as: .dsi, json: ["hash": hash, "meetingOn": Self.meeting])
            #expect(second.status == .ok && second.object["status"] as? String == "godkendt")
            // Approved: never proposed again.
            #expect(try await client.send(.post, "/api/settlements/records", as: .ev, json: ["period": "2023-H2"]).status == .conflict)
            let list = try await client.send(.get, "/api/settlements/records", as: .sg)
            #expect((list.object["items"] as? [[String: Any]])?.map { $0["period"] as? String } == ["2023-H2"])
        }
    }

    @Test("an approved half-year is byte-identical after a corrected delivery; the difference lands in the next open half-year", arguments: Backend.available)
    func correctedDelivery(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            try await recordMeeting(client)
            var documents: [String: String] = [:]
            for period in ["2023-H2", "2024-H1", "2024-H2"] {
                let record = try await approve(period, client)
                #expect(record["status"] as? String == "godkendt")
                documents[period] = record["document"] as? String
            }
            let summary = "/api/settlements/summary?asOf=2026-11-26"
            let before = try await client.send(.get, summary, as: .dsi).object
            let imported = try await client.send(.post, "/api/deliveries", as: .ev, json: ["files": Self.correctedFiles()])
            #expect(imported.status == .created)
            let after = try await client.send(.get, summary, as: .dsi).object
            let beforePeriods = try #require(before["periods"] as? [[String: Any]])
            let afterPeriods = try #require(after["periods"] as? [[String: Any]])
            for (old, new) in zip(beforePeriods, afterPeriods) where (old["approved"] as? Bool) == true {
                let oldJSON = try JSONSerialization.data(withJSONObject: old, options: [.sortedKeys])
                let newJSON = try JSONSerialization.data(withJSONObject: new, options: [.sortedKeys])
                #expect(oldJSON == newJSON, "\(old["period"] ?? "")")
            }
            #expect(afterPeriods.prefix(3).allSatisfy { $0["approved"] as? Bool == true })
            // 2024-H2 paid something, and the corrected delivery would have changed it.
            #expect((afterPeriods[2]["total"] as? String) != "0.00")
            // The records themselves: byte for byte.
            for (period, document) in documents {
                let record = try await client.send(.get, "/api/settlements/records/\(period)", as: .pl).object
                #expect(record["document"] as? String == document, "\(period)")
            }
            let corrections = try #require(after["corrections"] as? [[String: Any]])
            #expect(!corrections.isEmpty)
            #expect(corrections.allSatisfy { $0["settledIn"] as? String == "2025-H1" && $0["before"] != nil && $0["after"] != nil })
            let open = try #require(afterPeriods.first { $0["period"] as? String == "2025-H1" })
            let goals = try #require(open["goals"] as? [String: [String: Any]])
            #expect(goals.values.contains { $0["correction"] != nil })
            #expect(before["corrections"] == nil)
        }
    }

    /// Version 3 of Viborg's file: goal 1's rate renegotiated to 10.000 kr. from `effective`.
    static func amendment(effective: String) -> String {
        ContractFile.builtInText
            .replacingOccurrences(
                of: "\nversion: 2\n",
                with: "\nversion: 3\neffectiveFrom: \(effective)\ndecision: \"Styregruppen: ny sats for mål 1 efter baselineafvigelse (B5.1 2.4.2)\"\n"
            )
            .replacingOccurrences(of: "rate: {amount: 8600, unit: perPersonPerPoint", with: "rate: {amount: 10000, unit: perPersonPerPoint")
    }

    /// Issue #18 (2): an amendment changes the settlement from its effective half-year only;
    /// approved half-years keep the version they were approved with, and one cannot reach
    /// back into them.
    @Test("an amendment takes effect from its half-year; approved half-years keep their version", arguments: Backend.available)
    func amendment(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            try await recordMeeting(client)
            let before = try await client.send(.get, "/api/settlements/summary?asOf=2026-11-26", as: .dsi)
            for period in ["2023-H2", "2024-H1"] { _ = try await approve(period, client) }
            // Back into an approved half-year: refused, nothing kept.
            let early = try await client.send(
                .post,
                "/api/agreements",
                as: .pl,
                raw: Self.amendment(effective: "2024-01-01"),
                headers: [.contentType: "application/yaml"]
            )
            #expect(early.status == .unprocessableContent, "\(early.text.prefix(300))")
            #expect(early.text.contains("1. halvår 2024") && early.text.contains("tidligst gælde fra 01.07.2024 (effectiveFrom: 2024-07-01)"), "\(early.text)")
            #expect(((try await client.send(.get, "/api/agreements", as: .pl)).object["items"] as? [[String: Any]])?.count == 1)
            // 2024-H2 approved and 2025-H1 proposed under version 2, before the amendment.
            let record = try await approve("2024-H2", client)
            #expect(record["contractVersion"] as? Int == 2)
            let stale = try await client.send(.post, "/api/settlements/records", as: .ev, json: ["period": "2025-H1"])
            #expect(stale.object["contractVersion"] as? Int == 2)
            // From 2025: in force at once, for 2025's half-years only.
            let saved = try await client.send(
                .post,
                "/api/agreements",
                as: .pl,
                raw: Self.amendment(effective: "2025-01-01"),
                headers: [.contentType: "application/yaml"]
            )
            #expect(saved.status == .created, "\(saved.text.prefix(300))")
            let versions = (try await client.send(.get, "/api/agreements", as: .pl)).object["items"] as? [[String: Any]] ?? []
            #expect(versions.compactMap { $0["version"] as? Int } == [2, 3])
            #expect(versions.last?["inUse"] as? Bool == true)
            // The difference between the versions, line by line.
            let diff = try await client.send(.get, "/api/agreements/\(viborg.id)/versions/3/diff?from=2", as: .dsi)
            let changed = ((diff.object["lines"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String != "context" }.compactMap { $0["line"] as? String }
            #expect(changed.contains { $0.hasPrefix("decision: ") } && changed.contains { $0.contains("amount: 10000") } && changed.contains { $0.contains("amount: 8600") })
            let after = try await client.send(.get, "/api/settlements/summary?asOf=2026-11-26", as: .dsi)
            let old = try #require(before.object["periods"] as? [[String: Any]])
            let new = try #require(after.object["periods"] as? [[String: Any]])
            #expect(old.count == new.count)
            var moved = false
            for (was, now) in Swift.zip(old, new) {
                let label = now["period"] as? String ?? ""
                let goals = { (p: [String: Any]) in ((p["goals"] as? [String: Any])?["1"] as? [String: Any])?["amount"] as? String }
                if label < "2025-H1" {
                    #expect(now["version"] as? Int == 2, "\(label)")
                    #expect(goals(now) == goals(was), "\(label)")
                } else {
                    #expect(now["version"] as? Int == 3, "\(label)")
                    if goals(now) != goals(was) { moved = true }
                }
            }
            #expect(moved, "the new rate shows from 2025")
            // The proposal made under version 2 is not approved; proposed again, it names version 3.
            let refused = try await client.send(
                .post,
                "/api/settlements/records/2025-H1/approvals",
                as: .pl,
                json: ["hash": stale.object["hash"] as? String ?? "", "meetingOn": Self.meeting]
            )
            #expect(refused.status == .conflict && refused.text.contains("version 3"), "\(refused.text.prefix(300))")
            let next = try await client.send(.post, "/api/settlements/records", as: .ev, json: ["period": "2025-H1"])
            #expect(next.object["contractVersion"] as? Int == 3, "\(next.text.prefix(300))")
        }
    }

    @Test("payment instructions come from approved half-years only, match them to the øre, and an unpaid one past its due date is a breach", arguments: Backend.available)
    func instructions(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            try await recordMeeting(client)
            let path = "/api/payment-instructions?asOf=2026-11-26"
            #expect((try await client.send(.get, path, as: .dsi).object["items"] as? [Any])?.isEmpty == true)
            for period in ["2023-H2", "2024-H1", "2024-H2"] { _ = try await approve(period, client) }
            let summary = try await client.send(.get, "/api/settlements/summary?asOf=2026-11-26", as: .dsi).object
            let approvedPeriods = (summary["periods"] as? [[String: Any]] ?? []).filter { $0["approved"] as? Bool == true }
            func sum(_ key: String) -> Money {
                Money.sum(approvedPeriods.compactMap { $0[key] as? String }.compactMap { try? Money.parse($0, form: .machine) })
            }
            let items = try #require(try await client.send(.get, path, as: .dsi).object["items"] as? [[String: Any]])
            #expect(!items.isEmpty)
            #expect(items.allSatisfy { $0["period"] as? String == "2024-H2" && $0["dueBy"] as? String == "2025-03-31" })
            // Each party's net position by the instructions is the approved settlement's, to the øre
            // (LBF, payer of goal 4 and recipient, settles only the difference).
            func net(_ party: String) -> Money {
                Money.sum(items.filter { $0["to"] as? String == party }.compactMap { $0["amount"] as? String }.compactMap { try? Money.parse($0, form: .machine) })
                    - Money.sum(items.filter { $0["from"] as? String == party }.compactMap { $0["amount"] as? String }.compactMap { try? Money.parse($0, form: .machine) })
            }
            #expect(net("kommune") == .zero - sum("kommune"))
            #expect(net("dsi") == sum("toDSI"))
            #expect(net("lbf") == sum("toLBF") - sum("lbf"))
            #expect(sum("total") != .zero)
            // Nothing is paid (the harness's ledger is empty): overdue, and a breach.
            #expect(items.allSatisfy { $0["status"] as? String == "overdue" })
            let checks = try await client.send(.get, "/api/checks?asOf=2026-11-26", as: .dsi).object
            let findings = try #require(checks["items"] as? [[String: Any]] ?? checks["findings"] as? [[String: Any]])
            #expect(findings.contains { $0["rule"] as? String == "repayment-overdue" && $0["severity"] as? String == "breach" && $0["clause"] as? String == "T 6.1.1 (v)" })
            // Paid in full: no breach.
            for item in items {
                let transfer: [String: Any] = [
                    "kind": "repayment", "from": item["from"] as? String ?? "", "to": item["to"] as? String ?? "", "paidOn": "2025-03-20",
                    "amount": item["amount"] as? String ?? "", "reference": "2024-H2",
                ]
                #expect(try await client.send(.post, "/api/transfers", as: .pl, json: transfer).status == .created)
            }
            let paid = try #require(try await client.send(.get, path, as: .dsi).object["items"] as? [[String: Any]])
            #expect(paid.allSatisfy { $0["status"] as? String == "paid" && $0["outstanding"] as? String == "0.00" })
            let after = try await client.send(.get, "/api/checks?asOf=2026-11-26", as: .dsi).object
            let afterFindings = after["items"] as? [[String: Any]] ?? after["findings"] as? [[String: Any]] ?? []
            #expect(!afterFindings.contains { $0["rule"] as? String == "repayment-overdue" })
        }
    }

    @Test("one vocabulary: the overview, the settlement page, the finance page and the report show the same four figures for the same date", arguments: [Backend.sqlite])
    func oneVocabulary(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            try await recordMeeting(client)
            for period in ["2023-H2", "2024-H1", "2024-H2"] { _ = try await approve(period, client) }
            // Part of 2024-H2 paid.
            let items = try #require(try await client.send(.get, "/api/payment-instructions?asOf=2026-11-26", as: .pl).object["items"] as? [[String: Any]])
            let first = try #require(items.first)
            let transfer: [String: Any] = [
                "kind": "repayment", "from": first["from"] as? String ?? "", "to": first["to"] as? String ?? "", "paidOn": "2025-03-20",
                "amount": first["amount"] as? String ?? "", "reference": "2024-H2",
            ]
            #expect(try await client.send(.post, "/api/transfers", as: .pl, json: transfer).status == .created)
            let (cookie, _) = try await WebPageTests().logIn(client, .pl)
            func figures(_ path: String) async throws -> [String: String] {
                let page = try await client.send(.get, path, headers: [.cookie: cookie])
                #expect(page.status == .ok, "\(path)")
                var found: [String: String] = [:]
                for name in ["computed", "approved", "due", "paid"] {
                    found[name] = page.text.components(separatedBy: "data-figure=\"\(name)\">").dropFirst().first.map { String($0.prefix { $0 != "<" }) }
                }
                return found
            }
            let overview = try await figures("/oversigt")
            #expect(overview.count == 4 && !overview.values.contains("–"))
            #expect(overview["approved"] != "0,00 kr." && overview["due"] != overview["paid"])
            for path in ["/opgoerelse?dato=2026-11-26", "/oekonomi?dato=2026-11-26", "/rapport?halvaar=2026-H2"] {
                #expect(try await figures(path) == overview, "\(path)")
            }
            // The API's settlement agrees: "beregnet" is its total, "godkendt" its approved half-years.
            let summary = try await client.send(.get, "/api/settlements/summary?asOf=2026-11-26", as: .pl).object
            let total = try Money.parse((summary["totals"] as? [String: Any])?["total"] as? String ?? "", form: .machine)
            #expect(overview["computed"] == total.danishString)
            // `/api/finance` names the same four figures; its T 5.3 check compares the approved
            // half-years due, and states what is computed but not approved apart.
            let finance = try await client.send(.get, "/api/finance?asOf=2026-11-26", as: .dsi).object
            let repayments = try #require(finance["repayments"] as? [String: String])
            #expect(try repayments.mapValues { try Money.parse($0, form: .machine).danishString } == overview)
            let reconciliation = try #require(finance["reconciliation"] as? [String: Any])
            #expect(reconciliation["periods"] as? [String] == ["2023-H2", "2024-H1", "2024-H2"])
            let notApproved = try Money.parse(reconciliation["notApproved"] as? String ?? "", form: .machine)
            let approved = try Money.parse(repayments["approved"] ?? "", form: .machine)
            #expect(notApproved > .zero && approved + notApproved == total)
        }
    }
}
