import ChapterSupport
import Foundation
import MOBL
import Testing

/// Chapter 2's claims, read back from its figures.
@Suite("Chapter 2 — Bilevel problems and hypergradients")
struct Chapter02Tests {
    @Test("The hypergradient in $landscape is the slope of Φ, and Φ is smallest where it vanishes")
    func landscape() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runChapter("ch02", ["--quick", "--output", dir.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let blocks = try dataBlocks(dir.appendingPathComponent("ch02-ridge.gp"))
        let landscape = try #require(blocks["landscape"])
        #expect(landscape.columns == ["theta", "phi", "dphi"])
        let rows = landscape.dataRows
        #expect(rows.count >= 50)
        // 1. Against the slope of the plotted Φ itself: central differences on the grid
        //    (spacing h; truncation error h²/6·|Φ'''|, a few per cent of the scale).
        let scale = rows.map { abs($0[2]) }.max()!
        for i in 1..<(rows.count - 1) {
            let slope = (rows[i + 1][1] - rows[i - 1][1]) / (rows[i + 1][0] - rows[i - 1][0])
            #expect(abs(slope - rows[i][2]) <= 0.03 * scale, "θ = \(rows[i][0]): grid slope \(slope) vs dphi \(rows[i][2])")
        }
        // 2. Sharply, against finite differences of Φ rebuilt from the chapter's data (same seed and sizes).
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let ridge = try RidgeTuning.synthetic(samples: 40, validation: 200, features: 30, noise: 3, using: &rng)
        for row in rows {
            let h = 1e-5
            let fd = (ridge.reducedValues(x: [row[0] + h])[0] - ridge.reducedValues(x: [row[0] - h])[0]) / (2 * h)
            #expect(abs(ridge.reducedValues(x: [row[0]])[0] - row[1]) <= 1e-8 * abs(row[1]))
            #expect(abs(fd - row[2]) <= 1e-5 * scale, "θ = \(row[0]): FD \(fd) vs AID \(row[2])")
        }
        // 3. The marked minimum: the hypergradient changes sign there, and Φ is smallest.
        let minimum = try #require(blocks["minimum"]).dataRows[0]
        #expect(rows.allSatisfy { $0[1] >= minimum[1] - 1e-9 * minimum[1] })
        let left = rows.last { $0[0] < minimum[0] }!, right = rows.first { $0[0] > minimum[0] }!
        #expect(left[2] < 0 && right[2] > 0)
    }

    @Test("The three-way check, the per-feature check and the cost table hold what the chapter prints")
    func tables() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try runChapter("ch02", ["--quick", "--output", dir.path]).status == 0)
        let blocks = try dataBlocks(dir.appendingPathComponent("ch02-ridge.gp"))
        let checks = try #require(blocks["checks"]).dataRows
        #expect(checks.count == 3)
        for row in checks {
            #expect(row[2] < 1e-7, "finite differences: \(row[2])")     // O(h²) + O(ε/h)
            #expect(row[3] < 1e-10 && row[4] < 1e-8 && row[5] < 1e-10, "θ = \(row[0]): \(row)")
        }
        let perFeature = try #require(blocks["per_feature"]).dataRows[0]
        #expect(perFeature[0] == 30 && perFeature[1] < 1e-10 && perFeature[2] < 1e-6)
        // Costs: estimator 1 = AID-CG, 2 = AID-Neumann, 3 = ITD.
        let costs = try #require(blocks["costs"]).dataRows
        #expect(costs.map { $0[0] } == [1, 2, 3])
        #expect(costs[0][1] == 0 && costs[1][1] == 0 && costs[2][1] > 0)       // only ITD runs the inner loop
        #expect(costs[0][2] < costs[1][2])                                     // CG needs fewer products than Neumann
        #expect(costs[2][4] > 10 * costs[0][4])                                 // ITD stores its iterates
        #expect(costs.allSatisfy { $0[5] < 1e-3 })
    }

    @Test("ITD converges to the hypergradient as D grows, at the inner loop's rate")
    func itd() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try runChapter("ch02", ["--quick", "--output", dir.path]).status == 0)
        let block = try #require(try dataBlocks(dir.appendingPathComponent("ch02-itd.gp"))["itd"])
        #expect(block.columns == ["D", "itd", "aid", "rate"])
        let rows = block.dataRows
        #expect(rows.last![1] < 1e-10 && rows.last![2] < 1e-10)
        // From D ≈ 100 on the errors fall monotonically, and AID at w_D stays within a
        // constant of (1 − μ/L)^D while ITD trails by at most a factor linear in D.
        let tail = rows.filter { $0[0] >= 100 }
        #expect(zip(tail, tail.dropFirst()).allSatisfy { $1[1] < $0[1] && $1[2] < $0[2] })
        #expect(tail.allSatisfy { $0[2] <= 10 * $0[3] && $0[1] <= $0[0] * $0[3] })
    }

    @Test("Bad flags: a grid under 50 points, no samples")
    func badFlags() throws {
        try expectRefused("ch02", [["--grid", "10"], ["--samples", "1"], ["--noise=-1"]])
    }
}
