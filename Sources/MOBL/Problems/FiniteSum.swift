/// A bilevel problem whose lower level is a finite sum `g = Σᵢ gᵢ` over N samples, so
/// its Hessian can be estimated from a mini-batch.
public protocol FiniteSumBilevelProblem: BilevelProblem {
    /// N, the number of samples.
    var sampleCount: Int { get }
    /// An unbiased estimate of ∇²_yy g(x, y) · v from the samples in `batch`
    /// (indices in 0..<N, drawn uniformly): its mean over random batches is the
    /// full product.
    func lowerHessianVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) -> Vector
}

extension CountedOracles {
    /// A mini-batch Hessian-vector product; counts one product and `batch.count`
    /// samples.
    public func hessianVector(x: Vector, y: Vector, _ v: Vector, batch: [Int]) throws -> Vector {
        guard let finiteSum = problem as? any FiniteSumBilevelProblem else {
            throw InvalidInput("problem", "\(type(of: problem))", "must be a finite sum for mini-batch Hessians")
        }
        recordSamples(batch.count)
        return finiteSum.lowerHessianVector(x: x, y: y, v, batch: batch)
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
}
