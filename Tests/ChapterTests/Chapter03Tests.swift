import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Chapter 3's claims, read back from its figures and its tables (quick mode: p = 50, κ ≤ 1000).
@Suite("Chapter 3 — CG vs Neumann")
struct Chapter03Tests {
    /// The datablocks of a quick run: the three figures' and those of `ch03-tables.dat`.
    func runQuick() throws -> [String: DataBlock] {
        let run = try ChapterRuns.shared.run("ch03", ["--quick"])
        let dir = run.folder
        #expect(run.status == 0, "stderr: \(run.stderr)")
        var blocks: [String: DataBlock] = [:]
        for file in ["ch03-convergence.gp", "ch03-cg-vs-neumann.gp", "ch03-hypergradient.gp", "ch03-tables.dat"] {
            blocks.merge(try dataBlocks(dir.appendingPathComponent(file))) { a, _ in a }
        }
        return blocks
    }

    @Test("Slopes ½ and 1; measured counts within the bounds; every curve obeys its rate")
    func slopesAndRates() throws {
        let blocks = try runQuick()
        let iterations = try #require(blocks["iterations"])
        #expect(iterations.columns == ["kappa", "cg", "neumann"])
        let kappas = try iterations.column("kappa"), cg = try iterations.column("cg"), neumann = try iterations.column("neumann")
        #expect(kappas == [10, 100, 1000])
        let cgSlope = leastSquaresSlope(zip(kappas, cg).map { (log($0), log($1)) })
        let neumannSlope = leastSquaresSlope(zip(kappas, neumann).map { (log($0), log($1)) })
        // With p = 50 (quick) CG at κ = 1000 needs ~p + 30 products (finite termination, blurred by
        // rounding), which flattens its slope to about 0.3 (0.29–0.30 over seeds 1–5); p = 200 gives 0.43.
        #expect(cgSlope > 0.25 && cgSlope < 0.6, "CG slope \(cgSlope)")
        #expect(abs(neumannSlope - 1) < 0.1, "Neumann slope \(neumannSlope)")
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
        // Curves: each ends at the target after the number of products in $iterations,
        // Neumann's error never exceeds (1 − 1/κ)^q, CG's never exceeds 2√κ ρ^k.
        let cgGroups = try #require(blocks["cg"]), neumannGroups = try #require(blocks["neumann"])
        #expect(cgGroups.columns == ["kappa", "k", "error"] && neumannGroups.columns == ["kappa", "k", "error"])
        #expect(cgGroups.groups.count == 3 && neumannGroups.groups.count == 3)
        func records(_ block: DataBlock, _ group: Int) -> [[String: Double]] {
            block.groups[group].map { Dictionary(uniqueKeysWithValues: zip(block.columns, $0)) }
        }
        for (i, kappa) in kappas.enumerated() {
            let rho = (kappa.squareRoot() - 1) / (kappa.squareRoot() + 1)
            let cgCurve = records(cgGroups, i), neumannCurve = records(neumannGroups, i)
            #expect(cgCurve.allSatisfy { $0["kappa"] == kappa } && neumannCurve.allSatisfy { $0["kappa"] == kappa })
            #expect(cgCurve.last!["k"] == cg[i] && cgCurve.last!["error"]! <= epsilon)
            #expect(neumannCurve.last!["k"] == neumann[i] && neumannCurve.last!["error"]! <= epsilon)
            for point in neumannCurve { #expect(point["error"]! <= pow(1 - 1 / kappa, point["k"]!) * (1 + 1e-9)) }
            for point in cgCurve { #expect(point["error"]! <= 2 * kappa.squareRoot() * pow(rho, point["k"]!)) }
        }
    }

    @Test("The hypergradient error follows the solve: both reach 1e-8, CG with far fewer products")
    func hypergradient() throws {
        let blocks = try runQuick()
        let cg = try #require(blocks["hypergradient_cg"]), neumann = try #require(blocks["hypergradient_neumann"])
        #expect(cg.columns == ["products", "error"] && neumann.columns == ["products", "error"])
        let cgErrors = try cg.column("error"), neumannErrors = try neumann.column("error")
        #expect(cgErrors.last! <= 1e-8 && neumannErrors.last! <= 1e-8)
        #expect(try cg.column("products").last! * 5 < neumann.column("products").last!)
        #expect(cgErrors.first! > 1e-2 && neumannErrors.first! > 1e-2)
        // Section 4's table: the errors at the shown product counts are points of the curves.
        let table = try #require(blocks["hypergradient_at"]).records
        #expect(table.first?["products"] == 1)
        for row in table {
            for (name, curve) in [("cg", cg.records), ("neumann", neumann.records)] where !row[name]!.isNaN {
                if let point = curve.first(where: { $0["products"] == row["products"] }) { #expect(point["error"] == row[name]) }
            }
        }
    }

    @Test("The step-size table and the stochastic Neumann table hold what the chapter prints")
    func tables() throws {
        let blocks = try runQuick()
        // η·L = 0.5, 1, 1.9 converge (outcome 0); 2.05 and 2.5 are caught (outcome 2), each after growth > 1.
        let (converged, caught) = (0.0, 2.0)      // the `outcome` labels
        let steps = try #require(blocks["neumann_steps"]).records
        #expect(steps.map { $0["etaL"]! } == [0.5, 1, 1.9, 2.05, 2.5])
        for row in steps where row["etaL"]! < 2 {
            #expect(row["outcome"] == converged && row["residual"]! <= 1e-6 && row["growth"]!.isNaN)
        }
        for row in steps where row["etaL"]! > 2 {
            #expect(row["outcome"] == caught && row["growth"]! > 1 && row["residual"]!.isNaN)
        }
        // Smaller steps converge more slowly: products fall as η grows towards 2/L.
        #expect(steps[0]["products"]! > steps[1]["products"]! && steps[1]["products"]! > steps[2]["products"]!)
        // Stochastic Neumann: B = N is deterministic to rounding; smaller batches are unbiased
        // (within 4 standard errors) and noisier.
        let referenceBlock = try #require(blocks["neumann_reference"])
        let reference = try #require(referenceBlock.records.first)
        #expect(reference["terms"] == 30 && reference["truncation"]! < 1e-6)
        let stochastic = try #require(blocks["stochastic"]).records
        #expect(stochastic.map { $0["batch"]! } == [1000, 100, 10])
        #expect(abs(stochastic[0]["bias"]!) < 1e-12 * abs(reference["deterministic"]!) + 1e-15)
        for row in stochastic.dropFirst() {
            #expect(abs(row["bias"]!) <= 4 * row["standard_error"]!, "B = \(row["batch"]!): bias \(row["bias"]!) ± \(row["standard_error"]!)")
        }
        #expect(stochastic[2]["relative_sd"]! > stochastic[1]["relative_sd"]! && stochastic[1]["relative_sd"]! > stochastic[0]["relative_sd"]!)
        #expect(stochastic.map { $0["samples"]! } == [29_000, 2_900, 290])
    }

    @Test("Bad flags: a size too small, a κ that is not a power of ten, a target out of range")
    func badFlags() throws {
        try expectRefused("ch03", [["--size", "4"], ["--max-kappa", "5000"], ["--target", "0.5"], ["--repetitions", "1"]])
    }
}
