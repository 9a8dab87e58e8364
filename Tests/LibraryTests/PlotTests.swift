import ChapterSupport
import Foundation
import MOBL
import Testing
import TestSupport

@Suite("Figures as gnuplot scripts")
struct PlotTests {
    func sampleFigure() throws -> Figure {
        var figure = Figure(slug: "ch99-sample", title: "A sample", xLabel: "x", yLabel: "y")
        figure.blocks = [try DataBlock("curve", columns: ["x", "y"], rows: [[0, 1], [0.5, -0.0], [1e-12, 3.25], [], [2, 2]])]
        figure.series = [Series(block: "curve", style: .linesPoints, title: "curve")]
        return figure
    }

    @Test("Datablocks round-trip through the script text, numbers in a fixed format")
    func roundTrip() throws {
        let figure = try sampleFigure()
        let script = try figure.script()
        #expect(script.contains("$curve << EOD\n# x y\n0 1\n0.5 0\n1e-12 3.25\n\n2 2\nEOD"))
        let blocks = try readDataBlocks(fromScript: script)
        #expect(blocks["curve"] == figure.blocks[0])
        #expect(try blocks["curve"]!.column("y") == [1, 0, 3.25, 2])
        #expect(formatNumber(1 / 3) == "0.3333333333")
        #expect(formatNumber(-0.0) == "0")
    }

    @Test("Grouped blocks: data sets separated by two blank lines, picked by index")
    func groups() throws {
        let block = try DataBlock("g", columns: ["k", "e"], groups: [[[1, 1], [2, 0.5]], [[1, 2]], [[1, 3], [2, 1]]])
        #expect(block.groups.count == 3 && block.groups[1] == [[1, 2]])
        var figure = Figure(slug: "ch99-groups", title: "g", xLabel: "k", yLabel: "e")
        figure.logY = true
        figure.blocks = [block]
        for set in 0..<3 {
            figure.series.append(Series(block: "g", index: set, style: .lines, title: "set " + String(set)))
        }
        let script = try figure.script()
        #expect(script.contains("$g index 2 using 1:2"))
        #expect(try readDataBlocks(fromScript: script)["g"]?.groups == block.groups)
        figure.series[0].index = 3
        #expect(throws: InvalidInput.self) { try figure.script() }
        figure.series[0].index = 0
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let render = try renderWithGnuplot(try figure.write(to: dir))
        #expect(render.status == 0 && render.stderr.isEmpty, "gnuplot said: \(render.stderr)")
    }

