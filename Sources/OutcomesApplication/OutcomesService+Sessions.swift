import Crypto
public import Foundation
public import OutcomesCore
public import OutcomesStore

// Logins, sessions, API tokens, passwords and users.
extension OutcomesService {
    /// What a login comes to.
    public enum LoginResult: Sendable {
        /// A new session: its token (for the cookie) and the CSRF token derived from it.
        case signedIn(UserAccount, sessionToken: String, csrfToken: String)
        case wrong
        /// Too many failed logins for the name: seconds to wait.
        case throttled(Int)
    }

    /// A login, for the API and the login page alike: throttled per user name, every failure
    /// and success in the audit trail, the session kept in the store (it survives a restart and
    /// works on every server instance on the same database).
    public func logIn(username: String, password: String, now: Date) async throws -> LoginResult {
        if let wait = await throttle.retryAfter(username, now: now) { return .throttled(wait) }
        let at = Requester.timestamp(now)
        let token = OutcomesService.randomToken()
        guard
            let user = try await store.logIn(
                username: username,
                password: password,
                sessionTokenHash: OutcomesService.digest(token),
                at: now,
                audit: AuditEvent(actor: "user:" + username, action: "login", subject: "user:" + username, purpose: "login", at: at)
            )
        else {
            await throttle.recordFailure(username, now: now)
            _ = try await store.appendAudit(
                AuditEvent(actor: "anonymous", action: "login-failed", subject: "user:" + username, purpose: "login", at: at)
            )
            return .wrong
        }
        await throttle.reset(username)
        try await store.purgeSessions(at: now, idleTimeout: sessionIdleTimeout)
        return .signedIn(user, sessionToken: token, csrfToken: OutcomesService.csrfToken(forSession: token))
    }

    /// The user of a session cookie's token, with the session's CSRF token; `nil` when the
    /// session is unknown, ended, idle too long, or its user deactivated.
    public func identify(sessionToken token: String, now: Date) async throws -> (user: UserAccount, csrfToken: String)? {
        guard let user = try await store.session(tokenHash: OutcomesService.digest(token), at: now, idleTimeout: sessionIdleTimeout) else {
            return nil
        }
        return (user, OutcomesService.csrfToken(forSession: token))
    }

    /// The user of a bearer token, or `nil` (unknown, revoked, or the user deactivated), with
    /// the current delivery's number read in the same statement (``Requester/currentDelivery``).
    public func identify(bearerToken token: String) async throws -> (user: UserAccount, currentDelivery: Int?)? {
        try await store.identify(apiToken: token)
    }

    public func logOut(sessionToken token: String) async throws {
        try await store.endSession(tokenHash: OutcomesService.digest(token))
    }

    /// Changes the requester's own password after checking the current one; every session and
    /// API token of the user ends with it (a new login follows).
    public func changePassword(_ requester: Requester, current: String, new: String) async throws {
        guard let user = requester.user else { throw ApplicationError.notSignedIn }
        // The current password is guessed no faster than at the login (the same throttle).
        if let wait = await throttle.retryAfter(user.username, now: requester.now) {
            throw ApplicationError.tooManyAttempts(retryAfter: wait)
        }
        guard try await store.authenticate(username: user.username, password: current) != nil else {
            await throttle.recordFailure(user.username, now: requester.now)
            _ = try await store.appendAudit(requester.audit("change-password-failed", subject: "user:" + user.username))
            throw ApplicationError.forbidden("Den nuværende adgangskode er forkert.")
        }
        guard new != current else { throw ApplicationError.invalid("Den nye adgangskode skal være en anden end den nuværende.") }
        try await store.changePassword(
            username: user.username,
            newPassword: new,
            audit: requester.audit("change-password", subject: "user:" + user.username)
        )
    }

