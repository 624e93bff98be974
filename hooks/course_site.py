import logging
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs_jupyter.plugin import NotebookFile
log = logging.getLogger("mkdocs.hooks")

@event_priority(-200)
def on_files(files, config):
    jup = config.plugins["mkdocs-jupyter"]
    for f in list(files):
        if jup.should_include(f) and not isinstance(f, NotebookFile):
            nb = NotebookFile(f, **config)
            nb.dest_uri = f.dest_uri
            nb.url = f.url
            nb.abs_dest_path = f.abs_dest_path
            print("NB", f.src_uri, f.dest_uri, f.url, nb.is_documentation_page())
            files.remove(f)
            files.append(nb)
    return files
