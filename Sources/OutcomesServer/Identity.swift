import Foundation
import OutcomesApplication
import OutcomesCore
public import OutcomesStore

/// 256 random bits, base64url without padding.
func randomToken() -> String { OutcomesService.randomToken() }

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
    /// The SHA-256 of the session's or bearer token's token.
    var credentialHash: String?
    /// The current delivery's number, when it was read with the bearer token.
    var currentDelivery: Int?
    /// Whether the user has a role in the agreement the request is for (issue #18); `user.role`
    /// is that role when they do.
    var hasRole: Bool = true
}