    @Test("The script names its outputs and renders with gnuplot, silently")
    func renders() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try sampleFigure().write(to: dir)
        let output = try renderWithGnuplot(url)
        #expect(output.status == 0)
        #expect(output.stderr.isEmpty, "gnuplot said: \(output.stderr)")
        for ext in ["svg", "png"] {
            let size = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("ch99-sample.\(ext)").path)[.size] as? Int
            #expect((size ?? 0) > 1000)
        }
        // Only the script and its two renders: no temporary file left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
                == ["ch99-sample.gp", "ch99-sample.png", "ch99-sample.svg"])
    }

    @Test("Labelled x tics: one label per tic, quoted; a count that does not match is refused; gnuplot renders them")
    func labelledTics() throws {
        var figure = try sampleFigure()
        figure.xTics = [0, 1, 2]
        figure.xTicLabels = ["zero", "one's", "two"]
        #expect(try figure.script().contains("set xtics ('zero' 0, 'one''s' 1, 'two' 2)"))
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let render = try renderWithGnuplot(try figure.write(to: dir))
        #expect(render.status == 0 && render.stderr.isEmpty, "gnuplot said: \(render.stderr)")
        figure.xTicLabels = ["zero", "one"]
        #expect(throws: InvalidInput.self) { try figure.script() }
        figure.xTics = nil
        #expect(throws: InvalidInput.self) { try figure.script() }
    }

    @Test("On a log axis an exact zero (a gap that vanished) is left out: gnuplot renders the rest silently")
    func logAxisZeros() throws {
        var figure = try sampleFigure()
        figure.logY = true
        figure.blocks = [try DataBlock("curve", columns: ["x", "y"], rows: [[0, 1], [0.5, 0], [1, 1e-300], [2, 2]])]
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let render = try renderWithGnuplot(try figure.write(to: dir))
        #expect(render.status == 0 && render.stderr.isEmpty, "gnuplot: \(render.stderr)")
    }

    @Test("A figure in one call, series by column name: the same script as field by field; an unknown column is refused")
    func figureByNames() throws {
        let block = try DataBlock("d", columns: ["D", "bias", "gap"], rows: [[1, 0.5, 1e-3], [2, 0.25, 1e-4]])
        var fieldByField = Figure(slug: "ch99-demo", title: "demo", xLabel: "D", yLabel: "bias")
        (fieldByField.logX, fieldByField.logY, fieldByField.key) = (true, true, "bottom left")
        fieldByField.blocks = [block]
        fieldByField.series = [Series(block: "d", x: 1, y: 3, style: .linesPoints, title: "gap", dashType: 2, pointType: 5)]
        let oneCall = Figure(slug: "ch99-demo", title: "demo", x: "D", y: "bias", log: .both, key: "bottom left", blocks: [block],
                             series: [try block.series("D", "gap", .linesPoints, title: "gap", dash: 2, point: 5)])
        #expect(try oneCall.script() == fieldByField.script())
        #expect(throws: InvalidInput.self) { try block.series("D", "variance", .lines, title: nil) }
    }

    @Test("Bad figures and corrupt data are refused with the rule they break")
    func badInput() throws {
        #expect(throws: InvalidInput.self) { try DataBlock("bad name", columns: ["x"], rows: []) }
        #expect(throws: InvalidInput.self) { try DataBlock("b", columns: ["x", "y"], rows: [[1]]) }
        #expect(throws: InvalidInput.self) { try DataBlock("b", columns: ["x"], rows: [[.nan]]) }
        var figure = try sampleFigure()
        figure.series[0].block = "missing"
        #expect(throws: InvalidInput.self) { try figure.script() }
        // A log axis: a negative value is refused, and so is a series with nothing positive.
        var logFigure = try sampleFigure()
        logFigure.logY = true
        logFigure.blocks = [try DataBlock("curve", columns: ["x", "y"], rows: [[0, 1], [0.5, -1e-300], [2, 2]])]
        #expect(throws: InvalidInput.self) { try logFigure.script() }
        logFigure.blocks = [try DataBlock("curve", columns: ["x", "y"], rows: [[0, 0], [0.5, -0.0]])]
        #expect(throws: InvalidInput.self) { try logFigure.script() }
        var badSlug = try sampleFigure()
        badSlug.slug = "figure 1"
        #expect(throws: InvalidInput.self) { try badSlug.script() }
        #expect(throws: InvalidInput.self) { try readDataBlocks(fromScript: "$a << EOD\n# x y\n1 two\nEOD\n") }
        #expect(throws: InvalidInput.self) { try readDataBlocks(fromScript: "$a << EOD\n1 2\nEOD\n") }
        #expect(throws: InvalidInput.self) { try readDataBlocks(fromScript: "$a << EOD\n# x y\n1 2\n") }
        #expect(throws: InvalidInput.self) { try readDataBlocks(fromScript: "$a << EOD\n# x y\n1 2 3\nEOD\n") }
        #expect(throws: InvalidInput.self) { try readDataBlocks(fromScript: "$a << EOD\n# x\n1\nEOD\n$a << EOD\n# x\n2\nEOD\n") }
        // What gnuplot itself accepts is read too: no space before EOD, indentation, CRLF.
        let lenient = try readDataBlocks(fromScript: "$a <<EOD\r\n  # x y\r\n 1 2\r\nEOD\r\n")
        #expect(lenient["a"]?.rows == [[1, 2]])
    }

    @Test("A failed write leaves no file behind")
    func atomicWrite() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var figure = try sampleFigure()
        figure.series[0].block = "missing"
        #expect(throws: InvalidInput.self) { try figure.write(to: dir) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}

/// Tables: built once from named cells, printed aligned and saved as a datablock from
/// the same values.
@Suite("Tables")
struct TableTests {
    func sample() -> Table {
        var table = Table("cost", [.init("D", format: .integer), .init("start", "variant", format: .label(["cold", "warm y, warm v"])),
                                   .init("steps", "outer steps", format: .integer, missing: "not reached"),
                                   .init("error", format: .scientific(2)), .init("ratio", format: .fixed(3))])
        table.append(["D": 1, "start": 0, "steps": nil, "error": 0.000123, "ratio": -0.0001])
        table.append(["D": 16, "start": 1, "steps": 99, "error": 2.5, "ratio": 1.5])
        return table
    }

    @Test("Printed aligned: numbers right, labels left, missing cells as their text, fixed formats")
    func printed() {
        let expected = """
             D  variant         outer steps     error  ratio
            --  --------------  -----------  --------  -----
             1  cold            not reached  1.23e-04  0.000
            16  warm y, warm v           99  2.50e+00  1.500
            """
        #expect(sample().text == expected, "\n\(sample().text)")
    }

