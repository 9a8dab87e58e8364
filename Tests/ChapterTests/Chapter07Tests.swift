import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Chapter 7's claims, one test each, read back from the figures and tables of the shared
/// `--quick` run (K = 3000, 3 starts), and the prose's numbers from the default run.
@Suite("Chapter 7 — FORUM")
struct Chapter07Tests {
    /// The shared `--quick` run (K = 3000, 3 starts).
    func quickRun() throws -> ChapterRun { try ChapterRuns.shared.succeeded("ch07", ["--quick"]) }

    /// The distance of (f1, f2) from the exact front, by an independent parametrization of VLMOP2's
    /// front in R^10: y_i = t for all i, t ∈ [−1/√10, 1/√10].
    static func frontDistance(_ f1: Double, _ f2: Double) -> Double {
        let n = 10.0, c = 1 / n.squareRoot()
        return (0...20_000).map { i -> Double in
            let t = -c + 2 * c * Double(i) / 20_000
            let a = 1 - exp(-n * (t - c) * (t - c)), b = 1 - exp(-n * (t + c) * (t + c))
            return ((a - f1) * (a - f1) + (b - f2) * (b - f2)).squareRoot()
        }.min()!
    }

    @Test("Convergence: q at the end below 1e-5, the KKT gap down by 4 orders; ν crosses the limit 2/(β(L + 1/L)) before q first rises")
    func convergence() throws {
        let run = try quickRun()
        let forum = try #require(try run.blocks("ch07-convergence.gp")["forum"])
        #expect(forum.columns == ["k", "kkt", "q", "nu"])
        let (k, kkt, q) = (try forum.column("k"), try forum.column("kkt"), try forum.column("q"))
        #expect(k.first! >= 1 && k.last! == 2999 && zip(k, k.dropFirst()).allSatisfy { $0 < $1 })
        #expect(q.last! <= 1e-5 && q.last! >= 0)
        #expect(kkt.last! < 1e-4 * kkt.first!)
        // Over the last decade the gap falls (the plateau is over).
        let a = kkt[k.firstIndex { $0 >= 1000 }!]
        #expect(kkt.last! < a)
        // The jump: q rises for the first time only after ν_k has passed the limit (7.10).
        let jump = try #require(try run.blocks("ch07-tables.dat")["jump"]).records
        #expect(jump.contains { $0["ratio"]! > 1 })
        let nu = try forum.column("nu")
        let firstOver = try #require(k.indices.first { nu[$0] > jump[0]["nu"]! / jump[0]["ratio"]! })
        let firstRise = try #require(k.indices.dropFirst().first { q[$0] > q[$0 - 1] })
        #expect(k[firstOver] <= k[firstRise])
    }

    @Test("The front figure is drawn in Φ-space: each path starts at Φ(x₀) of its seeded start and ends at Φ(x_K), near the front")
    func frontInPhiSpace() throws {
        let run = try quickRun()
        let front = try run.blocks("ch07-front.gp")
        let paths = try #require(front["paths"]), ends = try #require(front["ends"]), starts = try #require(front["starts"])
        #expect(paths.columns == ["start", "phi1", "phi2"])
        // The chapter's draws, replayed: the toy, x₀ of Section 1, then the starts 0.6·Gaussian.
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let toy = try MOBLToy.standard(.vlmop2, kappa: 10, using: &rng)
        _ = rng.gaussianVector(toy.upperDimension)
        let expected = (0..<3).map { _ in toy.reducedValues(x: rng.gaussianVector(toy.upperDimension).map { 0.6 * $0 }) }
        #expect(paths.groups.count == 3 && ends.dataRows.count == 3)
        for (j, group) in paths.groups.enumerated() {
            let first = Vector(group[0][1...2]), last = Vector(group.last![1...2])
            #expect(norm(first - expected[j]) < 1e-9, "start \(j + 1): path begins at \(first), Φ(x₀) = \(expected[j])")
            #expect(norm(Vector(starts.dataRows[j][1...2]) - expected[j]) < 1e-9)
            #expect(norm(last - Vector(ends.dataRows[j][1...2])) == 0)
            // Not F(ζ₀) = f(y₀ = 0), the middle of the front, where every start would sit.
            #expect(abs(first[0] - 0.632121) > 1e-3 || abs(first[1] - 0.632121) > 1e-3)
        }
        // Every end point within 5e-3 of the front, near one of its ends (the slide of Section 4).
        for row in ends.records {
            #expect(Self.frontDistance(row["phi1"]!, row["phi2"]!) < 5e-3, "start \(row["start"]!)")
            #expect(min(row["phi1"]!, row["phi2"]!) < 0.05, "start \(row["start"]!) ends away from the front's ends")
        }
    }

