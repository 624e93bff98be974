"""The built site in headless Chromium, served on localhost: pages, formulas, language switch, search, copy, looks."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from coursekit.checks.browser import SEARCH_FOUND, Traffic, initializing_text, search
from coursekit.project import DOCS, chapters, languages, site_prefix
from coursekit.site.search import language_of_location
from coursekit.testing.chapters import wanted

# Chapter pages and their notebooks; the first chapter stands for them all where a test is about the site's
# features (search, copy, screenshots) rather than a chapter's content.
CHAPTER_URLS = [f"{folder}/" for folder in chapters().values()]
NOTEBOOK_URLS = [f"notebooks/{chapter}/" for chapter in chapters()]
CHAPTER = CHAPTER_URLS[0]
VIEWPORT = {"width": 1280, "height": 800}  # desktop: search box and language selector in the header
PALETTE = {"light": "default", "dark": "slate"}  # Material's color schemes


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


def every_page(site, config) -> list[str]:
    """The address of each page of the built site, relative to its root ("" for the home page); with
    `--chapter`, the pages of the other chapters left out."""
    folders = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return [path for folder in folders for path in ["" if folder == "." else folder + "/"]
            if wanted(config, path)]


# Every block of preformatted text (code, outputs, notebook cells and their outputs), those in closed boxes
# too (opened while measured): the block or the element inside it that scrolls is wider than its column.
OVERFLOWING_CODE = """() => {
  const closed = [...document.querySelectorAll("article details:not([open])")];
  closed.forEach(box => { box.open = true; });
  const wide = element => element.scrollWidth > element.clientWidth + 1;
  const found = [...document.querySelectorAll("article pre")]
    .filter(pre => wide(pre) || [...pre.children].some(wide))
    .map(pre => pre.innerText.split("\\n").reduce((a, b) => (b.length > a.length ? b : a), ""));
  closed.forEach(box => { box.open = false; });
  return found;
}"""


@pytest.fixture(scope="module")
def every_page_loaded(site, base_url, browser, pytestconfig):
    """Every page of the site loaded once, each in its own tab left open while the next loads, until the
    network is quiet: what went wrong, the requests, the lines of code wider than the column, and axe-core's
    findings: WCAG 2.1 A and AA in the light palette, then the colour rules in the dark one (the system
    preference switched, which the page follows); and how its formulas are set, once its fonts are in."""
    from axe_playwright_python.sync_playwright import Axe

    from coursekit.checks.a11y import check_page

    paths = every_page(site, pytestconfig)
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
    traffic, problems, overflowing, axe_problems, maths = Traffic(context), [], [], [], {}
    seen = {"light": [], "dark": []}  # the kinds of text each palette has measured
    axe = Axe()
    try:
        for path in paths:
            url = base_url + path
            page = context.new_page()
            page.on("console", lambda m, url=url: m.type == "error" and problems.append(f"{url}: console: {m.text}"))
            page.on("pageerror", lambda e, url=url: problems.append(f"{url}: script error: {e}"))
            page.goto(url)
            overflowing += [f"{path or '/'}: {line.strip()[:90]}" for line in page.evaluate(OVERFLOWING_CODE)]
            page.evaluate("document.fonts.ready.then(() => true)")
            maths[path] = page.evaluate(MATH_LAYOUT)
            axe_problems += check_page(axe, page, path, "light", True, seen["light"])
            in_palette(page, "dark")
            axe_problems += check_page(axe, page, path, "dark", False, seen["dark"])
        traffic.settle(page)
        yield {"traffic": traffic, "problems": problems, "overflowing": overflowing, "count": len(paths),
               "axe": axe_problems, "maths": maths}
    finally:
        context.close()


def in_palette(page, scheme: str) -> None:
    """Switch the system preference of a loaded page; return once the page has followed it."""
    page.emulate_media(color_scheme=scheme)
    page.wait_for_function("scheme => document.body.dataset.mdColorScheme === scheme"
                           " && !document.getAnimations().some(animation => animation.playState === 'running')",
                           arg=PALETTE[scheme], polling=50, timeout=10_000)


# Under pytest-xdist, the tests of the every-page pass run in one worker, which loads every page once.
every_page_pass = pytest.mark.xdist_group("every-page")


@every_page_pass
def test_every_page_loads_cleanly(every_page_loaded):
    traffic, problems = every_page_loaded["traffic"], list(every_page_loaded["problems"])
    third_party = sorted(set(traffic.third_party))
    assert not third_party, "requests to other hosts:\n" + "\n".join(third_party)
    problems += [f"request failed: {failure}" for failure in traffic.failures]
    problems += [f"HTTP {r.status}: {r.url}" for r in traffic.responses if r.status >= 400]
    assert not problems, f"{every_page_loaded['count']} pages loaded with problems:\n" + "\n".join(sorted(set(problems)))


@every_page_pass
def test_no_code_line_scrolls_sideways(every_page_loaded):
    """At 1280 px every line of every code block and output fits the content column, on every page."""
    problems = every_page_loaded["overflowing"]
    assert not problems, "code wider than the column (longest line of each block):\n" + "\n".join(problems)


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


@every_page_pass
def test_every_page_passes_axe_at_wcag_21_aa(every_page_loaded):
    """axe-core's WCAG 2.1 A and AA rules, on every page of every language, in the light palette; its colour
    rules in the dark palette too."""
    problems = every_page_loaded["axe"]
    assert not problems, "\n".join(problems)


def test_axe_sees_a_faint_code_span_among_many_alike(browser, tmp_path):
    """Repeated code spans are measured once per kind: a faint kind of span is still found, wherever it is."""
    spans = '<span class="n">x</span> ' * 300 + '<span class="faint" style="color:#ccc">yes</span>'
    (tmp_path / "index.html").write_text(f'<!doctype html><html lang="en"><title>Code</title><main><pre><code>'
                                         f'{spans}</code></pre></main></html>', encoding="utf-8")
    problems = axe_on(browser, tmp_path, [""])
    assert len(problems) == 1 and "color-contrast on 1 element" in problems[0], problems


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


def axe_on(browser, folder, paths: list[str]) -> list[str]:
    """`check_page` on pages of `folder`, one after the other in one tab, as the every-page pass does."""
    from axe_playwright_python.sync_playwright import Axe

    from coursekit.checks.a11y import check_page
    from coursekit.checks.browser import serve

    problems, seen, axe = [], [], Axe()
    with serve(folder) as url:
        page = browser.new_page(viewport=VIEWPORT)
        for path in paths:
            page.goto(url + path)
            problems += check_page(axe, page, path, "light", True, seen)
        page.close()
    return problems


MATH_LAYOUT = """() => {
  const shown = element => element.getClientRects().length > 0;  // not in a closed box
  const box = element => element.getBoundingClientRect();
  const named = element => element.closest("math").textContent.trim().slice(0, 40);
  const maths = [...document.querySelectorAll("math")].filter(shown);
  const problems = [];
  for (const math of maths) {
    if (!getComputedStyle(math).fontFamily.includes("Course Math")) problems.push(`not in the math font: ${named(math)}`);
    if (box(math).width === 0 || box(math).height === 0) problems.push(`laid out empty: ${named(math)}`);
  }
  for (const frac of document.querySelectorAll("mfrac")) {
    const [top, bottom] = frac.children;
    if (shown(frac) && box(top).bottom > box(bottom).top + 1) problems.push(`fraction not stacked: ${named(frac)}`);
  }
  for (const [tag, raised] of [["msup", true], ["msub", false]]) {
    for (const script of document.querySelectorAll(tag)) {
      const [base, index] = script.children;
      const off = raised ? box(base).top - box(index).top : box(index).bottom - box(base).bottom;
      if (shown(script) && off <= 0) problems.push(`${tag} not ${raised ? "raised" : "lowered"}: ${named(script)}`);
    }
  }
  for (const op of document.querySelectorAll("math[display=block] mo")) {  // in display style, not in a fraction
    const style = getComputedStyle(op);  // a large sum is some 1.4 em tall, an ordinary one 1.05 em
    if (shown(op) && style.mathStyle === "normal" && /^[\u2211\u220f\u222b]$/.test(op.textContent.trim())
        && box(op).height < 1.25 * parseFloat(style.fontSize)) problems.push(`large operator not large: ${named(op)}`);
  }
  const fonts = [...document.fonts].filter(face => face.status !== "unloaded").map(face => face.family);
  return {loaded: fonts.some(family => family.includes("Course Math")), fonts, count: maths.length, problems};
}"""


def math_layout(page, url):
    page.goto(url)
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate(MATH_LAYOUT)


@every_page_pass
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
    with serve(tmp_path) as url:
        layout = {name: math_layout(page, f"{url}{name}/") for name in pages}
    assert layout["styled"]["count"] == 2 and layout["styled"]["loaded"] and layout["styled"]["problems"] == []
    assert layout["unstyled"]["problems"][:2] == ["not in the math font: x2+ab1", "not in the math font: E=1n"]
    assert layout["sum"]["problems"] == [] and layout["small-sum"]["problems"] == ["large operator not large: ∑ixi"]


@every_page_pass
def test_pages_without_formulas_load_no_font(site, every_page_loaded):
    """A page with no formula (the home pages, the glossaries) loads no font of the site's: no math font."""
    plain = {path: layout["fonts"] for path, layout in every_page_loaded["maths"].items()
             if "<math" not in (site / path / "index.html").read_text(encoding="utf-8")}
    assert plain and not any(plain.values()), plain


