import ArgumentParser
import Foundation
import OutcomesApplication
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesStore

/// Runs `body` with an open, migrated store and closes it whatever happens.
func withStore<T>(_ url: String, _ body: (SQLOutcomesStore) async throws -> T) async throws -> T {
    let store = try await openStore(url)
    do {
        let result = try await body(store)
        try await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}

/// Opens a store, migrating it, or exits 1 with a clear message.
func openStore(_ url: String) async throws -> SQLOutcomesStore {
    do {
        let store = try await SQLOutcomesStore.open(url: url)
        do {
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    } catch let error as StoreError {
        printError(error.description)
        throw ExitCode(1)
    } catch {
        printError(
            "databasen '\(url)' kan ikke åbnes: tjek stien til SQLite-filen eller PostgreSQL-adressen (postgres://bruger@vært:port/database)"
                + "\nteknisk årsag (til driften): \(String(reflecting: error))"
        )
        throw ExitCode(1)
    }
}

/// The command line's actor in the audit trail: `cli:` and the login name.
func cliActor() -> String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown") }

/// Now, in ISO 8601 UTC: the outer layer's clock.
func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }

/// Runs `body` with the use cases over an open store, as the operator at the command line.
func withService<T>(
    _ url: String,
    commitment: Commitment,
    purpose: String,
    role: Role = .projectLead,
    _ body: (OutcomesService, Requester) async throws -> T
) async throws -> T {
    try await withStore(url) { store in
        // T 11.1: the agreement's other stored versions, so that each half-year is settled with
        // the version in force for it.
        var versions = [commitment]
        for stored in try await store.contractVersions() where stored.id == commitment.id && stored.version != commitment.version {
            guard let text = try await store.contractText(id: stored.id, version: stored.version),
                let other = try? ContractFile.parse(text, file: "\(stored.id) version \(stored.version)"), other.version == stored.version
            else { continue }
            versions.append(other)
        }
        let history = (try? AgreementHistory(versions)) ?? AgreementHistory(single: commitment)
        let service = OutcomesService(store: store, commitment: history.latest, history: history, pseudonymizer: nil)
        let login = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        do {
            return try await body(service, Requester.commandLine(login: login, purpose: purpose, now: Date(), role: role))
        } catch let error as ApplicationError {
            printError(error.description)
            throw ExitCode(1)
        } catch let error as StoreError {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}
