import Foundation
import HTTPTypes
import HummingbirdTesting
import OutcomesContractFile
import OutcomesCore
import OutcomesServer
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #16 (4): no page speaks in codes, English or the developers' names for things.
@Suite("Every page speaks Danish to its reader (in process)")
struct DanishPagesTests {
    /// The words a reader (or a screen reader) meets: the page's text and its labels, titles
    /// and alternative texts, without scripts, styles and charts' drawing. Literal file content
    /// a user must write (a column name in `<code>`) and the file's own words in a rejected
    /// file's errors — its name and column, a value quoted in '…', the allowed codes — are left
    /// out: the errors must quote them.
    static func visibleText(_ html: String) -> String {
        var text = html
        let labels = html.matches(of: /(?:aria-label|title|alt|placeholder)="([^"]*)"/).map { String($0.output.1) }
        for pattern in [#"<script[\s\S]*?</script>"#, #"<style[\s\S]*?</style>"#, #"<code>[\s\S]*?</code>"#, #"<td class="quotes-file">[\s\S]*?</td>"#, #"'[^'<]*'|&#39;[^<]*?&#39;"#, #"\(tilladt: [^)]*\)"#, #"<svg[^>]*>"#, #"<[^>]*>"#] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        return (text + " " + labels.joined(separator: " · ")).replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
    }

