import Foundation
import OutcomesCore
import OutcomesTestSupport
import SQLKit
import Testing

@testable import OutcomesStore

@Suite("Users with roles and bcrypt-hashed passwords (every backend)")
struct UserStoreTests {
    let audit = AuditEvent(actor: "admin", action: "create-user", subject: "", purpose: "adgang", at: "2026-11-26T10:00:00Z")

    @Test("A user logs in with the right password only; the hash, not the password, is kept", arguments: Backend.available)
    func login(backend: Backend) async throws {
        try await backend.withStore { store in
            store.setPasswordCost(4)
            let anne = UserAccount(username: "anne", displayName: "Anne Sørensen", role: .areaCaseworker(.houlkaer))
            try await store.createUser(anne, password: "korrekt hest batteri", audit: audit)
            // Issue #18: a caseworker's role is kept for the agreement she was created in.
            var kept = anne
            kept.grants = [RoleGrant(agreement: SQLOutcomesStore.defaultAgreement, role: anne.role)]
            #expect(try await store.authenticate(username: "anne", password: "korrekt hest batteri") == kept)
            #expect(try await store.authenticate(username: "anne", password: "forkert") == nil)
            #expect(try await store.authenticate(username: "bo", password: "korrekt hest batteri") == nil)
            #expect(try await store.users() == [kept])
            let stored = try await store.withConnection { database in try await database.select().column("passwordHash").from("userAccount").first() }
            let hash = try stored?.decode(column: "passwordHash", as: String.self) ?? ""
            #expect(hash.hasPrefix("$2") && !hash.contains("hest"))
            #expect(try await store.auditEntries().map(\.event.action) == ["create-user"])
        }
    }

    @Test("Short passwords and duplicate usernames are refused", arguments: Backend.available)
    func refusals(backend: Backend) async throws {
        try await backend.withStore { store in
            store.setPasswordCost(4)
            let dsi = UserAccount(username: "dsi", displayName: "DSI", role: .funder(PartyKey("dsi")))
            await #expect(throws: StoreError.weakPassword) { try await store.createUser(dsi, password: "kort", audit: audit) }
            try await store.createUser(dsi, password: "en lang nok adgangskode", audit: audit)
            await #expect(throws: StoreError.userExists("dsi")) {
                try await store.createUser(dsi, password: "en anden lang adgangskode", audit: audit)
            }
        }
    }
}
