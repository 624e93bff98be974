import os
import tempfile
from pathlib import Path

import pytest

from coursekit.browser import chromium_path, launch, serve
from coursekit.build import PendingBuild
from coursekit.notebooks import PendingExecution, chapter_ids
from coursekit.project import DOCS, languages


def pytest_collection_finish(session):
    """Start the slow, independent jobs (the site builds, online and offline, and the notebook runs) in child
    processes as soon as the tests that need them are collected, so they run beside the tests of this process."""
    needed = {name for item in session.items for name in getattr(item, "fixturenames", ())}
    scratch = tempfile.TemporaryDirectory(prefix="course-tests-")
    session.config.stash[SCRATCH] = scratch
    session.config.stash[JOBS] = {
        "built": PendingBuild(Path(scratch.name) / "site") if "built" in needed else None,
        "offline_built": (PendingBuild(Path(scratch.name) / "offline", env={"OFFLINE": "true"})
                          if "offline_built" in needed else None),
        "executed_notebooks": ({chapter: PendingExecution(DOCS / languages()[0] / "notebooks" / f"{chapter}.ipynb",
                                                          Path(scratch.name) / f"{chapter}.ipynb")
                                for chapter in chapter_ids()} if "executed_notebooks" in needed else None),
    }


def pytest_sessionfinish(session):
    if SCRATCH in session.config.stash:
        session.config.stash[SCRATCH].cleanup()


SCRATCH = pytest.StashKey[tempfile.TemporaryDirectory]()
JOBS = pytest.StashKey[dict]()


def _job(request, name):
    job = request.config.stash[JOBS].get(name)
    assert job is not None, f"{name} was not started at collection"
    return {key: each.result() for key, each in job.items()} if isinstance(job, dict) else job.result()


@pytest.fixture(scope="session")
def built(request):
    """The whole site, built once per test session with `mkdocs build --strict`."""
    result = _job(request, "built")
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.log}"
    return result


@pytest.fixture(scope="session")
def offline_built(request):
    """The site built for reading from a folder (`OFFLINE=true mkdocs build --strict`)."""
    result = _job(request, "offline_built")
    assert result.returncode == 0, f"OFFLINE=true mkdocs build --strict failed:\n{result.log}"
    return result


@pytest.fixture(scope="session")
def executed_notebooks(request):
    """Each chapter's English notebook, by chapter, run top to bottom in a fresh kernel."""
    return _job(request, "executed_notebooks")


@pytest.fixture(scope="session")
def site(built):
    return built.site


@pytest.fixture(scope="session")
def script_runs():
    """Each snippet run once as a script, shared by the tests that look at its results."""
    from coursekit.scripts import run_script

    cache = {}

    def run(path):
        if path not in cache:
            cache[path] = run_script(path)
        return cache[path]

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
