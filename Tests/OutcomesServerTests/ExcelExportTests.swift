import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OutcomesApplication
import OutcomesContractFile
import OutcomesCore
import OutcomesDelivery
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

    /// Uploads `files` (any bytes) to the deliveries page as the evaluator's form would.
    func upload(_ client: any TestClientProtocol, _ files: [String: Data], cookie: String, csrf: String) async throws -> Answer {
        let boundary = "outcomes-binary-boundary"
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n".utf8)
        for (name, data) in files {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += data + Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        return try await client.execute(
            uri: "/leverancer", method: .post, headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
            body: ByteBuffer(bytes: body)
        ) { response in Answer(status: response.status, headers: response.headers, text: String(buffer: response.body)) }
    }

    @Test("a delivery uploaded as an Excel workbook or a ZIP is previewed like its CSV files; a workbook's error names sheet, row and column letter; templates to download", arguments: [Backend.sqlite])
    func deliveryUploads(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let (cookie, csrf) = try await WebPageTests().logIn(client, .ev)
            let workbook = try XLSXWriter.data(DeliveryFormat.workbook(fromCSV: DeliveryPreviewTests.changedFiles().mapValues { Data($0.utf8) }))
            let preview = try await upload(client, ["leverance.xlsx": workbook], cookie: cookie, csrf: csrf)
            #expect(preview.status == .ok, "\(preview.text.prefix(400))")
            #expect(preview.text.contains("<strong>Nye husstande:</strong> K09999"), "the same preview as the CSV files give")
            let wrong = Workbook([
                Workbook.Sheet(name: "households", header: ["household_id", "area", "group", "start_date"], rows: [[.text("H1"), .text("vestbyen"), .text("treatment"), .text("2024-01-10")]])
            ])
            let rejected = try await upload(client, ["leverance.xlsx": try XLSXWriter.data(wrong)], cookie: cookie, csrf: csrf)
            #expect(rejected.status == .unprocessableContent)
            #expect(rejected.text.contains("leverance.xlsx, ark households</td><td class=\"num\">2</td><td class=\"quotes-file\">area (B)</td>"), "\(rejected.text.components(separatedBy: "<tbody>").dropFirst().first?.prefix(400) ?? "")")
            let broken = try await upload(client, ["leverance.xlsx": Data("ikke et regneark".utf8)], cookie: cookie, csrf: csrf)
            #expect(broken.status == .unprocessableContent && broken.text.contains("filen er ikke et Excel-regneark"))
            #expect(!broken.text.contains("<td class=\"num\">0</td>"), "no line 0")
            // A ZIP (here the CSV template: headers only) is read as its files — no "filen mangler".
            let zipped = try await upload(client, ["skabelon.zip": try DeliveryFormat.csvTemplate(ContractFile.builtIn())], cookie: cookie, csrf: csrf)
            #expect(zipped.status.code < 500 && !zipped.text.contains("filen mangler"), "\(zipped.text.components(separatedBy: "<tbody>").dropFirst().first?.prefix(300) ?? "")")
            for path in ["/leverancer/skabelon.xlsx", "/leverancer/skabelon.zip"] {
                let template = try await client.send(.get, path, headers: [.cookie: cookie])
                #expect(template.status == .ok, "\(path)")
            }
            let (dsi, _) = try await WebPageTests().logIn(client, .dsi)
            #expect(try await client.send(.get, "/leverancer/skabelon.xlsx", headers: [.cookie: dsi]).status == .forbidden)
        }
    }

    @Test("the finance page and the forecast as a workbook: the plan, the parties' flows with their rates, T 5.3, T 4.2, T 4.3, decisions, the forecast", arguments: [Backend.sqlite])
    func finance(backend: Backend) async throws {
        try await withAPI(backend) { _, store, client in
            try await store.recordTransfers([(.disbursement, "dsi", "kommune", "2023-11-30", 1_304_167), (.repayment, "kommune", "dsi", "2025-09-30", 250_000)])
            for user in [TestUser.dsi, .sg, .pl] {
                let (cookie, _) = try await WebPageTests().logIn(client, user)
                let answer = try await workbook(client, "/oekonomi.xlsx?dato=2026-11-26", cookie: cookie)
                #expect(answer.status == .ok, "\(user)")
                let names = answer.sheets.map(\.name)
                #expect(names.first == "Udbetalingsplan (B3.2)" && names.contains("Prognose") && names.contains("Prognose pr. halvår") && names.contains("Ubrugt tilskud (T 4.3)"), "\(names)")
                let plan = answer.sheets.first?.rows ?? []
                #expect(plan.dropFirst().first.map { $0.count > 3 && LocalDate(iso: $0[3]) != nil } == true, "due dates are dates: \(plan.dropFirst().first ?? [])")
                #expect(plan.contains { $0.contains("1304167.00") }, "the installment paid, as a number")
                let flows = answer.sheets.first { $0.name == "Parternes pengestrømme" }?.rows ?? []
                #expect(flows.count >= 3 && flows.contains { $0.first == "Den Sociale Investeringsfond S/I" })
                let forecast = answer.sheets.first { $0.name == "Prognose" }?.rows ?? []
                #expect(forecast.contains { $0.first == "I alt" && $0[1] == "6250000.00" }, "the agreement's expected total: \(forecast.last ?? [])")
            }
            let (cw, _) = try await WebPageTests().logIn(client, .cw)
            #expect(try await workbook(client, "/oekonomi.xlsx", cookie: cw).status == .forbidden)
        }
    }

    @Test("the report's tables and the compliance findings and deadlines as workbooks, for the roles that see them", arguments: [Backend.sqlite])
    func reportAndCompliance(backend: Backend) async throws {
        try await withAPI(backend) { _, _, client in
            let (sg, _) = try await WebPageTests().logIn(client, .sg)
            let report = try await workbook(client, "/rapport.xlsx?halvaar=2025-H2", cookie: sg)
            #expect(report.status == .ok)
            #expect(report.sheets.map(\.name) == ["Fremdrift", "Budget og forbrug (B4.1)", "Resultatmål og betalinger", "Overholdelse", "Frister"])
            let budget = report.sheets.first { $0.name == "Budget og forbrug (B4.1)" }?.rows ?? []
            #expect(budget.first?.last == "I alt forbrug" && budget.count > 3)
            #expect(budget.dropFirst().first?.dropFirst().first == "250000.00", "amounts as numbers: \(budget.dropFirst().first ?? [])")
            let progress = report.sheets.first?.rows ?? []
            #expect(progress.dropFirst().first?.first.flatMap { LocalDate(iso: $0) } != nil, "the targets' dates are dates")
            let deadlines = report.sheets.last?.rows ?? []
            #expect(deadlines.count > 1 && deadlines.dropFirst().allSatisfy { LocalDate(iso: $0.first ?? "") != nil })
            for user in [TestUser.cw, .dsi] {
                let (cookie, _) = try await WebPageTests().logIn(client, user)
                let compliance = try await workbook(client, "/overholdelse.xlsx", cookie: cookie)
                #expect(compliance.status == .ok && compliance.sheets.map { $0.name } == ["Overholdelse", "Frister"], "\(user)")
                if user == .dsi {
                    let households = compliance.sheets.first?.rows.dropFirst().map { $0.count > 5 ? $0[5] : "" } ?? []
                    #expect(households.allSatisfy { $0.isEmpty }, "a funder never sees a household")
                }
            }
            let (adm, _) = try await WebPageTests().logIn(client, .adm)
            #expect(try await workbook(client, "/overholdelse.xlsx", cookie: adm).status == .forbidden)
            #expect(try await workbook(client, "/rapport.xlsx", cookie: adm).status == .forbidden)
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
