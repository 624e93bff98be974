"""Building the site the way a deployer does: `mkdocs build --strict`, into a folder of one's choosing."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from coursekit.project import ROOT


@dataclass
class Build:
    site: Path
    log: str
    returncode: int

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.log.splitlines() if line.startswith(("WARNING", "ERROR"))]


ENV = {"NO_MKDOCS_2_WARNING": "1"}
TIMEOUT_S = 600  # a build that takes longer hangs: it is stopped and fails, saying so


def build_command(site: Path, config: Path = ROOT / "mkdocs.yml") -> list[str]:
    """`mkdocs build --strict` in a fresh interpreter, as on the command line (ENV beside it)."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)]


class PendingBuild:
    """`mkdocs build --strict` running in a child process (a fresh MkDocs, as on the command line)."""

    def __init__(self, site: Path, config: Path = ROOT / "mkdocs.yml", env: dict | None = None):
        self.site = Path(site)
        env = dict(os.environ, **ENV, **(env or {}))
        command = build_command(site, config)
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def result(self) -> Build:
        try:
            log, _ = self.process.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            log, _ = self.process.communicate(timeout=30)
            return Build(self.site, f"{log}\nmkdocs build: stopped after {TIMEOUT_S} s, its time limit", -1)
        return Build(self.site, log, self.process.returncode)


def build_site(site: Path, config: Path = ROOT / "mkdocs.yml") -> Build:
    return PendingBuild(site, config).result()
