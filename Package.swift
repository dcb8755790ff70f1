// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "sinergi",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sinergi", targets: ["SinergiCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Tests only: property tests of money (share splits, invoices).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // C modules: system headers only.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPostgreSQL", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "CSystemLinux"),

        // Thin wrappers; each database connection lives on a thread of its own.
        .target(name: "ConnectionThreads", swiftSettings: swiftSettings),
        .target(name: "SQLite", dependencies: ["CSQLite", "ConnectionThreads"], swiftSettings: swiftSettings),
        .target(name: "PostgreSQL", dependencies: ["CPostgreSQL", "ConnectionThreads"], swiftSettings: swiftSettings),
        // What repositories are written against: one connection type for both engines.
        .target(name: "Database", dependencies: ["SQLite", "PostgreSQL"], swiftSettings: swiftSettings),
        .target(name: "Crypto", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        .target(name: "TLS", dependencies: ["CSSL"], swiftSettings: swiftSettings),

        // HTTP/1.1 on POSIX sockets; knows nothing of JKN.
        .target(
            name: "HTTPServer",
            dependencies: [
                "CSystemLinux", "TLS",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The application.
        .target(
            name: "Sinergi",
            dependencies: [
                "HTTPServer", "SQLite", "PostgreSQL", "Database", "Crypto", "TLS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // The `sinergi` executable.
        .executableTarget(
            name: "SinergiCLI",
            dependencies: [
                "Sinergi",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Shared by the test targets: a raw HTTP client for exact bytes on the wire.
        .target(
            name: "HTTPTestSupport",
            dependencies: ["CSSL", .product(name: "Logging", package: "swift-log")],
            path: "Tests/HTTPTestSupport", swiftSettings: swiftSettings
        ),
        .testTarget(name: "ConnectionThreadsTests", dependencies: ["ConnectionThreads"], swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"], swiftSettings: swiftSettings),
        .testTarget(name: "PostgreSQLTests", dependencies: ["PostgreSQL", "HTTPTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "DatabaseTests", dependencies: ["Database", "SQLite", "PostgreSQL", "HTTPTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: ["HTTPServer", "HTTPTestSupport", "TLS", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SinergiTests",
            dependencies: ["Sinergi", "HTTPServer", "SQLite", "PostgreSQL", "Database", "Crypto", "HTTPTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
