/// A bilevel problem whose lower level is a finite sum over N samples, so that every
/// lower-level oracle can be estimated from a mini-batch.
///
/// **The one convention: a mean.** The lower level is
///
///     g(x, y) = (1/N) Σ_{i=1}^{N} g_i(x, y),
///
/// and every batch oracle returns the *mean over its batch* of the per-sample oracle,
/// e.g. `(1/|B|) Σ_{i∈B} ∇_y g_i(x, y)`. For a batch of distinct indices drawn
/// uniformly (``SeededGenerator/batch(of:from:)``) that mean is an unbiased estimate
/// of the full oracle, and a batch of all N samples returns the full oracle (to
/// rounding; a problem may answer it with the full oracle exactly).
///
/// **The upper level.** When the upper objectives are finite sums too
/// (`f_s = (1/N_f) Σ_j f_{s,j}`, e.g. a loss over validation samples), the problem
/// reports N_f as ``upperSampleCount`` and answers the upper batch oracles with the
/// mean over a batch of indices in 0..<N_f. When the upper level has no samples (the
/// MOBL toys, ridge's validation loss) ``upperSampleCount`` is 0: callers pass the
/// empty batch `[]`, the upper batch oracles return the full values and gradients,
/// and no samples are counted. The default implementations below do exactly that.
///
/// Callers reach the batch oracles through ``CountedOracles``: each call counts one
/// call of its oracle kind and `batch.count` samples in ``OracleCounts/samples``.
public protocol FiniteSumBilevelProblem: BilevelProblem {
    /// N, the number of lower-level samples.
    var sampleCount: Int { get }
    /// N_f, the number of upper-level samples; 0 when the upper level has none.
    var upperSampleCount: Int { get }

    /// The mean of g_i(x, y) over the batch.
    func lowerValue(x: Vector, y: Vector, batch: [Int]) -> Double
    /// The mean of ∇_y g_i(x, y) over the batch.
    func lowerGradientY(x: Vector, y: Vector, batch: [Int]) -> Vector
    /// The mean of ∇²_yy g_i(x, y) · v over the batch.
    func lowerHessianVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) -> Vector
    /// The mean of ∇²_xy g_i(x, y) · v over the batch.
    func lowerMixedVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) -> Vector
    /// The mean of (f_{1,j}, …, f_{S,j}) over an upper batch (indices in 0..<N_f).
    func upperValues(x: Vector, y: Vector, batch: [Int]) -> Vector
    /// The mean of ∇_x f_{s,j} over an upper batch.
    func upperGradientX(_ s: Int, x: Vector, y: Vector, batch: [Int]) -> Vector
    /// The mean of ∇_y f_{s,j} over an upper batch.
    func upperGradientY(_ s: Int, x: Vector, y: Vector, batch: [Int]) -> Vector
}

extension FiniteSumBilevelProblem {
    /// No upper samples unless a problem says otherwise.
    public var upperSampleCount: Int { 0 }
    /// The full values (an upper level without samples; the batch is empty).
    public func upperValues(x: Vector, y: Vector, batch: [Int]) -> Vector { upperValues(x: x, y: y) }
    /// The full gradient (an upper level without samples; the batch is empty).
    public func upperGradientX(_ s: Int, x: Vector, y: Vector, batch: [Int]) -> Vector { upperGradientX(s, x: x, y: y) }
    /// The full gradient (an upper level without samples; the batch is empty).
    public func upperGradientY(_ s: Int, x: Vector, y: Vector, batch: [Int]) -> Vector { upperGradientY(s, x: x, y: y) }
}

extension CountedOracles {
    /// The problem as a finite sum, or ``InvalidInput`` naming what was needed.
    func finiteSum(for purpose: String) throws -> any FiniteSumBilevelProblem {
        guard let finiteSum = problem as? any FiniteSumBilevelProblem else {
            throw InvalidInput("problem", "\(type(of: problem))", "must be a finite sum for \(purpose)")
        }
        return finiteSum
    }

    private func checkLowerBatch(_ batch: [Int], _ n: Int) throws {
        guard !batch.isEmpty, batch.count <= n, batch.allSatisfy({ (0..<n).contains($0) }) else {
            throw InvalidInput("batch", "\(batch.count) indices", "must be 1…N = \(n) distinct indices in 0..<\(n)")
        }
    }

