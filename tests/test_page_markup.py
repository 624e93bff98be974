"""What the site adds to pages: notes on continued blocks, stale-translation notices, marker handling."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from coursekit.budgets import BUDGET
from coursekit.pages.codeblocks import collect
from coursekit.pages.model import Page
from coursekit.project import chapters, languages
from coursekit.site.markup import drop_alternate_head_links, mark_continued_blocks, stale_notices

FENCE = "```"


@pytest.mark.machinery
def test_continued_blocks_say_so_in_the_page_language():
    page = f"<!--pytest-codeblocks:cont-->\n{FENCE}python\nx = 1\n{FENCE}\n"
    shown = mark_continued_blocks(page, "fr")
    assert '<p class="code-continues">Suite du code précédent.</p>' in shown
    assert shown.startswith("<!--pytest-codeblocks:cont-->")  # the tests still see the marker


@pytest.mark.machinery
def test_every_block_that_runs_after_the_one_before_says_so():
    """However its marker is spaced, a block the tests run as a continuation is shown as one."""
    page = (f"{FENCE}python\nx = 1\n{FENCE}\n\n<!--pytest-codeblocks: cont-->\n{FENCE}python\nx += 1\n{FENCE}\n\n"
            f"!!! note\n    <!-- pytest-codeblocks:cont -->\n    {FENCE}python\n    print(x)\n    {FENCE}\n")
    continued = [block for block in collect(Path("page.md"), Page("page.md", page).body_lines) if block.continues]
    shown = mark_continued_blocks(page, "en")
    assert len(continued) == 2 and shown.count('class="code-continues"') == 2
    assert '\n    <p class="code-continues">' in shown  # indented as the block, in the admonition


@pytest.mark.machinery
def test_stale_section_gets_a_notice_linking_to_the_english_section():
    page = "# Titre { #title }\n\n## Descente { #gradient-descent }\n\nTexte.\n\n## Autre { #other }\n"
    shown = stale_notices(page, "fr", ["gradient-descent"], lambda section: f"../../chapters/x/#{section}")
    heading, notice = shown.split("## Descente { #gradient-descent }")[1], "!!! warning"
    assert heading.lstrip().startswith(notice) and "(../../chapters/x/#gradient-descent)" in heading
    assert shown.count(notice) == 1


@pytest.mark.machinery
def test_pytest_markers_are_read_for_each_block(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(f"<!--pytest-codeblocks:importorskip(no_such_module)-->\n{FENCE}python\nimport no_such_module\n"
                    f"{FENCE}\n\n<!--pytest.mark.skip-->\n{FENCE}python\nraise SystemExit\n{FENCE}\n", encoding="utf-8")
    first, second = collect(page)
    assert first.block.importorskip == "no_such_module" and second.block.marks == ["pytest.mark.skip"]


@pytest.mark.machinery
def test_alternate_links_leave_the_head_only():
    html = '<head><link rel="alternate" href="/fr/" hreflang="fr"></head><body><a href="/fr/" hreflang="fr">FR</a></body>'
    assert drop_alternate_head_links(html) == '<head></head><body><a href="/fr/" hreflang="fr">FR</a></body>'


def test_pages_show_the_figures_drawn_in_their_language():
    from coursekit.site.markup import localise_figures

    markdown = "![a](../../assets/figures/activations.svg){ width=700 } ![b](../../assets/figures/none.svg)"
    assert localise_figures(markdown, "fr") == ("![a](../../assets/figures/activations.fr.svg){ width=700 } "
                                                "![b](../../assets/figures/none.svg)")


def test_every_page_names_its_search_dialog_in_its_language(site):
    labels = {}
    for page in sorted(site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        dialog = re.search(r'<div class="md-search"[^>]*role="dialog"[^>]*>', html)
        assert dialog and 'aria-label="' in dialog[0], f"{page.relative_to(site)}: search dialog without a name"
        labels[page.relative_to(site).parts[0] if page.parent != site else "en"] = dialog[0]
    assert len(set(labels.values())) > 1, "the dialog's name is not translated"


@pytest.mark.machinery
def test_code_blocks_and_outputs_are_left_out_of_search():
    from coursekit.site.markup import exclude_code_from_search

    html = ('<p>See <code>x</code></p><div class="language-python highlight"><pre>x = 1</pre></div>'
            '<div class="language-text highlight"><span class="filename">Output</span><pre>1</pre></div>'
            '<div class="highlighter">not code</div>'
            '<details class="success"><summary>Solution</summary><p>42</p></details>'
            '<details class="note" open="open"><summary>Open</summary><p>shown</p></details>')
    marked = exclude_code_from_search(html)
    assert marked.count("data-search-exclude") == 3
    assert '<div class="language-python highlight" data-search-exclude>' in marked
    assert '<div class="highlighter">' in marked
    assert '<details class="success" data-search-exclude>' in marked, "a closed solution stays out"
    assert '<details class="note" open="open">' in marked, "a box open on the page stays searchable"


@pytest.mark.machinery
def test_the_repository_link_stays_and_its_request_to_the_host_goes():
    from coursekit.site.markup import keep_repository_link_static

    header = ('<a href="https://github.com/someone/course" title="Go to repository" class="md-source" '
              'data-md-component="source"><div class="md-source__repository">course</div></a>')
    static = keep_repository_link_static(header)
    assert 'class="md-source"' in static and 'href="https://github.com/someone/course"' in static
    assert "data-md-component" not in static


@pytest.mark.machinery
def test_navigation_titles_keep_their_text_without_a_span_each():
    from coursekit.site.markup import lean_navigation

    entry = ('<li class="md-nav__item"><a href="#chain-rule" class="md-nav__link">\n    '
             '<span class="md-ellipsis">\n      The <code>nn.Module</code> rule\n    </span>\n  </a></li>'
             '<label class="md-nav__link md-nav__link--active" for="__toc">\n <span class="md-ellipsis">\n'
             '  Chapter\n </span>\n <span class="md-nav__icon md-icon"></span></label>')
    footer = '<div class="md-footer__title"><div class="md-ellipsis">Next chapter</div></div>'
    lean = lean_navigation(entry + footer)
    assert lean == ('<li class="md-nav__item"><a href="#chain-rule" class="md-nav__link">\n    '
                    'The <code>nn.Module</code> rule\n  </a></li>'
                    '<label class="md-nav__link md-nav__link--active" for="__toc">\n Chapter\n '
                    '<span class="md-nav__icon md-icon"></span></label>' + footer)


@pytest.mark.machinery
def test_highlighted_code_keeps_its_text_and_colours_with_fewer_elements():
    """Tokens drawn in the code's own colour (names, `True`, the f of an f-string, punctuation, operators) lose
    their span; neighbours drawn alike share one (the parts of an f-string); the text is the same."""
    from html import unescape

    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    from coursekit.site.markup import PLAIN, lean_code

    code = 'for x in range(3):\n    print(f"{x:>4}", x ** 2, True)  # a < b\n'
    html = highlight(code, PythonLexer(), HtmlFormatter())
    lean = lean_code(html)
    text = lambda markup: unescape(re.sub(r"<[^>]+>", "", markup))  # noqa: E731
    assert text(lean) == text(html) and text(lean).strip() == code.strip()
    classes = lambda markup: re.findall(r'<span class="([^"]+)">', markup)  # noqa: E731
    plain = [token for token in classes(html) if token in PLAIN["highlight"]]
    assert {"n", "kc", "sa"} <= set(plain) and not set(classes(lean)) & PLAIN["highlight"]
    assert {"p", "o"} <= set(plain) and classes(lean) == ["k", "nb", "mi", "nb", "s2", "si", "mi", "c1"]
    assert '<span class="s2">"{</span>x<span class="si">:&gt;4}"</span>' in lean  # one string, parts
    assert "<span></span>" in html and "<span></span>" not in lean


@pytest.mark.machinery
def test_a_token_keeps_its_span_where_its_block_s_stylesheet_colours_it():
    """`True` is drawn as a name in Material's blocks and as a keyword in a notebook's; a built-in, coloured
    by Material, is a plain name in a notebook. Punctuation and operators are drawn as the code's text in both."""
    from coursekit.site.markup import lean_code

    tokens = ('<span class="kc">True</span><span class="p">(</span><span class="nb">len</span>'
              '<span class="o">+</span><span class="n">x</span>')
    material = f'<div class="language-python highlight"><pre><span></span><code>{tokens}</code></pre></div>'
    notebook = f'<div class="highlight-ipynb hl-python "><pre><span></span>{tokens}</pre></div>'
    assert lean_code(material + notebook) == (
        '<div class="language-python highlight"><pre><code>True(<span class="nb">len</span>+x</code></pre></div>'
        '<div class="highlight-ipynb hl-python "><pre><span class="kc">True</span>(len+x</pre></div>')


