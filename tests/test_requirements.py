"""A fresh install gets the versions the pages were made with: every package is pinned, and the pins are current."""

import importlib.metadata as metadata
import re

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from coursekit.project import ROOT
from coursekit.tools.pins import LOCKS
from coursekit.tools.pins import pinned_versions as pins

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out

FULL, SITE = LOCKS


def direct_requirements(source):
    """The requirements an .in file names, following its `-r` includes."""
    found = []
    for line in source.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            found += direct_requirements(source.parent / line[3:].strip())
        elif line:
            found.append(Requirement(line))
    return found


def applies(requirement, extras=("",)):
    return requirement.marker is None or any(
        requirement.marker.evaluate(dict(default_environment(), extra=extra)) for extra in extras)


def installed_closure(requirements):
    """name -> (installed version, how it is required), for every distribution the requirements pull in."""
    seen, todo = {}, [(r, "requirements") for r in requirements]
    while todo:
        requirement, parent = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in seen or not applies(requirement):
            continue
        distribution = metadata.distribution(requirement.name)
        seen[name] = (distribution.version, f"{parent}: {requirement}")
        extras = ("", *requirement.extras)
        todo += [(child, name) for child in map(Requirement, distribution.requires or [])
                 if applies(child, extras)]
    return seen


def test_every_installed_dependency_is_pinned_at_its_installed_version():
    pinned = pins(FULL)
    problems = []
    for name, (version, why) in installed_closure(direct_requirements(LOCKS[FULL])).items():
        exact = re.search(r"===?\s*([^\s;,]+)", why.split(": ", 1)[1])  # a parent's own exact pin
        if name not in pinned and not (exact and why.split(": ", 1)[0] in pinned):
            problems.append(f"{name} {version} is not pinned (required by {why})")
        elif name in pinned and version.split("+")[0] != pinned[name]:
            problems.append(f"{name}: {version} installed, {pinned[name]} pinned")
    assert not problems, "run python -m coursekit pins, then pip install -r requirements.txt:\n" + "\n".join(problems)


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_pins_satisfy_the_direct_requirements(lock):
    pinned = pins(lock)
    stale = [f"{r} is pinned at {pinned.get(canonicalize_name(r.name))}"
             for r in direct_requirements(LOCKS[lock]) if applies(r)
             and not r.specifier.contains(pinned.get(canonicalize_name(r.name), "0"), prereleases=True)]
    assert not stale, f"{LOCKS[lock].relative_to(ROOT)} changed: run python -m coursekit pins\n" + "\n".join(stale)


def test_the_site_set_has_the_versions_of_the_full_set():
    full = pins(FULL)
    differ = [f"{name}: {version} in {SITE.name}, {full.get(name)} in {FULL.name}"
              for name, version in pins(SITE).items() if full.get(name) != version]
    assert not differ, "run python -m coursekit pins\n" + "\n".join(differ)
