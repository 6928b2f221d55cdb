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
    @Option(name: .long, help: "Skriv til denne fil i stedet for standard-output: helt eller slet ikke (en midlertidig fil ved siden af får navnet til sidst).")
    public var out: String?

    public init() {}

    public func validate() throws {
        guard LocalDate(iso: asOf) != nil else { throw ValidationError("--as-of '\(asOf)' er ikke en dato (ÅÅÅÅ-MM-DD)") }
        guard (data == nil) != (database == nil) else { throw ValidationError("angiv enten --data eller --database") }
    }

    public func run() async throws {
        if let out {
            let (commitment, settlement) = try await load()
            try SettleCommand.replacing(URL(fileURLWithPath: out)) { temporary in
                if format == .xlsx {
                    // Straight into the file: the package is never held in memory.
                    try XLSXWriter.write(Workbook(SettleCommand.sheets(settlement, commitment: commitment)), to: temporary)
                } else {
                    guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                        throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary.path])
                    }
                    let handle = try FileHandle(forWritingTo: temporary)
                    var failure: (any Error)?
                    var writer = ByteWriter { bytes in
                        guard failure == nil else { return }
                        do { try handle.write(contentsOf: bytes) } catch { failure = error }
                    }
                    write(settlement, commitment: commitment, to: &writer) { printError($0) }
                    writer.flush()
                    if let failure {
                        try? handle.close()
                        throw failure
                    }
                    try handle.close()
                }
            }
            if format == .xlsx { settlement.warnings.forEach { printError("advarsel: \($0)") } }
            return
        }
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
        try XLSXWriter.data(Workbook(sheets(settlement, commitment: commitment)))
    }

    static func sheets(_ settlement: Settlement, commitment: Commitment) -> [Workbook.Sheet] {
        var sheets = [SettlementWorkbook.periods(settlement, commitment: commitment), SettlementWorkbook.lines(settlement)]
        if !settlement.corrections.isEmpty { sheets.append(SettlementWorkbook.corrections(settlement, lines: true)) }
        return sheets
    }

    /// Writes `target` whole or not at all: `body` writes a temporary file beside it, which
    /// then takes the name (`rename(2)` replaces an older file in one step); on any error the
    /// temporary file is removed and `target` is left as it was.
    static func replacing(_ target: URL, _ body: (URL) throws -> Void) throws {
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try body(temporary)
            // On the disk before it takes the name, so a crash leaves the old file or the new.
            let written = try FileHandle(forUpdating: temporary)
            try written.synchronize()
            try written.close()
            guard rename(temporary.path, target.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            printError("Kunne ikke skrive \(target.path): \(danishReason(error, directory: target.deletingLastPathComponent()))")
            throw ExitCode(1)
        }
    }

    /// Why a file could not be written, in Danish (Foundation's messages are English).
    static func danishReason(_ error: any Error, directory: URL) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "mappen \(directory.path) findes ikke"
        }
        if access(directory.path, W_OK) != 0 { return "ingen skriveadgang til mappen \(directory.path)" }
        let code: Int32? = (error as? POSIXError)?.code.rawValue
            ?? ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil }
        switch code {
        case ENOSPC?: return "disken er fuld"
        case EDQUOT?: return "diskkvoten er brugt op"
        case EROFS?: return "filsystemet er skrivebeskyttet"
        case EACCES?, EPERM?: return "ingen skriveadgang"
        case let code?: return "skrivefejl (errno \(code))"
        case nil: return (error as? XLSXWriter.Failure)?.description ?? "skrivefejl"
        }
    }

    /// Loads the agreement and settles the delivery (from the folder, or the store's current one
    /// through the application layer, which audits the read of the lines); a rejected delivery
    /// exits 1 with every error on standard error.
    func load() async throws -> (Commitment, Settlement) {
        let commitment = try await options.resolve(database: database)
        let day = LocalDate(iso: asOf)!
        if let database {
            // No delivery yet: said in the CLI's words (the service's names the API).
            let settlement = try await withService(database, commitment: commitment, purpose: purpose) { service, requester -> Settlement? in
                do {
                    return try await service.settlement(requester, asOf: day, lines: true)
                } catch ApplicationError.notFound {
                    return nil
                }
            }
            guard let settlement else {
                // A PostgreSQL URL's password is not echoed.
                let named = database.contains("://") ? (database.split(separator: "@").last.map { "på " + $0 } ?? "") : database
                printError("Databasen \(named) har ingen leverancer endnu: importér en med 'outcomes import'")
                throw ExitCode(1)
            }
            return (commitment, settlement)
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
