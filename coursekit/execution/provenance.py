"""What produced the shown outputs: one committed record, `docs/provenance.yml`, that the chapters quote.

`python -m coursekit refresh` writes the Python and package versions it ran with, and the CPU among the
devices. `python -m coursekit provenance --device` (run by the GPU check, after the tests pass there) adds the
accelerator it finds, with its name and the date. The tests fail when the versions differ from the pins.
"""

import argparse
import datetime
import platform
import re
from importlib import metadata
from pathlib import Path

import yaml

from coursekit.project import DOCS, SNIPPETS, read_text, read_yaml

RECORD = DOCS / "provenance.yml"
# Import name -> distribution, for what the snippets import; the record lists these, in this order.
DISTRIBUTIONS = {"torch": "torch", "numpy": "numpy", "sklearn": "scikit-learn", "matplotlib": "matplotlib"}
IMPORT = re.compile(r"^\s*(?:import|from)\s+(?P<module>\w+)", re.MULTILINE)
HEADER = ("# What produced the shown outputs and figures. Written by `python -m coursekit refresh` (Python,\n"
          "# packages, CPU) and by `python -m coursekit provenance --device` on an accelerator; the chapters quote it.\n")


def load(path: Path = RECORD) -> dict:
    return read_yaml(path, {})


def save(record: dict, path: Path = RECORD) -> bool:
    """Write `record` when it differs from the file; whether it did."""
    text = HEADER + yaml.safe_dump(record, sort_keys=False, allow_unicode=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def environment() -> dict:
    """This interpreter's Python and the versions of the course's code dependencies."""
    from packaging.version import Version

    return {"python": platform.python_version(),  # versions as pinned: torch's "+cpu" build tag aside
            "packages": {name: Version(metadata.version(name)).public for name in DISTRIBUTIONS.values()}}


def record_cpu(path: Path = RECORD) -> bool:
    """What `refresh` writes: this environment, and the CPU first among the devices (accelerators kept)."""
    record = load(path)
    devices = [device for device in record.get("devices", []) if device.get("device") != "cpu"]
    return save({**environment(), "devices": [{"device": "cpu"}] + devices}, path)


def record_device(path: Path = RECORD, today: datetime.date | None = None) -> dict:
    """Add (or update) this machine's accelerator, as torch sees it, checked today."""
    import torch

    accelerator = torch.accelerator.current_accelerator(check_available=True)
    if accelerator is None:
        raise SystemExit("no accelerator: run this where the GPU check ran")
    name = torch.cuda.get_device_name() if accelerator.type == "cuda" else accelerator.type
    entry = {"device": accelerator.type, "name": name, "date": (today or datetime.date.today()).isoformat(),
             "torch": torch.__version__}
    record = load(path)
    devices = [d for d in record.get("devices", []) if (d.get("device"), d.get("name")) != (entry["device"], name)]
    save({**record, "devices": devices + [entry]}, path)
    return entry


def chapter_distributions(snippet_folders: list[str]) -> list[str]:
    """The distributions a chapter's snippets import, in DISTRIBUTIONS order."""
    modules = {match["module"] for folder in snippet_folders for script in sorted((SNIPPETS / folder).glob("*.py"))
               for match in IMPORT.finditer(read_text(script))}
    return [distribution for module, distribution in DISTRIBUTIONS.items() if module in modules]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursekit provenance", description=__doc__.splitlines()[0])
    parser.add_argument("--device", action="store_true", help="record this machine's accelerator, checked today")
    options = parser.parse_args(argv)
    if options.device:
        print("recorded", record_device())
    else:
        print("updated" if record_cpu() else "unchanged", RECORD.relative_to(DOCS.parent))
    return 0
