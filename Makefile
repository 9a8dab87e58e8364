# The course's commands. Start with `make figures` and `make test`.
#
#   make figures        build (release), run every chapter, render every figure
#   make test           run the tests (library and chapter tests, release build) but those tagged
#                       slow; fails on an expression that takes the type checker more than 200 ms
#   make test-all       every test, the slow ones too (the edge sweep, a K = 200 run, real data):
#                       what CI runs
#   make test-library   only the library's tests against their oracles (seconds, after a build)
#   make chapter N=1    run one chapter and render its figures
#   make timings        run every chapter with --timings: write the wall times of the closing
#                       comparison's runs (figures/chNN-timings.dat, not deterministic), then
#                       Chapter 10 again, which puts them into the course's one table
#   make book           weave every chapter with its output and figures into book/
#   make site           the book as a static HTML edition in .build/site (open .build/site/index.html):
#                       pandoc, math as MathML (no network at build or read time), contents and
#                       previous/next links on every page; a pandoc warning or a link to a missing
#                       file fails it. scripts/check-site .build/site checks it in headless Chromium
#   make pdf            the whole book (front matter, chapters, solutions) as one PDF, .build/book.pdf,
#                       printed from a one-page edition (.build/print) by headless Chromium
#   make bench          time the hyper-cleaning kernels and one outer iteration of each
#                       method at real size, side by side with NumPy when python3 has it
#   make docs           build the MOBL library's documentation (DocC) into .build/docs;
#                       any documentation warning fails it
#   make data           make sure Fashion-MNIST is installed (Chapter 8's real data; MNIST
#                       itself is downloaded by hand, see README.md "Real data (Chapter 8)")
#   make format         format the library and the chapters (.swift-format: 4 spaces, 120 columns)
#   make clean          remove the build folder
#
# gnuplot (and, for make data, Debian's dataset-fashion-mnist; for make site and make pdf, pandoc;
# for make pdf, chromium) is installed automatically when missing if you are root on
# Debian/Ubuntu; otherwise the command to install it is printed.

SHELL := /bin/bash
SWIFT ?= swift
BIN := .build/release
DOCS := .build/docs
# Chapters/01-ParetoFronts -> 01 ; the executable of chapter 01 is ch01.
CHAPTER_NUMBERS := $(sort $(foreach d,$(wildcard Chapters/[0-9][0-9]-*),$(firstword $(subst -, ,$(notdir $(d))))))

.PHONY: figures timings test test-all test-library chapter book site pdf build docs bench data format clean

figures: build
	@for n in $(CHAPTER_NUMBERS); do \
	    echo "== Chapter $$n"; \
	    MOBL_DATA= $(BIN)/ch$$n --output figures || exit 1; \
	done
	@scripts/render-figures figures/ch*.gp

# Chapters run in folder order, so Chapter 10 (which reads the others' tables) runs last.
timings: build
	@for n in $(CHAPTER_NUMBERS); do \
	    echo "== Chapter $$n (--timings)"; \
	    MOBL_DATA= $(BIN)/ch$$n --timings --output figures || exit 1; \
	done
	@scripts/render-figures figures/ch10-*.gp

chapter:
	@[[ "$(N)" =~ ^[0-9]+$$ ]] || { echo "usage: make chapter N=<number> (chapters: $(CHAPTER_NUMBERS))" >&2; exit 2; }
	@n=$$(printf %02d $$((10#$(N)))); \
	    [[ " $(CHAPTER_NUMBERS) " == *" $$n "* ]] || { echo "error: there is no chapter $(N) (chapters: $(CHAPTER_NUMBERS))" >&2; exit 2; }
	@$(MAKE) --no-print-directory build
	@n=$$(printf %02d $$((10#$(N)))); $(BIN)/ch$$n --output figures && scripts/render-figures figures/ch$$n-*.gp

# `swift test` builds with testable imports by default, which are other compiler flags
# than `swift build`'s: every module would be compiled twice, once for `make figures`
# and again for `make test`. The tests need no testable imports, so both share one build.
# The library and the chapters are release-optimized; the test targets' own code is
# compiled without optimization (Package.swift), which builds several times faster.
TEST_FLAGS := -c release --disable-testable-imports
# Written between the release build and the tests' build; a test (PlumbingTests) checks
# that the tests' build compiled and linked nothing that `make figures` had built.
BUILD_STAMP := $(BIN)/.figures-build-stamp

test:
	@scripts/need-gnuplot
	@scripts/need-pandoc
	@scripts/need-chromium
	@mkdir -p .build
	@set -o pipefail; $(SWIFT) build -c release 2>&1 | tee .build/build.log
	@scripts/check-type-check-times .build/build.log
	@touch $(BUILD_STAMP)
	@set -o pipefail; $(SWIFT) test $(TEST_FLAGS) 2>&1 | tee .build/test.log
	@scripts/check-type-check-times .build/test.log

test-library:
	$(SWIFT) test $(TEST_FLAGS) --filter LibraryTests

test-all:
	@MOBL_SLOW_TESTS=1 $(MAKE) --no-print-directory test

book: build
	$(BIN)/weave --output book --bin $(BIN)

# The HTML edition and the PDF read the committed book/ and figures/: no Swift build.
site:
	@scripts/build-site --output .build/site

pdf:
	@scripts/build-pdf --output .build/book.pdf

build:
	$(SWIFT) build -c release

bench: build
	$(BIN)/bench

docs:
	$(SWIFT) package --allow-writing-to-directory $(DOCS) generate-documentation \
	    --target MOBL --output-path $(DOCS) --warnings-as-errors
	@echo "Documentation for MOBL is in $(DOCS) (a static site). To read it, serve the folder,"
	@echo "e.g. python3 -m http.server --directory $(DOCS) 8000, and open http://localhost:8000/documentation/mobl/"

data:
	@scripts/need-fashion-mnist

format:
	$(SWIFT) format format --in-place --recursive --parallel Sources Chapters

clean:
	rm -rf .build
