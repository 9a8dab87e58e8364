import Foundation

/// The five task families of ``MetaLearning``: few-shot regression tasks on inputs
/// a ∈ [−5, 5] whose shapes conflict, so that a narrow shared representation has to
/// trade them off. Each family is a distribution over tasks; a task is one function
/// t(a) with parameters drawn uniformly from the family's ranges:
///
/// - ``slowSine``: A sin(ωa + φ), A ∈ [0.5, 1.5], ω ∈ [0.4, 0.8], φ ∈ [0, 2π);
/// - ``fastSine``: A sin(ωa + φ), A ∈ [0.5, 1.5], ω ∈ [1.6, 2.4], φ ∈ [0, 2π);
/// - ``line``: m·a/5 + b, m ∈ [−1.5, 1.5], b ∈ [−1, 1];
/// - ``kink``: A(|a − a₀| − 1)/2, A ∈ [−1.5, 1.5], a₀ ∈ [−3, 3];
/// - ``step``: A tanh(k(a − a₀)), A ∈ [−1.5, 1.5], k ∈ [1, 4], a₀ ∈ [−3, 3].
public enum TaskFamily: Int, CaseIterable, Sendable {
    case slowSine, fastSine, line, kink, step

    /// The name printed in tables.
    public var name: String {
        switch self {
        case .slowSine: return "slow sine"
        case .fastSine: return "fast sine"
        case .line: return "line"
        case .kink: return "kink |a−a₀|"
        case .step: return "step tanh"
        }
    }

    /// Draws one task's parameters (the order of ``value(_:parameters:)``).
    public func drawParameters(using rng: inout SeededGenerator) -> Vector {
        switch self {
        case .slowSine: return [rng.uniform(0.5, 1.5), rng.uniform(0.4, 0.8), rng.uniform(0, 2 * Double.pi)]
        case .fastSine: return [rng.uniform(0.5, 1.5), rng.uniform(1.6, 2.4), rng.uniform(0, 2 * Double.pi)]
        case .line: return [rng.uniform(-1.5, 1.5), rng.uniform(-1, 1)]
        case .kink: return [rng.uniform(-1.5, 1.5), rng.uniform(-3, 3)]
        case .step: return [rng.uniform(-1.5, 1.5), rng.uniform(1, 4), rng.uniform(-3, 3)]
        }
    }

    /// The task's function t(a) for parameters drawn by ``drawParameters(using:)``.
    public func value(_ a: Double, parameters p: Vector) -> Double {
        switch self {
        case .slowSine, .fastSine: return p[0] * sin(p[1] * a + p[2])
        case .line: return p[0] * a / 5 + p[1]
        case .kink: return p[0] * (abs(a - p[1]) - 1) / 2
        case .step: return p[0] * tanh(p[1] * (a - p[2]))
        }
    }
}

/// One few-shot regression task: K support shots (the lower level fits the task's head
/// on them) and Q query points (the upper level scores the head on them).
public struct FewShotTask: Sendable {
    /// The family the task was drawn from.
    public let family: TaskFamily
    /// The drawn parameters of the task's function (see ``TaskFamily``).
    public let parameters: Vector
    /// The K support inputs a and targets t.
    public let supportInputs: Vector, supportTargets: Vector
    /// The Q query inputs and targets.
    public let queryInputs: Vector, queryTargets: Vector
}

