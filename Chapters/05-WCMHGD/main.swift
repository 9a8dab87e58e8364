/*:
 # Chapter 5 — WC-MHGD: preference-guided multi-hypergradient descent

 [Chapter 1](01-ParetoFronts.md) met three ways to turn $S$ objectives into one step —
 linear scalarization, MGDA's min-norm direction and weighted-Chebyshev descent — with
 exact gradients. [Chapters 2](02-Hypergradients.md)–[4](04-WarmStarts.md) built the
 pieces that make gradients of *reduced* objectives $\Phi_s(x) = f_s(x, y^*(x))$
 affordable: hypergradients by implicit differentiation (AID), CG or a Neumann series
 for the Hessian solve, and warm-started inner loops. This chapter puts them together
 into **WC-MHGD**, weighted-Chebyshev multi-hypergradient descent
 ([Zhang et al. 2025](references.md#zhang-et-al-2025), arXiv 2511.07824), and runs it
 where every answer is known exactly. You will learn

 - where its weighting subproblem comes from: the dual of a linearized Chebyshev step,
   whose two limits are MGDA ($u = 0$) and a Chebyshev subgradient step ($u \to \infty$);
 - why the Chebyshev optimum of a preference $r$ is the algorithm's fixed point, so that
   sweeping $r$ walks along the Pareto front — and what the size of the objectives does
   to the preference term;
 - what the knobs $u$ and $D$ do, and what rate the stationarity gap shows against the
   $O(1/K)$ guarantee.

 The convention is Chapter 1's: the weighted Chebyshev problem is
 $\min_x \mathcal{T}_r(x)$ with $\mathcal{T}_r(x) = \max_s r_s(\Phi_s(x) - z_s)$ and
 $z = 0$, so a **larger $r_s$ buys a smaller $\Phi_s$**; the stationarity gap
 $\mathcal{G}(x)$ is (1.1) for the $\Phi_s$. Symbols follow the course's
 [notation](notation.md). Run it with `swift run -c release ch05` (or
 `make chapter N=5`); `--help` lists the flags. The cost of the algorithm against
 $\kappa$ and $S$ is an optional appendix at the end.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter05Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    // weave: begin-hide
    let K = flags.outerSteps ?? (flags.common.quick ? 800 : 3000)
    let preferenceCount = flags.preferences ?? (flags.common.quick ? 5 : 9)
    let budget = flags.budget ?? (flags.common.quick ? 5000 : 20000)
    let (u, D, m) = (flags.u, flags.innerSteps, flags.cgSteps)
    say("Chapter 5 — WC-MHGD")
    say(
        "seed \(flags.common.seed), n = p = 10, κ = \(flags.kappa), K = \(K) outer steps, u = \(u), D = \(D), CG(m = \(m))"
    )
    say("\(preferenceCount) preferences; appendix: ε = \(sci(flags.epsilon)), budget \(budget) steps")
    // weave: end

    /*:
     ## 1. The weighting subproblem

     **The test problems.** The MOBL toys of the library (`MOBLToy`) have a quadratic
     lower level and upper objectives that read only $y$:

     $$
     \begin{aligned}
     g(x, y) &= \tfrac12 y^\top A y - y^\top x, & f_s(x, y) &= f_s(y), \\
     y^*(x) &= A^{-1} x, & \nabla\Phi_s(x) &= A^{-1} \nabla f_s\big(y^*(x)\big),
     \end{aligned} \tag{5.1}
     $$

     with $A$ symmetric positive definite, its eigenvalues log-spaced in $[1, \kappa]$
     (so $\mu = 1$, $L = \kappa$) in a seeded random eigenbasis. Because $y^*$ is a
     bijection, $\Phi_s = f_s \circ A^{-1}$ has *exactly* the Pareto front of the $f_s$ —
     known in closed form — while every hypergradient needs a genuine Hessian solve. With
     VLMOP2 in $y$ ($S = 2$, centres $\pm\hat{\mathbf{1}}$) the front is concave and the
     Chebyshev optimum of each $r$ is found by bisection; with
     $f_s(y) = 1 - e^{-\|y - y^{\mathrm{c}}_s\|^2}$ and centres $y^{\mathrm{c}}_s$ on a
     regular $S$-gon the Pareto set is the polygon. Every toy is built from the same seeded
     generator, so all share one $A$ (for a given $\kappa$) and one start $x_0$, with
     $y_0 = 0$.
     */
    func toy(_ objectives: MOBLToy.Objectives, kappa: Double) throws -> (problem: MOBLToy, x0: Vector) {
        var rng = flags.common.generator()
        let problem = try MOBLToy.standard(objectives, kappa: kappa, using: &rng)
        return (problem, rng.gaussianVector(problem.upperDimension).map { 0.3 * $0 })
    }
    let (toy2, x0) = try toy(.vlmop2, kappa: flags.kappa)

    /*:
     **Deriving the QP.** At $x_k$ write $\nabla\Phi(x_k) = [\nabla\Phi_1, \dots, \nabla\Phi_S]$,
     the $n \times S$ matrix of hypergradients, and $\Phi = \Phi(x_k)$. We want a step $d$
     that lowers $\mathcal{T}_r(x_k + d)$. Linearize each $\Phi_s$ and keep the step short
     with a proximal term of strength $1/\gamma$:

     $$
     \min_d \; \max_s \; r_s\big(\Phi_s + \nabla\Phi_s^\top d - z_s\big) + \frac{\|d\|^2}{2\gamma}. \tag{5.2}
     $$

     A maximum over $s$ is a maximum over the simplex, $\max_s a_s = \max_{\lambda \in \Delta_S} \sum_s \lambda_s a_s$,
     so (5.2) is $\min_d \max_{\lambda \in \Delta_S} \mathcal{L}(d, \lambda)$ with the Lagrangian

     $$
     \mathcal{L}(d, \lambda) = \sum_s \lambda_s r_s (\Phi_s - z_s) + \big(\nabla\Phi\,(r \odot \lambda)\big)^\top d + \frac{\|d\|^2}{2\gamma}, \tag{5.3}
     $$

     convex in $d$, linear (so concave) in $\lambda$, on a compact simplex: min and max may
     be swapped ([Boyd & Vandenberghe 2004](references.md#boyd--vandenberghe-2004)). For
     fixed $\lambda$ the minimum over $d$ is at $d = -\gamma \nabla\Phi\,(r \odot \lambda)$,
     where $\mathcal{L} = \sum_s \lambda_s r_s(\Phi_s - z_s) - \tfrac{\gamma}{2}\|\nabla\Phi\,(r \odot \lambda)\|^2$.
     Maximizing that over $\lambda$, and multiplying by $-2/\gamma$ (which turns max into
     min), gives the **weighting QP** and the step:

     $$
     \begin{aligned}
     \lambda_k &= \operatorname*{argmin}_{\lambda \in \Delta_S} \; \big\|\nabla\Phi\,(r \odot \lambda)\big\|^2 - u\, \lambda^\top \big(r \odot (\Phi - z)\big), \qquad u = \frac{2}{\gamma}, \\
     x_{k+1} &= x_k - \beta\, \nabla\Phi\,(r \odot \lambda_k).
     \end{aligned} \tag{5.4}
     $$

     Only the $S \times S$ Gram matrix $\nabla\Phi^\top \nabla\Phi$ enters, so the QP is tiny
     whatever $n$ is; the library solves it exactly (`chebyshevWeights`, Chapter 1's simplex
     QP with a KKT certificate).

     **Two limits.** At $u = 0$ the preference term vanishes and (5.4) is MGDA's min-norm
     problem for the scaled gradients $r_s\nabla\Phi_s$
     ([Désidéri 2012](references.md#désidéri-2012)): a common descent direction, with $r$
     only rescaling the gradients. As $u \to \infty$ the linear term dominates, and a linear
     function on the simplex is smallest at a vertex: all weight goes to the objective with
     the largest $r_s(\Phi_s - z_s)$, the active piece of $\mathcal{T}_r$ — a subgradient
     step. Here are the weights on the $S = 2$ toy at $x_0$, with the exact hypergradients
     there and $r = (0.3, 0.7)$:
     */
    let rDemo: Vector = [0.3, 0.7]
    let (gradients0, values0) = (toy2.exactHypergradients(x: x0), toy2.reducedValues(x: x0))

    /// λ from the weighting QP (5.4) and the length ‖∇Φ (r⊙λ)‖ of the direction it gives.
    func weighting(_ gradients: [Vector], _ values: Vector, r: Vector, u: Double) throws -> (
        lambda: Vector, stepNorm: Double
    ) {
        let lambda = try chebyshevWeights(gradients: gradients, values: values, preference: r, u: u).weights
        return (lambda, norm(combination(hadamard(r, lambda), gradients)))
    }
    let demoUs: [Double] = [0, 0.01, 0.1, 1, 10, 100, 1e4]
    let limitRows = try demoUs.map { (u: $0, w: try weighting(gradients0, values0, r: rDemo, u: $0)) }
    // weave: begin-hide
    let limits = Table(
        "weights_at_x0", limitRows,
        [
            .number("u", .scientific(0)) { $0.u }, .number("lambda1", header: "λ₁", .fixed(4)) { $0.w.lambda[0] },
            .number("lambda2", header: "λ₂", .fixed(4)) { $0.w.lambda[1] },
            .number("step", header: "‖∇Φ(r⊙λ)‖", .scientific(3)) { $0.w.stepNorm },
        ])
    let scaled0 = hadamard(rDemo, values0)
    let mgdaScaled = try minNormWeights(gradients: (0..<2).map { rDemo[$0] * gradients0[$0] }).weights
    section("1. The weighting QP at x₀ (S = 2 toy, r = (0.3, 0.7), exact hypergradients)")
    say(
        "Φ(x₀) = (\(fixed(values0[0], 4)), \(fixed(values0[1], 4))),  r⊙Φ(x₀) = (\(fixed(scaled0[0], 4)), \(fixed(scaled0[1], 4)))"
    )
    show(limits)
    say("MGDA's min-norm weights for r_s∇Φ_s: (\(fixed(mgdaScaled[0], 6)), \(fixed(mgdaScaled[1], 6)))")
    say("u = 0 gives (\(fixed(limitRows[0].w.lambda[0], 6)), \(fixed(limitRows[0].w.lambda[1], 6)))")
    // weave: end

    /*:
     At $x_0$ the scaled values are $r \odot \Phi(x_0) = (0.2663, 0.3506)$: objective 2 is
     active. At $u = 0$ the weights are MGDA's for the scaled gradients, (0.935186, 0.064814)
     both ways; from $u = 10$ on all the weight is on objective 2, and in between the QP moves
     smoothly from one to the other.

     ## 2. The fixed point, and what scale does

     Suppose $x$ is the Chebyshev optimum $x^*_r$ of $r$, a Pareto point where both
     objectives are active: $r_1(\Phi_1 - z_1) = r_2(\Phi_2 - z_2) = \mathcal{T}_r(x)$. Then
     the linear term of (5.4) is $u \sum_s \lambda_s \mathcal{T}_r(x) = u\,\mathcal{T}_r(x)$,
     *the same for every $\lambda$ in the simplex*, so the QP is the min-norm problem for
     the $r_s\nabla\Phi_s$. At a Pareto point some convex combination of the gradients
     vanishes (Pareto stationarity), hence so does some combination of the $r_s\nabla\Phi_s$
     (divide the weights by $r_s$ and renormalize): the min-norm value is 0 and the step is
     zero. At a Pareto point *off* the ray of $r$ one $r_s(\Phi_s - z_s)$ is larger, the
     linear term tilts $\lambda$ towards it, and the step moves along the front — for any
     $u > 0$. At $u = 0$ every Pareto point is a fixed point, and where the iterates stop
     depends on where they started. We check the step at three points: the exact optimum
     of $r = (0.3, 0.7)$, the exact optimum of another preference (also on the front), and
     $x_0$:
     */
    let optimumDemo = try toy2.chebyshevOptimum(preference: rDemo)
    let optimumOther = try toy2.chebyshevOptimum(preference: [0.6, 0.4])
    let fixedPointUs: [Double] = [0, 0.1, 1, 10]
    let points = [("optimum of r", optimumDemo.x), ("optimum of (0.6, 0.4)", optimumOther.x), ("x₀", x0)]
    let steps = try points.map { point in
        let (g, phi) = (toy2.exactHypergradients(x: point.1), toy2.reducedValues(x: point.1))
        return try fixedPointUs.map { try weighting(g, phi, r: rDemo, u: $0).stepNorm }
    }
    // weave: begin-hide
    let fixedPoint = Table(
        "fixed_point", [Int](points.indices),
        [Table.Field<Int>.text("point") { points[$0].0 }]
            + fixedPointUs.indices.map { j -> Table.Field<Int> in
                .number("u\(Int(fixedPointUs[j] * 10))", header: "step at u = \(fixedPointUs[j])", .scientific(2)) {
                    steps[$0][j]
                }
            })
    section("2. The step ‖∇Φ(r⊙λ)‖ for r = (0.3, 0.7) at three points")
    show(fixedPoint)
    say("largest step at the exact optimum of r, over every u: \(sci(steps[0].max()!))")
    // weave: end

    /*:
     At the exact optimum of $r$ the step is at most 4.01e-16 for every $u$ — zero to
     rounding. At the optimum of $(0.6, 0.4)$ it vanishes only for $u = 0$: that point is
     on the front, so MGDA is content there, but any $u > 0$ pushes on along the front
     towards the ray of $r$.

     **Scale.** The two terms of (5.4) do not scale alike. Multiply every $\Phi_s$ by
     $c > 0$: then every $\nabla\Phi_s$ is multiplied by $c$ too, the quadratic term grows
     by $c^2$ and the linear one by $c$, so

     $$
     \big\|c\nabla\Phi\,(r \odot \lambda)\big\|^2 - u\,\lambda^\top\big(r \odot c\Phi\big)
     = c^2 \Big( \big\|\nabla\Phi\,(r \odot \lambda)\big\|^2 - \frac{u}{c}\, \lambda^\top (r \odot \Phi) \Big): \tag{5.5}
     $$

     the QP for $c\Phi$ at $u$ is the QP for $\Phi$ at $u/c$. **Larger objectives weaken
     the preference term**, and "$u = 1$" means something different for objectives of size
     100 than of size 0.01. (The fixed point does not move — it is still $x^*_r$ — only the
     path and the speed change.) The library's `normalizePreference` uses
     $r / \|r \odot \Phi(x_0)\|$ in place of $r$; that divides $r$ by $c$ as well, which
     cancels $c$ from both terms and from the step. What normalization does **not** fix is
     an offset. Adding a constant $a$ to every $\Phi_s$ leaves the gradients alone and
     shifts the linear term by

     $$
     -u\, a \, \lambda^\top r, \tag{5.6}
     $$

     which is constant on the simplex only when $r$ is uniform: with $r = (0.3, 0.7)$ an
     offset tilts $\lambda$ towards the objective with the larger $r_s$. This is why the
     reference point $z$ matters (the course keeps $z = 0$ and objectives that vanish at
     their ideal values). The weights at $x_0$:
     */
    /// λ of the weighting QP for objectives c·Φ + a (hypergradients c·∇Φ) at x₀.
    func weightsAtStart(scale c: Double, offset a: Double, r: Vector, u: Double, normalized: Bool = false) throws
        -> Vector
    {
        let values = values0.map { c * $0 + a }
        let preference = normalized ? (1 / norm(hadamard(r, values))) * r : r
        return try chebyshevWeights(
            gradients: gradients0.map { c * $0 }, values: values, preference: preference, u: u
        ).weights
    }
    let uniform: Vector = [0.5, 0.5]
    let scaleCases: [(label: String, lambda: Vector)] = [
        ("Φ, u = 1", try weightsAtStart(scale: 1, offset: 0, r: rDemo, u: 1)),
        ("10Φ, u = 1", try weightsAtStart(scale: 10, offset: 0, r: rDemo, u: 1)),
        ("Φ, u = 0.1", try weightsAtStart(scale: 1, offset: 0, r: rDemo, u: 0.1)),
        ("Φ + 0.1, u = 1", try weightsAtStart(scale: 1, offset: 0.1, r: rDemo, u: 1)),
        ("Φ, u = 1, r normalized", try weightsAtStart(scale: 1, offset: 0, r: rDemo, u: 1, normalized: true)),
        ("10Φ, u = 1, r normalized", try weightsAtStart(scale: 10, offset: 0, r: rDemo, u: 1, normalized: true)),
        ("Φ, u = 0.1, r = (0.5, 0.5)", try weightsAtStart(scale: 1, offset: 0, r: uniform, u: 0.1)),
        ("Φ + 0.1, u = 0.1, r = (0.5, 0.5)", try weightsAtStart(scale: 1, offset: 0.1, r: uniform, u: 0.1)),
    ]
    // weave: begin-hide
    let scaleTable = Table(
        "scale", scaleCases,
        [
            .text("objectives", header: "objectives (gradients scaled alike)") { $0.label },
            .number("lambda1", header: "λ₁", .fixed(6)) { $0.lambda[0] },
            .number("lambda2", header: "λ₂", .fixed(6)) { $0.lambda[1] },
        ])
    section("Scale and offset: λ at x₀, r = (0.3, 0.7) unless stated")
    show(scaleTable)
    // weave: end

    /*:
     Ten times larger objectives at $u = 1$ give exactly the weights of the original ones at
     $u = 0.1$, (0.903132, 0.096868) — much closer to MGDA's than the (0.614648, 0.385352)
     of the original at $u = 1$. With $r$ normalized the two scales agree, at
     (0.794066, 0.205934). An offset $a = 0.1$ moves the weights to (0.462437, 0.537563)
     for $r = (0.3, 0.7)$, towards the objective with the larger $r_s$, and leaves them at
     (0.897713, 0.102287) for the uniform $r$. The objectives of this chapter are in
     $[0, 1]$ and vanish at their centres, so it keeps $r$ as given.

     ## 3. The algorithm

     WC-MHGD lives in the library as `WCMHGD` (`Sources/MOBL/Algorithms/WCMHGD.swift`) and
     sees only the problem's oracles. Its outer step $k$, Algorithm 1 of the paper in the
     course's letters, is

     $$
     \begin{aligned}
     &1.\quad y_k = y^{(D)}, \quad y^{(j+1)} = y^{(j)} - \alpha \nabla_y g(x_k, y^{(j)}), \quad y^{(0)} = y_{k-1} \text{ (warm) or } y_0 \\
     &2.\quad \text{for each } s:\ H v_s = \nabla_y f_s(x_k, y_k) \text{ by } m \text{ CG iterations (from } v_s \text{ of step } k-1\text{) or } Q \text{ Neumann terms} \\
     &3.\quad \hat h_s = \nabla_x f_s(x_k, y_k) - \nabla^2_{xy} g(x_k, y_k)\, v_s, \qquad \hat\Phi_s = f_s(x_k, y_k), \qquad \hat G_k = [\hat h_1, \dots, \hat h_S] \\
     &4.\quad \lambda_k = \operatorname*{argmin}_{\lambda \in \Delta_S} \|\hat G_k (r \odot \lambda)\|^2 - u\, \lambda^\top \big(r \odot (\hat\Phi - z)\big) \\
     &5.\quad x_{k+1} = x_k - \beta\, \hat G_k (r \odot \lambda_k)
     \end{aligned}
     $$

     — (5.4) with the estimates $\hat G_k$ and $\hat\Phi$ in place of $\nabla\Phi(x_k)$ and
     $\Phi(x_k)$. The library's step is these lines, one comment each:
     */
    // weave: include WCMHGD.step
    /*:
     The chapter runs it through one helper, `runWCMHGD`, with $\alpha = 1/L$, $\beta = 1$,
     $z = 0$, and warm $y$ and $v_s$ unless told otherwise; with a `baseline` rule it runs
     linear scalarization or MGDA on the same hypergradients instead of the QP. An observer
     (the library's `OuterTrace(exact:)`) records the exact gap $\mathcal{G}(x_k)$ at every
     step, with dense solves the algorithm never sees, and the helper measures the end point
     with the exact $\Phi$:
     */
    // weave: begin-hide
    struct Run {
        let x: Vector
        /// Φ(x_K), exact.
        let values: Vector
        /// The exact stationarity gap at x_K.
        let gap: Double
        let trace: OuterTrace
        let result: OuterResult
        /// The first k with gap(x_k) ≤ ε and the oracle calls spent up to it (when a target was set and reached).
        let reached: (k: Int, counts: OracleCounts)?
    }
    // weave: end
    func runWCMHGD(
        _ problem: MOBLToy, x0: Vector, r: Vector, u: Double = u, steps: Int = K, D: Int = D,
        solver: HessianSolver = .conjugateGradient(.fixed(iterations: m)), warmInner: Bool = true,
        baseline: DescentRule? = nil, target: Double? = nil, observe: (OuterIterate) -> Void = { _ in }
    ) throws -> Run {
        var algorithm = WCMHGD(
            preference: r, u: u, outerSteps: steps, innerSteps: D, alpha: 1 / problem.curvature.L,
            beta: 1, solver: solver, warmInner: warmInner)
        algorithm.baseline = baseline
        let trace = OuterTrace(exact: problem)
        var reached: (k: Int, counts: OracleCounts)?
        let y0 = Vector(repeating: 0, count: problem.lowerDimension)
        let result = try algorithm.run(problem, x0: x0, y0: y0) { step in
            // weave: begin-hide
            observe(step)
            _ = try trace.observe(step)
            if let target, let gap = trace.records.last?.gap, gap <= target {
                reached = (step.k, step.counts)
                return false
            }
            return true
            // weave: end
        }
        // weave: begin-hide
        return Run(
            x: result.x, values: problem.reducedValues(x: result.x),
            gap: try stationarityGap(gradients: problem.exactHypergradients(x: result.x)),
            trace: trace, result: result, reached: reached)
        // weave: end
    }

    /// 𝒯_r = max_s r_s Φ_s, the weighted Chebyshev value (z = 0).
    func chebyshevValue(_ values: Vector, _ r: Vector) -> Double { hadamard(r, values).max()! }

    /*:
     ## 4. A preference sweep on the $S = 2$ toy

     Nine preferences $r = (r_1, 1 - r_1)$, $r_1 = 0.1, \dots, 0.9$, each run for $K$ steps
     from the same $x_0$. For each we print the final values $\Phi(x_K)$, the exact
     Chebyshev optimum $\Phi^* = \Phi(x^*_r)$, their distance, the misalignment
     $\mathcal{M}_r$ of $\Phi(x_K)$ from the ray of $r$ (1.8) (zero on the ray, where the
     optimum lies) and the final gap. A larger $r_1$ should buy a smaller $\Phi_1$.
     */
    let sweepPreferences: [Vector] = (1...preferenceCount).map { i in
        let r1 = Double(i) / Double(preferenceCount + 1)
        return [r1, 1 - r1]
    }
    let pathSteps = logSpacedIndices(K, points: 60)  // the steps at which the figure draws each path
    // weave: begin-hide
    struct SweepPoint {
        let r: Vector
        let run: Run
        let exact: Vector
        let path: [Vector]
        var distance: Double { norm(run.values - exact) }
    }
    // weave: end
    var sweep: [SweepPoint] = []
    for r in sweepPreferences {
        progress("sweep r₁ = \(fixed(r[0], 2))")  // weave: hide
        var path: [Vector] = []
        let run = try runWCMHGD(toy2, x0: x0, r: r) { step in
            if pathSteps.contains(step.k) { path.append(toy2.reducedValues(x: step.x)) }
        }
        let exact = try toy2.chebyshevOptimum(preference: r).values
        sweep.append(SweepPoint(r: r, run: run, exact: exact, path: path + [run.values]))
    }
    // weave: begin-hide
    let sweepTable = Table(
        "sweep", sweep,
        [
            .number("r1", header: "r₁", .fixed(2)) { $0.r[0] },
            .number("f1", header: "Φ₁(x_K)", .fixed(6)) { $0.run.values[0] },
            .number("f2", header: "Φ₂(x_K)", .fixed(6)) { $0.run.values[1] },
            .number("exact_f1", header: "exact Φ₁*", .fixed(6)) { $0.exact[0] },
            .number("exact_f2", header: "exact Φ₂*", .fixed(6)) { $0.exact[1] },
            .number("distance", .scientific(2)) { $0.distance },
            .number("misalignment", header: "𝓜_r(x_K)", .scientific(2)) {
                try! misalignment(preference: $0.r, values: $0.run.values)
            },
            .number("gap", header: "𝒢(x_K)", .scientific(2)) { $0.run.gap },
        ])
    section("4. Preference sweep, S = 2 toy (κ = \(flags.kappa), K = \(K), u = \(u), D = \(D), CG(\(m)))")
    show(sweepTable)
    let monotone = zip(sweep, sweep.dropFirst()).allSatisfy { $0.run.values[0] > $1.run.values[0] }
    say("largest distance to the exact optimum: \(sci(sweep.map(\.distance).max()!))")
    say("Φ₁(x_K) falls as r₁ grows: \(monotone)")
    // weave: end

    /*:
     Every final point sits on the exact optimum of its preference: the largest distance is
     2.49e-05, at $r_1 = 0.1$, and the middle preference lands within 8.92e-11. The extreme
     preferences are the slowest, because their optima lie farthest along the front from
     where the runs first reach it.

     **Against Chapter 1's baselines, with the same hypergradients.** The same algorithm
     with the QP replaced (`baseline`): **linear scalarization** with weights $w = r$ steps
     along $-\sum_s w_s \hat h_s$, and **MGDA** along the min-norm combination. Both use the
     same warm inner loop and CG. VLMOP2's front is concave, and in Chapter 1 linear
     scalarization could reach only its ends; MGDA has no preference at all, so from one
     $x_0$ it lands on one point whatever $r$ is.
     */
    let mgdaRun = try runWCMHGD(toy2, x0: x0, r: [0.5, 0.5], baseline: .minNorm)
    let linearRuns = try sweepPreferences.map { r in try runWCMHGD(toy2, x0: x0, r: r, baseline: .linear(weights: r)) }
    // weave: begin-hide
    let baselines = Table(
        "baselines", [Int](sweep.indices),
        [
            .number("r1", header: "r₁ (= w₁)", .fixed(2)) { sweep[$0].r[0] },
            .number("wc_distance", header: "WC-MHGD: distance", .scientific(2)) { sweep[$0].distance },
            .number("linear_f1", header: "linear: Φ₁", .fixed(4)) { linearRuns[$0].values[0] },
            .number("linear_f2", header: "linear: Φ₂", .fixed(4)) { linearRuns[$0].values[1] },
            .number("linear_distance", header: "linear: distance", .scientific(2)) {
                norm(linearRuns[$0].values - sweep[$0].exact)
            },
            .number("mgda_distance", header: "MGDA: distance", .scientific(2)) {
                norm(mgdaRun.values - sweep[$0].exact)
            },
            .number("linear_gap", header: "linear: 𝒢", .scientific(2)) { linearRuns[$0].gap },
        ])
    section("Where the baselines land (distances to the exact Chebyshev optimum of each r)")
    say("MGDA from x₀ (the same for every r): Φ = (\(fixed(mgdaRun.values[0], 4)), \(fixed(mgdaRun.values[1], 4)))")
    show(baselines)
    // weave: end

    /*:
     Linear scalarization ends at an end of the front for every preference — $\Phi_1$ or
     $\Phi_2$ below 0.002 — at distances up to 7.19e-01 from the preferred point; MGDA stops
     at $\Phi = (0.8122, 0.3932)$, nearest the optimum of $r_1 = 0.3$ and far from all the
     others. Figure 5.1 shows the three side by side.
     */
    // weave: begin-hide
    func sweepFigure() throws -> Figure {
        let front = try DataBlock("front", columns: ["f1", "f2"], rows: toy2.front(resolution: 200))
        let paths = try DataBlock(
            "paths", columns: ["r1", "f1", "f2"], groups: sweep.map { p in p.path.map { [p.r[0]] + $0 } })
        let pareto = try DataBlock(
            "pareto", columns: ["r1", "r2", "f1", "f2"], rows: sweep.map { $0.r + $0.run.values })
        let linear = try DataBlock("linear", columns: ["f1", "f2"], rows: linearRuns.map(\.values))
        let mgda = try DataBlock("mgda", columns: ["f1", "f2"], rows: [mgdaRun.values])
        let optima = try DataBlock("optima", columns: ["r1", "r2", "f1", "f2"], rows: sweep.map { $0.r + $0.exact })
        let start = try DataBlock("start", columns: ["f1", "f2"], rows: [values0])
        let pathCurves = sweep.indices.map {
            Curve(
                "f2", $0 == 0 ? "WC-MHGD paths Φ(x_k)" : nil, .lines, data: paths, index: $0, color: "#9ecae1",
                lineWidth: 1)
        }
        return try Figure.curves(
            "ch05-preference-sweep", title: "WC-MHGD on the S = 2 toy: final points for r_1 = 0.1 … 0.9",
            x: "Φ_1", y: "Φ_2", key: "bottom left", comment: "Chapter 5 — WC-MHGD: the preference sweep.",
            against: "f1",
            [.truth("f2", "exact front", .lines, data: front)] + pathCurves + [
                Curve("f2", "start Φ(x_0)", .points, data: start, color: "#000000", point: 3, pointSize: 2.5),
                Curve("f2", "WC-MHGD, final Φ(x_K)", .points, data: pareto, pointSize: 1.3),
                Curve("f2", "linear scalarization, w = r", .points, data: linear, pointSize: 1.6),
                Curve("f2", "MGDA", .points, data: mgda, pointSize: 2),
                .truth("f2", "exact Chebyshev optima", data: optima),
            ], equalAxes: true)
    }
    show(
        try sweepFigure(),
        caption: """
            The preference sweep on the S = 2 toy. The pale blue lines are the nine runs' paths \
            Φ(x_k), one per preference, all from the start Φ(x₀) (the black star) and drawn at \
            log-spaced k; the filled circles are where they end, each on the exact Chebyshev optimum \
            of its r (open circles) on the exact front. Linear scalarization with the same \
            hypergradients (squares) ends at the two ends of the concave front; MGDA (triangle) at \
            one point for every r.
            """)
    // weave: end

    /*:
     ## 5. The knob $u$, on the $S = 5$ polygon

     Five objectives, centres on a regular pentagon, and a lopsided preference
     $r = (0.8, 0.05, 0.05, 0.05, 0.05)$: objective 1 should come out small. We run $K$
     steps for each $u$ and report the final gap, the final Chebyshev value
     $\mathcal{T}_r(x_K)$ against the exact optimum value $\mathcal{T}_r(x^*_r)$, and the
     objectives. What to expect from Section 2: $u = 0$ is preference-scaled MGDA and stops
     at whatever Pareto point it reaches first; any $u > 0$ has $x^*_r$ as its only fixed
     point, with a small $u$ pulling towards it weakly (slowly) and a large $u$ strongly
     (with $\lambda$ flipping between objectives).
     */
    let (toy5, x05) = try toy(.polygon(5), kappa: flags.kappa)
    let rLopsided: Vector = [0.8, 0.05, 0.05, 0.05, 0.05]
    let optimum5 = try toy5.chebyshevOptimum(preference: rLopsided)
    let exactChebyshev5 = chebyshevValue(optimum5.values, rLopsided)
    var uAblation: [(u: Double, run: Run, chebyshev: Double)] = []
    for value in flags.uValues {
        progress("u = \(value)")  // weave: hide
        let run = try runWCMHGD(toy5, x0: x05, r: rLopsided, u: value)
        uAblation.append((value, run, chebyshevValue(run.values, rLopsided)))
    }
    // weave: begin-hide
    let uTable = Table(
        "u_ablation", uAblation,
        [
            .number("u", .scientific(0)) { $0.u }, .number("gap", header: "𝒢(x_K)", .scientific(2)) { $0.run.gap },
            .number("chebyshev", header: "𝒯_r(x_K)", .fixed(6)) { $0.chebyshev },
        ]
            + (0..<5).map { s in .number("f\(s + 1)", header: "Φ_\(s + 1)", .fixed(4)) { $0.run.values[s] } })
    section("5. u ablation, S = 5 polygon, r = (0.8, 0.05, 0.05, 0.05, 0.05), K = \(K)")
    say(
        "exact optimum: 𝒯_r* = \(fixed(exactChebyshev5, 6)), Φ* = (\(optimum5.values.map { fixed($0, 4) }.joined(separator: ", ")))"
    )
    show(uTable)
    let atZero = uAblation.first { $0.u == 0 }!
    let worstPositive = uAblation.filter { $0.u > 0 }.map { $0.chebyshev - exactChebyshev5 }.max()!
    say("𝒯_r(x_K) − 𝒯_r*: \(sci(atZero.chebyshev - exactChebyshev5)) at u = 0, at most \(sci(worstPositive)) for u > 0")
    // weave: end

    /*:
     At $u = 0$ the run ends 4.03e-01 above the optimum value, at a Pareto point with all
     five objectives between 0.5630 and 0.7030 — on the front, but nowhere near the preferred
     point. Every $u > 0$ ends within 6.44e-05 of it. The weakest and the strongest pull
     are the least accurate: $u = 0.01$ is still sliding along the front, and $u = 100$
     zig-zags across the ray (Figure 5.2).
     */
    // weave: begin-hide
    func uFigure() throws -> Figure {
        let positives = uAblation.filter { $0.u > 0 }
        let span = [positives.first!.u / 2, positives.last!.u * 2]
        let (rows, uColumn) = (try uTable.dataBlock.dataRows, uTable.column("u"))
        // The table's rows, u = 0 as its own data set (index 0), so that the log axis draws only u > 0 (index 1).
        let table = try DataBlock(
            "u_ablation", columns: uTable.columns.map(\.name),
            groups: [rows.indices.filter { uColumn[$0] == 0 }, rows.indices.filter { uColumn[$0] > 0 }].map {
                $0.map { rows[$0] }
            })
        let excess = try DataBlock(
            "excess", positives, ["u": \.u, "excess": { max($0.chebyshev - exactChebyshev5, 1e-300) }])
        let zero = try DataBlock("u_zero", span, ["u": { $0 }, "excess": { _ in atZero.chebyshev - exactChebyshev5 }])
        return try Figure.curves(
            "ch05-u-ablation", title: "u ablation, S = 5 polygon, r = (0.8, 0.05, 0.05, 0.05, 0.05)",
            x: "u (log scale; u = 0 as a line)", y: "𝒯_r(x_K) − 𝒯_r(x_r^*)", log: .both, key: "center right",
            comment:
                "Chapter 5 — WC-MHGD: final gap, Chebyshev value and objectives for each u ($u_ablation; its u = 0 row is data set 0).",
            against: "u",
            [
                Curve("excess", "u > 0", data: excess),
                Curve("excess", "u = 0 (preference-scaled MGDA)", .lines, data: zero, pairedWith: 0),
            ], alsoSaving: [table])
    }
    func uGapFigure() throws -> Figure {
        let positives = uAblation.filter { $0.u > 0 }
        let span = [positives.first!.u / 2, positives.last!.u * 2]
        let gaps = try DataBlock("u_gap", positives, ["u": \.u, "gap": \.run.gap])
        let zero = try DataBlock("u_gap_zero", span, ["u": { $0 }, "gap": { _ in atZero.run.gap }])
        return try Figure.curves(
            "ch05-u-gap", title: "u ablation, S = 5 polygon: the final stationarity gap",
            x: "u (log scale; u = 0 as a line)", y: "𝒢(x_K)", log: .both, key: "top left",
            comment: "Chapter 5 — WC-MHGD: the exact stationarity gap at x_K for each u.", against: "u",
            [
                Curve("gap", "u > 0", data: gaps),
                Curve("gap", "u = 0 (preference-scaled MGDA)", .lines, data: zero, pairedWith: 0),
            ], xRange: span[0]...span[1])
    }
    show(
        try uFigure(),
        caption: """
            How far above the optimum value the final Chebyshev value 𝒯_r(x_K) lies, against u \
            (K = 3000 steps, S = 5). The dashed line is u = 0, which ends on the front far from the \
            preferred point; every u > 0 ends within about 1e-4 of it, best for u = 0.1 and 1.
            """)
    show(
        try uGapFigure(),
        caption: """
            The final stationarity gap 𝒢(x_K) of the same runs. Every run, u = 0 (dashed) included, \
            ends Pareto stationary to about 1e-6: the gap cannot tell the preferred point from the \
            rest of the front — Figure 5.2 can.
            """)
    // weave: end

    /*:
     ## 6. The knob $D$: warm against cold inner loops

     [Chapter 4](04-WarmStarts.md) showed that warm starts carry the inner accuracy from one
     outer step to the next, so the hypergradient bias $\|\hat h_s - \nabla\Phi_s(x_k)\|$
     vanishes as the outer loop converges, whatever $D$. To see what $D$ buys we run each
     $D$ twice on the $S = 2$ toy with $r = (0.3, 0.7)$: warm, as WC-MHGD does, and *cold*
     (every inner loop from $y_0 = 0$), where $D$ alone sets the inner accuracy. CG keeps
     its $m$ warm steps: its error too vanishes as $x$ settles, so the bias left is the
     inner loop's.

     Where does a cold run stop? $D$ steps of size $\alpha = 1/L$ from $y = 0$ give exactly

     $$
     y^{(D)}(x) = \Gamma_D A^{-1} x, \qquad \Gamma_D = I - (I - A/L)^D, \qquad
     \tilde x_D = A\, \Gamma_D^{-1} y^*_r, \tag{5.7}
     $$

     and the values and hypergradients the run uses are those of the *surrogate*
     objectives $f_s(y^{(D)}(x))$, up to the invertible factor $\Gamma_D$ (which moves no
     stationary point; Exercise 6). So a cold run converges to the Chebyshev optimum of the
     surrogate: the $\tilde x_D$ with $y^{(D)}(\tilde x_D) = y^*_r$.
     */
    func biasRun(depth: Int, warm: Bool) throws -> (run: Run, mean: Double, last: Double) {
        var (total, last) = (0.0, 0.0)
        let run = try runWCMHGD(toy2, x0: x0, r: rDemo, D: depth, warmInner: warm) { step in
            let exact = toy2.exactHypergradients(x: step.x)
            last = (0..<2).map { norm(step.hypergradients[$0] - exact[$0]) }.max()!
            total += last
        }
        return (run, total / Double(run.result.steps), last)
    }
    let depthRuns = try flags.depths.map { depth in
        progress("D = \(depth)")  // weave: hide
        return (D: depth, warm: try biasRun(depth: depth, warm: true), cold: try biasRun(depth: depth, warm: false))
    }
    // weave: begin-hide
    /// x̃_D = A Γ_D⁻¹ y_r* (5.7): where a cold run with D inner steps must stop.
    func coldFixedPoint(depth: Int) -> Vector {
        let p = toy2.lowerDimension
        var contraction = Matrix.identity(p)
        var step = Matrix.identity(p)
        for i in 0..<p { for j in 0..<p { step[i, j] -= toy2.Q[i, j] / toy2.curvature.L } }
        for _ in 0..<depth { contraction = contraction.times(step) }
        var gamma = Matrix.identity(p)
        for i in 0..<p { for j in 0..<p { gamma[i, j] -= contraction[i, j] } }
        return toy2.Q.times(solveLinearSystem(gamma, optimumDemo.y)!)
    }
    let depthTable = Table(
        "d_ablation", depthRuns,
        [
            .number("D", .integer) { Double($0.D) },
            .number("bias_warm", header: "mean bias, warm", .scientific(2)) { $0.warm.mean },
            .number("bias_cold", header: "mean bias, cold", .scientific(2)) { $0.cold.mean },
            .number("last_bias_warm", header: "last bias, warm", .scientific(2)) { $0.warm.last },
            .number("last_bias_cold", header: "last bias, cold", .scientific(2)) { $0.cold.last },
        ])
    section("6. D ablation, S = 2 toy, r = (0.3, 0.7), K = \(K): the bias max_s ‖ĥ_s − ∇Φ_s(x_k)‖")
    show(depthTable)
    let coldSlope = leastSquaresSlope(depthRuns.map { (Double($0.D), log($0.cold.last)) })
    say("cold: the last bias shrinks by \(fixed(exp(coldSlope), 4)) per inner step (fit over every D)")
    say("1 − μ/L = \(fixed(1 - 1 / toy2.curvature.L, 4))")
    // weave: end

    /*:
     Warm, every $D$ ends with a bias below 3e-08: the hypergradients become exact as $x$
     settles, and $D$ only changes how fast. Cold, the bias stays, shrinking with $D$ by
     a fitted factor 0.8152 per inner step — faster than $1 - \mu/L = 0.9000$, the rate of
     the slowest eigen-component. The cold bias is a sum of components, one per eigenvalue
     $\operatorname{eig}_i$ of $A$, each decaying like $(1 - \operatorname{eig}_i/L)^D$; at
     small $D$ the fast ones (large $\operatorname{eig}_i$) still carry weight and die
     quickly, so a fit over $D = 1, \dots, 32$ averages steep early decay with the slow
     tail. Only at large $D$ is the slowest component alone, and the factor climbs towards
     0.9 (Exercise 3 fits 0.879 over $D = 32, \dots, 48$).

     **Where the runs end.** For each end we print the final gap, the distance of the cold
     run's $\Phi(x_K)$ to $\Phi^*$ and to its predicted end $\Phi(\tilde x_D)$, and the
     distance of $y^*(x_K)$ to the exact Pareto set — the segment $\tau\hat{\mathbf{1}}$,
     $\tau \in [-1, 1]$. That last column catches a trap of VLMOP2 (Chapter 1, Section 1):
     far from both centres both objectives are close to 1 and their gradients fade like
     $e^{-\|y \mp \hat{\mathbf{1}}\|^2}$, so the gap is tiny although nothing there is
     optimal. An end with a gap below $\varepsilon$ whose $y^*(x_K)$ lies more than 0.1 off
     the Pareto set is labelled **flat tail**: its small gap is an artefact, not
     stationarity.
     */
    /// The distance of y*(x) from VLMOP2's Pareto set, the segment τ1̂ with τ ∈ [−1, 1].
    func paretoSetDistance(_ x: Vector) -> Double {
        let y = toy2.lowerSolution(x: x)
        let root = Double(y.count).squareRoot()
        let tau = min(1, max(-1, y.reduce(0, +) / root))
        return norm(y - Vector(repeating: tau / root, count: y.count))
    }
    /// An end whose gap is below ε only because the objectives are flat there, far from the Pareto set.
    func onFlatTail(_ run: Run) -> Bool { run.gap <= flags.epsilon && paretoSetDistance(run.x) > 0.1 }
    // weave: begin-hide
    let endsTable = Table(
        "d_ends", depthRuns,
        [
            .number("D", .integer) { Double($0.D) },
            .number("gap_warm", header: "𝒢(x_K), warm", .scientific(2)) { $0.warm.run.gap },
            .number("gap_cold", header: "𝒢(x_K), cold", .scientific(2)) { $0.cold.run.gap },
            .number("distance_cold", header: "cold: to Φ*", .scientific(2)) {
                norm($0.cold.run.values - optimumDemo.values)
            },
            .number("surrogate_cold", header: "cold: to Φ(x̃_D)", .scientific(2)) {
                norm($0.cold.run.values - toy2.reducedValues(x: coldFixedPoint(depth: $0.D)))
            },
            .number("pareto_cold", header: "cold: y* to Pareto set", .scientific(2)) {
                paretoSetDistance($0.cold.run.x)
            },
            .number("flat_tail", header: "cold end", .label(["", "flat tail"])) { onFlatTail($0.cold.run) ? 1 : 0 },
        ])
    section("Where the D ablation's runs end")
    show(endsTable)
    let maxWarmPareto = depthRuns.map { paretoSetDistance($0.warm.run.x) }.max()!
    say("warm: y*(x_K) within \(sci(maxWarmPareto)) of the Pareto set for every D")
    for run in depthRuns.map(\.cold.run) where onFlatTail(run) {
        let g1 = norm(toy2.exactHypergradients(x: run.x)[0])
        say("flat tail: Φ(x_K) = (\(fixed(run.values[0], 5)), \(fixed(run.values[1], 3))), ‖∇Φ₁(x_K)‖ = \(sci(g1, 1))")
    }
    // weave: end

    /*:
     Every cold run ends on its predicted point $\tilde x_D$, to 1.14e-05 or better: it
     converges, to the wrong point, and its distance to $\Phi^*$ falls with $D$ from
     4.69e-01 to 2.18e-03. The cold $D = 1$ run is the trap. Its gap, 3.20e-07, is below
     $\varepsilon$ and would rank it among the best cold runs; but it ends at
     $\Phi(x_K) = (0.99987, 0.795)$, with $y^*(x_K)$ 1.26e+00 away from the Pareto set and
     $\|\nabla\Phi_1(x_K)\| = 5.7e-04$: the min-norm combination puts all its weight on the
     flat objective, and the gap is just $\|\nabla\Phi_1\|^2$. Here $\Gamma_1 = A/L$, so
     $y^*(\tilde x_1) = L A^{-1} y^*_r$ stretches $y^*_r$ by factors between 1 and $\kappa$
     along the eigenvectors of $A$, far from the centre $\hat{\mathbf{1}}$ of $f_1$, where
     $f_1$ has saturated. The warm runs all end on the Pareto set, within 2.72e-05 of it.
     */
    // weave: begin-hide
    func depthFigure() throws -> Figure {
        try depthTable.figure(
            "ch05-d-ablation",
            title: "D ablation: hypergradient bias, warm vs cold inner loops (S = 2, r = (0.3, 0.7))",
            x: "inner steps D", y: "max_s ‖ĥ_s − ∇Φ_s(x_k)‖", log: .both, key: "bottom left",
            comment:
                "Chapter 5 — WC-MHGD: S = 2 toy, r = (0.3, 0.7); warm = inner loop from the last y, cold = from y = 0.",
            against: "D",
            [
                Curve("bias_warm", "mean over the run, warm"),
                Curve("bias_cold", "mean over the run, cold", pairedWith: 0),
                Curve("last_bias_warm", "at the last step, warm"),
                Curve("last_bias_cold", "at the last step, cold", pairedWith: 2),
            ])
    }
    func depthGapFigure() throws -> Figure {
        let certified = depthRuns.filter { !onFlatTail($0.cold.run) }
        let tail = depthRuns.filter { onFlatTail($0.cold.run) }
        let ends = try endsTable.dataBlock
        let cold = try DataBlock("gap_cold_off_tail", certified, ["D": { Double($0.D) }, "gap": { $0.cold.run.gap }])
        let tailBlock = try DataBlock("gap_cold_flat_tail", tail, ["D": { Double($0.D) }, "gap": { $0.cold.run.gap }])
        return try Figure.curves(
            "ch05-d-gap", title: "D ablation: the final stationarity gap, warm vs cold (S = 2, r = (0.3, 0.7))",
            x: "inner steps D", y: "𝒢(x_K)", log: .both, key: "top right",
            comment: "Chapter 5 — WC-MHGD: gaps at x_K; a cold end on VLMOP2's flat tail is drawn apart.",
            against: "D",
            [Curve("gap_warm", "warm", data: ends)]
                + (certified.isEmpty ? [] : [Curve("gap", "cold", data: cold, pairedWith: 0)])
                + (tail.isEmpty
                    ? []
                    : [
                        Curve(
                            "gap", "cold, ended on the flat tail (not stationary)", .points, data: tailBlock,
                            color: "#d62728", point: 2, pointSize: 2.5)
                    ]),
            xRange: 0.7...Double(2 * flags.depths.last!))
    }
    show(
        try depthFigure(),
        caption: """
            The hypergradient bias against D, averaged over the run and at its last step. Warm \
            (solid), the bias at the last step is below 1e-7 whatever D; cold (dashed), it stays, \
            and falls with D at a rate between the fast and the slowest eigen-components of A.
            """)
    show(
        try depthGapFigure(),
        caption: """
            The final gap against D. Warm runs end stationary to about 3e-12 for every D; cold \
            runs end at the surrogate optimum x̃_D, whose gap falls with D. The cross marks the \
            cold D = 1 run: its small gap comes from VLMOP2's flat tail, far from the Pareto set, \
            not from stationarity.
            """)
    // weave: end

    /*:
     ## 7. The rate

     The guarantee for the deterministic algorithm is $O(1/K)$: the best gap among the
     first $K$ iterates, $\min_{k < K} \mathcal{G}(x_k)$, is at most a constant over $K$. We
     follow that running minimum for the sweep's run with $r = (0.5, 0.5)$. On this smooth
     toy it falls *geometrically* — by a roughly constant factor $\rho$ per step — so the
     number to report is $\rho$, fitted as the slope of $\ln \mathcal{G}$ against $k$ over a
     window; a log-log slope fitted to a geometric decay would only say how long the window
     is.
     */
    let rateRun = sweep[sweep.count / 2]
    let runningMinimum = rateRun.run.trace.runningMinimumGap
    /// The per-step factor ρ of the running minimum over k = first…last (the slope of ln 𝒢 against k).
    func contraction(_ first: Int, _ last: Int) -> Double {
        exp(leastSquaresSlope((first...last).map { (Double($0), log(runningMinimum[$0 - 1])) }))
    }
    let rateEnd = min(K, runningMinimum.firstIndex { $0 < 1e-20 } ?? K)  // below 1e-20: rounding
    let windows: [(Int, Int)] = [(10, 100), (100, 1000), (1000, rateEnd)].filter { $0.1 <= rateEnd && $0.0 < $0.1 }
    // weave: begin-hide
    let rateSteps: [Int] = [1, 10, 30, 100, 300, 1000, K].filter { $0 <= K }
    let rateTable = Table(
        "rate_summary", rateSteps,
        [
            .number("k", .integer) { Double($0) },
            .number("gap", header: "min_{j≤k} 𝒢(x_j)", .scientific(2)) { runningMinimum[$0 - 1] },
            .number("bound", header: "𝒢(x₀)/k", .scientific(2)) { runningMinimum[0] / Double($0) },
        ])
    let factorTable = Table(
        "contraction", windows,
        [
            .number("from", header: "k from", .integer) { Double($0.0) },
            .number("to", header: "k to", .integer) { Double($0.1) },
            .number("rho", header: "factor ρ per step", .fixed(4)) { contraction($0.0, $0.1) },
            .number("steps_per_decade", header: "steps per factor 10", .fixed(0)) {
                log(0.1) / log(contraction($0.0, $0.1))
            },
        ])
    section("7. Rate of min_{j≤k} 𝒢(x_j), r = (\(fixed(rateRun.r[0], 2)), \(fixed(rateRun.r[1], 2)))")
    show(rateTable)
    show(factorTable)
    // weave: end

    /*:
     The gap falls from 4.04e-02 to 1.90e-17 in 3000 steps, far below the $1/k$ line. The
     factor per step is 0.9444 over $k = 10, \dots, 100$, 0.9881 over $100, \dots, 1000$ and
     0.9923 over $1000, \dots, 3000$ — 40, 192 and 299 steps per factor 10: geometric (linear) convergence whose
     factor creeps towards 1 as the run closes in on $x^*_r$ — the fast directions are
     settled first, as with the cold bias, and the last ones are set by the curvature of
     the problem at the optimum. Figure 5.6 draws the running minimum on a logarithmic
     axis, where a geometric decay is a straight line.
     */
    // weave: begin-hide
    func rateFigure() throws -> Figure {
        let shown = (1...K).filter { runningMinimum[$0 - 1] > 0 }
        let rate = try DataBlock("rate", shown, ["k": { Double($0) }, "gap": { runningMinimum[$0 - 1] }])
        let reference = try DataBlock(
            "reference", Array(stride(from: 1, through: K, by: max(1, K / 100))),
            ["k": { Double($0) }, "bound": { runningMinimum[0] / Double($0) }])
        // The geometric fit over the last window (none when the gap reaches rounding within 100 steps).
        var fit: [Curve] = []
        if let last = windows.last {
            let rho = contraction(last.0, last.1)
            let geometric = try DataBlock(
                "geometric", [last.0, last.1],
                ["k": { Double($0) }, "fit": { runningMinimum[last.0 - 1] * pow(rho, Double($0 - last.0)) }])
            fit = [
                Curve(
                    "fit", "geometric fit ρ^k, ρ = \(fixed(rho, 4))", .lines, data: geometric, color: "#d62728", dash: 3
                )
            ]
        }
        return try Figure.curves(
            "ch05-rate", title: "Running minimum of the stationarity gap, r = (0.5, 0.5)",
            x: "outer step k", y: "min_{j≤k} 𝒢(x_j)", log: .y, key: "top right",
            comment:
                "Chapter 5 — WC-MHGD: the quantity the O(1/K) rate bounds, against a 1/k line through the first point.",
            against: "k",
            [Curve("gap", "WC-MHGD", .lines, data: rate), .reference("bound", "𝒢(x_0)/k", data: reference)] + fit)
    }
    show(
        try rateFigure(),
        caption: """
            The running minimum of the exact gap against k (logarithmic y axis), for r = (0.5, 0.5). \
            The grey dashed curve is the O(1/K) guarantee's shape through the first point; the run \
            leaves it far behind. A geometric decay is a straight line here: the red dotted line is \
            the geometric fit over k = 1000 … 3000, on which the curve lies; before it the decay is \
            steeper.
            """)
    // weave: end

    /*:
     ## Summary

     - WC-MHGD's weights solve a tiny $S \times S$ QP (5.4), the dual of a proximal,
       linearized Chebyshev step with $u = 2/\gamma$. $u = 0$ is MGDA on the $r$-scaled
       hypergradients (every Pareto point is a fixed point, and where it stops depends on
       $x_0$); $u \to \infty$ is a Chebyshev subgradient step; for every $u > 0$ the
       Chebyshev optimum of $r$ is the fixed point, because there the preference term is
       constant on the simplex.
     - Scale matters, in one direction: multiplying the objectives by $c$ is the same as
       dividing $u$ by $c$ (5.5), so large objectives weaken the preference term.
       Normalizing $r$ by $\|r \odot \Phi(x_0)\|$ removes the scale, not an offset (5.6).
     - On the $S = 2$ toy the sweep's final points lie on the exact Chebyshev optima,
       ordered by $r$; linear scalarization with the same hypergradients falls to the ends
       of the concave front, MGDA to one point for every $r$.
     - $u$ sets how hard the preference pulls: $u = 0$ misses the preferred point; across
       four decades of $u > 0$ the runs end near it. The gap cannot tell the difference.
     - With warm starts $D$ hardly matters: the bias vanishes as $x$ converges. Cold inner
       loops converge to the Chebyshev optimum of a *different* problem (5.7), and $D$
       decides how different. A small gap far from the Pareto set is VLMOP2's flat tail,
       not stationarity.
     - The observed rate is geometric, with a factor per step between 0.94 and 0.99, far faster
       than the $O(1/K)$ guarantee for nonconvex problems.

     ## Exercises

     1. *(run)* Run `swift run -c release ch05 --u 0.01` and `--u 100`. How do the sweep's
        distances to the exact optima change, and which preferences suffer most? Explain
        with the QP: near the optimum, how large is the preference term against the
        quadratic one?
     2. *(run)* Run `swift run -c release ch05 --kappa 50`. Does the sweep still reach the
        exact optima within $K = 3000$ steps? If not, how many steps does it need
        (`--outer-steps`)? Relate the answer to the step counts of Appendix A.
     3. *(run)* Section 6 predicts where a cold run stops, $\tilde x_D$ (5.7), and fits how
        fast the cold bias falls with $D$. From that factor, predict the $D$ at which a cold
        run ends within 1e-3 of $\Phi^*$, then check with
        `swift run -c release ch05 --depths 32 36 40 48`.
     4. *(run)* Run `swift run -c release ch05 --cg-steps 1` and `--cg-steps 10`. How do
        the CG oracle counts and the CG $\kappa$-exponent of Appendix A change? Why does
        CG with $m = 1$, warm-started, still reach $\varepsilon$?
     5. *(run)* Run `swift run -c release ch05 --epsilon 1e-10`. How do the oracle counts
        of Appendix A change relative to $\varepsilon = 10^{-6}$ — by a factor near $10^4$
        (the $\varepsilon^{-1}$ of the bound) or much less? What does that say about the
        rate?
     6. *(derive)* Show (5.7): with $\alpha = 1/L$, $D$ inner steps from $y = 0$ give
        $y^{(D)}(x) = \Gamma_D A^{-1} x$. Then show that a cold run with exact solves uses
        $\hat h_s = A^{-1}\nabla f_s(y^{(D)}(x))$, while the surrogate
        $\tilde\Phi_s(x) = f_s(y^{(D)}(x))$ has gradient $\Gamma_D A^{-1}\nabla f_s(y^{(D)}(x))$,
        so that $\hat h_s = \Gamma_D^{-1}\nabla\tilde\Phi_s$ with one matrix for every $s$.
        Deduce that a combination $\sum_s r_s\lambda_s\hat h_s$ vanishes exactly when the
        same combination of the $\nabla\tilde\Phi_s$ does, so the run's fixed point is the
        surrogate's Chebyshev optimum $\tilde x_D = A\Gamma_D^{-1}y^*_r$.
     7. *(implement)* Write your own WC-MHGD for a MOBL toy with exact lower-level solutions
        and exact solves: $y^* = A^{-1}x$ and $\hat h_s = A^{-1}\nabla f_s(y^*)$ by the
        library's dense `solveLinearSystem(toy.Q, …)`, $\lambda$ by `chebyshevWeights`, and
        the step of (5.4). Run it from $x_0$ with $r = (0.3, 0.7)$, $u = 1$, $\beta = 1$ for
        3000 steps and check that it ends where the library's `WCMHGD` (with $D = 2$ and
        CG(5)) does, on the exact optimum `chebyshevOptimum(preference:)`.

     Worked solutions: [solutions/05.md](solutions/05.md).

     ## Further reading

     - WC-MHGD, its weighting QP, the warm-started inner loop and the $O(1/K)$ and
       $O(\kappa^3\varepsilon^{-1}S)$ guarantees: [Zhang et al. 2025](references.md#zhang-et-al-2025).
     - Weighted-Chebyshev scalarization and why it reaches every Pareto point, concave
       fronts included: [Miettinen 1999](references.md#miettinen-1999).
     - MGDA, the $u = 0$ limit: [Désidéri 2012](references.md#désidéri-2012).
     - The duality behind (5.4): [Boyd & Vandenberghe 2004](references.md#boyd--vandenberghe-2004).
     - VLMOP2 and its flat tails: [Van Veldhuizen & Lamont 1999](references.md#van-veldhuizen--lamont-1999).
     - CG and Neumann solves (Appendix A):
       [Hestenes & Stiefel 1952](references.md#hestenes--stiefel-1952);
       [Lorraine, Vicol & Duvenaud 2020](references.md#lorraine-vicol--duvenaud-2020).

     ## Appendix A. What the algorithm costs (optional)

     This appendix counts oracle calls; the main line of the chapter does not depend on it.

     **CG against Neumann inside the algorithm.** The same run ($r = (0.3, 0.7)$, $K$ steps)
     with the two hypergradient solvers of [Chapter 3](03-ConjugateGradientVsNeumann.md): CG
     with $m$ iterations, warm-started from the last $v_s$, and a Neumann series with
     $Q = \lceil 2\kappa \rceil$ terms and $\eta = 1/L$ (the library's Neumann starts from
     $v = 0$ each time). On this toy Neumann's truncation does not move the fixed point:
     $\nabla_x f = 0$ and $\nabla^2_{xy} g = -I$, so $\hat h_s = v_s$, and the truncated series
     gives $v_s = A^{-1}\Gamma_Q \nabla f_s = A^{-1}\Gamma_Q A\,\nabla\Phi_s$ — one symmetric
     positive definite matrix for every $s$, a preconditioner, so a combination of the
     $\hat h_s$ vanishes exactly when the exact one does.
     */
    let neumannTerms = { (kappa: Double) in Int((2 * kappa).rounded(.up)) }  // Q = ⌈2κ⌉
    func neumannSolver(_ problem: MOBLToy, kappa: Double) -> HessianSolver {
        .neumann(eta: 1 / problem.curvature.L, .fixed(iterations: neumannTerms(kappa)))
    }
    let cgRun = try runWCMHGD(toy2, x0: x0, r: rDemo)
    let neumannRun = try runWCMHGD(toy2, x0: x0, r: rDemo, solver: neumannSolver(toy2, kappa: flags.kappa))
    // weave: begin-hide
    let solverRuns = [("CG", m, cgRun), ("Neumann", neumannTerms(flags.kappa), neumannRun)]
    let solverTable = Table(
        "cg_vs_neumann", solverRuns,
        [
            .text("solver") { $0.0 }, .number("terms", header: "m or Q", .integer) { Double($0.1) },
            .number("f1", header: "Φ₁(x_K)", .fixed(8)) { $0.2.values[0] },
            .number("f2", header: "Φ₂(x_K)", .fixed(8)) { $0.2.values[1] },
            .number("distance", header: "to Φ*", .scientific(2)) { norm($0.2.values - optimumDemo.values) },
            .number("gap", header: "𝒢(x_K)", .scientific(2)) { $0.2.gap },
        ])
    let solverCost = Table(
        "cg_vs_neumann_calls", solverRuns,
        [
            .text("solver") { $0.0 },
            .number("lower_gradients", header: "∇g", .integer) { Double($0.2.result.counts.lowerGradient) },
            .number("upper_gradients", header: "∇f", .integer) { Double($0.2.result.counts.upperGradient) },
            .number("hessian_vector", header: "∇²_yy g·v", .integer) { Double($0.2.result.counts.hessianVector) },
            .number("mixed", header: "∇²_xy g·v", .integer) { Double($0.2.result.counts.mixedVector) },
            .number("total", header: "total calls", .integer) { Double($0.2.result.counts.calls) },
            .number("per_solve", header: "∇²_yy g·v per solve", .fixed(1)) {
                Double($0.2.result.counts.hessianVector) / Double(2 * $0.2.result.steps)
            },
        ])
    section("A.1 CG(\(m)) against Neumann(Q = \(neumannTerms(flags.kappa)), η = 1/L) in WC-MHGD, K = \(K)")
    show(solverTable)
    show(solverCost)
    say("the two final points differ by \(sci(norm(cgRun.values - neumannRun.values))) in objective space")
    // weave: end

    /*:
     Both end on the same point, 9.86e-10 apart. The products per solve are not the "$m$ or
     $Q$" column: a warm-started CG($m$) solve costs $m + 2$ products — one for the initial
     residual $b - Hv_0$ of the warm start, $m$ iterations, and one to check the true
     residual at the end — so CG(5) costs 7; a Neumann series with $Q$ terms costs $Q$
     products, 20 here. Over 3000 steps with two solves each, that is 41998 products for CG
     (the first solve of each objective starts from $v = 0$ and saves one) against 120000
     for Neumann.

     **Cost against $\kappa$ and $S$.** The paper bounds the deterministic cost to an
     $\varepsilon$-stationary point by $O(\kappa^3\varepsilon^{-1}S)$ oracle calls, a
     worst case over its problem class with its own schedule of step sizes and inner
     iterations. What follows is not a test of that bound — this run keeps $D$ and $m$
     fixed and uses $Q = \lceil 2\kappa \rceil$, which is not the theorem's schedule — but
     a measurement of how *this* schedule's cost grows on this toy. We run until the exact
     gap at $x_k$ is $\le \varepsilon$ and count every call up to that step — $\nabla f$ and
     $\nabla g$ calls, Hessian-vector and mixed products — with $\alpha = \eta = 1/L$. A run
     that does not reach $\varepsilon$ within the budget is reported as "not reached", never
     dropped. One caveat: the target is Pareto *stationarity*, which every point of the
     front satisfies; a run whose path crosses the front on its way to the preferred point
     can hit $\varepsilon$ early, far from $x^*_r$ (Exercise 4 shows one).
     */
    let kappas: [Double] = flags.common.quick ? [2, 5, 10] : [2, 5, 10, 20, 50, 100]
    var costRuns: [(kappa: Double, cg: Run, neumann: Run)] = []
    for kappa in kappas {
        progress("cost at κ = \(kappa)")  // weave: hide
        let (problem, start) = try toy(.vlmop2, kappa: kappa)
        let cg = try runWCMHGD(problem, x0: start, r: rDemo, steps: budget, target: flags.epsilon)
        let neumann = try runWCMHGD(
            problem, x0: start, r: rDemo, steps: budget, solver: neumannSolver(problem, kappa: kappa),
            target: flags.epsilon)
        costRuns.append((kappa, cg, neumann))
    }
    // weave: begin-hide
    let notReached = "not in \(budget)"
    func stepsTo(_ run: Run) -> Double? { run.reached.map { Double($0.k + 1) } }
    func callsTo(_ run: Run) -> Double? { run.reached.map { Double($0.counts.calls) } }
    func callsPerStep(_ run: Run) -> Double? { run.reached.map { Double($0.counts.calls) / Double($0.k + 1) } }
    let costTable = Table(
        "cost", costRuns,
        [
            .number("kappa", header: "κ", .integer) { $0.kappa },
            .number("cg_steps", header: "CG: steps", .integer, missing: notReached) { stepsTo($0.cg) },
            .number("cg_calls", header: "CG: calls", .integer, missing: "-") { callsTo($0.cg) },
            .number("cg_per_step", header: "per step", .fixed(1), missing: "-") { callsPerStep($0.cg) },
            .number("neumann_steps", header: "Neumann: steps", .integer, missing: notReached) { stepsTo($0.neumann) },
            .number("neumann_calls", header: "Neumann: calls", .integer, missing: "-") { callsTo($0.neumann) },
            .number("neumann_per_step", header: "per step", .fixed(1), missing: "-") { callsPerStep($0.neumann) },
        ])
    section("A.2 Oracle calls to 𝒢 ≤ \(sci(flags.epsilon)) (S = 2 toy, r = (0.3, 0.7), D = \(D), CG(\(m)), Q = ⌈2κ⌉)")
    show(costTable)
    /// The fitted log-log slope of a count against a size, over the runs that reached ε (nil if fewer than two did).
    func fittedSlope(_ points: [(size: Double, count: Double?)]) -> Double? {
        let reached = points.compactMap { p in p.count.map { (log(p.size), log($0)) } }
        return reached.count >= 2 ? leastSquaresSlope(reached) : nil
    }
    let slopeText = { (slope: Double?) in slope.map { fixed($0, 2) } ?? "n/a" }
    say("fitted exponents against κ: steps \(slopeText(fittedSlope(costRuns.map { ($0.kappa, stepsTo($0.cg)) }))) (CG)")
    say("calls \(slopeText(fittedSlope(costRuns.map { ($0.kappa, callsTo($0.cg)) }))) (CG)")
    say("calls \(slopeText(fittedSlope(costRuns.map { ($0.kappa, callsTo($0.neumann)) }))) (Neumann)")
    for c in costRuns where c.cg.reached == nil || c.neumann.reached == nil {
        say("κ = \(Int(c.kappa)): not reached within the budget (left out of the fit)")
    }
    // weave: end

    /*:
     Three things set these numbers. The outer steps to $\varepsilon$ grow with $\kappa$ —
     the fitted exponent is 1.31 — whatever the solver: $\nabla\Phi_s = A^{-1}\nabla f_s$, so
     the reduced problem itself is worse conditioned as $\kappa$ grows. Warm-started CG
     costs the same 22 calls per outer step at every $\kappa$ (2 inner gradients, 4 upper
     gradients, 14 Hessian-vector and 2 mixed products): it *amortizes* its solve over the
     outer loop, so its per-step cost does not depend on $\kappa$, and its calls grow only
     as the steps do, with exponent 1.31. Neumann pays $\lceil 2\kappa \rceil$ products per
     solve at every step, so its per-step cost grows like $\kappa$ and its calls with
     exponent 2.15 (from 16 calls per step at $\kappa = 2$ to 408 at $\kappa = 100$). Figure 5.7 draws both beside guide lines of slope 1 and 3.
     */
    // weave: begin-hide
    func costFigure() throws -> Figure {
        let first = costRuns.first { $0.cg.reached != nil }!
        let anchor = callsTo(first.cg)!
        let span = [kappas.first!, kappas.last!]
        let guides = try DataBlock(
            "guides", span,
            [
                "kappa": { $0 }, "linear": { anchor * $0 / first.kappa },
                "cubic": { anchor * pow($0 / first.kappa, 3) },
            ])
        return try Figure.curves(
            "ch05-cost", title: "Oracle calls to reach 𝒢 ≤ \(sci(flags.epsilon, 0)) against κ (S = 2 toy)",
            x: "κ", y: "oracle calls (∇f, ∇g, ∇²_{yy}g·v, ∇²_{xy}g·v)", log: .both, key: "top left",
            comment:
                "Chapter 5 — WC-MHGD: CG(m) fixed, Neumann with Q = ⌈2κ⌉ terms; NaN = not reached within the budget.",
            data: try costTable.dataBlock, against: "kappa",
            [
                Curve("cg_calls", "CG(m = \(m)), warm"), Curve("neumann_calls", "Neumann(Q = ⌈2κ⌉)"),
                Curve("linear", "∝ κ (guide)", .lines, data: guides, color: "#777777", lineWidth: 1, dash: 2),
                Curve("cubic", "∝ κ³ (guide)", .lines, data: guides, color: "#777777", lineWidth: 1, dash: 3),
            ])
    }
    show(
        try costFigure(),
        caption: """
            Oracle calls until the exact gap first reaches 1e-6, against κ (log-log axes), with \
            guide lines of slope 1 and 3 through the first CG point. CG, warm-started with a fixed \
            m, grows like the number of outer steps; Neumann, with ⌈2κ⌉ terms per solve, one power \
            of κ faster. Neither comes near the κ³ of the worst-case bound on this toy.
            """)
    // weave: end

    /*:
     And against $S$, at $\kappa = 10$: VLMOP2 ($S = 2$) and the triangle and pentagon
     ($S = 3, 5$), with the preference $r_s \propto s$ (so that no objective is favoured by
     symmetry), CG. The three problems differ in more than $S$, so the fitted exponent mixes
     the per-step cost ($S$ solves per step) with how hard each front is to reach.
     */
    var sizeRuns: [(S: Int, run: Run)] = []
    for s in [2, 3, 5] {
        progress("cost at S = \(s)")  // weave: hide
        let (problem, start) = try toy(s == 2 ? .vlmop2 : .polygon(s), kappa: flags.kappa)
        let r = (1...s).map { 2 * Double($0) / Double(s * (s + 1)) }  // r_s ∝ s
        sizeRuns.append((s, try runWCMHGD(problem, x0: start, r: r, steps: budget, target: flags.epsilon)))
    }
    // weave: begin-hide
    let sizeTable = Table(
        "cost_by_S", sizeRuns,
        [
            .number("S", .integer) { Double($0.S) },
            .number("steps", header: "steps", .integer, missing: notReached) { stepsTo($0.run) },
            .number("calls", header: "calls", .integer, missing: "-") { callsTo($0.run) },
            .number("per_step", header: "calls per step", .fixed(1), missing: "-") { callsPerStep($0.run) },
        ])
    show(sizeTable)
    say(
        "fitted exponent of calls against S: \(slopeText(fittedSlope(sizeRuns.map { (Double($0.S), callsTo($0.run)) })))"
    )
    // weave: end

    /*:
     The calls per step are $10S + 2$ — each objective's solve and gradients, plus the shared
     inner loop — and the steps grow with the harder fronts, so the calls grow with a fitted
     exponent of 1.46 over $S = 2, 3, 5$: the linear per-step cost of the bound, times a
     front that is harder to reach, on three points.
     */
    save(
        tables: [
            limits, fixedPoint, scaleTable, sweepTable, baselines, rateTable, factorTable, solverTable, solverCost,
            costTable, sizeTable,
        ], flags: flags.common)  // weave: hide
} catch { fail("\(error)") }  // weave: hide
