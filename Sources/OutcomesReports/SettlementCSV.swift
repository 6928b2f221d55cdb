public import OutcomesCore

/// The settlement's lines for Danish Excel: UTF-8 with a byte-order mark, `;` between
/// fields, a decimal comma, CRLF line ends, Danish headers.
public enum SettlementCSV {
    public static let header = ["mål", "måling", "dato", "periode", "husstand", "person", "kohorte", "beløb", "imputeret", "grundlag"]

    public static func write(_ settlement: Settlement, to w: inout ByteWriter) {
        for byte in [0xEF, 0xBB, 0xBF] as [UInt8] { w.write(byte: byte) }
        w.write(header.joined(separator: ";") + "\r\n")
        for line in settlement.lines {
            let fields = [
                String(line.goal), line.point.danishDescription, line.date.isoString, line.period.danishLabel, line.household?.rawValue ?? "",
                line.person?.rawValue ?? "", line.cohort.map(String.init) ?? "",
                line.amount.danishNumber.replacingAll(".", with: ""), line.isImputed ? "ja" : "nej", line.basis.text,
            ]
            w.write(fields.map(field).joined(separator: ";") + "\r\n")
        }
    }

    /// A cell: neutralised against formulas (``SpreadsheetCell/neutralised(_:)``, OWASP), then
    /// quoted when it holds `;`, `"` or a line break (RFC 4180).
    static func field(_ raw: String) -> String {
        let text = SpreadsheetCell.neutralised(raw)
        guard text.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }

    public static func string(_ settlement: Settlement) -> String {
        ByteWriter.string { write(settlement, to: &$0) }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
