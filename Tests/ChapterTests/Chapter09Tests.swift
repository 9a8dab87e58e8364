import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// Chapter 9's claims, read back from its datablocks (quick mode: 4 meta-training and
/// 10 meta-test tasks per family, K = 15 outer steps).
@Suite("Chapter 9 — Multi-objective meta-learning")
struct Chapter09Tests {
    /// The problem and x₀ of a quick run, rebuilt here with the library (the same seed and settings).
    private func quickProblem() throws -> (MetaLearning, x0: Vector) {
        var rng = SeededGenerator(seed: CommonFlags.defaultSeed)
        let settings = MetaLearning.Settings(features: 41, width: 4, shots: 10, queries: 20, trainTasksPerFamily: 4,
                                             testTasksPerFamily: 10, ridge: 0.05, noise: 0.05, bandwidth: 1.5)
        let problem = try MetaLearning(settings: settings, using: &rng)
        return (problem, rng.gaussianVector(problem.upperDimension))
    }

    /// The shared `--quick` run.
    func quickRun() throws -> ChapterRun { try ChapterRuns.shared.succeeded("ch09", ["--quick"]) }

    @Test("The start row is the library's Φ_s(x₀) and meta-test losses, rebuilt independently")
    func startRow() throws {
        let run = try quickRun()
        let tables = try run.blocks("ch09-tables.dat")
        // Section 1: the start row is the library's Φ_s(x₀) and meta-test losses (an independent rebuild).
        let (problem, x0) = try quickProblem()
        let start = try #require(tables["start"])
        let train0 = problem.reducedValues(x: x0), test0 = problem.metaTestLosses(x: x0)
        for (s, row) in start.records.enumerated() {
            #expect(abs(row["train"]! - train0[s]) < 1e-9 && abs(row["test"]! - test0[s]) < 1e-9)
        }
    }

    @Test("The sweep: each family's own preference beats the uniform one on meta-test and is best on Φ_s; the printed counts match")
    func sweep() throws {
        let run = try quickRun()
        let S = 5
        // Section 3: the sweep. Rows: uniform, then favouring family 1…5.
        let sweep = try #require(try run.blocks("ch09-sweep.gp")["sweep"]).records
        #expect(sweep.count == S + 1)
        func lowest(_ prefix: String, _ s: Int) -> Int {
            let column = sweep.map { $0["\(prefix)_\(s + 1)"]! }
            return column.indices.min { column[$0] < column[$1] }!
        }
        let ownTest = (0..<S).filter { lowest("test", $0) == $0 + 1 }.count
        #expect(run.stdout.contains("Meta-test: \(ownTest) of 5 families have their lowest loss under the preference that favours them"))
        // What holds in quick mode as in the default run: every family's own preference beats the
        // uniform one on meta-test, and is the best of the six on its meta-training loss Φ_s.
        for s in 0..<S {
            #expect(sweep[s + 1]["test_\(s + 1)"]! < sweep[0]["test_\(s + 1)"]!, "family \(s + 1)")
            #expect(lowest("train", s) == s + 1, "family \(s + 1)")
        }
        #expect(run.stdout.contains("5 of 5 families have a lower meta-test loss under their own preference than under the uniform one"))
        #expect(run.stdout.contains("On the meta-training losses Φ_s, 5 of 5 are lowest under their own preference."))
        // The Chebyshev column is max_s r_sΦ_s of each row's preference.
        for (k, row) in sweep.enumerated() {
            let r = k == 0 ? Vector(repeating: 0.2, count: S) : (0..<S).map { $0 == k - 1 ? 0.8 : 0.05 }
            let scaled = (0..<S).map { r[$0] * row["train_\($0 + 1)"]! }
            #expect(abs(row["chebyshev"]! - scaled.max()!) < 1e-9)
            #expect(abs(row["misalignment"]! - (scaled.max()! - scaled.min()!) / scaled.max()!) < 1e-9)
        }
    }

