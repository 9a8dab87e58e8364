import ArgumentParser
import ChapterSupport

/// Chapter 5's flags: the common ones, and the sizes of its experiments.
struct Chapter05Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch05",
        abstract: "Chapter 5 — WC-MHGD: preference-guided multi-hypergradient descent.",
        discussion: """
            Derives WC-MHGD's weighting QP from the linearized weighted-Chebyshev problem and \
            runs the algorithm on the MOBL toys with known fronts: a preference sweep on the \
            S = 2 toy against the exact Chebyshev optima and against linear scalarization and \
            MGDA on the same hypergradients, ablations of u (S = 5 polygon) and of the inner \
            steps D, the observed rate against O(1/K), and (an appendix) CG against Neumann \
            hypergradients and the oracle cost against κ and S. Writes \
            figures/ch05-preference-sweep.gp, figures/ch05-u-ablation.gp, figures/ch05-u-gap.gp, \
            figures/ch05-d-ablation.gp, figures/ch05-d-gap.gp, figures/ch05-rate.gp, \
            figures/ch05-cost.gp and figures/ch05-tables.dat.
            """)

    @OptionGroup var common: CommonFlags

    @Option(
        help: "Outer steps K of the sweep, baseline and ablation runs (100…100000; default 3000, 800 with --quick).")
    var outerSteps: Int?

    @Option(help: "Preferences r₁ = i/(m+1), i = 1…m, in the sweep (3…99; default 9, 5 with --quick).")
    var preferences: Int?

    @Option(help: "Condition number κ of the lower-level Hessian A in every experiment but the κ sweep (1…1000).")
    var kappa = 10.0

    @Option(help: "The weight u of the preference term (> 0, ≤ 1e6) in every experiment but the u ablation.")
    var u = 1.0

    @Option(help: "Inner steps D per outer step (1…1000) in every experiment but the D ablation.")
    var innerSteps = 2

    @Option(help: "CG iterations m per hypergradient solve (1…1000).")
    var cgSteps = 5

    @Option(parsing: .upToNextOption, help: "The values of u to compare, 2 to 12 values, each 0…1e6, one of them 0.")
    var uValues: [Double] = [0, 0.01, 0.1, 1, 10, 100]

    @Option(parsing: .upToNextOption, help: "The inner steps D to compare, 2 to 10 values, each 1…1000.")
    var depths: [Int] = [1, 2, 4, 8, 16, 32]

    @Option(help: "Target stationarity gap ε of the cost experiment (1e-12…1e-2).")
    var epsilon = 1e-6

    @Option(help: "Step budget of each cost run (100…1000000; default 20000, 5000 with --quick).")
    var budget: Int?

    mutating func validate() throws {
        if let k = outerSteps { try FlagCheck.require(k, in: 100...100_000, flag: "--outer-steps") }
        if let m = preferences { try FlagCheck.require(m, in: 3...99, flag: "--preferences") }
        try FlagCheck.require(kappa, in: 1...1000, flag: "--kappa")
        try FlagCheck.require(u, above: 0, upTo: 1e6, flag: "--u")
        try FlagCheck.require(innerSteps, in: 1...1000, flag: "--inner-steps")
        try FlagCheck.require(cgSteps, in: 1...1000, flag: "--cg-steps")
        try FlagCheck.require(uValues.count, in: 2...12, flag: "--u-values (count)")
        for value in uValues { try FlagCheck.require(value, in: 0...1e6, flag: "--u-values") }
        guard uValues.contains(0) else {
            throw ValidationError("--u-values \(uValues) must include 0 (the MGDA limit the ablation compares with)")
        }
        guard Set(uValues).count == uValues.count else {
            throw ValidationError("--u-values \(uValues) repeats a value: each u once")
        }
        try FlagCheck.require(depths.count, in: 2...10, flag: "--depths (count)")
        for d in depths { try FlagCheck.require(d, in: 1...1000, flag: "--depths") }
        guard Set(depths).count == depths.count else {
            throw ValidationError("--depths \(depths) repeats a value: each D once")
        }
        try FlagCheck.require(epsilon, in: 1e-12...1e-2, flag: "--epsilon")
        if let b = budget { try FlagCheck.require(b, in: 100...1_000_000, flag: "--budget") }
        uValues.sort()
        depths.sort()
    }
}
