import functools
import os
import tempfile
from pathlib import Path

import pytest

from coursekit.checks.browser import chromium_path, launch, serve
from coursekit.execution import cache, identity
from coursekit.pages.includes import snippet_folders
from coursekit.project import (SNIPPETS, chapter_pages, chapters, languages, read_text, site_prefix,
                               snippet_scripts)
from coursekit.site.build import ENV as BUILD_ENV
from coursekit.site.build import Build, build_command
from coursekit.testing.chapters import wanted
from coursekit.testing.jobs import SharedJob
from coursekit.testing.pages import snippet_group
from coursekit.testing.outcomes import reads_the_course

SCRATCH = pytest.StashKey[Path]()
JOBS = pytest.StashKey[dict]()


def pytest_configure(config):
    """One scratch folder per test session, shared by pytest-xdist's workers (given to them below)."""
    if hasattr(config, "workerinput"):
        config.stash[SCRATCH] = Path(config.workerinput["course_scratch"])
    else:
        config._course_scratch = tempfile.TemporaryDirectory(prefix="course-tests-")
        config.stash[SCRATCH] = Path(config._course_scratch.name)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):  # pytest-xdist: each worker gets the session's scratch folder
    node.workerinput["course_scratch"] = str(node.config.stash[SCRATCH])


def pytest_unconfigure(config):
    if hasattr(config, "_course_scratch"):
        config._course_scratch.cleanup()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Under pytest-xdist, the tests that look at a snippet folder's runs (its scripts' tests, its claims,
    its chapter's figures, and the page chains that are its scripts) share one worker, which runs each
    script once for all of them; so do the tests that read the every-page pass."""
    for item in items:
        if folder := _snippet_folder(item):
            nudged = item.originalname in NUDGED_ONLY and _all_chains(folder)
            item.add_marker(pytest.mark.xdist_group(f"nudged-{folder}" if nudged else snippet_group(folder)))
        elif "every_page_loaded" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("every-page"))  # one worker loads every page, once


# Tests that read a script's nudged run only, where a page chain is the script (they compare with what the page
# shows): where every script of the folder is a chain, they need no run of the folder's group, and go to a
# worker of their own (else with the group, as the nudged runs need a server of their own in each worker).
NUDGED_ONLY = {"test_snippet_runs_as_a_script", "test_snippet_prints_the_same_on_another_device_and_cpu"}


@functools.cache
def _all_chains(folder: str) -> bool:
    return all(script in _script_chains() for script in snippet_scripts(SNIPPETS / folder))


@functools.cache
def _script_chains() -> dict:
    return identity.script_chains()


def _snippet_folder(item) -> str | None:
    params = getattr(item, "callspec", None) and item.callspec.params
    if item.path.name.startswith("test_claims_"):
        return item.path.stem.removeprefix("test_claims_")
    if item.path.name != "test_snippets.py" or not params:
        return None
    if "script" in params:
        return params["script"].relative_to(SNIPPETS).parts[0]
    if "chapter" in params:
        page = next(page for page, notebook in chapter_pages().items() if notebook == params["chapter"])
        return min(snippet_folders(read_text(page)), default=None)
    return None


def session_jobs(scratch: Path) -> dict:
    """The slow, independent jobs: the site builds, online and offline."""
    built = SharedJob(scratch, "built", build_command(scratch / "site"), BUILD_ENV)
    return {
        "built": built,
        # After the first build: the notebook pages it rendered are cached by content, and not rendered twice.
        "offline_built": SharedJob(scratch, "offline_built", build_command(scratch / "offline"),
                                   dict(BUILD_ENV, OFFLINE="true"), after=built),
    }


def pytest_sessionstart(session):
    """The site build starts before collection (some seconds of it, in each worker) where the run surely
    needs it: it collects every test of the default paths (no file, `-k` or `-m` chosen), and is not the
    machinery's, which builds sites of its own."""
    config = session.config
    whole = (config.args_source == pytest.Config.ArgsSource.TESTPATHS and not config.option.keyword
             and not config.option.markexpr and not config.getoption("machinery"))
    if whole and not config.option.collectonly and not hasattr(config, "workerinput"):
        config.stash[JOBS] = session_jobs(config.stash[SCRATCH])
        config.stash[JOBS]["built"].start()


