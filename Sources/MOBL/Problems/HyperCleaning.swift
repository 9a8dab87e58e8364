import Foundation

/// One domain of a hyper-cleaning task: its four splits, and which training labels
/// were corrupted (known here, never to the algorithms).
public struct CleaningDomain: Sendable {
    public let name: String
    /// The training samples with their (partly corrupted) labels: the lower level.
    public let train: SoftmaxDesign
    /// The training samples' true labels.
    public let cleanTrainLabels: [Int]
    /// corrupted[i] ⇔ train.labels[i] ≠ cleanTrainLabels[i].
    public let corrupted: [Bool]
    /// The validation samples of the upper level (objective: their mean loss).
    public let validation: SoftmaxDesign
    /// A second validation set, for model selection only (never seen by a method).
    public let selection: SoftmaxDesign
    /// The test samples.
    public let test: SoftmaxDesign

    /// The sizes of the four splits.
    public struct Sizes: Sendable, Equatable {
        public var train, validation, selection, test: Int
        public init(train: Int, validation: Int, selection: Int, test: Int) {
            (self.train, self.validation, self.selection, self.test) = (train, validation, selection, test)
        }
        public var total: Int { train + validation + selection + test }
    }

    /// Draws the four splits from `samples` (true labels) without overlap, by a seeded
    /// shuffle, and corrupts round(`corruption` · train) training labels, chosen
    /// uniformly: each is replaced by a uniformly drawn *other* class.
    ///
    /// - Throws: ``InvalidInput`` when the splits need more samples than there are, a
    ///   size is < 1, or the corruption is outside [0, 1].
    public init(
        name: String, samples: SoftmaxDesign, sizes: Sizes, corruption: Double,
        using rng: inout SeededGenerator
    ) throws {
        guard [sizes.train, sizes.validation, sizes.selection, sizes.test].allSatisfy({ $0 >= 1 }) else {
            throw InvalidInput(
                "\(name) split sizes", "\(sizes.train)/\(sizes.validation)/\(sizes.selection)/\(sizes.test)",
                "every split needs ≥ 1 sample")
        }
        guard sizes.total <= samples.count else {
            throw InvalidInput(
                "\(name) split sizes",
                "\(sizes.train)+\(sizes.validation)+\(sizes.selection)+\(sizes.test) = \(sizes.total)",
                "must not exceed the \(samples.count) samples available")
        }
        guard (0...1).contains(corruption) else {
            throw InvalidInput("corruption", "\(corruption)", "must be a fraction in [0, 1]")
        }
        let order = rng.batch(of: sizes.total, from: samples.count)
        var next = 0
        func take(_ k: Int) -> [Int] {
            defer { next += k }
            return Array(order[next..<(next + k)])
        }
        let clean = samples.subset(take(sizes.train))
        validation = samples.subset(take(sizes.validation))
        selection = samples.subset(take(sizes.selection))
        test = samples.subset(take(sizes.test))

        let flipped = Set(rng.batch(of: Int((corruption * Double(sizes.train)).rounded()), from: sizes.train))
        var noisy = clean.labels
        var corrupted = Array(repeating: false, count: sizes.train)
        for i in flipped.sorted() {
            // A uniformly drawn class among the C − 1 others.
            let other = rng.integer(below: clean.classes - 1)
            noisy[i] = other >= clean.labels[i] ? other + 1 : other
            corrupted[i] = true
        }
        self.name = name
        self.train = try clean.relabelled(noisy)
        self.cleanTrainLabels = clean.labels
        self.corrupted = corrupted
    }
}

