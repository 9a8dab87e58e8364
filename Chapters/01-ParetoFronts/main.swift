/*:
 # Chapter 1 — Pareto fronts and scalarization

 Learning with several objectives at once — accuracy on two tasks, loss on two
 domains — has no single "best" answer. This chapter sets up the language the whole
 course uses, without any bilevel structure yet:

 - **dominance**, **Pareto optimality** and **Pareto stationarity**;
 - **linear scalarization** (minimize a weighted sum) and why it cannot reach the
   concave middle of a front;
 - **MGDA**, the min-norm multi-gradient method, which reaches *some* Pareto-stationary
   point but lets you choose none;
 - **weighted-Chebyshev** multi-gradient descent, which reaches the point *you* ask for
   with a preference vector r — the parent of WC-MHGD (Chapter 5, in preparation).

 Everything runs on two test problems whose fronts we know exactly, so every number
 the chapter prints is compared with the truth.

 Run it with `swift run -c release ch01` (or `make chapter N=1`); `--help` lists the
 flags. It writes `figures/ch01-vlmop1.gp` and `figures/ch01-vlmop2.gp`, which
 `make figures` renders.
 */
import ArgumentParser
import ChapterSupport
import Foundation
import MOBL

struct Chapter01: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch01",
        abstract: "Chapter 1 — Pareto fronts and scalarization (VLMOP1 and VLMOP2).",
        discussion: """
            Teaches dominance, Pareto optimality and stationarity, linear scalarization \
            and its failure on the concave part of a front, MGDA, and weighted-Chebyshev multi-gradient \
            descent (larger r_s buys smaller f_s). Prints every final point next to its exact \
            Chebyshev optimum and writes figures/ch01-vlmop1.gp and figures/ch01-vlmop2.gp.
            """)

    @OptionGroup var common: ChapterOptions

    @Option(help: "Number of preferences r = (k/(N+1), 1 − k/(N+1)), k = 1…N (1…99; default 9, 5 with --quick).")
    var preferences: Int?

    @Option(help: "Number of seeded MGDA starting points (1…100; default 8, 4 with --quick).")
    var starts: Int?

    @Option(help: "Dimension n of x (1…1000).")
    var dimension = 20

    @Option(help: "Step budget of every descent run (1…1000000); a run that needs more is reported as not converged.")
    var steps = 20_000

    @Option(name: .customLong("step-size"), help: "Step size β of every descent run (0 < β ≤ 10).")
    var stepSize = 0.5

    @Option(help: "Weight u of the preference term in the Chebyshev weighting QP (0…1000).")
    var u = 1.0

    @Option(help: "Stop when the step ‖d‖ falls below this (0 < tol < 1).")
    var tolerance = 1e-10

    mutating func validate() throws {
        if let p = preferences { try FlagCheck.require(p, in: 1...99, flag: "--preferences") }
        if let m = starts { try FlagCheck.require(m, in: 1...100, flag: "--starts") }
        try FlagCheck.require(dimension, in: 1...1000, flag: "--dimension")
        try FlagCheck.require(steps, in: 1...1_000_000, flag: "--steps")
        try FlagCheck.require(stepSize, above: 0, upTo: 10, flag: "--step-size")
        try FlagCheck.require(u, in: 0...1000, flag: "--u")
        try FlagCheck.require(tolerance, above: 0, upTo: 1, closed: false, flag: "--tolerance")
    }

    func run() throws {
        let preferenceCount = preferences ?? (common.quick ? 5 : 9)
        let startCount = starts ?? (common.quick ? 4 : 8)
        let n = dimension
        print("Chapter 1 — Pareto fronts and scalarization")
        print("seed \(common.seed), n = \(n), \(preferenceCount) preferences, \(startCount) MGDA starts, "
              + "β = \(stepSize), u = \(u), tolerance \(sci(tolerance)), at most \(steps) steps")

        /*:
         ## 1. Two objectives, one x

         We minimize two functions of the same x ∈ Rⁿ. A point a **dominates** b when
         it is no worse in every objective and better in one. x is **Pareto optimal**
         when nothing dominates f(x); the set of such f(x) is the **Pareto front**.

         Gradient methods see only local information, so they aim at the first-order
         condition instead: x is **Pareto stationary** when some convex combination of
         the gradients vanishes,

             min_{λ ∈ Δ}  ‖Σ_s λ_s ∇f_s(x)‖²  =  0,

         where Δ = {λ ≥ 0, Σλ = 1} is the simplex. We call that minimum the
         **stationarity gap**. If it is positive, the minimizing combination gives a
         direction that decreases *every* objective at once.

         Our two test problems measure the distance from x to two anchor points ±a,
         a = (1/√n)·1:

             VLMOP1:  f_s(x) = ‖x ∓ a‖² / 4                 (convex front)
             VLMOP2:  f_s(x) = 1 − exp(−‖x ∓ a‖²)           (front concave in the middle)

         Both are increasing in the distance, so the Pareto set is the segment between
         the anchors, x = (s/√n)·1 with s ∈ [−1, 1], and the front is the curve
         f(s) = (h((s−1)²), h((s+1)²)). Any x off the segment is dominated by its
         projection onto it — the front is exact, not sampled. (`VLMOP` in
         `Sources/MOBL/Problems/VLMOP.swift`.)

         Stationarity is necessary for Pareto optimality, not sufficient: VLMOP2 is not
         convex, and far from both anchors its gradients fade like e^{−‖x ∓ a‖²}, so the
         gap there is tiny although nothing is optimal. Here the only exactly stationary
         points are the Pareto set itself.
         */
        let problems = [try VLMOP(.one, dimension: n), try VLMOP(.two, dimension: n)]
        var rng = common.generator()
        func randomStart() -> Vector { (1 / Double(n).squareRoot()) * rng.gaussianVector(n) }

        Report.section("1. Pareto stationarity: zero on the front, positive off it")
        var rows: [[String]] = []
        for problem in problems {
            let offFront = randomStart()
            let onFront = problem.paretoPoint(0.3)
            let projected = problem.paretoPoint(problem.nearestParameter(offFront))
            rows.append([problem.name, sci(try stationarityGap(gradients: problem.gradients(at: offFront))),
                         sci(try stationarityGap(gradients: problem.gradients(at: onFront))),
                         dominates(problem.values(at: projected), problem.values(at: offFront)) ? "yes" : "no"])
        }
        Report.table(["problem", "gap at random x", "gap at Pareto point s=0.3", "projection dominates x"], rows)

        /*:
         ## 2. Linear scalarization

         The oldest trick: pick weights w ∈ Δ and minimize the single function
         w₁f₁ + w₂f₂ by gradient descent. Every minimizer is Pareto optimal, and on a
         *convex* front every front point is the minimizer for some w. Where a front
         is *concave* that fails: along a concave stretch the weighted sum has maxima
         but no minima, so gradient descent slides off it. VLMOP2's front is concave
         in the middle, |s| < 1/√2 ≈ 0.707, and convex only in its two tails; whatever
         w is, the run ends in a tail. (Which tail depends on w and on the start: each
         tail can hold a local minimum.)
         */
        let grid = (1...preferenceCount).map { Double($0) / Double(preferenceCount + 1) }
        let preferenceList = grid.map { [$0, 1 - $0] }
        var outcomes: [String: ProblemOutcome] = [:]
        var failures: [String] = []

        for problem in problems {
            var outcome = ProblemOutcome()
            for w in preferenceList {
                let run = try multiGradientDescent(problem, from: randomStart(), rule: .linear(weights: w),
                                                   stepSize: stepSize, maxSteps: steps, tolerance: tolerance)
                if !run.converged { failures.append("\(problem.name) linear w₁ = \(fixed(w[0], 2))") }
                outcome.linear.append((w, run))
            }
            outcomes[problem.name] = outcome
        }
        Report.section("2. Linear scalarization: where each weight lands")
        Report.table(["w1", "VLMOP1 f1", "VLMOP1 f2", "VLMOP2 f1", "VLMOP2 f2", "VLMOP2 s"],
                     preferenceList.indices.map { k in
                         let one = outcomes["VLMOP1"]!.linear[k].run, two = outcomes["VLMOP2"]!.linear[k].run
                         return [fixed(preferenceList[k][0], 2), fixed(one.values[0], 4), fixed(one.values[1], 4),
                                 fixed(two.values[0], 4), fixed(two.values[1], 4),
                                 fixed(problems[1].nearestParameter(two.x), 3)]
                     })
        let inTails = outcomes["VLMOP2"]!.linear.filter { abs(problems[1].nearestParameter($0.run.x)) > 1 / 2.0.squareRoot() }.count
        print("On VLMOP1 the points move smoothly along the front as w changes; on VLMOP2 \(inTails) of "
              + "\(preferenceCount) weights")
        print("land in a tail, |s| > 1/√2: the concave middle of the front is out of reach.")

        /*:
         ## 3. MGDA: a common descent direction

         MGDA (Désidéri; Sener & Koltun) steps along d = −Σ λ_s ∇f_s with the weights
         that solve the stationarity-gap problem above. That is a tiny quadratic
         program on the simplex; the library solves it exactly by trying every support
         and checking the KKT conditions (`solveSimplexQP` in
         `Sources/MOBL/Weights/SimplexQP.swift`). For two objectives it has a closed
         form: with g₁, g₂ the gradients,

             λ₁ = clamp(⟨g₂ − g₁, g₂⟩ / ‖g₁ − g₂‖², 0, 1).

         The ends 0 and 1 are legitimate answers (one gradient already is a common
         descent direction), so we do not clamp to [0.001, 0.999] as some code does.
         Both routes must agree:
         */
        var largestDisagreement = 0.0
        for _ in 0..<100 {
            let x = randomStart()
            let gram = Matrix.gram(problems[1].gradients(at: x))
            let general = try solveSimplexQP(P: gram, c: [0, 0])
            let closed = try simplexQPClosedForm2(P: gram, c: [0, 0])
            largestDisagreement = max(largestDisagreement, abs(general.weights[0] - closed.weights[0]))
        }
        Report.section("3. MGDA")
        print("closed form vs support enumeration, 100 random VLMOP2 points: largest |Δλ₁| = \(sci(largestDisagreement))")

        /*:
         Run from several random starts, MGDA stops wherever it first meets the
         Pareto set — near the projection of its start. It reaches the front, but
         nothing in the method lets us say *which* point we want.
         */
        for problem in problems {
            for _ in 0..<startCount {
                let run = try multiGradientDescent(problem, from: randomStart(), rule: .minNorm,
                                                   stepSize: stepSize, maxSteps: steps, tolerance: tolerance)
                if !run.converged { failures.append("\(problem.name) MGDA") }
                outcomes[problem.name]!.mgda.append(run)
            }
        }
        Report.table(["problem", "start", "f1", "f2", "stationarity gap", "steps"],
                     problems.flatMap { problem in
                         outcomes[problem.name]!.mgda.enumerated().map { i, run in
                             [problem.name, "\(i + 1)", fixed(run.values[0], 4), fixed(run.values[1], 4),
                              sci((try? stationarityGap(gradients: problem.gradients(at: run.x))) ?? .nan),
                              "\(run.steps)"]
                         }
                     })

        /*:
         ## 4. Weighted-Chebyshev scalarization

         Instead of a sum, minimize the worst weighted objective,

             min_x  max_s  r_s (f_s(x) − z_s),      r ∈ Δ, every r_s > 0,

         with a reference point z (here z = 0). **The convention used in the whole
         course:** at an optimum where both objectives are active,
         r₁(f₁ − z₁) = r₂(f₂ − z₂), so a *larger* r_s buys a *smaller* f_s. The optimum
         lies where the front meets the ray {f : r₁f₁ = r₂f₂} (the table's *alignment*
         column is |r₁f₁ − r₂f₂| / (r₁f₁ + r₂f₂), zero on the ray), and every front point —
         concave parts included — is the optimum for some r (all but the two end
         points, which would need an r_s = 0).

         To descend on this non-smooth function with gradients, linearize it at x and
         add a proximal term,

             min_d  max_s r_s (f_s + ⟨∇f_s, d⟩ − z_s) + ‖d‖²/(2γ).

         Swapping min and max (the problem is convex in d and linear in the weights
         λ ∈ Δ) gives d = −γ Σ_s r_s λ_s ∇f_s, and the weights solve the dual

             λ = argmin_{λ ∈ Δ}  ‖Σ_s r_s λ_s ∇f_s‖² − u Σ_s λ_s r_s (f_s − z_s),   u = 2/γ,

         the same simplex QP as MGDA with one extra linear term
         (`chebyshevWeights`). We step with a fixed β instead of the γ = 2/u of the
         derivation, x ← x − β Σ_s r_s λ_s ∇f_s: the fixed points do not depend on β,
         only the stability does (a larger u moves λ more abruptly and needs a smaller
         β; β ≲ 2/u is a safe guide). Its fixed points
         are exactly what we want: on the Pareto set the gradients can cancel, and
         where r₁f₁ = r₂f₂ the linear term is the same for every λ, so the QP picks the
         cancelling weights and the step is zero. Off the ray, the linear term tilts λ
         towards the objective that is too large, and the step moves along the front
         towards the ray.

         The exact optima we compare with: for VLMOP1 the closed form
         s = (√r₁ − √r₂)/(√r₁ + √r₂), f = (r₂, r₁)/(√r₁ + √r₂)²; for VLMOP2, bisection on
         r₁f₁(s) − r₂f₂(s), which is monotone in s.
         */
        for problem in problems {
            for r in preferenceList {
                let run = try multiGradientDescent(problem, from: randomStart(), rule: .chebyshev(preference: r, u: u),
                                                   stepSize: stepSize, maxSteps: steps, tolerance: tolerance)
                if !run.converged { failures.append("\(problem.name) Chebyshev r₁ = \(fixed(r[0], 2))") }
                outcomes[problem.name]!.chebyshev.append((r, run, try problem.chebyshevOptimum(preference: r).values))
            }
        }
        Report.section("4. Weighted Chebyshev: every final point against its exact optimum")
        var worstError = 0.0
        Report.table(["problem", "r1", "r2", "f1", "f2", "exact f1", "exact f2", "‖f − f*‖", "alignment", "steps"],
                     try problems.flatMap { problem in
                         try outcomes[problem.name]!.chebyshev.map { r, run, exact in
                             let error = norm(run.values - exact)
                             worstError = max(worstError, error)
                             return [problem.name, fixed(r[0], 2), fixed(r[1], 2),
                                     fixed(run.values[0], 6), fixed(run.values[1], 6),
                                     fixed(exact[0], 6), fixed(exact[1], 6), sci(error),
                                     sci(try preferenceAlignmentError(preference: r, values: run.values)), "\(run.steps)"]
                         }
                     })
        print("largest distance to the exact Chebyshev optimum: \(sci(worstError))")

        /*:
         ### What u does

         u weighs the preference term against the common-descent term. With u = 0 the
         QP is preference-scaled MGDA: any Pareto-stationary point is a fixed point, so
         the run stops wherever it meets the front. As u grows the weights jump towards
         the objective with the larger r_s f_s — a subgradient step of the max — and a
         fixed step size starts to zig-zag across the ray instead of settling. One
         preference, several u, on VLMOP2:
         */
        Report.section("u ablation on VLMOP2, r = (0.3, 0.7), same start")
        let ablationStart = randomStart()
        let ablationPreference = [0.3, 0.7]
        let exactAblation = try problems[1].chebyshevOptimum(preference: ablationPreference).values
        Report.table(["u", "f1", "f2", "‖f − f*‖", "steps", "converged"],
                     try [0, 0.1, 1, 10].map { uValue in
                         let run = try multiGradientDescent(problems[1], from: ablationStart,
                                                            rule: .chebyshev(preference: ablationPreference, u: uValue),
                                                            stepSize: stepSize, maxSteps: min(steps, 5_000), tolerance: tolerance)
                         return [fixed(uValue, 1), fixed(run.values[0], 6), fixed(run.values[1], 6),
                                 sci(norm(run.values - exactAblation)), "\(run.steps)", run.converged ? "yes" : "no"]
                     })
        print("(step budget \(min(steps, 5_000)) here; the solver reports a run that does not settle instead of hiding it)")

        /*:
         ## 5. Measuring a set of solutions

         Three numbers summarize how well a set of final points covers a front:

         - the **non-dominated** points (the others are wasted effort);
         - the **hypervolume**, the area the set dominates up to a reference point
           (here (1.1, 1.1)) — larger is better;
         - the **IGD**, the mean distance from a dense sampling of the true front to the
           nearest found point — small only when the set is close to *and* spread along
           the whole front.
         */
        Report.section("5. Coverage of the front")
        let reference: Vector = [1.1, 1.1]
        var coverage: [[String]] = []
        for problem in problems {
            let truth = problem.front(samples: 1001)
            let outcome = outcomes[problem.name]!
            for (method, points) in [("linear", outcome.linear.map(\.run.values)),
                                     ("MGDA", outcome.mgda.map(\.values)),
                                     ("Chebyshev", outcome.chebyshev.map(\.run.values))] {
                coverage.append([problem.name, method, "\(nonDominatedIndices(points).count)/\(points.count)",
                                 fixed(try hypervolume2D(points, reference: reference), 4),
                                 fixed(try invertedGenerationalDistance(reference: truth, found: points), 4)])
            }
            coverage.append([problem.name, "front, 1001 samples", "-",
                             fixed(try hypervolume2D(truth, reference: reference), 4), fixed(0, 4)])
        }
        Report.table(["problem", "method", "non-dominated", "hypervolume", "IGD"], coverage)
        let truth2 = problems[1].front(samples: 1001)
        let igd = try ["linear": outcomes["VLMOP2"]!.linear.map(\.run.values), "MGDA": outcomes["VLMOP2"]!.mgda.map(\.values),
                       "Chebyshev": outcomes["VLMOP2"]!.chebyshev.map(\.run.values)]
            .mapValues { try invertedGenerationalDistance(reference: truth2, found: $0) }
        let best = igd.min { $0.value < $1.value }!.key
        print("On VLMOP2 the \(best) points have the smallest IGD (\(fixed(igd[best]!, 4)))" + (best == "Chebyshev"
            ? ": they are spread along the whole front,\nwhile the linear-scalarization points crowd in its two tails."
            : "."))

        guard failures.isEmpty else {
            Report.fail("these runs did not converge within \(steps) steps: \(failures.joined(separator: "; "))")
        }

        /*:
         ## 6. The figures

         One figure per problem: the exact front, the preference rays r₁f₁ = r₂f₂ with
         the exact Chebyshev optima on them, and the final points of the three methods.
         The data sit in the script as named datablocks, so the numbers behind every
         marker can be read (and are, by the tests).
         */
        Report.section("6. Figures")
        Report.save(try problems.map { try figure(for: $0, outcome: outcomes[$0.name]!) }, options: common)

        /*:
         ## Summary

         - A front is a set of trade-offs; Pareto stationarity (a convex combination of
           gradients vanishing) is what gradient methods can certify, and its size is
           the stationarity gap, the optimum of a small QP on the simplex.
         - Linear scalarization reaches every point of a convex front but nothing in the
           concave part of a front: on VLMOP2 only the convex tails.
         - MGDA reaches the front from anywhere but gives no say in where.
         - Weighted-Chebyshev descent adds one linear term, −u λᵀ(r ⊙ (f − z)), to
           MGDA's QP; its fixed point is the Chebyshev optimum r₁f₁ = r₂f₂, so sweeping r
           traces the whole front, concave parts included. Larger r_s, smaller f_s.
         - u trades stationarity against preference: u = 0 is preference-scaled MGDA
           (stops anywhere on the front), large u zig-zags unless β shrinks.

         ## Exercises

         1. Run `swift run -c release ch01 --u 0`. Where do the Chebyshev points
            end up, and why does the exact-optimum error grow? (Section 4's ablation
            table gives a hint.)
         2. Run with `--preferences 19`. Check from `figures/ch01-vlmop2.gp` that the
            `$chebyshev` points stay ordered along the front: f₁ decreases as r₁ grows.
         3. Run with `--u 10`. The Chebyshev runs zig-zag across their rays, and the
            chapter stops with an error listing the runs that did not converge
            (instead of plotting points it cannot vouch for). Find the largest
            `--step-size` with which `--u 10` converges again (it lies between 0.2 and
            0.5), and compare it with the guide β ≲ 2/u — safe, but conservative.
         4. Show that on VLMOP1 linear scalarization with weight w stops at the front
            parameter s = w₁ − w₂ (Section 2's table agrees: w₁ = 0.1 gives
            f₁ = 0.81 = (1 − s)²/4 with s = −0.8). Deduce the weight w that lands on
            the Chebyshev optimum for a given r, and check your formula against the
            Section 2 and Section 4 tables: for r = (0.5, 0.5) both must show
            f = (0.25, 0.25); for r = (0.1, 0.9) your w must place the linear point at
            f = (0.5625, 0.0625) — `--preferences 3` runs w₁ = 0.25, 0.5, 0.75.
         5. Change `--dimension` to 2 and to 200. Which numbers in the tables change,
            and which cannot (and why)?
         */
    }
}

