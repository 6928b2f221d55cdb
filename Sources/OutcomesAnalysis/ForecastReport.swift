public import OutcomesCore
public import OutcomesReports

/// The forecast as the finance page, the API and `outcomes forecast` give it (issue #19): the
/// forecast on what is known, beside the agreement's own expectations and the scenarios.
public struct ForecastReport: Sendable {
    /// The agreement's expectations alone (the business case of B5.1).
    public var base: ForecastModel.Result
    /// Conditioned on what is known on its date; the base itself when nothing is known.
    public var forecast: ForecastModel.Result
    /// Each scenario, run like ``forecast`` with its changes.
    public var scenarios: [ForecastModel.Result]

    public init(base: ForecastModel.Result, forecast: ForecastModel.Result, scenarios: [ForecastModel.Result]) {
        self.base = base
        self.forecast = forecast
        self.scenarios = scenarios
    }

    /// Runs the base, the forecast on `evidence` (when given) and each scenario, with the same
    /// runs and seed.
    public static func run(
        _ commitment: Commitment,
        evidence: ForecastEvidence?,
        scenarios: [ForecastScenario],
        runs: Int,
        seed: UInt64,
        base known: ForecastModel.Result? = nil
    ) -> ForecastReport {
        let base = known ?? ForecastModel(commitment).run(runs, seed: seed)
        let forecast = evidence.map { ForecastModel(commitment, evidence: $0).run(runs, seed: seed) } ?? base
        return ForecastReport(
            base: base,
            forecast: forecast,
            scenarios: scenarios.map { ForecastModel(commitment, evidence: evidence, scenario: $0).run(runs, seed: seed) }
        )
    }

    /// The report as JSON (`outcomes forecast --format json`, `GET /api/forecast`): the
    /// forecast's figures at the top, as before conditioning existed, then what it knows
    /// (`asOf`, `known`, `learned`), the agreement's own expectations (`base`) and the
    /// scenarios. Amounts are decimal strings with two decimals, rates fractions to six.
    public func json(_ commitment: Commitment) -> JSONValue {
        var members = ForecastReport.figures(forecast, commitment)
        members.append(("asOf", forecast.asOf.map(JSONValue.date) ?? .null))
        members.append(("resultsAsOf", forecast.resultsAsOf.map(JSONValue.date) ?? .null))
        members.append(
            (
                "known",
                .object([
                    ("settledPeriods", .int(forecast.settledPeriods)), ("amount", .string(forecast.known.machineString)),
                    ("share", ForecastReport.fraction(forecast.knownShare.doubleValue)),
                ])
            )
        )
        members.append(
            (
                "learned",
                .array(
                    forecast.learned.map { rate in
                        .object([
                            ("goal", .int(rate.goal)), ("row", rate.label.map(JSONValue.string) ?? .null),
                            ("prior", ForecastReport.fraction(rate.prior.doubleValue)), ("successes", .int(rate.successes)),
                            ("trials", .int(rate.trials)), ("posterior", ForecastReport.fraction(rate.posterior.doubleValue)),
                        ])
                    }
                )
            )
        )
        members.append(("improvementFactor", forecast.improvementFactor.map { f in
            .object([
                ("mean", ForecastReport.fraction(f.mean)), ("sd", ForecastReport.fraction(f.spread)), ("observations", .int(f.observations)),
            ])
        } ?? .null))
        members.append(("base", .object(ForecastReport.summary(base))))
        members.append(
            (
                "scenarios",
                .array(
                    scenarios.map { result in
                        var object = ForecastReport.summary(result)
                        object.insert(("name", .string(result.scenario?.name ?? "")), at: 0)
                        object.insert(("description", .string(result.scenario?.danishDescription(commitment) ?? "")), at: 1)
                        object.append(("difference", .string((result.total.mean - forecast.total.mean).machineString)))
                        return .object(object)
                    }
                )
            )
        )
        return .object(members)
    }

    /// A fraction to six decimals, or null.
    static func fraction(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        let millionths = Int64((value * 1_000_000).rounded())
        return .number(Ratio(Int128(millionths), 1_000_000).decimalString(scale: 6))
    }

    static func distribution(_ d: ForecastModel.Distribution) -> JSONValue {
        .object([("mean", .string(d.mean.machineString)), ("p5", .string(d.p5.machineString)), ("p50", .string(d.p50.machineString)), ("p95", .string(d.p95.machineString))])
    }

    static func rates(_ d: ForecastModel.RateDistribution) -> JSONValue {
        .object([("mean", fraction(d.mean)), ("p5", fraction(d.p5)), ("p50", fraction(d.p50)), ("p95", fraction(d.p95)), ("missing", .int(d.missing))])
    }

