import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Runs Chapter 1 as a reader would and checks, from the figures' own data, every
/// claim the chapter makes.
@Suite("Chapter 1 — Pareto fronts and scalarization", .serialized)
struct Chapter01Tests {
    static let slugs = ["ch01-vlmop1", "ch01-vlmop2"]

    /// The front parameter s of an objective vector, from f₁ alone (independent of
    /// the library): f₁ = (1 − s)²/4 for VLMOP1 and 1 − e^{−(1 − s)²} for VLMOP2.
    func frontParameter(_ f: [Double], _ kind: VLMOP.Kind) -> Double {
        kind == .one ? 1 - 2 * f[0].squareRoot() : 1 - (-log(1 - f[0])).squareRoot()
    }

    /// How far f₂ is from the exact front's f₂ at the same f₁ (0 on the front).
    func frontGap(_ f: [Double], _ kind: VLMOP.Kind) -> Double {
        let s = frontParameter(f, kind)
        let f2 = kind == .one ? (1 + s) * (1 + s) / 4 : 1 - exp(-(1 + s) * (1 + s))
        return abs(f[1] - f2)
    }

    /// The shared `--quick` run (five preferences, four MGDA starts).
    func quickRun() throws -> ChapterRun {
        let run = try ChapterRuns.shared.succeeded("ch01", ["--quick"])
        #expect(run.stderr.isEmpty, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("seed \(CommonFlags.defaultSeed)"))
        return run
    }

