import Foundation
import Logging
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit

/// Where a store's units of work run: each `read` and each `write` owns a connection for its
/// whole length, inside a transaction nothing else can enter.
///
/// This replaces the one shared connection of an actor: an actor is reentrant, so an `await`
/// inside a transaction let other calls into it (STYLE.md §9, PLATFORM.md). Here a unit of work
/// takes a connection out of a pool and gives it back when it is done.
///
/// - SQLite (``SQLiteDatabaseAccess``): WAL mode; one writer connection, taken in turn by a
///   queue (a writer waits, it is never refused), `BEGIN IMMEDIATE`; four reader connections
///   alongside it, each read in a deferred transaction (one snapshot); a busy timeout for other
///   processes (the command line importing while the server runs).
/// - PostgreSQL (``PostgresDatabaseAccess``): a `PostgresClient` pool run as a service; each
///   write runs in a transaction on its own leased connection and first takes the audit head's row lock
///   (`SELECT … FOR UPDATE`), so writes, their sequence numbers and their audit entries are
///   serialised; reads run in a read-only repeatable-read transaction.
protocol DatabaseAccess: Sendable {
    /// Runs `body` in a read-only transaction on a connection of its own.
    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body`, one statement, on a reader connection without a transaction of its own (a
    /// single statement is atomic by itself): the fast path of the reads every request makes
    /// (the caller's token or session, the current delivery's number).
    func readOne<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in a write transaction that no other write can enter: all of it is
    /// committed, or none (an error rolls it back and is rethrown).
    func write<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs the schema's migrations under a lock that a second process starting at the same
    /// time waits for.
    func migrate(_ body: (any SQLDatabase) async throws -> Void) async throws
    /// Runs `body` on a connection of its own with no transaction and no lock: for tools and
    /// tests that inspect or (in tamper tests) change the database directly.
    func unguarded<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    func close() async throws
}

/// A fixed set of connections handed out one at a time; callers wait in line (first come, first
/// served) instead of failing when all are in use.
actor ConnectionQueue<Connection: Sendable> {
    private var idle: [Connection]
    private var waiting: [CheckedContinuation<Connection, Never>] = []
    private(set) var all: [Connection]

    init(_ connections: [Connection]) {
        idle = connections
        all = connections
    }

    func acquire() async -> Connection {
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiting.append($0) }
    }

    func release(_ connection: Connection) {
        if waiting.isEmpty {
            idle.append(connection)
        } else {
            waiting.removeFirst().resume(returning: connection)
        }
    }
}

/// SQLite: one queued writer, readers alongside (WAL).
final class SQLiteDatabaseAccess: DatabaseAccess {
    private let writer: ConnectionQueue<SQLiteConnection>
    /// The same queue as `writer` for an in-memory database (another connection would open
    /// another, empty database).
    private let readers: ConnectionQueue<SQLiteConnection>

    /// How long a connection waits for another process's lock before SQLite answers "busy".
    static let busyTimeoutMilliseconds = 10_000
    static let readerCount = 4

    private init(writer: ConnectionQueue<SQLiteConnection>, readers: ConnectionQueue<SQLiteConnection>) {
        self.writer = writer
        self.readers = readers
    }

    /// Opens a file in WAL mode with foreign keys on, or an in-memory database when `path` is nil.
    static func open(path: String?) async throws -> SQLiteDatabaseAccess {
        guard let path else {
            let connection = try await configured(SQLiteConnection.open(storage: .memory))
            let queue = ConnectionQueue([connection])
            return SQLiteDatabaseAccess(writer: queue, readers: queue)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        // Person data: a new database file is readable by its owner only. SQLite gives its
        // -wal and -shm files the database file's permissions.
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError.unsupportedDatabaseURL("\(path) (filen kan ikke oprettes)")
            }
        }
        let writer = try await configured(SQLiteConnection.open(storage: .file(path: path)))
        do {
            try await writer.sql().raw("PRAGMA journal_mode=WAL").run()
            // In WAL mode NORMAL is durable against a crash of the process (a committed
            // transaction survives SIGKILL); only a power loss can take the last commits.
            try await writer.sql().raw("PRAGMA synchronous=NORMAL").run()
            var readers: [SQLiteConnection] = []
            for _ in 0..<readerCount {
                readers.append(try await configured(SQLiteConnection.open(storage: .file(path: path))))
            }
            return SQLiteDatabaseAccess(writer: ConnectionQueue([writer]), readers: ConnectionQueue(readers))
        } catch {
            try? await writer.close()
            throw error
        }
    }

    private static func configured(_ connection: SQLiteConnection) async throws -> SQLiteConnection {
        let database = connection.sql()
        try await database.raw("PRAGMA foreign_keys=ON").run()
        try await database.raw("PRAGMA busy_timeout=\(unsafeRaw: String(busyTimeoutMilliseconds))").run()
        return connection
    }

    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await run(on: readers, begin: "BEGIN DEFERRED", body)
    }

    func write<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await run(on: writer, begin: "BEGIN IMMEDIATE", body)
    }

    func readOne<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await run(on: readers, begin: nil, body)
    }

    func migrate(_ body: (any SQLDatabase) async throws -> Void) async throws {
        try await write(body)
    }

    func unguarded<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await run(on: writer, begin: nil, body)
    }

    /// Takes a connection from `queue` for `body`, in a transaction started with `begin` (or
    /// none), and gives it back whatever happens.
    private func run<T: Sendable>(
        on queue: ConnectionQueue<SQLiteConnection>,
        begin: SQLQueryString?,
        _ body: (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let connection = await queue.acquire()
        do {
            let database = connection.sql()
            guard let begin else {
                let result = try await body(database)
                await queue.release(connection)
                return result
            }
            try await database.raw(begin).run()
            do {
                let result = try await body(database)
                try await database.raw("COMMIT").run()
                await queue.release(connection)
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        } catch {
            await queue.release(connection)
            throw error
        }
    }

    func close() async throws {
        var closed = Set<ObjectIdentifier>()
        for queue in [writer, readers] {
            for connection in await queue.all where closed.insert(ObjectIdentifier(connection)).inserted {
                try await connection.close()
            }
        }
    }
}

/// PostgreSQL: a connection pool (`PostgresClient`) whose `run()` is a long-running task.
final class PostgresDatabaseAccess: DatabaseAccess {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger

    /// At most this many connections to the server.
    static let maximumConnections = 8

    private init(client: PostgresClient, runner: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.runner = runner
        self.logger = logger
    }

    /// Connects by URL (`postgres://user:password@host:port/database?tlsmode=disable`); with
    /// `schema`, every connection works in that schema (created if missing).
    static func open(url: String, schema: String?) async throws -> PostgresDatabaseAccess {
        let core = try SQLPostgresConfiguration(url: url).coreConfiguration
        guard let host = core.host else { throw StoreError.unsupportedDatabaseURL(url) }
        let tls: PostgresClient.Configuration.TLS =
            core.tls.isEnforced
            ? .require(.makeClientConfiguration()) : core.tls.isAllowed ? .prefer(.makeClientConfiguration()) : .disable
        var configuration = PostgresClient.Configuration(
            host: host,
            port: core.port ?? 5432,
            username: core.username,
            password: core.password,
            database: core.database,
            tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        let logger = Logger(label: "outcomes.store")
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        // The pool leases connections only once `run()` has begun; a lease before that works
        // but warns. Wait until the runner's task has started (it calls `run()` next).
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let runner = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
        await Task.yield()
        let access = PostgresDatabaseAccess(client: client, runner: runner, logger: logger)
        if let schema {
            do {
                try await client.withConnection { connection in
                    try await connection.sql().raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
                }
            } catch {
                runner.cancel()
                throw error
            }
        }
        return access
    }

    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(begin: "START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", body)
    }

    func readOne<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection.sql()) }
    }

    func write<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN") { database in
            // Serialises writers: the sequence numbers (MAX + 1), "exists?" checks and the
            // audit chain all read what the previous write committed.
            try await database.raw("SELECT \(ident: "count") FROM \(ident: "auditHead") WHERE \(ident: "id") = 1 FOR UPDATE").run()
            return try await body(database)
        }
    }

    func migrate(_ body: (any SQLDatabase) async throws -> Void) async throws {
        try await transaction(begin: "BEGIN") { database in
            // Two servers starting at once: the second waits, then finds the migrations applied.
            try await database.raw("SELECT pg_advisory_xact_lock(7270277)").run()
            try await body(database)
        }
    }

    /// A transaction on a leased connection; the body's own error is rethrown as it is.
    private func transaction<T: Sendable>(begin: SQLQueryString, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let database = connection.sql()
            try await database.raw(begin).run()
            do {
                let result = try await body(database)
                try await database.raw("COMMIT").run()
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    func unguarded<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection.sql()) }
    }

    func close() async throws {
        runner.cancel()
        await runner.value
    }
}
