import ArgumentParser
import Foundation
import MOBL

/// The flags every chapter takes, shared so each chapter reads the same way:
///
///     --output DIR   where the figure scripts and tables go (default: figures)
///     --quick        small sizes, for the tests
///     --seed N       the seed of the course's generator (default fixed, printed)
///     --timings      also print wall times and write chNN-timings.dat (not deterministic)
///     --help         what the chapter teaches and its flags
///
/// A chapter's flags include it with `@OptionGroup var common: CommonFlags`.
public struct CommonFlags: ParsableArguments, Sendable {
    /// The seed every chapter uses unless told otherwise.
    public static let defaultSeed: UInt64 = 20_260_101

    @Option(
        name: .long,
        help: ArgumentHelp("Folder for the figure scripts and tables (created if missing).", valueName: "dir"))
    public var output: String = "figures"

    @Flag(name: .long, help: "Small sizes, for the tests (seconds become fractions of a second).")
    public var quick = false

    @Option(
        name: .long,
        help: ArgumentHelp("Seed of the course's random generator (a whole number 0 … 2⁶⁴ − 1).", valueName: "n"))
    public var seed: UInt64 = CommonFlags.defaultSeed

    @Flag(
        name: .long,
        help:
            "Also print wall times, and write chNN-timings.dat (the wall time of the runs the closing comparison uses). Not deterministic, so off by default: the book and the committed tables leave it out."
    )
    public var timings = false

    public init() {}

    public mutating func validate() throws {
        _ = ProgressClock.start  // the clock for `progress` starts with the chapter
        acceptEndingSignals()  // Ctrl-C and kill reach the chapter whoever started it
        try checkOutputFolder(output)
        #if DEBUG
            say(
                "note: this is a debug build, in which the numerical code runs 10–50× slower;\n"
                    + "      use `swift run -c release chNN` or `make chapter N=…` for the intended speed.")
        #endif
    }

    /// The command line that reproduces this run's figures: the chapter named by the
    /// figure's slug, then `implied` (flags the run took from elsewhere, e.g. a data
    /// folder from the environment), then the flags given — without `--output` (which
    /// only says where) and `--timings` (which only adds wall times) and with a `--data` folder written as `DIR`.
    public func reproducingCommand(_ slug: String, implied: [String] = []) -> String {
        var words = [String(slug.prefix(4))]
        var arguments = CommandLine.arguments.dropFirst()[...]
        while let word = arguments.first {
            arguments = arguments.dropFirst()
            if word == "--output" {
                arguments = arguments.dropFirst()
                continue
            }
            if word.hasPrefix("--output=") { continue }
            if word == "--timings" { continue }  // changes what is printed, not the figures
            // A data folder is the reader's own: name it DIR, never this machine's path.
            if word == "--data" {
                arguments = arguments.dropFirst()
                words += ["--data", "DIR"]
                continue
            }
            if word.hasPrefix("--data=") {
                words.append("--data=DIR")
                continue
            }
            words.append(word.contains(" ") ? "'\(word)'" : word)
        }
        words.insert(contentsOf: implied, at: 1)
        return words.joined(separator: " ")
    }

    /// The output folder as a URL.
    public var outputDirectory: URL { URL(fileURLWithPath: output, isDirectory: true) }

    /// A fresh generator seeded with `--seed` (each call starts the same stream).
    public func generator() -> SeededGenerator { SeededGenerator(seed: seed) }
}

/// Refuses, before any work is done, an `--output` that could not receive the
/// chapter's files at the end: an empty name, a path through a regular file, a
/// dangling symbolic link, a name longer than the file system allows (255 bytes a
/// component, 1024 in all here, leaving room for the files' own names), or a folder
/// that is not writable. Creates nothing.
func checkOutputFolder(_ output: String) throws {
    guard !output.isEmpty else { throw ValidationError("--output must name a folder, got an empty string") }
    let path = URL(fileURLWithPath: output, isDirectory: true).standardizedFileURL.path
    guard path.utf8.count <= 1024 else {
        throw ValidationError("--output is \(path.utf8.count) bytes long: a folder path must be at most 1024 bytes")
    }
    for component in path.split(separator: "/") where component.utf8.count > 255 {
        throw ValidationError(
            "--output has a \(component.utf8.count)-byte name '\(component.prefix(20))…': each name in a path must be at most 255 bytes"
        )
    }
    let fileManager = FileManager.default
    var probe = path
    while true {
        var linkInfo = stat(), targetInfo = stat()
        if lstat(probe, &linkInfo) == 0 {
            guard stat(probe, &targetInfo) == 0 else {
                throw ValidationError("--output \(output) cannot be a folder: \(probe) is a symbolic link to nothing")
            }
            guard (targetInfo.st_mode & S_IFMT) == S_IFDIR else {
                throw ValidationError("--output \(output) cannot be a folder: \(probe) is a file")
            }
            guard fileManager.isWritableFile(atPath: probe) else {
                throw ValidationError("--output \(output) cannot be written: \(probe) is not writable")
            }
            return
        }
        let parent = (probe as NSString).deletingLastPathComponent
        if parent == probe || parent.isEmpty { return }
        probe = parent
    }
}

/// Validation helpers for chapter flags: each throws a `ValidationError` naming the
/// flag, the value and the rule, which ArgumentParser prints before exiting with a
/// non-zero status.
public enum FlagCheck {
    public static func require<T: Comparable>(_ value: T, in range: ClosedRange<T>, flag: String) throws {
        guard range.contains(value) else {
            throw ValidationError(
                "\(flag) \(value) is out of range: it must be between \(range.lowerBound) and \(range.upperBound)")
        }
    }

    /// low ≤ value < high.
    public static func require(_ value: Double, atLeast low: Double, below high: Double, flag: String) throws {
        guard value >= low, value < high else {
            throw ValidationError("\(flag) \(value) is out of range: it must be ≥ \(low) and < \(high)")
        }
    }

    /// low < value ≤ high (or < high when `closed` is false).
    public static func require(_ value: Double, above low: Double, upTo high: Double, closed: Bool = true, flag: String)
        throws
    {
        guard value > low, closed ? value <= high : value < high else {
            throw ValidationError(
                "\(flag) \(value) is out of range: it must be > \(low) and \(closed ? "≤" : "<") \(high)")
        }
    }
}
