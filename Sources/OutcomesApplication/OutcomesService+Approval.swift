import Foundation
public import OutcomesCore
import OutcomesReports
public import OutcomesStore

// SPEC §10: settlements as approved records (T 5.4, 5.5).
extension OutcomesService {
    /// Who must sign a half-year's settlement before it is approved: the project lead for the
    /// municipality and the lead funder — the first in the tranche table, DSI for Viborg.
    public var approvers: [String] {
        ["projectLead"] + (commitment.tranches.shares.first.map { ["funder:\($0.funder.rawValue)"] } ?? [])
    }

    /// The proposed and approved half-years, oldest first.
    public func settlementRecords(_ requester: Requester) async throws -> [SettlementRecord] {
        try authorize(requester, .readFigures)
        return try await store.settlementRecords()
    }

    /// One half-year's record; its frozen document (lines per person, pseudonymised) only for
    /// the roles that may see settlement lines, and that read is audited.
    public func settlementRecord(_ requester: Requester, period: HalfYear) async throws -> (record: SettlementRecord, total: Money, showsDocument: Bool) {
        let user = try authorize(requester, .readFigures)
        guard let record = try await store.settlementRecords().first(where: { $0.period == period.label }) else {
            throw ApplicationError.notFound("Der er ingen indstillet opgørelse for \(period.danishLabel).")
        }
        let shows = Permission.readSettlementLines.allows(user.role)
        if shows { try await auditRead(requester, "settlement-record \(period.label)") }
        return (record, try await recordTotal(record), shows)
    }

    /// The total a record was proposed (and is approved) with, from its frozen document (read
    /// once per hash, as the approved half-years are).
    public func recordTotal(_ record: SettlementRecord) async throws -> Money {
        let commitment = version(record.contractVersion)
        return try await approvedDocuments.value(for: record.hash) { try ApprovedPeriodReader.read(record.document, commitment: commitment) }
            .settlement.total
    }

    /// The contract version a record was computed with (T 11.1), or the newest when this
    /// program does not read that version.
    func version(_ number: Int) -> Commitment {
        let history = self.history
        return history.versions.first { $0.version == number } ?? history.latest
    }

    /// The evaluator proposes a closed half-year's settlement for approval: computed from the
    /// current delivery (with the half-years approved before it kept), and frozen as a document
    /// with a hash. A new proposal of the same half-year replaces an earlier one and its
    /// signatures; an approved half-year is never proposed again.
    public func proposeSettlement(_ requester: Requester, period: HalfYear) async throws -> SettlementRecord {
        let user = try authorize(requester, .proposeSettlement)
        let start = commitment.interventionPeriod.value.start
        guard period.end >= start else { throw ApplicationError.invalid("\(period.danishLabel) ligger før aftalens indsatsperiode.") }
        guard period.end < requester.today else {
            throw ApplicationError.conflict("\(period.danishLabel) er ikke afsluttet endnu; en opgørelse indstilles, når halvåret er slut.")
        }
        let records = try await store.settlementRecords()
        let approved = Set(records.filter(\.isApproved).map(\.period))
        guard !approved.contains(period.label) else { throw StoreError.settlementApproved(period.label) }
        // In order: every earlier half-year of the agreement is approved first.
        if let missing = HalfYear.span(from: start, through: period.end).dropLast().first(where: { !approved.contains($0.label) }) {
            throw ApplicationError.conflict("Godkend først \(missing.danishLabel); halvårene godkendes i rækkefølge.")
        }
        guard let number = try await store.currentDeliveryNumber() else {
            throw ApplicationError.notFound("Der er ingen dataleverance endnu; importér en (POST /api/deliveries).")
        }
        let settlement = try await settlement(ofDelivery: number, asOf: period.end)
        guard let figures = settlement.periods.first(where: { $0.period == period }) else {
            throw ApplicationError.invalid("\(period.danishLabel) har ingen opgørelse.")
        }
        let document = ApprovedPeriodDocument.string(
            figures,
            lines: settlement.lines.filter { $0.period == period },
            corrections: settlement.corrections.filter { $0.settledIn == period },
            contract: commitment.id,
            version: history.inForce(for: period).version,
            delivery: number,
            asOf: period.end
        )
        let record = SettlementRecord(
            period: period.label,
            contractID: commitment.id,
            contractVersion: history.inForce(for: period).version,
            deliveryNumber: number,
            document: document,
            proposedBy: user.username,
            proposedAt: requester.timestamp
        )
        try await store.proposeSettlement(record, audit: requester.audit("propose-settlement", subject: "\(period.label) sha256:\(record.hash)"))
        return record
    }

