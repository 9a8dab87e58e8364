// swift-tools-version: 6.0
//
// The course "Multi-objective bilevel learning, built up in Swift".
//
// One library, `MOBL`, holds the shared minimal solver that the chapters grow
// (folders under Sources/MOBL name the ideas). Every chapter is an executable
// target `chNN` whose single `main.swift` reads top to bottom like a notebook.
import PackageDescription

/// The chapters, in reading order: (target name, folder under Chapters/).
let chapters: [(name: String, folder: String)] = [
    ("ch01", "01-ParetoFronts"),
    ("ch02", "02-Hypergradients"),
    ("ch03", "03-ConjugateGradientVsNeumann"),
    ("ch04", "04-WarmStarts"),
]

let package = Package(
    name: "MultiObjectiveBilevel",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "MOBL", targets: ["MOBL"]),
    ] + chapters.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "MOBL",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/MOBL"
        ),
        .testTarget(
            name: "MOBLTests",
            dependencies: ["MOBL"],
            path: "Tests/MOBLTests"
        ),
    ] + chapters.map {
        .executableTarget(
            name: $0.name,
            dependencies: ["MOBL", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Chapters/\($0.folder)"
        )
    }
)
