import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// The book: how the weaver turns a chapter into Markdown, and whether the committed
/// book is what weaving the chapters gives today.
@Suite("The book")
struct BookTests {
    @Test("The weaver: prose dedented, hidden lines left out, output after the code that printed it, figures embedded")
    func weaveFixture() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let chapter = root.appendingPathComponent("Chapters/01-Demo")
        try FileManager.default.createDirectory(at: chapter, withIntermediateDirectories: true)
        let source = """
            /*:
             # Chapter 1 — Demo

             Intro text.

                 a = b + c
             */
            import Foundation // weave: hide
            // weave: begin-hide
            let hidden = 1
            // weave: end
            func helper() { say("from helper") }
            say("first")
            //: Between the two.
            helper()
            say("second")
            show(figure, caption: "What to notice.")
            // weave: include Demo.step
            save(figure)
            /*:
             ## Summary
             */
            """
        try Data(source.utf8).write(to: chapter.appendingPathComponent("main.swift"))
        // A stand-in for the chapter's executable: what a chapter prints under MOBL_WEAVE=1.
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("ch01")
        try Data("""
            #!/bin/sh
            [ "$MOBL_WEAVE" = 1 ] || exit 3
            printf '@weave 13\\nfirst\\n@weave 16\\nsecond\\n@weave 12\\nfrom helper\\n@weave 17 shown ch01-shown What to notice.\\n@weave 19 figure ch01-demo A demo figure\\n'
            """.utf8).write(to: fake)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        // The library the include directive reads: Demo.step, and a top-level step that must not match.
        let library = root.appendingPathComponent("Sources/Lib")
        try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
        try Data("""
            public struct Demo {
                /// Documentation stays in the library.
                public func step(_ k: Int) -> Int {
                    // the box's line
                    k + 1
                }
            }

            func step() {}

            """.utf8).write(to: library.appendingPathComponent("Demo.swift"))
        let book = root.appendingPathComponent("book")
        let run = try runProcess(binaryDirectory.appendingPathComponent("weave"),
                                 ["--output", book.path, "--bin", bin.path, "--chapters", root.appendingPathComponent("Chapters").path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let page = try String(contentsOf: book.appendingPathComponent("01-Demo.md"), encoding: .utf8)
        let expected = """
            # Chapter 1 — Demo

            Intro text.

                a = b + c

            ```swift
            func helper() { say("from helper") }
            say("first")
            ```

            ```text
            first
            ```

            Between the two.

            ```swift
            helper()
            say("second")
            show(figure, caption: "What to notice.")
            ```

            ```text
            second
            from helper
            ```

            ![Figure 1.1](../figures/ch01-shown.svg)

            **Figure 1.1** — What to notice.

            `Demo.step`, from `Sources/Lib/Demo.swift`:

            ```swift
            public func step(_ k: Int) -> Int {
                // the box's line
                k + 1
            }
            ```

            ```swift
            save(figure)
            ```

            ![Figure 1.2](../figures/ch01-demo.svg)

            **Figure 1.2** — A demo figure

            ## Summary

            """
        #expect(page == expected, "woven page:\n\(page)")
        let contents = try String(contentsOf: book.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(contents.contains("1. [Chapter 1 — Demo](01-Demo.md)"))

        // An include that names nothing, or two things, stops the weaver with the reason.
        for (name, reason) in [("Demo.nothing", "no such declaration"), ("Nothing", "no such declaration")] {
            try Data(source.replacingOccurrences(of: "include Demo.step", with: "include \(name)").utf8)
                .write(to: chapter.appendingPathComponent("main.swift"))
            let bad = try runProcess(binaryDirectory.appendingPathComponent("weave"),
                                     ["--output", book.path, "--bin", bin.path, "--chapters", root.appendingPathComponent("Chapters").path])
            #expect(bad.status == 1 && bad.stderr.contains(reason) && bad.stderr.contains(name), "stderr: \(bad.stderr)")
        }
    }

    @Test("The weaver, interrupted (SIGINT, SIGTERM) while a chapter runs, stops it and leaves no scratch folder",
          arguments: [SIGINT, SIGTERM])
    func weaveInterrupted(signal: Int32) throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let chapter = root.appendingPathComponent("Chapters/01-Slow")
        try FileManager.default.createDirectory(at: chapter, withIntermediateDirectories: true)
        try Data("//: text\n".utf8).write(to: chapter.appendingPathComponent("main.swift"))
        // A chapter that makes its --output folder inside the weaver's scratch folder, then takes a while.
        let bin = root.appendingPathComponent("bin"), scratchParent = root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: scratchParent, withIntermediateDirectories: true)
        try Data("#!/bin/sh\nmkdir -p \"$2\"\nexec sleep 30\n".utf8).write(to: bin.appendingPathComponent("ch01"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("ch01").path)
        let process = Process()
        process.executableURL = binaryDirectory.appendingPathComponent("weave")
        process.arguments = ["--output", root.appendingPathComponent("book").path, "--bin", bin.path,
                             "--chapters", root.appendingPathComponent("Chapters").path]
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": scratchParent.path]) { _, new in new }
        process.standardError = FileHandle.nullDevice
        try process.run()
        let scratch = { try FileManager.default.contentsOfDirectory(atPath: scratchParent.path) }
        let deadline = Date().addingTimeInterval(20)
        // Wait until the chapter has made its folder inside the scratch folder.
        while Date() < deadline, try scratch().first.map({ try !FileManager.default.contentsOfDirectory(atPath:
            scratchParent.appendingPathComponent($0).path).isEmpty }) != true {
            Thread.sleep(forTimeInterval: 0.01)
        }
        try #require(try !scratch().isEmpty, "the weaver never made its scratch folder")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        try #require(process.terminationReason == .exit && process.terminationStatus == 128 + signal,
                     "the weaver did not stop on the signal: reason \(process.terminationReason.rawValue), status \(process.terminationStatus)")
        let left = try scratch()
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("The weaver refuses a chapter that fails, naming it")
    func weaveFailingChapter() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let chapter = root.appendingPathComponent("Chapters/02-Broken")
        try FileManager.default.createDirectory(at: chapter, withIntermediateDirectories: true)
        try Data("//: text\n".utf8).write(to: chapter.appendingPathComponent("main.swift"))
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try Data("#!/bin/sh\nexit 4\n".utf8).write(to: bin.appendingPathComponent("ch02"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("ch02").path)
        let run = try runProcess(binaryDirectory.appendingPathComponent("weave"),
                                 ["--output", root.appendingPathComponent("book").path, "--bin", bin.path,
                                  "--chapters", root.appendingPathComponent("Chapters").path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("ch02") && run.stderr.contains("status 4"), "stderr: \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("book/02-Broken.md").path))
    }

    @Test("The committed book is current: weaving the chapters' default runs gives the same files", .tags(.defaultRun))
    func bookIsCurrent() throws {
        let dir = try temporaryDirectory(), runs = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir); try? FileManager.default.removeItem(at: runs) }
        // The weaver reads the shared default runs (the figures check reads the same ones).
        for chapter in allChapters {
            let run = try ChapterRuns.shared.defaultRun(chapter.name)
            try #require(run.status == 0, "\(chapter.name): \(run.stderr)")
            try Data(run.stdout.utf8).write(to: runs.appendingPathComponent("\(chapter.name).out"))
        }
        // A --bin folder without the chapters: the weaver must not run any chapter itself.
        let run = try runProcess(binaryDirectory.appendingPathComponent("weave"),
                                 ["--output", dir.path, "--bin", runs.appendingPathComponent("no-binaries").path, "--runs", runs.path,
                                  "--chapters", packageRoot.appendingPathComponent("Chapters").path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let woven = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let committed = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("book").path)
            .filter { $0.hasSuffix(".md") }.sorted()
        // book/ holds the woven pages and the front matter, written by hand and listed in the contents.
        let contents = try String(contentsOf: dir.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(Set(woven).isSubset(of: committed), "book/ lacks pages the chapters give; run make book")
        for page in committed where !woven.contains(page) {
            #expect(contents.contains("](\(page))"), "book/\(page) is neither woven nor front matter in the contents")
        }
        for page in woven {
            let fresh = try String(contentsOf: dir.appendingPathComponent(page), encoding: .utf8)
            let old = try String(contentsOf: packageRoot.appendingPathComponent("book/\(page)"), encoding: .utf8)
            #expect(fresh == old, "book/\(page) is out of date; run make book")
        }
        // Every figure the book embeds is committed.
        for page in woven {
            let text = try String(contentsOf: dir.appendingPathComponent(page), encoding: .utf8)
            for match in text.matches(of: /\]\(\.\.\/figures\/([a-z0-9-]+\.svg)\)/) {
                #expect(FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent("figures/\(match.1)").path))
            }
        }
    }
}
