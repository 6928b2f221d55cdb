import Foundation
import HTTPTypes
import Hummingbird
import OutcomesApplication
import OutcomesCore
import OutcomesStore

/// "Styring" (issue #16): the money and governance records the agreement asks for, entered in
/// the browser by the roles that may — payments (T 3, 4.3, 5, 6.2), the accounts per budget
/// line (B4.1), half-year reports (T 7.2), steering-group meetings (T 7.3–7.4), notices (T 6.1.2,
/// 6.2.3, 12.2) and the reference rate (renteloven § 5). Each form says what was saved, keeps
/// its values after an error, and lists what is on record.
extension WebApp {
    /// Who sees the page: everyone who sees the figures; each form only for its permission.
    static let governanceRoles = Permission.readFigures.roles

    /// The forms, their permission and the confirmation after saving.
    enum GovernanceForm: String, CaseIterable {
        case payment = "betaling"
        case accounts = "regnskab"
        case report = "rapport"
        case meeting = "moede"
        case notice = "meddelelse"
        case rate = "referencesats"

        var permission: Permission {
            switch self {
            case .payment: .recordTransfer
            case .accounts, .report: .recordProjectAccounts
            case .meeting: .recordMeeting
            case .notice: .recordNotice
            case .rate: .recordReferenceRate
            }
        }

        var saved: String {
            switch self {
            case .payment: "Betalingen er registreret."
            case .accounts: "Forbruget på budgetlinjen er registreret."
            case .report: "Halvårsrapporten er registreret som afleveret."
            case .meeting: "Mødet er registreret."
            case .notice: "Meddelelsen er registreret, og fristerne løber fra den dag, den regnes modtaget."
            case .rate: "Referencesatsen er registreret."
            }
        }
    }

    static func danishKind(_ kind: MoneyTransfer.Kind) -> String {
        switch kind {
        case .disbursement: "udbetaling af tilskud (B3.2)"
        case .repayment: "tilbagebetaling efter resultater (T 5.1)"
        case .unusedGrantRepayment: "tilbagebetaling af ubrugt tilskud (T 4.3)"
        case .revocationRepayment: "tilbagebetaling efter tilbagekaldelse (T 6.2)"
        }
    }

