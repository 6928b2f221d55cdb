public import OutcomesCore

/// Viborg's three areas, as the built-in contract file names them (`areas:`), for tests.
extension Area {
    public static let houlkaer = Area(rawValue: "houlkaer")!
    public static let ellekonebakken = Area(rawValue: "ellekonebakken")!
    public static let karupKolvraa = Area(rawValue: "karup-kolvraa")!
}