@pytest.mark.machinery
def test_only_highlighted_code_loses_its_plain_spans():
    """A span a page writes itself, outside code, is the page's: it stays, its class included; code in no
    block loses only the spans plain in every kind of block; a first empty line keeps the span that holds it."""
    from coursekit.site.markup import lean_code

    page = ('<p><span class="n">note</span></p><script>let s = "<code>";</script>'
            '<pre><code><span class="n">x</span><span class="w"> </span><span class="o">=</span><span class="w"> </span>'
            '<span class="kc">None</span></code></pre>'
            '<p title="<code>"><span class="w">kept</span></p><pre><span></span>\n<span class="n">y</span></pre>')
    assert lean_code(page) == ('<p><span class="n">note</span></p><script>let s = "<code>";</script>'
                               '<pre><code>x = <span class="kc">None</span></code></pre>'
                               '<p title="<code>"><span class="w">kept</span></p><pre><span></span>\ny</pre>')


def test_pages_and_notebook_pages_carry_no_span_for_plain_code(site):
    pages = sorted(site.glob("**/chapters/*/index.html")) + sorted(site.glob("**/notebooks/*/index.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "highlight" in html and not re.search(r'<span class="[nw]">', html), page.relative_to(site)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        self.count += 1


def elements(html: str) -> int:
    counter = _Elements()
    counter.feed(html)
    return counter.count


def test_every_chapter_page_keeps_to_its_element_budget(site):
    """Each element of a page is styled and laid out at every load, and again when Material restyles the page
    as it starts: a chapter page, in every language, holds at most the budget's elements."""
    pages = sorted(site.glob("**/chapters/*/index.html"))
    counts = {page.relative_to(site).as_posix(): elements(page.read_text(encoding="utf-8")) for page in pages}
    budget = BUDGET["elements per chapter page"]
    over = [f"{page}: {count} elements" for page, count in counts.items() if count > budget]
    # Material's header, navigation and footer alone are a few hundred: a page read empty is not counted.
    assert len(counts) == len(chapters()) * len(languages()) and min(counts.values()) > 100
    assert not over, f"budget {budget} elements:\n" + "\n".join(over)


@pytest.mark.machinery
def test_elements_are_counted_as_a_browser_makes_them():
    assert elements('<p>a<br>b<img src="x"/><math><mrow><mi>x</mi></mrow></math></p><!-- <p> -->') == 6


@pytest.mark.machinery
@pytest.mark.parametrize(("tex", "lean"), [
    (r"\frac{a+b}{c}", "<mfrac><mrow><mi>a</mi><mo>&#x0002B;</mo><mi>b</mi></mrow><mi>c</mi></mfrac>"),
    (r"x_{ij}^{2}", "<msubsup><mi>x</mi><mrow><mi>i</mi><mi>j</mi></mrow><mn>2</mn></msubsup>"),
    (r"\sqrt{x+1}", "<msqrt><mi>x</mi><mo>&#x0002B;</mo><mn>1</mn></msqrt>"),
    (r"\left( a \right) b", '<mrow><mo stretchy="true" fence="true" form="prefix">&#x00028;</mo><mi>a</mi>'
                             '<mo stretchy="true" fence="true" form="postfix">&#x00029;</mo></mrow><mi>b</mi>'),
    (r"{}_{i}", "<msub><mrow /><mi>i</mi></msub>"),
])
def test_formulas_lose_the_rows_that_group_nothing(tex, lean):
    """An mrow around one element, or the only child of a row (the formula, a square root), goes; one that
    groups several elements as one argument or within a row stays, and so does an empty argument."""
    from latex2mathml.converter import convert

    from coursekit.site.mathml import to_mathml

    mathml, written = to_mathml(tex, display=False), convert(tex)
    assert mathml == f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">{lean}</math>'
    others = lambda mathml: re.findall(r"<[^>]*>|[^<]+", re.sub(r"</?mrow>", "", mathml))  # noqa: E731
    assert others(mathml) == others(written) and written.count("<mrow") > mathml.count("<mrow")


@pytest.mark.machinery
def test_formulas_whose_tags_do_not_nest_are_left_as_they_are():
    from coursekit.site.mathml import without_lone_rows

    for mathml in ("<math><mrow><mi>x</mi></math>", "<math><mrow><mi>x</mi></mrow></mrow></math>"):
        assert without_lone_rows(mathml) == mathml


def sections(html: str) -> list[tuple]:
    """What Material's search makes of a page's HTML: each section's id, title and text."""
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(section.id, "".join(section.title), "".join(section.text)) for section in parser.data]


@pytest.mark.machinery
def test_code_set_aside_while_search_indexes_the_page_changes_neither_index_nor_page():
    from coursekit.site.markup import exclude_code_from_search
    from coursekit.site.search import put_back, set_aside_excluded_code

    block = ('<div class="language-python highlight"><span class="filename">fit.py</span><pre><span></span>'
             '<code><span class="k">for</span> epoch <span class="ow">in</span> range(3):\n    fit()\n</code></pre></div>')
    output = '<div class="language-text highlight"><span class="filename">Output</span><pre><code>loss 0.25\n</code></pre></div>'
    page = exclude_code_from_search(
        f'<h1 id="a">Fitting</h1><p>An <code>epoch</code> is a pass.</p>{block}\n{output}'
        f'<h2 id="b">More</h2><p>Then <em>again</em>:</p>{block}<ul><li>one</li></ul>')
    page += '<div class="language-python highlight"><pre><code>kept in search</code></pre></div>'  # not left out
    aside = set_aside_excluded_code(page, "en/page.md")
    assert "epoch</span> <span" not in aside and "loss 0.25" not in aside and "kept in search" in aside
    assert sections(aside) == sections(page)
    rendered = f"<html><body>{aside}</body></html>"
    assert put_back(rendered, "en/page.md") == f"<html><body>{page}</body></html>"


@pytest.mark.machinery
def test_the_same_code_is_coloured_once_and_other_options_get_their_own(monkeypatch, tmp_path):
    """static-i18n renders each language's copy of a block: Pygments colours it for the first only, and a
    block whose options differ (another title) is coloured for itself. The next build reads it from disk,
    unless the cache is off."""
    import markdown
    import pymdownx.highlight as highlighter
    from pygments import highlight as pygments_highlight  # not a wrapper an earlier build left on the module

    from coursekit.site import build_cache
    from coursekit.site.highlight import highlight_once

    monkeypatch.setattr(build_cache, "FOLDER", tmp_path)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("COURSE_NO_CACHE", raising=False)

    calls = []

    def counted(code, lexer, formatter, outfile=None):
        calls.append(code)
        return pygments_highlight(code, lexer, formatter)

    def render(text):
        return markdown.markdown(text, extensions=["pymdownx.highlight", "pymdownx.superfences"])

    page = f'{FENCE}python title="fit.py"\nfor epoch in range(3):\n    fit()\n{FENCE}\n'
    monkeypatch.setattr(highlighter, "highlight", counted)
    plain = render(page)
    highlight_once()
    calls.clear()
    assert render(page) == plain and render(page) == plain and len(calls) == 1
    titled = render(page.replace("fit.py", "train.py"))
    assert len(calls) == 2 and "train.py" in titled and titled.replace("train.py", "fit.py") == plain
    highlighter.highlight.memory.clear()  # as in the next build's process
    assert render(page) == plain and len(calls) == 2, "coloured again, not read from disk"
    highlighter.highlight.memory.clear()
    monkeypatch.setenv("CI", "true")
    assert render(page) == plain and len(calls) == 3, "read from disk under CI"
