// Chapter 8's bookkeeping, kept out of the page: the methods as the chapter names them,
// their tuning grids, one run of a method with everything the chapter measures along it,
// the scores of a model, and the two pairs of domains. The page (main.swift) shows what
// these compute.
import ChapterSupport
import Foundation
import MOBL

/// The methods of the chapter's tables.
enum Method: Hashable {
    case summed
    case wcmhgd(r1: Double)
    case forum, moml, moco
    /// Two more for the closing comparison: MGDA on the same hypergradients, and WC-MHGD
    /// with a 10-term Neumann series in place of CG.
    case mgda
    case wcmhgdNeumann(r1: Double)
    static let names = ["AID, summed", "WC-MHGD", "FORUM", "MOML", "MoCo", "MGDA", "WC-MHGD (Neumann)"]
    /// The five methods of the experiment (WC-MHGD at r = (½, ½)).
    static let table: [Method] = [.summed, .wcmhgd(r1: 0.5), .forum, .moml, .moco]
    var index: Int {
        switch self {
        case .summed: 0
        case .wcmhgd: 1
        case .forum: 2
        case .moml: 3
        case .moco: 4
        case .mgda: 5
        case .wcmhgdNeumann: 6
        }
    }
    var name: String { Self.names[index] }
    var r1: Double? {
        switch self {
        case .wcmhgd(let r), .wcmhgdNeumann(let r): r
        default: nil
        }
    }
    /// The course's method this row runs ("AID, summed" is linear scalarization with w = (½, ½)).
    var course: CourseMethod {
        switch self {
        case .summed: .linear
        case .wcmhgd: .wcmhgdCG
        case .forum: .forum
        case .moml: .moml
        case .moco: .moco
        case .mgda: .mgda
        case .wcmhgdNeumann: .wcmhgdNeumann
        }
    }
    /// The grid the chapter tunes this method over: four settings each. The step on x is
    /// in units of N_s (it cancels the 1/N_s of ∂Φ/∂xᵢ); FORUM's second setting is ρ and
    /// MoCo's is its weight step β_λ.
    var grid: [Setting] {
        switch self {
        case .forum: [5.0, 50].flatMap { s in [0.5, 0.9].map { Setting(step: s, second: $0) } }
        case .moco: [10.0, 40].flatMap { s in [0.1, 1].map { Setting(step: s, second: $0) } }
        default: [5.0, 10, 20, 40].map { Setting(step: $0) }
        }
    }
}

/// One point of a method's grid: its outer step on x (in units of N_s), for FORUM and
/// MoCo a second setting (ρ, β_λ), and Adam's step η when x moves by Adam.
struct Setting: Hashable {
    var step: Double
    var second: Double? = nil
    var adam: Double? = nil
    var text: String {
        "β = \(fixed(step, 0))·N_s" + (second.map { ", \(fixed($0, 1))" } ?? "")
            + (adam.map { ", Adam η = \(fixed($0, 2))" } ?? "")
    }
}

/// The grid of Adam's step η (a step in logits) every method is tuned over.
let adamGrid = [0.01, 0.03, 0.1, 0.3]

/// A model's numbers on one split of each domain: accuracy, macro-F1; and the validation
/// losses f_s.
struct DomainScores {
    var accuracy: [Double], f1: [Double], validationLoss: [Double]
}

/// One seed's experiment: its domains, the problem on them, the start (x₀, W₀ = W*(x₀)),
/// and the inner step α every method uses.
struct Experiment {
    let domains: [CleaningDomain]
    let problem: HyperCleaning
    let x0: Vector
    let W0: Vector
    var alpha: Double { 1 / problem.lowerCurvature(x: x0)!.L }
    var Ns: Double { Double(domains[0].train.count) }
    let workspace = SoftmaxWorkspace()

