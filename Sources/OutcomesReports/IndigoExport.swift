public import OutcomesCore

/// The agreement as a project in the INDIGO impact-bond data standard of the Government
/// Outcomes Lab (schema `project.json` and `organisation.json` of INDIGO-Initiative/
/// indigo-data-standard; docs/decisions.md, step 6, says how each field is filled).
///
/// The document holds the project (`{"id": "INDIGO-POJ-0314", "data": {…}}`) and the
/// organisations it names (`{"id": "DK-CVR-40056823", "data": {…}}`): organisation ids follow
/// org-id.guide (`DK-CVR-` and the CVR number) where the agreement states a CVR number; a party
/// without one gets a local id and a warning. Every money field is in DKK, exact to the øre.
public enum IndigoExport {
    /// One half-year's outcome payments per goal (after the goal's cap) and what the return cap
    /// cut from the municipality's goals (T 5.2) — planned (the forecast's expected case) or
    /// actual (the settlement).
    public struct Period: Sendable, Equatable {
        public var period: HalfYear
        public var payables: [(goal: Int, payer: PartyKey, amount: Money)]
        /// What the return cap (T 5.2) cut, per payer it fell on: the payer's goals' payables
        /// less what the payer pays.
        public var capReductions: [(payer: PartyKey, amount: Money)]

        /// `payers`: what each payer pays in the half-year, after the return cap.
        public init(period: HalfYear, payables: [(goal: Int, payer: PartyKey, amount: Money)], payers: [(party: PartyKey, amount: Money)]) {
            self.period = period
            self.payables = payables
            self.capReductions = payers.compactMap { payer in
                let cut = Money.sum(payables.filter { $0.payer == payer.party }.map(\.amount)) - payer.amount
                return cut.isZero ? nil : (payer.party, cut)
            }
        }

        public static func == (lhs: Period, rhs: Period) -> Bool {
            lhs.period == rhs.period && lhs.capReductions.map(\.payer) == rhs.capReductions.map(\.payer)
                && lhs.capReductions.map(\.amount) == rhs.capReductions.map(\.amount)
                && lhs.payables.map(\.goal) == rhs.payables.map(\.goal) && lhs.payables.map(\.amount) == rhs.payables.map(\.amount)
        }

        /// The closed half-years of a settlement (period end ≤ its as-of date).
        public static func actual(_ settlement: Settlement, _ commitment: Commitment) -> [Period] {
            let municipality = commitment.municipalityKey
            return settlement.periods.filter(\.isClosed).map { period in
                Period(
                    period: period.period,
                    payables: period.goals.map { row in
                        (row.goal, commitment.goal(number: row.goal)?.payer.value ?? municipality, row.payable)
                    },
                    payers: period.payers.map { ($0.party, $0.amount) }
                )
            }
        }
    }

    public struct Input: Sendable {
        public var commitment: Commitment
        /// The project's INDIGO id (INDIGO-POJ-0314 for Viborg).
        public var projectID: String
        public var asOf: LocalDate
        public var planned: [Period]
        public var actual: [Period]
        /// Money moved up to the as-of date (the store's ledger).
        public var transfers: [MoneyTransfer]
        /// Treatment households enrolled by the as-of date.
        public var enrolledHouseholds: Int
        /// The last day a payment can fall due (``Reconciliation/lastPaymentDue``).
        public var lastPaymentDue: LocalDate

        public init(
            commitment: Commitment,
            projectID: String,
            asOf: LocalDate,
            planned: [Period],
            actual: [Period],
            transfers: [MoneyTransfer],
            enrolledHouseholds: Int,
            lastPaymentDue: LocalDate
        ) {
            self.commitment = commitment
            self.projectID = projectID
            self.asOf = asOf
            self.planned = planned
            self.actual = actual
            self.transfers = transfers
            self.enrolledHouseholds = enrolledHouseholds
            self.lastPaymentDue = lastPaymentDue
        }
    }

    /// The identifier of a party: `DK-CVR-<number>` (org-id.guide), or a local id when the
    /// agreement states no CVR number.
    public static func organisationID(_ party: Party, projectID: String) -> String {
        if let cvr = party.cvr { return "DK-CVR-\(cvr)" }
        return "\(projectID)-ORG-\(party.key.rawValue)"
    }

