public import Foundation
public import OutcomesSpreadsheet
public import OutcomesCore
import ZIPFoundation

/// The delivery's files and columns, in Danish, for the templates a person fills in
/// (issue #17) — the same names the importer reads (``DeliveryImporter``), with the codes it
/// allows and what they mean.
public enum DeliveryFormat {
    public struct Column: Sendable {
        public var name: String
        public var required: Bool
        public var meaning: String
    }

    public struct File: Sendable {
        public var name: String
        public var meaning: String
        public var columns: [Column]
        /// The sheet's name in a workbook: the file's name without `.csv`.
        public var sheet: String { String(name.dropLast(4)) }
    }

    static func codes<Value>(_ table: WordTable<Value>) -> String { "Koder: " + table.allowed }

    /// The files and their columns as the agreement has them: its areas' codes, its goals'
    /// numbers and names, its cohorts, and only the files of the goals it has.
    public static func files(_ commitment: Commitment) -> [File] {
        let areas = Importer(commitment: commitment).areaWords
        /// "Mål 3, skolefravær" as this agreement numbers and names the goal.
        func goal(_ kind: GoalKind) -> String {
            guard let goal = commitment.goal(kind) else { return "" }
            return "Mål \(goal.number), \(goal.name.lowercased())"
        }
        let cohorts = danishList((1...max(1, commitment.schoolAbsenceCohorts)).map(String.init), or: true)
        let absence = commitment.goal(.schoolAbsence).map { "Kohorte for skolefravær (mål \($0.number)), \(cohorts)." } ?? "Bruges ikke i denne aftale."
        let all: [File] = [
        File(
            name: "households.csv", meaning: "Husstandene: én række pr. husstand (skal være med).",
            columns: [
                Column(name: "household_id", required: true, meaning: "Husstandens id (pseudonym), fx H00001."),
                Column(name: "area", required: true, meaning: "Boligområdet. " + codes(areas)),
                Column(name: "list_position", required: false, meaning: "Pladsen på visitationslisten (1, 2, …)."),
                Column(name: "group", required: true, meaning: "Indsats- eller kontrolgruppe. " + codes(Words.group)),
                Column(name: "start_date", required: false, meaning: "Indsatsstart, ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ (skal udfyldes for indsatsgruppen)."),
                Column(name: "end_date", required: false, meaning: "Forløbets afslutning, hvis det er afsluttet."),
                Column(name: "end_reason", required: false, meaning: "Hvorfor forløbet sluttede. " + codes(Words.endReason)),
                Column(name: "replaces", required: false, meaning: "Id på den husstand, denne erstatter (P 3.2.3)."),
                Column(name: "cohort", required: false, meaning: absence),
            ]
        ),
        File(
            name: "persons.csv", meaning: "Husstandenes medlemmer.",
            columns: [
                Column(name: "person_id", required: true, meaning: "Personens id (pseudonym), fx P000001 — aldrig CPR-nummeret."),
                Column(name: "household_id", required: true, meaning: "Husstanden, personen hører til (fra households)."),
                Column(name: "birth_date", required: true, meaning: "Fødselsdato, ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ."),
            ]
        ),
        File(
            name: "employment.csv", meaning: goal(.employment) + ": ydelsestypen ved hver måling.",
            columns: [
                Column(name: "person_id", required: true, meaning: "Personen (fra persons)."),
                Column(name: "point", required: true, meaning: "Målingen: start, 12, 18 eller 24 (måneder efter indsatsstart)."),
                Column(name: "benefit_type", required: false, meaning: "Ydelsestypen. " + codes(Words.benefitType)),
                Column(name: "completed_education_6m", required: false, meaning: "Har gennemført 6 måneders uddannelse: ja eller nej."),
                Column(name: "declared_fit", required: false, meaning: "Raskmelding. " + codes(Words.declaredFit)),
            ]
        ),
        File(
            name: "social_measures.csv", meaning: goal(.socialMeasures) + ": trinnet ved baseline og efter 24 måneder.",
            columns: [
                Column(name: "person_id", required: true, meaning: "Personen (fra persons)."),
                Column(name: "point", required: true, meaning: "Målingen: baseline eller 24."),
                Column(name: "measure", required: false, meaning: "Trinnet på foranstaltningstrappen. " + codes(Words.measure)),
            ]
        ),
        File(
            name: "life_satisfaction.csv", meaning: goal(.lifeSatisfaction) + ": scoren ved baseline og ved afslutning.",
            columns: [
                Column(name: "person_id", required: true, meaning: "Personen (fra persons)."),
                Column(name: "point", required: true, meaning: "Målingen: baseline eller end."),
                Column(name: "score", required: true, meaning: "Scoren, et helt tal på aftalens skala (0–10)."),
            ]
        ),
        File(
            name: "action_plan_goals.csv", meaning: goal(.actionPlans) + ": hvert mål og om det er opfyldt.",
            columns: [
                Column(name: "household_id", required: true, meaning: "Husstanden (fra households)."),
                Column(name: "goal_id", required: true, meaning: "Målets nummer i handleplanen, fx M1."),
                Column(name: "fulfilled", required: true, meaning: "Opfyldt: ja eller nej."),
            ]
        ),
        File(
            name: "school_absence.csv", meaning: goal(.schoolAbsence) + ": børnenes fravær i indsats- og kontrolgruppen.",
            columns: [
                Column(name: "cohort", required: true, meaning: "Kohorten, \(cohorts)."),
                Column(name: "point", required: true, meaning: "Målingen: baseline, 12, 18 eller 24."),
                Column(name: "group", required: true, meaning: "Indsats- eller kontrolgruppe. " + codes(Words.group)),
                Column(name: "child_id", required: true, meaning: "Barnets id (pseudonym)."),
                Column(name: "absence_pct", required: true, meaning: "Fravær i procent, 0–100 (decimalpunktum)."),
                Column(name: "measured_on", required: true, meaning: "Måledatoen; samme for hele kohorten og målingen."),
            ]
        ),
        ]
        return all.filter { DeliveryImporter.goal(of: $0.name).map { commitment.goal($0) != nil } ?? true }
    }

