"""Code coloured once per build: every language's page shows the same outputs and, comments aside, the same
code blocks, and Pygments, the slowest step of turning a page's Markdown into HTML, would colour each of them
once per language (static-i18n builds the languages in one process, one after the other)."""

MAX_BLOCKS = 20_000  # blocks kept; `mkdocs serve` runs for hours, and its edits make new ones


def highlight_once() -> None:
    """Make pymdownx.highlight (Material's code blocks) reuse what Pygments gave for the same code, lexer
    and formatter options: the same HTML, computed once."""
    from importlib import import_module

    from coursekit.upstream import PYMDOWNX_HIGHLIGHT

    module, name = PYMDOWNX_HIGHLIGHT
    highlighter = import_module(module)
    if getattr(getattr(highlighter, name), "once", False):
        return
    pygments_highlight, done = getattr(highlighter, name), {}

    def highlight(code, lexer, formatter, outfile=None):
        if outfile is not None:
            return pygments_highlight(code, lexer, formatter, outfile)
        key = (code, type(lexer), _frozen(lexer.options), type(formatter), _frozen(formatter.options))
        if key not in done:
            if len(done) >= MAX_BLOCKS:
                done.clear()
            done[key] = pygments_highlight(code, lexer, formatter)
        return done[key]

    highlight.once = True
    setattr(highlighter, name, highlight)


def _frozen(options: dict) -> str:
    return repr(sorted(options.items()))
