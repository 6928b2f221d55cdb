public import ArgumentParser
public import OutcomesCore

/// Text for people or JSON for programs: the output of `contract validate`, `check`,
/// `finance` and `forecast`.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable { case text, json }

/// `--as-of DATE`, checked as an ISO date.
public struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: "Datoen (ÅÅÅÅ-MM-DD).") public var asOf: String

    public init() {}

    public func validate() throws {
        guard LocalDate(iso: asOf) != nil else { throw ValidationError("--as-of '\(asOf)' er ikke en dato (ÅÅÅÅ-MM-DD)") }
    }

    /// The date (valid after parsing).
    public var day: LocalDate { LocalDate(iso: asOf)! }
}
