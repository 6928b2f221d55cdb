public import OutcomesCore
public import OutcomesSpreadsheet

/// The settlement for Excel (issue #17): the same figures as the page and the CSV, as numbers
/// and dates Excel can sum and sort.
public enum SettlementWorkbook {
    /// Per half-year and goal: what every role that sees figures sees (no person data).
    public static func periods(_ s: Settlement, commitment: Commitment) -> Workbook.Sheet {
        let goals = commitment.paymentGoals.sorted { $0.number < $1.number }
        let parties = s.totals.payers.map { "Betaler: " + partyName(commitment, $0.party) }
        let recipients = s.totals.recipients.map { "Til " + partyName(commitment, $0.party) }
        let header = ["Halvår", "Status", "Forfald"] + goals.map { "Mål \($0.number) beregnet" } + goals.map { "Mål \($0.number) til betaling" }
            + ["Loftsreduktion"] + parties + ["I alt"] + recipients
        var rows: [[Workbook.Cell]] = s.periods.map { p in
            [.text(p.period.danishLabel), .text(p.isApproved ? "godkendt" : p.isClosed ? "beregnet" : "beregnet, åben"), .date(p.due)]
                + p.goals.map { .money($0.amount) } + p.goals.map { .money($0.payable) } + [.money(p.capReduction)]
                + p.payers.map { .money($0.amount) } + [.money(p.total)] + p.recipients.map { .money($0.amount) }
        }
        let t = s.totals
        rows.append(
            [.text("I alt"), .empty, .empty] + s.goals.map { .money($0.amount) } + s.goals.map { .money($0.payable) } + [.money(t.capReduction)]
                + t.payers.map { .money($0.amount) } + [.money(t.total)] + t.recipients.map { .money($0.amount) }
        )
        return Workbook.Sheet(name: "Pr. halvår og mål", header: header, rows: rows, widths: [16, 14, 12] + Array(repeating: 16, count: header.count - 3))
    }

    /// The lines behind the amounts, with their basis: pseudonymised person data, for the
    /// roles that may see lines.
    public static func lines(_ s: Settlement) -> Workbook.Sheet {
        let header = ["Mål", "Måling", "Dato", "Halvår", "Husstand", "Person", "Kohorte", "Beløb", "Imputeret", "Grundlag"]
        let lines = s.lines
        // The few half-years and measuring points, named once rather than per line.
        let periods = Dictionary(Set(lines.map(\.period)).map { ($0, $0.danishLabel) }, uniquingKeysWith: { a, _ in a })
        let points = Dictionary(Set(lines.map(\.point.danishDescription)).map { ($0, $0) }, uniquingKeysWith: { a, _ in a })
        let (bases, basisOf) = explanations(lines)
        // Made row by row while the sheet is written (twice: measured, then written): a
        // national settlement has 765.000 lines.
        return Workbook.Sheet(name: "Linjer", header: header, count: lines.count, widths: [6, 16, 12, 16, 12, 14, 9, 14, 10, 80]) { index in
            let line = lines[index]
            let point: String
            switch line.point {
            case let .months(months): point = months == 12 ? twelve : months == 18 ? eighteen : months == 24 ? twentyFour : (points["\(months) mdr."] ?? "\(months) mdr.")
            case .end: point = atEnd
            }
            return [
                .integer(line.goal), .text(point), .date(line.date), .text(periods[line.period] ?? line.period.danishLabel),
                .text(line.household?.rawValue), .text(line.person?.rawValue), .integer(line.cohort), .money(line.amount),
                .text(line.isImputed ? "ja" : "nej"), .text(bases[Int(basisOf[index])]),
            ]
        }
    }

    /// Each line's explanation, put into words once per different basis: a national
    /// settlement's 765.000 lines have some 12.700, and wording every line's took longer
    /// than writing the sheet. The bases are found on every core, block by block.
    public static func explanations(_ lines: [SettlementLine]) -> (texts: [String], index: [Int32]) {
        let blockSize = 32_768
        let blocks = Parallel.map((lines.count + blockSize - 1) / blockSize) { block in
            var seen: [LineBasis: Int32] = [:]
            var bases: [LineBasis] = []
            var index: [Int32] = []
            index.reserveCapacity(blockSize)
            for line in lines[block * blockSize..<min(lines.count, (block + 1) * blockSize)] {
                if let known = seen[line.basis] {
                    index.append(known)
                } else {
                    seen[line.basis] = Int32(bases.count)
                    index.append(Int32(bases.count))
                    bases.append(line.basis)
                }
            }
            return (bases, index)
        }
        var numbers: [LineBasis: Int32] = [:]
        var bases: [LineBasis] = []
        var index: [Int32] = []
        index.reserveCapacity(lines.count)
        for (blockBases, blockIndex) in blocks {
            let renumbered = blockBases.map { basis in
                if let known = numbers[basis] { return known }
                numbers[basis] = Int32(bases.count)
                bases.append(basis)
                return Int32(bases.count - 1)
            }
            index.append(contentsOf: blockIndex.lazy.map { renumbered[Int($0)] })
        }
        let chunk = 1024
        let texts = Parallel.map((bases.count + chunk - 1) / chunk) { part in
            bases[part * chunk..<min(bases.count, (part + 1) * chunk)].map(\.text)
        }
        return (texts.flatMap { $0 }, index)
    }

    static let twelve = "12 mdr.", eighteen = "18 mdr.", twentyFour = "24 mdr.", atEnd = "ved afslutning"

    /// The corrections of approved half-years (SPEC §10).
    public static func corrections(_ s: Settlement, lines: Bool) -> Workbook.Sheet {
        let header = ["Godkendt halvår", "Reguleres i", "Mål"] + (lines ? ["Husstand", "Person"] : []) + ["Før", "Efter", "Forskel"] + (lines ? ["Hvorfor"] : [])
        let rows: [[Workbook.Cell]] = s.corrections.map { c in
            [.text(c.period.danishLabel), .text(c.settledIn.danishLabel), .integer(c.goal)]
                + (lines ? [.text(c.household?.rawValue), .text(c.person?.rawValue)] : [])
                + [.money(c.before), .money(c.after), .money(c.difference)] + (lines ? [.text(c.reason)] : [])
        }
        return Workbook.Sheet(name: "Efterreguleringer", header: header, rows: rows)
    }

    static func partyName(_ c: Commitment, _ key: PartyKey) -> String { c.party(key)?.name ?? key.rawValue.uppercased() }
}