    @Test("u ablation: u = 0 ends far from what u > 0 reaches; the u = 1 run is the sweep's run favouring family 1")
    func uAblation() throws {
        let run = try quickRun()
        let sweep = try #require(try run.blocks("ch09-sweep.gp")["sweep"]).records
        // Section 4: u = 0 (preference-scaled MGDA) stays far from what u > 0 reaches.
        let uBlock = try #require(try run.blocks("ch09-u-ablation.gp")["u_ablation"])
        #expect(try uBlock.column("u") == [0, 0.01, 0.1, 1, 10, 100])
        let uCheb = try uBlock.column("chebyshev_train")
        #expect(uCheb[0] > 2 * uCheb.min()!)
        #expect(run.stdout.contains("u = 0 ends at max r_sΦ_s = \(fixed(uCheb[0], 4))"))
        #expect(try uBlock.column("top_weight").allSatisfy { $0 > 0 && $0 <= 1 + 1e-12 })
        // The u = 1 run is the sweep's run favouring family 1.
        #expect(uCheb[3] == sweep[1]["chebyshev"])
    }

    @Test("D ablation: D lower-gradient calls per step, heads closer to y* with D, D moves the favoured family's loss less than r does")
    func depthAblation() throws {
        let run = try quickRun()
        let sweep = try #require(try run.blocks("ch09-sweep.gp")["sweep"]).records
        // Section 5: D costs D lower-gradient calls per outer step; the heads get closer to y* with D,
        // and D moves the favoured family's meta-test loss less than the preference does.
        let dBlock = try #require(try run.blocks("ch09-d-ablation.gp")["d_ablation"])
        let depths = try dBlock.column("D"), perStep = try dBlock.column("calls_per_step")
        #expect(depths == [1, 2, 4, 8, 16, 32])
        for (d, c) in zip(depths, perStep) { #expect(abs(c - perStep[0] - (d - 1)) < 1e-9) }
        let innerError = try dBlock.column("inner_error")
        #expect(innerError.last! < innerError.first!)
        let dSpread = try dBlock.column("test_1").max()! - dBlock.column("test_1").min()!
        let sweepSpread = sweep.map { $0["test_1"]! }.max()! - sweep.map { $0["test_1"]! }.min()!
        #expect(dSpread < sweepSpread)
        #expect(run.stdout.contains("spans \(fixed(dSpread, 4)) over the six D, against \(fixed(sweepSpread, 4))"))
    }

    @Test("The comparison's rows: one per method, finite gaps, within one budget, r recorded, peak vectors as the library counts")
    func comparisonRows() throws {
        let run = try quickRun()
        let tables = try run.blocks("ch09-tables.dat")
        // Section 6: the closing comparison's rows — one per method, finite gaps, within the budget.
        let comparison = try #require(tables["comparison"]).records
        #expect(comparison.map { Int($0["method"]!) }.sorted() == CourseMethod.allCases.map(\.rawValue))
        let budget = comparison.first { $0["method"] == Double(CourseMethod.wcmhgdCG.rawValue) }!["calls"]!
        for row in comparison {
            let method = CourseMethod(rawValue: Int(row["method"]!))!
            #expect(row["problem"] == Double(CourseProblem.metaLearning.rawValue))
            #expect(row["gap"]!.isFinite && row["gap"]! >= 0, "\(method.name)")
            #expect(row["calls"]! <= budget && row["calls"]! > 0.9 * budget, "\(method.name): \(row["calls"]!) calls of \(budget)")
            #expect(row["calls"] == row["upper_gradients"]! + row["lower_gradients"]! + row["hessian_vector"]! + row["mixed"]!)
            // The stated preference for every method (as Chapters 6–8 record it), so misalignment is measured for all.
            #expect(row["r1"] == 0.8 && row["misalignment"]!.isFinite, "\(method.name)")
            // Peak vectors as the library counts them: S + 5 with CG, S + 4 with Neumann, m + 4 for FORUM, D + 3 for MOML.
            let expected: Double = switch method {
            case .wcmhgdCG, .linear, .mgda, .moco: 10
            case .wcmhgdNeumann, .stochasticWCMHGD, .forum: 9
            case .moml: 7
            }
            #expect(row["peak_vectors"] == expected, "\(method.name)")
        }
        #expect(comparison.first { $0["method"] == Double(CourseMethod.forum.rawValue) }!["hessian_vector"] == 0)
        #expect(run.stdout.contains("Every run stayed within the budget: yes"))
    }

    @Test("The methods table: the comparison's calls; the mean test loss is the mean of the columns")
    func methodsTable() throws {
        let run = try quickRun()
        let tables = try run.blocks("ch09-tables.dat")
        let S = 5
        let comparison = try #require(tables["comparison"]).records
        // The methods table: the same calls, and the stochastic run's samples are half the tasks per call.
        let methods = try #require(tables["methods"]).records
        #expect(methods.count == 8)
        for row in methods {
            let course = [CourseMethod.wcmhgdCG, .wcmhgdNeumann, .stochasticWCMHGD, .linear, .mgda, .forum, .moml, .moco][Int(row["method"]!)]
            #expect(comparison.first { $0["method"] == Double(course.rawValue) }!["calls"] == row["calls"])
            #expect(abs(row["mean_test"]! - (1...S).map { row["test_\($0)"]! }.reduce(0, +) / Double(S)) < 1e-9)
        }
    }

    @Test("The oracle-call paths: one per method, from the start value, calls rising, within the budget")
    func budgetPaths() throws {
        let run = try quickRun()
        let tables = try run.blocks("ch09-tables.dat")
        let comparison = try #require(tables["comparison"]).records
        let budget = comparison.first { $0["method"] == Double(CourseMethod.wcmhgdCG.rawValue) }!["calls"]!
        let (problem, x0) = try quickProblem()
        let test0 = problem.metaTestLosses(x: x0)
        // The oracle-call paths: one group per method, from the start, calls rising, ending within the budget.
        let paths = try #require(try run.blocks("ch09-budget.gp")["budget_paths"])
        #expect(paths.groups.count == 8)
        let startChebyshev = zip([0.8, 0.05, 0.05, 0.05, 0.05], test0).map { $0 * $1 }.max()!
        for group in paths.groups {
            let calls = group.map { $0[1] }
            #expect(calls.first == 0 && zip(calls, calls.dropFirst()).allSatisfy { $0 < $1 } && calls.last! <= budget)
            #expect(abs(group[0][2] - startChebyshev) < 1e-9)
        }
    }

    @Test("The order sentence lists the methods by their meta-test Chebyshev value")
    func orderSentence() throws {
        let run = try quickRun()
        let tables = try run.blocks("ch09-tables.dat")
        let methods = try #require(tables["methods"]).records
        // The order sentence lists the methods by the meta-test Chebyshev value of the methods table.
        let order = methods.sorted { $0["chebyshev_test"]! < $1["chebyshev_test"]! }
        let ordered = order.map { [CourseMethod.wcmhgdCG, .wcmhgdNeumann, .stochasticWCMHGD, .linear, .mgda, .forum, .moml, .moco][Int($0["method"]!)] }
        #expect(run.stdout.contains("On the meta-test Chebyshev value max_s r_s·test_s the order is "
                                    + zip(ordered, order).map { "\($0.0.name) \(fixed($0.1["chebyshev_test"]!, 4))" }.joined(separator: ", ")))
    }

    @Test("Bad flags are refused, naming the flag")
    func badFlags() throws {
        try expectRefused("ch09", [["--width", "0"], ["--width", "17"], ["--tasks", "1"], ["--outer-steps", "2"], ["--inner-steps", "0"],
                                   ["--cg-steps", "0"], ["--neumann-terms", "0"], ["--u=-1"], ["--outer-step", "0"], ["--ridge", "0"]])
    }
}

