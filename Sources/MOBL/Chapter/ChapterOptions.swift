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

    @Option(name: .long, help: ArgumentHelp("Seed of the course's random generator (a whole number 0 … 2⁶⁴ − 1).", valueName: "n"))
    public var seed: UInt64 = ChapterOptions.defaultSeed

    public init() {}

    public mutating func validate() throws {
        guard !output.isEmpty else { throw ValidationError("--output must name a folder, got an empty string") }
        // Refuse a folder that cannot be written before any work is done (and create nothing yet).
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        var probe = outputDirectory.standardizedFileURL
        while !fileManager.fileExists(atPath: probe.path, isDirectory: &isDirectory) {
            let parent = probe.deletingLastPathComponent()
            if parent.path == probe.path { break }
            probe = parent
        }
        guard isDirectory.boolValue else {
            throw ValidationError("--output \(output) cannot be a folder: \(probe.path) is a file")
        }
        guard fileManager.isWritableFile(atPath: probe.path) else {
            throw ValidationError("--output \(output) cannot be written: \(probe.path) is not writable")
        }
        #if DEBUG
        print("note: this is a debug build, in which the numerical code runs 10–50× slower;")
        print("      use `swift run -c release chNN` or `make chapter N=…` for the intended speed.")
        #endif
    }

    /// The command line that reproduces this run's figures: the chapter named by the
    /// figure's slug and the flags given, without `--output` (which only says where).
    public func reproducingCommand(_ slug: String) -> String {
        var words = [String(slug.prefix(4))]
        var arguments = CommandLine.arguments.dropFirst()[...]
        while let word = arguments.first {
            arguments = arguments.dropFirst()
            if word == "--output" { arguments = arguments.dropFirst(); continue }
            if word.hasPrefix("--output=") { continue }
            words.append(word.contains(" ") ? "'\(word)'" : word)
        }
        return words.joined(separator: " ")
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

    /// low < value ≤ high (or < high when `closed` is false).
    public static func require(_ value: Double, above low: Double, upTo high: Double, closed: Bool = true, flag: String) throws {
        guard value > low, closed ? value <= high : value < high else {
            throw ValidationError("\(flag) \(value) is out of range: it must be > \(low) and \(closed ? "≤" : "<") \(high)")
        }
    }
}