@pytest.mark.parametrize("chapter", CHAPTER_URLS)
def test_formulas_are_rendered(browser, base_url, chapter):
    """MathML is in the pages as built: formulas show with JavaScript off, and no raw TeX shows."""
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        for language in languages():
            page.goto(base_url + site_prefix(language) + chapter, wait_until="domcontentloaded")
            assert page.locator("math").count() > 0, f"{language}: no <math> element, formulas were not converted"
            text = page.evaluate("document.body.innerText")
            for raw in ("$$", "\\frac"):
                assert raw not in text, f"{language}: raw TeX {raw!r} is visible on {chapter}"
    finally:
        context.close()


def first_section(chapter: str) -> str:
    """The anchor of the first `##` section of a chapter page."""
    markdown = (DOCS / languages()[0] / f"{chapter.rstrip('/')}.md").read_text(encoding="utf-8")
    return re.search(r"^## .*\{ *#(?P<id>[\w-]+) *\}", markdown, re.M)["id"]


@pytest.mark.parametrize("chapter", CHAPTER_URLS)
def test_language_switch_keeps_the_section(base_url, context, chapter):
    section, page = first_section(chapter), context.new_page()
    page.goto(base_url + chapter + f"#{section}")
    page.hover(".md-select")  # the selector opens on hover
    page.click(".md-select a[hreflang=fr]")
    page.wait_for_url(f"**/fr/{chapter}**")
    assert page.url.startswith(base_url + "fr/" + chapter)
    assert page.url.endswith(f"#{section}"), f"the section anchor was lost: {page.url}"


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


