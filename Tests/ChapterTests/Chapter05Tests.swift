import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Chapter 5's claims, one test each, read back from the figures and tables of the
/// shared `--quick` run.
@Suite("Chapter 5 — WC-MHGD")
struct Chapter05Tests {
    /// The shared `--quick` run (K = 800, five preferences, κ ∈ {2, 5, 10} in the cost sweep).
    func quickRun() throws -> ChapterRun { try ChapterRuns.shared.succeeded("ch05", ["--quick"]) }

    @Test("Preference sweep: every final point within 1e-3 of the exact Chebyshev optimum of its r, which the library's bisection confirms")
    func sweepOnExactOptima() throws {
        let sweep = try quickRun().blocks("ch05-preference-sweep.gp")
        let pareto = try #require(sweep["pareto"]), optima = try #require(sweep["optima"])
        #expect(pareto.columns == ["r1", "r2", "f1", "f2"] && optima.columns == ["r1", "r2", "f1", "f2"])
        #expect(try #require(sweep["front"]).columns == ["f1", "f2"])
        #expect(pareto.records.count == 5 && optima.records.count == 5)
        for (found, exact) in zip(pareto.records, optima.records) {
            #expect(found["r1"] == exact["r1"])
            let distance = hypot(found["f1"]! - exact["f1"]!, found["f2"]! - exact["f2"]!)
            #expect(distance < 1e-3, "r₁ = \(found["r1"]!): distance \(distance)")
        }
        // The exact optima are independent of the run: check them against the library's bisection on a fresh toy.
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let toy = try MOBLToy.standard(.vlmop2, kappa: 10, using: &rng)
        for exact in optima.records {
            let values = try toy.chebyshevOptimum(preference: [exact["r1"]!, exact["r2"]!]).values
            #expect(abs(values[0] - exact["f1"]!) < 1e-9 && abs(values[1] - exact["f2"]!) < 1e-9)
            #expect(abs(exact["r1"]! * exact["f1"]! - exact["r2"]! * exact["f2"]!) < 1e-9)   // on the preference ray
        }
    }

