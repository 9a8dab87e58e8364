import ArgumentParser
import ChapterSupport
import Foundation

/// Chapter 3's flags: the common ones, and the sizes of its experiments.
struct Chapter03Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch03",
        abstract: "Chapter 3 — Inverting the Hessian: conjugate gradient vs Neumann series.",
        discussion: """
            Measures the products CG and the Neumann series need to reach a relative error \
            on A v = b for condition numbers 10 … 10000, and why CG beats its √κ bound; shows \
            how the solve's error becomes hypergradient error, catches a Neumann step η > 2/L, \
            and tests the stochastic Neumann estimator for bias, beside CG on one mini-batch. \
            Writes figures/ch03-cg-vs-neumann.gp, figures/ch03-convergence.gp, \
            figures/ch03-hypergradient.gp and figures/ch03-tables.dat.
            """)

    @OptionGroup var common: CommonFlags

    @Option(help: "Size p of the test matrices (16…1000; default 200, 50 with --quick).")
    var size: Int?

    @Option(
        help: "Largest condition number of the sweep, a power of ten (100…100000; default 10000, 1000 with --quick).")
    var maxKappa: Double?

    @Option(help: "Target relative error of the linear solves (1e-12…1e-2).")
    var target = 1e-6

    @Option(
        help:
            "Repetitions of each stochastic estimator per batch size (10…100000; default 4000, 400 with --quick).")
    var repetitions: Int?

    @Option(
        help: """
            Batch sizes B of Section 6, comma-separated, each in 1…1000 (N = 1000 samples; \
            default 1000,100,10).
            """)
    var batchSizes: String?

    @Flag(
        help: """
            Section 6 uses the step η = 1/L_max, L_max the largest eigenvalue of any one \
            sample's Hessian, instead of η = 1/L.
            """)
    var safeStep = false

    /// The batch sizes of Section 6.
    var batches: [Int] { batchSizes.map(Self.parseBatches) ?? [1000, 100, 10] }

    static func parseBatches(_ text: String) -> [Int] {
        text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    mutating func validate() throws {
        if let p = size { try FlagCheck.require(p, in: 16...1000, flag: "--size") }
        if let k = maxKappa {
            try FlagCheck.require(k, in: 100...100_000, flag: "--max-kappa")
            guard abs(log10(k) - log10(k).rounded()) < 1e-9 else {
                throw ValidationError("--max-kappa \(k) is out of range: it must be a power of ten (100, 1000, …)")
            }
        }
        try FlagCheck.require(target, in: 1e-12...1e-2, flag: "--target")
        if let r = repetitions { try FlagCheck.require(r, in: 10...100_000, flag: "--repetitions") }
        if let text = batchSizes {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            let sizes = Self.parseBatches(text)
            guard !parts.isEmpty, sizes.count == parts.count, sizes.allSatisfy({ (1...1000).contains($0) }) else {
                throw ValidationError(
                    "--batch-sizes \(text) is out of range: it must be a comma-separated list of sizes in 1…1000")
            }
        }
    }
}
