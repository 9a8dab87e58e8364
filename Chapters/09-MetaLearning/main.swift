/*:
 # Chapter 9 — Multi-objective meta-learning

 Meta-learning learns what many tasks share so that a new task can be learned from a
 handful of examples. Here the tasks are few-shot regressions — MAML's sinusoids,
 generalized to five *families* of shapes — and what they share is a representation
 of the input, h(a) ∈ Rʷ, on top of which every task fits its own small linear head.
 A narrow representation (w = 4 numbers) cannot serve five different families at
 once: the families compete for it. That makes meta-learning WC-MHGD's second
 application, after data hyper-cleaning.

 What you will learn:

 - why meta-learning is a bilevel problem (heads adapt per task, the representation
   is shared), and why it is multi-objective here (one objective per family);
 - the closed-form ridge head, and why the algorithms still use only the oracles;
 - a preference sweep: which family a preference r favours, measured on *meta-test*
   tasks the training never saw;
 - the u and D ablations of Chapter 5 repeated on this problem;
 - every method of the course on one budget of oracle calls, recorded for the
   course's closing comparison.

 Builds on Chapter 2 (AID), Chapter 5 (WC-MHGD and its ablations), Chapter 6
 (stochastic WC-MHGD) and Chapter 7 (FORUM, MOML, MoCo). Convention (Chapter 1): a
 larger r_s buys a smaller Φ_s; the stationarity gap is min_{λ∈Δ}‖Σ_s λ_s∇Φ_s(x)‖².
 Run it with `swift run -c release ch09` (or `make chapter N=9`); `--help` lists the flags.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter09Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    //: The command-line flags (declared in `Flags.swift`; `ch09 --help` lists them) are in `flags`.
    let quick = flags.common.quick
    let K = flags.outerSteps ?? (quick ? 15 : 60)
    let (D, N, u, beta) = (flags.innerSteps, flags.cgSteps, flags.u, flags.outerStep)
    let settings = MetaLearning.Settings(
        features: 41, width: flags.width, shots: 10, queries: 20,
        trainTasksPerFamily: flags.tasks ?? (quick ? 4 : 16),
        testTasksPerFamily: quick ? 10 : 40, ridge: flags.ridge, noise: 0.05, bandwidth: 1.5)
    say("Chapter 9 — Multi-objective meta-learning")
    say(
        "seed \(flags.common.seed), w = \(settings.width), M = \(settings.features) features, K_shots = \(settings.shots), Q = \(settings.queries), "
            + "\(settings.trainTasksPerFamily) meta-training and \(settings.testTasksPerFamily) meta-test tasks per family, c = \(settings.ridge); "
            + "K = \(K) outer steps, D = \(D), CG(N = \(N)), u = \(u), β = \(beta)")

    /*:
     ## 1. The problem

     **Tasks and families.** A task τ is a function t(a) on a ∈ [−5, 5], seen through
     K_shots = 10 *support* points (a, t(a) + noise) and scored on Q = 20 *query* points
     (noise σ = 0.05). A family is a distribution over tasks; the library's
     `TaskFamily` has five, each with its parameters drawn uniformly from fixed ranges:

         slow sine   A sin(ωa + φ),        A ∈ [0.5, 1.5], ω ∈ [0.4, 0.8], φ ∈ [0, 2π)
         fast sine   A sin(ωa + φ),        A ∈ [0.5, 1.5], ω ∈ [1.6, 2.4], φ ∈ [0, 2π)
         line        m·a/5 + b,            m ∈ [−1.5, 1.5], b ∈ [−1, 1]
         kink        A(|a − a₀| − 1)/2,    A ∈ [−1.5, 1.5], a₀ ∈ [−3, 3]
         step        A tanh(k(a − a₀)),    A ∈ [−1.5, 1.5], k ∈ [1, 4], a₀ ∈ [−3, 3]

     Their shapes conflict: a fast sine needs oscillating features, a line a smooth
     trend, a kink or a step a sharp feature whose place moves from task to task.

     **The representation (upper level).** Fixed, seeded random Fourier features
     φ(a) ∈ Rᴹ (M = 41: φ_j(a) = √(2/40) cos(ω_j a + b_j) with ω_j ~ N(0, 1.5²) and
     b_j uniform, plus a constant feature) are mixed by a matrix X ∈ R^{M×w} into the
     representation h(a) = Xᵀφ(a) ∈ Rʷ. The upper variable is x = vec(X), n = M·w.

     **The heads (lower level).** Each meta-training task τ fits a head y_τ ∈ Rʷ on its
     support set by ridge regression on the representation. With F_τ ∈ R^{K_shots×M}
     the features of its support inputs and Z_τ = F_τ X its K_shots × w design,

         g(x, y)   = Σ_τ [ (1/K_shots)‖Z_τ y_τ − t_τ‖² + c‖y_τ‖² ]
         f_s(x, y) = mean over the meta-training tasks τ of family s of (1/Q)‖Z^q_τ y_τ − t^q_τ‖²

     with Z^q_τ the query design: the upper objective s is family s's mean query loss.
     y stacks all heads (p = T·w for T meta-training tasks).

     **Why bilevel.** Each head adapts to its task (the inner problem), and the shared
     representation is judged by how well the *adapted* heads predict unseen query points:
     Φ_s(x) = f_s(x, y*(x)). A representation is good when a few shots suffice to fit a
     head that generalizes — the question meta-learning asks. **Why multi-objective.**
     With w = 4 the representation has four functions to offer; a slow sine needs
     about two (sin and cos near one frequency), a fast sine two others, a line the
     constant and a slope, kinks and steps sharp features at changing places. No X serves
     every family best: lowering one family's loss raises another's, and a preference r
     over the five families chooses where on that trade-off to land.

     **The closed form, and why the algorithms do not use it.** g separates over the
     tasks and each term is a ridge problem, so

         y*_τ(x) = (Z_τᵀZ_τ/K_shots + cI)⁻¹ Z_τᵀt_τ/K_shots,     ∇²_{y_τ y_τ} g = 2(Z_τᵀZ_τ/K_shots + cI):

     g is μ = 2c strongly convex and L = max_τ 2(λ_max(Z_τᵀZ_τ)/K_shots + c) smooth in y. The
     problem (`MetaLearning`, Sources/MOBL/Problems/MetaLearning.swift) uses the closed
     form for y*(x) and, by the implicit function theorem with per-task w × w solves, for
     the exact hypergradients ∇Φ_s. Those are the *measuring* instruments: the final
     Φ_s(x) and the stationarity gap below are exact. The algorithms see only the
     oracles — inner gradient steps, Hessian-vector and mixed products — as they would
     with a neural network head, where no closed form exists.

     The meta-test tasks are separate seeded draws (never seen by any algorithm). For a
     representation x, `metaTestLosses` fits each meta-test task's head on its support
     set by the same ridge and reports the mean query loss per family: what the
     representation is worth on *new* tasks.
     */
    var rng = flags.common.generator()
    let problem = try MetaLearning(settings: settings, using: &rng)
    let x0 = rng.gaussianVector(problem.upperDimension)
    let y0 = Vector(repeating: 0, count: problem.lowerDimension)
    let (mu, L0) = problem.lowerCurvature(x: x0)!
    let alpha = 1 / L0
    let families = TaskFamily.allCases
    let S = families.count
    let familyNames = families.map(\.name)
    say(
        "n = M·w = \(problem.upperDimension), p = T·w = \(problem.lowerDimension) (T = \(problem.trainTasks.count) meta-training tasks), "
            + "\(problem.testTasks.count) meta-test tasks; at x₀ (Gaussian entries): μ = 2c = \(fixed(mu, 3)), L = \(fixed(L0, 3)), "
            + "κ = \(fixed(L0 / mu, 1)); inner step α = 1/L(x₀) = \(fixed(alpha, 4))")

    /*:
     A first check that the closed form and the oracles agree: at x₀ the closed-form
     heads y*(x₀) make the oracle ∇_y g vanish, and the exact per-family losses Φ_s(x₀)
     sit beside the meta-test losses of the same representation.
     */
    let yStar0 = problem.lowerSolution(x: x0)
    let start = (train: problem.reducedValues(x: x0), test: problem.metaTestLosses(x: x0))
    // weave: begin-hide
    var startTable = Table(
        "start",
        [
            .init("family", format: .label(familyNames)),
            .init("train", "Φ_s(x₀) (meta-train)", format: .fixed(4)),
            .init("test", "meta-test loss", format: .fixed(4)),
        ])
    // weave: end
    for s in 0..<S { startTable.append(["family": Double(s), "train": start.train[s], "test": start.test[s]]) }
    section("1. The random representation x₀: per-family losses")
    show(startTable)
    say(
        "‖∇_y g(x₀, y*(x₀))‖ = \(sci(norm(problem.lowerGradientY(x: x0, y: yStar0)))) (the closed-form heads solve the lower level; "
            + "‖y*(x₀)‖ = \(fixed(norm(yStar0), 3))).")

    /*:
     ## 2. One experiment function for every method

     Every run below starts at (x₀, y₀ = 0) and goes through one function, `runMethod`.
     It takes the method, the preference r (ignored by the methods that take none), u and
     D, and either K outer steps or a budget of oracle calls; it returns the final x,
     the exact Φ_s(x) (meta-training query losses with exact heads), the per-family
     meta-test losses, the exact stationarity gap, the oracle calls, the peak number of
     length-p vectors held, and — every few steps — the meta-test losses along the way.

     The methods (Sources/MOBL/Algorithms), with α = 1/L(x₀), D warm-started inner
     steps and the outer step β for all:

     - **WC-MHGD (CG)** (Chapter 5): N warm-started CG steps per hypergradient, u as
       given, and the preference normalized by ‖r ⊙ Φ(x₀)‖ (the linear term of the
       weighting QP is not scale-invariant; normalized, it starts at unit size);
     - **WC-MHGD (Neumann)**: the same with a Neumann series of `--neumann-terms` terms
       (10 by default), η = α;
     - **stochastic WC-MHGD** (Chapter 6): the tasks are the lower level's samples
       (`MetaLearning` is a finite sum, g = (1/T)Σ_τ T·g_τ), every inner step and every
       Hessian and mixed product on a batch of half the tasks, the Neumann series with
       a fresh batch per term. A batch's Hessian is zero on the heads of the tasks it
       left out, so CG on one batch Hessian would be singular; the Neumann series with
       fresh batches is an unbiased estimate of the full-batch series instead. Its steps
       α and η are halved: a batch of half the tasks doubles each sampled block;
     - **linear scalarization**: `WCMHGD` with `baseline: .linear(weights: r)`, descent
       on Σ_s r_sΦ_s with the same hypergradients;
     - **MGDA**: `WCMHGD` with `baseline: .minNorm`, the min-norm combination;
     - **FORUM** (Chapter 7): ρ = ½, its y step μ = α, its x step β/4 (`upperStepScale`)
       and its inner step η = α/4. FORUM moves x and y together, and x sets the scale
       of the features, so L(x) moves with it: with the x step β, longer runs grew L
       past 2/η and were refused. These are stable settings, not tuned ones (the table
       of Section 6 shows L at every method's final x);
     - **MOML**: ITD through the D inner steps, MGDA weights, step β;
     - **MoCo**: AID with CG, tracking weight ½, weight step γ = 0.1, step β.
     */
    /// The methods in the order of this chapter's tables.
    let methods: [CourseMethod] = [.wcmhgdCG, .wcmhgdNeumann, .stochasticWCMHGD, .linear, .mgda, .forum, .moml, .moco]

    /// One finished run, with everything the tables and the closing comparison need.
    struct MethodRun {
        let method: CourseMethod
        let r: Vector
        let x: Vector
        /// Exact Φ_s(x) at the final x, and the per-family meta-test losses.
        let train: Vector, test: Vector
        let gap: Double
        let counts: OracleCounts
        let steps: Int
        let peakVectors: Int
        let seconds: Double
        /// The weights λ of the last step (for WC-MHGD: the weighting QP's solution).
        let lastWeights: Vector
        /// L(x) = max_τ 2(λ_max(Z_τᵀZ_τ)/K_shots + c) at the final x.
        let finalL: Double
        /// ‖y − y*(x_k)‖/‖y*(x_k)‖ at the last step's (x_k, y), with y*(x_k) in closed form.
        let innerError: Double
        /// (oracle calls so far, meta-test losses) every few steps, from the start x₀.
        let path: [(calls: Int, test: Vector)]
        /// The size of the lower-level variable (all heads), for the memory column.
        let lowerDimension: Int
        /// max_s r_s Φ_s, the weighted Chebyshev value (reference point 0), on the meta-training and meta-test losses.
        var chebyshevTrain: Double { zip(r, train).map { $0 * $1 }.max()! }
        var chebyshevTest: Double { zip(r, test).map { $0 * $1 }.max()! }
        var entry: ComparisonEntry {
            ComparisonEntry(
                problem: .metaLearning, method: method, preference: r, values: train,
                gap: gap, counts: counts, peakVectors: peakVectors, lowerDimension: lowerDimension, seconds: seconds)
        }
    }

    func runMethod(_ method: CourseMethod, r: Vector, u: Double = u, D: Int = D, budget: Int? = nil) throws -> MethodRun
    {
        var settings = MethodSettings(
            outerSteps: budget == nil ? K : MethodSettings.untilStopped, innerSteps: D, alpha: alpha, beta: beta,
            preference: r, cgSteps: N, neumannTerms: flags.neumannTerms)
        (settings.u, settings.forumUpperStep) = (u, beta / 4)
        settings.forumInnerStepScale = 0.25
        (settings.stochasticBatch, settings.stochasticSeed) = (max(1, problem.sampleCount / 2), flags.common.seed &+ 9)
        var callBudget = budget.map { CallBudget(calls: $0) }
        var last: (x: Vector, calls: Int, steps: Int, peak: Int) = (x0, 0, 0, 0)
        var lastPoint = (x: x0, y: y0)
        var lastWeights: Vector = []
        var path: [(calls: Int, test: Vector)] = [(0, start.test)]
        let every = max(1, K / 15)
        let observe: OuterObserver = { step in
            let used = step.counts.calls
            var next = step.x
            axpy(1, step.step, &next)  // x_{k+1} = x_k + step
            last = (next, used, step.k + 1, max(last.peak, step.peakVectors))
            lastPoint = (step.x, step.y)
            lastWeights = step.weights
            let more = callBudget?.allowsAnother(after: step.counts) ?? true
            if (step.k + 1) % every == 0 || !more { path.append((used, problem.metaTestLosses(x: next))) }
            progress("\(method.name): outer step \(step.k + 1)")
            return more
        }
        let clock = DispatchTime.now().uptimeNanoseconds
        let result = try method.run(problem, x0: x0, y0: y0, settings: settings, observe: observe)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
        let x = last.x
        let yStar = problem.lowerSolution(x: lastPoint.x)
        return MethodRun(
            method: method, r: r, x: x, train: problem.reducedValues(x: x), test: problem.metaTestLosses(x: x),
            gap: try stationarityGap(gradients: problem.exactHypergradients(x: x)), counts: result.counts,
            steps: last.steps, peakVectors: last.peak, seconds: seconds, lastWeights: lastWeights,
            finalL: problem.lowerCurvature(x: x)!.L,
            innerError: norm(lastPoint.y - yStar) / norm(yStar), path: path, lowerDimension: problem.lowerDimension)
    }

    /*:
     ## 3. A preference sweep

     WC-MHGD (CG) with six preferences: uniform, r = (0.2, …, 0.2), and for each family
     s the one-hot-ish preference with r_s = 0.8 and 0.05 on the other four. The
     Chebyshev convention says a larger r_s buys a smaller Φ_s, so the claim to test is:
     **each family's meta-test loss is lowest under the preference that favours it**
     (among the six), and below its loss under the uniform preference. The claim is about
     meta-test tasks: the preference acts on the meta-training losses Φ_s, and the
     question is whether what it buys carries over to new tasks of the family.

     Misalignment (the closing comparison's measure) is (max_s r_sΦ_s − min_s r_sΦ_s) /
     max_s r_sΦ_s: 0 on the ray r_1Φ_1 = … = r_SΦ_S. A Chebyshev optimum lies on that
     ray only when every objective is *active*; an objective that is cheap to lower
     sits below the maximum and makes the misalignment large without anything being
     wrong. So the table also shows the Chebyshev value max_s r_sΦ_s and which family
     attains it.
     */
    let uniform = Vector(repeating: 1 / Double(S), count: S)
    func favouring(_ s: Int) -> Vector { (0..<S).map { $0 == s ? 0.8 : 0.05 } }
    let preferences = [uniform] + (0..<S).map(favouring)
    var sweep: [MethodRun] = []
    for r in preferences { sweep.append(try runMethod(.wcmhgdCG, r: r)) }

    let preferenceNames = ["uniform"] + familyNames.map { "favour \($0)" }
    // weave: begin-hide
    var sweepTable = Table(
        "sweep",
        [
            .init("preference", format: .label(preferenceNames)),
            .init("test_1", "test slow", format: .fixed(4)), .init("test_2", "test fast", format: .fixed(4)),
            .init("test_3", "test line", format: .fixed(4)), .init("test_4", "test kink", format: .fixed(4)),
            .init("test_5", "test step", format: .fixed(4)),
            .init("train_1", "Φ₁", format: .fixed(4)), .init("train_2", "Φ₂", format: .fixed(4)),
            .init("train_3", "Φ₃", format: .fixed(4)),
            .init("train_4", "Φ₄", format: .fixed(4)), .init("train_5", "Φ₅", format: .fixed(4)),
            .init("chebyshev", "max r_sΦ_s", format: .fixed(4)), .init("active", "argmax", format: .label(familyNames)),
            .init("misalignment", format: .fixed(3)), .init("gap", format: .scientific(2)),
        ])
    // weave: end
    for (k, run) in sweep.enumerated() {
        var cells: [(String, Double?)] = [("preference", Double(k))]
        for s in 0..<S { cells.append(("test_\(s + 1)", run.test[s])) }
        for s in 0..<S { cells.append(("train_\(s + 1)", run.train[s])) }
        let scaled = zip(run.r, run.train).map { $0 * $1 }
        cells += [
            ("chebyshev", run.chebyshevTrain), ("active", Double(scaled.firstIndex(of: scaled.max()!)!)),
            ("misalignment", run.entry.misalignment), ("gap", run.gap),
        ]
        sweepTable.append(cells)
    }
    section(
        "3. Preference sweep, WC-MHGD (CG), K = \(K): per-family meta-test losses (new tasks) and meta-training Φ_s")
    show(sweepTable)

    /// For each family s: the preference (row) with the lowest loss of s, from a table's column `prefix_(s+1)`.
    func lowestRow(_ prefix: String, _ s: Int) -> Int {
        let column = sweepTable.column("\(prefix)_\(s + 1)")
        return column.indices.min { column[$0] < column[$1] }!
    }
    let ownLowestTest = (0..<S).filter { lowestRow("test", $0) == $0 + 1 }
    let ownLowestTrain = (0..<S).filter { lowestRow("train", $0) == $0 + 1 }
    let belowUniform = (0..<S).filter {
        sweepTable.value($0 + 1, "test_\($0 + 1)") < sweepTable.value(0, "test_\($0 + 1)")
    }
    func namesOf(_ list: [Int]) -> String {
        list.isEmpty ? "none" : list.map { familyNames[$0] }.joined(separator: ", ")
    }
    let missedTest = (0..<S).filter { !ownLowestTest.contains($0) }
    say(
        "Meta-test: \(ownLowestTest.count) of \(S) families have their lowest loss under the preference that favours them"
            + (missedTest.isEmpty
                ? "."
                : "; not: "
                    + missedTest.map { "\(familyNames[$0]) (lowest under \(preferenceNames[lowestRow("test", $0)]))" }
                    .joined(separator: ", ") + "."))
    say(
        "\(belowUniform.count) of \(S) families have a lower meta-test loss under their own preference than under the uniform one"
            + (belowUniform.count == S ? "." : " (not: \(namesOf((0..<S).filter { !belowUniform.contains($0) }))).")
            + " On the meta-training losses Φ_s, \(ownLowestTrain.count) of \(S) are lowest under their own preference."
    )
    let favouredTest = (0..<S).map { sweepTable.value($0 + 1, "test_\($0 + 1)") }
    let uniformTest = (0..<S).map { sweepTable.value(0, "test_\($0 + 1)") }
    say(
        "Favouring a family lowers its meta-test loss by a factor "
            + (0..<S).map { "\(fixed(uniformTest[$0] / favouredTest[$0], 1))" }.joined(separator: ", ")
            + " (\(familyNames.joined(separator: ", "))) against the uniform preference.")

    /*:
     Read the table by columns: each test column's smallest entry should sit in the row
     that favours that family, and the rows show the price — favouring the fast sines,
     for example, costs the other families. The argmax column names the family whose
     weighted loss r_sΦ_s is the Chebyshev value; the misalignment is large wherever
     some families sit well below it (lines, for example, already have the lowest loss
     of the five at x₀).

     ## 4. Ablation of u

     r = (0.8, 0.05, 0.05, 0.05, 0.05) favours the slow sines, and u is swept over
     {0, 0.01, 0.1, 1, 10, 100}. Chapter 5's limits: u = 0 is preference-scaled MGDA
     (any Pareto-stationary point is a fixed point, so the preference need not be
     reached), and a large u puts all weight on the objective with the largest
     r_sΦ_s (a Chebyshev subgradient step). The measure is the Chebyshev value
     max_s r_sΦ_s — the quantity the preference asks to make small — on the meta-training
     losses and on the meta-test losses.
     */
    let rOne = favouring(0)
    let uValues: [Double] = [0, 0.01, 0.1, 1, 10, 100]
    let uRuns = try uValues.map { value in value == u ? sweep[1] : try runMethod(.wcmhgdCG, r: rOne, u: value) }
    // weave: begin-hide
    var uTable = Table(
        "u_ablation",
        [
            .init("u", format: .fixed(2)), .init("u_plotted", "u (plotted)", format: .scientific(0)),
            .init("chebyshev_train", "max r_sΦ_s", format: .fixed(4)),
            .init("chebyshev_test", "max r_s·test_s", format: .fixed(4)),
            .init("train_1", "Φ₁", format: .fixed(4)), .init("test_1", "test slow", format: .fixed(4)),
            .init("misalignment", format: .fixed(3)), .init("gap", format: .scientific(2)),
            .init("top_weight", "largest λ_s", format: .fixed(3)),
        ])
    // weave: end
    for (value, run) in zip(uValues, uRuns) {
        uTable.append([
            "u": value, "u_plotted": value == 0 ? 1e-3 : value, "chebyshev_train": run.chebyshevTrain,
            "chebyshev_test": run.chebyshevTest, "train_1": run.train[0], "test_1": run.test[0],
            "misalignment": run.entry.misalignment, "gap": run.gap, "top_weight": run.lastWeights.max()!,
        ])
    }
    section("4. u ablation, r = (0.8, 0.05, 0.05, 0.05, 0.05), K = \(K), D = \(D)")
    show(uTable)
    let uCheb = uTable.column("chebyshev_train")
    let bestU = uCheb.indices.min { uCheb[$0] < uCheb[$1] }!
    /// The smallest u from which every larger u ends within 5 % of the best (nil: not even the largest does).
    let uFlatFrom = uCheb.indices.first { i in uCheb[i...].allSatisfy { abs($0 - uCheb[bestU]) <= 0.05 * uCheb[bestU] }
    }
    let chebyshevStart = zip(rOne, start.train).map { $0 * $1 }.max()!
    let topWeights = uTable.column("top_weight")
    say(
        "Largest weight of the last step: \(fixed(topWeights[0], 3)) at u = 0, \(fixed(topWeights.last!, 3)) at u = \(uValues.last!)."
    )
    say(
        "u = 0 ends at max r_sΦ_s = \(fixed(uCheb[0], 4)) (x₀: \(fixed(chebyshevStart, 4))), \(fixed(uCheb[0] / uCheb[bestU], 1))× the best "
            + "(\(fixed(uCheb[bestU], 4)) at u = \(uValues[bestU])); "
            + (uFlatFrom.map { from in
                "from u = \(uValues[from]) on, every u is within 5 % of the best. "
                    + "Meta-test: \(fixed(uTable.value(0, "chebyshev_test"), 4)) at u = 0, \(fixed(uTable.column("chebyshev_test")[from...].min()!, 4))–"
                    + "\(fixed(uTable.column("chebyshev_test")[from...].max()!, 4)) from u = \(uValues[from]) on."
            } ?? "not even u = \(uValues.last!) ends within 5 % of the best (\(fixed(uCheb.last!, 4)))."))

    /*:
     What u changes is the weighting QP's balance between its two parts: the min-norm
     part (MGDA's, which any Pareto-stationary point satisfies) and the preference part,
     which pushes on the objectives with the largest r_sΦ_s. With u = 0 or 0.01 the
     min-norm part dominates and the run stops near the first point where the five
     hypergradients balance, whatever r says: its Chebyshev value barely moves from x₀.
     From u = 0.1 on the preference part is strong enough for the runs to reach the same
     region, so their values agree. The column "largest λ_s" is the largest weight of
     the last step (1 is a pure Chebyshev subgradient step on one objective): it reaches
     1 at u = 10 and 100, while the runs at u = 0.1 and 1 end with about half the weight
     on one family and still reach the same Chebyshev value, so the weights alone do not
     explain the agreement.

     ## 5. Ablation of D, the inner steps

     The same r and u with D ∈ {1, 2, 4, 8, 16, 32} warm-started inner steps per outer
     step (the paper's 8, 16, 32 and smaller). More inner steps bring y closer to y*(x)
     before each hypergradient, at D lower-gradient calls per outer step.
     */
    let dValues = [1, 2, 4, 8, 16, 32]
    let dRuns = try dValues.map { value in value == D ? sweep[1] : try runMethod(.wcmhgdCG, r: rOne, D: value) }
    // weave: begin-hide
    var dTable = Table(
        "d_ablation",
        [
            .init("D", format: .integer),
            .init("chebyshev_train", "max r_sΦ_s", format: .fixed(4)),
            .init("chebyshev_test", "max r_s·test_s", format: .fixed(4)),
            .init("train_1", "Φ₁", format: .fixed(4)), .init("test_1", "test slow", format: .fixed(4)),
            .init("gap", format: .scientific(2)), .init("inner_error", "inner error", format: .scientific(2)),
            .init("calls", "oracle calls", format: .integer),
            .init("calls_per_step", "calls per step", format: .fixed(1)),
        ])
    // weave: end
    for (value, run) in zip(dValues, dRuns) {
        dTable.append([
            "D": Double(value), "chebyshev_train": run.chebyshevTrain, "chebyshev_test": run.chebyshevTest,
            "train_1": run.train[0], "test_1": run.test[0], "gap": run.gap, "inner_error": run.innerError,
            "calls": Double(run.counts.calls),
            "calls_per_step": Double(run.counts.calls) / Double(run.steps),
        ])
    }
    section("5. D ablation, r = (0.8, 0.05, 0.05, 0.05, 0.05), K = \(K), u = \(u)")
    show(dTable)
    let dCheb = dTable.column("chebyshev_train"), dCalls = dTable.column("calls")
    say(
        "From D = 1 to D = 32 the Chebyshev value goes from \(fixed(dCheb.first!, 4)) to \(fixed(dCheb.last!, 4)) "
            + "(\(fixed(100 * (dCheb.first! - dCheb.last!) / dCheb.first!, 1)) % lower) while the calls grow \(fixed(dCalls.last! / dCalls.first!, 2))×; "
            + "meta-test: \(fixed(dTable.column("chebyshev_test").first!, 4)) to \(fixed(dTable.column("chebyshev_test").last!, 4))."
    )
    let dSpread = dTable.column("test_1").max()! - dTable.column("test_1").min()!
    let sweepSpread = sweepTable.column("test_1").max()! - sweepTable.column("test_1").min()!
    say(
        "Inner error at the last step: \(sci(dTable.column("inner_error").first!)) at D = 1, \(sci(dTable.column("inner_error").last!)) at D = 32. "
            + "The slow sines' meta-test loss spans \(fixed(dSpread, 4)) over the six D, against \(fixed(sweepSpread, 4)) over the six preferences of Section 3."
    )

    /*:
     How close do the heads stay? The inner error column (‖y − y*(x)‖/‖y*(x)‖ at the last
     step, y*(x) in closed form) shows that they do not stay close at small D: the
     warm-started heads lag behind the moving representation, and only the larger D bring
     them close (the sentence above gives the numbers at D = 1 and D = 32). Yet the final
     Chebyshev value changes by about an eighth from D = 1 to D = 32, and the favoured
     family's meta-test loss moves far less across the D values than across the
     preferences of Section 3, which move it on purpose (the last sentence above gives
     both spreads): on this budget of K outer steps the lag of the heads costs little,
     and the preference, not the inner accuracy, decides where the run lands. That
     agrees with Chapter 4, where warm-started inner loops of a few steps converged with
     the outer loop; this chapter runs no cold start to compare with.

     ## 6. Every method on one budget of oracle calls

     The budget is what the WC-MHGD (CG) run of the sweep with r = (0.8, 0.05, …) used
     in K steps: every other method runs until its next step would pass it (an observer
     returning false, as in Chapter 7). Preference-taking methods get that r; linear
     scalarization uses it as weights; MGDA, FORUM, MOML and MoCo take no preference.
     For the stochastic method the budget counts calls; each of its lower-level calls
     (inner steps, Hessian and mixed products) touches half the tasks, and its
     upper-level calls are full ones (the `samples` column of the table counts the tasks
     its lower-level calls touched). So one budget of calls is less work for it than for
     the others.
     */
    let budget = sweep[1].counts.calls
    var methodRuns: [MethodRun] = []
    for method in methods {
        methodRuns.append(method == .wcmhgdCG ? sweep[1] : try runMethod(method, r: rOne, budget: budget))
    }
    // weave: begin-hide
    var methodTable = Table(
        "methods",
        [
            .init("method", format: .label(methods.map(\.name))),
            .init("test_1", "test slow", format: .fixed(4)), .init("test_2", "test fast", format: .fixed(4)),
            .init("test_3", "test line", format: .fixed(4)), .init("test_4", "test kink", format: .fixed(4)),
            .init("test_5", "test step", format: .fixed(4)),
            .init("mean_test", "mean test", format: .fixed(4)),
            .init("chebyshev_train", "max r_sΦ_s", format: .fixed(4)),
            .init("chebyshev_test", "max r_s·test_s", format: .fixed(4)),
            .init("steps", "outer steps", format: .integer), .init("calls", "oracle calls", format: .integer),
            .init("samples", format: .integer), .init("L_final", "L(x_final)", format: .fixed(2)),
            .init("largest", "largest r_sΦ_s", format: .integer),
        ])
    // weave: end
    for run in methodRuns {
        var cells: [(String, Double?)] = [("method", Double(methods.firstIndex(of: run.method)!))]
        for s in 0..<S { cells.append(("test_\(s + 1)", run.test[s])) }
        let scaled = zip(rOne, run.train).map { $0 * $1 }  // r_s Φ_s
        let largest = scaled.indices.max { scaled[$0] < scaled[$1] }!
        let rest: [(String, Double?)] = [
            ("mean_test", run.test.reduce(0, +) / Double(S)), ("chebyshev_train", run.chebyshevTrain),
            ("chebyshev_test", run.chebyshevTest), ("steps", Double(run.steps)), ("calls", Double(run.counts.calls)),
            ("samples", Double(run.counts.samples)), ("L_final", run.finalL), ("largest", Double(1 + largest)),
        ]
        cells += rest
        methodTable.append(cells)
    }
    section(
        "6. Every method on a budget of \(budget) oracle calls (r = (0.8, 0.05, 0.05, 0.05, 0.05) where a method takes one)"
    )
    show(methodTable)
    let entries = methodRuns.map(\.entry)
    let comparison = comparisonTable(entries)
    section("The closing comparison's rows for this problem (exact Φ_s and gap at the final x)")
    show(comparison)
    if flags.common.timings {
        section("Wall time of each run (not deterministic: kept out of the saved tables)")
        show(timingsTable(entries))
    }

    let byChebyshev = methodRuns.sorted { $0.chebyshevTest < $1.chebyshevTest }
    let byChebyshevTrain = methodRuns.sorted { $0.chebyshevTrain < $1.chebyshevTrain }
    let testSum = { (run: MethodRun) -> Double in run.test.reduce(0, +) }
    let byMean = methodRuns.sorted { testSum($0) < testSum($1) }
    let wcRun = methodRuns[0]
    let slowRank = methodRuns.sorted { $0.test[0] < $1.test[0] }.firstIndex { $0.method == .wcmhgdCG }! + 1
    say(
        "On the meta-training Chebyshev value max_s r_sΦ_s (what the preference asks to make small) the order is "
            + byChebyshevTrain.map { "\($0.method.name) \(fixed($0.chebyshevTrain, 4))" }.joined(separator: ", ") + ".")
    say(
        "On the meta-test Chebyshev value max_s r_s·test_s the order is "
            + byChebyshev.map { "\($0.method.name) \(fixed($0.chebyshevTest, 4))" }.joined(separator: ", ") + ".")
    say(
        "On the mean meta-test loss over the families (what no preference asks for) the best is \(byMean[0].method.name) "
            + "(\(fixed(byMean[0].test.reduce(0, +) / Double(S), 4))) and the worst \(byMean.last!.method.name) "
            + "(\(fixed(byMean.last!.test.reduce(0, +) / Double(S), 4))). WC-MHGD (CG) ranks \(slowRank) of \(methodRuns.count) on the favoured "
            + "family's meta-test loss (\(fixed(wcRun.test[0], 4))).")
    let budgetOK = methodRuns.allSatisfy { $0.counts.calls <= budget }
    say(
        "Every run stayed within the budget: \(budgetOK ? "yes" : "NO"); gaps from \(sci(comparison.column("gap").min()!)) to "
            + "\(sci(comparison.column("gap").max()!)); peak length-p vectors from \(Int(comparison.column("peak_vectors").min()!)) "
            + "(\(methodRuns.min { $0.peakVectors < $1.peakVectors }!.method.name)) to \(Int(comparison.column("peak_vectors").max()!))."
    )
    let forumRun = methodRuns.first { $0.method == .forum }!
    say(
        "L at the final x: FORUM \(fixed(forumRun.finalL, 2)), the others \(fixed(methodRuns.filter { $0.method != .forum }.map(\.finalL).min()!, 2))–"
            + "\(fixed(methodRuns.filter { $0.method != .forum }.map(\.finalL).max()!, 2)) (L(x₀) = \(fixed(L0, 2)); FORUM's inner step η = α/4 is below 2/L "
            + (2 / forumRun.finalL > alpha / 4 ? "there)." : "NOT there)."))
    let linearRun = methodRuns.first { $0.method == .linear }!
    say(
        "The slow sines (favoured): meta-training Φ₁ → meta-test loss, WC-MHGD (CG) \(fixed(wcRun.train[0], 4)) → \(fixed(wcRun.test[0], 4)), "
            + "linear scalarization \(fixed(linearRun.train[0], 4)) → \(fixed(linearRun.test[0], 4)).")
    // Misalignment from the ray of r: which term r_sΦ_s is the largest at each end point, and where the others are.
    let favouredLargest = methodTable.column("largest").filter { $0 == 1 }
    let wcTerms = zip(rOne, wcRun.train).map { $0 * $1 }
    say(
        "The favoured family's term r₁Φ₁ is the largest at the end of \(favouredLargest.count) of the \(methodRuns.count) runs. "
            + "The ray of r asks for Φ_s = \(fixed(rOne[0] / rOne[1], 0))·Φ₁ on every other family; WC-MHGD (CG) ends with \(fixed(rOne[0] / rOne[1], 0))·Φ₁ = \(fixed(rOne[0] / rOne[1] * wcRun.train[0], 3)) "
            + "and the others' Φ_s from \(fixed(wcRun.train.dropFirst().min()!, 3)) to \(fixed(wcRun.train.dropFirst().max()!, 3)), "
            + "so its misalignment (max − min)/max of r_sΦ_s is \(fixed((wcTerms.max()! - wcTerms.min()!) / wcTerms.max()!, 3))."
    )

    /*:
     What the comparison says, and what it does not. Only the methods given r (WC-MHGD
     and its variants) or weights r (linear scalarization) were *asked* to favour the
     slow sines; MGDA, FORUM, MOML and MoCo land wherever their dynamics take them — so
     they can win on the mean or on another family and lose on the favoured one, and
     neither is a failure. The meta-training Chebyshev value max_s r_sΦ_s is what WC-MHGD
     minimizes, and the first order sentence says who gets furthest with it on this
     budget. Linear scalarization with weights r is WC-MHGD's real competitor: with 0.8
     on the slow sines it pushes that family too, and it may generalize differently — the
     meta-test order and the sentence on the slow sines (the favoured family's
     meta-training and meta-test losses side by side) show whether a lead on the meta-training tasks
     survives on new ones. What linear scalarization cannot do in general is reach the
     points of a non-convex part of the front, or balance r_sΦ_s among the active
     families. The misalignment column, Chapter 10's measure of how far an end point is
     from the ray of r, is large here for every method, and the last sentence says why:
     with r = (0.8, 0.05, …) the ray asks the four other families for 16 times the
     favoured family's loss, and their losses end below that, some far below. In the
     default run the largest term is r₁Φ₁ at every method's end point (the column
     "largest r_sΦ_s" of the table), so the Chebyshev value max_s r_sΦ_s is that term
     alone and the others do not bind. Read the column within this problem: it ranks how
     the methods weigh the slow sines against the rest, and a large value here does not
     mean what it means on the S = 2 toy, whose ray meets the front and where WC-MHGD
     ends at a misalignment near 0.
     The gap column is the exact stationarity gap at each final x: how far each
     method is from Pareto stationarity when the budget runs out.

     ## 7. The figures

     `ch09-sweep`: per-family meta-test loss against the preference (one curve per family;
     the x axis lists the six preferences). `ch09-u-ablation`: the Chebyshev value against
     u (u = 0 drawn at 10⁻³). `ch09-d-ablation`: the Chebyshev value (meta-training and meta-test) against D.
     `ch09-budget`: the meta-test Chebyshev value max_s r_s·test_s against oracle calls for
     every method.
     */
    // weave: begin-hide
    func sweepFigure() throws -> Figure {
        var figure = try sweepTable.figure(
            "ch09-sweep", title: "Per-family meta-test loss under each preference (WC-MHGD, K = \(K))",
            x: "preference: 0 = uniform, s = r_s of 0.8 on family s", y: "meta-test query loss", key: "top left",
            comment:
                "Chapter 9 — Multi-objective meta-learning: the preference sweep; each family's loss should dip where it is favoured.",
            against: "preference", (0..<S).map { Curve("test_\($0 + 1)", familyNames[$0]) })
        (figure.xTics, figure.xRange) = ((0...S).map(Double.init), -0.3...(Double(S) + 0.3))
        return figure
    }
    // weave: end

    // weave: begin-hide
    /// An ablation's figure: the weighted Chebyshev value on the meta-training (exact Φ_s) and
    /// meta-test losses against the ablated setting, column `x` of `table`, on a log axis.
    func ablationFigure(_ slug: String, _ title: String, xLabel: String, comment: String, table: Table, x: String)
        // weave: end
        throws -> Figure
    {
        try table.figure(
            slug, title: title, x: xLabel, y: "max_s r_s Φ_s", log: .x,
            comment: "Chapter 9 — Multi-objective meta-learning: " + comment, against: x,
            [Curve("chebyshev_train", "meta-training (exact Φ_s)"), Curve("chebyshev_test", "meta-test")])
    }

    // weave: begin-hide
    func uFigure() throws -> Figure {
        try ablationFigure(
            "ch09-u-ablation", "u ablation, r = (0.8, 0.05, 0.05, 0.05, 0.05): Chebyshev value (u = 0 at 10⁻³)",
            xLabel: "u",
            comment: "the weighted Chebyshev value after K steps against u.", table: uTable, x: "u_plotted")
    }
    // weave: end

    // weave: begin-hide
    func dFigure() throws -> Figure {
        var figure = try ablationFigure(
            "ch09-d-ablation", "D ablation, r = (0.8, 0.05, …): Chebyshev value after K = \(K) steps",
            xLabel: "inner steps D",
            comment: "the weighted Chebyshev value against D (log axis).", table: dTable, x: "D")
        figure.xTics = dValues.map(Double.init)
        figure.xRange = 0.8...40
        return figure
    }
    // weave: end

    // weave: begin-hide
    func budgetFigure() throws -> Figure {
        let paths = try DataBlock(
            "budget_paths", columns: ["method", "calls", "chebyshev_test", "mean_test"],
            groups: methodRuns.map { run in
                run.path.map {
                    [
                        Double(methods.firstIndex(of: run.method)!), Double($0.calls),
                        zip(rOne, $0.test).map { $0 * $1 }.max()!,
                        $0.test.reduce(0, +) / Double(S),
                    ]
                }
            })
        return try Figure.curves(
            "ch09-budget", title: "Meta-test Chebyshev value against oracle calls (budget \(budget))",
            x: "oracle calls", y: "max_s r_s · meta-test loss_s,  r = (0.8, 0.05, …)",
            comment: "Chapter 9 — Multi-objective meta-learning: every method on one budget of oracle calls.",
            against: "calls",
            Curve.groups("chebyshev_test", data: paths, titles: methodRuns.map(\.method.name), .linesPoints))
    }
    // weave: end

    section("7. Figures")
    // weave: begin-hide
    save(
        figures: [try sweepFigure(), try uFigure(), try dFigure(), try budgetFigure()],
        tables: [startTable, methodTable, comparison], timings: timingsTable(entries), flags: flags.common)
    // weave: end

    /*:
     ## Summary

     - Meta-learning is bilevel: each task's head adapts on the task's support set (the
       lower level, here a ridge problem per task with a closed form), and the shared
       representation is judged by the adapted heads' query losses (the upper level).
       With one objective per task family and a narrow representation, it is
       multi-objective: the families compete for the width w.
     - The closed form measures; the algorithms use the oracles. Exact Φ_s and exact
       stationarity gaps make every method's final point comparable.
     - A preference sweep with WC-MHGD moves the per-family meta-test losses as the
       preference says: in the default run every family has its lowest meta-test loss
       under the preference that favours it (Section 3 counts it for any flags), so what
       the preference buys on the meta-training tasks carries over to new tasks of the
       same family.
     - u = 0 does not follow the preference; a moderate u suffices and larger ones change
       little here. More inner steps D bring the heads closer to y*(x) and cost calls, but
       move the final point far less than the preference does.
     - On one budget of oracle calls, the methods given r (or weights r) favour the family
       they are asked to, the others land elsewhere. WC-MHGD minimizes the Chebyshev value
       it is given, and leads on it on the meta-training tasks. On new tasks, on this
       budget, linear scalarization with the same weights does better — lower meta-test
       Chebyshev value, lower favoured-family and mean meta-test losses (Section 6): a
       lead on the meta-training tasks need not survive on new ones. Those rows go to the
       course's closing comparison.

     ## Exercises

     1. Widen the representation: `swift run -c release ch09 --width 8`. Do the families
        still compete — how much does favouring a family lower its meta-test loss
        against the uniform preference, compared with w = 4?
     2. Meta-overfitting: `--tasks 4`. Compare each family's meta-training Φ_s with its
        meta-test loss in the sweep; for which families does the preference still carry
        over to new tasks?
     3. Run `--u 0` and `--u 10`. How does the sweep's table change, and why does u = 0
        not follow the preference?
     4. Give every method more room: `--outer-steps 200`. Does WC-MHGD (CG) pass linear
        scalarization on the meta-test Chebyshev value, and how do the gaps change?

     Worked solutions: `book/solutions/09.md`.
     */
} catch { fail("\(error)") }  // weave: hide
