/*:
 # Chapter 4 — Warm starts

 Chapters 2 and 3 computed one hypergradient at one x, with the lower level solved
 exactly. An algorithm computes thousands, one per outer step, and cannot afford an
 exact inner solve each time. WC-MHGD's answer is cheap and old: run only D inner
 gradient steps, but **start them where the last outer step left off**. This chapter
 measures why that works:

 - the outer loop x_{k+1} = x_k − β ∇Φ̂(x_k) moves x by O(β), so y*(x_k) moves by
   O(β·‖∇y*‖) — a little — and the previous y is already a good start;
 - started cold, D steps can only shrink the inner error to (1 − μ/L)^D of its
   starting size, every time, and the hypergradient inherits that error forever;
 - the same trick applies to CG: start the solve of H v = ∇_y f from the previous v.

 Builds on Chapter 2 (AID) and Chapter 3 (CG). Run it with
 `swift run -c release ch04` (or `make chapter N=4`); it writes
 `figures/ch04-warm-start.gp` and `figures/ch04-cg-warm-start.gp`.
 */
import ArgumentParser
import Foundation
import MOBL

struct Chapter04: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ch04",
        abstract: "Chapter 4 — Warm starts of the inner loop and of CG in hypergradient descent.",
        discussion: """
            Runs hypergradient descent on a quadratic bilevel problem with D ∈ {1, 2, 4, 8} inner \
            steps started warm (from the previous y) or cold (from y₀ = 0), tracks the inner error \
            ‖y_k − y*(x_k)‖ and the hypergradient error, warm-starts CG from the previous v, and \
            counts the oracle calls each variant needs to reach a target accuracy. Writes \
            figures/ch04-warm-start.gp and figures/ch04-cg-warm-start.gp.
            """)

    @OptionGroup var common: ChapterOptions

    @Option(help: "Outer steps K (10…100000).")
    var outerSteps = 200

    @Option(help: "Lower-level size p (2…1000; default 50, 30 with --quick).")
    var size: Int?

    @Option(help: "Condition number κ of the lower-level Hessian (1…10000).")
    var kappa = 10.0

    @Option(help: "Target: ‖∇Φ(x_k)‖ ≤ target · ‖∇Φ(x₀)‖ (1e-12…1e-1).")
    var target = 1e-6

    @Option(parsing: .upToNextOption, help: "Inner steps D to compare, 1 to 8 values, each 1…10000.")
    var depths: [Int] = [1, 2, 4, 8]

    @Option(name: .customLong("outer-step"), help: "The outer step β in units of 1/L_Φ (0 < β·L_Φ < 2).")
    var outerStep = 1.0

    mutating func validate() throws {
        try FlagCheck.require(outerSteps, in: 10...100_000, flag: "--outer-steps")
        if let p = size { try FlagCheck.require(p, in: 2...1000, flag: "--size") }
        try FlagCheck.require(kappa, in: 1...10_000, flag: "--kappa")
        try FlagCheck.require(target, in: 1e-12...1e-1, flag: "--target")
        try FlagCheck.require(depths.count, in: 1...8, flag: "--depths (count)")
        for d in depths { try FlagCheck.require(d, in: 1...10_000, flag: "--depths") }
        guard Set(depths).count == depths.count else { throw ValidationError("--depths \(depths) repeats a value: each D once") }
        try FlagCheck.require(outerStep, above: 0, upTo: 2, closed: false, flag: "--outer-step")
    }

    func run() throws {
        let steps = outerSteps
        let p = size ?? (common.quick ? 30 : 50)
        let n = 10
        print("Chapter 4 — Warm starts")
        let depths = self.depths.sorted()
        print("seed \(common.seed), n = \(n), p = \(p), κ = \(kappa), K = \(steps) outer steps, target \(sci(target)), "
              + "D ∈ \(depths.map(String.init).joined(separator: ", ")), β·L_Φ = \(outerStep)")

        /*:
         ## 1. A bilevel problem whose outer loop converges

         To watch the inner error in isolation we want an outer problem that gradient
         descent solves reliably: a convex quadratic.

             g(x, y) = ½ yᵀA y + xᵀC y + aᵀy            (A with eigenvalues in [1, κ])
             f(x, y) = ½‖y − y_target‖² + (τ/2)‖x‖²        (τ = 0.1)

         Then y*(x) = −A⁻¹(Cᵀx + a) is affine in x, Φ(x) = f(x, y*(x)) is a strongly
         convex quadratic with Hessian ∇²Φ = C A⁻² Cᵀ + τI, and we step with β = 1/L_Φ,
         L_Φ its largest eigenvalue (`--outer-step` changes the factor). The inner step
         is α = 1/L = 1/κ.
         */
        var rng = common.generator()
        let problem = try convexQuadratic(n: n, p: p, kappa: kappa, rho: 0.1, using: &rng)
        let phiHessianEigenvalues = try symmetricEigenvalues(outerHessian(problem))
        let beta = outerStep / phiHessianEigenvalues.last!
        let alpha = 1 / problem.curvature.L
        let x0 = rng.gaussianVector(n)
        print("outer problem: μ_Φ = \(sci(phiHessianEigenvalues.first!)), L_Φ = \(sci(phiHessianEigenvalues.last!)), "
              + "β = \(outerStep)/L_Φ = \(sci(beta)); inner α = 1/L = \(sci(alpha))")

        /*:
         ## 2. The experiment

         For D ∈ {1, 2, 4, 8}, run K outer steps of

             y ← D steps of y − α ∇_y g(x_k, y),  from y₀ = 0 (cold) or from the last y (warm)
             ĥ_k = AID hypergradient at (x_k, y) with CG to a relative residual of 1e-10
             x_{k+1} = x_k − β ĥ_k

         recording the inner error ‖y − y*(x_k)‖ and the hypergradient error
         ‖ĥ_k − ∇Φ(x_k)‖, in units of ‖∇Φ(x₀)‖ (`hypergradientDescent` below; the exact
         answers come from the problem's dense solves and are used only for measuring).

         What to expect. Write e_k for the inner error at step k and ρ_D = (1 − μ/L)^D.
         Cold: e_k ≤ ρ_D‖0 − y*(x_k)‖ at every step, and since y*(x_k) does not shrink to
         zero the cold error levels off on a floor once x settles — and so does the
         hypergradient error. Warm: the start is off by e_{k−1} plus how far
         y* moved,

             e_k ≤ ρ_D (e_{k−1} + ‖y*(x_k) − y*(x_{k−1})‖) ≤ ρ_D (e_{k−1} + ‖A⁻¹Cᵀ‖ β ‖ĥ_{k−1}‖),

         so e_k settles at the level ρ_D/(1 − ρ_D) · ‖A⁻¹Cᵀ‖β‖ĥ‖, which shrinks with D —
         and keeps shrinking as the outer loop converges and ĥ → 0.
         */
        var traces: [String: Trace] = [:]
        for d in depths {
            for warmInner in [true, false] {
                for warmCG in warmInner ? [true, false] : [false] {
                    traces[Trace.key(d, warmInner, warmCG)] = try hypergradientDescent(
                        problem, x0: x0, steps: steps, innerSteps: d, alpha: alpha, beta: beta,
                        warmInner: warmInner, warmCG: warmCG, target: target)
                }
            }
        }
        Report.section("2. Inner error ‖y_k − y*(x_k)‖ at a few outer steps")
        let shown = Array(Set([0, 1, 5, 20, 50, steps / 2, steps - 1].filter { $0 < steps })).sorted()
        Report.table(["D", "start"] + shown.map { "k = \($0)" },
                     depths.flatMap { d in
                         [("warm", true), ("cold", false)].map { name, warm in
                             let t = traces[Trace.key(d, warm, warm)]!
                             return ["\(d)", name] + shown.map { sci(t.innerError[$0]) }
                         }
                     })
        let floor = depths.map { d -> String in
            let t = traces[Trace.key(d, false, false)]!
            return "D = \(d): \(sci(t.innerError[steps - 1])) vs ρ_D·‖y*‖ = \(sci(pow(1 - 1 / kappa, Double(d)) * t.yStarNorm[steps - 1]))"
        }
        print("cold floor at the last step, against its bound (1 − μ/L)^D ‖y*(x_k)‖:")
        floor.forEach { print("  " + $0) }

        Report.section("Hypergradient error ‖ĥ_k − ∇Φ(x_k)‖ / ‖∇Φ(x₀)‖")
        Report.table(["D", "start"] + shown.map { "k = \($0)" },
                     depths.flatMap { d in
                         [("warm", true), ("cold", false)].map { name, warm in
                             let t = traces[Trace.key(d, warm, warm)]!
                             return ["\(d)", name] + shown.map { sci(t.hypergradientError[$0]) }
                         }
                     })

        /*:
         ## 3. What it costs to reach the target

         The measure that matters: oracle calls until the outer loop has converged,
         ‖∇Φ(x_k)‖ ≤ target · ‖∇Φ(x₀)‖. A cold inner loop leaves a hypergradient bias
         that does not vanish, so the iterates stall at a distance from x* set by the
         floor: unless D is large, the target is never reached. Warm inner loops reach
         it, and warm-starting CG (v from the previous outer step) cuts the
         Hessian-vector products of each solve, because v*(x_k) moves as little as
         y*(x_k) does.
         */
        Report.section("3. Oracle calls to reach ‖∇Φ(x_k)‖ ≤ \(sci(target)) · ‖∇Φ(x₀)‖")
        var costRows: [[String]] = []
        var costData: [[Double]] = []
        for d in depths {
            for (name, warmInner, warmCG) in [("cold y, cold v", false, false), ("warm y, cold v", true, false),
                                              ("warm y, warm v", true, true)] {
                let t = traces[Trace.key(d, warmInner, warmCG)]!
                let final = sci(t.gradientNormRatio.last!)
                let reached = t.reachedAt.map { k in
                    k == 0 ? [0, 0, 0] : [Double(k), Double(t.gradientCalls[k - 1]), Double(t.hessianProducts[k - 1])]
                }
                costData.append([Double(d), warmInner ? 1 : 0, warmCG ? 1 : 0] + (reached ?? [-1, -1, -1]) + [t.gradientNormRatio.last!])
                if let k = t.reachedAt, k > 0 {    // k steps were taken before the target held
                    costRows.append(["\(d)", name, "\(k)", "\(t.gradientCalls[k - 1])", "\(t.hessianProducts[k - 1])",
                                     fixed(Double(t.hessianProducts[k - 1]) / Double(k), 1), final])
                } else {
                    costRows.append(["\(d)", name, "not in \(steps)", "-", "-", "-", final])
                }
            }
        }
        Report.table(["D", "variant", "outer steps", "∇_y g calls", "∇²g·v products", "per step", "final ‖∇Φ‖/‖∇Φ₀‖"], costRows)

        /*:
         ## 4. The figures

         `ch04-warm-start`: the inner error against the outer step for every D, warm
         (solid) and cold (dashed), on a log scale — the cold floors are flat, the warm
         curves fall with the outer loop. `ch04-cg-warm-start`: the CG products of each
         outer step for the largest D, started from v = 0 or from the previous v.
         */
        Report.section("4. Figures")
        let deepest = depths.last!
        Report.save([try warmStartFigure(traces: traces, depths: depths, steps: steps),
                     try cgFigure(cold: traces[Trace.key(deepest, true, false)]!, warm: traces[Trace.key(deepest, true, true)]!,
                                  depth: deepest, cost: costData)], options: common)

        /*:
         ## Summary

         - Cold inner loops cap the accuracy: the inner error stays on a floor (at most
           (1 − μ/L)^D ‖y₀ − y*‖) and the hypergradient bias with it, however long the
           outer loop runs.
         - Warm inner loops carry the accuracy forward: the error settles at a level
           that shrinks with D and vanishes as the outer loop converges — which is why
           WC-MHGD can use small D.
         - The same holds for the linear solve: warm-started CG needs fewer products per
           outer step.
         - Count oracle calls to a target, not per step: a cheap step that never
           converges costs more than any step that does.

         ## Exercises

         1. Run `swift run -c release ch04 --kappa 100`. Which D still reaches the
            target warm, and how does the cold floor (1 − 1/κ)^D ‖y*‖ change?
         2. Run with `--outer-step 1.9` (β = 1.9/L_Φ, near the outer loop's stability
            limit 2/L_Φ). Do the warm inner errors grow or shrink, and is the target
            reached sooner or later? The bound of Section 2 has two sides: a larger β
            moves y* further per step, but ĥ shrinks faster — which wins here?
         3. Replace CG's tolerance 1e-10 by a fixed budget of 5 iterations. Does warm
            starting CG now change the *accuracy* rather than the cost?
         4. How large must D be for the cold variant to reach the target? Predict it
            from the floor (1 − 1/κ)^D ‖y*‖, then check with
            `--target 1e-3 --depths 20 40 60 80 100`.
         */
    }
}

