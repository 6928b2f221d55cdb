public import Foundation
public import OutcomesCore
import Dispatch
import ZIPFoundation

/// Writes a ``Workbook`` as an Office Open XML spreadsheet (`.xlsx`, ECMA-376). The zip is
/// ZIPFoundation's; the sheets' XML is written straight into a byte buffer — a 100,000-row
/// sheet would take seconds through an encoder's object tree — with every text escaped and
/// every control character XML 1.0 forbids left out. Texts are shared strings (each once, in the
/// order first met), numbers and dates carry the styles Excel shows in the reader's locale.
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

    /// The workbook as bytes, the package built in memory, sized to fit (so it never grows
    /// its buffer, copying the package again each time): for the workbooks of a page.
    public static func data(_ workbook: Workbook) throws(Failure) -> Data {
        try data(workbook, chunkSize: 1 << 22)
    }

    static func data(_ workbook: Workbook, chunkSize: Int) throws(Failure) -> Data {
        let entries = entries(workbook)
        let room = entries.reduce(1024) { room, entry in
            room + 2 * (entry.path.utf8.count + 120) + entry.parts.reduce(0) { $0 + $1.length }
        }
        let archive: Archive
        do {
            archive = try Archive(data: Data(capacity: room), accessMode: .create)
        } catch {
            throw Failure.zip(String(describing: error))
        }
        try pack(entries, into: archive, chunkSize: chunkSize)
        guard let data = archive.data else { throw Failure.zip("intet arkiv i hukommelsen") }
        return data
    }

    /// The workbook written into a new file at `url` (it must not exist), the package never
    /// held in memory: for a national settlement, a 175 MB package.
    public static func write(_ workbook: Workbook, to url: URL) throws(Failure) {
        let entries = entries(workbook)
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .create)
        } catch {
            throw Failure.zip(String(describing: error))
        }
        try pack(entries, into: archive)
    }

    /// The package's parts. Every sheet is made first: the shared strings are known only then.
    static func entries(_ workbook: Workbook) -> [(path: String, parts: [Part])] {
        let names = sheetNames(workbook.sheets.map(\.name))
        var strings = SharedStrings()
        var entries: [(path: String, parts: [Part])] = [
            ("[Content_Types].xml", [Part(contentTypes(count: workbook.sheets.count))]),
            ("_rels/.rels", [Part(rootRelations)]),
            ("xl/workbook.xml", [Part(workbookXML(names))]),
            ("xl/_rels/workbook.xml.rels", [Part(workbookRelations(count: workbook.sheets.count))]),
            ("xl/styles.xml", [Part(styles)]),
        ]
        for (index, sheet) in workbook.sheets.enumerated() {
            entries.append(("xl/worksheets/sheet\(index + 1).xml", sheetXML(sheet, strings: &strings)))
        }
        entries.append(("xl/sharedStrings.xml", [Part(bytes: strings.xml())]))
        return entries
    }

    /// Each part streams into the archive through one reused buffer.
    static func pack(_ entries: [(path: String, parts: [Part])], into archive: Archive, chunkSize bufferSize: Int = 1 << 22) throws(Failure) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        do {
            for entry in entries {
                let total = entry.parts.reduce(0) { $0 + $1.length }
                // A part over 16 MB (a sheet of hundreds of thousands of lines) is stored, not
                // deflated: deflating 175 MB on one core would take longer than all the rest.
                let stored = total > storeAbove
                var reader = PartReader(entry.parts)
                try archive.addEntry(
                    with: entry.path, type: .file, uncompressedSize: Int64(total), modificationDate: fixedDate,
                    compressionMethod: stored ? .none : .deflate, bufferSize: bufferSize
                ) { _, size in
                    // ZIPFoundation asks for the chunks in order, and checksums and writes (or
                    // deflates) each before it asks for the next: one buffer serves them all.
                    let count = reader.fill(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(size, bufferSize)]))
                    return Data(bytesNoCopy: buffer.baseAddress!, count: count, deallocator: .none)
                }
            }
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

    /// The workbook's texts, each once, numbered in the order they are first met (so the same
    /// workbook gives the same bytes). A settlement's 765.000 lines hold some 12.700 different
    /// explanations of ~180 bytes each: as shared strings the sheet is less than half the size.
    struct SharedStrings {
        var table = TextTable()

        /// `xl/sharedStrings.xml`.
        func xml() -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(table.arena.count + table.count * 16 + 256)
            out.append(contentsOf: #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount=""#.utf8)
            out.append(contentsOf: String(table.count).utf8)
            out.append(contentsOf: #"">"#.utf8)
            for number in 0..<table.count {
                table.withText(number) { bytes in
                    // Spaces at the ends are kept only when the text says so.
                    let first = bytes.first ?? 0x41
                    let last = bytes.last ?? 0x41
                    let padded = first == 0x20 || first == 0x09 || first == 0x0A || last == 0x20 || last == 0x09 || last == 0x0A
                    out.append(contentsOf: (padded ? #"<si><t xml:space="preserve">"# : "<si><t>").utf8)
                    XLSXWriter.escape(bytes.bindMemory(to: UInt8.self), into: &out)
                    out.append(contentsOf: "</t></si>".utf8)
                }
            }
            out.append(contentsOf: "</sst>".utf8)
            return out
        }
    }

    /// A run of a part's XML: bytes with the places where shared-string numbers go in. Rows
    /// are written (on both cores) before the workbook's numbers are known: each text cell
    /// records its place and its number in this run's own table; ``numbers`` maps those to
    /// the workbook's afterwards, and ``PartReader`` writes them in as the zip reads.
    struct Part {
        var bytes: [UInt8] = []
        var marks: [(at: Int, local: Int32)] = []
        var texts = TextTable()
        /// The workbook's number for each of ``texts``.
        var numbers: [Int] = [] {
            didSet { length = bytes.count + marks.reduce(0) { $0 + XLSXWriter.digitCount(numbers[Int($1.local)]) } }
        }
        /// The bytes the run makes, numbers included.
        private(set) var length = 0

        init() {}
        init(bytes: [UInt8]) {
            self.bytes = bytes
            length = bytes.count
        }
        init(_ text: String) { self.init(bytes: Array(text.utf8)) }

        mutating func text(_ text: String) {
            marks.append((bytes.count, texts.number(text)))
        }
    }

    /// Reads a part's runs in order into the zip's buffer, the numbers written in on the way.
    struct PartReader {
        let parts: [Part]
        var part = 0, mark = 0, from = 0
        /// A number's digits that did not fit in the last chunk.
        var pending: [UInt8] = []

        init(_ parts: [Part]) { self.parts = parts }

        /// Fills `out` as far as the part goes; the count written.
        mutating func fill(_ out: UnsafeMutableRawBufferPointer) -> Int {
            var filled = 0
            if !pending.isEmpty {
                let take = min(pending.count, out.count)
                pending.withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: take) }
                pending.removeFirst(take)
                filled = take
            }
            while filled < out.count, part < parts.count {
                let run = parts[part]
                let end = mark < run.marks.count ? run.marks[mark].at : run.bytes.count
                if from < end {
                    let take = min(end - from, out.count - filled)
                    run.bytes.withUnsafeBytes { (out.baseAddress! + filled).copyMemory(from: $0.baseAddress! + from, byteCount: take) }
                    from += take
                    filled += take
                } else if mark < run.marks.count {
                    var digits: [UInt8] = []
                    let number = run.numbers[Int(run.marks[mark].local)]
                    if out.count - filled >= 20 {
                        filled += XLSXWriter.writeDigits(number, to: out.baseAddress! + filled)
                    } else {
                        XLSXWriter.digits(number, into: &digits)
                        let take = min(digits.count, out.count - filled)
                        digits.withUnsafeBytes { (out.baseAddress! + filled).copyMemory(from: $0.baseAddress!, byteCount: take) }
                        filled += take
                        pending = Array(digits[take...])
                    }
                    mark += 1
                } else {
                    part += 1
                    mark = 0
                    from = 0
                }
            }
            return filled
        }
    }

    /// The sheet's XML in runs (head, blocks of rows, tail): a large sheet is never copied
    /// into one array; the zip reads the runs in turn. Its texts join `strings`.
    static func sheetXML(_ sheet: Workbook.Sheet, strings: inout SharedStrings) -> [Part] {
        var head = Part()
        let count = sheet.rowCount
        func put(_ text: String) { head.bytes.append(contentsOf: text.utf8) }
        let columns = max(sheet.header.count, sheet.lazyRows == nil ? (sheet.rows.map(\.count).max() ?? 0) : 0)
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
        writeRow(sheet.header.map(Workbook.Cell.text), header: true, into: &head)
        // Rows in blocks of 8.192, on both cores; their texts are numbered afterwards, in order.
        let blockSize = 8192
        let blocks = (count + blockSize - 1) / blockSize
        if blocks == 1 {
            for index in 0..<count { writeRow(sheet.row(index), header: false, into: &head) }
        }
        var parts = [head]
        if blocks > 1 {
            parts.append(contentsOf: concurrentMap(blocks) { block in
                var part = Part()
                part.bytes.reserveCapacity(blockSize * max(columns, 1) * 24)
                part.marks.reserveCapacity(blockSize * max(columns, 1))
                for index in block * blockSize..<min(count, (block + 1) * blockSize) {
                    writeRow(sheet.row(index), header: false, into: &part)
                }
                return part
            })
        }
        // Each run's table joins the workbook's, in order.
        for index in parts.indices {
            let texts = parts[index].texts
            parts[index].numbers = (0..<texts.count).map { n in texts.withText(n) { Int(strings.table.number($0)) } }
            // The run's own table is needed no more.
            parts[index].texts = TextTable()
        }
        var tail: [UInt8] = []
        tail.append(contentsOf: "</sheetData>".utf8)
        if !sheet.header.isEmpty, count > 0 {
            tail.append(contentsOf: #"<autoFilter ref="A1:\#(column(max(columns, 1) - 1))\#(count + 1)"/>"#.utf8)
        }
        tail.append(contentsOf: "</worksheet>".utf8)
        parts.append(Part(bytes: tail))
        return parts
    }

    /// `body(i)` for `0..<count` on every core, the results in order.
    static func concurrentMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        if count <= 1 { return (0..<count).map(body) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        let slots = Slots(results)
        withoutActuallyEscaping(body) { body in
            let body = UncheckedBody(body)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                slots.buffer[index] = body.call(index)
            }
        }
        return results.map { $0! }
    }

    struct Slots<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<T?>
        init(_ buffer: UnsafeMutableBufferPointer<T?>) { self.buffer = buffer }
    }

    /// The row-making closure reads the sheet only; each index writes its own slot.
    struct UncheckedBody<T>: @unchecked Sendable {
        let call: (Int) -> T
        init(_ call: @escaping (Int) -> T) { self.call = call }
    }

    /// The number of digits (and sign) `value` is written with.
    static func digitCount(_ value: Int) -> Int {
        var count = value < 0 ? 2 : 1
        var magnitude = value.magnitude / 10
        while magnitude > 0 {
            count += 1
            magnitude /= 10
        }
        return count
    }

    /// `value`'s digits at `out` (room for 20 bytes); the count written.
    static func writeDigits(_ value: Int, to out: UnsafeMutableRawPointer) -> Int {
        var at = 0
        if value < 0 {
            out.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
            at = 1
        }
        let count = digitCount(value) - at
        var magnitude = value.magnitude
        for index in stride(from: at + count - 1, through: at, by: -1) {
            out.storeBytes(of: UInt8(ascii: "0") + UInt8(magnitude % 10), toByteOffset: index, as: UInt8.self)
            magnitude /= 10
        }
        return at + count
    }

    static func digits(_ value: Int, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var reversed: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                       UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &reversed) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    /// A row as bytes. Cells carry no `r` reference: they stand in order, an empty one as
    /// `<c/>` (the format allows it, and it halves a large sheet); the style index says how a
    /// value is shown; a text is a number in the shared strings.
    static func writeRow(_ cells: [Workbook.Cell], header: Bool, into part: inout Part) {
        func put(_ literal: StaticString) { part.bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)) }
        put("<row>")
        for cell in cells {
            switch cell {
            case .empty:
                put("<c/>")
            case let .text(text):
                put(header ? #"<c t="s" s="1"><v>"# : #"<c t="s"><v>"#)
                part.text(text)
                put("</v></c>")
            case let .money(money):
                put(#"<c s="2"><v>"#)
                if money.isNegative { part.bytes.append(UInt8(ascii: "-")) }
                let ore = money.minorUnits.magnitude
                digits(Int(ore / 100), into: &part.bytes)
                part.bytes.append(UInt8(ascii: "."))
                part.bytes.append(UInt8(ascii: "0") + UInt8(ore % 100 / 10))
                part.bytes.append(UInt8(ascii: "0") + UInt8(ore % 10))
                put("</v></c>")
            case let .integer(value):
                put(#"<c s="4"><v>"#)
                digits(value, into: &part.bytes)
                put("</v></c>")
            case let .decimal(text):
                put(#"<c s="5"><v>"#)
                escape(text, into: &part.bytes)
                put("</v></c>")
            case let .date(date):
                put(#"<c s="3"><v>"#)
                digits(serial(date), into: &part.bytes)
                put("</v></c>")
            case let .percent(rate):
                guard rate.isFinite else {
                    put("<c/>")
                    continue
                }
                put(#"<c s="6"><v>"#)
                part.bytes.append(contentsOf: String(format: "%.8f", rate).utf8)
                put("</v></c>")
            }
        }
        put("</row>")
    }

    /// XML text: `& < > "` escaped; the control characters XML 1.0 cannot hold dropped.
    static func escape(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { escape($0, into: &out) }
    }

    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
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

    static func contentTypes(count: Int) -> String {
        var text = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        text += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#
        text += #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        text += #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        text += #"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
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
        text += #"<Relationship Id="rId\#(count + 2)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
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
    /// The workbook packed in chunks of `chunkSize` bytes (the zip's reads), to test the seams.
    public static func data(_ workbook: Workbook, chunkSize: Int) throws -> Data { try XLSXWriter.data(workbook, chunkSize: chunkSize) }
}
