public import OutcomesCore

/// SPEC §10: the document an approved half-year is kept as — its figures and its lines in the
/// SPEC §6 JSON forms, with where they came from. Written once; its bytes and hash never change.
///
/// ```json
/// {"contract": "viborg-relationel-velfaerd", "contractVersion": 1, "delivery": 2, "asOf": "2025-03-31",
///  "period": {"period": "2024-H2", …, "approved": true},
///  "lines": [{"goal": 1, …}, …]}
/// ```
public enum ApprovedPeriodDocument {
    public static func string(
        _ period: PeriodSettlement,
        lines: [SettlementLine],
        corrections: [CorrectionLine] = [],
        contract: String,
        version: Int,
        delivery: Int,
        asOf: LocalDate
    ) -> String {
        ByteWriter.string { w in
            w.write("{\"contract\": ")
            w.writeJSONString(contract)
            w.write(", \"contractVersion\": \(version), \"delivery\": \(delivery), \"asOf\": \"\(asOf.isoString)\",\n \"period\": ")
            var approved = period
            approved.isApproved = true
            w.write(
                "{\"period\": \"\(approved.period.label)\", \"start\": \"\(approved.period.start.isoString)\", \"end\": \"\(approved.period.end.isoString)\", \"due\": \"\(approved.due.isoString)\", \"closed\": \(approved.isClosed), \"goals\": {"
            )
            SettlementJSON.writePeriodBody(approved, to: &w)
            w.write(",\n \"lines\": [")
            for (i, line) in lines.enumerated() {
                w.write(i == 0 ? "\n  " : ",\n  ")
                SettlementJSON.writeLine(line, to: &w)
            }
            w.write(lines.isEmpty ? "]" : "\n ]")
            // The corrections this half-year settles (SPEC §10), kept with it.
            if !corrections.isEmpty {
                w.write(",\n \"corrections\": [")
                SettlementJSON.writeCorrections(corrections, to: &w)
                w.write("\n ]")
            }
            w.write("}\n")
        }
    }
}