    @Test("Cost against D: FORUM's memory flat, MOML's growing linearly in D, every method's calls increasing; two figures")
    func costAgainstD() throws {
        let run = try quickRun()
        let cost = try #require(try run.blocks("ch07-cost.gp")["cost_vs_D"])
        #expect(try run.blocks("ch07-memory.gp")["cost_vs_D"]?.dataRows == cost.dataRows)
        #expect(cost.columns == ["D", "forum_ops", "moml_ops", "aid_ops", "forum_mem", "moml_mem", "aid_mem"])
        let depths = try cost.column("D")
        #expect(depths == [4, 8, 16, 32, 64, 128])
        #expect(Set(try cost.column("forum_mem")) == [6])
        #expect(Set(try cost.column("aid_mem")) == [7])
        let moml = try cost.column("moml_mem")
        #expect(zip(depths, moml).allSatisfy { $1 == $0 + 3 })
        for name in ["forum_ops", "moml_ops", "aid_ops"] {
            let ops = try cost.column(name)
            #expect(zip(ops, ops.dropFirst()).allSatisfy { $0 < $1 }, "\(name) not increasing in D")
        }
        #expect(zip(depths, try cost.column("forum_ops")).allSatisfy { $1 == $0 + 7 })
        #expect(zip(depths, try cost.column("moml_ops")).allSatisfy { $1 == 5 * $0 + 2 })
    }