    @Test("Saved from the same values: named columns, missing cells as NaN, read back by name")
    func saved() throws {
        let block = try sample().dataBlock
        #expect(block.columns == ["D", "start", "steps", "error", "ratio"])
        #expect(block.scriptText.contains("1 0 NaN 0.000123 -0.0001"))
        let back = try #require(try readDataBlocks(fromScript: block.scriptText)["cost"])
        #expect(back.records[1]["steps"] == 99)
        #expect(back.records[0]["steps"]!.isNaN)
        #expect(sample().column("error") == [0.000123, 2.5])
        #expect(sample().value(1, "D") == 16)
    }

    @Test("A figure's datablock refuses NaN; only tables may have missing cells")
    func figuresRefuseMissing() {
        #expect(throws: InvalidInput.self) { try DataBlock("x", columns: ["a"], rows: [[.nan]]) }
        #expect(throws: InvalidInput.self) { try DataBlock("x", columns: ["a"], rows: [[.infinity]], allowingMissing: true) }
    }

    @Test("Curves in one call: colours and points in turn, pairs dashed in their partner's colour, references grey")
    func curves() throws {
        struct Row { let x: Double, a: Double, b: Double, bound: Double, spread: Double }
        let rows = (1...3).map { Row(x: Double($0), a: Double($0), b: 2 * Double($0), bound: 1, spread: 0.1) }
        let data = try DataBlock(
            "d", rows, ["x": \.x, "a": \.a, "b": \.b, "bound": \.bound, "spread": \.spread])
        #expect(data.columns == ["x", "a", "b", "bound", "spread"])
        #expect(data.rows[2] == [3, 3, 6, 1, 0.1])
        let figure = try Figure.curves(
            "ch99-curves", title: "t", x: "x", y: "y", comment: "c", data: data, against: "x",
            [
                Curve("a", "A", error: "spread"), .reference("bound", "bound"), Curve("b", "B"),
                Curve("a", "A again", pairedWith: 0),
            ])
        let plot = try figure.script().components(separatedBy: "\nplot ")[1]
        #expect(plot.contains("using 1:2:5 with yerrorlines lc rgb '\(Figure.palette[0])' lw 2 dt 1 pt 7"))
        #expect(plot.contains("using 1:4 with lines lc rgb '#777777' lw 2 dt 2 title 'bound'"))
        #expect(plot.contains("using 1:3 with linespoints lc rgb '\(Figure.palette[1])' lw 2 dt 1 pt 5"))
        #expect(plot.contains("using 1:2 with linespoints lc rgb '\(Figure.palette[0])' lw 2 dt 2 pt 6"))
        // A pairing must name an earlier, unpaired curve; a column must exist.
        #expect(throws: InvalidInput.self) {
            try Figure.curves(
                "ch99-c", title: "t", x: "x", y: "y", comment: "c", data: data, against: "x",
                [Curve("a", "A", pairedWith: 1), Curve("b", "B")])
        }
        #expect(throws: InvalidInput.self) {
            try Figure.curves(
                "ch99-c", title: "t", x: "x", y: "y", comment: "c", data: data, against: "x", [Curve("nope", "N")])
        }
        #expect(throws: InvalidInput.self) {
            try Figure.curves(
                "ch99-c", title: "t", x: "x", y: "y", comment: "c", data: data, against: "x",
                [Curve("a", "A", error: "nope")])
        }
    }

    @Test("A table from structs: numbers by key path, text cells as labels in order of appearance, missing cells")
    func tableFromStructs() throws {
        struct Run { let method: String, steps: Int?, gap: Double }
        let runs = [Run(method: "FORUM", steps: 12, gap: 1e-3), Run(method: "MOML", steps: nil, gap: 2e-4),
                    Run(method: "FORUM", steps: 7, gap: 5e-5)]
        let table = Table("runs", runs, [
            .text("method") { $0.method },
            .number("steps", .integer, missing: "not reached") { $0.steps.map(Double.init) },
            .number("gap", .scientific(2)) { $0.gap },
        ])
        #expect(table.column("method") == [0, 1, 0])
        #expect(table.columns[0].format == .label(["FORUM", "MOML"]))
        #expect(table.text == """
            method        steps       gap
            ------  -----------  --------
            FORUM            12  1.00e-03
            MOML    not reached  2.00e-04
            FORUM             7  5.00e-05
            """, "\n\(table.text)")
        #expect(try table.dataBlock.rows[1][1].isNaN)
    }
}
