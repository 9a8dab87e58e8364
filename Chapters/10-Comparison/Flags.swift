import ArgumentParser
import ChapterSupport
import Foundation

/// Chapter 10's flags: the common ones, and the folder it reads the chapters' tables from.
struct Chapter10Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch10",
        abstract: "Chapter 10 — Choosing a method: the course's closing comparison.",
        discussion: """
            Runs nothing new: reads the comparison datablocks the chapters saved in their \
            chNN-tables.dat files (and their wall times from chNN-timings.dat, written by \
            `make timings`) from the folder --from, assembles one table of every method on every \
            problem — preference control and misalignment, final stationarity gap, oracle calls, \
            peak memory, wall time — and reads it as a researcher choosing a method would, every \
            sentence computed from the table. Refuses a missing folder or a file it cannot read. \
            Writes figures/ch10-gap-calls.gp, figures/ch10-alignment.gp and figures/ch10-tables.dat.
            """)

    @OptionGroup var common: CommonFlags

    @Option(
        help: ArgumentHelp("Folder holding the chapters' chNN-tables.dat and chNN-timings.dat files.", valueName: "dir")
    )
    var from = "figures"

    mutating func validate() throws {
        var isDirectory: ObjCBool = false
        guard !from.isEmpty else { throw ValidationError("--from must name a folder, got an empty string") }
        guard FileManager.default.fileExists(atPath: from, isDirectory: &isDirectory) else {
            throw ValidationError(
                "--from \(from): no such folder (it must hold the chapters' chNN-tables.dat files; run make figures)")
        }
        guard isDirectory.boolValue else { throw ValidationError("--from \(from) is a file: it must be a folder") }
    }
}
