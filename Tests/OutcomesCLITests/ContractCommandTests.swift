import ArgumentParser
import Foundation
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesReports
import OutcomesSpreadsheet
import Testing

@testable import OutcomesCLI

func parse<C: ParsableCommand>(_ type: C.Type, _ arguments: [String]) throws -> C {
    let command = try OutcomesCommand.parseAsRoot(arguments)
    return try #require(command as? C)
}

func temporaryFile(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("outcomes-test-\(UInt64.random(in: 0...UInt64.max)).yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite("outcomes contract show / validate")
struct ContractCommandTests {
    @Test("show prints the agreement in Danish with clauses")
    func show() throws {
        let text = try parse(ContractCommand.Show.self, ["contract", "show"]).output()
        #expect(text.contains("Relationel Velfærd"))
        #expect(text.contains("Den Sociale Investeringsfond S/I (tilskudsgiver), CVR-nr. 40056823"))
        #expect(text.contains("Indsatsperiode 1. november 2023 – 31. oktober 2026 (36 måneder)"))
        #expect(text.contains("Sats: 8.600 kr. pr. borger pr. måling"))
        #expect(text.contains("Loft: 1.400.000 kr.  [B5.1 2.6.3]"))
        #expect(text.contains("Kommunens samlede tilbagebetaling kan aldrig overstige 6.000.000 kr.  [T 5.2]"))
        #expect(text.contains("Forrentning 5,07 % p.a."))
        #expect(text.contains("Fortolkninger (SPEC §9)"))
        #expect(text.contains("[trancheShares]"))
    }

    @Test("validate --format json prints an array with the five keys")
    func validateJSON() throws {
        let output = try parse(ContractCommand.Validate.self, ["contract", "validate", "--format", "json"]).output()
        let array = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        #expect(array.count == 20)
        for object in array {
            #expect(Set(object.keys) == ["clause", "severity", "message", "stated", "computed"])
        }
        let decoded = try JSONDecoder().decode([Finding].self, from: Data(output.utf8))
        #expect(decoded == ContractValidator.validate(ContractFile.builtIn()))
        #expect(decoded.contains { $0.clause == "B3.2" && $0.severity == .error && $0.computed == "3912501.00" })
    }

    @Test("validate prints readable Danish text by default")
    func validateText() throws {
        let output = try parse(ContractCommand.Validate.self, ["contract", "validate"]).output()
        #expect(output.contains("20 fund: 8 fejl, 10 advarsel, 2 bemærkning"))
        #expect(output.contains("[fejl] B3.2: Udbetalingsplanens rater fra Den Sociale Investeringsfond S/I summerer til 3.912.501 kr."))
        #expect(output.contains("angivet: 3912500.00   beregnet: 3912501.00"))
    }

    @Test("--contract reads another file; an unusable file exits 1")
    func otherFile() throws {
        let good = try temporaryFile(ContractFile.builtInText.replacingOccurrences(of: "title: Relationel Velfærd", with: "title: Anden indsats"))
        defer { try? FileManager.default.removeItem(atPath: good) }
        #expect(try parse(ContractCommand.Show.self, ["contract", "show", "--contract", good]).output().hasPrefix("Anden indsats"))

        let bad = try temporaryFile(ContractFile.builtInText.replacingOccurrences(of: "rate: {amount: 42000,", with: "rate: {amount: -42000,"))
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let command = try parse(ContractCommand.Validate.self, ["contract", "validate", "--contract", bad])
        #expect(throws: ExitCode(1)) { try command.output() }
        #expect(throws: ExitCode(1)) {
            try parse(ContractCommand.Validate.self, ["contract", "validate", "--contract", "/nonexistent.yaml"]).output()
        }
    }

    @Test("An unknown format is a usage error")
    func badFormat() {
        #expect(throws: (any Error).self) { try OutcomesCommand.parseAsRoot(["contract", "validate", "--format", "xml"]) }
    }
}

@Suite("The outcomes executable")
struct ExecutableTests {
    /// The binary that `swift test` built next to the tests.
    static var binary: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/outcomes")
    }

    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test("Findings exit 0; an unusable file exits 1 naming file, line and field, with nothing on stdout")
    func exitCodes() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the executable first")
        let ok = try run(["contract", "validate", "--format", "json"])
        #expect(ok.status == 0)
        #expect(ok.stdout.hasPrefix("["))

        let (text, line) = (
            ContractFile.builtInText.replacingOccurrences(of: "kind: schoolAbsence", with: "kind: truancy"),
            ContractFile.builtInText.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("kind: schoolAbsence") }! + 1
        )
        let bad = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let failed = try run(["contract", "validate", "--contract", bad])
        #expect(failed.status == 1)
        #expect(failed.stdout.isEmpty)
        #expect(failed.stderr.hasPrefix("\(bad):\(line): paymentGoals[2].kind: ukendt mål 'truancy'"))
    }

    @Test("A rejected delivery exits 1 with every error on stderr and nothing on stdout")
    func rejectedDelivery() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the executable first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-bad-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "household_id,area,group,start_date\nH1,houlkaer,treatment,2024-02-30\nH1,nowhere,treatment,2024-03-01\n"
            .write(to: folder.appendingPathComponent("households.csv"), atomically: true, encoding: .utf8)
        let result = try run(["settle", "--data", folder.path, "--as-of", "2026-11-26"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("households.csv:2: start_date: '2024-02-30' er ikke en dato"))
        #expect(result.stderr.contains("households.csv:3: household_id: husstanden 'H1' findes allerede i filen (dubleret id)"))
        #expect(result.stderr.contains("households.csv:3: area: 'nowhere' er ikke en gyldig værdi"))

        let good = try run(["settle", "--data", SettleCommandTests.examples, "--as-of", "2026-11-26", "--format", "csv"])
        #expect(good.status == 0 && good.stdout.hasPrefix("\u{FEFF}mål;"))
        // Issue #17: the same settlement for Excel — a zip package with the half-years, the lines.
        let excel = try run(["settle", "--data", SettleCommandTests.examples, "--as-of", "2026-11-26", "--format", "xlsx"])
        #expect(excel.status == 0 && excel.stdout.hasPrefix("PK"))
        #expect(excel.stdout.contains("xl/worksheets/sheet1.xml") && excel.stdout.contains("xl/worksheets/sheet2.xml"))
    }

    @Test("settle --out writes what it would print, whole or not at all: a failure leaves the old file and no temporary one")
    func settleIntoFile() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the executable first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-out-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let settle = ["settle", "--data", SettleCommandTests.examples, "--as-of", "2026-11-26"]
        for format in ["json", "csv", "xlsx"] {
            let file = folder.appendingPathComponent("opgoerelse.\(format)")
            try Data("en ældre fil".utf8).write(to: file)
            let written = try run(settle + ["--format", format, "--out", file.path])
            #expect(written.status == 0 && written.stdout.isEmpty, "\(format)")
            let printed = try run(settle + ["--format", format])
            #expect(String(decoding: try Data(contentsOf: file), as: UTF8.self) == printed.stdout, "\(format): the file holds what stdout gets")
        }
        let workbook = try XLSXReader.sheets(try Data(contentsOf: folder.appendingPathComponent("opgoerelse.xlsx")))
        #expect(workbook.map(\.name).prefix(2) == ["Pr. halvår og mål", "Linjer"])

        // A rejected delivery: exit 1, the older file untouched, nothing left behind.
        let bad = folder.appendingPathComponent("bad")
        try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
        try "household_id,area,group,start_date\nH1,houlkaer,treatment,2024-02-30\n".write(to: bad.appendingPathComponent("households.csv"), atomically: true, encoding: .utf8)
        let kept = folder.appendingPathComponent("opgoerelse.csv")
        let before = try Data(contentsOf: kept)
        let rejected = try run(["settle", "--data", bad.path, "--as-of", "2026-11-26", "--format", "csv", "--out", kept.path])
        #expect(rejected.status == 1)
        #expect(try Data(contentsOf: kept) == before)
        // A folder that does not exist: a Danish reason naming it.
        let nowhere = try run(settle + ["--format", "xlsx", "--out", folder.appendingPathComponent("mangler/x.xlsx").path])
        #expect(nowhere.status == 1)
        #expect(nowhere.stderr.contains("Kunne ikke skrive \(folder.path)/mangler/x.xlsx: mappen \(folder.path)/mangler findes ikke"))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(left.isEmpty, "no temporary file left: \(left)")
    }

    @Test("import keeps a delivery; settle --database prints byte for byte what settle --data prints")
    func importAndSettleFromDatabase() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the executable first")
        let database = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-cli-\(UInt64.random(in: 0...UInt64.max))/store.sqlite")
            .path
        let empty = try run(["settle", "--database", database, "--as-of", "2026-11-26"])
        #expect(empty.status == 1 && empty.stderr.contains("har ingen leverancer endnu: importér en med 'outcomes import'"), "\(empty.stderr)")
        let imported = try run(["import", "--data", SettleCommandTests.examples, "--database", database, "--received-on", "2026-11-26"])
        #expect(imported.status == 0 && imported.stdout.hasPrefix("Leverance 1 gemt"))
        let again = try run(["import", "--data", SettleCommandTests.examples, "--database", database])
        #expect(again.status == 0 && again.stdout.contains("findes allerede som nr. 1"))
        let fromFolder = try run(["settle", "--data", SettleCommandTests.examples, "--as-of", "2026-11-26"])
        let fromStore = try run(["settle", "--database", database, "--as-of", "2026-11-26"])
        #expect(fromStore.status == 0)
        #expect(fromStore.stdout == fromFolder.stdout)
        let verified = try run(["audit", "verify", "--database", database])
        #expect(verified.status == 0 && verified.stdout.contains("intakt: 2 poster"))  // the import and the read
        // Issue #19: the forecast on the database's records is the forecast on the same folder.
        let forecastArguments = ["forecast", "--as-of", "2026-11-26", "--runs", "2000", "--format", "json"]
        let forecastStored = try run(forecastArguments + ["--database", database])
        #expect(forecastStored.status == 0, "\(forecastStored.stderr)")
        #expect(forecastStored.stdout == (try run(forecastArguments + ["--data", SettleCommandTests.examples])).stdout)
        #expect(forecastStored.stdout.contains("\"settledPeriods\": 6,"))
    }

    @Test("issue #18: a second agreement in the same database; --agreement selects it, the default stays Viborg")
    func secondAgreementByID() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the executable first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-cli-\(UInt64.random(in: 0...UInt64.max))")
        let database = folder.appendingPathComponent("store.sqlite").path
        let aarhusFile = URL(fileURLWithPath: SettleCommandTests.examples).deletingLastPathComponent().appendingPathComponent("aarhus/aftale.yaml").path
        let aarhusData = folder.appendingPathComponent("aarhus").path
        #expect(try run(["demo-data", "--contract", aarhusFile, "--seed", "5", "--out", aarhusData]).status == 0)
        let viborgImport = try run(["import", "--data", SettleCommandTests.examples, "--database", database, "--received-on", "2026-11-26"])
        #expect(viborgImport.status == 0, "\(viborgImport.stderr)")
        let aarhusImport = try run(["import", "--contract", aarhusFile, "--data", aarhusData, "--database", database, "--received-on", "2026-11-26"])
        #expect(aarhusImport.status == 0, "\(aarhusImport.stderr)")
        // Each agreement settles its own delivery, as from its folder.
        let aarhusStored = try run(["settle", "--database", database, "--agreement", "aarhus-staerke-familier", "--as-of", "2028-12-31", "--format", "json"])
        let aarhusFolder = try run(["settle", "--data", aarhusData, "--contract", aarhusFile, "--as-of", "2028-12-31", "--format", "json"])
        #expect(aarhusStored.status == 0, "\(aarhusStored.stderr)")
        #expect(aarhusStored.stdout == aarhusFolder.stdout)
        let viborgStored = try run(["settle", "--database", database, "--as-of", "2026-11-26"])
        #expect(viborgStored.stdout == (try run(["settle", "--data", SettleCommandTests.examples, "--as-of", "2026-11-26"])).stdout)
        let unknown = try run(["settle", "--database", database, "--agreement", "ingen-aftale", "--as-of", "2026-11-26"])
        #expect(unknown.status == 1 && unknown.stderr.contains("aftalen 'ingen-aftale' findes ikke i databasen; den har: aarhus-staerke-familier"))
        let mismatch = try run(["settle", "--database", database, "--agreement", "viborg-relationel-velfaerd", "--contract", aarhusFile, "--as-of", "2026-11-26"])
        #expect(mismatch.status == 1 && mismatch.stderr.contains("--contract er aftalen 'aarhus-staerke-familier'"))
    }
}

