import Crypto
public import Foundation
import HummingbirdBcrypt
public import OutcomesCore
import OutcomesDelivery
import SQLKit

// The household register, persons, password changes and API tokens.
extension SQLOutcomesStore {
    // MARK: Households

    public func households(in area: Area? = nil) async throws -> [Household] {
        try await reading { database in
            var query = database.select().column("*").from("registeredHousehold").where("agreementId", .equal, agreement)
            if let area { query = query.where("area", .equal, area.rawValue) }
            return try await query.orderBy("id").all().map(SQLOutcomesStore.household)
        }
    }

    public func household(_ id: HouseholdID) async throws -> Household? {
        try await readingOne { database in
            try await database.select().column("*").from("registeredHousehold").where("agreementId", .equal, agreement).where("id", .equal, id.rawValue).first()
                .map(SQLOutcomesStore.household)
        }
    }

    public func saveHousehold(_ record: Household, interventionPeriod: DateRange, audit: AuditEvent) async throws {
        try await saveHousehold(record, interventionPeriod: interventionPeriod, expectedArea: nil, audit: audit)
    }

    public func saveHousehold(_ record: Household, interventionPeriod: DateRange, expectedArea: Area?, audit: AuditEvent) async throws {
        try record.validate(interventionPeriod: interventionPeriod)
        try await transaction { database in
            if let expectedArea {
                // The area the caller's right to change it was checked against must still be the household's.
                guard let row = try await database.select().column("area").from("registeredHousehold").where("agreementId", .equal, agreement).where("id", .equal, record.id.rawValue).first()
                else { throw RegisterError.unknownHousehold(record.id) }
                guard try row.decode(column: "area", as: String.self) == expectedArea.rawValue else { throw StoreError.changedMeanwhile }
            }
            if let replaced = record.replaces {
                let known = try await database.select().column("id").from("registeredHousehold").where("agreementId", .equal, agreement).where("id", .equal, replaced.rawValue).first()
                guard known != nil else { throw RegisterError.unknownHousehold(replaced) }
            }
            try await upsert([record], into: database)
            _ = try await append(audit, to: database)
        }
    }

    /// Registers a new household: the check that the id is free and the insert are one
    /// transaction, so of two requests for one id exactly one wins.
    ///
    /// - Throws: ``RegisterError/householdExists(_:)`` and the checks of ``saveHousehold(_:interventionPeriod:audit:)``.
    public func createHousehold(_ record: Household, interventionPeriod: DateRange, audit: AuditEvent) async throws {
        try record.validate(interventionPeriod: interventionPeriod)
        try await transaction { database in
            guard try await database.select().column("id").from("registeredHousehold").where("agreementId", .equal, agreement).where("id", .equal, record.id.rawValue).first() == nil
            else { throw RegisterError.householdExists(record.id) }
            if let replaced = record.replaces {
                let known = try await database.select().column("id").from("registeredHousehold").where("agreementId", .equal, agreement).where("id", .equal, replaced.rawValue).first()
                guard known != nil else { throw RegisterError.unknownHousehold(replaced) }
            }
            try await upsert([record], into: database)
            _ = try await append(audit, to: database)
        }
    }

    /// Inserts or updates households (a delivery's, or one entered by a caseworker).
    func upsert(_ records: [Household], into database: any SQLDatabase) async throws {
        for chunk in stride(from: 0, to: records.count, by: 500).map({ records[$0..<min($0 + 500, records.count)] }) {
            var insert = database.insert(into: "registeredHousehold")
                .columns("agreementId", "id", "area", "listPosition", "groupName", "courseStart", "courseEnd", "endReason", "replaces", "cohort")
            for record in chunk {
                insert = insert.values(
                    agreement,
                    record.id.rawValue,
                    record.area.rawValue,
                    record.listPosition,
                    record.group.rawValue,
                    record.start?.isoString,
                    record.end?.isoString,
                    record.endReason?.rawValue,
                    record.replaces?.rawValue,
                    record.cohort
                )
            }
            try await insert.onConflict(with: ["agreementId", "id"]) { update in
                update.set(excludedValueOf: "area").set(excludedValueOf: "listPosition").set(excludedValueOf: "groupName")
                    .set(excludedValueOf: "courseStart").set(excludedValueOf: "courseEnd").set(excludedValueOf: "endReason")
                    .set(excludedValueOf: "replaces").set(excludedValueOf: "cohort")
            }.run()
        }
    }

