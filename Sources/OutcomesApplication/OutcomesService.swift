public import Foundation
public import Logging
public import OutcomesCore
import OutcomesAnalysis
public import OutcomesStore
import OutcomesDelivery
import Synchronization

/// The application layer: every use case of Outcomes, once, for the API, the web app and the
/// command line alike.
///
/// A use case takes the caller (``Requester``) and plain values, checks the access policy
/// (``Permission``, SPEC §1), does its work through the store in one unit of work with its
/// audit entry, and returns domain values. Front ends only parse input and render output:
/// they never talk to the store and never keep a role list of their own.
///
/// ```swift
/// let service = OutcomesService(store: store, commitment: viborg, pseudonymizer: pseudonymizer)
/// let decision = try await service.recordDecision(requester, NewDecision(household: "H-001", outcome: "enrolled", …))
/// ```
public final class OutcomesService: Sendable {
    public let store: any OutcomesStore
    /// The agreement's versions (T 11.1); a version saved while the server runs joins them.
    private let versions: Mutex<AgreementHistory>
    /// The agreement as it now reads: its newest version.
    public var commitment: Commitment { versions.withLock { $0.latest } }
    /// Every version and which is in force when (the settlement uses each half-year's).
    public var history: AgreementHistory { versions.withLock { $0 } }
    /// The key that turns CPR numbers into pseudonyms; `nil` for the command line's work, which
    /// never registers a person.
    public let pseudonymizer: PersonPseudonymizer?
    public let logger: Logger
    let throttle: LoginThrottle
    let settlements = ComputedCache<SettlementKey, Settlement>(capacity: 64)
    let deliveries = ComputedCache<Int, ImportedDelivery>(capacity: 2)
    let documents = ComputedCache<DocumentKey, String>(capacity: 32)
    /// The agreement's records by its last change (issue #18).
    let inputs = ComputedCache<RecordsKey, AgreementRecords>(capacity: 2)
    /// The compliance monitor's findings and the deadlines by last change, date and version.
    let checks = ComputedCache<SummaryKey, ComplianceChecks>(capacity: 8)
    /// Portfolio lines by the agreement's last change, date and version (issue #18).
    let summaries = ComputedCache<SummaryKey, AgreementSummary>(capacity: 8)
    /// The agreement's own forecast per version, and the forecast on what is known by last
    /// change, date, version and scenarios (issue #19).
    let forecasts = ComputedCache<String, ForecastModel.Result>(capacity: 4)
    let forecastReports = ComputedCache<String, ForecastReport>(capacity: 16)
    /// Approved half-years read back from their documents, by hash (SPEC §10).
    let approvedDocuments = ComputedCache<String, ApprovedPeriod>(capacity: 64)
    /// Idle time after which a session ends.
    public let sessionIdleTimeout: TimeInterval

    public init(
        store: any OutcomesStore,
        commitment: Commitment,
        history: AgreementHistory? = nil,
        pseudonymizer: PersonPseudonymizer?,
        throttle: LoginThrottle = LoginThrottle(),
        sessionIdleTimeout: TimeInterval = 8 * 3600,
        logger: Logger = Logger(label: "outcomes.app")
    ) {
        // A service works on its agreement's records only (issue #18).
        self.store = store.agreement == commitment.id ? store : store.scoped(to: commitment.id)
        var known = history ?? AgreementHistory(single: commitment)
        if !known.versions.contains(where: { $0.version == commitment.version }) || known.latest.id != commitment.id {
            known = (try? AgreementHistory(known.versions.filter { $0.id == commitment.id && $0.version != commitment.version } + [commitment]))
                ?? AgreementHistory(single: commitment)
        }
        self.versions = Mutex(known)
        self.pseudonymizer = pseudonymizer
        self.throttle = throttle
        self.sessionIdleTimeout = sessionIdleTimeout
        self.logger = logger
    }

    /// Takes a version saved while the server runs into use (T 11.1): it is in force from its
    /// `effectiveFrom`, and the newest version is the agreement as it now reads.
    public func adopt(_ version: Commitment) {
        versions.withLock { history in
            guard version.id == history.latest.id, !history.versions.contains(where: { $0.version == version.version }),
                let next = try? AgreementHistory(history.versions + [version])
            else { return }
            history = next
        }
    }

    /// The role `user` has in this service's agreement, or `nil` when they have none there
    /// (issue #18, ``RoleGrant/role(of:in:parties:)``).
    public func role(of user: UserAccount) -> Role? {
        RoleGrant.role(of: user, in: commitment.id, parties: Set(commitment.parties.map(\.key)))
    }

    /// The user as they act in this agreement (their role here), or `nil` when they have none.
    public func inAgreement(_ user: UserAccount) -> UserAccount? {
        guard let role = role(of: user) else { return nil }
        var user = user
        user.role = role
        return user
    }

    /// Refuses unless the requester is signed in with a role in this agreement that has `permission`.
    @discardableResult
    func authorize(_ requester: Requester, _ permission: Permission) throws(ApplicationError) -> UserAccount {
        guard let user = requester.user else { throw .notSignedIn }
        guard role(of: user) == user.role else { throw .forbidden("Du har ingen rolle i aftalen \(commitment.title).") }
        guard permission.allows(user.role) else { throw .forbidden("Rollen \(user.role.danishName(in: commitment)) har ikke adgang til: \(permission.danishName).") }
        return user
    }

    /// Records that the requester read person data, with their stated purpose (SPEC §1).
    func auditRead(_ requester: Requester, _ subject: String) async throws {
        _ = try await store.appendAudit(requester.audit("read:\(requester.channel)", subject: subject))
    }
}

