/*:
 # Chapter 1 — Pareto fronts and scalarization

 Learning with several objectives at once — accuracy on two tasks, loss on two
 domains — has no single best answer, only trade-offs. This chapter sets up the
 language the whole course uses, on problems without any bilevel structure yet:

 - **dominance**, **Pareto optimality** and **Pareto stationarity**;
 - **linear scalarization** (minimize a weighted sum), and why it cannot reach the
   concave middle of a front;
 - **MGDA**, the min-norm multi-gradient method, which reaches *some* Pareto-stationary
   point but lets you choose none;
 - **weighted-Chebyshev** multi-gradient descent, which reaches the point *you* ask for
   with a preference vector $r$ — the parent of WC-MHGD ([Chapter 5](05-WCMHGD.md)).

 Everything runs on two test problems whose fronts we know exactly, so every number the
 chapter prints is compared with the truth. Symbols follow the course's
 [notation](notation.md).

 Run it with `swift run -c release ch01` (or `make chapter N=1`); `--help` lists the
 flags. It writes `figures/ch01-vlmop1.gp` and `figures/ch01-vlmop2.gp`, which
 `make figures` renders, and its tables to `figures/ch01-tables.dat`.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter01Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    // weave: begin-hide
    let preferenceCount = flags.preferences ?? (flags.common.quick ? 5 : 9)
    let startCount = flags.starts ?? (flags.common.quick ? 4 : 8)
    let n = flags.dimension
    let beta = flags.stepSize
    say("Chapter 1 — Pareto fronts and scalarization")
    say(
        "seed \(flags.common.seed), n = \(n), \(preferenceCount) preferences, \(startCount) MGDA starts, "
            + "β = \(beta), u = \(flags.u), tolerance \(sci(flags.tolerance)), at most \(flags.steps) steps")
    // weave: end

    /*:
     ## 1. Two objectives, one x

     We minimize $S = 2$ functions $f_1, f_2$ of the same $x \in \mathbb{R}^n$. A value
     vector $f(x')$ **dominates** $f(x)$ when it is no worse in every objective and better
     in one. A point $x$ is **Pareto optimal** when no $f(x')$ dominates $f(x)$; the set of
     such values $f(x)$ is the **Pareto front**.

     Gradient methods see only local information, so they aim at a first-order
     condition instead: $x$ is **Pareto stationary** when some convex combination of the
     gradients vanishes. Its size is the **stationarity gap**

     $$
     \mathcal{G}(x) \;=\; \min_{\lambda \in \Delta_S} \Big\| \sum_{s=1}^{S} \lambda_s \nabla f_s(x) \Big\|^2,
     \qquad \Delta_S = \{\lambda \in \mathbb{R}^S : \lambda \ge 0,\ \textstyle\sum_s \lambda_s = 1\}. \tag{1.1}
     $$

     If $\mathcal{G}(x) > 0$, the minimizing combination gives a direction that decreases
     *every* objective at once; if it is $0$, no such direction exists.

     Our two test problems measure the distance from $x$ to two anchor points
     $\pm\hat{\mathbf{1}}$, where $\hat{\mathbf{1}} = \mathbf{1}/\sqrt{n}$ is the unit vector
     along the diagonal:

     $$
     \text{VLMOP1: } f_{1,2}(x) = \tfrac14 \|x \mp \hat{\mathbf{1}}\|^2,
     \qquad
     \text{VLMOP2: } f_{1,2}(x) = 1 - e^{-\|x \mp \hat{\mathbf{1}}\|^2}. \tag{1.2}
     $$

     Both are increasing in the distance, so the Pareto set is the segment between the
     anchors, $x = \tau\hat{\mathbf{1}}$ with $\tau \in [-1, 1]$, and the front is the curve
     $\tau \mapsto \big((\tau-1)^2/4,\ (\tau+1)^2/4\big)$ for VLMOP1 and
     $\tau \mapsto \big(1 - e^{-(\tau-1)^2},\ 1 - e^{-(\tau+1)^2}\big)$ for VLMOP2.
     Any $x$ off the segment is dominated by its projection onto it, so the front is
     exact, not sampled (`VLMOP` in `Sources/MOBL/Problems/VLMOP.swift`).

     Stationarity is necessary for Pareto optimality, not sufficient: VLMOP2 is not
     convex, and far from both anchors its gradients fade like $e^{-\|x \mp \hat{\mathbf{1}}\|^2}$, so
     the gap there is tiny although nothing is optimal. The gap is what the library's
     `stationarityGap` computes, from MGDA's weights (Section 3):
     */
    // weave: include stationarityGap
    /*:
     We evaluate it at a random $x$ and at the Pareto point $\tau = 0.3$, and check that
     the random point's projection onto the segment dominates it.
     */
    let vlmop1 = try VLMOP(.one, dimension: n)
    let vlmop2 = try VLMOP(.two, dimension: n)
    let problems = [vlmop1, vlmop2]
    var rng = flags.common.generator()
    func randomStart() -> Vector { (1 / Double(n).squareRoot()) * rng.gaussianVector(n) }
    // weave: begin-hide
    /// The `problem` column of the tables: an index into these names.
    let problemNames = problems.map(\.name)
    func problemIndex(_ problem: VLMOP) -> Double { Double(problems.firstIndex { $0.kind == problem.kind }!) }

    var stationarity = Table(
        "stationarity_gap",
        [
            .init("problem", format: .label(problemNames)),
            .init("gap_random", "gap at random x", format: .scientific(2)),
            .init("gap_front", "gap at Pareto point τ = 0.3", format: .scientific(2)),
            .init("projection_dominates", "projection dominates x", format: .label(["no", "yes"])),
        ])
    // weave: end
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
    /*:
     On the front the gap is 3.85e-33, zero up to rounding; at the random point it is
     2.71e-01 on VLMOP1 and 8.68e-02 on VLMOP2, and in both problems the projection
     dominates the random point, as the argument above says it must.

     ## 2. Linear scalarization

     The oldest trick: pick weights $w \in \Delta_2$ and minimize the single function
     $w_1 f_1 + w_2 f_2$ by gradient descent. Every minimizer is Pareto optimal, and on a
     *convex* front every front point is the minimizer for some $w$. Where a front is
     *concave* that fails: along a concave stretch the weighted sum has maxima but no
     minima, so gradient descent slides off it. VLMOP2's front is concave in the middle,
     $|\tau| < 1/\sqrt2 \approx 0.707$, and convex only in its two tails; whatever $w$ is,
     the run ends in a tail. (Which tail depends on $w$ and on the start: each tail can
     hold a local minimum.)

     ### How large a step?

     Every method of this chapter is the library's `multiGradientDescent`,
     $x \leftarrow x + \beta d$, with one fixed step $\beta$ (`--step-size`) and a
     direction $d$ that combines the gradients with weights summing to at most 1. For
     gradient descent on a function whose curvature is bounded, $\|\nabla^2 f\| \le L_f$, a
     step $\beta < 2/L_f$ makes every step decrease $f$; past $2/L_f$ the step overshoots.
     Our objectives' curvatures are known:

     $$
     \text{VLMOP1: } \nabla^2 f_s = \tfrac12 I,\ L_f = \tfrac12;
     \qquad
     \text{VLMOP2: } \nabla^2 f_s = 2e^{-\|x \mp \hat{\mathbf{1}}\|^2}\big(I - 2(x \mp \hat{\mathbf{1}})(x \mp \hat{\mathbf{1}})^\top\big),\ L_f = 2. \tag{1.3}
     $$

     VLMOP2's curvature is largest at the anchors. Above $2/L_f$ a run on VLMOP1,
     a quadratic, blows up: its distance to the minimizer grows by the factor
     $|1 - \beta/2|$ every step until $f$ overflows. A run on VLMOP2 cannot blow up ($f$
     stays in $[0, 1]$), but near the anchors it may overshoot back and forth instead of
     settling. The chapter's `descend` runs one descent and stops the chapter — naming
     the flag and its limit — when a run's values stop being finite, and
     `requireSettled` stops it when runs did not settle within the step budget, before
     any sentence is built on them (both are hidden here; they are in the chapter's
     source). Each weight $w_1 = 0.1, \dots, 0.9$ runs from its own random start:
     */
    // weave: begin-hide
    /// A bound L on the curvature ‖∇²f_s‖ of both objectives of a problem (derived above).
    func curvatureBound(_ problem: VLMOP) -> Double { problem.kind == .one ? 0.5 : 2 }
    let stepLimits = problems.map { "2/L_f = \(formatNumber(2 / curvatureBound($0))) on \($0.name)" }.joined(
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
                    + "at step \(diverged.step); the step must be below about 2/L_f = \(formatNumber(2 / curvatureBound(problem))) for this problem "
                    + "(its curvature is at most L_f = \(formatNumber(curvatureBound(problem)))); the chapter's limits are \(stepLimits)"
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
                    + "2/L_f = \(limit) for \(problem.name) (its curvature reaches L_f = \(formatNumber(curvatureBound(problem)))), "
                    + "so a step can overshoot instead of settling: use a --step-size below \(limit)")
        }
        var advice = "give them more --steps or a smaller --step-size"
        if unsettled.contains(where: { $0.method.hasPrefix("Chebyshev") }), flags.u > 0, beta > 2 / flags.u {
            advice +=
                " (Chebyshev runs with --u \(formatNumber(flags.u)) settle reliably for β ≲ 2/u = \(formatNumber(2 / flags.u)))"
        }
        fail("these runs did not converge within \(flags.steps) steps: \(list); \(advice)")
    }

    // weave: end
    let preferences: [Vector] = (1...preferenceCount).map { Double($0) / Double(preferenceCount + 1) }.map {
        [$0, 1 - $0]
    }

    // weave: begin-hide
    /// Where linear scalarization with weights w ended.
    struct LinearRun {
        let problem: VLMOP
        let weights: Vector
        let result: DescentResult
        var method: String { "linear w₁ = \(fixed(weights[0], 2))" }
        /// The front parameter τ of the Pareto point nearest to the final x.
        var s: Double { problem.nearestParameter(result.x) }
    }
    // weave: end
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
    // weave: begin-hide
    let linearOn1 = linearRuns.filter { $0.problem.kind == .one },
        linearOn2 = linearRuns.filter { $0.problem.kind == .two }

    var linearTable = Table(
        "linear_scalarization",
        [
            .init("w1", format: .fixed(2)),
            .init("vlmop1_f1", "VLMOP1 f1", format: .fixed(4)), .init("vlmop1_f2", "VLMOP1 f2", format: .fixed(4)),
            .init("vlmop2_f1", "VLMOP2 f1", format: .fixed(4)), .init("vlmop2_f2", "VLMOP2 f2", format: .fixed(4)),
            .init("vlmop2_s", "VLMOP2 τ", format: .fixed(3)),
        ])
    for (one, two) in zip(linearOn1, linearOn2) {
        linearTable.append([
            "w1": one.weights[0], "vlmop1_f1": one.result.values[0], "vlmop1_f2": one.result.values[1],
            "vlmop2_f1": two.result.values[0], "vlmop2_f2": two.result.values[1], "vlmop2_s": two.s,
        ])
    }
    section("2. Linear scalarization: where each weight lands")
    /// How far a final x's values are from the front point of its projection (0 on the Pareto set).
    func distanceToFront(_ problem: VLMOP, _ x: Vector) -> Double {
        norm(problem.values(at: x) - problem.frontPoint(problem.nearestParameter(x)))
    }
    // weave: end
    show(linearTable)
    // weave: begin-hide
    let sOn1 = linearOn1.map(\.s)
    let onFront1 = linearOn1.map { distanceToFront(vlmop1, $0.result.x) }.max()!
    say(
        "VLMOP1: largest distance of a linear point from the front \(sci(onFront1)); τ from \(fixed(sOn1.first!, 2)) to \(fixed(sOn1.last!, 2))"
    )
    say(
        "VLMOP2: smallest |τ| of a linear point \(fixed(linearOn2.map { abs($0.s) }.min()!, 3)) (the concave middle is |τ| < 1/√2 ≈ 0.707)"
    )
    // weave: end

    /*:
     On VLMOP1 the points lie on the front (within 3.37e-16) and move along it in order as
     $w_1$ grows, from $\tau = -0.80$ to $0.80$ — in fact $\tau = w_1 - w_2$ exactly
     (Exercise 4). On VLMOP2 every weight lands in a tail: the smallest $|\tau|$ any run
     reaches is 0.958, far outside the concave middle $|\tau| < 0.707$. The weights
     $w_1 \le 0.4$ end near the anchor of $f_2$ and the others near that of $f_1$: the
     concave middle of the front is out of reach of linear scalarization.
     */
    /*:
     ## 3. MGDA: a common descent direction

     MGDA ([Désidéri 2012](references.md#désidéri-2012); [Sener & Koltun 2018](references.md#sener--koltun-2018)) steps
     along $d = -\sum_s \lambda_s \nabla f_s$ with the weights that solve the
     stationarity-gap problem (1.1). That is a tiny quadratic program on the simplex,
     $\min_{\lambda \in \Delta_S} \lambda^\top P \lambda + c^\top \lambda$ with the Gram
     matrix $P_{ij} = \langle \nabla f_i, \nabla f_j \rangle$ and $c = 0$; the library
     solves it exactly by trying every support and checking the KKT conditions
     (`solveSimplexQP` in `Sources/MOBL/Weights/SimplexQP.swift`). For two objectives
     it has a closed form. With $\lambda = (\lambda_1, 1 - \lambda_1)$ the objective is a
     parabola in $\lambda_1$, and its minimizer on $[0, 1]$ is

     $$
     \lambda_1 = \operatorname{clamp}\!\left( \frac{\langle \nabla f_2 - \nabla f_1,\, \nabla f_2 \rangle}{\|\nabla f_1 - \nabla f_2\|^2},\ 0,\ 1 \right). \tag{1.4}
     $$

     The ends 0 and 1 are legitimate answers (one gradient alone is then a common
     descent direction), so we do not clamp to $[0.001, 0.999]$ as some code does. Here
     is the library's closed form, for any $P$ and $c$ (Exercise 7 derives it):
     */
    // weave: include simplexQPClosedForm2
    /*:
     Both routes must agree, on random points of VLMOP2:
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
     They agree to 2.22e-16, the rounding of one subtraction. Now MGDA itself, from
     eight random starts on each problem:
     */
    // weave: begin-hide
    /// One MGDA run from a random start, and the stationarity gap where it stopped.
    struct MGDARun {
        let problem: VLMOP
        let start: Int
        let result: DescentResult
        let gap: Double
    }
    // weave: end
    let mgdaRuns = try problems.flatMap { problem in
        try (1...startCount).map { start in
            let result = descend(problem, "MGDA (start \(start))", from: randomStart(), rule: .minNorm)
            return MGDARun(
                problem: problem, start: start, result: result,
                gap: try stationarityGap(gradients: problem.gradients(at: result.x)))
        }
    }
    requireSettled(mgdaRuns.map { ($0.problem, "MGDA start \($0.start)", $0.result) })
    // weave: begin-hide
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
    // weave: end
    show(mgdaTable)
    say(
        "largest distance of an MGDA point from the front: \(sci(mgdaRuns.map { distanceToFront($0.problem, $0.result.x) }.max()!))"
    )

    /*:
     Every run stops on the front (the largest distance is 2.48e-16) with a gap below
     1e-20, each in fewer than 81 steps — but where it stops is decided by the start:
     MGDA stops wherever it first meets the Pareto set, near the projection of its
     start. On VLMOP1 the eight runs end anywhere from $f_1 = 0.0674$ to $0.4290$. MGDA
     reaches the front, but nothing in the method lets us say *which* point we want.
     */

    /*:
     ## 4. Weighted-Chebyshev scalarization

     Instead of a sum, minimize the worst weighted objective,

     $$
     \min_x \; \max_s \; r_s \big(f_s(x) - z_s\big), \qquad r \in \Delta_S,\ \text{every } r_s > 0, \tag{1.5}
     $$

     with a reference point $z$ (here $z = 0$). **The convention of the whole course:**
     at an optimum where both objectives are active, $r_1(f_1 - z_1) = r_2(f_2 - z_2)$,
     so a *larger* $r_s$ buys a *smaller* $f_s$. The optimum lies where the front meets
     the ray $\{f : r_1 f_1 = r_2 f_2\}$, and every front point — concave parts included
     — is the optimum for some $r$ (all but the two end points, which would need an
     $r_s = 0$) ([Miettinen 1999](references.md#miettinen-1999)).

     To descend on this non-smooth function with gradients, linearize it at $x$ and add
     a proximal term:

     $$
     \min_d \; \max_s \; r_s \big(f_s + \langle \nabla f_s, d \rangle - z_s\big) + \frac{\|d\|^2}{2\gamma}. \tag{1.6}
     $$

     Write the max as $\max_{\lambda \in \Delta_S} \sum_s \lambda_s(\cdot)$. The problem is
     convex in $d$ and linear in $\lambda$, so min and max may be swapped; the inner
     minimum is at $d = -\gamma \sum_s r_s \lambda_s \nabla f_s$, and substituting it
     leaves the dual

     $$
     \lambda = \operatorname*{argmin}_{\lambda \in \Delta_S} \; \Big\| \sum_s r_s \lambda_s \nabla f_s \Big\|^2 - u \sum_s \lambda_s r_s (f_s - z_s), \qquad u = \frac{2}{\gamma}, \tag{1.7}
     $$

     the same simplex QP as MGDA's with one extra linear term. In the library:
     */
    // weave: include chebyshevWeights
    /*:
     We step with a fixed $\beta$ instead of the $\gamma = 2/u$ of the derivation,
     $x \leftarrow x - \beta \sum_s r_s \lambda_s \nabla f_s$: the fixed points do not
     depend on $\beta$, only the stability does (a larger $u$ moves $\lambda$ more
     abruptly and needs a smaller $\beta$; $\beta \lesssim 2/u$ is a safe guide). The
     three rules of this chapter differ only in the weights they put on the gradients:
     */
    // weave: include DescentRule.direction
    /*:
     The fixed points of (1.7) are exactly what we want. On the Pareto set the
     gradients can cancel, and where $r_1 f_1 = r_2 f_2$ the linear term is the same for
     every $\lambda$, so the QP picks the cancelling weights and the step is zero. Off
     the ray, the linear term tilts $\lambda$ towards the objective that is too large,
     and the step moves along the front towards the ray.

     The exact optima we compare with: for VLMOP1 the closed form
     $\tau = (\sqrt{r_1} - \sqrt{r_2})/(\sqrt{r_1} + \sqrt{r_2})$,
     $f = (r_2, r_1)/(\sqrt{r_1} + \sqrt{r_2})^2$; for VLMOP2, bisection on
     $r_1 f_1(\tau) - r_2 f_2(\tau)$, which is monotone in $\tau$ (`chebyshevOptimum`).
     Each preference $r_1 = 0.1, \dots, 0.9$ runs from its own random start:
     */
    // weave: begin-hide
    /// One weighted-Chebyshev run for preference r, next to the exact optimum f*.
    struct ChebyshevRun {
        let problem: VLMOP
        let preference: Vector
        let result: DescentResult
        let exact: Vector
        var method: String { "Chebyshev r₁ = \(fixed(preference[0], 2))" }
        var error: Double { norm(result.values - exact) }
    }
    // weave: end
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
    // weave: begin-hide
    var chebyshevTable = Table(
        "chebyshev_runs",
        [
            .init("problem", format: .label(problemNames)),
            .init("r1", format: .fixed(2)), .init("r2", format: .fixed(2)),
            .init("f1", format: .fixed(6)), .init("f2", format: .fixed(6)),
            .init("exact_f1", "exact f1", format: .fixed(6)), .init("exact_f2", "exact f2", format: .fixed(6)),
            .init("error", "‖f − f*‖", format: .scientific(2)), .init("misalignment", format: .scientific(2)),
            .init("steps", format: .integer),
        ])
    for run in chebyshevRuns {
        chebyshevTable.append([
            "problem": problemIndex(run.problem),
            "r1": run.preference[0], "r2": run.preference[1],
            "f1": run.result.values[0], "f2": run.result.values[1], "exact_f1": run.exact[0], "exact_f2": run.exact[1],
            "error": run.error,
            "misalignment": try misalignment(preference: run.preference, values: run.result.values),
            "steps": Double(run.result.steps),
        ])
    }
    section("4. Weighted Chebyshev: every final point against its exact optimum")
    // weave: end
    show(chebyshevTable)
    say("largest distance to the exact Chebyshev optimum: \(sci(chebyshevRuns.map(\.error).max()!))")

    /*:
     Every final point lies within 6.28e-16 of its exact optimum, on both problems —
     on VLMOP2's concave middle too, where linear scalarization could not go. The
     *misalignment* column measures how far a point is from its preference's ray,

     $$
     \mathcal{M}_r(f) = \frac{\max_s r_s f_s - \min_s r_s f_s}{\max_s r_s f_s} \in [0, 1], \tag{1.8}
     $$

     zero on the ray; here it is at most 1.41e-15. The figures put the three methods side
     by side.
     */
    // weave: begin-hide
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
        return try Figure.curves(
            problem.kind == .one ? "ch01-vlmop1" : "ch01-vlmop2",
            title:
                "\(problem.name) (n = \(problem.dimension)): \(problem.kind == .one ? "convex front" : "front concave in the middle")",
            x: "f_1", y: "f_2", key: "outside right top",
            comment: "Chapter 1 — Pareto fronts and scalarization: \(problem.name), n = \(problem.dimension).",
            against: "f1",
            [
                .truth("f2", "exact front", .lines, data: front),
                Curve(
                    "f2", "preference rays r_1 f_1 = r_2 f_2", .lines, data: rayBlock, color: "#999999", lineWidth: 1,
                    dash: 2),
                Curve("f2", "weighted Chebyshev", .points, data: chebyshevBlock, pointSize: 1.3),
                Curve("f2", "linear scalarization (w = r)", .points, data: linearBlock, pointSize: 1.3),
                Curve("f2", "MGDA, random starts", .points, data: mgdaBlock, pointSize: 1.4),
                .truth("f2", "exact Chebyshev optima", data: optima, point: 2, pointSize: 1.6),
            ], equalAxes: true, xRange: 0...1.1, yRange: 0...1.1)
    }

    show(
        try figure(for: vlmop1),
        caption: """
            VLMOP1, a convex front. Linear scalarization (squares) and weighted Chebyshev (circles) \
            both land on the front, each Chebyshev point on its exact optimum (crosses) where its \
            preference ray meets the front; MGDA's points (triangles) lie wherever their starts led. \
            Note how the Chebyshev points bunch towards the middle: evenly spaced r does not give \
            evenly spaced points (Section 5).
            """)
    show(
        try figure(for: vlmop2),
        caption: """
            VLMOP2, a front concave in the middle. Every linear-scalarization point sits in one of \
            the two tails, at the ends of the front; the Chebyshev points follow their rays into the \
            concave middle and hit the exact optima.
            """)
    // weave: end

    /*:
     ### What u does

     $u$ weighs the preference term against the common-descent term of (1.7). With
     $u = 0$ the QP is preference-scaled MGDA: any Pareto-stationary point is a fixed
     point, so the run stops wherever it meets the front. As $u$ grows the weights jump
     towards the objective with the larger $r_s f_s$ — a subgradient step of the max —
     and a fixed step size starts to zig-zag across the ray instead of settling. One
     preference, $r = (0.3, 0.7)$, several $u$, on VLMOP2, from one start and with a
     budget of at most 5000 steps; here a run that does not settle is shown (its
     `converged` column says so), not refused:
     */
    // weave: begin-hide
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
    // weave: end
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

    /*:
     At $u = 0$ the run stops on the front but 4.68e-01 away from the optimum it was
     asked for: nothing pulls it along the front. $u = 0.1$ and $u = 1$ both reach the
     optimum, the weaker pull in 762 steps against 165. At $u = 10$ with
     $\beta = 0.5 > 2/u$ the run zig-zags across the ray and is still 2.72e-02 away after
     the 5000 steps of its budget; its row says `no` rather than pretending.

     ## 5. Measuring a set of solutions

     Three numbers summarize how well a set of final points covers a front:

     - the **non-dominated** points (the others are wasted effort);
     - the **hypervolume**, the area the set dominates up to a reference point, here
       $(1.1, 1.1)$ — larger is better ([Zitzler & Thiele 1999](references.md#zitzler--thiele-1999));
     - the **IGD** (inverted generational distance), the mean distance from a dense
       sampling of the true front to the nearest found point — small only when the set
       is close to *and* spread along the whole front.
     */
    // weave: begin-hide
    /// How well one point set (a method's final points, or the exact front itself) covers one problem's front.
    struct Coverage {
        let problem: VLMOP
        let set: String
        let nonDominated: Int?
        let points: Int?
        let hypervolume: Double
        let igd: Double
    }
    let reference: Vector = [1.1, 1.1]
    var coverage: [Coverage] = []
    for problem in problems {
        let truth = problem.front(samples: 1001)
        let found: [(String, [Vector])] = [
            ("linear", linearRuns.filter { $0.problem.kind == problem.kind }.map(\.result.values)),
            ("MGDA", mgdaRuns.filter { $0.problem.kind == problem.kind }.map(\.result.values)),
            ("Chebyshev", chebyshevRuns.filter { $0.problem.kind == problem.kind }.map(\.result.values)),
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
                problem: problem, set: "front, 1001 samples", nonDominated: nil, points: nil,
                hypervolume: try hypervolume2D(truth, reference: reference), igd: 0))
    }
    let coverageTable = Table(
        "coverage", coverage,
        [
            .text("problem") { $0.problem.name }, .text("method") { $0.set },
            .number("non_dominated", header: "non-dominated", .integer, missing: "-") {
                $0.nonDominated.map(Double.init)
            },
            .number("points", header: "of", .integer, missing: "-") { $0.points.map(Double.init) },
            .number("hypervolume", .fixed(4)) { $0.hypervolume }, .number("igd", header: "IGD", .fixed(4)) { $0.igd },
        ])
    section("5. Coverage of the front")
    // weave: end
    show(coverageTable)
    // weave: begin-hide
    let spread = [
        ("linear", linearOn1.map(\.s)),
        ("Chebyshev", chebyshevRuns.filter { $0.problem.kind == .one }.map { vlmop1.nearestParameter($0.result.x) }),
    ]
    // weave: end
    say(
        "VLMOP1, front parameters reached: "
            + spread.map { "\($0.0) τ = \(fixed($0.1.min()!, 2)) … \(fixed($0.1.max()!, 2))" }.joined(separator: ", "))

    /*:
     On VLMOP2 the Chebyshev points win clearly: IGD 0.0500 against 0.2767 for linear
     scalarization, whose points crowd in the two tails, and hypervolume 0.4833 of the
     0.5516 the whole front dominates.

     On VLMOP1 the order is reversed — linear scalarization has the better IGD (0.0499
     against 0.1187) and hypervolume (1.0045 against 0.9776) — and nothing is wrong with
     either method. Evenly spaced preferences give *unevenly* spaced front points. The
     Chebyshev optimum for $r$ is $\tau = (\sqrt{r_1} - \sqrt{r_2})/(\sqrt{r_1} + \sqrt{r_2})$,
     which maps $r_1 = 0.1, \dots, 0.9$ to $\tau$ from $-0.50$ to $0.50$, bunched in the
     middle (Figure 1.1), while linear scalarization's $\tau = w_1 - w_2$ spreads evenly
     from $-0.80$ to $0.80$. The Chebyshev set leaves both ends of the front uncovered,
     and IGD and hypervolume both charge for that. A preference is a request for one
     point, not a sampling plan: to cover a front evenly, space the preferences by the
     points they give.
     */
    save(tables: [stationarity, linearTable, mgdaTable, chebyshevTable, ablation, coverageTable], flags: flags.common)  // weave: hide

    /*:
     ## Summary

     - A front is a set of trade-offs. Pareto stationarity — a convex combination of the
       gradients vanishing — is what gradient methods can certify, and its size is the
       stationarity gap (1.1), the optimum of a small QP on the simplex.
     - Linear scalarization reaches every point of a convex front but nothing in the
       concave part of a front: on VLMOP2 only the convex tails.
     - MGDA reaches the front from anywhere but gives no say in where; for two objectives
       its weights have the closed form (1.4).
     - Weighted-Chebyshev descent adds one linear term, $-u\,\lambda^\top\big(r \odot (f - z)\big)$,
       to MGDA's QP (1.7); its fixed point is the Chebyshev optimum $r_1 f_1 = r_2 f_2$, so
       sweeping $r$ traces the whole front, concave parts included. Larger $r_s$, smaller $f_s$.
     - Evenly spaced preferences give unevenly spaced points: on VLMOP1 the Chebyshev
       points cover $\tau \in [-0.5, 0.5]$ only, which is why their IGD and hypervolume
       there are worse than linear scalarization's.
     - $u$ trades stationarity against preference: $u = 0$ is preference-scaled MGDA
       (it stops anywhere on the front); a large $u$ zig-zags unless $\beta$ shrinks.
     - A fixed step must stay below $2/L_f$, $L_f$ the objectives' largest curvature (1.3):
       above it a run on a quadratic blows up, and elsewhere it may never settle. A
       chapter checks that its runs are finite and settled before it states a claim.

     ## Exercises

     1. *(run)* Run `swift run -c release ch01 --u 0`. Where do the Chebyshev points end
        up, and why does the exact-optimum error grow? (Section 4's ablation table gives
        a hint.)
     2. *(run)* Run with `--preferences 19`. Check from `figures/ch01-vlmop2.gp` that the
        `$chebyshev` points stay ordered along the front: $f_1$ decreases as $r_1$ grows.
     3. *(run)* Run with `--u 10`. The Chebyshev runs zig-zag across their rays, and the
        chapter stops with an error listing the runs that did not converge (instead of
        plotting points it cannot vouch for). Find the largest `--step-size` with which
        `--u 10` converges again (it lies between 0.2 and 0.5), and compare it with the
        guide $\beta \lesssim 2/u$ — safe, but conservative.
     4. *(derive)* Show that on VLMOP1 linear scalarization with weight $w$ stops at the
        front parameter $\tau = w_1 - w_2$ (Section 2's table agrees: $w_1 = 0.1$ gives
        $f_1 = 0.81 = (1 - \tau)^2/4$ with $\tau = -0.8$). Deduce the weight $w$ that lands
        on the Chebyshev optimum for a given $r$, and check your formula against the
        tables of Sections 2 and 4: for $r = (0.5, 0.5)$ both must show
        $f = (0.25, 0.25)$; for $r = (0.1, 0.9)$ your $w$ must place the linear point at
        $f = (0.5625, 0.0625)$ — `--preferences 3` runs $w_1 = 0.25, 0.5, 0.75$.
     5. *(run)* Change `--dimension` to 2 and to 200. Which numbers in the tables change,
        and which cannot (and why)?
     6. *(run, derive)* Run with `--step-size 5`, then `--step-size 2`. Which runs does
        each stop, and why does one diverge while the other only fails to settle? On
        VLMOP1, show that linear scalarization multiplies $x - (w_1 - w_2)\hat{\mathbf{1}}$ by
        $(1 - \beta/2)$ every step, and predict from it the step at which $f$ overflows
        (about 1.8e308).
     7. *(derive)* Derive the closed form of the two-objective simplex QP used by
        `simplexQPClosedForm2`: with $\lambda = (t, 1 - t)$, write
        $\lambda^\top P \lambda + c^\top \lambda$ as $a t^2 + b t + \text{const}$ with
        $t = \lambda_1$, find $a$ and $b$, and show that the minimizer over $[0, 1]$ is
        $\operatorname{clamp}(-b/2a, 0, 1)$ when $a > 0$. Then show that for MGDA
        ($P$ the Gram matrix, $c = 0$) it is (1.4). What happens when $a = 0$?
     8. *(implement)* Write your own `chebyshevWeights2(g1:g2:f:r:u:)` for $S = 2$ from
        the closed form of Exercise 7 — which $P$ and $c$ does (1.7) give? — and check it
        against the library's `chebyshevWeights` on a thousand random gradients, values,
        preferences and $u \in [0, 10]$: the weights should agree to about 1e-15.

     Worked solutions: [solutions/01.md](solutions/01.md).

     ## Further reading

     - Pareto optimality, scalarization and the weighted-Chebyshev method, with its proof
       that every Pareto point is a Chebyshev optimum: [Miettinen 1999](references.md#miettinen-1999),
       Part II.
     - MGDA: [Désidéri 2012](references.md#désidéri-2012) introduced the min-norm common descent
       direction; [Sener & Koltun 2018](references.md#sener--koltun-2018) made it practical for multi-task
       deep learning, with the two-objective closed form used here.
     - The VLMOP test problems: [Van Veldhuizen & Lamont 1999](references.md#van-veldhuizen--lamont-1999).
     - Hypervolume and coverage measures: [Zitzler & Thiele 1999](references.md#zitzler--thiele-1999).
     - Where this chapter leads: WC-MHGD ([Zhang et al. 2025](references.md#zhang-et-al-2025), arXiv 2511.07824) replaces
       the gradients of (1.7) by hypergradients of a bilevel problem
       ([Chapter 5](05-WCMHGD.md)).
     */
} catch { fail("\(error)") }  // weave: hide
