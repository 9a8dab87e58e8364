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
 `swift run -c release ch02` (or `make chapter N=2`); it writes
 `figures/ch02-ridge.gp` and `figures/ch02-itd.gp`.
 */
import ArgumentParser
import ChapterSupport
import Foundation
import MOBL

struct Chapter02: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch02",
        abstract: "Chapter 2 — Bilevel problems and hypergradients (ridge-regression tuning).",
        discussion: """
            Derives the hypergradient from the implicit function theorem; computes it by AID \
            (conjugate gradient, Neumann series) and by ITD (unrolled inner steps); checks it \
            against the closed form and central finite differences; and shows ITD converging \
            to AID as the number of unrolled steps grows. Writes figures/ch02-ridge.gp and \
            figures/ch02-itd.gp.
            """)

    @OptionGroup var common: ChapterOptions

    @Option(help: "Training samples N (2…10000).")
    var samples = 40

    @Option(help: "Features d (1…200).")
    var features = 30

    @Option(help: "Standard deviation of the label noise (0…100).")
    var noise = 3.0

    @Option(help: "Points of the θ = log λ grid (50…1000; default 61, 51 with --quick).")
    var grid: Int?

    mutating func validate() throws {
        try FlagCheck.require(samples, in: 2...10_000, flag: "--samples")
        try FlagCheck.require(features, in: 1...200, flag: "--features")
        try FlagCheck.require(noise, in: 0...100, flag: "--noise")
        if let g = grid { try FlagCheck.require(g, in: 50...1000, flag: "--grid") }
    }

    func run() throws {
        let gridCount = grid ?? (common.quick ? 51 : 61)
        print("Chapter 2 — Bilevel problems and hypergradients")
        print("seed \(common.seed), N = \(samples) training and 200 validation samples, d = \(features) features, "
              + "noise \(noise), \(gridCount) grid points")

        /*:
         ## 1. The problem: tuning ridge regression

         Training data (X, t) and validation data (X_v, t_v). For a penalty λ = e^θ the
         lower level fits the weights, the upper level scores them:

             w*(θ) = argmin_w  g(θ, w) = ½‖X w − t‖² + ½ e^θ ‖w‖²
             Φ(θ)  = f(w*(θ))          = ½‖X_v w*(θ) − t_v‖²

         We use θ = log λ so that λ stays positive and the landscape reads well on a
         log scale. The lower level is strongly convex: its Hessian XᵀX + e^θ I has
         eigenvalues between μ = λ_min(XᵀX) + e^θ and L = λ_max(XᵀX) + e^θ.
         (`RidgeTuning` in `Sources/MOBL/Problems/RidgeTuning.swift`.)
         */
        var rng = common.generator()
        let ridge = try RidgeTuning.synthetic(samples: samples, validation: 200, features: features, noise: noise, using: &rng)
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
         where the hypergradient changes sign, Φ has its minimum.
         */
        let thetas = (0..<gridCount).map { -6 + 12 * Double($0) / Double(gridCount - 1) }
        let exactSolve = HessianSolver.conjugateGradient(.tolerance(relativeResidual: 1e-12, maxIterations: 10 * features))
        var landscape: [[Double]] = []
        var worstLandscapeError = 0.0
        for theta in thetas {
            let x = [theta]
            let w = ridge.lowerSolution(x: x)
            let aid = try aidHypergradient(oracles, objective: 0, x: x, y: w, solver: exactSolve)
            let exact = ridge.exactHypergradients(x: x)[0][0]
            worstLandscapeError = max(worstLandscapeError, abs(aid.gradient[0] - exact) / max(abs(exact), 1e-12))
            landscape.append([theta, ridge.upperValues(x: x, y: w)[0], aid.gradient[0]])
        }
        // The minimizer: bisection on the sign of the hypergradient between the grid points that bracket it.
        let thetaStar: Double
        let interior: Bool
        if let bracket = landscape.indices.dropLast().first(where: { landscape[$0][2] < 0 && landscape[$0 + 1][2] >= 0 }) {
            var (lo, hi) = (landscape[bracket][0], landscape[bracket + 1][0])
            for _ in 0..<60 {
                let mid = 0.5 * (lo + hi)
                if try aidHypergradient(oracles, objective: 0, x: [mid], y: ridge.lowerSolution(x: [mid]), solver: exactSolve).gradient[0] < 0 {
                    lo = mid
                } else {
                    hi = mid
                }
            }
            thetaStar = 0.5 * (lo + hi)
            interior = true
        } else {
            thetaStar = landscape.min { $0[1] < $1[1] }![0]      // the best grid point, at an edge
            interior = false
        }
        let phiStar = ridge.reducedValues(x: [thetaStar])[0]
        Report.section("3. The validation loss over θ = log λ")
        Report.table(["θ", "λ = e^θ", "Φ(θ)", "dΦ/dθ (AID-CG)", "closed form", "relative error"],
                     stride(from: 0, to: landscape.count, by: max(1, landscape.count / 10)).map { i in
                         let row = landscape[i]
                         let exact = ridge.exactHypergradients(x: [row[0]])[0][0]
                         return [fixed(row[0], 2), sci(exp(row[0])), fixed(row[1], 4), sci(row[2], 4), sci(exact, 4),
                                 sci(abs(row[2] - exact) / max(abs(exact), 1e-12))]
                     })
        print("largest relative error of AID-CG over all \(gridCount) grid points: \(sci(worstLandscapeError))")
        if interior {
            print("minimum (bisection on the sign of the hypergradient): θ* = \(fixed(thetaStar, 6)), "
                  + "λ* = \(fixed(exp(thetaStar), 4)), Φ(θ*) = \(fixed(phiStar, 6))")
        } else {
            print("the hypergradient never changes sign on the grid: Φ is smallest at its edge, θ = \(fixed(thetaStar, 2)) "
                  + "(Φ = \(fixed(phiStar, 6))); there is no interior minimum for these data, and below θ* stands for that edge")
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
           residual of 1e-10, and **ITD** through enough inner steps (next section).

         Finite differences carry an O(h²) truncation error and an O(ε·|Φ|/h) rounding
         error, so they can confirm a hypergradient only to about 1e-9 or 1e-10 relative
         here; the closed form agrees with AID to rounding.
         */
        Report.section("4. Three-way check: closed form, finite differences, AID, ITD")
        var checkRows: [[String]] = []
        var checkData: [[Double]] = []
        let h = 1e-5
        for theta in [-2.0, 0.0, 2.0] {
            let x = [theta]
            let (mu, L) = ridge.curvature(x: x)
            let exact = ridge.exactHypergradients(x: x)[0][0]
            func phi(_ t: Double) throws -> Double {
                let zero = Vector(repeating: 0, count: features)
                let start = norm(ridge.lowerGradientY(x: [t], y: zero))
                let inner = try solveLowerLevel(oracles, x: [t], start: zero, stepSize: 1 / ridge.curvature(x: [t]).L,
                                                tolerance: 1e-12 * start, maxSteps: 200_000)
                return ridge.upperValues(x: [t], y: inner.y)[0]
            }
            let finiteDifference = try (phi(theta + h) - phi(theta - h)) / (2 * h)
            let w = ridge.lowerSolution(x: x)
            let tight = StoppingRule.tolerance(relativeResidual: 1e-10, maxIterations: 1_000_000)
            let cg = try aidHypergradient(oracles, objective: 0, x: x, y: w, solver: .conjugateGradient(tight)).gradient[0]
            let neumann = try aidHypergradient(oracles, objective: 0, x: x, y: w, solver: .neumann(eta: 1 / L, tight)).gradient[0]
            let itdSteps = Int((40 * L / mu).rounded(.up))
            let itd = try itdHypergradient(oracles, objective: 0, x: x, start: Vector(repeating: 0, count: features),
                                           steps: itdSteps, stepSize: 1 / L).gradient[0]
            func rel(_ value: Double) -> String { sci(abs(value - exact) / abs(exact)) }
            checkData.append([theta, L / mu] + [finiteDifference, cg, neumann, itd].map { abs($0 - exact) / abs(exact) })
            checkRows.append([fixed(theta, 3), fixed(L / mu, 1), sci(exact, 6), rel(finiteDifference), rel(cg), rel(neumann),
                              "\(rel(itd)) (D=\(itdSteps))"])
        }
        Report.table(["θ", "κ = L/μ", "closed form", "FD error", "AID-CG error", "AID-Neumann error", "ITD error"], checkRows)
        print("(errors relative to |dΦ/dθ|; at θ* = \(fixed(thetaStar, 3)) the hypergradient is "
              + "\(sci(ridge.exactHypergradients(x: [thetaStar])[0][0]))\(interior ? ", zero to rounding" : ""))")

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
         θ₀ = 0 (λ = 1), where the hypergradient is far from zero.
         */
        Report.section("5. ITD and AID at w_D, as the number of inner steps D grows (θ₀ = 0)")
        let xStar = [0.0]
        let exactStar = ridge.exactHypergradients(x: xStar)[0][0]
        let (muStar, LStar) = ridge.curvature(x: xStar)
        let maxD = Int((30 * LStar / muStar).rounded(.up))
        let dValues = Array(Set((0...40).map { max(1, Int((Double(maxD) * Double($0) / 40).rounded())) })).sorted()
        var itdRows: [[Double]] = []
        for d in dValues {
            let itd = try itdHypergradient(oracles, objective: 0, x: xStar, start: Vector(repeating: 0, count: features),
                                           steps: d, stepSize: 1 / LStar)
            let inner = try innerGradientDescent(oracles, x: xStar, start: Vector(repeating: 0, count: features), steps: d,
                                                 stepSize: 1 / LStar, measureFinalGradient: false)
            let aid = try aidHypergradient(oracles, objective: 0, x: xStar, y: inner.y, solver: exactSolve)
            // Errors below 1e-17 are zero to rounding; floor them there so the log axis can show them.
            itdRows.append([Double(d), max(abs(itd.gradient[0] - exactStar) / abs(exactStar), 1e-17),
                            max(abs(aid.gradient[0] - exactStar) / abs(exactStar), 1e-17),
                            max(pow(1 - muStar / LStar, Double(d)), 1e-17)])
        }
        Report.table(["D", "ITD rel. error", "AID at w_D rel. error", "(1 − μ/L)^D"],
                     (stride(from: 0, to: itdRows.count - 1, by: 6).map { itdRows[$0] } + [itdRows.last!]).map {
                         ["\(Int($0[0]))", sci($0[1]), sci($0[2]), sci($0[3])]
                     })
        // The measured decay per inner step, fitted where the errors are between 1e-10 and 1e-2.
        func decay(_ column: Int) -> Double? {
            let points = itdRows.filter { $0[column] > 1e-10 && $0[column] < 1e-2 }
            guard points.count >= 2 else { return nil }
            let slope = leastSquaresSlope(points.map { ($0[0], log($0[column])) })
            return exp(slope)
        }
        print("κ = L/μ = \(fixed(LStar / muStar, 1)) at θ₀; the inner loop contracts by 1 − μ/L = \(fixed(1 - muStar / LStar, 5)) per step")
        if let aidRate = decay(2), let itdRate = decay(1) {
            print("measured decay per step (errors between 1e-10 and 1e-2): AID at w_D \(fixed(aidRate, 5)), ITD \(fixed(itdRate, 5))")
            print("(ITD is a touch slower: its Jacobian J_D sums D terms, so its error behaves like c·D·(1 − μ/L)^D)")
        } else {
            print("the errors fall through 1e-2 … 1e-10 too fast to fit a rate — faster than the worst case (1 − μ/L)^D:")
            print("the directions of least curvature play no part in this problem (Exercise 4 asks why)")
        }

        /*:
         ## 6. A hyperparameter per feature

         Nothing in AID cares that θ is a scalar. With one penalty per weight,
         `½ Σⱼ e^{θⱼ} wⱼ²`, the hypergradient is a vector in R^d,

             ∇Φ(θ) = −diag(e^θ ⊙ w*) (XᵀX + diag(e^θ))⁻¹ X_vᵀ(X_v w* − t_v),

         and one AID call — one linear solve and one mixed product — still computes all
         d components, whereas finite differences would need 2d inner solves.
         */
        let perFeature = try RidgeTuning(X: ridge.X, t: ridge.t, validationX: ridge.validationX,
                                         validationT: ridge.validationT, perFeature: true)
        let perFeatureOracles = CountedOracles(perFeature)
        let thetaVector = (0..<features).map { _ in thetaStar + 0.5 * rng.gaussian() }
        let wVector = perFeature.lowerSolution(x: thetaVector)
        let (aidVector, aidCounts) = try perFeatureOracles.measuring {
            try aidHypergradient(perFeatureOracles, objective: 0, x: thetaVector, y: wVector, solver: exactSolve)
        }
        let exactVector = perFeature.exactHypergradients(x: thetaVector)[0]
        let perFeatureError = norm(aidVector.gradient - exactVector) / norm(exactVector)
        var worstComponent = 0.0
        for j in 0..<features {
            var plus = thetaVector, minus = thetaVector
            plus[j] += h
            minus[j] -= h
            let fd = (perFeature.reducedValues(x: plus)[0] - perFeature.reducedValues(x: minus)[0]) / (2 * h)
            worstComponent = max(worstComponent, abs(fd - aidVector.gradient[j]) / norm(exactVector))
        }
        Report.section("6. Per-feature penalties: d = \(features) hyperparameters")
        print("‖AID − closed form‖ / ‖closed form‖ = \(sci(perFeatureError))")
        print("largest |finite difference − AID| / ‖∇Φ‖ over the \(features) components = \(sci(worstComponent))")
        print("AID cost: \(aidCounts.hessianVector) Hessian-vector products, \(aidCounts.mixedVector) mixed product; "
              + "finite differences: \(2 * features) lower-level solves")

        /*:
         ## 7. What each estimate costs

         The course counts oracle calls rather than seconds: they are the same on every
         machine, and they are what the complexity results of the papers count. At θ₀:
         */
        Report.section("7. Oracle calls per hypergradient at θ₀ = 0")
        let budget = Int((10 * LStar / muStar).rounded(.up))
        let wStar = ridge.lowerSolution(x: xStar)
        let costRows: [(String, HypergradientEstimate)] = [
            ("AID-CG, residual 1e-8", try aidHypergradient(oracles, objective: 0, x: xStar, y: wStar,
                                                          solver: .conjugateGradient(.tolerance(relativeResidual: 1e-8, maxIterations: 1000)))),
            ("AID-Neumann, residual 1e-8", try aidHypergradient(oracles, objective: 0, x: xStar, y: wStar,
                                                               solver: .neumann(eta: 1 / LStar, .tolerance(relativeResidual: 1e-8, maxIterations: 1_000_000)))),
            ("ITD, D = \(budget)", try itdHypergradient(oracles, objective: 0, x: xStar, start: Vector(repeating: 0, count: features),
                                                       steps: budget, stepSize: 1 / LStar)),
        ]
        Report.table(["estimator", "∇g", "∇²g·v", "mixed", "∇f", "vectors held", "rel. error"],
                     costRows.map { name, e in
                         [name, "\(e.counts.lowerGradient)", "\(e.counts.hessianVector)", "\(e.counts.mixedVector)",
                          "\(e.counts.upperGradient)", "\(e.peakVectors)", sci(abs(e.gradient[0] - exactStar) / abs(exactStar))]
                     })
        print("(AID's cost excludes the inner solve that produced w*; ITD's includes its D inner steps.)")
        let costData = costRows.enumerated().map { i, entry in
            [Double(i + 1), Double(entry.1.counts.lowerGradient), Double(entry.1.counts.hessianVector),
             Double(entry.1.counts.mixedVector), Double(entry.1.peakVectors), abs(entry.1.gradient[0] - exactStar) / abs(exactStar)]
        }

        /*:
         ## 8. The figures

         `ch02-ridge` draws Φ(θ) with short tangent segments of slope dΦ/dθ (AID) at a
         few points — the hypergradient *is* the slope — and the minimizer θ*.
         `ch02-itd` draws the two errors of Section 5 against D, with the rate
         (1 − μ/L)^D.
         */
        Report.section("8. Figures")
        var ridgeFigure = try ridgeFigure(landscape: landscape, thetaStar: thetaStar, phiStar: phiStar)
        // The numbers of Sections 4, 6 and 7 travel with the figure (not plotted), so the tests can check them.
        ridgeFigure.blocks += [
            try DataBlock("checks", columns: ["theta", "kappa", "fd", "aid_cg", "aid_neumann", "itd"], rows: checkData),
            try DataBlock("per_feature", columns: ["d", "aid_error", "fd_error"], rows: [[Double(features), perFeatureError, worstComponent]]),
            try DataBlock("costs", columns: ["estimator", "gradients", "hessian_vector", "mixed", "vectors", "error"], rows: costData),
        ]
        Report.save([ridgeFigure, try itdFigure(rows: itdRows, kappa: LStar / muStar)], options: common)

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
         */
    }
}

