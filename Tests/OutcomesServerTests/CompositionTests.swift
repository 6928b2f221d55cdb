import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OutcomesContractFile
import OutcomesServer
import Testing

/// The composition root as `outcomes serve` uses it: configuration in, a running application out.
@Suite("buildApplication (the composition root)")
struct CompositionTests {
    @Test("it migrates a fresh store, creates the first admin before serving, serves, and closes the store at shutdown")
    func buildsAndServes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-build-\(UInt64.random(in: 0...UInt64.max))")
        let reader = ConfigReader(
            provider: InMemoryProvider(values: [
                "database": ConfigValue(.string(folder.appendingPathComponent("store.sqlite").path), isSecret: false),
                "demo.data": false,
                "admin.password": ConfigValue(.string("forste-adgangskode-2026"), isSecret: true),
                "pseudonym.key": ConfigValue(.string(Data(repeating: 9, count: 32).base64EncodedString()), isSecret: true),
                "port": 0,
            ])
        )
        let configuration = ServerConfiguration(reader: reader)
        #expect(configuration.loadsDemoData == false)
        let app = try await buildApplication(configuration: configuration, commitment: ContractFile.builtIn(), contractText: ContractFile.builtInText)
        try await app.test(.live) { client in
            let health = try await client.execute(uri: "/health", method: .get) { String(buffer: $0.body) }
            #expect(health == #"{"status":"ok"}"#)
            let login = try await client.execute(
                uri: "/api/session",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"username":"admin","password":"forste-adgangskode-2026"}"#)
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(login.0 == .ok && login.1.contains(#""mustChangePassword":true"#))
        }
        // The store was migrated and kept on disk; the agreement is in it.
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("store.sqlite").path))
    }
}
