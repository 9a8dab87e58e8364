import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Where SwiftPM put the chapter executables for the configuration under test
/// (override with MOBL_BIN_DIR).
let binaryDirectory: URL = {
    if let dir = ProcessInfo.processInfo.environment["MOBL_BIN_DIR"] { return URL(fileURLWithPath: dir) }
    #if DEBUG
    return packageRoot.appendingPathComponent(".build/debug")
    #else
    return packageRoot.appendingPathComponent(".build/release")
    #endif
}()

/// The environment of every chapter run in the tests: no MOBL_DATA (which would switch
/// Chapter 8 to its real-data run), and no progress lines (they depend on wall time: a
/// loaded machine prints them sooner), unless `environment` says otherwise.
func chapterEnvironment(_ environment: [String: String]) -> [String: String] {
    var env = ["MOBL_DATA": "", "MOBL_PROGRESS_AFTER": "1e9"]
    env.merge(environment) { _, new in new }
    return env
}

/// The executable of chapter `chNN`, which must have been built.
func chapterExecutable(_ name: String) throws -> URL {
    let executable = binaryDirectory.appendingPathComponent(name)
    guard FileManager.default.isExecutableFile(atPath: executable.path) else {
        throw InvalidInput("chapter executable", executable.path, "must exist: build first (make test builds it)")
    }
    return executable
}

/// Runs chapter `chNN` with the given flags, a fresh run (see ``ChapterRuns`` for the
/// shared ones that tests reading a run's results use).
func runChapter(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessOutput {
    try runProcess(try chapterExecutable(name), arguments, environment: chapterEnvironment(environment))
}

/// One run of a chapter: how it ended, what it printed, the folder it wrote into
/// (`--output`) and the CPU time it used.
struct ChapterRun: Sendable {
    let output: ProcessOutput
    let folder: URL
    /// User + system time of the chapter process, in seconds.
    let cpuSeconds: Double
    var status: Int32 { output.status }
    var stdout: String { output.stdout }
    var stderr: String { output.stderr }

    /// A file the run wrote.
    func file(_ name: String) -> URL { folder.appendingPathComponent(name) }
    /// The datablocks of a figure script or tables file the run wrote.
    func blocks(_ name: String) throws -> [String: DataBlock] { try dataBlocks(file(name)) }
}

/// The chapter runs of one test process, each (chapter, flags, woven or not) run once and
/// handed to every test that reads it: the committed-figures check and the book check share
/// the default runs (woven, as `make book` runs them), the claims tests share the `--quick`
/// runs. A test must not write into a shared run's folder (copy what it renders).
final class ChapterRuns: @unchecked Sendable {
    static let shared = ChapterRuns()

    /// The folder holding every run's output, removed when the test process exits.
    static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mobl-runs-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: ChapterRuns.root) }
        return url
    }()

    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var result: Result<ChapterRun, any Error>?
    }
    private let lock = NSLock()
    private var slots: [String: Slot] = [:]

    /// The run of `chapter` with `flags` (never `--output`: the folder is the fixture's).
    /// `woven` runs it as the weaver does (MOBL_WEAVE=1: output marked with its source lines).
    func run(_ chapter: String, _ flags: [String] = [], woven: Bool = false) throws -> ChapterRun {
        let key = ([chapter, woven ? "woven" : "plain"] + flags).joined(separator: " ")
        let slot = lock.withLock {
            if let slot = slots[key] { return slot }
            let slot = Slot()
            slots[key] = slot
            return slot
        }
        // The first test to ask runs the chapter; the others wait for it and share the result.
        return try slot.lock.withLock {
            if let result = slot.result { return try result.get() }
            let result = Result { try Self.execute(chapter, flags, woven: woven, name: "run-\(slots.count)") }
            slot.result = result
            return try result.get()
        }
    }

    /// The run of `chapter` with `flags`, which must have exited with status 0 (a test that
    /// reads its results stops at once, with the run's standard error, when it did not).
    func succeeded(_ chapter: String, _ flags: [String]) throws -> ChapterRun {
        let run = try run(chapter, flags)
        try #require(run.status == 0, "\(chapter) \(flags.joined(separator: " ")) exited with status \(run.status): \(run.stderr)")
        return run
    }

    /// The default run of `chapter` as the weaver and `make figures` see it.
    func defaultRun(_ chapter: String) throws -> ChapterRun { try run(chapter, woven: true) }

    private static func execute(_ chapter: String, _ flags: [String], woven: Bool, name: String) throws -> ChapterRun {
        let folder = root.appendingPathComponent(name + "-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let executable = try chapterExecutable(chapter)
        // Through bash, so that `times` reports the chapter's own CPU time (wall-clock time
        // would depend on the other tests running beside it); stdout and stderr pass through.
        let times = folder.appendingPathComponent(".times")
        let script = "\"$0\" \"$@\"; status=$?; times > \"\(times.path)\"; exit $status"
        let output = try runProcess(URL(fileURLWithPath: "/bin/bash"),
                                    ["-c", script, executable.path] + flags + ["--output", folder.path],
                                    environment: chapterEnvironment(woven ? [weaveVariable: "1"] : [:]))
        // `times` prints the shell's times, then its children's: "0m1.234s 0m0.010s".
        let childTimes = (try? String(contentsOf: times, encoding: .utf8))?.split(separator: "\n").last.map(String.init) ?? ""
        try? FileManager.default.removeItem(at: times)
        let seconds = childTimes.split(separator: " ").compactMap { field -> Double? in
            let parts = field.dropLast().split(separator: "m")
            guard parts.count == 2, let minutes = Double(parts[0]), let secs = Double(parts[1]) else { return nil }
            return 60 * minutes + secs
        }.reduce(0, +)
        return ChapterRun(output: output, folder: folder, cpuSeconds: seconds)
    }
}

