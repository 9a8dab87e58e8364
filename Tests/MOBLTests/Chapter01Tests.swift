import Foundation
import MOBL
import Testing

/// Runs Chapter 1 as a reader would and checks, from the figures' own data, every
/// claim the chapter makes.
@Suite("Chapter 1 — Pareto fronts and scalarization", .serialized)
struct Chapter01Tests {
    static let slugs = ["ch01-vlmop1", "ch01-vlmop2"]

    /// Distance from f to the exact front, by dense sampling (spacing 1e-4 in s).
    func distanceToFront(_ f: [Double], _ problem: VLMOP) -> Double {
        problem.front(samples: 20_001).map { norm($0 - f) }.min()!
    }

    @Test("--quick run: figures render silently and the data back the chapter's claims")
    func quickRun() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runChapter("ch01", ["--quick", "--output", dir.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stderr.isEmpty)
        #expect(run.stdout.contains("seed \(ChapterOptions.defaultSeed)"))

        for slug in Self.slugs {
            let script = dir.appendingPathComponent("\(slug).gp")
            let render = try renderWithGnuplot(script)
            #expect(render.status == 0)
            #expect(render.stderr.isEmpty, "gnuplot on \(slug): \(render.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(slug).svg").path))
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(slug).png").path))

            let blocks = try dataBlocks(script)
            #expect(blocks["front"]?.columns == ["f1", "f2"])
            #expect(blocks["linear"]?.columns == ["w1", "w2", "f1", "f2"])
            #expect(blocks["chebyshev"]?.columns == ["r1", "r2", "f1", "f2"])
            #expect(blocks["mgda"]?.columns == ["f1", "f2"])
            #expect(blocks["rays"]?.columns == ["r1", "r2", "f1", "f2"])

            let problem = try VLMOP(slug == "ch01-vlmop1" ? .one : .two, dimension: 20)
            let chebyshev = try #require(blocks["chebyshev"]).dataRows
            #expect(chebyshev.count == 5)       // --quick: five preferences
            for row in chebyshev {
                let r = Array(row[0...1]), f = Array(row[2...3])
                let exact = try problem.chebyshevOptimum(preference: r).values
                #expect(norm(f - exact) < 1e-3, "\(slug) r = \(r): f = \(f), exact \(exact)")
                #expect(distanceToFront(f, problem) < 1e-3)
            }
            // Larger r₁ buys smaller f₁: f₁ falls as r₁ grows.
            let f1 = chebyshev.sorted { $0[0] < $1[0] }.map { $0[2] }
            #expect(zip(f1, f1.dropFirst()).allSatisfy { $0 > $1 })
            for row in try #require(blocks["mgda"]).dataRows {
                #expect(distanceToFront(row, problem) < 1e-3, "MGDA point \(row) is off the front")
            }
            // The front block is the exact front.
            for row in try #require(blocks["front"]).dataRows {
                #expect(distanceToFront(row, problem) < 1e-8)
            }
        }

        // VLMOP2: every linear-scalarization point sits at an end of the concave front,
        // and the Chebyshev points cover the front better (smaller IGD).
        let two = try dataBlocks(dir.appendingPathComponent("ch01-vlmop2.gp"))
        let problem = try VLMOP(.two, dimension: 20)
        let ends = [problem.frontPoint(-1), problem.frontPoint(1)]
        let linear = try #require(two["linear"]).dataRows.map { Array($0[2...3]) }
        for f in linear {
            #expect(ends.map { norm($0 - f) }.min()! < 0.01, "linear point \(f) is not at an end of the front")
        }
        #expect(Set(linear.map { $0[0] < 0.5 }).count == 2)   // both ends are reached
        let truth = problem.front(samples: 1001)
        let chebyshev = try #require(two["chebyshev"]).dataRows.map { Array($0[2...3]) }
        #expect(try invertedGenerationalDistance(reference: truth, found: chebyshev)
                < invertedGenerationalDistance(reference: truth, found: linear))
    }

    @Test("Same flags, same bytes")
    func deterministic() throws {
        let a = try temporaryDirectory(), b = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let first = try runChapter("ch01", ["--quick", "--output", a.path])
        let second = try runChapter("ch01", ["--quick", "--output", b.path])
        #expect(first.stdout.replacingOccurrences(of: a.path, with: "") == second.stdout.replacingOccurrences(of: b.path, with: ""))
        for slug in Self.slugs {
            let x = try Data(contentsOf: a.appendingPathComponent("\(slug).gp"))
            let y = try Data(contentsOf: b.appendingPathComponent("\(slug).gp"))
            #expect(x == y)
        }
    }

    @Test("The committed figures are current: a default run reproduces their data")
    func committedFiguresAreCurrent() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let start = Date()
        let run = try runChapter("ch01", ["--output", dir.path])
        let seconds = Date().timeIntervalSince(start)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #if !DEBUG
        #expect(seconds < 5, "Chapter 1 took \(seconds) s in release mode")
        #endif
        for slug in Self.slugs {
            let committed = packageRoot.appendingPathComponent("figures/\(slug).gp")
            let fresh = try dataBlocks(dir.appendingPathComponent("\(slug).gp"))
            let old = try dataBlocks(committed)
            #expect(Set(fresh.keys) == Set(old.keys), "\(slug): datablocks differ; run make figures")
            for (name, block) in fresh {
                let oldRows = old[name]?.rows ?? []
                #expect(block.rows.count == oldRows.count, "\(slug) $\(name): row count changed; run make figures")
                for (new, previous) in zip(block.rows, oldRows) {
                    #expect(new.count == previous.count)
                    for (a, b) in zip(new, previous) {
                        #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(slug) $\(name): \(a) vs committed \(b); run make figures")
                    }
                }
            }
            for ext in ["svg", "png"] {
                #expect(FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent("figures/\(slug).\(ext)").path),
                        "figures/\(slug).\(ext) is missing; run make figures")
            }
        }
    }

    @Test("Out-of-range flags exit non-zero, naming the flag and the rule",
          arguments: [
            (["--preferences", "0"], "--preferences"),
            (["--preferences", "100"], "--preferences"),
            (["--steps", "-5"], "--steps"),
            (["--step-size", "0"], "--step-size"),
            (["--step-size", "nan"], "--step-size"),
            (["--u", "-1"], "--u"),
            (["--dimension", "0"], "--dimension"),
            (["--tolerance", "0"], "--tolerance"),
            (["--seed", "-3"], "--seed"),
            (["--output", ""], "--output"),
          ])
    func badFlags(arguments: [String], flag: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runChapter("ch01", arguments + (flag == "--output" ? [] : ["--output", dir.path]))
        #expect(run.status != 0)
        #expect(run.stderr.contains(flag), "stderr was: \(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "no figure for bad input")
    }

    @Test("--help says what the chapter teaches and lists the common flags")
    func help() throws {
        let run = try runChapter("ch01", ["--help"])
        #expect(run.status == 0)
        for word in ["Pareto", "Chebyshev", "--output", "--quick", "--seed", "--preferences"] {
            #expect(run.stdout.contains(word))
        }
    }

    @Test("Without gnuplot: the install hint, a non-zero exit, and the .gp files still written")
    func missingGnuplot() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try runChapter("ch01", ["--quick", "--output", dir.path]).status == 0)
        let scripts = Self.slugs.map { dir.appendingPathComponent("\($0).gp").path }
        let render = try runProcess(packageRoot.appendingPathComponent("scripts/render-figures"), scripts,
                                    environment: ["GNUPLOT": "gnuplot-that-is-not-installed", "MOBL_NO_INSTALL": "1"])
        #expect(render.status != 0)
        #expect(render.stderr.contains("apt-get install -y gnuplot-nox"), "stderr was: \(render.stderr)")
        #expect(scripts.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ch01-vlmop1.svg").path))
    }
}
