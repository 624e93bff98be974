"""HTML cut into what a rewrite may touch and what it must not, by a tokenizer that reads tags as the browser
does: a quoted attribute value is part of its tag whatever it holds (`alt="x > y"`), a comment is one piece,
and a script or a style is text up to its end tag."""

import re

# A comment, a declaration, or a start or end tag with its attributes, quoted values read whole.
TAG = re.compile(r"""<!--.*?-->|<![^>]*>"""
                 r"""|<(?P<end>/?)(?P<name>[a-zA-Z][\w:-]*)(?:[^>"']|"[^"]*"|'[^']*')*?(?P<self>/?)>""", re.DOTALL)
RAW_TEXT = {"script", "style"}  # their text holds no tags, whatever it looks like


def regions(html: str, names: set[str]) -> list[tuple[str, bool]]:
    """`html` cut at the start and end of the elements named in `names`: (part, inside) in order, joined they
    are `html`. An inside part is an element's content, the start and end tags around it outside."""
    parts, open_, at, cut = [], [], 0, 0
    while (tag := TAG.search(html, at)) is not None:
        at = tag.end()
        name = (tag["name"] or "").lower()
        if tag["end"] or tag["self"] or not name:
            if name in names and name in open_:
                del open_[len(open_) - 1 - open_[::-1].index(name)]
                if not open_:
                    parts.append((html[cut:tag.start()], True))
                    cut = tag.start()
            continue
        if name in RAW_TEXT:  # to its end tag, unread
            end = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(html, at)
            at = end.start() if end else len(html)
        if name in names:
            if not open_:
                parts.append((html[cut:tag.end()], False))
                cut = tag.end()
            open_.append(name)
    parts.append((html[cut:], bool(open_)))
    return parts


def rewrite_text(html: str, rewrite) -> str:
    """`html` with `rewrite` applied to its text between tags; tags, their attributes and comments as they are."""
    out, at = [], 0
    for tag in TAG.finditer(html):
        out += [rewrite(html[at:tag.start()]), tag[0]]
        at = tag.end()
    return "".join(out) + rewrite(html[at:])
