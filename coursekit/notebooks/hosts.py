"""Where a chapter's notebook opens to run: Kaggle, Google Colab, SageMaker Studio Lab.

Each host's address is the chapter's own setting in mkdocs.yml (`extra.kaggle.<id>`, `extra.colab.<id>`,
`extra.studiolab.<id>`: an address, or one per language), or else the host's import of the page language's
.ipynb in `repo_url` at `extra.repo_branch` (Colab and Studio Lab import from GitHub only). With neither,
there is no address to give: none is invented, and the build says so once per chapter.
"""

import logging
import re
from urllib.parse import quote

log = logging.getLogger("mkdocs.coursekit")
_reported: set[str] = set()

HOSTS = ("kaggle", "colab", "studiolab")  # in the order the buttons show
GITHUB = re.compile(r"^https://github\.com/(?P<repo>[^/]+/[^/]+?)(?:\.git)?/?$")


def _imported(host: str, repo_url: str, branch: str, path: str) -> str | None:
    if host == "kaggle":
        source = f"{repo_url.rstrip('/')}/blob/{branch}/{path}"
        return f"https://kaggle.com/kernels/welcome?src={quote(source, safe=':/')}"
    github = GITHUB.match(repo_url)
    if not github:
        return None
    if host == "colab":
        return f"https://colab.research.google.com/github/{github['repo']}/blob/{branch}/{path}"
    return f"https://studiolab.sagemaker.aws/import/github/{github['repo']}/blob/{branch}/{path}"


def notebook_hosts(notebook_id: str, language: str, config: dict) -> dict[str, str]:
    """{host: address} for the hosts that have one, in HOSTS order."""
    extra, found = config.get("extra") or {}, {}
    repo, branch = config.get("repo_url"), (config.get("extra") or {}).get("repo_branch", "main")
    for host in HOSTS:
        configured = (extra.get(host) or {}).get(notebook_id)
        if isinstance(configured, dict):
            configured = configured.get(language) or configured.get("en")
        address = configured or (repo and _imported(host, repo, branch,
                                                    f"docs/{language}/notebooks/{notebook_id}.ipynb"))
        if address:
            found[host] = address
    if not found and notebook_id not in _reported:
        _reported.add(notebook_id)
        log.info(f"chapter '{notebook_id}': no notebook host (set repo_url, or extra.kaggle.{notebook_id}, "
                 f"extra.colab.{notebook_id} or extra.studiolab.{notebook_id} in mkdocs.yml); its pages offer "
                 f"the .ipynb download instead")
    return found
