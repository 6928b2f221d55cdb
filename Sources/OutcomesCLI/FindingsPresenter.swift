import Foundation
import OutcomesCore

/// Prints validation findings as Danish text or as a JSON array.
enum FindingsPresenter {
    /// A JSON array of objects with the keys `clause`, `severity`, `message`, `stated`, `computed`.
    static func json(_ findings: [Finding]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(findings), as: UTF8.self)
    }

    static func text(_ findings: [Finding], commitment: Commitment) -> String {
        var out = "Kontrol af \(commitment.title) (\(commitment.id), version \(commitment.version))\n"
        if findings.isEmpty { return out + "Ingen fund: alle summer, deltotaler, andele og datoer stemmer.\n" }
        let counts = Finding.Severity.allCases.map { severity in
            "\(findings.filter { $0.severity == severity }.count) \(severity.danishName)"
        }
        out += "\(findings.count) fund: \(counts.joined(separator: ", ")). Det angivne tal er bindende (SPEC §3).\n\n"
        for finding in findings.sorted(by: { ($0.severity, $0.clause) < ($1.severity, $1.clause) }) {
            out += "[\(finding.severity.danishName)] \(finding.clause): \(finding.message)\n"
            if finding.stated != nil || finding.computed != nil {
                out += "    angivet: \(finding.stated ?? "–")   beregnet: \(finding.computed ?? "–")\n"
            }
        }
        return out
    }
}