/// One outer run: per-step errors and cumulative costs.
struct Trace {
    var innerError: [Double] = []
    /// ‖ĥ_k − ∇Φ(x_k)‖ / ‖∇Φ(x₀)‖.
    var hypergradientError: [Double] = []
    var yStarNorm: [Double] = []
    /// ‖∇Φ(x_k)‖ / ‖∇Φ(x₀)‖.
    var gradientNormRatio: [Double] = []
    /// Cumulative ∇_y g calls and Hessian-vector products after step k.
    var gradientCalls: [Int] = []
    var hessianProducts: [Int] = []
    /// CG products spent at step k.
    var cgProducts: [Int] = []
    /// The first step at which the target was met.
    var reachedAt: Int?

    static func key(_ d: Int, _ warmInner: Bool, _ warmCG: Bool) -> String { "\(d)-\(warmInner)-\(warmCG)" }
}

/// Hypergradient descent with D inner steps (warm or cold) and AID-CG (warm or cold).
func hypergradientDescent(_ problem: QuadraticBilevel, x0: Vector, steps: Int, innerSteps: Int, alpha: Double,
                          beta: Double, warmInner: Bool, warmCG: Bool, target: Double) throws -> Trace {
    let oracles = CountedOracles(problem)
    var x = x0
    let zero = Vector(repeating: 0, count: problem.lowerDimension)
    var y = zero
    var v: Vector? = nil
    let initialNorm = norm(problem.exactHypergradients(x: x0)[0])
    var trace = Trace()
    for k in 0..<steps {
        let yStar = problem.lowerSolution(x: x)
        let exact = problem.exactHypergradients(x: x)[0]
        trace.gradientNormRatio.append(norm(exact) / initialNorm)
        if trace.reachedAt == nil && norm(exact) <= target * initialNorm { trace.reachedAt = k }
        y = try innerGradientDescent(oracles, x: x, start: warmInner ? y : zero, steps: innerSteps,
                                     stepSize: alpha, measureFinalGradient: false).y
        let estimate = try aidHypergradient(oracles, objective: 0, x: x, y: y,
                                            solver: .conjugateGradient(.tolerance(relativeResidual: 1e-10, maxIterations: 10_000)),
                                            warmStart: warmCG ? v : nil)
        guard estimate.solve!.converged else { throw DidNotConverge("CG in outer step \(k)", "residual \(estimate.solve!.relativeResidual)") }
        v = estimate.v
        trace.innerError.append(norm(y - yStar))
        trace.yStarNorm.append(norm(yStar))
        trace.hypergradientError.append(norm(estimate.gradient - exact) / initialNorm)
        trace.cgProducts.append(estimate.counts.hessianVector)
        trace.gradientCalls.append(oracles.counts.lowerGradient)
        trace.hessianProducts.append(oracles.counts.hessianVector)
        axpy(-beta, estimate.gradient, &x)
    }
    return trace
}

