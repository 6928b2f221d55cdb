public import OutcomesCore

/// Money in and out as of one day (SPEC §7), for the command line and the web app alike: the
/// disbursement plan against what was paid (B3.2), the relative reduction (T 4.2), unused grant
/// (T 4.3), the return cap beside its formula (T 5.2), each party's cash flows with XIRR, and
/// the reconciliation of T 5.3 against the settlement as of the same day.
public struct FinanceReport: Sendable {
    public var asOf: LocalDate
    public var plan: DisbursementStatus
    public var reduction: RelativeReduction
    /// T 4.2 (ii): fewer costs than budgeted.
    public var absoluteReduction: AbsoluteReduction
    /// SPEC §7: the reductions DSI recorded (they lower the next installments) and the accruals.
    public var decisions: [GrantDecision]
    public var unused: UnusedGrant
    public var cap: ReturnCapReport
    public var flows: CashFlowStatement
    /// The settlement as of the day: only its aggregates are shown with the finance figures.
    public var settlement: Settlement
    public var reconciliation: Reconciliation
    /// SPEC §10: the repayments as beregnet, godkendt, forfalden and betalt — the four figures
    /// every page, report and output names.
    public var figures: RepaymentFigures
    /// T 6.2.1, 6.2.3: the claim after a revocation notice, with default interest; `nil` without one.
    public var revocation: RevocationClaim?
    /// SPEC §9: the interpretations the figures depend on.
    public var interpretations: [InterpretationNote]

    /// - Parameter settlement: the settlement of `input.delivery` as of `asOf` when the caller
    ///   has it already (the server keeps it per delivery and date); else it is computed here.
    public static func compute(_ input: ComplianceInput, asOf: LocalDate, settlement known: Settlement? = nil) -> FinanceReport {
        let commitment = input.commitment
        let settlement = known ?? SettlementEngine.settle(commitment, delivery: input.delivery ?? Delivery(), asOf: asOf)
        return FinanceReport(
            asOf: asOf,
            plan: DisbursementStatus.compute(
                commitment,
                transfers: input.transfers,
                decisions: input.grantDecisions,
                notices: input.notices,
                asOf: asOf
            ),
            reduction: RelativeReduction.compute(commitment, households: input.households, asOf: asOf),
            absoluteReduction: AbsoluteReduction.compute(commitment, actuals: input.budgetActuals, asOf: asOf),
            decisions: input.grantDecisions.filter { $0.decidedOn <= asOf },
            unused: UnusedGrant.compute(
                commitment,
                transfers: input.transfers,
                actuals: input.budgetActuals,
                meetings: input.meetings,
                decisions: input.grantDecisions,
                asOf: asOf
            ),
            cap: ReturnCapReport.compute(commitment),
            flows: CashFlowStatement.compute(commitment, transfers: input.transfers, asOf: asOf),
            settlement: settlement,
            reconciliation: Reconciliation.compute(commitment, settlement: settlement, transfers: input.transfers, asOf: asOf),
            figures: RepaymentFigures.compute(
                settlement: settlement,
                instructions: PaymentSchedule.compute(settlement: settlement, transfers: input.transfers, asOf: asOf),
                asOf: asOf
            ),
            revocation: RevocationClaim.compute(
                commitment,
                transfers: input.transfers,
                notices: input.notices,
                rates: input.referenceRates,
                asOf: asOf
            ),
            interpretations: commitment.interpretationNotes(for: .finance)
        )
    }
}
