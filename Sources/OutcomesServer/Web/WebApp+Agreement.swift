import Foundation
import HTTPTypes
import Hummingbird
import OutcomesApplication
import OutcomesContractFile
import OutcomesCore
import OutcomesStore

/// "Aftalen" (issue #16): the contract versions on record, the validation's findings for the
/// version in use, and — for the project lead — a new version uploaded, read whole (a file that
/// cannot be read is refused, nothing kept), kept, and shown with its findings and a
/// line-by-line difference against the version before it. Issue #18 (T 11.1): a version is in
/// force from its `effectiveFrom` at once; the table shows each version's status and the
/// decision behind it, and any two versions can be compared.
extension WebApp {
    func registerAgreement(on router: PageRouter) {
        router.get("/aftale") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, now: now)
                // ?fra=N&til=M: the difference between two versions.
                let query = request.uri.queryParameters
                if let from = query["fra"].flatMap({ Int(String($0)) }), let to = query["til"].flatMap({ Int(String($0)) }) {
                    let requester = Requester(user: caller.user, now: now, channel: "web:agreement")
                    let id = api.commitment.id
                    guard let old = try? await api.service.contractText(requester, id: id, version: from),
                        let new = try? await api.service.contractText(requester, id: id, version: to)
                    else { throw Refusal.notFound("Version \(from) eller \(to) af aftalen findes ikke.") }
                    return try await agreementPage(caller, now: now, uploaded: new, previous: old, compared: (from, to))
                }
                return try await agreementPage(caller, now: now)
            }
        }
        router.post("/aftale") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: Permission.saveContractVersion.roles, now: now)
                let (fields, files) = try await upload(request, context, caller: caller)
                guard let name = fields["file:file"], let data = files[name] else { return try await agreementPage(caller, now: now, error: "Vælg aftalefilen (YAML).") }
                let text = String(decoding: data, as: UTF8.self)
                let requester = Requester(user: caller.user, purpose: "ny aftaleversion", now: now, channel: "web:agreement")
                // The version the new one is compared with: the newest before it.
                let previous = try? await api.service.contractText(requester, id: api.commitment.id, version: api.commitment.version)
                do {
                    let version = try await api.service.saveContractVersion(requester, text: text, file: name)
                    let from = api.service.history.inForce(on: api.today(now)).version == version.version ? "gælder nu" : "er gemt"
                    return try await agreementPage(caller, now: now, flash: "Version \(version.version) af \(version.id) \(from).", uploaded: text, previous: previous)
                } catch let error as ApplicationError {
                    return try await agreementPage(caller, now: now, error: error.description, uploaded: text)
                } catch let error as StoreError {
                    return try await agreementPage(caller, now: now, error: error.description, uploaded: text)
                }
            }
        }
    }

    /// The lines that differ between the version in use and `new`, with a few lines of context.
    static func lineDiff(_ old: String, _ new: String, context: Int = 2) -> [[String: String]] {
        let a = old.components(separatedBy: "\n")
        let b = new.components(separatedBy: "\n")
        let difference = b.difference(from: a)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case let .remove(offset, _, _): removed.insert(offset)
            case let .insert(offset, _, _): inserted.insert(offset)
            }
        }
        // Walk both texts together; show changes and `context` unchanged lines around them.
        var rows: [(kind: String, line: String, number: String)] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) {
                rows.append(("fjernet", a[i], String(i + 1)))
                i += 1
            } else if j < b.count, inserted.contains(j) {
                rows.append(("tilføjet", b[j], String(j + 1)))
                j += 1
            } else {
                if i < a.count { rows.append(("uændret", a[i], String(j + 1))) }
                i += 1
                j += 1
            }
        }
        let changed = rows.indices.filter { rows[$0].kind != "uændret" }
        guard !changed.isEmpty else { return [] }
        var shown: [[String: String]] = []
        var last = -1
        for index in rows.indices where changed.contains(where: { abs($0 - index) <= context }) {
            if last >= 0, index > last + 1 { shown.append(["kind": "skip", "label": "", "line": "…", "number": ""]) }
            shown.append(["kind": rows[index].kind, "label": rows[index].kind, "line": rows[index].line, "number": rows[index].number])
            last = index
        }
        return shown
    }

    func agreementPage(
        _ caller: Caller,
        now: Date,
        error: String? = nil,
        flash: String? = nil,
        uploaded: String? = nil,
        previous: String? = nil,
        compared: (Int, Int)? = nil
    ) async throws -> Response {
        let requester = Requester(user: caller.user, now: now, channel: "web:agreement")
        let history = api.service.history
        let today = api.today(now)
        let commitment = history.inForce(on: today)
        var context = base(caller, title: "Aftalen", current: "/aftale", now: now)
        context["error"] = error
        context["flash"] = flash
        context["title"] = commitment.title
        context["inUse"] = "\(commitment.id) version \(commitment.version)"
        var versions: [[String: Any]] = []
        let stored = try await api.service.contractVersions(requester).map(\.version).filter { $0.id == commitment.id }
        for (offset, version) in stored.enumerated() {
            // The file says from when it applies; without it, from the signing.
            let known = history.versions.first { $0.version == version.version }
            let effective = known.map { ($0.effectiveFrom ?? $0.signedOn.value).danishString } ?? "–"
            let status: String
            if known == nil {
                status = "gemt; et ældre filformat, afløst"
            } else if version.version == commitment.version {
                status = "gælder nu"
            } else if let from = known?.effectiveFrom, from > today, version.version > commitment.version {
                status = "gælder fra \(from.danishString)"
            } else {
                status = "afløst"
            }
            var row: [String: Any] = [
                "id": version.id, "version": String(version.version), "effective": effective, "status": status,
                "inUse": version.version == commitment.version,
            ]
            if let decision = known?.decision { row["decision"] = decision }
            if offset > 0 { row["compare"] = "/aftale?fra=\(stored[offset - 1].version)&til=\(version.version)#forskelle" }
            versions.append(row)
        }
        context["versions"] = versions
        context["effective"] = (commitment.effectiveFrom ?? commitment.signedOn.value).danishString
        func findings(_ list: [Finding]) -> [[String: String]] {
            list.sorted { $0.severity < $1.severity }.map {
                ["severity": $0.severity.rawValue, "severityName": $0.severity.danishName, "message": $0.message, "clause": $0.clause.reference]
            }
        }
        context["findings"] = findings(ContractValidator.validate(commitment))
        context["canUpload"] = Permission.saveContractVersion.roles.contains(RoleKind(caller.user.role))
        if let uploaded, let current = try await previousText(previous, requester, commitment) {
            context["diff"] = WebApp.lineDiff(current, uploaded)
            context["diffTitle"] = compared.map { "Forskelle fra version \($0.0) til version \($0.1)" } ?? "Forskelle fra den forrige version"
            context["hasDiff"] = true
            if let parsed = try? ContractFile.parse(uploaded, file: "aftale.yaml") {
                context["newFindings"] = findings(ContractValidator.validate(parsed))
                context["newVersion"] = "\(parsed.id) version \(parsed.version), gælder fra \((parsed.effectiveFrom ?? parsed.signedOn.value).danishString)"
            }
        }
        return html("agreement", context, status: error == nil ? .ok : .unprocessableContent)
    }

    /// The text an upload is compared with: the one given, else the version now in force.
    func previousText(_ given: String?, _ requester: Requester, _ commitment: Commitment) async throws -> String? {
        if let given { return given }
        return try? await api.service.contractText(requester, id: commitment.id, version: commitment.version)
    }
}
