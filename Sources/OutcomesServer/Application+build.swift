public import Configuration
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import OutcomesApplication
import OutcomesContractFile
public import OutcomesCore
import OutcomesDelivery
import OutcomesStore
import ServiceLifecycle

/// What `outcomes serve` reads from its configuration (swift-configuration).
///
/// Keys (flags > environment `OUTCOMES_…` > `.env` > `outcomes.json`):
/// - `port` (8080), `host` (127.0.0.1)
/// - `database`: a SQLite path or `postgres://…` (`data/outcomes.sqlite`)
/// - `log.level` (`info`)
/// - `demo.data`: `false` starts empty (`true`)
/// - `admin.password` (secret): the first admin's one-time password; else one is generated
/// - `pseudonym.key` (secret, base64 of ≥ 32 bytes); else `pseudonym.keyFile`, created on first start
/// - `tls.certificate`, `tls.key`: PEM files; with both, HTTPS
/// - `trust.proxy`: `true` behind a reverse proxy that sets `X-Forwarded-For`
public struct ServerConfiguration: Sendable {
    public var port: Int
    public var host: String
    public var database: String
    public var logLevel: Logger.Level
    public var loadsDemoData: Bool
    var initialAdminPassword: String?
    var pseudonymKeyBase64: String?
    var keyFile: String
    /// `tls.certificate` and `tls.key`: PEM files; with both, the server speaks HTTPS.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// `trust.proxy`: take the client's address from `X-Forwarded-For` (behind a reverse proxy
    /// that sets it; README "HTTPS").
    public var trustsProxy: Bool

    public init(reader: ConfigReader) {
        tlsCertificate = reader.string(forKey: "tls.certificate")
        tlsKey = reader.string(forKey: "tls.key")
        trustsProxy = reader.bool(forKey: "trust.proxy", default: false)
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
    func pseudonymKey() throws -> Data {
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
        let folder = URL(fileURLWithPath: keyFile).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        guard FileManager.default.createFile(atPath: keyFile, contents: Data(key.base64EncodedString().utf8), attributes: [.posixPermissions: 0o600])
        else { throw ServerStartError("nøglefilen \(keyFile) kan ikke skrives; angiv nøglen med OUTCOMES_PSEUDONYM_KEY eller en skrivbar sti") }
        print("Ny nøgle til pseudonymer gemt i \(keyFile) (kun læsbar for ejeren); tag backup af den sammen med databasen.")
        return key
    }
}

extension ServerConfiguration {
    /// Whether the server speaks HTTPS itself.
    public var servesHTTPS: Bool { tlsCertificate != nil || tlsKey != nil }

    /// HTTP/1.1, over TLS when a certificate and key are configured.
    func serverBuilder() throws -> HTTPServerBuilder {
        guard servesHTTPS else { return .http1() }
        guard let certificateFile = tlsCertificate, let keyFile = tlsKey else {
            throw ServerStartError("HTTPS kræver både et certifikat (--tls-certificate) og en nøgle (--tls-key).")
        }
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw ServerStartError("Certifikatet \(certificateFile) kan ikke læses som PEM: \(error)")
        }
        guard !chain.isEmpty else { throw ServerStartError("Certifikatet \(certificateFile) indeholder intet certifikat.") }
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw ServerStartError("Nøglen \(keyFile) kan ikke læses som PEM: \(error)")
        }
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        return try .tls(.http1(), tlsConfiguration: tls)
    }

    /// The warning printed at start when browsers on other machines would not keep the login:
    /// plain HTTP on an address other than loopback, not behind a proxy.
    public var plainHTTPWarning: String? {
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(host)
        if trustsProxy && !loopback {
            return "ADVARSEL: OUTCOMES_TRUST_PROXY=true, men Outcomes lytter på \(host): en reverse proxy skal stå på samme maskine, "
                + "og Outcomes skal lytte på 127.0.0.1 (X-Forwarded-For læses kun fra loopback)."
        }
        guard !servesHTTPS, !trustsProxy, !loopback else { return nil }
        return "ADVARSEL: Outcomes lytter på \(host) med almindelig HTTP. Sessionens cookie er Secure, så en browser på en anden "
            + "maskine (http://\(host):\(port)/) gemmer ikke login'et. Start med --tls-certificate og --tls-key, eller sæt Outcomes "
            + "bag en reverse proxy med HTTPS og OUTCOMES_TRUST_PROXY=true (se README, \"HTTPS\")."
    }
}

