/// A fast, strict RFC 4180 reader over the bytes of one CSV file.
///
/// Accepts what SPEC §5 allows: `,` or `;` as separator (whichever the header uses),
/// UTF-8 with or without a byte-order mark, CRLF or LF, quoted fields with doubled quotes
/// (and line breaks inside), surrounding spaces, and blank lines. Fields are handed out as
/// byte ranges and decoded only when read, so a 75 MB delivery is read without a String
/// per cell.
///
/// Why not a CSV package: the mirror's SwiftCSV and CSV.swift build a `String` per field;
/// the benchmark target (2.7 M rows in well under 2 s with settlement) needs byte-level reading
/// (docs/benchmarks.md).
struct CSVReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let separator: UInt8
    /// The header's column names, trimmed and lower-cased.
    let header: [String]
    /// What is malformed in the header line, if anything, and its line.
    let headerProblem: String?
    let headerLine: Int
    /// Where the first record after the header starts, and its line.
    private let bodyStart: Int
    private let bodyLine: Int

    static let quote = UInt8(ascii: "\"")
    static let comma = UInt8(ascii: ",")
    static let semicolon = UInt8(ascii: ";")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    /// A field: a byte range of the file, and whether it held doubled quotes to unescape.
    struct Field {
        var start: Int
        var end: Int
        var hasEscapedQuotes: Bool
    }

    /// Reads the header; `nil` when the file has no header line.
    init?(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        var position = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        // Skip blank (or only white-space) lines before the header.
        var line = 1
        var lineStart = position
        while position < bytes.count, [CSVReader.newline, CSVReader.carriageReturn, CSVReader.space, CSVReader.tab].contains(bytes[position]) {
            if bytes[position] == CSVReader.newline {
                line += 1
                lineStart = position + 1
            }
            position += 1
        }
        guard position < bytes.count else { return nil }
        position = lineStart
        // The separator is whichever of `,` and `;` the header line has more of, outside quotes.
        var commas = 0
        var semicolons = 0
        var inQuotes = false
        var scan = position
        while scan < bytes.count {
            let byte = bytes[scan]
            if byte == CSVReader.quote {
                inQuotes.toggle()
            } else if !inQuotes {
                if byte == CSVReader.newline { break }
                if byte == CSVReader.comma { commas += 1 } else if byte == CSVReader.semicolon { semicolons += 1 }
            }
            scan += 1
        }
        separator = semicolons > commas ? CSVReader.semicolon : CSVReader.comma
        var fields: [Field] = []
        var next = position
        var lineCount = line
        var problem: String?
        CSVReader.readRecord(bytes, separator: separator, from: &next, line: &lineCount, into: &fields, problem: &problem)
        header = fields.map { CSVReader.decode(bytes, $0).lowercased() }
        headerProblem = problem
        headerLine = line
        bodyStart = next
        bodyLine = lineCount
    }

    /// Calls `body` for every non-blank record with its 1-based line number, its fields, and
    /// what is malformed in it (an unclosed quote, text after a closing quote), if anything.
    func forEachRecord(_ body: (_ line: Int, _ fields: [Field], _ problem: String?) -> Void) {
        var position = bodyStart
        var line = bodyLine
        var fields: [Field] = []
        fields.reserveCapacity(header.count)
        while position < bytes.count {
            let recordLine = line
            var problem: String?
            CSVReader.readRecord(bytes, separator: separator, from: &position, line: &line, into: &fields, problem: &problem)
            // A blank line, or one of separators only (as spreadsheets export empty rows).
            if problem == nil, fields.allSatisfy({ $0.start == $0.end }) { continue }
            body(recordLine, fields, problem)
        }
    }

    /// Reads one record starting at `position`, leaving `position` after its line break, and
    /// notes in `problem` what is malformed. Returns false at the end of the bytes.
    @discardableResult
    static func readRecord(
        _ bytes: UnsafeBufferPointer<UInt8>,
        separator: UInt8,
        from position: inout Int,
        line: inout Int,
        into fields: inout [Field],
        problem: inout String?
    ) -> Bool {
        fields.removeAll(keepingCapacity: true)
        let count = bytes.count
        var i = position
        while true {
            // Leading spaces.
            while i < count, bytes[i] == space || bytes[i] == tab { i += 1 }
            if i < count, bytes[i] == quote {
                i += 1
                let start = i
                var escaped = false
                while i < count {
                    let byte = bytes[i]
                    if byte == quote {
                        if i + 1 < count, bytes[i + 1] == quote {
                            escaped = true
                            i += 2
                            continue
                        }
                        break
                    }
                    if byte == newline { line += 1 }
                    i += 1
                }
                let end = i
                if i < count {
                    i += 1  // closing quote
                } else {
                    problem = problem ?? "anførselstegnet i felt \(fields.count + 1) lukkes aldrig (RFC 4180)"
                }
                while i < count, bytes[i] == space || bytes[i] == tab { i += 1 }
                if i < count, bytes[i] != separator, bytes[i] != newline, bytes[i] != carriageReturn {
                    problem = problem ?? "tekst efter det afsluttende anførselstegn i felt \(fields.count + 1) (RFC 4180)"
                    while i < count, bytes[i] != separator, bytes[i] != newline, bytes[i] != carriageReturn { i += 1 }
                }
                fields.append(Field(start: start, end: end, hasEscapedQuotes: escaped))
            } else {
                let start = i
                while i < count, bytes[i] != separator, bytes[i] != newline { i += 1 }
                var end = i
                while end > start, bytes[end - 1] == space || bytes[end - 1] == tab || bytes[end - 1] == carriageReturn { end -= 1 }
                fields.append(Field(start: start, end: end, hasEscapedQuotes: false))
            }
            if i < count, bytes[i] == separator {
                i += 1
                continue
            }
            // End of record: skip CR, LF.
            if i < count, bytes[i] == carriageReturn { i += 1 }
            if i < count, bytes[i] == newline {
                i += 1
                line += 1
            }
            position = i
            return true
        }
    }

    /// The field as a String (quotes unescaped, surrounding spaces trimmed).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Field) -> String {
        var start = field.start
        var end = field.end
        while start < end, bytes[start] == space || bytes[start] == tab { start += 1 }
        while end > start, bytes[end - 1] == space || bytes[end - 1] == tab { end -= 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        return field.hasEscapedQuotes ? text.replacingAll("\"\"", with: "\"") : text
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
