import Crypto
import Foundation
public import OutcomesCore

/// The visitation lottery (P 3.1.1, 3.2.2): a random order of the eligible households that
/// anyone with the seed and the population can re-derive.
///
/// The algorithm (docs/lottery.md):
/// 1. Each household's sort key is the SHA-256 of the UTF-8 text `seed:household_id`, as 64
///    lower-case hex digits.
/// 2. The list is the households in ascending order of their keys (byte order of the hex
///    text; a tie, which SHA-256 makes practically impossible, falls back to the id).
/// 3. The population's hash is the SHA-256 of the ids sorted in byte order, each followed by
///    a newline; the list's hash is the SHA-256 of `position,household_id` lines, each
///    followed by a newline. Neither depends on how the population file is ordered or written.
public enum Lottery {
    /// One household's place on the list.
    public struct Entry: Sendable, Equatable {
        public var position: Int
        public var household: HouseholdID
        public var key: String
    }

    /// A drawn list, with what it was drawn from.
    public struct Draw: Sendable, Equatable {
        public var seed: String
        public var populationHash: String
        public var listHash: String
        public var entries: [Entry]
    }

    /// Why a population cannot be drawn from.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case emptyPopulation
        case emptySeed
        case duplicate(HouseholdID)
        case invalidID(String)

        public var description: String {
            switch self {
            case .emptyPopulation: "populationen er tom: der er ingen husstande at trække lod imellem"
            case .emptySeed: "frøet er tomt: angiv den tekst, lodtrækningen skal bygge på"
            case let .duplicate(id): "husstanden \(id) står mere end én gang i populationen"
            case let .invalidID(text): "'\(text)' er ikke et gyldigt husstands-id (1–64 tegn uden mellemrum, komma eller kolon)"
            }
        }
    }

    public static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Draws the list.
    ///
    /// - Throws: ``Problem`` for an empty population or seed, a duplicate or an unusable id.
    public static func draw(population: [HouseholdID], seed: String) throws(Problem) -> Draw {
        guard !seed.isEmpty else { throw .emptySeed }
        guard !population.isEmpty else { throw .emptyPopulation }
        var seen = Set<HouseholdID>()
        for id in population {
            let text = id.rawValue
            guard !text.isEmpty, text.count <= 64, !text.contains(where: { $0.isWhitespace || $0 == "," || $0 == ":" }) else {
                throw .invalidID(text)
            }
            guard seen.insert(id).inserted else { throw .duplicate(id) }
        }
        let keyed = population.map { (id: $0, key: sha256("\(seed):\($0.rawValue)")) }
            .sorted { a, b in a.key != b.key ? a.key < b.key : Array(a.id.rawValue.utf8).lexicographicallyPrecedes(Array(b.id.rawValue.utf8)) }
        let entries = keyed.enumerated().map { Entry(position: $0.offset + 1, household: $0.element.id, key: $0.element.key) }
        return Draw(seed: seed, populationHash: populationHash(population), listHash: listHash(entries.map(\.household)), entries: entries)
    }

    /// SHA-256 of the ids in byte order, one per line.
    public static func populationHash(_ population: [HouseholdID]) -> String {
        let sorted = population.map(\.rawValue).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return sha256(sorted.map { $0 + "\n" }.joined())
    }

    /// SHA-256 of `position,household_id` lines.
    public static func listHash(_ list: [HouseholdID]) -> String {
        sha256(list.enumerated().map { "\($0.offset + 1),\($0.element.rawValue)\n" }.joined())
    }

    /// The outcome of checking a list against its inputs.
    public enum Verification: Sendable, Equatable {
        case matches(listHash: String)
        /// The first position where the given list differs from the derived one.
        case differs(position: Int, expected: HouseholdID?, found: HouseholdID?)
    }

    /// Re-derives the list and compares it with `list`, position by position.
    public static func verify(population: [HouseholdID], seed: String, list: [HouseholdID]) throws(Problem) -> Verification {
        let derived = try draw(population: population, seed: seed).entries.map(\.household)
        for position in 0..<max(derived.count, list.count) {
            let expected = position < derived.count ? derived[position] : nil
            let found = position < list.count ? list[position] : nil
            if expected != found { return .differs(position: position + 1, expected: expected, found: found) }
        }
        return .matches(listHash: listHash(derived))
    }
}