/// Multi-objective meta-learning: few-shot regression over S = 5 task families
/// (``TaskFamily``) with a shared representation (upper level) and one ridge head per
/// task (lower level).
///
/// **Features and representation.** Fixed seeded random Fourier features
/// φ(a) ∈ Rᴹ, φ_j(a) = √(2/(M−1)) cos(ω_j a + b_j) for j < M − 1 (ω_j ~ N(0, σ²),
/// b_j uniform in [0, 2π)) and a constant last feature 1/√2. The upper variable
/// x = vec(X) holds X ∈ R^{M×w} row by row (x[j·w + k] = X_jk, n = M·w); the
/// representation of a is h(a) = Xᵀφ(a) ∈ Rʷ. With Φ_τ the K × M features of task τ's
/// support inputs, Z_τ = Φ_τ X is its K × w design, and Z^q_τ = Φ^q_τ X that of its
/// query inputs.
///
/// **The bilevel problem.** y = (y_1, …, y_T) stacks one head y_τ ∈ Rʷ per meta-training
/// task (p = T·w), and
///
///     g(x, y)   = Σ_τ [ (1/K)‖Z_τ y_τ − t_τ‖² + c‖y_τ‖² ]
///     f_s(x, y) = (1/T_s) Σ_{τ ∈ family s} (1/Q)‖Z^q_τ y_τ − t^q_τ‖²,
///
/// T_s the meta-training tasks of family s. g separates over the tasks, and
/// ∇²_{y_τ y_τ} g = (2/K) Z_τᵀZ_τ + 2cI, so g is μ = 2c strongly convex and
/// L = max_τ 2(λ_max(Z_τᵀZ_τ)/K + c) smooth in y (computed exactly, per task, by
/// ``lowerCurvature(x:)``). The head has the closed form
/// y*_τ = (Z_τᵀZ_τ/K + cI)⁻¹ Z_τᵀ t_τ/K (``lowerSolution(x:)``, one w × w Cholesky per
/// task). Oracles, with r_τ = Z_τ y_τ − t_τ:
///
///     ∇_{y_τ} g = (2/K) Z_τᵀ r_τ + 2c y_τ          ∇_X g = Σ_τ (2/K) Φ_τᵀ r_τ y_τᵀ
///     ∇²_{y_τ y_τ} g · v_τ = (2/K) Z_τᵀZ_τ v_τ + 2c v_τ
///     ∇²_{Xy} g · v = Σ_τ (2/K) [Φ_τᵀ r_τ v_τᵀ + Φ_τᵀ (Z_τ v_τ) y_τᵀ]
///     ∇_{y_τ} f_s = (2/(Q T_s)) Z^qᵀ r^q_τ (τ in family s, else 0)
///     ∇_X f_s = Σ_{τ ∈ s} (2/(Q T_s)) Φ^qᵀ_τ r^q_τ y_τᵀ.
///
/// ``exactHypergradients(x:)`` applies the implicit function theorem with dense
/// per-task solves: ∇Φ_s = ∇_x f_s − ∇²_xy g · v, H_τ v_τ = ∇_{y_τ} f_s at y*(x).
///
/// **Finite sum.** The tasks are the lower level's N = T samples in the course's mean
/// convention: g = (1/T) Σ_τ g_τ' with g_τ' = T·g_τ, so a batch oracle is
/// (T/|B|) Σ_{τ∈B} of the per-task oracle (unbiased for uniform batches, and exactly
/// the full oracle for the batch of all tasks, up to rounding). The upper level has no
/// samples.
///
/// **Meta-test.** The meta-test tasks are separate seeded draws, never seen by the
/// bilevel problem. ``metaTestLosses(x:)`` fits each meta-test task's head on its
/// support set by the same ridge (closed form) with the representation x and reports
/// the mean query loss per family.
public struct MetaLearning: BilevelProblemWithSolution, FiniteSumBilevelProblem {
    /// The sizes and constants of an instance.
    public struct Settings: Sendable, Equatable {
        /// M, the number of features (M − 1 random Fourier features and a constant), ≥ 2.
        public var features: Int
        /// w, the width of the representation, ≥ 1.
        public var width: Int
        /// K, support shots per task, ≥ 1.
        public var shots: Int
        /// Q, query points per task, ≥ 1.
        public var queries: Int
        /// Meta-training tasks per family, ≥ 1.
        public var trainTasksPerFamily: Int
        /// Meta-test tasks per family, ≥ 1.
        public var testTasksPerFamily: Int
        /// c > 0, the ridge weight of the heads.
        public var ridge: Double
        /// σ ≥ 0 of the Gaussian noise added to every target.
        public var noise: Double
        /// σ > 0, the standard deviation of the random Fourier frequencies ω_j.
        public var bandwidth: Double

