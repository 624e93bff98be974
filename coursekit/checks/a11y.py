"""Accessibility of the built site: axe-core's WCAG 2.1 A and AA rules, page by page, in one palette.

The rules that do not depend on colour give the same answer in both palettes: the second palette runs only
the colour rules. Highlighted code and formulas are thousands of small elements, each as contrasted as any
other of its kind: before axe runs, each code span or formula leaf whose tag, class, colour, size, weight and
background already occurred (on this page or an earlier one of the same run) becomes plain text, so that
every kind is still checked, once.
"""

from coursekit.checks.browser import launch

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
COLOUR_RULES = {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
                "resultTypes": ["violations"]}

REPEATED_LEAVES_TO_TEXT = """seen => {
  const backdrop = element => {  // the colour text is read against: the nearest opaque background
    for (let e = element; e; e = e.parentElement) {
      const colour = getComputedStyle(e).backgroundColor;
      if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
    }
    return "";
  };
  const known = new Set(seen);
  const repeats = [...document.querySelectorAll("pre span, math *")].filter(leaf => {
    if (leaf.children.length) return false;
    const style = getComputedStyle(leaf);
    const key = [leaf.tagName, leaf.className, style.color, style.fontSize, style.fontWeight,
                 backdrop(leaf)].join("|");
    return known.has(key) || !known.add(key);
  });
  for (const leaf of repeats) leaf.replaceWith(leaf.textContent);
  return [...known];
}"""


def check_page(axe, page, path: str, scheme: str, every_rule: bool, seen: list) -> list[str]:
    """axe on the page loaded in `page`: one line per failing rule. `seen` collects the kinds of leaves
    already checked."""
    seen[:] = page.evaluate(REPEATED_LEAVES_TO_TEXT, seen)
    problems = []
    for rule in axe.run(page, options=WCAG_21_AA if every_rule else COLOUR_RULES).response["violations"]:
        nodes = rule["nodes"]
        summary = nodes[0]["failureSummary"].splitlines()[-1].strip()
        problems.append(f"{scheme}: {path or '/'}: {rule['id']} on {len(nodes)} element(s), e.g. "
                        f"{nodes[0]['target']}: {summary}")
    return problems


def violations(base_url: str, paths: list[str], scheme: str, viewport: dict, every_rule: bool = True) -> list[str]:
    """`check_page` on each page, in the `scheme` palette; `every_rule=False` runs the colour rules only.

    It drives a Chromium of its own, so that it can run in a thread beside other browser work.
    """
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe, problems, seen = Axe(), [], []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context(viewport=viewport, color_scheme=scheme).new_page()
        for path in paths:
            page.goto(base_url + path)
            problems += check_page(axe, page, path, scheme, every_rule, seen)
        browser.close()
    return problems
