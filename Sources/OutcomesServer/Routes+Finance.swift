import Foundation
import HTTPTypes
import OutcomesAnalysis
import OutcomesApplication
import OutcomesCore
import OutcomesReports
import OutcomesStore

extension OutcomesAPI {
    /// Money in and out (SPEC §7) in figures only: the same report as `outcomes finance`.
    static var financeRoutes: [Route] {
        let asOf = QueryParameter(name: "asOf", schema: .date, required: true, description: "Datoen (ÅÅÅÅ-MM-DD).")
        let rate = Schema.string(description: "årlig rente som decimaltal med seks decimaler, fx \"0.097213\"")
        let response = Schema.record([
            ("asOf", .date),
            // SPEC §10: the four repayment figures, as every page labels them.
            ("repayments", .record([("computed", .money), ("approved", .money), ("due", .money), ("paid", .money)])),
            (
                "disbursementPlan",
                .array(
                    .record([
                        ("installment", .text), ("dueBy", .date), ("funder", .text), ("recipient", .text), ("planned", .money), ("reduced", .money),
                        ("paid", .money), ("overdue", .boolean), ("state", .string(values: ["onPlan", "overdue", "withheld", "stopped"])),
                        ("notice", .nullable(.text)),
                    ])
                )
            ),
            (
                "relativeReduction",
                .record([
                    ("basis", .string(values: ["perYear", "total"])), ("total", .money),
                    (
                        "years",
                        .array(
                            .record([
                                ("year", .integer()), ("grant", .money), ("expected", .integer()), ("actual", .integer()), ("reduction", .money),
                                ("provisional", .boolean),
                            ])
                        )
                    ),
                ])
            ),
            (
                "absoluteReduction",
                .record([
                    ("total", .money),
                    (
                        "years",
                        .array(
                            .record([
                                ("year", .integer()), ("budget", .money), ("spent", .nullable(.money)), ("reduction", .money), ("provisional", .boolean),
                            ])
                        )
                    ),
                ])
            ),
            (
                "grantDecisions",
                .array(
                    .record([
                        ("kind", .string(values: GrantDecision.Kind.allCases.map(\.rawValue))), ("year", .integer()), ("amount", .money),
                        ("decidedOn", .date), ("clause", .text), ("note", .text),
                    ])
                )
            ),
            ("unabsorbedReductions", .money),
            ("paidToOthers", .array(.record([("funder", .text), ("recipient", .text), ("planned", .text), ("amount", .money)]))),
            ("interpretations", .array(.record([("key", .text), ("clause", .text), ("reading", .text)]))),
            (
                "revocation",
                .nullable(
                    .record([
                        ("noticeOn", .date), ("subject", .text), ("principal", .money), ("unusedGrantRepaid", .money), ("interest", .money),
                        ("interestReading", .string(values: RevocationInterestRule.allCases.map(\.rawValue))), ("claim", .money),
                        ("paymentDue", .date), ("paid", .money), ("defaultInterest", .money), ("missingReferenceRates", .array(.text)),
                        ("outstanding", .money),
                        ("installments", .array(.record([("paidOn", .date), ("amount", .money), ("interest", .money)]))),
                    ])
                )
            ),
            (
                "unusedGrant",
                .array(
                    .record([
                        ("year", .integer()), ("funder", .text), ("disbursed", .money), ("spent", .nullable(.money)), ("unused", .nullable(.money)),
                        ("accrued", .money), ("toRepay", .nullable(.money)), ("due", .date), ("dueEstimated", .boolean),
                    ])
                )
            ),
            ("returnCap", .record([("stated", .money), ("formula", .money), ("distance", .money), ("horizon", .date)])),
            (
                "parties",
                .array(
                    .record([
                        ("party", .text), ("received", .money), ("paid", .money), ("net", .money), ("xirr", .nullable(rate)),
                        ("flows", .array(.record([("date", .date), ("amount", .money), ("text", .text), ("clause", .text)]))),
                    ])
                )
            ),
            (
                "reconciliation",
                .record([
                    ("final", .boolean), ("lastPaymentDue", .date), ("periods", .array(.text)), ("notYetDue", .money), ("notApproved", .money),
                    ("balanced", .boolean),
                    ("municipalityPaid", .money), ("returnCap", .money),
                    ("repaid", .array(.record([("from", .text), ("to", .text), ("amount", .money)]))),
                    (
                        "parties",
                        .array(
                            .record([
                                ("party", .text), ("owedToPay", .money), ("owedToReceive", .money), ("paid", .money), ("received", .money),
                                ("difference", .money),
                            ])
                        )
                    ),
                ])
            ),
        ])
        return [
            Route(
                .get,
                "/api/finance",
                "finance",
                "Penge ind og ud pr. en dato (SPEC §7): tilbagebetalingerne som beregnet, godkendt, forfalden og betalt (SPEC §10), udbetalingsplanen mod det betalte, relativ reduktion, ubrugt tilskud, afkastloftet, pengestrømme med XIRR og kontrollen efter T 5.3 — kun tal",
                access: .permission(.readFigures),
                query: [asOf],
                response: response
            ) { call in
                let day = try call.asOfDate()
                let report = try await call.api.service.finance(call.requester, asOf: day)
                return .raw(Data((report.json.text + "\n").utf8), contentType: "application/json; charset=utf-8")
            }
        ]
    }
}
