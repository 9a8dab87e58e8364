import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Chapter 3's claims, read back from its figures and its tables (quick mode: p = 50, κ ≤ 1000;
/// the default run for the numbers the page quotes).
@Suite("Chapter 3 — CG vs Neumann")
struct Chapter03Tests {
    /// The datablocks of a run: the three figures' and those of `ch03-tables.dat`.
    func blocks(_ flags: [String] = ["--quick"]) throws -> [String: DataBlock] {
        let run = try ChapterRuns.shared.succeeded("ch03", flags)
        #expect(run.stderr.isEmpty, "stderr: \(run.stderr)")
        var blocks: [String: DataBlock] = [:]
        for file in ["ch03-convergence.gp", "ch03-cg-vs-neumann.gp", "ch03-hypergradient.gp", "ch03-tables.dat"] {
            blocks.merge(try run.blocks(file)) { a, _ in a }
        }
        return blocks
    }

    /// The least-squares slope of log y against log x.
    func logSlope(_ x: [Double], _ y: [Double]) -> Double { leastSquaresSlope(zip(x, y).map { (log($0), log($1)) }) }

    @Test("Neumann's slope is 1 and CG's below ½; measured counts within the bounds; the key prints the fitted slopes")
    func slopesAndBounds() throws {
        let blocks = try blocks()
        let iterations = try #require(blocks["iterations"])
        #expect(iterations.columns == ["kappa", "cg", "neumann"])
        let kappas = try iterations.column("kappa"), cg = try iterations.column("cg"), neumann = try iterations.column("neumann")
        #expect(kappas == [10, 100, 1000])
        let (cgSlope, neumannSlope) = (logSlope(kappas, cg), logSlope(kappas, neumann))
        // With p = 50 (quick) CG at κ = 1000 needs 83 products against a bound of 284: the
        // spectrum's gaps (Section 3) flatten its slope to about 0.3; p = 200 gives 0.43.
        #expect(cgSlope > 0.2 && cgSlope < 0.5, "CG slope \(cgSlope)")
        #expect(abs(neumannSlope - 1) < 0.05, "Neumann slope \(neumannSlope)")
        let epsilon = 1e-6
        for (kappa, (cgProducts, neumannProducts)) in zip(kappas, zip(cg, neumann)) {
            let r = kappa.squareRoot()
            #expect(cgProducts <= (log(2 * r / epsilon) / log((r + 1) / (r - 1))).rounded(.up))
            #expect(neumannProducts <= (log(1 / epsilon) / -log(1 - 1 / kappa)).rounded(.up))
            #expect(cgProducts < neumannProducts)
        }
        // Section 3's printed table (ch03-tables.dat) holds the same counts, the bounds and the ratio.
        let race = try #require(blocks["race"]).records
        #expect(race.map { $0["kappa"]! } == kappas && race.map { $0["cg"]! } == cg && race.map { $0["neumann"]! } == neumann)
        for row in race {
            #expect(row["cg"]! <= row["cg_bound"]! && row["neumann"]! <= row["neumann_bound"]!)
            #expect(abs(row["ratio"]! - row["neumann"]! / row["cg"]!) < 1e-9 * row["ratio"]!)
        }
        // The figure's key states the fitted slopes (the issue: "slopes ½ and 1" was a claim, not a measurement).
        let script = try String(contentsOf: try ChapterRuns.shared.succeeded("ch03", ["--quick"]).file("ch03-cg-vs-neumann.gp"), encoding: .utf8)
        #expect(script.contains("CG, measured: fitted slope \(fixed(cgSlope, 2))"), "key of ch03-cg-vs-neumann")
        #expect(script.contains("Neumann, measured: fitted slope \(fixed(neumannSlope, 2))"))
        #expect(!script.contains("slopes ½ and 1"))
    }