    /// The export and its warnings.
    public static func document(_ input: Input) -> (document: JSONValue, warnings: [String]) {
        let c = input.commitment
        var warnings: [String] = []
        // The organisations the project refers to: funders, payers, the donor, the providers.
        let named = c.parties.filter { [.funder, .coFunder, .municipality, .donor, .supplier].contains($0.role) }
        for party in named where party.cvr == nil {
            warnings.append(
                "\(party.name) har intet CVR-nummer i aftalefilen; eksporteres med det lokale id \(organisationID(party, projectID: input.projectID)) (tilføj cvr i aftalefilen for et DK-CVR-id)"
            )
        }
        func id(_ key: PartyKey) -> String {
            c.party(key).map { organisationID($0, projectID: input.projectID) } ?? "\(input.projectID)-ORG-\(key.rawValue)"
        }
        let organisations = JSONValue.array(named.map { organisation($0, id: id($0.key)) })
        let project = JSONValue.object([("id", .string(input.projectID)), ("data", projectData(input, id: id))])
        let document = JSONValue.object([
            ("standard", .string("INDIGO (INDIGO-Initiative/indigo-data-standard, schema f034d75)")),
            ("asOf", .date(input.asOf)),
            ("contract", .object([("id", .string(c.id)), ("version", .int(c.version))])),
            ("project", project),
            ("organisations", organisations),
        ])
        return (document, warnings)
    }

    // MARK: Value wrappers of the standard

    static func value(_ text: String) -> JSONValue { .object([("value", .string(text))]) }

    /// The municipality as the contract names it ("Viborg Kommune").
    static func municipalityName(_ c: Commitment) -> String { c.municipality?.name ?? "Kommunen" }
    static func publicValue(_ text: String) -> JSONValue { .object([("value", .string(text)), ("status", .string("PUBLIC"))]) }
    static func number(_ value: JSONValue) -> JSONValue { .object([("value", value)]) }
    static func publicNumber(_ value: JSONValue) -> JSONValue { .object([("value", value), ("status", .string("PUBLIC"))]) }
    static func dkk(_ amount: Money) -> [(String, JSONValue)] { [("currency", value("DKK")), ("amount", number(.money(amount)))] }
    static func period(_ start: LocalDate, _ end: LocalDate) -> JSONValue {
        .object([("start_date", value(start.isoString)), ("end_date", value(end.isoString))])
    }

    // MARK: Organisations

    /// The organisation's type in the standard's code list, from its role in the agreement.
    static func organisationType(_ role: Party.Role) -> String {
        switch role {
        case .funder, .municipality, .coFunder: "Government body"
        case .donor, .housingAssociation: "Registered non-profit organisation, charity or foundation"
        case .supplier, .evaluator: "Registered company, partnership or commercial association"
        }
    }

    /// The role category of an outcome payer or investor (the project schema's code lists).
    static func roleCategory(_ role: Party.Role) -> String {
        switch role {
        case .funder: "Investment Fund"
        case .municipality, .coFunder: "Government/Public Sector/Public Bank"
        case .donor: "Foundation/Philanthropist"
        case .housingAssociation: "Nonprofit/NGO"
        case .supplier, .evaluator: "Other"
        }
    }

    static func organisation(_ party: Party, id: String) -> JSONValue {
        var data: [(String, JSONValue)] = [
            ("status", .string("PUBLIC")),
            ("name", value(party.name)),
            ("jurisdiction", value("DK")),
            ("type", value(organisationType(party.role))),
            ("country", value("DK")),
        ]
        if party.cvr != nil { data.append(("org-ids", .object([("primary", value(id))]))) }
        if let address = party.address { data.append(("address", value(address))) }
        return .object([("id", .string(id)), ("data", .object(data))])
    }

    // MARK: The project

