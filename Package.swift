// swift-tools-version: 6.1
import PackageDescription

/// Upcoming features as hummingbird-project/hummingbird enables them (STYLE.md §1).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Outcomes",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "outcomes", targets: ["outcomes"]),
        .library(name: "OutcomesCore", targets: ["OutcomesCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
    ],
    targets: [
        // Pure domain: money, calendar, the agreement, validation. No I/O, no clock.
        .target(name: "OutcomesCore", swiftSettings: swiftSettings),
        // Numerical analysis around the exact core: XIRR, cash-flow statements, the Monte-Carlo
        // forecast. Rates and probabilities are doubles here; every amount stays `Money`.
        .target(
            name: "OutcomesAnalysis",
            dependencies: ["OutcomesCore", "OutcomesReports", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: swiftSettings
        ),
        // The agreement as a YAML contract file, and the built-in Viborg agreement.
        .target(
            name: "OutcomesContractFile",
            dependencies: ["OutcomesCore", .product(name: "Yams", package: "Yams")],
            resources: [.embedInCode("Resources/viborg-relationel-velfaerd.yaml")],
            swiftSettings: swiftSettings
        ),
        // Spreadsheets for Excel (issue #17): `.xlsx` written and read, zipped by ZIPFoundation,
        // read through XMLCoder.
        .target(
            name: "OutcomesSpreadsheet",
            dependencies: [
                "OutcomesCore", .product(name: "ZIPFoundation", package: "ZIPFoundation"), .product(name: "XMLCoder", package: "XMLCoder"),
            ],
            swiftSettings: swiftSettings
        ),
        // Data deliveries: the CSV importer and the demo-data generator.
        .target(
            name: "OutcomesDelivery",
            dependencies: ["OutcomesCore", "OutcomesSpreadsheet", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        // The system of record: one SQL code path on SQLite (default) and PostgreSQL.
        .target(
            name: "OutcomesStore",
            dependencies: [
                "OutcomesCore", "OutcomesDelivery",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        // The visitation lottery: a list anyone can re-derive from the seed and the population.
        .target(
            name: "OutcomesLottery",
            dependencies: ["OutcomesCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The application layer: every use case once, with the access policy of SPEC §1, for the
        // API, the web app and the command line.
        .target(
            name: "OutcomesApplication",
            dependencies: [
                "OutcomesCore", "OutcomesContractFile", "OutcomesDelivery", "OutcomesReports", "OutcomesStore", "OutcomesAnalysis",
                "OutcomesLottery",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Settlement output: JSON (SPEC §6), CSV for Danish Excel, a Danish table.
        .target(name: "OutcomesReports", dependencies: ["OutcomesCore", "OutcomesSpreadsheet"], swiftSettings: swiftSettings),
        // The HTTP API (Hummingbird 2): routes, roles, sessions, the OpenAPI document.
        .target(
            name: "OutcomesServer",
            dependencies: [
                "OutcomesCore", "OutcomesContractFile", "OutcomesDelivery", "OutcomesReports", "OutcomesStore", "OutcomesAnalysis", "OutcomesSpreadsheet",
                "OutcomesApplication", "OutcomesLottery",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: [
                .embedInCode("Web/Templates/layout.mustache"),
                .embedInCode("Web/Templates/login.mustache"),
                .embedInCode("Web/Templates/password.mustache"),
                .embedInCode("Web/Templates/overview.mustache"),
                .embedInCode("Web/Templates/visitation.mustache"),
                .embedInCode("Web/Templates/households.mustache"),
                .embedInCode("Web/Templates/household.mustache"),
                .embedInCode("Web/Templates/deliveries.mustache"),
                .embedInCode("Web/Templates/settlement.mustache"),
                .embedInCode("Web/Templates/lines.mustache"),
                .embedInCode("Web/Templates/report.mustache"),
                .embedInCode("Web/Templates/users.mustache"),
                .embedInCode("Web/Templates/finance.mustache"),
                .embedInCode("Web/Templates/figures.mustache"),
                .embedInCode("Web/Templates/interpretations.mustache"),
                .embedInCode("Web/Templates/governance.mustache"),
                .embedInCode("Web/Templates/user.mustache"),
                .embedInCode("Web/Templates/calendar.mustache"),
                .embedInCode("Web/Templates/lottery.mustache"),
                .embedInCode("Web/Templates/agreement.mustache"),
                .embedInCode("Web/Templates/agreements.mustache"),
                .embedInCode("Web/Templates/portfolio.mustache"),
                .embedInCode("Web/style.css"),
                .embedInCode("Web/app.js"),
            ],
            swiftSettings: swiftSettings
        ),
        // The commands, as a library so tests can run them.
        .target(
            name: "OutcomesCLI",
            dependencies: [
                "OutcomesCore", "OutcomesContractFile", "OutcomesDelivery", "OutcomesReports", "OutcomesStore", "OutcomesServer", "OutcomesSpreadsheet",
                "OutcomesApplication",
                "OutcomesLottery", "OutcomesAnalysis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "outcomes",
            dependencies: ["OutcomesCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        // The benchmark of docs/benchmarks.md (a program, not a timed test).
        .executableTarget(
            name: "outcomes-benchmark",
            dependencies: ["OutcomesCore", "OutcomesContractFile", "OutcomesDelivery", "OutcomesReports", "OutcomesAnalysis"],
            path: "Sources/OutcomesBenchmark",
            swiftSettings: swiftSettings
        ),
        // The store backends the test suites share (SQLite, and PostgreSQL when configured).
        .target(name: "OutcomesTestSupport", dependencies: ["OutcomesStore"], path: "Tests/OutcomesTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "OutcomesCoreTests", dependencies: ["OutcomesCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OutcomesComplianceTests",
            dependencies: ["OutcomesCore", "OutcomesContractFile", "OutcomesStore", "OutcomesTestSupport", "OutcomesAnalysis", "OutcomesDelivery"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutcomesSpreadsheetTests",
            dependencies: ["OutcomesSpreadsheet", "OutcomesCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "OutcomesLotteryTests", dependencies: ["OutcomesLottery", "OutcomesCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OutcomesContractFileTests",
            dependencies: ["OutcomesContractFile", "OutcomesCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutcomesSettlementTests",
            dependencies: [
                "OutcomesCore", "OutcomesContractFile", "OutcomesDelivery", "OutcomesReports", "OutcomesSpreadsheet",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["tiny-settlement.json"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutcomesStoreTests",
            dependencies: [
                "OutcomesStore", "OutcomesCore", "OutcomesContractFile", "OutcomesDelivery", "OutcomesReports", "OutcomesTestSupport",
                "OutcomesApplication",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutcomesServerTests",
            dependencies: [
                "OutcomesServer", "OutcomesStore", "OutcomesCore", "OutcomesContractFile", "OutcomesDelivery", "OutcomesTestSupport",
                "OutcomesApplication", "OutcomesSpreadsheet",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutcomesCLITests",
            dependencies: [
                "OutcomesCLI", "OutcomesContractFile", "OutcomesCore", "OutcomesDelivery", "OutcomesReports", "OutcomesSpreadsheet", "OutcomesStore", "OutcomesTestSupport",
                "OutcomesApplication",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
