import OutcomesCore
import Testing

@Suite("Input rules and spreadsheet cells (step 8)")
struct InputRulesTests {
    @Test("ids: letters, digits, '.', '_', '-', first a letter or digit, at most 64")
    func identifiers() {
        for good in ["H00001", "P1", "a.b_c-d", "0", String(repeating: "x", count: 64)] { #expect(InputRules.isIdentifier(good), "\(good)") }
        for bad in ["", "-H", ".H", "a/b", "a b", "H\u{0}", "=cmd", "+1", "@x", "Æble", String(repeating: "x", count: 65)] {
            #expect(!InputRules.isIdentifier(bad), "\(bad)")
        }
        #expect(throws: InputRules.Violation.self) { try InputRules.identifier("a/b", field: "id") }
    }

    @Test("amounts within ±1.000.000.000,00 kr.; years 2000–2100; text without control characters")
    func bounds() throws {
        try InputRules.amount(InputRules.maximumAmount, field: "amount")
        #expect(throws: InputRules.Violation.self) { try InputRules.amount(Money(minorUnits: Int64.max), field: "amount") }
        #expect(throws: InputRules.Violation.self) { try InputRules.amount(Money(minorUnits: 100_000_000_001), field: "amount") }
        #expect(throws: InputRules.Violation.self) { try InputRules.amount(.zero, field: "amount") }
        try InputRules.amount(.zero, field: "amount", allowZero: true)
        #expect(throws: InputRules.Violation.self) { try InputRules.amount(Money(minorUnits: -1), field: "amount") }
        #expect(throws: InputRules.Violation.self) { try InputRules.year(99_999_999_999, field: "year") }
        try InputRules.year(2026, field: "year")
        #expect(throws: InputRules.Violation.self) { try InputRules.line("a\nb", field: "name") }
        try InputRules.text("a\nb\tc", field: "minutes")
        #expect(throws: InputRules.Violation.self) { try InputRules.text("a\u{0}b", field: "minutes") }
        #expect(throws: InputRules.Violation.self) { try InputRules.line("   ", field: "name") }
    }

    @Test("control characters are written out, so what is hashed is what is stored")
    func visible() {
        #expect(InputRules.visible("x\u{0}y") == "x\\u{0}y")
        #expect(InputRules.visible("a\u{1F}b\u{7F}\u{85}") == "a\\u{1F}b\\u{7F}\\u{85}")
        #expect(InputRules.visible("Ærø – fint") == "Ærø – fint")
    }

    @Test("cells a spreadsheet would run get a leading quote; plain numbers stay numbers (OWASP)")
    func cells() {
        #expect(SpreadsheetCell.neutralised("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0")
        #expect(SpreadsheetCell.neutralised("+HYPERLINK(\"http://x\")") == "'+HYPERLINK(\"http://x\")")
        #expect(SpreadsheetCell.neutralised("@SUM(A1)") == "'@SUM(A1)")
        #expect(SpreadsheetCell.neutralised("-2+3") == "'-2+3")
        #expect(SpreadsheetCell.neutralised("\tx") == "'\tx")
        #expect(SpreadsheetCell.neutralised("\rx") == "'\rx")
        #expect(SpreadsheetCell.neutralised("-1234,56") == "-1234,56")
        #expect(SpreadsheetCell.neutralised("+45") == "+45")
        #expect(SpreadsheetCell.neutralised("-0.05") == "-0.05")
        #expect(SpreadsheetCell.neutralised("H00001") == "H00001")
        #expect(SpreadsheetCell.neutralised("") == "")
    }
}
