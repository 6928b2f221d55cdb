import Foundation
import OutcomesCore
import Testing

@testable import OutcomesDelivery

func files(_ contents: [String: String]) -> [String: Data] {
    contents.mapValues { Data($0.utf8) }
}

func importing(_ contents: [String: String]) throws(DeliveryRejected) -> ImportedDelivery {
    try DeliveryImporter.importFiles(files(contents), commitment: viborg)
}

func issues(_ contents: [String: String]) -> [String] {
    do {
        _ = try importing(contents)
        return []
    } catch {
        return error.issues.map(\.description)
    }
}

@Suite("Importer: what a delivery may look like (SPEC §5)")
struct ImporterAcceptsTests {
    @Test("Semicolons, a BOM, CRLF, quotes, Danish dates and decimals, ja/nej, any case, blank lines, any column order")
    func lenientForms() throws {
        let households =
            "\u{FEFF}Household_ID ; group;area;start_date;cohort;extra\r\n\"H1\";Treatment;HOULKAER;15-01-2024;1;x\r\n\r\n H2 ;control;karup-kolvraa;;;\r\n"
        let persons = "person_id,household_id,birth_date\nP1,H1,1980-05-01\n\"P2\",\"H1\",\"2012-03-04\"\n"
        let employment = "point,person_id,benefit_type,completed_education_6m,declared_fit\nSTART,P1,Cash_Benefit_Job_Ready,,\n12,P1,employed,Ja,\n"
        let absence =
            "cohort;point;group;child_id;absence_pct;measured_on\n1;baseline;treatment;P2;9,85;31-01-2024\n1;baseline;control;K1;\"10,5\";31-01-2024\n"
        let plans = "household_id,goal_id,fulfilled\nH1,M1,nej\nH1,\"M2, med komma\",1\nH1,M3,\n"
        let imported = try importing([
            "households.csv": households, "persons.csv": persons, "employment.csv": employment,
            "school_absence.csv": absence, "action_plan_goals.csv": plans,
        ])
        let d = imported.delivery
        #expect(d.households.map(\.id.rawValue) == ["H1", "H2"])
        #expect(d.households[0].start == day("2024-01-15") && d.households[0].group == .treatment && d.households[0].area == .houlkaer)
        #expect(d.households[1].group == .control && d.households[1].start == nil)
        #expect(d.persons.map(\.household) == [0, 0])
        #expect(d.employment.map(\.benefitType) == [.cashBenefitJobReady, .employed])
        #expect(d.employment[1].completedEducation6m == true)
        #expect(d.schoolAbsence.map(\.absencePercent) == [Ratio(985, 100), Ratio(105, 10)])
        #expect(d.actionPlanGoals.map(\.goalID) == ["M1", "M2, med komma", "M3"])
        #expect(d.actionPlanGoals.map(\.fulfilled) == [false, true, nil])
        #expect(imported.warnings.contains("households.csv: ukendt kolonne 'extra' ignoreres"))
        #expect(imported.warnings.contains("social_measures.csv mangler i leverancen; den læses som tom"))
    }

    @Test("Only households.csv is required")
    func onlyHouseholds() throws {
        let imported = try importing(["households.csv": "household_id,area,group,start_date\nH1,houlkaer,treatment,2024-01-15\n"])
        #expect(imported.delivery.households.count == 1)
        #expect(imported.warnings.count == 6)
        #expect(issues([:]) == ["households.csv:0: -: filen mangler; den er påkrævet"])
    }

    @Test("A row the register would refuse is refused by the importer too (one validator): a control household with a course, an end without a reason")
    func registerRules() {
        let households = "household_id,area,group,start_date,end_date,end_reason\nH1,houlkaer,control,2024-01-15,,\nH2,houlkaer,treatment,2024-01-15,2024-06-01,\n"
        let found = issues(["households.csv": households])
        #expect(found.contains("households.csv:2: start_date: en husstand i kontrolgruppen har intet indsatsforløb (P 3.2.2)"))
        #expect(found.contains("households.csv:3: end_reason: et afsluttet forløb skal have både en slutdato og en årsag (P 3.2.3)"))
    }

