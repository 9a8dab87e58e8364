import ChapterSupport
import Foundation
import MOBL
import Testing

/// Chapter 3's claims, read back from its figures (quick mode: p = 50, κ ≤ 1000).
@Suite("Chapter 3 — CG vs Neumann")
struct Chapter03Tests {
    func runQuick() throws -> [String: DataBlock] {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runChapter("ch03", ["--quick", "--output", dir.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        var blocks: [String: DataBlock] = [:]
        for slug in ["ch03-convergence", "ch03-cg-vs-neumann", "ch03-hypergradient"] {
            blocks.merge(try dataBlocks(dir.appendingPathComponent("\(slug).gp"))) { a, _ in a }
        }
        return blocks
    }

    @Test("Slopes ½ and 1; measured counts within the bounds; every curve obeys its rate")
    func slopesAndRates() throws {
        let blocks = try runQuick()
        let iterations = try #require(blocks["iterations"])
        #expect(iterations.columns == ["kappa", "cg", "neumann"])
        let rows = iterations.dataRows
        #expect(rows.map { $0[0] } == [10, 100, 1000])
        func slope(_ column: Int) -> Double {
            let xs = rows.map { log($0[0]) }, ys = rows.map { log($0[column]) }
            let mx = xs.reduce(0, +) / 3, my = ys.reduce(0, +) / 3
            return zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        }
        #expect(slope(1) > 0.3 && slope(1) < 0.6, "CG slope \(slope(1))")
        #expect(abs(slope(2) - 1) < 0.1, "Neumann slope \(slope(2))")
        let epsilon = 1e-6
        for row in rows {
            let (kappa, cg, neumann) = (row[0], row[1], row[2])
            let r = kappa.squareRoot()
            #expect(cg <= (log(2 * r / epsilon) / log((r + 1) / (r - 1))).rounded(.up))
            #expect(neumann <= (log(1 / epsilon) / -log(1 - 1 / kappa)).rounded(.up))
            #expect(cg < neumann)
        }
        // Curves: each ends at the target after the number of products in $iterations,
        // Neumann's error never exceeds (1 − 1/κ)^q, CG's never exceeds 2√κ ρ^k.
        let cgGroups = try #require(blocks["cg"]).groups, neumannGroups = try #require(blocks["neumann"]).groups
        #expect(cgGroups.count == 3 && neumannGroups.count == 3)
        for (i, row) in rows.enumerated() {
            let kappa = row[0], rho = (kappa.squareRoot() - 1) / (kappa.squareRoot() + 1)
            #expect(cgGroups[i].last![1] == row[1] && cgGroups[i].last![2] <= epsilon)
            #expect(neumannGroups[i].last![1] == row[2] && neumannGroups[i].last![2] <= epsilon)
            for point in neumannGroups[i] { #expect(point[2] <= pow(1 - 1 / kappa, point[1]) * (1 + 1e-9)) }
            for point in cgGroups[i] { #expect(point[2] <= 2 * kappa.squareRoot() * pow(rho, point[1])) }
        }
    }

    @Test("The hypergradient error follows the solve: both reach 1e-8, CG with far fewer products")
    func hypergradient() throws {
        let blocks = try runQuick()
        let cg = try #require(blocks["hypergradient_cg"]).dataRows
        let neumann = try #require(blocks["hypergradient_neumann"]).dataRows
        #expect(cg.last![1] <= 1e-8 && neumann.last![1] <= 1e-8)
        #expect(cg.last![0] * 5 < neumann.last![0])
        #expect(cg.first![1] > 1e-2 && neumann.first![1] > 1e-2)
    }

    @Test("The step-size table and the stochastic Neumann table hold what the chapter prints")
    func tables() throws {
        let blocks = try runQuick()
        // η·L = 0.5, 1, 1.9 converge; 2.05 and 2.5 are caught (outcome −1), each after growth > 1.
        let steps = try #require(blocks["neumann_steps"]).dataRows
        #expect(steps.map { $0[0] } == [0.5, 1, 1.9, 2.05, 2.5])
        for row in steps where row[0] < 2 { #expect(row[1] == 1 && row[3] <= 1e-6) }
        for row in steps where row[0] > 2 { #expect(row[1] == -1 && row[3] > 1) }
        // Smaller steps converge more slowly: products fall as η grows towards 2/L.
        #expect(steps[0][2] > steps[1][2] && steps[1][2] > steps[2][2])
        // Stochastic Neumann: B = N is deterministic to rounding; smaller batches are unbiased
        // (within 4 standard errors) and noisier.
        let stochastic = try #require(blocks["stochastic"]).dataRows
        #expect(stochastic.map { $0[0] } == [1000, 100, 10])
        #expect(abs(stochastic[0][2]) < 1e-12 * abs(stochastic[0][5]) + 1e-15)
        for row in stochastic.dropFirst() { #expect(abs(row[2]) <= 4 * row[3], "B = \(row[0]): bias \(row[2]) ± \(row[3])") }
        #expect(stochastic[2][4] > stochastic[1][4] && stochastic[1][4] > stochastic[0][4])
        #expect(stochastic.map { $0[1] } == [29_000, 2_900, 290])
    }

    @Test("Bad flags: a size too small, a κ that is not a power of ten, a target out of range")
    func badFlags() throws {
        try expectRefused("ch03", [["--size", "4"], ["--max-kappa", "5000"], ["--target", "0.5"], ["--repetitions", "1"]])
    }
}
