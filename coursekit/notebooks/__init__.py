"""Chapter notebooks: built from the pages, shown on the site, opened on notebook hosts."""
