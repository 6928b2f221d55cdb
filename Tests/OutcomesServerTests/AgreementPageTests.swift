import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesContractFile
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #16: contract versions in the browser — the versions, the findings, and a new version
/// uploaded, checked and shown against the version in use.
@Suite("The agreement's versions in the browser")
struct AgreementPageTests {
    @Test("everyone sees the versions and findings; the project lead uploads a new version and sees what changed; a broken file names its line")
    func agreement() async throws {
        try await withAPI(.sqlite) { _, store, client in
            let (sg, _) = try await WebPageTests().logIn(client, .sg)
            let page = try await client.send(.get, "/aftale", headers: [.cookie: sg]).text
            #expect(page.contains("Valideringens fund i versionen i brug") && !page.contains("action=\"/aftale\""))
            let (pl, csrf) = try await WebPageTests().logIn(client, .pl)
            func upload(_ text: String) async throws -> Answer {
                let boundary = "outcomes-agreement-boundary"
                let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"aftale.yaml\"\r\nContent-Type: text/yaml\r\n\r\n\(text)\r\n--\(boundary)--\r\n"
                return try await client.send(.post, "/aftale", raw: body, headers: [.cookie: pl, .contentType: "multipart/form-data; boundary=\(boundary)"])
            }
            var changed = ContractFile.builtInText.replacingOccurrences(
                of: "\nversion: 2\n",
                with: "\nversion: 3\neffectiveFrom: 2025-01-01\ndecision: \"Styregruppen 10.12.2024: ny tærskel for budgetafvigelser\"\n"
            )
            changed = changed.replacingOccurrences(of: "budgetDeviationThreshold: {value: 10,", with: "budgetDeviationThreshold: {value: 15,")
            let saved = try await upload(changed)
            #expect(saved.status == .ok, "\(saved.text.prefix(300))")
            // Issue #18: in force at once, from its effectiveFrom (T 11.1).
            #expect(saved.text.contains("Version 3 af viborg-relationel-velfaerd gælder nu."))
            #expect(saved.text.contains("<td>gælder nu</td><td>Styregruppen 10.12.2024: ny tærskel for budgetafvigelser</td>"))
            #expect(saved.text.contains("<td>afløst</td>"))
            #expect(saved.text.contains("Forskelle fra den forrige version"))
            // Any two versions compared.
            let compared = try await client.send(.get, "/aftale?fra=2&til=3", headers: [.cookie: sg])
            #expect(compared.status == .ok && compared.text.contains("Forskelle fra version 2 til version 3") && compared.text.contains("class=\"tilføjet\""))
            #expect(try await client.send(.get, "/aftale?fra=2&til=9", headers: [.cookie: sg]).status == .notFound)
            #expect(saved.text.contains("class=\"fjernet\"") && saved.text.contains("class=\"tilføjet\"") && saved.text.contains("budgetDeviationThreshold: {value: 15,"))
            #expect(try await store.contractVersions().map(\.version).contains(3))
            #expect(saved.text.contains("version 3, gælder fra 01.01.2025") && saved.text.contains("<td>01.01.2025</td>"))
            // A version cannot take effect before the agreement was signed.
            let early = try await upload(changed.replacingOccurrences(of: "effectiveFrom: 2025-01-01", with: "effectiveFrom: 2020-01-01").replacingOccurrences(of: "\nversion: 3\n", with: "\nversion: 4\n"))
            #expect(early.status == .unprocessableContent && early.text.contains("effectiveFrom"))
            let broken = try await upload("format: 1\nid: x\nversion: [\n")
            #expect(broken.status == .unprocessableContent && broken.text.contains("aftale.yaml"), "the error names the uploaded file")
        }
    }
}
