"""Code coloured once: every language's page shows the same outputs and, comments aside, the same code
blocks, and Pygments, the slowest step of turning a page's Markdown into HTML, would colour each of them
once per language (static-i18n builds the languages in one process, one after the other), and again at
each build. What it gives is kept in memory for the build and on disk for the next ones (build_cache.py:
keyed by the code, the lexer's and formatter's options and both packages' versions)."""

from coursekit.site import build_cache

MAX_BLOCKS = 20_000  # blocks kept in memory; `mkdocs serve` runs for hours, and its edits make new ones


def highlight_once() -> None:
    """Make pymdownx.highlight (Material's code blocks) reuse what Pygments gave for the same code, lexer
    and formatter options: the same HTML, computed once."""
    from importlib import import_module
    from importlib.metadata import version

    from coursekit.upstream import PYMDOWNX_HIGHLIGHT

    module, name = PYMDOWNX_HIGHLIGHT
    highlighter = import_module(module)
    if getattr(getattr(highlighter, name), "once", False):
        return
    pygments_highlight, done = getattr(highlighter, name), {}
    versions = (version("pygments"), version("pymdown-extensions"))

    def highlight(code, lexer, formatter, outfile=None):
        if outfile is not None:
            return pygments_highlight(code, lexer, formatter, outfile)
        key = (code, type(lexer), _frozen(lexer.options), type(formatter), _frozen(formatter.options))
        if key not in done:
            if len(done) >= MAX_BLOCKS:
                done.clear()
            stored = build_cache.load("highlight", repr((key, versions)))
            done[key] = stored.decode() if stored is not None else build_cache.store(
                "highlight", repr((key, versions)), pygments_highlight(code, lexer, formatter).encode()).decode()
        return done[key]

    highlight.once, highlight.memory = True, done
    setattr(highlighter, name, highlight)


def _frozen(options: dict) -> str:
    return repr(sorted(options.items()))