    @Test("The error curves: each ends at the target, obeys its bound, and is drawn against j/√κ (CG) or j/κ (Neumann)")
    func convergenceCurves() throws {
        let blocks = try blocks()
        let cg = try #require(blocks["cg"]), neumann = try #require(blocks["neumann"])
        let counts = try #require(blocks["iterations"]).records
        #expect(cg.columns == ["kappa", "j", "scaled", "error"] && neumann.columns == ["kappa", "j", "scaled", "error"])
        #expect(cg.groups.count == 3 && neumann.groups.count == 3)
        func records(_ block: DataBlock, _ group: Int) -> [[String: Double]] {
            block.groups[group].map { Dictionary(uniqueKeysWithValues: zip(block.columns, $0)) }
        }
        var neumannRates: [Double] = [], cgRates: [Double] = []
        for (i, count) in counts.enumerated() {
            let kappa = count["kappa"]!
            let rho = (kappa.squareRoot() - 1) / (kappa.squareRoot() + 1)
            let cgCurve = records(cg, i), neumannCurve = records(neumann, i)
            #expect(cgCurve.allSatisfy { $0["kappa"] == kappa } && neumannCurve.allSatisfy { $0["kappa"] == kappa })
            // Every curve starts at v⁽⁰⁾ = 0 (error 1) and ends where the race's count says, at the target.
            #expect(cgCurve.first!["j"] == 0 && cgCurve.first!["error"] == 1 && neumannCurve.first!["j"] == 0)
            #expect(cgCurve.last!["j"] == count["cg"] && cgCurve.last!["error"]! <= 1e-6)
            #expect(neumannCurve.last!["j"] == count["neumann"] && neumannCurve.last!["error"]! <= 1e-6)
            // The x axis is the product count scaled by each bound's rate.
            #expect(cgCurve.allSatisfy { abs($0["scaled"]! - $0["j"]! / kappa.squareRoot()) < 1e-9 * max(1, $0["scaled"]!) })
            #expect(neumannCurve.allSatisfy { abs($0["scaled"]! - $0["j"]! / kappa) < 1e-9 * max(1, $0["scaled"]!) })
            // The bounds (3.2)–(3.5).
            for point in neumannCurve { #expect(point["error"]! <= pow(1 - 1 / kappa, point["j"]!) * (1 + 1e-9)) }
            for point in cgCurve { #expect(point["error"]! <= 2 * kappa.squareRoot() * pow(rho, point["j"]!)) }
            // Rates per unit of the scaled axis, from the curve's second half.
            func rate(_ curve: [[String: Double]]) -> Double {
                let tail = curve.suffix(curve.count / 2)
                return leastSquaresSlope(tail.map { ($0["scaled"]!, log($0["error"]!)) })
            }
            neumannRates.append(rate(neumannCurve))
            cgRates.append(rate(cgCurve))
        }
        // Scaled, the Neumann curves collapse: each falls by about e per κ products (the caption).
        #expect(neumannRates.allSatisfy { abs($0 + 1) < 0.12 }, "Neumann rates per κ products: \(neumannRates)")
        // CG's do not: the larger κ, the faster it falls per √κ products.
        #expect(zip(cgRates, cgRates.dropFirst()).allSatisfy { $1 < $0 }, "CG rates per √κ products: \(cgRates)")
    }

    @Test("CG beats its bound because of the spectrum's gaps: more eigenvalues, slope towards ½")
    func spectrum() throws {
        let table = try #require(blocks()["cg_spectrum"])
        #expect(table.columns == ["kappa", "p0", "p1", "p2", "bound"])
        let kappas = try table.column("kappa")
        let slopes = try ["p0", "p1", "p2"].map { logSlope(kappas, try table.column($0)) }
        #expect(slopes[0] < slopes[1] && slopes[1] < slopes[2], "slopes \(slopes)")
        #expect(abs(slopes[2] - 0.5) < 0.03, "with 25p eigenvalues the slope is ½: \(slopes)")
        for row in table.records { #expect(row["p2"]! <= row["bound"]!) }
        // p eigenvalues with Uᵀb are the race's own system: the same counts up to rounding.
        let race = try #require(blocks()["race"]).records
        for (row, raced) in zip(table.records, race) { #expect(abs(row["p0"]! - raced["cg"]!) <= 0.05 * raced["cg"]!) }
    }

    @Test("The hypergradient error follows the solve and stays under the bound ‖C‖ ‖v − v*‖ (3.6)")
    func hypergradient() throws {
        let blocks = try blocks()
        let cg = try #require(blocks["hypergradient_cg"]), neumann = try #require(blocks["hypergradient_neumann"])
        #expect(cg.columns == ["products", "error", "bound"] && neumann.columns == ["products", "error", "bound"])
        let cgErrors = try cg.column("error"), neumannErrors = try neumann.column("error")
        #expect(cgErrors.last! <= 1e-8 && neumannErrors.last! <= 1e-8)
        #expect(try cg.column("products").last! * 5 < neumann.column("products").last!)
        #expect(cgErrors.first! > 1e-2 && neumannErrors.first! > 1e-2)
        for row in cg.records + neumann.records { #expect(row["error"]! <= row["bound"]! * (1 + 1e-9), "\(row)") }
        // Section 4's table: the errors at the shown product counts are points of the curves.
        let table = try #require(blocks["hypergradient_at"]).records
        #expect(table.first?["products"] == 1)
        for row in table {
            for (name, curve) in [("cg", cg.records), ("neumann", neumann.records)] where !row[name]!.isNaN {
                if let point = curve.first(where: { $0["products"] == row["products"] }) { #expect(point["error"] == row[name]) }
            }
        }
    }

    @Test("The step table: η·L < 2 converges, > 2 is caught; stochastic Neumann unbiased, CG on one batch not")
    func tables() throws {
        let blocks = try blocks()
        // η·L = 0.5, 1, 1.9 converge (outcome 0); 2.05 and 2.5 are caught (outcome 2), each after growth > 1.
        let (converged, caught) = (0.0, 2.0)  // the `outcome` labels
        let steps = try #require(blocks["neumann_steps"]).records
        #expect(steps.map { $0["etaL"]! } == [0.5, 1, 1.9, 2.05, 2.5])
        for row in steps where row["etaL"]! < 2 {
            #expect(row["outcome"] == converged && row["residual"]! <= 1e-6 && row["growth"]!.isNaN)
        }
        for row in steps where row["etaL"]! > 2 {
            #expect(row["outcome"] == caught && row["growth"]! > 1 && row["residual"]!.isNaN)
        }
        #expect(steps[0]["products"]! > steps[1]["products"]! && steps[1]["products"]! > steps[2]["products"]!)
        // Stochastic Neumann: B = N is the deterministic series to rounding; smaller batches are
        // unbiased (within 4 standard errors) and noisier.
        let reference = try #require(blocks["neumann_reference"]?.records.first)
        #expect(reference["terms"] == 30 && reference["truncation"]! < 1e-6)
        let stochastic = try #require(blocks["stochastic"]).records
        #expect(stochastic.map { $0["batch"]! } == [1000, 100, 10])
        #expect(abs(stochastic[0]["relative_bias"]!) < 1e-12 && stochastic[0]["z"]!.isNaN)
        for row in stochastic.dropFirst() {
            #expect(row["z"]! <= 4, "B = \(row["batch"]!): bias \(row["relative_bias"]!) ± \(row["relative_se"]!)")
            #expect(abs(abs(row["relative_bias"]!) / row["relative_se"]! - row["z"]!) < 1e-6 * row["z"]! + 1e-9)
        }
        #expect(stochastic[2]["relative_sd"]! > stochastic[1]["relative_sd"]! && stochastic[1]["relative_sd"]! > stochastic[0]["relative_sd"]!)
        #expect(stochastic.map { $0["samples"]! } == [29_000, 2_900, 290])
        // CG on one batch: exact with the whole data set, and a bias of many standard errors at B = 10 < p.
        let cg = try #require(blocks["cg_one_batch"]).records
        #expect(cg.map { $0["batch"]! } == [1000, 100, 10])
        #expect(abs(cg[0]["relative_bias"]!) < 1e-9 && cg[0]["z"]!.isNaN)
        #expect(cg[2]["z"]! > 5 && abs(cg[2]["relative_bias"]!) > 10)
    }

    @Test("Exercise 3's runs: --batch-sizes adds B = 1; --safe-step tames the spread and pays in truncation")
    func safeStep() throws {
        let safe = try blocks(["--quick", "--safe-step", "--batch-sizes", "1000,10,1"])
        let plain = try blocks(["--quick"])
        let reference = try #require(safe["neumann_reference"]?.records.first)
        let plainReference = try #require(plain["neumann_reference"]?.records.first)
        #expect(reference["eta"]! < plainReference["eta"]! / 10)
        #expect(reference["truncation"]! > 0.1, "a step 1/L_max leaves 30 terms far from ∇Φ")
        let stochastic = try #require(safe["stochastic"]).records
        #expect(stochastic.map { $0["batch"]! } == [1000, 10, 1])
        for row in stochastic.dropFirst() { #expect(row["z"]! <= 4 && row["relative_sd"]! < 1, "\(row)") }
        let plainB10 = try #require(plain["stochastic"]?.records.first { $0["batch"] == 10 })
        #expect(plainB10["relative_sd"]! > 10 * stochastic[1]["relative_sd"]!)
    }

    @Test("The default run has the power the page claims, and stays under 12 s of CPU time", .tags(.defaultRun))
    func defaultRunPower() throws {
        let run = try ChapterRuns.shared.defaultRun("ch03")
        try #require(run.status == 0, "stderr: \(run.stderr)")
        #if !DEBUG
        #expect(run.cpuSeconds < 12, "ch03 took \(run.cpuSeconds) s of CPU time")
        #endif
        let tables = try run.blocks("ch03-tables.dat")
        let neumann = try #require(tables["stochastic"]).records, cg = try #require(tables["cg_one_batch"]).records
        let (n100, c100) = (try #require(neumann.first { $0["batch"] == 100 }), try #require(cg.first { $0["batch"] == 100 }))
        // At B = 100 a bias of 5 % of |∇Φ| would be caught (5 standard errors), none is seen, and
        // CG on one batch is caught: the test has power where the page says it has.
        #expect(5 * n100["relative_se"]! < 0.05 && n100["z"]! <= 3)
        #expect(c100["z"]! > 5 && abs(c100["relative_bias"]!) > 5 * 5 * n100["relative_se"]!)
        // At B = 10 it has none: a standard error above |∇Φ| itself (the page says so).
        let n10 = try #require(neumann.first { $0["batch"] == 10 })
        #expect(n10["relative_se"]! > 1)
        // With 25p = 5000 eigenvalues CG's slope is ½; with p = 200 it is the race's.
        let spectrum = try #require(tables["cg_spectrum"])
        let kappas = try spectrum.column("kappa")
        #expect(abs(logSlope(kappas, try spectrum.column("p2")) - 0.5) < 0.02)
        #expect(logSlope(kappas, try spectrum.column("p0")) < 0.45)
    }

    @Test("The prose's numbers are the default run's", .tags(.defaultRun))
    func proseQuotesTheRun() throws {
        try expectQuoted("ch03", [
            ("needs 86–89 % of its bound", "Neumann 86–89 %"),
            ("against $\\log\\kappa$ is 1.001", "Neumann 1.001 (its bound 1.006)"),
            ("CG needs 92 % of its bound at $\\kappa = 10$ but only 45 % at", "CG 45–92 %"),
            ("its slope is 0.430", "CG 0.430 (its bound 0.533)"),
            ("further below the 0.533 of the bound itself", "CG 0.430 (its bound 0.533)"),
            ("spends 275.8 times CG's products", "10000  429       956   118308         138149         275.8"),
            ("each 4.74 % from the next", "are 4.74 %, 0.93 %, 0.18 % apart"),
            ("With 200 eigenvalues the slope is 0.429", "p = 200: 0.429"),
            ("(426 products at $\\kappa = 10^4$ against the race's 429", "10000      426       643       694"),
            ("With 1000 eigenvalues it is 0.488", "p = 1000: 0.488"),
            ("with 5000, 0.18 % apart, it is 0.500", "p = 5000: 0.500"),
            ("the bound's own slope is 0.533", "(its bound 0.533)"),
            ("after 207 products, the Neumann series after 15460", "by CG after 207 products, by Neumann after 15460"),
            ("at most 0.2954 of the right", "over both runs: 0.2954"),
            ("in 2248, 1121 and 587 products", "0.50  converged             2248"),
            ("in 2248, 1121 and 587 products", "1.00  converged             1121"),
            ("in 2248, 1121 and 587 products", "1.90  converged              587"),
            ("after 20 terms, when a term has grown by the factor 1.0008", "2.05  caught: diverges        20                  -                      1.0008"),
            ("at $\\eta L = 2.5$ after 3", "2.50  caught: diverges         3"),
            ("$R = 4000$ times each", "4000 repetitions per batch size"),
            ("(7.01e-14 and 2.07e-12 of", "   1000                 29000               -7.01e-14"),
            ("(7.01e-14 and 2.07e-12 of", "   1000           -2.07e-12"),
            ("the stochastic Neumann mean is 0.9 standard errors", "    100                  2900                7.58e-03     8.85e-03          0.9"),
            ("a standard error is 8.85e-03 of", "8.85e-03"),
            ("off by 26.1 % of $|\\nabla\\Phi|$, 17.4 standard errors", "    100           -2.61e-01     1.50e-02         17.4"),
            ("A standard error is 2.59 times", "     10                   290               -1.25e+00     2.59e+00"),
            ("The spread is 164 times", "2.59e+00          0.5   1.64e+02"),
            ("off by a factor of about 400", "     10           -4.23e+02"),
            ("180 of the 1000 samples push", "above 2 for 180 of the 1000 samples"),
            ("spends 276 times CG's products", "275.8"),
            ("(slope 1.00); CG beats its own (slope 0.43)", "CG 0.430 (its bound 0.533), Neumann 1.001"),
            ("5000 eigenvalues the slope is 0.50", "p = 5000: 0.500"),
            ("4.4 % of $|\\nabla\\Phi|$ and found none, where CG on one batch is biased by 26 %", "-2.61e-01"),
            ("spread is 164 times the hypergradient", "1.64e+02"),
        ])
        // The derived numbers: the factor 75, the 4.4 % a 5-standard-error bias is, CG's bias
        // six times that, 13 times |∇Φ| at B = 10, and (164 / 0.00885)² ≈ 3 × 10⁸ repetitions.
        let run = try ChapterRuns.shared.defaultRun("ch03")
        let tables = try run.blocks("ch03-tables.dat")
        let cg = try #require(run.blocks("ch03-hypergradient.gp")["hypergradient_cg"]).records.last!["products"]!
        let neumann = try #require(run.blocks("ch03-hypergradient.gp")["hypergradient_neumann"]).records.last!["products"]!
        #expect(Int((neumann / cg).rounded()) == 75)
        let stochastic = try #require(tables["stochastic"]).records, cgBatch = try #require(tables["cg_one_batch"]).records
        let resolved = 5 * stochastic[1]["relative_se"]!
        #expect(fixed(100 * resolved, 1) == "4.4")
        #expect(Int((abs(cgBatch[1]["relative_bias"]!) / resolved).rounded()) == 6)
        #expect(Int((5 * stochastic[2]["relative_se"]!).rounded()) == 13)
        let needed = pow(stochastic[2]["relative_sd"]! / stochastic[1]["relative_se"]!, 2)
        #expect(needed > 2.5e8 && needed < 3.5e8, "repetitions needed at B = 10: \(needed)")
        #expect(Int((abs(cgBatch[2]["relative_bias"]!) / 100).rounded()) * 100 == 400)
    }

    // begin solution 3.7
    /// Conjugate gradient for A v = b from v⁽⁰⁾ = 0, the recursion of Section 2 without the
    /// library's guards: r is the residual b − Av, d the search direction. Returns v⁽ʲ⁾.
    func textbookCG(apply: (Vector) -> Vector, b: Vector, iterations: Int) -> Vector {
        var v = Vector(repeating: 0, count: b.count)
        var r = b, d = b
        var rr = dot(r, r)
        for _ in 0..<iterations {
            let ad = apply(d)
            let step = rr / dot(d, ad)  // exact line search along d
            axpy(step, d, &v)
            axpy(-step, ad, &r)
            let rrNext = dot(r, r)
            for i in d.indices { d[i] = r[i] + (rrNext / rr) * d[i] }  // A-conjugate to the old d
            rr = rrNext
        }
        return v
    }
    // end solution 3.7

    @Test("Exercise 3.7: the textbook CG gives the library's iterates on the test matrix (3.1)")
    func exercise3_7() throws {
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let u = rng.orthogonalMatrix(200)
        let b = rng.gaussianVector(200)
        let a = Matrix.symmetric(eigenvectors: u, eigenvalues: logSpaced(from: 1, to: 1000, count: 200))
        let exact = try Cholesky(a).solve(b)
        var largest = 0.0
        for j in [1, 2, 5, 10, 20, 50, 100] {
            let mine = textbookCG(apply: { a.times($0) }, b: b, iterations: j)
            let library = try conjugateGradient({ a.times($0) }, b, stop: .fixed(iterations: j)).solution
            largest = max(largest, norm(mine - library) / norm(exact))
        }
        // book/solutions/03.md quotes the largest difference.
        #expect(largest == 0, "largest ‖Δv‖ / ‖v*‖ = \(largest); update the solution page")
    }

    @Test("The solution page shows exactly the code Exercise 3.7's test runs")
    func exercise3_7OnThePage() throws {
        let (code, page) = try testedSolution("3.7")
        #expect(page.contains(code), "book/solutions/03.md must show Exercise 3.7's solution as tested:\n\(code)")
    }

    @Test("Bad flags: a size too small, a κ that is not a power of ten, a target or batch sizes out of range")
    func badFlags() throws {
        try expectRefused("ch03", [
            ["--size", "4"], ["--max-kappa", "5000"], ["--target", "0.5"], ["--repetitions", "1"],
            ["--batch-sizes", "0"], ["--batch-sizes", "100,x"], ["--batch-sizes", "2000"], ["--batch-sizes", ""],
        ])
    }
}
