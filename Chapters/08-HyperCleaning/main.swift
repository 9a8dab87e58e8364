/*:
 # Chapter 8 — Data hyper-cleaning

 Half the training labels are wrong, and we do not know which. We give every training
 sample a weight $\sigma(x_i) \in (0, 1)$, train a classifier on the weighted samples, and
 tune the weights so that the classifier does well on a small, *clean* validation set. Two
 data sets (domains) share one classifier, each with its own validation set, so there are
 two upper objectives: a multi-objective bilevel problem, the application both the WC-MHGD
 and the FORUM papers use.

 What you will learn:

 - the problem in the course's notation, and the hypergradient of one sample's weight,
   derived and read: a sample gains weight when a Newton step on its own loss would also
   lower the validation loss;
 - two reference rows that bracket every method (uniform weights on the noisy labels, and
   the clean samples only), and the *fraction of the bracket* a method recovers;
 - why the inner step must follow the curvature where the model is, not a global bound;
 - how to run a fair comparison: every method tuned on the same grid size on a selection
   split, run until its selection accuracy settles, judged both by its own model and by
   the exactly trained model at its weights, over several seeds;
 - what FORUM does on this problem, where the upper objectives do not depend on $x$;
 - on real data (MNIST and Fashion-MNIST), the same protocol at the FORUM paper's size,
   with a table shaped like the paper's Table 1.

 Builds on Chapter 2 (AID), Chapter 4 (warm starts), Chapter 5 (WC-MHGD) and Chapter 7
 (FORUM, MOML, MoCo). Run it with `swift run -c release ch08` (or `make chapter N=8`);
 `--help` lists the flags.
 */
import ChapterSupport  // weave: hide
import Foundation  // weave: hide
import MOBL  // weave: hide

