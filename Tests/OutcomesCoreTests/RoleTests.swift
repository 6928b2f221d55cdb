import Testing

@testable import OutcomesCore

/// Viborg's three areas, as the built-in contract file names them (`areas:`).
extension Area {
    fileprivate static let houlkaer = Area(rawValue: "houlkaer")!
    fileprivate static let ellekonebakken = Area(rawValue: "ellekonebakken")!
    fileprivate static let karupKolvraa = Area(rawValue: "karup-kolvraa")!
}

@Suite("Roles and what they may see (SPEC §1)")
struct RoleTests {
    static let roles: [Role] = [
        .projectLead, .areaCaseworker(.houlkaer), .evaluator, .funder(PartyKey("dsi")), .steeringGroup, .admin,
    ]

    @Test("Person data per role and area")
    func access() {
        #expect(Role.projectLead.personDataAccess(householdArea: .ellekonebakken) == .full)
        #expect(Role.areaCaseworker(.houlkaer).personDataAccess(householdArea: .houlkaer) == .full)
        #expect(Role.areaCaseworker(.houlkaer).personDataAccess(householdArea: .karupKolvraa) == .none)
        #expect(Role.evaluator.personDataAccess(householdArea: .houlkaer) == .pseudonymised)
        for role in [Role.funder(PartyKey("lbf")), .steeringGroup, .admin] {
            for area in [Area.houlkaer, .ellekonebakken, .karupKolvraa] { #expect(role.personDataAccess(householdArea: area) == .none) }
        }
        #expect(Role.admin.managesUsers && !Role.projectLead.managesUsers)
    }

    @Test("Stored forms round-trip; unknown forms are refused", arguments: roles)
    func storedForm(role: Role) {
        #expect(Role(storedForm: role.storedForm) == role)
    }

    @Test("Unknown stored forms are refused; whether an agreement has the area is the agreement's to say")
    func unknown() {
        #expect(Role(storedForm: "areaCaseworker:Vestbyen!") == nil, "no area key")
        #expect(Role(storedForm: "areaCaseworker:") == nil)
        #expect(Role(storedForm: "areaCaseworker:vestbyen") == .areaCaseworker(Area(rawValue: "vestbyen")!))
        #expect(Role(storedForm: "superuser") == nil)
        #expect(Role(storedForm: "funder") == nil)
    }
}
