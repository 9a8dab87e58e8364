import Foundation

/// The two classic two-objective test problems, VLMOP1 (convex front) and VLMOP2
/// (Fonseca–Fleming, concave front), in any dimension n ≥ 1.
///
/// Both measure the squared distances to two anchor points ±a, a = (1/√n)·1:
///
///     d₁(x) = ‖x − a‖²,   d₂(x) = ‖x + a‖²,   f_s(x) = h(d_s(x))
///
/// with `h(t) = t/4` for VLMOP1 and `h(t) = 1 − e^{−t}` for VLMOP2. Because h is
/// increasing, the Pareto set is the segment between the anchors, `x = (s/√n)·1`
/// with `s ∈ [−1, 1]`, where `d₁ = (s − 1)²` and `d₂ = (s + 1)²`; the front is
/// `(h((s − 1)²), h((s + 1)²))`: `√f₁ + √f₂ = 1` for VLMOP1 (convex), and a
/// concave arc for VLMOP2.
///
/// Any x is weakly dominated by the point of the segment nearest to it, which makes
/// the front exact, not sampled.
public struct VLMOP: MultiObjectiveProblem {
    public enum Kind: String, Sendable {
        /// `h(t) = t/4`: convex front.
        case one = "VLMOP1"
        /// `h(t) = 1 − e^{−t}`: concave front (Fonseca–Fleming).
        case two = "VLMOP2"
    }

    public let kind: Kind
    public let dimension: Int
    public var objectiveCount: Int { 2 }
    public var name: String { kind.rawValue }

    /// - Throws: ``InvalidInput`` if `dimension < 1`.
    public init(_ kind: Kind, dimension: Int) throws {
        guard dimension >= 1 else { throw InvalidInput("dimension n", "\(dimension)", "must be ≥ 1") }
        self.kind = kind
        self.dimension = dimension
    }

    private var anchor: Double { 1 / Double(dimension).squareRoot() }

    private func h(_ t: Double) -> Double { kind == .one ? t / 4 : 1 - exp(-t) }
    private func hPrime(_ t: Double) -> Double { kind == .one ? 0.25 : exp(-t) }

    private func squaredDistances(_ x: Vector) -> (Double, Double) {
        precondition(x.count == dimension, "\(name): x has length \(x.count), expected \(dimension)")
        var d1 = 0.0, d2 = 0.0
        for xi in x {
            d1 += (xi - anchor) * (xi - anchor)
            d2 += (xi + anchor) * (xi + anchor)
        }
        return (d1, d2)
    }

    public func values(at x: Vector) -> Vector {
        let (d1, d2) = squaredDistances(x)
        return [h(d1), h(d2)]
    }

    /// ∇f_s = h′(d_s) · 2(x ∓ a).
    public func gradients(at x: Vector) -> [Vector] {
        let (d1, d2) = squaredDistances(x)
        let c1 = 2 * hPrime(d1), c2 = 2 * hPrime(d2)
        return [x.map { c1 * ($0 - anchor) }, x.map { c2 * ($0 + anchor) }]
    }

    // MARK: The exact front

    /// The Pareto-optimal point `(s/√n)·1`, s ∈ [−1, 1].
    public func paretoPoint(_ s: Double) -> Vector { Vector(repeating: s * anchor, count: dimension) }

    /// The front point `(h((s − 1)²), h((s + 1)²))`, s ∈ [−1, 1].
    public func frontPoint(_ s: Double) -> Vector { [h((s - 1) * (s - 1)), h((s + 1) * (s + 1))] }

    /// `count ≥ 2` front points at evenly spaced s from −1 to 1.
    public func front(samples count: Int) -> [Vector] {
        precondition(count >= 2, "front(samples:) needs at least 2 samples")
        return (0..<count).map { frontPoint(-1 + 2 * Double($0) / Double(count - 1)) }
    }

    /// The parameter s ∈ [−1, 1] of the Pareto point that weakly dominates x: the
    /// projection of x onto the segment between the anchors.
    public func nearestParameter(_ x: Vector) -> Double {
        let mean = x.reduce(0, +) / Double(dimension)
        return min(1, max(-1, mean / anchor))
    }

    // MARK: Exact weighted-Chebyshev optima

    /// The minimizer of `max_s r_s f_s(x)` (reference point z = 0), as its front
    /// parameter s and its objective values.
    ///
    /// On the front f₁ falls and f₂ rises with s, so the optimum is where
    /// `r₁ f₁ = r₂ f₂`: a larger r_s buys a smaller f_s.
    /// - VLMOP1 has the closed form `s = (√r₁ − √r₂)/(√r₁ + √r₂)`,
    ///   `f = (r₂, r₁)/(√r₁ + √r₂)²`.
    /// - VLMOP2 is solved by bisection on `r₁f₁(s) − r₂f₂(s)`, which is strictly
    ///   decreasing on [−1, 1], to the last bit of s.
    /// - Throws: ``InvalidInput`` unless r has two positive finite entries.
    public func chebyshevOptimum(preference r: Vector) throws -> (s: Double, values: Vector) {
        try validatePreference(r, objectives: 2)
        switch kind {
        case .one:
            let (a, b) = (r[0].squareRoot(), r[1].squareRoot())
            let s = (a - b) / (a + b)
            return (s, [r[1] / ((a + b) * (a + b)), r[0] / ((a + b) * (a + b))])
        case .two:
            func gap(_ s: Double) -> Double {
                let f = frontPoint(s)
                return r[0] * f[0] - r[1] * f[1]
            }
            let (lo, hi) = bisect(-1, 1) { gap($0) <= 0 }  // gap(−1) > 0 ≥ gap(1)
            let s = abs(gap(lo)) <= abs(gap(hi)) ? lo : hi
            return (s, frontPoint(s))
        }
    }
}

/// Checks that a preference vector has S positive, finite entries.
///
/// - Throws: ``InvalidInput`` naming the vector and the broken rule.
public func validatePreference(_ r: Vector, objectives s: Int) throws {
    guard r.count == s else {
        throw InvalidInput("preference r", describe(r), "must have one entry per objective (S = \(s))")
    }
    guard r.allSatisfy({ $0.isFinite && $0 > 0 }) else {
        throw InvalidInput("preference r", describe(r), "every r_s must be > 0 and finite")
    }
}
