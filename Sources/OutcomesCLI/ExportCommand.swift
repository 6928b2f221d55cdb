public import ArgumentParser
import Foundation
import OutcomesAnalysis
import OutcomesCore
import OutcomesReports
import OutcomesStore

/// `outcomes export`: the agreement in other standards' formats.
public struct ExportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Eksportér aftalen og dens betalinger i et andet format.",
        subcommands: [IndigoCommand.self]
    )

    public init() {}

    /// `outcomes export indigo`: the project in the INDIGO impact-bond data standard.
    public struct IndigoCommand: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "indigo",
            abstract: "Projektet i INDIGO-standarden (Government Outcomes Lab): organisationer, målinger, priser, betalinger, transaktioner."
        )

        @OptionGroup public var options: ContractCommand.ContractOption
        @Option(name: .customLong("as-of"), help: "Datoen (ÅÅÅÅ-MM-DD; standard i dag).") public var asOf: String?
        @Option(name: .long, help: "Databasen med betalinger og leverancer (standard data/outcomes.sqlite).")
        public var database = "data/outcomes.sqlite"
        @Option(name: .long, help: "INDIGO-projektets id (standard: aftalefilens indigoProject).") public var project: String?
        @Option(name: .shortAndLong, help: "Skriv til filen i stedet for standard output.") public var output: String?

        public init() {}

        public func validate() throws {
            if let asOf, LocalDate(iso: asOf) == nil { throw ValidationError("--as-of '\(asOf)' er ikke en dato (ÅÅÅÅ-MM-DD)") }
        }

        public func run() async throws {
            let commitment = try await options.resolve(database: database)
            guard let projectID = project ?? commitment.indigoProjectID else {
                printError("Aftalefilen angiver intet INDIGO-projekt (indigoProject): angiv det med --project INDIGO-POJ-…")
                throw ExitCode(1)
            }
            let day = asOf.flatMap { LocalDate(iso: $0) } ?? LocalDate.today()
            let input = try await withStore(database) { try await $0.scoped(to: commitment.id).complianceInput(commitment) }
            // Only aggregates leave: the settlement's half-year totals per goal, never a line.
            let finance = FinanceReport.compute(input, asOf: day)
            let (document, warnings) = IndigoExport.document(
                IndigoExport.Input(
                    commitment: commitment,
                    projectID: projectID,
                    asOf: day,
                    planned: ExportCommand.planned(commitment),
                    actual: IndigoExport.Period.actual(finance.settlement, commitment),
                    transfers: input.transfers,
                    enrolledHouseholds: input.households.filter { $0.isEnrolled(on: day) }.count,
                    lastPaymentDue: finance.reconciliation.lastPaymentDue
                )
            )
            warnings.forEach { printError("advarsel: \($0)") }
            let text = document.text + "\n"
            if let output {
                // Written whole or not at all.
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                print(text, terminator: "")
            }
        }
    }

    /// The planned outcome payments: the forecast's expected case per half-year (SPEC §7).
    static func planned(_ commitment: Commitment) -> [IndigoExport.Period] {
        let model = ForecastModel(commitment)
        let municipality = commitment.municipalityKey
        return model.expected().periods.map { period in
            IndigoExport.Period(
                period: period.period,
                payables: zip(model.goalNumbers, period.payables).map { number, amount in
                    (number, commitment.goal(number: number)?.payer.value ?? municipality, amount)
                },
                payers: Array(zip(model.allocator.payers, period.payers))
            )
        }
    }
}
