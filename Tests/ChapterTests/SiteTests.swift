import Foundation
import Testing
import TestSupport

/// The HTML edition (make site, scripts/build-site) and its browser check
/// (scripts/check-site): the pandoc filter on a fixture book; the whole book built and
/// every page loaded in headless Chromium; and the check shown to fail on planted defects.
@Suite("The HTML edition")
struct SiteTests {
    @Test("The filter on a fixture book: MathML with \\tag numbers, links to .html, figures with captions, contents, previous/next, one-page edition",
          .enabled(if: which("pandoc") != nil, pandocMissing))
    func fixtureBook() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeFixtureBook(at: root)
        let site = root.appendingPathComponent("site")
        let build = try runProcess(siteScript("build-site"), ["--root", root.path, "--output", site.path],
                                   environment: ["MOBL_NO_INSTALL": "1"])
        #expect(build.status == 0, "stderr: \(build.stderr)")
        #expect(build.stderr.isEmpty, "pandoc or the filter complained: \(build.stderr)")

        let chapter = try String(contentsOf: site.appendingPathComponent("book/01-Demo.html"), encoding: .utf8)
        // Math: inline and display MathML; the \tag as a number beside the formula, not in it.
        #expect(chapter.contains(#"<math display="inline""#))
        #expect(chapter.contains(#"<span id="eq-1.1" class="equation">"#))
        #expect(chapter.contains(#"<span class="eqno">(1.1)</span>"#))
        #expect(!visibleText(chapter).contains("\\tag"), "a \\tag left in the text")
        #expect(!visibleText(chapter).contains("$"), "a $ left in the text")
        // f(x) is set as TeX sets it: parentheses that are not \left…\right do not stretch.
        #expect(!chapter.contains(#"<mo stretchy="true" form="prefix">(</mo><mi>x</mi>"#))
        // Links between pages point to the HTML pages; anchors are kept.
        #expect(chapter.contains(#"href="solutions/01.html#answer""#))
        #expect(chapter.contains(#"href="README.html""#))
        #expect(chapter.contains(##"href="#eq-1.1""##))
        // The figure: the image as a block with its numbered caption, the file copied beside.
        #expect(chapter.contains(#"<div id="fig-1.1" class="figure">"#))
        #expect(chapter.contains(#"<div class="caption">"#))
        #expect(chapter.contains(#"src="../figures/ch01-demo.svg""#))
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("figures/ch01-demo.svg").path))
        #expect(chapter.contains("<table>"))
        #expect(chapter.contains(#"<code class="sourceCode swift">"#))
        // Contents and previous/next, in reading order: README, front matter, chapter, solutions.
        #expect(chapter.contains(#"<a class="prev" rel="prev" href="notation.html">"#))
        #expect(chapter.contains(#"<a class="next" rel="next" href="solutions/README.html">"#))
        #expect(chapter.contains(#"href="01-Demo.html" aria-current="page">1. A demo</a>"#))
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("url=book/README.html"))
        for page in ["book/README.html", "book/notation.html", "book/solutions/README.html", "book/solutions/01.html", "site.css"] {
            #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent(page).path), "missing \(page)")
        }

        // The one-page edition: every page once, in order, identifiers prefixed by page,
        // links between pages turned into links inside the one page.
        let print = root.appendingPathComponent("print")
        let single = try runProcess(siteScript("build-site"), ["--single-page", "--root", root.path, "--output", print.path],
                                    environment: ["MOBL_NO_INSTALL": "1"])
        #expect(single.status == 0, "stderr: \(single.stderr)")
        let book = try String(contentsOf: print.appendingPathComponent("book/book.html"), encoding: .utf8)
        let order = ["id=\"p-README\"", "id=\"p-notation\"", "id=\"p-01-Demo\"", "id=\"p-solutions-README\"", "id=\"p-solutions-01\""]
        let positions = order.map { book.range(of: $0)?.lowerBound }
        #expect(!positions.contains(nil), "pages missing from the one page: \(zip(order, positions).filter { $0.1 == nil }.map(\.0))")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "pages out of order")
        #expect(book.contains(##"href="#p-solutions-01--answer""##))
        #expect(book.contains(#"id="p-solutions-01--answer""#))
        #expect(book.contains(##"href="#p-01-Demo--eq-1.1""##))
        #expect(book.contains(#"src="../figures/ch01-demo.svg""#))
    }

    @Test("The build fails on a pandoc warning and on a link or image to a missing file, naming each",
          .enabled(if: which("pandoc") != nil, pandocMissing))
    func buildFailsLoudly() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeFixtureBook(at: root)
        try append("""

            Broken on purpose: $\\frac{a}$, [a page](no-such-page.md) and ![an image](../figures/no-such.svg).
            """, to: root.appendingPathComponent("book/01-Demo.md"))
        let build = try runProcess(siteScript("build-site"), ["--root", root.path, "--output", root.appendingPathComponent("site").path],
                                   environment: ["MOBL_NO_INSTALL": "1"])
        #expect(build.status != 0)
        #expect(build.stderr.contains("Could not convert TeX math"), "stderr: \(build.stderr)")
        #expect(build.stderr.contains("link to no-such-page.md: book/no-such-page.md does not exist"), "stderr: \(build.stderr)")
        #expect(build.stderr.contains("image ../figures/no-such.svg: figures/no-such.svg does not exist"), "stderr: \(build.stderr)")
    }

    @Test("Every page of the book in Chromium: no unrendered TeX, broken image, broken link or anchor, or blank page",
          .enabled(if: which("pandoc") != nil, pandocMissing), .enabled(if: which("chromium") != nil, chromiumMissing))
    func wholeBook() throws {
        let built = try BuiltSite.shared.get()
        #expect(built.build.status == 0, "make site failed:\n\(built.build.stderr)")
        #expect(built.build.stderr.isEmpty, "pandoc or the filter complained:\n\(built.build.stderr)")
        #expect(built.check.status == 0, "check-site found problems:\n\(built.check.stdout)\(built.check.stderr)")
        #expect(built.check.stdout.contains("check-site: no problems"), "stdout: \(built.check.stdout)")
        // Every page was loaded: the chapters, the solutions, the table of contents.
        let chapters = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("book").path)
            .filter { $0.hasSuffix(".md") }.count
        let solutions = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("book/solutions").path)
            .filter { $0.hasSuffix(".md") }.count
        let summary = built.check.stdout + built.check.stderr
        let checked = summary.firstMatch(of: /\((\d+) pages, (\d+) links, (\d+) images, (\d+) formulas checked\)/)
        #expect(checked != nil, "check-site said: \(summary)")
        if let checked {
            // Every .md page, the course's README and index.html.
            #expect(Int(checked.1) == chapters + solutions + 2, "pages checked: \(checked.1)")
            #expect(Int(checked.3)! >= 20, "images checked: \(checked.3)")
        }
        // The screenshot a reader's eye can check (kept in .build as the test's artefact).
        let png = try Data(contentsOf: screenshotFile)
        #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(screenshotFile.path) is not a screenshot")
    }

    @Test("The check fails on planted defects: an unrendered formula, a broken image, a broken link and anchor, a blank page",
          .enabled(if: which("pandoc") != nil, pandocMissing), .enabled(if: which("chromium") != nil, chromiumMissing))
    func plantedDefects() throws {
        let built = try BuiltSite.shared.get()
        let copy = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: copy) }
        let site = copy.appendingPathComponent("site")
        try FileManager.default.copyItem(at: built.folder, to: site)
        let chapters = try FileManager.default.contentsOfDirectory(atPath: site.appendingPathComponent("book").path)
            .filter { $0.range(of: #"^\d\d-.*\.html$"#, options: .regularExpression) != nil }.sorted()
        let page = try #require(chapters.first, "no chapter page in the built site")
        let pageURL = site.appendingPathComponent("book/\(page)")
        var html = try String(contentsOf: pageURL, encoding: .utf8)
        let end = try #require(html.range(of: "</main>"), "\(page) has no <main>")
        html.replaceSubrange(end, with: """
            <p>Planted formula: $\\frac{a}{b}$ stays TeX.</p>
            <p><img src="../figures/planted-missing.svg" alt="planted"></p>
            <p><a href="planted-missing.html">a planted link</a> and <a href="README.html#planted-missing-anchor">a planted anchor</a></p>
            </main>
            """)
        try Data(html.utf8).write(to: pageURL)
        try Data("<!DOCTYPE html><html><head><title>blank</title></head><body><main></main></body></html>".utf8)
            .write(to: site.appendingPathComponent("book/planted-blank.html"))

        let check = try runProcess(siteScript("check-site"), [site.path], environment: ["MOBL_NO_INSTALL": "1"])
        #expect(check.status == 1, "check-site passed a site with planted defects:\n\(check.stdout)\(check.stderr)")
        let expected = [
            "book/\(page): unrendered TeX ($…$): Planted formula: $\\frac{a}{b}$ stays TeX.",
            "book/\(page): unrendered TeX (a TeX command): Planted formula: $\\frac{a}{b}$ stays TeX.",
            "book/\(page): broken image: ../figures/planted-missing.svg",
            "book/\(page): broken link: planted-missing.html (no such file)",
            "book/\(page): broken anchor: README.html#planted-missing-anchor",
            "book/planted-blank.html: blank page: 0 characters of text, no image",
        ]
        let reported = Set(check.stdout.split(separator: "\n").map(String.init))
        for line in expected {
            #expect(reported.contains(line), "not reported: \(line)\ncheck-site said:\n\(check.stdout)")
        }
        // Nothing else: whatever the unplanted site already had, and the planted defects.
        let before = Set(built.check.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("check-site:") })
        let extra = reported.filter { !$0.hasPrefix("check-site:") && !before.contains($0) && !expected.contains($0) }
        #expect(extra.isEmpty, "reported beyond the planted defects: \(extra.sorted())")
    }
}

