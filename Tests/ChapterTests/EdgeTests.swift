import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// What a run of a chapter may end in, whatever input it accepted: success with no NaN or
/// infinity in what it printed, or the chapter's own error message (exit 1, or ArgumentParser's
/// refusal of a flag) — never a trap, a signal or a Swift fatal error.
func expectCleanEnding(_ run: ProcessOutput, _ label: String, killedForTime: Bool = false,
                       sourceLocation: SourceLocation = #_sourceLocation) {
    let printed = run.stdout + "\n" + run.stderr
    let notANumber = printed.firstMatch(of: /(?i)(?:^|[^A-Za-z_])(-?nan|-?inf|infinity)(?![A-Za-z_])/).map { String($0.output.1) }
    #expect(notANumber == nil, "\(label) printed \(notANumber ?? "")", sourceLocation: sourceLocation)
    #expect(!run.stderr.contains("Fatal error"), "\(label): \(run.stderr.suffix(400))", sourceLocation: sourceLocation)
    if killedForTime { return }
    #expect(run.reason == .exit, "\(label) ended by signal \(run.status): \(run.stderr.suffix(300))", sourceLocation: sourceLocation)
    #expect([0, 1, 64].contains(run.status), "\(label) exited with \(run.status): \(run.stderr.suffix(300))", sourceLocation: sourceLocation)
    if run.status != 0 {
        #expect(run.stderr.lowercased().contains("error"), "\(label) failed without saying why: \(run.stderr.suffix(300))",
                sourceLocation: sourceLocation)
    }
}

/// Runs a chapter with a time bound; a run still going at the bound is killed (SIGKILL).
func runChapter(_ name: String, _ arguments: [String], seconds: Double) throws -> (run: ProcessOutput, killed: Bool) {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    let process = Process()
    process.executableURL = try chapterExecutable(name)
    process.arguments = arguments + ["--output", dir.appendingPathComponent("figures").path]
    process.environment = ProcessInfo.processInfo.environment.merging(chapterEnvironment([:])) { _, new in new }
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    let killed = process.isRunning
    if killed { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    let run = ProcessOutput(status: process.terminationStatus, reason: process.terminationReason,
                            stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8))
    return (run, killed)
}

/// The edge sweep: every numeric flag of every chapter at both ends of the range its help states
/// (lists with both ends at once), and the seed at 0 and 2⁶⁴ − 1, each in quick mode with a time
/// bound. A run still going at the bound is judged on what it printed so far.
@Suite("Edges: no accepted input ends in a trap, a signal or a printed NaN")
struct EdgeTests {
    /// Seconds a sweep run may take (quick runs take well under one; a size flag at its upper
    /// end can take minutes, and is stopped).
    static let bound = 2.0

    @Test("Every numeric flag at both ends of its stated range, and the seed at 0 and 2⁶⁴ − 1 (quick mode, 2 s each)",
          .tags(.slow), .enabled(if: slowTestsEnabled, skipSlowReason), arguments: allChapters)
    func sweep(chapter: ChapterSpec) throws {
        var runs: [[String]] = [["--seed", "0"], ["--seed", "18446744073709551615"]]
        var numericFlags = 0
        for option in try chapterOptions(chapter.name) where option.kind == "option" {
            guard let range = option.statedRange else { continue }
            numericFlags += 1
            if option.repeating {
                runs.append(["--\(option.name)"] + range.edges)
            } else {
                runs += range.edges.map { ["--\(option.name)=\($0)"] }
            }
        }
        #expect(numericFlags > 0 || chapter.name == "ch10", "\(chapter.name) states no range for any flag")
        for flags in runs {
            let (run, killed) = try runChapter(chapter.name, ["--quick"] + flags, seconds: Self.bound)
            expectCleanEnding(run, "\(chapter.name) --quick \(flags.joined(separator: " "))", killedForTime: killed)
        }
    }

