import Foundation
import OutcomesCore
import OutcomesStore
import OutcomesTestSupport
import Testing

@Suite("outcomes lottery and outcomes check")
struct ComplianceCommandTests {
    let executable = ExecutableTests()

    var repository: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    @Test("draw writes the list and prints the hashes; verify accepts it and names the first tampered position")
    func lottery() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lottery-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let population = folder.appendingPathComponent("population.csv").path
        try Data(("household_id;area\n" + (1...40).map { "V\($0);houlkaer\n" }.joined()).utf8).write(to: URL(fileURLWithPath: population))
        let list = folder.appendingPathComponent("list.csv").path
        let draw = try executable.run(["lottery", "draw", "--population", population, "--seed", "Styregruppen 31.10.2023", "--out", list])
        #expect(draw.status == 0, "\(draw.stderr)")
        #expect(draw.stdout.contains("listens SHA-256:"))
        let verify = try executable.run(["lottery", "verify", "--population", population, "--seed", "Styregruppen 31.10.2023", "--list", list])
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("Listen passer"))
        let otherSeed = try executable.run(["lottery", "verify", "--population", population, "--seed", "et andet frø", "--list", list])
        #expect(otherSeed.status == 1)
        #expect(otherSeed.stderr.hasPrefix("Listen passer ikke: plads 1 skulle være"))
    }

    @Test("draw --database keeps the lottery and the list's places in the register")
    func lotteryInStore() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lottery-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let population = folder.appendingPathComponent("population.csv").path
        try Data("household_id,area\nW1,houlkaer\nW2,ellekonebakken\nW3,karup-kolvraa\n".utf8).write(to: URL(fileURLWithPath: population))
        let database = folder.appendingPathComponent("store.sqlite").path
        let draw = try executable.run([
            "lottery", "draw", "--population", population, "--seed", "s", "--out", folder.appendingPathComponent("l.csv").path, "--database",
            database,
        ])
        #expect(draw.status == 0, "\(draw.stderr)")
        let store = try await SQLOutcomesStore.open(url: database)
        let lotteries = try await store.lotteries()
        let positions = try await store.households(in: nil).compactMap(\.listPosition).sorted()
        let verification = try await store.verifyAudit()
        try await store.close()
        #expect(lotteries.count == 1 && lotteries.first?.seed == "s" && lotteries.first?.households == 3)
        #expect(positions == [1, 2, 3])
        #expect(verification == .intact(entries: 1))
    }

    @Test("calendar writes the user's deadlines and meetings as iCalendar, the same file as their calendar address; an unknown user is refused")
    func calendar() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("calendar-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = folder.appendingPathComponent("store.sqlite").path
        let store = try await SQLOutcomesStore.open(url: database)
        try await store.migrate()
        store.setPasswordCost(4)
        let event = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
        try await store.createUser(UserAccount(username: "lise", displayName: "Lise", role: .projectLead), password: "lise-kode-123456", audit: event)
        try await store.recordMeeting(Meeting(heldOn: LocalDate(iso: "2026-12-10")!, isAnnualMeeting: false, accountsReceivedOn: nil, minutes: "Halvårsmøde"), audit: event)
        try await store.close()
        let file = folder.appendingPathComponent("frister.ics").path
        let result = try executable.run(["calendar", "--database", database, "--user", "lise", "--as-of", "2026-11-26", "--out", file])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(text.contains("SUMMARY:Frist: ") && text.contains("SUMMARY:Styregruppemøde (T 7.3)") && text.contains("DTSTART;VALUE=DATE:20261210"))
        let unknown = try executable.run(["calendar", "--database", database, "--user", "ingen", "--as-of", "2026-11-26", "--out", "-"])
        #expect(unknown.status == 1 && unknown.stderr.contains("Brugeren ingen findes ikke"))
    }

    @Test("check --format json gives every finding with clause, severity, figures and what to do")
    func checkJSON() throws {
        let result = try executable.run([
            "check", "--data", repository.appendingPathComponent("examples/viborg-demo").path, "--as-of", "2026-11-26", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        // SPEC §9: the check names the readings its rules use.
        #expect((object["interpretations"] as? [[String: String]])?.compactMap { $0["key"] } == ["budgetDeviationThreshold", "substantialRealisation"])
        let ended = try #require(findings.first { $0["rule"] as? String == "ended-courses" })
        // Issue #15: 11 courses ended early and 35 ended stably (P 1.1.3): within the limit of 20.
        #expect(ended["severity"] as? String == "info")
        #expect((ended["figures"] as? [[String: String]])?.first == ["label": "forløb ophørt før tid", "value": "11"])
        #expect(ended["clause"] as? String == "T 6.1.1 (iii)")
        #expect((ended["action"] as? String)?.isEmpty == false)
        #expect(findings.allSatisfy { $0["figures"] is [[String: String]] && $0["message"] is String })
        #expect(findings.contains { $0["rule"] as? String == "late-enrolment" })
    }

    @Test("finance --format json: the plan against what was paid, the return cap beside its formula, cash flows with XIRR")
    func finance() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("finance-\(UUID().uuidString)")
        let database = folder.appendingPathComponent("store.sqlite").path
        let store = try await SQLOutcomesStore.open(url: database)
        try await store.migrate()
        try await store.recordTransfers([
            (.disbursement, "dsi", "kommune", "2023-11-30", 1_304_167), (.repayment, "kommune", "dsi", "2025-03-31", 1_400_000),
        ])
        try await store.recordGrantDecision(
            GrantDecision(kind: .relativeReduction, year: 2024, amount: Money(kroner: 100_000), decidedOn: LocalDate(iso: "2025-05-20")!, note: ""),
            audit: AuditEvent(actor: "test", action: "record-grant-decision", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
        )
        try await store.close()
        // Issue #15: the text names the grant as DSI's, the recipients, and the recorded reduction on the next installment.
        let text = try executable.run(["finance", "--as-of", "2026-11-26", "--database", database])
        #expect(text.stdout.contains("Tredje rate, Den Sociale Investeringsfond S/I til Viborg Kommune"))
        #expect(text.stdout.contains("reduceret 100.000,00 kr. (T 4.2)"))
        #expect(text.stdout.contains("Landsbyggefonden til BoligViborg"))
        #expect(text.stdout.contains("relativ reduktion (T 4.2 (i)) for 2024"))
        #expect(text.stdout.contains("2023: udbetalt 1.304.167,00 kr.; regnskab mangler"))
        let result = try executable.run(["finance", "--as-of", "2026-11-26", "--database", database, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let cap = try #require(object["returnCap"] as? [String: String])
        #expect(cap["stated"] == "6000000.00" && cap["horizon"] == "2028-12-31")
        // SPEC §9: finance names the settlement's readings and its own.
        let keys = (object["interpretations"] as? [[String: String]])?.compactMap { $0["key"] } ?? []
        #expect(keys.contains("relativeReduction") && keys.contains("returnCapHorizon") && keys.contains("revocationInterest") && keys.contains("trancheShares"))
        #expect(!keys.contains("substantialRealisation"))
        #expect(text.stdout.contains("Fortolkninger (SPEC §9)") && text.stdout.contains("Renter ved tilbagekaldelse"))
        // SPEC §10: the four repayment figures, by name; with no delivery nothing is computed.
        #expect(object["repayments"] as? [String: String] == ["computed": "0.00", "approved": "0.00", "due": "0.00", "paid": "0.00"])
        let parties = try #require(object["parties"] as? [[String: Any]])
        let dsi = try #require(parties.first { $0["party"] as? String == "dsi" })
        #expect(dsi["paid"] as? String == "1304167.00")
        #expect(dsi["xirr"] is String, "DSI paid and received: a rate exists")
        let plan = try #require(object["disbursementPlan"] as? [[String: Any]])
        #expect(plan.first { $0["funder"] as? String == "dsi" }?["paid"] as? String == "1304167.00")
        // T 5.3, interim: with no delivery nothing is owed yet, so the 1.400.000 kr. repaid is
        // the municipality's to have back and DSI's to return; repayments by payer and recipient.
        let reconciliation = try #require(object["reconciliation"] as? [String: Any])
        #expect(reconciliation["final"] as? Bool == false && reconciliation["lastPaymentDue"] as? String == "2029-03-31")
        let rows = try #require(reconciliation["parties"] as? [[String: String]])
        #expect(rows.first { $0["party"] == "kommune" }?["difference"] == "-1400000.00")
        #expect(rows.first { $0["party"] == "dsi" }?["difference"] == "1400000.00")
        #expect((reconciliation["repaid"] as? [[String: String]])?.first == ["from": "kommune", "to": "dsi", "amount": "1400000.00"])
    }

    @Test("forecast --format json has the expected case per goal and in total, and mean and percentiles of the runs")
    func forecast() throws {
        let result = try executable.run(["forecast", "--runs", "2000", "--seed", "5", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        // SPEC §9: the forecast names the readings it depends on.
        #expect((object["interpretations"] as? [[String: String]])?.compactMap { $0["key"] } == ["trancheShares", "returnCapCoverage", "forecastPriorStrength"])
        let expected = try #require(object["expected"] as? [String: Any])
        let goals = try #require(expected["goals"] as? [String: [String: String]])
        #expect(goals["3"]?["amount"] == "1090830.00" && goals["4"]?["payable"] == "250000.00")
        #expect(expected["total"] is String)
        let runs = try #require(object["goals"] as? [String: [String: Any]])
        for number in ["1", "2", "3", "4", "5"] {
            let payable = try #require(runs[number]?["payable"] as? [String: String])
            #expect(Set(payable.keys) == ["mean", "p5", "p50", "p95"])
        }
        #expect((object["total"] as? [String: String])?["p50"] != nil)
        // The funders: what they receive and their rate, expected and over the runs.
        let expectedFunders = try #require(expected["funders"] as? [String: [String: Any]])
        #expect(expectedFunders["dsi"]?["received"] as? String == "4878500.00")
        #expect((expectedFunders["lbf"]?["irr"] as? Double).map { $0 < 0 } == true)
        let funders = try #require(object["funders"] as? [String: [String: Any]])
        #expect((funders["dsi"]?["irr"] as? [String: Any])?["p50"] is Double)
        // Repayments per half-year: the expected case and the runs' means, with due dates.
        let periods = try #require(expected["periods"] as? [[String: Any]])
        #expect(periods.first?["period"] as? String == "2023-H2" && periods.first?["due"] as? String == "2024-03-31")
        #expect(periods.contains { $0["period"] as? String == "2024-H2" && $0["total"] as? String == "166482.00" })
        #expect((object["periods"] as? [[String: Any]])?.count == periods.count)
    }

    /// Issue #19: the forecast conditioned on a delivery's folder as of a date, with scenarios.
    @Test("forecast --data --as-of: settled half-years known, rates learned, scenarios against it; a bad scenario exits 1 naming it")
    func conditionedForecast() throws {
        let folder = repository.appendingPathComponent("examples/viborg-demo").path
        let result = try executable.run([
            "forecast", "--data", folder, "--as-of", "2025-12-31", "--runs", "2000", "--seed", "5", "--format", "json",
            "--scenario", "enrolment-stop=120", "--scenario", "new-rate=1:9000@2026-01-01",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["asOf"] as? String == "2025-12-31")
        let known = try #require(object["known"] as? [String: Any])
        #expect(known["settledPeriods"] as? Int == 5 && (known["amount"] as? String).map { $0 != "0.00" } == true)
        let learned = try #require(object["learned"] as? [[String: Any]])
        #expect(learned.contains { ($0["goal"] as? Int) == 1 && ($0["trials"] as? Int ?? 0) > 0 })
        let scenarios = try #require(object["scenarios"] as? [[String: Any]])
        #expect(scenarios.map { $0["name"] as? String } == ["enrolment-stop=120", "new-rate=1:9000@2026-01-01"])
        #expect((scenarios[0]["difference"] as? String)?.hasPrefix("-") == true, "fewer households, less repaid")
        // The text names what is known and the scenarios.
        let text = try executable.run(["forecast", "--data", folder, "--as-of", "2025-12-31", "--runs", "1000", "--scenario", "later-start=6"])
        #expect(text.status == 0 && text.stdout.contains("Betinget af det kendte pr. 31.12.2025: 5 afregnede halvår"))
        #expect(text.stdout.contains("Scenarie 1") && text.stdout.contains("de kommende husstande starter 6 måneder senere"))
        // Absurd input: a clear message and exit code, nothing else.
        let bad = try executable.run(["forecast", "--data", folder, "--as-of", "2025-12-31", "--scenario", "rate-factor=7:2"])
        #expect(bad.status == 1 && bad.stderr.contains("'7' er ikke et af aftalens mål") && bad.stdout.isEmpty)
        let noDate = try executable.run(["forecast", "--data", folder])
        #expect(noDate.status != 0 && noDate.stderr.contains("--data kræver --as-of"))
    }
}
