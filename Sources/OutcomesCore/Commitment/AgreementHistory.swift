/// An agreement's contract versions and which one is in force when (T 11.1: amendments are
/// agreed in writing; B5.1 2.2, 2.4.2, 2.5.2: a rate may be renegotiated after a baseline
/// deviation).
///
/// A version is in force for a half-year when it is the latest version (by number) whose
/// `effectiveFrom` is on or before the half-year's first day; a version without
/// `effectiveFrom` holds from the start. The settlement computes each half-year's lines with
/// the version in force for it, and the caps, tranches and payers with the version in force
/// on the settlement's date (the agreement as it then stands), across all the lines.
///
/// ```swift
/// let history = try AgreementHistory([version1, version2])
/// history.inForce(for: HalfYear(year: 2025, half: 1)).version   // 2, if it takes effect 1.1.2025
/// ```
public struct AgreementHistory: Sendable {
    /// The versions, oldest first; at least one, all of one agreement.
    public let versions: [Commitment]

    /// Why versions cannot make a history.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case mixedAgreements([String])
        case duplicateVersion(Int)

        public var description: String {
            switch self {
            case .empty: "en aftale har mindst én version"
            case let .mixedAgreements(ids): "versionerne hører til forskellige aftaler: \(ids.joined(separator: ", "))"
            case let .duplicateVersion(version): "version \(version) findes to gange"
            }
        }
    }

    public init(_ versions: [Commitment]) throws(Problem) {
        guard !versions.isEmpty else { throw .empty }
        let ids = Set(versions.map(\.id))
        guard ids.count == 1 else { throw .mixedAgreements(ids.sorted()) }
        let sorted = versions.sorted { $0.version < $1.version }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.version == b.version { throw .duplicateVersion(a.version) }
        self.versions = sorted
    }

    /// One version, in force throughout.
    public init(single commitment: Commitment) {
        versions = [commitment]
    }

    /// The version numbers, `2,3`: what a cache of figures computed with the history is keyed
    /// by (a version added changes it, whatever its number).
    public var fingerprint: String { versions.map { String($0.version) }.joined(separator: ",") }

    /// The newest version: the agreement's texts, parties and goals as they now read.
    public var latest: Commitment { versions[versions.count - 1] }

    /// The version in force for `period`: the latest whose `effectiveFrom` is on or before the
    /// half-year's first day (T 11.1).
    public func inForce(for period: HalfYear) -> Commitment {
        inForce(on: period.start)
    }

    /// The version in force on `day`.
    public func inForce(on day: LocalDate) -> Commitment {
        versions.last { $0.effectiveFrom.map { $0 <= day } ?? true } ?? versions[0]
    }

    /// The versions in force for some of `periods`, oldest first.
    public func used(in periods: [HalfYear]) -> [Commitment] {
        let numbers = Set(periods.map { inForce(for: $0).version })
        return versions.filter { numbers.contains($0.version) }
    }
}
