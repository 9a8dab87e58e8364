/*:
 # Chapter 3 — Inverting the Hessian: conjugate gradient vs Neumann series

 Chapter 2 reduced every hypergradient to one linear system, H v = ∇_y f, with
 H = ∇²_yy g available only through Hessian-vector products. WC-MHGD offers two ways
 to solve it, and this chapter races them:

 - **conjugate gradient (CG)**, which needs O(√κ log 1/ε) products;
 - the **Neumann series**, which needs O(κ log 1/ε) — but is a plain fixed-step
   recursion, easy to run on mini-batches and to distribute.

 You will measure both rates, see the slopes ½ and 1 appear on a log-log plot, watch
 the linear-solve error turn into hypergradient error, see what a too-large Neumann
 step does (and how the library catches it), and meet the stochastic Neumann
 estimator that stochastic WC-MHGD (Chapter 6, in preparation) builds on.

 Builds on Chapter 2 (AID). Run it with `swift run -c release ch03` (or
 `make chapter N=3`); it writes `figures/ch03-convergence.gp`,
 `figures/ch03-cg-vs-neumann.gp` and `figures/ch03-hypergradient.gp`.
 */
import ArgumentParser
import ChapterSupport
import Foundation
import MOBL

struct Chapter03: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch03",
        abstract: "Chapter 3 — Inverting the Hessian: conjugate gradient vs Neumann series.",
        discussion: """
            Measures the products CG and the Neumann series need to reach a relative error \
            on H v = b for condition numbers 10 … 10000 (slopes ½ and 1 on log-log axes), shows \
            how the solve's error becomes hypergradient error, catches a Neumann step η > 2/L, \
            and measures the bias and variance of the stochastic Neumann estimator. Writes \
            figures/ch03-convergence.gp, figures/ch03-cg-vs-neumann.gp and \
            figures/ch03-hypergradient.gp.
            """)

    @OptionGroup var common: ChapterOptions

    @Option(help: "Size p of the test matrices (16…1000; default 200, 50 with --quick).")
    var size: Int?

    @Option(help: "Largest condition number of the sweep, a power of ten (100…100000; default 10000, 1000 with --quick).")
    var maxKappa: Double?

    @Option(help: "Target relative error of the linear solves (1e-12…1e-2).")
    var target = 1e-6

    @Option(help: "Repetitions of the stochastic Neumann estimator per batch size (10…10000; default 200, 50 with --quick).")
    var repetitions: Int?

    mutating func validate() throws {
        if let p = size { try FlagCheck.require(p, in: 16...1000, flag: "--size") }
        if let k = maxKappa {
            try FlagCheck.require(k, in: 100...100_000, flag: "--max-kappa")
            guard abs(log10(k) - log10(k).rounded()) < 1e-9 else {
                throw ValidationError("--max-kappa \(k) is out of range: it must be a power of ten (100, 1000, …)")
            }
        }
        try FlagCheck.require(target, in: 1e-12...1e-2, flag: "--target")
        if let r = repetitions { try FlagCheck.require(r, in: 10...10_000, flag: "--repetitions") }
    }

    func run() throws {
        let p = size ?? (common.quick ? 50 : 200)
        let kappaMax = maxKappa ?? (common.quick ? 1000 : 10_000)
        let reps = repetitions ?? (common.quick ? 50 : 200)
        let kappas = (1...Int(log10(kappaMax).rounded())).map { pow(10, Double($0)) }
        print("Chapter 3 — Inverting the Hessian: conjugate gradient vs Neumann series")
        print("seed \(common.seed), p = \(p), κ ∈ \(kappas.map { "\(Int($0))" }.joined(separator: ", ")), "
              + "target relative error \(sci(target)), \(reps) repetitions")

        /*:
         ## 1. Test matrices with a chosen condition number

         A = U diag(λ) Uᵀ with a seeded random orthogonal U and eigenvalues log-spaced
         in [1, κ], so μ = 1, L = κ and the condition number is exactly κ. The right-hand
         side b is Gaussian; the exact v* = A⁻¹b comes from a dense Cholesky solve, and
         the error we track is ‖v_k − v*‖ / ‖v*‖.

         ## 2. The two solvers

         **CG** (`conjugateGradient`, `Sources/MOBL/Linear/ConjugateGradient.swift`)
         builds search directions that are conjugate, pᵢᵀ A pⱼ = 0, so every step is
         optimal over everything seen so far. Its error in the A-norm obeys

             ‖e_k‖_A ≤ 2 ((√κ − 1)/(√κ + 1))^k ‖e₀‖_A,

         and, converted to the 2-norm (a factor √κ), reaching ε takes at most
         k ≈ ½√κ · ln(2√κ/ε) products.

         **Neumann** (`neumannSeries`, `Sources/MOBL/Linear/NeumannSeries.swift`) expands
         A⁻¹ = η Σ_q (I − ηA)^q, valid when every |1 − ηλ| < 1. With η = 1/L the
         slowest factor is 1 − μ/L = 1 − 1/κ, so the error after Q products is at most
         (1 − 1/κ)^Q and reaching ε takes Q ≈ κ · ln(1/ε) products. Each Neumann step is
         one product and two vector updates; each CG step one product and a few dot
         products.
         */
        var rng = common.generator()
        let u = rng.orthogonalMatrix(p)
        let b = rng.gaussianVector(p)
        var cgCurves: [[[Double]]] = [], neumannCurves: [[[Double]]] = []
        var iterationRows: [[Double]] = []
        var rowsForTable: [[String]] = []
        for kappa in kappas {
            let eigenvalues = logSpaced(from: 1, to: kappa, count: p)
            let a = rotated(u, eigenvalues)
            let exact = try Cholesky(a).solve(b)
            let exactNorm = norm(exact)
            func error(_ v: Vector) -> Double { norm(v - exact) / exactNorm }
            var cgCurve: [[Double]] = [], cgHit: Int?
            let cg = try conjugateGradient({ a.times($0) }, b, stop: .tolerance(relativeResidual: 1e-15, maxIterations: 20 * p)) { k, v in
                let e = error(v)
                cgCurve.append([kappa, Double(k), e])
                if e <= target { cgHit = k }
                return cgHit == nil
            }
            var neumannCurve: [[Double]] = [], neumannHit: Int?
            var sampler = LogSampler()
            let neumann = try neumannSeries({ a.times($0) }, b, eta: 1 / kappa,
                                            stop: .tolerance(relativeResidual: 1e-15, maxIterations: 100 * Int(kappa) + 1000)) { q, v in
                let e = error(v)
                if e <= target { neumannHit = q }
                if sampler.keep(q, force: neumannHit != nil) { neumannCurve.append([kappa, Double(q), e]) }
                return neumannHit == nil
            }
            guard let cgIterations = cgHit, let neumannIterations = neumannHit else {
                let who = [cgHit == nil ? "CG (stopped after \(cg.iterations) steps)" : nil,
                           neumannHit == nil ? "Neumann (stopped after \(neumann.iterations) terms)" : nil].compactMap { $0 }
                Report.fail("κ = \(Int(kappa)): \(who.joined(separator: " and ")) did not reach relative error \(target); "
                            + "that is below the accuracy attainable in floating point for this κ — choose a larger --target")
            }
            cgCurves.append(cgCurve.filter { $0[1] >= 1 })
            neumannCurves.append(neumannCurve.filter { $0[1] >= 1 })
            iterationRows.append([kappa, Double(cgIterations), Double(neumannIterations)])
            rowsForTable.append(["\(Int(kappa))", "\(cgIterations)", "\(cgTheory(kappa, target))",
                                 "\(neumannIterations)", "\(neumannTheory(kappa, target))",
                                 fixed(Double(neumannIterations) / Double(cgIterations), 1)])
        }

        /*:
         ## 3. The race

         Products needed to reach the target error, against the bounds above. CG is
         well inside its bound (it adapts to the spread of the eigenvalues, not just to
         their ratio); the Neumann series meets its bound almost exactly (its error
         *is* (1 − 1/κ)^Q times the slowest component of v*).
         */
        Report.section("3. Products to reach relative error \(sci(target))")
        Report.table(["κ", "CG", "CG bound", "Neumann", "Neumann bound", "Neumann / CG"], rowsForTable)
        let cgSlope = leastSquaresSlope(iterationRows.map { (log($0[0]), log($0[1])) })
        let neumannSlope = leastSquaresSlope(iterationRows.map { (log($0[0]), log($0[2])) })
        print("fitted slopes of log(products) against log κ: CG \(fixed(cgSlope, 3)) (theory ½), "
              + "Neumann \(fixed(neumannSlope, 3)) (theory 1)")

        /*:
         ## 4. From solve error to hypergradient error

         In AID the solve's output goes straight into the hypergradient,
         ĥ = ∇_x f − ∇²_xy g · v. With v* the exact solution,

             ‖ĥ − ∇Φ‖ = ‖∇²_xy g (v − v*)‖ ≤ ‖∇²_xy g‖₂ · ‖v − v*‖,

         so the hypergradient is as accurate as the solve, up to the size of the mixed
         derivative. A quadratic bilevel problem (n = 20, p as above, κ = 1000, y at the
         exact y*) shows it: we record the hypergradient error after every product.
         */
        let hyperKappa = common.quick ? 100.0 : 1000.0
        let quadratic = try QuadraticBilevel.random(n: 20, p: p, kappa: hyperKappa, using: &rng)
        let xPoint = rng.gaussianVector(20)
        let yStar = quadratic.lowerSolution(x: xPoint)
        let exactGradient = quadratic.exactHypergradients(x: xPoint)[0]
        let rhs = quadratic.upperGradientY(0, x: xPoint, y: yStar)
        let vStar = try Cholesky(quadratic.A).solve(rhs)
        let mixedNorm = (try symmetricEigenvalues(quadratic.C.times(quadratic.C.transposed))).last!.squareRoot()
        var worstRatio = 0.0
        func hypergradientError(_ v: Vector) -> Double {
            var h = quadratic.upperGradientX(0, x: xPoint, y: yStar)
            axpy(-1, quadratic.C.times(v), &h)
            let error = norm(h - exactGradient)
            if norm(v - vStar) > 0 { worstRatio = max(worstRatio, error / (mixedNorm * norm(v - vStar))) }
            return error / norm(exactGradient)
        }
        let hyperTarget = 1e-8
        var cgHyper: [[Double]] = [], neumannHyper: [[Double]] = []
        let apply = { (v: Vector) in quadratic.A.times(v) }
        _ = try conjugateGradient(apply, rhs, stop: .tolerance(relativeResidual: 1e-15, maxIterations: 20 * p)) { k, v in
            let e = hypergradientError(v)
            if k > 0 { cgHyper.append([Double(k), e]) }
            return e > hyperTarget
        }
        var sampler = LogSampler()
        _ = try neumannSeries(apply, rhs, eta: 1 / hyperKappa, stop: .tolerance(relativeResidual: 1e-15, maxIterations: 100 * Int(hyperKappa))) { q, v in
            let e = hypergradientError(v)
            if q > 0 && sampler.keep(q, force: e <= hyperTarget) { neumannHyper.append([Double(q), e]) }
            return e > hyperTarget
        }
        Report.section("4. Hypergradient error of AID vs Hessian-vector products (κ = \(Int(hyperKappa)))")
        Report.table(["products", "AID-CG error", "AID-Neumann error"],
                     [1, 10, 30, 100, 300, 1000, 3000, 10000].compactMap { k in
                         let cgValue = cgHyper.first { Int($0[0]) == k }?[1]
                         let neumannValue = neumannHyper.last { Int($0[0]) <= k }?[1]
                         guard cgValue != nil || (neumannValue != nil && k <= Int(neumannHyper.last![0])) else { return nil }
                         return ["\(k)", cgValue.map { sci($0) } ?? "-", neumannValue.map { sci($0) } ?? "-"]
                     })
        print("CG reaches \(sci(hyperTarget)) after \(Int(cgHyper.last![0])) products, Neumann after \(Int(neumannHyper.last![0]))")
        print("largest ‖ĥ − ∇Φ‖ / (‖∇²_xy g‖₂ ‖v − v*‖) over both runs: \(fixed(worstRatio, 4)) (the bound says ≤ 1)")

        /*:
         ## 5. A step that is too large

         The Neumann series converges only if every eigenvalue of I − ηA lies in
         (−1, 1), i.e. 0 < η < 2/L. Just below 2/L it still converges (the fastest
         component now oscillates, 1 − ηL ≈ −0.9); above, that component *grows* like
         |1 − ηL|^q. A silent implementation returns garbage; this one checks that
         every term is no larger than the one before — for symmetric A a term can only
         grow if some |1 − ηλ| > 1 — and throws `NeumannDivergence` the moment one
         does. (The growing component starts small, so detection comes a few dozen
         terms late; knowing L and checking η < 2/L up front is better still.)
         */
        Report.section("5. The Neumann step η, in units of 1/L (κ = 100)")
        let a100 = rotated(u, logSpaced(from: 1, to: 100, count: p))
        var stepRows: [[String]] = []
        var stepData: [[Double]] = []        // η·L, outcome (1 converged, 0 not, −1 caught), products, residual or growth
        for etaL in [0.5, 1.0, 1.9, 2.05, 2.5] {
            do {
                let result = try neumannSeries({ a100.times($0) }, b, eta: etaL / 100,
                                               stop: .tolerance(relativeResidual: target, maxIterations: 50_000))
                stepRows.append([fixed(etaL, 2), result.converged ? "converged" : "not converged",
                                 "\(result.iterations)", sci(result.relativeResidual)])
                stepData.append([etaL, result.converged ? 1 : 0, Double(result.iterations), result.relativeResidual])
            } catch let divergence as NeumannDivergence {
                stepRows.append([fixed(etaL, 2), "caught: diverges", "\(divergence.term)",
                                 "term grew ×\(fixed(divergence.growth, 4)) over the last"])
                stepData.append([etaL, -1, Double(divergence.term), divergence.growth])
            }
        }
        Report.table(["η·L", "outcome", "products", "relative residual / growth"], stepRows)

        /*:
         ## 6. Stochastic Neumann

         When the lower level is a sum over N samples, g = Σᵢ gᵢ, each product can use
         a mini-batch Hessian Ĥ = (N/B) Σ_{i∈batch} ∇²gᵢ. Drawing an *independent* batch
         for every term,

             v̂ = η Σ_{q<Q} (I − ηĤ_q)(I − ηĤ_{q−1}) ⋯ (I − ηĤ_1) b,

         makes E[v̂] exactly the deterministic Q-term series (the expectation of a product
         of independent factors is the product of expectations): the estimator is
         unbiased for it, and only its variance depends on B. CG has no such property —
         its steps divide by quantities of the same random batch. On ridge tuning
         (N = 1000 samples, d = 20, θ = 0, Q = 30 terms) we repeat the estimate and
         measure its mean and spread for B = N, N/10, N/100
         (`stochasticNeumannHypergradient`):
         */
        let ridge = try RidgeTuning.synthetic(samples: 1000, validation: 200, features: 20, noise: 1, using: &rng)
        let ridgeOracles = CountedOracles(ridge)
        let theta = [0.0]
        let w = ridge.lowerSolution(x: theta)
        let eta = 1 / ridge.curvature(x: theta).L
        let terms = 30
        let deterministic = try aidHypergradient(ridgeOracles, objective: 0, x: theta, y: w,
                                                 solver: .neumann(eta: eta, .fixed(iterations: terms))).gradient[0]
        let exactRidge = ridge.exactHypergradients(x: theta)[0][0]
        Report.section("6. Stochastic Neumann on ridge tuning: \(reps) repetitions per batch size")
        var stochasticRows: [[String]] = []
        var stochasticData: [[Double]] = []
        for batch in [1000, 100, 10] {
            var values: [Double] = []
            var samplesPerEstimate = 0
            for _ in 0..<reps {
                let estimate = try stochasticNeumannHypergradient(ridgeOracles, objective: 0, x: theta, y: w, eta: eta,
                                                                  terms: terms, batchSize: batch, using: &rng)
                values.append(estimate.gradient[0])
                samplesPerEstimate = estimate.counts.hessianSamples
            }
            let mean = values.reduce(0, +) / Double(reps)
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(reps - 1)).squareRoot()
            stochasticRows.append([batch == 1000 ? "1000 (all)" : "\(batch)", "\(samplesPerEstimate)", sci(mean - deterministic, 2),
                                   sci(sd / Double(reps).squareRoot(), 2), sci(sd / abs(exactRidge), 2)])
            stochasticData.append([Double(batch), Double(samplesPerEstimate), mean - deterministic,
                                   sd / Double(reps).squareRoot(), sd / abs(exactRidge), deterministic])
        }
        Report.table(["batch B", "samples per estimate", "mean − deterministic", "± standard error", "sd / |∇Φ|"],
                     stochasticRows)
        print("deterministic \(terms)-term Neumann: \(sci(deterministic, 6)); exact: \(sci(exactRidge, 6)) "
              + "(truncation error \(sci(abs(deterministic - exactRidge) / abs(exactRidge))))")
        let worstBias = stochasticData.dropFirst().map { abs($0[2]) / $0[3] }.max()!
        print("With B = N every batch is the whole data set: the estimate is the deterministic series, up to the")
        print("rounding of a different summation order. For B < N the mean is within \(fixed(worstBias, 1)) standard errors")
        print("of the deterministic series" + (worstBias < 3 ? ": no sign of bias." : " — more than chance usually allows."))
        print("The spread grows fast as the batch shrinks: with B = 10 one batch Hessian has eigenvalues near")
        print("(N/B)‖xᵢ‖², far above L, so some factors I − ηĤ have norm above 1 — unbiased, but too noisy to use")
        print("without a smaller η (Exercise 3).")

        /*:
         ## 7. The figures

         `ch03-convergence`: error against products for every κ, CG solid and Neumann
         dashed. `ch03-cg-vs-neumann`: products to reach the target against κ on
         log-log axes, with the bounds of Section 2 — slopes ½ and 1.
         `ch03-hypergradient`: Section 4's hypergradient errors.
         */
        Report.section("7. Figures")

        var scaling = try scalingFigure(iterations: iterationRows, target: target, kappas: kappas)
        // Sections 5 and 6 travel with the figure (not plotted), so the tests can check them.
        scaling.blocks += [
            try DataBlock("neumann_steps", columns: ["etaL", "outcome", "products", "residual_or_growth"], rows: stepData),
            try DataBlock("stochastic", columns: ["batch", "samples", "bias", "standard_error", "relative_sd", "deterministic"],
                          rows: stochasticData),
        ]
        Report.save([try convergenceFigure(cg: cgCurves, neumann: neumannCurves, kappas: kappas, target: target, p: p),
                     scaling, try hypergradientFigure(cg: cgHyper, neumann: neumannHyper, kappa: hyperKappa)], options: common)

        /*:
         ## Summary

         - CG needs O(√κ log 1/ε) Hessian-vector products, the Neumann series
           O(κ log 1/ε): on log-log axes, slopes ½ and 1. At κ = 10⁴ the measured ratio
           is in the hundreds (Section 3's table).
         - The hypergradient inherits the solve's error, scaled by at most ‖∇²_xy g‖.
         - Neumann needs η < 2/L (η = 1/L is the safe choice); the library detects a
           growing term and refuses to continue.
         - With independent mini-batches per term, stochastic Neumann is unbiased for
           the deterministic series; the batch size trades samples for variance.

         ## Exercises

         1. Run `swift run -c release ch03 --target 1e-10`. By how much does each
            method's product count grow, and does that match the ln(1/ε) factor in both
            bounds?
         2. Change η from 1/L to 1.9/L in the κ sweep (one line in the source). Which
            eigen-components converge faster and which slower? Does the iteration count
            improve? (Hint: the rate is max(|1 − ημ|, |1 − ηL|) with μ = 1, L = κ.)
         3. In Section 6, add B = 1, and then try η = 1/(N·max‖xᵢ‖²) for the small
            batches. What happens to the spread, and to the truncation error of 30
            terms? Why is η = 1/L not safe for a single-sample Hessian?
         4. Run with `--size 32 --max-kappa 100000`. In exact arithmetic CG would finish
            in at most 32 products (p conjugate directions span R^p); how many does it
            need in floating point for κ = 10⁵, and how does that compare with the √κ
            bound? (Rounding slowly destroys conjugacy, so CG needs somewhat more than p.)
         */
    }
}

