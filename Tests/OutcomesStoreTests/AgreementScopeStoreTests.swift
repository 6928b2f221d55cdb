import Foundation
import OutcomesContractFile
import OutcomesCore
import OutcomesTestSupport
import SQLKit
import Testing

@testable import OutcomesStore

/// Issue #18: one database holds any number of agreements; a store scoped to one reads and
/// writes that agreement's records only.
@Suite("Agreements as a scope in the store (every backend)")
struct AgreementScopeStoreTests {
    let event = AuditEvent(actor: "user:test", action: "test", subject: "", purpose: "test", at: "2026-12-05T10:00:00Z")
    static let other = "aarhus-staerke-familier"

    @Test("a store opened without an agreement works in the built-in contract's (Viborg's)")
    func defaultAgreement() {
        #expect(SQLOutcomesStore.defaultAgreement == ContractFile.builtIn().id)
    }

    @Test("two agreements in one database: the same household id in both, each sees only its own records", arguments: Backend.available)
    func separate(backend: Backend) async throws {
        try await backend.withStore { store in
            let aarhus = store.sqlScoped(to: Self.other)
            let period = viborg.interventionPeriod.value
            let other = try #require(Area(rawValue: "vestbyen"))
            try await store.createHousehold(Household(id: HouseholdID("H-001"), area: .houlkaer, group: .control), interventionPeriod: period, audit: event)
            try await aarhus.createHousehold(Household(id: HouseholdID("H-001"), area: other, group: .control), interventionPeriod: period, audit: event)
            #expect(try await store.households(in: nil).map(\.area) == [.houlkaer])
            #expect(try await aarhus.households(in: nil).map(\.area) == [other])
            try await aarhus.addPerson(PersonRecord(id: PersonID("P-1"), household: HouseholdID("H-001"), birthDate: LocalDate(iso: "1990-01-01")!, name: "Aase"), audit: event)
            #expect(try await store.persons(in: HouseholdID("H-001")).isEmpty)
            #expect(try await aarhus.persons(in: HouseholdID("H-001")).map(\.name) == ["Aase"])

            try await aarhus.createActionPlan(ActionPlan(household: HouseholdID("H-001"), courseStart: LocalDate(iso: "2024-01-31")!), audit: event)
            #expect(try await store.actionPlan(for: HouseholdID("H-001")) == nil)
            #expect(try await aarhus.actionPlan(for: HouseholdID("H-001")) != nil)

            // Deliveries: Viborg's example is Viborg's; the same files are refused for Aarhus.
            let receipt = try await store.importDelivery(try exampleFiles(), commitment: viborg, receivedOn: today)
            #expect(try await aarhus.deliveries().isEmpty)
            #expect(try await aarhus.currentDeliveryNumber() == nil)
            #expect(try await store.currentDeliveryNumber() == receipt.number)
            await #expect(throws: StoreError.deliveryOfAnotherAgreement(viborg.id)) {
                try await aarhus.importDelivery(try exampleFiles(), commitment: viborg, receivedOn: today)
            }
            #expect(try await aarhus.delivery(number: receipt.number) == nil)

            // Money, meetings, reports, decisions and settlements.
            try await aarhus.recordTransfer(
                MoneyTransfer(kind: .disbursement, from: PartyKey("dsi"), to: PartyKey("aarhus"), paidOn: today, amount: Money(kroner: 1000), reference: "A"),
                audit: event
            )
            try await aarhus.recordMeeting(Meeting(heldOn: today, isAnnualMeeting: true, accountsReceivedOn: nil, minutes: "Aarhus"), audit: event)
            try await aarhus.recordReport(SteeringReport(period: HalfYear(year: 2026, half: 1), submittedOn: today), audit: event)
            try await store.recordReport(SteeringReport(period: HalfYear(year: 2026, half: 1), submittedOn: today), audit: event)
            try await aarhus.setBudgetActual(BudgetActual(lineKey: "x", year: 2025, amount: Money(kroner: 5)), audit: event)
            try await aarhus.proposeSettlement(
                SettlementRecord(period: "2026-H1", contractID: Self.other, contractVersion: 1, deliveryNumber: 1, document: "{}", proposedBy: "x", proposedAt: "t"),
                audit: event
            )
            try await store.proposeSettlement(
                SettlementRecord(period: "2026-H1", contractID: viborg.id, contractVersion: 2, deliveryNumber: 1, document: "{ }", proposedBy: "y", proposedAt: "t"),
                audit: event
            )
            #expect(try await store.transfers().isEmpty)
            #expect(try await store.meetings().isEmpty)
            #expect(try await store.budgetActuals().isEmpty)
            #expect(try await aarhus.transfers().count == 1)
            #expect(try await aarhus.meetings().count == 1)
            #expect(try await aarhus.budgetActuals().count == 1)
            #expect(try await store.reports().count == 1)
            #expect(try await aarhus.reports().count == 1)
            #expect(try await store.settlementRecords().map(\.contractID) == [viborg.id])
            #expect(try await aarhus.settlementRecords().map(\.contractID) == [Self.other])

            // One audit chain, each entry naming its agreement.
            let entries = try await store.auditEntries()
            #expect(Set(entries.map(\.event.agreement)) == [viborg.id, Self.other])
            #expect(try await aarhus.verifyAudit() == .intact(entries: entries.count))
        }
    }

    @Test("each agreement counts its writes: a write and an import without an audit entry count, a read of person data does not", arguments: Backend.available)
    func changes(backend: Backend) async throws {
        try await backend.withStore { store in
            let aarhus = store.sqlScoped(to: Self.other)
            let start = try await store.lastChange()
            try await store.recordMeeting(Meeting(heldOn: today, isAnnualMeeting: false, accountsReceivedOn: nil, minutes: "m"), audit: event)
            let afterWrite = try await store.lastChange()
            #expect(afterWrite != start)
            var read = event
            read.action = "read:getHousehold"
            _ = try await store.appendAudit(read)
            #expect(try await store.lastChange() == afterWrite)
            _ = try await store.importDelivery(try exampleFiles(), commitment: viborg, receivedOn: today)
            let afterImport = try await store.lastChange()
            #expect(afterImport != afterWrite)
            #expect(try await aarhus.lastChange() == AgreementChange(count: 0))
            try await aarhus.recordMeeting(Meeting(heldOn: today, isAnnualMeeting: false, accountsReceivedOn: nil, minutes: "m"), audit: event)
            #expect(try await store.lastChange() == afterImport)
            let both = try await store.lastChanges(of: [viborg.id, Self.other, "ingen"])
            #expect(both[viborg.id] == afterImport && both[Self.other] == AgreementChange(count: 1) && both["ingen"] == nil)
        }
    }

    @Test("roles per agreement: a caseworker's in one agreement, the admin's and a funder's in every one", arguments: Backend.available)
    func grants(backend: Backend) async throws {
        try await backend.withStore { store in
            store.setPasswordCost(4)
            let aarhus = store.sqlScoped(to: Self.other)
            try await store.createUser(UserAccount(username: "anne", displayName: "Anne", role: .areaCaseworker(.houlkaer)), password: "korrekt hest batteri", audit: event)
            try await aarhus.createUser(UserAccount(username: "dsi", displayName: "DSI", role: .funder(PartyKey("dsi"))), password: "korrekt hest batteri", audit: event)
            let anne = try #require(try await store.user(named: "anne"))
            #expect(anne.grants == [RoleGrant(agreement: viborg.id, role: .areaCaseworker(.houlkaer))])
            #expect(RoleGrant.role(of: anne, in: viborg.id, parties: []) == .areaCaseworker(.houlkaer))
            #expect(RoleGrant.role(of: anne, in: Self.other, parties: []) == nil)
            let funder = try #require(try await store.user(named: "dsi"))
            #expect(funder.grants == [RoleGrant(agreement: nil, role: .funder(PartyKey("dsi")))])
            #expect(RoleGrant.role(of: funder, in: Self.other, parties: [PartyKey("dsi"), PartyKey("nsf")]) == .funder(PartyKey("dsi")))
            #expect(RoleGrant.role(of: funder, in: "someone-else", parties: [PartyKey("lbf")]) == nil)

            // Anne is made the evaluator in Aarhus: her Viborg role stays.
            try await aarhus.updateUser(username: "anne", displayName: "Anne", role: .evaluator, audit: event)
            let both = try #require(try await store.user(named: "anne"))
            #expect(RoleGrant.role(of: both, in: viborg.id, parties: []) == .areaCaseworker(.houlkaer))
            #expect(RoleGrant.role(of: both, in: Self.other, parties: []) == .evaluator)
            #expect(try await aarhus.revokeRole(username: "anne", audit: event))
            #expect(try await !aarhus.revokeRole(username: "anne", audit: event))
            let back = try #require(try await store.user(named: "anne"))
            #expect(RoleGrant.role(of: back, in: Self.other, parties: []) == nil)
            #expect(RoleGrant.role(of: back, in: viborg.id, parties: []) == .areaCaseworker(.houlkaer))
        }
    }

    @Test("a database of one agreement (schema 14) migrates without loss: records, roles and the audit chain", arguments: Backend.available)
    func migration(backend: Backend) async throws {
        try await backend.withStore(migrated: false) { store in
            try await store.migrate(through: 14)
            try await Self.fillSchema14(store)
            try await store.migrate()
            #expect(try await store.households(in: nil).map(\.id) == [HouseholdID("H-001")])
            #expect(try await store.persons(in: HouseholdID("H-001")).map(\.id) == [PersonID("P-1")])
            #expect(try await store.actionPlan(for: HouseholdID("H-001"))?.goals.map(\.id) == ["M1"])
            #expect(try await store.settlementRecords().first?.approvals.map(\.approver) == ["dsi"])
            #expect(try await store.transfers().count == 1)
            let users = try await store.users()
            let expected: [[RoleGrant]] = [
                [RoleGrant(agreement: nil, role: .admin)],
                [RoleGrant(agreement: viborg.id, role: .areaCaseworker(.houlkaer))],
                [RoleGrant(agreement: nil, role: .funder(PartyKey("dsi")))],
            ]
            #expect(users.map(\.grants) == expected)
            _ = try await store.appendAudit(event)
            #expect(try await store.verifyAudit() == .intact(entries: 2))
            // A second agreement's records start empty beside them.
            let aarhus = store.sqlScoped(to: Self.other)
            #expect(try await aarhus.households(in: nil).isEmpty)
            #expect(try await aarhus.settlementRecords().isEmpty)
            #expect(try await aarhus.transfers().isEmpty)
        }
    }

    /// Records as a database of schema 14 held them: one agreement, no agreement columns.
    static func fillSchema14(_ store: SQLOutcomesStore) async throws {
        let recordHash = SettlementRecord(period: "", contractID: "", contractVersion: 0, deliveryNumber: 0, document: "{}", proposedBy: "", proposedAt: "").hash
        let old = AuditEvent(actor: "user:adm", action: "create-user", subject: "anne", purpose: "", at: "2024-01-01T00:00:00Z")
        let oldHash = AuditChain.hash(sequence: 1, event: old, previousHash: AuditChain.genesis)
        try await store.withConnection { (database: any SQLDatabase) async throws -> Void in
            try await database.insert(into: "contract").columns("id", "version", "text").values(viborg.id, 2, ContractFile.builtInText).run()
            try await database.insert(into: "registeredHousehold").columns("id", "area", "groupName").values("H-001", "houlkaer", "control").run()
            try await database.insert(into: "registeredPerson").columns("pseudonym", "householdId", "birthDate").values("P-1", "H-001", "1990-01-01").run()
            try await database.insert(into: "actionPlan").columns("householdId", "courseStart").values("H-001", "2024-01-31").run()
            try await database.insert(into: "actionPlanGoalDefinition").columns("householdId", "position", "goalId", "text")
                .values("H-001", 0, "M1", "Job").run()
            try await database.insert(into: "settlementRecord")
                .columns("period", "contractId", "contractVersion", "deliveryNumber", "document", "hash", "proposedBy", "proposedAt")
                .values("2024-H1", viborg.id, 2, 1, "{}", recordHash, "x", "t").run()
            try await database.insert(into: "settlementApproval").columns("period", "approver", "username", "at", "meetingOn")
                .values("2024-H1", "dsi", "dsi", "t", "2024-08-01").run()
            try await database.insert(into: "moneyTransfer").columns("sequence", "kind", "fromParty", "toParty", "paidOn", "amountOre", "reference")
                .values(1, "disbursement", "dsi", "viborg", "2024-01-02", 100, "r").run()
            for (name, role) in [("adm", "admin"), ("dsi", "funder:dsi"), ("anne", "areaCaseworker:houlkaer")] {
                try await database.insert(into: "userAccount").columns("username", "displayName", "role", "passwordHash", "createdAt")
                    .values(name, name, role, "x", "t").run()
            }
            // An audit entry as version 14 wrote it (no agreement in its hash).
            try await database.insert(into: "auditEntry").columns("sequence", "at", "actor", "action", "subject", "purpose", "previousHash", "hash")
                .values(1, old.at, old.actor, old.action, old.subject, old.purpose, AuditChain.genesis, oldHash).run()
            try await database.update("auditHead").set("count", to: 1).set("lastHash", to: oldHash).where("id", .equal, 1).run()
        }
    }
}
