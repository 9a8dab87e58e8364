// weave — turns every chapter into a page of the book.
//
//     swift run -c release weave [--output book] [--bin .build/release] [--runs DIR]
//
// For each folder Chapters/NN-Title/ it runs the chapter's executable chNN (default
// flags, figures into a scratch folder) with MOBL_WEAVE=1, so that every output is
// preceded by a marker naming the source line that printed it, and writes
// book/NN-Title.md:
//
// - prose (`/*: … */` blocks and `//:` lines) becomes Markdown, dedented, so that
//   indented math stays preformatted;
// - code becomes fenced `swift` blocks, without the lines marked `// weave: hide` or
//   enclosed in `// weave: begin-hide` … `// weave: end`;
// - `// weave: include WCMHGD.step` (or a top-level `chebyshevWeights`) puts that library
//   declaration's source into the page at that point, from its one file under Sources/,
//   naming the file (the book test fails when the woven copy is stale);
// - the output printed from a block of code follows it as a `text` block, and each
//   figure shown there (`show(figure, caption:)`) or saved there is embedded as
//   ![Figure N.k](../figures/slug.svg) with the caption "**Figure N.k** — …", numbered
//   per chapter.
//
// The contents (book/README.md) also link the front matter written by hand in book/
// (how-to-use, swift-primer, notation, methods, references) where those pages exist.
//
// With `--runs DIR` it reads chNN's marked output from DIR/chNN.out where that file
// exists, instead of running chNN again (the tests run every chapter once and hand
// those runs to the weaver).
//
// It also writes book/README.md, the table of contents. Everything is deterministic:
// weaving twice gives the same bytes, which a test checks against the committed book.
import Foundation

struct Failure: Error, CustomStringConvertible {
    let description: String
}

enum Segment {
    case prose([String])
    /// Code lines and the source line numbers (1-based) they cover, hidden lines included.
    case code(lines: [String], first: Int, last: Int)
    /// A library declaration woven in from its one source: `// weave: include Name` or
    /// `// weave: include Type.member`.
    case include(String)
}

/// Splits a chapter's source into prose and code.
func segments(of source: String) throws -> [Segment] {
    let lines = source.components(separatedBy: "\n")
    var result: [Segment] = []
    var code: [String] = [], codeFirst = 0
    var i = 0
    func flushCode(upTo last: Int) {
        while code.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeFirst() }
        while code.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeLast() }
        if codeFirst > 0 && codeFirst <= last { result.append(.code(lines: code, first: codeFirst, last: last)) }
        code = []
        codeFirst = 0
    }
    var hiding = false
    while i < lines.count {
        let line = lines[i]
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let number = i + 1
        if hiding {
            if trimmed == "// weave: end" { hiding = false }
            if codeFirst == 0 { codeFirst = number }
            i += 1
            continue
        }
        if trimmed == "// weave: begin-hide" {
            hiding = true
            if codeFirst == 0 { codeFirst = number }
            i += 1
            continue
        }
        if trimmed.hasPrefix("/*:") {
            flushCode(upTo: number - 1)
            var prose: [String] = []
            let rest = String(trimmed.dropFirst(3))
            if let end = rest.range(of: "*/") {
                prose.append(String(rest[..<end.lowerBound]))
                i += 1
            } else {
                if !rest.trimmingCharacters(in: .whitespaces).isEmpty { prose.append(rest) }
                i += 1
                while i < lines.count && !lines[i].contains("*/") {
                    prose.append(lines[i])
                    i += 1
                }
                guard i < lines.count else {
                    throw Failure(description: "line \(number): a /*: block never ends with */")
                }
                let last = lines[i].components(separatedBy: "*/")[0]
                if !last.trimmingCharacters(in: .whitespaces).isEmpty { prose.append(last) }
                i += 1
            }
            result.append(.prose(dedent(prose)))
            continue
        }
        if trimmed.hasPrefix("//:") {
            flushCode(upTo: number - 1)
            var prose: [String] = []
            while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("//:") {
                var text = String(lines[i].trimmingCharacters(in: .whitespaces).dropFirst(3))
                if text.hasPrefix(" ") { text.removeFirst() }
                prose.append(text)
                i += 1
            }
            result.append(.prose(prose))
            continue
        }
        if trimmed.hasPrefix("// weave: include ") {
            flushCode(upTo: number - 1)
            let name = trimmed.dropFirst("// weave: include ".count).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.contains(" ") else {
                throw Failure(description: "line \(number): '// weave: include' needs one name, like WCMHGD.step")
            }
            result.append(.include(name))
            i += 1
            continue
        }
        if codeFirst == 0 { codeFirst = number }
        if !trimmed.hasSuffix("// weave: hide") { code.append(line) }
        i += 1
    }
    flushCode(upTo: lines.count)
    guard !hiding else { throw Failure(description: "a // weave: begin-hide region never reaches // weave: end") }
    return result
}

