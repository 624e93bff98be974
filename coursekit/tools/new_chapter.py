"""`python -m coursekit new-chapter NAME`: a new chapter that builds and passes its tests, ready to be written.

  python -m coursekit new-chapter NAME [--title TITLE] [--title-fr TITRE] [--title-zh 标题]

NAME is the chapter's id, lowercase words joined by hyphens (`convolutional-networks`): its page's file name,
its notebook's, and, with underscores, its snippet folder's. The command writes

  docs/<lang>/chapters/NAME.md     the page in every language: `notebook: NAME` in its front matter, the
                                   numbered title, one section (a formula, a code block, its output under it,
                                   a figure), a summary; translations marked as following the English page
  snippets/NAME_/first_steps.py    the section's code: device and seed at the top, one marked section
  tests/test_claims_NAME_.py       a claim of the page that its output does not show, checked

and adds the page and its notebook to `nav` in mkdocs.yml, after the last chapter, and an item to the outline
of each home page (their translations marked again: the command writes the item in every language). Then

  python -m coursekit refresh      writes the output, the figures and the notebooks
  pytest                           passes, but for tests/test_placeholders.py, which names by file and line
                                   each placeholder (PLACEHOLDERS, the first section) until it is replaced

The command prints these steps.
"""

import argparse
import re
import sys
import textwrap
from pathlib import Path

from coursekit.checks import translations
from coursekit.project import DOCS, ROOT, SNIPPETS, chapters, languages

NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
FIELD = re.compile(r"\{\{(\w+)\}\}")
SCRIPT, SECTION = "first_steps", "running-mean"  # the snippet and its section, named on every page
# The words of WORDS that stand in for the chapter's own, with what to write instead: a test names each one
# left in place (coursekit/checks/placeholders.py), as does the first section, by the include of its script.
PLACEHOLDERS = {
    "intro": "say what the chapter teaches and why a reader needs it",
    "description": "describe the chapter in the page's front matter",
    "summary": "sum up the chapter's own sections",
    "what": "say what the chapter covers, in its item of the home page's outline",
}
FIRST_SECTION = (f"replace the first section (heading, formula, code block, output, figure) and its script "
                 f"snippets/<folder>/{SCRIPT}.py with the chapter's own, in the three languages")

PAGE = """\
---
notebook: {{name}}
description: {{description}}
---

# {{title}} { #{{name}} }

{{intro}}

## {{first_heading}} { #first-steps }

{{mean}}

$$
\\bar{x}_n = \\frac{1}{n} \\sum_{i=1}^n x_i
$$

{{closer}}

```python title="{{script}}.py"
--8<-- "{{folder}}/{{script}}.py:{{section}}"
```

<!--pytest-codeblocks:expected-output-->
```text title="{{output}}"
--8<-- "{{folder}}/outputs/{{script}}.{{section}}.txt"
```

<figure markdown="span">
  ![{{alt}}](../../assets/figures/{{name}}-{{section}}.svg){ width="600" loading=lazy }
  <figcaption>{{caption}}</figcaption>
</figure>

## {{summary_heading}} { #summary }

- {{summary}}

{{notebook}}
"""

