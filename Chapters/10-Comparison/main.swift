/*:
 # Chapter 10 — Choosing a method

 Eight algorithms, six problems: by now the course has more methods than a reader can
 hold in mind at once, and each chapter measured them on its own terms. So Chapters 6
 to 9 each have a section "for the closing comparison" that records their runs in one
 shape — the same measures, on one budget of oracle calls per problem, against one
 stated preference — saved beside their other tables. This chapter runs nothing. It
 reads those saved rows back, puts them into one table, and reads the table the way a
 researcher choosing a method would. You will learn

 - what each measure of the table says, and which of them can be compared across
   problems (memory in vectors; misalignment, where the preference's ray meets the
   front) and which only within one (gap, calls);
 - what every method bought on every problem where it was run, side by side;
 - which method to choose when — and how strong the evidence for each piece of advice is.

 Builds on Chapter 5 (WC-MHGD, linear scalarization and MGDA on the same
 hypergradients), Chapter 6 (stochastic WC-MHGD), Chapter 7 (FORUM, MOML, MoCo, and the
 rows of both toys), Chapter 8 (hyper-cleaning, synthetic and, from a run with data,
 real) and Chapter 9 (meta-learning). Run it with `swift run -c release ch10` after
 `make figures`: it reads the chapters' `figures/chNN-tables.dat` (another folder with
 `--from DIR`), and the wall times in `figures/chNN-timings.dat` that `make timings` writes.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter10Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    //: The command-line flags (declared in `Flags.swift`; `ch10 --help` lists them) are in `flags`.
    let folder = URL(fileURLWithPath: flags.from, isDirectory: true)
    say("Chapter 10 — Choosing a method")
    say("seed \(flags.common.seed) (nothing here is random); the chapters' tables are read from \(flags.from)/")

    /*:
     ## 1. The measures

     Every row is one method's run on one problem, recorded as a `ComparisonEntry`
     (Sources/ChapterSupport/Comparison.swift) and saved by its chapter as the datablock
     `comparison`. Its columns:

     - **preference control**: "yes" for a method that takes a Chebyshev preference r
       (WC-MHGD in all its forms: any point of the front can be asked for), "weights only"
       for linear scalarization (it takes r as weights, and reaches only the convex hull of
       the front), "no" for FORUM, MOML, MoCo and MGDA (they stop at whichever Pareto
       stationary point their dynamics reach).
     - **misalignment**, the distance of the end point from the ray of the problem's stated
       preference r,

           (max_s r_sΦ_s − min_s r_sΦ_s) / max_s r_sΦ_s    ∈ [0, 1],

       0 on the ray. The chapters measure it for every method, including those not told r
       (that is the question a user with a preference asks of them); a row saved without
       it would show "-". It is a ratio, so it can
       be compared across problems — with one caveat: where the front does not meet the ray,
       even the best end point has a misalignment above 0. On the S = 5 pentagon of
       Chapter 7 the exact Chebyshev optimum's misalignment is printed there; in
       meta-learning (Chapter 9) r = (0.8, 0.05, …) asks the four other families for 16
       times the favoured family's loss, their losses stay below that at every method's
       end point, and every misalignment there is large. Compare those columns within
       the problem.
     - **final gap**, min_{λ∈Δ} ‖Σ_s λ_s ∇Φ_s(x_K)‖² at the end point, with exact
       hypergradients where the problem knows y*(x) (the toys, meta-learning), and with
       tight solves the methods never see where it does not (hyper-cleaning: W*(x_K) to
       ‖∇_W g‖ ≤ 1e-10, CG to a relative residual of 1e-12). Its scale is the problem's: compare it within a
       problem, never across.
     - **oracle calls**: gradients ∇f and ∇g, Hessian-vector products ∇²_yy g·v and mixed
       products ∇²_xy g·v, each counting one; the second-order ones are also shown apart.
       Stochastic WC-MHGD's lower-level calls are mini-batch calls: on the finite-sum toy
       each touches b of the N samples, in meta-learning half the tasks.
     - **peak memory**: the most length-p vectors (p = the lower-level dimension) a step
       holds at once, the same rule for every method, and the same in KiB (8 bytes a number).
     - **wall time** of the run, in seconds, when `make timings` has written the chapters'
       `chNN-timings.dat`; "-" otherwise. It is the one measure that is not deterministic:
       it depends on the machine, on what else ran beside it, and it includes whatever the
       chapter's observer measured along the run (Chapter 6's observer computes the exact gap
       at every step). Read it as an order of magnitude.

     The reader below takes every `chNN-tables.dat` of the folder that holds a `comparison`
     datablock (`ch08-real-tables.dat` among them: the rows of Chapter 8's run on real
     data), and the timings file beside each. A file it cannot parse, a row whose labels
     are out of range or whose counts are not whole numbers, a (problem, method) pair
     saved twice: each stops the chapter with a message naming the file. Timings whose rows do not match their
     chapter's comparison rows one for one are stale: they are reported, and not used.
     */
    /// One chapter's saved rows: the file, its comparison rows, and its wall times (nil when
    /// it has no timings file, or when that file's rows are not the comparison's rows).
    struct SavedRows {
        let file: String
        let rows: [ComparisonRow]
        let timings: [TimingRow]?
        /// Whether a timings file was there but did not match the rows.
        let staleTimings: Bool
        /// The timings file's `# Machine:` line (what they were measured on), if any.
        let machine: String?
    }

    /// Parses the datablock `name` of a file of the folder, or stops with a message naming the file.
    func block(_ name: String, in file: String) -> DataBlock? {
        do {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            return try readDataBlocks(fromScript: text)[name]
        } catch {
            fail("\(flags.from)/\(file) cannot be read: \(error)")
        }
    }

    /// Every chapter's saved rows, in file order.
    func readSavedRows() -> [SavedRows] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() } catch {
            fail("--from \(flags.from) cannot be listed: \(error)")
        }
        let tableFiles = names.filter {
            $0.range(of: #"^ch[0-9]{2}(-[a-z]+)?-tables\.dat$"#, options: .regularExpression) != nil
        }
        .filter { !$0.hasPrefix("ch10-") }
        var result: [SavedRows] = []
        for file in tableFiles {
            guard let comparison = block("comparison", in: file) else { continue }
            let rows: [ComparisonRow]
            do { rows = try ComparisonRow.rows(of: comparison) } catch {
                fail("\(flags.from)/\(file), $comparison: \(error)")
            }
            let timingsFile = file.replacingOccurrences(of: "-tables.dat", with: "-timings.dat")
            var timings: [TimingRow]? = nil
            var machine: String? = nil
            if names.contains(timingsFile) {
                let text = (try? String(contentsOf: folder.appendingPathComponent(timingsFile), encoding: .utf8)) ?? ""
                machine = text.split(separator: "\n").first { $0.hasPrefix("# Machine: ") }.map {
                    String($0.dropFirst("# Machine: ".count))
                }
                guard let saved = block("timings", in: timingsFile) else {
                    fail("\(flags.from)/\(timingsFile) has no $timings datablock")
                }
                do { timings = try TimingRow.rows(of: saved) } catch {
                    fail("\(flags.from)/\(timingsFile), $timings: \(error)")
                }
            }
            let matches = timings.map { t in
                t.map { [$0.problem.rawValue, $0.method.rawValue] }
                    == rows.map { [$0.problem.rawValue, $0.method.rawValue] }
            }
            result.append(
                SavedRows(
                    file: file, rows: rows, timings: matches == true ? timings : nil, staleTimings: matches == false,
                    machine: machine))
        }
        return result
    }

    let saved = readSavedRows()
    section("1. What the folder holds")
    if saved.isEmpty {
        fail("--from \(flags.from) holds no chNN-tables.dat with a comparison datablock: run make figures first")
    }
    for file in saved {
        say(
            "\(file.file): \(file.rows.count) row\(file.rows.count == 1 ? "" : "s"), "
                + (file.timings != nil
                    ? "wall times from \(file.file.replacingOccurrences(of: "-tables", with: "-timings"))"
                        + (file.machine.map { ", measured on \($0)" } ?? "")
                    : file.staleTimings
                        ? "STALE timings (their rows are not the comparison's rows: run make timings), not used"
                        : "no wall times (run make timings)"))
    }

    /*:
     ## 2. One table

     Every saved row, one line per (problem, method), problems in the course's order and
     methods in a fixed order (the three forms of WC-MHGD, then FORUM, MOML, MoCo, MGDA,
     linear scalarization). A row's control must be its method's, and no pair may appear
     twice. The r₁ column is the first entry of each problem's stated preference: r =
     (r₁, 1 − r₁) on the S = 2 problems, r = (0.8, 0.05, 0.05, 0.05, 0.05) on the
     pentagon and in meta-learning. The table is saved as the
     datablock `closing` of `ch10-tables.dat`.
     */
    struct Measured {
        let row: ComparisonRow
        let seconds: Double?
        var secondOrder: Int { row.hessianVector + row.mixed }
    }
    var measured: [Measured] = []
    for file in saved {
        for (i, row) in file.rows.enumerated() {
            if row.control != row.method.preferenceControl {
                fail(
                    "\(flags.from)/\(file.file): the row \(row.problem.name), \(row.method.name) says control '\(row.control.name)', "
                        + "but the method's is '\(row.method.preferenceControl.name)'")
            }
            if measured.contains(where: { $0.row.problem == row.problem && $0.row.method == row.method }) {
                fail(
                    "\(flags.from)/\(file.file): the pair \(row.problem.name), \(row.method.name) was already saved by another row"
                )
            }
            measured.append(Measured(row: row, seconds: file.timings?[i].seconds))
        }
    }
    measured.sort {
        ($0.row.problem.rawValue, $0.row.method.rawValue) < ($1.row.problem.rawValue, $1.row.method.rawValue)
    }

    // weave: begin-hide
    var closing = Table(
        "closing",
        [
            .init("problem", format: .label(CourseProblem.allCases.map(\.name))),
            .init("method", format: .label(CourseMethod.allCases.map(\.name))),
            .init("control", "preference", format: .label(PreferenceControl.allCases.map(\.name))),
            .init("r1", "r_1", format: .fixed(2), missing: "-"),
            .init("misalignment", format: .scientific(2), missing: "-"),
            .init("gap", "final gap", format: .scientific(2)),
            .init("calls", "oracle calls", format: .integer),
            .init("second_order", "of them ∇²g·v, ∇²_xy g·v", format: .integer),
            .init("peak_vectors", "peak p-vectors", format: .integer),
            .init("memory_kib", "KiB", format: .fixed(1)),
            .init("seconds", "wall s", format: .fixed(3), missing: "-"),
        ])
    // weave: end
    for m in measured {
        closing.append([
            "problem": Double(m.row.problem.rawValue), "method": Double(m.row.method.rawValue),
            "control": Double(m.row.control.rawValue), "r1": m.row.r1, "misalignment": m.row.misalignment,
            "gap": m.row.gap,
            "calls": Double(m.row.calls), "second_order": Double(m.secondOrder),
            "peak_vectors": Double(m.row.peakVectors),
            "memory_kib": m.row.memoryKiB, "seconds": m.seconds,
        ])
    }
    section("2. Every method on every problem, as the chapters measured them")
    show(closing)

    /*:
     What the table does not hold: a problem with no rows at all, and a method that applies
     to a problem (`CourseMethod.applies(to:)`: stochastic WC-MHGD needs a finite-sum lower
     level — the finite-sum toy, whose full batch is the S = 2 toy, and meta-learning, a sum
     over tasks; the deterministic methods apply everywhere but the finite-sum toy) but has
     no row there.
     */
    /// The row of `method` on `problem`, if it was measured.
    func row(_ problem: CourseProblem, _ method: CourseMethod) -> Measured? {
        measured.first { $0.row.problem == problem && $0.row.method == method }
    }
    let problems = CourseProblem.allCases.filter { p in measured.contains { $0.row.problem == p } }
    let absentProblems = CourseProblem.allCases.filter { !problems.contains($0) }
    let absentPairs = problems.flatMap { p in
        CourseMethod.allCases.filter { method in method.applies(to: p) && row(p, method) == nil }
            .map { (problem: p, method: $0) }
    }
    /// Which chapter's run would add a missing problem's rows.
    func origin(_ problem: CourseProblem) -> String {
        switch problem {
        case .toyS2, .toyS5: return "Chapter 7 saves them"
        case .finiteSumToy: return "Chapter 6 saves it"
        case .cleaningSynthetic: return "Chapter 8 saves them"
        case .cleaningReal: return "Chapter 8 saves them in ch08-real-tables.dat when run on real data, --data DIR"
        case .metaLearning: return "Chapter 9 saves them"
        }
    }
    say(
        absentProblems.isEmpty
            ? "Every problem of the course has rows."
            : "Problems with no rows: " + absentProblems.map { "\($0.name) (\(origin($0)))" }.joined(separator: "; ")
                + ".")
    say(
        absentPairs.isEmpty
            ? "Every method that applies to a problem with rows has its row there."
            : "Missing: " + absentPairs.map { "\($0.method.name) on \($0.problem.name)" }.joined(separator: ", ") + ".")

    /*:
     ## 3. Two pictures of the table

     `ch10-gap-calls`: every row's final gap against its oracle calls, one colour and point
     shape per method, on log axes. Each problem's budget sits at its own place on the
     x-axis, so the points form one cluster per problem — from the left, real
     hyper-cleaning (about 1350 calls), synthetic hyper-cleaning (2250), meta-learning
     (3200), the finite-sum toy (46 000 mini-batch calls), the pentagon (195 000) and the
     S = 2 toy (390 000); within a cluster, lower is closer to Pareto stationarity. `ch10-alignment`: every row's misalignment, one column of points
     per problem (sum toy: the finite-sum toy; clean syn and clean real: hyper-cleaning on
     synthetic and real data; meta: meta-learning), the methods side by side within it, on
     a log axis. A method told the preference should sit at the bottom of its column; the
     one column where it does not, real hyper-cleaning, is read in Section 4. (A gap or
     misalignment of exactly 0 would be drawn at 1e-40 or 1e-17, the floors of the log
     axes.)
     */
    let shownMethods = CourseMethod.allCases.filter { method in measured.contains { $0.row.method == method } }
    let gapFloor = 1e-40, misalignmentFloor = 1e-17
    /// The rows of one method, in problem order.
    func rows(of method: CourseMethod) -> [Measured] { measured.filter { $0.row.method == method } }

    /// Each method's points in its own colour and point type, whichever methods are shown.
    func methodCurves(_ column: String, data: DataBlock, x: String) -> [Curve] {
        shownMethods.enumerated().map { i, method in
            Curve(
                column, method.name, .points, data: data, x: x, index: i, color: Figure.palette[method.rawValue],
                point: [7, 5, 9, 11, 13, 4, 6, 8][method.rawValue], pointSize: 1.5)
        }
    }

    // weave: begin-hide
    func gapFigure() throws -> Figure {
        let block = try DataBlock(
            "gap_calls", columns: ["problem", "method", "calls", "gap"],
            groups: shownMethods.map { method in
                rows(of: method).map {
                    [
                        Double($0.row.problem.rawValue), Double(method.rawValue), Double($0.row.calls),
                        max($0.row.gap, gapFloor),
                    ]
                }
            })
        return try Figure.curves(
            "ch10-gap-calls", title: "Final stationarity gap against oracle calls, every method on every problem",
            x: "oracle calls (∇f, ∇g, ∇²_{yy}g·v, ∇²_{xy}g·v)", y: "final gap min_λ ‖Σ λ_s ∇Φ_s(x_K)‖²", log: .both,
            key: "outside right top",
            comment: "Chapter 10 — Choosing a method: the chapters' saved comparison rows; one data set per method "
                + "(index as in the key); columns problem and method are the labels of CourseProblem and CourseMethod (0-based).",
            against: "calls", methodCurves("gap", data: block, x: "calls"))
    }
    // weave: end

    /// A problem's name short enough for an axis label.
    func shortName(_ problem: CourseProblem) -> String {
        ["S=2 toy", "S=5 toy", "sum toy", "clean syn", "clean real", "meta"][problem.rawValue]
    }

    // weave: begin-hide
    func alignmentFigure() throws -> Figure {
        let smallest =
            measured.compactMap(\.row.misalignment).map { max($0, misalignmentFloor) }.min() ?? misalignmentFloor
        let block = try DataBlock(
            "alignment", columns: ["x", "problem", "method", "misalignment"],
            groups: shownMethods.map { method in
                rows(of: method).compactMap { m in
                    m.row.misalignment.map {
                        let problem = Double(m.row.problem.rawValue)
                        return [
                            problem + 0.05 * (Double(method.rawValue) - 3.5), problem, Double(method.rawValue),
                            max($0, misalignmentFloor),
                        ]
                    }
                }
            })
        var figure = try Figure.curves(
            "ch10-alignment", title: "Misalignment from the stated preference's ray, per problem", x: "problem",
            y: "(max_s r_sΦ_s − min_s r_sΦ_s) / max_s r_sΦ_s", log: .y, key: "outside right top",
            comment:
                "Chapter 10 — Choosing a method: x = problem label + a small offset per method (so the points do not overlap).",
            against: "x", methodCurves("misalignment", data: block, x: "x"),
            xRange: Double(problems.first!.rawValue) - 0.5...Double(problems.last!.rawValue) + 0.5,
            yRange: smallest / 3...3)
        (figure.xTics, figure.xTicLabels) = (problems.map { Double($0.rawValue) }, problems.map(shortName))
        return figure
    }
    // weave: end

    /*:
     ## 4. Reading the table

     Five questions a researcher brings to the table, each answered below from its
     numbers alone.

     **I need a particular trade-off.** Then the method must take a preference, and its end
     point must land where the preference says. For every problem: the method with the
     smallest misalignment, and where the preference-taking methods and linear scalarization
     (told the same r, as weights) stand.
     */
    func misalignmentText(_ m: Measured?) -> String { m?.row.misalignment.map { sci($0) } ?? "-" }

    section("4. Reading the table")
    var preferenceWins: [CourseProblem] = []
    for problem in problems {
        let aligned = measured.filter { $0.row.problem == problem && $0.row.misalignment != nil }
        guard let best = aligned.min(by: { $0.row.misalignment! < $1.row.misalignment! }) else { continue }
        if best.row.control == .preference { preferenceWins.append(problem) }
        let others = aligned.filter { $0.row.control != .preference }
        let closestOther = others.min { $0.row.misalignment! < $1.row.misalignment! }
        say(
            "\(problem.name): best aligned \(best.row.method.name) (\(misalignmentText(best)))"
                + (closestOther.map {
                    "; closest method without a preference: \($0.row.method.name) (\(misalignmentText($0)))"
                } ?? "")
                + "; linear scalarization \(misalignmentText(row(problem, .linear))), MGDA \(misalignmentText(row(problem, .mgda)))."
        )
    }
    let comparable = problems.filter { p in
        measured.contains { $0.row.problem == p && $0.row.control != .preference && $0.row.misalignment != nil }
    }
    say(
        "A preference-taking method (WC-MHGD) is the best aligned on \(preferenceWins.filter { comparable.contains($0) }.count) of the "
            + "\(comparable.count) problems where methods without a preference were measured beside it"
            + (comparable.allSatisfy(preferenceWins.contains)
                ? "."
                : "; not on " + comparable.filter { !preferenceWins.contains($0) }.map(\.name).joined(separator: ", ")
                    + "."))

    /*:
     **I cannot afford Hessian-vector products, or memory is tight.** Count the second-order
     calls, and rank the peak memory within each problem.
     */
    for problem in problems {
        let here = measured.filter { $0.row.problem == problem }
        guard here.count > 1 else { continue }
        let leastMemory = here.map(\.row.peakVectors).min()!, mostMemory = here.map(\.row.peakVectors).max()!
        let firstOrder = here.filter { $0.secondOrder == 0 }.map(\.row.method.name)
        say(
            "\(problem.name): peak memory \(leastMemory)–\(mostMemory) p-vectors "
                + "(least: \(here.filter { $0.row.peakVectors == leastMemory }.map(\.row.method.name).joined(separator: ", ")); "
                + "most: \(here.filter { $0.row.peakVectors == mostMemory }.map(\.row.method.name).joined(separator: ", "))); "
                + "no second-order call: \(firstOrder.isEmpty ? "none" : firstOrder.joined(separator: ", ")).")
    }
    let forumRows = rows(of: .forum)
    let forumLeast = forumRows.filter { f in
        measured.filter { $0.row.problem == f.row.problem }.allSatisfy { $0.row.peakVectors >= f.row.peakVectors }
    }
    say(
        forumRows.isEmpty
            ? "FORUM has no rows."
            : "FORUM made \(forumRows.allSatisfy { $0.secondOrder == 0 } ? "no" : "SOME") second-order calls on the \(forumRows.count) problems it ran on, "
                + "and holds the least memory (ties included) on \(forumLeast.count) of them.")

    /*:
     **Any Pareto-stationary point will do; which method gets closest on the budget?** The
     smallest final gap per problem. The budget was the same for every method of a problem,
     so this compares what a fixed number of oracle calls bought. A gap below 1e-28 (a
     combined hypergradient below 1e-14) is rounding: runs that reach it are all at the
     floor of double precision, and their order among themselves means nothing.
     */
    let roundingGap = 1e-28
    for problem in problems {
        let here = measured.filter { $0.row.problem == problem }
        guard here.count > 1 else { continue }
        let sorted = here.sorted { $0.row.gap < $1.row.gap }
        let atRounding = sorted.filter { $0.row.gap < roundingGap }.map(\.row.method.name)
        say(
            "\(problem.name): smallest gap \(sorted.first!.row.method.name) (\(sci(sorted.first!.row.gap))), "
                + "largest \(sorted.last!.row.method.name) (\(sci(sorted.last!.row.gap)))"
                + (atRounding.count > 1
                    ? "; at rounding level (below 1e-28): \(atRounding.joined(separator: ", "))." : "."))
    }

    /*:
     **How long does it take?** The wall times, where the chapters' timings were written,
     and the fastest and slowest method of each problem on its budget. Runs that made
     exactly the same oracle calls did the same oracle work, so the spread of their times is
     what the rest costs — the weighting problem of each step, bookkeeping — plus the noise
     of the measurement: a difference smaller than that spread says nothing about the oracles.
     */
    for problem in problems {
        let timed = measured.filter { $0.row.problem == problem && $0.seconds != nil }
        guard let fastest = timed.min(by: { $0.seconds! < $1.seconds! }),
            let slowest = timed.max(by: { $0.seconds! < $1.seconds! })
        else {
            say("\(problem.name): no wall times (run make timings).")
            continue
        }
        // The runs that made exactly the same oracle calls: how far apart their times are is the noise of the measure.
        let twins = Dictionary(grouping: timed) { $0.row.calls }.values.filter { $0.count > 1 }.max {
            $0.count < $1.count
        }
        let noise =
            twins.map { group in
                let times = group.map { $0.seconds! }
                return
                    "; \(group.count) methods with identical calls (\(group[0].row.calls)) took \(fixed(times.min()!, 3))–\(fixed(times.max()!, 3)) s, "
                    + "a factor \(fixed(times.max()! / times.min()!, 1)) for the same oracle work"
            } ?? ""
        say(
            "\(problem.name): "
                + (timed.count == 1
                    ? "\(fastest.row.method.name) \(fixed(fastest.seconds!, 3)) s."
                    : "fastest \(fastest.row.method.name) (\(fixed(fastest.seconds!, 3)) s), slowest \(slowest.row.method.name) (\(fixed(slowest.seconds!, 3)) s), "
                        + "a factor \(fixed(slowest.seconds! / fastest.seconds!, 1))" + noise + "."))
    }

    /*:
     **The lower level is a large finite sum.** Then a full oracle call is expensive, and
     stochastic WC-MHGD's lower-level calls each touch a mini-batch of the samples. It has
     two rows. On the finite-sum toy, whose full batch is the S = 2 toy, it is Chapter 6's
     best mini-batch run: the same Φ as the S = 2 toy's rows, but another start, another
     stated preference (the r₁ column) and another budget, so setting it beside the
     deterministic WC-MHGD there is only a rough comparison — Chapter 6 measures the
     noise floor of its gap directly. In meta-learning its calls touch half the tasks,
     the others' all of them, on the same budget of calls (Chapter 9, Section 6).
     */
    if let stochastic = row(.finiteSumToy, .stochasticWCMHGD), let full = row(.toyS2, .wcmhgdCG) {
        say(
            "stochastic WC-MHGD on the finite-sum toy: misalignment \(misalignmentText(stochastic)), gap \(sci(stochastic.row.gap)) "
                + "after \(stochastic.row.calls) mini-batch calls; deterministic WC-MHGD (CG) on the S = 2 toy: misalignment "
                + "\(misalignmentText(full)), gap \(sci(full.row.gap)) after \(full.row.calls) full calls"
                + (stochastic.row.gap > full.row.gap
                    ? " — the stochastic gap is the larger."
                    : " — the stochastic gap is not the larger here."))
    } else {
        say("The finite-sum toy's stochastic row or the S = 2 toy's WC-MHGD row is missing: no comparison of the two.")
    }

    section("5. Figures")
    // weave: begin-hide
    save(figures: [try gapFigure(), try alignmentFigure()], tables: [closing], flags: flags.common)
    // weave: end

    /*:
     ## Summary

     What the course's table says about its six problems, read as advice (Section 4
     computes each point from the rows, for every problem with rows; the tests check these
     against the saved tables):

     - **You need a particular trade-off → WC-MHGD.** On the toys, synthetic
       hyper-cleaning and meta-learning, a preference-taking WC-MHGD ends closest to the
       preference's ray. Linear scalarization, given the same r as weights, is no
       substitute: on the concave S = 2 front it ends near an end of the front
       (misalignment near 1), and on the other problems WC-MHGD (CG) is better aligned too.
       The exception is real hyper-cleaning with the balanced r = (½, ½): there FORUM,
       not told r, ends closest (0.062), with both forms of WC-MHGD next (0.08–0.10):
       a balanced preference may lie where a method's own dynamics go anyway. Only a
       preference-taking method follows one that does not — Chapter 8's sweep over r_A
       shows WC-MHGD doing so.
     - **No Hessian-vector products → FORUM**, the one method that makes no second-order
       call anywhere. **Tight memory → FORUM, or WC-MHGD with the Neumann solver**: of the
       methods whose memory does not grow with the inner steps they hold the fewest
       vectors on every problem (Neumann keeps no CG vectors). MOML stores its unrolled
       inner iterates, so its memory grows with them: it holds the most wherever its inner
       loop is long (the toys and hyper-cleaning), and the fewest in meta-learning, where
       D = 4. FORUM pays in preference control: it ends wherever its dynamics go.
     - **Any Pareto-stationary point will do → a method without a preference.** On every
       problem with more than one row the smallest gap on the budget belongs to a method
       that takes no preference or only weights (MGDA, MoCo, linear scalarization). On the
       S = 2 toy that is a tie at rounding level, WC-MHGD among those at the floor; on the
       others it is a real lead — on the pentagon 1e-24 against WC-MHGD's 1e-6, in
       meta-learning a small one (3.3e-4 against 4.7e-4). A plausible reason, not measured
       here: MGDA's step is the min-norm combination, the very quantity the gap measures,
       while WC-MHGD must travel along the front to the point asked for. (The gap is a
       measure within one problem, not across them.)
     - **A large finite-sum lower level → stochastic WC-MHGD**, which keeps the preference
       but stops on a noise floor set by its batch (Chapter 6). In meta-learning, on the
       same budget of calls with half the tasks per lower-level call, it is the best
       aligned and ends level with the deterministic forms on the meta-training
       Chebyshev value (Chapter 9).
     - **Wall time** is a property of the machine as much as of the method: `make timings`
       measures it, and the table reads it as an order of magnitude.

     What is missing is stated in Section 2: with the committed tables, nothing — every
     method that applies to a problem has its row there. The real hyper-cleaning rows
     come from one seed at T = 16 (Chapter 8 says how to regenerate them); the other rows
     come from the chapters' default runs.

     ## Exercises

     1. Run `make timings`, then `swift run -c release ch10`. Which method is fastest on each
        problem, and does the order agree with the oracle calls? Why may it not (think of
        what one call costs for each method)?
     2. Run `swift run -c release ch07 --cg-steps 2 --output /tmp/f` and copy the other
        chapters' tables beside it
        (`cp figures/ch0[689]-tables.dat figures/ch08-real-tables.dat /tmp/f`), then
        `swift run -c release ch10 --from /tmp/f --output /tmp/f`. How do WC-MHGD's gap and
        misalignment on the toys change with fewer CG steps?
     3. Remove the row of WC-MHGD (Neumann) from a copy of `ch08-tables.dat` and run ch10 on
        that folder. What does the chapter report, and what would a test of the course say?
     4. The S = 5 pentagon's best misalignment is far above 0. Is WC-MHGD failing there?
        (Hint: Chapter 7, Section 7, prints the exact Chebyshev optimum's misalignment.)

     Worked solutions: `book/solutions/10.md`.
     */
} catch { fail("\(error)") }  // weave: hide
