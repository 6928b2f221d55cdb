import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OutcomesApplication
import OutcomesCore
import OutcomesServer
import OutcomesSpreadsheet
import OutcomesStore
import OutcomesTestSupport
import Testing

/// Issue #17: what a role sees, it can take to Excel — numbers as numbers, dates as dates.
@Suite("Excel exports in the web app")
struct ExcelExportTests {
    /// A download's bytes, read back as sheets.
    func workbook(_ client: any TestClientProtocol, _ path: String, cookie: String) async throws -> (status: HTTPResponse.Status, type: String, sheets: [XLSXReader.Sheet]) {
        try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]) { response in
            let bytes = Data(response.body.readableBytesView)
            let sheets = response.status == .ok ? (try? XLSXReader.sheets(bytes)) ?? [] : []
            return (response.status, response.headers[.contentType] ?? "", sheets)
        }
    }

    @Test("the settlement: half-years and goals for every role that sees figures, the lines only for the project lead and the evaluator (audited)", arguments: [Backend.sqlite])
    func settlement(backend: Backend) async throws {
        try await withAPI(backend) { api, store, client in
            let requester = Requester(user: UserAccount(username: "pl", displayName: "pl", role: .projectLead), now: fixedNow, channel: "test")
            let expected = try await api.service.settlement(requester, asOf: LocalDate(iso: "2026-11-26")!, lines: true)
            for user in [TestUser.dsi, .sg] {
                let (cookie, _) = try await WebPageTests().logIn(client, user)
                let answer = try await workbook(client, "/opgoerelse.xlsx?dato=2026-11-26", cookie: cookie)
                #expect(answer.status == .ok && answer.type.contains("spreadsheetml"))
                #expect(answer.sheets.map(\.name) == ["Pr. halvår og mål"], "\(user): no lines, no persons")
                let rows = answer.sheets.first?.rows ?? []
                #expect(rows.count == expected.periods.count + 2, "a row per half-year and the totals")
                #expect(rows.dropFirst().first?.first == expected.periods.first?.period.danishLabel)
                #expect(rows.dropFirst().first?[2] == expected.periods.first?.due.isoString, "the due date is a date")
                let total = rows.last.flatMap { row in row.indices.contains(row.count - 1) ? row : nil }
                #expect(total?.first == "I alt")
                #expect(rows.last?.contains(expected.totals.total.machineString) == true, "the total as a number: \(expected.totals.total.machineString)")
            }
            let before = try await store.auditEntries().count
            let (cookie, _) = try await WebPageTests().logIn(client, .pl)
            let answer = try await workbook(client, "/opgoerelse.xlsx?dato=2026-11-26", cookie: cookie)
            #expect(answer.sheets.map(\.name) == ["Pr. halvår og mål", "Linjer"])
            let lines = answer.sheets.last?.rows ?? []
            #expect(lines.count == expected.lines.count + 1)
            #expect(lines.dropFirst().first?[7] == expected.lines.first?.amount.machineString)
            #expect(try await store.auditEntries().dropFirst(before).contains { $0.event.action.hasPrefix("read:") && $0.event.purpose.contains("Excel") })
            let (cw, _) = try await WebPageTests().logIn(client, .cw)
            #expect(try await workbook(client, "/opgoerelse.xlsx", cookie: cw).status == .forbidden)
        }
    }
}
