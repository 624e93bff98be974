"""A first visit to a chapter stays light: the page-weight budget of `python -m coursekit bench`, as a test,
for every chapter in every language.

Only the deterministic figures (bytes, requests, hosts); timings are left to the bench.
"""

import pytest

from coursekit.budgets import BUDGET, KB
from coursekit.checks.browser import page_weight
from coursekit.project import chapters, languages, site_prefix

CHAPTERS = chapters()


@pytest.mark.parametrize("language", languages())
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_first_visit_within_budget(browser, base_url, chapter, language):
    weight = page_weight(browser, base_url + site_prefix(language) + CHAPTERS[chapter] + "/")
    listing = "\n".join(f"{weight['sizes'].get(url, 0) / KB:8.1f} KB  {url}" for url in weight["urls"])
    assert not weight["third_party"], "requests to other hosts:\n" + "\n".join(weight["third_party"])
    assert weight["bytes"] <= BUDGET["page bytes"], (
        f"{weight['bytes'] / KB:.1f} KB transferred (gzip), budget {BUDGET['page bytes'] / KB:g} KB:\n{listing}")
    assert weight["requests"] <= BUDGET["page requests"], (
        f"{weight['requests']} requests, budget {BUDGET['page requests']}:\n{listing}")
