import Foundation
import OutcomesAnalysis
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesReports

/// `outcomes-benchmark DIR [AS-OF] [JSON-OUT]`: times import, settlement and the JSON
/// written to a file, and reports peak memory (docs/benchmarks.md). `outcomes-benchmark
/// forecast [RUNS]` times the forecast's Monte-Carlo runs (100.000 by default);
/// `outcomes-benchmark forecast-conditioned [RUNS] [AS-OF]` the same conditioned on a
/// 180-household demo delivery as of a date (issue #19). Not a test: run it on a release build.
@main
enum Benchmark {
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func peakMegabytes() -> Double {
        var usage = rusage()
        getrusage(0, &usage)  // RUSAGE_SELF
        return Double(usage.ru_maxrss) / 1024
    }

    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "forecast-conditioned" {
            let runs = arguments.dropFirst().first.flatMap { Int($0) } ?? 100_000
            let asOf = arguments.dropFirst(2).first.flatMap { LocalDate(iso: $0) } ?? LocalDate(iso: "2025-12-31")!
            let commitment = ContractFile.builtIn()
            let files = DemoData.generate(commitment: commitment, seed: 2023, households: 180).mapValues { Data($0.utf8) }
            let delivery = try DeliveryImporter.importFiles(files, commitment: commitment).delivery
            // The whole of it: the settlement, the counts per rate, the model and the runs.
            let t0 = now()
            let evidence = ForecastEvidence(AgreementHistory(single: commitment), households: delivery.households, delivery: delivery, asOf: asOf)
            let t1 = now()
            let model = ForecastModel(commitment, evidence: evidence)
            let result = model.run(runs, seed: 2023)
            let t2 = now()
            print(
                String(
                    format: "forecast conditioned on %d households as of %@: %d runs %.3f s (evidence %.3f s, model and runs %.3f s; %d binomial draws a run, %d half-years settled; known %@ kr., mean total %@ kr.)",
                    evidence.courses.count,
                    asOf.isoString,
                    runs,
                    t2 - t0,
                    t1 - t0,
                    t2 - t1,
                    model.drawCount,
                    model.settledPeriods,
                    result.known.machineString,
                    result.total.mean.machineString
                )
            )
            return
        }
        if arguments.first == "forecast" {
            let runs = arguments.dropFirst().first.flatMap { Int($0) } ?? 100_000
            let model = ForecastModel(ContractFile.builtIn())
            let t0 = now()
            let result = model.run(runs, seed: 2023)
            let t1 = now()
            print(
                String(
                    format: "forecast %d runs %.3f s (%d binomial draws and %d half-years a run; mean total %@ kr., DSI's median XIRR %.4f)",
                    runs,
                    t1 - t0,
                    model.drawCount,
                    model.periods.count,
                    result.total.mean.machineString,
                    result.irr[0].p50
                )
            )
            return
        }
        guard let folder = arguments.first else {
            print("usage: outcomes-benchmark DIR [AS-OF] [JSON-OUT]")
            exit(2)
        }
        let asOf = LocalDate(iso: arguments.dropFirst().first ?? "2028-12-31")!
        let output = arguments.dropFirst(2).first ?? "/tmp/outcomes-benchmark.json"
        let commitment = ContractFile.builtIn()

        let t0 = now()
        let imported = try DeliveryImporter.importFolder(folder, commitment: commitment)
        let t1 = now()
        let settlement = SettlementEngine.settle(commitment, delivery: imported.delivery, asOf: asOf)
        let t2 = now()
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        var writer = ByteWriter { handle.write(Data($0)) }
        SettlementJSON.write(settlement, to: &writer)
        writer.flush()
        try handle.close()
        let t3 = now()
        let d = imported.delivery
        let rows =
            d.households.count + d.persons.count + d.employment.count + d.socialMeasures.count
            + d.lifeSatisfaction.count + d.actionPlanGoals.count + d.schoolAbsence.count
        print("rows            \(rows)")
        print("lines           \(settlement.lines.count)")
        print(String(format: "import          %.3f s", t1 - t0))
        print(String(format: "settlement      %.3f s", t2 - t1))
        print(String(format: "import+settle   %.3f s", t2 - t0))
        print(String(format: "json to file    %.3f s", t3 - t2))
        print(String(format: "whole run       %.3f s", t3 - t0))
        print(String(format: "peak memory     %.0f MB", peakMegabytes()))
    }
}
