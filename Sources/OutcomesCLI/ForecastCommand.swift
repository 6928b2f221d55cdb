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
        case .json: print(ForecastCommand.json(result, commitment))
        case .text: print(ForecastCommand.text(result, commitment), terminator: "")
        }
    }

    static func share(_ ratio: Ratio) -> String { Percent(roundedShare: ratio).danishString }

    /// JSON for a rate: the fraction rounded to six decimals, or null.
    static func rateValue(_ rate: Double?) -> Any {
        guard let rate, rate.isFinite else { return NSNull() }
        return (rate * 1_000_000).rounded() / 1_000_000
    }

    static func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }

    static func text(_ result: ForecastModel.Result, _ commitment: Commitment) -> String {
        // The agreement's own short names for the funders: DSI, LBF.
        func name(_ party: PartyKey) -> String { party.rawValue.uppercased() }
        var out = "Prognose: \(result.runs.danishString) kørsler, frø \(result.seed)\n\n"
        out += pad("Mål", 30) + "forventet        gennemsnit       5 %              50 %             95 %             loft rammer\n"
        for (index, number) in result.goalNumbers.enumerated() {
            let d = result.payables[index]
            let columns = [result.expected.payables[index], d.mean, d.p5, d.p50, d.p95].map { pad($0.danishShortString, 17) }
            out +=
                pad("\(number). \(commitment.goal(number: number)?.name ?? "")", 30) + columns.joined()
                + (result.capBinds[index].map { share($0) } ?? "–") + "\n"
        }
        let t = result.total
        out +=
            pad("I alt", 30) + [result.expected.total, t.mean, t.p5, t.p50, t.p95].map { pad($0.danishShortString, 17) }.joined()
            + "afkastloftet rammer i \(share(result.returnCapBinds))\n"

        out += "\nTilbagebetaling til fondene (B5.1 1.1) og deres afkast (XIRR af udbetalinger mod tilbagebetalinger)\n"
        out += pad("Fond", 30) + "forventet        gennemsnit       5 %              50 %             95 %\n"
        for (f, party) in result.funders.enumerated() {
            let d = result.received[f]
            out +=
                pad(name(party), 30)
                + [result.expected.received[f], d.mean, d.p5, d.p50, d.p95].map { pad($0.danishShortString, 17) }.joined() + "\n"
            let r = result.irr[f]
            out += pad("  afkast", 30) + [result.expected.irr[f], r.mean, r.p5, r.p50, r.p95].map { pad($0.danishPercentString, 17) }.joined() + "\n"
        }

        out += "\nForventede tilbagebetalinger pr. halvår (forfald: sidste dag i kvartalet efter halvåret)\n"
        let funders = result.funders.map { "til \(name($0))" }
        out +=
            pad("Halvår", 16) + pad("forfald", 12) + pad("forventet", 17) + funders.map { pad($0, 17) }.joined()
            + "gennemsnit af kørslerne\n"
        for (p, period) in result.expected.periods.enumerated() {
            out +=
                pad(period.period.danishLabel, 16) + pad(period.due.danishString, 12) + pad(period.total.danishShortString, 17)
                + period.recipients.map { pad($0.danishShortString, 17) }.joined() + result.periodTotals[p].danishShortString + "\n"
        }
        out += commitment.interpretationNotes(for: .forecast).danishText
        return out.split(separator: "\n", omittingEmptySubsequences: false).map { $0.replacing(/\ +$/, with: "") }.joined(separator: "\n")
    }

    static func json(_ result: ForecastModel.Result, _ commitment: Commitment) -> String {
        func distribution(_ d: ForecastModel.Distribution) -> [String: String] {
            ["mean": d.mean.machineString, "p5": d.p5.machineString, "p50": d.p50.machineString, "p95": d.p95.machineString]
        }
        func rates(_ d: ForecastModel.RateDistribution) -> [String: Any] {
            ["mean": rateValue(d.mean), "p5": rateValue(d.p5), "p50": rateValue(d.p50), "p95": rateValue(d.p95), "missing": d.missing]
        }
        func to(_ party: PartyKey) -> String { "to" + party.rawValue.uppercased() }
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
        var expectedFunders: [String: Any] = [:]
        var funders: [String: Any] = [:]
        for (f, party) in result.funders.enumerated() {
            expectedFunders[party.rawValue] = ["received": result.expected.received[f].machineString, "irr": rateValue(result.expected.irr[f])]
            funders[party.rawValue] = ["received": distribution(result.received[f]), "irr": rates(result.irr[f])] as [String: Any]
        }
        let expectedPeriods: [[String: Any]] = result.expected.periods.map { period in
            var object: [String: Any] = [
                "period": period.period.label, "due": period.due.isoString,
                "goals": Dictionary(
                    uniqueKeysWithValues: result.goalNumbers.enumerated().map { g, number in
                        (String(number), ["amount": period.amounts[g].machineString, "payable": period.payables[g].machineString])
                    }
                ),
                "capReduction": period.capReduction.machineString, "total": period.total.machineString,
            ]
            for (f, party) in result.funders.enumerated() { object[to(party)] = period.recipients[f].machineString }
            return object
        }
        let meanPeriods: [[String: Any]] = result.periods.indices.map { p in
            var object: [String: Any] = [
                "period": result.periods[p].label, "due": result.dues[p].isoString, "total": result.periodTotals[p].machineString,
            ]
            // Issue #19: the half-year's spread over the runs (the fan chart's).
            if p < result.periodDistributions.count {
                let d = result.periodDistributions[p]
                object["p5"] = d.p5.machineString
                object["p50"] = d.p50.machineString
                object["p95"] = d.p95.machineString
            }
            for (f, party) in result.funders.enumerated() { object[to(party)] = result.periodRecipients[p][f].machineString }
            return object
        }
        let object: [String: Any] = [
            "runs": result.runs, "seed": result.seed,
            "expected": [
                "goals": expectedGoals, "total": result.expected.total.machineString,
                "capReduction": result.expected.capReduction.machineString, "funders": expectedFunders, "periods": expectedPeriods,
            ],
            "goals": goals,
            "total": distribution(result.total),
            "returnCapBinds": result.returnCapBinds.doubleValue,
            "funders": funders,
            "periods": meanPeriods,
            "interpretations": commitment.interpretationNotes(for: .forecast).dictionaries,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
