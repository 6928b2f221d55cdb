import Crypto
public import Foundation
public import OutcomesCore
public import OutcomesDelivery

/// The system of record: agreements and data deliveries, kept for good.
///
/// One interface, two backends that share one SQL code path (``SQLOutcomesStore``): SQLite,
/// the embedded default, and PostgreSQL for shared deployments. The conformance suite in
/// `Tests/OutcomesStoreTests` runs against both.
public protocol OutcomesStore: Sendable {
    /// Brings the schema to the newest version (``Migrations``); safe to call on every start.
    func migrate() async throws

    /// The agreement whose records this store reads and writes (issue #18).
    var agreement: String { get }
    /// What grows with every write to the agreement's records: what a cache of figures derived
    /// from them is keyed by.
    func lastChange() async throws -> AgreementChange
    /// ``lastChange()`` of several agreements of the database, in one statement.
    func lastChanges(of agreements: [String]) async throws -> [String: AgreementChange]
    /// The same database seen as another agreement's records.
    func scoped(to agreement: String) -> any OutcomesStore

    /// Keeps a version of a contract file, with its audit entry in the same transaction; false
    /// (and nothing written) when that version is already kept with the same text.
    ///
    /// - Throws: ``StoreError/contractVersionConflict(id:version:)`` when the version is kept
    ///   with another text: a changed agreement needs a new version.
    func saveContract(id: String, version: Int, text: String, audit: AuditEvent?) async throws -> Bool

    /// Imports a data delivery all-or-nothing and idempotently.
    ///
    /// The same files twice change nothing (the first receipt is returned); different files
    /// supersede the current delivery, and both stay on record. A delivery with any error is
    /// rejected whole and nothing is written.
    ///
    /// The register follows the delivery's households, merged in the same transaction by the
    /// rule of ``RegisterMerge``: for the households in `keepingRegister` the fields edited in
    /// Outcomes since the last delivery keep their edits; every other edit the delivery replaces
    /// is named in the receipt (`overriddenRegister`) and the audit entry (issue #14).
    ///
    /// - Throws: `DeliveryRejected` with every problem, as the importer reports them;
    ///   ``RegisterMerge/Conflict`` when a kept household's merged course breaks the rules.
    func importDelivery(
        _ files: [String: Data],
        commitment: Commitment,
        receivedOn: LocalDate,
        keepingRegister: Set<HouseholdID>,
        audit: AuditEvent?
    ) async throws
        -> DeliveryReceipt

    /// Every delivery on record, oldest first.
    func deliveries() async throws -> [DeliveryReceipt]

    /// The current (newest) delivery, as the importer read it, or `nil` when there is none.
    func currentDelivery() async throws -> ImportedDelivery?

    /// The number of the current delivery, or `nil` when there is none: one small query.
    func currentDeliveryNumber() async throws -> Int?

    /// A delivery on record by its number, as the importer read it.
    func delivery(number: Int) async throws -> ImportedDelivery?

    /// A household's action plan, or `nil` when it has none.
    func actionPlan(for household: HouseholdID) async throws -> ActionPlan?

    /// Keeps a new action plan (with its first goals), recording it in the audit trail.
    func createActionPlan(_ plan: ActionPlan, audit: AuditEvent) async throws

    /// Adjusts a plan's goals on `date`, in one transaction with its audit entry.
    ///
    /// - Throws: `ActionPlanError.locked(since:)` from six months after the course's start
    ///   (B5.1 2.8.1); nothing is written then.
    func changeActionPlan(
        _ household: HouseholdID,
        _ change: ActionPlan.Change,
        on date: LocalDate,
        adjustmentMonths: Int,
        audit: AuditEvent
    ) async throws -> ActionPlan

    /// Records whether a goal was met (allowed also after the lock).
    func assessActionPlanGoal(_ household: HouseholdID, goal: String, fulfilled: Bool?, audit: AuditEvent) async throws -> ActionPlan

    /// Journals a visitation decision (P 3.2.1) after checking it, with its audit entry.
    ///
    /// - Throws: `EnrolmentError` (no reason, no consent, a start outside the period).
    func recordEnrolmentDecision(
        _ decision: EnrolmentDecision,
        consentGiven: Bool,
        interventionPeriod: DateRange,
        audit: AuditEvent
    ) async throws

    /// The journal of visitation decisions, in the order made.
    func enrolmentDecisions() async throws -> [EnrolmentDecision]