    static func household(_ row: any SQLRow) throws -> Household {
        func parsed<T>(_ column: String, _ make: (String) -> T?) throws -> T? {
            guard let text = try row.decode(column: column, as: String?.self) else { return nil }
            guard let value = make(text) else { throw StoreError.corruptRow(table: "registeredHousehold", detail: "\(column) '\(text)'") }
            return value
        }
        guard let area = try parsed("area", Area.init(rawValue:)), let group = try parsed("groupName", Group.init(rawValue:)) else {
            throw StoreError.corruptRow(table: "registeredHousehold", detail: "area/groupName")
        }
        return Household(
            id: HouseholdID(try row.decode(column: "id", as: String.self)),
            area: area,
            listPosition: try row.decode(column: "listPosition", as: Int?.self),
            group: group,
            start: try parsed("courseStart", LocalDate.init(iso:)),
            end: try parsed("courseEnd", LocalDate.init(iso:)),
            endReason: try parsed("endReason", EndReason.init(rawValue:)),
            replaces: try parsed("replaces") { HouseholdID($0) },
            cohort: try row.decode(column: "cohort", as: Int?.self)
        )
    }

    /// Brings the register up to date with a delivery (in the import's transaction): its
    /// households as merged with the kept edits (``RegisterMerge``), and its persons.
    func syncRegister(_ households: [Household], persons delivery: Delivery, in database: any SQLDatabase) async throws {
        try await upsert(households, into: database)
        let persons = delivery.persons
        for start in stride(from: 0, to: persons.count, by: 500) {
            var insert = database.insert(into: "registeredPerson").columns("agreementId", "pseudonym", "householdId", "birthDate", "name")
            for person in persons[start..<min(start + 500, persons.count)] {
                insert = insert.values(
                    agreement,
                    person.id.rawValue,
                    delivery.households[person.household].id.rawValue,
                    person.birthDate.isoString,
                    String?.none
                )
            }
            try await insert.onConflict(with: ["agreementId", "pseudonym"]) { update in
                update.set(excludedValueOf: "householdId").set(excludedValueOf: "birthDate")
            }.run()
        }
    }

    // MARK: Persons

    public func persons(in household: HouseholdID) async throws -> [PersonRecord] {
        try await reading { database in
            try await database.select().column("*").from("registeredPerson").where("agreementId", .equal, agreement).where("householdId", .equal, household.rawValue)
                .orderBy("birthDate").orderBy("pseudonym").all().map(SQLOutcomesStore.person)
        }
    }

    public func person(_ id: PersonID) async throws -> PersonRecord? {
        try await reading { database in
            try await database.select().column("*").from("registeredPerson").where("agreementId", .equal, agreement).where("pseudonym", .equal, id.rawValue).first()
                .map(SQLOutcomesStore.person)
        }
    }

    public func addPerson(_ person: PersonRecord, audit: AuditEvent) async throws {
        try await transaction { database in
            let known = try await database.select().column("id").from("registeredHousehold").where("agreementId", .equal, agreement).where("id", .equal, person.household.rawValue).first()
            guard known != nil else { throw RegisterError.unknownHousehold(person.household) }
            let existing = try await database.select().column("pseudonym").from("registeredPerson").where("agreementId", .equal, agreement).where("pseudonym", .equal, person.id.rawValue)
                .first()
            guard existing == nil else { throw RegisterError.personExists(person.id) }
            try await database.insert(into: "registeredPerson").columns("agreementId", "pseudonym", "householdId", "birthDate", "name")
                .values(agreement, person.id.rawValue, person.household.rawValue, person.birthDate.isoString, person.name).run()
            _ = try await append(audit, to: database)
        }
    }

    static func person(_ row: any SQLRow) throws -> PersonRecord {
        let birth = try row.decode(column: "birthDate", as: String.self)
        guard let date = LocalDate(iso: birth) else { throw StoreError.corruptRow(table: "registeredPerson", detail: "birthDate '\(birth)'") }
        return PersonRecord(
            id: PersonID(try row.decode(column: "pseudonym", as: String.self)),
            household: HouseholdID(try row.decode(column: "householdId", as: String.self)),
            birthDate: date,
            name: try row.decode(column: "name", as: String?.self)
        )
    }

    // MARK: Passwords and API tokens

