import CZlib
import Foundation
import MOBL
import Testing
import TestSupport

// MARK: - Building IDX files in memory

/// An IDX file: the magic, the element type, the dimension count, the big-endian
/// dimensions, then `body`.
private func idxFile(_ dimensions: [UInt32], _ body: [UInt8], type: UInt8 = 0x08) -> [UInt8] {
    var file: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
    for d in dimensions { file += [UInt8(d >> 24), UInt8((d >> 16) & 0xFF), UInt8((d >> 8) & 0xFF), UInt8(d & 0xFF)] }
    return file + body
}

/// A valid IDX file of the given dimensions with seeded random contents.
private func randomIDX(_ dimensions: [Int], _ rng: inout SeededGenerator) -> (file: [UInt8], body: [UInt8]) {
    let body = (0..<dimensions.reduce(1, *)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    return (idxFile(dimensions.map { UInt32($0) }, body), body)
}

/// `bytes` compressed by zlib's deflate with a gzip wrapper, as `gzip` writes it.
private func gzip(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    precondition(deflateInit2_(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
    var input = bytes
    let status = input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            stream.next_out = target.baseAddress
            stream.avail_out = UInt32(target.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    precondition(status == Z_STREAM_END)
    return Array(output.prefix(Int(stream.total_out)))
}

/// The error `body` throws if it is a ``DataFileError``, else nil.
private func dataFileError(_ body: () throws -> Any) -> DataFileError? {
    do { _ = try body(); return nil } catch let error as DataFileError { return error } catch { return nil }
}

/// Expects `body` to throw a ``DataFileError`` whose message contains every one of `parts`.
private func expectDataFileError(_ parts: [String], sourceLocation: SourceLocation = #_sourceLocation,
                                 _ body: () throws -> Any) {
    guard let error = dataFileError(body) else {
        Issue.record("no DataFileError thrown (expected one saying \(parts))", sourceLocation: sourceLocation)
        return
    }
    for part in parts {
        #expect(error.description.contains(part), "\"\(error)\" does not say \"\(part)\"", sourceLocation: sourceLocation)
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

private func write(_ bytes: [UInt8], to url: URL) throws {
    try Data(bytes).write(to: url)
}

/// A dataset folder with the standard file names; `files` maps a name to its contents.
private func datasetFolder(_ files: [String: [UInt8]]) throws -> URL {
    let folder = try temporaryDirectory()
    for (name, bytes) in files { try write(bytes, to: folder.appendingPathComponent(name)) }
    return folder
}

/// A small images/labels pair: `count` images of 2×3 pixels, labels `i % 10`.
private func smallPair(count: Int, seed: UInt64 = 1) -> (images: [UInt8], labels: [UInt8]) {
    var rng = SeededGenerator(seed: seed)
    let images = randomIDX([count, 2, 3], &rng).file
    let labels = idxFile([UInt32(count)], (0..<count).map { UInt8($0 % 10) })
    return (images, labels)
}

// MARK: - The IDX reader

@Suite("Data: IDX files, plain and gzip")
struct IDXTests {
    @Test("Files of 1 to 4 dimensions decode to their dimensions and bytes, plain and gzip-compressed")
    func roundTrips() throws {
        var rng = SeededGenerator(seed: 8)
        for dimensions in [[1], [7], [3, 5], [4, 2, 3], [2, 1, 3, 2], [600, 7, 9]] {
            let (file, body) = randomIDX(dimensions, &rng)
            for encoded in [file, gzip(file)] {
                let array = try decodeIDX(encoded, name: "x")
                #expect(array.dimensions == dimensions)
                #expect(array.bytes == body)
            }
        }
    }

    @Test("readIDX reads a file and a copy made by gzip(1), whatever their names")
    func readsFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SeededGenerator(seed: 9)
        let (file, body) = randomIDX([300, 4, 5], &rng)
        let plain = dir.appendingPathComponent("images-idx3-ubyte")
        try write(file, to: plain)
        let gzipTool = try #require(which("gzip"), "gzip is needed for this test")
        #expect(try runProcess(gzipTool, ["-k", "-9", plain.path]).status == 0)
        // A gzip file is recognized by its first bytes, not by its name.
        let renamed = dir.appendingPathComponent("no-suffix")
        try FileManager.default.moveItem(at: dir.appendingPathComponent("images-idx3-ubyte.gz"), to: renamed)
        for url in [plain, renamed] {
            let array = try readIDX(path: url.path)
            #expect(array.dimensions == [300, 4, 5])
            #expect(array.bytes == body)
        }
        expectDataFileError([dir.appendingPathComponent("missing").path, "no such file"]) {
            try readIDX(path: dir.appendingPathComponent("missing").path)
        }
        expectDataFileError([dir.path, "is a folder"]) { try readIDX(path: dir.path) }
    }

    @Test("Each malformed header is refused with the file's name and the rule")
    func badHeaders() {
        let body: [UInt8] = [1, 2, 3, 4, 5, 6]
        let cases: [(file: [UInt8], says: [String])] = [
            ([0x00, 0x01, 0x08, 0x01, 0, 0, 0, 6] + body, ["bad.idx", "not an IDX file", "0x00 0x01", "0x00 0x00"]),
            ([0x50, 0x4B, 0x03, 0x04], ["bad.idx", "not an IDX file", "0x50 0x4B"]),
            (idxFile([6], body, type: 0x0D), ["bad.idx", "0x0D", "float", "only 0x08 (unsigned byte)"]),
            (idxFile([3], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], type: 0x0C), ["0x0C", "32-bit integer", "not supported"]),
            ([0, 0, 0x08, 0], ["bad.idx", "0 dimensions", "must be 1 to 4"]),
            (idxFile([1, 1, 1, 1, 6], body), ["bad.idx", "5 dimensions", "must be 1 to 4"]),
            (idxFile([2, 0, 3], []), ["bad.idx", "dimension 2 of 3 is 0", "every dimension must be ≥ 1"]),
            (idxFile([0xFFFF_FFFF], body), ["bad.idx", "4294967295 elements", "at most 2147483648"]),
            (idxFile([1 << 24, 1 << 24], body), ["bad.idx", "16777216 × 16777216", "at most 2147483648"]),
            (idxFile([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], body), ["bad.idx", "at most 2147483648"]),
            ([0, 0], ["bad.idx", "too short for an IDX header", "2 bytes", "needs 4"]),
            ([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0], ["bad.idx", "too short for an IDX header", "10 bytes", "needs 16"]),
        ]
        for (file, says) in cases {
            expectDataFileError(says) { try decodeIDX(file, name: "bad.idx") }
            expectDataFileError(says.filter { !$0.contains("bytes") }) { try decodeIDX(gzip(file), name: "bad.idx") }
        }
        expectDataFileError(["empty.idx", "too short", "0 bytes"]) { try decodeIDX([], name: "empty.idx") }
    }

    @Test("Data shorter or longer than the dimensions declare is refused, naming expected and found bytes")
    func wrongLengths() {
        let full = idxFile([4, 5], Array(repeating: 7, count: 20))
        expectDataFileError(["t.idx", "truncated", "4 × 5", "declares 20 bytes", "found 13"]) {
            try decodeIDX(Array(full.dropLast(7)), name: "t.idx")
        }
        expectDataFileError(["t.idx", "truncated", "declares 20 bytes", "found 13"]) {
            try decodeIDX(gzip(Array(full.dropLast(7))), name: "t.idx")
        }
        expectDataFileError(["t.idx", "3 bytes after the 20 bytes", "must end there"]) {
            try decodeIDX(full + [1, 2, 3], name: "t.idx")
        }
        expectDataFileError(["t.idx", "more data than the header (4 × 5) declares", "must end there"]) {
            try decodeIDX(gzip(full + [1, 2, 3]), name: "t.idx")
        }
    }

    @Test("A corrupt or cut-short gzip stream, or bytes after it, are refused")
    func corruptGzip() {
        var rng = SeededGenerator(seed: 3)
        let compressed = gzip(randomIDX([50, 6, 6], &rng).file)
        // Flipping bytes in the deflate stream (after the 10-byte gzip header, before
        // the 8-byte trailer) breaks the data or the CRC-32 of the trailer.
        for position in stride(from: 12, to: compressed.count - 8, by: 37) {
            var flipped = compressed
            flipped[position] ^= 0x5A
            expectDataFileError(["z.gz"]) { try decodeIDX(flipped, name: "z.gz") }
        }
        var badCRC = compressed
        badCRC[compressed.count - 6] ^= 1
        expectDataFileError(["z.gz", "corrupt gzip data", "incorrect data check"]) { try decodeIDX(badCRC, name: "z.gz") }
        var badLength = compressed
        badLength[compressed.count - 3] ^= 1
        expectDataFileError(["z.gz", "corrupt gzip data", "incorrect length check"]) { try decodeIDX(badLength, name: "z.gz") }
        var badMethod = compressed
        badMethod[2] = 7
        expectDataFileError(["z.gz", "corrupt gzip data"]) { try decodeIDX(badMethod, name: "z.gz") }
        for length in [2, 10, 40, compressed.count / 2, compressed.count - 1] {
            expectDataFileError(["z.gz", "cut short"]) { try decodeIDX(Array(compressed.prefix(length)), name: "z.gz") }
        }
        expectDataFileError(["z.gz", "5 bytes after the end of the gzip stream"]) {
            try decodeIDX(compressed + [0, 1, 2, 3, 4], name: "z.gz")
        }
    }

    @Test("A small gzip file cannot make decodeIDX reserve much or work long, whatever its header declares")
    func allocationIsBoundedByTheFile() throws {
        // The reservation before any data arrives: never more than declared, than 64
        // times the compressed size, or than 64 MiB.
        #expect(IDXLimits.reservation(declaredBytes: 1 << 31, compressedBytes: 100) == 6400)
        #expect(IDXLimits.reservation(declaredBytes: 500, compressedBytes: 100) == 500)
        #expect(IDXLimits.reservation(declaredBytes: 47_040_000, compressedBytes: 9_912_422) == 47_040_000)
        #expect(IDXLimits.reservation(declaredBytes: 1 << 31, compressedBytes: 1 << 30) == 64 << 20)
        #expect(IDXLimits.reservation(declaredBytes: 1 << 31, compressedBytes: Int.max) == 64 << 20)
        #expect(IDXLimits.maximumElements == 1 << 31)

        // The time bounds are loose, for a busy machine: zero-filling or inflating the
        // declared sizes would take seconds.
        let clock = ContinuousClock()
        // 100 bytes declaring 2^40 elements: refused from the header alone.
        let huge = gzip(idxFile([1 << 20, 1 << 20], Array(repeating: 0, count: 60)))
        #expect(huge.count < 100)
        var started = clock.now
        expectDataFileError(["huge.gz", "1048576 × 1048576", "at most"]) { try decodeIDX(huge, name: "huge.gz") }
        #expect(clock.now - started < .milliseconds(200))

        // A 1 KB file declaring MNIST's 60 000 × 28 × 28 but holding 1 000 bytes.
        var rng = SeededGenerator(seed: 5)
        let short = gzip(idxFile([60000, 28, 28], (0..<1000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
        #expect(short.count < 1100)
        started = clock.now
        expectDataFileError(["short.gz", "truncated", "declares 47040000 bytes", "found 1000"]) {
            try decodeIDX(short, name: "short.gz")
        }
        #expect(clock.now - started < .milliseconds(200))

        // The largest declaration accepted (2^31) over 1 KB of data: refused as truncated, quickly.
        let largest = gzip(idxFile([1 << 16, 1 << 15], Array(repeating: 9, count: 1000)))
        started = clock.now
        expectDataFileError(["largest.gz", "truncated", "declares 2147483648 bytes", "found 1000"]) {
            try decodeIDX(largest, name: "largest.gz")
        }
        #expect(clock.now - started < .milliseconds(200))

        // A gzip bomb: 10 declared bytes followed by 32 MiB of zeros (32 KB compressed).
        // Decompression stops at the first chunk beyond the declaration.
        let bomb = gzip(idxFile([10], Array(repeating: 0, count: 32 << 20)))
        #expect(bomb.count < 64 << 10)
        started = clock.now
        expectDataFileError(["bomb.gz", "more data than the header (10) declares"]) { try decodeIDX(bomb, name: "bomb.gz") }
        #expect(clock.now - started < .milliseconds(200))
    }

    /// One seeded mutation of a valid file: truncation, byte flips in the header or
    /// the body, an absurd dimension, or garbage appended.
    private func mutate(_ file: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = file
        switch rng.integer(below: 6) {
        case 0:
            bytes = Array(bytes.prefix(rng.integer(below: bytes.count)))
        case 1:
            for _ in 0...rng.integer(below: 3) {
                bytes[rng.integer(below: min(bytes.count, 20))] ^= UInt8(1 + rng.integer(below: 255))
            }
        case 2:
            for _ in 0...rng.integer(below: 3) { bytes[rng.integer(below: bytes.count)] ^= UInt8(1 + rng.integer(below: 255)) }
        case 3:
            let absurd: [UInt32] = [0xFFFF_FFFF, 1 << 24, 1 << 31, 0, 0x7FFF_FFFF, UInt32(truncatingIfNeeded: rng.next())]
            // (In a gzip stream, byte 3 is not a dimension count: flip it instead.)
            let dimensions = min(Int(bytes[3]), (bytes.count - 4) / 4)
            guard dimensions >= 1 else { bytes[3] ^= 0xFF; break }
            for _ in 0...rng.integer(below: dimensions) {
                let at = 4 + 4 * rng.integer(below: dimensions)
                let value = absurd[rng.integer(below: absurd.count)]
                for k in 0..<4 {
                    let shift = 24 - 8 * UInt32(k)
                    bytes[at + k] = UInt8((value >> shift) & 0xFF)
                }
            }
        case 4:
            bytes[3] = UInt8(rng.integer(below: 256))
        default:
            bytes += (0...rng.integer(below: 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        return bytes
    }

    @Test("Fuzz: 120 000 seeded mutations of valid files, plain and gzip, each decode or throw DataFileError")
    func fuzz() throws {
        var rng = SeededGenerator(seed: 2024)
        let bases = [[3, 4, 5], [17], [2, 3, 2, 2], [9, 1, 8]].map { randomIDX($0, &rng).file }
        let gzipped = bases.map(gzip)
        var decoded = 0, refused = 0, other: [String] = []
        let clock = ContinuousClock()
        let started = clock.now
        let mutations = 120_000
        for trial in 0..<mutations {
            let base = bases[trial % bases.count]
            let input: [UInt8]
            switch trial % 3 {
            case 0: input = mutate(base, &rng)                        // a plain file, mutated
            case 1: input = gzip(mutate(base, &rng))                  // a valid gzip stream of a mutated file
            default: input = mutate(gzipped[trial % bases.count], &rng)  // a mutated gzip stream
            }
            do {
                let array = try decodeIDX(input, name: "fuzz")
                decoded += 1
                if array.bytes.count != array.dimensions.reduce(1, *) || !(1...4).contains(array.dimensions.count)
                    || array.dimensions.contains(where: { $0 < 1 }) {
                    other.append("trial \(trial): \(array.dimensions) with \(array.bytes.count) bytes")
                }
            } catch is DataFileError {
                refused += 1
            } catch {
                other.append("trial \(trial): \(type(of: error)) \(error)")
            }
        }
        let elapsed = seconds(clock.now - started)
        #expect(other.isEmpty, "\(other.prefix(5))")
        #expect(decoded + refused == mutations)
        #expect(decoded > 100 && refused > mutations / 2, "decoded \(decoded), refused \(refused)")
        #expect(elapsed < 10, "fuzzing took \(elapsed) s")
        print("IDX fuzz: \(mutations) mutations, \(decoded) decoded, \(refused) refused, in \(String(format: "%.2f", elapsed)) s")
    }
}

// MARK: - Images with labels, and dataset folders

@Suite("Data: labelled images and dataset folders")
struct ImageFolderTests {
    @Test("An images file and its labels file load into LabelledImages")
    func loadsPair() throws {
        let (images, labels) = smallPair(count: 25)
        let dir = try datasetFolder(["i": images, "l.gz": gzip(labels)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let set = try loadLabelledImages(images: dir.appendingPathComponent("i").path, labels: dir.appendingPathComponent("l.gz").path)
        #expect((set.count, set.rows, set.columns, set.pixelsPerImage) == (25, 2, 3, 6))
        #expect(set.pixels == Array(images.dropFirst(16)))
        let expectedLabels = (0..<25).map { (i: Int) -> UInt8 in UInt8(i % 10) }
        #expect(set.labels == expectedLabels)
    }

    @Test("A label ≥ 10, counts that differ, and files of the wrong rank are refused by name")
    func badPairs() throws {
        let (images, labels) = smallPair(count: 25)
        var badLabels = labels
        badLabels[8 + 13] = 12
        badLabels[8 + 20] = 10
        let dir = try datasetFolder(["images": images, "labels": labels, "bad-labels": badLabels,
                                     "short-labels": idxFile([24], Array(labels.dropFirst(8).dropLast())),
                                     "flat-images": idxFile([25, 6], Array(images.dropFirst(16))),
                                     "square-labels": idxFile([5, 5], Array(labels.dropFirst(8)))])
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        expectDataFileError([path("bad-labels"), "label 12 at index 13", "labels must be 0…9"]) {
            try loadLabelledImages(images: path("images"), labels: path("bad-labels"))
        }
        expectDataFileError([path("images"), "25 images", path("short-labels"), "24 labels", "must be equal"]) {
            try loadLabelledImages(images: path("images"), labels: path("short-labels"))
        }
        expectDataFileError([path("flat-images"), "2 dimensions", "25 × 6", "an images file has 3"]) {
            try loadLabelledImages(images: path("flat-images"), labels: path("labels"))
        }
        expectDataFileError([path("square-labels"), "2 dimensions", "a labels file has 1"]) {
            try loadLabelledImages(images: path("images"), labels: path("square-labels"))
        }
        #expect(throws: InvalidInput.self) { try loadLabelledImages(images: path("images"), labels: path("labels"), classes: 0) }
        #expect(try loadLabelledImages(images: path("images"), labels: path("bad-labels"), classes: 13).labels[13] == 12)
    }

    @Test("A dataset folder: the test pair alone, both pairs, plain or .gz (the .gz when both exist)")
    func datasetFolders() throws {
        let test = smallPair(count: 12, seed: 1), train = smallPair(count: 30, seed: 2)
        let testOnly = try datasetFolder(["t10k-images-idx3-ubyte.gz": gzip(test.images), "t10k-labels-idx1-ubyte": test.labels])
        defer { try? FileManager.default.removeItem(at: testOnly) }
        let small = try loadImageDataset(name: "mnist", folder: testOnly.path)
        #expect(small.train == nil && small.test.count == 12 && small.name == "mnist" && small.folder == testOnly.path)

        let both = try datasetFolder([
            "t10k-images-idx3-ubyte": test.images, "t10k-labels-idx1-ubyte.gz": gzip(test.labels),
            "train-images-idx3-ubyte.gz": gzip(train.images), "train-labels-idx1-ubyte.gz": gzip(train.labels),
            // A broken plain copy beside the .gz: the .gz is the one read.
            "train-labels-idx1-ubyte": [1, 2, 3],
        ])
        defer { try? FileManager.default.removeItem(at: both) }
        let full = try loadImageDataset(name: "mnist", folder: both.path)
        #expect(full.train?.count == 30 && full.test.count == 12)
        #expect(full.train?.pixels == Array(train.images.dropFirst(16)))
    }

    @Test("A missing folder, a missing test file, a lone training file and mismatched sizes are refused by name")
    func badFolders() throws {
        let test = smallPair(count: 12)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let nowhere = dir.appendingPathComponent("nowhere").path
        expectDataFileError(["\(nowhere): no such folder"]) { try loadImageDataset(name: "mnist", folder: nowhere) }
        expectDataFileError(["fashion-mnist: no t10k-images-idx3-ubyte(.gz) and no t10k-labels-idx1-ubyte(.gz) in \(dir.path)"]) {
            try loadImageDataset(name: "fashion-mnist", folder: dir.path)
        }
        try write(test.labels, to: dir.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        expectDataFileError(["fashion-mnist: no t10k-images-idx3-ubyte(.gz) in \(dir.path)", "t10k-labels-idx1-ubyte.gz is there"]) {
            try loadImageDataset(name: "fashion-mnist", folder: dir.path)
        }
        try write(test.images, to: dir.appendingPathComponent("t10k-images-idx3-ubyte"))
        try write(test.images, to: dir.appendingPathComponent("train-images-idx3-ubyte"))
        expectDataFileError(["mnist: no train-labels-idx1-ubyte(.gz) in \(dir.path)", "train-images-idx3-ubyte is there", "needs both"]) {
            try loadImageDataset(name: "mnist", folder: dir.path)
        }
        var rng = SeededGenerator(seed: 4)
        try write(randomIDX([12, 3, 3], &rng).file, to: dir.appendingPathComponent("train-images-idx3-ubyte"))
        try write(test.labels, to: dir.appendingPathComponent("train-labels-idx1-ubyte"))
        expectDataFileError(["mnist", "training images are 3×3 but test images are 2×3"]) {
            try loadImageDataset(name: "mnist", folder: dir.path)
        }
    }

    @Test("The course's layout: DIR/mnist, and Fashion-MNIST in DIR/fashion-mnist or else Debian's folder")
    func hyperCleaningLayout() throws {
        let pair = smallPair(count: 12), other = smallPair(count: 7, seed: 3)
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data"), debian = root.appendingPathComponent("debian")
        for (folder, files) in [(data.appendingPathComponent("mnist"), pair), (debian, other)] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try write(files.images, to: folder.appendingPathComponent("t10k-images-idx3-ubyte"))
            try write(files.labels, to: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
        }
        let absent = root.appendingPathComponent("absent").path
        expectDataFileError(["fashion-mnist", "\(data.path)/fashion-mnist", absent, "apt-get install -y dataset-fashion-mnist"]) {
            try loadHyperCleaningData(dataFolder: data.path, debianFashionFolder: absent)
        }
        let fromDebian = try loadHyperCleaningData(dataFolder: data.path, debianFashionFolder: debian.path)
        #expect(fromDebian.mnist.test.count == 12 && fromDebian.fashion.test.count == 7 && fromDebian.fashion.folder == debian.path)
        // A fashion-mnist folder of its own wins over Debian's.
        try FileManager.default.copyItem(at: data.appendingPathComponent("mnist"), to: data.appendingPathComponent("fashion-mnist"))
        let own = try loadHyperCleaningData(dataFolder: data.path, debianFashionFolder: debian.path)
        #expect(own.fashion.test.count == 12 && own.fashion.name == "fashion-mnist")
        expectDataFileError(["\(absent): no such folder"]) { try loadHyperCleaningData(dataFolder: absent, debianFashionFolder: debian.path) }
        expectDataFileError(["\(debian.path)/mnist: no such folder"]) {
            try loadHyperCleaningData(dataFolder: debian.path, debianFashionFolder: debian.path)
        }
    }
}

// MARK: - The real files, when present

/// The folder with the real data (`mnist/`, optionally `fashion-mnist/`), from MOBL_DATA.
private let realDataFolder = ProcessInfo.processInfo.environment["MOBL_DATA"].flatMap { $0.isEmpty ? nil : $0 }

@Suite("Data: the real MNIST and Fashion-MNIST files (MOBL_DATA)")
struct RealDataTests {
    @Test("MNIST's test set: 10 000 images of 28×28, its class counts and its mean pixel",
          .enabled(if: realDataFolder != nil, "set MOBL_DATA to a folder holding mnist/t10k-*-ubyte.gz to run it"))
    func mnistTestSet() throws {
        let clock = ContinuousClock()
        let started = clock.now
        let mnist = try loadImageDataset(name: "mnist", folder: realDataFolder! + "/mnist")
        print("MNIST's test set (\(mnist.train == nil ? "no training files" : "with its training files")) read in \(String(format: "%.3f", seconds(clock.now - started))) s")
        let test = mnist.test
        #expect((test.count, test.rows, test.columns) == (10000, 28, 28))
        var counts = Array(repeating: 0, count: 10)
        for label in test.labels { counts[Int(label)] += 1 }
        #expect(counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        let mean = Double(test.pixels.reduce(0) { $0 + Int($1) }) / Double(test.pixels.count)
        #expect(abs(mean - 33.79) < 0.01, "mean pixel \(mean)")
    }

    @Test("Fashion-MNIST: 60 000 training and 10 000 test images, 6 000 and 1 000 per class",
          .enabled(if: realDataFolder != nil, "set MOBL_DATA to a folder holding mnist/ (Fashion-MNIST from MOBL_DATA/fashion-mnist or Debian's package) to run it"))
    func fashionMNIST() throws {
        let fashion = try loadHyperCleaningData(dataFolder: realDataFolder!).fashion
        let train = try #require(fashion.train, "Fashion-MNIST's training files are missing in \(fashion.folder)")
        for (set, size, perClass) in [(train, 60000, 6000), (fashion.test, 10000, 1000)] {
            #expect((set.count, set.rows, set.columns) == (size, 28, 28))
            var counts = Array(repeating: 0, count: 10)
            for label in set.labels { counts[Int(label)] += 1 }
            #expect(counts == Array(repeating: perClass, count: 10))
        }
    }
}