    /// Creates a user with a password, kept only as a bcrypt hash.
    ///
    /// - Throws: ``StoreError/weakPassword`` (fewer than 12 characters),
    ///   ``StoreError/userExists(_:)``.
    func createUser(_ user: UserAccount, password: String, audit: AuditEvent) async throws

    /// Every user, without password hashes.
    func users() async throws -> [UserAccount]

    /// The user when the password is right; `nil` for an unknown user or a wrong password alike.
    func authenticate(username: String, password: String) async throws -> UserAccount?

    /// Records a payment between parties; the amount is kept as integer øre.
    ///
    /// - Throws: ``StoreError/nonPositiveAmount`` for a zero or negative amount.
    func recordTransfer(_ transfer: MoneyTransfer, audit: AuditEvent) async throws

    /// Every payment, in the order recorded.
    func transfers() async throws -> [MoneyTransfer]

    /// Sets what was spent on a budget line in a year (the latest figure counts; the audit
    /// trail keeps the earlier ones).
    func setBudgetActual(_ actual: BudgetActual, audit: AuditEvent) async throws
    /// SPEC §7: records a reduction (T 4.2) or an accrual of unused grant (T 4.3).
    func recordGrantDecision(_ decision: GrantDecision, audit: AuditEvent) async throws
    /// Every grant decision, in the order recorded.
    func grantDecisions() async throws -> [GrantDecision]
    /// Renteloven § 5: sets the reference rate from a date.
    func setReferenceRate(_ rate: ReferenceRate, audit: AuditEvent) async throws
    /// The reference rates entered, oldest first.
    func referenceRates() async throws -> [ReferenceRate]

    func budgetActuals() async throws -> [BudgetActual]

    func recordMeeting(_ meeting: Meeting, audit: AuditEvent) async throws
    func meetings() async throws -> [Meeting]

    func recordReport(_ report: SteeringReport, audit: AuditEvent) async throws
    func reports() async throws -> [SteeringReport]

    /// Appends an event to the audit trail (in the same transaction as what it records, where
    /// the store writes something for it).
    func appendAudit(_ event: AuditEvent) async throws -> AuditEntry

    /// The whole trail, in order.
    func auditEntries() async throws -> [AuditEntry]

    /// Checks that no entry was changed, inserted or removed, and names the first bad one.
    func verifyAudit() async throws -> AuditVerification

    /// The household register, optionally of one area, by id.
    func households(in area: Area?) async throws -> [Household]
    func household(_ id: HouseholdID) async throws -> Household?
    /// Creates or updates a household and its course after checking it.
    ///
    /// - Throws: ``RegisterError``.
    func saveHousehold(_ record: Household, interventionPeriod: DateRange, audit: AuditEvent) async throws
    /// Changes a household, only if its area is still `expectedArea` (what the caller's right to
    /// change it was checked against).
    ///
    /// - Throws: ``StoreError/changedMeanwhile`` when the area changed meanwhile, and ``RegisterError``.
    func saveHousehold(_ record: Household, interventionPeriod: DateRange, expectedArea: Area?, audit: AuditEvent) async throws
    /// Registers a new household after checking it.
    ///
    /// - Throws: ``RegisterError/householdExists(_:)`` when the id is taken, and ``RegisterError``.
    func createHousehold(_ record: Household, interventionPeriod: DateRange, audit: AuditEvent) async throws
    func persons(in household: HouseholdID) async throws -> [PersonRecord]
    func person(_ id: PersonID) async throws -> PersonRecord?
    /// Registers a person under a pseudonym.
    ///
    /// - Throws: ``RegisterError/unknownHousehold(_:)``, ``RegisterError/personExists(_:)``.
    func addPerson(_ person: PersonRecord, audit: AuditEvent) async throws

    func recordLottery(_ record: LotteryRecord, list: [(household: HouseholdID, area: Area?)], audit: AuditEvent) async throws
    func lotteries() async throws -> [LotteryRecord]
    func recordNotice(_ notice: Notice, audit: AuditEvent) async throws
    func notices() async throws -> [Notice]
    func complianceInput(_ commitment: Commitment) async throws -> ComplianceInput

    func contractVersions() async throws -> [ContractVersion]
    func contractText(id: String, version: Int) async throws -> String?

