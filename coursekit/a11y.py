"""Accessibility of the built site: axe-core's WCAG 2.1 A and AA rules, page by page, in one palette."""

from .browser import launch

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


def violations(base_url: str, paths: list[str], scheme: str, viewport: dict) -> list[str]:
    """One line per rule that fails on a page, with its first failing element, in the `scheme` palette.

    It drives a Chromium of its own, so that the two palettes can be checked side by side in two threads.
    """
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe, problems = Axe(), []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context(viewport=viewport, color_scheme=scheme).new_page()
        for path in paths:
            page.goto(base_url + path)
            for rule in axe.run(page, options=WCAG_21_AA).response["violations"]:
                nodes = rule["nodes"]
                summary = nodes[0]["failureSummary"].splitlines()[-1].strip()
                problems.append(f"{scheme}: {path or '/'}: {rule['id']} on {len(nodes)} element(s), e.g. "
                                f"{nodes[0]['target']}: {summary}")
        browser.close()
    return problems
