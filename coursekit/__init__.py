"""Machinery of the course site: includes, code blocks, math, figures, notebooks, translations, benchmark.

MkDocs hooks (`hooks/course_site.py`), the tests and `python -m coursekit` are thin callers of this package.
"""
