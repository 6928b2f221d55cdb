import Foundation
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesTestSupport
import SQLKit
import Testing

@testable import OutcomesStore

/// `outcomes serve` as a separate process, its output in files so the tests can read the logs.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let folder: URL
    let stdoutFile: URL
    let stderrFile: URL
    private(set) var baseURL = ""

    init(arguments: [String], environment: [String: String] = [:], folder: URL? = nil) throws {
        self.folder = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
        stdoutFile = self.folder.appendingPathComponent("stdout.log")
        stderrFile = self.folder.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = ExecutableTests.binary
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = self.folder
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OUTCOMES_") }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    var stdout: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Waits until the output holds `text` (or the process ended, or the time is up).
    func waitFor(_ text: String, in stream: KeyPath<ServerProcess, String> = \.stdout, seconds: Double = 120) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if self[keyPath: stream].contains(text) { return true }
            if !process.isRunning { return self[keyPath: stream].contains(text) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Waits for the "running" line and reads the URL from it.
    func started() async throws -> Bool {
        guard try await waitFor("kører på http://") else { return false }
        let line = stdout.split(separator: "\n").first { $0.contains("kører på http://") } ?? ""
        baseURL = String(line.split(separator: " ").first { $0.hasPrefix("http://") } ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return !baseURL.isEmpty
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    func exitStatus(seconds: Double = 30) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Sends a request; returns the status and the body.
    func request(_ method: String, _ path: String, token: String? = nil, json: Any? = nil) async throws -> (status: Int, body: [String: Any]) {
        let answer = try await HTTP.json(method, baseURL + path, json, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
        return (answer.status, answer.json as? [String: Any] ?? [:])
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Prepares a store with a user of `role` and an API token, before the server starts.
func prepareStore(_ url: String, role: Role, token: String) async throws {
    let store = try await SQLOutcomesStore.open(url: url)
    do {
        try await store.migrate()
        store.setPasswordCost(4)
        let event = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
        try await store.createUser(
            UserAccount(username: "tester", displayName: "Tester", role: role),
            password: "testerens-adgangskode",
            audit: event
        )
        try await store.saveAPIToken(token, username: "tester", name: "test", audit: event)
        try await store.close()
    } catch {
        try? await store.close()
        throw error
    }
}

/// A database URL for `backend` in a new place: a SQLite file in `folder`, or a new PostgreSQL schema.
func databaseURL(_ backend: Backend, in folder: URL) -> String {
    switch backend {
    case .sqlite: return folder.appendingPathComponent("data/outcomes.sqlite").path
    case .postgres:
        let base = ProcessInfo.processInfo.environment["OUTCOMES_POSTGRES_URL"]!
        let tag = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        return base + (base.contains("?") ? "&" : "?") + "schema=serve_\(tag)"
    }
}

/// Waits until a transaction writes to the store: the SQLite WAL holds more than 4 MB, or a
/// PostgreSQL backend other than ours has a transaction id.
func waitUntilWriting(_ backend: Backend, database: String, folder: URL, seconds: Double = 300) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    switch backend {
    case .sqlite:
        while Date() < deadline {
            let size = (try? FileManager.default.attributesOfItem(atPath: database + "-wal")[.size] as? Int) ?? 0
            if size > 4_000_000 { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return false
    case .postgres:
        let observer = try await SQLOutcomesStore.postgres(url: ProcessInfo.processInfo.environment["OUTCOMES_POSTGRES_URL"]!)
        var writing = false
        while !writing && Date() < deadline {
            let row = try? await observer.withConnection { database in
                try await database.raw(
                    "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
                ).first()
            }
            writing = (try? row?.decode(column: "n", as: Int.self)).flatMap { $0 }.map { $0 > 0 } ?? false
            if !writing { try? await Task.sleep(for: .milliseconds(5)) }
        }
        try await observer.close()
        return writing
    }
}

@Suite("outcomes serve, as a process", .serialized)
struct ServeProcessTests {
    @Test("a fresh machine: creates the store with Viborg and the demo delivery, prints the URL and a one-time admin password; SIGTERM shuts it down")
    func freshStartAndSIGTERM() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ExecutableTests.binary.path), "build the executable first")
        let server = try ServerProcess(arguments: [])
        #expect(try await server.started(), "stdout: \(server.stdout)\nstderr: \(server.stderr)")
        #expect(server.stdout.contains("Aftalen viborg-relationel-velfaerd version 2 er gemt."))
        #expect(server.stdout.contains("Demodata indlæst som leverance 1"))
        #expect(server.stdout.contains("betalinger registreret"), "the demo has a ledger for the finance page")
        let line = try #require(server.stdout.split(separator: "\n").first { $0.contains("engangsadgangskode") })
        let password = try #require(line.split(separator: " ").drop { $0 != "engangsadgangskode" }.dropFirst().first.map(String.init))
        #expect(FileManager.default.fileExists(atPath: server.folder.appendingPathComponent("data/outcomes.sqlite").path))
        #expect(FileManager.default.fileExists(atPath: server.folder.appendingPathComponent("data/pseudonym.key").path))
        let key = try String(contentsOf: server.folder.appendingPathComponent("data/pseudonym.key"), encoding: .utf8)
        #expect(!server.stdout.contains(key.trimmingCharacters(in: .whitespacesAndNewlines)), "the key is never printed")

        let health = try await server.request("GET", "/health")
        #expect(health.status == 200)
        let login = try await server.request("POST", "/api/session", json: ["username": "admin", "password": password])
        #expect(login.status == 200)
        #expect((login.body["user"] as? [String: Any])?["mustChangePassword"] as? Bool == true)

        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0)
        #expect(server.stdout.contains("Outcomes er lukket ned."))

        // The demo's payments are as the agreement has them: T 5.3 finds every party settled.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Copenhagen")!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        let today = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        let finance = try ExecutableTests().run([
            "finance", "--as-of", today, "--database", server.folder.appendingPathComponent("data/outcomes.sqlite").path, "--format", "json",
        ])
        #expect(finance.status == 0, "\(finance.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(finance.stdout.utf8)) as? [String: Any])
        let reconciliation = try #require(object["reconciliation"] as? [String: Any])
        #expect(reconciliation["balanced"] as? Bool == true)
        #expect((reconciliation["repaid"] as? [[String: String]])?.isEmpty == false)

        // A second start finds everything in place: no new admin password, no second delivery.
        let again = try ServerProcess(arguments: [], folder: server.folder)
        #expect(try await again.started())
        #expect(!again.stdout.contains("engangsadgangskode"), "the password is shown once only")
        #expect(!again.stdout.contains("Demodata indlæst"))
        again.signal(SIGTERM)
        #expect(try await again.exitStatus() == 0)
    }

    @Test("configuration: flags over environment over the JSON file; a bad pseudonym key stops the start", arguments: [Backend.sqlite])
    func configuration(backend: Backend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(#"{"database": "from-file.sqlite", "demo": {"data": false}}"#.utf8).write(to: folder.appendingPathComponent("outcomes.json"))
        let server = try ServerProcess(arguments: [], environment: ["OUTCOMES_ADMIN_PASSWORD": "miljøets-adgangskode"], folder: folder)
        #expect(try await server.started())
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("from-file.sqlite").path))
        #expect(!server.stdout.contains("Demodata"))
        #expect(!server.stdout.contains("miljøets-adgangskode") && !server.stderr.contains("miljøets-adgangskode"))
        let login = try await server.request("POST", "/api/session", json: ["username": "admin", "password": "miljøets-adgangskode"])
        #expect(login.status == 200)
        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0)

        let flagged = try ServerProcess(
            arguments: ["--database", "from-flag.sqlite"],
            environment: ["OUTCOMES_DATABASE": "from-env.sqlite"],
            folder: folder
        )
        #expect(try await flagged.started())
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("from-flag.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("from-env.sqlite").path))
        flagged.signal(SIGTERM)
        _ = try await flagged.exitStatus()

        let badKey = try ServerProcess(arguments: [], environment: ["OUTCOMES_PSEUDONYM_KEY": "c2hvcnQ="], folder: folder)
        #expect(try await badKey.exitStatus() == 1)
        #expect(badKey.stderr.contains("nøglen til pseudonymer skal være mindst 32 byte"))
    }

    @Test("SIGKILL during a delivery import leaves all of it or none of it", arguments: Backend.available)
    func killDuringImport(backend: Backend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-crash-\(UUID().uuidString)")
        let database = databaseURL(backend, in: folder)
        try await prepareStore(database, role: .evaluator, token: "crash-test-token")
        let server = try ServerProcess(
            arguments: ["--database", database],
            environment: ["OUTCOMES_DEMO_DATA": "false", "OUTCOMES_PSEUDONYM_KEY": Data(repeating: 1, count: 32).base64EncodedString()],
            folder: folder
        )
        #expect(try await server.started(), "\(server.stderr)")
        let files = DemoData.generate(commitment: ContractFile.builtIn(), seed: 7, households: 20_000)
        let upload = Task { try? await server.request("POST", "/api/deliveries", token: "crash-test-token", json: ["files": files]).status }
        #expect(try await server.waitFor("leverance modtaget", in: \.stderr, seconds: 300))
        // Kill once the import's transaction is writing rows: SQLite's write-ahead log has
        // grown past the migrations' few pages, or PostgreSQL shows a transaction with an id.
        #expect(try await waitUntilWriting(backend, database: database, folder: folder), "the import started writing")
        server.signal(SIGKILL)
        _ = try await server.exitStatus()
        _ = await upload.value
        let committed = server.stderr.contains("leverance 1 gemt")
        #expect(!committed, "the kill came before the import's commit, as the test intends")

        let store = try await SQLOutcomesStore.open(url: database)
        do {
            let deliveries = try await store.deliveries()
            var rows = 0
            for table in [
                "household", "person", "employmentMeasurement", "socialMeasureMeasurement", "lifeSatisfactionMeasurement", "registeredHousehold",
            ] {
                let row = try await store.withConnection { database in try await database.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first() }
                rows += try row?.decode(column: "n", as: Int.self) ?? 0
            }
            if committed {
                #expect(deliveries.count == 1)
                #expect(try await store.currentDelivery()?.delivery.households.count == 20_000 + 20_000)
            } else {
                #expect(deliveries.isEmpty)
                #expect(rows == 0, "nothing half written")
            }
            let verification = try await store.verifyAudit()
            guard case .intact = verification else {
                Issue.record("the audit trail is broken: \(verification)")
                return
            }
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
    }

    @Test("after persons are entered by CPR and a full import, no CPR number is in the database files or the logs")
    func noCPRAnywhere() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-cpr-\(UUID().uuidString)")
        let database = folder.appendingPathComponent("data/outcomes.sqlite").path
        try await prepareStore(database, role: .areaCaseworker(.houlkaer), token: "cpr-test-token")
        let server = try ServerProcess(arguments: ["--database", database], environment: ["OUTCOMES_LOG_LEVEL": "trace"], folder: folder)
        #expect(try await server.started(), "\(server.stderr)")
        #expect(server.stdout.contains("Demodata indlæst"))
        let households = try await server.request("GET", "/api/households?area=houlkaer&pageSize=5", token: "cpr-test-token")
        let household = try #require((households.body["items"] as? [[String: Any]])?.first?["id"] as? String)
        let numbers = ["0101851234", "1502924567", "3112997890", "0707071111"]
        for (index, cpr) in numbers.enumerated() {
            let written = index % 2 == 0 ? cpr : String(cpr.prefix(6)) + "-" + String(cpr.suffix(4))
            let added = try await server.request("POST", "/api/households/\(household)/persons", token: "cpr-test-token", json: ["cpr": written])
            #expect(added.status == 201)
            let found = try await server.request("POST", "/api/persons/lookup", token: "cpr-test-token", json: ["cpr": written])
            #expect(found.status == 200)
        }
        let invalid = try await server.request("POST", "/api/households/\(household)/persons", token: "cpr-test-token", json: ["cpr": "3199994444"])
        #expect(invalid.status == 422)
        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0)

        var haystack = Data()
        let dataFolder = folder.appendingPathComponent("data")
        for name in try FileManager.default.contentsOfDirectory(atPath: dataFolder.path) {
            haystack.append(try Data(contentsOf: dataFolder.appendingPathComponent(name)))
        }
        haystack.append(Data(server.stdout.utf8))
        haystack.append(Data(server.stderr.utf8))
        #expect(haystack.count > 100_000)
        for cpr in numbers + ["3199994444"] {
            for form in [cpr, String(cpr.prefix(6)) + "-" + String(cpr.suffix(4))] {
                #expect(haystack.range(of: Data(form.utf8)) == nil, "\(form) found")
            }
        }
    }
}