/// Φ(θ) with tangents of slope dΦ/dθ; datablock `$landscape` (# theta phi dphi) is the
/// contract with the tests.
func ridgeFigure(landscape: [[Double]], thetaStar: Double, phiStar: Double) throws -> Figure {
    var figure = Figure(slug: "ch02-ridge", title: "Ridge tuning: validation loss and its hypergradient",
                        xLabel: "θ = log λ", yLabel: "Φ(θ) = ½‖X_v w*(θ) − t_v‖²")
    figure.comments = ["Chapter 2 — Bilevel problems and hypergradients: the validation loss of ridge tuning."]
    let step = max(1, landscape.count / 6)
    var tangents: [[Double]] = []
    for i in stride(from: step / 2, to: landscape.count, by: step) {
        let (theta, phi, slope) = (landscape[i][0], landscape[i][1], landscape[i][2])
        for dt in [-0.6, 0.6] { tangents.append([theta + dt, phi + slope * dt]) }
        tangents.append([])
    }
    figure.key = "top center"
    figure.blocks = [
        try DataBlock("landscape", columns: ["theta", "phi", "dphi"], rows: landscape),
        try DataBlock("tangents", columns: ["theta", "phi"], rows: tangents),
        try DataBlock("minimum", columns: ["theta", "phi"], rows: [[thetaStar, phiStar]]),
    ]
    figure.series = [
        Series(block: "landscape", style: .lines, title: "Φ(θ)", color: "#000000"),
        Series(block: "tangents", style: .lines, title: "slope dΦ/dθ from AID", color: Figure.palette[0], lineWidth: 2.5),
        Series(block: "minimum", style: .points, title: "θ*: dΦ/dθ = 0", color: Figure.palette[4], pointType: 7, pointSize: 1.6),
    ]
    return figure
}