# What each language says on the new page and in the home outline, written in it (`what`: the outline
# item's text after the title; `description`: the page's, in its front matter, so without a colon; `wrap`: the
# width prose lines are wrapped at, 0 for none).
PROSE = ("intro", "mean", "closer", "summary", "notebook")
WORDS = {
    "en": {
        "wrap": 110,
        "chapter_title": "Deep Learning {{number}} — {{title}}",
        "what": "its first section, the mean of random numbers.",
        "description": "The mean of random numbers, a first section to be replaced by the chapter's own.",
        "intro": "Say here what this chapter teaches and why a reader needs it. Every block of code on this page "
                 "runs as shown, and the output under it is what it prints.",
        "first_heading": "First steps",
        "mean": "The mean of $n$ numbers $x_1, \\dots, x_n$ is",
        "closer": "For numbers drawn uniformly between 0 and 1, it comes closer to one half as $n$ grows:",
        "alt": "A curve that starts from the mean of the first numbers drawn and settles near 0.5 as n grows, "
               "on a logarithmic axis.",
        "caption": "The mean of the first n numbers drawn comes closer to one half.",
        "summary_heading": "Summary",
        "summary": "The mean of $n$ numbers drawn uniformly between 0 and 1 comes closer to one half as $n$ grows.",
        "notebook": "The complete code of the chapter is also one notebook: "
                    "[read it on the site](../notebooks/{{name}}.ipynb), or open it on Kaggle from the box at "
                    "the top of this page.",
        "outline": "{{number}}. [{{title}}](chapters/{{name}}.md): {{what}}\n"
                   "   ([notebook](notebooks/{{name}}.ipynb))",
    },
    "fr": {
        "wrap": 110,
        # The script's comments, for docs/comments.yml (by their English text).
        "comments": {
            "the same numbers on every run": "les mêmes nombres à chaque exécution",
            "CUDA, MPS, ... or the CPU": "CUDA, MPS, ... ou le CPU",
            "drawn on the CPU: the same on any device": "tiré sur le CPU : le même sur tout appareil",
            "running[k - 1]: the mean of the first k numbers": "running[k - 1] : la moyenne des k premiers nombres",
            "the page shows the figure's file, docs/assets/figures/<figure_name>.svg":
                "la page montre le fichier de la figure,\ndocs/assets/figures/<figure_name>.svg",
        },
        "chapter_title": "Apprentissage profond {{number}} — {{title}}",
        "what": "sa première section, la moyenne de nombres tirés au hasard.",
        "description": "La moyenne de nombres tirés au hasard, une première section que remplaceront celles "
                       "du chapitre.",
        "intro": "Dites ici ce qu'enseigne ce chapitre et pourquoi le lecteur en a besoin. Chaque bloc de code "
                 "de cette page s'exécute tel qu'il est écrit, et la sortie affichée en dessous est bien celle "
                 "qu'il produit.",
        "first_heading": "Premiers pas",
        "mean": "La moyenne de $n$ nombres $x_1, \\dots, x_n$ est",
        "closer": "Pour des nombres tirés uniformément entre 0 et 1, elle se rapproche d'un demi à mesure que "
                  "$n$ grandit :",
        "alt": "Une courbe qui part de la moyenne des premiers nombres tirés et se stabilise près de 0,5 à mesure "
               "que n grandit, sur un axe logarithmique.",
        "caption": "La moyenne des n premiers nombres tirés se rapproche d'un demi.",
        "summary_heading": "Résumé",
        "summary": "La moyenne de $n$ nombres tirés uniformément entre 0 et 1 se rapproche d'un demi à mesure "
                   "que $n$ grandit.",
        "notebook": "Le code complet du chapitre existe aussi sous la forme d'un notebook : "
                    "[lisez-le sur le site](../notebooks/{{name}}.ipynb), ou ouvrez-le sur Kaggle depuis "
                    "l'encadré en haut de cette page.",
        "outline": "{{number}}. [{{title}}](chapters/{{name}}.md) : {{what}}\n"
                   "   ([notebook](notebooks/{{name}}.ipynb))",
    },
    "zh": {
        "wrap": 0,
        "comments": {
            "the same numbers on every run": "每次运行数字相同",
            "CUDA, MPS, ... or the CPU": "CUDA、MPS……或 CPU",
            "drawn on the CPU: the same on any device": "在 CPU 上抽取：在任何设备上都相同",
            "running[k - 1]: the mean of the first k numbers": "running[k - 1]：前 k 个数的均值",
            "the page shows the figure's file, docs/assets/figures/<figure_name>.svg":
                "页面展示该图的文件 docs/assets/figures/<figure_name>.svg",
        },
        "chapter_title": "深度学习 {{number}}——{{title}}",
        "what": "随机数的平均值，本章的第一节。",
        "description": "随机数的平均值，这是有待替换为本章正文的第一节。",
        "intro": "请在这里说明本章教什么，以及读者为什么需要它。本页的每个代码块都可以照原样运行，下方的输出就是它实际打印的内容。",
        "first_heading": "第一步",
        "mean": "$n$ 个数 $x_1, \\dots, x_n$ 的平均值是",
        "closer": "对于在 0 和 1 之间均匀抽取的数，随着 $n$ 增大，平均值越来越接近二分之一：",
        "alt": "一条曲线：从最先抽取的几个数的平均值出发，随着 n 增大稳定在 0.5 附近，横轴为对数刻度。",
        "caption": "前 n 个抽取的数的平均值越来越接近二分之一。",
        "summary_heading": "小结",
        "summary": "在 0 和 1 之间均匀抽取 $n$ 个数，随着 $n$ 增大，它们的平均值越来越接近二分之一。",
        "notebook": "本章的完整代码也汇总成了一个 Jupyter 笔记本：可以[在本站阅读](../notebooks/{{name}}.ipynb)，"
                    "也可以通过本页顶部的提示框在 Kaggle 上打开。",
        "outline": "{{number}}. [{{title}}](chapters/{{name}}.md)：{{what}}（[笔记本](notebooks/{{name}}.ipynb)）",
    },
}