    /// The samples of domain d: indices into x (domain A's first, then B's).
    func samples(of d: Int) -> Range<Int> {
        let start = d == 0 ? 0 : domains[0].train.count
        return start..<(start + domains[d].train.count)
    }
    /// The AUC of `scores` on domain d's samples; clean samples are the positives.
    func cleaningAUC(_ scores: Vector, domain d: Int) throws -> Double {
        try areaUnderROC(scores: Array(scores[samples(of: d)]), positives: domains[d].corrupted.map { !$0 })
    }
    /// The mean of the two domains' cleaning AUCs of the weights σ(xᵢ).
    func meanAUC(x: Vector) throws -> Double {
        let w = problem.sampleWeights(x: x)
        return try (0..<domains.count).map { try cleaningAUC(w, domain: $0) }.reduce(0, +) / Double(domains.count)
    }
    /// Test accuracy and macro-F1 per domain, and the validation losses.
    func score(W: Vector) throws -> DomainScores {
        var result = DomainScores(accuracy: [], f1: [], validationLoss: Array(problem.upperValues(x: x0, y: W)))
        for domain in domains {
            let predicted = domain.test.predictions(W, workspace: workspace)
            result.accuracy.append(try accuracy(predicted: predicted, truth: domain.test.labels))
            result.f1.append(try macroF1(predicted: predicted, truth: domain.test.labels, classes: 10))
        }
        return result
    }
    /// Mean selection accuracy of the two domains: what the chapter tunes and stops by.
    func selectionAccuracy(W: Vector) throws -> Double {
        try domains.map { d in
            try accuracy(predicted: d.selection.predictions(W, workspace: workspace), truth: d.selection.labels)
        }.reduce(0, +) / Double(domains.count)
    }

    /// W*(x) by Nesterov's accelerated gradient descent with adaptive restart (momentum
    /// (√κ − 1)/(√κ + 1) with κ = L/θ, reset whenever the step and the gradient disagree),
    /// until ‖∇_W g‖ ≤ tolerance. L is twice the curvature measured at the start (never
    /// above the global bound): a margin for the curvature changing on the way.
    func solveLower(x: Vector, start: Vector? = nil, tolerance: Double = 1e-7) throws -> Vector {
        var y = start ?? Vector(repeating: 0, count: problem.lowerDimension), previous = y
        let mu = problem.ridge
        let L = min(problem.globalL, 2 * (try problem.measuredCurvature(x: x, y: y).value))
        let q = (1 - (mu / L).squareRoot()) / (1 + (mu / L).squareRoot())
        for k in 0..<200_000 {
            var z = y
            axpy(q, y - previous, &z)
            let g = problem.lowerGradientY(x: x, y: z)
            let size = norm(g)
            guard size.isFinite else { throw Diverged("solveLower", step: k, quantity: "‖∇_W g‖") }
            if size <= tolerance { return z }
            previous = y
            y = z
            axpy(-1 / L, g, &y)
            if dot(g, y - previous) > 0 { previous = y }  // restart: the momentum pointed uphill
            if k % 100 == 0 { progress("lower-level solve: step \(k), ‖∇_W g‖ = \(sci(size))") }
        }
        throw DidNotConverge("solveLower", "‖∇_W g‖ > \(tolerance) after 200 000 steps")
    }
}

/// After outer step k: what the chapter reads along a run.
struct Checkpoint {
    let k: Int
    /// Mean selection accuracy of the model after step k, and the mean cleaning AUC of σ(x_{k+1}).
    let selection: Double, auc: Double
    /// ‖x_{k+1} − x_k‖/√N: the root-mean-square change of a logit.
    let stepSize: Double
    /// FORUM only: q̃(ζ_k) and ν_k (nil for the others).
    let q: Double?, nu: Double?
    let counts: OracleCounts
    let peakVectors: Int
    let seconds: Double
    /// x_{k+1} and the model after step k (W_k; FORUM's y_{k+1}), kept only when asked.
    let x: Vector?, W: Vector?
}

/// One finished run.
struct MethodRun {
    let method: Method
    let setting: Setting
    let D: Int
    let x: Vector, W: Vector
    let counts: OracleCounts
    let peakVectors: Int
    let seconds: Double
    let trail: [Checkpoint]
    /// The run as it stood after its last step that fits in `budget` oracle calls.
    func within(_ budget: Int) -> Checkpoint? { trail.last { $0.counts.calls <= budget } }
}

/// FORUM's q̃ at or below which the constraint counts as met and flat (``FORUM/feasibilityTolerance``):
/// every run starts at W*(0), where q̃ is zero to rounding.
let feasibilityTolerance = 1e-12

