/*:
 # Chapter 2 — Bilevel problems and hypergradients

 Chapter 1 optimized objectives we could evaluate directly. In bilevel learning the
 upper-level objective depends on x also *through the solution of another
 optimization problem*:

     min_x  Φ(x) = f(x, y*(x))      with      y*(x) = argmin_y g(x, y).

 Tuning a regularization strength on validation data is the classic case: x is the
 strength, y the model weights, g the training loss and f the validation loss. This
 chapter derives the gradient of Φ — the **hypergradient** — from the implicit
 function theorem, computes it two ways (AID and ITD), and checks every number three
 ways: against a closed form, against finite differences, and ITD against AID.

 You will learn:
 - the implicit-function-theorem formula and why it needs a Hessian *solve*;
 - AID (approximate implicit differentiation) with conjugate gradient or a Neumann
   series, and ITD (differentiating through D unrolled inner steps);
 - how to count the cost of a hypergradient in oracle calls.

 It builds on Chapter 1 only for the plotting and the seeded generator. Run it with
 `swift run -c release ch02` (or `make chapter N=2`); `--help` lists the flags. It
 writes `figures/ch02-ridge.gp`, `figures/ch02-itd.gp` and the tables no figure
 plots, `figures/ch02-tables.dat`.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter02Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    //: The command-line flags (declared in `Flags.swift`; `ch02 --help` lists them) are in `flags`.
    let gridCount = flags.grid ?? (flags.common.quick ? 51 : 61)
    let features = flags.features
    say("Chapter 2 — Bilevel problems and hypergradients")
    say(
        "seed \(flags.common.seed), N = \(flags.samples) training and 200 validation samples, d = \(features) features, "
            + "noise \(flags.noise), \(gridCount) grid points")

    /*:
     ## 1. The problem: tuning ridge regression

     Training data (X, t) and validation data (X_v, t_v). For a penalty λ = e^θ the
     lower level fits the weights, the upper level scores them:

         w*(θ) = argmin_w  g(θ, w) = ½‖X w − t‖² + ½ e^θ ‖w‖²
         Φ(θ)  = f(w*(θ))          = ½‖X_v w*(θ) − t_v‖²

     We use θ = log λ so that λ stays positive and the landscape reads well on a
     log scale. The lower level is strongly convex: its Hessian XᵀX + e^θ I has
     eigenvalues between μ = λ_min(XᵀX) + e^θ and L = λ_max(XᵀX) + e^θ.
     (`RidgeTuning` in `Sources/MOBL/Problems/RidgeTuning.swift`.) The oracles are
     wrapped in `CountedOracles`, which counts every call (Section 7).
     */
    var rng = flags.common.generator()
    let ridge = try RidgeTuning.synthetic(
        samples: flags.samples, validation: 200, features: features, noise: flags.noise, using: &rng)
    let oracles = CountedOracles(ridge)

    /*:
     ## 2. The implicit function theorem

     y*(x) is defined by the optimality condition ∇_y g(x, y*(x)) = 0. Differentiate
     this identity in x (chain rule, every derivative taken at (x, y*(x)); ∇²_xy g
     is the n × p matrix of mixed partials ∂²g/∂xᵢ∂yⱼ and ∇²_yx g = (∇²_xy g)ᵀ):

         ∇²_yx g + ∇²_yy g · (dy*(x)/dx) = 0      ⇒      dy*(x)/dx = −[∇²_yy g]⁻¹ ∇²_yx g.

     ∇²_yy g is invertible because g is strongly convex in y. Then, by the chain rule
     on Φ(x) = f(x, y*(x)),

         ∇Φ(x) = ∇_x f + (dy*(x)/dx)ᵀ ∇_y f
               = ∇_x f − ∇²_xy g · [∇²_yy g]⁻¹ ∇_y f.

     Never form the inverse: solve one linear system H v = ∇_y f with H = ∇²_yy g,
     using only Hessian-vector products, and finish with one mixed product,

         ∇Φ ≈ ∇_x f − ∇²_xy g · v.

     That is **AID**. It needs y*(x); in practice we only have an approximation, and
     the solve is approximate too — Chapters 3 and 4 are about those two errors.
     (`aidHypergradient` in `Sources/MOBL/Hypergradient/Hypergradient.swift`.)

     For ridge, ∇_w f = X_vᵀ(X_v w − t_v), ∇_θ f = 0, and ∂²g/∂θ∂w = e^θ w, so

         dΦ/dθ = −e^θ · w*ᵀ (XᵀX + e^θ I)⁻¹ X_vᵀ(X_v w* − t_v),

     the closed form the library computes with a dense Cholesky factorization
     (`exactHypergradients`) and that every estimate below is compared with.

     ## 3. The landscape

     Over a grid of θ, the validation loss and its hypergradient by AID with
     conjugate gradient (solved to a relative residual of 1e-12) at the exact w*:
     */
    let exactSolve = HessianSolver.conjugateGradient(.tolerance(relativeResidual: 1e-12, maxIterations: 10 * features))

    /// dΦ/dθ by AID-CG at the exact lower-level solution w*(θ).
    func hypergradient(at theta: Double) throws -> Double {
        try aidHypergradient(oracles, objective: 0, x: [theta], y: ridge.lowerSolution(x: [theta]), solver: exactSolve)
            .gradient[0]
    }

    /// One grid point: Φ(θ), its hypergradient by AID-CG and by the closed form.
    struct LandscapePoint {
        let theta: Double
        let phi: Double
        let dphi: Double
        let exact: Double
        var relativeError: Double { abs(dphi - exact) / max(abs(exact), 1e-12) }
    }

    let thetas = (0..<gridCount).map { (i: Int) -> Double in -6 + 12 * Double(i) / Double(gridCount - 1) }
    let landscape = try thetas.map { theta in
        LandscapePoint(
            theta: theta, phi: ridge.reducedValues(x: [theta])[0], dphi: try hypergradient(at: theta),
            exact: ridge.exactHypergradients(x: [theta])[0][0])
    }
    let worstLandscapeError = landscape.map(\.relativeError).max()!

    section("3. The validation loss over θ = log λ")
    // weave: begin-hide
    var landscapeSample = Table(
        "landscape_sample",
        [
            .init("theta", "θ", format: .fixed(2)),
            .init("lambda", "λ = e^θ", format: .scientific(2)),
            .init("phi", "Φ(θ)", format: .fixed(4)),
            .init("dphi", "dΦ/dθ (AID-CG)", format: .scientific(4)),
            .init("exact", "closed form", format: .scientific(4)),
            .init("relative_error", "relative error", format: .scientific(2)),
        ])
    // weave: end
    for point in stride(from: 0, to: landscape.count, by: max(1, landscape.count / 10)).map({ landscape[$0] }) {
        landscapeSample.append([
            "theta": point.theta, "lambda": exp(point.theta), "phi": point.phi, "dphi": point.dphi,
            "exact": point.exact, "relative_error": point.relativeError,
        ])
    }
    show(landscapeSample)
    say("largest relative error of AID-CG over all \(gridCount) grid points: \(sci(worstLandscapeError))")

    /*:
     Where the hypergradient changes sign, Φ has its minimum. Between the two grid
     points that bracket the sign change we bisect on the sign of dΦ/dθ (the library's
     `bisect`, Sources/MOBL/Numerics/Bisection.swift, halves the bracket down to the last
     bit) and take the midpoint of the final bracket. If the sign never changes, Φ is
     smallest at an edge of the grid.
     */
    let signChange = landscape.indices.dropLast().first { landscape[$0].dphi < 0 && landscape[$0 + 1].dphi >= 0 }
    let thetaStar: Double
    if let i = signChange {
        let bracket = try bisect(landscape[i].theta, landscape[i + 1].theta) { try hypergradient(at: $0) >= 0 }
        thetaStar = 0.5 * (bracket.lo + bracket.hi)
    } else {
        thetaStar = landscape.min { $0.phi < $1.phi }!.theta  // the best grid point, at an edge
    }
    let phiStar = ridge.reducedValues(x: [thetaStar])[0]
    let hypergradientAtStar = ridge.exactHypergradients(x: [thetaStar])[0][0]
    if signChange != nil {
        say(
            "minimum (bisection on the sign of the hypergradient): θ* = \(fixed(thetaStar, 6)), "
                + "λ* = \(fixed(exp(thetaStar), 4)), Φ(θ*) = \(fixed(phiStar, 6))")
    } else {
        say(
            "the hypergradient never changes sign on the grid: Φ is smallest at its edge, θ = \(fixed(thetaStar, 2)) "
                + "(Φ = \(fixed(phiStar, 6))); there is no interior minimum for these data, and below θ* stands for that edge"
        )
    }

    /*:
     ## 4. The three-way check

     A hypergradient routine can be wrong in ways that still "train". So at a few
     points we compare, side by side:

     - the **closed form** (dense Cholesky);
     - **central finite differences** (Φ(θ + h) − Φ(θ − h))/2h with h = 1e-5, each Φ
       with the inner problem solved by gradient descent until ‖∇_w g‖ has fallen
       by a factor 1e-12 — no hypergradient code involved at all;
     - AID with **CG**, AID with a **Neumann series** (η = 1/L), both to a relative
       residual of 1e-10, and **ITD** through D = ⌈40 κ⌉ inner steps (next section).

     Finite differences carry an O(h²) truncation error and an O(ε·|Φ|/h) rounding
     error, so they can confirm a hypergradient only to about 1e-9 or 1e-10 relative
     here; the closed form agrees with AID to rounding.
     */
    let h = 1e-5

    /// Φ(θ) with the inner problem solved by gradient descent (step 1/L) from w = 0 until
    /// ‖∇_w g‖ has fallen by a factor 1e-12: no hypergradient code involved.
    func phiByGradientDescent(_ theta: Double) throws -> Double {
        let zero = Vector(repeating: 0, count: features)
        let start = norm(ridge.lowerGradientY(x: [theta], y: zero))
        let inner = try solveLowerLevel(
            oracles, x: [theta], start: zero, stepSize: 1 / ridge.curvature(x: [theta]).L,
            tolerance: 1e-12 * start, maxSteps: 200_000)
        return ridge.upperValues(x: [theta], y: inner.y)[0]
    }

    // weave: begin-hide
    var checks = Table(
        "checks",
        [
            .init("theta", "θ", format: .fixed(3)),
            .init("kappa", "κ = L/μ", format: .fixed(1)),
            .init("exact", "closed form", format: .scientific(6)),
            .init("fd", "FD error", format: .scientific(2)),
            .init("aid_cg", "AID-CG error", format: .scientific(2)),
            .init("aid_neumann", "AID-Neumann error", format: .scientific(2)),
            .init("itd", "ITD error", format: .scientific(2)),
            .init("itd_steps", "ITD steps D", format: .integer),
        ])
    // weave: end
    let tight = StoppingRule.tolerance(relativeResidual: 1e-10, maxIterations: 1_000_000)
    for theta in [-2.0, 0.0, 2.0] {
        let x = [theta]
        let (mu, L) = ridge.curvature(x: x)
        let exact = ridge.exactHypergradients(x: x)[0][0]
        let finiteDifference = try (phiByGradientDescent(theta + h) - phiByGradientDescent(theta - h)) / (2 * h)
        let w = ridge.lowerSolution(x: x)
        let cg = try aidHypergradient(oracles, objective: 0, x: x, y: w, solver: .conjugateGradient(tight)).gradient[0]
        let neumann = try aidHypergradient(oracles, objective: 0, x: x, y: w, solver: .neumann(eta: 1 / L, tight))
            .gradient[0]
        let itdSteps = Int((40 * L / mu).rounded(.up))
        let itd = try itdHypergradient(
            oracles, objective: 0, x: x, start: Vector(repeating: 0, count: features),
            steps: itdSteps, stepSize: 1 / L
        ).gradient[0]
        func relativeError(_ value: Double) -> Double { abs(value - exact) / abs(exact) }
        checks.append([
            "theta": theta, "kappa": L / mu, "exact": exact, "fd": relativeError(finiteDifference),
            "aid_cg": relativeError(cg), "aid_neumann": relativeError(neumann), "itd": relativeError(itd),
            "itd_steps": Double(itdSteps),
        ])
    }

    section("4. Three-way check: closed form, finite differences, AID, ITD")
    show(checks)
    // "Zero to rounding": below 1e-10 of the largest hypergradient on the grid.
    let hypergradientScale = landscape.map { abs($0.exact) }.max()!
    let vanishes = abs(hypergradientAtStar) <= 1e-10 * hypergradientScale
    say(
        "(errors relative to |dΦ/dθ|; at θ* = \(fixed(thetaStar, 3)) the hypergradient is \(sci(hypergradientAtStar))"
            + (vanishes
                ? ", zero to rounding: \(sci(abs(hypergradientAtStar) / hypergradientScale)) of its largest value on the grid)"
                : ", \(sci(abs(hypergradientAtStar) / hypergradientScale)) of its largest value on the grid)"))

    /*:
     ## 5. ITD: differentiating through the inner loop

     Instead of the implicit function theorem, run D gradient steps from w₀ = 0,

         w_{t+1} = w_t − α ∇_w g(θ, w_t),      α = 1/L,

     and differentiate w_D(θ) exactly, by the chain rule through every step. With
     H_t = ∇²_ww g(θ, w_t) and M_t = ∇²_θw g(θ, w_t) the Jacobian obeys

         J_{t+1} = (I − α H_t) J_t − α M_tᵀ,     J₀ = 0,

     and ITD returns ∇_θ f + J_Dᵀ ∇_w f, computed backwards with one vector
     (reverse mode; `itdHypergradient`). It is the *exact* gradient of an
     *approximate* objective f(w_D(θ)); as D grows, w_D → w* and J_D → dw*(θ)/dθ, so
     ITD → the true hypergradient at essentially the inner loop's rate: its error
     behaves like c·D·(1 − μ/L)^D, the extra factor D because J_D sums D terms. AID
     evaluated at the same w_D (an exact solve, but at the wrong point) converges at
     that rate too. ITD's price is memory: it stores all D iterates. We look at
     θ₀ = 0 (λ = 1), where the hypergradient is far from zero, for about 40 values of
     D up to ⌈30 κ⌉.
     */
    let theta0 = [0.0]
    let exactAtTheta0 = ridge.exactHypergradients(x: theta0)[0][0]
    let (mu0, L0) = ridge.curvature(x: theta0)
    let kappa0 = L0 / mu0

    /// The relative errors at θ₀ after D inner steps. Errors below 1e-17 are zero to
    /// rounding; they are floored there so that the log axis can show them.
    struct UnrolledErrors {
        let D: Int
        let itd: Double
        let aid: Double
        /// (1 − μ/L)^D, the inner loop's rate.
        let rate: Double
    }

    let maxD = Int((30 * kappa0).rounded(.up))
    let dValues = Array(Set((0...40).map { max(1, Int((Double(maxD) * Double($0) / 40).rounded())) })).sorted()
    let unrolled = try dValues.map { d in
        let zero = Vector(repeating: 0, count: features)
        let itd = try itdHypergradient(oracles, objective: 0, x: theta0, start: zero, steps: d, stepSize: 1 / L0)
        let inner = try innerGradientDescent(
            oracles, x: theta0, start: zero, steps: d, stepSize: 1 / L0, measureFinalGradient: false)
        let aid = try aidHypergradient(oracles, objective: 0, x: theta0, y: inner.y, solver: exactSolve)
        return UnrolledErrors(
            D: d, itd: max(abs(itd.gradient[0] - exactAtTheta0) / abs(exactAtTheta0), 1e-17),
            aid: max(abs(aid.gradient[0] - exactAtTheta0) / abs(exactAtTheta0), 1e-17),
            rate: max(pow(1 - mu0 / L0, Double(d)), 1e-17))
    }

    section("5. ITD and AID at w_D, as the number of inner steps D grows (θ₀ = 0)")
    // weave: begin-hide
    var unrolledSample = Table(
        "itd_sample",
        [
            .init("D", format: .integer),
            .init("itd", "ITD rel. error", format: .scientific(2)),
            .init("aid", "AID at w_D rel. error", format: .scientific(2)),
            .init("rate", "(1 − μ/L)^D", format: .scientific(2)),
        ])
    // weave: end
    for errors in stride(from: 0, to: unrolled.count - 1, by: 6).map({ unrolled[$0] }) + [unrolled.last!] {
        unrolledSample.append(["D": Double(errors.D), "itd": errors.itd, "aid": errors.aid, "rate": errors.rate])
    }
    show(unrolledSample)

    /// The measured decay per inner step, fitted where the errors are between 1e-10 and 1e-2.
    func decay(_ error: KeyPath<UnrolledErrors, Double>) -> Double? {
        let points = unrolled.filter { $0[keyPath: error] > 1e-10 && $0[keyPath: error] < 1e-2 }
        guard points.count >= 2 else { return nil }
        return exp(leastSquaresSlope(points.map { (Double($0.D), log($0[keyPath: error])) }))
    }

    say("κ = L/μ = \(fixed(kappa0, 1)) at θ₀; the inner loop contracts by 1 − μ/L = \(fixed(1 - mu0 / L0, 5)) per step")
    if let aidRate = decay(\.aid), let itdRate = decay(\.itd) {
        say(
            "measured decay per step (errors between 1e-10 and 1e-2): AID at w_D \(fixed(aidRate, 5)), ITD \(fixed(itdRate, 5))"
        )
        if itdRate > aidRate {
            say(
                "(ITD is slower by a factor \(fixed(itdRate / aidRate, 5)) per step: its Jacobian J_D sums D terms, "
                    + "so its error behaves like c·D·(1 − μ/L)^D)")
        } else {
            say(
                "(ITD decays no slower than AID at w_D here: the factor D of c·D·(1 − μ/L)^D does not show in this range)"
            )
        }
    } else {
        say("the errors fall through 1e-2 … 1e-10 too fast to fit a rate — faster than the worst case (1 − μ/L)^D:")
        say("the directions of least curvature play no part in this problem (Exercise 4 asks why)")
    }

    /*:
     ## 6. A hyperparameter per feature

     Nothing in AID cares that θ is a scalar. With one penalty per weight,
     `½ Σⱼ e^{θⱼ} wⱼ²`, the hypergradient is a vector in R^d,

         ∇Φ(θ) = −diag(e^θ ⊙ w*) (XᵀX + diag(e^θ))⁻¹ X_vᵀ(X_v w* − t_v),

     and one AID call — one linear solve and one mixed product — still computes all
     d components, whereas finite differences would need 2d inner solves. We check it
     at a random θ around θ* (each θⱼ = θ* + 0.5·N(0, 1)), against the closed form and
     against finite differences of each component (h = 1e-5).
     */
    let perFeature = try RidgeTuning(
        X: ridge.X, t: ridge.t, validationX: ridge.validationX,
        validationT: ridge.validationT, perFeature: true)
    let perFeatureOracles = CountedOracles(perFeature)
    let thetaVector = (0..<features).map { _ in thetaStar + 0.5 * rng.gaussian() }
    let wVector = perFeature.lowerSolution(x: thetaVector)
    let (aidVector, aidCounts) = try perFeatureOracles.measuring {
        try aidHypergradient(perFeatureOracles, objective: 0, x: thetaVector, y: wVector, solver: exactSolve)
    }
    let exactVector = perFeature.exactHypergradients(x: thetaVector)[0]
    let worstComponent = (0..<features).map { j in
        var plus = thetaVector, minus = thetaVector
        plus[j] += h
        minus[j] -= h
        let fd = (perFeature.reducedValues(x: plus)[0] - perFeature.reducedValues(x: minus)[0]) / (2 * h)
        return abs(fd - aidVector.gradient[j]) / norm(exactVector)
    }.max()!

    section("6. Per-feature penalties: d = \(features) hyperparameters")
    // weave: begin-hide
    var perFeatureCheck = Table(
        "per_feature",
        [
            .init("d", format: .integer),
            .init("aid_error", "‖AID − closed form‖/‖closed form‖", format: .scientific(2)),
            .init("fd_error", "max |FD − AID|/‖∇Φ‖", format: .scientific(2)),
            .init("hessian_vector", "AID ∇²g·v", format: .integer),
            .init("mixed", "AID mixed", format: .integer),
            .init("fd_solves", "FD inner solves", format: .integer),
        ])
    // weave: end
    perFeatureCheck.append([
        "d": Double(features), "aid_error": norm(aidVector.gradient - exactVector) / norm(exactVector),
        "fd_error": worstComponent, "hessian_vector": Double(aidCounts.hessianVector),
        "mixed": Double(aidCounts.mixedVector), "fd_solves": Double(2 * features),
    ])
    show(perFeatureCheck)

    /*:
     ## 7. What each estimate costs

     The course counts oracle calls rather than seconds: they are the same on every
     machine, and they are what the complexity results of the papers count. At θ₀,
     AID from the exact w* with CG and with a Neumann series (both to a relative
     residual of 1e-8), and ITD through D = ⌈10 κ⌉ steps:
     */
    let budget = Int((10 * kappa0).rounded(.up))
    let wStar = ridge.lowerSolution(x: theta0)
    let estimates = [
        try aidHypergradient(
            oracles, objective: 0, x: theta0, y: wStar,
            solver: .conjugateGradient(.tolerance(relativeResidual: 1e-8, maxIterations: 1000))),
        try aidHypergradient(
            oracles, objective: 0, x: theta0, y: wStar,
            solver: .neumann(eta: 1 / L0, .tolerance(relativeResidual: 1e-8, maxIterations: 1_000_000))),
        try itdHypergradient(
            oracles, objective: 0, x: theta0, start: Vector(repeating: 0, count: features),
            steps: budget, stepSize: 1 / L0),
    ]

    section("7. Oracle calls per hypergradient at θ₀ = 0")
    // weave: begin-hide
    var costs = Table(
        "costs",
        [
            .init(
                "estimator",
                format: .label(["AID-CG, residual 1e-8", "AID-Neumann, residual 1e-8", "ITD, D = \(budget)"])),
            .init("gradients", "∇g", format: .integer),
            .init("hessian_vector", "∇²g·v", format: .integer),
            .init("mixed", format: .integer),
            .init("upper_gradients", "∇f", format: .integer),
            .init("vectors", "vectors held", format: .integer),
            .init("error", "rel. error", format: .scientific(2)),
        ])
    // weave: end
    for (i, estimate) in estimates.enumerated() {
        costs.append([
            "estimator": Double(i), "gradients": Double(estimate.counts.lowerGradient),
            "hessian_vector": Double(estimate.counts.hessianVector), "mixed": Double(estimate.counts.mixedVector),
            "upper_gradients": Double(estimate.counts.upperGradient), "vectors": Double(estimate.peakVectors),
            "error": abs(estimate.gradient[0] - exactAtTheta0) / abs(exactAtTheta0),
        ])
    }
    show(costs)
    say("(AID's cost excludes the inner solve that produced w*; ITD's includes its D inner steps.)")

    /*:
     ## 8. The figures

     `ch02-ridge` draws Φ(θ) with short tangent segments of slope dΦ/dθ (AID) at a
     few points — the hypergradient *is* the slope — and the minimizer θ*. Its
     datablock `$landscape` (theta, phi, dphi) holds every grid point.
     */
    // weave: begin-hide
    func ridgeFigure() throws -> Figure {
        let step = max(1, landscape.count / 6)
        var tangents: [[Double]] = []
        for point in stride(from: step / 2, to: landscape.count, by: step).map({ landscape[$0] }) {
            for dt in [-0.6, 0.6] { tangents.append([point.theta + dt, point.phi + point.dphi * dt]) }
            tangents.append([])
        }
        let curve = try DataBlock("landscape", landscape, ["theta": \.theta, "phi": \.phi, "dphi": \.dphi])
        let slopes = try DataBlock("tangents", columns: ["theta", "phi"], rows: tangents)
        let minimum = try DataBlock("minimum", columns: ["theta", "phi"], rows: [[thetaStar, phiStar]])
        return try Figure.curves(
            "ch02-ridge", title: "Ridge tuning: validation loss and its hypergradient",
            x: "θ = log λ", y: "Φ(θ) = ½‖X_v w*(θ) − t_v‖²", key: "top center",
            comment: "Chapter 2 — Bilevel problems and hypergradients: the validation loss of ridge tuning.",
            against: "theta",
            [
                .truth("phi", "Φ(θ)", .lines, data: curve),
                Curve("phi", "slope dΦ/dθ from AID", .lines, data: slopes, lineWidth: 2.5),
                Curve("phi", "θ*: dΦ/dθ = 0", .points, data: minimum, pointSize: 1.6),
            ])
    }
    // weave: end

    /*:
     `ch02-itd` draws the two errors of Section 5 against D, with the rate
     (1 − μ/L)^D; datablock `$itd` (D, itd, aid, rate).
     */
    // weave: begin-hide
    func itdFigure() throws -> Figure {
        let itd = try DataBlock("itd", unrolled, ["D": { Double($0.D) }, "itd": \.itd, "aid": \.aid, "rate": \.rate])
        return try Figure.curves(
            "ch02-itd", title: "ITD converges to the hypergradient as D grows (θ = 0, κ = \(fixed(kappa0, 1)))",
            x: "inner steps D", y: "relative error of dΦ/dθ", log: .y, key: "bottom left",
            comment: "Chapter 2 — Bilevel problems and hypergradients: ITD and AID errors at θ = 0 against D.",
            data: itd, against: "D",
            [
                Curve("itd", "ITD through D steps"), Curve("aid", "AID at w_D (exact solve)"),
                .reference("rate", "(1 − μ/L)^D"),
            ])
    }
    // weave: end

    section("8. Figures")
    // weave: begin-hide
    save(
        figures: [try ridgeFigure(), try itdFigure()],
        tables: [landscapeSample, checks, unrolledSample, perFeatureCheck, costs], flags: flags.common)
    // weave: end

    /*:
     ## Summary

     - The hypergradient of Φ(x) = f(x, y*(x)) is ∇_x f − ∇²_xy g [∇²_yy g]⁻¹ ∇_y f,
       from differentiating the optimality condition ∇_y g = 0.
     - AID computes it with one linear solve (Hessian-vector products only) and one
       mixed product; ITD differentiates through D inner steps and stores them.
     - Both converge to the truth: ITD like D·(1 − μ/L)^D in the unrolled steps, AID
       with the accuracy of y and of the linear solve.
     - Check every hypergradient three ways: closed form, finite differences, and
       ITD against AID. Count oracle calls, not seconds.

     ## Exercises

     1. Run with `--noise 0`. The chapter reports that the hypergradient never
        changes sign. Which sign does it keep, where is Φ smallest, and why does
        noiseless data make regularization useless here?
     2. In Section 4 the finite-difference error is about 1e-10. Change h in the
        source to 1e-3 and to 1e-8 and explain the two errors you see.
     3. Section 5: how many inner steps does ITD need for a relative error of 1e-6
        at θ₀ = 0? Compare with log(1e-6)/log(1 − μ/L) using the κ the chapter prints.
     4. With `--features 100 --samples 40` the training problem is
        under-determined. What happens to κ at small λ, and to the ITD steps the
        chapter chooses?

     Worked solutions: `book/solutions/02.md`.
     */
} catch { fail("\(error)") }  // weave: hide