    static func projectData(_ input: Input, id: (PartyKey) -> String) -> JSONValue {
        let c = input.commitment
        let intervention = c.interventionPeriod.value
        let source = "tilsagn"
        let municipality = c.municipalityKey
        let repayments = input.transfers.filter { $0.kind == .repayment && $0.paidOn <= input.asOf }
        let stage =
            input.asOf < intervention.start
            ? "Contracted"
            : input.asOf <= intervention.end ? "Implementation" : input.asOf < input.lastPaymentDue ? "Service delivery complete" : "Complete"
        // The most the payers can pay: the return cap on the municipality (T 5.2) and each other
        // payer's goal caps (LBF: goal 4, B5.1 2.7.2) — all within the return cap where it
        // covers every payer (`returnCapCoverage: allPayers`).
        var payers: [PartyKey] = [municipality]
        for goal in c.paymentGoals where !payers.contains(goal.payer.value) { payers.append(goal.payer.value) }
        let returnCap = c.returnCap.amount.value
        let capCoversAll = c.interpretations.returnCapCoverage.choice == .allPayers
        func maximum(_ payer: PartyKey) -> Money {
            if payer == municipality { return returnCap }
            let caps = Money.sum(c.paymentGoals.filter { $0.payer.value == payer }.compactMap { $0.cap?.value })
            return capCoversAll ? min(caps, returnCap) : caps
        }
        let maximumTotal = capCoversAll ? min(returnCap, Money.sum(payers.map(maximum))) : Money.sum(payers.map(maximum))

        var data: [(String, JSONValue)] = [
            ("status", .string("PUBLIC")),
            ("name", value(c.title)),
            ("alternative_names", value("\(c.title), \(c.municipality?.name ?? "")")),
            ("stage_development", .object([("value", .string(stage)), ("source_ids", .string(source))])),
            (
                "dates",
                .object([
                    ("outcomes_contract_signed", publicValue(c.signedOn.value.isoString)),
                    ("start_date_of_service_provision", publicValue(intervention.start.isoString)),
                    ("anticipated_end_date_of_service_provision", publicValue(intervention.end.isoString)),
                    ("anticipated_duration_of_service_provision", publicNumber(.int(intervention.months))),
                    ("anticipated_completion_date", publicValue(input.lastPaymentDue.isoString)),
                    ("source_ids", .string(source)),
                    (
                        "notes",
                        .string(
                            "Indsatsperioden (\(c.interventionPeriod.clause)); sidste betaling forfalder senest \(input.lastPaymentDue.isoString)."
                        )
                    ),
                ])
            ),
            ("jurisdiction", .object([("jurisdiction", .object([("value", .string("DK")), ("status", .string("PUBLIC"))]))])),
            (
                "overall_project_finance",
                .object([
                    (
                        "total_investment_commitment",
                        .object([
                            ("currency", publicValue("DKK")), ("amount", .object([("exact", publicNumber(.money(c.totalGrants)))])),
                        ])
                    ),
                    (
                        "maximum_potential_outcome_payment_v2",
                        .object([("currency", publicValue("DKK")), ("amount", publicNumber(.money(maximumTotal)))])
                    ),
                    ("maximum_potential_return_type", publicValue("IRR")),
                    (
                        "maximum_potential_return",
                        publicValue(
                            "Afkastloft \(c.returnCap.amount.value.danishString) (\(c.returnCap.amount.clause)): tilskuddet med \(c.returnCap.annualRate.value.danishString) p.a."
                        )
                    ),
                    (
                        "total_outcome_payments_made",
                        .object([("currency", publicValue("DKK")), ("amount", publicNumber(.money(Money.sum(repayments.map(\.amount)))))])
                    ),
                    ("source_ids", .string(source)),
                ])
            ),
            (
                "purpose_and_classifications",
                .object([
                    (
                        "social_challenge",
                        // The outcomes the agreement pays for (a plan is the means, not a challenge).
                        publicValue("Udsatte husstande i almene boligområder (\(danishList(c.areas.map(\.name)))): \(danishList(c.paymentGoals.filter { $0.kind != .actionPlans }.sorted { $0.number < $1.number }.map { $0.name.lowercased() }))")
                    ),
                    ("intervention", publicValue(c.title)),
                    ("policy_sector", value("Child and family welfare")),
                    ("source_ids", .string(source)),
                ])
            ),
            (
                "service_and_beneficiaries",
                .object([
                    ("target_population", publicValue("Husstande i \(Self.municipalityName(c))s boligområder, visiteret efter lodtrækning")),
                    ("targeted_number_service_users_or_beneficiaries_total", publicNumber(.int(c.expectedHouseholds.value))),
                    ("unit_type_targeted_service_users_or_beneficiaries", value("Other")),
                    ("unit_description_of_service_user_or_beneficiaries", publicValue("Husstande")),
                    ("actual_number_service_users_or_beneficiaries_total", publicNumber(.int(input.enrolledHouseholds))),
                    ("unit_type_actual_service_users_or_beneficiaries", value("Other")),
                    (
                        "unit_description_of_actual_service_user_or_beneficiaries",
                        publicValue("Husstande i indsatsforløb pr. \(input.asOf.isoString)")
                    ),
                    ("source_ids", .string(source)),
                ])
            ),
            (
                "sources",
                .array([
                    .object([
                        ("id", .string(source)), ("name", value(c.source)), ("type", value("Contract")),
                        ("publication_date", value(c.signedOn.value.isoString)), ("status", .string("PUBLIC")),
                    ])
                ])
            ),
        ]
        data.append(("service_provisions", serviceProvisions(c, id: id, source: source)))
        data.append(
            ("outcome_payment_commitments", commitments(input, payers: payers, maximum: maximum, repayments: repayments, id: id, source: source))
        )
        data.append(("investments", investments(c, id: id, source: source)))
        data.append(("outcome_metrics", metrics(c, source: source)))
        data.append(("outcome_pricings", pricings(c, source: source)))
        let periods = Set(input.planned.map(\.period) + input.actual.map(\.period)).sorted()
        data.append(
            (
                "outcome_payment_plans",
                .array(periods.map { .object([("id", value($0.label)), ("period", period($0.start, $0.end)), ("source_ids", .string(source))]) })
            )
        )
        data.append(
            (
                "outcome_payments",
                .array(outcomePayments(input.planned, type: "Planned", id: id) + outcomePayments(input.actual, type: "Actual", id: id))
            )
        )
        data.append(("transactions", transactions(input, id: id, source: source)))
        return .object(data)
    }