extension SoftmaxDesign {
    /// A design from 8-bit images: features pixel/255, then a constant feature 1 (the
    /// bias), so D = pixels per image + 1.
    ///
    /// - Throws: ``InvalidInput`` when the sizes do not match or a label is outside
    ///   0..<C.
    public init(pixels: [UInt8], count: Int, pixelsPerImage: Int, labels: [UInt8], classes: Int) throws {
        guard count >= 1, pixelsPerImage >= 1, pixels.count == count * pixelsPerImage, labels.count == count else {
            throw InvalidInput(
                "images", "\(pixels.count) pixels, \(labels.count) labels",
                "need count × pixelsPerImage = \(count) × \(pixelsPerImage) pixels and \(count) labels")
        }
        let D = pixelsPerImage + 1
        var m = Matrix(rows: count, columns: D)
        for i in 0..<count {
            for d in 0..<pixelsPerImage { m.storage[i * D + d] = Double(pixels[i * pixelsPerImage + d]) / 255 }
            m.storage[i * D + pixelsPerImage] = 1
        }
        try self.init(features: m, labels: labels.map { Int($0) }, classes: classes)
    }
}

/// Data hyper-cleaning with S domains sharing one softmax model:
///
///     lower:  g(x, W) = Σ_d (1/N_d) Σ_{i ∈ train_d} σ(xᵢ) ℓᵢ(W) + (c/2)‖W‖²
///     upper:  f_s(x, W) = (1/M_s) Σ_{j ∈ validation_s} ℓⱼ(W),   s = 1…S
///
/// x ∈ Rᴺ holds one logit per training sample (N = Σ N_d), σ(t) = 1/(1 + e^{−t})
/// turns it into the sample's weight, and W ∈ R^{D×C} is the model (y, of length
/// p = D·C; ``SoftmaxDesign`` fixes the layout). The ridge term c > 0 makes g(x, ·)
/// c-strongly convex, so W*(x) exists and is unique. Oracles, with ωᵢ = σ(xᵢ)/N_{d(i)}:
///
///     ∇_W g = Σᵢ ωᵢ aᵢ(pᵢ − e_{bᵢ})ᵀ + cW         ∇²_WW g [V] = Σᵢ ωᵢ aᵢ(Jᵢ Vᵀaᵢ)ᵀ + cV
///     ∂g/∂xᵢ = σ'(xᵢ) ℓᵢ(W)/N_{d(i)}              (∇²_xW g [V])ᵢ = σ'(xᵢ)⟨∇_W ℓᵢ(W), V⟩/N_{d(i)}
///     ∇_x f_s = 0                                 ∇_W f_s = (1/M_s) Σⱼ aⱼ(pⱼ − e_{bⱼ})ᵀ
///
/// so the hypergradient of objective s is, per sample,
///
///     ∂Φ_s/∂xᵢ = −(σ'(xᵢ)/N_{d(i)}) ⟨∇_W ℓᵢ(W*), H⁻¹ ∇_W f_s(W*)⟩,   H = ∇²_WW g(x, W*):
///
/// a sample gains weight when its own gradient agrees with the validation gradient
/// (in the metric H⁻¹). Every oracle is one fused pass over the design
/// (``SoftmaxDesign/gradient(_:rowWeights:into:workspace:)`` and friends).
public struct HyperCleaning: BilevelProblem {
    /// The training samples of all domains, one after another, with their labels as
    /// given (the corrupted ones included).
    public let train: SoftmaxDesign
    /// The domain of each training sample.
    public let domainOfSample: [Int]
    /// The upper-level validation set of each domain; objective s is its mean loss.
    public let validation: [SoftmaxDesign]
    /// c, the ridge weight.
    public let ridge: Double
    /// 1/N_{d(i)} for each training sample.
    let sampleScale: [Double]
    /// 1/M_s repeated M_s times, per domain.
    let validationWeights: [Vector]
    /// An estimate of λ_max(Σᵢ aᵢaᵢᵀ/N_{d(i)}) (see ``lowerCurvature(x:)``).
    let designCurvature: Double
    /// Scratch for the kernels on the training design, and on the validation designs:
    /// separate, so that each keeps its own cached softmax step (a CG solve's
    /// Hessian-vector products at one W reuse the training design's).
    let workspace = SoftmaxWorkspace()
    let validationWorkspace = SoftmaxWorkspace()

