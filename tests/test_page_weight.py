"""A first visit to a chapter stays light: the page-weight budget of `python -m coursekit bench`, as a test.

Only the deterministic figures (bytes, requests, hosts); timings are left to the bench.
"""

import pytest

from coursekit.bench import BUDGET, CHAPTER_URL, KB
from coursekit.browser import page_weight
from coursekit.project import languages


@pytest.fixture(scope="module")
def weights(browser, base_url):
    """page_weight() of the chapter page of each language, measured once."""
    found = {}
    for language in languages():
        prefix = "" if language == languages()[0] else f"{language}/"
        found[language] = page_weight(browser, base_url + prefix + CHAPTER_URL)
    return found


@pytest.mark.parametrize("language", languages())
def test_chapter_first_visit_within_budget(weights, language):
    weight = weights[language]
    listing = "\n".join(f"{weight['sizes'].get(url, 0) / KB:8.1f} KB  {url}" for url in weight["urls"])
    assert not weight["third_party"], "requests to other hosts:\n" + "\n".join(weight["third_party"])
    assert weight["bytes"] <= BUDGET["page bytes"], (
        f"{weight['bytes'] / KB:.1f} KB transferred (gzip), budget {BUDGET['page bytes'] / KB:g} KB:\n{listing}")
    assert weight["requests"] <= BUDGET["page requests"], (
        f"{weight['requests']} requests, budget {BUDGET['page requests']}:\n{listing}")
