public import OutcomesCore

/// The settlement's lines for Danish Excel: UTF-8 with a byte-order mark, `;` between
/// fields, a decimal comma, CRLF line ends, Danish headers.
///
/// Issue #17: as fast as the JSON. Lines are written as bytes (no field arrays or joined
/// Strings), in blocks of 8.192 on both cores, in order — the same bytes as one field at a
/// time through ``field(_:)`` (a test compares them).
public enum SettlementCSV {
    public static let header = ["mål", "måling", "dato", "periode", "husstand", "person", "kohorte", "beløb", "imputeret", "grundlag"]

    public static func write(_ settlement: Settlement, to w: inout ByteWriter) {
        for byte in [0xEF, 0xBB, 0xBF] as [UInt8] { w.write(byte: byte) }
        w.write(header.joined(separator: ";") + "\r\n")
        let lines = settlement.lines
        w.writeInBlocks(count: lines.count) { i, w in writeLine(lines[i], to: &w) }
    }

    /// One line: goal, point, date, half-year, household, person, cohort, amount (`1234,50`),
    /// imputed, basis. Only the texts that come from data (ids, the basis) can need a quote or
    /// a formula guard; the rest are written as they are.
    static func writeLine(_ line: SettlementLine, to w: inout ByteWriter) {
        w.write(int: line.goal)
        w.write(byte: semicolon)
        switch line.point {
        case let .months(months):
            w.write(int: months)
            w.write(" mdr." as StaticString)
        case .end: w.write("ved afslutning" as StaticString)
        }
        w.write(byte: semicolon)
        w.write(date: line.date)
        w.write(byte: semicolon)
        w.write(int: line.period.half)
        w.write(". halvår " as StaticString)
        w.write(int: line.period.year)
        w.write(byte: semicolon)
        if let household = line.household { writeField(household.rawValue, to: &w) }
        w.write(byte: semicolon)
        if let person = line.person { writeField(person.rawValue, to: &w) }
        w.write(byte: semicolon)
        if let cohort = line.cohort { w.write(int: cohort) }
        w.write(byte: semicolon)
        w.write(danishMoney: line.amount)
        w.write(line.isImputed ? ";ja;" as StaticString : ";nej;")
        writeField(line.basis.text, to: &w)
        w.write("\r\n" as StaticString)
    }

    static let semicolon = UInt8(ascii: ";")

    /// ``field(_:)`` on bytes: a text that starts like a formula gets a leading `'` (unless it
    /// is a plain number); one holding `;`, `"` or a line break is quoted with doubled quotes.
    static func writeField(_ raw: String, to w: inout ByteWriter) {
        var text = raw
        text.withUTF8 { bytes in
            guard let first = bytes.first else { return }
            var needsQuotes = false
            for byte in bytes where byte == 0x3B || byte == 0x22 || byte == 0x0A || byte == 0x0D {
                needsQuotes = true
                break
            }
            let guarded =
                (first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@")
                    || first == 0x09 || first == 0x0D) && !SpreadsheetCell.isPlainNumberText(raw)
            if needsQuotes { w.write(byte: 0x22) }
            if guarded { w.write(byte: UInt8(ascii: "'")) }
            if needsQuotes {
                var runStart = 0
                for (i, byte) in bytes.enumerated() where byte == 0x22 {
                    w.write(bytes: UnsafeBufferPointer(rebasing: bytes[runStart...i]))
                    w.write(byte: 0x22)
                    runStart = i + 1
                }
                w.write(bytes: UnsafeBufferPointer(rebasing: bytes[runStart...]))
                w.write(byte: 0x22)
            } else {
                w.write(bytes: bytes)
            }
        }
    }

    /// A cell: neutralised against formulas (``SpreadsheetCell/neutralised(_:)``, OWASP), then
    /// quoted when it holds `;`, `"` or a line break (RFC 4180). The reference ``writeField``
    /// is tested against.
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
