"""The built site in headless Chromium, served on localhost: pages, formulas, language switch, search, copy, looks."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from coursekit.checks.browser import SEARCH_FOUND, initializing_text, search
from coursekit.checks.every_page import OVERFLOWING_CODE, PALETTE, VIEWPORT, in_palette, math_layout
from coursekit.project import DOCS, chapters, languages, site_prefix
from coursekit.site.search import language_of_location

# Chapter pages and their notebooks; the first chapter stands for them all where a test is about the site's
# features (search, copy) rather than a chapter's content.
CHAPTER_URLS = [f"{folder}/" for folder in chapters().values()]
CHAPTER = CHAPTER_URLS[0]


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


@pytest.mark.site(every_run=True)  # the pages of the run: a chapter's, or (`--site`) those of none
def test_every_page_loads_cleanly(every_page_loaded):
    third_party, problems = sorted(set(every_page_loaded["third_party"])), every_page_loaded["problems"]
    assert not third_party, "requests to other hosts:\n" + "\n".join(third_party)
    assert not problems, f"{every_page_loaded['count']} pages loaded with problems:\n" + "\n".join(sorted(set(problems)))


@pytest.mark.site(every_run=True)  # the pages of the run: a chapter's, or (`--site`) those of none
def test_no_code_line_scrolls_sideways(every_page_loaded):
    """At 1280 px every line of every code block and output fits the content column, on every page."""
    problems = every_page_loaded["overflowing"]
    assert not problems, ("code wider than the column (longest line of each block); tests/test_code_width.py names "
                          "the file and line of each:\n" + "\n".join(problems))


@pytest.mark.machinery  # coursekit's checks on pages of their own
def test_the_width_check_finds_code_outputs_and_closed_boxes(context, tmp_path):
    """The check the test above relies on, on a page with one too-wide block of each kind (planted) and
    blocks that fit: a code block that scrolls inside its pre, an output pre with no code, one in a closed box."""
    wide, narrow = "x" * 200, "fits"
    blocks = (f'<pre><code style="display:block;overflow:auto">{wide}1</code></pre>'
              f'<pre style="overflow:auto">{wide}2</pre>'
              f'<details><summary>s</summary><pre style="overflow:auto">{wide}3</pre></details>'
              f'<pre><code style="display:block;overflow:auto">{narrow}</code></pre><pre>{narrow}</pre>')
    (tmp_path / "index.html").write_text(f'<!doctype html><html lang="en"><title>Width</title><body>'
                                         f'<article style="width:600px">{blocks}</article></body></html>',
                                         encoding="utf-8")
    page = context.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    assert sorted(line[-1] for line in page.evaluate(OVERFLOWING_CODE)) == ["1", "2", "3"]
    assert page.evaluate("document.querySelector('details').open") is False, "the box is closed again"


@pytest.mark.site(every_run=True)  # the pages of the run: a chapter's, or (`--site`) those of none
def test_every_page_passes_axe_at_wcag_21_aa(every_page_loaded):
    """axe-core's WCAG 2.1 A and AA rules, on every page of every language, in the light palette; its colour
    rules in the dark palette too."""
    problems = every_page_loaded["axe"]
    assert not problems, "\n".join(problems)


@pytest.mark.machinery  # coursekit's checks on pages of their own
def test_axe_sees_a_faint_code_span_among_many_alike(browser, tmp_path):
    """Repeated code spans are measured once per kind: a faint kind of span is still found, wherever it is."""
    spans = '<span class="n">x</span> ' * 300 + '<span class="faint" style="color:#ccc">yes</span>'
    (tmp_path / "index.html").write_text(f'<!doctype html><html lang="en"><title>Code</title><main><pre><code>'
                                         f'{spans}</code></pre></main></html>', encoding="utf-8")
    problems = axe_on(browser, tmp_path, [""])
    assert len(problems) == 1 and "color-contrast on 1 element" in problems[0], problems


@pytest.mark.machinery  # coursekit's checks on pages of their own
def test_axe_measures_a_kind_again_where_it_shows_otherwise(browser, tmp_path):
    """What the colour rules leave out as known, on a second page: a faint span seen before only in a closed
    box, and a link seen before only alone in a list item, are measured again where they show in text; the
    other rules look at every element (an image without a text alternative among many alike)."""
    faint = '<span class="g" style="color:#bbb">faint</span>'
    link = '<a href="#x" class="plain" style="color:#444;text-decoration:none">link</a>'
    images = '<img src="data:," alt="a dot" width="1" height="1">' * 50
    pages = {"a": f'<p>Text.</p><details><summary>More</summary><p>{faint}</p></details>'
                  f'<ul><li>{link}</li></ul>{images}',
             "b": f'<p>Text and {faint}.</p><p>Text around a {link}, and more text.</p>{images}'
                  '<img src="data:," width="1" height="1">'}
    for name, body in pages.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(
            f'<!doctype html><html lang="en"><title>{name}</title><body style="color:#222"><main id="x">{body}'
            '</main></body></html>', encoding="utf-8")
    problems = axe_on(browser, tmp_path, ["a/", "b/"])
    assert sorted(problem.split(" on ")[0] for problem in problems) == [
        "light: b/: color-contrast", "light: b/: image-alt", "light: b/: link-in-text-block"], problems


@pytest.mark.machinery  # coursekit's checks on pages of their own
def test_the_dark_palette_is_measured_once_every_element_has_switched(browser, tmp_path):
    """Colours change with a transition when the palette does. An element below the fold, whose rendering the
    browser skipped, starts its transition only when axe first measures it: measured mid-way, a link that ends
    readable in the dark palette would fail."""
    style = ("body{background:#fff;color:#222} a{color:#111;transition:color 2s}"
             "@media (prefers-color-scheme: dark){body{background:#222;color:#eee} a{color:#ddd}}"
             "section{content-visibility:auto} p{height:1500px}")  # those below the fold: skipped
    follow = ("<script>matchMedia('(prefers-color-scheme: dark)').addEventListener('change', e =>"
              " document.body.dataset.mdColorScheme = e.matches ? 'slate' : 'default')</script>")  # as Material
    sections = '<section><p>Text around a <a href="#x">link</a>.</p></section>' * 3
    (tmp_path / "index.html").write_text(
        f'<!doctype html><html lang="en"><title>Palettes</title><style>{style}</style>'
        f'<body data-md-color-scheme="default"><main id="x">{sections}</main>{follow}</body></html>', encoding="utf-8")
    assert axe_on(browser, tmp_path, [""], dark=True) == []


def axe_on(browser, folder, paths: list[str], dark=False) -> list[str]:
    """`check_page` on pages of `folder`, one after the other in one tab, as the every-page pass does; with
    `dark`, the colour rules again once each page has switched to the dark palette."""
    from axe_playwright_python.sync_playwright import Axe

    from coursekit.checks.a11y import check_page
    from coursekit.checks.browser import serve

    problems, seen, axe = [], {"light": [], "dark": []}, Axe()
    with serve(folder) as url:
        page = browser.new_page(viewport=VIEWPORT)
        for path in paths:
            page.goto(url + path)
            problems += check_page(axe, page, path, "light", True, seen["light"])
            if dark:
                in_palette(page, "dark")
                problems += check_page(axe, page, path, "dark", False, seen["dark"])
        page.close()
    return problems


# A span of each class put in the block's code: how it is drawn ("" for a span of no class).
TOKEN_LOOKS = """([selector, classes]) => {
  const code = document.querySelector(selector);
  const properties = ["color", "font-weight", "font-style", "text-decoration-line", "background-color"];
  return Object.fromEntries(["", ...classes].map(name => {
    const span = code.appendChild(document.createElement("span"));
    span.className = name;
    span.textContent = "x";
    const style = getComputedStyle(span);
    const seen = properties.map(property => `${property}: ${style.getPropertyValue(property)}`);
    span.remove();
    return [name, seen];
  }));
}"""


# Each element's computed style, as a hash of every property's value (custom properties, which draw nothing,
# aside); the properties of element `i` on demand.
STYLE_HASHES = """() => {
  // Every element has the same properties, custom ones aside: their names are read and sorted once.
  const names = [...getComputedStyle(document.body)].filter(name => !name.startsWith("--")).sort();
  return [...document.querySelectorAll("body *")].map(element => {
    const style = getComputedStyle(element);
    let hash = 0;
    for (const name of names) {
      const value = name + ":" + style.getPropertyValue(name);
      for (let j = 0; j < value.length; j++) hash = (hash * 31 + value.charCodeAt(j)) | 0;
    }
    return hash;
  });
}"""
STYLE_OF = """i => {
  const element = document.querySelectorAll("body *")[i], style = getComputedStyle(element);
  const drawn = [...style].filter(name => !name.startsWith("--"));
  return [element.outerHTML.slice(0, 120), Object.fromEntries(drawn.map(p => [p, style.getPropertyValue(p)]))];
}"""


@pytest.mark.site  # the site's stylesheet against its markup, the first chapter standing for all: `pytest --site`
def test_the_cut_notebook_stylesheet_draws_a_notebook_page_as_the_whole_one(base_url, context):
    """The notebook pages' stylesheet is mkdocs-jupyter's cut to the rules they use
    (coursekit/notebooks/stylesheet.py): with the whole of it instead, every element of a notebook page has
    the same computed style, in both palettes."""
    from coursekit.notebooks.site_pages import SHARED_STYLESHEET, _jupyter_stylesheet

    whole = _jupyter_stylesheet()
    url = base_url + f"notebooks/{next(iter(chapters()))}/"
    cut, full = context.new_page(), context.new_page()
    full.route(f"**/{SHARED_STYLESHEET}", lambda route: route.fulfill(body=whole, content_type="text/css"))
    for page in (cut, full):
        page.goto(url)
        page.evaluate("document.fonts.ready.then(() => true)")
    for scheme in PALETTE:
        for page in (cut, full):
            in_palette(page, scheme)
        hashes = [page.evaluate(STYLE_HASHES) for page in (cut, full)]
        assert len(hashes[0]) == len(hashes[1]) > 1000, "the two loads hold different elements"
        differ = [i for i, (a, b) in enumerate(zip(*hashes)) if a != b]
        if differ:
            (element, mine), (_, theirs) = (page.evaluate(STYLE_OF, differ[0]) for page in (cut, full))
            changed = {p: (mine.get(p), theirs.get(p)) for p in theirs if mine.get(p) != theirs.get(p)}
            pytest.fail(f"{scheme} palette: {len(differ)} elements drawn otherwise with the cut stylesheet, "
                        f"first {element}: {changed}")


@pytest.mark.site  # the site's stylesheet against its markup, the first chapter standing for all: `pytest --site`
def test_code_left_without_a_span_looks_as_the_code_does(base_url, context):
    """Each token class whose span the site drops (`PLAIN` in coursekit/site/markup.py) is drawn as the code's
    own text by its kind of block, in both palettes (spaces, which draw nothing, in any colour); the classes
    whose neighbours share a span (`ALIKE`) are drawn alike; strings and numbers, coloured, are not plain."""
    from coursekit.site.markup import ALIKE, PLAIN

    chapter = next(iter(chapters()))
    blocks = {"highlight": (CHAPTER, ".highlight pre code"),
              "highlight-ipynb": (f"notebooks/{chapter}/", ".highlight-ipynb pre")}
    page, problems = context.new_page(), []
    for kind, (url, selector) in blocks.items():
        page.goto(base_url + url)
        for scheme in PALETTE:
            in_palette(page, scheme)
            alike = [name for group in ALIKE[kind] for name in group]
            looks = page.evaluate(TOKEN_LOOKS, [selector, sorted(PLAIN[kind] | {"s2", "mi"} | set(alike))])
            differ = {name: [a for a, b in zip(looks[name], looks[""]) if a != b] for name in looks}
            if differ["w"] and {a.split(":")[0] for a in differ["w"]} == {"color"}:
                differ["w"] = []
            drawn = [f"{name}: {differ[name]}" for name in sorted(PLAIN[kind]) if differ[name]]
            if drawn or not (differ["s2"] and differ["mi"]):  # the check sees what colours
                problems.append(f"{kind} blocks, {scheme} palette, plain: {drawn}")
            for group in ALIKE[kind]:
                if len({tuple(looks[name]) for name in group}) > 1:
                    problems.append(f"{kind} blocks, {scheme} palette, not alike: "
                                    f"{ {name: looks[name] for name in sorted(group)} }")
    assert not problems, "token classes drawn otherwise than the site takes them to be:\n" + "\n".join(problems)


def test_formulas_are_set_in_the_math_font(site, every_page_loaded):
    """On every page that has formulas, in every language, the site's math font is loaded and sets them as a
    book does: each kind they use (fractions stacked, scripts raised and lowered, display sums and integrals
    large), whatever they are."""
    problems, pages = [], 0
    for path, layout in every_page_loaded["maths"].items():
        if "<math" not in (site / path / "index.html").read_text(encoding="utf-8"):
            continue
        pages += 1
        if not layout["count"]:
            problems.append(f"{path}: no formula shown")
        elif not layout["loaded"]:
            problems.append(f"{path}: the math font was not used (fonts: {layout['fonts']})")
        problems += [f"{path}: {problem}" for problem in layout["problems"]]
    assert pages, "no page with formulas was loaded"
    assert not problems, "\n".join(problems)


@pytest.mark.machinery  # coursekit's checks on pages of their own
def test_the_math_check_takes_the_formulas_a_page_has(site, context, tmp_path):
    """A page with no display sum passes; one whose formulas are not in the math font fails, naming them."""
    import shutil

    from coursekit.checks.browser import serve
    from coursekit.site.mathml import to_mathml

    shutil.copytree(site / "assets", tmp_path / "assets", ignore=shutil.ignore_patterns("figures", "javascripts"))
    formulas = to_mathml(r"x^2 + \frac{a}{b_1}", display=False) + to_mathml(r"E = \frac{1}{n}", display=True)
    total = to_mathml(r"\sum_i x_i", display=True)
    pages = {"styled": ('<article class="md-typeset">', formulas), "unstyled": ("<article>", formulas),
             "sum": ('<article class="md-typeset">', total),
             "small-sum": ('<article class="md-typeset">', total.replace("<mo>", '<mo largeop="false">'))}
    for name, (article, shown) in pages.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(
            f'<!doctype html><html lang="en"><title>Formulas</title><link rel="stylesheet" href="../assets/site.css">'
            f"{article}<p>{shown}</p></article></html>", encoding="utf-8")
    page = context.new_page()
    layout = {}
    with serve(tmp_path) as url:
        for name in pages:
            page.goto(f"{url}{name}/")
            layout[name] = math_layout(page)
    assert layout["styled"]["count"] == 2 and layout["styled"]["loaded"] and layout["styled"]["problems"] == []
    assert layout["unstyled"]["problems"][:2] == ["not in the math font: x2+ab1", "not in the math font: E=1n"]
    assert layout["sum"]["problems"] == [] and layout["small-sum"]["problems"] == ["large operator not large: ∑ixi"]


@pytest.mark.site  # the site as a whole, no chapter's content: `pytest --site`, not `--chapter`
def test_pages_without_formulas_load_no_font(site, every_page_loaded):
    """A page with no formula (the home pages, the glossaries) loads no font of the site's: no math font."""
    plain = {path: layout["fonts"] for path, layout in every_page_loaded["maths"].items()
             if "<math" not in (site / path / "index.html").read_text(encoding="utf-8")}
    assert plain and not any(plain.values()), plain


