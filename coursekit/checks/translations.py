"""Translations follow the English pages: prose is free, everything else must match.

Each English page `docs/en/P.md` has a counterpart `docs/<lang>/P.md` in every other language, with the same
heading anchors, includes, code, formulas, admonition kinds, images, internal links and test markers, in the
same order. Each translated page records in its front matter, per section, a fingerprint of the English text
it follows (`translation_of: {section_id: fingerprint}`), so an English edit shows which sections fell behind.
The glossary (docs/glossary.yml) fixes how each term of the course is said in each language.

  python -m coursekit translations [check]          list the differences, one per line
  python -m coursekit translations mark PAGE [ID]   record that PAGE (or its sections ID...) follows the English text
"""

import hashlib
import re
import sys
import tokenize
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, cached_property
from pathlib import Path

import yaml

from coursekit.pages import model
from coursekit.pages.model import FORMULA, blank
from coursekit.project import (DOCS, FRONT_MATTER, ROOT, FrontMatterError, NotUTF8, decoded, language_settings,
                               languages, read_yaml, shown, snippet_scripts)

ADMONITION = re.compile(r'^\s*(?P<kind>(?:!!!|\?\?\?\+?)(?:\s+[\w-]+)+)(?:\s+"[^"]*")?\s*$')
TITLE = re.compile(r'\s*title="[^"]*"')
# What is not prose for the glossary: comments, formulas, link targets, attribute lists, HTML tags, includes.
NOT_PROSE = re.compile(r"<!--.*?-->|" + FORMULA.pattern + r"|\]\([^)]*\)|\{[^}\n]*\}|<[^>\n]+>|--8<--.*",
                       re.DOTALL)
INTRO = "_intro"


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Item:
    """Something a translation must keep: where it is, and what must be equal."""
    line: int
    key: object


@dataclass(frozen=True)
class Section:
    id: str
    line: int   # of its heading
    start: int  # index of its first line
    end: int    # index after its last line


class SectionedPage(model.Page):
    """A page as the translation checks read it: the page model, with its sections and what it records of
    the English text it follows."""

    @cached_property
    def translation_of(self) -> dict[str, str] | None:
        recorded = self.meta.get("translation_of")
        return {str(k): str(v) for k, v in recorded.items()} if isinstance(recorded, dict) else None

    @cached_property
    def plain(self) -> list[str]:
        """The prose lines less what is not words: formulas, link targets, comments, tags."""
        return NOT_PROSE.sub(blank, self.prose).split("\n")

    @cached_property
    def sections(self) -> dict[str, Section]:
        """The text before the first `##` heading (named by the H1's id), then each heading with an id.

        A heading without an id starts no section: its text stays in the section before, so that every
        English edit shows somewhere.
        """
        title = next((h for h in self.headings if h.level == 1), None)
        starts = [((title.id if title and title.id else INTRO), title.line if title else self.body_start + 1,
                   self.body_start)]
        starts += [(h.id, h.line, h.line - 1) for h in self.headings if h.level > 1 and h.id]
        ends = [start for _, _, start in starts[1:]] + [len(self.lines)]
        return {id_: Section(id_, line, start, end) for (id_, line, start), end in zip(starts, ends)}

    @cached_property
    def fingerprints(self) -> dict[str, str]:
        return {s.id: _fingerprint(self.lines[s.start:s.end]) for s in self.sections.values()}

    def section_line(self, section_id: str) -> int:
        section = self.sections.get(section_id)
        return section.line if section else 1


