"""Links of the built site resolve, anchors exist, nothing is fetched from another host; and the checker itself."""

from pathlib import Path

import pytest

from coursekit.checks.links import check_site, main, parse_page, resolve, third_party_references
from coursekit.project import chapters, languages, site_prefix

CHAPTERS = chapters()
PAGES = ["index.html"] + [path for chapter, folder in CHAPTERS.items()
                          for path in (f"{folder}/index.html", f"notebooks/{chapter}/index.html")]


def test_no_broken_link_or_anchor(site):
    problems = check_site(site)
    assert not problems, "broken links or anchors:\n" + "\n".join(problems)


def test_no_third_party_reference(site):
    problems = third_party_references(site)
    assert not problems, "the site must load nothing from another host:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", languages())
@pytest.mark.parametrize("page", PAGES)
def test_language_switch_leads_to_the_same_page(site, language, page):
    here = site_prefix(language) + page
    switch = parse_page(site / here).languages
    assert set(switch) == set(languages()), f"{here}: language selector offers {sorted(switch)}"
    for other, href in switch.items():
        assert resolve(site, here, href) == site / (site_prefix(other) + page), f"{here}: {other} link -> {href}"


@pytest.mark.parametrize("chapter", CHAPTERS)
@pytest.mark.parametrize("language", languages())
def test_chapter_links_its_notebook(site, language, chapter):
    here, notebook = site_prefix(language) + f"{CHAPTERS[chapter]}/index.html", f"notebooks/{chapter}/index.html"
    targets = {resolve(site, here, url) for tag, url in parse_page(site / here).links if tag == "a"}
    assert site / (site_prefix(language) + notebook) in targets, f"{here} does not link its notebook page"
    assert (site / site_prefix(language) / notebook).with_name(f"{chapter}.ipynb").is_file()


# The checker itself, on hand-made sites.

def make_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.machinery
def test_checker_accepts_a_sound_site(tmp_path):
    site = make_site(tmp_path, {
        "index.html": '<a href="guide/#install">Install</a> <a href="https://example.org/">out</a>'
                      '<img src="logo.png"><link rel="stylesheet" href="style.css">',
        "guide/index.html": '<h2 id="install">Install</h2><a href="../">home</a><a href="#">top</a>'
                            '<a href="http://localhost:8000/guide/#install">self</a>',
        "logo.png": "",
        "style.css": "body { background: url(logo.png) }",
    })
    assert check_site(site, "http://localhost:8000/") == []
    assert third_party_references(site) == []


@pytest.mark.machinery
def test_checker_reports_a_broken_anchor(tmp_path):
    site = make_site(tmp_path, {"index.html": '<a href="guide/#setup">x</a>', "guide/index.html": '<h2 id="install">'})
    assert check_site(site, "") == ["index.html: missing anchor -> guide/#setup"]


@pytest.mark.machinery
def test_checker_reports_a_missing_page(tmp_path):
    site = make_site(tmp_path, {"a/index.html": '<a href="../missing/">x</a><img src="../fig.svg">'})
    assert check_site(site, "") == ["a/index.html: broken a link -> ../missing/",
                                    "a/index.html: broken img link -> ../fig.svg"]


@pytest.mark.machinery
def test_checker_reports_an_external_script(tmp_path):
    site = make_site(tmp_path, {"page/index.html": '<script src="https://cdn.example.com/lib.js"></script>'})
    assert third_party_references(site) == ["page/index.html: script src -> https://cdn.example.com/lib.js"]


@pytest.mark.machinery
def test_checker_reports_an_external_stylesheet(tmp_path):
    site = make_site(tmp_path, {"index.html": '<link rel="stylesheet" href="//fonts.example.com/x.css">'})
    assert third_party_references(site) == ["index.html: link rel=stylesheet -> //fonts.example.com/x.css"]


