import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesAnalysis
import OutcomesContractFile
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #19: the forecast on what is known — through the API and on the finance page, with
/// scenarios.
@Suite("The forecast on what is known: API, finance page, scenarios")
struct ForecastAPITests {
    static func money(_ value: Any?) -> Int64? {
        (value as? String).flatMap { try? Money.parse($0, form: .machine) }?.minorUnits
    }

    @Test("GET /api/forecast: conditioned on the records, settled half-years fixed, each scenario against it; bad scenarios a clear 4xx", arguments: Backend.available)
    func api(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let answer = try await client.send(.get, "/api/forecast?asOf=2026-11-26", as: .sg)
            #expect(answer.status == .ok, "\(answer.text.prefix(300))")
            let forecast = answer.object
            #expect(forecast["asOf"] as? String == "2026-11-26" && forecast["runs"] as? Int == 10_000)
            #expect(forecast["resultsAsOf"] as? String == "2026-11-01", "the delivery's receipt")
            // A date far ahead knows no more than the delivery: nothing after it is settled.
            let ahead = try await client.send(.get, "/api/forecast?asOf=2030-01-01", as: .sg)
            #expect(ahead.status == .ok && ahead.object["resultsAsOf"] as? String == "2026-11-01")
            #expect((ahead.object["known"] as? [String: Any])?["settledPeriods"] as? Int == (forecast["known"] as? [String: Any])?["settledPeriods"] as? Int)
            let known = try #require(forecast["known"] as? [String: Any])
            let settledPeriods = try #require(known["settledPeriods"] as? Int)
            #expect(settledPeriods >= 6, "2023-H2 … 2026-H1 have ended")
            // The settled half-years are the settlement's closed ones, the same in every run.
            let summary = try await client.send(.get, "/api/settlements/summary?asOf=2026-11-26", as: .sg)
            let closed = try #require(summary.object["periods"] as? [[String: Any]]).filter { $0["closed"] as? Bool == true }
            #expect(closed.count == settledPeriods)
            let periods = try #require(forecast["periods"] as? [[String: Any]])
            for (period, settled) in zip(periods, closed) {
                #expect(period["period"] as? String == settled["period"] as? String)
                #expect(period["settled"] as? Bool == true)
                #expect(period["p5"] as? String == settled["total"] as? String && period["p95"] as? String == settled["total"] as? String)
            }
            #expect(Self.money(known["amount"]) == closed.compactMap { Self.money($0["total"]) }.reduce(0, +))
            #expect(periods.dropFirst(settledPeriods).allSatisfy { $0["settled"] as? Bool == false })
            // What the rates learned: the delivery's results, counted per rate.
            let learned = try #require(forecast["learned"] as? [[String: Any]])
            #expect(learned.contains { ($0["trials"] as? Int ?? 0) > 100 })
            // The agreement's own expectations beside it, as before conditioning existed.
            let base = try #require(forecast["base"] as? [String: Any])
            let agreed = ForecastModel(viborg).run(10_000, seed: 2023)
            #expect(((base["total"] as? [String: Any])?["mean"] as? String) == agreed.total.mean.machineString)
            let mean = try #require(Self.money((forecast["total"] as? [String: Any])?["mean"]))
            #expect(mean != agreed.total.mean.minorUnits)

            // Scenarios: enrolment stopping now, and goal 5 at half its rate — each against the forecast.
            let scenarios = try await client.send(
                .get,
                "/api/forecast?asOf=2026-11-26&scenario=enrolment-stop%3D100;rate-factor%3D5:0,5%2Blater-start%3D2",
                as: .dsi
            )
            #expect(scenarios.status == .ok, "\(scenarios.text.prefix(300))")
            let runs = try #require(scenarios.object["scenarios"] as? [[String: Any]])
            #expect(runs.map { $0["name"] as? String } == ["enrolment-stop=100", "rate-factor=5:0,5+later-start=2"])
            #expect((runs[1]["description"] as? String)?.contains("succesraten for mål 5 × 0,50") == true)
            #expect(Self.money(runs[1]["difference"]).map { $0 < 0 } == true, "half goal 5's rate lowers the forecast")
            for run in runs {
                let total = try #require(Self.money((run["total"] as? [String: Any])?["mean"]))
                #expect(Self.money(run["difference"]) == total - mean)
            }
            // The same under the agreement's own prefix.
            let twin = try await client.send(.get, "/api/agreements/\(viborg.id)/forecast?asOf=2026-11-26", as: .sg)
            #expect(twin.status == .ok && (twin.object["total"] as? [String: Any])?["mean"] as? String == (forecast["total"] as? [String: Any])?["mean"] as? String)

            // Hostile and absurd input: a clear 4xx naming the problem, never a trap.
            for (query, status, words) in [
                ("scenario=rate-factor%3D9:0.5", HTTPResponse.Status.unprocessableContent, "ikke et af aftalens mål"),
                ("scenario=rate-factor%3D1:-2", .unprocessableContent, "mellem 0 og 10"),
                ("scenario=enrolment-stop%3D99999999999999999999", .unprocessableContent, "enrolment-stop"),
                ("scenario=new-rate%3D1:100@2025-02-30", .unprocessableContent, "er ikke en dato"),
                ("scenario=drop%20table", .unprocessableContent, "mangler '='"),
                ("scenario=later-start%3D1;later-start%3D1;later-start%3D1;later-start%3D1;later-start%3D1;later-start%3D1", .unprocessableContent, "Højst 5"),
                ("scenario=rate-factor%3D1:0.99999999999999999999", .unprocessableContent, "højst 4 decimaler"),
                ("scenario=enrolment-stop%3D", .unprocessableContent, "enrolment-stop skal være"),
                ("scenario=%3D5", .unprocessableContent, "ikke et scenarie"),
                ("scenario=" + String(repeating: "a", count: 600), .unprocessableContent, "1–200 tegn"),
            ] {
                let refused = try await client.send(.get, "/api/forecast?asOf=2026-11-26&" + query, as: .sg)
                #expect(refused.status == status, "\(query.prefix(60)): \(refused.status) \(refused.text.prefix(200))")
                #expect(refused.text.contains(words), "\(query.prefix(60)): \(refused.text.prefix(200))")
            }
        }
    }

    @Test("many forecasts at once, the same and different scenarios: all answered, the same question the same answer", arguments: Backend.available)
    func concurrent(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let queries = (0..<16).map { "/api/forecast?asOf=2026-11-26&scenario=enrolment-stop%3D\(170 + $0 % 4)" }
            let answers = try await withThrowingTaskGroup(of: (String, HTTPResponse.Status, String?).self) { group in
                for (index, query) in queries.enumerated() {
                    group.addTask {
                        let answer = try await client.send(.get, query, as: index % 2 == 0 ? .dsi : .sg)
                        let scenario = (answer.object["scenarios"] as? [[String: Any]])?.first
                        return (query, answer.status, (scenario?["total"] as? [String: Any])?["mean"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 16 && answers.allSatisfy { $0.1 == .ok && $0.2 != nil })
            for query in Set(queries) {
                #expect(Set(answers.filter { $0.0 == query }.map(\.2)).count == 1, "\(query): one answer")
            }
        }
    }

    @Test("the finance page: what is known and what each rate learned; a scenario from the form against the forecast; a bad one answered 422 with its reason")
    func page() async throws {
        try await withAPI(.sqlite) { _, _, client in
            let (cookie, _) = try await WebPageTests().logIn(client, .sg)
            let page = try await client.send(.get, "/oekonomi?dato=2026-11-26", headers: [.cookie: cookie])
            #expect(page.status == .ok)
            // The results are known to the delivery's receipt (1 November 2026).
            #expect(page.text.contains("Prognosen bygger på resultaterne til 01.11.2026 (den seneste leverance)"))
            #expect(page.text.contains("Hvad de leverede resultater har lært prognosen"))
            #expect(page.text.contains("Scenarie: hvad nu hvis") && !page.text.contains("Scenariet mod prognosen"))
            let scenario = try await client.send(
                .get,
                "/oekonomi?dato=2026-11-26&stop=&maal=1&faktor=0%2C8&senere=&takstmaal=5&takst=150&fra=2027-01-01",
                headers: [.cookie: cookie]
            )
            #expect(scenario.status == .ok, "\(scenario.text.prefix(300))")
            #expect(scenario.text.contains("Scenariet mod prognosen"))
            #expect(scenario.text.contains("succesraten for mål 1 × 0,80 og taksten for mål 5 bliver 150 kr."))
            #expect(scenario.text.contains("value=\"0,8\""), "the fields keep what was typed")
            let bad = try await client.send(.get, "/oekonomi?dato=2026-11-26&maal=1&faktor=mange", headers: [.cookie: cookie])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("mange&#39; er ikke en faktor") && bad.text.contains("Prognose: forventede tilbagebetalinger"))
        }
    }
}