/// Runs `method` at `setting` with D inner steps for K outer steps (or, given a budget of
/// oracle calls, until its next step would pass it), reading the selection accuracy, the
/// cleaning AUC and the size of x's step after every outer step.
func runMethod(
    _ method: Method, _ setting: Setting, D: Int, K: Int, in e: Experiment, budget: Int? = nil,
    keepPoints: Bool = false, label: String = ""
) throws -> MethodRun {
    let beta = setting.step * e.Ns
    let r1 = method.r1 ?? 0.5
    var settings = MethodSettings(
        outerSteps: budget == nil ? K : MethodSettings.untilStopped, innerSteps: D, alpha: e.alpha, beta: beta,
        preference: [r1, 1 - r1], cgSteps: 10, neumannTerms: 10)
    settings.forumUpperStep = beta
    settings.forumFeasibilityTolerance = feasibilityTolerance
    if method == .forum { settings.forumRho = setting.second ?? 0.5 }
    if method == .moco { settings.mocoGamma = setting.second ?? 0.1 }
    if let eta = setting.adam { settings.outerOptimizer = .adam(stepSize: eta) }
    var callBudget = budget.map { CallBudget(calls: $0) }
    var peak = 0
    var trail: [Checkpoint] = []
    let start = DispatchTime.now().uptimeNanoseconds
    let rootN = Double(e.x0.count).squareRoot()
    let observe: OuterObserver = { step in
        peak = max(peak, step.peakVectors)
        var next = step.x
        axpy(1, step.step, &next)
        // The model after the step: FORUM moves y in the step itself; the others' y is their inner loop's.
        var model = step.y
        if let yStep = step.constraint?.yStep { axpy(1, yStep, &model) }
        trail.append(
            Checkpoint(
                k: step.k, selection: try e.selectionAccuracy(W: model), auc: try e.meanAUC(x: next),
                stepSize: norm(step.step) / rootN, q: step.constraint?.qTilde, nu: step.constraint?.nu,
                counts: step.counts, peakVectors: peak,
                seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                x: keepPoints ? next : nil, W: keepPoints ? model : nil))
        progress(
            "\(label)\(method.name) D = \(D), \(setting.text): outer step \(step.k + 1)"
                + (budget == nil ? " of \(K)" : ""))
        return callBudget?.allowsAnother(after: step.counts) ?? true
    }
    let result = try method.course.run(e.problem, x0: e.x0, y0: e.W0, settings: settings, observe: observe)
    return MethodRun(
        method: method, setting: setting, D: D, x: result.x, W: result.y, counts: result.counts, peakVectors: peak,
        seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, trail: trail)
}

/// The stopping rule the chapter states: the number of outer steps after which the
/// selection accuracy of the method's model stays within `band` of its value at the end
/// of the run (K_max) — K_max when it never settles earlier.
func settledStep(_ run: MethodRun, band: Double) -> Int {
    guard let final = run.trail.last?.selection else { return 0 }
    var k = run.trail.count
    while k > 0, abs(run.trail[k - 1].selection - final) <= band { k -= 1 }
    return k + 1
}

/// The synthetic pair of domains for one seed (Section 1).
func syntheticDomains(seed: UInt64, trainSize n: Int, conflicted: Int) throws -> [CleaningDomain] {
    var rng = SeededGenerator(seed: seed)
    return try CleaningDomain.syntheticPair(
        sizes: .init(train: n, validation: 100, selection: 100, test: 1000), features: 24,
        classes: 10, conflicted: conflicted, separation: 1.5, corruption: 0.5, using: &rng)
}

/// MNIST and Fashion-MNIST as two domains for one seed: per domain `trainSize` training
/// samples (default 5000), a fifth of that (at least 100) for validation and for
/// selection, and up to `trainSize` test samples from what is left.
func realDomains(_ data: (mnist: ImageDataset, fashion: ImageDataset), seed: UInt64, trainSize: Int?) throws
    -> [CleaningDomain]
{
    var rng = SeededGenerator(seed: seed)
    let train = trainSize ?? 5000
    let heldOut = max(100, train / 5)
    return try [data.mnist, data.fashion].map { dataset in
        let pools = [dataset.train, dataset.test].compactMap { $0 }
        let available = pools.reduce(0) { $0 + $1.count }
        let test = min(train, available - train - 2 * heldOut)
        guard test >= 100 else {
            throw InvalidInput(
                "--train-size", "\(train)", "leaves fewer than 100 test images of the \(available) in \(dataset.name)")
        }
        let total = train + 2 * heldOut + test
        let chosen = rng.batch(of: total, from: available)
        let pixelsPerImage = dataset.test.pixelsPerImage
        var pixels = [UInt8](), labels = [UInt8]()
        pixels.reserveCapacity(total * pixelsPerImage)
        for index in chosen {
            var (images, i) = (pools[0], index)
            if i >= images.count {
                i -= images.count
                images = pools[1]
            }
            pixels += images.pixels[(i * pixelsPerImage)..<((i + 1) * pixelsPerImage)]
            labels.append(images.labels[i])
        }
        let samples = try SoftmaxDesign(
            pixels: pixels, count: total, pixelsPerImage: pixelsPerImage, labels: labels, classes: 10)
        return try CleaningDomain(
            name: dataset.name, samples: samples,
            sizes: .init(train: train, validation: heldOut, selection: heldOut, test: test),
            corruption: 0.5, using: &rng)
    }
}

