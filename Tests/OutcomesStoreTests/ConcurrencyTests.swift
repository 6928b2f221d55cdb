import Foundation
import OutcomesApplication
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesTestSupport
import Testing

@testable import OutcomesStore

/// Many people at once, through the application layer, on every backend: nothing acknowledged
/// lost, nothing refused kept, no unexpected error, one winner per id, one audit entry per
/// write, and the chain intact afterwards.
@Suite("Concurrent use (every backend)")
struct ConcurrencyTests {
    static let now = Date(timeIntervalSince1970: 1_795_694_400)

    /// A service over a fresh store with the agreement, the demo delivery and users of the roles
    /// the writes need.
    static func withService(_ backend: Backend, _ body: (OutcomesService, SQLOutcomesStore) async throws -> Void) async throws {
        try await backend.withStore { store in
            store.setPasswordCost(4)
            let setup = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
            let files = DemoData.generate(commitment: viborg, seed: 2023, households: 60).mapValues { Data($0.utf8) }
            _ = try await store.importDelivery(files, commitment: viborg, receivedOn: today)
            for (name, role) in [("pl", Role.projectLead), ("adm", .admin), ("dsi", .funder(PartyKey("dsi"))), ("sg", .steeringGroup)] {
                try await store.createUser(UserAccount(username: name, displayName: name, role: role), password: "adgangskode-\(name)-2026", audit: setup)
            }
            let service = OutcomesService(store: store, commitment: viborg, pseudonymizer: try PersonPseudonymizer(secret: Data(repeating: 7, count: 32)))
            try await body(service, store)
        }
    }

    static func requester(_ store: SQLOutcomesStore, _ name: String) async throws -> Requester {
        Requester(user: try await store.user(named: name), purpose: "test", now: now, channel: "test")
    }

    /// What one task did.
    enum Outcome: Sendable {
        case stored(kind: String, key: String)
        case refused(kind: String, key: String, ApplicationError)
        case read
        case failed(String)
    }

