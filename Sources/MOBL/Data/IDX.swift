import CZlib
import Foundation

/// An array read from an IDX file (the format of MNIST and Fashion-MNIST): its
/// dimensions and its elements, which are bytes.
///
/// `bytes` is in row-major order (the last dimension varies fastest), and
/// `bytes.count` is always the product of `dimensions`; every dimension is ≥ 1.
/// For MNIST's test images, `dimensions == [10000, 28, 28]`.
public struct IDXArray: Sendable, Equatable {
    /// The sizes of the dimensions, outermost first (1 to 4 of them, each ≥ 1).
    public let dimensions: [Int]
    /// The elements, row-major; exactly the product of `dimensions` of them.
    public let bytes: [UInt8]
}

/// The bounds ``decodeIDX(_:name:)`` enforces, so that a small or corrupt file can
/// neither make it allocate much nor make it run long.
public enum IDXLimits {
    /// The most elements an IDX array may declare: 2³¹ (2 GiB of bytes). MNIST's
    /// training images have 47 040 000.
    public static let maximumElements = 1 << 31

    /// The most bytes reserved up front for a gzip-compressed file's data: 64 MiB.
    public static let maximumReservation = 64 << 20

    /// What ``decodeIDX(_:name:)`` reserves for the data of a gzip-compressed file
    /// before any of it is decompressed: min(declared, 64 × compressed size, 64 MiB).
    ///
    /// The header's dimensions are a claim, not a fact: a 100-byte file may declare
    /// 2³¹ elements. So the reservation is bounded by what the compressed size can
    /// plausibly hold, and beyond it the buffer grows only as data actually arrives;
    /// decompression stops with an error as soon as more than `declaredBytes` arrive.
    public static func reservation(declaredBytes: Int, compressedBytes: Int) -> Int {
        let plausible = compressedBytes.multipliedReportingOverflow(by: 64)
        return min(max(declaredBytes, 0), plausible.overflow ? Int.max : plausible.partialValue, maximumReservation)
    }
}

/// Reads an IDX file, plain or gzip-compressed (recognized by its first two bytes,
/// 1f 8b, not by its name), and checks it as ``decodeIDX(_:name:)`` does.
///
/// Throws ``DataFileError`` naming `path` when the file is missing, is a folder,
/// cannot be read, or is not a well-formed IDX file of unsigned bytes.
public func readIDX(path: String) throws -> IDXArray {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
        throw DataFileError(path, "no such file")
    }
    guard !isFolder.boolValue else { throw DataFileError(path, "is a folder, not an IDX file") }
    let contents: Data
    do {
        contents = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw DataFileError(path, "cannot be read (\(error.localizedDescription))")
    }
    return try decodeIDX([UInt8](contents), name: path)
}

/// Decodes an IDX file held in memory, plain or gzip-compressed (recognized by its
/// first two bytes, 1f 8b); `name` names it in errors.
///
/// The format: two zero bytes; an element-type byte, which must be 0x08 (unsigned
/// byte: the only type the course needs); the number of dimensions n, 1 to 4; n
/// big-endian 32-bit dimensions; then exactly their product of bytes.
///
/// Every problem throws ``DataFileError`` — a wrong magic number, another element
/// type (named by its code), a dimension of 0, more than ``IDXLimits/maximumElements``
/// elements, data shorter than declared (naming the expected and found byte counts)
/// or longer, a corrupt or cut-short gzip stream, bytes after it — and nothing on
/// the content stops the program.
///
/// Cost: one pass over the data. A plain file is never copied beyond its own size. A
/// gzip stream is inflated in 64 KiB chunks into a buffer reserved as
/// ``IDXLimits/reservation(declaredBytes:compressedBytes:)`` says and grown only as
/// data arrives; the gzip trailer's size claim is never used to allocate.
public func decodeIDX(_ data: [UInt8], name: String) throws -> IDXArray {
    if data.count >= 2 && data[0] == 0x1f && data[1] == 0x8b {
        return try decodeGzipIDX(data, name: name)
    }
    guard let header = try IDXHeader(data[...], name: name) else {
        throw DataFileError(
            name,
            "too short for an IDX header: \(data.count) bytes, the header needs \(IDXHeader.length(of: data[...]))")
    }
    let found = data.count - header.length
    guard found == header.elements else {
        throw header.wrongLength(found: found, name: name)
    }
    return IDXArray(dimensions: header.dimensions, bytes: Array(data[header.length...]))
}

/// An IDX header, checked: its dimensions, its length in bytes and the number of
/// elements it declares.
private struct IDXHeader {
    let dimensions: [Int]
    let length: Int
    let elements: Int

