/// A list in Danish prose, for texts built from an agreement's parties, goals and areas.
///
/// "a", "a og b", "a, b og c" (or "a, b eller c").
public func danishList(_ items: [String], or: Bool = false) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + (or ? " eller " : " og ") + items.last!
}
