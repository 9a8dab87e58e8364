/*:
 # Chapter 2 — Bilevel problems and hypergradients

 [Chapter 1](01-ParetoFronts.md) optimized objectives we could evaluate directly. In
 bilevel learning the upper-level objective depends on $x$ also *through the solution
 of another optimization problem*:

 $$
 \min_x \; \Phi(x) = f\big(x, y^*(x)\big) \qquad \text{with} \qquad y^*(x) = \operatorname*{argmin}_y \; g(x, y). \tag{2.1}
 $$

 Tuning a regularization strength on validation data is the classic case: $x$ sets the
 strength, $y$ are the model's weights, $g$ is the training loss and $f$ the validation
 loss. This chapter derives the gradient of $\Phi$ — the **hypergradient** — from the
 implicit function theorem, computes it two ways (AID and ITD), and checks every number
 three ways: against a closed form, against finite differences, and ITD against AID.

 You will learn:
 - the implicit-function-theorem formula, and why it needs a Hessian *solve*;
 - AID (approximate implicit differentiation) with conjugate gradient or a Neumann
   series, and ITD (differentiating through $D$ unrolled inner steps);
 - how to count the cost of a hypergradient in oracle calls.

 It builds on Chapter 1 only for the plotting and the seeded generator; symbols follow
 the course's [notation](notation.md). Run it with `swift run -c release ch02` (or
 `make chapter N=2`); `--help` lists the flags. It writes `figures/ch02-ridge.gp`,
 `figures/ch02-itd.gp` and the tables no figure plots, `figures/ch02-tables.dat`.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter02Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    // weave: begin-hide
    let gridCount = flags.grid ?? (flags.common.quick ? 51 : 61)
    let features = flags.features
    say("Chapter 2 — Bilevel problems and hypergradients")
    say(
        "seed \(flags.common.seed), N = \(flags.samples) training and 200 validation samples, p = \(features) features, "
            + "noise \(flags.noise), \(gridCount) grid points")
    // weave: end

    /*:
     ## 1. The problem: tuning ridge regression

     Training data $(Z, t)$ — $N$ samples, one row of $Z$ each, $p$ features — and
     validation data $(Z_{\mathrm{val}}, t_{\mathrm{val}})$. For a penalty $\theta = e^x$ the
     lower level fits the weights and the upper level scores them:

     $$
     y^*(x) = \operatorname*{argmin}_y \; g(x, y) = \tfrac12 \|Z y - t\|^2 + \tfrac12 e^x \|y\|^2,
     \qquad
     \Phi(x) = f\big(y^*(x)\big) = \tfrac12 \|Z_{\mathrm{val}}\, y^*(x) - t_{\mathrm{val}}\|^2. \tag{2.2}
     $$

     We tune $x = \log\theta$ rather than $\theta$, so that the penalty stays positive and
     the landscape reads well on a log scale. The lower level is strongly convex: its
     Hessian $Z^\top Z + e^x I$ has eigenvalues between
     $\mu = \operatorname{eig}_{\min}(Z^\top Z) + e^x$ and
     $L = \operatorname{eig}_{\max}(Z^\top Z) + e^x$ (`RidgeTuning` in
     `Sources/MOBL/Problems/RidgeTuning.swift`). The oracles are wrapped in
     `CountedOracles`, which counts every call (Section 7).
     */
    var rng = flags.common.generator()
    let ridge = try RidgeTuning.synthetic(
        samples: flags.samples, validation: 200, features: features, noise: flags.noise, using: &rng)
    let oracles = CountedOracles(ridge)

    /*:
     ## 2. The implicit function theorem

     $y^*(x)$ is defined by the optimality condition $\nabla_y g(x, y^*(x)) = 0$.
     Differentiate this identity in $x$ (chain rule; every derivative taken at
     $(x, y^*(x))$; $\nabla^2_{xy} g$ is the $n \times p$ matrix of mixed partials
     $\partial^2 g / \partial x_i \partial y_j$ and $\nabla^2_{yx} g = (\nabla^2_{xy} g)^\top$):

     $$
     \nabla^2_{yx} g + \nabla^2_{yy} g \; \frac{\mathrm{d} y^*}{\mathrm{d} x} = 0
     \quad\Longrightarrow\quad
     \frac{\mathrm{d} y^*}{\mathrm{d} x} = -\big[\nabla^2_{yy} g\big]^{-1} \nabla^2_{yx} g. \tag{2.3}
     $$

     $\nabla^2_{yy} g$ is invertible because $g$ is strongly convex in $y$. Then, by the
     chain rule on $\Phi(x) = f(x, y^*(x))$,

     $$
     \nabla\Phi(x) = \nabla_x f + \Big(\frac{\mathrm{d} y^*}{\mathrm{d} x}\Big)^{\!\top} \nabla_y f
     = \nabla_x f - \nabla^2_{xy} g \, \big[\nabla^2_{yy} g\big]^{-1} \nabla_y f. \tag{2.4}
     $$

     Never form the inverse: solve one linear system $H v = \nabla_y f$ with
     $H = \nabla^2_{yy} g$, using only Hessian-vector products, and finish with one mixed
     product, $\nabla\Phi \approx \nabla_x f - \nabla^2_{xy} g \, v$. That is **AID**
     ([Pedregosa 2016](references.md#pedregosa-2016)). It needs $y^*(x)$; in practice we
     have only an approximation, and the solve is approximate too —
     [Chapters 3](03-ConjugateGradientVsNeumann.md) and [4](04-WarmStarts.md) are about
     those two errors. The library's AID is these three lines — the right-hand side,
     the solve, the mixed product — around the counting:
     */
    // weave: include aidHypergradient
    /*:
     For ridge, $\nabla_y f = Z_{\mathrm{val}}^\top (Z_{\mathrm{val}} y^* - t_{\mathrm{val}})$,
     $\nabla_x f = 0$ and $\partial^2 g / \partial x \, \partial y = e^x y$, so

     $$
     \frac{\mathrm{d}\Phi}{\mathrm{d}x} = -e^x \, {y^*}^\top \big(Z^\top Z + e^x I\big)^{-1} Z_{\mathrm{val}}^\top \big(Z_{\mathrm{val}} y^* - t_{\mathrm{val}}\big), \tag{2.5}
     $$

     the closed form the library computes with a dense Cholesky factorization
     (`exactHypergradients`) and that every estimate below is compared with.

     ## 3. The landscape

     Over a grid of $x$, the validation loss and its hypergradient by AID with conjugate
     gradient (solved to a relative residual of 1e-12) at the exact $y^*$:
     */
    let exactSolve = HessianSolver.conjugateGradient(.tolerance(relativeResidual: 1e-12, maxIterations: 10 * features))

    /// dΦ/dx by AID-CG at the exact lower-level solution y*(x).
    func hypergradient(at theta: Double) throws -> Double {
        try aidHypergradient(oracles, objective: 0, x: [theta], y: ridge.lowerSolution(x: [theta]), solver: exactSolve)
            .gradient[0]
    }

    // weave: begin-hide
    /// One grid point: Φ(x), its hypergradient by AID-CG and by the closed form.
    struct LandscapePoint {
        let theta: Double
        let phi: Double
        let dphi: Double
        let exact: Double
        var relativeError: Double { abs(dphi - exact) / max(abs(exact), 1e-12) }
    }
    // weave: end

    let thetas = (0..<gridCount).map { (i: Int) -> Double in -6 + 12 * Double(i) / Double(gridCount - 1) }
    let landscape = try thetas.map { theta in
        LandscapePoint(
            theta: theta, phi: ridge.reducedValues(x: [theta])[0], dphi: try hypergradient(at: theta),
            exact: ridge.exactHypergradients(x: [theta])[0][0])
    }
    let worstLandscapeError = landscape.map(\.relativeError).max()!

    section("3. The validation loss over x = log θ")  // weave: hide
    // weave: begin-hide
    var landscapeSample = Table(
        "landscape_sample",
        [
            .init("x", format: .fixed(2)),
            .init("theta", "θ = e^x", format: .scientific(2)),
            .init("phi", "Φ(x)", format: .fixed(4)),
            .init("dphi", "dΦ/dx (AID-CG)", format: .scientific(4)),
            .init("exact", "closed form", format: .scientific(4)),
            .init("relative_error", "relative error", format: .scientific(2)),
        ])
    // weave: end
    // weave: begin-hide
    for point in stride(from: 0, to: landscape.count, by: max(1, landscape.count / 10)).map({ landscape[$0] }) {
        landscapeSample.append([
            "x": point.theta, "theta": exp(point.theta), "phi": point.phi, "dphi": point.dphi,
            "exact": point.exact, "relative_error": point.relativeError,
        ])
    }
    // weave: end
    show(landscapeSample)
    say("largest relative error of AID-CG over all \(gridCount) grid points: \(sci(worstLandscapeError))")

    /*:
     AID agrees with the closed form (2.5) to 1.77e-11 at worst over the 61 grid points,
     and to about 1e-15 on most of them. Where the hypergradient changes sign, $\Phi$ has
     its minimum. Between the two grid points that bracket the sign change we bisect on
     the sign of $\mathrm{d}\Phi/\mathrm{d}x$ (the library's `bisect` halves the bracket
     down to the last bit) and take the midpoint of the final bracket; if the sign never
     changed, $\Phi$ would be smallest at an edge of the grid.
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
    // weave: begin-hide
    if signChange != nil {
        say(
            "minimum (bisection on the sign of the hypergradient): x* = \(fixed(thetaStar, 6)), "
                + "θ* = \(fixed(exp(thetaStar), 4)), Φ(x*) = \(fixed(phiStar, 6))")
    } else {
        say("the hypergradient never changes sign on the grid: Φ is smallest at its edge, x = \(fixed(thetaStar, 2))")
        say(
            "(Φ = \(fixed(phiStar, 6))); there is no interior minimum for these data, and below x* stands for that edge"
        )
    }
    // weave: end

    /*:
     The minimum sits at $x^* = 1.800392$, a penalty $\theta^* = 6.0520$: Figure 2.1 shows
     the hypergradient as what it is, the slope of $\Phi$.
     */
    // weave: begin-hide
    func ridgeFigure() throws -> Figure {
        let step = max(1, landscape.count / 6)
        var tangents: [[Double]] = []
        for point in stride(from: step / 2, to: landscape.count, by: step).map({ landscape[$0] }) {
            for dt in [-0.6, 0.6] { tangents.append([point.theta + dt, point.phi + point.dphi * dt]) }
            tangents.append([])
        }
        let curve = try DataBlock("landscape", landscape, ["x": \.theta, "phi": \.phi, "dphi": \.dphi])
        let slopes = try DataBlock("tangents", columns: ["x", "phi"], rows: tangents)
        let minimum = try DataBlock("minimum", columns: ["x", "phi"], rows: [[thetaStar, phiStar]])
        return try Figure.curves(
            "ch02-ridge", title: "Ridge tuning: validation loss and its hypergradient",
            x: "x = log θ", y: "Φ(x) = ½‖Z_{val} y*(x) − t_{val}‖²", key: "top center",
            comment: "Chapter 2 — Bilevel problems and hypergradients: the validation loss of ridge tuning.",
            against: "x",
            [
                .truth("phi", "Φ(x)", .lines, data: curve),
                Curve("phi", "slope dΦ/dx from AID", .lines, data: slopes, lineWidth: 2.5),
                Curve("phi", "x*: dΦ/dx = 0", .points, data: minimum, pointSize: 1.6),
            ])
    }
    show(
        try ridgeFigure(),
        caption: """
            The validation loss Φ(x) of ridge tuning over x = log θ, with short segments of slope \
            dΦ/dx from AID at six points: each lies along the curve, because the hypergradient is the \
            slope. Φ is smallest where the slope vanishes, at x* (the orange square); left of it more penalty \
            helps, right of it hurts.
            """)
    // weave: end

    /*:
     ## 4. The three-way check

     A hypergradient routine can be wrong in ways that still "train". So at a few points
     we compare, side by side:

     - the **closed form** (2.5) (dense Cholesky);
     - **central finite differences**
       $\big(\Phi(x + h_{\mathrm{fd}}) - \Phi(x - h_{\mathrm{fd}})\big) / 2h_{\mathrm{fd}}$ with
       $h_{\mathrm{fd}} = 10^{-5}$, each $\Phi$ with the inner problem solved by gradient
       descent until $\|\nabla_y g\|$ has fallen by a factor $10^{-12}$ — no hypergradient
       code involved at all;
     - AID with **CG**, AID with a **Neumann series** ($\eta = 1/L$), both to a relative
       residual of $10^{-10}$, and **ITD** through $D = \lceil 40\kappa \rceil$ inner steps
       (next section), $\kappa = L/\mu$.

     Finite differences carry an $O(h_{\mathrm{fd}}^2)$ truncation error and an
     $O(\epsilon_{\mathrm{mach}} |\Phi| / h_{\mathrm{fd}})$ rounding error, so they can confirm
     a hypergradient only to about $10^{-9}$ or $10^{-10}$ relative here (Exercise 2).
     */
    // weave: begin-hide
    let h = 1e-5

    /// Φ(x) with the inner problem solved by gradient descent (step 1/L) from y = 0 until
    /// ‖∇_y g‖ has fallen by a factor 1e-12: no hypergradient code involved.
    func phiByGradientDescent(_ theta: Double) throws -> Double {
        let zero = Vector(repeating: 0, count: features)
        let start = norm(ridge.lowerGradientY(x: [theta], y: zero))
        let inner = try solveLowerLevel(
            oracles, x: [theta], start: zero, stepSize: 1 / ridge.curvature(x: [theta]).L,
            tolerance: 1e-12 * start, maxSteps: 200_000)
        return ridge.upperValues(x: [theta], y: inner.y)[0]
    }
    // weave: end

    // weave: begin-hide
    var checks = Table(
        "checks",
        [
            .init("x", format: .fixed(3)),
            .init("kappa", "κ = L/μ", format: .fixed(1)),
            .init("exact", "closed form", format: .scientific(6)),
            .init("fd", "FD error", format: .scientific(2)),
            .init("aid_cg", "AID-CG error", format: .scientific(2)),
            .init("aid_neumann", "AID-Neumann error", format: .scientific(2)),
            .init("itd", "ITD error", format: .scientific(2)),
            .init("itd_steps", "ITD steps D", format: .integer),
        ])
    let tight = StoppingRule.tolerance(relativeResidual: 1e-10, maxIterations: 1_000_000)
    // weave: end
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
        // weave: begin-hide
        func relativeError(_ value: Double) -> Double { abs(value - exact) / abs(exact) }
        checks.append([
            "x": theta, "kappa": L / mu, "exact": exact, "fd": relativeError(finiteDifference),
            "aid_cg": relativeError(cg), "aid_neumann": relativeError(neumann), "itd": relativeError(itd),
            "itd_steps": Double(itdSteps),
        ])
        // weave: end
    }

    section("4. Three-way check: closed form, finite differences, AID, ITD")  // weave: hide
    // weave: begin-hide
    show(checks)
    let hypergradientScale = landscape.map { abs($0.exact) }.max()!
    say("(errors relative to |dΦ/dx|)")
    say(
        "at x* = \(fixed(thetaStar, 3)) the hypergradient is \(sci(hypergradientAtStar)), "
            + "\(sci(abs(hypergradientAtStar) / hypergradientScale)) of its largest value on the grid")
    // weave: end

    /*:
     Every estimate agrees with the closed form: AID-CG to rounding (2.08e-15 at
     $x = -2$), AID-Neumann and finite differences to the $10^{-10}$ their stopping rules
     and step allow, and ITD — through 3843, 2310 and 611 steps — to about 1e-14. At the
     minimum the exact hypergradient is 2.12e-15 of its largest value on the grid: zero to
     rounding, as the bisection promised.
     */

    /*:
     ## 5. ITD: differentiating through the inner loop

     Instead of the implicit function theorem, run $D$ gradient steps from $y^{(0)} = 0$,

     $$
     y^{(j+1)} = y^{(j)} - \alpha \nabla_y g\big(x, y^{(j)}\big), \qquad \alpha = 1/L, \tag{2.6}
     $$

     and differentiate $y^{(D)}(x)$ exactly, by the chain rule through every step. With
     $H^{(j)} = \nabla^2_{yy} g(x, y^{(j)})$ and $C^{(j)} = \nabla^2_{xy} g(x, y^{(j)})$ the
     Jacobian $J^{(j)} = \partial y^{(j)} / \partial x$ obeys

     $$
     J^{(j+1)} = \big(I - \alpha H^{(j)}\big) J^{(j)} - \alpha \, {C^{(j)}}^\top, \qquad J^{(0)} = 0, \tag{2.7}
     $$

     and ITD returns $\nabla_x f + {J^{(D)}}^\top \nabla_y f$, computed backwards with one
     vector (reverse mode) ([Franceschi et al. 2017](references.md#franceschi-et-al-2017)).
     The library runs the $D$ steps once, stores them, and walks back through them:
     */
    // weave: include itdHypergradients
    /*:
     ITD is the *exact* gradient of an *approximate* objective $f(y^{(D)}(x))$. As $D$
     grows, $y^{(D)} \to y^*$ and $J^{(D)} \to \mathrm{d}y^* / \mathrm{d}x$, so ITD tends to the
     true hypergradient at essentially the inner loop's rate: its error behaves like
     $c \, D \, (1 - \mu/L)^D$, the extra factor $D$ because $J^{(D)}$ sums $D$ terms
     (Exercise 5). AID evaluated at the same $y^{(D)}$ (an exact solve, but at the wrong
     point) converges at that rate too. ITD's price is memory: it stores all $D$ iterates.
     We look at $x_0 = 0$ ($\theta = 1$), where the hypergradient is far from zero, for
     about 40 values of $D$ up to $\lceil 30\kappa \rceil$.
     */
    let theta0 = [0.0]
    let exactAtTheta0 = ridge.exactHypergradients(x: theta0)[0][0]
    let (mu0, L0) = ridge.curvature(x: theta0)
    let kappa0 = L0 / mu0

    // weave: begin-hide
    /// The relative errors at x₀ after D inner steps. Errors below 1e-17 are zero to
    /// rounding; they are floored there so that the log axis can show them.
    struct UnrolledErrors {
        let D: Int
        let itd: Double
        let aid: Double
        /// (1 − μ/L)^D, the inner loop's rate.
        let rate: Double
    }
    // weave: end

    //: For each $D$, ITD through $D$ steps and AID (exact solve) at the same $y^{(D)}$, against the truth:
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

    section("5. ITD and AID at y^(D), as the number of inner steps D grows (x₀ = 0)")  // weave: hide
    // weave: begin-hide
    var unrolledSample = Table(
        "itd_sample",
        [
            .init("D", format: .integer),
            .init("itd", "ITD rel. error", format: .scientific(2)),
            .init("aid", "AID at y^(D) rel. error", format: .scientific(2)),
            .init("rate", "(1 − μ/L)^D", format: .scientific(2)),
        ])
    // weave: end
    // weave: begin-hide
    for errors in stride(from: 0, to: unrolled.count - 1, by: 6).map({ unrolled[$0] }) + [unrolled.last!] {
        unrolledSample.append(["D": Double(errors.D), "itd": errors.itd, "aid": errors.aid, "rate": errors.rate])
    }
    // weave: end
    show(unrolledSample)

    // weave: begin-hide
    /// The measured decay per inner step, fitted where the errors are between 1e-10 and 1e-2.
    func decay(_ error: KeyPath<UnrolledErrors, Double>) -> Double? {
        let points = unrolled.filter { $0[keyPath: error] > 1e-10 && $0[keyPath: error] < 1e-2 }
        guard points.count >= 2 else { return nil }
        return exp(leastSquaresSlope(points.map { (Double($0.D), log($0[keyPath: error])) }))
    }

    say("κ = L/μ = \(fixed(kappa0, 1)) at x₀; the inner loop contracts by 1 − μ/L = \(fixed(1 - mu0 / L0, 5)) per step")
    if let aidRate = decay(\.aid), let itdRate = decay(\.itd) {
        say(
            "measured decay per step (errors between 1e-10 and 1e-2): AID at y^(D) \(fixed(aidRate, 5)), ITD \(fixed(itdRate, 5))"
        )
        say("ratio ITD/AID per step: \(fixed(itdRate / aidRate, 5))")
    } else {
        say("the errors fall through 1e-2 … 1e-10 too fast to fit a rate")
    }
    // weave: end

    /*:
     The inner loop contracts by $1 - \mu/L = 0.98268$ per step ($\kappa = 57.7$), and AID
     at $y^{(D)}$ decays at 0.98265 per step — the inner loop's rate, to four digits. ITD
     decays at 0.98373: slower by a factor 1.00110 per step, the slow growth of the factor
     $D$ in $c\,D\,(1 - \mu/L)^D$. Figure 2.2 shows the three side by side.
     */
    // weave: begin-hide
    func itdFigure() throws -> Figure {
        let itd = try DataBlock("itd", unrolled, ["D": { Double($0.D) }, "itd": \.itd, "aid": \.aid, "rate": \.rate])
        var figure = try Figure.curves(
            "ch02-itd", title: "ITD converges to the hypergradient as D grows (x = 0, κ = \(fixed(kappa0, 1)))",
            x: "inner steps D", y: "relative error of dΦ/dx", log: .y, key: "bottom left",
            comment: "Chapter 2 — Bilevel problems and hypergradients: ITD and AID errors at x = 0 against D.",
            data: itd, against: "D",
            [
                Curve("itd", "ITD through D steps"), Curve("aid", "AID at y^{(D)} (exact solve)"),
                .reference("rate", "rate (1 − μ/L)^{D}"),
            ])
        figure.keySpacing = 1.5
        return figure
    }
    show(
        try itdFigure(),
        caption: """
            Relative error of the hypergradient at x = 0 against the number of inner steps D, on a \
            log scale: ITD (circles), AID with an exact solve at the D-th iterate (squares), and the \
            inner loop's rate (1 − μ/L)^D (dashed). All three are straight lines — geometric \
            convergence — and AID follows the rate exactly; ITD's line is a little flatter (its \
            factor D) and sits above, ending near 1e-12 at D = 1733.
            """)
    // weave: end

    /*:
     ## 6. A hyperparameter per feature

     Nothing in AID cares that $x$ is a scalar. With one penalty per weight,
     $\tfrac12 \sum_i e^{x_i} y_i^2$, the hypergradient is a vector in $\mathbb{R}^p$,

     $$
     \nabla\Phi(x) = -\operatorname{diag}\big(e^x \odot y^*\big) \big(Z^\top Z + \operatorname{diag}(e^x)\big)^{-1} Z_{\mathrm{val}}^\top \big(Z_{\mathrm{val}} y^* - t_{\mathrm{val}}\big), \tag{2.8}
     $$

     and one AID call — one linear solve and one mixed product — still computes all $p$
     components, whereas finite differences would need $2p$ inner solves. We check it at a
     random $x$ around $x^*$ (each $x_i = x^* + 0.5\,\xi_i$ with $\xi_i$ standard normal),
     against the closed form and against finite differences of each component.
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
    //: and the largest disagreement of AID with a central difference in any one component:
    let worstComponent = (0..<features).map { j in
        var plus = thetaVector, minus = thetaVector
        plus[j] += h
        minus[j] -= h
        let fd = (perFeature.reducedValues(x: plus)[0] - perFeature.reducedValues(x: minus)[0]) / (2 * h)
        return abs(fd - aidVector.gradient[j]) / norm(exactVector)
    }.max()!

    section("6. Per-feature penalties: p = \(features) hyperparameters")  // weave: hide
    // weave: begin-hide
    var perFeatureCheck = Table(
        "per_feature",
        [
            .init("d", "p", format: .integer),
            .init("aid_error", "‖AID − closed form‖/‖closed form‖", format: .scientific(2)),
            .init("fd_error", "max |FD − AID|/‖∇Φ‖", format: .scientific(2)),
            .init("hessian_vector", "AID ∇²g·v", format: .integer),
            .init("mixed", "AID mixed", format: .integer),
            .init("fd_solves", "FD inner solves", format: .integer),
        ])
    // weave: end
    // weave: begin-hide
    perFeatureCheck.append([
        "d": Double(features), "aid_error": norm(aidVector.gradient - exactVector) / norm(exactVector),
        "fd_error": worstComponent, "hessian_vector": Double(aidCounts.hessianVector),
        "mixed": Double(aidCounts.mixedVector), "fd_solves": Double(2 * features),
    ])
    // weave: end
    show(perFeatureCheck)

    /*:
     One AID call, with 33 Hessian-vector products and a single mixed product, gives all
     30 components to 6.11e-15 of the closed form (2.8); finite differences, at 60 inner
     solves, agree to 5.08e-10.
     */

    /*:
     ## 7. What each estimate costs

     The course counts oracle calls rather than seconds: they are the same on every
     machine, and they are what the complexity results of the papers count. At $x_0 = 0$:
     AID from the exact $y^*$ with CG and with a Neumann series (both to a relative
     residual of $10^{-8}$), and ITD through $D = \lceil 10\kappa \rceil$ steps:
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

    section("7. Oracle calls per hypergradient at x₀ = 0")  // weave: hide
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
    // weave: begin-hide
    for (i, estimate) in estimates.enumerated() {
        costs.append([
            "estimator": Double(i), "gradients": Double(estimate.counts.lowerGradient),
            "hessian_vector": Double(estimate.counts.hessianVector), "mixed": Double(estimate.counts.mixedVector),
            "upper_gradients": Double(estimate.counts.upperGradient), "vectors": Double(estimate.peakVectors),
            "error": abs(estimate.gradient[0] - exactAtTheta0) / abs(exactAtTheta0),
        ])
    }
    // weave: end
    show(costs)
    say("(AID's cost excludes the inner solve that produced y*; ITD's includes its D inner steps.)")

    /*:
     The table is the chapter's punchline. ITD through $D = 578$ steps holds 581 vectors
     and still misses the hypergradient by 2.06e-04, while AID-CG, from the same $y^*$ that
     ITD is chasing, needs 33 Hessian-vector products and 6 vectors for 5.18e-12. A Neumann
     series reaches 8.21e-09 with 1015 products: the same solve, paid at rate $\kappa$
     instead of $\sqrt\kappa$ — the subject of [Chapter 3](03-ConjugateGradientVsNeumann.md).
     The comparison is fair only with its fine print: AID's count leaves out the inner
     solve that produced $y^*$, and [Chapter 4](04-WarmStarts.md) is about paying for that
     solve once rather than at every outer step.
     */

    save(tables: [landscapeSample, checks, unrolledSample, perFeatureCheck, costs], flags: flags.common)  // weave: hide

    /*:
     ## Summary

     - The hypergradient of $\Phi(x) = f(x, y^*(x))$ is
       $\nabla_x f - \nabla^2_{xy} g \, [\nabla^2_{yy} g]^{-1} \nabla_y f$ (2.4), from
       differentiating the optimality condition $\nabla_y g = 0$.
     - AID computes it with one linear solve (Hessian-vector products only) and one mixed
       product; ITD differentiates through $D$ inner steps and stores them.
     - Both converge to the truth: ITD like $D (1 - \mu/L)^D$ in the unrolled steps, AID
       with the accuracy of $y$ and of the linear solve.
     - Check every hypergradient three ways: closed form, finite differences, and ITD
       against AID. Count oracle calls, not seconds: at equal footing AID-CG is five
       orders of magnitude more accurate than ITD for a sixth of the calls and a hundredth
       of the memory.

     ## Exercises

     1. *(run)* Run with `--noise 0`. The chapter reports that the hypergradient never
        changes sign. Which sign does it keep, where is $\Phi$ smallest, and why does
        noiseless data make regularization useless here?
     2. *(run)* In Section 4 the finite-difference error is about 1e-10. Change
        $h_{\mathrm{fd}}$ (`h` in the source) to 1e-3 and to 1e-8 and explain the two errors
        you see.
     3. *(run)* Section 5: how many inner steps does ITD need for a relative error of 1e-6
        at $x_0 = 0$? Compare with $\log(10^{-6}) / \log(1 - \mu/L)$ using the $\kappa$ the
        chapter prints.
     4. *(run)* With `--features 100 --samples 40` the training problem is
        under-determined. What happens to $\kappa$ at small $\theta$, and to the ITD steps
        the chapter chooses?
     5. *(derive)* For a quadratic lower level ($H$ and $C = \nabla^2_{xy} g$ constant),
        show from (2.7) that $J^{(D)} - J^* = (I - \alpha H)^D (J^{(0)} - J^*)$ with
        $J^* = -H^{-1} C^\top$, so the Jacobian converges at the rate $(1 - \mu/L)^D$. Then
        write ITD's error as the sum of a Jacobian term and a term from
        $\nabla_y f(y^{(D)}) - \nabla_y f(y^*)$, and explain where a factor $D$ appears when
        $H^{(j)}$ depends on $y^{(j)}$ — or, for ridge, on nothing at all.
     6. *(implement)* Write your own AID for ridge tuning from (2.4) with a dense solve:
        build $H = Z^\top Z + e^x I$ and $b = \nabla_y f$ from the problem's data
        (`RidgeTuning.X`, `.t`, `.validationX`, `.validationT`), solve $H v = b$ with the
        library's `solveLinearSystem`, return $-e^x \langle y^*, v \rangle$, and check it
        against `aidHypergradient` and `exactHypergradients` at a few $x$.

     Worked solutions: [solutions/02.md](solutions/02.md).

     ## Further reading

     - AID with an approximate solve, and how accurate the solve must be:
       [Pedregosa 2016](references.md#pedregosa-2016).
     - ITD by reverse- and forward-mode differentiation through the inner loop:
       [Franceschi et al. 2017](references.md#franceschi-et-al-2017); the bilevel view of
       hyperparameter optimization and meta-learning:
       [Franceschi et al. 2018](references.md#franceschi-et-al-2018).
     - The iteration complexity of AID and ITD compared, and why ITD's error carries the
       factor $D$: [Grazzi et al. 2020](references.md#grazzi-et-al-2020);
       [Ji, Yang & Liang 2021](references.md#ji-yang--liang-2021).
     - Neumann-series hypergradients at scale:
       [Lorraine, Vicol & Duvenaud 2020](references.md#lorraine-vicol--duvenaud-2020).
     */
} catch { fail("\(error)") }  // weave: hide
