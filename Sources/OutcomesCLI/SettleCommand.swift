public import ArgumentParser
import Foundation
import OutcomesCore
import OutcomesDelivery
public import OutcomesReports
import OutcomesStore

/// `outcomes settle`: reads a data delivery and prints the settlement (SPEC §5, §6).
public struct SettleCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Opgør betalingsmålene for en dataleverance pr. en dato.",
        discussion: "En leverance med fejl afvises helt: alle fejl skrives som fil:linje: kolonne: besked, og koden er 1."
    )

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case json, table, csv }

    @OptionGroup public var options: ContractCommand.ContractOption
    @Option(name: .long, help: "Mappen med leverancens CSV-filer.") public var data: String?
    @Option(name: .long, help: "Opgør den seneste leverance i databasen i stedet (SQLite-fil eller postgres://…).")
    public var database: String?
    @Option(name: .customLong("as-of"), help: "Opgørelsesdato (ÅÅÅÅ-MM-DD).") public var asOf: String
    @Option(name: .long, help: "Uddata: json, table eller csv.") public var format: Format = .json
    @Option(name: .long, help: "Formålet med at læse persondata fra databasen (revisionssporet).")
    public var purpose = "betalingsopgørelse"

    public init() {}

    public func validate() throws {
        guard LocalDate(iso: asOf) != nil else { throw ValidationError("--as-of '\(asOf)' er ikke en dato (ÅÅÅÅ-MM-DD)") }
        guard (data == nil) != (database == nil) else { throw ValidationError("angiv enten --data eller --database") }
    }

    public func run() async throws {
        let (commitment, imported) = try await load()
        var writer = ByteWriter { FileHandle.standardOutput.write(Data($0)) }
        write(settle(commitment, imported), commitment: commitment, to: &writer) { printError($0) }
        writer.flush()
    }

    /// Settles and writes the chosen format; warnings that the format does not carry go to `warn`.
    public func write(to writer: inout ByteWriter, warn: (String) -> Void) async throws {
        let (commitment, imported) = try await load()
        write(settle(commitment, imported), commitment: commitment, to: &writer, warn: warn)
    }

    func write(_ settlement: Settlement, commitment: Commitment, to writer: inout ByteWriter, warn: (String) -> Void) {
        switch format {
        case .json: SettlementJSON.write(settlement, to: &writer)
        case .csv:
            SettlementCSV.write(settlement, to: &writer)
            settlement.warnings.forEach { warn("advarsel: \($0)") }
        case .table: writer.write(SettlementTable.render(settlement, commitment: commitment))
        }
    }

    /// Loads the agreement and the delivery (from the folder or the store); a rejected
    /// delivery exits 1 with every error on standard error.
    func load() async throws -> (Commitment, ImportedDelivery) {
        let commitment = try options.load()
        if let database {
            let current = try await withStore(database) { store in
                let current = try await store.currentDelivery()
                if current != nil {
                    // Settlement lines name persons (pseudonyms): a read of person data is audited.
                    let number = try await store.deliveries().last?.number ?? 0
                    _ = try await store.appendAudit(
                        AuditEvent(actor: cliActor(), action: "read-person-data", subject: "delivery \(number)", purpose: purpose, at: timestamp())
                    )
                }
                return current
            }
            guard let current else {
                printError("Databasen \(database) har ingen leverancer endnu: importér en med 'outcomes import'")
                throw ExitCode(1)
            }
            return (commitment, current)
        }
        do {
            return (commitment, try DeliveryImporter.importFolder(data!, commitment: commitment))
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

/// Runs `body` with an open, migrated store and closes it whatever happens.
func withStore<T>(_ url: String, _ body: (SQLOutcomesStore) async throws -> T) async throws -> T {
    let store = try await openStore(url)
    do {
        let result = try await body(store)
        try await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}

/// Opens a store, migrating it, or exits 1 with a clear message.
func openStore(_ url: String) async throws -> SQLOutcomesStore {
    do {
        let store = try await SQLOutcomesStore.open(url: url)
        do {
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    } catch let error as StoreError {
        printError(error.description)
        throw ExitCode(1)
    } catch {
        printError("databasen '\(url)' kan ikke åbnes: \(String(reflecting: error))")
        throw ExitCode(1)
    }
}

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
        let commitment = try options.load()
        var files: [String: Data] = [:]
        for name in DeliveryImporter.fileNames {
            if let contents = FileManager.default.contents(atPath: (data as NSString).appendingPathComponent(name)) { files[name] = contents }
        }
        let day = receivedOn.flatMap { LocalDate(iso: $0) } ?? LocalDate.today()
        do {
            let receipt = try await withStore(database) { store in
                try await store.importDelivery(
                    files,
                    commitment: commitment,
                    receivedOn: day,
                    audit: AuditEvent(actor: cliActor(), action: "import-delivery", subject: "", purpose: purpose, at: timestamp())
                )
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

/// The command line's actor in the audit trail: `cli:` and the login name.
func cliActor() -> String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown") }

/// Now, in ISO 8601 UTC: the outer layer's clock.
func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }

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
