import MOBL

// The library tests' oracles that more than one suite uses.

/// Central differences of a scalar function along each coordinate.
func numericalGradient(_ f: (Vector) -> Double, at z: Vector, h: Double = 1e-6) -> Vector {
    (0..<z.count).map { k in
        var plus = z, minus = z
        plus[k] += h
        minus[k] -= h
        return (f(plus) - f(minus)) / (2 * h)
    }
}

/// Central difference of a vector function along a direction.
func numericalDirectional(_ f: (Vector) -> Vector, at z: Vector, along v: Vector, h: Double = 1e-6) -> Vector {
    var plus = z, minus = z
    axpy(h, v, &plus)
    axpy(-h, v, &minus)
    return (1 / (2 * h)) * (f(plus) - f(minus))
}
