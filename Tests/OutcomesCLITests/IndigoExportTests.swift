import Foundation
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesStore
import OutcomesTestSupport
import Testing

/// The INDIGO export validated against the standard's own JSON schemas (../shared/indigo, as
/// published in INDIGO-Initiative/indigo-data-standard) with a draft-07 validator (Python's
/// jsonschema), and its references and sums checked against the agreement and the store.
@Suite("outcomes export indigo: the project in the INDIGO impact-bond data standard")
struct IndigoExportTests {
    let executable = ExecutableTests()

    /// ../shared/indigo beside the checkout (CI clones with ../shared beside it), or
    /// OUTCOMES_INDIGO_SCHEMA.
    static var schemaFolder: URL {
        if let folder = ProcessInfo.processInfo.environment["OUTCOMES_INDIGO_SCHEMA"] { return URL(fileURLWithPath: folder) }
        return ExecutableTests.binary.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/indigo")
    }

    /// Validates `project.data` against project.json and each organisation's `data` against
    /// organisation.json (Draft 7, every error listed), and country codes against countries.csv.
    static let validator = """
        import json, sys, csv
        import jsonschema
        document = json.load(open(sys.argv[1]))
        folder = sys.argv[2]
        project = json.load(open(folder + "/project.json"))
        organisation = json.load(open(folder + "/organisation.json"))
        countries = {row[0] for row in csv.reader(open(folder + "/countries.csv"))}
        errors = []
        for error in jsonschema.Draft7Validator(project).iter_errors(document["project"]["data"]):
            errors.append("project: " + "/".join(map(str, error.path)) + ": " + error.message)
        for org in document["organisations"]:
            for error in jsonschema.Draft7Validator(organisation).iter_errors(org["data"]):
                errors.append(org["id"] + ": " + "/".join(map(str, error.path)) + ": " + error.message)
            if org["data"]["country"]["value"] not in countries:
                errors.append(org["id"] + ": unknown country")
        if document["project"]["data"]["jurisdiction"]["jurisdiction"]["value"] not in countries:
            errors.append("project: unknown jurisdiction")
        print("\\n".join(errors) if errors else "valid")
        sys.exit(1 if errors else 0)
        """

