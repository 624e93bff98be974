"""Take the code home: the site serves each snippet as the script it is, a block's file name links to it, and
each chapter has a box with the one install line and where its outputs come from (the provenance record).
"""

import re
import shutil
from pathlib import Path

from coursekit.execution import provenance
from coursekit.pages.includes import included_scripts
from coursekit.project import SNIPPETS, snippet_scripts
from coursekit.wording import phrase

SERVED = "snippets"  # the scripts' folder in the built site, at its root
FILENAME = re.compile(r'<span class="filename">(?P<name>[\w.-]+\.py)</span>')


def write_scripts(site_dir: str) -> None:
    """Every snippet script into the built site, at `snippets/<its path under snippets/>`."""
    for script in snippet_scripts():
        target = Path(site_dir) / SERVED / script.relative_to(SNIPPETS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(script, target)


def link_file_names(html: str, scripts: dict[str, str], to_root: str) -> str:
    """A block titled with a script's file name links to the script; `to_root` leads from the page to the
    site's root."""
    def link(match: re.Match) -> str:
        path = scripts.get(match["name"])
        if path is None:
            return match[0]
        return (f'<span class="filename"><a href="{to_root}{SERVED}/{path}" download '
                f'title="{match["name"]}">{match["name"]}</a></span>')

    return FILENAME.sub(link, html)


def run_at_home(markdown: str, language: str, record: dict | None = None) -> str:
    """The box of a chapter page: install, run, and what produced the outputs."""
    scripts = included_scripts(markdown)
    if not scripts:
        return ""
    record = provenance.load() if record is None else record
    packages = record.get("packages", {})
    wanted = provenance.chapter_distributions(sorted({path.split("/")[0] for path in scripts.values()}))
    install = "pip install " + " ".join(f"{name}=={packages[name]}" for name in wanted if name in packages)
    python = ".".join(record.get("python", "").split(".")[:2])
    versions = phrase(language, "list").join([f"Python {record.get('python')}"] + [
        f"{name} {packages[name]}" for name in wanted if name in packages])
    devices = [phrase(language, "device_cpu") if d.get("device") == "cpu" else
               phrase(language, "device_gpu", name=d.get("name", d.get("device")), date=d.get("date", "?"))
               for d in record.get("devices", [{"device": "cpu"}])]
    body = [phrase(language, "home_text", python=python), "", "```sh", install, f"python {next(iter(scripts))}",
            "```", "", phrase(language, "home_provenance", versions=versions, devices=phrase(language, "and").join(
                devices))]
    indented = "\n".join(f"    {line}" if line else "" for line in body)
    return f'??? info "{phrase(language, "home_title")}"\n{indented}\n'
