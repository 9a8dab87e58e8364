import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Chapter 6's claims, read back from its figures and tables: a `--quick` run (N = 200,
/// K = 20) for the structure and the claims that hold at any size, and the committed
/// default run (figures/ch06-*.gp and ch06-tables.dat, kept current by the common test)
/// for the claims the book prints.
@Suite("Chapter 6 — Stochastic WC-MHGD")
struct Chapter06Tests {
    static func tables(_ dir: URL) throws -> [String: DataBlock] { try dataBlocks(dir.appendingPathComponent("ch06-tables.dat")) }

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
            let first = variance[0]["law"]! * variance[0]["batch"]! * Double(n - 1) / Double(n - Int(variance[0]["batch"]!))
            #expect(abs(sigma - first) < 1e-8 * first)
        }
        let full = variance.last!
        #expect(full["batch"] == Double(n) && full["variance"] == 0 && full["law"] == 0)
        // The trace: one group per batch, equal budgets of samples, positive gaps.
        let trace = try #require(try dataBlocks(dir.appendingPathComponent("ch06-stochastic.gp"))["trace"])
        #expect(trace.columns == ["batch", "samples", "gap"])
        let groups = trace.groups
        let firstColumn: [Double] = groups.map { $0[0][0] }
        let expectedBatches: [Double] = [Double(n), Double(n / 10), Double(n / 100)]
        #expect(firstColumn == expectedBatches)
        let budgets = groups.map { $0.last![1] }
        #expect(Set(budgets).count == 1, "budgets \(budgets)")
        for group in groups { #expect(group.allSatisfy { $0[2] > 0 } && zip(group, group.dropFirst()).allSatisfy { $0[1] < $1[1] }) }
        // The batch table agrees with the trace's budget and its own columns.
        let batches = try #require(tables["batches"]).records
        #expect(batches.map { $0["samples"]! } == budgets)
        for row in batches.dropFirst() {
            #expect(abs(row["floor_ratio"]! - row["tail_gap"]! / row["c_b"]!) < 1e-8 * row["floor_ratio"]!)
            let b = row["batch"]!
            #expect(abs(row["c_b"]! - (Double(n) - b) / (b * Double(n - 1))) < 1e-8 * row["c_b"]!)
        }
        // Samples to reach a level: finer levels never come sooner.
        for row in try #require(tables["samples_to_gap"]).records {
            let reached = (0..<5).map { row["eps\($0)"]! }
            for (a, b) in zip(reached, reached.dropFirst()) where !b.isNaN { #expect(!a.isNaN && a <= b) }
        }
        // Averaging: two rows, γ = 1 and the flag's γ.
        let averaging = try #require(tables["averaging"]).records
        #expect(averaging.count == 2 && averaging[0]["gamma"] == 1)
    }

    @Test("Quick run: exactness, the variance law, budgets, tables consistent with the figures")
    func quick() throws {
        let run = try ChapterRuns.shared.run("ch06", ["--quick"])
        let dir = run.folder
        #expect(run.status == 0, "stderr: \(run.stderr)")
        try Self.checkClaims(dir, n: 200, lawTolerance: 0.5)       // 30 draws: a variance is good to ±26 %
    }

    @Test("The committed default run: the claims the book prints")
    func committed() throws {
        let dir = packageRoot.appendingPathComponent("figures")
        try Self.checkClaims(dir, n: 1000, lawTolerance: 0.35)     // 100 draws: ±14 %
        let tables = try Self.tables(dir)
        // Mini-batches end closer to x*_r than the full batch on the same budget, and
        // the two mini-batch floors scale with c_b (gap / c_b within a factor 2).
        let batches = try #require(tables["batches"]).records
        #expect(batches.dropFirst().allSatisfy { $0["tail_distance"]! < batches[0]["tail_distance"]! })
        let ratios = batches.dropFirst().map { $0["floor_ratio"]! }
        #expect(ratios.max()! / ratios.min()! < 2)
        // The smallest batch reaches the coarsest level first.
        let reach = try #require(tables["samples_to_gap"]).records
        #expect(reach.last!["eps0"]! < reach.map { $0["eps0"]! }.dropLast().min()!)
        // The moving average on λ made the weights swing wider and the run end farther away.
        let averaging = try #require(tables["averaging"]).records
        #expect(averaging[1]["lambda_sd"]! > averaging[0]["lambda_sd"]!)
        #expect(averaging[1]["tail_gap"]! > 1.25 * averaging[0]["tail_gap"]!)
        #expect(averaging[1]["tail_distance"]! > averaging[0]["tail_distance"]!)
    }

    @Test("Bad flags: N odd or out of range, ρ ≥ 1, divisors not dividing N or not starting at 1, γ out of range")
    func badFlags() throws {
        try expectRefused("ch06", [["--samples", "1001"], ["--samples", "10"], ["--perturbation", "1"], ["--perturbation=-0.5"],
                                   ["--divisors", "1", "7"], ["--divisors", "10", "100"], ["--divisors", "1", "1"],
                                   ["--terms", "0"], ["--repetitions", "2"], ["--averaging", "0"], ["--averaging", "1"],
                                   ["--outer-steps", "1"]])
    }
}