SNIPPET = '''\
"""{{title}}: first steps, the mean of random numbers."""

# --8<-- [start:{{section}}]
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)  # the same numbers on every run
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

n = 1000
x = torch.rand(n).to(device)  # drawn on the CPU: the same on any device
# running[k - 1]: the mean of the first k numbers
running = x.cumsum(0) / torch.arange(1, n + 1, device=device)
for k in (10, 100, n):
    print(f"mean of the first {k:4d}: {running[k - 1].item():.2f}")

# the page shows the figure's file, docs/assets/figures/<figure_name>.svg
figure_name = "{{name}}-{{section}}"
fig, ax = plt.subplots(figsize=(6, 3), num=figure_name)
ax.plot(range(1, n + 1), running.cpu())
ax.axhline(0.5, color="0.5", linestyle="--", linewidth=1)
ax.set(xscale="log", xlabel="$n$", ylabel=r"$\\bar{x}_n$")
fig.tight_layout()
plt.show()
# --8<-- [end:{{section}}]
'''

CLAIMS = '''\
"""Each claim of the chapter "{{title}}", checked numerically, beyond what its printed outputs show."""

from coursekit.project import SNIPPETS

CHAPTER = SNIPPETS / "{{folder}}"


def test_the_mean_of_uniform_numbers_comes_closer_to_one_half(script_runs):
    running = script_runs(CHAPTER / "{{script}}.py").namespace["running"].cpu()
    n = len(running)
    # One number drawn uniformly in [0, 1) has variance 1/12: the mean of n lies within a few
    # 1 / sqrt(12 n) of 1/2.
    assert abs(running[-1].item() - 0.5) < 3 / (12 * n) ** 0.5
    assert abs(running[-1].item() - 0.5) < abs(running[9].item() - 0.5)
'''

NAV_CHAPTER = re.compile(r"^(?P<indent>[ \t]*)- (?:chapters|notebooks)/\S+[ \t]*$")
OUTLINE_ITEM = re.compile(r"^(?P<number>\d+)\.\s+\[[^\]]*\]\(chapters/")


def fill(template: str, **values) -> str:
    return FIELD.sub(lambda m: str(values[m[1]]), template)


def paths(name: str) -> dict[str, Path]:
    folder = name.replace("-", "_")
    found = {language: DOCS / language / "chapters" / f"{name}.md" for language in languages()}
    found |= {"snippet": SNIPPETS / folder / f"{SCRIPT}.py",
              "claims": ROOT / "tests" / f"test_claims_{folder}.py"}
    return found