/// Why the server cannot start, in Danish for the person starting it.
public struct ServerStartError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The composition root: opens the store, wires the use cases, the API and the web app, and
/// returns the application; migrations and (on a fresh store) the agreement, the demo data and
/// the first admin are done before the server starts listening. The store is a service of the
/// application: it closes after the server has stopped.
///
/// `outcomes serve` and the process tests call this; the in-process tests build
/// ``OutcomesAPI`` over their own store the same way.
///
/// ```swift
/// let app = try await buildApplication(configuration: ServerConfiguration(reader: reader), commitment: viborg, contractText: text)
/// try await app.runService()
/// ```
public func buildApplication(
    configuration: ServerConfiguration,
    commitment: Commitment,
    contractText: String,
    logger: Logger = Logger(label: "outcomes")
) async throws -> some ApplicationProtocol {
    let pseudonymizer = try PersonPseudonymizer(secret: try configuration.pseudonymKey())
    let store = try await SQLOutcomesStore.open(url: configuration.database)
    do {
        try await store.migrate()
        try await ServerSetup.prepare(store, commitment: commitment, contractText: contractText, configuration: configuration)
    } catch {
        try? await store.close()
        throw error
    }
    let server: HTTPServerBuilder
    do {
        server = try configuration.serverBuilder()
    } catch {
        try? await store.close()
        throw error
    }
    // Issue #18: every agreement the database holds, each with its versions (T 11.1); the one
    // started with is the default, its newest version the one given (or a newer one stored).
    let api: OutcomesAPI
    do {
        let stored = try await ServerSetup.storedAgreements(store)
        let own = stored[commitment.id].map { ($0.versions.filter { $0.version != commitment.version }) + [commitment] } ?? [commitment]
        let history = (try? AgreementHistory(own)) ?? AgreementHistory(single: commitment)
        let service = OutcomesService(store: store, commitment: history.latest, history: history, pseudonymizer: pseudonymizer, logger: logger)
        api = OutcomesAPI(service: service, logger: logger, trustForwardedFor: configuration.trustsProxy, servesHTTPS: configuration.servesHTTPS)
        for (id, other) in stored.sorted(by: { $0.key < $1.key }) where id != commitment.id {
            api.add(OutcomesService(store: store, commitment: other.latest, history: other, pseudonymizer: pseudonymizer, logger: logger))
        }
    } catch {
        try? await store.close()
        throw error
    }
    if let warning = configuration.plainHTTPWarning {
        FileHandle.standardError.write(Data((warning + "\n").utf8))
    }
    let scheme = configuration.servesHTTPS ? "https" : "http"
    var app = Application(
        router: api.router(),
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Outcomes"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            print("Outcomes kører på \(scheme)://\(configuration.host):\(port)/  (API-beskrivelse: /openapi.json; stop med Ctrl-C)")
            fflush(nil)
        },
        logger: logger
    )
    app.addServices(StoreService(store: store))
    return app
}

/// Keeps the store open while the server runs and closes it at shutdown.
struct StoreService: Service {
    let store: SQLOutcomesStore
    func run() async throws {
        try? await gracefulShutdown()
        try await store.close()
    }
}

/// What a fresh store gets before the server starts.
enum ServerSetup {
    static func timestamp() -> String { Requester.timestamp(Date()) }

