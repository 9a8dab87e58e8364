import Foundation

/// A labelled design for multinomial logistic (softmax) regression: n samples aᵢ ∈ R^D
/// (the rows of ``features``) with labels bᵢ ∈ 0..<C.
///
/// The model is a weight matrix W ∈ R^{D×C}, stored row-major as a vector of length
/// D·C (entry (d, c) at `d * C + c`). Sample i has logits zᵢ = Wᵀaᵢ, class
/// probabilities pᵢ = softmax(zᵢ) and cross-entropy loss
///
///     ℓᵢ(W) = log Σ_c exp(z_{i,c}) − z_{i,bᵢ},
///     ∇_W ℓᵢ = aᵢ (pᵢ − e_{bᵢ})ᵀ,
///     ∇²_W ℓᵢ [V] = aᵢ (Jᵢ Vᵀaᵢ)ᵀ,   Jᵢ = diag(pᵢ) − pᵢpᵢᵀ.
///
/// There is no separate bias: a design that wants one carries a constant feature.
///
/// Every weighted sum over samples comes in two implementations with one meaning:
/// the *plain* one (``plainGradient(_:rowWeights:)`` and friends) is the formula
/// written out row by row, for reading and for the tests; the *fused* one
/// (``gradient(_:rowWeights:into:workspace:)`` and friends) is what the problems
/// call. The fused kernels read the design once per product, allocate nothing per
/// call (their scratch lives in a ``SoftmaxWorkspace``), run on a fixed partition of
/// the rows into chunks — several threads, one fixed summation order, so the same
/// bits on every run — and agree with the plain ones to rounding (≈ 1e-15 relative).
public struct SoftmaxDesign: Sendable {
    /// The n × D design, one sample per row.
    public let features: Matrix
    /// bᵢ ∈ 0..<C.
    public let labels: [Int]
    /// C, the number of classes.
    public let classes: Int
    /// Who this design is, for ``SoftmaxWorkspace``'s cache: copies share it, and a
    /// design made by ``subset(_:)``, ``relabelled(_:)`` or ``laidOut(_:)`` gets a new one.
    let identity = Identity()
    /// The nonzero entries of every row, when the kernels read the design that way
    /// (``Layout/sparse``); nil for ``Layout/dense``.
    let sparseRows: SparseLayout?

    /// How the fused kernels read the design.
    ///
    /// - `dense`: every entry, four rows at a time against tiles of W.
    /// - `sparse`: only the nonzero entries of each row (compressed sparse rows). A
    ///   product with a zero entry adds an exact zero, so skipping it changes no bit: the
    ///   two layouts give identical results, in the same summation order. Image pixels are
    ///   mostly zero (MNIST's about 81 %, Fashion-MNIST's about half), so on them the
    ///   sparse reading does a fraction of the work.
    ///
    /// A design is laid out sparse when at most ``sparseDensityLimit`` of its entries are
    /// nonzero and it has at most 255 distinct nonzero values (as 8-bit images do: the
    /// layout stores a value as a one-byte code), dense otherwise; ``laidOut(_:)`` picks
    /// one explicitly (for the tests and the benchmark).
    public enum Layout: Sendable { case dense, sparse }
    /// The largest fraction of nonzero entries for which a design is read sparse by default.
    public static let sparseDensityLimit = 0.5
    /// The layout the fused kernels use for this design.
    public var layout: Layout { sparseRows == nil ? .dense : .sparse }
    /// The fraction of the design's entries that are nonzero.
    public var density: Double {
        let nonzeros = sparseRows?.nonzeros ?? features.storage.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        return Double(nonzeros) / Double(max(1, features.storage.count))
    }
    /// The bytes a product reads from the design: 8 per entry dense; sparse, 3 per stored
    /// entry (an offset and a value code), stored once by rows and once by columns, with
    /// the padding that keeps four chains in step.
    public var bytesPerPass: Int {
        guard let layout = sparseRows else { return 8 * features.storage.count }
        return 3 * (layout.rowOffsets.count + layout.columnOffsets.count)
    }
    /// The same samples read with `layout` (a new design for the kernels' cache); `.sparse`
    /// gives a dense design when the sparse layout cannot hold it (more than 255 distinct
    /// nonzero values, or rows too long for its 16-bit offsets).
    public func laidOut(_ layout: Layout) -> SoftmaxDesign {
        SoftmaxDesign(unchecked: features, labels: labels, classes: classes, layout: layout)
    }


    /// A token compared by reference (`===`); the cache keeps the token alive, so it
    /// cannot be mistaken for a later design's.
    final class Identity: Sendable {}

    /// n, the number of samples.
    public var count: Int { features.rows }
    /// D, the number of features.
    public var dimension: Int { features.columns }
    /// D·C, the length of a weight vector.
    public var weightCount: Int { features.columns * classes }

