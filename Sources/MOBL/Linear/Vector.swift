/// Dense vectors are plain `[Double]`; these are the few operations the course uses.
///
/// There is deliberately no `+` for vectors: on arrays `+` already means
/// concatenation, and overloading it would make `a + b` silently ambiguous. Use
/// ``axpy(_:_:_:)`` or ``combination(_:_:)`` to add.
///
/// They are written as simple loops so a reader can see the arithmetic; each is
/// O(length). Lengths must match (checked with `precondition`: a mismatch is a bug in
/// the caller, not bad user input).
public typealias Vector = [Double]

/// ⟨a, b⟩ = Σ aᵢ bᵢ.
@inlinable
public func dot(_ a: Vector, _ b: Vector) -> Double {
    precondition(a.count == b.count, "dot: lengths \(a.count) and \(b.count) differ")
    var sum = 0.0
    for i in a.indices { sum += a[i] * b[i] }
    return sum
}

/// ‖a‖² = ⟨a, a⟩.
@inlinable
public func normSquared(_ a: Vector) -> Double { dot(a, a) }

/// The Euclidean norm ‖a‖.
@inlinable
public func norm(_ a: Vector) -> Double { normSquared(a).squareRoot() }

/// y ← y + α x (the BLAS "axpy").
@inlinable
public func axpy(_ alpha: Double, _ x: Vector, _ y: inout Vector) {
    precondition(x.count == y.count, "axpy: lengths \(x.count) and \(y.count) differ")
    for i in x.indices { y[i] += alpha * x[i] }
}

/// The linear combination Σₖ cₖ vₖ of equally long vectors.
public func combination(_ coefficients: [Double], _ vectors: [Vector]) -> Vector {
    precondition(
        coefficients.count == vectors.count && !vectors.isEmpty,
        "combination: \(coefficients.count) coefficients for \(vectors.count) vectors")
    var result = Vector(repeating: 0, count: vectors[0].count)
    for (c, v) in zip(coefficients, vectors) { axpy(c, v, &result) }
    return result
}

@inlinable
public func - (a: Vector, b: Vector) -> Vector {
    precondition(a.count == b.count, "-: lengths \(a.count) and \(b.count) differ")
    return zip(a, b).map { $0 - $1 }
}

@inlinable
public func * (alpha: Double, a: Vector) -> Vector { a.map { alpha * $0 } }

/// The element-wise (Hadamard) product a ⊙ b.
@inlinable
public func hadamard(_ a: Vector, _ b: Vector) -> Vector {
    precondition(a.count == b.count, "hadamard: lengths \(a.count) and \(b.count) differ")
    return zip(a, b).map { $0 * $1 }
}

/// (a, b) as one vector of length a.count + b.count: the joint variable z = (x, y) and
/// gradients on it. (Written out, because `a + b` on arrays concatenates, which reads as a sum.)
public func stacked(_ a: Vector, _ b: Vector) -> Vector { a + b }
