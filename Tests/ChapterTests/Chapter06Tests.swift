import ChapterSupport
import Foundation
import MOBL
import TestSupport
import Testing

/// Chapter 6's claims, read back from its figures and tables: a `--quick` run (N = 200,
/// K = 20) for the structure and the claims that hold at any size, and the committed
/// default run (figures/ch06-*.gp and ch06-tables.dat, kept current by the common test)
/// for the claims the book prints.
@Suite("Chapter 6 — Stochastic WC-MHGD")
struct Chapter06Tests {
    static func tables(_ dir: URL) throws -> [String: DataBlock] {
        try dataBlocks(dir.appendingPathComponent("ch06-tables.dat"))
    }

    /// The claims of the text, checked on one run's files.
    static func checkClaims(_ dir: URL, n: Int, lawTolerance: Double) throws {
        let tables = try tables(dir)
        // Full problem = toy; full batch = deterministic WC-MHGD, to the last bit.
        let exact = try #require(tables["exactness"]).records[0]
        #expect(exact["full_oracles"] == 0 && exact["full_batch_x"] == 0)
        #expect(exact["mean_q_error"]! < 1e-13 && exact["mean_b_error"]! < 1e-13)
        // Variance: the 1/b law with the finite-population factor; no bias; b = N exact.
        let variance = try #require(tables["variance"]).records
        for row in variance where row["batch"]! < Double(n) {
            let b = row["batch"]!
            #expect(abs(row["ratio"]! - 1) < lawTolerance, "b = \(b): measured/law = \(row["ratio"]!)")
            #expect(row["bias_z"]! < 4, "b = \(b): bias statistic \(row["bias_z"]!)")
            #expect(abs(row["ratio"]! - row["variance"]! / row["law"]!) < 1e-8 * row["ratio"]!)
            // The law is σ_h² c_b: law / c_b is one constant.
            let sigma = row["law"]! * b * Double(n - 1) / Double(n - Int(b))
            let first =
                variance[0]["law"]! * variance[0]["batch"]! * Double(n - 1) / Double(n - Int(variance[0]["batch"]!))
            #expect(abs(sigma - first) < 1e-8 * first)
        }
        let full = variance.last!
        #expect(full["batch"] == Double(n) && full["variance"] == 0 && full["law"] == 0)
        // The trace: one group per batch, equal budgets of samples, positive gaps.
        let trace = try #require(try dataBlocks(dir.appendingPathComponent("ch06-stochastic.gp"))["trace"])
        #expect(trace.columns == ["batch", "samples", "gap", "low", "high"])
        // The median lies within the seeds' range at every point drawn.
        for group in trace.groups { #expect(group.allSatisfy { $0[3] <= $0[2] && $0[2] <= $0[4] }) }
        let groups = trace.groups
        let firstColumn: [Double] = groups.map { $0[0][0] }
        let expectedBatches: [Double] = [Double(n), Double(n / 10), Double(n / 100)]
        #expect(firstColumn == expectedBatches)
        let budgets = groups.map { $0.last![1] }
        #expect(Set(budgets).count == 1, "budgets \(budgets)")
        for group in groups {
            #expect(group.allSatisfy { $0[2] > 0 } && zip(group, group.dropFirst()).allSatisfy { $0[1] < $1[1] })
        }
        // The batch table agrees with the trace's budget and its own columns.
        let batches = try #require(tables["batches"]).records
        #expect(batches.map { $0["samples"]! } == budgets)
        for row in batches.dropFirst() {
            #expect(abs(row["floor_ratio"]! - row["tail_gap"]! / row["c_b"]!) < 1e-8 * row["floor_ratio"]!)
            #expect(row["gap_low"]! <= row["tail_gap"]! && row["tail_gap"]! <= row["gap_high"]!)
            let b = row["batch"]!
            #expect(abs(row["c_b"]! - (Double(n) - b) / (b * Double(n - 1))) < 1e-8 * row["c_b"]!)
        }
        // Samples to reach a level: finer levels never come sooner.
        for row in try #require(tables["samples_to_gap"]).records {
            let reached = (0..<5).map { row["eps\($0)"]! }
            for (a, b) in zip(reached, reached.dropFirst()) where !b.isNaN { #expect(!a.isNaN && a <= b) }
        }
        // Averaging: three rows, ω = 1, the flag's ω (0.1) and ω = 0.5.
        let averaging = try #require(tables["averaging"]).records
        #expect(averaging.map { $0["gamma"]! } == [1, 0.1, 0.5])
        // The floors are drawn, one segment per mini-batch at its median tail gap.
        let floors = try #require(try dataBlocks(dir.appendingPathComponent("ch06-stochastic.gp"))["floors"])
        #expect(floors.groups.map { $0[0][2] } == batches.dropFirst().map { $0["tail_gap"]! })
    }

    @Test("Quick run: exactness, the variance law, budgets, tables consistent with the figures")
    func quick() throws {
        let run = try ChapterRuns.shared.run("ch06", ["--quick"])
        let dir = run.folder
        #expect(run.status == 0, "stderr: \(run.stderr)")
        try Self.checkClaims(dir, n: 200, lawTolerance: 0.5)  // 30 draws: a variance is good to ±26 %
    }

    @Test("The committed default run: the claims the book prints")
    func committed() throws {
        let dir = packageRoot.appendingPathComponent("figures")
        try Self.checkClaims(dir, n: 1000, lawTolerance: 0.35)  // 100 draws: ±14 %
        let tables = try Self.tables(dir)
        // Mini-batches end closer to x*_r than the full batch on the same budget, and the
        // median floors over 5 seeds scale with 1/B_eff: gap · B_eff agrees within 25 %,
        // while the floors themselves are a factor ~10 apart and their seed ranges disjoint.
        let batches = try #require(tables["batches"]).records
        #expect(batches.dropFirst().allSatisfy { $0["tail_distance"]! < batches[0]["tail_distance"]! })
        let ratios = batches.dropFirst().map { $0["floor_ratio"]! }
        #expect(ratios.max()! / ratios.min()! < 1.25)
        #expect(batches[1]["gap_high"]! < batches[2]["gap_low"]!)
        // The smallest batch reaches the coarsest level first.
        let reach = try #require(tables["samples_to_gap"]).records
        #expect(reach.last!["eps0"]! < reach.map { $0["eps0"]! }.dropLast().min()!)
        // A long average (ω = 0.1) made the weights swing wider and the runs end farther away,
        // beyond the spread over seeds; a short one (ω = 0.5) stays inside that spread.
        let averaging = try #require(tables["averaging"]).records
        #expect(averaging[1]["lambda_sd"]! > averaging[0]["lambda_sd"]!)
        #expect(averaging[1]["tail_gap"]! > 1.25 * averaging[0]["tail_gap"]!)
        #expect(averaging[1]["gap_low"]! > averaging[0]["gap_high"]!)
        #expect(averaging[1]["tail_distance"]! > averaging[0]["tail_distance"]!)
        #expect(
            averaging[2]["tail_gap"]! > averaging[0]["gap_low"]!
                && averaging[2]["tail_gap"]! < averaging[0]["gap_high"]!)
        #expect(abs(averaging[2]["lambda_sd"]! / averaging[0]["lambda_sd"]! - 1) < 0.1)
    }

