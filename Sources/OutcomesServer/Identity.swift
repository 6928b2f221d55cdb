import Crypto
public import Foundation
import OutcomesCore
public import OutcomesStore

/// The signed-in sessions of the browser, kept in memory: a restart signs everyone out.
///
/// A session is a random 256-bit token in a `Secure; HttpOnly; SameSite=Strict` cookie; the
/// server keeps only its SHA-256, with the user's name and the session's CSRF token, which
/// every unsafe request (POST, PUT, PATCH, DELETE) made with the cookie must echo in the
/// `X-CSRF-Token` header.
public actor SessionStore {
    struct Session {
        var username: String
        var csrfToken: String
        var lastSeen: Date
    }

    private var sessions: [String: Session] = [:]
    /// Idle time after which a session ends.
    let idleTimeout: TimeInterval

    public init(idleTimeout: TimeInterval = 8 * 3600) { self.idleTimeout = idleTimeout }

    /// Starts a session; returns the cookie's token and the CSRF token.
    func start(username: String, now: Date) -> (token: String, csrfToken: String) {
        let token = randomToken()
        let csrf = randomToken()
        sessions[digest(token)] = Session(username: username, csrfToken: csrf, lastSeen: now)
        return (token, csrf)
    }

    /// The session a token opens, refreshed; `nil` when unknown or idle too long.
    func session(_ token: String, now: Date) -> Session? {
        let key = digest(token)
        guard var session = sessions[key] else { return nil }
        guard now.timeIntervalSince(session.lastSeen) <= idleTimeout else {
            sessions[key] = nil
            return nil
        }
        session.lastSeen = now
        sessions[key] = session
        return session
    }

    func end(_ token: String) { sessions[digest(token)] = nil }

    /// Ends every session of a user (after a password change).
    func endAll(of username: String) { sessions = sessions.filter { $0.value.username != username } }
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

/// 256 random bits, base64url without padding.
func randomToken() -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

func digest(_ token: String) -> String { SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined() }

/// Compares two secrets in time that does not depend on where they differ.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}

/// Who is calling, and how they proved it.
public struct Caller: Sendable {
    public var user: UserAccount
    /// The session's CSRF token when the call came with the session cookie; `nil` for a bearer token.
    var csrfToken: String?
    /// The session cookie's token, for logging out.
    var sessionToken: String?
}