@pytest.mark.machinery
def test_checker_reports_a_css_import(tmp_path):
    site = make_site(tmp_path, {
        "index.html": "<p>hi</p>",
        "assets/extra.css": '@import url("https://fonts.googleapis.com/css?family=Roboto");\nbody { color: red }',
    })
    expected = "assets/extra.css: @import -> https://fonts.googleapis.com/css?family=Roboto"
    assert third_party_references(site) == [expected]


# The loader mkdocs-jupyter 0.27 adds to every page: the address sits in a data attribute, read by its script.
JUPYTER_027_MATHJAX = (
    '<script data-mkdocs-jupyter-mathjax="{&quot;url&quot;: &quot;https://cdn.jsdelivr.net/npm/mathjax@4.1.3/'
    'tex-mml-chtml.js&quot;, &quot;version&quot;: 4}">\n(() => {\n  const config = JSON.parse('
    'document.currentScript.dataset.mkdocsJupyterMathjax);\n})();\n</script>')


@pytest.mark.parametrize("html, expected", [
    (f"<p>notebook</p>{JUPYTER_027_MATHJAX}</body>",
     "script data-mkdocs-jupyter-mathjax -> https://cdn.jsdelivr.net/npm/mathjax@4.1.3/tex-mml-chtml.js"),
    ('<script>fetch("https://api.example.com/stars.json")</script>',
     "inline script -> https://api.example.com/stars.json"),
    ('<div data-src="//cdn.example.com/widget.js"></div>', "div data-src -> //cdn.example.com/widget.js"),
    ('<p style="background: url(https://img.example.com/bg.png)">x</p>',
     "inline style url() -> https://img.example.com/bg.png"),
    ('<a href="https://github.com/someone/course" class="md-source" data-md-component="source">course</a>',
     "a data-md-component=source -> https://github.com/someone/course"),
], ids=["mkdocs-jupyter-0.27-data-attribute", "inline-script", "protocol-relative-attribute", "style-attribute",
        "material-repository-widget"])
@pytest.mark.machinery
def test_checker_finds_an_address_a_page_could_load(tmp_path, html, expected):
    site = make_site(tmp_path, {"index.html": html})
    assert third_party_references(site, "http://localhost:8000/") == [f"index.html: {expected}"]


@pytest.mark.machinery
def test_checker_leaves_links_namespaces_and_the_site_itself(tmp_path):
    site = make_site(tmp_path, {"index.html": (
        '<a href="https://example.org/">out</a><link rel="canonical" href="https://docs.example.org/">'
        '<svg xmlns="http://www.w3.org/2000/svg"></svg><meta property="og:url" content="https://docs.example.org/">'
        '<script>const home = "https://docs.example.org/fr/";</script>')})
    assert third_party_references(site, "https://docs.example.org/") == []


def test_the_site_build_drops_mkdocs_jupyter_mathjax_loader():
    from coursekit.notebooks.site_pages import drop_third_party_scripts

    assert drop_third_party_scripts(f"<main>text</main>{JUPYTER_027_MATHJAX}\n</body>") == "<main>text</main></body>"


def test_command_exit_status(tmp_path, capsys):
    good = make_site(tmp_path / "good", {"index.html": "<p>hi</p>"})
    bad = make_site(tmp_path / "bad", {"index.html": '<a href="nowhere.html">x</a>'})
    assert main([str(good)]) == 0
    assert main([str(bad)]) == 1
    assert "index.html: broken a link -> nowhere.html" in capsys.readouterr().out


@pytest.mark.machinery  # coursekit on a page of its own
def test_a_page_changed_on_disk_is_parsed_again(tmp_path):
    """Pages are parsed once for the checks that read them, as long as they stay as they are."""
    page = tmp_path / "index.html"
    page.write_text('<a id="one"></a>', encoding="utf-8")
    assert parse_page(page).ids == {"one"}
    page.write_text('<a id="two"></a><a id="three"></a>', encoding="utf-8")
    assert parse_page(page).ids == {"two", "three"}