/// Picks about 60 iterations per decade of a long run (and any iteration forced in,
/// such as the last), so a Neumann curve of 10⁵ products stays a few hundred rows.
struct LogSampler {
    private var next = 1.0
    mutating func keep(_ q: Int, force: Bool = false) -> Bool {
        guard force || Double(q) >= next else { return false }
        next = max(next * pow(10, 1.0 / 60), Double(q) + 1)
        return true
    }
}

/// U diag(λ) Uᵀ for a fixed orthogonal U (so every κ shares its eigenvectors).
func rotated(_ u: Matrix, _ eigenvalues: [Double]) -> Matrix {
    let n = eigenvalues.count
    var scaled = u
    for i in 0..<n { for k in 0..<n { scaled[i, k] *= eigenvalues[k] } }
    var a = scaled.times(u.transposed)
    for i in 0..<n { for j in (i + 1)..<n { let s = 0.5 * (a[i, j] + a[j, i]); a[i, j] = s; a[j, i] = s } }
    return a
}

/// The CG bound: products to reach relative error ε, ⌈ln(2√κ/ε) / ln((√κ+1)/(√κ−1))⌉.
func cgTheory(_ kappa: Double, _ epsilon: Double) -> Int {
    let r = kappa.squareRoot()
    return Int((log(2 * r / epsilon) / log((r + 1) / (r - 1))).rounded(.up))
}

