import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import OutcomesApplication
import OutcomesCore
import OutcomesDelivery
import OutcomesSpreadsheet
import OutcomesStore

/// Prints an HTML page to PDF with headless Chromium (`--print-to-pdf`), where it is installed.
struct PDFRenderer: Sendable {
    /// `OUTCOMES_CHROMIUM`, else the first of Debian's and Google's usual paths that exists.
    let chromium: String?

    init(chromium: String? = nil) {
        let candidates = [
            chromium, ProcessInfo.processInfo.environment["OUTCOMES_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
        ]
        self.chromium = candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The PDF of `html`, or `nil` when Chromium is missing or fails.
    func render(_ html: String) async -> Data? {
        guard let chromium else { return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-pdf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let page = folder.appendingPathComponent("rapport.html")
            let pdf = folder.appendingPathComponent("rapport.pdf")
            try Data(html.utf8).write(to: page)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium)
            process.arguments = [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(folder.path)/profile",
                "--print-to-pdf=\(pdf.path)", page.absoluteString,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let status: Int32 = try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do { try process.run() } catch { continuation.resume(throwing: error) }
            }
            guard status == 0 else { return nil }
            return try Data(contentsOf: pdf)
        } catch {
            return nil
        }
    }
}

extension WebApp {
    static let reportRoles = Permission.readFigures.roles

    /// The half-year report's page (T 7.2): progress, economy, payment goals, compliance, deadlines.
    /// The half-years a report can be made for, the one asked for (`halvaar`, else the latest)
    /// and the day it is made up to: the half-year's end, or today while it runs.
    func reportPeriod(_ request: Request, now: Date) -> (halves: [HalfYear], chosen: HalfYear, asOf: LocalDate) {
        let today = api.today(now)
        let period = api.commitment.interventionPeriod.value
        var halves: [HalfYear] = []
        var half = HalfYear(containing: period.start)
        while half.start <= today && half.start <= period.end.addingMonths(24) {
            halves.append(half)
            half = HalfYear(containing: half.end.addingDays(1))
        }
        let chosen =
            request.uri.queryParameters["halvaar"].flatMap { label in halves.first { $0.label == String(label) } } ?? halves.last
            ?? HalfYear(containing: today)
        return (halves, chosen, min(chosen.end, today))
    }

