import Dispatch
import Foundation
import OutcomesCore

/// A sheet in two passes, so that the zip can take it while it is written.
///
/// ZIPFoundation must be told a part's size before its first byte, and a sheet's size depends
/// on the numbers of its shared strings, which are known only once every row has been seen.
/// Pass 1 (``init(_:strings:)``) makes every row on every core, numbers its texts and counts
/// its bytes, keeping only the counts and the numbers. Pass 2 (``block(_:)``) makes the rows
/// again and writes them, block by block, while the zip checksums and deflates the blocks
/// before: the rows and the zip's work overlap, and only a few blocks are in memory at a time. A lazy sheet's rows must therefore be the same each time they are asked for.
struct SheetPlan: Sendable {
    static let blockSize = 8192

    let sheet: Workbook.Sheet
    /// The XML before the rows (with the header row), and after them.
    let head: [UInt8], tail: [UInt8]
    /// Per block of ``blockSize`` rows: its bytes and its text cells' numbers in the
    /// workbook's shared strings, in the order pass 1 met them.
    let blocks: [(length: Int, numbers: [Int32])]

    /// The sheet's bytes in all.
    var length: Int { head.count + blocks.reduce(0) { $0 + $1.length } + tail.count }

    /// Pass 1: the sheet's texts join `strings`, in the order first met.
    init(_ sheet: Workbook.Sheet, strings: inout TextTable) {
        self.sheet = sheet
        let count = sheet.rowCount
        let columns = max(sheet.header.count, sheet.lazyRows == nil ? (sheet.rows.map(\.count).max() ?? 0) : 0)
        var head: [UInt8] = []
        func put(_ text: String) { head.append(contentsOf: text.utf8) }
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
        var header = WorkbookTexts(table: strings)
        XLSXWriter.writeRow(sheet.header.map(Workbook.Cell.text), header: true, into: &head, texts: &header)
        strings = header.table
        self.head = head

        // The rows in blocks on every core: each block numbers its texts in a table of its own
        // and counts its bytes without the numbers.
        let blockCount = (count + Self.blockSize - 1) / Self.blockSize
        let counted = Parallel.map(blockCount) { block in
            var texts = CountedTexts()
            var scratch: [UInt8] = []
            scratch.reserveCapacity(4096)
            var length = 0
            for index in block * Self.blockSize..<min(count, (block + 1) * Self.blockSize) {
                scratch.removeAll(keepingCapacity: true)
                XLSXWriter.writeRow(sheet.row(index), header: false, into: &scratch, texts: &texts)
                length += scratch.count
            }
            return (length, texts)
        }
        // Each block's table joins the workbook's in order (the texts' first-met order)…
        let renumbering = counted.map { entry in
            (0..<entry.1.table.count).map { n in entry.1.table.withText(n) { strings.number($0) } }
        }
        // …and the blocks' numbers become the workbook's, with their digits counted.
        blocks = Parallel.map(blockCount) { block in
            let (length, texts) = counted[block]
            let table = renumbering[block]
            var digits = 0
            let numbers = texts.numbers.map { local in
                let number = table[Int(local)]
                digits += XLSXWriter.digitCount(Int(number))
                return number
            }
            return (length + digits, numbers)
        }

        var tail: [UInt8] = Array("</sheetData>".utf8)
        if !sheet.header.isEmpty, count > 0 {
            tail.append(contentsOf: #"<autoFilter ref="A1:\#(XLSXWriter.column(max(columns, 1) - 1))\#(count + 1)"/>"#.utf8)
        }
        tail.append(contentsOf: "</worksheet>".utf8)
        self.tail = tail
    }

    /// Pass 2: block `index`'s rows as bytes, the texts as their numbers; nil when the rows
    /// came out longer or shorter than in pass 1 (a sheet whose rows change when asked again).
    func block(_ index: Int) -> [UInt8]? {
        let planned = blocks[index]
        var texts = NumberedTexts(numbers: planned.numbers)
        var out: [UInt8] = []
        out.reserveCapacity(planned.length)
        for row in index * Self.blockSize..<min(sheet.rowCount, (index + 1) * Self.blockSize) {
            XLSXWriter.writeRow(sheet.row(row), header: false, into: &out, texts: &texts)
            if out.count > planned.length { return nil }
        }
        return out.count == planned.length && texts.next == planned.numbers.count ? out : nil
    }
}

/// How a text cell gets its shared-string number.
protocol TextCells {
    mutating func text(_ text: String, into out: inout [UInt8])
}

/// Pass 1: numbered in the block's own table; nothing written.
struct CountedTexts: TextCells {
    var table = TextTable()
    var numbers: [Int32] = []
    mutating func text(_ text: String, into out: inout [UInt8]) { numbers.append(table.number(text)) }
}

/// Pass 2: the numbers pass 1 found, in turn.
struct NumberedTexts: TextCells {
    let numbers: [Int32]
    var next = 0
    mutating func text(_ text: String, into out: inout [UInt8]) {
        if next < numbers.count { XLSXWriter.digits(Int(numbers[next]), into: &out) }
        next += 1
    }
}

/// The header row: numbered straight in the workbook's table.
struct WorkbookTexts: TextCells {
    var table: TextTable
    mutating func text(_ text: String, into out: inout [UInt8]) { XLSXWriter.digits(Int(table.number(text)), into: &out) }
}

/// Pass 2 on other threads: a sheet's blocks written a few ahead of the zip, which takes them
/// in order; a block taken is let go, so memory holds only the blocks in flight.
final class BlockPipeline: @unchecked Sendable {
    private let plan: SheetPlan
    private let ahead: Int
    private let condition = NSCondition()
    private let group = DispatchGroup()
    // Guarded by `condition`:
    private var written: [Int: [UInt8]?] = [:]
    private var next = 0
    private var taken = 0
    private var stopped = false

    init(_ plan: SheetPlan, threads: Int) {
        self.plan = plan
        // A few blocks ahead, however many cores there are.
        ahead = min(2 * threads + 2, 8)
        for _ in 0..<threads {
            group.enter()
            DispatchQueue.global().async {
                self.work()
                self.group.leave()
            }
        }
    }

    private func work() {
        while true {
            condition.lock()
            while !stopped, next < plan.blocks.count, next - taken >= ahead { condition.wait() }
            guard !stopped, next < plan.blocks.count else {
                condition.unlock()
                return
            }
            let index = next
            next += 1
            condition.unlock()
            let bytes = plan.block(index)
            condition.lock()
            written[index] = .some(bytes)
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Block `index`'s bytes (nil as ``SheetPlan/block(_:)``); blocks are taken in order. A
    /// block no thread has claimed yet (the threads may not have started) is written here.
    func take(_ index: Int) -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        if written[index] == nil, next == index {
            next += 1
            condition.unlock()
            let bytes = plan.block(index)
            condition.lock()
            taken = index + 1
            condition.broadcast()
            return bytes
        }
        while written[index] == nil { condition.wait() }
        let bytes = written.removeValue(forKey: index)!
        taken = index + 1
        condition.broadcast()
        return bytes
    }

    /// Stops the threads (after the block each is writing) and waits for them.
    func finish() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        group.wait()
    }
}
