import Foundation
import MOBL
import Testing

/// A random design: features in [0, 1) with a constant last feature, labels uniform.
private func randomDesign(rows n: Int, features D: Int, classes C: Int, _ rng: inout SeededGenerator) throws -> SoftmaxDesign {
    var m = Matrix(rows: n, columns: D)
    for i in 0..<n {
        for d in 0..<(D - 1) { m[i, d] = rng.uniform() }
        m[i, D - 1] = 1
    }
    return try SoftmaxDesign(features: m, labels: (0..<n).map { _ in rng.integer(below: C) }, classes: C)
}

/// A small two-domain problem and a random point (x, W).
private func smallProblem(seed: UInt64 = 3) throws -> (HyperCleaning, x: Vector, W: Vector, domains: [CleaningDomain]) {
    var rng = SeededGenerator(seed: seed)
    let domains = try (0..<2).map { k in
        try CleaningDomain(name: "domain \(k)", samples: randomDesign(rows: 40, features: 5, classes: 4, &rng),
                           sizes: .init(train: 14, validation: 9, selection: 5, test: 6), corruption: 0.5, using: &rng)
    }
    let problem = try HyperCleaning(domains: domains, ridge: 0.05)
    let x = rng.gaussianVector(problem.upperDimension)
    let W = (0..<problem.lowerDimension).map { _ in 0.7 * rng.gaussian() }
    return (problem, x, W, domains)
}


@Suite("Hyper-cleaning: softmax oracles and fused kernels")
struct HyperCleaningTests {
    @Test("Every oracle against finite differences")
    func oraclesAgainstFiniteDifferences() throws {
        let (problem, x, W, _) = try smallProblem()
        var rng = SeededGenerator(seed: 9)
        let V = rng.gaussianVector(problem.lowerDimension)

        let gW = problem.lowerGradientY(x: x, y: W)
        #expect(relativeError(gW, numericalGradient({ problem.lowerValue(x: x, y: $0) }, at: W)) < 1e-7)
        let gx = problem.lowerGradientX(x: x, y: W)
        #expect(relativeError(gx, numericalGradient({ problem.lowerValue(x: $0, y: W) }, at: x)) < 1e-7)
        for s in 0..<2 {
            let fW = problem.upperGradientY(s, x: x, y: W)
            #expect(relativeError(fW, numericalGradient({ problem.upperValues(x: x, y: $0)[s] }, at: W)) < 1e-7)
            #expect(problem.upperGradientX(s, x: x, y: W).allSatisfy { $0 == 0 })
        }
        let hv = problem.lowerHessianVector(x: x, y: W, V)
        #expect(relativeError(hv, numericalDirectional({ problem.lowerGradientY(x: x, y: $0) }, at: W, along: V)) < 1e-7)
        let mv = problem.lowerMixedVector(x: x, y: W, V)
        #expect(relativeError(mv, numericalDirectional({ problem.lowerGradientX(x: x, y: $0) }, at: W, along: V)) < 1e-7)
    }

    /// H = Σᵢ ωᵢ (aᵢaᵢᵀ) ⊗ Jᵢ + cI, entry ((d, c), (d', c')) = Σᵢ ωᵢ a_{id} a_{id'} Jᵢ[c, c'] + c δ.
    private func denseHessian(_ problem: HyperCleaning, x: Vector, W: Vector, domains: [CleaningDomain]) -> Matrix {
        let design = problem.train
        let (D, C) = (design.dimension, design.classes)
        var H = Matrix.identity(D * C)
        for k in 0..<(D * C) { H[k, k] = problem.ridge }
        let sizes = domains.map(\.train.count)
        for i in 0..<design.count {
            let omega = HyperCleaning.sigmoid(x[i]) / Double(sizes[problem.domainOfSample[i]])
            var z = Vector(repeating: 0, count: C)
            for d in 0..<D { for c in 0..<C { z[c] += design.features[i, d] * W[d * C + c] } }
            let e = z.map { exp($0 - z.max()!) }
            let p = e.map { $0 / e.reduce(0, +) }
            for d in 0..<D { for d2 in 0..<D { for c in 0..<C { for c2 in 0..<C {
                let J = (c == c2 ? p[c] : 0) - p[c] * p[c2]
                H[d * C + c, d2 * C + c2] += omega * design.features[i, d] * design.features[i, d2] * J
            } } } }
        }
        return H
    }