/// ITD and AID-at-w_D errors against D; datablock `$itd` (# D itd aid rate).
func itdFigure(rows: [[Double]], kappa: Double) throws -> Figure {
    var figure = Figure(slug: "ch02-itd", title: "ITD converges to the hypergradient as D grows (θ = 0, κ = \(fixed(kappa, 1)))",
                        xLabel: "inner steps D", yLabel: "relative error of dΦ/dθ")
    figure.comments = ["Chapter 2 — Bilevel problems and hypergradients: ITD and AID errors at θ = 0 against D."]
    figure.logY = true
    figure.key = "bottom left"
    figure.blocks = [try DataBlock("itd", columns: ["D", "itd", "aid", "rate"], rows: rows)]
    figure.series = [
        Series(block: "itd", x: 1, y: 2, style: .linesPoints, title: "ITD through D steps", color: Figure.palette[0], pointSize: 0.8),
        Series(block: "itd", x: 1, y: 3, style: .linesPoints, title: "AID at w_D (exact solve)", color: Figure.palette[1],
               pointType: 5, pointSize: 0.8),
        Series(block: "itd", x: 1, y: 4, style: .lines, title: "(1 − μ/L)^D", color: "#777777", lineWidth: 1.5, dashType: 2),
    ]
    return figure
}

Chapter02.main()
