import ArgumentParser
import Foundation

/// The flags every chapter takes, shared so each chapter reads the same way:
///
///     --output DIR   where the gnuplot scripts go (default: figures)
///     --quick        small sizes, for the tests
///     --seed N       the seed of the course's generator (default fixed, printed)
///     --help         what the chapter teaches and its flags
///
/// A chapter includes it with `@OptionGroup var common: ChapterOptions`.
public struct ChapterOptions: ParsableArguments, Sendable {
    /// The seed every chapter uses unless told otherwise.
    public static let defaultSeed: UInt64 = 20_260_101

    @Option(name: .long, help: ArgumentHelp("Folder for the figure scripts (created if missing).", valueName: "dir"))
    public var output: String = "figures"

    @Flag(name: .long, help: "Small sizes, for the tests (seconds become fractions of a second).")
    public var quick = false

    @Option(name: .long, help: ArgumentHelp("Seed of the course's random generator.", valueName: "n"))
    public var seed: UInt64 = ChapterOptions.defaultSeed

    public init() {}

    public mutating func validate() throws {
        guard !output.isEmpty else { throw ValidationError("--output must name a folder, got an empty string") }
        #if DEBUG
        print("note: this is a debug build, in which the numerical code runs 10–50× slower;")
        print("      use `swift run -c release chNN` or `make chapter N=…` for the intended speed.")
        #endif
    }

    /// The output folder as a URL.
    public var outputDirectory: URL { URL(fileURLWithPath: output, isDirectory: true) }

    /// A fresh generator seeded with `--seed` (each call starts the same stream).
    public func generator() -> SeededGenerator { SeededGenerator(seed: seed) }
}

/// Validation helpers for chapter flags: each throws a `ValidationError` naming the
/// flag, the value and the rule, which ArgumentParser prints before exiting with a
/// non-zero status.
public enum FlagCheck {
    public static func require<T: Comparable>(_ value: T, in range: ClosedRange<T>, flag: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(flag) \(value) is out of range: it must be between \(range.lowerBound) and \(range.upperBound)")
        }
    }

    public static func requirePositive(_ value: Double, flag: String) throws {
        guard value > 0, value.isFinite else {
            throw ValidationError("\(flag) \(value) is out of range: it must be a finite number > 0")
        }
    }
}