FIRST_FIGURE_BOTTOM = """() => {
  const figure = document.querySelector("article img");
  return figure ? figure.getBoundingClientRect().bottom + scrollY : 0;
}"""


IMAGE_STATS = """async (source) => {
  const image = new Image();
  image.src = source;
  await image.decode();
  const canvas = Object.assign(document.createElement("canvas"), {width: image.width, height: image.height});
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  let light = 0, count = 0;
  const colours = new Set();
  for (let i = 0; i < pixels.length; i += 4 * 97) {  // a sample of the pixels
    light += (0.2126 * pixels[i] + 0.7152 * pixels[i + 1] + 0.0722 * pixels[i + 2]) / 255;
    colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    count += 1;
  }
  return {width: image.width, height: image.height, lightness: light / count, colours: colours.size};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(browser, base_url, scheme, tmp_path_factory):
    """The chapter of each language, for a human to look at, in pytest's temporary folder (the path is printed).

    The palette follows the system preference (mkdocs.yml's first palette entry), emulated here. Chapter shots
    run down to the first figure (formulas and a figure in view); whole pages would take seconds each. Each
    shot, decoded by the browser, must be the page in that palette: mostly light or dark, with text on it.
    """
    import base64

    folder = tmp_path_factory.mktemp("screenshots")
    context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)
    try:
        viewer, page = context.new_page(), context.new_page()  # the page shot last: in front, drawn at once
        for language in languages():
            for name, path in (("chapter", CHAPTER),):
                page.goto(base_url + site_prefix(language) + path)
                assert page.get_attribute("body", "data-md-color-scheme") == PALETTE[scheme]
                height = max(VIEWPORT["height"], page.evaluate(FIRST_FIGURE_BOTTOM) + 40)
                clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
                shot = folder / f"{name}-{language}-{scheme}.png"
                png = page.screenshot(path=shot, full_page=True, clip=clip)
                stats = viewer.evaluate(IMAGE_STATS, "data:image/png;base64," + base64.b64encode(png).decode())
                assert (stats["width"], stats["height"]) == (VIEWPORT["width"], round(height)), (shot, stats)
                assert (stats["lightness"] > 0.6) if scheme == "light" else (stats["lightness"] < 0.4), (shot, stats)
                assert stats["colours"] > 50, f"{shot}: hardly anything on it ({stats})"
        print(f"screenshots in {folder}")
    finally:
        context.close()
