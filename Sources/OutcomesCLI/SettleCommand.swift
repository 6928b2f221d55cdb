public import ArgumentParser
import Foundation
import OutcomesApplication
import OutcomesCore
import OutcomesDelivery
public import OutcomesReports
import OutcomesSpreadsheet
import OutcomesStore

/// `outcomes settle`: reads a data delivery and prints the settlement (SPEC §5, §6).
public struct SettleCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Opgør betalingsmålene for en dataleverance pr. en dato.",
        discussion: "En leverance med fejl afvises helt: alle fejl skrives som fil:linje: kolonne: besked, og koden er 1."
    )

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case json, table, csv, xlsx }

    @OptionGroup public var options: ContractCommand.ContractOption
    @Option(name: .long, help: "Mappen med leverancens CSV-filer.") public var data: String?
    @Option(name: .long, help: "Opgør den seneste leverance i databasen i stedet (SQLite-fil eller postgres://…).")
    public var database: String?
    @Option(name: .customLong("as-of"), help: "Opgørelsesdato (ÅÅÅÅ-MM-DD).") public var asOf: String
    @Option(name: .long, help: "Uddata: json, table, csv eller xlsx (Excel: halvår og mål, linjer, efterreguleringer).") public var format: Format = .json
    @Option(name: .long, help: "Formålet med at læse persondata fra databasen (revisionssporet).")
    public var purpose = "betalingsopgørelse"

    public init() {}

    public func validate() throws {
        guard LocalDate(iso: asOf) != nil else { throw ValidationError("--as-of '\(asOf)' er ikke en dato (ÅÅÅÅ-MM-DD)") }
        guard (data == nil) != (database == nil) else { throw ValidationError("angiv enten --data eller --database") }
    }

    public func run() async throws {
        if format == .xlsx {
            // A workbook is one zip package: written to standard output as it is, not copied
            // through the text writer.
            let (commitment, settlement) = try await load()
            FileHandle.standardOutput.write(try SettleCommand.workbook(settlement, commitment: commitment))
            settlement.warnings.forEach { printError("advarsel: \($0)") }
            return
        }
        var writer = ByteWriter { FileHandle.standardOutput.write(Data($0)) }
        try await write(to: &writer) { printError($0) }
        writer.flush()
    }

    /// Settles and writes the chosen format; warnings that the format does not carry go to `warn`.
    public func write(to writer: inout ByteWriter, warn: (String) -> Void) async throws {
        let (commitment, settlement) = try await load()
        write(settlement, commitment: commitment, to: &writer, warn: warn)
    }

    func write(_ settlement: Settlement, commitment: Commitment, to writer: inout ByteWriter, warn: (String) -> Void) {
        switch format {
        case .json: SettlementJSON.write(settlement, to: &writer)
        case .csv:
            SettlementCSV.write(settlement, to: &writer)
            settlement.warnings.forEach { warn("advarsel: \($0)") }
        case .table: writer.write(SettlementTable.render(settlement, commitment: commitment))
        case .xlsx:
            do {
                let data = try SettleCommand.workbook(settlement, commitment: commitment)
                data.withUnsafeBytes { writer.write(bytes: $0.bindMemory(to: UInt8.self)) }
            } catch {
                warn(String(describing: error))
            }
            settlement.warnings.forEach { warn("advarsel: \($0)") }
        }
    }

    /// The settlement's workbook: half-years and goals, lines, corrections.
    static func workbook(_ settlement: Settlement, commitment: Commitment) throws -> Data {
        var sheets = [SettlementWorkbook.periods(settlement, commitment: commitment), SettlementWorkbook.lines(settlement)]
        if !settlement.corrections.isEmpty { sheets.append(SettlementWorkbook.corrections(settlement, lines: true)) }
        return try XLSXWriter.data(Workbook(sheets))
    }

    /// Loads the agreement and settles the delivery (from the folder, or the store's current one
    /// through the application layer, which audits the read of the lines); a rejected delivery
    /// exits 1 with every error on standard error.
    func load() async throws -> (Commitment, Settlement) {
        let commitment = try options.load()
        let day = LocalDate(iso: asOf)!
        if let database {
            do {
                let settlement = try await withService(database, commitment: commitment, purpose: purpose) { service, requester in
                    try await service.settlement(requester, asOf: day, lines: true)
                }
                return (commitment, settlement)
            } catch ApplicationError.notFound {
                printError("Databasen \(database) har ingen leverancer endnu: importér en med 'outcomes import'")
                throw ExitCode(1)
            }
        }
        do {
            return (commitment, settle(commitment, try DeliveryImporter.importFolder(data!, commitment: commitment)))
        } catch {
            printError("Leverancen \(data!) er afvist (\(error.issues.count) fejl):\n\(error.description)")
            throw ExitCode(1)
        }
    }

    func settle(_ commitment: Commitment, _ imported: ImportedDelivery) -> Settlement {
        var settlement = SettlementEngine.settle(commitment, delivery: imported.delivery, asOf: LocalDate(iso: asOf)!)
        settlement.warnings = imported.warnings + settlement.warnings
        return settlement
    }
}