    /// Bytes a header needs given its first bytes: 4 until the dimension count is
    /// known, then 4 + 4n.
    static func length(of prefix: ArraySlice<UInt8>) -> Int {
        prefix.count < 4 ? 4 : 4 + 4 * Int(prefix[prefix.startIndex + 3])
    }

    /// Parses and checks a header from the first bytes of a file: nil while more
    /// bytes are needed; throws as soon as what is there is wrong.
    init?(_ prefix: ArraySlice<UInt8>, name: String) throws {
        let b = Array(prefix.prefix(20))
        guard b.count >= 2 else { return nil }
        guard b[0] == 0 && b[1] == 0 else {
            throw DataFileError(
                name, "not an IDX file: it starts with \(hex(b[0])) \(hex(b[1])), an IDX file starts with 0x00 0x00")
        }
        guard b.count >= 4 else { return nil }
        guard b[2] == 0x08 else {
            throw DataFileError(
                name,
                "IDX element type \(hex(b[2])) (\(idxTypeName(b[2]))) is not supported: only 0x08 (unsigned byte) is")
        }
        let n = Int(b[3])
        guard (1...4).contains(n) else {
            throw DataFileError(name, "IDX header declares \(n) dimensions: must be 1 to 4")
        }
        guard b.count >= 4 + 4 * n else { return nil }
        var dimensions: [Int] = []
        for d in 0..<n {
            let size = b[(4 + 4 * d)..<(8 + 4 * d)].reduce(0) { $0 << 8 | Int($1) }
            guard size >= 1 else {
                throw DataFileError(name, "IDX dimension \(d + 1) of \(n) is 0: every dimension must be ≥ 1")
            }
            dimensions.append(size)
        }
        var elements = 1
        for size in dimensions {
            let product = elements.multipliedReportingOverflow(by: size)
            guard !product.overflow, product.partialValue <= IDXLimits.maximumElements else {
                throw DataFileError(
                    name,
                    "IDX header declares \(shapeText(dimensions)) elements: at most \(IDXLimits.maximumElements) (2³¹) are accepted"
                )
            }
            elements = product.partialValue
        }
        self.dimensions = dimensions
        self.length = 4 + 4 * n
        self.elements = elements
    }

    var shape: String { shapeText(dimensions) }

    /// The error for data of the wrong length.
    func wrongLength(found: Int, name: String) -> DataFileError {
        if found < elements {
            return DataFileError(
                name, "truncated: the header (\(shape)) declares \(elements) bytes of data, found \(found)")
        }
        return DataFileError(
            name,
            "\(found - elements) bytes after the \(elements) bytes of data the header (\(shape)) declares: the file must end there"
        )
    }
}

private func hex(_ byte: UInt8) -> String {
    "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
}

/// The IDX format's names for its element types.
private func idxTypeName(_ code: UInt8) -> String {
    switch code {
    case 0x09: return "signed byte"
    case 0x0B: return "16-bit integer"
    case 0x0C: return "32-bit integer"
    case 0x0D: return "float"
    case 0x0E: return "double"
    default: return "not an IDX type"
    }
}

/// Inflates a gzip-compressed IDX file chunk by chunk, checking the header as soon as
/// it has arrived and refusing data beyond what it declares as soon as it arrives.
private func decodeGzipIDX(_ data: [UInt8], name: String) throws -> IDXArray {
    var prefix: [UInt8] = []
    var header: IDXHeader?
    var body: [UInt8] = []
    try inflateGzip(data, name: name) { chunk in
        var rest = chunk[...]
        while header == nil && !rest.isEmpty {
            let take = min(IDXHeader.length(of: prefix[...]) - prefix.count, rest.count)
            prefix += rest.prefix(take)
            rest = rest.dropFirst(take)
            if let parsed = try IDXHeader(prefix[...], name: name) {
                header = parsed
                body.reserveCapacity(IDXLimits.reservation(declaredBytes: parsed.elements, compressedBytes: data.count))
            }
        }
        guard let header, !rest.isEmpty else { return }
        guard rest.count <= header.elements - body.count else {
            throw DataFileError(
                name,
                "more data than the header (\(header.shape)) declares, \(header.elements) bytes: the file must end there"
            )
        }
        body += rest
    }
    guard let header else {
        throw DataFileError(
            name,
            "too short for an IDX header: \(prefix.count) bytes after decompression, the header needs \(IDXHeader.length(of: prefix[...]))"
        )
    }
    guard body.count == header.elements else { throw header.wrongLength(found: body.count, name: name) }
    return IDXArray(dimensions: header.dimensions, bytes: body)
}

