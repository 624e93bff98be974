"""One pass over every page of a built site in headless Chromium: each page loaded once, and everything the
tests look at on a page measured in that one load, since the load is most of the cost.

Every page loads in one browser context, each in a tab of its own whose requests are counted as its own, every
file it uses included, as on a reader's first visit (`tests/test_page_weight.py` shows it weighs what it
weighs alone, in a fresh context); a context for each page would cost twice the computing, most of it setting
the context up. A page to be weighed is weighed once the network is quiet, before anything else runs on it.
Its tab stays open while the next page is measured, so that a late request is still seen; then its network
is left to settle, and it is closed. Locally, a page whose HTML and files are unchanged since it passed is
not loaded again (`page_cache`). A page's load begins while the page before it is measured (once that one is
weighed), unless the cache has it: the browser loads one page as it checks the other.

On each page, in this order: the lines of code wider than the column, the formulas' layout once the fonts
are in, axe-core in the light palette (`a11y.check_page`), a screenshot where asked for, the system preference
switched to dark, axe's colour rules and the dark screenshot.
"""

import base64
from pathlib import Path

from coursekit.checks import page_cache
from coursekit.checks.a11y import check_page
from coursekit.checks.browser import VIEWPORT, Traffic
from coursekit.execution import cache

PALETTE = {"light": "default", "dark": "slate"}  # Material's color schemes

# Every block of preformatted text (code, outputs, notebook cells and their outputs), those in closed boxes
# too (opened while measured): the block or the element inside it that scrolls is wider than its column.
OVERFLOWING_CODE = """() => {
  const closed = [...document.querySelectorAll("article details:not([open])")];
  closed.forEach(box => { box.open = true; });
  const wide = element => element.scrollWidth > element.clientWidth + 1;
  const found = [...document.querySelectorAll("article pre")]
    .filter(pre => wide(pre) || [...pre.children].some(wide))
    .map(pre => pre.innerText.split("\\n").reduce((a, b) => (b.length > a.length ? b : a), ""));
  closed.forEach(box => { box.open = false; });
  return found;
}"""

# How the page's formulas are set: the math font, and each kind of layout they use.
MATH_LAYOUT = """() => {
  const shown = element => element.getClientRects().length > 0;  // not in a closed box
  const box = element => element.getBoundingClientRect();
  const named = element => element.closest("math").textContent.trim().slice(0, 40);
  const maths = [...document.querySelectorAll("math")].filter(shown);
  const problems = [];
  for (const math of maths) {
    if (!getComputedStyle(math).fontFamily.includes("Course Math")) problems.push(`not in the math font: ${named(math)}`);
    if (box(math).width === 0 || box(math).height === 0) problems.push(`laid out empty: ${named(math)}`);
  }
  for (const frac of document.querySelectorAll("mfrac")) {
    const [top, bottom] = frac.children;
    if (shown(frac) && box(top).bottom > box(bottom).top + 1) problems.push(`fraction not stacked: ${named(frac)}`);
  }
  for (const [tag, raised] of [["msup", true], ["msub", false]]) {
    for (const script of document.querySelectorAll(tag)) {
      const [base, index] = script.children;
      const off = raised ? box(base).top - box(index).top : box(index).bottom - box(base).bottom;
      if (shown(script) && off <= 0) problems.push(`${tag} not ${raised ? "raised" : "lowered"}: ${named(script)}`);
    }
  }
  for (const op of document.querySelectorAll("math[display=block] mo")) {  // in display style, not in a fraction
    const style = getComputedStyle(op);  // a large sum is some 1.4 em tall, an ordinary one 1.05 em
    if (shown(op) && style.mathStyle === "normal" && /^[\u2211\u220f\u222b]$/.test(op.textContent.trim())
        && box(op).height < 1.25 * parseFloat(style.fontSize)) problems.push(`large operator not large: ${named(op)}`);
  }
  const fonts = [...document.fonts].filter(face => face.status !== "unloaded").map(face => face.family);
  return {loaded: fonts.some(family => family.includes("Course Math")), fonts, count: maths.length, problems};
}"""

# The page scrolled so that its first figure ends a little above the screen's bottom (the top of a page
# without one), once the figure is decoded (it loads lazily); returns the scroll.
TO_FIRST_FIGURE = """async (margin) => {
  const figure = document.querySelector("article img");
  if (!figure) return scrollY;
  window.scrollTo(0, Math.max(0, figure.getBoundingClientRect().bottom + scrollY + margin - innerHeight));
  await figure.decode().catch(() => null);
  return scrollY;
}"""

