import ArgumentParser
import ChapterSupport

/// Chapter 7's flags: the common ones, FORUM's step sizes, and the sizes of the experiments.
struct Chapter07Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch07",
        abstract: "Chapter 7 — FORUM: a first-order, Hessian-free route through the value-function reformulation.",
        discussion: """
            Derives the value-function reformulation, Danskin's theorem and the dual of FORUM's \
            direction problem; shows on one iterate that the paper's printed multiplier (2φ) forces \
            twice the decrease the derivation asks for (φ); runs FORUM on the S = 2 toy (KKT gap and \
            exact constraint violation q(ζ_k), end points Φ(x_K) of several starts against the exact \
            front); states MOML and MoCo; counts oracle calls and peak length-p vectors per outer \
            step for FORUM, MOML (ITD) and AID-CG against the inner steps D; compares FORUM, MOML, \
            MoCo and WC-MHGD on one budget of oracle calls; runs the authors' code's options once \
            each (an appendix); for the closing comparison, runs every deterministic method of the \
            course on the S = 2 and S = 5 toys (the comparison datablock; with --timings also \
            figures/ch07-timings.dat). Writes figures/ch07-convergence.gp, figures/ch07-front.gp, \
            figures/ch07-cost.gp, figures/ch07-memory.gp and figures/ch07-tables.dat.
            """)

    @OptionGroup var common: CommonFlags

    @Option(help: "FORUM's outer steps K (10…100000; default 10000, 3000 with --quick).")
    var outerSteps: Int?

    @Option(help: "Inner steps D for the approximate value function q̃ (1…1000; T in the FORUM paper).")
    var innerSteps = 32

    @Option(help: "ρ in φ_k = (ρ/2)‖∇q̃‖² (1e-6…1; a smaller ρ makes φ_k vanish in rounding).")
    var rho = 0.5

    @Option(help: "FORUM's outer step β on ζ = (x, y) (0 < β ≤ 0.3; μ in the FORUM paper; larger steps diverge).")
    var beta = 0.2

    @Option(help: "Condition number κ of the lower-level Hessian A (1…20; with β = 0.2 FORUM diverges from κ ≈ 30 on).")
    var kappa = 10.0

    @Option(help: "Seeded starts for the end-point picture (1…20; default 5, 3 with --quick).")
    var starts: Int?

    @Option(
        parsing: .upToNextOption, help: "Inner steps D of the cost comparison, 2 to 12 increasing values, each 1…4096.")
    var depths: [Int] = [4, 8, 16, 32, 64, 128]

    @Option(help: "CG iterations m per solve of the AID baselines (1…100).")
    var cgSteps = 10

    mutating func validate() throws {
        if let k = outerSteps { try FlagCheck.require(k, in: 10...100_000, flag: "--outer-steps") }
        try FlagCheck.require(innerSteps, in: 1...1000, flag: "--inner-steps")
        try FlagCheck.require(rho, in: 1e-6...1, flag: "--rho")
        try FlagCheck.require(beta, above: 0, upTo: 0.3, flag: "--beta")
        try FlagCheck.require(kappa, in: 1...20, flag: "--kappa")
        if let s = starts { try FlagCheck.require(s, in: 1...20, flag: "--starts") }
        try FlagCheck.require(depths.count, in: 2...12, flag: "--depths (count)")
        for t in depths { try FlagCheck.require(t, in: 1...4096, flag: "--depths") }
        guard zip(depths, depths.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ValidationError("--depths \(depths) must be strictly increasing")
        }
        try FlagCheck.require(cgSteps, in: 1...100, flag: "--cg-steps")
    }
}
