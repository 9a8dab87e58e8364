/*:
 # Chapter 3 — Inverting the Hessian: conjugate gradient vs Neumann series

 [Chapter 2](02-Hypergradients.md) reduced every hypergradient to one linear system,
 $H v = \nabla_y f_s$, with $H = \nabla^2_{yy} g$ available only through Hessian-vector
 products. WC-MHGD ([Zhang et al. 2025](references.md#zhang-et-al-2025)) offers two ways
 to solve it, and this chapter races them:

 - **conjugate gradient (CG)**, which needs $O(\sqrt\kappa \log(1/\varepsilon))$ products
   to reach a relative error $\varepsilon$;
 - the **Neumann series**, which needs $O(\kappa \log(1/\varepsilon))$ — but is a plain
   fixed-step recursion, easy to run on mini-batches.

 We measure both rates on matrices of known condition number $\kappa$ and find out why CG
 does better than its bound; we watch the solve's error become hypergradient error, see
 what a too-large Neumann step does (and how the library catches it), and test the
 stochastic Neumann estimator, on which stochastic WC-MHGD
 ([Chapter 6](06-StochasticWCMHGD.md)) builds, for bias. Symbols follow the course's
 [notation](notation.md): the system is $A v = b$ with $A$ symmetric positive definite,
 $j$ counts CG iterations and Neumann terms, and $e$ is an error.

 Run it with `swift run -c release ch03` (or `make chapter N=3`); `--help` lists the
 flags. It writes `figures/ch03-cg-vs-neumann.gp`, `figures/ch03-convergence.gp` and
 `figures/ch03-hypergradient.gp`, which `make figures` renders, and the tables no figure
 plots to `figures/ch03-tables.dat`.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter03Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    // weave: begin-hide
    let p = flags.size ?? (flags.common.quick ? 50 : 200)
    let kappaMax = flags.maxKappa ?? (flags.common.quick ? 1000 : 10_000)
    let repetitions = flags.repetitions ?? (flags.common.quick ? 400 : 4000)
    let kappas = (1...Int(log10(kappaMax).rounded())).map { pow(10, Double($0)) }
    let target = flags.target
    say("Chapter 3 — Inverting the Hessian: conjugate gradient vs Neumann series")
    say(
        "seed \(flags.common.seed), p = \(p), κ ∈ \(kappas.map { "\(Int($0))" }.joined(separator: ", ")), "
            + "target error \(sci(target)), \(repetitions) repetitions")
    // weave: end

    /*:
     ## 1. Test matrices with a chosen condition number

     Every test matrix is

     $$
     A = U \operatorname{diag}(\operatorname{eig}_1, \dots, \operatorname{eig}_p)\, U^\top,
     \qquad \operatorname{eig}_i = \kappa^{(i-1)/(p-1)}, \tag{3.1}
     $$

     with $U$ a seeded random orthogonal matrix. The eigenvalues are log-spaced in
     $[1, \kappa]$, so $\mu = \operatorname{eig}_{\min} = 1$, $L = \operatorname{eig}_{\max} = \kappa$,
     and the condition number is exactly $\kappa$. Every $\kappa$ shares the same $U$, so
     the matrices differ only in their spectrum. The right-hand side $b$ is Gaussian, the
     exact $v^* = A^{-1} b$ comes from a dense Cholesky solve, and we track the relative
     error $\|e^{(j)}\| / \|v^*\|$ of the iterate $v^{(j)}$, where $e^{(j)} = v^{(j)} - v^*$.
     */
    var rng = flags.common.generator()
    let u = rng.orthogonalMatrix(p)
    let b = rng.gaussianVector(p)

    /// A = U diag(eig) Uᵀ with eigenvalues log-spaced in [1, κ], (3.1): μ = 1, L = κ.
    func testMatrix(kappa: Double) -> Matrix {
        Matrix.symmetric(eigenvectors: u, eigenvalues: logSpaced(from: 1, to: kappa, count: p))
    }

    /*:
     ## 2. The two solvers and their bounds

     **CG** ([Hestenes & Stiefel 1952](references.md#hestenes--stiefel-1952)) builds
     search directions that are $A$-conjugate, so that each iterate $v^{(j)}$ is the best
     point of the Krylov space $\operatorname{span}\{b, Ab, \dots, A^{j-1} b\}$: it minimizes
     the error in the $A$-norm $\|e\|_A = \sqrt{e^\top A e}$ over that space. Writing
     $v^{(j)}$ as a polynomial in $A$ applied to $b$ turns this into

     $$
     \|e^{(j)}\|_A = \min_{P_j(0) = 1}\, \|P_j(A)\, e^{(0)}\|_A
     \;\le\; 2 \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^{j} \|e^{(0)}\|_A, \tag{3.2}
     $$

     the minimum over polynomials of degree $j$ with $P_j(0) = 1$; the bound is the value
     of one such polynomial, the shifted Chebyshev polynomial, which is small on the whole
     interval $[\mu, L]$ ([Shewchuk 1994](references.md#shewchuk-1994)). In the 2-norm
     ($\|e\| \le \|e\|_A / \sqrt\mu$, and $\|e^{(0)}\|_A \le \sqrt L\, \|e^{(0)}\|$ with
     $e^{(0)} = -v^*$ from $v^{(0)} = 0$) the relative error is at most
     $2\sqrt\kappa\,((\sqrt\kappa - 1)/(\sqrt\kappa + 1))^j$, which is below $\varepsilon$ once

     $$
     j \;\ge\; \frac{\ln(2\sqrt\kappa/\varepsilon)}{\ln\big((\sqrt\kappa + 1)/(\sqrt\kappa - 1)\big)}
     \;\approx\; \tfrac12 \sqrt\kappa\, \ln(2\sqrt\kappa/\varepsilon), \tag{3.3}
     $$

     since $\ln((\sqrt\kappa + 1)/(\sqrt\kappa - 1)) \approx 2/\sqrt\kappa$ for large $\kappa$.
     The library's CG is the textbook recursion. In its code `r` is the residual
     $b - Av$, `p` the search direction, `alpha` the step along it and `beta` the weight of
     the old direction in the new one; two guards are added: it stops with
     `NonPositiveCurvature` when $p^\top A p \le 0$ instead of returning a silent wrong
     answer, and it confirms convergence with the true residual, because the updated one
     drifts in floating point.
     */
    // weave: include conjugateGradient
    /*:
     **The Neumann series** expands the inverse as a geometric series,

     $$
     A^{-1} = \eta \sum_{j=0}^{\infty} (I - \eta A)^j, \tag{3.4}
     $$

     valid when every $|1 - \eta \operatorname{eig}_i| < 1$. After $j$ products the
     estimate holds the terms $0, \dots, j$, and its error is
     $e^{(j)} = -(I - \eta A)^{j+1} v^*$. With $\eta = 1/L$ every factor
     $1 - \operatorname{eig}_i/L$ lies in $[0, 1 - 1/\kappa]$, so

     $$
     \frac{\|e^{(j)}\|}{\|v^*\|} \le \Big(1 - \frac1\kappa\Big)^{j},
     \qquad\text{below } \varepsilon \text{ once }\;
     j \ge \frac{\ln(1/\varepsilon)}{-\ln(1 - 1/\kappa)} \approx \kappa \ln(1/\varepsilon). \tag{3.5}
     $$

     The library runs the recursion $p \leftarrow (I - \eta A)p$, accumulating the terms;
     the newest term is also the residual of the current estimate, so the stopping test
     costs nothing, and a term larger than the one before it proves that $\eta$ is too
     large (Section 5):
     */
    // weave: include neumannSeries
    /*:
     Each Neumann term costs one product and two vector updates, each CG step one product
     and a few dot products, so products are the fair unit of cost. The two bounds, as
     product counts:
     */
    /// Products CG needs by its bound (3.3).
    func cgBound(kappa: Double, epsilon: Double) -> Int {
        let r = kappa.squareRoot()
        return Int((log(2 * r / epsilon) / log((r + 1) / (r - 1))).rounded(.up))
    }
    /// Products the Neumann series needs with η = 1/L by its bound (3.5).
    func neumannBound(kappa: Double, epsilon: Double) -> Int {
        Int((log(1 / epsilon) / -log(1 - 1 / kappa)).rounded(.up))
    }

    /*:
     ## 3. The race

     For every $\kappa$ we run both solvers until the relative error reaches the target,
     and record the error after every product (an `ErrorCurve`, hidden here, does the
     bookkeeping and stops the solver at the target):
     */
    // weave: begin-hide
    /// The relative error ‖v⁽ʲ⁾ − v*‖ / ‖v*‖ of a solver's iterates as it observes them: the
    /// rows (κ, j, j / scale, error) of every `keepEvery`-th j and of the last, and the
    /// product count at which the error first reached the target (the solver stops there).
    final class ErrorCurve {
        let kappa: Double, exact: Vector, target: Double, scale: Double, keepEvery: Int
        var rows: [[Double]] = []
        var hit: Int?
        init(kappa: Double, exact: Vector, target: Double, scale: Double, keepEvery: Int = 1) {
            (self.kappa, self.exact, self.target, self.scale, self.keepEvery) = (kappa, exact, target, scale, keepEvery)
        }
        func record(_ j: Int, _ v: Vector) -> Bool {
            let error = norm(v - exact) / norm(exact)
            if error <= target { hit = j }
            if j % keepEvery == 0 || hit != nil { rows.append([kappa, Double(j), Double(j) / scale, error]) }
            return hit == nil
        }
    }

    /// One κ of the race: both error curves and the products each solver needed.
    struct Race {
        let kappa: Double
        let cg: ErrorCurve, neumann: ErrorCurve
        var cgProducts: Int { cg.hit! }
        var neumannProducts: Int { neumann.hit! }
        init(kappa: Double, cg: ErrorCurve, neumann: ErrorCurve) {
            guard cg.hit != nil, neumann.hit != nil else {
                let who = [cg.hit == nil ? "CG" : nil, neumann.hit == nil ? "Neumann" : nil].compactMap { $0 }
                fail(
                    "κ = \(Int(kappa)): \(who.joined(separator: " and ")) did not reach relative error \(sci(cg.target)); "
                        + "that is below the accuracy attainable in floating point for this κ — choose a larger --target"
                )
            }
            (self.kappa, self.cg, self.neumann) = (kappa, cg, neumann)
        }
    }
    // weave: end
    /// CG and the Neumann series with η = 1/L on A(κ), each until its error reaches the target.
    func race(kappa: Double) throws -> Race {
        let a = testMatrix(kappa: kappa)
        let exact = try Cholesky(a).solve(b)
        let cg = ErrorCurve(kappa: kappa, exact: exact, target: target, scale: kappa.squareRoot())
        let neumann = ErrorCurve(
            kappa: kappa, exact: exact, target: target, scale: kappa, keepEvery: max(1, Int(kappa) / 25))
        let budget = StoppingRule.tolerance(relativeResidual: 1e-15, maxIterations: 100 * Int(kappa) + 1000)
        _ = try conjugateGradient({ a.times($0) }, b, stop: budget, observe: cg.record)
        _ = try neumannSeries({ a.times($0) }, b, eta: 1 / kappa, stop: budget, observe: neumann.record)
        return Race(kappa: kappa, cg: cg, neumann: neumann)
    }
    let races = try kappas.map { try race(kappa: $0) }
    // weave: begin-hide
    var raceTable = Table(
        "race",
        [
            .init("kappa", "κ", format: .integer),
            .init("cg", "CG", format: .integer),
            .init("cg_bound", "CG bound", format: .integer),
            .init("neumann", "Neumann", format: .integer),
            .init("neumann_bound", "Neumann bound", format: .integer),
            .init("ratio", "Neumann / CG", format: .fixed(1)),
        ])
    for r in races {
        raceTable.append([
            "kappa": r.kappa, "cg": Double(r.cgProducts), "cg_bound": Double(cgBound(kappa: r.kappa, epsilon: target)),
            "neumann": Double(r.neumannProducts),
            "neumann_bound": Double(neumannBound(kappa: r.kappa, epsilon: target)),
            "ratio": Double(r.neumannProducts) / Double(r.cgProducts),
        ])
    }
    /// The least-squares slope of log(column) against log κ.
    func slope(_ column: String, in table: Table) -> Double {
        leastSquaresSlope(zip(table.column("kappa"), table.column(column)).map { (log($0), log($1)) })
    }
    let (cgSlope, neumannSlope) = (slope("cg", in: raceTable), slope("neumann", in: raceTable))
    let (cgBoundSlope, neumannBoundSlope) = (slope("cg_bound", in: raceTable), slope("neumann_bound", in: raceTable))
    func shareOfBound(_ measured: String, _ bound: String) -> String {
        let shares = zip(raceTable.column(measured), raceTable.column(bound)).map { 100 * $0 / $1 }
        return "\(fixed(shares.min()!, 0))–\(fixed(shares.max()!, 0)) %"
    }
    section("3. Products to reach relative error \(sci(target))")
    show(raceTable)
    say(
        "fitted slope of log(products) against log κ: CG \(fixed(cgSlope, 3)) (its bound \(fixed(cgBoundSlope, 3))), "
            + "Neumann \(fixed(neumannSlope, 3)) (its bound \(fixed(neumannBoundSlope, 3)))")
    say("measured / bound: CG \(shareOfBound("cg", "cg_bound")), Neumann \(shareOfBound("neumann", "neumann_bound"))")
    // weave: end

    /*:
     The Neumann series needs 86–89 % of its bound at every $\kappa$, and its count grows
     like $\kappa$: the fitted slope of $\log(\text{products})$ against $\log\kappa$ is
     1.001. (Its error is $(1 - 1/\kappa)^{j+1}$ times the slowest eigen-component of $v^*$,
     and that component is only part of $v^*$, hence the constant share.) CG needs 92 % of
     its bound at $\kappa = 10$ but only 45 % at $\kappa = 10^4$, and its slope is 0.430:
     below the ½ of the √κ rate, and further below the 0.533 of the bound itself over this
     range. At $\kappa = 10^4$ the Neumann series spends 275.8 times CG's products.
     */
    // weave: begin-hide
    func scalingFigure() throws -> Figure {
        let grid = logSpaced(from: kappas.first!, to: kappas.last!, count: 40)
        let measured = try DataBlock(
            "iterations", Array(raceTable.rows.indices),
            ["kappa", "cg", "neumann"].map { c in (c, { raceTable.value($0, c) }) })
        let bounds = try DataBlock(
            "theory", grid,
            [
                "kappa": { $0 }, "cg": { Double(cgBound(kappa: $0, epsilon: target)) },
                "neumann": { Double(neumannBound(kappa: $0, epsilon: target)) },
            ])
        return try Figure.curves(
            "ch03-cg-vs-neumann", title: "Products to reach relative error \(sci(target, 0)) against κ (p = \(p))",
            x: "condition number κ", y: "Hessian-vector products", log: .both, key: "top left",
            comment: "Chapter 3 — CG vs Neumann: products to reach the target error against κ, with the bounds.",
            against: "kappa",
            [
                Curve("cg", "CG, measured: fitted slope \(fixed(cgSlope, 2))", data: measured, pointSize: 1.3),
                Curve(
                    "cg", "CG bound (3.3): slope \(fixed(cgBoundSlope, 2))", .lines, data: bounds, pairedWith: 0),
                Curve(
                    "neumann", "Neumann, measured: fitted slope \(fixed(neumannSlope, 2))", data: measured,
                    pointSize: 1.3),
                Curve(
                    "neumann", "Neumann bound (3.5): slope \(fixed(neumannBoundSlope, 2))", .lines, data: bounds,
                    pairedWith: 2),
            ])
    }
    show(
        try scalingFigure(),
        caption: """
            Hessian-vector products to reach relative error 1e-6 against the condition number \
            $\\kappa$, on log-log axes, with the bounds (3.3) and (3.5) dashed. Note the fitted \
            slopes in the key: the Neumann series follows its bound at slope 1.00, while CG's \
            slope, 0.43, is below ½ and its points fall ever further below its bound as $\\kappa$ \
            grows.
            """)
    // weave: end

    /*:
     ### Why CG beats its bound

     The bound (3.2) is the value of one polynomial that is small on the *whole*
     interval $[\mu, L]$; CG finds the best polynomial for the eigenvalues $A$ actually
     has. Log-spaced eigenvalues leave most of the interval empty: with $p = 200$ the top
     decade $[\kappa/10, \kappa]$, nine tenths of the interval, holds only
     $p / \log_{10}\kappa$ of them (50 at $\kappa = 10^4$), each 4.74 % from the next. A
     polynomial that must be small only at those isolated points can be much smaller there
     than the Chebyshev polynomial, and CG finds it. If that is the reason, filling the
     interval with more eigenvalues should bring the slope back to ½. CG's iterates depend only on the
     eigenvalues and on the components of $b$ along the eigenvectors, so we can run it on
     $\operatorname{diag}(\operatorname{eig})$ directly, for $p$ far beyond what a dense
     matrix allows, with $U^\top b$ for $p = 200$ (the race's own system) and a fresh
     Gaussian $b$ for $5p$ and $25p$:
     */
    /// Products CG needs on diag(eig), eigenvalues log-spaced in [1, κ], for right-hand side b.
    func cgOnSpectrum(kappa: Double, b: Vector) throws -> Int {
        let eig = logSpaced(from: 1, to: kappa, count: b.count)
        let curve = ErrorCurve(kappa: kappa, exact: zip(b, eig).map { $0 / $1 }, target: target, scale: 1)
        _ = try conjugateGradient(
            { hadamard(eig, $0) }, b, stop: .tolerance(relativeResidual: 1e-15, maxIterations: 10 * b.count),
            observe: curve.record)
        return curve.hit ?? 10 * b.count
    }
    let sizes = [p, 5 * p, 25 * p]
    var spectrumRNG = SeededGenerator(seed: flags.common.seed &+ 3)  // its own stream: later sections draw as before
    let rightHandSides = [u.transposeTimes(b), spectrumRNG.gaussianVector(5 * p), spectrumRNG.gaussianVector(25 * p)]
    let spectrumCounts = try kappas.map { kappa in try rightHandSides.map { try cgOnSpectrum(kappa: kappa, b: $0) } }
    // weave: begin-hide
    var spectrumTable = Table(
        "cg_spectrum",
        [Table.Column("kappa", "κ", format: .integer)]
            + sizes.indices.map { Table.Column("p\($0)", "p = \(sizes[$0])", format: .integer) }
            + [Table.Column("bound", "bound (3.3)", format: .integer)])
    for (kappa, counts) in zip(kappas, spectrumCounts) {
        let cells: [(String, Double?)] =
            [("kappa", kappa)] + counts.enumerated().map { ("p\($0.offset)", Double($0.element)) }
            + [("bound", Double(cgBound(kappa: kappa, epsilon: target)))]
        spectrumTable.append(cells)
    }
    let spectrumSlopes = sizes.indices.map { slope("p\($0)", in: spectrumTable) }
    section("CG alone on log-spaced spectra of p = \(sizes.map(String.init).joined(separator: ", ")) eigenvalues")
    show(spectrumTable)
    say(
        "fitted slope against log κ: "
            + sizes.indices.map { "p = \(sizes[$0]): \(fixed(spectrumSlopes[$0], 3))" }.joined(separator: ", "))
    say(
        "neighbouring eigenvalues at κ = \(Int(kappas.last!)) are "
            + sizes.map { "\(fixed(100 * (pow(kappas.last!, 1 / Double($0 - 1)) - 1), 2)) %" }.joined(separator: ", ")
            + " apart")
    // weave: end

    /*:
     With 200 eigenvalues the slope is 0.429, as in the race (426 products at
     $\kappa = 10^4$ against the race's 429: the same iterates in exact arithmetic, rounded
     differently). With 1000 eigenvalues it is 0.488, and with 5000, 0.18 % apart, it is
     0.500, the ½ of the √κ rate. That rate is what CG guarantees on any spectrum in
     $[\mu, L]$; on a spectrum with gaps it does better, and a test matrix with few
     eigenvalues spread over four decades has gaps. (Over this range of $\kappa$ the bound's
     own slope is 0.533, steepened by its factor $\ln(2\sqrt\kappa/\varepsilon)$.)

     The error curves show the same thing. Scaling the products by the rate each bound
     predicts, $j/\sqrt\kappa$ for CG and $j/\kappa$ for the Neumann series, makes a curve's
     slope on a semilog plot its rate in those units:
     */
    // weave: begin-hide
    func convergenceFigure() throws -> Figure {
        let columns = ["kappa", "j", "scaled", "error"]
        let cg = try DataBlock("cg", columns: columns, groups: races.map(\.cg.rows))
        let neumann = try DataBlock("neumann", columns: columns, groups: races.map(\.neumann.rows))
        let grid = (0...60).map { 12 * Double($0) / 60 }
        let rates = try DataBlock(
            "rates", grid, ["scaled": { $0 }, "neumann": { exp(-$0) }, "cg": { exp(-2 * $0) }])
        var figure = try Figure.curves(
            "ch03-convergence",
            title: "Error against scaled products (p = \(p)): CG solid, Neumann (η = 1/L) dashed",
            x: "products j, scaled: j/√κ for CG, j/κ for Neumann", y: "relative error ‖e^{(j)}‖ / ‖v*‖",
            log: .y, key: "top right",
            comment: "Chapter 3 — CG vs Neumann: error against products scaled by each bound's rate.",
            against: "scaled",
            Curve.groups("error", data: cg, titles: races.map { "CG, κ = \(Int($0.kappa))" })
                + Curve.groups(
                    "error", data: neumann, titles: races.map { "Neumann, κ = \(Int($0.kappa))" },
                    pairedWithFirst: 0)
                + [
                    .reference("neumann", "Neumann bound e^{-j/κ}", data: rates),
                    Curve("cg", "CG bound's rate e^{-2j/√κ}", .lines, data: rates, color: "#777777", dash: 3),
                ], xRange: 0...12, yRange: target / 10...1.5)
        figure.keySpacing = 1.15  // room for the superscripts
        return figure
    }
    show(
        try convergenceFigure(),
        caption: """
            Relative error against products scaled by each method's rate, $j/\\sqrt\\kappa$ for CG \
            (solid) and $j/\\kappa$ for the Neumann series (dashed, the same colour per $\\kappa$), \
            on a semilog plot, where a geometric rate is a straight line. Note that the four \
            Neumann curves collapse onto one line just under their bound $e^{-j/\\kappa}$: whatever \
            $\\kappa$, $\\kappa$ products shrink the error by a factor $e$. The CG curves do not \
            collapse: the larger $\\kappa$, the faster CG falls in units of $\\sqrt\\kappa$, bending \
            down as it resolves the sparse top of the spectrum, while for $\\kappa = 10$ and 100 it \
            follows its bound's rate $e^{-2j/\\sqrt\\kappa}$.
            """)
    // weave: end

    /*:
     ## 4. From solve error to hypergradient error

     In AID the solve's output goes straight into the hypergradient,
     $\hat h_s = \nabla_x f_s - C v$ with $C = \nabla^2_{xy} g$ and $v \approx H^{-1}\nabla_y f_s$.
     With $v^*$ the exact solution,

     $$
     \|\hat h_s - \nabla\Phi_s\| = \|C (v - v^*)\| \le \|C\|\, \|v - v^*\|, \tag{3.6}
     $$

     so the hypergradient is as accurate as the solve, up to the size of the mixed
     derivative. A quadratic bilevel problem shows it: $n = 20$, $p$ as above,
     $\kappa = 1000$ (100 with `--quick`), and $y$ at the exact $y^*$. We record both sides
     of (3.6) after every product, until the hypergradient's relative error reaches 1e-8:
     */
    let hyperKappa = flags.common.quick ? 100.0 : 1000.0
    let quadratic = try QuadraticBilevel.random(n: 20, p: p, kappa: hyperKappa, using: &rng)
    let x0 = rng.gaussianVector(20)
    let yStar = quadratic.lowerSolution(x: x0)
    let gradient = quadratic.exactHypergradients(x: x0)[0]  // ∇Φ₁(x₀)
    let rhs = quadratic.upperGradientY(0, x: x0, y: yStar)  // ∇_y f₁
    let vStar = try Cholesky(quadratic.A).solve(rhs)
    let normC = try symmetricEigenvalues(quadratic.C.times(quadratic.C.transposed)).last!.squareRoot()
    /// Both sides of (3.6) for the AID hypergradient built from v, relative to ‖∇Φ‖.
    func hypergradientError(_ v: Vector) -> (error: Double, bound: Double) {
        var h = quadratic.upperGradientX(0, x: x0, y: yStar)
        axpy(-1, quadratic.C.times(v), &h)
        return (norm(h - gradient) / norm(gradient), normC * norm(v - vStar) / norm(gradient))
    }
    // weave: begin-hide
    /// A solver's hypergradient errors as it observes its iterates: rows (products, error,
    /// bound) from the first product on; stops the solver once the error reaches `goal`.
    final class HypergradientCurve {
        let measure: (Vector) -> (error: Double, bound: Double), goal: Double
        var rows: [[Double]] = []
        init(_ measure: @escaping (Vector) -> (error: Double, bound: Double), goal: Double) {
            (self.measure, self.goal) = (measure, goal)
        }
        func record(_ j: Int, _ v: Vector) -> Bool {
            let (error, bound) = measure(v)
            if j > 0 { rows.append([Double(j), error, bound]) }
            return error > goal
        }
        func error(after products: Int) -> Double? { rows.first { $0[0] == Double(products) }?[1] }
        var products: Int { Int(rows.last![0]) }
        var worstRatio: Double { rows.map { $0[2] > 0 ? $0[1] / $0[2] : 0 }.max()! }
    }
    // weave: end
    /*:
     Both solvers then run on $A v = \nabla_y f_1$ as in Section 3, each stopped by its
     `HypergradientCurve` (hidden, like `ErrorCurve`) once the error reaches 1e-8:
     */
    let cgHyper = HypergradientCurve(hypergradientError, goal: 1e-8)
    let neumannHyper = HypergradientCurve(hypergradientError, goal: 1e-8)
    let apply = { (v: Vector) in quadratic.A.times(v) }
    let limit = StoppingRule.tolerance(relativeResidual: 1e-15, maxIterations: 100 * Int(hyperKappa))
    _ = try conjugateGradient(apply, rhs, stop: limit, observe: cgHyper.record)
    _ = try neumannSeries(apply, rhs, eta: 1 / hyperKappa, stop: limit, observe: neumannHyper.record)
    // weave: begin-hide
    var hypergradientTable = Table(
        "hypergradient_at",
        [
            .init("products", format: .integer),
            .init("cg", "AID-CG error", format: .scientific(2), missing: "-"),
            .init("neumann", "AID-Neumann error", format: .scientific(2), missing: "-"),
        ])
    for k in [1, 10, 30, 100, 300, 1000, 3000, 10000] {
        let (cg, neumann) = (cgHyper.error(after: k), neumannHyper.error(after: k))
        if cg != nil || neumann != nil {
            hypergradientTable.append(["products": Double(k), "cg": cg, "neumann": neumann])
        }
    }
    section("4. Hypergradient error of AID vs Hessian-vector products (κ = \(Int(hyperKappa)))")
    show(hypergradientTable)
    say(
        "relative error 1e-8 reached by CG after \(cgHyper.products) products, by Neumann after \(neumannHyper.products)"
    )
    let worstRatio = max(cgHyper.worstRatio, neumannHyper.worstRatio)
    say("largest ‖ĥ − ∇Φ‖ / (‖C‖ ‖v − v*‖) over both runs: \(fixed(worstRatio, 4))")
    // weave: end

    /*:
     CG reaches a hypergradient accurate to 1e-8 after 207 products, the Neumann series
     after 15460, a factor 75 — the race of Section 3 again, now in the quantity an outer
     loop uses (the table shows the errors at a few counts; CG's column ends when it is
     done). The bound (3.6) holds with room to spare: the left side is at most 0.2954 of the
     right. $C$ is $20 \times 200$, so it sees at most a 20-dimensional part of the
     200-dimensional error $v - v^*$, and $\|C\|\,\|v - v^*\|$ charges the error as if all of
     it lay along $C$'s strongest direction.
     */
    // weave: begin-hide
    func hypergradientFigure() throws -> Figure {
        let thinned = logSpacedIndices(neumannHyper.rows.count, points: 240).map { neumannHyper.rows[$0] }
        let cg = try DataBlock("hypergradient_cg", columns: ["products", "error", "bound"], rows: cgHyper.rows)
        let neumann = try DataBlock("hypergradient_neumann", columns: ["products", "error", "bound"], rows: thinned)
        return try Figure.curves(
            "ch03-hypergradient",
            title: "AID hypergradient error against products (quadratic bilevel, κ = \(Int(hyperKappa)))",
            x: "Hessian-vector products j", y: "relative error ‖ĥ − ∇Φ‖ / ‖∇Φ‖", log: .both, key: "bottom left",
            comment: "Chapter 3 — CG vs Neumann: the solve's error becomes hypergradient error, under the bound (3.6).",
            against: "products",
            [
                Curve("error", "AID with CG: measured", .lines, data: cg),
                Curve("bound", "AID with CG: bound ‖C‖ ‖v − v*‖ / ‖∇Φ‖", .lines, data: cg, pairedWith: 0),
                Curve("error", "AID with Neumann, η = 1/L: measured", .lines, data: neumann),
                Curve("bound", "AID with Neumann: bound ‖C‖ ‖v − v*‖ / ‖∇Φ‖", .lines, data: neumann, pairedWith: 2),
            ], yRange: 1e-11...3)
    }
    show(
        try hypergradientFigure(),
        caption: """
            The AID hypergradient's relative error after each Hessian-vector product (solid), with \
            the bound (3.6) on it (dashed, same colour), on log-log axes because the two solvers \
            need counts 75 times apart. Note that each measured curve stays below its bound and \
            falls with it: the hypergradient error is the solve's error, seen through $C$, which \
            shows only part of it.
            """)
    // weave: end

    /*:
     ## 5. A step that is too large

     The Neumann series (3.4) converges only if every eigenvalue of $I - \eta A$ lies in
     $(-1, 1)$, that is $0 < \eta < 2/L$. Just below $2/L$ it still converges (the fastest
     component now oscillates, $1 - \eta L \approx -0.9$); above, that component *grows*
     like $|1 - \eta L|^j$. A silent implementation returns garbage; the library checks
     that every term is no larger than the one before — for symmetric $A$ a term can only
     grow if some $|1 - \eta\operatorname{eig}_i| > 1$ — and throws `NeumannDivergence` the
     moment one does. We solve the $\kappa = 100$ system of Section 3 to the target with
     $\eta L$ from 0.5 to 2.5 (`record`, hidden, adds a row to the table):
     */
    // weave: begin-hide
    enum StepOutcome: Int {
        case converged, notConverged, caught
        static let labels = ["converged", "not converged", "caught: diverges"]
    }
    var stepTable = Table(
        "neumann_steps",
        [
            .init("etaL", "η·L", format: .fixed(2)),
            .init("outcome", format: .label(StepOutcome.labels)),
            .init("products", format: .integer),
            .init("residual", "relative residual", format: .scientific(2), missing: "-"),
            .init("growth", "last term / the one before", format: .fixed(4), missing: "-"),
        ])
    func record(_ etaL: Double, _ result: LinearSolveResult) {
        stepTable.append([
            "etaL": etaL, "outcome": Double((result.converged ? StepOutcome.converged : .notConverged).rawValue),
            "products": Double(result.iterations), "residual": result.relativeResidual, "growth": nil,
        ])
    }
    func record(_ etaL: Double, _ divergence: NeumannDivergence) {
        stepTable.append([
            "etaL": etaL, "outcome": Double(StepOutcome.caught.rawValue), "products": Double(divergence.term),
            "residual": nil, "growth": divergence.growth,
        ])
    }
    // weave: end
    let a100 = testMatrix(kappa: 100)
    for etaL in [0.5, 1.0, 1.9, 2.05, 2.5] {
        do {
            let result = try neumannSeries(
                { a100.times($0) }, b, eta: etaL / 100,
                stop: .tolerance(relativeResidual: target, maxIterations: 50_000))
            record(etaL, result)
        } catch let divergence as NeumannDivergence {
            record(etaL, divergence)
        }
    }
    section("5. The Neumann step η, in units of 1/L (κ = 100)")  // weave: hide
    show(stepTable)

    /*:
     The steps $\eta L = 0.5, 1, 1.9$ converge, in 2248, 1121 and 587 products: the rate
     $1 - \eta\mu$ of the slowest component improves with $\eta$, and at $\eta L = 1.9$ the
     oscillating top component, $|1 - 1.9| = 0.9$ per product, is still faster than the
     slowest one. At $\eta L = 2.05$ the library throws after 20 terms, when a term has grown
     by the factor 1.0008, and at $\eta L = 2.5$ after 3. Detection lags because the growing
     component starts small; knowing $L$ and checking $\eta < 2/L$ up front is better still.

     ## 6. Stochastic Neumann

     When the lower level is a mean over $N$ samples, $g = \frac1N \sum_{i=1}^N g_i$, a product
     can use the Hessian of a mini-batch $\mathcal{B}$ of $B$ samples,
     $\hat H = \frac1B \sum_{i \in \mathcal{B}} \nabla^2_{yy} g_i$, with $\mathbb{E}[\hat H] = H$.
     Drawing an *independent* batch for every factor,

     $$
     \hat v = \eta \sum_{j=0}^{Q-1} (I - \eta \hat H_j)(I - \eta \hat H_{j-1}) \cdots (I - \eta \hat H_1)\, b,
     \qquad
     \mathbb{E}[\hat v] = \eta \sum_{j=0}^{Q-1} (I - \eta H)^j\, b, \tag{3.7}
     $$

     because the expectation of a product of independent factors is the product of their
     expectations: the estimator is unbiased for the deterministic $Q$-term series, and only
     its variance depends on $B$ ([Ji, Yang & Liang 2021](references.md#ji-yang--liang-2021)).
     CG has no such property: it needs one fixed matrix, so it solves $\hat H \hat v = b$
     for a single batch, and $\mathbb{E}[\hat H^{-1}] \ne H^{-1}$.

     Ridge tuning is such a lower level: $g_i(x, y) = \frac N2 (a_i^\top y - t_i)^2 +
     \frac\theta2 \|y\|^2$ with $\theta = e^x$, so $\nabla^2_{yy} g_i = N a_i a_i^\top + \theta I$.
     We take $N = 1000$ samples with $p = 20$ features, $x = 0$, $Q = 30$ terms and
     $\eta = 1/L$, and first compute the deterministic series and its truncation error
     against the exact hypergradient:
     */
    let ridge = try RidgeTuning.synthetic(samples: 1000, validation: 200, features: 20, noise: 1, using: &rng)
    let ridgeOracles = CountedOracles(ridge)
    let N = ridge.sampleCount
    let xRidge = [0.0]
    let yRidge = ridge.lowerSolution(x: xRidge)
    let theta = exp(xRidge[0])
    let sampleLMax = Double(N) * (0..<N).map { normSquared(ridge.X.row($0)) }.max()! + theta  // L_max
    let eta = flags.safeStep ? 1 / sampleLMax : 1 / ridge.curvature(x: xRidge).L
    let Q = 30
    let series = try aidHypergradient(
        ridgeOracles, objective: 0, x: xRidge, y: yRidge, solver: .neumann(eta: eta, .fixed(iterations: Q))
    ).gradient[0]
    let exactRidge = ridge.exactHypergradients(x: xRidge)[0][0]
    // weave: begin-hide
    var referenceTable = Table(
        "neumann_reference",
        [
            .init("terms", "Q", format: .integer),
            .init("eta", "η", format: .scientific(3)),
            .init("deterministic", "Q-term series", format: .scientific(6)),
            .init("exact", "exact ∇Φ", format: .scientific(6)),
            .init("truncation", "relative truncation error", format: .scientific(2)),
        ])
    referenceTable.append([
        "terms": Double(Q), "eta": eta, "deterministic": series, "exact": exactRidge,
        "truncation": abs(series - exactRidge) / abs(exactRidge),
    ])
    let ridgeCurvature = ridge.curvature(x: xRidge)
    section("6. Stochastic Neumann on ridge tuning: \(repetitions) repetitions per batch size")
    say(
        "μ = \(fixed(ridgeCurvature.mu, 2)), L = \(fixed(ridgeCurvature.L, 2)), "
            + "L_max = N max‖aᵢ‖² + θ = \(fixed(sampleLMax, 1)); η = \(flags.safeStep ? "1/L_max" : "1/L")")
    show(referenceTable)
    // weave: end

    /*:
     Then we repeat, for each batch size $B$, the stochastic estimate (3.7)
     (`stochasticNeumannHypergradient`) and, beside it, AID with CG on one mini-batch
     Hessian, $R = 4000$ times each, and compare each mean with what it should estimate: the
     $Q$-term series for Neumann, $\nabla\Phi$ for CG. A mean differs from its target by
     about one standard error, $\mathrm{sd}/\sqrt R$, by chance; we call a difference above
     three standard errors a bias. That test catches a bias of five standard errors 98 % of
     the time, so the standard error decides how small a bias it can see:
     */
    // weave: begin-hide
    /// The mean and spread of repeated estimates.
    struct Sample {
        var values: [Double] = []
        mutating func add(_ value: Double) { values.append(value) }
        var mean: Double { values.reduce(0, +) / Double(values.count) }
        var sd: Double {
            let m = mean
            return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        }
        var standardError: Double { sd / Double(values.count).squareRoot() }
    }
    var neumannTable = Table(
        "stochastic",
        [
            .init("batch", "batch B", format: .integer),
            .init("samples", "samples per estimate", format: .integer),
            .init("relative_bias", "(mean − series) / |∇Φ|", format: .scientific(2)),
            .init("relative_se", "± SE / |∇Φ|", format: .scientific(2)),
            .init("z", "|bias| / SE", format: .fixed(1), missing: "-"),
            .init("relative_sd", "sd / |∇Φ|", format: .scientific(2)),
        ])
    var cgTable = Table(
        "cg_one_batch",
        [
            .init("batch", "batch B", format: .integer),
            .init("relative_bias", "(mean − ∇Φ) / |∇Φ|", format: .scientific(2)),
            .init("relative_se", "± SE / |∇Φ|", format: .scientific(2)),
            .init("z", "|bias| / SE", format: .fixed(1), missing: "-"),
            .init("relative_sd", "sd / |∇Φ|", format: .scientific(2)),
        ])
    func record(_ batch: Int, _ neumann: Sample, _ cg: Sample) {
        let scale = abs(exactRidge)
        neumannTable.append([
            "batch": Double(batch), "samples": Double((Q - 1) * batch),
            "relative_bias": (neumann.mean - series) / scale, "relative_se": neumann.standardError / scale,
            "z": batch < N ? abs(neumann.mean - series) / neumann.standardError : nil,
            "relative_sd": neumann.sd / scale,
        ])
        cgTable.append([
            "batch": Double(batch), "relative_bias": (cg.mean - exactRidge) / scale,
            "relative_se": cg.standardError / scale,
            "z": batch < N ? abs(cg.mean - exactRidge) / cg.standardError : nil,
            "relative_sd": cg.sd / scale,
        ])
    }
    let cgRule = StoppingRule.tolerance(relativeResidual: 1e-12, maxIterations: 200)
    // weave: end
    for B in flags.batches {
        progress("stochastic estimates, B = \(B)")  // weave: hide
        var neumann = Sample(), cg = Sample()
        for _ in 0..<repetitions {
            let estimate = try stochasticNeumannHypergradient(
                ridgeOracles, objective: 0, x: xRidge, y: yRidge, eta: eta, terms: Q, batchSize: B, using: &rng)
            neumann.add(estimate.gradient[0])
            let oneBatch = try stochasticHypergradient(
                ridgeOracles, objective: 0, x: xRidge, y: yRidge, solver: .conjugateGradient(cgRule),
                hessianBatch: B, outerBatch: nil, using: &rng)
            cg.add(oneBatch.gradient[0])
        }
        record(B, neumann, cg)
    }
    // weave: begin-hide
    say("\nStochastic Neumann (3.7), against the Q-term series:")
    show(neumannTable)
    say("\nAID with CG on one mini-batch Hessian, against ∇Φ:")
    show(cgTable)
    // weave: end

    /*:
     With $B = N$ every batch is the whole data set, and both estimators are exact up to
     rounding (7.01e-14 and 2.07e-12 of $|\nabla\Phi|$; CG stops at a relative residual of
     1e-12). With $B = 100$ the stochastic Neumann mean is 0.9 standard errors from the
     series, no sign of bias, and here that says something: a standard error is 8.85e-03 of
     $|\nabla\Phi|$, so any bias above 4.4 % of the hypergradient would have been caught.
     CG on one batch of the same size is off by 26.1 % of $|\nabla\Phi|$, 17.4 standard
     errors: the bias the Neumann estimator is built to avoid, six times the smallest the
     test resolves (Exercise 6 predicts its size).

     At $B = 10$ the test cannot see a bias of any size that matters. A standard error is
     2.59 times $|\nabla\Phi|$ itself, so only a bias above about 13 times the hypergradient
     would be caught reliably. The spread is 164 times $|\nabla\Phi|$, so resolving 4.4 %
     as at $B = 100$ would take about $(164 / 0.00885)^2 \approx 3 \times 10^8$
     repetitions, and because that spread comes from rare batches (below), even the standard
     error itself is unreliable. All the table shows at $B = 10$ is that stochastic Neumann
     with $\eta = 1/L$ is useless there, unbiased or not; CG on one batch of 10 is worse
     still, off by a factor of about 400.

     Why small batches are so noisy: a batch Hessian $\hat H = \frac{N}{B}\sum_{i\in\mathcal B}
     a_i a_i^\top + \theta I$ has largest eigenvalue at least $\frac NB \|a_i\|^2$ for every
     sample $i$ in it, and its factor $I - \eta\hat H$ has norm above 1 as soon as that
     eigenvalue exceeds $2/\eta$:
     */
    // weave: begin-hide
    let smallestB = flags.batches.min()!
    let stepTimesCurvature = (0..<N).map { eta * Double(N) / Double(smallestB) * normSquared(ridge.X.row($0)) }
    say(
        "B = \(smallestB): η (N/B)‖aᵢ‖² ranges over [\(fixed(stepTimesCurvature.min()!, 2)), "
            + "\(fixed(stepTimesCurvature.max()!, 2))], above 2 for \(stepTimesCurvature.filter { $0 > 2 }.count) "
            + "of the \(N) samples")
    // weave: end

    /*:
     With $B = 10$ and $\eta = 1/L$, 180 of the 1000 samples push the factor of any batch
     they join above norm 1, and a product of 29 factors multiplies those excursions. The
     estimator stays unbiased, but it is too noisy to use without a smaller $\eta$
     (Exercise 3 tries $\eta = 1/L_{\max}$, with $L_{\max}$ the largest eigenvalue of any
     sample's Hessian, and pays for it in truncation error).
     */
    // weave: begin-hide
    save(
        tables: [raceTable, spectrumTable, hypergradientTable, stepTable, referenceTable, neumannTable, cgTable],
        flags: flags.common)
    // weave: end

    /*:
     ## Summary

     - CG needs $O(\sqrt\kappa \log(1/\varepsilon))$ Hessian-vector products, the Neumann
       series with $\eta = 1/L$ needs $O(\kappa \log(1/\varepsilon))$ (bounds (3.3) and
       (3.5)). At $\kappa = 10^4$ the Neumann series spends 276 times CG's products.
     - The Neumann series follows its bound (slope 1.00); CG beats its own (slope 0.43),
       because its iterate comes from the best polynomial for the actual eigenvalues (3.2),
       and a spectrum of 200 log-spaced eigenvalues has gaps the √κ bound cannot see. With
       5000 eigenvalues the slope is 0.50.
     - The hypergradient inherits the solve's error, scaled by at most $\|C\|$ (3.6).
     - Neumann needs $\eta < 2/L$ ($\eta = 1/L$ is the safe choice); the library detects a
       growing term and throws instead of returning garbage.
     - With an independent mini-batch per factor, stochastic Neumann is unbiased for the
       deterministic series (3.7): 4000 repetitions at $B = 100$ would have caught a bias of
       4.4 % of $|\nabla\Phi|$ and found none, where CG on one batch is biased by 26 %. At
       $B = 10$ with $\eta = 1/L$ no affordable test can tell: the estimator's spread is 164
       times the hypergradient.

     ## Exercises

     1. *(run)* Run `swift run -c release ch03 --target 1e-10`. By how much does each
        method's product count grow, and does that match the $\ln(1/\varepsilon)$ factor
        in both bounds?
     2. *(run)* Change $\eta$ from $1/L$ to $1.9/L$ in the race (the line
        `eta: 1 / kappa` in `race(kappa:)`). Which eigen-components converge faster and
        which slower? Does the product count improve? (Hint: the rate is
        $\max(|1 - \eta\mu|, |1 - \eta L|)$ with $\mu = 1$, $L = \kappa$.)
     3. *(run)* Run `swift run -c release ch03 --batch-sizes 1000,100,10,1`, and again with
        `--safe-step`, which sets $\eta = 1/L_{\max}$. What happens to the spread, to the
        bias test's power, and to the truncation error of 30 terms? Why is $\eta = 1/L$ not
        safe for a single-sample Hessian?
     4. *(run)* Run with `--size 32 --max-kappa 100000`. In exact arithmetic CG would
        finish in at most 32 products ($p$ conjugate directions span $\mathbb{R}^p$); how many
        does it need in floating point for $\kappa = 10^5$, and how does that compare with
        the √κ bound? (Rounding slowly destroys conjugacy, so CG needs somewhat more than $p$.)
     5. *(derive)* Show that for $\eta \in (0, 2/L)$ the Neumann series' rate
        $\max_i |1 - \eta\operatorname{eig}_i|$ is smallest at $\eta = 2/(\mu + L)$, where it
        is $(\kappa - 1)/(\kappa + 1)$, and deduce that no step makes the series need fewer
        than about $\frac{\kappa}{2}\ln(1/\varepsilon)$ products: at most a factor 2 over
        $\eta = 1/L$, never CG's √κ. Check the factor against Section 5's table.
     6. *(derive)* Prove (3.7): with independent batches, $\mathbb{E}[\hat v]$ is the
        $Q$-term series. Then predict the bias of CG on one batch. Neglect $\theta$ and take
        the rows $a_i$ Gaussian with covariance $I$, so that $\hat H \approx N \hat S$ with
        $\hat S = \frac1B \sum_{i \in \mathcal B} a_i a_i^\top$, whose inverse has mean
        $\mathbb{E}[\hat S^{-1}] = \frac{B}{B - p - 1} I$ for $B > p + 1$ (the inverse-Wishart
        mean). Show that CG's hypergradient is then biased by the factor $(p + 1)/(B - p - 1)$ of
        $\nabla\Phi$ (here $\nabla_x f = 0$), compare with Section 6's $B = 100$ row, and say
        what happens at $B = 10 < p$.
     7. *(implement)* Write your own `textbookCG(apply:b:iterations:)` — the recursion of
        Section 2 without the library's guards, returning $v^{(j)}$ after a fixed number of
        iterations — and check it against `conjugateGradient` with
        `.fixed(iterations:)` on the test matrix (3.1) with $p = 200$, $\kappa = 1000$: the
        iterates should agree to about 1e-12 for every $j \le 100$.

     Worked solutions: [solutions/03.md](solutions/03.md).

     ## Further reading

     - The conjugate gradient method: [Hestenes & Stiefel 1952](references.md#hestenes--stiefel-1952);
       for the polynomial view (3.2), the Chebyshev bound and why CG does better on
       clustered or gapped spectra, [Shewchuk 1994](references.md#shewchuk-1994),
       Sections 9–10.
     - The Neumann series as an inverse-Hessian approximation in hypergradients:
       [Lorraine, Vicol & Duvenaud 2020](references.md#lorraine-vicol--duvenaud-2020).
     - How the linear solve's error enters the hypergradient, for CG and for fixed-point
       (Neumann) iterations: [Grazzi et al. 2020](references.md#grazzi-et-al-2020).
     - Stochastic Neumann with independent batches inside a bilevel method, with its
       variance analysis: [Ji, Yang & Liang 2021](references.md#ji-yang--liang-2021).
     - Where this chapter leads: stochastic WC-MHGD
       ([Zhang et al. 2025](references.md#zhang-et-al-2025), arXiv 2511.07824) uses the
       estimator (3.7) for every objective ([Chapter 6](06-StochasticWCMHGD.md)).
     */
} catch { fail("\(error)") }  // weave: hide