/// Copies a figure script into a fresh folder and renders it there with gnuplot (a shared
/// run's folder stays as the run left it). Returns gnuplot's output and the folder.
func renderCopy(_ script: URL) throws -> (render: ProcessOutput, folder: URL) {
    let dir = try temporaryDirectory()
    let copy = dir.appendingPathComponent(script.lastPathComponent)
    try FileManager.default.copyItem(at: script, to: copy)
    return (try renderWithGnuplot(copy), dir)
}

/// Whether the tests tagged `.slow` run: only with MOBL_SLOW_TESTS=1 (`make test-all`, and CI),
/// so that `make test` stays a loop to run after every change.
let slowTestsEnabled = ProcessInfo.processInfo.environment["MOBL_SLOW_TESTS"] == "1"
let skipSlowReason: Comment = "slow: runs with MOBL_SLOW_TESTS=1 (make test-all, and CI)"

/// Runs a chapter once per set of bad flags and expects each run to be refused: a
/// non-zero exit, the flag named on standard error, and no output folder created.
func expectRefused(_ chapter: String, _ argumentSets: [[String]]) throws {
    let parent = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: parent) }
    let output = parent.appendingPathComponent("never-written")
    for arguments in argumentSets {
        let run = try runChapter(chapter, arguments + ["--output", output.path])
        #expect(run.status != 0)
        let flag = arguments[0].components(separatedBy: "=")[0]
        #expect(run.stderr.contains(flag), "\(chapter) \(arguments): stderr was \(run.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: output.path))
}

/// The prose of a chapter's committed page (book/NN-*.md) without its code and output
/// blocks: what the author wrote.
func chapterProse(_ chapter: String) throws -> String {
    let number = chapter.dropFirst(2)
    let book = packageRoot.appendingPathComponent("book")
    let name = try #require(
        try FileManager.default.contentsOfDirectory(atPath: book.path).first { $0.hasPrefix("\(number)-") })
    let page = try String(contentsOf: book.appendingPathComponent(name), encoding: .utf8)
    var prose: [Substring] = [], inFence = false
    for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("```") { inFence.toggle(); continue }
        if !inFence { prose.append(line) }
    }
    return prose.joined(separator: "\n")
}

/// Every number the prose quotes is printed by the default run: each pair is (the words of
/// the page that quote it, the text the run prints). A sentence whose number drifts from the
/// run fails here, naming it.
func expectQuoted(_ chapter: String, _ quotes: [(prose: String, printed: String)]) throws {
    let prose = try chapterProse(chapter).replacingOccurrences(of: "\n", with: " ")
        .replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
    let run = try ChapterRuns.shared.defaultRun(chapter)
    try #require(run.status == 0, "\(chapter): \(run.stderr)")
    for (words, printed) in quotes {
        #expect(prose.contains(words), "\(chapter)'s prose no longer says “\(words)”")
        #expect(run.stdout.contains(printed), "\(chapter)'s default run no longer prints “\(printed)” (quoted as “\(words)”)")
    }
}