    @Test("Quoted fields may hold separators, doubled quotes and line breaks; line numbers follow the file")
    func quoting() throws {
        let plans = "household_id,goal_id,fulfilled\nH1,\"Mål \"\"bolig\"\"\nmed linjeskift\",ja\nH9,M2,ja\n"
        let found = issues([
            "households.csv": "household_id,area,group,start_date\nH1,houlkaer,treatment,2024-01-15\n",
            "action_plan_goals.csv": plans,
        ])
        // The quoted goal id spans lines 2–3 (a line break is no part of an id); the next row is line 4.
        #expect(found.count == 2)
        #expect(found.first?.hasPrefix("action_plan_goals.csv:2: goal_id: 'Mål \"bolig\"\\u{A}med linjeskift' må ikke indeholde styretegn") == true)
        #expect(found.last == "action_plan_goals.csv:4: household_id: husstanden 'H9' findes ikke i households.csv")
    }
}

@Suite("Importer: a bad delivery is rejected whole, with every error")
struct ImporterRejectsTests {
    static let households = """
        household_id,area,group,start_date,end_date,replaces,cohort
        H1,houlkaer,treatment,2024-01-15,,,1
        H1,houlkaer,treatment,2024-02-15,,,1
        H2,ellekonebakken,treatment,2024-13-01,,,1
        H3,vestbyen,treatment,2024-03-01,2024-02-01,,4
        H4,houlkaer,treatment,,,H9,
        H5,houlkaer,treatment,2022-01-01,,,

        """

    @Test("an end reason that is not one of the codes lists the codes with their Danish names (issue #16)")
    func endReasonCodes() {
        let found = issues([
            "households.csv": "household_id,area,group,start_date,end_date,end_reason\nH1,houlkaer,treatment,2024-01-15,2024-06-01,gone\n"
        ])
        #expect(found.count == 1)
        #expect(found.first?.contains("'gone' er ikke en gyldig værdi (tilladt: ") == true)
        #expect(found.first?.contains("moved = fraflyttet") == true && found.first?.contains("stable = stabil situation") == true, "\(found)")
    }

    @Test("Every error is reported as file:line: column: message")
    func everyError() {
        let found = issues([
            "households.csv": Self.households,
            "persons.csv": "person_id,household_id,birth_date\nP1,H1,1980-01-01\nP1,H1,1981-01-01\nP2,H7,1980-01-01\nP3,H1,01/02/1980\n",
            "employment.csv": "person_id,point,benefit_type\nP1,start,employed\nP1,start,employed\nP1,6,employed\nP9,12,employed\nP1,12,rich\n",
            "life_satisfaction.csv": "person_id,point,score\nP1,baseline,11\nP1,end,7.5\n",
            "school_absence.csv":
                "cohort,point,group,child_id,absence_pct,measured_on\n1,12,treatment,B1,9.5,2025-01-31\n1,12,control,B2,101,2025-01-31\n1,12,control,B3,9,2025-02-28\n1,12,treatment,B1,9,2025-01-31\n",
        ])
        let expected = [
            "households.csv:3: household_id: husstanden 'H1' findes allerede i filen (dubleret id)",
            "households.csv:4: start_date: '2024-13-01' er ikke en dato (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)",
            "households.csv:5: area: 'vestbyen' er ikke en gyldig værdi (tilladt: ellekonebakken = Ellekonebakken, houlkaer = Houlkær, karup-kolvraa = Karup Kølvrå)",
            "households.csv:5: end_date: 2024-02-01 ligger før startdatoen 2024-03-01",
            "households.csv:5: cohort: 4 ligger uden for 1–3",
            "households.csv:6: start_date: mangler: en husstand i indsatsgruppen skal have en startdato",
            "households.csv:6: replaces: husstanden 'H9' findes ikke i households.csv",
            "households.csv:7: start_date: 2022-01-01 ligger uden for indsatsperioden 2023-11-01–2026-10-31",
            "persons.csv:3: person_id: personen 'P1' findes allerede i filen (dubleret id)",
            "persons.csv:4: household_id: husstanden 'H7' findes ikke i households.csv",
            "persons.csv:5: birth_date: '01/02/1980' er ikke en dato (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)",
            "employment.csv:3: point: personen 'P1' har allerede en række for måling 'start'",
            "employment.csv:4: point: '6' er ikke en gyldig værdi (tilladt: 12, 18, 24, start)",
            "employment.csv:5: person_id: personen 'P9' findes ikke i persons.csv",
            "employment.csv:6: benefit_type: 'rich' er ikke en gyldig værdi (tilladt: cash_benefit_activity_ready = kontanthjælp (aktivitetsparat), cash_benefit_job_ready = kontanthjælp (jobparat), early_retirement = førtidspension, education_benefit_activity_ready = uddannelseshjælp (aktivitetsparat), education_benefit_job_ready = uddannelseshjælp (jobparat), employed = i beskæftigelse, flexjob = fleksjob, in_education = i uddannelse, integration_benefit_activity_ready = integrationsydelse (aktivitetsparat), integration_benefit_job_ready = integrationsydelse (jobparat), job_clarification = jobafklaring, no_benefit = ingen ydelse, rehabilitation = revalidering, resource_programme = ressourceforløb, self_support_return_programme = selvforsørgelses- og hjemrejseydelse i program, self_supporting_in_programme = selvforsørgende i program, sickness_benefit = sygedagpenge, unemployment_insurance = A-dagpenge, unknown = ukendt)",
            "life_satisfaction.csv:2: score: 11 ligger uden for 0–10",
            "life_satisfaction.csv:3: score: '7.5' er ikke et helt tal",
            "school_absence.csv:3: absence_pct: 101 ligger uden for 0–100",
            "school_absence.csv:4: measured_on: 2025-02-28 afviger fra 2025-01-31 (linje 2); kohorte 1, måling 12 har én måledato",
            "school_absence.csv:5: child_id: barnet 'B1' har allerede en række for kohorte 1, måling 12",
        ]
        #expect(found == expected)
    }

