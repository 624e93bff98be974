"""Taking the code home: every titled block links its whole script, each chapter says how to install and run it,
and what produced its outputs, from one record that agrees with the pins."""

import re

import pytest
import yaml

from coursekit.execution import provenance
from coursekit.project import SNIPPETS, chapters, languages, site_prefix, snippet_scripts
from coursekit.site import typography
from coursekit.site.downloads import run_at_home
from coursekit.tools.pins import PYTHONS, pinned_versions
from coursekit.wording import phrase

CHAPTERS = chapters()
SCRIPT_LINK = re.compile(r'<span class="filename"><a href="(?P<href>[^"]+)" download[^>]*>(?P<name>[^<]+)</a>')
RECORD = provenance.load()


def chapter_html(site, language, chapter):
    folder = site / site_prefix(language) / CHAPTERS[chapter]
    return (folder / "index.html").read_text(encoding="utf-8"), folder


@pytest.mark.parametrize("language", languages())
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_titled_block_links_the_whole_script(site, language, chapter):
    html, folder = chapter_html(site, language, chapter)
    titles = re.findall(r'<span class="filename">(?:<a [^>]*>)?([\w.-]+\.py)', html)
    links = SCRIPT_LINK.findall(html)
    assert titles and len(links) == len(titles), "a block titled with a file name does not link it"
    for href, name in links:
        served = (folder / href).resolve()
        source = SNIPPETS / served.relative_to((site / "snippets").resolve())
        assert served.name == name and served.read_bytes() == source.read_bytes(), href


@pytest.mark.parametrize("language", languages())
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_says_how_to_run_it_at_home_and_what_produced_its_outputs(site, language, chapter):
    html, _ = chapter_html(site, language, chapter)
    assert typography.apply(phrase(language, "home_title"), language) in html  # as the build sets it
    install = re.search(r"pip install ([^<\n]+)", re.sub(r"<[^>]+>", "", html))[1].split()
    pinned = pinned_versions(python=RECORD["python"])
    assert install and all(pinned[name] == version for name, version in (pin.split("==") for pin in install))
    assert f"Python {RECORD['python']}{phrase(language, 'list')}" in html and phrase(language, "device_cpu") in html


def test_the_record_agrees_with_the_pins():
    """The pages quote the record: its versions must be those a fresh install gets."""
    pinned = pinned_versions(python=RECORD["python"])
    assert ".".join(RECORD["python"].split(".")[:2]) in PYTHONS
    wrong = {name: (version, pinned.get(name)) for name, version in RECORD["packages"].items()
             if pinned.get(name) != version}
    assert not wrong, f"docs/provenance.yml differs from requirements.txt (recorded, pinned): {wrong}; " \
                      "run python -m coursekit refresh with the pinned packages installed"
    assert RECORD["devices"][0] == {"device": "cpu"}


@pytest.mark.parametrize("language", languages())
def test_a_recorded_gpu_check_is_named_with_its_date(language):
    script = snippet_scripts()[0]
    page = f'```python title="{script.name}"\n--8<-- "{script.relative_to(SNIPPETS).as_posix()}"\n```\n'
    record = {"python": "3.11.7", "packages": {"torch": "2.13.0"}, "devices": [{"device": "cpu"}]}
    cpu_only = run_at_home(page, language, record)
    gpu = {"device": "cuda", "name": "NVIDIA H100 80GB HBM3", "date": "2026-11-26"}
    both = run_at_home(page, language, {**record, "devices": record["devices"] + [gpu]})
    assert "H100" not in cpu_only and phrase(language, "device_cpu") in cpu_only
    assert phrase(language, "device_gpu", name=gpu["name"], date=gpu["date"]) in both
    assert "pip install " in both and f"python {script.name}" in both


def test_refresh_keeps_the_recorded_gpu_checks(tmp_path):
    path = tmp_path / "provenance.yml"
    gpu = {"device": "cuda", "name": "NVIDIA H100 80GB HBM3", "date": "2026-11-26", "torch": "2.13.0+cu130"}
    path.write_text(yaml.safe_dump({"python": "3.11.0", "packages": {}, "devices": [{"device": "cpu"}, gpu]}))
    assert provenance.record_cpu(path)
    record = provenance.load(path)
    assert record["devices"] == [{"device": "cpu"}, gpu] and record["python"] == provenance.environment()["python"]
    assert not provenance.record_cpu(path), "an unchanged record is not written again"
