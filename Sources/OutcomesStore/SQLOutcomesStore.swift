import Crypto
public import Foundation
import HummingbirdBcrypt
import Logging
import NIOPosix
import Synchronization
public import OutcomesCore
public import OutcomesDelivery
import PostgresKit
public import SQLKit
import SQLiteKit

/// The store on SQL: one code path for SQLite and PostgreSQL through SQLKit.
///
/// Every operation is one unit of work on a connection of its own (``DatabaseAccess``): a
/// write and its audit entry commit together or not at all, and no other write can enter it;
/// reads run beside writes on their own connections. Nothing slow runs while a connection is
/// held: bcrypt runs on NIO's thread pool before the transaction starts, a delivery is read
/// and checked before its transaction starts. Money is integer øre and exact decimals are
/// kept as exact fractions in text (`197/20`), never a float column (PLATFORM.md: SQLite
/// stores `NUMERIC` as real).
///
/// ```swift
/// let store = try await SQLOutcomesStore.open(url: "data/outcomes.sqlite")
/// try await store.migrate()
/// let receipt = try await store.importDelivery(files, commitment: viborg, receivedOn: today)
/// ```
public final class SQLOutcomesStore: OutcomesStore {
    let access: any DatabaseAccess
    /// bcrypt's cost factor: 12 in use; tests lower it to stay fast. Shared by every scope of
    /// one database.
    private let cost: PasswordCost
    /// The agreement whose records this store reads and writes (issue #18): every query of an
    /// agreement's tables is filtered by it and every insert carries it. Users, sessions,
    /// tokens, contract texts, the reference rate and the audit trail are the database's.
    public let agreement: String

    /// The agreement a store opened without one works in: the built-in contract's id
    /// (Viborg's), so that the README's commands and older databases go on as before.
    public static let defaultAgreement = "viborg-relationel-velfaerd"

    var passwordCost: UInt8 { cost.value.withLock { $0 } }

    /// Sets bcrypt's cost factor (tests use 4).
    public func setPasswordCost(_ cost: UInt8) { self.cost.value.withLock { $0 = cost } }

    final class PasswordCost: Sendable {
        let value = Mutex<UInt8>(12)
    }

    init(access: any DatabaseAccess, agreement: String = SQLOutcomesStore.defaultAgreement, cost: PasswordCost = PasswordCost()) {
        self.access = access
        self.agreement = agreement
        self.cost = cost
    }

    /// The same database, seen as the agreement `agreement`'s records: one connection pool for
    /// every agreement, so one server holds any number of them.
    public func scoped(to agreement: String) -> any OutcomesStore {
        agreement == self.agreement ? self : SQLOutcomesStore(access: access, agreement: agreement, cost: cost)
    }

    /// The same store, scoped as a concrete type (for tools and tests).
    public func sqlScoped(to agreement: String) -> SQLOutcomesStore {
        agreement == self.agreement ? self : SQLOutcomesStore(access: access, agreement: agreement, cost: cost)
    }

