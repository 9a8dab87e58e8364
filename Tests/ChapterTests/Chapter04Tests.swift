import ChapterSupport
import Foundation
import MOBL
import TestSupport
import Testing

/// Chapter 4's claims, one test each, read back from the figures and tables of the shared
/// `--quick` run, and the page's quoted numbers from the default run.
@Suite("Chapter 4 — Warm starts")
struct Chapter04Tests {
    /// The shared `--quick` run (p = 30, K = 200).
    func quickRun() throws -> ChapterRun { try ChapterRuns.shared.succeeded("ch04", ["--quick"]) }

    /// The default run (what the book shows), which must have succeeded.
    func defaultRun() throws -> ChapterRun {
        let run = try ChapterRuns.shared.defaultRun("ch04")
        try #require(run.status == 0, "ch04: \(run.stderr)")
        return run
    }

    /// The warm and the cold inner-error blocks of a run, one group per D.
    func errorBlocks(_ run: ChapterRun) throws -> (warm: DataBlock, cold: DataBlock) {
        let warm = try #require(try run.blocks("ch04-warm-start.gp")["warm_error"])
        let cold = try #require(try run.blocks("ch04-cold-floor.gp")["cold_error"])
        #expect(warm.columns == ["D", "k", "inner", "hypergradient"])
        #expect(cold.columns == ["D", "k", "inner", "bound", "hypergradient"])
        return (warm, cold)
    }

