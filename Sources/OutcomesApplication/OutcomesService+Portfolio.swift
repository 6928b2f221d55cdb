import Dispatch
public import OutcomesAnalysis
import OutcomesDelivery
public import OutcomesCore
public import OutcomesStore

/// One agreement as a funder's portfolio shows it (issue #18 (4)): aggregates only (T 8.1).
public struct AgreementSummary: Sendable {
    /// What one funder of the agreement has had approved, been paid and can expect.
    public struct FunderFigures: Sendable {
        public var funder: PartyKey
        public var name: String
        /// Its share of the approved half-years' repayments (SPEC §10).
        public var approved: Money
        /// The repayments the ledger shows it received.
        public var paid: Money
        /// The forecast's mean of what it receives in all (B5.1 1.1 shares).
        public var expected: Money
        /// The forecast's median rate of return (XIRR) on its grant, when one exists.
        public var expectedReturn: Double?
    }

    public var id: String
    public var title: String
    public var version: Int
    public var asOf: LocalDate
    /// Households enrolled against the agreement's target (P 3.2).
    public var enrolled: Int
    public var target: Int
    /// SPEC §10's four repayment figures for the date.
    public var repayments: RepaymentFigures
    /// The forecast's total repayments: mean, 5 % and 95 %.
    public var expected: ForecastModel.Distribution
    /// Issue #19: what of it is already known (the settled half-years' repayments), and as a
    /// share of the mean.
    public var known: Money = .zero
    public var knownShare: Ratio = .zero
    /// The return cap (T 5.2), what the settlement computes against it, and how often it binds
    /// in the forecast.
    public var returnCap: Money
    public var returnCapUsed: Money
    public var returnCapBinds: Ratio
    /// Open compliance findings (SPEC §8).
    public var breaches: Int
    public var warnings: Int
    /// The next deadlines: overdue ones and the coming ones, earliest first (at most three).
    public var nextDeadlines: [Deadline]
    public var funders: [FunderFigures]
}

// The portfolio (issue #18 (4)).
extension OutcomesService {
    /// The forecast of the agreement's payments from its own expectations (10.000 runs, seed
    /// 2023: the same figures on every visit), run once per version and kept.
    func baseForecast() async throws -> ForecastModel.Result {
        let commitment = self.commitment
        return try await forecasts.value(for: "\(commitment.id)#\(commitment.version)") {
            await OutcomesService.offloaded { ForecastModel(commitment).run(OutcomesService.forecastRuns, seed: OutcomesService.forecastSeed) }
        }
    }