# A PNG as the browser decodes it: its size, how light it is, how many colours a sample of it has.
IMAGE_STATS = """async (source) => {
  const image = new Image();
  image.src = source;
  await image.decode();
  const canvas = Object.assign(document.createElement("canvas"), {width: image.width, height: image.height});
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  let light = 0, count = 0;
  const colours = new Set();
  for (let i = 0; i < pixels.length; i += 4 * 97) {  // a sample of the pixels
    light += (0.2126 * pixels[i] + 0.7152 * pixels[i + 1] + 0.0722 * pixels[i + 2]) / 255;
    colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    count += 1;
  }
  return {width: image.width, height: image.height, lightness: light / count, colours: colours.size};
}"""


def site_pages(site: Path) -> list[str]:
    """The address of each page of a built site, relative to its root ("" for the home page)."""
    folders = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return ["" if folder == "." else folder + "/" for folder in folders]


def math_layout(page) -> dict:
    """MATH_LAYOUT of the loaded page, once its fonts are in."""
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate(MATH_LAYOUT)


# An element whose rendering the browser skipped (`content-visibility`) starts its colour transition only
# when first measured, and would be measured mid-way: the switch is measured at its end, without transitions.
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; }"


def in_palette(page, scheme: str) -> None:
    """Switch the system preference of a loaded page, its transitions turned off for good; return once the
    page has followed it."""
    page.add_style_tag(content=NO_TRANSITIONS)
    page.emulate_media(color_scheme=scheme)
    page.wait_for_function("scheme => document.body.dataset.mdColorScheme === scheme"
                           " && !document.getAnimations().some(animation => animation.playState === 'running')",
                           arg=PALETTE[scheme], polling=50, timeout=10_000)


def screenshot(page, file: Path) -> dict:
    """One screen of the page with its first figure in view, and the formulas and prose above it (the header,
    navigation and table of contents stay in view), saved to `file`; the shot as the browser decodes it (size,
    lightness, colours) and the size asked for. A screen, not the page down to the figure: a shot taller than
    the window makes Chromium lay the whole page out again at that height."""
    page.evaluate(TO_FIRST_FIGURE, 40)
    png = page.screenshot(path=file)
    stats = page.evaluate(IMAGE_STATS, "data:image/png;base64," + base64.b64encode(png).decode())
    return dict(stats, file=str(file), clip=[VIEWPORT["width"], VIEWPORT["height"]])


