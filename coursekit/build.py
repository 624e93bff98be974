"""Building the site the way a deployer does: `mkdocs build --strict`, into a folder of one's choosing."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .project import ROOT


@dataclass
class Build:
    site: Path
    log: str
    returncode: int

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.log.splitlines() if line.startswith(("WARNING", "ERROR"))]


def build_site(site: Path, config: Path = ROOT / "mkdocs.yml") -> Build:
    """Run `mkdocs build --strict` in a child process (a fresh MkDocs, as on the command line)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    return Build(Path(site), done.stdout + done.stderr, done.returncode)
