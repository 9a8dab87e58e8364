/// The part every hypergradient algorithm of the course shares: at (x_k, y_k), one
/// AID hypergradient estimate per upper objective, each linear solve warm-started
/// from that objective's previous solution when asked.
///
/// `warm[s]` holds v_s from the previous outer step and is updated in place. A solve
/// that stops on a tolerance and misses it throws ``DidNotConverge`` (a
/// hypergradient built on it would be silently wrong); a fixed budget (CG with N
/// steps, Neumann with Q terms) is a request and never fails.
///
/// Memory: the S solves run one after the other, so the batch's `peakVectors` is the
/// largest single estimate's ``HypergradientEstimate/peakVectors`` (solver + y and
/// ∇_y f_s) plus the S − 1 solutions v of the other objectives that `warm` keeps
/// meanwhile.
struct HypergradientBatch {
    let gradients: [Vector]
    let values: Vector
    /// Hessian-vector products spent by the S solves.
    let products: Int
    /// The most length-p vectors held at once while the S estimates were computed
    /// (see above).
    let peakVectors: Int

    /// Throws ``Diverged`` when a value or a hypergradient is not finite.
    func requireFinite(_ method: String, step k: Int) throws {
        guard values.allSatisfy(\.isFinite), gradients.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw Diverged(method, step: k, quantity: "the values or hypergradients")
        }
    }
}

func aidHypergradients(
    _ oracles: CountedOracles, objectives: Range<Int>, x: Vector, y: Vector,
    solver: HessianSolver, warm: inout [Vector?], warmStart: Bool, step k: Int
) throws -> HypergradientBatch {
    var gradients: [Vector] = [], values: Vector = [], products = 0, peak = 0
    for s in objectives {
        let estimate = try aidHypergradient(
            oracles, objective: s, x: x, y: y, solver: solver,
            warmStart: warmStart ? warm[s - objectives.lowerBound] : nil)
        if let solve = estimate.solve, !solve.converged, solver.stopsOnTolerance {
            throw DidNotConverge(
                "the linear solve for objective \(s + 1) at outer step \(k)",
                "relative residual \(solve.relativeResidual) after \(solve.iterations) iterations")
        }
        warm[s - objectives.lowerBound] = estimate.v
        gradients.append(estimate.gradient)
        values.append(estimate.value)
        products += estimate.counts.hessianVector
        peak = max(peak, estimate.peakVectors)
    }
    return HypergradientBatch(
        gradients: gradients, values: values, products: products,
        peakVectors: peak + objectives.count - 1)
}

extension HessianSolver {
    /// Whether the solve stops on a residual tolerance (rather than after a fixed number of steps).
    var stopsOnTolerance: Bool {
        switch self {
        case .conjugateGradient(.tolerance), .neumann(_, .tolerance): return true
        default: return false
        }
    }
}