private let pandocMissing: Comment =
    "pandoc is not on PATH: apt-get install -y --no-install-recommends pandoc (CI installs it)"
private let chromiumMissing: Comment =
    "chromium is not on PATH, so the site's pages cannot be loaded: apt-get install -y --no-install-recommends chromium (CI installs it)"

/// Where the test keeps its screenshot of a chapter page, for a reader's eye.
private let screenshotFile = packageRoot.appendingPathComponent(".build/site-screenshot.png")

private func siteScript(_ name: String) -> URL { packageRoot.appendingPathComponent("scripts/\(name)") }

/// The whole book built once per test process (scripts/build-site) and checked once in
/// Chromium (scripts/check-site, which also takes the screenshot); shared by the tests that
/// read it. The folder is removed when the test process exits.
private struct BuiltSite: Sendable {
    let folder: URL
    let build: ProcessOutput
    let check: ProcessOutput

    static let shared: Result<BuiltSite, any Error> = Result {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mobl-site-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent("mobl-site-\(getpid())")) }
        let folder = root.appendingPathComponent("site")
        let build = try runProcess(siteScript("build-site"), ["--output", folder.path], environment: ["MOBL_NO_INSTALL": "1"])
        let check = try runProcess(siteScript("check-site"), ["--screenshot", screenshotFile.path, folder.path],
                                   environment: ["MOBL_NO_INSTALL": "1"])
        return BuiltSite(folder: folder, build: build, check: check)
    }
}