    func registerGovernance(on router: PageRouter) {
        router.get("/styring") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.governanceRoles, now: now)
                var context = try await governanceContext(caller, now: now, values: [:])
                if let saved = request.uri.queryParameters["besked"].flatMap({ GovernanceForm(rawValue: String($0)) }) { context["flash"] = saved.saved }
                return html("governance", context)
            }
        }
        router.post("/styring/:form") { request, context in
            try await page(request) {
                let now = api.clock()
                guard let kind = context.parameters.get("form").flatMap(GovernanceForm.init(rawValue:)) else { throw Refusal.notFound("Siden findes ikke.") }
                let caller = try await caller(request, roles: kind.permission.roles, now: now)
                let fields = try await form(request, context, caller: caller)
                let requester = Requester(user: caller.user, purpose: "styring", now: now, channel: "web:governance")
                do {
                    try await save(kind, fields, requester: requester)
                } catch let error as ApplicationError {
                    var page = try await governanceContext(caller, now: now, values: [kind.rawValue: fields])
                    page["error"] = error.description
                    return html("governance", page, status: .unprocessableContent)
                } catch let error as StoreError {
                    var page = try await governanceContext(caller, now: now, values: [kind.rawValue: fields])
                    page["error"] = error.description.prefix(1).uppercased() + error.description.dropFirst() + "."
                    return html("governance", page, status: .unprocessableContent)
                }
                return redirect("/styring?besked=\(kind.rawValue)#\(kind.rawValue)")
            }
        }
    }

    /// Reads a form into the record and saves it through the use case (the same checks as the API).
    func save(_ kind: GovernanceForm, _ fields: [String: String], requester: Requester) async throws {
        func date(_ key: String, _ label: String) throws -> LocalDate {
            guard let text = fields[key], let day = LocalDate(iso: text) else { throw ApplicationError.invalid("Angiv \(label).") }
            return day
        }
        func amount(_ key: String = "amount") throws -> Money {
            guard let text = fields[key], let money = try? Money.parse(text, form: .danish) else {
                throw ApplicationError.invalid("Angiv beløbet i kroner, fx 1.304.167,00.")
            }
            return money
        }
        let service = api.service
        switch kind {
        case .payment:
            guard let type = fields["kind"].flatMap(MoneyTransfer.Kind.init(rawValue:)) else { throw ApplicationError.invalid("Vælg hvilken slags betaling.") }
            try await service.recordTransfer(
                requester,
                MoneyTransfer(
                    kind: type,
                    from: PartyKey(fields["from", default: ""]),
                    to: PartyKey(fields["to", default: ""]),
                    paidOn: try date("paidOn", "betalingsdatoen"),
                    amount: try amount(),
                    reference: fields["reference", default: ""]
                )
            )
        case .accounts:
            guard let year = fields["year"].flatMap({ Int($0) }) else { throw ApplicationError.invalid("Vælg budgetåret.") }
            try await service.setBudgetActual(requester, BudgetActual(lineKey: fields["lineKey", default: ""], year: year, amount: try amount()))
        case .report:
            guard let period = fields["period"].flatMap({ HalfYear(label: $0) }) else { throw ApplicationError.invalid("Vælg halvåret.") }
            try await service.recordReport(requester, SteeringReport(period: period, submittedOn: try date("submittedOn", "afleveringsdatoen")))
        case .meeting:
            let accounts = fields["accountsReceivedOn"].flatMap { $0.isEmpty ? nil : LocalDate(iso: $0) }
            try await service.recordMeeting(
                requester,
                Meeting(
                    heldOn: try date("heldOn", "mødedatoen"),
                    isAnnualMeeting: fields["annual"] == "ja",
                    accountsReceivedOn: accounts,
                    minutes: fields["minutes", default: ""]
                )
            )
        case .notice:
            let noticeKind: Notice.Kind
            switch fields["kind"] {
            case "withholding": noticeKind = .withholding(remedyBy: try date("remedyBy", "afhjælpningsfristen (T 6.1.2)"))
            case "revocation": noticeKind = .revocation
            case "dispute": noticeKind = .dispute
            default: throw ApplicationError.invalid("Vælg hvilken slags meddelelse.")
            }
            try await service.recordNotice(
                requester,
                Notice(kind: noticeKind, received: try date("received", "dagen, meddelelsen blev modtaget"), subject: fields["subject", default: ""]),
                kind: fields["kind", default: ""]
            )
        case .rate:
            guard let text = fields["rate"], let rate = try? DecimalNumber.parseEitherMark(text) else {
                throw ApplicationError.invalid("Angiv satsen i procent, fx 1,60.")
            }
            try await service.setReferenceRate(requester, ReferenceRate(effectiveFrom: try date("effectiveFrom", "datoen, satsen gælder fra"), rate: Percent(rate.ratio)))
        }
    }

    func governanceContext(_ caller: Caller, now: Date, values: [String: [String: String]]) async throws -> [String: Any] {
        let c = api.commitment
        let role = RoleKind(caller.user.role)
        let requester = Requester(user: caller.user, now: now, channel: "web:governance")
        let service = api.service
        func name(_ key: PartyKey) -> String { c.party(key)?.name ?? key.rawValue }
        var context = base(caller, title: "Styring", current: "/styring", now: now)
        let today = api.today(now)
        // Choices as (value, Danish label); a form shown again after an error keeps what was chosen.
        let parties = c.parties.map { ($0.key.rawValue, $0.name) }
        let choices: [String: [(String, String)]] = [
            "kind.betaling": MoneyTransfer.Kind.allCases.map { ($0.rawValue, WebApp.danishKind($0)) },
            "from.betaling": parties, "to.betaling": parties,
            "lineKey.regnskab": c.budget.lines.map { ($0.key, $0.name) },
            "year.regnskab": c.budget.years.map { (String($0), String($0)) },
            "period.rapport": HalfYear.span(from: c.interventionPeriod.value.start, through: min(today, c.commitmentPeriod.end)).reversed()
                .map { ($0.label, $0.danishLabel) },
            "kind.meddelelse": [
                ("withholding", "tilbageholdelse af tilskud (T 6.1.2)"), ("revocation", "tilbagekaldelse af tilsagnet (T 6.2.3)"),
                ("dispute", "tvist (T 12.2)"),
            ],
        ]
        for form in GovernanceForm.allCases where form.permission.roles.contains(role) {
            let entered = values[form.rawValue] ?? [:]
            var fields: [String: Any] = entered
            fields["csrf"] = caller.csrfToken ?? ""
            fields["today"] = today.isoString
            fields["annualChecked"] = entered["annual"] == "ja"
            for (key, options) in choices where key.hasSuffix("." + form.rawValue) {
                let field = String(key.prefix { $0 != "." })
                fields[field + "Options"] = options.map { ["value": $0.0, "label": $0.1, "selected": entered[field] == $0.0] }
            }
            context["can_\(form.rawValue)"] = fields
        }

        let transfers = try await service.transfers(requester)
        context["transfers"] = transfers.sorted { $0.paidOn > $1.paidOn }.map {
            [
                "paidOn": $0.paidOn.danishString, "kind": WebApp.danishKind($0.kind), "from": name($0.from), "to": name($0.to),
                "amount": $0.amount.danishString, "reference": $0.reference,
            ]
        }
        let lineNames = Dictionary(c.budget.lines.map { ($0.key, $0.name) }, uniquingKeysWith: { a, _ in a })
        context["actuals"] = try await service.budgetActuals(requester).sorted { ($0.year, $0.lineKey) > ($1.year, $1.lineKey) }.map {
            ["year": String($0.year), "line": lineNames[$0.lineKey] ?? $0.lineKey, "amount": $0.amount.danishString]
        }
        context["reports"] = try await service.reports(requester).sorted { $0.period > $1.period }.map {
            ["period": $0.period.danishLabel, "submittedOn": $0.submittedOn.danishString]
        }
        context["meetings"] = try await service.meetings(requester).sorted { $0.heldOn > $1.heldOn }.map {
            [
                "heldOn": $0.heldOn.danishString, "kind": $0.isAnnualMeeting ? "årsmøde (T 7.4)" : "styregruppemøde (T 7.3)",
                "accounts": $0.accountsReceivedOn?.danishString ?? "–", "minutes": $0.minutes,
            ]
        }
        context["notices"] = try await service.notices(requester).sorted { $0.received > $1.received }.map { notice -> [String: String] in
            let kind: String
            switch notice.kind {
            case let .withholding(remedyBy): kind = "tilbageholdelse (T 6.1.2), afhjælpes senest \(remedyBy.danishString)"
            case .revocation: kind = "tilbagekaldelse (T 6.2.3)"
            case .dispute: kind = "tvist (T 12.2)"
            }
            return ["received": notice.received.danishString, "kind": kind, "subject": notice.subject]
        }
        context["rates"] = try await service.referenceRates(requester).sorted { $0.effectiveFrom > $1.effectiveFrom }.map {
            ["from": $0.effectiveFrom.danishString, "rate": $0.rate.danishString]
        }
        return context
    }
}
