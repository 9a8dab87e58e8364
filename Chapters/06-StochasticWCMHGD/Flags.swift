import ArgumentParser
import ChapterSupport

/// Chapter 6's flags: the common ones, and the sizes of its experiments.
struct Chapter06Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch06",
        abstract: "Chapter 6 — Stochastic WC-MHGD: mini-batches, their variance, and what they buy per sample.",
        discussion: """
            Builds a finite-sum version of the S = 2 MOBL toy whose full problem is exactly the \
            deterministic toy, measures the variance of the stochastic Neumann hypergradient against \
            the batch size B (and against the V_h/B_eff law derived in the text), checks that \
            full batches reproduce deterministic WC-MHGD bit for bit, runs stochastic WC-MHGD with \
            batches N, N/10 and N/100 on an equal budget of samples (5 seeds per mini-batch, 3 with \
            --quick), and measures what a moving average on the weights λ does (ω = 1, 0.5 and the \
            flag's); records the best seed-0 mini-batch run as the closing \
            comparison's row (with --timings also figures/ch06-timings.dat). Writes figures/ch06-stochastic.gp, \
            figures/ch06-variance.gp, figures/ch06-averaging.gp and figures/ch06-tables.dat.
            """)

    @OptionGroup var common: CommonFlags

    @Option(help: "Samples N of the finite sum, even (20…100000; default 1000, 200 with --quick).")
    var samples: Int?

    @Option(help: "Size δ of the sample perturbations, ‖E_i‖₂ = δμ (1e-6 ≤ δ < 1; smaller ones vanish in rounding).")
    var perturbation = 0.5

    @Option(
        help:
            "Outer steps K of the full-batch run (2…100000; default 100, 20 with --quick); a run with batch N/d gets dK steps."
    )
    var outerSteps: Int?

    @Option(
        parsing: .upToNextOption,
        help: "Batch divisors d (batch B = N/d), 2 to 6 values, each dividing N; the first must be 1 (full batch).")
    var divisors: [Int] = [1, 10, 100]

    @Option(help: "Neumann terms Q of every hypergradient (1…1000).")
    var terms = 20

    @Option(
        help:
            "Repetitions of the estimator per batch size in the variance measurement (10…100000; default 100, 30 with --quick)."
    )
    var repetitions: Int?

    @Option(help: "Weight ω of the newest λ in the moving average (0 < ω < 1).")
    var averaging = 0.1

    @Flag(help: "Solve for v with CG (m = 5 iterations) on one mini-batch Hessian instead of stochastic Neumann.")
    var cg = false

    mutating func validate() throws {
        if let n = samples {
            try FlagCheck.require(n, in: 20...100_000, flag: "--samples")
            guard n % 2 == 0 else {
                throw ValidationError("--samples \(n) is odd: the perturbations come in ± pairs, so N must be even")
            }
        }
        try FlagCheck.require(perturbation, atLeast: 1e-6, below: 1, flag: "--perturbation")
        if let k = outerSteps { try FlagCheck.require(k, in: 2...100_000, flag: "--outer-steps") }
        try FlagCheck.require(divisors.count, in: 2...6, flag: "--divisors (count)")
        for d in divisors { try FlagCheck.require(d, in: 1...10_000, flag: "--divisors") }
        guard divisors.first == 1 else {
            throw ValidationError("--divisors \(divisors): the first must be 1, the full batch")
        }
        guard Set(divisors).count == divisors.count else {
            throw ValidationError("--divisors \(divisors) repeats a value: each d once")
        }
        let n = samples ?? (common.quick ? 200 : 1000)
        for d in divisors where n % d != 0 {
            throw ValidationError("--divisors \(d) does not divide N = \(n): every batch N/d must be a whole number")
        }
        try FlagCheck.require(terms, in: 1...1000, flag: "--terms")
        if let r = repetitions { try FlagCheck.require(r, in: 10...100_000, flag: "--repetitions") }
        try FlagCheck.require(averaging, above: 0, upTo: 1, closed: false, flag: "--averaging")
        divisors.sort()
    }
}