/// g = ½yᵀAy + xᵀCy + aᵀy and f = ½‖y − y_target‖² + (ρ/2)‖x‖²: Φ is a strongly convex quadratic.
func convexQuadratic(n: Int, p: Int, kappa: Double, rho: Double, using rng: inout SeededGenerator) throws -> QuadraticBilevel {
    let a = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: kappa, count: p))
    var c = Matrix(rows: n, columns: p)
    c.storage = rng.gaussianVector(n * p).map { $0 / Double(p).squareRoot() }
    var h = Matrix.identity(n)
    h.storage = h.storage.map { rho * $0 }
    let upper = QuadraticBilevel.Upper(F: .identity(p), H: h, K: Matrix(rows: n, columns: p),
                                       c: rng.gaussianVector(p).map { -$0 }, h: Vector(repeating: 0, count: n))
    return try QuadraticBilevel(A: a, B: Matrix(rows: n, columns: n), C: c, a: rng.gaussianVector(p),
                                b: Vector(repeating: 0, count: n), upper: [upper])
}

/// ∇²Φ = C A⁻¹ F A⁻¹ Cᵀ + H for the problem above (F = I): n dense solves.
func outerHessian(_ problem: QuadraticBilevel) throws -> Matrix {
    let cholesky = try Cholesky(problem.A)
    let n = problem.upperDimension
    let columns = (0..<n).map { cholesky.solve(problem.C.row($0)) }      // A⁻¹Cᵀ, column by column
    var hessian = problem.upper[0].H
    for i in 0..<n { for j in 0..<n { hessian[i, j] += dot(columns[i], columns[j]) } }
    return hessian
}

