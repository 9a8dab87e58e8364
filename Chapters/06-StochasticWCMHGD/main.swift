/*:
 # Chapter 6 — Stochastic WC-MHGD

 Chapter 5 ran WC-MHGD with exact oracles: every $\nabla_y g$, every Hessian-vector
 product and every value was the full one. In learning, $g$ is a loss over $N$ training
 samples, and touching all $N$ of them for every product is what we cannot afford. This
 chapter replaces every sampled oracle by a **mini-batch mean** and measures what that
 costs and what it buys:

 - a finite-sum version of the $S = 2$ MOBL toy whose *full* problem is exactly the
   deterministic toy, so that its front and its Chebyshev optimum are still known (§1);
 - the stochastic hypergradient — a Neumann series with a fresh Hessian batch per term —
   and its variance against the batch size $B$, next to the law we derive (§2);
 - stochastic WC-MHGD, checked against the deterministic algorithm with full batches (§3)
   and compared with batches $N$, $N/10$ and $N/100$ on the only fair clock, **samples
   processed**, over five seeds (§4);
 - a moving average on the weights $\lambda$, and what it does and does not fix (§5);
 - the stochastic claims of the WC-MHGD paper
   ([Zhang et al. 2025](references.md#zhang-et-al-2025)), next to what we measure (§6).

 It builds on Chapter 3 (stochastic Neumann), Chapter 4 (warm starts) and Chapter 5
 (WC-MHGD). Run it with `swift run -c release ch06` (or `make chapter N=6`); `--help`
 lists the flags.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter06Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    //: The command-line flags (declared in `Flags.swift`; `ch06 --help` lists them) are in `flags`.
    let N = flags.samples ?? (flags.common.quick ? 200 : 1000)
    let K = flags.outerSteps ?? (flags.common.quick ? 20 : 100)
    let R = flags.repetitions ?? (flags.common.quick ? 30 : 100)
    let Q = flags.terms
    let rho = flags.perturbation
    let divisors = flags.divisors
    say("Chapter 6 — Stochastic WC-MHGD")
    say("seed \(flags.common.seed), N = \(N) samples, δ = \(rho), K = \(K) full-batch steps, Q = \(Q) Neumann terms,")
    say(
        "batches N/d for d ∈ \(divisors.map(String.init).joined(separator: ", ")), R = \(R) draws, ω = \(flags.averaging)"
            + (flags.cg ? ", CG (m = 5) on one batch Hessian" : ""))

    /*:
     ## 1. A finite sum whose mean is the toy

     The deterministic toy of Chapter 5 is $g(x, y) = \tfrac12 y^\top A y - y^\top B_{\mathrm{toy}} x$
     with the eigenvalues of $A$ log-spaced in $[1, 10]$ and $B_{\mathrm{toy}} = I$
     ($n = p = 10$), and the VLMOP2 objectives $f_s(y)$. We split $g$ into $N$ samples,

     $$
     g(x, y) = \frac1N \sum_{i=1}^{N} g_i(x, y), \qquad
     g_i(x, y) = \tfrac12 y^\top A_i y - y^\top B_i x, \qquad
     A_{2j,\,2j+1} = A \pm E_j, \quad B_{2j,\,2j+1} = B_{\mathrm{toy}} \pm F_j .
     \tag{6.1}
     $$

     Because the perturbations come in $\pm$ pairs, $\frac1N\sum_i A_i = A$ and
     $\frac1N\sum_i B_i = B_{\mathrm{toy}}$ *exactly*: the full problem is the deterministic
     toy, with the same $y^*(x)$, hypergradients, front and Chebyshev optima. Each $E_j$ is a
     random symmetric matrix scaled to spectral norm $\delta\mu$ and each $F_j$ a random
     matrix scaled to $\lVert F_j \rVert = \delta \lVert B_{\mathrm{toy}} \rVert$, so every
     $A_i$ has its eigenvalues in $[(1 - \delta)\mu,\ L + \delta\mu]$: each sample is itself a
     strongly convex lower level. ($\delta$ is `--perturbation`.)

     One convention holds for every finite sum in the library: **a batch oracle returns the
     mean over its batch**, for instance $\frac1B \sum_{i \in \mathcal{B}} (A_i y - B_i x)$
     for $\nabla_y g$. For a batch $\mathcal{B}$ of $B$ distinct samples drawn uniformly,
     each sample is in it with probability $B/N$, so the mean is unbiased; the counters add
     $B$ to `samples` for every batch oracle call. The upper objectives have no samples
     here: their "batch" oracles are the full ones and count nothing. The library's
     `FiniteSumMOBLToy` (Sources/MOBL/Problems; it calls $A$ `Q` and $B_{\mathrm{toy}}$ `B`)
     builds all this and checks every $A_i$ with a Cholesky factorization.
     */
    var rng = flags.common.generator()
    let toy = try MOBLToy.standard(.vlmop2, dimension: 10, kappa: 10, using: &rng)
    let problem = try FiniteSumMOBLToy(toy, samples: N, perturbation: rho, using: &rng)
    let x0 = rng.gaussianVector(10).map { 0.3 * $0 }
    let y0 = Vector(repeating: 0, count: 10)

    section("1. The finite-sum toy")
    say(
        "A: eigenvalues in [\(fixed(toy.curvature.mu, 3)), \(fixed(toy.curvature.L, 3))]; over all \(N) samples A_i: "
            + "[\(fixed(problem.sampleCurvature.mu, 3)), \(fixed(problem.sampleCurvature.L, 3))]")
    say(
        "(bounds (1 − δ)μ = \(fixed((1 - rho) * toy.curvature.mu, 3)), "
            + "L + δμ = \(fixed(toy.curvature.L + rho * toy.curvature.mu, 3)))")

    /*:
     Is the full problem really the toy? We compare the full-batch oracles with the toy's at
     a random point, and the sample means of $A_i$ and $B_i$ with $A$ and $B_{\mathrm{toy}}$
     (the sums are formed here, independently of the library's shortcut):
     */
    // weave: begin-hide
    func meanOfSamples(_ matrix: (Int) -> Matrix) -> Matrix {
        var sum = Matrix(rows: 10, columns: 10)
        for i in 0..<N { sum.storage = zip(sum.storage, matrix(i).storage).map { $0 + $1 } }
        sum.storage = sum.storage.map { $0 / Double(N) }
        return sum
    }
    // weave: end
    let meanQError = zip(meanOfSamples(problem.sampleHessian).storage, toy.Q.storage).map { abs($0 - $1) }.max()!
    let meanBError = zip(meanOfSamples(problem.sampleCoupling).storage, toy.B.storage).map { abs($0 - $1) }.max()!
    let probeX = rng.gaussianVector(10), probeY = rng.gaussianVector(10), probeV = rng.gaussianVector(10)
    let everyone = Array(0..<N)
    let fullOracleDifference = [
        norm(problem.lowerGradientY(x: probeX, y: probeY, batch: everyone) - toy.lowerGradientY(x: probeX, y: probeY)),
        norm(
            problem.lowerHessianVector(x: probeX, y: probeY, probeV, batch: everyone)
                - toy.lowerHessianVector(x: probeX, y: probeY, probeV)),
        norm(
            problem.lowerMixedVector(x: probeX, y: probeY, probeV, batch: everyone)
                - toy.lowerMixedVector(x: probeX, y: probeY, probeV)),
        abs(problem.lowerValue(x: probeX, y: probeY, batch: everyone) - toy.lowerValue(x: probeX, y: probeY)),
    ].max()!
    // weave: begin-hide
    say(
        "max |mean A_i − A| = \(sci(meanQError)), max |mean B_i − B_toy| = \(sci(meanBError)) "
            + "(rounding of \(N) additions);")
    say("full-batch oracles against the toy's: largest difference \(sci(fullOracleDifference))")
    // weave: end

    /*:
     The sample means agree with $A$ and $B_{\mathrm{toy}}$ to the rounding of a thousand
     additions (6.22e-15), and the full-batch oracles give the toy's answers with no
     difference at all: the finite sum is the toy.

     ## 2. The stochastic hypergradient and its variance

     The hypergradient of $\Phi_s$ is $\nabla\Phi_s = \nabla_x f_s - C v_s$ with
     $C = \nabla^2_{xy} g = -B_{\mathrm{toy}}^\top$ and $H v_s = \nabla_y f_s$. The stochastic
     estimate (`stochasticHypergradient` in Sources/MOBL/Hypergradient, as in Chapter 3)
     uses the Neumann series with $Q$ terms and step $\eta$,

     $$
     \hat v_s = \eta \sum_{j=0}^{Q-1} (I - \eta \hat H_j) \cdots (I - \eta \hat H_1)\, \nabla_y f_s,
     \qquad \hat h_s = \nabla_x f_s - \hat C \hat v_s ,
     \tag{6.2}
     $$

     where every $\hat H_j$ and $\hat C$ is the mean over its **own** batch of $B$ samples.
     Because the batches are independent, the expectation of the product is the product of
     the expectations: $\mathbb{E}[\hat h_s]$ is exactly the deterministic $Q$-term estimate
     $\bar h_s$.

     **How large is its variance?** To first order in the batch deviations
     $\hat H_j - H$ and $\hat C - C$, term $j$ enters through every later factor:

     $$
     \hat h_s - \bar h_s \approx -(\hat C - C)\, \bar v_s +
     \eta^2 C \sum_{j=1}^{Q-1} \Xi_j\, (\hat H_j - H)\, (I - \eta H)^{j-1} \nabla_y f_s,
     \qquad \Xi_j = \sum_{i=0}^{Q-1-j} (I - \eta H)^i .
     \tag{6.3}
     $$

     Each deviation is the mean, over a batch of $B$ samples drawn without replacement, of
     a per-sample deviation $e_i$ with population mean zero, and for such a mean the classic
     result of survey sampling ([Cochran 1977](references.md#cochran-1977)) is

     $$
     \mathbb{E}\Big\lVert \frac1B \sum_{i \in \mathcal{B}} e_i \Big\rVert^2 = \frac{V}{B_{\mathrm{eff}}},
     \qquad V = \frac1N \sum_{i=1}^{N} \lVert e_i \rVert^2, \qquad
     B_{\mathrm{eff}} = \frac{B (N - 1)}{N - B} .
     \tag{6.4}
     $$

     The factor $(N - B)/(N - 1)$ is the finite-population correction: a batch of all $N$
     has no variance at all, $B_{\mathrm{eff}} = \infty$. The terms of (6.3) are independent,
     so their variances add:

     $$
     \operatorname{Var} \hat h_s \approx \frac{V_h}{B_{\mathrm{eff}}}, \qquad
     V_h = \frac1N \sum_{i=1}^{N} \Big( \lVert F_i^\top \bar v_s \rVert^2 +
     \sum_{j=1}^{Q-1} \big\lVert \eta^2 C\, \Xi_j E_i (I - \eta H)^{j-1} \nabla_y f_s \big\rVert^2 \Big),
     \tag{6.5}
     $$

     the **$1/B$ law**, with a constant we can compute from the samples. The terms we
     dropped, products of two deviations, are of order $1/B_{\mathrm{eff}}^2$: they can only
     matter at the smallest batches, and how much is a measurement. We measure at $x_0$ with
     $y = y^*(x_0)$, for objective $s = 1$, over $R$ = `--repetitions` draws per batch size.
     The function below computes $V_h$ of (6.5):
     */
    let eta = 1 / problem.sampleCurvature.L
    let alpha = 1 / problem.sampleCurvature.L

    /// V_h of (6.5), for objective s at (x, y): the per-sample variance of the Neumann
    /// estimator's linearization (6.3), summed over its Q − 1 Hessian batches and its
    /// mixed-product batch.
    func perSampleVariance(objective s: Int, x: Vector, y: Vector) -> Double {
        let p = 10
        var a = Matrix.identity(p)  // I − ηA (the library calls A `Q`)
        for i in 0..<p { for j in 0..<p { a[i, j] -= eta * toy.Q[i, j] } }
        let minusM = toy.B.transposed  // −C = B_toyᵀ
        var w = [toy.objectiveGradient(s, y: y)]  // w_j = (I − ηA)^{j−1} ∇_y f_s, j = 1…Q
        for _ in 1..<max(Q, 1) { w.append(a.times(w.last!)) }
        let vQ = eta * combination(Vector(repeating: 1, count: Q), Array(w.prefix(Q)))
        var c = Matrix.identity(p)  // Ξ_{Q−1} = I; Ξ_j = I + (I − ηA) Ξ_{j+1}
        var total = 0.0
        let pairs = problem.hessianPerturbations.count  // ± pairs share a square: average over pairs
        for F in problem.couplingPerturbations { total += normSquared(F.transposeTimes(vQ)) }
        for j in stride(from: Q - 1, through: 1, by: -1) {
            let mc = minusM.times(c)  // −C Ξ_j
            for E in problem.hessianPerturbations { total += normSquared((eta * eta) * mc.times(E.times(w[j - 1]))) }
            var next = a.times(c)
            for i in 0..<p { next[i, i] += 1 }
            c = next
        }
        return total / Double(pairs)
    }

    /*:
     At $x_0$, with $y = y^*(x_0)$, we draw $R$ estimates (6.2) per batch size and compare
     their variance with $V_h/B_{\mathrm{eff}}$ and their mean with the deterministic
     $\bar h_1$ (`hQ` in the code):
     */

    let xBar = x0, yBar = toy.lowerSolution(x: x0)
    let sigmaH2 = perSampleVariance(objective: 0, x: xBar, y: yBar)
    let solver: HessianSolver =
        flags.cg ? .conjugateGradient(.fixed(iterations: 5)) : .neumann(eta: eta, .fixed(iterations: Q))
    let exactOracles = CountedOracles(toy)
    let hQ = try aidHypergradient(exactOracles, objective: 0, x: xBar, y: yBar, solver: solver).gradient
    let exactGradient = toy.exactHypergradients(x: xBar)[0]

    // weave: begin-hide
    var varianceTable = Table(
        "variance",
        [
            .init("batch", "B", format: .integer),
            .init("samples", "samples / estimate", format: .integer),
            .init("variance", "measured E‖ĥ − mean‖²", format: .scientific(3)),
            .init("law", "V_h/B_eff", format: .scientific(3)),
            .init("ratio", "measured / law", format: .fixed(3), missing: "-"),
            .init("bias_z", "‖mean − h̄₁‖ / se", format: .fixed(2), missing: "-"),
        ])
    // weave: end
    let varianceBatches = ([1, 2, 5, 10, 20, 50, 100, 200].filter { $0 < N }) + [N]
    var fullBatchBias: Double? = nil
    for b in varianceBatches {
        progress("variance, B = \(b)")  // weave: hide
        let oracles = CountedOracles(problem)
        var draws: [Vector] = []
        for _ in 0..<R {
            draws.append(
                try stochasticHypergradient(
                    oracles, objective: 0, x: xBar, y: yBar, solver: solver,
                    hessianBatch: b, outerBatch: b, using: &rng
                ).gradient)
        }
        // weave: begin-hide
        // Identical draws (b = N) have variance 0: do not let the rounding of a mean say otherwise.
        let identical = draws.allSatisfy { $0 == draws[0] }
        let mean = identical ? draws[0] : combination(Vector(repeating: 1 / Double(R), count: R), draws)
        let variance = draws.map { normSquared($0 - mean) }.reduce(0, +) / Double(R - 1)
        if identical { fullBatchBias = norm(draws[0] - hQ) }
        let law = Double(N - b) / (Double(b) * Double(N - 1)) * sigmaH2
        let standardError = (variance / Double(R)).squareRoot()
        varianceTable.append([
            "batch": Double(b), "samples": Double(oracles.counts.samples / R), "variance": variance, "law": law,
            "ratio": law > 0 ? variance / law : nil,
            "bias_z": standardError > 0 ? norm(mean - hQ) / standardError : nil,
        ])
        // weave: end
    }
    // weave: begin-hide
    section("2. Variance of the hypergradient estimate at x₀ (objective 1, R = \(R) draws per B)")
    say(
        "V_h = \(sci(sigmaH2, 3)); ‖h̄₁‖ = \(sci(norm(hQ), 3)); the Q-term estimate's own error ‖h̄₁ − ∇Φ₁‖ = "
            + "\(sci(norm(hQ - exactGradient), 2))")
    // weave: end
    show(varianceTable)

    /*:
     The ratio column checks the law, and the last column checks the bias: the distance of
     the sample mean from $\bar h_1$ in units of its standard error $\sqrt{\operatorname{Var}/R}$,
     which is of order 1 for an unbiased estimator. With $V_h$ = 1.629e-02, the measured
     variance is 0.92–1.04 times the law for every $B \ge 10$, inside the ±14 % sampling
     error of a variance from 100 draws; even a single sample per batch sits at 1.02 times
     it, so on this toy the second-order terms of (6.3) do not show. The bias statistic is
     at most 1.33, and with $B = N$ all draws are the same vector, at distance 0 from
     $\bar h_1$. (With `--cg` the solve is CG on *one* batch Hessian, and
     $\mathbb{E}[\hat H^{-1}] \ne H^{-1}$: a bias, but one of order $1/B_{\mathrm{eff}}$,
     which can hide in the noise of a hundred draws; Exercise 2 looks for it.)
     */
    // weave: begin-hide
    let ratios = zip(varianceTable.column("batch"), varianceTable.column("ratio")).filter { !$1.isNaN }
    let lawHolds = ratios.filter { $0.0 >= 10 }.map(\.1)
    let fullVariance = varianceTable.column("variance").last!
    let biasZ = varianceTable.column("bias_z").filter { !$0.isNaN }
    // Runs whose samples do not differ (a tiny --perturbation) have no variance to compare with the law.
    if ratios.isEmpty {
        say("The samples do not differ (σ_h² = \(sci(sigmaH2))): there is no variance to compare with the law.")
    }
    if let smallest = ratios.first, let low = lawHolds.min(), let high = lawHolds.max(), let largestZ = biasZ.max() {
        let smallBatchRatio = smallest.1
        say(
            "For B ≥ 10 the measured variance is \(fixed(low, 2))–\(fixed(high, 2)) times the law "
                + "(sampling error of R = \(R) draws: ±\(Int((100 * (2 / Double(R)).squareRoot()).rounded())) %).")
        say("At B = \(Int(smallest.0)) it is \(fixed(smallBatchRatio, 2)) times the law.")
        say(
            "With B = N the draws' variance is \(sci(fullVariance)), their distance from h̄₁ "
                + (fullBatchBias.map { sci($0) } ?? "-") + ".")
        say("The bias statistic is at most \(fixed(largestZ, 2)).")
    }
    func varianceFigure() throws -> Figure {
        let rows = varianceTable.rows.indices.filter { varianceTable.value($0, "batch") < Double(N) }
        let variance = try DataBlock(
            "variance", rows,
            [
                "batch": { varianceTable.value($0, "batch") },
                "measured": { varianceTable.value($0, "variance") }, "law": { varianceTable.value($0, "law") },
            ])
        return try Figure.curves(
            "ch06-variance", title: "Variance of the stochastic hypergradient against the batch size",
            x: "batch size B", y: "variance E‖ĥ₁ − E ĥ₁‖²", log: .both,
            comment:
                "Chapter 6 — Stochastic WC-MHGD: measured variance (points) and the first-order law V_h/B_eff (line), B < N.",
            data: variance, against: "batch",
            [.reference("law", "law V_h/B_eff (6.5)"), Curve("measured", "measured (\(R) draws)", .points)])
    }
    // weave: end
    show(
        try varianceFigure(),
        caption: "Variance of the stochastic hypergradient against the batch size B (points), beside the law "
            + "V_h/B_eff of (6.5) (dashed). Note that even B = 1 sits on the law: the products of two "
            + "batch deviations that (6.3) leaves out do not show on this toy.")

    /*:
     ## 3. Stochastic WC-MHGD, and the full batch as a check

     The algorithm is the library's `StochasticWCMHGD` (Sources/MOBL/Algorithms). It takes
     the settings of deterministic WC-MHGD (preference $r$, $u$, $K$, $D$, $\alpha$, $\beta$,
     the solver, warm starts) and runs *the same loop* as Chapter 5, with the sampled oracles
     replaced by batch means. Step $k$ of the algorithm reads

     $$
     \begin{aligned}
     &1.\quad y_k = y^{(D)}, \quad y^{(j+1)} = y^{(j)} - \alpha \nabla_y g_{\mathcal{B}_j}(x_k, y^{(j)}), \quad y^{(0)} = y_{k-1}
       \text{ (a fresh batch } \mathcal{B}_j \text{ of } B \text{ per step)} \\
     &2.\quad \text{for each } s:\ \hat h_s \text{ by (6.2) with batches of } B, \qquad \hat\Phi_s = f_s(x_k, y_k),
       \qquad \hat G_k = [\hat h_1, \dots, \hat h_S] \\
     &3.\quad \lambda_k = \operatorname*{argmin}_{\lambda \in \Delta_S} \|\hat G_k (r \odot \lambda)\|^2 - u\, \lambda^\top \big(r \odot \hat\Phi\big) \\
     &4.\quad \bar\lambda_k = (1 - \omega)\, \bar\lambda_{k-1} + \omega\, \lambda_k \qquad (\omega = 1: \text{ no averaging}) \\
     &5.\quad x_{k+1} = x_k - \beta\, \hat G_k (r \odot \bar\lambda_k)
     \end{aligned}
     \tag{6.6}
     $$

     and the library's step is these lines, one comment each:
     */
    // weave: include StochasticWCMHGD.step
    /*:
     Step sizes: a batch Hessian is a mean of $A_i$'s, so its eigenvalues lie in the range
     over the samples; $\alpha = \eta = 1/L_{\max}$, with $L_{\max}$ the largest eigenvalue
     of any $A_i$, keeps every inner step and every Neumann factor a contraction.

     A check before any comparison: with $B = N$ every batch is the whole data set, and the
     finite-sum toy answers a full batch with the toy's own oracles, so the run must repeat
     deterministic `WCMHGD` *exactly*:
     */
    let r: Vector = [0.3, 0.7]
    let D = 2
    let beta = 1.0
    let settings = WCMHGD(preference: r, u: 1, outerSteps: K, innerSteps: D, alpha: alpha, beta: beta, solver: solver)
    let optimum = try toy.chebyshevOptimum(preference: r)

    /*:
     These are Chapter 5's settings: $r = (0.3, 0.7)$, $u = 1$, $D = 2$ warm inner steps and
     $\beta = 1$. Both runs record $x_k$ at every step, and we compare them entry by entry:
     */
    var deterministicX: [Vector] = []
    _ = try settings.run(toy, x0: x0, y0: y0) {
        deterministicX.append($0.x)
        return true
    }
    var fullBatchX: [Vector] = []
    var fullRng = flags.common.generator()
    _ = try StochasticWCMHGD(settings, innerBatch: N, outerBatch: N).run(problem, x0: x0, y0: y0, using: &fullRng) {
        fullBatchX.append($0.x)
        return true
    }
    let fullBatchDeviation = zip(deterministicX, fullBatchX).map { zip($0, $1).map { abs($0 - $1) }.max()! }.max()!
    // weave: begin-hide
    var exactness = Table(
        "exactness",
        [
            .init("mean_q_error", "max |mean A_i − A|", format: .scientific(2)),
            .init("mean_b_error", "max |mean B_i − B_toy|", format: .scientific(2)),
            .init("full_oracles", "full-batch vs toy oracles", format: .scientific(2)),
            .init("full_batch_x", "max_k |x_k(B = N) − x_k(WC-MHGD)|", format: .scientific(2)),
        ])
    exactness.append([
        "mean_q_error": meanQError, "mean_b_error": meanBError, "full_oracles": fullOracleDifference,
        "full_batch_x": fullBatchDeviation,
    ])
    section("3. Full batch against deterministic WC-MHGD (\(K) steps)")
    // weave: end
    show(exactness)
    say("Largest difference of the iterates over the \(K) steps: \(sci(fullBatchDeviation)).")  // weave: hide

    /*:
     It does: the iterates of the two runs agree to the last bit at every one of the 100
     steps.

     ## 4. Batch sizes on a budget of samples

     Now the comparison. Every run gets the same budget of samples: the full batch runs $K$
     steps, a batch $N/d$ runs $dK$ steps. An outer step with batch $B$ touches
     $B\,(D + SQ)$ samples: $D$ inner gradients, and per objective $Q - 1$ Hessian batches
     and one mixed-product batch. The observer (`OuterTrace`) measures the exact stationarity
     gap $\mathcal{G}(x_k) = \min_{\lambda \in \Delta_S} \lVert \sum_s \lambda_s \nabla\Phi_s(x_k) \rVert^2$
     with dense solves the algorithm never sees, and we also record the distance to the exact
     Chebyshev optimum $x^*_r$.

     What to expect. With exact hypergradients the gap falls steadily, but every step costs
     $N(D + SQ)$ samples. With batches, each step carries noise of variance about
     $\beta^2 V_h / B_{\mathrm{eff}}$; near $x^*_r$ the iterates settle in a cloud whose spread
     that noise sets, and the gap, quadratic in the distance to $x^*_r$, levels off at a
     floor

     $$
     \mathcal{G}_{\mathrm{floor}}(B) \propto \frac{1}{B_{\mathrm{eff}}}
     \tag{6.7}
     $$

     with a factor set by the problem and the step sizes. Small batches buy many more steps
     per sample and descend faster at first; then they stop. One run per batch would be one
     draw of the noise, so each mini-batch runs with 5 seeds (seed 0 is the course's
     generator; the others draw other batches from the same problem and start), and the
     table reports the median and the range of the mean gap over the last quarter of each
     run. A helper, `stochasticRun` (hidden: it configures the library's run, draws the
     batches from the seed's generator, and records the exact gap, the distance to $x^*_r$
     and $\bar\lambda_{k,1}$ along the way), makes one run; the loop makes them all:
     */
    // weave: begin-hide
    /// One run of stochastic WC-MHGD, as the observer measured it (thinned for the figure).
    struct StochasticRun {
        let batch: Int
        let averaging: Double
        /// (samples so far, exact gap, ‖x_k − x*_r‖, λ̄_{k,1}) at every step.
        var samples: [Double] = [], gap: [Double] = [], distance: [Double] = [], lambda1: [Double] = []
        /// x_K after the last step, the oracle calls in all, the peak length-p vectors, and the
        /// wall time (with the observer's exact measurements; not deterministic).
        var finalX: Vector = [], counts = OracleCounts(), peakVectors = 0, seconds = 0.0
        var steps: Int { gap.count }
        /// The mean of a quantity over the last quarter of the run.
        func tailMean(_ values: [Double]) -> Double {
            let tail = values.suffix(max(values.count / 4, 1))
            return tail.reduce(0, +) / Double(tail.count)
        }
        /// The standard deviation of λ̄_1 over the second half of the run.
        var lambdaSpread: Double {
            let half = Array(lambda1.suffix(max(lambda1.count / 2, 2)))
            let mean = half.reduce(0, +) / Double(half.count)
            return (half.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(half.count - 1)).squareRoot()
        }
        /// The first sample count at which the gap, averaged over the trailing window of
        /// 1 % of the run's steps (at least one), is ≤ ε — one lucky step does not count.
        func samplesToReach(_ epsilon: Double) -> Double? {
            let window = max(steps / 100, 1)
            var sum = 0.0
            for k in gap.indices {
                sum += gap[k] - (k >= window ? gap[k - window] : 0)
                if k >= window - 1 && sum / Double(window) <= epsilon { return samples[k] }
            }
            return nil
        }
    }

    func thinned(_ count: Int, points: Int = 300) -> [Int] { logSpacedIndices(count, points: points) }
    /// One run with batch N/d and averaging weight ω. Seed 0 is the course's generator and
    /// is traced in full (every step's exact gap); the other seeds draw other batches and
    /// measure the exact gap only where the figure and the tail statistics read it.
    func stochasticRun(
        divisor d: Int, averaging gamma: Double, seed: Int = 0, steps: Int? = nil, traced: Bool? = nil
    ) throws -> StochasticRun {
        let steps = steps ?? K * d, traced = traced ?? (seed == 0)
        var configuration = settings
        configuration.outerSteps = steps
        let algorithm = StochasticWCMHGD(configuration, innerBatch: N / d, outerBatch: N / d, averaging: gamma)
        var run = StochasticRun(batch: N / d, averaging: gamma)
        let trace = OuterTrace(exact: problem)
        let measured = Set(thinned(steps)).union((steps - max(steps / 4, 1))..<steps)
        var runRng = seed == 0 ? flags.common.generator() : SeededGenerator(seed: flags.common.seed &+ UInt64(seed))
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try algorithm.run(problem, x0: x0, y0: y0, using: &runRng) { step in
            run.peakVectors = max(run.peakVectors, step.peakVectors)
            if traced {
                _ = try trace.observe(step)
                run.gap.append(trace.records.last!.gap!)
            } else {
                run.gap.append(
                    measured.contains(run.samples.count)
                        ? try stationarityGap(gradients: toy.exactHypergradients(x: step.x)) : .nan)
            }
            run.samples.append(Double(step.counts.samples))
            run.distance.append(norm(step.x - optimum.x))
            run.lambda1.append(step.weights[0])
            if step.k % 1000 == 0 { progress("B = \(N / d), ω = \(gamma), seed \(seed): step \(step.k) of \(steps)") }
            return true
        }
        run.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        (run.finalX, run.counts) = (result.x, result.counts)
        return run
    }
    // weave: end

    let seeds = flags.common.quick ? 3 : 5
    var runs: [StochasticRun] = []
    var seedRuns: [[StochasticRun]] = []  // seedRuns[i][seed]; the full batch draws nothing, one run
    for d in divisors {
        let first = try stochasticRun(divisor: d, averaging: 1)
        runs.append(first)
        seedRuns.append(
            d == 1 ? [first] : [first] + (try (1..<seeds).map { try stochasticRun(divisor: d, averaging: 1, seed: $0) })
        )
    }

    // weave: begin-hide
    section("4. Batch sizes on an equal budget of samples")
    var batchTable = Table(
        "batches",
        [
            .init("batch", "B", format: .integer),
            .init("steps", "steps", format: .integer),
            .init("samples", "samples", format: .integer),
            .init("tail_gap", "tail gap: median", format: .scientific(2)),
            .init("gap_low", "min", format: .scientific(2)),
            .init("gap_high", "max", format: .scientific(2)),
            .init("tail_distance", "‖x − x*_r‖ median", format: .scientific(2)),
            .init("c_b", "1/B_eff", format: .scientific(2)),
            .init("floor_ratio", "median·B_eff", format: .scientific(2), missing: "-"),
        ])
    for (run, group) in zip(runs, seedRuns) {
        let cb = Double(N - run.batch) / (Double(run.batch) * Double(N - 1))
        let gaps = medianAndRange(group.map { $0.tailMean($0.gap) })
        batchTable.append([
            "batch": Double(run.batch), "steps": Double(run.steps), "samples": run.samples.last!,
            "tail_gap": gaps.median, "gap_low": gaps.low, "gap_high": gaps.high,
            "tail_distance": medianAndRange(group.map { $0.tailMean($0.distance) }).median, "c_b": cb,
            "floor_ratio": cb > 0 ? gaps.median / cb : nil,
        ])
    }
    // weave: end
    show(batchTable)
    // weave: begin-hide
    let tailGaps = batchTable.column("tail_gap"), floorRatios = batchTable.column("floor_ratio")
    let tailDistances = batchTable.column("tail_distance")
    let miniBatches = zip(runs, floorRatios).filter { !$0.1.isNaN }  // B < N: 1/B_eff > 0
    let medians = zip(runs, tailGaps).map { "\(sci($1, 2)) (B = \($0.batch))" }
    say("Median over \(seeds) seeds of the tail gap:")
    for start in stride(from: 0, to: medians.count, by: 3) {
        say("  " + medians[start..<min(start + 3, medians.count)].joined(separator: ", "))
    }
    say("median ‖x − x*_r‖: " + tailDistances.map { sci($0, 1) }.joined(separator: ", ") + ".")
    if miniBatches.count >= 2 {
        let ratios = miniBatches.map(\.1)
        say(
            "tail gap · B_eff: \(ratios.map { sci($0, 2) }.joined(separator: ", ")), a factor \(fixed(ratios.max()! / ratios.min()!, 2)) apart."
        )
    }

    func stochasticFigure() throws -> Figure {
        let groups: [[[Double]]] = zip(runs, seedRuns).map { run, group in
            thinned(run.steps).map { k in
                let values = medianAndRange(group.map { $0.gap[k] })
                return [
                    Double(run.batch), run.samples[k], max(values.median, 1e-300), max(values.low, 1e-300),
                    max(values.high, 1e-300),
                ]
            }
        }
        let trace = try DataBlock("trace", columns: ["batch", "samples", "gap", "low", "high"], groups: groups)
        // A floor is drawn from where the run's median first comes within 1.5 times of it.
        let floors = try DataBlock(
            "floors", columns: ["batch", "samples", "floor"],
            groups: zip(zip(runs, groups), tailGaps).filter { $0.0.0.batch < N }.map { pair, gap in
                let (run, rows) = pair
                let start = rows.first { $0[2] <= 1.5 * gap }?[1] ?? run.samples[run.steps - run.steps / 4]
                return [[Double(run.batch), start, gap], [Double(run.batch), run.samples.last!, gap]]
            })
        let titles = runs.map {
            $0.batch == N ? "B = N = \(N) (deterministic)" : "B = \($0.batch), median of \(seeds) seeds"
        }
        return try Figure.curves(
            "ch06-stochastic", title: "Stochastic WC-MHGD on the finite-sum toy: gap against samples processed",
            x: "samples processed", y: "stationarity gap 𝒢(x_k)", log: .both, key: "bottom left",
            comment: "Chapter 6 — Stochastic WC-MHGD: the exact gap along runs with batches "
                + runs.map { "B = \($0.batch)" }.joined(separator: ", ")
                + " on an equal budget of samples; median over seeds (thick), min and max (thin), floors (grey).",
            against: "samples",
            Curve.groups("gap", data: trace, titles: titles, lineWidth: 2)
                + Curve.groups("low", data: trace, titles: runs.map { _ in nil }, pairedWithFirst: 0, lineWidth: 0.5)
                + Curve.groups("high", data: trace, titles: runs.map { _ in nil }, pairedWithFirst: 0, lineWidth: 0.5)
                + [.reference("floor", "median floor (mean gap, last quarter)", data: floors, x: "samples")])
    }
    // weave: end
    show(
        try stochasticFigure(),
        caption: "The exact stationarity gap against the samples processed, every run on the same budget: "
            + "median over \(seeds) seeds of the batches (thick), their min and max (thin), and the median floor, "
            + "the mean gap over the last quarter of a run (grey). Note that the small batches fall fastest "
            + "and then stop on their floors.")
    /*:
     With five seeds the floors follow (6.7): the median tail gap is 7.21e-06 for $B = 100$
     and 7.30e-05 for $B = 10$, so that gap times $B_{\mathrm{eff}}$ is 8.01e-04 and
     7.36e-04, a factor 1.09 apart, while the seeds spread each floor over
     5.82e-06–8.25e-06 and 5.89e-05–7.90e-05, about ±20 %. The law holds only for runs that
     have *reached* their floor on the budget: with batches 200 and 500 (Exercise 3) the runs
     take too few steps and their gap still measures the unfinished descent along the front.
     The full batch ends at a gap of 2.29e-04, 0.94 away from $x^*_r$: its 100 exact steps
     were not enough to travel along the front, while both mini-batch medians end within
     0.06 of it.
     */

    /*:
     ## 5. A moving average on λ

     With noisy $\hat h_s$ the weighting QP returns noisy weights $\lambda_k$, and the
     direction $\hat G_k (r \odot \lambda_k)$ inherits that noise twice. An old remedy is the
     average of line 4 of (6.6). For *independent* fluctuations an exponential average with
     weight $\omega$ has variance

     $$
     \operatorname{Var} \bar\lambda = \frac{\omega}{2 - \omega} \operatorname{Var} \lambda ,
     \tag{6.8}
     $$

     about 0.05 for $\omega = 0.1$ (Exercise 5 derives it), so the standard deviation would
     shrink by $\sqrt{\omega/(2 - \omega)}$.

     But $\lambda_k$ is not independent noise: it is a **feedback**. The QP's preference term
     moves weight towards whichever objective is above its share $r_s \hat\Phi_s$, $x$ moves in
     response, and the next $\lambda$ answers that move. An average answers with a delay of
     about $1/\omega$ steps, and a feedback loop with a delay can overshoot. So whether
     averaging helps is a measurement. We run the smallest batch with $\omega = 1$, with
     $\omega = 0.5$ and with $\omega$ = `--averaging` (0.1), five seeds each, for 2000 steps
     (the floor of $B = 10$ is reached within the first 300), and compare the spread of
     $\bar\lambda_1$ over the second half of a run, the tail gap and the distance to
     $x^*_r$. The exact $\lambda^*$ at $x^*_r$ — the QP's weights with exact hypergradients
     and values — is the value both should hover around.
     */
    let smallest = divisors.last!
    let weightsTried = [flags.averaging] + (flags.averaging == 0.5 ? [] : [0.5])
    let shortSteps = K * smallest / 5
    let averagedRuns = try ([1] + weightsTried).map { omega in
        try (0..<seeds).map {
            try stochasticRun(divisor: smallest, averaging: omega, seed: $0, steps: shortSteps, traced: false)
        }
    }
    let (plain, averaged) = (averagedRuns[0][0], averagedRuns[1][0])
    let exactLambda = try chebyshevWeights(
        gradients: toy.exactHypergradients(x: optimum.x), values: optimum.values,
        preference: r, u: 1
    ).weights
    // weave: begin-hide
    var averagingTable = Table(
        "averaging",
        [
            .init("gamma", "ω", format: .fixed(2)),
            .init("lambda_sd", "sd of λ̄₁", format: .scientific(2)),
            .init("lambda_mean", "mean λ̄₁", format: .fixed(4)),
            .init("tail_gap", "tail gap: median", format: .scientific(2)),
            .init("gap_low", "min", format: .scientific(2)),
            .init("gap_high", "max", format: .scientific(2)),
            .init("tail_distance", "‖x − x*_r‖ median", format: .scientific(2)),
        ])
    for group in averagedRuns {
        let gaps = medianAndRange(group.map { $0.tailMean($0.gap) })
        averagingTable.append([
            "gamma": group[0].averaging, "lambda_sd": medianAndRange(group.map(\.lambdaSpread)).median,
            "lambda_mean": medianAndRange(
                group.map { run in
                    let half = run.lambda1.suffix(max(run.lambda1.count / 2, 2))
                    return half.reduce(0, +) / Double(half.count)
                }
            ).median,
            "tail_gap": gaps.median, "gap_low": gaps.low, "gap_high": gaps.high,
            "tail_distance": medianAndRange(group.map { $0.tailMean($0.distance) }).median,
        ])
    }
    section(
        "5. Moving average on λ (B = \(N / smallest), \(shortSteps) steps, \(seeds) seeds); "
            + "exact λ*₁ = \(fixed(exactLambda[0], 4))")
    // weave: end
    show(averagingTable)
    // weave: begin-hide
    let sds = averagingTable.column("lambda_sd"), averagedGaps = averagingTable.column("tail_gap")
    let averagedDistances = averagingTable.column("tail_distance")
    for row in 1..<averagingTable.rows.count {
        let omega = averagingTable.column("gamma")[row]
        say(
            "ω = \(fixed(omega, 2)): sd of λ̄₁ ×\(fixed(sds[row] / sds[0], 2)) (independent noise: ×"
                + "\(fixed((omega / (2 - omega)).squareRoot(), 3))), tail gap ×\(fixed(averagedGaps[row] / averagedGaps[0], 2)), "
                + "‖x − x*_r‖ ×\(fixed(averagedDistances[row] / averagedDistances[0], 2)) against ω = 1.")
    }

    func averagingFigure() throws -> Figure {
        let window = Array(max(plain.steps - 200, 0)..<plain.steps)
        let weights = try DataBlock(
            "weights", window,
            [
                "k": { Double($0 + 1) }, "plain": { plain.lambda1[$0] }, "averaged": { averaged.lambda1[$0] },
                "exact": { _ in exactLambda[0] },
            ])
        return try Figure.curves(
            "ch06-averaging", title: "Weights over the last \(window.count) steps (B = \(N / smallest), seed 0)",
            x: "outer step k", y: "λ_1", key: "bottom center",
            comment:
                "Chapter 6 — Stochastic WC-MHGD: λ_1 at every one of the last \(window.count) steps, without and with "
                + "the moving average ω = \(flags.averaging); the exact λ*_1 at the Chebyshev optimum.",
            data: weights, against: "k",
            [
                Curve("averaged", "λ̄_1, ω = \(flags.averaging)", .lines),
                Curve("plain", "λ_1, ω = 1 (no averaging)", .linesPoints, pointSize: 0.5, lineWidth: 1),
                .reference("exact", "exact λ*_1 at x*_r"),
            ], yRange: 0.5...1.0)
    }
    // weave: end
    show(
        try averagingFigure(),
        caption: "The weight λ₁ at every one of the last steps of the B = \(N / smallest) run, without averaging "
            + "(thin, with points) and with the moving average ω = \(flags.averaging) (thick), beside the exact λ*₁. "
            + "Note that the averaged weight swings slowly and widely around λ*₁, while the plain one stays close to it."
    )
    /*:
     A long average hurts. With $\omega = 0.1$ the spread of $\bar\lambda_1$ is 5.99 times
     the plain one's, where independent noise would have shrunk it to 0.229 of it; the median
     tail gap is 8.50 times higher and the distance to $x^*_r$ 4.22 times larger, and the
     seeds' ranges do not overlap (5.35e-04–5.96e-04 against 6.39e-05–9.27e-05). A short
     average does no harm and no good: with $\omega = 0.5$ the spread is 0.97 times the
     plain one, the gap 1.02 and the distance 1.02 times, differences well inside the spread
     over seeds. Figure 6.3 shows why at the level of single steps: the averaged weight
     swings slowly around $\lambda^*_1$, with a period of about 40 steps, because it answers
     where $x$ was, not where $x$ is.
     */

    /*:
     ## 6. The paper's stochastic claims, next to what we measured

     The course's statements of the paper's results rest on its summary of the paper in
     [book/references.md](references.md#zhang-et-al-2025); the paper itself is
     [Zhang et al. 2025](references.md#zhang-et-al-2025), arXiv 2511.07824, and the reader
     can check every statement there. As summarized, for the stochastic setting the paper
     states a convergence rate written $O(1/K^2)$ and an oracle complexity of
     $O(\kappa^8 \varepsilon^{-2} S)$ samples to reach an $\varepsilon$-Pareto-stationary
     point (against $O(1/K)$ and $O(\kappa^3 \varepsilon^{-1} S)$ deterministically). Read
     literally, a stochastic rate *faster per step* than the deterministic one is
     implausible — per step, noise can only hurt, and the $B = N$ run above is the
     noise-free limit — and we see nothing like it: with a fixed batch the gap does not fall
     like $1/K^2$ or even $1/K$, it levels off. Stochastic bilevel analyses usually give
     $O(1/K)$ with batches that grow with the target accuracy, or $O(1/\sqrt{K})$ with
     fixed ones; the batch schedule under which the paper states its rate is the place to
     look. The complexity, on the other hand, is consistent with what we measured:

     - with a fixed batch $B$ the gap stops at a floor $\propto 1/B_{\mathrm{eff}} \approx 1/B$
       (6.7), so to reach a gap $\varepsilon$ the batch must grow like $B \propto \varepsilon^{-1}$;
     - with the noise that small, the loop needs the deterministic $O(1/\varepsilon)$ steps;
     - samples = steps × $B \propto \varepsilon^{-1} \cdot \varepsilon^{-1} = \varepsilon^{-2}$,
       times $S$ for the $S$ hypergradients.

     The $\kappa^8$ is a worst-case constant (how $V_h$ and the step sizes scale with the
     conditioning), which a single toy with $\kappa = 10$ cannot test. Below, for seed 0:
     the samples each run needed before its gap, averaged over a trailing window of 1 % of
     its steps (so that one lucky step does not count), first fell to a few levels.
     */
    let levels = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6]
    // weave: begin-hide
    var reachTable = Table(
        "samples_to_gap",
        [.init("batch", "B", format: .integer)]
            + levels.indices.map {
                .init("eps\($0)", "gap ≤ \(sci(levels[$0], 0))", format: .scientific(2), missing: "not reached")
            })
    // weave: end
    for run in runs {
        reachTable.append(
            [("batch", Double(run.batch))] + levels.indices.map { ("eps\($0)", run.samplesToReach(levels[$0])) })
    }
    section("6. Samples to first reach a gap level")  // weave: hide
    show(reachTable)

    // weave: begin-hide
    let firstLevelWinner = runs.indices.min {
        (runs[$0].samplesToReach(levels[0]) ?? .infinity) < (runs[$1].samplesToReach(levels[0]) ?? .infinity)
    }!
    say("Gap ≤ \(sci(levels[0], 0)) is reached first by B = \(runs[firstLevelWinner].batch) (seed 0).")
    // weave: end

    /*:
     The smallest batch reaches $\mathcal{G} \le 10^{-2}$ first, after 4.20e+04 samples,
     and $10^{-4}$ after 9.28e+04, but never $10^{-5}$; $B = 100$ gets there after 1.65e+06,
     and the full batch never gets below $10^{-3}$ on this budget.

     ## 7. For the closing comparison

     Chapter 10 sets every method of the course beside the others, with the same measures.
     Stochastic WC-MHGD applies only where the lower level is a finite sum, so this chapter
     gives its row: the mini-batch of §4 with the lowest tail gap, $B = 100$, on §4's budget,
     over the same five seeds. Its full problem is Chapter 5's $S = 2$ toy, so every measure
     is exact: the excess Chebyshev value $\mathcal{T}_r(x_K) - \mathcal{T}^*_r$ against the
     exact optimum, the gap $\mathcal{G}(x_K)$, and whether the run converged by Chapter
     10's rule (its gap stopped falling before the budget ended). A hidden call records each
     seed's run:
     */
    // weave: begin-hide
    let miniBatch = runs.filter { $0.batch < N }.min { $0.tailMean($0.gap) < $1.tailMean($1.gap) }!
    let closingRuns = seedRuns[runs.firstIndex { $0.batch == miniBatch.batch }!]
    let reference = try ChebyshevReference.exact(preference: r, optimum: optimum.values)
    let closingEntries = try closingRuns.enumerated().map { seed, run in
        try ComparisonEntry.measured(
            .finiteSumToy, .stochasticWCMHGD, on: toy, x: run.finalX, preference: r, counts: run.counts,
            peakVectors: run.peakVectors, seconds: run.seconds, seed: seed, reference: reference, gapTrail: run.gap)
    }
    section("7. The closing comparison's row: B = \(miniBatch.batch), \(miniBatch.steps) steps, \(seeds) seeds")
    let excess = medianAndRange(closingEntries.map { $0.excessChebyshev! })
    let finalGaps = medianAndRange(closingEntries.map(\.gap))
    say(
        "excess Chebyshev value 𝒯_r(x_K) − 𝒯*_r: median \(sci(excess.median)), range \(sci(excess.low))–\(sci(excess.high))"
    )
    say("final gap: median \(sci(finalGaps.median)), range \(sci(finalGaps.low))–\(sci(finalGaps.high))")
    say(
        "converged (gap levelled) in \(closingEntries.filter { $0.convergence!.converged }.count) of \(seeds) seeds; "
            + "seed 0: \(closingEntries[0].calls) oracle calls, peak p-vectors \(closingEntries[0].peakVectors)")
    save(
        tables: [exactness, varianceTable, batchTable, averagingTable, reachTable]
            + closingComparisonTables(closingEntries),
        timings: closingComparisonTimings(closingEntries), flags: flags.common)
    // weave: end

    /*:
     Over the five seeds the excess Chebyshev value has median 2.87e-04 (range
     2.19e-04–9.29e-04) and the final gap median 4.25e-06 (range 1.33e-06–1.02e-05), and
     the gap had levelled on its floor in 5 of 5 seeds: the row is converged, and its
     excess is what the noise floor of $B = 100$ leaves.

     ## Summary

     - A finite sum in the library is a **mean**, $g = \frac1N \sum_i g_i$, and every batch
       oracle returns the mean over its batch: unbiased for uniform batches, exact for the
       full one; `OracleCounts.samples` counts what each call touched.
     - The finite-sum toy's perturbations cancel in $\pm$ pairs (6.1), so its full problem
       is the deterministic toy, and stochastic WC-MHGD with full batches reproduces
       deterministic WC-MHGD to the last bit.
     - The stochastic Neumann hypergradient (6.2) is unbiased for the $Q$-term series, and
       its variance follows the law $V_h / B_{\mathrm{eff}}$ (6.5), with $V_h$ computed from the
       samples, within the sampling error of 100 draws for every batch size measured.
     - On a budget of samples, small batches descend fastest at first and then stop on a
       floor; over five seeds the floors of $B = 100$ and $B = 10$ scale like
       $1/B_{\mathrm{eff}}$ (6.7) to within 10 %, for runs that reach their floor. Reaching a
       gap $\varepsilon$ needs $B \propto 1/\varepsilon$ and $\propto 1/\varepsilon$ steps:
       the $\varepsilon^{-2}$ of the stochastic complexity.
     - A moving average on $\lambda$ is not free: $\lambda$ is a feedback on $x$, and the
       delay of a long average ($\omega = 0.1$) made the weights swing wider and the runs end
       farther from $x^*_r$. A short one ($\omega = 0.5$) changed nothing measurable, and
       neither lowers the floor: the noise that sets it is in $\hat h_s$, which averaging
       $\lambda$ does not touch.

     ## Exercises

     1. Make the samples noisier with `--perturbation 0.9`. By how much does $V_h$ grow,
        and do the floors of §4 move by the same factor?
     2. Run `--cg` (CG with $m = 5$ iterations on one batch Hessian). Does the bias column
        of §2 still show an unbiased estimator at small $B$, and is the variance smaller or
        larger than Neumann's?
     3. With `--divisors 1 2 5 10 20 50`, does the tail gap times $B_{\mathrm{eff}}$ stay
        constant across all the mini-batches? Where does it break, and why (think about
        whether each run had time to reach its floor)?
     4. Try `--averaging 0.01` (the table of §5 then holds $\omega$ = 1, 0.01 and 0.5). Which
        $\omega$ gives the lowest final distance to $x^*_r$, and does the spread of
        $\bar\lambda_1$ follow $\sqrt{\omega/(2 - \omega)}$? Why not?
     5. *(Derive.)* Let $\lambda_k$ be independent with variance $\sigma_\lambda^2$ and
        $\bar\lambda_k = (1 - \omega)\bar\lambda_{k-1} + \omega\lambda_k$. Show that in the
        stationary limit $\operatorname{Var}\bar\lambda = \frac{\omega}{2 - \omega}\sigma_\lambda^2$,
        the factor (6.8), and that the correlation of $\bar\lambda_k$ with
        $\bar\lambda_{k+t}$ is $(1 - \omega)^t$: the "memory of about $1/\omega$ steps".
     6. *(Implement.)* Write the stochastic estimate (6.2) yourself for objective 1 of the
        finite-sum toy, with the problem's batch oracles: a fresh batch for each of the
        $Q - 1$ Hessian products and one for the mixed product. Check that with $B = N$ it
        equals the library's $Q$-term AID estimate $\bar h_1$, and that with $B = 10$ the
        mean of 400 draws is within a few standard errors of it.

     Worked solutions: `book/solutions/06.md`.

     ## Further reading

     - [Zhang et al. 2025](references.md#zhang-et-al-2025) (arXiv 2511.07824): WC-MHGD and
       its stochastic version, whose rate and complexity §6 discusses.
     - [Cochran 1977](references.md#cochran-1977): sampling without replacement and the
       finite-population correction behind (6.4).
     - [Ji, Yang & Liang 2021](references.md#ji-yang--liang-2021): stochastic bilevel
       optimization with Neumann-series hypergradients, and the rates of fixed and growing
       batches.
     */
} catch { fail("\(error)") }  // weave: hide