    func user(named username: String) async throws -> UserAccount?
    /// Sets a new password; ends the user's sessions and revokes their API tokens in the same
    /// transaction.
    func changePassword(username: String, newPassword: String, audit: AuditEvent) async throws
    func saveAPIToken(_ token: String, username: String, name: String, audit: AuditEvent) async throws
    /// The user a bearer token belongs to, or `nil` (unknown, revoked, or the user deactivated).
    func user(forAPIToken token: String) async throws -> UserAccount?
    /// The user of a bearer token and the current delivery's number, in one statement.
    func identify(apiToken token: String) async throws -> (user: UserAccount, currentDelivery: Int?)?
    /// A user's API tokens (never the tokens themselves), oldest first.
    func apiTokens(of username: String) async throws -> [APITokenInfo]
    /// Revokes one of a user's tokens by its id; false when the user has no such token.
    func revokeAPIToken(id: String, of username: String, audit: AuditEvent) async throws -> Bool
    /// Keeps a user's calendar address (the SHA-256 of its token), replacing an earlier one.
    func replaceCalendarToken(_ token: String, username: String, audit: AuditEvent) async throws
    /// Revokes a user's calendar address; false when there was none.
    func revokeCalendarToken(username: String, audit: AuditEvent) async throws -> Bool
    /// When the user's calendar address was made, or nil.
    func calendarTokenCreated(username: String) async throws -> String?
    /// The active user a calendar token belongs to, or nil.
    func user(forCalendarToken token: String) async throws -> UserAccount?

    /// Checks the password and starts a session (kept as the SHA-256 of its token) with the
    /// login's audit entry; `nil` for an unknown or deactivated user or a wrong password alike.
    /// The session starts only if the password checked is still the user's when it is written.
    func logIn(username: String, password: String, sessionTokenHash: String, at instant: Date, audit: AuditEvent) async throws -> UserAccount?
    /// Keeps a bearer token, only while `credential` (the SHA-256 of the session's or token's
    /// token the request came with) still exists and the user is active.
    ///
    /// - Throws: ``StoreError/credentialEnded``.
    func saveAPIToken(_ token: String, username: String, name: String, requiringCredential credential: String?, audit: AuditEvent) async throws
    /// Removes sessions idle longer than `idleTimeout` or older than their lifetime.
    func purgeSessions(at instant: Date, idleTimeout: TimeInterval) async throws
    /// The user of a session that is known, not idle longer than `idleTimeout`, and of an
    /// active user; refreshes its last use (at most once a minute). An idle session is removed.
    func session(tokenHash: String, at instant: Date, idleTimeout: TimeInterval) async throws -> UserAccount?
    func endSession(tokenHash: String) async throws
    /// Deactivates or reactivates a user. Deactivating ends their sessions and revokes their
    /// tokens in the same transaction.
    ///
    /// - Throws: ``StoreError/unknownUser(_:)``.
    func setUserActive(_ username: String, isActive: Bool, audit: AuditEvent) async throws
    /// A temporary password the user must change at the next login; sessions and tokens end.
    func resetPassword(username: String, temporaryPassword: String, audit: AuditEvent) async throws
    /// A user's name and their role in this store's agreement (the last active admin stays admin).
    func updateUser(username: String, displayName: String, role: Role, audit: AuditEvent) async throws
    /// Takes away the user's own role in this store's agreement; false when they had none.
    func revokeRole(username: String, audit: AuditEvent) async throws -> Bool

    /// SPEC §10: keeps a proposed settlement of a half-year, replacing an earlier proposal (and
    /// its approvals) of the same half-year.
    ///
    /// - Throws: ``StoreError/settlementApproved(_:)`` once the half-year is approved.
    func proposeSettlement(_ record: SettlementRecord, audit: AuditEvent) async throws
    /// Adds a signature to the proposal whose hash is `expectedHash`; the record is approved
    /// when every one of `required` has signed. Answers the record as it is now.
    ///
    /// - Throws: ``StoreError/noSettlementProposal(_:)``, ``StoreError/settlementApproved(_:)``,
    ///   ``StoreError/changedMeanwhile`` (the proposal was replaced since it was read).
    func approveSettlement(period: String, approval: SettlementApproval, expectedHash: String, required: [String], audit: AuditEvent) async throws
        -> SettlementRecord
    /// Every proposed or approved half-year, oldest first.
    func settlementRecords() async throws -> [SettlementRecord]
    /// The approved half-years' periods and hashes only (what a settlement's cache key needs:
    /// one small query per request, no document read).
    func approvedSettlementHashes() async throws -> [(period: String, hash: String)]

    /// Closes the connection.
    func close() async throws
}