    /// Every agreement the store holds, with every version of it that this program reads (an
    /// older file format, like version 1 of Viborg's without `areas`, is kept as text but not
    /// run; version 2 is the same agreement).
    static func storedAgreements(_ store: SQLOutcomesStore) async throws -> [String: AgreementHistory] {
        var versions: [String: [Commitment]] = [:]
        for version in try await store.contractVersions() {
            guard let text = try await store.contractText(id: version.id, version: version.version),
                let commitment = try? ContractFile.parse(text, file: "\(version.id) v\(version.version)"),
                commitment.id == version.id, commitment.version == version.version
            else { continue }
            versions[version.id, default: []].append(commitment)
        }
        return versions.compactMapValues { try? AgreementHistory($0) }
    }

    /// A fresh store gets the agreement, the demo delivery and the first admin.
    static func prepare(_ store: SQLOutcomesStore, commitment: Commitment, contractText: String, configuration: ServerConfiguration) async throws {
        let store = store.sqlScoped(to: commitment.id)
        let now = timestamp()
        let today = LocalDate.copenhagen(Date())
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
        if try await store.users().isEmpty {
            let password = configuration.initialAdminPassword ?? generatedPassword()
            var created = true
            do {
                try await store.createUser(
                    UserAccount(username: "admin", displayName: "Administrator", role: .admin, mustChangePassword: true),
                    password: password,
                    audit: AuditEvent(actor: "system", action: "create-user", subject: "user:admin", purpose: "første start", at: now)
                )
            } catch StoreError.userExists {
                created = false  // another instance starting at the same time created it
            }
            if !created {
            } else if configuration.initialAdminPassword == nil {
                print("Første login: brugernavn admin, engangsadgangskode \(password) (skal skiftes ved første login; vises ikke igen).")
            } else {
                print("Første login: brugernavn admin med adgangskoden fra OUTCOMES_ADMIN_PASSWORD (skal skiftes ved første login).")
            }
        }
        if configuration.loadsDemoData, try await store.deliveries().isEmpty {
            let files = DemoData.generate(commitment: commitment, seed: 2023, households: commitment.expectedHouseholds.value).mapValues { Data($0.utf8) }
            let receipt = try await store.importDelivery(
                files,
                commitment: commitment,
                receivedOn: today,
                audit: AuditEvent(actor: "system", action: "import-delivery", subject: "", purpose: "demodata ved første start", at: now)
            )
            // Another instance starting at the same time may have loaded it: then it seeds the rest.
            guard receipt.isNew else { return }
            print("Demodata indlæst som leverance \(receipt.number) (\(receipt.rowCount) rækker, frø 2023).")
            // The demo's enrolled households get the journaled decision they would have had (P 3.2.1).
            var journaled = 0
            let listed = try await store.households(in: nil).sorted { ($0.listPosition ?? .max, $0.id) < ($1.listPosition ?? .max, $1.id) }
            for household in listed where household.group == .treatment {
                guard let start = household.start else { continue }
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
            let approved = try await approveDemoHalfYears(store, commitment: commitment)
            print("Demodata: \(approved) halvår godkendt af projektlederen og DSI (SPEC §10).")
            let payments = try await recordDemoPayments(store, commitment: commitment, today: today, now: now)
            print("Demodata: \(payments) betalinger registreret (rater efter B3.2, tilbagebetalinger efter afregningerne).")
            let accounts = try await recordDemoAccounts(store, commitment: commitment, today: today, now: now)
            print("Demodata: regnskab registreret for \(accounts) afsluttede budgetår (B4.1).")
        }
    }

    /// SPEC §10 in the demo: every half-year whose payment has fallen due is proposed by the
    /// evaluator and approved by the project lead and DSI at a steering-group meeting today, as
    /// if the demo's history had been kept in Outcomes — so the demo's repayments match
    /// approved payment instructions.
    static func approveDemoHalfYears(_ store: SQLOutcomesStore, commitment: Commitment) async throws -> Int {
        let now = Date()
        let today = LocalDate.copenhagen(now)
        let service = OutcomesService(store: store, commitment: commitment, pseudonymizer: nil)
        try await store.recordMeeting(
            Meeting(heldOn: today, isAnnualMeeting: false, accountsReceivedOn: nil, minutes: "Demodata: halvårsopgørelserne forelagt og godkendt."),
            audit: AuditEvent(actor: "system", action: "record-meeting", subject: today.isoString, purpose: "demodata", at: timestamp())
        )
        let evaluator = Requester(user: UserAccount(username: "demodata", displayName: "Demodata", role: .evaluator), purpose: "demodata", now: now, channel: "demo")
        let approvers = service.approvers.compactMap(Role.init(storedForm:)).map {
            Requester(user: UserAccount(username: "demodata", displayName: "Demodata", role: $0), purpose: "demodata", now: now, channel: "demo")
        }
        var count = 0
        let start = commitment.interventionPeriod.value.start
        for period in HalfYear.span(from: start, through: today)
        where period.paymentDue(quartersAfter: commitment.reporting.paymentDueQuartersAfterPeriod.value) <= today {
            let record = try await service.proposeSettlement(evaluator, period: period)
            for approver in approvers {
                _ = try await service.approveSettlement(approver, period: period, hash: record.hash, meetingOn: today)
            }
            count += 1
        }
        return count
    }

    /// The demo's money as the agreement has it go: every installment due by today paid on its
    /// deadline (B3.2), and every settled half-year due by today repaid on its due date as the
    /// settlement splits it (T 5.1, B5.1 1.1) — so the finance page and T 5.3 have a ledger.
    static func recordDemoPayments(_ store: SQLOutcomesStore, commitment: Commitment, today: LocalDate, now: String) async throws -> Int {
        let audit = AuditEvent(actor: "system", action: "record-transfer", subject: "demodata", purpose: "demodata ved første start", at: now)
        var count = 0
        for installment in commitment.disbursementPlan.installments where installment.dueBy <= today {
            for (funder, amount) in installment.amounts.sorted(by: { $0.key < $1.key }) {
                // B3.2's note: LBF pays Boligselskabet BoligViborg, DSI the municipality.
                let recipient = commitment.disbursementPlan.recipients?.value[funder] ?? commitment.municipalityKey
                try await store.recordTransfer(
                    MoneyTransfer(
                        kind: .disbursement,
                        from: funder,
                        to: recipient,
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

    /// The demo's accounts (B4.1): for every budget year ended by today, what was spent on each
    /// intervention line — staff and rent as budgeted, the action learning at 95 % and mileage
    /// at 90 % — so the unused grant (T 4.3) and the absolute reduction (T 4.2 (ii)) have
    /// accounts to read, as a real year's would.
    static func recordDemoAccounts(_ store: SQLOutcomesStore, commitment: Commitment, today: LocalDate, now: String) async throws -> Int {
        let spentShare: [String: Ratio] = ["actionLearning": Ratio(95, 100), "mileage": Ratio(90, 100)]
        var years = 0
        for (index, year) in commitment.budget.years.enumerated() where LocalDate(year: year, month: 12, day: 31)! < today {
            for line in commitment.interventionLines {
                guard let budgeted = line.perYear?[index] else { continue }
                let spent = Money.rounded(budgeted.kroner * (spentShare[line.key] ?? .one))
                try await store.setBudgetActual(
                    BudgetActual(lineKey: line.key, year: year, amount: spent),
                    audit: AuditEvent(actor: "system", action: "set-budget-actual", subject: "\(line.key) \(year)", purpose: "demodata", at: now)
                )
            }
            years += 1
        }
        return years
    }

    /// 20 characters from an alphabet without look-alikes (about 115 bits).
    static func generatedPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
