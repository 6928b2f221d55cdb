import Crypto
public import Foundation
public import OutcomesCore

/// Turns a CPR number into the keyed pseudonym that the store keeps and matches on.
///
/// HMAC-SHA-256 with a secret from configuration: the same person always gets the same
/// pseudonym under one key, and without the key the pseudonym cannot be turned back into a
/// CPR number by trying all of them (there are only some 10^9 valid numbers, so an unkeyed
/// hash would not protect them).
public struct PersonPseudonymizer: Sendable {
    /// The key's bytes (SymmetricKey is not Sendable; the key is rebuilt per use).
    private let secret: Data

    /// - Parameter secret: at least 32 bytes, e.g. from `outcomes.pseudonymKey` read with
    ///   `isSecret: true`.
    public init(secret: Data) throws(PseudonymKeyError) {
        guard secret.count >= 32 else { throw PseudonymKeyError.tooShort(secret.count) }
        self.secret = secret
    }

    /// `p-` and 32 hex digits (128 bits of the HMAC): stable, opaque, safe to log.
    public func pseudonym(for cpr: CPRNumber) -> PersonID {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(cpr.digits.utf8), using: SymmetricKey(data: secret))
        return PersonID("p-" + hexString(mac.prefix(16)))
    }
}

/// The pseudonym key is unusable.
public enum PseudonymKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooShort(Int)
    public var description: String {
        switch self {
        case let .tooShort(count): "nøglen til pseudonymer skal være mindst 32 byte, men er \(count)"
        }
    }
}
