import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OutcomesApplication
import OutcomesCore
import OutcomesReports
import OutcomesSpreadsheet
import OutcomesStore

extension WebApp {
    static let settlementRoles = Permission.readFigures.roles
    /// Settlement lines name persons and households: full or pseudonymised access only.
    static let lineRoles = Permission.readSettlementLines.roles

    func asOf(_ request: Request, now: Date) -> LocalDate {
        // A date outside the years anything is kept for shows today's figures.
        request.uri.queryParameters["dato"].flatMap { LocalDate(iso: String($0)) }.flatMap { InputRules.years.contains($0.year) ? $0 : nil }
            ?? api.today(now)
    }

    /// The settlement with its lines, through the use case that audits the read.
    func settlementLines(_ caller: Caller, on day: LocalDate, page: String, purpose: String, now: Date) async throws -> Settlement {
        do {
            return try await api.service.settlement(Requester(user: caller.user, purpose: purpose, now: now, channel: "web:" + page), asOf: day, lines: true)
        } catch ApplicationError.notFound {
            throw Refusal.notFound("Der er ingen dataleverance endnu.")
        }
    }

    func registerSettlement(on router: PageRouter) {
        router.get("/opgoerelse") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.settlementRoles, now: now)
                let day = asOf(request, now: now)
                var context = base(caller, title: "Betalingsopgørelse", current: "/opgoerelse", now: now)
                context["asOf"] = day.danishString
                context["asOfISO"] = day.isoString
                guard let settlement = try await currentSettlement(on: day, caller: caller) else {
                    context["error"] = "Der er ingen dataleverance endnu."
                    return html("layout", context)
                }
                let lines = WebApp.lineRoles.contains(RoleKind(caller.user.role))
                context["canSeeLines"] = lines
                context["goalHeads"] = api.commitment.paymentGoals.map(\.number)
                // The funders the repayments go to (B5.1 1.1), as the agreement's tranches name them.
                let funders = api.commitment.tranches.shares.map(\.funder)
                context["recipientHeads"] = funders.map { $0.rawValue.uppercased() }
                // Who signs with the project lead: the first funder of the tranches (as the service checks).
                context["grantFunderShort"] = (api.commitment.tranches.shares.first?.funder ?? api.commitment.theGrantFunder).rawValue.uppercased()
                let recipients = { (parties: [PartyAmount]) in
                    funders.map { key in parties.first { $0.party == key }?.amount.danishNumber ?? "0,00" }
                }
                let requester = Requester(user: caller.user, purpose: "halvårsopgørelser", now: now, channel: "web:settlement")
                let records = try await api.service.settlementRecords(requester)
                context.merge(try await approvalContext(records: records, settlement: settlement, caller: caller, requester: requester)) { _, new in new }
                context["periods"] = settlement.periods.map { period in
                    let record = records.first { $0.period == period.period.label }
                    let status = period.isApproved ? "godkendt" : (record != nil ? "indstillet" : (period.isClosed ? "beregnet" : "beregnet, åben"))
                    return [
                        "period": period.period.danishLabel, "closed": period.isClosed, "due": period.due.danishString, "status": status,
                        "approved": period.isApproved,
                        "goals": period.goals.map { goal in
                            var cell = ["payable": goal.payable.danishNumber]
                            if lines && !goal.amount.isZero {
                                cell["link"] = "/opgoerelse/linjer?dato=\(day.isoString)&maal=\(goal.goal)&periode=\(period.period.label)"
                            }
                            return cell
                        },
                        "capReduction": period.capReduction.danishNumber, "total": period.total.danishNumber,
                        "recipients": recipients(period.recipients),
                    ] as [String: Any]
                }
                context["goalTotals"] = settlement.goals.map { ["payable": $0.payable.danishNumber] }
                context["totals"] = [
                    "capReduction": settlement.totals.capReduction.danishNumber, "total": settlement.totals.total.danishNumber,
                    "recipients": recipients(settlement.totals.recipients),
                ]
                context["goalRows"] = settlement.goals.map { goal in
                    [
                        "number": goal.goal, "name": api.commitment.goal(number: goal.goal)?.name ?? "", "lines": Danish.integer(goal.lines),
                        "amount": goal.amount.danishString, "imputed": goal.imputed.danishString, "payable": goal.payable.danishString,
                    ] as [String: Any]
                }
                context["hasWarnings"] = !settlement.warnings.isEmpty
                context["warnings"] = settlement.warnings
                context["figures"] = try await figuresContext(on: day, caller: caller)
                context["interpretations"] = interpretationsContext(.settlement)
                if let flash = request.uri.queryParameters["besked"] { context["flash"] = WebApp.settlementMessages[String(flash)] }
                return html("settlement", context)
            }
        }
        // SPEC §10: the evaluator proposes a half-year; the project lead and DSI approve it.
        router.post("/opgoerelse/indstil") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: Permission.proposeSettlement.roles, now: now)
                let fields = try await form(request, context, caller: caller)
                guard let period = fields["halvaar"].flatMap({ HalfYear(label: $0) }) else { throw Refusal.notFound("Halvåret findes ikke.") }
                let requester = Requester(user: caller.user, purpose: "indstilling af halvårsopgørelse", now: now, channel: "web:settlement")
                do {
                    _ = try await api.service.proposeSettlement(requester, period: period)
                } catch let error as ApplicationError {
                    return try await settlementError(error.description, caller: caller, now: now)
                } catch let error as StoreError {
                    return try await settlementError(error.description, caller: caller, now: now)
                }
                return redirect("/opgoerelse?besked=indstillet#godkendelse")
            }
        }
        router.post("/opgoerelse/godkend") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: Permission.approveSettlement.roles, now: now)
                let fields = try await form(request, context, caller: caller)
                guard let period = fields["halvaar"].flatMap({ HalfYear(label: $0) }), let meeting = fields["moede"].flatMap({ LocalDate(iso: $0) })
                else { return try await settlementError("Vælg det styregruppemøde, opgørelsen blev forelagt.", caller: caller, now: now) }
                let requester = Requester(user: caller.user, purpose: "godkendelse af halvårsopgørelse", now: now, channel: "web:settlement")
                let record: SettlementRecord
                do {
                    record = try await api.service.approveSettlement(requester, period: period, hash: fields["hash", default: ""], meetingOn: meeting)
                } catch let error as ApplicationError {
                    return try await settlementError(error.description, caller: caller, now: now)
                } catch let error as StoreError {
                    return try await settlementError(error.description, caller: caller, now: now)
                }
                return redirect("/opgoerelse?besked=\(record.isApproved ? "godkendt" : "underskrevet")#godkendelse")
            }
        }
        router.get("/opgoerelse/linjer") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.lineRoles, now: now)
                let day = asOf(request, now: now)
                let settlement = try await settlementLines(caller, on: day, page: "settlement-lines", purpose: "betalingsopgørelse", now: now)
                let goal = request.uri.queryParameters["maal"].flatMap { Int(String($0)) }
                let period = request.uri.queryParameters["periode"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
                let search = (request.uri.queryParameters["soeg"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
                let lines = settlement.lines.enumerated().filter {
                    (goal == nil || $0.element.goal == goal) && (period == nil || $0.element.period.label == period)
                        && (search.isEmpty || ($0.element.household?.rawValue ?? "").localizedCaseInsensitiveContains(search)
                            || ($0.element.person?.rawValue ?? "").localizedCaseInsensitiveContains(search))
                }
                // Issue #16: searched by household or person, 50 a page; the sum is of all found.
                var query = WebApp.query(request, ["maal", "periode", "soeg", "side"])
                query["dato"] = day.isoString
                let (shown, paging) = WebApp.paged(Array(lines), page: "side", query: query, path: "/opgoerelse/linjer")
                var context = base(caller, title: "Linjer", current: "/opgoerelse", now: now)
                context["asOf"] = day.danishString
                context["asOfISO"] = day.isoString
                context["goal"] = goal.map(String.init) ?? "alle"
                context["goalName"] = goal.flatMap { api.commitment.goal(number: $0)?.name } ?? "alle mål"
                context["periodLabel"] = period.flatMap { HalfYear(label: $0)?.danishLabel } ?? "alle perioder"
                context["search"] = search
                context["hiddenGoal"] = goal.map(String.init) ?? ""
                context["hiddenPeriod"] = period ?? ""
                context["paging"] = paging
                context["count"] = Danish.integer(lines.count)
                context["sum"] = Money.sum(lines.map(\.element.amount)).danishString
                context["lines"] = shown.map { index, line in
                    [
                        "index": index, "date": line.date.danishString, "point": line.point.danishDescription,
                        "household": line.household?.rawValue ?? "",
                        "person": line.person?.rawValue ?? "–", "cohort": line.cohort.map(String.init) ?? "–", "amount": line.amount.danishString,
                        "imputed": line.isImputed, "basis": line.basis.text,
                    ] as [String: Any]
                }
                return html("lines", context)
            }
        }
        // Issue #17: the settlement for Excel. Every role that sees figures gets the half-years
        // and goals; the project lead and the evaluator also the lines (an audited read).
        router.get("/opgoerelse.xlsx") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.settlementRoles, now: now)
                let day = asOf(request, now: now)
                let withLines = WebApp.lineRoles.contains(RoleKind(caller.user.role))
                let found: Settlement? =
                    withLines
                    ? try await settlementLines(caller, on: day, page: "settlement-xlsx", purpose: "betalingsopgørelse (Excel)", now: now)
                    : try await currentSettlement(on: day, caller: caller)
                guard let settlement = found else { throw Refusal.notFound("Der er ingen dataleverance endnu.") }
                var sheets = [SettlementWorkbook.periods(settlement, commitment: api.commitment)]
                if withLines { sheets.append(SettlementWorkbook.lines(settlement)) }
                if !settlement.corrections.isEmpty { sheets.append(SettlementWorkbook.corrections(settlement, lines: withLines)) }
                return try WebApp.xlsx(Workbook(sheets), name: "opgoerelse-\(day.isoString)")
            }
        }
        router.get("/opgoerelse.csv") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.lineRoles, now: now)
                let day = asOf(request, now: now)
                let settlement = try await settlementLines(caller, on: day, page: "settlement-csv", purpose: "betalingsopgørelse (CSV)", now: now)
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"opgoerelse-\(day.isoString).csv\"",
                        .cacheControl: "no-store",
                    ],
                    body: .init(byteBuffer: ByteBuffer(string: SettlementCSV.string(settlement)))
                )
            }
        }
    }

    /// An `.xlsx` download.
    static func xlsx(_ workbook: Workbook, name: String) throws -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                .contentDisposition: "attachment; filename=\"\(name).xlsx\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: try XLSXWriter.data(workbook)))
        )
    }

    static let settlementMessages = [
        "indstillet": "Opgørelsen er indstillet til godkendelse.",
        "underskrevet": "Din godkendelse er registreret; opgørelsen mangler stadig en godkendelse.",
        "godkendt": "Opgørelsen er godkendt. Den ligger nu fast; senere ændringer bliver efterreguleringer.",
    ]

    /// The approval card (SPEC §10): the records, what the caller may do, the corrections.
    func approvalContext(records: [SettlementRecord], settlement: Settlement, caller: Caller, requester: Requester) async throws -> [String: Any] {
        let role = RoleKind(caller.user.role)
        let approvers = api.service.approvers
        let approver = caller.user.role.storedForm
        var context: [String: Any] = [:]
        let current = try await api.service.deliveries(requester).last?.number
        let mayApprove = records.contains(where: { !$0.isApproved }) && approvers.contains(approver)
        let meetings = mayApprove ? try await api.service.meetings(requester).map(\.heldOn).sorted(by: >) : []
        var rows: [[String: Any]] = []
        var waitingForMeeting = false
        for record in records {
            let period = HalfYear(label: record.period)
            // What is signed is the frozen document: its total, not today's figures.
            let total = try await api.service.recordTotal(record)
            let missing = approvers.filter { name in !record.approvals.contains { $0.approver == name } }
            // Only a meeting on or after the proposal can be the one it was put before (T 7).
            let proposedOn = LocalDate.copenhagen(timestamp: record.proposedAt)
            let options = meetings.filter { day in proposedOn.map { day >= $0 } ?? true }
            let signable = !record.isApproved && missing.contains(approver) && approvers.contains(approver)
            if signable && options.isEmpty { waitingForMeeting = true }
            rows.append([
                "period": period?.danishLabel ?? record.period, "status": record.isApproved ? "godkendt" : "indstillet",
                "total": total.danishString, "delivery": record.deliveryNumber, "hashShort": String(record.hash.prefix(12)),
                "olderDelivery": !record.isApproved && current.map { $0 != record.deliveryNumber } == true,
                "signatures": record.approvals.map { "\(WebApp.approverName($0.approver)) (\($0.username), møde \($0.meetingOn.danishString))" }
                    .joined(separator: "; "),
                "missing": missing.map(WebApp.approverName).joined(separator: " og "),
                "canSign": signable && !options.isEmpty,
                "label": record.period, "hash": record.hash,
                "meetings": options.map { ["value": $0.isoString, "label": $0.danishString] },
            ])
        }
        context["records"] = rows
        context["hasRecords"] = !records.isEmpty
        if Permission.proposeSettlement.roles.contains(role) {
            // The next half-year to propose: the first ended one not yet approved.
            let approved = Set(records.filter(\.isApproved).map(\.period))
            if let next = settlement.periods.first(where: { $0.isClosed && !approved.contains($0.period.label) }) {
                context["proposable"] = ["label": next.period.label, "name": next.period.danishLabel, "total": next.total.danishString]
            }
        }
        context["noMeetings"] = waitingForMeeting
        context["canRecordMeeting"] = Permission.recordMeeting.roles.contains(role)
        let lines = WebApp.lineRoles.contains(role)
        context["hasCorrections"] = !settlement.corrections.isEmpty
        context["correctionSum"] = Money.sum(settlement.corrections.map(\.difference)).danishString
        context["corrections"] = settlement.corrections.map { correction in
            [
                "period": correction.period.danishLabel, "settledIn": correction.settledIn.danishLabel, "goal": correction.goal,
                "who": lines ? (correction.person?.rawValue ?? correction.household?.rawValue ?? correction.cohort.map { "kohorte \($0)" } ?? "–") : "–",
                "before": correction.before.danishString, "after": correction.after.danishString, "difference": correction.difference.danishString,
                "reason": lines ? correction.reason : "",
            ] as [String: Any]
        }
        context["correctionLines"] = lines
        return context
    }

    static func approverName(_ approver: String) -> String {
        approver == "projectLead" ? "projektlederen" : approver.hasPrefix("funder:") ? String(approver.dropFirst(7)).uppercased() : approver
    }

    /// The settlement page again, with a message of what went wrong.
    func settlementError(_ message: String, caller: Caller, now: Date) async throws -> Response {
        var context = base(caller, title: "Betalingsopgørelse", current: "/opgoerelse", now: now)
        context["error"] = message + " (gå tilbage til opgørelsen og prøv igen)"
        return html("layout", context, status: .conflict)
    }
}
