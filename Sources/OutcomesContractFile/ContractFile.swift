import Foundation
public import OutcomesCore
import Yams

/// The agreement as a reviewable YAML file, and the built-in Viborg agreement.
///
/// Why YAML (docs/contract-file.md): the parties review the file next to the signed PDF, so
/// it must read like a document — comments beside figures, tables as one row per line,
/// no quoting of every key. TOML's arrays of tables make the goal tables long and hard to
/// compare with the PDF. Yams composes the document with the line of every node, so an
/// error names file, line and field.
///
/// ```swift
/// let viborg = ContractFile.builtIn()
/// let other = try ContractFile.load(path: "contracts/aarhus.yaml")
/// ```
public enum ContractFile {
    /// The name under which the built-in agreement is reported.
    public static let builtInName = "viborg-relationel-velfaerd.yaml"

    /// The built-in agreement's text, as shipped in the binary.
    public static var builtInText: String {
        String(decoding: PackageResources.viborg_relationel_velfaerd_yaml, as: UTF8.self)
    }

    /// Viborg's agreement, the default of every command.
    public static func builtIn() -> Commitment {
        do {
            return try parse(builtInText, file: builtInName)
        } catch {
            preconditionFailure("the built-in contract file is invalid: \(error)")
        }
    }

    /// Reads and parses a contract file.
    ///
    /// - Throws: ``ContractFileError`` naming the file, line and field.
    public static func load(path: String) throws(ContractFileError) -> Commitment {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ContractFileError(file: path, line: nil, field: "", message: "filen kan ikke læses")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ContractFileError(file: path, line: nil, field: "", message: "filen er ikke UTF-8-tekst")
        }
        return try parse(text, file: path)
    }

    /// The text of a contract file: the built-in one, or the file at `path`.
    public static func text(path: String?) throws(ContractFileError) -> (text: String, file: String) {
        guard let path else { return (builtInText, builtInName) }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ContractFileError(file: path, line: nil, field: "", message: "filen kan ikke læses som UTF-8-tekst")
        }
        return (text, path)
    }

    /// Parses a contract file's text.
    ///
    /// Rejects what cannot be used — bad syntax, a missing or unknown field, a negative
    /// amount, dates out of order, an unknown goal or party — with the first such error.
    /// Inconsistencies between figures are not errors here: ``ContractValidator`` reports them.
    public static func parse(_ text: String, file: String) throws(ContractFileError) -> Commitment {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ContractFileError(file: file, line: nil, field: "", message: "filen er tom")
            }
            root = node
        } catch let error as ContractFileError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ContractFileError(file: file, line: nil, field: "", message: "filen er ikke et YAML-dokument")
        }
        let reader = NodeReader(node: root, path: "", context: .init(file: file))
        return try ContractParser(root: reader).commitment()
    }

    /// The common YAML syntax problems in plain Danish, keyed by libyaml's (English) `problem`
    /// text as Yams reports it; the message reads "YAML-syntaksfejl: <Danish>". A problem not
    /// listed here is shown as "YAML-syntaksfejl (parserens besked: <English problem>)".
    static let yamlSyntaxProblems: [String: String] = [
        "did not find expected node content": "her mangler en værdi",
        "mapping values are not allowed in this context":
            "et kolon står et sted, hvor der ikke kan begynde et nyt felt – tjek indrykningen, eller sæt værdien i anførselstegn, hvis den selv indeholder et kolon",
        "found character that cannot start any token":
            "en værdi kan ikke begynde med dette tegn (fx @, ` eller et tabulatortegn) – sæt værdien i anførselstegn, og ryk ind med mellemrum",
        "could not find expected ':'": "her mangler et kolon (':') efter feltnavnet",
        "did not find expected key": "her skulle der stå et feltnavn – tjek, at linjen er rykket lige så langt ind som felterne over den",
        "did not find expected '-' indicator": "her skulle et nyt punkt i listen begynde med '-' – tjek indrykningen",
        "found unexpected end of stream": "filen slutter midt i en værdi – mangler der et afsluttende anførselstegn?",
        "found a tab character that violates indentation": "linjen er rykket ind med tabulatortegn – brug mellemrum",
        "found a tab character where an indentation space is expected": "linjen er rykket ind med tabulatortegn – brug mellemrum",
        "found undefined tag handle": "en værdi, der begynder med '!', skal stå i anførselstegn",
        "found unknown escape character":
            #"ukendt tegn efter en omvendt skråstreg (\) i en tekst i dobbelte anførselstegn – skriv \\ for selve skråstregen, eller brug enkelte anførselstegn"#,
        // "while parsing a flow sequence" / "while parsing a flow mapping":
        "did not find expected ',' or ']'": "en liste i [ ] mangler et komma mellem værdierne eller den afsluttende ']'",
        "did not find expected ',' or '}'": "en gruppe felter i { } mangler et komma mellem felterne eller den afsluttende '}'",
    ]

    static func syntaxError(_ error: YamlError, file: String) -> ContractFileError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            if let danish = yamlSyntaxProblems[problem] {
                return ContractFileError(file: file, line: mark.line, field: "", message: "YAML-syntaksfejl: \(danish)")
            }
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return ContractFileError(file: file, line: mark.line, field: "", message: "YAML-syntaksfejl (parserens besked: \(detail))")
        case let .reader(problem, _, _, _):
            return ContractFileError(file: file, line: nil, field: "", message: "teksten kan ikke læses (parserens besked: \(problem))")
        default:
            return ContractFileError(file: file, line: nil, field: "", message: "YAML-fejl (parserens besked: \(error))")
        }
    }
}