/// Removes the indentation common to the non-blank lines, and blank lines at both ends.
func dedent(_ lines: [String]) -> [String] {
    var lines = lines.map { $0.replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression) }
    while lines.first?.isEmpty == true { lines.removeFirst() }
    while lines.last?.isEmpty == true { lines.removeLast() }
    let indent = lines.filter { !$0.isEmpty }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
    return lines.map { $0.isEmpty ? $0 : String($0.dropFirst(indent)) }
}

/// One thing the chapter printed: text, or a saved figure, with the source line that did it.
enum Output {
    case text(String)
    /// A figure: shown where it is discussed (with its caption), or saved at the end (its title).
    case figure(slug: String, caption: String)
}

/// Splits the chapter's marked output into (source line, output) pairs.
func outputs(of stdout: String) -> [(line: Int, output: Output)] {
    var result: [(Int, Output)] = []
    var line = 0
    for text in stdout.components(separatedBy: "\n") {
        if text.hasPrefix("@weave ") {
            let words = text.split(separator: " ", maxSplits: 4).map(String.init)
            line = Int(words[1]) ?? line
            if words.count >= 4 && (words[2] == "figure" || words[2] == "shown") {
                result.append((line, .figure(slug: words[3], caption: words.count > 4 ? words[4] : words[3])))
            }
            continue
        }
        result.append((line, .text(text)))
    }
    return result
}

/// The chapter's page: segments in order, each code segment followed by what it printed.
func page(
    _ parts: [Segment], _ printed: [(line: Int, output: Output)], chapter: Int, library: Library
) throws -> String {
    let codeIndices = parts.indices.filter { if case .code = parts[$0] { return true } else { return false } }
    var attached: [Int: [Output]] = [:]
    var current = codeIndices.first ?? 0
    for (line, output) in printed {
        // The code segment holding the line; output from a helper defined earlier
        // stays with the code that is running now (the book never goes backwards).
        let holder =
            codeIndices.last { index in
                if case .code(_, let first, _) = parts[index] { return first <= line } else { return false }
            } ?? current
        current = max(current, holder)
        attached[current, default: []].append(output)
    }
    var blocks: [String] = []
    var figureNumber = 0
    for (index, part) in parts.enumerated() {
        switch part {
        case .prose(let lines):
            if !lines.isEmpty { blocks.append(lines.joined(separator: "\n")) }
        case .code(let lines, _, _):
            if !lines.isEmpty { blocks.append("```swift\n" + dedent(lines).joined(separator: "\n") + "\n```") }
        case .include(let name):
            let found = try library.declaration(name)
            blocks.append("`\(name)`, from `\(found.file)`:")
            blocks.append("```swift\n" + dedent(found.lines).joined(separator: "\n") + "\n```")
        }
        var text: [String] = []
        func flushText() {
            var lines = text
            while lines.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeFirst() }
            while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
            if !lines.isEmpty { blocks.append("```text\n" + lines.joined(separator: "\n") + "\n```") }
            text = []
        }
        for output in attached[index] ?? [] {
            switch output {
            case .text(let line): text.append(line)
            case .figure(let slug, let caption):
                flushText()
                figureNumber += 1
                let label = "Figure \(chapter).\(figureNumber)"
                blocks.append("![\(label)](../figures/\(slug).svg)")
                blocks.append("**\(label)** — \(caption)")
            }
        }
        flushText()
    }
    return blocks.joined(separator: "\n\n") + "\n"
}

/// The library's sources, where `// weave: include` finds a declaration.
struct Library {
    /// Swift files under the sources folder, as paths relative to the package root.
    let files: [(path: String, lines: [String])]

