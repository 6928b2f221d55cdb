import Dispatch
public import OutcomesCore

/// An append-only byte buffer that hands full chunks to a sink, so a settlement of millions
/// of lines is written in bounded memory.

public struct ByteWriter {
    private var buffer: [UInt8] = []
    private let chunkSize: Int
    private let sink: ([UInt8]) -> Void

    /// - Parameters:
    ///   - chunkSize: bytes collected before `sink` is called.
    ///   - sink: receives each chunk, in order.
    public init(chunkSize: Int = 1 << 22, sink: @escaping ([UInt8]) -> Void) {
        self.chunkSize = chunkSize
        self.sink = sink
        buffer.reserveCapacity(min(chunkSize, 1 << 22) + 4096)
    }

    public mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= chunkSize { flush() }
    }

    public mutating func write(byte: UInt8) { buffer.append(byte) }

    /// Writes a literal without making a String.
    public mutating func write(_ literal: StaticString) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Writes a whole number in decimal.
    public mutating func write(int value: Int) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        writeDigits(value.magnitude, minimumDigits: 1)
    }

    /// Writes an amount in machine form, `1234.50`.
    public mutating func write(money: Money) {
        if money.isNegative { buffer.append(UInt8(ascii: "-")) }
        let ore = money.minorUnits.magnitude
        writeDigits(UInt(ore / 100), minimumDigits: 1)
        buffer.append(UInt8(ascii: "."))
        writeDigits(UInt(ore % 100), minimumDigits: 2)
    }

    /// Writes an amount the Danish way without thousands separators, `-1234,50` (Excel in
    /// Danish reads it as a number).
    public mutating func write(danishMoney money: Money) {
        if money.isNegative { buffer.append(UInt8(ascii: "-")) }
        let ore = money.minorUnits.magnitude
        writeDigits(UInt(ore / 100), minimumDigits: 1)
        buffer.append(UInt8(ascii: ","))
        writeDigits(UInt(ore % 100), minimumDigits: 2)
    }

    /// Appends bytes as they are.
    public mutating func write(bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= chunkSize { flush() }
    }

    /// Writes a date in ISO form, `2024-08-31`.
    public mutating func write(date: LocalDate) {
        writeDigits(UInt(date.year), minimumDigits: 4)
        buffer.append(UInt8(ascii: "-"))
        writeDigits(UInt(date.month), minimumDigits: 2)
        buffer.append(UInt8(ascii: "-"))
        writeDigits(UInt(date.day), minimumDigits: 2)
    }

    private mutating func writeDigits(_ value: UInt, minimumDigits: Int) {
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0 || count < minimumDigits
            for i in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[i]) }
        }
    }

    /// Writes a JSON string literal, escaping as RFC 8259 requires.
    public mutating func writeJSONString(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            buffer.append(UInt8(ascii: "\""))
            var runStart = 0
            for (i, byte) in utf8.enumerated() where byte == 0x22 || byte == 0x5C || byte < 0x20 {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                switch byte {
                case 0x22: buffer.append(contentsOf: [92, 34])
                case 0x5C: buffer.append(contentsOf: [92, 92])
                case 0x0A: buffer.append(contentsOf: [92, 110])
                case 0x0D: buffer.append(contentsOf: [92, 114])
                case 0x09: buffer.append(contentsOf: [92, 116])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    buffer.append(contentsOf: [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
                }
                runStart = i + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            buffer.append(UInt8(ascii: "\""))
        }
        if buffer.count >= chunkSize { flush() }
    }

    /// Writes `count` items rendered in blocks of `blockSize` on both cores, in order: the
    /// settlement's lines in the JSON and the CSV.
    public mutating func writeInBlocks(count: Int, blockSize: Int = 8192, _ render: @Sendable (Int, inout ByteWriter) -> Void) {
        let blocks = (count + blockSize - 1) / blockSize
        let batch = 8
        var first = 0
        while first < blocks {
            let size = min(batch, blocks - first)
            let rendered = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: size)
            rendered.initialize(repeating: [])
            let shared = RenderSlots(rendered)
            let base = first
            DispatchQueue.concurrentPerform(iterations: size) { k in
                let lower = (base + k) * blockSize
                let upper = min(count, lower + blockSize)
                shared.buffer[k] = ByteWriter.collect { w in
                    for i in lower..<upper { render(i, &w) }
                }
            }
            for chunk in rendered { write(bytes: chunk) }
            _ = rendered.deinitialize()
            rendered.deallocate()
            first += size
        }
    }

    /// Hands what is buffered to the sink.
    public mutating func flush() {
        guard !buffer.isEmpty else { return }
        sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Appends bytes rendered elsewhere.
    public mutating func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= chunkSize { flush() }
    }

    /// Collects what `body` writes into one byte array.
    public static func collect(_ body: (inout ByteWriter) -> Void) -> [UInt8] {
        var collected: [UInt8] = []
        var writer = ByteWriter(chunkSize: Int.max / 2) { collected.append(contentsOf: $0) }
        body(&writer)
        writer.flush()
        return collected
    }

    /// Collects everything into one string (for tests and small outputs).
    public static func string(_ body: (inout ByteWriter) -> Void) -> String {
        var collected: [UInt8] = []
        var writer = ByteWriter { collected.append(contentsOf: $0) }
        body(&writer)
        writer.flush()
        return String(decoding: collected, as: UTF8.self)
    }
}
