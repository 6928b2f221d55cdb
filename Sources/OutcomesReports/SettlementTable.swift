public import OutcomesCore

/// A readable Danish summary of a settlement: per period and goal, the totals, the
/// recipients, the interpretations used and the warnings.
public enum SettlementTable {
    public static func render(_ s: Settlement, commitment: Commitment) -> String {
        var out = "Betalingsopgørelse: \(commitment.title) (\(s.contractID)) pr. \(s.asOf.danishLongString)\n\n"
        let goals = commitment.paymentGoals.sorted { $0.number < $1.number }
        let payerNames = s.totals.payers.map { name(commitment, $0.party) }
        let recipientNames = s.totals.recipients.map { "Til \(name(commitment, $0.party))" }
        let headers = ["Periode", "Forfald"] + goals.map { "Mål \($0.number)" } + ["Loftreduktion"] + payerNames + ["I alt"] + recipientNames
        var rows: [[String]] = []
        for p in s.periods {
            rows.append(
                [p.period.danishLabel + (p.isApproved ? " (godkendt)" : p.isClosed ? "" : " (åben)"), p.due.danishString]
                    + p.goals.map { $0.payable == $0.amount ? $0.amount.danishNumber : "\($0.payable.danishNumber) af \($0.amount.danishNumber)" }
                    + [p.capReduction.danishNumber] + p.payers.map(\.amount.danishNumber) + [p.total.danishNumber]
                    + p.recipients.map(\.amount.danishNumber)
            )
        }
        let t = s.totals
        rows.append(
            ["I alt", ""]
                + s.goals.map { $0.payable == $0.amount ? $0.amount.danishNumber : "\($0.payable.danishNumber) af \($0.amount.danishNumber)" }
                + [t.capReduction.danishNumber] + t.payers.map(\.amount.danishNumber) + [t.total.danishNumber]
                + t.recipients.map(\.amount.danishNumber)
        )
        out += table(headers, rows)
        out += "\nBeløb i kr. \"x af y\": x kan udbetales af beregnede y (målets loft).\n"
        // SPEC §10: say which figures are approved and which only computed.
        let approved = s.periods.filter(\.isApproved)
        if !approved.isEmpty {
            out += "Godkendt (SPEC §10): \(approved.count) halvår, i alt \(Money.sum(approved.map(\.total)).danishString); resten er beregnet.\n"
        }
        if !s.corrections.isEmpty {
            out += "Efterregulering af godkendte halvår: \(Money.sum(s.corrections.map(\.difference)).danishString) i \(s.corrections[0].settledIn.danishLabel).\n"
        }
        out += "\nBetalingsmål\n"
        for (goal, summary) in zip(goals, s.goals) {
            let cap = goal.cap.map { ", loft \($0.value.danishShortString) [\($0.clause)]" } ?? ""
            out +=
                "  \(goal.number). \(goal.name): \(summary.lines) linjer, beregnet \(summary.amount.danishString) heraf imputeret \(summary.imputed.danishString), kan udbetales \(summary.payable.danishString)\(cap)\n"
        }
        out += s.interpretations.danishText
        if !s.warnings.isEmpty {
            out += "\nAdvarsler (\(s.warnings.count))\n"
            for warning in s.warnings { out += "  - \(warning)\n" }
        }
        return out
    }

    static func name(_ c: Commitment, _ key: PartyKey) -> String {
        switch c.party(key)?.role {
        case .municipality?: "Kommunen"
        default: key.rawValue.uppercased()
        }
    }

    /// A plain text table, numbers right-aligned.
    static func table(_ headers: [String], _ rows: [[String]]) -> String {
        let widths = headers.indices.map { column in ([headers] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String], right: Bool) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i < 2 || !right ? cell + pad : pad + cell
            }.joined(separator: "  ") + "\n"
        }
        var out = line(headers, right: true)
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row, right: true) }
        return out
    }
}