    static func serviceProvisions(_ c: Commitment, id: (PartyKey) -> String, source: String) -> JSONValue {
        let intervention = c.interventionPeriod.value
        let providers = c.parties.filter { $0.role == .municipality || $0.role == .supplier }
        return .array(
            providers.map { party in
                .object([
                    ("id", .string("service-\(party.key.rawValue)")),
                    ("organisation_id", value(id(party.key))),
                    ("organisation_role_category", value(party.role == .municipality ? "Government/Public Sector/Public Bank" : "For-profit")),
                    ("intervention", value(party.role == .municipality ? c.title : "Aktionslæring og kompetenceudvikling (\(party.clause))")),
                    (
                        "planned_service",
                        .object([("start_date", value(intervention.start.isoString)), ("end_date", value(intervention.end.isoString))])
                    ),
                    ("source_ids", .string(source)),
                ])
            }
        )
    }

    static func commitments(
        _ input: Input,
        payers: [PartyKey],
        maximum: (PartyKey) -> Money,
        repayments: [MoneyTransfer],
        id: (PartyKey) -> String,
        source: String
    ) -> JSONValue {
        let c = input.commitment
        return .array(
            payers.map { payer in
                let goals = c.paymentGoals.filter { $0.payer.value == payer }.map { String($0.number) }.joined(separator: ", ")
                return .object([
                    ("organisation_id", value(id(payer))),
                    ("organisation_role_category", value(c.party(payer).map { roleCategory($0.role) } ?? "Other")),
                    ("maximum_potential_outcome_payment", .object([("currency", publicValue("DKK")), ("amount", number(.money(maximum(payer))))])),
                    ("result_type", value("Overall")),
                    ("period", period(c.interventionPeriod.value.start, input.lastPaymentDue)),
                    (
                        "total_outcome_payments",
                        .object([
                            ("currency", publicValue("DKK")),
                            ("amount", number(.money(Money.sum(repayments.filter { $0.from == payer }.map(\.amount))))),
                        ])
                    ),
                    ("source_ids", .string(source)),
                    ("notes", .string("Betaler for mål \(goals) (T 5.1, B5.1 2.1); loft \(maximum(payer).danishString).")),
                    ("status", .string("PUBLIC")),
                ])
            }
        )
    }

