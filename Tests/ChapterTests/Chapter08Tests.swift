import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// The folder with the real data (`mnist/`, optionally `fashion-mnist/`), from MOBL_DATA.
private let realData = ProcessInfo.processInfo.environment["MOBL_DATA"].flatMap { $0.isEmpty ? nil : $0 }

/// Chapter 8's claims, read back from its datablocks: a `--quick` run (150 training samples
/// per domain, K_max = 40, D = 8, 2 seeds) for the protocol's structure, the committed
/// default run for the numbers the book prints, and the committed real run
/// (figures/ch08-real-tables.dat) for Section 9.
@Suite("Chapter 8 — Data hyper-cleaning")
struct Chapter08Tests {
    /// The shared `--quick` run.
    func quickRun() throws -> ChapterRun { try ChapterRuns.shared.succeeded("ch08", ["--quick"]) }
    func quickTables() throws -> [String: DataBlock] { try quickRun().blocks("ch08-tables.dat") }

    @Test("Reference rows: training on the clean samples only beats uniform weights on the noisy labels by 10 points")
    func references() throws {
        let references = try #require(try quickTables()["references"]).records
        #expect(references.count == 2)
        for d in ["A", "B"] { #expect(references[1]["acc_\(d)"]! > references[0]["acc_\(d)"]! + 0.1) }
    }

    @Test("Tuning: four settings per method on one grid size, the chosen one the best selection accuracy (ties: the first)")
    func tuning() throws {
        let rows = try #require(try quickTables()["tuning"]).records
        #expect(rows.count == 20)
        for m in 0..<5 {
            let settings = rows.filter { Int($0["method"]!) == m }
            #expect(settings.count == 4)
            let chosen = settings.filter { $0["chosen"] == 1 }
            try #require(chosen.count == 1)
            let best = settings.map { $0["selection"]! }.max()!
            #expect(chosen[0]["selection"] == best)
            #expect(settings.first { $0["selection"] == best }!["step"] == chosen[0]["step"], "ties go to the first")
        }
    }

    @Test("The stopping rule, recomputed from the curves the figure draws: K is the largest settled step")
    func stoppingRule() throws {
        let run = try quickRun()
        let curves = try #require(try run.blocks("ch08-convergence.gp")["curves"])
        #expect(curves.columns == ["method", "k", "selection", "auc", "step"])
        let groups = curves.groups
        #expect(groups.count == 5)
        // The band: 0.25 points or two selection samples (quick: 100 per domain, so 1 point),
        // compared as the chapter compares it, in fractions.
        let band = max(0.0025, 2 / 200.0)
        let settled = groups.map { group -> Int in
            let final = group.last![2] / 100
            var k = group.count
            while k > 0, abs(group[k - 1][2] / 100 - final) <= band { k -= 1 }
            return k + 1
        }
        let own = try #require(try run.blocks("ch08-tables.dat")["own"]).records
        #expect(!own.isEmpty)
        #expect(run.stdout.contains("→ K = \(settled.max()!)"), "K = max of \(settled)")
    }

    @Test("The inner step is safe where the runs end: α·eig_max(H) < 2 at every final model; the bracket fractions are finite")
    func curvatureAtTheEnd() throws {
        for row in try #require(try quickTables()["exact"]).records {
            #expect(row["curvature"]! > 0 && row["curvature"]! < 2, "method \(row["method"]!): \(row["curvature"]!)")
            #expect(row["fraction"]!.isFinite && row["auc_A"]! > 0.5 && row["auc_B"]! > 0.5)
        }
    }

    @Test("Power iteration measures the largest eigenvalue: against a dense eigensolver, and a Rayleigh quotient never above it")
    func powerIterationOracle() throws {
        var rng = SeededGenerator(seed: 7)
        let n = 30
        var a = Matrix(rows: n, columns: n)
        let g = rng.gaussianMatrix(rows: n, columns: n)
        for i in 0..<n { for j in 0..<n { a[i, j] = (0..<n).map { g[$0, i] * g[$0, j] }.reduce(0, +) / Double(n) } }
        let exact = try symmetricEigenvalues(a).last!
        let result = try powerIteration({ a.times($0) }, start: rng.gaussianVector(n), tolerance: 1e-12, maxIterations: 5000)
        #expect(result.converged && result.value <= exact * (1 + 1e-12))
        #expect(abs(result.value - exact) < 1e-6 * exact, "\(result.value) vs \(exact)")
        #expect(throws: InvalidInput.self) { try powerIteration({ $0 }, start: [0, 0]) }
    }

