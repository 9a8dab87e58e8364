// TEMPORARY: the pre-book chapter API, kept only until Chapters 1–3 are rewritten as
// top-level scripts (issue 6). Delete with the last chapter that uses it.
import Foundation

public typealias ChapterOptions = CommonFlags

public enum Report {
    public static func section(_ title: String, line: UInt = #line) { ChapterSupport.section(title, line: line) }

    public static func table(_ headers: [String], _ rows: [[String]], line: UInt = #line) {
        let widths = headers.indices.map { c in ([headers[c]] + rows.map { $0[c] }).map(\.count).max()! }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return Double(cell) != nil ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        var lines = [format(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(format)
        say(lines.joined(separator: "\n"), line: line)
    }

    public static func save(_ figures: [Figure], options: CommonFlags, line: UInt = #line) {
        ChapterSupport.save(figures: figures, flags: options, line: line)
    }

    public static func fail(_ message: String) -> Never { ChapterSupport.fail(message) }
}
