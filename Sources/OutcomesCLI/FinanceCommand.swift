public import ArgumentParser
import Foundation
import OutcomesCore
import OutcomesStore

/// `outcomes finance`: money in and out (SPEC §7) — so far the disbursement plan against what
/// was paid, the return cap beside its formula, and each party's cash flows with XIRR.
public struct FinanceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "finance",
        abstract: "Udbetalinger, afkastloft, pengestrømme og XIRR pr. en dato (SPEC §7)."
    )

    public enum Format: String, ExpressibleByArgument, Sendable { case text, json }

    @OptionGroup public var options: ContractCommand.ContractOption
    @Option(name: .customLong("as-of"), help: "Datoen (ÅÅÅÅ-MM-DD).") public var asOf: String
    @Option(name: .long, help: "text eller json.") public var format: Format = .text
    @Option(name: .long, help: "Databasen med betalingerne (standard data/outcomes.sqlite).") public var database = "data/outcomes.sqlite"

    public init() {}

    public func validate() throws {
        guard LocalDate(iso: asOf) != nil else { throw ValidationError("--as-of '\(asOf)' er ikke en dato (ÅÅÅÅ-MM-DD)") }
    }

    public func run() async throws {
        let commitment = try options.load()
        let day = LocalDate(iso: asOf)!
        let transfers = try await withStore(database) { try await $0.transfers() }
        let plan = DisbursementStatus.compute(commitment, transfers: transfers, asOf: day)
        let cap = ReturnCapReport.compute(commitment)
        let flows = CashFlowStatement.compute(commitment, transfers: transfers, asOf: day)
        switch format {
        case .json: print(FinanceCommand.json(plan: plan, cap: cap, flows: flows, asOf: day))
        case .text: print(FinanceCommand.text(commitment, plan: plan, cap: cap, flows: flows, asOf: day), terminator: "")
        }
    }

    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "–" }
        let hundredths = Int((rate * 10_000).rounded())
        return "\(hundredths / 100),\(String(format: "%02d", abs(hundredths % 100))) %"
    }

    static func text(_ commitment: Commitment, plan: DisbursementStatus, cap: ReturnCapReport, flows: CashFlowStatement, asOf: LocalDate) -> String {
        func name(_ key: PartyKey) -> String { commitment.party(key)?.name ?? key.rawValue }
        var out = "Penge ind og ud pr. \(asOf.danishString)\n\nUdbetalingsplanen (B3.2) mod det betalte\n"
        for row in plan.rows {
            out +=
                "  \(row.installment), \(name(row.funder)), senest \(row.dueBy.danishString): planlagt \(row.planned.danishString), betalt \(row.paid.danishString)"
            out += row.isOverdue ? "  FORSINKET\n" : "\n"
        }
        out += "\nAfkastloftet (T 5.2)\n"
        out += "  aftalt (bindende): \(cap.stated.value.danishString) (\(cap.stated.clause))\n"
        out +=
            "  formlen på DSI's rater, 5,07 % p.a., 365-dages år, rentetilskrivning 31.12, til \(cap.horizon.choice.danishString) (\(cap.horizon.clause)): \(cap.formula.danishString)\n"
        out += "  forskel (aftalt − formel): \(cap.distance.danishString)\n"
        out += "\nPengestrømme pr. part\n"
        for position in flows.positions {
            out +=
                "  \(name(position.party)): modtaget \(position.received.danishString), betalt \(position.paid.danishString), netto \(position.net.danishString)"
            out += position.irr.map { _ in ", XIRR \(percent(position.irr))" } ?? ""
            out += "\n"
            for flow in position.flows {
                out +=
                    "    \(flow.date.danishString)  \(flow.amount.danishString.padding(toLength: 18, withPad: " ", startingAt: 0)) \(flow.text) (\(flow.clause))\n"
            }
        }
        out += "\nRelativ reduktion (T 4.2), ubrugt tilskud (T 4.3), slutafregning (T 5.3), prognose og INDIGO-eksport: endnu ikke beregnet her.\n"
        return out
    }

    static func json(plan: DisbursementStatus, cap: ReturnCapReport, flows: CashFlowStatement, asOf: LocalDate) -> String {
        let object: [String: Any] = [
            "asOf": asOf.isoString,
            "disbursementPlan": plan.rows.map {
                [
                    "installment": $0.installment, "dueBy": $0.dueBy.isoString, "funder": $0.funder.rawValue, "planned": $0.planned.machineString,
                    "paid": $0.paid.machineString, "overdue": $0.isOverdue,
                ] as [String: Any]
            },
            "returnCap": [
                "stated": cap.stated.value.machineString, "formula": cap.formula.machineString, "distance": cap.distance.machineString,
                "horizon": cap.horizon.choice.isoString,
            ],
            "parties": flows.positions.map { position in
                [
                    "party": position.party.rawValue, "received": position.received.machineString, "paid": position.paid.machineString,
                    "net": position.net.machineString, "xirr": position.irr.map { String(format: "%.6f", $0) } ?? NSNull(),
                    "flows": position.flows.map {
                        ["date": $0.date.isoString, "amount": $0.amount.machineString, "text": $0.text, "clause": $0.clause.reference]
                    },
                ] as [String: Any]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
