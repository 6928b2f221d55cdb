import OutcomesCore
public import OutcomesReports

extension FinanceReport {
    /// The report as JSON (`outcomes finance --format json`, `GET /api/finance`): amounts as
    /// strings with two decimals (SPEC §6), rates as decimal strings with six, dates ISO.
    public var json: JSONValue {
        func money(_ amount: Money) -> JSONValue { .string(amount.machineString) }
        func text(_ value: String) -> JSONValue { .string(value) }
        let r = reconciliation
        let revocationJSON: JSONValue = revocation.map { claim in
            .object([
                ("noticeOn", .date(claim.noticeOn)), ("subject", text(claim.subject)), ("principal", money(claim.principal)),
                ("unusedGrantRepaid", money(claim.unusedGrantRepaid)), ("interest", money(claim.interest)),
                ("interestReading", text(claim.interpretation.choice.rawValue)), ("claim", money(claim.claim)),
                ("paymentDue", .date(claim.paymentDue)), ("paid", money(claim.paid)),
                ("defaultInterest", money(claim.defaultInterest.total)),
                ("missingReferenceRates", .array(claim.defaultInterest.missingRates.map { text($0.label) })),
                ("outstanding", money(claim.outstanding)),
                (
                    "installments",
                    .array(
                        claim.installments.map {
                            .object([("paidOn", .date($0.paidOn)), ("amount", money($0.amount)), ("interest", money($0.interest))])
                        }
                    )
                ),
            ])
        } ?? .null
        return .object([
            ("asOf", .date(asOf)),
            (
                "repayments",
                .object([
                    ("computed", money(figures.computed)), ("approved", money(figures.approved)), ("due", money(figures.due)),
                    ("paid", money(figures.paid)),
                ])
            ),
            (
                "disbursementPlan",
                .array(
                    plan.rows.map { row in
                        .object([
                            ("installment", text(row.installment)), ("dueBy", .date(row.dueBy)), ("funder", text(row.funder.rawValue)),
                            ("recipient", text(row.recipient.rawValue)), ("planned", money(row.planned)), ("reduced", money(row.reduced)),
                            ("paid", money(row.paid)), ("overdue", .bool(row.isOverdue)), ("state", text(row.state.rawValue)),
                            ("notice", row.notice.map(text) ?? .null),
                        ])
                    }
                )
            ),
            (
                "relativeReduction",
                .object([
                    ("basis", text(reduction.basis.choice.rawValue)), ("total", money(reduction.total)),
                    (
                        "years",
                        .array(
                            reduction.years.map { year in
                                .object([
                                    ("year", .int(year.year)), ("grant", money(year.grant)), ("expected", .int(year.expected)),
                                    ("actual", .int(year.actual)), ("reduction", money(year.reduction)), ("provisional", .bool(year.isProvisional)),
                                ])
                            }
                        )
                    ),
                ])
            ),
            (
                "absoluteReduction",
                .object([
                    ("total", money(absoluteReduction.total)),
                    (
                        "years",
                        .array(
                            absoluteReduction.years.map { year in
                                .object([
                                    ("year", .int(year.year)), ("budget", money(year.budget)), ("spent", year.spent.map(money) ?? .null),
                                    ("reduction", money(year.reduction)), ("provisional", .bool(year.isProvisional)),
                                ])
                            }
                        )
                    ),
                ])
            ),
            (
                "grantDecisions",
                .array(
                    decisions.map { decision in
                        .object([
                            ("kind", text(decision.kind.rawValue)), ("year", .int(decision.year)), ("amount", money(decision.amount)),
                            ("decidedOn", .date(decision.decidedOn)), ("clause", text(decision.kind.clause.reference)), ("note", text(decision.note)),
                        ])
                    }
                )
            ),
            ("unabsorbedReductions", money(plan.unabsorbedReductions)),
            (
                "paidToOthers",
                .array(
                    plan.paidToOthers.map {
                        .object([
                            ("funder", text($0.funder.rawValue)), ("recipient", text($0.recipient.rawValue)), ("planned", text($0.planned.rawValue)),
                            ("amount", money($0.amount)),
                        ])
                    }
                )
            ),
            (
                "interpretations",
                .array(interpretations.map { .object([("key", text($0.key)), ("clause", text($0.clause.reference)), ("reading", text($0.reading))]) })
            ),
            ("revocation", revocationJSON),
            (
                "unusedGrant",
                .array(
                    unused.years.map { year in
                        .object([
                            ("year", .int(year.year)), ("funder", text(unused.funder.rawValue)), ("disbursed", money(year.disbursed)),
                            ("spent", year.spent.map(money) ?? .null), ("unused", year.unused.map(money) ?? .null),
                            ("accrued", money(year.accrued)), ("toRepay", year.toRepay.map(money) ?? .null),
                            ("due", .date(year.due)), ("dueEstimated", .bool(year.dueIsEstimated)),
                        ])
                    }
                )
            ),
            (
                "returnCap",
                .object([
                    ("stated", money(cap.stated.value)), ("formula", money(cap.formula)), ("distance", money(cap.distance)),
                    ("horizon", .date(cap.horizon.choice)),
                ])
            ),
            (
                "parties",
                .array(
                    flows.positions.map { position in
                        .object([
                            ("party", text(position.party.rawValue)), ("received", money(position.received)), ("paid", money(position.paid)),
                            ("net", money(position.net)), ("xirr", position.irr.map { .string(FinanceReport.rateString($0)) } ?? .null),
                            (
                                "flows",
                                .array(
                                    position.flows.map { flow in
                                        .object([
                                            ("date", .date(flow.date)), ("amount", money(flow.amount)), ("text", text(flow.text)),
                                            ("clause", text(flow.clause.reference)),
                                        ])
                                    }
                                )
                            ),
                        ])
                    }
                )
            ),
            (
                "reconciliation",
                .object([
                    ("final", .bool(r.isFinal)), ("lastPaymentDue", .date(r.lastPaymentDue)), ("periods", .array(r.periods.map { text($0.label) })),
                    ("notYetDue", money(r.notYetDue)), ("notApproved", money(r.notApproved)), ("balanced", .bool(r.isBalanced)), ("municipalityPaid", money(r.municipalityPaid)),
                    ("returnCap", money(r.returnCap)),
                    (
                        "repaid",
                        .array(
                            r.repaid.map { .object([("from", text($0.from.rawValue)), ("to", text($0.to.rawValue)), ("amount", money($0.amount))]) }
                        )
                    ),
                    (
                        "parties",
                        .array(
                            r.rows.map { row in
                                .object([
                                    ("party", text(row.party.rawValue)), ("owedToPay", money(row.owedToPay)),
                                    ("owedToReceive", money(row.owedToReceive)), ("paid", money(row.paid)), ("received", money(row.received)),
                                    ("difference", money(row.difference)),
                                ])
                            }
                        )
                    ),
                ])
            ),
        ])
    }

    /// A rate as a decimal string with six decimals ("0.097213"), rounded half away from zero.
    static func rateString(_ rate: Double) -> String {
        Ratio(Int128((rate * 1_000_000).rounded()), 1_000_000).decimalString(scale: 6)
    }
}
