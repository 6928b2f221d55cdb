public import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import Logging
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesServer
import OutcomesStore
import ServiceLifecycle
import SystemPackage
import UnixSignals

/// `outcomes serve`: the API on Hummingbird, over the store.
///
/// Configuration, highest first: flags; environment variables (`OUTCOMES_PORT`,
/// `OUTCOMES_DATABASE`, `OUTCOMES_PSEUDONYM_KEY`, …); a `.env` file; a JSON file
/// (`outcomes.json`, or `--config`); the defaults. Secrets (the pseudonym key, the first admin
/// password) are read with `isSecret` and never printed. On a fresh machine it creates the
/// SQLite store, loads Viborg's agreement and the demo delivery, and prints a one-time admin
/// password. SIGTERM and SIGINT shut it down gracefully (swift-service-lifecycle).
public struct ServeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start Outcomes' API (og opret databasen med Viborg-aftalen og demodata første gang)."
    )

    @OptionGroup public var options: ContractCommand.ContractOption
    @Option(name: .long, help: "Porten (standard 8080; 0 vælger en ledig).") public var port: Int?
    @Option(name: .long, help: "Adressen der lyttes på (standard 127.0.0.1).") public var host: String?
    @Option(name: .long, help: "Databasen: en SQLite-fil eller postgres://… (standard data/outcomes.sqlite).") public var database: String?
    @Option(name: .long, help: "Konfigurationsfil (JSON; standard outcomes.json, hvis den findes).") public var config: String?

    public init() {}

    public func run() async throws {
        let reader = try await ServeCommand.configurationReader(
            flags: ["port": port.map(ConfigValue.init), "host": host.map(ConfigValue.init), "database": database.map(ConfigValue.init)],
            file: config
        )
        let settings = ServeSettings(reader)
        var logger = Logger(label: "outcomes")
        logger.logLevel = settings.logLevel
        let commitment = try options.load()
        let contractText = try ContractFile.text(path: options.contract).text

        let store = try await openStore(settings.database)
        do {
            let key = try settings.pseudonymKey(logger: logger)
            let pseudonymizer = try PersonPseudonymizer(secret: key)
            try await ServeCommand.prepare(store, commitment: commitment, contractText: contractText, settings: settings)
            let api = OutcomesAPI(store: store, commitment: commitment, pseudonymizer: pseudonymizer, logger: logger)
            let app = Application(
                router: api.router(),
                configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "Outcomes"),
                onServerRunning: { channel in
                    let port = channel.localAddress?.port ?? settings.port
                    print("Outcomes kører på http://\(settings.host):\(port)/  (API-beskrivelse: /openapi.json; stop med Ctrl-C)")
                    fflush(nil)
                },
                logger: logger
            )
            let group = ServiceGroup(
                configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            )
            try await group.run()
            try await store.close()
            print("Outcomes er lukket ned.")
        } catch {
            try? await store.close()
            if let error = error as? PseudonymKeyError {
                printError(error.description)
                throw ExitCode(1)
            }
            throw error
        }
    }

    /// Flags, environment (`OUTCOMES_…`), `.env`, the JSON file, in that order.
    static func configurationReader(flags: [String: ConfigValue?], file: String?) async throws -> ConfigReader {
        let secret = SecretsSpecifier<String, String>.dynamic { key, _ in
            key.hasSuffix("_KEY") || key.contains("PASSWORD") || key.contains("SECRET")
        }
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flags { if let value { values[AbsoluteConfigKey(ConfigKey(key))] = value } }
        return ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: values),
            EnvironmentVariablesProvider(secretsSpecifier: secret).prefixKeys(with: "outcomes"),
            try await EnvironmentVariablesProvider(environmentFilePath: ".env", allowMissing: true, secretsSpecifier: secret)
                .prefixKeys(with: "outcomes"),
            try await FileProvider<JSONSnapshot>(filePath: FilePath(file ?? "outcomes.json"), allowMissing: file == nil),
        ])
    }

    /// A fresh store gets the agreement, the demo delivery and the first admin.
    static func prepare(_ store: SQLOutcomesStore, commitment: Commitment, contractText: String, settings: ServeSettings) async throws {
        let now = timestamp()
        let audit = AuditEvent(
            actor: "system",
            action: "save-agreement",
            subject: "\(commitment.id) v\(commitment.version)",
            purpose: "opstart",
            at: now
        )
        if try await store.saveContract(id: commitment.id, version: commitment.version, text: contractText, audit: audit) {
            print("Aftalen \(commitment.id) version \(commitment.version) er gemt.")
        }
        if settings.loadsDemoData, try await store.deliveries().isEmpty {
            let files = DemoData.generate(commitment: commitment, seed: 2023, households: 180).mapValues { Data($0.utf8) }
            let receipt = try await store.importDelivery(
                files,
                commitment: commitment,
                receivedOn: LocalDate.today(),
                audit: AuditEvent(actor: "system", action: "import-delivery", subject: "", purpose: "demodata ved første start", at: now)
            )
            print("Demodata indlæst som leverance \(receipt.number) (\(receipt.rowCount) rækker, frø 2023).")
            // The demo's enrolled households get the journaled decision they would have had (P 3.2.1).
            var journaled = 0
            let listed = try await store.households(in: nil).sorted { ($0.listPosition ?? .max, $0.id) < ($1.listPosition ?? .max, $1.id) }
            for household in listed where household.group == .treatment {
                guard let start = household.courseStart else { continue }
                try await store.recordEnrolmentDecision(
                    EnrolmentDecision(
                        household: household.id,
                        listPosition: household.listPosition,
                        decidedOn: start,
                        decidedBy: "demodata",
                        outcome: .enrolled(courseStart: start),
                        reason: "Demodata: visiteret med samtykke, før Outcomes blev taget i brug."
                    ),
                    consentGiven: true,
                    interventionPeriod: commitment.interventionPeriod.value,
                    audit: AuditEvent(
                        actor: "system",
                        action: "record-decision:enrolled",
                        subject: "household:\(household.id)",
                        purpose: "demodata",
                        at: now
                    )
                )
                journaled += 1
            }
            print("Demodata: \(journaled) visitationsbeslutninger journalført.")
            let payments = try await recordDemoPayments(store, commitment: commitment, now: now)
            print("Demodata: \(payments) betalinger registreret (rater efter B3.2, tilbagebetalinger efter afregningerne).")
        }
        if try await store.users().isEmpty {
            let password = settings.initialAdminPassword ?? ServeCommand.generatedPassword()
            try await store.createUser(
                UserAccount(username: "admin", displayName: "Administrator", role: .admin, mustChangePassword: true),
                password: password,
                audit: AuditEvent(actor: "system", action: "create-user", subject: "user:admin", purpose: "første start", at: now)
            )
            if settings.initialAdminPassword == nil {
                print("Første login: brugernavn admin, engangsadgangskode \(password) (skal skiftes ved første login; vises ikke igen).")
            } else {
                print("Første login: brugernavn admin med adgangskoden fra OUTCOMES_ADMIN_PASSWORD (skal skiftes ved første login).")
            }
        }
    }

    /// The demo's money as the agreement has it go: every installment due by today paid on its
    /// deadline (B3.2), and every settled half-year due by today repaid on its due date as the
    /// settlement splits it (T 5.1, B5.1 1.1) — so the finance page and T 5.3 have a ledger.
    static func recordDemoPayments(_ store: SQLOutcomesStore, commitment: Commitment, now: String) async throws -> Int {
        let today = LocalDate.today()
        let audit = AuditEvent(actor: "system", action: "record-transfer", subject: "demodata", purpose: "demodata ved første start", at: now)
        var count = 0
        for installment in commitment.disbursementPlan.installments where installment.dueBy <= today {
            for (funder, amount) in installment.amounts.sorted(by: { $0.key < $1.key }) {
                guard let municipality = commitment.municipality?.key else { continue }
                try await store.recordTransfer(
                    MoneyTransfer(
                        kind: .disbursement,
                        from: funder,
                        to: municipality,
                        paidOn: installment.dueBy,
                        amount: amount,
                        reference: installment.name
                    ),
                    audit: audit
                )
                count += 1
            }
        }
        guard let delivery = try await store.currentDelivery()?.delivery else { return count }
        let settlement = SettlementEngine.settle(commitment, delivery: delivery, asOf: today)
        for period in settlement.periods where period.due <= today {
            for instruction in PaymentInstructions.compute(period) {
                try await store.recordTransfer(
                    MoneyTransfer(
                        kind: .repayment,
                        from: instruction.from,
                        to: instruction.to,
                        paidOn: period.due,
                        amount: instruction.amount,
                        reference: period.period.label
                    ),
                    audit: audit
                )
                count += 1
            }
        }
        return count
    }

    /// 20 characters from an alphabet without look-alikes (about 115 bits).
    static func generatedPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// What `serve` reads from its configuration.
