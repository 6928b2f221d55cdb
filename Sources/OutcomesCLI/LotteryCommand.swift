public import ArgumentParser
import Foundation
import OutcomesCore
import OutcomesLottery
import OutcomesStore

/// `outcomes lottery draw|verify`: the visitation list (P 3.1.1, 3.2.2), which anyone can
/// re-derive from the seed and the population (docs/lottery.md).
public struct LotteryCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lottery",
        abstract: "Træk visitationslisten ved lodtrækning, eller kontrollér en trukket liste.",
        subcommands: [Draw.self, Verify.self]
    )

    public init() {}

    /// Reads a population: a CSV with a `household_id` column (and optionally `area`), or one
    /// id per line.
    static func population(_ path: String, areas: [AreaDefinition]? = nil) throws -> [(household: HouseholdID, area: Area?)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("\(path): filen kan ikke læses")
            throw ExitCode(1)
        }
        do {
            return try Lottery.population(String(decoding: data, as: UTF8.self), file: path, areas: areas)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }

    public struct Draw: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Træk listen og skriv den som CSV (list_position,household_id,sort_key).")
        @Option(name: .long, help: "De visitérbare husstande: CSV med household_id (og evt. area) eller ét id pr. linje.") public var population:
            String
        @Option(name: .long, help: "Frøet: en tekst, der aftales og offentliggøres før lodtrækningen.") public var seed: String
        @Option(name: .long, help: "Filen, listen skrives til.") public var out: String
        @Option(name: .long, help: "Gem lodtrækningen og listens pladser i databasen (SQLite-fil eller postgres://…).") public var database: String?
        @OptionGroup public var options: ContractCommand.ContractOption
        public init() {}

        public func run() async throws {
            // The areas must be the agreement's.
            let commitment = try await options.resolve(database: database)
            let population = try LotteryCommand.population(population, areas: commitment.areas)
            let draw: Lottery.Draw
            do {
                draw = try Lottery.draw(population: population.map(\.household), seed: seed)
            } catch {
                printError("\(self.population): \(error.description)")
                throw ExitCode(1)
            }
            let csv = "list_position,household_id,sort_key\n" + draw.entries.map { "\($0.position),\(SpreadsheetCell.neutralised($0.household.rawValue)),\($0.key)\n" }.joined()
            try Data(csv.utf8).write(to: URL(fileURLWithPath: out))
            if let database {
                let areas = Dictionary(population.map { ($0.household, $0.area) }, uniquingKeysWith: { first, _ in first })
                try await withStore(database) { database in
                    // The lottery is the agreement's (issue #18).
                    let store = database.sqlScoped(to: commitment.id)
                    try await store.recordLottery(
                        LotteryRecord(
                            seed: seed,
                            populationHash: draw.populationHash,
                            listHash: draw.listHash,
                            households: draw.entries.count,
                            drawnAt: timestamp()
                        ),
                        list: draw.entries.map { ($0.household, areas[$0.household] ?? nil) },
                        audit: AuditEvent(
                            actor: cliActor(),
                            action: "draw-lottery",
                            subject: "list \(draw.listHash.prefix(12))",
                            purpose: "visitation",
                            at: timestamp()
                        )
                    )
                }
            }
            print(
                """
                Lodtrækning: \(draw.entries.count) husstande
                frø: \(seed)
                populationens SHA-256: \(draw.populationHash)
                listens SHA-256:       \(draw.listHash)
                listen er skrevet til \(out)\(database.map { " og gemt i \($0)" } ?? "")
                """
            )
        }
    }

    public struct Verify: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Udled listen igen og sammenlign den med en trukket liste.")
        @Option(name: .long, help: "Populationen, som ved lodtrækningen.") public var population: String
        @Option(name: .long, help: "Frøet, som ved lodtrækningen.") public var seed: String
        @Option(name: .long, help: "Listen, der skal kontrolleres (CSV med list_position,household_id).") public var list: String
        public init() {}

        public func run() async throws {
            let population = try LotteryCommand.population(population).map(\.household)
            let rows = try LotteryCommand.population(list)
            do {
                switch try Lottery.verify(population: population, seed: seed, list: rows.map(\.household)) {
                case let .matches(hash):
                    print("Listen passer: den kan udledes af frøet og populationen (listens SHA-256 \(hash)).")
                case let .differs(position, expected, found):
                    printError(
                        "Listen passer ikke: plads \(position) skulle være \(expected?.rawValue ?? "(ingen)"), men er \(found?.rawValue ?? "(ingen)")."
                    )
                    throw ExitCode(1)
                }
            } catch let problem as Lottery.Problem {
                printError(problem.description)
                throw ExitCode(1)
            }
        }
    }
}
