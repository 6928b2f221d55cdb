import Foundation
import HTTPTypes
import Hummingbird
import OutcomesAnalysis
import OutcomesApplication
import OutcomesCore
import OutcomesSpreadsheet
import OutcomesStore

/// "Aftaler" (issue #18): the agreements the user has a role in, each with a link to its own
/// pages under `/aftaler/{id}`; the admin adds an agreement from its contract file.
extension WebApp {
    func registerPortfolio(on router: PageRouter) {
        router.get("/aftaler") { request, _ in
            try await page(request) {
                let now = api.clock()
                return try await agreementsPage(try await signedIn(request, now: now), now: now)
            }
        }
        router.get("/portefolje") { request, _ in
            try await page(request) {
                let now = api.clock()
                let (caller, figures) = try await portfolioFigures(request, now: now)
                return portfolioPage(caller, figures, now: now)
            }
        }
        router.get("/portefolje.xlsx") { request, _ in
            try await page(request) {
                let now = api.clock()
                let (_, figures) = try await portfolioFigures(request, now: now)
                return try WebApp.xlsx(portfolioWorkbook(figures), name: "portefolje-\(figures.asOf.isoString).xlsx")
            }
        }
        router.post("/aftaler") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await signedIn(request, now: now)
                let (fields, files) = try await upload(request, context, caller: caller)
                guard let name = fields["file:file"], let data = files[name] else { return try await agreementsPage(caller, now: now, error: "Vælg kontraktfilen (YAML).") }
                let requester = Requester(user: caller.user, purpose: "ny aftale", now: now, channel: "web:agreements")
                do {
                    let service = try await api.service.addAgreement(requester, text: String(decoding: data, as: UTF8.self), file: name)
                    api.add(service)
                    return try await agreementsPage(caller, now: now, flash: "Aftalen \(service.commitment.title) er tilføjet.")
                } catch let error as ApplicationError {
                    if case .forbidden = error { throw Refusal.forbidden(error.description) }
                    return try await agreementsPage(caller, now: now, error: error.description)
                }
            }
        }
    }

    /// The portfolio's figures for the page and the workbook.
    func portfolioFigures(_ request: Request, now: Date) async throws -> (Caller, PortfolioFigures) {
        let caller = try await signedIn(request, now: now)
        let day = asOf(request, now: now)
        return (caller, try await PortfolioFigures.compute(api, user: caller.user, asOf: day, now: now, channel: "web:portfolio"))
    }

    func portfolioPage(_ caller: Caller, _ figures: PortfolioFigures, now: Date) -> Response {
        var context = serverPage(caller, title: "Portefølje", current: "/portefolje", now: now)
        context["asOf"] = figures.asOf.danishString
        context["asOfISO"] = figures.asOf.isoString
        context["agreements"] = figures.agreements.map { s -> [String: Any] in
            var row: [String: Any] = [
                "title": s.title, "version": String(s.version), "href": WebApp.agreementPrefix(s.id) + "/oversigt",
                "enrolled": s.enrolled.danishString, "target": s.target.danishString,
                "approved": s.repayments.approved.danishString, "paid": s.repayments.paid.danishString,
                "expected": s.expected.mean.danishString, "expectedRange": "\(s.expected.p5.danishShortString) – \(s.expected.p95.danishShortString)",
                "known": s.known.danishShortString, "knownShare": Percent(roundedShare: s.knownShare).danishString,
                "capUsed": s.returnCapUsed.danishString, "cap": s.returnCap.danishShortString,
                "capBinds": Percent(roundedShare: s.returnCapBinds).danishString, "breaches": s.breaches.danishString,
            ]
            if let next = s.nextDeadlines.first {
                row["next"] = ["what": next.what, "due": next.due.danishString, "clause": next.clause.reference, "status": next.status.rawValue, "statusName": next.status.danishName]
            }
            if s.nextDeadlines.count > 1 { row["more"] = (s.nextDeadlines.count - 1).danishString }
            return row
        }
        context["funders"] = figures.funders.map {
            [
                "name": $0.name, "agreements": $0.agreements.danishString, "approved": $0.approved.danishString, "paid": $0.paid.danishString,
                "expected": $0.expected.danishString,
            ]
        }
        context["hasFunders"] = !figures.funders.isEmpty
        return html("portfolio", context)
    }

    /// The portfolio for Excel: one row per agreement, one per funder.
    func portfolioWorkbook(_ figures: PortfolioFigures) -> Workbook {
        Workbook([
            Workbook.Sheet(
                name: "Aftaler",
                header: [
                    "Aftale", "Version", "Indskrevet", "Mål", "Beregnet", "Godkendt", "Forfalden", "Betalt", "Forventet (middel)", "Forventet 5 %",
                    "Forventet 95 %", "Heraf kendt (afregnede halvår)", "Afkastloft", "Afkastloft brugt", "Loftet binder", "Åbne brud", "Advarsler", "Næste frist", "Næste frist dato",
                ],
                rows: figures.agreements.map { s in
                    [
                        .text(s.title), .integer(s.version), .integer(s.enrolled), .integer(s.target), .money(s.repayments.computed),
                        .money(s.repayments.approved), .money(s.repayments.due), .money(s.repayments.paid), .money(s.expected.mean),
                        .money(s.expected.p5), .money(s.expected.p95), .money(s.known), .money(s.returnCap), .money(s.returnCapUsed),
                        .percent(Double(s.returnCapBinds.decimalString(scale: 4)) ?? 0), .integer(s.breaches), .integer(s.warnings),
                        .text(s.nextDeadlines.first.map { "\($0.what) (\($0.clause.reference))" } ?? ""), s.nextDeadlines.first.map { .date($0.due) } ?? .text(""),
                    ]
                },
                widths: [40, 8, 10, 8, 16, 16, 16, 16, 16, 16, 16, 18, 16, 16, 10, 10, 10, 50, 14]
            ),
            Workbook.Sheet(
                name: "Tilskudsgivere",
                header: ["Tilskudsgiver", "Aftaler", "Godkendt til den", "Betalt til den", "Forventet i alt"],
                rows: figures.funders.map { [.text($0.name), .integer($0.agreements), .money($0.approved), .money($0.paid), .money($0.expected)] },
                widths: [40, 10, 18, 18, 18]
            ),
        ])
    }

    /// The layout of a page of the server's own, across agreements: no agreement's menu or title.
    func serverPage(_ caller: Caller, title: String, current: String, now: Date) -> [String: Any] {
        var context = base(caller, title: title, current: current, now: now)
        context["agreementTitle"] = title
        if var user = context["user"] as? [String: Any] {
            user["nav"] = [[String: Any]]()
            let count = api.agreements(of: caller.user).count
            user["roleName"] = count == 1 ? "1 aftale" : "\(count.danishString) aftaler"
            context["user"] = user
        }
        return context
    }

    /// The signed-in caller, whatever their roles (the list of agreements is theirs).
    func signedIn(_ request: Request, now: Date) async throws -> Caller {
        guard let caller = try await api.identify(request, now: now), caller.csrfToken != nil, !caller.user.mustChangePassword else {
            throw Refusal.signIn
        }
        return caller
    }

    func agreementsPage(_ caller: Caller, now: Date, flash: String? = nil, error: String? = nil) async throws -> Response {
        var context = serverPage(caller, title: "Aftaler", current: "/aftaler", now: now)
        context["agreements"] = api.agreements(of: caller.user).map { other, here in
            [
                "title": other.commitment.title, "version": String(other.commitment.version), "roleName": here.role.danishName(in: other.commitment),
                "href": WebApp.agreementPrefix(other.commitment.id) + "/oversigt", "isDefault": other.isDefault,
            ] as [String: Any]
        }
        context["canAdd"] = (caller.user.grants ?? []).contains { $0.agreement == nil && $0.role == .admin }
        context["seesFigures"] = api.agreements(of: caller.user).contains { Permission.readFigures.allows($0.user.role) }
        if let flash { context["flash"] = flash }
        if let error { context["error"] = error }
        return html("agreements", context, status: error == nil ? .ok : .unprocessableContent)
    }
}