    @Test("Several hundred mixed writes and reads at once: every acknowledged write stored once, one winner per id", arguments: Backend.available)
    func mixedLoad(backend: Backend) async throws {
        try await ConcurrencyTests.withService(backend) { service, store in
            let pl = try await ConcurrencyTests.requester(store, "pl")
            let adm = try await ConcurrencyTests.requester(store, "adm")
            let dsi = try await ConcurrencyTests.requester(store, "dsi")
            let sg = try await ConcurrencyTests.requester(store, "sg")
            let anyHousehold = try #require(try await store.households(in: nil).first).id
            let auditBefore = try await store.auditEntries().count
            let operations = 360
            let outcomes = await withTaskGroup(of: Outcome.self) { group in
                for index in 0..<operations {
                    group.addTask {
                        do {
                            switch index % 9 {
                            case 0:
                                let reference = "T-\(index)"
                                try await service.recordTransfer(
                                    index % 2 == 0 ? pl : dsi,
                                    MoneyTransfer(
                                        kind: .disbursement,
                                        from: PartyKey("dsi"),
                                        to: PartyKey("kommune"),
                                        paidOn: today,
                                        amount: Money(kroner: Int64(index + 1)),
                                        reference: reference
                                    )
                                )
                                return .stored(kind: "transfer", key: reference)
                            case 1:
                                let minutes = "M-\(index)"
                                try await service.recordMeeting(sg, Meeting(heldOn: today, isAnnualMeeting: false, accountsReceivedOn: nil, minutes: minutes))
                                return .stored(kind: "meeting", key: minutes)
                            case 2, 3:
                                // Two requests for each id: exactly one may win.
                                let id = "DUP-\(index / 9)"
                                do {
                                    try await service.createHousehold(pl, Household(id: HouseholdID(id), area: .houlkaer, group: .control))
                                    return .stored(kind: "household", key: id)
                                } catch let error as ApplicationError {
                                    return .refused(kind: "household", key: id, error)
                                }
                            case 4:
                                let subject = "N-\(index)"
                                try await service.recordNotice(pl, Notice(kind: .dispute, received: today, subject: subject), kind: "dispute")
                                return .stored(kind: "notice", key: subject)
                            case 5:
                                let name = "user-\(index)"
                                _ = try await service.createUser(adm, username: name, displayName: "Bruger \(index)", role: "evaluator", password: "en-god-adgangskode-\(index)")
                                return .stored(kind: "user", key: name)
                            case 6:
                                _ = try await service.household(pl, anyHousehold)
                                return .read
                            case 7:
                                _ = try await service.settlement(sg, asOf: today, lines: false)
                                return .read
                            default:
                                _ = try await store.transfers()
                                _ = try await service.visitationList(pl)
                                return .read
                            }
                        } catch {
                            return .failed("\(index): \(String(reflecting: error))")
                        }
                    }
                }
                var all: [Outcome] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            let failures = outcomes.compactMap { if case let .failed(text) = $0 { text } else { nil } }
            #expect(failures.isEmpty, "unexpected errors: \(failures.prefix(5))")
            var stored: [String: [String]] = [:]
            var refused: [String: [String]] = [:]
            for outcome in outcomes {
                switch outcome {
                case let .stored(kind, key): stored[kind, default: []].append(key)
                case let .refused(kind, key, error):
                    guard case .conflict = error else {
                        Issue.record("a refusal other than a conflict: \(error)")
                        continue
                    }
                    refused[kind, default: []].append(key)
                case .read, .failed: break
                }
            }
            // Every acknowledged write is there exactly once; nothing else is.
            let transfers = try await store.transfers().map(\.reference).filter { $0.hasPrefix("T-") }
            #expect(transfers.sorted() == (stored["transfer"] ?? []).sorted())
            let meetings = try await store.meetings().map(\.minutes)
            #expect(meetings.sorted() == (stored["meeting"] ?? []).sorted())
            let notices = try await store.notices().map(\.subject)
            #expect(notices.sorted() == (stored["notice"] ?? []).sorted())
            let users = try await store.users().map(\.username).filter { $0.hasPrefix("user-") }
            #expect(users.sorted() == (stored["user"] ?? []).sorted())
            // One winner per duplicated id, the other refused with a conflict, and the household there once.
            let duplicates = try await store.households(in: nil).map(\.id.rawValue).filter { $0.hasPrefix("DUP-") }
            let ids = Set((stored["household"] ?? []) + (refused["household"] ?? []))
            #expect(duplicates.sorted() == (stored["household"] ?? []).sorted())
            #expect((stored["household"] ?? []).count == ids.count && (refused["household"] ?? []).sorted() == ids.sorted())
            // One audit entry per write (and per audited read), and the chain is intact.
            let entries = try await store.auditEntries().dropFirst(auditBefore)
            let writes = stored.values.map(\.count).reduce(0, +)
            let reads = outcomes.count { if case .read = $0 { true } else { false } }
            let readEntries = entries.count { $0.event.action.hasPrefix("read:") }
            #expect(entries.count - readEntries == writes)
            // Household and visitation reads are audited; settlement summaries and plain lists are not.
            #expect(readEntries <= reads && readEntries > 0)
            #expect(try await store.verifyAudit() == .intact(entries: auditBefore + entries.count))
        }
    }

    @Test("Parallel imports of one new delivery: one stores it, the others find it already stored", arguments: Backend.available)
    func parallelImports(backend: Backend) async throws {
        try await ConcurrencyTests.withService(backend) { service, store in
            let pl = try await ConcurrencyTests.requester(store, "pl")
            let before = try await store.deliveries()
            let files = DemoData.generate(commitment: viborg, seed: 77, households: 40).mapValues { Data($0.utf8) }
            let receipts = try await withThrowingTaskGroup(of: DeliveryReceipt.self) { group in
                for _ in 0..<8 { group.addTask { try await service.importDelivery(pl, files: files, receivedOn: today) } }
                var all: [DeliveryReceipt] = []
                for try await receipt in group { all.append(receipt) }
                return all
            }
            let after = try await store.deliveries()
            #expect(after.count == before.count + 1)
            #expect(receipts.count { $0.isNew } == 1)
            #expect(Set(receipts.map(\.number)) == [after.last!.number])
            #expect(receipts.allSatisfy { $0.contentHash == after.last!.contentHash })
            #expect(try await store.auditEntries().count { $0.event.action == "import-delivery" } == 1)
            #expect(try await store.verifyAudit() == .intact(entries: try await store.auditEntries().count))
        }
    }

    @Test("Reads run beside a long write: a delivery import does not hold up settlement reads", arguments: Backend.available)
    func readsBesideWrites(backend: Backend) async throws {
        try await ConcurrencyTests.withService(backend) { service, store in
            let pl = try await ConcurrencyTests.requester(store, "pl")
            let files = DemoData.generate(commitment: viborg, seed: 5, households: 400).mapValues { Data($0.utf8) }
            let old = try #require(try await store.currentDelivery()).delivery.households.count
            let new = try DeliveryImporter.importFiles(files, commitment: viborg).delivery.households.count
            async let imported = service.importDelivery(pl, files: files, receivedOn: today)
            // Every read sees either the old delivery or the new one, whole.
            for _ in 0..<20 {
                let delivery = try #require(try await store.currentDelivery())
                #expect([old, new].contains(delivery.delivery.households.count))
            }
            #expect(try await imported.isNew)
            #expect(try await store.currentDelivery()?.delivery.households.count == new)
        }
    }
}

/// What the review of step 7 found, each as a test.
@Suite("Races closed in the store (every backend)")
struct StoreRaceTests {
    @Test("a token is kept only while the session or token that asked for it still exists", arguments: Backend.available)
    func tokenNeedsLiveCredential(backend: Backend) async throws {
        try await ConcurrencyTests.withService(backend) { _, store in
            let event = AuditEvent(actor: "test", action: "create-token", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
            // A session that a password change has ended meanwhile: refused, nothing kept.
            await #expect(throws: StoreError.credentialEnded) {
                try await store.saveAPIToken("late-token", username: "pl", name: "sen", requiringCredential: "no-such-session", audit: event)
            }
            #expect(try await store.user(forAPIToken: "late-token") == nil)
            // With a live session it is kept.
            let login = AuditEvent(actor: "user:pl", action: "login", subject: "user:pl", purpose: "login", at: "2026-11-26T12:00:00Z")
            let user = try await store.logIn(username: "pl", password: "adgangskode-pl-2026", sessionTokenHash: "live", at: ConcurrencyTests.now, audit: login)
            #expect(user?.username == "pl")
            try await store.saveAPIToken("ok-token", username: "pl", name: "ok", requiringCredential: "live", audit: event)
            #expect(try await store.user(forAPIToken: "ok-token")?.username == "pl")
            // A password change ends the session: a request that still carries it creates nothing.
            try await store.changePassword(username: "pl", newPassword: "en-helt-ny-adgangskode", audit: event)
            await #expect(throws: StoreError.credentialEnded) {
                try await store.saveAPIToken("after-change", username: "pl", name: "sen", requiringCredential: "live", audit: event)
            }
        }
    }