    /// Sets a new password (at least 12 characters) and clears "must change password".
    public func changePassword(username: String, newPassword: String, audit: AuditEvent) async throws {
        guard newPassword.count >= 12 else { throw StoreError.weakPassword }
        let cost = passwordCost
        let hash = try await SQLOutcomesStore.offload { Bcrypt.hash(newPassword, cost: cost) }
        try await transaction { database in
            try await database.update("userAccount").set("passwordHash", to: hash).set("mustChangePassword", to: 0)
                .where("username", .equal, username).run()
            // A new password ends every session and revokes every API token of the user.
            try await database.delete(from: "userSession").where("username", .equal, username).run()
            try await database.delete(from: "apiToken").where("username", .equal, username).run()
            _ = try await appendGlobal(audit, to: database)
        }
    }

    /// SHA-256 of a token, as the store keeps it: a stolen database holds no usable token.
    static func tokenHash(_ token: String) -> String {
        hexString(SHA256.hash(data: Data(token.utf8)))
    }

    /// Keeps a bearer token for a user (only its hash).
    public func saveAPIToken(_ token: String, username: String, name: String, audit: AuditEvent) async throws {
        try await saveAPIToken(token, username: username, name: name, requiringCredential: nil, audit: audit)
    }

    public func saveAPIToken(_ token: String, username: String, name: String, requiringCredential credential: String?, audit: AuditEvent) async throws {
        try await transaction { database in
            // The session or token the request came with must still exist (a password change or a
            // deactivation while the request ran ends it), and the user must be active.
            if let credential {
                let session = try await database.select().column("tokenHash").from("userSession")
                    .where("tokenHash", .equal, credential).where("username", .equal, username).first()
                let token = try await database.select().column("tokenHash").from("apiToken")
                    .where("tokenHash", .equal, credential).where("username", .equal, username).first()
                guard session != nil || token != nil else { throw StoreError.credentialEnded }
            }
            guard try await database.select().column("username").from("userAccount").where("username", .equal, username)
                .where("isActive", .equal, 1).first() != nil
            else { throw StoreError.credentialEnded }
            try await database.insert(into: "apiToken").columns("tokenHash", "username", "name", "createdAt")
                .values(SQLOutcomesStore.tokenHash(token), username, name, audit.at).run()
            _ = try await appendGlobal(audit, to: database)
        }
    }

    /// The user a bearer token belongs to, with their roles per agreement, and the current
    /// delivery's number, read in one statement: one round trip for what nearly every program's
    /// request needs (a row per grant, the user's columns repeated).
    public func identify(apiToken token: String) async throws -> (user: UserAccount, currentDelivery: Int?)? {
        try await readingOne { database in
            let rows = try await database.raw(
                """
                SELECT u."username", u."displayName", u."role", u."mustChangePassword", u."isActive",
                    (SELECT MAX(d."number") FROM "delivery" d WHERE d."agreementId" = \(bind: agreement)) AS "currentDelivery",
                    g."agreementId" AS "grantAgreement", g."role" AS "grantRole"
                FROM "apiToken" t JOIN "userAccount" u ON u."username" = t."username"
                LEFT JOIN "roleGrant" g ON g."username" = u."username"
                WHERE t."tokenHash" = \(bind: SQLOutcomesStore.tokenHash(token)) AND u."isActive" = 1
                ORDER BY g."agreementId"
                """
            ).all()
            guard let first = rows.first else { return nil }
            var user = try SQLOutcomesStore.user(first)
            user.grants = try SQLOutcomesStore.joinedGrants(rows)
            return (user, try first.decode(column: "currentDelivery", as: Int?.self))
        }
    }

    public func replaceCalendarToken(_ token: String, username: String, audit: AuditEvent) async throws {
        try await transaction { database in
            try await database.delete(from: "calendarToken").where("username", .equal, username).run()
            try await database.insert(into: "calendarToken").columns("username", "tokenHash", "createdAt")
                .values(username, SQLOutcomesStore.tokenHash(token), audit.at).run()
            _ = try await appendGlobal(audit, to: database)
        }
    }

    public func revokeCalendarToken(username: String, audit: AuditEvent) async throws -> Bool {
        try await transaction { database in
            guard try await database.select().column("username").from("calendarToken").where("username", .equal, username).first() != nil
            else { return false }
            try await database.delete(from: "calendarToken").where("username", .equal, username).run()
            _ = try await appendGlobal(audit, to: database)
            return true
        }
    }

