import Foundation
import OutcomesCore

/// The JSON Schema (2020-12, as OpenAPI 3.1 uses it) of a request or response body.
///
/// Every route declares its schemas in this form; the OpenAPI document is rendered from them,
/// and the tests check every route's real responses against the served document.
public indirect enum Schema: Sendable {
    case string(format: String? = nil, values: [String]? = nil, description: String? = nil, limits: StringLimits = .init())
    case integer(description: String? = nil, minimum: Int? = nil, maximum: Int? = nil)
    case boolean
    /// A JSON number (fractions: rates, shares).
    case number(description: String? = nil)
    case array(Schema)
    case object([(String, Schema)], required: [String])
    /// The value or `null`.
    case nullable(Schema)
    /// A schema under `components/schemas`.
    case ref(String)
    /// An object used as a map: any keys, every value of one schema.
    case map(Schema)

    /// An object whose every property is required.
    static func record(_ properties: [(String, Schema)]) -> Schema {
        .object(properties, required: properties.map(\.0))
    }

    /// The limits of a string the server enforces (``InputRules``), as JSON Schema states them.
    public struct StringLimits: Sendable {
        var minLength: Int?
        var maxLength: Int?
        var pattern: String?
        public init() {}
        init(minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil) {
            self.minLength = minLength
            self.maxLength = maxLength
            self.pattern = pattern
        }
    }

    /// A date in the years ``InputRules/years`` (1900–2100).
    static let date = Schema.string(format: "date", limits: .init(pattern: "^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"))
    /// An amount in machine form, as responses give it (it may be negative).
    static let money = Schema.string(description: "kroner med to decimaler, fx \"1234.50\"", limits: .init(pattern: "^-?[0-9]+\\.[0-9]{2}$"))
    /// An amount a client states: above 0 and at most 1.000.000.000,00 kr. (``InputRules/maximumAmount``).
    static func amount(allowZero: Bool = false) -> Schema {
        allowZero
            ? .string(
                description: "kroner, højst to decimaler, fra 0 til 1000000000.00, fx \"1234.50\"",
                limits: .init(pattern: "^(1000000000(\\.0{1,2})?|[0-9]{1,9}(\\.[0-9]{1,2})?)$")
            )
            : .string(
                description: "kroner, højst to decimaler, over 0 og højst 1000000000.00, fx \"1234.50\"",
                limits: .init(pattern: "^(1000000000(\\.0{1,2})?|0*[1-9][0-9]{0,8}(\\.[0-9]{1,2})?|0+\\.(0?[1-9]|[1-9][0-9]?))$")
            )
    }
    /// Text the server gives (no limits stated).
    static let text = Schema.string()
    /// An id: ``InputRules/identifierPattern``.
    static let identifier = Schema.string(
        description: "1–64 tegn: A–Z, a–z, 0–9, '.', '_' og '-', først et bogstav eller ciffer",
        limits: .init(pattern: InputRules.identifierPattern)
    )
    /// A user name: ``InputRules/userNamePattern``.
    static let userName = Schema.string(
        description: "1–64 tegn: bogstaver, cifre, '.', '_' og '-', først et bogstav eller ciffer",
        limits: .init(pattern: InputRules.userNamePattern)
    )
    /// One line a client writes: not empty, no control characters, at most `maxLength` (the
    /// server also refuses one of spaces only, which the pattern does not state: a pattern that
    /// did defeats generators like schemathesis).
    static func line(maxLength: Int = InputRules.maximumLineLength) -> Schema {
        .string(
            description: "én linje, ikke blank",
            limits: .init(minLength: 1, maxLength: maxLength, pattern: "^[^\\x00-\\x1F\\x7F-\\x9F]*$")
        )
    }
    /// One line a client writes that may be empty.
    static func optionalLine(maxLength: Int = InputRules.maximumLineLength) -> Schema {
        .string(limits: .init(maxLength: maxLength, pattern: "^[^\\x00-\\x1F\\x7F-\\x9F]*$"))
    }
    /// Free text a client writes: line breaks and tabs allowed, no other control characters.
    static func freeText(maxLength: Int = InputRules.maximumTextLength, nonBlank: Bool = false) -> Schema {
        let allowed = "[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]*"
        return .string(
            limits: .init(
                minLength: nonBlank ? 1 : nil,
                maxLength: maxLength,
                pattern: "^\(allowed)$"
            )
        )
    }
    /// A year in ``InputRules/years`` (1900–2100).
    static let year = Schema.integer(minimum: InputRules.years.lowerBound, maximum: InputRules.years.upperBound)

    /// A page of a list: the items, and where the page sits.
    static func page(of item: Schema) -> Schema {
        .record([("items", .array(item)), ("page", .integer()), ("pageSize", .integer()), ("total", .integer())])
    }

    /// The schema as a JSON value.
    var json: [String: Any] {
        switch self {
        case let .string(format, values, description, limits):
            var object: [String: Any] = ["type": "string"]
            if let format { object["format"] = format }
            if let minLength = limits.minLength { object["minLength"] = minLength }
            if let maxLength = limits.maxLength { object["maxLength"] = maxLength }
            if let pattern = limits.pattern { object["pattern"] = pattern }
            if let values { object["enum"] = values }
            if let description { object["description"] = description }
            return object
        case let .integer(description, minimum, maximum):
            var object: [String: Any] = ["type": "integer"]
            if let minimum { object["minimum"] = minimum }
            if let maximum { object["maximum"] = maximum }
            if let description { object["description"] = description }
            return object
        case .boolean: return ["type": "boolean"]
        case let .number(description):
            var object: [String: Any] = ["type": "number"]
            if let description { object["description"] = description }
            return object
        case let .array(items): return ["type": "array", "items": items.json]
        case let .object(properties, required):
            var propertyJSON: [String: Any] = [:]
            for (name, schema) in properties { propertyJSON[name] = schema.json }
            return ["type": "object", "properties": propertyJSON, "required": required, "additionalProperties": false]
        case let .nullable(inner):
            if case let .ref(name) = inner { return ["oneOf": [["$ref": "#/components/schemas/\(name)"], ["type": "null"]]] }
            var object = inner.json
            if let type = object["type"] as? String { object["type"] = [type, "null"] }
            if var values = object["enum"] as? [Any] {
                values.append(NSNull())
                object["enum"] = values
            }
            return object
        case let .ref(name): return ["$ref": "#/components/schemas/\(name)"]
        case let .map(values): return ["type": "object", "additionalProperties": values.json]
        }
    }
}
