"""The built site in headless Chromium, served on localhost: pages, formulas, language switch, search, copy, looks."""

import os

import pytest

from coursekit.browser import chromium_path, is_third_party, launch, serve
from coursekit.project import ROOT, languages

if chromium_path() is None:
    message = "Chromium not found: install it with `apt-get install chromium` (CI does)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

CHAPTER = "chapters/linear-neurons/"
SCREENSHOTS = ROOT / "screenshots"


def prefix(language: str) -> str:
    return "" if language == languages()[0] else f"{language}/"


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


def test_every_page_loads_cleanly(site, base_url, context):
    paths = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    urls = [base_url + ("" if path == "." else path + "/") for path in paths]
    requests, problems = [], []
    context.on("request", lambda request: requests.append(request.url))
    context.on("requestfailed", lambda request: problems.append(f"request failed: {request.url} ({request.failure})"))
    context.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    pages = []
    for url in urls:  # all pages load at once; then each is waited for
        page = context.new_page()
        page.on("console", lambda m, url=url: m.type == "error" and problems.append(f"{url}: console: {m.text}"))
        page.on("pageerror", lambda e, url=url: problems.append(f"{url}: script error: {e}"))
        page.goto(url, wait_until="commit")
        pages.append(page)
    for page in pages:
        page.wait_for_load_state("networkidle")
    third_party = sorted({url for url in requests if is_third_party(url)})
    assert not third_party, "requests to other hosts:\n" + "\n".join(third_party)
    assert not problems, f"{len(urls)} pages loaded with problems:\n" + "\n".join(sorted(set(problems)))


@pytest.mark.parametrize("language", languages())
def test_formulas_are_rendered(base_url, context, language):
    page = context.new_page()
    page.goto(base_url + prefix(language) + CHAPTER)
    assert page.locator("math").count() > 0, "no <math> element: formulas were not converted to MathML"
    text = page.evaluate("document.body.innerText")
    for raw in ("$$", "\\frac"):
        assert raw not in text, f"raw TeX {raw!r} is visible on the page"


def test_language_switch_keeps_the_section(base_url, context):
    page = context.new_page()
    page.goto(base_url + CHAPTER + "#gradient-descent", wait_until="networkidle")
    page.hover(".md-select")  # the selector opens on hover
    page.click(".md-select a[hreflang=fr]")
    page.wait_for_url(f"**/fr/{CHAPTER}**")
    assert page.url.startswith(base_url + "fr/" + CHAPTER)
    assert page.url.endswith("#gradient-descent"), f"the section anchor was lost: {page.url}"


@pytest.mark.parametrize("language, term", [("fr", "gradient"), ("zh", "梯度")])
def test_search_finds_the_chapter(base_url, context, language, term):
    page = context.new_page()
    page.goto(base_url + prefix(language), wait_until="networkidle")
    page.click("label[for=__search]")
    page.fill(".md-search__input", term)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=10_000)
    chapter = base_url + prefix(language) + CHAPTER
    hrefs = results.evaluate_all("links => links.map(link => link.href)")
    assert any(href.startswith(chapter) for href in hrefs), f"searching {term!r}: no result in {chapter}:\n{hrefs}"


def test_copy_button_copies_its_block(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(base_url + CHAPTER)
        block = page.locator("pre:has(> code)").first
        block.hover()
        block.locator("button.md-clipboard").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        code = block.locator("code").text_content()
    finally:
        context.close()
    assert copied == code.rstrip("\n")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(browser, base_url, scheme):
    """Screenshots for a human to look at, under screenshots/; the palette follows the system preference."""
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        for language in languages():
            for name, path in (("home", ""), ("chapter", CHAPTER)):
                page.goto(base_url + prefix(language) + path)
                expected = {"light": "default", "dark": "slate"}[scheme]
                assert page.get_attribute("body", "data-md-color-scheme") == expected
                page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{scheme}.png", full_page=name == "chapter")
    finally:
        context.close()
