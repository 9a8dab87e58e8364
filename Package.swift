// swift-tools-version: 6.0
//
// The course "Multi-objective bilevel learning, built up in Swift".
//
// - `MOBL` is the shared minimal solver that the chapters grow (folders under
//   Sources/MOBL name the ideas). It depends on nothing but Foundation and the
//   system's zlib (`CZlib`, to read the gzip-compressed MNIST files of Chapter 8).
// - `ChapterSupport` is what only the chapters need: their flags, printed tables,
//   and figures written as gnuplot scripts.
// - Every chapter is an executable target `chNN` whose `main.swift` reads top to
//   bottom like a notebook; `weave` turns the chapters into the book (`make book`).
import PackageDescription

/// The chapters, in reading order: (target name, folder under Chapters/).
let chapters: [(name: String, folder: String)] = [
    ("ch01", "01-ParetoFronts"),
    ("ch02", "02-Hypergradients"),
    ("ch03", "03-ConjugateGradientVsNeumann"),
    ("ch04", "04-WarmStarts"),
    ("ch05", "05-WCMHGD"),
    ("ch06", "06-StochasticWCMHGD"),
    ("ch07", "07-FORUM"),
    ("ch08", "08-HyperCleaning"),
    ("ch09", "09-MetaLearning"),
    ("ch10", "10-Comparison"),
]

/// The fused kernels of Chapter 8 (Sources/MOBL/Kernels) are written with SIMD4<Double>
/// multiply–adds. Swift compiles for the oldest x86-64 by default, where a fused
/// multiply–add is a library call; on x86-64 the library is therefore built for
/// AVX2 + FMA (`haswell`: every x86-64 CPU since 2013–2015). Set MOBL_PORTABLE=1 to
/// build for the baseline instead (same results, slower kernels). Other
/// architectures (e.g. ARM) have FMA in their baseline and need no flag.
let vectorSettings: [SwiftSetting] = {
    #if arch(x86_64)
    if Context.environment["MOBL_PORTABLE"] == nil {
        return [.unsafeFlags(["-target-cpu", "haswell"])]
    }
    #endif
    return []
}()

/// Every target warns about an expression that takes the type checker more than 200 ms
/// (`make test` fails on such a warning: see scripts/check-build-log).
let typeCheckLimit: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-warn-long-expression-type-checking=200"])]

/// The tests' own code is not where the time goes (the library and the chapters they call
/// are release-optimized): compiled without optimization and file by file, the test targets
/// build several times faster, and an edit recompiles only the files it touches.
let testSettings: [SwiftSetting] = typeCheckLimit + [.unsafeFlags(["-Onone", "-no-whole-module-optimization"])]

let package = Package(
    name: "MultiObjectiveBilevel",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "MOBL", targets: ["MOBL"]),
        .executable(name: "weave", targets: ["weave"]),
    ] + chapters.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The system's zlib (Debian/Ubuntu: zlib1g-dev; macOS has it).
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(name: "MOBL", dependencies: ["CZlib"], path: "Sources/MOBL", swiftSettings: vectorSettings + typeCheckLimit),
        .target(
            name: "ChapterSupport",
            dependencies: ["MOBL", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/ChapterSupport",
            swiftSettings: typeCheckLimit
        ),
        .executableTarget(name: "weave", path: "Sources/Weave", swiftSettings: typeCheckLimit),
        // A top-level script like the chapters (Swift 5 mode for its top-level state).
        // Measures the length-p vectors an algorithm holds, in a process of its own (MemoryTests).
        .executableTarget(name: "memory-probe", dependencies: ["MOBL"], path: "Sources/MemoryProbe",
                          swiftSettings: vectorSettings + typeCheckLimit),
        .executableTarget(name: "bench", dependencies: ["MOBL"], path: "Sources/Bench",
                          swiftSettings: [.swiftLanguageMode(.v5)] + vectorSettings + typeCheckLimit),
        // The tests: `LibraryTests` check the library against oracles (seconds to run);
        // `ChapterTests` run the chapters, the figures, the book and the plumbing. Two
        // targets compile side by side, and editing one does not recompile the other.
        // `TestSupport` is what both share.
        .target(name: "TestSupport", dependencies: ["MOBL", "ChapterSupport"], path: "Tests/TestSupport",
                swiftSettings: testSettings),
        .testTarget(
            name: "LibraryTests",
            // CZlib: the data tests compress their IDX files with zlib's deflate.
            dependencies: ["MOBL", "ChapterSupport", "TestSupport", "CZlib"],
            path: "Tests/LibraryTests",
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "ChapterTests",
            dependencies: ["MOBL", "ChapterSupport", "TestSupport"],
            path: "Tests/ChapterTests",
            swiftSettings: testSettings
        ),
    ] + chapters.map {
        .executableTarget(
            name: $0.name,
            dependencies: ["MOBL", "ChapterSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Chapters/\($0.folder)",
            // A chapter is a top-level script whose helpers read the chapter's own
            // top-level values; Swift 6 mode would isolate those to the main actor and
            // ask for an annotation on every helper. The library is checked in Swift 6 mode.
            swiftSettings: [.swiftLanguageMode(.v5)] + typeCheckLimit
        )
    }
)
