"""The notebook pages' stylesheet cut to what they use (coursekit/notebooks/stylesheet.py); that the pages look
the same with it is checked in the browser (test_browser.py)."""

import pytest

from coursekit.notebooks.stylesheet import _cut, used_names

pytestmark = pytest.mark.machinery

SHEET = """@charset "UTF-8";
.w{--shown:red;--unused:blue;--via:var(--base);--base:1px;--page:green}
.w .cell:not(.hidden){color:var(--shown)}
.w .widget{color:var(--unused)}
.w .out[data-mime-type="application/vnd.jupyter.stderr"]{border:var(--via) solid}
.w .widget,.w #top{margin:0}
@media (max-width:600px){.w .cell{padding:0}.w .widget{padding:1px}}
@keyframes spin{to{transform:rotate(1turn)}}
pre{tab-size:4}
"""
PAGE = ('<div class="w"><div class="cell" id="top"><span class="out">x</span></div></div>'
        '<style>.k{color:var(--page)}</style>')


def test_a_rule_stays_where_a_selector_can_match_the_pages_and_a_property_where_something_uses_it():
    cut = _cut(SHEET, used_names([PAGE]))
    assert ".w .cell:not(.hidden){color:var(--shown)}" in cut, "a class inside :not() is not required"
    assert 'data-mime-type="application/vnd.jupyter.stderr"' in cut, "an attribute's dots are no classes"
    assert ".w .widget,.w #top{margin:0}" in cut, "one selector of the list matches: the rule stays whole"
    assert "@media (max-width:600px){.w .cell{padding:0}}" in cut
    assert "@keyframes spin" in cut and "pre{tab-size:4}" in cut and cut.startswith('@charset "UTF-8";')
    assert ".w .widget{color" not in cut and "padding:1px" not in cut
    assert "--shown:red" in cut and "--via:var(--base)" in cut and "--base:1px" in cut, "used, directly or not"
    assert "--page:green" in cut, "used by the page's own styles"
    assert "--unused" not in cut