    public func calendarTokenCreated(username: String) async throws -> String? {
        try await reading { database in
            try await database.select().column("createdAt").from("calendarToken").where("username", .equal, username).first()?
                .decode(column: "createdAt", as: String.self)
        }
    }

    public func user(forCalendarToken token: String) async throws -> UserAccount? {
        try await withGrants(try await readingOne { database in
            try await database.raw(
                """
                SELECT u."username", u."displayName", u."role", u."mustChangePassword", u."isActive"
                FROM "calendarToken" t JOIN "userAccount" u ON u."username" = t."username"
                WHERE t."tokenHash" = \(bind: SQLOutcomesStore.tokenHash(token)) AND u."isActive" = 1
                """
            ).first().map(SQLOutcomesStore.user)
        })
    }

    /// The user a bearer token belongs to, or `nil` (also for a deactivated user).
    public func user(forAPIToken token: String) async throws -> UserAccount? {
        // Every request with a token asks this: plain SQL, serialised once, not a query builder.
        try await withGrants(try await readingOne { database in
            try await database.raw(
                """
                SELECT u."username", u."displayName", u."role", u."mustChangePassword", u."isActive"
                FROM "apiToken" t JOIN "userAccount" u ON u."username" = t."username"
                WHERE t."tokenHash" = \(bind: SQLOutcomesStore.tokenHash(token)) AND u."isActive" = 1
                """
            ).first().map(SQLOutcomesStore.user)
        })
    }

    public func user(named username: String) async throws -> UserAccount? {
        try await withGrants(try await readingOne { database in
            try await database.select().columns(SQLOutcomesStore.userColumns).from("userAccount")
                .where("username", .equal, username).first().map(SQLOutcomesStore.user)
        })
    }
}

// The agreements on record.
extension SQLOutcomesStore {
    /// Every kept contract version, by id and version.
    public func contractVersions() async throws -> [ContractVersion] {
        try await reading { database in
            try await database.select().columns("id", "version").from("contract").orderBy("id").orderBy("version").all().map { row in
                ContractVersion(id: try row.decode(column: "id", as: String.self), version: try row.decode(column: "version", as: Int.self))
            }
        }
    }

    /// The text of a kept contract version, or `nil`.
    public func contractText(id: String, version: Int) async throws -> String? {
        try await reading { database in
            try await database.select().column("text").from("contract").where("id", .equal, id).where("version", .equal, version).first()
                .map { try $0.decode(column: "text", as: String.self) }
        }
    }
}

/// A contract file's version on record.
public struct ContractVersion: Sendable, Equatable {
    public var id: String
    public var version: Int
    public init(id: String, version: Int) {
        self.id = id
        self.version = version
    }
}

// Sessions, API tokens, deactivated users.
extension SQLOutcomesStore {
    public func apiTokens(of username: String) async throws -> [APITokenInfo] {
        try await reading { database in
            try await database.select().columns("tokenHash", "name", "createdAt").from("apiToken").where("username", .equal, username)
                .orderBy("createdAt").orderBy("tokenHash").all().map { row in
                    APITokenInfo(
                        id: String(try row.decode(column: "tokenHash", as: String.self).prefix(16)),
                        name: try row.decode(column: "name", as: String.self),
                        createdAt: try row.decode(column: "createdAt", as: String.self)
                    )
                }
        }
    }

    public func revokeAPIToken(id: String, of username: String, audit: AuditEvent) async throws -> Bool {
        // Ids are 16 hex digits; anything else names no token (and cannot act as a LIKE pattern).
        guard id.count == 16, id.allSatisfy(\.isHexDigit) else { return false }
        return try await transaction { database in
            let hashes = try await database.select().column("tokenHash").from("apiToken").where("username", .equal, username).all()
                .map { try $0.decode(column: "tokenHash", as: String.self) }.filter { $0.hasPrefix(id.lowercased()) }
            guard hashes.count == 1 else { return false }
            try await database.delete(from: "apiToken").where("tokenHash", .equal, hashes[0]).run()
            _ = try await appendGlobal(audit, to: database)
            return true
        }
    }

