import Testing

@testable import OutcomesCore

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
            for area in Area.allCases { #expect(role.personDataAccess(householdArea: area) == .none) }
        }
        #expect(Role.admin.managesUsers && !Role.projectLead.managesUsers)
    }

    @Test("Stored forms round-trip; unknown forms are refused", arguments: roles)
    func storedForm(role: Role) {
        #expect(Role(storedForm: role.storedForm) == role)
    }

    @Test("Unknown stored forms are refused")
    func unknown() {
        #expect(Role(storedForm: "areaCaseworker:vestbyen") == nil)
        #expect(Role(storedForm: "superuser") == nil)
        #expect(Role(storedForm: "funder") == nil)
    }
}
