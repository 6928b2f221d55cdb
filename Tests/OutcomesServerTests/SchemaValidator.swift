import Foundation

/// Checks a JSON value against a JSON Schema of the served OpenAPI document: the subset the
/// document uses (`$ref`, `oneOf`, `type` incl. type lists, `enum`, `format: date`, `pattern`,
/// `minLength`/`maxLength` (in code points), `minimum`/`maximum`, `properties`, `required`,
/// `additionalProperties`, `items`). Returns every violation.
struct SchemaValidator {
    var document: [String: Any]

    func violations(of value: Any, against schema: [String: Any], at path: String = "$") -> [String] {
        if let reference = schema["$ref"] as? String {
            let name = reference.replacingOccurrences(of: "#/components/schemas/", with: "")
            guard let components = document["components"] as? [String: Any], let schemas = components["schemas"] as? [String: Any],
                let target = schemas[name] as? [String: Any]
            else { return ["\(path): unresolved \(reference)"] }
            return violations(of: value, against: target, at: path)
        }
        if let options = schema["oneOf"] as? [[String: Any]] {
            let matching = options.filter { violations(of: value, against: $0, at: path).isEmpty }
            return matching.count == 1 ? [] : ["\(path): matches \(matching.count) of oneOf"]
        }
        var problems: [String] = []
        let types: [String] = (schema["type"] as? [String]) ?? ((schema["type"] as? String).map { [$0] } ?? [])
        if !types.isEmpty, !types.contains(where: { matches(value, type: $0) }) {
            return ["\(path): \(describe(value)) is not \(types.joined(separator: "|"))"]
        }
        if let values = schema["enum"] as? [Any], !values.contains(where: { equal($0, value) }) {
            problems.append("\(path): \(describe(value)) is not one of \(values)")
        }
        if schema["format"] as? String == "date", let text = value as? String,
            text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil
        {
            problems.append("\(path): '\(text)' is not a date")
        }
        if let text = value as? String {
            if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(path): '\(text)' does not match \(pattern)")
            }
            if let minimum = schema["minLength"] as? Int, text.unicodeScalars.count < minimum {
                problems.append("\(path): '\(text)' is shorter than \(minimum)")
            }
            if let maximum = schema["maxLength"] as? Int, text.unicodeScalars.count > maximum {
                problems.append("\(path): longer than \(maximum)")
            }
        }
        if let number = value as? NSNumber, !isBool(value) {
            if let minimum = schema["minimum"] as? Int, number.int64Value < minimum { problems.append("\(path): \(number) is below \(minimum)") }
            if let maximum = schema["maximum"] as? Int, number.int64Value > maximum { problems.append("\(path): \(number) is above \(maximum)") }
        }
        if let object = value as? [String: Any], !(value is NSNull) {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                problems.append("\(path).\(name): required but missing")
            }
            for (name, member) in object {
                if let property = properties[name] as? [String: Any] {
                    problems += violations(of: member, against: property, at: "\(path).\(name)")
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    problems += violations(of: member, against: additional, at: "\(path).\(name)")
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path).\(name): not in the schema")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in array.enumerated() { problems += violations(of: item, against: items, at: "\(path)[\(index)]") }
        }
        return problems
    }

    private func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "string": return value is String
        case "boolean": return isBool(value)
        case "integer": return !isBool(value) && (value as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } == true
        case "number": return !isBool(value) && value is NSNumber
        case "array": return value is [Any]
        case "object": return value is [String: Any]
        default: return false
        }
    }

    private func isBool(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    private func equal(_ a: Any, _ b: Any) -> Bool {
        if a is NSNull && b is NSNull { return true }
        if let x = a as? String, let y = b as? String { return x == y }
        return false
    }

    private func describe(_ value: Any) -> String { value is NSNull ? "null" : "\(value)" }
}
