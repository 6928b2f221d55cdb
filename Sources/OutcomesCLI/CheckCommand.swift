public import ArgumentParser
import Foundation
import OutcomesApplication
import OutcomesCore
import OutcomesDelivery
import OutcomesReports
import OutcomesStore

/// `outcomes check`: the compliance monitor (SPEC §8) and the deadlines, as of a date.
public struct CheckCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Kontrollér aftalens vilkår og frister pr. en dato (SPEC §8)."
    )

    @OptionGroup public var options: ContractCommand.ContractOption
    @OptionGroup public var date: AsOfOption
    @Option(name: .long, help: "text eller json.") public var format: OutputFormat = .text
    @Option(name: .long, help: "En leverancemappe i stedet for databasen (kun husstande og målinger).") public var data: String?
    @Option(name: .long, help: "Databasen (standard data/outcomes.sqlite).") public var database = "data/outcomes.sqlite"
    @Option(name: .long, help: "Formålet, som skrives i revisionssporet.") public var purpose = "kontrol af aftalens vilkår"

    public init() {}

    public func run() async throws {
        let commitment = try await options.resolve(database: database)
        let day = date.day
        let input: ComplianceInput
        if let data {
            do {
                let delivery = try DeliveryImporter.importFolder(data, commitment: commitment).delivery
                input = ComplianceInput(
                    commitment: commitment,
                    households: delivery.households,
                    delivery: delivery,
                    hasGovernanceRecords: false
                )
            } catch {
                printError("Leverancen \(data) er afvist (\(error.issues.count) fejl):\n\(error.description)")
                throw ExitCode(1)
            }
        } else {
            // The use case audits the read when the findings name households.
            let report = try await withService(database, commitment: commitment, purpose: purpose) { service, requester in
                try await service.compliance(requester, asOf: day)
            }
            render(format: format, findings: report.findings, deadlines: report.deadlines, asOf: day, commitment: commitment)
            return
        }
        render(
            format: format,
            findings: ComplianceMonitor.check(input, asOf: day),
            deadlines: AgreementDeadlines.all(input, notices: [], asOf: day),
            asOf: day,
            commitment: commitment
        )
    }

    private func render(format: OutputFormat, findings: [ComplianceFinding], deadlines: [Deadline], asOf day: LocalDate, commitment: Commitment) {
        let notes = commitment.interpretationNotes(for: .compliance)
        switch format {
        case .json: print(CheckCommand.json(findings: findings, deadlines: deadlines, asOf: day, interpretations: notes))
        case .text: print(CheckCommand.text(findings: findings, deadlines: deadlines, asOf: day) + notes.danishText, terminator: "")
        }
    }

    static func text(findings: [ComplianceFinding], deadlines: [Deadline], asOf: LocalDate) -> String {
        var out = "Kontrol af aftalens vilkår pr. \(asOf.danishString)\n\n"
        for finding in findings {
            out += "[\(finding.severity.danishName)] \(finding.message) (\(finding.clause))\n"
            for figure in finding.figures { out += "    \(figure.label): \(figure.value)\n" }
            if !finding.households.isEmpty { out += "    husstande: \(finding.households.map(\.rawValue).joined(separator: ", "))\n" }
            out += "    Gør: \(finding.action)\n"
        }
        if deadlines.isEmpty {
            out += "\nMøder, rapporter, budget og frister kræver databasen (--database); en leverance rummer dem ikke.\n"
            return out
        }
        out += "\nFrister\n"
        for deadline in deadlines {
            out +=
                "  \(deadline.due.danishString)  \(deadline.status.danishName.padding(toLength: 11, withPad: " ", startingAt: 0)) \(deadline.what) (\(deadline.clause))\n"
        }
        return out
    }

    static func json(findings: [ComplianceFinding], deadlines: [Deadline], asOf: LocalDate, interpretations: [InterpretationNote] = []) -> String {
        let object: [String: Any] = [
            "asOf": asOf.isoString,
            "interpretations": interpretations.dictionaries,
            "findings": findings.map { finding in
                [
                    "rule": finding.rule, "clause": finding.clause.reference, "severity": finding.severity.rawValue, "message": finding.message,
                    "figures": finding.figures.map { ["label": $0.label, "value": $0.value] }, "action": finding.action,
                    "households": finding.households.map(\.rawValue),
                ] as [String: Any]
            },
            "deadlines": deadlines.map { deadline in
                [
                    "rule": deadline.rule, "what": deadline.what, "clause": deadline.clause.reference, "due": deadline.due.isoString,
                    "status": deadline.status.rawValue, "figures": deadline.figures.map { ["label": $0.label, "value": $0.value] },
                    "action": deadline.action,
                ] as [String: Any]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
