import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Chapter 4's claims, read back from its figures (quick mode: p = 30, K = 200).
@Suite("Chapter 4 — Warm starts")
struct Chapter04Tests {
    @Test("Warm below cold at every step; cold stuck on a floor; warm shrinking with D; warm CG cheaper")
    func claims() throws {
        let run = try ChapterRuns.shared.run("ch04", ["--quick"])
        let dir = run.folder
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let blocks = try dataBlocks(dir.appendingPathComponent("ch04-warm-start.gp"))
        let inner = try #require(blocks["inner_error"])
        #expect(inner.columns == ["D", "k", "warm", "cold"])
        let groups = inner.groups
        #expect(groups.map { $0[0][0] } == [1, 2, 4, 8])
        for group in groups {
            #expect(group.count == 200)
            let d = group[0][0]
            // Warm below cold after the first step (both start from y = 0 at k = 0).
            for row in group.dropFirst() { #expect(row[2] < row[3], "D = \(d), k = \(row[1])") }
            // Cold: a floor — the second half varies by under 1 % and stays far from zero.
            let tail = group.suffix(50).map { $0[3] }
            #expect(tail.min()! > 0.99 * tail.max()! && tail.min()! > 1e-2)
            // Warm: converges with the outer loop.
            #expect(group.last![2] < 1e-6 * group.last![3])
        }
        // The warm error shrinks with D (compare D = 1 and D = 8 along the way).
        for k in [5, 10, 20, 40] { #expect(groups[3][k][2] < groups[0][k][2]) }
        // Hypergradient errors follow: warm ends tiny, cold keeps an O(1) bias.
        let hyper = try #require(blocks["hypergradient_error"]).groups
        for group in hyper {
            #expect(group.last![2] < 1e-6)
            #expect(group.last![3] > 1e-2)
        }
        // Warm-started CG never needs more products than cold, and far fewer in total.
        let cg = try #require(try dataBlocks(dir.appendingPathComponent("ch04-cg-warm-start.gp"))["cg_products"]).dataRows
        #expect(cg.allSatisfy { $0[2] <= $0[1] })
        #expect(cg.reduce(0) { $0 + $1[2] } < 0.8 * cg.reduce(0) { $0 + $1[1] })
        // Section 3's cost table (in ch04-tables.dat): cold inner loops never reach the
        // target, warm ones do, and with the same inner loop warm CG spends fewer products.
        let cost = try #require(try dataBlocks(dir.appendingPathComponent("ch04-tables.dat"))["cost"]).records
        #expect(cost.count == 12)
        let (cold, warmInner, warmBoth) = (0.0, 1.0, 2.0)      // the `start` labels
        for row in cost where row["start"] == cold {
            #expect(row["steps"]!.isNaN && row["final_ratio"]! > 1e-2, "cold D = \(row["D"]!) reached the target")
        }
        for row in cost where row["start"] != cold {
            #expect(row["steps"]! > 0 && row["final_ratio"]! <= 1e-6, "warm D = \(row["D"]!) missed the target")
        }
        for d in [1.0, 2, 4, 8] {
            let coldCG = cost.first { $0["D"] == d && $0["start"] == warmInner }!
            let warmCG = cost.first { $0["D"] == d && $0["start"] == warmBoth }!
            #expect(warmCG["products"]! < 0.8 * coldCG["products"]! && warmCG["steps"] == coldCG["steps"])
        }
    }

    @Test("Bad flags: too few outer steps, κ below 1, a target out of range")
    func badFlags() throws {
        try expectRefused("ch04", [["--outer-steps", "2"], ["--outer-steps=-1"], ["--kappa", "0.5"], ["--target", "2"], ["--size", "1"],
                          ["--depths", "3", "3"], ["--depths", "0"], ["--outer-step", "2"]])
    }
}
