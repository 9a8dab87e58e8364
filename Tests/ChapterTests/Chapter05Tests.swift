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
        let run = try quickRun()
        let depth = try #require(try run.blocks("ch05-d-ablation.gp")["d_ablation"]).records
        #expect(depth.map { $0["D"]! } == [1, 2, 4, 8, 16, 32])
        for row in depth { #expect(row["bias_warm"]! < row["bias_cold"]!) }
        #expect(depth.last!["bias_cold"]! < 0.1 * depth.first!["bias_cold"]!)
        let ends = try #require(try run.blocks("ch05-d-gap.gp")["d_ends"]).records
        #expect(ends.map { $0["D"]! } == [1, 2, 4, 8, 16, 32])
        for row in ends { #expect(row["surrogate_cold"]! < 0.1 * row["distance_cold"]!, "cold D = \(row["D"]!) not at its predicted point") }
    }

    @Test("Flat tail: the cold D = 1 end has a gap below ε far off the Pareto set, is labelled in the table and drawn apart in the figure")
    func flatTail() throws {
        let run = try quickRun()
        let blocks = try run.blocks("ch05-d-gap.gp")
        let ends = try #require(blocks["d_ends"]).records
        // The rule, checked on every row: labelled exactly when the gap is ≤ ε = 1e-6 and y*(x_K) is > 0.1 off the Pareto set.
        for row in ends {
            let flagged = row["gap_cold"]! <= 1e-6 && row["pareto_cold"]! > 0.1
            #expect((row["flat_tail"]! == 1) == flagged, "D = \(row["D"]!): \(row)")
        }
        let first = try #require(ends.first)
        #expect(first["D"] == 1 && first["flat_tail"] == 1 && first["pareto_cold"]! > 0.5)
        // Independently of the chapter: at the predicted end x̃_1 = A Γ_1⁻¹ y_r* = L y_r* the gap is tiny, Φ₁ is
        // saturated and y* is far from the segment τ1̂ — a small gap that is not stationarity.
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let toy = try MOBLToy.standard(.vlmop2, kappa: 10, using: &rng)
        let optimum = try toy.chebyshevOptimum(preference: [0.3, 0.7])
        let xTilde = toy.curvature.L * optimum.y
        let values = toy.reducedValues(x: xTilde)
        let gap = try stationarityGap(gradients: toy.exactHypergradients(x: xTilde))
        let y = toy.lowerSolution(x: xTilde), root = Double(y.count).squareRoot()
        let tau = min(1, max(-1, y.reduce(0, +) / root))
        let offSet = norm(y - Vector(repeating: tau / root, count: y.count))
        #expect(gap < 1e-6 && values[0] > 0.999 && offSet > 0.5, "gap \(gap), Φ \(values), off the set by \(offSet)")
        // The figure draws the flagged ends in their own block, and only those; the cold line leaves them out.
        let tail = try #require(blocks["gap_cold_flat_tail"]).records, kept = try #require(blocks["gap_cold_off_tail"]).records
        #expect(tail.map { $0["D"]! } == ends.filter { $0["flat_tail"] == 1 }.map { $0["D"]! })
        #expect(kept.map { $0["D"]! } == ends.filter { $0["flat_tail"] == 0 }.map { $0["D"]! })
    }

    @Test("Scale: λ(cΦ, c∇Φ; u) = λ(Φ, ∇Φ; u/c); normalizing r removes the scale; an offset moves λ unless r is uniform")
    func scale() throws {
        // The property, with the library's QP at the chapter's x₀ (same seed) and several c and u.
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let toy = try MOBLToy.standard(.vlmop2, kappa: 10, using: &rng)
        let x0 = rng.gaussianVector(toy.upperDimension).map { 0.3 * $0 }
        let (g, f) = (toy.exactHypergradients(x: x0), toy.reducedValues(x: x0))
        let r: Vector = [0.3, 0.7]
        func weights(_ c: Double, _ a: Double, _ r: Vector, _ u: Double) throws -> Vector {
            try chebyshevWeights(gradients: g.map { c * $0 }, values: f.map { c * $0 + a }, preference: r, u: u).weights
        }
        var moved = false
        for c in [0.1, 10, 1000.0] {
            for u in [0.01, 0.1, 1, 10.0] {
                #expect(norm(try weights(c, 0, r, u) - weights(1, 0, r, u / c)) < 1e-9, "c = \(c), u = \(u)")
                // Larger objectives weaken the preference: λ moves towards MGDA's (the u = 0 weights), never away.
                let mgda = try weights(1, 0, r, 0)
                if c > 1 { #expect(norm(try weights(c, 0, r, u) - mgda) <= norm(try weights(1, 0, r, u) - mgda) + 1e-12) }
            }
            for a in [0.05, 0.1, 1.0] {
                #expect(norm(try weights(1, a, [0.5, 0.5], 0.1) - weights(1, 0, [0.5, 0.5], 0.1)) < 1e-12)
                if norm(try weights(1, a, r, 1) - weights(1, 0, r, 1)) > 1e-3 { moved = true }
            }
        }
        #expect(moved, "an offset never moved λ for r = (0.3, 0.7)")
        // The chapter's table says the same.
        let rows = try #require(try quickRun().blocks("ch05-tables.dat")["scale"]).records
        #expect(rows.count == 8)
        let lambda = rows.map { $0["lambda1"]! }
        #expect(abs(lambda[1] - lambda[2]) < 1e-9 && abs(lambda[1] - lambda[0]) > 0.1)   // 10Φ at u = 1 is Φ at u = 0.1
        #expect(abs(lambda[3] - lambda[0]) > 0.1)                                           // an offset moves λ, r = (0.3, 0.7)
        #expect(abs(lambda[4] - lambda[5]) < 1e-9)                                          // normalized r: no scale
        #expect(abs(lambda[6] - lambda[7]) < 1e-12)                                         // uniform r: no offset effect
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
        let calls = try #require(tables["cg_vs_neumann_calls"]).records
        #expect(calls[0]["hessian_vector"]! < calls[1]["hessian_vector"]!)
        // Products per solve: CG(m) warm costs m + 2 (initial residual, m iterations, final check); Neumann(Q) costs Q.
        #expect(abs(calls[0]["per_solve"]! - 7) < 0.01 && calls[1]["per_solve"]! == solvers[1]["terms"]!)
        // Warm CG's calls per outer step do not depend on κ; Neumann's grow with it.
        for row in costRows { #expect(abs(row["cg_per_step"]! - 22) < 0.1) }   // 22, less the first cold solves
        #expect(costRows.last!["neumann_per_step"]! > costRows.first!["neumann_per_step"]!)
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

    // begin solution 5.7
    /// WC-MHGD (5.4) on a MOBL toy with exact inner solutions and exact solves:
    /// y* = A⁻¹x, ĥ_s = A⁻¹∇f_s(y*), λ from the weighting QP, x ← x − β Σ_s r_s λ_s ĥ_s.
    func exactWCMHGD(_ toy: MOBLToy, x0: Vector, r: Vector, u: Double, beta: Double, steps: Int) throws -> Vector {
        var x = x0
        for _ in 0..<steps {
            let y = try #require(solveLinearSystem(toy.Q, x))
            var h: [Vector] = []
            for s in 0..<r.count { h.append(try #require(solveLinearSystem(toy.Q, toy.objectiveGradient(s, y: y)))) }
            let lambda = try chebyshevWeights(gradients: h, values: toy.objectiveValues(y: y), preference: r, u: u).weights
            x = x - beta * combination(hadamard(r, lambda), h)
        }
        return x
    }
    // end solution 5.7

    @Test("Exercise 5.7: WC-MHGD with exact solves ends where the library's WCMHGD does, on the exact Chebyshev optimum")
    func exercise5_7() throws {
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let toy = try MOBLToy.standard(.vlmop2, kappa: 10, using: &rng)
        let x0 = rng.gaussianVector(toy.upperDimension).map { 0.3 * $0 }
        let r: Vector = [0.3, 0.7]
        let mine = toy.reducedValues(x: try exactWCMHGD(toy, x0: x0, r: r, u: 1, beta: 1, steps: 3000))
        let library = try WCMHGD(
            preference: r, u: 1, outerSteps: 3000, innerSteps: 2, alpha: 1 / toy.curvature.L, beta: 1,
            solver: .conjugateGradient(.fixed(iterations: 5))
        ).run(toy, x0: x0, y0: Vector(repeating: 0, count: toy.lowerDimension))
        let exact = try toy.chebyshevOptimum(preference: r).values
        #expect(norm(mine - exact) < 1e-6, "mine \(mine) vs exact \(exact)")
        #expect(norm(mine - toy.reducedValues(x: library.x)) < 1e-6)
    }

    @Test("The solution page shows exactly the code Exercise 5.7's test runs")
    func exercise5_7OnThePage() throws {
        let (code, page) = try testedSolution("5.7")
        #expect(page.contains(code), "book/solutions/05.md must show Exercise 5.7's solution as tested:\n\(code)")
    }

    @Test("The prose's numbers are the default run's", .tags(.defaultRun))
    func proseQuotesTheRun() throws {
        try expectQuoted("ch05", [
            ("$r \\odot \\Phi(x_0) = (0.2663, 0.3506)$", "r⊙Φ(x₀) = (0.2663, 0.3506)"),
            ("(0.935186, 0.064814) both ways", "MGDA's min-norm weights for r_s∇Φ_s: (0.935186, 0.064814)"),
            ("(0.935186, 0.064814) both ways", "u = 0 gives (0.935186, 0.064814)"),
            ("the step is at most 4.01e-16 for every $u$", "over every u: 4.01e-16"),
            ("$u = 0.1$, (0.903132, 0.096868)", "10Φ, u = 1                           0.903132  0.096868"),
            ("$u = 0.1$, (0.903132, 0.096868)", "Φ, u = 0.1                           0.903132  0.096868"),
            ("than the (0.614648, 0.385352)", "Φ, u = 1                             0.614648  0.385352"),
            ("at (0.794066, 0.205934)", "10Φ, u = 1, r normalized             0.794066  0.205934"),
            ("to (0.462437, 0.537563)", "Φ + 0.1, u = 1                       0.462437  0.537563"),
            ("at (0.897713, 0.102287) for the uniform", "Φ + 0.1, u = 0.1, r = (0.5, 0.5)     0.897713  0.102287"),
            ("the largest distance is 2.49e-05, at $r_1 = 0.1$", "largest distance to the exact optimum: 2.49e-05"),
            ("lands within 8.92e-11", "0.50  0.632121  0.632121   0.632121   0.632121  8.92e-11"),
            ("at distances up to 7.19e-01", "7.19e-01"),
            ("stops at $\\Phi = (0.8122, 0.3932)$", "Φ = (0.8122, 0.3932)"),
            ("ends 4.03e-01 above the optimum value", "4.03e-01 at u = 0, at most 6.44e-05 for u > 0"),
            ("within 6.44e-05 of it", "at most 6.44e-05 for u > 0"),
            ("a fitted factor 0.8152 per inner step", "shrinks by 0.8152 per inner step"),
            ("$1 - \\mu/L = 0.9000$", "1 − μ/L = 0.9000"),
            ("to 1.14e-05 or better", " 1      3.40e-12      3.20e-07     4.69e-01         1.14e-05"),
            ("from 4.69e-01 to 2.18e-03", "32      3.21e-12      3.38e-07     2.18e-03"),
            ("Its gap, 3.20e-07, is below", "3.20e-07"),
            ("$\\Phi(x_K) = (0.99987, 0.795)$", "flat tail: Φ(x_K) = (0.99987, 0.795), ‖∇Φ₁(x_K)‖ = 5.7e-04"),
            ("$y^*(x_K)$ 1.26e+00 away from the Pareto set", "1.26e+00  flat tail"),
            ("within 2.72e-05 of it", "warm: y*(x_K) within 2.72e-05 of the Pareto set"),
            ("falls from 4.04e-02 to 1.90e-17 in 3000 steps", "3000          1.90e-17"),
            ("0.9444 over $k = 10, \\dots, 100$", "    10   100             0.9444                   40"),
            ("0.9881 over $100, \\dots, 1000$", "   100  1000             0.9881                  192"),
            ("0.9923 over $1000, \\dots, 3000$", "  1000  3000             0.9923                  299"),
            ("Both end on the same point, 9.86e-10 apart", "differ by 9.86e-10"),
            ("41998 products for CG", "CG       6000  12000      41998"),
            ("against 120000 for Neumann", "Neumann  6000  12000     120000"),
            ("the fitted exponent is 1.31", "fitted exponents against κ: steps 1.31 (CG)"),
            ("the same 22 calls per outer step", " 10        620      13638      22.0"),
            ("with exponent 1.31", "calls 1.31 (CG)"),
            ("exponent 2.15", "calls 2.15 (Neumann)"),
            ("from 16 calls per step at $\\kappa = 2$ to 408", "100       9396     206710      22.0            9405         3837240     408.0"),
            ("exponent of 1.46", "fitted exponent of calls against S: 1.46"),
        ])
    }
}
