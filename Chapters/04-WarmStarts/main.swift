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
 `swift run -c release ch04` (or `make chapter N=4`); `--help` lists the flags.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter04Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    //: The command-line flags (declared in `Flags.swift`; `ch04 --help` lists them) are in `flags`.
    let p = flags.size ?? (flags.common.quick ? 30 : 50)
    let n = 10
    let K = flags.outerSteps
    let depths = flags.depths
    say("Chapter 4 — Warm starts")
    say(
        "seed \(flags.common.seed), n = \(n), p = \(p), κ = \(flags.kappa), K = \(K) outer steps, target \(sci(flags.target)), "
            + "D ∈ \(depths.map(String.init).joined(separator: ", ")), β·L_Φ = \(flags.outerStep)")

    /*:
     ## 1. A bilevel problem whose outer loop converges

     To watch the inner error in isolation we want an outer problem that gradient
     descent solves reliably: a convex quadratic.

         g(x, y) = ½ yᵀA y + xᵀC y + aᵀy            (A with eigenvalues in [1, κ])
         f(x, y) = ½‖y − y_target‖² + (τ/2)‖x‖²        (τ = 0.1)

     Then y*(x) = −A⁻¹(Cᵀx + a) is affine in x, and Φ(x) = f(x, y*(x)) is a strongly
     convex quadratic with Hessian

         ∇²Φ = C A⁻² Cᵀ + τI,

     so we can step with β = 1/L_Φ, L_Φ its largest eigenvalue (`--outer-step` changes the
     factor). The inner step is α = 1/L = 1/κ.
     */
    func convexQuadratic(n: Int, p: Int, kappa: Double, tau: Double, using rng: inout SeededGenerator) throws
        -> QuadraticBilevel
    {
        let a = rng.symmetricMatrix(eigenvalues: logSpaced(from: 1, to: kappa, count: p))
        let c = rng.gaussianMatrix(rows: n, columns: p, scale: 1 / Double(p).squareRoot())
        let upper = QuadraticBilevel.Upper(
            F: .identity(p), H: .diagonal(Vector(repeating: tau, count: n)), K: Matrix(rows: n, columns: p),
            c: -1.0 * rng.gaussianVector(p), h: Vector(repeating: 0, count: n))
        return try QuadraticBilevel(
            A: a, B: Matrix(rows: n, columns: n), C: c, a: rng.gaussianVector(p),
            b: Vector(repeating: 0, count: n), upper: [upper])
    }

    /// ∇²Φ = C A⁻¹ F A⁻¹ Cᵀ + τI for the problem above (F = I): n dense solves.
    func outerHessian(_ problem: QuadraticBilevel) throws -> Matrix {
        let cholesky = try Cholesky(problem.A)
        let columns = (0..<problem.upperDimension).map { cholesky.solve(problem.C.row($0)) }  // A⁻¹Cᵀ, column by column
        var hessian = problem.upper[0].H
        for i in columns.indices { for j in columns.indices { hessian[i, j] += dot(columns[i], columns[j]) } }
        return hessian
    }

    var rng = flags.common.generator()
    let problem = try convexQuadratic(n: n, p: p, kappa: flags.kappa, tau: 0.1, using: &rng)
    let outerEigenvalues = try symmetricEigenvalues(outerHessian(problem))
    let (muPhi, LPhi) = (outerEigenvalues.first!, outerEigenvalues.last!)
    let beta = flags.outerStep / LPhi
    let alpha = 1 / problem.curvature.L
    let x0 = rng.gaussianVector(n)
    let y0 = Vector(repeating: 0, count: p)
    say(
        "outer problem: μ_Φ = \(sci(muPhi)), L_Φ = \(sci(LPhi)), β = \(flags.outerStep)/L_Φ = \(sci(beta)); inner α = 1/L = \(sci(alpha))"
    )

    /*:
     ## 2. The experiment

     The outer loop is the library's `HypergradientDescent` (Sources/MOBL/Algorithms),
     which for K outer steps runs

         y_k ← D steps of y − α ∇_y g(x_k, y),  from y₀ = 0 (cold) or from y_{k−1} (warm)
         v_k solves ∇²_yy g v = ∇_y f with CG to a relative residual of 1e-10, from 0 or v_{k−1}
         ĥ_k = ∇_x f − ∇²_xy g v_k,    x_{k+1} = x_k − β ĥ_k

     and hands every step to an observer. The algorithm sees only oracles; our observer
     uses the problem's exact answers (dense solves) to measure, at every step, the
     inner error ‖y_k − y*(x_k)‖ and the hypergradient error ‖ĥ_k − ∇Φ(x_k)‖, in units
     of ‖∇Φ(x₀)‖. We run three variants for each D: cold y and cold v, warm y and cold v,
     warm y and warm v.

     What to expect. Write e_k for the inner error at step k and ρ_D = (1 − μ/L)^D.
     Cold: e_k ≤ ρ_D‖0 − y*(x_k)‖ at every step, and since y*(x_k) does not shrink to
     zero the cold error levels off on a floor once x settles — and so does the
     hypergradient error. Warm: the start is off by e_{k−1} plus how far y* moved,

         e_k ≤ ρ_D (e_{k−1} + ‖y*(x_k) − y*(x_{k−1})‖) ≤ ρ_D (e_{k−1} + ‖A⁻¹Cᵀ‖ β ‖ĥ_{k−1}‖),

     so e_k settles at the level ρ_D/(1 − ρ_D) · ‖A⁻¹Cᵀ‖β‖ĥ‖, which shrinks with D —
     and keeps shrinking as the outer loop converges and ĥ → 0.
     */
    enum Start: Int, CaseIterable {
        case cold, warmInner, warmBoth
        var label: String { ["cold y, cold v", "warm y, cold v", "warm y, warm v"][rawValue] }
    }

    /// One run of the outer loop, as the observer measured it.
    struct WarmStartRun {
        let depth: Int
        let start: Start
        /// ‖y_k − y*(x_k)‖, ‖y*(x_k)‖, ‖ĥ_k − ∇Φ(x_k)‖/‖∇Φ(x₀)‖ and ‖∇Φ(x_k)‖/‖∇Φ(x₀)‖ at every step.
        var innerError: [Double] = [], yStarNorm: [Double] = [], hypergradientError: [Double] = [],
            gradientRatio: [Double] = []
        /// CG products spent at step k.
        var cgProducts: [Int] = []
        /// The first k with ‖∇Φ(x_k)‖ ≤ target·‖∇Φ(x₀)‖, and the oracle calls spent before it.
        var reached: (k: Int, counts: OracleCounts)?
    }

    let initialGradientNorm = norm(problem.exactHypergradients(x: x0)[0])

    func measure(depth: Int, start: Start) throws -> WarmStartRun {
        let descent = HypergradientDescent(
            outerSteps: K, innerSteps: depth, alpha: alpha, beta: beta,
            solver: .conjugateGradient(.tolerance(relativeResidual: 1e-10, maxIterations: 10_000)),
            warmInner: start != .cold, warmSolve: start == .warmBoth)
        var run = WarmStartRun(depth: depth, start: start)
        var spent = OracleCounts()
        _ = try descent.run(problem, x0: x0, y0: y0) { step in
            let yStar = problem.lowerSolution(x: step.x)
            let exact = problem.exactHypergradients(x: step.x)[0]
            if run.reached == nil && norm(exact) <= flags.target * initialGradientNorm { run.reached = (step.k, spent) }
            run.innerError.append(norm(step.y - yStar))
            run.yStarNorm.append(norm(yStar))
            run.hypergradientError.append(norm(step.hypergradients[0] - exact) / initialGradientNorm)
            run.gradientRatio.append(norm(exact) / initialGradientNorm)
            run.cgProducts.append(step.solveProducts)
            spent = step.counts
            return true
        }
        return run
    }

    var runs: [WarmStartRun] = []
    for d in depths {
        for start in Start.allCases {
            progress("D = \(d), \(start.label)")
            runs.append(try measure(depth: d, start: start))
        }
    }
    func run(_ depth: Int, _ start: Start) -> WarmStartRun { runs.first { $0.depth == depth && $0.start == start }! }

    /*:
     The inner error at a few outer steps, warm (y and v) against cold, and the cold
     floor at the last step against its bound (1 − μ/L)^D ‖y*(x_k)‖:
     */
    let shownSteps = Array(Set([0, 1, 5, 20, 50, K / 2, K - 1].filter { $0 < K })).sorted()

    func errorTable(_ name: String, _ values: (WarmStartRun) -> [Double]) -> Table {
        // weave: begin-hide
        var table = Table(
            name,
            [.init("D", format: .integer), .init("start", format: .label(["cold", "warm"]))]
                + shownSteps.map { .init("k\($0)", "k = \($0)", format: .scientific(2)) })
        // weave: end
        for d in depths {
            for start in [Start.warmBoth, .cold] {
                var cells: [(String, Double?)] = [("D", Double(d)), ("start", start == .cold ? 0 : 1)]
                cells += shownSteps.map { ("k\($0)", values(run(d, start))[$0]) }
                table.append(cells)
            }
        }
        return table
    }

    section("2. Inner error ‖y_k − y*(x_k)‖ at a few outer steps")
    let innerErrors = errorTable("inner_error_at", \.innerError)
    show(innerErrors)
    // weave: begin-hide
    var floors = Table(
        "cold_floor",
        [
            .init("D", format: .integer), .init("floor", "cold error at k = K−1", format: .scientific(2)),
            .init("bound", "(1 − μ/L)^D ‖y*‖", format: .scientific(2)),
        ])
    // weave: end
    for d in depths {
        let cold = run(d, .cold)
        floors.append([
            "D": Double(d), "floor": cold.innerError[K - 1],
            "bound": pow(1 - 1 / flags.kappa, Double(d)) * cold.yStarNorm[K - 1],
        ])
    }
    show(floors)

    section("Hypergradient error ‖ĥ_k − ∇Φ(x_k)‖ / ‖∇Φ(x₀)‖")
    let hypergradientErrors = errorTable("hypergradient_error_at", \.hypergradientError)
    show(hypergradientErrors)

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
    section("3. Oracle calls to reach ‖∇Φ(x_k)‖ ≤ \(sci(flags.target)) · ‖∇Φ(x₀)‖")
    let notReached = "not in \(K)"
    // weave: begin-hide
    var cost = Table(
        "cost",
        [
            .init("D", format: .integer),
            .init("start", "variant", format: .label(Start.allCases.map(\.label))),
            .init("steps", "outer steps", format: .integer, missing: notReached),
            .init("gradients", "∇_y g calls", format: .integer, missing: "-"),
            .init("products", "∇²g·v products", format: .integer, missing: "-"),
            .init("per_step", "per step", format: .fixed(1), missing: "-"),
            .init("final_ratio", "final ‖∇Φ‖/‖∇Φ₀‖", format: .scientific(2)),
        ])
    // weave: end
    for d in depths {
        for start in Start.allCases {
            let r = run(d, start)
            let final = r.gradientRatio.last!
            if let (k, spent) = r.reached {
                let products = Double(spent.hessianVector)
                cost.append([
                    "D": Double(d), "start": Double(start.rawValue), "steps": Double(k),
                    "gradients": Double(spent.lowerGradient),
                    "products": products, "per_step": k > 0 ? products / Double(k) : 0, "final_ratio": final,
                ])
            } else {
                cost.append([
                    "D": Double(d), "start": Double(start.rawValue), "steps": nil, "gradients": nil,
                    "products": nil, "per_step": nil, "final_ratio": final,
                ])
            }
        }
    }
    show(cost)

    /*:
     ## 4. The figures

     `ch04-warm-start`: the inner error against the outer step for every D, warm
     (solid) and cold (dashed), on a log scale — the cold floors are flat, the warm
     curves fall with the outer loop. `ch04-cg-warm-start`: the CG products of each
     outer step for the largest D, started from v = 0 or from the previous v.
     */
    // weave: begin-hide
    func warmStartFigure() throws -> Figure {
        func groups(_ values: KeyPath<WarmStartRun, [Double]>) -> [[[Double]]] {
            depths.map { d in
                (0..<K).map { k in
                    [
                        Double(d), Double(k), max(run(d, .warmBoth)[keyPath: values][k], 1e-300),
                        run(d, .cold)[keyPath: values][k],
                    ]
                }
            }
        }
        let inner = try DataBlock("inner_error", columns: ["D", "k", "warm", "cold"], groups: groups(\.innerError))
        let hyper = try DataBlock(
            "hypergradient_error", columns: ["D", "k", "warm", "cold"], groups: groups(\.hypergradientError))
        return try Figure.curves(
            "ch04-warm-start", title: "Inner error along the outer loop: warm (solid) vs cold (dashed) starts",
            x: "outer step k", y: "‖y_k − y*(x_k)‖", log: .y, key: "bottom left",
            comment:
                "Chapter 4 — Warm starts: inner error at every outer step for D = \(depths.map(String.init).joined(separator: ", ")).",
            against: "k",
            Curve.groups("warm", data: inner, titles: depths.map { "D = \($0)" })
                + Curve.groups("cold", data: inner, titles: depths.map { _ in nil }, pairedWithFirst: 0),
            alsoSaving: [hyper])
    }
    // weave: end

    // weave: begin-hide
    func cgFigure(depth: Int) throws -> Figure {
        let cold = run(depth, .warmInner).cgProducts, warm = run(depth, .warmBoth).cgProducts
        let products = try DataBlock(
            "cg_products", Array(cold.indices),
            ["k": { Double($0) }, "cold": { Double(cold[$0]) }, "warm": { Double(warm[$0]) }])
        return try Figure.curves(
            "ch04-cg-warm-start", title: "CG products per outer step (D = \(depth), warm inner loop)",
            x: "outer step k", y: "Hessian-vector products of the solve",
            comment: "Chapter 4 — Warm starts: CG started from v = 0 or from the previous outer step's v.",
            data: products, against: "k",
            [Curve("warm", "CG from the previous v", .lines), Curve("cold", "CG from v = 0", .lines)])
    }
    // weave: end

    section("4. Figures")
    // weave: begin-hide
    save(
        figures: [try warmStartFigure(), try cgFigure(depth: depths.last!)],
        tables: [innerErrors, floors, hypergradientErrors, cost], flags: flags.common)
    // weave: end

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

     Worked solutions: `book/solutions/04.md`.
     */
} catch { fail("\(error)") }  // weave: hide
