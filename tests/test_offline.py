"""The offline build (`OFFLINE=true mkdocs build`): opened from a folder, with file:// addresses, the site reads,
searches and switches language, and loads nothing from another host."""

import pytest

from coursekit.checks.browser import SEARCH_FOUND, VIEWPORT, Traffic, initializing_text, search
from coursekit.checks.links import check_site, third_party_references
from coursekit.project import chapters, languages

CHAPTER = next(iter(chapters().values()))

pytestmark = pytest.mark.site  # the site as a whole, offline: `pytest --site`, not `--chapter`


def test_offline_site_links_hold_and_load_nothing_from_another_host(offline_built):
    site = offline_built.site
    assert (site / "search" / "search_index.js").is_file(), "no search index for file:// pages"
    assert not check_site(site), "\n".join(check_site(site))
    assert not third_party_references(site), "\n".join(third_party_references(site))


def test_offline_site_works_opened_from_a_folder(offline_built, browser):
    home = (offline_built.site / "index.html").as_uri()
    context = browser.new_context(viewport=VIEWPORT)
    traffic, errors = Traffic(context), []
    try:
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(home)
        page.click(f"article a[href='{CHAPTER}.html']")  # the outline's link, a file beside the home page
        page.wait_for_url(f"**/{CHAPTER}.html")  # until the chapter has loaded, not only been asked for
        assert page.locator("math").count() > 0
        search(page, "gradient", initializing_text(offline_built.site / "index.html"))
        page.wait_for_function(SEARCH_FOUND, arg=(offline_built.site / CHAPTER).as_uri(), timeout=30_000)
        page.keyboard.press("Escape")
        other = languages()[1]
        page.goto(page.url.split("#")[0] + "#why-this-chapter")
        page.hover(".md-select")
        page.click(f".md-select a[hreflang={other}]")
        page.wait_for_url(f"**/{other}/{CHAPTER}.html#why-this-chapter")
        assert page.locator(f"html[lang={other}]").count() == 1
    finally:
        context.close()
    assert not errors, errors
    assert not traffic.third_party, traffic.third_party
    assert not traffic.failures, traffic.failures
