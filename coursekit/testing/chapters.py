"""pytest plugin: `pytest --chapter NAME` runs the tests of one chapter (repeat it for several) and the checks
a chapter's pages and code are held to that name no chapter (the strict build, links, translations, every
page's checks in the browser, on that chapter's pages). The checks of the site as a whole, which read no
chapter (marked `site`: the home and glossary pages, search, the offline build, the scripts every page shares),
are left out, and so are the tests of the course's machinery (marked `machinery`: coursekit on inputs they
make themselves); `pytest --site` and `pytest --machinery` run each of them alone. A test marked
`site(every_run=True)` checks each page a run loads in the browser: it runs in the site run, on the pages
that name no chapter, and in each chapter run, on its chapter's pages. The runs of every chapter, of the site
and of the machinery together are everything `pytest` runs.

A test belongs to a chapter when its file or one of its parameters names the chapter: its pages
(`docs/fr/chapters/NAME.md`), its claims (`tests/test_claims_FOLDER.py`), a parameter that is its notebook id,
its page's or notebook's address, or one of its snippets. A test that names another chapter and not this one
is left out; a test that names none runs.
"""

import re
from functools import cache
from pathlib import Path

import pytest

from coursekit.pages.includes import snippet_folders
from coursekit.project import ROOT, chapter_pages, chapters

SELECTED = pytest.StashKey[list]()
SITE = pytest.StashKey[bool]()


def pytest_addoption(parser):
    parser.addoption("--chapter", action="append", default=[], metavar="NAME",
                     help="run only this chapter's tests and the checks across chapters (a notebook id, "
                          "e.g. the `notebook:` of its page); repeat for several")
    parser.addoption("--machinery", action="store_true",
                     help="run only the tests of the course's machinery, which `--chapter` leaves out")
    parser.addoption("--site", action="store_true",
                     help="run only the checks of the site as a whole (home, glossary, search, offline build), "
                          "which `--chapter` leaves out, and every page's browser checks on pages of no chapter")


def pytest_configure(config):
    config.addinivalue_line("markers", "machinery: a test of coursekit on inputs it makes itself, of no chapter")
    config.addinivalue_line("markers", "site(every_run=False): a check of the site as a whole, reading no chapter "
                                       "(`--site`); every_run: of each page a run loads, in the chapter runs too")
    runs = [option for option in ("chapter", "site", "machinery") if config.getoption(option)]
    if len(runs) > 1:
        raise pytest.UsageError(f"--{' and --'.join(runs)}: one or the other (each run is its own part of the tests)")
    config.stash[SITE] = config.getoption("site")
    wanted = config.getoption("chapter")
    unknown = [name for name in wanted if name not in chapters()]
    if unknown:
        raise pytest.UsageError(f"--chapter {', '.join(unknown)}: no such chapter; the chapters: "
                                f"{', '.join(chapters())}")
    config.stash[SELECTED] = wanted


@cache
def _owners() -> dict[tuple[str, str], str]:
    """(kind, name) -> its chapter: ("chapters", "linear-neurons"), ("notebooks", its id), ("snippets",
    "linear_neurons"), and ("id", the notebook id)."""
    owners = {}
    for chapter, folder in chapters().items():
        owners[("id", chapter)] = owners[("notebooks", chapter)] = chapter
        owners[("chapters", folder.rsplit("/", 1)[-1])] = chapter
        for page, notebook in chapter_pages().items():
            if notebook == chapter:
                for snippets in snippet_folders((ROOT / page).read_text(encoding="utf-8")):
                    owners[("snippets", snippets)] = chapter
    return owners


def chapter_of(text: str) -> str | None:
    """The chapter a path, an address or a test parameter names, if any: `docs/fr/chapters/NAME.md`,
    `fr/notebooks/ID/`, `snippets/FOLDER/x.py`, `tests/test_claims_FOLDER.py`, or the notebook id itself."""
    owners, parts = _owners(), str(text).split("/")
    for kind, name in zip(parts, parts[1:]):
        name = name.removesuffix(".md").removesuffix(".ipynb")
        if (kind, name) in owners:
            return owners[(kind, name)]
    claims = re.fullmatch(r"test_claims_(\w+)\.py", parts[-1])
    return owners.get(("snippets", claims[1]) if claims else ("id", str(text)))


def names_of(item) -> set[str]:
    """The chapters a test names, by its file and its parameters."""
    values = [str(item.path.relative_to(item.config.rootpath))]
    values += [str(value) for value in getattr(getattr(item, "callspec", None), "params", {}).values()
               if isinstance(value, (str, Path))]
    return {chapter for value in values if (chapter := chapter_of(value))}


def wanted(config, text: str) -> bool:
    """Whether a page address belongs to this run: with `--chapter`, it names a selected chapter; with `--site`,
    it names none; in a whole run, every page does."""
    chosen = config.stash.get(SELECTED, [])
    if config.stash.get(SITE, False):
        return chapter_of(text) is None
    return not chosen or chapter_of(text) in chosen


def pytest_ignore_collect(collection_path, config):
    """With `--chapter`, a file that names another chapter and not a selected one is not even imported (its
    tests would all be left out below): another chapter's pages and claims."""
    chosen = config.stash.get(SELECTED, [])
    if chosen and collection_path.is_file() and collection_path.is_relative_to(config.rootpath):
        chapter = chapter_of(collection_path.relative_to(config.rootpath).as_posix())
        if chapter is not None and chapter not in chosen:
            return True
    return None


def _run_of(item) -> str:
    """"machinery", "site", "every run" (a site check of each page a run loads) or "chapter" (the tests of
    the chapters it names, or of every chapter where it names none)."""
    if item.get_closest_marker("machinery"):
        return "machinery"
    if marker := item.get_closest_marker("site"):
        return "every run" if marker.kwargs.get("every_run") else "site"
    return "chapter"


def pytest_collection_modifyitems(config, items):
    chosen = set(config.stash.get(SELECTED, []))
    if config.getoption("machinery"):
        left = [item for item in items if _run_of(item) != "machinery"]
    elif config.getoption("site"):
        left = [item for item in items if _run_of(item) not in ("site", "every run")]
    elif chosen:
        left = [item for item in items if _run_of(item) not in ("chapter", "every run")
                or names_of(item) and not names_of(item) & chosen]
    else:
        return
    if left:
        config.hook.pytest_deselected(items=left)
        dropped = set(left)
        items[:] = [item for item in items if item not in dropped]
