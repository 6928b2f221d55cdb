import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// HTTP for the process tests, on AsyncHTTPClient (Foundation's URLSession on Linux fails on
/// some of chromedriver's answers).
enum HTTP {
    struct Answer: Sendable {
        var status: Int
        var body: Data
        var headers: [(String, String)]
    }

    static func send(
        _ method: String,
        _ url: String,
        headers: [(String, String)] = [],
        body: Data? = nil,
        timeout: Int64 = 300
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
        let bytes = try await response.body.collect(upTo: 256 << 20)
        return Answer(status: Int(response.status.code), body: Data(bytes.readableBytesView), headers: response.headers.map { ($0.name, $0.value) })
    }

    /// JSON in, JSON out.
    static func json(_ method: String, _ url: String, _ value: Any?, headers: [(String, String)] = []) async throws -> (status: Int, json: Any?) {
        let body = try value.map { try JSONSerialization.data(withJSONObject: $0) }
        let answer = try await send(method, url, headers: headers + (body == nil ? [] : [("Content-Type", "application/json")]), body: body)
        return (answer.status, try? JSONSerialization.jsonObject(with: answer.body, options: [.fragmentsAllowed]))
    }
}
