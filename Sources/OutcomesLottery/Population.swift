import Foundation
public import OutcomesCore

extension Lottery {
    /// A line of a population or list file that cannot be read, named by file, line and field.
    public struct FileProblem: Error, Equatable, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var field: String
        public var message: String
        public var description: String { "\(file):\(line): \(field): \(message)" }
    }

    /// Reads a population (or a drawn list): a CSV with a `household_id` column (and optionally
    /// `area`), separated by commas or semicolons, or one id per line. The command line and the
    /// web app read files the same way. An `area` must be one of `areas` (the agreement's),
    /// when given; without them any area key is read as it stands (to verify a list).
    public static func population(_ text: String, file: String, areas: [AreaDefinition]? = nil) throws(FileProblem) -> [(household: HouseholdID, area: Area?)] {
        let text = text.replacingOccurrences(of: "\u{FEFF}", with: "")
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first else { return [] }
        let separator: Character = first.contains(";") ? ";" : ","
        let header = first.split(separator: separator).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func household(_ text: String, line: Int) throws(FileProblem) -> HouseholdID {
            do {
                try InputRules.identifier(text, field: "household_id")
            } catch {
                throw FileProblem(file: file, line: line, field: "household_id", message: error.message)
            }
            return HouseholdID(text)
        }
        guard let idColumn = header.firstIndex(of: "household_id") else {
            var result: [(household: HouseholdID, area: Area?)] = []
            for (offset, line) in lines.enumerated() where !line.isEmpty { result.append((try household(line, line: offset + 1), nil)) }
            return result
        }
        let areaColumn = header.firstIndex(of: "area")
        var result: [(household: HouseholdID, area: Area?)] = []
        for (offset, line) in lines.dropFirst().enumerated() where !line.isEmpty {
            let cells = line.split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard idColumn < cells.count else { throw FileProblem(file: file, line: offset + 2, field: "household_id", message: "mangler") }
            var area: Area?
            if let areaColumn, areaColumn < cells.count, !cells[areaColumn].isEmpty {
                guard let parsed = Area(rawValue: cells[areaColumn]), areas?.contains(where: { $0.area == parsed }) ?? true else {
                    let known = areas.map { " (\($0.map(\.area.rawValue).joined(separator: ", ")))" } ?? ""
                    throw FileProblem(file: file, line: offset + 2, field: "area", message: "'\(cells[areaColumn])' er ikke et område\(known)")
                }
                area = parsed
            }
            result.append((try household(cells[idColumn], line: offset + 2), area))
        }
        return result
    }
}
