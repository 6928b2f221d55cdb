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

    static func data(_ workbook: Workbook, chunkSize: Int, maxRows: Int = maxRows) throws(Failure) -> Data {
        let entries = entries(workbook, maxRows: maxRows)
        // Deflated, the package is far smaller than its parts: room for them, up to 32 MB.
        let room = min(entries.reduce(1024) { $0 + 2 * ($1.path.utf8.count + 120) + $1.content.length }, 32 << 20)
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
    /// held in memory.
    public static func write(_ workbook: Workbook, to url: URL) throws(Failure) {
        let entries = entries(workbook, maxRows: maxRows)
        func packed() throws(Failure) {
            let archive: Archive
            do {
                archive = try Archive(url: url, accessMode: .create)
            } catch {
                throw Failure.zip(String(describing: error))
            }
            try pack(entries, into: archive)
        }
        try packed()
        // ZIPFoundation flushes the end of the package when the archive closes and does not
        // say whether that worked (a full disk): the package is read back, all of it there.
        guard let written = try? Archive(url: url, accessMode: .read), written.reduce(0, { n, _ in n + 1 }) == entries.count else {
            throw Failure.zip("filen blev ikke skrevet helt (er disken fuld?)")
        }
    }

    /// A part of the package: bytes, or a sheet written while the zip takes it.
    enum Content {
        case bytes([UInt8])
        case sheet(SheetPlan)

        var length: Int {
            switch self {
            case let .bytes(bytes): bytes.count
            case let .sheet(plan): plan.length
            }
        }
    }

    /// Excel's last row is 1.048.576: a sheet with more rows below its header goes on in
    /// further sheets ("Linjer (2)", …), each with the header.
    public static let maxRows = 1_048_575

    /// The package's parts. Every sheet is measured first (pass 1): the shared strings, the
    /// last part, are known only then.
    static func entries(_ workbook: Workbook, maxRows: Int) -> [(path: String, content: Content)] {
        let sheets = workbook.sheets.flatMap { fitted($0, maxRows: maxRows) }
        let names = sheetNames(sheets.map(\.name))
        var strings = TextTable()
        var entries: [(path: String, content: Content)] = [
            ("[Content_Types].xml", .bytes(Array(contentTypes(count: sheets.count).utf8))),
            ("_rels/.rels", .bytes(Array(rootRelations.utf8))),
            ("xl/workbook.xml", .bytes(Array(workbookXML(names).utf8))),
            ("xl/_rels/workbook.xml.rels", .bytes(Array(workbookRelations(count: sheets.count).utf8))),
            ("xl/styles.xml", .bytes(Array(styles.utf8))),
        ]
        for (index, sheet) in sheets.enumerated() {
            entries.append(("xl/worksheets/sheet\(index + 1).xml", .sheet(SheetPlan(sheet, strings: &strings))))
        }
        entries.append(("xl/sharedStrings.xml", .bytes(sharedStringsXML(strings))))
        return entries
    }

    /// `sheet`, or its rows in sheets of at most `maxRows`.
    static func fitted(_ sheet: Workbook.Sheet, maxRows: Int) -> [Workbook.Sheet] {
        let count = sheet.rowCount
        guard count > maxRows else { return [sheet] }
        return stride(from: 0, to: count, by: maxRows).enumerated().map { number, start in
            let name = number == 0 ? sheet.name : "\(sheet.name) (\(number + 1))"
            let rows = min(maxRows, count - start)
            return Workbook.Sheet(name: name, header: sheet.header, count: rows, widths: sheet.widths) { sheet.row(start + $0) }
        }
    }

    /// Each part streams into the archive through one reused buffer; a large sheet's rows are
    /// written on the other cores while the zip checksums and deflates the rows before them.
    static func pack(_ entries: [(path: String, content: Content)], into archive: Archive, chunkSize bufferSize: Int = 1 << 22) throws(Failure) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        do {
            for entry in entries {
                let total = entry.content.length
                // Every part is deflated. A national settlement's lines (175 MB of XML) deflate
                // to 8 MB in about the time writing them stored takes (docs/benchmarks.md).
                var stream = EntryStream(entry.content, path: entry.path)
                defer { stream.finish() }
                try archive.addEntry(
                    with: entry.path, type: .file, uncompressedSize: Int64(total), modificationDate: fixedDate,
                    compressionMethod: .deflate, bufferSize: bufferSize
                ) { _, size in
                    // ZIPFoundation asks for the chunks in order, and checksums and deflates each
                    // before it asks for the next: one buffer serves them all.
                    let count = try stream.fill(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(size, bufferSize)]))
                    return Data(bytesNoCopy: buffer.baseAddress!, count: count, deallocator: .none)
                }
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.zip(String(describing: error))
        }
    }

    /// A part's bytes in order, for the zip's reads.
    struct EntryStream {
        private var pieces: [[UInt8]] = []
        private var current: [UInt8] = []
        private var offset = 0
        private let plan: SheetPlan?
        private let pipeline: BlockPipeline?
        private let path: String
        private var block = 0

        init(_ content: Content, path: String) {
            self.path = path
            switch content {
            case let .bytes(bytes):
                current = bytes
                plan = nil
                pipeline = nil
            case let .sheet(plan):
                current = plan.head
                self.plan = plan
                // A few blocks are written here as they are needed; more, on the cores the zip
                // leaves (writing a block takes half the time the zip takes for it).
                let threads = plan.blocks.count > 4 ? min(max(1, ProcessInfo.processInfo.activeProcessorCount - 1), 3) : 0
                pipeline = threads > 0 ? BlockPipeline(plan, threads: threads) : nil
            }
        }

        /// The next piece: the sheet's next block, then its tail; nil at the end.
        private mutating func nextPiece() throws(Failure) -> [UInt8]? {
            guard let plan else { return nil }
            if block < plan.blocks.count {
                defer { block += 1 }
                guard let bytes = pipeline.map({ $0.take(block) }) ?? plan.block(block) else {
                    throw Failure.zip("arket \(path) gav andre rækker, da det blev skrevet, end da det blev målt")
                }
                return bytes
            }
            if block == plan.blocks.count {
                block += 1
                return plan.tail
            }
            return nil
        }

        /// Fills `out` as far as the part goes; the count written.
        mutating func fill(_ out: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
            var filled = 0
            while filled < out.count {
                if offset == current.count {
                    guard let next = try nextPiece() else { break }
                    current = next
                    offset = 0
                    continue
                }
                let take = min(current.count - offset, out.count - filled)
                current.withUnsafeBytes { (out.baseAddress! + filled).copyMemory(from: $0.baseAddress! + offset, byteCount: take) }
                offset += take
                filled += take
            }
            return filled
        }

        /// Stops the sheet's threads.
        func finish() { pipeline?.finish() }
    }

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

    /// `xl/sharedStrings.xml`: the workbook's texts, each once, numbered in the order first
    /// met (so the same workbook gives the same bytes). A settlement's 765.000 lines hold some
    /// 12.700 different explanations of ~180 bytes each: as shared strings the sheet is less
    /// than half the size.
    static func sharedStringsXML(_ table: TextTable) -> [UInt8] {
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
                escape(bytes.bindMemory(to: UInt8.self), into: &out)
                out.append(contentsOf: "</t></si>".utf8)
            }
        }
        out.append(contentsOf: "</sst>".utf8)
        return out
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
    static func writeRow<Texts: TextCells>(_ cells: [Workbook.Cell], header: Bool, into out: inout [UInt8], texts: inout Texts) {
        func put(_ literal: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)) }
        put("<row>")
        for cell in cells {
            switch cell {
            case .empty:
                put("<c/>")
            case let .text(text):
                put(header ? #"<c t="s" s="1"><v>"# : #"<c t="s"><v>"#)
                texts.text(text, into: &out)
                put("</v></c>")
            case let .money(money):
                put(#"<c s="2"><v>"#)
                if money.isNegative { out.append(UInt8(ascii: "-")) }
                let ore = money.minorUnits.magnitude
                digits(Int(ore / 100), into: &out)
                out.append(UInt8(ascii: "."))
                out.append(UInt8(ascii: "0") + UInt8(ore % 100 / 10))
                out.append(UInt8(ascii: "0") + UInt8(ore % 10))
                put("</v></c>")
            case let .integer(value):
                put(#"<c s="4"><v>"#)
                digits(value, into: &out)
                put("</v></c>")
            case let .decimal(text):
                put(#"<c s="5"><v>"#)
                escape(text, into: &out)
                put("</v></c>")
            case let .date(date):
                put(#"<c s="3"><v>"#)
                digits(serial(date), into: &out)
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
    public static func data(_ workbook: Workbook, chunkSize: Int, maxRows: Int = XLSXWriter.maxRows) throws -> Data {
        try XLSXWriter.data(workbook, chunkSize: chunkSize, maxRows: maxRows)
    }
}
