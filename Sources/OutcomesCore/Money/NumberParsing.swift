/// The written forms of an amount that ``Money/parse(_:form:)`` accepts.
public enum MoneyForm: Sendable, Equatable {
    /// `1234.50`, `-12`, `0.5`: digits, optionally a full stop and one or two decimals.
    /// No grouping, no currency.
    case machine
    /// `1.234,50 kr.`, `1234,5`, `3.912.500`: full stops only between groups of three
    /// digits, a decimal comma with one or two decimals, optionally `kr.`/`kr`/`DKK`.
    case danish
}

/// Why a written amount or number was rejected.
public enum NumberParseError: Error, Equatable, Sendable {
    /// Nothing but spaces.
    case empty
    /// A character that has no place in a number of this form.
    case unexpectedCharacter(Character, in: String)
    /// A full stop in a Danish amount that does not separate groups of three digits,
    /// e.g. `5.07` where Danish is expected (it would be `5,07`).
    case ambiguousFullStop(String)
    /// More than two decimals on an amount of money.
    case tooManyDecimals(String)
    /// More than one decimal mark, or a mark with no digits around it.
    case malformed(String)
    /// Too large to hold.
    case outOfRange(String)
}

extension NumberParseError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .empty: "tomt felt"
        case let .unexpectedCharacter(character, text): "'\(text)': tegnet '\(character)' hører ikke til et tal"
        case let .ambiguousFullStop(text):
            "'\(text)': punktum skal stå mellem grupper af tre cifre i et dansk beløb (mente du '\(text.replacingAll(".", with: ","))'?)"
        case let .tooManyDecimals(text): "'\(text)': et beløb har højst to decimaler (øre)"
        case let .malformed(text): "'\(text)' er ikke et tal"
        case let .outOfRange(text): "'\(text)' er for stort"
        }
    }
}

extension String {
    /// Replaces every occurrence of one string with another (Foundation-free).
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension Money {
    /// Parses an amount strictly in one written form.
    ///
    /// Foundation's parsers are unfit for money: `Decimal(string: "5,07")` is 5, and the
    /// Danish format style reads `5.07` as 507 (PLATFORM.md). This parser accepts exactly
    /// the forms of ``MoneyForm`` and rejects everything else.
    ///
    /// ```swift
    /// try Money.parse("1.234,50 kr.", form: .danish)   // 1234.50
    /// try Money.parse("1234.50", form: .machine)       // 1234.50
    /// try Money.parse("5.07", form: .danish)           // throws .ambiguousFullStop
    /// ```
    /// - Throws: ``NumberParseError``.
    public static func parse(_ text: String, form: MoneyForm) throws(NumberParseError) -> Money {
        var body = Substring(text).trimmingSpaces()
        if form == .danish {
            for suffix in [" kr.", "kr.", " kr", "kr", " DKK", "DKK"] where body.hasSuffix(suffix) {
                body = body.dropLast(suffix.count).trimmingSpaces()
                break
            }
            if body.hasPrefix("DKK ") { body = body.dropFirst(4).trimmingSpaces() }
        }
        let number = try DecimalNumber.parse(
            body,
            original: text,
            decimalMark: form == .danish ? "," : ".",
            groupSeparator: form == .danish ? "." : nil
        )
        guard number.scale <= 2 else { throw .tooManyDecimals(text) }
        var units = number.units
        for _ in number.scale..<2 { units *= 10 }
        guard let minor = Int64(exactly: units) else { throw .outOfRange(text) }
        return Money(minorUnits: minor)
    }
}

/// An exact decimal read from text: `units × 10^-scale`.
public struct DecimalNumber: Equatable, Sendable {
    public var units: Int128
    public var scale: Int

    public var ratio: Ratio {
        var factor: Int128 = 1
        for _ in 0..<scale { factor *= 10 }
        return Ratio(units, factor)
    }

