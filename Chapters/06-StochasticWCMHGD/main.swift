/*:
 # Chapter 6 — Stochastic WC-MHGD

 Chapter 5 ran WC-MHGD with exact oracles: every ∇_y g, every Hessian-vector
 product, every value was the full one. In learning, g is a loss over N training
 samples, and touching all N of them for every product is what we cannot afford.
 This chapter replaces every sampled oracle by a **mini-batch mean** and measures
 what that costs and what it buys:

 - a finite-sum version of the S = 2 MOBL toy whose *full* problem is exactly the
   deterministic toy, so its front and its Chebyshev optimum are still known;
 - the stochastic hypergradient (Neumann series with a fresh Hessian batch per
   term) and its variance against the batch size b, next to the law we derive;
 - stochastic WC-MHGD with batches N, N/10 and N/100 compared on the only fair
   clock, **samples processed**, with the exact stationarity gap along each run;
 - a moving average on the weights λ, and what it does (and does not) fix;
 - the stochastic claims of the WC-MHGD paper, next to what we measure.

 Builds on Chapter 3 (stochastic Neumann), Chapter 4 (warm starts) and Chapter 5
 (WC-MHGD). Run it with `swift run -c release ch06` (or `make chapter N=6`);
 `--help` lists the flags.
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
    say(
        "seed \(flags.common.seed), N = \(N) samples, ρ = \(rho), K = \(K) full-batch steps, batches N/d for d ∈ "
            + "\(divisors.map(String.init).joined(separator: ", ")), Q = \(Q) Neumann terms, \(R) repetitions, γ = \(flags.averaging)"
            + (flags.cg ? ", CG on one batch Hessian" : ""))

    /*:
     ## 1. A finite sum whose mean is the toy

     The deterministic toy of Chapter 5 is g(x, y) = ½ yᵀQy − yᵀBx with Q's
     eigenvalues log-spaced in [1, 10] and B = I (n = p = 10), and the VLMOP2
     objectives f_s(x, y) = h_s(y). We split g into N samples,

         g(x, y) = (1/N) Σ_i g_i(x, y),    g_i(x, y) = ½ yᵀQ_i y − yᵀB_i x,
         Q_i = Q ± E_j,   B_i = B ± F_j     (samples 2j and 2j + 1 share E_j, F_j with opposite signs).

     Because the perturbations come in ± pairs, (1/N) Σ_i Q_i = Q and
     (1/N) Σ_i B_i = B *exactly*: the full problem is the deterministic toy, with the
     same y*(x), hypergradients, front and Chebyshev optima. Each E_j is a random
     symmetric matrix scaled to spectral norm ρμ_Q and each F_j a random matrix
     scaled to ‖F_j‖₂ = ρ‖B‖₂, so every Q_i has eigenvalues in
     [(1 − ρ)μ_Q, L_Q + ρμ_Q]: each sample is itself a strongly convex lower level.

     One convention for every finite sum in the library: **a batch oracle returns the
     mean over its batch**, e.g. (1/b) Σ_{i∈B} (Q_i y − B_i x) for ∇_y g. For a batch of
     b distinct samples drawn uniformly, each sample is in it with probability b/N, so
     the mean is unbiased; the counters add b to `samples` for every batch oracle
     call. The upper objectives have no samples here: their "batch" oracles are the
     full ones and count nothing. The library's `FiniteSumMOBLToy`
     (Sources/MOBL/Problems) builds all this and checks every Q_i with a Cholesky
     factorization.
     */
    var rng = flags.common.generator()
    let toy = try MOBLToy.standard(.vlmop2, dimension: 10, kappa: 10, using: &rng)
    let problem = try FiniteSumMOBLToy(toy, samples: N, perturbation: rho, using: &rng)
    let x0 = rng.gaussianVector(10).map { 0.3 * $0 }
    let y0 = Vector(repeating: 0, count: 10)

    section("1. The finite-sum toy")
    say(
        "Q: eigenvalues in [\(fixed(toy.curvature.mu, 3)), \(fixed(toy.curvature.L, 3))]; over all \(N) samples Q_i: "
            + "[\(fixed(problem.sampleCurvature.mu, 3)), \(fixed(problem.sampleCurvature.L, 3))] "
            + "(bounds (1 − ρ)μ = \(fixed((1 - rho) * toy.curvature.mu, 3)), L + ρμ = \(fixed(toy.curvature.L + rho * toy.curvature.mu, 3)))"
    )

    /*:
     Is the full problem really the toy? We compare the full-batch oracles with the
     toy's at a random point, and the sample means of Q_i and B_i with Q and B (the
     sums are formed here, independently of the library's shortcut):
     */
    func meanOfSamples(_ matrix: (Int) -> Matrix) -> Matrix {
        var sum = Matrix(rows: 10, columns: 10)
        for i in 0..<N { sum.storage = zip(sum.storage, matrix(i).storage).map { $0 + $1 } }
        sum.storage = sum.storage.map { $0 / Double(N) }
        return sum
    }
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
    say(
        "max |mean Q_i − Q| = \(sci(meanQError)), max |mean B_i − B| = \(sci(meanBError)) (rounding of \(N) additions); "
            + "full-batch oracles vs the toy's: largest difference \(sci(fullOracleDifference))"
            + (fullOracleDifference == 0 ? " — identical." : "."))

    /*:
     ## 2. The stochastic hypergradient and its variance

     The hypergradient of Φ_s at x is ∇Φ_s = ∇_x f_s − M v_s with M = ∇²_xy g = −Bᵀ and
     H v_s = ∇_y f_s. The stochastic estimate (`stochasticHypergradient` in
     Sources/MOBL/Hypergradient, as in Chapter 3) uses the Neumann series with Q
     terms and step η,

         v̂ = η Σ_{q=0}^{Q−1} (I − ηĤ_q) ⋯ (I − ηĤ_1) ∇_y f_s,     ĥ = ∇_x f_s − M̂ v̂,

     where every Ĥ_j and M̂ is the mean over its **own** batch of b samples. Because
     the batches are independent, the expectation of the product is the product of the
     expectations: E[ĥ] is exactly the deterministic Q-term estimate h_Q.

     **How large is its variance?** Write Ĥ_j = H + Δ_j, M̂ = M + Δ_M and A = I − ηH.
     To first order in the Δ's, the term j enters through every q ≥ j:

         ĥ − h_Q ≈ −Δ_M v_Q + η² M Σ_{j=1}^{Q−1} C_j Δ_j w_j,    w_j = A^{j−1} ∇_y f_s,   C_j = Σ_{m=0}^{Q−1−j} A^m.

     Each Δ is the mean, over a batch of b samples drawn without replacement, of a
     per-sample deviation with population mean zero. For such a mean of per-sample
     vectors a_i the variance is the classic

         E‖(1/b) Σ_{i∈B} a_i‖² = σ² · (N − b) / (b (N − 1)),      σ² = (1/N) Σ_i ‖a_i‖²,

     (the factor (N − b)/(N − 1) is the finite-population correction: a batch of all
     N has no variance at all). The terms are independent, so their variances add:

         Var ĥ ≈ c_b · σ_h²,     c_b = (N − b)/(b(N − 1)),
         σ_h² = (1/N) Σ_i ( ‖F_iᵀ v_Q‖² + Σ_j ‖η² M C_j E_i w_j‖² ),

     — the **1/b law**, with a constant we can compute from the samples. The terms we
     dropped, products of two Δ's, are of order c_b²: they can only matter at the
     smallest batches, and how much is a measurement. We measure it at x₀ with y = y*(x₀), for objective s = 1, over
     `flags.repetitions` draws per batch size.
     */
    let eta = 1 / problem.sampleCurvature.L
    let alpha = 1 / problem.sampleCurvature.L

    /// σ_h² of the first-order law above, for objective s at (x, y): the per-sample
    /// variance of the Neumann estimator's linearization, summed over its Q − 1
    /// Hessian batches and its mixed-product batch.
    func perSampleVariance(objective s: Int, x: Vector, y: Vector) -> Double {
        let p = 10
        var a = Matrix.identity(p)  // A = I − ηQ
        for i in 0..<p { for j in 0..<p { a[i, j] -= eta * toy.Q[i, j] } }
        let minusM = toy.B.transposed  // M = −Bᵀ
        var w = [toy.objectiveGradient(s, y: y)]  // w_j = A^{j−1} ∇_y f_s, j = 1…Q
        for _ in 1..<max(Q, 1) { w.append(a.times(w.last!)) }
        let vQ = eta * combination(Vector(repeating: 1, count: Q), Array(w.prefix(Q)))
        var c = Matrix.identity(p)  // C_{Q−1} = I; C_j = I + A C_{j+1}
        var total = 0.0
        let pairs = problem.hessianPerturbations.count  // ± pairs share a square: average over pairs
        for F in problem.couplingPerturbations { total += normSquared(F.transposeTimes(vQ)) }
        for j in stride(from: Q - 1, through: 1, by: -1) {
            let mc = minusM.times(c)  // −M C_j = Bᵀ C_j
            for E in problem.hessianPerturbations { total += normSquared((eta * eta) * mc.times(E.times(w[j - 1]))) }
            var next = a.times(c)
            for i in 0..<p { next[i, i] += 1 }
            c = next
        }
        return total / Double(pairs)
    }

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
            .init("batch", "b", format: .integer),
            .init("samples", "samples / estimate", format: .integer),
            .init("variance", "measured E‖ĥ − mean‖²", format: .scientific(3)),
            .init("law", "c_b σ_h²", format: .scientific(3)),
            .init("ratio", "measured / law", format: .fixed(3), missing: "-"),
            .init("bias_z", "‖mean − h_Q‖ / se", format: .fixed(2), missing: "-"),
        ])
    // weave: end
    let varianceBatches = ([1, 2, 5, 10, 20, 50, 100, 200].filter { $0 < N }) + [N]
    var fullBatchBias: Double? = nil
    for b in varianceBatches {
        progress("variance, b = \(b)")
        let oracles = CountedOracles(problem)
        var draws: [Vector] = []
        for _ in 0..<R {
            draws.append(
                try stochasticHypergradient(
                    oracles, objective: 0, x: xBar, y: yBar, solver: solver,
                    hessianBatch: b, outerBatch: b, using: &rng
                ).gradient)
        }
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
    }
    section("2. Variance of the hypergradient estimate at x₀ (objective 1, \(R) draws per b)")
    say(
        "σ_h² = \(sci(sigmaH2, 3)); ‖h_Q‖ = \(sci(norm(hQ), 3)); the Q-term estimate's own error ‖h_Q − ∇Φ₁‖ = \(sci(norm(hQ - exactGradient), 2))"
    )
    show(varianceTable)

    /*:
     The ratio column is the check of the law; the last column is the bias check: the
     distance of the sample mean from h_Q in units of its standard error √(Var/R),
     which is of order 1 when the estimator is unbiased. (With `--cg` the solve is CG
     on *one* batch Hessian and E[Ĥ⁻¹] ≠ H⁻¹: a bias — but one of order c_b, which can
     hide in the noise of a hundred draws; Exercise 2 looks for it.)
     */
    let ratios = zip(varianceTable.column("batch"), varianceTable.column("ratio")).filter { !$1.isNaN }
    let lawHolds = ratios.filter { $0.0 >= 10 }.map(\.1)
    let fullVariance = varianceTable.column("variance").last!
    let biasZ = varianceTable.column("bias_z").filter { !$0.isNaN }
    // weave: begin-hide
    // Runs whose samples do not differ (a tiny --perturbation) have no variance to compare with the law.
    if ratios.isEmpty {
        say("The samples do not differ (σ_h² = \(sci(sigmaH2))): there is no variance to compare with the law.")
    }
    // weave: end
    if let smallest = ratios.first, let low = lawHolds.min(), let high = lawHolds.max(), let largestZ = biasZ.max() {  // weave: hide
        let smallBatchRatio = smallest.1
        say(
            "For b ≥ 10 the measured variance is \(fixed(low, 2))–\(fixed(high, 2)) times the law"
                + (lawHolds.allSatisfy { abs($0 - 1) < 0.35 }
                    ? ", agreement within the ±\(Int((100 * (2 / Double(R)).squareRoot()).rounded())) % sampling error of a variance from \(R) draws."
                    : ": not the agreement the first-order law predicts.")
                + "\nAt b = \(Int(smallest.0)) it is \(fixed(smallBatchRatio, 2)) times the law"
                + (smallBatchRatio > 1.1
                    ? " — the second-order terms (products of two batch deviations) that the law leaves out." : ".")
                + "\nWith b = N "
                + (fullBatchBias.map {
                    "every draw is the same vector (variance \(sci(fullVariance))), at distance \(sci($0)) from h_Q"
                } ?? "the draws differ")
                + ".\nThe bias statistic is at most \(fixed(largestZ, 2))"
                + (largestZ < 3.5 ? ": no sign of bias." : ": a bias."))
    }  // weave: hide

    // weave: begin-hide
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
            x: "batch size b", y: "E‖ĥ − E ĥ‖²", log: .both,
            comment:
                "Chapter 6 — Stochastic WC-MHGD: measured variance (points) and the first-order law c_b σ_h² (line), b < N.",
            data: variance, against: "batch",
            [.reference("law", "law σ_h² (N − b)/(b(N − 1))"), Curve("measured", "measured (\(R) draws)", .points)])
    }
    // weave: end

    /*:
     ## 3. Stochastic WC-MHGD, and the full batch as a check

     The algorithm is the library's `StochasticWCMHGD` (Sources/MOBL/Algorithms). It
     takes the settings of deterministic WC-MHGD (preference r, u, K, D, α, β, the
     solver, warm starts) and runs *the same loop* — the library shares it between
     the two — with the sampled oracles replaced:

         y ← D steps of y − α ∇_y g_{B_t}(x_k, y)                (a fresh batch of b samples per step, warm)
         ĥ_s ← the stochastic estimate above, φ_s ← f_s(x_k, y)   (batches of b)
         λ_k ← the weighting QP of Chapter 5 on (ĥ, φ)
         λ̄_k ← (1 − γ) λ̄_{k−1} + γ λ_k                           (γ = 1: no averaging)
         x_{k+1} ← x_k − β Σ_s r_s λ̄_{k,s} ĥ_s

     Step sizes: a batch Hessian is a mean of Q_i's, so its eigenvalues lie in the
     range over the samples; α = η = 1/L_max with L_max the largest sample eigenvalue
     keeps every inner step and every Neumann factor a contraction.

     A check before any comparison: with b = N every batch is the whole data set, and
     the finite-sum toy answers a full batch with the toy's own oracles, so the run
     must repeat deterministic `WCMHGD` *exactly*.
     */
    let r: Vector = [0.3, 0.7]
    let D = 2
    let beta = 1.0
    let settings = WCMHGD(preference: r, u: 1, outerSteps: K, innerSteps: D, alpha: alpha, beta: beta, solver: solver)
    let optimum = try toy.chebyshevOptimum(preference: r)

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
            .init("mean_q_error", "max |mean Q_i − Q|", format: .scientific(2)),
            .init("mean_b_error", "max |mean B_i − B|", format: .scientific(2)),
            .init("full_oracles", "full-batch vs toy oracles", format: .scientific(2)),
            .init("full_batch_x", "max_k |x_k(b = N) − x_k(WC-MHGD)|", format: .scientific(2)),
        ])
    // weave: end
    exactness.append([
        "mean_q_error": meanQError, "mean_b_error": meanBError, "full_oracles": fullOracleDifference,
        "full_batch_x": fullBatchDeviation,
    ])
    section("3. Full batch against deterministic WC-MHGD (\(K) steps)")
    show(exactness)
    say(
        fullBatchDeviation == 0
            ? "The same iterates to the last bit, at every one of the \(K) steps."
            : "The iterates differ by \(sci(fullBatchDeviation)): not the exact reproduction the design promises.")

    /*:
     ## 4. Batch sizes on a budget of samples

     Now the comparison. Every run gets the same budget of samples: the full batch
     runs K steps, a batch N/d runs d·K steps, so all spend the same number of
     samples. An outer step with batch b touches b·(D + S·Q) samples: D inner
     gradients, and per objective Q − 1 Hessian batches and one mixed-product batch.
     The observer (`OuterTrace`) measures the exact stationarity gap
     min_{λ∈Δ} ‖Σ λ_s ∇Φ_s(x_k)‖² with dense solves the algorithm never sees, and
     we also record the distance to the exact Chebyshev optimum x*_r.

     What to expect. With exact hypergradients the gap falls steadily, but every
     step costs N(D + S·Q) samples. With batches, the step carries noise of
     variance ≈ β² c_b σ² at every step; near x*_r the iterates settle in a cloud
     whose spread is set by that noise, and the gap — quadratic in the distance to
     x*_r — levels off at a **floor proportional to c_b**. Small batches buy many
     more steps per sample and descend faster at first; then they stop.
     */
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

    func stochasticRun(divisor d: Int, averaging gamma: Double) throws -> StochasticRun {
        var configuration = settings
        configuration.outerSteps = K * d
        let algorithm = StochasticWCMHGD(configuration, innerBatch: N / d, outerBatch: N / d, averaging: gamma)
        var run = StochasticRun(batch: N / d, averaging: gamma)
        let trace = OuterTrace(exact: problem)
        var runRng = flags.common.generator()
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try algorithm.run(problem, x0: x0, y0: y0, using: &runRng) { step in
            run.peakVectors = max(run.peakVectors, step.peakVectors)
            _ = try trace.observe(step)
            run.samples.append(Double(step.counts.samples))
            run.gap.append(trace.records.last!.gap!)
            run.distance.append(norm(step.x - optimum.x))
            run.lambda1.append(step.weights[0])
            if step.k % 100 == 0 { progress("b = \(N / d), γ = \(gamma): step \(step.k) of \(K * d)") }
            return true
        }
        run.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        (run.finalX, run.counts) = (result.x, result.counts)
        return run
    }

    var runs: [StochasticRun] = []
    for d in divisors { runs.append(try stochasticRun(divisor: d, averaging: 1)) }

    section("4. Batch sizes on an equal budget of samples")
    // weave: begin-hide
    var batchTable = Table(
        "batches",
        [
            .init("batch", "b", format: .integer),
            .init("steps", "outer steps", format: .integer),
            .init("samples", "samples", format: .integer),
            .init("tail_gap", "gap (mean, last quarter)", format: .scientific(2)),
            .init("tail_distance", "‖x − x*_r‖ (mean, last quarter)", format: .scientific(2)),
            .init("c_b", "c_b", format: .scientific(2)),
            .init("floor_ratio", "gap / c_b", format: .scientific(2), missing: "-"),
        ])
    // weave: end
    for run in runs {
        let cb = Double(N - run.batch) / (Double(run.batch) * Double(N - 1))
        let tailGap = run.tailMean(run.gap)
        batchTable.append([
            "batch": Double(run.batch), "steps": Double(run.steps), "samples": run.samples.last!,
            "tail_gap": tailGap, "tail_distance": run.tailMean(run.distance), "c_b": cb,
            "floor_ratio": cb > 0 ? tailGap / cb : nil,
        ])
    }
    show(batchTable)

    /*:
     If the floors follow the noise, gap / c_b is the same for every mini-batch: the
     text below compares the two smallest batches.
     */
    let tailGaps = batchTable.column("tail_gap"), floorRatios = batchTable.column("floor_ratio")
    let lowest = tailGaps.indices.min { tailGaps[$0] < tailGaps[$1] }!
    let tailDistances = batchTable.column("tail_distance")
    say(
        "On the same budget the lowest final gap is b = \(runs[lowest].batch)'s: gap \(tailGaps.map { sci($0, 1) }.joined(separator: ", "))"
            + " and ‖x − x*_r‖ \(tailDistances.map { sci($0, 1) }.joined(separator: ", ")) for b = \(runs.map { String($0.batch) }.joined(separator: ", "))."
    )
    say(
        tailDistances.dropFirst().allSatisfy({ $0 < tailDistances[0] })
            ? "Every mini-batch run ends closer to x*_r than the full batch: \(K) exact steps were not enough to travel along the front."
            : "The full batch is not the farthest from x*_r.")
    let miniBatches = zip(runs, floorRatios).filter { !$0.1.isNaN }  // b < N: c_b > 0
    // weave: begin-hide
    if miniBatches.count < 2 {
        say("gap / c_b needs two mini-batch sizes b < N to compare; this run has \(miniBatches.count).")
    }
    // weave: end
    if miniBatches.count >= 2 {  // weave: hide
        let (mid, small) = (miniBatches[miniBatches.count - 2], miniBatches[miniBatches.count - 1])
        let floorAgreement = max(small.1, mid.1) / min(small.1, mid.1)
        say(
            "gap / c_b for b = \(mid.0.batch) and \(small.0.batch): \(sci(mid.1, 2)) and \(sci(small.1, 2)), "
                + "a factor \(fixed(floorAgreement, 2)) apart"
                + (floorAgreement < 2
                    ? " — the floors scale with the variance c_b, as the noise argument predicts."
                    : " — the floors do not follow c_b closely here."))
    }  // weave: hide

    /*:
     The figure: the exact gap against the samples processed, one curve per batch
     size, on log-log axes (every step of the full-batch run; the longer runs are
     thinned to about 300 points each, evenly spaced in log k).
     */
    func thinned(_ count: Int, points: Int = 300) -> [Int] { logSpacedIndices(count, points: points) }

    // weave: begin-hide
    func stochasticFigure() throws -> Figure {
        let trace = try DataBlock(
            "trace", columns: ["batch", "samples", "gap"],
            groups: runs.map { run in
                thinned(run.steps).map { [Double(run.batch), run.samples[$0], max(run.gap[$0], 1e-300)] }
            })
        return try Figure.curves(
            "ch06-stochastic", title: "Stochastic WC-MHGD on the finite-sum toy: gap against samples processed",
            x: "samples processed", y: "stationarity gap min_λ ‖Σ λ_s ∇Φ_s(x_k)‖²", log: .both, key: "bottom left",
            comment: "Chapter 6 — Stochastic WC-MHGD: the exact gap along runs with batches "
                + runs.map { "b = \($0.batch)" }.joined(separator: ", ") + " on an equal budget of samples.",
            against: "samples",
            Curve.groups(
                "gap", data: trace,
                titles: runs.map { $0.batch == N ? "b = N = \(N) (deterministic)" : "b = \($0.batch)" },
                lineWidth: 1.5))
    }
    // weave: end

    /*:
     ## 5. A moving average on λ

     With noisy ĥ the weighting QP returns noisy weights λ_k, and the direction
     Σ r_s λ_s ĥ_s inherits that noise twice. An old remedy is to average:
     λ̄_k = (1 − γ)λ̄_{k−1} + γλ_k. For independent fluctuations an exponential
     average with weight γ has variance γ/(2 − γ) times theirs (about 0.05 for
     γ = 0.1), so the standard deviation shrinks by √(γ/(2 − γ)).

     But λ_k is not independent noise: it is a **feedback**. The QP's preference
     term moves weight towards whichever objective is above its share r_s Φ_s, x
     moves in response, and the next λ answers that move. An average answers with a
     delay of about 1/γ steps, and a feedback loop with a delay can overshoot. So
     whether averaging helps is a measurement, not a given. We rerun the smallest
     batch with γ = `flags.averaging` and compare the spread of λ̄_1 over the second
     half of the run, the final gap and the distance to x*_r. The exact λ* at x*_r
     (the QP's weights with exact hypergradients and values) is the line both should
     hover around.
     */
    let smallest = divisors.last!
    let averaged = try stochasticRun(divisor: smallest, averaging: flags.averaging)
    let plain = runs.last!
    let exactLambda = try chebyshevWeights(
        gradients: toy.exactHypergradients(x: optimum.x), values: optimum.values,
        preference: r, u: 1
    ).weights
    // weave: begin-hide
    var averagingTable = Table(
        "averaging",
        [
            .init("gamma", "γ", format: .fixed(2)),
            .init("lambda_sd", "sd of λ̄₁ (second half)", format: .scientific(2)),
            .init("lambda_mean", "mean λ̄₁ (second half)", format: .fixed(4)),
            .init("tail_gap", "gap (mean, last quarter)", format: .scientific(2)),
            .init("tail_distance", "‖x − x*_r‖ (mean, last quarter)", format: .scientific(2)),
        ])
    // weave: end
    for run in [plain, averaged] {
        let half = run.lambda1.suffix(max(run.lambda1.count / 2, 2))
        averagingTable.append([
            "gamma": run.averaging, "lambda_sd": run.lambdaSpread,
            "lambda_mean": half.reduce(0, +) / Double(half.count),
            "tail_gap": run.tailMean(run.gap), "tail_distance": run.tailMean(run.distance),
        ])
    }
    section("5. Moving average on λ (b = \(N / smallest)); exact λ*₁ = \(fixed(exactLambda[0], 4))")
    show(averagingTable)

    let spreadRatio = averaged.lambdaSpread / plain.lambdaSpread
    let gapRatio = averaged.tailMean(averaged.gap) / plain.tailMean(plain.gap)
    let distanceRatio = averaged.tailMean(averaged.distance) / plain.tailMean(plain.distance)
    say(
        "Averaging with γ = \(flags.averaging) multiplies the spread of λ̄₁ by \(fixed(spreadRatio, 3))"
            + " (independent noise would give √(γ/(2 − γ)) = \(fixed((flags.averaging / (2 - flags.averaging)).squareRoot(), 3)))"
            + ", the final gap by \(fixed(gapRatio, 2)) and the distance to x*_r by \(fixed(distanceRatio, 2)).")
    say(
        (spreadRatio < 1
            ? "The weights are calmer"
            : "The weights are NOT calmer: the averaged λ̄ swings wider than the raw λ — the delayed feedback overshoots (see the figure)")
            + (gapRatio < 0.8
                ? ", and the floor is lower."
                : gapRatio > 1.25 ? ", and the run ends farther from stationarity." : ", and the floor barely moves."))

    // weave: begin-hide
    func averagingFigure() throws -> Figure {
        let weights = try DataBlock(
            "weights", thinned(plain.steps, points: 400),
            [
                "k": { Double($0 + 1) }, "plain": { plain.lambda1[$0] }, "averaged": { averaged.lambda1[$0] },
                "exact": { _ in exactLambda[0] },
            ])
        return try Figure.curves(
            "ch06-averaging", title: "Weights along the run (b = \(N / smallest)): plain λ_k and averaged λ̄_k",
            x: "outer step k", y: "λ_1", log: .x, key: "bottom right",
            comment:
                "Chapter 6 — Stochastic WC-MHGD: λ_1 without and with the moving average γ = \(flags.averaging); the exact λ*_1 at the Chebyshev optimum.",
            data: weights, against: "k",
            [
                Curve("averaged", "λ̄_1, γ = \(flags.averaging)", .lines),
                Curve("plain", "λ_1, γ = 1 (no averaging)", .lines),
                .reference("exact", "exact λ*_1 at x*_r"),
            ])
    }
    // weave: end

    /*:
     ## 6. The paper's stochastic claims, next to what we measured

     The WC-MHGD paper states, for the stochastic setting, a convergence rate it
     writes as O(1/K²) and an oracle complexity of O(κ⁸ ε⁻² S) samples to reach an
     ε-Pareto-stationary point (against O(1/K) and O(κ³ ε⁻¹ S) deterministically).
     Read literally, a stochastic rate *faster per step* than the deterministic one
     is implausible — per step, noise can only hurt, and the b = N run above is the
     noise-free limit — and we see nothing like it: with a fixed batch the gap does not
     fall like 1/K² or even 1/K, it levels off. (Stochastic bilevel analyses usually
     give O(1/K) with batches that grow with the target accuracy, or O(1/√K) with
     fixed ones. The paper's full text is not public, only a summary of it, so we cannot
     check how the rate is stated or under which batch schedule; we report what we see.) The
     complexity, on the other hand, is consistent with the picture we measured:

     - with a fixed batch b the gap stops at a floor ∝ c_b ≈ 1/b (Section 4), so to
       reach a gap ε the batch must grow like b ∝ ε⁻¹;
     - with the noise that small, the loop needs the deterministic O(1/ε) steps;
     - samples = steps × b ∝ ε⁻¹ · ε⁻¹ = **ε⁻²**, times S for the S hypergradients.

     The κ⁸ is a worst-case constant (how the variance σ² and the step sizes scale
     with the conditioning), which a single toy with κ = 10 cannot test. Below: the
     samples each run needed before its gap, averaged over a trailing window of 1 % of
     its steps (so that one lucky step does not count), first fell to a few levels.
     */
    let levels = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6]
    // weave: begin-hide
    var reachTable = Table(
        "samples_to_gap",
        [.init("batch", "b", format: .integer)]
            + levels.indices.map {
                .init("eps\($0)", "gap ≤ \(sci(levels[$0], 0))", format: .scientific(2), missing: "not reached")
            })
    // weave: end
    for run in runs {
        reachTable.append(
            [("batch", Double(run.batch))] + levels.indices.map { ("eps\($0)", run.samplesToReach(levels[$0])) })
    }
    section("6. Samples to first reach a gap level")
    show(reachTable)

    let firstLevelWinner = runs.indices.min {
        (runs[$0].samplesToReach(levels[0]) ?? .infinity) < (runs[$1].samplesToReach(levels[0]) ?? .infinity)
    }!
    let finestReached = levels.indices.last { runs[0].samplesToReach(levels[$0]) != nil }
    say(
        "Gap ≤ \(sci(levels[0], 0)) is reached first by b = \(runs[firstLevelWinner].batch)"
            + (firstLevelWinner == runs.count - 1 ? " (the smallest batch)" : "") + "; "
            + "the full batch reaches " + (finestReached.map { "gap ≤ \(sci(levels[$0], 0))" } ?? "none of the levels")
            + ", the smallest batch "
            + (levels.indices.last { plain.samplesToReach(levels[$0]) != nil }.map { "gap ≤ \(sci(levels[$0], 0))" }
                ?? "none of them") + ".")

    /*:
     ## 7. For the closing comparison

     Chapter 10 assembles one table from the chapters' runs: every method of the course on
     every problem where it applies, with the same measures — the exact stationarity gap at
     the end point, the oracle calls, the peak length-p vectors, and the misalignment
     (max_s r_sΦ_s − min_s r_sΦ_s)/max_s r_sΦ_s from the ray of the stated preference.
     Stochastic WC-MHGD applies only where the lower level is a finite sum, so this
     chapter gives its one row: the mini-batch run of Section 4 with the lowest gap over
     its last quarter, r = (0.3, 0.7), on Section 4's budget of samples. Its full problem is
     Chapter 5's S = 2 toy, so its gap and Φ(x_K) — exact, with dense solves the algorithm
     never sees — are measured on the same Φ as the deterministic rows of Chapter 7 (which
     start from another x₀ and state r = (½, ½)). One caution when reading its oracle
     calls: each touches b of the N samples, so a call here costs b/N of a deterministic one.
     */
    let miniBatch = runs.filter { $0.batch < N }.min { $0.tailMean($0.gap) < $1.tailMean($1.gap) }!
    let stochasticEntry = ComparisonEntry(
        problem: .finiteSumToy, method: .stochasticWCMHGD, preference: r,
        values: toy.reducedValues(x: miniBatch.finalX),
        gap: try stationarityGap(gradients: toy.exactHypergradients(x: miniBatch.finalX)),
        counts: miniBatch.counts, peakVectors: miniBatch.peakVectors,
        lowerDimension: toy.lowerDimension, seconds: miniBatch.seconds)
    let comparison = comparisonTable([stochasticEntry])
    section(
        "7. The closing comparison's row: b = \(miniBatch.batch), \(miniBatch.steps) steps, \(miniBatch.counts.samples) samples"
    )
    show(comparison)
    if flags.common.timings { show(timingsTable([stochasticEntry])) }
    say(
        "Φ(x_K) = (\(fixed(stochasticEntry.values[0], 4)), \(fixed(stochasticEntry.values[1], 4))) against the exact Chebyshev optimum "
            + "(\(fixed(optimum.values[0], 4)), \(fixed(optimum.values[1], 4))), \(sci(norm(stochasticEntry.values - optimum.values))) away; "
            + "misalignment \(sci(stochasticEntry.misalignment!)), final gap \(sci(stochasticEntry.gap)).")

    section("Figures")
    // weave: begin-hide
    save(
        figures: [try stochasticFigure(), try varianceFigure(), try averagingFigure()],
        tables: [exactness, varianceTable, batchTable, averagingTable, reachTable, comparison],
        timings: timingsTable([stochasticEntry]), flags: flags.common)
    // weave: end

    /*:
     ## Summary

     - A finite sum in the library is a **mean**: g = (1/N) Σ g_i, and every batch
       oracle returns the mean over its batch, unbiased for uniform batches and exact
       for the full one; `OracleCounts.samples` counts what each call touched.
     - The finite-sum toy's perturbations cancel in ± pairs, so its full problem is
       the deterministic toy — and stochastic WC-MHGD with full batches reproduces
       deterministic WC-MHGD to the last bit.
     - The stochastic Neumann hypergradient is unbiased for the Q-term series, and its
       variance follows the law σ_h² (N − b)/(b(N − 1)) derived from one linearization,
       with σ_h² computed from the samples; tiny batches sit above it.
     - On a budget of samples, small batches descend fastest at first and then stop
       on a floor proportional to their variance; the full batch keeps going. Reaching
       a gap ε needs b ∝ 1/ε and ∝ 1/ε steps: the ε⁻² of the stochastic complexity.
     - A moving average on λ is not free: λ is a feedback on x, and the delay of an
       average with γ = 0.1 made the weights swing wider and the run end farther from
       x*_r. Short averages (γ near 1) are harmless but do not lower the floor either:
       the noise that sets it is in ĥ, which averaging λ does not touch.

     ## Exercises

     1. Make the samples noisier with `--perturbation 0.9`. By how much does σ_h² grow,
        and do the floors of Section 4 move by the same factor?
     2. Run `--cg` (CG with 5 iterations on one batch Hessian). Does the bias column of
        Section 2 still show an unbiased estimator at small b, and is the variance
        smaller or larger than Neumann's?
     3. With `--divisors 1 2 5 10 20 50`, does gap / c_b stay constant across all the
        mini-batches? Where does it break, and why (think about whether each run had
        time to reach its floor)?
     4. Try `--averaging 0.01` and `--averaging 0.5`. Which γ gives the lowest final
        distance to x*_r, and does the spread of λ̄₁ follow √(γ/(2 − γ))? Why not?

     Worked solutions: `book/solutions/06.md`.
     */
} catch { fail("\(error)") }  // weave: hide
