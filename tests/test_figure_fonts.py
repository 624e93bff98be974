"""Each language's figures are drawn in its font: `refresh` draws none without it, and finds one that was
installed after matplotlib cached its list of fonts."""

import os

import pytest

from coursekit.figures import language as figure_text
from coursekit.tools import refresh

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out


def test_refresh_draws_nothing_while_a_language_font_is_missing(monkeypatch, capsys):
    monkeypatch.setitem(figure_text.FONTS, "zh", ["No Such Sans CJK"])
    ran = []
    monkeypatch.setattr(refresh.outputs, "refresh", lambda pages: ran.append("outputs") or [])
    monkeypatch.setattr(refresh, "refresh_figures", lambda: ran.append("figures") or [])
    monkeypatch.setattr(refresh.notebooks, "refresh", lambda: ran.append("notebooks") or [])
    assert refresh.main([]) == 1
    assert ran == []
    message = capsys.readouterr().err
    assert "'zh'" in message and "No Such Sans CJK" in message
    assert "apt-get install fonts-wqy-microhei" in message  # what to install
    assert "rm -rf " in message and "matplotlib" in message  # and how to clear matplotlib's cache


def test_a_font_installed_after_matplotlib_cached_its_list_is_found(monkeypatch):
    from matplotlib import font_manager

    font = figure_text.cjk_font()
    if font is None:
        message = "no Chinese font for matplotlib: apt-get install fonts-wqy-microhei (CI does)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    manager = font_manager.fontManager
    # The list as a cache written before the font was installed holds it: without the files of any CJK font.
    files = {f.fname for f in manager.ttflist if f.name in figure_text.CJK_FONTS}
    monkeypatch.setattr(manager, "ttflist", [f for f in manager.ttflist if f.fname not in files])
    assert figure_text._first_listed(figure_text.CJK_FONTS) is None
    assert figure_text.cjk_font() == font
    assert figure_text.missing_fonts() == []
