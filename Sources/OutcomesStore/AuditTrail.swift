import Crypto
import Foundation
import OutcomesCore

/// One thing that happened: who, when, what, and the stated purpose.
///
/// Every write, and every read of person data by a user, is recorded (SPEC §1, issue #4).
public struct AuditEvent: Sendable, Equatable {
    /// The user, or `cli:<user>` for the command line.
    public var actor: String { didSet { actor = InputRules.visible(actor) } }
    /// What was done, e.g. `import-delivery`, `read-person-data`.
    public var action: String { didSet { action = InputRules.visible(action) } }
    /// What it was done to, e.g. `delivery 2`.
    public var subject: String { didSet { subject = InputRules.visible(subject) } }
    /// Why, as the user stated it.
    public var purpose: String { didSet { purpose = InputRules.visible(purpose) } }
    /// When, as ISO 8601 in UTC (given by the outer layer's clock).
    public var at: String { didSet { at = InputRules.visible(at) } }
    /// The agreement the event concerns (issue #18); the store sets it from its scope. Empty
    /// for events of the database itself written before agreements were scopes.
    public var agreement: String = ""

    /// Control characters in any field (a NUL in a typed user name, say) are written out as
    /// `\\u{0}`: what the chain hashes is exactly what every database stores and reads back,
    /// and no field can fake the unit separator between fields.
    public init(actor: String, action: String, subject: String, purpose: String, at: String) {
        self.actor = InputRules.visible(actor)
        self.action = InputRules.visible(action)
        self.subject = InputRules.visible(subject)
        self.purpose = InputRules.visible(purpose)
        self.at = InputRules.visible(at)
    }

    /// An event as the store read it back: exactly as stored, not escaped again, so entries
    /// written before escaping (a raw line break in a purpose) still verify.
    init(stored: Void, actor: String, action: String, subject: String, purpose: String, at: String, agreement: String = "") {
        self.actor = actor
        self.action = action
        self.subject = subject
        self.purpose = purpose
        self.at = at
        self.agreement = agreement
    }
}

/// An event in the append-only trail, chained to the one before it by a hash.
public struct AuditEntry: Sendable, Equatable {
    /// 1, 2, 3… without gaps.
    public var sequence: Int
    public var event: AuditEvent
    public var previousHash: String
    public var hash: String
}

/// The result of checking the trail.
public enum AuditVerification: Sendable, Equatable {
    /// Every entry is there, unchanged, in order.
    case intact(entries: Int)
    /// The first entry that was changed, inserted or removed, and how it shows.
    case broken(firstBadEntry: Int, reason: String)
}

/// The hash chain: each entry's hash covers its own fields and the previous entry's hash,
/// so changing, inserting or removing an entry breaks every hash after it. A head record
/// (count and last hash) catches entries removed from the end.
public enum AuditChain {
    /// The previous hash of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// SHA-256 over the entry's fields, separated by a unit separator, and the previous hash.
    /// The agreement is hashed after them when there is one, so entries written before
    /// migration 15 (which have none) keep their hashes.
    public static func hash(sequence: Int, event: AuditEvent, previousHash: String) -> String {
        var fields = [String(sequence), event.at, event.actor, event.action, event.subject, event.purpose, previousHash]
        if !event.agreement.isEmpty { fields.append(event.agreement) }
        let digest = SHA256.hash(data: Data(fields.joined(separator: "\u{1F}").utf8))
        return hexString(digest)
    }

    /// Checks entries (in sequence order) against each other and against the head.
    public static func verify(_ entries: [AuditEntry], headCount: Int, headHash: String) -> AuditVerification {
        var previous = genesis
        for (offset, entry) in entries.enumerated() {
            let expected = offset + 1
            if entry.sequence != expected {
                return .broken(
                    firstBadEntry: expected,
                    reason: entry.sequence > expected ? "post \(expected) mangler (fjernet)" : "post \(entry.sequence) står to gange"
                )
            }
            if entry.previousHash != previous {
                return .broken(firstBadEntry: entry.sequence, reason: "kæden er brudt: forrige hash passer ikke (indsat eller ændret før den)")
            }
            if hash(sequence: entry.sequence, event: entry.event, previousHash: entry.previousHash) != entry.hash {
                return .broken(firstBadEntry: entry.sequence, reason: "posten er ændret: dens hash passer ikke til indholdet")
            }
            previous = entry.hash
        }
        if headCount != entries.count || headHash != previous {
            let first = min(headCount, entries.count) + 1
            return .broken(
                firstBadEntry: first,
                reason: headCount > entries.count
                    ? "\(headCount - entries.count) post(er) fra nr. \(first) er fjernet fra enden"
                    : "post \(first) og frem er ikke registreret i kædens hoved (indsat)"
            )
        }
        return .intact(entries: entries.count)
    }
}
