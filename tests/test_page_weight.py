"""A first visit to a chapter stays light: the page-weight budget of `python -m coursekit bench`, as a test,
for every chapter in every language, read from the every-page pass (each page loaded there with an empty
cache, and weighed before anything else ran on it).

Only the deterministic figures (bytes, requests, hosts); timings are left to the bench.
"""

import pytest

from coursekit.budgets import BUDGET, KB
from coursekit.project import chapters, languages, site_prefix

CHAPTERS = chapters()


@pytest.mark.parametrize("language", languages())
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_first_visit_within_budget(every_page_loaded, chapter, language):
    weight = every_page_loaded["weights"][site_prefix(language) + CHAPTERS[chapter] + "/"]
    listing = "\n".join(f"{weight['sizes'].get(url, 0) / KB:8.1f} KB  {url}" for url in weight["urls"])
    assert not weight["third_party"], "requests to other hosts:\n" + "\n".join(weight["third_party"])
    assert weight["bytes"] <= BUDGET["page bytes"], (
        f"{weight['bytes'] / KB:.1f} KB transferred (gzip), budget {BUDGET['page bytes'] / KB:g} KB:\n{listing}")
    assert weight["requests"] <= BUDGET["page requests"], (
        f"{weight['requests']} requests, budget {BUDGET['page requests']}:\n{listing}")


@pytest.mark.machinery  # the pass on a page of its own
def test_the_pass_weighs_a_page_before_its_checks_load_more(browser, tmp_path):
    """A formula far below the fold, in a part of the page the browser has not rendered yet, asks for its
    font once the formula check lays it out: the pass weighs the first visit before, as the bench's own
    measure does (the page alone, not the font)."""
    from coursekit.checks.browser import page_weight, serve
    from coursekit.checks.every_page import visit_every_page

    follow = ("<script>matchMedia('(prefers-color-scheme: dark)').addEventListener('change', e =>"
              " document.body.dataset.mdColorScheme = e.matches ? 'slate' : 'default')</script>")  # as Material
    style = ('@font-face{font-family:"Course Math";src:url(math.woff2)} math{font-family:"Course Math"}'
             "section{content-visibility:auto;contain-intrinsic-size:auto 3000px} p{height:3000px}")
    (tmp_path / "math.woff2").write_bytes(b"")
    (tmp_path / "index.html").write_text(
        f'<!doctype html><html lang="en"><title>Formula</title><style>{style}</style>'
        '<body data-md-color-scheme="default"><main><article><section><p>Text.</p></section><section><p>Text.</p></section>'
        f'<section><math><mi>x</mi></math></section></article></main>{follow}</body></html>', encoding="utf-8")
    with serve(tmp_path) as url:
        found = visit_every_page(browser, url, [""], {""}, set(), tmp_path / "shots")
        alone = page_weight(browser, url)
    assert found["maths"][""]["count"] == 1 and found["maths"][""]["loaded"], found["maths"]  # the font was asked for
    assert found["weights"][""]["urls"] == alone["urls"] == [url], found["weights"]
    assert found["weights"][""]["bytes"] == alone["bytes"]


@pytest.mark.machinery  # the pass on pages of its own
def test_a_page_weighed_after_another_is_weighed_as_a_first_visit(browser, tmp_path, monkeypatch):
    """The pass loads every page in one browser context: a page that shares its stylesheet and script with the
    page before it requests them again, and weighs as it does alone, in a fresh context, even from a host
    that lets the browser keep them (as static hosts do, for minutes)."""
    from coursekit.checks import browser as served
    from coursekit.checks.browser import page_weight, serve
    from coursekit.checks.every_page import visit_every_page

    headers = served._QuietHandler.end_headers

    def cacheable(handler):
        handler.send_header("Cache-Control", "max-age=600")
        headers(handler)

    monkeypatch.setattr(served._QuietHandler, "end_headers", cacheable)
    (tmp_path / "shared.css").write_text("body { color: #222; }" + " " * 4000, encoding="utf-8")
    (tmp_path / "shared.js").write_text(  # it follows the palette, as Material does
        "matchMedia('(prefers-color-scheme: dark)').addEventListener('change', e =>"
        " document.body.dataset.mdColorScheme = e.matches ? 'slate' : 'default');" + " " * 4000, encoding="utf-8")
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(
            f'<!doctype html><html lang="en"><title>{name}</title><link rel="stylesheet" href="../shared.css">'
            f'<body data-md-color-scheme="default"><main><p>The {name} page.</p></main>'
            '<script src="../shared.js"></script></body></html>', encoding="utf-8")
    with serve(tmp_path) as url:
        found = visit_every_page(browser, url, ["first/", "second/"], {"first/", "second/"}, set(), tmp_path / "x")
        alone = page_weight(browser, url + "second/")
    second = found["weights"]["second/"]
    assert second["urls"] == alone["urls"] == [url + "second/", url + "shared.css", url + "shared.js"], second
    assert second["bytes"] == alone["bytes"], (second, alone)
