import Foundation

/// The files of one dataset (MNIST or Fashion-MNIST: the same four standard names).
///
/// `test` is always there; `train` is nil when the folder holds only the two test
/// files (the course can draw all its splits from the 10 000 test images). When both
/// are there, their images have the same rows × columns.
public struct ImageDataset: Sendable {
    /// The dataset's name as the caller gave it, e.g. `"mnist"`; used in errors.
    public let name: String
    /// The folder its files were read from.
    public let folder: String
    /// `train-images-idx3-ubyte` with `train-labels-idx1-ubyte`, if the folder has them.
    public let train: LabelledImages?
    /// `t10k-images-idx3-ubyte` with `t10k-labels-idx1-ubyte`.
    public let test: LabelledImages
}

/// Reads a dataset stored under the four standard MNIST names,
/// `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
/// `t10k-labels-idx1-ubyte`, each plain or with `.gz` (when both exist, the `.gz`).
///
/// The test pair is required; the training pair is optional but must be whole.
/// Throws ``DataFileError``: `"<folder>: no such folder"`; `"<name>: no
/// t10k-images-idx3-ubyte(.gz) in <folder>"` for a missing test file; a training
/// file without its partner; training and test images of different sizes; and
/// whatever ``loadLabelledImages(images:labels:classes:)`` finds wrong in a pair.
/// Labels must be 0…9.
public func loadImageDataset(name: String, folder: String) throws -> ImageDataset {
    guard isFolder(folder) else { throw DataFileError(folder, "no such folder") }
    let test = try loadPair(
        name: name, folder: folder, images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte",
        required: true)!
    let train = try loadPair(
        name: name, folder: folder, images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte",
        required: false)
    if let train, (train.rows, train.columns) != (test.rows, test.columns) {
        throw DataFileError(
            name,
            "training images are \(train.rows)×\(train.columns) but test images are \(test.rows)×\(test.columns) in \(folder): they must be the same size"
        )
    }
    return ImageDataset(name: name, folder: folder, train: train, test: test)
}

/// `dataFolder` holds `mnist/` and optionally `fashion-mnist/`; when
/// `dataFolder/fashion-mnist` is absent, Fashion-MNIST is looked for in
/// `debianFashionFolder` (default "/usr/share/datasets/fashion-mnist", where Debian's
/// package `dataset-fashion-mnist` puts it).
///
/// Both datasets are read with ``loadImageDataset(name:folder:)`` under the names
/// `"mnist"` and `"fashion-mnist"`. Throws ``DataFileError`` when `dataFolder` or
/// `dataFolder/mnist` does not exist, and when Fashion-MNIST is in neither place
/// (naming both places and the command that installs it,
/// `apt-get install -y dataset-fashion-mnist`).
public func loadHyperCleaningData(dataFolder: String, debianFashionFolder: String = "/usr/share/datasets/fashion-mnist")
    throws -> (mnist: ImageDataset, fashion: ImageDataset)
{
    guard isFolder(dataFolder) else { throw DataFileError(dataFolder, "no such folder") }
    let mnist = try loadImageDataset(name: "mnist", folder: joinPath(dataFolder, "mnist"))
    let own = joinPath(dataFolder, "fashion-mnist")
    let fashionFolder = isFolder(own) ? own : debianFashionFolder
    guard isFolder(fashionFolder) else {
        throw DataFileError(
            "fashion-mnist",
            "not found in \(own) nor in \(debianFashionFolder): install Debian's package with `apt-get install -y dataset-fashion-mnist` (or run `make data`), or put its four files in \(own)"
        )
    }
    return (mnist, try loadImageDataset(name: "fashion-mnist", folder: fashionFolder))
}

/// Reads one images/labels pair of a dataset folder; nil when neither file is there
/// and the pair is not `required`.
private func loadPair(name: String, folder: String, images: String, labels: String, required: Bool) throws
    -> LabelledImages?
{
    let imagesPath = findDataFile(folder, images), labelsPath = findDataFile(folder, labels)
    switch (imagesPath, labelsPath) {
    case (let imagesPath?, let labelsPath?):
        return try loadLabelledImages(images: imagesPath, labels: labelsPath)
    case (nil, nil) where !required:
        return nil
    case (nil, nil):
        throw DataFileError(name, "no \(images)(.gz) and no \(labels)(.gz) in \(folder)")
    case (let present?, nil), (nil, let present?):
        let missing = imagesPath == nil ? images : labels
        throw DataFileError(
            name,
            "no \(missing)(.gz) in \(folder), although \((present as NSString).lastPathComponent) is there: the pair needs both files"
        )
    }
}

/// `folder/file.gz` if it exists, else `folder/file` if it exists, else nil.
private func findDataFile(_ folder: String, _ file: String) -> String? {
    let plain = joinPath(folder, file)
    return [plain + ".gz", plain].first { FileManager.default.fileExists(atPath: $0) }
}

private func isFolder(_ path: String) -> Bool {
    var folder: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
}

private func joinPath(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
}
