"""The translation checker: the real pages follow the English ones, and the checker catches what it must.

Each checker test builds a tiny site under tmp_path (docs/en, docs/fr, docs/zh and a glossary), marks it in
step, changes one thing, and checks the problem names the translated file and the right line.
"""

from pathlib import Path

import pytest

from coursekit.checks import translations
from coursekit.checks.translations import check, glossary_markdown, load_glossary, mark, stale_sections
from coursekit.project import DOCS, ROOT, languages, pages

ENGLISH = '''\
---
description: A tiny page.
---

# Tiny page

This page sets the learning rate.

## Gradient descent { #gradient-descent }

The update is

$$
w \\leftarrow w - \\eta g
$$

with a step $\\eta$. See [the start](../index.md#start) and [PyTorch](https://pytorch.org).

![A falling curve](../assets/curve.svg){ width="500" }

!!! note "Careful"
    Gradient descent needs a small step.

```python title="tiny.py"
--8<-- "tiny/tiny.py:data"
```

<!--pytest-codeblocks:expected-output-->
```text title="Output"
--8<-- "tiny/outputs/tiny.data.txt"
```

## Layers { #layers }

A layer, then `$not a formula$` and code:

<!--pytest-codeblocks:cont-->
```python title="tiny.py"
--8<-- "tiny/tiny.py:layers"
```
'''

FRENCH = '''\
---
description: Une toute petite page.
---

# Toute petite page

Cette page fixe le Taux d’apprentissage.

## Descente de gradient { #gradient-descent }

La mise à jour est

$$
w \\leftarrow w - \\eta g
$$

avec un pas $\\eta$. Voir [le début](../index.md#start) et [PyTorch](https://pytorch.org/fr).

![Une courbe qui descend](../assets/curve.svg){ width="500" }

!!! note "Attention"
    La descente de gradient demande un petit pas.

```python title="tiny.py"
--8<-- "tiny/tiny.py:data"
```

<!--pytest-codeblocks:expected-output-->
```text title="Sortie"
--8<-- "tiny/outputs/tiny.data.txt"
```

## Couches { #layers }

Une couche, puis du code :

<!--pytest-codeblocks:cont-->
```python title="tiny.py"
--8<-- "tiny/tiny.py:layers"
```
'''

CHINESE = '''\
# 小页面

本页设定学习率。

## 梯度下降 { #gradient-descent }

更新规则是

$$
w \\leftarrow w - \\eta g
$$

步长为 $\\eta$。参见[开头](../index.md#start)。

![一条下降的曲线](../assets/curve.svg){ width="500" }

!!! note "注意"
    梯度下降需要小的步长。

```python title="tiny.py"
--8<-- "tiny/tiny.py:data"
```

<!--pytest-codeblocks:expected-output-->
```text title="输出"
--8<-- "tiny/outputs/tiny.data.txt"
```

## 层 { #layers }

一个层，然后是代码：

<!--pytest-codeblocks:cont-->
```python title="tiny.py"
--8<-- "tiny/tiny.py:layers"
```
'''

GLOSSARY = """\
- en: learning rate
  fr: taux d'apprentissage
  zh: 学习率
  pinyin: xue xi lv
  avoid: {fr: [vitesse d'apprentissage]}
- en: gradient descent
  fr: descente de gradient
  zh: 梯度下降
  pinyin: ti du xia jiang
  avoid: {fr: [gradient descendant], zh: [梯度下降法]}
- en: layer
  fr: couche
  zh: 层
  pinyin: ceng
"""

PAGE = Path("chapters/tiny.md")


