import Foundation

/// Pointers handed to the worker threads; the chunks they write never overlap.
private struct SharedPointers: @unchecked Sendable {
    let design: UnsafePointer<Double>
    /// The design's nonzero entries (``SoftmaxDesign/Layout/sparse``), or nil.
    let sparse: SparsePointers?
    let labels: UnsafePointer<Int>
    let omega: UnsafePointer<Double>?
    let W: UnsafePointer<SIMD4<Double>>
    let V: UnsafePointer<SIMD4<Double>>?
    let partials: UnsafeMutablePointer<SIMD4<Double>>
    let scratch: UnsafeMutablePointer<SIMD4<Double>>
    let values: UnsafeMutablePointer<Double>
    let rowOutput: UnsafeMutablePointer<Double>?
    /// The cached softmax step (pᵢ, ℓᵢ): read when `useCache`, written when `fillCache`.
    let probabilities: UnsafeMutablePointer<Double>
    let rowLosses: UnsafeMutablePointer<Double>
    let useCache: Bool
    let fillCache: Bool
}

/// What one pass over the rows computes.
private enum FusedPass {
    /// Σ ωᵢ aᵢ(pᵢ − e_{bᵢ})ᵀ and Σ ωᵢ ℓᵢ.
    case gradient
    /// Σ ωᵢ aᵢ(Jᵢ Vᵀaᵢ)ᵀ.
    case hessianVector
    /// ℓᵢ per row.
    case losses
    /// (Vᵀaᵢ)·(pᵢ − e_{bᵢ}) per row.
    case gradientDots
    /// Both of the last: Σ ωᵢ aᵢ(Jᵢ Vᵀaᵢ)ᵀ and (Vᵀaᵢ)·(pᵢ − e_{bᵢ}) per row, V's logits computed once.
    case hessianVectorAndDots
    /// argmax_c z_{i,c} per row (as a Double).
    case predictions

    var accumulates: Bool { self == .gradient || self == .hessianVector || self == .hessianVectorAndDots }
    var usesV: Bool { self == .hessianVector || self == .gradientDots || self == .hessianVectorAndDots }
}

extension SoftmaxDesign {
    /// SIMD4 lanes per padded row of W: the classes rounded up to a multiple of 12.
    var lanes: Int { Self.lanes(classes: classes) }
    static func lanes(classes: Int) -> Int { 3 * ((classes + 11) / 12) }

    /// The fixed partition of the rows: depends on n only, never on the machine, so
    /// the summation order (and every bit of the result) is the same everywhere.
    var chunkCount: Int { Self.chunkCount(rows: count) }
    static func chunkCount(rows n: Int) -> Int { max(1, min(16, n / 128)) }
    /// Designs with fewer entries than this run on the calling thread alone.
    static let parallelEntries = 1 << 17
    /// The order the threads take the chunks in: the sparse layout's longest first, else 0, 1, ….
    var chunkOrder: [Int] { sparseRows?.chunkOrder ?? Array(0..<chunkCount) }

    /// G = Σᵢ ωᵢ aᵢ(pᵢ − e_{bᵢ})ᵀ (= Σᵢ ωᵢ ∇_W ℓᵢ) into `gradient` (length D·C);
    /// returns Σᵢ ωᵢ ℓᵢ(W). Reads the design once.
    @discardableResult
    public func gradient(
        _ W: UnsafeBufferPointer<Double>, rowWeights omega: UnsafeBufferPointer<Double>,
        into gradient: UnsafeMutableBufferPointer<Double>, workspace: SoftmaxWorkspace
    ) -> Double {
        precondition(omega.count == count && gradient.count == weightCount, "gradient: sizes do not match the design")
        return fused(.gradient, W, nil, omega, accumulator: gradient, rowOutput: nil, workspace)
    }

    /// H = Σᵢ ωᵢ aᵢ(Jᵢ Vᵀaᵢ)ᵀ (= Σᵢ ωᵢ ∇²_W ℓᵢ [V]) into `product`. Reads the design once.
    public func hessianVector(
        _ W: UnsafeBufferPointer<Double>, _ V: UnsafeBufferPointer<Double>,
        rowWeights omega: UnsafeBufferPointer<Double>,
        into product: UnsafeMutableBufferPointer<Double>, workspace: SoftmaxWorkspace
    ) {
        precondition(
            omega.count == count && product.count == weightCount && V.count == weightCount,
            "hessianVector: sizes do not match the design")
        fused(.hessianVector, W, V, omega, accumulator: product, rowOutput: nil, workspace)
    }

