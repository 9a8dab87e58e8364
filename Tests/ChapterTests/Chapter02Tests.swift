import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Chapter 2's claims, read back from its figures and its tables file (columns by name).
@Suite("Chapter 2 — Bilevel problems and hypergradients")
struct Chapter02Tests {
    @Test("The hypergradient in $landscape is the slope of Φ, and Φ is smallest where it vanishes")
    func landscape() throws {
        let run = try ChapterRuns.shared.run("ch02", ["--quick"])
        let dir = run.folder
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let blocks = try dataBlocks(dir.appendingPathComponent("ch02-ridge.gp"))
        let landscape = try #require(blocks["landscape"])
        #expect(landscape.columns == ["x", "phi", "dphi"])
        let rows = landscape.records
        #expect(rows.count >= 50)
        // 1. Against the slope of the plotted Φ itself: central differences on the grid
        //    (spacing h; truncation error h²/6·|Φ'''|, a few per cent of the scale).
        let scale = try landscape.column("dphi").map(abs).max()!
        for i in 1..<(rows.count - 1) {
            let slope = (rows[i + 1]["phi"]! - rows[i - 1]["phi"]!) / (rows[i + 1]["x"]! - rows[i - 1]["x"]!)
            #expect(abs(slope - rows[i]["dphi"]!) <= 0.03 * scale, "x = \(rows[i]["x"]!): grid slope \(slope) vs dphi \(rows[i]["dphi"]!)")
        }
        // 2. Sharply, against finite differences of Φ rebuilt from the chapter's data (same seed and sizes).
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let ridge = try RidgeTuning.synthetic(samples: 40, validation: 200, features: 30, noise: 3, using: &rng)
        for row in rows {
            let (theta, phi, dphi) = (row["x"]!, row["phi"]!, row["dphi"]!)
            let h = 1e-5
            let fd = (ridge.reducedValues(x: [theta + h])[0] - ridge.reducedValues(x: [theta - h])[0]) / (2 * h)
            #expect(abs(ridge.reducedValues(x: [theta])[0] - phi) <= 1e-8 * abs(phi))
            #expect(abs(fd - dphi) <= 1e-5 * scale, "x = \(theta): FD \(fd) vs AID \(dphi)")
        }
        // 3. The marked minimum: the hypergradient changes sign there, and Φ is smallest.
        let minimum = try #require(blocks["minimum"]?.records.first)
        let (thetaStar, phiStar) = (minimum["x"]!, minimum["phi"]!)
        #expect(rows.allSatisfy { $0["phi"]! >= phiStar - 1e-9 * phiStar })
        let left = rows.last { $0["x"]! < thetaStar }!, right = rows.first { $0["x"]! > thetaStar }!
        #expect(left["dphi"]! < 0 && right["dphi"]! > 0)
        // The printed claim: the hypergradient at x* is zero to rounding (below 1e-10 of its largest value).
        let line = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("at x* = ") })
        let ratio = try #require(line.firstMatch(of: /, ([0-9.e+-]+) of its largest/).flatMap { Double($0.1) })
        #expect(ratio < 1e-10, "\(line)")
    }

    @Test("The three-way check, the per-feature check and the cost table hold what the chapter prints")
    func tables() throws {
        let run = try ChapterRuns.shared.run("ch02", ["--quick"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let dir = run.folder
        let tables = try dataBlocks(dir.appendingPathComponent("ch02-tables.dat"))
        // Those tables travel in the tables file, not in the figure scripts.
        let figureBlocks = try dataBlocks(dir.appendingPathComponent("ch02-ridge.gp"))
        #expect(Set(figureBlocks.keys) == ["landscape", "tangents", "minimum"])
        let checks = try #require(tables["checks"]).records
        #expect(checks.map { $0["x"]! } == [-2, 0, 2])
        for row in checks {
            #expect(row["fd"]! < 1e-7, "finite differences: \(row["fd"]!)")     // O(h²) + O(ε/h)
            #expect(row["aid_cg"]! < 1e-10 && row["aid_neumann"]! < 1e-8 && row["itd"]! < 1e-10, "x = \(row["x"]!): \(row)")
            #expect(row["itd_steps"]! == (40 * row["kappa"]!).rounded(.up))
        }
        let perFeature = try #require(tables["per_feature"]?.records.first)
        #expect(perFeature["d"] == 30 && perFeature["aid_error"]! < 1e-10 && perFeature["fd_error"]! < 1e-6)
        #expect(perFeature["mixed"] == 1 && perFeature["fd_solves"] == 60 && perFeature["hessian_vector"]! < 60)
        // Costs: estimator 0 = AID-CG, 1 = AID-Neumann, 2 = ITD (the labels' order).
        let costs = try #require(tables["costs"]).records
        #expect(costs.map { $0["estimator"]! } == [0, 1, 2])
        let (cg, neumann, itd) = (costs[0], costs[1], costs[2])
        #expect(cg["gradients"] == 0 && neumann["gradients"] == 0 && itd["gradients"]! > 0)     // only ITD runs the inner loop
        #expect(cg["hessian_vector"]! < neumann["hessian_vector"]!)                               // CG needs fewer products than Neumann
        #expect(itd["vectors"]! > 10 * cg["vectors"]!)                                            // ITD stores its iterates
        #expect(costs.allSatisfy { $0["error"]! < 1e-3 })
    }

    @Test("ITD converges to the hypergradient as D grows, at the inner loop's rate")
    func itd() throws {
        let run = try ChapterRuns.shared.run("ch02", ["--quick"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let dir = run.folder
        let block = try #require(try dataBlocks(dir.appendingPathComponent("ch02-itd.gp"))["itd"])
        #expect(block.columns == ["D", "itd", "aid", "rate"])
        let rows = block.records
        #expect(rows.last!["itd"]! < 1e-10 && rows.last!["aid"]! < 1e-10)
        // From D ≈ 100 on the errors fall monotonically, and AID at w_D stays within a
        // constant of (1 − μ/L)^D while ITD trails by at most a factor linear in D.
        let tail = rows.filter { $0["D"]! >= 100 }
        #expect(zip(tail, tail.dropFirst()).allSatisfy { $1["itd"]! < $0["itd"]! && $1["aid"]! < $0["aid"]! })
        #expect(tail.allSatisfy { $0["aid"]! <= 10 * $0["rate"]! && $0["itd"]! <= $0["D"]! * $0["rate"]! })
    }

    @Test("Bad flags: a grid under 50 points, no samples")
    func badFlags() throws {
        try expectRefused("ch02", [["--grid", "10"], ["--samples", "1"], ["--noise=-1"]])
    }
    // begin solution 2.6
    /// dΦ/dx of ridge tuning by AID with a dense solve, straight from (2.4):
    /// H = ZᵀZ + eˣI, b = ∇_y f = Z_valᵀ(Z_val y* − t_val), and ∇²_xy g · v = eˣ⟨y*, v⟩.
    func denseAID(_ ridge: RidgeTuning, x: Double) throws -> Double {
        let y = ridge.lowerSolution(x: [x])
        var H = ridge.X.transposed.times(ridge.X)
        for i in 0..<H.rows { H[i, i] += exp(x) }
        let b = ridge.validationX.transposeTimes(ridge.validationX.times(y) - ridge.validationT)
        let v = try #require(solveLinearSystem(H, b))
        return -exp(x) * dot(y, v)  // ∇_x f = 0 for ridge
    }
    // end solution 2.6

    @Test("Exercise 2.6: AID with a dense solve agrees with the library's AID and the closed form")
    func exercise2_6() throws {
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let ridge = try RidgeTuning.synthetic(samples: 40, validation: 200, features: 30, noise: 3, using: &rng)
        let oracles = CountedOracles(ridge)
        for x in [-2.0, 0.0, 1.8, 4.0] {
            let mine = try denseAID(ridge, x: x)
            let exact = ridge.exactHypergradients(x: [x])[0][0]
            let library = try aidHypergradient(
                oracles, objective: 0, x: [x], y: ridge.lowerSolution(x: [x]),
                solver: .conjugateGradient(.tolerance(relativeResidual: 1e-12, maxIterations: 300))
            ).gradient[0]
            #expect(abs(mine - exact) <= 1e-9 * abs(exact) && abs(mine - library) <= 1e-9 * abs(exact), "x = \(x): \(mine) vs \(exact), \(library)")
        }
    }

    @Test("The solution page shows exactly the code Exercise 2.6's test runs")
    func exercise2_6OnThePage() throws {
        let (code, page) = try testedSolution("2.6")
        #expect(page.contains(code), "book/solutions/02.md must show Exercise 2.6's solution as tested:\n\(code)")
    }

    @Test("The prose's numbers are the default run's", .tags(.defaultRun))
    func proseQuotesTheRun() throws {
        try expectQuoted("ch02", [
            ("to 1.77e-11 at worst over the 61 grid points", "over all 61 grid points: 1.77e-11"),
            ("The minimum sits at $x^* = 1.800392$, a penalty $\\theta^* = 6.0520$", "x* = 1.800392, θ* = 6.0520"),
            ("AID-CG to rounding (2.08e-15 at $x = -2$)", "-2.000     96.1  -5.470758e+02  5.24e-10      2.08e-15"),
            ("through 3843, 2310 and 611 steps", "3843"), ("through 3843, 2310 and 611 steps", "2310"),
            ("through 3843, 2310 and 611 steps", " 611"),
            ("the exact hypergradient is 2.12e-15 of its largest value", "2.12e-15 of its largest value"),
            ("$1 - \\mu/L = 0.98268$ per step ($\\kappa = 57.7$)", "κ = L/μ = 57.7 at x₀; the inner loop contracts by 1 − μ/L = 0.98268"),
            ("decays at 0.98265 per step", "AID at y^(D) 0.98265"), ("ITD decays at 0.98373", "ITD 0.98373"),
            ("slower by a factor 1.00110 per step", "ratio ITD/AID per step: 1.00110"),
            ("ending near 1e-12 at D = 1733", "1733        9.66e-13"),
            ("with 33 Hessian-vector products and a single mixed product", "6.11e-15             5.08e-10         33          1"),
            ("all 30 components to 6.11e-15", "6.11e-15"), ("agree to 5.08e-10", "5.08e-10"),
            ("ITD through $D = 578$ steps holds 581 vectors", "ITD, D = 578                578    577    578   2           581    2.06e-04"),
            ("needs 33 Hessian-vector products and 6 vectors for 5.18e-12", "AID-CG, residual 1e-8         0     33      1   2             6    5.18e-12"),
            ("reaches 8.21e-09 with 1015 products", "AID-Neumann, residual 1e-8    0   1015      1   2             5    8.21e-09"),
        ])
    }
}
