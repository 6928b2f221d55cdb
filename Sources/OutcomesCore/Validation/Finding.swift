/// One result of checking an agreement's internal consistency (SPEC §3).
///
/// A finding never changes the agreement: the stated figure binds, and the finding shows
/// both figures so the parties can decide.
public struct Finding: Sendable, Equatable, Codable {
    public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
        /// Figures contradict each other beyond rounding: a sum, subtotal or cross-figure.
        case error
        /// A figure differs from what its own formula or definition gives, or a reference
        /// points at the wrong clause; the reading of SPEC §9 decides what is used.
        case warning
        /// Rounding in the printed figures, or something missing that does not block use.
        case info

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }

        public var danishName: String {
            switch self {
            case .error: "fejl"
            case .warning: "advarsel"
            case .info: "bemærkning"
            }
        }
    }

    public var clause: Clause
    public var severity: Severity
    /// What is wrong, in Danish, naming both figures.
    public var message: String
    /// The figure as the agreement states it (machine form), if any.
    public var stated: String?
    /// The figure computed from the agreement's other figures (machine form), if any.
    public var computed: String?

    public init(clause: Clause, severity: Severity, message: String, stated: String?, computed: String?) {
        self.clause = clause
        self.severity = severity
        self.message = message
        self.stated = stated
        self.computed = computed
    }

    enum CodingKeys: String, CodingKey { case clause, severity, message, stated, computed }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clause = Clause(try container.decode(String.self, forKey: .clause))
        severity = try container.decode(Severity.self, forKey: .severity)
        message = try container.decode(String.self, forKey: .message)
        stated = try container.decodeIfPresent(String.self, forKey: .stated)
        computed = try container.decodeIfPresent(String.self, forKey: .computed)
    }

    /// Encodes all five keys; `stated` and `computed` are `null` when there is no figure.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(clause.reference, forKey: .clause)
        try container.encode(severity, forKey: .severity)
        try container.encode(message, forKey: .message)
        try container.encode(stated, forKey: .stated)
        try container.encode(computed, forKey: .computed)
    }
}
