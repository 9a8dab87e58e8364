import ArgumentParser
import ChapterSupport

/// Chapter 2's flags: the common ones, and the size of the ridge-tuning data.
struct Chapter02Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch02",
        abstract: "Chapter 2 — Bilevel problems and hypergradients (ridge-regression tuning).",
        discussion: """
            Derives the hypergradient from the implicit function theorem; computes it by AID \
            (conjugate gradient, Neumann series) and by ITD (unrolled inner steps); checks it \
            against the closed form and central finite differences; and shows ITD converging \
            to AID as the number of unrolled steps grows. Writes figures/ch02-ridge.gp, \
            figures/ch02-itd.gp and figures/ch02-tables.dat.
            """)

    @OptionGroup var common: CommonFlags

    @Option(help: "Training samples N (2…10000).")
    var samples = 40

    @Option(help: "Features d (1…200).")
    var features = 30

    @Option(help: "Standard deviation of the label noise (0…100).")
    var noise = 3.0

    @Option(help: "Points of the θ = log λ grid (50…1000; default 61, 51 with --quick).")
    var grid: Int?

    mutating func validate() throws {
        try FlagCheck.require(samples, in: 2...10_000, flag: "--samples")
        try FlagCheck.require(features, in: 1...200, flag: "--features")
        try FlagCheck.require(noise, in: 0...100, flag: "--noise")
        if let g = grid { try FlagCheck.require(g, in: 50...1000, flag: "--grid") }
    }
}