func warmStartFigure(traces: [String: Trace], depths: [Int], steps: Int) throws -> Figure {
    var figure = Figure(slug: "ch04-warm-start", title: "Inner error along the outer loop: warm (solid) vs cold (dashed) starts",
                        xLabel: "outer step k", yLabel: "‖y_k − y*(x_k)‖")
    figure.comments = ["Chapter 4 — Warm starts: inner error at every outer step for D = \(depths.map(String.init).joined(separator: ", "))."]
    figure.logY = true
    figure.key = "bottom left"
    let groups = depths.map { d in
        (0..<steps).map { k in
            [Double(d), Double(k), max(traces[Trace.key(d, true, true)]!.innerError[k], 1e-300),
             traces[Trace.key(d, false, false)]!.innerError[k]]
        }
    }
    let hypergradientGroups = depths.map { d in
        (0..<steps).map { k in
            [Double(d), Double(k), max(traces[Trace.key(d, true, true)]!.hypergradientError[k], 1e-300),
             traces[Trace.key(d, false, false)]!.hypergradientError[k]]
        }
    }
    figure.blocks = [try DataBlock("inner_error", columns: ["D", "k", "warm", "cold"], groups: groups),
                     try DataBlock("hypergradient_error", columns: ["D", "k", "warm", "cold"], groups: hypergradientGroups)]
    for (i, d) in depths.enumerated() {
        let color = Figure.palette[i]
        figure.series.append(Series(block: "inner_error", index: i, x: 2, y: 3, style: .lines, title: "D = \(d)", color: color))
        figure.series.append(Series(block: "inner_error", index: i, x: 2, y: 4, style: .lines, title: nil, color: color, dashType: 2))
    }
    return figure
}