    /// The inputs that once crashed, printed NaN or failed only after the work (each failed before its fix).
    static let reported: [[String]] = [
        ["ch05", "--kappa", "1000"],                                  // a PSD Gram matrix refused as indefinite (subnormal entries)
        ["ch05", "--quick", "--cg-steps", "1000"],                    // CG went on past convergence until pᵀHp was 0 or NaN
        ["ch06", "--perturbation", "1e-300"],                         // a trap on an empty list: now refused, ρ ≥ 1e-6
        ["ch06", "--cg", "--samples", "20", "--divisors", "1", "20"], // "gap / c_b … nan" inside a claim
        ["ch06", "--quick", "--samples", "20", "--divisors", "1", "2"],
        ["ch07", "--rho", "1e-300"],                                  // failed after the work on its figure: now refused
        ["ch08", "--outer-steps", "1"],                               // a trap: no method made a step within the budget
        ["ch08", "--quick", "--outer-steps", "1", "--train-size", "50"],
        ["ch09", "--width", "1"],                                     // a trap on the chapter's own step: now refused, w ≥ 4
        ["ch09", "--quick", "--seed", "18446744073709551615"],        // the seed arithmetic overflowed
        ["ch04", "--quick", "--seed", "18446744073709551615"],        // a seed beyond Int printed by an integer column
        ["ch05", "--quick", "--kappa", "1"],                          // no window left for the rate figure's fit
    ]

    @Test("The inputs that once crashed end cleanly; a flag refused is refused before the work, by name",
          arguments: reported)
    func reportedInputs(command: [String]) throws {
        let (run, killed) = try runChapter(command[0], Array(command.dropFirst()), seconds: 60)
        #expect(!killed, "\(command.joined(separator: " ")) did not finish in 60 s")
        expectCleanEnding(run, command.joined(separator: " "))
        if run.status == 64 {
            // Refused by the flag check: it names the flag it refused.
            #expect(command.dropFirst().contains { $0.hasPrefix("--") && run.stderr.contains($0) }, "stderr: \(run.stderr)")
        }
    }

    @Test("Unblocked figures: exact zeros on a log axis no longer stop a run after its work (ch05 --quick --kappa 1000)")
    func zerosOnLogAxes() throws {
        let (run, _) = try runChapter("ch05", ["--quick", "--kappa", "1000"], seconds: 60)
        #expect(run.status == 0, "stderr: \(run.stderr)")
    }

    /// A copy of the committed ch07 tables file with one change.
    static func damagedTables(_ change: (String) -> String) throws -> URL {
        let dir = try temporaryDirectory()
        let original = try String(contentsOf: packageRoot.appendingPathComponent("figures/ch07-tables.dat"), encoding: .utf8)
        try Data(change(original).utf8).write(to: dir.appendingPathComponent("ch07-tables.dat"))
        return dir
    }

    @Test("ch10 refuses a tables file with a huge count, a repeated column or an empty $comparison, naming the file",
          arguments: ["calls 1e19", "calls 1e300", "problem twice", "no rows"])
    func damagedComparison(damage: String) throws {
        let dir = try Self.damagedTables { text in
            let lines = text.components(separatedBy: "\n")
            let start = lines.firstIndex(of: "$comparison << EOD")!
            let end = lines[start...].firstIndex(of: "EOD")!
            var block = Array(lines[start...end])
            let columns = block[1].dropFirst(2).split(separator: " ").map(String.init)
            switch damage {
            case "calls 1e19", "calls 1e300":
                let index = columns.firstIndex(of: "calls")!
                var fields = block[2].split(separator: " ").map(String.init)
                fields[index] = damage.components(separatedBy: " ")[1]
                block[2] = fields.joined(separator: " ")
            case "problem twice":
                block[1] = "# " + (["problem"] + columns.dropFirst()).joined(separator: " ").replacingOccurrences(of: "method", with: "problem")
            default:
                block = [block[0], block[1], "EOD"]
            }
            return (Array(lines[..<start]) + block + Array(lines[(end + 1)...])).joined(separator: "\n")
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runChapter("ch10", ["--from", dir.path, "--output", dir.appendingPathComponent("out").path])
        expectCleanEnding(run, "ch10 with \(damage)")
        #expect(run.status == 1 && run.stderr.contains("ch07-tables.dat"), "stderr: \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/ch10-tables.dat").path))
    }
}
