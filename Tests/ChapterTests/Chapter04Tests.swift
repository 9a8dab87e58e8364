import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Chapter 4's claims, one test each, read back from the figures of the shared `--quick` run.
@Suite("Chapter 4 — Warm starts")
struct Chapter04Tests {
    /// The shared `--quick` run (p = 30, K = 200).
    func quickRun() throws -> ChapterRun { try ChapterRuns.shared.succeeded("ch04", ["--quick"]) }

    @Test("Inner error: warm below cold after the first step; cold stuck on a floor; warm converging, and shrinking with D")
    func innerError() throws {
        let inner = try #require(try quickRun().blocks("ch04-warm-start.gp")["inner_error"])
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
    }

    @Test("Hypergradient error: warm ends below 1e-6, cold keeps an O(1) bias")
    func hypergradientError() throws {
        let hyper = try #require(try quickRun().blocks("ch04-warm-start.gp")["hypergradient_error"]).groups
        #expect(hyper.count == 4)
        for group in hyper {
            #expect(group.last![2] < 1e-6)
            #expect(group.last![3] > 1e-2)
        }
    }

    @Test("Warm-started CG never needs more products than cold, and 20 % fewer in total")
    func warmCG() throws {
        let cg = try #require(try quickRun().blocks("ch04-cg-warm-start.gp")["cg_products"]).dataRows
        #expect(!cg.isEmpty && cg.allSatisfy { $0[2] <= $0[1] })
        let warm = cg.reduce(0.0) { $0 + $1[2] }, cold = cg.reduce(0.0) { $0 + $1[1] }
        #expect(warm < 0.8 * cold)
    }

    @Test("Cost table: cold inner loops never reach the target, warm ones do, and warm CG spends fewer products on the same steps")
    func costTable() throws {
        let cost = try #require(try quickRun().blocks("ch04-tables.dat")["cost"]).records
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
