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
        buffer.reserveCapacity(chunkSize + 4096)
    }

    public mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= chunkSize { flush() }
    }

    public mutating func write(byte: UInt8) { buffer.append(byte) }

    /// Writes a JSON string literal, escaping as RFC 8259 requires.
    public mutating func writeJSONString(_ text: String) {
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [92, 92])
            case 0x0A: buffer.append(contentsOf: [92, 110])
            case 0x0D: buffer.append(contentsOf: [92, 114])
            case 0x09: buffer.append(contentsOf: [92, 116])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.append(contentsOf: [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
        if buffer.count >= chunkSize { flush() }
    }

    /// Hands what is buffered to the sink.
    public mutating func flush() {
        guard !buffer.isEmpty else { return }
        sink(buffer)
        buffer.removeAll(keepingCapacity: true)
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