    @Test("The Hessian-vector product against a dense Hessian; the Hessian is symmetric positive definite")
    func hessianVectorAgainstDenseHessian() throws {
        let (problem, x, W, domains) = try smallProblem()
        let H = denseHessian(problem, x: x, W: W, domains: domains)
        #expect(H.isSymmetric(tolerance: 1e-14))
        let eigenvalues = try symmetricEigenvalues(H)
        #expect(eigenvalues.first! >= problem.ridge * (1 - 1e-10))
        #expect(eigenvalues.last! <= problem.lowerCurvature(x: x)!.L)
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<5 {
            let V = rng.gaussianVector(problem.lowerDimension)
            #expect(relativeError(problem.lowerHessianVector(x: x, y: W, V), H.times(V)) < 1e-13)
        }
    }

    @Test("Hypergradients (AID with CG at W*) against a dense implicit-function solve")
    func hypergradientsAgainstDenseSolve() throws {
        let (problem, x, _, domains) = try smallProblem()
        let oracles = CountedOracles(problem)
        let L = problem.lowerCurvature(x: x)!.L
        let inner = try solveLowerLevel(oracles, x: x, start: Vector(repeating: 0, count: problem.lowerDimension),
                                        stepSize: 1 / L, tolerance: 1e-12)
        let Wstar = inner.y
        let H = denseHessian(problem, x: x, W: Wstar, domains: domains)
        // Mixed matrix, row i: σ'(xᵢ)/N_d · vec(aᵢ(pᵢ − e_{bᵢ})ᵀ), via gradientDots on unit vectors.
        let design = problem.train
        let sizes = domains.map(\.train.count)
        for s in 0..<2 {
            let b = problem.upperGradientY(s, x: x, y: Wstar)
            let v = try #require(solveLinearSystem(H, b))
            let dots = design.plainGradientDots(Wstar, v)
            let exact = (0..<design.count).map { i -> Double in
                let sigma = HyperCleaning.sigmoid(x[i])
                return -sigma * (1 - sigma) / Double(sizes[problem.domainOfSample[i]]) * dots[i]
            }
            let aid = try aidHypergradient(oracles, objective: s, x: x, y: Wstar,
                                           solver: .conjugateGradient(.tolerance(relativeResidual: 1e-13, maxIterations: 500)))
            #expect(relativeError(aid.gradient, exact) < 1e-8)
        }
    }

