import Foundation
import OutcomesTestSupport
import Testing

/// Step 8 against `outcomes serve` as a process: HTTPS, the warning for plain HTTP on the
/// network, files only the owner reads, and huge bodies with the server's memory bounded.
@Suite("outcomes serve hardened, as a process", .serialized)
struct HardeningProcessTests {
    /// Runs a command, returns its exit status and standard output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in folder: URL? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }

    @Test("--tls-certificate and --tls-key serve HTTPS (with HSTS); the database and key files are the owner's only")
    func https() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let made = try Self.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            in: folder
        )
        try #require(made.status == 0)
        let server = try ServerProcess(
            arguments: ["--tls-certificate", "cert.pem", "--tls-key", "key.pem"],
            environment: ["OUTCOMES_ADMIN_PASSWORD": "admin-adgangskode-2026", "OUTCOMES_DEMO_DATA": "false"],
            folder: folder
        )
        #expect(try await server.waitFor("kører på https://"))
        let line = server.stdout.split(separator: "\n").first { $0.contains("kører på https://") } ?? ""
        let base = String(line.split(separator: " ").first { $0.hasPrefix("https://") } ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let health = try Self.run("/usr/bin/curl", ["-s", "-i", "--cacert", folder.appendingPathComponent("cert.pem").path, base + "/health"])
        #expect(health.output.hasPrefix("HTTP/1.1 200"))
        #expect(health.output.lowercased().contains("strict-transport-security: max-age="))
        // Plain HTTP to the HTTPS port gets no answer of ours.
        let plain = try Self.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", base.replacingOccurrences(of: "https://", with: "http://") + "/health"])
        #expect(plain.output != "200")
        // Created readable by the owner only.
        #expect(Self.mode(folder.appendingPathComponent("data/outcomes.sqlite").path) == 0o600)
        #expect(Self.mode(folder.appendingPathComponent("data/pseudonym.key").path) == 0o600)
        #expect(Self.mode(folder.appendingPathComponent("data").path) == 0o700)
        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0)
        #expect(!server.stderr.contains("ADVARSEL"))
    }

    @Test("plain HTTP on a network address prints a clear warning; a missing key file stops with a clear error")
    func warnings() async throws {
        let server = try ServerProcess(arguments: ["--host", "0.0.0.0"], environment: ["OUTCOMES_DEMO_DATA": "false"])
        #expect(try await server.waitFor("kører på http://"))
        #expect(server.stderr.contains("ADVARSEL") && server.stderr.contains("--tls-certificate"))
        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0)

        let broken = try ServerProcess(arguments: ["--tls-certificate", "nowhere.pem"], environment: ["OUTCOMES_DEMO_DATA": "false"])
        #expect(try await broken.exitStatus() == 1)
        #expect(broken.stderr.contains("--tls-key"))
    }

    @Test("four 300 MB bodies at once, before login: each answers 413, the server's memory stays bounded")
    func hugeBodies() async throws {
        let server = try ServerProcess(arguments: [], environment: ["OUTCOMES_DEMO_DATA": "false"])
        #expect(try await server.started())
        let pid = server.process.processIdentifier
        func residentMB() -> Int {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }
        // Declared: refused by its Content-Length, unread.
        let declared = try Self.run(
            "/usr/bin/curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20", "-H", "Content-Type: application/json", "-H", "Content-Length: 300000000",
             "--data-binary", "{}", server.baseURL + "/api/session"]
        )
        #expect(declared.output == "413")
        // A change from the server's own origin goes through; from another, it is refused.
        func login(origin: String) throws -> String {
            try Self.run(
                "/usr/bin/curl",
                ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20", "-H", "Content-Type: application/json", "-H", "Origin: \(origin)",
                 "--data-binary", "{\"username\":\"admin\",\"password\":\"forkert-adgangskode\"}", server.baseURL + "/api/session"]
            ).output
        }
        #expect(try login(origin: server.baseURL) == "401")
        #expect(try login(origin: "https://evil.example") == "403")
        // Streamed without a length (chunked): read up to the limit only.
        let zeros = FileManager.default.temporaryDirectory.appendingPathComponent("zeros-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: zeros.path, contents: nil)
        let handle = try FileHandle(forWritingTo: zeros)
        try handle.truncate(atOffset: 300_000_000)  // sparse: 300 MB of zeros without writing them
        try handle.close()
        defer { try? FileManager.default.removeItem(at: zeros) }
        let codes = try await withThrowingTaskGroup(of: String.self) { group in
            for path in ["/api/session", "/api/session", "/api/deliveries", "/login"] {
                group.addTask {
                    try Self.run(
                        "/usr/bin/curl",
                        ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "60", "-H", "Transfer-Encoding: chunked",
                         "-H", "Content-Type: application/json", "--data-binary", "@" + zeros.path, server.baseURL + path]
                    ).output
                }
            }
            var all: [String] = []
            for try await code in group { all.append(code) }
            return all
        }
        // /api/deliveries needs a login first (401 after at most 64 MiB read), the others 413.
        #expect(codes.filter { $0 == "413" }.count >= 3, "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("5") }, "\(codes)")
        let peak = residentMB()
        #expect(peak < 400, "peak resident memory \(peak) MB")
        #expect(try await server.request("GET", "/health").status == 200)
        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0)
    }
}
