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
    /// Logits: the steps' offsets into W (in doubles, d · lanes · 4) and value codes, the
    /// runs' boundaries (in block, tile, group order), and each block's first run.
    let rowOffsets: [UInt16]
    let rowCodes: [UInt8]
    let rowRuns: [Int]
    /// Each run's four rows, as offsets into the block's logits in doubles (j · lanes · 4;
    /// a missing row is the spare row `blockRows`).
    let runRows: [UInt16]
    let blockRowRun: [Int]
    /// Accumulation: each group's four columns, the steps' offsets into the block's
    /// residuals (in doubles, j · lanes · 4) and value codes, the runs' boundaries (one per
    /// group), and each block's first group.
    let groupColumns: [SIMD4<Int32>]
    let columnOffsets: [UInt16]
    let columnCodes: [UInt8]
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
        var rowOffsets: [UInt16] = [], rowCodes: [UInt8] = [], rowRuns = [0], runRows: [UInt16] = []
        var blockRowRun: [Int] = []
        var groupColumns: [SIMD4<Int32>] = [], columnOffsets: [UInt16] = [], columnCodes: [UInt8] = []
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
                                rowOffsets.append(UInt16(entry.column * units))
                                rowCodes.append(entry.value == 0 ? 0 : code[entry.value]!)
                            }
                        }
                        rowRuns.append(rowOffsets.count / 4)
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
                            columnOffsets.append(UInt16(entry.row * units))
                            columnCodes.append(entry.value == 0 ? 0 : code[entry.value]!)
                        }
                    }
                    columnRuns.append(columnOffsets.count / 4)
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
        (self.rowOffsets, self.rowCodes, self.rowRuns, self.blockRowRun) = (rowOffsets, rowCodes, rowRuns, blockRowRun)
        self.runRows = runRows
        (self.groupColumns, self.columnOffsets, self.columnCodes) = (groupColumns, columnOffsets, columnCodes)
        (self.columnRuns, self.blockColumnGroup, self.chunkBlock) = (columnRuns, blockColumnGroup, chunkBlock)
        self.nonzeros = nonzeros
        self.table = table
    }
}

/// The sparse layout's arrays as pointers, for the kernels' threads.
struct SparsePointers: @unchecked Sendable {
    let rowOffsets: UnsafePointer<UInt16>, rowCodes: UnsafePointer<UInt8>
    let rowRuns: UnsafePointer<Int>, runRows: UnsafePointer<UInt16>, blockRowRun: UnsafePointer<Int>
    let groupColumns: UnsafePointer<SIMD4<Int32>>
    let columnOffsets: UnsafePointer<UInt16>, columnCodes: UnsafePointer<UInt8>
    let columnRuns: UnsafePointer<Int>, blockColumnGroup: UnsafePointer<Int>
    let chunkBlock: UnsafePointer<Int>
    let table: UnsafePointer<Double>
}

