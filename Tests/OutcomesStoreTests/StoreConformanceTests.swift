import Foundation
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesReports
import OutcomesTestSupport
import Testing

@testable import OutcomesStore

let viborg = ContractFile.builtIn()
let today = LocalDate(iso: "2026-11-26")!

/// The committed example delivery's files.
func exampleFiles() throws -> [String: Data] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/viborg-demo")
    var files: [String: Data] = [:]
    for name in DeliveryImporter.fileNames { files[name] = try Data(contentsOf: folder.appendingPathComponent(name)) }
    return files
}

@Suite("Store conformance (every backend)")
struct StoreConformanceTests {
    @Test("Migrations run once and can run again", arguments: Backend.available)
    func migrations(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.migrate()
            #expect(try await store.deliveries().isEmpty)
        }
    }

    @Test("Contract versions are kept; a changed text needs a new version", arguments: Backend.available)
    func contracts(backend: Backend) async throws {
        try await backend.withStore { store in
            let first = try await store.saveContract(id: viborg.id, version: 1, text: ContractFile.builtInText)
            let again = try await store.saveContract(id: viborg.id, version: 1, text: ContractFile.builtInText)
            #expect(first && !again)
            await #expect(throws: StoreError.contractVersionConflict(id: viborg.id, version: 1)) {
                try await store.saveContract(id: viborg.id, version: 1, text: ContractFile.builtInText + "\n# changed\n")
            }
            let second = try await store.saveContract(id: viborg.id, version: 2, text: ContractFile.builtInText + "\n# changed\n")
            #expect(second)
            // With an audit event, the entry is written with the version, and only then.
            let event = AuditEvent(actor: "test", action: "save-agreement", subject: "v3", purpose: "test", at: "2026-01-01T00:00:00Z")
            let third = try await store.saveContract(id: viborg.id, version: 3, text: ContractFile.builtInText + "\n# v3\n", audit: event)
            let thirdAgain = try await store.saveContract(id: viborg.id, version: 3, text: ContractFile.builtInText + "\n# v3\n", audit: event)
            #expect(third && !thirdAgain)
            #expect(try await store.auditEntries().map(\.event.subject) == ["v3"])
            #expect(try await store.contractVersions().map(\.version) == [1, 2, 3])
        }
    }

    @Test("Settling the stored delivery gives byte for byte the JSON of the folder", arguments: Backend.available)
    func settleFromStore(backend: Backend) async throws {
        try await backend.withStore { store in
            let files = try exampleFiles()
            let receipt = try await store.importDelivery(files, commitment: viborg, receivedOn: today)
            #expect(receipt.number == 1 && receipt.isNew && receipt.supersedes == nil)
            let stored = try #require(try await store.currentDelivery())
            let direct = try DeliveryImporter.importFiles(files, commitment: viborg)
            #expect(stored.delivery == direct.delivery)
            #expect(stored.warnings == direct.warnings)
            func json(_ imported: ImportedDelivery) -> String {
                var settlement = SettlementEngine.settle(viborg, delivery: imported.delivery, asOf: today)
                settlement.warnings = imported.warnings + settlement.warnings
                return SettlementJSON.string(settlement)
            }
            #expect(json(stored) == json(direct))
            // Issue #14 (6): one household type — the register holds exactly the delivery's
            // households, courses and replacements included, with nothing translated between models.
            let register = try await store.households(in: nil)
            #expect(register == direct.delivery.households.sorted { $0.id < $1.id })
            #expect(register.contains { $0.replaces != nil })
        }
    }

    @Test("The same delivery twice changes nothing", arguments: Backend.available)
    func idempotent(backend: Backend) async throws {
        try await backend.withStore { store in
            let files = try exampleFiles()
            let first = try await store.importDelivery(files, commitment: viborg, receivedOn: today)
            let second = try await store.importDelivery(files, commitment: viborg, receivedOn: LocalDate(iso: "2026-12-01")!)
            #expect(!second.isNew && second.number == first.number && second.contentHash == first.contentHash)
            #expect(second.receivedOn == first.receivedOn)
            #expect(try await store.deliveries().count == 1)
        }
    }

    @Test("A corrected delivery supersedes the earlier one; both stay on record", arguments: Backend.available)
    func supersede(backend: Backend) async throws {
        try await backend.withStore { store in
            var files = try exampleFiles()
            let first = try await store.importDelivery(files, commitment: viborg, receivedOn: today)
            var plans = String(decoding: files["action_plan_goals.csv"]!, as: UTF8.self)
            plans = plans.replacingOccurrences(of: ",nej\n", with: ",ja\n")
            files["action_plan_goals.csv"] = Data(plans.utf8)
            let second = try await store.importDelivery(files, commitment: viborg, receivedOn: LocalDate(iso: "2026-12-01")!)
            #expect(second.isNew && second.number == 2 && second.supersedes == first.number)
            #expect(try await store.deliveries().map(\.number) == [1, 2])
            let current = try #require(try await store.currentDelivery())
            #expect(!current.delivery.actionPlanGoals.contains { $0.fulfilled == false })
        }
    }

    @Test("A rejected delivery writes nothing", arguments: Backend.available)
    func allOrNothing(backend: Backend) async throws {
        try await backend.withStore { store in
            var files = try exampleFiles()
            _ = try await store.importDelivery(files, commitment: viborg, receivedOn: today)
            files["persons.csv"] = Data((String(decoding: files["persons.csv"]!, as: UTF8.self) + "P999999,H99999,1980-01-01\n").utf8)
            await #expect(throws: DeliveryRejected.self) {
                try await store.importDelivery(files, commitment: viborg, receivedOn: today)
            }
            #expect(try await store.deliveries().count == 1)
            #expect(try await store.currentDelivery()?.delivery == DeliveryImporter.importFiles(try exampleFiles(), commitment: viborg).delivery)
        }
    }
}

@Suite("Opening a store by URL")
struct StoreURLTests {
    @Test("Plain paths and sqlite URLs open SQLite; unknown schemes are refused")
    func urls() async throws {
        let store = try await SQLOutcomesStore.open(url: "sqlite::memory:")
        try await store.migrate()
        try await store.close()
        await #expect(throws: StoreError.unsupportedDatabaseURL("mysql://localhost/x")) {
            try await SQLOutcomesStore.open(url: "mysql://localhost/x")
        }
    }
}
