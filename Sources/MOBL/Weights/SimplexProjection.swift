/// The Euclidean projection of v onto the simplex Δ = {λ ≥ 0, Σλ = 1}.
///
/// The projection is `λᵢ = max(vᵢ − θ, 0)` for the one threshold θ that makes the
/// entries sum to 1. Sorting v in decreasing order u₁ ≥ u₂ ≥ …, θ is
/// `(Σ_{i≤k} uᵢ − 1)/k` for the largest k with `u_k > (Σ_{i≤k} uᵢ − 1)/k`
/// (Held, Wolfe & Crowder 1974; Duchi et al. 2008). Exact, O(n log n).
///
/// Properties a caller may rely on (and the tests check): the result is on the
/// simplex; it is idempotent; it is the nearest point, i.e. ⟨v − λ, μ − λ⟩ ≤ 0 for
/// every μ in the simplex; shifting v by a constant does not change it.
///
/// The entries are first shifted so that the largest is 0 (the projection does not
/// change), which keeps the arithmetic exact-enough even for entries like ±1e300.
public func projectOntoSimplex(_ v: Vector) -> Vector {
    precondition(!v.isEmpty, "projectOntoSimplex: empty vector")
    precondition(v.allSatisfy(\.isFinite), "projectOntoSimplex: non-finite entry in \(v)")
    let top = v.max()!
    let shifted = v.map { $0 - top }
    let sorted = shifted.sorted(by: >)
    var cumulative = 0.0
    var theta = sorted[0] - 1  // k = 1 always qualifies
    for (k, u) in sorted.enumerated() {
        cumulative += u
        let candidate = (cumulative - 1) / Double(k + 1)
        if u > candidate { theta = candidate }
    }
    return shifted.map { max($0 - theta, 0) }
}
