import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import OutcomesCore
import OutcomesDelivery
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
    static let reportRoles: Set<RoleKind> = [.projectLead, .evaluator, .funder, .steeringGroup]

    /// The half-year report's page (T 7.2): progress, economy, payment goals, compliance, deadlines.
    func reportContext(_ request: Request, caller: Caller, now: Date) async throws -> [String: Any] {
        let commitment = api.commitment
        let today = api.today(now)
        let period = commitment.interventionPeriod.value
        var halves: [HalfYear] = []
        var half = HalfYear(containing: period.start)
        while half.start <= today && half.start <= period.end.addingMonths(24) {
            halves.append(half)
            half = HalfYear(containing: half.end.addingDays(1))
        }
        let chosen =
            request.uri.queryParameters["halvaar"].flatMap { label in halves.first { $0.label == String(label) } } ?? halves.last
            ?? HalfYear(containing: today)
        let asOf = min(chosen.end, today)
        var context = base(caller, title: "Halvårsrapport \(chosen.label)", current: "/rapport", now: now)
        context["period"] = chosen.label
        context["periodLabel"] = "\(chosen.half). halvår \(chosen.year)"
        context["periods"] = halves.reversed().map { ["value": $0.label, "label": "\($0.half). halvår \($0.year)", "selected": $0 == chosen] }
        context["asOf"] = asOf.danishString
        context["progress"] = try await progressContext(on: asOf, caller: caller)

        let actuals = try await api.store.budgetActuals()
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

        let settlement = try await currentSettlement(on: asOf)
        let inPeriod = settlement?.periods.first { $0.period == chosen }
        context["goals"] = commitment.paymentGoals.map { goal in
            [
                "number": goal.number, "name": goal.name,
                "payable": (settlement?.goals.first { $0.goal == goal.number }?.payable ?? .zero).danishString,
                "inPeriod": (inPeriod?.goals.first { $0.goal == goal.number }?.payable ?? .zero).danishString,
                "cap": goal.cap?.value.danishShortString ?? "–",
            ] as [String: Any]
        }
        context["totalPayable"] = (settlement?.totals.total ?? .zero).danishString
        context["periodTotal"] = (inPeriod?.total ?? .zero).danishString
        context["returnCap"] = commitment.returnCap.amount.value.danishShortString
        context["findings"] = findingsContext(limit: 8).items

        let meetings = try await api.store.meetings().filter { chosen.start <= $0.heldOn && $0.heldOn <= chosen.end }
        let firstYear = chosen.end < period.start.addingMonths(12)
        let requiredMeetings = firstYear ? 2 : 1
        var deadlines: [[String: String]] = []
        if let inPeriod {
            deadlines.append([
                "what": "Betaling for halvåret", "due": inPeriod.due.danishString, "clause": "P 4 note 1",
                "status": inPeriod.due < today ? "forfaldet" : "kommende",
            ])
        }
        deadlines.append([
            "what": "Styregruppemøder i halvåret (mindst \(requiredMeetings))", "due": chosen.end.danishString, "clause": "T 7.3",
            "status": meetings.count >= requiredMeetings ? "\(meetings.count) afholdt" : "\(meetings.count) afholdt – for få",
        ])
        if chosen.half == 1 {
            let annual = meetings.first { $0.isAnnualMeeting }
            let accountsOK = annual.map { meeting in meeting.accountsReceivedOn.map { $0.addingDays(10) <= meeting.heldOn } ?? false } ?? false
            deadlines.append([
                "what": "Årsmøde senest ved udgangen af 2. kvartal", "due": LocalDate(year: chosen.year, month: 6, day: 30)!.danishString,
                "clause": "T 7.4", "status": annual.map { "afholdt \($0.heldOn.danishString)" } ?? "ikke registreret",
            ])
            deadlines.append([
                "what": "Regnskab mindst 10 dage før årsmødet", "due": annual.map { $0.heldOn.addingDays(-10).danishString } ?? "–",
                "clause": "T 7.4", "status": annual == nil ? "–" : (accountsOK ? "overholdt" : "ikke overholdt"),
            ])
        }
        let submitted = try await api.store.reports().first { $0.period == chosen }
        deadlines.append([
            "what": "Halvårsrapporten afleveret", "due": "–", "clause": "T 7.2",
            "status": submitted.map { "afleveret \($0.submittedOn.danishString)" } ?? "ikke registreret",
        ])
        context["deadlines"] = deadlines
        return context
    }

    func registerReport(on router: Router<OutcomesRequestContext>) {
        router.get("/rapport") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.reportRoles, now: now)
                return html("report", try await reportContext(request, caller: caller, now: now))
            }
        }
        router.get("/rapport.pdf") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.reportRoles, now: now)
                let context = try await reportContext(request, caller: caller, now: now)
                let page = (library.render(context, withTemplate: "report") ?? "")
                    .replacingOccurrences(
                        of: "<link rel=\"stylesheet\" href=\"/static/style.css\">",
                        with: "<style>\(String(decoding: PackageResources.style_css, as: UTF8.self))</style>"
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
                        .contentDisposition: "attachment; filename=\"halvaarsrapport-\(context["period"] as? String ?? "").pdf\"",
                        .cacheControl: "no-store",
                    ],
                    body: .init(byteBuffer: ByteBuffer(bytes: pdf))
                )
            }
        }
    }

    func registerUsers(on router: Router<OutcomesRequestContext>) {
        @Sendable func usersPage(_ caller: Caller, now: Date, error: String? = nil, flash: String? = nil) async throws -> Response {
            var context = base(caller, title: "Brugere", current: "/brugere", now: now)
            context["error"] = error
            context["flash"] = flash
            context["users"] = try await api.store.users().map {
                ["username": $0.username, "displayName": $0.displayName, "roleName": $0.role.danishName, "mustChangePassword": $0.mustChangePassword]
                    as [String: Any]
            }
            let roles: [Role] =
                [.projectLead] + Area.allCases.map { Role.areaCaseworker($0) } + [.evaluator]
                + api.commitment.parties.filter { $0.role == .funder || $0.role == .coFunder }.map { Role.funder($0.key) } + [.steeringGroup, .admin]
            context["roles"] = roles.map { ["value": $0.storedForm, "label": $0.danishName] }
            return html("users", context)
        }
        router.get("/brugere") { request, _ in
            try await page(request) {
                let now = api.clock()
                return try await usersPage(try await caller(request, roles: [.admin], now: now), now: now)
            }
        }
        router.post("/brugere") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: [.admin], now: now)
                let fields = try await form(request, context, caller: caller)
                guard let role = Role(storedForm: fields["role", default: ""]) else {
                    return try await usersPage(caller, now: now, error: "Vælg en rolle.")
                }
                let username = fields["username", default: ""].trimmingCharacters(in: .whitespaces)
                guard !username.isEmpty else { return try await usersPage(caller, now: now, error: "Angiv et brugernavn.") }
                do {
                    try await api.store.createUser(
                        UserAccount(username: username, displayName: fields["displayName", default: username], role: role, mustChangePassword: true),
                        password: fields["password", default: ""],
                        audit: AuditEvent(
                            actor: "user:" + caller.user.username,
                            action: "create-user",
                            subject: "user:" + username,
                            purpose: "brugeradministration",
                            at: api.timestamp(now)
                        )
                    )
                } catch let error as StoreError {
                    return try await usersPage(caller, now: now, error: error.description)
                }
                return try await usersPage(
                    caller,
                    now: now,
                    flash: "Brugeren \(username) er oprettet og skal vælge sin egen adgangskode ved første login."
                )
            }
        }
    }
}
