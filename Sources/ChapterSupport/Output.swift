import Foundation
import MOBL

// What a chapter prints, and how the book finds where it printed it.
//
// Every line a chapter shows goes through `section`, `say` and `show`, so the output
// is the same bytes on every run (fixed number formats, no timestamps). Each takes
// the source line of its call (`#line`): when the chapter runs under the weaver
// (environment variable MOBL_WEAVE=1), a marker line `@weave <line>` precedes the
// output of each new call site, and `save` marks each figure, so that `make book`
// can put every output right after the code that printed it.
//
// Output is written line by line, unbuffered, so a run whose output goes to a log
// shows each line as soon as it is printed.

/// The environment variable that makes a chapter mark its output for the weaver.
public let weaveVariable = "MOBL_WEAVE"

private let weaving = ProcessInfo.processInfo.environment[weaveVariable] == "1"
nonisolated(unsafe) private var lastMarkedLine: UInt = 0
/// Whether the last thing shown was a section heading (a table right under it needs no gap).
nonisolated(unsafe) private var afterHeading = true

private func emit(_ text: String, line: UInt, heading: Bool = false) {
    afterHeading = heading
    if weaving && line != lastMarkedLine {
        write("@weave \(line)")
        lastMarkedLine = line
    }
    write(text)
}

private func write(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// A section heading, underlined.
public func section(_ title: String, line: UInt = #line) {
    emit("\n" + title + "\n" + String(repeating: "=", count: title.count), line: line, heading: true)
}

/// One or more lines of output.
public func say(_ text: String, line: UInt = #line) {
    emit(text, line: line)
}

/// Prints a table aligned (see ``Table/text``), set off by a blank line from any
/// output before it other than its section's heading.
public func show(_ table: Table, line: UInt = #line) {
    emit((afterHeading ? "" : "\n") + table.text, line: line)
}

/// The figures shown so far, which the chapter's ``save(figures:tables:timings:flags:impliedFlags:tablesStem:line:)``
/// writes with the rest of its files, as one set.
nonisolated(unsafe) private var shownFigures: [Figure] = []

/// Shows a figure at the point of the chapter that discusses it: the book places it
/// here, numbered ("Figure 1.2") with its caption, which says what to notice. The
/// script itself is written by the chapter's `save`, with all its other files at once.
///
/// An invalid figure (see ``Figure/script()``) ends the chapter here, with its reason.
public func show(_ figure: Figure, caption: String, line: UInt = #line) {
    do { _ = try figure.script() } catch { fail("figure \(figure.slug) is invalid: \(error)") }
    guard !shownFigures.contains(where: { $0.slug == figure.slug }) else {
        fail("figure \(figure.slug) is shown twice; each figure is shown once, where it is discussed")
    }
    shownFigures.append(figure)
    if weaving {
        let oneLine = caption.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        write("@weave \(line) shown \(figure.slug) \(oneLine.joined(separator: " "))")
        lastMarkedLine = 0
    }
}

/// Places, where it is discussed, a figure that this run does not draw but the repository
/// keeps from another run of the chapter (Chapter 8's real-data run, drawn only with its
/// data): the woven page embeds `figures/<slug>.svg` with its caption, numbered with the
/// chapter's other figures; a terminal reader is told where the figure is.
public func showSaved(_ slug: String, caption: String, line: UInt = #line) {
    say("(figure: figures/\(slug).svg, from a run with other flags; its script's header names them)", line: line)
    if weaving {
        let oneLine = caption.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        write("@weave \(line) shown \(slug) \(oneLine.joined(separator: " "))")
        lastMarkedLine = 0
    }
}

/// Prints `error: <message>` to standard error and exits with status 1.
public func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(1)
}

/// Where a long computation has got to, on standard error (never in the chapter's
/// output): shown only once the chapter has run for 2 s (the environment variable
/// MOBL_PROGRESS_AFTER sets another number of seconds), then at most twice a second,
/// so a short run prints nothing and a long one run into a log is never silent.
public func progress(_ message: @autoclosure () -> String) {
    let now = Date()
    guard now.timeIntervalSince(ProgressClock.start) >= ProgressClock.after,
        now.timeIntervalSince(ProgressClock.last) > 0.5
    else { return }
    ProgressClock.last = now
    FileHandle.standardError.write(Data("progress: \(message())\n".utf8))
}

