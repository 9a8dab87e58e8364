/// How the outer loop moves x with the step a method computes.
///
/// Every method of the course computes a step s_k for x (its paper's update: a step size
/// times a combination of hypergradients, or FORUM's x block). The plain optimizer takes
/// it as it is; Adam — what the FORUM authors' code uses for its upper variables — takes
/// it as a direction and rescales it per coordinate.
public enum OuterOptimizer: Sendable, Equatable {
    /// x_{k+1} = x_k + s_k: the method as its paper writes it.
    case plain
    /// Adam (Kingma & Ba 2015) on the method's step, with u_k = −s_k:
    ///
    ///     m_k = β₁ m_{k−1} + (1 − β₁) u_k,        v_k = β₂ v_{k−1} + (1 − β₂) u_k ⊙ u_k
    ///     m̂_k = m_k / (1 − β₁^{k+1}),            v̂_k = v_k / (1 − β₂^{k+1})
    ///     x_{k+1} = x_k − η m̂_k / (√v̂_k + ε)     (per coordinate; m₋₁ = v₋₁ = 0)
    ///
    /// A coordinate moves by about η per step whatever the scale of its u (the method's
    /// own step size β scales u, which Adam divides out, up to ε): η is a step in x's own
    /// units. The first step is −η u₀/(|u₀| + ε), a signed step of η per coordinate.
    case adam(stepSize: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8)

    /// - Throws: ``InvalidInput`` naming the value and the rule: η ≤ 0 or not finite,
    ///   β₁ or β₂ outside [0, 1), ε ≤ 0.
    func validate() throws {
        guard case .adam(let eta, let beta1, let beta2, let epsilon) = self else { return }
        try requirePositive(eta, "Adam's step η")
        for (value, name) in [(beta1, "Adam's β₁"), (beta2, "Adam's β₂")] where !(0..<1).contains(value) {
            throw InvalidInput(name, "\(value)", "must lie in [0, 1)")
        }
        try requirePositive(epsilon, "Adam's ε")
    }
}

/// Adam's moments between outer steps (``OuterOptimizer/adam(stepSize:beta1:beta2:epsilon:)``).
struct AdamMoments {
    let eta: Double, beta1: Double, beta2: Double, epsilon: Double
    var m: Vector, v: Vector
    /// β₁^k and β₂^k for the bias corrections.
    var power1 = 1.0, power2 = 1.0

    /// nil for the plain optimizer.
    init?(_ optimizer: OuterOptimizer, dimension n: Int) {
        guard case .adam(let eta, let beta1, let beta2, let epsilon) = optimizer else { return nil }
        (self.eta, self.beta1, self.beta2, self.epsilon) = (eta, beta1, beta2, epsilon)
        (m, v) = (Vector(repeating: 0, count: n), Vector(repeating: 0, count: n))
    }

    /// The move of x for the method's step s_k (the box above, one step).
    mutating func move(for step: Vector) -> Vector {
        power1 *= beta1
        power2 *= beta2
        var move = Vector(repeating: 0, count: step.count)
        for i in step.indices {
            let u = -step[i]
            m[i] = beta1 * m[i] + (1 - beta1) * u
            v[i] = beta2 * v[i] + (1 - beta2) * u * u
            let mHat = m[i] / (1 - power1), vHat = v[i] / (1 - power2)
            move[i] = -eta * mHat / (vHat.squareRoot() + epsilon)
        }
        return move
    }
}