        public init(features: Int = 41, width: Int = 4, shots: Int = 10, queries: Int = 20, trainTasksPerFamily: Int = 8,
                    testTasksPerFamily: Int = 40, ridge: Double = 0.05, noise: Double = 0.05, bandwidth: Double = 1.5) {
            self.features = features
            self.width = width
            self.shots = shots
            self.queries = queries
            self.trainTasksPerFamily = trainTasksPerFamily
            self.testTasksPerFamily = testTasksPerFamily
            self.ridge = ridge
            self.noise = noise
            self.bandwidth = bandwidth
        }

        /// - Throws: ``InvalidInput`` naming the first value that breaks its rule.
        public func validate() throws {
            guard features >= 2 else { throw InvalidInput("features M", "\(features)", "must be ≥ 2 (at least one Fourier feature and the constant)") }
            guard width >= 1 else { throw InvalidInput("width w", "\(width)", "must be ≥ 1") }
            guard shots >= 1 else { throw InvalidInput("shots K", "\(shots)", "must be ≥ 1") }
            guard queries >= 1 else { throw InvalidInput("queries Q", "\(queries)", "must be ≥ 1") }
            guard trainTasksPerFamily >= 1 else {
                throw InvalidInput("meta-training tasks per family", "\(trainTasksPerFamily)", "must be ≥ 1")
            }
            guard testTasksPerFamily >= 1 else { throw InvalidInput("meta-test tasks per family", "\(testTasksPerFamily)", "must be ≥ 1") }
            guard ridge > 0, ridge.isFinite else { throw InvalidInput("ridge c", "\(ridge)", "must be > 0 and finite (it makes the lower level strongly convex)") }
            guard noise >= 0, noise.isFinite else { throw InvalidInput("noise σ", "\(noise)", "must be ≥ 0 and finite") }
            guard bandwidth > 0, bandwidth.isFinite else { throw InvalidInput("bandwidth σ", "\(bandwidth)", "must be > 0 and finite") }
        }
    }

    public let settings: Settings
    /// The random Fourier frequencies ω_j and phases b_j (M − 1 each).
    public let frequencies: Vector, phases: Vector
    /// The meta-training tasks, family by family (T_s = trainTasksPerFamily each).
    public let trainTasks: [FewShotTask]
    /// The meta-test tasks, family by family.
    public let testTasks: [FewShotTask]
    /// Φ_τ (K × M) and Φ^q_τ (Q × M) of every meta-training task.
    let supportFeatures: [Matrix], queryFeatures: [Matrix]
    /// The same for every meta-test task (drawn once: a meta-test evaluation is then
    /// designs and w × w solves only).
    let testSupportFeatures: [Matrix], testQueryFeatures: [Matrix]
    /// The meta-training task indices of each family.
    public let tasksOfFamily: [[Int]]
    /// The designs Z_τ and Z^q_τ of the last x seen (see ``DesignCache``).
    let cache = DesignCache()

    public var upperDimension: Int { settings.features * settings.width }
    public var lowerDimension: Int { trainTasks.count * settings.width }
    public var objectiveCount: Int { TaskFamily.allCases.count }
    public var sampleCount: Int { trainTasks.count }