    @Test("the last active admin cannot be deactivated; a second one can", arguments: Backend.available)
    func lastAdmin(backend: Backend) async throws {
        try await ConcurrencyTests.withService(backend) { _, store in
            let event = AuditEvent(actor: "test", action: "deactivate-user", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
            await #expect(throws: StoreError.lastAdmin) { try await store.setUserActive("adm", isActive: false, audit: event) }
            try await store.createUser(UserAccount(username: "adm2", displayName: "Anden", role: .admin), password: "adgangskode-adm2-2026", audit: event)
            try await store.setUserActive("adm", isActive: false, audit: event)
            await #expect(throws: StoreError.lastAdmin) { try await store.setUserActive("adm2", isActive: false, audit: event) }
        }
    }

    @Test("a household is changed only if its area is still the one the right to change it was checked against", arguments: Backend.available)
    func areaChangedMeanwhile(backend: Backend) async throws {
        try await ConcurrencyTests.withService(backend) { _, store in
            let event = AuditEvent(actor: "test", action: "update-household", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
            let period = viborg.interventionPeriod.value
            try await store.createHousehold(Household(id: HouseholdID("H-AREA"), area: .houlkaer, group: .control), interventionPeriod: period, audit: event)
            // The project lead moves it…
            try await store.saveHousehold(Household(id: HouseholdID("H-AREA"), area: .karupKolvraa, group: .control), interventionPeriod: period, audit: event)
            // …so a caseworker's change checked against the old area is refused, and nothing moves back.
            await #expect(throws: StoreError.changedMeanwhile) {
                try await store.saveHousehold(
                    Household(id: HouseholdID("H-AREA"), area: .houlkaer, group: .control),
                    interventionPeriod: period,
                    expectedArea: .houlkaer,
                    audit: event
                )
            }
            #expect(try await store.household(HouseholdID("H-AREA"))?.area == .karupKolvraa)
        }
    }
}