    /// Parses a plain decimal in machine form: `-12`, `9.85`, `0.5` (no grouping).
    public static func parseMachine(_ text: String) throws(NumberParseError) -> DecimalNumber {
        try parse(Substring(text).trimmingSpaces(), original: text, decimalMark: ".", groupSeparator: nil)
    }

    /// Parses a decimal written with either `.` or `,` as the decimal mark and no grouping,
    /// as a data delivery may (SPEC §5): `9.85` and `9,85` are the same number.
    public static func parseEitherMark(_ text: String) throws(NumberParseError) -> DecimalNumber {
        let body = Substring(text).trimmingSpaces()
        let mark: Character = body.contains(",") ? "," : "."
        return try parse(body, original: text, decimalMark: mark, groupSeparator: nil)
    }

    static func parse(
        _ body: Substring,
        original: String,
        decimalMark: Character,
        groupSeparator: Character?
    ) throws(NumberParseError) -> DecimalNumber {
        var body = body
        let result = body.withUTF8 { bytes in
            Result { () throws(NumberParseError) -> DecimalNumber in
                try parse(
                    bytes: bytes,
                    original: original,
                    decimalMark: decimalMark.asciiValue ?? 0,
                    groupSeparator: groupSeparator?.asciiValue
                )
            }
        }
        return try result.get()
    }

    /// Parses a decimal from UTF-8 bytes (no String needed), `.` or `,` as the decimal mark.
    public static func parseEitherMark(bytes: UnsafeBufferPointer<UInt8>) throws(NumberParseError) -> DecimalNumber {
        let mark = bytes.contains(UInt8(ascii: ",")) ? UInt8(ascii: ",") : UInt8(ascii: ".")
        return try parse(bytes: bytes, original: nil, decimalMark: mark, groupSeparator: nil)
    }

    /// The parser: sign, digits with optional group separators, decimal mark, digits.
    static func parse(
        bytes: UnsafeBufferPointer<UInt8>,
        original: String?,
        decimalMark: UInt8,
        groupSeparator: UInt8?
    ) throws(NumberParseError) -> DecimalNumber {
        func text() -> String { original ?? String(decoding: bytes, as: UTF8.self) }
        guard !bytes.isEmpty else { throw .empty }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        var units: Int128 = 0
        var digits = 0
        var integerDigits = 0
        var fractionDigits = 0
        var currentGroup = 0
        var groups: [Int] = []
        var inFraction = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 48, byte <= 57 {
                digits += 1
                guard digits <= 30 else { throw .outOfRange(text()) }
                units = units * 10 + Int128(byte - 48)
                if inFraction {
                    fractionDigits += 1
                } else {
                    integerDigits += 1
                    currentGroup += 1
                }
            } else if byte == decimalMark {
                guard !inFraction else { throw .malformed(text()) }
                inFraction = true
            } else if let groupSeparator, byte == groupSeparator, !inFraction {
                groups.append(currentGroup)
                currentGroup = 0
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",") {
                throw groupSeparator != nil && byte == UInt8(ascii: ".") ? .ambiguousFullStop(text()) : .malformed(text())
            } else {
                let character = String(decoding: UnsafeBufferPointer(rebasing: bytes[index...]), as: UTF8.self).first ?? "?"
                throw .unexpectedCharacter(character, in: text())
            }
            index += 1
        }
        if !groups.isEmpty {
            groups.append(currentGroup)
            // First group 1–3 digits, every later group exactly 3.
            guard let first = groups.first, (1...3).contains(first), groups.dropFirst().allSatisfy({ $0 == 3 }) else {
                throw .ambiguousFullStop(text())
            }
        }
        guard integerDigits > 0, !inFraction || fractionDigits > 0 else { throw .malformed(text()) }
        return DecimalNumber(units: negative ? -units : units, scale: fractionDigits)
    }
}

extension Substring {
    /// Drops leading and trailing spaces and tabs.
    func trimmingSpaces() -> Substring {
        var s = self
        while let first = s.first, first == " " || first == "\t" || first == "\u{00A0}" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" || last == "\u{00A0}" { s = s.dropLast() }
        return s
    }
}