/// When the chapter started (set when its flags are parsed) and when progress was last shown.
enum ProgressClock {
    static let start = Date()
    static let after = ProcessInfo.processInfo.environment["MOBL_PROGRESS_AFTER"].flatMap(Double.init) ?? 2
    nonisolated(unsafe) static var last = Date.distantPast
}

/// Writes a chapter's figure scripts and its tables file into `--output`, as one set,
/// and says where (in the book: embeds each figure where it is saved).
///
/// - The figures are those the chapter has shown (``show(_:caption:line:)``, which the
///   book places where they are discussed) followed by `unshown` ones (which the book
///   places here); `tables` are the chapter's tables that no figure
///   plots, saved as datablocks in `chNN-tables.dat` (chNN from the first figure's
///   slug) so that readers and tests can load the numbers behind every claim.
/// - Every file is built (and so checked) first, then written to a temporary file
///   beside its target; only when all are written are they renamed into place, with
///   interrupt and termination signals held back for those few renames. A run killed
///   at any point leaves either the old set whole or the new set whole, and no
///   temporary file (a run killed with SIGKILL mid-write leaves temporary files, which
///   the next save removes).
/// - `timings` (wall times, see ``timingsTable(_:)``) go to `chNN-timings.dat`, and only
///   when the run was given `--timings`: they differ on every run, so the default
///   output stays deterministic. Its header names the machine (``machineDescription``).
/// - `impliedFlags` are flags the run took from elsewhere (Chapter 8's data folder from
///   MOBL_DATA is `["--data", "DIR"]`); the scripts' regenerate lines include them.
/// - `tablesStem` names the tables and timings files in place of chNN, for a run whose
///   tables must not replace the default run's (Chapter 8's real run: `ch08-real`).
/// - On failure prints the reason and exits with status 1.
public func save(
    figures unshown: [Figure] = [], tables: [Table] = [], timings: Table? = nil, flags: CommonFlags,
    impliedFlags: [String] = [], tablesStem: String? = nil, line: UInt = #line
) {
    let figures = shownFigures + unshown
    guard let chapter = figures.first.map({ String($0.slug.prefix(4)) }) else { fail("save needs at least one figure") }
    let stem = tablesStem ?? chapter
    var files: [(name: String, text: String)] = []
    for var figure in figures {
        figure.command = flags.reproducingCommand(figure.slug, implied: impliedFlags)
        do { files.append(("\(figure.slug).gp", try figure.script())) } catch {
            fail("figure \(figure.slug) is invalid: \(error)")
        }
    }
    if !tables.isEmpty {
        do {
            let blocks = try tables.map { try $0.dataBlock.scriptText }
            let header = [
                "# The tables of \(stem) that no figure plots, as gnuplot datablocks (first line: column names).",
                "# Regenerate: swift run -c release \(flags.reproducingCommand(chapter, implied: impliedFlags))", "",
            ]
            files.append(("\(stem)-tables.dat", (header + blocks.flatMap { [$0, ""] }).joined(separator: "\n")))
        } catch { fail("a table of \(chapter) is invalid: \(error)") }
    }
    if let timings, flags.timings {
        do {
            let header = [
                "# Wall times of \(stem)'s comparison runs on the machine that wrote this file (not deterministic).",
                "# Machine: \(machineDescription)",
                "# Regenerate: swift run -c release \(flags.reproducingCommand(chapter, implied: impliedFlags))", "",
            ]
            files.append(
                ("\(stem)-timings.dat", (header + [try timings.dataBlock.scriptText, ""]).joined(separator: "\n")))
        } catch { fail("the timings of \(chapter) are invalid: \(error)") }
    }
    do {
        try writeAsOneSet(files, into: flags.outputDirectory, prefix: chapter)
    } catch {
        fail("could not write the figures of \(chapter) into --output \(flags.output): \(error)")
    }
    for figure in figures {
        if weaving && !shownFigures.contains(where: { $0.slug == figure.slug }) {
            write("@weave \(line) figure \(figure.slug) \(figure.title)")
            lastMarkedLine = 0
        } else if !weaving {
            write("wrote \(flags.output)/\(figure.slug).gp")
        }
    }
    if !tables.isEmpty && !weaving { write("wrote \(flags.output)/\(chapter)-tables.dat") }
    if timings != nil && flags.timings && !weaving { write("wrote \(flags.output)/\(chapter)-timings.dat") }
}