    public func logIn(username: String, password: String, sessionTokenHash: String, at instant: Date, audit: AuditEvent) async throws
        -> UserAccount?
    {
        guard let (user, hash) = try await verifiedPassword(username: username, password: password) else { return nil }
        let seconds = Int64(instant.timeIntervalSince1970)
        return try await transaction { database in
            // The password checked above may have changed, or the user been deactivated, while
            // bcrypt ran: then no session starts.
            let current = try await database.select().columns("passwordHash", "isActive").from("userAccount")
                .where("username", .equal, username).first()
            guard let current, try current.decode(column: "passwordHash", as: String.self) == hash,
                try current.decode(column: "isActive", as: Int.self) == 1
            else { return nil }
            try await database.insert(into: "userSession").columns("tokenHash", "username", "startedAt", "lastSeen")
                .values(sessionTokenHash, username, seconds, seconds).run()
            _ = try await appendGlobal(audit, to: database)
            return user
        }
    }

    /// How stale a session's last use may get before a request writes the new one: most
    /// requests then only read.
    static let sessionTouchInterval: Int64 = 60

    /// The longest a session lives, however often it is used.
    public static let sessionLifetime: Int64 = 12 * 3600

    public func session(tokenHash: String, at instant: Date, idleTimeout: TimeInterval) async throws -> UserAccount? {
        let now = Int64(instant.timeIntervalSince1970)
        // The session, its user and the user's roles per agreement in one statement.
        let found = try await readingOne { database -> (UserAccount, Int64, Int64)? in
            let rows = try await database.raw(
                """
                SELECT u."username", u."displayName", u."role", u."mustChangePassword", u."isActive", s."lastSeen", s."startedAt",
                    g."agreementId" AS "grantAgreement", g."role" AS "grantRole"
                FROM "userSession" s JOIN "userAccount" u ON u."username" = s."username"
                LEFT JOIN "roleGrant" g ON g."username" = u."username"
                WHERE s."tokenHash" = \(bind: tokenHash)
                ORDER BY g."agreementId"
                """
            ).all()
            guard let first = rows.first else { return nil }
            var user = try SQLOutcomesStore.user(first)
            user.grants = try SQLOutcomesStore.joinedGrants(rows)
            return (user, try first.decode(column: "lastSeen", as: Int64.self), try first.decode(column: "startedAt", as: Int64.self))
        }
        guard let (user, lastSeen, startedAt) = found else { return nil }
        guard user.isActive, now - lastSeen <= Int64(idleTimeout), now - startedAt <= SQLOutcomesStore.sessionLifetime else {
            try await endSession(tokenHash: tokenHash)
            return nil
        }
        if now - lastSeen >= SQLOutcomesStore.sessionTouchInterval {
            // Bookkeeping, not a record: one statement, no audit entry, so not behind the audit lock.
            try await withConnection { database in
                try await database.update("userSession").set("lastSeen", to: now).where("tokenHash", .equal, tokenHash).run()
            }
        }
        return user
    }

    public func endSession(tokenHash: String) async throws {
        try await withConnection { database in
            try await database.delete(from: "userSession").where("tokenHash", .equal, tokenHash).run()
        }
    }

    public func purgeSessions(at instant: Date, idleTimeout: TimeInterval) async throws {
        let now = Int64(instant.timeIntervalSince1970)
        try await withConnection { database in
            try await database.delete(from: "userSession")
                .where("lastSeen", .lessThan, now - Int64(idleTimeout))
                .orWhere("startedAt", .lessThan, now - SQLOutcomesStore.sessionLifetime).run()
        }
    }

    /// Issue #16: the admin gives a user a temporary password they must change at their next
    /// login; their sessions and tokens end at once.
    public func resetPassword(username: String, temporaryPassword: String, audit: AuditEvent) async throws {
        guard temporaryPassword.count >= 12 else { throw StoreError.weakPassword }
        let cost = passwordCost
        let hash = try await SQLOutcomesStore.offload { Bcrypt.hash(temporaryPassword, cost: cost) }
        try await transaction { database in
            guard try await database.select().column("username").from("userAccount").where("username", .equal, username).first() != nil else {
                throw StoreError.unknownUser(username)
            }
            try await database.update("userAccount").set("passwordHash", to: hash).set("mustChangePassword", to: 1)
                .where("username", .equal, username).run()
            try await database.delete(from: "userSession").where("username", .equal, username).run()
            try await database.delete(from: "apiToken").where("username", .equal, username).run()
            _ = try await appendGlobal(audit, to: database)
        }
    }

