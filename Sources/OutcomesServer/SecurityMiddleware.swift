import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The outermost layer of every request (docs/decisions.md "Step 8"):
/// - a method the server does not serve at all (TRACE, OPTIONS, CONNECT, anything made up)
///   answers 405 (HEAD is served wherever GET is: ``OutcomesAPI/router()``, ``PageRouter``);
/// - a change (POST, PUT, PATCH, DELETE) sent by a page of another site — its `Origin` is
///   another host, or the browser says `Sec-Fetch-Site` other than `same-origin` — answers 403, whatever
///   cookie it carries (programs, which send no `Origin`, are not affected);
/// - every response carries `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`,
///   `X-Frame-Options: DENY`, a Content-Security-Policy (the pages' own, else nothing may load
///   at all) and, when the server speaks HTTPS, `Strict-Transport-Security`.
struct SecurityMiddleware: RouterMiddleware {
    typealias Context = OutcomesRequestContext

    /// The methods the server serves on some path; any other answers 405 everywhere.
    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete]

    /// The policy of everything that is not a page: JSON, CSV, PDF, problems.
    static let dataPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let transportSecurity = HTTPField.Name("Strict-Transport-Security")!
    static let openerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
    static let resourcePolicy = HTTPField.Name("Cross-Origin-Resource-Policy")!

    let servesHTTPS: Bool
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        if !SecurityMiddleware.methods.contains(request.method) {
            logger.info("\(request.method) \(request.uri.path) 405")
            response = Problem.methodNotAllowed(allowed: SecurityMiddleware.methods).response
        } else if let refusal = SecurityMiddleware.foreignOrigin(request) {
            logger.info("\(request.method) \(request.uri.path) 403 (fremmed oprindelse: Origin \(request.headers[.origin] ?? "-"), Sec-Fetch-Site \(request.headers[SecurityMiddleware.secFetchSite] ?? "-"), authority \(request.head.authority ?? "-"))")
            response = refusal.response
        } else {
            response = try await next(request, context)
        }
        SecurityMiddleware.addHeaders(to: &response.headers, servesHTTPS: servesHTTPS)
        return response
    }

    static func addHeaders(to headers: inout HTTPFields, servesHTTPS: Bool) {
        headers[contentTypeOptions] = "nosniff"
        // Not no-referrer: with it, browsers send `Origin: null` on the app's own form posts.
        headers[referrerPolicy] = "same-origin"
        headers[frameOptions] = "DENY"
        headers[openerPolicy] = "same-origin"
        headers[resourcePolicy] = "same-origin"
        if headers[.contentSecurityPolicy] == nil { headers[.contentSecurityPolicy] = dataPolicy }
        if servesHTTPS { headers[transportSecurity] = "max-age=31536000" }
    }

    /// 403 for a change another site's page sent; `nil` when the request may go on.
    static func foreignOrigin(_ request: Request) -> Problem? {
        guard ![.get, .head].contains(request.method) else { return nil }
        let refusal = Problem(
            .forbidden,
            "foreign-origin",
            "Afvist: kom fra en anden side",
            "Ændringer tages kun imod fra Outcomes' egne sider eller fra programmer (uden Origin)."
        )
        // A browser's own word on where the request came from (no page can set it) decides
        // when it is there; else the Origin, when there is one.
        if let site = request.headers[secFetchSite]?.lowercased() { return site == "same-origin" || site == "none" ? nil : refusal }
        guard let origin = request.headers[.origin] else { return nil }
        guard let host = URLComponents(string: origin)?.host, !host.isEmpty else { return refusal }
        let port = URLComponents(string: origin)?.port
        let originAuthority = port.map { "\(host):\($0)" } ?? host
        // The scheme is not compared: behind a proxy that ends TLS the server sees plain HTTP.
        guard let authority = request.head.authority else { return refusal }
        return sameAuthority(originAuthority, authority) ? nil : refusal
    }

    /// `host:port` against `host[:port]`, a default port (80, 443) matching none.
    static func sameAuthority(_ a: String, _ b: String) -> Bool {
        func normalised(_ text: String) -> String {
            let lower = text.lowercased()
            for suffix in [":80", ":443"] where lower.hasSuffix(suffix) { return String(lower.dropLast(suffix.count)) }
            return lower
        }
        return normalised(a) == normalised(b)
    }
}
