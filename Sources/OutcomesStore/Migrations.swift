import SQLKit

/// A schema version: its statements run once, in one transaction, in version order.
struct Migration: Sendable {
    var version: Int
    var name: String
    var statements: [SQLQueryString]
}

/// The schema's versions. Tables and columns are English, singular and camelCased (GRDB's
/// schema recommendations, STYLE.md §4); dates are ISO text; exact decimals are fractions in
/// text; no float columns.
enum Migrations {
    static let all: [Migration] = [
        Migration(
            version: 1,
            name: "contracts and data deliveries",
            statements: [
                """
                CREATE TABLE \(ident: "contract") (
                    \(ident: "id") TEXT NOT NULL, \(ident: "version") BIGINT NOT NULL, \(ident: "text") TEXT NOT NULL,
                    PRIMARY KEY (\(ident: "id"), \(ident: "version")))
                """,
                """
                CREATE TABLE \(ident: "delivery") (
                    \(ident: "number") BIGINT PRIMARY KEY, \(ident: "contentHash") TEXT NOT NULL UNIQUE,
                    \(ident: "receivedOn") TEXT NOT NULL,
                    \(ident: "supersedes") BIGINT REFERENCES \(ident: "delivery") (\(ident: "number")),
                    \(ident: "warnings") TEXT NOT NULL, \(ident: "rowCount") BIGINT NOT NULL)
                """,
                """
                CREATE TABLE \(ident: "household") (
                    \(ident: "delivery") BIGINT NOT NULL REFERENCES \(ident: "delivery") (\(ident: "number")),
                    \(ident: "position") BIGINT NOT NULL, \(ident: "householdId") TEXT NOT NULL, \(ident: "area") TEXT NOT NULL,
                    \(ident: "listPosition") BIGINT, \(ident: "groupName") TEXT NOT NULL, \(ident: "startDate") TEXT,
                    \(ident: "endDate") TEXT, \(ident: "endReason") TEXT, \(ident: "replaces") TEXT, \(ident: "cohort") BIGINT,
                    PRIMARY KEY (\(ident: "delivery"), \(ident: "householdId")))
                """,
                """
                CREATE TABLE \(ident: "person") (
                    \(ident: "delivery") BIGINT NOT NULL REFERENCES \(ident: "delivery") (\(ident: "number")),
                    \(ident: "position") BIGINT NOT NULL, \(ident: "personId") TEXT NOT NULL, \(ident: "householdId") TEXT NOT NULL,
                    \(ident: "birthDate") TEXT NOT NULL,
                    PRIMARY KEY (\(ident: "delivery"), \(ident: "personId")),
                    FOREIGN KEY (\(ident: "delivery"), \(ident: "householdId")) REFERENCES \(ident: "household") (\(ident: "delivery"), \(ident: "householdId")))
                """,
                """
                CREATE TABLE \(ident: "employmentMeasurement") (
                    \(ident: "delivery") BIGINT NOT NULL, \(ident: "position") BIGINT NOT NULL,
                    \(ident: "personId") TEXT NOT NULL, \(ident: "point") TEXT NOT NULL, \(ident: "benefitType") TEXT,
                    \(ident: "completedEducation6m") BIGINT, \(ident: "declaredFit") TEXT,
                    PRIMARY KEY (\(ident: "delivery"), \(ident: "personId"), \(ident: "point")),
                    FOREIGN KEY (\(ident: "delivery"), \(ident: "personId")) REFERENCES \(ident: "person") (\(ident: "delivery"), \(ident: "personId")))
                """,
                """
                CREATE TABLE \(ident: "socialMeasureMeasurement") (
                    \(ident: "delivery") BIGINT NOT NULL, \(ident: "position") BIGINT NOT NULL,
                    \(ident: "personId") TEXT NOT NULL, \(ident: "point") TEXT NOT NULL, \(ident: "measure") TEXT,
                    PRIMARY KEY (\(ident: "delivery"), \(ident: "personId"), \(ident: "point")),
                    FOREIGN KEY (\(ident: "delivery"), \(ident: "personId")) REFERENCES \(ident: "person") (\(ident: "delivery"), \(ident: "personId")))
                """,
                """
                CREATE TABLE \(ident: "lifeSatisfactionMeasurement") (
                    \(ident: "delivery") BIGINT NOT NULL, \(ident: "position") BIGINT NOT NULL,
                    \(ident: "personId") TEXT NOT NULL, \(ident: "point") TEXT NOT NULL, \(ident: "score") BIGINT,
                    PRIMARY KEY (\(ident: "delivery"), \(ident: "personId"), \(ident: "point")),
                    FOREIGN KEY (\(ident: "delivery"), \(ident: "personId")) REFERENCES \(ident: "person") (\(ident: "delivery"), \(ident: "personId")))
                """,
                """
                CREATE TABLE \(ident: "actionPlanGoal") (
                    \(ident: "delivery") BIGINT NOT NULL, \(ident: "position") BIGINT NOT NULL,
                    \(ident: "householdId") TEXT NOT NULL, \(ident: "goalId") TEXT NOT NULL, \(ident: "fulfilled") BIGINT,
                    PRIMARY KEY (\(ident: "delivery"), \(ident: "householdId"), \(ident: "goalId")),
                    FOREIGN KEY (\(ident: "delivery"), \(ident: "householdId")) REFERENCES \(ident: "household") (\(ident: "delivery"), \(ident: "householdId")))
                """,
                """
                CREATE TABLE \(ident: "schoolAbsenceMeasurement") (
                    \(ident: "delivery") BIGINT NOT NULL REFERENCES \(ident: "delivery") (\(ident: "number")),
                    \(ident: "position") BIGINT NOT NULL, \(ident: "cohort") BIGINT NOT NULL, \(ident: "point") TEXT NOT NULL,
                    \(ident: "groupName") TEXT NOT NULL, \(ident: "childId") TEXT NOT NULL, \(ident: "absencePercent") TEXT,
                    \(ident: "measuredOn") TEXT NOT NULL,
                    PRIMARY KEY (\(ident: "delivery"), \(ident: "cohort"), \(ident: "point"), \(ident: "childId")))
                """,
            ]
        ),
        Migration(
            version: 2,
            name: "audit trail",
            statements: [
                """
                CREATE TABLE \(ident: "auditEntry") (
                    \(ident: "sequence") BIGINT PRIMARY KEY, \(ident: "at") TEXT NOT NULL, \(ident: "actor") TEXT NOT NULL,
                    \(ident: "action") TEXT NOT NULL, \(ident: "subject") TEXT NOT NULL, \(ident: "purpose") TEXT NOT NULL,
                    \(ident: "previousHash") TEXT NOT NULL, \(ident: "hash") TEXT NOT NULL)
                """,
                """
                CREATE TABLE \(ident: "auditHead") (
                    \(ident: "id") BIGINT PRIMARY KEY, \(ident: "count") BIGINT NOT NULL, \(ident: "lastHash") TEXT NOT NULL)
                """,
                """
                INSERT INTO \(ident: "auditHead") (\(ident: "id"), \(ident: "count"), \(ident: "lastHash"))
                VALUES (1, 0, \(bind: AuditChain.genesis))
                """,
            ]
        ),
        Migration(
            version: 3,
            name: "action plans",
            statements: [
                """
                CREATE TABLE \(ident: "actionPlan") (
                    \(ident: "householdId") TEXT PRIMARY KEY, \(ident: "courseStart") TEXT NOT NULL)
                """,
                """
                CREATE TABLE \(ident: "actionPlanGoalDefinition") (
                    \(ident: "householdId") TEXT NOT NULL REFERENCES \(ident: "actionPlan") (\(ident: "householdId")),
                    \(ident: "position") BIGINT NOT NULL, \(ident: "goalId") TEXT NOT NULL, \(ident: "text") TEXT NOT NULL,
                    \(ident: "fulfilled") BIGINT,
                    PRIMARY KEY (\(ident: "householdId"), \(ident: "goalId")))
                """,
            ]
        ),
        Migration(
            version: 4,
            name: "visitation decisions",
            statements: [
                """
                CREATE TABLE \(ident: "enrolmentDecision") (
                    \(ident: "sequence") BIGINT PRIMARY KEY, \(ident: "householdId") TEXT NOT NULL,
                    \(ident: "listPosition") BIGINT, \(ident: "decidedOn") TEXT NOT NULL, \(ident: "decidedBy") TEXT NOT NULL,
                    \(ident: "outcome") TEXT NOT NULL, \(ident: "courseStart") TEXT, \(ident: "reason") TEXT NOT NULL)
                """
            ]
        ),
        Migration(
            version: 5,
            name: "users",
            statements: [
                """
                CREATE TABLE \(ident: "userAccount") (
                    \(ident: "username") TEXT PRIMARY KEY, \(ident: "displayName") TEXT NOT NULL, \(ident: "role") TEXT NOT NULL,
                    \(ident: "passwordHash") TEXT NOT NULL, \(ident: "createdAt") TEXT NOT NULL)
                """
            ]
        ),
        Migration(
            version: 6,
            name: "money, meetings and reports",
            statements: [
                """
                CREATE TABLE \(ident: "moneyTransfer") (
                    \(ident: "sequence") BIGINT PRIMARY KEY, \(ident: "kind") TEXT NOT NULL, \(ident: "fromParty") TEXT NOT NULL,
                    \(ident: "toParty") TEXT NOT NULL, \(ident: "paidOn") TEXT NOT NULL, \(ident: "amountOre") BIGINT NOT NULL,
                    \(ident: "reference") TEXT NOT NULL)
                """,
                """
                CREATE TABLE \(ident: "budgetActual") (
                    \(ident: "lineKey") TEXT NOT NULL, \(ident: "year") BIGINT NOT NULL, \(ident: "amountOre") BIGINT NOT NULL,
                    PRIMARY KEY (\(ident: "lineKey"), \(ident: "year")))
                """,
                """
                CREATE TABLE \(ident: "meeting") (
                    \(ident: "sequence") BIGINT PRIMARY KEY, \(ident: "heldOn") TEXT NOT NULL,
                    \(ident: "isAnnualMeeting") BIGINT NOT NULL, \(ident: "accountsReceivedOn") TEXT, \(ident: "minutes") TEXT NOT NULL)
                """,
                """
                CREATE TABLE \(ident: "steeringReport") (
                    \(ident: "period") TEXT PRIMARY KEY, \(ident: "submittedOn") TEXT NOT NULL)
                """,
            ]
        ),
        Migration(
            version: 7,
            name: "household register, persons, API tokens, password change",
            statements: [
                """
                CREATE TABLE \(ident: "registeredHousehold") (
                    \(ident: "id") TEXT PRIMARY KEY, \(ident: "area") TEXT NOT NULL, \(ident: "listPosition") BIGINT,
                    \(ident: "groupName") TEXT NOT NULL, \(ident: "courseStart") TEXT, \(ident: "courseEnd") TEXT,
                    \(ident: "endReason") TEXT, \(ident: "replaces") TEXT, \(ident: "cohort") BIGINT)
                """,
                """
                CREATE TABLE \(ident: "registeredPerson") (
                    \(ident: "pseudonym") TEXT PRIMARY KEY,
                    \(ident: "householdId") TEXT NOT NULL REFERENCES \(ident: "registeredHousehold") (\(ident: "id")),
                    \(ident: "birthDate") TEXT NOT NULL, \(ident: "name") TEXT)
                """,
                """
                CREATE TABLE \(ident: "apiToken") (
                    \(ident: "tokenHash") TEXT PRIMARY KEY, \(ident: "username") TEXT NOT NULL, \(ident: "name") TEXT NOT NULL,
                    \(ident: "createdAt") TEXT NOT NULL)
                """,
                """
                ALTER TABLE \(ident: "userAccount") ADD COLUMN \(ident: "mustChangePassword") BIGINT NOT NULL DEFAULT 0
                """,
            ]
        ),
        Migration(
            version: 8,
            name: "lotteries and notices",
            statements: [
                """
                CREATE TABLE \(ident: "lottery") (
                    \(ident: "sequence") BIGINT PRIMARY KEY, \(ident: "seed") TEXT NOT NULL, \(ident: "populationHash") TEXT NOT NULL,
                    \(ident: "listHash") TEXT NOT NULL, \(ident: "households") BIGINT NOT NULL, \(ident: "drawnAt") TEXT NOT NULL)
                """,
                """
                CREATE TABLE \(ident: "notice") (
                    \(ident: "sequence") BIGINT PRIMARY KEY, \(ident: "kind") TEXT NOT NULL, \(ident: "received") TEXT NOT NULL,
                    \(ident: "remedyBy") TEXT, \(ident: "subject") TEXT NOT NULL)
                """,
            ]
        ),
        Migration(
            version: 9,
            name: "sessions in the store, deactivated users",
            statements: [
                """
                CREATE TABLE \(ident: "userSession") (
                    \(ident: "tokenHash") TEXT PRIMARY KEY,
                    \(ident: "username") TEXT NOT NULL REFERENCES \(ident: "userAccount") (\(ident: "username")),
                    \(ident: "startedAt") BIGINT NOT NULL, \(ident: "lastSeen") BIGINT NOT NULL)
                """,
                """
                ALTER TABLE \(ident: "userAccount") ADD COLUMN \(ident: "isActive") BIGINT NOT NULL DEFAULT 1
                """,
            ]
        ),
        Migration(
            version: 10,
            name: "settlements as approved records (SPEC §10)",
            statements: [
                """
                CREATE TABLE \(ident: "settlementRecord") (
                    \(ident: "period") TEXT PRIMARY KEY, \(ident: "contractId") TEXT NOT NULL, \(ident: "contractVersion") BIGINT NOT NULL,
                    \(ident: "deliveryNumber") BIGINT NOT NULL, \(ident: "document") TEXT NOT NULL, \(ident: "hash") TEXT NOT NULL,
                    \(ident: "proposedBy") TEXT NOT NULL, \(ident: "proposedAt") TEXT NOT NULL, \(ident: "approvedAt") TEXT)
                """,
                """
                CREATE TABLE \(ident: "settlementApproval") (
                    \(ident: "period") TEXT NOT NULL REFERENCES \(ident: "settlementRecord") (\(ident: "period")),
                    \(ident: "approver") TEXT NOT NULL, \(ident: "username") TEXT NOT NULL, \(ident: "at") TEXT NOT NULL,
                    \(ident: "meetingOn") TEXT NOT NULL, PRIMARY KEY (\(ident: "period"), \(ident: "approver")))
                """,
            ]
        ),
        Migration(
            version: 11,
            name: "grant decisions: reductions (T 4.2) and accruals of unused grant (T 4.3)",
            statements: [
                """
                CREATE TABLE \(ident: "grantDecision") (
                    \(ident: "sequence") BIGINT PRIMARY KEY, \(ident: "kind") TEXT NOT NULL, \(ident: "year") BIGINT NOT NULL,
                    \(ident: "amountOre") BIGINT NOT NULL, \(ident: "decidedOn") TEXT NOT NULL, \(ident: "note") TEXT NOT NULL)
                """
            ]
        ),
        Migration(
            version: 12,
            name: "the Nationalbank's reference rates (renteloven § 5)",
            statements: [
                """
                CREATE TABLE \(ident: "referenceRate") (
                    \(ident: "effectiveFrom") TEXT PRIMARY KEY, \(ident: "rate") TEXT NOT NULL)
                """
            ]
        ),
        Migration(
            version: 13,
            name: "the drawn list kept with its lottery, to publish and verify (P 3.2.2)",
            statements: [
                // The lines `position,household_id\n` whose SHA-256 is the list's hash; empty for
                // lotteries recorded before this version.
                """
                ALTER TABLE \(ident: "lottery") ADD COLUMN \(ident: "list") TEXT NOT NULL DEFAULT ''
                """
            ]
        ),
        Migration(
            version: 14,
            name: "a personal calendar address per user (issue #17), kept as the SHA-256 of its token",
            statements: [
                """
                CREATE TABLE \(ident: "calendarToken") (
                    \(ident: "username") TEXT PRIMARY KEY REFERENCES \(ident: "userAccount") (\(ident: "username")),
                    \(ident: "tokenHash") TEXT NOT NULL UNIQUE, \(ident: "createdAt") TEXT NOT NULL)
                """
            ]
        ),
        Migration(
            version: 15,
            name: "agreements as a scope (issue #18): every record belongs to an agreement; roles per agreement",
            statements: Migrations.agreementScope
        ),
        Migration(
            version: 16,
            name: "a counter of each agreement's writes, for the caches of figures derived from its records",
            statements: [
                """
                CREATE TABLE \(ident: "agreementChange") (
                    \(ident: "agreementId") TEXT PRIMARY KEY, \(ident: "count") BIGINT NOT NULL)
                """
            ]
        ),
    ]