def create(name: str, titles: dict[str, str]) -> list[Path]:
    """Write the chapter `name`, its titles by language (English's for those not given); return what changed."""
    if not NAME.fullmatch(name):
        raise ValueError(f"{name!r}: a chapter's name is lowercase words and digits joined by hyphens, "
                         f"e.g. convolutional-networks")
    if missing := [language for language in languages() if language not in WORDS]:
        raise ValueError(f"coursekit/tools/new_chapter.py has no words for {', '.join(missing)}: add them to WORDS")
    targets = paths(name)
    if name in chapters():
        raise FileExistsError(f"chapter {name!r} exists already")
    taken = [p for p in [*targets.values(), SNIPPETS / name.replace("-", "_")] if p.exists()]
    if taken:
        raise FileExistsError(f"chapter {name!r}: {', '.join(str(p.relative_to(ROOT)) for p in taken)} "
                              f"exist(s) already")
    number = len(chapters()) + 1
    common = {"name": name, "folder": name.replace("-", "_"), "script": SCRIPT, "section": SECTION,
              "number": number}
    written = []
    for language in languages():
        words = WORDS[language]
        title = fill(words["chapter_title"], number=number, title=titles.get(language) or titles[languages()[0]])
        values = {key: fill(words[key], **common) for key in (*PROSE, "description", "first_heading", "alt",
                                                               "caption", "summary_heading")}
        values |= {key: _wrapped(values[key], words["wrap"], "- " if key == "summary" else "") for key in PROSE}
        values |= {**common, "title": title, "output": _output_title(language)}
        targets[language].parent.mkdir(parents=True, exist_ok=True)
        targets[language].write_text(fill(PAGE, **values), encoding="utf-8")
        written.append(targets[language])
    english_title = fill(WORDS[languages()[0]]["chapter_title"], number=number, title=titles[languages()[0]])
    for key, template in (("snippet", SNIPPET), ("claims", CLAIMS)):
        targets[key].parent.mkdir(parents=True, exist_ok=True)
        targets[key].write_text(fill(template, **common, title=english_title), encoding="utf-8")
        written.append(targets[key])
    written += _add_comment_translations()
    written.append(_add_to_nav(name))
    written += _add_to_outlines(name, number, titles)
    for language in languages()[1:]:
        translations.mark(targets[language])
    return written


def _add_comment_translations() -> list[Path]:
    """The script's comments that docs/comments.yml does not translate yet, added to it from WORDS."""
    import yaml

    from coursekit.pages import comments

    def quoted(text: str) -> str:
        return yaml.safe_dump(text, allow_unicode=True, width=10**6, default_style='"').strip()

    table, others = comments.load(comments.TABLE), languages()[1:]
    new = [english for english in (WORDS[others[0]]["comments"] if others else {}) if english not in table]
    if not new:
        return []
    lines = [f"{quoted(english)}:\n" + "".join(f"  {language}: {quoted(WORDS[language]['comments'][english])}\n"
                                             for language in others) for english in new]
    text = comments.TABLE.read_text(encoding="utf-8") if comments.TABLE.exists() else ""
    comments.TABLE.write_text(text + "".join(lines), encoding="utf-8")
    return [comments.TABLE]


LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
KEEP = "\0"  # stands for a space that must not end a line while the text is wrapped


def _wrapped(text: str, width: int, bullet: str) -> str:
    """`text` in lines of at most `width` characters (none for 0), after a `bullet` the page already holds; a link
    stays on one line (the notebooks keep a link's words only when it does)."""
    if not width:
        return text
    kept = LINK.sub(lambda m: m[0].replace(" ", KEEP), text)
    lines = textwrap.wrap(bullet + kept, width, subsequent_indent=" " * len(bullet), break_long_words=False,
                          break_on_hyphens=False)
    return "\n".join(lines)[len(bullet):].replace(KEEP, " ")


def _output_title(language: str) -> str:
    from coursekit.wording import phrase

    return phrase(language, "output_title")


