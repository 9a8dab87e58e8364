import ArgumentParser
import ChapterSupport

/// Chapter 1's flags: the common ones, the sizes of its experiments and the settings of every descent run.
struct Chapter01Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch01",
        abstract: "Chapter 1 — Pareto fronts and scalarization (VLMOP1 and VLMOP2).",
        discussion: """
            Teaches dominance, Pareto optimality and stationarity, linear scalarization \
            and its failure on the concave part of a front, MGDA, and weighted-Chebyshev multi-gradient \
            descent (larger r_s buys smaller f_s). Prints every final point next to its exact \
            Chebyshev optimum and writes figures/ch01-vlmop1.gp, figures/ch01-vlmop2.gp and \
            figures/ch01-tables.dat. A run that diverges or does not settle stops the chapter \
            with a message naming the flag to change, and no figure is written.
            """)

    @OptionGroup var common: CommonFlags

    @Option(help: "Number of preferences r = (k/(N+1), 1 − k/(N+1)), k = 1…N (1…99; default 9, 5 with --quick).")
    var preferences: Int?

    @Option(help: "Number of seeded MGDA starting points (1…100; default 8, 4 with --quick).")
    var starts: Int?

    @Option(help: "Dimension n of x (1…1000).")
    var dimension = 20

    @Option(help: "Step budget of every descent run (1…1000000); a run that needs more is reported as not converged.")
    var steps = 20_000

    @Option(
        name: .customLong("step-size"),
        help: "Step size β of every descent run (0 < β ≤ 10; stable below 2/L_f: 4 on VLMOP1, 1 on VLMOP2).")
    var stepSize = 0.5

    @Option(help: "Weight u of the preference term in the Chebyshev weighting QP (0…1000).")
    var u = 1.0

    @Option(help: "Stop when the step ‖d‖ falls below this (0 < tol < 1).")
    var tolerance = 1e-10

    mutating func validate() throws {
        if let p = preferences { try FlagCheck.require(p, in: 1...99, flag: "--preferences") }
        if let m = starts { try FlagCheck.require(m, in: 1...100, flag: "--starts") }
        try FlagCheck.require(dimension, in: 1...1000, flag: "--dimension")
        try FlagCheck.require(steps, in: 1...1_000_000, flag: "--steps")
        try FlagCheck.require(stepSize, above: 0, upTo: 10, flag: "--step-size")
        try FlagCheck.require(u, in: 0...1000, flag: "--u")
        try FlagCheck.require(tolerance, above: 0, upTo: 1, closed: false, flag: "--tolerance")
    }
}
