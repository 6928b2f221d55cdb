import Crypto
import Synchronization
public import Foundation
import OutcomesCore
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
    public func logIn(username: String, password: String, clientAddress: String = "local", now: Date) async throws -> LoginResult {
        if let wait = throttle.admit(username, address: clientAddress, now: now) { return .throttled(wait) }
        let at = Requester.timestamp(now)
        let token = OutcomesService.randomToken()
        guard
            let user = try await store.logIn(
                // A name that cannot be a user's is looked up as none (a NUL would not even
                // reach PostgreSQL), and bcrypt still runs against the dummy hash.
                username: InputRules.isLookupKey(username) ? username : "",
                password: password,
                sessionTokenHash: OutcomesService.digest(token),
                at: now,
                audit: AuditEvent(actor: "user:" + username, action: "login", subject: "user:" + username, purpose: "login", at: at)
            )
        else {
            // A name that is no user's — often a password typed into the wrong field — is not
            // written to the trail; only that a login failed. (Checked after bcrypt, which
            // ran against a dummy hash for an unknown name, so both take the same time.)
            let known = InputRules.isLookupKey(username) ? try await store.user(named: username) != nil : false
            _ = try await store.appendAudit(
                AuditEvent(actor: "anonymous", action: "login-failed", subject: known ? "user:" + username : "ukendt brugernavn", purpose: "login", at: at)
            )
            return .wrong
        }
        throttle.succeeded(username, address: clientAddress, now: now)
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
        let address = requester.clientAddress ?? requester.channel
        if let wait = throttle.admit(user.username, address: address, now: requester.now) {
            throw ApplicationError.tooManyAttempts(retryAfter: wait)
        }
        guard try await store.authenticate(username: user.username, password: current) != nil else {
            _ = try await store.appendAudit(requester.audit("change-password-failed", subject: "user:" + user.username))
            throw ApplicationError.forbidden("Den nuværende adgangskode er forkert.")
        }
        throttle.succeeded(user.username, address: address, now: requester.now)
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
        try checkInput { () throws(InputRules.Violation) in try InputRules.line(name, field: "name", maximumLength: 100) }
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

    /// The users with a role in this agreement, each with that role (issue #18); a user of
    /// another agreement only gets one here by name (``updateUser``).
    public func users(_ requester: Requester) async throws -> [UserAccount] {
        try authorize(requester, .manageUsers)
        return try await store.users().compactMap(inAgreement)
    }

    /// A role's party or area must be the agreement's.
    func checkAgreement(_ role: Role) throws {
        if case let .funder(party) = role, commitment.party(party) == nil {
            throw ApplicationError.invalid("Parten '\(party.rawValue)' findes ikke i aftalen.")
        }
        if case let .areaCaseworker(area) = role, commitment.area(area.rawValue) == nil {
            throw ApplicationError.invalid("Området '\(area.rawValue)' findes ikke i aftalen (områderne er \(commitment.areaKeys)).")
        }
    }

    /// Creates a user with a one-time password they must change at their first login.
    public func createUser(_ requester: Requester, username: String, displayName: String, role roleText: String, password: String) async throws
        -> UserAccount
    {
        try authorize(requester, .manageUsers)
        guard let role = Role(storedForm: roleText) else {
            let areas = commitment.areas.map(\.area.rawValue).joined(separator: "|")
            let funders = commitment.tranches.shares.map(\.funder.rawValue).joined(separator: "|")
            throw ApplicationError.invalid(
                "Rollen '\(InputRules.visible(roleText))' findes ikke: brug projectLead, areaCaseworker:\(areas), evaluator, funder:\(funders), steeringGroup eller admin."
            )
        }
        try checkAgreement(role)
        let username = username.trimmingCharacters(in: .whitespaces)
        guard InputRules.isUserName(username) else {
            throw ApplicationError.invalid("Brugernavnet skal have 1–64 tegn: bogstaver, cifre, punktum, bindestreg eller understregning, først et bogstav eller ciffer.")
        }
        let displayName = displayName.trimmingCharacters(in: .whitespaces)
        try checkInput { () throws(InputRules.Violation) in try InputRules.line(displayName, field: "displayName", maximumLength: 200) }
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

    /// Issue #16: the admin changes a user's name or role (their sessions and tokens end when
    /// the role changes), or resets the password to a temporary one the user must change.
    public func updateUser(_ requester: Requester, username: String, displayName: String, role roleText: String) async throws {
        try authorize(requester, .manageUsers)
        guard let role = Role(storedForm: roleText) else { throw ApplicationError.invalid("Rollen '\(InputRules.visible(roleText))' findes ikke.") }
        try checkAgreement(role)
        let name = displayName.trimmingCharacters(in: .whitespaces)
        try checkInput { () throws(InputRules.Violation) in try InputRules.line(name, field: "displayName", maximumLength: 200) }
        do {
            try await store.updateUser(username: username, displayName: name, role: role, audit: requester.audit("update-user", subject: "user:\(username) role:\(role.storedForm)"))
        } catch StoreError.unknownUser {
            throw ApplicationError.notFound("Brugeren '\(username)' findes ikke.")
        }
    }

    /// Issue #18: takes away a user's role in this agreement; their roles elsewhere stay, and
    /// their sessions and tokens end. A role for every agreement (the admin's, a funder's) is
    /// not one agreement's to take: it is changed, or the user deactivated.
    public func revokeRole(_ requester: Requester, username: String) async throws {
        let admin = try authorize(requester, .manageUsers)
        if admin.username == username { throw ApplicationError.conflict("Du kan ikke fjerne din egen rolle.") }
        guard let user = try await users(requester).first(where: { $0.username == username }) else {
            throw ApplicationError.notFound("Brugeren '\(InputRules.visible(username))' findes ikke blandt denne aftales brugere.")
        }
        guard RoleGrant.scope(of: user.role, givenIn: commitment.id) != nil else {
            throw ApplicationError.conflict(
                "\(user.username) er \(user.role.danishName(in: commitment)) i alle aftaler; skift rollen eller deaktivér brugeren i stedet."
            )
        }
        let revoked = try await store.revokeRole(username: username, audit: requester.audit("revoke-role", subject: "user:\(username) agreement:\(commitment.id)"))
        guard revoked else { throw ApplicationError.notFound("Brugeren '\(InputRules.visible(username))' findes ikke blandt denne aftales brugere.") }
    }

    public func resetPassword(_ requester: Requester, username: String, temporaryPassword: String) async throws {
        let admin = try authorize(requester, .manageUsers)
        if admin.username == username { throw ApplicationError.conflict("Skift din egen adgangskode under \"Skift adgangskode\".") }
        do {
            try await store.resetPassword(username: username, temporaryPassword: temporaryPassword, audit: requester.audit("reset-password", subject: "user:" + username))
        } catch StoreError.unknownUser {
            throw ApplicationError.notFound("Brugeren '\(username)' findes ikke.")
        }
    }

    /// The admin's view of a user's API tokens (names and dates, never the tokens).
    public func tokens(_ requester: Requester, of username: String) async throws -> [APITokenInfo] {
        try authorize(requester, .manageUsers)
        return try await store.apiTokens(of: username)
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

/// Slows down password guessing (OWASP "Blocking brute force attacks"), atomically: the
/// check and the count of a try happen under one lock, before the password is checked, so
/// forty guesses sent at once are forty tries counted, not forty tries checked.
///
/// Every try counts against keys, each with its own free tries and then a delay that doubles
/// with every further try, up to a cap:
/// - the user name *at* the client address: 4 free, then 1 s, 2 s, 4 s … up to 15 minutes
///   (counted when the try starts; a success takes it back);
/// - the client address, whatever name it tries: 30 free, then up to 15 minutes (counted when
///   the try starts; a success takes it back);
/// - the user name from any address: 10 free, then up to 60 seconds
///   — and not at all from an address where the user logged in within the last 30 days. So
///   an attacker guessing from elsewhere never locks the real user out for longer than a
///   minute, and not at all at the user's own desk.
/// A success clears the name's counts. A count is forgotten 15 minutes after its wait ended;
/// at most ``maximumEntries`` are kept (the oldest go first).
/// A try that is too early is not checked and answers 429 with the seconds to wait. The
/// counts live in the server's memory: a restart forgets them, and each instance of several
/// counts its own (docs/decisions.md "Step 8").
public final class LoginThrottle: Sendable {
    /// Free tries, the first delay and the longest.
    public struct Rule: Sendable {
        public var free: Int
        public var firstDelay: TimeInterval
        public var longestDelay: TimeInterval

        public init(free: Int, firstDelay: TimeInterval = 1, longestDelay: TimeInterval) {
            self.free = free
            self.firstDelay = firstDelay
            self.longestDelay = longestDelay
        }

        /// The wait after the `count`th try: none for the free ones, then doubling.
        func delay(after count: Int) -> TimeInterval {
            guard count > free else { return 0 }
            let doublings = min(count - free - 1, 30)
            return min(longestDelay, firstDelay * Double(1 << doublings))
        }
    }

    struct Entry {
        var count: Int
        var last: Date
        var nextAllowed: Date
    }

    struct State {
        var entries: [String: Entry] = [:]
        /// Per user name, the addresses of recent successful logins.
        var knownAddresses: [String: [String: Date]] = [:]
    }

    let perNameAndAddress: Rule
    let perAddress: Rule
    let perName: Rule
    /// How long a count lasts after its last try.
    let memory: TimeInterval
    /// How long an address of a successful login stays known.
    let knownFor: TimeInterval = 30 * 24 * 3600
    private let state = Mutex(State())

    public init(
        perNameAndAddress: Rule = Rule(free: 4, longestDelay: 15 * 60),
        perAddress: Rule = Rule(free: 30, longestDelay: 15 * 60),
        perName: Rule = Rule(free: 10, longestDelay: 60),
        memory: TimeInterval = 15 * 60
    ) {
        self.perNameAndAddress = perNameAndAddress
        self.perAddress = perAddress
        self.perName = perName
        self.memory = memory
    }

    /// The most counts kept; beyond it the oldest go first (memory stays bounded whatever
    /// number of names and addresses are tried).
    static let maximumEntries = 100_000

    /// Names that cannot be a user's share one key: they cannot lock anyone out, and do not
    /// fill the memory one by one.
    static func nameKey(_ name: String) -> String { InputRules.isUserName(name) ? name : "\u{1}ugyldigt" }
    static func pairKey(_ name: String, _ address: String) -> String { "pair\u{0}\(nameKey(name))\u{0}\(address.prefix(64))" }
    static func addressKey(_ address: String) -> String { "address\u{0}\(address.prefix(64))" }
    static func anyAddressKey(_ name: String) -> String { "name\u{0}\(nameKey(name))" }

    /// A count is forgotten `memory` after its wait ended (not after the last try: else the
    /// longest wait would end with the count already gone).
    private func isLive(_ entry: Entry, now: Date) -> Bool { now.timeIntervalSince(entry.nextAllowed) < memory }

    /// Counts a try: `nil` when it may be checked now, else the seconds to wait (not counted).
    func admit(_ name: String, address: String, now: Date) -> Int? {
        state.withLock { state in
            var keys = [(LoginThrottle.pairKey(name, address), perNameAndAddress), (LoginThrottle.addressKey(address), perAddress)]
            let known = state.knownAddresses[LoginThrottle.nameKey(name)]?[String(address.prefix(64))].map { now.timeIntervalSince($0) < knownFor } ?? false
            if !known { keys.append((LoginThrottle.anyAddressKey(name), perName)) }
            var wait: TimeInterval = 0
            for (key, _) in keys {
                guard let entry = state.entries[key], isLive(entry, now: now) else { continue }
                wait = max(wait, entry.nextAllowed.timeIntervalSince(now))
            }
            if wait > 0 { return max(1, Int(wait.rounded(.up))) }
            for (key, rule) in keys { count(key, rule, now: now, in: &state) }
            if state.entries.count > LoginThrottle.maximumEntries { prune(&state, now: now) }
            return nil
        }
    }

    private func count(_ key: String, _ rule: Rule, now: Date, in state: inout State) {
        var entry = state.entries[key].flatMap { isLive($0, now: now) ? $0 : nil } ?? Entry(count: 0, last: now, nextAllowed: now)
        entry.count += 1
        entry.last = now
        entry.nextAllowed = max(entry.nextAllowed, now.addingTimeInterval(rule.delay(after: entry.count)))
        state.entries[key] = entry
    }

    /// Drops what is forgotten anyway, then the oldest, down to 80 % of the maximum.
    private func prune(_ state: inout State, now: Date) {
        state.entries = state.entries.filter { isLive($0.value, now: now) }
        let target = LoginThrottle.maximumEntries * 8 / 10
        guard state.entries.count > target else { return }
        let oldest = state.entries.sorted { $0.value.last < $1.value.last }.prefix(state.entries.count - target).map(\.key)
        for key in oldest { state.entries[key] = nil }
    }

    /// A try that succeeded: the name's counts go (its own try included), the address's own
    /// try is taken back, and the address becomes known for the name.
    func succeeded(_ name: String, address: String, now: Date) {
        state.withLock { state in
            state.entries[LoginThrottle.pairKey(name, address)] = nil
            state.entries[LoginThrottle.anyAddressKey(name)] = nil
            if var entry = state.entries[LoginThrottle.addressKey(address)] {
                entry.count = max(0, entry.count - 1)
                entry.nextAllowed = now.addingTimeInterval(perAddress.delay(after: entry.count))
                state.entries[LoginThrottle.addressKey(address)] = entry
            }
            let nameKey = LoginThrottle.nameKey(name)
            var known = state.knownAddresses[nameKey, default: [:]].filter { now.timeIntervalSince($0.value) < knownFor }
            known[String(address.prefix(64))] = now
            if known.count > 20, let oldest = known.min(by: { $0.value < $1.value })?.key { known[oldest] = nil }
            state.knownAddresses[nameKey] = known
        }
    }
}
