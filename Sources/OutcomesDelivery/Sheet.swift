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
        estimatedRows = reader.bytes.reduce(0) { $1 == CSVReader.newline ? $0 + 1 : $0 }
        if let problem = reader.headerProblem {
            issues.append(ImportIssue(file: file, line: reader.headerLine, column: "-", message: problem))
        }
        for (index, name) in reader.header.enumerated() where !name.isEmpty {
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

    /// An upper bound on the rows, for reserving capacity: the file's line breaks (counted
    /// once, when the sheet is opened).
    let estimatedRows: Int

    /// Notes the header's columns that nobody asked for (a warning, not an error).
    mutating func finishHeader() {
        unknownColumns = reader.header.filter { !requested.contains($0) && !$0.isEmpty }
    }

    /// Calls `body` for every record, collecting the issues it raises.
    mutating func rows(_ body: (Row) -> Void) {
        let row = Row(sheet: self)
        reader.forEachRecord { line, fields, problem in
            row.start(line: line, fields: fields)
            if let problem {
                row.fail(nil, problem)
                return
            }
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
    /// Where the last reference was found, for the next lookup (``ByteKeyTable/find(_:hint:)``).
    private var referenceHint = 0

    init(sheet: Sheet) {
        file = sheet.file
        bytes = sheet.reader.bytes
        columnCount = sheet.reader.header.count
    }

    func start(line: Int, fields: [CSVReader.Field]) {
        self.line = line
        self.fields = fields
        hasFailed = false
        if fields.count != columnCount {
            fail(nil, "rækken har \(fields.count) felter, men overskriften har \(columnCount)")
        }
    }

    func fail(_ column: Column?, _ message: String) {
        hasFailed = true
        issues.append(ImportIssue(file: file, line: line, column: column?.name ?? "-", message: message))
    }

    private func field(_ column: Column?) -> CSVReader.Field? {
        guard let column, column.index >= 0, column.index < fields.count else { return nil }
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

    /// An id (a household, a person, a goal): required, and of the characters
    /// ``InputRules/identifierPattern`` names — so no id can be a spreadsheet formula or hold a
    /// control character.
    func identifier(_ column: Column?) -> String? {
        guard let value = required(column) else { return nil }
        guard InputRules.isIdentifier(value) else {
            fail(
                column,
                "'\(InputRules.visible(value))' er ikke et gyldigt id: 1–\(InputRules.maximumIdentifierLength) tegn af A–Z, a–z, 0–9, '.', '_' og '-', første tegn et bogstav eller ciffer"
            )
            return nil
        }
        return value
    }

    /// A label (an action plan's goal id): required, one line of at most 64 characters, no
    /// control characters.
    func label(_ column: Column?) -> String? {
        guard let value = required(column) else { return nil }
        do {
            try InputRules.line(value, field: column?.name ?? "-", maximumLength: InputRules.maximumIdentifierLength)
        } catch {
            fail(column, "'\(InputRules.visible(value))' \(error.message)")
            return nil
        }
        return value
    }

    /// One of a table's words, case-insensitively, read from the bytes without a String.
    func choice<E>(_ column: Column?, required: Bool, _ table: WordTable<E>) -> E? {
        guard let field = field(column) else {
            if required { fail(column, "mangler (feltet er tomt)") }
            return nil
        }
        if let value = table.lookup(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])) { return value }
        fail(column, "'\(CSVReader.decode(bytes, field))' er ikke en gyldig værdi (tilladt: \(table.allowed))")
        return nil
    }

    /// An ISO (`2024-08-31`) or Danish-order (`31-08-2024`) date.
    func date(_ column: Column?, required: Bool = false) -> LocalDate? {
        guard let field = field(column) else {
            if required { fail(column, "mangler (feltet er tomt)") }
            return nil
        }
        let slice = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
        if let date = LocalDate(isoBytes: slice) ?? LocalDate(danishBytes: slice) {
            guard InputRules.years.contains(date.year) else {
                fail(column, "\(date.isoString) ligger uden for årene \(InputRules.years.lowerBound)–\(InputRules.years.upperBound)")
                return nil
            }
            return date
        }
        fail(column, "'\(CSVReader.decode(bytes, field))' er ikke en dato (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)")
        return nil
    }

    func int(_ column: Column?, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let field = field(column) else {
            if required { fail(column, "mangler (feltet er tomt)") }
            return nil
        }
        guard let number = Row.integer(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])) else {
            fail(column, "'\(CSVReader.decode(bytes, field))' er ikke et helt tal")
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
        guard let field = field(column) else { return nil }
        let number: Ratio
        do {
            number = try DecimalNumber.parseEitherMark(bytes: UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])).ratio
        } catch {
            fail(column, "'\(CSVReader.decode(bytes, field))' er ikke et tal")
            return nil
        }
        guard range.contains(number) else {
            fail(
                column,
                "\(CSVReader.decode(bytes, field)) ligger uden for \(range.lowerBound.compactString(danish: true))–\(range.upperBound.compactString(danish: true))"
            )
            return nil
        }
        return number
    }

    /// SPEC §5: `true/false/yes/no/ja/nej/1/0`, any case.
    static let booleans = WordTable(["true": true, "false": false, "yes": true, "no": false, "ja": true, "nej": false, "1": true, "0": false])

    func bool(_ column: Column?) -> Bool? {
        guard let field = field(column) else { return nil }
        if let bool = Row.booleans.lookup(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])) { return bool }
        fail(column, "'\(CSVReader.decode(bytes, field))' er ikke ja/nej (tilladt: true/false, yes/no, ja/nej, 1/0)")
        return nil
    }

    /// A whole number written with ASCII digits and an optional minus.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var value = 0
        var negative = false
        var digits = 0
        for (i, byte) in bytes.enumerated() {
            if i == 0, byte == UInt8(ascii: "-") {
                negative = true
                continue
            }
            guard byte >= 48, byte <= 57, digits < 18 else { return nil }
            value = value * 10 + Int(byte - 48)
            digits += 1
        }
        return digits == 0 ? nil : (negative ? -value : value)
    }

    /// An id that must name a row of an earlier file, looked up from the field's bytes.
    func reference(_ column: Column?, in table: ByteKeyTable, what: String, file: String) -> Int? {
        guard let field = field(column) else {
            fail(column, "mangler (feltet er tomt)")
            return nil
        }
        let found: Int?
        if field.hasEscapedQuotes {
            found = table.find(CSVReader.decode(bytes, field))
        } else {
            found = table.find(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]), hint: &referenceHint)
        }
        guard let found else {
            fail(column, "\(what) '\(CSVReader.decode(bytes, field))' findes ikke i \(file)")
            return nil
        }
        return found
    }
}