    /// A new API token for the requester, shown once.
    public func createToken(_ requester: Requester, name: String) async throws -> String {
        guard let user = requester.user else { throw ApplicationError.notSignedIn }
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw ApplicationError.invalid("Giv tokenet et navn, så det kan kendes igen.") }
        guard name.count <= 100 else { throw ApplicationError.invalid("Tokenets navn må højst have 100 tegn.") }
        let token = OutcomesService.randomToken()
        try await store.saveAPIToken(
            token,
            username: user.username,
            name: name,
            requiringCredential: requester.credentialHash,
            audit: requester.audit("create-token", subject: "user:" + user.username)
        )
        return token
    }

    /// The requester's own API tokens.
    public func tokens(_ requester: Requester) async throws -> [APITokenInfo] {
        guard let user = requester.user else { throw ApplicationError.notSignedIn }
        return try await store.apiTokens(of: user.username)
    }

    /// Revokes one of the requester's tokens, or (for the admin) one of `username`'s.
    public func revokeToken(_ requester: Requester, id: String, of username: String? = nil) async throws {
        guard let user = requester.user else { throw ApplicationError.notSignedIn }
        let owner = username ?? user.username
        if owner != user.username { try authorize(requester, .manageUsers) }
        guard try await store.revokeAPIToken(id: id, of: owner, audit: requester.audit("revoke-token", subject: "user:\(owner) token:\(id)"))
        else { throw ApplicationError.notFound("Tokenet \(id) findes ikke.") }
    }

    // MARK: Users

    public func users(_ requester: Requester) async throws -> [UserAccount] {
        try authorize(requester, .manageUsers)
        return try await store.users()
    }

    /// Creates a user with a one-time password they must change at their first login.
    public func createUser(_ requester: Requester, username: String, displayName: String, role roleText: String, password: String) async throws
        -> UserAccount
    {
        try authorize(requester, .manageUsers)
        guard let role = Role(storedForm: roleText) else {
            throw ApplicationError.invalid(
                "Rollen '\(roleText)' findes ikke: brug projectLead, areaCaseworker:houlkaer|ellekonebakken|karup-kolvraa, evaluator, funder:dsi|lbf, steeringGroup eller admin."
            )
        }
        if case let .funder(party) = role, commitment.party(party) == nil {
            throw ApplicationError.invalid("Parten '\(party.rawValue)' findes ikke i aftalen.")
        }
        let username = username.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(username.count), username.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw ApplicationError.invalid("Brugernavnet skal have 1–64 tegn: bogstaver, tal, punktum, bindestreg eller understregning.")
        }
        let displayName = displayName.trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(displayName.count) else { throw ApplicationError.invalid("Navnet skal have 1–200 tegn.") }
        let user = UserAccount(username: username, displayName: displayName, role: role, mustChangePassword: true)
        try await store.createUser(user, password: password, audit: requester.audit("create-user", subject: "user:" + username))
        return user
    }

    /// Deactivates (sessions and tokens stop at once) or reactivates a user. The admin cannot
    /// deactivate themself (someone must be left to reactivate).
    public func setUserActive(_ requester: Requester, username: String, isActive: Bool) async throws -> UserAccount {
        let admin = try authorize(requester, .manageUsers)
        if !isActive && admin.username == username { throw ApplicationError.conflict("Du kan ikke deaktivere dig selv.") }
        do {
            try await store.setUserActive(
                username,
                isActive: isActive,
                audit: requester.audit(isActive ? "reactivate-user" : "deactivate-user", subject: "user:" + username)
            )
        } catch StoreError.unknownUser {
            throw ApplicationError.notFound("Brugeren '\(username)' findes ikke.")
        }
        guard let user = try await store.user(named: username) else { throw ApplicationError.notFound("Brugeren '\(username)' findes ikke.") }
        return user
    }

    // MARK: Tokens

    /// 256 random bits, base64url without padding.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64URL(Data(bytes))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// SHA-256 in hex: how the store keeps session and API tokens.
    public static func digest(_ token: String) -> String { hexString(SHA256.hash(data: Data(token.utf8))) }

    /// A session's CSRF token, derived from the session's own token (so nothing more is kept):
    /// another site can read neither.
    static func csrfToken(forSession token: String) -> String {
        base64URL(Data(SHA256.hash(data: Data(("csrf\u{0}" + token).utf8))))
    }
}

/// Counts failed logins per user name: five failures within 15 minutes block further tries
/// for that name until the oldest of them is 15 minutes old (answered 429 with `Retry-After`).
public actor LoginThrottle {
    private var failures: [String: [Date]] = [:]
    let limit: Int
    let window: TimeInterval

    public init(limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    /// Seconds to wait before the next try, or `nil` when a try is allowed now.
    func retryAfter(_ username: String, now: Date) -> Int? {
        let recent = (failures[username] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[username] = recent
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
    }

    func recordFailure(_ username: String, now: Date) { failures[username, default: []].append(now) }
    func reset(_ username: String) { failures[username] = nil }
}
