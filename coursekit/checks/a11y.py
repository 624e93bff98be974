"""Accessibility of the built site: axe-core's WCAG 2.1 A and AA rules, page by page, in one palette.

The rules that do not depend on colour run on the whole page, and give the same answer in both palettes: the
second palette runs only the colour rules. Those measure the contrast of each element that holds text, and a
chapter page holds thousands, most of them of a kind already measured: a code span of the same class, a part
of a formula, a paragraph. So they run once per kind of text: on the elements whose tag, class, colours,
size, weight, decoration, visibility and background (and for a link, the text around it) did not occur
before, on this page or an earlier one of the same run; on a page with nothing new, not at all. Each
`axe.run` first reads the whole page (most of a run's cost on a long page): in the first palette, one run
does every rule, the colour rules told which elements to measure."""

COLOUR = ["color-contrast", "link-in-text-block"]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
COLOUR_RULES = {"runOnly": {"type": "rule", "values": COLOUR}, "resultTypes": ["violations"]}
NEW = "data-axe-new-kind"  # marks what the colour rules measure
# The colour rules measure the marked elements only: among those their own selectors take.
ONLY_NEW_KINDS = f"""() => axe.configure({{rules: [
  {{id: "color-contrast", selector: "[{NEW}]"}},
  {{id: "link-in-text-block", selector: "a[href][{NEW}], [role=link][{NEW}]"}}]}})"""

MARK_NEW_KINDS = """([seen, mark]) => {
  const backdrops = new Map();
  const backdrop = element => {  // the colour text is read against: the nearest opaque background
    if (!element) return "";
    if (!backdrops.has(element)) {
      const colour = getComputedStyle(element).backgroundColor;
      const opaque = colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent";
      backdrops.set(element, opaque ? colour : backdrop(element.parentElement));
    }
    return backdrops.get(element);
  };
  const ownText = element => [...element.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const kind = element => {  // for a link, the text around it too: is it told apart from it?
    const style = getComputedStyle(element), parent = element.parentElement;
    const around = element.tagName === "A" ? [parent.tagName, ownText(parent)] : [];
    return [element.tagName, element.className, style.color, getComputedStyle(parent).color,
            style.fontSize, style.fontWeight, style.textDecorationLine, style.opacity,
            element.checkVisibility({visibilityProperty: true}), backdrop(element), ...around].join("|");
  };
  const known = new Set(seen);
  let marked = 0;
  document.querySelectorAll(`[${mark}]`).forEach(element => element.removeAttribute(mark));
  for (const element of document.body.querySelectorAll("*")) {
    if (!ownText(element) && element.tagName !== "A") continue;
    const key = kind(element);
    if (known.has(key)) continue;
    element.setAttribute(mark, "");
    marked += 1;
    known.add(key);
  }
  return [[...known], marked];
}"""


def check_page(axe, page, path: str, scheme: str, every_rule: bool, seen: list) -> list[str]:
    """axe on the page loaded in `page`: one line per failing rule; `every_rule=False` runs the colour rules
    only. `seen` collects the kinds of text the colour rules have measured."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(axe.axe_script)
        page.evaluate(ONLY_NEW_KINDS)
    seen[:], marked = page.evaluate(MARK_NEW_KINDS, [seen, NEW])
    if every_rule:
        return _run(page, WCAG_21_AA, path, scheme)
    return _run(page, COLOUR_RULES, path, scheme) if marked else []  # else nothing new to measure


def _run(page, options: dict, path: str, scheme: str) -> list[str]:
    problems = []
    for rule in page.evaluate("options => axe.run(document, options).then(results => results.violations)", options):
        nodes = rule["nodes"]
        summary = nodes[0]["failureSummary"].splitlines()[-1].strip()
        problems.append(f"{scheme}: {path or '/'}: {rule['id']} on {len(nodes)} element(s), e.g. "
                        f"{nodes[0]['target']}: {summary}")
    return problems
