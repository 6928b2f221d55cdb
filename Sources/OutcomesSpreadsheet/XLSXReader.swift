public import Foundation
import OutcomesCore
import XMLCoder
import ZIPFoundation

/// Reads the sheets of an `.xlsx` file as rows of text (issue #17: deliveries uploaded from
/// Excel): ZIPFoundation opens the package, XMLCoder decodes its parts. A cell formatted as a
/// date becomes `ÅÅÅÅ-MM-DD`, a number its shortest decimal text, a formula its cached value —
/// the same text a CSV export of the sheet would hold, so the delivery importer reads both the
/// same way. Row numbers are Excel's: row 1 is the header.
public enum XLSXReader {
    public struct Sheet: Sendable, Equatable {
        public var name: String
        /// Row by row from row 1; a row Excel skipped is empty, so index + 1 is the row number.
        public var rows: [[String]]
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notAWorkbook(String)
        case tooLarge(String)
        public var description: String {
            switch self {
            case let .notAWorkbook(detail): "filen er ikke et Excel-regneark (.xlsx): \(detail)"
            case let .tooLarge(detail): "regnearket er for stort: \(detail)"
            }
        }
    }

    /// The most a part may unpack to, the most cells (empty ones a row or column number skips
    /// count too) and sheets: a zip bomb or a sheet of a million empty rows is refused before it
    /// fills the memory. 8 MB of sheet XML is some 100.000 rows of a delivery file; Foundation's
    /// XML parser on Linux gives up on parts of some ten megabytes, and XMLCoder's tree of a part
    /// takes tens of times its size. A larger delivery comes as CSV files (or a ZIP of them).
    public static let maximumPartBytes = 8 << 20
    public static let maximumCells = 1_000_000
    public static let maximumSheets = 64