/// A person who uses Outcomes, with a role (SPEC §1).
public struct UserAccount: Sendable, Equatable {
    public var username: String
    public var displayName: String
    /// The role the user acts in: as read from the store, the one their last role change
    /// gave; a front end replaces it with their role in the agreement a request is for
    /// (``RoleGrant/role(of:in:parties:)``).
    public var role: Role
    /// The user's roles per agreement (issue #18), as the store keeps them (empty: no role
    /// anywhere); `nil` for a user made up in code (the command line's operator), whose `role`
    /// holds wherever they work.
    public var grants: [RoleGrant]? = nil
    /// Set for a password someone else chose (the first admin's, one an admin gave): the user
    /// must choose their own before doing anything else.
    public var mustChangePassword: Bool
    /// False once the admin has deactivated the user: no login, no session, no token works.
    public var isActive: Bool
    public init(
        username: String,
        displayName: String,
        role: Role,
        mustChangePassword: Bool = false,
        isActive: Bool = true,
        grants: [RoleGrant]? = nil
    ) {
        self.username = username
        self.displayName = displayName
        self.role = role
        self.grants = grants
        self.mustChangePassword = mustChangePassword
        self.isActive = isActive
    }
}

/// A role a user holds in one agreement, or in every agreement (`agreement` nil): the
/// admin's, and a funder's in every agreement their party takes part in (issue #18).
public struct RoleGrant: Sendable, Equatable {
    /// The agreement's id, or `nil` for every agreement.
    public var agreement: String?
    public var role: Role
    public init(agreement: String?, role: Role) {
        self.agreement = agreement
        self.role = role
    }

    /// How the store keeps "every agreement".
    public static let everyAgreement = "*"

    /// The agreement a role given in `agreement` is kept for: the admin's and a funder's hold
    /// for every agreement (a funder's where their party takes part), any other role for that
    /// agreement only.
    public static func scope(of role: Role, givenIn agreement: String) -> String? {
        switch role {
        case .admin, .funder: nil
        default: agreement
        }
    }

    /// The role `user` has in the agreement `agreement` whose parties are `parties`, or `nil`
    /// when they have none there: a grant for the agreement itself comes first, then one for
    /// every agreement (a funder's only where their party is one of `parties`). A user made up
    /// in code (no grants read from the store) keeps their role.
    public static func role(of user: UserAccount, in agreement: String, parties: Set<PartyKey>) -> Role? {
        guard let grants = user.grants else { return user.role }
        if let own = grants.first(where: { $0.agreement == agreement }) { return own.role }
        for grant in grants where grant.agreement == nil {
            if case let .funder(party) = grant.role, !parties.contains(party) { continue }
            return grant.role
        }
        return nil
    }
}

/// An API token as its owner sees it in the list: never the token itself.
public struct APITokenInfo: Sendable, Equatable {
    /// The first 16 hex digits of the token's SHA-256: enough to name it, useless to sign in.
    public var id: String
    public var name: String
    public var createdAt: String
    public init(id: String, name: String, createdAt: String) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// A delivery on record.
public struct DeliveryReceipt: Sendable, Equatable {
    /// 1, 2, 3… in the order received.
    public var number: Int
    /// SHA-256 of the files' names and contents: the same files give the same hash.
    public var contentHash: String
    public var receivedOn: LocalDate
    /// The delivery this one replaced, if any.
    public var supersedes: Int?
    /// False when the import found these files already on record and wrote nothing.
    public var isNew: Bool
    public var rowCount: Int
    /// Households whose register edits the delivery replaced (issue #14: never silently; the
    /// audit entry names them too).
    public var overriddenRegister: [HouseholdID] = []
}

/// SPEC §10: a half-year's settlement as proposed for approval and, once every approver has
/// signed, approved: the frozen document and its hash never change after that.
public struct SettlementRecord: Sendable, Equatable {
    /// `2024-H2`.
    public var period: String
    public var contractID: String
    public var contractVersion: Int
    public var deliveryNumber: Int
    /// The half-year's figures and lines as approved (the application's format).
    public var document: String
    /// SHA-256 of ``document``, hex.
    public var hash: String
    public var proposedBy: String
    public var proposedAt: String
    public var approvals: [SettlementApproval]
    /// When the last required approval came; `nil` while proposed.
    public var approvedAt: String?

