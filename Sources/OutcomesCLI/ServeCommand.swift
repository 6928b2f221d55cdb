public import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import Logging
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesServer
import OutcomesApplication
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
    @Option(name: .customLong("tls-certificate"), help: "Certifikatkæden som PEM-fil: serveren taler da HTTPS (kræver --tls-key).")
    public var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "Den private nøgle som PEM-fil (til --tls-certificate).") public var tlsKey: String?

    public init() {}

    public func run() async throws {
        let reader = try await ServeCommand.configurationReader(
            flags: [
                "port": port.map(ConfigValue.init), "host": host.map(ConfigValue.init), "database": database.map(ConfigValue.init),
                "tls.certificate": tlsCertificate.map(ConfigValue.init), "tls.key": tlsKey.map(ConfigValue.init),
            ],
            file: config
        )
        let configuration = ServerConfiguration(reader: reader)
        var logger = Logger(label: "outcomes")
        logger.logLevel = configuration.logLevel
        // The agreement the paths without one mean: `--agreement` (read from the database the
        // configuration names), `--contract`, or Viborg's built-in one.
        let (commitment, contractText) = try await options.resolveWithText(database: configuration.database)
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(configuration: configuration, commitment: commitment, contractText: contractText, logger: logger)
        } catch let error as PseudonymKeyError {
            printError(error.description)
            throw ExitCode(1)
        } catch let error as ServerStartError {
            printError(error.description)
            throw ExitCode(1)
        }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
        print("Outcomes er lukket ned.")
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
}
