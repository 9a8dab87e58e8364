import ArgumentParser
import ChapterSupport

/// Chapter 9's flags: the common ones, the size of the meta-learning problem and the
/// settings of the runs.
struct Chapter09Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch09",
        abstract:
            "Chapter 9 — Multi-objective meta-learning: five task families compete for one shared representation.",
        discussion: """
            Few-shot regression over five families of tasks (slow and fast sines, lines, kinks, \
            steps) with a shared representation of width p_head (the upper level, on random Fourier \
            features) and a ridge head per task (the lower level, closed form, strongly convex through \
            the ridge θ). Runs WC-MHGD over a preference sweep and reports each family's meta-test loss; \
            ablates u and the inner steps D at r = (0.8, 0.05, 0.05, 0.05, 0.05) over five draws of the \
            tasks (three with --quick); and runs WC-MHGD (CG and Neumann), stochastic \
            WC-MHGD, linear scalarization, MGDA, FORUM, MOML and MoCo on one budget of oracle calls, \
            recording them for the course's closing comparison. Writes figures/ch09-sweep.gp, \
            figures/ch09-u-ablation.gp, figures/ch09-d-ablation.gp, figures/ch09-budget.gp and \
            figures/ch09-tables.dat (with --timings also figures/ch09-timings.dat).
            """)

    @OptionGroup var common: CommonFlags

    @Option(
        help:
            "Width p_head of the shared representation (4…16; narrower ones stiffen the inner problem along the run past the step α = 1/L(x₀))."
    )
    var width = 4

    @Option(help: "Meta-training tasks per family (2…64; default 16, 4 with --quick).")
    var tasks: Int?

    @Option(help: "Outer steps K of the sweep and the ablations (5…10000; default 60, 15 with --quick).")
    var outerSteps: Int?

    @Option(help: "Inner gradient steps D per outer step (1…64).")
    var innerSteps = 4

    @Option(help: "CG iterations m per hypergradient solve (1…100).")
    var cgSteps = 5

    @Option(help: "Terms Q of the Neumann series (1…500).")
    var neumannTerms = 10

    @Option(help: "Weight u ≥ 0 of WC-MHGD's preference term (0…1000).")
    var u = 1.0

    @Option(help: "The outer step β (0 < β ≤ 100).")
    var outerStep = 2.0

    @Option(help: "The ridge coefficient θ of every head, θ‖y_ξ‖² (1e-4…10): μ ≥ 2θ; Exercise 5 weakens it.")
    var ridge = 0.05

    mutating func validate() throws {
        try FlagCheck.require(width, in: 4...16, flag: "--width")
        if let t = tasks { try FlagCheck.require(t, in: 2...64, flag: "--tasks") }
        if let k = outerSteps { try FlagCheck.require(k, in: 5...10_000, flag: "--outer-steps") }
        try FlagCheck.require(innerSteps, in: 1...64, flag: "--inner-steps")
        try FlagCheck.require(cgSteps, in: 1...100, flag: "--cg-steps")
        try FlagCheck.require(neumannTerms, in: 1...500, flag: "--neumann-terms")
        try FlagCheck.require(u, in: 0...1000, flag: "--u")
        try FlagCheck.require(outerStep, above: 0, upTo: 100, flag: "--outer-step")
        try FlagCheck.require(ridge, in: 1e-4...10, flag: "--ridge")
    }
}