    public init(
        period: String,
        contractID: String,
        contractVersion: Int,
        deliveryNumber: Int,
        document: String,
        proposedBy: String,
        proposedAt: String,
        approvals: [SettlementApproval] = [],
        approvedAt: String? = nil
    ) {
        self.period = period
        self.contractID = contractID
        self.contractVersion = contractVersion
        self.deliveryNumber = deliveryNumber
        self.document = document
        self.hash = hexString(SHA256.hash(data: Data(document.utf8)))
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.approvals = approvals
        self.approvedAt = approvedAt
    }

    public var isApproved: Bool { approvedAt != nil }
}

/// One signature on a proposed settlement.
public struct SettlementApproval: Sendable, Equatable {
    /// Who signs for whom: `projectLead`, `funder:dsi`.
    public var approver: String
    public var username: String
    public var at: String
    /// The steering-group meeting the settlement was presented at (T 7).
    public var meetingOn: LocalDate

    public init(approver: String, username: String, at: String, meetingOn: LocalDate) {
        self.approver = approver
        self.username = username
        self.at = at
        self.meetingOn = meetingOn
    }
}

/// An agreement's last change (``OutcomesStore/lastChange()``): how many writes its records have had.
public struct AgreementChange: Hashable, Sendable {
    public var count: Int
    public init(count: Int) { self.count = count }
}

/// What the store refuses.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case contractVersionConflict(id: String, version: Int)
    case unsupportedDatabaseURL(String)
    case corruptRow(table: String, detail: String)
    case noActionPlan(HouseholdID)
    case weakPassword
    case nonPositiveAmount
    case userExists(String)
    case actionPlanExists(HouseholdID)
    case unknownUser(String)
    case lastAdmin
    case credentialEnded
    case changedMeanwhile
    /// SPEC §10: the half-year is approved; its record never changes.
    case settlementApproved(String)
    /// No settlement of the half-year has been proposed.
    case noSettlementProposal(String)
    /// The same files are on record as a delivery of another agreement (issue #18).
    case deliveryOfAnotherAgreement(String)

    public var description: String {
        switch self {
        case let .contractVersionConflict(id, version):
            "kontrakten \(id) version \(version) findes allerede med en anden tekst; giv den ændrede aftale et nyt versionsnummer"
        case let .unsupportedDatabaseURL(url):
            "databasen '\(url)' kan ikke bruges: angiv en sti til en SQLite-fil, sqlite:///sti eller postgres://…"
        case let .corruptRow(table, detail): "en række i tabellen \(table) kan ikke læses: \(detail)"
        case let .noActionPlan(household): "husstanden \(household) har ingen handleplan"
        case .weakPassword: "en adgangskode skal have mindst 12 tegn"
        case .nonPositiveAmount: "et beløb skal være større end 0 kr."
        case let .userExists(username): "brugeren '\(username)' findes allerede"
        case let .actionPlanExists(household): "husstanden \(household) har allerede en handleplan"
        case let .unknownUser(username): "brugeren '\(username)' findes ikke"
        case .lastAdmin: "den sidste aktive administrator kan ikke deaktiveres"
        case .credentialEnded: "sessionen eller tokenet er ophørt; log ind igen"
        case .changedMeanwhile: "posten er ændret af en anden imens; hent den igen og gentag ændringen"
        case let .settlementApproved(period): "opgørelsen for \(period) er godkendt og kan ikke ændres; en ændring bliver en efterregulering"
        case let .noSettlementProposal(period): "der er ikke indstillet en opgørelse for \(period) til godkendelse"
        case let .deliveryOfAnotherAgreement(agreement):
            "præcis de samme filer er allerede modtaget som leverance til aftalen \(agreement); en leverance hører til én aftale"
        }
    }
}

extension OutcomesStore {
    /// Keeps a contract version without an audit event (tests and tools that record their own).
    public func saveContract(id: String, version: Int, text: String) async throws -> Bool {
        try await saveContract(id: id, version: version, text: text, audit: nil)
    }

    /// Imports without an audit event (tests and tools that record their own).
    public func importDelivery(_ files: [String: Data], commitment: Commitment, receivedOn: LocalDate, audit: AuditEvent?) async throws -> DeliveryReceipt {
        try await importDelivery(files, commitment: commitment, receivedOn: receivedOn, keepingRegister: [], audit: audit)
    }

    public func importDelivery(_ files: [String: Data], commitment: Commitment, receivedOn: LocalDate) async throws -> DeliveryReceipt {
        try await importDelivery(files, commitment: commitment, receivedOn: receivedOn, audit: nil)
    }
}
