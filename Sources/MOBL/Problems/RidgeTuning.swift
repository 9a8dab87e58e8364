import Foundation

/// Hyperparameter tuning of ridge regression — the classic bilevel problem.
///
///     lower:  w*(θ) = argmin_w  ½‖X w − t‖² + ½ Σⱼ λⱼ(θ) wⱼ²
///     upper:  F(θ)  = ½‖X_v w*(θ) − t_v‖²            (validation loss)
///
/// with `λⱼ = e^θ` for one shared log-penalty θ ∈ R (n = 1), or `λⱼ = e^{θⱼ}` per
/// feature (n = d). Here x = θ and y = w. Working with θ = log λ keeps λ positive and
/// makes the landscape readable on a log axis.
///
/// Oracles: ∇_w g = Xᵀ(Xw − t) + λ⊙w; ∇²_ww g = XᵀX + diag(λ);
/// ∂²g/∂θⱼ∂w = λⱼ wⱼ eⱼ (per feature) or λ⊙w (shared θ).
/// Closed form: `dF/dθ = −diag(λ⊙w*)(XᵀX + diag λ)⁻¹ X_vᵀ(X_v w* − t_v)`, summed over
/// j for the shared θ.
///
/// The lower level is a finite sum over the N training rows in the course's mean
/// convention (``FiniteSumBilevelProblem``):
///
///     g = Σᵢ ℓᵢ + ½ Σⱼ λⱼwⱼ² = (1/N) Σᵢ gᵢ,   gᵢ(θ, w) = N ℓᵢ(w) + ½ Σⱼ λⱼwⱼ²,   ℓᵢ = ½(xᵢᵀw − tᵢ)²,
///
/// so the full oracles are unchanged and a batch oracle is the mean of the gᵢ over
/// the batch: the data term is scaled by N/|B|, the penalty enters whole. The mixed
/// product is the same for every gᵢ (only the penalty depends on θ), so its batch mean
/// is the full product. The upper level (the validation loss) has no samples.
public struct RidgeTuning: BilevelProblemWithSolution, FiniteSumBilevelProblem {
    public let X: Matrix, t: Vector
    public let validationX: Matrix, validationT: Vector
    public let perFeature: Bool
    private let gram: Matrix  // XᵀX, precomputed: one d×d product per Hessian-vector product
    private let gramEigenvalues: (low: Double, high: Double)

    public var upperDimension: Int { perFeature ? X.columns : 1 }
    public var lowerDimension: Int { X.columns }
    public var objectiveCount: Int { 1 }
    public var sampleCount: Int { X.rows }

    /// - Throws: ``InvalidInput`` for sizes that do not match or non-finite data.
    public init(X: Matrix, t: Vector, validationX: Matrix, validationT: Vector, perFeature: Bool = false) throws {
        guard X.rows == t.count, validationX.rows == validationT.count, X.columns == validationX.columns, X.rows >= 1
        else {
            throw InvalidInput(
                "ridge data",
                "X \(X.rows)×\(X.columns), t \(t.count), X_v \(validationX.rows)×\(validationX.columns), t_v \(validationT.count)",
                "need as many targets as rows and the same features in both sets")
        }
        guard (X.storage + t + validationX.storage + validationT).allSatisfy(\.isFinite) else {
            throw InvalidInput("ridge data", "non-finite entries", "every number must be finite")
        }
        (self.X, self.t, self.validationX, self.validationT, self.perFeature) = (
            X, t, validationX, validationT, perFeature
        )
        gram = X.transposed.times(X)
        let eigenvalues = try symmetricEigenvalues(gram)
        gramEigenvalues = (max(eigenvalues.first!, 0), eigenvalues.last!)
    }

    /// A seeded synthetic regression task: Gaussian features, a Gaussian true weight
    /// vector, targets with Gaussian noise of size `noise`.
    public static func synthetic(
        samples: Int, validation: Int, features: Int, noise: Double, perFeature: Bool = false,
        using rng: inout SeededGenerator
    ) throws -> RidgeTuning {
        guard samples >= 1, validation >= 1, features >= 1, noise >= 0 else {
            throw InvalidInput(
                "ridge sizes", "\(samples), \(validation), \(features), noise \(noise)",
                "need ≥ 1 samples and features, noise ≥ 0")
        }
        let truth = rng.gaussianVector(features)
        func data(_ m: Int) -> (Matrix, Vector) {
            let x = rng.gaussianMatrix(rows: m, columns: features)
            let y = x.times(truth).map { $0 + noise * rng.gaussian() }
            return (x, y)
        }
        let (x, y) = data(samples), (xv, yv) = data(validation)
        return try RidgeTuning(X: x, t: y, validationX: xv, validationT: yv, perFeature: perFeature)
    }

    /// λ(θ): the penalty on each weight.
    public func penalties(_ theta: Vector) -> Vector {
        perFeature ? theta.map { exp($0) } : Vector(repeating: exp(theta[0]), count: X.columns)
    }

    public func lowerCurvature(x: Vector) -> (mu: Double, L: Double)? { curvature(x: x) }