    @Test("Both figures: every Chebyshev point on its exact optimum and its ray, f₁ falling as r₁ grows, MGDA on the front, the exact front end to end")
    func figuresOnTheFront() throws {
        let run = try quickRun()
        let dir = run.folder
        // (Every chapter's figures render: AllChaptersTests.quickRunsRender.)
        for slug in Self.slugs {
            let script = dir.appendingPathComponent("\(slug).gp")
            let blocks = try dataBlocks(script)
            #expect(blocks["front"]?.columns == ["f1", "f2"])
            #expect(blocks["linear"]?.columns == ["w1", "w2", "f1", "f2"])
            #expect(blocks["chebyshev"]?.columns == ["r1", "r2", "f1", "f2"])
            #expect(blocks["mgda"]?.columns == ["f1", "f2"])
            #expect(blocks["rays"]?.columns == ["r1", "r2", "f1", "f2"])

            let kind: VLMOP.Kind = slug == "ch01-vlmop1" ? .one : .two
            let problem = try VLMOP(kind, dimension: 20)
            let chebyshev = try #require(blocks["chebyshev"]).records
            #expect(chebyshev.count == 5)       // --quick: five preferences
            for row in chebyshev {
                let r = [row["r1"]!, row["r2"]!], f = [row["f1"]!, row["f2"]!]
                let exact = try problem.chebyshevOptimum(preference: r).values
                #expect(norm(f - exact) < 1e-8, "\(slug) r = \(r): f = \(f), exact \(exact)")
                #expect(frontGap(f, kind) < 1e-8)
                // On the preference ray: r₁f₁ = r₂f₂.
                #expect(abs(r[0] * f[0] - r[1] * f[1]) < 1e-8)
            }
            // Larger r₁ buys smaller f₁: f₁ falls as r₁ grows.
            let f1 = chebyshev.sorted { $0["r1"]! < $1["r1"]! }.map { $0["f1"]! }
            #expect(zip(f1, f1.dropFirst()).allSatisfy { $0 > $1 })
            for row in try #require(blocks["mgda"]).records {
                #expect(frontGap([row["f1"]!, row["f2"]!], kind) < 1e-6, "MGDA point \(row) is off the front")
            }
            // The front block is the exact front, end to end.
            let front = try #require(blocks["front"]).records.map { [$0["f1"]!, $0["f2"]!] }
            #expect(front.allSatisfy { frontGap($0, kind) < 1e-8 })   // 10 significant digits in the file
            #expect(abs(frontParameter(front.first!, kind) + 1) < 1e-6 && abs(frontParameter(front.last!, kind) - 1) < 1e-6)
        }
    }

    @Test("VLMOP2: every linear-scalarization point in a convex tail, both tails reached; the Chebyshev points cover the front better (IGD)")
    func linearMissesTheMiddle() throws {
        let run = try quickRun()
        let dir = run.folder
        // VLMOP2: every linear-scalarization point sits in a convex tail of the front
        // (|s| > 1/√2, outside the concave middle), and the Chebyshev points cover the
        // front better (smaller IGD).
        let two = try dataBlocks(dir.appendingPathComponent("ch01-vlmop2.gp"))
        let problem = try VLMOP(.two, dimension: 20)
        let linear = try #require(two["linear"]).records.map { [$0["f1"]!, $0["f2"]!] }
        for f in linear {
            #expect(frontGap(f, .two) < 1e-6)
            #expect(abs(frontParameter(f, .two)) > 1 / 2.0.squareRoot(), "linear point \(f) is in the concave middle")
        }
        #expect(Set(linear.map { $0[0] < 0.5 }).count == 2)   // both tails are reached
        let truth = problem.front(samples: 1001)
        let chebyshev = try #require(two["chebyshev"]).records.map { [$0["f1"]!, $0["f2"]!] }
        #expect(try invertedGenerationalDistance(reference: truth, found: chebyshev)
                < invertedGenerationalDistance(reference: truth, found: linear))
    }

    @Test("The tables: gap zero on the front only, linear points where s = w₁ − w₂ says, MGDA stationary, the u ablation, coverage")
    func tables() throws {
        let run = try quickRun()
        let dir = run.folder
        // The printed tables (ch01-tables.dat) say the same.
        let tables = try dataBlocks(dir.appendingPathComponent("ch01-tables.dat"))
        #expect(Set(tables.keys) == ["stationarity_gap", "linear_scalarization", "mgda_runs", "chebyshev_runs", "u_ablation", "coverage"])
        // Section 1: the gap vanishes on the front and not off it; the projection dominates.
        for row in try #require(tables["stationarity_gap"]).records {
            #expect(row["gap_front"]! < 1e-20 && row["gap_random"]! > 1e-3 && row["projection_dominates"] == 1)
        }
        // Section 2: VLMOP1's linear points follow s = w₁ − w₂; VLMOP2's all sit in a tail.
        let linearTable = try #require(tables["linear_scalarization"]).records
        #expect(linearTable.count == 5)
        for row in linearTable {
            let s = 2 * row["w1"]! - 1
            #expect(abs(row["vlmop1_f1"]! - (1 - s) * (1 - s) / 4) < 1e-8 && abs(row["vlmop1_f2"]! - (1 + s) * (1 + s) / 4) < 1e-8)
            #expect(abs(row["vlmop2_s"]!) > 1 / 2.0.squareRoot())
        }
        // Section 3: every MGDA run stopped at a Pareto-stationary point.
        let mgda = try #require(tables["mgda_runs"]).records
        #expect(mgda.count == 8 && mgda.allSatisfy { $0["gap"]! < 1e-15 })
        // Section 4: every Chebyshev point on its exact optimum and on its ray.
        let chebyshevTable = try #require(tables["chebyshev_runs"]).records
        #expect(chebyshevTable.count == 10 && chebyshevTable.allSatisfy { $0["error"]! < 1e-8 && $0["misalignment"]! < 1e-8 })
        // The u ablation: u = 1 reaches the optimum, u = 0 stops elsewhere on the front.
        let ablation = try #require(tables["u_ablation"]).records
        #expect(ablation.map { $0["u"]! } == [0, 0.1, 1, 10])
        #expect(ablation[2]["error"]! < 1e-8 && ablation[2]["converged"] == 1 && ablation[0]["error"]! > 1e-2)
        // Section 5: on VLMOP2 the Chebyshev points have the smallest IGD of the three methods.
        let (vlmop2, linearSet, chebyshevSet) = (1.0, 0.0, 2.0)      // the `problem` and `method` labels
        let coverage = try #require(tables["coverage"]).records.filter { $0["problem"] == vlmop2 }
        let igd = { (set: Double) in coverage.first { $0["method"] == set }!["igd"]! }
        #expect(igd(chebyshevSet) < igd(linearSet) && igd(chebyshevSet) < igd(1))
    }

    /// Runs Chapter 1 with `--quick --step-size β` into a fresh folder.
    func runWithStepSize(_ beta: String) throws -> (run: ProcessOutput, written: [String]) {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runChapter("ch01", ["--quick", "--step-size", beta, "--output", dir.path])
        return (run, try FileManager.default.contentsOfDirectory(atPath: dir.path))
    }

    @Test("--step-size 5 (in range) makes the runs diverge: refused naming --step-size and its limit, no NaN printed, no figure")
    func divergingStepSize() throws {
        let (run, written) = try runWithStepSize("5")
        #expect(run.status != 0)
        #expect(run.stderr.contains("--step-size"), "stderr was: \(run.stderr)")
        #expect(run.stderr.contains("diverge") && run.stderr.contains("2/L"), "stderr was: \(run.stderr)")
        #expect(!run.stdout.lowercased().contains("nan"), "stdout was: \(run.stdout)")
        #expect(written.isEmpty, "wrote \(written)")
    }

    @Test("Other in-range step sizes either run cleanly or are refused naming --step-size; never NaN",
          arguments: ["1", "2", "3", "10"])
    func otherStepSizes(beta: String) throws {
        let (run, written) = try runWithStepSize(beta)
        #expect(!run.stdout.lowercased().contains("nan"), "stdout was: \(run.stdout)")
        if run.status == 0 {
            #expect(run.stderr.isEmpty)
            #expect(written.contains("ch01-vlmop2.gp"))
        } else {
            #expect(run.stderr.contains("--step-size \(beta)"), "stderr was: \(run.stderr)")
            #expect(written.isEmpty, "wrote \(written)")
        }
    }

    @Test("Out-of-range flags exit non-zero, naming the flag and the rule",
          arguments: [
            (["--preferences", "0"], "--preferences"),
            (["--preferences", "100"], "--preferences"),
            (["--steps=-5"], "--steps"),
            (["--steps", "0"], "--steps"),
            (["--step-size", "0"], "--step-size"),
            (["--step-size", "nan"], "--step-size"),
            (["--u", "-1"], "--u"),
            (["--dimension", "0"], "--dimension"),
            (["--tolerance", "0"], "--tolerance"),
            (["--seed", "-3"], "--seed"),
            (["--output", ""], "--output"),
          ])
    func badFlags(arguments: [String], flag: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runChapter("ch01", arguments + (flag == "--output" ? [] : ["--output", dir.path]))
        #expect(run.status != 0)
        #expect(run.stderr.contains(flag), "stderr was: \(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "no figure for bad input")
    }

    @Test("Without gnuplot: the install hint, a non-zero exit, and the .gp files still written")
    func missingGnuplot() throws {
        let shared = try ChapterRuns.shared.run("ch01", ["--quick"])
        #expect(shared.status == 0)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for slug in Self.slugs { try FileManager.default.copyItem(at: shared.file("\(slug).gp"), to: dir.appendingPathComponent("\(slug).gp")) }
        let scripts = Self.slugs.map { dir.appendingPathComponent("\($0).gp").path }
        let render = try runProcess(packageRoot.appendingPathComponent("scripts/render-figures"), scripts,
                                    environment: ["GNUPLOT": "gnuplot-that-is-not-installed", "MOBL_NO_INSTALL": "1"])
        #expect(render.status != 0)
        #expect(render.stderr.contains("apt-get install -y gnuplot-nox"), "stderr was: \(render.stderr)")
        #expect(scripts.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ch01-vlmop1.svg").path))
    }

    @Test("The prose's numbers are the default run's", .tags(.defaultRun))
    func proseQuotesTheRun() throws {
        try expectQuoted("ch01", [
            ("On the front the gap is 3.85e-33", "3.85e-33"),
            ("it is 2.71e-01 on VLMOP1 and 8.68e-02 on VLMOP2", "VLMOP1          2.71e-01"),
            ("it is 2.71e-01 on VLMOP1 and 8.68e-02 on VLMOP2", "VLMOP2          8.68e-02"),
            ("(within 3.37e-16)", "from the front 3.37e-16"),
            ("from $\\tau = -0.80$ to $0.80$", "τ from -0.80 to 0.80"),
            ("the smallest $|\\tau|$ any run reaches is 0.958", "smallest |τ| of a linear point 0.958"),
            ("They agree to 2.22e-16", "largest |Δλ₁| = 2.22e-16"),
            ("the largest distance is 2.48e-16", "MGDA point from the front: 2.48e-16"),
            ("from $f_1 = 0.0674$ to $0.4290$", "VLMOP1       7  0.0674"),
            ("from $f_1 = 0.0674$ to $0.4290$", "VLMOP1       4  0.4290"),
            ("Every final point lies within 6.28e-16", "exact Chebyshev optimum: 6.28e-16"),
            ("here it is at most 1.41e-15", "1.41e-15"),
            ("4.68e-01 away from the optimum", " 0.0  0.534773  0.718081  4.68e-01"),
            ("in 762 steps against 165", " 0.1  0.832138  0.356631  1.92e-09    762"),
            ("in 762 steps against 165", " 1.0  0.832138  0.356631  0.00e+00    165"),
            ("still 2.72e-02 away after the 5000 steps", "10.0  0.819271  0.380548  2.72e-02   5000  no"),
            ("IGD 0.0500 against 0.2767", "0.4833  0.0500"),
            ("IGD 0.0500 against 0.2767", "0.2516  0.2767"),
            ("hypervolume 0.4833 of the 0.5516", "0.5516  0.0000"),
            ("(0.0499 against 0.1187) and hypervolume (1.0045 against 0.9776)", "1.0045  0.0499"),
            ("(0.0499 against 0.1187) and hypervolume (1.0045 against 0.9776)", "0.9776  0.1187"),
            ("to $\\tau$ from $-0.50$ to $0.50$", "Chebyshev τ = -0.50 … 0.50"),
        ])
        // "each in fewer than 81 steps": the MGDA table's steps column.
        let run = try ChapterRuns.shared.defaultRun("ch01")
        let steps = run.stdout.split(separator: "\n").filter { $0.hasPrefix("VLMOP") && $0.contains("e-21") }
            .compactMap { Int($0.split(separator: " ").last!) }
        #expect(steps.count == 16 && steps.max()! < 81, "MGDA steps: \(steps)")
    }
}