/// Words a column may hold, matched case-insensitively against a field's bytes.
struct WordTable<Value>: @unchecked Sendable {
    private let entries: [(word: [UInt8], value: Value)]
    /// The words, sorted, for error messages.
    let allowed: String

    init(_ words: [String: Value], danish: ((Value) -> String)? = nil) {
        entries = words.map { (Array($0.key.lowercased().utf8), $0.value) }
        // Issue #16: the file's codes with their Danish names, "employed = i beskæftigelse".
        allowed = words.sorted { $0.key < $1.key }.map { word, value in danish.map { "\(word) = \($0(value))" } ?? word }
            .joined(separator: ", ")
    }

    func lookup(_ field: UnsafeBufferPointer<UInt8>) -> Value? {
        for entry in entries where entry.word.count == field.count {
            var equal = true
            for (a, b) in zip(entry.word, field) {
                let lower = b >= 65 && b <= 90 ? b + 32 : b
                if a != lower {
                    equal = false
                    break
                }
            }
            if equal { return entry.value }
        }
        return nil
    }
}

extension WordTable where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// An enumeration's raw values, named in Danish in the error messages when `danish` says how.
    init(_: Value.Type, danish: ((Value) -> String)? = nil) {
        self.init(Dictionary(uniqueKeysWithValues: Value.allCases.map { ($0.rawValue, $0) }), danish: danish)
    }
}
