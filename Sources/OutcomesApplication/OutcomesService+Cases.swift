import Foundation
public import OutcomesCore
import OutcomesStore

/// A visitation decision as a front end hands it in (P 3.2.1).
public struct NewDecision: Sendable {
    public var household: HouseholdID
    /// `enrolled`, or the reason it was not (`noConsent`, `outsideArea`, …).
    public var outcome: String
    public var courseStart: LocalDate?
    public var consentGiven: Bool
    public var reason: String
    /// The day it was decided, when it was decided before it is journaled; else today.
    public var decidedOn: LocalDate?

    public init(household: HouseholdID, outcome: String, courseStart: LocalDate?, consentGiven: Bool, reason: String, decidedOn: LocalDate? = nil) {
        self.household = household
        self.outcome = outcome
        self.courseStart = courseStart
        self.consentGiven = consentGiven
        self.reason = reason
        self.decidedOn = decidedOn
    }

    /// Every value `outcome` may take.
    public static let outcomes = ["enrolled"] + EnrolmentDecision.NotEnrolledReason.allCases.map(\.rawValue)
}

/// The visitation list in lottery order with each household's latest decision (P 3.2.2).
public struct VisitationList: Sendable {
    public var entries: [(household: Household, decision: EnrolmentDecision?)]
    /// The next household to decide on, in the requester's area (or all areas).
    public var next: Household?
    /// The journal, newest first, of the households the requester may see.
    public var journal: [EnrolmentDecision]
}

// Visitation and the household register: the municipality's case work.
extension OutcomesService {
    /// Journals a visitation decision after checking who may (the household's own area),
    /// the outcome and the list order; the register follows an enrolment.
    ///
    /// The decision is dated `decidedOn` when given (a decision taken on paper, journaled
    /// later); else today, or the course's start when that is earlier (the decision was taken
    /// by then); never after today. The API and the web form share this one rule.
    public func recordDecision(_ requester: Requester, _ new: NewDecision) async throws -> EnrolmentDecision {
        let user = try authorize(requester, .editCases)
        let record = try await householdForCaseWork(requester, new.household)
        let outcome: EnrolmentDecision.Outcome
        if new.outcome == "enrolled" {
            guard let start = new.courseStart else { throw ApplicationError.invalid("Angiv indsatsstart ('courseStart') for en visiteret husstand.") }
            outcome = .enrolled(courseStart: start)
        } else if let reason = EnrolmentDecision.NotEnrolledReason(rawValue: new.outcome) {
            outcome = .notEnrolled(reason)
        } else {
            throw ApplicationError.invalid("Udfaldet skal være et af \(NewDecision.outcomes.joined(separator: ", ")).")
        }
        try checkInput { () throws(InputRules.Violation) in
            try InputRules.text(new.reason, field: "reason", maximumLength: InputRules.maximumLineLength * 4)
            if let start = new.courseStart { try InputRules.date(start, field: "courseStart") }
            if let decided = new.decidedOn { try InputRules.date(decided, field: "decidedOn") }
        }
        // P 1.6.1: courses start within the intervention period. After it has ended, say so and
        // what can still be journaled, instead of only that the date is outside the period.
        let period = commitment.interventionPeriod.value
        if let start = outcome.courseStart, !period.contains(start) {
            throw ApplicationError.invalid(
                start > period.end
                    ? "Indsatsperioden sluttede \(period.end.danishString) (\(commitment.interventionPeriod.clause)); et nyt forløb kan ikke starte \(start.danishString). "
                        + "Du kan stadig journalføre en visitation, hvis forløbet startede senest \(period.end.danishString) (angiv den dato og beslutningsdatoen), "
                        + "en beslutning om ikke at visitere, afslutte forløb og registrere handleplaner og målinger."
                    : "Indsatsstart \(start.danishString) ligger før indsatsperioden, der begynder \(period.start.danishString) (\(commitment.interventionPeriod.clause))."
            )
        }
        // A course that has already started was decided on by its start at the latest.
        let decidedOn = new.decidedOn ?? min(requester.today, outcome.courseStart ?? requester.today)
        guard decidedOn <= requester.today else {
            throw ApplicationError.invalid("Beslutningsdatoen \(decidedOn.danishString) ligger efter i dag; en beslutning journalføres, når den er truffet.")
        }
        let decision = EnrolmentDecision(
            household: record.id,
            listPosition: record.listPosition,
            decidedOn: decidedOn,
            decidedBy: user.username,
            outcome: outcome,
            reason: new.reason
        )
        try await store.recordEnrolmentDecision(
            decision,
            consentGiven: new.consentGiven,
            interventionPeriod: commitment.interventionPeriod.value,
            audit: requester.audit("record-decision:\(new.outcome)", subject: "household:\(record.id)")
        )
        return decision
    }

