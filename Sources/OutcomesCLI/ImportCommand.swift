public import ArgumentParser
import Foundation
import OutcomesApplication
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesStore

/// `outcomes import`: keeps a data delivery in the store, all-or-nothing and idempotently.
public struct ImportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Gem en dataleverance i databasen (alt eller intet; samme leverance to gange ændrer intet)."
    )

    @OptionGroup public var options: ContractCommand.ContractOption
    @Option(name: .long, help: "Mappen med leverancens CSV-filer.") public var data: String
    @Option(name: .long, help: "Databasen: en SQLite-fil eller postgres://….") public var database = "data/outcomes.sqlite"
    @Option(name: .customLong("received-on"), help: "Modtagelsesdato (ÅÅÅÅ-MM-DD); uden den i dag.") public var receivedOn: String?
    @Option(name: .long, help: "Formålet, som skrives i revisionssporet.") public var purpose = "dataleverance til betalingsopgørelse"

    public init() {}

    public func validate() throws {
        if let receivedOn, LocalDate(iso: receivedOn) == nil {
            throw ValidationError("--received-on '\(receivedOn)' er ikke en dato (ÅÅÅÅ-MM-DD)")
        }
    }

    public func run() async throws {
        let commitment = try await options.resolve(database: database)
        var files: [String: Data] = [:]
        for name in DeliveryImporter.fileNames {
            if let contents = FileManager.default.contents(atPath: (data as NSString).appendingPathComponent(name)) { files[name] = contents }
        }
        let day = receivedOn.flatMap { LocalDate(iso: $0) } ?? LocalDate.today()
        do {
            let receipt = try await withService(database, commitment: commitment, purpose: purpose) { service, requester in
                // Issue #18: a delivery for an agreement the database does not hold yet brings
                // the agreement's file along, so that `--agreement` and the server find it.
                if options.contract != nil, try await service.store.contractText(id: commitment.id, version: commitment.version) == nil {
                    let source = try ContractFile.text(path: options.contract)
                    _ = try await service.store.saveContract(
                        id: commitment.id,
                        version: commitment.version,
                        text: source.text,
                        audit: requester.audit("save-agreement", subject: "\(commitment.id) v\(commitment.version)")
                    )
                }
                return try await service.importDelivery(requester, files: files, receivedOn: day)
            }
            if receipt.isNew {
                print(
                    "Leverance \(receipt.number) gemt (\(receipt.rowCount) rækker)"
                        + (receipt.supersedes.map { "; den afløser leverance \($0)" } ?? "")
                )
            } else {
                print("Leverancen findes allerede som nr. \(receipt.number) (modtaget \(receipt.receivedOn.danishString)); intet ændret")
            }
        } catch let rejected as DeliveryRejected {
            printError("Leverancen \(data) er afvist (\(rejected.issues.count) fejl); intet er gemt:\n\(rejected.description)")
            throw ExitCode(1)
        }
    }
}
