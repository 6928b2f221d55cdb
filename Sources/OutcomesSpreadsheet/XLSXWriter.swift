public import Foundation
public import OutcomesCore
import Dispatch
import ZIPFoundation

/// Writes a ``Workbook`` as an Office Open XML spreadsheet (`.xlsx`, ECMA-376). The zip is
/// ZIPFoundation's; the sheets' XML is written straight into a byte buffer — a 100,000-row
/// sheet would take seconds through an encoder's object tree — with every text escaped and
/// every control character XML 1.0 forbids left out. Cells are inline strings (no shared-strings
/// table to build), numbers and dates with the styles Excel shows in the reader's locale.
public enum XLSXWriter {
    public enum Failure: Error, CustomStringConvertible {
        case zip(String)
        public var description: String {
            switch self {
            case let .zip(detail): "regnearket kunne ikke pakkes: \(detail)"
            }
        }
    }

    /// Style indices in `styles.xml`'s cellXfs (``writeRow`` writes them as literals).
    enum Style: Int {
        case plain = 0, header = 1, money = 2, date = 3, integer = 4, decimal = 5, percent = 6
    }

    public static func data(_ workbook: Workbook) throws(Failure) -> Data {
        do {
            let archive = try Archive(accessMode: .create)
            // A part over 16 MB (a sheet of hundreds of thousands of lines) is stored, not
            // deflated: deflating 300 MB on one core would take longer than all the rest.
            func add(_ path: String, _ bytes: [UInt8]) throws { try add(path, pieces: [bytes]) }
            func add(_ path: String, pieces: [[UInt8]]) throws {
                let total = pieces.reduce(0) { $0 + $1.count }
                // Where each piece starts, to serve the zip's reads from the pieces themselves.
                var starts: [Int] = []
                var offset = 0
                for piece in pieces {
                    starts.append(offset)
                    offset += piece.count
                }
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(total), modificationDate: fixedDate,
                    compressionMethod: total <= storeAbove ? .deflate : .none, bufferSize: 1 << 22
                ) { position, size in
                    var chunk = Data(capacity: size)
                    var at = Int(position)
                    let end = at + size
                    var index = max(0, (starts.lastIndex { $0 <= at }) ?? 0)
                    while at < end, index < pieces.count {
                        let piece = pieces[index]
                        let from = at - starts[index]
                        let take = min(piece.count - from, end - at)
                        if take > 0 { piece.withUnsafeBufferPointer { chunk.append($0.baseAddress! + from, count: take) } }
                        at += max(take, 0)
                        index += 1
                    }
                    return chunk
                }
            }
            let names = sheetNames(workbook.sheets.map(\.name))
            try add("[Content_Types].xml", Array(contentTypes(count: workbook.sheets.count).utf8))
            try add("_rels/.rels", Array(rootRelations.utf8))
            try add("xl/workbook.xml", Array(workbookXML(names).utf8))
            try add("xl/_rels/workbook.xml.rels", Array(workbookRelations(count: workbook.sheets.count).utf8))
            try add("xl/styles.xml", Array(styles.utf8))
            for (index, sheet) in workbook.sheets.enumerated() {
                try add("xl/worksheets/sheet\(index + 1).xml", pieces: sheetXML(sheet))
            }
            guard let data = archive.data else { throw Failure.zip("intet arkiv i hukommelsen") }
            return data
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.zip(String(describing: error))
        }
    }

    public static let storeAbove = 16 << 20

    /// Entries carry a fixed time, so the same workbook gives the same bytes.
    static let fixedDate = Date(timeIntervalSince1970: 1_700_000_000)

    /// Excel's rules for sheet names: 1–31 characters, none of `[]:*?/\`, unique.
    static func sheetNames(_ names: [String]) -> [String] {
        var used = Set<String>()
        return names.enumerated().map { index, name in
            var clean = String(name.filter { !"[]:*?/\\".contains($0) && !$0.isNewline }.prefix(31))
            // Nor may a name begin or end with an apostrophe.
            while clean.hasPrefix("'") { clean.removeFirst() }
            while clean.hasSuffix("'") { clean.removeLast() }
            if clean.isEmpty { clean = "Ark \(index + 1)" }
            var candidate = clean
            var number = 2
            while used.contains(candidate.lowercased()) {
                let suffix = " (\(number))"
                candidate = String(clean.prefix(31 - suffix.count)) + suffix
                number += 1
            }
            used.insert(candidate.lowercased())
            return candidate
        }
    }

    /// The days since 30.12.1899, as Excel counts dates (its 1900 leap-year bug lies before
    /// March 1900, earlier than any date here).
    static func serial(_ date: LocalDate) -> Int { date.dayNumber - excelEpoch }
    static let excelEpoch = LocalDate(year: 1899, month: 12, day: 30)!.dayNumber

    /// A1-style column letters: 0 → A, 25 → Z, 26 → AA.
    static func column(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.insert(Character(UnicodeScalar(65 + r)!), at: 0)
            n = (n - 1) / 26
        }
        return String(letters)
    }

    /// The sheet's XML in pieces (head, blocks of rows, tail): a large sheet is never copied
    /// into one array; the zip reads the pieces in turn.
    static func sheetXML(_ sheet: Workbook.Sheet) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var out: [UInt8] = []
        let count = sheet.rowCount
        if count <= 8192 { out.reserveCapacity(256 + count * max(sheet.header.count, 1) * 24) }
        func put(_ text: String) { out.append(contentsOf: text.utf8) }
        let columns = max(sheet.header.count, sheet.lazyRows == nil ? (sheet.rows.map(\.count).max() ?? 0) : 0)
        let letters = (0..<max(columns, 1)).map(column)
        put(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#)
        put(#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#)
        put(#"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#)
        if columns > 0 {
            put("<cols>")
            for index in 0..<columns {
                let width = index < sheet.widths.count ? sheet.widths[index] : max(10, min(60, (index < sheet.header.count ? sheet.header[index].count : 10) + 4))
                put(#"<col min="\#(index + 1)" max="\#(index + 1)" width="\#(width)" customWidth="1"/>"#)
            }
            put("</cols>")
        }
        put("<sheetData>")
        writeRow(1, sheet.header.map(Workbook.Cell.text), header: true, letters: letters, into: &out)
        // Rows in blocks of 8.192, on both cores, appended in order.
        let blockSize = 8192
        let blocks = (count + blockSize - 1) / blockSize
        if blocks <= 1 {
            for index in 0..<count { writeRow(index + 2, sheet.row(index), header: false, letters: letters, into: &out) }
        } else {
            let rendered = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: blocks)
            rendered.initialize(repeating: [])
            let slots = Slots(rendered)
            DispatchQueue.concurrentPerform(iterations: blocks) { block in
                var part: [UInt8] = []
                part.reserveCapacity(blockSize * max(sheet.header.count, 1) * 40)
                for index in block * blockSize..<min(count, (block + 1) * blockSize) {
                    writeRow(index + 2, sheet.row(index), header: false, letters: letters, into: &part)
                }
                slots.buffer[block] = part
            }
            pieces.append(out)
            out = []
            pieces.append(contentsOf: rendered)
            _ = rendered.deinitialize()
            rendered.deallocate()
        }
        put("</sheetData>")
        if !sheet.header.isEmpty, count > 0 {
            put(#"<autoFilter ref="A1:\#(letters[max(columns, 1) - 1])\#(count + 1)"/>"#)
        }
        put("</worksheet>")
        pieces.append(out)
        return pieces
    }

    struct Slots: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<[UInt8]>
        init(_ buffer: UnsafeMutableBufferPointer<[UInt8]>) { self.buffer = buffer }
    }

    /// A row as bytes. Cells carry no `r` reference: they stand in order, an empty one as
    /// `<c/>` (the format allows it, and it halves a large sheet); the style index says how a
    /// value is shown.
    static func writeRow(_ number: Int, _ cells: [Workbook.Cell], header: Bool, letters: [String], into out: inout [UInt8]) {
        func put(_ literal: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)) }
        func digits(_ value: Int) {
            if value < 0 { out.append(UInt8(ascii: "-")) }
            var magnitude = value.magnitude
            var reversed: [UInt8] = []
            repeat {
                reversed.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: reversed.reversed())
        }
        put("<row>")
        for cell in cells {
            switch cell {
            case .empty:
                put("<c/>")
            case let .text(text):
                put(header ? #"<c t="inlineStr" s="1"><is>"# : #"<c t="inlineStr"><is>"#)
                // Spaces at the ends are kept only when the text says so (looked at as bytes).
                let first = text.utf8.first ?? 0x41
                let last = text.utf8.last ?? 0x41
                let padded = first == 0x20 || first == 0x09 || first == 0x0A || last == 0x20 || last == 0x09 || last == 0x0A
                put(padded ? #"<t xml:space="preserve">"# : "<t>")
                escape(text, into: &out)
                put("</t></is></c>")
            case let .money(money):
                put(#"<c s="2"><v>"#)
                if money.isNegative { out.append(UInt8(ascii: "-")) }
                let ore = money.minorUnits.magnitude
                digits(Int(ore / 100))
                out.append(UInt8(ascii: "."))
                out.append(UInt8(ascii: "0") + UInt8(ore % 100 / 10))
                out.append(UInt8(ascii: "0") + UInt8(ore % 10))
                put("</v></c>")
            case let .integer(value):
                put(#"<c s="4"><v>"#)
                digits(value)
                put("</v></c>")
            case let .decimal(text):
                put(#"<c s="5"><v>"#)
                escape(text, into: &out)
                put("</v></c>")
            case let .date(date):
                put(#"<c s="3"><v>"#)
                digits(serial(date))
                put("</v></c>")
            case let .percent(rate):
                guard rate.isFinite else {
                    put("<c/>")
                    continue
                }
                put(#"<c s="6"><v>"#)
                out.append(contentsOf: String(format: "%.8f", rate).utf8)
                put("</v></c>")
            }
        }
        put("</row>")
    }

    /// XML text: `& < > "` escaped; the control characters XML 1.0 cannot hold dropped.
    static func escape(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            // Runs of plain bytes are copied whole; only `& < > "` and control bytes are looked at.
            var runStart = 0
            for (i, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0xEF {
                // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are no XML characters either.
                if byte == 0xEF {
                    guard i + 2 < bytes.count, bytes[i + 1] == 0xBF, bytes[i + 2] >= 0xBE else { continue }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                    runStart = i + 3
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                switch byte {
                case 0x26: out.append(contentsOf: "&amp;".utf8)
                case 0x3C: out.append(contentsOf: "&lt;".utf8)
                case 0x3E: out.append(contentsOf: "&gt;".utf8)
                case 0x22: out.append(contentsOf: "&quot;".utf8)
                case 0x09, 0x0A, 0x0D: out.append(byte)
                default: break
                }
                runStart = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
    }

    static func contentTypes(count: Int) -> String {
        var text = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        text += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#
        text += #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        text += #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        for index in stride(from: 1, through: count, by: 1) {
            text += #"<Override PartName="/xl/worksheets/sheet\#(index).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        return text + "</Types>"
    }

    static let rootRelations =
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#

    static func workbookXML(_ names: [String]) -> String {
        var text = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
        for (index, name) in names.enumerated() {
            var escaped: [UInt8] = []
            escape(name, into: &escaped)
            text += #"<sheet name="\#(String(decoding: escaped, as: UTF8.self))" sheetId="\#(index + 1)" r:id="rId\#(index + 1)"/>"#
        }
        return text + "</sheets></workbook>"
    }

    static func workbookRelations(count: Int) -> String {
        var text = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for index in 0..<count {
            text += #"<Relationship Id="rId\#(index + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(index + 1).xml"/>"#
        }
        text += #"<Relationship Id="rId\#(count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        return text + "</Relationships>"
    }

    /// Plain, bold header, `#,##0.00` (kroner), `dd.mm.yyyy`, `0`, `General` and `0.00%`.
    static let styles =
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        + #"<numFmts count="1"><numFmt numFmtId="164" formatCode="dd\.mm\.yyyy"/></numFmts>"#
        + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#
        + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
        + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        + #"<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#
        + #"<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#
        + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#
}

/// The writer's arithmetic, for tests.
public enum XLSXWriterProbe {
    public static func serial(_ date: LocalDate) -> Int { XLSXWriter.serial(date) }
    public static func column(_ index: Int) -> String { XLSXWriter.column(index) }
}
