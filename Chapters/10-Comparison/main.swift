/*:
 # Chapter 10 — Choosing a method

 Eight algorithms, six problems: by now the course has more methods than a reader can
 hold in mind at once, and each chapter measured them on its own terms. Chapters 6 to 9
 therefore each record their runs in one shape — the same measures, one budget of oracle
 calls per problem, one stated preference — and save them beside their other tables.
 This chapter runs no method. It reads those rows back, puts them into one table, and
 reads the table the way a researcher choosing a method would. You will learn

 - which measure answers "did the run give me the trade-off I asked for" — the excess
   Chebyshev value — and why the misalignment used until now cannot (§1);
 - when a row may be ranked at all: the run must have converged on its budget, by a
   stated rule, and a difference counts only where it exceeds the spread over seeds (§1, §3);
 - which method to choose when, and which rows each piece of advice rests on (§4).

 Builds on Chapter 5 (WC-MHGD, linear scalarization and MGDA), Chapter 6 (stochastic
 WC-MHGD), Chapter 7 (FORUM, MOML, MoCo, and the rows of both toys), Chapter 8
 (hyper-cleaning, synthetic and real) and Chapter 9 (meta-learning). Run it with
 `swift run -c release ch10` after `make figures`: it reads the chapters'
 `figures/chNN-tables.dat` (another folder with `--from DIR`) and the wall times in
 `figures/chNN-timings.dat` that `make timings` writes.
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

     A preference $r \in \Delta_S$ asks for one point of the front: the minimizer $x^*_r$ of
     the weighted Chebyshev value (Chapter 5, with the reference point $z = 0$)

     $$
     \mathcal{T}_r(x) = \max_s r_s \Phi_s(x), \qquad \mathcal{T}^*_r = \min_x \mathcal{T}_r(x).
     \tag{10.1}
     $$

     So the measure of how well a run honoured $r$ is what the preference itself scores,
     the **excess Chebyshev value** $\mathcal{T}_r(x_K) - \mathcal{T}^*_r \ge 0$: zero at
     the optimum, and larger for every other point. Where the problem knows $x^*_r$ the
     reference $\mathcal{T}^*_r$ is exact (the toys: Chapter 5's bisection); elsewhere
     (hyper-cleaning, and meta-learning, where each draw of the tasks is its own problem) it
     is the smallest $\mathcal{T}_r(x_K)$ any row of the problem reached on the same data,
     and the table says "best reached": there the excess says how far a row ended behind the
     best row, not how far from the optimum.

     Beside it stands the **stationarity gap**
     $\mathcal{G}(x_K) = \min_{\lambda \in \Delta_S} \lVert \sum_s \lambda_s \nabla\Phi_s(x_K) \rVert^2$,
     with exact (or tightly solved) hypergradients. Where $\mathcal{T}^*_r$ is only the best
     value reached, a small excess says "no worse than the others", and a large gap then says
     the point is not Pareto stationary: the pair, not one number, is the verdict. Compare
     both within a problem, never across problems.

     Until now the chapters also measured the **misalignment**
     $\mathcal{M}_r = (\max_s r_s\Phi_s - \min_s r_s\Phi_s) / \max_s r_s\Phi_s$, the
     distance from the ray $r_1\Phi_1 = \dots = r_S\Phi_S$. It rewards the wrong point
     wherever the ray misses the front, and the pentagon of Chapter 7 shows how. Its front
     is the image of the pentagon with vertices $c_s$ (where $\Phi_s = 0$); any point outside
     the pentagon is dominated by its projection onto it, which is nearer to every vertex.
     We search a grid of lower-level points $y = (a, b, 0, \dots, 0)$ for the smallest
     $\mathcal{M}_r$, once over all of them and once over the pentagon alone, with the
     pentagon's preference $r = (0.8, 0.05, 0.05, 0.05, 0.05)$:
     */
    var generator = flags.common.generator()
    let pentagon = try MOBLToy.standard(.polygon(5), using: &generator)
    let rPentagon: Vector = [0.8, 0.05, 0.05, 0.05, 0.05]
    let optimum = try pentagon.chebyshevOptimum(preference: rPentagon).values
    let exactReference = try ChebyshevReference.exact(preference: rPentagon, optimum: optimum)
    /// Φ at y = (a, b, 0, …, 0), and whether (a, b) lies in the pentagon (left of every edge).
    func values(_ a: Double, _ b: Double) -> Vector {
        pentagon.objectiveValues(y: [a, b] + Vector(repeating: 0, count: pentagon.lowerDimension - 2))
    }
    func inPentagon(_ a: Double, _ b: Double) -> Bool {
        (0..<5).allSatisfy { k in
            let (c, d) = (pentagon.centers[k], pentagon.centers[(k + 1) % 5])
            let edge: (x: Double, y: Double) = (d[0] - c[0], d[1] - c[1])
            let to: (x: Double, y: Double) = (a - c[0], b - c[1])
            return edge.x * to.y >= edge.y * to.x
        }
    }
    let steps: [Double] = (0...400).map { -2 + 0.01 * Double($0) }
    let grid: [(a: Double, b: Double)] = steps.flatMap { a in steps.map { b in (a: a, b: b) } }
    func mis(_ p: (a: Double, b: Double)) -> Double {
        try! misalignment(preference: rPentagon, values: values(p.a, p.b))
    }
    let anyPoint = grid.min { mis($0) < mis($1) }!
    let paretoPoint = grid.filter { inPentagon($0.a, $0.b) }.min { mis($0) < mis($1) }!
    // weave: begin-hide
    var pentagonTable = Table(
        "pentagon",
        [
            .init("point", format: .label(["least 𝓜_r, any y", "least 𝓜_r in the pentagon", "exact optimum x*_r"])),
            .init("a", "y₁", format: .fixed(2), missing: "-"), .init("b", "y₂", format: .fixed(2), missing: "-"),
            .init("misalignment", "𝓜_r", format: .fixed(3)),
            .init("excess", "𝒯_r − 𝒯*_r", format: .scientific(2)),
        ])
    for (i, point) in [anyPoint, paretoPoint].enumerated() {
        let f = values(point.a, point.b)
        pentagonTable.append([
            "point": Double(i), "a": point.a, "b": point.b, "misalignment": mis(point),
            "excess": try chebyshevValue(preference: rPentagon, values: f) - exactReference.value,
        ])
    }
    pentagonTable.append([
        "point": 2, "a": nil, "b": nil, "misalignment": try misalignment(preference: rPentagon, values: optimum),
        "excess": 0,
    ])
    section("1. The pentagon, r = (0.8, 0.05, 0.05, 0.05, 0.05): misalignment against the excess Chebyshev value")
    show(pentagonTable)
    say("𝒯*_r = \(sci(exactReference.value, 4)) (exact)")
    // weave: end

    /*:
     The dominated point outside the pentagon has the smallest misalignment, 0.159, and
     the best Pareto point by that measure 0.284 — both below the exact optimum's 0.288. A
     method that stopped at either would "beat" the optimum on $\mathcal{M}_r$, while the
     excess Chebyshev value ranks them correctly: 2.57e-03 and 2.24e-04 above the optimum's 0.
     (Chapter 7's Exercise on the pentagon read 0.288 as "the best any method can do"; it is not.)
     So the closing table ranks preference control by the excess Chebyshev value, and keeps
     $\mathcal{M}_r$ only as a secondary column, labelled as such.

     **When a row may be ranked.** A run that stopped on its budget while still improving
     says little about where its method goes, so every run is judged by one rule
     (`Convergence.judge` in Sources/ChapterSupport/ClosingComparison.swift): it has
     converged when the method's own stopping rule fired, or when its exact gap has stopped
     falling,

     $$
     \operatorname{median}_{k \in [3K/4,\, K)} \mathcal{G}(x_k) \;\ge\; \tfrac12\, \operatorname{median}_{k \in [K/2,\, 3K/4)} \mathcal{G}(x_k)
     \quad\text{or}\quad \operatorname{median}_{k \in [3K/4,\, K)} \mathcal{G}(x_k) < 10^{-28},
     \tag{10.2}
     $$

     that is, the gap fell by less than a factor 2 while the budget's last quarter was spent,
     or it is at rounding level. A row counts as converged when every seed's run did; a row
     saved without its gap trail counts as converged only when its final gap is at rounding
     level (nothing left to fall). Every other row is shown, marked, and **left out of the
     rankings**.

     **Seeds.** Where a problem is random (the finite-sum toy's batches, hyper-cleaning's
     data and corruption, meta-learning's tasks), a row should aggregate at least five seeds:
     the table shows the median and the range, and one row is placed before another only when
     their ranges do not overlap. The toys are fixed problems and deterministic methods: one
     run is the answer.

     ## 2. What the folder holds

     Every `chNN-tables.dat` of the folder that holds a `comparison` datablock is read, with
     its `comparison_runs` (every seed's run with its $\mathcal{T}_r$, reference and
     convergence, where the chapter saved them) and the timings file beside it. A file it
     cannot parse, a row with a bad label or count, a pair saved twice, a control that is not
     the method's: each stops the chapter with a message naming the file. Timings whose rows
     are not the comparison's are stale, reported, and not used.
     */
    let saved: [SavedRows]
    do { saved = try SavedRows.read(from: folder, shownAs: flags.from) } catch { fail("\(error)") }
    // weave: begin-hide
    section("2. What the folder holds")
    if saved.isEmpty {
        fail("--from \(flags.from) holds no chNN-tables.dat with a comparison datablock: run make figures first")
    }
    for file in saved {
        let runs = file.runs.isEmpty ? "no comparison_runs" : "\(file.runs.count) runs in comparison_runs"
        let times =
            file.timings != nil
            ? "wall times"
            : file.staleTimings ? "STALE timings (not the comparison's rows: run make timings), not used" : "no wall times"
        say("\(file.file): \(file.rows.count) row\(file.rows.count == 1 ? "" : "s"), \(runs), \(times)")
    }
    if let machine = saved.compactMap(\.machine).first { say("wall times measured on \(machine)") }
    // weave: end

    /*:
     ## 3. One table

     One line per (problem, method), problems in the course's order and methods in a fixed
     order (the three forms of WC-MHGD, then FORUM, MOML, MoCo, MGDA, linear
     scalarization). The preference is each problem's stated one: $r = (r_1, 1 - r_1)$ on the
     $S = 2$ problems, $r = (0.8, 0.05, 0.05, 0.05, 0.05)$ on the pentagon and in
     meta-learning. The first table holds the preference measures and the verdict of (10.2),
     the second the gap, the secondary misalignment and the costs; both are saved as the
     datablock `closing` of `ch10-tables.dat`.
     */
    let closing: [ClosingRow]
    do { closing = try ClosingRow.assemble(saved, shownAs: flags.from) } catch { fail("\(error)") }
    // weave: begin-hide
    let problemLabels: [String] = ["S=2 toy", "S=5 toy", "sum toy", "clean syn", "clean real", "meta"]
    let methodLabels: [String] = ["WC (CG)", "WC (Neu)", "stoch WC", "FORUM", "MOML", "MoCo", "MGDA", "linear"]
    let statusLabels: [String] = ClosingRow.Status.allCases.map(\.name)
    let referenceLabels: [String] = ChebyshevReference.Kind.allCases.map(\.name)
    let closingColumns: [Table.Column] = [
        .init("problem", format: .label(problemLabels)),
        .init("method", format: .label(CourseMethod.allCases.map(\.name))),
        .init("seeds", format: .integer),
        .init("excess", "𝒯_r − 𝒯*_r med", format: .scientific(2), missing: "not saved"),
        .init("excess_low", "min", format: .scientific(2), missing: "-"),
        .init("excess_high", "max", format: .scientific(2), missing: "-"),
        .init("reference", "𝒯*_r", format: .label(referenceLabels), missing: "-"),
        .init("converged", "converged", format: .label(statusLabels)),
        .init("gap", "gap med", format: .scientific(2)), .init("gap_low", "min", format: .scientific(2)),
        .init("gap_high", "max", format: .scientific(2)),
        .init("misalignment", "𝓜_r (2nd)", format: .scientific(2), missing: "-"),
        .init("calls", "calls", format: .integer), .init("second_order", "2nd order", format: .integer),
        .init("peak_vectors", "p-vectors", format: .integer),
        .init("seconds", "wall s", format: .fixed(3), missing: "-"),
    ]
    var closingTable = Table("closing", closingColumns)
    for line in closing {
        closingTable.append([
            ("problem", Double(line.problem.rawValue)), ("method", Double(line.method.rawValue)),
            ("seeds", Double(line.seeds)), ("excess", line.excess?.median), ("excess_low", line.excess?.low),
            ("excess_high", line.excess?.high), ("reference", line.referenceKind.map { Double($0.rawValue) }),
            ("converged", Double(line.status.rawValue)), ("gap", line.gap.median), ("gap_low", line.gap.low),
            ("gap_high", line.gap.high), ("misalignment", line.row.misalignment), ("calls", Double(line.row.calls)),
            ("second_order", Double(line.secondOrder)), ("peak_vectors", Double(line.row.peakVectors)),
            ("seconds", line.seconds),
        ])
    }
    /// A printed view of some of the closing table's columns.
    func view(_ name: String, _ columns: [String]) -> Table {
        var table = Table(name, closingColumns.filter { columns.contains($0.name) })
        for row in closingTable.rows {
            table.append(
                columns.map { c in
                    let v = row[closingColumns.firstIndex { $0.name == c }!]
                    return (c, v.isNaN ? nil : v)
                })
        }
        return table
    }
    section("3. Every method on every problem: the preference measures")
    show(
        view(
            "preference",
            ["problem", "method", "seeds", "excess", "excess_low", "excess_high", "reference", "converged"]))
    section("3. Every method on every problem: stationarity, the secondary misalignment, and the costs")
    show(
        view(
            "costs",
            ["problem", "method", "gap", "gap_low", "gap_high", "misalignment", "calls", "second_order", "seconds"]))
    // weave: end

    /*:
     What the tables do not hold: a problem with no rows, and a method that applies to a
     problem (`CourseMethod.applies(to:)`) but has no row there.
     */
    // weave: begin-hide
    let problems = CourseProblem.allCases.filter { p in closing.contains { $0.problem == p } }
    let absentProblems = CourseProblem.allCases.filter { !problems.contains($0) }
    let absentPairs = problems.flatMap { p in
        CourseMethod.allCases.filter { m in m.applies(to: p) && !closing.contains { $0.problem == p && $0.method == m }
        }
        .map { "\($0.name) on \(p.name)" }
    }
    say(
        absentProblems.isEmpty
            ? "Every problem of the course has rows."
            : "Problems with no rows: " + absentProblems.map(\.name).joined(separator: "; ") + ".")
    say(
        absentPairs.isEmpty
            ? "Every method that applies to a problem with rows has its row there." : "Missing: \(absentPairs).")
    let noTrail = saved.filter { $0.runs.isEmpty }.map(\.file)
    if !noTrail.isEmpty {
        say("Saved without comparison_runs (no 𝒯_r, no seeds, no convergence judgement yet):")
        say("  " + noTrail.joined(separator: ", "))
    }
    // weave: end

    /*:
     Two pictures of the table, one panel per problem: gaps, excesses and costs are
     compared within a problem, never across. First the final gap of every row, the median
     over seeds with the range as a bar; filled points are rows that may be ranked by (10.2),
     open points rows that may not (not converged, or not judged). A gap of exactly 0 would
     be drawn at 1e-40.
     */
    // weave: begin-hide
    /// One panel per problem: `value` of each row (median, range) against its method, filled
    /// when the row is ranked, open otherwise.
    func panels(_ slug: String, y: String, rows: (CourseProblem) -> [(ClosingRow, Spread)], floor: Double) throws
        -> [Figure]
    {
        try problems.compactMap { problem -> Figure? in
            let here = rows(problem)
            guard !here.isEmpty else { return nil }
            func block(_ ranked: Bool) throws -> DataBlock? {
                let lines = here.enumerated().filter { $0.element.0.status.ranked == ranked }
                guard !lines.isEmpty else { return nil }
                return try DataBlock(
                    "\(slug)_\(problem.rawValue)_\(ranked ? "ranked" : "other")",
                    columns: ["x", "median", "low", "high"],
                    rows: lines.map { i, line in
                        [Double(i), max(line.1.median, floor), max(line.1.low, floor), max(line.1.high, floor)]
                    })
            }
            let blocks = try [block(true), block(false)]
            var figure = Figure(slug: "ch10-\(slug)", title: problem.name, xLabel: "", yLabel: y)
            figure.logY = true
            figure.showKey = false
            figure.blocks = blocks.compactMap { $0 }
            figure.series = try zip(blocks, [7, 6]).compactMap { block, point in
                guard let block else { return nil }
                var s = try block.series(
                    "x", "median", .points, title: nil, color: Figure.palette[0], point: point, pointSize: 1.5)
                (s.error, s.errorHigh) = (try block.position(of: "low"), try block.position(of: "high"))
                return s
            }
            let low = here.map { max($0.1.low, floor) }.min()!, high = here.map { max($0.1.high, floor) }.max()!
            figure.yRange = low / 10...high * 10
            figure.xRange = -0.5...Double(here.count) - 0.5
            figure.xTics = here.indices.map(Double.init)
            figure.xTicLabels = here.map { methodLabels[$0.0.method.rawValue] }
            return figure
        }
    }
    func smallMultiples(_ slug: String, title: String, _ panels: [Figure], comment: String) -> Figure {
        var figure = Figure(slug: "ch10-\(slug)", title: title, xLabel: "", yLabel: "")
        (figure.panels, figure.panelColumns, figure.panelHeight) = (panels, 1, 210)
        figure.comments = [comment]
        return figure
    }
    let gapPanels = try panels(
        "gap", y: "final gap 𝒢(x_K)", rows: { p in closing.filter { $0.problem == p }.map { ($0, $0.gap) } },
        floor: 1e-40)
    // weave: end
    show(
        smallMultiples(
            "gap-calls", title: "Final stationarity gap per method, one panel per problem (same budget within a panel)",
            gapPanels,
            comment:
                "Chapter 10 — Choosing a method: the final gap of each (problem, method) row; median over seeds with "
                + "the range; filled: ranked (converged by rule 10.2), open: not ranked."),
        caption: "The final stationarity gap of every row, one panel per problem (the methods of a panel ran on "
            + "the same budget of oracle calls): median over seeds with its range; filled points may be ranked, "
            + "open points did not converge by (10.2) or were saved without the run's gap trail. Note that the "
            + "scales differ from panel to panel: a gap is read within its problem.")

    /*:
     Then the excess Chebyshev value, for the rows that saved $\mathcal{T}_r$, on a log axis
     per problem. An excess of 0 or below — the run ended on the optimum to rounding, or it
     is the row that defines a "best reached" $\mathcal{T}^*_r$ — is drawn at 1e-17:
     */
    // weave: begin-hide
    let excessPanels = try panels(
        "excess", y: "𝒯_r(x_K) − 𝒯*_r",
        rows: { p in closing.filter { $0.problem == p && $0.excess != nil }.map { ($0, $0.excess!) } }, floor: 1e-17)
    // weave: end
    if !excessPanels.isEmpty {
        show(
            smallMultiples(
                "alignment", title: "Excess Chebyshev value per method, one panel per problem", excessPanels,
                comment: "Chapter 10 — Choosing a method: 𝒯_r(x_K) − 𝒯*_r of each row that saved 𝒯_r; median over "
                    + "seeds with the range; filled: ranked, open: not ranked."),
            caption: "How far above the best value its preference allows each run ended, 𝒯_r(x_K) − 𝒯*_r, one "
                + "panel per problem whose rows saved it: median over seeds with its range, filled where the row "
                + "may be ranked. Note that only the rows with comparison_runs appear.")
    }

    /*:
     ## 4. Reading the table

     Five questions a researcher brings to the table. Each answer below is computed from the
     rows, names the rows it rests on, and says whether the difference it reports exceeds the
     spread over seeds.

     **I need a particular trade-off.** Then the method must take a preference, and its end
     point must have a small excess Chebyshev value. Per problem: the ranked rows in order of
     their median excess, whether the first is ahead of the second beyond the spread, and the
     rows left out.
     */
    section("4. Reading the table")
    for problem in problems {
        let here = closing.filter { $0.problem == problem }
        let ranked = here.filter { $0.status.ranked && $0.excess != nil }.sorted {
            $0.excess!.median < $1.excess!.median
        }
        let left = here.filter { !($0.status.ranked && $0.excess != nil) }
        say("\(problem.name):")
        if let first = ranked.first {
            say("  by 𝒯_r − 𝒯*_r (\(first.referenceKind!.name) 𝒯*_r, \(first.seeds) seed\(first.seeds == 1 ? "" : "s")):")
            // weave: begin-hide
            var order = "   "
            for (k, line) in ranked.enumerated() {
                let item = (k == 0 ? " " : " < ") + "\(line.method.name) \(sci(line.excess!.median))"
                if order.count + item.count > 108 {
                    say(order)
                    order = "   "
                }
                order += item
            }
            say(order)
            // weave: end
            if ranked.count > 1 {
                say(
                    "  \(first.method.name) ahead beyond the spread: \(first.excess!.isBelow(ranked[1].excess!) ? "yes" : "no")"
                )
                let behind = ranked.dropFirst().filter { first.excess!.isBelow($0.excess!) }
                let names = behind.map { methodLabels[$0.method.rawValue] }
                say("  behind it beyond the spread: " + (names.isEmpty ? "none" : names.joined(separator: ", ")))
            }
        }
        // weave: begin-hide
        let notSaved = left.filter { $0.excess == nil }.map { methodLabels[$0.method.rawValue] }
        let unconverged = left.filter { $0.excess != nil }.map { methodLabels[$0.method.rawValue] }
        if !notSaved.isEmpty { say("  not ranked, 𝒯_r not saved: " + notSaved.joined(separator: ", ")) }
        if !unconverged.isEmpty { say("  not ranked, not converged: " + unconverged.joined(separator: ", ")) }
        // weave: end
    }

    /*:
     **Any Pareto-stationary point will do; which method gets closest on the budget?** The
     smallest final gap among the rows that may be ranked; runs at rounding level (below
     1e-28) are tied, whatever digits they print.
     */
    for problem in problems {
        let ranked = closing.filter { $0.problem == problem && $0.status.ranked }.sorted {
            $0.gap.median < $1.gap.median
        }
        let excluded = closing.filter { $0.problem == problem && !$0.status.ranked }.count
        guard let first = ranked.first else {
            say("\(problem.name): no row may be ranked (\(excluded) left out)")
            continue
        }
        let tied = ranked.filter { $0.gap.high < Convergence.roundingGap }.map { methodLabels[$0.method.rawValue] }
        say(
            "\(problem.name): smallest gap \(first.method.name) (\(sci(first.gap.median))); ranked \(ranked.count), left out \(excluded)"
        )
        if tied.count > 1 {
            say("  tied at rounding: \(tied.joined(separator: ", "))")
        } else if ranked.count > 1 {
            say("  \(first.method.name) ahead beyond the spread: \(first.gap.isBelow(ranked[1].gap) ? "yes" : "no")")
        }
    }

    /*:
     **I cannot afford Hessian-vector products, or memory is tight.** Oracle calls and peak
     vectors are counts, the same on every seed: no spread to exceed. Per problem: the
     methods without a second-order call, and the least and most memory.
     */
    for problem in problems {
        let here = closing.filter { $0.problem == problem }
        guard here.count > 1 else { continue }
        let least = here.map(\.row.peakVectors).min()!, most = here.map(\.row.peakVectors).max()!
        func names(_ rows: [ClosingRow]) -> String {
            rows.map { methodLabels[$0.method.rawValue] }.joined(separator: ", ")
        }
        say(
            "\(problemLabels[problem.rawValue]): p-vectors \(least)–\(most) (least: \(names(here.filter { $0.row.peakVectors == least }))"
                + "; most: \(names(here.filter { $0.row.peakVectors == most }))); first-order only: "
                + names(here.filter { $0.secondOrder == 0 }))
    }

    /*:
     **The lower level is a large finite sum.** Then every full oracle call is expensive and
     stochastic WC-MHGD's lower-level calls each touch a mini-batch. Its rows:
     */
    for line in closing where line.method == .stochasticWCMHGD {
        say("\(line.problem.name) (\(line.seeds) seed\(line.seeds == 1 ? "" : "s"), converged: \(line.status.name)):")
        say(
            "  𝒯_r − 𝒯*_r " + (line.excess.map { "\(sci($0.median)) [\(sci($0.low)), \(sci($0.high))]" } ?? "not saved")
                + ", gap \(sci(line.gap.median)) [\(sci(line.gap.low)), \(sci(line.gap.high))]")
    }

    /*:
     **How long does it take?** Wall time depends on the machine and on what else ran
     beside it; where `make timings` wrote the chapters' timings the table shows it (wall s),
     to be read as an order of magnitude.
     */
    // weave: begin-hide
    let timed = closing.filter { $0.seconds != nil }.count
    say("wall times for \(timed) of \(closing.count) rows (run make timings for the others)")

    save(tables: [closingTable, pentagonTable], flags: flags.common)
    // weave: end

    /*:
     ## Summary

     What the table supports today, piece by piece, with the rows each piece rests on. Where
     a chapter has not yet saved its `comparison_runs` (Section 2 lists which), its rows carry
     no $\mathcal{T}_r$, no seeds and no convergence judgement; they are shown and left out of
     the rankings, and the advice says so rather than lean on them.

     - **The measure.** A preference is honoured when $\mathcal{T}_r(x_K) - \mathcal{T}^*_r$
       is small, with the gap beside it. The misalignment rewarded a dominated point on the
       pentagon (0.159 against the optimum's 0.288); the excess Chebyshev value cannot.
     - **You need a particular trade-off → WC-MHGD**, the advice of Chapters 5–9, now rests
       on the excess Chebyshev value of converged rows. On the $S = 2$ toy both forms of
       WC-MHGD end on the exact optimum (-5.55e-17, rounding) and MGDA, MoCo and linear
       scalarization, also converged, end 9.02e-02 or more above it. In meta-learning, over
       five draws of the tasks, WC-MHGD (CG) is the best row with a median excess of 0.00e+00
       against the best reached, ahead of linear scalarization and FORUM beyond the spread but
       not of its stochastic and Neumann forms. On the finite-sum toy stochastic WC-MHGD
       converges in every seed with an exact excess of 2.87e-04 (range 2.19e-04–9.29e-04), its
       noise floor (Chapter 6). On the pentagon WC-MHGD (CG) ends with the smallest excess,
       5.38e-06, but its gap was still falling on the budget $\mathcal{C}/2$: only linear
       scalarization converged there, so the pentagon ranks nothing against it. On synthetic
       hyper-cleaning (five seeds, best reached) no row converged by the rule: Chapter 8 stops
       each run when its selection accuracy has settled, and every method's gap was still
       falling then — the accuracy had settled, the gap had not — so the table ranks nothing
       there. On real hyper-cleaning (three seeds, best reached) three rows converged, and
       among them WC-MHGD (Neumann) is ahead beyond the spread (5.94e-02, against MOML's
       1.25e-01 and FORUM's 1.55e-01); WC-MHGD (CG) ended closest to the best value reached
       but its gap was still falling, so it is not ranked.
     - **Any Pareto-stationary point will do.** On the $S = 2$ toy five converged methods
       tie at rounding, both forms of WC-MHGD among them. In meta-learning linear
       scalarization has the smallest median gap of the ranked rows, 9.22e-05, but not beyond
       the spread. The earlier advice "a method without a preference reaches the smallest
       gap" is withdrawn: no table row supports it. Synthetic hyper-cleaning ranks no row
       (Chapter 8's runs stop on the selection accuracy, before their gaps level); on real
       hyper-cleaning MOML has the smallest median gap of the three converged rows, 4.77e-07,
       ahead beyond the spread.
     - **No Hessian-vector products → FORUM; tight memory → FORUM or WC-MHGD (Neumann)**
       stands unchanged: calls and memory are counts, identical on every seed, and FORUM
       makes no second-order call on any problem.
     - **A large finite-sum lower level → stochastic WC-MHGD**, which keeps the preference
       and stops on a noise floor set by its batch.
     - **Wall time** is the machine's as much as the method's: an order of magnitude.

     ## Exercises

     1. *(Choose.)* A new problem: a lower level of 10⁶ training samples, three validation
        objectives, and a stakeholder who wants the first objective weighted four times as
        much as the others; Hessian-vector products are affordable but memory is not. Which
        method do you choose, with which settings, and which rows of the closing table
        justify each choice? Which row would you still want before trusting it?
     2. *(Extend.)* Add a row to the comparison: run linear scalarization on the finite-sum
        toy's full problem with the one-table settings (`MethodSettings` and
        `CourseMethod.run` in Sources/ChapterSupport/CourseMethods.swift), measure it with
        `ComparisonEntry.measured` against the exact reference of $r = (0.3, 0.7)$, and
        compare its excess Chebyshev value and gap with the stochastic WC-MHGD row. Does the
        difference exceed the spread?
     3. *(Derive.)* Linear scalarization minimizes $w^\top \Phi(x)$. Show that every point it
        can reach lies on the boundary of the convex hull of the attainable set, and hence
        that a point of a front that is strictly concave (as VLMOP2's, the $S = 2$ toy's
        front) between two others is the minimizer of no $w^\top\Phi$. What does the table's
        $S = 2$ linear-scalarization row (misalignment near 1) then show?
     4. *(Run.)* Copy the committed tables to a folder, change the `convergence` column of
        one seed of Chapter 6's `comparison_runs` to 2 ("still falling"), and run
        `ch10 --from` on that folder. What happens to the row, to the ranking, and to the
        figure?

     Worked solutions: `book/solutions/10.md`.

     ## Further reading

     - [Miettinen 1999](references.md#miettinen-1999): weighted Chebyshev and weighted-sum
       scalarizations, and why only the former reaches every Pareto point.
     - [Das & Dennis 1997](references.md#das--dennis-1997): the drawbacks of weighted sums
       on non-convex fronts (Exercise 3).
     - [Moreau et al. 2022](references.md#moreau-et-al-2022): Benchopt, the model for this
       chapter's seeds, spreads and convergence criteria.
     */
} catch { fail("\(error)") }  // weave: hide
