"""Figures compared by what they show, not by their bytes.

Two SVGs drawn by the same code on two machines differ in the last digits of their coordinates (another
CPU sums in another order). They show the same figure when they have the same marks (groups, texts,
styles) and each mark lies within TOLERANCE of where it was: a fraction of a point no reader can see.
A curve may have a different number of vertices (matplotlib simplifies paths from the data): it counts as
the same curve when every point of each lies within TOLERANCE of the other.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np

TOLERANCE = 0.25  # points (1/72 inch): well under a line's width
GEOMETRY = ("x", "y", "x1", "y1", "x2", "y2", "width", "height", "viewBox", "transform")
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
# matplotlib names clip paths and markers by a hash of their geometry: the name moves with the digits.
HASHED_ID = re.compile(r"\b[mp][0-9a-f]{10}\b")
SVG_NS = re.compile(r"\{[^}]*\}")


@dataclass
class Mark:
    where: str         # the ids of the groups it sits in, e.g. "axes_1/line-standardised"
    shape: str         # everything but coordinates: tag, styles, text
    numbers: list      # coordinates of GEOMETRY attributes
    path: list | None  # a path's subpaths, as arrays of points


def _tree(svg: bytes) -> ET.Element:
    """The SVG's elements, with its comments: matplotlib keeps a formatted label's source in one."""
    return ET.fromstring(svg, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))


def marks(svg: bytes) -> list[Mark]:
    """The drawn elements of an SVG, in document order."""
    root = _tree(svg)
    found = []

    def visit(element, where):
        tag = element.tag if isinstance(element.tag, str) else "comment"
        tag = SVG_NS.sub("", tag)
        if tag in ("metadata", "style"):
            return
        ident = element.get("id")
        if ident and not HASHED_ID.fullmatch(ident):
            where = f"{where}/{ident}" if where else ident
        attrs = {SVG_NS.sub("", k): HASHED_ID.sub("#", v) for k, v in element.attrib.items()
                 if SVG_NS.sub("", k) not in GEOMETRY + ("d", "id")}
        text = (element.text or "").strip()
        numbers = [float(n) for name in GEOMETRY if name in element.attrib
                   for n in NUMBER.findall(element.attrib[name])]
        if tag != "g" or attrs or text:
            shape = f"{text!r} ({tag})" if text else f"<{tag}> " + "; ".join(f"{k}={v}" for k, v in sorted(attrs.items()))
            found.append(Mark(where, shape, numbers,
                              _subpaths(element.get("d")) if element.get("d") else None))
        elif numbers:  # a group's transform moves what it holds
            found.append(Mark(where, "<g>", numbers, None))
        for child in element:
            visit(child, where)

    visit(root, "")
    return found


def texts(svg: bytes) -> list[str]:
    """The strings a figure shows, in order: each text element's, and each formatted label's source (kept in
    a comment before the glyphs matplotlib draws it with)."""
    found = []
    for element in _tree(svg).iter():
        if element.tag is ET.Comment:
            found.append(element.text.strip())
        elif SVG_NS.sub("", element.tag) == "text" and (element.text or "").strip():
            found.append(element.text.strip())
    return found


def _subpaths(d: str) -> list:
    """Vertices and control points of each subpath of a path's `d` (matplotlib writes absolute commands)."""
    subpaths, current = [], []
    for token in re.findall(r"[A-Za-z]|" + NUMBER.pattern, d):
        if token in "Mm" and current:
            subpaths.append(current)
            current = []
        elif not token.isalpha():
            current.append(float(token))
    if current:
        subpaths.append(current)
    return [np.array(points).reshape(-1, 2) for points in subpaths]


def _densify(subpaths: list, step: float) -> np.ndarray:
    """Points along each subpath's segments, at most `step` apart."""
    points = []
    for vertices in subpaths:
        points.append(vertices[:1])
        for start, end in zip(vertices[:-1], vertices[1:]):
            count = max(1, int(np.ceil(np.hypot(*(end - start)) / step)))
            points.append(start + (end - start) * (np.arange(1, count + 1) / count)[:, None])
    return np.concatenate(points) if points else np.empty((0, 2))


def path_distance(a: list, b: list, step: float = TOLERANCE / 5) -> float:
    """How far the farthest point of either path lies from the other path (the Hausdorff distance)."""
    from scipy.spatial import cKDTree

    p, q = _densify(a, step), _densify(b, step)
    if not len(p) or not len(q):
        return 0.0 if len(p) == len(q) else float("inf")
    return float(max(cKDTree(q).query(p)[0].max(), cKDTree(p).query(q)[0].max()))


def differences(committed: bytes, drawn: bytes, tolerance: float = TOLERANCE) -> list[str]:
    """What a reader would see change between two SVGs of one figure, one line per change."""
    if committed == drawn:  # the same drawing, byte for byte: nothing to parse
        return []
    old, new = marks(committed), marks(drawn)
    if [m.shape for m in old] != [m.shape for m in new] or [m.where for m in old] != [m.where for m in new]:
        for before, after in zip(old + [None] * len(new), new + [None] * len(old)):
            if before is None or after is None or (before.where, before.shape) != (after.where, after.shape):
                return [f"was {_describe(before)}\nnow {_describe(after)}"]
    problems = []
    for before, after in zip(old, new):
        if len(before.numbers) != len(after.numbers):
            problems.append(f"{_name(after)} changed: {before.numbers} -> {after.numbers}")
        elif before.numbers and (shift := np.abs(np.subtract(before.numbers, after.numbers)).max()) > tolerance:
            problems.append(f"{_name(after)} {before.shape[:40]} moved by {shift:.2f} pt")
        elif before.path is not None:
            distance = path_distance(before.path, after.path)
            if distance > tolerance:
                problems.append(f"{_name(after)} moved by up to {distance:.2f} pt")
    return problems


def _name(mark: Mark) -> str:
    return mark.where or "the figure"


def _describe(mark: Mark | None) -> str:
    return "nothing" if mark is None else f"{_name(mark)}: {mark.shape[:160]}"
