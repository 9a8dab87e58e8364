/*:
 # Chapter 7 — FORUM: a first-order, Hessian-free route

 Every method so far (AID, ITD, WC-MHGD, MoCo) needs second-order information about
 the lower level: Hessian-vector products to solve H v = ∇_y f, or a reverse pass
 through T unrolled steps that stores all T iterates. FORUM (Ye et al., 2024) avoids
 both by changing the problem instead of the estimator. This chapter

 - rewrites the bilevel problem as a single-level problem with one inequality
   constraint, q(z) = g(x, y) − min_y g(x, y) ≤ 0, and shows why the usual
   duality theory does not apply to it (Slater fails);
 - differentiates the value function min_y g with Danskin's theorem — gradients only;
 - derives FORUM's direction problem and its dual in full, and finds a factor of 2
   between the paper's printed multiplier and the derivation;
 - runs FORUM on the S = 2 toy of Chapter 5 and measures the KKT gap and the exact
   constraint violation, and where the runs end relative to the exact front;
 - counts oracle calls and memory per outer step against T, for FORUM, MOML (ITD)
   and AID, and compares the methods on one budget of oracle calls — at the end, every
   deterministic method of the course on both toys, the rows of the closing comparison.

 Builds on Chapter 1 (MGDA), Chapter 2 (ITD and AID) and Chapter 5 (the toy, WC-MHGD).
 Run it with `swift run -c release ch07` (or `make chapter N=7`); `--help` lists the
 flags. It writes `figures/ch07-convergence.gp`, `figures/ch07-front.gp`,
 `figures/ch07-cost.gp` and its tables to `figures/ch07-tables.dat`.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter07Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    //: The command-line flags (declared in `Flags.swift`; `ch07 --help` lists them) are in `flags`.
    let K = flags.outerSteps ?? (flags.common.quick ? 3000 : 10_000)
    let T = flags.innerSteps
    let startCount = flags.starts ?? (flags.common.quick ? 3 : 5)
    say("Chapter 7 — FORUM")
    say(
        "seed \(flags.common.seed), κ = \(flags.kappa), K = \(K), T = \(T), ρ = \(flags.rho), μ = \(flags.mu), "
            + "\(startCount) starts, cost depths T ∈ \(flags.depths.map(String.init).joined(separator: ", ")), CG steps N = \(flags.cgSteps)"
    )

    /*:
     ## 1. The value-function reformulation

     The bilevel problem of the course is

         min_x (Φ_1(x), …, Φ_m(x)),   Φ_i(x) = F_i(x, y*(x)),   y*(x) = argmin_y g(x, y),

     (this chapter writes m for the number of upper objectives and F_i for f_i, as the
     FORUM paper does). Write z = (x, y) ∈ R^{n+p} and let g*(x) = min_y g(x, y) be the
     lower level's **value function**. Because g is strongly convex in y, y is the
     minimizer exactly when it attains the minimum value: y = y*(x) ⟺ g(x, y) ≤ g*(x).
     So the bilevel problem is the same as

         min_z (F_1(z), …, F_m(z))   subject to   q(z) = g(x, y) − g*(x) ≤ 0.

     The hierarchy is gone: x and y are optimized together, and the lower level
     survives as one inequality constraint.

     **Why Slater fails.** Constrained optimization usually leans on Slater's condition
     — some point with q(z) < 0 strictly — to guarantee that multipliers exist and
     stay bounded. Here q(z) ≥ 0 for *every* z (g(x, y) can never be below its own
     minimum), so the feasible set {q ≤ 0} is exactly {q = 0} = {y = y*(x)}, a set
     with no interior. Worse, ∇q = 0 at every feasible point (q attains its minimum 0
     there), so the usual constraint qualifications fail too, and a KKT point in the
     textbook sense need not exist: at a Pareto point, Σ λ_i ∇F_i ≠ 0 while ∇q = 0.
     Methods built on a dual ascent cannot be applied as they stand; FORUM keeps the
     constraint in its direction problem instead, and asks for a decrease of q at
     every step.

     **Danskin's theorem.** The constraint needs ∇g*(x). If g(x, ·) has a unique
     minimizer y*(x), then

         ∇g*(x) = ∇_x g(x, y*(x)):

     differentiate g(x, y*(x)) by the chain rule, ∇_x g + (Dy*)ᵀ ∇_y g (Dy* the Jacobian of y*), and the second
     term vanishes because ∇_y g(x, y*(x)) = 0. No Jacobian of y*, no Hessian. So

         ∇q(z) = (∇_x g(x, y) − ∇_x g(x, y*(x)),  ∇_y g(x, y)).

     **The approximation.** g* is not available; FORUM runs T gradient steps from the
     current y, ỹ_0 = y, ỹ_{t+1} = ỹ_t − η ∇_y g(x, ỹ_t), and uses

         q̃(z) = g(x, y) − g(x, ỹ_T),   ∇q̃(z) = (∇_x g(x, y) − ∇_x g(x, ỹ_T),  ∇_y g(x, y)).

     Since g(x, ỹ_T) ≥ g*(x), q̃ under-estimates q, and it tends to q at gradient
     descent's linear rate (1 − μ/L)^T. The library's `ValueFunctionConstraint`
     (Sources/MOBL/Algorithms/FORUM.swift) computes exactly these: T + 3 gradients of g,
     two values, and three length-p vectors whatever T is.

     The test problem is Chapter 5's S = 2 toy: g(x, y) = ½ yᵀQy − yᵀx with Q's
     eigenvalues in [1, κ], F_i(x, y) = h_i(y) the VLMOP2 objectives, so y*(x) = Q⁻¹x,
     g*(x) = −½ xᵀQ⁻¹x is known exactly, and so is the front. The start is
     x₀ = 0.3·(a Gaussian vector), y₀ = 0.
     */
    var rng = flags.common.generator()
    let toy = try MOBLToy.standard(.vlmop2, kappa: flags.kappa, using: &rng)
    let x0 = rng.gaussianVector(toy.upperDimension).map { 0.3 * $0 }
    let y0 = Vector(repeating: 0, count: toy.lowerDimension)
    let (n, m) = (toy.upperDimension, toy.objectiveCount)
    let eta = 1 / toy.curvature.L

    /// q(z) = g(x, y) − g*(x), with the exact lower solution (the algorithm never sees it).
    func exactQ(x: Vector, y: Vector) -> Double {
        toy.lowerValue(x: x, y: y) - toy.lowerValue(x: x, y: toy.lowerSolution(x: x))
    }

    /// ∇q(z) = (∇_x g(x, y) − ∇_x g(x, y*(x)), ∇_y g(x, y)) by Danskin's theorem.
    func exactQGradient(x: Vector, y: Vector) -> Vector {
        (toy.lowerGradientX(x: x, y: y) - toy.lowerGradientX(x: x, y: toy.lowerSolution(x: x)))
            + toy.lowerGradientY(x: x, y: y)
    }

    /// ∇F_i(z) = (∇_x F_i, ∇_y F_i), as vectors in R^{n+p}.
    func fullGradients(x: Vector, y: Vector) -> [Vector] {
        (0..<m).map { toy.upperGradientX($0, x: x, y: y) + toy.upperGradientY($0, x: x, y: y) }
    }

    section("1. q̃ and ∇q̃ against the exact q and ∇q at z₀ = (x₀, 0)")
    // weave: begin-hide
    var constraintTable = Table(
        "constraint_at_start",
        [
            .init("T", format: .integer), .init("q_tilde", "q̃(z₀)", format: .scientific(4)),
            .init("q", "q(z₀)", format: .scientific(4)),
            .init("gradient_error", "‖∇q̃ − ∇q‖/‖∇q‖", format: .scientific(2)),
            .init("rate", "(1 − μ/L)^T", format: .scientific(2)),
        ])
    // weave: end
    let qStart = exactQ(x: x0, y: y0), gqStart = exactQGradient(x: x0, y: y0)
    for t in [1, 4, 16, 64, 256] {
        let c = try ValueFunctionConstraint(CountedOracles(toy), x: x0, y: y0, steps: t, eta: eta)
        constraintTable.append([
            "T": Double(t), "q_tilde": c.value, "q": qStart,
            "gradient_error": norm(c.gradient - gqStart) / norm(gqStart),
            "rate": pow(1 - toy.curvature.mu / toy.curvature.L, Double(t)),
        ])
    }
    show(constraintTable)
    let underEstimates = constraintTable.column("q_tilde").allSatisfy { $0 <= qStart * (1 + 1e-12) }
    say(
        "q̃ ≤ q for every T: \(underEstimates ? "yes" : "NO"); the error of ∇q̃ falls from \(sci(constraintTable.column("gradient_error").first!)) "
            + "at T = 1 to \(sci(constraintTable.column("gradient_error").last!)) at T = 256, at the rate (1 − μ/L)^T or faster."
    )

    /*:
     ## 2. The direction problem and its dual

     At z_k FORUM wants a direction d that decreases all F_i as fast as possible and
     decreases q̃ by at least a set amount. With φ_k = (ρ/2)‖∇q̃‖²:

         min_d  max_i ⟨∇F_i, d⟩ + ½‖d‖²    subject to   ⟨∇q̃, d⟩ ≤ −φ_k.

     (Without the constraint this is MGDA's direction problem of Chapter 1.) Write the
     max as min over an epigraph variable t: min_{d,t} t + ½‖d‖² with ⟨∇F_i, d⟩ ≤ t for
     every i. **The Lagrangian**, with multipliers λ_i ≥ 0 for the m objective
     constraints and ν ≥ 0 for the q̃ constraint:

         L(d, t, λ, ν) = t + ½‖d‖² + Σ_i λ_i (⟨∇F_i, d⟩ − t) + ν (⟨∇q̃, d⟩ + φ_k).

     **Minimize over t and d.** L is linear in t, so its infimum over t is −∞ unless the
     coefficient of t vanishes: 1 − Σ λ_i = 0, i.e. λ ∈ Δ_m. L is a strictly convex
     quadratic in d, minimized where its gradient vanishes:

         d + Σ_i λ_i ∇F_i + ν ∇q̃ = 0   ⟹   d = −(Σ_i λ_i ∇F_i + ν ∇q̃).

     **The dual.** Substituting, with w = Σ λ_i ∇F_i + ν ∇q̃ (so d = −w):
     ½‖w‖² − ⟨w, w⟩ + ν φ_k = −½‖w‖² + ν φ_k. The dual maximizes this, i.e.

         min_{λ∈Δ_m, ν≥0}  ½‖Σ_i λ_i ∇F_i + ν ∇q̃‖² − ν φ_k.

     The primal is a strictly convex QP with a strictly feasible point whenever
     ∇q̃ ≠ 0 (take d = −s∇q̃ with s large), so strong duality holds and the primal
     solution is d = −w at the dual solution. The dual has only m + 1 unknowns and needs
     only the Gram matrix of (∇F_1, …, ∇F_m, ∇q̃).

     **ν in closed form.** For fixed λ, the dual is a one-dimensional convex quadratic
     in ν ≥ 0. Its derivative in ν is ⟨Σ λ_i ∇F_i + ν ∇q̃, ∇q̃⟩ − φ_k; setting it to
     zero and clipping at 0,

         ν(λ) = max(Σ_i λ_i π_i, 0),    π_i = (φ_k − ⟨∇q̃, ∇F_i⟩) / ‖∇q̃‖²

     (Σ λ_i = 1 lets φ_k enter each π_i with weight 1). When ν(λ) > 0 the constraint is
     active: ⟨∇q̃, d⟩ = −Σ λ_i ⟨∇q̃, ∇F_i⟩ − ν‖∇q̃‖² = −φ_k exactly (complementary
     slackness).

     **The factor of 2.** The paper prints π_i = (2φ_k − ⟨∇q̃, ∇F_i⟩)/‖∇q̃‖², and the
     authors' code computes ρ − ⟨∇q̃, ∇F_i⟩/‖∇q̃‖² — the same thing, since
     2φ_k/‖∇q̃‖² = ρ. With that π the same computation gives ⟨∇q̃, d⟩ = −2φ_k when ν > 0,
     and the paper's QP, which adds the constraint γ ≥ Σ λ_i π_i on its multiplier γ,
     forces ⟨∇q̃, d⟩ ≤ −2φ_k: twice the decrease of q̃ that the direction problem asks
     for. In effect it solves the problem with ρ doubled.

     The library solves the dual exactly (`FORUMDirection`: support enumeration on the
     simplex QP with one nonnegative unknown, no external solver) and evaluates ν(λ)
     both ways (`forumMultiplier(…, printed:)`). We take the first iterate of the run
     of Section 3 — z₀ itself, where q̃ > 0 — and compute both.
     */
    section("2. Derived (φ) against printed (2φ) multiplier on the iterate z₀")
    let g0 = fullGradients(x: x0, y: y0)
    let c0 = try ValueFunctionConstraint(CountedOracles(toy), x: x0, y: y0, steps: T, eta: eta)
    let direction0 = try FORUMDirection(gradients: g0, constraintGradient: c0.gradient, rho: flags.rho)

    /// d = −(Σ λ_i ∇F_i + ν ∇q̃) for the QP's λ and the multiplier ν(λ), derived or printed.
    func directionWithMultiplier(printed: Bool) -> (nu: Double, d: Vector) {
        let nu = forumMultiplier(
            lambda: direction0.lambda, gradients: g0, constraintGradient: c0.gradient, phi: direction0.phi,
            printed: printed)
        var w = combination(direction0.lambda, g0)
        axpy(nu, c0.gradient, &w)
        return (nu, -1 * w)
    }

    enum Multiplier: Int, CaseIterable {
        case derived, printed
        var label: String { ["derived: π with φ", "printed: π with 2φ"][rawValue] }
    }
    // weave: begin-hide
    var factorTable = Table(
        "factor_of_two",
        [
            .init("variant", "multiplier", format: .label(Multiplier.allCases.map(\.label))),
            .init("nu", "ν(λ)", format: .scientific(6)), .init("gq_d", "⟨∇q̃, d⟩", format: .scientific(6)),
            .init("minus_phi", "−φ", format: .scientific(6)), .init("minus_two_phi", "−2φ", format: .scientific(6)),
            .init("qp_nu", "ν of the exact dual", format: .scientific(6)),
        ])
    // weave: end
    for variant in Multiplier.allCases {
        let (nu, d) = directionWithMultiplier(printed: variant == .printed)
        factorTable.append([
            "variant": Double(variant.rawValue), "nu": nu, "gq_d": dot(c0.gradient, d),
            "minus_phi": -direction0.phi, "minus_two_phi": -2 * direction0.phi, "qp_nu": direction0.nu,
        ])
    }
    show(factorTable)
    let derivedInner = factorTable.value(0, "gq_d"), printedInner = factorTable.value(1, "gq_d")
    say(
        "q̃(z₀) = \(sci(c0.value)), ‖∇q̃‖² = \(sci(normSquared(c0.gradient))), φ = \(sci(direction0.phi)), λ = (\(fixed(direction0.lambda[0], 4)), \(fixed(direction0.lambda[1], 4)))."
    )
    say(
        "Derived: ⟨∇q̃, d⟩/φ = \(fixed(derivedInner / direction0.phi, 6)) (the constraint holds with equality, "
            + "ν(λ) equals the dual's ν to \(sci(abs(factorTable.value(0, "nu") - direction0.nu) / direction0.nu)) relative). "
            + "Printed: ⟨∇q̃, d⟩/φ = \(fixed(printedInner / direction0.phi, 6)), ν larger by \(sci(factorTable.value(1, "nu") - factorTable.value(0, "nu"))) "
            + "= φ/‖∇q̃‖² = \(sci(direction0.phi / normSquared(c0.gradient))).")

    /*:
     ## 3. FORUM on the S = 2 toy

     The library's `FORUM` (Sources/MOBL/Algorithms/FORUM.swift) runs, for k = 0 … K−1:

         q̃, ∇q̃ ← T gradient steps from ỹ_0 = y_k                        (no Hessian)
         λ_k, ν ← the exact dual of the direction problem at z_k
         λ̃_k = (1 − β_k) λ̃_{k−1} + β_k λ_k,   β_k = (k + 1)^{−3/4}        (β_0 = 1: λ̃_0 = λ_0)
         ν_k = ν(λ̃_k),   z_{k+1} = z_k − μ (Σ λ̃_i ∇F_i + ν_k ∇q̃)

     The momentum on λ makes the weights converge (the paper's analysis needs it); ν is
     recomputed from the smoothed weights so that the decrease of q̃ is still asked
     for. We measure along the run

     - the **KKT gap** ‖Σ λ̃_i ∇F_i + ν_k ∇q̃‖² (the squared length of the step / μ),
       with the ∇q̃ the algorithm used, and
     - the **exact constraint violation** q(z_k) = g(x_k, y_k) − g*(x_k), with the
       toy's exact g*: the algorithm never sees it.

     Note what FORUM does *not* take: a preference. Like MGDA it stops at some Pareto
     stationary point, and which one depends on where it starts.
     */
    /// One FORUM run as the observer measured it: every step's KKT gap, exact q and F(z_k).
    struct FORUMRun {
        var kkt: [Double] = [], q: [Double] = [], values: [Vector] = []
        var nu: [Double] = [], lambda: [Vector] = []
        var result: OuterResult? = nil
        var last: OuterIterate? = nil
        /// F(z_K) and q(z_K) after the last step.
        var finalValues: Vector = [], finalQ = Double.nan, finalKKT = Double.nan
    }

    func runFORUM(_ forum: FORUM, x0: Vector, y0: Vector, record: Bool = true) -> FORUMRun {
        var run = FORUMRun()
        let result: OuterResult
        do {
            result = try forum.run(toy, x0: x0, y0: y0) { step in
                if record {
                    run.kkt.append(step.constraint!.kktGap)
                    run.q.append(exactQ(x: step.x, y: step.y))
                    run.values.append(step.values)
                    run.nu.append(step.constraint!.nu)
                    run.lambda.append(step.weights)
                }
                run.last = step
                return true
            }
        } catch {
            // Too large a step μ (or ρ, or κ) makes z blow up; say which flags to lower.
            fail(
                "FORUM (ρ = \(forum.rho), μ = \(forum.mu), κ = \(flags.kappa)) diverged: \(error). Lower --mu or --rho."
            )
        }
        run.result = result
        run.finalValues = toy.upperValues(x: result.x, y: result.y)
        run.finalQ = exactQ(x: result.x, y: result.y)
        run.finalKKT = run.last!.constraint!.kktGap
        return run
    }

    let forum = FORUM(outerSteps: K, innerSteps: T, eta: eta, rho: flags.rho, mu: flags.mu)
    progress("FORUM, K = \(K)")
    let main = runFORUM(forum, x0: x0, y0: y0)

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

    let shown = logSpacedIndices(K, points: 8)
    section("3. The run: KKT gap, exact q(z_k) and F(z_k)")
    // weave: begin-hide
    var convergenceTable = Table(
        "forum_run",
        [
            .init("k", format: .integer), .init("kkt", "KKT gap", format: .scientific(2)),
            .init("q", "q(z_k)", format: .scientific(2)),
            .init("nu", "ν_k", format: .scientific(2)), .init("lambda1", "λ̃_1", format: .fixed(4)),
            .init("f1", "F_1", format: .fixed(6)), .init("f2", "F_2", format: .fixed(6)),
        ])
    // weave: end
    for k in shown {
        convergenceTable.append([
            "k": Double(k), "kkt": main.kkt[k], "q": main.q[k], "nu": main.nu[k], "lambda1": main.lambda[k][0],
            "f1": main.values[k][0], "f2": main.values[k][1],
        ])
    }
    show(convergenceTable)
    let mainDistance = distanceToFront(main.finalValues)
    say(
        "After K = \(K) steps: q(z_K) = \(sci(main.finalQ)), KKT gap \(sci(main.finalKKT)) (from \(sci(main.kkt[0])) at k = 0), "
            + "F(z_K) = (\(fixed(main.finalValues[0], 6)), \(fixed(main.finalValues[1], 6))), distance to the exact front \(sci(mainDistance))."
    )
    let lastGradient = try ValueFunctionConstraint(
        CountedOracles(toy), x: main.result!.x, y: main.result!.y, steps: T, eta: eta
    ).gradient
    let nuBounded = main.nu.max()! < 10
    say(
        "At the end ∇q̃ has all but vanished (‖∇q̃(z_K)‖ = \(sci(norm(lastGradient)))) while ν_k "
            + (nuBounded
                ? "stays below 10 along the whole run (max \(sci(main.nu.max()!)), last \(sci(main.nu.last!))): the multiplier does not blow up on this problem, "
                : "reaches \(sci(main.nu.max()!)) (last \(sci(main.nu.last!))): the multiplier grows, ")
            + "and it multiplies a vector that tends to zero.")

    /*:
     **Several starts.** FORUM has no knob to choose a point on the front. We draw
     starts x₀ = 0.6·(Gaussian), y₀ = 0 from the seeded generator and look at where the
     runs end. (The run above, from the middle of the front at k = 0, drifts along it
     to one end before it settles: the front is reached, but not a chosen point on it.)
     */
    section("3b. End points of \(startCount) seeded starts")
    // weave: begin-hide
    var startTable = Table(
        "starts",
        [
            .init("start", format: .integer), .init("f1", "F_1(z_K)", format: .fixed(6)),
            .init("f2", "F_2(z_K)", format: .fixed(6)),
            .init("q", "q(z_K)", format: .scientific(2)), .init("kkt", "KKT gap", format: .scientific(2)),
            .init("distance", "distance to front", format: .scientific(2)),
        ])
    // weave: end
    var startPaths: [[Vector]] = []
    for j in 0..<startCount {
        progress("start \(j + 1) of \(startCount)")
        let x = rng.gaussianVector(n).map { 0.6 * $0 }
        let run = runFORUM(forum, x0: x, y0: y0)
        startPaths.append(logSpacedIndices(K, points: 40).map { run.values[$0] } + [run.finalValues])
        startTable.append([
            "start": Double(j + 1), "f1": run.finalValues[0], "f2": run.finalValues[1], "q": run.finalQ,
            "kkt": run.finalKKT, "distance": distanceToFront(run.finalValues),
        ])
    }
    show(startTable)
    let spread = (startTable.column("f1").min()!, startTable.column("f1").max()!)
    say(
        "The end points spread over F_1 ∈ [\(fixed(spread.0, 3)), \(fixed(spread.1, 3))]; the largest distance to the front is "
            + "\(sci(startTable.column("distance").max()!)) and the largest q(z_K) \(sci(startTable.column("q").max()!))."
    )
    let nearEnds = (0..<startCount).filter { min(startTable.value($0, "f1"), startTable.value($0, "f2")) < 0.05 }.count
    say(
        "\(nearEnds) of the \(startCount) end points have one objective below 0.05, i.e. lie near an end of the front "
            + "(the front runs from (0, 0.982) to (0.982, 0)); the start decides which end.")

    /*:
     The two figures: `ch07-convergence` plots the KKT gap and q(z_k) against k on log
     axes (rows thinned to log-spaced k ≥ 1); `ch07-front` the exact front, the path of
     F(z_k) of every start and their end points.
     */
    // weave: begin-hide
    func convergenceFigure() throws -> Figure {
        // k ≥ 1 only, so that every row fits the log axis (k = 0 is in Section 3's table).
        let forum = try DataBlock(
            "forum", columns: ["k", "kkt", "q", "f1", "f2"],
            rows: logSpacedIndices(K, points: 120).dropFirst().map { k in
                [Double(k), main.kkt[k], max(main.q[k], 1e-300), main.values[k][0], main.values[k][1]]
            })
        return try Figure.curves(
            "ch07-convergence", title: "FORUM on the S = 2 toy: KKT gap and exact constraint violation",
            x: "outer step k", y: "KKT gap ‖Σλ̃_i∇F_i + ν∇q̃‖², q(z_k)", log: .both, key: "bottom left",
            comment: "Chapter 7 — FORUM: T = \(T), ρ = \(flags.rho), μ = \(flags.mu), K = \(K); rows at log-spaced k.",
            data: forum, against: "k", [Curve("kkt", "KKT gap", .lines), Curve("q", "q(z_k) (exact g*)", .lines)])
    }
    // weave: end

    // weave: begin-hide
    func frontFigure() throws -> Figure {
        let front = try DataBlock("front", columns: ["f1", "f2"], rows: toy.front(resolution: 200))
        let paths = try DataBlock(
            "paths", columns: ["start", "f1", "f2"],
            groups: startPaths.enumerated().map { j, path in path.map { [Double(j + 1)] + $0 } })
        let ends = try DataBlock(
            "ends", columns: ["start", "f1", "f2"],
            rows: (0..<startCount).map { [Double($0 + 1), startTable.value($0, "f1"), startTable.value($0, "f2")] })
        return try Figure.curves(
            "ch07-front",
            title: "FORUM from \(startCount) starts: paths of F(z_k) and end points against the exact front",
            x: "F_1", y: "F_2", comment: "Chapter 7 — FORUM: the end points depend on the start (no preference).",
            against: "f1",
            [.truth("f2", "exact front", .lines, data: front)]
                + (0..<startCount).map {
                    Curve(
                        "f2", $0 == 0 ? "paths F(z_k)" : nil, .lines, data: paths, index: $0, color: Figure.palette[0])
                }
                + [Curve("f2", "end points F(z_K)", .points, data: ends, color: Figure.palette[4], pointSize: 1.4)])
    }
    // weave: end

    /*:
     ## 4. What a step costs, against T

     The paper's Figure 1 times FORUM and MOML on a GPU as T grows. We count instead,
     deterministically: per outer step, the **oracle calls** (gradients of F and g,
     Hessian-vector and mixed products ∇²_yy g·v, ∇²_xy g·v — each partial gradient
     counts once) and the **peak memory**, the most length-p vectors held at once (the
     rule of `OuterIterate.peakVectors`, the same for every method). Three methods:

     - **FORUM** with T inner steps: T + 3 gradients of g, 2m partial gradients of
       the F_i, no products. It holds y, ỹ, the y parts of the m gradients ∇F_i, of
       ∇q̃ and of the direction: m + 4 vectors, whatever T is.
     - **MOML** (Ye et al., 2021; the library's `MOML`): ITD through T unrolled inner
       steps for every objective, then MGDA weights. The reverse pass needs all T + 1
       iterates: T gradients, m·T mixed and m·(T − 1) Hessian-vector products, and
       T + 3 vectors (the library shares one forward pass between the m reverse
       passes, so the stored iterates are counted once, not m times).
     - **AID-CG** (WC-MHGD of Chapter 5, the library's `WCMHGD`): T inner steps, then
       for each objective N CG steps on H v = ∇_y F_i and one mixed product; it keeps
       the m solutions v_i for warm starts: m + 5 vectors with CG, whatever T is.

     Each row is the second outer step of a run (the first is the same here, but the
     second is the steady state of every method).
     */

    /// Oracle calls and peak length-p vectors of one outer step (the second of a two-step run).
    struct StepCost {
        let ops: Int
        let memory: Int
    }

    func stepCost(_ run: (@escaping OuterObserver) throws -> OuterResult) throws -> StepCost {
        var steps: [OuterIterate] = []
        _ = try run {
            steps.append($0)
            return true
        }
        return StepCost(ops: steps[1].counts.calls - steps[0].counts.calls, memory: steps[1].peakVectors)
    }

    struct CostRow {
        let T: Int
        let forum: StepCost
        let moml: StepCost
        let aid: StepCost
    }
    var costRows: [CostRow] = []
    for t in flags.depths {
        let forumCost = try stepCost {
            try FORUM(outerSteps: 2, innerSteps: t, eta: eta, rho: flags.rho, mu: flags.mu).run(
                toy, x0: x0, y0: y0, observe: $0)
        }
        let momlCost = try stepCost {
            try MOML(outerSteps: 2, innerSteps: t, alpha: eta, beta: 1).run(toy, x0: x0, y0: y0, observe: $0)
        }
        let aidCost = try stepCost {
            try WCMHGD(
                preference: [0.5, 0.5], u: 1, outerSteps: 2, innerSteps: t, alpha: eta, beta: 1,
                solver: .conjugateGradient(.fixed(iterations: flags.cgSteps))
            ).run(toy, x0: x0, y0: y0, observe: $0)
        }
        costRows.append(CostRow(T: t, forum: forumCost, moml: momlCost, aid: aidCost))
    }
    section("4. Oracle calls and peak length-p vectors per outer step (m = \(m), N = \(flags.cgSteps) CG steps)")
    // weave: begin-hide
    var costTable = Table(
        "cost_vs_T",
        [
            .init("T", format: .integer),
            .init("forum_ops", "FORUM calls", format: .integer), .init("moml_ops", "MOML calls", format: .integer),
            .init("aid_ops", "AID-CG calls", format: .integer),
            .init("forum_mem", "FORUM vectors", format: .integer), .init("moml_mem", "MOML vectors", format: .integer),
            .init("aid_mem", "AID-CG vectors", format: .integer),
        ])
    // weave: end
    for row in costRows {
        costTable.append([
            "T": Double(row.T), "forum_ops": Double(row.forum.ops), "moml_ops": Double(row.moml.ops),
            "aid_ops": Double(row.aid.ops),
            "forum_mem": Double(row.forum.memory), "moml_mem": Double(row.moml.memory),
            "aid_mem": Double(row.aid.memory),
        ])
    }
    show(costTable)

    /// The least-squares line of b against a (slope and intercept).
    func line(_ a: [Double], _ b: [Double]) -> (slope: Double, intercept: Double) {
        leastSquaresLine(zip(a, b).map { (x: $0, y: $1) })
    }
    let Ts = costTable.column("T")
    let fits = (
        forumOps: line(Ts, costTable.column("forum_ops")), momlOps: line(Ts, costTable.column("moml_ops")),
        aidOps: line(Ts, costTable.column("aid_ops")), momlMem: line(Ts, costTable.column("moml_mem"))
    )
    let forumFlat = Set(costTable.column("forum_mem")).count == 1, aidFlat = Set(costTable.column("aid_mem")).count == 1
    say(
        "Calls per step are linear in T for all three: FORUM \(fixed(fits.forumOps.slope, 2))·T + \(fixed(fits.forumOps.intercept, 2)), "
            + "MOML \(fixed(fits.momlOps.slope, 2))·T + \(fixed(fits.momlOps.intercept, 2)), AID-CG \(fixed(fits.aidOps.slope, 2))·T + \(fixed(fits.aidOps.intercept, 2))."
    )
    say(
        "Memory: FORUM \(forumFlat ? "flat at \(Int(costTable.value(0, "forum_mem")))" : "NOT flat") vectors, AID-CG "
            + "\(aidFlat ? "flat at \(Int(costTable.value(0, "aid_mem")))" : "NOT flat"), MOML \(fixed(fits.momlMem.slope, 2))·T + \(fixed(fits.momlMem.intercept, 2)) "
            + "(\(Int(costTable.column("moml_mem").last!)) vectors at T = \(Int(Ts.last!))).")

    /*:
     **Against the paper's claims.** The paper gives, per outer step, time
     O(mn + p(m + T)) and memory O(mn + mp) for FORUM against time O(mp(n + p)T) and
     memory O(mn + mpT) for MOML. In oracle calls: FORUM's T + 3 + 2m is the
     "p(m + T)" (each gradient of g costs O(p) arithmetic per coordinate in the paper's
     model), and its memory does not involve T at all — the table's flat column.
     MOML's calls grow like (1 + 2m)·T: each unrolled step costs one gradient in the
     forward pass and, per objective, one mixed and one Hessian-vector product in the
     reverse pass; with dense oracles a product costs O(p(n + p)), which gives the
     paper's O(mp(n + p)T). MOML's memory grows linearly in T — the slope is 1 per
     inner step here because the library stores the forward pass once for all
     objectives; an implementation that differentiates each objective through its own
     tape holds mT vectors, the paper's O(mpT). AID-CG also keeps memory flat in T,
     but pays N Hessian-vector products per objective per step, which FORUM never
     computes.
     */
    // weave: begin-hide
    func costFigure() throws -> Figure {
        let cost = try costTable.dataBlock
        let names = [("forum", "FORUM"), ("moml", "MOML (ITD)"), ("aid", "AID-CG")]
        return try Figure.curves(
            "ch07-cost", title: "Per outer step against T: oracle calls (solid) and peak length-p vectors (dashed)",
            x: "inner steps T", y: "oracle calls / length-p vectors per outer step", log: .both, key: "top left",
            comment:
                "Chapter 7 — FORUM: deterministic counts instead of the paper's GPU timings (its Figure 1); m = \(m), N = \(flags.cgSteps).",
            data: cost, against: "T",
            names.map { Curve("\($0.0)_ops", "\($0.1) calls") }
                + names.indices.map { Curve("\(names[$0].0)_mem", "\(names[$0].1) vectors", pairedWith: $0) },
            xRange: 0.7 * Double(flags.depths.first!)...1.4 * Double(flags.depths.last!))
    }
    // weave: end

    /*:
     ## 5. Side by side on one budget of oracle calls

     Same problem, same start (x₀, y₀ = 0), same budget B of oracle calls: the calls
     of the FORUM run of Section 3. Each method runs until its next step would pass B.
     For every method we evaluate, with the toy's exact answers, the reduced objectives
     Φ(x_K) = F(x_K, y*(x_K)), their distance to the exact front and the exact
     stationarity gap min_{λ∈Δ}‖Σλ_i∇Φ_i(x_K)‖² of the notation of the course.

     - **FORUM** as in Section 3 (the same T, ρ, μ);
     - **MOML**: ITD through the same T steps, warm-started, MGDA weights, step β;
     - **MoCo** (the library's `MoCo`): D = 2 warm inner steps, AID with N warm CG
       steps, tracked hypergradients (β = 0.5), projected weight steps (γ = 1), step 1;
     - **WC-MHGD** (Chapter 5) with r = (½, ½), u = 1, D = 2, N warm CG steps, β = 1.

     Only WC-MHGD is told where to go; the other three stop wherever their dynamics
     lead them.
     */
    let budget = main.result!.counts.calls

    /// A run stopped on a budget of oracle calls: the last x and y, the calls, steps and
    /// peak length-p vectors used, and the wall time (measured, not deterministic).
    struct BudgetRun {
        let x: Vector, y: Vector
        let counts: OracleCounts
        let steps: Int, peak: Int
        let seconds: Double
        var calls: Int { counts.calls }
    }

    /// Runs `algorithm` from (x₀, y₀) until its next step would pass `budget` calls.
    func onBudget(_ budget: Int, x0: Vector, y0: Vector, _ algorithm: (@escaping OuterObserver) throws -> OuterResult)
        throws -> BudgetRun
    {
        var last = (x: x0, y: y0, counts: OracleCounts(), steps: 0, peak: 0)
        var callBudget = CallBudget(calls: budget)
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try algorithm { step in
            var next = step.x
            axpy(1, step.step, &next)  // x_{k+1} = x_k + step
            last = (next, step.y, step.counts, step.k + 1, max(last.peak, step.peakVectors))
            return callBudget.allowsAnother(after: step.counts)
        }
        return BudgetRun(
            x: last.x, y: last.y, counts: last.counts, steps: last.steps, peak: last.peak,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// One of the course's methods (named as the closing comparison names them) on a toy,
    /// from (x₀, y₀ = 0), on a budget of calls, with the settings of the list above; WC-MHGD
    /// and linear scalarization are given the preference r (linear as its weights).
    /// Section 7 adds WC-MHGD with Neumann (⌈2κ⌉ terms, η = 1/L, as in Chapter 5), linear
    /// scalarization and MGDA (WC-MHGD's loop with the `baseline` rule of Chapter 5).
    func runOnBudget(_ method: CourseMethod, _ problem: MOBLToy, x0: Vector, r: Vector, budget: Int) throws -> BudgetRun
    {
        let y0 = Vector(repeating: 0, count: problem.lowerDimension)
        let eta = 1 / problem.curvature.L
        var settings = MethodSettings(
            outerSteps: MethodSettings.untilStopped, innerSteps: 2, alpha: eta, beta: 1, preference: r,
            cgSteps: flags.cgSteps, neumannTerms: Int((2 * problem.curvature.L).rounded(.up)))
        settings.normalizePreference = false
        settings.unrolledSteps = T
        (settings.forumRho, settings.forumStep, settings.momlStep, settings.mocoGamma) = (
            flags.rho, flags.mu, momlBeta, 1
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

    let momlBeta = 1.0
    let rMiddle: Vector = [0.5, 0.5]
    // weave: begin-hide
    var sideTable = Table(
        "side_by_side",
        [
            .init("method", format: .label(Method.allCases.map(\.label))),
            .init("phi1", "Φ_1(x_K)", format: .fixed(6)), .init("phi2", "Φ_2(x_K)", format: .fixed(6)),
            .init("distance", "distance to front", format: .scientific(2)),
            .init("gap", "stationarity gap", format: .scientific(2)),
            .init("calls", "oracle calls", format: .integer), .init("steps", "outer steps", format: .integer),
            .init("vectors", "peak vectors", format: .integer),
        ])
    // weave: end
    /// The runs of this section, kept for the closing comparison of Section 7.
    var toyRuns: [(method: CourseMethod, run: BudgetRun)] = []
    for method in Method.allCases {
        progress("side by side: \(method.label)")
        let result = try runOnBudget(method.course, toy, x0: x0, r: rMiddle, budget: budget)
        toyRuns.append((method.course, result))
        let phi = toy.reducedValues(x: result.x)
        sideTable.append([
            "method": Double(method.rawValue), "phi1": phi[0], "phi2": phi[1], "distance": distanceToFront(phi),
            "gap": try stationarityGap(gradients: toy.exactHypergradients(x: result.x)), "calls": Double(result.calls),
            "steps": Double(result.steps), "vectors": Double(result.peak),
        ])
    }
    section("5. FORUM, MOML, MoCo and WC-MHGD on a budget of \(budget) oracle calls")
    show(sideTable)
    let byName = { (method: Method, column: String) in sideTable.value(method.rawValue, column) }
    say(
        "Every method ends within \(sci(sideTable.column("distance").max()!)) of the front, each at a different point: "
            + Method.allCases.map { "\($0.label) at Φ_1 = \(fixed(byName($0, "phi1"), 3))" }.joined(separator: ", ")
            + ".")
    say(
        "Peak vectors: FORUM \(Int(byName(.forum, "vectors"))), MOML \(Int(byName(.moml, "vectors"))), MoCo \(Int(byName(.moco, "vectors"))), "
            + "WC-MHGD \(Int(byName(.wcmhgd, "vectors"))); outer steps on the budget: "
            + Method.allCases.map { "\($0.label) \(Int(byName($0, "steps")))" }.joined(separator: ", ") + ".")

    /*:
     On this small, well-conditioned toy every method converges within the budget, and
     the budget is not what separates them: where they end is. FORUM, MOML and MoCo
     take no preference and stop at different Pareto-stationary points (FORUM's end
     point is the F(x_K, y_K) of Section 3 evaluated at y*(x_K)); only WC-MHGD lands on
     the point asked for, r = (½, ½) giving Φ_1 = Φ_2. The difference that grows with
     the problem is the memory column and the per-step cost of Section 4: MOML's
     memory is T + 3, FORUM's is m + 4 — and FORUM never computes a Hessian-vector
     product.

     ## 6. Box: what the authors' code does differently

     Reading the authors' public code next to the paper turns up differences. The
     library reproduces those it can as options (defaults follow the paper):

     - **The factor of 2** of Section 2: the code computes π_i = ρ − ⟨∇q̃, ∇F_i⟩/‖∇q̃‖²,
       the paper's printed 2φ form (`printedMultiplier`).
     - **Unit-length gradients**: the code divides each ∇F_i by its norm before the
       QP (`normalizeGradients`). This changes the problem: the direction is no longer
       the steepest common descent of the F_i, and the weights λ no longer certify
       Pareto stationarity of the F_i themselves.
     - **Momentum by epoch**: the code uses β = (epoch + 1)^{−3/4}, constant within an
       epoch, with λ̃ starting at zero (`momentum: .epochZeroStart(iterationsPerEpoch:)`;
       we use 100 steps per epoch).
     - **The QP**: the code hands the direction problem to CVXPY, a general conic
       solver, with no fallback when it fails. We solve the (m + 1)-unknown dual exactly
       ourselves (`FORUMDirection`); there is nothing to fail.
     - **MOML** in the code is implemented for T = 1 only, with the Sener–Koltun
       two-objective MGDA formula clipping the S = 2 weight to [0.001, 0.999]. The
       library's `MOML` runs any T with the exact min-norm weights; the clipping is its
       option `clipTwoObjectiveWeight`, run below with T = 1.
     - **MoCo**'s weight update in the code is λ ← softmax(λ − γ(YᵀY + ρI)λ) instead of
       the projection λ ← Π_Δ(λ − γYᵀYλ) (`MoCo.WeightUpdate.softmax(rho:)`; we use
       ρ = 0.1). The softmax keeps every weight strictly positive, and its fixed points
       are not the min-norm weights.

     Each option, run once from the start of Section 3 with everything else equal:
     */
    enum Variant: Int, CaseIterable {
        case paper, normalized, epochMomentum, printed
        var label: String {
            ["paper (default)", "unit-length ∇F_i", "epoch momentum, λ̃ from 0", "printed π (2φ)"][rawValue]
        }
    }
    // weave: begin-hide
    var optionTable = Table(
        "code_options",
        [
            .init("variant", "FORUM variant", format: .label(Variant.allCases.map(\.label))),
            .init("f1", "F_1(z_K)", format: .fixed(6)), .init("f2", "F_2(z_K)", format: .fixed(6)),
            .init("q", "q(z_K)", format: .scientific(2)), .init("kkt", "KKT gap", format: .scientific(2)),
            .init("distance", "distance to front", format: .scientific(2)), .init("lambda1", "λ̃_1", format: .fixed(4)),
        ])
    // weave: end
    for variant in Variant.allCases {
        progress("option: \(variant.label)")
        var algorithm = forum
        switch variant {
        case .paper: break
        case .normalized: algorithm.normalizeGradients = true
        case .epochMomentum: algorithm.momentum = .epochZeroStart(iterationsPerEpoch: 100)
        case .printed: algorithm.printedMultiplier = true
        }
        let run = variant == .paper ? main : runFORUM(algorithm, x0: x0, y0: y0, record: false)
        optionTable.append([
            "variant": Double(variant.rawValue), "f1": run.finalValues[0], "f2": run.finalValues[1], "q": run.finalQ,
            "kkt": run.finalKKT, "distance": distanceToFront(run.finalValues), "lambda1": run.last!.weights[0],
        ])
    }
    section("6. The authors' code's options, one at a time (K = \(K))")
    show(optionTable)
    say(
        "Each variant's end point and distance to the front: "
            + Variant.allCases.map {
                "\($0.label): F_1 = \(fixed(optionTable.value($0.rawValue, "f1"), 4)), \(sci(optionTable.value($0.rawValue, "distance")))"
            }
            .joined(separator: "; ") + ".")

    enum WeightRule: Int, CaseIterable {
        case projection, softmax
        var label: String { ["projection Π_Δ", "softmax, ρ = 0.1"][rawValue] }
    }
    // weave: begin-hide
    var mocoTable = Table(
        "moco_weights",
        [
            .init("rule", "MoCo weights", format: .label(WeightRule.allCases.map(\.label))),
            .init("phi1", "Φ_1(x_K)", format: .fixed(6)), .init("phi2", "Φ_2(x_K)", format: .fixed(6)),
            .init("distance", "distance to front", format: .scientific(2)),
            .init("gap", "stationarity gap", format: .scientific(2)),
            .init("lambda1", "final λ_1", format: .fixed(4)),
        ])
    // weave: end
    for rule in WeightRule.allCases {
        progress("MoCo, \(rule.label)")
        var lastWeights: Vector = []
        let result = try onBudget(budget, x0: x0, y0: y0) { observe in
            try MoCo(
                outerSteps: MethodSettings.untilStopped, innerSteps: 2, alpha: eta, mu: 1, gamma: 1,
                tracking: .constant(0.5),
                weightUpdate: rule == .projection ? .projection : .softmax(rho: 0.1),
                solver: .conjugateGradient(.fixed(iterations: flags.cgSteps))
            ).run(toy, x0: x0, y0: y0) { step in
                lastWeights = step.weights
                return try observe(step)
            }
        }
        let phi = toy.reducedValues(x: result.x)
        mocoTable.append([
            "rule": Double(rule.rawValue), "phi1": phi[0], "phi2": phi[1], "distance": distanceToFront(phi),
            "gap": try stationarityGap(gradients: toy.exactHypergradients(x: result.x)), "lambda1": lastWeights[0],
        ])
    }
    show(mocoTable)

    enum MOMLWeights: Int, CaseIterable {
        case exact, clipped
        var label: String { ["exact min-norm", "λ₁ clipped to [0.001, 0.999]"][rawValue] }
    }
    // weave: begin-hide
    var momlTable = Table(
        "moml_weights",
        [
            .init("rule", "MOML, T = 1", format: .label(MOMLWeights.allCases.map(\.label))),
            .init("phi1", "Φ_1(x_K)", format: .fixed(6)), .init("phi2", "Φ_2(x_K)", format: .fixed(6)),
            .init("distance", "distance to front", format: .scientific(2)),
            .init("gap", "stationarity gap", format: .scientific(2)),
            .init("lambda1", "final λ_1", format: .fixed(4)),
        ])
    // weave: end
    for rule in MOMLWeights.allCases {
        progress("MOML T = 1, \(rule.label)")
        var moml = MOML(outerSteps: MethodSettings.untilStopped, innerSteps: 1, alpha: eta, beta: momlBeta)
        if rule == .clipped { moml.clipTwoObjectiveWeight = 0.001...0.999 }
        var lastWeights: Vector = []
        let result = try onBudget(budget, x0: x0, y0: y0) { observe in
            try moml.run(toy, x0: x0, y0: y0) { step in
                lastWeights = step.weights
                return try observe(step)
            }
        }
        let phi = toy.reducedValues(x: result.x)
        momlTable.append([
            "rule": Double(rule.rawValue), "phi1": phi[0], "phi2": phi[1], "distance": distanceToFront(phi),
            "gap": try stationarityGap(gradients: toy.exactHypergradients(x: result.x)), "lambda1": lastWeights[0],
        ])
    }
    show(momlTable)
    let clipEffect =
        abs(momlTable.value(1, "phi1") - momlTable.value(0, "phi1"))
        + abs(momlTable.value(1, "phi2") - momlTable.value(0, "phi2"))
    say(
        clipEffect < 1e-6
            ? "MOML's clipping changes nothing here (end points \(sci(clipEffect)) apart): from this start the min-norm weights stay inside [0.001, 0.999]; it matters only where one gradient dominates and MGDA would drop the other objective."
            : "MOML's clipping moves the end point by \(sci(clipEffect)): the min-norm weights reached the edge of the simplex, where the clip keeps the other objective in play."
    )
    say(
        "Against the paper's run, the KKT gap at k = K − 1 is "
            + Variant.allCases.dropFirst().map {
                "\(sci(optionTable.value($0.rawValue, "kkt") / optionTable.value(0, "kkt"))) times as large with \($0.label)"
            }
            .joined(separator: ", ")
            + "; MoCo's softmax weights end at λ_1 = \(fixed(mocoTable.value(1, "lambda1"), 4)) against \(fixed(mocoTable.value(0, "lambda1"), 4)) projected, "
            + "and the run ends at Φ_1 = \(fixed(mocoTable.value(1, "phi1"), 4)) instead of \(fixed(mocoTable.value(0, "phi1"), 4))."
    )

    /*:
     None of the options stops FORUM from reaching the front on this toy; each moves
     the point where it ends and how fast the gap closes in K steps. The printed π is
     not a harmless typo: it is the derived direction with ρ doubled, and it is the
     first to diverge when ρ or μ is pushed (Exercise 2). Normalizing the gradients
     changes which point is stationary for the weights: the λ̃ it reports belong to the
     unit-length gradients, not to ∇F_i.
     */

    /*:
     ## 7. For the closing comparison

     Chapter 10 assembles one table from the chapters' own runs: every method of the course
     on every problem where it applies, each problem with one budget of oracle calls, one
     stated preference r, and the same measures for every method — the exact stationarity
     gap at the end point, the oracle calls, the peak length-p vectors, and how far the end
     point lies from the ray of r,

         misalignment = (max_s r_sΦ_s − min_s r_sΦ_s) / max_s r_sΦ_s     (0 on the ray).

     It is measured for every method, though only WC-MHGD and linear scalarization (which
     takes r as its weights) are told r. This chapter is the first with every deterministic
     method of the course on the table, so it records the rows of both toys, with the one
     helper of Section 5:

     - the **S = 2 toy**, r = (½, ½), budget B: the four runs of Section 5, and WC-MHGD with
       the Neumann solver of Chapter 5 (⌈2κ⌉ terms, η = 1/L), linear scalarization and MGDA;
     - the **S = 5 pentagon** of Chapter 5 (built the same seeded way, so the same Q and
       x₀ as there), r = (0.8, 0.05, 0.05, 0.05, 0.05), budget B/2 (about the 3000 steps
       WC-MHGD takes in Chapter 5's u ablation; half, to keep this chapter's run short):
       all seven.

     On the pentagon the ray of r need not meet the front at all — the front is a curved
     surface of dimension 2 in R⁵, the ray a line — so even the exact Chebyshev optimum
     can have a misalignment above 0. The toy knows that optimum, so we print its
     misalignment and each end point's distance to it beside the table.

     Each run becomes a `ComparisonEntry` (Sources/ChapterSupport/Comparison.swift), saved as
     the datablock `comparison` of `ch07-tables.dat`; with `--timings` their wall times go to
     `ch07-timings.dat`.
     */
    let (toy5, x05): (MOBLToy, Vector) = try {
        var generator = flags.common.generator()
        let problem = try MOBLToy.standard(.polygon(5), kappa: flags.kappa, using: &generator)
        return (problem, generator.gaussianVector(problem.upperDimension).map { 0.3 * $0 })
    }()
    let rLopsided: Vector = [0.8, 0.05, 0.05, 0.05, 0.05]

    /// A run as the closing table records it: Φ(x_K) and the gap with the toy's exact answers.
    func comparisonEntry(
        _ problem: CourseProblem, _ instance: MOBLToy, _ method: CourseMethod, _ run: BudgetRun, r: Vector
    ) throws -> ComparisonEntry {
        ComparisonEntry(
            problem: problem, method: method, preference: r, values: instance.reducedValues(x: run.x),
            gap: try stationarityGap(gradients: instance.exactHypergradients(x: run.x)), counts: run.counts,
            peakVectors: run.peak, lowerDimension: instance.lowerDimension, seconds: run.seconds)
    }
    var entries: [ComparisonEntry] = []
    for method in CourseMethod.allCases where method.applies(to: .toyS2) {
        progress("closing comparison, S = 2: \(method.name)")
        let run =
            try toyRuns.first { $0.method == method }?.run
            ?? runOnBudget(method, toy, x0: x0, r: rMiddle, budget: budget)
        entries.append(try comparisonEntry(.toyS2, toy, method, run, r: rMiddle))
    }
    for method in CourseMethod.allCases where method.applies(to: .toyS5) {
        progress("closing comparison, S = 5: \(method.name)")
        let run = try runOnBudget(method, toy5, x0: x05, r: rLopsided, budget: budget / 2)
        entries.append(try comparisonEntry(.toyS5, toy5, method, run, r: rLopsided))
    }
    let comparison = comparisonTable(entries)
    section(
        "7. Every method on the two toys (budget \(budget) oracle calls on the S = 2 toy, \(budget / 2) on the pentagon)"
    )
    show(comparison)
    if flags.common.timings { show(timingsTable(entries)) }
    for (problem, instance, r) in [(CourseProblem.toyS2, toy, rMiddle), (.toyS5, toy5, rLopsided)] {
        let rows = entries.filter { $0.problem == problem }
        let optimum = try instance.chebyshevOptimum(preference: r)
        let optimumMisalignment = ComparisonEntry(
            problem: problem, method: .wcmhgdCG, preference: r, values: optimum.values, gap: 0,
            counts: OracleCounts(), peakVectors: 0, lowerDimension: 0, seconds: 0
        ).misalignment!
        let wc = rows.first { $0.method == .wcmhgdCG }!
        let others = rows.filter { $0.method.preferenceControl != .preference }
        let worseAligned = others.filter { $0.misalignment! > wc.misalignment! }
        say(
            "\(problem.name): the exact Chebyshev optimum of r has misalignment \(sci(optimumMisalignment)); WC-MHGD (CG) ends with "
                + "\(sci(wc.misalignment!)), \(sci(norm(wc.values - optimum.values))) from the optimum's Φ*; "
                + others.map { "\($0.method.name) \(sci($0.misalignment!))" }.joined(separator: ", ")
                + (worseAligned.count == others.count
                    ? " — every other method, linear scalarization (r as weights) included, ends farther from the ray."
                    : " — NOT every other method ends farther from the ray.")
                + " Largest final gap: \(sci(rows.map(\.gap).max()!)) (\(rows.max { $0.gap < $1.gap }!.method.name)).")
    }

    section("Figures")
    // weave: begin-hide
    save(
        figures: [try convergenceFigure(), try frontFigure(), try costFigure()],
        tables: [
            constraintTable, factorTable, convergenceTable, startTable, sideTable, optionTable, mocoTable, momlTable,
            comparison,
        ],
        timings: timingsTable(entries), flags: flags.common)
    // weave: end

    /*:
     ## Summary

     - The value-function reformulation turns the bilevel problem into one constraint,
       q(z) = g(x, y) − g*(x) ≤ 0, on the joint variable z = (x, y). The constraint is
       degenerate: q ≥ 0 everywhere, so no point is strictly feasible (Slater fails),
       and ∇q = 0 on the whole feasible set.
     - Danskin's theorem gives ∇g*(x) = ∇_x g(x, y*(x)); with T gradient steps in place
       of y*, q̃ and ∇q̃ cost T + 3 gradients and no Hessian.
     - FORUM's direction problem has an (m + 1)-unknown dual, solved exactly here. Its
       closed-form multiplier has φ_k where the paper prints 2φ_k; with the printed
       form the step asks for twice the decrease of q̃ (⟨∇q̃, d⟩ = −2φ_k instead of
       −φ_k, measured in Section 2) — the same as doubling ρ.
     - On the S = 2 toy FORUM drives both the KKT gap and the exact q(z_k) to ~1e-13
       and ends on the exact front, at a point that depends on the start: FORUM takes
       no preference.
     - Per outer step FORUM's memory is m + 4 length-p vectors for every T, MOML's is
       T + 3; FORUM's calls grow like T, MOML's like (1 + 2m)T, and AID pays N
       Hessian-vector products per objective. On one budget of calls all four methods
       reach the front on this toy — in different places; only WC-MHGD where it was
       asked to go.
     - For the closing comparison (Section 7), all seven deterministic methods on both toys:
       WC-MHGD (CG or Neumann) ends closer to the ray of the stated preference than every
       other method — on the ray for S = 2, and for S = 5 at the misalignment of the exact
       Chebyshev optimum itself (the ray misses the pentagon's front) — while linear
       scalarization, told the same r as its weights, ends with a misalignment near 1.

     ## Exercises

     1. Run `swift run -c release ch07 --inner-steps 4`. q̃ now under-estimates q by
        a lot at the start (Section 1's table). Does FORUM still drive the *exact*
        q(z_k) to zero, and why? (Hint: where does ỹ_T start?)
     2. Compare the row "printed π (2φ)" of Section 6 with the row "paper (default)"
        of a run with `--rho 1`. Are they the same run? Explain from the dual which
        parts of the step agree and which do not.
     3. Run with `--kappa 100`. What happens to q(z_K) and the KKT gap after
        K = 10000 steps with T = 32, and which of T or K would you raise first?
        Check your answer with a second run.
     4. The authors' MOML runs T = 1. Run `ch07 --depths 1 2 4 8 16` and read off
        MOML's calls and memory per step at T = 1 against FORUM's. Which is cheaper at
        T = 1, and from which T on does FORUM use less memory?
     5. Run `ch07 --starts 10 --seed 7`. Where on the front do the runs end? Is there a
        start that ends in the middle of the front?

     Worked solutions: `book/solutions/07.md`.
     */
} catch { fail("\(error)") }  // weave: hide
