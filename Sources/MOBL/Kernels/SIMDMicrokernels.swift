// The SIMD microkernels of the fused softmax kernels (FusedSoftmaxKernels.swift): the
// logits of four rows at a time and the accumulation of a block's gradient, written with
// SIMD4<Double> multiply–adds, and the block and tile sizes they are tuned for.

/// Rows per block: the block's rows are read from memory once and then stay in the
/// second-level cache for the logits, the softmax step and the accumulation.
let blockRows = 32
/// Features per tile of the logits: a tile of W, 128 × 12 classes × 8 bytes = 12 KB,
/// fits the first-level cache while a block's rows pass over it.
let tileFeatures = 128

/// Logits of four rows over D features: out[j·L + l] += Σ_d a_j[d] · W[d·L + l] for the L SIMD4 lanes,
/// twelve classes (three lanes) at a time, so that twelve accumulators stay in
/// registers while the four rows stream through once per twelve classes.
@inline(__always)
func logits4(
    _ a0: UnsafePointer<Double>, _ a1: UnsafePointer<Double>, _ a2: UnsafePointer<Double>, _ a3: UnsafePointer<Double>,
    D: Int, _ W: UnsafePointer<SIMD4<Double>>, lanes L: Int, into out: UnsafeMutablePointer<SIMD4<Double>>
) {
    for g in Swift.stride(from: 0, to: L, by: 3) {
        var z00 = out[g], z01 = out[g + 1], z02 = out[g + 2]
        var z10 = out[L + g], z11 = out[L + g + 1], z12 = out[L + g + 2]
        var z20 = out[2 * L + g], z21 = out[2 * L + g + 1], z22 = out[2 * L + g + 2]
        var z30 = out[3 * L + g], z31 = out[3 * L + g + 1], z32 = out[3 * L + g + 2]
        var w = W + g
        for d in 0..<D {
            let w0 = w[0], w1 = w[1], w2 = w[2]
            let b0 = SIMD4(repeating: a0[d]), b1 = SIMD4(repeating: a1[d])
            let b2 = SIMD4(repeating: a2[d]), b3 = SIMD4(repeating: a3[d])
            z00 = z00.addingProduct(b0, w0)
            z01 = z01.addingProduct(b0, w1)
            z02 = z02.addingProduct(b0, w2)
            z10 = z10.addingProduct(b1, w0)
            z11 = z11.addingProduct(b1, w1)
            z12 = z12.addingProduct(b1, w2)
            z20 = z20.addingProduct(b2, w0)
            z21 = z21.addingProduct(b2, w1)
            z22 = z22.addingProduct(b2, w2)
            z30 = z30.addingProduct(b3, w0)
            z31 = z31.addingProduct(b3, w1)
            z32 = z32.addingProduct(b3, w2)
            w += L
        }
        out[g] = z00
        out[g + 1] = z01
        out[g + 2] = z02
        out[L + g] = z10
        out[L + g + 1] = z11
        out[L + g + 2] = z12
        out[2 * L + g] = z20
        out[2 * L + g + 1] = z21
        out[2 * L + g + 2] = z22
        out[3 * L + g] = z30
        out[3 * L + g + 1] = z31
        out[3 * L + g + 2] = z32
    }
}

/// G[d] += Σ_j a_j[d] · r_j over `count` consecutive rows a_j (stride D) and their
/// residuals r_j (L lanes each), rows in order. Three features × twelve classes of G
/// are held in nine registers while the rows stream past, so G is read and written
/// once per block instead of once per row.
@inline(__always)
func accumulateRows(
    _ a: UnsafePointer<Double>, rowStride D: Int, count: Int, residuals r: UnsafePointer<SIMD4<Double>>,
    lanes L: Int, into G: UnsafeMutablePointer<SIMD4<Double>>
) {
    for g in Swift.stride(from: 0, to: L, by: 3) {
        var d = 0
        while d + 3 <= D {
            let p0 = G + d * L + g, p1 = p0 + L, p2 = p1 + L
            var g00 = p0[0], g01 = p0[1], g02 = p0[2]
            var g10 = p1[0], g11 = p1[1], g12 = p1[2]
            var g20 = p2[0], g21 = p2[1], g22 = p2[2]
            var row = a + d
            var residual = r + g
            for _ in 0..<count {
                let b0 = SIMD4(repeating: row[0]), b1 = SIMD4(repeating: row[1]), b2 = SIMD4(repeating: row[2])
                let r0 = residual[0], r1 = residual[1], r2 = residual[2]
                g00 = g00.addingProduct(b0, r0)
                g01 = g01.addingProduct(b0, r1)
                g02 = g02.addingProduct(b0, r2)
                g10 = g10.addingProduct(b1, r0)
                g11 = g11.addingProduct(b1, r1)
                g12 = g12.addingProduct(b1, r2)
                g20 = g20.addingProduct(b2, r0)
                g21 = g21.addingProduct(b2, r1)
                g22 = g22.addingProduct(b2, r2)
                row += D
                residual += L
            }
            p0[0] = g00
            p0[1] = g01
            p0[2] = g02
            p1[0] = g10
            p1[1] = g11
            p1[2] = g12
            p2[0] = g20
            p2[1] = g21
            p2[2] = g22
            d += 3
        }
        while d < D {
            let p0 = G + d * L + g
            var g00 = p0[0], g01 = p0[1], g02 = p0[2]
            var row = a + d
            var residual = r + g
            for _ in 0..<count {
                let b0 = SIMD4(repeating: row[0])
                g00 = g00.addingProduct(b0, residual[0])
                g01 = g01.addingProduct(b0, residual[1])
                g02 = g02.addingProduct(b0, residual[2])
                row += D
                residual += L
            }
            p0[0] = g00
            p0[1] = g01
            p0[2] = g02
            d += 1
        }
    }
}

