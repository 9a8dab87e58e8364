import ChapterSupport
import Foundation
import MOBL
import Testing

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
    ChapterSpec(name: "ch04", slugs: ["ch04-warm-start", "ch04-cg-warm-start"]),
    ChapterSpec(name: "ch05", slugs: ["ch05-preference-sweep", "ch05-u-ablation", "ch05-d-ablation", "ch05-rate", "ch05-cost"]),
    ChapterSpec(name: "ch06", slugs: ["ch06-stochastic", "ch06-variance", "ch06-averaging"]),
    ChapterSpec(name: "ch07", slugs: ["ch07-convergence", "ch07-front", "ch07-cost"]),
    ChapterSpec(name: "ch08", slugs: ["ch08-tradeoff", "ch08-weights"]),
    ChapterSpec(name: "ch09", slugs: ["ch09-sweep", "ch09-u-ablation", "ch09-d-ablation", "ch09-budget"]),
    ChapterSpec(name: "ch10", slugs: ["ch10-gap-calls", "ch10-alignment"]),
]

/// Committed files of a chapter that its default run does not write: the real-data
/// run's figures of Chapter 8 (`ch08 --data DIR`), checked by Chapter08Tests instead.
let otherRunPrefixes = ["ch08-real-"]

@Suite("Every chapter")
struct AllChaptersTests {
    @Test("A default run (as `make figures` does it) reproduces the committed figures, in under 15 s of CPU time (a regression guard)", arguments: allChapters)
    func committedFiguresAreCurrent(chapter: ChapterSpec) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Run through bash so that `times` reports the chapter's own CPU time: wall-clock
        // time would depend on the other tests running beside it.
        let executable = binaryDirectory.appendingPathComponent(chapter.name).path
        let run = try runProcess(URL(fileURLWithPath: "/bin/bash"),
                                 ["-c", "\"$0\" --output \"$1\" > \"$1/stdout\" && times", executable, dir.path],
                                 environment: ["MOBL_DATA": ""])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        // `times` prints the shell's times, then its children's: "0m1.234s 0m0.010s".
        let childTimes = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let seconds = childTimes.split(separator: " ").compactMap { field -> Double? in
            let parts = field.dropLast().split(separator: "m")
            guard parts.count == 2, let minutes = Double(parts[0]), let secs = Double(parts[1]) else { return nil }
            return 60 * minutes + secs
        }.reduce(0, +)
        #expect(seconds > 0, "could not read the CPU time from: \(run.stdout)")
        #if !DEBUG
        // A guard against order-of-magnitude regressions, not a speed claim (those come from
        // `make timings` and `make bench`): the bound is 10 s on an idle machine, and CPU
        // time grows when the whole suite runs beside it on two cores.
        #expect(seconds < 15, "\(chapter.name) took \(seconds) s of CPU time in release mode")
        #endif
        // Every file the run writes (figure scripts and the tables file) matches the committed one.
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "stdout" }.sorted()
        #expect(written == (chapter.slugs.map { "\($0).gp" } + ["\(chapter.name)-tables.dat"]).sorted())
        for file in written {
            let fresh = try dataBlocks(dir.appendingPathComponent(file))
            let old = try dataBlocks(packageRoot.appendingPathComponent("figures/\(file)"))
            #expect(Set(fresh.keys) == Set(old.keys), "\(file): datablocks differ; run make figures")
            for (name, block) in fresh {
                #expect(block.columns == old[name]?.columns, "\(file) $\(name): columns changed; run make figures")
                let oldRows = old[name]?.rows ?? []
                #expect(block.rows.count == oldRows.count, "\(file) $\(name): row count changed; run make figures")
                for (new, previous) in zip(block.rows, oldRows) {
                    #expect(new.count == previous.count)
                    for (a, b) in zip(new, previous) where !(a.isNaN && b.isNaN) {
                        #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(file) $\(name): \(a) vs committed \(b); run make figures")
                    }
                }
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

    @Test("--quick: the figures render with gnuplot, exit 0 and nothing on stderr; same flags, same bytes", arguments: allChapters)
    func quickRunsRenderAndRepeat(chapter: ChapterSpec) throws {
        let a = try temporaryDirectory(), b = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let first = try runChapter(chapter.name, ["--quick", "--output", a.path])
        let second = try runChapter(chapter.name, ["--quick", "--output", b.path])
        #expect(first.status == 0 && first.stderr.isEmpty, "stderr: \(first.stderr)")
        #expect(first.stdout.contains("seed \(CommonFlags.defaultSeed)"))
        #expect(first.stdout.replacingOccurrences(of: a.path, with: "") == second.stdout.replacingOccurrences(of: b.path, with: ""))
        #expect(try Data(contentsOf: a.appendingPathComponent("\(chapter.name)-tables.dat"))
                == Data(contentsOf: b.appendingPathComponent("\(chapter.name)-tables.dat")))
        for slug in chapter.slugs {
            let script = a.appendingPathComponent("\(slug).gp")
            #expect(try Data(contentsOf: script) == Data(contentsOf: b.appendingPathComponent("\(slug).gp")))
            // The script says how to make it again, with the flags used (not where it was written).
            #expect(try String(contentsOf: script, encoding: .utf8).contains("# Regenerate: swift run -c release \(chapter.name) --quick  ("))
            let render = try renderWithGnuplot(script)
            #expect(render.status == 0)
            #expect(render.stderr.isEmpty, "gnuplot on \(slug): \(render.stderr)")
            for ext in ["svg", "png"] {
                #expect(FileManager.default.fileExists(atPath: a.appendingPathComponent("\(slug).\(ext)").path))
            }
        }
    }

    @Test("--help says what the chapter teaches and lists the common flags", arguments: allChapters)
    func help(chapter: ChapterSpec) throws {
        let run = try runChapter(chapter.name, ["--help"])
        #expect(run.status == 0)
        for word in ["Chapter", "--output", "--quick", "--seed"] { #expect(run.stdout.contains(word)) }
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
