import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// What every chapter promises, checked the same way for each.
struct ChapterSpec: Sendable, CustomStringConvertible {
    let name: String
    let slugs: [String]
    var description: String { name }
}

let allChapters = [
    ChapterSpec(name: "ch01", slugs: ["ch01-vlmop1", "ch01-vlmop2"]),
    ChapterSpec(name: "ch02", slugs: ["ch02-ridge", "ch02-itd"]),
    ChapterSpec(name: "ch03", slugs: ["ch03-convergence", "ch03-cg-vs-neumann", "ch03-hypergradient"]),
    ChapterSpec(name: "ch04", slugs: ["ch04-warm-start", "ch04-cold-floor", "ch04-cg-warm-start"]),
    ChapterSpec(
        name: "ch05",
        slugs: ["ch05-preference-sweep", "ch05-u-ablation", "ch05-u-gap", "ch05-d-ablation", "ch05-d-gap", "ch05-rate", "ch05-cost"]),
    ChapterSpec(name: "ch06", slugs: ["ch06-stochastic", "ch06-variance", "ch06-averaging"]),
    ChapterSpec(name: "ch07", slugs: ["ch07-convergence", "ch07-front", "ch07-cost", "ch07-memory"]),
    ChapterSpec(name: "ch08", slugs: ["ch08-convergence", "ch08-x-steps", "ch08-tradeoff", "ch08-weights"]),
    ChapterSpec(name: "ch09", slugs: ["ch09-sweep", "ch09-u-ablation", "ch09-d-ablation", "ch09-budget"]),
    ChapterSpec(name: "ch10", slugs: ["ch10-gap-calls", "ch10-alignment"]),
]

/// Committed files of a chapter that its default run does not write: the real-data
/// run's figures of Chapter 8 (`ch08 --data DIR`), checked by Chapter08Tests instead.
let otherRunPrefixes = ["ch08-real-"]

@Suite("Every chapter")
struct AllChaptersTests {
    @Test("A default run (as `make figures` does it) exits cleanly, in under 25 s of CPU time (a regression guard)",
          .tags(.defaultRun), arguments: allChapters)
    func defaultRunIsClean(chapter: ChapterSpec) throws {
        let run = try ChapterRuns.shared.defaultRun(chapter.name)
        #expect(run.status == 0 && run.stderr.isEmpty, "stderr: \(run.stderr)")
        #expect(run.cpuSeconds > 0, "could not read the CPU time")
        #if !DEBUG
        // A guard against order-of-magnitude regressions, not a speed claim (those come from
        // `make timings` and `make bench`): CPU time, not wall time, so that the tests running
        // beside it on two cores do not count.
        // The slowest chapters take 12–17 s alone (Chapter 8 tunes and runs every method twice
        // over, with the plain step on x and with Adam); beside the other tests they take up to
        // a third more.
        #expect(run.cpuSeconds < 25, "\(chapter.name) took \(run.cpuSeconds) s of CPU time in release mode")
        #endif
    }

    @Test("A default run prints no line wider than 110 characters (a terminal, a book page)",
          .tags(.defaultRun), arguments: allChapters)
    func outputIsNarrow(chapter: ChapterSpec) throws {
        let run = try ChapterRuns.shared.defaultRun(chapter.name)
        try #require(run.status == 0, "stderr: \(run.stderr)")
        let wide = run.stdout.split(separator: "\n").filter { !$0.hasPrefix("@weave ") && $0.count > 110 }
        #expect(wide.isEmpty, "\(chapter.name) prints \(wide.count) lines over 110 characters, e.g. \(wide.first.map { "\($0.count): \($0)" } ?? "")")
    }