    private func checkUpperBatch(_ batch: [Int], _ n: Int) throws {
        if n == 0 {
            guard batch.isEmpty else {
                throw InvalidInput(
                    "upper batch", "\(batch.count) indices", "must be empty: the upper level has no samples")
            }
        } else {
            guard !batch.isEmpty, batch.count <= n, batch.allSatisfy({ (0..<n).contains($0) }) else {
                throw InvalidInput(
                    "upper batch", "\(batch.count) indices", "must be 1…N_f = \(n) distinct indices in 0..<\(n)")
            }
        }
    }

    /// The one path of every batch oracle: check the problem is a finite sum and the
    /// batch fits its level, count one call of the oracle's kind and `batch.count`
    /// samples, then ask the problem.
    private func batched<T>(
        _ purpose: String, _ batch: [Int], upper: Bool = false, counting call: WritableKeyPath<OracleCounts, Int>,
        _ oracle: (any FiniteSumBilevelProblem) -> T
    ) throws -> T {
        let f = try finiteSum(for: purpose)
        if upper { try checkUpperBatch(batch, f.upperSampleCount) } else { try checkLowerBatch(batch, f.sampleCount) }
        counts[keyPath: call] += 1
        counts.samples += batch.count
        return oracle(f)
    }

    /// A mini-batch value of g; counts one lower value and `batch.count` samples.
    public func lowerValue(x: Vector, y: Vector, batch: [Int]) throws -> Double {
        try batched("mini-batch values", batch, counting: \.lowerValue) { $0.lowerValue(x: x, y: y, batch: batch) }
    }

    /// A mini-batch ∇_y g; counts one lower gradient and `batch.count` samples.
    public func lowerGradientY(x: Vector, y: Vector, batch: [Int]) throws -> Vector {
        try batched("mini-batch gradients", batch, counting: \.lowerGradient) {
            $0.lowerGradientY(x: x, y: y, batch: batch)
        }
    }

    /// A mini-batch Hessian-vector product; counts one product and `batch.count` samples.
    public func hessianVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) throws -> Vector {
        try batched("mini-batch Hessians", batch, counting: \.hessianVector) {
            $0.lowerHessianVector(x: x, y: y, v, batch: batch)
        }
    }

    /// A mini-batch mixed product ∇²_xy g · v; counts one mixed product and `batch.count` samples.
    public func mixedVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) throws -> Vector {
        try batched("mini-batch mixed products", batch, counting: \.mixedVector) {
            $0.lowerMixedVector(x: x, y: y, v, batch: batch)
        }
    }

    /// Mini-batch upper values; counts one upper value and `batch.count` samples (none
    /// when the upper level has no samples and the batch is empty).
    public func upperValues(x: Vector, y: Vector, batch: [Int]) throws -> Vector {
        try batched("mini-batch upper values", batch, upper: true, counting: \.upperValue) {
            $0.upperValues(x: x, y: y, batch: batch)
        }
    }

    /// A mini-batch ∇_x f_s; counts one upper gradient and `batch.count` samples.
    public func upperGradientX(_ s: Int, x: Vector, y: Vector, batch: [Int]) throws -> Vector {
        try batched("mini-batch upper gradients", batch, upper: true, counting: \.upperGradient) {
            $0.upperGradientX(s, x: x, y: y, batch: batch)
        }
    }

    /// A mini-batch ∇_y f_s; counts one upper gradient and `batch.count` samples.
    public func upperGradientY(_ s: Int, x: Vector, y: Vector, batch: [Int]) throws -> Vector {
        try batched("mini-batch upper gradients", batch, upper: true, counting: \.upperGradient) {
            $0.upperGradientY(s, x: x, y: y, batch: batch)
        }
    }
}

extension SeededGenerator {
    /// `size` distinct indices drawn uniformly from 0..<N (a partial Fisher–Yates shuffle).
    public mutating func batch(of size: Int, from count: Int) -> [Int] {
        precondition(size >= 1 && size <= count, "batch(of:from:): need 1 ≤ size ≤ N, got \(size) of \(count)")
        var indices = Array(0..<count)
        for i in 0..<size { indices.swapAt(i, i + integer(below: count - i)) }
        return Array(indices[0..<size])
    }

    /// An upper batch: `size` (at most N_f) distinct indices from 0..<N_f, or the empty
    /// batch when the upper level has no samples (N_f = 0; nothing is drawn).
    public mutating func upperBatch(of size: Int, from count: Int) -> [Int] {
        count == 0 ? [] : batch(of: min(size, count), from: count)
    }
}