    /// Draws an instance: the features first, then the meta-training tasks (family by
    /// family), then the meta-test tasks, every input uniform in [−5, 5].
    ///
    /// - Throws: ``InvalidInput`` for settings that break a rule (see ``Settings/validate()``).
    public init(settings: Settings, using rng: inout SeededGenerator) throws {
        try settings.validate()
        self.settings = settings
        let m = settings.features - 1
        frequencies = (0..<m).map { _ in settings.bandwidth * rng.gaussian() }
        phases = (0..<m).map { _ in rng.uniform(0, 2 * Double.pi) }
        func draw(_ perFamily: Int) -> [FewShotTask] {
            TaskFamily.allCases.flatMap { family in
                (0..<perFamily).map { _ in
                    let parameters = family.drawParameters(using: &rng)
                    func points(_ count: Int) -> (Vector, Vector) {
                        let a = (0..<count).map { _ in rng.uniform(-5, 5) }
                        return (a, a.map { family.value($0, parameters: parameters) + settings.noise * rng.gaussian() })
                    }
                    let (sa, st) = points(settings.shots), (qa, qt) = points(settings.queries)
                    return FewShotTask(family: family, parameters: parameters, supportInputs: sa, supportTargets: st,
                                       queryInputs: qa, queryTargets: qt)
                }
            }
        }
        let train = draw(settings.trainTasksPerFamily)
        trainTasks = train
        let test = draw(settings.testTasksPerFamily)
        testTasks = test
        let (omega, b) = (frequencies, phases)
        let features = { (a: Vector) in MetaLearning.featureMatrix(a, frequencies: omega, phases: b) }
        supportFeatures = train.map { features($0.supportInputs) }
        queryFeatures = train.map { features($0.queryInputs) }
        testSupportFeatures = test.map { features($0.supportInputs) }
        testQueryFeatures = test.map { features($0.queryInputs) }
        tasksOfFamily = TaskFamily.allCases.map { family in train.indices.filter { train[$0].family == family } }
    }

    static func featureMatrix(_ inputs: Vector, frequencies: Vector, phases: Vector) -> Matrix {
        let m = frequencies.count
        var result = Matrix(rows: inputs.count, columns: m + 1)
        let scale = (2 / Double(m)).squareRoot()
        for (i, a) in inputs.enumerated() {
            for j in 0..<m { result.storage[i * (m + 1) + j] = scale * cos(frequencies[j] * a + phases[j]) }
            result.storage[i * (m + 1) + m] = 0.5.squareRoot()
        }
        return result
    }

    /// φ(a) ∈ Rᴹ.
    public func features(_ a: Double) -> Vector {
        Self.featureMatrix([a], frequencies: frequencies, phases: phases).storage
    }

    /// The representation h(a) = Xᵀφ(a) ∈ Rʷ.
    public func representation(x: Vector, _ a: Double) -> Vector {
        Self.design(Self.featureMatrix([a], frequencies: frequencies, phases: phases), x, width: settings.width).storage
    }

    // MARK: - Per-task pieces

    /// Z_τ = Φ_τ X and Z^q_τ = Φ^q_τ X of every meta-training task at x: computed once
    /// per x and reused while the oracles are called at the same x (a CG solve's
    /// products, the mixed product after it). The same arithmetic either way, so no
    /// result depends on the cache.
    func designs(_ x: Vector) -> (support: [Matrix], query: [Matrix]) {
        cache.lock.lock()
        defer { cache.lock.unlock() }
        if cache.x != x {
            cache.support = supportFeatures.map { Self.design($0, x, width: settings.width) }
            cache.query = queryFeatures.map { Self.design($0, x, width: settings.width) }
            cache.x = x
        }
        return (cache.support, cache.query)
    }

    /// Z = Φ X for Φ of size r × M and X = x (M × w, row-major).
    static func design(_ phi: Matrix, _ x: Vector, width w: Int) -> Matrix {
        let (rows, m) = (phi.rows, phi.columns)
        var z = Matrix(rows: rows, columns: w)
        for i in 0..<rows {
            for j in 0..<m {
                let a = phi.storage[i * m + j]
                for k in 0..<w { z.storage[i * w + k] += a * x[j * w + k] }
            }
        }
        return z
    }

    private func head(_ y: Vector, _ task: Int) -> Vector { Array(y[(task * settings.width)..<((task + 1) * settings.width)]) }

    /// Z y − t.
    private static func residual(_ z: Matrix, _ y: Vector, _ t: Vector) -> Vector {
        var r = z.times(y)
        for i in r.indices { r[i] -= t[i] }
        return r
    }