/// The machine a timings file was measured on, for its `# Machine:` line: the logical
/// cores and the operating system (what the closing chapter quotes beside wall times).
public var machineDescription: String {
    let info = ProcessInfo.processInfo
    return
        "\(info.activeProcessorCount) logical cores, \(info.physicalMemory / (1 << 30)) GiB, \(info.operatingSystemVersionString)"
}

/// Writes `files` into `directory` so that a reader sees the old set or the new set,
/// never a mix: see ``save(figures:tables:timings:flags:impliedFlags:line:)``. Temporary files are named
/// `.<prefix>-<name>.tmp`; stale ones from a killed run are removed first.
func writeAsOneSet(_ files: [(name: String, text: String)], into directory: URL, prefix: String) throws {
    let fileManager = FileManager.default
    try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
    for file in files {
        var isDirectory: ObjCBool = false
        let target = directory.appendingPathComponent(file.name)
        if fileManager.fileExists(atPath: target.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw InvalidInput("file", target.path, "is a folder, so it cannot be replaced by the chapter's file")
        }
    }
    for stale in (try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? []
    where stale.hasPrefix(".\(prefix)-") && stale.hasSuffix(".tmp") {
        try? fileManager.removeItem(at: directory.appendingPathComponent(stale))
    }
    // Hold back the signals that end a run from a terminal, a log or a test, until the set is in place.
    var held = endingSignals, previous = sigset_t()
    sigprocmask(SIG_BLOCK, &held, &previous)
    defer { sigprocmask(SIG_SETMASK, &previous, nil) }
    var temporaries: [URL] = []
    do {
        for file in files {
            let temporary = directory.appendingPathComponent(".\(prefix)-\(file.name).tmp")
            temporaries.append(temporary)
            try Data(file.text.utf8).write(to: temporary)
        }
        for (file, temporary) in zip(files, temporaries) {
            if savePause > 0 { Thread.sleep(forTimeInterval: savePause) }
            let target = directory.appendingPathComponent(file.name)
            guard rename(temporary.path, target.path) == 0 else {
                throw InvalidInput("file", target.path, "could not be replaced: \(String(cString: strerror(errno)))")
            }
        }
    } catch {
        for temporary in temporaries { try? fileManager.removeItem(at: temporary) }
        throw error
    }
}

/// The signals that end a run from a terminal, a log or a test: interrupt (Ctrl-C),
/// terminate, hang-up and quit.
private var endingSignals: sigset_t {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&set, signal) }
    return set
}

/// Lets the signals that end a run reach it. A program inherits its signal mask from
/// whatever started it, and some starters block these signals in the thread that starts
/// it (a test runner's worker threads do): such a chapter could not be stopped with
/// Ctrl-C or `kill`, and a save could not be interrupted at all. Every chapter calls
/// this as it starts (``CommonFlags`` does, while validating its flags); ``save(figures:tables:timings:flags:impliedFlags:tablesStem:line:)``
/// then holds the signals back only while it puts its files in place.
public func acceptEndingSignals() {
    var set = endingSignals
    sigprocmask(SIG_UNBLOCK, &set, nil)
}

/// For the tests only: seconds to wait before each rename of a save (environment variable
/// MOBL_SAVE_PAUSE; 0 when unset), so that a test can deliver a signal while a set is
/// half in place and see that it waits until the set is whole.
private let savePause = ProcessInfo.processInfo.environment["MOBL_SAVE_PAUSE"].flatMap(Double.init) ?? 0
