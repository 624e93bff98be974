"""Links of a built site: every internal link, resource and anchor resolves, and nothing loads from another host.

`python -m coursekit links SITE_DIR` prints each problem as `page.html: what -> target`.
"""

import functools
import posixpath
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from coursekit.project import settings

LINKED = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src"}
LOADED = {"script": "src", "img": "src", "source": "src", "iframe": "src", "video": "src", "audio": "src",
          "embed": "src", "track": "src"}
LOADING_RELS = {"stylesheet", "preload", "modulepreload", "icon", "apple-touch-icon", "manifest",
                "prefetch", "preconnect", "dns-prefetch"}
CSS_REFERENCE = re.compile(r"""@import\s+(?:url\(\s*)?['"]?(?P<imported>[^'")\s;]+)|url\(\s*['"]?(?P<url>[^'")\s]+)""")
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "blob:")
# An address a script or style could fetch, wherever it is written: a data-* attribute, an inline script.
ADDRESS = re.compile(r"""(?:\bhttps?:)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?[^\s"'<>)\\]*""")
NAVIGATION = {("a", "href"), ("area", "href"), ("link", "href"), ("form", "action")}  # followed, not loaded


@dataclass
class BuiltPage:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)    # (tag, url) of LINKED
    loaded: list[tuple[str, str]] = field(default_factory=list)   # (what, url) the browser fetches on load
    styles: list[str] = field(default_factory=list)               # inline <style> blocks and style=""
    addresses: list[tuple[str, str]] = field(default_factory=list)  # (where, url) in other attributes, scripts
    languages: dict[str, str] = field(default_factory=dict)       # hreflang -> href of <a hreflang>


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page, self._in = BuiltPage(), None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        for name in ("id",) + (("name",) if tag == "a" else ()):
            if name in attrs:
                self.page.ids.add(attrs[name])
        if tag in LINKED and LINKED[tag] in attrs:
            self.page.links.append((tag, attrs[LINKED[tag]]))
        if tag == "a" and "hreflang" in attrs:
            self.page.languages[attrs["hreflang"]] = attrs.get("href", "")
        if tag in LOADED and LOADED[tag] in attrs:
            self.page.loaded.append((f"{tag} {LOADED[tag]}", attrs[LOADED[tag]]))
        if tag == "a" and attrs.get("data-md-component") == "source":  # Material asks the host's API for facts
            self.page.loaded.append(("a data-md-component=source", attrs.get("href", "")))
        if tag == "link" and LOADING_RELS & set(attrs.get("rel", "").lower().split()):
            self.page.loaded.append((f"link rel={attrs['rel']}", attrs.get("href", "")))
        for name, value in attrs.items():
            if name == "style":
                self.page.styles.append(value)
            elif (tag, name) not in NAVIGATION and name != LOADED.get(tag) and not name.startswith("xmlns"):
                self.page.addresses += [(f"{tag} {name}", url) for url in _addresses(value)]
        self._in = tag if tag in ("style", "script") else None

    def handle_data(self, data):
        if self._in == "style":
            self.page.styles.append(data)
        elif self._in == "script":
            self.page.addresses += [("inline script", url) for url in _addresses(data)]

    def handle_endtag(self, tag):
        self._in = None


def _addresses(text: str) -> list[str]:
    """Addresses on another host in `text`; an attribute's whole value may also be `//host/...`."""
    return [m[0] for m in ADDRESS.finditer(text) if m[0].startswith(("http", "//"))
            and (m.start() == 0 or m[0].startswith("http"))]


def parse_page(path: Path) -> BuiltPage:
    """What the page links to, loads and names; parsed once while the file stays as it is (the link and the
    third-party checks read the same pages). Shared: read it, do not change it."""
    stat = Path(path).stat()
    return _parsed(Path(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4096)
def _parsed(path: Path, mtime_ns: int, size: int) -> BuiltPage:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser.page


def html_files(site_dir: Path) -> list[Path]:
    return sorted(Path(site_dir).rglob("*.html"))


def is_external(url: str) -> bool:
    return url.startswith("//") or bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url))


