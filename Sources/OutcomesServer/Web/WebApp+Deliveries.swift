import Foundation
import HTTPTypes
import Hummingbird
import MultipartKit
import NIOCore
import OutcomesApplication
import OutcomesCore
import OutcomesDelivery
import OutcomesSpreadsheet
import OutcomesStore

/// Uploaded deliveries waiting for the user to confirm them, for 30 minutes: one per user (a
/// new upload replaces the user's earlier one), at most 256 MiB in all (the oldest go first).
actor PendingUploads {
    static let maximumBytes = 256 * 1024 * 1024
    struct Upload {
        var username: String
        var files: [String: Data]
        var receivedOn: LocalDate
        var stored: Date
    }
    private var uploads: [String: Upload] = [:]

    func keep(_ upload: Upload) -> String {
        uploads = uploads.filter { upload.stored.timeIntervalSince($0.value.stored) < 1800 && $0.value.username != upload.username }
        let size = { (upload: Upload) in upload.files.values.reduce(0) { $0 + $1.count } }
        var total = uploads.values.reduce(size(upload)) { $0 + size($1) }
        for (token, old) in uploads.sorted(by: { $0.value.stored < $1.value.stored }) where total > PendingUploads.maximumBytes {
            uploads[token] = nil
            total -= size(old)
        }
        let token = randomToken()
        uploads[token] = upload
        return token
    }

    func take(_ token: String, username: String) -> Upload? {
        guard let upload = uploads[token], upload.username == username else { return nil }
        uploads[token] = nil
        return upload
    }
}

extension WebApp {
    static let deliveryRoles = Permission.importDelivery.roles

