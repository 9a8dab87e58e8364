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
 `make figures` renders, and its tables to `figures/ch01-tables.dat`.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter01Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    //: The command-line flags (declared in `Flags.swift`; `ch01 --help` lists them) are in `flags`.
    let preferenceCount = flags.preferences ?? (flags.common.quick ? 5 : 9)
    let startCount = flags.starts ?? (flags.common.quick ? 4 : 8)
    let n = flags.dimension
    let beta = flags.stepSize
    say("Chapter 1 — Pareto fronts and scalarization")
    say(
        "seed \(flags.common.seed), n = \(n), \(preferenceCount) preferences, \(startCount) MGDA starts, "
            + "β = \(beta), u = \(flags.u), tolerance \(sci(flags.tolerance)), at most \(flags.steps) steps")

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
    let vlmop1 = try VLMOP(.one, dimension: n)
    let vlmop2 = try VLMOP(.two, dimension: n)
    let problems = [vlmop1, vlmop2]
    /// The `problem` column of the tables: an index into these names.
    let problemNames = problems.map(\.name)
    func problemIndex(_ problem: VLMOP) -> Double { Double(problems.firstIndex { $0.kind == problem.kind }!) }
    var rng = flags.common.generator()
    func randomStart() -> Vector { (1 / Double(n).squareRoot()) * rng.gaussianVector(n) }

    var stationarity = Table(
        "stationarity_gap",
        [
            .init("problem", format: .label(problemNames)),
            .init("gap_random", "gap at random x", format: .scientific(2)),
            .init("gap_front", "gap at Pareto point s=0.3", format: .scientific(2)),
            .init("projection_dominates", "projection dominates x", format: .label(["no", "yes"])),
        ])
    for problem in problems {
        let offFront = randomStart()
        let onFront = problem.paretoPoint(0.3)
        let projected = problem.paretoPoint(problem.nearestParameter(offFront))
        stationarity.append([
            "problem": problemIndex(problem),
            "gap_random": try stationarityGap(gradients: problem.gradients(at: offFront)),
            "gap_front": try stationarityGap(gradients: problem.gradients(at: onFront)),
            "projection_dominates": dominates(problem.values(at: projected), problem.values(at: offFront)) ? 1 : 0,
        ])
    }
    section("1. Pareto stationarity on the front and off it")
    show(stationarity)
    let dominatedCount = stationarity.column("projection_dominates").filter { $0 == 1 }.count
    let largestGapOnFront = stationarity.column("gap_front").max()!
    say(
        "On the front the gap is at most \(sci(largestGapOnFront))"
            + (largestGapOnFront < 1e-20 ? ", zero up to rounding" : "")
            + "; at the random x it is at least \(sci(stationarity.column("gap_random").min()!)).\n"
            + "The projection of the random x onto the Pareto set dominates it in \(dominatedCount) of \(problems.count) problems."
    )

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

     ### How large a step?

     Every method of this chapter is the library's `multiGradientDescent`,
     x ← x + β d, with one fixed step β (`--step-size`) and a direction d that
     combines the gradients with weights summing to at most 1. For gradient descent
     on a function whose curvature is bounded, ‖∇²f‖ ≤ L, a step β < 2/L makes every
     step decrease f; past 2/L the step overshoots. Our objectives' curvatures are
     known:

         VLMOP1:  ∇²f_s = I/2                                            L = 1/2,  2/L = 4
         VLMOP2:  ∇²f_s = 2e^{−t}(I − 2(x ∓ a)(x ∓ a)ᵀ),  t = ‖x ∓ a‖²,   L = 2,    2/L = 1

     (VLMOP2's curvature is largest at the anchors, t = 0.) Above 2/L a run on
     VLMOP1, a quadratic, blows up: its distance to the minimizer grows by the factor
     |1 − β/2| every step until f overflows. A run on VLMOP2 cannot blow up (f stays
     in [0, 1]), but near the anchors it may overshoot back and forth instead of
     settling. `descend` runs one descent and stops the chapter — naming the flag
     and its limit — when the run's values stop being finite, instead of printing
     tables of NaN; `requireSettled` stops it when runs did not settle within the
     step budget, before any sentence is built on them.
     */
    /// A bound L on the curvature ‖∇²f_s‖ of both objectives of a problem (derived above).
    func curvatureBound(_ problem: VLMOP) -> Double { problem.kind == .one ? 0.5 : 2 }
    let stepLimits = problems.map { "2/L = \(formatNumber(2 / curvatureBound($0))) on \($0.name)" }.joined(
        separator: ", ")

    /// One run of `multiGradientDescent` with the chapter's β, tolerance and (unless
    /// given) step budget. Stops the chapter if the run diverges.
    func descend(
        _ problem: VLMOP, _ method: String, from start: Vector, rule: DescentRule,
        maxSteps: Int = flags.steps
    ) -> DescentResult {
        do {
            return try multiGradientDescent(
                problem, from: start, rule: rule, stepSize: beta, maxSteps: maxSteps, tolerance: flags.tolerance)
        } catch let diverged as Diverged {
            fail(
                "--step-size \(formatNumber(beta)) makes \(method) on \(problem.name) diverge: \(diverged.quantity) became non-finite "
                    + "at step \(diverged.step); the step must be below about 2/L = \(formatNumber(2 / curvatureBound(problem))) for this problem "
                    + "(its curvature is at most L = \(formatNumber(curvatureBound(problem)))); the chapter's limits are \(stepLimits)"
            )
        } catch {
            fail("\(method) on \(problem.name) failed: \(error)")
        }
    }

    /// Stops the chapter when some runs did not settle (‖d‖ ≤ tolerance) within their
    /// step budget, naming them and the flag to change.
    func requireSettled(_ runs: [(problem: VLMOP, method: String, result: DescentResult)]) {
        let unsettled = runs.filter { !$0.result.converged }
        guard !unsettled.isEmpty else { return }
        let list = unsettled.map { "\($0.problem.name) \($0.method)" }.joined(separator: "; ")
        if let problem = unsettled.map(\.problem).first(where: { beta >= 2 / curvatureBound($0) }) {
            let limit = formatNumber(2 / curvatureBound(problem))
            fail(
                "these runs did not converge within \(flags.steps) steps: \(list). --step-size \(formatNumber(beta)) is not below "
                    + "2/L = \(limit) for \(problem.name) (its curvature reaches L = \(formatNumber(curvatureBound(problem)))), "
                    + "so a step can overshoot instead of settling: use a --step-size below \(limit)")
        }
        var advice = "give them more --steps or a smaller --step-size"
        if unsettled.contains(where: { $0.method.hasPrefix("Chebyshev") }), flags.u > 0, beta > 2 / flags.u {
            advice +=
                " (Chebyshev runs with --u \(formatNumber(flags.u)) settle reliably for β ≲ 2/u = \(formatNumber(2 / flags.u)))"
        }
        fail("these runs did not converge within \(flags.steps) steps: \(list); \(advice)")
    }

    let preferences: [Vector] = (1...preferenceCount).map { Double($0) / Double(preferenceCount + 1) }.map {
        [$0, 1 - $0]
    }

    /// Where linear scalarization with weights w ended.
    struct LinearRun {
        let problem: VLMOP
        let weights: Vector
        let result: DescentResult
        var method: String { "linear w₁ = \(fixed(weights[0], 2))" }
        /// The front parameter s of the Pareto point nearest to the final x.
        var s: Double { problem.nearestParameter(result.x) }
    }
    let linearRuns = problems.flatMap { problem in
        preferences.map { w in
            LinearRun(
                problem: problem, weights: w,
                result: descend(
                    problem, "linear scalarization (w₁ = \(fixed(w[0], 2)))", from: randomStart(),
                    rule: .linear(weights: w)))
        }
    }
    requireSettled(linearRuns.map { ($0.problem, $0.method, $0.result) })
    let linearOn1 = linearRuns.filter { $0.problem.kind == .one },
        linearOn2 = linearRuns.filter { $0.problem.kind == .two }

    var linearTable = Table(
        "linear_scalarization",
        [
            .init("w1", format: .fixed(2)),
            .init("vlmop1_f1", "VLMOP1 f1", format: .fixed(4)), .init("vlmop1_f2", "VLMOP1 f2", format: .fixed(4)),
            .init("vlmop2_f1", "VLMOP2 f1", format: .fixed(4)), .init("vlmop2_f2", "VLMOP2 f2", format: .fixed(4)),
            .init("vlmop2_s", "VLMOP2 s", format: .fixed(3)),
        ])
    for (one, two) in zip(linearOn1, linearOn2) {
        linearTable.append([
            "w1": one.weights[0], "vlmop1_f1": one.result.values[0], "vlmop1_f2": one.result.values[1],
            "vlmop2_f1": two.result.values[0], "vlmop2_f2": two.result.values[1], "vlmop2_s": two.s,
        ])
    }
    section("2. Linear scalarization: where each weight lands")
    show(linearTable)

    /// How far a final x's values are from the front point of its projection (0 on the Pareto set).
    func distanceToFront(_ problem: VLMOP, _ x: Vector) -> Double {
        norm(problem.values(at: x) - problem.frontPoint(problem.nearestParameter(x)))
    }
    let sOn1 = linearOn1.map(\.s)
    let onFrontInOrder =
        linearOn1.allSatisfy { distanceToFront(vlmop1, $0.result.x) < 1e-6 }
        && zip(sOn1, sOn1.dropFirst()).allSatisfy { $0 < $1 }
    let inTails = linearOn2.filter { abs($0.s) > 1 / 2.0.squareRoot() }.count
    say(
        (onFrontInOrder
            ? "On VLMOP1 the points lie on the front and move along it in order as w₁ grows (s from \(fixed(sOn1.first!, 2)) to \(fixed(sOn1.last!, 2)));"
            : "On VLMOP1 the points do not all lie on the front in the order of w₁;")
            + " on VLMOP2 \(inTails) of \(preferenceCount) weights\nland in a tail, |s| > 1/√2"
            + (inTails == preferenceCount
                ? ": the concave middle of the front is out of reach."
                : ", and \(preferenceCount - inTails) in the concave middle."))

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
        let gram = Matrix.gram(vlmop2.gradients(at: randomStart()))
        let general = try solveSimplexQP(P: gram, c: [0, 0])
        let closed = try simplexQPClosedForm2(P: gram, c: [0, 0])
        largestDisagreement = max(largestDisagreement, abs(general.weights[0] - closed.weights[0]))
    }
    section("3. MGDA")
    say("closed form vs support enumeration, 100 random VLMOP2 points: largest |Δλ₁| = \(sci(largestDisagreement))")

    /*:
     Run from several random starts, MGDA stops wherever it first meets the
     Pareto set — near the projection of its start. It reaches the front, but
     nothing in the method lets us say *which* point we want.
     */
    /// One MGDA run from a random start, and the stationarity gap where it stopped.
    struct MGDARun {
        let problem: VLMOP
        let start: Int
        let result: DescentResult
        let gap: Double
    }
    let mgdaRuns = try problems.flatMap { problem in
        try (1...startCount).map { start in
            let result = descend(problem, "MGDA (start \(start))", from: randomStart(), rule: .minNorm)
            return MGDARun(
                problem: problem, start: start, result: result,
                gap: try stationarityGap(gradients: problem.gradients(at: result.x)))
        }
    }
    requireSettled(mgdaRuns.map { ($0.problem, "MGDA start \($0.start)", $0.result) })

    var mgdaTable = Table(
        "mgda_runs",
        [
            .init("problem", format: .label(problemNames)), .init("start", format: .integer),
            .init("f1", format: .fixed(4)), .init("f2", format: .fixed(4)),
            .init("gap", "stationarity gap", format: .scientific(2)), .init("steps", format: .integer),
        ])
    for run in mgdaRuns {
        mgdaTable.append([
            "problem": problemIndex(run.problem), "start": Double(run.start),
            "f1": run.result.values[0], "f2": run.result.values[1], "gap": run.gap, "steps": Double(run.result.steps),
        ])
    }
    show(mgdaTable)
    say(
        "largest distance of an MGDA point from the front: \(sci(mgdaRuns.map { distanceToFront($0.problem, $0.result.x) }.max()!))"
    )

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
     r₁f₁(s) − r₂f₂(s), which is monotone in s (`chebyshevOptimum`).
     */
    /// One weighted-Chebyshev run for preference r, next to the exact optimum f*.
    struct ChebyshevRun {
        let problem: VLMOP
        let preference: Vector
        let result: DescentResult
        let exact: Vector
        var method: String { "Chebyshev r₁ = \(fixed(preference[0], 2))" }
        var error: Double { norm(result.values - exact) }
    }
    let chebyshevRuns = try problems.flatMap { problem in
        try preferences.map { r in
            let result = descend(
                problem, "Chebyshev descent (r₁ = \(fixed(r[0], 2)))", from: randomStart(),
                rule: .chebyshev(preference: r, u: flags.u))
            return ChebyshevRun(
                problem: problem, preference: r, result: result,
                exact: try problem.chebyshevOptimum(preference: r).values)
        }
    }
    requireSettled(chebyshevRuns.map { ($0.problem, $0.method, $0.result) })

    var chebyshevTable = Table(
        "chebyshev_runs",
        [
            .init("problem", format: .label(problemNames)),
            .init("r1", format: .fixed(2)), .init("r2", format: .fixed(2)),
            .init("f1", format: .fixed(6)), .init("f2", format: .fixed(6)),
            .init("exact_f1", "exact f1", format: .fixed(6)), .init("exact_f2", "exact f2", format: .fixed(6)),
            .init("error", "‖f − f*‖", format: .scientific(2)), .init("alignment", format: .scientific(2)),
            .init("steps", format: .integer),
        ])
    for run in chebyshevRuns {
        chebyshevTable.append([
            "problem": problemIndex(run.problem),
            "r1": run.preference[0], "r2": run.preference[1],
            "f1": run.result.values[0], "f2": run.result.values[1], "exact_f1": run.exact[0], "exact_f2": run.exact[1],
            "error": run.error,
            "alignment": try preferenceAlignmentError(preference: run.preference, values: run.result.values),
            "steps": Double(run.result.steps),
        ])
    }
    section("4. Weighted Chebyshev: every final point against its exact optimum")
    show(chebyshevTable)
    say("largest distance to the exact Chebyshev optimum: \(sci(chebyshevRuns.map(\.error).max()!))")

    /*:
     ### What u does

     u weighs the preference term against the common-descent term. With u = 0 the
     QP is preference-scaled MGDA: any Pareto-stationary point is a fixed point, so
     the run stops wherever it meets the front. As u grows the weights jump towards
     the objective with the larger r_s f_s — a subgradient step of the max — and a
     fixed step size starts to zig-zag across the ray instead of settling. One
     preference, several u, on VLMOP2, with a budget of at most 5000 steps; here a
     run that does not settle is shown (its `converged` column says so), not refused:
     */
    let ablationStart = randomStart()
    let ablationPreference: Vector = [0.3, 0.7]
    let ablationBudget = min(flags.steps, 5_000)
    let ablationOptimum = try vlmop2.chebyshevOptimum(preference: ablationPreference).values
    var ablation = Table(
        "u_ablation",
        [
            .init("u", format: .fixed(1)), .init("f1", format: .fixed(6)), .init("f2", format: .fixed(6)),
            .init("error", "‖f − f*‖", format: .scientific(2)), .init("steps", format: .integer),
            .init("converged", format: .label(["no", "yes"])),
        ])
    for u in [0, 0.1, 1, 10] {
        let result = descend(
            vlmop2, "Chebyshev descent (u = \(u))", from: ablationStart,
            rule: .chebyshev(preference: ablationPreference, u: u), maxSteps: ablationBudget)
        ablation.append([
            "u": u, "f1": result.values[0], "f2": result.values[1], "error": norm(result.values - ablationOptimum),
            "steps": Double(result.steps), "converged": result.converged ? 1 : 0,
        ])
    }
    section("u ablation on VLMOP2, r = (0.3, 0.7), same start")
    show(ablation)
    say(
        "\(ablation.column("converged").filter { $0 == 1 }.count) of \(ablation.rows.count) runs settled within the step budget "
            + "of \(ablationBudget) here; the solver reports a run that does not settle instead of hiding it.")

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
    /// The point sets we measure: each method's final points, and the exact front itself.
    enum PointSet: Int, CaseIterable {
        case linear, mgda, chebyshev, front
        static let labels = ["linear", "MGDA", "Chebyshev", "front, 1001 samples"]
        var label: String { Self.labels[rawValue] }
    }
    /// How well one point set covers one problem's front.
    struct Coverage {
        let problem: VLMOP
        let set: PointSet
        let nonDominated: Int?
        let points: Int?
        let hypervolume: Double
        let igd: Double
    }
    let reference: Vector = [1.1, 1.1]
    var coverage: [Coverage] = []
    for problem in problems {
        let truth = problem.front(samples: 1001)
        let found: [(PointSet, [Vector])] = [
            (.linear, linearRuns.filter { $0.problem.kind == problem.kind }.map(\.result.values)),
            (.mgda, mgdaRuns.filter { $0.problem.kind == problem.kind }.map(\.result.values)),
            (.chebyshev, chebyshevRuns.filter { $0.problem.kind == problem.kind }.map(\.result.values)),
        ]
        for (set, points) in found {
            coverage.append(
                Coverage(
                    problem: problem, set: set, nonDominated: nonDominatedIndices(points).count, points: points.count,
                    hypervolume: try hypervolume2D(points, reference: reference),
                    igd: try invertedGenerationalDistance(reference: truth, found: points)))
        }
        coverage.append(
            Coverage(
                problem: problem, set: .front, nonDominated: nil, points: nil,
                hypervolume: try hypervolume2D(truth, reference: reference), igd: 0))
    }
    var coverageTable = Table(
        "coverage",
        [
            .init("problem", format: .label(problemNames)), .init("method", format: .label(PointSet.labels)),
            .init("non_dominated", "non-dominated", format: .integer, missing: "-"),
            .init("points", "of", format: .integer, missing: "-"),
            .init("hypervolume", format: .fixed(4)), .init("igd", "IGD", format: .fixed(4)),
        ])
    for entry in coverage {
        coverageTable.append([
            "problem": problemIndex(entry.problem), "method": Double(entry.set.rawValue),
            "non_dominated": entry.nonDominated.map { Double($0) }, "points": entry.points.map { Double($0) },
            "hypervolume": entry.hypervolume, "igd": entry.igd,
        ])
    }
    section("5. Coverage of the front")
    show(coverageTable)
    let best = coverage.filter { $0.problem.kind == .two && $0.set != .front }.min { $0.igd < $1.igd }!
    let chebyshevInMiddle = chebyshevRuns.contains {
        $0.problem.kind == .two && abs(vlmop2.nearestParameter($0.result.x)) < 1 / 2.0.squareRoot()
    }
    say(
        "On VLMOP2 the \(best.set.label) points have the smallest IGD (\(fixed(best.igd, 4)))"
            + (best.set == .chebyshev && chebyshevInMiddle && inTails == preferenceCount
                ? ": they reach the concave middle of the front,\nwhile the linear-scalarization points crowd in its two tails."
                : "."))

    /*:
     ## 6. The figures

     One figure per problem: the exact front, the preference rays r₁f₁ = r₂f₂ with
     the exact Chebyshev optima on them, and the final points of the three methods.
     The data sit in the script as named datablocks, so the numbers behind every
     marker can be read (and are, by the tests); the tables above are saved as
     datablocks in `ch01-tables.dat`.
     */
    /// The chapter's figure for one problem; datablock names and columns are a contract
    /// with the tests and the README.
    func figure(for problem: VLMOP) throws -> Figure {
        let linear = linearRuns.filter { $0.problem.kind == problem.kind }
        let mgda = mgdaRuns.filter { $0.problem.kind == problem.kind }
        let chebyshev = chebyshevRuns.filter { $0.problem.kind == problem.kind }
        var rays: [[Double]] = []
        for run in chebyshev {
            rays.append(run.preference + [0, 0])
            rays.append(run.preference + [1.15 * run.exact[0], 1.15 * run.exact[1]])
            rays.append([])
        }
        let front = try DataBlock("front", columns: ["f1", "f2"], rows: problem.front(samples: 201))
        let rayBlock = try DataBlock("rays", columns: ["r1", "r2", "f1", "f2"], rows: rays)
        let optima = try DataBlock(
            "optima", columns: ["r1", "r2", "f1", "f2"], rows: chebyshev.map { $0.preference + $0.exact })
        let linearBlock = try DataBlock(
            "linear", columns: ["w1", "w2", "f1", "f2"], rows: linear.map { $0.weights + $0.result.values })
        let chebyshevBlock = try DataBlock(
            "chebyshev", columns: ["r1", "r2", "f1", "f2"], rows: chebyshev.map { $0.preference + $0.result.values })
        let mgdaBlock = try DataBlock("mgda", columns: ["f1", "f2"], rows: mgda.map(\.result.values))
        var figure = Figure(
            slug: problem.kind == .one ? "ch01-vlmop1" : "ch01-vlmop2",
            title:
                "\(problem.name) (n = \(problem.dimension)): \(problem.kind == .one ? "convex front" : "front concave in the middle")",
            x: "f_1", y: "f_2", key: "outside right top",
            comments: ["Chapter 1 — Pareto fronts and scalarization: \(problem.name), n = \(problem.dimension)."],
            blocks: [front, rayBlock, optima, linearBlock, chebyshevBlock, mgdaBlock],
            series: [
                try front.series("f1", "f2", .lines, title: "exact front", color: "#000000"),
                try rayBlock.series(
                    "f1", "f2", .lines, title: "preference rays r_1 f_1 = r_2 f_2", color: "#999999",
                    lineWidth: 1, dash: 2),
                try linearBlock.series(
                    "f1", "f2", .points, title: "linear scalarization (w = r)", color: Figure.palette[1],
                    point: 5, pointSize: 1.3),
                try mgdaBlock.series(
                    "f1", "f2", .points, title: "MGDA, random starts", color: Figure.palette[2], point: 9,
                    pointSize: 1.4),
                try chebyshevBlock.series(
                    "f1", "f2", .points, title: "weighted Chebyshev", color: Figure.palette[0],
                    pointSize: 1.3),
                try optima.series(
                    "f1", "f2", .points, title: "exact Chebyshev optima", color: "#000000", point: 2,
                    pointSize: 1.6),
            ])
        (figure.xRange, figure.yRange, figure.equalAxes) = (0...1.1, 0...1.1, true)
        return figure
    }

    section("6. Figures")
    save(
        figures: try problems.map { try figure(for: $0) },
        tables: [stationarity, linearTable, mgdaTable, chebyshevTable, ablation, coverageTable], flags: flags.common)

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
     - A fixed step must stay below 2/L, L the objectives' largest curvature: above
       it a run on a quadratic blows up, and elsewhere it may never settle. A chapter
       checks that its runs are finite and settled before it prints a claim about them.

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
     6. Run with `--step-size 5`, then `--step-size 2`. Which runs does each stop,
        and why does one diverge while the other only fails to settle? On VLMOP1,
        show that linear scalarization multiplies x − (w₁ − w₂)a by (1 − β/2) every
        step, and predict from it the step at which f overflows (about 1.8e308).

     Worked solutions: `book/solutions/01.md`.
     */
} catch { fail("\(error)") }  // weave: hide
