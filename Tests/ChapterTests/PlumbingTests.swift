import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

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

    /// Waits (polling every millisecond, at most `timeout` seconds) until `condition` holds; says whether it did.
    private func wait(timeout: Double = 20, until condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.001)
        }
        return try condition()
    }

    /// The moments of a run at which `killedChapterLeavesWholeSet` sends SIGTERM.
    enum KillMoment: String, CaseIterable, CustomStringConvertible, Sendable {
        /// As soon as the chapter has printed its first line: before its save, which must not happen.
        case beforeSave = "before the save"
        /// Once the first temporary file of the set exists: the save must finish, then the signal land.
        case whileWritingTemporaries = "while the temporary files are written"
        /// Once one file of the new set is in place and others are not: the same.
        case betweenRenames = "between two renames"
        var description: String { rawValue }
    }

    @Test("A chapter killed (SIGTERM) before, during or between the renames of its save leaves one whole set and no temporary file",
          arguments: KillMoment.allCases)
    func killedChapterLeavesWholeSet(moment: KillMoment) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try runChapter("ch04", ["--quick", "--seed", "1", "--output", dir.path]).status == 0)
        #expect(Set(try commands(in: dir).values) == ["1"])
        let log = dir.appendingPathComponent("log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = try chapterExecutable("ch04")
        process.arguments = ["--quick", "--seed", "2", "--output", dir.path]
        // The save waits 0.3 s before each of its three renames, so a test can land a signal inside it.
        process.environment = ProcessInfo.processInfo.environment.merging(chapterEnvironment(["MOBL_SAVE_PAUSE": "0.3"])) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let temporaries = { try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") } }
        let reached: Bool
        switch moment {
        case .beforeSave:
            reached = wait { ((try? Data(contentsOf: log))?.count ?? 0) > 0 }
        case .whileWritingTemporaries:
            reached = try wait { try !temporaries().isEmpty }
        case .betweenRenames:
            reached = try wait { try !temporaries().isEmpty && (try commands(in: dir)).values.contains("2") }
        }
        process.terminate()
        process.waitUntilExit()
        // The kill must have landed (the chapter died of SIGTERM), or the test shows nothing.
        try #require(reached, "the run never got \(moment)")
        try #require(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM,
                     "the kill did not land: reason \(process.terminationReason.rawValue), status \(process.terminationStatus)")
        let seen = try commands(in: dir)
        #expect(Set(seen.values).count == 1, "a mixed set: \(seen)")
        // Once the save has begun it finishes: the signal waits until the new set is whole.
        if moment != .beforeSave { #expect(Set(seen.values) == ["2"], "the save began but its set is not in place: \(seen)") }
        let left = try temporaries()
        #expect(left.isEmpty, "temporary files left: \(left)")
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

    @Test("Output reaches a log line by line: a run killed with SIGKILL (nothing flushed at exit) has already shown its first lines")
    func outputIsNotBuffered() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = try chapterExecutable("ch04")
        // Long enough (tens of seconds) to be still running when it is killed.
        process.arguments = ["--quick", "--outer-steps", "100000", "--output", dir.appendingPathComponent("figures").path]
        process.environment = ProcessInfo.processInfo.environment.merging(chapterEnvironment([:])) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let header = "Chapter 4 — Warm starts", seedLine = "seed \(CommonFlags.defaultSeed)"
        let shown = wait(timeout: 10) {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return text.contains(header) && text.contains(seedLine)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try #require(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL,
                     "the kill did not land: the run ended by itself (status \(process.terminationStatus))")
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(shown && text.contains(header) && text.contains(seedLine), "log after 10 s: \(text)")
    }

    @Test("Long computations show progress on standard error, never on standard output")
    func progressOnStandardError() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let quiet = try ChapterRuns.shared.run("ch04", ["--quick"])
        let chatty = try runChapter("ch04", ["--quick", "--output", dir.path], environment: ["MOBL_PROGRESS_AFTER": "0"])
        #expect(chatty.status == 0)
        #expect(chatty.stderr.hasPrefix("progress: D = 1"), "stderr: \(chatty.stderr)")
        #expect(chatty.stdout.replacingOccurrences(of: dir.path, with: "") == quiet.stdout.replacingOccurrences(of: quiet.folder.path, with: ""))
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

    @Test("make test's build of the tests compiled and linked nothing that its release build (the one make figures uses) had made",
          .enabled(if: FileManager.default.fileExists(atPath: buildStamp.path), "runs under make test, which writes the stamp"))
    func testBuildSharesFlags() throws {
        // `make test` builds as `make figures` does, touches the stamp, then `swift test` builds the
        // test targets. Had `swift test` used other flags for the library or the chapters (testable
        // imports are such flags: about 50 s more on two cores), it would have compiled their
        // objects and linked their executables again, after the stamp.
        let stamp = try #require(try FileManager.default.attributesOfItem(atPath: buildStamp.path)[.modificationDate] as? Date)
        let release = buildStamp.deletingLastPathComponent()
        var checked = 0, newer: [String] = []
        for module in ["MOBL", "ChapterSupport", "weave"] + allChapters.map(\.name) {
            let objects = try FileManager.default.contentsOfDirectory(atPath: release.appendingPathComponent("\(module).build").path)
                .filter { $0.hasSuffix(".o") }.map { "\(module).build/\($0)" }
            for file in objects + (module == "MOBL" || module == "ChapterSupport" ? [] : [module]) {
                let date = try #require(try FileManager.default.attributesOfItem(atPath: release.appendingPathComponent(file).path)[.modificationDate] as? Date)
                checked += 1
                if date > stamp { newer.append(file) }
            }
        }
        #expect(checked > 20)
        #expect(newer.isEmpty, "rebuilt by the tests' build: \(newer.prefix(8))")
    }
}

/// The stamp `make test` writes between its release build and the tests' build.
let buildStamp = binaryDirectory.appendingPathComponent(".figures-build-stamp")
