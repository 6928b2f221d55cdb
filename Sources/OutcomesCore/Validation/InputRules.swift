/// The bounds every value from outside (a request, a form, a file, a command line) is held to
/// before anything is computed or stored with it (docs/decisions.md "Step 8").
///
/// The limits are far beyond what an agreement of this family holds — the whole Viborg
/// agreement is 37 million kroner over three years — and far inside what the arithmetic can
/// carry: with every amount at most ``maximumAmount``, ninety million of them sum without
/// overflowing `Money`'s 64-bit øre. So nothing a client sends can make a later sum trap.
public enum InputRules {
    /// The largest amount one entry may state: 1.000.000.000,00 kr. (one milliard).
    public static let maximumAmount = Money(kroner: 1_000_000_000)

    /// The years a budget figure, a period or a date from outside may fall in (a birth date
    /// included).
    public static let years: ClosedRange<Int> = 1900...2100

    /// The highest place on a visitation list a client may state.
    public static let maximumListPosition = 1_000_000

    /// The highest school-absence cohort a client may state (Viborg has 3).
    public static let maximumCohort = 12

    /// The longest id (household, delivery row, budget line, user name).
    public static let maximumIdentifierLength = 64

    /// The longest one-line text (a name, a reference, a reason).
    public static let maximumLineLength = 500

    /// The longest free text (minutes, a plan's description).
    public static let maximumTextLength = 20_000

    /// The characters of an id, as the OpenAPI document states them: a letter or digit first,
    /// then letters, digits, `.`, `_` and `-` (no `/`, no spaces, no control characters, and so
    /// nothing a spreadsheet would read as a formula).
    public static let identifierPattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

    /// Why a value was refused, in Danish, naming the field.
    public struct Violation: Error, Equatable, Sendable, CustomStringConvertible {
        public var field: String
        public var message: String
        public var description: String { "Feltet '\(field)' \(message)" }
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// An id: 1–64 characters of ``identifierPattern``.
    public static func identifier(_ text: String, field: String) throws(Violation) {
        guard !text.isEmpty else { throw Violation(field: field, message: "må ikke være tomt.") }
        guard text.utf8.count <= maximumIdentifierLength else {
            throw Violation(field: field, message: "må højst have \(maximumIdentifierLength) tegn.")
        }
        guard isIdentifier(text) else {
            throw Violation(
                field: field,
                message: "må kun have bogstaverne A–Z, cifre, '.', '_' og '-', og skal begynde med et bogstav eller ciffer (ikke '\(visible(text))')."
            )
        }
    }

    /// Whether `text` matches ``identifierPattern``.
    public static func isIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= maximumIdentifierLength, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// A user name: 1–64 characters, letters (Latin, æ, ø, å, é, ü …), digits, `.`, `_` and `-`,
    /// first a letter or digit — ``userNamePattern``.
    public static func isUserName(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, scalars.count <= maximumIdentifierLength, isNameLetterOrDigit(first) else { return false }
        return scalars.allSatisfy { isNameLetterOrDigit($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// ``isUserName(_:)`` as a JSON Schema pattern.
    public static let userNamePattern = "^[0-9A-Za-zÀ-ÖØ-öø-ɏ][0-9A-Za-zÀ-ÖØ-öø-ɏ._-]{0,63}$"

    private static func isNameLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x24F: true
        default: false
        }
    }

    /// Whether `text` may be looked up as a key at all (a stored id of any earlier rule, a
    /// user name): no control characters, at most 256 bytes. Stricter rules are for what is
    /// created; a look-up of anything else finds nothing without asking the database.
    public static func isLookupKey(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 256 && !text.unicodeScalars.contains(where: isControl)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    /// One line of text: no control characters, at most `maximumLength` characters; empty only
    /// when `allowEmpty`.
    public static func line(_ text: String, field: String, maximumLength: Int = maximumLineLength, allowEmpty: Bool = false) throws(Violation) {
        if !allowEmpty, text.allSatisfy(\.isWhitespace) { throw Violation(field: field, message: "må ikke være tomt.") }
        // Counted in code points, as JSON Schema's maxLength counts.
        guard text.unicodeScalars.count <= maximumLength else { throw Violation(field: field, message: "må højst have \(maximumLength) tegn.") }
        guard !text.unicodeScalars.contains(where: isControl) else {
            throw Violation(field: field, message: "må ikke indeholde styretegn (fx linjeskift eller NUL).")
        }
    }

    /// Free text over several lines: line breaks and tabs allowed, no other control characters.
    public static func text(_ text: String, field: String, maximumLength: Int = maximumTextLength, allowEmpty: Bool = true) throws(Violation) {
        if !allowEmpty, text.allSatisfy(\.isWhitespace) { throw Violation(field: field, message: "må ikke være tomt.") }
        guard text.unicodeScalars.count <= maximumLength else { throw Violation(field: field, message: "må højst have \(maximumLength) tegn.") }
        guard !text.unicodeScalars.contains(where: { isControl($0) && !["\n", "\r", "\t"].contains($0) }) else {
            throw Violation(field: field, message: "må ikke indeholde styretegn (fx NUL).")
        }
    }

    /// An amount: positive unless `allowZero`/`allowNegative`, and within ±``maximumAmount``.
    public static func amount(_ amount: Money, field: String, allowZero: Bool = false, allowNegative: Bool = false) throws(Violation) {
        guard amount.minorUnits.magnitude <= maximumAmount.minorUnits.magnitude else {
            throw Violation(field: field, message: "må højst være \(maximumAmount.danishShortString) (beløbet \(amount.danishString) er for stort).")
        }
        if !allowNegative, amount.isNegative { throw Violation(field: field, message: "må ikke være negativt.") }
        if !allowZero, amount.isZero { throw Violation(field: field, message: "skal være større end 0.") }
    }

    /// A year within ``years``.
    public static func year(_ year: Int, field: String) throws(Violation) {
        guard years.contains(year) else {
            throw Violation(field: field, message: "skal være et år fra \(years.lowerBound) til \(years.upperBound), ikke \(year).")
        }
    }

    /// A date within ``years``.
    public static func date(_ date: LocalDate, field: String) throws(Violation) {
        guard years.contains(date.year) else {
            throw Violation(field: field, message: "skal ligge i årene \(years.lowerBound)–\(years.upperBound), ikke \(date.isoString).")
        }
    }

    /// A Unicode control character (category Cc: C0, DEL and C1).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// `text` with every control character written out as `\u{XX}`: what the audit trail
    /// stores and hashes, so what it hashes is exactly what it reads back.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// A cell of a CSV file or spreadsheet that a spreadsheet program will not run as a formula
/// (OWASP "CSV Injection").
public enum SpreadsheetCell {
    /// A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
    /// `'`, so Excel and LibreOffice show it as text. A plain number (`-1234,56`, `+45`) is
    /// left as it is: it is no formula, and a negative amount must stay a number.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return text }
        if isPlainNumber(text) { return text }
        return "'" + text
    }

    /// Whether `text` is a plain number (`-1234,56`), which ``neutralised(_:)`` leaves alone.
    public static func isPlainNumberText(_ text: String) -> Bool { isPlainNumber(text) }

    /// `-12`, `+3,5`, `-1234.56`: a sign, digits, and at most one decimal mark with digits.
    static func isPlainNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let parts = bytes.split(omittingEmptySubsequences: false) { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ".") }
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { (48...57).contains($0) } }
    }
}
