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
        #expect(landscape.columns == ["theta", "phi", "dphi"])
        let rows = landscape.records
        #expect(rows.count >= 50)
        // 1. Against the slope of the plotted Φ itself: central differences on the grid
        //    (spacing h; truncation error h²/6·|Φ'''|, a few per cent of the scale).
        let scale = try landscape.column("dphi").map(abs).max()!
        for i in 1..<(rows.count - 1) {
            let slope = (rows[i + 1]["phi"]! - rows[i - 1]["phi"]!) / (rows[i + 1]["theta"]! - rows[i - 1]["theta"]!)
            #expect(abs(slope - rows[i]["dphi"]!) <= 0.03 * scale, "θ = \(rows[i]["theta"]!): grid slope \(slope) vs dphi \(rows[i]["dphi"]!)")
        }
        // 2. Sharply, against finite differences of Φ rebuilt from the chapter's data (same seed and sizes).
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let ridge = try RidgeTuning.synthetic(samples: 40, validation: 200, features: 30, noise: 3, using: &rng)
        for row in rows {
            let (theta, phi, dphi) = (row["theta"]!, row["phi"]!, row["dphi"]!)
            let h = 1e-5
            let fd = (ridge.reducedValues(x: [theta + h])[0] - ridge.reducedValues(x: [theta - h])[0]) / (2 * h)
            #expect(abs(ridge.reducedValues(x: [theta])[0] - phi) <= 1e-8 * abs(phi))
            #expect(abs(fd - dphi) <= 1e-5 * scale, "θ = \(theta): FD \(fd) vs AID \(dphi)")
        }
        // 3. The marked minimum: the hypergradient changes sign there, and Φ is smallest.
        let minimum = try #require(blocks["minimum"]?.records.first)
        let (thetaStar, phiStar) = (minimum["theta"]!, minimum["phi"]!)
        #expect(rows.allSatisfy { $0["phi"]! >= phiStar - 1e-9 * phiStar })
        let left = rows.last { $0["theta"]! < thetaStar }!, right = rows.first { $0["theta"]! > thetaStar }!
        #expect(left["dphi"]! < 0 && right["dphi"]! > 0)
        // The printed claim: the hypergradient at θ* is zero to rounding.
        #expect(run.stdout.contains("zero to rounding"))
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
        #expect(checks.map { $0["theta"]! } == [-2, 0, 2])
        for row in checks {
            #expect(row["fd"]! < 1e-7, "finite differences: \(row["fd"]!)")     // O(h²) + O(ε/h)
            #expect(row["aid_cg"]! < 1e-10 && row["aid_neumann"]! < 1e-8 && row["itd"]! < 1e-10, "θ = \(row["theta"]!): \(row)")
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
}