/// The CG products per outer step for D = 8; also carries Section 3's cost table as
/// the (unplotted) datablock `$cost`: D, warm inner (1) or cold (0), warm CG (1) or
/// cold (0), outer steps / ∇_y g calls / products to the target (−1: not reached), and
/// the final ‖∇Φ‖/‖∇Φ(x₀)‖.
func cgFigure(cold: Trace, warm: Trace, depth: Int, cost: [[Double]]) throws -> Figure {
    var figure = Figure(slug: "ch04-cg-warm-start", title: "CG products per outer step (D = \(depth), warm inner loop)",
                        xLabel: "outer step k", yLabel: "Hessian-vector products of the solve")
    figure.comments = ["Chapter 4 — Warm starts: CG started from v = 0 or from the previous outer step's v."]
    figure.key = "top right"
    figure.blocks = [try DataBlock("cg_products", columns: ["k", "cold", "warm"],
                                   rows: cold.cgProducts.indices.map { [Double($0), Double(cold.cgProducts[$0]), Double(warm.cgProducts[$0])] }),
                     try DataBlock("cost", columns: ["D", "warm_inner", "warm_cg", "steps", "gradients", "products", "final_ratio"],
                                   rows: cost)]
    figure.series = [
        Series(block: "cg_products", x: 1, y: 2, style: .lines, title: "CG from v = 0", color: Figure.palette[1]),
        Series(block: "cg_products", x: 1, y: 3, style: .lines, title: "CG from the previous v", color: Figure.palette[0]),
    ]
    return figure
}

Chapter04.main()
