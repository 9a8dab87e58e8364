// The sparse layout of a design (SoftmaxDesign.Layout.sparse): its nonzero entries,
// arranged in the order the fused kernels visit them, and the two microkernels that
// read them. Image pixels are mostly zero, and a multiply–add with a zero entry adds an
// exact zero, so reading only the nonzero entries — in the dense kernels' order —
// gives the dense kernels' results to the bit for a fraction of the work.
//
// Why four at a time, and why the padding is exact: a multiply–add chain on one
// accumulator waits for the previous one (a few cycles), so the kernels advance four
// independent chains together — four rows for the logits, four columns of G for the
// accumulation. Chains of different lengths are padded to the longest with entries of
// value 0. A padded step adds ±0 to an accumulator that started at +0 and, under
// round-to-nearest, can never become −0 (an exact zero sum is +0), so it changes no bit.

/// A design's nonzero entries, as the fused kernels read them (see the file comment).
///
/// The rows are cut as ``SoftmaxDesign/fused`` cuts them: `chunkCount` chunks, each in
/// blocks of ``blockRows`` rows. Per block:
/// - **logits**: for each tile of ``tileFeatures`` features, the rows longest first in
///   groups of four (their places in the block's logits, ``runRows``), each group a run
///   of steps, each step one entry of each of the four rows, in increasing column order
///   per row;
/// - **accumulation**: the block's nonzero columns, longest first, in groups of four
///   (the missing ones of the last group point at a spare row `D` of the accumulator), each
///   group a run of steps, each step one entry of each of the four columns (row within
///   the block and value), in increasing row order per column.
struct SparseLayout: Sendable {
    let nonzeros: Int
    /// Logits: the steps' columns and values, the runs' boundaries (in block, tile, group
    /// order), and each block's first run.
    let rowColumns: [UInt16]
    let rowValues: [UInt8]
    let rowRuns: [Int]
    /// Each run's four rows, as offsets into the block's logits in doubles (j · lanes · 4;
    /// a missing row is the spare row `blockRows`).
    let runRows: [UInt16]
    let blockRowRun: [Int]
    /// Accumulation: each group's four columns, the steps' rows and values, the runs'
    /// boundaries (one per group), and each block's first group.
    let groupColumns: [SIMD4<Int32>]
    let columnRows: [UInt16]
    let columnValues: [UInt8]
    /// The distinct values: entry k is `table[k]`, with table[0] = 0 (the padding).
    let table: [Double]
    let columnRuns: [Int]
    let blockColumnGroup: [Int]
    /// The index of each chunk's first block.
    let chunkBlock: [Int]
    /// The chunks, most stored entries first: the order the threads take them in.
    let chunkOrder: [Int]

    /// The layout's default for `m`: sparse when at most ``SoftmaxDesign/sparseDensityLimit``
    /// of its entries are nonzero.
    static func ifSparse(_ m: Matrix, lanes: Int) -> SparseLayout? {
        let nonzeros = m.storage.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        return Double(nonzeros) <= SoftmaxDesign.sparseDensityLimit * Double(m.storage.count)
            ? SparseLayout(m, lanes: lanes) : nil
    }