    @Test("A missing column is an error at the header line")
    func missingColumn() {
        #expect(issues(["households.csv": "household_id,group\nH1,control\n"]) == ["households.csv:1: area: kolonnen mangler"])
    }

    @Test("A row with more fields than the header is an error")
    func extraFields() {
        let found = issues(["households.csv": "household_id,area,group\nH1,houlkaer,control,extra\n"])
        #expect(found == ["households.csv:2: -: rækken har 4 felter, men overskriften har 3"])
    }

    @Test("End dates before start dates, and a household replacing itself, are rejected")
    func endBeforeStart() {
        let found = issues([
            "households.csv":
                "household_id,area,group,start_date,end_date,replaces\nH1,houlkaer,treatment,2024-03-01,2024-02-01,\nH2,houlkaer,treatment,2024-03-01,,H2\n"
        ])
        #expect(
            found == [
                "households.csv:2: end_date: 2024-02-01 ligger før startdatoen 2024-03-01",
                "households.csv:3: replaces: en husstand kan ikke erstatte sig selv",
            ]
        )
    }
}

@Suite("Importer: duplicates are found per person, household and child")
struct ImporterDuplicateTests {
    @Test("The same child may appear at every cohort and point, but only once at each")
    func childAtEveryPoint() throws {
        var rows = "cohort,point,group,child_id,absence_pct,measured_on\n"
        for cohort in 1...3 {
            for (point, date) in [("baseline", "2024-04-30"), ("12", "2025-04-30"), ("18", "2025-10-31"), ("24", "2026-04-30")] {
                rows += "\(cohort),\(point),treatment,B1,9.5,\(date)\n"
            }
        }
        let households = "household_id,area,group,start_date\nH1,houlkaer,treatment,2024-01-15\n"
        #expect(try importing(["households.csv": households, "school_absence.csv": rows]).delivery.schoolAbsence.count == 12)
        let duplicate = rows + "3,24,control,B1,9.5,2026-04-30\n"
        #expect(
            issues(["households.csv": households, "school_absence.csv": duplicate])
                == ["school_absence.csv:14: child_id: barnet 'B1' har allerede en række for kohorte 3, måling 24"]
        )
    }

    @Test("A person may have every point once; a household each goal id once")
    func personAndHousehold() {
        let households = "household_id,area,group,start_date\nH1,houlkaer,treatment,2024-01-15\nH2,houlkaer,treatment,2024-01-15\n"
        let persons = "person_id,household_id,birth_date\nP1,H1,1980-01-01\nP2,H2,1980-01-01\n"
        let found = issues([
            "households.csv": households, "persons.csv": persons,
            "social_measures.csv": "person_id,point,measure\nP1,baseline,s85\nP1,24,none\nP2,24,none\nP1,24,s82\n",
            "life_satisfaction.csv": "person_id,point,score\nP1,baseline,5\nP2,baseline,5\nP1,end,6\nP2,baseline,4\n",
            "action_plan_goals.csv": "household_id,goal_id,fulfilled\nH1,M1,ja\nH2,M1,ja\nH1,M1,nej\n",
        ])
        #expect(
            found == [
                "social_measures.csv:5: point: personen 'P1' har allerede en række for måling '24'",
                "life_satisfaction.csv:5: point: personen 'P2' har allerede en række for måling 'baseline'",
                "action_plan_goals.csv:4: goal_id: husstanden 'H1' har allerede handleplansmålet 'M1'",
            ]
        )
    }
}

