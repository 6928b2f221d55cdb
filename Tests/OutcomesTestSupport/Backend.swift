import Foundation
public import OutcomesStore

/// The store backends the tests run on: SQLite always, PostgreSQL when
/// `OUTCOMES_POSTGRES_URL` names a server (as `.ci/run` sets it).
public enum Backend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    public var description: String { rawValue }

    public static var available: [Backend] {
        ProcessInfo.processInfo.environment["OUTCOMES_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    /// Runs `body` with a fresh store and closes it whatever happens (an unclosed SQLite
    /// connection traps in debug builds).
    public func withStore(migrated: Bool = true, _ body: (SQLOutcomesStore) async throws -> Void) async throws {
        let store = try await makeStore(migrated: migrated)
        do {
            try await body(store)
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// A fresh store, migrated unless said otherwise: a new SQLite file, or a new PostgreSQL schema.
    public func makeStore(migrated: Bool = true) async throws -> SQLOutcomesStore {
        let tag = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let store: SQLOutcomesStore
        switch self {
        case .sqlite:
            store = try await SQLOutcomesStore.sqlite(
                path: FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-\(tag)/store.sqlite").path
            )
        case .postgres:
            store = try await SQLOutcomesStore.postgres(url: ProcessInfo.processInfo.environment["OUTCOMES_POSTGRES_URL"]!, schema: "test_\(tag)")
        }
        if migrated { try await store.migrate() }
        return store
    }
}
