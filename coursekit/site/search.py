"""Search per language: each language's pages are searched from an index of that language alone, with its
own stemmer, and the index is fetched when the reader first opens search, not on every page load.

Material writes one `search/search_index.json`; static-i18n fills it with every language's pages. After the
build, `split_index` writes `search/search_index.<locale>.json` per language (and, for the offline build,
one `search/search_index.js` that serves the page's language), and removes the shared file.
`search-index.js`, inlined in each page before Material's bundle (no request of its own, nothing to wait for
before the page shows), points the bundle's request at the page's language and holds it until search is
opened. `write_worker` puts Material's search worker behind one that
stems each word of a query first (search-worker.js says why), and `use_stemming_worker` points pages at it.
"""

import json
import re
from pathlib import Path

from coursekit import upstream
from coursekit.project import languages, site_prefix

HERE = Path(__file__).parent
WORKERS = "assets/javascripts/workers"  # Material's; its worker finds lunr's languages in ../lunr
WORKER = "search-stems.js"
# Each language's lunr language (Material ships assets/javascripts/lunr/min/lunr.<code>.min.js) and
# pipeline. Chinese is segmented by jieba at build time and by the worker against the index at query
# time; it keeps lunr's English stemmer for the English words of its pages, without the trimmer, which
# would cut Chinese words away as non-word characters.
LUNR = {
    "en": {"lang": ["en"], "pipeline": ["trimmer", "stopWordFilter", "stemmer"]},
    "fr": {"lang": ["fr"], "pipeline": ["trimmer", "stopWordFilter", "stemmer"]},
    "zh": {"lang": ["en"], "pipeline": ["stopWordFilter", "stemmer"]},
}


def index_name(language: str) -> str:
    return f"search_index.{language}.json"


def language_of_location(location: str) -> str:
    """A search entry's `location` (`fr/chapters/x/#y`) -> its language."""
    for language in languages()[1:]:
        if location.startswith(site_prefix(language)):
            return language
    return languages()[0]


def split_index(site_dir: str | Path, offline: bool = False) -> list[Path]:
    """Split the built `search/search_index.json` into one index per language; returns the files written."""
    folder = Path(site_dir) / "search"
    shared = folder / "search_index.json"
    if not shared.exists():
        return []
    index = json.loads(shared.read_text(encoding="utf-8"))
    by_language = {}
    for entry in index["docs"]:
        by_language.setdefault(language_of_location(entry["location"]), []).append(entry)
    written = []
    for language, docs in by_language.items():
        config = dict(index["config"], **LUNR.get(language, LUNR["en"]))
        path = folder / index_name(language)
        path.write_text(json.dumps({"config": config, "docs": docs}, ensure_ascii=False,
                                   separators=(",", ":")), encoding="utf-8")
        written.append(path)
    shared.unlink()
    if offline:  # from a folder, the bundle loads search_index.js with a <script> and reads `__index`
        indexes = {path.name.split(".")[1]: json.loads(path.read_text(encoding="utf-8")) for path in written}
        (folder / "search_index.js").write_text(
            "var __index = " + json.dumps(indexes, ensure_ascii=False, separators=(",", ":"))
            + "[document.documentElement.lang];\n", encoding="utf-8")
    return written


def with_page_script(html: str) -> str:
    """The page with search-index.js inlined right before Material's bundle."""
    script = (HERE / "search-index.js").read_text(encoding="utf-8")
    return upstream.MATERIAL_BUNDLE.sub(lambda m: f"<script>{script}</script>{m[0]}", html, count=1)


def write_worker(site_dir: str | Path) -> None:
    folder = Path(site_dir) / WORKERS
    (material,) = folder.glob(upstream.MATERIAL_WORKER_FILE)
    source = (HERE / "search-worker.js").read_text(encoding="utf-8").replace("MATERIAL_WORKER", material.name)
    for name, number in upstream.MATERIAL_WORKER_MESSAGES.items():  # Material's numbers for its messages
        source = source.replace(f"{name} = MESSAGE", f"{name} = {number}")
    (folder / WORKER).write_text(source, encoding="utf-8")


def use_stemming_worker(html: str) -> str:
    """A page's configuration names the stemming worker instead of Material's."""
    return upstream.MATERIAL_WORKER.sub(rf'\g<1>{WORKER}"', html)


# Material indexes a page by parsing its HTML, every tag of it, those of the code blocks it then leaves out
# of the index (markup.exclude_code_from_search) too: three quarters of a chapter page's parsing. The
# blocks are set aside while the page is indexed, as comments the parser skips, and put back in the page.
EXCLUDED_CODE = re.compile(r'<div class="(?:[^"]* )?highlight(?: [^"]*)?" data-search-exclude>.*?</pre></div>',
                           re.DOTALL)
SET_ASIDE = re.compile(r"<!--set aside from search: (\d+)-->")
_set_aside: dict[str, list[str]] = {}


def set_aside_excluded_code(html: str, page_key: str) -> str:
    """The page's HTML with each code block left out of search replaced by a comment, for `put_back`."""
    blocks = _set_aside[page_key] = []

    def keep(match):
        blocks.append(match[0])
        return f"<!--set aside from search: {len(blocks) - 1}-->"

    return EXCLUDED_CODE.sub(keep, html)


def put_back(output: str, page_key: str) -> str:
    """The rendered page with the code blocks `set_aside_excluded_code` took out back in their places."""
    blocks = _set_aside.pop(page_key, [])
    found = SET_ASIDE.findall(output)
    if sorted(map(int, found)) != list(range(len(blocks))):
        raise ValueError(f"{page_key}: {len(blocks)} code block(s) set aside from search, "
                         f"{len(found)} place(s) to put them back")
    return SET_ASIDE.sub(lambda m: blocks[int(m[1])], output)
