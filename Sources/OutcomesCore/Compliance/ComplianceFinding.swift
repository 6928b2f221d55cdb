/// One result of the compliance monitor (SPEC §8 "Checks"): the rule, its clause, how serious
/// it is, the figures behind it and what to do.
public struct ComplianceFinding: Sendable, Equatable {
    public enum Severity: String, Sendable, CaseIterable, Comparable {
        /// A condition of the agreement is not met (the funders may act on it, e.g. T 6.1).
        case breach
        /// Not (yet) a breach, but heading there, or something to act on.
        case warning
        /// A condition that is met, or a reminder.
        case info

        public var danishName: String {
            switch self {
            case .breach: "brud"
            case .warning: "advarsel"
            case .info: "oplysning"
            }
        }

        private var rank: Int {
            switch self {
            case .breach: 2
            case .warning: 1
            case .info: 0
            }
        }
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// A figure behind the finding, in Danish: label and value.
    public struct Figure: Sendable, Equatable {
        public var label: String
        public var value: String
        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    /// A stable name of the rule, e.g. `enrolment-milestone`.
    public var rule: String
    public var clause: Clause
    public var severity: Severity
    /// What was found, in Danish.
    public var message: String
    public var figures: [Figure]
    /// What to do about it, in Danish.
    public var action: String
    /// The households it concerns: person data, shown only to roles that may see them (the
    /// message and figures never name a household).
    public var households: [HouseholdID]

    public init(
        rule: String,
        clause: Clause,
        severity: Severity,
        message: String,
        figures: [Figure],
        action: String,
        households: [HouseholdID] = []
    ) {
        self.rule = rule
        self.clause = clause
        self.severity = severity
        self.message = message
        self.figures = figures
        self.action = action
        self.households = households
    }
}