    /// Issue #17: the printed report's running header and footer, as CSS page-margin boxes
    /// (Chromium 131+): the report's title and agreement top left, the day it is made up to top
    /// right, "Side 1 af 4" bottom right. Served as a stylesheet of its own (the pages' CSP
    /// allows no inline style) and inlined into the PDF.
    func reportPrintStyle(_ chosen: HalfYear, asOf: LocalDate) -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: " ") + "\""
        }
        return """
            @page {
              @top-left { content: \(quoted("Halvårsrapport til styregruppen · \(chosen.danishLabel) · \(api.commitment.title)")); }
              @top-right { content: \(quoted("Opgjort \(asOf.danishString)")); }
            }

            """
    }

    /// With `sheets` the same tables typed for Excel (`/rapport.xlsx`) under the key "sheets";
    /// the page itself does not build them.
    func reportContext(_ request: Request, caller: Caller, now: Date, sheets: Bool = false) async throws -> [String: Any] {
        let commitment = api.commitment
        let (halves, chosen, asOf) = reportPeriod(request, now: now)
        let today = api.today(now)
        var context = base(caller, title: "Halvårsrapport \(chosen.danishLabel)", current: "/rapport", now: now)
        context["printStyle"] = "/rapport/sidehoved.css?halvaar=\(chosen.label)"
        context["period"] = chosen.label
        context["periodLabel"] = "\(chosen.half). halvår \(chosen.year)"
        context["periods"] = halves.reversed().map { ["value": $0.label, "label": "\($0.half). halvår \($0.year)", "selected": $0 == chosen] }
        context["asOf"] = asOf.danishString
        context["progress"] = try await progressContext(on: asOf, caller: caller)
        context["figures"] = try await figuresContext(on: asOf, caller: caller)

        let actuals = try await api.service.budgetActuals(Requester(user: caller.user, now: now, channel: "web:report"))
        let budget = commitment.budget
        context["years"] = budget.years
        context["budget"] = budget.lines.map { line in
            [
                "name": line.name, "totalBudget": line.statedTotal.danishShortString,
                "totalActual": {
                    let spent = actuals.filter { $0.lineKey == line.key }.map(\.amount)
                    return spent.isEmpty ? "–" : Money.sum(spent).danishShortString
                }(),
                "cells": budget.years.enumerated().map { index, year in
                    let planned = line.perYear?[index]
                    let actual = actuals.first { $0.lineKey == line.key && $0.year == year }?.amount
                    return [
                        "budget": planned?.danishShortString ?? "–", "actual": actual?.danishShortString ?? "–",
                        "over": planned.map { planned in actual.map { $0 > planned } ?? false } ?? false,
                    ] as [String: Any]
                },
            ] as [String: Any]
        }

        let settlement = try await currentSettlement(on: asOf, caller: caller)
        let inPeriod = settlement?.periods.first { $0.period == chosen }
        context["goals"] = commitment.paymentGoals.map { goal in
            [
                "number": goal.number, "name": goal.name,
                "payable": (settlement?.goals.first { $0.goal == goal.number }?.payable ?? .zero).danishString,
                "inPeriod": (inPeriod?.goals.first { $0.goal == goal.number }?.payable ?? .zero).danishString,
                "cap": goal.cap?.value.danishShortString ?? "–",
            ] as [String: Any]
        }
        // The same tables for Excel (`/rapport.xlsx`), typed.
        if sheets {
            var goalRows: [[Workbook.Cell]] = []
            for goal in commitment.paymentGoals {
                let total: Money = settlement?.goals.first { $0.goal == goal.number }?.payable ?? .zero
                let half: Money = inPeriod?.goals.first { $0.goal == goal.number }?.payable ?? .zero
                goalRows.append([.text("\(goal.number). \(goal.name)"), .money(total), .money(half), .money(goal.cap?.value)])
            }
            let grandTotal: Money = settlement?.totals.total ?? .zero
            let halfTotal: Money = inPeriod?.total ?? .zero
            goalRows.append([.text("I alt"), .money(grandTotal), .money(halfTotal), .money(commitment.returnCap.amount.value)])
            let (progress, _) = try await api.service.enrolmentProgress(Requester(user: caller.user, now: now, channel: "web:report"), asOf: asOf)
            context["sheets"] = [
                Workbook.Sheet(
                    name: "Fremdrift", header: ["Senest", "Husstande (mål)", "Hjemmel", "Status"],
                    rows: progress.targets.map { target in
                        [.date(target.by), .integer(target.households), .text(target.clause.reference), .text(target.reached ? "nået" : target.by <= asOf ? "ikke nået" : "kommende")]
                    },
                    widths: [12, 16, 14, 12]
                ),
                Workbook.Sheet(
                    name: "Budget og forbrug (B4.1)",
                    header: ["Budgetlinje"] + budget.years.flatMap { ["\($0) budget", "\($0) forbrug"] } + ["I alt budget", "I alt forbrug"],
                    rows: budget.lines.map { line in
                        let spent = actuals.filter { $0.lineKey == line.key }.map(\.amount)
                        return [Workbook.Cell.text(line.name)]
                            + budget.years.enumerated().flatMap { index, year -> [Workbook.Cell] in
                                [.money(line.perYear?[index]), .money(actuals.first { $0.lineKey == line.key && $0.year == year }?.amount)]
                            }
                            + [.money(line.statedTotal), spent.isEmpty ? .empty : .money(Money.sum(spent))]
                    },
                    widths: [44] + Array(repeating: 15, count: budget.years.count * 2 + 2)
                ),
                Workbook.Sheet(
                    name: "Resultatmål og betalinger", header: ["Mål", "Til betaling i alt", "Heraf i halvåret", "Loft"],
                    rows: goalRows,
                    widths: [36, 18, 18, 16]
                ),
            ]
        }
        context["totalPayable"] = (settlement?.totals.total ?? .zero).danishString
        context["periodTotal"] = (inPeriod?.total ?? .zero).danishString
        context["returnCap"] = commitment.returnCap.amount.value.danishShortString
        context["findings"] = findingsContext(limit: 8).items
        let compliance = try await complianceContext(on: asOf, caller: caller, limit: 50)
        context["compliance"] = compliance["all"]

        var deadlines: [[String: String]] = []
        if let inPeriod {
            deadlines.append([
                "what": "Betaling for halvåret", "due": inPeriod.due.danishString, "clause": "P 4 note 1",
                "status": inPeriod.due < today ? "forfaldet" : "kommende",
            ])
        }
        let calendar = (compliance["deadlineList"] as? [Deadline] ?? [])
            .filter { $0.due >= chosen.start.addingMonths(-6) && $0.due <= chosen.end.addingMonths(6) }
            .sorted { $0.due < $1.due }
        deadlines += calendar.map { ["what": $0.what, "due": $0.due.danishString, "clause": $0.clause.reference, "status": $0.status.danishName] }
        context["deadlines"] = deadlines
        context["interpretations"] = interpretationsContext(.report)
        return context
    }

    func registerReport(on router: PageRouter) {
        router.get("/rapport") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.reportRoles, now: now)
                return html("report", try await reportContext(request, caller: caller, now: now))
            }
        }
        router.get("/rapport/sidehoved.css") { request, _ in
            try await page(request) {
                let now = api.clock()
                _ = try await caller(request, roles: WebApp.reportRoles, now: now)
                let (_, chosen, asOf) = reportPeriod(request, now: now)
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "no-store"],
                    body: .init(byteBuffer: ByteBuffer(string: reportPrintStyle(chosen, asOf: asOf)))
                )
            }
        }
        router.get("/rapport.pdf") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.reportRoles, now: now)
                var context = try await reportContext(request, caller: caller, now: now)
                let (_, chosen, asOf) = reportPeriod(request, now: now)
                context["printStyle"] = nil
                // The same page as the browser prints, its stylesheets inlined (Chromium reads a file).
                let page = (library.render(context, withTemplate: "report") ?? "")
                    .replacingOccurrences(
                        of: "<link rel=\"stylesheet\" href=\"/static/style.css\">",
                        with: "<style>\(String(decoding: PackageResources.style_css, as: UTF8.self))\n\(reportPrintStyle(chosen, asOf: asOf))</style>"
                    )
                guard let pdf = await pdfRenderer.render(page) else {
                    var failure = base(caller, title: "PDF", current: "/rapport", now: now)
                    failure["error"] = "PDF kræver Chromium på serveren (Debians pakke chromium); brug i stedet Udskriv → Gem som PDF i browseren."
                    return html("layout", failure, status: .serviceUnavailable)
                }
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "application/pdf",
                        // "halvaarsrapport-2-halvaar-2024.pdf": the half-year in Danish, in ASCII.
                        .contentDisposition:
                            "attachment; filename=\"halvaarsrapport-\((context["period"] as? String).flatMap(HalfYear.init(label:)).map { "\($0.half)-halvaar-\($0.year)" } ?? "").pdf\"",
                        .cacheControl: "no-store",
                    ],
                    body: .init(byteBuffer: ByteBuffer(bytes: pdf))
                )
            }
        }
    }

    func registerUsers(on router: PageRouter) {
        @Sendable func usersPage(_ caller: Caller, now: Date, error: String? = nil, flash: String? = nil) async throws -> Response {
            var context = base(caller, title: "Brugere", current: "/brugere", now: now)
            context["error"] = error
            context["flash"] = flash
            context["users"] = try await api.service.users(Requester(user: caller.user, now: now, channel: "web:users")).map {
                [
                    "username": $0.username, "displayName": $0.displayName, "roleName": $0.role.danishName(in: api.commitment),
                    "mustChangePassword": $0.mustChangePassword, "isActive": $0.isActive,
                ] as [String: Any]
            }
            context["roles"] = assignableRoles.map { ["value": $0.storedForm, "label": $0.danishName(in: api.commitment)] }
            return html("users", context)
        }
        router.get("/brugere") { request, _ in
            try await page(request) {
                let now = api.clock()
                return try await usersPage(try await caller(request, roles: Permission.manageUsers.roles, now: now), now: now)
            }
        }
        router.post("/brugere") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: Permission.manageUsers.roles, now: now)
                let fields = try await form(request, context, caller: caller)
                let username = fields["username", default: ""].trimmingCharacters(in: .whitespaces)
                guard !username.isEmpty else { return try await usersPage(caller, now: now, error: "Angiv et brugernavn.") }
                do {
                    _ = try await api.service.createUser(
                        Requester(user: caller.user, purpose: "brugeradministration", now: now, channel: "web:users"),
                        username: username,
                        displayName: fields["displayName"].flatMap { $0.isEmpty ? nil : $0 } ?? username,
                        role: fields["role", default: ""],
                        password: fields["password", default: ""]
                    )
                } catch let error as StoreError {
                    return try await usersPage(caller, now: now, error: error.description)
                } catch let error as ApplicationError {
                    return try await usersPage(caller, now: now, error: error.description)
                }
                return try await usersPage(
                    caller,
                    now: now,
                    flash: "Brugeren \(username) er oprettet og skal vælge sin egen adgangskode ved første login."
                )
            }
        }
        // Issue #16: one user — name and role, active or not, a temporary password, API tokens.
        router.get("/brugere/:name") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: Permission.manageUsers.roles, now: now)
                let name = (context.parameters.get("name") ?? "").removingPercentEncoding ?? ""
                let flash = request.uri.queryParameters["besked"].flatMap { WebApp.userMessages[String($0)] }
                return try await userPage(name, caller: caller, now: now, flash: flash)
            }
        }
        router.post("/brugere/:name/:action") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: Permission.manageUsers.roles, now: now)
                let fields = try await form(request, context, caller: caller)
                let name = (context.parameters.get("name") ?? "").removingPercentEncoding ?? ""
                let action = context.parameters.get("action") ?? ""
                let requester = Requester(user: caller.user, purpose: "brugeradministration", now: now, channel: "web:users")
                let service = api.service
                do {
                    switch action {
                    case "rediger":
                        try await service.updateUser(requester, username: name, displayName: fields["displayName", default: ""], role: fields["role", default: ""])
                    case "deaktiver": _ = try await service.setUserActive(requester, username: name, isActive: false)
                    case "genaktiver": _ = try await service.setUserActive(requester, username: name, isActive: true)
                    case "adgangskode": try await service.resetPassword(requester, username: name, temporaryPassword: fields["password", default: ""])
                    case "token": try await service.revokeToken(requester, id: fields["token", default: ""], of: name)
                    case "fjern-rolle":
                        try await service.revokeRole(requester, username: name)
                        // The user has no role here any more, so no page of theirs either.
                        return try await usersPage(caller, now: now, flash: "\(name) har ikke længere en rolle i denne aftale; sessioner og tokens er stoppet.")
                    default: throw Refusal.notFound("Siden findes ikke.")
                    }
                } catch let error as ApplicationError {
                    if case let .notFound(message) = error { throw Refusal.notFound(message) }
                    return try await userPage(name, caller: caller, now: now, error: error.description, values: fields)
                } catch let error as StoreError {
                    return try await userPage(name, caller: caller, now: now, error: error.description, values: fields)
                }
                let encoded = name.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics) ?? ""
                return redirect("/brugere/\(encoded)?besked=\(action)")
            }
        }
    }

    static let userMessages = [
        "rediger": "Navn og rolle er gemt.", "deaktiver": "Brugeren er deaktiveret; sessioner og tokens er stoppet.",
        "genaktiver": "Brugeren er aktiv igen.", "adgangskode": "Den midlertidige adgangskode er sat; brugeren skal vælge sin egen ved næste login.",
        "token": "Tokenet er tilbagekaldt.",
    ]

    /// The roles an admin can give, in the agreement's parties.
    var assignableRoles: [Role] {
        [.projectLead] + api.commitment.areas.map { Role.areaCaseworker($0.area) } + [.evaluator]
            + api.commitment.parties.filter { $0.role == .funder || $0.role == .coFunder }.map { Role.funder($0.key) } + [.steeringGroup, .admin]
    }

    func userPage(_ name: String, caller: Caller, now: Date, error: String? = nil, flash: String? = nil, values: [String: String] = [:]) async throws
        -> Response
    {
        let requester = Requester(user: caller.user, now: now, channel: "web:users")
        guard let user = try await api.service.users(requester).first(where: { $0.username == name }) else {
            throw Refusal.notFound("Brugeren findes ikke.")
        }
        var context = base(caller, title: "Bruger \(user.username)", current: "/brugere", now: now)
        context["error"] = error
        context["flash"] = flash
        let chosen = values["role"] ?? user.role.storedForm
        context["account"] = [
            "username": user.username, "displayName": values["displayName"] ?? user.displayName, "roleName": user.role.danishName(in: api.commitment),
            "isActive": user.isActive, "mustChangePassword": user.mustChangePassword, "isSelf": user.username == caller.user.username,
            // Issue #18: a role given in this agreement can be taken away here.
            "revocable": RoleGrant.scope(of: user.role, givenIn: api.commitment.id) != nil, "agreementTitle": api.commitment.title,
            "roles": assignableRoles.map { ["value": $0.storedForm, "label": $0.danishName(in: api.commitment), "selected": $0.storedForm == chosen] },
            "tokens": try await api.service.tokens(requester, of: user.username).map { ["id": $0.id, "name": $0.name, "createdAt": LocalDate.danishTimestamp($0.createdAt)] },
        ] as [String: Any]
        return html("user", context, status: error == nil ? .ok : .unprocessableContent)
    }
}