/// The Neumann bound with η = 1/L: ⌈ln(1/ε) / −ln(1 − 1/κ)⌉.
func neumannTheory(_ kappa: Double, _ epsilon: Double) -> Int {
    Int((log(1 / epsilon) / -log(1 - 1 / kappa)).rounded(.up))
}

func convergenceFigure(cg: [[[Double]]], neumann: [[[Double]]], kappas: [Double], target: Double, p: Int) throws -> Figure {
    var figure = Figure(slug: "ch03-convergence", title: "Solving H v = b (p = \(p)): CG (solid) vs Neumann with η = 1/L (dashed)",
                        xLabel: "Hessian-vector products", yLabel: "relative error ‖v_k − v*‖ / ‖v*‖")
    figure.comments = ["Chapter 3 — CG vs Neumann: error against products for each condition number."]
    figure.logX = true
    figure.logY = true
    figure.key = "bottom left"
    figure.blocks = [try DataBlock("cg", columns: ["kappa", "k", "error"], groups: cg),
                     try DataBlock("neumann", columns: ["kappa", "k", "error"], groups: neumann)]
    for (i, kappa) in kappas.enumerated() {
        let color = Figure.palette[i % Figure.palette.count]
        figure.series.append(Series(block: "cg", index: i, x: 2, y: 3, style: .lines, title: "κ = \(Int(kappa))", color: color))
        figure.series.append(Series(block: "neumann", index: i, x: 2, y: 3, style: .lines, title: nil, color: color, dashType: 2))
    }
    return figure
}