    /// Nil when the layout cannot hold `m`: more than 255 distinct nonzero values, or
    /// offsets past 16 bits.
    ///
    /// Every entry costs three bytes: its offset into W (or into the block's residuals)
    /// in units of 8 bytes, `d · lanes · 4` (and `j · lanes · 4`), and its value as an index
    /// into ``table`` — images have at most 255 distinct nonzero pixel values. The design
    /// is read twice per product (once by rows, once by columns), so the three bytes
    /// matter: a dense entry is 8.
    /// - Parameter lanes: the SIMD4 lanes per row of W (``SoftmaxDesign/lanes``).
    init?(_ m: Matrix, lanes L: Int) {
        let (n, D) = (m.rows, m.columns)
        let units = 4 * L
        guard (D + 1) * units <= Int(UInt16.max), (blockRows + 1) * units <= Int(UInt16.max) else { return nil }
        var table: [Double] = [0], code: [Double: UInt8] = [:]
        for value in m.storage where value != 0 && code[value] == nil {
            guard table.count < 256 else { return nil }
            code[value] = UInt8(table.count)
            table.append(value)
        }
        let chunks = SoftmaxDesign.chunkCount(rows: n)
        var rowColumns: [UInt16] = [], rowValues: [UInt8] = [], rowRuns = [0], runRows: [UInt16] = []
        var blockRowRun: [Int] = []
        var groupColumns: [SIMD4<Int32>] = [], columnRows: [UInt16] = [], columnValues: [UInt8] = []
        var columnRuns = [0], blockColumnGroup: [Int] = [], chunkBlock: [Int] = []
        var nonzeros = 0
        // Each row's nonzero entries, columns increasing.
        var entries = [[(column: Int, value: Double)]](repeating: [], count: n)
        for i in 0..<n {
            for d in 0..<D where m[i, d] != 0 { entries[i].append((d, m[i, d])) }
            nonzeros += entries[i].count
        }
        for k in 0..<chunks {
            chunkBlock.append(blockRowRun.count)
            let (low, high) = (k * n / chunks, (k + 1) * n / chunks)
            for start in stride(from: low, to: high, by: blockRows) {
                let valid = min(blockRows, high - start)
                blockRowRun.append(rowRuns.count - 1)
                blockColumnGroup.append(groupColumns.count)
                // Logits: tiles, then groups of four rows. Within a tile the rows go longest
                // first, so that four of similar length run side by side (rows are
                // independent sums: their grouping changes no bit; each row's tiles still
                // come in increasing order). Missing rows are the spare row.
                for d0 in stride(from: 0, to: D, by: tileFeatures) {
                    let inTile = (0..<valid).map { j in entries[start + j].filter { (d0..<(d0 + tileFeatures)).contains($0.column) } }
                    let order = (0..<valid).sorted { (inTile[$0].count, $1) > (inTile[$1].count, $0) }
                    for q in 0..<((valid + 3) / 4) {
                        let rows = (0..<4).map { 4 * q + $0 < valid ? order[4 * q + $0] : blockRows }
                        let lanes = rows.map { $0 < valid ? inTile[$0] : [] }
                        runRows += rows.map { UInt16($0 * units) }
                        for e in 0..<(lanes.map(\.count).max() ?? 0) {
                            for j in 0..<4 {
                                let entry = e < lanes[j].count ? lanes[j][e] : (column: 0, value: 0)
                                rowColumns.append(UInt16(entry.column * units))
                                rowValues.append(entry.value == 0 ? 0 : code[entry.value]!)
                            }
                        }
                        rowRuns.append(rowColumns.count / 4)
                    }
                }
                // Accumulation: the block's columns, four at a time.
                var byColumn = [Int: [(row: Int, value: Double)]]()
                for j in 0..<valid { for (d, a) in entries[start + j] { byColumn[d, default: []].append((j, a)) } }
                // Columns of similar length side by side, so that little padding is needed
                // (the columns are independent sums: their grouping changes no bit).
                let present = byColumn.keys.sorted { (byColumn[$0]!.count, $0) > (byColumn[$1]!.count, $1) }
                for g in stride(from: 0, to: present.count, by: 4) {
                    let columns = (0..<4).map { g + $0 < present.count ? present[g + $0] : D }
                    let lanes = columns.map { byColumn[$0] ?? [] }
                    groupColumns.append(SIMD4(columns.map(Int32.init)))
                    for e in 0..<(lanes.map(\.count).max() ?? 0) {
                        for j in 0..<4 {
                            let entry = e < lanes[j].count ? lanes[j][e] : (row: 0, value: 0)
                            columnRows.append(UInt16(entry.row * units))
                            columnValues.append(entry.value == 0 ? 0 : code[entry.value]!)
                        }
                    }
                    columnRuns.append(columnRows.count / 4)
                }
            }
        }
        blockRowRun.append(rowRuns.count - 1)
        blockColumnGroup.append(groupColumns.count)
        chunkBlock.append(blockRowRun.count - 1)
        let work = (0..<chunks).map { (k: Int) -> Int in
            let (first, last) = (chunkBlock[k], chunkBlock[k + 1])
            let rowSteps: Int = rowRuns[blockRowRun[last]] - rowRuns[blockRowRun[first]]
            let columnSteps: Int = columnRuns[blockColumnGroup[last]] - columnRuns[blockColumnGroup[first]]
            return rowSteps + columnSteps
        }
        chunkBlock.removeLast()
        self.chunkOrder = (0..<chunks).sorted { (work[$0], $1) > (work[$1], $0) }
        (self.rowColumns, self.rowValues, self.rowRuns, self.blockRowRun) = (rowColumns, rowValues, rowRuns, blockRowRun)
        self.runRows = runRows
        (self.groupColumns, self.columnRows, self.columnValues) = (groupColumns, columnRows, columnValues)
        (self.columnRuns, self.blockColumnGroup, self.chunkBlock) = (columnRuns, blockColumnGroup, chunkBlock)
        self.nonzeros = nonzeros
        self.table = table
    }
}

