import Foundation

/// The JSON Schema (2020-12, as OpenAPI 3.1 uses it) of a request or response body.
///
/// Every route declares its schemas in this form; the OpenAPI document is rendered from them,
/// and the tests check every route's real responses against the served document.
public indirect enum Schema: Sendable {
    case string(format: String? = nil, values: [String]? = nil, description: String? = nil)
    case integer(description: String? = nil)
    case boolean
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

    static let date = Schema.string(format: "date")
    static let money = Schema.string(description: "kroner med to decimaler, fx \"1234.50\"")
    static let text = Schema.string()

    /// A page of a list: the items, and where the page sits.
    static func page(of item: Schema) -> Schema {
        .record([("items", .array(item)), ("page", .integer()), ("pageSize", .integer()), ("total", .integer())])
    }

    /// The schema as a JSON value.
    var json: [String: Any] {
        switch self {
        case let .string(format, values, description):
            var object: [String: Any] = ["type": "string"]
            if let format { object["format"] = format }
            if let values { object["enum"] = values }
            if let description { object["description"] = description }
            return object
        case let .integer(description):
            var object: [String: Any] = ["type": "integer"]
            if let description { object["description"] = description }
            return object
        case .boolean: return ["type": "boolean"]
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