    @Test("The factor of 2: the derived π gives ⟨∇q̃, d⟩ = −φ and the dual's ν, the printed π ≤ −2φ; q̃ under q, its gradient error falling with D")
    func factorOfTwo() throws {
        let tables = try quickRun().blocks("ch07-tables.dat")
        let factor = try #require(tables["factor_of_two"]).records
        #expect(factor.count == 2)
        let (derived, printed) = (factor[0], factor[1])
        #expect(derived["nu"]! > 0)
        #expect(abs(derived["gq_d"]! - derived["minus_phi"]!) <= 1e-9 * abs(derived["minus_phi"]!))
        #expect(abs(derived["nu"]! - derived["qp_nu"]!) <= 1e-9 * derived["nu"]!)
        #expect(printed["gq_d"]! <= printed["minus_two_phi"]! * (1 - 1e-9))
        #expect(abs(printed["minus_two_phi"]! - 2 * derived["minus_phi"]!) <= 1e-9 * abs(printed["minus_two_phi"]!))
        let constraint = try #require(tables["constraint_at_start"]).records
        for row in constraint { #expect(row["q_tilde"]! <= row["q"]! * (1 + 1e-12)) }
        #expect(constraint.last!["gradient_error"]! < 1e-10 && constraint.first!["gradient_error"]! > 0.1)
    }

    @Test("Side by side on one budget: every method near the front; FORUM holds 6 vectors, MOML 35; WC-MHGD at r = (½, ½) lands on Φ₁ = Φ₂")
    func sideBySide() throws {
        let side = try #require(try quickRun().blocks("ch07-tables.dat")["side_by_side"]).records
        #expect(side.count == 4)
        let budget = side[0]["calls"]!
        for row in side {
            #expect(row["distance"]! < 5e-3 && row["calls"]! <= budget)
            #expect(Self.frontDistance(row["phi1"]!, row["phi2"]!) < 5e-3)
        }
        #expect(side[0]["vectors"] == 6 && side[1]["vectors"] == 35)
        #expect(abs(side[3]["phi1"]! - side[3]["phi2"]!) < 1e-6)
    }

    /// Every chapter command an exercise or a worked solution names: its flags, from the
    /// page's Exercises and from book/solutions/07.md (`--output DIR` dropped).
    static func exerciseCommands() throws -> Set<[String]> {
        let page = try String(contentsOf: packageRoot.appendingPathComponent("book/07-FORUM.md"), encoding: .utf8)
        let exercises = try #require(page.range(of: "## Exercises")).upperBound
        let end = page.range(of: "## Further reading", range: exercises..<page.endIndex)?.lowerBound ?? page.endIndex
        let solutions = try String(contentsOf: packageRoot.appendingPathComponent("book/solutions/07.md"), encoding: .utf8)
        var commands: Set<[String]> = []
        let pattern = /(?:swift run -c release )?ch07((?: --?[a-z][a-z-]*(?: [^\s`-][^\s`]*)*)*)/
        for text in [String(page[exercises..<end]), solutions] {
            for match in text.matches(of: pattern) {
                var words = match.1.split(separator: " ").map(String.init)
                if let i = words.firstIndex(of: "--output") { words.removeSubrange(i...min(i + 1, words.count - 1)) }
                commands.insert(words)
            }
        }
        return commands
    }

    /// The flags of every exercise, each run as the reader would (with --quick where the run
    /// does not depend on K, into a scratch folder).
    static let exerciseFlags: [[String]] = [
        ["--inner-steps", "4"], ["--rho", "1"], ["--kappa", "20"], ["--kappa", "20", "--outer-steps", "30000"],
        ["--depths", "1", "2", "4", "8", "16"], ["--starts", "10", "--seed", "7"], ["--beta", "0.1"],
    ]

    @Test("Every exercise's and solution's command is accepted by the program (exit 0)")
    func exerciseFlagsAreAccepted() throws {
        let named = try Self.exerciseCommands()
        #expect(named.contains(["--kappa", "20"]), "the parser found no --kappa 20: \(named)")
        for flags in named where !flags.isEmpty {
            #expect(Self.exerciseFlags.contains(flags), "an exercise names `ch07 \(flags.joined(separator: " "))`, which the test does not run")
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for flags in Self.exerciseFlags {
            let quick = flags.contains("--outer-steps") ? [] : ["--quick"]
            let run = try runChapter("ch07", flags + quick + ["--output", dir.path])
            #expect(run.status == 0, "ch07 \(flags.joined(separator: " ")): \(run.stderr)")
        }
    }

    @Test("The prose's numbers are the default run's", .tags(.defaultRun))
    func proseQuotesTheRun() throws {
        try expectQuoted("ch07", Self.quotes)
    }

    static let quotes: [(prose: String, printed: String)] = [
        ("(the largest ratio is 1.000000000000, at $D = 256$)", "largest q̃/q over the rows: 1.000000000000"),
        ("falls from 4.63e-01 at $D = 1$", "  1  9.4672e-02  3.0643e-01        4.63e-01"),
        ("6.16e-13 at $D = 256$", "256  3.0643e-01  3.0643e-01        6.16e-13"),
        ("$\\langle \\nabla\\tilde q, d \\rangle / \\phi = -1.000000$", "derived: ⟨∇q̃, d⟩/φ = -1.000000"),
        ("equals the dual's $\\nu$ to 1.64e-16", "|ν(λ) − ν|/ν = 1.64e-16"),
        ("the ratio is $-2.000000$", "printed: ⟨∇q̃, d⟩/φ = -2.000000"),
        ("larger by 2.50e-01", "ν larger by 2.50e-01 = φ/‖∇q̃‖² = 2.50e-01"),
        ("$q(\\zeta_K)$ = 1.58e-14 and the KKT gap 1.01e-13, from 1.29e-01", "q(ζ_K) = 1.58e-14, KKT gap 1.01e-13 (from 1.29e-01"),
        ("$\\Phi(x_K)$ = (0.010073, 0.972885) lies 1.32e-08", "Φ(x_K) = (0.010073, 0.972885), distance to the exact front 1.32e-08"),
        ("(largest 3.43e+00)", "ν_k: largest 3.43e+00"),
        ("every method ends within 1.32e-08", "1.32e-08"),
        ("FORUM at $\\Phi_1$ = 0.010073, MOML at 0.788825, MoCo at 0.892953", "MOML     0.788825"),
        ("FORUM at $\\Phi_1$ = 0.010073, MOML at 0.788825, MoCo at 0.892953", "MoCo     0.892953"),
        ("$\\Phi_1 = \\Phi_2 = 0.632121$", "WC-MHGD  0.632121  0.632121"),
        ("FORUM $1.00 \\cdot D + 7.00$, MOML $5.00 \\cdot D + 2.00$, AID-CG $1.00 \\cdot D + 30.00$",
         "calls per step: FORUM 1.00·D + 7.00, MOML 5.00·D + 2.00, AID-CG 1.00·D + 30.00"),
        ("grows as $1.00 \\cdot D + 3.00$ for MOML", "MOML 1.00·D + 3.00"),
        // Section 8: the closing comparison's rows.
        ("an excess of -5.55e-17", "toy S=2 (VLMOP2)    WC-MHGD (CG)           -5.55e-17  exact      2.70e-33  gap levelled"),
        ("an excess of -5.55e-17", "toy S=2 (VLMOP2)    WC-MHGD (Neumann)      -5.55e-17  exact      4.48e-33  gap levelled"),
        ("(excesses 1.30e-01, 9.02e-02 and 1.73e-01)", "MoCo                    1.30e-01  exact      7.05e-33  gap levelled"),
        ("(excesses 1.30e-01, 9.02e-02 and 1.73e-01)", "MGDA                    9.02e-02  exact      1.59e-33  gap levelled"),
        ("(excesses 1.30e-01, 9.02e-02 and 1.73e-01)", "linear scalarization    1.73e-01  exact      4.85e-31  gap levelled"),
        ("FORUM and MOML were still falling", "FORUM                   1.70e-01  exact      3.92e-15  still falling"),
        ("FORUM and MOML were still falling", "MOML                    7.84e-02  exact      7.49e-21  still falling"),
        ("with the smallest excess, 5.38e-06, but its gap (9.74e-07) is still falling",
         "toy S=5 (pentagon)  WC-MHGD (CG)            5.38e-06  exact      9.74e-07  still falling"),
        ("which levelled 1.59e-03 above the optimum",
         "toy S=5 (pentagon)  linear scalarization    1.59e-03  exact      4.76e-32  gap levelled"),
        ("the limit, 0.9901 here, already at $k$ = 10", "limit 2/(β(L + 1/L)) = 0.9901 on ν_k"),
        ("the limit, 0.9901 here, already at $k$ = 10", "ν_k first exceeds the limit at k = 10"),
        ("climbs to 3.1736 at $k = 20$", "20  9.79e-04  1.40e-02  3.1736"),
        ("At $k$ = 22 $q(\\zeta_k)$ rises for the first time", "q(ζ_k) first rises at k = 22"),
        ("jumps from 1.40e-02 to 4.58e-02", "22  9.26e-04  4.58e-02"),
        ("(0.982 to 1.006 times it in the table)", "26  7.07e-03  3.08e-02  0.9719        0.982"),
        ("(0.982 to 1.006 times it in the table)", "60  6.24e-03  2.56e-02  0.9960        1.006"),
        ("All 5 runs reach the front (the largest distance is 1.87e-08)", "largest distance to the front 1.87e-08"),
        ("all 5 end near one of its ends", "5 of 5 end points have one Φ_s below 0.05"),
        ("are 0.6554 to 0.6673", "0.973145  0.009573  1.62e-14  1.05e-13  1.00e-08  0.6554"),
        ("are 0.6554 to 0.6673", "0.011286  3.20e-14  2.10e-13  4.49e-09  0.6673"),
        ("and 0.3489 for the one ending near", "0.009041  0.973427  1.20e-14  6.67e-14  1.87e-08  0.3489"),
        ("$\\lambda_1$ = 0.5000 against 0.7098 projected", "MoCo, softmax, θ = 0.1            0.978330  0.001804  1.20e-09  1.32e-31     0.5000"),
        ("$\\lambda_1$ = 0.5000 against 0.7098 projected", "7.05e-33     0.7098"),
        ("ends at $\\Phi_1$ = 0.978330 instead of 0.892953", "0.978330"),
    ]

    /// Exercise 7.9: the projection onto the simplex by sorting, and MoCo's first weight step
    /// from the tracked columns of a run's first step, written by hand.
    @Test("Exercise 7.9: a hand-written Π_Δ and MoCo weight step agree with the library")
    func exercise7_9() throws {
        // begin solution 7.9
        /// Π_Δ(v): the point of the simplex nearest v (Duchi et al. 2008): sort, find the
        /// largest ρ with u_ρ − (Σ_{j≤ρ} u_j − 1)/ρ > 0, shift by that threshold, clip at 0.
        func projectToSimplex(_ v: Vector) -> Vector {
            let u = v.sorted(by: >)
            var sum = 0.0, threshold = 0.0
            for (i, value) in u.enumerated() {
                sum += value
                let candidate = (sum - 1) / Double(i + 1)
                if value - candidate > 0 { threshold = candidate }
            }
            return v.map { max($0 - threshold, 0) }
        }
        /// MoCo's weight step λ⁺ = Π_Δ(λ − β_λ YᵀYλ) for the columns y_s of Y.
        func mocoWeights(_ lambda: Vector, columns: [Vector], step: Double) -> Vector {
            let combined = combination(lambda, columns)  // Yλ
            return projectToSimplex((0..<lambda.count).map { lambda[$0] - step * dot(columns[$0], combined) })
        }
        // end solution 7.9
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        for _ in 0..<200 {
            let v = rng.gaussianVector(5).map { 2 * $0 }
            #expect(norm(projectToSimplex(v) - projectOntoSimplex(v)) < 1e-14)
        }
        let toy = try MOBLToy.standard(.vlmop2, kappa: 10, using: &rng)
        let x0 = rng.gaussianVector(10).map { 0.3 * $0 }
        let moco = MoCo(
            outerSteps: 1, innerSteps: 2, alpha: 1 / toy.curvature.L, mu: 1, gamma: 1, tracking: .constant(0.5),
            solver: .conjugateGradient(.fixed(iterations: 10)))
        var first: OuterIterate?
        _ = try moco.run(toy, x0: x0, y0: Vector(repeating: 0, count: 10)) { step in
            first = step
            return true
        }
        let step = try #require(first)
        let mine = mocoWeights([0.5, 0.5], columns: step.hypergradients, step: 1)
        #expect(norm(mine - step.weights) < 1e-14, "\(mine) against \(step.weights)")
    }

    @Test("The solution page shows exactly the code Exercise 7.9's test runs")
    func exercise7_9OnThePage() throws {
        let (code, page) = try testedSolution("7.9")
        #expect(page.contains(code), "book/solutions/07.md must show Exercise 7.9's solution as tested:\n\(code)")
    }

    @Test("Bad flags: out-of-range K, D, ρ, β, κ, starts, depths, CG iterations")
    func badFlags() throws {
        try expectRefused(
            "ch07",
            [
                ["--outer-steps", "5"], ["--inner-steps", "0"], ["--rho", "0"], ["--rho", "2"], ["--beta", "0"],
                ["--beta", "1"], ["--kappa", "0.5"], ["--kappa", "100"], ["--starts", "0"], ["--depths", "4"],
                ["--depths", "8", "4"], ["--depths", "0", "4"], ["--cg-steps", "0"],
            ])
    }
}