    /// A scenario's or the base's figures in short: the total, each funder's repayments and
    /// rate of return, the return cap's binding.
    static func summary(_ result: ForecastModel.Result) -> [(String, JSONValue)] {
        [
            ("expectedTotal", .string(result.expected.total.machineString)),
            ("total", distribution(result.total)),
            ("returnCapBinds", fraction(result.returnCapBinds.doubleValue)),
            (
                "funders",
                .object(
                    result.funders.enumerated().map { f, party in
                        (party.rawValue, .object([("received", distribution(result.received[f])), ("irr", rates(result.irr[f]))]))
                    }
                )
            ),
        ]
    }

    /// The forecast's figures: the expected case, per goal and in total the runs' mean and
    /// percentiles, the caps' and the return cap's binding, the funders, the half-years.
    static func figures(_ result: ForecastModel.Result, _ commitment: Commitment) -> [(String, JSONValue)] {
        func to(_ party: PartyKey) -> String { "to" + party.rawValue.uppercased() }
        let expectedGoals: [(String, JSONValue)] = result.goalNumbers.enumerated().map { index, number in
            (
                String(number),
                .object([("amount", .string(result.expected.amounts[index].machineString)), ("payable", .string(result.expected.payables[index].machineString))])
            )
        }
        let goals: [(String, JSONValue)] = result.goalNumbers.enumerated().map { index, number in
            (
                String(number),
                .object([
                    ("amount", distribution(result.amounts[index])), ("payable", distribution(result.payables[index])),
                    ("capBinds", result.capBinds[index].map { fraction($0.doubleValue) } ?? .null),
                ])
            )
        }
        let expectedFunders: [(String, JSONValue)] = result.funders.enumerated().map { f, party in
            (party.rawValue, .object([("received", .string(result.expected.received[f].machineString)), ("irr", fraction(result.expected.irr[f]))]))
        }
        let funders: [(String, JSONValue)] = result.funders.enumerated().map { f, party in
            (party.rawValue, .object([("received", distribution(result.received[f])), ("irr", rates(result.irr[f]))]))
        }
        let expectedPeriods: [JSONValue] = result.expected.periods.map { period in
            var object: [(String, JSONValue)] = [
                ("period", .string(period.period.label)), ("due", .date(period.due)),
                (
                    "goals",
                    .object(
                        result.goalNumbers.enumerated().map { g, number in
                            (String(number), .object([("amount", .string(period.amounts[g].machineString)), ("payable", .string(period.payables[g].machineString))]))
                        }
                    )
                ),
                ("capReduction", .string(period.capReduction.machineString)), ("total", .string(period.total.machineString)),
            ]
            for (f, party) in result.funders.enumerated() { object.append((to(party), .string(period.recipients[f].machineString))) }
            return .object(object)
        }
        let meanPeriods: [JSONValue] = result.periods.indices.map { p in
            var object: [(String, JSONValue)] = [
                ("period", .string(result.periods[p].label)), ("due", .date(result.dues[p])), ("total", .string(result.periodTotals[p].machineString)),
                // Settled half-years are known: the same in every run.
                ("settled", .bool(p < result.settledPeriods)),
            ]
            // Issue #19: the half-year's spread over the runs (the fan chart's).
            if p < result.periodDistributions.count {
                let d = result.periodDistributions[p]
                object += [("p5", .string(d.p5.machineString)), ("p50", .string(d.p50.machineString)), ("p95", .string(d.p95.machineString))]
            }
            for (f, party) in result.funders.enumerated() { object.append((to(party), .string(result.periodRecipients[p][f].machineString))) }
            return .object(object)
        }
        return [
            ("runs", .int(result.runs)), ("seed", .number(String(result.seed))),
            (
                "expected",
                .object([
                    ("goals", .object(expectedGoals)), ("total", .string(result.expected.total.machineString)),
                    ("capReduction", .string(result.expected.capReduction.machineString)), ("funders", .object(expectedFunders)),
                    ("periods", .array(expectedPeriods)),
                ])
            ),
            ("goals", .object(goals)),
            ("total", distribution(result.total)),
            ("returnCapBinds", fraction(result.returnCapBinds.doubleValue)),
            ("funders", .object(funders)),
            ("periods", .array(meanPeriods)),
            (
                "interpretations",
                .array(
                    commitment.interpretationNotes(for: .forecast).map { note in
                        .object([("key", .string(note.key)), ("clause", .string(note.clause.reference)), ("reading", .string(note.reading))])
                    }
                )
            ),
        ]
    }
}
