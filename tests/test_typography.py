"""French spacing is applied when the site is built: writers type ordinary spaces, readers get no line break
before a colon or inside a number; code, formulas, links and attributes are left alone."""

import re

import pytest

from coursekit.project import languages
from coursekit.site.typography import APOSTROPHE, COPIED, NBSP, NNBSP, apply

FR_CASES = [
    ("Pourquoi normaliser ?", f"Pourquoi normaliser{NNBSP}?"),
    ("Attention !", f"Attention{NNBSP}!"),
    ("le gradient ; puis le pas", f"le gradient{NNBSP}; puis le pas"),
    ("Remarque : le biais", f"Remarque{NBSP}: le biais"),
    ("« descente de gradient »", f"«{NNBSP}descente de gradient{NNBSP}»"),
    ("«mini-lot»", f"«{NNBSP}mini-lot{NNBSP}»"),
    ("10,7 % au-dessus", f"10,7{NBSP}% au-dessus"),
    ("en 20 ms", f"en 20{NBSP}ms"),
    ("après 10 000 pas", f"après 10{NNBSP}000 pas"),
    ("1 234 567 exemples", f"1{NNBSP}234{NNBSP}567 exemples"),
    ("l'image d'entrée", f"l{APOSTROPHE}image d{APOSTROPHE}entrée"),
    ("aujourd'hui, qu'on", f"aujourd{APOSTROPHE}hui, qu{APOSTROPHE}on"),
    ("L'Écho", f"L{APOSTROPHE}Écho"),
]


@pytest.mark.parametrize("typed, shown", FR_CASES, ids=[typed for typed, _ in FR_CASES])
def test_french_spacing_in_prose(typed, shown):
    assert apply(f"<p>{typed}</p>", "fr") == f"<p>{shown}</p>"


@pytest.mark.parametrize("html", [
    "<p><code>x = a if b else c ; print(y ?)</code></p>",
    "<pre><code>d = {'a' : 1}  # 10 000\n</code></pre>",
    '<p><math display="inline"><mi>a</mi><mo>:</mo><mn>10 000</mn></math></p>',
    '<p><a href="https://example.org/a?b=1&amp;c=2 ;">lien</a></p>',
    '<p title="Note : un titre ?">x</p>',
    '<p><img alt="x > y : z" src="a.svg"></p>',
    "<script>if (a ? b : c) { x = 10 000 }</script>",
    "<p>taille 32 ou 64, graine 0</p>",
    """<p><code>titre = "l'image"</code></p>""",
    """<pre><code>print('d'après')  # l'entrée\n</code></pre>""",
    "<p><math><mi>f'x</mi></math></p>",
    """<p><a href="https://example.org/l'image">lien</a></p>""",
    """<p><img alt="l'image" src="a.svg"></p>""",
    """<p>les guillemets 'simples' et 2'30</p>""",
], ids=["inline-code", "code-block", "formula", "url", "attribute", "attribute-with->", "script",
         "not-thousands", "apostrophe-inline-code", "apostrophe-code-block", "apostrophe-formula",
         "apostrophe-url", "apostrophe-attribute", "apostrophe-not-between-letters"])
def test_french_spacing_leaves_code_math_urls_and_attributes(html):
    assert apply(html, "fr") == html


def test_text_after_a_tag_whose_attribute_holds_a_bracket_is_spaced():
    assert apply('<p><img alt="x > y"> donc : oui</p>', "fr") == f'<p><img alt="x > y"> donc{NBSP}: oui</p>'


def test_text_after_code_is_spaced_again():
    assert apply("<p><code>a ?</code> puis b ?</p>", "fr") == f"<p><code>a ?</code> puis b{NNBSP}?</p>"


def test_other_languages_keep_their_own_conventions():
    for language in languages():
        if language != "fr":
            assert apply("<p>Why ? 10 000 : yes</p>", language) == "<p>Why ? 10 000 : yes</p>"


def test_built_french_pages_have_no_breakable_space_before_high_punctuation(site):
    pages = sorted((site / "fr").rglob("index.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        main = re.search(r'<article class="md-content__inner[^"]*">(.*)</article>', html, re.DOTALL)
        prose = COPIED.sub("", main[1] if main else "")  # what a notebook cell copies is code
        text = re.sub(r"<(code|pre|math|script|style|svg)\b.*?</\1>|<[^>]+>", "", prose, flags=re.DOTALL)
        loose = [text[max(0, m.start() - 30):m.end()] for m in re.finditer(r" [:;!?»]|« ", text)]
        assert not loose, f"{page.relative_to(site)}: breakable spaces in {loose[:5]}"