    @Test("Fused kernels equal the plain formulas to 1e-12 (rows not a multiple of 4, several chunks, C = 10 and 13)",
          arguments: [(1037, 10), (301, 13), (3, 2)])
    func fusedAgainstPlain(rows: Int, classes: Int) throws {
        var rng = SeededGenerator(seed: UInt64(rows))
        let design = try randomDesign(rows: rows, features: 23, classes: classes, &rng)
        let W = (0..<design.weightCount).map { _ in rng.gaussian() }
        let V = rng.gaussianVector(design.weightCount)
        let omega = (0..<rows).map { _ in rng.uniform() }
        let workspace = SoftmaxWorkspace()
        let fused = design.gradient(W, rowWeights: omega, workspace: workspace)
        #expect(relativeError(fused.gradient, design.plainGradient(W, rowWeights: omega)) < 1e-12)
        let plainLosses = design.plainLosses(W)
        #expect(abs(fused.value - zip(omega, plainLosses).map(*).reduce(0, +)) < 1e-12 * abs(fused.value))
        #expect(relativeError(design.hessianVector(W, V, rowWeights: omega, workspace: workspace),
                              design.plainHessianVector(W, V, rowWeights: omega)) < 1e-12)
        #expect(relativeError(design.losses(W, workspace: workspace), plainLosses) < 1e-12)
        #expect(relativeError(design.gradientDots(W, V, workspace: workspace), design.plainGradientDots(W, V)) < 1e-12)
        let argmax = (0..<rows).map { i -> Int in
            var z = Vector(repeating: 0, count: classes)
            for d in 0..<design.dimension { for c in 0..<classes { z[c] += design.features[i, d] * W[d * classes + c] } }
            return z.indices.max { z[$0] < z[$1] || (z[$0] == z[$1] && $0 > $1) }!
        }
        #expect(design.predictions(W, workspace: workspace) == argmax)
    }

    @Test("The sparse layout gives the dense layout's results to the bit, and the plain formulas' to 1e-12",
          arguments: [(1037, 10, 0.2), (301, 13, 0.5), (3, 2, 0.0), (130, 10, 1.0)])
    func sparseLayout(rows: Int, classes: Int, density: Double) throws {
        var rng = SeededGenerator(seed: UInt64(rows) &+ 17)
        // Image-like rows: each feature nonzero with probability `density`, rows of
        // different lengths, some rows empty but for the constant feature.
        var m = Matrix(rows: rows, columns: 41)
        for i in 0..<rows {
            let rowDensity = i % 7 == 0 ? 0 : density * (0.5 + rng.uniform())
            // Values as an image's: k/255 (255 distinct nonzero values at most), some negative.
            for d in 0..<40 where rng.uniform() < rowDensity { m[i, d] = Double(rng.integer(below: 255) - 60) / 255 }
            m[i, 40] = 1
        }
        let automatic = try SoftmaxDesign(features: m, labels: (0..<rows).map { _ in rng.integer(below: classes) }, classes: classes)
        let dense = automatic.laidOut(.dense), sparse = automatic.laidOut(.sparse)
        #expect(dense.layout == .dense && sparse.layout == .sparse)
        #expect(automatic.layout == (automatic.density <= SoftmaxDesign.sparseDensityLimit ? .sparse : .dense))
        let W = rng.gaussianVector(dense.weightCount), V = rng.gaussianVector(dense.weightCount)
        let omega = (0..<rows).map { _ in rng.uniform() }
        // More than 255 distinct values: the sparse layout cannot hold them, the design stays dense.
        var many = m
        for i in 0..<rows { many[i, 0] = 1 + Double(i) / 1000 }
        let distinct = Set(many.storage.filter { $0 != 0 }).count
        #expect(try SoftmaxDesign(features: many, labels: automatic.labels, classes: classes).laidOut(.sparse).layout
                == (distinct > 255 ? .dense : .sparse))
        // A fresh workspace for each pass, and one shared (the cached softmax step).
        for workspace in [SoftmaxWorkspace(), SoftmaxWorkspace()] {
            let (gd, gs) = (dense.gradient(W, rowWeights: omega, workspace: workspace),
                            sparse.gradient(W, rowWeights: omega, workspace: workspace))
            #expect(gd.gradient == gs.gradient && gd.value == gs.value)
            #expect(dense.hessianVector(W, V, rowWeights: omega, workspace: workspace)
                    == sparse.hessianVector(W, V, rowWeights: omega, workspace: SoftmaxWorkspace()))
            #expect(dense.hessianVector(W, V, rowWeights: omega, workspace: workspace)
                    == sparse.hessianVector(W, V, rowWeights: omega, workspace: workspace))
            #expect(dense.losses(W, workspace: workspace) == sparse.losses(W, workspace: workspace))
            #expect(dense.gradientDots(W, V, workspace: workspace) == sparse.gradientDots(W, V, workspace: workspace))
            #expect(dense.predictions(W, workspace: workspace) == sparse.predictions(W, workspace: workspace))
            // The shared pass of ITD's reverse step: the two products' very numbers.
            for design in [dense, sparse] {
                let both = design.hessianVectorAndDots(W, V, rowWeights: omega, workspace: SoftmaxWorkspace())
                #expect(both.product == design.hessianVector(W, V, rowWeights: omega, workspace: workspace))
                #expect(both.dots == design.gradientDots(W, V, workspace: workspace))
            }
            #expect(relativeError(gs.gradient, sparse.plainGradient(W, rowWeights: omega)) < 1e-12)
            #expect(relativeError(sparse.hessianVector(W, V, rowWeights: omega, workspace: workspace),
                                  sparse.plainHessianVector(W, V, rowWeights: omega)) < 1e-12)
        }
    }

    @Test("Fused kernels are deterministic: the same bits on every call, with a fresh or a reused workspace")
    func fusedDeterministic() throws {
        var rng = SeededGenerator(seed: 5)
        let design = try randomDesign(rows: 2049, features: 31, classes: 10, &rng)
        let other = try randomDesign(rows: 50, features: 7, classes: 3, &rng)
        let W = rng.gaussianVector(design.weightCount), V = rng.gaussianVector(design.weightCount)
        let omega = (0..<design.count).map { _ in rng.uniform() }
        let shared = SoftmaxWorkspace()
        let first = design.hessianVector(W, V, rowWeights: omega, workspace: shared)
        _ = other.gradient(rng.gaussianVector(other.weightCount), rowWeights: Vector(repeating: 1, count: 50), workspace: shared)
        #expect(design.hessianVector(W, V, rowWeights: omega, workspace: shared) == first)
        #expect(design.hessianVector(W, V, rowWeights: omega, workspace: SoftmaxWorkspace()) == first)
        let g = design.gradient(W, rowWeights: omega, workspace: shared)
        #expect(design.gradient(W, rowWeights: omega, workspace: SoftmaxWorkspace()).gradient == g.gradient)
    }

    @Test("The cached softmax step never changes a result: same W, another W, another design of the same shape")
    func softmaxCache() throws {
        var rng = SeededGenerator(seed: 6)
        let design = try randomDesign(rows: 700, features: 13, classes: 10, &rng)
        let twin = try design.relabelled(design.labels.map { ($0 + 1) % 10 })    // same features, other labels
        let W1 = rng.gaussianVector(design.weightCount), W2 = rng.gaussianVector(design.weightCount)
        let V = rng.gaussianVector(design.weightCount)
        let omega = (0..<design.count).map { _ in rng.uniform() }
        let shared = SoftmaxWorkspace()
        func fresh(_ d: SoftmaxDesign, _ W: Vector) -> (Vector, Vector, Vector, Vector) {
            let w = SoftmaxWorkspace()
            return (d.hessianVector(W, V, rowWeights: omega, workspace: w), d.gradientDots(W, V, workspace: SoftmaxWorkspace()),
                    d.losses(W, workspace: SoftmaxWorkspace()), d.gradient(W, rowWeights: omega, workspace: SoftmaxWorkspace()).gradient)
        }
        for (d, W) in [(design, W1), (design, W1), (design, W2), (twin, W2), (design, W2), (design, W1)] {
            let expected = fresh(d, W)
            // The first call may fill the cache, the following ones read it.
            #expect(d.hessianVector(W, V, rowWeights: omega, workspace: shared) == expected.0)
            #expect(d.hessianVector(W, V, rowWeights: omega, workspace: shared) == expected.0)
            #expect(d.gradientDots(W, V, workspace: shared) == expected.1)
            #expect(d.losses(W, workspace: shared) == expected.2)
            #expect(d.gradient(W, rowWeights: omega, workspace: shared).gradient == expected.3)
        }
        #expect(twin.losses(W1, workspace: shared) != design.losses(W1, workspace: shared))
    }

    @Test("Splits are disjoint and exactly half of the training labels are corrupted, each to another class")
    func corruption() throws {
        var rng = SeededGenerator(seed: 11)
        let samples = try randomDesign(rows: 500, features: 3, classes: 10, &rng)
        // Tag each sample by its first feature to recover where the splits came from.
        let domain = try CleaningDomain(name: "tagged", samples: samples, sizes: .init(train: 201, validation: 50, selection: 50, test: 100),
                                        corruption: 0.5, using: &rng)
        #expect(domain.corrupted.filter { $0 }.count == 101)          // round(0.5 · 201) = 100.5 → 101
        for i in 0..<domain.train.count {
            #expect(domain.corrupted[i] == (domain.train.labels[i] != domain.cleanTrainLabels[i]))
            #expect((0..<10).contains(domain.train.labels[i]))
        }
        let tags = [domain.train, domain.validation, domain.selection, domain.test].flatMap { set in (0..<set.count).map { set.features[$0, 0] } }
        #expect(Set(tags).count == tags.count)
    }

    @Test("Bad input is refused, naming the value and the rule")
    func badInput() throws {
        var rng = SeededGenerator(seed: 1)
        let m = Matrix(rows: 2, columns: 3)
        #expect(throws: InvalidInput("label b_1", "10", "must be in 0…9")) {
            try SoftmaxDesign(features: m, labels: [0, 10], classes: 10)
        }
        #expect(throws: InvalidInput.self) { try SoftmaxDesign(pixels: [1, 2, 3], count: 2, pixelsPerImage: 2, labels: [0, 1], classes: 10) }
        let samples = try randomDesign(rows: 20, features: 3, classes: 4, &rng)
        #expect(throws: InvalidInput.self) {
            try CleaningDomain(name: "small", samples: samples, sizes: .init(train: 10, validation: 5, selection: 5, test: 5), corruption: 0.5, using: &rng)
        }
        #expect(throws: InvalidInput.self) {
            try CleaningDomain(name: "small", samples: samples, sizes: .init(train: 5, validation: 5, selection: 5, test: 5), corruption: 1.5, using: &rng)
        }
        let domain = try CleaningDomain(name: "ok", samples: samples, sizes: .init(train: 5, validation: 5, selection: 5, test: 5), corruption: 0.5, using: &rng)
        #expect(throws: InvalidInput.self) { try HyperCleaning(domains: [domain], ridge: 0) }
    }
}