    /// ℓᵢ(W) for every row into `losses` (length n).
    public func losses(
        _ W: UnsafeBufferPointer<Double>, into losses: UnsafeMutableBufferPointer<Double>, workspace: SoftmaxWorkspace
    ) {
        precondition(losses.count == count, "losses: need one slot per row")
        fused(.losses, W, nil, nil, accumulator: nil, rowOutput: losses, workspace)
    }

    /// ⟨∇_W ℓᵢ(W), V⟩ = (Vᵀaᵢ)·(pᵢ − e_{bᵢ}) for every row into `dots` (length n).
    public func gradientDots(
        _ W: UnsafeBufferPointer<Double>, _ V: UnsafeBufferPointer<Double>,
        into dots: UnsafeMutableBufferPointer<Double>, workspace: SoftmaxWorkspace
    ) {
        precondition(dots.count == count && V.count == weightCount, "gradientDots: sizes do not match the design")
        fused(.gradientDots, W, V, nil, accumulator: nil, rowOutput: dots, workspace)
    }

    /// ``hessianVector(_:_:rowWeights:into:workspace:)`` and ``gradientDots(_:_:into:workspace:)``
    /// from one pass (V's logits computed once): the same numbers as the two calls.
    public func hessianVectorAndDots(_ W: Vector, _ V: Vector, rowWeights omega: Vector, workspace: SoftmaxWorkspace)
        -> (product: Vector, dots: Vector)
    {
        precondition(
            W.count == weightCount && V.count == weightCount && omega.count == count,
            "hessianVectorAndDots: sizes do not match the design")
        var h = Vector(repeating: 0, count: weightCount), m = Vector(repeating: 0, count: count)
        W.withUnsafeBufferPointer { w in
            V.withUnsafeBufferPointer { v in
                omega.withUnsafeBufferPointer { o in
                    h.withUnsafeMutableBufferPointer { product in
                        m.withUnsafeMutableBufferPointer { dots in
                            _ = fused(.hessianVectorAndDots, w, v, o, accumulator: product, rowOutput: dots, workspace)
                        }
                    }
                }
            }
        }
        return (h, m)
    }

    // MARK: Array conveniences (one allocation: the result)

    /// ``gradient(_:rowWeights:into:workspace:)`` returning (G, Σ ωᵢℓᵢ).
    public func gradient(_ W: Vector, rowWeights omega: Vector, workspace: SoftmaxWorkspace) -> (
        gradient: Vector, value: Double
    ) {
        var g = Vector(repeating: 0, count: weightCount)
        let value = W.withUnsafeBufferPointer { w in
            omega.withUnsafeBufferPointer { o in
                g.withUnsafeMutableBufferPointer { gradient(w, rowWeights: o, into: $0, workspace: workspace) }
            }
        }
        return (g, value)
    }

    /// ``hessianVector(_:_:rowWeights:into:workspace:)`` as a new vector.
    public func hessianVector(_ W: Vector, _ V: Vector, rowWeights omega: Vector, workspace: SoftmaxWorkspace) -> Vector
    {
        var h = Vector(repeating: 0, count: weightCount)
        W.withUnsafeBufferPointer { w in
            V.withUnsafeBufferPointer { v in
                omega.withUnsafeBufferPointer { o in
                    h.withUnsafeMutableBufferPointer {
                        hessianVector(w, v, rowWeights: o, into: $0, workspace: workspace)
                    }
                }
            }
        }
        return h
    }

    /// ``losses(_:into:workspace:)`` as a new vector.
    public func losses(_ W: Vector, workspace: SoftmaxWorkspace) -> Vector {
        var l = Vector(repeating: 0, count: count)
        W.withUnsafeBufferPointer { w in l.withUnsafeMutableBufferPointer { losses(w, into: $0, workspace: workspace) }
        }
        return l
    }

