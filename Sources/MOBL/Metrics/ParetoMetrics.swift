/// Measures of a set of objective vectors (all objectives minimized).

/// Whether a weakly dominates b and is better in at least one objective.
public func dominates(_ a: Vector, _ b: Vector) -> Bool {
    precondition(a.count == b.count, "dominates: \(a.count) and \(b.count) objectives")
    var strictlyBetter = false
    for i in a.indices {
        if a[i] > b[i] { return false }
        if a[i] < b[i] { strictlyBetter = true }
    }
    return strictlyBetter
}

/// The indices of the points no other point dominates, in their original order.
/// Duplicates are kept (neither dominates the other). O(N² S).
public func nonDominatedIndices(_ points: [Vector]) -> [Int] {
    points.indices.filter { i in !points.indices.contains { j in j != i && dominates(points[j], points[i]) } }
}

/// The 2-D hypervolume: the area dominated by the set and bounded by `reference`.
///
/// Points that do not strictly dominate the reference point in both objectives add
/// nothing. Exact: after the non-dominated filter (``nonDominatedIndices(_:)``), sort
/// by f₁ and sum the rectangles.
/// - Throws: ``InvalidInput`` for points or a reference that are not 2-D and finite.
public func hypervolume2D(_ points: [Vector], reference: Vector) throws -> Double {
    guard reference.count == 2, reference.allSatisfy(\.isFinite) else {
        throw InvalidInput("reference point", describe(reference), "must be two finite numbers")
    }
    guard points.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isFinite) }) else {
        throw InvalidInput("points", "\(points.count) points", "every point must be two finite numbers")
    }
    let inside = points.filter { $0[0] < reference[0] && $0[1] < reference[1] }
    let front = nonDominatedIndices(inside).map { inside[$0] }.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
    var area = 0.0
    var ceiling = reference[1]  // f₂ of the previous (left) point
    for p in front where p[1] < ceiling {
        area += (reference[0] - p[0]) * (ceiling - p[1])
        ceiling = p[1]
    }
    return area
}

/// Inverted generational distance: the mean, over a dense sampling of the true
/// front, of the distance to the nearest found point. Small when the found set is
/// both close to the front and spread along all of it.
/// - Throws: ``InvalidInput`` if either set is empty or the dimensions differ.
public func invertedGenerationalDistance(reference: [Vector], found: [Vector]) throws -> Double {
    guard !reference.isEmpty, !found.isEmpty else {
        throw InvalidInput(
            "IGD sets", "\(reference.count) reference, \(found.count) found points", "both must be non-empty")
    }
    let s = reference[0].count
    guard (reference + found).allSatisfy({ $0.count == s }) else {
        throw InvalidInput("IGD sets", "mixed dimensions", "every point must have \(s) objectives")
    }
    var total = 0.0
    for p in reference {
        total += found.map { norm($0 - p) }.min()!
    }
    return total / Double(reference.count)
}

/// The misalignment 𝓜_r of objective values f from the preference ray
/// {f : r₁f₁ = … = r_S f_S} (reference point 0):
///
///     𝓜_r(f) = (max_s r_s f_s − min_s r_s f_s) / max_s r_s f_s   ∈ [0, 1]
///
/// 0 on the ray (where a Chebyshev optimum lies), 1 when some r_s f_s is 0.
/// - Throws: ``InvalidInput`` for a non-positive preference, values of another count,
///   or values with max_s r_s f_s ≤ 0.
public func misalignment(preference r: Vector, values f: Vector) throws -> Double {
    try validatePreference(r, objectives: f.count)
    let scaled = zip(r, f).map { $0 * $1 }
    guard let high = scaled.max(), let low = scaled.min(), high > 0, f.count == r.count else {
        throw InvalidInput("values f", describe(f), "must be \(r.count) numbers with max_s r_s f_s > 0")
    }
    return (high - low) / high
}