    /// Reads every Swift file under `sources` (a symbolic link to the folder is followed);
    /// the paths the pages name start at the folder's own name (`Sources/MOBL/…`).
    init(sources: URL) throws {
        let fileManager = FileManager.default
        let folder = sources.resolvingSymlinksInPath()
        guard let walker = fileManager.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            throw Failure(description: "cannot read the sources folder \(sources.path)")
        }
        var files: [(String, [String])] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let inside = url.resolvingSymlinksInPath().path.replacingOccurrences(of: folder.path + "/", with: "")
            files.append(
                (
                    sources.lastPathComponent + "/" + inside,
                    try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
                ))
        }
        self.files = files.sorted { $0.0 < $1.0 }
    }

    /// The source of `name` — a top-level function or type (`chebyshevWeights`,
    /// `FORUMDirection`) or a member of a type (`WCMHGD.step`): its declaration through its
    /// closing brace, without the `///` documentation above it (the chapter's prose says it).
    ///
    /// - Throws: `Failure` when no declaration or more than one has that name.
    func declaration(_ name: String) throws -> (file: String, lines: [String]) {
        let parts = name.split(separator: ".").map(String.init)
        guard (1...2).contains(parts.count),
            parts.allSatisfy({ $0.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil })
        else {
            throw Failure(description: "'// weave: include \(name)': a name is Name or Type.member")
        }
        let modifiers = #"^\s*((public|internal|private|fileprivate|static|final|mutating|nonisolated)\s+)*"#
        let member = parts.last!
        let declaration =
            modifiers + #"(func\s+"# + member + #"\s*[(<]|(struct|enum|class|protocol|actor)\s+"# + member + #"\b)"#
        var found: [(file: String, lines: [String])] = []
        for (path, lines) in files {
            // Type.member: only inside the body of `struct/enum/class/extension Type`; Name: only at the top level.
            var insideType = false
            for (i, line) in lines.enumerated() {
                if let m = line.firstMatch(of: /^(?:public\s+|final\s+)*(?:struct|enum|class|extension|actor)\s+(\w+)/)
                {
                    insideType = parts.count == 2 && m.1 == parts[0]
                } else if line == "}" {
                    insideType = false
                }
                let indent = String(line.prefix { $0 == " " })
                let wanted = parts.count == 1 ? indent.isEmpty : insideType && !indent.isEmpty
                guard wanted, line.range(of: declaration, options: .regularExpression) != nil else { continue }
                guard let end = lines[i...].firstIndex(where: { $0 == indent + "}" }) else {
                    throw Failure(description: "\(path):\(i + 1): \(name) has no closing brace at its indentation")
                }
                found.append((path, Array(lines[i...end])))
            }
        }
        guard found.count == 1 else {
            throw Failure(
                description: found.isEmpty
                    ? "'// weave: include \(name)': no such declaration under Sources"
                    : "'// weave: include \(name)': \(found.count) declarations (\(found.map(\.file).joined(separator: ", "))); name one"
            )
        }
        return found[0]
    }
}

/// What an interrupt must clean up: the scratch folder, and the chapter running into it.
final class Cleanup: @unchecked Sendable {
    static let shared = Cleanup()
    private let lock = NSLock()
    private var folder: URL?
    private var child: Process?
    private var sources: [DispatchSourceSignal] = []

    /// On SIGINT, SIGTERM or SIGHUP: stop the running chapter, remove the scratch folder, and
    /// exit with 128 + the signal's number (the shell's convention for a run ended by a signal).
    func install(scratch: URL) {
        lock.withLock { folder = scratch }
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)  // delivered to the source below instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                // The lock is never released: the main thread, which sees its chapter end, must not
                // go on to report that as a failure of its own while this exits.
                lock.lock()
                if let child, child.isRunning {
                    child.terminate()
                    child.waitUntilExit()
                }
                if let folder { try? FileManager.default.removeItem(at: folder) }
                exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }

    func running(_ process: Process?) { lock.withLock { child = process } }
}

func run(_ executable: URL, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["MOBL_WEAVE"] = "1"
    // The book shows each chapter's default run: never the real-data run MOBL_DATA would select.
    environment["MOBL_DATA"] = nil
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    Cleanup.shared.running(process)
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    Cleanup.shared.running(nil)
    guard process.terminationStatus == 0 else {
        throw Failure(
            description:
                "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)"
        )
    }
    return String(decoding: data, as: UTF8.self)
}

