import ArgumentParser
import ChapterSupport
import Foundation

/// Chapter 8's flags: the common ones, where the real data are, and the sizes of the runs.
struct Chapter08Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch08",
        abstract: "Chapter 8 — Data hyper-cleaning: per-sample weights on corrupted labels, two domains, every method.",
        discussion: """
            Learns one weight σ(xᵢ) per training sample of a softmax classifier whose training labels \
            are 50 % corrupted, so that two domains' validation losses fall. Derives and reads the \
            per-sample hypergradient; brackets every method between two reference rows (uniform weights \
            on the noisy labels, clean samples only); runs AID hypergradient descent on the summed \
            objective, WC-MHGD over a preference sweep, FORUM, MOML and MoCo, measuring test accuracy, \
            macro-F1, the cleaning AUC of σ(xᵢ), oracle calls and peak memory. Without --data it runs a \
            synthetic two-domain problem with a planted conflict, records every method of the course on \
            one budget of oracle calls for the closing comparison (with --timings also \
            figures/ch08-timings.dat), and writes figures/ch08-tradeoff.gp, \
            figures/ch08-weights.gp and figures/ch08-tables.dat. With --data DIR (or MOBL_DATA) it runs \
            MNIST and Fashion-MNIST at the FORUM paper's size, prints a table shaped like FORUM's \
            Table 1 beside the paper's numbers, and writes figures/ch08-real-tradeoff.gp, \
            ch08-real-weights.gp, ch08-real-cost.gp and ch08-real-table1.gp instead.
            """)

    @OptionGroup var common: CommonFlags

    @Option(
        help:
            "A folder holding mnist/ (and optionally fashion-mnist/) with the standard IDX file names; overrides the environment variable MOBL_DATA. Without it (and without MOBL_DATA) the synthetic problem runs."
    )
    var data: String?

    @Option(
        parsing: .upToNextOption,
        help: "Inner steps D per outer step, 1 to 4 values, each 1…512 (default 8 synthetic; 16 32 64 128 on real data); the first is the one tuned at.")
    var innerSteps: [Int] = []

    @Option(help: "Outer steps K_max of the tuning runs, the most any method runs (2…100000; default 100 synthetic, 40 with --quick, 60 on real data).")
    var outerSteps: Int?

    @Option(help: "Training samples per domain (50…60000; default 300 synthetic, 150 with --quick, 5000 on real data).")
    var trainSize: Int?

    @Option(
        help:
            "Synthetic data: how many classes of domain B are shifted on the shared features (0 = no conflict, or 2…10)."
    )
    var conflicted = 5

    @Option(help: "Seeds (new data draws and corruptions) of the comparison (1…10; default 5 synthetic, 2 with --quick, 3 on real data).")
    var seeds: Int?

    @Option(help: "Tolerance on ‖∇_y g‖ of the start W*(0) that every method starts from (1e-12…1e-4).")
    var startTolerance = 1e-10

    @Option(help: "Folder holding the committed real run's ch08-real-tables.dat, printed in Section 9 when no data is given.")
    var realFrom = "figures"

    @Flag(help: "Use the inner step α = 1/L from the global curvature bound instead of the measured curvature at W*(0).")
    var boundStep = false

    @Option(help: "Preferences r = (r₁, 1 − r₁) in WC-MHGD's sweep (3…15; default 7, 3 with --quick).")
    var preferences: Int?

    @Option(help: "The ridge weight c of the lower level (1e-5…10).")
    var ridge = 1e-2

    /// The data folder: `--data`, else MOBL_DATA, else nil (the synthetic run).
    var dataFolder: String? {
        if let data { return data }
        if let env = ProcessInfo.processInfo.environment["MOBL_DATA"], !env.isEmpty { return env }
        return nil
    }

    mutating func validate() throws {
        if let data, data.isEmpty { throw ValidationError("--data '' names no folder: give a folder holding mnist/") }
        try FlagCheck.require(innerSteps.count, in: 0...4, flag: "--inner-steps (count)")
        for t in innerSteps { try FlagCheck.require(t, in: 1...512, flag: "--inner-steps") }
        guard Set(innerSteps).count == innerSteps.count else {
            throw ValidationError("--inner-steps \(innerSteps) repeats a value: each D once")
        }
        innerSteps.sort()
        if let k = outerSteps { try FlagCheck.require(k, in: 2...100_000, flag: "--outer-steps") }
        if let n = trainSize { try FlagCheck.require(n, in: 50...60_000, flag: "--train-size") }
        if let seeds { try FlagCheck.require(seeds, in: 1...10, flag: "--seeds") }
        try FlagCheck.require(startTolerance, in: 1e-12...1e-4, flag: "--start-tolerance")
        guard conflicted == 0 || (2...10).contains(conflicted) else {
            throw ValidationError(
                "--conflicted \(conflicted) must be 0 (no conflict) or 2…10 (a cycle of one class changes nothing)")
        }
        if let p = preferences { try FlagCheck.require(p, in: 3...15, flag: "--preferences") }
        try FlagCheck.require(ridge, in: 1e-5...10, flag: "--ridge")
    }
}