    /// μ and L of the lower level at θ: the extreme eigenvalues of XᵀX + diag(λ) are
    /// bracketed by those of XᵀX plus the extreme λⱼ.
    public func curvature(x theta: Vector) -> (mu: Double, L: Double) {
        let lambda = penalties(theta)
        return (gramEigenvalues.low + lambda.min()!, gramEigenvalues.high + lambda.max()!)
    }

    private func residual(_ m: Matrix, _ w: Vector, _ target: Vector) -> Vector { m.times(w) - target }

    public func upperValues(x: Vector, y: Vector) -> Vector {
        [0.5 * normSquared(residual(validationX, y, validationT))]
    }
    public func lowerValue(x: Vector, y: Vector) -> Double {
        let lambda = penalties(x)
        return 0.5 * normSquared(residual(X, y, t)) + 0.5 * zip(lambda, y).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
    }
    public func upperGradientX(_ s: Int, x: Vector, y: Vector) -> Vector { Vector(repeating: 0, count: upperDimension) }
    public func upperGradientY(_ s: Int, x: Vector, y: Vector) -> Vector {
        validationX.transposeTimes(residual(validationX, y, validationT))
    }
    public func lowerGradientX(x: Vector, y: Vector) -> Vector {
        let lambda = penalties(x)
        let terms = (0..<y.count).map { (i: Int) -> Double in 0.5 * lambda[i] * y[i] * y[i] }
        return perFeature ? terms : [terms.reduce(0, +)]
    }
    public func lowerGradientY(x: Vector, y: Vector) -> Vector {
        var g = X.transposeTimes(residual(X, y, t))
        axpy(1, hadamard(penalties(x), y), &g)
        return g
    }
    public func lowerHessianVector(x: Vector, y: Vector, _ v: Vector) -> Vector {
        var h = gram.times(v)
        axpy(1, hadamard(penalties(x), v), &h)
        return h
    }
    public func lowerMixedVector(x: Vector, y: Vector, _ v: Vector) -> Vector {
        let terms = hadamard(hadamard(penalties(x), y), v)
        return perFeature ? terms : [terms.reduce(0, +)]
    }

    /// The batch mean of gᵢ: (N/|B|) Σ_{i∈B} ℓᵢ(w) + ½ Σⱼ λⱼwⱼ².
    public func lowerValue(x: Vector, y: Vector, batch: [Int]) -> Double {
        let lambda = penalties(x)
        var data = 0.0
        for i in batch {
            let r = dot(X.row(i), y) - t[i]
            data += 0.5 * r * r
        }
        return Double(X.rows) / Double(batch.count) * data + 0.5 * zip(lambda, y).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
    }

    /// The batch mean of ∇_w gᵢ: (N/|B|) Σ_{i∈B} xᵢ(xᵢᵀw − tᵢ) + λ⊙w.
    public func lowerGradientY(x: Vector, y: Vector, batch: [Int]) -> Vector {
        var g = hadamard(penalties(x), y)
        let scale = Double(X.rows) / Double(batch.count)
        for i in batch {
            let row = X.row(i)
            axpy(scale * (dot(row, y) - t[i]), row, &g)
        }
        return g
    }

    /// The batch mean of ∂²gᵢ/∂θ∂w · v, the same for every i: the full product.
    public func lowerMixedVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) -> Vector {
        lowerMixedVector(x: x, y: y, v)
    }

    /// The batch mean of ∇²_ww gᵢ · v: (N/|B|) Σ_{i∈B} xᵢxᵢᵀ v + diag(λ) v, unbiased for
    /// uniformly drawn batches.
    public func lowerHessianVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) -> Vector {
        var h = hadamard(penalties(x), v)
        let scale = Double(X.rows) / Double(batch.count)
        let d = X.columns
        X.storage.withUnsafeBufferPointer { rows in
            for i in batch {
                let base = i * d
                var projection = 0.0
                for j in 0..<d { projection += rows[base + j] * v[j] }
                projection *= scale
                for j in 0..<d { h[j] += projection * rows[base + j] }
            }
        }
        return h
    }

    private func hessianCholesky(_ theta: Vector) -> Cholesky {
        var h = gram
        for (j, l) in penalties(theta).enumerated() { h[j, j] += l }
        do {
            return try Cholesky(h, name: "XᵀX + diag(λ)")
        } catch {
            preconditionFailure("ridge: \(error) at θ = \(theta) (e^θ underflowed and XᵀX is singular)")
        }
    }

    public func lowerSolution(x: Vector) -> Vector { hessianCholesky(x).solve(X.transposeTimes(t)) }

    public func exactHypergradients(x: Vector) -> [Vector] {
        let chol = hessianCholesky(x)
        let w = chol.solve(X.transposeTimes(t))
        let v = chol.solve(validationX.transposeTimes(residual(validationX, w, validationT)))
        let lambda = penalties(x)
        let terms = (0..<w.count).map { -lambda[$0] * w[$0] * v[$0] }
        return [perFeature ? terms : [terms.reduce(0, +)]]
    }
}
