"""Command line: `python -m coursekit <command> [args]`.

  new-chapter    add a chapter that builds and passes its tests: `new-chapter NAME [--title TITLE]`
  refresh        regenerate shown outputs, figures and notebooks whose code changed (`--all`: everything)
  translations   check translations (default) or `mark PAGE [SECTION ...]` them as up to date
  links          check links and third-party references of a built site: `links SITE_DIR`
  bench          measure build, tests, code and page weight against the budget; `--chapters 2 5 10 20`:
                 the same for scratch courses of that many chapters, and what each chapter adds
  chapters       the chapters' ids, in the order of the site, as a JSON list (`pytest --chapter ID`);
                 `--runs`: the pytest options of the runs that together test everything (the CI matrix)
  pins           pin every package (requirements.txt, requirements/site.txt) with uv
  provenance     record what produced the outputs (`refresh` does); `--device` adds this machine's GPU
  baseline       run a command with NumPy and torch on their baseline CPU kernels: `baseline pytest`
"""

import importlib
import sys

COMMANDS = {
    "new-chapter": "coursekit.tools.new_chapter",
    "refresh": "coursekit.tools.refresh",
    "translations": "coursekit.checks.translations",
    "links": "coursekit.checks.links",
    "bench": "coursekit.tools.bench",
    "chapters": "coursekit.project",
    "pins": "coursekit.tools.pins",
    "provenance": "coursekit.execution.provenance",
    "baseline": "coursekit.execution.dispatch",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    return importlib.import_module(COMMANDS[argv[0]]).main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
