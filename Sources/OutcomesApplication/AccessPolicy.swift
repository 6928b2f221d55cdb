public import OutcomesCore

/// The kinds of role of SPEC §1, as the access policy names them.
public enum RoleKind: String, Sendable, CaseIterable {
    case projectLead, areaCaseworker, evaluator, funder, steeringGroup, admin

    public init(_ role: Role) {
        switch role {
        case .projectLead: self = .projectLead
        case .areaCaseworker: self = .areaCaseworker
        case .evaluator: self = .evaluator
        case .funder: self = .funder
        case .steeringGroup: self = .steeringGroup
        case .admin: self = .admin
        }
    }
}

/// What a user may do, one case per kind of use case; ``roles`` is SPEC §1 as one table.
///
/// The API's routes, the web app's pages and menu, and the use cases of ``OutcomesService``
/// all ask this table; none of them keeps a role list of its own. Where a role may act on part
/// of the data only (a caseworker's own area, a funder's own payments), the use case narrows it
/// further.
public enum Permission: String, Sendable, CaseIterable {
    /// The overview's aggregates: enrolment against the targets and payments per goal against
    /// the caps (no person, no line), which every role's start page shows.
    case readOverview
    /// The household register, persons (names for full access only), measurements, action
    /// plans, the visitation list and journal.
    case readPersonData
    /// Visitation decisions, households, persons, action plans: the municipality's case work.
    case editCases
    /// Data deliveries: import one.
    case importDelivery
    /// The settlement with its lines per person (pseudonyms).
    case readSettlementLines
    /// The settlement, finance, deliveries, the ledger, notices, the half-year report: figures only.
    case readFigures
    /// The compliance monitor and deadlines.
    case readCompliance
    /// Payments between the parties (a funder only those it is party to).
    case recordTransfer
    /// Budget actuals and half-yearly reports handed in.
    case recordProjectAccounts
    /// Steering-group meetings.
    case recordMeeting
    /// Notices of withholding, revocation and disputes (T 6.1.2, 6.2.3, 12.2).
    case recordNotice
    /// New contract versions.
    case saveContractVersion
    /// The audit trail and its verification.
    case readAudit
    /// Users and their roles.
    case manageUsers
    /// Adds an agreement to the server (issue #18): the admin's, for every agreement.
    case addAgreement
    /// SPEC §10: propose a half-year's settlement for approval (the evaluator computes it, T 5.5).
    case proposeSettlement
    /// SPEC §10: sign a proposed settlement — the project lead for the municipality, the lead
    /// funder (DSI) for the funders (T 5.4); ``OutcomesService/approvers`` says who must.
    case approveSettlement
    /// SPEC §7: record a grant decision — a reduction DSI decided (T 4.2, the funder) or an
    /// accrual of unused grant the steering group decided (T 4.3, the project lead or the
    /// steering group); the use case narrows by kind.
    case recordGrantDecision
    /// Renteloven § 5: enter the Nationalbank's reference rates (public data, for default
    /// interest on late payment, T 6.2.3).
    case recordReferenceRate
    /// P 3.1.1, 3.2.2: draw the visitation list (the evaluator).
    case drawLottery

    /// SPEC §1: who may.
    public var roles: Set<RoleKind> {
        switch self {
        case .readOverview: Set(RoleKind.allCases)
        case .readPersonData: [.projectLead, .areaCaseworker, .evaluator]
        case .editCases: [.projectLead, .areaCaseworker]
        case .importDelivery, .readSettlementLines: [.projectLead, .evaluator]
        case .readFigures: [.projectLead, .evaluator, .funder, .steeringGroup]
        case .readCompliance: [.projectLead, .areaCaseworker, .evaluator, .funder, .steeringGroup]
        case .recordTransfer, .recordNotice: [.projectLead, .funder]
        case .recordProjectAccounts, .saveContractVersion: [.projectLead]
        case .recordMeeting: [.projectLead, .steeringGroup]
        case .readAudit: [.projectLead, .admin]
        case .manageUsers, .addAgreement: [.admin]
        case .proposeSettlement: [.evaluator]
        case .approveSettlement: [.projectLead, .funder]
        case .recordGrantDecision: [.projectLead, .funder, .steeringGroup]
        case .recordReferenceRate: [.projectLead, .funder]
        case .drawLottery: [.evaluator]
        }
    }

    /// Whether `role` may.
    public func allows(_ role: Role) -> Bool { roles.contains(RoleKind(role)) }

    /// The Danish description used in refusals ("… har ikke adgang til: …").
    public var danishName: String {
        switch self {
        case .readOverview: "overblikket"
        case .readPersonData: "persondata om husstande"
        case .editCases: "sagsbehandling (visitation, husstande, handleplaner)"
        case .importDelivery: "dataleverancer"
        case .readSettlementLines: "opgørelsens linjer pr. person"
        case .readFigures: "opgørelser og økonomi"
        case .readCompliance: "overvågning og frister"
        case .recordTransfer: "registrering af betalinger"
        case .recordProjectAccounts: "projektets regnskab og rapporter"
        case .recordMeeting: "styregruppens møder"
        case .recordNotice: "meddelelser om tilbageholdelse, tilbagekaldelse og tvister"
        case .saveContractVersion: "nye versioner af aftalen"
        case .readAudit: "revisionssporet"
        case .manageUsers: "brugere og roller"
        case .addAgreement: "nye aftaler"
        case .proposeSettlement: "indstilling af en halvårsopgørelse til godkendelse"
        case .approveSettlement: "godkendelse af halvårsopgørelser"
        case .recordGrantDecision: "reduktion af tilskuddet og periodisering af ubrugt tilskud"
        case .recordReferenceRate: "Nationalbankens referencesats (morarenter)"
        case .drawLottery: "lodtrækningen om visitationslisten"
        }
    }
}
