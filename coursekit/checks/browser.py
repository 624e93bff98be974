"""Headless Chromium against a built site served on localhost: the server, the browser, what a page load costs.

Chromium is the system one (`apt-get install chromium`); Playwright's own browser download is never needed.
"""

import gzip
import shutil
import threading
import time
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
VIEWPORT = {"width": 1280, "height": 800}  # desktop: search box and language selector in the header
TEXT_TYPES = ("text/", "javascript", "json", "xml")  # xml covers image/svg+xml


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a browser closing a connection early is not news


@contextmanager
def serve(site_dir: Path):
    """Serve `site_dir` on 127.0.0.1 (a free port) while the block runs; yields the base URL, ending in /."""
    handler = partial(_QuietHandler, directory=str(site_dir))
    server = _QuietServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def launch(playwright):
    """A headless Chromium that makes no request of its own (updates, sync, QUIC probes)."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def is_third_party(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != LOCAL_HOST


def gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def transfer_size(body: bytes, content_type: str) -> int:
    """What a static host with compression sends: text gzipped at level 6, everything else as is."""
    return gzip_size(body) if any(kind in content_type for kind in TEXT_TYPES) else len(body)


class Traffic:
    """Every request of a browser context (its pages and their workers), or of one page, as it happens."""

    def __init__(self, source):
        self.requests, self.responses, self.failures = [], [], []
        self._pending, self._last = 0, time.monotonic()
        source.on("request", self._started)
        source.on("requestfinished", lambda request: self._ended())
        source.on("requestfailed", self._failed)
        source.on("response", lambda response: self.responses.append(response))

    def _started(self, request):
        self.requests.append(request.url)
        self._pending += 1
        self._last = time.monotonic()

    def _ended(self):
        self._pending -= 1
        self._last = time.monotonic()

    def _failed(self, request):
        self.failures.append(f"{request.url} ({request.failure})")
        self._ended()

    def settle(self, page, until=lambda: True, quiet_s: float = 0.3, timeout_s: float = 60) -> None:
        """Wait until `until()` holds (what the caller needs has arrived) and then no request has been in
        flight for `quiet_s` (like networkidle, for all pages at once)."""
        deadline = time.monotonic() + timeout_s
        while not until() or self._pending or time.monotonic() - self._last < quiet_s:
            if time.monotonic() > deadline:
                raise TimeoutError(f"after {timeout_s} s: {self._pending} request(s) in flight, "
                                   f"awaited one {'arrived' if until() else 'still missing'}")
            page.wait_for_timeout(50)  # lets Playwright deliver the events meanwhile

    @property
    def third_party(self) -> list[str]:
        return [url for url in self.requests if is_third_party(url)]

    def weight(self) -> dict:
        """What the requests so far cost: bytes as a static host with compression sends them (gzip), the
        requests and those to other hosts; `urls` and `sizes` (url -> bytes) say where it went."""
        sizes = [(r.url, transfer_size(r.body(), r.headers.get("content-type", "")))
                 for r in self.responses if not 300 <= r.status < 400]  # a redirect has no body
        fetched = [url for url in self.requests if url.startswith(("http:", "https:"))]
        return {"bytes": sum(size for _, size in sizes), "requests": len(fetched),
                "third_party": [url for url in fetched if is_third_party(url)], "urls": fetched, "sizes": dict(sizes)}


LCP_SCRIPT = """() => new Promise(resolve => {
  new PerformanceObserver(list => {
    const entries = list.getEntries();
    resolve(entries[entries.length - 1].startTime);
  }).observe({type: "largest-contentful-paint", buffered: true});
  setTimeout(() => resolve(null), 2000);
})"""


def page_weight(browser, url: str) -> dict:
    """Load `url` with an empty cache until the network is quiet: bytes (compressed), requests, timings."""
    context = browser.new_context(viewport=VIEWPORT)  # a fresh context has an empty cache
    traffic = Traffic(context)
    try:
        page = context.new_page()
        page.goto(url)
        traffic.settle(page)
        load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        lcp_ms = page.evaluate(LCP_SCRIPT)
        weight = traffic.weight()
    finally:
        context.close()
    return dict(weight, url=url, load_ms=round(load_ms), lcp_ms=None if lcp_ms is None else round(lcp_ms),
                failed=traffic.failures + [f"{r.url} (HTTP {r.status})" for r in traffic.responses if r.status >= 400])


SEARCH_READY = """initializing =>
  document.querySelector(".md-search-result__meta").textContent.trim() !== initializing"""
# A result in `prefix`, among those shown. Material shows the first results and more as the reader scrolls
# the list: scrolled down while the result is not there yet, as a reader looking for it would.
SEARCH_FOUND = """prefix => {
  const found = [...document.querySelectorAll(".md-search-result__item a")].some(link => link.href.startsWith(prefix));
  const list = document.querySelector(".md-search__scrollwrap");
  if (!found && list) list.scrollTop = list.scrollHeight;
  return found;
}"""


def search(page, term: str, initializing: str) -> None:
    """Type `term` into Material's search as a reader does, once its worker is ready.

    A query typed before the worker has loaded its index is lost: the page comes with a placeholder
    (`initializing`, "Initializing search" in its language) that the worker replaces once it is ready (opened
    from a folder, the worker starts when the field is first clicked). Then enter the term (Chinese comes
    from an input method, as text), and the next key release makes the search read the field."""
    page.click(".md-search__input")
    page.wait_for_function(SEARCH_READY, arg=initializing, polling=100, timeout=30_000)
    page.keyboard.insert_text(term)
    page.keyboard.press("End")


def initializing_text(html_file) -> str:
    """The search placeholder a built page comes with, in its language."""
    import re

    return re.search(r'class="md-search-result__meta">\s*(.*?)\s*<', html_file.read_text(encoding="utf-8"))[1]