    /// The Excel template: a sheet per file with its header row, and a sheet explaining every
    /// column.
    public static func workbookTemplate(_ commitment: Commitment) -> Workbook {
        let files = files(commitment)
        var sheets = files.map { Workbook.Sheet(name: $0.sheet, header: $0.columns.map(\.name), rows: [], widths: $0.columns.map { max(14, $0.name.count + 4) }) }
        sheets.append(
            Workbook.Sheet(
                name: DeliveryUpload.guideSheet,
                header: ["Ark / fil", "Kolonne", "Skal udfyldes", "Betydning"],
                rows: files.flatMap { file in
                    [[.text(file.sheet), .empty, .empty, .text(file.meaning)]]
                        + file.columns.map { [.text(file.sheet), .text($0.name), .text($0.required ? "ja" : "nej"), .text($0.meaning)] }
                },
                widths: [22, 26, 14, 120]
            )
        )
        return Workbook(sheets)
    }

    /// The CSV template: the files with their header rows, and `vejledning.txt`, in a ZIP.
    public static func csvTemplate(_ commitment: Commitment) throws -> Data {
        let files = files(commitment)
        let archive = try Archive(accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: Date(timeIntervalSince1970: 1_700_000_000),
                compressionMethod: .deflate
            ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
        }
        for file in files { try add(file.name, file.columns.map(\.name).joined(separator: ",") + "\n") }
        var guide = "Leverance til Outcomes: en CSV-fil pr. emne, kommasepareret, UTF-8, første linje er kolonnernes navne.\n\n"
        for file in files {
            guide += "\(file.name) — \(file.meaning)\n"
            for column in file.columns { guide += "  \(column.name)\(column.required ? " (skal udfyldes)" : ""): \(column.meaning)\n" }
            guide += "\n"
        }
        try add("vejledning.txt", guide)
        guard let data = archive.data else { throw DeliveryUpload.TooLarge() }
        return data
    }
}

extension DeliveryFormat {
    /// A delivery's CSV files as one Excel workbook, a sheet per file in the importer's order,
    /// each value as the text it was (an id stays `00012`, a date the file's own way of writing
    /// it): what a person would fill in, and what ``DeliveryUpload`` reads back to the same files.
    public static func workbook(fromCSV files: [String: Data]) -> Workbook {
        var sheets: [Workbook.Sheet] = []
        for name in DeliveryImporter.fileNames {
            guard let data = files[name] else { continue }
            let sheet: Workbook.Sheet? = data.withUnsafeBytes { raw in
                guard let reader = CSVReader(bytes: raw.bindMemory(to: UInt8.self)) else { return nil }
                var rows: [[Workbook.Cell]] = []
                reader.forEachRecord { _, fields, _ in
                    rows.append(fields.map { .text(CSVReader.decode(reader.bytes, $0)) })
                }
                return Workbook.Sheet(name: String(name.dropLast(4)), header: reader.header, rows: rows)
            }
            if let sheet { sheets.append(sheet) }
        }
        return Workbook(sheets)
    }
}
