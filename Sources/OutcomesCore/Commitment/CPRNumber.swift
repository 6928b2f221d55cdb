/// A Danish civil registration number (*CPR-nummer*), checked on entry and never kept.
///
/// Only its pseudonym is stored (`OutcomesStore.PersonPseudonymizer`): this type exists so
/// that a mistyped number is refused at the door with a clear reason. The check is the date
/// part and the century rule of the seventh digit; there is no modulus-11 check, since
/// numbers issued from 2007 need not pass it.
///
/// ```swift
/// let cpr = try CPRNumber("070761-4285")
/// cpr.birthDate   // 1961-07-07
/// ```
public struct CPRNumber: Sendable, Equatable {
    /// The ten digits, without the hyphen. Never logged, never printed by `description`.
    public let digits: String
    public let birthDate: LocalDate

    /// Why a CPR number was refused (the number itself is not repeated in the message).
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case format
        case date
        public var description: String {
            switch self {
            case .format: "et CPR-nummer har ti cifre, evt. med bindestreg efter de seks første (DDMMÅÅ-XXXX)"
            case .date: "CPR-nummerets datodel er ikke en gyldig dato"
            }
        }
    }

    /// Checks and reads a CPR number: `DDMMYY-SSSS` or `DDMMYYSSSS`.
    ///
    /// The century follows the seventh digit (CPR-kontoret's rule): 0–3 → 1900s; 4 and 9 →
    /// 2000–2036 for years 00–36, else 1937–1999; 5–8 → 2000–2057 for years 00–57, else
    /// 1858–1899.
    public init(_ text: String) throws(Problem) {
        var compact = Array(text.filter { $0 != " " }.utf8)
        if compact.count == 11, compact[6] == UInt8(ascii: "-") { compact.remove(at: 6) }
        guard compact.count == 10, compact.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw .format }
        let d = compact.map { Int($0 - 48) }
        let day = d[0] * 10 + d[1]
        let month = d[2] * 10 + d[3]
        let yy = d[4] * 10 + d[5]
        let century: Int
        switch d[6] {
        case 0...3: century = 1900
        case 4, 9: century = yy <= 36 ? 2000 : 1900
        default: century = yy <= 57 ? 2000 : 1800
        }
        guard let date = LocalDate(year: century + yy, month: month, day: day) else { throw .date }
        digits = String(decoding: compact, as: UTF8.self)
        birthDate = date
    }
}

extension CPRNumber: CustomStringConvertible {
    /// Masked: the number itself never reaches a log.
    public var description: String { "CPR(******-****)" }
}
