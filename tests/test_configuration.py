"""The machinery answers from the configuration MkDocs builds with: `mkdocs build -f other.yml` is built as
other.yml says, languages and includes alike."""

from pathlib import Path

import pytest
from mkdocs.config import load_config

from coursekit import project
from coursekit.checks.translations import glossary_markdown
from coursekit.pages.includes import expand
from coursekit.project import ROOT, languages

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out


def other_config(tmp_path: Path) -> Path:
    """mkdocs.yml without Chinese, its includes read from `tmp_path/included`: another file, as `-f` names it."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    chinese = text.index("        - locale: zh")
    text = text[:chinese] + text[text.index("  # `OFFLINE=true", chinese):]
    text = text.replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}")
    text = text.replace("  - hooks/course_site.py", f"  - {ROOT / 'hooks/course_site.py'}")
    text = text.replace("base_path: [snippets]", f"base_path: [{tmp_path / 'included'}]")
    text = text.replace("watch:\n  - snippets", f"watch:\n  - {tmp_path / 'included'}")
    (tmp_path / "included").mkdir()
    (tmp_path / "included" / "only-here.py").write_text("print('from other.yml')\n", encoding="utf-8")
    config = tmp_path / "other.yml"
    config.write_text(text, encoding="utf-8")
    return config


def test_a_build_with_another_configuration_file_follows_that_file(tmp_path, monkeypatch):
    monkeypatch.setattr(project, "_BUILD", {})
    assert languages() == ["en", "fr", "zh"]  # no build running: mkdocs.yml
    expand("# A page read before", "page.md")
    config = load_config(str(other_config(tmp_path)))
    for hooks in config["hooks"].values():  # as MkDocs starts a build
        hooks.on_config(config)
    assert languages() == ["en", "fr"]
    assert glossary_markdown("fr").splitlines()[0] == "| Français | English |"
    assert "print('from other.yml')" in [line.text for line in expand('--8<-- "only-here.py"', "page.md")]


def test_without_a_build_mkdocs_yml_is_read_as_mkdocs_reads_it(monkeypatch):
    """Outside a build, the machinery reads mkdocs.yml without loading MkDocs' plugins (a second a process):
    what it looks up there is what MkDocs' own reading gives."""
    listed = [next(iter(entry)) if isinstance(entry, dict) else entry
              for entry in project._read()["markdown_extensions"]]

    def looked_up():
        return ([{key: entry.get(key) for key in ("locale", "name", "build", "site_name")}
                 for entry in project.language_settings()], languages(), project.chapters(),
                {name: project.markdown_extension_config(name) for name in listed})

    monkeypatch.setattr(project, "_BUILD", {})
    read = looked_up()
    monkeypatch.setattr(project, "_BUILD", {"config": project._loaded()})
    assert read == looked_up()
    assert len(listed) > 10 and len(read[2]) > 1  # what was compared