    public var upperDimension: Int { train.count }
    public var lowerDimension: Int { train.weightCount }
    public var objectiveCount: Int { validation.count }

    /// - Throws: ``InvalidInput`` when c ≤ 0, there is no domain, or the domains'
    ///   features or classes differ.
    public init(domains: [CleaningDomain], ridge c: Double) throws {
        guard c > 0, c.isFinite else {
            throw InvalidInput("ridge c", "\(c)", "must be > 0 (it makes the lower level strongly convex)")
        }
        guard let first = domains.first else { throw InvalidInput("domains", "none", "need at least one domain") }
        for d in domains
        where d.train.dimension != first.train.dimension || d.train.classes != first.train.classes
            || d.validation.dimension != first.train.dimension
        {
            throw InvalidInput(
                "domain \(d.name)", "D = \(d.train.dimension), C = \(d.train.classes)",
                "every domain needs the same features and classes as \(first.name) (D = \(first.train.dimension), C = \(first.train.classes))"
            )
        }
        var storage: [Double] = []
        var labels: [Int] = []
        var domainOfSample: [Int] = []
        var scale: [Double] = []
        for (k, d) in domains.enumerated() {
            storage += d.train.features.storage
            labels += d.train.labels
            domainOfSample += Array(repeating: k, count: d.train.count)
            scale += Array(repeating: 1 / Double(d.train.count), count: d.train.count)
        }
        var features = Matrix(rows: labels.count, columns: first.train.dimension)
        features.storage = storage
        train = SoftmaxDesign(unchecked: features, labels: labels, classes: first.train.classes)
        self.domainOfSample = domainOfSample
        validation = domains.map(\.validation)
        validationWeights = domains.map {
            Vector(repeating: 1 / Double($0.validation.count), count: $0.validation.count)
        }
        ridge = c
        sampleScale = scale
        designCurvature = Self.largestEigenvalue(of: features, rowWeights: scale)
    }

    /// σ(t) = 1/(1 + e^{−t}), the weight a logit xᵢ gives its sample.
    public static func sigmoid(_ t: Double) -> Double { 1 / (1 + exp(-t)) }

    /// The per-sample weights σ(xᵢ).
    public func sampleWeights(x: Vector) -> Vector { x.map(Self.sigmoid) }

    /// μ = c and L = c + ½ λ̂, where λ̂ estimates λ_max(Σᵢ aᵢaᵢᵀ/N_{d(i)}): since
    /// σ ≤ 1 and every softmax Jacobian Jᵢ ≼ ½I, ∇²_WW g ≼ (c + ½λ_max)I for every x.
    /// λ̂ is 100 power iterations with a 5 % margin — an estimate, not a proof, used
    /// to refuse step sizes beyond 2/L. With ``measuredL`` set, L is that value instead.
    public func lowerCurvature(x: Vector) -> (mu: Double, L: Double)? {
        (ridge, measuredL ?? globalL)
    }

    /// The global bound c + ½λ̂ on ∇²_WW g over every x and W (see ``lowerCurvature(x:)``).
    public var globalL: Double { ridge + 0.5 * designCurvature }

    /// A measured curvature to use as L in place of ``globalL`` (nil: the bound). The
    /// bound assumes every weight σ(xᵢ) = 1 and every softmax Jacobian at its largest;
    /// where the model fits its samples the Hessian is far flatter, and a step 1/L from
    /// the bound crawls. Setting this to a measured λ_max
    /// (``measuredCurvature(x:y:start:tolerance:)`` at a point the run starts from)
    /// makes every method's inner step α = 1/L and the step checks follow the curvature
    /// where the model is — safe for gradient descent while the curvature along the run
    /// stays below 2L, which a caller should check where the run ends.
    public var measuredL: Double? = nil