    /// gradient += scale · Φᵀ u vᵀ (an M × w outer product, row-major).
    private static func addOuter(_ scale: Double, _ phi: Matrix, _ u: Vector, _ v: Vector, into gradient: inout Vector) {
        let (m, w) = (phi.columns, v.count)
        var projected = Vector(repeating: 0, count: m)        // Φᵀ u
        for i in 0..<phi.rows where u[i] != 0 {
            let ui = u[i]
            for j in 0..<m { projected[j] += phi.storage[i * m + j] * ui }
        }
        for j in 0..<m {
            let a = scale * projected[j]
            for k in 0..<w { gradient[j * w + k] += a * v[k] }
        }
    }

    /// The per-task ridge matrix Z_τᵀZ_τ/K + cI (half the task's Hessian block).
    private func ridgeMatrix(_ z: Matrix) -> Matrix {
        let w = settings.width
        var a = Matrix(rows: w, columns: w)
        let k = Double(z.rows)
        for i in 0..<z.rows {
            for p in 0..<w {
                let zp = z.storage[i * w + p] / k
                for q in 0..<w { a.storage[p * w + q] += zp * z.storage[i * w + q] }
            }
        }
        for p in 0..<w { a[p, p] += settings.ridge }
        return a
    }

    /// The closed-form ridge head argmin_y (1/K)‖Z y − t‖² + c‖y‖² = (ZᵀZ/K + cI)⁻¹ Zᵀt/K.
    private func ridgeHead(_ z: Matrix, _ t: Vector) -> Vector {
        let chol = factor(ridgeMatrix(z))
        return chol.solve((1 / Double(z.rows)) * z.transposeTimes(t))
    }

    private func factor(_ a: Matrix) -> Cholesky {
        do { return try Cholesky(a, name: "ZᵀZ/K + cI") } catch {
            preconditionFailure("MetaLearning: \(error) (c > 0 makes it positive definite; the representation is not finite)")
        }
    }

    /// The tasks of a batch with the weight each task's oracle gets: all tasks with 1,
    /// or the batch's tasks with T/|B|.
    private func weighted(_ batch: [Int]?) -> [(task: Int, weight: Double)] {
        guard let batch else { return trainTasks.indices.map { ($0, 1) } }
        let scale = Double(trainTasks.count) / Double(batch.count)
        return batch.map { ($0, scale) }
    }

    // MARK: - Oracles

    /// μ = 2c and L = max_τ 2(λ_max(Z_τᵀZ_τ)/K + c), both exact at x (the w × w
    /// eigenvalues per task by ``symmetricEigenvalues(_:)``).
    public func lowerCurvature(x: Vector) -> (mu: Double, L: Double)? {
        var largest = 0.0
        let support = designs(x).support
        for tau in trainTasks.indices {
            let a = ridgeMatrix(support[tau])
            let top: Double? = (try? symmetricEigenvalues(a))?.last
            // The trace bounds λ_max of a positive semidefinite matrix if the eigenvalues fail.
            largest = max(largest, top ?? (0..<settings.width).reduce(0) { $0 + a[$1, $1] })
        }
        return (2 * settings.ridge, 2 * largest)
    }

    public func upperValues(x: Vector, y: Vector) -> Vector {
        let query = designs(x).query
        return tasksOfFamily.map { tasks in
            var total = 0.0
            for tau in tasks {
                let r = Self.residual(query[tau], head(y, tau), trainTasks[tau].queryTargets)
                total += normSquared(r) / Double(r.count)
            }
            return total / Double(tasks.count)
        }
    }

    private func lowerValue(x: Vector, y: Vector, tasks: [(task: Int, weight: Double)]) -> Double {
        var total = 0.0
        let support = designs(x).support
        for (tau, weight) in tasks {
            let yt = head(y, tau)
            let r = Self.residual(support[tau], yt, trainTasks[tau].supportTargets)
            total += weight * (normSquared(r) / Double(r.count) + settings.ridge * normSquared(yt))
        }
        return total
    }

    public func lowerValue(x: Vector, y: Vector) -> Double { lowerValue(x: x, y: y, tasks: weighted(nil)) }

