import ChapterSupport
import Foundation
import MOBL

// What both test targets need: where the package is, running a program and reading what
// it printed, fresh folders, and reading or rendering a figure script. The library tests
// (Tests/LibraryTests) and the chapter tests (Tests/ChapterTests) add their own helpers.

/// The package's root folder (this file is Tests/TestSupport/Support.swift).
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// How a program ended and what it printed.
public struct ProcessOutput: Sendable {
    public let status: Int32
    /// `.exit` (status is the exit code) or `.uncaughtSignal` (status is the signal).
    public let reason: Process.TerminationReason
    public let stdout: String
    public let stderr: String

    public init(status: Int32, reason: Process.TerminationReason, stdout: String, stderr: String) {
        (self.status, self.reason, self.stdout, self.stderr) = (status, reason, stdout, stderr)
    }
}

/// Runs an executable to completion and captures its output (through files, so that a
/// chatty program never blocks on a full pipe).
public func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                       environment: [String: String] = [:]) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { _, new in new }
    process.environment = env
    let scratch = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return ProcessOutput(status: process.terminationStatus, reason: process.terminationReason,
                         stdout: try String(contentsOf: outURL, encoding: .utf8),
                         stderr: try String(contentsOf: errURL, encoding: .utf8))
}

/// A fresh, empty temporary folder.
public func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mobl-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The path of a program on the PATH, if any.
public func which(_ program: String) -> URL? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(program)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
}

/// Renders one figure script with gnuplot in its own folder and returns gnuplot's output.
public func renderWithGnuplot(_ script: URL) throws -> ProcessOutput {
    guard let gnuplot = which("gnuplot") else {
        throw InvalidInput("gnuplot", "not on PATH", "is needed to render figures: apt-get install -y gnuplot-nox")
    }
    return try runProcess(gnuplot, [script.lastPathComponent], in: script.deletingLastPathComponent())
}

/// Reads the datablocks of a figure script or tables file.
public func dataBlocks(_ script: URL) throws -> [String: DataBlock] {
    try readDataBlocks(fromScript: String(contentsOf: script, encoding: .utf8))
}

/// An implementation exercise's worked solution as its test runs it, and the solution page
/// that must show it: the lines between `// begin solution N.k` and `// end solution N.k` in
/// the calling test file, dedented by the markers' indentation, and book/solutions/0N.md.
/// - Throws: `InvalidInput` when the file lacks either marker.
public func testedSolution(_ exercise: String, file: String = #filePath) throws -> (code: String, page: String) {
    let lines = try String(contentsOf: URL(fileURLWithPath: file), encoding: .utf8)
        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let marker = { (word: String) in lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "// \(word) solution \(exercise)" } }
    guard let begin = marker("begin"), let end = marker("end"), begin < end else {
        throw InvalidInput("test file", file, "must mark Exercise \(exercise)'s code with // begin solution and // end solution")
    }
    let indent = String(lines[end].prefix { $0 == " " })
    let code = lines[(begin + 1)..<end].map { $0.hasPrefix(indent) ? String($0.dropFirst(indent.count)) : $0 }
        .joined(separator: "\n")
    let chapter = String(format: "%02d", Int(exercise.split(separator: ".")[0]) ?? 0)
    let page = try String(
        contentsOf: packageRoot.appendingPathComponent("book/solutions/\(chapter).md"), encoding: .utf8)
    return (code + "\n", page)
}