    /// Runs CPU-bound, synchronous work (the forecast's runs, which spread over every core) on
    /// a GCD thread, so the concurrency pool's few threads keep serving requests meanwhile.
    static func offloaded<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }

    /// Issue #19: the forecast as of a date, conditioned on what the agreement's records hold —
    /// the register's enrolled households, the current delivery's results and the approved
    /// half-years — beside the agreement's own expectations, and each scenario against it.
    /// Aggregates only. Kept per change of the records, date, version and scenarios.
    public func forecast(_ requester: Requester, asOf: LocalDate, scenarios: [ForecastScenario] = []) async throws -> ForecastReport {
        try authorize(requester, .readFigures)
        return try await forecastReport(asOf: asOf, scenarios: scenarios)
    }

    /// Reads a scenario as typed (``ForecastScenario/parse(_:goals:)``), a clear 422 when it is
    /// not one.
    public func scenario(_ text: String) throws -> ForecastScenario {
        do {
            return try ForecastScenario.parse(text, goals: commitment.paymentGoals.map(\.number).sorted())
        } catch {
            throw ApplicationError.invalid(error.description)
        }
    }

    func forecastReport(asOf: LocalDate, scenarios: [ForecastScenario] = []) async throws -> ForecastReport {
        let change = try await store.lastChange()
        let commitment = self.commitment
        let key = "\(commitment.id)#\(history.fingerprint)#\(change.count)#\(asOf.isoString)#" + scenarios.map(\.name).joined(separator: "|")
        let base = try await baseForecast()
        return try await forecastReports.value(for: key) {
            let evidence = try await self.forecastEvidence(asOf: asOf)
            return await OutcomesService.offloaded {
                ForecastReport.run(
                    commitment,
                    evidence: evidence,
                    scenarios: scenarios,
                    runs: OutcomesService.forecastRuns,
                    seed: OutcomesService.forecastSeed,
                    base: base
                )
            }
        }
    }

    /// What the records know on `asOf`, for a forecast of other runs or seed (the CLI):
    /// aggregates only, as ``forecast(_:asOf:scenarios:)``.
    public func forecastEvidence(_ requester: Requester, asOf: LocalDate) async throws -> ForecastEvidence {
        try authorize(requester, .readFigures)
        return try await forecastEvidence(asOf: asOf)
    }

    /// What the records know on `asOf` (``ForecastEvidence``): the register's households (the
    /// delivery's when the register is empty), the current delivery and the approved half-years.
    func forecastEvidence(asOf: LocalDate) async throws -> ForecastEvidence {
        let register = try await store.households(in: nil)
        guard let number = try await store.currentDeliveryNumber() else {
            return ForecastEvidence(
                asOf: asOf,
                courses: ForecastEvidence.courses(register, commitment: commitment, asOf: asOf),
                periods: [],
                counts: [:],
                improvements: []
            )
        }
        let delivery = try await self.delivery(number: number).delivery
        // The results are known to the delivery's receipt: a half-year that ended after it
        // has none yet, and the settlement would impute them all.
        let received = try await store.deliveries().first { $0.number == number }?.receivedOn
        return ForecastEvidence(
            history,
            households: register.isEmpty ? delivery.households : register,
            delivery: delivery,
            asOf: asOf,
            resultsAsOf: received,
            approved: try await approvedPeriods().periods
        )
    }

    static let forecastRuns = 10_000
    static let forecastSeed: UInt64 = 2023

    /// The agreement's line in a funder's portfolio, as of a date. Computed once per change of
    /// the agreement's records (``OutcomesStore/lastChange()``), date and version, and kept: a
    /// portfolio of fifty agreements reads fifty small numbers, not fifty agreements.
    ///
    /// `change` is the agreement's ``OutcomesStore/lastChange()`` when the caller read it
    /// already (for many agreements in one statement).
    public func portfolioSummary(_ requester: Requester, asOf: LocalDate, change known: AgreementChange? = nil) async throws -> AgreementSummary {
        try authorize(requester, .readFigures)
        let change: AgreementChange
        if let known { change = known } else { change = try await store.lastChange() }
        let key = SummaryKey(change: change, asOf: asOf, versions: history.fingerprint)
        // The figures are aggregates, the same for every role that may see them (every role
        // with `readFigures` also has `readCompliance`); the households are not named.
        return try await summaries.value(for: key) { try await self.computeSummary(requester, asOf: asOf) }
    }

    private func computeSummary(_ requester: Requester, asOf: LocalDate) async throws -> AgreementSummary {
        let commitment = self.commitment
        let finance = try await finance(requester, asOf: asOf)
        let compliance = try await compliance(requester, asOf: asOf, namingHouseholds: false)
        let progress = EnrolmentProgress.compute(try await store.households(in: nil), commitment: commitment, asOf: asOf)
        let forecast = try await forecastReport(asOf: asOf).forecast
        let transfers = try await store.transfers()
        let approvedPeriods = finance.settlement.periods.filter(\.isApproved)
        let funders = commitment.tranches.shares.map(\.funder).enumerated().map { _, funder in
            let index = forecast.funders.firstIndex(of: funder)
            return AgreementSummary.FunderFigures(
                funder: funder,
                name: commitment.party(funder)?.name ?? funder.rawValue,
                approved: Money.sum(approvedPeriods.map { $0.recipients.first { $0.party == funder }?.amount ?? .zero }),
                paid: Money.sum(transfers.filter { $0.kind == .repayment && $0.to == funder }.map(\.amount)),
                expected: index.map { forecast.received[$0].mean } ?? .zero,
                expectedReturn: index.flatMap { forecast.irr[$0].missing < forecast.runs ? forecast.irr[$0].p50 : nil }
            )
        }
        let open = compliance.deadlines.filter { $0.status != .met }.sorted { $0.due < $1.due }
        var summary = AgreementSummary(
            id: commitment.id,
            title: commitment.title,
            version: commitment.version,
            asOf: asOf,
            enrolled: progress.enrolled,
            target: commitment.expectedHouseholds.value,
            repayments: finance.figures,
            expected: forecast.total,
            returnCap: commitment.returnCap.amount.value,
            returnCapUsed: finance.settlement.totals.total,
            returnCapBinds: forecast.returnCapBinds,
            breaches: compliance.findings.filter { $0.severity == .breach }.count,
            warnings: compliance.findings.filter { $0.severity == .warning }.count,
            nextDeadlines: Array(open.prefix(3)),
            funders: funders
        )
        summary.known = forecast.known
        summary.knownShare = forecast.knownShare
        return summary
    }
}

/// What an agreement's portfolio line depends on.
struct SummaryKey: Hashable, Sendable {
    var change: AgreementChange
    var asOf: LocalDate
    /// The agreement's versions (``AgreementHistory/fingerprint``).
    var versions: String
}