    /// λ_max(∇²_WW g(x, W)) at one point, by ``powerIteration(_:start:tolerance:maxIterations:)``
    /// on Hessian-vector products (one product per iteration), from `start` or a fixed
    /// seeded random vector.
    public func measuredCurvature(x: Vector, y: Vector, start: Vector? = nil, tolerance: Double = 1e-3) throws
        -> PowerIterationResult
    {
        var random = SeededGenerator(seed: 0x5EED)
        let v0 = start ?? Vector(random.gaussianVector(lowerDimension))
        return try powerIteration({ lowerHessianVector(x: x, y: y, $0) }, start: v0, tolerance: tolerance)
    }

    static func largestEigenvalue(of A: Matrix, rowWeights: Vector) -> Double {
        var v = Vector(repeating: 1 / Double(A.columns).squareRoot(), count: A.columns)
        var lambda = 0.0
        for _ in 0..<100 {
            let w = A.transposeTimes(hadamard(rowWeights, A.times(v)))
            lambda = norm(w)
            guard lambda > 0 else { return 0 }
            v = (1 / lambda) * w
        }
        return 1.05 * lambda
    }

    private func omega(_ x: Vector) -> Vector {
        (0..<x.count).map { sampleScale[$0] * Self.sigmoid(x[$0]) }
    }

    private func sigmoidPrimeScaled(_ x: Vector) -> Vector {
        (0..<x.count).map { i in
            let s = Self.sigmoid(x[i])
            return sampleScale[i] * s * (1 - s)
        }
    }

    public func upperValues(x: Vector, y: Vector) -> Vector {
        validation.map { set in
            let losses = set.losses(y, workspace: validationWorkspace)
            return losses.reduce(0, +) / Double(set.count)
        }
    }

    public func lowerValue(x: Vector, y: Vector) -> Double {
        let losses = train.losses(y, workspace: workspace)
        let w = omega(x)
        var sum = 0.0
        for i in losses.indices { sum += w[i] * losses[i] }
        return sum + 0.5 * ridge * normSquared(y)
    }

    public func upperGradientX(_ s: Int, x: Vector, y: Vector) -> Vector { Vector(repeating: 0, count: x.count) }

    public func upperGradientY(_ s: Int, x: Vector, y: Vector) -> Vector {
        validation[s].gradient(y, rowWeights: validationWeights[s], workspace: validationWorkspace).gradient
    }

    public func lowerGradientX(x: Vector, y: Vector) -> Vector {
        hadamard(sigmoidPrimeScaled(x), train.losses(y, workspace: workspace))
    }

    public func lowerGradientY(x: Vector, y: Vector) -> Vector {
        var g = train.gradient(y, rowWeights: omega(x), workspace: workspace).gradient
        axpy(ridge, y, &g)
        return g
    }

    public func lowerHessianVector(x: Vector, y: Vector, _ v: Vector) -> Vector {
        var h = train.hessianVector(y, v, rowWeights: omega(x), workspace: workspace)
        axpy(ridge, v, &h)
        return h
    }

    public func lowerMixedVector(x: Vector, y: Vector, _ v: Vector) -> Vector {
        hadamard(sigmoidPrimeScaled(x), train.gradientDots(y, v, workspace: workspace))
    }

    /// Both products from one pass over the design (the logits of v computed once): the
    /// same numbers as ``lowerMixedVector(x:y:_:)`` and ``lowerHessianVector(x:y:_:)``.
    public func lowerMixedAndHessianVector(x: Vector, y: Vector, _ v: Vector) -> (mixed: Vector, hessian: Vector) {
        var (h, dots) = train.hessianVectorAndDots(y, v, rowWeights: omega(x), workspace: workspace)
        axpy(ridge, v, &h)
        return (hadamard(sigmoidPrimeScaled(x), dots), h)
    }
}
