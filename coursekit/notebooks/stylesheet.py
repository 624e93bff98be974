"""mkdocs-jupyter's stylesheet (575 KB: JupyterLab's, every widget and theme) cut to what the site's notebook
pages use. It blocks their first paint, so every kilobyte of it is read before anything shows.

A rule stays where one of its selectors names only classes and ids that the pages hold (what a functional
pseudo-class such as `:not()` or an attribute selector names is not required); a custom property stays where a
declaration kept, or a page's own styles (the code colours nbconvert writes into each page), use it, directly or
through another property. Everything else of the sheet (at-rules, element and attribute selectors) stays as it
is. The pages are those of the build, so a new kind of cell or output keeps its rules."""

import hashlib
import re
from functools import lru_cache

from coursekit.site import build_cache

CLASS_ATTRIBUTE = re.compile(r'\sclass="([^"]*)"')
ID_ATTRIBUTE = re.compile(r'\sid="([^"]*)"')
FUNCTIONAL = re.compile(r":[\w-]+\((?:[^()]|\([^()]*\))*\)")  # :not(.a), :is(.a, .b), :nth-child(2n)
ATTRIBUTE = re.compile(r"\[[^\]]*\]")  # [data-mime-type="application/vnd.jupyter.stderr"]
NAMES = re.compile(r"([.#])(-?[_a-zA-Z\\][\w\\:-]*)")
VARIABLE = re.compile(r"var\(\s*(--[\w-]+)")


def used_names(pages: list[str]) -> frozenset[str]:
    """`.class` and `#id` for each class and id the pages' HTML holds, and `--name` for each custom property
    its own styles use."""
    names = set()
    for html in pages:
        names.update(f".{name}" for value in CLASS_ATTRIBUTE.findall(html) for name in value.split())
        names.update(f"#{value}" for value in ID_ATTRIBUTE.findall(html))
        names.update(VARIABLE.findall(html))
    return frozenset(names)


def cut(css: str, names: frozenset[str]) -> str:
    """`css` without the rules no selector of which can match the pages, nor the custom properties nothing kept
    uses; kept for the next builds (build_cache.py), keyed by the sheet and the names."""
    key = repr((hashlib.sha256(css.encode()).hexdigest(), sorted(names)))
    stored = build_cache.load("notebook-css", key)
    return stored.decode() if stored is not None else build_cache.store(
        "notebook-css", key, _cut(css, names).encode()).decode()


@lru_cache(maxsize=8)
def _cut(css: str, names: frozenset[str]) -> str:
    import tinycss2

    rules = _kept(tinycss2.parse_stylesheet(css), names)
    return _serialized(rules, _used_variables(rules, {name for name in names if name.startswith("--")}))


def _matches(selector: str, names: frozenset[str]) -> bool:
    plain = ATTRIBUTE.sub("", FUNCTIONAL.sub("", selector))
    return all(f"{kind}{name.replace(chr(92), '')}" in names for kind, name in NAMES.findall(plain))


def _kept(nodes, names) -> list:
    """The rules that can match, as (kind, head, body): ("rule", selector, declarations), ("group", `@media
    ...`, its rules kept) or ("as is", the at-rule's text, None)."""
    import tinycss2

    kept = []
    for node in nodes:
        if node.type == "qualified-rule":
            selector = tinycss2.serialize(node.prelude).strip()
            if any(_matches(part, names) for part in _split_selectors(selector)):
                declarations = [d for d in tinycss2.parse_declaration_list(node.content, skip_comments=True,
                                                                             skip_whitespace=True)
                                if d.type == "declaration"]
                kept.append(("rule", selector, declarations))
        elif node.type == "at-rule" and node.content is not None and node.lower_at_keyword in ("media", "supports"):
            inner = _kept(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True), names)
            if inner:
                kept.append(("group", f"@{node.at_keyword}{tinycss2.serialize(node.prelude)}", inner))
        elif node.type == "at-rule":
            kept.append(("as is", node.serialize(), None))
    return kept


def _split_selectors(selector: str) -> list[str]:
    """A selector list cut at its top-level commas."""
    parts, depth, start = [], 0, 0
    for at, char in enumerate(selector):
        depth += char in "([" and 1 or char in ")]" and -1 or 0
        if char == "," and depth == 0:
            parts.append(selector[start:at])
            start = at + 1
    return parts + [selector[start:]]


def _declarations(rules):
    for kind, _, body in rules:
        if kind == "rule":
            yield from body
        elif kind == "group":
            yield from _declarations(body)


def _used_variables(rules, used_by_pages: set[str]) -> set[str]:
    import tinycss2

    defined, used = {}, set(used_by_pages)
    for declaration in _declarations(rules):
        value = tinycss2.serialize(declaration.value)
        if declaration.name.startswith("--"):
            defined.setdefault(declaration.name, []).append(value)
        else:
            used.update(VARIABLE.findall(value))
    pending = list(used)
    while pending:  # a property used through another one
        for value in defined.get(pending.pop(), []):
            for name in VARIABLE.findall(value):
                if name not in used:
                    used.add(name)
                    pending.append(name)
    return used


def _serialized(rules, variables: set[str]) -> str:
    import tinycss2

    out = []
    for kind, head, body in rules:
        if kind == "as is":
            out.append(head)
        elif kind == "group":
            inner = _serialized(body, variables)
            if inner:
                out.append(f"{head}{{{inner}}}")
        else:
            kept = [f"{d.name}:{tinycss2.serialize(d.value).strip()}{'!important' if d.important else ''}"
                    for d in body if not d.name.startswith("--") or d.name in variables]
            if kept:
                out.append(f"{head}{{{';'.join(kept)}}}")
    return "".join(out)