@Suite("The byte-keyed id table")
struct ByteKeyTableTests {
    @Test("Finds what was inserted, short and long keys alike, through growth; refuses duplicates")
    func roundTrip() {
        var table = ByteKeyTable(capacity: 1)
        let keys = (0..<5000).map { $0 % 3 == 0 ? "H\($0)" : "a-rather-long-household-identifier-\($0)" }
        for (i, key) in keys.enumerated() {
            let inserted = table.insert(key, value: i)
            #expect(inserted)
        }
        #expect(table.count == keys.count)
        for (i, key) in keys.enumerated() { #expect(table.find(key) == i) }
        let again = table.insert("H0", value: 99)
        #expect(!again)
        #expect(table.find("H0") == 0)
        #expect(table.find("H1") == nil)
        #expect(table.find("a-rather-long-household-identifier-") == nil)
        #expect(table.find("") == nil)
    }
}

@Suite("Importer: malformed CSV is an error, never silently lost rows")
struct MalformedCSVTests {
    static let households = "household_id,area,group,start_date\nH1,houlkaer,treatment,2024-01-15\n"
    static let persons = "person_id,household_id,birth_date\nP1,H1,1980-01-01\nP2,H1,1981-01-01\n"

    @Test("An unclosed quote is reported at its line, not swallowing the rest of the file")
    func unclosedQuote() {
        let found = issues([
            "households.csv": Self.households, "persons.csv": Self.persons,
            "life_satisfaction.csv": "person_id,point,score\nP1,baseline,\"5\nP2,baseline,6\nP2,end,7\n",
        ])
        #expect(found == ["life_satisfaction.csv:2: -: anførselstegnet i felt 3 lukkes aldrig (RFC 4180)"])
    }

    @Test("Text after a closing quote is an error")
    func textAfterQuote() {
        let found = issues([
            "households.csv": Self.households, "persons.csv": Self.persons,
            "life_satisfaction.csv": "person_id,point,score\nP1,baseline,\"5\"x\n",
        ])
        #expect(found == ["life_satisfaction.csv:2: -: tekst efter det afsluttende anførselstegn i felt 3 (RFC 4180)"])
    }

    @Test("A row with fewer fields than the header is an error, not a missing value")
    func shortRow() {
        let found = issues([
            "households.csv": Self.households, "persons.csv": Self.persons,
            "life_satisfaction.csv": "person_id,point,score\nP1,end\n",
        ])
        #expect(found == ["life_satisfaction.csv:2: -: rækken har 2 felter, men overskriften har 3"])
    }

    @Test("An empty households.csv is an error; separator-only rows and blank lines before the header are fine")
    func emptyAndBlank() throws {
        #expect(issues(["households.csv": "\u{FEFF}\n  \n"]) == ["households.csv:1: -: filen er tom: overskriften med kolonnerne mangler"])
        let imported = try importing([
            "households.csv": "  \n\nhousehold_id;area;group;start_date;;\nH1;houlkaer;treatment;2024-01-15;;\n;;;;;\n"
        ])
        #expect(imported.delivery.households.count == 1)
    }

    @Test("A missing start_date column still names the column in the error")
    func missingStartColumn() {
        #expect(
            issues(["households.csv": "household_id,area,group\nH1,houlkaer,treatment\n"])
                == ["households.csv:2: start_date: mangler: en husstand i indsatsgruppen skal have en startdato"]
        )
    }
}
