"""Where a chapter's notebook opens on Kaggle: the configured address, or Kaggle's import of the repository's file."""

import logging
from urllib.parse import quote

log = logging.getLogger("mkdocs.coursekit")
_reported: set[str] = set()


def kaggle_url(notebook_id: str, language: str, config: dict) -> str | None:
    """`extra.kaggle.<id>` (an address, or one per language); else Kaggle's import of the
    .ipynb in `repo_url`; else None, logged once, since no address may be invented."""
    configured = ((config.get("extra") or {}).get("kaggle") or {}).get(notebook_id)
    if isinstance(configured, dict):
        configured = configured.get(language) or configured.get("en")
    if configured:
        return configured
    repo = config.get("repo_url")
    if repo:
        branch = (config.get("extra") or {}).get("repo_branch", "main")
        source = f"{repo.rstrip('/')}/blob/{branch}/docs/{language}/notebooks/{notebook_id}.ipynb"
        return f"https://kaggle.com/kernels/welcome?src={quote(source, safe=':/')}"
    if notebook_id not in _reported:
        _reported.add(notebook_id)
        log.info(f"chapter '{notebook_id}': no Kaggle address (set extra.kaggle.{notebook_id} or repo_url "
                 f"in mkdocs.yml); its pages offer the .ipynb download instead")
    return None
