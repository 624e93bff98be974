"""Where a chapter's notebook opens to run: Kaggle, Google Colab, SageMaker Studio Lab.

Each host's address is the chapter's own setting in mkdocs.yml (`extra.kaggle.<id>`, `extra.colab.<id>`,
`extra.studiolab.<id>`: an address, or one per language), or else the host's import of the page language's
.ipynb in `repo_url` at `extra.repo_branch` (Colab and Studio Lab import from GitHub only). With neither,
there is no address to give: none is invented, and the build says so once per chapter.
"""

import logging
import re
from urllib.parse import quote

from coursekit.wording import phrase

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


def _host_buttons(hosts: dict[str, str], language: str) -> list[str]:
    """One button per host; the first is the primary one."""
    return [f'<a class="md-button{" md-button--primary" if i == 0 else ""} open-in open-in-{host}" '
            f'href="{url}">{phrase(language, "open_" + host)}</a>' for i, (host, url) in enumerate(hosts.items())]


def _download_button(url: str, language: str) -> str:
    return f'<a class="md-button notebook-download" href="{url}" download>{phrase(language, "download")}</a>'


def notebook_tip(notebook_id: str, language: str, config: dict, notebook_page: str, download: str) -> str:
    """The tip under a chapter's title: the hosts that open the notebook, the notebook page, the .ipynb.

    `notebook_page` is the Markdown link target of the notebook page, `download` the URL of the .ipynb,
    both relative to the chapter page.
    """
    hosts = notebook_hosts(notebook_id, language, config)
    links = _host_buttons(hosts, language)
    links.append(f'[{phrase(language, "view_notebook")}]({notebook_page}){{ .md-button }}')
    links.append(_download_button(download, language))
    body = [phrase(language, "tip_text"), "", " ".join(links)]
    if not hosts:
        body += ["", phrase(language, "import_kaggle")]
    indented = "\n".join(f"    {line}" if line else "" for line in body)
    return f'!!! tip "{phrase(language, "tip_title")}"\n{indented}\n'


def notebook_actions(notebook_id: str, language: str, config: dict, download: str) -> str:
    """The buttons at the top of a notebook page, as HTML: the hosts that open it, and the .ipynb."""
    hosts = notebook_hosts(notebook_id, language, config)
    buttons = _host_buttons(hosts, language) + [_download_button(download, language)]
    hint = "" if hosts else f'<p class="notebook-import">{phrase(language, "import_kaggle")}</p>'
    return f'<p class="notebook-actions">{" ".join(buttons)}</p>{hint}'