extension SparseLayout {
    /// The arrays as pointers for the duration of `body`.
    func withPointers<R>(_ body: (SparsePointers) -> R) -> R {
        rowOffsets.withUnsafeBufferPointer { rc in
            rowCodes.withUnsafeBufferPointer { rv in
                rowRuns.withUnsafeBufferPointer { rr in
                  runRows.withUnsafeBufferPointer { ro in
                    blockRowRun.withUnsafeBufferPointer { br in
                        groupColumns.withUnsafeBufferPointer { gc in
                            columnOffsets.withUnsafeBufferPointer { cr in
                                columnCodes.withUnsafeBufferPointer { cv in
                                    columnRuns.withUnsafeBufferPointer { cru in
                                        blockColumnGroup.withUnsafeBufferPointer { bc in
                                            chunkBlock.withUnsafeBufferPointer { cb in
                                              table.withUnsafeBufferPointer { t in
                                                body(
                                                    SparsePointers(
                                                        rowOffsets: rc.baseAddress!, rowCodes: rv.baseAddress!,
                                                        rowRuns: rr.baseAddress!, runRows: ro.baseAddress!,
                                                        blockRowRun: br.baseAddress!,
                                                        groupColumns: gc.baseAddress!, columnOffsets: cr.baseAddress!,
                                                        columnCodes: cv.baseAddress!, columnRuns: cru.baseAddress!,
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

/// The one inner loop of both sparse passes: four independent chains of multiply–adds,
/// out_j[l] += table[codes[4e + j]] · source[offsets[4e + j] + 4l + i] (lanes l = 0, 1, 2 of
/// SIMD4s) over the steps e, the twelve sums in registers for the whole run. For the
/// logits the chains are four rows and the source is W; for the accumulation they are
/// four columns of G and the source is the block's residuals.
@inline(__always)
func gatherMultiplyAdd4(
    into out0: UnsafeMutablePointer<SIMD4<Double>>, _ out1: UnsafeMutablePointer<SIMD4<Double>>,
    _ out2: UnsafeMutablePointer<SIMD4<Double>>, _ out3: UnsafeMutablePointer<SIMD4<Double>>,
    from source: UnsafePointer<Double>, _ offsets: UnsafePointer<UInt16>, _ codes: UnsafePointer<UInt8>,
    _ table: UnsafePointer<Double>, steps: Range<Int>
) {
    var z00 = out0[0], z01 = out0[1], z02 = out0[2]
    var z10 = out1[0], z11 = out1[1], z12 = out1[2]
    var z20 = out2[0], z21 = out2[1], z22 = out2[2]
    var z30 = out3[0], z31 = out3[1], z32 = out3[2]
    var o = offsets + 4 * steps.lowerBound, a = codes + 4 * steps.lowerBound
    for _ in steps {
        // One load for the four offsets, one for the four codes.
        let offset = UnsafeRawPointer(o).loadUnaligned(as: UInt64.self)
        let code = UnsafeRawPointer(a).loadUnaligned(as: UInt32.self)
        func at(_ shift: UInt64) -> UnsafePointer<SIMD4<Double>> {
            UnsafeRawPointer(source + Int((offset >> shift) & 0xFFFF)).assumingMemoryBound(to: SIMD4<Double>.self)
        }
        let (w0, w1, w2, w3) = (at(0), at(16), at(32), at(48))
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
    (out0[0], out0[1], out0[2]) = (z00, z01, z02)
    (out1[0], out1[1], out1[2]) = (z10, z11, z12)
    (out2[0], out2[1], out2[2]) = (z20, z21, z22)
    (out3[0], out3[1], out3[2]) = (z30, z31, z32)
}

/// Logits of four rows from a run of steps (step e: entry e of each row, its offset into
/// W in doubles at `offsets[4e + j]` and its value `table[codes[4e + j]]`; the rows' places
/// in the block's logits, in doubles, packed in `rows`): as ``logits4`` does for dense rows,
/// twelve classes at a time.
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
        let source = UnsafeRawPointer(W + g).assumingMemoryBound(to: Double.self)
        gatherMultiplyAdd4(
            into: out0 + g, out1 + g, out2 + g, out3 + g, from: source, offsets, codes, table, steps: steps)
    }
}

/// G[d] += a_j[d] · r_j for one group of four columns d (step e: entry e of each column,
/// the offset of its row's residuals in doubles at `offsets[4e + j]` and its value
/// `table[codes[4e + j]]`), rows in increasing order per column.
@inline(__always)
func sparseAccumulate4(
    _ columns: SIMD4<Int32>, _ offsets: UnsafePointer<UInt16>, _ codes: UnsafePointer<UInt8>, _ table: UnsafePointer<Double>,
    steps: Range<Int>, residuals r: UnsafePointer<SIMD4<Double>>, lanes L: Int, into G: UnsafeMutablePointer<SIMD4<Double>>
) {
    for g in Swift.stride(from: 0, to: L, by: 3) {
        let source = UnsafeRawPointer(r + g).assumingMemoryBound(to: Double.self)
        gatherMultiplyAdd4(
            into: G + Int(columns[0]) * L + g, G + Int(columns[1]) * L + g, G + Int(columns[2]) * L + g,
            G + Int(columns[3]) * L + g, from: source, offsets, codes, table, steps: steps)
    }
}
