import Foundation
import OutcomesContractFile
import OutcomesCore
import Testing

@testable import OutcomesDelivery
@testable import OutcomesReports

@Suite("Settlement output (SPEC §6)")
struct OutputTests {
    func tiny() throws -> Settlement {
        let imported = try importing([
            "households.csv": "household_id,area,group,start_date,end_date,end_reason\nH1,houlkaer,treatment,2024-01-15,2025-01-15,stable\n",
            "action_plan_goals.csv": "household_id,goal_id,fulfilled\nH1,M1,ja\nH1,M2,nej\n",
        ])
        var settlement = SettlementEngine.settle(viborg, delivery: imported.delivery, asOf: day("2025-02-01"))
        settlement.warnings = imported.warnings + settlement.warnings
        return settlement
    }

    @Test("JSON: keys, nesting, amounts as two-decimal strings, exactly")
    func json() throws {
        let expected = try String(
            contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("tiny-settlement.json").path,
            encoding: .utf8
        )
        #expect(SettlementJSON.string(try tiny()) == expected)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(expected.utf8)) as? [String: Any])
        // SPEC §6's keys, and SPEC §9's interpretations after them (issue #15).
        #expect(Set(object.keys) == ["contract", "asOf", "periods", "goals", "totals", "lines", "warnings", "interpretations"])
        let notes = try #require(object["interpretations"] as? [[String: String]])
        #expect(notes.map { $0["key"] } == ["ageBasis", "previousBenefitType", "severalMeasures", "absenceRounding", "imputationWindow", "trancheShares", "returnCapCoverage"])
    }

    @Test("JSON escapes quotes, backslashes and control characters in ids")
    func escaping() throws {
        var b = DeliveryBuilder()
        b.household("H\"1\\\n", start: "2024-01-10", end: "2025-01-10", reason: .stable)
        b.plan("H\"1\\\n", [true])
        let text = SettlementJSON.string(b.settle(asOf: "2025-06-30"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let lines = try #require(object["lines"] as? [[String: Any]])
        #expect(lines.first?["household"] as? String == "H\"1\\\n")
    }

    @Test("CSV for Danish Excel: BOM, semicolons, decimal comma, CRLF, quoted basis")
    func csv() throws {
        let text = SettlementCSV.string(try tiny())
        #expect(text.hasPrefix("\u{FEFF}mål;måling;dato;periode;husstand;person;kohorte;beløb;imputeret;grundlag\r\n"))
        #expect(
            text.contains(
                "\r\n5;ved afslutning;2025-01-15;1. halvår 2025;H1;;;6250,00;nej;Handleplan: 1 af 2 mål opfyldt = 50,00 procentpoint × 125 kr. = 6.250 kr. (B5.1 2.1, 2.8).\r\n"
            )
        )
        #expect(SettlementCSV.field("a;b") == "\"a;b\"")
        #expect(SettlementCSV.field("a\"b") == "\"a\"\"b\"")
        // Formula injection (OWASP): neutralised, then quoted when needed; amounts stay numbers.
        #expect(SettlementCSV.field("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0")
        #expect(SettlementCSV.field("=HYPERLINK(\"http://x\";\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\"")
        #expect(SettlementCSV.field("-6250,00") == "-6250,00")
    }

    /// The CSV one field at a time, as it was written before issue #17: the reference the fast
    /// writer must match byte for byte.
    static func referenceCSV(_ s: Settlement) -> String {
        var out = "\u{FEFF}" + SettlementCSV.header.joined(separator: ";") + "\r\n"
        for line in s.lines {
            let fields = [
                String(line.goal), line.point.danishDescription, line.date.isoString, line.period.danishLabel, line.household?.rawValue ?? "",
                line.person?.rawValue ?? "", line.cohort.map(String.init) ?? "",
                line.amount.danishNumber.replacingOccurrences(of: ".", with: ""), line.isImputed ? "ja" : "nej", line.basis.text,
            ]
            out += fields.map(SettlementCSV.field).joined(separator: ";") + "\r\n"
        }
        return out
    }

    @Test("the fast CSV writer gives the same bytes as one field at a time: the demo's settlement and hostile ids and bases")
    func csvSameBytes() throws {
        let delivery = try DeliveryImporter.importFiles(
            DemoData.generate(commitment: viborg, seed: 2023, households: 180).mapValues { Data($0.utf8) }, commitment: viborg
        ).delivery
        var settlement = SettlementEngine.settle(viborg, delivery: delivery, asOf: LocalDate(iso: "2026-11-26")!)
        #expect(settlement.lines.count > 500)
        #expect(SettlementCSV.string(settlement) == Self.referenceCSV(settlement))
        // Ids and bases a spreadsheet could misread, and negative amounts.
        let hostile = ["=cmd|' /C calc'!A0", "+45", "-12", "@SUM(A1)", "a;b", "a\"b", "linje\nskift", "\tfane", "-1234,50", ""]
        for (index, text) in hostile.enumerated() where index < settlement.lines.count {
            settlement.lines[index].household = HouseholdID(text)
            settlement.lines[index].person = PersonID(text)
            settlement.lines[index].basis = .recorded(text)
            settlement.lines[index].amount = Money(minorUnits: -Int64(index) * 12_345)
        }
        #expect(SettlementCSV.string(settlement) == Self.referenceCSV(settlement))
        settlement.lines = []
        #expect(SettlementCSV.string(settlement) == Self.referenceCSV(settlement))
    }

    @Test("Table: a Danish summary per period and goal")
    func table() throws {
        let text = SettlementTable.render(try tiny(), commitment: viborg)
        #expect(text.contains("Betalingsopgørelse: Relationel Velfærd (viborg-relationel-velfaerd) pr. 1. februar 2025"))
        #expect(text.contains("1. halvår 2025 (åben)"))
        #expect(text.contains("6.250,00"))
        #expect(text.contains("5. Handleplaner: 1 linjer"))
        #expect(text.contains("Fortolkninger (SPEC §9)"))
    }
}
