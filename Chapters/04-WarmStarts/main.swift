/*:
 # Chapter 4 — Warm starts

 Chapters 2 and 3 computed one hypergradient at one $x$, with the lower level solved
 exactly. An algorithm computes thousands, one per outer step $k$, and cannot afford an
 exact inner solve each time. The answer of WC-MHGD
 ([Zhang et al. 2025](references.md#zhang-et-al-2025)), and of the convergence analyses
 it builds on ([Ji, Yang & Liang 2021](references.md#ji-yang--liang-2021)), is cheap and
 old: run only $D$ inner gradient steps per outer step, but **start them where the last
 outer step left off**. This chapter measures why that works:

 - the outer loop $x_{k+1} = x_k - \beta \hat h_k$ moves $x$ by $\beta \|\hat h_k\|$, so
   $y^*(x_k)$ moves only a little, and the previous $y$ is already a good start;
 - started cold, $D$ steps can only shrink the inner error to $(1 - \mu/L)^D$ of its
   starting size, every time, and the hypergradient inherits that error for good;
 - the same trick applies to the linear solve: start CG on $H v = \nabla_y f$ from the
   previous $v$;
 - and warm starts change which $D$ is cheapest: the one whose inner loop just keeps
   pace with the outer loop.

 Builds on Chapter 2 (AID) and Chapter 3 (CG). Symbols follow the course's
 [notation](notation.md); with a single upper objective, $\hat h_k$ is the
 hypergradient estimate at outer step $k$. Run the chapter with
 `swift run -c release ch04` (or `make chapter N=4`); `--help` lists the flags. It writes
 `figures/ch04-warm-start.gp`, `figures/ch04-cold-floor.gp` and
 `figures/ch04-cg-warm-start.gp`, and its tables to `figures/ch04-tables.dat`.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter04Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    // weave: begin-hide
    let p = flags.size ?? (flags.common.quick ? 30 : 50)
    let n = 10
    let K = flags.outerSteps
    let depths = flags.depths
    let kappa = flags.kappa
    let solveRule: StoppingRule =
        flags.cgIterations.map { .fixed(iterations: $0) }
        ?? .tolerance(relativeResidual: 1e-10, maxIterations: 10_000)
    let solveText = flags.cgIterations.map { "CG: \($0) iterations per solve" } ?? "CG to a relative residual of 1e-10"
    say("Chapter 4 — Warm starts")
    say(
        "seed \(flags.common.seed), n = \(n), p = \(p), κ = \(kappa), K = \(K) outer steps, target \(sci(flags.target))"
    )
    say("D ∈ \(depths.map(String.init).joined(separator: ", ")); β = \(flags.outerStep)/L_Φ; \(solveText)")
    // weave: end

    /*:
     ## 1. A bilevel problem whose outer loop converges

     To watch the inner error in isolation we want an outer problem that gradient descent
     solves reliably: a convex quadratic. The lower level's Hessian $A$ has eigenvalues
     log-spaced in $[1, \kappa]$, so $\mu = 1$ and $L = \kappa$; the upper level pulls $y$
     towards a target $t$ and holds $x$ back with a ridge of coefficient $\theta = 0.1$:

     $$
     g(x, y) = \tfrac12 y^\top A y + x^\top C y + h^\top y,
     \qquad
     f(x, y) = \tfrac12 \|y - t\|^2 + \tfrac{\theta}{2} \|x\|^2. \tag{4.1}
     $$

     Then the lower-level solution is affine in $x$,

     $$
     y^*(x) = -A^{-1}(C^\top x + h), \tag{4.2}
     $$

     and $\Phi(x) = f(x, y^*(x))$ is a strongly convex quadratic with Hessian

     $$
     \nabla^2 \Phi = C A^{-2} C^\top + \theta I, \tag{4.3}
     $$

     whose extreme eigenvalues we call $\mu_\Phi$ and $L_\Phi$. Exact gradient descent
     with step $\beta$ shrinks $\|\nabla\Phi\|$ by at least
     $\max(|1 - \beta\mu_\Phi|, |1 - \beta L_\Phi|)$ per step, its *rate*; the chapter's
     outer step is $\beta = 1/L_\Phi$ (`--outer-step` sets the factor), for which the
     rate is $1 - \mu_\Phi/L_\Phi$. The inner step is $\alpha = 1/L$. The library's
     `QuadraticBilevel` calls $h$ `a`, and the target enters as $-t$, the linear term
     (`c`) of its upper objective.
     */
    /// The problem (4.1) with p = dim y, n = dim x, κ = L/μ and ridge θ, drawn from `rng`.
    func convexQuadratic(n: Int, p: Int, kappa: Double, theta: Double, using rng: inout SeededGenerator) throws
        -> QuadraticBilevel
    {
        let A = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: kappa, count: p))
        let C = rng.gaussianMatrix(rows: n, columns: p, scale: 1 / Double(p).squareRoot())
        let t = rng.gaussianVector(p)
        let f = QuadraticBilevel.Upper(
            F: .identity(p), H: .diagonal(Vector(repeating: theta, count: n)), K: Matrix(rows: n, columns: p),
            c: -1.0 * t, h: Vector(repeating: 0, count: n))
        return try QuadraticBilevel(
            A: A, B: Matrix(rows: n, columns: n), C: C, a: rng.gaussianVector(p), b: Vector(repeating: 0, count: n),
            upper: [f])
    }

    /// ∇²Φ = C A⁻² Cᵀ + θI, (4.3), by n dense solves with A.
    func outerHessian(_ problem: QuadraticBilevel) throws -> Matrix {
        let cholesky = try Cholesky(problem.A)
        let columns = (0..<problem.upperDimension).map { cholesky.solve(problem.C.row($0)) }  // A⁻¹Cᵀ
        var hessian = problem.upper[0].H
        for i in columns.indices { for j in columns.indices { hessian[i, j] += dot(columns[i], columns[j]) } }
        return hessian
    }
    /*:
     One seed draws one problem and one start $x_0$; the inner loops start from $y_0 = 0$.
     For reference we also run exact gradient descent, $x \leftarrow x - \beta \nabla\Phi(x)$
     with the true $\nabla\Phi$, until $\|\nabla\Phi(x_k)\| \le \varepsilon \|\nabla\Phi(x_0)\|$
     (the target $\varepsilon$ is `--target`): the pace of the outer loop itself, which
     the inexact runs below can be compared with.
     */
    // weave: begin-hide
    /// One seed's problem, start and outer step, and what exact gradient descent does on it.
    struct Setup {
        let seed: UInt64
        let problem: QuadraticBilevel
        let x0: Vector
        let muPhi: Double, LPhi: Double
        let beta: Double, alpha: Double
        let initialGradientNorm: Double
        /// Steps exact gradient descent needs to reach the target (nil: not within K).
        var exactSteps: Int? = nil
        /// The contraction max(|1 − βμ_Φ|, |1 − βL_Φ|) of exact gradient descent: 1 − μ_Φ/L_Φ at β = 1/L_Φ.
        var outerRate: Double { max(abs(1 - beta * muPhi), abs(1 - beta * LPhi)) }
    }
    // weave: end
    func setup(seed: UInt64) throws -> Setup {
        var rng = SeededGenerator(seed: seed)
        let problem = try convexQuadratic(n: n, p: p, kappa: kappa, theta: 0.1, using: &rng)
        let outerEigenvalues = try symmetricEigenvalues(outerHessian(problem))
        let (muPhi, LPhi) = (outerEigenvalues.first!, outerEigenvalues.last!)
        let x0 = rng.gaussianVector(n)
        var s = Setup(
            seed: seed, problem: problem, x0: x0, muPhi: muPhi, LPhi: LPhi, beta: flags.outerStep / LPhi,
            alpha: 1 / problem.curvature.L, initialGradientNorm: norm(problem.exactHypergradients(x: x0)[0]))
        var x = x0  // exact gradient descent
        for k in 0..<K {
            let gradient = problem.exactHypergradients(x: x)[0]
            if norm(gradient) <= flags.target * s.initialGradientNorm {
                s.exactSteps = k
                break
            }
            axpy(-s.beta, gradient, &x)
        }
        return s
    }

    let base = try setup(seed: flags.common.seed)
    let y0 = Vector(repeating: 0, count: p)
    // weave: begin-hide
    say(
        "μ_Φ = \(sci(base.muPhi)), L_Φ = \(sci(base.LPhi)), β = \(sci(base.beta)), "
            + "exact GD rate \(fixed(base.outerRate, 3)), α = 1/L = \(sci(base.alpha))")
    say(
        "exact gradient descent: "
            + (base.exactSteps.map { "‖∇Φ(x_k)‖ ≤ \(sci(flags.target)) · ‖∇Φ(x₀)‖ after \($0) steps" }
                ?? "target not reached in \(K) steps"))
    // weave: end

    /*:
     ## 2. The warm-started outer loop

     One outer step of hypergradient descent with AID (Chapter 2) and CG (Chapter 3) is

     $$
     \begin{aligned}
     y_k &= y^{(D)}, \quad y^{(j+1)} = y^{(j)} - \alpha \nabla_y g(x_k, y^{(j)}), \quad
       y^{(0)} = y_{k-1} \text{ (warm) or } y_0 \text{ (cold)}, \\
     v_k &\text{ solves } H v = \nabla_y f(x_k, y_k) \text{ by CG from } v_{k-1} \text{ (warm) or } 0, \\
     \hat h_k &= \nabla_x f(x_k, y_k) - \nabla^2_{xy} g(x_k, y_k)\, v_k, \qquad
     x_{k+1} = x_k - \beta \hat h_k,
     \end{aligned} \tag{4.4}
     $$

     with $H = \nabla^2_{yy} g(x_k, y_k)$ ($= A$ here). The library's
     `HypergradientDescent` runs it for $K$ steps, the lines of its `step` following (4.4)
     one by one; the two flags `warmInner` and `warmSolve` choose where each start comes
     from.
     */
    // weave: include HypergradientDescent.step
    /*:
     The inner loop is plain gradient descent, started wherever the caller says:
     */
    // weave: include innerGradientDescent
    /*:
     ### What to expect

     Write $e_k = \|y_k - y^*(x_k)\|$ for the inner error at step $k$. A gradient step of
     size $1/L$ shrinks the distance to $y^*(x_k)$ by at least $1 - \mu/L$
     ([Nesterov 2004](references.md#nesterov-2004)). Started cold,

     $$
     e_k \le (1 - \mu/L)^D \, \|y_0 - y^*(x_k)\|, \tag{4.5}
     $$

     which does not shrink as the outer loop converges: $y^*(x_k)$ tends to $y^*(x^*)$,
     not to $y_0$, so the cold error levels off on a **floor**. Started warm, the start
     is off by $e_{k-1}$ plus how far $y^*$ moved, and by (4.2) it moved by
     $A^{-1}C^\top (x_{k-1} - x_k) = \beta A^{-1} C^\top \hat h_{k-1}$:

     $$
     e_k \le (1 - \mu/L)^D \big( e_{k-1} + \beta \|A^{-1} C^\top\| \, \|\hat h_{k-1}\| \big). \tag{4.6}
     $$

     Were $\|\hat h\|$ constant, $e_k$ would settle at the level

     $$
     e = \frac{(1 - \mu/L)^D}{1 - (1 - \mu/L)^D} \, \beta \|A^{-1} C^\top\| \, \|\hat h\|, \tag{4.7}
     $$

     which shrinks with $D$ — and since $\hat h_k \to 0$ as the outer loop converges,
     the warm error keeps falling with it. The hypergradient inherits the inner error.
     Here $\nabla_y f = y - t$, so an exact solve at $y_k$ is off by
     $v_k - v^*(x_k) = A^{-1}(y_k - y^*(x_k))$, and

     $$
     \|\hat h_k - \nabla\Phi(x_k)\| = \|C A^{-1} (y_k - y^*(x_k))\| \le \|C A^{-1}\| \, e_k. \tag{4.8}
     $$

     The experiment runs (4.4) three ways for each $D$ — cold $y$ and cold $v$, warm $y$
     and cold $v$, warm $y$ and warm $v$ — and an observer measures each step against the
     problem's exact answers (dense solves), which the algorithm never sees. Errors of
     the hypergradient are in units of $\|\nabla\Phi(x_0)\|$.
     */
    enum Start: Int, CaseIterable {
        case cold, warmInner, warmBoth
        var label: String { ["cold y, cold v", "warm y, cold v", "warm y, warm v"][rawValue] }
    }
    // weave: begin-hide
    /// One run of the outer loop, as the observer measured it.
    struct WarmStartRun {
        let depth: Int
        let start: Start
        /// e_k, ‖y*(x_k)‖, ‖ĥ_k − ∇Φ(x_k)‖/‖∇Φ(x₀)‖ and ‖∇Φ(x_k)‖/‖∇Φ(x₀)‖ at every step.
        var innerError: [Double] = [], yStarNorm: [Double] = [], hypergradientError: [Double] = []
        var gradientRatio: [Double] = []
        /// CG products spent at step k.
        var cgProducts: [Int] = []
        /// The first k with ‖∇Φ(x_k)‖ ≤ target·‖∇Φ(x₀)‖, and the oracle calls spent before it.
        var reached: (k: Int, counts: OracleCounts)?
        /// ∇_y g calls plus Hessian-vector products until the target was reached.
        var callsToTarget: Int? { reached.map { $0.counts.lowerGradient + $0.counts.hessianVector } }
    }
    // weave: end

    func measure(_ s: Setup, depth: Int, start: Start) throws -> WarmStartRun {
        let descent = HypergradientDescent(
            outerSteps: K, innerSteps: depth, alpha: s.alpha, beta: s.beta, solver: .conjugateGradient(solveRule),
            warmInner: start != .cold, warmSolve: start == .warmBoth)
        var run = WarmStartRun(depth: depth, start: start), spent = OracleCounts()
        _ = try descent.run(s.problem, x0: s.x0, y0: y0) { step in
            let yStar = s.problem.lowerSolution(x: step.x)
            let exact = s.problem.exactHypergradients(x: step.x)[0]
            let ratio = norm(exact) / s.initialGradientNorm
            if run.reached == nil && ratio <= flags.target { run.reached = (step.k, spent) }
            run.innerError.append(norm(step.y - yStar))
            run.yStarNorm.append(norm(yStar))
            run.hypergradientError.append(norm(step.hypergradients[0] - exact) / s.initialGradientNorm)
            run.gradientRatio.append(ratio)
            run.cgProducts.append(step.solveProducts)
            spent = step.counts
            return true
        }
        return run
    }
    /*:
     Three runs of the chapter's problem for each $D$, one per way of starting:
     */
    var runs: [WarmStartRun] = []
    for d in depths {
        for start in Start.allCases {
            progress("D = \(d), \(start.label)")
            runs.append(try measure(base, depth: d, start: start))
        }
    }
    // weave: begin-hide
    func run(_ depth: Int, _ start: Start) -> WarmStartRun { runs.first { $0.depth == depth && $0.start == start }! }
    let shownSteps = Array(Set([0, 1, 5, 20, 50, K / 2, K - 1].filter { $0 < K })).sorted()

    /// A table of one measured quantity at the shown steps, warm (y and v) above cold, per D.
    func errorTable(_ name: String, _ values: (WarmStartRun) -> [Double]) -> Table {
        var table = Table(
            name,
            [.init("D", format: .integer), .init("start", format: .label(["cold", "warm"]))]
                + shownSteps.map { .init("k\($0)", "k = \($0)", format: .scientific(2)) })
        for d in depths {
            for start in [Start.warmBoth, .cold] {
                var cells: [(String, Double?)] = [("D", Double(d)), ("start", start == .cold ? 0 : 1)]
                cells += shownSteps.map { ("k\($0)", values(run(d, start))[$0]) }
                table.append(cells)
            }
        }
        return table
    }
    // weave: end

    /*:
     ## 3. The inner error, warm and cold

     The inner error $e_k$ at a few outer steps, warm ($y$ and $v$) above cold:
     */
    section("3. Inner error ‖y_k − y*(x_k)‖ at a few outer steps")
    let innerErrors = errorTable("inner_error_at", \.innerError)
    show(innerErrors)
    // weave: begin-hide
    func warmFigure() throws -> Figure {
        let block = try DataBlock(
            "warm_error", columns: ["D", "k", "inner", "hypergradient"],
            groups: depths.map { d in
                let r = run(d, .warmBoth)
                return (0..<K).map { [Double(d), Double($0), max(r.innerError[$0], 1e-300), r.hypergradientError[$0]] }
            })
        return try Figure.curves(
            "ch04-warm-start", title: "Warm starts (y and v): the inner error falls with the outer loop",
            x: "outer step k", y: "inner error ‖y_k − y*(x_k)‖", log: .y, key: "bottom left",
            comment: "Chapter 4 — Warm starts: inner error of the warm runs at every outer step, for each D.",
            against: "k", Curve.groups("inner", data: block, titles: depths.map { "D = \($0)" }))
    }
    show(
        try warmFigure(),
        caption: #"""
            The inner error $\|y_k - y^*(x_k)\|$ of the warm runs (warm $y$, warm $v$) for each $D$, \#
            on a log scale. Every curve falls with the outer loop, the faster the larger $D$. \#
            Note the $D = 2$ curve after $k \approx 120$ and the $D = 1$ curve after \#
            $k \approx 170$: they stop falling near $10^{-10}$ and bump there ($D = 2$ falls \#
            again after $k \approx 150$). That is the \#
            linear solve's tolerance, a relative residual of $10^{-10}$: by then the warm-started \#
            CG mostly takes no iteration at all, and each time it does take one, $v$ — and with it \#
            $x$ and $y^*(x)$ — jumps by about that much, which one or two inner steps per outer \#
            step absorb slowly. The cold runs are in Figure 4.2.
            """#)
    // weave: end
    /*:
     Warm, the error falls with the outer loop: at $k = 100$ it is 4.01e-06 for $D = 1$
     and 5.76e-10 for $D = 8$. Cold, it first *grows* — $y^*(x_k)$ moves away from
     $y_0 = 0$ as $x$ converges — and then stays put: for $D = 1$ it goes from 3.36e+00 at
     $k = 0$ to 5.88e+00 at $k = 50$, and is still 5.88e+00 at the last step. The last
     step's cold error against the bound (4.5):
     */
    // weave: begin-hide
    var floors = Table(
        "cold_floor",
        [
            .init("D", format: .integer), .init("floor", "cold error at k = K−1", format: .scientific(2)),
            .init("bound", "(1 − μ/L)^D ‖y*(x_k)‖", format: .scientific(2)),
        ])
    // weave: end
    func coldBound(_ d: Int, _ yStarNorm: Double) -> Double { pow(1 - 1 / kappa, Double(d)) * yStarNorm }
    for d in depths {
        let cold = run(d, .cold)
        floors.append(["D": Double(d), "floor": cold.innerError[K - 1], "bound": coldBound(d, cold.yStarNorm[K - 1])])
    }
    show(floors)
    // weave: begin-hide
    func coldFigure() throws -> Figure {
        let block = try DataBlock(
            "cold_error", columns: ["D", "k", "inner", "bound", "hypergradient"],
            groups: depths.map { d in
                let r = run(d, .cold)
                return (0..<K).map {
                    [Double(d), Double($0), r.innerError[$0], coldBound(d, r.yStarNorm[$0]), r.hypergradientError[$0]]
                }
            })
        return try Figure.curves(
            "ch04-cold-floor", title: "Cold starts (y₀ = 0): the inner error rests on a floor below its bound",
            x: "outer step k", y: "inner error ‖y_k − y*(x_k)‖", key: "outside right top",
            comment: "Chapter 4 — Warm starts: inner error of the cold runs, and the bound (1 − μ/L)^D ‖y*(x_k)‖.",
            against: "k",
            Curve.groups("inner", data: block, titles: depths.map { "D = \($0)" })
                + Curve.groups(
                    "bound", data: block, titles: depths.map { "bound, D = \($0)" }, pairedWithFirst: 0),
            yRange: 0...(1.1 * depths.map { coldBound($0, run($0, .cold).yStarNorm.max()!) }.max()!))
    }
    show(
        try coldFigure(),
        caption: #"""
            The inner error of the cold runs ($y^{(0)} = y_0 = 0$ at every outer step) on a linear \#
            scale, each $D$ with its bound $(1 - \mu/L)^D \|y^*(x_k)\|$ of (4.5), dashed in the same \#
            colour. After about 30 outer steps every curve is flat: more outer steps buy nothing. \#
            Note that the floors sit below their bounds by a margin that grows with $D$: the bound \#
            contracts all of $y^*$ at the slowest rate $1 - \mu/L$, while gradient descent removes \#
            its components along the large eigenvalues of $A$ much faster.
            """#)
    // weave: end
    /*:
     The floor is 5.88e+00, 4.19e+00, 2.60e+00 and 1.28e+00 for $D = 1, 2, 4, 8$ — it
     shrinks with $D$ like $(1 - \mu/L)^D$, never to zero — and lies below its bound
     (6.23e+00 for $D = 1$, 1.87e+00 for $D = 8$), because only the slowest
     eigen-component of $y^*$ contracts as slowly as $1 - \mu/L$.

     The hypergradient error follows the inner error, as (4.8) says:
     */
    section("Hypergradient error ‖ĥ_k − ∇Φ(x_k)‖ / ‖∇Φ(x₀)‖")
    let hypergradientErrors = errorTable("hypergradient_error_at", \.hypergradientError)
    show(hypergradientErrors)
    /*:
     Cold, the bias stays at 2.53e+00 $\|\nabla\Phi(x_0)\|$ for $D = 1$ and 4.48e-01 for
     $D = 8$: larger than the gradient it estimates once $x$ is anywhere near $x^*$. Warm,
     it falls with the inner error until it meets the accuracy of the linear solve:
     after 199 steps it is 5.17e-10, 8.70e-11, 6.50e-11 and 1.01e-10 for
     $D = 1, 2, 4, 8$, the level at which Figure 4.1's curves bump.

     ## 4. Warm-starting the linear solve

     The solve of $H v = \nabla_y f$ is the expensive part of a step: 33 Hessian-vector
     products from $v = 0$ (32 CG iterations and a final check of the true residual). Its
     solution $v^*(x_k) = A^{-1}(y^*(x_k) - t)$ moves as little as $y^*(x_k)$ does, so the
     previous step's $v$ is a good start. How good improves as the outer loop
     converges: the start is off by about the distance $v^*$ moved, which is proportional
     to $\|x_k - x_{k-1}\| = \beta \|\hat h_{k-1}\|$ and so shrinks by about
     $1 - \mu_\Phi/L_\Phi$ per step, while CG shrinks its error by
     $(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$ per iteration (Chapter 3). To reach the same
     tolerance from a start that is $1 - \mu_\Phi/L_\Phi$ times closer, a solve needs

     $$
     \frac{\ln\big(1/(1 - \mu_\Phi/L_\Phi)\big)}{\ln\big((\sqrt\kappa + 1)/(\sqrt\kappa - 1)\big)} \tag{4.9}
     $$

     fewer iterations than the step before — a count falling linearly in $k$, down to
     2 products once the start already meets the tolerance (the warm start's initial
     residual and the final check; no iteration). For the largest $D$:
     */
    // weave: begin-hide
    let cgDepth = depths.last!
    // weave: end
    let warmCG = run(cgDepth, .warmBoth).cgProducts
    let cgStep = min(100, K - 1)
    let measuredSlope = Double(warmCG[1] - warmCG[cgStep]) / Double(cgStep - 1)
    let cgRate = (kappa.squareRoot() - 1) / (kappa.squareRoot() + 1)
    let predictedSlope = log(base.outerRate) / log(cgRate)
    // weave: begin-hide
    section("4. CG products per outer step, D = \(cgDepth), warm y")
    say(
        "from the previous v: \(warmCG[1]) at k = 1, \(warmCG[cgStep]) at k = \(cgStep): "
            + "\(fixed(measuredSlope, 2)) fewer per step; (4.9) predicts \(fixed(predictedSlope, 2))")
    let coldCG = run(cgDepth, .warmInner).cgProducts
    say(
        "from v = 0: \(Set([coldCG.min()!, coldCG.max()!]).sorted().map(String.init).joined(separator: " to ")) at every step; "
            + "in all \(K) steps, \(warmCG.reduce(0, +)) warm against \(coldCG.reduce(0, +)) cold")
    func cgFigure() throws -> Figure {
        let products = try DataBlock(
            "cg_products", Array(coldCG.indices),
            [
                "k": { Double($0) }, "cold": { Double(coldCG[$0]) }, "warm": { Double(warmCG[$0]) },
                "predicted": { max(2, Double(warmCG[1]) - predictedSlope * Double($0 - 1)) },
            ])
        return try Figure.curves(
            "ch04-cg-warm-start", title: "Products of each CG solve (D = \(cgDepth), warm inner loop)",
            x: "outer step k", y: "Hessian-vector products", key: "top right",
            comment: "Chapter 4 — Warm starts: CG started from v = 0 or from the previous outer step's v.",
            data: products, against: "k",
            [
                Curve("warm", "CG from the previous v", .lines), Curve("cold", "CG from v = 0", .lines),
                .reference("predicted", "slope (4.9), from k = 1"),
            ], yRange: 0...40)
    }
    show(
        try cgFigure(),
        caption: #"""
            Hessian-vector products spent by each outer step's linear solve, for the largest $D$ \#
            with a warm inner loop: CG from $v = 0$ costs the same at every step, CG from the \#
            previous $v$ costs less and less. Note how straight the warm curve falls, as (4.9) \#
            predicts (grey, dashed: the prediction drawn from the measured count at $k = 1$), \#
            until it reaches 2 products — the solve then checks its start and stops.
            """#)
    // weave: end
    /*:
     Warm-started CG falls from 31 products at $k = 1$ to 5 at $k = 100$, 0.26 fewer per
     step, against 0.25 from (4.9) with the worst-case CG rate; over the 200 steps it
     spends 1977 products where the cold start spends 6599. Exercise 5 turns this into a
     bound: on a system that drifts slowly, a warm-started CG costs $O(1)$ products per
     step, whatever the accuracy asked of it.

     ## 5. What it costs to reach the target

     The measure that matters is the number of oracle calls until the outer loop has
     converged, $\|\nabla\Phi(x_k)\| \le \varepsilon \|\nabla\Phi(x_0)\|$. First, which
     runs get there at all, and how close each is after the last step:
     */
    // weave: begin-hide
    let notReached = "not in \(K)"
    var outcome = Table(
        "outcome",
        [
            .init("D", format: .integer), .init("start", "variant", format: .label(Start.allCases.map(\.label))),
            .init("steps", "outer steps to target", format: .integer, missing: notReached),
            .init("final_ratio", "‖∇Φ(x_K−1)‖/‖∇Φ(x₀)‖", format: .scientific(2)),
        ])
    var cost = Table(
        "cost",
        [
            .init("D", format: .integer), .init("start", "variant", format: .label(Start.allCases.map(\.label))),
            .init("gradients", "∇_y g calls", format: .integer, missing: "-"),
            .init("products", "∇²g·v products", format: .integer, missing: "-"),
            .init("per_step", "products per step", format: .fixed(1), missing: "-"),
            .init("total", "calls in all", format: .integer, missing: "-"),
        ])
    for d in depths {
        for start in Start.allCases {
            let r = run(d, start)
            let row: [(String, Double?)] = [("D", Double(d)), ("start", Double(start.rawValue))]
            outcome.append(row + [("steps", r.reached.map { Double($0.k) }), ("final_ratio", r.gradientRatio.last!)])
            let spent = r.reached?.counts
            cost.append(
                row + [
                    ("gradients", spent.map { Double($0.lowerGradient) }),
                    ("products", spent.map { Double($0.hessianVector) }),
                    ("per_step", r.reached.map { Double($0.counts.hessianVector) / Double(max($0.k, 1)) }),
                    ("total", r.callsToTarget.map(Double.init)),
                ])
        }
    }
    // weave: end
    section("5. Reaching ‖∇Φ(x_k)‖ ≤ \(sci(flags.target)) · ‖∇Φ(x₀)‖")
    show(outcome)
    /*:
     No cold run reaches the target: for every $D$ the iterates stall where the biased
     $\hat h$ vanishes, with $\|\nabla\Phi\|$ still 2.53e+00 to 4.48e-01 times its start.
     Every warm run reaches it: $D = 2$ and $D = 4$ in 70 steps, $D = 8$ in 71 — as fast
     as exact gradient descent, which needs 71 — and $D = 1$ in 99.

     Look at the last column of the warm-$y$, cold-$v$ rows: 3.46e-11 for every $D$,
     identical to three digits. That is no coincidence. Where that iteration comes to
     rest, $y$ is a fixed point of $D$ gradient steps, which is $y^*(x)$ exactly whatever
     $D$ is; and $v$ is what CG from 0 returns on the system $A v = y^*(x) - t$, the same
     vector whatever $D$ is. So the resting point — where $\hat h = 0$ — does not depend
     on $D$, and there $\nabla\Phi = \nabla\Phi - \hat h = C(v - v^*)$, the error CG leaves
     at its tolerance of $10^{-10}$. Warm-started CG rests instead wherever its last solve
     stopped (any $v$ within the tolerance is a fixed point, since a start that meets it
     takes no iteration), which depends on the path: 3.51e-10, 8.69e-11, 6.50e-11 and
     1.01e-10.

     What each run that got there spent on the way, in $\nabla_y g$ calls and
     Hessian-vector products (each outer step also makes two upper-level gradients and one
     mixed product, whatever $D$ is):
     */
    show(cost)
    /*:
     Warm-started CG cuts every run's products by about a third (1567 against 2309 for
     $D = 2$) on exactly the same outer steps. Counting both kinds of call, **$D = 2$ is
     cheapest**: 1707 calls, against 2321, 1773 and 2058 for $D = 1, 4, 8$. The linear
     solves, about 22 products per step, dominate the bill, so the number of outer steps
     decides it: $D = 1$ needs 99 steps where $D = 2$ needs 70, while $D = 4$ and $D = 8$
     need no fewer (70 and 71) — their extra inner steps only add calls.

     ## 6. Which $D$ is cheapest, on five problems

     Is $D = 2$ a property of warm starts or of this one problem? The argument above
     suggests a rule. By (4.6), a warm inner error is driven by $\|\hat h_{k-1}\|$, which
     shrinks by about $1 - \mu_\Phi/L_\Phi$ per step, and decays by itself at
     $(1 - \mu/L)^D$ per step; it falls at the slower of the two rates, and drags the
     outer loop down to that rate too (Exercise 6 derives it). Extra inner steps stop
     paying once the inner loop keeps pace with the outer one:

     $$
     (1 - \mu/L)^D \le 1 - \mu_\Phi/L_\Phi
     \quad\Longleftrightarrow\quad
     D \ge \frac{\ln(1 - \mu_\Phi/L_\Phi)}{\ln(1 - \mu/L)}. \tag{4.10}
     $$

     (With another outer step, the rate of exact gradient descent takes the place of
     $1 - \mu_\Phi/L_\Phi$ in (4.9) and (4.10); the program uses it.) The smallest $D$ of
     the list that satisfies (4.10) should be the cheapest. We draw
     the problem and start again with `--seeds` consecutive seeds (the first is the
     chapter's) and run the warm-$y$, warm-$v$ loop for each $D$:
     */
    // weave: begin-hide
    var sweep = Table(
        "seeds",
        [
            .init("seed", format: .integer), .init("rate", "GD rate", format: .fixed(3)),
            .init("exact", "GD steps", format: .integer, missing: notReached),
            .init("rule", "D ≥ (4.10)", format: .fixed(2)),
        ]
            + depths.map { .init("calls_D\($0)", "D = \($0)", format: .integer, missing: "-") }
            + [.init("cheapest", format: .integer, missing: "-"), .init("predicted", format: .integer, missing: "-")])
    var callsPerDepth: [Int: [Int]] = [:], cheapestPerSeed: [Int?] = []
    // weave: end
    for i in 0..<flags.seeds {
        let s = i == 0 ? base : try setup(seed: flags.common.seed &+ UInt64(i))
        let calls = try depths.map { try measure(s, depth: $0, start: .warmBoth).callsToTarget }
        let rule = log(s.outerRate) / log(1 - 1 / kappa)
        let cheapest = zip(depths, calls).filter { $0.1 != nil }.min { $0.1! < $1.1! }?.0
        // weave: begin-hide
        for (d, c) in zip(depths, calls) { if let c { callsPerDepth[d, default: []].append(c) } }
        cheapestPerSeed.append(cheapest)
        sweep.append(
            [
                ("seed", Double(s.seed)), ("rate", s.outerRate), ("exact", s.exactSteps.map(Double.init)),
                ("rule", rule),
            ] + zip(depths, calls).map { ("calls_D\($0.0)", $0.1.map(Double.init)) } + [
                ("cheapest", cheapest.map(Double.init)),
                ("predicted", depths.first { Double($0) >= rule }.map(Double.init)),
            ])
        // weave: end
    }
    // weave: begin-hide
    section("6. Calls to the target (∇_y g + ∇²g·v), warm y and v, on \(flags.seeds) seeds")
    say("GD: exact gradient descent, its rate and its steps to the target")
    show(sweep)
    let summary = Table(
        "seeds_summary", depths,
        [
            .number("D", .integer) { Double($0) },
            .number("median", header: "median calls", .fixed(0), missing: "-") { d in
                let c = (callsPerDepth[d] ?? []).map(Double.init).sorted()
                return c.isEmpty ? nil : (c[(c.count - 1) / 2] + c[c.count / 2]) / 2
            },
            .number("min", .integer, missing: "-") { callsPerDepth[$0]?.min().map(Double.init) },
            .number("max", .integer, missing: "-") { callsPerDepth[$0]?.max().map(Double.init) },
            .number("reached", header: "seeds reached", .integer) { Double(callsPerDepth[$0]?.count ?? 0) },
            .number("cheapest", header: "cheapest on", .integer) { d in
                Double(cheapestPerSeed.filter { $0 == d }.count)
            },
        ])
    show(summary)
    save(tables: [innerErrors, floors, hypergradientErrors, outcome, cost, sweep, summary], flags: flags.common)
    // weave: end

    /*:
     The rule picks the cheapest $D$ on all five seeds — and $D = 2$ is the exception, not
     the law. The chapter's problem has the slowest outer loop of the five
     ($1 - \mu_\Phi/L_\Phi = 0.849$, 71 steps of exact gradient descent), so (4.10) asks
     only for $D \ge 1.56$; the other four need 34 to 52 exact steps and $D \ge 2.25$ to
     3.20, and on each of them $D = 4$ is cheapest. Over the five seeds the median cost is
     2066 calls for $D = 1$, 1363 for $D = 2$, 1213 for $D = 4$ and 1459 for $D = 8$, with
     ranges (1306–1707 for $D = 2$, 942–1773 for $D = 4$) that overlap: what carries over
     from problem to problem is not a best $D$ but the rule, and that $D = 1$, whose inner
     loop lags on every problem, is the dearest on every seed.

     ## Summary

     - Cold inner loops cap the accuracy: the inner error rests on a floor of at most
       $(1 - \mu/L)^D \|y_0 - y^*\|$ (4.5) and the hypergradient bias with it (4.8),
       however long the outer loop runs, and no cold run reaches the target.
     - Warm inner loops carry the accuracy forward: the error settles at a level (4.7)
       that shrinks with $D$ and vanishes as the outer loop converges — which is why
       WC-MHGD can use a small $D$.
     - Warm-starting CG does the same for the linear solve: its cost per step falls
       linearly in $k$, by (4.9) products per step, down to 2 products — about a third
       of all products saved on the way to the target, more afterwards.
     - The warm runs' final accuracy is the linear solve's ($10^{-10}$), not the inner
       loop's; with cold-started CG it is the same for every $D$ (3.46e-11), because
       the resting point does not depend on $D$.
     - Count oracle calls to a target, not per step. The cheapest $D$ is about the
       smallest whose inner loop keeps pace with the outer one, (4.10): $D = 2$ on this
       chapter's problem, $D = 4$ on four other seeds.

     ## Exercises

     1. *(run)* Run `swift run -c release ch04 --kappa 100`. Which $D$ still reaches the
        target warm, and how does the cold floor $(1 - 1/\kappa)^D \|y^*\|$ change?
     2. *(run)* Run with `--outer-step 1.9` ($\beta = 1.9/L_\Phi$, near the outer loop's
        stability limit $2/L_\Phi$). Do the warm inner errors grow or shrink, and is the
        target reached sooner or later? The bound (4.6) has two sides: a larger $\beta$
        moves $y^*$ further per step, but $\hat h$ shrinks faster — which wins here?
     3. *(run)* Run with `--cg-iterations 5`: a fixed budget of 5 CG iterations per solve
        in place of the tolerance $10^{-10}$. Does warm-starting CG now change the
        *accuracy* rather than the cost?
     4. *(run)* How large must $D$ be for the cold variant to reach the target? Predict
        it from the floor $(1 - 1/\kappa)^D \|y^*\|$, then check with
        `--target 1e-3 --depths 20 40 60 80 100`.
     5. *(derive)* Warm-started CG costs $O(1)$ products per step on a slowly drifting
        system. Let the solutions $v^*_k$ of the systems $A v = b_k$ of successive steps
        drift by $\|v^*_k - v^*_{k-1}\|_A \le \delta \|v^*\|_A$, and let every solve stop at
        $\|v_k - v^*_k\|_A \le \varepsilon \|v^*\|_A$, both measured against the size
        $\|v^*\|_A$ of the solution, which a slowly drifting system keeps nearly constant.
        From CG's bound $2\big((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\big)^m$, show that the
        warm-started solve needs at most
        $\big\lceil \ln\big(2(1 + \delta/\varepsilon)\big) / \ln\frac{\sqrt\kappa + 1}{\sqrt\kappa - 1} \big\rceil$
        iterations — independent of $k$, and of $\varepsilon$ too while $\delta$ is at most a
        fixed multiple of $\varepsilon$ — against
        $\lceil \ln(2/\varepsilon) / \ln\frac{\sqrt\kappa + 1}{\sqrt\kappa - 1} \rceil$
        from $v = 0$. Then let $\delta$ shrink like $(1 - \mu_\Phi/L_\Phi)^k$, as in
        Section 4, and derive (4.9).
     6. *(derive)* Unroll (4.6) with $\|\hat h_k\| \le \|\hat h_0\| (1 - \mu_\Phi/L_\Phi)^k$
        to show that $e_k = O\big(\max((1 - \mu/L)^D, 1 - \mu_\Phi/L_\Phi)^k\big)$ (with an
        extra factor $k$ when the two rates are equal). Argue from (4.8) that the outer
        loop then converges at that rate, so that the outer steps to the target stop
        falling once (4.10) holds. Predict from it the ratio of the outer steps of
        $D = 1$ and $D = 2$ on the chapter's problem, and compare with the run.
     7. *(implement)* Write the warm-started outer loop (4.4) yourself — $y$ and $v$
        carried from step to step, in about fifteen lines, from the problem's oracles
        (`lowerGradientY`, `upperGradientY`, `upperGradientX`, `lowerHessianVector`,
        `lowerMixedVector`) and the library's `conjugateGradient` — and check it against
        `HypergradientDescent`: after 200 steps on a random quadratic problem, your
        $x_K$ and your count of Hessian-vector products should match the library's for
        $D = 1, 2, 4, 8$.

     Worked solutions: [solutions/04.md](solutions/04.md).

     ## Further reading

     - Approximate implicit differentiation with inexact inner and linear solves, their
       tolerances tightened from one outer step to the next, and the conditions on those
       errors under which the outer loop still converges:
       [Pedregosa 2016](references.md#pedregosa-2016).
     - Convergence of AID- and ITD-based bilevel methods with warm-started inner loops,
       and how many inner steps they need: [Ji, Yang & Liang 2021](references.md#ji-yang--liang-2021).
     - The rate $1 - \mu/L$ of gradient descent on a smooth, strongly convex function,
       behind (4.5)–(4.7) and (4.10): [Nesterov 2004](references.md#nesterov-2004).
     - CG's rate $(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$, behind (4.9):
       [Hestenes & Stiefel 1952](references.md#hestenes--stiefel-1952) and
       [Shewchuk 1994](references.md#shewchuk-1994).
     - WC-MHGD's warm-started inner loop, which Chapter 5 builds on this one:
       [Zhang et al. 2025](references.md#zhang-et-al-2025), arXiv 2511.07824.
     */
} catch { fail("\(error)") }  // weave: hide
