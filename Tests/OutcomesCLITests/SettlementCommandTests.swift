import Foundation
import OutcomesApplication
import OutcomesContractFile
import OutcomesCore
import Testing

@testable import OutcomesStore

/// `outcomes settlement show|approve` (SPEC §10, issue #14): the command line shows the records
/// and signs for the project lead only; the evaluator and DSI act with their own logins.
@Suite("outcomes settlement", .serialized)
struct SettlementCommandTests {
    @Test("show the records and the frozen document; approve for the project lead; DSI's signature completes it")
    func showAndApprove() async throws {
        let cli = ExecutableTests()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-settlement-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("outcomes.sqlite").path
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/viborg-demo").path
        #expect(try cli.run(["import", "--data", examples, "--database", database, "--received-on", "2026-11-01"]).status == 0)
        #expect(try cli.run(["settlement", "show", "--database", database]).stdout == "Ingen halvårsopgørelser er indstillet endnu.\n")

        // The evaluator proposes (with their own login: here the use case directly), and the
        // steering group meets today.
        let viborg = ContractFile.builtIn()
        let today = LocalDate.copenhagen(Date())
        let store = try await SQLOutcomesStore.open(url: database)
        let service = OutcomesService(store: store, commitment: viborg, pseudonymizer: nil)
        let event = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
        try await store.recordMeeting(Meeting(heldOn: today, isAnnualMeeting: false, accountsReceivedOn: nil, minutes: "Forelagt"), audit: event)
        let evaluator = UserAccount(username: "evaluator", displayName: "Evaluator", role: .evaluator)
        let record = try await service.proposeSettlement(Requester(user: evaluator, now: Date(), channel: "test"), period: HalfYear(year: 2023, half: 2))
        try await store.close()

        let early = try cli.run(
            ["settlement", "approve", "--database", database, "--period", "2023-H2", "--hash", record.hash, "--meeting", "2024-02-01"]
        )
        #expect(early.status == 1 && early.stderr.contains("styregruppemøde"))
        let lead = try cli.run(
            ["settlement", "approve", "--database", database, "--period", "2023-H2", "--hash", record.hash, "--meeting", today.isoString]
        )
        #expect(lead.status == 0 && lead.stdout.contains("mangler stadig"), "\(lead.stderr)")
        // There is no way to sign for DSI at the command line.
        #expect(try cli.run(["settlement", "approve", "--help"]).stdout.contains("--for") == false)
        #expect(try cli.run(["settlement", "propose", "--database", database, "--period", "2024-H1"]).status != 0)

        let reopened = try await SQLOutcomesStore.open(url: database)
        let again = OutcomesService(store: reopened, commitment: viborg, pseudonymizer: nil)
        let dsi = UserAccount(username: "dsi", displayName: "DSI", role: .funder(PartyKey("dsi")))
        let approved = try await again.approveSettlement(Requester(user: dsi, now: Date(), channel: "test"), period: HalfYear(year: 2023, half: 2), hash: record.hash, meetingOn: today)
        #expect(approved.isApproved)
        try await reopened.close()

        let shown = try cli.run(["settlement", "show", "--database", database])
        #expect(shown.stdout.contains("2023-H2  godkendt") && shown.stdout.contains(String(record.hash.prefix(12))), "\(shown.stdout)")
        // `outcomes finance` labels its figures as every page does.
        let finance = try cli.run(["finance", "--as-of", today.isoString, "--database", database])
        #expect(finance.status == 0 && finance.stdout.hasPrefix("Tilbagebetalinger efter resultater (SPEC §10)\n  Beregnet (åbne halvår medregnet): "))
        #expect(finance.stdout.contains("  Godkendt: 0,00 kr.\n") && finance.stdout.contains("  Forfalden: ") && finance.stdout.contains("  Betalt: "))
        let document = try cli.run(["settlement", "show", "--database", database, "--period", "2023-H2"])
        #expect(document.stdout.contains("\"period\": \"2023-H2\"") && document.stdout.contains("\"approved\": true"))
    }
}
