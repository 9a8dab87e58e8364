import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

/// The committed figures folder.
private let figures = packageRoot.appendingPathComponent("figures")

/// The committed chapters' comparison rows, by tables file (Chapter 10's own left out).
private func committedRows() throws -> [(file: String, rows: [ComparisonRow])] {
    let names = try FileManager.default.contentsOfDirectory(atPath: figures.path).sorted()
        .filter { $0.hasSuffix("-tables.dat") && !$0.hasPrefix("ch10-") }
    return try names.compactMap { name in
        try dataBlocks(figures.appendingPathComponent(name))["comparison"].map { (name, try ComparisonRow.rows(of: $0)) }
    }
}

/// A temporary folder holding `ch06-tables.dat` made of these tables.
private func folder(with tables: [Table]) throws -> URL {
    let dir = try temporaryDirectory()
    let text = try tables.map { try $0.dataBlock.scriptText }.joined(separator: "\n\n") + "\n"
    try Data(text.utf8).write(to: dir.appendingPathComponent("ch06-tables.dat"))
    return dir
}

/// The problems whose rows the chapters' default runs save (Chapters 6–9): they must be
/// there whatever else is. (The real hyper-cleaning rows come from a run with data.)
private let requiredProblems: [CourseProblem] = [.toyS2, .toyS5, .finiteSumToy, .cleaningSynthetic, .metaLearning]

/// The problems on which Chapter 10's summary says a preference-taking method is the best
/// aligned (all but the real hyper-cleaning problem: see its summary).
private let preferenceBestAligned: [CourseProblem] = [.toyS2, .toyS5, .cleaningSynthetic, .metaLearning]

/// The problems on which a chapter claims that WC-MHGD (CG) ends better aligned than
/// linear scalarization and MGDA (Chapter 7 for the toys, Chapter 8 for hyper-cleaning).
private let claimedAlignment: [CourseProblem] = [.toyS2, .toyS5, .cleaningSynthetic]

@Suite("The closing comparison (Chapters 6–9 rows, Chapter 10)")
struct ComparisonTests {
    // MARK: the shared vocabulary