    static func investments(_ c: Commitment, id: (PartyKey) -> String, source: String) -> JSONValue {
        .array(
            c.grants.map { grant in
                .object([
                    ("id", .string("investment-\(grant.funder.rawValue)")),
                    ("organisation_id", value(id(grant.funder))),
                    ("organisation_role_category", value(c.party(grant.funder).map { roleCategory($0.role) } ?? "Other")),
                    (
                        "investment_commitment",
                        .object([("currency", value("DKK")), ("amount", .object([("exact", number(.money(grant.amount.value)))]))])
                    ),
                    ("maximum_potential_return_type", value("IRR")),
                    ("maximum_potential_return", number(.number(c.returnCap.annualRate.value.value.decimalString(scale: 2)))),
                    ("source_ids", .string(source)),
                    (
                        "notes",
                        .string("Betinget tilskud (\(grant.amount.clause)); tilbagebetales efter betalingsmålene (T 5.1) under afkastloftet (T 5.2).")
                    ),
                    ("status", .string("PUBLIC")),
                ])
            }
        )
    }

    static func metricID(_ goal: PaymentGoal) -> String { "goal-\(goal.number)" }

    /// How many units the goal expects (B5.1's tables), where the agreement states it.
    static func targetCount(_ goal: PaymentGoal, _ c: Commitment) -> Int? {
        switch goal.terms {
        case let .employment(terms): terms.rows.reduce(0) { $0 + $1.expectedCount }
        case let .socialMeasures(terms): terms.rows.reduce(0) { $0 + $1.expectedCount }
        case .schoolAbsence: nil
        case let .lifeSatisfaction(terms): terms.expectedPopulation.value
        case .actionPlans: c.expectedHouseholds.value
        }
    }

    static func metrics(_ c: Commitment, source: String) -> JSONValue {
        .array(
            c.paymentGoals.sorted { $0.number < $1.number }.map { goal in
                var fields: [(String, JSONValue)] = [
                    ("id", .string(metricID(goal))),
                    ("definition", value("Mål \(goal.number): \(goal.name) (\(goal.clause)); \(goal.unit.danishDescription)")),
                    ("target_population", value(goal.subgroup.value.text)),
                ]
                if let count = targetCount(goal, c) {
                    fields.append(("targeted_number_of_service_users_or_beneficiaries_total", number(.int(count))))
                }
                fields += [
                    ("unit_type_of_targeted_service_users_or_beneficiaries", value(goal.subgroup.value.unit == .household ? "Other" : "Individual")),
                    ("outcome_validation_method", value("Opgjort af ekstern evaluator (T 5.5) efter B5.1 2; manglende data efter B5.1 2.3")),
                    ("data_source_for_outcome_validation", value("\(Self.municipalityName(c))s dataleverancer (SPEC §5)")),
                    ("source_ids", .string(source)),
                    ("status", .string("PUBLIC")),
                ]
                return .object(fields)
            }
        )
    }

    static func pricings(_ c: Commitment, source: String) -> JSONValue {
        .array(
            c.paymentGoals.sorted { $0.number < $1.number }.map { goal in
                var fields: [(String, JSONValue)] = [
                    ("outcome_metric_id", value(metricID(goal))),
                    ("currency", value("DKK")),
                    ("price_per_unit", .object([("amount", number(.money(goal.rate.value)))])),
                ]
                if let cap = goal.cap {
                    fields.append(("maximum_price_if_all_targets_achieved", .object([("amount", value(cap.value.machineString))])))
                }
                fields += [
                    (
                        "price_description",
                        value(
                            "\(goal.rate.value.danishString) \(goal.unit.danishDescription) (\(goal.rate.clause))\(goal.cap.map { "; loft \($0.value.danishString) (\($0.clause))" } ?? "")"
                        )
                    ),
                    ("source_ids", .string(source)),
                    ("status", .string("PUBLIC")),
                ]
                return .object(fields)
            }
        )
    }

