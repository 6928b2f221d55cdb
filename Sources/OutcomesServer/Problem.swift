import Foundation
public import HTTPTypes
import Hummingbird
import NIOCore
import OutcomesApplication
import OutcomesCore
import OutcomesDelivery
import OutcomesStore

/// An error the API answers with, as `application/problem+json` (RFC 9457): a short title,
/// a Danish explanation for the person reading it, and never the internals.
public struct Problem: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    /// A stable slug: `/problems/<slug>` is the problem's `type`.
    public var slug: String
    public var title: String
    public var detail: String
    /// Every error of a rejected delivery, `file:line: column: message`.
    public var errors: [String] = []
    /// Extra headers (`Allow`, `Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ slug: String, _ title: String, _ detail: String) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
    }

    static func notSignedIn() -> Problem {
        var problem = Problem(
            .unauthorized,
            "not-signed-in",
            "Ikke logget ind",
            "Log ind (POST /api/session) eller send et API-token som 'Authorization: Bearer …'."
        )
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"outcomes\""
        return problem
    }

    static func forbidden(_ detail: String) -> Problem { Problem(.forbidden, "forbidden", "Ingen adgang", detail) }
    static func notFound(_ detail: String) -> Problem { Problem(.notFound, "not-found", "Findes ikke", detail) }
    static func badRequest(_ detail: String) -> Problem { Problem(.badRequest, "bad-request", "Forkert forespørgsel", detail) }
    static func unprocessable(_ detail: String) -> Problem {
        Problem(.unprocessableContent, "rejected", "Afvist", detail)
    }
    static func conflict(_ detail: String) -> Problem { Problem(.conflict, "conflict", "Konflikt", detail) }

    /// 413: the body is larger than the route takes. The connection is closed, so the rest of
    /// the body is never read.
    static func contentTooLarge(limit: Int) -> Problem {
        var problem = Problem(
            .contentTooLarge,
            "content-too-large",
            "Kroppen er for stor",
            "Denne adresse tager højst \(byteCount(limit)) i kroppen."
        )
        problem.headers[.connection] = "close"
        return problem
    }

    static func byteCount(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 ? "\(bytes / (1024 * 1024)) MiB" : "\(bytes / 1024) KiB"
    }

    /// Reads a body up to `limit` bytes; more answers 413 (``contentTooLarge(limit:)``).
    static func collect(_ body: RequestBody, upTo limit: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw contentTooLarge(limit: limit)
        }
    }

    /// The problem as a response.
    var response: Response {
        var fields = headers
        fields[.contentType] = "application/problem+json; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> Problem {
        var problem = Problem(
            .methodNotAllowed,
            "method-not-allowed",
            "Metoden understøttes ikke",
            "Denne adresse svarer kun på \(allowed.map(\.rawValue).joined(separator: ", "))."
        )
        problem.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
        return problem
    }

    /// The problem an error from the layers below stands for; `nil` for an unexpected error
    /// (answered as 500 without details, and logged).
    static func from(_ error: any Error) -> Problem? {
        switch error {
        case let problem as Problem: return problem
        case let error as ApplicationError:
            switch error {
            case .notSignedIn: return notSignedIn()
            case let .forbidden(text): return forbidden(text)
            case let .notFound(text): return notFound(text)
            case let .conflict(text): return conflict(text)
            case let .invalid(text): return unprocessable(text)
            case let .tooManyAttempts(wait):
                var problem = Problem(.tooManyRequests, "too-many-attempts", "For mange forsøg", error.description)
                problem.headers[.retryAfter] = String(wait)
                return problem
            }
        case let error as ActionPlanError:
            if case .locked = error { return Problem(.conflict, "action-plan-locked", "Handleplanen er låst", error.description) }
            return unprocessable(error.description)
        case let error as EnrolmentError: return unprocessable(error.description)
        case let error as RegisterError:
            if case .unknownHousehold = error { return notFound(error.description) }
            if case .personExists = error { return conflict(error.description) }
            if case .householdExists = error { return conflict(error.description) }
            return unprocessable(error.description)
        case let error as CPRNumber.Problem: return unprocessable(error.description)
        case let violation as InputRules.Violation: return unprocessable(violation.description)
        case let error as NIOTooManyBytesError: return contentTooLarge(limit: error.maxBytes ?? 0)
        case let error as StoreError:
            switch error {
            case .noActionPlan: return notFound(error.description)
            case .userExists, .actionPlanExists, .contractVersionConflict: return conflict(error.description)
            case .unknownUser: return notFound(error.description)
            case .lastAdmin, .changedMeanwhile, .settlementApproved, .deliveryOfAnotherAgreement: return conflict(error.description)
            case .noSettlementProposal: return notFound(error.description)
            case .credentialEnded: return notSignedIn()
            case .weakPassword, .nonPositiveAmount: return unprocessable(error.description)
            case .unsupportedDatabaseURL, .corruptRow: return nil
            }
        case let rejected as DeliveryRejected:
            var problem = Problem(
                .unprocessableContent,
                "delivery-rejected",
                "Leverancen er afvist",
                "Leverancen har \(rejected.issues.count) fejl; intet er gemt."
            )
            problem.errors = rejected.issues.map(\.description)
            return problem
        default: return nil
        }
    }

    /// The JSON body.
    var body: Data {
        var object: [String: Any] = ["type": "/problems/\(slug)", "title": title, "status": Int(status.code), "detail": detail]
        if !errors.isEmpty { object["errors"] = errors }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