def _fingerprint(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


# What must be the same, in the same order, in every language.

def _headings(page: SectionedPage) -> list[Item]:
    return [Item(h.line, (h.level, h.id)) for h in page.headings]


def _includes(page: SectionedPage) -> list[Item]:
    return [Item(include.line, (include.path, include.section)) for include in page.includes]


def _code_blocks(page: SectionedPage) -> list[Item]:
    items = []
    for fence in page.fences:
        info = " ".join(fence.info.split())
        if fence.kind == "output":
            info = TITLE.sub("", info)  # an output's title is a word of prose ("Output", "Sortie")
        items.append(Item(fence.line, (info, fence.body)))
    return items


def _output_title_problems(page: SectionedPage, language: str) -> list[Problem]:
    """An output's title is the page's word for it ("Output", "Sortie"): it is prose, but not free."""
    from coursekit.wording import phrase

    word = phrase(language, "output_title")
    problems = []
    for fence in page.fences:
        if fence.kind == "output" and fence.title != word:
            shown = f"'{fence.title}'" if fence.title is not None else "no title"
            problems.append(Problem(page.name, fence.line, f"this output block has {shown}: outputs on "
                                                           f"'{language}' pages are titled \"{word}\""))
    return problems


def _formulas(page: SectionedPage) -> list[Item]:
    return [Item(f.line, ("$$" if f.display else "$", f.tex)) for f in page.formulas]


def _admonitions(page: SectionedPage) -> list[Item]:
    return [Item(number, " ".join(m["kind"].split()))
            for number, text in enumerate(page.prose.split("\n"), start=1) if (m := ADMONITION.match(text))]


def _images(page: SectionedPage) -> list[Item]:
    return [Item(link.line, link.target) for link in page.links if link.image]


def _links(page: SectionedPage) -> list[Item]:
    return [Item(link.line, link.target) for link in page.links if not link.image and not link.external]


def _markers(page: SectionedPage) -> list[Item]:
    return [Item(number, " ".join(text.split()))
            for number, text in enumerate(page.prose.split("\n"), start=1) if model.MARKER.match(text)]


def _show_heading(key) -> str:
    level, anchor = key
    return "#" * level + (f" {{ #{anchor} }}" if anchor else " without an id")


def _show_formula(key) -> str:
    delimiter, tex = key
    return _shorten(f"{delimiter}{tex}{delimiter}")


def _shorten(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


STRUCTURE = [  # (what, items of a page, how a problem shows an item, or None)
    ("heading anchor", _headings, _show_heading),
    ("include", _includes, lambda key: f'--8<-- "{key[0]}{":" + key[1] if key[1] else ""}"'),
    ("code block", _code_blocks, None),
    ("formula", _formulas, _show_formula),
    ("admonition", _admonitions, _shorten),
    ("image", _images, _shorten),
    ("link", _links, _shorten),
    ("test marker", _markers, _shorten),
]


def _first_difference(what: str, english: SectionedPage, translated: SectionedPage, en_items: list[Item],
                      tr_items: list[Item], show) -> Problem | None:
    """The first place where the two sequences part, named by a line of the translated page."""
    matcher = SequenceMatcher(None, [i.key for i in en_items], [i.key for i in tr_items], autojunk=False)
    detail = (lambda item: f" ('{show(item.key)}')") if show else (lambda item: "")
    for tag, i1, _, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace":
            en, tr = en_items[i1], tr_items[j1]
            return Problem(translated.name, tr.line,
                           f"{what}{detail(tr)} differs from {english.name}:{en.line}{detail(en)}")
        if tag == "insert":
            tr = tr_items[j1]
            return Problem(translated.name, tr.line, f"extra {what}{detail(tr)}, not in {english.name}")
        en = en_items[i1]
        if j1 < len(tr_items):
            line, where = tr_items[j1].line, "before this line"
        else:
            line, where = (tr_items[-1].line, "after this line") if tr_items else (1, "in this page")
        return Problem(translated.name, line,
                       f"{what} missing {where}: {english.name}:{en.line} has one{detail(en)}")
    return None


def _structure_problems(english: SectionedPage, translated: SectionedPage) -> list[Problem]:
    problems = []
    for what, items, show in STRUCTURE:
        problem = _first_difference(what, english, translated, items(english), items(translated), show)
        if problem:
            problems.append(problem)
    return problems


def _staleness_problems(english: SectionedPage, translated: SectionedPage) -> list[Problem]:
    recorded = translated.translation_of
    command = f"python -m coursekit translations mark {translated.name}"
    if recorded is None:
        return [Problem(translated.name, 1, f"no translation_of in the front matter: once the page follows "
                                             f"{english.name}, record it ({command})")]
    problems = []
    for section_id, fingerprint in english.fingerprints.items():
        line = translated.section_line(section_id)
        if section_id not in recorded:
            problems.append(Problem(translated.name, line, f"section '{section_id}' has no translation_of entry: "
                                    f"once it follows the English text, record it ({command} {section_id})"))
        elif recorded[section_id] != fingerprint:
            problems.append(Problem(translated.name, line, f"section '{section_id}' is stale: the English text "
                                    f"changed since it was translated ({command} {section_id})"))
    return problems


# The glossary.

def load_glossary(path: Path) -> list[dict]:
    """Entries `{en: ..., fr: ..., zh: ..., avoid: {fr: [...]}}`; none when there is no glossary file."""
    entries = read_yaml(path, [])
    seen, syllables, name = {}, {}, shown(path)
    for number, entry in enumerate(entries, start=1):
        for language in languages():
            term = entry.get(language)
            if not isinstance(term, str) or not term.strip():
                raise ValueError(f"{name}: entry {number} ({entry.get('en')!r}) has no '{language}' term")
            if (language, term.casefold()) in seen:
                raise ValueError(f"{name}: entry {number} ({entry['en']!r}) gives '{term}', as entry "
                                 f"{seen[language, term.casefold()]} does: one term, one concept")
            seen[language, term.casefold()] = number
            if any(_is_cjk(char) for char in term):
                _check_pinyin(entry, term, syllables, f"{name}: entry {number} ({entry['en']!r})")
    return entries


CJK_OR_WORD = r"[\u2e80-\u9fff\uf900-\ufaff]|[^\u2e80-\u9fff\uf900-\ufaff]+"  # a character, or a word as it is (1×1)


def _check_pinyin(entry: dict, term: str, syllables: dict[str, str], where: str) -> None:
    """`entry` spells its Chinese `term` in pinyin, one syllable per character and Latin words as they are, each
    character read as elsewhere in the glossary (`syllables`, filled as it goes): a slip shows as a mismatch."""
    pinyin = entry.get("pinyin")
    if not isinstance(pinyin, str):
        raise ValueError(f"{where}: '{term}' has no pinyin, which sorts the Chinese glossary")
    parts = [part for chunk in term.split() for part in re.findall(CJK_OR_WORD, chunk)]
    spelled = pinyin.split()
    if len(parts) != len(spelled) or not all(re.fullmatch(r"[a-zv]+", s) for p, s in zip(parts, spelled)
                                             if _is_cjk(p)):
        raise ValueError(f"{where}: pinyin '{pinyin}' does not spell '{term}' one syllable per character")
    for part, syllable in zip(parts, spelled):
        if not _is_cjk(part):
            if part != syllable:
                raise ValueError(f"{where}: pinyin '{pinyin}' does not keep '{part}' as it is")
        elif syllables.setdefault(part, syllable) != syllable:
            raise ValueError(f"{where}: pinyin reads '{part}' as '{syllable}', elsewhere '{syllables[part]}'")


# A term whose head noun a coordinated list shares: "training, validation and test sets" says "test set",
# and "ensembles d'entraînement, de validation et de test" says "ensemble de test". Per language: the words
# that join the last item, and whether the head noun comes last (English) or first, before complements that
# each start with a preposition (French). Each other item of the list is one word, after its preposition.
SHARED_HEAD = {
    "en": {"join": r"and|or", "head_first": False, "item": r"\w+(?:-\w+)*"},
    "fr": {"join": r"et|ou", "head_first": True,
           "item": r"(?:(?:de|du|des|à|au|aux|par|en|pour|sur)\s+|d['’])\w+(?:-\w+)*"},
}
PLURAL = "(?:e?s|x)?"


@cache
def _term(term: str, language: str = "en") -> re.Pattern:
    """How a term shows in text: case and apostrophes aside; Latin words whole, with their plural endings; in a
    language of `SHARED_HEAD`, also with its head noun shared by a coordinated list."""
    if any(_is_cjk(char) for char in term):
        return re.compile(re.escape(term).replace("'", "['’]"))
    words = [_word(word, language) for word in term.split()]
    forms = [r"\s+".join(words)]
    if (shared := _shared_head(term.split(), words, language)) is not None:
        forms.append(shared)
    return re.compile(r"(?<!\w)(?:" + "|".join(forms) + r")(?!\w)", re.IGNORECASE)


def _word(word: str, language: str) -> str:
    """One word of a term, apostrophes and hyphens aside, with its plural endings (French -al: -aux)."""
    pattern = re.escape(word).replace("'", "['’]").replace(r"\-", "[-‐\\s]?")
    if language == "fr" and word.endswith("al"):
        return pattern[:-1] + "(?:l|ux)" + PLURAL
    return pattern + PLURAL


def _shared_head(words: list[str], patterns: list[str], language: str) -> str | None:
    """The pattern of the term `words` (as `patterns`) with its head noun shared by a list, or None where the
    language has no such form or the term has no head and complement."""
    grammar = SHARED_HEAD.get(language)
    if grammar is None or len(words) < 2:
        return None
    item, join = grammar["item"], rf",?\s+(?:{grammar['join']})\s+"
    if grammar["head_first"]:
        if not re.match(item, " ".join(words[1:]), re.IGNORECASE):
            return None  # no preposition after the head: an adjective, not a complement
        head, own = patterns[0], r"\s+".join(patterns[1:])
    else:
        head, own = patterns[-1], r"\s+".join(patterns[:-1])
    last = rf"(?:{item},\s+)*{item}{join}{own}"  # the term's own complement ends the list
    inner = rf"(?:{item},\s+)*{own}(?:,\s+{item})*{join}{item}"  # it comes earlier
    listed = f"(?:{last}|{inner})"
    return rf"{head}\s+{listed}" if grammar["head_first"] else rf"{listed}\s+{head}"


def _without(text: str, phrases: list[str]) -> str:
    for phrase in phrases:
        text = _term(phrase).sub(lambda m: " " * len(m[0]), text)
    return text


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _glossary_problems(english: SectionedPage, translated: SectionedPage, language: str,
                       glossary: list[dict]) -> list[Problem]:
    problems = []
    for section_id, en_section in english.sections.items():
        tr_section = translated.sections.get(section_id)
        if tr_section is None:
            continue  # the heading anchors differ: reported as such
        en_text = "\n".join(english.plain[en_section.start:en_section.end])
        tr_text = "\n".join(translated.plain[tr_section.start:tr_section.end])
        for entry in glossary:
            term = entry[language]
            # `except`: English phrases where the word is not the term ("for example" for "example"), nor
            # in a translation that quotes them (a paper's English title keeps its words)
            excepted = entry.get("except") or []
            used = _term(entry["en"]).search(_without(en_text, excepted))
            if used and not _term(term, language).search(tr_text):
                problems.append(Problem(translated.name, tr_section.line,
                                        f"glossary: section '{section_id}' uses '{entry['en']}' but not '{term}'"))
            for variant in (entry.get("avoid") or {}).get(language, []):
                if found := _term(variant, language).search(_without(tr_text, excepted)):
                    line = tr_section.start + tr_text.count("\n", 0, found.start()) + 1
                    problems.append(Problem(translated.name, line, f"glossary: section '{section_id}' says "
                                            f"'{found[0]}': the glossary says '{term}'"))
    return problems


def glossary_markdown(language: str, glossary: Path | None = None) -> str:
    """The glossary as a Markdown table: the terms in `language`, alphabetically (Chinese terms by their pinyin),
    then in the other languages."""
    columns = [language] + [other for other in languages() if other != language]
    names = _language_names()
    entries = sorted(load_glossary(glossary or DOCS / "glossary.yml"), key=lambda entry: _sort_key(
        entry.get("pinyin", entry[language]) if any(map(_is_cjk, entry[language])) else entry[language]))
    rows = [[entry[c] for c in columns] for entry in entries]
    table = ["| " + " | ".join(names.get(c, c) for c in columns) + " |", "|" + " --- |" * len(columns)]
    table += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(table) + "\n"


def _language_names() -> dict[str, str]:
    return {entry["locale"]: entry.get("name") or entry["locale"] for entry in language_settings()}


def _sort_key(term: str) -> str:
    """Accents aside, so that `époque` sorts among the e's."""
    decomposed = unicodedata.normalize("NFKD", term.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Checking, marking, and the command line.

def check(docs_dir: Path = DOCS, glossary: Path | None = None, pages: list[str] | None = None) -> list[Problem]:
    """Every difference between the English pages under `docs_dir` and their translations; with `pages`
    (paths in the English folder, `chapters/x.md`), those of these pages only: their text, the comments of
    the code they include and the strings of the figures they show."""
    terms = load_glossary(glossary or docs_dir / "glossary.yml")
    default, *others = languages()
    problems = []
    english_paths = sorted((docs_dir / default).rglob("*.md")) if pages is None else [
        docs_dir / default / page for page in pages]
    for english_path in english_paths:
        try:
            english = SectionedPage(english_path, name=english_path.relative_to(docs_dir.parent))
        except NotUTF8 as error:
            problems.append(Problem(*_where(error)))
            continue
        problems += _output_title_problems(english, default)
        for language in others:
            path = docs_dir / language / english_path.relative_to(docs_dir / default)
            shown = path.relative_to(docs_dir.parent)
            if not path.exists():
                problems.append(Problem(shown, 1, f"missing page, the translation of {english.name}"))
                continue
            try:
                translated = SectionedPage(path, name=shown)
                translated.translation_of  # noqa: B018 - read now: its errors are the page's problems
            except (NotUTF8, FrontMatterError) as error:
                problems.append(Problem(*_where(error)))
                continue
            problems += _structure_problems(english, translated)
            problems += _staleness_problems(english, translated)
            problems += _glossary_problems(english, translated, language, terms)
            problems += _punctuation_problems(translated, language)
            problems += _output_title_problems(translated, language)
    shown = None if pages is None else {name for path in english_paths if path.exists()
                                        for name in FIGURE.findall(path.read_text(encoding="utf-8"))}
    problems += _figure_problems(docs_dir, others, shown)
    problems += _comment_problems(docs_dir, others, pages)
    return problems


FIGURE = re.compile(r"assets/figures/([^/.\s\"')]+)\.svg")  # a committed figure a page shows, by name


def _where(error: Exception) -> tuple[str, int, str]:
    """A `file:line: message` error as a Problem's fields."""
    file, line, message = str(error).split(":", 2)
    return file, int(line), message.strip()


def _figure_problems(docs_dir: Path, others: list[str], names: set[str] | None) -> list[Problem]:
    """Strings a committed figure draws that figures.yml does not translate, named by figure (of `names`
    only, where given)."""
    from coursekit.figures.compare import texts
    from coursekit.figures.language import missing, table

    path = docs_dir / "figures.yml"
    strings = table(path)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    problems = []
    for svg in sorted((docs_dir / "assets" / "figures").glob("*.svg")):
        name = svg.stem
        if "." in name or (names is not None and name not in names):
            continue  # a translated drawing, or one of another page
        line = next((n for n, text in enumerate(lines, start=1) if text.startswith(f"{name}:")), 1)
        drawn = texts(svg.read_bytes())
        for language in others:
            problems += [Problem(path.relative_to(docs_dir.parent), line, f"figure '{name}' draws '{text}', "
                                 f"which has no '{language}' translation here")
                         for text in missing(strings.get(name, {}), drawn, language)]
    return problems


def _comment_problems(docs_dir: Path, others: list[str], pages: list[str] | None = None) -> list[Problem]:
    """The comments and docstrings the pages of each language show (of `pages` only, where given) that
    docs/comments.yml does not translate, named by script and line, and the translations that would change
    the code."""
    from coursekit.pages import comments
    from coursekit.project import SNIPPETS, shown

    path = docs_dir / "comments.yml"
    strings = comments.load(path)
    table_name = path.relative_to(docs_dir.parent)
    problems, named, scripts = [], set(), set()
    for language in others:
        for page in sorted((docs_dir / language).rglob("*.md")) if pages is None else [
                docs_dir / language / page for page in pages if (docs_dir / language / page).exists()]:
            try:
                text = decoded(page.read_bytes(), page)
            except NotUTF8:
                continue  # the page's own check names it
            for include in model.includes(text.splitlines()):
                if not include.path.endswith(".py") or not (SNIPPETS / include.path).exists():
                    continue  # a missing file is the build's and the page tests' to name
                script = SNIPPETS / include.path
                scripts.add((script, language))
                for comment in comments.shown_comments(script, include.section):
                    if language not in strings.get(comment.text, {}) and (script, comment.line, language) not in named:
                        named.add((script, comment.line, language))
                        problems.append(Problem(shown(script), comment.line, f"{comment.kind} "
                                                f"'{_shorten(comment.text)}' has no '{language}' translation in "
                                                f"{table_name}"))
    for script, language in sorted(scripts):
        try:
            code = script.read_text(encoding="utf-8")
        except ValueError:
            continue  # not UTF-8: the script's own tests name it
        if comments.readable_comments(code) is None:
            continue  # it does not parse: the same
        try:
            same = comments.set_aside(comments.translate(code, language, strings)) == comments.set_aside(code)
        except (SyntaxError, tokenize.TokenError):  # the translation broke the code
            same = False
        if not same:
            problems.append(Problem(shown(script), 1, f"its '{language}' comments in {table_name} change its code, "
                                    "not only what its comments and docstrings say"))
    if pages is None:  # the whole table, against every script
        problems += unused_comment_problems(path, table_name)
    return sorted(problems, key=lambda problem: (str(problem.file), problem.line))


def unused_comment_problems(path: Path, table_name, scripts: list[Path] | None = None) -> list[Problem]:
    """The entries of docs/comments.yml that no snippet's comment or docstring (of `scripts`, the project's by
    default) says any more, left by an edit of the English, each named by its line; none while a script
    cannot be read (its own tests name it)."""
    from coursekit.pages import comments

    said = set()
    for script in snippet_scripts() if scripts is None else scripts:
        try:
            found = comments.readable_comments(script.read_text(encoding="utf-8"))
        except ValueError:
            found = None
        if found is None:
            return []
        said.update(comment.text for comment in found)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8")) if path.exists() else None
    except (ValueError, yaml.YAMLError):
        return []  # the table's own reading names it
    entries = root.value if isinstance(root, yaml.MappingNode) else []
    return [Problem(str(table_name), key.start_mark.line + 1, f"'{_shorten(key.value)}' is no comment or docstring "
                    "of any snippet any more: remove its translations")
            for key, _ in entries if isinstance(key, yaml.ScalarNode) and " ".join(key.value.split()) not in said]


# Chinese prose takes full-width punctuation (，。：；？！（）), with no space after it: half-width punctuation
# touching a Chinese character (code and formulas aside), or a space after full-width punctuation (bold
# markers aside), is a slip.
HALF_WIDTH = {"zh": re.compile(r"[\u3400-\u9fff][,.:;?!()]|[,:;?!(][\u3400-\u9fff]")}
SPACE_AFTER = {"zh": re.compile(r"[，。：；？！]\**[ \t]+(?=[^\s{])")}  # `{ #id }` is no prose


def _punctuation_problems(page: SectionedPage, language: str) -> list[Problem]:
    if language not in HALF_WIDTH:
        return []
    prose_lines = page.prose.split("\n")  # fenced blocks and front matter blanked, formulas kept
    found = [(number, m[0]) for number, text in enumerate(page.plain, start=1)
             for m in HALF_WIDTH[language].finditer(text)]
    found += [(number, m[0]) for number, (text, raw) in enumerate(zip(prose_lines, page.lines), start=1)
              if text.strip() for m in SPACE_AFTER[language].finditer(raw)]
    return [Problem(page.name, number, f"typography: '{slip}' in Chinese prose: full-width punctuation, "
                                        "and no space after it") for number, slip in sorted(found)]


def _english_counterpart(page: Path, docs_dir: Path) -> Path:
    relative = Path(page).resolve().relative_to(Path(docs_dir).resolve())  # ValueError when outside docs_dir
    default = languages()[0]
    if relative.parts[0] == default:
        raise ValueError(f"{page} is an English page, not a translation")
    return Path(docs_dir) / default / Path(*relative.parts[1:])


def stale_sections(page_path: Path | str, docs_dir: Path = DOCS) -> list[str]:
    """Ids of the sections of a translated page whose English text changed since they were translated.

    For the site's notice to readers: never raises; [] for a page that records no translation_of at all.
    """
    try:
        translated = SectionedPage(Path(page_path), name=Path(page_path))
        recorded = translated.translation_of
        if not recorded:
            return []
        english_path = _english_counterpart(page_path, docs_dir)
        english = SectionedPage(english_path, name=english_path)
        return [id_ for id_, fingerprint in english.fingerprints.items() if recorded.get(id_) != fingerprint]
    except (OSError, ValueError, yaml.YAMLError):
        return []


def mark(page: Path, section_ids: list[str] | tuple = (), docs_dir: Path = DOCS) -> list[str]:
    """Record in the front matter of `page` that the sections (all when none named) follow the English text.

    The other front-matter keys and the body are kept byte for byte. Returns the ids marked.
    """
    page = Path(page)
    english_path = _english_counterpart(page, docs_dir)
    current = SectionedPage(english_path, name=english_path).fingerprints
    unknown = [id_ for id_ in section_ids if id_ not in current]
    if unknown:
        raise ValueError(f"{english_path} has no section {', '.join(unknown)}; its sections: {', '.join(current)}")
    marked = list(section_ids) or list(current)
    recorded = SectionedPage(page, name=page).translation_of or {}
    entries = {id_: current[id_] if id_ in marked else recorded[id_]
               for id_ in current if id_ in marked or id_ in recorded}  # English order; gone sections dropped
    page.write_bytes(_with_translation_of(decoded(page.read_bytes(), page), entries).encode("utf-8"))
    return marked


def _with_translation_of(text: str, entries: dict[str, str]) -> str:
    block = yaml.safe_dump({"translation_of": entries}, sort_keys=False, allow_unicode=True,
                           default_flow_style=False)
    front = FRONT_MATTER.match(text)
    if not front:
        return f"---\n{block}---\n{text}"
    return f"---\n{_without_key(front['yaml'] or '', 'translation_of')}{block}---\n{text[front.end():]}"


def _without_key(yaml_text: str, key: str) -> str:
    """The front matter text less one top-level key and its indented value; the rest as it was written."""
    kept, inside = [], False
    for line in yaml_text.splitlines(keepends=True):
        if line.startswith(f"{key}:"):
            inside = True
        elif not (inside and (line[:1] in (" ", "\t") or not line.strip())):
            inside = False
            kept.append(line)
    return "".join(kept)


def _page_argument(argument: str) -> Path:
    path = Path(argument)
    return path if path.is_absolute() or path.exists() else ROOT / path


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "mark":
        page = _page_argument(argv[1])
        try:
            marked = mark(page, argv[2:], DOCS)
        except (OSError, ValueError) as error:
            print(error, file=sys.stderr)
            return 2
        print(f"marked {argv[1]}: {', '.join(marked)}")
        return 0
    if argv not in ([], ["check"]):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        problems = check(DOCS)
    except ValueError as error:  # the glossary's own mistake, named with its entry
        print(error, file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if not problems:
        print("translations in step")
    return 1 if problems else 0
