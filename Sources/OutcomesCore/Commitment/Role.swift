/// What a user of Outcomes is to the agreement (SPEC §1), and so what they may see.
public enum Role: Sendable, Equatable, Hashable {
    /// The municipality's project lead: everything of the municipality, person data included.
    case projectLead
    /// An area caseworker (*områdenetværk*, P 1.8.2 (iii)): households of their own area only.
    case areaCaseworker(Area)
    /// The evaluator (T 5.5): the lottery, deliveries and settlements; person data pseudonymised.
    case evaluator
    /// A funder (DSI, LBF): disbursements, settlements, compliance, cash flows; aggregates only (T 8.1).
    case funder(PartyKey)
    /// A steering-group member (T 7): reports and meetings; aggregates only.
    case steeringGroup
    /// Manages users and roles; no person data by default.
    case admin

    /// How much of a household's person data this role may see.
    public enum PersonDataAccess: Sendable, Equatable {
        /// Names, ages, measurements: everything kept.
        case full
        /// Pseudonyms and measurements, nothing that identifies a person directly.
        case pseudonymised
        /// Nothing about a person: aggregates only.
        case none
    }

    /// SPEC §1: the person data a role may see of a household in `area`.
    public func personDataAccess(householdArea area: Area) -> PersonDataAccess {
        switch self {
        case .projectLead: .full
        case let .areaCaseworker(own): own == area ? .full : .none
        case .evaluator: .pseudonymised
        case .funder, .steeringGroup, .admin: .none
        }
    }

    /// Whether the role may manage users.
    public var managesUsers: Bool { self == .admin }

    /// The role as stored: `projectLead`, `areaCaseworker:houlkaer`, `funder:dsi`, ….
    public var storedForm: String {
        switch self {
        case .projectLead: "projectLead"
        case let .areaCaseworker(area): "areaCaseworker:\(area.rawValue)"
        case .evaluator: "evaluator"
        case let .funder(party): "funder:\(party.rawValue)"
        case .steeringGroup: "steeringGroup"
        case .admin: "admin"
        }
    }

    /// Reads the stored form back.
    public init?(storedForm text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("projectLead", 1): self = .projectLead
        case ("evaluator", 1): self = .evaluator
        case ("steeringGroup", 1): self = .steeringGroup
        case ("admin", 1): self = .admin
        case ("areaCaseworker", 2):
            guard let area = Area(rawValue: parts[1]) else { return nil }
            self = .areaCaseworker(area)
        case ("funder", 2): self = .funder(PartyKey(parts[1]))
        default: return nil
        }
    }

    /// The Danish name, for the UI, with the area as `commitment` names it.
    public func danishName(in commitment: Commitment) -> String {
        switch self {
        case .projectLead: "projektleder"
        case let .areaCaseworker(area): "sagsbehandler, \(commitment.areaName(area))"
        case .evaluator: "evaluator"
        case let .funder(party): "tilskudsgiver (\(party.rawValue.uppercased()))"
        case .steeringGroup: "styregruppemedlem"
        case .admin: "administrator"
        }
    }
}
