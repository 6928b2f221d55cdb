import Foundation
import OutcomesCore
import OutcomesTestSupport
import SQLKit
import Testing

@testable import OutcomesStore

func event(_ n: Int) -> AuditEvent {
    AuditEvent(
        actor: "anne@viborg",
        action: "read-person-data",
        subject: "household H\(n)",
        purpose: "opfølgning",
        at: "2026-11-26T10:0\(n % 10):00Z"
    )
}

@Suite("Audit trail (every backend)")
struct AuditTrailTests {
    /// Runs `body` with a store holding five audit entries, closing it whatever happens.
    func withFive(_ backend: Backend, _ body: (SQLOutcomesStore) async throws -> Void) async throws {
        try await backend.withStore { store in
            for n in 1...5 { _ = try await store.appendAudit(event(n)) }
            try await body(store)
        }
    }

    @Test("Control characters are stored written out and verify; entries stored raw before that still verify", arguments: Backend.available)
    func controlCharacters(backend: Backend) async throws {
        try await withFive(backend) { store in
            // As an entry was written before step 8: a raw line break, hashed as it was.
            let raw = AuditEvent(stored: (), actor: "user:a", action: "read", subject: "x", purpose: "linje\nto", at: "2026-11-26T10:00:00Z")
            _ = try await store.withConnection { database in try await SQLOutcomesStore.append(raw, to: database) }
            // Now: a NUL and a unit separator, written out before they are hashed and stored.
            _ = try await store.appendAudit(AuditEvent(actor: "x\u{0}y", action: "a\u{1F}b", subject: "s", purpose: "p", at: "2026-11-26T10:00:01Z"))
            let entries = try await store.auditEntries()
            #expect(entries[5].event.purpose == "linje\nto")
            #expect(entries[6].event.actor == "x\\u{0}y" && entries[6].event.action == "a\\u{1F}b")
            #expect(try await store.verifyAudit() == .intact(entries: 7))
        }
    }

    @Test("Entries chain by hash and verify as intact", arguments: Backend.available)
    func intact(backend: Backend) async throws {
        try await withFive(backend) { store in
            let entries = try await store.auditEntries()
            #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(entries[0].previousHash == AuditChain.genesis && entries[1].previousHash == entries[0].hash)
            #expect(try await store.verifyAudit() == .intact(entries: 5))
        }
    }

    @Test("A changed entry is found, and named", arguments: Backend.available)
    func changed(backend: Backend) async throws {
        try await withFive(backend) { store in
            try await store.withConnection { database in try await database.update("auditEntry").set("purpose", to: "nysgerrighed").where("sequence", .equal, 3).run() }
            #expect(try await store.verifyAudit() == .broken(firstBadEntry: 3, reason: "posten er ændret: dens hash passer ikke til indholdet"))
        }
    }

    @Test("A removed entry is found: in the middle by the gap, at the end by the head", arguments: Backend.available)
    func removed(backend: Backend) async throws {
        try await withFive(backend) { store in
            try await store.withConnection { database in try await database.delete(from: "auditEntry").where("sequence", .equal, 2).run() }
            #expect(try await store.verifyAudit() == .broken(firstBadEntry: 2, reason: "post 2 mangler (fjernet)"))
        }
        try await withFive(backend) { other in
            try await other.withConnection { database in try await database.delete(from: "auditEntry").where("sequence", .equal, 5).run() }
            #expect(try await other.verifyAudit() == .broken(firstBadEntry: 5, reason: "1 post(er) fra nr. 5 er fjernet fra enden"))
        }
    }

    @Test("An inserted entry is found, even with a correct-looking hash", arguments: Backend.available)
    func inserted(backend: Backend) async throws {
        try await withFive(backend) { store in
            let entries = try await store.auditEntries()
            // A forged sixth entry, hashed properly but not registered in the head.
            let forged = event(6)
            let hash = AuditChain.hash(sequence: 6, event: forged, previousHash: entries[4].hash)
            try await store.withConnection { database in
                try await database.insert(into: "auditEntry")
                .columns("sequence", "at", "actor", "action", "subject", "purpose", "previousHash", "hash")
                .values(6, forged.at, forged.actor, forged.action, forged.subject, forged.purpose, entries[4].hash, hash).run()
            }
            #expect(try await store.verifyAudit() == .broken(firstBadEntry: 6, reason: "post 6 og frem er ikke registreret i kædens hoved (indsat)"))
            // An entry slipped in between by renumbering the later ones breaks the chain there.
        }
        try await withFive(backend) { other in
            for sequence in [5, 4, 3] {
                try await other.withConnection { database in try await database.update("auditEntry").set("sequence", to: sequence + 1).where("sequence", .equal, sequence).run() }
            }
            let slipped = event(9)
            let entries2 = try await other.auditEntries()
            try await other.withConnection { database in
                try await database.insert(into: "auditEntry")
                .columns("sequence", "at", "actor", "action", "subject", "purpose", "previousHash", "hash")
                .values(
                    3,
                    slipped.at,
                    slipped.actor,
                    slipped.action,
                    slipped.subject,
                    slipped.purpose,
                    entries2[1].hash,
                    AuditChain.hash(sequence: 3, event: slipped, previousHash: entries2[1].hash)
                ).run()
            }
            let verdict = try await other.verifyAudit()
            guard case let .broken(first, _) = verdict else {
                Issue.record("the insertion went unnoticed")
                return
            }
            #expect(first == 4)
        }
    }

    @Test("Importing a delivery records who, when, what and why in the same transaction", arguments: Backend.available)
    func importIsAudited(backend: Backend) async throws {
        try await backend.withStore { store in
            let audit = AuditEvent(
                actor: "cli:evaluator",
                action: "import-delivery",
                subject: "",
                purpose: "halvårsopgørelse",
                at: "2026-11-26T09:00:00Z"
            )
            _ = try await store.importDelivery(try exampleFiles(), commitment: viborg, receivedOn: today, audit: audit)
            let entries = try await store.auditEntries()
            #expect(entries.map(\.event.subject) == ["delivery 1"])
            #expect(entries.first?.event.purpose == "halvårsopgørelse")
            // A rejected import records nothing.
            var files = try exampleFiles()
            files["households.csv"] = Data("household_id,area,group\nH1,nowhere,control\n".utf8)
            await #expect(throws: (any Error).self) {
                try await store.importDelivery(files, commitment: viborg, receivedOn: today, audit: audit)
            }
            #expect(try await store.auditEntries().count == 1)
            #expect(try await store.verifyAudit() == .intact(entries: 1))
        }
    }
}
