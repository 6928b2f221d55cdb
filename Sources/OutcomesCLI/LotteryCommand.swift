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
    static func population(_ path: String) throws -> [(household: HouseholdID, area: Area?)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("\(path): filen kan ikke læses")
            throw ExitCode(1)
        }
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\u{FEFF}", with: "")
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first else { return [] }
        let separator: Character = first.contains(";") ? ";" : ","
        let header = first.split(separator: separator).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        /// An id of ``InputRules/identifierPattern``, or a clear error naming file, line and field.
        func household(_ text: String, line: Int) throws -> HouseholdID {
            do {
                try InputRules.identifier(text, field: "household_id")
            } catch {
                printError("\(path):\(line): household_id: \(error.message)")
                throw ExitCode(1)
            }
            return HouseholdID(text)
        }
        guard let idColumn = header.firstIndex(of: "household_id") else {
            return try lines.enumerated().filter { !$0.element.isEmpty }.map { (try household($0.element, line: $0.offset + 1), nil) }
        }
        let areaColumn = header.firstIndex(of: "area")
        var result: [(HouseholdID, Area?)] = []
        for (offset, line) in lines.dropFirst().enumerated() where !line.isEmpty {
            let cells = line.split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard idColumn < cells.count else {
                printError("\(path):\(offset + 2): household_id: mangler")
                throw ExitCode(1)
            }
            var area: Area?
            if let areaColumn, areaColumn < cells.count, !cells[areaColumn].isEmpty {
                guard let parsed = Area(rawValue: cells[areaColumn]) else {
                    printError(
                        "\(path):\(offset + 2): area: '\(cells[areaColumn])' er ikke et område (\(Area.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                    throw ExitCode(1)
                }
                area = parsed
            }
            result.append((try household(cells[idColumn], line: offset + 2), area))
        }
        return result
    }

    public struct Draw: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Træk listen og skriv den som CSV (list_position,household_id,sort_key).")
        @Option(name: .long, help: "De visitérbare husstande: CSV med household_id (og evt. area) eller ét id pr. linje.") public var population:
            String
        @Option(name: .long, help: "Frøet: en tekst, der aftales og offentliggøres før lodtrækningen.") public var seed: String
        @Option(name: .long, help: "Filen, listen skrives til.") public var out: String
        @Option(name: .long, help: "Gem lodtrækningen og listens pladser i databasen (SQLite-fil eller postgres://…).") public var database: String?
        public init() {}

        public func run() async throws {
            let population = try LotteryCommand.population(population)
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
                try await withStore(database) { store in
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
