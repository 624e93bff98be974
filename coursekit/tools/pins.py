"""`python -m coursekit pins`: pin every package, transitive ones included, from requirements/*.in.

One universal resolution (uv) for every Python the README names, so a fresh install gets the same
versions on each of them, today and next year:

  requirements.txt        everything: the site, the course's code, notebooks, tests (README, CI)
  requirements/site.txt   the site and its checks alone, at the same versions (CI on the other Pythons)

torch's CUDA libraries are pinned too, under the markers of the platforms whose torch build asks for them
(Linux): pip takes that build on a reader's Linux machine, and some of its libraries come through ranges.
"""

import subprocess
import sys
from pathlib import Path

from coursekit.project import ROOT

PYTHONS = ("3.11", "3.12", "3.13")  # the README's promise; the oldest is the resolution's floor
REQUIREMENTS = ROOT / "requirements"
LOCKS = {  # pinned file -> its direct requirements
    ROOT / "requirements.txt": REQUIREMENTS / "course.in",
    REQUIREMENTS / "site.txt": REQUIREMENTS / "site.in",
}


def pinned_versions(lock: Path = ROOT / "requirements.txt", python: str | None = None) -> dict[str, str]:
    """name -> pinned version, for the lines of a pinned file that apply to this platform and to `python`
    (a full version, "3.11.7"; this interpreter's by default)."""
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    environment = default_environment()
    if python:
        environment.update(python_full_version=python, python_version=".".join(python.split(".")[:2]))
    pinned = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(environment):
                (specifier,) = requirement.specifier
                pinned[canonicalize_name(requirement.name)] = specifier.version
    return pinned


def compile_lock(source: Path, output: Path, constraints: Path | None = None) -> None:
    command = [sys.executable, "-m", "uv", "pip", "compile", "--quiet", "--universal",
               "--python-version", PYTHONS[0], "--custom-compile-command", "python -m coursekit pins",
               str(source.relative_to(ROOT)), "-o", str(output.relative_to(ROOT))]
    if constraints:
        command += ["-c", str(constraints.relative_to(ROOT))]
    subprocess.run(command, cwd=ROOT, check=True, timeout=600)


def main(argv: list[str]) -> int:
    full, site = LOCKS
    compile_lock(LOCKS[full], full)
    compile_lock(LOCKS[site], site, constraints=full)  # the same versions as the full set
    for path in LOCKS:
        print("pinned", path.relative_to(ROOT))
    return 0
