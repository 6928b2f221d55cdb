import Foundation
import OutcomesApplication
import OutcomesContractFile
import OutcomesCore
import OutcomesTestSupport
import OutcomesDelivery
import Testing

@testable import OutcomesStore

/// Chromium and chromedriver, as Debian installs them (`.ci/run` does).
enum Browser {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { chromium != nil && driver != nil }
    /// axe-core 4.x (the copy inside PyPI's axe-playwright-python; `.ci/run` puts it here), or
    /// `OUTCOMES_AXE`.
    static let axe: String? = {
        let path = ProcessInfo.processInfo.environment["OUTCOMES_AXE"] ?? "/usr/local/share/outcomes/axe.min.js"
        return (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { $0.contains("axe v4.") ? $0 : nil }
    }()
    /// Poppler's tools, to read the report's PDF as text.
    static let pdftotext = ["/usr/bin/pdftotext"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let pdfinfo = ["/usr/bin/pdfinfo"].first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// The people of SPEC §1, one of each, as the browser tests log in.
let browserUsers: [(username: String, role: Role)] = [
    ("lise", .projectLead), ("anne", .areaCaseworker(.houlkaer)), ("erik", .evaluator), ("dsi", .funder(PartyKey("dsi"))),
    ("sofie", .steeringGroup), ("admin", .admin),
]
func browserPassword(_ username: String) -> String { "\(username)-kode-12345" }

@Suite("The web app in a real browser (headless Chromium)", .serialized, .enabled(if: Browser.available, "needs chromium and chromium-driver"))
struct BrowserTests {
    /// Where screenshots go: `OUTCOMES_SCREENSHOTS` (the README's are made with
    /// `OUTCOMES_SCREENSHOTS=docs/screenshots`), else a temporary folder.
    static let screenshots: String = {
        let folder =
            ProcessInfo.processInfo.environment["OUTCOMES_SCREENSHOTS"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-screenshots").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }()

    /// A server with the demo delivery, one user of each role and a household whose plan can
    /// still be adjusted; chromedriver beside it. `demoHistory: false` imports the demo delivery
    /// alone, so the server does not add the demo's decisions, approvals and payments.
    func withBrowser(width: Int = 1366, demoHistory: Bool = true, _ body: (ServerProcess, WebDriver) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-browser-\(UUID().uuidString)")
        let database = folder.appendingPathComponent("data/outcomes.sqlite").path
        let store = try await SQLOutcomesStore.open(url: database)
        do {
            try await store.migrate()
            store.setPasswordCost(4)
            let event = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
            for user in browserUsers {
                try await store.createUser(
                    UserAccount(username: user.username, displayName: user.username.capitalized, role: user.role),
                    password: browserPassword(user.username),
                    audit: event
                )
            }
            if !demoHistory {
                _ = try await store.importDelivery(
                    DemoData.generate(commitment: ContractFile.builtIn(), seed: 2023, households: 180).mapValues { Data($0.utf8) },
                    commitment: ContractFile.builtIn(),
                    receivedOn: LocalDate(iso: "2026-11-01")!,
                    audit: event
                )
            }
            // A token of the project lead's script, for the admin to revoke.
            try await store.saveAPIToken(Self.scriptToken, username: "lise", name: "lises-script", audit: event)
            try await store.saveHousehold(
                Household(id: HouseholdID("H-NY"), area: .houlkaer, group: .treatment, start: LocalDate(iso: "2026-10-15")!),
                interventionPeriod: ContractFile.builtIn().interventionPeriod.value,
                audit: event
            )
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
        let server = try ServerProcess(arguments: ["--database", database], folder: folder)
        #expect(try await server.started(), "\(server.stderr)")
        let port = Int.random(in: 20_000...60_000)
        let driverProcess = Process()
        driverProcess.executableURL = URL(fileURLWithPath: Browser.driver!)
        driverProcess.arguments = ["--port=\(port)"]
        // Date fields and number formats follow the browser's locale: Danish, as the users'.
        driverProcess.environment = ProcessInfo.processInfo.environment.merging(["LANGUAGE": "da", "LANG": "da_DK.UTF-8"]) { _, new in new }
        driverProcess.standardOutput = FileHandle.nullDevice
        driverProcess.standardError = FileHandle.nullDevice
        try driverProcess.run()
        defer {
            driverProcess.terminate()
            server.signal(SIGTERM)
        }
        let driverURL = "http://127.0.0.1:\(port)"
        for _ in 0..<100 {
            if (try? await WebDriver.request("GET", driverURL + "/status")) != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let browser = try await WebDriver.start(driver: driverURL, chromium: Browser.chromium!, width: width)
        do {
            try await body(server, browser)
            await browser.quit()
        } catch {
            await browser.quit()
            throw error
        }
    }

    static let scriptToken = "outcomes-browser-test-token-0123456789abcdef"

    func logIn(_ browser: WebDriver, _ server: ServerProcess, as username: String, password: String? = nil) async throws {
        try await browser.go(server.baseURL + "/login")
        try await browser.type("#username", username)
        try await browser.type("#password", password ?? browserPassword(username))
        try await browser.click("button[type=submit]")
        #expect(try await browser.waitForURL(containing: "/oversigt"), "\(username) lands on the overview")
    }

    /// The evaluator draws the list from `population` (after the confirmation); the file's URL.
    func drawLottery(_ browser: WebDriver, _ server: ServerProcess, _ population: String, households: Int) async throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-lottery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("population.csv")
        try Data(population.utf8).write(to: file)
        try await logIn(browser, server, as: "erik")
        try await browser.go(server.baseURL + "/lodtraekning")
        try await browser.attach("#population", [file.path])
        try await browser.type("#seed", "styregruppen-2023-10-30")
        try await browser.click("#traek button[type=submit]")
        try await browser.acceptDialog()
        #expect(try await browser.waitForText("Lodtrækningen er gemt: \(households) husstande"))
        return file
    }

    func logOut(_ browser: WebDriver) async throws {
        try await browser.click("form.logout button")
        #expect(try await browser.waitForURL(containing: "/login"))
    }

    /// Every page and who may open it (SPEC §1), by the browser tests' users.
    static let pagesByUser: [(path: String, users: Set<String>)] = [
        ("/oversigt", ["lise", "anne", "erik", "dsi", "sofie", "admin"]),
        ("/visitation", ["lise", "anne", "erik"]), ("/husstande", ["lise", "anne", "erik"]), ("/husstande/H-NY", ["lise", "anne", "erik"]),
        ("/leverancer", ["lise", "erik"]), ("/opgoerelse", ["lise", "erik", "dsi", "sofie"]),
        ("/opgoerelse/linjer?maal=1", ["lise", "erik"]), ("/rapport", ["lise", "erik", "dsi", "sofie"]),
        ("/oekonomi", ["lise", "erik", "dsi", "sofie"]), ("/styring", ["lise", "erik", "dsi", "sofie"]),
        ("/lodtraekning", ["lise", "anne", "erik"]), ("/aftale", ["lise", "anne", "erik", "dsi", "sofie", "admin"]),
        ("/brugere", ["admin"]), ("/brugere/lise", ["admin"]), ("/findes-ikke", ["lise", "dsi"]),
        ("/kalender", ["lise", "anne", "erik", "dsi", "sofie", "admin"]),
        ("/adgangskode", ["lise", "anne", "erik", "dsi", "sofie", "admin"]),
        // Issue #18: the user's agreements, the portfolio, an agreement's pages under its address.
        ("/aftaler", ["lise", "anne", "erik", "dsi", "sofie", "admin"]),
        ("/portefolje", ["lise", "anne", "erik", "dsi", "sofie", "admin"]),
        ("/aftaler/viborg-relationel-velfaerd/oversigt", ["lise", "anne", "erik", "dsi", "sofie", "admin"]),
        ("/aftaler/viborg-relationel-velfaerd/husstande", ["lise", "anne", "erik"]),
        // Issue #19: the finance page with a scenario's results.
        ("/oekonomi?dato=2026-11-26&stop=120&maal=1&faktor=0,8", ["lise", "erik", "dsi", "sofie"]),
    ]

    /// How far the page is wider than the window, and the widest elements outside a scroll box.
    func overflow(_ browser: WebDriver) async throws -> (pixels: Int, widest: String) {
        let pixels = try await browser.script("return document.documentElement.scrollWidth - window.innerWidth") as? Int ?? 99
        let widest = try await browser.script(
            "let w=window.innerWidth; return Array.from(document.querySelectorAll('body *')).filter(e=>e.getBoundingClientRect().right>w+1 && !e.closest('.scroll')).slice(0,6).map(e=>e.tagName+'.'+e.className+' '+Math.round(e.getBoundingClientRect().right)).join(' | ')"
        ) as? String ?? ""
        return (pixels, widest)
    }

    /// WCAG 2.1 A and AA violations on the page as it stands, by axe-core: each rule with up to
    /// three of the elements it names.
    func accessibilityViolations(_ browser: WebDriver) async throws -> [String] {
        try await browser.script(Browser.axe! + "\n;return typeof axe;")
        let found = try await browser.scriptAsync(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
              .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')).join(' ; '))))
              .catch(e => done(['axe failed: ' + e]));
            """
        )
        return found as? [String] ?? ["axe returned nothing"]
    }

    @Test(
        "issue #17: axe-core finds no WCAG 2.1 A/AA violation on any page, for any role, at desktop and phone width, error states included",
        .enabled(if: Browser.axe != nil, "needs axe-core (.ci/run installs it)")
    )
    func accessibility() async throws {
        try await withBrowser { server, browser in
            var found: [String] = []
            func check(_ what: String) async throws {
                found += try await accessibilityViolations(browser).map { "\(what): \($0)" }
            }
            try await browser.go(server.baseURL + "/login")
            try await check("/login")
            try await browser.type("#username", "anne")
            try await browser.type("#password", "forkert-forkert")
            try await browser.click("button[type=submit]")
            _ = try await browser.waitForText("error-box")
            try await check("/login with a wrong password")
            for width in [1366, 390] {
                try await browser.resize(width: width, height: width == 390 ? 844 : 1000)
                for user in browserUsers.map(\.username) {
                    try await logIn(browser, server, as: user)
                    for page in Self.pagesByUser where page.users.contains(user) {
                        try await browser.go(server.baseURL + page.path)
                        try await check("\(page.path) as \(user) at \(width) px")
                    }
                    if user == "lise" {
                        // Error states: a refused payment, a household entered twice.
                        try await browser.go(server.baseURL + "/styring")
                        try await browser.type("#betaling-amount", "12,345")
                        try await browser.script("document.getElementById('betaling-paidOn').value = '2025-03-31'")
                        try await browser.click("#betaling button[type=submit]")
                        _ = try await browser.waitForText("Angiv beløbet i kroner")
                        try await check("a refused payment at \(width) px")
                    }
                    if user == "erik" {
                        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-axe-\(UUID().uuidString)")
                        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                        let bad = folder.appendingPathComponent("households.csv")
                        try Data("household_id,area,group,start_date\nH1,vestbyen,treatment,2024-01-10\n".utf8).write(to: bad)
                        try await browser.go(server.baseURL + "/leverancer")
                        try await browser.attach("#files", [bad.path])
                        try await browser.click("form[enctype] button[type=submit]")
                        _ = try await browser.waitForText("Leverancen er afvist")
                        try await check("a rejected delivery at \(width) px")
                    }
                    try await logOut(browser)
                }
            }
            #expect(found.isEmpty, "\(found.count) violations:\n\(found.joined(separator: "\n"))")
        }
    }

    @Test("issue #17: every page as every role fits a phone (390 × 844) without sideways scrolling, and on A4 paper every table is whole")
    func everyPagePhoneAndPaper() async throws {
        try await withBrowser(width: 390) { server, browser in
            try await browser.resize(width: 390, height: 844)
            for user in browserUsers.map(\.username) {
                try await logIn(browser, server, as: user)
                for page in Self.pagesByUser where page.users.contains(user) {
                    try await browser.go(server.baseURL + page.path)
                    let (pixels, widest) = try await overflow(browser)
                    #expect(pixels <= 0, "\(page.path) as \(user) at 390 px: \(pixels) px too wide: \(widest)")
                }
                // On paper: A4 less its margins is 186 mm, 703 CSS pixels. No page is wider, and
                // no table is cut by a scroll box (print shows none).
                try await browser.resize(width: 703, height: 1000)
                try await browser.emulatePrint(true)
                for page in Self.pagesByUser where page.users.contains(user) {
                    try await browser.go(server.baseURL + page.path)
                    let (pixels, widest) = try await overflow(browser)
                    #expect(pixels <= 0, "\(page.path) as \(user) on A4: \(pixels) px too wide: \(widest)")
                    let cut = try await browser.script(
                        "return Array.from(document.querySelectorAll('table')).filter(t => t.getBoundingClientRect().width > 0 && t.scrollWidth > t.parentElement.clientWidth + 1).map(t => (t.querySelector('th') || t).textContent.trim().slice(0, 30) + ' ' + t.scrollWidth + '>' + t.parentElement.clientWidth).join(' | ')"
                    ) as? String ?? ""
                    #expect(cut.isEmpty, "\(page.path) as \(user) on A4, tables wider than the paper: \(cut)")
                }
                try await browser.emulatePrint(false)
                try await browser.resize(width: 390, height: 844)
                try await logOut(browser)
            }
            try await browser.go(server.baseURL + "/login")
            #expect(try await overflow(browser).pixels <= 0, "the login page")
        }
    }

    @Test("issue #17: the report's PDF is A4, its budget table whole (2025, 2026 and the totals), with page numbers and the report's date on every page", .enabled(if: Browser.pdftotext != nil, "needs poppler-utils"))
    func reportPDF() async throws {
        try await withBrowser { server, browser in
            try await logIn(browser, server, as: "sofie")
            let answer = try await HTTP.send("GET", server.baseURL + "/rapport.pdf", headers: [("Cookie", try await browser.cookieHeader())])
            #expect(answer.status == 200)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-pdf-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let pdf = folder.appendingPathComponent("rapport.pdf")
            try answer.body.write(to: pdf)
            func run(_ tool: String, _ arguments: [String]) throws -> String {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: tool)
                process.arguments = arguments
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return String(decoding: data, as: UTF8.self)
            }
            let info = try run(Browser.pdfinfo!, [pdf.path])
            #expect(info.contains("A4"), "\(info)")
            let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "") ?? 0
            #expect(pages >= 2)
            let text = try run(Browser.pdftotext!, ["-layout", pdf.path, "-"])
            for expected in ["Side 1 af \(pages)", "Side \(pages) af \(pages)", "Opgjort ", "2023", "2026", "I alt"] {
                #expect(text.contains(expected), "the PDF shows \(expected)")
            }
            // Every amount of every budget line, as the page shows it, is on paper: the last
            // year's and the totals included (the table was cut after "2024 budget").
            try await browser.go(server.baseURL + "/rapport")
            let amounts = try await browser.script(
                "return Array.from(document.querySelectorAll('table.budget tbody td')).map(e => e.textContent.replace(' kr.', '').trim()).filter(t => t && t !== '–')"
            ) as? [String] ?? []
            #expect(amounts.count >= 30, "\(amounts.count) amounts")
            let printed = text.replacingOccurrences(of: "kr.", with: " ")
            let missing = amounts.filter { !printed.contains($0) }
            #expect(missing.isEmpty, "amounts missing from the PDF: \(missing)")
            let onEvery = text.components(separatedBy: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            #expect(onEvery.count == pages && onEvery.allSatisfy { $0.contains("Halvårsrapport til styregruppen") && $0.contains("Opgjort ") }, "the header on every page")
            try answer.body.write(to: URL(fileURLWithPath: "\(Self.screenshots)/halvaarsrapport.pdf"))
        }
    }

    @Test("at phone width (390 px) the pages fit: the four figures, the approval card, the delivery preview, step 11's forms")
    func phoneWidth() async throws {
        try await withBrowser(width: 390) { server, browser in
            let pages = [
                ("lise", ["/oversigt", "/opgoerelse", "/oekonomi", "/styring", "/husstande", "/husstande/H-NY", "/aftale", "/visitation"]),
                ("erik", ["/opgoerelse", "/leverancer", "/lodtraekning"]), ("admin", ["/brugere", "/brugere/sofie"]),
            ]
            for (user, paths) in pages {
                try await logIn(browser, server, as: user)
                for path in paths {
                    try await browser.go(server.baseURL + path)
                    // The page itself never scrolls sideways; wide tables scroll in their own box.
                    let overflow = try await browser.script("return document.documentElement.scrollWidth - window.innerWidth") as? Int ?? 99
                    let widest = try await browser.script(
                        "let w=window.innerWidth; return Array.from(document.querySelectorAll('body *')).filter(e=>e.getBoundingClientRect().right>w+1 && !e.closest('.scroll')).slice(0,6).map(e=>e.tagName+'.'+e.className+' '+Math.round(e.getBoundingClientRect().right)).join(' | ')"
                    ) as? String ?? ""
                    #expect(overflow <= 0, "\(path) as \(user): \(overflow) px too wide: \(widest)")
                    if ["/oversigt", "/opgoerelse", "/oekonomi"].contains(path) {
                        #expect(try await browser.source().contains("data-figure=\"approved\""), "\(path)")
                    }
                }
                if user == "lise" {
                    try await browser.go(server.baseURL + "/opgoerelse")
                    try await browser.screenshot(to: "\(Self.screenshots)/telefon-opgoerelse.png")
                }
                try await logOut(browser)
            }
        }
    }

    @Test("every role logs in and walks its main flows; a funder never sees a person")
    func mainFlows() async throws {
        try await withBrowser { server, browser in
            // Every role logs in and sees the overview in Danish.
            for user in browserUsers {
                try await logIn(browser, server, as: user.username)
                let page = try await browser.source()
                #expect(page.contains("Visiterede husstande mod målene"))
                #expect(page.contains("lang=\"da\""))
                if user.username == "lise" { try await browser.screenshot(to: "\(Self.screenshots)/oversigt.png") }
                try await logOut(browser)
            }

            // A wrong password shows a visible error.
            try await browser.go(server.baseURL + "/login")
            try await browser.type("#username", "anne")
            try await browser.type("#password", "forkert-forkert")
            try await browser.click("button[type=submit]")
            #expect(try await browser.waitForText("error-box"))
            #expect(try await browser.text(".error-box") == "Brugernavn eller adgangskode er forkert.")

            // The caseworker takes the next household and records a decision with a reason.
            try await logIn(browser, server, as: "anne")
            try await browser.go(server.baseURL + "/visitation")
            let next = try await browser.text("section.highlight h2 a")
            #expect(!next.isEmpty)
            try await browser.click("#outcome option[value=enrolled]")
            try await browser.script("document.getElementById('courseStart').value = '2026-10-20'")
            try await browser.click("#consent")
            try await browser.type("#reason", "Familien er motiveret og har givet samtykke; vi starter med et hjemmebesøg.")
            try await browser.screenshot(to: "\(Self.screenshots)/visitation.png")
            try await browser.click("form.decision button[type=submit]")
            #expect(try await browser.waitForText("Familien er motiveret og har givet samtykke"))
            #expect(try await browser.text("section.highlight h2 a") != next, "the list moved on")

            // She edits an action plan whose goals can still be adjusted…
            try await browser.go(server.baseURL + "/husstande/H-NY")
            try await browser.type("#newText", "Familien spiser morgenmad sammen fem dage om ugen")
            try await browser.click("#nyt-maal button[type=submit]")
            #expect(try await browser.waitForText("Familien spiser morgenmad sammen fem dage om ugen"))
            // The goal got its number (M1), and an assessment stays shown after saving (issue #16).
            #expect(try await browser.source().contains("<td>M1</td>"))
            try await browser.click("#assess-M1 option[value=ja]")
            try await browser.click("#assess-M1 + button")
            #expect(try await browser.waitForText("<td>opfyldt</td>"), "the saved assessment in the table")
            #expect(try await browser.text("#assess-M1 option:checked") == "opfyldt", "and still chosen in its form")
            try await browser.screenshot(to: "\(Self.screenshots)/husstand.png")
            // …and the page of a course older than six months says the goals are locked.
            try await browser.go(server.baseURL + "/husstande/H00002")
            #expect(try await browser.text("p.lock").contains("låst fra"))
            // Another area's household is not shown.
            try await browser.go(server.baseURL + "/husstande/H00001")
            let other = try await browser.source()
            #expect(other.contains("Ingen adgang") || other.contains("Findes ikke"))
            try await logOut(browser)

            // The evaluator uploads a delivery with an error and sees it with file and line.
            try await logIn(browser, server, as: "erik")
            let upload = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-upload-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: upload, withIntermediateDirectories: true)
            let bad = upload.appendingPathComponent("households.csv")
            try Data("household_id,area,group,start_date\nH1,houlkaer,treatment,2024-01-10\nH2,vestbyen,treatment,2024-02-01\n".utf8).write(to: bad)
            try await browser.go(server.baseURL + "/leverancer")
            try await browser.attach("#files", [bad.path])
            try await browser.click("form[enctype] button[type=submit]")
            #expect(try await browser.waitForText("Leverancen er afvist"))
            #expect(try await browser.text(".error-card tbody tr td:nth-child(2)") == "3")
            #expect(try await browser.text(".error-card tbody tr td:nth-child(3)") == "area")
            try await browser.screenshot(to: "\(Self.screenshots)/leverancer.png")
            // A good delivery shows a preview, and is saved only on confirmation.
            let good = DemoData.generate(commitment: ContractFile.builtIn(), seed: 2024, households: 180)
            var paths: [String] = []
            for (name, text) in good {
                let path = upload.appendingPathComponent(name)
                try Data(text.utf8).write(to: path)
                paths.append(path.path)
            }
            try await browser.go(server.baseURL + "/leverancer")
            try await browser.attach("#files", paths)
            try await browser.click("form[enctype] button[type=submit]")
            #expect(try await browser.waitForText("Klar til at gemme"))
            try await browser.screenshot(to: "\(Self.screenshots)/leverance-forhaandsvisning.png")
            try await browser.click("section.highlight form button[type=submit]")
            #expect(try await browser.waitForText("Leverance 2 er gemt"))
            try await logOut(browser)

            // The project lead opens the settlement, drills to a goal's lines and their reasons.
            try await logIn(browser, server, as: "lise")
            try await browser.go(server.baseURL + "/opgoerelse?dato=2026-11-26")
            try await browser.screenshot(to: "\(Self.screenshots)/opgoerelse.png")
            try await browser.click("table.matrix tbody a")
            #expect(try await browser.waitForURL(containing: "/opgoerelse/linjer"))
            let basis = try await browser.text("td.basis")
            #expect(basis.contains("(B5.1"), "a line's basis cites its clause: \(basis)")
            try await browser.screenshot(to: "\(Self.screenshots)/linjer.png")

            // The half-year report: a printable page and a PDF.
            try await browser.go(server.baseURL + "/rapport")
            #expect(try await browser.source().contains("Halvårsrapport til styregruppen"))
            try await browser.screenshot(to: "\(Self.screenshots)/rapport.png")
            let answer = try await HTTP.send("GET", server.baseURL + "/rapport.pdf", headers: [("Cookie", try await browser.cookieHeader())])
            let pdf = answer.body
            #expect(answer.status == 200)
            #expect(pdf.starts(with: Data("%PDF".utf8)))
            try pdf.write(to: URL(fileURLWithPath: "\(Self.screenshots)/halvaarsrapport.pdf"))
            try await logOut(browser)

            // The funder sees figures, never a person or a household.
            try await logIn(browser, server, as: "dsi")
            try await browser.screenshot(to: "\(Self.screenshots)/oversigt-tilskudsgiver.png")
            // The finance page with its charts.
            try await browser.go(server.baseURL + "/oekonomi?dato=2026-11-26")
            let finance = try await browser.source()
            #expect(finance.contains("Prognose: forventede tilbagebetalinger pr. halvår"))
            #expect(finance.components(separatedBy: "<svg").count - 1 == 3)
            try await browser.screenshot(to: "\(Self.screenshots)/oekonomi.png")
            try await browser.go(server.baseURL + "/oekonomi?dato=2026-11-26#afkastloft")
            try await browser.screenshot(to: "\(Self.screenshots)/oekonomi-afkastloft.png")
            try await browser.go(server.baseURL + "/oekonomi?dato=2026-11-26#prognose")
            try await browser.screenshot(to: "\(Self.screenshots)/oekonomi-prognose.png")
            // Issue #19: a scenario typed into the form, run against the forecast.
            try await browser.type("#sc-faktor", "0,8")
            try await browser.type("#sc-senere", "6")
            try await browser.click("#scenarie button[type=submit]")
            #expect(try await browser.waitForURL(containing: "faktor=0%2C8"))
            let scenario = try await browser.source()
            #expect(scenario.contains("Scenariet mod prognosen") && scenario.contains("succesraten for mål 1 × 0,80 og de kommende husstande starter 6 måneder senere."))
            try await browser.screenshot(to: "\(Self.screenshots)/oekonomi-scenarie.png")
            // Issue #18: the funder's agreements and portfolio.
            try await browser.go(server.baseURL + "/aftaler")
            try await browser.screenshot(to: "\(Self.screenshots)/aftaler.png")
            try await browser.go(server.baseURL + "/portefolje?dato=2026-11-26")
            #expect(try await browser.source().contains("Pr. tilskudsgiver"))
            try await browser.screenshot(to: "\(Self.screenshots)/portefolje.png")
            for path in ["/oversigt", "/opgoerelse?dato=2026-11-26", "/rapport", "/oekonomi?dato=2026-11-26"] {
                try await browser.go(server.baseURL + path)
                let page = try await browser.source()
                #expect(page.range(of: #"\bP0\d{5}\b"#, options: .regularExpression) == nil, "\(path) shows a person")
                #expect(page.range(of: #"\bp-[0-9a-f]{32}\b"#, options: .regularExpression) == nil, "\(path) shows a pseudonym")
                #expect(!page.contains("/husstande/"), "\(path) links to a household")
            }
            for path in ["/husstande", "/husstande/H00002", "/visitation", "/opgoerelse/linjer?dato=2026-11-26", "/opgoerelse.csv", "/leverancer"] {
                try await browser.go(server.baseURL + path)
                #expect(try await browser.source().contains("Ingen adgang"), "\(path) is refused")
            }
            try await logOut(browser)

            // The admin manages users and sees no person data.
            try await logIn(browser, server, as: "admin")
            try await browser.go(server.baseURL + "/brugere")
            #expect(try await browser.source().contains("lise"))
            try await browser.screenshot(to: "\(Self.screenshots)/brugere.png")
            try await browser.go(server.baseURL + "/husstande")
            #expect(try await browser.source().contains("Ingen adgang"))
        }
    }

    @Test("step 11's daily work without curl: payments and meetings on Styring, a household with a member and its ended course, DSI's reduction")
    func dailyWork() async throws {
        try await withBrowser { server, browser in
            // The project lead registers a payment received and the annual meeting.
            try await logIn(browser, server, as: "lise")
            try await browser.go(server.baseURL + "/styring")
            try await browser.click("#betaling-kind option[value=disbursement]")
            try await browser.click("#betaling-from option[value=dsi]")
            try await browser.click("#betaling-to option[value=kommune]")
            try await browser.script("document.getElementById('betaling-paidOn').value = '2024-11-29'")
            try await browser.type("#betaling-amount", "1.304.167,00")
            try await browser.type("#betaling-reference", "Anden rate")
            try await browser.click("#betaling button[type=submit]")
            #expect(try await browser.waitForText("Betalingen er registreret."))
            #expect(try await browser.source().contains("Anden rate"))
            try await browser.script("document.getElementById('moede-heldOn').value = '2025-06-10'")
            try await browser.click("#moede-annual")
            try await browser.type("#moede-minutes", "Årsmøde om 2024")
            try await browser.click("#moede button[type=submit]")
            #expect(try await browser.waitForText("Mødet er registreret."))
            // …the accounts of a budget line and a half-year report handed in.
            try await browser.click("#regnskab-line option[value=staff]")
            try await browser.click("#regnskab-year option[value='2024']")
            try await browser.type("#regnskab-amount", "1.480.000,00")
            try await browser.click("#regnskab button[type=submit]")
            #expect(try await browser.waitForText("Forbruget på budgetlinjen er registreret."))
            try await browser.click("#rapport-period option[value='2024-H2']")
            try await browser.script("document.getElementById('rapport-submittedOn').value = '2025-02-15'")
            try await browser.click("#rapport button[type=submit]")
            #expect(try await browser.waitForText("Halvårsrapporten er registreret som afleveret."))
            #expect(try await browser.source().contains("2. halvår 2024"))
            try await browser.screenshot(to: "\(Self.screenshots)/styring.png")

            // She enters a household, adds a member by CPR and ends the course (after a confirmation).
            try await browser.go(server.baseURL + "/husstande?soeg=H-NY")
            #expect(try await browser.source().contains("/husstande/H-NY"))
            try await browser.type("#ny-id", "H-WEB")
            try await browser.click("#ny-group option[value=treatment]")
            try await browser.script("document.getElementById('ny-start').value = '2026-10-01'")
            try await browser.click("#ny button[type=submit]")
            #expect(try await browser.waitForText("Husstanden er oprettet."))
            try await browser.type("#cpr", "070761-4285")
            try await browser.type("#name", "Anne Testesen")
            try await browser.click("#person button[type=submit]")
            #expect(try await browser.waitForText("kun pseudonymet er gemt"))
            #expect(try await !browser.source().contains("070761"))
            try await browser.script("document.getElementById('end').value = '2026-11-20'")
            try await browser.click("#reason option[value=moved]")
            try await browser.click("#afslut button[type=submit]")
            try await browser.acceptDialog()
            #expect(try await browser.waitForText("Forløbet er afsluttet med sin årsag."))
            #expect(try await browser.source().contains("fraflyttet"))
            try await logOut(browser)

            // DSI records a withholding notice with its remedy deadline on Styring…
            try await logIn(browser, server, as: "dsi")
            try await browser.go(server.baseURL + "/styring")
            try await browser.click("#meddelelse-kind option[value=withholding]")
            try await browser.script("document.getElementById('meddelelse-received').value = '2025-03-03'")
            try await browser.script("document.getElementById('meddelelse-remedyBy').value = '2025-04-30'")
            try await browser.type("#meddelelse-subject", "Visitationen følger ikke listen")
            try await browser.click("#meddelelse button[type=submit]")
            #expect(try await browser.waitForText("Meddelelsen er registreret"))
            #expect(try await browser.source().contains("afhjælpes senest 30.04.2025"))
            // …and a reduction on the finance page; the installments show it.
            try await browser.go(server.baseURL + "/oekonomi")
            try await browser.click("#kind option[value=relativeReduction]")
            try await browser.click("#year option[value='2024']")
            try await browser.type("#amount", "100.000,00")
            try await browser.script("document.getElementById('decidedOn').value = '2025-05-20'")
            try await browser.click("form[action='/oekonomi/beslutning'] button[type=submit]")
            #expect(try await browser.waitForText("Beslutningen om tilskuddet er registreret."))
            #expect(try await browser.source().contains("relativ reduktion (T 4.2 (i))"))
            // A page that does not exist answers in Danish.
            try await browser.go(server.baseURL + "/findes-ikke")
            #expect(try await browser.source().contains("Siden findes ikke"))
        }
    }

    @Test("step 11: the evaluator draws the list and anyone verifies it; the admin manages a user; everyone reads the agreement")
    func lotteryUsersAgreement() async throws {
        try await withBrowser { server, browser in
            // The evaluator draws (after a confirmation) and sees the hashes.
            _ = try await drawLottery(browser, server, "household_id,area\nL1,houlkaer\nL2,ellekonebakken\nL3,karup-kolvraa\n", households: 3)
            try await browser.screenshot(to: "\(Self.screenshots)/lodtraekning.png")
            try await logOut(browser)

            // The admin deactivates the steering-group member and resets a password.
            try await logIn(browser, server, as: "admin")
            try await browser.go(server.baseURL + "/brugere")
            try await browser.click("a[href='/brugere/sofie']")
            #expect(try await browser.waitForText("Bruger sofie"))
            try await browser.click("form[action='/brugere/sofie/deaktiver'] button")
            try await browser.acceptDialog()
            #expect(try await browser.waitForText("Brugeren er deaktiveret"))
            try await browser.click("form[action='/brugere/sofie/genaktiver'] button")
            #expect(try await browser.waitForText("Brugeren er aktiv igen."))
            try await browser.type("#password", "midlertidig-kode-12")
            try await browser.click("form[action='/brugere/sofie/adgangskode'] button")
            try await browser.acceptDialog()
            #expect(try await browser.waitForText("Den midlertidige adgangskode er sat"))
            try await browser.screenshot(to: "\(Self.screenshots)/bruger.png")
            // Everyone reads the agreement's versions and findings.
            try await browser.go(server.baseURL + "/aftale")
            #expect(try await browser.waitForText("Valideringens fund i versionen i brug"))
        }
    }

    @Test("step 11: the reference rate, the households list's filters and pages, a new agreement version with its differences, the visitation search")
    func listsAndVersions() async throws {
        try await withBrowser { server, browser in
            // The project lead enters Nationalbanken's reference rate…
            try await logIn(browser, server, as: "lise")
            try await browser.go(server.baseURL + "/styring#referencesats")
            try await browser.script("document.getElementById('sats-from').value = '2025-07-01'")
            try await browser.type("#sats-rate", "1,60")
            try await browser.click("#referencesats button[type=submit]")
            #expect(try await browser.waitForText("Referencesatsen er registreret."))
            #expect(try await browser.text("#referencesats tbody").contains("01.07.2025"))
            // …filters the households by area and group, sorted by start, and pages on.
            try await browser.go(server.baseURL + "/husstande")
            let total = try await browser.text("h1 .sub")
            try await browser.click("#omraade option[value=houlkaer]")
            try await browser.click("#gruppe option[value=treatment]")
            try await browser.click("#sorter option[value=start]")
            try await browser.click("form[role=search] button")
            #expect(try await browser.waitForURL(containing: "omraade=houlkaer"))
            let areas = try await browser.script(
                "return Array.from(document.querySelectorAll('table tbody tr td:nth-child(2)')).map(e => e.textContent)"
            ) as? [String] ?? []
            #expect(!areas.isEmpty && areas.allSatisfy { $0 == "Houlkær" }, "\(Set(areas))")
            let groups = try await browser.script(
                "return Array.from(document.querySelectorAll('table tbody tr td:nth-child(3)')).map(e => e.textContent)"
            ) as? [String] ?? []
            #expect(!groups.isEmpty && groups.allSatisfy { $0 == "indsatsgruppe" }, "\(Set(groups))")
            #expect(try await browser.text("#omraade option:checked") == "Houlkær", "the filter stays chosen")
            try await browser.go(server.baseURL + "/husstande")
            let count = Int(total.split(separator: " ").last ?? "") ?? 0
            let pages = (count + 49) / 50
            #expect(pages > 1, "\(total)")
            #expect(try await browser.text("nav.pager span") == "side 1 af \(pages)")
            try await browser.click("nav.pager a")
            let paged = try await browser.waitForText("side 2 af \(pages)")
            #expect(paged)
            #expect(try await browser.findAll("nav.pager a").count == 2, "back and on from page 2; page 1 has no way back")
            try await browser.type("#soeg", "H00017")
            try await browser.click("form[role=search] button")
            #expect(try await browser.waitForURL(containing: "soeg=H00017"))
            #expect(try await browser.findAll("table tbody tr").count == 1)

            // A new version of the agreement: its findings and what changed against the version
            // before it; in force at once from its effectiveFrom (issue #18, T 11.1).
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-agreement-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("aftale-v3.yaml")
            // The demo approves every half-year whose payment is due: an amendment applies from the
            // current half-year, which has not ended.
            let effective = HalfYear(containing: LocalDate.copenhagen(Date())).start
            let text = ContractFile.builtInText.replacingOccurrences(of: "\nversion: 2\n", with: "\nversion: 3\neffectiveFrom: \(effective.isoString)\n")
                .replacingOccurrences(of: "budgetDeviationThreshold: {value: 10,", with: "budgetDeviationThreshold: {value: 15,")
            try Data(text.utf8).write(to: file)
            try await browser.go(server.baseURL + "/aftale")
            try await browser.attach("#file", [file.path])
            try await browser.click("#ny-version button[type=submit]")
            #expect(try await browser.waitForText("Version 3 af viborg-relationel-velfaerd gælder nu."))
            #expect(try await browser.findAll("#forskelle tr.tilføjet").count == 3, "the version, its effective date and the changed threshold")
            #expect(try await browser.findAll("#forskelle tr.fjernet").count == 2)
            #expect(try await browser.text("#forskelle h2").contains("gælder fra \(effective.danishString)"))
            try await browser.screenshot(to: "\(Self.screenshots)/aftale.png")
            // A file that is not YAML is refused with its name and line, and nothing is kept.
            let broken = folder.appendingPathComponent("forkert.yaml")
            try Data("format: 1\nid: x\nversion: [\n".utf8).write(to: broken)
            try await browser.attach("#file", [broken.path])
            try await browser.click("#ny-version button[type=submit]")
            #expect(try await browser.waitForText("forkert.yaml:"))
            #expect(try await browser.text(".error-box").hasPrefix("forkert.yaml:"))
            try await logOut(browser)

            // The caseworker searches the list and the journal.
            try await logIn(browser, server, as: "anne")
            try await browser.go(server.baseURL + "/visitation")
            try await browser.type("#soeg", "H00002")
            try await browser.click("form[role=search] button")
            #expect(try await browser.waitForURL(containing: "soeg=H00002"))
            let listed = try await browser.script(
                "return Array.from(document.querySelectorAll('table tbody tr td:nth-child(2)')).map(e => e.textContent)"
            ) as? [String] ?? []
            #expect(!listed.isEmpty && listed.allSatisfy { $0.contains("H00002") }, "\(listed)")
        }
    }

    @Test("step 11, the rest of each role's work: propose and approve a half-year, a revocation and a dispute, an accrual, verify the list, revoke a token, change one's password, a replacement, the lines searched, an error keeps its values")
    func approvalsAndTheRest() async throws {
        try await withBrowser(demoHistory: false) { server, browser in
            // The steering group records the meeting the half-year is put before.
            try await logIn(browser, server, as: "sofie")
            try await browser.go(server.baseURL + "/styring#moede")
            // The server's clock is today's: the half-year is proposed today, so the meeting is today.
            let today = LocalDate.copenhagen(Date())
            try await browser.script("document.getElementById('moede-heldOn').value = '\(today.isoString)'")
            try await browser.type("#moede-minutes", "Opgørelsen for 2. halvår 2023 forelagt")
            try await browser.click("#moede button[type=submit]")
            #expect(try await browser.waitForText("Mødet er registreret."))
            // …and an accrual of unused grant on the finance page (T 4.3).
            try await browser.go(server.baseURL + "/oekonomi")
            try await browser.click("#kind option[value=accrual]")
            try await browser.click("#year option[value='2024']")
            try await browser.type("#amount", "25.000,00")
            try await browser.script("document.getElementById('decidedOn').value = '2025-06-10'")
            try await browser.click("form[action='/oekonomi/beslutning'] button[type=submit]")
            #expect(try await browser.waitForText("Beslutningen om tilskuddet er registreret."))
            try await logOut(browser)

            // The evaluator proposes the first half-year; the project lead and DSI approve it naming the meeting.
            try await logIn(browser, server, as: "erik")
            try await browser.go(server.baseURL + "/opgoerelse?dato=2026-11-26")
            try await browser.click("form[action='/opgoerelse/indstil'] button")
            #expect(try await browser.waitForText("Opgørelsen er indstillet til godkendelse."))
            try await logOut(browser)
            for user in ["lise", "dsi"] {
                try await logIn(browser, server, as: user)
                try await browser.go(server.baseURL + "/opgoerelse?dato=2026-11-26")
                #expect(try await browser.text("form[action='/opgoerelse/godkend'] select option:checked") == today.danishString, "the meeting, by its Danish date")
                try await browser.click("form[action='/opgoerelse/godkend'] button")
                let approved = try await browser.waitForText(user == "lise" ? "Din godkendelse er registreret" : "Opgørelsen er godkendt.")
                let shown = try await browser.script("return (document.querySelector('.error-box, .flash, main') || document.body).textContent.slice(0, 400)") as? String ?? ""
                #expect(approved, "\(shown)")
                if user == "dsi" {
                    #expect(try await browser.source().contains("<span class=\"badge ok\">godkendt</span>"))
                    try await browser.screenshot(to: "\(Self.screenshots)/godkendelse.png")
                    // DSI records a dispute and a revocation; the finance page states the claim.
                    try await browser.go(server.baseURL + "/styring#meddelelse")
                    try await browser.click("#meddelelse-kind option[value=dispute]")
                    try await browser.script("document.getElementById('meddelelse-received').value = '2026-11-21'")
                    try await browser.type("#meddelelse-subject", "Uenighed om opgørelsen af mål 2")
                    try await browser.click("#meddelelse button[type=submit]")
                    #expect(try await browser.waitForText("Meddelelsen er registreret"))
                    try await browser.click("#meddelelse-kind option[value=revocation]")
                    try await browser.script("document.getElementById('meddelelse-received').value = '2026-11-23'")
                    try await browser.type("#meddelelse-subject", "Misligholdelse ikke afhjulpet")
                    try await browser.click("#meddelelse button[type=submit]")
                    // Wait for this notice itself: the dispute's confirmation is still on the page.
                    #expect(try await browser.waitForText("Misligholdelse ikke afhjulpet"))
                    #expect(try await browser.source().contains("Uenighed om opgørelsen af mål 2"))
                    try await browser.go(server.baseURL + "/oekonomi?dato=2026-11-26")
                    #expect(try await browser.text("#tilbagekaldelse h2").hasPrefix("Tilbagekaldelse: kravet"))
                }
                try await logOut(browser)
            }

            // The evaluator draws the list; a caseworker downloads it and verifies it.
            let population = try await drawLottery(
                browser, server, "household_id,area\nV1,houlkaer\nV2,ellekonebakken\nV3,karup-kolvraa\nV4,houlkaer\n", households: 4
            )
            let folder = population.deletingLastPathComponent()
            try await logOut(browser)
            try await logIn(browser, server, as: "anne")
            try await browser.go(server.baseURL + "/lodtraekning")
            #expect(try await browser.source().contains("href=\"/lodtraekning/liste.csv\""))
            let listed = try await HTTP.send("GET", server.baseURL + "/lodtraekning/liste.csv", headers: [("Cookie", try await browser.cookieHeader())])
            #expect(listed.status == 200)
            let list = folder.appendingPathComponent("visitationsliste.csv")
            try listed.body.write(to: list)
            try await browser.attach("#k-population", [population.path])
            try await browser.attach("#k-list", [list.path])
            try await browser.type("#k-seed", "styregruppen-2023-10-30")
            try await browser.click("#kontrol button[type=submit]")
            #expect(try await browser.waitForText("Listen passer"))
            try await logOut(browser)

            // The admin revokes the project lead's script token; it stops working at once.
            let before = try await HTTP.send("GET", server.baseURL + "/api/tokens", headers: [("Authorization", "Bearer \(Self.scriptToken)")])
            #expect(before.status == 200)
            try await logIn(browser, server, as: "admin")
            try await browser.go(server.baseURL + "/brugere/lise")
            #expect(try await browser.source().contains("lises-script"))
            try await browser.click("form[action='/brugere/lise/token'] button")
            try await browser.acceptDialog()
            #expect(try await browser.waitForText("Tokenet er tilbagekaldt."))
            let after = try await HTTP.send("GET", server.baseURL + "/api/tokens", headers: [("Authorization", "Bearer \(Self.scriptToken)")])
            #expect(after.status == 401)
            try await logOut(browser)

            // The project lead changes her password from the menu and logs in with the new one.
            try await logIn(browser, server, as: "lise")
            try await browser.click("a[href='/adgangskode']")
            #expect(try await browser.waitForURL(containing: "/adgangskode"))
            #expect(try await browser.text("h1") == "Skift adgangskode")
            try await browser.type("#current", browserPassword("lise"))
            try await browser.type("#new", "lises-nye-kode-2026")
            try await browser.click("form[action='/adgangskode'] button")
            #expect(try await browser.waitForText("Din nye adgangskode er gemt."))
            try await logOut(browser)
            try await logIn(browser, server, as: "lise", password: "lises-nye-kode-2026")

            // A replacement for a course that ended early (P 3.2.3).
            try await browser.go(server.baseURL + "/husstande")
            try await browser.type("#ny-id", "H-ERSTAT")
            try await browser.click("#ny-group option[value=treatment]")
            try await browser.script("document.getElementById('ny-start').value = '2026-10-05'")
            try await browser.type("#ny-replaces", "H-NY")
            try await browser.click("#ny button[type=submit]")
            #expect(try await browser.waitForText("Husstanden er oprettet."))
            try await browser.go(server.baseURL + "/husstande/H-ERSTAT")
            #expect(try await browser.source().contains("H-NY"), "the page names the household it replaces")

            // The lines behind goal 1 searched by household.
            try await browser.go(server.baseURL + "/opgoerelse/linjer?dato=2026-11-26&maal=1")
            try await browser.type("#soeg", "H00002")
            try await browser.click("form[role=search] button")
            #expect(try await browser.waitForURL(containing: "soeg=H00002"))
            let households = try await browser.script(
                "return Array.from(document.querySelectorAll('table tbody tr td:nth-child(3)')).map(e => e.textContent)"
            ) as? [String] ?? []
            #expect(!households.isEmpty && households.allSatisfy { $0.contains("H00002") }, "\(households)")

            // A payment with a wrong amount: the error says so and every value entered stays.
            try await browser.go(server.baseURL + "/styring")
            try await browser.click("#betaling-kind option[value=repayment]")
            try await browser.click("#betaling-from option[value=kommune]")
            try await browser.click("#betaling-to option[value=dsi]")
            try await browser.script("document.getElementById('betaling-paidOn').value = '2025-03-31'")
            try await browser.type("#betaling-amount", "12,345")
            try await browser.type("#betaling-reference", "Betaling for 2. halvår 2024")
            try await browser.click("#betaling button[type=submit]")
            #expect(try await browser.waitForText("Angiv beløbet i kroner"))
            #expect(try await browser.script("return document.getElementById('betaling-amount').value") as? String == "12,345")
            #expect(try await browser.script("return document.getElementById('betaling-paidOn').value") as? String == "2025-03-31")
            #expect(try await browser.text("#betaling-from option:checked") == "Viborg Kommune")
        }
    }

    @Test("forms need the session's CSRF token")
    func csrf() async throws {
        try await withBrowser { server, browser in
            try await logIn(browser, server, as: "anne")
            let answer = try await HTTP.send(
                "POST",
                server.baseURL + "/husstande/H-NY/handleplan",
                headers: [("Cookie", try await browser.cookieHeader()), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Data("action=add&goalId=X&text=Uden+token".utf8)
            )
            #expect(answer.status == 403)
            try await browser.go(server.baseURL + "/husstande/H-NY")
            #expect(!(try await browser.source().contains("Uden token")))
        }
    }
}