def _site_path(url: str, page: str, site_url: str) -> str | None:
    """The site-relative path `url` points at from `page` ('' for the root); None when it is on another host.

    A path that leaves the site starts with `..`.
    """
    parts = urlsplit(url)
    base = urlsplit(site_url)
    prefix = base.path.rstrip("/") + "/"
    if is_external(url) and (not base.netloc or parts.netloc != base.netloc):
        return None
    path = unquote(parts.path)
    if path.startswith("/") or is_external(url):
        path = path or "/"
        path = path[len(prefix):] if path.startswith(prefix) else "../" + path.lstrip("/")
    elif not path:
        return page
    else:
        path = posixpath.join(posixpath.dirname(page), path)
    path = posixpath.normpath(path)
    return "" if path == "." else path


def _target_file(site_dir: Path, path: str) -> Path | None:
    """The file a server would answer for `path`: directories give their index.html."""
    if path == ".." or path.startswith("../"):
        return None
    candidate = site_dir / path
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def resolve(site_dir: Path, page: str, url: str, site_url: str = "") -> Path | None:
    """The file `url` on `page` (site-relative) leads to, None when it is broken or on another host."""
    path = _site_path(url, page, site_url)
    return None if path is None else _target_file(Path(site_dir), path)


def configured_site_url() -> str:
    """The site's address as MkDocs reads mkdocs.yml (`!ENV` resolved, a folder: it ends in `/`), or ""."""
    url = settings().get("site_url") or ""
    return url if not url or url.endswith("/") else url + "/"


def check_site(site_dir: Path, site_url: str | None = None) -> list[str]:
    """Broken internal links and anchors of every HTML page, as `page.html: what -> target`.

    Links to the site's own host (`site_url`, by default mkdocs.yml's) count as internal.
    """
    site_dir = Path(site_dir)
    if site_url is None:
        site_url = configured_site_url()
    pages = {file: parse_page(file) for file in html_files(site_dir)}
    problems = []
    for file, parsed in pages.items():
        page = file.relative_to(site_dir).as_posix()
        for tag, url in parsed.links:
            if url.startswith(SKIPPED_SCHEMES):
                continue
            path = _site_path(url, page, site_url)
            if path is None:
                continue
            target = _target_file(site_dir, path)
            if target is None:
                problems.append(f"{page}: broken {tag} link -> {url}")
                continue
            fragment = unquote(urlsplit(url).fragment)
            if fragment and not fragment.startswith("__") and target in pages:
                if fragment not in pages[target].ids:
                    problems.append(f"{page}: missing anchor -> {url}")
    return list(dict.fromkeys(problems))  # a page's table of contents shows twice: report each link once


def third_party_references(site_dir: Path, site_url: str | None = None) -> list[str]:
    """Everything a visitor's browser could fetch from another host: scripts, styles, fonts, images, frames,
    and addresses a script on the page could fetch (in data attributes, inline scripts). The site's own
    address (`site_url`, by default mkdocs.yml's) is not another host."""
    site_dir = Path(site_dir)
    if site_url is None:
        site_url = configured_site_url()
    own = urlsplit(site_url).netloc
    problems = []
    for file in html_files(site_dir):
        page = file.relative_to(site_dir).as_posix()
        parsed = parse_page(file)
        for what, url in parsed.loaded + parsed.addresses:
            if is_external(url) and urlsplit(url).scheme in ("", "http", "https") and urlsplit(url).netloc != own:
                problems.append(f"{page}: {what} -> {url}")
        problems += [f"{page}: inline style {ref}" for ref in _css_references("".join(parsed.styles))]
    for file in sorted(site_dir.rglob("*.css")):
        css = file.read_text(encoding="utf-8", errors="replace")
        problems += [f"{file.relative_to(site_dir).as_posix()}: {ref}" for ref in _css_references(css)]
    return list(dict.fromkeys(problems))


def _css_references(css: str) -> list[str]:
    found = []
    for m in CSS_REFERENCE.finditer(css):
        url = m["imported"] or m["url"]
        if url.startswith(("http://", "https://", "//")):
            found.append(f"{'@import' if m['imported'] else 'url()'} -> {url}")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m coursekit links SITE_DIR")
        return 2
    site_dir = Path(argv[0])
    if not site_dir.is_dir():
        print(f"{site_dir}: no such folder (build the site first: mkdocs build --strict)")
        return 2
    problems = check_site(site_dir) + third_party_references(site_dir)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in {len(html_files(site_dir))} pages")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
