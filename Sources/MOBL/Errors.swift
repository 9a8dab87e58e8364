/// Bad input: names the value and the rule it breaks, e.g.
/// `preference r = (0.5, 0): every r_s must be > 0`.
///
/// The library throws this wherever a caller can pass something meaningless
/// (a non-positive preference, a matrix that is not positive semidefinite, a
/// non-finite number headed for a figure). Chapters let it propagate to `main`,
/// which prints it and exits non-zero.
public struct InvalidInput: Error, CustomStringConvertible, Equatable {
    /// What was passed, as the caller would name it (`"preference r"`, `"P"`).
    public let name: String
    /// The offending value, printed.
    public let value: String
    /// The rule it breaks, phrased as the rule (`"every r_s must be > 0"`).
    public let rule: String

    public init(_ name: String, _ value: String, _ rule: String) {
        self.name = name
        self.value = value
        self.rule = rule
    }

    public var description: String { "\(name) = \(value): \(rule)" }
}

/// A solver that could not meet its own stopping rule: reports what it reached
/// instead of handing back a silent best effort.
public struct DidNotConverge: Error, CustomStringConvertible, Equatable {
    public let solver: String
    public let detail: String

    public init(_ solver: String, _ detail: String) {
        self.solver = solver
        self.detail = detail
    }

    public var description: String { "\(solver) did not converge: \(detail)" }
}

/// An iteration that blew up: its iterate, values or gradients stopped being finite
/// numbers (usually a step size beyond the problem's stability limit). Iterative
/// methods throw it at the first step where it happens, rather than carrying NaN to
/// the end of their budget.
public struct Diverged: Error, CustomStringConvertible, Equatable {
    public let method: String
    /// The step at which the non-finite number appeared (0: at the start).
    public let step: Int
    /// What became non-finite, e.g. "f(x)", "the gradients".
    public let quantity: String

    public init(_ method: String, step: Int, quantity: String) {
        self.method = method
        self.step = step
        self.quantity = quantity
    }

    public var description: String { "\(method) diverged: \(quantity) became non-finite at step \(step)" }
}

/// Formats a short list of numbers for error messages: `(0.5, -0.1)`.
public func describe(_ values: [Double]) -> String {
    "(" + values.map { String($0) }.joined(separator: ", ") + ")"
}

/// A data file (or folder) that cannot be used: names it and says what is wrong, e.g.
/// `mnist/t10k-labels-idx1-ubyte.gz: label 12 at index 37: labels must be 0…9`.
///
/// The readers of <doc:Data> throw it for every problem with what is on disk — a
/// missing file, a corrupt gzip stream, an IDX header that contradicts the data —
/// and never stop the program on file content.
public struct DataFileError: Error, CustomStringConvertible, Equatable {
    /// The file or folder, as the caller named it (or a dataset's name, for a
    /// dataset that is nowhere to be found).
    public let path: String
    /// What is wrong with it, phrased so that the reader can fix it.
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