/// The text of an HTML page as a reader sees it, roughly: no tags, no MathML annotations
/// (which hold the TeX), no code.
private func visibleText(_ html: String) -> String {
    html.replacing(/<annotation[^>]*>[\s\S]*?<\/annotation>/, with: "")
        .replacing(/<code[^>]*>[\s\S]*?<\/code>/, with: "")
        .replacing(/<[^>]+>/, with: "")
}

private func append(_ text: String, to file: URL) throws {
    let old = try String(contentsOf: file, encoding: .utf8)
    try Data((old + text).utf8).write(to: file)
}

/// A small book with everything the filter handles: a table of contents that lists a front
/// matter page, a chapter with inline and numbered display math, a table, a code block, a
/// figure with its caption and links to other pages and anchors, and a solutions page.
private func writeFixtureBook(at root: URL) throws {
    let files: [String: String] = [
        "book/README.md": """
            # A demo course — the book

            Read [the notation](notation.md) first.

            1. [Chapter 1 — A demo](01-Demo.md)

            Solutions: [solutions/](solutions/README.md).
            """,
        "book/notation.md": """
            # Notation

            | symbol | meaning |
            |---|---|
            | $S$ | the number of objectives |
            """,
        "book/01-Demo.md": """
            # Chapter 1 — A demo

            Inline math $f_s(x) = \\|x - a\\|^2$ for $s = 1, \\dots, S$, and code `$0`.

            $$
            \\mathcal{G}(x) = \\min_{\\lambda \\in \\Delta_S} \\Big\\| \\sum_{s=1}^{S} \\lambda_s \\nabla f_s(x) \\Big\\|^2 \\tag{1.1}
            $$

            Equation [(1.1)](#eq-1.1) is the gap; the answer is in [the solutions](solutions/01.md#answer) and
            the contents in [the README](README.md).

            | method | calls |
            |---|--:|
            | WC-MHGD | 12 000 |

            ```swift
            let x = [1, 2].map { $0 * 2 }
            ```

            ![Figure 1.1](../figures/ch01-demo.svg)

            **Figure 1.1** — A demo figure: one line. Note that it is a line.
            """,
        "book/solutions/README.md": """
            # Worked solutions

            - [Chapter 1 — A demo](01.md)
            """,
        "book/solutions/01.md": """
            # Chapter 1 — A demo: solutions

            ## Answer

            The gap of [Chapter 1](../01-Demo.md#eq-1.1) is $0$ on the front.
            """,
        "figures/ch01-demo.svg": """
            <svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">\
            <line x1="10" y1="90" x2="190" y2="10" stroke="black"/></svg>
            """,
    ]
    for (path, text) in files {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data((text + "\n").utf8).write(to: url)
    }
}