/// Who asks for a use case, when, through which front end and why.
public struct Requester: Sendable {
    /// The signed-in user; `nil` for an anonymous request (the login itself).
    public var user: UserAccount?
    /// The purpose stated for reads of person data (SPEC §1), or the page's or route's own.
    public var purpose: String
    public var now: Date
    /// The SHA-256 of the session's or bearer token's token the request came with, so that a
    /// use case can require that it still exists when it writes (a new API token).
    public var credentialHash: String?
    /// The current delivery's number when it was read together with the caller's identity (one
    /// round trip for both); the use cases read it themselves when it is `nil`.
    public var currentDelivery: Int?
    /// Where the request came from, as the audit trail records a read (`read:<channel>`): the
    /// API's operation (`getHousehold`), a web page (`web:visitation`) or `cli`.
    public var channel: String
    /// The client's network address (for the login throttle); `nil` on the command line.
    public var clientAddress: String?

    public init(
        user: UserAccount?,
        purpose: String = "",
        now: Date,
        channel: String,
        credentialHash: String? = nil,
        currentDelivery: Int? = nil,
        clientAddress: String? = nil
    ) {
        self.clientAddress = clientAddress
        self.user = user
        self.credentialHash = credentialHash
        self.currentDelivery = currentDelivery
        self.purpose = purpose
        self.now = now
        self.channel = channel
    }

    /// The day in Copenhagen.
    public var today: LocalDate { LocalDate.copenhagen(now) }

    /// `now` in ISO 8601 UTC, as the audit trail writes it.
    public var timestamp: String { Requester.timestamp(now) }

    public static func timestamp(_ instant: Date) -> String { ISO8601DateFormatter().string(from: instant) }

    /// The operator at the command line: whoever can open the database acts with the project
    /// lead's rights; the audit trail names them `cli:<login>`.
    public static func commandLine(login: String, purpose: String, now: Date, role: Role = .projectLead) -> Requester {
        Requester(
            user: UserAccount(username: login, displayName: "kommandolinjen", role: role),
            purpose: purpose,
            now: now,
            channel: "cli"
        )
    }

    /// An audit event by this requester.
    public func audit(_ action: String, subject: String) -> AuditEvent {
        let actor = user.map { (channel == "cli" ? "cli:" : "user:") + $0.username } ?? "anonymous"
        return AuditEvent(actor: actor, action: action, subject: subject, purpose: purpose, at: timestamp)
    }

    /// The caseworker's own area, or `nil` for roles that see every area.
    public var ownArea: Area? {
        if case let .areaCaseworker(area) = user?.role { return area }
        return nil
    }
}

/// Why a use case refused; the front ends turn it into a status or a page.
extension OutcomesService {
    /// Runs input checks (``InputRules``) and answers a violation as ``ApplicationError/invalid(_:)``
    /// (422), naming the field.
    func checkInput(_ rules: () throws(InputRules.Violation) -> Void) throws(ApplicationError) {
        do {
            try rules()
        } catch {
            throw ApplicationError.invalid(error.description)
        }
    }

    /// A household id to look up: anything without control characters (ids stored before the
    /// stricter rule for new ones stay reachable); else, as no such household can exist, not
    /// found — without asking the database (PostgreSQL cannot even take a NUL).
    func checkHouseholdID(_ id: HouseholdID) throws(ApplicationError) {
        guard InputRules.isLookupKey(id.rawValue) else {
            throw ApplicationError.notFound("Husstanden '\(InputRules.visible(id.rawValue))' findes ikke.")
        }
    }
}

public enum ApplicationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No one is signed in (401, or the login page).
    case notSignedIn
    /// The role may not, or not for this record (403).
    case forbidden(String)
    /// Nothing by that id (404).
    case notFound(String)
    /// It exists already, or the state does not allow it now (409).
    case conflict(String)
    /// The input is understood but not acceptable (422).
    case invalid(String)
    /// Too many wrong guesses; try again after this many seconds (429).
    case tooManyAttempts(retryAfter: Int)

    public var description: String {
        switch self {
        case .notSignedIn: "Log ind først."
        case let .forbidden(text), let .notFound(text), let .conflict(text), let .invalid(text): text
        case let .tooManyAttempts(wait): "For mange forkerte forsøg. Prøv igen om \(wait) sekunder."
        }
    }
}

extension LocalDate {
    static let copenhagenZone = TimeZone(identifier: "Europe/Copenhagen") ?? .gmt

    /// The day in Copenhagen at an instant: the outer layers' clock turned into the core's
    /// dates (the core never reads a clock). Used by the server and the command line.
    /// The Copenhagen day of a stored timestamp (`2026-12-05T00:30:00Z` is 5 December, and
    /// `2026-12-04T23:30:00Z` is too); nil when the text is no timestamp.
    public static func copenhagen(timestamp: some StringProtocol) -> LocalDate? {
        instant(String(timestamp)).map(copenhagen)
    }

    /// A stored ISO 8601 timestamp (with or without fractions of a second) as an instant.
    public static func instant(_ timestamp: String) -> Date? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return plain.date(from: timestamp) ?? fractional.date(from: timestamp)
    }

    /// A stored timestamp as Danish readers write it, in Copenhagen time: "31.10.2023 kl. 11.00".
    public static func danishTimestamp(_ timestamp: String) -> String {
        guard let instant = instant(timestamp) else { return timestamp }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = copenhagenZone
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        return copenhagen(instant).danishString + " kl. " + String(format: "%02d.%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    public static func copenhagen(_ instant: Date) -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = copenhagenZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