def pytest_collection_finish(session):
    """Start the jobs the collected tests need, as soon as they are collected, so they run beside the tests
    (in one process of the session: the others wait for their outcome). Collecting only starts nothing."""
    needed = {name for item in session.items for name in getattr(item, "fixturenames", ())}
    jobs = session.config.stash.get(JOBS, None) or session_jobs(session.config.stash[SCRATCH])
    session.config.stash[JOBS] = jobs
    if session.config.option.collectonly:
        return
    for name, job in jobs.items():
        if name in needed:
            job.start()


def pytest_sessionfinish(session, exitstatus):
    """Jobs this process started: ended when the run is interrupted, else waited for (another process may
    still need them)."""
    for job in session.config.stash.get(JOBS, {}).values():
        job.finish(interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)


def _built(request, name: str, folder: str) -> Build:
    outcome = request.config.stash[JOBS][name].result()
    return Build(request.config.stash[SCRATCH] / folder, outcome.log, outcome.returncode)


@pytest.fixture(scope="session")
@reads_the_course
def built(request):
    """The whole site, built once per test session with `mkdocs build --strict`."""
    result = _built(request, "built", "site")
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.log}"
    return result


@pytest.fixture(scope="session")
@reads_the_course
def offline_built(request):
    """The site built for reading from a folder (`OFFLINE=true mkdocs build --strict`)."""
    result = _built(request, "offline_built", "offline")
    assert result.returncode == 0, f"OFFLINE=true mkdocs build --strict failed:\n{result.log}"
    return result


@pytest.fixture(scope="session")
def site_hook():
    """The site's MkDocs hook module (hooks/course_site.py), loaded as MkDocs loads it, for its events."""
    import importlib.util

    from coursekit.project import ROOT

    spec = importlib.util.spec_from_file_location("course_site_hook", ROOT / "hooks" / "course_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def site(built):
    return built.site


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """An execution cache of the test's own, empty and turned on (whatever `CI` says), its counts from zero."""
    monkeypatch.setattr(cache, "FOLDER", tmp_path / "cache")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(cache.OFF, raising=False)
    monkeypatch.setattr(cache, "stats", cache.Counter())
    return tmp_path / "cache"


@pytest.fixture(scope="session")
@reads_the_course
def script_runs():
    """Each snippet run once as a script (`nudged`: once more, as on another device and CPU), shared by the
    tests that look at its results."""
    from coursekit.execution.scripts import run_script

    cache = {}

    def run(path, nudged=False):
        if (path, nudged) not in cache:
            cache[path, nudged] = run_script(path, nudged=nudged)
        return cache[path, nudged]

    return run


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, shared by the real-browser tests; they skip without it, except under CI."""
    if chromium_path() is None:
        message = "Chromium not found: install it with `apt-get install chromium` (CI does)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def base_url(site):
    """The built site, served on localhost."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def every_page_loaded(browser, site, base_url, pytestconfig, tmp_path_factory):  # Chromium first, during the build
    """Every page of the run (`--chapter`: that chapter's pages; `--site`: those that name no chapter; else all)
    loaded once in headless Chromium and measured (coursekit/checks/every_page.py): the chapter pages weighed as
    a first visit, the first chapter of the run shot in each language and palette."""
    from coursekit.checks.every_page import site_pages, visit_every_page

    paths = [path for path in site_pages(site) if wanted(pytestconfig, path)]
    assert paths, f"no page to load in {site}"
    by_chapter = [[site_prefix(language) + f"{folder}/" for language in languages()]
                  for folder in chapters().values()]
    weighed = {path for pages in by_chapter for path in pages if path in paths}
    shots = next((set(pages) & weighed for pages in by_chapter if set(pages) & weighed), set())
    return visit_every_page(browser, base_url, paths, weighed, shots, tmp_path_factory.mktemp("screenshots"), site)