    /// The project lead or the lead funder signs the proposal they saw (its `hash`), naming
    /// the steering-group meeting it was presented at; with every signature it is approved.
    public func approveSettlement(_ requester: Requester, period: HalfYear, hash: String, meetingOn: LocalDate) async throws -> SettlementRecord {
        let user = try authorize(requester, .approveSettlement)
        let approver = user.role.storedForm
        guard approvers.contains(approver) else {
            throw ApplicationError.forbidden("Opgørelsen godkendes af \(approvers.joined(separator: " og ")), ikke af \(user.role.danishName(in: commitment)).")
        }
        guard try await store.meetings().contains(where: { $0.heldOn == meetingOn }) else {
            throw ApplicationError.invalid("Der er ikke registreret et styregruppemøde den \(meetingOn.danishString); registrér mødet først (T 7).")
        }
        let proposal = try await store.settlementRecords().first(where: { $0.period == period.label })
        // T 11.1: a proposal computed with a version no longer in force for its half-year is
        // proposed again before it is approved.
        if let proposal, !proposal.isApproved, proposal.contractVersion != history.inForce(for: period).version {
            throw ApplicationError.conflict(
                "Opgørelsen for \(period.danishLabel) er beregnet med version \(proposal.contractVersion) af aftalen, men version \(history.inForce(for: period).version) gælder nu for halvåret; evaluator indstiller den på ny."
            )
        }
        // The meeting it was presented at cannot be before it was proposed.
        if let record = proposal,
            let proposedOn = LocalDate.copenhagen(timestamp: record.proposedAt), meetingOn < proposedOn
        {
            throw ApplicationError.invalid(
                "Mødet \(meetingOn.danishString) ligger før opgørelsen blev indstillet (\(proposedOn.danishString)); den kan ikke være forelagt dér."
            )
        }
        do {
            return try await store.approveSettlement(
                period: period.label,
                approval: SettlementApproval(approver: approver, username: user.username, at: requester.timestamp, meetingOn: meetingOn),
                expectedHash: hash,
                required: approvers,
                audit: requester.audit("approve-settlement", subject: "\(period.label) sha256:\(hash) møde \(meetingOn.isoString)")
            )
        } catch StoreError.changedMeanwhile {
            throw ApplicationError.conflict("Opgørelsen for \(period.danishLabel) er indstillet på ny siden; hent den og godkend den nye (hash).")
        }
    }

    /// SPEC §10: who pays whom how much by when, from the approved half-years, matched against
    /// the ledger as of `asOf`.
    public func paymentInstructions(_ requester: Requester, asOf: LocalDate) async throws -> [PaymentInstruction] {
        try authorize(requester, .readFigures)
        return try await instructions(asOf: asOf, transfers: try await store.transfers())
    }

    /// SPEC §10: the four repayment figures for a date — computed, approved, due, paid — as
    /// every page shows them (aggregates, for every role's overview); `nil` before a delivery.
    public func repaymentFigures(_ requester: Requester, asOf: LocalDate) async throws -> RepaymentFigures? {
        try authorize(requester, .readOverview)
        guard let settlement = try await currentSettlement(asOf: asOf) else { return nil }
        let instructions = PaymentSchedule.compute(settlement: settlement, transfers: try await store.transfers(), asOf: asOf)
        return RepaymentFigures.compute(settlement: settlement, instructions: instructions, asOf: asOf)
    }

    func instructions(asOf: LocalDate, transfers: [MoneyTransfer]) async throws -> [PaymentInstruction] {
        guard let settlement = try await currentSettlement(asOf: asOf) else { return [] }
        return PaymentSchedule.compute(settlement: settlement, transfers: transfers, asOf: asOf)
    }

    /// The approved half-years, read back from their documents (kept once read: a document
    /// never changes), with a key that changes when another is approved.
    func approvedPeriods() async throws -> (key: String, periods: [ApprovedPeriod]) {
        let hashes = try await store.approvedSettlementHashes()
        let key = hashes.map(\.hash).joined(separator: ",")
        var periods: [ApprovedPeriod] = []
        for (period, hash) in hashes {
            let store = self.store
            let versions = self.history
            // A document is read (and its hash checked) once, then kept: it never changes.
            periods.append(
                try await approvedDocuments.value(for: hash) {
                    guard let record = try await store.settlementRecords().first(where: { $0.period == period && $0.hash == hash }) else {
                        throw ApplicationError.conflict("Den godkendte opgørelse for \(period) kan ikke læses.")
                    }
                    // Read with the version it was approved under (an amendment may add a party).
                    let commitment = versions.versions.first { $0.version == record.contractVersion } ?? versions.latest
                    return try ApprovedPeriodReader.read(record.document, commitment: commitment)
                }
            )
        }
        return (key, periods)
    }
}

