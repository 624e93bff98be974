"""Readers may take the code and the text home: each has its licence, named in the README and in the
footer of every page, in the page's language."""

import html
import re

import pytest

from coursekit.project import ROOT, language_settings, languages, settings, site_prefix

FOOTER = re.compile(r'<div class="md-copyright__highlight">\s*(?P<text>.*?)\s*</div>', re.DOTALL)


def language_setting(language: str, key: str):
    """A setting as static-i18n gives it to one language: its own, else the site's."""
    entry = next(entry for entry in language_settings() if entry["locale"] == language)
    return entry.get(key) or settings().get(key)


def test_the_code_and_the_text_each_have_a_licence():
    code = (ROOT / "LICENSE").read_text(encoding="utf-8")
    text = (ROOT / "LICENSE-TEXT").read_text(encoding="utf-8")
    assert code.startswith("MIT License") and "Permission is hereby granted, free of charge" in code
    assert "Creative Commons Attribution 4.0" in text and "https://creativecommons.org/licenses/by/4.0/" in text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`LICENSE`" in readme and "`LICENSE-TEXT`" in readme and "CC BY 4.0" in readme and "MIT" in readme


@pytest.mark.parametrize("language", languages())
def test_every_page_footer_names_both_licences_in_its_language(site, language):
    configured = " ".join(language_setting(language, "copyright").split())
    assert "CC BY 4.0" in configured and "MIT" in configured
    others = {" ".join(language_setting(other, "copyright").split()) for other in languages() if other != language}
    assert configured not in others, f"{language}: the footer is not in the page's language"
    pages = [page for page in sorted((site / site_prefix(language)).rglob("index.html"))
             if language != languages()[0] or page.relative_to(site).parts[0] not in languages()]
    assert pages
    for page in pages:
        footer = FOOTER.search(page.read_text(encoding="utf-8"))
        assert footer and " ".join(html.unescape(footer["text"]).split()) == html.unescape(configured), page
