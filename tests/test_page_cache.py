"""The every-page pass's cache (coursekit/checks/page_cache.py): a page comes from it only while nothing the
pass read of it has changed, only when nothing was found on it, and never under CI."""

import pytest

from coursekit.checks import page_cache
from coursekit.checks.browser import serve
from coursekit.checks.every_page import visit_every_page
from coursekit.execution import cache

pytestmark = pytest.mark.machinery

FOLLOW = ("<script>matchMedia('(prefers-color-scheme: dark)').addEventListener('change', e =>"
          " document.body.dataset.mdColorScheme = e.matches ? 'slate' : 'default')</script>")  # as Material
STYLE = "body { color: #222; } @media (prefers-color-scheme: dark) { body { background: #111; color: #eee; } }\n"


def _page(text: str, more: str = "") -> str:
    return (f'<!doctype html><html lang="en"><title>Page</title><link rel="icon" href="data:,">'
            f'<link rel="stylesheet" href="../style.css">'
            f'<body data-md-color-scheme="default"><main><article><p>{text}</p>'
            f'<math><mi>x</mi></math><pre><code>x = 1</code></pre></article></main>{more}{FOLLOW}</body></html>')


@pytest.fixture
def site(empty_cache, tmp_path, monkeypatch):
    """Two pages sharing a stylesheet, with a cache of this test's own (conftest.py), the checks' code a file of
    the test's."""
    checks = tmp_path / "checks.py"
    checks.write_text("# the checks' code\n", encoding="utf-8")
    monkeypatch.setattr(page_cache, "CHECKS", [checks])
    folder = tmp_path / "site"
    for name in "ab":
        (folder / name).mkdir(parents=True)
        (folder / name / "index.html").write_text(_page(f"Page {name}."), encoding="utf-8")
    (folder / "style.css").write_text(STYLE, encoding="utf-8")
    return folder


class OtherBrowser:
    """The same browser under another version."""

    def __init__(self, browser):
        self._browser = browser
        self.version = browser.version + ".1"

    def __getattr__(self, name):
        return getattr(self._browser, name)


def visit(browser, site, weigh=("a/",), shots=("a/",)) -> dict:
    with serve(site) as url:
        return visit_every_page(browser, url, ["a/", "b/"], set(weigh), set(shots), site.parent / "shots", site)


def loads() -> tuple[int, int]:
    """(pages taken from the cache, pages loaded) so far."""
    return cache.stats[page_cache.KIND, "hit"], cache.stats[page_cache.KIND, "miss"]


def test_an_unchanged_page_is_not_loaded_and_gives_what_its_load_found(browser, site):
    first = visit(browser, site)
    assert loads() == (0, 2)
    (site.parent / "shots").rename(site.parent / "first shots")
    again = visit(browser, site)
    assert loads() == (2, 2), "an unchanged page was loaded again"
    assert again["maths"] == first["maths"] and again["maths"]["b/"]["count"] == 1
    assert {path: weight["bytes"] for path, weight in again["weights"].items()} == {
        path: weight["bytes"] for path, weight in first["weights"].items()} != {}
    shot = again["shots"]["a/", "dark"]
    assert shot["lightness"] == first["shots"]["a/", "dark"]["lightness"] < 0.4
    assert (site.parent / "shots" / "a-dark.png").read_bytes() == (site.parent / "first shots" / "a-dark.png").read_bytes()


def _write(file, text: str) -> None:
    file.write_text(text, encoding="utf-8")


# Each part of what the pass read, changed on its own, and how many of the two pages it concerns; a change
# returns the browser to visit with when it is another.
CHANGES = {
    "the page": (lambda site, browser: _write(site / "b" / "index.html", _page("Page b, edited.")), 1),
    "a file the pages loaded": (lambda site, browser: _write(site / "style.css", STYLE.replace("#222", "#333")), 2),
    "the checks' code": (lambda site, browser: _write(page_cache.CHECKS[0], "# edited\n"), 2),
    "the browser": (lambda site, browser: OtherBrowser(browser), 2),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_what_the_pass_read_loads_the_page_again(browser, site, change):
    visit(browser, site)
    edit, loaded = CHANGES[change]
    browser = edit(site, browser) or browser
    found = visit(browser, site)
    assert loads() == (2 - loaded, 2 + loaded), f"after a change of {change}: (from the cache, loaded)"
    assert found["maths"]["b/"]["count"] == 1 and found["weights"]["a/"]["bytes"] > 0


def test_what_the_pass_does_on_a_page_and_what_it_measured_before_are_in_the_key(site):
    keys = {page_cache.key(site, "a/", "1", {"light": [], "dark": []}),
            page_cache.key(site, "a/", "1", {"light": ["P|x"], "dark": []}),
            page_cache.key(site, "a/", "1", {"light": [], "dark": []}, weigh=True),
            page_cache.key(site, "a/", "1", {"light": [], "dark": []}, shot=True)}
    assert len(keys) == 4


def test_a_page_with_a_problem_is_loaded_again(browser, site):
    _write(site / "b" / "index.html", _page("Page b.", "<script>console.error('planted')</script>"))
    for _ in range(2):
        found = visit(browser, site)
        assert any("planted" in problem for problem in found["problems"]), found["problems"]
    assert loads() == (1, 3), "the page with a problem came from the cache"


@pytest.mark.parametrize("switch", ["CI", cache.OFF])
def test_under_ci_or_turned_off_nothing_is_read_or_written(browser, site, monkeypatch, switch):
    visit(browser, site)
    entries = sorted(cache.FOLDER.rglob("*.pickle"))
    assert len(entries) == 2
    monkeypatch.setenv(switch, "1")
    _write(site / "b" / "index.html", _page("Page b, edited."))
    visit(browser, site)
    assert sorted(cache.FOLDER.rglob("*.pickle")) == entries, f"with {switch} set, the cache was written"
    assert loads() == (0, 2), f"with {switch} set, the cache was read"