    /// One payment per half-year and goal (after the goal's cap), and where the return cap cut a
    /// half-year, one negative line for the cut — so each half-year adds up to what is paid.
    static func outcomePayments(_ periods: [Period], type: String, id: (PartyKey) -> String) -> [JSONValue] {
        periods.flatMap { p -> [JSONValue] in
            var rows: [JSONValue] = p.payables.filter { !$0.amount.isZero }.map { row in
                .object([
                    ("outcome_payment_plan_id", value(p.period.label)),
                    ("outcome_metric_id", value("goal-\(row.goal)")),
                    ("period", period(p.period.start, p.period.end)),
                    ("payer_organisation_id", value(id(row.payer))),
                    ("type", value(type)),
                    ("money", .object(dkk(row.amount))),
                    ("status", .string("PUBLIC")),
                ])
            }
            for cut in p.capReductions {
                rows.append(
                    .object([
                        ("outcome_payment_plan_id", value(p.period.label)),
                        ("period", period(p.period.start, p.period.end)),
                        ("payer_organisation_id", value(id(cut.payer))),
                        ("type", value(type)),
                        ("money", .object(dkk(Money.zero - cut.amount))),
                        ("status", .string("PUBLIC")),
                        ("notes", .string("Afkastloftet (T 5.2) skærer halvårets betaling")),
                    ])
                )
            }
            return rows
        }
    }

    static func transactions(_ input: Input, id: (PartyKey) -> String, source: String) -> JSONValue {
        let c = input.commitment
        var rows: [(LocalDate, JSONValue)] = []
        // T 3.3 (3): the donation to DSI, dated at the first installment (the agreement gives no date).
        let first = c.disbursementPlan.installments.map(\.dueBy).min() ?? c.interventionPeriod.value.start
        for donation in c.coFunding where donation.kind == .donation {
            guard let recipient = donation.recipient, first <= input.asOf else { continue }
            rows.append(
                (
                    first,
                    .object([
                        ("date", value(first.isoString)),
                        ("sending_organisation_id", value(id(donation.party))),
                        ("receiving_organisation_id", value(id(recipient))),
                        ("transaction_type", value("Grant")),
                        ("money", .object(dkk(donation.amount.value))),
                        ("source_ids", .string(source)),
                        (
                            "notes",
                            .string(
                                "Donation til medfinansiering (\(donation.amount.clause)); datoen er antaget (første rate), aftalen angiver ingen."
                            )
                        ),
                        ("status", .string("PUBLIC")),
                    ])
                )
            )
        }
        let funders = Set(c.grants.map(\.funder))
        for transfer in input.transfers where transfer.paidOn <= input.asOf {
            var fields: [(String, JSONValue)] = []
            let type: String
            let note: String
            switch transfer.kind {
            case .disbursement:
                if funders.contains(transfer.from) { fields.append(("investment_id", value("investment-\(transfer.from.rawValue)"))) }
                type = "Grant"
                note = "Udbetaling af tilskud (B3.2): \(transfer.reference)"
            case .repayment:
                type = "Outcome Payment"
                note = "Tilbagebetaling efter betalingsmålene (T 5.1): \(transfer.reference)"
            case .unusedGrantRepayment:
                if funders.contains(transfer.to) { fields.append(("investment_id", value("investment-\(transfer.to.rawValue)"))) }
                type = "Other"
                note = "Tilbagebetaling af ubrugt tilskud (T 4.3): \(transfer.reference)"
            case .revocationRepayment:
                if funders.contains(transfer.to) { fields.append(("investment_id", value("investment-\(transfer.to.rawValue)"))) }
                type = "Other"
                note = "Tilbagebetaling efter tilbagekaldelse (T 6.2.1): \(transfer.reference)"
            }
            fields += [
                ("date", value(transfer.paidOn.isoString)),
                ("sending_organisation_id", value(id(transfer.from))),
                ("receiving_organisation_id", value(id(transfer.to))),
                ("transaction_type", value(type)),
                ("money", .object(dkk(transfer.amount))),
                ("notes", .string(note)),
                ("status", .string("PUBLIC")),
            ]
            rows.append((transfer.paidOn, .object(fields)))
        }
        return .array(rows.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element.1))
    }
}
