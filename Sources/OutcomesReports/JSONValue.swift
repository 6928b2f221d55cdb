public import OutcomesCore

/// A JSON document with its keys in the order written, and money as exact decimal numbers
/// (`5275000.00`, never a binary floating-point value).
public indirect enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    /// A number's JSON text, e.g. `"5275000.00"` or `"5.07"`.
    case number(String)
    case bool(Bool)
    case null

    public static func money(_ amount: Money) -> JSONValue { .number(amount.machineString) }
    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }
    public static func date(_ date: LocalDate) -> JSONValue { .string(date.isoString) }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.array(a), .array(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.bool(a), .bool(b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    /// The member `key` of an object.
    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    /// Indented JSON text, two spaces per level.
    public var text: String {
        ByteWriter.string { write(to: &$0, indent: 0) }
    }

    func write(to w: inout ByteWriter, indent: Int) {
        func newline(_ level: Int) {
            w.write(byte: UInt8(ascii: "\n"))
            for _ in 0..<(level * 2) { w.write(byte: UInt8(ascii: " ")) }
        }
        switch self {
        case let .object(members):
            if members.isEmpty { return w.write("{}") }
            w.write(byte: UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { w.write(byte: UInt8(ascii: ",")) }
                newline(indent + 1)
                w.writeJSONString(key)
                w.write(": ")
                value.write(to: &w, indent: indent + 1)
            }
            newline(indent)
            w.write(byte: UInt8(ascii: "}"))
        case let .array(values):
            if values.isEmpty { return w.write("[]") }
            w.write(byte: UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { w.write(byte: UInt8(ascii: ",")) }
                newline(indent + 1)
                value.write(to: &w, indent: indent + 1)
            }
            newline(indent)
            w.write(byte: UInt8(ascii: "]"))
        case let .string(text): w.writeJSONString(text)
        case let .number(text): w.write(text)
        case let .bool(value): w.write(value ? "true" : "false")
        case .null: w.write("null")
        }
    }
}