let flags = Chapter08Flags.parseOrExit()  // weave: hide
do {  // weave: hide
    //: The command-line flags (declared in `Flags.swift`; `ch08 --help` lists them) are in `flags`.
    // weave: begin-hide
    let dataFolder = flags.dataFolder
    let real = dataFolder != nil
    let quick = flags.common.quick
    let Kmax = flags.outerSteps ?? (real ? 60 : (quick ? 40 : 100))
    let innerSteps = flags.innerSteps.isEmpty ? (real ? [16, 32, 64, 128] : [8]) : flags.innerSteps
    let D0 = innerSteps[0]
    let seedCount = flags.seeds ?? (real ? 3 : (quick ? 2 : 5))
    let preferenceCount = flags.preferences ?? (quick ? 3 : 5)
    let slugPrefix = real ? "ch08-real" : "ch08"
    let started = DispatchTime.now().uptimeNanoseconds
    say("Chapter 8 — Data hyper-cleaning")
    say(
        "seed \(flags.common.seed), \(real ? "real data (MNIST, Fashion-MNIST)" : "synthetic data"), "
            + "K_max = \(Kmax), D ∈ {\(innerSteps.map(String.init).joined(separator: ", "))}, "
            + "\(seedCount) seeds, θ = \(flags.ridge)")
    // weave: end

    /*:
     ## 1. The problem

     Two domains $s = 1, 2$ (named A and B) each have $N_s$ training samples
     $(a_i, t_i)$ — features $a_i \in \mathbb{R}^M$ whose last entry is a constant 1 (the
     bias), labels $t_i \in \{0, \dots, 9\}$ of which half were replaced by another class —
     and $N_s^{\mathrm{val}}$ clean validation samples. One softmax model $W \in
     \mathbb{R}^{M \times 10}$ serves both; it is the lower variable, $y = \operatorname{vec}(W)$
     of length $p = 10M$. With $\ell_i(W)$ the cross-entropy of sample $i$,

     $$
     g(x, W) = \sum_{s=1}^{2} \frac{1}{N_s} \sum_{i \in \mathrm{train}_s} \sigma(x_i)\,\ell_i(W) +
       \frac{\theta}{2}\lVert W \rVert^2,
     \qquad
     f_s(W) = \frac{1}{N_s^{\mathrm{val}}} \sum_{j \in \mathrm{val}_s} \ell_j(W),
     \tag{8.1}
     $$

     with $\sigma(t) = 1/(1 + e^{-t})$ and $x \in \mathbb{R}^N$ ($N = N_1 + N_2$) one logit
     per training sample. The ridge $\frac{\theta}{2}\lVert W \rVert^2$ makes $g(x, \cdot)$
     $\theta$-strongly convex, so $W^*(x)$ is unique and $\Phi_s(x) = f_s(W^*(x))$. The
     library's `HyperCleaning` (Sources/MOBL/Problems/HyperCleaning.swift) is this
     problem; its oracles run on fused kernels that read the $N \times M$ design once per
     product.

     **The per-sample hypergradient.** $f_s$ does not depend on $x$, so AID (Chapter 2)
     gives $\nabla\Phi_s = -\nabla^2_{xy} g\, H^{-1} \nabla_y f_s$ with
     $H = \nabla^2_{yy} g(x, W^*)$. Only sample $i$'s term of $g$ depends on $x_i$, and
     $\partial g / \partial x_i = \sigma'(x_i)\,\ell_i(W)/N_s$; its gradient in $W$ is row
     $i$ of the mixed derivative. So

     $$
     \frac{\partial \Phi_s}{\partial x_i}
       = -\frac{\sigma'(x_i)}{N_s}\, \big\langle \nabla \ell_i(W^*),\, H^{-1} \nabla f_s(W^*) \big\rangle .
     \tag{8.2}
     $$

     Read it exactly. $-H^{-1}\nabla\ell_i$ is the Newton step on sample $i$'s own loss
     (in the metric of the whole lower level's curvature), and the inner product in (8.2)
     is the first-order change of $f_s$ along it, with the sign flipped. A gradient step
     on $x$ *raises* $x_i$ — the weight of sample $i$ — exactly when that Newton step on
     sample $i$ also lowers the validation loss $f_s$: the sample agrees with the
     validation set *in the inner product $H^{-1}$*, not in the plain dot product of the
     two gradients. A corrupted sample's Newton step moves $W$ toward a wrong class,
     which raises $f_s$, and its weight goes down. $\sigma'(x_i) = \sigma(1 - \sigma) \le
     \tfrac14$ slows the change as a weight nears 0 or 1, and $1/N_s$ makes every single
     coordinate small: that is why the outer step is given in units of $N_s$.

     **The data.** Without `--data` the chapter builds a synthetic pair of domains with
     the library's `CleaningDomain.syntheticPair`: 10 classes, Gaussian class clusters in
     24 features ($M = 25$ with the bias), and a *planted conflict*: on half of the
     features, domain B's first five classes sit where domain A's next class sits (a cyclic
     shift; `--conflicted` sets how many classes, 0 for none), so no single $W$ reads those
     features right for both domains — the two validation losses really trade off. Each
     domain is split, by a seeded shuffle, into training, validation (the upper level),
     selection and test samples, and exactly 50 % of the training labels are replaced by a
     uniformly drawn *other* class; which ones is known to us, never to the methods. The
     selection split is what we tune and stop by; the test split is read only at the end.

     On real data (`--data DIR`) the two domains are MNIST (A) and Fashion-MNIST (B),
     28 × 28 images with features pixel/255 and a bias ($M = 785$), per domain 5000
     training, 1000 validation, 1000 selection and 5000 test samples (the FORUM paper's
     split sizes), drawn by a seeded shuffle. With only MNIST's 10 000 test images at hand
     the four splits come from those, with 3000 test samples instead of 5000 — the run
     says so.
     */
    // weave: begin-hide
    var realData: (mnist: ImageDataset, fashion: ImageDataset)? = nil
    if let dataFolder {
        do { realData = try loadHyperCleaningData(dataFolder: dataFolder) } catch {
            fail(
                "--data \(dataFolder): \(error) (the folder must hold mnist/ with t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz), optionally the train-* pair, and fashion-mnist/ or Debian's package)"
            )
        }
    }
    /// One seed's experiment: domains, problem, W*(0) solved tightly, and the measured curvature there.
    func makeExperiment(seed: UInt64) throws -> (Experiment, PowerIterationResult) {
        let domains =
            try realData.map { try realDomains($0, seed: seed, trainSize: flags.trainSize) }
            ?? syntheticDomains(seed: seed, trainSize: flags.trainSize ?? (quick ? 150 : 300), conflicted: flags.conflicted)
        var problem = try HyperCleaning(domains: domains, ridge: flags.ridge)
        let x0 = Vector(repeating: 0, count: problem.upperDimension)
        let bound = Experiment(domains: domains, problem: problem, x0: x0, W0: [])
        let W0 = try bound.solveLower(x: x0, tolerance: flags.startTolerance)
        let curvature = try problem.measuredCurvature(x: x0, y: W0)
        if !flags.boundStep { problem.measuredL = curvature.value }
        return (Experiment(domains: domains, problem: problem, x0: x0, W0: W0), curvature)
    }
    let (experiment, curvature) = try makeExperiment(seed: flags.common.seed)
    let problem = experiment.problem
    let domains = experiment.domains
    let (N, p) = (problem.upperDimension, problem.lowerDimension)
    say(
        "domains \(domains.map(\.name).joined(separator: " and ")): per domain \(domains[0].train.count) training "
            + "(\(domains.map { $0.corrupted.filter { $0 }.count }.map(String.init).joined(separator: " and ")) corrupted), "
            + "\(domains[0].validation.count) validation,")
    say(
        "\(domains[0].selection.count) selection, \(domains.map { String($0.test.count) }.joined(separator: " and ")) test samples")
    say("M = \(domains[0].train.dimension) features, p = 10·M = \(p), N = \(N)")
    if let realData, realData.mnist.train == nil {
        say(
            "MNIST's training files are not in DIR/mnist: all four MNIST splits come from its 10 000 test images "
                + "(so \(domains[0].test.count) MNIST test samples).")
    }
    // weave: end

    /*:
     ## 2. The first hypergradient, read

     At $x = 0$ every weight is ½. We solve the lower level tightly (to $\lVert \nabla_y g
     \rVert \le 10^{-10}$, accelerated gradient descent with restarts — a helper for this
     chapter's measurements, `Experiment.solveLower`), compute $\nabla\Phi_A$ and
     $\nabla\Phi_B$ with AID (CG to a relative residual of $10^{-10}$), and ask what the
     first step of descent on $\Phi_A + \Phi_B$ would do to each sample: raise its weight
     ($\partial\Phi/\partial x_i < 0$) or lower it. If the reading of (8.2) is right, the
     corrupted samples are mostly lowered and the clean ones mostly raised, and
     $-\partial\Phi/\partial x_i$ ranks clean samples above corrupted ones: an AUC well
     above ½ (AUC = the chance that a random clean sample scores above a random corrupted
     one: 1 is a perfect ranking, ½ a coin).
     */
    let oracles = CountedOracles(problem)
    let firstHypergradients = try (0..<2).map { s in
        try aidHypergradient(
            oracles, objective: s, x: experiment.x0, y: experiment.W0,
            solver: .conjugateGradient(.tolerance(relativeResidual: 1e-10, maxIterations: 5000))
        ).gradient
    }
    let summed = combination([0.5, 0.5], firstHypergradients)
    // weave: begin-hide
    var firstStep = Table(
        "first_hypergradient",
        [
            .init("objective", format: .label(["Φ_A", "Φ_B", "(Φ_A + Φ_B)/2"])),
            .init("domain", "samples of", format: .label(domains.map(\.name))),
            .init("corrupted_lowered", "corrupted lowered", format: .fixed(3)),
            .init("clean_raised", "clean raised", format: .fixed(3)),
            .init("auc", "AUC of −∂Φ/∂xᵢ", format: .fixed(3)),
        ])
    for (s, gradient) in (firstHypergradients + [summed]).enumerated() {
        for d in 0..<2 {
            let range = experiment.samples(of: d)
            let corrupted = domains[d].corrupted
            let lowered = range.filter { corrupted[$0 - range.lowerBound] && gradient[$0] > 0 }.count
            let raised = range.filter { !corrupted[$0 - range.lowerBound] && gradient[$0] < 0 }.count
            let corruptedCount = corrupted.filter { $0 }.count
            firstStep.append([
                "objective": Double(s), "domain": Double(d),
                "corrupted_lowered": Double(lowered) / Double(corruptedCount),
                "clean_raised": Double(raised) / Double(corrupted.count - corruptedCount),
                "auc": try experiment.cleaningAUC(-1.0 * gradient, domain: d),
            ])
        }
    }
    // weave: end
    section("2. The first hypergradient at x = 0: share of samples moved the right way, cleaning AUC")
    show(firstStep)

    /*:
     The reading holds from the first step: descent on the summed objective lowers 77.3 %
     and 80.0 % of the two domains' corrupted samples and raises 92.0 % of their clean
     ones, a cleaning AUC of 0.885 and 0.933. The per-objective rows show the planted
     conflict: $\Phi_A$ ranks its own domain's samples with AUC 0.901 but domain B's with
     only 0.713 — through A's validation set, B's shifted classes look mislabelled, and some
     of B's clean samples would lose weight.
     */

    /*:
     ## 3. Two reference rows, and the bracket

     Two weightings need no learning and bracket what a cleaner can reach: every weight 1
     on the noisy labels (the classifier one would train without cleaning), and weight 1 on
     the clean samples and 0 on the corrupted ones (what a perfect cleaner would give). Both
     are $\sigma(x_i)$ with $x_i = \pm 40$, both solve the lower level tightly. Every number
     is the model's on each domain's test split: accuracy, and macro-F1 (the mean over the
     10 classes of $2\mathrm{TP}/(2\mathrm{TP} + \mathrm{FP} + \mathrm{FN})$). A method's
     place in the bracket is the **fraction of the bracket** it recovers,

     $$
     \mathrm{fraction} = \frac{\mathrm{acc} - \mathrm{acc}_{\mathrm{noisy}}}{\mathrm{acc}_{\mathrm{clean}} - \mathrm{acc}_{\mathrm{noisy}}},
     \tag{8.3}
     $$

     0 for no better than not cleaning, 1 for as good as a perfect cleaner. The clean row
     is a reference, not a bound: a weight below 1 on an atypical clean sample acts like
     extra ridge and may help a little.
     */
    func referenceScores(_ e: Experiment) throws -> [DomainScores] {
        try [
            Vector(repeating: 40, count: e.x0.count), e.domains.flatMap { $0.corrupted.map { $0 ? -40.0 : 40.0 } },
        ].map { x in try e.score(W: e.solveLower(x: x, start: e.W0, tolerance: 1e-8)) }
    }
    let references = try referenceScores(experiment)
    // weave: begin-hide
    let referenceTable = Table(
        "references", Array(zip(["uniform, noisy labels", "clean samples only"], references)),
        [
            .text("reference") { $0.0 },
            .number("acc_A", header: "acc A", .fixed(4)) { $0.1.accuracy[0] },
            .number("f1_A", header: "F1 A", .fixed(4)) { $0.1.f1[0] },
            .number("acc_B", header: "acc B", .fixed(4)) { $0.1.accuracy[1] },
            .number("f1_B", header: "F1 B", .fixed(4)) { $0.1.f1[1] },
            .number("loss_A", header: "f_A", .fixed(4)) { $0.1.validationLoss[0] },
            .number("loss_B", header: "f_B", .fixed(4)) { $0.1.validationLoss[1] },
        ])
    // weave: end
    section("3. Reference rows (test accuracy and macro-F1 per domain; validation losses)")
    show(referenceTable)
    /*:
     Cleaning perfectly is worth 22.8 points of test accuracy on A (0.6940 → 0.9220) and
     22.3 on B (0.7160 → 0.9390) here: a wide bracket. On real data it is far narrower
     (Section 9).
     */

    /*:
     ## 4. The inner step: the curvature where the model is

     Every method takes $D$ warm-started gradient steps of size $\alpha$ on $g(x, \cdot)$ per
     outer step. Chapter 2's rule is $\alpha = 1/L$, and `HyperCleaning` knows a global
     bound: the softmax Jacobians are at most $\tfrac12 I$ and the weights at most 1, so
     $H \preceq (\theta + \tfrac12 \operatorname{eig}_{\max}(\sum_i a_i a_i^\top / N_s)) I$
     for every $x$ and $W$. Where the model fits its samples, the Jacobians are far smaller
     than $\tfrac12$, and the Hessian at $W^*(0)$ is far flatter than the bound. We measure
     its largest eigenvalue by power iteration on Hessian-vector products (the library's
     `powerIteration`):
     */
    // weave: include powerIteration
    //: and `HyperCleaning` applies it to its Hessian-vector product at one point:
    // weave: include HyperCleaning.measuredCurvature
    // weave: begin-hide
    let boundL = problem.globalL
    let measuredL = curvature.value
    // weave: end
    section("4. The curvature of g at (0, W*(0)) and the inner step α")
    say(
        "global bound L = \(sci(boundL, 3)); measured eig_max(H) at W*(0) = \(sci(measuredL, 3)) "
            + "(\(curvature.products) power iterations); θ = \(flags.ridge)")
    say(
        "condition number: bound/θ = \(fixed(boundL / flags.ridge, 0)), measured/θ = \(fixed(measuredL / flags.ridge, 0)); "
            + "α = 1/\(flags.boundStep ? "L (the bound)" : "eig_max (measured)") = \(sci(experiment.alpha, 3))")

    /*:
     The bound is 6.6 times the measured curvature here (9.418 against 1.427), and on the
     real data 9.1 times (Section 9). With $\alpha = 1/L$ from the bound, a step contracts
     the error along the flattest direction (eigenvalue $\theta$) by $1 - \theta/L$; with
     $\alpha = 1/\operatorname{eig}_{\max}$ by $1 - \theta/\operatorname{eig}_{\max}$: the
     effective condition number falls from 942 to 143, and $D$ warm-started steps close as
     much of the gap to $W^*(x)$ as 6.6 times as many steps with the bound's $\alpha$. Gradient descent with step $1/\lambda$ on a convex function is safe
     while the curvature along the path stays below $2\lambda$; the measured value is a
     property of one point, so every run below is checked where it ends (Section 6
     prints the curvature at the final models, as $\alpha \cdot \operatorname{eig}_{\max}$,
     which must stay below 2). Every method uses this one $\alpha$ — for
     its inner loop, FORUM's value-function steps and FORUM's $y$ step alike —
     so the comparison below does not hinge on it; `--bound-step` runs the chapter with
     $\alpha = 1/L$ from the bound instead.

     ## 5. A fair comparison: tune on the selection split, then stop when it settles

     The methods (Chapters 5 and 7): **AID, summed** — hypergradient descent on
     $(\Phi_A + \Phi_B)/2$ (linear scalarization with $w = (\tfrac12, \tfrac12)$), AID
     hypergradients with $m = 10$ warm-started CG steps; **WC-MHGD** at $r = (\tfrac12,
     \tfrac12)$ with $u = 1$; **FORUM** with its $x$ block moved by its own step (the
     paper's one step for $\zeta = (x, y)$ cannot serve both blocks here: $x$'s gradient
     carries the $1/N_s$), as the authors' code does; **MOML**, ITD through the $D$ inner
     steps with MGDA weights; **MoCo**, AID hypergradients tracked by a moving average
     (weight ½) and weights moved by projected-gradient steps of size $\beta_\lambda$.
     All start at $x = 0$ and $W = W^*(0)$.

     Each method has settings a user must choose, so each gets the same chance: a grid of
     **four settings**, run for $K_{\max}$ outer steps on the first seed at the smallest
     $D$, and the setting whose own model has the best **selection** accuracy (mean of the
     two domains) at $K_{\max}$ is kept for every $D$ and seed. The grids: the outer step
     $\beta \in \{5, 10, 20, 40\} \cdot N_s$ for AID, WC-MHGD and MOML; for FORUM its $x$
     step $\beta \in \{5, 50\} \cdot N_s$ and $\rho \in \{0.5, 0.9\}$; for MoCo $\beta \in
     \{10, 40\} \cdot N_s$ and $\beta_\lambda \in \{0.1, 1\}$.
     */
    var tuning: [MethodRun] = []
    for method in Method.table {
        for setting in method.grid {
            tuning.append(try runMethod(method, setting, D: D0, K: Kmax, in: experiment, keepPoints: true, label: "tuning: "))
        }
    }
    let chosen: [Method: MethodRun] = Dictionary(
        uniqueKeysWithValues: Method.table.map { method in
            (method, tuning.filter { $0.method == method }.max { $0.trail.last!.selection < $1.trail.last!.selection }!)
        })
    // weave: begin-hide
    let tuningFields: [Table.Field<MethodRun>] = [
            .text("method") { $0.method.name },
            .number("step", header: "β/N_s", .fixed(0)) { $0.setting.step },
            .number("second", header: "ρ or β_λ", .fixed(1), missing: "-") { $0.setting.second },
            .number("selection", header: "sel. acc", .fixed(4)) { $0.trail.last!.selection },
            .number("auc", header: "AUC", .fixed(3)) { $0.trail.last!.auc },
            .number("chosen", .integer) { chosen[$0.method]?.setting == $0.setting ? 1 : 0 },
        ]
    let tuningTable = Table("tuning", tuning, tuningFields)
    // weave: end
    section("5. Tuning: every setting of every method after K_max = \(Kmax) steps (D = \(D0), first seed)")
    show(tuningTable)

    /*:
     Read the selection column with its noise in mind: each domain's selection split has
     100 samples here, so one sample is 1 point of a domain's accuracy and 0.5 points of
     the mean; a 95 % interval on an accuracy near 0.93 is about ±3.5 points. Only the
     large gaps mean something: the hypergradient methods lose accuracy as their step grows
     (AID from 0.9300 at $5 N_s$ to 0.8850 at $40 N_s$, WC-MHGD from 0.9250 to 0.8500),
     while FORUM and MOML hardly care (0.9500–0.9550 and 0.9300–0.9500). Ties go to the
     first, smaller setting.
     */

    /*:
     How many outer steps? The outer step moves $x$ far in the first steps, then the
     changes shrink. The rule: a method's run has **settled** at the first step after which
     its own model's selection accuracy stays within a band of its value at $K_{\max}$ —
     0.25 points, or two selection samples where that is more (the synthetic split has 200,
     so there the band is 1 point); every method is then run for $K$ = the largest settled
     step of the five (so each has settled), read at that $K$.
     */
    let selectionSize = Double(domains.map(\.selection.count).reduce(0, +))
    let band = max(0.0025, 2 / selectionSize)
    let settled = Method.table.map { settledStep(chosen[$0]!, band: band) }
    let K = settled.max()!
    // weave: begin-hide
    say(
        "settled steps: "
            + zip(Method.table, settled).map { "\($0.0.name) \($0.1)" }.joined(separator: ", ")
            + " → K = \(K)")
    // weave: end
    // weave: begin-hide
    let curveBlock = try DataBlock(
        "curves", columns: ["method", "k", "selection", "auc", "step"],
        groups: Method.table.map { method in
            chosen[method]!.trail.map { [Double(method.index), Double($0.k + 1), 100 * $0.selection, $0.auc, $0.stepSize] }
        })
    let convergence = try Figure.curves(
        "\(slugPrefix)-convergence", title: "Selection accuracy of each method's own model (chosen settings, D = \(D0))",
        x: "outer step k", y: "selection accuracy, mean of the two domains (%)", key: "bottom right",
        comment: "Chapter 8 — Data hyper-cleaning: the curves the stopping rule reads.",
        data: curveBlock, against: "k",
        Method.table.indices.map { Curve("selection", Method.table[$0].name, .lines, index: $0) })
    let steps = try Figure.curves(
        "\(slugPrefix)-x-steps", title: "Size of x's step, ‖x_{k+1} − x_k‖/√N (chosen settings, D = \(D0))",
        x: "outer step k", y: "root-mean-square change of a logit", log: .y, key: "top right",
        comment: "Chapter 8 — Data hyper-cleaning: when x stops changing.",
        data: curveBlock, against: "k",
        Method.table.indices.map {
            Curve("step", Method.table[$0].name, Method.table[$0] == .forum ? .linesPoints : .lines, index: $0, pointSize: 0.6)
        })
    // weave: end
    // weave: begin-hide
    show(
        convergence,
        caption:
            "Selection accuracy of each method's own model along its chosen run (first seed). The curves rise in the first 10–20 steps and then wander within a few samples; the stopping rule reads them.")
    // weave: end
    /*:
     With a band of 1 point, AID settles after 60 steps, WC-MHGD after 38, FORUM 51, MOML
     42 and MoCo 96: MoCo's tracked hypergradients keep moving its weights, so $K = 96$ for
     everyone. Figure 8.2 shows why waiting pays little once the curves are flat: $x$'s
     steps shrink by one to two orders of magnitude over the run, and a logit that moves by
     0.01 per step no longer changes which samples count.
     */
    // weave: begin-hide
    show(
        steps,
        caption:
            "Root-mean-square change of a logit per outer step, ‖x_{k+1} − x_k‖/√N (log scale). FORUM's curve has gaps where its step is zero (ν_k = 0, among them the first step); its second step, 6.25, stands alone above the others.")
    // weave: end

    /*:
     ## 6. Every method at K, over seeds: its own model, and the model its weights are worth

     A method's own model is its last inner iterate $W_K$: $D$ warm-started steps per outer
     step, so it lags $W^*(x_K)$, and that lag is part of the method as published (the
     papers' $T$). What the learned weights are *worth* is the tightly trained model
     $W^*(x_K)$ at the same $x$. The table reports both: test accuracy of $W_K$ and of
     $W^*(x_K)$, the fraction of the bracket (8.3) of each (mean of the two domains), and
     the cleaning AUC of $\sigma(x_K)$ — median and range over the seeds.
     */
    // weave: begin-hide
    struct SeedRun {
        let method: Method
        let D: Int
        let seed: Int
        let own: DomainScores, exact: DomainScores
        let auc: [Double]
        let run: MethodRun
        let curvatureAtEnd: Double
    }
    var seedRuns: [SeedRun] = []
    var seedReferences: [[DomainScores]] = []
    var closingRuns: [Int: [Method: MethodRun]] = [:]
    var seedExperiments: [Experiment] = []
    for seedIndex in 0..<seedCount {
        let e: Experiment
        if seedIndex == 0 { e = experiment } else { e = try makeExperiment(seed: flags.common.seed &+ UInt64(seedIndex)).0 }
        seedExperiments.append(e)
        seedReferences.append(seedIndex == 0 ? references : try referenceScores(e))
        for D in innerSteps {
            for method in Method.table {
                let setting = chosen[method]!.setting
                let label = "seed \(seedIndex + 1) of \(seedCount): "
                let run: MethodRun
                var x: Vector, W: Vector
                if seedIndex == 0, D == D0 {
                    let tuned = chosen[method]!
                    run = tuned
                    x = tuned.trail[K - 1].x!
                    W = tuned.trail[K - 1].W!
                } else {
                    run = try runMethod(method, setting, D: D, K: K, in: e, keepPoints: D == D0, label: label)
                    (x, W) = (run.x, run.W)
                }
                if D == D0 { closingRuns[seedIndex, default: [:]][method] = run }
                let exactW = try e.solveLower(x: x, start: W, tolerance: 1e-7)
                let weights = e.problem.sampleWeights(x: x)
                let end = try e.problem.measuredCurvature(x: x, y: W).value
                seedRuns.append(
                    SeedRun(
                        method: method, D: D, seed: seedIndex, own: try e.score(W: W), exact: try e.score(W: exactW),
                        auc: try (0..<2).map { try e.cleaningAUC(weights, domain: $0) }, run: run,
                        curvatureAtEnd: end))
            }
        }
    }
    // The experiment's protocol ends here (tuning, then every method × D × seed); the sweep
    // and the closing comparison's rows follow.
    let protocolSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    // weave: end
    // weave: begin-hide
    /// Mean and std over the seeds of every column of the two tables, per method and D.
    struct Summary {
        let method: Method, D: Int
        var accA = 0.0, accAStd = 0.0, f1A = 0.0, accB = 0.0, accBStd = 0.0, f1B = 0.0
        var fraction = 0.0, fractionStd = 0.0
        var exactA = 0.0, exactB = 0.0, exactFraction = 0.0, exactFractionStd = 0.0
        var aucA = 0.0, aucB = 0.0, curvature = 0.0
        var secondsPerStep = 0.0, peakVectors = 0.0, calls = 0.0
    }
    /// The fraction (8.3) of the bracket, the mean of the two domains, against the seed's own reference rows.
    func fraction(_ scores: DomainScores, seed: Int) -> Double {
        let refs = seedReferences[seed]
        let parts = (0..<2).map { (d: Int) -> Double in
            (scores.accuracy[d] - refs[0].accuracy[d]) / (refs[1].accuracy[d] - refs[0].accuracy[d])
        }
        return (parts[0] + parts[1]) / 2
    }
    func summary(_ method: Method, _ D: Int) -> Summary {
        let runs = seedRuns.filter { $0.method == method && $0.D == D }
        func stat(_ read: (SeedRun) -> Double) -> (mean: Double, std: Double) { meanAndDeviation(runs.map(read)) }
        var s = Summary(method: method, D: D)
        (s.accA, s.accAStd) = stat { 100 * $0.own.accuracy[0] }
        (s.accB, s.accBStd) = stat { 100 * $0.own.accuracy[1] }
        s.f1A = stat { 100 * $0.own.f1[0] }.mean
        s.f1B = stat { 100 * $0.own.f1[1] }.mean
        (s.fraction, s.fractionStd) = stat { fraction($0.own, seed: $0.seed) }
        s.exactA = stat { 100 * $0.exact.accuracy[0] }.mean
        s.exactB = stat { 100 * $0.exact.accuracy[1] }.mean
        (s.exactFraction, s.exactFractionStd) = stat { fraction($0.exact, seed: $0.seed) }
        s.aucA = stat { $0.auc[0] }.mean
        s.aucB = stat { $0.auc[1] }.mean
        s.curvature = runs.map { $0.curvatureAtEnd * experiment.alpha }.max()!
        s.secondsPerStep = stat { $0.run.trail[K - 1].seconds / Double(K) }.mean
        s.peakVectors = Double(runs[0].run.trail[K - 1].peakVectors)
        s.calls = Double(runs[0].run.trail[K - 1].counts.calls) / Double(K)
        return s
    }
    let summaries = innerSteps.flatMap { D in Method.table.map { summary($0, D) } }
    let ownFields: [Table.Field<Summary>] = [
        .text("method") { $0.method.name }, .number("D", .integer) { Double($0.D) },
        .number("acc_A", header: "acc A %", .fixed(2)) { $0.accA },
        .number("acc_A_std", header: "±", .fixed(2)) { $0.accAStd },
        .number("f1_A", header: "F1 A %", .fixed(2)) { $0.f1A },
        .number("acc_B", header: "acc B %", .fixed(2)) { $0.accB },
        .number("acc_B_std", header: "±", .fixed(2)) { $0.accBStd },
        .number("f1_B", header: "F1 B %", .fixed(2)) { $0.f1B },
        .number("fraction", header: "bracket", .fixed(2)) { $0.fraction },
        .number("fraction_std", header: "±", .fixed(2)) { $0.fractionStd },
    ]
    let ownTable = Table("own", summaries, ownFields)
    let exactFields: [Table.Field<Summary>] = [
        .text("method") { $0.method.name }, .number("D", .integer) { Double($0.D) },
        .number("acc_A", header: "acc A %", .fixed(2)) { $0.exactA },
        .number("acc_B", header: "acc B %", .fixed(2)) { $0.exactB },
        .number("fraction", header: "bracket", .fixed(2)) { $0.exactFraction },
        .number("fraction_std", header: "±", .fixed(2)) { $0.exactFractionStd },
        .number("auc_A", header: "AUC A", .fixed(3)) { $0.aucA },
        .number("auc_B", header: "AUC B", .fixed(3)) { $0.aucB },
        .number("curvature", header: "α·eig_max at the end", .fixed(2)) { $0.curvature },
    ]
    let exactTable = Table("exact", summaries, exactFields)
    // weave: end
    section("6. Test scores of each method's own model W_K, K = \(K): mean and std over \(seedCount) seeds")
    show(ownTable)
    section("6. Test scores of W*(x_K), the model the weights are worth; cleaning AUC of σ(x_K)")
    show(exactTable)

    /*:
     Over five seeds, FORUM and MOML recover the whole bracket (0.98 ± 0.07 and 0.99 ±
     0.05 with their own models), the summed AID descent 0.88 ± 0.04, WC-MHGD 0.84 ± 0.06
     and MoCo 0.78 ± 0.09. The spreads overlap between FORUM and MOML, and between AID,
     WC-MHGD and MoCo; the difference between the two groups (about 0.1) is larger than
     either group's standard deviations, and it is the one difference this table supports. The own model and $W^*(x_K)$ agree to a few tenths
     of a point here: with the measured step, $D = 8$ warm-started inner steps keep
     $W_K$ close to $W^*(x_K)$. The curvature check passes everywhere:
     $\alpha \cdot \operatorname{eig}_{\max}$ at the final models is at most 0.85, below 2.

     WC-MHGD at $r = (\tfrac12, \tfrac12)$ and the summed descent are within each other's
     spread on both domains (89.88 and 90.34 against 90.18 and 91.56): the preference buys
     no accuracy here. It is not asked to: it steers toward the point of the trade-off
     where $r_A f_A = r_B f_B$, not toward the smallest sum (Section 8).
     */

    /*:
     ### An adaptive step on $x$

     The papers move $x$ by their plain step, and so does everything above. The FORUM
     authors' code moves its upper variables with Adam instead
     ([Kingma & Ba 2015](references.md#kingma--ba-2015)), and the library offers the same
     for every method (`MethodSettings.outerOptimizer`): with $u_k = -s_k$, the step the
     method computes,

     $$
     \begin{aligned}
     m_k &= \beta_1 m_{k-1} + (1-\beta_1)\,u_k, \qquad v_k = \beta_2 v_{k-1} + (1-\beta_2)\,u_k^2, \\
     x_{k+1} &= x_k - \eta\,\frac{\hat m_k}{\sqrt{\hat v_k} + \epsilon}, \qquad
     \hat m_k = \frac{m_k}{1-\beta_1^{k+1}}, \quad \hat v_k = \frac{v_k}{1-\beta_2^{k+1}},
     \end{aligned}
     \tag{8.5}
     $$

     per coordinate, with $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$. A
     coordinate moves by about $\eta$ per step whatever the scale of its $u$, so $\eta$ is a
     step in logits, and the method's own $\beta$ drops out. This is not the papers'
     algorithm; it is offered as an option and measured as one. Each method gets the
     same chance as before: a grid of four steps $\eta \in \{0.01, 0.03, 0.1, 0.3\}$ on
     the first seed, chosen by selection accuracy at $K_{\max}$ (the method's other
     settings as chosen for the plain step), then every seed at $K$, each paired with the
     same seed's plain run:
     */
    // weave: include AdamMoments.move
    // weave: begin-hide
    struct AdamComparison {
        let method: Method
        let eta: Double
        let adam: [Double], plain: [Double]
        var differences: [Double] { zip(adam, plain).map { $0 - $1 } }
    }
    var adamComparisons: [AdamComparison] = []
    if !real {
        for method in Method.table {
            let tuned = try adamGrid.map { eta -> MethodRun in
                var setting = chosen[method]!.setting
                setting.adam = eta
                return try runMethod(
                    method, setting, D: D0, K: Kmax, in: experiment, keepPoints: true, label: "Adam tuning: ")
            }
            let best = tuned.max { $0.trail.last!.selection < $1.trail.last!.selection }!
            let adam = try seedExperiments.indices.map { seed -> Double in
                // The first seed's model after K steps is its tuning run's.
                let W =
                    seed == 0
                    ? best.trail[K - 1].W!
                    : try runMethod(method, best.setting, D: D0, K: K, in: seedExperiments[seed], label: "Adam: ").W
                return fraction(try seedExperiments[seed].score(W: W), seed: seed)
            }
            let plain = seedExperiments.indices.map { seed in
                fraction(seedRuns.first { $0.method == method && $0.D == D0 && $0.seed == seed }!.own, seed: seed)
            }
            adamComparisons.append(AdamComparison(method: method, eta: best.setting.adam!, adam: adam, plain: plain))
        }
    }
    let adamFields: [Table.Field<AdamComparison>] = [
        .text("method") { $0.method.name },
        .number("eta", header: "η", .fixed(2)) { $0.eta },
        .number("adam", header: "Adam", .fixed(2)) { medianAndRange($0.adam).median },
        .number("adam_min", header: "min", .fixed(2)) { medianAndRange($0.adam).low },
        .number("adam_max", header: "max", .fixed(2)) { medianAndRange($0.adam).high },
        .number("plain", header: "plain", .fixed(2)) { medianAndRange($0.plain).median },
        .number("difference", header: "Adam − plain", .fixed(2)) { medianAndRange($0.differences).median },
        .number("difference_min", header: "min", .fixed(2)) { medianAndRange($0.differences).low },
        .number("difference_max", header: "max", .fixed(2)) { medianAndRange($0.differences).high },
        .number("better", header: "Adam better", .integer) { Double($0.differences.filter { $0 > 0 }.count) },
    ]
    let adamTable = Table("adam", adamComparisons, adamFields)
    if !real {
        section("6. Adam vs the plain step on x: bracket fraction, D = \(D0), K = \(K); median, range over \(seedCount) seeds")
        show(adamTable)
    }
    // weave: end
    /*:
     Adam does not help here. With its best step, the summed descent loses 0.08 of the
     bracket against its plain run (median of the paired differences; worse on all 5
     seeds) and MOML 0.05 (worse on all 5); WC-MHGD's median moves by −0.01 with seeds on
     both sides. FORUM (+0.01) and MoCo (+0.03) gain on 4 of 5 seeds, by less than the
     spread of their plain runs across seeds. A likely reason for the losses: Adam moves
     every logit by about $\eta$ whatever the size of its hypergradient, so samples the
     hypergradient barely tells apart move as fast as the clear ones. The chapter keeps the
     papers' plain step, and so does the real run below.
     */

    /*:
     ## 7. What FORUM does here

     In hyper-cleaning $\nabla_x f_s = 0$, so FORUM's direction has no $x$ part from the
     objectives: $x$ moves only through $\nu_k \nabla_x \tilde q$, and $\nu_k = 0$ whenever
     the objectives' own step already lowers $\tilde q$ enough. Its chosen run, step by step:
     */
    // weave: begin-hide
    let forumRun = chosen[.forum]!
    let corruptedAll = domains.flatMap(\.corrupted)
    func meanWeight(_ x: Vector, corrupted: Bool) -> Double {
        let w = problem.sampleWeights(x: x)
        let members = w.indices.filter { corruptedAll[$0] == corrupted }
        return members.map { w[$0] }.reduce(0, +) / Double(members.count)
    }
    let forumFields: [Table.Field<Checkpoint>] = [
            .number("k", .integer) { Double($0.k) },
            .number("q", header: "q̃(ζ_k)", .scientific(2)) { $0.q! },
            .number("nu", header: "ν_k", .scientific(2)) { $0.nu! },
            .number("step", header: "‖x_{k+1} − x_k‖/√N", .scientific(2)) { $0.stepSize },
            .number("clean", header: "mean σ, clean", .fixed(3)) { meanWeight($0.x!, corrupted: false) },
            .number("corrupted", header: "mean σ, corrupted", .fixed(3)) { meanWeight($0.x!, corrupted: true) },
            .number("auc", header: "AUC", .fixed(3)) { $0.auc },
        ]
    let forumRows = Set([0, 1, 2].filter { $0 < forumRun.trail.count } + logSpacedIndices(forumRun.trail.count, points: 8))
        .sorted()
    let forumTrace = Table("forum", forumRows.map { forumRun.trail[$0] }, forumFields)
    // weave: end
    //: The tolerance of the next paragraph, beside FORUM's step in the library:
    // weave: include FORUM.flattened
    section("7. FORUM's chosen run (\(forumRun.setting.text)): constraint, multiplier, x's step, weights")
    show(forumTrace)
    let zeroNu = forumRun.trail.filter { $0.nu! == 0 }.count
    say("ν_k = 0 at \(zeroNu) of the \(forumRun.trail.count) steps")
    /*:
     Read the rows. At $k = 0$ the start solves the lower level, $\tilde q$ is zero to
     rounding, and the constraint is flat: $\nu_0 = 0$ and $x$ does not move, while $y$
     steps along the validation gradients. (At an exactly feasible point $\nabla\tilde q$ is
     the inner solve's round-off; the library's FORUM treats $\tilde q \le 10^{-12}$ as met and
     flat — `feasibilityTolerance`, not in the paper — so that the run does not depend on
     how tightly $W^*(0)$ was solved: Chapter08Tests checks that starts solved to $10^{-7}$ and
     $10^{-12}$ give the same run to $10^{-4}$.) That $y$ step makes $\tilde q$ positive, and
     at $k = 1$ the multiplier turns on ($\nu_1$ = 5.56e-01) and $x$ takes its largest step
     (6.25e+00 per logit, root-mean-square): the $x$ part of
     $\nabla\tilde q$ is, per sample,

     $$
     \frac{\partial \tilde q}{\partial x_i} = \frac{\sigma'(x_i)}{N_s}\big(\ell_i(y_k) - \ell_i(\tilde y^{(D)})\big),
     \tag{8.4}
     $$

     the change of sample $i$'s loss between the model that moved toward the validation
     sets and the retrained one. A sample whose loss *rose* when the model moved toward the
     validation data is one the validation data disagree with, and $x \leftarrow x - \beta
     \nu \nabla_x \tilde q$ lowers its weight: a finite-difference cousin of the Newton reading of
     (8.2), with no Hessian. By $k = 2$ the mean weight of the clean samples is 0.812 and of
     the corrupted ones 0.141, an AUC of 0.950; afterwards $\nu_k$ grows, $\tilde q$ falls,
     and the AUC creeps to 0.981.
     */

    /*:
     ## 8. The trade-off between the domains, and the weights

     WC-MHGD's preference picks where on the trade-off between the two validation losses
     a run ends. We sweep $r = (r_A, 1 - r_A)$ at WC-MHGD's chosen setting (first seed,
     $D$ and $K$ as above) and draw each run's $f_A(W_K)$ against $f_B(W_K)$ — the values
     of the method's own model, which are what it steers by — with the other methods and
     the two reference rows.
     */
    // weave: begin-hide
    let sweep = (0..<preferenceCount).map { (i: Int) -> Double in 0.1 + 0.8 * Double(i) / Double(preferenceCount - 1) }
    let sweepRuns = try sweep.map { r1 in
        try runMethod(.wcmhgd(r1: r1), chosen[.wcmhgd(r1: 0.5)]!.setting, D: D0, K: K, in: experiment, label: "sweep: ")
    }
    let sweepScores = try sweepRuns.map { try experiment.score(W: $0.W) }
    let firstSeed = seedRuns.filter { $0.seed == 0 && $0.D == D0 }
    let sweepBlock = try DataBlock(
        "sweep", Array(zip(sweep, sweepScores)),
        ["r1": { $0.0 }, "loss_A": { $0.1.validationLoss[0] }, "loss_B": { $0.1.validationLoss[1] }])
    let methodBlock = try DataBlock(
        "methods", columns: ["method", "loss_A", "loss_B"],
        groups: firstSeed.map { [[Double($0.method.index), $0.own.validationLoss[0], $0.own.validationLoss[1]]] })
    let referenceBlock = try DataBlock(
        "references", columns: ["reference", "loss_A", "loss_B"],
        groups: references.enumerated().map { [[Double($0.offset), $0.element.validationLoss[0], $0.element.validationLoss[1]]] })
    let tradeoff = try Figure.curves(
        "\(slugPrefix)-tradeoff", title: "Validation losses of each method's own model W_K (first seed, D = \(D0), K = \(K))",
        x: "f_A(W_K), validation loss of domain \(domains[0].name)", y: "f_B(W_K), validation loss of domain \(domains[1].name)",
        log: .both, key: "top right",
        comment: "Chapter 8 — Data hyper-cleaning: the final validation losses; WC-MHGD's preference sweep as a curve.",
        against: "loss_A",
        [Curve("loss_B", "WC-MHGD, r_A = \(fixed(sweep.first!, 1)) … \(fixed(sweep.last!, 1))", data: sweepBlock)]
            + firstSeed.indices.map { i in
                Curve("loss_B", firstSeed[i].method.name, .points, data: methodBlock, index: i, point: 7, pointSize: 2)
            }
            + ["uniform weights, noisy labels", "clean samples only"].indices.map {
                .truth(
                    "loss_B", ["uniform weights, noisy labels", "clean samples only"][$0], data: referenceBlock,
                    index: $0, point: [2, 1][$0], pointSize: 2.5)
            })
    // weave: end
    // weave: begin-hide
    show(
        tradeoff,
        caption:
            "The two validation losses f_A(W_K), f_B(W_K) of each method's own model (first seed; log axes), WC-MHGD's preference sweep as a curve, the reference rows as black marks.")
    // weave: end
    /*:
     The sweep traces the trade-off: a larger $r_A$ buys a smaller $f_A$ at the price of
     $f_B$. It does not dominate the other methods. The summed descent sits just below
     its curve, and FORUM well below it, dominating the sweep's three middle points:
     FORUM's $y$ steps descend $f_A$ and $f_B$ directly, so its model has been fitted
     to the validation sets themselves, which the other methods' $W$ never sees. WC-MHGD
     at $r_A = \tfrac12$ lands beside the summed descent, with a smaller $f_A$ and a
     larger $f_B$ — the balance $r_A f_A = r_B f_B$ it steers toward, reached at a slightly
     larger sum. MOML sits just above the curve.
     */
    // weave: begin-hide
    let shown: [MethodRun] = [chosen[.summed]!, chosen[.forum]!]
    let bins = 20
    var histogram: [[Double]] = (0..<bins).map { [(Double($0) + 0.5) / Double(bins)] }
    var aucText: [String] = []
    for run in shown {
        let x = run.trail[K - 1].x!
        let weights = problem.sampleWeights(x: x)
        for group in [false, true] {
            var counts = [Double](repeating: 0, count: bins)
            let members = weights.indices.filter { corruptedAll[$0] == group }
            for i in members { counts[min(bins - 1, Int(weights[i] * Double(bins)))] += 1 }
            for b in 0..<bins { histogram[b].append(counts[b] / Double(members.count)) }
        }
        let auc = try (0..<2).map { try experiment.cleaningAUC(weights, domain: $0) }
        aucText.append("AUC \(domains[0].name) \(fixed(auc[0], 3)), \(domains[1].name) \(fixed(auc[1], 3))")
    }
    say("weights at K: AID, summed \(aucText[0]); FORUM \(aucText[1])")
    let weightsBlock = try DataBlock(
        "weights", columns: ["sigma", "clean_summed", "corrupted_summed", "clean_forum", "corrupted_forum"],
        rows: histogram)
    let weightsFigure = try Figure.curves(
        "\(slugPrefix)-weights", title: "Weights σ(x_i) at K = \(K): clean (solid) and corrupted (dashed) samples",
        x: "σ(x_i)", y: "share of the group's samples per bin", key: "top center",
        comment: "Chapter 8 — Data hyper-cleaning: histograms of the final weights, both domains pooled.",
        data: weightsBlock, against: "sigma",
        [
            Curve("clean_summed", "AID, summed, clean (\(aucText[0]))", .lines),
            Curve("corrupted_summed", "AID, summed, corrupted", .lines, pairedWith: 0),
            Curve("clean_forum", "FORUM, clean (\(aucText[1]))", .lines, color: Figure.palette[2]),
            Curve("corrupted_forum", "FORUM, corrupted", .lines, color: Figure.palette[2], dash: 2),
        ])
    // weave: end
    // weave: begin-hide
    show(
        weightsFigure,
        caption:
            "Histograms of the weights σ(x_i) at K, both domains pooled, clean samples solid and corrupted dashed, for the summed AID descent and FORUM; each key entry gives the cleaning AUC of each domain.")
    // weave: end
    /*:
     Both methods push the corrupted samples toward 0 and keep most clean samples high,
     FORUM more decisively (cleaning AUC 0.976 and 0.986 on A and B, against 0.938 and
     0.948 for the summed descent, first seed); on the real data FORUM's weights behave
     differently (Section 9).
     */
    // weave: begin-hide
    let costFields: [Table.Field<Summary>] = [
        .text("method") { $0.method.name }, .number("D", .integer) { Double($0.D) },
        .number("calls", header: "oracle calls per step", .fixed(0)) { $0.calls },
        .number("peak_vectors", header: "peak vectors", .integer) { $0.peakVectors },
        .number("memory_kib", header: "memory KiB", .fixed(1)) { $0.peakVectors * Double(p) * 8 / 1024 },
    ]
    // Wall time differs on every run: in the table only on real data (a run committed once, as measured).
    let timeField: Table.Field<Summary> = .number("ms_per_step", header: "ms per step", .fixed(1)) {
        1000 * $0.secondsPerStep
    }
    let costTable = Table("costs", summaries, real ? costFields + [timeField] : costFields)
    // weave: end
    section("6. Costs per outer step (first seed; wall time, a mean over the seeds, only on real data)")
    show(costTable)
    /*:
     ## 9. Real data: FORUM's Table 1, measured

     Everything above, run with `--data DIR` on MNIST and Fashion-MNIST, is the FORUM
     paper's experiment at its size — with the protocol of Sections 4–6 in place of their
     unpublished settings: the measured inner step, the same tuning grids on the selection
     split, the stopping rule, three seeds, and $D \in \{16, 32, 64, 128\}$ ($T$ in the
     FORUM paper). Its tables are committed in `figures/ch08-real-tables.dat`, and this
     section prints them from there.
     */
    // weave: begin-hide
    let realTablesFile = flags.realFrom + "/ch08-real-tables.dat"
    let realBlocks: [String: DataBlock]? =
        real ? nil : (try? String(contentsOfFile: realTablesFile, encoding: .utf8)).flatMap { try? readDataBlocks(fromScript: $0) }
    let emptySummaries: [Summary] = []
    let names = Method.table.map(\.name)
    // weave: end
    // weave: begin-hide
    /// Test accuracy against D, one panel per domain: mean ± std over the seeds, the two reference rows as lines.
    func accuracyFigure(own: DataBlock, references: DataBlock) throws -> Figure {
        let Ds = Array(Set(try own.column("D"))).sorted()
        var figure = Figure(
            slug: "ch08-real-table1", title: "Test accuracy of each method's own model against D (mean ± std over the seeds)",
            xLabel: "D", yLabel: "test accuracy (%)")
        figure.comments = ["Chapter 8 — Data hyper-cleaning on MNIST + Fashion-MNIST: Table 1 of the real run."]
        let refs = references.records
        for (d, name) in ["MNIST", "Fashion-MNIST"].enumerated() {
            let suffix = ["A", "B"][d]
            let block = try DataBlock(
                "acc_\(suffix)", columns: ["D", "acc", "std"],
                groups: Method.table.indices.map { m in
                    own.records.filter { Int($0["method"]!) == m }.map { [$0["D"]!, $0["acc_\(suffix)"]!, $0["acc_\(suffix)_std"]!] }
                })
            let lines = try DataBlock(
                "references_\(suffix)", columns: ["D", "noisy", "clean"],
                rows: [Ds.first! / 1.2, Ds.last! * 1.2].map { [$0, 100 * refs[0]["acc_\(suffix)"]!, 100 * refs[1]["acc_\(suffix)"]!] })
            var panel = try Figure.curves(
                "ch08-real-table1", title: name, x: "inner steps D", y: "test accuracy (%)", log: .x,
                key: "bmargin center horizontal", comment: "", data: block, against: "D",
                Method.table.indices.map { Curve("acc", Method.table[$0].name, index: $0, error: "std") }
                    + [.reference("noisy", "uniform weights, noisy labels", data: lines), Curve("clean", "clean samples only", .lines, data: lines, color: "#000000", dash: 3)])
            panel.xTics = Ds
            panel.xRange = (Ds.first! / 1.2)...(Ds.last! * 1.2)
            panel.showKey = d == 0
            figure.panels.append(panel)
        }
        figure.panelHeight = 420
        return figure
    }
    /// Time and memory per outer step against D, one panel each.
    func costFigure(costs: DataBlock) throws -> Figure {
        let Ds = Array(Set(try costs.column("D"))).sorted()
        var figure = Figure(
            slug: "ch08-real-cost", title: "Cost of one outer step against D (FORUM's Figure 1, measured)",
            xLabel: "D", yLabel: "")
        figure.comments = ["Chapter 8 — Data hyper-cleaning on MNIST + Fashion-MNIST: time (not deterministic) and memory per outer step."]
        for (column, label, name) in [("ms_per_step", "wall time per outer step (ms)", "time"), ("memory_kib", "peak memory (KiB)", "memory")] {
            let block = try DataBlock(
                name, columns: ["D", column],
                groups: Method.table.indices.map { m in costs.records.filter { Int($0["method"]!) == m }.map { [$0["D"]!, $0[column]!] } })
            var panel = try Figure.curves(
                "ch08-real-cost", title: name == "time" ? "Time" : "Memory (length-p vectors × 8 bytes)", x: "inner steps D", y: label,
                log: .both, key: "bmargin center horizontal", comment: "", data: block, against: "D",
                Method.table.indices.map { Curve(column, Method.table[$0].name, index: $0) })
            panel.xTics = Ds
            panel.xRange = (Ds.first! / 1.2)...(Ds.last! * 1.2)
            panel.showKey = name == "time"
            figure.panels.append(panel)
        }
        figure.panelHeight = 400
        return figure
    }
    let accuracyCaption =
        "Test accuracy of each method's own model W_K against the inner steps D on the committed real run, mean ± std over 3 seeds; MNIST (left) and Fashion-MNIST (right), with the two reference rows as lines."
    let costCaption =
        "Cost of one outer step against D on the real run: wall time (mean over the seeds, not deterministic) and peak memory (length-p vectors × 8 bytes, p = 7850)."
    if real {
        show(try accuracyFigure(own: try ownTable.dataBlock, references: try referenceTable.dataBlock), caption: accuracyCaption)
        show(try costFigure(costs: try costTable.dataBlock), caption: costCaption)
    }
    // weave: end
    // weave: begin-hide
    /// The committed real run's tables, complete, or nil (then Section 9 says so once).
    struct Committed {
        let blocks: [String: DataBlock]
        func fact(_ name: String) -> Double {
            let index = Double(factNames.firstIndex(of: name)!)
            return blocks["facts"]!.records.first { $0["name"] == index }!["value"]!
        }
    }
    let needed = ["references", "tuning", "own", "exact", "costs", "forum", "facts"]
    let committed = realBlocks.flatMap { blocks in needed.allSatisfy { blocks[$0] != nil } ? Committed(blocks: blocks) : nil }
    if !real && committed == nil { say("No committed real run in \(realTablesFile): Section 9 has nothing to print.") }
    // weave: end
    // weave: begin-hide
    if let c = committed {
        section("9. The committed real run: reference rows, curvature, K")
        show(reloadedTable(c.blocks["references"]!, like: referenceTable, labels: ["uniform, noisy labels", "clean samples only"]))
        say(
            "global bound L = \(sci(c.fact("bound_L"), 3)), measured eig_max(H) at W*(0) = \(sci(c.fact("measured_L"), 3)); "
                + "K_max = \(Int(c.fact("K_max"))), band \(fixed(100 * c.fact("band"), 2)) points → K = \(Int(c.fact("K")))")
        say("run time on the machine that made it (2 cores): tuning and every method × D × seed "
            + "\(fixed(c.fact("protocol_seconds") / 60, 1)) minutes,")
        say("the whole run with the WC-MHGD sweep and the closing comparison's rows \(fixed(c.fact("seconds") / 60, 1)) minutes")
    }
    // weave: end
    /*:
     On real data the bracket is narrow. Uniform weights on the noisy labels already reach
     80.73 % and 73.82 % test accuracy, the clean samples only 85.83 % and 75.98 %: 5.1 and
     2.2 points of room, so on Fashion-MNIST one point of accuracy is 0.45 of the bracket,
     and the fractions below carry wide spreads. The measured curvature at $W^*(0)$ is
     8.337, the bound 75.86, 9.1 times larger: with the bound's $\alpha$ an inner step
     closes $1.3 \times 10^{-4}$ of the error along the flattest direction, with the
     measured one $1.2 \times 10^{-3}$. The stopping rule gives $K = 56$ of $K_{\max} = 60$
     (FORUM settles last). On the course's two cores the tuning and every method × $D$ ×
     seed took 29.4 minutes, and the whole run, with the preference sweep of Section 8 and
     the closing comparison's tight solves, 35.2. On images the softmax kernels read only
     the nonzero pixels, with the same bits as a dense reading (`make bench` times both
     readings side by side), and ITD's reverse pass takes its two products at each stored
     iterate from one pass over the data.
     */
    // weave: begin-hide
    if let c = committed {
        section("9. The committed real run: tuning at D = 16, first seed")
        show(reloadedTable(c.blocks["tuning"]!, like: Table("tuning", [MethodRun](), tuningFields), labels: names))
    }
    // weave: end
    /*:
     Every setting of a method ends within half a point of the others on the selection split
     (AID from 0.8055 to 0.8075, FORUM from 0.7820 to 0.7835), far inside the noise of 2000
     selection samples — a standard error of about 0.9 points. The tuning cannot tell the
     settings apart; the chosen one is as good as any of its grid, and nothing below hinges
     on the choice.
     */
    // weave: begin-hide
    if let c = committed {
        section("9. The committed real run: own model W_K, mean and std over 3 seeds")
        show(reloadedTable(c.blocks["own"]!, like: Table("own", emptySummaries, ownFields), labels: names))
        showSaved("ch08-real-table1", caption: accuracyCaption)
    }
    // weave: end
    /*:
     The summed AID descent recovers 0.89 ± 0.13 of the bracket with its own model at
     $D = 16$ and 0.95 ± 0.12 at $D = 128$; WC-MHGD 0.97 ± 0.16 to 1.02 ± 0.14, MoCo
     0.87 ± 0.12 to 0.95 ± 0.20. The three AID-based methods lie within each other's spread
     at every $D$. MOML depends on $D$: at $D = 16$ it gives up Fashion-MNIST (71.14 %,
     below the noisy row's 73.82 %) while its MNIST accuracy, 86.76 %, is the highest of all,
     a fraction of -0.14 ± 0.22; at $D = 128$, with ITD through more steps, 0.81 ± 0.13.
     FORUM stays at 0.02 ± 0.05 at $D = 16$ and 0.00 ± 0.05 at $D = 128$: on this problem,
     with this protocol, it recovers none of the bracket at any $D$.

     The FORUM paper ranks FORUM first (90.79 % and 82.37 %, against MOML's 88.81 % and
     79.98 % and MoCo's 88.25 % and 80.09 %); here it is behind the three AID-based methods
     beyond the spread at every $D$, ahead only of MOML at $D = 16$, and MoCo is ahead of
     MOML at $D = 16$ and level with it at $D = 128$. Their numbers lie
     above our clean-only row for every method, so their model, split and settings —
     unpublished — are not ours, and the two tables cannot be compared number for number;
     their ranks can, and they disagree. Section 7's mechanism says why FORUM is slow here.
     */
    // weave: begin-hide
    if committed != nil {
        struct Printed { let method: String; let mnist: Double; let fashion: Double }
        let printedRows = [
            Printed(method: "MOML", mnist: 88.81, fashion: 79.98), Printed(method: "MoCo", mnist: 88.25, fashion: 80.09),
            Printed(method: "FORUM", mnist: 90.79, fashion: 82.37),
        ]
        let theirs = Table(
            "forum_paper_table1", printedRows,
            [
                .text("method") { $0.method }, .number("mnist", header: "MNIST acc % (theirs)", .fixed(2)) { $0.mnist },
                .number("fashion", header: "Fashion acc % (theirs)", .fixed(2)) { $0.fashion },
            ] as [Table.Field<Printed>])
        section("9. The FORUM paper's Table 1 at T = 16, as printed (their numbers, their unpublished setup)")
        show(theirs)
    }
    // weave: end
    // weave: begin-hide
    if let c = committed {
        section("9. The committed real run: W*(x_K) and cleaning AUC")
        show(reloadedTable(c.blocks["exact"]!, like: Table("exact", emptySummaries, exactFields), labels: names))
    }
    // weave: end
    /*:
     The models the weights are worth say the same: $W^*(x_K)$ recovers 0.95 ± 0.14 of the
     bracket for AID at $D = 16$, 1.02 ± 0.12 for WC-MHGD, 0.94 ± 0.17 for MoCo and 0.03 ±
     0.11 for FORUM. With the measured inner step the own model at $D = 16$ is within the
     spread of $W^*(x_K)$ for every method: the lag a bound-sized step leaves behind is
     gone, and $\alpha \cdot \operatorname{eig}_{\max}$ stays at most 0.94 at the final
     models. FORUM's weights do rank the samples: their cleaning AUC, 0.955 and 0.917 at
     $D = 16$, is close to AID's 0.940 and 0.936. Ranking is not enough; the corrupted
     samples must also be pushed toward zero.
     */
    // weave: begin-hide
    if let c = committed {
        section("9. The committed real run: FORUM's chosen run")
        show(reloadedTable(c.blocks["forum"]!, like: Table("forum", [Checkpoint](), forumFields), labels: []))
    }
    // weave: end
    /*:
     FORUM's run, read as in Section 7: $\nu_k = 0$ at the first step and again at $k = 59$
     among the printed rows (at 12 of its 60 steps in all), and after the
     first step the printed $\tilde q$ stays between 7.18e-04 and 2.34e-03, so $\nabla_x
     \tilde q$ (8.4) is small and $x$ moves by a few hundredths to a few tenths per logit per
     step. After 58 steps the mean
     weight of the clean samples is 0.659 and of the corrupted ones 0.250: a corrupted
     sample still carries more than a third of a clean one's weight. The direction is
     right — the AUC climbs to 0.936 — but the weights move too slowly to change the model
     within $K = 56$, and the grid's ten times larger $x$ step did no better on the
     selection split (0.7830 against 0.7835). Whether FORUM cleans with far more steps or
     with settings outside the grid this run does not say; with the grid and the $K$
     every method got, it does not, and its rank against MOML and MoCo is the reverse of
     the paper's.
     */
    // weave: begin-hide
    if let c = committed {
        section("9. The committed real run: costs per outer step")
        show(reloadedTable(c.blocks["costs"]!, like: Table("costs", emptySummaries, costFields + [timeField]), labels: names))
        showSaved("ch08-real-cost", caption: costCaption)
    }
    // weave: end
    /*:
     Per outer step FORUM makes no Hessian-vector product and holds 6 vectors (368.0 KiB)
     whatever $D$ is; the AID-based methods hold 7; MOML's ITD holds $D + 3$ — 19 at
     $D = 16$, 131 (8034.0 KiB) at $D = 128$ — and its time per step grows from 239.3 ms to
     2063.8 ms, 3.5 times the summed descent's 595.3 ms at $D = 128$. The wall times come
     from one run on an otherwise idle machine; they vary by several percent from run to
     run.
     */
    /*:
     ## Summary

     - Data hyper-cleaning has one upper variable per training sample. Its hypergradient
       (8.2) raises a sample's weight when a Newton step on that sample's loss also lowers
       the validation loss — agreement in the inner product $H^{-1}$ — and the first step
       already ranks clean above corrupted samples.
     - Two reference rows bracket what a cleaner can reach; the fraction of the bracket
       (8.3) puts every method on one scale. How much room the bracket leaves depends on
       the data: 22 points on the synthetic pair, a few points on MNIST + Fashion-MNIST.
     - The inner step should follow the curvature where the model is. The global bound is
       6.6 (synthetic) to 9.1 (real) times the measured $\operatorname{eig}_{\max}$ at
       $W^*(0)$; power iteration measures it in a few dozen Hessian-vector products, and
       $\alpha \cdot \operatorname{eig}_{\max} < 2$ at the final models confirms the step was safe.
     - A fair comparison tunes every method on the same grid size on a selection split,
       stops by a stated rule read from the selection curves, reports both the method's own
       model and the model its weights are worth, over several seeds, and ranks nothing
       inside the spread.
     - FORUM moves $x$ only through $\nu_k \nabla_x \tilde q$ here: a sample loses weight when its
       loss rose as the model moved toward the validation data (8.4). At a start that solves
       the lower level, that direction is round-off until the first $y$ step; the library
       treats a constraint met to $10^{-12}$ as flat.

     ## Exercises

     1. *(Run.)* `swift run -c release ch08 --bound-step` takes the inner step from the
        global bound. What changes: the tuning, $K$, the own models, the models the weights
        are worth? Read the last column of the second table of Section 6.
     2. *(Run.)* Take the conflict away: `swift run -c release ch08 --conflicted 0`. How do
        the first-step table, the bracket and the methods' fractions change, and why does
        the gap between the hypergradient methods and FORUM/MOML shrink?
     3. *(Run and derive.)* `swift run -c release ch08 --start-tolerance 1e-7`: does
        Section 7's table change? Show that without the feasibility tolerance FORUM's first
        $x$ step keeps a fixed size as $\nabla\tilde q \to 0$, in a direction set by round-off.
     4. *(Derive.)* Derive (8.4) from FORUM's $\nabla_x\tilde q$, and show that for a $y$ one
        small step from $W^*(x)$ along the validation gradient, FORUM's $x$ step ranks samples
        by agreement in the plain inner product, where (8.2) uses $H^{-1}$.
     5. *(Derive.)* Prove the global bound of Section 4: the softmax Jacobian
        $\operatorname{diag}(p) - pp^\top \preceq \tfrac12 I$, and with weights at most 1,
        $H \preceq (\theta + \tfrac12\operatorname{eig}_{\max}(\sum_i a_i a_i^\top/N_s)) I$.
        Which of the two inequalities is loose at $W^*(0)$?
     6. *(Implement.)* Write power iteration yourself (a function of $v \mapsto Hv$, a start
        and a number of iterations returning the last Rayleigh quotient) and check it
        against `HyperCleaning.measuredCurvature` on the synthetic problem.
     7. *(Read.)* From Section 9's tables, compute MOML's fraction of the bracket on each
        domain separately. Which domain does it give up, and how can its mean fraction be
        small while its MNIST accuracy is the highest of all methods?

     Worked solutions: [solutions/08.md](solutions/08.md).

     ## Further reading

     - [Franceschi et al. 2017](references.md#franceschi-et-al-2017) — data hyper-cleaning
       as a bilevel problem, forward and reverse hypergradients.
     - [Shaban et al. 2019](references.md#shaban-et-al-2019) — truncated back-propagation
       (MOML's ITD with few steps) on the same task.
     - [Bao et al. 2021](references.md#bao-et-al-2021) — per-sample weights and the split
       FORUM's experiment uses.
     - [Ye et al. 2024](references.md#ye-et-al-2024) — FORUM, and the Table 1 Section 9
       measures.
     - [Zhang et al. 2025](references.md#zhang-et-al-2025) — WC-MHGD.
     - [LeCun et al. 1998](references.md#lecun-et-al-1998) and
       [Xiao, Rasul & Vollgraf 2017](references.md#xiao-rasul--vollgraf-2017) — MNIST and
       Fashion-MNIST.
     - [Nesterov 1983](references.md#nesterov-1983) and
       [O'Donoghue & Candès 2015](references.md#odonoghue--candès-2015) — the accelerated
       lower-level solver and its adaptive restart.
     - [Hanley & McNeil 1982](references.md#hanley--mcneil-1982) — the AUC as the chance
       that a positive outranks a negative.
     - [Kingma & Ba 2015](references.md#kingma--ba-2015) — Adam, the adaptive step of
       (8.5).
     */
    // weave: begin-hide
    // The closing comparison's rows (Chapter 10), every seed at the first D.
    let closingProblem: CourseProblem = real ? .cleaningReal : .cleaningSynthetic
    var closing: [ComparisonEntry] = []
    for seedIndex in 0..<seedCount {
        closing += try closingEntries(
            closingRuns[seedIndex]!, chosen: chosen.mapValues(\.setting), D: D0, K: K, seed: seedIndex,
            in: seedExperiments[seedIndex], problem: closingProblem, probes: 2)
    }
    // What the run measured once: the curvature, the stopping rule's steps (and, on real data, its wall time).
    struct Fact { let name: String; let value: Double }
    var values = [boundL, measuredL, Double(curvature.products), Double(Kmax), band, Double(K)] + settled.map(Double.init)
    if real { values += [protocolSeconds, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9] }
    let facts = zip(factNames, values).map { Fact(name: $0.0, value: $0.1) }
    let factTable = Table(
        "facts", facts, [.text("name") { $0.name }, .number("value", .scientific(6)) { $0.value }] as [Table.Field<Fact>])
    save(
        tables: [firstStep, referenceTable, tuningTable, ownTable, exactTable, forumTrace, costTable, factTable]
            + (real ? [] : [adamTable])
            + closingComparisonTables(closing), timings: closingComparisonTimings(closing), flags: flags.common,
        impliedFlags: real && flags.data == nil ? ["--data", "DIR"] : [], tablesStem: slugPrefix)
    // weave: end
} catch { fail("\(error)") }  // weave: hide
