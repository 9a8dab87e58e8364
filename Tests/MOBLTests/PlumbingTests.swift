import ChapterSupport
import Foundation
import MOBL
import Testing

/// The course's plumbing, tried the way a new user breaks it: renders that cannot be
/// put in place, chapters killed mid-save, output into a log, unusable --output values.
@Suite("Plumbing: figures, sets, logs, flags")
struct PlumbingTests {
    @Test("render-figures fails loudly when a render cannot be put in place, and leaves the old renders and no scratch folder")
    func renderCannotMove() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("ch04-cg-warm-start.gp")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("figures/ch04-cg-warm-start.gp"), to: script)
        // The .svg target is a folder: mv would move the render *into* it and report success.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("ch04-cg-warm-start.svg/keep"), withIntermediateDirectories: true)
        try Data("old png".utf8).write(to: dir.appendingPathComponent("ch04-cg-warm-start.png"))
        let run = try runProcess(packageRoot.appendingPathComponent("scripts/render-figures"), [script.path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("is a folder"), "stderr: \(run.stderr)")
        #expect(!run.stdout.contains("rendered"))
        #expect(try String(contentsOf: dir.appendingPathComponent("ch04-cg-warm-start.png"), encoding: .utf8) == "old png")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!left.contains { $0.hasPrefix(".render") }, "scratch left behind: \(left)")
    }

    @Test("render-figures renders beside the script and leaves nothing else")
    func renderInPlace() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("ch04-cg-warm-start.gp")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("figures/ch04-cg-warm-start.gp"), to: script)
        let run = try runProcess(packageRoot.appendingPathComponent("scripts/render-figures"), [script.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
                == ["ch04-cg-warm-start.gp", "ch04-cg-warm-start.svg", "ch04-cg-warm-start.png"])
    }

    /// The flags a figure set was made with, read from each file's "Regenerate:" line.
    private func commands(in dir: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        for name in ["ch04-warm-start.gp", "ch04-cg-warm-start.gp", "ch04-tables.dat"] {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let line = text.split(separator: "\n").first { $0.contains("Regenerate:") }.map(String.init) ?? "?"
            result[name] = line.components(separatedBy: "--seed ").last?.split(separator: " ").first.map(String.init) ?? "?"
        }
        return result
    }

    @Test("A chapter killed at any moment leaves one whole figure set, old or new, and no temporary file")
    func killedChapterLeavesWholeSet() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let executable = binaryDirectory.appendingPathComponent("ch04")
        #expect(try runChapter("ch04", ["--quick", "--seed", "1", "--output", dir.path]).status == 0)
        // How long a run takes, to spread the kills over it.
        let clock = ContinuousClock()
        let started = clock.now
        _ = try runChapter("ch04", ["--quick", "--seed", "2", "--output", dir.path])
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var rng = SeededGenerator(seed: 7)
        for trial in 0..<16 {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["--quick", "--seed", "\(10 + trial)", "--output", dir.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let fraction = 0.5 + rng.uniform()         // kill between half and 1.5 times a run's length
            Thread.sleep(forTimeInterval: fraction * seconds)
            process.terminate()
            process.waitUntilExit()
            let seen = try commands(in: dir)
            #expect(Set(seen.values).count == 1, "trial \(trial): a mixed set \(seen)")
            let stray = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
            #expect(stray.isEmpty, "trial \(trial): temporary files left: \(stray)")
        }
    }

    @Test("A figure that cannot be written leaves the old set whole and no temporary file")
    func failedWriteLeavesOldSet() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try runChapter("ch04", ["--quick", "--seed", "1", "--output", dir.path]).status == 0)
        let before = try commands(in: dir)
        // The second figure's name is taken by a folder: the chapter cannot write it.
        let blocked = dir.appendingPathComponent("ch04-cg-warm-start.gp")
        try FileManager.default.removeItem(at: blocked)
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("keep"), withIntermediateDirectories: true)
        let run = try runChapter("ch04", ["--quick", "--seed", "2", "--output", dir.path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("ch04-cg-warm-start.gp"), "stderr: \(run.stderr)")
        for name in ["ch04-warm-start.gp", "ch04-tables.dat"] {
            #expect(try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8).contains(before[name]!))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }.isEmpty)
    }

    @Test("Output reaches a log line by line: a run killed early has already shown its first lines")
    func outputIsNotBuffered() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = binaryDirectory.appendingPathComponent("ch04")
        // Long enough to be killed mid-run (tens of seconds).
        process.arguments = ["--quick", "--outer-steps", "100000", "--output", dir.appendingPathComponent("figures").path]
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1.5)
        process.terminate()
        process.waitUntilExit()
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("Chapter 4 — Warm starts") && text.contains("seed \(CommonFlags.defaultSeed)"), "log: \(text)")
    }

    @Test("Long computations show progress on standard error, never on standard output")
    func progressOnStandardError() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let quiet = try runChapter("ch04", ["--quick", "--output", dir.path])
        let chatty = try runProcess(binaryDirectory.appendingPathComponent("ch04"), ["--quick", "--output", dir.path],
                                    environment: ["MOBL_PROGRESS_AFTER": "0"])
        #expect(chatty.status == 0)
        #expect(chatty.stderr.hasPrefix("progress: D = 1"), "stderr: \(chatty.stderr)")
        #expect(chatty.stdout == quiet.stdout)
        #expect(quiet.stderr.isEmpty)
    }

    @Test("--output values that would fail after the work are refused before it", arguments: ["ch01", "ch04"])
    func outputRefusedEarly(chapter: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dangling = dir.appendingPathComponent("dangling")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: dir.appendingPathComponent("nowhere").path)
        let longName = dir.appendingPathComponent(String(repeating: "x", count: 300)).path
        let longPath = dir.path + String(repeating: "/abcdefghij", count: 110)
        for output in [dangling.path, dangling.path + "/figures", longName, longPath] {
            let clock = ContinuousClock()
            let started = clock.now
            let run = try runChapter(chapter, ["--output", output])
            #expect(run.status != 0, "\(chapter) --output \(output.prefix(60))… was accepted")
            #expect(run.stderr.contains("--output"), "stderr: \(run.stderr)")
            #expect(clock.now - started < .seconds(2), "refused only after the work")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["dangling"])
    }

    @Test("need-fashion-mnist, where Fashion-MNIST is absent and installing is off, prints the command that installs it")
    func needFashionMNISTExplains() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = packageRoot.appendingPathComponent("scripts/need-fashion-mnist")
        let environment = ["MOBL_NO_INSTALL": "1", "FASHION_MNIST_DIR": dir.path]
        let absent = try runProcess(script, [], environment: environment)
        #expect(absent.status != 0)
        #expect(absent.stderr.contains("apt-get install -y dataset-fashion-mnist"), "stderr: \(absent.stderr)")
        #expect(absent.stderr.contains(dir.path), "stderr: \(absent.stderr)")
        // The four files, plain or gzipped, are all it looks for.
        for name in ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
            try Data().write(to: dir.appendingPathComponent(name))
        }
        let present = try runProcess(script, [], environment: environment)
        #expect(present.status == 0 && present.stderr.isEmpty, "stderr: \(present.stderr)")
        let makefile = try String(contentsOf: packageRoot.appendingPathComponent("Makefile"), encoding: .utf8)
        #expect(makefile.contains("data:\n\t@scripts/need-fashion-mnist"))
    }

    @Test("make test builds with the flags make figures uses, so switching between them recompiles nothing")
    func testBuildSharesFlags() throws {
        // `swift test` with testable imports compiles every module a second time with
        // other flags (about 50 s on two cores); the Makefile must keep them off.
        let makefile = try String(contentsOf: packageRoot.appendingPathComponent("Makefile"), encoding: .utf8)
        let testRecipe = makefile.components(separatedBy: "\ntest:")[1].components(separatedBy: "\n\n")[0]
        #expect(testRecipe.contains("$(SWIFT) test $(TEST_FLAGS)"))
        #expect(makefile.contains("TEST_FLAGS := -c release --disable-testable-imports"))
    }
}
