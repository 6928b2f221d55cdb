import Foundation

/// A small W3C WebDriver client for chromedriver: enough to drive a real headless Chromium
/// through the app's pages (navigate, find, click, type, read, screenshot).
struct WebDriver: Sendable {
    let base: String
    let session: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    /// Starts a browser session: headless Chromium in Danish on a laptop-sized window.
    static func start(driver: String, chromium: String, width: Int = 1366, height: Int = 1800) async throws -> WebDriver {
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": chromium,
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)",
                            "--lang=da",
                        ],
                        "prefs": ["intl.accept_languages": "da-DK,da"],
                    ],
                ]
            ]
        ]
        let value = try await request("POST", driver + "/session", capabilities)
        guard let session = (value as? [String: Any])?["sessionId"] as? String else {
            throw Failure(description: "no session: \(String(describing: value))")
        }
        // An element a page is still building is waited for (up to 10 s), not missed: on a
        // loaded machine (CI running other suites beside) a page can take seconds.
        try await request("POST", "\(driver)/session/\(session)/timeouts", ["implicit": 10_000, "pageLoad": 60_000])
        return WebDriver(base: driver, session: session)
    }

    @discardableResult
    static func request(_ method: String, _ url: String, _ body: Any? = nil) async throws -> Any? {
        let (status, json) = try await HTTP.json(method, url, body)
        if status >= 400 { throw Failure(description: "\(method) \(url): \(status) \(String(describing: json).prefix(400))") }
        return (json as? [String: Any])?["value"]
    }

    @discardableResult
    func call(_ method: String, _ path: String, _ body: Any? = nil) async throws -> Any? {
        try await WebDriver.request(method, "\(base)/session/\(session)\(path)", body ?? (method == "POST" ? [String: Any]() : nil))
    }

    func go(_ url: String) async throws { try await call("POST", "/url", ["url": url]) }

    func find(_ css: String) async throws -> String {
        let value: Any?
        do {
            value = try await call("POST", "/element", ["using": "css selector", "value": css])
        } catch {
            throw Failure(description: "no element \(css) on \((try? await url()) ?? "?")")
        }
        guard let id = (value as? [String: Any])?[WebDriver.elementKey] as? String else { throw Failure(description: "no element \(css)") }
        return id
    }

    func findAll(_ css: String) async throws -> [String] {
        let value = try await call("POST", "/elements", ["using": "css selector", "value": css])
        return (value as? [[String: Any]] ?? []).compactMap { $0[WebDriver.elementKey] as? String }
    }

    func click(_ css: String) async throws { try await call("POST", "/element/\(try await find(css))/click") }

    func type(_ css: String, _ text: String) async throws {
        let element = try await find(css)
        try await call("POST", "/element/\(element)/clear")
        try await call("POST", "/element/\(element)/value", ["text": text])
    }

    /// Sends a file's path to an `<input type="file">`.
    func attach(_ css: String, _ paths: [String]) async throws {
        try await call("POST", "/element/\(try await find(css))/value", ["text": paths.joined(separator: "\n")])
    }

    func text(_ css: String) async throws -> String {
        try await call("GET", "/element/\(try await find(css))/text") as? String ?? ""
    }

    func source() async throws -> String { try await call("GET", "/source") as? String ?? "" }

    /// Accepts the page's `confirm()` dialog (a button with `data-confirm`), once it is shown.
    func acceptDialog() async throws {
        for _ in 0..<50 {
            if (try? await call("POST", "/alert/accept")) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "no dialog to accept")
    }
    func url() async throws -> String { try await call("GET", "/url") as? String ?? "" }

    @discardableResult
    func script(_ script: String) async throws -> Any? { try await call("POST", "/execute/sync", ["script": script, "args": [Any]()]) }

    func screenshot(to path: String) async throws {
        guard let base64 = try await call("GET", "/screenshot") as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot")
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// The cookies of the current page, as a `Cookie` header.
    func cookieHeader() async throws -> String {
        let cookies = try await call("GET", "/cookie") as? [[String: Any]] ?? []
        return cookies.compactMap { cookie in (cookie["name"] as? String).map { "\($0)=\(cookie["value"] as? String ?? "")" } }.joined(
            separator: "; "
        )
    }

    /// Waits (up to 15 s) until the page's address ends with `suffix`, as a submitted form's
    /// answer may still be loading when the click returns.
    @discardableResult
    func waitForURL(containing part: String) async throws -> Bool {
        for _ in 0..<150 {
            if try await url().contains(part) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Waits (up to 15 s) until the page's source contains `text`.
    @discardableResult
    func waitForText(_ text: String) async throws -> Bool {
        for _ in 0..<150 {
            if try await source().contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Runs `script` with a callback (its last argument) and returns what it passes to it.
    @discardableResult
    func scriptAsync(_ script: String) async throws -> Any? { try await call("POST", "/execute/async", ["script": script, "args": [Any]()]) }

    /// The window's size in CSS pixels.
    func resize(width: Int, height: Int) async throws { try await call("POST", "/window/rect", ["width": width, "height": height]) }

    /// Lays pages out as for printing (`@media print`) or back for the screen, through
    /// chromedriver's DevTools bridge.
    func emulatePrint(_ print: Bool) async throws {
        try await call("POST", "/goog/cdp/execute", ["cmd": "Emulation.setEmulatedMedia", "params": ["media": print ? "print" : ""]])
    }

    func quit() async { _ = try? await WebDriver.request("DELETE", "\(base)/session/\(session)") }
}
