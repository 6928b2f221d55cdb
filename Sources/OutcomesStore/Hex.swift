/// Lower-case hexadecimal of bytes (a hash), without `String(format:)`, which costs a
/// Foundation format parse per byte: it showed as 9 % of a request in the HTTP benchmark.
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}
