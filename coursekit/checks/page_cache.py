"""What the every-page pass found on a page, kept by content in the execution cache (kind "page"): a page is
not loaded again while its HTML, every file it loaded, the checks' code, the browser and what the pass had
measured before it are unchanged. A prose edit changes its own pages and its language's search index, not
the other pages of a chapter.

The key holds the page's address and HTML, the pass's code (`coursekit/checks/`), the browser's version, what
the pass does on it (weighed, shot) and the kinds of text the colour rules had already measured (the pass
carries them from page to page). The files the page loaded are known once it is loaded: the entry lists
them with their hashes, and is used only while each still has that hash. A page is kept only when it loaded
alone in its browser context (so every file it used is among its own requests) and nothing was found on it:
a page with a problem loads again on every run. Like every entry of the cache, never under `CI`.
"""

import hashlib
from pathlib import Path

from coursekit.execution import cache
from coursekit.project import ROOT

KIND = "page"
CHECKS = [ROOT / "coursekit" / "checks"]


def _sha(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def key(site: Path, path: str, browser_version: str, seen: dict, **mode) -> str:
    """The key of the pass on the page at `path` (relative to the site's root): `seen` is what the colour
    rules had measured before it, `mode` what the pass does on it."""
    page = {"path": path, "html": _sha(site / path / "index.html")}
    return cache.key(KIND, page, cache.files(CHECKS), {}, browser=browser_version,
                     seen={scheme: sorted(kinds) for scheme, kinds in seen.items()}, **mode)


def _file(site: Path, base_url: str, url: str) -> Path | None:
    """The file of the site a request of the served site asked for, or None."""
    if not url.startswith(base_url):
        return None
    relative = url[len(base_url):].split("#")[0].split("?")[0]
    file = site / relative
    return file / "index.html" if relative == "" or relative.endswith("/") else file


def recall(site: Path, digest: str, counted: bool = True) -> dict | None:
    """The entry under the key, while every file its page loaded is as it was; else None. `counted`: False
    for a look ahead, which the cache's summary does not count."""
    def unchanged(entry) -> bool:
        return all((site / name).is_file() and _sha(site / name) == sha for name, sha in entry["loaded"].items())

    entry = cache.load(KIND, digest, unchanged, counted)
    return None if entry is cache.MISS else entry


def keep(site: Path, digest: str, base_url: str, requests: list[str], found: dict, seen: dict) -> bool:
    """Store what the pass `found` on a page that loaded alone in its context (`requests`, its context's) and
    the kinds `seen` after it; nothing when a request left the site or named no file of it."""
    loaded = {}
    for url in requests:
        if url.startswith("data:"):
            continue
        file = _file(site, base_url, url)
        if file is None or not file.is_file():
            return False
        loaded[file.relative_to(site).as_posix()] = _sha(file)
    return cache.store(KIND, digest, {"loaded": loaded, "found": found, "base_url": base_url,
                                      "seen": {scheme: list(kinds) for scheme, kinds in seen.items()}})