    /// - Throws: ``InvalidInput`` when the labels do not match the rows, a label is
    ///   outside 0..<C, C < 2, or a feature is not finite.
    public init(features: Matrix, labels: [Int], classes: Int) throws {
        guard classes >= 2 else { throw InvalidInput("classes C", "\(classes)", "must be ≥ 2") }
        guard labels.count == features.rows else {
            throw InvalidInput("labels", "\(labels.count) labels for \(features.rows) rows", "need one label per row")
        }
        if let i = labels.firstIndex(where: { !(0..<classes).contains($0) }) {
            throw InvalidInput("label b_\(i)", "\(labels[i])", "must be in 0…\(classes - 1)")
        }
        guard features.storage.allSatisfy(\.isFinite) else {
            throw InvalidInput("features", "non-finite entries", "every feature must be finite")
        }
        self.features = features
        self.labels = labels
        self.classes = classes
        self.sparseRows = SparseLayout.ifSparse(features, lanes: Self.lanes(classes: classes))
    }

    /// The rows `indices` of this design, in that order.
    public func subset(_ indices: [Int]) -> SoftmaxDesign {
        var m = Matrix(rows: indices.count, columns: dimension)
        for (k, i) in indices.enumerated() {
            for d in 0..<dimension { m[k, d] = features[i, d] }
        }
        // Rows of a valid design with valid labels: nothing to check again.
        return SoftmaxDesign(unchecked: m, labels: indices.map { labels[$0] }, classes: classes)
    }

    /// The same samples with other labels (e.g. corrupted ones).
    /// - Throws: ``InvalidInput`` as ``init(features:labels:classes:)``.
    public func relabelled(_ newLabels: [Int]) throws -> SoftmaxDesign {
        try SoftmaxDesign(features: features, labels: newLabels, classes: classes)
    }

    init(unchecked features: Matrix, labels: [Int], classes: Int, layout: Layout? = nil) {
        self.features = features
        self.labels = labels
        self.classes = classes
        switch layout {
        case nil: self.sparseRows = SparseLayout.ifSparse(features, lanes: Self.lanes(classes: classes))
        case .dense: self.sparseRows = nil
        case .sparse: self.sparseRows = SparseLayout(features, lanes: Self.lanes(classes: classes))
        }
    }
}

// MARK: - The plain formulas (for reading and for the tests)

extension SoftmaxDesign {
    /// pᵢ = softmax(Wᵀaᵢ) and ℓᵢ for one sample, written out.
    func plainSoftmax(_ W: Vector, row i: Int) -> (p: Vector, loss: Double) {
        let (D, C) = (dimension, classes)
        var z = Vector(repeating: 0, count: C)
        for d in 0..<D {
            let a = features[i, d]
            for c in 0..<C { z[c] += a * W[d * C + c] }
        }
        let top = z.max()!
        let e = z.map { exp($0 - top) }
        let total = e.reduce(0, +)
        return (e.map { $0 / total }, log(total) - (z[labels[i]] - top))
    }

    /// (ℓ₁(W), …, ℓₙ(W)), written out.
    public func plainLosses(_ W: Vector) -> Vector {
        (0..<count).map { plainSoftmax(W, row: $0).loss }
    }

    /// Σᵢ ωᵢ aᵢ(pᵢ − e_{bᵢ})ᵀ as a D·C vector, written out row by row.
    public func plainGradient(_ W: Vector, rowWeights omega: Vector) -> Vector {
        let (D, C) = (dimension, classes)
        var g = Vector(repeating: 0, count: D * C)
        for i in 0..<count {
            var r = plainSoftmax(W, row: i).p
            r[labels[i]] -= 1
            for d in 0..<D {
                let a = omega[i] * features[i, d]
                for c in 0..<C { g[d * C + c] += a * r[c] }
            }
        }
        return g
    }

    /// Σᵢ ωᵢ aᵢ(Jᵢ Vᵀaᵢ)ᵀ as a D·C vector, written out row by row.
    public func plainHessianVector(_ W: Vector, _ V: Vector, rowWeights omega: Vector) -> Vector {
        let (D, C) = (dimension, classes)
        var h = Vector(repeating: 0, count: D * C)
        for i in 0..<count {
            let p = plainSoftmax(W, row: i).p
            var u = Vector(repeating: 0, count: C)
            for d in 0..<D { for c in 0..<C { u[c] += features[i, d] * V[d * C + c] } }
            let pu = dot(p, u)
            let r = (0..<C).map { p[$0] * (u[$0] - pu) }
            for d in 0..<D {
                let a = omega[i] * features[i, d]
                for c in 0..<C { h[d * C + c] += a * r[c] }
            }
        }
        return h
    }

    /// (⟨∇_W ℓᵢ(W), V⟩)ᵢ = ((Vᵀaᵢ)·(pᵢ − e_{bᵢ}))ᵢ, written out.
    public func plainGradientDots(_ W: Vector, _ V: Vector) -> Vector {
        let (D, C) = (dimension, classes)
        return (0..<count).map { i in
            var r = plainSoftmax(W, row: i).p
            r[labels[i]] -= 1
            var s = 0.0
            for d in 0..<D { for c in 0..<C { s += features[i, d] * V[d * C + c] * r[c] } }
            return s
        }
    }
}
