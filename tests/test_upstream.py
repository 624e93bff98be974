"""What the machinery relies on in other packages beyond their documentation (coursekit/upstream.py) was
checked against the versions installed here; an upgrade names what to check before it is trusted."""

from importlib import import_module
from pkgutil import resolve_name

import pytest

from coursekit import upstream

pytestmark = pytest.mark.machinery  # coursekit and the installed packages: `pytest --chapter` leaves it out


def test_every_installed_package_the_machinery_reaches_into_is_a_checked_version():
    assert not upstream.not_checked(), "\n".join(upstream.not_checked())


def test_every_version_pinned_for_any_python_is_a_checked_version():
    """requirements.txt pins some packages differently per Python (mkdocs-jupyter 0.26 on 3.11, 0.27 on 3.12+):
    each pin is checked, whichever Python runs the tests."""
    import re

    from coursekit.project import ROOT

    pins = re.findall(r"^([\w.-]+)==([^\s;]+)", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.MULTILINE)
    unchecked = [f"requirements.txt pins {name} {pinned}: check what coursekit/upstream.py says of it, then add "
                 f"{pinned} to its checked versions" for name, pinned in pins for reach_in in upstream.REACH_INS
                 if reach_in.package == name.lower() and pinned not in reach_in.checked]
    assert not unchecked, "\n".join(dict.fromkeys(unchecked))


def test_a_version_not_checked_is_named_with_what_to_check(monkeypatch):
    mkdocs_jupyter = tuple(reach_in for reach_in in upstream.REACH_INS if reach_in.package == "mkdocs-jupyter")
    monkeypatch.setattr(upstream, "REACH_INS", mkdocs_jupyter)
    monkeypatch.setattr(upstream, "installed", lambda package: "0.99.0")
    lines = upstream.not_checked()
    moved = "mkdocs-jupyter moved from 0.26.3, 0.27.0 to 0.99.0: check that "
    assert len(lines) == len(mkdocs_jupyter) and all(line.startswith(moved) for line in lines)
    assert "Plugin._used_cache_paths" in "\n".join(lines)
    assert lines[0].endswith("then add 0.99.0 to the checked versions in coursekit/upstream.py")


def test_each_name_reached_is_there():
    """The reach-ins resolve in the installed packages (their behaviour is their users' tests' to check)."""
    from mkdocs_jupyter import plugin

    assert callable(resolve_name(upstream.NBCONVERT_SOUP)) and callable(resolve_name(upstream.NBCONVERT_ENVIRONMENT))
    for name in ("_compute_cache_key", "_get_cache_path", "_get_nb_toc_tokens"):
        assert callable(getattr(plugin, name)), name
    jupyter = plugin.Plugin()
    jupyter.load_config({})
    jupyter.on_pre_build({})  # as at the start of a build, where it sets the cache files it keeps
    assert isinstance(jupyter._used_cache_paths, set)
    assert all(pattern.match for pattern in upstream.html_tag_patterns()) and "img" in upstream.empty_elements()
    module, name = upstream.PYMDOWNX_HIGHLIGHT
    assert callable(getattr(import_module(module), name))
    module, preprocessor, read_lines, _ = upstream.PYMDOWNX_SNIPPETS
    assert callable(getattr(getattr(import_module(module), preprocessor), read_lines))