    public static func sheets(_ data: Data) throws(Failure) -> [Sheet] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw .notAWorkbook("ikke en zip-pakke") }
        func part(_ path: String) throws(Failure) -> Data? {
            guard let entry = archive[path] else { return nil }
            guard entry.uncompressedSize <= Int64(maximumPartBytes) else { throw .tooLarge("\(path) fylder over \(maximumPartBytes >> 20) MB") }
            var bytes = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    bytes.append(chunk)
                    if bytes.count > maximumPartBytes { throw ArchiveTooLarge() }
                }
            } catch {
                throw .tooLarge("\(path) fylder over \(maximumPartBytes >> 20) MB")
            }
            return bytes
        }
        func decode<T: Decodable>(_ type: T.Type, _ path: String) throws(Failure) -> T? {
            guard let bytes = try part(path) else { return nil }
            let decoder = XMLDecoder(trimValueWhitespaces: false, removeWhitespaceElements: true)
            do { return try decoder.decode(T.self, from: bytes) } catch { throw .notAWorkbook("\(path) kan ikke læses") }
        }
        guard let workbook = try decode(WorkbookPart.self, "xl/workbook.xml") else { throw .notAWorkbook("xl/workbook.xml mangler") }
        let relations = try decode(RelationshipsPart.self, "xl/_rels/workbook.xml.rels")?.relationship ?? []
        let shared = (try decode(SharedStringsPart.self, "xl/sharedStrings.xml")?.si ?? []).map(\.text)
        let dateStyles = try decode(StylesPart.self, "xl/styles.xml").map(dateStyleIndices) ?? []
        // A workbook saved on a Mac with the 1904 date system counts days from 1.1.1904.
        let epoch = XLSXWriter.excelEpoch + (workbook.workbookPr?.date1904.map { $0 == "1" || $0 == "true" } == true ? 1462 : 0)
        guard workbook.sheets.sheet.count <= maximumSheets else { throw .tooLarge("over \(maximumSheets) ark") }
        var cells = 0
        var result: [Sheet] = []
        var seenTargets = Set<String>()
        for sheet in workbook.sheets.sheet {
            guard let target = relations.first(where: { $0.id == sheet.id })?.target else { continue }
            guard seenTargets.insert(target).inserted else { throw .notAWorkbook("to ark peger på samme del (\(target))") }
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            guard let worksheet = try decode(WorksheetPart.self, path) else { throw .notAWorkbook("\(path) mangler") }
            var rows: [[String]] = []
            for row in worksheet.sheetData.row ?? [] {
                let number = row.r ?? rows.count + 1
                guard number >= 1, number <= 1_048_576 else { throw .notAWorkbook("rækkenummer \(number)") }
                guard number > rows.count else { throw .notAWorkbook("\(sheet.name): række \(number) står efter en senere række") }
                cells += number - 1 - rows.count
                guard cells <= maximumCells else { throw .tooLarge("over \(maximumCells) celler") }
                while rows.count < number - 1 { rows.append([]) }
                var values: [String] = []
                for cell in row.c ?? [] {
                    let index = cell.r.flatMap(columnIndex) ?? values.count
                    guard index < 16_384 else { throw .notAWorkbook("kolonne \(cell.r ?? "")") }
                    guard index >= values.count else { throw .notAWorkbook("\(sheet.name): cellen \(cell.r ?? "") står efter en celle længere til højre") }
                    cells += index - values.count + 1
                    guard cells <= maximumCells else { throw .tooLarge("over \(maximumCells) celler") }
                    while values.count < index { values.append("") }
                    values.append(text(cell, shared: shared, dateStyles: dateStyles, epoch: epoch))
                }
                while values.last == "" { values.removeLast() }
                rows.append(values)
            }
            result.append(Sheet(name: sheet.name, rows: rows))
        }
        return result
    }

    struct ArchiveTooLarge: Error {}

    static func text(_ cell: CellPart, shared: [String], dateStyles: Set<Int>, epoch: Int = XLSXWriter.excelEpoch) -> String {
        switch cell.t {
        case "s": return cell.v.flatMap(Int.init).flatMap { $0 >= 0 && $0 < shared.count ? shared[$0] : nil } ?? ""
        case "inlineStr": return cell.is?.text ?? ""
        case "str", "e": return cell.v ?? ""
        case "b": return cell.v == "1" ? "true" : "false"
        default:
            guard let value = cell.v, !value.isEmpty else { return "" }
            if let style = cell.s, dateStyles.contains(style), let serial = Double(value), serial >= 1, serial < 2_958_466 {
                return LocalDate(dayNumber: epoch + Int(serial.rounded(.down))).isoString
            }
            return plainNumber(value)
        }
    }

    /// `1.5E-2` → `0.015`; `12.0` → `12`: the decimal text a person would type.
    static func plainNumber(_ value: String) -> String {
        guard value.contains("E") || value.contains("e") || value.hasSuffix(".0"), let decimal = Decimal(string: value) else { return value }
        return "\(decimal)"
    }

    /// `B12` → 1.
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 || letters > 3 ? nil : index - 1
    }

    /// The cellXfs entries whose number format shows a date: Excel's built-in 14–22 and 45–47,
    /// or a custom format with d, m or y outside quotes and brackets.
    static func dateStyleIndices(_ styles: StylesPart) -> Set<Int> {
        var custom: [Int: String] = [:]
        for format in styles.numFmts?.numFmt ?? [] { custom[format.numFmtId] = format.formatCode }
        func isDate(_ id: Int) -> Bool {
            if (14...22).contains(id) || (45...47).contains(id) { return true }
            guard let code = custom[id] else { return false }
            var inQuotes = false
            var inBrackets = false
            var escaped = false
            for character in code.lowercased() {
                // `\d` is a literal d, not a day.
                if escaped {
                    escaped = false
                    continue
                }
                if character == "\\" {
                    escaped = true
                    continue
                }
                switch character {
                case "\"": inQuotes.toggle()
                case "[": inBrackets = true
                case "]": inBrackets = false
                case "d", "m", "y":
                    if !inQuotes && !inBrackets { return true }
                default: continue
                }
            }
            return false
        }
        var result = Set<Int>()
        for (index, xf) in (styles.cellXfs?.xf ?? []).enumerated() where isDate(xf.numFmtId ?? 0) { result.insert(index) }
        return result
    }

    // The parts, as XMLCoder decodes them (attributes and elements alike by name).
    struct WorkbookPart: Decodable {
        struct Properties: Decodable { var date1904: String? }
        struct Sheets: Decodable { var sheet: [SheetEntry] }
        struct SheetEntry: Decodable {
            var name: String
            var id: String
            enum CodingKeys: String, CodingKey { case name, id = "r:id" }
        }
        var sheets: Sheets
        var workbookPr: Properties?
    }
    struct RelationshipsPart: Decodable {
        struct Relationship: Decodable {
            var id: String
            var target: String
            enum CodingKeys: String, CodingKey { case id = "Id", target = "Target" }
        }
        var relationship: [Relationship]?
        enum CodingKeys: String, CodingKey { case relationship = "Relationship" }
    }
    struct RichText: Decodable {
        struct Run: Decodable { var t: String? }
        var t: String?
        var r: [Run]?
        var text: String { t ?? (r ?? []).compactMap(\.t).joined() }
    }
    struct SharedStringsPart: Decodable { var si: [RichText]? }
    struct StylesPart: Decodable {
        struct NumFmts: Decodable { var numFmt: [NumFmt]? }
        struct NumFmt: Decodable { var numFmtId: Int; var formatCode: String }
        struct CellXfs: Decodable { var xf: [Xf]? }
        struct Xf: Decodable { var numFmtId: Int? }
        var numFmts: NumFmts?
        var cellXfs: CellXfs?
    }
    struct CellPart: Decodable {
        var r: String?
        var t: String?
        var s: Int?
        var v: String?
        var `is`: RichText?
    }
    struct WorksheetPart: Decodable {
        struct SheetData: Decodable { var row: [RowPart]? }
        struct RowPart: Decodable { var r: Int?; var c: [CellPart]? }
        var sheetData: SheetData
    }
}