    /// Opens the store a URL names: `postgres://…` (or `postgresql://…`, optionally with
    /// `schema=name` among the query items), `sqlite:///path`,
    /// `sqlite::memory:`, or a plain file path for SQLite.
    public static func open(url: String) async throws -> SQLOutcomesStore {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            // `schema=name` in the query keeps the store in its own schema (one server, several stores).
            guard var parts = URLComponents(string: url) else { throw StoreError.unsupportedDatabaseURL(url) }
            let schema = parts.queryItems?.first { $0.name == "schema" }?.value
            parts.queryItems = parts.queryItems?.filter { $0.name != "schema" }
            if parts.queryItems?.isEmpty == true { parts.queryItems = nil }
            return try await postgres(url: parts.string ?? url, schema: schema)
        }
        if url == "sqlite::memory:" || url == ":memory:" { return try await sqlite(path: nil) }
        if url.hasPrefix("sqlite://") { return try await sqlite(path: String(url.dropFirst("sqlite://".count))) }
        guard !url.contains("://") else { throw StoreError.unsupportedDatabaseURL(url) }
        return try await sqlite(path: url)
    }

    /// SQLite in a file (WAL, foreign keys on, one queued writer and four readers), or in
    /// memory on one connection when `path` is nil.
    public static func sqlite(path: String?) async throws -> SQLOutcomesStore {
        SQLOutcomesStore(access: try await SQLiteDatabaseAccess.open(path: path))
    }

    /// PostgreSQL by URL (`postgres://user@host:port/db?tlsmode=disable`) through a connection
    /// pool. With `schema`, the store lives in that schema (created if missing): the tests give
    /// each run its own.
    public static func postgres(url: String, schema: String? = nil) async throws -> SQLOutcomesStore {
        SQLOutcomesStore(access: try await PostgresDatabaseAccess.open(url: url, schema: schema))
    }

    public func close() async throws { try await access.close() }

    /// Runs a CPU-heavy step (bcrypt) on a thread of its own: not in a transaction, not on the
    /// cooperative threads that serve every other request, and not on NIO's shared pool, where
    /// SQLite runs its statements (a flood of logins would otherwise hold up every query).
    /// One thread: bcrypt jobs queue behind each other, never in front of the database.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await passwordThread.runIfActive(work)
    }

    private static let passwordThread: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    // MARK: Migrations

    public func migrate() async throws {
        try await migrate(through: Int.max)
    }

    /// Runs the migrations up to and including `version` (tests build an older database with it).
    func migrate(through version: Int) async throws {
        try await access.migrate { database in
            try await database.raw(
                "CREATE TABLE IF NOT EXISTS \(ident: "schemaMigration") (\(ident: "version") BIGINT PRIMARY KEY, \(ident: "name") TEXT NOT NULL)"
            ).run()
            let applied = Set(
                try await database.select().column("version").from("schemaMigration").all().map { try $0.decode(column: "version", as: Int.self) }
            )
            for migration in Migrations.all where !applied.contains(migration.version) && migration.version <= version {
                for statement in migration.statements { try await database.raw(statement).run() }
                try await database.insert(into: "schemaMigration").columns("version", "name")
                    .values(migration.version, migration.name).run()
            }
        }
    }

    /// Runs `body` in one write transaction: all of it is written, or none.
    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await access.write(body)
    }

    /// Runs `body` on a connection with no transaction and no lock: for tools and tests that
    /// inspect the database directly (or, in tamper tests, change it behind the store's back).
    public func withConnection<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await access.unguarded(body)
    }

    /// Runs `body`, a single statement, on a reader connection without a transaction.
    func readingOne<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await access.readOne(body)
    }

    /// Runs `body` on a reader connection, in one snapshot.
    func reading<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await access.read(body)
    }

    // MARK: Contracts

    public func saveContract(id: String, version: Int, text: String, audit: AuditEvent?) async throws -> Bool {
        try await transaction { database in
            let existing = try await database.select().column("text").from("contract")
                .where("id", .equal, id).where("version", .equal, version).all()
            if let row = existing.first {
                guard try row.decode(column: "text", as: String.self) == text else {
                    throw StoreError.contractVersionConflict(id: id, version: version)
                }
                return false
            }
            try await database.insert(into: "contract").columns("id", "version", "text").values(id, version, text).run()
            if var audit {
                audit.agreement = id
                _ = try await SQLOutcomesStore.append(audit, to: database)
            }
            // A new version changes what the agreement's figures are computed with.
            try await sqlScoped(to: id).countChange(in: database)
            return true
        }
    }

    // MARK: Deliveries

    /// SHA-256 over the files' names and contents, in name order.
    static func contentHash(_ files: [String: Data]) -> String {
        var hash = SHA256()
        for name in files.keys.sorted() {
            hash.update(data: Data("\(name)\u{0}\(files[name]!.count)\u{0}".utf8))
            hash.update(data: files[name]!)
        }
        return hexString(hash.finalize())
    }

    public func importDelivery(
        _ files: [String: Data],
        commitment: Commitment,
        receivedOn: LocalDate,
        keepingRegister: Set<HouseholdID>,
        audit: AuditEvent?
    ) async throws -> DeliveryReceipt {
        let hash = SQLOutcomesStore.contentHash(files)
        if let known = try await knownDelivery(hash) { return known }
        if let other = try await readingOne({ database in try await SQLOutcomesStore.agreement(ofDeliveryHash: hash, in: database) }), other != agreement {
            throw StoreError.deliveryOfAnotherAgreement(other)
        }
        // Validate everything before writing anything, outside the transaction.
        let imported = try DeliveryImporter.importFiles(files, commitment: commitment)
        return try await transaction { database in
            // The same files may have been stored since the check above, by another request.
            if let known = try await receipts(in: database, contentHash: hash).first {
                var receipt = known
                receipt.isNew = false
                return receipt
            }
            if let other = try await SQLOutcomesStore.agreement(ofDeliveryHash: hash, in: database) {
                throw StoreError.deliveryOfAnotherAgreement(other)
            }
            // Numbers are the database's (a delivery's rows are keyed by it); the delivery it
            // supersedes is its agreement's last.
            let last = try await database.select().column(SQLFunction("MAX", args: SQLIdentifier("number")), as: "last")
                .from("delivery").first()
            let number = (try last?.decode(column: "last", as: Int?.self) ?? 0) + 1
            let previous = try await receipts(in: database).last?.number
            let rows = DeliveryRows(imported.delivery)
            let warnings = String(decoding: try JSONEncoder().encode(imported.warnings), as: UTF8.self)
            try await database.insert(into: "delivery")
                .columns("number", "contentHash", "receivedOn", "supersedes", "warnings", "rowCount", "agreementId")
                .values(number, hash, receivedOn.isoString, previous, warnings, rows.count, agreement).run()
            // Issue #14: the register's edits are compared and merged in the import's own
            // transaction, so an edit made meanwhile is either kept or named, never lost unseen.
            let register = try await database.select().column("*").from("registeredHousehold").where("agreementId", .equal, agreement)
                .orderBy("id").all()
                .map(SQLOutcomesStore.household)
            var lastHouseholds: [Household]?
            if let previous { lastHouseholds = try await DeliveryRows.households(ofDelivery: previous, in: database) }
            let merged = try RegisterMerge.merge(
                previous: lastHouseholds,
                register: register,
                next: imported.delivery.households,
                keeping: keepingRegister,
                interventionPeriod: commitment.interventionPeriod.value,
                cohorts: commitment.schoolAbsenceCohorts
            )
            try await rows.write(delivery: number, to: database)
            if audit == nil { try await countChange(in: database) }
            try await syncRegister(merged.households, persons: imported.delivery, in: database)
            if var audit {
                func names(_ changes: [DeliveryPreview.HouseholdChange]) -> String { changes.map(\.household.rawValue).joined(separator: ",") }
                audit.subject = (["delivery \(number)", audit.subject.isEmpty ? nil : audit.subject]
                    + [
                        merged.kept.isEmpty ? nil : "registret beholdt for \(names(merged.kept))",
                        merged.replaced.isEmpty ? nil : "registret overskrevet for \(names(merged.replaced))",
                    ]).compactMap { $0 }.joined(separator: "; ")
                _ = try await append(audit, to: database)
            }
            var receipt = DeliveryReceipt(
                number: number,
                contentHash: hash,
                receivedOn: receivedOn,
                supersedes: previous,
                isNew: true,
                rowCount: rows.count
            )
            receipt.overriddenRegister = merged.replaced.map(\.household)
            return receipt
        }
    }

    /// The receipt of a delivery with these files, when it is on record (`isNew` false).
    private func knownDelivery(_ hash: String) async throws -> DeliveryReceipt? {
        try await reading { database in try await receipts(in: database, contentHash: hash).first }
    }

    public func deliveries() async throws -> [DeliveryReceipt] {
        try await reading { database in try await receipts(in: database) }
    }

    /// The agreement a delivery with these files belongs to, if one does (the content hash is
    /// unique in the database).
    static func agreement(ofDeliveryHash hash: String, in database: any SQLDatabase) async throws -> String? {
        try await database.select().column("agreementId").from("delivery").where("contentHash", .equal, hash).first()?
            .decode(column: "agreementId", as: String.self)
    }

    func receipts(in database: any SQLDatabase, contentHash: String? = nil) async throws -> [DeliveryReceipt] {
        var query = database.select().columns("number", "contentHash", "receivedOn", "supersedes", "rowCount").from("delivery")
            .where("agreementId", .equal, agreement)
        if let contentHash { query = query.where("contentHash", .equal, contentHash) }
        return try await query.orderBy("number").all().map { row in
                let text = try row.decode(column: "receivedOn", as: String.self)
                guard let date = LocalDate(iso: text) else { throw StoreError.corruptRow(table: "delivery", detail: "receivedOn '\(text)'") }
                return DeliveryReceipt(
                    number: try row.decode(column: "number", as: Int.self),
                    contentHash: try row.decode(column: "contentHash", as: String.self),
                    receivedOn: date,
                    supersedes: try row.decode(column: "supersedes", as: Int?.self),
                    isNew: false,
                    rowCount: try row.decode(column: "rowCount", as: Int.self)
                )
            }
    }

    public func currentDelivery() async throws -> ImportedDelivery? {
        try await reading { database in
            guard let current = try await receipts(in: database).last else { return nil }
            return try await readDelivery(current.number, from: database)
        }
    }

    /// The number of the current delivery, or `nil`: one small query, for caches keyed by it.
    public func currentDeliveryNumber() async throws -> Int? {
        try await readingOne { database in
            try await database.raw(#"SELECT MAX("number") AS "last" FROM "delivery" WHERE "agreementId" = \#(bind: agreement)"#).first()?
                .decode(column: "last", as: Int?.self)
        }
    }

    /// A delivery on record, as the importer read it, or `nil` when there is none with that number.
    public func delivery(number: Int) async throws -> ImportedDelivery? {
        try await reading { database in try await readDelivery(number, from: database) }
    }

    func readDelivery(_ number: Int, from database: any SQLDatabase) async throws -> ImportedDelivery? {
        guard
            let warningsRow = try await database.select().column("warnings").from("delivery").where("number", .equal, number)
                .where("agreementId", .equal, agreement).first()
        else {
            return nil
        }
        let warnings = try JSONDecoder().decode([String].self, from: Data(try warningsRow.decode(column: "warnings", as: String.self).utf8))
        let delivery = try await DeliveryRows.read(delivery: number, from: database)
        return ImportedDelivery(delivery: delivery, warnings: warnings)
    }

    // MARK: Audit trail

    public func appendAudit(_ event: AuditEvent) async throws -> AuditEntry {
        try await transaction { database in try await append(event, to: database) }
    }

    /// Appends within the caller's transaction: the entry and the head move together. The
    /// entry names the store's agreement.
    func append(_ event: AuditEvent, to database: any SQLDatabase) async throws -> AuditEntry {
        var event = event
        event.agreement = agreement
        // A write (not a read of person data) changes the agreement's records.
        if !event.action.hasPrefix("read:") { try await countChange(in: database) }
        return try await SQLOutcomesStore.append(event, to: database)
    }

    /// Counts a write to the agreement's records, in the writer's transaction
    /// (``lastChange()``).
    func countChange(in database: any SQLDatabase) async throws {
        try await database.raw(
            """
            INSERT INTO "agreementChange" ("agreementId", "count") VALUES (\(bind: agreement), 1)
            ON CONFLICT ("agreementId") DO UPDATE SET "count" = "agreementChange"."count" + 1
            """
        ).run()
    }

    /// Appends an event of the database itself (users, sessions, tokens, the reference rate),
    /// which belongs to no agreement.
    func appendGlobal(_ event: AuditEvent, to database: any SQLDatabase) async throws -> AuditEntry {
        try await SQLOutcomesStore.append(event, to: database)
    }

    static func append(_ event: AuditEvent, to database: any SQLDatabase) async throws -> AuditEntry {
        guard let head = try await database.select().columns("count", "lastHash").from("auditHead").where("id", .equal, 1).first() else {
            throw StoreError.corruptRow(table: "auditHead", detail: "the head row is missing")
        }
        let sequence = try head.decode(column: "count", as: Int.self) + 1
        let previous = try head.decode(column: "lastHash", as: String.self)
        let hash = AuditChain.hash(sequence: sequence, event: event, previousHash: previous)
        try await database.insert(into: "auditEntry")
            .columns("sequence", "at", "actor", "action", "subject", "purpose", "previousHash", "hash", "agreementId")
            .values(sequence, event.at, event.actor, event.action, event.subject, event.purpose, previous, hash, event.agreement).run()
        try await database.update("auditHead").set("count", to: sequence).set("lastHash", to: hash).where("id", .equal, 1).run()
        return AuditEntry(sequence: sequence, event: event, previousHash: previous, hash: hash)
    }

    /// How many writes the agreement's records have had (every write is counted in its own
    /// transaction: an audited write that is not a read of person data, a delivery): what a
    /// cache of figures derived from them is keyed by.
    public func lastChange() async throws -> AgreementChange {
        try await lastChanges(of: [agreement])[agreement] ?? AgreementChange(count: 0)
    }

    /// ``lastChange()`` of several agreements, in one statement (the portfolio asks for fifty).
    public func lastChanges(of agreements: [String]) async throws -> [String: AgreementChange] {
        guard !agreements.isEmpty else { return [:] }
        return try await readingOne { database in
            var found: [String: AgreementChange] = [:]
            for row in try await database.select().columns("agreementId", "count").from("agreementChange")
                .where("agreementId", .in, agreements).all()
            {
                found[try row.decode(column: "agreementId", as: String.self)] = AgreementChange(count: try row.decode(column: "count", as: Int.self))
            }
            return found
        }
    }

    public func auditEntries() async throws -> [AuditEntry] {
        try await reading { database in try await SQLOutcomesStore.auditEntries(in: database) }
    }

    static func auditEntries(in database: any SQLDatabase) async throws -> [AuditEntry] {
        try await database.select().column("*").from("auditEntry").orderBy("sequence").all().map { row in
            AuditEntry(
                sequence: try row.decode(column: "sequence", as: Int.self),
                event: AuditEvent(
                    stored: (),
                    actor: try row.decode(column: "actor", as: String.self),
                    action: try row.decode(column: "action", as: String.self),
                    subject: try row.decode(column: "subject", as: String.self),
                    purpose: try row.decode(column: "purpose", as: String.self),
                    at: try row.decode(column: "at", as: String.self),
                    agreement: try row.decode(column: "agreementId", as: String.self)
                ),
                previousHash: try row.decode(column: "previousHash", as: String.self),
                hash: try row.decode(column: "hash", as: String.self)
            )
        }
    }

    /// The head and the entries are read in one snapshot, so writes going on meanwhile cannot
    /// make an intact trail look broken.
    public func verifyAudit() async throws -> AuditVerification {
        try await reading { database in
            guard let head = try await database.select().columns("count", "lastHash").from("auditHead").where("id", .equal, 1).first() else {
                return .broken(firstBadEntry: 1, reason: "kædens hoved mangler")
            }
            return AuditChain.verify(
                try await SQLOutcomesStore.auditEntries(in: database),
                headCount: try head.decode(column: "count", as: Int.self),
                headHash: try head.decode(column: "lastHash", as: String.self)
            )
        }
    }

    // MARK: Action plans

    public func actionPlan(for household: HouseholdID) async throws -> ActionPlan? {
        try await reading { database in try await readActionPlan(household, from: database) }
    }

    func readActionPlan(_ household: HouseholdID, from database: any SQLDatabase) async throws -> ActionPlan? {
        guard
            let row = try await database.select().column("courseStart").from("actionPlan")
                .where("agreementId", .equal, agreement).where("householdId", .equal, household.rawValue).first()
        else { return nil }
        let text = try row.decode(column: "courseStart", as: String.self)
        guard let start = LocalDate(iso: text) else { throw StoreError.corruptRow(table: "actionPlan", detail: text) }
        let goals = try await database.select().columns("goalId", "text", "fulfilled").from("actionPlanGoalDefinition")
            .where("agreementId", .equal, agreement).where("householdId", .equal, household.rawValue).orderBy("position").all().map { row in
                ActionPlan.Goal(
                    id: try row.decode(column: "goalId", as: String.self),
                    text: try row.decode(column: "text", as: String.self),
                    fulfilled: try row.decode(column: "fulfilled", as: Int?.self).map { $0 != 0 }
                )
            }
        return ActionPlan(household: household, courseStart: start, goals: goals)
    }

    /// Replaces a plan's goal rows with the plan's goals.
    func writeGoals(_ plan: ActionPlan, to database: any SQLDatabase) async throws {
        try await database.delete(from: "actionPlanGoalDefinition").where("agreementId", .equal, agreement)
            .where("householdId", .equal, plan.household.rawValue).run()
        guard !plan.goals.isEmpty else { return }
        var insert = database.insert(into: "actionPlanGoalDefinition").columns("agreementId", "householdId", "position", "goalId", "text", "fulfilled")
        for (position, goal) in plan.goals.enumerated() {
            insert = insert.values(agreement, plan.household.rawValue, position, goal.id, goal.text, goal.fulfilled.map { $0 ? 1 : 0 })
        }
        try await insert.run()
    }

    public func createActionPlan(_ plan: ActionPlan, audit: AuditEvent) async throws {
        try await transaction { database in
            guard try await readActionPlan(plan.household, from: database) == nil else {
                throw StoreError.actionPlanExists(plan.household)
            }
            try await database.insert(into: "actionPlan").columns("agreementId", "householdId", "courseStart")
                .values(agreement, plan.household.rawValue, plan.courseStart.isoString).run()
            try await writeGoals(plan, to: database)
            _ = try await append(audit, to: database)
        }
    }

    public func changeActionPlan(
        _ household: HouseholdID,
        _ change: ActionPlan.Change,
        on date: LocalDate,
        adjustmentMonths: Int,
        audit: AuditEvent
    ) async throws -> ActionPlan {
        try await transaction { database in
            guard var plan = try await readActionPlan(household, from: database) else {
                throw StoreError.noActionPlan(household)
            }
            try plan.apply(change, on: date, adjustmentMonths: adjustmentMonths)
            try await writeGoals(plan, to: database)
            _ = try await append(audit, to: database)
            return plan
        }
    }

    public func assessActionPlanGoal(_ household: HouseholdID, goal: String, fulfilled: Bool?, audit: AuditEvent) async throws -> ActionPlan {
        try await transaction { database in
            guard var plan = try await readActionPlan(household, from: database) else {
                throw StoreError.noActionPlan(household)
            }
            try plan.assess(goal, fulfilled: fulfilled)
            try await writeGoals(plan, to: database)
            _ = try await append(audit, to: database)
            return plan
        }
    }

    // MARK: Visitation decisions

    public func recordEnrolmentDecision(
        _ decision: EnrolmentDecision,
        consentGiven: Bool,
        interventionPeriod: DateRange,
        audit: AuditEvent
    ) async throws {
        try decision.validate(consentGiven: consentGiven, interventionPeriod: interventionPeriod)
        try await transaction { database in
            // P 3.2.2: the list is taken in order, within each area.
            if let record = try await database.select().column("*").from("registeredHousehold")
                .where("agreementId", .equal, agreement).where("id", .equal, decision.household.rawValue).first().map(SQLOutcomesStore.household),
                let position = record.listPosition
            {
                let decided = Set(
                    try await database.select().column("householdId").from("enrolmentDecision").where("agreementId", .equal, agreement).all()
                        .map { try $0.decode(column: "householdId", as: String.self) }
                )
                let earlier = try await database.select().column("*").from("registeredHousehold")
                    .where("agreementId", .equal, agreement).where("area", .equal, record.area.rawValue).where("listPosition", .lessThan, position)
                    .orderBy("listPosition").all().map(SQLOutcomesStore.household)
                if let skipped = earlier.first(where: { !decided.contains($0.id.rawValue) }) {
                    throw EnrolmentError.outOfOrder(earlier: skipped.id, position: skipped.listPosition ?? 0)
                }
            }
            let sequence = try await SQLOutcomesStore.nextSequence("enrolmentDecision", in: database)
            let (outcome, start): (String, String?) =
                switch decision.outcome {
                case let .enrolled(courseStart): ("enrolled", courseStart.isoString)
                case let .notEnrolled(reason): (reason.rawValue, nil)
                }
            try await database.insert(into: "enrolmentDecision")
                .columns("sequence", "householdId", "listPosition", "decidedOn", "decidedBy", "outcome", "courseStart", "reason", "agreementId")
                .values(
                    sequence,
                    decision.household.rawValue,
                    decision.listPosition,
                    decision.decidedOn.isoString,
                    decision.decidedBy,
                    outcome,
                    start,
                    decision.reason,
                    agreement
                ).run()
            if case let .enrolled(courseStart) = decision.outcome {
                // The register follows the decision: the household joins the treatment group.
                // B5.1 2.1 (goal 3): the cohort follows the intervention year of the start.
                try await database.update("registeredHousehold").set("groupName", to: Group.treatment.rawValue)
                    .set("courseStart", to: courseStart.isoString)
                    .set("cohort", to: Cohorts.cohort(of: courseStart, in: interventionPeriod))
                    .where("agreementId", .equal, agreement).where("id", .equal, decision.household.rawValue).run()
            }
            _ = try await append(audit, to: database)
        }
    }

    public func enrolmentDecisions() async throws -> [EnrolmentDecision] {
        try await reading { database in try await enrolmentDecisions(in: database) }
    }

    func enrolmentDecisions(in database: any SQLDatabase) async throws -> [EnrolmentDecision] {
        try await database.select().column("*").from("enrolmentDecision").where("agreementId", .equal, agreement).orderBy("sequence").all().map { row in
            let decided = try row.decode(column: "decidedOn", as: String.self)
            let outcomeText = try row.decode(column: "outcome", as: String.self)
            let outcome: EnrolmentDecision.Outcome
            if outcomeText == "enrolled", let start = try row.decode(column: "courseStart", as: String?.self).flatMap({ LocalDate(iso: $0) }) {
                outcome = .enrolled(courseStart: start)
            } else if let reason = EnrolmentDecision.NotEnrolledReason(rawValue: outcomeText) {
                outcome = .notEnrolled(reason)
            } else {
                throw StoreError.corruptRow(table: "enrolmentDecision", detail: outcomeText)
            }
            guard let day = LocalDate(iso: decided) else { throw StoreError.corruptRow(table: "enrolmentDecision", detail: decided) }
            return EnrolmentDecision(
                household: HouseholdID(try row.decode(column: "householdId", as: String.self)),
                listPosition: try row.decode(column: "listPosition", as: Int?.self),
                decidedOn: day,
                decidedBy: try row.decode(column: "decidedBy", as: String.self),
                outcome: outcome,
                reason: try row.decode(column: "reason", as: String.self)
            )
        }
    }

    // MARK: Users

    public func createUser(_ user: UserAccount, password: String, audit: AuditEvent) async throws {
        guard password.count >= 12 else { throw StoreError.weakPassword }
        let cost = passwordCost
        let hash = try await SQLOutcomesStore.offload { Bcrypt.hash(password, cost: cost) }
        try await transaction { database in
            let existing = try await database.select().column("username").from("userAccount")
                .where("username", .equal, user.username).first()
            guard existing == nil else { throw StoreError.userExists(user.username) }
            try await database.insert(into: "userAccount")
                .columns("username", "displayName", "role", "passwordHash", "createdAt", "mustChangePassword")
                .values(user.username, user.displayName, user.role.storedForm, hash, audit.at, user.mustChangePassword ? 1 : 0).run()
            let grants = user.grants ?? [RoleGrant(agreement: RoleGrant.scope(of: user.role, givenIn: agreement), role: user.role)]
            for grant in grants {
                try await database.insert(into: "roleGrant").columns("username", "agreementId", "role")
                    .values(user.username, grant.agreement ?? RoleGrant.everyAgreement, grant.role.storedForm).run()
            }
            _ = try await appendGlobal(audit, to: database)
        }
    }

    public func users() async throws -> [UserAccount] {
        try await reading { database in
            var grants: [String: [RoleGrant]] = [:]
            for row in try await database.select().columns("username", "agreementId", "role").from("roleGrant").orderBy("agreementId").all() {
                grants[try row.decode(column: "username", as: String.self), default: []].append(try SQLOutcomesStore.grant(row))
            }
            return try await database.select().columns(SQLOutcomesStore.userColumns).from("userAccount").orderBy("username").all()
                .map { row in
                    var user = try SQLOutcomesStore.user(row)
                    user.grants = grants[user.username] ?? []
                    return user
                }
        }
    }

    static func grant(_ row: any SQLRow) throws -> RoleGrant { try grant(row, agreement: "agreementId", role: "role") }

    static func grant(_ row: any SQLRow, agreement agreementColumn: String, role roleColumn: String) throws -> RoleGrant {
        let stored = try row.decode(column: roleColumn, as: String.self)
        guard let role = Role(storedForm: stored) else { throw StoreError.corruptRow(table: "roleGrant", detail: stored) }
        let agreement = try row.decode(column: agreementColumn, as: String.self)
        return RoleGrant(agreement: agreement == RoleGrant.everyAgreement ? nil : agreement, role: role)
    }

    /// The roles per agreement of rows that join a user to `roleGrant` (`grantAgreement`,
    /// `grantRole`; both null on the one row of a user without grants).
    static func joinedGrants(_ rows: [any SQLRow]) throws -> [RoleGrant] {
        try rows.compactMap { row in
            try row.decode(column: "grantAgreement", as: String?.self) == nil ? nil : try grant(row, agreement: "grantAgreement", role: "grantRole")
        }
    }

    /// The user with their roles per agreement, read on a connection of its own (one more
    /// small query where a caller is not identified by a token or session).
    func withGrants(_ user: UserAccount?) async throws -> UserAccount? {
        guard var user else { return nil }
        user.grants = try await readingOne { database in
            try await database.select().columns("agreementId", "role").from("roleGrant").where("username", .equal, user.username)
                .orderBy("agreementId").all().map(SQLOutcomesStore.grant)
        }
        return user
    }

    static let userColumns = ["username", "displayName", "role", "mustChangePassword", "isActive"]

    static func user(_ row: any SQLRow) throws -> UserAccount {
        let stored = try row.decode(column: "role", as: String.self)
        guard let role = Role(storedForm: stored) else { throw StoreError.corruptRow(table: "userAccount", detail: stored) }
        return UserAccount(
            username: try row.decode(column: "username", as: String.self),
            displayName: try row.decode(column: "displayName", as: String.self),
            role: role,
            mustChangePassword: (try row.decode(column: "mustChangePassword", as: Int.self)) != 0,
            isActive: (try row.decode(column: "isActive", as: Int.self)) != 0
        )
    }

    /// An unknown or deactivated user is checked against a dummy hash of the same cost, so
    /// the answer takes as long as for a known user with a wrong password.
    public func authenticate(username: String, password: String) async throws -> UserAccount? {
        try await withGrants(try await verifiedPassword(username: username, password: password)?.user)
    }

    /// The active user and the password hash that `password` was checked against, or `nil`;
    /// bcrypt runs off the store (``offload(_:)``), against a dummy hash for an unknown user.
    func verifiedPassword(username: String, password: String) async throws -> (user: UserAccount, hash: String)? {
        let found = try await readingOne { database in
            try await database.select().columns(SQLOutcomesStore.userColumns + ["passwordHash"]).from("userAccount")
                .where("username", .equal, username).first()
                .map { (try SQLOutcomesStore.user($0), try $0.decode(column: "passwordHash", as: String.self)) }
        }
        let cost = passwordCost
        guard let (user, hash) = found, user.isActive else {
            _ = try await SQLOutcomesStore.offload { Bcrypt.verify(password, hash: SQLOutcomesStore.dummyHash(cost: cost)) }
            return nil
        }
        return try await SQLOutcomesStore.offload { Bcrypt.verify(password, hash: hash) } ? (user, hash) : nil
    }

    /// A bcrypt hash of a random password per cost, for unknown users (timing).
    static func dummyHash(cost: UInt8) -> String {
        dummyHashes.withLock { hashes in
            if let hash = hashes[cost] { return hash }
            let hash = Bcrypt.hash(UUID().uuidString, cost: cost)
            hashes[cost] = hash
            return hash
        }
    }
    private static let dummyHashes = Mutex<[UInt8: String]>([:])

    // MARK: Money, meetings, reports

    /// The next number in a table's `sequence` column.
    static func nextSequence(_ table: String, in database: any SQLDatabase) async throws -> Int {
        let last = try await database.select().column(SQLFunction("MAX", args: SQLIdentifier("sequence")), as: "last").from(table).first()
        return (try last?.decode(column: "last", as: Int?.self) ?? 0) + 1
    }

    static func day(_ row: any SQLRow, _ column: String, _ table: String) throws -> LocalDate {
        let text = try row.decode(column: column, as: String.self)
        guard let date = LocalDate(iso: text) else { throw StoreError.corruptRow(table: table, detail: text) }
        return date
    }

    public func recordTransfer(_ transfer: MoneyTransfer, audit: AuditEvent) async throws {
        guard transfer.amount > .zero else { throw StoreError.nonPositiveAmount }
        try await transaction { database in
            let sequence = try await SQLOutcomesStore.nextSequence("moneyTransfer", in: database)
            try await database.insert(into: "moneyTransfer")
                .columns("sequence", "kind", "fromParty", "toParty", "paidOn", "amountOre", "reference", "agreementId")
                .values(
                    sequence,
                    transfer.kind.rawValue,
                    transfer.from.rawValue,
                    transfer.to.rawValue,
                    transfer.paidOn.isoString,
                    transfer.amount.minorUnits,
                    transfer.reference,
                    agreement
                ).run()
            _ = try await append(audit, to: database)
        }
    }

    public func transfers() async throws -> [MoneyTransfer] {
        try await reading { database in try await database.select().column("*").from("moneyTransfer").where("agreementId", .equal, agreement).orderBy("sequence").all().map { row in
            let kind = try row.decode(column: "kind", as: String.self)
            guard let parsed = MoneyTransfer.Kind(rawValue: kind) else { throw StoreError.corruptRow(table: "moneyTransfer", detail: kind) }
            return MoneyTransfer(
                kind: parsed,
                from: PartyKey(try row.decode(column: "fromParty", as: String.self)),
                to: PartyKey(try row.decode(column: "toParty", as: String.self)),
                paidOn: try SQLOutcomesStore.day(row, "paidOn", "moneyTransfer"),
                amount: Money(minorUnits: try row.decode(column: "amountOre", as: Int64.self)),
                reference: try row.decode(column: "reference", as: String.self)
            )
        } }
    }

    /// SPEC §7: a reduction DSI decided (T 4.2) or an accrual the steering group recorded (T 4.3).
    public func recordGrantDecision(_ decision: GrantDecision, audit: AuditEvent) async throws {
        guard decision.amount > .zero else { throw StoreError.nonPositiveAmount }
        try await transaction { database in
            let sequence = try await SQLOutcomesStore.nextSequence("grantDecision", in: database)
            try await database.insert(into: "grantDecision")
                .columns("sequence", "kind", "year", "amountOre", "decidedOn", "note", "agreementId")
                .values(sequence, decision.kind.rawValue, decision.year, decision.amount.minorUnits, decision.decidedOn.isoString, decision.note, agreement)
                .run()
            _ = try await append(audit, to: database)
        }
    }

    public func grantDecisions() async throws -> [GrantDecision] {
        try await reading { database in
            try await database.select().column("*").from("grantDecision").where("agreementId", .equal, agreement).orderBy("sequence").all().map { row in
                let kind = try row.decode(column: "kind", as: String.self)
                guard let parsed = GrantDecision.Kind(rawValue: kind) else { throw StoreError.corruptRow(table: "grantDecision", detail: kind) }
                return GrantDecision(
                    kind: parsed,
                    year: try row.decode(column: "year", as: Int.self),
                    amount: Money(minorUnits: try row.decode(column: "amountOre", as: Int64.self)),
                    decidedOn: try SQLOutcomesStore.day(row, "decidedOn", "grantDecision"),
                    note: try row.decode(column: "note", as: String.self)
                )
            }
        }
    }

    /// Renteloven § 5: the reference rate from a date; a second rate for the same date replaces it.
    public func setReferenceRate(_ rate: ReferenceRate, audit: AuditEvent) async throws {
        try await transaction { database in
            try await database.delete(from: "referenceRate").where("effectiveFrom", .equal, rate.effectiveFrom.isoString).run()
            try await database.insert(into: "referenceRate").columns("effectiveFrom", "rate")
                .values(rate.effectiveFrom.isoString, rate.rate.value.decimalString(scale: 4)).run()
            _ = try await appendGlobal(audit, to: database)
        }
    }

    public func referenceRates() async throws -> [ReferenceRate] {
        try await reading { database in
            try await database.select().column("*").from("referenceRate").orderBy("effectiveFrom").all().map { row in
                let text = try row.decode(column: "rate", as: String.self)
                guard let rate = try? DecimalNumber.parseMachine(text) else { throw StoreError.corruptRow(table: "referenceRate", detail: text) }
                return ReferenceRate(
                    effectiveFrom: try SQLOutcomesStore.day(row, "effectiveFrom", "referenceRate"),
                    rate: Percent(rate.ratio)
                )
            }
        }
    }

    public func setBudgetActual(_ actual: BudgetActual, audit: AuditEvent) async throws {
        guard !actual.amount.isNegative else { throw StoreError.nonPositiveAmount }
        try await transaction { database in
            try await database.delete(from: "budgetActual").where("agreementId", .equal, agreement).where("lineKey", .equal, actual.lineKey)
                .where("year", .equal, actual.year).run()
            try await database.insert(into: "budgetActual").columns("agreementId", "lineKey", "year", "amountOre")
                .values(agreement, actual.lineKey, actual.year, actual.amount.minorUnits).run()
            _ = try await append(audit, to: database)
        }
    }

    public func budgetActuals() async throws -> [BudgetActual] {
        try await reading { database in try await database.select().column("*").from("budgetActual").where("agreementId", .equal, agreement).orderBy("lineKey").orderBy("year").all().map { row in
            BudgetActual(
                lineKey: try row.decode(column: "lineKey", as: String.self),
                year: try row.decode(column: "year", as: Int.self),
                amount: Money(minorUnits: try row.decode(column: "amountOre", as: Int64.self))
            )
        } }
    }

    public func recordMeeting(_ meeting: Meeting, audit: AuditEvent) async throws {
        try await transaction { database in
            let sequence = try await SQLOutcomesStore.nextSequence("meeting", in: database)
            try await database.insert(into: "meeting").columns("sequence", "heldOn", "isAnnualMeeting", "accountsReceivedOn", "minutes", "agreementId")
                .values(sequence, meeting.heldOn.isoString, meeting.isAnnualMeeting ? 1 : 0, meeting.accountsReceivedOn?.isoString, meeting.minutes, agreement)
                .run()
            _ = try await append(audit, to: database)
        }
    }

    public func meetings() async throws -> [Meeting] {
        try await reading { database in try await database.select().column("*").from("meeting").where("agreementId", .equal, agreement).orderBy("sequence").all().map { row in
            Meeting(
                heldOn: try SQLOutcomesStore.day(row, "heldOn", "meeting"),
                isAnnualMeeting: try row.decode(column: "isAnnualMeeting", as: Int.self) != 0,
                accountsReceivedOn: try row.decode(column: "accountsReceivedOn", as: String?.self).flatMap { LocalDate(iso: $0) },
                minutes: try row.decode(column: "minutes", as: String.self)
            )
        } }
    }

    public func recordReport(_ report: SteeringReport, audit: AuditEvent) async throws {
        try await transaction { database in
            try await database.delete(from: "steeringReport").where("agreementId", .equal, agreement).where("period", .equal, report.period.label).run()
            try await database.insert(into: "steeringReport").columns("agreementId", "period", "submittedOn")
                .values(agreement, report.period.label, report.submittedOn.isoString).run()
            _ = try await append(audit, to: database)
        }
    }

    public func reports() async throws -> [SteeringReport] {
        try await reading { database in try await database.select().column("*").from("steeringReport").where("agreementId", .equal, agreement).orderBy("period").all().map { row in
            let label = try row.decode(column: "period", as: String.self)
            let parts = label.split(separator: "-H")
            guard parts.count == 2, let year = Int(parts[0]), let half = Int(parts[1]), half == 1 || half == 2 else {
                throw StoreError.corruptRow(table: "steeringReport", detail: label)
            }
            return SteeringReport(
                period: HalfYear(year: year, half: half),
                submittedOn: try SQLOutcomesStore.day(row, "submittedOn", "steeringReport")
            )
        } }
    }
}