/// The sparse layout's arrays as pointers, for the kernels' threads.
struct SparsePointers: @unchecked Sendable {
    let rowColumns: UnsafePointer<UInt16>, rowValues: UnsafePointer<UInt8>
    let rowRuns: UnsafePointer<Int>, runRows: UnsafePointer<UInt16>, blockRowRun: UnsafePointer<Int>
    let groupColumns: UnsafePointer<SIMD4<Int32>>
    let columnRows: UnsafePointer<UInt16>, columnValues: UnsafePointer<UInt8>
    let columnRuns: UnsafePointer<Int>, blockColumnGroup: UnsafePointer<Int>
    let chunkBlock: UnsafePointer<Int>
    let table: UnsafePointer<Double>
}

extension SparseLayout {
    /// The arrays as pointers for the duration of `body`.
    func withPointers<R>(_ body: (SparsePointers) -> R) -> R {
        rowColumns.withUnsafeBufferPointer { rc in
            rowValues.withUnsafeBufferPointer { rv in
                rowRuns.withUnsafeBufferPointer { rr in
                  runRows.withUnsafeBufferPointer { ro in
                    blockRowRun.withUnsafeBufferPointer { br in
                        groupColumns.withUnsafeBufferPointer { gc in
                            columnRows.withUnsafeBufferPointer { cr in
                                columnValues.withUnsafeBufferPointer { cv in
                                    columnRuns.withUnsafeBufferPointer { cru in
                                        blockColumnGroup.withUnsafeBufferPointer { bc in
                                            chunkBlock.withUnsafeBufferPointer { cb in
                                              table.withUnsafeBufferPointer { t in
                                                body(
                                                    SparsePointers(
                                                        rowColumns: rc.baseAddress!, rowValues: rv.baseAddress!,
                                                        rowRuns: rr.baseAddress!, runRows: ro.baseAddress!,
                                                        blockRowRun: br.baseAddress!,
                                                        groupColumns: gc.baseAddress!, columnRows: cr.baseAddress!,
                                                        columnValues: cv.baseAddress!, columnRuns: cru.baseAddress!,
                                                        blockColumnGroup: bc.baseAddress!, chunkBlock: cb.baseAddress!,
                                                        table: t.baseAddress!))
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
        }
    }
}

/// Logits of four rows from a run of steps (step e: entry e of each row, its offset into
/// W in doubles at `offsets[4e + j]` and its value `table[codes[4e + j]]`): out[j·L + l] +=
/// a_j[d] · W[d·L + l], twelve classes at a time in twelve registers, as ``logits4``
/// does for dense rows.
@inline(__always)
func sparseLogits4(
    _ offsets: UnsafePointer<UInt16>, _ codes: UnsafePointer<UInt8>, _ table: UnsafePointer<Double>, steps: Range<Int>,
    _ W: UnsafePointer<SIMD4<Double>>, lanes L: Int, rows: UInt64, into logits: UnsafeMutablePointer<SIMD4<Double>>
) {
    let base = UnsafeMutableRawPointer(logits).assumingMemoryBound(to: Double.self)
    func row(_ shift: UInt64) -> UnsafeMutablePointer<SIMD4<Double>> {
        UnsafeMutableRawPointer(base + Int((rows >> shift) & 0xFFFF)).assumingMemoryBound(to: SIMD4<Double>.self)
    }
    let (out0, out1, out2, out3) = (row(0), row(16), row(32), row(48))
    for g in Swift.stride(from: 0, to: L, by: 3) {
        var z00 = out0[g], z01 = out0[g + 1], z02 = out0[g + 2]
        var z10 = out1[g], z11 = out1[g + 1], z12 = out1[g + 2]
        var z20 = out2[g], z21 = out2[g + 1], z22 = out2[g + 2]
        var z30 = out3[g], z31 = out3[g + 1], z32 = out3[g + 2]
        let w = UnsafeRawPointer(W + g).assumingMemoryBound(to: Double.self)
        var o = offsets + 4 * steps.lowerBound, a = codes + 4 * steps.lowerBound
        for _ in steps {
            // One load for the four offsets, one for the four codes.
            let offset = UnsafeRawPointer(o).loadUnaligned(as: UInt64.self)
            let code = UnsafeRawPointer(a).loadUnaligned(as: UInt32.self)
            let w0 = UnsafeRawPointer(w + Int(offset & 0xFFFF)).assumingMemoryBound(to: SIMD4<Double>.self)
            let w1 = UnsafeRawPointer(w + Int((offset >> 16) & 0xFFFF)).assumingMemoryBound(to: SIMD4<Double>.self)
            let w2 = UnsafeRawPointer(w + Int((offset >> 32) & 0xFFFF)).assumingMemoryBound(to: SIMD4<Double>.self)
            let w3 = UnsafeRawPointer(w + Int(offset >> 48)).assumingMemoryBound(to: SIMD4<Double>.self)
            let b0 = SIMD4(repeating: table[Int(code & 0xFF)]), b1 = SIMD4(repeating: table[Int((code >> 8) & 0xFF)])
            let b2 = SIMD4(repeating: table[Int((code >> 16) & 0xFF)]), b3 = SIMD4(repeating: table[Int(code >> 24)])
            z00 = z00.addingProduct(b0, w0[0])
            z01 = z01.addingProduct(b0, w0[1])
            z02 = z02.addingProduct(b0, w0[2])
            z10 = z10.addingProduct(b1, w1[0])
            z11 = z11.addingProduct(b1, w1[1])
            z12 = z12.addingProduct(b1, w1[2])
            z20 = z20.addingProduct(b2, w2[0])
            z21 = z21.addingProduct(b2, w2[1])
            z22 = z22.addingProduct(b2, w2[2])
            z30 = z30.addingProduct(b3, w3[0])
            z31 = z31.addingProduct(b3, w3[1])
            z32 = z32.addingProduct(b3, w3[2])
            o += 4
            a += 4
        }
        out0[g] = z00
        out0[g + 1] = z01
        out0[g + 2] = z02
        out1[g] = z10
        out1[g + 1] = z11
        out1[g + 2] = z12
        out2[g] = z20
        out2[g + 1] = z21
        out2[g + 2] = z22
        out3[g] = z30
        out3[g + 1] = z31
        out3[g + 2] = z32
    }
}

/// G[d] += a_j[d] · r_j for one group of four columns d (step e: entry e of each column,
/// the offset of its row's residuals in doubles at `offsets[4e + j]` and its value
/// `table[codes[4e + j]]`), rows in increasing order per column; the four columns' twelve
/// classes stay in registers for the whole run.
@inline(__always)
func sparseAccumulate4(
    _ columns: SIMD4<Int32>, _ offsets: UnsafePointer<UInt16>, _ codes: UnsafePointer<UInt8>, _ table: UnsafePointer<Double>,
    steps: Range<Int>, residuals r: UnsafePointer<SIMD4<Double>>, lanes L: Int, into G: UnsafeMutablePointer<SIMD4<Double>>
) {
    for g in Swift.stride(from: 0, to: L, by: 3) {
        let p0 = G + Int(columns[0]) * L + g, p1 = G + Int(columns[1]) * L + g
        let p2 = G + Int(columns[2]) * L + g, p3 = G + Int(columns[3]) * L + g
        var g00 = p0[0], g01 = p0[1], g02 = p0[2]
        var g10 = p1[0], g11 = p1[1], g12 = p1[2]
        var g20 = p2[0], g21 = p2[1], g22 = p2[2]
        var g30 = p3[0], g31 = p3[1], g32 = p3[2]
        let rg = UnsafeRawPointer(r + g).assumingMemoryBound(to: Double.self)
        var o = offsets + 4 * steps.lowerBound, a = codes + 4 * steps.lowerBound
        for _ in steps {
            // One load for the four offsets, one for the four codes.
            let offset = UnsafeRawPointer(o).loadUnaligned(as: UInt64.self)
            let code = UnsafeRawPointer(a).loadUnaligned(as: UInt32.self)
            let r0 = UnsafeRawPointer(rg + Int(offset & 0xFFFF)).assumingMemoryBound(to: SIMD4<Double>.self)
            let r1 = UnsafeRawPointer(rg + Int((offset >> 16) & 0xFFFF)).assumingMemoryBound(to: SIMD4<Double>.self)
            let r2 = UnsafeRawPointer(rg + Int((offset >> 32) & 0xFFFF)).assumingMemoryBound(to: SIMD4<Double>.self)
            let r3 = UnsafeRawPointer(rg + Int(offset >> 48)).assumingMemoryBound(to: SIMD4<Double>.self)
            let b0 = SIMD4(repeating: table[Int(code & 0xFF)]), b1 = SIMD4(repeating: table[Int((code >> 8) & 0xFF)])
            let b2 = SIMD4(repeating: table[Int((code >> 16) & 0xFF)]), b3 = SIMD4(repeating: table[Int(code >> 24)])
            g00 = g00.addingProduct(b0, r0[0])
            g01 = g01.addingProduct(b0, r0[1])
            g02 = g02.addingProduct(b0, r0[2])
            g10 = g10.addingProduct(b1, r1[0])
            g11 = g11.addingProduct(b1, r1[1])
            g12 = g12.addingProduct(b1, r1[2])
            g20 = g20.addingProduct(b2, r2[0])
            g21 = g21.addingProduct(b2, r2[1])
            g22 = g22.addingProduct(b2, r2[2])
            g30 = g30.addingProduct(b3, r3[0])
            g31 = g31.addingProduct(b3, r3[1])
            g32 = g32.addingProduct(b3, r3[2])
            o += 4
            a += 4
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
        p3[0] = g30
        p3[1] = g31
        p3[2] = g32
    }
}
