import Foundation

/// Printing for chapters: section headings, aligned tables, saved figures.
///
/// Everything a chapter prints goes through these, so the output is the same bytes
/// on every run (fixed number formats, no timestamps).
public enum Report {
    /// A section heading, underlined.
    public static func section(_ title: String) {
        print("\n" + title)
        print(String(repeating: "=", count: title.count))
    }

    /// Prints an aligned table: every column as wide as its widest cell, numbers
    /// right-aligned, text left-aligned.
    public static func table(_ headers: [String], _ rows: [[String]]) {
        let widths = headers.indices.map { c in ([headers[c]] + rows.map { $0[c] }).map(\.count).max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return isNumeric(cell) ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        print(line(headers))
        print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        rows.forEach { print(line($0)) }
    }

    /// Writes a chapter's figure scripts into its output folder and says where.
    ///
    /// Every script is built (and so checked) before any is written, and each is
    /// written atomically (`Figure.write` renames a complete temporary file into
    /// place), so a failure — invalid figure data, an unwritable folder — leaves
    /// neither a half-written file nor a half-updated set. Each script records the
    /// flags that made it. On failure prints the reason and exits with status 1.
    public static func save(_ figures: [Figure], options: ChapterOptions) {
        var prepared = figures
        for i in prepared.indices { prepared[i].command = options.reproducingCommand(prepared[i].slug) }
        for figure in prepared {
            do { _ = try figure.script() } catch { fail("figure \(figure.slug) is invalid: \(error)") }
        }
        for figure in prepared {
            do {
                let url = try figure.write(to: options.outputDirectory)
                print("wrote \(options.output)/\(url.lastPathComponent)")
            } catch {
                fail("could not write figure \(figure.slug) into --output \(options.output): \(error.localizedDescription)")
            }
        }
    }

    /// Prints `error: <message>` to standard error and exits with status 1.
    public static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        exit(1)
    }

    private static func isNumeric(_ cell: String) -> Bool {
        Double(cell.trimmingCharacters(in: .whitespaces)) != nil || cell.hasPrefix("-") && Double(cell.dropFirst()) != nil
    }
}

/// Fixed-point text for tables: `fixed(0.123456, 4)` is `0.1235`.
public func fixed(_ x: Double, _ digits: Int) -> String {
    let s = String(format: "%.\(digits)f", x)
    return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
}

/// Scientific text for tables: `sci(0.000123)` is `1.23e-04`.
public func sci(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)e", x) }
