/// One outer step as the standard trace keeps it.
public struct TraceRecord: Sendable {
    public let k: Int
    /// f_s(x_k, y_k), the values the step used.
    public let values: Vector
    /// The weights λ_k.
    public let weights: Vector
    /// ‖x_{k+1} − x_k‖.
    public let stepNorm: Double
    /// The stationarity gap min_{λ∈Δ} ‖Σ λ_s ∇Φ_s(x_k)‖² with the exact hypergradients,
    /// when the problem knows them (nil otherwise).
    public let gap: Double?
    /// The most length-p vectors held at once during the step (``OuterIterate/peakVectors``).
    public let peakVectors: Int
    /// Oracle calls so far, this step included.
    public let counts: OracleCounts
}

/// The standard observer: keeps a ``TraceRecord`` per step and, when given a problem
/// that knows its exact hypergradients, measures the true stationarity gap at every
/// x_k (with dense solves the algorithm never sees).
///
///     let trace = OuterTrace(exact: toy)
///     let result = try wcmhgd.run(toy, x0: x0, y0: y0, observe: trace.observe)
///     trace.records.last!.gap
public final class OuterTrace: @unchecked Sendable {
    public private(set) var records: [TraceRecord] = []
    private let exact: (any BilevelProblemWithSolution)?

    public init(exact: (any BilevelProblemWithSolution)? = nil) { self.exact = exact }

    /// Records the step; never stops the run.
    public func observe(_ step: OuterIterate) throws -> Bool {
        let gap = try exact.map { try stationarityGap(gradients: $0.exactHypergradients(x: step.x)) }
        records.append(
            TraceRecord(
                k: step.k, values: step.values, weights: step.weights, stepNorm: norm(step.step),
                gap: gap, peakVectors: step.peakVectors, counts: step.counts))
        return true
    }

    /// The running minimum of the gap, min_{j ≤ k} gap_j (the quantity the O(1/K) rate bounds).
    public var runningMinimumGap: [Double] {
        var best = Double.infinity
        return records.map {
            best = min(best, $0.gap ?? .nan)
            return best
        }
    }
}
