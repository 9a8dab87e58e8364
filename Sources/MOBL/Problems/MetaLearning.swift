import Foundation

/// Multi-objective meta-learning: few-shot regression over S = 5 task families
/// (``TaskFamily``) with a shared representation (upper level) and one ridge head per
/// task (lower level). Letters as in the course's notation page (Chapter 9).
///
/// **Features and representation.** Fixed seeded random Fourier features
/// ψ(a) ∈ Rᴹ, ψ_j(a) = √(2/(M−1)) cos(frequency_j · a + phase_j) for j < M − 1 (frequencies
/// ~ N(0, bandwidth²), phases uniform in [0, 2π)) and a constant last feature 1/√2. The upper
/// variable x = vec(X) holds X ∈ R^{M×p_head} row by row (x[j·p_head + k] = X_jk,
/// n = M·p_head); the representation of a is Xᵀψ(a) ∈ R^{p_head}. With Ψ_ξ the N^spt × M
/// features of task ξ's support inputs, Z_ξ = Ψ_ξ X is its N^spt × p_head design, and
/// Z^qry_ξ = Ψ^qry_ξ X that of its N^qry query inputs.
///
/// **The bilevel problem.** y = (y_1, …, y_T) stacks one head y_ξ ∈ R^{p_head} per
/// meta-training task (p = T·p_head), and
///
///     g(x, y)   = Σ_ξ [ (1/N^spt)‖Z_ξ y_ξ − t_ξ‖² + θ‖y_ξ‖² ]
///     f_s(x, y) = (1/T_s) Σ_{ξ ∈ family s} (1/N^qry)‖Z^qry_ξ y_ξ − t^qry_ξ‖²,
///
/// T_s = T/S the meta-training tasks of family s. g separates over the tasks, and
/// H_ξ = ∇²_{y_ξ y_ξ} g = (2/N^spt) Z_ξᵀZ_ξ + 2θI, so g is μ = 2θ strongly convex and
/// L = max_ξ 2(eig_max(Z_ξᵀZ_ξ)/N^spt + θ) smooth in y (computed exactly, per task, by
/// ``lowerCurvature(x:)``; ``lowerSpectrum(x:)`` gives the exact smallest eigenvalue too).
/// The head has the closed form y*_ξ = (Z_ξᵀZ_ξ/N^spt + θI)⁻¹ Z_ξᵀ t_ξ/N^spt
/// (``lowerSolution(x:)``, one p_head × p_head Cholesky per task). Oracles, with
/// r_ξ = Z_ξ y_ξ − t_ξ:
///
///     ∇_{y_ξ} g = (2/N^spt) Z_ξᵀ r_ξ + 2θ y_ξ          ∇_X g = Σ_ξ (2/N^spt) Ψ_ξᵀ r_ξ y_ξᵀ
///     H_ξ v_ξ = (2/N^spt) Z_ξᵀZ_ξ v_ξ + 2θ v_ξ
///     ∇²_{Xy} g · v = Σ_ξ (2/N^spt) [Ψ_ξᵀ r_ξ v_ξᵀ + Ψ_ξᵀ (Z_ξ v_ξ) y_ξᵀ]
///     ∇_{y_ξ} f_s = (2/(N^qry T_s)) Z^qryᵀ_ξ r^qry_ξ (ξ in family s, else 0)
///     ∇_X f_s = Σ_{ξ ∈ s} (2/(N^qry T_s)) Ψ^qryᵀ_ξ r^qry_ξ y_ξᵀ.
///
/// ``exactHypergradients(x:)`` applies the implicit function theorem with dense
/// per-task solves: ∇Φ_s = ∇_x f_s − ∇²_xy g · v, H_ξ v_ξ = ∇_{y_ξ} f_s at y*(x).
///
/// **Finite sum.** The tasks are the lower level's N = T samples in the course's mean
/// convention: g = (1/T) Σ_ξ g_ξ' with g_ξ' = T·g_ξ, so a batch oracle is
/// (T/|B|) Σ_{ξ∈B} of the per-task oracle (unbiased for uniform batches, and exactly
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
        /// p_head, the width of the representation (one head's dimension), ≥ 1.
        public var width: Int
        /// N^spt, support points (shots) per task, ≥ 1.
        public var shots: Int
        /// N^qry, query points per task, ≥ 1.
        public var queries: Int
        /// Meta-training tasks per family, ≥ 1.
        public var trainTasksPerFamily: Int
        /// Meta-test tasks per family, ≥ 1.
        public var testTasksPerFamily: Int
        /// θ > 0, the ridge coefficient of the heads (θ‖y_ξ‖²): it makes g 2θ-strongly convex.
        public var ridge: Double
        /// The standard deviation (≥ 0) of the Gaussian noise added to every target.
        public var noise: Double
        /// The standard deviation (> 0) of the random Fourier frequencies.
        public var bandwidth: Double

        public init(
            features: Int = 41, width: Int = 4, shots: Int = 10, queries: Int = 20, trainTasksPerFamily: Int = 8,
            testTasksPerFamily: Int = 40, ridge: Double = 0.05, noise: Double = 0.05, bandwidth: Double = 1.5
        ) {
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
            guard features >= 2 else {
                throw InvalidInput(
                    "features M", "\(features)", "must be ≥ 2 (at least one Fourier feature and the constant)")
            }
            guard width >= 1 else { throw InvalidInput("width w", "\(width)", "must be ≥ 1") }
            guard shots >= 1 else { throw InvalidInput("shots K", "\(shots)", "must be ≥ 1") }
            guard queries >= 1 else { throw InvalidInput("queries Q", "\(queries)", "must be ≥ 1") }
            guard trainTasksPerFamily >= 1 else {
                throw InvalidInput("meta-training tasks per family", "\(trainTasksPerFamily)", "must be ≥ 1")
            }
            guard testTasksPerFamily >= 1 else {
                throw InvalidInput("meta-test tasks per family", "\(testTasksPerFamily)", "must be ≥ 1")
            }
            guard ridge > 0, ridge.isFinite else {
                throw InvalidInput(
                    "ridge c", "\(ridge)", "must be > 0 and finite (it makes the lower level strongly convex)")
            }
            guard noise >= 0, noise.isFinite else {
                throw InvalidInput("noise σ", "\(noise)", "must be ≥ 0 and finite")
            }
            guard bandwidth > 0, bandwidth.isFinite else {
                throw InvalidInput("bandwidth σ", "\(bandwidth)", "must be > 0 and finite")
            }
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
                    return FewShotTask(
                        family: family, parameters: parameters, supportInputs: sa, supportTargets: st,
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

    func head(_ y: Vector, _ task: Int) -> Vector { Array(y[(task * settings.width)..<((task + 1) * settings.width)]) }

    /// Z y − t.
    static func residual(_ z: Matrix, _ y: Vector, _ t: Vector) -> Vector {
        var r = z.times(y)
        for i in r.indices { r[i] -= t[i] }
        return r
    }

    /// gradient += scale · Φᵀ u vᵀ (an M × w outer product, row-major).
    static func addOuter(_ scale: Double, _ phi: Matrix, _ u: Vector, _ v: Vector, into gradient: inout Vector) {
        let (m, w) = (phi.columns, v.count)
        var projected = Vector(repeating: 0, count: m)  // Φᵀ u
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
    func ridgeMatrix(_ z: Matrix) -> Matrix {
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
    func ridgeHead(_ z: Matrix, _ t: Vector) -> Vector {
        let chol = factor(ridgeMatrix(z))
        return chol.solve((1 / Double(z.rows)) * z.transposeTimes(t))
    }

    func factor(_ a: Matrix) -> Cholesky {
        do { return try Cholesky(a, name: "ZᵀZ/K + cI") } catch {
            preconditionFailure(
                "MetaLearning: \(error) (c > 0 makes it positive definite; the representation is not finite)")
        }
    }

    /// The tasks of a batch with the weight each task's oracle gets: all tasks with 1,
    /// or the batch's tasks with T/|B|.
    func weighted(_ batch: [Int]?) -> [(task: Int, weight: Double)] {
        guard let batch else { return trainTasks.indices.map { ($0, 1) } }
        let scale = Double(trainTasks.count) / Double(batch.count)
        return batch.map { ($0, scale) }
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