    @Test("A default run reproduces the committed figures and tables, and figures/ holds nothing stale",
          .tags(.defaultRun), arguments: allChapters)
    func committedFiguresAreCurrent(chapter: ChapterSpec) throws {
        let run = try ChapterRuns.shared.defaultRun(chapter.name)
        try #require(run.status == 0, "stderr: \(run.stderr)")
        // Every file the run writes (figure scripts and the tables file) matches the committed one.
        let written = try FileManager.default.contentsOfDirectory(atPath: run.folder.path).sorted()
        let expectedFiles: [String] = chapter.slugs.map { "\($0).gp" } + ["\(chapter.name)-tables.dat"]
        #expect(written == expectedFiles.sorted())
        for file in written {
            let fresh = try run.blocks(file)
            let old = try dataBlocks(packageRoot.appendingPathComponent("figures/\(file)"))
            #expect(Set(fresh.keys) == Set(old.keys), "\(file): datablocks differ; run make figures")
            for (name, block) in fresh {
                #expect(block.columns == old[name]?.columns, "\(file) $\(name): columns changed; run make figures")
                let oldRows = old[name]?.rows ?? []
                #expect(block.rows.count == oldRows.count, "\(file) $\(name): row count changed; run make figures")
                // One expectation per block: the first cell that differs, if any.
                var differing: String?
                for (row, (new, previous)) in zip(block.rows, oldRows).enumerated() where differing == nil {
                    if new.count != previous.count { differing = "row \(row + 1) has \(new.count) cells, committed \(previous.count)" }
                    for (a, b) in zip(new, previous) where differing == nil && !(a.isNaN && b.isNaN) && !(abs(a - b) <= 1e-9 * max(1, abs(b))) {
                        differing = "row \(row + 1): \(a) vs committed \(b)"
                    }
                }
                #expect(differing == nil, "\(file) $\(name): \(differing ?? ""); run make figures")
            }
        }
        for slug in chapter.slugs {
            for ext in ["svg", "png"] {
                #expect(FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent("figures/\(slug).\(ext)").path),
                        "figures/\(slug).\(ext) is missing; run make figures")
            }
        }
        // Nothing stale: every committed file of the chapter is one the run writes (or its render).
        let committed = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("figures").path)
            .filter { name in name.hasPrefix(chapter.name + "-") && !otherRunPrefixes.contains { name.hasPrefix($0) } }
            .filter { $0 != "\(chapter.name)-timings.dat" }   // written only with --timings; the closing comparison's tests check it
        let expected = Set(written + chapter.slugs.flatMap { ["\($0).svg", "\($0).png"] })
        #expect(Set(committed) == expected, "figures/ holds files no run of \(chapter.name) writes: \(Set(committed).subtracting(expected))")
    }

    @Test("--quick: the figures render with gnuplot, exit 0 and nothing on stderr", arguments: allChapters)
    func quickRunsRender(chapter: ChapterSpec) throws {
        let run = try ChapterRuns.shared.run(chapter.name, ["--quick"])
        #expect(run.status == 0 && run.stderr.isEmpty, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("seed \(CommonFlags.defaultSeed)"))
        for slug in chapter.slugs {
            let script = run.file("\(slug).gp")
            // The script says how to make it again, with the flags used (not where it was written).
            #expect(try String(contentsOf: script, encoding: .utf8).contains("# Regenerate: swift run -c release \(chapter.name) --quick  ("))
            let (render, folder) = try renderCopy(script)
            defer { try? FileManager.default.removeItem(at: folder) }
            #expect(render.status == 0)
            #expect(render.stderr.isEmpty, "gnuplot on \(slug): \(render.stderr)")
            for ext in ["svg", "png"] {
                #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(slug).\(ext)").path))
            }
        }
    }

    @Test("--quick twice: same flags, same output and the same bytes in every file", arguments: allChapters)
    func quickRunsRepeat(chapter: ChapterSpec) throws {
        // The one test that runs a chapter again on purpose: determinism needs two runs.
        let first = try ChapterRuns.shared.run(chapter.name, ["--quick"])
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let second = try runChapter(chapter.name, ["--quick", "--output", dir.path])
        #expect(first.stdout.replacingOccurrences(of: first.folder.path, with: "") == second.stdout.replacingOccurrences(of: dir.path, with: ""))
        let files = try FileManager.default.contentsOfDirectory(atPath: first.folder.path).sorted()
        #expect(files == (try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()))
        for file in files {
            #expect(try Data(contentsOf: first.file(file)) == Data(contentsOf: dir.appendingPathComponent(file)), "\(file) differs")
        }
    }

    @Test("--help lists every flag the chapter declares, each with its help; every range it states is the one enforced",
          arguments: allChapters)
    func help(chapter: ChapterSpec) throws {
        let options = try chapterOptions(chapter.name)
        // The flags declared in the chapter's Flags.swift (@Option and @Flag properties), as kebab-case names.
        let folder = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("Chapters").path)
            .first { $0.hasPrefix(String(chapter.name.dropFirst(2)) + "-") }!
        let source = try String(contentsOf: packageRoot.appendingPathComponent("Chapters/\(folder)/Flags.swift"), encoding: .utf8)
        let declared = source.matches(of: /@(?:Option|Flag)\b[\s\S]*?\bvar (\w+)/).map { match in
            String(match.1).replacing(/[A-Z]/) { "-" + $0.output.lowercased() }
        }
        #expect(!declared.isEmpty || chapter.name == "ch00")
        #expect(Set(options.map(\.name)) == Set(declared).subtracting(["common"]), "\(chapter.name): --help lists \(options.map(\.name))")
        let text = try runChapter(chapter.name, ["--help"])
        #expect(text.status == 0)
        for option in options {
            #expect(!option.help.isEmpty, "--\(option.name) has no help")
            #expect(text.stdout.contains("--\(option.name)"))
            // Where the help states a range, the values just outside it are refused, naming the flag.
            guard let range = option.statedRange else { continue }
            for value in range.outside {
                let dir = try temporaryDirectory()
                defer { try? FileManager.default.removeItem(at: dir) }
                let run = try runChapter(chapter.name, ["--\(option.name)=\(value)", "--output", dir.appendingPathComponent("out").path])
                #expect(run.status != 0 && run.stderr.contains("--\(option.name)"),
                        "\(chapter.name) --\(option.name)=\(value) (help: \(option.help)): status \(run.status), stderr \(run.stderr)")
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
            }
        }
        // Every numeric option states its range (flags without a value, folders and lists of divisors aside).
        let unranged = options.filter { $0.kind == "option" && $0.statedRange == nil && !["data", "from", "real-from", "divisors"].contains($0.name) }
        #expect(unranged.isEmpty, "\(chapter.name): no range in the help of \(unranged.map(\.name))")
    }

    @Test("A bad common flag is refused, naming it, and writes nothing", arguments: allChapters)
    func badCommonFlags(chapter: ChapterSpec) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let underAFile = packageRoot.appendingPathComponent("README.md/figures").path
        for (arguments, flag) in [(["--seed", "-3"], "--seed"), (["--seed", "x"], "--seed"), (["--output", ""], "--output"),
                                  (["--output", underAFile], "--output")] {
            let run = try runChapter(chapter.name, arguments + (flag == "--output" ? [] : ["--output", dir.path]))
            #expect(run.status != 0)
            #expect(run.stderr.contains(flag), "stderr was: \(run.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}

extension Tag {
    /// Runs the chapters' default (full-size) runs: the figures and book checks.
    @Tag static var defaultRun: Self
    /// Takes tens of seconds or more on two cores (longer runs than the default, real data).
    @Tag static var slow: Self
}

/// One of a chapter's own flags, as its `--help` describes it (from ArgumentParser's
/// `--experimental-dump-help`, which lists what `--help` prints).
struct ChapterOption {
    let name: String
    let kind: String
    let help: String
    /// Takes several values (`--depths 1 2 4`).
    let repeating: Bool

    /// The range the help states — "(a…b…", "each a…b", "a ≤ x < b", "0 < β ≤ b", "> 0, ≤ b" or
    /// "0 < x < b" — as values just outside it (to be refused) and values at its ends (to be accepted:
    /// 1e-300 stands for "just above 0", b·(1 − 1e-9) for "just below b").
    var statedRange: (outside: [String], edges: [String])? {
        let number = #"(-?[0-9][0-9._]*(?:e-?[0-9]+)?)"#
        func value(_ text: Substring) -> Double? { Double(text.replacingOccurrences(of: "_", with: "")) }
        func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }
        let closed = try! Regex(number + "…" + number, as: (Substring, Substring, Substring).self)
        if let m = help.firstMatch(of: closed), let a = value(m.1), let b = value(m.2) {
            return ([format(a - 1), format(b + 1)], [format(a), format(b)])
        }
        let halfOpen = try! Regex(number + " ≤ [^ ]+ < " + number, as: (Substring, Substring, Substring).self)
        if let m = help.firstMatch(of: halfOpen), let a = value(m.1), let b = value(m.2) {
            return ([format(a - 1), format(b)], [format(a), format(b * (1 - 1e-9))])
        }
        let openAtZero = try! Regex("(?:0 < [^ ]+ |> 0, )(≤|<) " + number, as: (Substring, Substring, Substring).self)
        if let m = help.firstMatch(of: openAtZero), let b = value(m.2) {
            // Open at 0: 0 itself is refused, and anything above b.
            return (["0", format(b + 1)], ["1e-300", m.1 == "≤" ? format(b) : format(b * (1 - 1e-9))])
        }
        return nil
    }
}

/// The chapter's own flags (the common ones left out), from ArgumentParser's description of its --help.
func chapterOptions(_ chapter: String) throws -> [ChapterOption] {
    let run = try runChapter(chapter, ["--experimental-dump-help"])
    guard run.status == 0, let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
          let command = json["command"] as? [String: Any], let arguments = command["arguments"] as? [[String: Any]] else {
        throw InvalidInput("\(chapter) --experimental-dump-help", run.stderr, "must print ArgumentParser's JSON")
    }
    let common: Set<String> = ["output", "quick", "seed", "timings", "help"]
    return arguments.compactMap { argument in
        guard let name = (argument["preferredName"] as? [String: Any])?["name"] as? String, !common.contains(name) else { return nil }
        return ChapterOption(name: name, kind: argument["kind"] as? String ?? "", help: argument["abstract"] as? String ?? "",
                             repeating: argument["isRepeating"] as? Bool ?? false)
    }
}