    /// The visitation list, its next household and the journal, of the requester's area.
    public func visitationList(_ requester: Requester) async throws -> VisitationList {
        try authorize(requester, .readPersonData)
        let decisions = try await store.enrolmentDecisions()
        let latest = Dictionary(decisions.map { ($0.household, $0) }, uniquingKeysWith: { _, last in last })
        let listed = try await store.households(in: requester.ownArea).filter { $0.listPosition != nil }
            .sorted { $0.listPosition! < $1.listPosition! }
        let visible = Set(try await store.households(in: requester.ownArea).map(\.id))
        try await auditRead(requester, "visitation list" + (requester.ownArea.map { " \($0.rawValue)" } ?? ""))
        return VisitationList(
            entries: listed.map { ($0, latest[$0.id]) },
            next: listed.first { latest[$0.id] == nil },
            journal: decisions.reversed().filter { visible.contains($0.household) }
        )
    }

    /// The journal of decisions, in the order made, of the households the requester may see.
    public func decisions(_ requester: Requester) async throws -> [EnrolmentDecision] {
        try authorize(requester, .readPersonData)
        var decisions = try await store.enrolmentDecisions()
        if let own = requester.ownArea {
            let ids = Set(try await store.households(in: own).map(\.id))
            decisions = decisions.filter { ids.contains($0.household) }
        }
        try await auditRead(requester, "decisions " + decisions.map(\.household.rawValue).joined(separator: ","))
        return decisions
    }

    // MARK: Households

    /// The register (a caseworker's own area only; asking for another area is refused).
    public func households(_ requester: Requester, area: Area? = nil) async throws -> [Household] {
        try authorize(requester, .readPersonData)
        if let own = requester.ownArea, let area, area != own {
            throw ApplicationError.forbidden("Husstande i \(commitment.areaName(area)) hører ikke til dit område.")
        }
        let records = try await store.households(in: requester.ownArea ?? area)
        try await auditRead(requester, "households " + (requester.ownArea ?? area).map(\.rawValue).map { "in \($0)" }.orElse("all"))
        return records
    }

    /// One household, with how much of its person data the requester may see; the read is audited.
    public func household(_ requester: Requester, _ id: HouseholdID) async throws -> (record: Household, access: Role.PersonDataAccess) {
        let user = try authorize(requester, .readPersonData)
        try checkHouseholdID(id)
        guard let record = try await store.household(id) else { throw ApplicationError.notFound("Husstanden \(id) findes ikke.") }
        let access = user.role.personDataAccess(householdArea: record.area)
        guard access != .none else { throw ApplicationError.forbidden("Husstanden hører til \(commitment.areaName(record.area)), ikke dit område.") }
        try await auditRead(requester, "household:\(record.id)")
        return (record, access)
    }

    /// A household the requester may do case work on (full access to its area).
    func householdForCaseWork(_ requester: Requester, _ id: HouseholdID) async throws -> Household {
        let user = try authorize(requester, .editCases)
        try checkHouseholdID(id)
        guard let record = try await store.household(id) else { throw ApplicationError.notFound("Husstanden \(id) findes ikke.") }
        guard user.role.personDataAccess(householdArea: record.area) == .full else {
            throw ApplicationError.forbidden("Husstanden hører til \(commitment.areaName(record.area)), ikke dit område.")
        }
        return record
    }

    /// Registers a new household; refused when the id is taken (exactly one of two requests
    /// for the same id wins).
    public func createHousehold(_ requester: Requester, _ record: Household) async throws {
        let user = try authorize(requester, .editCases)
        try checkInput { () throws(InputRules.Violation) in try OutcomesService.check(record) }
        // One validator for the register and the importer, with the agreement's cohorts.
        try record.validate(interventionPeriod: commitment.interventionPeriod.value, cohorts: commitment.schoolAbsenceCohorts)
        guard commitment.area(record.area.rawValue) != nil else {
            throw ApplicationError.invalid("Området '\(record.area.rawValue)' findes ikke i aftalen (områderne er \(commitment.areaKeys)).")
        }
        guard user.role.personDataAccess(householdArea: record.area) == .full else {
            throw ApplicationError.forbidden("Husstanden hører til \(commitment.areaName(record.area)), ikke dit område.")
        }
        do {
            try await store.createHousehold(
                record,
                interventionPeriod: commitment.interventionPeriod.value,
                audit: requester.audit("create-household", subject: "household:\(record.id)")
            )
        } catch RegisterError.householdExists {
            throw ApplicationError.conflict("Husstanden \(record.id) findes allerede; ret den på husstandens egen side.")
        }
    }

