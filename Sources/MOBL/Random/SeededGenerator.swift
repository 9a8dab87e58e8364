import Foundation

/// The course's one source of randomness: xoshiro256** seeded through SplitMix64.
///
/// Every random number in the course comes from this generator, so every table and
/// figure is the same on every run and on every machine:
///
/// - the 64-bit stream (``next()``) is pure integer arithmetic and is bit-for-bit
///   identical on every platform;
/// - ``uniform()`` takes the top 53 bits of ``next()``, so it is exact and identical too;
/// - ``gaussian()`` uses the Box–Muller transform, `√(−2 ln u₁) · cos(2π u₂)`. The
///   square root is correctly rounded by IEEE 754; `log` and `cos` come from the
///   platform's math library, which on the mainstream ones (glibc, Apple's libm, musl)
///   agree to the last bit for these arguments in practice. Every number the course
///   prints or plots is rounded far above that level.
///
/// The generator never touches the system's random source. It conforms to
/// `RandomNumberGenerator` for convenience, but the course itself only calls the
/// methods below, whose algorithms are written out here and cannot change with a
/// Swift release.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// Seeds the four words of state with four consecutive outputs of SplitMix64,
    /// the seeding procedure recommended by xoshiro's authors (Blackman & Vigna).
    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform draw from [0, 1): the top 53 bits of ``next()`` times 2⁻⁵³.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform draw from [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * uniform()
    }

    /// A standard normal draw by Box–Muller; consumes exactly two uniforms.
    public mutating func gaussian() -> Double {
        let u1 = 1.0 - uniform()  // in (0, 1], so the logarithm is finite
        let u2 = uniform()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    /// `count` independent standard normal draws.
    public mutating func gaussianVector(_ count: Int) -> [Double] {
        (0..<count).map { _ in gaussian() }
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject, unbiased).
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "integer(below:) needs a positive bound, got \(bound)")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