/// A saved table read back from its datablock, printed with the columns of `template` (the
/// same table built from no rows); its text columns (saved as indices) read `labels`.
func reloadedTable(_ block: DataBlock, like template: Table, labels: [String]) -> Table {
    let columns = template.columns.map { column -> Table.Column in
        if case .label = column.format { return Table.Column(column.name, column.header, format: .label(labels)) }
        return column
    }
    var table = Table(template.name, columns)
    for record in block.records {
        table.append(columns.map { c in (c.name, record[c.name].flatMap { $0.isNaN ? nil : $0 }) })
    }
    return table
}

/// The closing comparison's rows for one seed (Chapter 10): the course's methods at the
/// chosen settings, each read at one budget of oracle calls (the fewest any of the five
/// table methods spent in K steps), measured with tight solves the methods never see:
/// W*(x) to ‖∇_W g‖ ≤ 1e-10, Φ_s = f_s(W*), the gap with AID (CG to a relative residual of
/// 1e-12) at the end point, and the same gap at `probes` steps of the run's second half for the
/// convergence rule (``Convergence/judge(gaps:stoppedByOwnRule:)``). `runs` are the five
/// table methods' runs of this seed, kept with their points.
func closingEntries(
    _ runs: [Method: MethodRun], chosen: [Method: Setting], D: Int, K: Int, seed: Int, in e: Experiment,
    problem course: CourseProblem, probes: Int
) throws -> [ComparisonEntry] {
    let methods: [Method] = [
        .wcmhgd(r1: 0.5), .wcmhgdNeumann(r1: 0.5), .forum, .moml, .moco, .mgda, .summed,
    ]
    let budget = Method.table.map { runs[$0]!.trail[K - 1].counts.calls }.min()!
    func gap(_ x: Vector, _ W: Vector) throws -> (gap: Double, values: Vector) {
        let exact = try e.solveLower(x: x, start: W, tolerance: 1e-10)
        let oracles = CountedOracles(e.problem)
        let gradients = try (0..<2).map { s in
            try aidHypergradient(
                oracles, objective: s, x: x, y: exact,
                solver: .conjugateGradient(.tolerance(relativeResidual: 1e-12, maxIterations: 5000))
            ).gradient
        }
        return (try stationarityGap(gradients: gradients), e.problem.upperValues(x: x, y: exact))
    }
    var entries: [ComparisonEntry] = []
    for method in methods where method.course.applies(to: course) {
        let setting = chosen[method] ?? chosen[method == .mgda ? .summed : .wcmhgd(r1: 0.5)]!
        let run =
            try runs[method]
            ?? runMethod(method, setting, D: D, K: K, in: e, budget: budget, keepPoints: true, label: "closing: ")
        let n = run.trail.lastIndex { $0.counts.calls <= budget }.map { $0 + 1 } ?? 0
        guard n >= 4 else { continue }
        progress("closing comparison, seed \(seed + 1): \(method.course.name)")
        var gaps = [Double](repeating: .nan, count: n)
        for i in Set((0..<probes).map { n / 2 + ($0 * (n - n / 2 - 1)) / max(1, probes - 1) }) {
            gaps[i] = try gap(run.trail[i].x!, run.trail[i].W!).gap
        }
        let end = try gap(run.trail[n - 1].x!, run.trail[n - 1].W!)
        gaps[n - 1] = end.gap
        let point = run.trail[n - 1]
        entries.append(
            ComparisonEntry(
                problem: course, method: method.course, preference: [0.5, 0.5], values: end.values, gap: end.gap,
                counts: point.counts, peakVectors: point.peakVectors, lowerDimension: e.problem.lowerDimension,
                seconds: point.seconds, seed: seed, convergence: try Convergence.judge(gaps: gaps)))
    }
    return entries
}

/// The names of the `facts` table, in the order the run saves them (the table stores each as
/// its index): the curvature, the stopping rule's steps and, on real data, the wall times
/// of the protocol (tuning and every method × D × seed) and of the whole run.
let factNames = ["bound_L", "measured_L", "power_products", "K_max", "band", "K"]
    + Method.table.map { "settled_\($0.index)" } + ["protocol_seconds", "seconds"]
