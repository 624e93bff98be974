"""Search, in the built site and a real browser: each language searches its own pages, finds what readers
type (every glossary term, typed whole, plurals and accents too), and loads its index only once opened."""

import json

import pytest

from coursekit.checks.browser import VIEWPORT, Traffic, initializing_text
from coursekit.checks.translations import load_glossary
from coursekit.project import DOCS, chapters, languages, site_prefix
from coursekit.site.search import index_name, language_of_location

GLOSSARY = load_glossary(DOCS / "glossary.yml")
# Forms a reader types that the pages may not hold as such: plurals, accents, English inflections.
FORMS = {"en": ["weights", "entropy", "backpropagation", "classification", "epochs"],
         "fr": ["époques", "entropies", "poids", "couches", "biais"],
         "zh": ["梯度", "学习率"]}
CHAPTER = next(iter(chapters().values()))

# The search of the whole site, whatever chapters it holds: `pytest --site`, not `--chapter`.
pytestmark = pytest.mark.site

# Records each query the page sends to Material's search worker and the locations it answers with.
RECORD_QUERIES = """(() => {
  const Base = window.Worker;
  window.__queries = [];
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", ({ data }) => {
        const pending = window.__queries.find((query) => !query.locations);
        if (data.type === 3 && pending) pending.locations = data.data.items.map((group) => group[0].location);
      });
    }
    postMessage(message, ...rest) {
      if (message.type === 2) window.__queries.push({ text: message.data, locations: null });
      return super.postMessage(message, ...rest);
    }
  };
})()"""
ANSWERED = "text => window.__queries.some(query => query.text === text && query.locations)"
ANSWER = "text => window.__queries.find(query => query.text === text && query.locations).locations"


def searched(page, terms: list[str]) -> dict[str, list[str]]:
    """Type each term into the search field as a reader would, whole; the locations it finds."""
    found = {}
    for term in terms:
        page.keyboard.press("ControlOrMeta+a")  # the last term selected: the next one replaces it
        page.keyboard.insert_text(term)  # as an input method delivers it
        page.keyboard.press("End")  # Material reads the field on a key release
        page.wait_for_function(ANSWERED, arg=term, polling="raf", timeout=30_000)
        found[term] = page.evaluate(ANSWER, term)
    return found


@pytest.fixture
def search_page(browser, base_url, site):
    def open_search(language):
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(RECORD_QUERIES)
        traffic = Traffic(context)
        page = context.new_page()
        page.goto(base_url + site_prefix(language) + CHAPTER + "/")
        traffic.settle(page)
        first_visit = list(traffic.requests)
        page.click(".md-search__input")
        initializing = initializing_text(site / site_prefix(language) / "index.html")
        page.wait_for_function("text => document.querySelector('.md-search-result__meta').textContent.trim()"
                               " !== text", arg=initializing, polling=100, timeout=30_000)
        contexts.append(context)
        return page, first_visit, traffic

    contexts = []
    yield open_search
    for context in contexts:
        context.close()


@pytest.mark.parametrize("language", languages())
def test_every_glossary_term_finds_pages_of_its_language_only(search_page, base_url, language):
    page, first_visit, traffic = search_page(language)
    assert not [url for url in first_visit if "/search/" in url], (
        f"a first visit loads a search index: {[url for url in first_visit if '/search/' in url]}")
    indexes = [url for url in traffic.requests if "/search/search_index" in url]
    assert indexes == [base_url + "search/" + index_name(language)], indexes
    terms = list(dict.fromkeys([entry[language] for entry in GLOSSARY] + FORMS[language]))
    found = searched(page, terms)
    missing = [term for term, locations in found.items() if not locations]
    assert not missing, f"{language}: {len(missing)} of {len(terms)} terms find nothing: {missing}"
    foreign = {term: [loc for loc in locations if language_of_location(loc) != language]
               for term, locations in found.items()}
    assert not any(foreign.values()), {term: locs for term, locs in foreign.items() if locs}


def test_each_language_index_holds_its_pages_only(site):
    for language in languages():
        index = json.loads((site / "search" / index_name(language)).read_text(encoding="utf-8"))
        others = [doc["location"] for doc in index["docs"] if language_of_location(doc["location"]) != language]
        assert index["docs"] and not others, f"{language}: {others[:5]}"
    assert not (site / "search" / "search_index.json").exists(), "the index of all languages is still built"