/// The final points of the three methods on one problem.
struct ProblemOutcome {
    var linear: [(weights: Vector, run: DescentResult)] = []
    var mgda: [DescentResult] = []
    var chebyshev: [(preference: Vector, run: DescentResult, exact: Vector)] = []
}

/// The chapter's figure for one problem; datablock names and columns are a contract
/// with the tests and the README.
func figure(for problem: VLMOP, outcome: ProblemOutcome) throws -> Figure {
    let slug = problem.kind == .one ? "ch01-vlmop1" : "ch01-vlmop2"
    var figure = Figure(slug: slug,
                        title: "\(problem.name) (n = \(problem.dimension)): \(problem.kind == .one ? "convex front" : "front concave in the middle")",
                        xLabel: "f_1", yLabel: "f_2")
    figure.comments = ["Chapter 1 — Pareto fronts and scalarization: \(problem.name), n = \(problem.dimension)."]
    figure.xRange = 0...1.1
    figure.yRange = 0...1.1
    figure.equalAxes = true
    figure.key = "outside right top"
    var rays: [[Double]] = []
    for entry in outcome.chebyshev {
        rays.append([entry.preference[0], entry.preference[1], 0, 0])
        rays.append([entry.preference[0], entry.preference[1], 1.15 * entry.exact[0], 1.15 * entry.exact[1]])
        rays.append([])
    }
    figure.blocks = [
        try DataBlock("front", columns: ["f1", "f2"], rows: problem.front(samples: 201)),
        try DataBlock("rays", columns: ["r1", "r2", "f1", "f2"], rows: rays),
        try DataBlock("optima", columns: ["r1", "r2", "f1", "f2"], rows: outcome.chebyshev.map { $0.preference + $0.exact }),
        try DataBlock("linear", columns: ["w1", "w2", "f1", "f2"], rows: outcome.linear.map { $0.weights + $0.run.values }),
        try DataBlock("chebyshev", columns: ["r1", "r2", "f1", "f2"],
                      rows: outcome.chebyshev.map { $0.preference + $0.run.values }),
        try DataBlock("mgda", columns: ["f1", "f2"], rows: outcome.mgda.map(\.values)),
    ]
    figure.series = [
        Series(block: "front", style: .lines, title: "exact front", color: "#000000", lineWidth: 2),
        Series(block: "rays", x: 3, y: 4, style: .lines, title: "preference rays r_1 f_1 = r_2 f_2",
               color: "#999999", lineWidth: 1, dashType: 2),
        Series(block: "linear", x: 3, y: 4, style: .points, title: "linear scalarization (w = r)",
               color: Figure.palette[1], pointType: 5, pointSize: 1.3),
        Series(block: "mgda", style: .points, title: "MGDA, random starts", color: Figure.palette[2],
               pointType: 9, pointSize: 1.4),
        Series(block: "chebyshev", x: 3, y: 4, style: .points, title: "weighted Chebyshev", color: Figure.palette[0],
               pointType: 7, pointSize: 1.3),
        Series(block: "optima", x: 3, y: 4, style: .points, title: "exact Chebyshev optima", color: "#000000",
               pointType: 2, pointSize: 1.6),
    ]
    return figure
}

Chapter01.main()