    /// The number of active users who are admins of every agreement.
    static func activeAdmins(in database: any SQLDatabase) async throws -> Int {
        try await database.select().column(SQLColumn("username", table: "roleGrant")).from("roleGrant")
            .join("userAccount", on: SQLColumn("username", table: "roleGrant"), .equal, SQLColumn("username", table: "userAccount"))
            .where(SQLColumn("agreementId", table: "roleGrant"), .equal, SQLBind(RoleGrant.everyAgreement))
            .where(SQLColumn("role", table: "roleGrant"), .equal, SQLBind(Role.admin.storedForm))
            .where(SQLColumn("isActive", table: "userAccount"), .equal, SQLBind(1)).all().count
    }

    /// Whether the user is an admin of every agreement.
    static func isAdmin(_ username: String, in database: any SQLDatabase) async throws -> Bool {
        try await database.select().column("role").from("roleGrant").where("username", .equal, username)
            .where("agreementId", .equal, RoleGrant.everyAgreement).where("role", .equal, Role.admin.storedForm).first() != nil
    }

    /// Issue #16: a user's name and their role in this store's agreement (issue #18: the
    /// admin's and a funder's role are kept for every agreement, ``RoleGrant/scope(of:givenIn:)``);
    /// the last active admin keeps the admin role. A new role ends the user's sessions and
    /// tokens (they were granted under the old one).
    public func updateUser(username: String, displayName: String, role: Role, audit: AuditEvent) async throws {
        try await transaction { database in
            guard let row = try await database.select().columns("role", "isActive").from("userAccount").where("username", .equal, username).first()
            else { throw StoreError.unknownUser(username) }
            let grants = try await database.select().columns("agreementId", "role").from("roleGrant").where("username", .equal, username).all()
                .map(SQLOutcomesStore.grant)
            // The grant that gives the user their role here: their own for this agreement, else
            // one for every agreement (which a new role replaces).
            let current = grants.first { $0.agreement == agreement } ?? grants.first { $0.agreement == nil }
            if current?.role == .admin, role != .admin, try row.decode(column: "isActive", as: Int.self) != 0 {
                guard try await SQLOutcomesStore.activeAdmins(in: database) > 1 else { throw StoreError.lastAdmin }
            }
            if let current {
                try await database.delete(from: "roleGrant").where("username", .equal, username)
                    .where("agreementId", .equal, current.agreement ?? RoleGrant.everyAgreement).run()
            }
            let scope = RoleGrant.scope(of: role, givenIn: agreement) ?? RoleGrant.everyAgreement
            try await database.delete(from: "roleGrant").where("username", .equal, username).where("agreementId", .equal, scope).run()
            try await database.insert(into: "roleGrant").columns("username", "agreementId", "role").values(username, scope, role.storedForm).run()
            try await database.update("userAccount").set("displayName", to: displayName).set("role", to: role.storedForm)
                .where("username", .equal, username).run()
            if current?.role != role {
                try await database.delete(from: "userSession").where("username", .equal, username).run()
                try await database.delete(from: "apiToken").where("username", .equal, username).run()
            }
            _ = try await append(audit, to: database)
        }
    }

    /// Takes away the user's role in this store's agreement (their own grant for it; a role
    /// for every agreement is changed with ``updateUser(username:displayName:role:audit:)``).
    /// Their sessions and tokens end.
    public func revokeRole(username: String, audit: AuditEvent) async throws -> Bool {
        try await transaction { database in
            guard try await database.select().column("role").from("roleGrant").where("username", .equal, username)
                .where("agreementId", .equal, agreement).first() != nil
            else { return false }
            try await database.delete(from: "roleGrant").where("username", .equal, username).where("agreementId", .equal, agreement).run()
            try await database.delete(from: "userSession").where("username", .equal, username).run()
            try await database.delete(from: "apiToken").where("username", .equal, username).run()
            _ = try await append(audit, to: database)
            return true
        }
    }

    public func setUserActive(_ username: String, isActive: Bool, audit: AuditEvent) async throws {
        try await transaction { database in
            guard try await database.select().column("role").from("userAccount").where("username", .equal, username).first() != nil else {
                throw StoreError.unknownUser(username)
            }
            if !isActive, try await SQLOutcomesStore.isAdmin(username, in: database) {
                guard try await SQLOutcomesStore.activeAdmins(in: database) > 1 else { throw StoreError.lastAdmin }
            }
            try await database.update("userAccount").set("isActive", to: isActive ? 1 : 0).where("username", .equal, username).run()
            if !isActive {
                try await database.delete(from: "userSession").where("username", .equal, username).run()
                try await database.delete(from: "apiToken").where("username", .equal, username).run()
            }
            _ = try await appendGlobal(audit, to: database)
        }
    }
}