struct ServeSettings {
    var port: Int
    var host: String
    var database: String
    var logLevel: Logger.Level
    var loadsDemoData: Bool
    var initialAdminPassword: String?
    /// Base64 of at least 32 bytes; else a key file beside the SQLite file (or in `data/`).
    var pseudonymKeyBase64: String?
    var keyFile: String

    init(_ reader: ConfigReader) {
        port = reader.int(forKey: "port", default: 8080)
        host = reader.string(forKey: "host", default: "127.0.0.1")
        database = reader.string(forKey: "database", default: "data/outcomes.sqlite")
        logLevel = Logger.Level(rawValue: reader.string(forKey: "log.level", default: "info")) ?? .info
        loadsDemoData = reader.bool(forKey: "demo.data", default: true)
        initialAdminPassword = reader.string(forKey: "admin.password", isSecret: true)
        pseudonymKeyBase64 = reader.string(forKey: "pseudonym.key", isSecret: true)
        let folder = database.contains("://") ? "data" : (URL(fileURLWithPath: database).deletingLastPathComponent().relativePath)
        keyFile = reader.string(forKey: "pseudonym.keyFile", default: (folder as NSString).appendingPathComponent("pseudonym.key"))
    }

    /// The pseudonym key: configured, or kept in a file readable only by its owner (created on
    /// first start). Never printed.
    func pseudonymKey(logger: Logger) throws -> Data {
        if let configured = pseudonymKeyBase64 {
            guard let key = Data(base64Encoded: configured) else { throw PseudonymKeyError.tooShort(0) }
            return key
        }
        if let existing = FileManager.default.contents(atPath: keyFile) {
            guard let key = Data(base64Encoded: String(decoding: existing, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw PseudonymKeyError.tooShort(0)
            }
            return key
        }
        var generator = SystemRandomNumberGenerator()
        let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: keyFile).deletingLastPathComponent().path,
            withIntermediateDirectories: true
        )
        guard FileManager.default.createFile(atPath: keyFile, contents: Data(key.base64EncodedString().utf8), attributes: [.posixPermissions: 0o600])
        else {
            printError("nøglefilen \(keyFile) kan ikke skrives; angiv nøglen med OUTCOMES_PSEUDONYM_KEY eller en skrivbar sti")
            throw ExitCode(1)
        }
        print("Ny nøgle til pseudonymer gemt i \(keyFile) (kun læsbar for ejeren); tag backup af den sammen med databasen.")
        return key
    }
}