/// Builds a ``Commitment`` from the composed document, field by field.
struct ContractParser {
    let root: NodeReader
    static let format = "outcomes-contract/1"

    func commitment() throws(ContractFileError) -> Commitment {
        let format = try root.required("format")
        guard try format.string() == Self.format else {
            throw format.error("formatet '\(try format.string())' kendes ikke (denne version læser \(Self.format))")
        }
        let signed = try root.required("signed")
        let signedOn = try signed.stated("date") { r throws(ContractFileError) in try r.date() }
        let parties = try parseParties(root.required("parties"))
        let keys = Set(parties.map(\.key))
        func party(_ reader: NodeReader) throws(ContractFileError) -> PartyKey {
            let key = PartyKey(try reader.nonEmptyString())
            guard keys.contains(key) else {
                throw reader.error("ukendt part '\(key)' (parterne er: \(keys.sorted().map(\.rawValue).joined(separator: ", ")))")
            }
            return key
        }

        let intervention = try root.required("intervention")
        let periodReader = try intervention.required("period")
        let period = try periodReader.stated("start") { r throws(ContractFileError) in
            let start = try r.date()
            let endReader = try periodReader.required("end")
            let end = try endReader.date()
            guard start <= end else { throw endReader.error("perioden slutter (\(end)), før den begynder (\(start))") }
            return DateRange(start: start, end: end)
        }
        let households = try intervention.required("households").statedCount()
        let persons = try intervention.required("persons").statedCount()
        let courseMonths = try intervention.optional("courseMonths").map { (r) throws(ContractFileError) in
            try r.stated { v throws(ContractFileError) in try v.positiveInt() }
        }
        try intervention.rejectUnknownKeys()
        guard signedOn.value <= period.value.end else {
            throw try signed.required("date").error("aftalen er underskrevet efter indsatsperiodens slutning")
        }

        let grants = try root.required("grants").sequence().map { (g) throws(ContractFileError) -> Grant in
            let grant = Grant(funder: try party(g.required("funder")), amount: try g.statedMoney(exceptKeys: ["funder"]))
            return grant
        }
        let coFunding = try root.required("coFunding").sequence().map { (c) throws(ContractFileError) -> CoFundingCondition in
            let condition = CoFundingCondition(
                party: try party(c.required("party")),
                kind: try c.required("kind").choice(CoFundingCondition.Kind.self, what: "type"),
                amount: try c.statedMoney(exceptKeys: ["party", "kind", "recipient"]),
                recipient: try c.optional("recipient").map { (r) throws(ContractFileError) in try party(r) }
            )
            return condition
        }

        let plan = try parseDisbursementPlan(root.required("disbursementPlan"), party: party)
        let budget = try parseBudget(root.required("budget"), party: party)
        let goals = try parseGoals(root.required("paymentGoals"), party: party)
        let tranches = try parseTranches(root.required("tranches"), party: party)
        let returnCap = try parseReturnCap(root.required("returnCap"), party: party)
        let compliance = try parseCompliance(root.required("compliance"))
        let reporting = try parseReporting(root.required("reporting"))
        let deadlines = try parseDeadlines(root.required("deadlines"))
        let interpretations = try parseInterpretations(root.required("interpretations"))
        let horizonReader = try root.required("interpretations").required("returnCapHorizon").required("value")
        guard interpretations.returnCapHorizon.choice >= period.value.end else {
            throw horizonReader.error("horisonten for afkastloftet ligger før indsatsperiodens slutning (\(period.value.end))")
        }
        let crossReferences = try (root.optional("crossReferences")?.sequence() ?? []).map {
            (c) throws(ContractFileError) -> CrossReference in
            let reference = CrossReference(
                at: Clause(try c.required("at").nonEmptyString()),
                refersTo: Clause(try c.required("refersTo").nonEmptyString()),
                subject: try c.required("subject").nonEmptyString(),
                text: try c.required("text").nonEmptyString()
            )
            try c.rejectUnknownKeys()
            return reference
        }
        let annexes = try (root.optional("annexes")?.sequence() ?? []).map { (a) throws(ContractFileError) -> Annex in
            let annex = Annex(
                key: try a.required("key").nonEmptyString(),
                number: try a.required("number").nonEmptyString(),
                title: try a.required("title").nonEmptyString()
            )
            try a.rejectUnknownKeys()
            return annex
        }

        var commitment = Commitment(
            id: try root.required("id").identifier(),
            version: try root.required("version").positiveInt(),
            title: try root.required("title").nonEmptyString(),
            source: try root.required("source").nonEmptyString(),
            signedOn: signedOn,
            parties: parties,
            annexes: annexes,
            interventionPeriod: period,
            expectedHouseholds: households,
            expectedPersons: persons,
            grants: grants,
            coFunding: coFunding,
            disbursementPlan: plan,
            budget: budget,
            paymentGoals: goals,
            tranches: tranches,
            returnCap: returnCap,
            compliance: compliance,
            reporting: reporting,
            deadlines: deadlines,
            interpretations: interpretations,
            crossReferences: crossReferences
        )
        commitment.expectedCourseMonths = courseMonths
        // T 3.1: whose grant "Tilskuddet" is; it must be one of the grants.
        if let grantReader = try root.optional("grant") {
            let funder = try grantReader.stated("funder") { (r) throws(ContractFileError) in try party(r) }
            guard grants.contains(where: { $0.funder == funder.value }) else {
                throw try grantReader.required("funder").error("'\(funder.value)' har intet tilskud under 'grants'")
            }
            commitment.grantFunder = funder
        }
        commitment.indigoProjectID = try root.optional("indigoProject")?.nonEmptyString()
        commitment.areas = try parseAreas(root.required("areas"))
        if let effective = try root.optional("effectiveFrom") {
            let day = try effective.date()
            guard day >= signedOn.value else { throw effective.error("versionen kan ikke gælde fra en dag før aftalens underskrift (\(signedOn.value))") }
            commitment.effectiveFrom = day
        }
        commitment.decision = try root.optional("decision")?.nonEmptyString()
        try root.rejectUnknownKeys()
        return commitment
    }