def first_section(chapter: str) -> str:
    """The anchor of the first `##` section of a chapter page."""
    markdown = (DOCS / languages()[0] / f"{chapter.rstrip('/')}.md").read_text(encoding="utf-8")
    return re.search(r"^## .*\{ *#(?P<id>[\w-]+) *\}", markdown, re.M)["id"]


@pytest.mark.site  # the site as a whole, no chapter's content: `pytest --site`, not `--chapter`
def test_language_switch_keeps_the_section(base_url, context):
    """The site's script keeps the address's section when the reader switches language: the same script on
    every page. That every page's switch leads to the same page, and every translation keeps the English
    heading anchors, are checked on the built files (test_links.py, test_translations.py)."""
    section, page = first_section(CHAPTER), context.new_page()
    page.goto(base_url + CHAPTER + f"#{section}")
    page.hover(".md-select")  # the selector opens on hover
    page.click(".md-select a[hreflang=fr]")
    page.wait_for_url(f"**/fr/{CHAPTER}**")
    assert page.url.startswith(base_url + "fr/" + CHAPTER)
    assert page.url.endswith(f"#{section}"), f"the section anchor was lost: {page.url}"


@pytest.mark.site  # the site as a whole, no chapter's content: `pytest --site`, not `--chapter`
@pytest.mark.parametrize("language, term", [("fr", "époques"), ("zh", "梯度")])
def test_search_shows_the_chapter(site, base_url, context, language, term):
    """The results a reader sees: the chapter, and only pages of the reader's language."""
    page = context.new_page()
    page.goto(base_url + site_prefix(language))
    search(page, term, initializing_text(site / site_prefix(language) / "index.html"))
    chapter = base_url + site_prefix(language) + CHAPTER
    # Results arrive as the worker finds them: wait for the one that matters, not the first.
    try:
        page.wait_for_function(SEARCH_FOUND, arg=chapter, polling=100, timeout=30_000)
    except PlaywrightTimeout:
        hrefs = page.locator(".md-search-result__item a").evaluate_all("links => links.map(link => link.href)")
        pytest.fail(f"searching {term!r}: no result in {chapter} after 30 s:\n{hrefs}")
    hrefs = page.locator(".md-search-result__item a").evaluate_all("links => links.map(link => link.href)")
    others = [href for href in hrefs if language_of_location(href.removeprefix(base_url)) != language]
    assert not others, f"searching {term!r} from a {language} page shows other languages: {others}"


