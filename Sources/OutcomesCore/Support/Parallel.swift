import Dispatch

/// Work spread over every core, the results in order: for the steps of a large settlement
/// or export that do the same to many independent pieces.
public enum Parallel {
    /// `body(i)` for each `i` in `0..<count`, on every core; the results in order of `i`.
    /// `body` must only read what it shares.
    public static func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        if count <= 1 { return (0..<count).map(body) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        let slots = Slots(results)
        withoutActuallyEscaping(body) { body in
            let body = Body(body)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                slots.buffer[index] = body.call(index)
            }
        }
        return results.map { $0! }
    }

    /// Each index writes only its own slot.
    private struct Slots<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<T?>
        init(_ buffer: UnsafeMutableBufferPointer<T?>) { self.buffer = buffer }
    }

    /// The body only reads what it shares (the caller's promise above).
    private struct Body<T>: @unchecked Sendable {
        let call: (Int) -> T
        init(_ call: @escaping (Int) -> T) { self.call = call }
    }
}