    func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("the export of the demo store with payments validates against the schemas; ids, references and sums hold")
    func export() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indigo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("store.sqlite").path
        let demo = folder.appendingPathComponent("demo").path
        #expect(try executable.run(["demo-data", "--seed", "2023", "--out", demo]).status == 0)
        let imported = try executable.run(["import", "--data", demo, "--database", database, "--received-on", "2026-11-01"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let store = try await SQLOutcomesStore.open(url: database)
        try await store.recordTransfers([
            (.disbursement, "dsi", "kommune", "2023-11-30", 1_304_167), (.disbursement, "lbf", "kommune", "2023-11-30", 454_167),
            (.repayment, "kommune", "dsi", "2025-09-30", 300_000), (.repayment, "kommune", "lbf", "2025-09-30", 100_000),
            (.unusedGrantRepayment, "kommune", "dsi", "2025-06-15", 12_345),
        ])
        let delivery = try #require(try await store.currentDelivery()).delivery
        try await store.close()

        let output = folder.appendingPathComponent("indigo.json").path
        let result = try executable.run(["export", "indigo", "--as-of", "2026-11-27", "--database", database, "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty, "written to the file")
        #expect(result.stderr.contains("Landsbyggefonden har intet CVR-nummer"), "a party without a CVR number is named")

        // 1. The standard's schemas.
        let schemas = Self.schemaFolder
        try #require(
            FileManager.default.fileExists(atPath: schemas.appendingPathComponent("project.json").path),
            "the INDIGO schema is expected at \(schemas.path) (../shared/indigo or OUTCOMES_INDIGO_SCHEMA)"
        )
        let validation = try python(["-c", Self.validator, output, schemas.path])
        #expect(validation.status == 0, "\(validation.output)")
        #expect(validation.output.contains("valid"))

        // 2. Ids, references and sums.
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let project = try #require(document["project"] as? [String: Any])
        #expect(project["id"] as? String == "INDIGO-POJ-0314")
        let data = try #require(project["data"] as? [String: Any])
        let organisations = try #require(document["organisations"] as? [[String: Any]])
        let ids = Set(organisations.compactMap { $0["id"] as? String })
        #expect(ids.isSuperset(of: ["DK-CVR-40056823", "DK-CVR-29189846", "DK-CVR-41513918"]))
        func value(_ object: Any?) -> String? { (object as? [String: Any])?["value"] as? String }
        func amount(_ row: [String: Any]) -> Money {
            let money = row["money"] as? [String: Any]
            let number = (money?["amount"] as? [String: Any])?["value"] as? NSNumber
            return Money(minorUnits: Int64((number?.doubleValue ?? 0) * 100 + ((number?.doubleValue ?? 0) < 0 ? -0.5 : 0.5)))
        }
        let metrics = Set((data["outcome_metrics"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        #expect(metrics == ["goal-1", "goal-2", "goal-3", "goal-4", "goal-5"])
        let plans = Set((data["outcome_payment_plans"] as? [[String: Any]] ?? []).compactMap { value($0["id"]) })
        let payments = try #require(data["outcome_payments"] as? [[String: Any]])
        for payment in payments {
            #expect(ids.contains(value(payment["payer_organisation_id"]) ?? ""))
            #expect(plans.contains(value(payment["outcome_payment_plan_id"]) ?? ""))
            if let metric = value(payment["outcome_metric_id"]) { #expect(metrics.contains(metric)) }
        }
        for key in ["outcome_payment_commitments", "investments", "service_provisions"] {
            for row in data[key] as? [[String: Any]] ?? [] { #expect(ids.contains(value(row["organisation_id"]) ?? ""), "\(key)") }
        }
        let pricings = try #require(data["outcome_pricings"] as? [[String: Any]])
        #expect(pricings.allSatisfy { metrics.contains(value($0["outcome_metric_id"]) ?? "") })
        // Planned: the forecast's expected case, 6.250.000 kr. in all (the return cap and goal 4's cap).
        let planned = payments.filter { value($0["type"]) == "Planned" }
        #expect(Money.sum(planned.map(amount)) == Money(kroner: 6_250_000))
        // Actual: the settlement's closed half-years as of the date.
        let settlement = SettlementEngine.settle(ContractFile.builtIn(), delivery: delivery, asOf: LocalDate(iso: "2026-11-27")!)
        let closed = Money.sum(settlement.periods.filter(\.isClosed).map(\.total))
        #expect(Money.sum(payments.filter { value($0["type"]) == "Actual" }.map(amount)) == closed)
        #expect(!closed.isZero)
        // Transactions: the donation and the five transfers, typed, between known organisations.
        let transactions = try #require(data["transactions"] as? [[String: Any]])
        #expect(transactions.count == 6)
        #expect(
            transactions.map { value($0["transaction_type"]) ?? "" }.sorted() == [
                "Grant", "Grant", "Grant", "Other", "Outcome Payment", "Outcome Payment",
            ]
        )
        for row in transactions {
            #expect(ids.contains(value(row["sending_organisation_id"]) ?? "") && ids.contains(value(row["receiving_organisation_id"]) ?? ""))
        }
        #expect(Money.sum(transactions.filter { value($0["transaction_type"]) == "Outcome Payment" }.map(amount)) == Money(kroner: 400_000))
        #expect(value(data["stage_development"]) == "Service delivery complete")
    }

    @Test("an agreement without an INDIGO id and no --project is refused, with nothing written")
    func noProject() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indigo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let contract = folder.appendingPathComponent("contract.yaml")
        try ContractFile.builtInText.replacingOccurrences(of: "indigoProject: INDIGO-POJ-0314\n", with: "").write(
            to: contract,
            atomically: true,
            encoding: .utf8
        )
        let output = folder.appendingPathComponent("indigo.json").path
        let result = try executable.run([
            "export", "indigo", "--contract", contract.path, "--as-of", "2026-11-27", "--database", folder.appendingPathComponent("s.sqlite").path,
            "--output", output,
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("indigoProject"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
