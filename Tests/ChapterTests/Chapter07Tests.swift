import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Chapter 7's claims, one test each, read back from the figures and tables of the shared `--quick` run.
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

    @Test("Convergence: q at the end below 1e-5, the KKT gap down by 4 orders and falling over every decade of k")
    func convergence() throws {
        // $forum: the exact q at the end below the quick-mode bound 1e-5 (the default run
        // reaches ~1e-14), the KKT gap down by 4 orders and smaller at the end of every
        // decade of k than at its start.
        let forum = try #require(try quickRun().blocks("ch07-convergence.gp")["forum"])
        #expect(forum.columns == ["k", "kkt", "q", "f1", "f2"])
        let (k, kkt, q) = (try forum.column("k"), try forum.column("kkt"), try forum.column("q"))
        #expect(k.first! >= 1 && k.last! == 2999 && zip(k, k.dropFirst()).allSatisfy { $0 < $1 })
        #expect(q.last! <= 1e-5 && q.last! >= 0)
        #expect(kkt.last! < 1e-4 * kkt.first!)
        for decade in [(10.0, 100.0), (100, 1000), (1000, 2999)] {
            let a = kkt[k.firstIndex { $0 >= decade.0 }!], b = kkt[k.lastIndex { $0 <= decade.1 }!]
            #expect(b < a, "KKT gap rose over k ∈ \(decade)")
        }
    }

    @Test("End points: every start and the run itself within 5e-3 of the exact front")
    func endPoints() throws {
        // The end points of the starts and the run itself: within 5e-3 of the exact front,
        // checked against an independent parametrization of VLMOP2's front in R^10:
        // y_i = t for all i, t ∈ [−1/√10, 1/√10].
        let run = try quickRun()
        let front = try run.blocks("ch07-front.gp")
        let forum = try #require(try run.blocks("ch07-convergence.gp")["forum"])
        let ends = try #require(front["ends"])
        #expect(ends.dataRows.count == 3)
        for row in ends.records { #expect(Self.frontDistance(row["f1"]!, row["f2"]!) < 5e-3, "start \(row["start"]!)") }
        let (f1, f2) = (try forum.column("f1"), try forum.column("f2"))
        #expect(Self.frontDistance(f1.last!, f2.last!) < 5e-3)
    }

    @Test("Cost against T: FORUM's memory flat, MOML's growing linearly in T, every method's calls increasing")
    func costAgainstT() throws {
        // $cost_vs_T: FORUM memory equal for all T; MOML memory strictly increasing with
        // constant increments per unit of T (∝ T plus a constant); calls increasing in T.
        let cost = try #require(try quickRun().blocks("ch07-cost.gp")["cost_vs_T"])
        #expect(cost.columns == ["T", "forum_ops", "moml_ops", "aid_ops", "forum_mem", "moml_mem", "aid_mem"])
        let T = try cost.column("T")
        #expect(T == [4, 8, 16, 32, 64, 128])
        #expect(Set(try cost.column("forum_mem")).count == 1)
        #expect(Set(try cost.column("aid_mem")).count == 1)
        let moml = try cost.column("moml_mem")
        let slopes: [Double] = (1..<T.count).map { (i: Int) -> Double in
            let rise: Double = moml[i] - moml[i - 1]
            let run: Double = T[i] - T[i - 1]
            return rise / run
        }
        #expect(zip(moml, moml.dropFirst()).allSatisfy { $0 < $1 })
        #expect(slopes.allSatisfy { abs($0 - slopes[0]) < 1e-12 } && slopes[0] > 0)
        let forumMemory = try cost.column("forum_mem")
        #expect(moml.last! > forumMemory.last!)
        for name in ["forum_ops", "moml_ops", "aid_ops"] {
            let ops = try cost.column(name)
            #expect(zip(ops, ops.dropFirst()).allSatisfy { $0 < $1 }, "\(name) not increasing in T")
        }
    }

    @Test("The factor of 2: the derived π gives ⟨∇q̃, d⟩ = −φ and the dual's ν, the printed π ≤ −2φ; q̃ under q, its gradient error falling with T")
    func factorOfTwo() throws {
        let tables = try quickRun().blocks("ch07-tables.dat")
        // Derived π: ⟨∇q̃, d⟩ = −φ (with ν > 0) and ν(λ) = the dual's ν; printed π: ⟨∇q̃, d⟩ ≤ −2φ.
        let factor = try #require(tables["factor_of_two"]).records
        #expect(factor.count == 2)
        let (derived, printed) = (factor[0], factor[1])
        #expect(derived["nu"]! > 0)
        #expect(abs(derived["gq_d"]! - derived["minus_phi"]!) <= 1e-9 * abs(derived["minus_phi"]!))
        #expect(abs(derived["nu"]! - derived["qp_nu"]!) <= 1e-9 * derived["nu"]!)
        #expect(printed["gq_d"]! <= printed["minus_two_phi"]! * (1 - 1e-9))
        #expect(abs(printed["minus_two_phi"]! - 2 * derived["minus_phi"]!) <= 1e-9 * abs(printed["minus_two_phi"]!))
        // q̃ under-estimates q and ∇q̃'s error falls with T.
        let constraint = try #require(tables["constraint_at_start"]).records
        for row in constraint { #expect(row["q_tilde"]! <= row["q"]! * (1 + 1e-12)) }
        #expect(constraint.last!["gradient_error"]! < 1e-10 && constraint.first!["gradient_error"]! > 0.1)
    }

    @Test("Side by side on one budget: every method near the front; FORUM holds 6 vectors, MOML 35; WC-MHGD at r = (½, ½) lands on Φ₁ = Φ₂")
    func sideBySide() throws {
        let tables = try quickRun().blocks("ch07-tables.dat")
        // Side by side: every method near the front on the same budget; FORUM holds 6 vectors, MOML T + 3 = 35.
        let side = try #require(tables["side_by_side"]).records
        #expect(side.count == 4)
        let budget = side[0]["calls"]!
        for row in side {
            #expect(row["distance"]! < 5e-3 && row["calls"]! <= budget)
            #expect(Self.frontDistance(row["phi1"]!, row["phi2"]!) < 5e-3)
        }
        #expect(side[0]["vectors"] == 6 && side[1]["vectors"] == 35)
        // WC-MHGD with r = (½, ½) lands where Φ_1 = Φ_2.
        #expect(abs(side[3]["phi1"]! - side[3]["phi2"]!) < 1e-6)
    }

    @Test("Bad flags: out-of-range K, T, ρ, μ, κ, starts, depths, CG steps")
    func badFlags() throws {
        try expectRefused("ch07", [["--outer-steps", "5"], ["--inner-steps", "0"], ["--rho", "0"], ["--rho", "2"], ["--mu", "0"],
                                   ["--mu", "1"], ["--kappa", "0.5"], ["--kappa", "100"], ["--starts", "0"], ["--depths", "4"],
                                   ["--depths", "8", "4"], ["--depths", "0", "4"], ["--cg-steps", "0"]])
    }
}
