import Foundation
import OutcomesCore
import Testing

@testable import OutcomesStore

/// `outcomes settlement show|propose|approve` (SPEC §10, issue #14).
@Suite("outcomes settlement", .serialized)
struct SettlementCommandTests {
    @Test("propose as the evaluator, approve for the project lead and DSI, show the record and its frozen document")
    func proposeApproveShow() async throws {
        let cli = ExecutableTests()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-settlement-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = folder.appendingPathComponent("outcomes.sqlite").path
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/viborg-demo").path
        #expect(try cli.run(["import", "--data", examples, "--database", database, "--received-on", "2026-11-01"]).status == 0)
        // A steering-group meeting the settlement is presented at.
        let store = try await SQLOutcomesStore.open(url: database)
        let event = AuditEvent(actor: "test", action: "setup", subject: "", purpose: "test", at: "2026-11-26T12:00:00Z")
        try await store.recordMeeting(Meeting(heldOn: LocalDate(iso: "2024-02-01")!, isAnnualMeeting: false, accountsReceivedOn: nil, minutes: "Forelagt"), audit: event)
        try await store.close()

        #expect(try cli.run(["settlement", "show", "--database", database]).stdout == "Ingen halvårsopgørelser er indstillet endnu.\n")
        let early = try cli.run(["settlement", "propose", "--database", database, "--period", "2024-H1"])
        #expect(early.status == 1 && early.stderr.contains("Godkend først 2. halvår 2023"))
        let proposed = try cli.run(["settlement", "propose", "--database", database, "--period", "2023-H2"])
        #expect(proposed.status == 0, "\(proposed.stderr)")
        let hash = try #require(proposed.stdout.split(separator: "\n").first { $0.hasPrefix("Hash: ") }.map { String($0.dropFirst(6)) })
        let wrongMeeting = try cli.run(
            ["settlement", "approve", "--database", database, "--period", "2023-H2", "--hash", hash, "--meeting", "2024-02-02", "--for", "projectLead"]
        )
        #expect(wrongMeeting.status == 1 && wrongMeeting.stderr.contains("styregruppemøde"))
        let lead = try cli.run(
            ["settlement", "approve", "--database", database, "--period", "2023-H2", "--hash", hash, "--meeting", "2024-02-01", "--for", "projectLead"]
        )
        #expect(lead.status == 0 && lead.stdout.contains("mangler stadig"))
        let dsi = try cli.run(
            ["settlement", "approve", "--database", database, "--period", "2023-H2", "--hash", hash, "--meeting", "2024-02-01", "--for", "funder:dsi"]
        )
        #expect(dsi.status == 0 && dsi.stdout.contains("er godkendt"), "\(dsi.stderr)")
        let shown = try cli.run(["settlement", "show", "--database", database])
        #expect(shown.stdout.contains("2023-H2  godkendt") && shown.stdout.contains(String(hash.prefix(12))))
        let document = try cli.run(["settlement", "show", "--database", database, "--period", "2023-H2"])
        #expect(document.stdout.contains("\"period\": \"2023-H2\"") && document.stdout.contains("\"approved\": true"))
        try? FileManager.default.removeItem(at: folder)
    }
}
