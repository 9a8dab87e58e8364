import Foundation

/// Scratch memory for the fused softmax kernels, reused from call to call so that a
/// kernel call allocates nothing once the workspace has seen its shape.
///
/// A workspace serializes the calls that use it (a lock), so one problem can share
/// one workspace between threads safely; give concurrent work separate workspaces
/// to run it in parallel.
public final class SoftmaxWorkspace: @unchecked Sendable {
    let lock = NSLock()
    /// W and V with their class dimension padded to a multiple of 12 (three SIMD4 lanes).
    var paddedW: [SIMD4<Double>] = []
    var paddedV: [SIMD4<Double>] = []
    /// One padded D × C' accumulator per chunk of rows.
    var partials: [SIMD4<Double>] = []
    /// Per chunk: logits, second logits and residuals of one block of four rows.
    var blockScratch: [SIMD4<Double>] = []
    var chunkValues: [Double] = []
    /// The softmax step of the last W seen, per row: probabilities pᵢ (n × C) and
    /// losses ℓᵢ, with that W and the design they belong to. A CG solve calls the
    /// Hessian-vector product again and again at one W, and the mixed product follows
    /// at the same W: those calls reuse pᵢ instead of recomputing the logits Wᵀaᵢ (a
    /// third of a Hessian-vector product's work). The cached numbers are the very ones
    /// the kernel computed, so a result never depends on whether the cache was used.
    var probabilities: [Double] = []
    var rowLosses: [Double] = []
    var cachedW: [Double] = []
    var cachedDesign: SoftmaxDesign.Identity? = nil

    public init() {}

    func reserve(dimension D: Int, lanes: Int, chunks: Int) {
        func grow(_ a: inout [SIMD4<Double>], _ n: Int) { if a.count < n { a = Array(repeating: .zero, count: n) } }
        grow(&paddedW, D * lanes)
        grow(&paddedV, D * lanes)
        grow(&partials, chunks * D * lanes)
        grow(&blockScratch, chunks * 3 * (blockRows + 1) * lanes)
        if chunkValues.count < chunks { chunkValues = Array(repeating: 0, count: chunks) }
    }

    /// Whether the softmax step of `W` on `design` is cached.
    func holds(_ W: UnsafeBufferPointer<Double>, of design: SoftmaxDesign) -> Bool {
        guard cachedDesign === design.identity, cachedW.count == W.count else { return false }
        return cachedW.withUnsafeBytes { cached in memcmp(cached.baseAddress!, W.baseAddress!, cached.count) == 0 }
    }

    /// Makes room for the softmax step of `W` on `design` (filled by the pass that follows).
    func cache(_ W: UnsafeBufferPointer<Double>, of design: SoftmaxDesign) {
        if probabilities.count < design.count * design.classes {
            probabilities = Array(repeating: 0, count: design.count * design.classes)
        }
        if rowLosses.count < design.count { rowLosses = Array(repeating: 0, count: design.count) }
        if cachedW.count == W.count {
            cachedW.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: W) }
        } else {
            cachedW = Array(W)
        }
        cachedDesign = design.identity
    }
}