    // MARK: Areas

    /// The housing areas: at least one, each key once.
    func parseAreas(_ list: NodeReader) throws(ContractFileError) -> [AreaDefinition] {
        var seen = Set<Area>()
        let areas = try list.sequence().map { (a) throws(ContractFileError) -> AreaDefinition in
            let keyReader = try a.required("key")
            let text = try keyReader.nonEmptyString()
            guard let area = Area(rawValue: text) else {
                throw keyReader.error("'\(text)' kan ikke være et områdes nøgle (små bogstaver a–z, tal og bindestreg, højst 40 tegn)")
            }
            guard seen.insert(area).inserted else { throw keyReader.error("området '\(text)' står to gange") }
            let definition = AreaDefinition(area, name: try a.required("name").nonEmptyString(), clause: try a.clause())
            try a.rejectUnknownKeys()
            return definition
        }
        guard !areas.isEmpty else { throw list.error("aftalen skal have mindst ét område") }
        return areas
    }

    // MARK: Parties

    func parseParties(_ list: NodeReader) throws(ContractFileError) -> [Party] {
        var seen = Set<PartyKey>()
        return try list.sequence().map { (p) throws(ContractFileError) -> Party in
            let keyReader = try p.required("key")
            let key = PartyKey(try keyReader.identifier())
            guard seen.insert(key).inserted else { throw keyReader.error("partsnøglen '\(key)' står to gange") }
            var cvr: String?
            if let cvrReader = try p.optional("cvr") {
                let text = try cvrReader.string()
                guard text.count == 8, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw cvrReader.error("et CVR-nummer har otte cifre, ikke '\(text)'")
                }
                cvr = text
            }
            let party = Party(
                key: key,
                name: try p.required("name").nonEmptyString(),
                role: try p.required("role").choice(Party.Role.self, what: "rolle"),
                cvr: cvr,
                address: try p.optional("address")?.string(),
                clause: try p.clause()
            )
            try p.rejectUnknownKeys()
            return party
        }
    }

    // MARK: Money in

    func parseDisbursementPlan(
        _ reader: NodeReader,
        party: (NodeReader) throws(ContractFileError) -> PartyKey
    ) throws(ContractFileError) -> DisbursementPlan {
        let installments = try reader.required("installments").sequence().map {
            (i) throws(ContractFileError) -> Installment in
            let monthReader = try i.required("dueMonth")
            let text = try monthReader.string()
            guard let first = LocalDate(iso: text + "-01") else {
                throw monthReader.error("'\(text)' er ikke en måned (ÅÅÅÅ-MM)")
            }
            let installment = Installment(
                name: try i.required("name").nonEmptyString(),
                dueBy: first.lastOfMonth,
                amounts: try partyAmounts(i.required("amounts"), party: party)
            )
            try i.rejectUnknownKeys()
            return installment
        }
        var previous: LocalDate?
        for (index, installment) in installments.enumerated() {
            if let previous, installment.dueBy < previous {
                throw try reader.required("installments").sequence()[index].required("dueMonth")
                    .error("raterne står ikke i datoorden")
            }
            previous = installment.dueBy
        }
        // B3.2's note: who receives each funder's installments.
        let recipients = try reader.optional("recipients").map { (r) throws(ContractFileError) -> Stated<[PartyKey: PartyKey]> in
            try r.stated { (map) throws(ContractFileError) in
                var result: [PartyKey: PartyKey] = [:]
                for key in try map.keys() {
                    let keyReader = NodeReader(node: .scalar(.init(key)), path: map.child(key), context: map.context)
                    result[try party(keyReader)] = try party(map.required(key))
                }
                return result
            }
        }
        let plan = DisbursementPlan(
            clause: try reader.clause(),
            installments: installments,
            statedTotals: try partyAmounts(reader.required("totals"), party: party),
            recipients: recipients
        )
        try reader.rejectUnknownKeys()
        return plan
    }

    func partyAmounts(
        _ reader: NodeReader,
        party: (NodeReader) throws(ContractFileError) -> PartyKey
    ) throws(ContractFileError) -> [PartyKey: Money] {
        var result: [PartyKey: Money] = [:]
        for key in try reader.keys() {
            let keyReader = NodeReader(node: .scalar(.init(key)), path: reader.child(key), context: reader.context)
            let funder = try party(keyReader)
            result[funder] = try reader.required(key).money()
        }
        return result
    }

    func parseBudget(
        _ reader: NodeReader,
        party: (NodeReader) throws(ContractFileError) -> PartyKey
    ) throws(ContractFileError) -> Budget {
        let yearsReader = try reader.required("years")
        let years = try yearsReader.sequence().map { (y) throws(ContractFileError) in try y.positiveInt() }
        guard !years.isEmpty else { throw yearsReader.error("der er ingen budgetår") }
        for (a, b) in zip(years, years.dropFirst()) where b != a + 1 {
            throw yearsReader.error("budgetårene skal følge lige efter hinanden (\(a), derefter \(b))")
        }
        func perYear(_ r: NodeReader) throws(ContractFileError) -> [Money] {
            let cells = try r.sequence()
            guard cells.count == years.count else {
                throw r.error("der skal stå \(years.count) beløb, ét for hvert budgetår \(years.map(String.init).joined(separator: ", "))")
            }
            return try cells.map { (c) throws(ContractFileError) in try c.money() }
        }
        let lines = try reader.required("lines").sequence().map { (l) throws(ContractFileError) -> BudgetLine in
            let line = BudgetLine(
                key: try l.required("key").identifier(),
                name: try l.required("name").nonEmptyString(),
                section: try l.required("section").nonEmptyString(),
                perYear: try l.optional("perYear").map { (r) throws(ContractFileError) in try perYear(r) },
                statedTotal: try l.required("total").money(),
                financedBy: try (l.optional("financedBy")?.sequence() ?? []).map { (r) throws(ContractFileError) in try party(r) }
            )
            try l.rejectUnknownKeys()
            return line
        }
        let subtotals = try (reader.optional("subtotals")?.sequence() ?? []).map {
            (s) throws(ContractFileError) -> BudgetSubtotal in
            let subtotal = BudgetSubtotal(
                name: try s.required("name").nonEmptyString(),
                section: try s.required("section").nonEmptyString(),
                statedTotal: try s.required("total").money(),
                financing: try s.optional("financing").map { (r) throws(ContractFileError) in try partyAmounts(r, party: party) } ?? [:]
            )
            try s.rejectUnknownKeys()
            return subtotal
        }
        let householdsReader = try reader.required("expectedHouseholds")
        let households = try householdsReader.sequence().map { (h) throws(ContractFileError) in try h.nonNegativeInt() }
        guard households.count == years.count else {
            throw householdsReader.error("der skal stå \(years.count) tal, ét for hvert budgetår")
        }
        let budget = Budget(
            clause: try reader.clause(),
            years: years,
            lines: lines,
            subtotals: subtotals,
            statedYearTotals: try perYear(reader.required("yearTotals")),
            statedGrandTotal: try reader.required("grandTotal").money(),
            expectedHouseholds: households,
            statedHouseholdTotal: try reader.required("expectedHouseholdsTotal").nonNegativeInt()
        )
        try reader.rejectUnknownKeys()
        return budget
    }

    // MARK: Payment goals

    func parseGoals(
        _ reader: NodeReader,
        party: (NodeReader) throws(ContractFileError) -> PartyKey
    ) throws(ContractFileError) -> [PaymentGoal] {
        var numbers = Set<Int>()
        var kinds = Set<GoalKind>()
        return try reader.sequence().map { (g) throws(ContractFileError) -> PaymentGoal in
            let numberReader = try g.required("number")
            let number = try numberReader.positiveInt()
            guard numbers.insert(number).inserted else { throw numberReader.error("målnummer \(number) står to gange") }
            let kindReader = try g.required("kind")
            let kind = try kindReader.choice(GoalKind.self, what: "mål")
            guard kinds.insert(kind).inserted else { throw kindReader.error("målet '\(kind.rawValue)' står to gange") }
            let rateReader = try g.required("rate")
            let rate = try rateReader.statedMoney(exceptKeys: ["unit"])
            let unit = try rateReader.required("unit").choice(RateUnit.self, what: "enhed")
            let pointsReader = try g.required("points")
            let points = try pointsReader.stated("at") { (r) throws(ContractFileError) in
                try r.sequence().map { (p) throws(ContractFileError) in try measurementPoint(p) }
            }
            let subgroupReader = try g.required("subgroup")
            let subgroup = try subgroupReader.stated("text") { (r) throws(ContractFileError) in
                let minimum = try subgroupReader.optional("minimumAge")?.nonNegativeInt()
                let maximumReader = try subgroupReader.optional("maximumAge")
                let maximum = try maximumReader?.nonNegativeInt()
                if let minimum, let maximum, maximum < minimum {
                    throw maximumReader!.error("højeste alder \(maximum) er lavere end laveste alder \(minimum)")
                }
                return Subgroup(
                    text: try r.nonEmptyString(),
                    unit: try subgroupReader.required("unit").choice(Subgroup.Unit.self, what: "enhed"),
                    minimumAge: minimum,
                    maximumAge: maximum
                )
            }
            let payerReader = try g.required("payer")
            let payer = try payerReader.stated("party") { (r) throws(ContractFileError) in try party(r) }
            let goal = PaymentGoal(
                number: number,
                kind: kind,
                name: try g.required("name").nonEmptyString(),
                clause: try g.clause(),
                isPrimary: try g.optional("primary")?.bool() ?? false,
                subgroup: subgroup,
                rate: rate,
                unit: unit,
                points: points,
                payer: payer,
                cap: try g.optional("cap").map { (c) throws(ContractFileError) in try c.statedMoney() },
                terms: try goalTerms(kind, g)
            )
            try g.rejectUnknownKeys()
            return goal
        }
    }

    func measurementPoint(_ reader: NodeReader) throws(ContractFileError) -> MeasurementPoint {
        let text = try reader.string()
        switch text {
        case "start", "baseline": return .start
        case "end": return .end
        default:
            guard let months = Int(text), months > 0 else {
                throw reader.error("ukendt målepunkt '\(text)' (skriv start, end eller antal måneder efter start)")
            }
            return .months(months)
        }
    }

    func goalTerms(_ kind: GoalKind, _ g: NodeReader) throws(ContractFileError) -> GoalTerms {
        switch kind {
        case .employment:
            let expected = try g.required("expected")
            let rows = try expected.required("rows").sequence().map { (r) throws(ContractFileError) -> BenefitTypeRow in
                let cells = try r.row(6)
                return BenefitTypeRow(
                    type: try cells[0].choice(BenefitType.self, what: "ydelsestype"),
                    label: try cells[1].nonEmptyString(),
                    expectedCount: try cells[2].nonNegativeInt(),
                    expectedShare: try cells[3].percent(),
                    criterion: try cells[4].choice(SuccessCriterion.self, what: "succeskriterium"),
                    expectedSuccessRate: try cells[5].percent()
                )
            }
            let total = try expected.required("total")
            let terms = EmploymentTerms(
                clause: try expected.clause(),
                rows: rows,
                statedTotalCount: try total.required("count").nonNegativeInt(),
                statedTotalShare: try total.required("share").percent(),
                statedTotalSuccessRate: try total.required("successRate").percent()
            )
            try total.rejectUnknownKeys()
            try expected.rejectUnknownKeys()
            return .employment(terms)

        case .socialMeasures:
            let expected = try g.required("expected")
            let rows = try expected.required("rows").sequence().map { (r) throws(ContractFileError) -> MeasureRow in
                let cells = try r.row(6)
                return MeasureRow(
                    level: try cells[0].choice(MeasureLevel.self, what: "foranstaltning"),
                    label: try cells[1].nonEmptyString(),
                    expectedCount: try cells[2].nonNegativeInt(),
                    expectedShare: try cells[3].percent(),
                    stepUnits: try cells[4].nonNegativeInt(),
                    expectedSuccessRate: cells[5].isNull ? nil : try cells[5].percent()
                )
            }
            let sub = try expected.required("subtotal")
            let subtotal = MeasureSubtotal(
                label: try sub.required("label").nonEmptyString(),
                levels: try sub.required("levels").sequence().map { (l) throws(ContractFileError) in
                    try l.choice(MeasureLevel.self, what: "foranstaltning")
                },
                statedCount: try sub.required("count").nonNegativeInt(),
                statedShare: try sub.required("share").percent()
            )
            try sub.rejectUnknownKeys()
            let total = try expected.required("total")
            let example = try g.required("example")
            let citizens = try example.required("citizens").sequence().map { (c) throws(ContractFileError) -> MeasureExample in
                let citizen = MeasureExample(
                    label: try c.required("label").nonEmptyString(),
                    baseline: try c.required("baseline").choice(MeasureLevel.self, what: "foranstaltning"),
                    result: try c.required("result").choice(MeasureLevel.self, what: "foranstaltning"),
                    statedPayment: try c.required("payment").money()
                )
                try c.rejectUnknownKeys()
                return citizen
            }
            let terms = SocialMeasuresTerms(
                clause: try expected.clause(),
                rows: rows,
                subtotal: subtotal,
                statedTotalCount: try total.required("count").nonNegativeInt(),
                statedTotalShare: try total.required("share").percent(),
                example: citizens,
                exampleClause: try example.clause()
            )
            try total.rejectUnknownKeys()
            try expected.rejectUnknownKeys()
            try example.rejectUnknownKeys()
            return .socialMeasures(terms)

        case .schoolAbsence:
            let expected = try g.required("expected")
            let rows = try expected.required("rows").sequence().map { (r) throws(ContractFileError) -> ExpectedAbsence in
                let cells = try r.row(4)
                return ExpectedAbsence(
                    point: try measurementPoint(cells[0]),
                    treatment: try cells[1].percent(),
                    control: try cells[2].percent(),
                    successRate: cells[3].isNull ? nil : try cells[3].percent(allowNegative: true)
                )
            }
            let example = try g.required("example")
            let exampleRows = try example.required("rows").sequence().map {
                (r) throws(ContractFileError) -> AbsenceExampleRow in
                let cells = try r.row(6)
                return AbsenceExampleRow(
                    point: try measurementPoint(cells[0]),
                    control: try cells[1].percent(),
                    treatment: try cells[2].percent(),
                    statedDifference: try cells[3].percent(allowNegative: true),
                    statedCorrected: cells[4].isNull ? nil : try cells[4].percent(allowNegative: true),
                    statedPayment: cells[5].isNull ? nil : try cells[5].money()
                )
            }
            let terms = SchoolAbsenceTerms(
                cohorts: try g.required("cohorts").statedCount(),
                minimumHouseholdsPerCohort: try g.required("minimumHouseholdsPerCohort").statedCount(),
                averagingMonths: try g.required("averagingMonths").statedCount(),
                expectedClause: try expected.clause(),
                expected: rows,
                exampleClause: try example.clause(),
                example: exampleRows,
                capOverperformance: try g.required("capOverperformance").statedPercent()
            )
            try expected.rejectUnknownKeys()
            try example.rejectUnknownKeys()
            return .schoolAbsence(terms)

        case .lifeSatisfaction:
            let scaleReader = try g.required("scale")
            let scale = try scaleReader.row(2).map { (s) throws(ContractFileError) in try s.int() }
            guard scale[0] < scale[1] else { throw scaleReader.error("skalaens laveste værdi skal være mindre end dens højeste") }
            return .lifeSatisfaction(
                LifeSatisfactionTerms(
                    expectedImprovedShare: try g.required("expectedImprovedShare").statedPercent(),
                    expectedPopulation: try g.required("expectedPopulation").statedCount(),
                    scaleMinimum: scale[0],
                    scaleMaximum: scale[1]
                )
            )

        case .actionPlans:
            return .actionPlans(
                ActionPlanTerms(
                    statedFullPlanPayment: try g.required("fullPlanPayment").statedMoney(),
                    expectedFulfilment: try g.required("expectedFulfilment").statedPercent(),
                    adjustmentMonths: try g.required("adjustmentMonths").statedCount()
                )
            )
        }
    }

    // MARK: Repayment

    func parseTranches(
        _ reader: NodeReader,
        party: (NodeReader) throws(ContractFileError) -> PartyKey
    ) throws(ContractFileError) -> TranchePlan {
        let shares = try reader.required("shares").sequence().map { (r) throws(ContractFileError) -> TrancheShare in
            let cells = try r.row(5)
            return TrancheShare(
                funder: try party(cells[0]),
                statedGrant: try cells[1].money(),
                shareOfGrants: try cells[2].percent(),
                tranche1: try cells[3].percent(),
                tranche2: try cells[4].percent()
            )
        }
        let plan = TranchePlan(clause: try reader.clause(), threshold: try reader.required("threshold").statedMoney(), shares: shares)
        try reader.rejectUnknownKeys()
        return plan
    }

    func parseReturnCap(
        _ reader: NodeReader,
        party: (NodeReader) throws(ContractFileError) -> PartyKey
    ) throws(ContractFileError) -> ReturnCap {
        let postingReader = try reader.required("interestPosting")
        let posting = try postingReader.string()
        guard let postingDate = LocalDate(iso: "2000-" + posting) else {
            throw postingReader.error("'\(posting)' er ikke en måned og dag (MM-DD)")
        }
        let formula = try reader.required("printedFormula")
        let dayCountReader = try reader.required("dayCount")
        let dayCount = try dayCountReader.positiveInt()
        guard dayCount == 360 || dayCount == 365 || dayCount == 366 else {
            throw dayCountReader.error("et rentår regnes med 360, 365 eller 366 dage, ikke \(dayCount)")
        }
        let cap = ReturnCap(
            amount: try reader.required("amount").statedMoney(),
            annualRate: try reader.required("rate").statedPercent(),
            dayCountBasis: dayCount,
            postingMonth: postingDate.month,
            postingDay: postingDate.day,
            compoundedGrants: try reader.required("compounds").sequence().map { (r) throws(ContractFileError) in try party(r) },
            printedFormulaClause: try formula.clause(),
            printedFormulaIsInterestOnly: try formula.required("interestOnly").bool()
        )
        try formula.rejectUnknownKeys()
        try reader.rejectUnknownKeys()
        return cap
    }

    // MARK: Compliance, reporting, deadlines

    func parseCompliance(_ reader: NodeReader) throws(ContractFileError) -> ComplianceThresholds {
        let milestones = try reader.required("enrolmentMilestones").sequence().map {
            (m) throws(ContractFileError) -> EnrolmentMilestone in
            let milestone = EnrolmentMilestone(
                withinMonths: try m.required("withinMonths").positiveInt(),
                households: try m.required("households").nonNegativeInt(),
                clause: try m.clause()
            )
            try m.rejectUnknownKeys()
            return milestone
        }
        let compliance = ComplianceThresholds(
            endedCoursesLimit: try reader.required("endedCoursesLimit").statedCount(),
            enrolmentMilestones: milestones,
            baselineDeviation: try reader.required("baselineDeviation").statedPercent(),
            annualEnrolmentPace: try reader.required("annualEnrolmentPace").statedCount(),
            countingMonths: try reader.required("countingMonths").statedCount(),
            replacementWindowMonths: try reader.required("replacementWindowMonths").statedCount(),
            realisationQuarters: try reader.required("realisationQuarters").statedCount(),
            regularCompletion: try reader.optional("regularCompletion").map { (r) throws(ContractFileError) in
                try r.stated("reasons") { (list) throws(ContractFileError) in
                    try list.sequence().map { (item) throws(ContractFileError) in try item.choice(EndReason.self, what: "afslutningsårsag") }
                }
            } ?? Stated([.stable], "P 1.1.3")
        )
        try reader.rejectUnknownKeys()
        return compliance
    }

    func parseReporting(_ reader: NodeReader) throws(ContractFileError) -> ReportingSchedule {
        let schedule = ReportingSchedule(
            reportsPerYear: try reader.required("reportsPerYear").statedCount(),
            firstYearMeetingsPerQuarter: try reader.required("firstYearMeetingsPerQuarter").statedCount(),
            meetingsPerYear: try reader.required("meetingsPerYear").statedCount(),
            annualMeetingByQuarter: try reader.required("annualMeetingByQuarter").statedCount(),
            accountsDaysBeforeAnnualMeeting: try reader.required("accountsDaysBeforeAnnualMeeting").statedCount(),
            unusedGrantRepaymentMonths: try reader.required("unusedGrantRepaymentMonths").statedCount(),
            settlementsPerYear: try reader.required("settlementsPerYear").statedCount(),
            paymentDueQuartersAfterPeriod: try reader.required("paymentDueQuartersAfterPeriod").statedCount()
        )
        try reader.rejectUnknownKeys()
        return schedule
    }

    func parseDeadlines(_ reader: NodeReader) throws(ContractFileError) -> Deadlines {
        let receipt = try reader.required("nonBusinessDayReceipt").stated { (r) throws(ContractFileError) -> Bool in
            switch try r.string() {
            case "nextBusinessDay": return true
            case "asReceived": return false
            case let other: throw r.error("ukendt regel '\(other)' (skriv nextBusinessDay eller asReceived)")
            }
        }
        let deadlines = Deadlines(
            revocationPaymentDays: try reader.required("revocationPaymentDays").statedCount(),
            objectionDays: try reader.required("objectionDays").statedCount(),
            amicableResolutionDays: try reader.required("amicableResolutionDays").statedCount(),
            nonBusinessDayReceiptMovesForward: receipt
        )
        try reader.rejectUnknownKeys()
        return deadlines
    }

    func parseInterpretations(_ reader: NodeReader) throws(ContractFileError) -> Interpretations {
        func read<E: RawRepresentable & CaseIterable & Sendable & Equatable>(
            _ key: String,
            _: E.Type
        )
            throws(ContractFileError) -> Interpretation<E> where E.RawValue == String
        {
            let stated = try reader.required(key).stated { (r) throws(ContractFileError) in try r.choice(E.self, what: "fortolkning") }
            return Interpretation(stated.value, stated.clause)
        }
        let ageReader = try reader.required("ageBasis")
        let ages = AgeBases(
            employment: try ageReader.required("employment").choice(AgeBasis.self, what: "aldersgrundlag"),
            socialMeasures: try ageReader.required("socialMeasures").choice(AgeBasis.self, what: "aldersgrundlag"),
            lifeSatisfaction: try ageReader.required("lifeSatisfaction").choice(AgeBasis.self, what: "aldersgrundlag")
        )
        let ageClause = try ageReader.clause()
        try ageReader.rejectUnknownKeys()
        let horizon = try reader.required("returnCapHorizon").stated { (r) throws(ContractFileError) in try r.date() }
        let threshold = try reader.required("budgetDeviationThreshold").statedPercent()
        let substantialReader = try reader.optional("substantialRealisation")
        let substantial = try substantialReader?.statedPercent() ?? Stated(Percent(50), "T 6.2.1 (iii)")
        guard substantial.value >= Percent(0), substantial.value <= Percent(100) else {
            throw try substantialReader!.required("value").error("andelen af kravet skal være 0–100 %, ikke \(substantial.value.danishString)")
        }
        let revocationInterest =
            try reader.optional("revocationInterest").map { (r) throws(ContractFileError) in
                try r.stated { (v) throws(ContractFileError) in try v.choice(RevocationInterestRule.self, what: "fortolkning") }
            } ?? Stated(.returnCapRate, "T 6.2.1")
        let strengthReader = try reader.optional("forecastPriorStrength")
        let strength = try strengthReader?.stated { (r) throws(ContractFileError) in try r.positiveInt() } ?? Stated(40, "B5.1 2.4.1")
        guard (1...1_000_000).contains(strength.value) else {
            throw try strengthReader!.required("value").error("styrken skal være 1–1.000.000 observationer, ikke \(strength.value)")
        }
        let interpretations = Interpretations(
            ageBasis: Interpretation(ages, ageClause),
            previousBenefitType: try read("previousBenefitType", PreviousBenefitTypeRule.self),
            severalMeasures: try read("severalMeasures", SeveralMeasuresRule.self),
            absenceRounding: try read("absenceRounding", AbsenceRounding.self),
            imputationWindow: try read("imputationWindow", ImputationWindow.self),
            trancheShares: try read("trancheShares", TrancheShareRule.self),
            returnCapCoverage: try read("returnCapCoverage", ReturnCapCoverage.self),
            relativeReduction: try read("relativeReduction", RelativeReductionBasis.self),
            returnCapHorizon: Interpretation(horizon.value, horizon.clause),
            budgetDeviationThreshold: Interpretation(threshold.value, threshold.clause),
            substantialRealisation: Interpretation(substantial.value, substantial.clause),
            revocationInterest: Interpretation(revocationInterest.value, revocationInterest.clause),
            forecastPriorStrength: Interpretation(strength.value, strength.clause)
        )
        try reader.rejectUnknownKeys()
        return interpretations
    }
}

extension NodeReader {
    /// `{amount: <kroner>, clause: "…"}` in a mapping that has other keys too (`funder`, `unit`).
    func statedMoney(exceptKeys: Set<String>) throws(ContractFileError) -> Stated<Money> {
        let amount = try required("amount").money()
        let clause = try clause()
        for key in exceptKeys { _ = try optional(key) }
        try rejectUnknownKeys()
        return Stated(amount, clause)
    }
}
