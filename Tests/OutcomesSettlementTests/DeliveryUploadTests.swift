import Foundation
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
import OutcomesReports
import OutcomesSpreadsheet
import Testing
import ZIPFoundation

/// Issue #17: a delivery from Excel or a ZIP goes through the same importer as its CSV files.
@Suite("Deliveries uploaded as CSV, ZIP or Excel")
struct DeliveryUploadTests {
    static let demo = DemoData.generate(commitment: ContractFile.builtIn(), seed: 2023, households: 60).mapValues { Data($0.utf8) }

    @Test("export → import: the demo delivery as a workbook reads back to the same delivery as its CSV files")
    func workbookRoundTrip() throws {
        let direct = try DeliveryImporter.importFiles(Self.demo, commitment: ContractFile.builtIn()).delivery
        let workbook = try XLSXWriter.data(DeliveryFormat.workbook(fromCSV: Self.demo))
        let upload = try DeliveryUpload.unpack(["leverance.xlsx": workbook])
        #expect(upload.unknown.isEmpty && Set(upload.files.keys) == Set(Self.demo.keys))
        let viaExcel = try DeliveryImporter.importFiles(upload.files, commitment: ContractFile.builtIn()).delivery
        #expect(viaExcel == direct)
    }

    @Test("the settlement's lines as a workbook: every line's explanation is its own, worded once per different basis")
    func settlementLines() throws {
        let delivery = try DeliveryImporter.importFiles(Self.demo, commitment: ContractFile.builtIn()).delivery
        let settlement = SettlementEngine.settle(ContractFile.builtIn(), delivery: delivery, asOf: LocalDate(iso: "2026-11-26")!)
        // More lines than one block of the explanations' search (32.768), so that blocks meet.
        var s = settlement
        while s.lines.count < 70_000 { s.lines += settlement.lines }
        let sheet = SettlementWorkbook.lines(s)
        #expect(sheet.rowCount == s.lines.count)
        for index in [0, 1, 32_767, 32_768, 32_769, 65_536, s.lines.count - 1] {
            #expect(sheet.row(index).last == .text(s.lines[index].basis.text), "line \(index)")
        }
        let (texts, basisOf) = SettlementWorkbook.explanations(s.lines)
        #expect(texts.count == Set(settlement.lines.map(\.basis)).count, "one explanation per different basis")
        #expect(Swift.zip(basisOf, s.lines).allSatisfy { texts[Int($0)] == $1.basis.text })
    }

    @Test("a ZIP of the CSV files reads as the files; other entries are reported, not read")
    func zip() throws {
        var entries = Self.demo
        entries["noter/LÆS MIG.txt"] = Data("intet".utf8)
        let zip = try DeliveryUploadTests.zip(entries.mapKeys { $0.hasPrefix("noter/") ? $0 : "leverance/" + $0 })
        let upload = try DeliveryUpload.unpack(["leverance.zip": zip])
        #expect(upload.files == Self.demo)
        #expect(upload.unknown == ["leverance.zip (noter/LÆS MIG.txt)"])
    }

    @Test("an error in a workbook names the file, the sheet, the row and the column's letter")
    func errorLocation() throws {
        let workbook = Workbook([
            Workbook.Sheet(
                name: "households", header: ["household_id", "area", "group", "start_date"],
                rows: [[.text("H1"), .text("houlkaer"), .text("treatment"), .date(LocalDate(iso: "2024-01-10")!)], [.text("H2"), .text("vestbyen"), .text("treatment"), .text("2024-02-01")]]
            ),
            Workbook.Sheet(name: "Vejledning", header: ["Ark / fil"], rows: []),
        ])
        let upload = try DeliveryUpload.unpack(["leverance.xlsx": try XLSXWriter.data(workbook)])
        #expect(upload.unknown.isEmpty, "the template's guide sheet is no unknown file")
        do {
            _ = try DeliveryImporter.importFiles(upload.files, commitment: ContractFile.builtIn())
            Issue.record("the wrong area was accepted")
        } catch {
            let located = error.issues.map(upload.locate)
            #expect(located.contains { $0.file == "leverance.xlsx, ark households" && $0.line == 3 && $0.column == "area (B)" }, "\(located)")
        }
    }

    @Test("a cell with a line break is refused with its sheet, row and column (it would shift every later row's number)")
    func lineBreak() throws {
        let workbook = Workbook([
            Workbook.Sheet(name: "households", header: ["household_id", "area"], rows: [[.text("H1"), .text("houl\nkaer")]])
        ])
        let data = try XLSXWriter.data(workbook)
        do {
            _ = try DeliveryUpload.unpack(["leverance.xlsx": data])
            Issue.record("accepted")
        } catch {
            #expect(error.issues == [ImportIssue(file: "leverance.xlsx, ark households", line: 2, column: "area (B)", message: "cellen har et linjeskift; skriv værdien på én linje")])
        }
    }

    @Test("what cannot be a delivery is refused whole with a Danish reason")
    func hostile() {
        #expect(throws: DeliveryRejected.self) { try DeliveryUpload.unpack(["leverance.xlsx": Data("ikke et regneark".utf8)]) }
        #expect(throws: DeliveryRejected.self) { try DeliveryUpload.unpack(["leverance.zip": Data("PK\u{3}\u{4}".utf8)]) }
        let twice = (try? DeliveryUpload.unpack(["households.csv": Data("x".utf8)]))?.files.count
        #expect(twice == 1)
    }

    @Test("the templates: a sheet per file with its columns and a guide; the CSV files and a guide in a ZIP")
    func templates() throws {
        let sheets = try XLSXReader.sheets(try XLSXWriter.data(DeliveryFormat.workbookTemplate(ContractFile.builtIn())))
        #expect(sheets.map(\.name) == DeliveryImporter.fileNames.map { String($0.dropLast(4)) } + ["Vejledning"])
        #expect(sheets.first?.rows.first?.first == "household_id")
        let guide = sheets.last?.rows ?? []
        #expect(guide.contains { $0.count == 4 && $0[1] == "area" && $0[3].contains("houlkaer = Houlkær") })
        let upload = try DeliveryUpload.unpack(["skabelon.zip": try DeliveryFormat.csvTemplate(ContractFile.builtIn())])
        #expect(Set(upload.files.keys) == Set(DeliveryImporter.fileNames))
        #expect(upload.unknown == ["skabelon.zip (vejledning.txt)"])
    }

    /// A ZIP as a person's archiver makes it: the entries in folders.
    static func zip(_ entries: [String: Data]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, data) in entries.sorted(by: { $0.key < $1.key }) {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data ?? Data()
    }
}

extension Dictionary {
    func mapKeys<K: Hashable>(_ transform: (Key) -> K) -> [K: Value] { Dictionary<K, Value>(uniqueKeysWithValues: map { (transform($0.key), $0.value) }) }
}