    @Test("FORUM's run does not depend on how tightly W*(0) was solved: starts at 1e-7 and 1e-12 agree to 1e-4")
    func degenerateStart() throws {
        var forum: [[[Double]]] = []
        for tolerance in ["1e-7", "1e-12"] {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let run = try runChapter("ch08", ["--quick", "--start-tolerance", tolerance, "--output", dir.path])
            try #require(run.status == 0, "stderr: \(run.stderr)")
            forum.append(try #require(try dataBlocks(dir.appendingPathComponent("ch08-tables.dat"))["forum"]).dataRows)
        }
        #expect(forum[0].count == forum[1].count)
        for (a, b) in zip(forum[0], forum[1]) {
            for (u, v) in zip(a, b) where abs(u) > 1e-9 { #expect(abs(u - v) <= 1e-4 * abs(u), "\(a) vs \(b)") }
        }
        // The start is feasible to rounding: the first step moves no x (ν₀ = 0 by the feasibility tolerance).
        #expect(forum[0][0][2] == 0 && forum[0][0][3] == 0)
    }

    @Test("Costs as the library counts them: peak vectors S + 5, m + 4 = 6, D + 3; memory = peak · p · 8 bytes")
    func costs() throws {
        let costs = try #require(try quickTables()["costs"]).records
        #expect(costs.count == 5)
        let p = 250.0
        for row in costs {
            let expected: Double = [7, 7, 6, row["D"]! + 3, 7][Int(row["method"]!)]
            #expect(row["peak_vectors"] == expected)
            #expect(abs(row["memory_kib"]! - expected * p * 8 / 1024) < 1e-9)
        }
    }

    @Test("The first hypergradient: the summed descent ranks clean above corrupted samples; each objective reads its own domain best")
    func firstStep() throws {
        let first = try #require(try quickTables()["first_hypergradient"]).records
        #expect(first.count == 6)
        for row in first where row["objective"] == 2 {
            #expect(row["auc"]! > 0.7 && row["corrupted_lowered"]! > 0.5 && row["clean_raised"]! > 0.5)
        }
        let own = [first[0]["auc"]!, first[3]["auc"]!], cross = [first[1]["auc"]!, first[2]["auc"]!]
        #expect(cross.max()! < own.min()!)
    }

    @Test("Weight histograms: each group's shares sum to 1, and the clean samples sit higher")
    func histograms() throws {
        let weights = try #require(try quickRun().blocks("ch08-weights.gp")["weights"])
        let sigma = try weights.column("sigma")
        for column in ["clean_summed", "corrupted_summed", "clean_forum", "corrupted_forum"] {
            #expect(abs(try weights.column(column).reduce(0, +) - 1) < 1e-8)
        }
        func mean(_ column: String) throws -> Double { zip(sigma, try weights.column(column)).map(*).reduce(0, +) }
        #expect(try mean("clean_summed") > mean("corrupted_summed") && mean("clean_forum") > mean("corrupted_forum"))
    }

    @Test("The closing comparison: every method that applies, for every seed, judged for convergence")
    func closingRows() throws {
        let blocks = try quickTables()
        let rows = try ComparisonRow.rows(of: try #require(blocks["comparison"]))
        #expect(Set(rows.map(\.method)) == Set(CourseMethod.allCases.filter { $0.applies(to: .cleaningSynthetic) }))
        let runs = try ComparisonRunRow.rows(of: try #require(blocks["comparison_runs"]))
        #expect(Set(runs.map(\.seed)) == [0, 1])
        #expect(runs.allSatisfy { $0.convergence != nil && $0.gap.isFinite })
    }

    @Test("The prose's numbers are the default run's (and, for Section 9, the committed real run's)", .tags(.defaultRun))
    func proseQuotesTheRun() throws {
        try expectQuoted(
            "ch08",
            [
                ("a cleaning AUC of 0.885 and 0.933", "0.773         0.920           0.885"),
                ("but domain B's with only 0.713", "Φ_A            B                       0.647         0.640           0.713"),
                ("22.8 points of test accuracy on A (0.6940 → 0.9220)", "uniform, noisy labels  0.6940"),
                ("and 22.3 on B (0.7160 → 0.9390)", "clean samples only     0.9220  0.9245  0.9390"),
                ("(9.418 against 1.427)", "global bound L = 9.418e+00; measured eig_max(H) at W*(0) = 1.427e+00"),
                ("falls from 942 to 143", "bound/θ = 942, measured/θ = 143"),
                ("(AID from 0.9300 at $5 N_s$ to 0.8850 at $40 N_s$", "AID, summed     40         -    0.8850"),
                ("WC-MHGD from 0.9250 to 0.8500)", "WC-MHGD         40         -    0.8500"),
                ("AID settles after 60 steps, WC-MHGD after 38, FORUM 51, MOML 42 and MoCo 96",
                 "settled steps: AID, summed 60, WC-MHGD 38, FORUM 51, MOML 42, MoCo 96 → K = 96"),
                ("(0.98 ± 0.07 and 0.99 ± 0.05 with their own models)", "92.50     0.98  0.07"),
                ("the summed AID descent 0.88 ± 0.04, WC-MHGD 0.84 ± 0.06 and MoCo 0.78 ± 0.09", "89.50     0.78  0.09"),
                ("(89.88 and 90.34 against 90.18 and 91.56)", "WC-MHGD      8    89.88  1.73   89.82    90.34"),
                ("is at most 0.85, below 2", "0.944                  0.85"),
                ("($\\nu_1$ = 5.56e-01)", " 1  2.40e-01  5.56e-01            6.25e+00"),
                ("the corrupted ones 0.141, an AUC of 0.950", "0.812              0.141  0.950"),
                ("and the AUC creeps to 0.981", "0.779              0.018  0.981"),
                ("the summed descent loses 0.08 of the", "AID, summed  0.03  0.79  0.74  0.86   0.87         -0.08  -0.09  -0.03            0"),
                ("and MOML 0.05 (worse on all 5)", "MOML         0.30  0.93  0.90  1.00   0.98         -0.05  -0.06  -0.03            0"),
                ("WC-MHGD's median moves by −0.01", "WC-MHGD      0.10  0.81  0.76  0.89   0.84         -0.01  -0.06   0.02            1"),
                ("FORUM (+0.01) and MoCo (+0.03) gain on 4 of 5 seeds",
                 "FORUM        0.30  0.98  0.95  1.07   0.95          0.01  -0.02   0.04            4"),
                ("FORUM (+0.01) and MoCo (+0.03) gain on 4 of 5 seeds",
                 "MoCo         0.10  0.79  0.74  0.91   0.76          0.03  -0.01   0.06            4"),
                ("(cleaning AUC 0.976 and 0.986 on A and B, against 0.938 and 0.948",
                 "weights at K: AID, summed AUC A 0.938, B 0.948; FORUM AUC A 0.976, B 0.986"),
                // Section 9, printed from the committed real run (figures/ch08-real-tables.dat).
                ("80.73 % and 73.82 % test accuracy", "uniform, noisy labels  0.8073  0.8054  0.7382"),
                ("the clean samples only 85.83 % and 75.98 %", "clean samples only     0.8583  0.8566  0.7598"),
                ("The measured curvature at $W^*(0)$ is 8.337, the bound 75.86",
                 "global bound L = 7.586e+01, measured eig_max(H) at W*(0) = 8.337e+00"),
                ("every method × $D$ × seed took 29.4 minutes", "tuning and every method × D × seed 29.4 minutes,"),
                ("the closing comparison's tight solves, 35.2", "the closing comparison's rows 35.2 minutes"),
                ("The stopping rule gives $K = 56$ of $K_{\\max} = 60$", "K_max = 60, band 0.25 points → K = 56"),
                ("(AID from 0.8055 to 0.8075, FORUM from 0.7820 to 0.7835)", "AID, summed     40         -    0.8055"),
                ("(AID from 0.8055 to 0.8075, FORUM from 0.7820 to 0.7835)", "FORUM           50       0.9    0.7820"),
                ("recovers 0.89 ± 0.13 of the bracket with its own model", "75.50     0.89  0.13"),
                ("and 0.95 ± 0.12 at $D = 128$", "75.68     0.95  0.12"),
                ("WC-MHGD 0.97 ± 0.16 to 1.02 ± 0.14", "76.64     0.97  0.16"),
                ("MoCo 0.87 ± 0.12 to 0.95 ± 0.20", "75.68     0.95  0.20"),
                ("(71.14 %, below the noisy row's 73.82 %)", "MOML          16    86.76  0.07   86.52    71.14"),
                ("a fraction of -0.14 ± 0.22", "70.41    -0.14  0.22"),
                ("FORUM stays at 0.02 ± 0.05 at $D = 16$", "FORUM         16    83.20  0.20   82.88    73.11  0.64   72.27     0.02  0.05"),
                ("(90.79 % and 82.37 %", "90.79"),
                ("recovers 0.95 ± 0.14 of the bracket for AID at $D = 16$", "AID, summed   16    85.78    76.11     0.95  0.14"),
                ("0.03 ± 0.11 for FORUM", "FORUM         16    83.00    73.25     0.03  0.11  0.955  0.917"),
                ("is close to AID's 0.940 and 0.936", "0.940  0.936"),
                ("and again at $k = 59$", "59  8.58e-04  0.00e+00"),
                ("the corrupted ones 0.250", "0.659              0.250  0.936"),
                ("(0.7830 against 0.7835)", "FORUM           50       0.5    0.7830"),
                ("holds 6 vectors (368.0 KiB)", "6       368.0"),
                ("131 (8034.0 KiB) at $D = 128$", "131      8034.0"),
                ("grows from 239.3 ms to 2063.8 ms", "MOML          16                     82            19      1165.2        239.3"),
                ("grows from 239.3 ms to 2063.8 ms", "MOML         128                    642           131      8034.0       2063.8"),
                ("the summed descent's 595.3 ms at $D = 128$", "AID, summed  128                    158             7       429.3        595.3"),
            ])
    }

    @Test("Every exercise's command is accepted (run with --quick)")
    func exerciseFlags() throws {
        let page = try String(contentsOf: packageRoot.appendingPathComponent("book/08-HyperCleaning.md"), encoding: .utf8)
        let start = try #require(page.range(of: "## Exercises")).lowerBound
        let exercises = String(page[start...])
        let commands: [[String]] = [["--bound-step"], ["--conflicted", "0"], ["--start-tolerance", "1e-7"]]
        for flags in commands {
            #expect(exercises.contains("ch08 " + flags.joined(separator: " ")), "the exercises no longer run \(flags)")
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let run = try runChapter("ch08", flags + ["--quick", "--output", dir.path])
            #expect(run.status == 0, "\(flags): \(run.stderr)")
        }
        // Every `ch08 …` command on the page's exercises is one of those (or the real-data one).
        let named: [String] = exercises.components(separatedBy: "`swift run -c release ch08").dropFirst()
            .map { (part: String) -> String in String(part.prefix { $0 != "`" }).trimmingCharacters(in: .whitespaces) }
        for command in named where !command.hasPrefix("--data") {
            #expect(commands.contains { $0.joined(separator: " ") == command }, "untested exercise command: ch08 \(command)")
        }
    }

    /// Exercise 8.6: power iteration by hand, checked against the library on the synthetic
    /// problem's Hessian at W*(0).
    @Test("Exercise 8.6: a hand-written power iteration agrees with the library's")
    func exercise8_6() throws {
        // begin solution 8.6
        func largestEigenvalue(_ apply: (Vector) -> Vector, start: Vector, iterations: Int) -> Double {
            var v = (1 / norm(start)) * start
            var lambda = 0.0
            for _ in 0..<iterations {
                let hv = apply(v)
                lambda = dot(v, hv)  // Rayleigh quotient of the unit vector v
                v = (1 / norm(hv)) * hv
            }
            return lambda
        }
        // end solution 8.6
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let domains = try CleaningDomain.syntheticPair(
            sizes: .init(train: 150, validation: 100, selection: 100, test: 100), features: 24, classes: 10,
            conflicted: 5, separation: 1.5, corruption: 0.5, using: &rng)
        let problem = try HyperCleaning(domains: domains, ridge: 0.01)
        let x = Vector(repeating: 0, count: problem.upperDimension)
        let y = rng.gaussianVector(problem.lowerDimension).map { 0.1 * $0 }
        let start = rng.gaussianVector(problem.lowerDimension)
        let mine = largestEigenvalue({ problem.lowerHessianVector(x: x, y: y, $0) }, start: start, iterations: 300)
        let library = try problem.measuredCurvature(x: x, y: y, start: start, tolerance: 1e-12)
        #expect(abs(mine - library.value) < 1e-6 * library.value, "\(mine) vs \(library.value)")
        #expect(mine < problem.globalL)
    }

    @Test("The solution page shows exactly the code Exercise 8.6's test runs")
    func exercise8_6OnThePage() throws {
        let (code, page) = try testedSolution("8.6")
        #expect(page.contains(code), "book/solutions/08.md must show Exercise 8.6's solution as tested:\n\(code)")
    }

    @Test("Bad flags and bad data are refused, naming the flag; nothing is written")
    func badFlags() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A data folder whose MNIST test images are a truncated file.
        let mnist = dir.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: mnist, withIntermediateDirectories: true)
        try Data([0, 0, 8, 3, 0, 0, 0x27, 0x10, 0, 0]).write(to: mnist.appendingPathComponent("t10k-images-idx3-ubyte"))
        try Data([0, 0, 8, 1, 0, 0, 0x27, 0x10, 1, 2]).write(to: mnist.appendingPathComponent("t10k-labels-idx1-ubyte"))
        try expectRefused(
            "ch08",
            [
                ["--inner-steps", "0"], ["--inner-steps", "3", "3"], ["--inner-steps", "1", "2", "3", "4", "5"],
                ["--outer-steps", "1"], ["--train-size", "10"], ["--seeds", "0"], ["--preferences", "2"],
                ["--start-tolerance", "1"], ["--ridge", "0"], ["--conflicted", "1"], ["--conflicted", "11"],
                ["--data", ""], ["--data", "/nonexistent"], ["--data", dir.path], ["--data", mnist.path],
            ])
        let corrupt = try runChapter("ch08", ["--data", dir.path, "--output", dir.appendingPathComponent("out").path])
        #expect(corrupt.status != 0)
        #expect(corrupt.stderr.contains("t10k-images-idx3-ubyte"), "stderr: \(corrupt.stderr)")
        let nowhere = try runChapter(
            "ch08", ["--output", dir.appendingPathComponent("out").path], environment: ["MOBL_DATA": "/nonexistent"])
        #expect(nowhere.status != 0 && nowhere.stderr.contains("/nonexistent: no such folder"), "stderr: \(nowhere.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test(
        "Real data at a reduced size: the whole protocol runs, accuracies far above chance, the real figures written",
        .tags(.slow), .enabled(if: slowTestsEnabled, skipSlowReason),
        .enabled(
            if: realData != nil,
            "set MOBL_DATA to a folder holding mnist/t10k-*-ubyte.gz (and have Fashion-MNIST) to run it"))
    func realDataReduced() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runChapter(
            "ch08",
            [
                "--data", realData!, "--output", dir.path, "--train-size", "300", "--outer-steps", "8",
                "--inner-steps", "4", "8", "--seeds", "2", "--preferences", "3",
            ])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(
            written == [
                "ch08-real-convergence.gp", "ch08-real-cost.gp", "ch08-real-table1.gp", "ch08-real-tables.dat",
                "ch08-real-tradeoff.gp", "ch08-real-weights.gp", "ch08-real-x-steps.gp",
            ])
        let tables = try dataBlocks(dir.appendingPathComponent("ch08-real-tables.dat"))
        let rows = try ComparisonRow.rows(of: try #require(tables["comparison"]))
        #expect(rows.allSatisfy { $0.problem == .cleaningReal && $0.gap.isFinite && $0.gap >= 0 })
        for row in try #require(tables["own"]).records {
            #expect(row["acc_A"]! > 30 && row["acc_B"]! > 30, "method \(row["method"]!): \(row)")  // chance: 10 %
        }
        for name in written where name.hasSuffix(".gp") {
            let script = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            #expect(script.contains("ch08 --data DIR --train-size 300"), "\(name)")
            #expect(!script.contains(realData!), "\(name) names the data folder")
        }
    }

    @Test("The committed real run backs Section 9: 4 D × 5 methods over 3 seeds, memory D + 3 vs 6 vectors, the protocol's flags")
    func committedRealRun() throws {
        let figures = packageRoot.appendingPathComponent("figures")
        let tables = try dataBlocks(figures.appendingPathComponent("ch08-real-tables.dat"))
        let own = try #require(tables["own"]).records
        #expect(own.count == 20 && Set(own.map { $0["D"]! }) == [16, 32, 64, 128])
        for row in own { #expect(row["acc_A"]! > 30 && row["acc_A"]! <= 100 && row["acc_B"]! > 30) }
        let p = 7850.0
        for row in try #require(tables["costs"]).records {
            let expected: Double = [7, 7, 6, row["D"]! + 3, 7][Int(row["method"]!)]
            #expect(row["peak_vectors"] == expected && abs(row["memory_kib"]! - expected * p * 8 / 1024) < 1e-9)
        }
        for row in try #require(tables["exact"]).records { #expect(row["curvature"]! < 2) }
        let script = try String(contentsOf: figures.appendingPathComponent("ch08-real-tables.dat"), encoding: .utf8)
        #expect(script.contains("ch08 --data DIR") && !script.contains("/work/"))
        // The real run's own printed output (figures/ch08-real-run.txt) backs what Section 9 cites from it.
        let printed = try String(contentsOf: figures.appendingPathComponent("ch08-real-run.txt"), encoding: .utf8)
        #expect(printed.contains("ν_k = 0 at 12 of the 60 steps") && !printed.contains("/work/"))
        for name in ["table1", "cost", "tradeoff", "weights", "convergence", "x-steps"] {
            #expect(FileManager.default.fileExists(atPath: figures.appendingPathComponent("ch08-real-\(name).svg").path))
        }
    }
}