/// Reads an ``ApprovedPeriodDocument`` back.
enum ApprovedPeriodReader {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ text: String, commitment: Commitment) throws -> ApprovedPeriod {
        guard let root = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let object = root["period"] as? [String: Any], let lineObjects = root["lines"] as? [[String: Any]]
        else { throw Malformed(description: "en godkendt opgørelse kan ikke læses") }
        func money(_ value: Any?) throws -> Money {
            guard let text = value as? String else { throw Malformed(description: "beløb mangler i en godkendt opgørelse") }
            return try Money.parse(text, form: .machine)
        }
        func date(_ value: Any?) throws -> LocalDate {
            guard let text = value as? String, let day = LocalDate(iso: text) else { throw Malformed(description: "dato mangler i en godkendt opgørelse") }
            return day
        }
        guard let label = object["period"] as? String, let period = HalfYear(label: label), let goalObjects = object["goals"] as? [String: Any] else {
            throw Malformed(description: "halvåret mangler i en godkendt opgørelse")
        }
        var goals: [GoalPeriodAmount] = []
        for key in goalObjects.keys.compactMap(Int.init).sorted() {
            let goal = goalObjects[String(key)] as? [String: Any] ?? [:]
            goals.append(
                GoalPeriodAmount(
                    goal: key,
                    amount: try money(goal["amount"]),
                    payable: try money(goal["payable"]),
                    correction: goal["correction"] == nil ? .zero : try money(goal["correction"])
                )
            )
        }
        let allocator = RepaymentAllocator(commitment)
        var settlement = PeriodSettlement(
            period: period,
            due: try date(object["due"]),
            isClosed: object["closed"] as? Bool ?? true,
            goals: goals,
            capReduction: try money(object["capReduction"]),
            payers: try allocator.payers.map { PartyAmount(party: $0, amount: try money(object[$0.rawValue])) },
            total: try money(object["total"]),
            recipients: try allocator.recipients.map { PartyAmount(party: $0, amount: try money(object["to" + $0.rawValue.uppercased()])) },
            isApproved: true
        )
        settlement.contractVersion = object["version"] as? Int
        let lines = try lineObjects.map { line -> SettlementLine in
            let pointText = line["point"] as? String ?? ""
            guard let goal = line["goal"] as? Int, let point: LinePoint = pointText == "end" ? .end : Int(pointText).map(LinePoint.months) else {
                throw Malformed(description: "en linje i en godkendt opgørelse kan ikke læses")
            }
            return SettlementLine(
                goal: goal,
                point: point,
                date: try date(line["date"]),
                household: (line["household"] as? String).map(HouseholdID.init),
                person: (line["person"] as? String).map(PersonID.init),
                cohort: line["cohort"] as? Int,
                amount: try money(line["amount"]),
                isImputed: line["imputed"] as? Bool ?? false,
                basis: .recorded(line["basis"] as? String ?? "")
            )
        }
        let corrections = try (root["corrections"] as? [[String: Any]] ?? []).map { item -> CorrectionLine in
            let pointText = item["point"] as? String ?? ""
            guard let goal = item["goal"] as? Int, let point: LinePoint = pointText == "end" ? .end : Int(pointText).map(LinePoint.months),
                let of = (item["period"] as? String).flatMap(HalfYear.init(label:)),
                let settledIn = (item["settledIn"] as? String).flatMap(HalfYear.init(label:))
            else { throw Malformed(description: "en efterregulering i en godkendt opgørelse kan ikke læses") }
            return CorrectionLine(
                period: of,
                settledIn: settledIn,
                goal: goal,
                point: point,
                household: (item["household"] as? String).map(HouseholdID.init),
                person: (item["person"] as? String).map(PersonID.init),
                cohort: item["cohort"] as? Int,
                before: try money(item["before"]),
                after: try money(item["after"]),
                reason: item["reason"] as? String ?? ""
            )
        }
        return ApprovedPeriod(settlement: settlement, lines: lines, corrections: corrections)
    }
}
