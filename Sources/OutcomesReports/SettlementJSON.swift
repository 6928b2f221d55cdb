import Dispatch
public import OutcomesCore

/// The settlement as JSON, exactly as SPEC §6 lays it out: keys in the order given, amounts
/// as strings with two decimals, one object per line on its own line.
///
/// ```json
/// { "contract": "viborg-relationel-velfaerd", "asOf": "2026-11-26",
///   "periods": [ { "period": "2023-H2", "start": "2023-07-01", … } ], … }
/// ```
public enum SettlementJSON {
    public static func write(_ s: Settlement, to w: inout ByteWriter) {
        w.write("{\n  \"contract\": ")
        w.writeJSONString(s.contractID)
        w.write(",\n  \"asOf\": \"\(s.asOf.isoString)\",\n  \"periods\": [")
        for (i, p) in s.periods.enumerated() {
            w.write(i == 0 ? "\n    " : ",\n    ")
            w.write(
                "{\"period\": \"\(p.period.label)\", \"start\": \"\(p.period.start.isoString)\", \"end\": \"\(p.period.end.isoString)\", \"due\": \"\(p.due.isoString)\", \"closed\": \(p.isClosed), "
            )
            // T 11.1: an amended agreement's half-years name the version their lines were computed with.
            if let version = p.contractVersion { w.write("\"version\": \(version), ") }
            w.write("\"goals\": {")
            writePeriodBody(p, to: &w)
        }
        w.write(s.periods.isEmpty ? "],\n  \"goals\": {" : "\n  ],\n  \"goals\": {")
        for (i, g) in s.goals.enumerated() {
            w.write(i == 0 ? "\n    " : ",\n    ")
            w.write(
                "\"\(g.goal)\": {\"amount\": \"\(g.amount.machineString)\", \"imputed\": \"\(g.imputed.machineString)\", \"payable\": \"\(g.payable.machineString)\", \"lines\": \(g.lines)}"
            )
        }
        let t = s.totals
        w.write("\n  },\n  \"totals\": {\"amount\": \"\(t.amount.machineString)\", \"capReduction\": \"\(t.capReduction.machineString)\", ")
        w.write(partyFields(t.payers, prefix: ""))
        w.write("\"total\": \"\(t.total.machineString)\", ")
        w.write(partyFields(t.recipients, prefix: "to").dropLast(2) + "},\n  \"lines\": [")
        // Lines are rendered in blocks on both cores and written in order.
        let lines = s.lines
        w.writeInBlocks(count: lines.count) { i, w in
            w.write(i == 0 ? "\n    " as StaticString : ",\n    ")
            writeLine(lines[i], to: &w)
        }
        w.write(s.lines.isEmpty ? "],\n  \"warnings\": [" : "\n  ],\n  \"warnings\": [")
        for (i, warning) in s.warnings.enumerated() {
            w.write(i == 0 ? "\n    " : ",\n    ")
            w.writeJSONString(warning)
        }
        w.write(s.warnings.isEmpty ? "]" : "\n  ]")
        // SPEC §9: the interpretations the figures depend on, after the keys SPEC §6 lists.
        if !s.interpretations.isEmpty {
            w.write(",\n  \"interpretations\": [")
            for (i, note) in s.interpretations.enumerated() {
                w.write(i == 0 ? "\n    {\"key\": " : ",\n    {\"key\": ")
                w.writeJSONString(note.key)
                w.write(", \"clause\": ")
                w.writeJSONString(note.clause.reference)
                w.write(", \"reading\": ")
                w.writeJSONString(note.reading)
                w.write(byte: UInt8(ascii: "}"))
            }
            w.write("\n  ]")
        }
        if !s.corrections.isEmpty {
            w.write(",\n  \"corrections\": [")
            writeCorrections(s.corrections, to: &w)
            w.write("\n  ]")
        }
        w.write("\n}\n")
    }