func main() throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var outputFolder = "book", binaries = ".build/release", chaptersFolder = "Chapters"
    var runsFolder: String?, sourcesFolder: String?
    while let flag = arguments.first {
        arguments.removeFirst()
        guard let value = arguments.first else { throw Failure(description: "\(flag) needs a value") }
        arguments.removeFirst()
        switch flag {
        case "--output": outputFolder = value
        case "--bin": binaries = value
        case "--chapters": chaptersFolder = value
        case "--runs": runsFolder = value
        case "--sources": sourcesFolder = value
        default:
            throw Failure(
                description:
                    "unknown flag \(flag); the flags are --output DIR, --bin DIR, --chapters DIR, --runs DIR, --sources DIR"
            )
        }
    }
    let fileManager = FileManager.default
    let folders = try fileManager.contentsOfDirectory(atPath: chaptersFolder)
        .filter { $0.range(of: #"^[0-9]{2}-"#, options: .regularExpression) != nil }.sorted()
    guard !folders.isEmpty else { throw Failure(description: "no chapter folders NN-Title in \(chaptersFolder)") }
    let book = URL(fileURLWithPath: outputFolder, isDirectory: true)
    // The package: the folder that holds the chapters' folder; its Sources/ is the library.
    let root = URL(fileURLWithPath: chaptersFolder, isDirectory: true).deletingLastPathComponent()
    let library = try Library(
        sources: sourcesFolder.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? root.appendingPathComponent("Sources", isDirectory: true))
    try fileManager.createDirectory(at: book, withIntermediateDirectories: true)
    let scratch = fileManager.temporaryDirectory.appendingPathComponent("weave-\(UUID().uuidString)")
    Cleanup.shared.install(scratch: scratch)
    defer { try? fileManager.removeItem(at: scratch) }
    var contents: [String] = []
    for folder in folders {
        let number = String(folder.prefix(2))
        let source = try String(contentsOfFile: "\(chaptersFolder)/\(folder)/main.swift", encoding: .utf8)
        let executable = URL(fileURLWithPath: binaries).appendingPathComponent("ch\(number)")
        let saved = runsFolder.map { URL(fileURLWithPath: $0).appendingPathComponent("ch\(number).out") }
        let stdout: String
        if let saved, fileManager.fileExists(atPath: saved.path) {
            stdout = try String(contentsOf: saved, encoding: .utf8)
        } else {
            stdout = try run(executable, ["--output", scratch.appendingPathComponent(number).path])
        }
        let parts = try segments(of: source)
        let text: String
        do {
            text = try page(parts, outputs(of: stdout), chapter: Int(number) ?? 0, library: library)
        } catch {
            throw Failure(description: "\(chaptersFolder)/\(folder)/main.swift: \(error)")
        }
        try Data(text.utf8).write(to: book.appendingPathComponent("\(folder).md"), options: .atomic)
        let heading = text.split(separator: "\n").first { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)) } ?? folder
        contents.append("\(Int(number) ?? contents.count + 1). [\(heading)](\(folder).md)")
        FileHandle.standardError.write(Data("wove \(book.path)/\(folder).md\n".utf8))
    }
    // The front matter is written by hand in book/; the contents link the pages that exist.
    let frontMatter = [
        ("how-to-use.md", "How to use this course: who it is for, prerequisites, time per chapter, a map"),
        ("swift-primer.md", "A Swift primer: just enough Swift to read the chapters"),
        ("notation.md", "Notation: one meaning per symbol in the whole course"),
        ("methods.md", "Methods at a glance: updates, oracles, memory, guarantees, sources"),
        ("references.md", "References: every work the course cites"),
    ].filter { fileManager.fileExists(atPath: root.appendingPathComponent("book/\($0.0)").path) }
    let front = frontMatter.map { "- [\($0.1.components(separatedBy: ":")[0])](\($0.0))\($0.1.drop { $0 != ":" })" }
    let readme = """
        # Multi-objective bilevel learning, built up in Swift — the book

        Each chapter below is its program, `Chapters/NN-Title/main.swift`, woven with what it \
        printed and the figures it drew, in the order they happen: prose, then the code, then \
        its output. Read them in order; run any of them with `swift run -c release chNN` \
        (or `make chapter N=…`) and you get the same numbers. `make book` weaves them again.
        \(front.isEmpty ? "" : "\nBefore you start:\n\n" + front.joined(separator: "\n") + "\n")
        The chapters:

        \(contents.joined(separator: "\n"))

        Worked solutions to the exercises, each answered by running something: [solutions/](solutions/README.md).
        The course's overview, requirements and commands: [the README](../README.md).

        """
    try Data(readme.utf8).write(to: book.appendingPathComponent("README.md"), options: .atomic)
}

do {
    try main()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