@Suite("outcomes settle / demo-data")
struct SettleCommandTests {
    static var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/viborg-demo").path
    }

    @Test("The committed example delivery is what demo-data writes for seed 2023")
    func exampleIsReproducible() throws {
        let generated = DemoData.generate(commitment: ContractFile.builtIn(), seed: 2023, households: 180)
        for (name, text) in generated {
            let committed = try String(contentsOfFile: Self.examples + "/" + name, encoding: .utf8)
            #expect(committed == text, "\(name) differs from demo-data --seed 2023")
        }
    }

    @Test("settle prints JSON by default, a table or CSV on request")
    func formats() async throws {
        func output(_ format: String) async throws -> String {
            let command = try parse(SettleCommand.self, ["settle", "--data", Self.examples, "--as-of", "2026-11-26", "--format", format])
            let (commitment, settlement) = try await command.load()
            return ByteWriter.string { command.write(settlement, commitment: commitment, to: &$0, warn: { _ in }) }
        }
        let json = try await output("json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["asOf"] as? String == "2026-11-26")
        #expect((object["lines"] as? [Any])?.isEmpty == false)
        #expect(try await output("table").contains("Betalingsopgørelse"))
        #expect(try await output("csv").hasPrefix("\u{FEFF}mål;"))
    }

    @Test("A bad --as-of, or neither or both of --data and --database, is a usage error")
    func badArguments() {
        #expect(throws: (any Error).self) {
            try OutcomesCommand.parseAsRoot(["settle", "--data", Self.examples, "--as-of", "26-11-2026"])
        }
        #expect(throws: (any Error).self) { try OutcomesCommand.parseAsRoot(["settle", "--as-of", "2026-11-26"]) }
        #expect(throws: (any Error).self) {
            try OutcomesCommand.parseAsRoot(["settle", "--data", Self.examples, "--database", "x.sqlite", "--as-of", "2026-11-26"])
        }
    }
}
