/// Why a contract file cannot be used: the file, the line and the field, and what is wrong.
///
/// ```
/// viborg.yaml:118: paymentGoals[0].rate.amount: negativt beløb '-8600'
/// ```
public struct ContractFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file as named by the user (or the built-in file's name).
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// The field's path in the file, e.g. `paymentGoals[2].cap.amount`; empty for the whole file.
    public var field: String
    public var message: String

    public init(file: String, line: Int?, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}
