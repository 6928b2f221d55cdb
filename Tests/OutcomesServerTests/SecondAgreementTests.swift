import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #18 (3): a second agreement of the family — another municipality, parties, areas,
/// period, two funders at 60/40, four goals in another order and no life satisfaction — runs
/// through the same server with no code of its own.
@Suite("A second agreement (examples/aarhus) in the web app and the API")
struct SecondAgreementTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/aarhus/aftale.yaml")
    static let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    static let aarhus: Commitment = {
        do { return try ContractFile.parse(text, file: "aftale.yaml") } catch { fatalError("examples/aarhus/aftale.yaml: \(error)") }
    }()
    static let demo = DemoData.generate(commitment: aarhus, seed: 2024, households: aarhus.expectedHouseholds.value)

    /// Viborg's own words, which another agreement's pages must not show.
    static let viborgWords = [
        "Viborg", "Houlkær", "Ellekonebakken", "Karup", "Landsbyggefond", "LBF", "BoligViborg", "Sct. Jørgen", "Poul Due", "Delendorff",
        "5,07 %", "74 %", "26 %", "Relationel Velfærd", "Livstilfredshed", "livstilfredshed",
    ]

    @Test("the contract validates without errors, and the demo delivery has only its goals' files")
    func contractAndDemo() throws {
        let findings = ContractValidator.validate(Self.aarhus)
        #expect(findings.filter { $0.severity == .error }.isEmpty, "\(findings)")
        #expect(Set(Self.demo.keys) == ["households.csv", "persons.csv", "employment.csv", "school_absence.csv", "social_measures.csv", "action_plan_goals.csv"])
        #expect(Self.aarhus.paymentGoals.map(\.kind) == [.employment, .schoolAbsence, .socialMeasures, .actionPlans])
        #expect(Self.aarhus.areas.map(\.area.rawValue) == ["vestbyen", "skovparken"])
        let delivery = try DeliveryImporter.importFiles(Self.demo.mapValues { Data($0.utf8) }, commitment: Self.aarhus).delivery
        #expect(Set(delivery.households.map(\.area.rawValue)) == ["vestbyen", "skovparken"])
        // The delivery's templates: its goals' files only, with its numbers and names.
        let template = DeliveryFormat.files(Self.aarhus)
        #expect(!template.map(\.name).contains("life_satisfaction.csv"))
        #expect(template.first { $0.name == "school_absence.csv" }?.meaning.hasPrefix("Mål 2, skolefravær") == true)
        #expect(template.first { $0.name == "action_plan_goals.csv" }?.meaning.hasPrefix("Mål 4, familieplaner") == true)
        #expect(template.first { $0.name == "households.csv" }?.columns.first { $0.name == "cohort" }?.meaning == "Kohorte for skolefravær (mål 2), 1, 2 eller 3.")
        #expect(template.first { $0.name == "households.csv" }?.columns.first { $0.name == "area" }?.meaning.contains("skovparken = Skovparken") == true)
    }

    @Test("every page for every role that may open it renders, in the agreement's own words", arguments: [Backend.sqlite])
    func pages(backend: Backend) async throws {
        try await withAPI(backend, agreement: Self.aarhus, contractText: Self.text, demoFiles: Self.demo) { _, _, client in
            var problems: [String] = []
            for user in TestUser.allCases {
                let (cookie, _) = try await WebPageTests().logIn(client, user)
                for page in WebPageTests.pages where page.allowed.contains(user) {
                    let answer = try await client.send(.get, page.path, headers: [.cookie: cookie])
                    guard answer.status == .ok else {
                        problems.append("\(page.path) as \(user): \(answer.status.code)")
                        continue
                    }
                    guard answer.headers[.contentType]?.hasPrefix("text/html") == true else { continue }
                    let text = DanishPagesTests.visibleText(answer.text)
                    for word in Self.viborgWords where text.contains(word) {
                        let at = text.range(of: word)!
                        problems.append("\(page.path) as \(user): '\(word)' …\(text[..<at.lowerBound].suffix(50))[\(word)]\(text[at.upperBound...].prefix(50))…")
                    }
                    problems += DanishPagesTests.findings(in: answer.text, page: "\(page.path) as \(user)")
                }
            }
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }

    @Test("the settlement through the API: four goals, both funders' shares, the areas' caseworker", arguments: [Backend.sqlite])
    func api(backend: Backend) async throws {
        try await withAPI(backend, agreement: Self.aarhus, contractText: Self.text, demoFiles: Self.demo) { _, _, client in
            let settlement = try await client.send(.get, "/api/settlements/summary?asOf=2028-12-31", as: .dsi)
            #expect(settlement.status == .ok, "\(settlement.text.prefix(300))")
            let period = try #require((settlement.object["periods"] as? [[String: Any]])?.last)
            #expect((period["goals"] as? [String: Any]).map { Set($0.keys) } == ["1", "2", "3", "4"])
            #expect(period["toDSI"] != nil && period["toNSF"] != nil && period["toLBF"] == nil, "\(period.keys.sorted())")
            // The API's description names the agreement's parties in the settlement's fields.
            let document = try await client.send(.get, "/openapi.json")
            let schema = ((document.object["components"] as? [String: Any])?["schemas"] as? [String: Any])?["Settlement"] as? [String: Any]
            let totals = ((schema?["properties"] as? [String: Any])?["totals"] as? [String: Any])?["properties"] as? [String: Any]
            #expect(totals.map { Set($0.keys) } == ["amount", "capReduction", "total", "kommune", "toDSI", "toNSF"])
            let households = try await client.send(.get, "/api/households?area=vestbyen", as: .pl)
            #expect(households.status == .ok)
            let elsewhere = try await client.send(.get, "/api/households?area=houlkaer", as: .pl)
            #expect(elsewhere.status == .badRequest && elsewhere.text.contains("vestbyen, skovparken"))
            let (cookie, _) = try await WebPageTests().logIn(client, .dsi)
            let workbook = try await client.send(.get, "/opgoerelse.xlsx?dato=2028-12-31", headers: [.cookie: cookie])
            #expect(workbook.status == .ok && workbook.headers[.contentType]?.contains("spreadsheetml") == true)
        }
    }
}