@pytest.fixture
def docs(tmp_path) -> Path:
    """A tiny site whose translations are in step."""
    docs = tmp_path / "docs"
    for language, text in {"en": ENGLISH, "fr": FRENCH, "zh": CHINESE}.items():
        (docs / language / PAGE).parent.mkdir(parents=True)
        (docs / language / PAGE).write_text(text, encoding="utf-8")
    (docs / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    for language in ("fr", "zh"):
        mark(docs / language / PAGE, docs_dir=docs)
    return docs


def edit(docs: Path, language: str, old: str, new: str) -> str:
    """Replace `old` by `new` in the page of `language`; return the new text."""
    path = docs / language / PAGE
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path.read_text(encoding="utf-8")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The line of the `occurrence`-th line that holds `needle`."""
    numbers = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return numbers[occurrence - 1]


def problems(docs: Path) -> list[str]:
    return [str(problem) for problem in check(docs)]


def english_line(needle: str, occurrence: int = 1) -> int:
    return line_of(ENGLISH, needle, occurrence)


@pytest.mark.parametrize("page", [(ROOT / page).relative_to(DOCS / languages()[0]).as_posix()
                                  for page in pages(languages()[0])])  # a chapter run takes its own
def test_the_translations_of_each_page_are_in_step(page):
    found = check(pages=[page])
    assert not found, "\n".join(map(str, found))


def test_the_tiny_site_is_in_step(docs):
    assert problems(docs) == []


def test_a_missing_page(docs):
    (docs / "fr" / PAGE).unlink()
    assert problems(docs) == [
        "docs/fr/chapters/tiny.md:1: missing page, the translation of docs/en/chapters/tiny.md"]


def test_code_changed_in_one_language(docs):
    text = edit(docs, "zh", '"tiny/tiny.py:layers"', '"tiny/tiny.py:layer"')
    found = problems(docs)
    where = f"docs/zh/chapters/tiny.md:{line_of(text, '```python', 2)}"
    assert f"{where}: code block differs from docs/en/chapters/tiny.md:{english_line('```python', 2)}" in found
    assert not [p for p in found if "docs/fr/" in p]


def test_an_output_title_is_prose_but_a_code_title_is_not(docs):
    text = edit(docs, "fr", 'title="Sortie"', 'title="Résultat"')
    assert problems(docs) == [f"docs/fr/chapters/tiny.md:{line_of(text, 'Résultat')}: this output block has "
                              f"'Résultat': outputs on 'fr' pages are titled \"Sortie\""]
    edit(docs, "fr", 'title="Résultat"', 'title="Sortie"')
    text = edit(docs, "fr", 'title="tiny.py"', 'title="petit.py"')
    assert problems(docs) == [f"docs/fr/chapters/tiny.md:{line_of(text, 'petit.py')}: code block differs from "
                              f"docs/en/chapters/tiny.md:{english_line('tiny.py')}"]


@pytest.mark.parametrize("language, title", [("en", "Sortie"), ("zh", "Output"), ("fr", None)])
def test_an_output_titled_in_another_language_or_untitled(docs, language, title):
    word = {"en": "Output", "fr": "Sortie", "zh": "输出"}[language]
    new = f'```text title="{title}"' if title else "```text"
    path = docs / language / PAGE
    path.write_text(path.read_text(encoding="utf-8").replace(f'```text title="{word}"', new, 1), encoding="utf-8")
    found = [p for p in problems(docs) if "stale" not in p]  # an English edit leaves its translations behind
    assert found == [f"docs/{language}/chapters/tiny.md:{line_of(path.read_text(encoding='utf-8'), new)}: this "
                     f"output block has {repr(title) if title else 'no title'}: outputs on '{language}' pages "
                     f"are titled \"{word}\""]


# One structural difference each: (language, old text, new text, kind, translated value, line to find it by,
# English value, English line to find it by). The problem must name both files and lines.
DIFFERENCES = [
    ("fr", "{ #layers }", "{ #couches }", "heading anchor", "## { #couches }", "#couches", "## { #layers }", "#layers"),
    ("fr", "w - \\eta g", "w - \\eta \\nabla g", "formula", "$$w \\leftarrow w - \\eta \\nabla g$$", "$$",
     "$$w \\leftarrow w - \\eta g$$", "$$"),
    ("zh", "$\\eta$", "$\\eta_0$", "formula", "$\\eta_0$", "eta_0", "$\\eta$", "with a step"),
    ("zh", '!!! note "注意"', '!!! warning "注意"', "admonition", "!!! warning", "!!!", "!!! note", "!!!"),
    ("fr", "(../assets/curve.svg)", "(../assets/courbe.svg)", "image", "../assets/courbe.svg", "courbe.svg",
     "../assets/curve.svg", "curve.svg"),
    ("zh", "(../index.md#start)", "(../index.md)", "link", "../index.md", "](../index.md)", "../index.md#start",
     "#start"),
]


@pytest.mark.parametrize("language, old, new, kind, value, find, english_value, english_find", DIFFERENCES,
                         ids=[f"{d[0]}-{d[3]}-{i}" for i, d in enumerate(DIFFERENCES)])
def test_one_structural_difference(docs, language, old, new, kind, value, find, english_value, english_find):
    text = edit(docs, language, old, new)
    assert problems(docs) == [
        f"docs/{language}/chapters/tiny.md:{line_of(text, find)}: {kind} ('{value}') differs from "
        f"docs/en/chapters/tiny.md:{english_line(english_find)} ('{english_value}')"]


def test_a_heading_without_the_english_id(docs):
    text = edit(docs, "zh", "## 层 { #layers }", "## 层")
    line = line_of(text, "## 层")
    assert f"docs/zh/chapters/tiny.md:{line}: heading anchor ('## without an id') differs from " \
           f"docs/en/chapters/tiny.md:{english_line('#layers')} ('## {{ #layers }}')" in problems(docs)


def test_a_changed_include(docs):
    text = edit(docs, "fr", "tiny/outputs/tiny.data.txt", "tiny/outputs/tiny.other.txt")
    line = line_of(text, "tiny.other.txt")
    assert f"docs/fr/chapters/tiny.md:{line}: include ('--8<-- \"tiny/outputs/tiny.other.txt\"') differs from " \
           f"docs/en/chapters/tiny.md:{english_line('tiny.data.txt')} ('--8<-- \"tiny/outputs/tiny.data.txt\"')" \
           in problems(docs)


def test_a_missing_marker(docs):
    text = edit(docs, "zh", "<!--pytest-codeblocks:expected-output-->\n", "")
    found = problems(docs)
    # The marker is missing before the next one; and without it, the next fence is code, not an output.
    assert f"docs/zh/chapters/tiny.md:{line_of(text, 'pytest-codeblocks:cont')}: test marker missing before this " \
           f"line: docs/en/chapters/tiny.md:{english_line('expected-output')} has one " \
           f"('<!--pytest-codeblocks:expected-output-->')" in found


def test_prose_alt_texts_external_links_and_inline_code_are_free(docs):
    edit(docs, "fr", "[le début]", "[au début]")
    edit(docs, "fr", "![Une courbe qui descend]", "![Une courbe]")
    edit(docs, "fr", "Une couche, puis", "Une couche, `$x$` et `[a](b)`, puis")
    assert problems(docs) == []


def test_a_stale_section_and_mark(docs):
    edit(docs, "en", "Gradient descent needs a small step.", "Gradient descent needs a small enough step.")
    french = (docs / "fr" / PAGE).read_text(encoding="utf-8")
    fix = "(python -m coursekit translations mark docs/fr/chapters/tiny.md gradient-descent)"
    expected = (f"docs/fr/chapters/tiny.md:{line_of(french, '#gradient-descent')}: section 'gradient-descent' is "
                f"stale: the English text changed since it was translated {fix}")
    assert expected in problems(docs)
    assert stale_sections(docs / "fr" / PAGE, docs_dir=docs) == ["gradient-descent"]

    assert mark(docs / "fr" / PAGE, ["gradient-descent"], docs_dir=docs) == ["gradient-descent"]
    marked = (docs / "fr" / PAGE).read_text(encoding="utf-8")
    assert marked.split("\n---\n", 1)[1] == french.split("\n---\n", 1)[1]  # the body, untouched
    assert marked.startswith("---\ndescription: Une toute petite page.\ntranslation_of:\n")
    assert stale_sections(docs / "fr" / PAGE, docs_dir=docs) == []
    chinese = (docs / "zh" / PAGE).read_text(encoding="utf-8")
    assert [p for p in problems(docs) if "stale" in p] == [
        expected.replace("docs/fr/", "docs/zh/").replace(f":{line_of(french, '#gradient-descent')}:",
                                                         f":{line_of(chinese, '#gradient-descent')}:")]


def test_mark_adds_a_front_matter_and_keeps_the_body(docs):
    assert CHINESE.startswith("# ")  # written without front matter, then marked by the fixture
    marked = (docs / "zh" / PAGE).read_text(encoding="utf-8")
    assert marked.startswith("---\ntranslation_of:\n  _intro: ")
    assert marked.endswith("\n---\n" + CHINESE)


def test_a_page_never_marked(docs):
    (docs / "zh" / PAGE).write_text(CHINESE, encoding="utf-8")
    assert problems(docs) == [
        "docs/zh/chapters/tiny.md:1: no translation_of in the front matter: once the page follows "
        "docs/en/chapters/tiny.md, record it (python -m coursekit translations mark docs/zh/chapters/tiny.md)"]
    assert stale_sections(docs / "zh" / PAGE, docs_dir=docs) == []


def test_stale_sections_never_raises(docs, tmp_path):
    assert stale_sections(docs / "en" / PAGE, docs_dir=docs) == []
    assert stale_sections(tmp_path / "nowhere.md", docs_dir=docs) == []


def test_an_avoided_variant(docs):
    text = edit(docs, "fr", "Taux d’apprentissage", "vitesse d'apprentissage")
    line = line_of(text, "vitesse")
    assert f"docs/fr/chapters/tiny.md:{line}: glossary: section '_intro' says 'vitesse d'apprentissage': " \
           f"the glossary says 'taux d'apprentissage'" in problems(docs)


def test_a_missing_glossary_term(docs):
    text = edit(docs, "fr", "le Taux d’apprentissage", "le pas")
    assert problems(docs) == [f"docs/fr/chapters/tiny.md:{line_of(text, '# Toute petite page')}: glossary: "
                              f"section '_intro' uses 'learning rate' but not 'taux d'apprentissage'"]


def test_a_phrase_the_glossary_excepts_is_not_its_term(docs):
    edit(docs, "en", "This page sets the learning rate.", "This page sets the learning rate, a step rate.")
    for language in ("fr", "zh"):
        mark(docs / language / PAGE, docs_dir=docs)
    glossary = docs / "glossary.yml"
    glossary.write_text(GLOSSARY + "- en: rate\n  fr: débit\n  zh: 速率\n  pinyin: su lv\n", encoding="utf-8")
    flagged = [p for p in problems(docs) if "'rate'" in p]
    assert len(flagged) == 2 and "uses 'rate' but not 'débit'" in flagged[0]
    # "learning rate" and "step rate" say "rate", but neither is the glossary's "rate"
    glossary.write_text(GLOSSARY + "- en: rate\n  fr: débit\n  zh: 速率\n  pinyin: su lv\n  except: [learning rate, step rate]\n",
                        encoding="utf-8")
    assert problems(docs) == []



def test_a_quoted_phrase_the_glossary_excepts_keeps_an_avoided_variant(docs):
    """An English title quoted on a French page keeps its words: the variant the glossary avoids is flagged
    outside the phrases its entry excepts, not inside them."""
    entry = "- en: minibatch\n  fr: mini-lot\n  zh: 小批量\n  pinyin: xiao pi liang\n  avoid: {fr: [minibatch]}\n"
    (docs / "glossary.yml").write_text(GLOSSARY + entry + "  except: [large minibatch SGD]\n", encoding="utf-8")
    title = " (Accurate, large minibatch SGD)."
    edit(docs, "en", "This page sets the learning rate.", "This page sets the learning rate" + title)
    edit(docs, "fr", "le Taux d’apprentissage.", "le Taux d’apprentissage" + title)
    edit(docs, "zh", "学习率。", "学习率" + title)
    for language in ("fr", "zh"):
        mark(docs / language / PAGE, docs_dir=docs)
    assert problems(docs) == []
    text = edit(docs, "fr", "Cette page", "Par minibatch, cette page")
    assert problems(docs) == [f"docs/fr/chapters/tiny.md:{line_of(text, 'Par minibatch')}: glossary: section "
                              f"'_intro' says 'minibatch': the glossary says 'mini-lot'"]

SETS = """\
- en: training set
  fr: ensemble d'entraînement
  zh: 训练集
  pinyin: xun lian ji
  avoid: {fr: [ensemble d'apprentissage]}
- en: validation set
  fr: ensemble de validation
  zh: 验证集
  pinyin: yan zheng ji
- en: test set
  fr: ensemble de test
  zh: 测试集
  pinyin: ce shi ji
"""


def split_into_sets(docs: Path, french: str) -> list[str]:
    """The tiny page splits its data into three sets, which the French page words as `french`."""
    edit(docs, "en", "This page sets the learning rate.",
         "This page sets the learning rate, and splits the digits into training, validation and test sets.")
    edit(docs, "fr", "Cette page fixe le Taux d’apprentissage.", f"Cette page fixe le Taux d’apprentissage, {french}.")
    edit(docs, "zh", "本页设定学习率。", "本页设定学习率，并把数字分为训练集、验证集和测试集。")
    for language in ("fr", "zh"):
        mark(docs / language / PAGE, docs_dir=docs)
    (docs / "glossary.yml").write_text(GLOSSARY + SETS, encoding="utf-8")
    return problems(docs)


@pytest.mark.parametrize("french", [
    "et répartit les chiffres en ensembles d'entraînement, de validation et de test",
    "et répartit les chiffres en ensembles de test, de validation et d’entraînement",
    "et répartit les chiffres en un ensemble d'entraînement, un ensemble de validation et un ensemble de test",
], ids=["shared-noun", "shared-noun-other-order", "each-noun"])
def test_terms_that_share_their_head_noun(docs, french):
    assert split_into_sets(docs, french) == []


@pytest.mark.parametrize("french, wrong", [
    ("et répartit les chiffres en ensembles d'entraînement, de validation et d'essai", "test set"),
    ("et répartit les chiffres en jeux d'entraînement, de validation et de test", "training set"),
    ("et répartit les chiffres en ensembles d'entraînement et de validation, puis garde le reste", "test set"),
], ids=["wrong-complement", "wrong-head", "term-left-out"])
def test_a_wrong_term_in_a_shared_noun_list_is_flagged(docs, french, wrong):
    found = split_into_sets(docs, french)
    assert any(f"uses '{wrong}' but not" in problem for problem in found), found


def test_a_french_plural_in_aux_is_its_term(docs):
    edit(docs, "en", "This page sets the learning rate.", "This page sets the learning rate of every channel.")
    edit(docs, "fr", "Cette page fixe le Taux d’apprentissage.", "Cette page fixe le Taux d’apprentissage de tous les canaux.")
    edit(docs, "zh", "本页设定学习率。", "本页设定每个通道的学习率。")
    for language in ("fr", "zh"):
        mark(docs / language / PAGE, docs_dir=docs)
    (docs / "glossary.yml").write_text(GLOSSARY + "- en: channel\n  fr: canal\n  zh: 通道\n  pinyin: tong dao\n",
                                       encoding="utf-8")
    assert problems(docs) == []
    edit(docs, "fr", "de tous les canaux", "de toutes les voies")
    assert [p for p in problems(docs) if "uses 'channel' but not 'canal'" in p]


def test_an_avoided_variant_in_a_shared_noun_list_is_flagged(docs):
    # the variant is not where the plain phrase would be: only its shared head says it
    found = split_into_sets(docs, "et répartit les chiffres en ensembles de test, de validation et d'apprentissage")
    assert any("says 'ensembles de test, de validation et d'apprentissage'" in p for p in found), found


def test_formulas_in_another_order(docs):
    text = edit(docs, "fr", "avec un pas $\\eta$.", "avec un pas $\\eta$ et $g$.")
    edit(docs, "en", "with a step $\\eta$.", "with a step $g$ and $\\eta$.")
    mark(docs / "fr" / PAGE, docs_dir=docs)
    mark(docs / "zh" / PAGE, docs_dir=docs)
    (found,) = [p for p in problems(docs) if p.startswith("docs/fr/")]
    assert found.startswith(f"docs/fr/chapters/tiny.md:{line_of(text, 'avec un pas')}: ") and "formula" in found


def test_an_avoided_chinese_variant(docs):
    text = edit(docs, "zh", "梯度下降需要", "梯度下降法需要")
    assert problems(docs) == [f"docs/zh/chapters/tiny.md:{line_of(text, '梯度下降法')}: glossary: section "
                              f"'gradient-descent' says '梯度下降法': the glossary says '梯度下降'"]


@pytest.mark.parametrize("typed, slip", [("梯度下降, 需要", "降,"), ("梯度下降。 需要", "。 ")],
                         ids=["half-width-comma", "space-after-full-stop"])
def test_chinese_punctuation_slips(docs, typed, slip):
    text = edit(docs, "zh", "梯度下降需要", typed)
    assert problems(docs) == [f"docs/zh/chapters/tiny.md:{line_of(text, typed)}: typography: "
                              f"'{slip}' in Chinese prose: full-width punctuation, and no space after it"]


def test_half_width_punctuation_in_chinese_code_and_formulas_is_fine(docs):
    edit(docs, "zh", "梯度下降需要", "梯度下降 `f(x, y)` 需要")
    assert problems(docs) == []


def test_the_command_line(docs, monkeypatch, capsys):
    monkeypatch.setattr(translations, "DOCS", docs)
    assert translations.main([]) == 0
    assert capsys.readouterr().out == "translations in step\n"
    edit(docs, "en", "A layer, then", "One layer, then")
    assert translations.main(["check"]) == 1
    assert "section 'layers' is stale" in capsys.readouterr().out
    assert translations.main(["mark", str(docs / "fr" / PAGE), "layers"]) == 0
    assert translations.main(["mark", str(docs / "zh" / PAGE), "no-such-section"]) == 2
    assert translations.main(["mark", str(docs / "zh" / PAGE)]) == 0
    assert translations.main([]) == 0


def test_the_glossary():
    entries = load_glossary(translations.DOCS / "glossary.yml")
    english = {entry["en"] for entry in entries}
    assert {"linear neuron", "gradient descent", "learning rate", "epoch", "tensor", "notebook"} <= english
    table = glossary_markdown("fr").splitlines()
    assert table[0] == "| Français | English | 中文 |"
    assert "| taux d'apprentissage | learning rate | 学习率 |" in table
    firsts = [row.split(" | ")[0] for row in table[2:]]
    assert firsts.index("| époque") < firsts.index("| fonction de perte")  # accents aside


def test_the_chinese_glossary_is_in_pinyin_order():
    entries = {entry["zh"]: entry for entry in load_glossary(translations.DOCS / "glossary.yml")}
    firsts = [row.split(" | ")[0].removeprefix("| ") for row in glossary_markdown("zh").splitlines()[2:]]
    keys = [entries[term].get("pinyin", term).casefold() for term in firsts]
    assert keys == sorted(keys)
    # by code point, 层 (U+5C42) would come before 步幅 (U+6B65), and 卷积 before 池化
    assert firsts.index("步幅") < firsts.index("层") < firsts.index("池化") < firsts.index("卷积")


@pytest.mark.parametrize("entries, fault", [
    ("- en: layer\n  fr: couche\n  zh: 层\n", "has no pinyin"),
    ("- en: layer\n  fr: couche\n  zh: 层\n  pinyin: ceng ji\n", "one syllable per character"),
    ("- en: layer\n  fr: couche\n  zh: 层\n  pinyin: ceng\n- en: multilayer perceptron\n"
     "  fr: perceptron multicouche\n  zh: 多层感知机\n  pinyin: duo cheng gan zhi ji\n", "elsewhere 'ceng'"),
    ("- en: He initialisation\n  fr: initialisation de He\n  zh: He 初始化\n  pinyin: he chu shi hua\n",
     "does not keep 'He'"),
    ("- en: backpropagation\n  fr: rétropropagation\n  zh: 反向传播\n  pinyin: fan xiang chuan bo\n"
     "- en: backward pass\n  fr: passe arrière\n  zh: 反向传播\n  pinyin: fan xiang chuan bo\n", "one term, one concept"),
    ("- en: 1×1 convolution\n  fr: convolution 1×1\n  zh: 1×1 卷积\n  pinyin: 1 × 1 juan ji\n",
     "one syllable per character"),
], ids=["no-pinyin", "syllables-miscounted", "character-read-two-ways", "latin-word-changed", "one-term-two-concepts",
        "word-split"])
def test_a_faulty_glossary_entry_is_refused(tmp_path, entries, fault):
    glossary = tmp_path / "glossary.yml"
    glossary.write_text(entries, encoding="utf-8")
    with pytest.raises(ValueError, match=fault):
        load_glossary(glossary)


def test_a_word_of_signs_and_digits_is_one_word_of_the_pinyin(tmp_path):
    """`1×1 卷积` reads `1×1 juan ji`: what is not Chinese stays whole, as it is written."""
    glossary = tmp_path / "glossary.yml"
    glossary.write_text("- en: 1×1 convolution\n  fr: convolution 1×1\n  zh: 1×1 卷积\n  pinyin: 1×1 juan ji\n",
                        encoding="utf-8")
    assert load_glossary(glossary)[0]["pinyin"] == "1×1 juan ji"


def test_a_faulty_glossary_stops_the_checker_on_one_line(tmp_path, monkeypatch, capsys):
    from coursekit.checks import translations

    (tmp_path / "glossary.yml").write_text("- en: layer\n  fr: couche\n  zh: 层\n", encoding="utf-8")
    monkeypatch.setattr(translations, "DOCS", tmp_path)
    assert translations.main([]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "glossary.yml: entry 1 ('layer')" in said[0] and "has no pinyin" in said[0], said