    /// Codes and English that must not reach a reader, each with why.
    static let forbidden: [(pattern: String, why: String)] = [
        (#"\b20\d\d-H[12]\b"#, "a half-year as a code (say \"2. halvår 2024\")"),
        (#"SPEC §|\boutcomes (check|settle|serve|import|finance|forecast)\b"#, "the developers' documents or commands"),
        (#"\b[a-z]+[A-Z][a-zA-Z]+\b"#, "a camelCase identifier"),
        (#"\bXIRR\b|\bIRR\b"#, "an abbreviation without its Danish meaning"),
        (#"(?i)\b(the|and|of|with|not|found|error|true|false|nil|null|Optional|undefined|NaN)\b"#, "English or a program's value"),
        (#"\b20\d\d-\d\d-\d\d\b|\d\d:\d\d:\d\dZ?\b"#, "an ISO date or a timestamp (say \"31.10.2023 kl. 11.00\")"),
        (#":\s+\.(\s|$)"#, "a label with an empty value (a template showing a text that is empty)"),
        (#"\b(houlkaer|ellekonebakken|karup-kolvraa|vestbyen|treatment|control|enrolled|rejected|moved|deceased|relativeReduction)\b"#, "a code instead of its Danish name"),
    ]

    /// Problems in `html`, each with the page, the rule and the words around.
    static func findings(in html: String, page: String) -> [String] {
        let text = visibleText(html)
        return forbidden.compactMap { rule in
            guard let range = text.range(of: rule.pattern, options: .regularExpression) else { return nil }
            return "\(page): \(rule.why): …\(text[..<range.lowerBound].suffix(40))[\(text[range])]\(text[range.upperBound...].prefix(40))…"
        }
    }

    /// A multipart upload of `files` as the form field `field`.
    static func multipart(_ files: [String: String], field: String, csrf: String) -> (body: String, type: String) {
        let boundary = "outcomes-danish-boundary"
        var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n"
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(name)\"\r\nContent-Type: text/csv\r\n\r\n\(text)\r\n"
        }
        return (body + "--\(boundary)--\r\n", "multipart/form-data; boundary=\(boundary)")
    }

    @Test("no page shows a half-year code, a command, an identifier or English, for any role", arguments: [Backend.sqlite])
    func noCodes(backend: Backend) async throws {
        let extra: [String] = [
            "/adgangskode", "/opgoerelse/linjer?dato=2026-11-26&maal=3", "/husstande?soeg=zzz", "/husstande?side=99", "/findes-ikke",
            "/visitation?soeg=H000", "/oekonomi", "/opgoerelse",
        ]
        let pages: [String] = WebPageTests.pages.map { $0.path } + extra
        try await withAPI(backend) { _, store, client in
            var findings: [String] = []
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            func post(_ path: String, _ body: String, _ session: (cookie: String, csrf: String), type: String? = nil) async throws -> Answer {
                var headers = form
                headers[.cookie] = session.cookie
                if let type { headers[.contentType] = type }
                return try await client.send(.post, path, raw: type == nil ? "_csrf=\(session.csrf)&\(body)" : body, headers: headers)
            }
            // Records of every kind on file, so that their lists show…
            let pl = try await WebPageTests().logIn(client, .pl)
            for (path, body) in [
                ("/styring/betaling", "kind=disbursement&from=dsi&to=kommune&paidOn=2024-11-29&amount=1.304.167%2C00&reference=Anden+rate"),
                ("/styring/betaling", "kind=repayment&from=kommune&to=lbf&paidOn=2025-09-30&amount=100.000&reference=Mål+4"),
                ("/styring/regnskab", "lineKey=staff&year=2024&amount=1.480.000"),
                ("/styring/rapport", "period=2024-H2&submittedOn=2025-02-15"),
                ("/styring/moede", "heldOn=2025-06-10&annual=ja&accountsReceivedOn=2025-05-28&minutes=%C3%85rsm%C3%B8de"),
                ("/styring/meddelelse", "kind=withholding&received=2025-03-01&remedyBy=2025-04-30&subject=Visitationen"),
                ("/styring/meddelelse", "kind=revocation&received=2025-06-01&subject=Ikke+afhjulpet"),
                ("/styring/meddelelse", "kind=dispute&received=2025-07-01&subject=Uenighed"),
                ("/styring/referencesats", "effectiveFrom=2025-07-01&rate=1%2C60"),
            ] {
                #expect(try await post(path, body, pl).status == .seeOther, "\(path) \(body)")
            }
            let dsi = try await WebPageTests().logIn(client, .dsi)
            #expect(try await post("/oekonomi/beslutning", "kind=relativeReduction&year=2024&amount=100.000&decidedOn=2025-05-20", dsi).status == .seeOther)
            let ev = try await WebPageTests().logIn(client, .ev)
            #expect(try await post("/opgoerelse/indstil", "halvaar=2023-H2", ev).status == .seeOther)
            // …and the answers to errors and previews, which are pages too.
            var answers: [(String, Answer)] = []
            answers.append(("a wrong payment", try await post("/styring/betaling", "kind=repayment&from=kommune&to=dsi&paidOn=2025-03-31&amount=12%2C345", pl)))
            answers.append(("a household twice", try await post("/husstande", "id=H00002&area=houlkaer&group=treatment&start=2024-01-10", pl)))
            let bad = Self.multipart(["households.csv": "household_id,area,group,start_date\nH1,houlkaer,treatment,2024-01-10\nH2,vestbyen,treatment,2024-02-01\n"], field: "files", csrf: ev.csrf)
            answers.append(("a rejected delivery", try await post("/leverancer", bad.body, ev, type: bad.type)))
            let preview = Self.multipart(DeliveryPreviewTests.changedFiles(), field: "files", csrf: ev.csrf)
            answers.append(("a delivery's preview", try await post("/leverancer", preview.body, ev, type: preview.type)))
            let population = Self.multipart(["population.csv": "household_id,area\nL1,houlkaer\nL2,vestbyen\n"], field: "population", csrf: ev.csrf)
            answers.append(("a wrong population", try await post("/lodtraekning", population.body + "", ev, type: population.type)))
            var contract = ContractFile.builtInText.replacingOccurrences(of: "\nversion: 2\n", with: "\nversion: 3\neffectiveFrom: 2025-01-01\n")
            contract = contract.replacingOccurrences(of: "budgetDeviationThreshold: {value: 10,", with: "budgetDeviationThreshold: {value: 15,")
            let version = Self.multipart(["aftale.yaml": contract], field: "file", csrf: pl.csrf)
            answers.append(("a new agreement version", try await post("/aftale", version.body, pl, type: version.type)))
            let broken = Self.multipart(["aftale.yaml": "format: 1\nid: x\nversion: [\n"], field: "file", csrf: pl.csrf)
            answers.append(("a broken agreement", try await post("/aftale", broken.body, pl, type: broken.type)))
            // The login page, and the page of a user whose password someone else chose.
            answers.append(("the login page", try await client.send(.get, "/login")))
            try await store.createUser(
                UserAccount(username: "ny", displayName: "Ny", role: .steeringGroup, mustChangePassword: true),
                password: "midlertidig-kode-1",
                audit: AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
            )
            let login = try await client.send(
                .post, "/login", raw: "username=ny&password=midlertidig-kode-1", headers: [.contentType: "application/x-www-form-urlencoded"]
            )
            let forced = String((login.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
            #expect(login.headers[.location] == "/adgangskode")
            answers.append(("a password chosen by someone else", try await client.send(.get, "/adgangskode", headers: [.cookie: forced])))
            for (what, answer) in answers {
                #expect(answer.status.code < 500, "\(what): \(answer.status)")
                findings += Self.findings(in: answer.text, page: what)
            }
            let dump = ProcessInfo.processInfo.environment["OUTCOMES_PAGE_TEXT"]
            for user in TestUser.allCases {
                let (cookie, _) = try await WebPageTests().logIn(client, user)
                for path in pages {
                    let answer = try await client.send(.get, path, headers: [.cookie: cookie, .accept: "text/html"])
                    if path.contains(".csv") { continue }  // a file for Excel, not a page
                    let text = Self.visibleText(answer.text)
                    if let dump {
                        try? (text.replacingOccurrences(of: " · ", with: "\n")).write(
                            toFile: "\(dump)/\(user)\(path.replacingOccurrences(of: "/", with: "_")).txt", atomically: true, encoding: .utf8)
                    }
                    findings += Self.findings(in: answer.text, page: "\(path) as \(user)")
                }
            }
            #expect(findings.isEmpty, "\(findings.joined(separator: "\n"))")
        }
    }
}