    @Test("The prose's numbers are the default run's", .tags(.defaultRun))
    func proseQuotesTheRun() throws {
        try expectQuoted(
            "ch06",
            [
                ("rounding of a thousand additions (6.22e-15)", "max |mean A_i − A| = 6.22e-15"),
                ("With $V_h$ = 1.629e-02", "V_h = 1.629e-02"),
                ("variance is 0.92–1.04 times the law", "the measured variance is 0.92–1.04 times the law"),
                ("sits at 1.02 times it", "At B = 1 it is 1.02 times the law."),
                ("at most 1.33", "The bias statistic is at most 1.33."),
                ("the median tail gap is 7.21e-06 for $B = 100$", "7.21e-06 (B = 100)"),
                ("7.30e-05 for $B = 10$", "7.30e-05 (B = 10)"),
                (
                    "is 8.01e-04 and 7.36e-04, a factor 1.09 apart",
                    "tail gap · B_eff: 8.01e-04, 7.36e-04, a factor 1.09 apart."
                ),
                ("5.82e-06–8.25e-06", "7.21e-06  5.82e-06  8.25e-06"),
                ("5.89e-05–7.90e-05", "7.30e-05  5.89e-05  7.90e-05"),
                ("a gap of 2.29e-04, 0.94 away", "2.29e-04 (B = 1000)"),
                ("a gap of 2.29e-04, 0.94 away", "median ‖x − x*_r‖: 9.4e-01, 4.6e-02, 5.7e-02."),
                (
                    "the spread of $\\bar\\lambda_1$ is 5.99 times",
                    "ω = 0.10: sd of λ̄₁ ×5.99 (independent noise: ×0.229)"
                ),
                ("to 0.229 of it", "(independent noise: ×0.229)"),
                (
                    "tail gap is 8.50 times higher and the distance to $x^*_r$ 4.22 times",
                    "tail gap ×8.50, ‖x − x*_r‖ ×4.22"
                ),
                ("(5.35e-04–5.96e-04 against 6.39e-05–9.27e-05)", "5.68e-04  5.35e-04  5.96e-04"),
                ("(5.35e-04–5.96e-04 against 6.39e-05–9.27e-05)", "6.68e-05  6.39e-05  9.27e-05"),
                (
                    "the spread is 0.97 times the plain one, the gap 1.02 and the distance 1.02 times",
                    "ω = 0.50: sd of λ̄₁ ×0.97 (independent noise: ×0.577), tail gap ×1.02, ‖x − x*_r‖ ×1.02"
                ),
                (
                    "after 4.20e+04 samples, and $10^{-4}$ after 9.28e+04",
                    "  10     4.20e+04     4.45e+04     9.28e+04  not reached"
                ),
                ("$B = 100$ gets there after 1.65e+06", "1.39e+05     6.55e+05     1.65e+06  not reached"),
                ("has median 2.87e-04 (range 2.19e-04–9.29e-04)", "median 2.87e-04, range 2.19e-04–9.29e-04"),
                ("the final gap median 4.25e-06 (range 1.33e-06–1.02e-05)", "median 4.25e-06, range 1.33e-06–1.02e-05"),
                ("levelled on its floor in 5 of 5 seeds", "converged (gap levelled) in 5 of 5 seeds"),
            ])
    }