func scalingFigure(iterations: [[Double]], target: Double, kappas: [Double]) throws -> Figure {
    var figure = Figure(slug: "ch03-cg-vs-neumann", title: "Products to reach relative error \(sci(target, 0)): slopes ½ and 1",
                        xLabel: "condition number κ", yLabel: "Hessian-vector products")
    figure.comments = ["Chapter 3 — CG vs Neumann: products to reach the target error against κ, with the bounds."]
    figure.logX = true
    figure.logY = true
    figure.key = "top left"
    let grid = logSpaced(from: kappas.first!, to: kappas.last!, count: 40)
    figure.blocks = [
        try DataBlock("iterations", columns: ["kappa", "cg", "neumann"], rows: iterations),
        try DataBlock("theory", columns: ["kappa", "cg", "neumann"],
                      rows: grid.map { [$0, Double(cgTheory($0, target)), Double(neumannTheory($0, target))] }),
    ]
    figure.series = [
        Series(block: "iterations", x: 1, y: 2, style: .linesPoints, title: "CG, measured", color: Figure.palette[0], pointSize: 1.3),
        Series(block: "theory", x: 1, y: 2, style: .lines, title: "CG bound ½√κ ln(2√κ/ε)", color: Figure.palette[0], dashType: 2),
        Series(block: "iterations", x: 1, y: 3, style: .linesPoints, title: "Neumann, measured", color: Figure.palette[1],
               pointType: 5, pointSize: 1.3),
        Series(block: "theory", x: 1, y: 3, style: .lines, title: "Neumann bound κ ln(1/ε)", color: Figure.palette[1], dashType: 2),
    ]
    return figure
}

func hypergradientFigure(cg: [[Double]], neumann: [[Double]], kappa: Double) throws -> Figure {
    var figure = Figure(slug: "ch03-hypergradient", title: "AID hypergradient error vs products (quadratic bilevel, κ = \(Int(kappa)))",
                        xLabel: "Hessian-vector products", yLabel: "‖ĥ − ∇Φ‖ / ‖∇Φ‖")
    figure.comments = ["Chapter 3 — CG vs Neumann: the solve's error becomes hypergradient error."]
    figure.logX = true
    figure.logY = true
    figure.key = "bottom left"
    figure.blocks = [try DataBlock("hypergradient_cg", columns: ["products", "error"], rows: cg),
                     try DataBlock("hypergradient_neumann", columns: ["products", "error"], rows: neumann)]
    figure.series = [
        Series(block: "hypergradient_cg", style: .lines, title: "AID with CG", color: Figure.palette[0]),
        Series(block: "hypergradient_neumann", style: .lines, title: "AID with Neumann, η = 1/L", color: Figure.palette[1]),
    ]
    return figure
}

Chapter03.main()