    /// The agreement existing records belong to: a database held one agreement's records before
    /// this version — the built-in one's when it holds that contract (a file of another id could
    /// be uploaded as a "version" but never ran), else the contract it holds (the one it was
    /// started with), else the built-in one.
    static let existingAgreement: SQLQueryString = """
        COALESCE(
            (SELECT MIN(\(ident: "id")) FROM \(ident: "contract") WHERE \(ident: "id") = \(literal: SQLOutcomesStore.defaultAgreement)),
            (SELECT MIN(\(ident: "id")) FROM \(ident: "contract")),
            \(literal: SQLOutcomesStore.defaultAgreement))
        """

    /// Version 15. Tables whose rows carry their own sequence number gain an `agreementId`
    /// column; tables keyed by something an agreement chooses (a household's id, a half-year, a
    /// budget line) are rebuilt with the agreement in their key, since SQLite cannot change a
    /// key in place: a new table is filled, the old one dropped and the new one renamed (children
    /// after their parents, so that every foreign key points at the rebuilt table). A delivery's
    /// rows belong to the agreement through the delivery, whose number stays unique in the
    /// database. Users, sessions, tokens and the reference rate stay global; the audit trail
    /// stays one chain and its new entries name their agreement.
    static var agreementScope: [SQLQueryString] {
        var statements: [SQLQueryString] = []
        for table in ["delivery", "enrolmentDecision", "moneyTransfer", "meeting", "lottery", "notice", "grantDecision"] {
            statements.append("ALTER TABLE \(ident: table) ADD COLUMN \(ident: "agreementId") TEXT NOT NULL DEFAULT ''")
            statements.append("UPDATE \(ident: table) SET \(ident: "agreementId") = \(existingAgreement)")
        }
        // Entries before this version keep an empty agreement: their hashes were taken without it.
        statements.append("ALTER TABLE \(ident: "auditEntry") ADD COLUMN \(ident: "agreementId") TEXT NOT NULL DEFAULT ''")
        let rebuilt: [(table: String, create: SQLQueryString, columns: [String])] = [
            (
                "registeredHousehold",
                """
                CREATE TABLE \(ident: "registeredHousehold_v15") (
                    \(ident: "agreementId") TEXT NOT NULL, \(ident: "id") TEXT NOT NULL, \(ident: "area") TEXT NOT NULL,
                    \(ident: "listPosition") BIGINT, \(ident: "groupName") TEXT NOT NULL, \(ident: "courseStart") TEXT,
                    \(ident: "courseEnd") TEXT, \(ident: "endReason") TEXT, \(ident: "replaces") TEXT, \(ident: "cohort") BIGINT,
                    PRIMARY KEY (\(ident: "agreementId"), \(ident: "id")))
                """,
                ["id", "area", "listPosition", "groupName", "courseStart", "courseEnd", "endReason", "replaces", "cohort"]
            ),
            (
                "registeredPerson",
                """
                CREATE TABLE \(ident: "registeredPerson_v15") (
                    \(ident: "agreementId") TEXT NOT NULL, \(ident: "pseudonym") TEXT NOT NULL, \(ident: "householdId") TEXT NOT NULL,
                    \(ident: "birthDate") TEXT NOT NULL, \(ident: "name") TEXT,
                    PRIMARY KEY (\(ident: "agreementId"), \(ident: "pseudonym")),
                    FOREIGN KEY (\(ident: "agreementId"), \(ident: "householdId"))
                        REFERENCES \(ident: "registeredHousehold_v15") (\(ident: "agreementId"), \(ident: "id")))
                """,
                ["pseudonym", "householdId", "birthDate", "name"]
            ),
            (
                "actionPlan",
                """
                CREATE TABLE \(ident: "actionPlan_v15") (
                    \(ident: "agreementId") TEXT NOT NULL, \(ident: "householdId") TEXT NOT NULL, \(ident: "courseStart") TEXT NOT NULL,
                    PRIMARY KEY (\(ident: "agreementId"), \(ident: "householdId")))
                """,
                ["householdId", "courseStart"]
            ),
            (
                "actionPlanGoalDefinition",
                """
                CREATE TABLE \(ident: "actionPlanGoalDefinition_v15") (
                    \(ident: "agreementId") TEXT NOT NULL, \(ident: "householdId") TEXT NOT NULL, \(ident: "position") BIGINT NOT NULL,
                    \(ident: "goalId") TEXT NOT NULL, \(ident: "text") TEXT NOT NULL, \(ident: "fulfilled") BIGINT,
                    PRIMARY KEY (\(ident: "agreementId"), \(ident: "householdId"), \(ident: "goalId")),
                    FOREIGN KEY (\(ident: "agreementId"), \(ident: "householdId"))
                        REFERENCES \(ident: "actionPlan_v15") (\(ident: "agreementId"), \(ident: "householdId")))
                """,
                ["householdId", "position", "goalId", "text", "fulfilled"]
            ),
            (
                "budgetActual",
                """
                CREATE TABLE \(ident: "budgetActual_v15") (
                    \(ident: "agreementId") TEXT NOT NULL, \(ident: "lineKey") TEXT NOT NULL, \(ident: "year") BIGINT NOT NULL,
                    \(ident: "amountOre") BIGINT NOT NULL, PRIMARY KEY (\(ident: "agreementId"), \(ident: "lineKey"), \(ident: "year")))
                """,
                ["lineKey", "year", "amountOre"]
            ),
            (
                "steeringReport",
                """
                CREATE TABLE \(ident: "steeringReport_v15") (
                    \(ident: "agreementId") TEXT NOT NULL, \(ident: "period") TEXT NOT NULL, \(ident: "submittedOn") TEXT NOT NULL,
                    PRIMARY KEY (\(ident: "agreementId"), \(ident: "period")))
                """,
                ["period", "submittedOn"]
            ),
            (
                "settlementRecord",
                """
                CREATE TABLE \(ident: "settlementRecord_v15") (
                    \(ident: "agreementId") TEXT NOT NULL, \(ident: "period") TEXT NOT NULL, \(ident: "contractId") TEXT NOT NULL,
                    \(ident: "contractVersion") BIGINT NOT NULL, \(ident: "deliveryNumber") BIGINT NOT NULL, \(ident: "document") TEXT NOT NULL,
                    \(ident: "hash") TEXT NOT NULL, \(ident: "proposedBy") TEXT NOT NULL, \(ident: "proposedAt") TEXT NOT NULL,
                    \(ident: "approvedAt") TEXT, PRIMARY KEY (\(ident: "agreementId"), \(ident: "period")))
                """,
                ["period", "contractId", "contractVersion", "deliveryNumber", "document", "hash", "proposedBy", "proposedAt", "approvedAt"]
            ),
            (
                "settlementApproval",
                """
                CREATE TABLE \(ident: "settlementApproval_v15") (
                    \(ident: "agreementId") TEXT NOT NULL, \(ident: "period") TEXT NOT NULL, \(ident: "approver") TEXT NOT NULL,
                    \(ident: "username") TEXT NOT NULL, \(ident: "at") TEXT NOT NULL, \(ident: "meetingOn") TEXT NOT NULL,
                    PRIMARY KEY (\(ident: "agreementId"), \(ident: "period"), \(ident: "approver")),
                    FOREIGN KEY (\(ident: "agreementId"), \(ident: "period"))
                        REFERENCES \(ident: "settlementRecord_v15") (\(ident: "agreementId"), \(ident: "period")))
                """,
                ["period", "approver", "username", "at", "meetingOn"]
            ),
        ]
        for table in rebuilt {
            statements.append(table.create)
            let columns = SQLList(table.columns.map { SQLIdentifier($0) })
            // A settlement record names the contract it was computed with.
            let owner: SQLQueryString =
                switch table.table {
                case "settlementRecord": "\(ident: "contractId")"
                case "settlementApproval":
                    """
                    COALESCE((SELECT r.\(ident: "contractId") FROM \(ident: "settlementRecord") r
                        WHERE r.\(ident: "period") = \(ident: "settlementApproval").\(ident: "period")), \(existingAgreement))
                    """
                default: existingAgreement
                }
            statements.append(
                "INSERT INTO \(ident: table.table + "_v15") (\(ident: "agreementId"), \(columns)) SELECT \(owner), \(columns) FROM \(ident: table.table)"
            )
        }
        // Children first, so that no foreign key of an old table is left pointing at nothing.
        for table in ["registeredPerson", "registeredHousehold", "actionPlanGoalDefinition", "actionPlan", "budgetActual", "steeringReport", "settlementApproval", "settlementRecord"] {
            statements.append("DROP TABLE \(ident: table)")
        }
        // Parents first: renaming a table rewrites the foreign keys that point at it.
        for table in ["registeredHousehold", "registeredPerson", "actionPlan", "actionPlanGoalDefinition", "budgetActual", "steeringReport", "settlementRecord", "settlementApproval"] {
            statements.append("ALTER TABLE \(ident: table + "_v15") RENAME TO \(ident: table)")
        }
        statements.append(
            """
            CREATE TABLE \(ident: "roleGrant") (
                \(ident: "username") TEXT NOT NULL REFERENCES \(ident: "userAccount") (\(ident: "username")),
                \(ident: "agreementId") TEXT NOT NULL, \(ident: "role") TEXT NOT NULL,
                PRIMARY KEY (\(ident: "username"), \(ident: "agreementId")))
            """
        )
        // A user keeps their role: the admin's and a funder's on every agreement (a funder's
        // where their party takes part), everyone else's on the agreement the database held.
        statements.append(
            """
            INSERT INTO \(ident: "roleGrant") (\(ident: "username"), \(ident: "agreementId"), \(ident: "role"))
            SELECT \(ident: "username"),
                CASE WHEN \(ident: "role") = 'admin' OR \(ident: "role") LIKE 'funder:%' THEN '*' ELSE \(existingAgreement) END,
                \(ident: "role")
            FROM \(ident: "userAccount")
            """
        )
        statements.append("CREATE INDEX \(ident: "deliveryByAgreement") ON \(ident: "delivery") (\(ident: "agreementId"), \(ident: "number"))")
        return statements
    }
}
