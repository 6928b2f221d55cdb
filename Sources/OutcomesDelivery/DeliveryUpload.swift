public import Foundation
import OutcomesSpreadsheet
import ZIPFoundation

/// What a person uploads as a delivery (issue #17): the CSV files themselves, a ZIP of them, or
/// an Excel workbook with a sheet per file (`households`, `persons`, …). ZIPs and workbooks are
/// unpacked to the same CSV files, so the one importer and its all-or-nothing rules read all
/// three; an error in a workbook names its sheet, row and column letter.
public struct DeliveryUpload: Sendable {
    /// Where a delivery file came from, when it was not uploaded as itself.
    public struct Source: Sendable, Equatable {
        /// The uploaded file: `leverance.xlsx`, `leverance.zip`.
        public var container: String
        /// The sheet it was, in a workbook.
        public var sheet: String?
        /// The sheet's header row, to name a column by its letter.
        public var header: [String]
    }

    /// The delivery's files by name (`households.csv`, …).
    public var files: [String: Data]
    /// Uploaded files (or sheets, or ZIP entries) that are no delivery file, to report.
    public var unknown: [String]
    public var sources: [String: Source]

    /// The largest ZIP entry unpacked, and the most entries: a zip bomb is refused.
    public static let maximumEntryBytes = 256 << 20
    public static let maximumEntries = 100

    public static func unpack(_ uploaded: [String: Data]) throws(DeliveryRejected) -> DeliveryUpload {
        let known = Set(DeliveryImporter.fileNames)
        var upload = DeliveryUpload(files: [:], unknown: [], sources: [:])
        func fail(_ file: String, _ message: String) -> DeliveryRejected {
            DeliveryRejected(issues: [ImportIssue(file: file, line: 0, column: "", message: message)])
        }
        for (name, data) in uploaded.sorted(by: { $0.key < $1.key }) {
            let lower = name.lowercased()
            if lower.hasSuffix(".xlsx") {
                let sheets: [XLSXReader.Sheet]
                do { sheets = try XLSXReader.sheets(data) } catch { throw fail(name, error.description) }
                for sheet in sheets {
                    let file = fileName(sheet.name)
                    guard known.contains(file) else {
                        if sheet.name != guideSheet { upload.unknown.append("\(name) (ark \(sheet.name))") }
                        continue
                    }
                    guard upload.files[file] == nil else { throw fail(name, "arket \(sheet.name) og en anden fil giver begge \(file)") }
                    // A line break inside a cell would shift every later row's number: refused.
                    for (rowIndex, row) in sheet.rows.enumerated() {
                        if let column = row.firstIndex(where: { $0.contains(where: \.isNewline) }) {
                            let header = sheet.rows.first ?? []
                            let named = column < header.count ? "\(header[column]) (\(XLSXWriterProbe.column(column)))" : XLSXWriterProbe.column(column)
                            throw DeliveryRejected(issues: [
                                ImportIssue(file: "\(name), ark \(sheet.name)", line: rowIndex + 1, column: named, message: "cellen har et linjeskift; skriv værdien på én linje")
                            ])
                        }
                    }
                    upload.files[file] = Data(csv(sheet.rows).utf8)
                    upload.sources[file] = Source(container: name, sheet: sheet.name, header: sheet.rows.first ?? [])
                }
            } else if lower.hasSuffix(".zip") {
                let archive: Archive
                do { archive = try Archive(data: data, accessMode: .read) } catch { throw fail(name, "filen er ikke en zip-fil") }
                var count = 0
                for entry in archive where entry.type == .file {
                    let path = entry.path
                    let base = String(path.split(separator: "/").last ?? "")
                    if path.hasPrefix("__MACOSX/") || base.hasPrefix(".") { continue }
                    count += 1
                    guard count <= maximumEntries else { throw fail(name, "zip-filen har over \(maximumEntries) filer") }
                    guard known.contains(base) else {
                        upload.unknown.append("\(name) (\(path))")
                        continue
                    }
                    guard entry.uncompressedSize <= Int64(maximumEntryBytes) else { throw fail(name, "\(path) fylder over \(maximumEntryBytes >> 20) MB") }
                    guard upload.files[base] == nil else { throw fail(name, "\(base) findes to gange") }
                    var bytes = Data()
                    do {
                        _ = try archive.extract(entry) { chunk in
                            bytes.append(chunk)
                            if bytes.count > maximumEntryBytes { throw TooLarge() }
                        }
                    } catch {
                        throw fail(name, "\(path) kan ikke pakkes ud, eller fylder over \(maximumEntryBytes >> 20) MB")
                    }
                    upload.files[base] = bytes
                    upload.sources[base] = Source(container: name, sheet: nil, header: [])
                }
            } else if known.contains(name) {
                guard upload.files[name] == nil else { throw fail(name, "filen findes to gange") }
                upload.files[name] = data
            } else {
                upload.unknown.append(name)
            }
        }
        return upload
    }

    struct TooLarge: Error {}

    /// The sheet with the columns' meaning in the template: not a delivery file, not unknown.
    public static let guideSheet = "Vejledning"

    /// `households` or `households.csv` → `households.csv`.
    static func fileName(_ sheet: String) -> String {
        let name = sheet.trimmingCharacters(in: .whitespaces).lowercased()
        return name.hasSuffix(".csv") ? name : name + ".csv"
    }

    /// A sheet's rows as CSV, one line per row so that line numbers are row numbers (RFC 4180
    /// quoting where a value needs it). Excel leaves a row's empty cells at the end out: a row
    /// is filled up to the header's width.
    static func csv(_ rows: [[String]]) -> String {
        let width = rows.first?.count ?? 0
        var lines = rows.map { cells in
            let row = cells.isEmpty || cells.count >= width ? cells : cells + Array(repeating: "", count: width - cells.count)
            return row.map { value in
                value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
            }.joined(separator: ",")
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An importer's issue where the person will look for it: for a workbook, the file, sheet,
    /// row and column letter (`leverance.xlsx, ark households`, row 3, `area (B)`); for a ZIP, the
    /// entry in it.
    public func locate(_ issue: ImportIssue) -> ImportIssue {
        guard let source = sources[issue.file] else { return issue }
        var located = issue
        if let sheet = source.sheet {
            located.file = "\(source.container), ark \(sheet)"
            if let index = source.header.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == issue.column.lowercased() }) {
                located.column = "\(issue.column) (\(XLSXWriterProbe.column(index)))"
            }
        } else {
            located.file = "\(source.container): \(issue.file)"
        }
        return located
    }
}