    public func upperGradientX(_ s: Int, x: Vector, y: Vector) -> Vector {
        var gradient = Vector(repeating: 0, count: upperDimension)
        let tasks = tasksOfFamily[s], query = designs(x).query
        for tau in tasks {
            let yt = head(y, tau)
            let r = Self.residual(query[tau], yt, trainTasks[tau].queryTargets)
            Self.addOuter(2 / (Double(r.count) * Double(tasks.count)), queryFeatures[tau], r, yt, into: &gradient)
        }
        return gradient
    }

    public func upperGradientY(_ s: Int, x: Vector, y: Vector) -> Vector {
        let w = settings.width
        var gradient = Vector(repeating: 0, count: lowerDimension)
        let tasks = tasksOfFamily[s], query = designs(x).query
        for tau in tasks {
            let z = query[tau]
            let r = Self.residual(z, head(y, tau), trainTasks[tau].queryTargets)
            let g = z.transposeTimes(r)
            let scale = 2 / (Double(r.count) * Double(tasks.count))
            for k in 0..<w { gradient[tau * w + k] = scale * g[k] }
        }
        return gradient
    }

    public func lowerGradientX(x: Vector, y: Vector) -> Vector {
        var gradient = Vector(repeating: 0, count: upperDimension)
        let support = designs(x).support
        for tau in trainTasks.indices {
            let yt = head(y, tau)
            let r = Self.residual(support[tau], yt, trainTasks[tau].supportTargets)
            Self.addOuter(2 / Double(r.count), supportFeatures[tau], r, yt, into: &gradient)
        }
        return gradient
    }

    private func lowerGradientY(x: Vector, y: Vector, tasks: [(task: Int, weight: Double)]) -> Vector {
        let w = settings.width
        var gradient = Vector(repeating: 0, count: lowerDimension)
        let support = designs(x).support
        for (tau, weight) in tasks {
            let z = support[tau]
            let yt = head(y, tau)
            let g = z.transposeTimes(Self.residual(z, yt, trainTasks[tau].supportTargets))
            let k = Double(z.rows)
            for j in 0..<w { gradient[tau * w + j] = weight * (2 / k * g[j] + 2 * settings.ridge * yt[j]) }
        }
        return gradient
    }

    public func lowerGradientY(x: Vector, y: Vector) -> Vector { lowerGradientY(x: x, y: y, tasks: weighted(nil)) }

    private func lowerHessianVector(x: Vector, v: Vector, tasks: [(task: Int, weight: Double)]) -> Vector {
        let w = settings.width
        var product = Vector(repeating: 0, count: lowerDimension)
        let support = designs(x).support
        for (tau, weight) in tasks {
            let z = support[tau]
            let vt = head(v, tau)
            let h = z.transposeTimes(z.times(vt))
            let k = Double(z.rows)
            for j in 0..<w { product[tau * w + j] = weight * (2 / k * h[j] + 2 * settings.ridge * vt[j]) }
        }
        return product
    }

    public func lowerHessianVector(x: Vector, y: Vector, _ v: Vector) -> Vector { lowerHessianVector(x: x, v: v, tasks: weighted(nil)) }

    private func lowerMixedVector(x: Vector, y: Vector, v: Vector, tasks: [(task: Int, weight: Double)]) -> Vector {
        var product = Vector(repeating: 0, count: upperDimension)
        let support = designs(x).support
        for (tau, weight) in tasks {
            let z = support[tau]
            let (yt, vt) = (head(y, tau), head(v, tau))
            let r = Self.residual(z, yt, trainTasks[tau].supportTargets)
            let scale = weight * 2 / Double(z.rows)
            Self.addOuter(scale, supportFeatures[tau], r, vt, into: &product)
            Self.addOuter(scale, supportFeatures[tau], z.times(vt), yt, into: &product)
        }
        return product
    }

    public func lowerMixedVector(x: Vector, y: Vector, _ v: Vector) -> Vector { lowerMixedVector(x: x, y: y, v: v, tasks: weighted(nil)) }

    // MARK: - Batch oracles (tasks as samples)

