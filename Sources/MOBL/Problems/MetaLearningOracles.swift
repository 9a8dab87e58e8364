import Foundation

/// The oracles of ``MetaLearning`` (the formulas are in its documentation): values,
/// gradients, Hessian- and mixed-vector products of g and f_s, their batch versions over
/// tasks, the closed-form solution and hypergradients, and the meta-test losses.
extension MetaLearning {

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

    /// The exact extreme eigenvalues of ∇²_yy g at x: the smallest and the largest of
    /// 2 eig(Z_ξᵀZ_ξ/N^spt + θI) over the tasks ξ (the Hessian is block diagonal, one
    /// p_head × p_head block per task). The smallest is ≥ 2θ, the μ that
    /// ``lowerCurvature(x:)`` reports, and equals it when some Z_ξ has a null space
    /// (p_head > N^spt, or dependent columns); the largest is that L. nil if an
    /// eigenvalue solve fails (a non-finite representation).
    public func lowerSpectrum(x: Vector) -> (smallest: Double, largest: Double)? {
        var (smallest, largest) = (Double.infinity, 0.0)
        for z in designs(x).support {
            guard let eigenvalues = try? symmetricEigenvalues(ridgeMatrix(z)) else { return nil }
            (smallest, largest) = (min(smallest, eigenvalues.first!), max(largest, eigenvalues.last!))
        }
        return (2 * smallest, 2 * largest)
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

    public func lowerHessianVector(x: Vector, y: Vector, _ v: Vector) -> Vector {
        lowerHessianVector(x: x, v: v, tasks: weighted(nil))
    }

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

    public func lowerMixedVector(x: Vector, y: Vector, _ v: Vector) -> Vector {
        lowerMixedVector(x: x, y: y, v: v, tasks: weighted(nil))
    }

    // MARK: - Batch oracles (tasks as samples)

    /// (T/|B|) Σ_{τ∈B} g_τ.
    public func lowerValue(x: Vector, y: Vector, batch: [Int]) -> Double {
        lowerValue(x: x, y: y, tasks: weighted(batch))
    }
    /// (T/|B|) Σ_{τ∈B} ∇_y g_τ (zero outside the batch's heads).
    public func lowerGradientY(x: Vector, y: Vector, batch: [Int]) -> Vector {
        lowerGradientY(x: x, y: y, tasks: weighted(batch))
    }
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
