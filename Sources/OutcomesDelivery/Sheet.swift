import OutcomesCore

/// One CSV file being read: its columns by name and the issues found so far.
struct Sheet {
    let file: String
    let reader: CSVReader
    var issues: [ImportIssue] = []
    private var columns: [String: Int] = [:]
    private var requested: Set<String> = []
    private(set) var unknownColumns: [String] = []

    init(file: String, reader: CSVReader) {
        self.file = file
        self.reader = reader
        for (index, name) in reader.header.enumerated() {
            if columns[name] != nil {
                issues.append(ImportIssue(file: file, line: 1, column: name, message: "kolonnen står to gange i overskriften"))
            }
            columns[name] = index
        }
    }

    /// The index of a column; a required column that is missing is an issue at line 1.
    mutating func column(_ name: String, required: Bool = true) -> Column? {
        requested.insert(name)
        guard let index = columns[name] else {
            if required { issues.append(ImportIssue(file: file, line: 1, column: name, message: "kolonnen mangler")) }
            return nil
        }
        return Column(index: index, name: name)
    }

    /// Notes the header's columns that nobody asked for (a warning, not an error).
    mutating func finishHeader() {
        unknownColumns = reader.header.filter { !requested.contains($0) && !$0.isEmpty }
    }

    /// Calls `body` for every record, collecting the issues it raises.
    mutating func rows(_ body: (Row) -> Void) {
        let row = Row(sheet: self)
        reader.forEachRecord { line, fields in
            row.start(line: line, fields: fields)
            body(row)
        }
        issues += row.issues
    }
}

/// A column of a sheet.
struct Column {
    let index: Int
    let name: String
}

/// The record being read, with typed accessors that report problems as `file:line: column: message`.
final class Row {
    let file: String
    let bytes: UnsafeBufferPointer<UInt8>
    let columnCount: Int
    private(set) var line = 0
    private var fields: [CSVReader.Field] = []
    private(set) var issues: [ImportIssue] = []
    private(set) var hasFailed = false

    init(sheet: Sheet) {
        file = sheet.file
        bytes = sheet.reader.bytes
        columnCount = sheet.reader.header.count
    }

    func start(line: Int, fields: [CSVReader.Field]) {
        self.line = line
        self.fields = fields
        hasFailed = false
        if fields.count > columnCount {
            fail(nil, "rækken har \(fields.count) felter, men overskriften har \(columnCount)")
        }
    }

    func fail(_ column: Column?, _ message: String) {
        hasFailed = true
        issues.append(ImportIssue(file: file, line: line, column: column?.name ?? "-", message: message))
    }

    private func field(_ column: Column?) -> CSVReader.Field? {
        guard let column, column.index < fields.count else { return nil }
        let field = fields[column.index]
        var start = field.start
        var end = field.end
        while start < end, bytes[start] == CSVReader.space || bytes[start] == CSVReader.tab { start += 1 }
        while end > start, bytes[end - 1] == CSVReader.space || bytes[end - 1] == CSVReader.tab { end -= 1 }
        return start == end ? nil : CSVReader.Field(start: start, end: end, hasEscapedQuotes: field.hasEscapedQuotes)
    }

    func isBlank(_ column: Column?) -> Bool { field(column) == nil }

    /// The value, or `nil` when the column is absent or the cell blank ("not provided").
    func text(_ column: Column?) -> String? {
        field(column).map { CSVReader.decode(bytes, $0) }
    }

    /// The value; blank is an issue.
    func required(_ column: Column?) -> String? {
        guard let value = text(column) else {
            fail(column, "mangler (feltet er tomt)")
            return nil
        }
        return value
    }

    /// One of an enumeration's raw values, case-insensitively.
    func choice<E: RawRepresentable & CaseIterable>(_ column: Column?, required: Bool) -> E? where E.RawValue == String {
        choice(column, required: required, words: Dictionary(uniqueKeysWithValues: E.allCases.map { ($0.rawValue, $0) }))
    }

    func choice<E>(_ column: Column?, required: Bool, words: [String: E]) -> E? {
        guard let value = text(column) else {
            if required { fail(column, "mangler (feltet er tomt)") }
            return nil
        }
        if let match = words[value] ?? words[value.lowercased()] { return match }
        fail(column, "'\(value)' er ikke en gyldig værdi (tilladt: \(words.keys.sorted().joined(separator: ", ")))")
        return nil
    }

    /// An ISO (`2024-08-31`) or Danish-order (`31-08-2024`) date.
    func date(_ column: Column?, required: Bool = false) -> LocalDate? {
        guard let value = text(column) else {
            if required { fail(column, "mangler (feltet er tomt)") }
            return nil
        }
        if let date = LocalDate(iso: value) ?? LocalDate(danish: value) { return date }
        fail(column, "'\(value)' er ikke en dato (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)")
        return nil
    }

    func int(_ column: Column?, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let value = text(column) else {
            if required { fail(column, "mangler (feltet er tomt)") }
            return nil
        }
        guard let number = Int(value) else {
            fail(column, "'\(value)' er ikke et helt tal")
            return nil
        }
        guard range.contains(number) else {
            fail(column, "\(number) ligger uden for \(range.lowerBound)–\(range.upperBound == Int.max ? "" : String(range.upperBound))")
            return nil
        }
        return number
    }

    /// A decimal with `.` or `,` as the decimal mark.
    func decimal(_ column: Column?, in range: ClosedRange<Ratio>) -> Ratio? {
        guard let value = text(column) else { return nil }
        let number: Ratio
        do {
            number = try DecimalNumber.parseEitherMark(value).ratio
        } catch {
            fail(column, "'\(value)' er ikke et tal")
            return nil
        }
        guard range.contains(number) else {
            fail(column, "\(value) ligger uden for \(range.lowerBound.compactString(danish: true))–\(range.upperBound.compactString(danish: true))")
            return nil
        }
        return number
    }

    static let booleans: [String: Bool] = ["true": true, "false": false, "yes": true, "no": false, "ja": true, "nej": false, "1": true, "0": false]

    func bool(_ column: Column?) -> Bool? {
        guard let value = text(column) else { return nil }
        if let bool = Row.booleans[value.lowercased()] { return bool }
        fail(column, "'\(value)' er ikke ja/nej (tilladt: true/false, yes/no, ja/nej, 1/0)")
        return nil
    }

    /// An id that must name a row of an earlier file.
    func reference(_ column: Column?, in table: [String: Int], what: String, file: String) -> Int? {
        guard let key = required(column) else { return nil }
        guard let index = table[key] else {
            fail(column, "\(what) '\(key)' findes ikke i \(file)")
            return nil
        }
        return index
    }
}