/// Exercise 4's worked solution (book/solutions/09.md): with K = 200 outer steps the three
/// WC-MHGD variants lead on the meta-training Chebyshev value, linear scalarization on the
/// meta-test one, and the gaps fall.
@Suite("Chapter 9 — Exercise 4, K = 200")
struct Chapter09LongRunTests {
    @Test("K = 200: WC-MHGD leads on meta-training, linear scalarization on meta-test; WC-MHGD (CG)'s gap falls below its K = 60 gap",
          .tags(.slow), .enabled(if: slowTestsEnabled, skipSlowReason))
    func longerRun() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runChapter("ch09", ["--outer-steps", "200", "--output", dir.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let tables = try dataBlocks(dir.appendingPathComponent("ch09-tables.dat"))
        let methods = try #require(tables["methods"]).records
        let names = [CourseMethod.wcmhgdCG, .wcmhgdNeumann, .stochasticWCMHGD, .linear, .mgda, .forum, .moml, .moco]
        let byTrain = methods.sorted { $0["chebyshev_train"]! < $1["chebyshev_train"]! }.map { names[Int($0["method"]!)] }
        let byTest = methods.sorted { $0["chebyshev_test"]! < $1["chebyshev_test"]! }.map { names[Int($0["method"]!)] }
        #expect(Set(byTrain.prefix(3)) == [.wcmhgdCG, .wcmhgdNeumann, .stochasticWCMHGD], "\(byTrain.map(\.name))")
        #expect(byTest.first == .linear, "\(byTest.map(\.name))")
        let long = try ComparisonRow.rows(of: try #require(tables["comparison"]))
        let committed = try ComparisonRow.rows(of: try #require(try dataBlocks(packageRoot.appendingPathComponent("figures/ch09-tables.dat"))["comparison"]))
        let gap = { (rows: [ComparisonRow]) in rows.first { $0.method == .wcmhgdCG }!.gap }
        #expect(gap(long) < gap(committed) / 5, "K = 200: \(gap(long)), K = 60: \(gap(committed))")
    }
}

/// Exercise 2's worked solution (book/solutions/09.md): with 4 meta-training tasks per family
/// the preference still orders the meta-training losses, but not every family's meta-test loss.
/// This run once crashed (no u reached 5 % of the best); it must finish and say so.
@Suite("Chapter 9 — Exercise 2, --tasks 4")
struct Chapter09FewTasksTests {
    @Test("--tasks 4: runs to the end; Φ_s follows r for 5 of 5, meta-test for fewer; the u sentence matches the ablation")
    func fewTasks() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runChapter("ch09", ["--tasks", "4", "--output", dir.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let sweep = try #require(try dataBlocks(dir.appendingPathComponent("ch09-sweep.gp"))["sweep"]).records
        func lowest(_ prefix: String, _ s: Int) -> Int {
            let column = sweep.map { $0["\(prefix)_\(s)"]! }
            return column.indices.min { column[$0] < column[$1] }!
        }
        #expect((1...5).allSatisfy { lowest("train", $0) == $0 })
        let ownTest = (1...5).filter { lowest("test", $0) == $0 }.count
        #expect(ownTest < 5)
        #expect(run.stdout.contains("Meta-test: \(ownTest) of 5 families have their lowest loss under the preference that favours them"))
        // The u sentence: within 5 % of the best for some u, or "not even" the largest u.
        let u = try #require(try dataBlocks(dir.appendingPathComponent("ch09-u-ablation.gp"))["u_ablation"])
        let chebyshev = try u.column("chebyshev_train")
        let best = chebyshev.min()!
        if chebyshev.last! > 1.05 * best {
            #expect(run.stdout.contains("not even u = 100.0 ends within 5 % of the best"))
        } else {
            #expect(run.stdout.contains("within 5 % of the best"))
            #expect(!run.stdout.contains("not even"))
        }
    }
}

/// The committed default run (figures/, checked current by AllChaptersTests): the claims
/// the chapter's prose makes about it.
@Suite("Chapter 9 — the committed default run")
struct Chapter09CommittedRunTests {
    @Test("Every family has its lowest meta-test loss under the preference that favours it; u = 0 does not follow r")
    func committedClaims() throws {
        let figures = packageRoot.appendingPathComponent("figures")
        let sweep = try #require(try dataBlocks(figures.appendingPathComponent("ch09-sweep.gp"))["sweep"]).records
        #expect(sweep.count == 6)
        for s in 1...5 {
            let column = sweep.map { $0["test_\(s)"]! }
            #expect(column.indices.min { column[$0] < column[$1] } == s, "family \(s)")
        }
        let u = try #require(try dataBlocks(figures.appendingPathComponent("ch09-u-ablation.gp"))["u_ablation"])
        let chebyshev = try u.column("chebyshev_train")
        #expect(chebyshev[0] > 5 * chebyshev[2...].max()!)
        // The budget comparison: the favoured family's term r₁Φ₁ is the largest at every end point,
        // and every misalignment is large (the ray asks the other families for 16 Φ₁).
        let tables = try dataBlocks(figures.appendingPathComponent("ch09-tables.dat"))
        let methods = try #require(tables["methods"]).records
        #expect(methods.count == 8 && methods.allSatisfy { $0["largest"] == 1 })
        let rows = try ComparisonRow.rows(of: try #require(tables["comparison"]))
        #expect(rows.count == 8 && rows.allSatisfy { ($0.misalignment ?? 0) > 0.3 })
    }
}