def _add_to_nav(name: str) -> Path:
    """The page and its notebook in mkdocs.yml's nav, after the last chapter's, the file otherwise as it was."""
    config = ROOT / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("nav:")), None)
    last = max((i for i, line in enumerate(lines) if start is not None and i > start and NAV_CHAPTER.match(line)),
               default=None)
    if last is None:
        raise ValueError(f"{config}: no chapter in nav to add {name} after")
    indent = NAV_CHAPTER.match(lines[last])["indent"]
    lines[last + 1:last + 1] = [f"{indent}- chapters/{name}.md\n", f"{indent}- notebooks/{name}.ipynb\n"]
    config.write_text("".join(lines), encoding="utf-8")
    return config


def _add_to_outlines(name: str, number: int, titles: dict[str, str]) -> list[Path]:
    """An item after the last of each home page's outline; translations that followed the English outline are
    marked as following it still."""
    default, *others = languages()
    homes = {language: DOCS / language / "index.md" for language in languages()}
    english = translations.SectionedPage(homes[default], name=homes[default])
    after = _outline_end(homes[default])
    section = next(s.id for s in english.sections.values() if s.start <= after - 1 < s.end)
    in_step = [language for language in others if homes[language].exists()
               and section not in translations.stale_sections(homes[language])]
    for language, home in homes.items():
        words = WORDS[language]
        title = fill(words["chapter_title"], number=number, title=titles.get(language) or titles[default])
        item = fill(words["outline"], number=number, title=title, name=name, what=words["what"])
        lines = home.read_text(encoding="utf-8").splitlines(keepends=True)
        end = _outline_end(home)
        lines[end:end] = [line + "\n" for line in item.split("\n")]
        home.write_text("".join(lines), encoding="utf-8")
    for language in in_step:
        translations.mark(homes[language], [section])
    return list(homes.values())


def _outline_end(home: Path) -> int:
    """The index of the line after the last item of `home`'s chapter outline (a numbered list of links to
    chapters/), its indented continuation lines included."""
    lines = home.read_text(encoding="utf-8").splitlines()
    last = max((i for i, line in enumerate(lines) if OUTLINE_ITEM.match(line)), default=None)
    if last is None:
        raise ValueError(f"{home}: no chapter outline (a numbered list of links to chapters/) to add an item to")
    end = last + 1
    while end < len(lines) and lines[end].startswith(" ") and lines[end].strip():
        end += 1
    return end


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursekit new-chapter",
                                     description="Add a chapter that builds and passes its tests.")
    parser.add_argument("name", help="the chapter's id, e.g. convolutional-networks")
    default, *others = languages()
    parser.add_argument("--title", help="its title, after 'Deep Learning N —' (default: from the name)")
    for language in others:
        parser.add_argument(f"--title-{language}", help=f"its title in {language} (default: the English one)")
    args = parser.parse_args(argv)
    titles = {default: args.title or args.name.replace("-", " ").capitalize()}
    titles |= {language: getattr(args, f"title_{language}") for language in others
               if getattr(args, f"title_{language}")}
    try:
        written = create(args.name, titles)
    except (ValueError, FileExistsError) as error:
        print(error, file=sys.stderr)
        return 2
    for path in written:
        print("wrote", path.relative_to(ROOT))
    print(next_steps(args.name))
    return 0


def next_steps(name: str) -> str:
    """What the author does next: the chapter holds new-chapter's placeholders until then."""
    pages = ", ".join(f"docs/{language}/chapters/{name}.md" for language in languages())
    homes = ", ".join(f"docs/{language}/index.md" for language in languages())
    first_section = FIRST_SECTION.replace("<folder>", name.replace("-", "_"))
    return (f"next:\n"
            f"  1. python -m coursekit refresh: the output, the figure and the notebooks\n"
            f"  2. in {pages}: {first_section}; write the intro, the description and the summary\n"
            f"  3. in {homes}: {PLACEHOLDERS['what']}\n"
            f"  4. python -m coursekit refresh, then pytest --chapter {name}, which names each placeholder left\n"
            f"     in place by file and line (tests/test_placeholders.py)")
