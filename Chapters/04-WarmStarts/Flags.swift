import ArgumentParser
import ChapterSupport

/// Chapter 4's flags: the common ones, and the sizes of its experiment.
struct Chapter04Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch04",
        abstract: "Chapter 4 — Warm starts of the inner loop and of CG in hypergradient descent.",
        discussion: """
            Runs hypergradient descent on a quadratic bilevel problem with D ∈ {1, 2, 4, 8} inner \
            steps started warm (from the previous y) or cold (from y₀ = 0), tracks the inner error \
            ‖y_k − y*(x_k)‖ and the hypergradient error, warm-starts CG from the previous v, \
            counts the oracle calls each variant needs to reach a target accuracy, and repeats the \
            warm runs on --seeds problems to find the cheapest D. Writes figures/ch04-warm-start.gp, \
            figures/ch04-cold-floor.gp, figures/ch04-cg-warm-start.gp and figures/ch04-tables.dat.
            """)

    @OptionGroup var common: CommonFlags

    @Option(help: "Outer steps K (10…100000).")
    var outerSteps = 200

    @Option(help: "Lower-level size p (2…1000; default 50, 30 with --quick).")
    var size: Int?

    @Option(help: "Condition number κ of the lower-level Hessian (1…10000).")
    var kappa = 10.0

    @Option(help: "Target: ‖∇Φ(x_k)‖ ≤ target · ‖∇Φ(x₀)‖ (1e-12…1e-1).")
    var target = 1e-6

    @Option(parsing: .upToNextOption, help: "Inner steps D to compare, 1 to 8 values, each 1…10000.")
    var depths: [Int] = [1, 2, 4, 8]

    @Option(name: .customLong("outer-step"), help: "The outer step β in units of 1/L_Φ (0 < β·L_Φ < 2).")
    var outerStep = 1.0

    @Option(help: "CG iterations per linear solve, a fixed budget (1…1000; default: to a relative residual of 1e-10).")
    var cgIterations: Int?

    @Option(help: "Problems (consecutive seeds from --seed) on which Section 6 compares the D (1…20).")
    var seeds = 5

    mutating func validate() throws {
        try FlagCheck.require(outerSteps, in: 10...100_000, flag: "--outer-steps")
        if let p = size { try FlagCheck.require(p, in: 2...1000, flag: "--size") }
        try FlagCheck.require(kappa, in: 1...10_000, flag: "--kappa")
        try FlagCheck.require(target, in: 1e-12...1e-1, flag: "--target")
        try FlagCheck.require(depths.count, in: 1...8, flag: "--depths (count)")
        for d in depths { try FlagCheck.require(d, in: 1...10_000, flag: "--depths") }
        guard Set(depths).count == depths.count else {
            throw ValidationError("--depths \(depths) repeats a value: each D once")
        }
        try FlagCheck.require(outerStep, above: 0, upTo: 2, closed: false, flag: "--outer-step")
        if let m = cgIterations { try FlagCheck.require(m, in: 1...1000, flag: "--cg-iterations") }
        try FlagCheck.require(seeds, in: 1...20, flag: "--seeds")
        depths.sort()
    }
}
