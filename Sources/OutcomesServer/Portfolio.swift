import Foundation
import OutcomesApplication
import OutcomesCore
import Synchronization

/// The agreements one server holds (issue #18): one ``OutcomesAPI`` (and its service, over the
/// store scoped to the agreement) per agreement, found by the agreement's id. The API's paths
/// `/api/agreements/{id}/…` and the pages `/aftaler/{id}/…` name the agreement; the old paths
/// (`/api/households`, `/husstande`) mean the default one, so that links, bookmarks and the
/// README's commands keep working.
public final class Portfolio: Sendable {
    /// The agreement the paths without an agreement mean (the one the server was started with).
    public let defaultID: String
    private let apis = Mutex<[String: OutcomesAPI]>([:])
    /// Each agreement's pages under `/aftaler/{id}`, made when first asked for.
    private let pages = Mutex<[String: WebApp.Pages]>([:])

    init(defaultID: String) { self.defaultID = defaultID }

    func register(_ api: OutcomesAPI) {
        apis.withLock { $0[api.commitment.id] = api }
    }

    /// The API of the agreement `id`, or `nil` when the server holds no such agreement.
    public func api(_ id: String) -> OutcomesAPI? { apis.withLock { $0[id] } }

    /// Every agreement, the default first, then by title.
    public var all: [OutcomesAPI] {
        apis.withLock { Array($0.values) }.sorted {
            ($0.commitment.id == defaultID ? 0 : 1, $0.commitment.title, $0.commitment.id)
                < ($1.commitment.id == defaultID ? 0 : 1, $1.commitment.title, $1.commitment.id)
        }
    }

    /// The pages of the agreement `id` under `/aftaler/{id}`.
    func pages(_ id: String) -> WebApp.Pages? {
        guard let api = api(id) else { return nil }
        return pages.withLock { made in
            if let known = made[id], known.web.api === api { return known }
            let new = WebApp.Pages(web: WebApp(api: api, prefix: WebApp.agreementPrefix(id)))
            made[id] = new
            return new
        }
    }
}
