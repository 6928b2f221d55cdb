public import ArgumentParser
import Foundation
import OutcomesApplication
import OutcomesCore
import OutcomesStore

/// `outcomes settlement`: half-years' settlements as approved records (SPEC §10) — proposed by
/// the evaluator, approved by the project lead and DSI at a steering-group meeting.
///
/// The command line runs with the database's keys, at the municipality: it shows, and signs
/// for the project lead only. The evaluator proposes and DSI signs with their own logins (the
/// web app or the API), so nobody at one desk can make both signatures (T 5.4).
public struct SettlementCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "settlement",
        abstract: "Halvårsopgørelser som godkendte poster: vis, og godkend for projektlederen (SPEC §10).",
        subcommands: [Show.self, Approve.self]
    )

    public init() {}

    public struct Show: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Vis de indstillede og godkendte halvår, eller ét halvårs fastfrosne dokument.")
        @OptionGroup public var options: ContractCommand.ContractOption
        @Option(name: .long, help: "Databasen: en SQLite-fil eller postgres://….") public var database = "data/outcomes.sqlite"
        @Option(name: .long, help: "Et halvår (fx 2024-H2): dets dokument, som det blev indstillet/godkendt.") public var period: String?
        public init() {}

        public func run() async throws {
            let commitment = try await options.resolve(database: database)
            let (records, approvers) = try await withService(database, commitment: commitment, purpose: "halvårsopgørelser", role: .evaluator) {
                service, requester in (try await service.settlementRecords(requester), service.approvers)
            }
            print(SettlementCommand.render(records, approvers: approvers, period: period), terminator: "")
        }
    }

    public struct Approve: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Godkend en indstillet opgørelse for projektlederen (den hash, der blev forelagt, og mødets dato); DSI godkender med sit eget login."
        )
        @OptionGroup public var options: ContractCommand.ContractOption
        @Option(name: .long, help: "Databasen: en SQLite-fil eller postgres://….") public var database = "data/outcomes.sqlite"
        @Option(name: .long, help: "Halvåret, fx 2024-H2.") public var period: String
        @Option(name: .long, help: "Den indstillede opgørelses hash (fra 'settlement show').") public var hash: String
        @Option(name: .long, help: "Styregruppemødet, hvor opgørelsen blev forelagt (ÅÅÅÅ-MM-DD).") public var meeting: String
        public init() {}

        public func validate() throws {
            guard HalfYear(label: period) != nil else { throw ValidationError("--period '\(period)' er ikke et halvår som 2024-H2") }
            guard LocalDate(iso: meeting) != nil else { throw ValidationError("--meeting '\(meeting)' er ikke en dato (ÅÅÅÅ-MM-DD)") }
        }

        public func run() async throws {
            let commitment = try await options.resolve(database: database)
            let record = try await withService(database, commitment: commitment, purpose: "godkendelse af halvårsopgørelse", role: .projectLead) {
                service, requester in
                try await service.approveSettlement(requester, period: HalfYear(label: period)!, hash: hash, meetingOn: LocalDate(iso: meeting)!)
            }
            let label = HalfYear(label: period)!.danishLabel
            print(record.isApproved ? "Opgørelsen for \(label) er godkendt." : "Godkendelsen er registreret; opgørelsen for \(label) mangler stadig godkendelse.")
        }
    }

    /// The records as a table, or one record's document.
    static func render(_ records: [SettlementRecord], approvers: [String], period: String?) -> String {
        if let period {
            guard let record = records.first(where: { $0.period == period }) else { return "Der er ingen indstillet opgørelse for \(period).\n" }
            return record.document
        }
        guard !records.isEmpty else { return "Ingen halvårsopgørelser er indstillet endnu.\n" }
        var out = "Halvår   Status      Leverance  Hash          Godkendt af\n"
        for record in records {
            let status = record.isApproved ? "godkendt" : "indstillet"
            let signed = record.approvals.map { "\($0.approver) (\($0.username), møde \($0.meetingOn.danishString))" }
            let missing = approvers.filter { approver in !record.approvals.contains { $0.approver == approver } }.map { "mangler \($0)" }
            out += record.period.padding(toLength: 9, withPad: " ", startingAt: 0) + status.padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(record.deliveryNumber).padding(toLength: 11, withPad: " ", startingAt: 0) + String(record.hash.prefix(12)) + "  "
                + (signed + missing).joined(separator: "; ") + "\n"
        }
        return out
    }
}
