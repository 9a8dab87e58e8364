-- The book's pandoc filter: turns one page of book/ (GitHub-flavoured Markdown with
-- LaTeX math) into a page of the HTML edition. scripts/build-site runs pandoc once per
-- page with this filter and these metadata values (-M):
--
--   site-mode     web     one HTML file per page, with contents and previous/next links
--                 single  a fragment of the one-page edition that make pdf prints: every
--                         identifier gets the page's prefix, links between pages become
--                         links inside the one page, links to other files are unwrapped
--   site-root     the package's folder (absolute), where the pages' links are resolved
--   site-page     the page, relative to site-root (book/05-WCMHGD.md)
--   site-pages    a file listing the site's pages in reading order, one a line:
--                 "path<TAB>kind", kind one of home, front, chapter, solutions, solution,
--                 extra (extra: built in the web edition, outside the reading order)
--   site-assets   a file to write the files this page links to or shows (copied by
--                 build-site beside the pages, at the same relative place)
--
-- What it does to the page:
--   - display math carrying \tag{5.2} is set with the number at the right (MathML has no
--     \tag), in a span with the identifier eq-5.2 (Markdown can link to #eq-5.2);
--     a ```math block (GitHub's other way to write display math) becomes display math;
--   - the TeX of every formula is adjusted where texmath (pandoc's TeX-to-MathML) and a
--     browser would set it otherwise than TeX (see normalize_tex);
--   - a link to another page (05-WCMHGD.md#anchor, solutions/, ../README.md) points to
--     its HTML page; a link to a file that does not exist is reported on standard error,
--     which build-site treats as a failure;
--   - tables size their columns to their content, as on GitHub;
--   - an image paragraph and the caption paragraph after it ("**Figure 5.2** — …") are
--     kept together in <div class="figure">, the caption in <div class="caption">, so that
--     the stylesheet sets it as a caption and a printed page does not split them;
--   - web: the page title, the table of contents and previous/next links, as template
--     variables (site-toc, site-top, site-pager, site-root) for scripts/site/page.html.

local mode, root, page, pages_file, assets_file
local pages = {}      -- in reading order: {path=, kind=, html=}
local page_by_path = {}
local assets = {}

local function meta_string(meta, key)
    local value = meta[key]
    if value == nil then return nil end
    return pandoc.utils.stringify(value)
end

local function file_exists(path)
    local f = io.open(path, "r")
    if f then f:close() return true end
    return false
end

local function is_directory(path)
    -- io.open succeeds on a folder on Linux, but reading from it fails.
    local f = io.open(path, "r")
    if not f then return false end
    local ok, _, code = f:read(1)
    f:close()
    return ok == nil and code == 21 -- EISDIR
end

local function split(path)
    local parts = {}
    for part in string.gmatch(path, "[^/]+") do table.insert(parts, part) end
    return parts
end

-- The folder part of a root-relative path ("" for a file at the root).
local function dirname(path)
    return path:match("^(.*)/[^/]*$") or ""
end

-- Resolves `target` (relative to the root-relative folder `dir`) to a root-relative path,
-- or nil when it leaves the root.
local function resolve(dir, target)
    local parts = split(dir)
    for _, part in ipairs(split(target)) do
        if part == ".." then
            if #parts == 0 then return nil end
            table.remove(parts)
        elseif part ~= "." then
            table.insert(parts, part)
        end
    end
    return table.concat(parts, "/")
end

-- The path of root-relative `path` as seen from the root-relative folder `dir`.
local function relative(dir, path)
    local from, to = split(dir), split(path)
    local i = 1
    while i <= #from and i <= #to and from[i] == to[i] do i = i + 1 end
    local out = {}
    for _ = i, #from do table.insert(out, "..") end
    for j = i, #to do table.insert(out, to[j]) end
    if #out == 0 then return "." end
    return table.concat(out, "/")
end

local function html_path(md) return (md:gsub("%.md$", ".html")) end

-- The page's identifier prefix in the one-page edition: book/solutions/05.md -> p-solutions-05
local function page_key(md)
    local key = md:gsub("^book/", ""):gsub("%.md$", ""):gsub("[^%w]+", "-")
    if md == "README.md" then key = "course-README" end
    return "p-" .. key
end

local reported = {}
local function report(message)
    if reported[message] then return end -- once per page
    reported[message] = true
    io.stderr:write(page .. ": " .. message .. "\n")
end

local function escape_html(s)
    return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function is_external(target)
    return target:match("^[%a][%w+.-]*:") ~= nil or target:match("^//") ~= nil
end

local function url_decode(s)
    return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

local function load_pages()
    local f = io.open(pages_file, "r")
    if not f then error("site-pages: cannot read " .. tostring(pages_file)) end
    for line in f:lines() do
        local path, kind = line:match("^([^\t]+)\t(%S+)$")
        if path then
            local entry = { path = path, kind = kind, html = html_path(path) }
            table.insert(pages, entry)
            page_by_path[path] = entry
        end
    end
    f:close()
end

local function in_edition(entry)
    return entry ~= nil and (mode == "web" or entry.kind ~= "extra")
end

-- The output folder of this page's HTML: its own folder (web) or book/ (single: the one
-- page is book/book.html).
local function output_dir()
    if mode == "single" then return "book" end
    return dirname(page)
end

---------------------------------------------------------------------------------------
-- Math: \tag{…} and ```math blocks

-- What the TeX of a formula needs before texmath (pandoc's TeX-to-MathML) sees it, so that
-- a browser sets it as TeX would:
--   ( and ) that no \left, \right or \big… sizes become \lparen, \rparen: texmath marks
--     every parenthesis stretchy, and a browser then sets f(x) as f ( x );
--   \|, \lVert, \rVert become \Vert: texmath writes \| as U+2225 (PARALLEL TO), a relation
--     that a browser spaces like =; \Vert is U+2016, a fence;
--   \bigl, \Bigr, \biggm, … become \big, \Big, \bigg (texmath knows only some of them;
--     l, r and m change no size);
--   a minus sign where TeX reads it as a sign, not a subtraction (first, or after an
--     opening, a relation, a comma, another operator) becomes \mathord{-}: a browser
--     would space [-1, 1] as [ − 1, 1].
-- Text inside \text{…}, \mbox{…}, \operatorname{…} is left alone.
local sizing_commands = { left = true, right = true, middle = true, big = true, Big = true, bigg = true, Bigg = true }
local text_commands = { text = true, textrm = true, textit = true, textbf = true, textsf = true, texttt = true,
    mbox = true, hbox = true, operatorname = true }

-- After these (and at the start) a minus sign is a sign: openings, relations, punctuation,
-- operators, the start of a group, sub- and superscripts, alignment.
local sign_after = {}
for _, token in ipairs({ "(", "[", "{", "\\{", "\\lparen", "\\lbrack", "\\langle", "\\lvert", "\\lbrace",
    "=", "<", ">", ",", ";", ":", "+", "-", "*", "/", "^", "_", "&", "\\\\", "\\le", "\\leq", "\\ge", "\\geq",
    "\\ne", "\\neq", "\\in", "\\approx", "\\sim", "\\simeq", "\\equiv", "\\to", "\\mapsto", "\\leftarrow",
    "\\rightarrow", "\\Rightarrow", "\\gets", "\\pm", "\\mp", "\\cdot", "\\times", "\\quad", "\\qquad",
    "\\left", "\\big", "\\Big", "\\bigg", "\\Bigg", "\\ll", "\\gg", "\\propto", "\\coloneqq", "\\mid" }) do
    sign_after[token] = true
end

local function normalize_tex(tex)
    local out = {}
    local i, n = 1, #tex
    local depth, text_depth = 0, nil
    local previous = nil     -- the control word just before, across spaces
    local last = "{"         -- the last token that is not a space ("{": the start)
    local text_pending = false
    while i <= n do
        local c = tex:sub(i, i)
        if c == "\\" then
            local word = tex:match("^%a+", i + 1)
            if word then
                i = i + 1 + #word
                if text_depth == nil then
                    word = word:match("^([bB]igg?)[lrm]$") or word
                    if word == "lVert" or word == "rVert" then word = "Vert" end
                end
                table.insert(out, "\\" .. word)
                previous = word
                last = "\\" .. word
                text_pending = text_commands[word] == true
            else
                local escaped = tex:sub(i + 1, i + 1)
                if escaped == "|" and text_depth == nil then
                    table.insert(out, "\\Vert ")
                else
                    table.insert(out, "\\" .. escaped)
                end
                i = i + 2
                previous = nil
                last = "\\" .. escaped
                text_pending = false
            end
        else
            local token = c
            if c == "{" then
                depth = depth + 1
                if text_pending and text_depth == nil then text_depth = depth end
                text_pending = false
            elseif c == "}" then
                if text_depth == depth then text_depth = nil end
                depth = depth - 1
            elseif text_depth == nil and (c == "(" or c == ")") and not sizing_commands[previous or ""] then
                token = c == "(" and "\\lparen" or "\\rparen"
                c = token .. " "
            elseif text_depth == nil and c == "-" and sign_after[last] then
                c = "\\mathord{-}"
            end
            table.insert(out, c)
            if not token:match("^%s$") then
                previous = nil
                last = token
                if token ~= "*" and token ~= "{" then text_pending = false end
            end
            i = i + 1
        end
    end
    return table.concat(out)
end

local function tagged_equation(math)
    local body, tag = math.text, nil
    body = body:gsub("\\tag%*?%s*(%b{})", function(braced)
        tag = braced:sub(2, -2)
        return ""
    end)
    if tag == nil then return nil end
    local starred = math.text:match("\\tag%*") ~= nil
    local number = starred and tag or ("(" .. tag .. ")")
    local id = "eq-" .. tag:gsub("%s+", "-")
    return pandoc.Span({ pandoc.Span({ pandoc.Math("DisplayMath", body) }, pandoc.Attr("", { "eqbody" })),
        pandoc.Span({ pandoc.Str(number) }, pandoc.Attr("", { "eqno" })) }, pandoc.Attr(id, { "equation" }))
end

local math_filter = {
    Math = function(el)
        el.text = normalize_tex(el.text)
        if el.mathtype == "DisplayMath" then
            local span = tagged_equation(el)
            if span then return span end
            return pandoc.Span({ pandoc.Span({ el }, pandoc.Attr("", { "eqbody" })) }, pandoc.Attr("", { "equation" }))
        end
        return el
    end,
    CodeBlock = function(el)
        if el.classes[1] == "math" then
            return pandoc.Para({ pandoc.Math("DisplayMath", el.text) })
        end
        return nil
    end,
}

---------------------------------------------------------------------------------------
-- Links and images

local function note_asset(path)
    if not assets[path] then
        assets[path] = true
    end
end

-- Where a relative link of this page leads: ("page", entry, anchor), ("file", path, anchor),
-- ("missing", path) or ("outside", target).
local function classify(target)
    local path_part, anchor = target:match("^([^#]*)#(.*)$")
    if path_part == nil then path_part, anchor = target, nil end
    path_part = url_decode(path_part)
    local resolved = resolve(dirname(page), path_part)
    if resolved == nil then return "outside", target end
    local entry = page_by_path[resolved]
    if entry == nil and (path_part:match("/$") or is_directory(root .. "/" .. resolved)) then
        entry = page_by_path[(resolved == "" and "" or resolved .. "/") .. "README.md"]
        if entry == nil then
            return "missing", (resolved == "" and "." or resolved) .. "/README.md, a page of the edition"
        end
    end
    if entry then return "page", entry, anchor end
    if resolved:match("%.md$") and not file_exists(root .. "/" .. resolved) then
        return "missing", resolved
    end
    if not file_exists(root .. "/" .. resolved) then return "missing", resolved end
    return "file", resolved, anchor
end

local function link_filter_link(el)
    local target = el.target
    if target == "" or is_external(target) then return nil end
    if target:sub(1, 1) == "#" then
        if mode == "single" then el.target = "#" .. page_key(page) .. "--" .. url_decode(target:sub(2)) end
        return el
    end
    local kind, what, anchor = classify(target)
    if kind == "outside" then
        report("link to " .. target .. " leaves the package's folder")
        return nil
    elseif kind == "missing" then
        report("link to " .. target .. ": " .. what .. " does not exist")
        return nil
    elseif kind == "page" then
        if not in_edition(what) then
            return el.content -- the one-page edition leaves out the course's README: keep the words
        end
        if mode == "single" then
            local key = page_key(what.path)
            el.target = "#" .. key .. (anchor and anchor ~= "" and ("--" .. url_decode(anchor)) or "")
        else
            el.target = relative(output_dir(), what.html) .. (anchor and anchor ~= "" and ("#" .. anchor) or "")
        end
        return el
    else -- a file that is not a page: copied beside the site in the web edition
        if mode == "single" then return el.content end
        note_asset(what)
        el.target = relative(output_dir(), what) .. (anchor and ("#" .. anchor) or "")
        return el
    end
end

local function link_filter_image(el)
    local src = el.src
    if src == "" or is_external(src) then
        if is_external(src) then report("image " .. src .. " is not in the package (the edition must work offline)") end
        return nil
    end
    local resolved = resolve(dirname(page), url_decode(src))
    if resolved == nil then
        report("image " .. src .. " leaves the package's folder")
        return nil
    end
    if not file_exists(root .. "/" .. resolved) then
        report("image " .. src .. ": " .. resolved .. " does not exist")
        return nil
    end
    note_asset(resolved)
    el.src = relative(output_dir(), resolved)
    return el
end

-- A pipe table whose lines are long gets column widths from its dashes in pandoc
-- (|---|---| gives 50 % each); GitHub sizes the columns to their content, and so do we.
-- The table sits in <div class="table-wrap">, which scrolls sideways when the table
-- cannot be narrowed to the column (the table itself keeps a table's layout).
local function table_auto_widths(el)
    for i, spec in ipairs(el.colspecs) do el.colspecs[i] = { spec[1], nil } end
    return pandoc.Div({ el }, pandoc.Attr("", { "table-wrap" }))
end

local link_filter = { Link = link_filter_link, Image = link_filter_image, Table = table_auto_widths }

---------------------------------------------------------------------------------------
-- Figures: an image paragraph and its caption paragraph

local function image_only(block)
    if block == nil or block.t ~= "Para" then return nil end
    local image = nil
    for _, inline in ipairs(block.content) do
        if inline.t == "Image" then
            if image then return nil end
            image = inline
        elseif inline.t ~= "Space" and inline.t ~= "SoftBreak" and inline.t ~= "LineBreak" then
            return nil
        end
    end
    return image
end

-- "Figure 5.2" when the paragraph starts with **Figure 5.2…**, else nil.
local function caption_number(block)
    if block == nil or block.t ~= "Para" or #block.content == 0 then return nil end
    local first = block.content[1]
    if first.t ~= "Strong" then return nil end
    return pandoc.utils.stringify(first):match("^Figure%s+([%w]+%.[%w]+)")
end

local figure_filter = {
    Blocks = function(blocks)
        local out = {}
        local i = 1
        while i <= #blocks do
            local block = blocks[i]
            if image_only(block) then
                local number = caption_number(blocks[i + 1])
                local content = { block }
                local id = ""
                if number then
                    table.insert(content, pandoc.Div({ blocks[i + 1] }, pandoc.Attr("", { "caption" })))
                    id = "fig-" .. number
                    i = i + 1
                end
                table.insert(out, pandoc.Div(content, pandoc.Attr(id, { "figure" })))
            else
                table.insert(out, block)
            end
            i = i + 1
        end
        return out
    end,
}

---------------------------------------------------------------------------------------
-- The one-page edition: every identifier gets the page's prefix

local function prefix_identifier(el)
    if el.identifier and el.identifier ~= "" then
        el.identifier = page_key(page) .. "--" .. el.identifier
        return el
    end
    return nil
end

-- pandoc numbers code blocks without an identifier cb1, cb2, … in every page, and their
-- lines cb1-1, …: in the one page they get an identifier of their own, which is prefixed.
local code_blocks = 0
local prefix_filter = {
    Header = prefix_identifier, Div = prefix_identifier, Span = prefix_identifier,
    Code = prefix_identifier, Link = prefix_identifier, Image = prefix_identifier, Table = prefix_identifier,
    CodeBlock = function(el)
        if el.identifier == "" then
            code_blocks = code_blocks + 1
            el.identifier = "cb" .. code_blocks
        end
        return prefix_identifier(el)
    end,
}

---------------------------------------------------------------------------------------
-- Titles, contents, previous/next

-- A page's title: its first level-1 heading, as plain text.
local title_cache = {}
local function page_title(path)
    if title_cache[path] then return title_cache[path] end
    local title = nil
    local f = io.open(root .. "/" .. path, "r")
    if f then
        local in_fence = false
        for line in f:lines() do
            if line:match("^%s*```") or line:match("^%s*~~~") then in_fence = not in_fence end
            if not in_fence then
                local heading = line:match("^#%s+(.-)%s*#*%s*$")
                if heading then title = heading break end
            end
        end
        f:close()
    end
    title = title or path:match("([^/]+)%.md$")
    -- Markdown marks in a heading: emphasis, code, links.
    title = title:gsub("%[([^%]]*)%]%b()", "%1"):gsub("[`*]", ""):gsub("\\(.)", "%1")
    title_cache[path] = title
    return title
end

-- The short label of a page in the contents.
local function toc_label(entry)
    local title = page_title(entry.path)
    if entry.kind == "home" then return "Contents" end
    if entry.kind == "chapter" then
        local n, rest = title:match("^Chapter%s+(%d+)%s+—%s+(.+)$")
        if n then return n .. ". " .. rest end
    elseif entry.kind == "solution" then
        local n = title:match("^Chapter%s+(%d+)")
        if n then return "Chapter " .. n end
    elseif entry.kind == "solutions" then
        return "Worked solutions"
    end
    return title
end

local function toc_html()
    local dir = output_dir()
    local groups = {
        { kinds = { home = true, front = true }, title = "Front matter" },
        { kinds = { chapter = true }, title = "Chapters" },
        { kinds = { solutions = true, solution = true }, title = "Solutions" },
    }
    local html = { '<p class="toc-title"><a href="' .. escape_html(relative(dir, "book/README.html")) .. '">'
        .. escape_html(page_title("book/README.md"):gsub("%s+—%s+the book$", "")) .. "</a></p>" }
    for _, group in ipairs(groups) do
        local items = {}
        for _, entry in ipairs(pages) do
            if group.kinds[entry.kind] then
                local current = entry.path == page and ' aria-current="page"' or ""
                table.insert(items, '<li><a href="' .. escape_html(relative(dir, entry.html)) .. '"' .. current .. ">"
                    .. escape_html(toc_label(entry)) .. "</a></li>")
            end
        end
        if #items > 0 then
            table.insert(html, '<p class="toc-group">' .. group.title .. "</p>")
            table.insert(html, "<ol>" .. table.concat(items) .. "</ol>")
        end
    end
    for _, entry in ipairs(pages) do
        if entry.kind == "extra" then
            local current = entry.path == page and ' aria-current="page"' or ""
            table.insert(html, '<p class="toc-extra"><a href="' .. escape_html(relative(dir, entry.html)) .. '"' .. current
                .. ">The course's README</a></p>")
        end
    end
    return table.concat(html, "\n")
end

local function neighbours()
    local order = {}
    for _, entry in ipairs(pages) do
        if entry.kind ~= "extra" then table.insert(order, entry) end
    end
    for i, entry in ipairs(order) do
        if entry.path == page then return order[i - 1], order[i + 1] end
    end
    return nil, nil
end

local function pager_label(entry)
    if entry.kind == "home" then return "Contents" end
    return page_title(entry.path)
end

local function pager_html(compact)
    local dir = output_dir()
    local previous, next = neighbours()
    local parts = {}
    if previous then
        table.insert(parts, '<a class="prev" rel="prev" href="' .. escape_html(relative(dir, previous.html)) .. '">← '
            .. (compact and "Previous" or escape_html(pager_label(previous))) .. "</a>")
    else
        table.insert(parts, '<span class="prev"></span>')
    end
    if compact then
        table.insert(parts, '<a class="contents" href="#site-toc">Contents</a>')
    end
    if next then
        table.insert(parts, '<a class="next" rel="next" href="' .. escape_html(relative(dir, next.html)) .. '">'
            .. (compact and "Next" or escape_html(pager_label(next))) .. " →</a>")
    else
        table.insert(parts, '<span class="next"></span>')
    end
    return table.concat(parts, "\n")
end

local function raw_meta(html)
    return pandoc.MetaBlocks({ pandoc.RawBlock("html", html) })
end

---------------------------------------------------------------------------------------

local function write_assets()
    if assets_file == nil then return end
    local f = io.open(assets_file, "w")
    if not f then error("site-assets: cannot write " .. assets_file) end
    local sorted = {}
    for path in pairs(assets) do table.insert(sorted, path) end
    table.sort(sorted)
    for _, path in ipairs(sorted) do f:write(path, "\n") end
    f:close()
end

function Pandoc(doc)
    mode = meta_string(doc.meta, "site-mode") or "web"
    root = meta_string(doc.meta, "site-root")
    page = meta_string(doc.meta, "site-page")
    pages_file = meta_string(doc.meta, "site-pages")
    assets_file = meta_string(doc.meta, "site-assets")
    if root == nil or page == nil or pages_file == nil then
        error("book.lua needs the metadata site-root, site-page and site-pages (see its header)")
    end
    if mode ~= "web" and mode ~= "single" then error("site-mode must be web or single, not " .. mode) end
    load_pages()

    doc = doc:walk(math_filter)
    doc = doc:walk(link_filter)
    doc = doc:walk(figure_filter)
    if mode == "single" then
        doc = doc:walk(prefix_filter)
        doc.blocks = { pandoc.Div(doc.blocks, pandoc.Attr(page_key(page), { "page" })) }
    else
        doc.meta["site-root"] = pandoc.MetaString(relative(output_dir(), "") == "." and "" or (relative(output_dir(), "") .. "/"))
        doc.meta["site-toc"] = raw_meta(toc_html())
        doc.meta["site-top"] = raw_meta(pager_html(true))
        doc.meta["site-pager"] = raw_meta(pager_html(false))
    end
    doc.meta.pagetitle = pandoc.MetaString(page_title(page))
    write_assets()
    return doc
end
