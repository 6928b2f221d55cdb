public import ArgumentParser
import Foundation
import OutcomesAnalysis
import OutcomesApplication
import OutcomesCore
import OutcomesDelivery
import OutcomesReports

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
    @Option(name: .long, help: "Betinget af det, databasen kender: visiterede husstande, den seneste leverance, godkendte halvår.")
    public var database: String?
    @Option(name: .long, help: "Betinget af leverancen i denne mappe (kræver --as-of).") public var data: String?
    @Option(name: .customLong("as-of"), help: "Datoen resultaterne kendes til (ÅÅÅÅ-MM-DD); med --database standard i dag.")
    public var asOf: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Et scenarie mod prognosen; kan gentages. Ændringer adskilt af '+': enrolment-stop=N, rate-factor=MÅL:FAKTOR, later-start=MÅNEDER, new-rate=MÅL:KRONER@ÅÅÅÅ-MM-DD.",
            valueName: "scenarie"
        )
    )
    public var scenario: [String] = []

    public init() {}

    public func validate() throws {
        guard (1...10_000_000).contains(runs) else { throw ValidationError("--runs skal være mellem 1 og 10.000.000") }
        if let asOf, LocalDate(iso: asOf).map({ InputRules.years.contains($0.year) }) != true {
            throw ValidationError("--as-of '\(asOf)' er ikke en dato (ÅÅÅÅ-MM-DD)")
        }
        guard data == nil || database == nil else { throw ValidationError("angiv enten --data eller --database, ikke begge") }
        guard data == nil || asOf != nil else { throw ValidationError("--data kræver --as-of: datoen resultaterne kendes til") }
        guard asOf == nil || data != nil || database != nil else { throw ValidationError("--as-of kræver --data eller --database") }
        guard scenario.count <= 10 else { throw ValidationError("højst 10 scenarier ad gangen") }
    }

    public func run() async throws {
        let commitment = try await options.resolve(database: database)
        let goals = commitment.paymentGoals.map(\.number).sorted()
        var scenarios: [ForecastScenario] = []
        for text in scenario {
            do {
                scenarios.append(try ForecastScenario.parse(text, goals: goals))
            } catch {
                printError("--scenario '\(InputRules.visible(text))': \(error.description)")
                throw ExitCode(1)
            }
        }
        let evidence = try await evidence(commitment)
        let report = ForecastReport.run(commitment, evidence: evidence, scenarios: scenarios, runs: runs, seed: seed)
        switch format {
        case .json: print(report.json(commitment).text)
        case .text: print(ForecastCommand.text(report, commitment), terminator: "")
        }
    }

    /// Issue #19 (2): what the forecast conditions on — the database's records or a delivery's
    /// folder as of the date; nothing without either.
    func evidence(_ commitment: Commitment) async throws -> ForecastEvidence? {
        let day = asOf.flatMap { LocalDate(iso: $0) } ?? LocalDate.today()
        if let database {
            return try await withService(database, commitment: commitment, purpose: "prognose") { service, requester in
                try await service.forecastEvidence(requester, asOf: day)
            }
        }
        guard let data else { return nil }
        do {
            let delivery = try DeliveryImporter.importFolder(data, commitment: commitment).delivery
            return ForecastEvidence(AgreementHistory(single: commitment), households: delivery.households, delivery: delivery, asOf: day)
        } catch {
            printError("Leverancen \(data) er afvist (\(error.issues.count) fejl):\n\(error.description)")
            throw ExitCode(1)
        }
    }

    static func share(_ ratio: Ratio) -> String { Percent(roundedShare: ratio).danishString }

    static func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }

    static func text(_ report: ForecastReport, _ commitment: Commitment) -> String {
        let result = report.forecast
        // The agreement's own short names for the funders: DSI, LBF.
        func name(_ party: PartyKey) -> String { party.rawValue.uppercased() }
        var out = "Prognose: \(result.runs.danishString) kørsler, frø \(result.seed)\n"
        if let asOf = result.resultsAsOf ?? result.asOf {
            out += "Betinget af det kendte pr. \(asOf.danishString): \(result.settledPeriods) afregnede halvår med \(result.known.danishShortString) ligger fast"
            out += " (\(share(result.knownShare)) af gennemsnittet i alt).\n"
        }
        out += "\n"
        let agreed = report.base.expected
        out += pad("Mål", 30) + "efter aftalen    gennemsnit       5 %              50 %             95 %             loft rammer\n"
        for (index, number) in result.goalNumbers.enumerated() {
            let d = result.payables[index]
            let columns = [agreed.payables[index], d.mean, d.p5, d.p50, d.p95].map { pad($0.danishShortString, 17) }
            out +=
                pad("\(number). \(commitment.goal(number: number)?.name ?? "")", 30) + columns.joined()
                + (result.capBinds[index].map { share($0) } ?? "–") + "\n"
        }
        let t = result.total
        out +=
            pad("I alt", 30) + [agreed.total, t.mean, t.p5, t.p50, t.p95].map { pad($0.danishShortString, 17) }.joined()
            + "afkastloftet rammer i \(share(result.returnCapBinds))\n"

        out += "\nTilbagebetaling til fondene (B5.1 1.1) og deres afkast (XIRR af udbetalinger mod tilbagebetalinger)\n"
        out += pad("Fond", 30) + "efter aftalen    gennemsnit       5 %              50 %             95 %\n"
        for (f, party) in result.funders.enumerated() {
            let d = result.received[f]
            out +=
                pad(name(party), 30)
                + [agreed.received[f], d.mean, d.p5, d.p50, d.p95].map { pad($0.danishShortString, 17) }.joined() + "\n"
            let r = result.irr[f]
            out += pad("  afkast", 30) + [agreed.irr[f], r.mean, r.p5, r.p50, r.p95].map { pad($0.danishPercentString, 17) }.joined() + "\n"
        }

        out += "\nForventede tilbagebetalinger pr. halvår (forfald: sidste dag i kvartalet efter halvåret)\n"
        let funders = result.funders.map { "til \(name($0))" }
        out +=
            pad("Halvår", 16) + pad("forfald", 12) + pad("forventet", 17) + funders.map { pad($0, 17) }.joined()
            + "gennemsnit af kørslerne\n"
        for (p, period) in result.expected.periods.enumerated() {
            out +=
                pad(period.period.danishLabel, 16) + pad(period.due.danishString, 12) + pad(period.total.danishShortString, 17)
                + period.recipients.map { pad($0.danishShortString, 17) }.joined() + pad(result.periodTotals[p].danishShortString, 17)
                + (p < result.settledPeriods ? "afregnet" : "") + "\n"
        }
        // Issue #19 (2): what each rate learned from the delivered results.
        let learned = result.learned.filter { $0.trials > 0 }
        if result.asOf != nil {
            out += "\nSuccesraterne efter de leverede resultater (aftalens forventning vejer som \(commitment.interpretations.forecastPriorStrength.choice) observationer)\n"
            if learned.isEmpty { out += "  ingen leverede resultater endnu\n" }
            for rate in learned {
                out +=
                    "  mål \(rate.goal)\(rate.label.map { ", \($0)" } ?? ""): forventet \(share(rate.prior)), leveret \(rate.successes) af \(rate.trials), nu \(share(rate.posterior))\n"
            }
            if let f = result.improvementFactor, f.observations > 0 {
                out += "  mål 3: \(f.observations) kohorte-målinger; forbedringen forventes nu \(Ratio(Int128((f.mean * 100).rounded()), 100).danishString(scale: 2)) × den forventede\n"
            }
        }
        // Issue #19 (3): each scenario against the forecast.
        if !report.scenarios.isEmpty {
            out += "\nScenarier mod prognosen (samme kørsler og frø)\n"
            out += pad("", 30) + pad("gennemsnit", 17) + pad("5 %", 17) + pad("95 %", 17) + funders.map { pad($0, 17) }.joined() + "forskel\n"
            func line(_ label: String, _ r: ForecastModel.Result) -> String {
                pad(label, 30) + [r.total.mean, r.total.p5, r.total.p95].map { pad($0.danishShortString, 17) }.joined()
                    + r.received.map { pad($0.mean.danishShortString, 17) }.joined() + (r.total.mean - result.total.mean).danishShortString + "\n"
            }
            out += line("Prognosen", result)
            for (index, scenario) in report.scenarios.enumerated() {
                out += line("Scenarie \(index + 1)", scenario)
                out += "  \(scenario.scenario?.name ?? ""): \(scenario.scenario?.danishDescription(commitment) ?? "")\n"
            }
        }
        out += commitment.interpretationNotes(for: .forecast).danishText
        return out.split(separator: "\n", omittingEmptySubsequences: false).map { $0.replacing(/\ +$/, with: "") }.joined(separator: "\n")
    }
}