    /// Changes a household and its course (start, end, reason, replacement).
    public func updateHousehold(_ requester: Requester, _ record: Household) async throws {
        let existing = try await householdForCaseWork(requester, record.id)
        try checkInput { () throws(InputRules.Violation) in try OutcomesService.check(record) }
        // One validator for the register and the importer, with the agreement's cohorts.
        try record.validate(interventionPeriod: commitment.interventionPeriod.value, cohorts: commitment.schoolAbsenceCohorts)
        guard commitment.area(record.area.rawValue) != nil else {
            throw ApplicationError.invalid("Området '\(record.area.rawValue)' findes ikke i aftalen (områderne er \(commitment.areaKeys)).")
        }
        guard requester.user?.role.personDataAccess(householdArea: record.area) == .full else {
            throw ApplicationError.forbidden("Husstanden kan ikke flyttes til \(commitment.areaName(record.area)), som ikke er dit område.")
        }
        try await store.saveHousehold(
            record,
            interventionPeriod: commitment.interventionPeriod.value,
            expectedArea: existing.area,
            audit: requester.audit("update-household", subject: "household:\(record.id)")
        )
    }

    /// Registers a member by CPR number: only the keyed pseudonym and the birth date are kept.
    public func addPerson(_ requester: Requester, household: HouseholdID, cpr text: String, name: String?) async throws -> PersonRecord {
        let record = try await householdForCaseWork(requester, household)
        if let name { try checkInput { () throws(InputRules.Violation) in try InputRules.line(name, field: "name", maximumLength: 200, allowEmpty: true) } }
        let cpr = try CPRNumber(text)
        guard let pseudonymizer else { throw ApplicationError.invalid("Personer registreres gennem serveren, som har nøglen til pseudonymer.") }
        let person = PersonRecord(
            id: pseudonymizer.pseudonym(for: cpr),
            household: record.id,
            birthDate: cpr.birthDate,
            name: name?.trimmingCharacters(in: .whitespaces).nonEmpty
        )
        do {
            try await store.addPerson(person, audit: requester.audit("add-person", subject: "person:\(person.id)"))
        } catch RegisterError.personExists {
            // The refusal must not tell where the person is registered (another area, like an
            // unknown number in the look-up): one answer, no pseudonym, and the trail keeps the
            // attempt, which the store's rolled-back transaction did not.
            _ = try await store.appendAudit(requester.audit("add-person-refused", subject: "person:\(person.id) household:\(record.id)"))
            throw ApplicationError.conflict("Personen kan ikke tilføjes: CPR-nummeret er allerede registreret i Outcomes. Kontakt projektlederen.")
        }
        return person
    }
}

extension OutcomesService {
    /// Finds a registered person by CPR number (matched on the pseudonym; the number itself is
    /// never kept), for case work in the requester's area.
    ///
    /// Every look-up is audited, also one that finds nothing. A person registered in another
    /// area answers exactly as an unknown number does — the answer must not tell a caseworker
    /// that someone is enrolled elsewhere — and the trail records that it was refused.
    public func lookUpPerson(_ requester: Requester, cpr text: String) async throws -> (household: Household, person: PersonRecord) {
        let user = try authorize(requester, .editCases)
        let cpr = try CPRNumber(text)
        guard let pseudonymizer else { throw ApplicationError.invalid("Opslag på CPR-nummer kræver nøglen til pseudonymer (serveren).") }
        let pseudonym = pseudonymizer.pseudonym(for: cpr)
        let notFound = ApplicationError.notFound("Ingen person med det CPR-nummer er registreret i dit område.")
        guard let person = try await store.person(pseudonym), let record = try await store.household(person.household) else {
            try await auditRead(requester, "cpr-lookup: ingen træf")
            throw notFound
        }
        guard user.role.personDataAccess(householdArea: record.area) == .full else {
            try await auditRead(requester, "cpr-lookup: person:\(person.id) i andet område (afvist)")
            throw notFound
        }
        try await auditRead(requester, "person:\(person.id)")
        return (record, person)
    }
}