    /// Exercise 6.6: the stochastic Neumann estimate (6.2), written by hand. With B = N it is
    /// the deterministic Q-term estimate; with B = 10 its mean over 400 draws is within a
    /// few standard errors of it.
    @Test("Exercise 6.6: a hand-written stochastic Neumann estimate agrees with the library")
    func exercise6_6() throws {
        // begin solution 6.6
        func neumannEstimate(
            _ problem: FiniteSumMOBLToy, x: Vector, y: Vector, terms Q: Int, eta: Double, batch B: Int,
            using rng: inout SeededGenerator
        ) -> Vector {
            func draw() -> [Int] { Array((0..<problem.sampleCount).shuffled(using: &rng).prefix(B)) }
            let b = problem.upperGradientY(0, x: x, y: y)
            var term = b, v = b  // term j = (I − ηĤ_j)⋯(I − ηĤ_1) b; v = Σ_j term j
            for _ in 1..<Q {
                term = term - eta * problem.lowerHessianVector(x: x, y: y, term, batch: draw())
                axpy(1, term, &v)
            }
            v = eta * v
            return problem.upperGradientX(0, x: x, y: y) - problem.lowerMixedVector(x: x, y: y, v, batch: draw())
        }
        // end solution 6.6
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let toy = try MOBLToy.standard(.vlmop2, dimension: 10, kappa: 10, using: &rng)
        let problem = try FiniteSumMOBLToy(toy, samples: 200, perturbation: 0.5, using: &rng)
        let x = rng.gaussianVector(10).map { 0.3 * $0 }, y = toy.lowerSolution(x: x)
        let eta = 1 / problem.sampleCurvature.L
        let exact = try aidHypergradient(
            CountedOracles(toy), objective: 0, x: x, y: y, solver: .neumann(eta: eta, .fixed(iterations: 20))
        ).gradient
        let full = neumannEstimate(problem, x: x, y: y, terms: 20, eta: eta, batch: 200, using: &rng)
        #expect(norm(full - exact) < 1e-12 * norm(exact), "full batch: \(norm(full - exact))")
        let draws = (0..<400).map { _ in
            neumannEstimate(problem, x: x, y: y, terms: 20, eta: eta, batch: 10, using: &rng)
        }
        let mean = combination(Vector(repeating: 1 / 400.0, count: 400), draws)
        let variance = draws.map { normSquared($0 - mean) }.reduce(0, +) / 399
        #expect(variance > 0)
        #expect(norm(mean - exact) < 4 * (variance / 400).squareRoot(), "bias \(norm(mean - exact))")
    }

    @Test("The solution page shows exactly the code Exercise 6.6's test runs")
    func exercise6_6OnThePage() throws {
        let (code, page) = try testedSolution("6.6")
        #expect(page.contains(code), "book/solutions/06.md must show Exercise 6.6's solution as tested:\n\(code)")
    }

    @Test("Bad flags: N odd or out of range, ρ ≥ 1, divisors not dividing N or not starting at 1, γ out of range")
    func badFlags() throws {
        try expectRefused(
            "ch06",
            [
                ["--samples", "1001"], ["--samples", "10"], ["--perturbation", "1"], ["--perturbation=-0.5"],
                ["--divisors", "1", "7"], ["--divisors", "10", "100"], ["--divisors", "1", "1"],
                ["--terms", "0"], ["--repetitions", "2"], ["--averaging", "0"], ["--averaging", "1"],
                ["--outer-steps", "1"],
            ])
    }
}
