import ChapterSupport
import Foundation
import MOBL
import Testing

/// The package's root folder (this file is Tests/MOBLTests/Support.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

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

struct ProcessOutput {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs an executable to completion and captures its output.
func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                environment: [String: String] = [:]) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { _, new in new }
    process.environment = env
    let scratch = try temporaryDirectory()
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
    defer { try? FileManager.default.removeItem(at: scratch) }
    return ProcessOutput(status: process.terminationStatus,
                         stdout: try String(contentsOf: outURL, encoding: .utf8),
                         stderr: try String(contentsOf: errURL, encoding: .utf8))
}

/// Runs chapter `chNN` with the given flags, without MOBL_DATA (which would switch
/// Chapter 8 to its real-data run) unless `environment` sets it.
func runChapter(_ name: String, _ arguments: [String], environment: [String: String] = ["MOBL_DATA": ""]) throws -> ProcessOutput {
    let executable = binaryDirectory.appendingPathComponent(name)
    guard FileManager.default.isExecutableFile(atPath: executable.path) else {
        throw InvalidInput("chapter executable", executable.path, "must exist: build first (make test builds it)")
    }
    // Progress lines depend on wall time (a loaded machine prints them sooner); keep them out
    // of every test's stderr unless the test asks for them.
    var env = ["MOBL_PROGRESS_AFTER": "1e9"]
    env.merge(environment) { _, new in new }
    return try runProcess(executable, arguments, environment: env)
}

/// A fresh, empty temporary folder.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mobl-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The path of a program on the PATH, if any.
func which(_ program: String) -> URL? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(program)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
}

/// Renders one figure script with gnuplot in its own folder and returns gnuplot's output.
func renderWithGnuplot(_ script: URL) throws -> ProcessOutput {
    guard let gnuplot = which("gnuplot") else {
        throw InvalidInput("gnuplot", "not on PATH", "is needed to render figures: apt-get install -y gnuplot-nox")
    }
    return try runProcess(gnuplot, [script.lastPathComponent], in: script.deletingLastPathComponent())
}

/// Reads the datablocks of a figure script.
func dataBlocks(_ script: URL) throws -> [String: DataBlock] {
    try readDataBlocks(fromScript: String(contentsOf: script, encoding: .utf8))
}

/// Random symmetric positive semidefinite matrix MᵀM with M of size rank × n.
func randomPSD(_ n: Int, rank: Int, _ rng: inout SeededGenerator) -> Matrix {
    let factors = (0..<rank).map { _ in rng.gaussianVector(n) }
    var p = Matrix(rows: n, columns: n)
    for i in 0..<n { for j in 0..<n { p[i, j] = factors.reduce(0) { $0 + $1[i] * $1[j] } } }
    return p
}

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

/// Central differences of a scalar function along each coordinate.
func numericalGradient(_ f: (Vector) -> Double, at z: Vector, h: Double = 1e-6) -> Vector {
    (0..<z.count).map { k in
        var plus = z, minus = z
        plus[k] += h
        minus[k] -= h
        return (f(plus) - f(minus)) / (2 * h)
    }
}

/// Central difference of a vector function along a direction.
func numericalDirectional(_ f: (Vector) -> Vector, at z: Vector, along v: Vector, h: Double = 1e-6) -> Vector {
    var plus = z, minus = z
    axpy(h, v, &plus)
    axpy(-h, v, &minus)
    return (1 / (2 * h)) * (f(plus) - f(minus))
}