extension OutcomesService {
    /// Enrolment against the targets (aggregates, for every signed-in role) and the open
    /// replacement obligations the requester may see by household.
    public func enrolmentProgress(_ requester: Requester, asOf: LocalDate) async throws -> (progress: EnrolmentProgress, visibleReplacements: [HouseholdID]) {
        let user = try authorize(requester, .readOverview)
        let households = try await complianceInput().input.households
        let progress = EnrolmentProgress.compute(households, commitment: commitment, asOf: asOf)
        let areas = Dictionary(households.map { ($0.id, $0.area) }, uniquingKeysWith: { first, _ in first })
        let visible = progress.openReplacements.filter { id in areas[id].map { user.role.personDataAccess(householdArea: $0) != .none } ?? false }
        return (progress, visible)
    }
}

// Money, meetings, reports and notices.
extension OutcomesService {
    /// Records a payment; a funder only one it is party to. Both parties must be the agreement's.
    public func recordTransfer(_ requester: Requester, _ transfer: MoneyTransfer) async throws {
        let user = try authorize(requester, .recordTransfer)
        try checkInput { () throws(InputRules.Violation) in
            try InputRules.amount(transfer.amount, field: "amount")
            try InputRules.date(transfer.paidOn, field: "paidOn")
            try InputRules.line(transfer.reference, field: "reference", allowEmpty: true)
            try InputRules.line(transfer.from.rawValue, field: "from", maximumLength: InputRules.maximumIdentifierLength)
            try InputRules.line(transfer.to.rawValue, field: "to", maximumLength: InputRules.maximumIdentifierLength)
        }
        for (field, party) in [("from", transfer.from), ("to", transfer.to)] where commitment.party(party) == nil {
            throw ApplicationError.invalid("Feltet '\(field)': parten '\(party.rawValue)' findes ikke i aftalen.")
        }
        if case let .funder(own) = user.role, own != transfer.from, own != transfer.to {
            throw ApplicationError.forbidden("En tilskudsgiver registrerer kun betalinger, den selv er part i.")
        }
        try await store.recordTransfer(
            transfer,
            audit: requester.audit("record-transfer:\(transfer.kind.rawValue)", subject: "\(transfer.from.rawValue)→\(transfer.to.rawValue)")
        )
    }

    /// Sets what was spent on a budget line of the agreement in a year.
    public func setBudgetActual(_ requester: Requester, _ actual: BudgetActual) async throws {
        try authorize(requester, .recordProjectAccounts)
        try checkInput { () throws(InputRules.Violation) in
            try InputRules.year(actual.year, field: "year")
            try InputRules.amount(actual.amount, field: "amount", allowZero: true)
        }
        let lines = commitment.budget.lines.map(\.key)
        guard lines.contains(actual.lineKey) else {
            throw ApplicationError.invalid("Feltet 'lineKey': budgetlinjen '\(actual.lineKey)' findes ikke; brug \(lines.joined(separator: ", ")).")
        }
        try await store.setBudgetActual(actual, audit: requester.audit("set-budget-actual", subject: "\(actual.lineKey) \(actual.year)"))
    }

    public func recordMeeting(_ requester: Requester, _ meeting: Meeting) async throws {
        try authorize(requester, .recordMeeting)
        try checkInput { () throws(InputRules.Violation) in
            try InputRules.date(meeting.heldOn, field: "heldOn")
            if let received = meeting.accountsReceivedOn { try InputRules.date(received, field: "accountsReceivedOn") }
            try InputRules.text(meeting.minutes, field: "minutes")
        }
        try await store.recordMeeting(meeting, audit: requester.audit("record-meeting", subject: meeting.heldOn.isoString))
    }

    public func recordReport(_ requester: Requester, _ report: SteeringReport) async throws {
        try authorize(requester, .recordProjectAccounts)
        try checkInput { () throws(InputRules.Violation) in try InputRules.date(report.submittedOn, field: "submittedOn") }
        try await store.recordReport(report, audit: requester.audit("record-report", subject: report.period.label))
    }

