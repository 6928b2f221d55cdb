public import OutcomesCore

/// A spreadsheet to hand to Excel (issue #17): sheets of typed cells. Numbers are numbers and
/// dates are dates in the file — Danish Excel shows them as `1.234,56` and `31.10.2023` — never
/// text that merely looks like one.
public struct Workbook: Sendable {
    public var sheets: [Sheet]
    public init(_ sheets: [Sheet]) { self.sheets = sheets }

    public struct Sheet: Sendable {
        /// At most 31 characters, none of `[]:*?/\` (Excel's rule); ``XLSXWriter`` shortens it.
        public var name: String
        /// The first row, in bold and frozen when the sheet scrolls.
        public var header: [String]
        public var rows: [[Cell]]
        /// Column widths in characters; by the header's length when empty.
        public var widths: [Int]
        /// For a large sheet: the number of rows and each row made while it is written (on
        /// both cores), instead of `rows` held in memory.
        public var lazyRows: (count: Int, row: @Sendable (Int) -> [Cell])?
        public init(name: String, header: [String], rows: [[Cell]], widths: [Int] = []) {
            self.name = name
            self.header = header
            self.rows = rows
            self.widths = widths
        }
        public init(name: String, header: [String], count: Int, widths: [Int] = [], row: @escaping @Sendable (Int) -> [Cell]) {
            self.init(name: name, header: header, rows: [], widths: widths)
            lazyRows = (count, row)
        }
        /// The number of rows below the header.
        public var rowCount: Int { lazyRows?.count ?? rows.count }
        public func row(_ index: Int) -> [Cell] { lazyRows.map { $0.row(index) } ?? rows[index] }
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        /// An amount in kroner with øre, shown `#,##0.00`.
        case money(Money)
        case integer(Int)
        /// An exact decimal written as it is (`12.5`), e.g. a percentage point.
        case decimal(String)
        case date(LocalDate)
        /// A rate (0.0523 is 5,23 %), shown `0.00%`: a rate of return, which the analysis
        /// computes in floating point (never an amount).
        case percent(Double)
        case empty

        /// Text, or nothing for `nil`.
        public static func text(_ value: String?) -> Cell { value.map(Cell.text) ?? .empty }
        public static func date(_ value: LocalDate?) -> Cell { value.map(Cell.date) ?? .empty }
        public static func money(_ value: Money?) -> Cell { value.map(Cell.money) ?? .empty }
        public static func integer(_ value: Int?) -> Cell { value.map(Cell.integer) ?? .empty }
        public static func percent(_ value: Double?) -> Cell { value.flatMap { $0.isFinite ? Cell.percent($0) : nil } ?? .empty }
    }
}
