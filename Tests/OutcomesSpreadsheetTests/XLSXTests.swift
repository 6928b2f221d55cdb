import Foundation
import OutcomesCore
import OutcomesSpreadsheet
import Testing

@Suite("Excel workbooks written and read back (issue #17)")
struct XLSXTests {
    static let workbook = Workbook([
        Workbook.Sheet(
            name: "Opgørelse pr. halvår",
            header: ["Halvår", "Forfald", "Mål 1", "Husstande", "Note"],
            rows: [
                [.text("2. halvår 2024"), .date(LocalDate(iso: "2025-03-31")!), .money(Money(minorUnits: 3_669_333)), .integer(12), .text("<&> \"citat\"")],
                [.text("1. halvår 2025"), .date(LocalDate(iso: "2025-09-30")!), .money(Money(minorUnits: -1_250)), .empty, .text("æøå\u{7}tab\tslut")],
            ]
        ),
        Workbook.Sheet(name: "Linjer: mål [1]/2*?", header: ["Dato"], rows: [[.date(LocalDate(iso: "2023-11-01")!)]]),
    ])

    @Test("numbers stay numbers, dates dates, text is escaped; the reader gives back what a CSV of the sheet would hold")
    func roundTrip() throws {
        let data = try XLSXWriter.data(Self.workbook)
        #expect(data.starts(with: Data("PK".utf8)), "a zip package")
        let sheets = try XLSXReader.sheets(data)
        #expect(sheets.map(\.name) == ["Opgørelse pr. halvår", "Linjer mål 12"], "Excel's forbidden characters left out")
        #expect(sheets[0].rows[0] == ["Halvår", "Forfald", "Mål 1", "Husstande", "Note"])
        #expect(sheets[0].rows[1] == ["2. halvår 2024", "2025-03-31", "36693.33", "12", "<&> \"citat\""])
        #expect(sheets[0].rows[2] == ["1. halvår 2025", "2025-09-30", "-12.50", "", "æøåtab\tslut"], "a control character XML cannot hold is left out")
        #expect(sheets[1].rows == [["Dato"], ["2023-11-01"]])
    }

    /// openpyxl, an independent reader of the format, when Python has it (`.ci/run` installs it).
    static let openpyxl: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import openpyxl"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test("an independent reader (openpyxl) sees text, real numbers with their format, and real dates", .enabled(if: openpyxl, "needs Python's openpyxl"))
    func independentReader() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-\(UUID().uuidString).xlsx")
        try XLSXWriter.data(Self.workbook).write(to: file)
        let script = """
            import openpyxl, sys
            book = openpyxl.load_workbook(sys.argv[1])
            sheet = book.worksheets[0]
            for cell in sheet[2]:
                print(type(cell.value).__name__, repr(cell.value), cell.number_format, sep="|")
            print(sheet.freeze_panes, sheet["A1"].font.b, book.sheetnames[1], sep="|")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 6, "\(output)")
        #expect(lines.first == "str|'2. halvår 2024'|General")
        #expect(lines.dropFirst().first == #"datetime|datetime.datetime(2025, 3, 31, 0, 0)|dd\.mm\.yyyy"#)
        #expect(lines.dropFirst(2).first == "float|36693.33|#,##0.00")
        #expect(lines.dropFirst(3).first == "int|12|0")
        #expect(lines.last == "A2|True|Linjer mål 12", "the header row frozen and bold")
    }

    @Test("the same workbook gives the same bytes")
    func deterministic() throws {
        #expect(try XLSXWriter.data(Self.workbook) == XLSXWriter.data(Self.workbook))
    }

    @Test("Excel's date serials: 30.12.1899 is day 0, 1.11.2023 is 45231")
    func serials() {
        #expect(XLSXWriterProbe.serial(LocalDate(iso: "2023-11-01")!) == 45_231)
        #expect(XLSXWriterProbe.column(0) == "A" && XLSXWriterProbe.column(25) == "Z" && XLSXWriterProbe.column(26) == "AA" && XLSXWriterProbe.column(701) == "ZZ")
    }

    @Test("what is no workbook is refused with a Danish reason, never a trap")
    func hostile() {
        #expect(throws: XLSXReader.Failure.self) { try XLSXReader.sheets(Data("household_id,area\n".utf8)) }
        #expect(throws: XLSXReader.Failure.self) { try XLSXReader.sheets(Data()) }
        #expect(throws: XLSXReader.Failure.self) { try XLSXReader.sheets(Data([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 40))) }
    }
}