    @Test("comparisonTable round-trips through its datablock and ComparisonRow; misalignment and memory as documented")
    func roundTrip() throws {
        var counts = OracleCounts()
        (counts.upperGradient, counts.lowerGradient, counts.hessianVector, counts.mixedVector, counts.upperValue) = (3, 5, 7, 11, 13)
        let entries = [
            ComparisonEntry(problem: .toyS5, method: .moml, preference: [0.25, 0.75], values: [2, 1], gap: 1e-9, counts: counts,
                            peakVectors: 4, lowerDimension: 32, seconds: 0.5),
            ComparisonEntry(problem: .cleaningSynthetic, method: .forum, preference: nil, values: [1, 1], gap: 0, counts: counts,
                            peakVectors: 6, lowerDimension: 10, seconds: 1.25),
        ]
        // (max − min)/max of r⊙Φ = (0.75, 0.5): 1/3; no preference: none.
        #expect(abs(entries[0].misalignment! - 1.0 / 3) < 1e-15)
        #expect(entries[1].misalignment == nil)
        #expect(entries[0].calls == 26 && entries[0].memoryKiB == 1.0)
        let text = try comparisonTable(entries).dataBlock.scriptText + "\n" + timingsTable(entries).dataBlock.scriptText
        let blocks = try readDataBlocks(fromScript: text)
        let rows = try ComparisonRow.rows(of: try #require(blocks["comparison"]))
        #expect(rows.map(\.problem) == [.toyS5, .cleaningSynthetic] && rows.map(\.method) == [.moml, .forum])
        #expect(rows.map(\.control) == [.none, .none] && rows[0].r1 == 0.25 && rows[1].r1 == nil && rows[1].misalignment == nil)
        #expect(rows[0].calls == 26 && rows[0].hessianVector == 7 && rows[0].mixed == 11 && rows[1].peakVectors == 6 && rows[1].gap == 0)
        let timings = try TimingRow.rows(of: try #require(blocks["timings"]))
        #expect(timings.map(\.seconds) == [0.5, 1.25] && timings.map(\.method) == [.moml, .forum])
    }

    @Test("A comparison record with a bad label, count or gap is refused")
    func badRecords() throws {
        let good: [String: Double] = ["problem": 0, "method": 0, "control": 0, "r1": 0.5, "misalignment": 0.1, "gap": 1e-3, "calls": 10,
                                      "upper_gradients": 1, "lower_gradients": 2, "hessian_vector": 3, "mixed": 4, "peak_vectors": 5,
                                      "memory_kib": 0.1]
        _ = try ComparisonRow(record: good)
        for (column, value) in [("problem", 6.0), ("method", 8), ("method", 0.5), ("control", 3), ("calls", -1), ("calls", 1.5),
                                ("gap", -1e-9), ("gap", .nan), ("peak_vectors", .nan)] {
            var record = good
            record[column] = value
            #expect(throws: InvalidInput.self, "\(column) = \(value)") { try ComparisonRow(record: record) }
        }
        var missing = good
        missing["mixed"] = nil
        #expect(throws: InvalidInput.self) { try ComparisonRow(record: missing) }
    }

    @Test("applies(to:): stochastic WC-MHGD where the lower level is a finite sum, the deterministic methods everywhere but the finite-sum toy")
    func applicability() {
        let deterministic = CourseMethod.allCases.filter { $0 != .stochasticWCMHGD }
        for problem in CourseProblem.allCases {
            let methods = CourseMethod.allCases.filter { $0.applies(to: problem) }
            switch problem {
            case .finiteSumToy: #expect(methods == [.stochasticWCMHGD])
            case .metaLearning: #expect(methods == CourseMethod.allCases)
            default: #expect(methods == deterministic)
            }
        }
    }

    // MARK: the committed rows

    @Test("The committed rows: every applicable pair once, controls as the methods', gaps finite and ≥ 0")
    func committedRowsAreComplete() throws {
        let files = try committedRows()
        let rows = files.flatMap(\.rows)
        var seen = Set<[Int]>()
        for row in rows {
            #expect(seen.insert([row.problem.rawValue, row.method.rawValue]).inserted, "\(row.problem.name), \(row.method.name) saved twice")
            #expect(row.method.applies(to: row.problem), "\(row.method.name) does not apply to \(row.problem.name)")
            #expect(row.control == row.method.preferenceControl)
            #expect(row.gap.isFinite && row.gap >= 0)
            #expect(row.calls > 0 && row.calls == row.upperGradients + row.lowerGradients + row.hessianVector + row.mixed)
            #expect(row.peakVectors > 0 && row.memoryKiB > 0)
            if let m = row.misalignment { #expect(m >= 0 && m <= 1) }
        }
        // Data-driven: the problems of the default runs always; the real hyper-cleaning
        // problem once a run with data has saved its rows (every method that applies must
        // then be there too).
        let present = Set(rows.map(\.problem))
        for problem in CourseProblem.allCases where requiredProblems.contains(problem) || present.contains(problem) {
            for method in CourseMethod.allCases where method.applies(to: problem) {
                #expect(rows.contains { $0.problem == problem && $0.method == method }, "no row for \(method.name) on \(problem.name)")
            }
        }
        // The chapters that own them.
        #expect(Set(["ch06-tables.dat", "ch07-tables.dat", "ch08-tables.dat", "ch09-tables.dat"]).isSubset(of: files.map(\.file)))
    }

    @Test("Each committed chNN-timings.dat has exactly its chapter's comparison rows, in order, and positive times")
    func committedTimingsAreCurrent() throws {
        let files = try committedRows()
        let timingFiles = try FileManager.default.contentsOfDirectory(atPath: figures.path).filter { $0.hasSuffix("-timings.dat") }
        for name in timingFiles {
            let tables = name.replacingOccurrences(of: "-timings.dat", with: "-tables.dat")
            let rows = try #require(files.first { $0.file == tables }, "\(name) has no comparison rows beside it").rows
            let timings = try TimingRow.rows(of: try #require(try dataBlocks(figures.appendingPathComponent(name))["timings"]))
            #expect(timings.map { [$0.problem.rawValue, $0.method.rawValue] } == rows.map { [$0.problem.rawValue, $0.method.rawValue] },
                    "\(name) is stale: run make timings")
            #expect(timings.allSatisfy { $0.seconds > 0 })
        }
    }

    @Test("The chapters' alignment claims and Chapter 10's summary, on the committed rows")
    func committedClaims() throws {
        let rows = try committedRows().flatMap(\.rows)
        func row(_ p: CourseProblem, _ m: CourseMethod) -> ComparisonRow? { rows.first { $0.problem == p && $0.method == m } }
        // WC-MHGD (CG) better aligned than linear scalarization and MGDA where Chapters 7 and 8 say so.
        // (Chapter 10's summary says the same of the real hyper-cleaning and meta-learning rows.)
        for problem in claimedAlignment + [.cleaningReal, .metaLearning] {
            let wc = try #require(row(problem, .wcmhgdCG)?.misalignment)
            for other in [CourseMethod.linear, .mgda] {
                #expect(wc < (try #require(row(problem, other)?.misalignment)), "\(problem.name): WC-MHGD vs \(other.name)")
            }
        }
        // Chapter 7: on the toys, better aligned than every method not told r; linear near an end on the S = 2 toy.
        for problem in [CourseProblem.toyS2, .toyS5] {
            let wc = row(problem, .wcmhgdCG)!.misalignment!
            for other in rows where other.problem == problem && other.control != .preference { #expect(other.misalignment! > wc) }
        }
        #expect(row(.toyS2, .linear)!.misalignment! > 0.9 && row(.toyS5, .linear)!.misalignment! > 0.9)
        #expect(row(.toyS2, .wcmhgdCG)!.misalignment! < 1e-12 && row(.toyS2, .wcmhgdNeumann)!.misalignment! < 1e-12)
        // On the pentagon the ray misses the front: WC-MHGD ends at the misalignment of the exact
        // Chebyshev optimum, computed here independently (the same seeded toy as Chapters 5 and 7).
        var generator = SeededGenerator(seed: CommonFlags.defaultSeed)
        let pentagon = try MOBLToy.standard(.polygon(5), kappa: 10, using: &generator)
        let r: Vector = [0.8, 0.05, 0.05, 0.05, 0.05]
        let optimum = try pentagon.chebyshevOptimum(preference: r).values
        let scaled = zip(r, optimum).map { $0 * $1 }
        let optimumMisalignment = (scaled.max()! - scaled.min()!) / scaled.max()!
        #expect(optimumMisalignment > 0.1)
        for method in [CourseMethod.wcmhgdCG, .wcmhgdNeumann] {
            #expect(abs(row(.toyS5, method)!.misalignment! - optimumMisalignment) < 1e-3, "\(method.name) on the pentagon")
        }
        // Chapter 10's summary, for every problem with more than one row: the best aligned row takes a
        // preference (where the summary says so); FORUM makes no second-order call; FORUM and WC-MHGD
        // (Neumann) hold the least memory of the methods other than MOML (ties included); MOML, whose
        // memory grows with its unrolled inner steps, the most except in meta-learning (D = 4), where it
        // holds the least; the smallest gap is not a preference-taking method's (but for ties at rounding level).
        for problem in CourseProblem.allCases {
            let here = rows.filter { $0.problem == problem }
            guard here.count > 1 else { continue }
            if preferenceBestAligned.contains(problem) {
                #expect(here.filter { $0.misalignment != nil }.min { $0.misalignment! < $1.misalignment! }!.control == .preference, "\(problem.name)")
            }
            let notMOML = here.filter { $0.method != .moml }
            for method in [CourseMethod.forum, .wcmhgdNeumann] {
                guard let least = row(problem, method) else { continue }
                #expect(notMOML.allSatisfy { $0.peakVectors >= least.peakVectors }, "\(problem.name): \(method.name)'s memory")
            }
            if let forum = row(problem, .forum) { #expect(forum.hessianVector + forum.mixed == 0) }
            if let moml = row(problem, .moml) {
                if problem == .metaLearning {
                    #expect(here.allSatisfy { $0.peakVectors >= moml.peakVectors }, "meta-learning: MOML's memory")
                } else {
                    #expect(here.allSatisfy { $0.peakVectors <= moml.peakVectors }, "\(problem.name): MOML's memory")
                }
            }
            // The smallest gap: a method without a preference, or a tie at rounding level (below 1e-28).
            let smallest = here.min { $0.gap < $1.gap }!
            let bestOther = here.filter { $0.control != .preference }.map(\.gap).min()!
            #expect(smallest.control != .preference || bestOther < 1e-28, "\(problem.name): the smallest gap")
        }
        // The committed real rows: every method that applies, once (Chapter 8 ranks them by the
        // excess Chebyshev value in Chapter 10's table, not by misalignment).
        let real = rows.filter { $0.problem == .cleaningReal }.map(\.method)
        #expect(Set(real) == Set(CourseMethod.allCases.filter { $0.applies(to: .cleaningReal) }) && real.count == 7)
        // The summary's numbers: the pentagon's gaps (1e-24 against WC-MHGD's 1e-6); meta-learning's
        // small lead (MGDA 3.3e-4 against WC-MHGD (CG) 4.7e-4); the S = 2 toy's tie at rounding level;
        // stochastic WC-MHGD the best aligned in meta-learning, level with the deterministic forms.
        #expect(row(.toyS5, .mgda)!.gap < 1e-20 && row(.toyS5, .wcmhgdCG)!.gap > 1e-7)
        #expect(row(.metaLearning, .mgda)!.gap < row(.metaLearning, .wcmhgdCG)!.gap)
        #expect(rows.filter { $0.problem == .toyS2 && $0.gap < 1e-28 }.count > 1 && row(.toyS2, .wcmhgdCG)!.gap < 1e-28)
        let meta = rows.filter { $0.problem == .metaLearning }
        #expect(meta.min { $0.misalignment! < $1.misalignment! }!.method == .stochasticWCMHGD)
        // The stochastic row's gap above the deterministic WC-MHGD's on the same Φ.
        #expect(row(.finiteSumToy, .stochasticWCMHGD)!.gap > row(.toyS2, .wcmhgdCG)!.gap)
    }

    // MARK: the chapters that save rows

    @Test("--quick --timings: the comparison rows and a timings file with the same rows; the tables are those of a run without --timings",
          arguments: [("ch06", [CourseProblem.finiteSumToy]), ("ch07", [.toyS2, .toyS5]), ("ch08", [.cleaningSynthetic]),
                      ("ch09", [.metaLearning])])
    func chapterRows(chapter: String, problems: [CourseProblem]) throws {
        let timed = try ChapterRuns.shared.run(chapter, ["--quick", "--timings"]), plain = try ChapterRuns.shared.run(chapter, ["--quick"])
        let (a, b) = (timed.folder, plain.folder)
        #expect(timed.status == 0 && plain.status == 0, "stderr: \(timed.stderr)")
        #expect(try Data(contentsOf: a.appendingPathComponent("\(chapter)-tables.dat"))
                == Data(contentsOf: b.appendingPathComponent("\(chapter)-tables.dat")))
        #expect(!FileManager.default.fileExists(atPath: b.appendingPathComponent("\(chapter)-timings.dat").path))
        let rows = try ComparisonRow.rows(of: try #require(try dataBlocks(a.appendingPathComponent("\(chapter)-tables.dat"))["comparison"]))
        let timings = try TimingRow.rows(of: try #require(try dataBlocks(a.appendingPathComponent("\(chapter)-timings.dat"))["timings"]))
        #expect(timings.map { [$0.problem.rawValue, $0.method.rawValue] } == rows.map { [$0.problem.rawValue, $0.method.rawValue] })
        let expected = problems.flatMap { p in CourseMethod.allCases.filter { $0.applies(to: p) }.map { [p.rawValue, $0.rawValue] } }
        #expect(rows.map { [$0.problem.rawValue, $0.method.rawValue] }.sorted { $0.lexicographicallyPrecedes($1) } == expected)
        for problem in problems {
            let here = rows.filter { $0.problem == problem }
            #expect(here.allSatisfy { $0.gap.isFinite && $0.gap >= 0 && $0.misalignment != nil })
            // One budget per problem: no run spends more than the largest, and none less than 90 % of it
            // (a run stops when its next step would pass the budget; one step of the quick runs is up to 9 % of it).
            let budget = here.map(\.calls).max()!
            #expect(here.allSatisfy { Double($0.calls) >= 0.9 * Double(budget) }, "\(chapter) \(problem.name): calls \(here.map(\.calls))")
            if claimedAlignment.contains(problem) {
                let wc = here.first { $0.method == .wcmhgdCG }!.misalignment!
                #expect(here.filter { [.linear, .mgda].contains($0.method) }.allSatisfy { $0.misalignment! > wc })
            }
        }
    }

    // MARK: Chapter 10

    @Test("ch10 assembles every committed row, nothing retyped, and reports what is missing")
    func closingTable() throws {
        // The default run (--from figures, the committed folder), shared with the figures and book checks.
        let run = try ChapterRuns.shared.defaultRun("ch10")
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let closing = try #require(try run.blocks("ch10-tables.dat")["closing"]).records
        let saved = try SavedRows.read(from: figures, shownAs: "figures")
        let rows = saved.flatMap(\.rows)
            .sorted { ($0.problem.rawValue, $0.method.rawValue) < ($1.problem.rawValue, $1.method.rawValue) }
        let runs = saved.flatMap(\.runs)
        #expect(closing.count == rows.count)
        for (line, row) in zip(closing, rows) {
            #expect(line["problem"] == Double(row.problem.rawValue) && line["method"] == Double(row.method.rawValue))
            #expect(line["calls"] == Double(row.calls) && line["peak_vectors"] == Double(row.peakVectors))
            #expect(line["second_order"] == Double(row.hessianVector + row.mixed))
            #expect(line["misalignment"]!.isNaN ? row.misalignment == nil : line["misalignment"] == row.misalignment)
            // Seeds aggregated where the chapter saved its runs; the row's own gap otherwise.
            let mine = runs.filter { $0.problem == row.problem && $0.method == row.method }
            if mine.isEmpty {
                #expect(line["gap"] == row.gap && line["seeds"] == 1 && line["excess"]!.isNaN)
            } else {
                // The excess against the run's reference, or (none saved) against the best 𝒯_r any run
                // of the problem reached.
                let best = runs.filter { $0.problem == row.problem }.compactMap(\.chebyshev).min()
                let gaps = mine.map(\.gap).sorted()
                let excess = mine.compactMap { run in
                    run.excess ?? (run.reference == nil ? run.chebyshev.flatMap { c in best.map { c - $0 } } : nil)
                }.sorted()
                #expect(line["seeds"] == Double(mine.count) && line["gap_low"] == gaps.first && line["gap_high"] == gaps.last)
                #expect(abs(line["gap"]! - Spread(gaps).median) <= 1e-9 * Spread(gaps).median)
                if excess.count == mine.count {
                    let spread = Spread(excess)
                    for (column, value) in [("excess", spread.median), ("excess_low", spread.low), ("excess_high", spread.high)] {
                        #expect(abs(line[column]! - value) <= 1e-9 * abs(value), "\(column)")
                    }
                } else {
                    #expect(line["excess"]!.isNaN)
                }
            }
            // A row without a judgement is ranked only at rounding level (label 1), never "converged" (0).
            if mine.isEmpty { #expect(line["converged"] == (row.gap < 1e-28 ? 1 : 3)) }
        }
        // Wall times only where a current timings file gave them.
        let timed = try FileManager.default.contentsOfDirectory(atPath: figures.path).contains { $0.hasSuffix("-timings.dat") }
        if !timed { #expect(closing.allSatisfy { $0["seconds"]!.isNaN }) }
        let present = Set(rows.map(\.problem))
        if !present.contains(.cleaningReal) { #expect(run.stdout.contains("Problems with no rows: hyper-cleaning, MNIST+Fashion")) }
        #expect(run.stdout.contains("4. Reading the table"))
    }

    @Test("Chapter 10's prose quotes its default run")
    func proseQuotesTheRun() throws {
        try expectQuoted(
            "ch10",
            [
                ("the smallest misalignment, 0.159", "least 𝓜_r, any y           0.39  1.19  0.159    2.57e-03"),
                ("the best Pareto point by that measure 0.284", "least 𝓜_r in the pentagon  0.24  0.74  0.284"),
                ("below the exact optimum's 0.288", "exact optimum x*_r            -     -  0.288"),
                ("2.57e-03 and 2.24e-04 above the optimum's 0", "0.284    2.24e-04"),
                ("an exact excess of 2.87e-04 (range 2.19e-04–9.29e-04)", "2.87e-04 [2.19e-04, 9.29e-04]"),
                ("both forms of WC-MHGD end on the exact optimum (-5.55e-17, rounding)",
                 "WC-MHGD (CG) -5.55e-17 < WC-MHGD (Neumann) -5.55e-17 < MGDA 9.02e-02 < MoCo 1.30e-01"),
                ("also converged, end 9.02e-02 or more above it", "behind it beyond the spread: MGDA, MoCo, linear"),
                ("WC-MHGD (CG) is the best row with a median excess of 0.00e+00",
                 "WC-MHGD (CG) 0.00e+00 < stochastic WC-MHGD 2.87e-03 < WC-MHGD (Neumann) 3.06e-03"),
                ("ahead of linear scalarization and FORUM beyond the spread but not of its stochastic and Neumann forms",
                 "behind it beyond the spread: linear, FORUM"),
                ("ahead of linear scalarization and FORUM beyond the spread but not of its stochastic and Neumann forms",
                 "WC-MHGD (CG) ahead beyond the spread: no"),
                ("WC-MHGD (CG) ends with the smallest excess, 5.38e-06, but its gap was still falling",
                 "S=5 toy     WC-MHGD (CG)              1        5.38e-06   5.38e-06   5.38e-06  exact         NO"),
                ("only linear scalarization converged there",
                 "toy S=5 (pentagon): smallest gap linear scalarization (4.76e-32); ranked 1, left out 6"),
                ("On the $S = 2$ toy five converged methods tie at rounding",
                 "tied at rounding: MGDA, WC (CG), WC (Neu), MoCo, linear"),
                ("linear scalarization has the smallest median gap of the ranked rows, 9.22e-05, but not beyond the spread",
                 "meta-learning, 5 families: smallest gap linear scalarization (9.22e-05); ranked 5, left out 3"),
                ("linear scalarization has the smallest median gap of the ranked rows, 9.22e-05, but not beyond the spread",
                 "linear scalarization ahead beyond the spread: no"),
                ("FORUM makes no second-order call on any problem", "first-order only: FORUM"),
                ("On synthetic hyper-cleaning (five seeds, best reached) no row converged by the rule",
                 "not ranked, not converged: WC (CG), WC (Neu), FORUM, MOML, MoCo, MGDA, linear"),
                ("so the table ranks nothing there", "hyper-cleaning, synthetic: no row may be ranked (7 left out)"),
                ("WC-MHGD (Neumann) is ahead beyond the spread (5.94e-02, against MOML's 1.25e-01 and FORUM's 1.55e-01)",
                 "WC-MHGD (Neumann) 5.94e-02 < MOML 1.25e-01 < FORUM 1.55e-01"),
                ("MOML has the smallest median gap of the three converged rows, 4.77e-07",
                 "hyper-cleaning, MNIST+Fashion: smallest gap MOML (4.77e-07); ranked 3, left out 4"),
            ])
    }

    // MARK: the measures of the closing table

    @Test("On the pentagon a dominated point with a smaller misalignment than the exact Chebyshev optimum scores worse on the excess Chebyshev value")
    func pentagonExcess() throws {
        var generator = SeededGenerator(seed: CommonFlags.defaultSeed)
        let pentagon = try MOBLToy.standard(.polygon(5), using: &generator)
        let r: Vector = [0.8, 0.05, 0.05, 0.05, 0.05]
        let optimum = try pentagon.chebyshevOptimum(preference: r)
        let reference = try ChebyshevReference.exact(preference: r, optimum: optimum.values)
        func point(_ a: Double, _ b: Double) -> Vector { [a, b] + Vector(repeating: 0, count: pentagon.lowerDimension - 2) }
        // (0.39, 1.19) lies outside the pentagon (beyond the edge c_5 c_1, ‖·‖ > 1): dominated by
        // its projection onto the pentagon, nearer to every vertex.
        let outside = pentagon.objectiveValues(y: point(0.39, 1.19))
        let projection = pentagon.objectiveValues(y: pentagon.centers[0])  // the vertex c_1, the nearest point of the pentagon
        #expect(dominates(projection, outside))
        let optimumMisalignment = try misalignment(preference: r, values: optimum.values)
        #expect(try misalignment(preference: r, values: outside) < optimumMisalignment - 0.1)
        let excess = try chebyshevValue(preference: r, values: outside) - reference.value
        #expect(excess > 1e-3, "the dominated point's excess \(excess)")
        #expect(abs(try chebyshevValue(preference: r, values: optimum.values) - reference.value) == 0)
        // Through the entry the closing table reads: the same verdicts.
        func entry(_ values: Vector) -> ComparisonEntry {
            ComparisonEntry(
                problem: .toyS5, method: .mgda, preference: r, values: values, gap: 0, counts: OracleCounts(),
                peakVectors: 1, lowerDimension: 10, seconds: 0, reference: reference)
        }
        #expect(entry(outside).excessChebyshev! > entry(optimum.values).excessChebyshev!)
        #expect(entry(outside).misalignment! < entry(optimum.values).misalignment!)
    }

    @Test("The convergence rule on constructed gap trails")
    func convergenceRule() throws {
        let falling = (0..<100).map { pow(0.9, Double($0)) }  // linear rate: falls ×0.9 a step
        let floor = (0..<100).map { 1e-6 * (1 + 0.3 * sin(Double($0))) }  // a noisy floor
        let sublinear = (0..<100).map { 1 / Double($0 + 1) }  // 1/k: falls by less than 2 over the last quarter
        #expect(try Convergence.judge(gaps: falling) == .stillFalling)
        #expect(try Convergence.judge(gaps: falling, stoppedByOwnRule: true) == .ownStoppingRule)
        #expect(try Convergence.judge(gaps: floor) == .levelled)
        #expect(try Convergence.judge(gaps: sublinear) == .levelled)
        #expect(try Convergence.judge(gaps: (0..<100).map { 1e-20 * pow(1e-3, Double($0)) }) == .levelled)  // at rounding
        // Unmeasured steps (nan) are skipped; a quarter with none measured is refused, as are short trails.
        var sparse = falling.map { _ in Double.nan }
        for k in [60, 70, 80, 95] { sparse[k] = falling[k] }
        #expect(try Convergence.judge(gaps: sparse) == .stillFalling)
        sparse[60] = .nan
        sparse[70] = .nan
        #expect(throws: InvalidInput.self) { try Convergence.judge(gaps: sparse) }
        #expect(throws: InvalidInput.self) { try Convergence.judge(gaps: [1, 1, 1]) }
    }

    @Test("closingComparisonTables: $comparison as comparisonTable writes for the first seed, $comparison_runs round-trips")
    func runsRoundTrip() throws {
        let r: Vector = [0.3, 0.7]
        let reference = try ChebyshevReference(value: 0.25, kind: .exact)
        let entries = try (0..<3).map { seed in
            ComparisonEntry(
                problem: .finiteSumToy, method: .stochasticWCMHGD, preference: r, values: [0.5, 0.36 + 0.01 * Double(seed)],
                gap: 1e-6 * Double(seed + 1), counts: OracleCounts(), peakVectors: 6, lowerDimension: 10, seconds: 1,
                seed: seed, reference: reference, convergence: seed == 2 ? .stillFalling : .levelled)
        }
        let tables = closingComparisonTables(entries)
        #expect(try tables[0].dataBlock.scriptText == comparisonTable([entries[0]]).dataBlock.scriptText)
        let runs = try ComparisonRunRow.rows(of: try tables[1].dataBlock)
        #expect(runs.map(\.seed) == [0, 1, 2] && runs.map(\.convergence) == [.levelled, .levelled, .stillFalling])
        #expect(runs.allSatisfy { $0.referenceKind == .exact && $0.reference == 0.25 && $0.r1 == 0.3 })
        for (run, entry) in zip(runs, entries) {
            #expect(run.chebyshev == entry.chebyshev && run.excess == entry.excessChebyshev && run.gap == entry.gap)
            #expect(abs(run.excess! - (0.7 * entry.values[1] - 0.25)) < 1e-15)
        }
        // Assembled: three seeds, one still falling, so the row is not converged and not ranked.
        let saved = try SavedRows.read(from: try folder(with: tables), shownAs: "test")
        let line = try #require(try ClosingRow.assemble(saved, shownAs: "test").first)
        #expect(line.seeds == 3 && line.status == .notConverged && !line.status.ranked)
        #expect(line.gap == Spread([1e-6, 2e-6, 3e-6]) && abs(line.excess!.median - runs[1].excess!) < 1e-12)
    }

    @Test("The accurate reference (Chebyshev descent with exact hypergradients) meets the exact one on the S = 2 toy")
    func accurateReference() throws {
        var generator = SeededGenerator(seed: CommonFlags.defaultSeed)
        let toy = try MOBLToy.standard(.vlmop2, using: &generator)
        let r: Vector = [0.5, 0.5]
        let exact = try ChebyshevReference.exact(preference: r, optimum: try toy.chebyshevOptimum(preference: r).values)
        let accurate = try ChebyshevReference.accurate(
            toy, preference: r, from: [Vector(repeating: 0.1, count: 10)], stepSize: 0.5, maxSteps: 20000, tolerance: 1e-10)
        #expect(accurate.kind == .accurate && abs(accurate.value - exact.value) < 1e-8, "\(accurate.value) vs \(exact.value)")
    }

    @Test("ch10 reports stale timings and leaves them out")
    func staleTimings() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: figures.appendingPathComponent("ch07-tables.dat"), to: dir.appendingPathComponent("ch07-tables.dat"))
        try Data("$timings << EOD\n# problem method seconds\n0 0 1.5\nEOD\n".utf8).write(to: dir.appendingPathComponent("ch07-timings.dat"))
        let run = try runChapter("ch10", ["--from", dir.path, "--output", dir.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("ch07-tables.dat: 14 rows") && run.stdout.contains("STALE timings"))
        let closing = try #require(try dataBlocks(dir.appendingPathComponent("ch10-tables.dat"))["closing"])
        #expect(try closing.column("seconds").allSatisfy(\.isNaN))
    }

    @Test("ch10 refuses a corrupt tables file, a pair saved twice, a wrong control and an empty folder, naming the file")
    func corruptInput() throws {
        let original = try String(contentsOf: figures.appendingPathComponent("ch07-tables.dat"), encoding: .utf8)
        let lines = original.components(separatedBy: "\n")
        let firstRow = lines[try #require(lines.firstIndex(of: "$comparison << EOD")) + 2]     // after the column names
        #expect(firstRow.hasPrefix("0 0 0 "))
        let cases: [(files: [String: String], says: String)] = [
            (["ch07-tables.dat": "$comparison << EOD\n# problem method\n0 x\nEOD\n"], "ch07-tables.dat"),
            (["ch07-tables.dat": original.replacingOccurrences(of: firstRow, with: firstRow + "\n" + firstRow)], "already saved"),
            (["ch07-tables.dat": original.replacingOccurrences(of: firstRow, with: "0 0 2 " + firstRow.dropFirst(6))], "control"),
            (["ch07-tables.dat": original, "ch07-timings.dat": "$timings << EOD\n# problem method seconds\n0 9 1\nEOD\n"], "ch07-timings.dat"),
            ([:], "no chNN-tables.dat"),
        ]
        for (files, says) in cases {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
            let output = dir.appendingPathComponent("out")
            let run = try runChapter("ch10", ["--from", dir.path, "--output", output.path])
            #expect(run.status != 0)
            #expect(run.stderr.contains(says), "expected '\(says)' in: \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("ch10-tables.dat").path))
        }
    }

    @Test("ch10 bad flags: a missing folder, a file, an empty name")
    func badFlags() throws {
        try expectRefused("ch10", [["--from", "/nonexistent/figures"], ["--from", packageRoot.appendingPathComponent("README.md").path],
                                   ["--from", ""]])
    }
}
