/*:
 # Chapter 7 — FORUM: a first-order, Hessian-free route

 Every method so far needs second-order information about the lower level. AID
 ([Chapter 2](02-Hypergradients.md)) solves $H v_s = \nabla_y f_s$ with Hessian-vector
 products, ITD differentiates through $D$ unrolled inner steps and stores all of them,
 and WC-MHGD ([Chapter 5](05-WCMHGD.md)) is built on AID. **FORUM**
 ([Ye et al. 2024](references.md#ye-et-al-2024), arXiv 2401.09257) avoids both by
 changing the problem instead of the estimator: it turns the lower level into a single
 inequality constraint and descends on $x$ and $y$ together, with gradients only. You
 will learn

 - the value-function reformulation, why the usual duality theory does not apply to it
   (Slater's condition fails), and how Danskin's theorem differentiates it without a
   Hessian;
 - FORUM's direction problem, its dual derived in full — and a factor of 2 between the
   paper's printed multiplier and the derivation;
 - what FORUM does on the $S = 2$ toy of Chapter 5: its KKT gap and exact constraint
   violation, the jump in both near step 20, and why every run ends near an end of the
   Pareto front;
 - two baselines from the literature, **MOML** (ITD with MGDA weights) and **MoCo**
   (tracked AID hypergradients with projected weight steps), and what a step of each
   costs in oracle calls and memory against the inner steps $D$.

 Symbols follow the course's [notation](notation.md); where the FORUM paper uses another
 letter the text says so once. Run it with `swift run -c release ch07` (or
 `make chapter N=7`); `--help` lists the flags. What the authors' public code does
 differently from the paper is an appendix at the end.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter07Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    // weave: begin-hide
    let K = flags.outerSteps ?? (flags.common.quick ? 3000 : 10_000)
    let D = flags.innerSteps
    let startCount = flags.starts ?? (flags.common.quick ? 3 : 5)
    say("Chapter 7 — FORUM")
    say("seed \(flags.common.seed), κ = \(flags.kappa), K = \(K), D = \(D), ρ = \(flags.rho), β = \(flags.beta)")
    say(
        "\(startCount) starts; cost depths D ∈ \(flags.depths.map(String.init).joined(separator: ", ")); "
            + "CG iterations m = \(flags.cgSteps)")
    // weave: end

    /*:
     ## 1. The value-function reformulation

     The bilevel problem of the course is

     $$
     \min_x \big(\Phi_1(x), \dots, \Phi_S(x)\big), \qquad \Phi_s(x) = f_s\big(x, y^*(x)\big), \qquad
     y^*(x) = \operatorname*{argmin}_y g(x, y). \tag{7.1}
     $$

     Write $\zeta = (x, y) \in \mathbb{R}^{n+p}$ for the joint variable ($z$ in the FORUM
     paper, which also writes $m$ for $S$, $F_i$ for $f_s$ and $f$ for $g$) and let
     $g^*(x) = \min_y g(x, y)$ be the lower level's **value function**. Because $g$ is
     strongly convex in $y$, $y$ is the minimizer exactly when it attains the minimum value:
     $y = y^*(x) \iff g(x, y) \le g^*(x)$. So (7.1) is the same problem as

     $$
     \min_{\zeta} \big(f_1(\zeta), \dots, f_S(\zeta)\big) \quad \text{subject to} \quad
     q(\zeta) = g(x, y) - g^*(x) \le 0. \tag{7.2}
     $$

     The hierarchy is gone: $x$ and $y$ are optimized together, and the lower level
     survives as one inequality constraint.

     **Why Slater fails.** Constrained optimization usually leans on Slater's condition —
     some point with $q(\zeta) < 0$ strictly — to guarantee that multipliers exist and stay
     bounded ([Boyd & Vandenberghe 2004](references.md#boyd--vandenberghe-2004)). Here
     $q(\zeta) \ge 0$ for *every* $\zeta$ ($g(x, y)$ can never be below its own minimum), so
     the feasible set $\{q \le 0\}$ is exactly $\{q = 0\} = \{y = y^*(x)\}$, a set with no
     interior. Worse, $\nabla q = 0$ at every feasible point ($q$ attains its minimum 0
     there), so the usual constraint qualifications fail too. A KKT point of (7.2) — weights
     $\lambda \in \Delta_S$ and $\nu \ge 0$ with $\sum_s \lambda_s \nabla f_s + \nu \nabla q = 0$ —
     is then a feasible point where $\sum_s \lambda_s \nabla f_s(\zeta) = 0$ on its own, in
     $x$ *and* in $y$: a Pareto-stationary point of the $f_s$ as functions of $\zeta$ that
     happens to satisfy $y = y^*(x)$. In general there is none, and methods built on a dual
     ascent cannot be applied as they stand; FORUM keeps the constraint in its direction
     problem instead, and asks for a decrease of $q$ at every step.

     **Danskin's theorem.** The constraint needs $\nabla g^*(x)$. If $g(x, \cdot)$ has a
     unique minimizer $y^*(x)$, then $\nabla g^*(x) = \nabla_x g(x, y^*(x))$: differentiate
     $g(x, y^*(x))$ by the chain rule, $\nabla_x g + (J^*)^\top \nabla_y g$, and the second
     term vanishes because $\nabla_y g(x, y^*(x)) = 0$
     ([Danskin 1967](references.md#danskin-1967)). No Jacobian $J^*$, no Hessian. So

     $$
     \nabla q(\zeta) = \Big(\nabla_x g(x, y) - \nabla_x g\big(x, y^*(x)\big),\ \nabla_y g(x, y)\Big). \tag{7.3}
     $$

     **The approximation.** $g^*$ is not available; FORUM runs $D$ gradient steps from the
     current $y$ ($T$ steps of size $\eta$ in the paper), $\tilde y^{(0)} = y$,
     $\tilde y^{(j+1)} = \tilde y^{(j)} - \alpha \nabla_y g(x, \tilde y^{(j)})$, and uses

     $$
     \tilde q(\zeta) = g(x, y) - g\big(x, \tilde y^{(D)}\big), \qquad
     \nabla\tilde q(\zeta) = \Big(\nabla_x g(x, y) - \nabla_x g\big(x, \tilde y^{(D)}\big),\ \nabla_y g(x, y)\Big). \tag{7.4}
     $$

     Since $g(x, \tilde y^{(D)}) \ge g^*(x)$, $\tilde q$ under-estimates $q$, and it tends to
     $q$ at gradient descent's linear rate $(1 - \mu/L)^D$. The library computes exactly
     (7.4), with $D + 3$ gradients of $g$, two values, and three length-$p$ vectors
     whatever $D$ is:
     */
    // weave: include ValueFunctionConstraint
    /*:
     **The test problem** is Chapter 5's $S = 2$ toy: $g(x, y) = \tfrac12 y^\top A y - y^\top x$
     with the eigenvalues of $A$ log-spaced in $[1, \kappa]$ (so $\mu = 1$, $L = \kappa$), and
     $f_s(x, y) = f_s(y)$ the two VLMOP2 objectives in $y$. Then $y^*(x) = A^{-1}x$ and
     $g^*(x) = -\tfrac12 x^\top A^{-1} x$ are known exactly, and so is the Pareto front. The
     start is $x_0 = 0.3 \cdot$ (a seeded Gaussian vector), $y_0 = 0$. On this toy KKT points
     of (7.2) *do* exist: the $f_s$ read only $y$, so their $x$-gradients vanish, and
     $y^*(x) = A^{-1}x$ is onto, so every Pareto-stationary $y$ of VLMOP2 is feasible with
     $x = Ay$. Keep that in mind when the KKT gap falls to rounding below.

     We compare $\tilde q$ and $\nabla\tilde q$ with the exact (7.3) at $\zeta_0 = (x_0, 0)$,
     using the toy's exact $y^*$, which the algorithm never sees:
     */
    var rng = flags.common.generator()
    let toy = try MOBLToy.standard(.vlmop2, kappa: flags.kappa, using: &rng)
    let x0 = rng.gaussianVector(toy.upperDimension).map { 0.3 * $0 }
    let y0 = Vector(repeating: 0, count: toy.lowerDimension)
    let alpha = 1 / toy.curvature.L
    // weave: begin-hide
    let (n, S) = (toy.upperDimension, toy.objectiveCount)
    /// q(ζ) = g(x, y) − g*(x), with the exact lower solution (the algorithm never sees it).
    func exactQ(x: Vector, y: Vector) -> Double {
        toy.lowerValue(x: x, y: y) - toy.lowerValue(x: x, y: toy.lowerSolution(x: x))
    }
    /// ∇q(ζ) of (7.3), with the exact lower solution.
    func exactQGradient(x: Vector, y: Vector) -> Vector {
        (toy.lowerGradientX(x: x, y: y) - toy.lowerGradientX(x: x, y: toy.lowerSolution(x: x)))
            + toy.lowerGradientY(x: x, y: y)
    }
    /// ∇f_s(ζ) = (∇_x f_s, ∇_y f_s), as vectors in R^{n+p}.
    func fullGradients(x: Vector, y: Vector) -> [Vector] {
        (0..<S).map { toy.upperGradientX($0, x: x, y: y) + toy.upperGradientY($0, x: x, y: y) }
    }
    var constraintTable = Table(
        "constraint_at_start",
        [
            .init("T", "D", format: .integer), .init("q_tilde", "q̃(ζ₀)", format: .scientific(4)),
            .init("q", "q(ζ₀)", format: .scientific(4)),
            .init("gradient_error", "‖∇q̃ − ∇q‖/‖∇q‖", format: .scientific(2)),
            .init("rate", "(1 − μ/L)^D", format: .scientific(2)),
        ])
    // weave: end
    let qStart = exactQ(x: x0, y: y0), gqStart = exactQGradient(x: x0, y: y0)
    for depth in [1, 4, 16, 64, 256] {
        let c = try ValueFunctionConstraint(CountedOracles(toy), x: x0, y: y0, steps: depth, eta: alpha)
        constraintTable.append([
            "T": Double(depth), "q_tilde": c.value, "q": qStart,
            "gradient_error": norm(c.gradient - gqStart) / norm(gqStart),
            "rate": pow(1 - toy.curvature.mu / toy.curvature.L, Double(depth)),
        ])
    }
    // weave: begin-hide
    section("1. q̃ and ∇q̃ against the exact q and ∇q at ζ₀ = (x₀, 0)")
    show(constraintTable)
    say("largest q̃/q over the rows: \(fixed(constraintTable.column("q_tilde").max()! / qStart, 12))")
    // weave: end

    /*:
     $\tilde q$ stays below $q$ in every row (the largest ratio is 1.000000000000, at
     $D = 256$), and the relative error of $\nabla\tilde q$ falls from 4.63e-01 at $D = 1$ to
     6.16e-13 at $D = 256$, a little faster than $(1 - \mu/L)^D$.

     ## 2. The direction problem and its dual

     At $\zeta_k$ FORUM wants a direction $d$ that decreases all $f_s$ as fast as possible and
     decreases $\tilde q$ by at least a set amount $\phi_k = \tfrac{\rho}{2}\|\nabla\tilde q\|^2$:

     $$
     \min_d \; \max_s \langle \nabla f_s, d \rangle + \tfrac12 \|d\|^2 \quad \text{subject to} \quad
     \langle \nabla\tilde q, d \rangle \le -\phi_k. \tag{7.5}
     $$

     Without the constraint this is MGDA's direction problem of [Chapter 1](01-ParetoFronts.md).
     Write the max with an epigraph variable $\upsilon$: minimize $\upsilon + \tfrac12\|d\|^2$
     subject to $\langle \nabla f_s, d \rangle \le \upsilon$ for every $s$. With multipliers
     $\lambda_s \ge 0$ for the $S$ objective constraints and $\nu \ge 0$ for the $\tilde q$
     constraint, the Lagrangian is

     $$
     \mathcal{L}(d, \upsilon, \lambda, \nu) = \upsilon + \tfrac12\|d\|^2 +
     \sum_s \lambda_s \big(\langle \nabla f_s, d \rangle - \upsilon\big) +
     \nu \big(\langle \nabla\tilde q, d \rangle + \phi_k\big). \tag{7.6}
     $$

     **Minimize over $\upsilon$ and $d$.** $\mathcal{L}$ is linear in $\upsilon$, so its
     infimum over $\upsilon$ is $-\infty$ unless the coefficient $1 - \sum_s \lambda_s$
     vanishes: $\lambda \in \Delta_S$. In $d$ it is a strictly convex quadratic, minimized at
     $d = -(\sum_s \lambda_s \nabla f_s + \nu \nabla\tilde q)$. Substituting, with
     $-d$ for the combination, gives $\tfrac12\|d\|^2 - \|d\|^2 + \nu\phi_k$, and the dual
     maximizes this; as a minimization,

     $$
     \min_{\lambda \in \Delta_S,\ \nu \ge 0} \; \tfrac12 \Big\|\sum_s \lambda_s \nabla f_s + \nu \nabla\tilde q\Big\|^2 - \nu\phi_k,
     \qquad d = -\Big(\sum_s \lambda_s \nabla f_s + \nu \nabla\tilde q\Big). \tag{7.7}
     $$

     The primal is a strictly convex QP with a strictly feasible point whenever
     $\nabla\tilde q \ne 0$ (a long step along $-\nabla\tilde q$), so strong duality holds and
     the primal solution is the $d$ of the dual solution. The dual has only $S + 1$ unknowns
     and needs only the Gram matrix of $(\nabla f_1, \dots, \nabla f_S, \nabla\tilde q)$; the
     library solves it exactly with the simplex QP of Chapter 1 (one extra unknown that need
     only be nonnegative), where the paper calls a general conic solver:
     */
    // weave: include FORUMDirection.solve
    /*:
     **$\nu$ in closed form.** For fixed $\lambda$, (7.7) is a one-dimensional convex
     quadratic in $\nu \ge 0$. Its derivative in $\nu$ is
     $\langle \sum_s \lambda_s \nabla f_s + \nu \nabla\tilde q, \nabla\tilde q \rangle - \phi_k$;
     setting it to zero and clipping at 0 (and using $\sum_s \lambda_s = 1$ to give
     $\phi_k$ to each term),

     $$
     \nu(\lambda) = \max\Big(\sum_s \lambda_s \pi_s,\ 0\Big), \qquad
     \pi_s = \frac{\phi_k - \langle \nabla\tilde q, \nabla f_s \rangle}{\|\nabla\tilde q\|^2}. \tag{7.8}
     $$

     When $\nu(\lambda) > 0$ the constraint is active: $\langle \nabla\tilde q, d \rangle =
     -\sum_s \lambda_s \langle \nabla\tilde q, \nabla f_s \rangle - \nu\|\nabla\tilde q\|^2 = -\phi_k$
     exactly (complementary slackness).

     **The factor of 2.** The paper prints $\pi_s = (2\phi_k - \langle \nabla\tilde q, \nabla f_s \rangle)/\|\nabla\tilde q\|^2$,
     and the authors' code computes $\rho - \langle \nabla\tilde q, \nabla f_s \rangle / \|\nabla\tilde q\|^2$,
     the same thing since $2\phi_k / \|\nabla\tilde q\|^2 = \rho$. With that $\pi_s$ the same
     computation gives $\langle \nabla\tilde q, d \rangle = -2\phi_k$ when $\nu > 0$, and the
     paper's QP, which adds the constraint $\nu \ge \sum_s \lambda_s \pi_s$ on its multiplier
     ($\gamma$ in the paper), forces $\langle \nabla\tilde q, d \rangle \le -2\phi_k$: twice the
     decrease of $\tilde q$ that (7.5) asks for. In effect it solves the problem with $\rho$
     doubled. The library evaluates (7.8) both ways:
     */
    // weave: include forumMultiplier
    /*:
     We take the first iterate of the run of Section 3, $\zeta_0$ itself (where
     $\tilde q > 0$), solve the dual (7.7), and rebuild $d$ from the dual's $\lambda$ with
     each multiplier:
     */
    let g0 = fullGradients(x: x0, y: y0)
    let c0 = try ValueFunctionConstraint(CountedOracles(toy), x: x0, y: y0, steps: D, eta: alpha)
    let direction0 = try FORUMDirection(gradients: g0, constraintGradient: c0.gradient, rho: flags.rho)
    /// d = −(Σ λ_s ∇f_s + ν ∇q̃) for the dual's λ and the multiplier ν(λ) of (7.8), derived or printed.
    func directionWithMultiplier(printed: Bool) -> (nu: Double, d: Vector) {
        let nu = forumMultiplier(
            lambda: direction0.lambda, gradients: g0, constraintGradient: c0.gradient, phi: direction0.phi,
            printed: printed)
        var w = combination(direction0.lambda, g0)
        axpy(nu, c0.gradient, &w)
        return (nu, -1 * w)
    }
    // weave: begin-hide
    enum Multiplier: Int, CaseIterable {
        case derived, printed
        var label: String { ["derived: π with φ", "printed: π with 2φ"][rawValue] }
    }
    var factorTable = Table(
        "factor_of_two",
        [
            .init("variant", "multiplier", format: .label(Multiplier.allCases.map(\.label))),
            .init("nu", "ν(λ)", format: .scientific(6)), .init("gq_d", "⟨∇q̃, d⟩", format: .scientific(6)),
            .init("minus_phi", "−φ", format: .scientific(6)), .init("minus_two_phi", "−2φ", format: .scientific(6)),
            .init("qp_nu", "ν of the dual", format: .scientific(6)),
        ])
    for variant in Multiplier.allCases {
        let (nu, d) = directionWithMultiplier(printed: variant == .printed)
        factorTable.append([
            "variant": Double(variant.rawValue), "nu": nu, "gq_d": dot(c0.gradient, d),
            "minus_phi": -direction0.phi, "minus_two_phi": -2 * direction0.phi, "qp_nu": direction0.nu,
        ])
    }
    section("2. Derived (φ) against printed (2φ) multiplier at ζ₀")
    show(factorTable)
    say(
        "q̃(ζ₀) = \(sci(c0.value)), ‖∇q̃‖² = \(sci(normSquared(c0.gradient))), φ = \(sci(direction0.phi)), "
            + "λ = (\(fixed(direction0.lambda[0], 4)), \(fixed(direction0.lambda[1], 4)))")
    say(
        "derived: ⟨∇q̃, d⟩/φ = \(fixed(factorTable.value(0, "gq_d") / direction0.phi, 6)), "
            + "|ν(λ) − ν|/ν = \(sci(abs(factorTable.value(0, "nu") - direction0.nu) / direction0.nu))")
    say(
        "printed: ⟨∇q̃, d⟩/φ = \(fixed(factorTable.value(1, "gq_d") / direction0.phi, 6)), ν larger by "
            + "\(sci(factorTable.value(1, "nu") - factorTable.value(0, "nu"))) = φ/‖∇q̃‖² = "
            + "\(sci(direction0.phi / normSquared(c0.gradient)))")
    // weave: end

    /*:
     With the derived $\pi_s$, $\langle \nabla\tilde q, d \rangle / \phi = -1.000000$: the
     constraint holds with equality, and $\nu(\lambda)$ equals the dual's $\nu$ to 1.64e-16
     relative. With the printed $\pi_s$ the ratio is $-2.000000$, and $\nu$ is larger by
     2.50e-01, which is $\phi/\|\nabla\tilde q\|^2$.

     ## 3. FORUM on the $S = 2$ toy

     FORUM's outer step $k$, Algorithm 1 of the paper in the course's letters (the paper
     writes $\mu$ for the step $\beta$, $\beta_k$ for the momentum weight $\omega_k$ and
     $\tilde\lambda$ for $\bar\lambda$), is

     $$
     \begin{aligned}
     &1.\quad \tilde q(\zeta_k),\ \nabla\tilde q(\zeta_k) \text{ by (7.4): } D \text{ gradient steps from } \tilde y^{(0)} = y_k \\
     &2.\quad \lambda_k \text{ from the dual (7.7) at } \zeta_k, \quad \phi_k = \tfrac{\rho}{2}\|\nabla\tilde q(\zeta_k)\|^2 \\
     &3.\quad \bar\lambda_k = (1 - \omega_k)\bar\lambda_{k-1} + \omega_k \lambda_k, \quad \omega_k = (k + 1)^{-3/4} \quad (\omega_0 = 1) \\
     &4.\quad \nu_k = \nu(\bar\lambda_k) \text{ by (7.8)} \\
     &5.\quad \zeta_{k+1} = \zeta_k - \beta\Big(\sum_s \bar\lambda_{k,s} \nabla f_s(\zeta_k) + \nu_k \nabla\tilde q(\zeta_k)\Big)
     \end{aligned} \tag{7.9}
     $$

     The moving average on $\lambda$ makes the weights converge (the paper's analysis needs
     it); $\nu_k$ is recomputed from the averaged weights so that the decrease of $\tilde q$
     is still asked for. The library's step is these lines, one comment each:
     */
    // weave: include FORUM.step
    /*:
     We run $K$ steps from $\zeta_0 = (x_0, 0)$ with $D = 32$, $\alpha = 1/L$, $\rho = 0.5$
     and $\beta = 0.2$, and record along the run

     - the **KKT gap** $\mathcal{G}^{\mathrm{KKT}}_k = \|\sum_s \bar\lambda_{k,s} \nabla f_s + \nu_k \nabla\tilde q\|^2$,
       the squared length of the step divided by $\beta^2$, with the $\nabla\tilde q$ the
       algorithm used, and
     - the **exact constraint violation** $q(\zeta_k) = g(x_k, y_k) - g^*(x_k)$, with the
       toy's exact $g^*$.
     */
    // weave: begin-hide
    /// One FORUM run as the observer saw it: every step's KKT gap, exact q, ν_k, λ̄_k, x_k and f(ζ_k).
    struct FORUMRun {
        let kkt: [Double], q: [Double], nu: [Double], lambda: [Vector], x: [Vector], values: [Vector]
        let result: OuterResult, last: OuterIterate
        init(steps: [OuterIterate], q: [Double], result: OuterResult) {
            (kkt, nu) = (steps.map { $0.constraint!.kktGap }, steps.map { $0.constraint!.nu })
            (lambda, x, values) = (steps.map(\.weights), steps.map(\.x), steps.map(\.values))
            (self.q, self.result, last) = (q, result, steps.last!)
        }
    }
    // weave: end
    func runFORUM(_ forum: FORUM, x0: Vector, y0: Vector) throws -> FORUMRun {
        var steps: [OuterIterate] = [], q: [Double] = []
        let result = try forum.run(toy, x0: x0, y0: y0) { step in
            steps.append(step)
            q.append(exactQ(x: step.x, y: step.y))  // the exact violation, with the toy's g*
            return true
        }
        return FORUMRun(steps: steps, q: q, result: result)
    }
    let forum = FORUM(outerSteps: K, innerSteps: D, eta: alpha, rho: flags.rho, mu: flags.beta)
    let main = try runFORUM(forum, x0: x0, y0: y0)
    // weave: begin-hide
    progress("FORUM, K = \(K)")
    let front = toy.front(resolution: 4000)
    /// Distance from a point of the objective plane to the exact front: to the polyline
    /// through 4001 samples of it (its chords are within ~1e-8 of the curve).
    func distanceToFront(_ f: Vector) -> Double {
        zip(front, front.dropFirst()).map { a, b in
            let ab = b - a
            let t = min(max(dot(f - a, ab) / normSquared(ab), 0), 1)
            var closest = a
            axpy(t, ab, &closest)
            return norm(f - closest)
        }.min()!
    }
    /// f(ζ_K) and q(ζ_K) after the last step, and Φ(x_K).
    func finalValues(_ run: FORUMRun) -> (f: Vector, q: Double, phi: Vector) {
        (
            toy.upperValues(x: run.result.x, y: run.result.y), exactQ(x: run.result.x, y: run.result.y),
            toy.reducedValues(x: run.result.x)
        )
    }
    let mainEnd = finalValues(main)
    var convergenceTable = Table(
        "forum_run",
        [
            .init("k", format: .integer), .init("kkt", "KKT gap", format: .scientific(2)),
            .init("q", "q(ζ_k)", format: .scientific(2)),
            .init("nu", "ν_k", format: .scientific(2)), .init("lambda1", "λ̄_k,1", format: .fixed(4)),
            .init("f1", "f_1(ζ_k)", format: .fixed(6)), .init("f2", "f_2(ζ_k)", format: .fixed(6)),
            .init("phi1", "Φ_1(x_k)", format: .fixed(6)), .init("phi2", "Φ_2(x_k)", format: .fixed(6)),
        ])
    for k in logSpacedIndices(K, points: 8) {
        let phi = toy.reducedValues(x: main.x[k])
        convergenceTable.append([
            "k": Double(k), "kkt": main.kkt[k], "q": main.q[k], "nu": main.nu[k], "lambda1": main.lambda[k][0],
            "f1": main.values[k][0], "f2": main.values[k][1], "phi1": phi[0], "phi2": phi[1],
        ])
    }
    section("3. The run: KKT gap, exact q(ζ_k), ν_k, λ̄_k, f(ζ_k) and Φ(x_k)")
    show(convergenceTable)
    say(
        "After K = \(K) steps: q(ζ_K) = \(sci(mainEnd.q)), KKT gap \(sci(main.last.constraint!.kktGap)) "
            + "(from \(sci(main.kkt[0])) at k = 0)")
    say(
        "Φ(x_K) = (\(fixed(mainEnd.phi[0], 6)), \(fixed(mainEnd.phi[1], 6))), "
            + "distance to the exact front \(sci(distanceToFront(mainEnd.phi)))")
    say("ν_k: largest \(sci(main.nu.max()!)), last \(sci(main.nu.last!))")
    func convergenceFigure() throws -> Figure {
        // k ≥ 1 only, so that every row fits the log axis (k = 0 is in the table).
        let forum = try DataBlock(
            "forum", columns: ["k", "kkt", "q", "nu"],
            rows: logSpacedIndices(K, points: 160).dropFirst().map { k in
                [Double(k), main.kkt[k], max(main.q[k], 1e-300), main.nu[k]]
            })
        return try Figure.curves(
            "ch07-convergence", title: "FORUM on the S = 2 toy: KKT gap and exact constraint violation",
            x: "outer step k", y: "KKT gap and violation q(ζ_k)", log: .both, key: "bottom left",
            comment: "Chapter 7 — FORUM: D = \(D), ρ = \(flags.rho), β = \(flags.beta), K = \(K); rows at log-spaced k.",
            data: forum, against: "k",
            [Curve("kkt", "KKT gap ‖Σλ̄_s∇f_s + ν∇q̃‖²", .lines), Curve("q", "q(ζ_k) with the exact g*", .lines)])
    }
    show(
        try convergenceFigure(),
        caption: """
            FORUM on the S = 2 toy (D = 32, β = 0.2, ρ = 0.5), log-log axes, one row per \
            log-spaced k. Both measures fall for 20 steps, jump near k = 21, stay on a plateau \
            for a few hundred steps and then fall to rounding. The plateau is where the iterate slides \
            along the front (Section 4); the jump is where ν_k crosses the stability limit \
            of the y block, 2/(β(L + 1/L)).
            """)
    // weave: end

    /*:
     After $K$ = 10000 steps the exact violation is $q(\zeta_K)$ = 1.58e-14 and the KKT gap
     1.01e-13, from 1.29e-01 at $k = 0$; $\Phi(x_K)$ = (0.010073, 0.972885) lies 1.32e-08 from
     the exact front. Figure 7.1 draws both measures. The multiplier stays bounded (largest
     3.43e+00) while $\nabla\tilde q$ vanishes.

     **What the vanishing gap means.** A KKT gap of 1e-13 says that FORUM found a KKT point
     of (7.2) — which exists here only because of the toy (Section 1): the $f_s$ do not
     depend on $x$, and every Pareto-stationary $y$ is feasible for some $x$. Where the $f_s$
     do depend on $x$, as in [Chapter 9](09-MetaLearning.md)'s meta-learning, a feasible
     point with $\sum_s \lambda_s \nabla f_s = 0$ in $x$ and in $y$ at once need not exist,
     the KKT gap cannot vanish, and FORUM ends there with the largest stationarity gap of
     the methods compared.

     **The jump near $k = 21$.** On the toy, with $\tilde y^{(D)} \approx A^{-1}x$, the
     $x$-part of $\nabla\tilde q$ is $-(y - A^{-1}x)$ and its $y$-part $A(y - A^{-1}x)$.
     Substituting into line 5 of (7.9), the error $e_k = y_k - A^{-1}x_k$ obeys

     $$
     e_{k+1} = \big(I - \beta\nu_k (A + A^{-1})\big) e_k - \beta \sum_s \bar\lambda_{k,s} \nabla_y f_s, \tag{7.10}
     $$

     a gradient step on the constraint with step $\beta\nu_k$ and curvature $A + A^{-1}$,
     whose largest eigenvalue is $L + 1/L$. It is stable only while
     $\nu_k < 2/(\beta(L + 1/L))$. The table below follows $\nu_k$ through the jump:
     */
    let edge = 2 / (flags.beta * (toy.curvature.L + 1 / toy.curvature.L))
    // weave: begin-hide
    let jumpRows = Array(stride(from: 14, through: min(30, K - 1), by: 2)) + [min(40, K - 1), min(60, K - 1)]
    let jumpTable = Table(
        "jump", jumpRows,
        [
            .number("k", .integer) { Double($0) },
            .number("q", header: "q(ζ_k)", .scientific(2)) { main.q[$0] },
            .number("kkt", header: "KKT gap", .scientific(2)) { main.kkt[$0] },
            .number("nu", header: "ν_k", .fixed(4)) { main.nu[$0] },
            .number("ratio", header: "ν_k / limit", .fixed(3)) { main.nu[$0] / edge },
        ])
    let firstRise = (1..<max(1, K)).first { main.q[$0] > main.q[$0 - 1] }.map { "at k = \($0)" } ?? "never"
    let firstOver = (0..<K).first { main.nu[$0] > edge }.map { "at k = \($0)" } ?? "never"
    section("3b. Through the jump: the limit 2/(β(L + 1/L)) = \(fixed(edge, 4)) on ν_k")
    show(jumpTable)
    say("ν_k first exceeds the limit \(firstOver); q(ζ_k) first rises \(firstRise)")
    // weave: end

    /*:
     $\nu_k$ passes the limit, 0.9901 here, already at $k$ = 10 and climbs to 3.1736 at
     $k = 20$ while $q$ is still falling: the unstable component of $e_k$ starts tiny and
     needs a few steps of growth by $|1 - \beta\nu_k(L + 1/L)| > 1$ to dominate. At $k$ = 22
     $q(\zeta_k)$ rises for the first time, the KKT gap jumps from 1.40e-02 to 4.58e-02, and
     $\nu_k$ falls back — by (7.8) it contains $-\langle \nabla\tilde q, \nabla f_s \rangle / \|\nabla\tilde q\|^2$,
     which shrinks as $\nabla\tilde q$ grows. From $k = 26$ on, $\nu_k$ sits within 2 % of
     the limit (0.982 to 1.006 times it in the table): the multiplier has settled where the
     constraint's step is just stable, and $q$ falls only slowly. That is the plateau of
     Figure 7.1, which lasts while the iterate slides along the front (Section 4).

     ## 4. Where FORUM ends on the front

     FORUM takes no preference: like MGDA it stops at *some* Pareto-stationary point, and
     which one depends on where it starts. We draw starts $x_0 = 0.6 \cdot$ (Gaussian),
     $y_0 = 0$, from the seeded generator and follow $\Phi(x_k) = f(x_k, y^*(x_k))$, the
     values of the reduced objectives at the iterate's $x$. (The values $f(\zeta_k)$ the
     algorithm sees are not those: every run starts at $y_0 = 0$, the middle of VLMOP2's
     Pareto segment, so $f(\zeta_0) = (0.632121, 0.632121)$ for every start, although no
     $\zeta_0$ is feasible.)
     */
    var starts: [(x0: Vector, run: FORUMRun)] = []
    for j in 0..<startCount {
        progress("start \(j + 1) of \(startCount)")  // weave: hide
        let x = rng.gaussianVector(n).map { 0.6 * $0 }
        starts.append((x, try runFORUM(forum, x0: x, y0: y0)))
    }
    // weave: begin-hide
    let pathSteps = logSpacedIndices(K, points: 60)
    let startEnds = starts.map { finalValues($0.run) }
    let startTable = Table(
        "starts", Array(starts.indices),
        [
            .number("start", .integer) { Double($0 + 1) },
            .number("phi1_0", header: "Φ_1(x₀)", .fixed(4)) { toy.reducedValues(x: starts[$0].x0)[0] },
            .number("phi2_0", header: "Φ_2(x₀)", .fixed(4)) { toy.reducedValues(x: starts[$0].x0)[1] },
            .number("f1", header: "Φ_1(x_K)", .fixed(6)) { startEnds[$0].phi[0] },
            .number("f2", header: "Φ_2(x_K)", .fixed(6)) { startEnds[$0].phi[1] },
            .number("q", header: "q(ζ_K)", .scientific(2)) { startEnds[$0].q },
            .number("kkt", header: "KKT gap", .scientific(2)) { starts[$0].run.last.constraint!.kktGap },
            .number("distance", header: "to front", .scientific(2)) { distanceToFront(startEnds[$0].phi) },
            .number("lambda1", header: "λ̄_K,1", .fixed(4)) { starts[$0].run.last.weights[0] },
        ])
    section("4. End points of \(startCount) seeded starts")
    show(startTable)
    let nearEnds = startEnds.filter { $0.phi.min()! < 0.05 }.count
    say(
        "\(nearEnds) of \(startCount) end points have one Φ_s below 0.05 (the front runs from (0, 0.982) to (0.982, 0))")
    say(
        "largest distance to the front \(sci(startTable.column("distance").max()!)), "
            + "largest q(ζ_K) \(sci(startTable.column("q").max()!))")
    func frontFigure() throws -> Figure {
        let exact = try DataBlock("front", columns: ["f1", "f2"], rows: toy.front(resolution: 200))
        let paths = try DataBlock(
            "paths", columns: ["start", "phi1", "phi2"],
            groups: starts.enumerated().map { j, start in
                (pathSteps.map { toy.reducedValues(x: start.run.x[$0]) } + [startEnds[j].phi]).map { [Double(j + 1)] + $0 }
            })
        let ends = try DataBlock(
            "ends", columns: ["start", "phi1", "phi2"], rows: startEnds.indices.map { [Double($0 + 1)] + startEnds[$0].phi })
        let first = try DataBlock(
            "starts", columns: ["start", "phi1", "phi2"],
            rows: starts.indices.map { [Double($0 + 1)] + toy.reducedValues(x: starts[$0].x0) })
        let seen = try DataBlock(
            "seen", columns: ["k", "f1", "f2"],
            rows: pathSteps.map { [Double($0)] + starts[0].run.values[$0] })
        return try Figure.curves(
            "ch07-front", title: "FORUM from \(startCount) starts: Φ(x_k) against the exact front",
            x: "Φ_1", y: "Φ_2", key: "bottom left",
            comment: "Chapter 7 — FORUM: paths Φ(x_k) = f(x_k, y*(x_k)); the values f(ζ_k) FORUM sees are drawn for start 1.",
            against: "phi1",
            [.truth("f2", "exact front", .lines, data: exact, x: "f1")]
                + starts.indices.map {
                    Curve("phi2", $0 == 0 ? "paths Φ(x_k)" : nil, .lines, data: paths, index: $0, color: "#9ecae1", lineWidth: 1)
                }
                + [
                    Curve("f2", "f(ζ_k) of start 1", .lines, data: seen, x: "f1", color: "#777777", lineWidth: 1, dash: 2),
                    Curve("phi2", "starts Φ(x₀)", .points, data: first, color: "#000000", point: 3, pointSize: 1.5),
                    Curve("phi2", "end points Φ(x_K)", .points, data: ends, color: Figure.palette[4], pointSize: 1.4),
                ], equalAxes: true)
    }
    show(
        try frontFigure(),
        caption: """
            Where FORUM ends: the paths Φ(x_k) of the seeded starts (pale blue, at log-spaced k) \
            from their starts Φ(x₀) (stars) to their end points Φ(x_K) (filled circles), against \
            the exact front (black). Every run reaches the front in its middle part and then \
            slides along it to near one end. The dashed grey line is start 1's f(ζ_k), the \
            values the algorithm sees: it starts at (0.632, 0.632) for every start.
            """)
    // weave: end

    /*:
     All 5 runs reach the front (the largest distance is 1.87e-08) and all 5 end near one of
     its ends, with one $\Phi_s$ below 0.05: four near $\Phi_2 = 0$ and one near $\Phi_1 = 0$
     (Figure 7.2). None ends near the middle, where the paths first meet the front.

     **Why near an end.** Once $\zeta_k$ is (nearly) feasible, line 5 of (7.9) with the weights
     $\bar\lambda_k$ is a gradient step on the weighted sum $\sum_s \bar\lambda_{k,s} f_s$. The
     average $\bar\lambda_k$ changes ever more slowly ($\omega_k = (k + 1)^{-3/4} \to 0$) and
     lags behind the weights $\lambda_k$ of the current point, so late in a run FORUM behaves
     like **linear scalarization with slowly moving weights**. On VLMOP2's concave front,
     Chapter 1 found that a weighted sum has no minimum in the middle of the front: the point
     where fixed weights balance the gradients is a maximum of the weighted sum along the
     front, so any mismatch between $\bar\lambda_k$ and the balancing weights pushes the
     iterate further along, towards an end. The slide stops only near an end, where the
     exponential objectives flatten and the balancing weights run back up towards 1: there
     $\bar\lambda_k$ balances the gradients at a local minimum of the weighted sum. The end
     points' $\bar\lambda_{K,1}$ are 0.6554 to 0.6673 for the four runs ending near
     $\Phi_2 = 0$, and 0.3489 for the one ending near $\Phi_1 = 0$.

     ## 5. Two baselines: MOML and MoCo

     The FORUM paper compares against two earlier methods, which the rest of the course
     runs beside FORUM and WC-MHGD.

     **MOML** ([Ye et al. 2021](references.md#ye-et-al-2021), multi-objective meta-learning)
     is ITD with MGDA weights: at every outer step it unrolls $D$ inner gradient steps,
     differentiates through them in reverse mode for each objective (Chapter 2's
     `itdHypergradients`, one forward pass shared by the $S$ reverse passes), and steps
     along MGDA's min-norm combination of the estimates:

     $$
     \begin{aligned}
     &1.\quad y^{(j+1)} = y^{(j)} - \alpha \nabla_y g(x_k, y^{(j)}), \quad j < D, \text{ from } y^{(0)} = y^{(D)} \text{ of step } k - 1 \text{ (all } D + 1 \text{ kept)} \\
     &2.\quad \hat h_s = \nabla_x f_s(x_k, y^{(D)}) + (J^{(D)})^\top \nabla_y f_s(x_k, y^{(D)}) \text{ for each } s \text{ (reverse mode)} \\
     &3.\quad \lambda_k = \operatorname*{argmin}_{\lambda \in \Delta_S} \big\|\textstyle\sum_s \lambda_s \hat h_s\big\|^2 \\
     &4.\quad x_{k+1} = x_k - \beta \textstyle\sum_s \lambda_{k,s} \hat h_s
     \end{aligned} \tag{7.11}
     $$

     Its reverse pass needs all $D + 1$ inner iterates, so its memory grows with $D$ — the
     cost FORUM was designed to avoid. The library's step:
     */
    // weave: include MOML.step
    /*:
     **MoCo** ([Fernando et al. 2023](references.md#fernando-et-al-2023), multi-objective
     gradient correction) was designed for stochastic gradients: it *tracks* each objective's
     gradient by a moving average $Y$ and replaces MGDA's exact QP by one projected-gradient
     step on $\tfrac12\|Y\lambda\|^2$ per outer step. As a bilevel method it runs on AID
     hypergradients ([Chapter 2](02-Hypergradients.md)), with $m$ warm CG iterations per solve:

     $$
     \begin{aligned}
     &1.\quad y_k = D \text{ inner steps } y \leftarrow y - \alpha \nabla_y g(x_k, y) \text{ from } y_{k-1} \\
     &2.\quad \hat h_s = \nabla_x f_s(x_k, y_k) - \nabla^2_{xy} g(x_k, y_k)\, v_s, \quad H v_s = \nabla_y f_s \text{ by } m \text{ CG iterations} \\
     &3.\quad Y_k = Y_{k-1} - \omega_k (Y_{k-1} - \hat G_k), \quad \hat G_k = [\hat h_1, \dots, \hat h_S] \quad (Y_0 = \hat G_0) \\
     &4.\quad \lambda_{k+1} = \Pi_\Delta\big(\lambda_k - \beta_\lambda Y_k^\top Y_k \lambda_k\big) \quad (\lambda_0 = \tfrac1S \mathbf{1}) \\
     &5.\quad x_{k+1} = x_k - \beta\, Y_k \lambda_{k+1}
     \end{aligned} \tag{7.12}
     $$

     $\Pi_\Delta$ is the Euclidean projection onto the simplex, computed by sorting
     ([Duchi et al. 2008](references.md#duchi-et-al-2008)); $\omega_k$ is the tracking
     weight and $\beta_\lambda$ the step on the weights. Because the weights move by one small
     step at a time, they lag behind the MGDA weights of the current iterate — the same kind
     of lag as FORUM's average $\bar\lambda_k$. The library's step:
     */
    // weave: include MoCo.step

    /*:
     ## 6. What a step costs, against $D$

     The FORUM paper's Figure 1 times FORUM and MOML on a GPU as the inner steps grow. We
     count instead, deterministically: per outer step, the **oracle calls** (gradients of
     $f_s$ and $g$, Hessian-vector products $\nabla^2_{yy} g\, v$ and mixed products
     $\nabla^2_{xy} g\, v$ — each partial gradient counts once) and the **peak memory**, the
     most length-$p$ vectors held at once (the rule of `OuterIterate.peakVectors`, the same
     for every method). Three methods:

     - **FORUM** with $D$ inner steps: $D + 3$ gradients of $g$, $2S$ partial gradients of the
       $f_s$, no products. It holds $y$, $\tilde y$, the $y$ parts of the $S$ gradients
       $\nabla f_s$, of $\nabla\tilde q$ and of the direction: $S + 4$ vectors, whatever $D$ is.
     - **MOML** (7.11): $D$ gradients, $S D$ mixed and $S(D - 1)$ Hessian-vector products,
       and $D + 3$ vectors (the library shares one forward pass between the $S$ reverse
       passes, so the stored iterates are counted once, not $S$ times).
     - **AID-CG**, WC-MHGD's estimate of Chapter 5: $D$ inner steps, then for each objective
       $m$ CG iterations on $H v_s = \nabla_y f_s$ and one mixed product; it keeps the $S$
       solutions $v_s$ for warm starts: $S + 5$ vectors, whatever $D$ is.

     Each row is the second outer step of a two-step run (the first is the same here, but
     the second is the steady state of every method), measured by a helper `stepCost`
     that reads the counts an observer sees:
     */
    // weave: begin-hide
    /// Oracle calls and peak length-p vectors of one outer step (the second of a two-step run).
    func stepCost(_ run: (@escaping OuterObserver) throws -> OuterResult) throws -> (calls: Int, vectors: Int) {
        var steps: [OuterIterate] = []
        _ = try run {
            steps.append($0)
            return true
        }
        return (steps[1].counts.calls - steps[0].counts.calls, steps[1].peakVectors)
    }
    // weave: end
    let costRows = try flags.depths.map { depth in
        (
            D: depth,
            forum: try stepCost {
                try FORUM(outerSteps: 2, innerSteps: depth, eta: alpha, rho: flags.rho, mu: flags.beta).run(
                    toy, x0: x0, y0: y0, observe: $0)
            },
            moml: try stepCost {
                try MOML(outerSteps: 2, innerSteps: depth, alpha: alpha, beta: 1).run(toy, x0: x0, y0: y0, observe: $0)
            },
            aid: try stepCost {
                try WCMHGD(
                    preference: [0.5, 0.5], u: 1, outerSteps: 2, innerSteps: depth, alpha: alpha, beta: 1,
                    solver: .conjugateGradient(.fixed(iterations: flags.cgSteps))
                ).run(toy, x0: x0, y0: y0, observe: $0)
            }
        )
    }
    // weave: begin-hide
    let costTable = Table(
        "cost_vs_D", costRows,
        [
            .number("D", .integer) { Double($0.D) },
            .number("forum_ops", header: "FORUM calls", .integer) { Double($0.forum.calls) },
            .number("moml_ops", header: "MOML calls", .integer) { Double($0.moml.calls) },
            .number("aid_ops", header: "AID-CG calls", .integer) { Double($0.aid.calls) },
            .number("forum_mem", header: "FORUM vectors", .integer) { Double($0.forum.vectors) },
            .number("moml_mem", header: "MOML vectors", .integer) { Double($0.moml.vectors) },
            .number("aid_mem", header: "AID-CG vectors", .integer) { Double($0.aid.vectors) },
        ])
    section("6. Oracle calls and peak length-p vectors per outer step (S = \(S), m = \(flags.cgSteps))")
    show(costTable)
    /// The least-squares line of b against a, as "slope·D + intercept".
    func line(_ column: String) -> String {
        let fit = leastSquaresLine(zip(costTable.column("D"), costTable.column(column)).map { (x: $0, y: $1) })
        return "\(fixed(fit.slope, 2))·D + \(fixed(fit.intercept, 2))"
    }
    say("calls per step: FORUM \(line("forum_ops")), MOML \(line("moml_ops")), AID-CG \(line("aid_ops"))")
    say("vectors: FORUM \(line("forum_mem")), MOML \(line("moml_mem")), AID-CG \(line("aid_mem"))")
    let depthRange = 0.7 * Double(flags.depths.first!)...1.4 * Double(flags.depths.last!)
    let methodNames = [("forum", "FORUM"), ("moml", "MOML (ITD)"), ("aid", "AID-CG")]
    func costFigure() throws -> Figure {
        try Figure.curves(
            "ch07-cost", title: "Oracle calls per outer step against the inner steps D",
            x: "inner steps D", y: "oracle calls per outer step", log: .both, key: "top left",
            comment: "Chapter 7 — FORUM: counts instead of the paper's GPU timings (its Figure 1); S = \(S), m = \(flags.cgSteps).",
            data: try costTable.dataBlock, against: "D", methodNames.map { Curve("\($0.0)_ops", $0.1) },
            xRange: depthRange)
    }
    show(
        try costFigure(),
        caption: """
            Oracle calls per outer step against D (log-log axes). All three grow linearly in D: \
            FORUM by one gradient of g per inner step, AID-CG likewise on top of its fixed CG \
            solves, MOML by 5 calls per inner step (a forward gradient and, per objective, a \
            mixed and a Hessian-vector product in the reverse pass).
            """)
    func memoryFigure() throws -> Figure {
        try Figure.curves(
            "ch07-memory", title: "Peak length-p vectors per outer step against the inner steps D",
            x: "inner steps D", y: "peak length-p vectors held", log: .both, key: "top left",
            comment: "Chapter 7 — FORUM: the rule of OuterIterate.peakVectors, the same for every method; S = \(S).",
            data: try costTable.dataBlock, against: "D", methodNames.map { Curve("\($0.0)_mem", $0.1) },
            xRange: depthRange)
    }
    show(
        try memoryFigure(),
        caption: """
            Peak memory per outer step against D, in length-p vectors (log-log axes). FORUM \
            (S + 4 = 6) and AID-CG (S + 5 = 7) hold the same number of vectors at every D; \
            MOML holds D + 3, because its reverse pass needs every inner iterate.
            """)
    // weave: end

    /*:
     Calls per step are linear in $D$ for all three: FORUM $1.00 \cdot D + 7.00$, MOML
     $5.00 \cdot D + 2.00$, AID-CG $1.00 \cdot D + 30.00$ (Figure 7.3). Memory (Figure 7.4) is
     flat for FORUM at 6 vectors and AID-CG at 7, and grows as $1.00 \cdot D + 3.00$ for MOML.

     **Against the paper's claims.** The paper gives, per outer step, time
     $O(Sn + p(S + D))$ and memory $O(Sn + Sp)$ for FORUM against time $O(Sp(n + p)D)$ and
     memory $O(Sn + SpD)$ for MOML (with $m$ for $S$ and $T$ for $D$). In oracle calls,
     FORUM's $D + 3 + 2S$ is the "$p(S + D)$", and its memory does not involve $D$ at all.
     MOML's calls grow like $(1 + 2S)D$, and with dense oracles a product costs
     $O(p(n + p))$, which gives the paper's $O(Sp(n + p)D)$. MOML's memory grows linearly in
     $D$, with slope 1 here because the library stores the forward pass once for all
     objectives; differentiating each objective through its own tape holds $SD$ vectors,
     the paper's $O(SpD)$. AID-CG also keeps memory flat in $D$, but pays $m$
     Hessian-vector products per objective per step, which FORUM never computes.

     ## 7. Side by side on one budget of oracle calls

     Same problem, same start $(x_0, y_0 = 0)$, same budget $\mathcal{C}$ of oracle calls: the
     calls of the FORUM run of Section 3. Each method runs until its next step would pass
     $\mathcal{C}$. For every method we evaluate, with the toy's exact answers, $\Phi(x_K)$,
     its distance to the exact front and the exact stationarity gap $\mathcal{G}(x_K)$:

     - **FORUM** as in Section 3;
     - **MOML** (7.11) through the same $D = 32$ steps, warm-started, step $\beta = 1$;
     - **MoCo** (7.12) with 2 warm inner steps, $m$ warm CG iterations, $\omega_k = \tfrac12$,
       $\beta_\lambda = 1$, $\beta = 1$;
     - **WC-MHGD** (Chapter 5) with $r = (\tfrac12, \tfrac12)$, $u = 1$, 2 inner steps, $m$
       warm CG iterations, $\beta = 1$.

     Only WC-MHGD is told where to go.
     */
    let budget = main.result.counts.calls
    let rMiddle: Vector = [0.5, 0.5]
    // weave: begin-hide
    let momlBeta = 1.0
    /// A run stopped on a budget of oracle calls: the last x and y, the calls, steps and
    /// peak length-p vectors used, the wall time (measured, not deterministic), and the
    /// point x_k after every step (for the closing comparison's gap trail).
    struct BudgetRun {
        let x: Vector, y: Vector
        let counts: OracleCounts
        let steps: Int, peak: Int
        let seconds: Double
        let points: [Vector]
        var calls: Int { counts.calls }
    }
    /// Runs `algorithm` from (x₀, y₀) until its next step would pass `budget` calls.
    func onBudget(_ budget: Int, x0: Vector, y0: Vector, _ algorithm: (@escaping OuterObserver) throws -> OuterResult)
        throws -> BudgetRun
    {
        var last = (x: x0, y: y0, counts: OracleCounts(), steps: 0, peak: 0)
        var callBudget = CallBudget(calls: budget)
        var points: [Vector] = []
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try algorithm { step in
            var next = step.x
            axpy(1, step.step, &next)  // x_{k+1} = x_k + step
            last = (next, step.y, step.counts, step.k + 1, max(last.peak, step.peakVectors))
            points.append(next)
            return callBudget.allowsAnother(after: step.counts)
        }
        return BudgetRun(
            x: last.x, y: last.y, counts: last.counts, steps: last.steps, peak: last.peak,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, points: points)
    }
    /// One of the course's methods (named as the closing comparison names them) on a toy,
    /// from (x₀, y₀ = 0), on a budget of calls, with the settings of the list above; WC-MHGD
    /// and linear scalarization are given the preference r (linear as its weights).
    func runOnBudget(_ method: CourseMethod, _ problem: MOBLToy, x0: Vector, r: Vector, budget: Int) throws -> BudgetRun
    {
        let y0 = Vector(repeating: 0, count: problem.lowerDimension)
        let eta = 1 / problem.curvature.L
        var settings = MethodSettings(
            outerSteps: MethodSettings.untilStopped, innerSteps: 2, alpha: eta, beta: 1, preference: r,
            cgSteps: flags.cgSteps, neumannTerms: Int((2 * problem.curvature.L).rounded(.up)))
        settings.normalizePreference = false
        settings.unrolledSteps = D
        (settings.forumRho, settings.forumStep, settings.momlStep, settings.mocoGamma) = (
            flags.rho, flags.beta, momlBeta, 1
        )
        return try onBudget(budget, x0: x0, y0: y0) { observe in
            try method.run(problem, x0: x0, y0: y0, settings: settings, observe: observe)
        }
    }
    enum Method: Int, CaseIterable {
        case forum, moml, moco, wcmhgd
        var label: String { ["FORUM", "MOML", "MoCo", "WC-MHGD"][rawValue] }
        var course: CourseMethod { [.forum, .moml, .moco, .wcmhgdCG][rawValue] }
    }
    // weave: end
    var toyRuns: [(method: CourseMethod, run: BudgetRun)] = []
    for method in Method.allCases {
        progress("side by side: \(method.label)")  // weave: hide
        toyRuns.append((method.course, try runOnBudget(method.course, toy, x0: x0, r: rMiddle, budget: budget)))
    }
    // weave: begin-hide
    let sideTable = Table(
        "side_by_side", Array(toyRuns.indices),
        [
            .text("method") { Method(rawValue: $0)!.label },
            .number("phi1", header: "Φ_1(x_K)", .fixed(6)) { toy.reducedValues(x: toyRuns[$0].run.x)[0] },
            .number("phi2", header: "Φ_2(x_K)", .fixed(6)) { toy.reducedValues(x: toyRuns[$0].run.x)[1] },
            .number("distance", header: "to front", .scientific(2)) {
                distanceToFront(toy.reducedValues(x: toyRuns[$0].run.x))
            },
            .number("gap", header: "𝒢(x_K)", .scientific(2)) {
                try! stationarityGap(gradients: toy.exactHypergradients(x: toyRuns[$0].run.x))
            },
            .number("calls", header: "oracle calls", .integer) { Double(toyRuns[$0].run.calls) },
            .number("steps", header: "outer steps", .integer) { Double(toyRuns[$0].run.steps) },
            .number("vectors", header: "peak vectors", .integer) { Double(toyRuns[$0].run.peak) },
        ])
    section("7. FORUM, MOML, MoCo and WC-MHGD on a budget of \(budget) oracle calls")
    show(sideTable)
    // weave: end

    /*:
     On this small, well-conditioned toy every method ends within 1.32e-08 of the front on
     the budget, and the budget is not what separates them: where they end is. FORUM, MOML
     and MoCo take no preference and stop at different Pareto-stationary points — FORUM at
     $\Phi_1$ = 0.010073, MOML at 0.788825, MoCo at 0.892953 — and only WC-MHGD lands on the
     point asked for, $\Phi_1 = \Phi_2 = 0.632121$. The difference that grows with the
     problem is the memory column and the per-step cost of Section 6: MOML holds 35 vectors,
     FORUM 6 — and FORUM never computes a Hessian-vector product.

     ## 8. For the closing comparison

     [Chapter 10](10-Comparison.md) sets every method of the course side by side, each
     problem on one budget of oracle calls with one stated preference $r$. This chapter
     gives the rows of both toys: the **$S = 2$ toy** with $r = (\tfrac12, \tfrac12)$ on the
     budget $\mathcal{C}$ (the four runs of Section 7, and WC-MHGD with Neumann, linear
     scalarization and MGDA), and the **$S = 5$ pentagon** of Chapter 5 with
     $r = (0.8, 0.05, 0.05, 0.05, 0.05)$ on $\mathcal{C}/2$. The toys know their Chebyshev
     optimum, so each row's excess Chebyshev value $\mathcal{T}_r(x_K) - \mathcal{T}^*_r$
     (Chapter 10) is exact, and each run's exact gap along its last half says whether it
     converged (Chapter 10's rule: the gap stopped falling). A hidden call records the rows:
     */
    // weave: begin-hide
    let (toy5, x05): (MOBLToy, Vector) = try {
        var generator = flags.common.generator()
        let problem = try MOBLToy.standard(.polygon(5), kappa: flags.kappa, using: &generator)
        return (problem, generator.gaussianVector(problem.upperDimension).map { 0.3 * $0 })
    }()
    let rLopsided: Vector = [0.8, 0.05, 0.05, 0.05, 0.05]
    /// The closing comparison's rows of one toy: every method that applies, on `budget` calls
    /// from (x₀, y₀ = 0) (reusing the runs given), measured with the toy's exact answers
    /// against its exact 𝒯*_r, and judged from each run's gap trail.
    func closingEntries(
        _ problem: CourseProblem, _ instance: MOBLToy, x0: Vector, r: Vector, budget: Int,
        reusing done: [(method: CourseMethod, run: BudgetRun)]
    ) throws -> [ComparisonEntry] {
        let optimum = try instance.chebyshevOptimum(preference: r).values
        let reference = try ChebyshevReference.exact(preference: r, optimum: optimum)
        return try CourseMethod.allCases.filter { $0.applies(to: problem) }.map { method in
            progress("closing comparison, \(problem.name): \(method.name)")
            let run =
                try done.first { $0.method == method }?.run
                ?? runOnBudget(method, instance, x0: x0, r: r, budget: budget)
            return try ComparisonEntry.measured(
                problem, method, on: instance, x: run.x, preference: r, counts: run.counts, peakVectors: run.peak,
                seconds: run.seconds, reference: reference, gapTrail: try gapTrail(run.points, on: instance))
        }
    }
    let entries =
        try closingEntries(.toyS2, toy, x0: x0, r: rMiddle, budget: budget, reusing: toyRuns)
        + closingEntries(.toyS5, toy5, x0: x05, r: rLopsided, budget: budget / 2, reusing: [])
    section("8. Every method on the two toys (budget \(budget) calls for S = 2, \(budget / 2) for S = 5; 𝒯*_r exact)")
    show(closingRowsTable(entries))
    if flags.common.timings { show(closingComparisonTimings(entries)) }
    // weave: end

    /*:
     On the $S = 2$ toy both forms of WC-MHGD end on the exact Chebyshev optimum, with
     an excess of -5.55e-17 (rounding below $\mathcal{T}^*_r$) and a gap levelled at
     rounding. MoCo, MGDA and linear scalarization have levelled too, at Pareto-stationary
     points the preference did not ask for (excesses 1.30e-01, 9.02e-02 and 1.73e-01);
     FORUM and MOML were still falling when the budget ended. On the pentagon, with half the
     budget, WC-MHGD (CG) ends with the smallest excess, 5.38e-06, but its gap (9.74e-07) is
     still falling, as are all the others' but linear scalarization's, which levelled
     1.59e-03 above the optimum.

     ## Summary

     - The value-function reformulation (7.2) turns the bilevel problem into one constraint,
       $q(\zeta) = g(x, y) - g^*(x) \le 0$, on the joint variable $\zeta = (x, y)$. The
       constraint is degenerate: $q \ge 0$ everywhere, so no point is strictly feasible
       (Slater fails), and $\nabla q = 0$ on the whole feasible set.
     - Danskin's theorem gives $\nabla g^*(x) = \nabla_x g(x, y^*(x))$; with $D$ gradient
       steps in place of $y^*$, $\tilde q$ and $\nabla\tilde q$ cost $D + 3$ gradients and no
       Hessian (7.4).
     - FORUM's direction problem has an $(S + 1)$-unknown dual (7.7), solved exactly here.
       Its closed-form multiplier (7.8) has $\phi_k$ where the paper prints $2\phi_k$; the
       printed form asks for twice the decrease of $\tilde q$ — the same as doubling $\rho$.
     - On the $S = 2$ toy FORUM drives the KKT gap and the exact $q(\zeta_k)$ to rounding
       and ends on the front. That KKT points exist at all is a property of this toy, whose
       objectives read only $y$; Chapter 9 shows FORUM where they do not.
     - FORUM's step on the constraint is stable only while $\nu_k < 2/(\beta(L + 1/L))$
       (7.10); the multiplier grows to that limit, which makes the jump near $k = 21$.
     - FORUM takes no preference, and its averaged weights $\bar\lambda_k$ lag: late in a
       run it behaves like linear scalarization with slowly moving weights, which on
       VLMOP2's concave front settles only near an end.
     - MOML (7.11) and MoCo (7.12) are the FORUM paper's baselines. Per outer step FORUM's
       memory is $S + 4$ length-$p$ vectors for every $D$, MOML's is $D + 3$; FORUM's calls
       grow like $D$, MOML's like $(1 + 2S)D$, and AID pays $m$ Hessian-vector products per
       objective. On one budget of calls all four methods reach the front on this toy — in
       different places; only WC-MHGD where it was asked to go.

     ## Exercises

     1. *(Run and explain.)* Run `swift run -c release ch07 --inner-steps 4`. $\tilde q$ now
        under-estimates $q$ by a lot at the start (Section 1's table). Does FORUM still drive
        the *exact* $q(\zeta_k)$ to zero, and why? (Hint: where does $\tilde y^{(D)}$ start?)
     2. *(Run and explain.)* Compare the row "printed π (2φ)" of the appendix's table with the
        row "paper (default)" of a run with `ch07 --rho 1`. Are they the same run? Explain
        from the dual (7.7) which parts of the step agree and which do not.
     3. *(Run and explain.)* Run `ch07 --kappa 20`. What happens to $q(\zeta_K)$ and the KKT
        gap after $K$ = 10000 steps with $D = 32$, and which of $D$ or $K$ would you raise
        first? Check your answer with `ch07 --kappa 20 --outer-steps 30000`.
     4. *(Run and explain.)* The authors' MOML runs $D = 1$. Run `ch07 --depths 1 2 4 8 16`
        and read off MOML's calls and memory per step at $D = 1$ against FORUM's. Which is
        cheaper at $D = 1$, and from which $D$ on does FORUM use less memory?
     5. *(Run and explain.)* Run `ch07 --starts 10 --seed 7`. Where on the front do the runs
        end? Compare each run's final $\bar\lambda_{K,1}$ with the weights that make
        $\sum_s \lambda_s \nabla f_s = 0$ at its end point.
     6. *(Run and explain.)* Run `ch07 --beta 0.1`. Where is the limit of (7.10) now, and
        what happens to the jump of Figure 7.1?
     7. *(Derive.)* Derive (7.10) on the toy, assuming $\tilde y^{(D)} = A^{-1}x$. Show that
        the eigenvalues of $A + A^{-1}$ for eigenvalues of $A$ in $[1, L]$ are at most
        $L + 1/L$, and conclude the stability condition $\beta\nu < 2/(L + 1/L)$.
     8. *(Derive.)* Along VLMOP2's Pareto segment write $y = y^{\mathrm{c}}_1 + t\,\hat{\mathbf{1}}$
        with $t$ the distance from the centre of $f_1$. Find the weight $\lambda^*_1(t)$ that
        makes $\lambda_1 \nabla f_1 + (1 - \lambda_1)\nabla f_2 = 0$, and show that with the
        weights frozen at $(\ell, 1 - \ell)$ the point where $\lambda^*_1(t) = \ell$ attracts a
        gradient step on the weighted sum only where $\lambda^*_1$ decreases in $t$. Where on the
        segment is that, and what does it say about where FORUM's runs end?
     9. *(Implement.)* Write the projection onto the simplex $\Pi_\Delta$ by sorting
        ([Duchi et al. 2008](references.md#duchi-et-al-2008)) and MoCo's first weight step
        $\lambda_1 = \Pi_\Delta(\lambda_0 - \beta_\lambda Y_0^\top Y_0 \lambda_0)$ from the
        tracked columns $Y_0 = \hat G_0$ of a MoCo run's first step; check both against the
        library.

     Worked solutions: [`book/solutions/07.md`](solutions/07.md).

     ## Further reading

     - [Ye et al. 2024](references.md#ye-et-al-2024) — FORUM: the value-function
       reformulation, the direction problem and its QP, the momentum on the weights, and the
       rate $O(K^{-1/4})$ plus the error of $D$ inner steps.
     - [Ye et al. 2021](references.md#ye-et-al-2021) — MOML, multi-objective meta-learning:
       ITD hypergradients with MGDA weights, FORUM's main baseline.
     - [Fernando et al. 2023](references.md#fernando-et-al-2023) — MoCo: tracked gradients and
       projected weight steps for stochastic multi-objective learning.
     - [Danskin 1967](references.md#danskin-1967) — the gradient of a value function.
     - [Boyd & Vandenberghe 2004](references.md#boyd--vandenberghe-2004) — Lagrange duality,
       Slater's condition and the KKT conditions.
     - [Sener & Koltun 2018](references.md#sener--koltun-2018) — MGDA for multi-task learning,
       with the two-objective closed form MOML's code uses.
     - [Duchi et al. 2008](references.md#duchi-et-al-2008) — the sort-based projection onto
       the simplex of MoCo's weight step.

     ## Appendix A. What the authors' code does differently

     > *A box for readers of the papers' code; the chapter does not depend on it.*

     Reading the authors' public code next to the paper turns up differences. The library
     reproduces those it can as options (defaults follow the paper):

     - **The factor of 2** of Section 2: the code computes
       $\pi_s = \rho - \langle \nabla\tilde q, \nabla f_s \rangle / \|\nabla\tilde q\|^2$,
       the paper's printed $2\phi_k$ form (`printedMultiplier`).
     - **Unit-length gradients**: the code divides each $\nabla f_s$ by its norm before the
       QP (`normalizeGradients`). The direction is then no longer the steepest common descent
       of the $f_s$, and the weights no longer certify Pareto stationarity of the $f_s$
       themselves.
     - **Momentum by epoch**: the code uses $\omega = (\text{epoch} + 1)^{-3/4}$, constant
       within an epoch, with $\bar\lambda$ starting at zero
       (`momentum: .epochZeroStart(iterationsPerEpoch:)`; we use 100 steps per epoch).
     - **The QP**: the code hands the direction problem to CVXPY, a general conic solver,
       with no fallback when it fails; the library solves the $(S + 1)$-unknown dual exactly.
     - **MOML** in the code is implemented for $D = 1$ only, with the Sener–Koltun
       two-objective formula clipping the $S = 2$ weight to $[0.001, 0.999]$. The library's
       `MOML` runs any $D$ with the exact min-norm weights; the clipping is its option
       `clipTwoObjectiveWeight`.
     - **MoCo**'s weight update in the code is
       $\lambda \leftarrow \operatorname{softmax}(\lambda - \beta_\lambda(Y^\top Y + \theta I)\lambda)$
       instead of the projection of (7.12) (`MoCo.WeightUpdate.softmax(rho:)`, with
       $\theta = 0.1$; the code calls it $\rho$). The softmax keeps every weight strictly
       positive, and its fixed points are not the min-norm weights.

     Each option, run once from the start of Section 3 with everything else equal:
     */
    // weave: begin-hide
    enum Variant: Int, CaseIterable {
        case paper, normalized, epochMomentum, printed
        var label: String {
            ["paper (default)", "unit-length ∇f_s", "epoch momentum, λ̄ from 0", "printed π (2φ)"][rawValue]
        }
    }
    var variantRuns: [FORUMRun] = []
    for variant in Variant.allCases {
        progress("option: \(variant.label)")
        var algorithm = forum
        switch variant {
        case .paper: break
        case .normalized: algorithm.normalizeGradients = true
        case .epochMomentum: algorithm.momentum = .epochZeroStart(iterationsPerEpoch: 100)
        case .printed: algorithm.printedMultiplier = true
        }
        variantRuns.append(variant == .paper ? main : try runFORUM(algorithm, x0: x0, y0: y0))
    }
    let optionTable = Table(
        "code_options", Array(variantRuns.indices),
        [
            .text("variant", header: "FORUM variant") { Variant(rawValue: $0)!.label },
            .number("f1", header: "Φ_1(x_K)", .fixed(6)) { finalValues(variantRuns[$0]).phi[0] },
            .number("f2", header: "Φ_2(x_K)", .fixed(6)) { finalValues(variantRuns[$0]).phi[1] },
            .number("q", header: "q(ζ_K)", .scientific(2)) { finalValues(variantRuns[$0]).q },
            .number("kkt", header: "KKT gap", .scientific(2)) { variantRuns[$0].last.constraint!.kktGap },
            .number("distance", header: "to front", .scientific(2)) { distanceToFront(finalValues(variantRuns[$0]).phi) },
            .number("lambda1", header: "λ̄_K,1", .fixed(4)) { variantRuns[$0].last.weights[0] },
        ])
    section("A. The authors' code's options, one at a time (K = \(K))")
    show(optionTable)

    enum WeightRule: Int, CaseIterable {
        case projection, softmax
        var label: String { ["projection Π_Δ", "softmax, θ = 0.1"][rawValue] }
    }
    var mocoRuns: [(run: BudgetRun, lambda1: Double)] = []
    for rule in WeightRule.allCases {
        progress("MoCo, \(rule.label)")
        var lastWeights: Vector = []
        let result = try onBudget(budget, x0: x0, y0: y0) { observe in
            try MoCo(
                outerSteps: MethodSettings.untilStopped, innerSteps: 2, alpha: alpha, mu: 1, gamma: 1,
                tracking: .constant(0.5),
                weightUpdate: rule == .projection ? .projection : .softmax(rho: 0.1),
                solver: .conjugateGradient(.fixed(iterations: flags.cgSteps))
            ).run(toy, x0: x0, y0: y0) { step in
                lastWeights = step.weights
                return try observe(step)
            }
        }
        mocoRuns.append((result, lastWeights[0]))
    }
    enum MOMLWeights: Int, CaseIterable {
        case exact, clipped
        var label: String { ["MOML D = 1, exact min-norm", "MOML D = 1, λ₁ in [0.001, 0.999]"][rawValue] }
    }
    var momlRuns: [(run: BudgetRun, lambda1: Double)] = []
    for rule in MOMLWeights.allCases {
        progress("MOML D = 1, \(rule.label)")
        var moml = MOML(outerSteps: MethodSettings.untilStopped, innerSteps: 1, alpha: alpha, beta: momlBeta)
        if rule == .clipped { moml.clipTwoObjectiveWeight = 0.001...0.999 }
        var lastWeights: Vector = []
        let result = try onBudget(budget, x0: x0, y0: y0) { observe in
            try moml.run(toy, x0: x0, y0: y0) { step in
                lastWeights = step.weights
                return try observe(step)
            }
        }
        momlRuns.append((result, lastWeights[0]))
    }
    let baselineRuns = mocoRuns + momlRuns
    let baselineLabels = WeightRule.allCases.map { "MoCo, \($0.label)" } + MOMLWeights.allCases.map(\.label)
    let baselineTable = Table(
        "baseline_options", Array(baselineRuns.indices),
        [
            .text("rule", header: "baseline variant") { baselineLabels[$0] },
            .number("phi1", header: "Φ_1(x_K)", .fixed(6)) { toy.reducedValues(x: baselineRuns[$0].run.x)[0] },
            .number("phi2", header: "Φ_2(x_K)", .fixed(6)) { toy.reducedValues(x: baselineRuns[$0].run.x)[1] },
            .number("distance", header: "to front", .scientific(2)) {
                distanceToFront(toy.reducedValues(x: baselineRuns[$0].run.x))
            },
            .number("gap", header: "𝒢(x_K)", .scientific(2)) {
                try! stationarityGap(gradients: toy.exactHypergradients(x: baselineRuns[$0].run.x))
            },
            .number("lambda1", header: "final λ_1", .fixed(4)) { baselineRuns[$0].lambda1 },
        ])
    show(baselineTable)
    say("KKT gap at k = K − 1 against the paper's run:")
    for variant in Variant.allCases.dropFirst() {
        say("  ×\(sci(optionTable.value(variant.rawValue, "kkt") / optionTable.value(0, "kkt"))) with \(variant.label)")
    }
    say(
        "MOML's clip moves the end point by \(sci(norm(toy.reducedValues(x: momlRuns[1].run.x) - toy.reducedValues(x: momlRuns[0].run.x))))"
    )
    // weave: end

    /*:
     None of the options stops FORUM from reaching the front on this toy; each moves the
     point where it ends and how fast the gap closes in $K$ steps. The printed $\pi_s$ is not
     a harmless typo: it is the derived direction with $\rho$ doubled, and it is the first to
     diverge when $\rho$ or $\beta$ is pushed (Exercise 2). Normalizing the gradients changes
     which point is stationary for the weights: the $\bar\lambda$ it reports belong to the
     unit-length gradients, not to the $\nabla f_s$. MoCo's softmax weights end at
     $\lambda_1$ = 0.5000 against 0.7098 projected, and that run ends at $\Phi_1$ = 0.978330
     instead of 0.892953. MOML's clip changes nothing here: from this start the min-norm
     weights stay inside $[0.001, 0.999]$.
     */
    // weave: begin-hide
    save(
        tables: [
            constraintTable, factorTable, convergenceTable, jumpTable, startTable, sideTable, optionTable, baselineTable,
        ] + closingComparisonTables(entries),
        timings: closingComparisonTimings(entries), flags: flags.common)
    // weave: end
} catch let error as Diverged {  // weave: hide
    fail("\(error) (FORUM's step is too large for this κ and ρ: lower --beta or --rho)")  // weave: hide
} catch { fail("\(error)") }  // weave: hide