    public func recordNotice(_ requester: Requester, _ notice: Notice, kind: String) async throws {
        try authorize(requester, .recordNotice)
        try checkInput { () throws(InputRules.Violation) in try OutcomesService.check(notice) }
        try await store.recordNotice(notice, audit: requester.audit("record-notice:\(kind)", subject: notice.subject))
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension Optional {
    func orElse(_ fallback: Wrapped) -> Wrapped { self ?? fallback }
}

/// The compliance monitor's findings and the agreement's deadlines on a date, as a requester
/// may see them: households are named only where the requester may see the household.
public struct ComplianceReport: Sendable {
    public var asOf: LocalDate
    public var findings: [ComplianceFinding]
    public var deadlines: [Deadline]
}

// Compliance (SPEC §8).
extension OutcomesService {
    /// The findings and deadlines as of a date; a read of person data (audited) when a finding
    /// names a household the requester may see.
    ///
    /// With `namingHouseholds` false (the deadlines alone) no household is named and nothing is
    /// audited.
    public func compliance(_ requester: Requester, asOf: LocalDate, namingHouseholds: Bool = true) async throws -> ComplianceReport {
        let user = try authorize(requester, .readCompliance)
        // Computed once per change of the agreement's records and date (issue #18); the
        // households a finding names are then narrowed to the requester's.
        let key = SummaryKey(change: try await store.lastChange(), asOf: asOf, versions: history.fingerprint)
        let computed = try await checks.value(for: key) {
            var input = try await self.complianceInput().input
            input.paymentInstructions = try await self.instructions(asOf: asOf, transfers: input.transfers)
            let areas = Dictionary(input.households.map { ($0.id, $0.area) }, uniquingKeysWith: { first, _ in first })
            return ComplianceChecks(
                findings: ComplianceMonitor.check(input, asOf: asOf),
                deadlines: AgreementDeadlines.all(input, notices: input.notices, asOf: asOf),
                areas: areas
            )
        }
        let areas = computed.areas
        let visible = { (id: HouseholdID) in
            namingHouseholds && (areas[id].map { user.role.personDataAccess(householdArea: $0) != .none } ?? false)
        }
        var findings = computed.findings
        for index in findings.indices { findings[index].households = findings[index].households.filter(visible) }
        if findings.contains(where: { !$0.households.isEmpty }) {
            try await auditRead(requester, "compliance \(asOf.isoString) households")
        }
        return ComplianceReport(asOf: asOf, findings: findings, deadlines: computed.deadlines)
    }
}

/// The compliance monitor's result for one change of an agreement's records and one date.
struct ComplianceChecks: Sendable {
    var findings: [ComplianceFinding]
    var deadlines: [Deadline]
    /// Each household's area, to narrow the households a finding names to the requester's.
    var areas: [HouseholdID: Area]
}

extension EnrolmentDecision.Outcome {
    /// The course's start of an enrolment.
    public var courseStart: LocalDate? {
        if case let .enrolled(start) = self { return start }
        return nil
    }

    /// The clause behind the outcome (P 3.1.1 for an enrolment).
    public var clause: String {
        switch self {
        case .enrolled: "P 3.1.1"
        case let .notEnrolled(reason): reason.clause.reference
        }
    }
}

extension OutcomesService {
    /// A household record from outside: its ids, its dates, its text.
    static func check(_ record: Household) throws(InputRules.Violation) {
        try InputRules.identifier(record.id.rawValue, field: "id")
        if let replaces = record.replaces { try InputRules.identifier(replaces.rawValue, field: "replaces") }
        if let start = record.start { try InputRules.date(start, field: "courseStart") }
        if let end = record.end { try InputRules.date(end, field: "courseEnd") }
        if let position = record.listPosition, !(1...InputRules.maximumListPosition).contains(position) {
            throw InputRules.Violation(field: "listPosition", message: "skal være fra 1 til \(InputRules.maximumListPosition), ikke \(position).")
        }
        if let cohort = record.cohort, !(1...InputRules.maximumCohort).contains(cohort) {
            throw InputRules.Violation(field: "cohort", message: "skal være fra 1 til \(InputRules.maximumCohort), ikke \(cohort).")
        }
    }
}

extension OutcomesService {
    /// A notice from outside: its dates and its subject.
    static func check(_ notice: Notice) throws(InputRules.Violation) {
        try InputRules.date(notice.received, field: "received")
        if case let .withholding(remedyBy) = notice.kind { try InputRules.date(remedyBy, field: "remedyBy") }
        try InputRules.line(notice.subject, field: "subject")
    }
}