    /// ``gradientDots(_:_:into:workspace:)`` as a new vector.
    public func gradientDots(_ W: Vector, _ V: Vector, workspace: SoftmaxWorkspace) -> Vector {
        var m = Vector(repeating: 0, count: count)
        W.withUnsafeBufferPointer { w in
            V.withUnsafeBufferPointer { v in
                m.withUnsafeMutableBufferPointer { gradientDots(w, v, into: $0, workspace: workspace) }
            }
        }
        return m
    }

    /// The predicted class argmax_c z_{i,c} of every row (ties: the smallest c).
    public func predictions(_ W: Vector, workspace: SoftmaxWorkspace) -> [Int] {
        var out = Vector(repeating: 0, count: count)
        W.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer {
                _ = fused(.predictions, w, nil, nil, accumulator: nil, rowOutput: $0, workspace)
            }
        }
        return out.map { Int($0) }
    }

    // MARK: The one fused driver

    /// Chunks of rows in parallel; within a chunk, blocks of ``blockRows`` rows: their
    /// logits (and V's) while the rows are in cache — tiled over the features so that
    /// W's tile stays in the nearest cache — the per-row softmax step, then the rows'
    /// contribution to the chunk's own accumulator, with a few of its entries at a time
    /// in registers.
    /// Chunk accumulators are summed in chunk order at the end.
    @discardableResult
    private func fused(
        _ pass: FusedPass, _ W: UnsafeBufferPointer<Double>, _ V: UnsafeBufferPointer<Double>?,
        _ omega: UnsafeBufferPointer<Double>?, accumulator: UnsafeMutableBufferPointer<Double>?,
        rowOutput: UnsafeMutableBufferPointer<Double>?, _ workspace: SoftmaxWorkspace
    ) -> Double {
        precondition(W.count == weightCount, "softmax kernel: W has length \(W.count), need D·C = \(weightCount)")
        let (D, C, L, chunks, n) = (dimension, classes, lanes, chunkCount, count)
        workspace.lock.lock()
        defer { workspace.lock.unlock() }
        workspace.reserve(dimension: D + 1, lanes: L, chunks: chunks)
        // Predictions need the logits themselves; every other pass can start from pᵢ.
        let useCache = pass != .predictions && workspace.holds(W, of: self)
        let fillCache = pass != .predictions && !useCache
        if fillCache { workspace.cache(W, of: self) }
        if !useCache { pad(W, into: &workspace.paddedW, D: D, C: C, lanes: L) }
        if let V { pad(V, into: &workspace.paddedV, D: D, C: C, lanes: L) }

        withSparsePointers { sparse in
        features.storage.withUnsafeBufferPointer { design in
            labels.withUnsafeBufferPointer { labelBuffer in
                workspace.paddedW.withUnsafeBufferPointer { w in
                    workspace.paddedV.withUnsafeBufferPointer { v in
                        workspace.partials.withUnsafeMutableBufferPointer { partials in
                            workspace.blockScratch.withUnsafeMutableBufferPointer { scratch in
                                workspace.chunkValues.withUnsafeMutableBufferPointer { values in
                                    workspace.probabilities.withUnsafeMutableBufferPointer { probabilities in
                                        workspace.rowLosses.withUnsafeMutableBufferPointer { rowLosses in
                                            let shared = SharedPointers(
                                                design: design.baseAddress!, sparse: sparse,
                                                labels: labelBuffer.baseAddress!,
                                                omega: omega?.baseAddress,
                                                W: w.baseAddress!, V: pass.usesV ? v.baseAddress! : nil,
                                                partials: partials.baseAddress!,
                                                scratch: scratch.baseAddress!, values: values.baseAddress!,
                                                rowOutput: rowOutput?.baseAddress,
                                                probabilities: probabilities.baseAddress!,
                                                rowLosses: rowLosses.baseAddress!,
                                                useCache: useCache, fillCache: fillCache)
                                            // Largest chunks first (sparse rows differ in length), so that the
                                            // threads finish together; each chunk still writes its own
                                            // accumulator, added in chunk order below.
                                            // A small design runs its chunks on this thread: waking the
                                            // others would cost more than the work (the same chunks, so
                                            // the same bits).
                                            let order = chunkOrder
                                            let run: @Sendable (Int) -> Void = { i in
                                                let k = order[i]
                                                runChunk(
                                                    pass, k, rows: (k * n / chunks)..<((k + 1) * n / chunks), shared,
                                                    D: D, C: C, lanes: L)
                                            }
                                            if n * D < Self.parallelEntries {
                                                for i in 0..<chunks { run(i) }
                                            } else {
                                                DispatchQueue.concurrentPerform(iterations: chunks, execute: run)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        }

        guard let accumulator else { return 0 }
        // Sum the chunk accumulators in chunk order, dropping the padding.
        workspace.partials.withUnsafeBufferPointer { partials in
            partials.baseAddress!.withMemoryRebound(to: Double.self, capacity: chunks * (D + 1) * L * 4) { p in
                // Chunk by chunk (memory in order); every entry still receives its chunks'
                // values in chunk order, starting from 0, as a sum per entry would.
                let stride = 4 * L
                accumulator.update(repeating: 0)
                for k in 0..<chunks {
                    let chunk = p + k * (D + 1) * stride
                    for d in 0..<D {
                        for c in 0..<C { accumulator[d * C + c] += chunk[d * stride + c] }
                    }
                }
            }
        }
        var total = 0.0
        for k in 0..<chunks { total += workspace.chunkValues[k] }
        return total
    }

    /// The sparse rows' storage as pointers (nil for a dense design), for the duration of `body`.
    private func withSparsePointers(_ body: (SparsePointers?) -> Void) {
        guard let layout = sparseRows else { return body(nil) }
        layout.withPointers { body($0) }
    }

    private func pad(_ M: UnsafeBufferPointer<Double>, into padded: inout [SIMD4<Double>], D: Int, C: Int, lanes: Int) {
        padded.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: Double.self, capacity: D * lanes * 4) { p in
                let stride = 4 * lanes
                for d in 0..<D {
                    for c in 0..<stride { p[d * stride + c] = c < C ? M[d * C + c] : 0 }
                }
            }
        }
    }

    private func runChunk(
        _ pass: FusedPass, _ k: Int, rows: Range<Int>, _ s: SharedPointers, D: Int, C: Int, lanes L: Int
    ) {
        // The chunk's accumulator: D rows, and a spare one the sparse layout's padding writes to.
        let partial = s.partials + k * (D + 1) * L
        if pass.accumulates { partial.update(repeating: .zero, count: D * L) }
        var block = s.sparse?.chunkBlock[k] ?? 0
        // blockRows rows × L lanes each, and a spare row the sparse layout's padding writes to.
        let z = s.scratch + k * 3 * (blockRows + 1) * L
        let u = z + (blockRows + 1) * L
        let r = u + (blockRows + 1) * L
        let zd = UnsafeMutableRawPointer(z).assumingMemoryBound(to: Double.self)
        let ud = UnsafeMutableRawPointer(u).assumingMemoryBound(to: Double.self)
        let rd = UnsafeMutableRawPointer(r).assumingMemoryBound(to: Double.self)
        let stride = 4 * L
        var value = 0.0
        var start = rows.lowerBound
        while start < rows.upperBound {
            // A block of up to `blockRows` rows; its logits are computed in groups of
            // four, where rows past the block's end repeat its last row (their logits
            // are never read). The accumulation takes the `valid` rows only.
            let valid = min(blockRows, rows.upperBound - start)
            let groups = (valid + 3) / 4
            func row(_ j: Int) -> UnsafePointer<Double> { s.design + (start + min(j, valid - 1)) * D }
            if !s.useCache { z.update(repeating: .zero, count: groups * 4 * L) }
            if s.V != nil { u.update(repeating: .zero, count: groups * 4 * L) }
            if let sparse = s.sparse {
                // Logits from the nonzero entries: the block's runs, tile by tile, four rows each.
                for run in sparse.blockRowRun[block]..<sparse.blockRowRun[block + 1] {
                    let steps = sparse.rowRuns[run]..<sparse.rowRuns[run + 1]
                    let (c, a, t) = (sparse.rowOffsets, sparse.rowCodes, sparse.table)
                    let rows = UnsafeRawPointer(sparse.runRows + 4 * run).loadUnaligned(as: UInt64.self)
                    if !s.useCache { sparseLogits4(c, a, t, steps: steps, s.W, lanes: L, rows: rows, into: z) }
                    if let V = s.V { sparseLogits4(c, a, t, steps: steps, V, lanes: L, rows: rows, into: u) }
                }
            }
            // Logits, one tile of features at a time: the tile of W stays in the
            // nearest cache while every group of rows passes over it.
            for d0 in Swift.stride(from: 0, to: s.sparse == nil ? D : 0, by: tileFeatures) {
                let width = min(tileFeatures, D - d0)
                for q in 0..<groups {
                    let j = 4 * q
                    if !s.useCache {
                        logits4(
                            row(j) + d0, row(j + 1) + d0, row(j + 2) + d0, row(j + 3) + d0, D: width,
                            s.W + d0 * L, lanes: L, into: z + j * L)
                    }
                    if let V = s.V {
                        logits4(
                            row(j) + d0, row(j + 1) + d0, row(j + 2) + d0, row(j + 3) + d0, D: width,
                            V + d0 * L, lanes: L, into: u + j * L)
                    }
                }
            }
            if pass.accumulates { r.update(repeating: .zero, count: groups * 4 * L) }
            for j in 0..<valid {
                let i = start + j
                let zj = zd + j * stride
                let b = s.labels[i]
                if pass == .predictions {
                    var best = 0
                    for c in 1..<C where zj[c] > zj[best] { best = c }
                    s.rowOutput![i] = Double(best)
                    continue
                }
                let loss: Double
                if s.useCache {
                    for c in 0..<C { zj[c] = s.probabilities[i * C + c] }
                    loss = s.rowLosses[i]
                } else {
                    // Softmax in place: zj ← p, and the loss ℓ = log Σ e^{z−top} − (z_b − top).
                    var top = zj[0]
                    for c in 1..<C { top = max(top, zj[c]) }
                    let shiftedLabelLogit = zj[b] - top
                    var total = 0.0
                    for c in 0..<C {
                        let e = exp(zj[c] - top)
                        zj[c] = e
                        total += e
                    }
                    loss = log(total) - shiftedLabelLogit
                    for c in 0..<C { zj[c] /= total }
                    if s.fillCache {
                        for c in 0..<C { s.probabilities[i * C + c] = zj[c] }
                        s.rowLosses[i] = loss
                    }
                }
                switch pass {
                case .gradient:
                    let w = s.omega![i]
                    value += w * loss
                    for c in 0..<C { rd[j * stride + c] = w * (c == b ? zj[c] - 1 : zj[c]) }
                case .hessianVector, .hessianVectorAndDots:
                    let w = s.omega![i]
                    let uj = ud + j * stride
                    var pu = 0.0
                    for c in 0..<C { pu += zj[c] * uj[c] }
                    for c in 0..<C { rd[j * stride + c] = w * zj[c] * (uj[c] - pu) }
                case .losses:
                    s.rowOutput![i] = loss
                case .gradientDots, .predictions:
                    break
                }
                if pass == .gradientDots || pass == .hessianVectorAndDots {
                    let uj = ud + j * stride
                    var dotValue = 0.0
                    for c in 0..<C { dotValue += uj[c] * (c == b ? zj[c] - 1 : zj[c]) }
                    s.rowOutput![i] = dotValue
                }
            }
            if pass.accumulates {
                // The transposed accumulation: three features × twelve classes of the
                // chunk's accumulator stay in registers while the block's rows (still
                // in cache) add to them one after another.
                if let sparse = s.sparse {
                    for group in sparse.blockColumnGroup[block]..<sparse.blockColumnGroup[block + 1] {
                        sparseAccumulate4(
                            sparse.groupColumns[group], sparse.columnOffsets, sparse.columnCodes, sparse.table,
                            steps: sparse.columnRuns[group]..<sparse.columnRuns[group + 1], residuals: r, lanes: L,
                            into: partial)
                    }
                } else {
                    accumulateRows(row(0), rowStride: D, count: valid, residuals: r, lanes: L, into: partial)
                }
            }
            start += blockRows
            block += 1
        }
        s.values[k] = value
    }
}
