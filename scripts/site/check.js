// The browser half of scripts/check-site: loads every page of a built site in an iframe of
// headless Chromium (started with --allow-file-access-from-files, so that this page may
// read the pages it loads), and writes what it finds into <pre id="report">, one line each:
//
//   PROBLEM <tab> page <tab> kind <tab> detail
//   CHECKED <tab> pages <tab> links <tab> images <tab> formulas
//   DONE
//
// check-site puts SITE (the site's folder, a file: URL ending in /) and PAGES (the pages,
// relative to SITE) before this script. What counts as a problem:
//   unrendered TeX   $…$, $$ or a TeX command (\frac, \sum, \tag, …) in the text a reader
//                    sees, outside code, preformatted text and MathML;
//   math error       a formula MathML could not set (<merror>), or one laid out with no width;
//   broken image     an <img> whose file is missing or not an image (naturalWidth 0);
//   broken link      a link to a file of the site that does not exist, or that leaves the
//                    site's folder; broken anchor: to an #id the target page does not have;
//   blank page       a page with (nearly) no text and no image;
//   no stylesheet    a stylesheet the page names that did not load.
"use strict";

(async function () {
    const report = document.getElementById("report");
    const lines = [];
    const problem = (page, kind, detail) => lines.push(["PROBLEM", page, kind, detail.replace(/\s+/g, " ")].join("\t"));
    const pageIds = new Map(); // page URL (no #) -> Set of ids
    const links = [];          // {page, href, url}
    let imageCount = 0, formulaCount = 0;

    const SKIP = "pre, code, math, script, style, kbd, samp, textarea, svg";
    const BLOCK = "p, li, td, th, h1, h2, h3, h4, h5, h6, dt, dd, caption, figcaption, blockquote, div, nav, main, body";
    const TEX = [
        [/\$\$/, "unrendered TeX ($$)"],
        [/\$[^\s$](?:[^$]*[^\s$])?\$/, "unrendered TeX ($…$)"],
        [/\\(?:[A-Za-z]{2,}|[()[\]{}|,;!])/, "unrendered TeX (a TeX command)"],
    ];

    function snippet(text, index) {
        const start = Math.max(0, index - 30);
        return (start > 0 ? "…" : "") + text.slice(start, index + 50).trim() + (index + 50 < text.length ? "…" : "");
    }

    function loadInFrame(url) {
        return new Promise((resolve) => {
            const frame = document.createElement("iframe");
            frame.style.width = "1200px";
            frame.style.height = "1600px";
            let settled = false;
            const finish = (ok) => { if (!settled) { settled = true; resolve({ frame, ok }); } };
            frame.addEventListener("load", () => finish(true), { once: true });
            setTimeout(() => finish(false), 20000);
            frame.src = url;
            document.body.appendChild(frame);
        });
    }

    function checkPage(page, doc) {
        // Blank: nothing to read and nothing to see.
        const text = (doc.body ? doc.body.innerText : "").trim();
        if (text.length < 20 && doc.images.length === 0) {
            problem(page, "blank page", `${text.length} characters of text, no image`);
        }
        // Unrendered TeX: the text of each block outside code and math.
        if (doc.body) {
            const blocks = new Map();
            const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode;
                const parent = node.parentElement;
                if (!parent || parent.closest(SKIP)) continue;
                const block = parent.closest(BLOCK) || doc.body;
                blocks.set(block, (blocks.get(block) || "") + node.data);
            }
            for (const blockText of blocks.values()) {
                for (const [pattern, kind] of TEX) {
                    const match = pattern.exec(blockText);
                    if (match) problem(page, kind, snippet(blockText, match.index));
                }
            }
        }
        // Math: every formula set, none in error.
        for (const math of doc.querySelectorAll("math")) {
            formulaCount += 1;
            const tex = (math.querySelector("annotation") || math).textContent.trim().slice(0, 60);
            if (math.querySelector("merror")) problem(page, "math error", tex);
            else if (math.getBoundingClientRect().width === 0 && math.closest("details:not([open])") === null) {
                problem(page, "math error", `laid out with no width: ${tex}`);
            }
        }
        // Images: loaded and decoded.
        for (const img of doc.images) {
            imageCount += 1;
            if (!img.complete || img.naturalWidth === 0) {
                problem(page, "broken image", img.getAttribute("src") || "(no src)");
            }
        }
        // Stylesheets.
        for (const link of doc.querySelectorAll('link[rel~="stylesheet"]')) {
            if (!link.sheet) problem(page, "no stylesheet", link.getAttribute("href"));
        }
        // Identifiers, for the links checked once every page is loaded.
        const ids = new Set();
        for (const el of doc.querySelectorAll("[id]")) ids.add(el.id);
        for (const el of doc.querySelectorAll("a[name]")) ids.add(el.getAttribute("name"));
        pageIds.set(doc.URL.split("#")[0], ids);
        for (const a of doc.querySelectorAll("a[href]")) {
            links.push({ page, href: a.getAttribute("href"), url: a.href });
        }
    }

    function fileExists(url) {
        try {
            const request = new XMLHttpRequest();
            request.open("GET", url, false); // synchronous: this page does nothing else meanwhile
            request.send();
            return request.status === 0 || request.status === 200;
        } catch (error) {
            return false;
        }
    }

    for (const page of PAGES) {
        const url = new URL(page, SITE).href;
        const { frame, ok } = await loadInFrame(url);
        if (!ok) {
            problem(page, "blank page", "did not finish loading in 20 s");
        } else {
            let doc = null;
            try { doc = frame.contentDocument; } catch (error) { /* reported below */ }
            if (!doc) problem(page, "blank page", "cannot be read (is Chromium started with --allow-file-access-from-files?)");
            else {
                await Promise.all([...doc.images].map((img) => img.decode().catch(() => {})));
                try { checkPage(page, doc); } catch (error) { problem(page, "check failed", String(error)); }
            }
        }
        frame.remove();
    }

    // Links between files of the site.
    const exists = new Map();
    for (const { page, href, url } of links) {
        if (!url.startsWith("file:")) continue; // the web: not checked (no network)
        const [base, ...rest] = url.split("#");
        const hash = rest.join("#");
        if (!base.startsWith(SITE)) { problem(page, "broken link", `${href} leaves the site`); continue; }
        if (pageIds.has(base)) {
            if (hash !== "") {
                let id = hash;
                try { id = decodeURIComponent(hash); } catch (error) { /* keep it */ }
                if (!pageIds.get(base).has(id)) problem(page, "broken anchor", href);
            }
            continue;
        }
        if (!exists.has(base)) exists.set(base, fileExists(base));
        if (!exists.get(base)) problem(page, "broken link", `${href} (no such file)`);
    }

    lines.push(["CHECKED", PAGES.length, links.length, imageCount, formulaCount].join("\t"));
    lines.push("DONE");
    report.textContent = lines.join("\n") + "\n";
})().catch((error) => {
    document.getElementById("report").textContent = "FAILED\t" + String(error) + "\n";
});
