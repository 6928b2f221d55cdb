public import ArgumentParser
import Foundation
import OutcomesAnalysis
import OutcomesCore

/// `outcomes forecast`: the Monte-Carlo model of the agreement (SPEC §7, issue #7).
public struct ForecastCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Prognose for betalingerne: forventet forløb og Monte Carlo ud fra aftalens egne forventninger."
    )

    @OptionGroup public var options: ContractCommand.ContractOption
    @Option(name: .long, help: "Antal kørsler (standard 100.000).") public var runs = 100_000
    @Option(name: .long, help: "Frø: samme frø giver samme resultat.") public var seed: UInt64 = 2023
    @Option(name: .long, help: "text eller json.") public var format: OutputFormat = .text

    public init() {}

    public func validate() throws {
        guard (1...10_000_000).contains(runs) else { throw ValidationError("--runs skal være mellem 1 og 10.000.000") }
    }

    public func run() async throws {
        let commitment = try options.load()
        let result = ForecastModel(commitment).run(runs, seed: seed)
        switch format {
        case .json: print(ForecastCommand.json(result))
        case .text: print(ForecastCommand.text(result, commitment), terminator: "")
        }
    }

    static func share(_ ratio: Ratio) -> String { Percent(Ratio(ratio.rounded(toScale: 3), 10)).danishString }

    static func text(_ result: ForecastModel.Result, _ commitment: Commitment) -> String {
        var out = "Prognose: \(result.runs.danishString) kørsler, frø \(result.seed)\n\n"
        out +=
            "Mål".padding(toLength: 30, withPad: " ", startingAt: 0)
            + "forventet        gennemsnit       5 %              50 %             95 %             loft rammer\n"
        for (index, number) in result.goalNumbers.enumerated() {
            let name = "\(number). \(commitment.goal(number: number)?.name ?? "")".padding(toLength: 30, withPad: " ", startingAt: 0)
            let d = result.payables[index]
            let columns = [result.expected.payables[index], d.mean, d.p5, d.p50, d.p95].map {
                $0.danishShortString.padding(toLength: 17, withPad: " ", startingAt: 0)
            }
            out += name + columns.joined() + (result.capBinds[index].map { share($0) } ?? "–") + "\n"
        }
        let t = result.total
        out +=
            "I alt".padding(toLength: 30, withPad: " ", startingAt: 0)
            + [result.expected.total, t.mean, t.p5, t.p50, t.p95].map { $0.danishShortString.padding(toLength: 17, withPad: " ", startingAt: 0) }
            .joined()
            + "afkastloftet rammer i \(share(result.returnCapBinds))\n"
        return out
    }

    static func json(_ result: ForecastModel.Result) -> String {
        func distribution(_ d: ForecastModel.Distribution) -> [String: String] {
            ["mean": d.mean.machineString, "p5": d.p5.machineString, "p50": d.p50.machineString, "p95": d.p95.machineString]
        }
        var expectedGoals: [String: Any] = [:]
        var goals: [String: Any] = [:]
        for (index, number) in result.goalNumbers.enumerated() {
            expectedGoals[String(number)] = [
                "amount": result.expected.amounts[index].machineString, "payable": result.expected.payables[index].machineString,
            ]
            goals[String(number)] =
                [
                    "amount": distribution(result.amounts[index]), "payable": distribution(result.payables[index]),
                    "capBinds": result.capBinds[index].map { $0.doubleValue } ?? NSNull(),
                ] as [String: Any]
        }
        let object: [String: Any] = [
            "runs": result.runs, "seed": result.seed,
            "expected": [
                "goals": expectedGoals, "total": result.expected.total.machineString, "capReduction": result.expected.capReduction.machineString,
            ],
            "goals": goals,
            "total": distribution(result.total),
            "returnCapBinds": result.returnCapBinds.doubleValue,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
