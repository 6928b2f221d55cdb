public import ArgumentParser
import Foundation
import OutcomesContractFile
import OutcomesCore
import OutcomesApplication
import OutcomesStore

/// `outcomes contract …`: the agreement as a contract file.
public struct ContractCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "contract",
        abstract: "Vis eller kontrollér aftalen (kontraktfilen).",
        subcommands: [Show.self, Validate.self]
    )

    public init() {}

    /// The `--contract FILE` option shared by every command that reads an agreement.
    public struct ContractOption: ParsableArguments {
        @Option(name: .long, help: "Kontraktfil (YAML). Uden den bruges den indbyggede Viborg-aftale.")
        public var contract: String?
        @Option(
            name: .long,
            help: "Aftalen i databasen (dens id), i dens seneste version; uden den Viborgs, eller den --contract nævner."
        )
        public var agreement: String?

        public init() {}

        /// The agreement the command works on (issue #18): the one `--agreement` names, read from
        /// `database` in its latest version; else the file's (`--contract`) or the built-in one.
        /// With both, the file must be that agreement's.
        func resolve(database: String?) async throws -> Commitment {
            try await resolveWithText(database: database).commitment
        }

        /// ``resolve(database:)`` with the file's text (the stored one for `--agreement`).
        func resolveWithText(database: String?) async throws -> (commitment: Commitment, text: String) {
            guard let agreement else {
                let commitment = try load()
                return (commitment, try ContractFile.text(path: contract).text)
            }
            if contract != nil {
                let file = try load()
                guard file.id == agreement else {
                    printError("--contract er aftalen '\(file.id)', men --agreement er '\(agreement)'")
                    throw ExitCode(1)
                }
                return (file, try ContractFile.text(path: contract).text)
            }
            guard let database else {
                printError("--agreement kræver --database: aftalen læses fra databasen")
                throw ExitCode(1)
            }
            return try await withStore(database) { store in
                let versions = try await store.contractVersions().filter { $0.id == agreement }.map(\.version).sorted(by: >)
                for version in versions {
                    guard let text = try await store.contractText(id: agreement, version: version) else { continue }
                    if let commitment = try? ContractFile.parse(text, file: "\(agreement) version \(version)") { return (commitment, text) }
                }
                let known = Set(try await store.contractVersions().map(\.id)).sorted()
                printError("aftalen '\(agreement)' findes ikke i databasen; den har: \(known.isEmpty ? "ingen" : known.joined(separator: ", "))")
                throw ExitCode(1)
            }
        }

        /// Loads the agreement, or exits 1 with the file, line and field of the problem.
        func load() throws -> Commitment {
            do {
                let source = try ContractFile.text(path: contract)
                return try ContractFile.parse(source.text, file: source.file)
            } catch {
                printError(error.description)
                throw ExitCode(1)
            }
        }
    }

    public struct Show: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Vis aftalen på dansk.")
        @OptionGroup public var options: ContractOption
        public init() {}

        public func run() async throws {
            print(try output(), terminator: "")
        }

        /// What the command prints.
        public func output() throws -> String {
            ContractPresenter.render(try options.load())
        }
    }

    public struct Validate: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Kontrollér aftalens summer, deltotaler, andele og datoer (SPEC §3).",
            discussion: "Fund afslutter med kode 0; en fil, der ikke kan bruges, med kode 1."
        )

        @OptionGroup public var options: ContractOption
        @Option(name: .long, help: "Uddata: text eller json.") public var format: OutputFormat = .text
        public init() {}

        public func run() async throws {
            print(try output(), terminator: "")
        }

        /// What the command prints: findings alone never fail the command.
        public func output() throws -> String {
            let commitment = try options.load()
            let findings = ContractValidator.validate(commitment)
            switch format {
            case .json: return try FindingsPresenter.json(findings) + "\n"
            case .text: return FindingsPresenter.text(findings, commitment: commitment)
            }
        }
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension LocalDate {
    /// Today in Copenhagen: the outer layer's clock (the core never reads one).
    static func today() -> LocalDate { LocalDate.copenhagen(Date()) }
}