/// Inflates one gzip stream through zlib, handing each decompressed chunk (at most
/// 64 KiB) to `consume`. Throws ``DataFileError`` on corrupt data (including a wrong
/// CRC-32 or length in the trailer), a stream cut short, or bytes after it.
private func inflateGzip(
    _ data: [UInt8], name: String,
    _ consume: (UnsafeBufferPointer<UInt8>) throws -> Void
) throws {
    var stream = z_stream()
    // 16 + MAX_WBITS: a gzip wrapper, and the largest window.
    guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw DataFileError(name, "zlib could not start decompressing (out of memory?)")
    }
    defer { inflateEnd(&stream) }
    let chunk = 64 << 10
    let output = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
    defer { output.deallocate() }
    try data.withUnsafeBufferPointer { input in
        var offset = 0
        while true {
            if stream.avail_in == 0 && offset < input.count {
                let size = min(input.count - offset, 1 << 20)
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + offset)
                stream.avail_in = UInt32(size)
                offset += size
            }
            stream.next_out = output
            stream.avail_out = UInt32(chunk)
            let status = inflate(&stream, Z_NO_FLUSH)
            let produced = chunk - Int(stream.avail_out)
            if produced > 0 { try consume(UnsafeBufferPointer(start: output, count: produced)) }
            switch status {
            case Z_STREAM_END:
                let after = input.count - offset + Int(stream.avail_in)
                guard after == 0 else {
                    throw DataFileError(
                        name, "\(after) bytes after the end of the gzip stream: the file must end there")
                }
                return
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_in == 0 && offset == input.count:
                throw DataFileError(name, "the gzip stream is cut short (the file is truncated)")
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw DataFileError(name, "corrupt gzip data (\(detail))")
            }
        }
    }
}

/// Images with labels, e.g. MNIST's test set: `count` images of rows × columns pixels
/// (bytes 0…255, row-major, image after image) and a label 0..<classes for each.
///
/// Image i is `pixels[i * pixelsPerImage ..< (i + 1) * pixelsPerImage]` and its label
/// is `labels[i]`. ``loadLabelledImages(images:labels:classes:)`` guarantees
/// `pixels.count == count * pixelsPerImage`, `labels.count == count`, and every label
/// below the number of classes it was given.
public struct LabelledImages: Sendable, Equatable {
    /// How many images (and labels).
    public let count: Int
    /// Pixels per column of an image (28 for MNIST).
    public let rows: Int
    /// Pixels per row of an image (28 for MNIST).
    public let columns: Int
    /// All pixels, 0 (background) to 255, row-major, image after image.
    public let pixels: [UInt8]
    /// The class of each image.
    public let labels: [UInt8]
    /// rows × columns.
    public var pixelsPerImage: Int { rows * columns }
}

/// Reads an images file (3-dimensional IDX: count × rows × columns) and its labels
/// file (1-dimensional IDX: count), plain or gzip-compressed, and checks that they
/// belong together.
///
/// Throws ``DataFileError`` when either file cannot be read as ``readIDX(path:)``
/// says, has the wrong number of dimensions, when the two counts differ (naming both
/// files and both counts), or when a label is ≥ `classes` (naming the labels file,
/// the index of the first bad label and its value). `classes` outside 1…256 is a
/// caller's mistake and throws ``InvalidInput``.
public func loadLabelledImages(images: String, labels: String, classes: Int = 10) throws -> LabelledImages {
    guard (1...256).contains(classes) else {
        throw InvalidInput("classes", "\(classes)", "must be 1 to 256 (labels are bytes)")
    }
    let imageArray = try readIDX(path: images)
    guard imageArray.dimensions.count == 3 else {
        throw DataFileError(
            images,
            "has \(imageArray.dimensions.count) dimensions (\(shapeText(imageArray.dimensions))): an images file has 3, count × rows × columns"
        )
    }
    let labelArray = try readIDX(path: labels)
    guard labelArray.dimensions.count == 1 else {
        throw DataFileError(
            labels,
            "has \(labelArray.dimensions.count) dimensions (\(shapeText(labelArray.dimensions))): a labels file has 1, the count"
        )
    }
    let count = imageArray.dimensions[0]
    guard labelArray.dimensions[0] == count else {
        throw DataFileError(
            images, "has \(count) images but \(labels) has \(labelArray.dimensions[0]) labels: the counts must be equal"
        )
    }
    if let bad = labelArray.bytes.firstIndex(where: { Int($0) >= classes }) {
        throw DataFileError(labels, "label \(labelArray.bytes[bad]) at index \(bad): labels must be 0…\(classes - 1)")
    }
    return LabelledImages(
        count: count, rows: imageArray.dimensions[1], columns: imageArray.dimensions[2],
        pixels: imageArray.bytes, labels: labelArray.bytes)
}

/// Dimensions as the errors print them: `60000 × 28 × 28`.
private func shapeText(_ dimensions: [Int]) -> String {
    dimensions.map(String.init).joined(separator: " × ")
}
