"""Notebook pages under static-i18n: mkdocs-jupyter's files survive i18n's, and need no MathJax."""

import re

from mkdocs.structure.files import Files

# mkdocs-jupyter 0.26 emits a MathJax <script> (empty or from a CDN); formulas become MathML instead.
MATHJAX = re.compile(
    r'<!-- Load mathjax -->|<!-- MathJax configuration -->.*?<!-- End of mathjax configuration -->'
    r'|<script[^>]*\bsrc="([^"]*mathjax[^"]*)?"[^>]*>\s*</script>',
    re.IGNORECASE | re.DOTALL,
)


def is_notebook(file) -> bool:
    return file.src_uri.endswith(".ipynb")


def restore_notebook_files(files: Files, config) -> Files:
    """Wrap each notebook as mkdocs-jupyter does, keeping the address static-i18n gave it.

    static-i18n rebuilds the file list after mkdocs-jupyter wrapped it, so notebooks would be copied
    as raw JSON named index.html (ultrabug/mkdocs-static-i18n#198).
    """
    from mkdocs_jupyter.plugin import NotebookFile

    jupyter = config.plugins["mkdocs-jupyter"]
    for file in list(files):
        if jupyter.should_include(file) and not isinstance(file, NotebookFile):
            wrapped = NotebookFile(file, **config)
            wrapped.dest_uri, wrapped.url, wrapped.abs_dest_path = file.dest_uri, file.url, file.abs_dest_path
            files.remove(file)
            files.append(wrapped)
    return files


def drop_mathjax(html: str) -> str:
    return MATHJAX.sub("", html)