def visit_every_page(browser, base_url: str, paths: list[str], weigh: set[str], shots: set[str],
                     folder: Path, site: Path | None = None) -> dict:
    """Load each of `paths` (relative to `base_url`) once, as a first visit, and measure it: those in `weigh`
    weighed; screenshots of those in `shots` go to `folder`. Given the `site` folder served, a page whose
    result is in the cache (`page_cache`) is not loaded. Returns, by kind, what was found (see the module's
    docstring)."""
    from axe_playwright_python.sync_playwright import Axe

    found = dict(_nothing(), count=len(paths))
    seen = {"light": [], "dark": []}  # the kinds of text each palette has measured
    axe, kept, shared = Axe(), site is not None and cache.enabled(), []
    on_pages = []  # what was found on each page loaded, merged once every page is done

    def key(path):
        return page_cache.key(site, path, browser.version, seen, weigh=path in weigh,
                              shot=path in shots) if kept else None

    def start(path) -> dict:  # the page's load begun: it goes on while the page before it is measured
        url, mine = base_url + path, _nothing()
        if not shared:
            shared.append(browser.new_context(viewport=VIEWPORT, color_scheme="light"))
        page = shared[0].new_page()
        traffic = Traffic(page)  # the page's own requests, a file the page before it loaded too included
        page.on("console", lambda m, url=url, mine=mine: m.type == "error"
                and mine["problems"].append(f"{url}: console: {m.text}"))
        page.on("pageerror", lambda e, url=url, mine=mine: mine["problems"].append(f"{url}: script error: {e}"))
        page.goto(url, wait_until="commit")
        return {"path": path, "mine": mine, "traffic": traffic, "page": page}

    def shoot(page, path, scheme, mine):
        if path in shots:
            # The tab loading ahead was opened after it: a tab behind another draws no frame until it is in front.
            page.bring_to_front()
            name = (path.strip("/") or "home").replace("/", "-")
            mine["shots"][path, scheme] = screenshot(page, folder / f"{name}-{scheme}.png")

    def collect(page, traffic, mine):  # its late requests too
        traffic.settle(page)
        mine["third_party"] += traffic.third_party
        mine["problems"] += [f"request failed: {failure}" for failure in traffic.failures]
        mine["problems"] += [f"HTTP {r.status}: {r.url}" for r in traffic.responses if r.status >= 400]
        page.close()

    def finish(done) -> None:  # a page measured, once the next one is: its late requests have had time to come
        collect(done["page"], done["traffic"], done["mine"])
        if done["digest"] and not any(done["mine"][kind] for kind in CLEAN):
            page_cache.keep(site, done["digest"], base_url, done["traffic"].requests, _with_shots(done["mine"]),
                            done["seen"])
        on_pages.append(done["mine"])

    ahead = None  # the next page, loading while this one is measured
    measured = None  # the page measured last, still open while this one is measured
    try:
        for index, path in enumerate(paths):
            digest = key(path)
            loading, ahead = ahead, None  # a page loaded ahead is this one: the page before started it
            if digest and (entry := page_cache.recall(site, digest)):
                if loading:
                    loading["page"].close()
                _merge(found, _rebased(entry["found"], entry["base_url"], base_url, folder))
                for scheme, kinds in entry["seen"].items():
                    seen[scheme][:] = kinds
                continue
            loading = loading or start(path)
            page, mine, traffic = loading["page"], loading["mine"], loading["traffic"]
            page.wait_for_load_state("load")
            if path in weigh:  # before anything else runs on the page
                traffic.settle(page)
                mine["weights"][path] = traffic.weight()
            following = paths[index + 1] if index + 1 < len(paths) else None
            if following is not None and not (kept and page_cache.recall(site, key(following), counted=False)):
                ahead = start(following)
            mine["overflowing"] += [f"{path or '/'}: {line.strip()[:90]}" for line in page.evaluate(OVERFLOWING_CODE)]
            mine["maths"][path] = math_layout(page)
            mine["axe"] += check_page(axe, page, path, "light", True, seen["light"])
            shoot(page, path, "light", mine)
            in_palette(page, "dark")
            mine["axe"] += check_page(axe, page, path, "dark", False, seen["dark"])
            shoot(page, path, "dark", mine)
            if measured:
                finish(measured)
            measured = dict(loading, digest=digest, seen={scheme: list(kinds) for scheme, kinds in seen.items()})
        if measured:
            finish(measured)
    finally:
        for context in shared:
            context.close()
    for mine in on_pages:
        _merge(found, mine)
    return found


CLEAN = ("problems", "third_party", "overflowing", "axe")  # what a page kept in the cache has none of


def _nothing() -> dict:
    """What the pass finds, by kind, before it finds anything."""
    return {"problems": [], "third_party": [], "overflowing": [], "axe": [], "maths": {}, "weights": {}, "shots": {}}


def _merge(found: dict, mine: dict) -> None:
    for kind, value in mine.items():
        if kind in found and isinstance(value, list):
            found[kind] += value
        elif kind in found:
            found[kind].update(value)


def _with_shots(mine: dict) -> dict:
    """What was found on a page, its screenshots' images with it (the cache keeps no path of this run)."""
    shots = {where: dict(shot, png=Path(shot["file"]).read_bytes()) for where, shot in mine["shots"].items()}
    return dict(mine, shots=shots)


def _rebased(found: dict, old_base: str, base_url: str, folder: Path) -> dict:
    """What the cache kept of a page, as this run would have found it: its addresses on this run's server,
    its screenshots written to `folder`."""
    def moved(url: str) -> str:
        return base_url + url[len(old_base):] if url.startswith(old_base) else url

    weights = {path: dict(weight, urls=[moved(url) for url in weight["urls"]],
                          sizes={moved(url): size for url, size in weight["sizes"].items()})
               for path, weight in found["weights"].items()}
    shots = {}
    for (path, scheme), shot in found["shots"].items():
        folder.mkdir(parents=True, exist_ok=True)
        file = folder / Path(shot["file"]).name
        file.write_bytes(shot["png"])
        shots[path, scheme] = {name: value for name, value in shot.items() if name != "png"} | {"file": str(file)}
    return dict(found, weights=weights, shots=shots)
