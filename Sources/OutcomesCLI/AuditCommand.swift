public import ArgumentParser
import Foundation
import OutcomesCore
import OutcomesDelivery
import OutcomesStore

/// `outcomes audit verify`: checks the audit trail's hash chain.
public struct AuditCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Revisionssporet.",
        subcommands: [Verify.self]
    )

    public init() {}

    public struct Verify: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Kontrollér, at ingen post i revisionssporet er ændret, indsat eller fjernet.",
            discussion: "Et intakt spor afslutter med kode 0; et brudt med kode 1 og den første dårlige post."
        )
        @Option(name: .long, help: "Databasen: en SQLite-fil eller postgres://….") public var database = "data/outcomes.sqlite"
        public init() {}

        public func run() async throws {
            let verdict = try await withStore(database) { try await $0.verifyAudit() }
            switch verdict {
            case let .intact(entries):
                print("Revisionssporet er intakt: \(entries) poster.")
            case let .broken(first, reason):
                printError("Revisionssporet er brudt ved post \(first): \(reason).")
                throw ExitCode(1)
            }
        }
    }
}
