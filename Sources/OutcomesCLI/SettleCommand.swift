public import ArgumentParser
import Foundation
public import OutcomesCore
import OutcomesDelivery
public import OutcomesReports

/// `outcomes settle`: reads a data delivery and prints the settlement (SPEC §5, §6).
public struct SettleCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Opgør betalingsmålene for en dataleverance pr. en dato.",
        discussion: "En leverance med fejl afvises helt: alle fejl skrives som fil:linje: kolonne: besked, og koden er 1."
    )

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case json, table, csv }

    @OptionGroup public var options: ContractCommand.ContractOption
    @Option(name: .long, help: "Mappen med leverancens CSV-filer.") public var data: String
    @Option(name: .customLong("as-of"), help: "Opgørelsesdato (ÅÅÅÅ-MM-DD).") public var asOf: String
    @Option(name: .long, help: "Uddata: json, table eller csv.") public var format: Format = .json

    public init() {}

    public func validate() throws {
        guard LocalDate(iso: asOf) != nil else { throw ValidationError("--as-of '\(asOf)' er ikke en dato (ÅÅÅÅ-MM-DD)") }
    }

    public func run() async throws {
        var writer = ByteWriter { FileHandle.standardOutput.write(Data($0)) }
        try write(to: &writer) { printError($0) }
        writer.flush()
    }

    /// Settles and writes the chosen format; warnings that the format does not carry go to `warn`.
    public func write(to writer: inout ByteWriter, warn: (String) -> Void) throws {
        let (commitment, settlement) = try settle()
        switch format {
        case .json: SettlementJSON.write(settlement, to: &writer)
        case .csv:
            SettlementCSV.write(settlement, to: &writer)
            settlement.warnings.forEach { warn("advarsel: \($0)") }
        case .table: writer.write(SettlementTable.render(settlement, commitment: commitment))
        }
    }

    /// Loads the agreement and the delivery and settles; a rejected delivery exits 1.
    public func settle() throws -> (Commitment, Settlement) {
        let commitment = try options.load()
        let imported: ImportedDelivery
        do {
            imported = try DeliveryImporter.importFolder(data, commitment: commitment)
        } catch {
            printError("Leverancen \(data) er afvist (\(error.issues.count) fejl):\n\(error.description)")
            throw ExitCode(1)
        }
        var settlement = SettlementEngine.settle(commitment, delivery: imported.delivery, asOf: LocalDate(iso: asOf)!)
        settlement.warnings = imported.warnings + settlement.warnings
        return (commitment, settlement)
    }
}

/// `outcomes demo-data`: writes a deterministic, realistic delivery.
public struct DemoDataCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Skriv en deterministisk, realistisk dataleverance som Viborgs."
    )

    @OptionGroup public var options: ContractCommand.ContractOption
    @Option(name: .long, help: "Frø: samme frø giver samme leverance.") public var seed: UInt64
    @Option(name: .long, help: "Mappen, der skrives til.") public var out: String
    @Option(name: .long, help: "Antal husstande i indsatsgruppen.") public var households: Int = 180

    public init() {}

    public func validate() throws {
        guard households > 0 else { throw ValidationError("--households skal være mindst 1") }
    }

    public func run() async throws {
        let commitment = try options.load()
        try DemoData.write(commitment: commitment, seed: seed, households: households, to: out)
        print("Leverance skrevet til \(out) (\(households) husstande i indsatsgruppen, frø \(seed))")
    }
}