    @Test(
        "Inner error: warm below cold after the first step; cold on a floor below its bound (4.5); warm converging, and shrinking with D"
    )
    func innerError() throws {
        let (warmBlock, coldBlock) = try errorBlocks(try quickRun())
        let (warm, cold) = (warmBlock.groups, coldBlock.groups)
        #expect(warm.map { $0[0][0] } == [1, 2, 4, 8] && cold.map { $0[0][0] } == [1, 2, 4, 8])
        for (w, c) in zip(warm, cold) {
            #expect(w.count == 200 && c.count == 200)
            let d = w[0][0]
            // Warm below cold after the first step (both start from y = 0 at k = 0).
            for (a, b) in zip(w, c).dropFirst() { #expect(a[2] < b[2], "D = \(d), k = \(a[1])") }
            // Cold: never above the bound (1 − μ/L)^D ‖y*(x_k)‖, and a floor — the last 50
            // steps vary by under 1 % and stay far from zero.
            for row in c { #expect(row[2] <= row[3] * (1 + 1e-12), "D = \(d), k = \(row[1])") }
            let tail = c.suffix(50).map { $0[2] }
            #expect(tail.min()! > 0.99 * tail.max()! && tail.min()! > 1e-2)
            // Warm: converges with the outer loop.
            #expect(w.last![2] < 1e-6 * c.last![2])
        }
        // The warm error shrinks with D (compare D = 1 and D = 8 along the way).
        for k in [5, 10, 20, 40] { #expect(warm[3][k][2] < warm[0][k][2]) }
        // The cold figure is drawn on a linear axis (the log axis squashed its curves).
        let script = try String(contentsOf: try quickRun().file("ch04-cold-floor.gp"), encoding: .utf8)
        #expect(!script.contains("logscale"))
    }

    @Test("Hypergradient error: warm ends below 1e-6, cold keeps an O(1) bias")
    func hypergradientError() throws {
        let (warm, cold) = try errorBlocks(try quickRun())
        #expect(warm.groups.count == 4 && cold.groups.count == 4)
        for group in warm.groups { #expect(group.last![3] < 1e-6) }
        for group in cold.groups { #expect(group.last![4] > 1e-2) }
    }

    @Test(
        "Figure 4.1's caption: D = 2 after k ≈ 120 and D = 1 after k ≈ 170 stall and bump near 1e-10; D = 4, 8 fall past it"
    )
    func warmCurvesBumpAtTheSolveTolerance() throws {
        let warm = try errorBlocks(try defaultRun()).warm.groups
        func window(_ group: Int, _ steps: ClosedRange<Int>) -> [Double] { steps.map { warm[group][$0][2] } }
        for (group, steps) in [(1, 120...150), (0, 170...199)] {
            let values = window(group, steps)
            #expect(values.allSatisfy { (1e-11...1e-9).contains($0) }, "D = \(warm[group][0][0]): \(values)")
            #expect(zip(values, values.dropFirst()).contains { $1 > 1.5 * $0 }, "D = \(warm[group][0][0]) never bumps")
        }
        #expect(warm[2][150][2] < 1e-11 && warm[3][150][2] < 1e-11)
    }

    @Test(
        "Warm-started CG: never more products than cold, 20 % fewer in total, falling along the slope (4.9) down to 2")
    func warmCG() throws {
        let block = try #require(try quickRun().blocks("ch04-cg-warm-start.gp")["cg_products"])
        #expect(block.columns == ["k", "cold", "warm", "predicted"])
        let cg = block.dataRows
        #expect(!cg.isEmpty && cg.allSatisfy { $0[2] <= $0[1] })
        let warm = cg.reduce(0.0) { $0 + $1[2] }, cold = cg.reduce(0.0) { $0 + $1[1] }
        #expect(warm < 0.8 * cold)
        // The count follows the predicted straight line to within a few products, and ends
        // at 2 (the warm start's residual and the final check: no iteration).
        for row in cg.dropFirst() { #expect(abs(row[2] - row[3]) <= 5, "k = \(row[0]): \(row[2]) vs \(row[3])") }
        #expect(cg.last![2] == 2)
    }

    @Test(
        "Cost tables: cold never reaches the target, warm does; warm CG spends fewer products on the same steps; warm y, cold v ends at one ratio for every D"
    )
    func costTables() throws {
        let tables = try quickRun().blocks("ch04-tables.dat")
        let outcome = try #require(tables["outcome"]).records
        let cost = try #require(tables["cost"]).records
        #expect(outcome.count == 12 && cost.count == 12)
        let (cold, warmInner, warmBoth) = (0.0, 1.0, 2.0)  // the `start` labels
        for row in outcome where row["start"] == cold {
            #expect(row["steps"]!.isNaN && row["final_ratio"]! > 1e-2, "cold D = \(row["D"]!) reached the target")
        }
        for row in outcome where row["start"] != cold {
            #expect(row["steps"]! > 0 && row["final_ratio"]! <= 1e-6, "warm D = \(row["D"]!) missed the target")
        }
        for row in cost where row["start"] != cold { #expect(row["total"] == row["gradients"]! + row["products"]!) }
        for row in cost where row["start"] == cold { #expect(row["total"]!.isNaN) }
        for d in [1.0, 2, 4, 8] {
            let coldCG = cost.first { $0["D"] == d && $0["start"] == warmInner }!
            let warmCG = cost.first { $0["D"] == d && $0["start"] == warmBoth }!
            #expect(warmCG["products"]! < 0.8 * coldCG["products"]! && warmCG["gradients"] == coldCG["gradients"])
        }
        // Warm y, cold v rests where ĥ = 0 at y*(x) and CG-from-0's v: the same point for every D.
        let ratios = outcome.filter { $0["start"] == warmInner }.map { $0["final_ratio"]! }
        #expect(ratios.count == 4 && ratios.max()! <= 1.005 * ratios.min()!, "\(ratios)")
    }

    @Test(
        "Five seeds: the rule (4.10) predicts the cheapest D on every seed, default and --quick; D = 1 is never cheaper than D = 2 by default"
    )
    func cheapestDepth() throws {
        for run in [try quickRun(), try defaultRun()] {
            let seeds = try #require(try run.blocks("ch04-tables.dat")["seeds"]).records
            #expect(seeds.count == 5)
            for row in seeds {
                #expect(row["cheapest"] == row["predicted"], "seed \(Int(row["seed"]!)): \(row)")
                // The cheapest is the smallest total of the row.
                let totals = [1, 2, 4, 8].map { row["calls_D\($0)"]! }
                #expect(totals[[1.0, 2, 4, 8].firstIndex(of: row["cheapest"]!)!] == totals.min()!)
            }
        }
        let seeds = try #require(try defaultRun().blocks("ch04-tables.dat")["seeds"]).records
        #expect(seeds.allSatisfy { $0["calls_D1"]! > $0["calls_D2"]! })
    }

    @Test("The default run prints no line wider than 110 characters")
    func narrowOutput() throws {
        let wide = try defaultRun().stdout.split(separator: "\n").filter { !$0.hasPrefix("@weave ") && $0.count > 110 }
        #expect(wide.isEmpty, "\(wide)")
    }

    @Test("Bad flags: too few outer steps, κ below 1, a target out of range, no CG iterations, no seeds")
    func badFlags() throws {
        try expectRefused(
            "ch04",
            [
                ["--outer-steps", "2"], ["--outer-steps=-1"], ["--kappa", "0.5"], ["--target", "2"], ["--size", "1"],
                ["--depths", "3", "3"], ["--depths", "0"], ["--outer-step", "2"], ["--cg-iterations", "0"],
                ["--seeds", "0"], ["--seeds", "21"],
            ])
    }

    @Test("The prose's numbers are the default run's", .tags(.defaultRun))
    func proseQuotesTheRun() throws {
        try expectQuoted(
            "ch04",
            [
                ("as fast as exact gradient descent, which needs 71", "after 71 steps"),
                (
                    "at $k = 100$ it is 4.01e-06 for $D = 1$ and 5.76e-10 for $D = 8$",
                    "1  warm   3.36e+00  3.20e+00  1.98e+00  1.68e-01  3.29e-03  4.01e-06"
                ),
                (
                    "at $k = 100$ it is 4.01e-06 for $D = 1$ and 5.76e-10 for $D = 8$",
                    "8  warm   1.23e+00  4.21e-01  5.30e-02  4.18e-04  2.45e-06  5.76e-10"
                ),
                (
                    "from 3.36e+00 at $k = 0$ to 5.88e+00 at $k = 50$, and is still 5.88e+00 at the last step",
                    "1  cold   3.36e+00  3.71e+00  4.78e+00  5.80e+00  5.88e+00  5.88e+00  5.88e+00"
                ),
                (
                    "The floor is 5.88e+00, 4.19e+00, 2.60e+00 and 1.28e+00",
                    "1               5.88e+00               6.23e+00"
                ),
                ("The floor is 5.88e+00, 4.19e+00, 2.60e+00 and 1.28e+00", "2               4.19e+00"),
                ("The floor is 5.88e+00, 4.19e+00, 2.60e+00 and 1.28e+00", "4               2.60e+00"),
                ("(6.23e+00 for $D = 1$, 1.87e+00 for $D = 8$)", "8               1.28e+00               1.87e+00"),
                ("the bias stays at 2.53e+00", "2.50e+00  2.53e+00  2.53e+00  2.53e+00"),
                ("and 4.48e-01 for $D = 8$", "4.48e-01  4.48e-01  4.48e-01  4.48e-01"),
                ("it is 5.17e-10, 8.70e-11, 6.50e-11 and 1.01e-10", "5.49e-07  5.17e-10"),
                ("it is 5.17e-10, 8.70e-11, 6.50e-11 and 1.01e-10", "1.71e-09  8.70e-11"),
                ("it is 5.17e-10, 8.70e-11, 6.50e-11 and 1.01e-10", "2.59e-10  6.50e-11"),
                ("it is 5.17e-10, 8.70e-11, 6.50e-11 and 1.01e-10", "1.65e-10  1.01e-10"),
                ("33 Hessian-vector products from $v = 0$", "from v = 0: 32 to 33 at every step"),
                (
                    "falls from 31 products at $k = 1$ to 5 at $k = 100$, 0.26 fewer per step, against 0.25",
                    "from the previous v: 31 at k = 1, 5 at k = 100: 0.26 fewer per step; (4.9) predicts 0.25"
                ),
                (
                    "it spends 1977 products where the cold start spends 6599",
                    "in all 200 steps, 1977 warm against 6599 cold"
                ),
                (
                    "still 2.53e+00 to 4.48e-01 times its start",
                    "1  cold y, cold v             not in 200              2.53e+00"
                ),
                (
                    "still 2.53e+00 to 4.48e-01 times its start",
                    "8  cold y, cold v             not in 200              4.48e-01"
                ),
                ("$D = 2$ and $D = 4$ in 70 steps, $D = 8$ in 71", "2  warm y, warm v                     70"),
                ("$D = 2$ and $D = 4$ in 70 steps, $D = 8$ in 71", "4  warm y, warm v                     70"),
                ("$D = 2$ and $D = 4$ in 70 steps, $D = 8$ in 71", "8  warm y, warm v                     71"),
                ("and $D = 1$ in 99", "1  warm y, warm v                     99"),
                ("3.46e-11 for every $D$", "1  warm y, cold v                     99              3.46e-11"),
                ("3.46e-11 for every $D$", "2  warm y, cold v                     70              3.46e-11"),
                ("3.46e-11 for every $D$", "4  warm y, cold v                     70              3.46e-11"),
                ("3.46e-11 for every $D$", "8  warm y, cold v                     71              3.46e-11"),
                ("which depends on the path: 3.51e-10, 8.69e-11, 6.50e-11 and 1.01e-10", "99              3.51e-10"),
                ("which depends on the path: 3.51e-10, 8.69e-11, 6.50e-11 and 1.01e-10", "70              8.69e-11"),
                ("which depends on the path: 3.51e-10, 8.69e-11, 6.50e-11 and 1.01e-10", "70              6.50e-11"),
                ("which depends on the path: 3.51e-10, 8.69e-11, 6.50e-11 and 1.01e-10", "71              1.01e-10"),
                ("(1567 against 2309 for $D = 2$)", "2  warm y, cold v          140            2309"),
                (
                    "1707 calls, against 2321, 1773 and 2058 for $D = 1, 4, 8$",
                    "2  warm y, warm v          140            1567               22.4          1707"
                ),
                (
                    "1707 calls, against 2321, 1773 and 2058 for $D = 1, 4, 8$",
                    "1  warm y, warm v           99            2222               22.4          2321"
                ),
                (
                    "1707 calls, against 2321, 1773 and 2058 for $D = 1, 4, 8$",
                    "4  warm y, warm v          280            1493               21.3          1773"
                ),
                (
                    "1707 calls, against 2321, 1773 and 2058 for $D = 1, 4, 8$",
                    "8  warm y, warm v          568            1490               21.0          2058"
                ),
                (
                    "($1 - \\mu_\\Phi/L_\\Phi = 0.849$, 71 steps of exact gradient descent), so (4.10) asks only for $D \\ge 1.56$",
                    "20260101    0.849        71        1.56   2321   1707   1773   2058         2          2"
                ),
                (
                    "the other four need 34 to 52 exact steps and $D \\ge 2.25$ to 3.20",
                    "20260102    0.714        37        3.20"
                ),
                (
                    "the other four need 34 to 52 exact steps and $D \\ge 2.25$ to 3.20",
                    "20260103    0.740        34"
                ),
                (
                    "the other four need 34 to 52 exact steps and $D \\ge 2.25$ to 3.20",
                    "20260104    0.781        48"
                ),
                (
                    "the other four need 34 to 52 exact steps and $D \\ge 2.25$ to 3.20",
                    "20260105    0.789        52        2.25"
                ),
                (
                    "2066 calls for $D = 1$, 1363 for $D = 2$, 1213 for $D = 4$ and 1459 for $D = 8$",
                    "1          2066  1912  2321              5            0"
                ),
                (
                    "(1306–1707 for $D = 2$, 942–1773 for $D = 4$)",
                    "2          1363  1306  1707              5            1"
                ),
                (
                    "(1306–1707 for $D = 2$, 942–1773 for $D = 4$)",
                    "4          1213   942  1773              5            4"
                ),
                (
                    "2066 calls for $D = 1$, 1363 for $D = 2$, 1213 for $D = 4$ and 1459 for $D = 8$",
                    "8          1459  1065  2058              5            0"
                ),
                ("the same for every $D$ (3.46e-11)", "3.46e-11"),
            ])
    }

    // Exercise 4.7's solution, as book/solutions/04.md shows it.
    // begin solution 4.7
    /// K outer steps of (4.4) with warm starts: y and v carried from one step to the next.
    /// Returns x_K and the Hessian-vector products the K solves spent.
    func warmHypergradientDescent(
        _ problem: any BilevelProblem, x0: Vector, y0: Vector, K: Int, D: Int, alpha: Double, beta: Double
    ) throws -> (x: Vector, products: Int) {
        var (x, y, v, products) = (x0, y0, Vector?.none, 0)  // no v yet: the first solve starts at 0
        for _ in 0..<K {
            for _ in 0..<D { axpy(-alpha, problem.lowerGradientY(x: x, y: y), &y) }  // y ← y − α∇_y g
            let solve = try conjugateGradient(
                { problem.lowerHessianVector(x: x, y: y, $0) }, problem.upperGradientY(0, x: x, y: y),
                initialGuess: v, stop: .tolerance(relativeResidual: 1e-10, maxIterations: 10_000))
            (v, products) = (solve.solution, products + solve.products)  // H v = ∇_y f, from v_{k−1}
            var h = problem.upperGradientX(0, x: x, y: y)  // ĥ = ∇_x f − ∇²_xy g v
            axpy(-1, problem.lowerMixedVector(x: x, y: y, solve.solution), &h)
            axpy(-beta, h, &x)  // x ← x − β ĥ
        }
        return (x, products)
    }
    // end solution 4.7

    /// A problem of the chapter's kind (4.1): A with eigenvalues in [1, 10], ridge θ = 0.1.
    func exerciseProblem() throws -> (problem: QuadraticBilevel, x0: Vector, beta: Double) {
        var rng = SeededGenerator(seed: 47)
        let (n, p) = (10, 40)
        let A = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: 10, count: p))
        let C = rng.gaussianMatrix(rows: n, columns: p, scale: 1 / Double(p).squareRoot())
        let upper = QuadraticBilevel.Upper(
            F: .identity(p), H: .diagonal(Vector(repeating: 0.1, count: n)), K: Matrix(rows: n, columns: p),
            c: rng.gaussianVector(p), h: Vector(repeating: 0, count: n))
        let problem = try QuadraticBilevel(
            A: A, B: Matrix(rows: n, columns: n), C: C, a: rng.gaussianVector(p), b: Vector(repeating: 0, count: n),
            upper: [upper])
        return (problem, rng.gaussianVector(n), 0.5)
    }

    @Test(
        "Exercise 4.7: the hand-written warm loop matches HypergradientDescent — x_K and the products — for D = 1, 2, 4, 8"
    )
    func exercise4_7() throws {
        let (problem, x0, beta) = try exerciseProblem()
        let y0 = Vector(repeating: 0, count: problem.lowerDimension)
        var largest = 0.0
        for d in [1, 2, 4, 8] {
            let mine = try warmHypergradientDescent(problem, x0: x0, y0: y0, K: 200, D: d, alpha: 0.1, beta: beta)
            let library = try HypergradientDescent(
                outerSteps: 200, innerSteps: d, alpha: 0.1, beta: beta,
                solver: .conjugateGradient(.tolerance(relativeResidual: 1e-10, maxIterations: 10_000))
            ).run(problem, x0: x0, y0: y0)
            largest = max(largest, norm(mine.x - library.x) / norm(library.x))
            #expect(mine.products == library.counts.hessianVector, "D = \(d)")
            // The loop converged: x_K is the optimum, so the agreement is not of two runs gone astray.
            let ratio = norm(problem.exactHypergradients(x: library.x)[0]) / norm(problem.exactHypergradients(x: x0)[0])
            #expect(ratio <= 1e-6, "D = \(d): ‖∇Φ(x_K)‖/‖∇Φ(x₀)‖ = \(ratio)")
        }
        // book/solutions/04.md says the two agree exactly (the same operations in the same order).
        #expect(largest == 0, "largest relative difference of x_K: \(largest); update the solution page")
    }

    @Test("The solution page shows exactly the code Exercise 4.7's test runs")
    func solutionPageShowsTheTestedCode() throws {
        let (code, page) = try testedSolution("4.7")
        #expect(page.contains(code), "book/solutions/04.md must show Exercise 4.7's solution as tested:\n\(code)")
    }
}