    /// (T/|B|) Σ_{τ∈B} g_τ.
    public func lowerValue(x: Vector, y: Vector, batch: [Int]) -> Double { lowerValue(x: x, y: y, tasks: weighted(batch)) }
    /// (T/|B|) Σ_{τ∈B} ∇_y g_τ (zero outside the batch's heads).
    public func lowerGradientY(x: Vector, y: Vector, batch: [Int]) -> Vector { lowerGradientY(x: x, y: y, tasks: weighted(batch)) }
    /// (T/|B|) Σ_{τ∈B} ∇²_yy g_τ · v.
    public func lowerHessianVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) -> Vector {
        lowerHessianVector(x: x, v: v, tasks: weighted(batch))
    }
    /// (T/|B|) Σ_{τ∈B} ∇²_xy g_τ · v.
    public func lowerMixedVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) -> Vector {
        lowerMixedVector(x: x, y: y, v: v, tasks: weighted(batch))
    }

    // MARK: - Exact answers

    /// y*(x): every head by its closed form, one w × w Cholesky per task.
    public func lowerSolution(x: Vector) -> Vector {
        let support = designs(x).support
        return trainTasks.indices.flatMap { tau in
            ridgeHead(support[tau], trainTasks[tau].supportTargets)
        }
    }

    /// ∇Φ_s(x) by the implicit function theorem at y*(x): v_τ = H_τ⁻¹ ∇_{y_τ} f_s by a
    /// dense per-task solve (H_τ = 2(Z_τᵀZ_τ/K + cI)), then ∇_x f_s − ∇²_xy g · v.
    public func exactHypergradients(x: Vector) -> [Vector] {
        let w = settings.width
        let y = lowerSolution(x: x)
        let factors = designs(x).support.map { factor(ridgeMatrix($0)) }
        return (0..<objectiveCount).map { s in
            let fy = upperGradientY(s, x: x, y: y)
            var v = Vector(repeating: 0, count: lowerDimension)
            for tau in tasksOfFamily[s] {
                let solved = factors[tau].solve(head(fy, tau))
                for k in 0..<w { v[tau * w + k] = 0.5 * solved[k] }
            }
            var gradient = upperGradientX(s, x: x, y: y)
            axpy(-1, lowerMixedVector(x: x, y: y, v), &gradient)
            return gradient
        }
    }

    // MARK: - Meta-test

    /// Per family, the mean over its meta-test tasks of the query loss (1/Q)‖Z^q y − t^q‖²
    /// of the head fitted on the task's support set by the closed-form ridge with
    /// representation x (the same c as the lower level).
    public func metaTestLosses(x: Vector) -> Vector {
        taskLosses(x: x, tasks: testTasks, support: testSupportFeatures, query: testQueryFeatures)
    }

    /// The same measure on the meta-training tasks: equal to Φ_s(x) (to rounding).
    public func metaTrainLosses(x: Vector) -> Vector {
        taskLosses(x: x, tasks: trainTasks, support: supportFeatures, query: queryFeatures)
    }

    private func taskLosses(x: Vector, tasks: [FewShotTask], support: [Matrix], query: [Matrix]) -> Vector {
        var totals = Vector(repeating: 0, count: objectiveCount), counts = Vector(repeating: 0, count: objectiveCount)
        for (k, task) in tasks.enumerated() {
            let yt = ridgeHead(Self.design(support[k], x, width: settings.width), task.supportTargets)
            let r = Self.residual(Self.design(query[k], x, width: settings.width), yt, task.queryTargets)
            totals[task.family.rawValue] += normSquared(r) / Double(r.count)
            counts[task.family.rawValue] += 1
        }
        return (0..<objectiveCount).map { totals[$0] / counts[$0] }
    }
}

/// The designs of the last x a ``MetaLearning`` problem saw (behind a lock, so one
/// problem may be used from several threads).
final class DesignCache: @unchecked Sendable {
    let lock = NSLock()
    var x: Vector = []
    var support: [Matrix] = []
    var query: [Matrix] = []
}
