"""Pytest plugins: every page's code blocks as tests, one chapter at a time, jobs shared by workers."""
