import Foundation
import OutcomesCore
import Yams

/// Reads one node of a composed YAML document, knowing its file, path and line, so every
/// error names all three.
///
/// Scalars are read as the text that was written, never through YAML's own number types:
/// `1304166.67` stays exact (no `Double` on the way).
struct NodeReader {
    let node: Node
    let path: String
    let context: Context

    /// What all readers of one file share: its name, and the keys each mapping has had read.
    final class Context {
        let file: String
        var readKeys: [String: Set<String>] = [:]
        init(file: String) { self.file = file }
    }

    var line: Int? { node.mark?.line }

    func error(_ message: String) -> ContractFileError {
        ContractFileError(file: context.file, line: line, field: path, message: message)
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Mappings

    private func mappingNode() throws(ContractFileError) -> Node.Mapping {
        guard case let .mapping(mapping) = node else { throw error("her skal stå felter med navn og værdi (navn: værdi)") }
        return mapping
    }

    /// The value at `key`, which must be present and not null.
    func required(_ key: String) throws(ContractFileError) -> NodeReader {
        guard let value = try optional(key) else {
            throw ContractFileError(file: context.file, line: line, field: child(key), message: "feltet mangler")
        }
        return value
    }

    /// The value at `key`, or `nil` when absent or null.
    func optional(_ key: String) throws(ContractFileError) -> NodeReader? {
        let mapping = try mappingNode()
        context.readKeys[path, default: []].insert(key)
        guard let value = mapping[key] else { return nil }
        let reader = NodeReader(node: value, path: child(key), context: context)
        return reader.isNull ? nil : reader
    }

    /// Rejects keys this mapping has that nobody read: a misspelt field is an error, not a default.
    func rejectUnknownKeys() throws(ContractFileError) {
        let mapping = try mappingNode()
        let known = context.readKeys[path, default: []]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw error("feltnavne skal være almindelige ord") }
            if !known.contains(name) {
                throw ContractFileError(
                    file: context.file,
                    line: value.mark?.line ?? key.mark?.line,
                    field: child(name),
                    message: "ukendt felt (tilladte felter: \(known.sorted().joined(separator: ", ")))"
                )
            }
        }
    }

    /// The keys of this mapping in file order.
    func keys() throws(ContractFileError) -> [String] {
        try mappingNode().keys.compactMap { $0.scalar?.string }
    }

    // MARK: Sequences

    func sequence() throws(ContractFileError) -> [NodeReader] {
        guard case let .sequence(sequence) = node else { throw error("her skal stå en liste") }
        return sequence.enumerated().map { NodeReader(node: $1, path: "\(path)[\($0)]", context: context) }
    }

    /// A list of exactly `count` items (a table row).
    func row(_ count: Int) throws(ContractFileError) -> [NodeReader] {
        let items = try sequence()
        guard items.count == count else { throw error("rækken skal have \(count) værdier, men har \(items.count)") }
        return items
    }

    // MARK: Scalars

    var isNull: Bool {
        guard case let .scalar(scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func string() throws(ContractFileError) -> String {
        guard case let .scalar(scalar) = node else { throw error("her skal stå én værdi") }
        return scalar.string
    }

    func nonEmptyString() throws(ContractFileError) -> String {
        let text = try string()
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("må ikke være tomt") }
        return text
    }

    /// An id (the agreement's, a party's, a budget line's): ``InputRules/identifierPattern``, as
    /// the API's paths and the exports take it.
    func identifier() throws(ContractFileError) -> String {
        let text = try nonEmptyString()
        guard InputRules.isIdentifier(text) else {
            throw error("'\(InputRules.visible(text))' er ikke et gyldigt id: 1–64 tegn blandt A–Z, a–z, 0–9, '.', '_' og '-', og det første skal være et bogstav eller et ciffer")
        }
        return text
    }

    func int() throws(ContractFileError) -> Int {
        let text = try string()
        guard let value = Int(text) else { throw error("'\(text)' er ikke et helt tal") }
        // Bounded like every value from outside (InputRules): a count or a year this large is a
        // mistake, and would make later arithmetic overflow.
        guard value.magnitude <= 10_000_000 else { throw error("'\(text)' er for stort (højst 10.000.000)") }
        return value
    }

    func nonNegativeInt() throws(ContractFileError) -> Int {
        let value = try int()
        guard value >= 0 else { throw error("negativt tal '\(value)'") }
        return value
    }

    func positiveInt() throws(ContractFileError) -> Int {
        let value = try int()
        guard value > 0 else { throw error("skal være mindst 1, ikke '\(value)'") }
        return value
    }

    /// An amount in kroner, machine form, not negative.
    func money() throws(ContractFileError) -> Money {
        let text = try string()
        let amount: Money
        do {
            amount = try Money.parse(text, form: .machine)
        } catch {
            throw self.error("ikke et beløb i kroner (\(error.description)); skriv fx 1304167 eller 1304166.67, uden punktum mellem tusinder")
        }
        guard !amount.isNegative else { throw self.error("negativt beløb '\(text)'") }
        guard amount <= InputRules.maximumAmount else { throw self.error("'\(text)' er over det højeste tilladte beløb, \(InputRules.maximumAmount.danishShortString)") }
        return amount
    }

    /// A percentage as the number of percent (`74`, `23.45`, `-10.00`).
    func percent(allowNegative: Bool = false) throws(ContractFileError) -> Percent {
        let text = try string()
        let number: DecimalNumber
        do {
            number = try DecimalNumber.parseMachine(text)
        } catch {
            throw self.error("ikke en procentsats (\(error.description)); skriv fx 74 eller 23.45")
        }
        guard allowNegative || number.units >= 0 else { throw self.error("negativ procentsats '\(text)'") }
        let scale = (0..<min(number.scale, 7)).reduce(UInt128(1)) { product, _ in product * 10 }
        guard number.scale <= 6, number.units.magnitude <= 10_000 * scale else { throw self.error("'\(text)' er uden for det tilladte (højst ±10.000 % og højst seks decimaler)") }
        return Percent(number.ratio)
    }

    func date() throws(ContractFileError) -> LocalDate {
        let text = try string()
        guard let date = LocalDate(iso: text) else { throw error("'\(text)' er ikke en dato (ÅÅÅÅ-MM-DD)") }
        return date
    }

    func bool() throws(ContractFileError) -> Bool {
        switch try string().lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        case let other: throw error("'\(other)' er hverken true eller false")
        }
    }

    /// One of an enumeration's raw values; the error lists them.
    func choice<E: RawRepresentable & CaseIterable>(_: E.Type, what: String = "værdi") throws(ContractFileError) -> E
    where E.RawValue == String {
        let text = try string()
        guard let value = E(rawValue: text) else {
            throw error("ukendt \(what) '\(text)' (mulige værdier: \(E.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return value
    }

    /// The `clause` field of this mapping.
    func clause() throws(ContractFileError) -> Clause {
        Clause(try required("clause").nonEmptyString())
    }

    /// A mapping `{key: value, clause: "…"}` read by `read`, with no other keys.
    func stated<T: Sendable & Equatable>(
        _ key: String = "value",
        _ read: (NodeReader) throws(ContractFileError) -> T
    )
        throws(ContractFileError) -> Stated<T>
    {
        let value = try read(required(key))
        let clause = try clause()
        try rejectUnknownKeys()
        return Stated(value, clause)
    }

    /// `{value: <whole number ≥ 0>, clause: "…"}`.
    func statedCount() throws(ContractFileError) -> Stated<Int> { try stated { r throws(ContractFileError) in try r.nonNegativeInt() } }
    /// `{value: <percent>, clause: "…"}`.
    func statedPercent() throws(ContractFileError) -> Stated<Percent> { try stated { r throws(ContractFileError) in try r.percent() } }
    /// `{amount: <kroner>, clause: "…"}`.
    func statedMoney() throws(ContractFileError) -> Stated<Money> { try stated("amount") { r throws(ContractFileError) in try r.money() } }
}