    @Test("Baselines: linear scalarization and MGDA as their own datablocks; WC-MHGD closer to the optimum than linear for every r")
    func baselines() throws {
        let run = try quickRun()
        let sweep = try run.blocks("ch05-preference-sweep.gp")
        #expect(try #require(sweep["linear"]).columns == ["f1", "f2"] && sweep["linear"]!.records.count == 5)
        #expect(try #require(sweep["mgda"]).columns == ["f1", "f2"])
        let baselines = try #require(try run.blocks("ch05-tables.dat")["baselines"]).records
        #expect(baselines.count == 5)
        for row in baselines { #expect(row["wc_distance"]! < row["linear_distance"]!, "r₁ = \(row["r1"]!)") }
    }

    @Test("u ablation: every u > 0 near the exact optimum value of the S = 5 polygon, the largest u no worse than u = 0, u = 0 far off")
    func uAblation() throws {
        let uBlock = try #require(try quickRun().blocks("ch05-u-ablation.gp")["u_ablation"])
        #expect(uBlock.columns == ["u", "gap", "chebyshev", "f1", "f2", "f3", "f4", "f5"])
        let uRows = uBlock.records
        #expect(uRows.map { $0["u"]! } == [0, 0.01, 0.1, 1, 10, 100])
        // The optimum value from the library's exact optimum of the polygon (the chapter's seed).
        var rng5 = SeededGenerator(seed: CommonFlags.defaultSeed)
        let polygon = try MOBLToy.standard(.polygon(5), kappa: 10, using: &rng5)
        let r: Vector = [0.8, 0.05, 0.05, 0.05, 0.05]
        let optimum = try polygon.chebyshevOptimum(preference: r).values
        let optimumValue = zip(r, optimum).map { $0 * $1 }.max()!
        let zero = uRows.first { $0["u"] == 0 }!, largest = uRows.last!
        #expect(largest["chebyshev"]! <= zero["chebyshev"]!)
        for row in uRows {
            let f = (1...5).map { row["f\($0)"]! }
            #expect(abs(zip(r, f).map { $0 * $1 }.max()! - row["chebyshev"]!) < 1e-8)     // the column is what it says
            #expect(row["chebyshev"]! >= optimumValue - 1e-9)                             // nobody beats the optimum
            // In K = 800 quick steps the weakest pull (u = 0.01) is still on its way: 2e-2; u ≥ 0.1: 1e-3.
            if row["u"]! > 0 { #expect(row["chebyshev"]! - optimumValue < (row["u"]! >= 0.1 ? 1e-3 : 2e-2), "u = \(row["u"]!)") }
        }
        #expect(zero["chebyshev"]! - optimumValue > 0.1)
    }

    @Test("D ablation: the cold-start bias falls with D, the warm start's is below it for every D, cold runs end at their predicted point")
    func depthAblation() throws {
        let depth = try #require(try quickRun().blocks("ch05-d-ablation.gp")["d_ablation"]).records
        #expect(depth.map { $0["D"]! } == [1, 2, 4, 8, 16, 32])
        for row in depth { #expect(row["bias_warm"]! < row["bias_cold"]!) }
        #expect(depth.last!["bias_cold"]! < 0.1 * depth.first!["bias_cold"]!)
        for row in depth { #expect(row["surrogate_cold"]! < 0.1 * row["distance_cold"]!, "cold D = \(row["D"]!) not at its predicted point") }
    }

    @Test("Rate: the running minimum of the gap never increases, over at least 100 steps, and ends below the 1/k line")
    func rate() throws {
        let rateBlocks = try quickRun().blocks("ch05-rate.gp")
        let rate = try #require(rateBlocks["rate"])
        #expect(rate.columns == ["k", "gap"])
        let gaps = try rate.column("gap"), ks = try rate.column("k")
        #expect(gaps.count >= 100 && ks.first == 1)
        #expect(zip(gaps, gaps.dropFirst()).allSatisfy { $1 <= $0 }, "the running minimum increases")
        let reference = try #require(rateBlocks["reference"]).records
        #expect(gaps.last! < reference.last!["bound"]!)
    }

    @Test("Cost: CG below Neumann at the largest κ; inside WC-MHGD both reach the same point, Neumann with more products; the fixed point")
    func cost() throws {
        let run = try quickRun()
        let cost = try #require(try run.blocks("ch05-cost.gp")["cost"])
        #expect(["kappa", "cg_calls", "neumann_calls"].allSatisfy(cost.columns.contains))
        let costRows = cost.records
        #expect(costRows.map { $0["kappa"]! } == [2, 5, 10])
        for row in costRows { #expect(row["cg_calls"]! > 0 && row["neumann_calls"]! > 0) }
        #expect(costRows.last!["cg_calls"]! < costRows.last!["neumann_calls"]!)
        // CG vs Neumann inside the algorithm: the same final point, Neumann more Hessian-vector products.
        let tables = try run.blocks("ch05-tables.dat")
        let solvers = try #require(tables["cg_vs_neumann"]).records
        #expect(solvers.count == 2)
        #expect(hypot(solvers[0]["f1"]! - solvers[1]["f1"]!, solvers[0]["f2"]! - solvers[1]["f2"]!) < 1e-6)
        #expect(solvers[0]["hessian_vector"]! < solvers[1]["hessian_vector"]!)
        // The fixed-point table: the step at the exact optimum is zero to rounding for every u.
        let fixedPoint = try #require(tables["fixed_point"]).records
        for (name, value) in fixedPoint[0] where name != "point" { #expect(value < 1e-10, "\(name): \(value)") }
    }

    @Test("Bad flags are refused")
    func badFlags() throws {
        try expectRefused("ch05", [["--outer-steps", "10"], ["--preferences", "2"], ["--kappa", "0.5"], ["--u", "0"], ["--u", "-1"],
                                   ["--inner-steps", "0"], ["--cg-steps", "0"], ["--u-values", "1", "10"], ["--u-values", "0", "-1"],
                                   ["--u-values", "0", "1", "1"], ["--depths", "4"], ["--depths", "0", "2"], ["--depths", "2", "2"],
                                   ["--epsilon", "1"], ["--budget", "5"]])
    }
}
