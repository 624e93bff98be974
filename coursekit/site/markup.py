"""What the site adds to a page's Markdown before MkDocs renders it."""

import re
from pathlib import Path

from coursekit.pages.model import Page, marker
from coursekit.site.html_parts import regions
from coursekit.wording import phrase

H1 = re.compile(r"^# .*$", re.MULTILINE)


def mark_continued_blocks(markdown: str, language: str) -> str:
    """Readers see which blocks need the ones before them; the marker itself stays for the tests."""
    note = phrase(language, "continues")
    return "\n".join(f'{line}\n\n{line[:len(line) - len(line.lstrip())]}<p class="code-continues">{note}</p>\n'
                     if marker(line) == "cont" else line for line in markdown.split("\n"))


def after_title(markdown: str, block: str) -> str:
    """Insert `block` right after the page's H1 (or at the top when there is none)."""
    match = H1.search(markdown)
    at = match.end() if match else 0
    return f"{markdown[:at]}\n\n{block}\n{markdown[at:]}"


def stale_notices(markdown: str, language: str, stale: list[str], english_url) -> str:
    """A warning under each heading whose English section changed since translation.

    `english_url(section_id)` gives the relative URL of that section on the English page.
    """
    lines = markdown.split("\n")
    page = Page(Path("page.md"), markdown)
    title = next((h.line for h in page.headings if h.level == 1), 0)
    for section in sorted(stale, key=lambda s: page.heading_line(s) or title, reverse=True):
        notice = (f'!!! warning "{phrase(language, "stale_title")}"\n'
                  f'    {phrase(language, "stale_text", url=english_url(section))}\n')
        at = page.heading_line(section) or title  # under its heading, or under the title
        lines.insert(at, f"\n{notice}")
    return "\n".join(lines)


ALTERNATE_HEAD_LINK = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def drop_alternate_head_links(html: str) -> str:
    """Material's script fetches `sitemap.xml` beside each `<link rel="alternate">` to switch language in
    context; with static-i18n's per-page alternates those requests fail. The language menu already links
    each page's translations, the sitemap lists them for search engines, and language-switch.js keeps the
    section."""
    head_end = html.find("</head>")
    return ALTERNATE_HEAD_LINK.sub("", html[:head_end]) + html[head_end:]


FIGURE = re.compile(r"(?P<path>assets/figures/(?P<name>[\w-]+))\.svg\b")


def localise_figures(markdown: str, language: str) -> str:
    """Figures drawn in `language` (`activations.fr.svg`) in place of the English ones, where they exist."""
    from coursekit.figures.language import figure_file

    return FIGURE.sub(lambda m: f"{m['path']}.{language}.svg" if figure_file(m["name"], language).exists()
                      else m[0], markdown)


SEARCH_DIALOG = re.compile(r'<div class="md-search" data-md-component="search" role="dialog"(?=>)')
SEARCH_LABEL = re.compile(r'<input[^>]*class="md-search__input"[^>]*aria-label="(?P<label>[^"]+)"')


def name_search_dialog(html: str) -> str:
    """Material's search is a dialog without a name: give it its field's label ("Search", in the page's
    language), as screen readers announce it."""
    label = SEARCH_LABEL.search(html)
    return SEARCH_DIALOG.sub(lambda m: f'{m[0]} aria-label="{label["label"]}"', html) if label else html


CODE_BLOCK = re.compile(r'<div class="(?:[^"]* )?highlight(?: [^"]*)?"(?=>)')
CLOSED_BOX = re.compile(r'<details(?: class="[^"]*")?(?=>)')


def exclude_code_from_search(html: str) -> str:
    """Code blocks and their outputs stay out of the search index (Material's `data-search-exclude`): they
    are half its size, which every first visit downloads, and the prose names the functions they call. So do
    boxes closed until a reader opens them (exercise solutions): a search result would give them away."""
    html = CLOSED_BOX.sub(lambda m: m[0] + " data-search-exclude", html)
    return CODE_BLOCK.sub(lambda m: m[0] + " data-search-exclude", html)