    /// The parts of a `multipart/form-data` body: field values and uploaded files.
    static func multipart(_ body: ByteBuffer, contentType: String) throws -> (fields: [String: String], files: [String: Data]) {
        guard
            let boundary = contentType.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.hasPrefix("boundary=") })?.dropFirst("boundary=".count)
        else { throw WebApp.Refusal.forbidden("Formularen skal sendes som multipart/form-data.") }
        let parser = MultipartParser(boundary: String(boundary).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        var fields: [String: String] = [:]
        var files: [String: Data] = [:]
        var disposition = ""
        var current = Data()
        parser.onHeader = { name, value in
            if name.lowercased() == "content-disposition" { disposition = value }
        }
        parser.onBody = { buffer in current.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            func attribute(_ key: String) -> String? {
                disposition.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix(key + "=") }
                    .map { String($0.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
            if let filename = attribute("filename"), !filename.isEmpty {
                files[(filename as NSString).lastPathComponent] = current
                // Which form field sent which file: "file:<field>" → the file's name.
                if let name = attribute("name") { fields["file:" + name] = (filename as NSString).lastPathComponent }
            } else if let name = attribute("name") {
                fields[name] = String(decoding: current, as: UTF8.self)
            }
            current = Data()
            disposition = ""
        }
        try parser.execute(body)
        return (fields, files)
    }

    func registerDeliveries(on router: PageRouter) {
        // Issue #17: templates with the columns and their Danish meaning.
        router.get("/leverancer/skabelon.xlsx") { request, _ in
            try await page(request) {
                _ = try await caller(request, roles: WebApp.deliveryRoles, now: api.clock())
                return try WebApp.xlsx(DeliveryFormat.workbookTemplate(api.commitment), name: "leverance-skabelon")
            }
        }
        router.get("/leverancer/skabelon.zip") { request, _ in
            try await page(request) {
                _ = try await caller(request, roles: WebApp.deliveryRoles, now: api.clock())
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"leverance-skabelon.zip\"", .cacheControl: "no-store"],
                    body: .init(byteBuffer: ByteBuffer(bytes: try DeliveryFormat.csvTemplate(api.commitment)))
                )
            }
        }
        router.get("/leverancer") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.deliveryRoles, now: now)
                return try await deliveriesPage(caller: caller, now: now)
            }
        }
        router.post("/leverancer") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.deliveryRoles, now: now)
                let body = try await request.body.collect(upTo: context.maxUploadSize)
                let (fields, uploaded) = try WebApp.multipart(body, contentType: request.headers[.contentType] ?? "")
                guard let sent = fields["_csrf"], constantTimeEquals(sent, caller.csrfToken ?? "") else {
                    throw Refusal.forbidden("Formularen er udløbet eller kom ikke fra Outcomes (CSRF). Genindlæs siden og prøv igen.")
                }
                let receivedOn = fields["receivedOn"].flatMap { LocalDate(iso: $0) } ?? api.today(now)
                // Issue #17: CSV files, a ZIP of them or an Excel workbook — one importer.
                var upload: DeliveryUpload?
                do {
                    upload = try DeliveryUpload.unpack(uploaded)
                    let files = upload?.files ?? [:]
                    let unknown = upload?.unknown ?? []
                    let requester = Requester(user: caller.user, purpose: "dataleverance", now: now, channel: "web:deliveries")
                    let (imported, current, consequences) = try await api.service.deliveryPreview(requester, files: files)
                    let token = await pending.keep(.init(username: caller.user.username, files: files, receivedOn: receivedOn, stored: now))
                    return try await deliveriesPage(
                        caller: caller,
                        now: now,
                        preview: previewContext(
                            imported,
                            current: current,
                            consequences: consequences,
                            unknown: unknown,
                            token: token,
                            csrf: caller.csrfToken ?? ""
                        )
                    )
                } catch let rejected as DeliveryRejected {
                    let errors = rejected.issues.map { found -> [String: String] in
                        let issue = upload?.locate(found) ?? found
                        return [
                            "file": issue.file, "line": issue.line > 0 ? String(issue.line) : "–", "column": issue.column.isEmpty ? "–" : issue.column,
                            "message": issue.message,
                        ]
                    }
                    return try await deliveriesPage(
                        caller: caller,
                        now: now,
                        problems: ["count": errors.count, "errors": errors],
                        status: .unprocessableContent
                    )
                }
            }
        }
        router.post("/leverancer/gem") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.deliveryRoles, now: now)
                let fields = try await form(request, context, caller: caller)
                guard let upload = await pending.take(fields["token", default: ""], username: caller.user.username) else {
                    return try await deliveriesPage(caller: caller, now: now, error: "Forhåndsvisningen er udløbet; upload filerne igen.")
                }
                // The register values the user chose to keep (a checkbox per household).
                let keep = Set(fields.filter { $0.key.hasPrefix("behold-") && $0.value == "1" }.map { HouseholdID(String($0.key.dropFirst(7))) })
                let receipt: DeliveryReceipt
                do {
                    receipt = try await api.service.importDelivery(
                        Requester(user: caller.user, purpose: "dataleverance", now: now, channel: "web:deliveries"),
                        files: upload.files,
                        receivedOn: upload.receivedOn,
                        keepingRegister: keep
                    )
                } catch ApplicationError.conflict(let message) {
                    // A kept register value that no longer fits the delivery's course: nothing saved.
                    return try await deliveriesPage(caller: caller, now: now, error: message + " Intet er gemt; upload filerne igen.")
                }
                let message =
                    receipt.isNew
                    ? "Leverance \(receipt.number) er gemt (\(Danish.integer(receipt.rowCount)) rækker)."
                        + (receipt.supersedes.map { " Den afløser leverance \($0)." } ?? "")
                        + (receipt.overriddenRegister.isEmpty
                            ? "" : " Registrets rettelser er overskrevet for \(receipt.overriddenRegister.map(\.rawValue).joined(separator: ", ")).")
                    : "Leverancen fandtes allerede som nr. \(receipt.number); intet er ændret."
                return try await deliveriesPage(caller: caller, now: now, flash: message)
            }
        }
    }

    func previewContext(
        _ imported: ImportedDelivery,
        current: Delivery?,
        consequences: DeliveryPreview,
        unknown: [String],
        token: String,
        csrf: String
    ) -> [String: Any] {
        let new = imported.delivery
        // A changed area by the name the agreement gives it.
        func shown(_ change: DeliveryPreview.FieldChange, _ value: String) -> String {
            change.field == "område" ? api.commitment.area(value).map(api.commitment.areaName) ?? value : value
        }
        func row(_ label: String, _ now: Int?, _ next: Int) -> [String: String] {
            let change = now.map { next - $0 } ?? next
            return [
                "label": label, "current": now.map(Danish.integer) ?? "–", "new": Danish.integer(next),
                "change": (change > 0 ? "+" : "") + Danish.integer(change),
            ]
        }
        // A goal's rows by the agreement's name and number for it, only for the goals it has.
        let goalRows: [(GoalKind, Int?, Int)] = [
            (.employment, current?.employment.count, new.employment.count), (.socialMeasures, current?.socialMeasures.count, new.socialMeasures.count),
            (.schoolAbsence, current?.schoolAbsence.count, new.schoolAbsence.count), (.lifeSatisfaction, current?.lifeSatisfaction.count, new.lifeSatisfaction.count),
            (.actionPlans, current?.actionPlanGoals.count, new.actionPlanGoals.count),
        ]
        let goals = goalRows.compactMap { kind, now, next in api.commitment.goal(kind).map { (goal: $0, now: now, next: next) } }
            .sorted { $0.goal.number < $1.goal.number }
        return [
            "rows": [row("Husstande", current?.households.count, new.households.count), row("Personer", current?.persons.count, new.persons.count)]
                // A plan's rows are its goals.
                + goals.map { row("\($0.goal.kind == .actionPlans ? "Mål i " + $0.goal.name.lowercased() : $0.goal.name) (mål \($0.goal.number))", $0.now, $0.next) },
            "householdText":
                "\(Danish.integer(consequences.added.count)) nye husstande, \(Danish.integer(consequences.changed.count)) ændrede, "
                + "\(Danish.integer(consequences.removed.count)) som ikke længere er med.",
            "warnings": imported.warnings + unknown.map { "filen \($0) hører ikke til en leverance og springes over" },
            "token": token, "csrf": csrf,
            "added": consequences.added.map(\.rawValue).joined(separator: ", "), "hasAdded": !consequences.added.isEmpty,
            "removed": consequences.removed.map(\.rawValue).joined(separator: ", "), "hasRemoved": !consequences.removed.isEmpty,
            "changed": consequences.changed.flatMap { change in
                change.changes.map { ["household": change.household.rawValue, "field": $0.field, "before": shown($0, $0.before), "after": shown($0, $0.after)] }
            },
            "hasChanged": !consequences.changed.isEmpty,
            "overrides": consequences.registerOverrides.map { change in
                [
                    "household": change.household.rawValue,
                    "what": change.changes.map { "\($0.field): \(shown($0, $0.before)) i registret, \(shown($0, $0.after)) i leverancen" }.joined(separator: "; "),
                ]
            },
            "hasOverrides": !consequences.registerOverrides.isEmpty,
            "money": consequences.money.map { effect in
                [
                    "period": effect.period.danishLabel, "goal": effect.goal, "approved": effect.isApproved,
                    "before": effect.before.danishString, "after": effect.after.danishString, "difference": effect.difference.danishString,
                ] as [String: Any]
            },
            "hasMoney": !consequences.money.isEmpty,
            "totalBefore": consequences.totalBefore.danishString, "totalAfter": consequences.totalAfter.danishString,
            "corrections": consequences.corrections.danishString, "hasCorrections": !consequences.corrections.isZero,
        ]
    }

    func deliveriesPage(
        caller: Caller,
        now: Date,
        preview: [String: Any]? = nil,
        problems: [String: Any]? = nil,
        flash: String? = nil,
        error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var context = base(caller, title: "Dataleverancer", current: "/leverancer", now: now)
        context["preview"] = preview
        context["problems"] = problems
        context["flash"] = flash
        context["error"] = error
        context["deliveries"] = try await api.service.deliveries(Requester(user: caller.user, now: now, channel: "web:deliveries")).reversed().map {
            [
                "number": $0.number, "receivedOn": $0.receivedOn.danishString, "rows": Danish.integer($0.rowCount),
                "supersedes": $0.supersedes.map { "nr. \($0)" } ?? "–", "hash": String($0.contentHash.prefix(12)),
            ] as [String: Any]
        }
        return html("deliveries", context, status: status)
    }
}
