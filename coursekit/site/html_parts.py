"""HTML cut into what a rewrite may touch and what it must not, by a tokenizer that reads tags as the browser
does: a quoted attribute value is part of its tag whatever it holds (`alt="x > y"`), a comment is one piece,
and a script or a style is text up to its end tag."""

import re
from functools import cache

# A tag's attributes, quoted values read whole (unrolled: a chapter page has tens of thousands of tags).
ATTRIBUTES = r"""[^>"']*+(?:(?:"[^"]*+"|'[^']*+')[^>"']*+)*+"""
# A comment, a declaration, or a start or end tag with its attributes.
TAG = re.compile(rf"<!--.*?-->|<![^>]*>|</?[a-zA-Z][\w:-]*{ATTRIBUTES}>", re.DOTALL)
RAW_TEXT = {"script", "style"}  # their text holds no tags, whatever it looks like


@cache
def _next_tag(names: frozenset[str]) -> re.Pattern:
    """From where it starts, the next start or end tag of `names` or of a raw-text element (as the site's
    generators write tags: lower case), text and every other tag read past whole, in one match."""
    named = "|".join(sorted(names | RAW_TEXT))
    other = rf"[^<]++|<!--.*?-->|<(?!/?(?:{named})[\s/>])(?:[!/]?[a-zA-Z]{ATTRIBUTES}>)?"
    return re.compile(rf"(?:{other})*+(?P<tag><(?P<end>/?)(?P<name>{named})(?=[\s/>]){ATTRIBUTES}>)", re.DOTALL)


def regions(html: str, names: set[str]) -> list[tuple[str, bool]]:
    """`html` cut at the start and end of the elements named in `names`: (part, inside) in order, joined they
    are `html`. An inside part is an element's content, the start and end tags around it outside."""
    parts, open_, at, cut = [], [], 0, 0
    next_tag = _next_tag(frozenset(names))
    while (tag := next_tag.match(html, at)) is not None:
        at = tag.end()
        name = tag["name"]
        if tag["end"] or tag["tag"].endswith("/>"):
            if name in names and name in open_:
                del open_[len(open_) - 1 - open_[::-1].index(name)]
                if not open_:
                    parts.append((html[cut:tag.start("tag")], True))
                    cut = tag.start("tag")
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