# Pygments' token classes drawn in the code's own colour by the stylesheet of the block they are in, in both
# palettes: their span shows nothing. Checked against the styles themselves in tests/test_browser.py.
PLAIN = {
    # Material's (`.highlight`, chapter pages): `.n` (names) and `.kc` (True, None) take
    # --md-code-hl-name-color, which is --md-code-fg-color in both palettes, and so do punctuation and
    # operators (`.p`, `.o`, `.ow`), which the site's stylesheet draws in the code's colour; `.w` (spaces), `.sa`
    # (the f of an f-string), `.dl`, `.fm` (__init__), `.vm`, `.nx`, `.py` have no rule.
    "highlight": {"n", "kc", "p", "o", "ow", "w", "sa", "dl", "fm", "vm", "nx", "py"},
    # Jupyter's (`.highlight-ipynb`, notebook pages): `.w` takes the code's colour; no name nor variable has
    # a rule (built-ins, functions and modules included). `.kc` is a keyword there, `.sa` a string. As on
    # chapter pages, the site's stylesheet draws punctuation and operators (`.p`, `.pm`, `.o`, `.ow`) as the
    # code's text.
    "highlight-ipynb": {"n", "w", "na", "nb", "nc", "nd", "ne", "nf", "ni", "nl", "nn", "no", "nt", "nv", "nx",
                        "py", "bp", "fm", "vc", "vg", "vi", "vm", "p", "pm", "o", "ow"},
}
PLAIN_IN_ANY = set.intersection(*PLAIN.values())  # code in no block of either kind
# Classes that the block's stylesheet (Material's, Jupyter's) draws alike (one colour, nothing else):
# neighbours of one group, with at most spaces between them, share one span (`"loss {x}"` is three string
# tokens). Checked in the browser with PLAIN.
ALIKE = {"highlight": [{"s", "s1", "s2", "sb", "sc", "si", "ss"}, {"m", "mb", "mf", "mh", "mi", "mo"},
                       {"k", "kd", "kn", "kp", "kr", "kt", "nd", "ni", "nl", "nt"}, {"nc", "ne", "nf", "nn"},
                       {"nb", "no"}],
         "highlight-ipynb": [{"s", "s1", "s2", "sa", "sb", "sc", "sd", "se", "sh", "si", "sr", "ss", "sx", "dl"},
                             {"m", "mb", "mf", "mh", "mi", "mo", "il"}, {"k", "kc", "kd", "kn", "kp", "kr", "kt"}]}
BLOCK = re.compile(r'class="(?:[^"]* )?(highlight(?:-ipynb)?)[ "]')
TOKEN = re.compile(r'<span class="([\w-]+)">([^<]*)</span>')
NEIGHBOURS = re.compile(r'<span class="([\w-]+)">([^<]*)</span>( *)(?=<span class="([\w-]+)">)')
# Pygments opens a block with an empty span, which keeps a first empty line from being dropped by the HTML
# parser; before anything else it is only an element.
OPENING_SPAN = re.compile(r"^<span></span>(?!\r?\n)")
CODE = {"code", "pre"}  # Pygments' tokens are inside one or the other (nbconvert's cells: a `pre` alone)


def lean_code(html: str) -> str:
    """Pygments puts every token of highlighted code in a span: thousands of elements on a chapter page, each
    one styled and laid out on every load. Those the block's stylesheet draws in the code's own colour
    (`PLAIN`) show nothing and become plain text; neighbours drawn alike (`ALIKE`) share one span."""
    out, kind = [], None
    for part, inside in regions(html, CODE):
        if inside:
            plain = PLAIN[kind] if kind else PLAIN_IN_ANY
            part = TOKEN.sub(lambda m: m[2] if m[1] in plain else m[0], OPENING_SPAN.sub("", part))
            part = _merge_alike(part, ALIKE[kind] if kind else [])
        else:  # the start tags before a block's code name its kind (Material's or Jupyter's)
            kinds = BLOCK.findall(part)
            kind = kinds[-1] if kinds else None
        out.append(part)
    return "".join(out)


def _merge_alike(code: str, groups: list[set]) -> str:
    group = {name: i for i, names in enumerate(groups) for name in names}

    def merge(m):  # the next span opens in this one's look: this one stays open
        same = m[1] in group and group[m[1]] == group.get(m[4])
        return f'<span class="{m[1]}">{m[2]}{m[3]}\0' if same else m[0]

    merged = NEIGHBOURS.sub(merge, code)
    # \0 marks a span left open: the next span's opening tag goes, and its text joins this one.
    return re.sub(r'\0<span class="[\w-]+">', "", merged)


NAV_TITLE = re.compile(r'(<(?:a|label) [^>]*class="md-nav__link[^"]*"[^>]*>\s*)'
                       r'<span class="md-ellipsis">\s*(.*?)\s*</span>', re.DOTALL)


def lean_navigation(html: str) -> str:
    """Each entry of Material's navigation and table of contents wraps its title in a span of its own: three
    elements an entry, on every page, for each page of the site and each section of the page. The title
    wraps the same without it (the link lays its text out), so it goes: every chapter then adds 4 elements
    to each page, not 6."""
    return NAV_TITLE.sub(r"\1\2", html)


REPOSITORY_WIDGET = re.compile(r'(<a [^>]*class="md-source")\s+data-md-component="source"')


def keep_repository_link_static(html: str) -> str:
    """With `repo_url` set, Material's header widget asks the repository host's API for stars and forks on
    every page load: a request to another host. Without its component name the link stays, the request goes."""
    return REPOSITORY_WIDGET.sub(r"\1", html)