@pytest.mark.site  # the site as a whole, no chapter's content: `pytest --site`, not `--chapter`
def test_copy_button_copies_its_block(browser, base_url):
    context = browser.new_context(viewport=VIEWPORT, permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(base_url + CHAPTER)
        block = page.locator("article > .highlight pre:has(> code)").first  # not one in a closed box
        block.hover()
        code = block.locator("code").text_content().rstrip("\n")
        block.locator("button[data-clipboard-target]").click()  # Material 9.7+: .md-code__button
        try:  # the copy lands asynchronously: wait for it, then compare
            page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''", timeout=30_000)
        except PlaywrightTimeout:
            pytest.fail("the copy button put nothing on the clipboard within 30 s")
        copied = page.evaluate("navigator.clipboard.readText()")
    finally:
        context.close()
    assert copied == code


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(every_page_loaded, scheme):
    """A chapter in each language, shot in the every-page pass for a human to look at, in pytest's temporary
    folder (the paths are printed).

    The palette follows the system preference (mkdocs.yml's first palette entry), switched there. Each shot is
    one screen with the first figure in view, and the formulas, header, navigation and table of contents
    around it. Each shot, decoded by the browser, must be the page in that palette: mostly light or dark, with
    text on it."""
    shots = {path: shot for (path, shot_scheme), shot in every_page_loaded["shots"].items() if shot_scheme == scheme}
    assert len(shots) == len(languages()), f"shots taken in the {scheme} palette: {sorted(shots)}"
    for path, shot in shots.items():
        assert [shot["width"], shot["height"]] == shot["clip"], shot
        assert (shot["lightness"] > 0.6) if scheme == "light" else (shot["lightness"] < 0.4), shot
        assert shot["colours"] > 50, f"{shot['file']}: hardly anything on it ({shot})"
    print("screenshots:", *sorted(shot["file"] for shot in shots.values()), sep="\n")


@pytest.mark.site  # the site as a whole, no chapter's content: `pytest --site`, not `--chapter`
def test_a_page_opened_with_a_dark_preference_is_dark(browser, base_url):
    """The pass switches the preference of loaded pages; a reader who prefers dark gets it from the start."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(base_url + CHAPTER)
        assert page.get_attribute("body", "data-md-color-scheme") == PALETTE["dark"]
    finally:
        context.close()