    /// A period object after its `closed` key: goals, cap reduction, payers, total, recipients
    /// (SPEC §6); SPEC §10's keys only where they say something (`correction` on a goal that has
    /// one, `approved` on an approved half-year), so a settlement without approvals is as before.
    static func writePeriodBody(_ p: PeriodSettlement, to w: inout ByteWriter) {
        w.write(
            p.goals.map { goal in
                let correction = goal.correction.isZero ? "" : ", \"correction\": \"\(goal.correction.machineString)\""
                return "\"\(goal.goal)\": {\"amount\": \"\(goal.amount.machineString)\", \"payable\": \"\(goal.payable.machineString)\"\(correction)}"
            }.joined(separator: ", ")
        )
        w.write("}, \"capReduction\": \"\(p.capReduction.machineString)\", ")
        w.write(partyFields(p.payers, prefix: ""))
        w.write("\"total\": \"\(p.total.machineString)\", ")
        w.write(partyFields(p.recipients, prefix: "to").dropLast(2) + (p.isApproved ? ", \"approved\": true}" : "}"))
    }

    /// SPEC §10's corrections, after the warnings, only when there are any.
    static func writeCorrections(_ corrections: [CorrectionLine], to w: inout ByteWriter) {
        for (i, c) in corrections.enumerated() {
            w.write(i == 0 ? "\n    " : ",\n    ")
            w.write("{\"period\": \"\(c.period.label)\", \"settledIn\": \"\(c.settledIn.label)\", \"goal\": \(c.goal), \"point\": \"\(c.point.label)\", \"household\": ")
            if let household = c.household { w.writeJSONString(household.rawValue) } else { w.write("null") }
            w.write(", \"person\": ")
            if let person = c.person { w.writeJSONString(person.rawValue) } else { w.write("null") }
            w.write(", \"cohort\": ")
            if let cohort = c.cohort { w.write(int: cohort) } else { w.write("null") }
            w.write(", \"before\": \"\(c.before.machineString)\", \"after\": \"\(c.after.machineString)\", \"difference\": \"\(c.difference.machineString)\", \"reason\": ")
            w.writeJSONString(c.reason)
            w.write(byte: UInt8(ascii: "}"))
        }
    }

    /// One line object (SPEC §6), keys in order.
    static func writeLine(_ line: SettlementLine, to w: inout ByteWriter) {
        w.write("{\"goal\": ")
        w.write(int: line.goal)
        w.write(", \"point\": \"")
        switch line.point {
        case let .months(months): w.write(int: months)
        case .end: w.write("end")
        }
        w.write("\", \"date\": \"")
        w.write(date: line.date)
        w.write("\", \"period\": \"")
        w.write(int: line.period.year)
        w.write(line.period.half == 1 ? "-H1\", \"household\": " as StaticString : "-H2\", \"household\": ")
        if let household = line.household { w.writeJSONString(household.rawValue) } else { w.write("null") }
        w.write(", \"person\": ")
        if let person = line.person { w.writeJSONString(person.rawValue) } else { w.write("null") }
        w.write(", \"cohort\": ")
        if let cohort = line.cohort { w.write(int: cohort) } else { w.write("null") }
        w.write(", \"amount\": \"")
        w.write(money: line.amount)
        w.write(line.isImputed ? "\", \"imputed\": true, \"basis\": " as StaticString : "\", \"imputed\": false, \"basis\": ")
        w.writeJSONString(line.basis.text)
        w.write(byte: UInt8(ascii: "}"))
    }

    /// `"kommune": "…", "lbf": "…", ` or `"toDSI": "…", "toLBF": "…", `.
    static func partyFields(_ amounts: [PartyAmount], prefix: String) -> String {
        amounts.map { amount in
            let key = prefix.isEmpty ? amount.party.rawValue : prefix + amount.party.rawValue.uppercased()
            return "\"\(key)\": \"\(amount.amount.machineString)\", "
        }.joined()
    }

    /// The whole JSON as a string.
    public static func string(_ settlement: Settlement) -> String {
        ByteWriter.string { write(settlement, to: &$0) }
    }
}

/// Per-block output buffers shared with `concurrentPerform`; each thread writes only its own.
struct RenderSlots: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<[UInt8]>
    init(_ buffer: UnsafeMutableBufferPointer<[UInt8]>) { self.buffer = buffer }
}