@Suite("Hyper-cleaning: the synthetic two-domain pair")
struct SyntheticCleaningTests {
    @Test("Sizes, 50 % corruption to another class, and the planted conflict on the shared block")
    func plantedConflict() throws {
        var rng = SeededGenerator(seed: 11)
        let sizes = CleaningDomain.Sizes(train: 400, validation: 50, selection: 50, test: 2000)
        let pair = try CleaningDomain.syntheticPair(sizes: sizes, features: 6, classes: 4, conflicted: 2, separation: 3,
                                                    corruption: 0.5, using: &rng)
        #expect(pair.map(\.name) == ["A", "B"])
        for domain in pair {
            #expect(domain.train.count == 400 && domain.test.count == 2000 && domain.train.dimension == 7)
            #expect(domain.corrupted.filter { $0 }.count == 200)
            for i in 0..<400 { #expect(domain.corrupted[i] == (domain.train.labels[i] != domain.cleanTrainLabels[i])) }
            #expect((0..<2000).allSatisfy { domain.test.features[$0, 6] == 1 })
        }
        // Class means on the test sets: on the shared block (features 0, 1, 2) B's classes 0
        // and 1 sit at A's classes 1 and 0; on the agreeing block and for classes 2, 3 they match.
        func mean(_ d: SoftmaxDesign, _ c: Int, _ f: Int) -> Double {
            let rows = (0..<d.count).filter { d.labels[$0] == c }
            return rows.map { d.features[$0, f] }.reduce(0, +) / Double(rows.count)
        }
        let (a, b) = (pair[0].test, pair[1].test)
        let tolerance = 0.25      // ≈ 5 standard errors with ~500 samples per class
        for f in 0..<3 {
            #expect(abs(mean(b, 0, f) - mean(a, 1, f)) < tolerance && abs(mean(b, 1, f) - mean(a, 0, f)) < tolerance)
            for c in 2..<4 { #expect(abs(mean(b, c, f) - mean(a, c, f)) < tolerance) }
        }
        for f in 3..<6 { for c in 0..<4 { #expect(abs(mean(b, c, f) - mean(a, c, f)) < tolerance) } }
        // Somewhere on the shared block the conflicted classes really differ.
        #expect((0..<3).map { abs(mean(a, 0, $0) - mean(a, 1, $0)) }.max()! > 1)
        #expect(throws: InvalidInput.self) {
            try CleaningDomain.syntheticPair(sizes: sizes, features: 6, classes: 4, conflicted: 1, separation: 3, corruption: 0.5, using: &rng)
        }
        #expect(throws: InvalidInput.self) {
            try CleaningDomain.syntheticPair(sizes: sizes, features: 1, classes: 4, conflicted: 0, separation: 3, corruption: 0.5, using: &rng)
        }
    }
}
